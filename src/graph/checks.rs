//! Checks over the whole graph: URLs taken twice, and links to headings that do not exist.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::sources::SourceInfo;
use super::{KindPage, TagInfo};
use crate::config::Config;
use crate::content::files::SiteFiles;
use crate::content::front_matter::OldUrl;
use crate::content::{Entry, Section};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::markdown::{self, Problem, Rendered};
use crate::pages::RESERVED_PATHS;

/// Who writes a page, for naming both sides of a clash. Ordered so that Dossier's own
/// pages come first: they keep their URL and the other side is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    /// A page Dossier writes whatever the content (`tags/`: the tag index).
    Dossier(&'static str),
    /// The list of a kind, by index into the kind pages.
    Kind(usize),
    /// A tag's page, by index into the tags.
    Tag(usize),
    /// A folder of `content/` (not one a kind page takes as its text).
    Section(usize),
    /// An entry, by index; those whose URL comes from their file name (no `slug`) first,
    /// so that of two entries the one whose `slug` takes the URL is reported.
    Entry { slug: bool, index: usize },
    /// An old URL redirected to a page, by index into the redirects: a page keeps its URL.
    Redirect(usize),
}

/// What a build needs to know every URL it will write.
pub(super) struct Pages<'a> {
    pub config: &'a Config,
    pub entries: &'a super::seen::Entries<'a>,
    pub sections: &'a [Arc<Section>],
    pub tags: &'a [TagInfo],
    pub kind_pages: &'a [KindPage],
    /// Whether the site has a map page (some entry has a location).
    pub map: bool,
    pub tag_notes: &'a [Arc<Entry>],
    pub redirects: &'a [super::redirects::Redirect],
}

impl Pages<'_> {
    /// The file of who wrote a redirect, its text, and its old URLs.
    fn owner(&self, owner: super::redirects::Owner) -> (&str, &str, &[OldUrl]) {
        match owner {
            super::redirects::Owner::Entry(i) => {
                let e = self.entries.get(super::EntryId(i));
                (e.file(), e.source(), e.redirect_from())
            }
            super::redirects::Owner::TagNote(i) => {
                let e = &self.tag_notes[i as usize];
                (&e.file, &e.source, &e.front.redirect_from)
            }
        }
    }

    fn describe(&self, claim: Claim) -> String {
        match claim {
            Claim::Dossier(what) => what.to_string(),
            Claim::Kind(k) => {
                let kind = self.config.kinds.get(self.kind_pages[k].kind);
                format!("the kind page of {}", kind.plural)
            }
            Claim::Tag(t) => format!("the tag page of `{}`", self.tags[t].name),
            Claim::Section(i) => format!("the section {}", section_folder(&self.sections[i])),
            Claim::Entry { index, .. } => {
                format!(
                    "the entry {}",
                    self.entries.get(super::EntryId(index as u32)).file()
                )
            }
            Claim::Redirect(r) => {
                let r = &self.redirects[r];
                format!("the redirect from /{} in {}", r.from, self.owner(r.owner).0)
            }
        }
    }

    /// An error about `claim` at its file (at the `slug` of an entry that has one).
    fn error_at(&self, claim: Claim, message: String) -> Diagnostic {
        match claim {
            Claim::Entry { index, .. } => {
                let entry = self.entries.get(super::EntryId(index as u32));
                let d = Diagnostic::error(message).in_file(entry.file());
                let (slug, permalink) = entry.sets_url();
                if permalink {
                    let pos = crate::content::front_matter::key_pos(entry.source(), "permalink");
                    d.at(entry.source(), pos)
                        .help("give the entry another `permalink`")
                } else if slug {
                    let pos = crate::content::front_matter::key_pos(entry.source(), "slug");
                    d.at(entry.source(), pos)
                        .help("give the entry another `slug`")
                } else {
                    d.help("give the entry a `slug`, or another file name or folder")
                }
            }
            Claim::Section(i) => {
                let section = &self.sections[i];
                let folder = section_folder(section);
                let d = Diagnostic::error(message).help(format!("rename the folder `{folder}`"));
                match &section.file {
                    Some(file) => d.in_file(file),
                    None => d.in_file(folder),
                }
            }
            // A kind's URL comes from its `plural` in site.yaml; a tag's or one of
            // Dossier's own pages always comes first, so it is never the one reported.
            Claim::Kind(_) => Diagnostic::error(message)
                .in_file(crate::config::CONFIG_FILE)
                .help("give the kind another `plural`"),
            Claim::Tag(_) | Claim::Dossier(_) => {
                Diagnostic::error(message).in_file(crate::config::CONFIG_FILE)
            }
            Claim::Redirect(r) => {
                let r = &self.redirects[r];
                let (file, source, urls) = self.owner(r.owner);
                let url = &urls[r.n];
                Diagnostic::error(message)
                    .in_file(file)
                    .at(source, url.pos)
                    .width(url.path.chars().count() + 1)
                    .help("a redirect needs a URL that no page and no other redirect has")
            }
        }
    }
}

fn section_folder(section: &Section) -> String {
    if section.dir.is_empty() {
        "content/".to_string()
    } else {
        format!("content/{}/", section.dir)
    }
}

/// Every page URL the build will write, claimed once before any page is rendered: two
/// claims of one URL are an error naming both sides, and so is a page on a URL that only
/// Dossier writes (`…/page/2/`, `__dossier/`). Reported in URL order, whatever order the
/// files were read in.
pub(super) fn check_paths(pages: &Pages<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut claims: Vec<(Cow<'_, str>, Claim)> = RESERVED_PATHS
        .iter()
        .map(|(path, what)| (Cow::Borrowed(*path), Claim::Dossier(what)))
        .collect();
    if pages.map {
        claims.push((Cow::Borrowed(crate::pages::MAP), Claim::Dossier("the map")));
    }
    if !pages.config.publishers.is_empty() {
        claims.push((
            Cow::Borrowed(crate::pages::PUBLISHERS),
            Claim::Dossier("the register of publishers"),
        ));
    }
    // A redirect may be a file (`old.html`): not the one Dossier writes for missing pages.
    claims.push((
        Cow::Borrowed(crate::pages::NOT_FOUND),
        Claim::Dossier("the page for missing pages"),
    ));
    claims.extend(
        pages
            .kind_pages
            .iter()
            .enumerate()
            .map(|(k, page)| (Cow::Borrowed(page.path.as_str()), Claim::Kind(k))),
    );
    claims.extend(
        pages
            .tags
            .iter()
            .enumerate()
            .map(|(t, tag)| (Cow::Owned(crate::pages::tag(&tag.slug)), Claim::Tag(t))),
    );
    // The content folder itself is the home page, and a folder named after a kind is the
    // text of the kind's page.
    let sections = pages
        .sections
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| !pages.kind_pages.iter().any(|k| k.section == Some(*i)));
    for (i, section) in sections {
        claims.push((Cow::Borrowed(section.path.as_str()), Claim::Section(i)));
    }
    for entry in pages.entries.iter() {
        let (slug, permalink) = entry.sets_url();
        let claim = Claim::Entry {
            slug: slug || permalink,
            index: entry.id.index(),
        };
        claims.push((Cow::Borrowed(entry.path()), claim));
    }
    for (r, redirect) in pages.redirects.iter().enumerate() {
        claims.push((Cow::Borrowed(redirect.from.as_str()), Claim::Redirect(r)));
    }

    let mut diagnostics_of_reserved = |path: &str, claim: Claim| {
        let page_of_list = is_page_of_list(path);
        if !page_of_list && !path.starts_with("__dossier/") {
            return false;
        }
        let mut d = pages.error_at(
            claim,
            format!("the URL /{path} is one Dossier writes itself"),
        );
        if page_of_list {
            d = d.help("`page/N/` in a folder is where a list goes on after its first page");
        }
        diagnostics.push(d);
        true
    };
    claims.retain(|(path, claim)| {
        matches!(claim, Claim::Dossier(_)) || !diagnostics_of_reserved(path, *claim)
    });

    claims.sort_unstable();
    // The first claim of a URL keeps it; every later one is reported beside it.
    let mut owner: Option<(&str, Claim)> = None;
    for (path, claim) in &claims {
        match owner {
            Some((owned, first)) if owned == path => diagnostics.push(pages.error_at(
                *claim,
                format!(
                    "two pages have the URL /{path}: {} and {}",
                    pages.describe(first),
                    pages.describe(*claim)
                ),
            )),
            _ => owner = Some((path, *claim)),
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
            .width(width)
            .kind(problem.kind);
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
            let file = &entries[link.target as usize].file;
            if let Some(found) = target.obsidian_anchor(fragment, &format!("`{file}`")) {
                let (message, help) = found.err()?;
                return Some(Problem {
                    range: link.offset..link.offset + 1,
                    message,
                    help,
                    kind: crate::diagnostics::Kind::MissingHeading,
                });
            }
            if target.has_id(fragment) {
                return None;
            }
            Some(Problem {
                kind: crate::diagnostics::Kind::MissingHeading,
                range: link.offset..link.offset + 1,
                message: format!("`{file}` has no heading with the id `#{fragment}`"),
                help: markdown::nearest_id(fragment, &target.headings),
            })
        })
        .collect()
}

/// What a link written as a site path may lead to: every page, with the ids of those
/// whose text the site writes, and every file the site has or makes.
pub(super) struct SitePages<'a> {
    config: &'a Config,
    pages: &'a HashSet<String>,
    files: &'a SiteFiles,
    entries: &'a [Arc<Entry>],
    rendered: &'a [Arc<Rendered>],
    sections: &'a [Arc<Section>],
    section_rendered: &'a [Arc<Rendered>],
    /// The pages whose text is Markdown, by site path: an entry's (`Ok`) or a section's
    /// (`Err`), by index.
    texts: std::collections::HashMap<&'a str, Result<usize, usize>>,
    /// The entries whose text has site paths, by index.
    linking: &'a [u32],
    /// The anchors of `/sources/`, gathered when a link needs them.
    sources: std::sync::OnceLock<HashSet<&'a str>>,
    source_list: &'a [SourceInfo],
}

impl<'a> SitePages<'a> {
    pub(super) fn new(
        config: &'a Config,
        pages: &'a HashSet<String>,
        files: &'a SiteFiles,
        (entries, rendered, linking): (&'a [Arc<Entry>], &'a [Arc<Rendered>], &'a [u32]),
        (sections, section_rendered): (&'a [Arc<Section>], &'a [Arc<Rendered>]),
        sources: &'a [SourceInfo],
    ) -> Self {
        let has_fragment = |r: &Rendered| r.site_paths.iter().any(|l| l.fragment.is_some());
        let fragments = linking.iter().any(|&i| has_fragment(&rendered[i as usize]))
            || section_rendered.iter().any(|r| has_fragment(r));
        let mut texts = std::collections::HashMap::new();
        if fragments {
            texts.extend(
                sections
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.path.as_str(), Err(i))),
            );
            texts.extend(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.path.as_str(), Ok(i))),
            );
        }
        SitePages {
            config,
            pages,
            files,
            entries,
            rendered,
            sections,
            section_rendered,
            texts,
            linking,
            sources: std::sync::OnceLock::new(),
            source_list: sources,
        }
    }

    fn is_page(&self, path: &str) -> bool {
        self.pages.contains(path) || self.pages.contains(&format!("{path}/"))
    }

    /// A file that Dossier writes itself: a page's `index.html`, a feed, the sitemap …
    fn is_written(&self, path: &str) -> bool {
        use crate::pages;
        let fixed = [
            pages::NOT_FOUND,
            pages::FEED,
            pages::ROBOTS,
            pages::HIGHLIGHT_CSS,
            pages::SITEMAP,
        ];
        if fixed.contains(&path) || (self.config.search && path == pages::SEARCH_INDEX) {
            return true;
        }
        let page_of = |file: &str| {
            path.strip_suffix(file)
                .filter(|p| p.is_empty() || p.ends_with('/'))
        };
        page_of("index.html").is_some_and(|p| self.pages.contains(p))
            || page_of(pages::FEED)
                .is_some_and(|p| p.starts_with(pages::TAGS) && self.pages.contains(p))
    }

    /// Why the fragment of a link to the page at `path` names nothing on it, if it does.
    fn fragment_problem(&self, path: &str, fragment: &str) -> Option<(String, Option<String>)> {
        let key = if path.is_empty() || path.ends_with('/') {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(format!("{path}/"))
        };
        if key == crate::pages::SOURCES {
            let sources = self
                .sources
                .get_or_init(|| self.source_list.iter().map(|s| s.anchor.as_str()).collect());
            if sources.contains(fragment) || markdown::RESERVED_IDS.contains(&fragment) {
                return None;
            }
            return Some((
                format!("`/sources/` lists no source with the anchor `#{fragment}`"),
                crate::text::suggestion(fragment, sources.iter().copied()),
            ));
        }
        // The ids of other pages of Dossier's own are the theme's.
        let (rendered, named) = match self.texts.get(key.as_ref())? {
            Ok(i) => (&self.rendered[*i], format!("`{}`", self.entries[*i].file)),
            Err(i) => (
                &self.section_rendered[*i],
                match &self.sections[*i].file {
                    Some(file) => format!("`{file}`"),
                    None => format!("the page `/{key}`"),
                },
            ),
        };
        if let Some(found) = rendered.obsidian_anchor(fragment, &named) {
            return found.err();
        }
        if rendered.has_id(fragment) {
            return None;
        }
        Some((
            format!("{named} has no heading with the id `#{fragment}`"),
            markdown::nearest_id(fragment, &rendered.headings),
        ))
    }

    /// The problems of the links written as site paths in one page's Markdown.
    fn problems(&self, r: &Rendered) -> Vec<Problem> {
        let mut problems = Vec::new();
        for link in &r.site_paths {
            let path = link.path.as_str();
            let at = link.offset..link.offset + 1;
            let last = path.rsplit('/').next().unwrap_or("");
            if last.contains('.') {
                if !self.is_written(path) {
                    let mut candidates: Vec<&str> = self.files.content_files().collect();
                    candidates.extend(self.files.static_files());
                    problems.push(Problem {
                        kind: crate::diagnostics::Kind::MissingFile,
                        range: at,
                        message: format!(
                            "link to `/{path}`: there is no file `{path}` in `content/` or `static/`, and Dossier writes none"
                        ),
                        help: crate::text::did_you_mean(path, candidates)
                            .map(|c| format!("did you mean `/{c}`?")),
                    });
                }
                continue;
            }
            if !self.is_page(path) {
                problems.push(Problem {
                    kind: crate::diagnostics::Kind::MissingPage,
                    range: at,
                    message: format!("link to `/{path}`: the site has no such page"),
                    help: crate::text::suggestion(path, self.pages.iter().map(String::as_str)),
                });
                continue;
            }
            if let Some(fragment) = &link.fragment
                && let Some((message, help)) = self.fragment_problem(path, fragment)
            {
                problems.push(Problem {
                    kind: crate::diagnostics::Kind::MissingHeading,
                    range: at,
                    message,
                    help,
                });
            }
        }
        problems
    }
}

/// Links written as site paths (`/tags/x/`, `/images/x.png`, `/places/#history`) and
/// links to section pages must lead to a page or a file of the site, and their
/// fragments to an id on that page (where the site's text gives the page its ids).
pub(super) fn check_site_paths(pages: &SitePages<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &i in pages.linking {
        let (entry, r) = (&pages.entries[i as usize], &pages.rendered[i as usize]);
        if !r.site_paths.is_empty() {
            let problems = pages.problems(r);
            report_problems(
                &entry.file,
                &entry.source,
                entry.body_offset,
                &problems,
                &mut out,
            );
        }
    }
    for (section, r) in pages.sections.iter().zip(pages.section_rendered) {
        if let Some(file) = &section.file
            && !r.site_paths.is_empty()
        {
            let problems = pages.problems(r);
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

/// A page whose text may embed others: an entry or a section, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Page {
    Entry(usize),
    Section(usize),
}

/// An embed that shows, at once or through other embeds, itself again (a note embedding
/// itself, or a section of itself that holds the embed) is an error at the embed that
/// starts the cycle, naming what it shows in order (`content/a.md → content/b.md#part →
/// content/a.md`). `embedding`: the entries whose text embeds another's.
pub(super) fn check_embed_cycles(
    (entries, rendered, embedding): (&[Arc<Entry>], &[Arc<Rendered>], &[u32]),
    sections: &[Arc<Section>],
    section_rendered: &[Arc<Rendered>],
) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let embedding_sections: Vec<usize> = (0..sections.len())
        .filter(|&i| !section_rendered[i].embeds.is_empty())
        .collect();
    if embedding.is_empty() && embedding_sections.is_empty() {
        return Vec::new();
    }
    let by_path: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.path.as_str(), i))
        .collect();
    let text = |p: Page| match p {
        Page::Entry(i) => &*rendered[i],
        Page::Section(i) => &*section_rendered[i],
    };
    // What an embed shows: a page, and the part of it (none: all of it).
    type Shown<'f> = (Page, Option<&'f str>);
    let shown = |e: &'_ markdown::Embed| -> Option<Page> {
        match &e.target {
            markdown::EmbedTarget::Entry(i) => Some(Page::Entry(*i as usize)),
            markdown::EmbedTarget::Section(path) => {
                by_path.get(path.as_str()).map(|&i| Page::Section(i))
            }
        }
    };
    // The embeds inside what `node` shows, by their number on its page.
    let inside = |(page, fragment): Shown<'_>| -> Vec<usize> {
        let r = text(page);
        let Some((range, _)) = r.part(fragment) else {
            return Vec::new();
        };
        r.embed_positions()
            .into_iter()
            .enumerate()
            .filter(|(_, at)| at.is_some_and(|at| range.contains(&at)))
            .map(|(n, _)| n)
            .collect()
    };
    let name = |(page, fragment): Shown<'_>| {
        let file = match page {
            Page::Entry(i) => entries[i].file.clone(),
            Page::Section(i) => sections[i]
                .file
                .clone()
                .unwrap_or_else(|| format!("the page of the folder `{}`", sections[i].dir)),
        };
        match fragment {
            Some(f) => format!("{file}#{f}"),
            None => file,
        }
    };
    // Whether every embed reachable from a node is looked at (`true`), or it is on the
    // path being walked (`false`).
    let mut done: HashMap<Shown<'_>, bool> = HashMap::new();
    let mut out = Vec::new();
    let starts = embedding
        .iter()
        .map(|&i| Page::Entry(i as usize))
        .chain(embedding_sections.into_iter().map(Page::Section));
    for start in starts {
        let start: Shown<'_> = (start, None);
        if done.contains_key(&start) {
            continue;
        }
        // Each node on the path from `start`, its embeds, and how many of them are walked.
        let mut path: Vec<(Shown<'_>, Vec<usize>, usize)> = vec![(start, inside(start), 0)];
        done.insert(start, false);
        while let Some((node, embeds, next)) = path.last_mut() {
            let node = *node;
            let Some(&n) = embeds.get(*next) else {
                done.insert(node, true);
                path.pop();
                continue;
            };
            *next += 1;
            let embed = &text(node.0).embeds[n];
            let Some(page) = shown(embed) else { continue };
            let to: Shown<'_> = (page, embed.fragment.as_deref());
            match done.get(&to) {
                Some(true) => {}
                Some(false) => {
                    let Some(from) = path.iter().position(|(n, _, _)| *n == to) else {
                        continue;
                    };
                    let (first, embeds, walked) = &path[from];
                    let opening = &text(first.0).embeds[embeds[walked - 1]];
                    let mut chain: Vec<String> =
                        path[from..].iter().map(|(n, _, _)| name(*n)).collect();
                    chain.push(name(to));
                    let problem = Problem {
                        range: opening.offset..opening.offset + opening.written.len() + 5,
                        message: format!(
                            "this embed shows itself again, through embeds: {}",
                            chain.join(" → ")
                        ),
                        help: Some(
                            "an embed cannot show what holds it; link to it with `[[…]]`"
                                .to_string(),
                        ),
                        kind: crate::diagnostics::Kind::Other,
                    };
                    match first.0 {
                        Page::Entry(i) => {
                            let e = &entries[i];
                            report_problems(
                                &e.file,
                                &e.source,
                                e.body_offset,
                                &[problem],
                                &mut out,
                            );
                        }
                        Page::Section(i) => {
                            let s = &sections[i];
                            if let Some(f) = &s.file {
                                report_problems(f, &s.source, s.body_offset, &[problem], &mut out);
                            }
                        }
                    }
                }
                None => {
                    done.insert(to, false);
                    path.push((to, inside(to), 0));
                }
            }
        }
    }
    out
}
