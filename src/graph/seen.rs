//! What an index of the graph read of the entries, recorded as it read it.
//!
//! An index (the tags, the kinds, the sources, the relations, …) is built from
//! [`Entries`], never from the entries themselves: each field of an entry is had through
//! a method of [`Seen`] that marks the field as read, for that entry, before it returns
//! it. The indexes an index is built from are handed to it by [`Derive::index`], which
//! notes their addresses. After an edit, the last site's index is kept when every index
//! it was built from is the very same, and no entry that changed differs in a field the
//! index read of it; else it is built again. Nothing lists what an index depends on: the
//! edge is the read, as it is for pages (`render/reads.rs`).
//!
//! An entry is known by its file (`rel`, and `file` and `dir` made from it): reading those
//! is not recorded, because an edit that keeps the files keeps them, and one that does not
//! builds every index again.

use std::cell::Cell;
use std::sync::Arc;

use super::{EntryId, Site};
use crate::config::KindId;
use crate::content::front_matter::{
    EntryName, Location, OldUrl, RelationSpec, RouteStop, Source, Tag,
};
use crate::content::{Date, Entry};
use crate::diagnostics::Diagnostic;
use crate::markdown::{OutLink, Rendered};

/// The entries, as the index being built sees them.
pub struct Entries<'s> {
    entries: &'s [Arc<Entry>],
    /// Empty while the Markdown is not rendered yet: the indexes built before it read none.
    rendered: &'s [Arc<Rendered>],
    marks: Box<[Cell<u32>]>,
}

impl<'s> Entries<'s> {
    pub fn new(entries: &'s [Arc<Entry>], rendered: &'s [Arc<Rendered>]) -> Entries<'s> {
        Entries {
            entries,
            rendered,
            marks: (0..entries.len()).map(|_| Cell::new(0)).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn get(&self, id: EntryId) -> Seen<'_> {
        let i = id.index();
        Seen {
            id,
            entry: &self.entries[i],
            rendered: self.rendered.get(i).map(|r| &**r),
            mark: &self.marks[i],
        }
    }

    /// Every entry, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Seen<'_>> + '_ {
        (0..self.entries.len() as u32).map(|i| self.get(EntryId(i)))
    }

    fn into_marks(self) -> Box<[u32]> {
        self.marks.into_iter().map(Cell::into_inner).collect()
    }
}

/// One entry as an index sees it: what it reads of it is marked.
#[derive(Clone, Copy)]
pub struct Seen<'s> {
    pub id: EntryId,
    entry: &'s Entry,
    rendered: Option<&'s Rendered>,
    mark: &'s Cell<u32>,
}

impl<'s> Seen<'s> {
    fn read(self, field: Field) {
        self.mark.set(self.mark.get() | field.bit());
    }

    /// Relative to `content/`: what the entry is known by (not recorded).
    pub fn rel(self) -> &'s str {
        &self.entry.rel
    }

    /// The file as the editor knows it, for diagnostics (not recorded).
    pub fn file(self) -> &'s str {
        &self.entry.file
    }

    /// The folder under `content/` (not recorded).
    pub fn dir(self) -> &'s str {
        &self.entry.dir
    }
}

/// A field of an entry or of its rendering that an index can read.
#[derive(Clone, Copy)]
enum Field {
    Slug,
    Path,
    Title,
    Kind,
    Date,
    Weight,
    Tags,
    Aliases,
    Slugged,
    RedirectFrom,
    Speaker,
    Sources,
    Location,
    Route,
    Relations,
    About,
    RespondsTo,
    /// The whole file: where a key stands, for a diagnostic.
    Text,
    Links,
}

impl Field {
    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// The readers of the fields, and which fields two versions of an entry (or of its
/// rendering) differ in: both made from one list, so that a field cannot be read without
/// being compared.
macro_rules! fields {
    (
        entry { $($(#[$doc:meta])* $method:ident -> $ty:ty = $field:ident |$e:ident| $get:expr;)* }
        rendered { $($(#[$rdoc:meta])* $rmethod:ident -> $rty:ty = $rfield:ident |$r:ident| $rget:expr;)* }
    ) => {
        impl<'s> Seen<'s> {
            $($(#[$doc])* pub fn $method(self) -> $ty {
                self.read(Field::$field);
                let $e = self.entry;
                $get
            })*
            $($(#[$rdoc])* pub fn $rmethod(self) -> $rty {
                self.read(Field::$rfield);
                let $r = self
                    .rendered
                    .expect("an index that reads renderings is built after the Markdown");
                $rget
            })*
        }

        /// The fields in which two versions of an entry differ.
        fn entry_differs(a: &Entry, b: &Entry) -> u32 {
            let mut bits = 0;
            $(if { let $e = a; $get } != { let $e = b; $get } {
                bits |= Field::$field.bit();
            })*
            bits
        }

        /// The fields in which two renderings of an entry differ.
        fn rendered_differs(a: &Rendered, b: &Rendered) -> u32 {
            let mut bits = 0;
            $(if { let $r = a; $rget } != { let $r = b; $rget } {
                bits |= Field::$rfield.bit();
            })*
            bits
        }
    };
}

fields! {
    entry {
        slug -> &'s str = Slug |e| e.slug.as_str();
        /// The page's site path.
        path -> &'s str = Path |e| e.path.as_str();
        title -> &'s str = Title |e| e.front.title.as_str();
        /// The title in lower case, for sorting.
        sort_title -> &'s str = Title |e| e.sort_title.as_str();
        kind -> KindId = Kind |e| e.front.kind;
        date -> Option<Date> = Date |e| e.front.date;
        weight -> Option<i64> = Weight |e| e.front.weight;
        tags -> &'s [Tag] = Tags |e| e.front.tags.as_slice();
        aliases -> &'s [String] = Aliases |e| e.front.aliases.as_slice();
        /// Whether `slug` or `permalink` sets the page's URL (of two entries that claim
        /// one URL, the one that set it is reported).
        sets_url -> (bool, bool) = Slugged |e| (e.front.slug.is_some(), e.front.permalink.is_some());
        redirect_from -> &'s [OldUrl] = RedirectFrom |e| e.front.redirect_from.as_slice();
        speaker -> Option<&'s str> = Speaker |e| e.front.speaker.as_deref();
        sources -> &'s [Source] = Sources |e| e.front.sources.as_slice();
        location -> Option<&'s Location> = Location |e| e.front.location.as_ref();
        route -> &'s [RouteStop] = Route |e| e.front.route.as_slice();
        relations -> &'s [RelationSpec] = Relations |e| e.front.relations.as_slice();
        /// What a statement is about, as written.
        about -> &'s [EntryName] = About |e| e.front.about.as_slice();
        /// The statements a statement answers, as written.
        responds_to -> &'s [EntryName] = RespondsTo |e| e.front.responds_to.as_slice();
        /// The whole file, to say where in it a diagnostic is.
        source -> &'s str = Text |e| e.source.as_str();
    }
    rendered {
        /// The links of its text to other entries.
        links -> &'s [OutLink] = Links |r| r.links.as_slice();
    }
}

/// Reading order: weight first (lowest first, entries without one after), then newest
/// first, then by title.
pub(super) fn reading_order(a: Seen<'_>, b: Seen<'_>) -> std::cmp::Ordering {
    let weight = |e: Seen<'_>| e.weight().unwrap_or(i64::MAX);
    weight(a)
        .cmp(&weight(b))
        .then_with(|| b.date().cmp(&a.date()))
        .then_with(|| a.sort_title().cmp(b.sort_title()))
        .then_with(|| a.rel().cmp(b.rel()))
}

/// What one index read while it was built: for each entry the fields, the addresses of
/// the indexes it was built from, and what it found wrong.
#[derive(Debug, Default)]
pub(super) struct Record {
    marks: Box<[u32]>,
    inputs: Box<[usize]>,
    diagnostics: Vec<Diagnostic>,
}

/// The indexes of the graph that are recorded, each a place in [`Site::records`].
#[derive(Clone, Copy, Debug)]
pub(super) enum Ix {
    Names,
    Newest,
    Tags,
    TagIndex,
    Spellings,
    KindPages,
    Located,
    Redirects,
    Paths,
    Backlinks,
    Sections,
    EntryTags,
    TagNeighbours,
    Related,
    Sources,
    Speakers,
    Relations,
    Timeline,
    Routes,
    Positions,
}

/// How many kinds of [`Ix`] there are.
pub(super) const INDEXES: usize = Ix::Positions as usize + 1;

/// The records of a site's indexes, by [`Ix`].
pub(super) type Records = Vec<Arc<Record>>;

/// The indexes an index is built from: their addresses are noted, and the index is given
/// what they hold.
pub(super) trait Inputs<'a> {
    type Refs;
    fn addresses(&self) -> Box<[usize]>;
    fn refs(self) -> Self::Refs;
}

fn address<T: ?Sized>(a: &Arc<T>) -> usize {
    Arc::as_ptr(a) as *const () as usize
}

impl<'a> Inputs<'a> for () {
    type Refs = ();
    fn addresses(&self) -> Box<[usize]> {
        Box::new([])
    }
    fn refs(self) {}
}

macro_rules! inputs {
    ($($t:ident $v:ident),*) => {
        impl<'a, $($t: ?Sized),*> Inputs<'a> for ($(&'a Arc<$t>,)*) {
            type Refs = ($(&'a $t,)*);
            fn addresses(&self) -> Box<[usize]> {
                let ($($v,)*) = self;
                Box::new([$(address($v)),*])
            }
            fn refs(self) -> Self::Refs {
                let ($($v,)*) = self;
                ($(&**$v,)*)
            }
        }
    };
}
inputs!(A a);
inputs!(A a, B b);
inputs!(A a, B b, C c);
inputs!(A a, B b, C c, D d);
inputs!(A a, B b, C c, D d, E e);

/// Builds the indexes of a site, keeping those of `previous` whose reads give the same.
pub(super) struct Derive<'p, 's> {
    previous: Option<&'p Site>,
    entries: &'s [Arc<Entry>],
    rendered: &'s [Arc<Rendered>],
    /// The entries (by index, the same in both sites) that differ from the previous
    /// site's, with the fields they differ in; `None` when the files are not the same
    /// (every index is built again).
    changes: Option<Vec<(usize, u32)>>,
    records: Records,
}

impl<'p, 's> Derive<'p, 's> {
    /// `changed`: the entries that are not the very same as in `previous`, which has the
    /// same files in the same order (`None`: it has not, or there is no previous site).
    pub(super) fn new(
        previous: Option<&'p Site>,
        entries: &'s [Arc<Entry>],
        changed: Option<&[usize]>,
    ) -> Derive<'p, 's> {
        let changes = previous.zip(changed).map(|(p, changed)| {
            changed
                .iter()
                .map(|&i| (i, entry_differs(&p.entries[i], &entries[i])))
                .collect()
        });
        Derive {
            previous,
            entries,
            rendered: &[],
            changes,
            records: (0..INDEXES).map(|_| Arc::default()).collect(),
        }
    }

    /// The Markdown is rendered: the indexes built from now on may read renderings.
    /// `touched`: the entries that changed or were rendered again.
    pub(super) fn rendered(&mut self, rendered: &'s [Arc<Rendered>], touched: &[usize]) {
        self.rendered = rendered;
        let (Some(p), Some(changes)) = (self.previous, self.changes.as_mut()) else {
            return;
        };
        for &i in touched {
            if Arc::ptr_eq(&p.rendered[i], &rendered[i]) {
                continue;
            }
            let bits = rendered_differs(&p.rendered[i], &rendered[i]);
            match changes.binary_search_by_key(&i, |c| c.0) {
                Ok(at) => changes[at].1 |= bits,
                Err(at) => changes.insert(at, (i, bits)),
            }
        }
    }

    /// Whether the previous site can be compared with, entry by entry.
    pub(super) fn comparable(&self) -> Option<&'p Site> {
        self.previous.filter(|_| self.changes.is_some())
    }

    /// The index `ix`: the previous site's (`kept`) when what it read gives the same,
    /// else `build` made from the entries and `inputs`. The diagnostics of the index (its
    /// own, or those the kept one found) are added to `diagnostics`.
    pub(super) fn index<'a, I: Inputs<'a>, T>(
        &mut self,
        ix: Ix,
        inputs: I,
        kept: impl Fn(&'p Site) -> T,
        build: impl FnOnce(&Entries<'_>, I::Refs) -> (T, Vec<Diagnostic>),
        diagnostics: &mut Vec<Diagnostic>,
    ) -> T {
        self.index_with(ix, inputs, kept, build, |_, _| false, diagnostics)
    }

    /// [`Derive::index`], where an index built again that equals the previous one is the
    /// previous one (the indexes built from it are kept then). For indexes cheap to
    /// compare.
    pub(super) fn index_eq<'a, I: Inputs<'a>, T: PartialEq>(
        &mut self,
        ix: Ix,
        inputs: I,
        kept: impl Fn(&'p Site) -> T,
        build: impl FnOnce(&Entries<'_>, I::Refs) -> (T, Vec<Diagnostic>),
        diagnostics: &mut Vec<Diagnostic>,
    ) -> T {
        self.index_with(ix, inputs, kept, build, |a, b| a == b, diagnostics)
    }

    fn index_with<'a, I: Inputs<'a>, T>(
        &mut self,
        ix: Ix,
        inputs: I,
        kept: impl Fn(&'p Site) -> T,
        build: impl FnOnce(&Entries<'_>, I::Refs) -> (T, Vec<Diagnostic>),
        equal: impl Fn(&T, &T) -> bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> T {
        let addresses = inputs.addresses();
        if let (Some(p), Some(changes)) = (self.previous, &self.changes) {
            let record = &p.records[ix as usize];
            let same = *record.inputs == *addresses
                && changes
                    .iter()
                    .all(|&(i, bits)| record.marks.get(i).is_some_and(|m| m & bits == 0));
            if same {
                diagnostics.extend(record.diagnostics.iter().cloned());
                self.records[ix as usize] = Arc::clone(record);
                return kept(p);
            }
        }
        let seen = Entries::new(self.entries, self.rendered);
        let (mut value, problems) = build(&seen, inputs.refs());
        if let Some(p) = self.previous {
            let old = kept(p);
            if equal(&old, &value) {
                value = old;
            }
        }
        diagnostics.extend(problems.iter().cloned());
        self.records[ix as usize] = Arc::new(Record {
            marks: seen.into_marks(),
            inputs: addresses,
            diagnostics: problems,
        });
        value
    }

    pub(super) fn into_records(self) -> Records {
        self.records
    }
}
