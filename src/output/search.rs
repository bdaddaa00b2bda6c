//! The search index: a script that defines the entries' searchable text, loaded by the
//! theme's search box. A script rather than JSON so that search also works when the site
//! is opened from disk (`file://`), where pages may not fetch files.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::joined::{Joined, Parts};
use crate::graph::{EntryId, Site};
use crate::text::escape_for_script;

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

/// The documents of every entry, made in parallel.
pub fn docs(site: &Site) -> Vec<Arc<str>> {
    site.ids()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&id| doc(site, id))
        .collect()
}

const HEAD: &[u8] = b"window.DOSSIER_SEARCH = [";
const TAIL: &[u8] = b"];\n";

/// Writes `window.DOSSIER_SEARCH = [...]`, each entry's document, newest entry first,
/// made in parallel a chunk at a time, so that a build need not hold them all. `<`, `>`,
/// `&` and line separators are escaped in the documents, so that no text of an entry can
/// end the script.
pub fn write_index(site: &Site, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(HEAD)?;
    for (c, chunk) in site.newest.chunks(2048).enumerate() {
        let made: Vec<Arc<str>> = chunk.par_iter().map(|&id| doc(site, id)).collect();
        for (i, d) in made.iter().enumerate() {
            if c > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(d.as_bytes())?;
        }
    }
    out.write_all(TAIL)
}

/// The documents given (indexed by entry id), newest entry first.
struct Newest {
    docs: Arc<Vec<Arc<str>>>,
    order: Arc<Vec<EntryId>>,
}

impl Parts for Newest {
    fn count(&self) -> usize {
        self.order.len()
    }
    fn part(&self, i: usize) -> &[u8] {
        self.docs[self.order[i].index()].as_bytes()
    }
}

/// The index that [`write_index`] writes, joined from the documents given (indexed by
/// entry id: those of `dossier serve`, kept from edit to edit).
pub fn index(site: &Site, docs: Arc<Vec<Arc<str>>>) -> Joined {
    let parts = Newest {
        docs,
        order: Arc::clone(&site.newest),
    };
    Joined::new(HEAD.to_vec(), Arc::new(parts), b",", TAIL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_other_text() {
        assert_eq!(escape_for_script("\"é ok\""), "\"é ok\"");
        assert_eq!(escape_for_script("a<b"), "a\\u003cb");
    }

    #[test]
    fn script_breaking_text_is_escaped() {
        let json = serde_json::to_string(&"</script><script>alert(1)</script> & \u{2028}").unwrap();
        let safe = escape_for_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script> & \u{2028}");
    }
}
