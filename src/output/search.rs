//! The search index: a script that defines the entries' searchable text, loaded by the
//! theme's search box. A script rather than JSON so that search also works when the site
//! is opened from disk (`file://`), where pages may not fetch files.

use serde::Serialize;

use crate::graph::Site;

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

/// `window.DOSSIER_SEARCH = [...]`, with `<`, `>`, `&` and line separators escaped so
/// that no text of an entry can end the script.
pub fn index_script(site: &Site) -> String {
    let docs: Vec<Doc<'_>> = site
        .newest
        .iter()
        .map(|&id| {
            let e = site.entry(id);
            let r = &site.rendered[id.index()];
            Doc {
                t: &e.front.title,
                u: site.config.url(&e.path),
                k: &site.config.kinds.get(e.front.kind).title,
                a: &e.front.aliases,
                g: e.front.tags.iter().map(|t| t.name.as_str()).collect(),
                s: e.front.summary.as_deref().unwrap_or(&r.summary_text),
                x: r.text.trim(),
            }
        })
        .collect();
    let json = serde_json::to_string(&docs).unwrap_or_else(|_| "[]".into());
    let mut out = String::with_capacity(json.len() + 64);
    out.push_str("window.DOSSIER_SEARCH = ");
    out.push_str(&escape_for_script(&json));
    out.push_str(";\n");
    out
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
