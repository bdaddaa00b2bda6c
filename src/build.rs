//! The build, top to bottom: config → content → graph → templates → pages → output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Overrides};
use crate::content;
use crate::content::files::SiteFiles;
use crate::diagnostics::{Diagnostic, Diagnostics, LinkPolicy};
use crate::emit::{self, Output};
use crate::fs;
use crate::graph::{self, Site};
use crate::images::{Images, Shown, SiteSizes};
use crate::markdown::Highlighter;
use crate::output::atomic::{Foreign, Staging};
use crate::output::{DirSink, NullSink, Sink};
use crate::pages::Page;
use crate::render::reads::Deps;
use crate::render::{Renderer, Theme};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Render and write the site.
    Build,
    /// Render everything, write nothing.
    Check,
}

#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub strict: bool,
    /// `--links`: what link problems are, over `links:` of `site.yaml`.
    pub links: Option<LinkPolicy>,
    /// What to do with an output folder that is neither empty nor Dossier's (`--force`).
    pub foreign: Foreign,
    pub mode: Mode,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>, mode: Mode) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            strict: false,
            links: None,
            foreign: Foreign::Refuse,
            mode,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a run did: the counts for the summary line, and every problem.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Diagnostics,
    pub entries: usize,
    pub tag_pages: usize,
    pub other_pages: usize,
    pub elapsed: Duration,
    /// How long each stage took and the resident memory after it, for `--verbose`.
    pub stages: Vec<Stage>,
    /// Whether the output was written (always false for `check`).
    pub written: bool,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        !self.diagnostics.has_errors()
    }

    /// `48 entries, 18 tag pages, 14 other pages, 0 warnings in 92 ms`
    pub fn summary_line(&self) -> String {
        let errors = self.diagnostics.error_count();
        let mut line = [
            count(self.entries, "entry", "entries"),
            count(self.tag_pages, "tag page", "tag pages"),
            count(self.other_pages, "other page", "other pages"),
            count(self.diagnostics.warning_count(), "warning", "warnings"),
        ]
        .join(", ");
        if errors > 0 {
            line.push_str(&format!(", {}", count(errors, "error", "errors")));
        }
        let ms = self.elapsed.as_secs_f64() * 1000.0;
        if ms < 10_000.0 {
            line.push_str(&format!(" in {ms:.0} ms"));
        } else {
            line.push_str(&format!(" in {:.1} s", ms / 1000.0));
        }
        line
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One stage of a run, as `--verbose` prints it.
#[derive(Clone, Debug)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// Resident memory at the end of the stage, where the system tells it.
    pub resident: Option<u64>,
}

struct Timer {
    last: Instant,
    stages: Vec<Stage>,
}

impl Timer {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push(Stage {
            name,
            took: now - self.last,
            resident: fs::resident_bytes(),
        });
        self.last = now;
    }
}

/// Builds (or checks) the site at `opts.root`.
pub fn run(opts: &BuildOptions) -> Outcome {
    let start = Instant::now();
    let mut timer = Timer {
        last: start,
        stages: Vec::new(),
    };
    let mut outcome = Outcome::default();
    let mut diagnostics = Diagnostics::new();

    let overrides = Overrides {
        base_url: opts.base_url.clone(),
        links: opts.links,
    };
    let report = Config::load(&opts.root, &overrides);
    diagnostics.extend(report.diagnostics);
    let Some(config) = report.config else {
        let strict = opts.strict.then_some(opts.links.unwrap_or_default());
        return finish(outcome, diagnostics, strict, start, timer);
    };
    // `--strict` makes warnings errors, but for link problems under `links: warn`.
    let strict = opts.strict.then_some(config.links);
    let output = opts.output_dir();
    if opts.mode == Mode::Build
        && let Err(d) = check_output_dir(&opts.root, &output, &config.content)
    {
        diagnostics.push(d);
        return finish(outcome, diagnostics, strict, start, timer);
    }
    timer.lap("config");

    let Some(prepared) = prepare(
        &opts.root,
        config,
        opts.drafts,
        &mut diagnostics,
        &mut |stage| timer.lap(stage),
    ) else {
        return finish(outcome, diagnostics, strict, start, timer);
    };
    outcome.entries = prepared.site.entries.len();

    // Pages are rendered even when the content has errors, so that template errors are
    // reported in the same run; they are written only into a staging folder.
    let mut notes = Vec::new();
    let mut staging = if opts.mode == Mode::Build && !diagnostics.has_errors() {
        match Staging::create(&output, opts.foreign) {
            Ok(s) => Some(s),
            Err(d) => {
                diagnostics.push(d);
                return finish(outcome, diagnostics, strict, start, timer);
            }
        }
    } else {
        None
    };
    if let Some(s) = staging.as_mut() {
        notes.append(&mut s.notes);
    }
    let dir_sink = staging
        .as_mut()
        .map(|s| DirSink::reusing(&s.dir, std::mem::take(&mut s.reused)));
    let sink: &dyn Sink = match &dir_sink {
        Some(s) => s,
        None => &NullSink,
    };

    let (pages, _, _) = emit(
        &opts.root,
        &prepared,
        false,
        sink,
        &mut diagnostics,
        &mut |stage| timer.lap(stage),
    );
    outcome.tag_pages = pages.iter().filter(|p| p.is_tag_page()).count();
    outcome.other_pages = pages.len() - outcome.tag_pages - outcome.entries;

    if let Some(links) = strict {
        diagnostics.promote_warnings(links);
    }
    // Notes on folders beside the output are about this machine, not the site: they stay
    // warnings under --strict.
    diagnostics.extend(notes);
    if let Some(staging) = staging
        && !diagnostics.has_errors()
    {
        let removed = dir_sink.as_ref().map_or(Ok(()), DirSink::remove_unwritten);
        match removed.and_then(|()| staging.commit()) {
            Ok(notes) => {
                outcome.written = true;
                diagnostics.extend(notes);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    timer.lap("swap output");
    finish(outcome, diagnostics, None, start, timer)
}

/// Everything a site is rendered from: the graph, the theme, the compiled templates.
pub struct Prepared {
    pub site: Site,
    pub theme: Theme,
    pub renderer: Renderer,
    /// Files under `content/` that are not Markdown, copied beside the pages.
    pub assets: Vec<String>,
    /// The site's pictures: each read once, by every stage and every rebuild of `serve`
    /// (which forgets those that change).
    pub images: Arc<Images>,
    /// The pictures the pages show that have variants.
    pub pictures: Vec<Shown>,
}

impl Prepared {
    /// The sizes of the pictures the site's pages show.
    pub fn sizes(&self) -> SiteSizes<'_> {
        SiteSizes {
            images: &self.images,
            theme: &self.site.config.theme,
        }
    }
}

/// Reads the content, builds the graph and loads the theme. `None` when there is nothing
/// to render (the theme or its templates failed); content errors still give a site, so
/// that template errors are found in the same run.
pub fn prepare(
    root: &Path,
    config: Config,
    drafts: bool,
    diagnostics: &mut Diagnostics,
    lap: &mut dyn FnMut(&'static str),
) -> Option<Prepared> {
    prepare_with(root, config, drafts, None, diagnostics, lap)
}

/// [`prepare`] with the pictures read by an earlier build, when they were read with the
/// same `images` settings (`serve`, after a template or `site.yaml` changed).
pub fn prepare_with(
    root: &Path,
    config: Config,
    drafts: bool,
    images: Option<Arc<Images>>,
    diagnostics: &mut Diagnostics,
    lap: &mut dyn FnMut(&'static str),
) -> Option<Prepared> {
    let content_dir = config.content_dir(root);
    let images = images
        .filter(|i| *i.config() == config.images && i.content_dir() == content_dir)
        .unwrap_or_else(|| {
            Arc::new(Images::new(root, &config.images).reading_content_from(content_dir))
        });
    let content = content::load(root, &config, drafts);
    let assets = content.assets.clone();
    lap("read and parse");

    // The static files are known before the Markdown is rendered: references to them
    // resolve and are checked with the rest.
    let (theme, theme_problems) = Theme::load(root, &config);
    let files = SiteFiles::new(
        &assets,
        theme
            .iter()
            .flat_map(|t| t.statics.iter().map(|s| s.rel.as_str())),
    );
    let highlighter = Highlighter::new();
    let sizes = SiteSizes {
        images: &images,
        theme: &config.theme.clone(),
    };
    let (site, problems) = graph::build(config, content, files, &highlighter, &sizes, None);
    diagnostics.extend(problems);
    let pictures = sizes.shown(&site);
    lap("markdown and links");

    diagnostics.extend(theme_problems);
    let theme = theme?;
    let renderer = match Renderer::new(&site, &theme) {
        Ok(r) => r,
        Err(problems) => {
            diagnostics.extend(problems);
            return None;
        }
    };
    lap("templates");
    Some(Prepared {
        site,
        theme,
        renderer,
        assets,
        images,
        pictures,
    })
}

/// Renders every page and writes it, the feeds, the sitemap and the static files to the
/// sink, through the one emit stage. Returns the pages, the plan (every output, in the
/// order the emit stage takes them), and what each rendered output read when `record` is
/// set.
pub fn emit(
    root: &Path,
    prepared: &Prepared,
    record: bool,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
    lap: &mut dyn FnMut(&'static str),
) -> (Vec<Page>, Vec<Output>, rustc_hash::FxHashMap<Output, Deps>) {
    let site = &prepared.site;
    let pages = Page::all(site);
    let shape = emit::Shape::of(site, &prepared.theme, &prepared.assets, &prepared.pictures);
    let plan = emit::plan(&pages, shape);
    let ctx = emit::Ctx {
        root,
        site,
        theme: &prepared.theme,
        renderer: &prepared.renderer,
        assets: &prepared.assets,
        pictures: &prepared.pictures,
        images: &prepared.images,
        pages: &pages,
        search_docs: None,
        open_data: None,
        record,
    };
    // Pages first, then the rest, so that `--verbose` tells the two apart.
    let (page_outputs, rest): (Vec<Output>, Vec<Output>) =
        plan.iter().partition(|o| matches!(o, Output::Page(_)));
    let mut done = emit::emit(&ctx, &page_outputs, &plan, sink);
    diagnostics.extend(std::mem::take(&mut done.diagnostics));
    lap("render pages");
    let (variants, rest): (Vec<Output>, Vec<Output>) =
        rest.iter().partition(|o| matches!(o, Output::Variants(_)));
    let more = emit::emit(&ctx, &rest, &plan, sink);
    diagnostics.extend(more.diagnostics);
    done.recorded.extend(more.recorded);
    lap("feeds, sitemap, static files");
    diagnostics.extend(emit::emit(&ctx, &variants, &plan, sink).diagnostics);
    diagnostics.extend(prepared.images.save_index());
    lap("picture variants");
    (pages, plan, done.recorded)
}

fn finish(
    mut outcome: Outcome,
    mut diagnostics: Diagnostics,
    strict: Option<LinkPolicy>,
    start: Instant,
    timer: Timer,
) -> Outcome {
    if let Some(links) = strict {
        diagnostics.promote_warnings(links);
    }
    diagnostics.sort_and_dedup();
    outcome.diagnostics = diagnostics;
    outcome.elapsed = start.elapsed();
    outcome.stages = timer.stages;
    outcome
}

/// The output folder must not be the site, hold it or the home folder, or sit inside the
/// folders the editor writes: the swap replaces the whole folder, and not even --force
/// may move those aside.
fn check_output_dir(root: &Path, output: &Path, content: &str) -> Result<(), Diagnostic> {
    let root = fs::absolute(root);
    let output = fs::absolute(output);
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!(
            "refusing to write the site to `{}`: {why}; choose another --output folder",
            fs::escaped(&output)
        )))
    };
    if output.parent().is_none() {
        return refuse("it is the root of the file system");
    }
    if root.starts_with(&output) {
        return refuse("it holds the site's own files");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && fs::absolute(Path::new(&home)).starts_with(&output)
    {
        return refuse("it holds the home folder");
    }
    if content == "." {
        // The notes are the root's files: only `public/` is left out of them.
        if output.starts_with(&root) && !output.starts_with(root.join("public")) {
            return refuse(
                "it is inside the content folder (`content: .`), which only `public/` is not part of",
            );
        }
    } else if output.starts_with(root.join(content)) {
        return refuse(&format!("it is inside `{content}`"));
    }
    for own in ["themes", "static", crate::config::CONFIG_FILE] {
        if output.starts_with(root.join(own)) {
            return refuse(&format!("it is inside `{own}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_may_not_hold_or_sit_inside_the_site_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root.join("public"), "content").is_ok());
        assert!(check_output_dir(&root, &tmp.path().join("elsewhere"), "content").is_ok());
        assert!(check_output_dir(&root, &root, "content").is_err());
        assert!(check_output_dir(&root, tmp.path(), "content").is_err());
        assert!(check_output_dir(&root, &root.join("content"), "content").is_err());
        assert!(check_output_dir(&root, &root.join("content/out"), "content").is_err());
        assert!(check_output_dir(&root, &root.join("static"), "content").is_err());
        assert!(check_output_dir(&root, &root.join("public/../content"), "content").is_err());
        // Notes at the root: only `public/` is not one of them.
        assert!(check_output_dir(&root, &root.join("public"), ".").is_ok());
        assert!(check_output_dir(&root, &root.join("site-out"), ".").is_err());
        assert!(check_output_dir(&root, &root.join("content"), "notes").is_ok());
        assert!(check_output_dir(&root, &root.join("notes/out"), "notes").is_err());
    }
}
