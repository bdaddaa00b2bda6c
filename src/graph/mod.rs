//! The site as an indexed graph: entries by id, and indexes of ids for sections, kinds,
//! names, links and backlinks. Nothing here is cloned into templates; the render stage
//! borrows from it.

mod checks;
pub mod index;
pub mod links;
pub mod places;
pub mod positions;
pub mod redirects;
pub mod related;
pub mod relations;
mod seen;
pub mod sources;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::files::{FileRef, SiteFiles};
use crate::content::{Content, Entry, Section};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Highlighter, LinkResolver, PictureSizes, Rendered};
pub use index::KindPage;
use links::{NameIndex, PageLinks};
use related::{Related, TagGraph};
use seen::{Derive, Entries, Ix};
use sources::SourceInfo;

/// An index into [`Site::entries`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(pub u32);

impl EntryId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An entry that links to another, with the sentence the link stands in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlink {
    pub from: EntryId,
    pub context: String,
}

/// A tag and the entries that carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagInfo {
    pub slug: String,
    /// The spelling most entries use.
    pub name: String,
    /// Newest first, then by title; for a tag with tags under it (`energy` above
    /// `energy/oil`), their entries too.
    pub entries: Vec<EntryId>,
    /// The tag this one is under (`energy` for `energy/oil`), an index into the tags.
    pub parent: Option<u32>,
    /// The tags right under this one, by slug.
    pub children: Vec<u32>,
}

use crate::pages::RESERVED_PATHS;

pub struct Site {
    pub config: Config,
    /// Sorted by file path.
    pub entries: Vec<Arc<Entry>>,
    pub rendered: Vec<Arc<Rendered>>,
    /// Sorted by folder; the first is the content folder itself (the home page).
    pub sections: Vec<Arc<Section>>,
    pub section_rendered: Vec<Arc<Rendered>>,
    /// The entries directly in each section, in reading order.
    pub section_entries: Arc<Vec<Vec<EntryId>>>,
    /// The index of each entry's section in `sections`.
    pub entry_section: Arc<Vec<usize>>,
    /// Each entry's place in its section's reading order.
    pub entry_position: Arc<Vec<u32>>,
    pub names: Arc<NameIndex>,
    pub backlinks: Arc<Vec<Vec<Backlink>>>,
    /// Every entry, newest first (undated last), then by title.
    pub newest: Arc<Vec<EntryId>>,
    /// Each entry's position in `newest`.
    pub rank: Arc<Vec<u32>>,
    /// Sorted by slug.
    pub tags: Arc<Vec<TagInfo>>,
    pub tag_index: Arc<HashMap<String, usize>>,
    /// Each entry's tags, as indexes into `tags`.
    pub entry_tags: Arc<Vec<Vec<usize>>>,
    /// For each tag, the tags most often beside it, with how often.
    pub tag_neighbours: Arc<Vec<Vec<(usize, usize)>>>,
    pub related: Arc<Vec<Vec<Related>>>,
    /// Every source, merged, sorted by title.
    pub sources: Arc<Vec<SourceInfo>>,
    /// For each entry, its sources as indexes into `sources`.
    pub entry_sources: Arc<Vec<Vec<usize>>>,
    /// For each statement, the entry of its speaker.
    pub speakers: Arc<Vec<Option<EntryId>>>,
    /// Each entry's typed relations, those it states and those stated about it.
    pub relations: Arc<relations::Relations>,
    /// For each entry, the statements it made.
    pub statements: Arc<Vec<Vec<EntryId>>>,
    /// What statements are about and respond to, both ways.
    pub positions: Arc<positions::Positions>,
    pub kind_pages: Arc<Vec<KindPage>>,
    /// Dated entries, oldest first.
    pub timeline: Arc<Vec<EntryId>>,
    /// The site path of every page, for checking links written as site paths.
    pub page_paths: Arc<HashSet<String>>,
    /// The files beside the entries and the static files: what references resolve to.
    pub files: Arc<SiteFiles>,
    /// Each entry's `image`, resolved (none when it has none).
    pub entry_images: EntryImages,
    /// The entries with an `image`, by index.
    pub imaged: Arc<Vec<u32>>,
    /// The entries whose Markdown gave warnings or problems, by index.
    pub noisy: Arc<Vec<u32>>,
    /// The entries whose text shows a picture of the site, by index.
    pub pictured: Arc<Vec<u32>>,
    /// The entries whose text has links written as site paths, by index.
    pub linking: Arc<Vec<u32>>,
    /// The entries whose text embeds another page's (`![[Note]]`), by index.
    pub embedding: Arc<Vec<u32>>,
    /// The entries with a `location`, in file order: the site has a map when there is one.
    pub located: Arc<Vec<EntryId>>,
    /// For each entry, the located entries its `route` runs through, in order.
    pub routes: Arc<Vec<Vec<EntryId>>>,
    /// The entries with a route, in file order.
    pub route_entries: Arc<Vec<EntryId>>,
    /// The files of `content/tags/` (sorted by file), each the description of a tag.
    pub tag_notes: Arc<Vec<Arc<Entry>>>,
    pub tag_note_rendered: Arc<Vec<Arc<Rendered>>>,
    /// For each tag, its description (an index into `tag_notes`), if it has one.
    pub tag_note_of: Arc<Vec<Option<u32>>>,
    /// For each description, the tag it describes (none: it describes no tag).
    pub note_tags: Arc<Vec<Option<u32>>>,
    /// Every old URL redirected to a page, sorted by that URL.
    pub redirects: Arc<Vec<redirects::Redirect>>,
    /// What each index read while it was built, for keeping it after an edit.
    records: seen::Records,
}

impl Site {
    /// The tags by how many entries carry them, most first, then by slug.
    pub fn tags_by_use(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.tags.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&self.tags[a], &self.tags[b]);
            y.entries
                .len()
                .cmp(&x.entries.len())
                .then_with(|| x.slug.cmp(&y.slug))
        });
        order
    }

    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id.index()]
    }

    pub fn ids(&self) -> impl Iterator<Item = EntryId> + use<> {
        (0..self.entries.len() as u32).map(EntryId)
    }

    /// The previous and next entries in the entry's section.
    pub fn neighbours(&self, id: EntryId) -> (Option<EntryId>, Option<EntryId>) {
        let list = &self.section_entries[self.entry_section[id.index()]];
        let at = self.entry_position[id.index()] as usize;
        if list.get(at) != Some(&id) {
            return (None, None);
        }
        let prev = at.checked_sub(1).map(|i| list[i]);
        let next = list.get(at + 1).copied();
        (prev, next)
    }
}

/// Builds the graph (passing on the content's own diagnostics): indexes names, renders
/// every entry's Markdown in parallel with its links resolved, checks links, and derives
/// backlinks, tags, related entries, sources, speakers, kind pages and the timeline.
///
/// With `previous` (the site before an edit, in `dossier serve`), the Markdown of entries
/// whose text did not change is not rendered again as long as no entry's names changed
/// (links resolve by them), and related entries are reused as long as no entry's tags,
/// date or title changed, and no picture it shows changed its size.
pub fn build(
    config: Config,
    content: Content,
    files: SiteFiles,
    highlighter: &Highlighter,
    pictures: &dyn PictureSizes,
    previous: Option<&Site>,
) -> (Site, Vec<Diagnostic>) {
    let Content {
        mut entries,
        mut sections,
        mut tag_notes,
        diagnostics: mut content_diagnostics,
        ..
    } = content;
    tag_notes.sort_by(|a, b| a.rel.cmp(&b.rel));
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    if sections.first().is_none_or(|s| !s.dir.is_empty()) {
        let (root, _) = Section::parse("", None, &config);
        sections.insert(0, Arc::new(root));
    }
    let mut diagnostics = std::mem::take(&mut content_diagnostics);
    // The last site's entries were in file order: the same files in the same order (most
    // of them the very same entries, known without reading them) need no sorting.
    let mut delta = previous.and_then(|p| Delta::between(p, &entries, &sections));
    if delta.is_none() {
        entries.sort_by(|a, b| a.rel.cmp(&b.rel));
        delta = previous.and_then(|p| Delta::between(p, &entries, &sections));
    }
    let mut derive = Derive::new(previous, &entries, delta.as_ref().map(|d| &d.changed[..]));
    let diags = &mut diagnostics;

    // Links resolve by names: the same names (even made again) and the same files, the same
    // renderings of the same texts.
    let names = derive.index_eq(
        Ix::Names,
        (),
        |p| Arc::clone(&p.names),
        |seen, ()| {
            let names = name_index(seen, &sections, config.content_prefix());
            (Arc::new(names), Vec::new())
        },
        diags,
    );
    // References resolve by the files too: another set of files, another rendering.
    let files = match previous.filter(|p| *p.files == files) {
        Some(p) => Arc::clone(&p.files),
        None => Arc::new(files),
    };
    let reusable =
        previous.filter(|p| Arc::ptr_eq(&p.names, &names) && Arc::ptr_eq(&p.files, &files));
    let (rendered, section_rendered) = render_markdown(
        &config,
        &entries,
        &sections,
        &names,
        &files,
        (highlighter, pictures),
        reusable,
    );
    let touched = delta.as_ref().map(|d| Touched::new(d, &rendered));
    derive.rendered(
        &rendered,
        touched.as_ref().map_or(&[][..], |t| &t.indexes[..]),
    );

    let (newest, rank) = derive.index_eq(
        Ix::Newest,
        (),
        |p| (Arc::clone(&p.newest), Arc::clone(&p.rank)),
        |seen, ()| {
            let newest = newest_first(seen);
            let mut rank = vec![0u32; newest.len()];
            for (r, id) in newest.iter().enumerate() {
                rank[id.index()] = r as u32;
            }
            ((Arc::new(newest), Arc::new(rank)), Vec::new())
        },
        diags,
    );
    let tags = derive.index_eq(
        Ix::Tags,
        (&newest,),
        |p| Arc::clone(&p.tags),
        |seen, (newest,)| (Arc::new(index::tags(seen, newest)), Vec::new()),
        diags,
    );
    let tag_index = derive.index_eq(
        Ix::TagIndex,
        (&tags,),
        |p| Arc::clone(&p.tag_index),
        |_, (tags,)| (Arc::new(index::tag_index(tags)), Vec::new()),
        diags,
    );
    // Tags spelt otherwise than their tag's name are warnings, reported again while kept.
    derive.index(
        Ix::Spellings,
        (&tags, &tag_index),
        |_| (),
        |seen, (tags, tag_index)| ((), index::tag_spellings(seen, tags, tag_index)),
        diags,
    );
    let kind_pages = derive.index_eq(
        Ix::KindPages,
        (),
        |p| Arc::clone(&p.kind_pages),
        |seen, ()| {
            let pages = index::kind_pages(&config, seen, &sections);
            (Arc::new(pages), Vec::new())
        },
        diags,
    );
    // The map page is there when some entry has a location.
    let located = derive.index_eq(
        Ix::Located,
        (),
        |p| Arc::clone(&p.located),
        |seen, ()| (Arc::new(places::located(seen)), Vec::new()),
        diags,
    );
    let (note_tags, tag_note_of, problems) =
        redirects::tag_notes(&tag_notes, &tag_index, tags.len());
    diags.extend(problems);
    let tag_notes = match previous.filter(|p| same_items(&p.tag_notes, &tag_notes)) {
        Some(p) => Arc::clone(&p.tag_notes),
        None => Arc::new(tag_notes),
    };
    let note_tags = match previous.filter(|p| *p.note_tags == note_tags) {
        Some(p) => Arc::clone(&p.note_tags),
        None => Arc::new(note_tags),
    };
    // Old URLs come from each entry's and tag description's `redirect_from`.
    let redirects = derive.index_eq(
        Ix::Redirects,
        (&tag_notes, &note_tags),
        |p| Arc::clone(&p.redirects),
        |seen, (notes, note_tags)| {
            let all = redirects::collect(seen, notes, note_tags);
            (Arc::new(all), Vec::new())
        },
        diags,
    );
    // Clashing paths are errors, found once every page's path is known.
    let page_paths = derive.index(
        Ix::Paths,
        (&tags, &kind_pages, &located, &redirects, &tag_notes),
        |p| Arc::clone(&p.page_paths),
        |seen, (tags, kind_pages, located, redirects, tag_notes)| {
            let problems = checks::check_paths(&checks::Pages {
                config: &config,
                entries: seen,
                sections: &sections,
                tags,
                kind_pages,
                map: !located.is_empty(),
                tag_notes,
                redirects,
            });
            let paths = page_paths(
                seen,
                &sections,
                tags,
                kind_pages,
                !located.is_empty(),
                redirects,
            );
            let mut paths = paths;
            if !config.publishers.is_empty() {
                paths.insert(crate::pages::PUBLISHERS.to_string());
            }
            (Arc::new(paths), problems)
        },
        diags,
    );
    let noisy = entries_whose(
        touched.as_ref(),
        &entries,
        &rendered,
        |p| &p.noisy,
        |r| !r.warnings.is_empty() || !r.problems.is_empty(),
    );
    let pictured = entries_whose(
        touched.as_ref(),
        &entries,
        &rendered,
        |p| &p.pictured,
        |r| r.files.iter().any(|f| f.picture.is_some()),
    );
    for &i in noisy.iter() {
        let (entry, r) = (&entries[i as usize], &rendered[i as usize]);
        checks::report_warnings(
            &entry.file,
            &entry.source,
            entry.body_offset,
            &r.warnings,
            diags,
        );
        checks::report_problems(
            &entry.file,
            &entry.source,
            entry.body_offset,
            &r.problems,
            diags,
        );
    }
    for (section, r) in sections.iter().zip(&section_rendered) {
        if let Some(file) = &section.file {
            checks::report_warnings(
                file,
                &section.source,
                section.body_offset,
                &r.warnings,
                diags,
            );
            checks::report_problems(
                file,
                &section.source,
                section.body_offset,
                &r.problems,
                diags,
            );
        }
    }
    // When no heading of a changed entry changed, only the changed entries' own links
    // can point at a missing heading.
    let headings_same = reusable.is_some()
        && delta.as_ref().is_some_and(|d| {
            d.changed.iter().all(|&i| {
                let (before, now) = (&d.previous.rendered[i], &rendered[i]);
                before.headings == now.headings && before.blocks == now.blocks
            })
        });
    let all: Vec<usize>;
    let to_check = match delta.as_ref().filter(|_| headings_same) {
        Some(d) => &d.changed,
        None => {
            all = (0..entries.len()).collect();
            &all
        }
    };
    diags.extend(checks::check_anchors(&entries, &rendered, to_check));
    diags.extend(checks::check_anchors_of_sections(
        &sections,
        &section_rendered,
        &entries,
        &rendered,
    ));
    let embedding = entries_whose(
        touched.as_ref(),
        &entries,
        &rendered,
        |p| &p.embedding,
        |r| !r.embeds.is_empty(),
    );
    diags.extend(checks::check_embed_cycles(
        (&entries, &rendered, &embedding),
        &sections,
        &section_rendered,
    ));

    let backlinks = derive.index(
        Ix::Backlinks,
        (),
        |p| Arc::clone(&p.backlinks),
        |seen, ()| (Arc::new(backlinks(seen)), Vec::new()),
        diags,
    );
    let (section_entries, entry_section, entry_position) = derive.index(
        Ix::Sections,
        (),
        |p| {
            (
                Arc::clone(&p.section_entries),
                Arc::clone(&p.entry_section),
                Arc::clone(&p.entry_position),
            )
        },
        |seen, ()| {
            let (a, b, c) = sections_of(seen, &sections);
            ((Arc::new(a), Arc::new(b), Arc::new(c)), Vec::new())
        },
        diags,
    );
    let entry_tags = derive.index_eq(
        Ix::EntryTags,
        (&tag_index,),
        |p| Arc::clone(&p.entry_tags),
        |seen, (tag_index,)| (Arc::new(index::entry_tags(seen, tag_index)), Vec::new()),
        diags,
    );
    let tag_neighbours = derive.index_eq(
        Ix::TagNeighbours,
        (&entry_tags, &tags),
        |p| Arc::clone(&p.tag_neighbours),
        |_, (entry_tags, tags)| {
            let neighbours = index::tag_neighbours(entry_tags, tags.len(), 10);
            (Arc::new(neighbours), Vec::new())
        },
        diags,
    );
    // Built again, related entries are scored again only where they can differ: with the
    // same entries in the same order, for entries carrying a tag that some changed entry
    // gained or lost (a nested tag counts for its parents too: an entry of `energy/oil`
    // carries `energy`, whose weight changes with it).
    let comparable = derive.comparable();
    let related = derive.index(
        Ix::Related,
        (&entry_tags, &tags, &tag_index, &rank),
        |p| Arc::clone(&p.related),
        |seen, (entry_tags, tags, tag_index, rank)| {
            let tag_entries: Vec<Vec<EntryId>> = tags.iter().map(|t| t.entries.clone()).collect();
            let graph = TagGraph::new(entry_tags, &tag_entries, rank);
            let again = comparable
                .filter(|p| std::ptr::eq(&*p.rank, rank))
                .zip(delta.as_ref())
                .map(|(p, delta)| Rescore::new(p, seen, &delta.changed, (tags, entry_tags)));
            let related = (0..seen.len() as u32)
                .into_par_iter()
                .map(|i| match &again {
                    Some(again) if !again.scores(i as usize) => again.kept(i as usize, tag_index),
                    _ => graph.related(EntryId(i), config.related.count, config.related.min_score),
                })
                .collect();
            (Arc::new(related), Vec::new())
        },
        diags,
    );
    let (sources, entry_sources) = derive.index(
        Ix::Sources,
        (&newest,),
        |p| (Arc::clone(&p.sources), Arc::clone(&p.entry_sources)),
        |seen, (newest,)| {
            let (a, b) = sources::merge(seen, newest);
            ((Arc::new(a), Arc::new(b)), Vec::new())
        },
        diags,
    );
    let (speakers, statements) = derive.index(
        Ix::Speakers,
        (&names, &newest),
        |p| (Arc::clone(&p.speakers), Arc::clone(&p.statements)),
        |seen, (names, newest)| {
            let (speakers, problems) = index::speakers(seen, names);
            let statements = index::statements_by(&speakers, newest);
            ((Arc::new(speakers), Arc::new(statements)), problems)
        },
        diags,
    );
    // Relations resolve by name, and warn by the kinds of both ends.
    let relations = derive.index(
        Ix::Relations,
        (&names,),
        |p| Arc::clone(&p.relations),
        |seen, (names,)| {
            let (relations, problems) = relations::collect(&config, seen, names);
            (Arc::new(relations), problems)
        },
        diags,
    );
    // What statements address and answer resolves by name, and is checked against the
    // kinds and speakers of both ends.
    let positions = derive.index_eq(
        Ix::Positions,
        (&names,),
        |p| Arc::clone(&p.positions),
        |seen, (names,)| {
            let (positions, problems) = positions::collect(seen, names);
            (Arc::new(positions), problems)
        },
        diags,
    );
    let timeline = derive.index_eq(
        Ix::Timeline,
        (),
        |p| Arc::clone(&p.timeline),
        |seen, ()| (Arc::new(index::timeline(seen)), Vec::new()),
        diags,
    );
    // Site paths and links to sections, with their fragments, lead to any page: checked
    // on every build, once every page, heading and source is known.
    let linking = entries_whose(
        touched.as_ref(),
        &entries,
        &rendered,
        |p| &p.linking,
        |r| !r.site_paths.is_empty(),
    );
    diags.extend(checks::check_site_paths(&checks::SitePages::new(
        &config,
        &page_paths,
        &files,
        (&entries, &rendered, &linking),
        (&sections, &section_rendered),
        &sources,
    )));
    let tag_note_rendered = render_tag_notes(
        &config,
        &entries,
        &tag_notes,
        &names,
        &files,
        (highlighter, pictures),
    );
    for (note, r) in tag_notes.iter().zip(&tag_note_rendered) {
        checks::report_warnings(
            &note.file,
            &note.source,
            note.body_offset,
            &r.warnings,
            diags,
        );
        checks::report_problems(
            &note.file,
            &note.source,
            note.body_offset,
            &r.problems,
            diags,
        );
    }
    let (entry_images, imaged, problems) =
        entry_images(&config, &entries, &names, &files, pictures, delta.as_ref());
    diags.extend(problems);
    // Routes run through entries named as wikilinks are, that have a location.
    let (routes, route_entries) = derive.index(
        Ix::Routes,
        (&names,),
        |p| (Arc::clone(&p.routes), Arc::clone(&p.route_entries)),
        |seen, (names,)| {
            let (routes, problems) = places::routes(seen, names);
            let route_entries: Vec<EntryId> = routes
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.is_empty())
                .map(|(i, _)| EntryId(i as u32))
                .collect();
            ((Arc::new(routes), Arc::new(route_entries)), problems)
        },
        diags,
    );
    let records = derive.into_records();
    let site = Site {
        config,
        entries,
        rendered,
        sections,
        section_rendered,
        section_entries,
        entry_section,
        entry_position,
        names,
        backlinks,
        newest,
        rank,
        tags,
        tag_index,
        entry_tags,
        tag_neighbours,
        related,
        sources,
        entry_sources,
        speakers,
        relations,
        statements,
        positions,
        kind_pages,
        timeline,
        page_paths,
        files,
        entry_images,
        imaged,
        noisy,
        pictured,
        linking,
        embedding,
        located,
        routes,
        route_entries,
        tag_notes,
        tag_note_rendered: Arc::new(tag_note_rendered),
        tag_note_of: Arc::new(tag_note_of),
        note_tags,
        redirects,
        records,
    };
    crate::diagnostics::apply_link_policy(&mut diagnostics, site.config.links);
    (site, diagnostics)
}

/// The entries whose rendering `holds` something (warnings to report, pictures shown), in
/// file order. The last site's list, `was`, stands for entries that are the same and
/// rendered the same (known by address), so that an edit reads only the renderings that
/// changed.
fn entries_whose(
    delta: Option<&Touched<'_>>,
    entries: &[Arc<Entry>],
    rendered: &[Arc<Rendered>],
    was: impl Fn(&Site) -> &[u32],
    holds: impl Fn(&Rendered) -> bool,
) -> Arc<Vec<u32>> {
    let Some(t) = delta else {
        return Arc::new(
            (0..entries.len())
                .filter(|&i| holds(&rendered[i]))
                .map(|i| i as u32)
                .collect(),
        );
    };
    let mut list: Vec<u32> = was(t.previous)
        .iter()
        .copied()
        .filter(|&i| t.indexes.binary_search(&(i as usize)).is_err())
        .collect();
    list.extend(
        t.indexes
            .iter()
            .filter(|&&i| holds(&rendered[i]))
            .map(|&i| i as u32),
    );
    list.sort_unstable();
    Arc::new(list)
}

/// The entries that are not the very same, or not rendered the very same, as in the
/// previous site (known by address, in one walk): what [`entries_whose`] reads again.
struct Touched<'p> {
    previous: &'p Site,
    indexes: Vec<usize>,
}

impl<'p> Touched<'p> {
    fn new(delta: &Delta<'p>, rendered: &[Arc<Rendered>]) -> Touched<'p> {
        let p = delta.previous;
        Touched {
            previous: p,
            indexes: (0..rendered.len())
                .filter(|&i| {
                    delta.changed.binary_search(&i).is_ok()
                        || !Arc::ptr_eq(&p.rendered[i], &rendered[i])
                })
                .collect(),
        }
    }
}

/// The same files as a previous build, some of them changed: each index of the previous
/// site that depends only on what did not change is kept.
struct Delta<'p> {
    previous: &'p Site,
    /// Indexes (the same in both) of the entries whose file changed.
    changed: Vec<usize>,
}

impl<'p> Delta<'p> {
    /// `None` unless the entries are the same files in the same order, and the sections
    /// the same.
    fn between(
        previous: &'p Site,
        entries: &[Arc<Entry>],
        sections: &[Arc<Section>],
    ) -> Option<Delta<'p>> {
        if previous.entries.len() != entries.len() || !same_items(&previous.sections, sections) {
            return None;
        }
        // One walk: an entry shared by both is known by its address, without reading it.
        let mut changed = Vec::new();
        for (i, (a, b)) in previous.entries.iter().zip(entries).enumerate() {
            if !Arc::ptr_eq(a, b) {
                if a.rel != b.rel {
                    return None;
                }
                changed.push(i);
            }
        }
        Some(Delta { previous, changed })
    }
}

/// Whether two lists hold the very same items in the same order, known by address.
pub fn same_items<T>(a: &[Arc<T>], b: &[Arc<T>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y))
}

/// Slugs, titles, aliases and paths of entries; the `_index.md` of every folder.
fn name_index(entries: &Entries<'_>, sections: &[Arc<Section>], content_prefix: &str) -> NameIndex {
    let mut names = NameIndex::default();
    for entry in entries.iter() {
        let stem = crate::content::walk::without_extension(entry.rel()).to_string();
        let names_of = [entry.slug().to_string(), entry.title().to_string(), stem]
            .into_iter()
            .chain(entry.aliases().iter().cloned());
        names.add_entry(entry.id, entry.rel(), names_of);
    }
    // A section's page exists whether or not its folder has an `_index.md`.
    for section in sections {
        let rel = if section.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", section.dir)
        };
        names.sections.insert(rel, section.path.clone());
        // A folder note (`places/index.md`) is linked to by its own path too.
        if let Some(file) = &section.file
            && let Some(rel) = file.strip_prefix(content_prefix)
            && !crate::content::walk::is_section_index(rel)
        {
            names.sections.insert(rel.to_string(), section.path.clone());
            let note = crate::content::walk::without_extension(rel).to_lowercase();
            names.folder_notes.insert(note, section.path.clone());
        }
    }
    names
}

/// Which entries' related lists a rebuild scores again, and how the others are kept: the
/// previous site had the same entries in the same order, and only the tags of the
/// changed entries can have changed.
struct Rescore<'p> {
    previous: &'p Site,
    /// The changed entries whose tags changed, by index.
    retagged: Vec<usize>,
    /// For each tag (of the new site), whether it or a tag above it was gained or lost by
    /// a changed entry.
    affected: Vec<bool>,
    entry_tags: &'p [Vec<usize>],
}

impl<'p> Rescore<'p> {
    fn new(
        previous: &'p Site,
        seen: &Entries<'_>,
        changed: &[usize],
        (tags, entry_tags): (&[TagInfo], &'p [Vec<usize>]),
    ) -> Rescore<'p> {
        let mut retagged = Vec::new();
        let mut slugs: HashSet<&str> = HashSet::new();
        for &i in changed {
            let (a, b) = (
                &previous.entries[i].front.tags,
                seen.get(EntryId(i as u32)).tags(),
            );
            if a[..] != *b {
                retagged.push(i);
            }
            slugs.extend(a.iter().filter(|t| !b.contains(t)).map(|t| t.slug.as_str()));
            slugs.extend(b.iter().filter(|t| !a.contains(t)).map(|t| t.slug.as_str()));
        }
        let touched: HashSet<&str> = slugs.into_iter().flat_map(slug_and_parents).collect();
        // Sorted by slug, a tag comes after the tags above it.
        let mut affected = vec![false; tags.len()];
        for (t, tag) in tags.iter().enumerate() {
            let above = tag.parent.is_some_and(|p| affected[p as usize]);
            affected[t] = above || touched.contains(tag.slug.as_str());
        }
        Rescore {
            previous,
            retagged,
            affected,
            entry_tags,
        }
    }

    /// Whether entry `i` is scored again.
    fn scores(&self, i: usize) -> bool {
        self.retagged.binary_search(&i).is_ok()
            || self.entry_tags[i].iter().any(|&t| self.affected[t])
    }

    /// The related entries of entry `i` in the previous site, with the tags renumbered.
    fn kept(&self, i: usize, tag_index: &HashMap<String, usize>) -> Vec<Related> {
        let p = self.previous;
        p.related[i]
            .iter()
            .map(|r| r.remap(&p.tags, tag_index))
            .collect()
    }
}

/// A tag's slug and those of the tags above it: `energy/oil`, then `energy`.
fn slug_and_parents(slug: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(slug), |s| s.rsplit_once('/').map(|(parent, _)| parent))
}

/// An entry's `image`, resolved: the URL to show it by, the file it is when it is one of
/// the site (an external picture has none), and its size when its header tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryImage {
    pub url: String,
    pub file: Option<FileRef>,
    pub size: Option<crate::images::Size>,
    /// The smaller copies it is offered at (none for most).
    pub variants: Arc<[crate::images::Variant]>,
}

/// Every entry's `image`, resolved like an image in its text (a reference to nothing is
/// an error at its `src`), and the entries that have one. After an edit that changed no
/// name and no file, only the changed entries and those with an image (whose picture may
/// have changed) are resolved again; the last site's list stays when none resolves
/// otherwise.
fn entry_images(
    config: &Config,
    entries: &[Arc<Entry>],
    names: &Arc<NameIndex>,
    files: &Arc<SiteFiles>,
    pictures: &dyn PictureSizes,
    delta: Option<&Delta<'_>>,
) -> (EntryImages, Arc<Vec<u32>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut resolve =
        |e: &Entry| resolve_image(config, e, entries, names, files, pictures, &mut problems);
    let Some(d) = delta
        .filter(|d| Arc::ptr_eq(&d.previous.names, names) && Arc::ptr_eq(&d.previous.files, files))
    else {
        let images: Vec<Option<EntryImage>> = entries.iter().map(|e| resolve(e)).collect();
        let imaged = (0..entries.len() as u32)
            .filter(|&i| entries[i as usize].front.image.is_some())
            .collect();
        return (Arc::new(images), Arc::new(imaged), problems);
    };
    let p = d.previous;
    let mut again: Vec<u32> = p.imaged.iter().copied().collect();
    again.extend(d.changed.iter().map(|&i| i as u32));
    again.sort_unstable();
    again.dedup();
    let mut patched: Option<Vec<Option<EntryImage>>> = None;
    for &i in &again {
        let image = resolve(&entries[i as usize]);
        if image != p.entry_images[i as usize] {
            patched.get_or_insert_with(|| (*p.entry_images).clone())[i as usize] = image;
        }
    }
    let imaged: Vec<u32> = again
        .into_iter()
        .filter(|&i| entries[i as usize].front.image.is_some())
        .collect();
    let imaged = if imaged == *p.imaged {
        Arc::clone(&p.imaged)
    } else {
        Arc::new(imaged)
    };
    let images = patched.map_or_else(|| Arc::clone(&p.entry_images), Arc::new);
    (images, imaged, problems)
}

/// Each entry's `image`, resolved (none when it has none).
type EntryImages = Arc<Vec<Option<EntryImage>>>;

/// An entry's `image`, resolved like an image in its text.
fn resolve_image(
    config: &Config,
    e: &Entry,
    entries: &[Arc<Entry>],
    names: &NameIndex,
    files: &SiteFiles,
    pictures: &dyn PictureSizes,
    problems: &mut Vec<Diagnostic>,
) -> Option<EntryImage> {
    let image = e.front.image.as_ref()?;
    let links = PageLinks {
        index: names,
        entries: &entries,
        files,
        from_dir: &e.dir,
        base_path: &config.base_path,
        content_prefix: config.content_prefix(),
    };
    let at = |message: String| {
        Diagnostic::error(message)
            .in_file(&e.file)
            .at(&e.source, image.pos)
            .width(image.src.chars().count())
    };
    let dest = image.src.as_str();
    match links.resolve(markdown::LinkRef {
        dest,
        wiki: false,
        image: true,
    }) {
        markdown::Resolved::File { url, file } => {
            let picture = match pictures.size(&file) {
                Some(Ok(picture)) => Some(picture),
                Some(Err(message)) => {
                    problems.push(at(format!(
                        "cannot tell the size of the picture `{}`: {message}",
                        file.source.label()
                    )));
                    None
                }
                None => None,
            };
            let (size, variants) = picture.map_or((None, Arc::from([])), |p| (p.size, p.variants));
            Some(EntryImage {
                url,
                file: Some(file),
                size,
                variants,
            })
        }
        markdown::Resolved::Keep => Some(EntryImage {
            url: dest.to_string(),
            file: None,
            size: None,
            variants: Arc::from([]),
        }),
        markdown::Resolved::Broken {
            message,
            help,
            kind,
        } => {
            let mut d = at(message).kind(kind);
            d.help = help;
            problems.push(d);
            None
        }
        _ => {
            problems.push(at(format!(
                "`image` `{dest}` is a page, not a file: name the picture's file"
            )));
            None
        }
    }
}

/// Renders the Markdown of every entry and section in parallel, links resolved; reuses
/// what `previous` rendered from the same text when every picture it shows has the size
/// it had.
fn render_markdown(
    config: &Config,
    entries: &[Arc<Entry>],
    sections: &[Arc<Section>],
    names: &NameIndex,
    files: &SiteFiles,
    (highlighter, pictures): (&Highlighter, &dyn PictureSizes),
    previous: Option<&Site>,
) -> (Vec<Arc<Rendered>>, Vec<Arc<Rendered>>) {
    // An entry page shows its `image` above the text: the text's first picture is then
    // not the first the reader sees.
    let render_one = |dir: &str, body: &str, first_above_fold: bool| {
        let links = PageLinks {
            index: names,
            entries: &entries,
            files,
            from_dir: dir,
            base_path: &config.base_path,
            content_prefix: config.content_prefix(),
        };
        let options = markdown::PictureOptions {
            sizes: pictures,
            first_above_fold,
        };
        markdown::render_with(body, &config.markdown, &links, highlighter, options)
    };
    let sizes_same = |r: &Rendered| {
        r.files
            .iter()
            .filter(|f| f.picture.is_some())
            .all(|f| pictures.size(&f.file) == f.picture)
    };
    let rendered = entries
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let cached = previous.and_then(|p| {
                // Most entries are the very same, at the same place.
                let old = match p.entries.get(i) {
                    Some(was) if Arc::ptr_eq(was, e) => i,
                    _ => p.names.by_rel.get(&e.rel)?.index(),
                };
                let was = &p.entries[old];
                let same = Arc::ptr_eq(was, e)
                    || (was.dir == e.dir
                        && was.body() == e.body()
                        && was.front.image.is_some() == e.front.image.is_some());
                let r = &p.rendered[old];
                // Only a text that shows pictures can have been given another size.
                let shows = p.pictured.binary_search(&(old as u32)).is_ok();
                (same && (!shows || sizes_same(r))).then(|| Arc::clone(r))
            });
            cached
                .unwrap_or_else(|| Arc::new(render_one(&e.dir, e.body(), e.front.image.is_none())))
        })
        .collect();
    let section_rendered = sections
        .par_iter()
        .map(|s| {
            let cached = previous.and_then(|p| {
                let i = p.sections.iter().position(|old| old.dir == s.dir)?;
                let r = &p.section_rendered[i];
                (p.sections[i].body() == s.body() && sizes_same(r)).then(|| Arc::clone(r))
            });
            cached.unwrap_or_else(|| Arc::new(render_one(&s.dir, s.body(), true)))
        })
        .collect();
    (rendered, section_rendered)
}

/// The Markdown of every tag description, links resolved from `content/tags/`. They are
/// few: each rebuild renders them again.
fn render_tag_notes(
    config: &Config,
    entries: &[Arc<Entry>],
    notes: &[Arc<Entry>],
    names: &NameIndex,
    files: &SiteFiles,
    (highlighter, pictures): (&Highlighter, &dyn PictureSizes),
) -> Vec<Arc<Rendered>> {
    notes
        .par_iter()
        .map(|note| {
            let links = PageLinks {
                index: names,
                entries: &entries,
                files,
                from_dir: &note.dir,
                base_path: &config.base_path,
                content_prefix: config.content_prefix(),
            };
            let options = markdown::PictureOptions {
                sizes: pictures,
                first_above_fold: true,
            };
            Arc::new(markdown::render_with(
                note.body(),
                &config.markdown,
                &links,
                highlighter,
                options,
            ))
        })
        .collect()
}

/// Every entry, newest first (undated last), then by title.
fn newest_first(entries: &Entries<'_>) -> Vec<EntryId> {
    let mut newest: Vec<EntryId> = (0..entries.len() as u32).map(EntryId).collect();
    newest.sort_by(|&a, &b| {
        let (a, b) = (entries.get(a), entries.get(b));
        b.date()
            .cmp(&a.date())
            .then_with(|| a.sort_title().cmp(b.sort_title()))
            .then_with(|| a.rel().cmp(b.rel()))
    });
    newest
}

/// For each entry, the entries that link to it (once each, in file order).
fn backlinks(entries: &Entries<'_>) -> Vec<Vec<Backlink>> {
    let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); entries.len()];
    for entry in entries.iter() {
        let from = entry.id;
        for link in entry.links() {
            let list = &mut backlinks[link.target as usize];
            if link.target != from.0 && !list.iter().any(|b| b.from == from) {
                list.push(Backlink {
                    from,
                    context: link.context.clone(),
                });
            }
        }
    }
    backlinks
}

/// The entries of each section in reading order, each entry's section, and its place in
/// that order.
fn sections_of(
    entries: &Entries<'_>,
    sections: &[Arc<Section>],
) -> (Vec<Vec<EntryId>>, Vec<usize>, Vec<u32>) {
    let section_index: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.as_str(), i))
        .collect();
    let entry_section: Vec<usize> = entries
        .iter()
        .map(|e| section_index.get(e.dir()).copied().unwrap_or(0))
        .collect();
    let mut section_entries: Vec<Vec<EntryId>> = vec![Vec::new(); sections.len()];
    for (i, &s) in entry_section.iter().enumerate() {
        section_entries[s].push(EntryId(i as u32));
    }
    let mut position = vec![0u32; entries.len()];
    for list in &mut section_entries {
        list.sort_by(|&a, &b| seen::reading_order(entries.get(a), entries.get(b)));
        for (at, id) in list.iter().enumerate() {
            position[id.index()] = at as u32;
        }
    }
    (section_entries, entry_section, position)
}

/// The site paths of every page, for checking links written as site paths (`/tags/x/`).
fn page_paths(
    entries: &Entries<'_>,
    sections: &[Arc<Section>],
    tags: &[TagInfo],
    kind_pages: &[KindPage],
    map: bool,
    redirects: &[redirects::Redirect],
) -> HashSet<String> {
    let mut paths: HashSet<String> = RESERVED_PATHS
        .iter()
        .filter(|(p, _)| !p.starts_with("__"))
        .map(|(p, _)| (*p).to_string())
        .collect();
    if map {
        paths.insert(crate::pages::MAP.to_string());
    }
    paths.insert(String::new());
    paths.extend(entries.iter().map(|e| e.path().to_string()));
    paths.extend(sections.iter().map(|s| s.path.clone()));
    paths.extend(tags.iter().map(|t| crate::pages::tag(&t.slug)));
    paths.extend(kind_pages.iter().map(|k| k.path.clone()));
    // An old URL leads to its page.
    paths.extend(redirects.iter().map(|r| r.from.clone()));
    paths
}
