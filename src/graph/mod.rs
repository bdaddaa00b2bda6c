//! The site as an indexed graph: entries by id, and indexes of ids for sections, kinds,
//! names, links and backlinks. Nothing here is cloned into templates; the render stage
//! borrows from it.

pub mod links;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Content, Entry, Section};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::{self, Highlighter, Problem, Rendered};
use links::{EntryRef, NameIndex, PageLinks};

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
    /// Newest first, then by title.
    pub entries: Vec<EntryId>,
}

/// Site paths that Dossier writes itself; no entry or section may take them.
pub const RESERVED_PATHS: &[&str] = &[
    "tags/",
    "timeline/",
    "sources/",
    "graph/",
    "search/",
    "__dossier/",
];

pub struct Site {
    pub config: Config,
    /// Sorted by file path.
    pub entries: Vec<Entry>,
    pub rendered: Vec<Rendered>,
    /// Sorted by folder; the first is the content folder itself (the home page).
    pub sections: Vec<Section>,
    pub section_rendered: Vec<Rendered>,
    /// The entries directly in each section, in reading order.
    pub section_entries: Vec<Vec<EntryId>>,
    /// The index of each entry's section in `sections`.
    pub entry_section: Vec<usize>,
    pub names: NameIndex,
    pub backlinks: Vec<Vec<Backlink>>,
    /// Every entry, newest first (undated last), then by title.
    pub newest: Vec<EntryId>,
    /// Sorted by slug.
    pub tags: Vec<TagInfo>,
    pub tag_index: HashMap<String, usize>,
}

impl Site {
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id.index()]
    }

    pub fn ids(&self) -> impl Iterator<Item = EntryId> + use<> {
        (0..self.entries.len() as u32).map(EntryId)
    }

    /// The previous and next entries in the entry's section.
    pub fn neighbours(&self, id: EntryId) -> (Option<EntryId>, Option<EntryId>) {
        let list = &self.section_entries[self.entry_section[id.index()]];
        let Some(at) = list.iter().position(|&e| e == id) else {
            return (None, None);
        };
        let prev = at.checked_sub(1).map(|i| list[i]);
        let next = list.get(at + 1).copied();
        (prev, next)
    }
}

/// Reading order: weight first (lowest first, entries without one after), then newest
/// first, then by title.
pub fn reading_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    let weight = |e: &Entry| e.front.weight.unwrap_or(i64::MAX);
    weight(a)
        .cmp(&weight(b))
        .then_with(|| b.front.date.cmp(&a.front.date))
        .then_with(|| {
            a.front
                .title
                .to_lowercase()
                .cmp(&b.front.title.to_lowercase())
        })
        .then_with(|| a.rel.cmp(&b.rel))
}

/// Builds the graph (passing on the content's own diagnostics): indexes names, renders every entry's Markdown in parallel with its
/// links resolved, checks link anchors, and collects backlinks.
pub fn build(
    config: Config,
    content: Content,
    highlighter: &Highlighter,
) -> (Site, Vec<Diagnostic>) {
    let Content {
        mut entries,
        mut sections,
        diagnostics: mut content_diagnostics,
        ..
    } = content;
    entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    if sections.first().is_none_or(|s| !s.dir.is_empty()) {
        let (root, _) = Section::parse("", None, &config);
        sections.insert(0, root);
    }
    let mut diagnostics = std::mem::take(&mut content_diagnostics);
    diagnostics.extend(check_paths(&entries, &sections));

    let mut names = NameIndex::default();
    for (i, entry) in entries.iter().enumerate() {
        let front = &entry.front;
        let stem = entry.rel.trim_end_matches(".md").to_string();
        let names_of = [entry.slug.clone(), front.title.clone(), stem]
            .into_iter()
            .chain(front.aliases.iter().cloned());
        names.add_entry(EntryId(i as u32), &entry.rel, names_of);
    }
    // A section's page exists whether or not its folder has an `_index.md`.
    for section in &sections {
        let rel = if section.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", section.dir)
        };
        names.sections.insert(rel, section.path.clone());
    }

    let refs: Vec<EntryRef<'_>> = entries
        .iter()
        .map(|e| EntryRef {
            path: &e.path,
            file: &e.file,
            title: &e.front.title,
        })
        .collect();
    let render_one = |dir: &str, body: &str| {
        let links = PageLinks {
            index: &names,
            entries: &refs,
            from_dir: dir,
            base_path: &config.base_path,
        };
        markdown::render(body, &config.markdown, &links, highlighter)
    };
    let rendered: Vec<Rendered> = entries
        .par_iter()
        .map(|e| render_one(&e.dir, e.body()))
        .collect();
    let section_rendered: Vec<Rendered> = sections
        .par_iter()
        .map(|s| render_one(&s.dir, s.body()))
        .collect();

    for (entry, r) in entries.iter().zip(&rendered) {
        report_problems(
            &entry.file,
            &entry.source,
            entry.body_offset,
            &r.problems,
            &mut diagnostics,
        );
    }
    for (section, r) in sections.iter().zip(&section_rendered) {
        if let Some(file) = &section.file {
            report_problems(
                file,
                &section.source,
                section.body_offset,
                &r.problems,
                &mut diagnostics,
            );
        }
    }
    diagnostics.extend(check_anchors(&entries, &rendered));
    diagnostics.extend(check_anchors_of_sections(
        &sections,
        &section_rendered,
        &entries,
        &rendered,
    ));

    let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); entries.len()];
    for (from, r) in rendered.iter().enumerate() {
        for link in &r.links {
            let list = &mut backlinks[link.target as usize];
            let from = EntryId(from as u32);
            if link.target != from.0 && !list.iter().any(|b| b.from == from) {
                list.push(Backlink {
                    from,
                    context: link.context.clone(),
                });
            }
        }
    }

    let section_index: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.as_str(), i))
        .collect();
    let entry_section: Vec<usize> = entries
        .iter()
        .map(|e| section_index.get(e.dir.as_str()).copied().unwrap_or(0))
        .collect();
    let mut section_entries: Vec<Vec<EntryId>> = vec![Vec::new(); sections.len()];
    for (i, &s) in entry_section.iter().enumerate() {
        section_entries[s].push(EntryId(i as u32));
    }
    for list in &mut section_entries {
        list.sort_by(|a, b| reading_order(&entries[a.index()], &entries[b.index()]));
    }
    let mut newest: Vec<EntryId> = (0..entries.len() as u32).map(EntryId).collect();
    newest.sort_by(|a, b| {
        let (a, b) = (&entries[a.index()], &entries[b.index()]);
        b.front
            .date
            .cmp(&a.front.date)
            .then_with(|| {
                a.front
                    .title
                    .to_lowercase()
                    .cmp(&b.front.title.to_lowercase())
            })
            .then_with(|| a.rel.cmp(&b.rel))
    });

    let (tags, tag_index) = tag_index(&entries, &newest);

    let site = Site {
        config,
        entries,
        rendered,
        sections,
        section_rendered,
        section_entries,
        entry_section,
        names,
        backlinks,
        newest,
        tags,
        tag_index,
    };
    (site, diagnostics)
}

fn tag_index(entries: &[Entry], newest: &[EntryId]) -> (Vec<TagInfo>, HashMap<String, usize>) {
    let mut spellings: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut members: HashMap<&str, Vec<EntryId>> = HashMap::new();
    for &id in newest {
        for tag in &entries[id.index()].front.tags {
            *spellings
                .entry(&tag.slug)
                .or_default()
                .entry(&tag.name)
                .or_default() += 1;
            members.entry(&tag.slug).or_default().push(id);
        }
    }
    let mut tags: Vec<TagInfo> = members
        .into_iter()
        .map(|(slug, entries)| {
            let name = spellings[slug]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or(slug, |(name, _)| name);
            TagInfo {
                slug: slug.to_string(),
                name: name.to_string(),
                entries,
            }
        })
        .collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    let index = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();
    (tags, index)
}

/// Two pages with one URL, or a page on a URL Dossier needs for itself.
fn check_paths(entries: &[Entry], sections: &[Section]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for section in sections {
        let owner = section.file.as_deref().unwrap_or("content/");
        owners.entry(section.path.as_str()).or_insert(owner);
    }
    for entry in entries {
        let reserved = RESERVED_PATHS
            .iter()
            .any(|r| entry.path == *r || (entry.path.starts_with(r) && *r == "__dossier/"));
        if reserved {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the URL /{} is one Dossier writes itself; give the entry another `slug` or folder",
                    entry.path
                ))
                .in_file(&entry.file),
            );
            continue;
        }
        if let Some(other) = owners.insert(&entry.path, &entry.file) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "two pages have the URL /{}: {} and {}",
                    entry.path, other, entry.file
                ))
                .in_file(&entry.file)
                .help(format!(
                    "give one of them another `slug`, or rename `{other}`"
                )),
            );
        }
    }
    diagnostics
}

fn report_problems(
    file: &str,
    source: &str,
    body_offset: usize,
    problems: &[Problem],
    out: &mut Vec<Diagnostic>,
) {
    if problems.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    for problem in problems {
        let pos = index.pos(source, body_offset + problem.range.start);
        let width = source
            .get(body_offset + problem.range.start..body_offset + problem.range.end)
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        let mut d = Diagnostic::error(&problem.message)
            .in_file(file)
            .at(source, pos)
            .width(width);
        d.help = problem.help.clone();
        out.push(d);
    }
}

/// Every `entry.md#fragment` must name a heading of the entry it points to.
fn check_anchors(entries: &[Entry], rendered: &[Rendered]) -> Vec<Diagnostic> {
    entries
        .par_iter()
        .zip(rendered)
        .flat_map_iter(|(entry, r)| {
            let problems = anchor_problems(r, entries, rendered);
            let mut out = Vec::new();
            report_problems(
                &entry.file,
                &entry.source,
                entry.body_offset,
                &problems,
                &mut out,
            );
            out
        })
        .collect()
}

fn check_anchors_of_sections(
    sections: &[Section],
    section_rendered: &[Rendered],
    entries: &[Entry],
    rendered: &[Rendered],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (section, r) in sections.iter().zip(section_rendered) {
        if let Some(file) = &section.file {
            let problems = anchor_problems(r, entries, rendered);
            report_problems(
                file,
                &section.source,
                section.body_offset,
                &problems,
                &mut out,
            );
        }
    }
    out
}

fn anchor_problems(r: &Rendered, entries: &[Entry], rendered: &[Rendered]) -> Vec<Problem> {
    r.links
        .iter()
        .filter_map(|link| {
            let fragment = link.fragment.as_deref()?;
            let target = &rendered[link.target as usize];
            if target.has_id(fragment) {
                return None;
            }
            let file = &entries[link.target as usize].file;
            Some(Problem {
                range: link.offset..link.offset + 1,
                message: format!("`{file}` has no heading with the id `#{fragment}`"),
                help: markdown::nearest_id(fragment, &target.headings),
            })
        })
        .collect()
}
