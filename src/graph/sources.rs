//! Sources: every citation merged into one list, by `id`, else by URL, else by title.

use std::collections::HashMap;

use super::EntryId;
use super::links::name_key;
use super::seen::Entries;
use crate::content::Date;
use crate::content::front_matter::SourceType;
use crate::text::slugify;

/// A source and the entries that cite it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    /// The id on `/sources/` (`#azernews-lavrov-bayramov`).
    pub anchor: String,
    pub id: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    /// The publisher's id in the site's register, when it is in one.
    pub publisher_id: Option<String>,
    pub author: Option<String>,
    pub date: Option<Date>,
    pub archive_url: Option<String>,
    pub accessed: Option<Date>,
    pub language: Option<String>,
    pub kind: Option<SourceType>,
    /// Newest first.
    pub entries: Vec<EntryId>,
}

impl SourceInfo {
    /// Whether a page showing this source (without the entries citing it) shows `other`
    /// the same. Every field is named, so that a field added here is compared too.
    pub fn same_shown(&self, other: &SourceInfo) -> bool {
        let SourceInfo {
            anchor,
            id,
            title,
            url,
            publisher,
            publisher_id,
            author,
            date,
            archive_url,
            accessed,
            language,
            kind,
            entries: _,
        } = self;
        (anchor, id, title, url, publisher, publisher_id, author)
            == (
                &other.anchor,
                &other.id,
                &other.title,
                &other.url,
                &other.publisher,
                &other.publisher_id,
                &other.author,
            )
            && (date, archive_url, accessed, language, kind)
                == (
                    &other.date,
                    &other.archive_url,
                    &other.accessed,
                    &other.language,
                    &other.kind,
                )
    }
}

fn key(id: Option<&str>, url: Option<&str>, title: &str) -> String {
    match (id, url) {
        (Some(id), _) => format!("id:{}", id.trim()),
        (None, Some(url)) => format!("url:{}", url.trim().trim_end_matches('/')),
        (None, None) => format!("title:{}", name_key(title)),
    }
}

/// Merges the sources of every entry. Returns the sources (sorted by title) and, for each
/// entry, the index of each of its sources in that list.
pub fn merge(entries: &Entries<'_>, newest: &[EntryId]) -> (Vec<SourceInfo>, Vec<Vec<usize>>) {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut sources: Vec<SourceInfo> = Vec::new();
    let mut entry_sources: Vec<Vec<usize>> = Vec::with_capacity(entries.len());
    for entry in entries.iter() {
        let own_sources = entry.sources();
        let mut own = Vec::with_capacity(own_sources.len());
        for s in own_sources {
            let k = key(s.id.as_deref(), s.url.as_deref(), &s.title);
            let index = *by_key.entry(k).or_insert_with(|| {
                sources.push(SourceInfo {
                    anchor: String::new(),
                    id: s.id.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                    publisher: s.publisher.clone(),
                    publisher_id: s.publisher_id.clone(),
                    author: s.author.clone(),
                    date: s.date,
                    archive_url: s.archive_url.clone(),
                    accessed: s.accessed,
                    language: s.language.clone(),
                    kind: s.kind,
                    entries: Vec::new(),
                });
                sources.len() - 1
            });
            // Later citations fill in what the first one left out.
            let merged = &mut sources[index];
            merged.url = merged.url.take().or_else(|| s.url.clone());
            if merged.publisher.is_none() {
                merged.publisher = s.publisher.clone();
                merged.publisher_id = s.publisher_id.clone();
            }
            merged.author = merged.author.take().or_else(|| s.author.clone());
            merged.date = merged.date.or(s.date);
            merged.archive_url = merged.archive_url.take().or_else(|| s.archive_url.clone());
            merged.accessed = merged.accessed.or(s.accessed);
            merged.language = merged.language.take().or_else(|| s.language.clone());
            merged.kind = merged.kind.or(s.kind);
            own.push(index);
        }
        entry_sources.push(own);
    }
    for &id in newest {
        for &s in &entry_sources[id.index()] {
            let list = &mut sources[s].entries;
            // Entries come one after the other: a source cited twice by one entry is a
            // repeat of the last one.
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
    }

    // Sort by title, and renumber the entries' references.
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_cached_key(|&i| {
        let s = &sources[i];
        (s.title.to_lowercase(), s.id.clone(), s.url.clone())
    });
    let mut new_index = vec![0; sources.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted: Vec<SourceInfo> = Vec::with_capacity(sources.len());
    let mut slots: Vec<Option<SourceInfo>> = sources.into_iter().map(Some).collect();
    for &old in &order {
        if let Some(s) = slots[old].take() {
            sorted.push(s);
        }
    }
    for own in &mut entry_sources {
        for s in own.iter_mut() {
            *s = new_index[*s];
        }
    }

    let mut used: HashMap<String, usize> = HashMap::new();
    for s in &mut sorted {
        let base = slugify(s.id.as_deref().unwrap_or(&s.title));
        let base = if base.is_empty() {
            "source".to_string()
        } else {
            base
        };
        let n = used.entry(base.clone()).or_insert(0);
        s.anchor = if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        *n += 1;
    }
    (sorted, entry_sources)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content::Entry;

    fn entry(rel: &str, sources: &str) -> Arc<Entry> {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org/\n",
            &Overrides::default(),
        )
        .config
        .unwrap();
        let text = format!("---\ntitle: {rel}\nsources:\n{sources}---\n");
        Arc::new(Entry::parse(rel, text, &config).0.unwrap())
    }

    #[test]
    fn merges_by_id_then_url_then_title() {
        let entries = vec![
            entry(
                "a.md",
                "  - {id: s1, title: First}\n  - {title: Same Title}\n  - {title: X, url: \"https://x.org/a/\"}\n",
            ),
            entry(
                "b.md",
                "  - {id: s1, title: Other wording, url: \"https://s1.org\"}\n  - {title: \"same  title\"}\n",
            ),
            entry(
                "c.md",
                "  - {title: Y, url: \"https://x.org/a\"}\n  - {id: s2, title: First}\n",
            ),
        ];
        let newest = vec![EntryId(2), EntryId(1), EntryId(0)];
        let (sources, per_entry) = merge(&Entries::new(&entries, &[]), &newest);
        let titles: Vec<&str> = sources.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["First", "First", "Same Title", "X"]);
        let s1 = &sources[per_entry[0][0]];
        assert_eq!(s1.id.as_deref(), Some("s1"));
        assert_eq!(
            s1.url.as_deref(),
            Some("https://s1.org"),
            "filled in from a later citation"
        );
        assert_eq!(s1.entries, vec![EntryId(1), EntryId(0)], "newest first");
        assert_eq!(
            per_entry[1][1], per_entry[0][1],
            "titles merge ignoring case and spaces"
        );
        assert_eq!(
            per_entry[2][0], per_entry[0][2],
            "URLs merge ignoring a trailing slash"
        );
        let anchors: Vec<&str> = sources.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(anchors, ["s1", "s2", "same-title", "x"]);
    }
}
