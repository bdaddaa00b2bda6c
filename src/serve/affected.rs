//! Which pages an edit can change: decided from the graph before and after it.
//!
//! The rule is conservative: every page whose template values could differ is listed.
//! The rebuild renders only these, and the server tells browsers about the ones whose
//! bytes really changed.

use std::collections::BTreeSet;

use crate::graph::{EntryId, Site};
use crate::render::Page;
use crate::render::views::Shared;

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
        .map_or(Page::Section(i), Page::Kind)
}

fn kind_page(site: &Site, id: EntryId) -> Option<Page> {
    let kind = site.entry(id).front.kind;
    site.kind_pages
        .iter()
        .position(|k| k.kind == kind)
        .map(Page::Kind)
}

/// Whether entry `i` shows the same sources (with the same citing entries) in both.
fn same_sources(old: &Site, new: &Site, i: usize) -> bool {
    let (a, b) = (&old.entry_sources[i], &new.entry_sources[i]);
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            let (s, t) = (&old.sources[x], &new.sources[y]);
            (
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
            ) && s.entries.iter().take(6).eq(t.entries.iter().take(6))
        })
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
            .zip(&new.tags)
            .all(|(a, b)| a.slug == b.slug && a.name == b.name)
        && old.kind_pages.len() == new.kind_pages.len()
        && old
            .kind_pages
            .iter()
            .zip(&new.kind_pages)
            .all(|(a, b)| a.path == b.path && a.section == b.section)
        && old_shared.kinds == new_shared.kinds;
    if !same_shape {
        return Affected::All;
    }

    let mut pages: BTreeSet<Page> = BTreeSet::from([Page::Home]);
    let n = new.entries.len();
    let ids = (0..n as u32).map(EntryId);

    // Entries whose own page inputs changed.
    for id in ids.clone() {
        let i = id.index();
        let changed = !std::sync::Arc::ptr_eq(&old.entries[i], &new.entries[i])
            || !std::sync::Arc::ptr_eq(&old.rendered[i], &new.rendered[i])
            || old.backlinks[i] != new.backlinks[i]
            || old.related[i] != new.related[i]
            || old.statements[i] != new.statements[i]
            || old.speakers[i] != new.speakers[i]
            || old.neighbours(id) != new.neighbours(id)
            || !same_sources(old, new, i);
        if changed {
            pages.insert(Page::Entry(id));
        }
    }

    // Entries whose card changed, and every page that shows that card.
    let mut reverse_related: Vec<Vec<EntryId>> = vec![Vec::new(); n];
    for site in [old, new] {
        for (i, list) in site.related.iter().enumerate() {
            for r in list {
                reverse_related[r.id.index()].push(EntryId(i as u32));
            }
        }
    }
    for c in ids
        .clone()
        .filter(|c| old_shared.cards[c.index()] != new_shared.cards[c.index()])
    {
        let i = c.index();
        pages.insert(Page::Entry(c));
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
                pages.insert(Page::Sources);
            }
            for tag in &e.front.tags {
                if let Some(&t) = site.tag_index.get(&tag.slug) {
                    pages.insert(Page::Tag(t));
                }
            }
            pages.extend(kind_page(site, c));
            pages.insert(section_page(site, site.entry_section[i]));
            if e.front.date.is_some() {
                pages.insert(Page::Timeline);
            }
        }
        pages.extend(reverse_related[i].iter().map(|&r| Page::Entry(r)));
    }

    for t in 0..new.tags.len() {
        if old.tags[t].entries != new.tags[t].entries
            || old.tag_neighbours[t] != new.tag_neighbours[t]
        {
            pages.extend([Page::Tag(t), Page::Tags, Page::Graph]);
        }
    }
    for (k, (a, b)) in old.kind_pages.iter().zip(&new.kind_pages).enumerate() {
        if a.entries != b.entries {
            pages.insert(Page::Kind(k));
        }
    }
    for i in 0..new.sections.len() {
        let changed = !std::sync::Arc::ptr_eq(&old.sections[i], &new.sections[i])
            || !std::sync::Arc::ptr_eq(&old.section_rendered[i], &new.section_rendered[i])
            || old.section_entries[i] != new.section_entries[i];
        if changed {
            pages.insert(section_page(new, i));
        }
    }
    if old.timeline != new.timeline {
        pages.insert(Page::Timeline);
    }
    if old.sources != new.sources {
        pages.insert(Page::Sources);
    }
    Affected::Pages(pages)
}
