//! The search index: a script that defines the entries' searchable text, loaded by the
//! theme's search box. A script rather than JSON so that search also works when the site
//! is opened from disk (`file://`), where pages may not fetch files.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::graph::{EntryId, Site};

#[derive(Serialize)]
struct Doc<'a> {
    /// Title.
    t: &'a str,
    /// URL.
    u: String,
    /// Kind, for showing.
    k: &'a str,
    /// Aliases.
    a: &'a [String],
    /// Tags, display names.
    g: Vec<&'a str>,
    /// Summary.
    s: &'a str,
    /// Text (the first part of the body).
    x: &'a str,
}

/// One entry's document: a JSON object, escaped for a script.
pub fn doc(site: &Site, id: EntryId) -> Arc<str> {
    let e = site.entry(id);
    let r = &site.rendered[id.index()];
    let doc = Doc {
        t: &e.front.title,
        u: site.config.url(&e.path),
        k: &site.config.kinds.get(e.front.kind).title,
        a: &e.front.aliases,
        g: e.front.tags.iter().map(|t| t.name.as_str()).collect(),
        s: e.front.summary.as_deref().unwrap_or(&r.summary_text),
        x: r.text.trim(),
    };
    let json = serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into());
    Arc::from(escape_for_script(&json))
}

/// `window.DOSSIER_SEARCH = [...]` from each entry's document (indexed by entry id),
/// newest entry first. `<`, `>`, `&` and line separators are escaped in the documents, so
/// that no text of an entry can end the script.
pub fn script(site: &Site, docs: &[Arc<str>]) -> String {
    let size: usize = docs.iter().map(|d| d.len() + 1).sum();
    let mut out = String::with_capacity(size + 64);
    out.push_str("window.DOSSIER_SEARCH = [");
    for (i, id) in site.newest.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&docs[id.index()]);
    }
    out.push_str("];\n");
    out
}

/// The documents of every entry, made in parallel.
pub fn docs(site: &Site) -> Vec<Arc<str>> {
    site.ids()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&id| doc(site, id))
        .collect()
}

/// The whole search index of a site.
pub fn index_script(site: &Site) -> String {
    script(site, &docs(site))
}

/// JSON that is safe inside a `<script>` element or a script file.
pub fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breaking_text_is_escaped() {
        let json = serde_json::to_string(&"</script><script>alert(1)</script> & \u{2028}").unwrap();
        let safe = escape_for_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script> & \u{2028}");
    }
}
