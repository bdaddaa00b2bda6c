//! Timelines besides the site's own: the site timeline filtered by kind and by tag, and
//! the chronology on the page of an entity (a person, an organisation, a place, a
//! project) — the dated entries about it and its dated relations, in date order.

use std::collections::HashSet;

use tera::Value;

use super::reads::{
    Backlinks, Card, DateOf, KindRef, Label, Reads, RelationsOf, Statements, TagId,
};
use super::views::{date, list, obj, text};
use crate::content::Date;
use crate::graph::{EntryId, Site};

/// The kinds whose pages get a chronology of their own.
pub const ENTITY_KINDS: &[&str] = &["person", "organization", "place", "project"];

/// The site's timeline cut by kind and by tag, made once a build: what the pages
/// `/timeline/kind/{kind}/` and `/timeline/tag/{slug}/` list, each in the timeline's
/// order (oldest first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timelines {
    /// By the kind's number in the configuration.
    kinds: Vec<Vec<EntryId>>,
    /// By tag; a tag with tags under it holds their entries too, as its page does.
    tags: Vec<Vec<EntryId>>,
    /// The kinds and tags that have dated entries, in the configuration's and the tags'
    /// order.
    pub kinds_with: Vec<u16>,
    pub tags_with: Vec<TagId>,
}

impl Timelines {
    /// The lists of `site`. `Page::list_len` counts the same entries (see `crate::pages`).
    pub fn of(site: &Site) -> Timelines {
        let kind_count = site.config.kinds.iter().count();
        let mut kinds = vec![Vec::new(); kind_count];
        let mut place = vec![u32::MAX; site.entries.len()];
        for (i, &id) in site.timeline.iter().enumerate() {
            place[id.index()] = i as u32;
            kinds[site.entry(id).front.kind.0 as usize].push(id);
        }
        let tags: Vec<Vec<EntryId>> = site
            .tags
            .iter()
            .map(|t| {
                let mut dated: Vec<EntryId> = t
                    .entries
                    .iter()
                    .copied()
                    .filter(|id| place[id.index()] != u32::MAX)
                    .collect();
                dated.sort_by_key(|id| place[id.index()]);
                dated
            })
            .collect();
        Timelines {
            kinds_with: (0..kind_count as u16)
                .filter(|&k| !kinds[k as usize].is_empty())
                .collect(),
            tags_with: (0..tags.len())
                .filter(|&t| !tags[t].is_empty())
                .map(|t| TagId(t as u32))
                .collect(),
            kinds,
            tags,
        }
    }

    pub fn of_kind(&self, k: u16) -> &[EntryId] {
        self.kinds.get(k as usize).map_or(&[], Vec::as_slice)
    }

    pub fn of_tag(&self, t: usize) -> &[EntryId] {
        self.tags.get(t).map_or(&[], Vec::as_slice)
    }
}

/// Why an item is on an entity's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// A typed relation of the entity, dated by its start (else its end).
    Relation,
    /// A statement the entity made (its `speaker`).
    Statement,
    /// A dated entry that links to the entity. (Entries that say they are `about` it
    /// will be one more source of such items.)
    Link,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Relation => "relation",
            Via::Statement => "statement",
            Via::Link => "link",
        }
    }
}

/// The dated entries about entity `id`, each once: its statements first, then the
/// entries linking to it. Each is read through its key (`Statements`, `Backlinks`), and
/// its date through `DateOf`, so a page shows them again when any of them changes.
fn entries_about(reads: &Reads<'_>, id: EntryId) -> Vec<(EntryId, Via, Date)> {
    let mut seen: HashSet<EntryId> = HashSet::new();
    let mut out = Vec::new();
    let statements = reads
        .get(Statements(id))
        .iter()
        .map(|&s| (s, Via::Statement));
    let linking = reads.get(Backlinks(id)).iter().map(|b| (b.from, Via::Link));
    for (other, via) in statements.chain(linking) {
        if other == id || !seen.insert(other) {
            continue;
        }
        if let Some(d) = reads.get(DateOf(other)) {
            out.push((other, via, d));
        }
    }
    out
}

/// A relation type's label inside a sentence: "located in" for "Located in" (a label
/// that starts with an abbreviation, "EU member", keeps its capitals).
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The chronology of entry `id` (titled `title`) for its page: `[{date, via, kind, entry,
/// relation}]` in date order, or an empty list for an entry of another kind or with
/// nothing dated. `entry` is the card of the dated entry (`via` `statement` or `link`);
/// `relation` (`via` `relation`) is `{subject, label, object, dates, sources}`, the two
/// ends each `{title, url}`, and the card is none.
pub fn entity_timeline(reads: &Reads<'_>, id: EntryId, kind: &str, title: &str) -> Value {
    if !ENTITY_KINDS.contains(&kind) {
        return list([]);
    }
    let config = reads.config();
    let kind_ref = |name: &str| {
        config
            .kinds
            .by_name(name)
            .map_or_else(Value::none, |k| reads.get(KindRef(u32::from(k.0))).clone())
    };
    // (date, why, title for ties, value)
    let mut items: Vec<(Date, Via, String, Value)> = Vec::new();
    for (other, via, d) in entries_about(reads, id) {
        let card = reads.get(Card(other)).clone();
        let sort = reads.get(Label(other)).3.to_string();
        let kind = card
            .as_map()
            .and_then(|m| m.get(&"kind".into()).cloned())
            .unwrap_or_else(Value::none);
        items.push((
            d,
            via,
            sort,
            obj([
                ("date", date(Some(&d))),
                ("via", text(via.name())),
                ("kind", kind),
                ("entry", card),
                ("relation", Value::none()),
            ]),
        ));
    }
    let own_url = config.url(reads.get(Label(id)).1);
    for r in reads.get(RelationsOf(id)) {
        let Some(d) = r.from.or(r.until) else {
            continue;
        };
        let t = config.relations.get(r.rtype);
        let (other_title, other_path, other_kind, sort) = reads.get(Label(r.other));
        let other_url = config.url(other_path);
        let end = |t: &str, u: &str| obj([("title", text(t)), ("url", text(u))]);
        let (subject, object) = if r.outgoing {
            (end(title, &own_url), end(other_title, &other_url))
        } else {
            (end(other_title, &other_url), end(title, &own_url))
        };
        // The sources are listed on the page of the entry that states the relation.
        let stated_on = if r.outgoing { "" } else { other_url.as_str() };
        let sources = list(r.sources.iter().map(|&p| {
            obj([
                ("number", Value::from(p + 1)),
                ("url", text(&format!("{stated_on}#source-{}", p + 1))),
            ])
        }));
        let relation = obj([
            ("subject", subject),
            ("label", text(&in_sentence(&t.label))),
            ("object", object),
            (
                "dates",
                text(&super::views::relation_dates(
                    r.from.as_ref(),
                    r.until.as_ref(),
                )),
            ),
            ("sources", sources),
        ]);
        items.push((
            d,
            Via::Relation,
            sort.to_string(),
            obj([
                ("date", date(Some(&d))),
                ("via", text(Via::Relation.name())),
                ("kind", kind_ref(other_kind)),
                ("entry", Value::none()),
                ("relation", relation),
            ]),
        ));
    }
    items.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    list(items.into_iter().map(|(.., v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_inside_a_sentence() {
        assert_eq!(in_sentence("Located in"), "located in");
        assert_eq!(in_sentence("Member of"), "member of");
        assert_eq!(in_sentence("EU member"), "EU member");
        assert_eq!(in_sentence(""), "");
    }
}
