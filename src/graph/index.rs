//! The indexes of the graph that are derived from the entries: tags, kinds, speakers,
//! the timeline.

use std::collections::HashMap;
use std::sync::Arc;

use super::links::NameIndex;
use super::{EntryId, TagInfo, reading_order};
use crate::config::{Config, KindId, Kinds};
use crate::content::{Entry, Section};
use crate::diagnostics::Diagnostic;

/// Every tag with its entries (newest first), sorted by slug, and a slug → index map.
pub fn tags(entries: &[Arc<Entry>], newest: &[EntryId]) -> (Vec<TagInfo>, HashMap<String, usize>) {
    let mut spellings: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut members: HashMap<&str, Vec<EntryId>> = HashMap::new();
    for &id in newest {
        for tag in &entries[id.index()].front.tags {
            *spellings
                .entry(&tag.slug)
                .or_default()
                .entry(&tag.name)
                .or_default() += 1;
            members.entry(&tag.slug).or_default().push(id);
        }
    }
    let mut tags: Vec<TagInfo> = members
        .into_iter()
        .map(|(slug, entries)| {
            // The spelling most entries use; ties to the first in alphabetical order.
            let name = spellings[slug]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or(slug, |(name, _)| name);
            TagInfo {
                slug: slug.to_string(),
                name: name.to_string(),
                entries,
            }
        })
        .collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    let index = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();
    (tags, index)
}

/// Each entry's tags as indexes into the tag list.
pub fn entry_tags(entries: &[Arc<Entry>], index: &HashMap<String, usize>) -> Vec<Vec<usize>> {
    entries
        .iter()
        .map(|e| e.front.tags.iter().map(|t| index[&t.slug]).collect())
        .collect()
}

/// For each tag, the tags that most often appear beside it (at most `limit`), with how
/// often; by count, then by slug.
pub fn tag_neighbours(
    entry_tags: &[Vec<usize>],
    tag_count: usize,
    limit: usize,
) -> Vec<Vec<(usize, usize)>> {
    let mut counts: Vec<HashMap<usize, usize>> = vec![HashMap::new(); tag_count];
    for tags in entry_tags {
        for &a in tags {
            for &b in tags {
                if a != b {
                    *counts[a].entry(b).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .map(|c| {
            let mut list: Vec<(usize, usize)> = c.into_iter().collect();
            list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            list.truncate(limit);
            list
        })
        .collect()
}

/// The entry a statement's `speaker` names: `[[Name]]` must resolve to one entry (an error
/// otherwise); a plain name links when it is the title or alias of exactly one person (or,
/// failing that, of exactly one entry) and stays plain text when not.
pub fn speakers(
    entries: &[Arc<Entry>],
    names: &NameIndex,
) -> (Vec<Option<EntryId>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let speakers = entries
        .iter()
        .map(|entry| {
            let speaker = entry.front.speaker.as_deref()?;
            let explicit = speaker
                .strip_prefix("[[")
                .and_then(|s| s.strip_suffix("]]"))
                .map(|s| s.split('|').next().unwrap_or(s).trim());
            let name = explicit.unwrap_or(speaker);
            let found = names.lookup(name);
            let persons: Vec<EntryId> = found
                .iter()
                .copied()
                .filter(|id| entries[id.index()].front.kind == Kinds::PERSON)
                .collect();
            match (persons.as_slice(), found) {
                ([one], _) | ([], [one]) => Some(*one),
                _ => {
                    if explicit.is_some() {
                        let pos = crate::content::front_matter::key_pos(&entry.source, "speaker");
                        let message = if found.is_empty() {
                            format!("speaker `{speaker}`: no entry has this title, alias or slug")
                        } else {
                            format!(
                                "speaker `{speaker}` is ambiguous: it could mean several entries"
                            )
                        };
                        problems.push(
                            Diagnostic::error(message)
                                .in_file(&entry.file)
                                .at(&entry.source, pos),
                        );
                    }
                    None
                }
            }
        })
        .collect();
    (speakers, problems)
}

/// For each entry, the statements it is the speaker of, newest first.
pub fn statements_by(speakers: &[Option<EntryId>], newest: &[EntryId]) -> Vec<Vec<EntryId>> {
    let mut out = vec![Vec::new(); speakers.len()];
    for &id in newest {
        if let Some(speaker) = speakers[id.index()] {
            out[speaker.index()].push(id);
        }
    }
    out
}

/// The index page of a kind, at `/<plural>/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindPage {
    pub kind: KindId,
    pub path: String,
    /// The content folder with the same path, whose `_index.md` gives the page its title
    /// and text.
    pub section: Option<usize>,
    /// In reading order.
    pub entries: Vec<EntryId>,
}

/// A page for every kind that has entries. A folder named after the kind (`content/people/`)
/// shares its page: its text introduces the list of every entry of that kind.
pub fn kind_pages(
    config: &Config,
    entries: &[Arc<Entry>],
    sections: &[Arc<Section>],
) -> Vec<KindPage> {
    let mut pages: Vec<KindPage> = Vec::new();
    for (kind, def) in config.kinds.iter() {
        let mut list: Vec<EntryId> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.front.kind == kind)
            .map(|(i, _)| EntryId(i as u32))
            .collect();
        if list.is_empty() {
            continue;
        }
        list.sort_by(|a, b| reading_order(&entries[a.index()], &entries[b.index()]));
        let path = format!("{}/", crate::text::slugify(&def.plural));
        let section = sections.iter().position(|s| s.path == path);
        pages.push(KindPage {
            kind,
            path,
            section,
            entries: list,
        });
    }
    pages
}

/// Every dated entry, oldest first (then by title).
pub fn timeline(entries: &[Arc<Entry>]) -> Vec<EntryId> {
    let mut dated: Vec<EntryId> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.front.date.is_some())
        .map(|(i, _)| EntryId(i as u32))
        .collect();
    dated.sort_by(|a, b| {
        let (x, y) = (&entries[a.index()], &entries[b.index()]);
        x.front
            .date
            .cmp(&y.front.date)
            .then_with(|| x.sort_title.cmp(&y.sort_title))
            .then_with(|| x.rel.cmp(&y.rel))
    });
    dated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_count_co_occurrence() {
        let entry_tags = vec![vec![0, 1, 2], vec![0, 1], vec![0, 2], vec![0, 1]];
        let n = tag_neighbours(&entry_tags, 3, 10);
        assert_eq!(n[0], vec![(1, 3), (2, 2)]);
        assert_eq!(n[1], vec![(0, 3), (2, 1)]);
        assert_eq!(tag_neighbours(&entry_tags, 3, 1)[0], vec![(1, 3)]);
    }
}
