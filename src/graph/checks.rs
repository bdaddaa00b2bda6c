//! Checks over the whole graph: URLs taken twice, and links to headings that do not exist.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::RESERVED_PATHS;
use crate::content::{Entry, Section};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::{self, Problem, Rendered};

/// Two pages with one URL, or a page on a URL Dossier needs for itself.
pub(super) fn check_paths(entries: &[Arc<Entry>], sections: &[Arc<Section>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut owners: HashMap<&str, &str> = HashMap::with_capacity(entries.len() + sections.len());
    for section in sections {
        let owner = section.file.as_deref().unwrap_or("content/");
        owners.entry(section.path.as_str()).or_insert(owner);
    }
    for entry in entries {
        let page_of_list = is_page_of_list(&entry.path);
        let reserved = page_of_list
            || entry.path.starts_with("__dossier/")
            || RESERVED_PATHS.contains(&entry.path.as_str());
        if reserved {
            let mut d = Diagnostic::error(format!(
                "the URL /{} is one Dossier writes itself; give the entry another `slug` or folder",
                entry.path
            ))
            .in_file(&entry.file);
            if page_of_list {
                d = d.help("`page/N/` in a folder is where a list goes on after its first page");
            }
            diagnostics.push(d);
            continue;
        }
        if let Some(other) = owners.insert(&entry.path, &entry.file) {
            // At the `slug` that makes the URL, if the entry has one.
            let pos = crate::content::front_matter::key_pos(&entry.source, "slug");
            diagnostics.push(
                Diagnostic::error(format!(
                    "two pages have the URL /{}: {} and {}",
                    entry.path, other, entry.file
                ))
                .in_file(&entry.file)
                .at(&entry.source, pos)
                .help(format!(
                    "give one of them another `slug`, or rename `{other}`"
                )),
            );
        }
    }
    diagnostics
}

/// Whether `path` is `…page/N/`, where the later pages of a list go.
fn is_page_of_list(path: &str) -> bool {
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let number = segments.next().unwrap_or("");
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && segments.next() == Some("page")
}

/// The problems of the Markdown of one file as errors.
pub(super) fn report_problems(
    file: &str,
    source: &str,
    body_offset: usize,
    problems: &[Problem],
    out: &mut Vec<Diagnostic>,
) {
    report(
        &|m| Diagnostic::error(m),
        file,
        source,
        body_offset,
        problems,
        out,
    );
}

/// The warnings of the Markdown of one file.
pub(super) fn report_warnings(
    file: &str,
    source: &str,
    body_offset: usize,
    problems: &[Problem],
    out: &mut Vec<Diagnostic>,
) {
    report(
        &|m| Diagnostic::warning(m),
        file,
        source,
        body_offset,
        problems,
        out,
    );
}

fn report(
    severity: &dyn Fn(&str) -> Diagnostic,
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
        let mut d = severity(&problem.message)
            .in_file(file)
            .at(source, pos)
            .width(width);
        d.help = problem.help.clone();
        out.push(d);
    }
}

/// Every `entry.md#fragment` of the entries `which` must name a heading of the entry it
/// points to.
pub(super) fn check_anchors(
    entries: &[Arc<Entry>],
    rendered: &[Arc<Rendered>],
    which: &[usize],
) -> Vec<Diagnostic> {
    which
        .par_iter()
        .flat_map_iter(|&i| {
            let (entry, r) = (&entries[i], &rendered[i]);
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

pub(super) fn check_anchors_of_sections(
    sections: &[Arc<Section>],
    section_rendered: &[Arc<Rendered>],
    entries: &[Arc<Entry>],
    rendered: &[Arc<Rendered>],
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

fn anchor_problems(
    r: &Rendered,
    entries: &[Arc<Entry>],
    rendered: &[Arc<Rendered>],
) -> Vec<Problem> {
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

/// Links written as site paths (`/tags/x/`) must lead to a page of the site. Paths of
/// files (`/style.css`) are not pages and are left to the output checks.
pub(super) fn site_path_problems(r: &Rendered, pages: &HashSet<String>) -> Vec<Problem> {
    r.site_paths
        .iter()
        .filter(|(path, _)| {
            let last = path.rsplit('/').next().unwrap_or("");
            !last.contains('.')
                && !pages.contains(path.as_str())
                && !pages.contains(&format!("{path}/"))
        })
        .map(|(path, offset)| Problem {
            range: *offset..*offset + 1,
            message: format!("link to `/{path}`: the site has no such page"),
            help: crate::text::suggestion(path, pages.iter().map(String::as_str)),
        })
        .collect()
}
