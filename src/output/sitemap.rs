//! `sitemap.xml` and `robots.txt`.

use crate::graph::Site;
use crate::pages::{self, Page};
use crate::text::xml_escape;

/// The most URLs one sitemap file may hold (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

/// The sitemap files: `sitemap.xml` with every page but the 404 page, absolute URLs,
/// entries with their last change; for a site of more than [`MAX_URLS`] pages,
/// `sitemap-1.xml`, `sitemap-2.xml` … of that many each, and `sitemap.xml` the index of
/// them.
pub fn sitemaps(site: &Site, pages: &[Page]) -> Vec<(String, String)> {
    sitemaps_of(site, pages, MAX_URLS)
}

/// The names [`sitemaps`] gives its files for these pages.
pub fn names(pages: &[Page]) -> Vec<String> {
    names_of(listed(pages).count(), MAX_URLS)
}

fn listed(pages: &[Page]) -> impl Iterator<Item = &Page> {
    pages.iter().filter(|p| **p != Page::NotFound)
}

fn names_of(urls: usize, max: usize) -> Vec<String> {
    let mut names = vec![pages::SITEMAP.to_string()];
    if urls > max {
        names.extend((1..=urls.div_ceil(max)).map(pages::sitemap_part));
    }
    names
}

fn sitemaps_of(site: &Site, pages: &[Page], max: usize) -> Vec<(String, String)> {
    let listed: Vec<&Page> = listed(pages).collect();
    if listed.len() <= max {
        return vec![(pages::SITEMAP.into(), urlset(site, &listed))];
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, part) in listed.chunks(max).enumerate() {
        let name = pages::sitemap_part(i + 1);
        index.push_str("  <sitemap>\n    <loc>");
        xml_escape(&mut index, &site.config.permalink(&name));
        index.push_str("</loc>\n  </sitemap>\n");
        files.push((name, urlset(site, part)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, (pages::SITEMAP.into(), index));
    files
}

fn urlset(site: &Site, pages: &[&Page]) -> String {
    let mut out = String::with_capacity(128 + pages.len() * 120);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages {
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
        site.config.permalink(pages::SITEMAP)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::diagnostics::Diagnostics;

    /// A site of five entries, built from a temporary folder.
    fn five_entries() -> (tempfile::TempDir, crate::build::Prepared) {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/people")).unwrap();
        for i in 1..=5 {
            std::fs::write(
                root.path().join(format!("content/people/p{i}.md")),
                format!("---\ntitle: Person {i}\nkind: person\n---\nText.\n"),
            )
            .unwrap();
        }
        let config = Config::parse(
            "title: T\nbase_url: https://e.org/d/\n",
            &Overrides::default(),
        )
        .config
        .unwrap();
        let mut diagnostics = Diagnostics::new();
        let prepared =
            crate::build::prepare(root.path(), config, false, &mut diagnostics, &mut |_| {})
                .expect("a site");
        assert!(!diagnostics.has_errors());
        (root, prepared)
    }

    fn locs(xml: &str) -> Vec<&str> {
        xml.split("<loc>")
            .skip(1)
            .map(|rest| &rest[..rest.find("</loc>").unwrap()])
            .collect()
    }

    #[test]
    fn a_site_too_large_for_one_sitemap_gets_an_index_of_parts() {
        let (_root, prepared) = five_entries();
        let site = &prepared.site;
        let pages = Page::all(site);
        let listed = pages.iter().filter(|p| **p != Page::NotFound).count();
        assert!(listed > 8, "{listed} pages");

        let one = sitemaps_of(site, &pages, listed);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "sitemap.xml");
        let every: Vec<&str> = locs(&one[0].1);
        assert_eq!(every.len(), listed);

        let split = sitemaps_of(site, &pages, 4);
        let names: Vec<&str> = split.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, names_of(listed, 4));
        assert_eq!(names[0], "sitemap.xml");
        assert_eq!(names.len(), 1 + listed.div_ceil(4));
        let index = &split[0].1;
        assert!(index.contains("<sitemapindex "), "{index}");
        let parts: Vec<String> = names[1..]
            .iter()
            .map(|n| format!("https://e.org/d/{n}"))
            .collect();
        assert_eq!(locs(index), parts);
        let mut joined = Vec::new();
        for (_, xml) in &split[1..] {
            let urls = locs(xml);
            assert!(!urls.is_empty() && urls.len() <= 4);
            joined.extend(urls);
        }
        assert_eq!(joined, every, "the parts hold every URL once, in order");
        assert_eq!(names_of(MAX_URLS, MAX_URLS), ["sitemap.xml"]);
        for name in &names[1..] {
            assert!(crate::serve::project::is_sitemap_part(name), "{name}");
        }
        for other in [
            "sitemap.xml",
            "sitemap-.xml",
            "sitemap-1.xml.gz",
            "sitemap-a.xml",
        ] {
            assert!(!crate::serve::project::is_sitemap_part(other), "{other}");
        }
    }
}
