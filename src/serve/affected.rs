//! Which pages an edit can change: decided from the graph before and after it.
//!
//! The rule is conservative: every page whose template values could differ is listed.
//! The rebuild renders only these, and the server tells browsers about the ones whose
//! bytes really changed.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::graph::{EntryId, Site};
use crate::render::views::Shared;
use crate::render::{Page, source_page};

#[derive(Debug, PartialEq, Eq)]
pub enum Affected {
    /// Something every page shows changed (the site's title, counts, the list of kinds or
    /// sections, the set of entries): render everything.
    All,
    Pages(BTreeSet<Page>),
}

/// The page that shows section `i`: the home page, a kind page, or its own.
fn section_page(site: &Site, i: usize) -> Page {
    if i == 0 {
        return Page::Home;
    }
    site.kind_pages
        .iter()
        .position(|k| k.section == Some(i))
        .map_or(Page::Section(i, 0), |k| Page::Kind(k, 0))
}

fn kind_page(site: &Site, id: EntryId) -> Option<Page> {
    let kind = site.entry(id).front.kind;
    site.kind_pages
        .iter()
        .position(|k| k.kind == kind)
        .map(|k| Page::Kind(k, 0))
}

/// Whether entry `i` shows the same sources (with the same citing entries, on the same
/// page of `/sources/`) in both.
fn same_sources(old: &Site, new: &Site, i: usize) -> bool {
    let (a, b) = (&old.entry_sources[i], &new.entry_sources[i]);
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            let (s, t) = (&old.sources[x], &new.sources[y]);
            source_page(old, x) == source_page(new, y)
                && (
                    &s.anchor,
                    &s.id,
                    &s.title,
                    &s.url,
                    &s.publisher,
                    &s.author,
                    &s.date,
                    s.entries.len(),
                ) == (
                    &t.anchor,
                    &t.id,
                    &t.title,
                    &t.url,
                    &t.publisher,
                    &t.author,
                    &t.date,
                    t.entries.len(),
                )
                && s.entries.iter().take(6).eq(t.entries.iter().take(6))
        })
}

/// Related lists as pages show them: the entries and the tags they share (not the score,
/// which templates do not get).
fn same_related(
    a: &[crate::graph::related::Related],
    b: &[crate::graph::related::Related],
) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.id == y.id && x.shared == y.shared)
}

/// Every page that shows the card of entry `c`, before or after the change.
fn card_dependents(
    old: &Site,
    new: &Site,
    c: EntryId,
    related_to: &[EntryId],
    pages: &mut BTreeSet<Page>,
) {
    let i = c.index();
    for site in [old, new] {
        let e = site.entry(c);
        pages.extend(site.backlinks[i].iter().map(|b| Page::Entry(b.from)));
        pages.extend(
            site.rendered[i]
                .links
                .iter()
                .map(|l| Page::Entry(EntryId(l.target))),
        );
        let (prev, next) = site.neighbours(c);
        pages.extend(prev.into_iter().chain(next).map(Page::Entry));
        pages.extend(site.speakers[i].map(Page::Entry));
        pages.extend(site.statements[i].iter().map(|&s| Page::Entry(s)));
        for &s in &site.entry_sources[i] {
            let citers = &site.sources[s].entries;
            if citers.iter().take(6).any(|&x| x == c) {
                pages.extend(citers.iter().map(|&x| Page::Entry(x)));
            }
            pages.insert(Page::Sources(0));
        }
        for tag in &e.front.tags {
            if let Some(&t) = site.tag_index.get(&tag.slug) {
                pages.insert(Page::Tag(t, 0));
            }
        }
        pages.extend(kind_page(site, c));
        pages.insert(section_page(site, site.entry_section[i]));
        if e.front.date.is_some() {
            pages.insert(Page::Timeline(0));
        }
    }
    pages.extend(related_to.iter().map(|&r| Page::Entry(r)));
}

pub fn affected(old: &Site, old_shared: &Shared, new: &Site, new_shared: &Shared) -> Affected {
    let same_shape = old_shared.site == new_shared.site
        && old.entries.len() == new.entries.len()
        && old
            .entries
            .iter()
            .zip(&new.entries)
            .all(|(a, b)| a.rel == b.rel && a.path == b.path)
        && old.sections.len() == new.sections.len()
        && old
            .sections
            .iter()
            .zip(&new.sections)
            .all(|(a, b)| a.path == b.path && a.title == b.title)
        && old.tags.len() == new.tags.len()
        && old
            .tags
            .iter()
            .zip(new.tags.iter())
            .all(|(a, b)| a.slug == b.slug && a.name == b.name)
        && old.kind_pages.len() == new.kind_pages.len()
        && old
            .kind_pages
            .iter()
            .zip(new.kind_pages.iter())
            .all(|(a, b)| a.path == b.path && a.section == b.section)
        && old_shared.kinds == new_shared.kinds;
    if !same_shape {
        return Affected::All;
    }

    let mut pages: BTreeSet<Page> = BTreeSet::from([Page::Home]);
    let n = new.entries.len();
    let ids = (0..n as u32).map(EntryId);
    let backlinks_kept = Arc::ptr_eq(&old.backlinks, &new.backlinks);
    let related_kept = Arc::ptr_eq(&old.related, &new.related);
    let statements_kept =
        Arc::ptr_eq(&old.statements, &new.statements) && Arc::ptr_eq(&old.speakers, &new.speakers);
    let order_kept = Arc::ptr_eq(&old.section_entries, &new.section_entries);
    let sources_kept = Arc::ptr_eq(&old.sources, &new.sources)
        && Arc::ptr_eq(&old.entry_sources, &new.entry_sources);

    // Entries whose own file or rendered text changed.
    let changed: Vec<EntryId> = ids
        .clone()
        .filter(|id| {
            let i = id.index();
            !Arc::ptr_eq(&old.entries[i], &new.entries[i])
                || !Arc::ptr_eq(&old.rendered[i], &new.rendered[i])
        })
        .collect();
    pages.extend(changed.iter().map(|&id| Page::Entry(id)));

    // Entries whose lists (backlinks, related, statements, neighbours, sources) changed.
    let lists_kept =
        backlinks_kept && related_kept && statements_kept && order_kept && sources_kept;
    if !lists_kept {
        for id in ids.clone() {
            let i = id.index();
            let differs = (!backlinks_kept && old.backlinks[i] != new.backlinks[i])
                || (!related_kept && !same_related(&old.related[i], &new.related[i]))
                || (!statements_kept
                    && (old.statements[i] != new.statements[i]
                        || old.speakers[i] != new.speakers[i]))
                || (!order_kept && old.neighbours(id) != new.neighbours(id))
                || (!sources_kept && !same_sources(old, new, i));
            if differs {
                pages.insert(Page::Entry(id));
            }
        }
    }

    // Entries whose card changed, and every page that shows that card. Cards of entries
    // whose file and text did not change are the previous cards.
    let cards_changed: Vec<EntryId> = changed
        .iter()
        .copied()
        .filter(|c| old_shared.cards[c.index()] != new_shared.cards[c.index()])
        .collect();
    if !cards_changed.is_empty() {
        let mut reverse_related: Vec<Vec<EntryId>> = vec![Vec::new(); n];
        for site in [old, new] {
            for (i, list) in site.related.iter().enumerate() {
                for r in list {
                    reverse_related[r.id.index()].push(EntryId(i as u32));
                }
            }
        }
        for &c in &cards_changed {
            card_dependents(old, new, c, &reverse_related[c.index()], &mut pages);
        }
    }

    if !Arc::ptr_eq(&old.tags, &new.tags) || !Arc::ptr_eq(&old.tag_neighbours, &new.tag_neighbours)
    {
        for t in 0..new.tags.len() {
            if old.tags[t].entries != new.tags[t].entries
                || old.tag_neighbours[t] != new.tag_neighbours[t]
            {
                pages.extend([Page::Tag(t, 0), Page::Tags, Page::Graph]);
            }
        }
    }
    if !Arc::ptr_eq(&old.kind_pages, &new.kind_pages) {
        for (k, (a, b)) in old.kind_pages.iter().zip(new.kind_pages.iter()).enumerate() {
            if a.entries != b.entries {
                pages.insert(Page::Kind(k, 0));
            }
        }
    }
    for i in 0..new.sections.len() {
        let changed = !Arc::ptr_eq(&old.sections[i], &new.sections[i])
            || !Arc::ptr_eq(&old.section_rendered[i], &new.section_rendered[i])
            || (!Arc::ptr_eq(&old.section_entries, &new.section_entries)
                && old.section_entries[i] != new.section_entries[i]);
        if changed {
            pages.insert(section_page(new, i));
        }
    }
    if !Arc::ptr_eq(&old.timeline, &new.timeline) && old.timeline != new.timeline {
        pages.insert(Page::Timeline(0));
    }
    if !Arc::ptr_eq(&old.sources, &new.sources) && old.sources != new.sources {
        pages.insert(Page::Sources(0));
    }
    // A list changed: every page of it in the new site (entries move between pages).
    // Pages the list no longer has are removed with the pages that are gone.
    Affected::Pages(pages.into_iter().flat_map(|p| p.siblings(new)).collect())
}
