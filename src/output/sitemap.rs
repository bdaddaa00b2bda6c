//! `sitemap.xml` and `robots.txt`.

use super::xml_escape;
use crate::graph::Site;
use crate::render::Page;

/// Every page but the 404 page, with absolute URLs; entries carry their last change.
pub fn sitemap(site: &Site, pages: &[Page]) -> String {
    let mut out = String::with_capacity(128 + pages.len() * 120);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages {
        if *page == Page::NotFound {
            continue;
        }
        out.push_str("  <url>\n    <loc>");
        xml_escape(&mut out, &site.config.permalink(&page.path(site)));
        out.push_str("</loc>\n");
        if let Page::Entry(id) = page {
            let front = &site.entry(*id).front;
            if let Some(date) = front.updated.or(front.date) {
                out.push_str("    <lastmod>");
                out.push_str(&date.day_iso());
                out.push_str("</lastmod>\n");
            }
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.permalink("sitemap.xml")
    )
}
