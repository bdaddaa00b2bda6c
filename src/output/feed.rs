//! Atom feeds: the site's, and one per tag.

use crate::graph::EntryId;
use crate::pages;
use crate::render::reads::{DateOf, EntryData, List, ListOf, Newest, Reads, TagId, TagName};
use crate::text::xml_escape;

/// The site's feed, `atom.xml`: its newest dated entries.
pub fn site_feed(reads: &Reads<'_>) -> String {
    let title = &reads.config().title;
    atom(reads, title, pages::FEED, "", reads.get(Newest(u32::MAX)))
}

/// The feed of tag `t`: the newest dated entries carrying it.
pub fn tag_feed(reads: &Reads<'_>, t: usize) -> String {
    let tag = TagId(t as u32);
    let path = reads.path(crate::pages::Page::Tag(t, 0));
    let title = format!("{} — {}", reads.config().title, reads.get(TagName(tag)));
    let (ids, _) = reads.get(List {
        of: ListOf::Tag(tag),
        start: 0,
        len: u32::MAX,
    });
    atom(reads, &title, &pages::feed(&path), &path, ids)
}

/// An Atom feed of the newest dated entries among `ids` (already newest first).
///
/// `feed_path` is the feed's own site path (`atom.xml`, `tags/x/atom.xml`) and `page_path`
/// the page it belongs to.
fn atom(
    reads: &Reads<'_>,
    title: &str,
    feed_path: &str,
    page_path: &str,
    ids: &[EntryId],
) -> String {
    let config = reads.config();
    let items: Vec<EntryId> = ids
        .iter()
        .copied()
        .filter(|&id| reads.get(DateOf(id)).is_some())
        .take(config.feed.count)
        .collect();
    let updated_of = |id: EntryId| {
        let front = &reads.get(EntryData(id)).0.front;
        front.updated.or(front.date)
    };
    let feed_updated = items
        .iter()
        .filter_map(|&id| updated_of(id))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());

    let mut out = String::with_capacity(1024 + items.len() * 512);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    out.push_str(" xml:lang=\"");
    xml_escape(&mut out, &config.language);
    out.push_str("\">\n  <title>");
    xml_escape(&mut out, title);
    out.push_str("</title>\n");
    if !config.description.is_empty() {
        out.push_str("  <subtitle>");
        xml_escape(&mut out, &config.description);
        out.push_str("</subtitle>\n");
    }
    let self_url = config.permalink(feed_path);
    let page_url = config.permalink(page_path);
    for (rel, href) in [("self", &self_url), ("alternate", &page_url)] {
        out.push_str("  <link rel=\"");
        out.push_str(rel);
        out.push_str("\" href=\"");
        xml_escape(&mut out, href);
        out.push_str(if rel == "self" {
            "\" type=\"application/atom+xml\"/>\n"
        } else {
            "\" type=\"text/html\"/>\n"
        });
    }
    out.push_str("  <id>");
    xml_escape(&mut out, &self_url);
    out.push_str("</id>\n  <updated>");
    out.push_str(&feed_updated);
    out.push_str("</updated>\n  <author><name>");
    xml_escape(&mut out, config.author.as_deref().unwrap_or(&config.title));
    out.push_str("</name></author>\n  <generator>Dossier</generator>\n");

    for &id in &items {
        let (entry, rendered) = reads.get(EntryData(id));
        let front = &entry.front;
        let url = config.permalink(&entry.path);
        out.push_str("  <entry>\n    <title>");
        xml_escape(&mut out, &front.title);
        out.push_str("</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"");
        xml_escape(&mut out, &url);
        out.push_str("\"/>\n    <id>");
        xml_escape(&mut out, &url);
        out.push_str("</id>\n");
        if let Some(date) = &front.date {
            out.push_str("    <published>");
            out.push_str(&date.rfc3339());
            out.push_str("</published>\n");
        }
        if let Some(updated) = updated_of(id) {
            out.push_str("    <updated>");
            out.push_str(&updated.rfc3339());
            out.push_str("</updated>\n");
        }
        for tag in &front.tags {
            out.push_str("    <category term=\"");
            xml_escape(&mut out, &tag.slug);
            out.push_str("\" label=\"");
            xml_escape(&mut out, &tag.name);
            out.push_str("\"/>\n");
        }
        let summary = front.summary.as_deref().unwrap_or(&rendered.summary_text);
        if !summary.is_empty() {
            out.push_str("    <summary>");
            xml_escape(&mut out, summary);
            out.push_str("</summary>\n");
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
