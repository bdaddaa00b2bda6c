//! Content: walk `content/`, split each file, type its front matter, and make entries and
//! sections of it.

pub mod date;
pub mod entry;
pub mod files;
pub mod front_matter;
pub mod title;
pub mod walk;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

pub use date::Date;
pub use entry::{Entry, Section};
pub use front_matter::{FrontMatter, Source, Tag};

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// What `content/` holds once read and parsed.
pub struct Content {
    pub entries: Vec<Arc<Entry>>,
    pub sections: Vec<Arc<Section>>,
    /// The files of `content/tags/`: each describes the tag of its slug (its title and
    /// text shown on the tag's page); they are not entries.
    pub tag_notes: Vec<Arc<Entry>>,
    /// Other files under `content/` (images and the like), copied beside their entries.
    pub assets: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The folder of `content/` whose files describe tags.
pub const TAG_NOTES: &str = "tags";

/// Whether `content/REL` describes a tag (`tags/energy.md`, or `tags/energy/oil.md` for
/// the nested tag `energy/oil`) rather than being an entry.
pub fn is_tag_note(rel: &str) -> bool {
    in_tag_notes(walk::parent_dir(rel))
}

/// Whether the folder `content/DIR` is `content/tags/` or a folder in it.
fn in_tag_notes(dir: &str) -> bool {
    dir.strip_prefix(TAG_NOTES)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The slug of the tag that `content/REL` describes: `tags/Energy/Oil and gas.md` →
/// `energy/oil-and-gas`.
pub fn tag_note_slug(rel: &str) -> String {
    let path = walk::without_extension(rel);
    crate::text::tag_slug(path.strip_prefix("tags/").unwrap_or(path))
}

/// Reads and parses the entry `content/REL`; a draft is dropped unless `drafts` is set
/// (it is still checked).
pub fn read_entry(
    root: &Path,
    rel: &str,
    config: &Config,
    drafts: bool,
) -> (Option<Arc<Entry>>, Vec<Diagnostic>) {
    match entry::read_source(root, rel, config) {
        Ok(text) => {
            let (entry, problems) = Entry::parse(rel, text, config);
            (
                entry.filter(|e| drafts || !e.front.draft).map(Arc::new),
                problems,
            )
        }
        Err(d) => (None, vec![d]),
    }
}

/// Reads the section of folder `dir`, from its `_index.md` (`index`) when it has one.
pub fn read_section(
    root: &Path,
    dir: &str,
    index: Option<&String>,
    config: &Config,
) -> (Section, Vec<Diagnostic>) {
    match index {
        Some(rel) => match entry::read_source(root, rel, config) {
            Ok(text) => Section::parse(dir, Some((rel, text)), config),
            Err(d) => (Section::parse(dir, None, config).0, vec![d]),
        },
        None => Section::parse(dir, None, config),
    }
}

/// Reads and parses every file under `ROOT/content/`, in parallel. Drafts are dropped unless
/// `drafts` is set (they are still checked).
pub fn load(root: &Path, config: &Config, drafts: bool) -> Content {
    assemble(root, config, drafts, walk::walk(root, config), &Fresh)
}

/// Parsed entries and sections that a rebuild may keep instead of reading their files
/// again (`dossier serve` keeps those of files that did not change).
pub trait Reuse: Sync {
    fn entry(&self, rel: &str) -> Option<Arc<Entry>>;
    /// The section of folder `dir`, whose `_index.md` is `index`.
    fn section(&self, dir: &str, index: Option<&String>) -> Option<Arc<Section>>;
}

/// Reuses nothing: every file is read.
pub struct Fresh;

impl Reuse for Fresh {
    fn entry(&self, _: &str) -> Option<Arc<Entry>> {
        None
    }

    fn section(&self, _: &str, _: Option<&String>) -> Option<Arc<Section>> {
        None
    }
}

/// Makes the content of the files `found`, reading and parsing in parallel those that
/// `reuse` does not give.
pub fn assemble(
    root: &Path,
    config: &Config,
    drafts: bool,
    found: walk::Found,
    reuse: &dyn Reuse,
) -> Content {
    let mut diagnostics = found.problems;

    let parsed: Vec<(Option<Arc<Entry>>, Vec<Diagnostic>)> = found
        .entries
        .par_iter()
        .map(|rel| match reuse.entry(rel) {
            Some(entry) => (Some(entry), Vec::new()),
            None => read_entry(root, rel, config, drafts),
        })
        .collect();
    let mut entries = Vec::with_capacity(parsed.len());
    let mut tag_notes = Vec::new();
    for (entry, problems) in parsed {
        diagnostics.extend(problems);
        match entry {
            Some(e) if is_tag_note(&e.rel) => tag_notes.push(e),
            e => entries.extend(e),
        }
    }

    let mut sections = Vec::with_capacity(found.dirs.len());
    for dir in &found.dirs {
        let mut pages: Vec<&String> = found
            .sections
            .iter()
            .filter(|rel| walk::parent_dir(rel) == dir)
            .collect();
        // `_index.md` wins over a folder note, and the other is an error.
        pages.sort_by_key(|rel| !walk::is_section_index(rel));
        let mut pages = pages.into_iter();
        let index = pages.next();
        for other in pages {
            let first = config.content_file(index.map(String::as_str).unwrap_or_default());
            let folder = config.content_file(dir);
            diagnostics.push(
                Diagnostic::error(format!(
                    "the folder `{folder}` has two pages: `{first}` and this one"
                ))
                .in_file(config.content_file(other))
                .help("keep one of them (`folder_notes` in `site.yaml` names which notes are folder pages)"),
            );
        }
        // `content/tags/` holds the tags' descriptions: the tag index is Dossier's page,
        // and the pages of nested tags are the tags' own.
        if in_tag_notes(dir) {
            if let Some(rel) = index {
                diagnostics.push(
                    Diagnostic::warning(
                        "the tag index is Dossier's own page: this file is not shown",
                    )
                    .in_file(config.content_file(rel))
                    .help("describe a tag in `content/tags/<tag>.md`"),
                );
            }
            continue;
        }
        let section = match reuse.section(dir, index) {
            Some(section) => section,
            None => {
                let (section, problems) = read_section(root, dir, index, config);
                diagnostics.extend(problems);
                Arc::new(section)
            }
        };
        sections.push(section);
    }

    let mut content = Content {
        entries,
        sections,
        tag_notes,
        assets: found.assets,
        diagnostics,
    };
    settle(&mut content, config);
    content
}

/// Gives each entry whose kind needs a date and that has none the `date` of its section's
/// `_index.md` (or of the nearest folder above it that has one); an entry that finds none
/// is an error and left out. Runs on every rebuild, also over entries kept from the last
/// one, so that an edited `_index.md` reaches them.
pub fn settle(content: &mut Content, config: &Config) {
    let mut problems = Vec::new();
    let entries = std::mem::take(&mut content.entries);
    content.entries = entries
        .into_iter()
        .filter_map(|entry| {
            settle_entry(entry, &content.sections, config)
                .map_err(|d| problems.push(d))
                .ok()
        })
        .collect();
    content.diagnostics.extend(problems);
}

/// [`settle`] for one entry: the entry, with its section's date where it takes it, or
/// the error when it needs a date and none is found.
pub fn settle_entry(
    entry: Arc<Entry>,
    sections: &[Arc<Section>],
    config: &Config,
) -> Result<Arc<Entry>, Diagnostic> {
    use front_matter::DateFrom;
    let section_date = |dir: &str| {
        let mut dir = dir;
        loop {
            let date = sections
                .iter()
                .find(|s| s.dir == dir)
                .and_then(|s| s.front.date);
            if date.is_some() || dir.is_empty() {
                return date;
            }
            dir = walk::parent_dir(dir);
        }
    };
    let front = &entry.front;
    let open = front.date.is_none() || front.date_from == DateFrom::Section;
    if !open || !config.kinds.needs_date(front.kind) {
        return Ok(entry);
    }
    match section_date(&entry.dir) {
        Some(date) if front.date == Some(date) => Ok(entry),
        Some(date) => {
            let mut inherited = Entry::clone(&entry);
            inherited.front.date = Some(date);
            inherited.front.date_from = DateFrom::Section;
            Ok(Arc::new(inherited))
        }
        None => {
            let pos = match front_matter::key_pos(&entry.source, "kind") {
                p if p.line > 1 => p,
                _ => crate::diagnostics::Pos::new(1, 1),
            };
            Err(Diagnostic::error(format!(
                "`date` is missing: every {} needs a date (YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known)",
                config.kinds.get(front.kind).name
            ))
            .kind(crate::diagnostics::Kind::FrontMatter)
            .in_file(&entry.file)
            .at(&entry.source, pos)
            .help("write `date:` in the front matter, start the file name with it (`2023-02-28-name.md`), or give the folder's `_index.md` a `date`"))
        }
    }
}
