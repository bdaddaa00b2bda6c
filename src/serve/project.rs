//! The site in memory, as `dossier serve` holds it: the graph, the compiled theme, every
//! output file, and what each page and feed read when it was rendered. A change re-reads
//! what changed, rebuilds the graph reusing what it can, and writes again exactly the
//! outputs whose reads give something else in the new site (see `render::reads`), through
//! the emit stage that `build` uses.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::watch::Changes;
use crate::build::{self, Prepared};
use crate::config::{Config, Overrides};
use crate::content::files::SiteFiles;
use crate::content::{self, Content, Entry, Section, walk};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::emit::{self, Ctx, Output};
use crate::graph::{self, Site};
use crate::markdown::{Highlighter, Rendered};
use crate::output::joined::{Held, Joined};
use crate::output::{Sink, open_data, search, sitemap};
use crate::pages::{self, Page};
use crate::render::Theme;
use crate::render::reads::{Checker, Deps, Maps, Readers, View};

/// What each page and feed of a build read, by output.
pub type Recorded = rustc_hash::FxHashMap<Output, Deps>;

/// Output files by site path (`places/baku/index.html`).
pub type Files = HashMap<String, Held>;

/// Collects written files in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Held)>>,
}

impl MemorySink {
    pub fn into_files(self) -> Vec<(String, Held)> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.keep(rel, bytes.to_vec());
        Ok(())
    }

    fn write_joined(&self, rel: &str, file: Joined) -> Result<(), Diagnostic> {
        if let Ok(mut files) = self.files.lock() {
            files.push((rel.to_string(), Held::Joined(file)));
        }
        Ok(())
    }

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|e| Diagnostic::error(format!("cannot write `{rel}`: {e}")))?;
        self.keep(rel, bytes);
        Ok(())
    }
}

impl MemorySink {
    fn keep(&self, rel: &str, bytes: Vec<u8>) {
        if let Ok(mut files) = self.files.lock() {
            files.push((rel.to_string(), Held::Bytes(Arc::new(bytes))));
        }
    }
}

/// The last good build.
struct Built {
    prepared: Prepared,
    files: Files,
    /// What each page and feed read when it was rendered.
    recorded: Recorded,
    /// The same, by key.
    readers: Readers<Output>,
    /// The site's pages, and every output in the order the emit stage takes them.
    pages: Arc<[Page]>,
    plan: Arc<[Output]>,
    /// How many outputs of each other kind the plan has.
    shape: emit::Shape,
    /// Each entry's search document, kept for entries that do not change; brought up to
    /// date with the data files.
    search: SearchDocs,
    /// Each entry's part of the open-data files, kept the same way.
    open_data: DataPieces,
    /// The data files (sitemap, search index) are not written for this site yet.
    data_pending: bool,
    /// The `sitemap-N.xml` files among `files` (none unless the site is too large for one
    /// sitemap file).
    sitemap_parts: Vec<String>,
}

/// Data files that no page shows: `dossier serve` may write them after telling the pages
/// to reload (see [`Project::defer_data`]).
pub const DATA_FILES: [&str; 4] = [
    pages::SITEMAP,
    pages::SEARCH_INDEX,
    pages::DATA_JSON,
    pages::RELATIONS_CSV,
];

/// `sitemap-N.xml`: a part of the sitemap of a site too large for one file.
pub fn is_sitemap_part(path: &str) -> bool {
    path.strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The names of the `sitemap-N.xml` files of a site of these pages.
fn sitemap_parts(pages: &[Page]) -> Vec<String> {
    sitemap::names(pages)
        .into_iter()
        .filter(|name| is_sitemap_part(name))
        .collect()
}

/// Whether `path` is a data file, written after the pages of a rebuild.
pub fn is_data_file(path: &str) -> bool {
    DATA_FILES.contains(&path) || is_sitemap_part(path)
}

/// What a rebuild did.
#[derive(Debug, PartialEq, Eq)]
pub enum Rebuild {
    /// The site paths whose bytes changed (added, changed or removed), and whether they
    /// are all stylesheets.
    Done {
        changed: Vec<String>,
        css_only: bool,
    },
    /// The site did not build; the previous one is still served.
    Failed(Vec<Diagnostic>),
}

pub struct Project {
    root: PathBuf,
    base_url: String,
    drafts: bool,
    /// `--links`, over `links:` of `site.yaml`.
    links: Option<crate::diagnostics::LinkPolicy>,
    highlighter: Highlighter,
    built: Option<Built>,
    /// Paths under `content/` changed since the last good build: read again on the next
    /// rebuild even when its batch does not name them.
    dirty: BTreeSet<String>,
    /// A change that builds everything (configuration, templates) came in a batch whose
    /// build failed: the next rebuild builds everything, whatever it is told.
    full_pending: bool,
    /// The same for static files: copied again with the next good rebuild.
    statics_pending: bool,
    /// Whether a content rebuild leaves the data files to [`Project::complete_data`].
    defer_data: bool,
    /// How long each stage of the last content rebuild took, for `--verbose`.
    laps: Laps,
    /// What the last content rebuild replaced, freed with the data files.
    retired: Retired,
}

/// The last site's values, kept until the pages of the next one are served: freeing them
/// costs what the site costs, not what the edit costs.
#[derive(Default)]
struct Retired {
    built: Option<Built>,
    shared: Option<Arc<crate::render::views::Shared>>,
}

/// The time of each stage of a rebuild.
#[derive(Default)]
struct Laps {
    last: Option<std::time::Instant>,
    stages: Vec<(&'static str, std::time::Duration)>,
}

impl Laps {
    fn start(&mut self) {
        self.stages.clear();
        self.last = Some(std::time::Instant::now());
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        if let Some(last) = self.last.replace(now) {
            self.stages.push((name, now - last));
        }
    }
}

fn failed(diagnostics: Diagnostics) -> Rebuild {
    let mut diagnostics = diagnostics;
    diagnostics.sort_and_dedup();
    Rebuild::Failed(diagnostics.into_iter().collect())
}

impl Project {
    /// A project for the site at `root`, served at `base_url`. Nothing is built yet.
    pub fn new(root: &Path, base_url: &str, drafts: bool) -> Project {
        Project {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            drafts,
            links: None,
            highlighter: Highlighter::new(),
            built: None,
            dirty: BTreeSet::new(),
            full_pending: false,
            statics_pending: false,
            defer_data: false,
            laps: Laps::default(),
            retired: Retired::default(),
        }
    }

    /// `--links`: what link problems are, over `links:` of `site.yaml`.
    pub fn set_links(&mut self, links: Option<crate::diagnostics::LinkPolicy>) {
        self.links = links;
    }

    /// Lets content rebuilds return before the sitemap and the search index are written
    /// again; [`Project::complete_data`] writes them. Until then, `files()` holds the
    /// previous ones.
    pub fn defer_data(&mut self, defer: bool) {
        self.defer_data = defer;
    }

    /// Whether the data files wait for [`Project::complete_data`].
    pub fn data_pending(&self) -> bool {
        self.built.as_ref().is_some_and(|b| b.data_pending)
    }

    /// Writes the data files of the current site; returns the paths that changed.
    pub fn complete_data(&mut self) -> Vec<String> {
        self.retired = Retired::default();
        let Some(built) = self.built.as_mut().filter(|b| b.data_pending) else {
            return Vec::new();
        };
        let prepared = &built.prepared;
        let site = &prepared.site;
        let pages = &built.pages;
        if site.config.search {
            built.search.update(site);
        }
        built.open_data.update(site);
        // Parts of the last sitemap that this one does not have go.
        let parts = sitemap_parts(pages);
        let gone: Vec<String> = built
            .sitemap_parts
            .iter()
            .filter(|p| !parts.contains(p))
            .cloned()
            .collect();
        let mut data = vec![Output::Sitemaps, Output::OpenData];
        if site.config.search {
            data.push(Output::SearchIndex);
        }
        let ctx = Ctx {
            root: &self.root,
            site,
            theme: &prepared.theme,
            renderer: &prepared.renderer,
            assets: &prepared.assets,
            pictures: &prepared.pictures,
            images: &prepared.images,
            pages,
            search_docs: Some(&built.search.docs),
            open_data: Some(&built.open_data.pieces),
            record: false,
        };
        let sink = MemorySink::default();
        // Data files neither read nor are read by anything: nothing to record or to check.
        let _ = emit::emit(&ctx, &data, &data, &sink);
        let changed = apply(&mut built.files, gone, sink.into_files());
        built.sitemap_parts = parts;
        built.data_pending = false;
        changed
    }

    /// The stages of the last content rebuild and how long each took (`read 1.2 ms,
    /// graph 3.4 ms, …`); empty when the last rebuild was not one.
    pub fn stage_times(&self) -> String {
        self.laps
            .stages
            .iter()
            .map(|(name, took)| format!("{name} {:.1} ms", took.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The files of the last good build.
    pub fn files(&self) -> Option<&Files> {
        self.built.as_ref().map(|b| &b.files)
    }

    /// The theme the site uses now.
    /// The content folder the last build's `site.yaml` names.
    pub fn content_folder(&self) -> Option<&str> {
        self.built
            .as_ref()
            .map(|b| b.prepared.site.config.content.as_str())
    }

    pub fn theme_name(&self) -> Option<&str> {
        self.built
            .as_ref()
            .map(|b| b.prepared.site.config.theme.as_str())
    }

    pub fn base_path(&self) -> &str {
        self.built
            .as_ref()
            .map_or("/", |b| b.prepared.site.config.base_path.as_str())
    }

    /// Applies a batch of changes: the configuration or a template rebuilds everything;
    /// content rebuilds what it affects; a static file is copied alone.
    pub fn rebuild(&mut self, changes: &Changes) -> Rebuild {
        self.laps.stages.clear();
        self.forget_pictures(changes);
        // Pages show the sizes of static pictures too: one that changed is looked at
        // again, with the content.
        let static_pictures = changes
            .statics
            .iter()
            .any(|s| s.is_empty() || crate::images::is_picture_name(s));
        if self.built.is_none()
            || changes.config
            || !changes.templates.is_empty()
            || self.full_pending
        {
            return self.full();
        }
        // Remembered until copied: a failed rebuild of the same batch must not lose them.
        self.statics_pending |= !changes.statics.is_empty();
        if !changes.content.is_empty() || !self.dirty.is_empty() || static_pictures {
            self.dirty.extend(changes.content.iter().cloned());
            let result = self.content();
            if let Rebuild::Done { changed, .. } = &result
                && self.statics_pending
            {
                let mut statics = self.statics();
                if let Rebuild::Done { changed: more, .. } = &mut statics {
                    more.extend(changed.iter().cloned());
                    more.sort();
                    more.dedup();
                }
                return statics;
            }
            return result;
        }
        self.statics()
    }

    /// Forgets what was read of the pictures that changed, so that the rebuild reads
    /// their sizes again.
    fn forget_pictures(&self, changes: &Changes) {
        let Some(built) = &self.built else {
            return;
        };
        let images = &built.prepared.images;
        for c in &changes.content {
            images.forget_under(&format!("content/{c}"));
        }
        for s in &changes.statics {
            images.forget_under(&format!("static/{s}"));
            images.forget_under(&format!(
                "themes/{}/static/{s}",
                built.prepared.site.config.theme
            ));
        }
    }

    /// Builds everything from the files on disk.
    pub fn full(&mut self) -> Rebuild {
        // Cleared when it succeeds.
        self.full_pending = true;
        let mut diagnostics = Diagnostics::new();
        let overrides = Overrides {
            base_url: Some(self.base_url.clone()),
            links: self.links,
        };
        let report = Config::load(&self.root, &overrides);
        diagnostics.extend(report.diagnostics);
        let Some(config) = report.config else {
            return failed(diagnostics);
        };
        let images = self.built.as_ref().map(|b| Arc::clone(&b.prepared.images));
        let prepared = build::prepare_with(
            &self.root,
            config,
            self.drafts,
            images,
            &mut diagnostics,
            &mut |_| {},
        );
        let Some(prepared) = prepared.filter(|_| !diagnostics.has_errors()) else {
            return failed(diagnostics);
        };
        let sink = MemorySink::default();
        let (pages, plan, recorded) = build::emit(
            &self.root,
            &prepared,
            true,
            &sink,
            &mut diagnostics,
            &mut |_| {},
        );
        if diagnostics.has_errors() {
            return failed(diagnostics);
        }
        let files: Files = sink.into_files().into_iter().collect();
        let changed = match &self.built {
            Some(old) => changed_paths(&old.files, &files),
            None => files.keys().cloned().collect(),
        };
        let search = SearchDocs::new(&prepared.site);
        let open_data = DataPieces::new(&prepared.site);
        let sitemap_parts = sitemap_parts(&pages);
        let readers = Readers::new(recorded.iter().map(|(&o, d)| (o, d)));
        let shape = emit::Shape::of(
            &prepared.site,
            &prepared.theme,
            &prepared.assets,
            &prepared.pictures,
        );
        self.built = Some(Built {
            prepared,
            files,
            recorded,
            readers,
            pages: pages.into(),
            plan: plan.into(),
            shape,
            search,
            open_data,
            data_pending: false,
            sitemap_parts,
        });
        self.dirty.clear();
        self.full_pending = false;
        self.statics_pending = false;
        done(changed)
    }

    /// Re-reads the content that changed and renders the pages it affects.
    fn content(&mut self) -> Rebuild {
        let Some(mut built) = self.built.take() else {
            return self.full();
        };
        self.laps.start();
        match self.content_on(&mut built) {
            Ok((mut new, gone, written)) => {
                // The last build's files, changed in place: only what was written or is
                // gone can differ.
                let mut built = built;
                new.files = std::mem::take(&mut built.files);
                // Freeing the last site (its page list, its pointers to every entry) costs
                // what the site costs: it waits until the pages are served.
                self.retired.built = Some(built);
                let mut changed = apply(&mut new.files, gone, written);
                self.laps.lap("files");
                self.built = Some(new);
                self.dirty.clear();
                if !self.defer_data {
                    changed.extend(self.complete_data());
                    changed.sort();
                }
                done(changed)
            }
            Err(diagnostics) => {
                self.built = Some(built);
                failed(diagnostics)
            }
        }
    }

    /// The next build, without its files: those are the last build's, less the paths
    /// returned as gone, with the files returned as written.
    #[allow(clippy::type_complexity)]
    fn content_on(
        &mut self,
        built: &mut Built,
    ) -> Result<(Built, Vec<String>, Vec<(String, Held)>), Diagnostics> {
        let old = &built.prepared;
        let config = old.site.config.clone();
        let content = self.read_content(old, &config);
        self.laps.lap("read");
        let found_assets = content.assets.clone();
        let mut diagnostics = Diagnostics::new();
        let files = SiteFiles::new(
            &found_assets,
            old.theme.statics.iter().map(|s| s.rel.as_str()),
        );
        let (site, problems) = graph::build(
            config,
            content,
            files,
            &self.highlighter,
            &old.sizes(),
            Some(&old.site),
        );
        diagnostics.extend(problems);
        let pictures = old.sizes().shown(&site);
        self.laps.lap("graph");
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut renderer = old.renderer.clone();
        let old_shared = renderer.refresh(&site, &old.site);
        self.laps.lap("shared values");
        let maps = Maps::between(&old.site, &site);
        let (old_view, new_view) = (
            View::new(&old.site, &old_shared),
            View::new(&site, renderer.shared()),
        );
        let checker = Checker::new(old_view, new_view, &maps);
        // The same lists and as many entries: the same pages, without making them again.
        // The plan is the pages and as many outputs of each other kind as the site's
        // shape says: the same pages and shape are the last build's plan.
        let lists_same = Page::same_lists(&old.site, &site);
        let pages_same = lists_same
            && old.site.entries.len() == site.entries.len()
            && old.site.located.is_empty() == site.located.is_empty()
            && (Arc::ptr_eq(&old.site.relations, &site.relations)
                || crate::pages::has_relations(&old.site) == crate::pages::has_relations(&site));
        let pages: Arc<[Page]> = match pages_same {
            true => Arc::clone(&built.pages),
            false => Page::all(&site).into(),
        };
        let shape = emit::Shape::of(&site, &old.theme, &found_assets, &pictures);
        let same_plan = shape == built.shape && (pages_same || *pages == *built.pages);
        let plan: Arc<[Output]> = match same_plan {
            true => Arc::clone(&built.plan),
            false => emit::plan(&pages, shape).into(),
        };
        self.laps.lap("maps and plan");
        // The pages and feeds of the last build whose every read gives the same in the new
        // site, at the same place: their files stay. With every index the same in both
        // sites, each key read anywhere is compared once; otherwise each page's reads are
        // compared, numbered as in the new site.
        let identity = maps.is_identity();
        let stale = identity.then(|| built.readers.stale(&checker));
        let kept: Recorded = match &stale {
            Some(_) => Recorded::default(),
            None => built
                .recorded
                .par_iter()
                .filter_map(|(&o, deps)| {
                    let new = o.translate(&maps)?;
                    let same = o.same_place(&old.site, new, &site) && deps.same(&checker);
                    same.then(|| deps.translate(&maps))
                        .flatten()
                        .map(|d| (new, d))
                })
                .collect(),
        };
        // With the same plan as the last build's, each of its pages and feeds has its reads
        // recorded.
        let is_kept = |o: &Output| match &stale {
            Some(stale) => {
                !stale.contains(o)
                    && (same_plan || built.recorded.contains_key(o))
                    && o.same_place(&old.site, *o, &site)
            }
            None => kept.contains_key(o),
        };
        self.laps.lap("compare reads");
        let assets_changed = found_assets != old.assets;
        // A picture's variants are named by its bytes: those of a changed picture have
        // other names (or are gone), and only those are written again.
        let old_pictures: HashSet<&crate::images::Shown> = old.pictures.iter().collect();
        let write_again = |o: &Output| match o {
            Output::Page(_) | Output::Feed(_) | Output::Redirect(_) | Output::Cite(_) => {
                !is_kept(o)
            }
            // A few lines, from every entry's old URLs: written again on each edit.
            Output::RedirectRules => true,
            Output::Asset(i) => assets_changed || self.dirty.contains(&found_assets[*i]),
            Output::Variants(i) => !old_pictures.contains(&pictures[*i]),
            // From the configuration alone, which rebuilds everything when it changes.
            Output::Robots | Output::HighlightCss | Output::DataSchema => false,
            // Written by `complete_data`; static files by `statics`.
            Output::Sitemaps | Output::SearchIndex | Output::OpenData | Output::Static(_) => false,
        };
        let to_write: Vec<Output> = match &stale {
            // The same plan, lists and old URLs: a page, feed or redirect that read no
            // changed key is where it was unless it is the page of an entry that is not
            // the very same. Those, the stale outputs and the rest of the plan (copies,
            // variants) are all that can be written again, found without a walk through
            // every page.
            Some(stale)
                if same_plan && lists_same && Arc::ptr_eq(&old.site.redirects, &site.redirects) =>
            {
                // The entries the checker found changed (file or text): the same walk.
                let moved = checker.changed_entries().iter().flat_map(|&i| {
                    let id = graph::EntryId(i);
                    [Output::Page(Page::Entry(id)), Output::Cite(id)]
                });
                let mut list: Vec<Output> = stale
                    .iter()
                    .copied()
                    .chain(moved)
                    .chain(plan[pages.len()..].iter().copied())
                    .filter(write_again)
                    .collect();
                list.sort_unstable();
                list.dedup();
                list
            }
            _ => plan.iter().copied().filter(write_again).collect(),
        };
        let ctx = Ctx {
            root: &self.root,
            site: &site,
            theme: &old.theme,
            renderer: &renderer,
            assets: &found_assets,
            pictures: &pictures,
            images: &old.images,
            pages: &pages,
            search_docs: None,
            open_data: None,
            record: true,
        };
        let sink = MemorySink::default();
        let emitted = emit::emit(&ctx, &to_write, &plan, &sink);
        diagnostics.extend(emitted.diagnostics);
        diagnostics.extend(old.images.save_index());
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        self.laps.lap("render");

        // The files of the last build that no output of this one writes.
        let old_pages = &built.pages;
        let old_ctx = Ctx {
            root: &self.root,
            site: &old.site,
            theme: &old.theme,
            renderer: &old.renderer,
            assets: &old.assets,
            pictures: &old.pictures,
            images: &old.images,
            pages: old_pages,
            search_docs: None,
            open_data: None,
            record: true,
        };
        let old_plan = &built.plan;
        let data =
            |o: &Output| matches!(o, Output::Sitemaps | Output::SearchIndex | Output::OpenData);
        let gone: Vec<String> = if identity && same_plan {
            // One output for one: only those written again can have moved.
            to_write
                .iter()
                .filter(|o| !data(o))
                .flat_map(|&o| {
                    let new: HashSet<String> = o.files(&ctx).into_iter().collect();
                    o.files(&old_ctx)
                        .into_iter()
                        .filter(move |f| !new.contains(f))
                })
                .collect()
        } else {
            let new: HashSet<String> = plan
                .iter()
                .filter(|o| !data(o))
                .flat_map(|o| o.files(&ctx))
                .collect();
            old_plan
                .iter()
                .filter(|o| !data(o))
                .flat_map(|o| o.files(&old_ctx))
                .filter(|f| !new.contains(f))
                .collect()
        };
        self.laps.lap("gone");
        let (recorded, readers) = if identity {
            // The last build's reads, changed in place: outputs gone from the plan drop
            // theirs, those written again replace theirs.
            let mut recorded = std::mem::take(&mut built.recorded);
            let mut readers = std::mem::replace(&mut built.readers, Readers::new([]));
            if !same_plan {
                let planned: HashSet<&Output> = plan.iter().collect();
                let vanished: Vec<Output> = recorded
                    .keys()
                    .filter(|o| !planned.contains(o))
                    .copied()
                    .collect();
                for o in vanished {
                    let deps = recorded.remove(&o);
                    readers.update(o, deps.as_ref(), None);
                }
            }
            for (o, deps) in emitted.recorded {
                let old = recorded.insert(o, deps.clone());
                readers.update(o, old.as_ref(), Some(&deps));
            }
            (recorded, readers)
        } else {
            let (mut kept, mut fresh) = (kept, emitted.recorded);
            let recorded: Recorded = plan
                .iter()
                .filter_map(|o| fresh.remove(o).or_else(|| kept.remove(o)).map(|d| (*o, d)))
                .collect();
            let readers = Readers::new(recorded.iter().map(|(&o, d)| (o, d)));
            (recorded, readers)
        };
        // The last site's shared values: freed later, as the last site is.
        self.retired.shared = Some(old_shared);
        let prepared = Prepared {
            site,
            theme: old.theme.clone(),
            renderer,
            assets: found_assets,
            images: Arc::clone(&old.images),
            pictures,
        };
        let next = Built {
            prepared,
            files: Files::default(),
            recorded,
            readers,
            pages,
            plan,
            shape,
            search: std::mem::take(&mut built.search),
            open_data: std::mem::take(&mut built.open_data),
            data_pending: true,
            // Those of the last sitemap, until `complete_data` writes the new one.
            sitemap_parts: built.sitemap_parts.clone(),
        };
        self.laps.lap("reads kept");
        Ok((next, gone, sink.into_files()))
    }

    /// The content as it is now: files named in `self.dirty` (or not in the last build)
    /// are read again; the others are the last build's, shared.
    fn read_content(&self, old: &Prepared, config: &Config) -> Content {
        // Only files the last build knew changed, and they are still there: the lists
        // stay, and only the changed files are read and put in their places.
        let section_of = |d: &String| {
            let file = config.content_file(d);
            old.site
                .sections
                .iter()
                .position(|s| s.file.as_deref() == Some(file.as_str()))
        };
        let known = |d: &String| {
            config.content_dir(&self.root).join(d).is_file()
                && (old.site.names.by_rel.contains_key(d) || section_of(d).is_some())
        };
        if self.dirty.is_empty() || !self.dirty.iter().all(known) {
            return content::assemble(
                &self.root,
                config,
                self.drafts,
                walk::walk(&self.root, config),
                &Unchanged {
                    site: &old.site,
                    dirty: &self.dirty,
                },
            );
        }
        let mut entries = old.site.entries.clone();
        let mut sections = old.site.sections.clone();
        let mut diagnostics = Vec::new();
        let mut dropped = Vec::new();
        // The entries kept took their sections' dates in the last build: with no section
        // changed, only those read again take theirs.
        let sections_same = !self.dirty.iter().any(|d| section_of(d).is_some());
        for d in &self.dirty {
            if let Some(id) = old.site.names.by_rel.get(d) {
                let (entry, problems) = content::read_entry(&self.root, d, config, self.drafts);
                diagnostics.extend(problems);
                let entry = match entry {
                    Some(entry) if sections_same => content::settle_entry(entry, &sections, config)
                        .map_err(|d| diagnostics.push(d))
                        .ok(),
                    entry => entry,
                };
                match entry {
                    Some(entry) => entries[id.index()] = entry,
                    // A draft now, or a file that no longer parses.
                    None => dropped.push(id.index()),
                }
            } else if let Some(i) = section_of(d) {
                let (section, problems) =
                    content::read_section(&self.root, &sections[i].dir, Some(d), config);
                diagnostics.extend(problems);
                sections[i] = Arc::new(section);
            }
        }
        if !dropped.is_empty() {
            dropped.sort_unstable();
            let mut i = 0;
            entries.retain(|_| {
                i += 1;
                dropped.binary_search(&(i - 1)).is_err()
            });
        }
        let mut content = Content {
            entries,
            sections,
            tag_notes: old.site.tag_notes.to_vec(),
            assets: old.assets.clone(),
            diagnostics,
        };
        if !sections_same {
            content::settle(&mut content, config);
        }
        content
    }

    /// Copies the static files again (the theme's and the site's).
    fn statics(&mut self) -> Rebuild {
        let Some(built) = self.built.as_mut() else {
            return self.full();
        };
        let (theme, problems) = Theme::load(&self.root, &built.prepared.site.config);
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(problems);
        let Some(theme) = theme.filter(|_| !diagnostics.has_errors()) else {
            return failed(diagnostics);
        };
        // Pages refer to static files: one added or removed resolves their references
        // again.
        let rels = |t: &Theme| {
            t.statics
                .iter()
                .map(|s| s.rel.clone())
                .collect::<HashSet<_>>()
        };
        if rels(&theme) != rels(&built.prepared.theme) {
            return self.full();
        }
        let prepared = &built.prepared;
        let site = &prepared.site;
        let pages = Page::all(site);
        let shape = emit::Shape::of(site, &theme, &prepared.assets, &prepared.pictures);
        let plan = emit::plan(&pages, shape);
        let ctx = Ctx {
            root: &self.root,
            site,
            theme: &theme,
            renderer: &prepared.renderer,
            assets: &prepared.assets,
            pictures: &prepared.pictures,
            images: &prepared.images,
            pages: &pages,
            search_docs: None,
            open_data: None,
            record: true,
        };
        let statics: Vec<Output> = (0..theme.statics.len()).map(Output::Static).collect();
        let sink = MemorySink::default();
        diagnostics.extend(emit::emit(&ctx, &statics, &plan, &sink).diagnostics);
        if diagnostics.has_errors() {
            return failed(diagnostics);
        }
        let gone: Vec<String> = built
            .prepared
            .theme
            .statics
            .iter()
            .filter(|old| !theme.statics.iter().any(|s| s.rel == old.rel))
            .map(|old| old.rel.clone())
            .collect();
        let changed = apply(&mut built.files, gone, sink.into_files());
        built.prepared.theme.statics = theme.statics;
        built.plan = plan.into();
        built.pages = pages.into();
        built.shape = shape;
        self.statics_pending = false;
        done(changed)
    }
}

/// Each entry's search document, with the entry and the rendering it was made from: the
/// documents of the next site are made again only for entries that changed.
#[derive(Default)]
struct SearchDocs {
    made_from: Vec<(Arc<Entry>, Arc<Rendered>)>,
    docs: Arc<Vec<Arc<str>>>,
}

impl SearchDocs {
    fn new(site: &Site) -> SearchDocs {
        SearchDocs {
            made_from: made_from(site),
            docs: Arc::new(search::docs(site)),
        }
    }

    /// Makes the documents those of `site`.
    fn update(&mut self, site: &Site) {
        let old = &self.made_from;
        // Where entries came or went, the old document of an entry is found by its file.
        let by_rel = std::sync::OnceLock::new();
        let old_index = |i: usize, rel: &str| {
            if old.get(i).is_some_and(|(e, _)| e.rel == rel) {
                return Some(i);
            }
            by_rel
                .get_or_init(|| {
                    old.iter()
                        .enumerate()
                        .map(|(i, (e, _))| (e.rel.as_str(), i))
                        .collect::<rustc_hash::FxHashMap<&str, usize>>()
                })
                .get(rel)
                .copied()
        };
        let docs = site
            .ids()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&id| {
                let (e, r) = (&site.entries[id.index()], &site.rendered[id.index()]);
                match old_index(id.index(), &e.rel).map(|o| (&old[o], o)) {
                    Some(((old_e, old_r), o)) if Arc::ptr_eq(old_e, e) && Arc::ptr_eq(old_r, r) => {
                        Arc::clone(&self.docs[o])
                    }
                    _ => search::doc(site, id),
                }
            })
            .collect();
        *self = SearchDocs {
            made_from: made_from(site),
            docs: Arc::new(docs),
        };
    }
}

/// Each entry's part of the open-data files, with what it was made from: the entry, its
/// rendering, and the entries its relations, its speaker, its `about` and its
/// `responds_to` name (their paths and titles are in it). Made again only for entries
/// where one of those is not the very same.
#[derive(Default)]
struct DataPieces {
    made_from: Vec<MadeFrom>,
    pieces: Arc<Vec<open_data::Piece>>,
}

/// The entries whose paths and titles entry `i`'s piece shows.
fn named_by(site: &Site, i: usize) -> Vec<Arc<Entry>> {
    site.relations.of[i]
        .iter()
        .filter(|r| r.outgoing)
        .map(|r| r.other)
        .chain(site.speakers[i])
        .chain(site.positions.about[i].iter().copied())
        .chain(site.positions.responds_to[i].iter().copied())
        .map(|o| Arc::clone(&site.entries[o.index()]))
        .collect()
}

/// An entry, its rendering, and the entries its piece names.
type MadeFrom = (Arc<Entry>, Arc<Rendered>, Vec<Arc<Entry>>);

fn data_made_from(site: &Site) -> Vec<MadeFrom> {
    (0..site.entries.len())
        .into_par_iter()
        .map(|i| {
            (
                Arc::clone(&site.entries[i]),
                Arc::clone(&site.rendered[i]),
                named_by(site, i),
            )
        })
        .collect()
}

impl DataPieces {
    fn new(site: &Site) -> DataPieces {
        DataPieces {
            made_from: data_made_from(site),
            pieces: Arc::new(open_data::pieces(site)),
        }
    }

    /// Makes the pieces those of `site`.
    fn update(&mut self, site: &Site) {
        let made_from = data_made_from(site);
        let old = &self.made_from;
        let by_rel = std::sync::OnceLock::new();
        let old_index = |i: usize, rel: &str| {
            if old.get(i).is_some_and(|(e, _, _)| e.rel == rel) {
                return Some(i);
            }
            by_rel
                .get_or_init(|| {
                    old.iter()
                        .enumerate()
                        .map(|(i, (e, _, _))| (e.rel.as_str(), i))
                        .collect::<rustc_hash::FxHashMap<&str, usize>>()
                })
                .get(rel)
                .copied()
        };
        let same = |a: &[Arc<Entry>], b: &[Arc<Entry>]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y))
        };
        let pieces = made_from
            .par_iter()
            .enumerate()
            .map(|(i, (e, r, named))| match old_index(i, &e.rel) {
                Some(o)
                    if Arc::ptr_eq(&old[o].0, e)
                        && Arc::ptr_eq(&old[o].1, r)
                        && same(&old[o].2, named) =>
                {
                    self.pieces[o].clone()
                }
                _ => open_data::piece(site, graph::EntryId(i as u32)),
            })
            .collect();
        *self = DataPieces {
            made_from,
            pieces: Arc::new(pieces),
        };
    }
}

fn made_from(site: &Site) -> Vec<(Arc<Entry>, Arc<Rendered>)> {
    site.entries
        .iter()
        .cloned()
        .zip(site.rendered.iter().cloned())
        .collect()
}

/// The entries and sections of the last build whose files are not dirty.
struct Unchanged<'a> {
    site: &'a Site,
    dirty: &'a BTreeSet<String>,
}

impl Unchanged<'_> {
    fn dirty(&self, rel: &str) -> bool {
        self.dirty.iter().any(|d| {
            d.is_empty()
                || rel == d
                || rel
                    .strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    }
}

impl content::Reuse for Unchanged<'_> {
    fn entry(&self, rel: &str) -> Option<Arc<Entry>> {
        if self.dirty(rel) {
            return None;
        }
        let id = self.site.names.by_rel.get(rel)?;
        Some(Arc::clone(&self.site.entries[id.index()]))
    }

    fn section(&self, dir: &str, index: Option<&String>) -> Option<Arc<Section>> {
        if index.is_some_and(|rel| self.dirty(rel)) || self.dirty(dir) {
            return None;
        }
        self.site
            .sections
            .iter()
            .find(|s| s.dir == dir && s.file.is_some() == index.is_some())
            .cloned()
    }
}

fn done(changed: Vec<String>) -> Rebuild {
    let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
    Rebuild::Done { changed, css_only }
}

/// Removes the `gone` paths from `files` and puts the `written` files in; returns the
/// paths whose bytes changed, sorted.
fn apply(files: &mut Files, gone: Vec<String>, written: Vec<(String, Held)>) -> Vec<String> {
    let mut changed: Vec<String> = gone
        .into_iter()
        .filter(|path| files.remove(path).is_some())
        .collect();
    for (rel, file) in written {
        if files.get(&rel).is_none_or(|old| !old.same_as(&file)) {
            changed.push(rel.clone());
        }
        // The same bytes are kept as the new file holds them: a file joined from parts
        // is compared with the next by its parts' addresses, one held whole by its bytes.
        files.insert(rel, file);
    }
    changed.sort();
    changed.dedup();
    changed
}

/// The paths whose bytes differ between two sets of files, sorted.
fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, file)| old.get(*path).is_none_or(|b| !b.same_as(file)))
        .map(|(path, _)| path.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    changed.sort();
    changed
}
