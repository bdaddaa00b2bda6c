//! What a page reads, recorded as it reads it.
//!
//! A page's template values are built from a [`Reads`], never from the graph itself: the
//! only way to the data is [`Reads::get`] with a key, and `get` records the key for the
//! page before it returns the data. After an edit, a key is compared by fetching it again
//! from the old and the new site, with the same function ([`Read::fetch`]), and a page is
//! rendered again when any key it read gives something else. Nothing lists which pages
//! show what: the edge is the read.
//!
//! Keys name data by index, in the site they were read from. Between two sites the
//! indexes are matched by what identifies them (an entry by its file, a tag by its slug, a
//! section by its folder, a source by its anchor): see [`Maps`]. The site's configuration
//! is read freely ([`Reads::config`]): an edit of `site.yaml` renders every page.

use std::cell::RefCell;
use std::sync::Arc;

use tera::Value;

use super::views::{Shared, same_value};
use crate::config::Config;
use crate::content::front_matter::Location;
use crate::content::{Date, Entry, Section};
use crate::graph::related::Related;
use crate::graph::relations::Relation;
use crate::graph::sources::SourceInfo;
use crate::graph::{Backlink, EntryId, EntryImage, Site};
use crate::markdown::{Embed, EmbedTarget, OutLink, Rendered};
use crate::pages::Page;

/// The site and the values shared by its pages: what keys are fetched from.
#[derive(Clone, Copy)]
pub struct View<'a> {
    site: &'a Site,
    shared: &'a Shared,
}

impl<'a> View<'a> {
    pub fn new(site: &'a Site, shared: &'a Shared) -> View<'a> {
        View { site, shared }
    }
}

/// The reads of one page.
pub struct Reads<'a> {
    view: View<'a>,
    /// `None` when nothing is to be recorded (`build` and `check` keep no reads).
    keys: Option<RefCell<Vec<Key>>>,
}

impl<'a> Reads<'a> {
    /// Reads that are recorded when `record` is set.
    pub fn new(view: View<'a>, record: bool) -> Reads<'a> {
        Reads {
            view,
            keys: record.then(|| RefCell::new(Vec::with_capacity(64))),
        }
    }

    /// The data of `key`, recorded as read by this page.
    pub fn get<R: Read>(&self, key: R) -> R::Out<'a> {
        if let Some(keys) = &self.keys {
            keys.borrow_mut().push(key.into());
        }
        key.fetch(self.view)
    }

    /// The configuration: not recorded, because changing it renders every page.
    pub fn config(&self) -> &'a Config {
        &self.view.site.config
    }

    /// The site path of a page. Not recorded: a page's path is what it is known by, and a
    /// page whose path changes is another page.
    pub fn path(&self, page: Page) -> String {
        page.path(self.view.site)
    }

    /// The tag with this slug. Not recorded: a slug is what a tag is known by (what the
    /// tag is, its name and entries, are read with keys).
    pub fn tag_id(&self, slug: &str) -> Option<TagId> {
        self.view.site.tag_index.get(slug).map(|&t| TagId(t as u32))
    }

    /// The section whose page has this site path. Not recorded: a path is what a page is
    /// known by (what the section is, its text, is read with [`SectionData`]).
    pub fn section_id(&self, path: &str) -> Option<SectionId> {
        let sections = &self.view.site.sections;
        sections
            .iter()
            .position(|s| s.path == path)
            .map(|i| SectionId(i as u32))
    }

    /// The keys read, each once (none when not recording).
    pub fn into_keys(self) -> Deps {
        let mut keys = self.keys.map(RefCell::into_inner).unwrap_or_default();
        keys.sort_unstable();
        keys.dedup();
        Deps(keys.into())
    }
}

/// What one page read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deps(Arc<[Key]>);

impl Deps {
    /// Whether every key gives the same data in the new site as in the old.
    pub fn same(&self, checker: &Checker<'_>) -> bool {
        self.0.iter().all(|k| k.check(checker))
    }

    /// The same keys, numbered as in the new site; `None` when one of them names something
    /// the new site does not have.
    pub fn translate(&self, maps: &Maps) -> Option<Deps> {
        if maps.is_identity() {
            return Some(self.clone());
        }
        self.0
            .iter()
            .map(|k| k.translate(maps))
            .collect::<Option<Vec<Key>>>()
            .map(|keys| Deps(keys.into()))
    }
}

/// Which outputs read each key: the inverse of what each output recorded. After an edit,
/// every key read anywhere is compared once, however many pages read it, and the outputs
/// to render again are the readers of the keys that changed.
pub struct Readers<O> {
    keys: Vec<Key>,
    /// For each key, the outputs that read it (none once they all stopped reading it).
    readers: Vec<Vec<O>>,
    index: rustc_hash::FxHashMap<Key, u32>,
    /// For each kind of key, its keys (their places in `keys`).
    by_slot: Vec<Vec<u32>>,
}

impl<O: Copy + Eq + std::hash::Hash + Send + Sync> Readers<O> {
    pub fn new<'d>(recorded: impl IntoIterator<Item = (O, &'d Deps)>) -> Readers<O> {
        let mut readers = Readers {
            keys: Vec::new(),
            readers: Vec::new(),
            index: rustc_hash::FxHashMap::default(),
            by_slot: vec![Vec::new(); KINDS],
        };
        for (o, deps) in recorded {
            for &key in deps.0.iter() {
                readers.add(key, o);
            }
        }
        readers
    }

    fn add(&mut self, key: Key, o: O) {
        let next = self.keys.len() as u32;
        let i = *self.index.entry(key).or_insert(next) as usize;
        if i == self.keys.len() {
            self.keys.push(key);
            self.readers.push(Vec::new());
            self.by_slot[key.slot()].push(i as u32);
        }
        self.readers[i].push(o);
    }

    /// Output `o` now reads `new` (nothing when `None`) instead of `old`. Both lists are
    /// sorted: one walk through them finds the keys it stopped and started reading.
    pub fn update(&mut self, o: O, old: Option<&Deps>, new: Option<&Deps>) {
        let (old, new) = (
            old.map_or(&[][..], |d| &d.0[..]),
            new.map_or(&[][..], |d| &d.0[..]),
        );
        let (mut a, mut b) = (0, 0);
        loop {
            let step = match (old.get(a), new.get(b)) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match step {
                std::cmp::Ordering::Equal => {
                    a += 1;
                    b += 1;
                }
                std::cmp::Ordering::Less => {
                    if let Some(&i) = self.index.get(&old[a])
                        && let Some(list) = self.readers.get_mut(i as usize)
                        && let Some(at) = list.iter().position(|r| *r == o)
                    {
                        list.swap_remove(at);
                    }
                    a += 1;
                }
                std::cmp::Ordering::Greater => {
                    self.add(new[b], o);
                    b += 1;
                }
            }
        }
    }

    /// Every output that read a key whose data differs between the sites of `checker`.
    ///
    /// Only the keys that can differ are looked at: none of a kind whose index is the very
    /// same in both sites, only those of the items that changed for a kind that reads
    /// one item (an entry's card, its text), and every key of the other kinds. So an edit
    /// of one entry costs what its keys cost, not what the site's do.
    pub fn stale(&self, checker: &Checker<'_>) -> rustc_hash::FxHashSet<O> {
        use rayon::prelude::*;
        let mut candidates: Vec<u32> = Vec::new();
        for (slot, keys) in self.by_slot.iter().enumerate() {
            let Some(&first) = keys.first() else {
                continue;
            };
            if checker.kept[slot] {
                continue;
            }
            match checker.dirty(slot) {
                Some(members) => {
                    let like = self.keys[first as usize];
                    candidates.extend(
                        members
                            .iter()
                            .filter_map(|&m| self.index.get(&like.with_member(m)).copied()),
                    );
                }
                None => candidates.extend_from_slice(keys),
            }
        }
        candidates
            .par_iter()
            .map(|&k| k as usize)
            .filter(|&k| !self.readers[k].is_empty() && !self.keys[k].check(checker))
            .flat_map_iter(|k| self.readers[k].iter().copied())
            .collect::<Vec<O>>()
            .into_iter()
            .collect()
    }
}

/// A kind of data a page can read.
pub trait Read: Copy + Into<Key> {
    type Out<'a>: Same;
    fn fetch<'a>(self, view: View<'a>) -> Self::Out<'a>;
    /// The same key in the new site.
    fn translate(self, maps: &Maps) -> Option<Self>;

    /// For a key that names one item of a list of the site (an entry, a tag, a source)
    /// and nothing else: its index. Such keys are compared once for every item, however
    /// many pages read them.
    fn member(self) -> Option<u32> {
        None
    }

    /// The same key for item `i`.
    fn with_member(self, _i: u32) -> Self {
        self
    }

    /// How many items the list has.
    fn members(_view: View<'_>) -> u32 {
        0
    }
}

/// Compares keys between the old site and the new, each key of a list once.
pub struct Checker<'a> {
    old: View<'a>,
    new: View<'a>,
    maps: &'a Maps,
    /// For each kind of key that names an item, whether each item is the same.
    tables: Vec<std::sync::OnceLock<Vec<bool>>>,
    /// For each kind of key, whether every key of it is the same, known by address.
    kept: [bool; KINDS],
    /// The entries that are not the very same (their file or their text) in both sites.
    changed: std::sync::OnceLock<Vec<u32>>,
    /// The entries whose card is not the very same value in both sites.
    changed_cards: std::sync::OnceLock<Vec<u32>>,
}

impl<'a> Checker<'a> {
    pub fn new(old: View<'a>, new: View<'a>, maps: &'a Maps) -> Checker<'a> {
        Checker {
            old,
            new,
            maps,
            tables: (0..KINDS).map(|_| std::sync::OnceLock::new()).collect(),
            kept: std::array::from_fn(|slot| {
                maps.is_identity() && index_kept(slot, old.site, new.site)
            }),
            changed: std::sync::OnceLock::new(),
            changed_cards: std::sync::OnceLock::new(),
        }
    }

    /// With every index the same in both sites, the entries that are not the very same
    /// (their file or their text) in both: found in one walk, once per rebuild, for the
    /// keys that read one entry and for the pages that may have moved.
    pub fn changed_entries(&self) -> &[u32] {
        let (old, new) = (self.old.site, self.new.site);
        self.changed.get_or_init(|| {
            (0..new.entries.len().min(old.entries.len()) as u32)
                .filter(|&i| {
                    let i = i as usize;
                    !Arc::ptr_eq(&old.entries[i], &new.entries[i])
                        || !Arc::ptr_eq(&old.rendered[i], &new.rendered[i])
                })
                .collect()
        })
    }

    /// For a kind of key that reads one entry and what only that entry decides, with
    /// every index the same in both sites: the entries whose keys of that kind can differ
    /// (all others are the same, known by address). `None` for other kinds.
    fn dirty(&self, slot: usize) -> Option<&[u32]> {
        if !self.maps.is_identity() {
            return None;
        }
        if member_kept_by_entry(slot) {
            return Some(self.changed_entries());
        }
        if slot == Slot::Card as usize {
            let (a, b) = (&self.old.shared.cards, &self.new.shared.cards);
            return Some(self.changed_cards.get_or_init(|| b.not_shared_with(a)));
        }
        None
    }

    fn same<R: Read>(&self, slot: usize, key: R) -> bool {
        if self.kept[slot] {
            return true;
        }
        let Some(i) = key.member() else {
            return same_in(key, self.old, self.new, self.maps);
        };
        let identity = self.maps.is_identity();
        if self.dirty(slot).is_some() {
            // Only the keys of changed items are asked (`Readers::stale`): no table.
            return (identity && member_kept(slot, self.old.site, self.new.site, i as usize))
                || same_in(key, self.old, self.new, self.maps);
        }
        // Made by one thread, without rayon: a thread waiting on a rayon task here could
        // pick up another check of the same table.
        let table = self.tables[slot].get_or_init(|| {
            (0..R::members(self.old))
                .map(|i| {
                    (identity && member_kept(slot, self.old.site, self.new.site, i as usize))
                        || same_in(key.with_member(i), self.old, self.new, self.maps)
                })
                .collect()
        });
        table.get(i as usize).copied().unwrap_or(false)
    }
}

/// Equality across two sites: ids compare by what they identify.
pub trait Same {
    fn same(&self, new: &Self, maps: &Maps) -> bool;
}

/// How the indexes of one site match those of the next: `None` where they are the same.
#[derive(Default)]
pub struct Maps {
    entries: Option<Vec<Option<u32>>>,
    tags: Option<Vec<Option<u32>>>,
    sections: Option<Vec<Option<u32>>>,
    kind_pages: Option<Vec<Option<u32>>>,
    sources: Option<Vec<Option<u32>>>,
}

/// For each item of `old`, the index of the item of `new` with the same identity; `None`
/// for the whole list when every item keeps its index.
fn matching<T, K: Eq + std::hash::Hash + ?Sized>(
    old: &[T],
    new: &[T],
    shared: impl Fn(&T, &T) -> bool,
    id: impl Fn(&T) -> &K,
) -> Option<Vec<Option<u32>>> {
    // Items shared by both sites (entries and sections that did not change) are the same,
    // known without reading them.
    let same = |a: &T, b: &T| shared(a, b) || std::ptr::eq(id(a), id(b)) || id(a) == id(b);
    if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| same(a, b)) {
        return None;
    }
    let index: rustc_hash::FxHashMap<&K, u32> = new
        .iter()
        .enumerate()
        .map(|(i, x)| (id(x), i as u32))
        .collect();
    Some(old.iter().map(|x| index.get(id(x)).copied()).collect())
}

/// `None` (every item keeps its index) for the very same list in both sites.
fn unless_same<T>(
    old: &Arc<Vec<T>>,
    new: &Arc<Vec<T>>,
    matching: impl Fn(&[T], &[T]) -> Option<Vec<Option<u32>>>,
) -> Option<Vec<Option<u32>>> {
    match Arc::ptr_eq(old, new) {
        true => None,
        false => matching(old, new),
    }
}

fn map(table: &Option<Vec<Option<u32>>>, i: u32) -> Option<u32> {
    match table {
        None => Some(i),
        Some(t) => t.get(i as usize).copied().flatten(),
    }
}

impl Maps {
    pub fn between(old: &Site, new: &Site) -> Maps {
        Maps {
            entries: matching(&old.entries, &new.entries, Arc::ptr_eq, |e| e.rel.as_str()),
            tags: unless_same(&old.tags, &new.tags, |o, n| {
                matching(o, n, |_, _| false, |t| t.slug.as_str())
            }),
            sections: matching(&old.sections, &new.sections, Arc::ptr_eq, |s| {
                s.dir.as_str()
            }),
            kind_pages: unless_same(&old.kind_pages, &new.kind_pages, |o, n| {
                matching(o, n, |_, _| false, |k| &k.kind)
            }),
            sources: unless_same(&old.sources, &new.sources, |o, n| {
                matching(o, n, |_, _| false, |s| s.anchor.as_str())
            }),
        }
    }

    pub fn is_identity(&self) -> bool {
        self.entries.is_none()
            && self.tags.is_none()
            && self.sections.is_none()
            && self.kind_pages.is_none()
            && self.sources.is_none()
    }

    /// Whether every entry keeps its id.
    pub fn entries_kept(&self) -> bool {
        self.entries.is_none()
    }

    pub fn entry(&self, id: EntryId) -> Option<EntryId> {
        map(&self.entries, id.0).map(EntryId)
    }

    /// The index in the new site's tags of tag `t` of the old.
    pub fn tag_index(&self, t: usize) -> Option<usize> {
        self.tag(t as u32).map(|t| t as usize)
    }

    fn tag(&self, t: u32) -> Option<u32> {
        map(&self.tags, t)
    }

    fn section(&self, s: u32) -> Option<u32> {
        map(&self.sections, s)
    }

    fn kind_page(&self, k: u32) -> Option<u32> {
        map(&self.kind_pages, k)
    }

    fn source(&self, s: u32) -> Option<u32> {
        map(&self.sources, s)
    }
}

// ---- Same for the data keys give --------------------------------------------------------

impl Same for EntryId {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        maps.entry(*self) == Some(*new)
    }
}

/// A tag, by its index in the site's tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagId(pub u32);

impl Same for TagId {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        maps.tag(self.0) == Some(new.0)
    }
}

/// A source, by its index in the site's sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

impl Same for SourceId {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        maps.source(self.0) == Some(new.0)
    }
}

macro_rules! same_by_eq {
    ($($t:ty),*) => {
        $(impl Same for $t {
            fn same(&self, new: &Self, _: &Maps) -> bool {
                self == new
            }
        })*
    };
}
same_by_eq!(
    usize,
    u32,
    u16,
    bool,
    Option<Date>,
    &Entry,
    &Section,
    &EntryImage,
    Location
);

/// Template values share their maps and lists when cloned: the same map is the same value.
impl Same for &Value {
    fn same(&self, new: &Self, _: &Maps) -> bool {
        same_value(self, new) || self == new
    }
}

impl Same for &str {
    fn same(&self, new: &Self, _: &Maps) -> bool {
        std::ptr::eq(*self, *new) || self == new
    }
}

impl Same for OutLink {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        EntryId(self.target).same(&EntryId(new.target), maps)
            && (&self.fragment, self.offset, &self.context)
                == (&new.fragment, new.offset, &new.context)
    }
}

impl Same for &Rendered {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        if std::ptr::eq(*self, *new) {
            return true;
        }
        let (a, b) = (*self, *new);
        (
            &a.html,
            &a.headings,
            &a.summary_html,
            &a.summary_text,
            a.word_count,
            &a.text,
            &a.site_paths,
            &a.problems,
            &a.warnings,
            &a.blocks,
        ) == (
            &b.html,
            &b.headings,
            &b.summary_html,
            &b.summary_text,
            b.word_count,
            &b.text,
            &b.site_paths,
            &b.problems,
            &b.warnings,
            &b.blocks,
        ) && a.links.as_slice().same(&b.links.as_slice(), maps)
            && a.embeds.as_slice().same(&b.embeds.as_slice(), maps)
            && a.heading_at == b.heading_at
    }
}

impl Same for Embed {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        let target = match (&self.target, &new.target) {
            (EmbedTarget::Entry(a), EmbedTarget::Entry(b)) => EntryId(*a).same(&EntryId(*b), maps),
            (a, b) => a == b,
        };
        target
            && (&self.fragment, self.offset, &self.written, &self.url)
                == (&new.fragment, new.offset, &new.written, &new.url)
    }
}

impl<T> Same for &Arc<T>
where
    for<'x> &'x T: Same,
{
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        Arc::ptr_eq(self, new) || (&***self).same(&&***new, maps)
    }
}

impl<T: Same> Same for Option<T> {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        match (self, new) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same(b, maps),
            _ => false,
        }
    }
}

impl<T: Same> Same for &[T] {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        // The same memory in both sites is the same data, as long as ids mean the same.
        (maps.is_identity() && std::ptr::eq(*self, *new))
            || (self.len() == new.len()
                && self.iter().zip(new.iter()).all(|(a, b)| a.same(b, maps)))
    }
}

impl<T: Same> Same for Vec<T> {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.as_slice().same(&new.as_slice(), maps)
    }
}

impl<A: Same, B: Same> Same for (A, B) {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.0.same(&new.0, maps) && self.1.same(&new.1, maps)
    }
}

impl<A: Same, B: Same, C: Same> Same for (A, B, C) {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.0.same(&new.0, maps) && self.1.same(&new.1, maps) && self.2.same(&new.2, maps)
    }
}

impl<A: Same, B: Same, C: Same, D: Same> Same for (A, B, C, D) {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.0.same(&new.0, maps)
            && self.1.same(&new.1, maps)
            && self.2.same(&new.2, maps)
            && self.3.same(&new.3, maps)
    }
}

impl Same for Backlink {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.from.same(&new.from, maps) && self.context == new.context
    }
}

impl Same for Relation {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        self.rtype == new.rtype
            && self.outgoing == new.outgoing
            && self.other.same(&new.other, maps)
            && self.stated_by.same(&new.stated_by, maps)
            && (self.from, self.until) == (new.from, new.until)
            && self.sources == new.sources
    }
}

impl Same for Related {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        // The score is not shown.
        self.id.same(&new.id, maps)
            && self.shared.len() == new.shared.len()
            && self
                .shared
                .iter()
                .zip(&new.shared)
                .all(|(&a, &b)| TagId(a as u32).same(&TagId(b as u32), maps))
    }
}

/// A source as a page shows it, without the entries citing it (see [`Citers`]).
pub struct SourceData<'a> {
    pub info: &'a SourceInfo,
    /// The page of `/sources/` that lists it.
    pub page: Page,
}

impl Same for SourceData<'_> {
    fn same(&self, new: &Self, _: &Maps) -> bool {
        self.page == new.page && self.info.same_shown(new.info)
    }
}

// ---- The keys ---------------------------------------------------------------------------

macro_rules! keys {
    ($($name:ident),* $(,)?) => {
        /// Something a page read.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key {
            $($name($name)),*
        }
        /// The kinds of key, numbered.
        #[allow(dead_code)]
        enum Slot {
            $($name),*
        }
        const KINDS: usize = [$(Slot::$name),*].len();
        $(impl From<$name> for Key {
            fn from(k: $name) -> Key {
                Key::$name(k)
            }
        })*
        impl Key {
            /// Whether the key gives the same data in the new site as in the old.
            fn check(self, checker: &Checker<'_>) -> bool {
                match self {
                    $(Key::$name(k) => checker.same(Slot::$name as usize, k)),*
                }
            }

            pub fn translate(self, maps: &Maps) -> Option<Key> {
                match self {
                    $(Key::$name(k) => k.translate(maps).map(Key::$name)),*
                }
            }

            fn slot(self) -> usize {
                match self {
                    $(Key::$name(_) => Slot::$name as usize),*
                }
            }

            /// The same kind of key for item `i` (itself for keys that name no item).
            fn with_member(self, i: u32) -> Key {
                match self {
                    $(Key::$name(k) => Key::$name(k.with_member(i))),*
                }
            }
        }
    };
}

/// Whether every key of kind `slot` gives the same data in both sites, without comparing
/// any: the index that the kind reads is the very same one (the graph kept it, its inputs
/// being the same), and items keep their numbers.
fn index_kept(slot: usize, old: &Site, new: &Site) -> bool {
    use std::sync::Arc;
    let sources = Arc::ptr_eq(&old.sources, &new.sources);
    let entry_sources = Arc::ptr_eq(&old.entry_sources, &new.entry_sources);
    match slot {
        s if s == Slot::Backlinks as usize => Arc::ptr_eq(&old.backlinks, &new.backlinks),
        s if s == Slot::RelatedTo as usize => Arc::ptr_eq(&old.related, &new.related),
        s if s == Slot::RelationsOf as usize || s == Slot::RelationGraph as usize => {
            Arc::ptr_eq(&old.relations, &new.relations)
        }
        s if s == Slot::Statements as usize => Arc::ptr_eq(&old.statements, &new.statements),
        s if s == Slot::Speaker as usize => Arc::ptr_eq(&old.speakers, &new.speakers),
        s if s == Slot::StatementsAbout as usize
            || s == Slot::AboutOf as usize
            || s == Slot::RespondsTo as usize
            || s == Slot::Responses as usize =>
        {
            Arc::ptr_eq(&old.positions, &new.positions)
        }
        s if s == Slot::TagNeighbours as usize => {
            Arc::ptr_eq(&old.tag_neighbours, &new.tag_neighbours)
        }
        s if s == Slot::EntrySources as usize => entry_sources,
        s if s == Slot::Neighbours as usize => {
            Arc::ptr_eq(&old.section_entries, &new.section_entries)
                && Arc::ptr_eq(&old.entry_section, &new.entry_section)
                && Arc::ptr_eq(&old.entry_position, &new.entry_position)
        }
        s if s == Slot::SectionOf as usize => {
            Arc::ptr_eq(&old.entry_section, &new.entry_section)
                && crate::graph::same_items(&old.sections, &new.sections)
        }
        s if s == Slot::EntryImageOf as usize => Arc::ptr_eq(&old.entry_images, &new.entry_images),
        s if s == Slot::Located as usize => Arc::ptr_eq(&old.located, &new.located),
        s if s == Slot::RouteOf as usize || s == Slot::RouteEntries as usize => {
            Arc::ptr_eq(&old.routes, &new.routes)
        }
        s if s == Slot::Source as usize
            || s == Slot::SourceCount as usize
            || s == Slot::PublishedBy as usize =>
        {
            sources
        }
        s if s == Slot::Citers as usize => sources && entry_sources,
        _ => false,
    }
}

/// Whether item `i` of kind `slot` gives the same data in both sites, without reading it:
/// what the kind reads of an entry is the very same entry (or rendering), at the same
/// index, and the configuration is the same (as in every rebuild of content).
fn member_kept(slot: usize, old: &Site, new: &Site, i: usize) -> bool {
    fn same<T>(a: &[Arc<T>], b: &[Arc<T>], i: usize) -> bool {
        a.get(i)
            .zip(b.get(i))
            .is_some_and(|(a, b)| Arc::ptr_eq(a, b))
    }
    match slot {
        s if s == Slot::Label as usize
            || s == Slot::DateOf as usize
            || s == Slot::SpeakerName as usize
            || s == Slot::UpdatedOf as usize
            || s == Slot::LocationOf as usize =>
        {
            same(&old.entries, &new.entries, i)
        }
        s if s == Slot::Links as usize || s == Slot::Body as usize => {
            same(&old.rendered, &new.rendered, i)
        }
        s if s == Slot::EntryData as usize => {
            same(&old.entries, &new.entries, i) && same(&old.rendered, &new.rendered, i)
        }
        _ => false,
    }
}

/// The kinds of key that `member_kept` knows the same by their entry (its file and its
/// text) alone.
fn member_kept_by_entry(slot: usize) -> bool {
    [
        Slot::Label,
        Slot::DateOf,
        Slot::SpeakerName,
        Slot::UpdatedOf,
        Slot::LocationOf,
        Slot::Links,
        Slot::Body,
        Slot::EntryData,
    ]
    .into_iter()
    .any(|s| s as usize == slot)
}

fn same_in<R: Read>(key: R, old: View<'_>, new: View<'_>, maps: &Maps) -> bool {
    match key.translate(maps) {
        Some(moved) => key.fetch(old).same(&moved.fetch(new), maps),
        None => false,
    }
}

keys!(
    SiteValue,
    EntryData,
    EntryImageOf,
    Card,
    Label,
    DateOf,
    Body,
    Links,
    Backlinks,
    RelationsOf,
    RelatedTo,
    Statements,
    Speaker,
    SpeakerName,
    StatementsAbout,
    AboutOf,
    RespondsTo,
    Responses,
    Neighbours,
    SectionOf,
    EntrySources,
    Source,
    Citers,
    SourceCount,
    PublishedBy,
    TagValue,
    TagRef,
    TagName,
    TagStat,
    TagNeighbours,
    TagFamily,
    TagNote,
    TopTags,
    KindValue,
    KindRef,
    KindPageOf,
    SectionData,
    Subsections,
    List,
    Newest,
    YearIndex,
    PageList,
    LocationOf,
    RouteOf,
    Located,
    RouteEntries,
    RelationGraph,
    TimelineFilters,
    UpdatedOf,
);

/// Implements [`Read`] for a key that names one entry.
macro_rules! entry_key {
    ($(#[$doc:meta])* $name:ident -> $out:ty, |$v:ident, $i:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub EntryId);

        impl Read for $name {
            type Out<'a> = $out;
            fn fetch<'a>(self, $v: View<'a>) -> $out {
                let $i = self.0.index();
                $body
            }
            fn translate(self, maps: &Maps) -> Option<Self> {
                maps.entry(self.0).map($name)
            }
            fn member(self) -> Option<u32> {
                Some(self.0.0)
            }
            fn with_member(self, i: u32) -> Self {
                $name(EntryId(i))
            }
            fn members(view: View<'_>) -> u32 {
                view.site.entries.len() as u32
            }
        }
    };
}

/// A key with nothing to translate.
macro_rules! plain_key {
    ($(#[$doc:meta])* $name:ident $(($($field:ty),*))? -> $out:ty, |$v:ident, $k:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name $(($(pub $field),*))?;

        impl Read for $name {
            type Out<'a> = $out;
            fn fetch<'a>(self, $v: View<'a>) -> $out {
                let $k = self;
                $body
            }
            fn translate(self, _: &Maps) -> Option<Self> {
                Some(self)
            }
        }
    };
}

plain_key!(
    /// `site` in templates: the title, the kinds and sections with their counts.
    SiteValue -> &'a Value, |v, _k| &v.shared.site
);

entry_key!(
    /// An entry's file and its rendered text: what its own page shows of it.
    EntryData -> (&'a Arc<Entry>, &'a Arc<Rendered>), |v, i| (&v.site.entries[i], &v.site.rendered[i])
);
entry_key!(
    /// An entry's `image`, resolved: where it resolves to depends on the site's files.
    EntryImageOf -> Option<&'a EntryImage>, |v, i| v.site.entry_images[i].as_ref()
);
entry_key!(
    /// An entry's card: title, URL, kind, date, summary, tags.
    Card -> &'a Value, |v, i| v.shared.cards.get(i)
);
entry_key!(
    /// What a picture labels an entry with: title, path, kind, and title for sorting.
    Label -> (&'a str, &'a str, &'a str, &'a str), |v, i| {
        let e = &v.site.entries[i];
        (
            e.front.title.as_str(),
            e.path.as_str(),
            v.site.config.kinds.get(e.front.kind).name.as_str(),
            e.sort_title.as_str(),
        )
    }
);
entry_key!(
    /// An entry's date.
    DateOf -> Option<Date>, |v, i| v.site.entries[i].front.date
);
entry_key!(
    /// When an entry was last changed: its `updated`.
    UpdatedOf -> Option<Date>, |v, i| v.site.entries[i].front.updated
);
entry_key!(
    /// An entry's rendered text, as a page that embeds it (`![[Note]]`) shows it.
    Body -> &'a Arc<Rendered>, |v, i| &v.site.rendered[i]
);
entry_key!(
    /// The links of an entry's text.
    Links -> &'a [OutLink], |v, i| &v.site.rendered[i].links
);
entry_key!(
    /// The entries linking to an entry, with the sentence of each link.
    Backlinks -> &'a [Backlink], |v, i| &v.site.backlinks[i]
);
entry_key!(
    /// An entry's typed relations, those it states and those stated about it by others.
    RelationsOf -> &'a [Relation], |v, i| &v.site.relations.of[i]
);
entry_key!(
    /// An entry's related entries and the tags they share.
    RelatedTo -> &'a [Related], |v, i| &v.site.related[i]
);
entry_key!(
    /// The statements an entry made.
    Statements -> &'a [EntryId], |v, i| &v.site.statements[i]
);
entry_key!(
    /// The entry of a statement's speaker.
    Speaker -> Option<EntryId>, |v, i| v.site.speakers[i]
);
entry_key!(
    /// A statement's `speaker` as written.
    SpeakerName -> Option<&'a str>, |v, i| v.site.entries[i].front.speaker.as_deref()
);
entry_key!(
    /// The statements about an entry, oldest first.
    StatementsAbout -> &'a [EntryId], |v, i| &v.site.positions.statements_about[i]
);
entry_key!(
    /// The entries a statement is `about`.
    AboutOf -> &'a [EntryId], |v, i| &v.site.positions.about[i]
);
entry_key!(
    /// The statements a statement `responds_to`.
    RespondsTo -> &'a [EntryId], |v, i| &v.site.positions.responds_to[i]
);
entry_key!(
    /// The statements that respond to a statement, oldest first.
    Responses -> &'a [EntryId], |v, i| &v.site.positions.responses[i]
);
entry_key!(
    /// The previous and next entries of an entry's section.
    Neighbours -> (Option<EntryId>, Option<EntryId>), |v, i| v.site.neighbours(EntryId(i as u32))
);
entry_key!(
    /// The title and path of an entry's section.
    SectionOf -> (&'a str, &'a str), |v, i| {
        let s = &v.site.sections[v.site.entry_section[i]];
        (s.title.as_str(), s.path.as_str())
    }
);
entry_key!(
    /// An entry's sources.
    EntrySources -> Vec<SourceId>, |v, i| v.site.entry_sources[i].iter().map(|&s| SourceId(s as u32)).collect()
);

/// A source's data and the page of `/sources/` that lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source(pub SourceId);

impl Read for Source {
    type Out<'a> = SourceData<'a>;
    fn fetch<'a>(self, v: View<'a>) -> SourceData<'a> {
        let i = self.0.0 as usize;
        SourceData {
            info: &v.site.sources[i],
            page: crate::pages::source_page(v.site, i),
        }
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        maps.source(self.0.0).map(|s| Source(SourceId(s)))
    }
    fn member(self) -> Option<u32> {
        Some(self.0.0)
    }
    fn with_member(self, i: u32) -> Self {
        Source(SourceId(i))
    }
    fn members(view: View<'_>) -> u32 {
        view.site.sources.len() as u32
    }
}

/// The entries citing a source that a page shows: the first `limit` of them other than
/// `except`, and how many there are in all but `except`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Citers {
    pub source: SourceId,
    pub except: Option<EntryId>,
    pub limit: u32,
}

impl Citers {
    /// What a page shows of the fetched data: the ids, and the count.
    pub fn shown(self, (first, all, cites): (&[EntryId], usize, bool)) -> (Vec<EntryId>, usize) {
        let shown = first
            .iter()
            .copied()
            .filter(|&e| Some(e) != self.except)
            .take(self.limit as usize)
            .collect();
        (shown, all - usize::from(cites))
    }
}

impl Read for Citers {
    /// The first `limit + 1` citing entries (enough to leave `except` out), how many
    /// there are, and whether `except` is one of them.
    type Out<'a> = (&'a [EntryId], usize, bool);
    fn fetch<'a>(self, v: View<'a>) -> Self::Out<'a> {
        let all = &v.site.sources[self.source.0 as usize].entries;
        let first = &all[..all.len().min((self.limit as usize).saturating_add(1))];
        let cites = self
            .except
            .is_some_and(|e| v.site.entry_sources[e.index()].contains(&(self.source.0 as usize)));
        (first, all.len(), cites)
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        let except = match self.except {
            Some(e) => Some(maps.entry(e)?),
            None => None,
        };
        Some(Citers {
            source: SourceId(maps.source(self.source.0)?),
            except,
            limit: self.limit,
        })
    }
}

entry_key!(
    /// Where an entry is on the map.
    LocationOf -> Option<Location>, |v, i| v.site.entries[i].front.location
);
entry_key!(
    /// The entries an entry's `route` runs through, in order.
    RouteOf -> &'a [EntryId], |v, i| &v.site.routes[i]
);
plain_key!(
    /// Every entry with a location, in file order: the map page's places.
    Located -> &'a [EntryId], |v, _k| &v.site.located
);
plain_key!(
    /// Every entry with a route, in file order: the map page's lines.
    RouteEntries -> &'a [EntryId], |v, _k| &v.site.route_entries
);

plain_key!(
    /// Every entry's typed relations, both ways: the picture of `/graph/entities/`.
    RelationGraph -> &'a [Vec<Relation>], |v, _k| &v.site.relations.of
);
plain_key!(
    /// The kinds (by number) and the tags that have dated entries: the filters of the
    /// timeline.
    TimelineFilters -> (&'a [u16], &'a [TagId]), |v, _k| {
        let t = &v.shared.timelines;
        (&t.kinds_with[..], &t.tags_with[..])
    }
);

plain_key!(
    /// How many sources the site has.
    SourceCount -> usize, |v, _k| v.site.sources.len()
);
plain_key!(
    /// For each publisher of the register (by id), the sources it published: the lists of
    /// the publishers page.
    PublishedBy -> Vec<Vec<SourceId>>, |v, _k| {
        let register = &v.site.config.publishers;
        let mut by: Vec<Vec<SourceId>> = vec![Vec::new(); register.iter().count()];
        for (i, s) in v.site.sources.iter().enumerate() {
            let at = s
                .publisher_id
                .as_deref()
                .and_then(|id| register.iter().position(|p| p.id == id));
            if let Some(at) = at {
                by[at].push(SourceId(i as u32));
            }
        }
        by
    }
);

/// Implements [`Read`] for a key that names one tag.
macro_rules! tag_key {
    ($(#[$doc:meta])* $name:ident -> $out:ty, |$v:ident, $t:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub TagId);

        impl Read for $name {
            type Out<'a> = $out;
            fn fetch<'a>(self, $v: View<'a>) -> $out {
                let $t = self.0.0 as usize;
                $body
            }
            fn translate(self, maps: &Maps) -> Option<Self> {
                maps.tag(self.0.0).map(|t| $name(TagId(t)))
            }
            fn member(self) -> Option<u32> {
                Some(self.0.0)
            }
            fn with_member(self, i: u32) -> Self {
                $name(TagId(i))
            }
            fn members(view: View<'_>) -> u32 {
                view.site.tags.len() as u32
            }
        }
    };
}

tag_key!(
    /// A tag with its count: `{name, slug, url, count}`.
    TagValue -> &'a Value, |v, t| &v.shared.tags[t]
);
tag_key!(
    /// A tag without its count: `{name, slug, url}`.
    TagRef -> &'a Value, |v, t| &v.shared.tag_refs[t]
);
tag_key!(
    /// A tag's name: the spelling most entries use.
    TagName -> &'a str, |v, t| v.site.tags[t].name.as_str()
);
tag_key!(
    /// A tag's name, slug and how many entries carry it.
    TagStat -> (&'a str, &'a str, usize), |v, t| {
        let tag = &v.site.tags[t];
        (tag.name.as_str(), tag.slug.as_str(), tag.entries.len())
    }
);
tag_key!(
    /// The tags most often beside a tag, with how often.
    TagNeighbours -> Vec<(TagId, usize)>, |v, t| v.site.tag_neighbours[t].iter().map(|&(o, n)| (TagId(o as u32), n)).collect()
);

tag_key!(
    /// The tag a nested tag is under, and the tags right under it.
    TagFamily -> (Option<TagId>, Vec<TagId>), |v, t| {
        let tag = &v.site.tags[t];
        (tag.parent.map(TagId), tag.children.iter().map(|&c| TagId(c)).collect())
    }
);

tag_key!(
    /// A tag's description from `content/tags/`: its title and its rendered text.
    TagNote -> Option<(&'a str, &'a Arc<Rendered>)>, |v, t| v.site.tag_note_of[t].map(|n| {
        let n = n as usize;
        (v.site.tag_notes[n].front.title.as_str(), &v.site.tag_note_rendered[n])
    })
);

plain_key!(
    /// The `n` most used tags, most first.
    TopTags(u32) -> Vec<TagId>, |v, k| v.site.tags_by_use().into_iter().take(k.0 as usize).map(|t| TagId(t as u32)).collect()
);

/// Implements [`Read`] for a key that names a kind (kinds come from the configuration).
macro_rules! kind_key {
    ($(#[$doc:meta])* $name:ident -> $out:ty, |$v:ident, $k:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl Read for $name {
            type Out<'a> = $out;
            fn fetch<'a>(self, $v: View<'a>) -> $out {
                let $k = self.0 as usize;
                $body
            }
            fn translate(self, _: &Maps) -> Option<Self> {
                Some(self)
            }
        }
    };
}

kind_key!(
    /// A kind with its count.
    KindValue -> &'a Value, |v, k| &v.shared.kinds[k]
);
kind_key!(
    /// A kind without its count.
    KindRef -> &'a Value, |v, k| &v.shared.kind_refs[k]
);

/// The kind and the section of a kind's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindPageOf(pub u32);

impl Read for KindPageOf {
    type Out<'a> = (u32, Option<SectionId>);
    fn fetch<'a>(self, v: View<'a>) -> (u32, Option<SectionId>) {
        let k = &v.site.kind_pages[self.0 as usize];
        (u32::from(k.kind.0), k.section.map(|s| SectionId(s as u32)))
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        maps.kind_page(self.0).map(KindPageOf)
    }
}

/// A section by its index in the site's sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

impl Same for SectionId {
    fn same(&self, new: &Self, maps: &Maps) -> bool {
        maps.section(self.0) == Some(new.0)
    }
}

/// A section's `_index.md` and its rendered text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionData(pub SectionId);

impl Read for SectionData {
    type Out<'a> = (&'a Arc<Section>, &'a Arc<Rendered>);
    fn fetch<'a>(self, v: View<'a>) -> Self::Out<'a> {
        let i = self.0.0 as usize;
        (&v.site.sections[i], &v.site.section_rendered[i])
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        maps.section(self.0.0).map(|s| SectionData(SectionId(s)))
    }
}

/// A section's subsections: `(title, path, how many entries)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subsections(pub SectionId);

impl Read for Subsections {
    type Out<'a> = Vec<(&'a str, &'a str, usize)>;
    fn fetch<'a>(self, v: View<'a>) -> Self::Out<'a> {
        let i = self.0.0 as usize;
        let site = v.site;
        let s = &site.sections[i];
        site.sections
            .iter()
            .enumerate()
            .filter(|(j, sub)| {
                *j != i
                    && !sub.dir.is_empty()
                    && crate::content::walk::parent_dir(&sub.dir) == s.dir
            })
            .map(|(j, sub)| {
                (
                    sub.title.as_str(),
                    sub.path.as_str(),
                    site.section_entries[j].len(),
                )
            })
            .collect()
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        maps.section(self.0.0).map(|s| Subsections(SectionId(s)))
    }
}

/// A list of entries that pages show in parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListOf {
    Section(SectionId),
    /// By index into the site's kind pages.
    Kind(u32),
    Tag(TagId),
    Timeline,
    /// The timeline of one kind's entries (by the kind's number).
    TimelineKind(u16),
    /// The timeline of one tag's entries.
    TimelineTag(TagId),
}

/// Part of a list: the items from `start`, at most `len` of them (`u32::MAX`: all), and
/// how long the whole list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct List {
    pub of: ListOf,
    pub start: u32,
    pub len: u32,
}

impl Read for List {
    type Out<'a> = (&'a [EntryId], usize);
    fn fetch<'a>(self, v: View<'a>) -> Self::Out<'a> {
        let site = v.site;
        let all: &[EntryId] = match self.of {
            ListOf::Section(s) => &site.section_entries[s.0 as usize],
            ListOf::Kind(k) => &site.kind_pages[k as usize].entries,
            ListOf::Tag(t) => &site.tags[t.0 as usize].entries,
            ListOf::Timeline => &site.timeline,
            ListOf::TimelineKind(k) => v.shared.timelines.of_kind(k),
            ListOf::TimelineTag(t) => v.shared.timelines.of_tag(t.0 as usize),
        };
        let start = (self.start as usize).min(all.len());
        let end = start.saturating_add(self.len as usize).min(all.len());
        (&all[start..end], all.len())
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        let of = match self.of {
            ListOf::Section(s) => ListOf::Section(SectionId(maps.section(s.0)?)),
            ListOf::Kind(k) => ListOf::Kind(maps.kind_page(k)?),
            ListOf::Tag(t) => ListOf::Tag(TagId(maps.tag(t.0)?)),
            ListOf::Timeline => ListOf::Timeline,
            ListOf::TimelineKind(k) => ListOf::TimelineKind(k),
            ListOf::TimelineTag(t) => ListOf::TimelineTag(TagId(maps.tag(t.0)?)),
        };
        Some(List { of, ..self })
    }
}

plain_key!(
    /// The `n` newest entries.
    Newest(u32) -> &'a [EntryId], |v, k| {
        let newest = &v.site.newest;
        &newest[..newest.len().min(k.0 as usize)]
    }
);

plain_key!(
    /// Every year of the timeline with the URL where it starts.
    YearIndex -> &'a Value, |v, _k| &v.shared.year_index
);

/// `paginator.pages` of a list of more than one page, by the list's first page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageList(pub Page);

impl Read for PageList {
    type Out<'a> = Option<&'a Value>;
    fn fetch<'a>(self, v: View<'a>) -> Option<&'a Value> {
        v.shared.page_lists.get(&self.0)
    }
    fn translate(self, maps: &Maps) -> Option<Self> {
        maps.page(self.0).map(PageList)
    }
}

impl Maps {
    /// The same page in the new site.
    pub fn page(&self, page: Page) -> Option<Page> {
        Some(match page {
            Page::Entry(id) => Page::Entry(self.entry(id)?),
            Page::Section(i, n) => Page::Section(self.section(i as u32)? as usize, n),
            Page::Kind(k, n) => Page::Kind(self.kind_page(k as u32)? as usize, n),
            Page::Tag(t, n) => Page::Tag(self.tag(t as u32)? as usize, n),
            Page::TimelineTag(t, n) => Page::TimelineTag(self.tag(t as u32)? as usize, n),
            other => other,
        })
    }
}
