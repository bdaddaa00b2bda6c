//! The indexes of the graph that are derived from the entries: tags, kinds, speakers,
//! the timeline.

use std::collections::HashMap;
use std::sync::Arc;

use super::links::NameIndex;
use super::seen::{Entries, Seen, reading_order};
use super::{EntryId, TagInfo};
use crate::config::{Config, KindId, Kinds};
use crate::content::Section;
use crate::diagnostics::Diagnostic;

/// Every tag with its entries (newest first), sorted by slug, and a slug → index map.
///
/// A nested tag (`energy/oil`) makes its parents tags too (`energy`): a parent has the
/// entries of its own and of every tag under it, each once, as in Obsidian's tag pane
/// and Quartz's tag pages.
pub fn tags(entries: &Entries<'_>, newest: &[EntryId]) -> Vec<TagInfo> {
    let mut spellings: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut members: HashMap<&str, Vec<EntryId>> = HashMap::new();
    for &id in newest {
        for tag in entries.get(id).tags() {
            for (slug, name) in tag_and_parents(&tag.slug, &tag.name) {
                *spellings.entry(slug).or_default().entry(name).or_default() += 1;
                let list = members.entry(slug).or_default();
                // An entry tagged `a` and `a/b`, or `a/b` and `a/c`, is listed once.
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
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
                parent: None,
                children: Vec::new(),
            }
        })
        .collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    let index = tag_index(&tags);
    for i in 0..tags.len() {
        if let Some((parent, _)) = tags[i].slug.rsplit_once('/') {
            let p = index[parent];
            tags[i].parent = Some(p as u32);
            tags[p].children.push(i as u32);
        }
    }
    tags
}

/// Each tag's place in the tags, by slug.
pub fn tag_index(tags: &[TagInfo]) -> HashMap<String, usize> {
    tags.iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect()
}

/// A tag's slug and name, then those of each tag above it, nearest first:
/// `a/b/c` → `a/b/c`, `a/b`, `a`. The name's levels are cut where the slug's are, when
/// they match one to one (else the parents take the slug as their name).
fn tag_and_parents<'a>(slug: &'a str, name: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    let levels = slug.matches('/').count();
    let names_match = name.matches('/').count() == levels;
    let mut cut = Some((slug, name));
    std::iter::from_fn(move || {
        let (slug, name) = cut?;
        cut = slug.rsplit_once('/').map(|(parent, _)| {
            let parent_name = if names_match {
                name.rsplit_once('/').map_or(parent, |(n, _)| n.trim())
            } else {
                parent
            };
            (parent, parent_name)
        });
        Some((slug, name))
    })
}

/// A warning on every entry whose tag is spelt unlike the tag's name, though only its
/// slug is shared (`C++` on one entry, `C` on another: both are /tags/c/): the tag page and
/// lists show one name, the entry's own page its own spelling. Spellings that differ only
/// in case or Unicode normalisation are one spelling, as they always were.
pub fn tag_spellings(
    entries: &Entries<'_>,
    tags: &[TagInfo],
    index: &HashMap<String, usize>,
) -> Vec<Diagnostic> {
    use crate::content::front_matter::{item_pos, key_pos, spelling_key};
    let keys: Vec<String> = tags.iter().map(|t| spelling_key(&t.name)).collect();
    // Each entry's tags spelt otherwise than their tag's name.
    let mut named_by: Vec<Option<&str>> = vec![None; tags.len()];
    let mut odd: Vec<(Seen<'_>, Vec<(&str, usize)>)> = Vec::new();
    for entry in entries.iter() {
        let mut own = Vec::new();
        for tag in entry.tags() {
            let Some(&t) = index.get(&tag.slug) else {
                continue;
            };
            // The same letters are the same spelling: most tags, without normalising them.
            if tag.name == tags[t].name || spelling_key(&tag.name) == keys[t] {
                named_by[t].get_or_insert(entry.file());
            } else {
                own.push((tag.name.as_str(), t));
            }
        }
        if !own.is_empty() {
            odd.push((entry, own));
        }
    }
    let mut out = Vec::new();
    for (entry, own) in odd {
        // Finding a tag's line reads the list up to it: only for an entry's first few.
        for (n, (name, t)) in own.into_iter().enumerate() {
            let info = &tags[t];
            let by = named_by[t].map_or(String::new(), |file| format!(" (as on {file})"));
            let pos = (n < 20)
                .then(|| item_pos(entry.source(), "tags", name))
                .flatten()
                .unwrap_or_else(|| key_pos(entry.source(), "tags"));
            let mut d = Diagnostic::warning(format!(
                "tag `{name}` has the URL /tags/{}/ of tag `{}`{by}: they are one tag, listed as `{}`",
                info.slug, info.name, info.name
            ))
            .in_file(entry.file())
            .at(entry.source(), pos)
            .help("write one spelling, or tags whose letters and digits differ");
            d.width = name.chars().count().max(1);
            out.push(d);
        }
    }
    out
}

/// Each entry's tags as indexes into the tag list.
pub fn entry_tags(entries: &Entries<'_>, index: &HashMap<String, usize>) -> Vec<Vec<usize>> {
    entries
        .iter()
        .map(|e| e.tags().iter().map(|t| index[&t.slug]).collect())
        .collect()
}

/// For each tag, the tags that most often appear beside it (at most `limit`), with how
/// often; by count, then by slug. Each entry lists a tag once (front matter merges repeats).
pub fn tag_neighbours(
    entry_tags: &[Vec<usize>],
    tag_count: usize,
    limit: usize,
) -> Vec<Vec<(usize, usize)>> {
    neighbours(entry_tags, tag_count, limit, PAIRWISE_TAGS)
}

/// Entries with at most this many tags count their pairs one by one. A larger entry would
/// cost the square of its tags that way (8,000 tags: 64 million pairs); its pairs are
/// counted only where they can reach a tag's list instead (see [`neighbours`]).
const PAIRWISE_TAGS: usize = 32;

/// The result is exactly that of counting every pair of every entry. Pairs of small entries
/// are counted one by one. Tags of large entries are grouped by the set of large entries
/// they are on: two tags of one group share each of those entries, so for a tag `a` every
/// member `b` of a group adds the same count (the large entries `a` and the group have in
/// common). Of the members that small entries do not also pair with `a`, only the first
/// `limit` by slug can make `a`'s list, so no more are looked at. One entry with T tags
/// costs O(T × limit), not O(T²).
fn neighbours(
    entry_tags: &[Vec<usize>],
    tag_count: usize,
    limit: usize,
    pairwise: usize,
) -> Vec<Vec<(usize, usize)>> {
    let mut counts: Vec<HashMap<usize, usize>> = vec![HashMap::new(); tag_count];
    // For each tag, the large entries it is on (by their order in `entry_tags`), ascending.
    let mut large_of: Vec<Vec<u32>> = vec![Vec::new(); tag_count];
    for (e, tags) in entry_tags.iter().enumerate() {
        if tags.len() > pairwise {
            for &t in tags {
                large_of[t].push(e as u32);
            }
            continue;
        }
        for &a in tags {
            for &b in tags {
                if a != b {
                    *counts[a].entry(b).or_default() += 1;
                }
            }
        }
    }
    let mut groups: HashMap<&[u32], Vec<usize>> = HashMap::new();
    for (t, large) in large_of.iter().enumerate() {
        if !large.is_empty() {
            groups.entry(large.as_slice()).or_default().push(t);
        }
    }
    let shared = |x: &[u32], y: &[u32]| {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    counts
        .into_iter()
        .enumerate()
        .map(|(a, small)| {
            let large = large_of[a].as_slice();
            let mut list: Vec<(usize, usize)> = small
                .iter()
                .map(|(&b, &n)| (b, n + shared(large, &large_of[b])))
                .collect();
            if !large.is_empty() {
                for (group, members) in &groups {
                    let n = shared(large, group);
                    if n == 0 {
                        continue;
                    }
                    let fresh = members
                        .iter()
                        .filter(|&&b| b != a && !small.contains_key(&b))
                        .take(limit);
                    list.extend(fresh.map(|&b| (b, n)));
                }
            }
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
    entries: &Entries<'_>,
    names: &NameIndex,
) -> (Vec<Option<EntryId>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let speakers = entries
        .iter()
        .map(|entry| {
            let speaker = entry.speaker()?;
            let explicit = speaker
                .strip_prefix("[[")
                .and_then(|s| s.strip_suffix("]]"))
                .map(|s| s.split('|').next().unwrap_or(s).trim());
            let name = explicit.unwrap_or(speaker);
            let found = names.lookup(name);
            let persons: Vec<EntryId> = found
                .iter()
                .copied()
                .filter(|&id| entries.get(id).kind() == Kinds::PERSON)
                .collect();
            match (persons.as_slice(), found) {
                ([one], _) | ([], [one]) => Some(*one),
                _ => {
                    if explicit.is_some() {
                        let pos = crate::content::front_matter::key_pos(entry.source(), "speaker");
                        let message = if found.is_empty() {
                            format!("speaker `{speaker}`: no entry has this title, alias or slug")
                        } else {
                            format!(
                                "speaker `{speaker}` is ambiguous: it could mean several entries"
                            )
                        };
                        problems.push(
                            Diagnostic::error(message)
                                .in_file(entry.file())
                                .at(entry.source(), pos),
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
    entries: &Entries<'_>,
    sections: &[Arc<Section>],
) -> Vec<KindPage> {
    let mut pages: Vec<KindPage> = Vec::new();
    for (kind, def) in config.kinds.iter() {
        let mut list: Vec<EntryId> = entries
            .iter()
            .filter(|e| e.kind() == kind)
            .map(|e| e.id)
            .collect();
        if list.is_empty() {
            continue;
        }
        list.sort_by(|&a, &b| reading_order(entries.get(a), entries.get(b)));
        let path = crate::pages::kind(&def.plural);
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
pub fn timeline(entries: &Entries<'_>) -> Vec<EntryId> {
    let mut dated: Vec<EntryId> = entries
        .iter()
        .filter(|e| e.date().is_some())
        .map(|e| e.id)
        .collect();
    dated.sort_by(|&a, &b| {
        let (x, y) = (entries.get(a), entries.get(b));
        x.date()
            .cmp(&y.date())
            .then_with(|| x.sort_title().cmp(y.sort_title()))
            .then_with(|| x.rel().cmp(y.rel()))
    });
    dated
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn neighbours_count_co_occurrence() {
        let entry_tags = vec![vec![0, 1, 2], vec![0, 1], vec![0, 2], vec![0, 1]];
        let n = tag_neighbours(&entry_tags, 3, 10);
        assert_eq!(n[0], vec![(1, 3), (2, 2)]);
        assert_eq!(n[1], vec![(0, 3), (2, 1)]);
        assert_eq!(tag_neighbours(&entry_tags, 3, 1)[0], vec![(1, 3)]);
    }

    /// Counting every pair of every entry, as `tag_neighbours` did for all entries: the
    /// reference the grouped count is checked against.
    fn neighbours_by_pairs(
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

    #[test]
    fn one_entry_with_many_tags_pairs_each_with_the_first_others() {
        let all: Vec<usize> = (0..5_000).collect();
        let n = tag_neighbours(&[all, vec![4_999, 7]], 5_000, 3);
        assert_eq!(n[0], vec![(1, 1), (2, 1), (3, 1)]);
        assert_eq!(n[1], vec![(0, 1), (2, 1), (3, 1)]);
        assert_eq!(n[7], vec![(4_999, 2), (0, 1), (1, 1)]);
    }

    proptest::proptest! {
        #[test]
        fn grouped_counts_equal_counting_every_pair(
            (tag_count, entry_tags) in (1usize..40).prop_flat_map(|n| {
                let entry = proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n)
                    .prop_shuffle();
                (proptest::strategy::Just(n), proptest::collection::vec(entry, 0..12))
            }),
            limit in 0usize..6,
            pairwise in 0usize..12,
        ) {
            proptest::prop_assert_eq!(
                neighbours(&entry_tags, tag_count, limit, pairwise),
                neighbours_by_pairs(&entry_tags, tag_count, limit)
            );
        }
    }
}
