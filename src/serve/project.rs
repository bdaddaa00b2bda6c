//! The site in memory, as `dossier serve` holds it: the graph, the compiled theme, and
//! every output file. A change re-reads what changed, rebuilds the graph reusing what it
//! can, and renders only the pages the change can affect.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::affected::{Affected, affected};
use super::watch::Changes;
use crate::build::{self, Prepared};
use crate::config::{Config, Overrides};
use crate::content::{self, Content, Entry, Section, walk};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::graph::{self, Site};
use crate::markdown::Highlighter;
use crate::output::{Sink, feed, search, sitemap};
use crate::render::{Page, Theme};

/// Output files by site path (`places/baku/index.html`).
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// Collects written files in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl MemorySink {
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Ok(mut files) = self.files.lock() {
            files.push((rel.to_string(), bytes.to_vec()));
        }
        Ok(())
    }
}

/// The last good build.
struct Built {
    prepared: Prepared,
    files: Files,
    /// Each entry's search document, kept for entries that do not change.
    search_docs: Vec<Arc<str>>,
    /// The data files (sitemap, search index) are not written for this site yet.
    data_pending: bool,
    /// The `sitemap-N.xml` files among `files` (none unless the site is too large for one
    /// sitemap file).
    sitemap_parts: Vec<String>,
}

/// Data files that no page shows: `dossier serve` may write them after telling the pages
/// to reload (see [`Project::defer_data`]).
pub const DATA_FILES: [&str; 2] = ["sitemap.xml", "search-index.js"];

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
    highlighter: Highlighter,
    built: Option<Built>,
    /// Paths under `content/` changed since the last good build: read again on the next
    /// rebuild even when its batch does not name them.
    dirty: BTreeSet<String>,
    /// Whether a content rebuild leaves the data files to [`Project::complete_data`].
    defer_data: bool,
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
            highlighter: Highlighter::new(),
            built: None,
            dirty: BTreeSet::new(),
            defer_data: false,
        }
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
        let Some(built) = self.built.as_mut().filter(|b| b.data_pending) else {
            return Vec::new();
        };
        let site = &built.prepared.site;
        let mut files = built.files.clone();
        let pages = Page::all(site);
        // Parts of the last sitemap that this one does not have go.
        let parts = sitemap_parts(&pages);
        for gone in built.sitemap_parts.iter().filter(|p| !parts.contains(p)) {
            files.remove(gone);
        }
        for (name, xml) in sitemap::sitemaps(site, &pages) {
            files.insert(name, Arc::new(xml.into_bytes()));
        }
        built.sitemap_parts = parts;
        if site.config.search {
            files.insert(
                "search-index.js".into(),
                Arc::new(search::script(site, &built.search_docs).into_bytes()),
            );
        }
        let changed = changed_paths(&built.files, &files);
        built.files = files;
        built.data_pending = false;
        changed
    }

    /// The files of the last good build.
    pub fn files(&self) -> Option<&Files> {
        self.built.as_ref().map(|b| &b.files)
    }

    /// The theme the site uses now.
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
        if self.built.is_none() || changes.config || !changes.templates.is_empty() {
            return self.full();
        }
        if !changes.content.is_empty() || !self.dirty.is_empty() {
            self.dirty.extend(changes.content.iter().cloned());
            let result = self.content();
            if let Rebuild::Done { changed, .. } = &result
                && !changes.statics.is_empty()
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

    /// Builds everything from the files on disk.
    pub fn full(&mut self) -> Rebuild {
        let mut diagnostics = Diagnostics::new();
        let overrides = Overrides {
            base_url: Some(self.base_url.clone()),
        };
        let report = Config::load(&self.root, &overrides);
        diagnostics.extend(report.diagnostics);
        let Some(config) = report.config else {
            return failed(diagnostics);
        };
        let prepared = build::prepare(
            &self.root,
            config,
            self.drafts,
            &mut diagnostics,
            &mut |_| {},
        );
        let Some(prepared) = prepared.filter(|_| !diagnostics.has_errors()) else {
            return failed(diagnostics);
        };
        let sink = MemorySink::default();
        build::emit(&self.root, &prepared, &sink, &mut diagnostics, &mut |_| {});
        if diagnostics.has_errors() {
            return failed(diagnostics);
        }
        let files: Files = sink
            .into_files()
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        let changed = match &self.built {
            Some(old) => changed_paths(&old.files, &files),
            None => files.keys().cloned().collect(),
        };
        let search_docs = search::docs(&prepared.site);
        let sitemap_parts = sitemap_parts(&Page::all(&prepared.site));
        self.built = Some(Built {
            prepared,
            files,
            search_docs,
            data_pending: false,
            sitemap_parts,
        });
        self.dirty.clear();
        done(changed)
    }

    /// Re-reads the content that changed and renders the pages it affects.
    fn content(&mut self) -> Rebuild {
        let Some(built) = self.built.take() else {
            return self.full();
        };
        match self.content_on(&built) {
            Ok(new) => {
                let mut changed = changed_paths(&built.files, &new.files);
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

    fn content_on(&self, built: &Built) -> Result<Built, Diagnostics> {
        let old = &built.prepared;
        let config = old.site.config.clone();
        let content = self.read_content(old, &config);
        let found_assets = content.assets.clone();
        let mut diagnostics = Diagnostics::new();
        let (site, problems) = graph::build(config, content, &self.highlighter, Some(&old.site));
        diagnostics.extend(problems);
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let mut renderer = old.renderer.clone();
        let old_shared = renderer.refresh(&site, &old.site);
        let pages = Page::all(&site);
        let to_render: Vec<Page> = match affected(&old.site, &old_shared, &site, renderer.shared())
        {
            Affected::All => pages.clone(),
            Affected::Pages(set) => set.into_iter().collect(),
        };
        let sink = MemorySink::default();
        diagnostics.extend(build::render_pages(&site, &renderer, &to_render, &sink));

        // The extras that depend on content. Tag feeds only for the tags whose page was
        // rendered: a feed shows nothing a tag page does not.
        let mut extras: Vec<(String, String)> = vec![(
            "atom.xml".into(),
            feed::atom(&site, &site.config.title, "atom.xml", "", &site.newest),
        )];
        let search_docs: Vec<Arc<str>> = site
            .ids()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&id| {
                let e = site.entry(id);
                match old.site.names.by_rel.get(&e.rel) {
                    Some(o)
                        if Arc::ptr_eq(&old.site.entries[o.index()], &site.entries[id.index()])
                            && Arc::ptr_eq(
                                &old.site.rendered[o.index()],
                                &site.rendered[id.index()],
                            ) =>
                    {
                        Arc::clone(&built.search_docs[o.index()])
                    }
                    _ => search::doc(&site, id),
                }
            })
            .collect();
        let tag_feeds: Vec<(String, String)> = to_render
            .par_iter()
            .filter_map(|p| match p {
                // One feed a tag, with its first page.
                Page::Tag(t, 0) => {
                    let tag = &site.tags[*t];
                    let path = format!("tags/{}/", tag.slug);
                    let title = format!("{} — {}", site.config.title, tag.name);
                    Some((
                        format!("{path}atom.xml"),
                        feed::atom(
                            &site,
                            &title,
                            &format!("{path}atom.xml"),
                            &path,
                            &tag.entries,
                        ),
                    ))
                }
                _ => None,
            })
            .collect();
        extras.extend(tag_feeds);
        for (rel, text) in extras {
            let _ = sink.write(&rel, text.as_bytes());
        }
        let assets = found_assets;
        if assets != old.assets {
            diagnostics.extend(build::copy_files(
                &self.root,
                &site,
                &Theme::default(),
                &assets,
                &pages,
                &sink,
            ));
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }

        let mut files = built.files.clone();
        // Pages, feeds and assets that no longer exist.
        let old_pages = Page::all(&old.site);
        if old_pages != pages || !Arc::ptr_eq(&old.site.names, &site.names) {
            let old_files: BTreeSet<String> =
                old_pages.iter().map(|p| p.output_file(&old.site)).collect();
            let new_files: BTreeSet<String> = pages.iter().map(|p| p.output_file(&site)).collect();
            for gone in old_files.difference(&new_files) {
                files.remove(gone);
            }
        }
        for tag in old.site.tags.iter() {
            if !site.tag_index.contains_key(&tag.slug) {
                files.remove(&format!("tags/{}/atom.xml", tag.slug));
            }
        }
        for asset in &old.assets {
            if !assets.contains(asset) {
                let (dir, name) = asset.rsplit_once('/').unwrap_or(("", asset));
                files.remove(&format!("{}{name}", content::entry::dir_path(dir)));
            }
        }
        for (rel, bytes) in sink.into_files() {
            files.insert(rel, Arc::new(bytes));
        }
        let prepared = Prepared {
            site,
            theme: old.theme.clone(),
            renderer,
            assets,
        };
        Ok(Built {
            prepared,
            files,
            search_docs,
            data_pending: true,
            // Those of the last sitemap, until `complete_data` writes the new one.
            sitemap_parts: built.sitemap_parts.clone(),
        })
    }

    /// The content as it is now: files named in `self.dirty` (or not in the last build)
    /// are read again; the others are the last build's, shared.
    fn read_content(&self, old: &Prepared, config: &Config) -> Content {
        // Only files the last build knew changed, and they are still there: the file list
        // stays, and the folder need not be walked again.
        let known = |d: &String| {
            let is_file = self.root.join("content").join(d).is_file();
            let index_of =
                |s: &Arc<Section>| s.file.as_deref() == Some(format!("content/{d}").as_str());
            is_file
                && (old.site.names.by_rel.contains_key(d) || old.site.sections.iter().any(index_of))
        };
        let found = if !self.dirty.is_empty() && self.dirty.iter().all(known) {
            walk::Found {
                entries: old.site.entries.iter().map(|e| e.rel.clone()).collect(),
                sections: old
                    .site
                    .sections
                    .iter()
                    .filter_map(|s| {
                        s.file
                            .as_deref()
                            .and_then(|f| f.strip_prefix("content/"))
                            .map(String::from)
                    })
                    .collect(),
                dirs: old.site.sections.iter().map(|s| s.dir.clone()).collect(),
                assets: old.assets.clone(),
                problems: Vec::new(),
            }
        } else {
            walk::walk(&self.root.join("content"))
        };
        content::assemble(
            &self.root,
            config,
            self.drafts,
            found,
            &Unchanged {
                site: &old.site,
                dirty: &self.dirty,
            },
        )
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
        let site = &built.prepared.site;
        let pages = Page::all(site);
        let sink = MemorySink::default();
        diagnostics.extend(build::copy_files(
            &self.root,
            site,
            &theme,
            &[],
            &pages,
            &sink,
        ));
        if diagnostics.has_errors() {
            return failed(diagnostics);
        }
        let mut files = built.files.clone();
        for old in &built.prepared.theme.statics {
            if !theme.statics.iter().any(|s| s.rel == old.rel) {
                files.remove(&old.rel);
            }
        }
        for (rel, bytes) in sink.into_files() {
            files.insert(rel, Arc::new(bytes));
        }
        let changed = changed_paths(&built.files, &files);
        built.files = files;
        built.prepared.theme.statics = theme.statics;
        done(changed)
    }
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

/// The paths whose bytes differ between two sets of files, sorted.
fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| {
            old.get(*path)
                .is_none_or(|b| !Arc::ptr_eq(b, bytes) && b != *bytes)
        })
        .map(|(path, _)| path.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    changed.sort();
    changed
}
