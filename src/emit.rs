//! The emit stage, shared by `build`, `check` and `serve`: one list of every file the
//! site has ([`plan`]), one function that writes any part of it to a sink ([`emit`]), and
//! one place that says where each file goes ([`Output::files`]). `serve` hands [`emit`]
//! the outputs an edit made stale; `build` and `check` hand it all of them.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::files::asset_path;
use crate::diagnostics::Diagnostic;
use crate::graph::Site;
use crate::images::{Images, Shown};
use crate::markdown::highlight;
use crate::output::{Sink, feed, open_data, search, sitemap};
use crate::pages::{self, Page};
use crate::render::reads::{Deps, Maps, Reads, TagId, View};
use crate::render::redirect::To;
use crate::render::theme::StaticSource;
use crate::render::{Renderer, Theme};

/// One output of the site: a file, or for the sitemap the files of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Page(Page),
    /// The site's feed (`None`) or a tag's (an index into the site's tags).
    Feed(Option<usize>),
    Robots,
    HighlightCss,
    /// `search-index.js`, when the site has search.
    SearchIndex,
    /// `sitemap.xml`, and its parts when the site is too large for one file.
    Sitemaps,
    /// A static file of the theme or of `static/` (an index into the theme's statics).
    Static(usize),
    /// A file beside the entries in `content/` (an index into the assets).
    Asset(usize),
    /// The smaller copies of a picture that pages show (an index into the pictures).
    Variants(usize),
    /// The page at an old URL (an index into the site's redirects).
    Redirect(usize),
    /// `_redirects`: every old URL and where it leads, for hosts that read the file.
    RedirectRules,
    /// An entry's citation files, `cite.bib` and `cite.json` beside its page.
    Cite(crate::graph::EntryId),
    /// `data/dossier.json` and `data/relations.csv`: the site as open data.
    OpenData,
    /// `data/dossier.schema.json`: the JSON Schema of `dossier.json`.
    DataSchema,
}

/// What the outputs are made from.
pub struct Ctx<'a> {
    pub root: &'a Path,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub renderer: &'a Renderer,
    /// Files under `content/` that are not Markdown.
    pub assets: &'a [String],
    /// The pictures pages show that have variants, and the handle that writes them.
    pub pictures: &'a [Shown],
    pub images: &'a Images,
    /// Every page of the site.
    pub pages: &'a [Page],
    /// Each entry's search document, where the caller kept them; made here otherwise.
    pub search_docs: Option<&'a Arc<Vec<Arc<str>>>>,
    /// Each entry's part of the open-data files, where the caller kept them.
    pub open_data: Option<&'a Arc<Vec<open_data::Piece>>>,
    /// Whether to record what each page and feed reads (for `serve`; a build needs not).
    pub record: bool,
}

/// How many outputs of each kind but pages a site has: with the very same pages, two
/// sites of one shape have one plan, known without making it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    tags: usize,
    search: bool,
    statics: usize,
    assets: usize,
    pictures: usize,
    redirects: usize,
}

impl Shape {
    pub fn of(site: &Site, theme: &Theme, assets: &[String], pictures: &[Shown]) -> Shape {
        Shape {
            tags: site.tags.len(),
            search: site.config.search,
            statics: theme.statics.len(),
            assets: assets.len(),
            pictures: pictures.len(),
            redirects: site.redirects.len(),
        }
    }
}

/// Every output of the site: the pages (lists first, so that a long one does not render
/// alone at the end), the feeds, the data files, the static files, the assets and the
/// variants of the pictures.
pub fn plan(pages: &[Page], shape: Shape) -> Vec<Output> {
    let mut plan: Vec<Output> = pages.iter().map(|&p| Output::Page(p)).collect();
    plan.extend(pages.iter().filter_map(|p| match p {
        Page::Entry(id) => Some(Output::Cite(*id)),
        _ => None,
    }));
    plan.push(Output::Feed(None));
    plan.extend((0..shape.tags).map(|t| Output::Feed(Some(t))));
    plan.extend([
        Output::Robots,
        Output::HighlightCss,
        Output::Sitemaps,
        Output::OpenData,
        Output::DataSchema,
    ]);
    if shape.search {
        plan.push(Output::SearchIndex);
    }
    plan.extend((0..shape.statics).map(Output::Static));
    plan.extend((0..shape.assets).map(Output::Asset));
    plan.extend((0..shape.pictures).map(Output::Variants));
    plan.extend((0..shape.redirects).map(Output::Redirect));
    if shape.redirects > 0 {
        plan.push(Output::RedirectRules);
    }
    plan
}

/// Where redirect `i` of `site` leads (none past the last).
fn redirect_to(site: &Site, i: usize) -> Option<To> {
    use crate::graph::redirects::Owner;
    Some(match site.redirects.get(i)?.owner {
        Owner::Entry(e) => To::Entry(crate::graph::EntryId(e)),
        Owner::TagNote(n) => To::Tag(TagId(site.note_tags[n as usize]?)),
    })
}

/// The lines of `_redirects`: `FROM TO 301`, both root-relative under the base path.
fn redirect_rules(site: &Site) -> String {
    let config = &site.config;
    let mut rules = String::new();
    for i in 0..site.redirects.len() {
        let to = match redirect_to(site, i) {
            Some(To::Entry(e)) => site.entry(e).path.clone(),
            Some(To::Tag(t)) => pages::tag(&site.tags[t.0 as usize].slug),
            None => continue,
        };
        let from = config.url(&site.redirects[i].from);
        rules.push_str(&format!("{from} {} 301\n", config.url(&to)));
    }
    rules
}

impl Output {
    /// The site paths this output writes.
    pub fn files(self, ctx: &Ctx<'_>) -> Vec<String> {
        let site = ctx.site;
        match self {
            Output::Page(p) => vec![p.output_file(site)],
            Output::Feed(None) => vec![pages::FEED.into()],
            Output::Feed(Some(t)) => vec![pages::tag_feed(&site.tags[t].slug)],
            Output::Robots => vec![pages::ROBOTS.into()],
            Output::HighlightCss => vec![pages::HIGHLIGHT_CSS.into()],
            Output::SearchIndex => vec![pages::SEARCH_INDEX.into()],
            Output::Sitemaps => sitemap::names(ctx.pages),
            Output::Static(i) => vec![ctx.theme.statics[i].rel.clone()],
            Output::Asset(i) => vec![asset_path(&ctx.assets[i])],
            Output::Variants(i) => ctx.pictures[i]
                .variants
                .iter()
                .map(|v| v.rel.clone())
                .collect(),
            Output::Redirect(i) => site
                .redirects
                .get(i)
                .map(|r| pages::redirect_file(&r.from))
                .into_iter()
                .collect(),
            Output::RedirectRules => vec![pages::REDIRECTS.into()],
            Output::Cite(id) => {
                let path = &site.entry(id).path;
                vec![pages::cite_bib(path), pages::cite_json(path)]
            }
            Output::OpenData => vec![pages::DATA_JSON.into(), pages::RELATIONS_CSV.into()],
            Output::DataSchema => vec![pages::DATA_SCHEMA.into()],
        }
    }

    /// The same output in the new site.
    pub fn translate(self, maps: &Maps) -> Option<Output> {
        match self {
            Output::Page(p) => maps.page(p).map(Output::Page),
            Output::Cite(id) => maps.entry(id).map(Output::Cite),
            Output::Feed(Some(t)) => maps.tag_index(t).map(|t| Output::Feed(Some(t))),
            other => Some(other),
        }
    }

    /// Whether the output `new` of `new_site` is written where this one was in `old`.
    pub fn same_place(self, old: &Site, new: Output, new_site: &Site) -> bool {
        match (self, new) {
            (Output::Page(a), Output::Page(b)) => a.same_place(old, b, new_site),
            (Output::Cite(a), Output::Cite(b)) => {
                Page::Entry(a).same_place(old, Page::Entry(b), new_site)
            }
            (Output::Feed(Some(a)), Output::Feed(Some(b))) => {
                old.tags[a].slug == new_site.tags[b].slug
            }
            // The same old URL, to the page of the same file (or tag).
            (Output::Redirect(a), Output::Redirect(b)) => {
                let target = |site: &Site, i: usize| match redirect_to(site, i)? {
                    To::Entry(e) => Some(site.entry(e).rel.clone()),
                    To::Tag(t) => Some(format!("tag {}", site.tags[t.0 as usize].slug)),
                };
                let from = |site: &Site, i: usize| site.redirects.get(i).map(|r| r.from.clone());
                from(old, a).is_some()
                    && from(old, a) == from(new_site, b)
                    && target(old, a) == target(new_site, b)
            }
            (a, b) => a == b,
        }
    }
}

/// What writing some outputs did.
#[derive(Default)]
pub struct Emitted {
    /// What each rendered output read.
    pub recorded: rustc_hash::FxHashMap<Output, Deps>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Writes `outputs` to the sink, in parallel. `all` is every output of the site: a static
/// file or an asset may not take the place of another output.
pub fn emit(ctx: &Ctx<'_>, outputs: &[Output], all: &[Output], sink: &dyn Sink) -> Emitted {
    let copies = outputs
        .iter()
        .any(|o| matches!(o, Output::Static(_) | Output::Asset(_)));
    let generated: HashSet<String> = if copies {
        all.iter()
            .filter(|o| !matches!(o, Output::Static(_) | Output::Asset(_)))
            .flat_map(|o| o.files(ctx))
            .collect()
    } else {
        HashSet::new()
    };
    let done: Vec<(Output, Option<Deps>, Vec<Diagnostic>)> = outputs
        .par_iter()
        .map(|&o| {
            let (deps, problems) = write(ctx, o, &generated, sink);
            (o, deps, problems)
        })
        .collect();
    let mut emitted = Emitted::default();
    for (o, deps, problems) in done {
        if let Some(deps) = deps {
            emitted.recorded.insert(o, deps);
        }
        emitted.diagnostics.extend(problems);
    }
    emitted
}

fn write(
    ctx: &Ctx<'_>,
    output: Output,
    generated: &HashSet<String>,
    sink: &dyn Sink,
) -> (Option<Deps>, Vec<Diagnostic>) {
    let site = ctx.site;
    let put = |rel: &str, text: &str| sink.write(rel, text.as_bytes()).err();
    let problems: Vec<Diagnostic> = match output {
        Output::Page(page) => match ctx.renderer.render(site, page, ctx.record) {
            Ok((html, deps)) => {
                let problem = put(&page.output_file(site), &html);
                return (ctx.record.then_some(deps), problem.into_iter().collect());
            }
            Err(d) => vec![d],
        },
        Output::Feed(tag) => {
            let reads = Reads::new(View::new(site, ctx.renderer.shared()), ctx.record);
            let (path, xml) = match tag {
                None => (String::new(), feed::site_feed(&reads)),
                Some(t) => (pages::tag(&site.tags[t].slug), feed::tag_feed(&reads, t)),
            };
            let problem = put(&pages::feed(&path), &xml);
            let deps = ctx.record.then(|| reads.into_keys());
            return (deps, problem.into_iter().collect());
        }
        Output::Robots => put(pages::ROBOTS, &sitemap::robots(site))
            .into_iter()
            .collect(),
        Output::HighlightCss => match highlight::stylesheet(&site.config.highlight) {
            Ok(css) => put(pages::HIGHLIGHT_CSS, &css).into_iter().collect(),
            Err(e) => vec![Diagnostic::error(e).in_file(crate::config::CONFIG_FILE)],
        },
        Output::SearchIndex => match ctx.search_docs {
            Some(docs) if docs.len() == site.entries.len() => {
                sink.write_joined(pages::SEARCH_INDEX, search::index(site, Arc::clone(docs)))
            }
            _ => sink.write_with(pages::SEARCH_INDEX, &mut |w| search::write_index(site, w)),
        }
        .err()
        .into_iter()
        .collect(),
        Output::Sitemaps => sitemap::sitemaps(site, ctx.pages)
            .into_iter()
            .filter_map(|(name, xml)| put(&name, &xml))
            .collect(),
        Output::Static(i) => {
            let s = &ctx.theme.statics[i];
            copy(
                &s.rel,
                &s.source,
                &format!("static/{}", s.rel),
                generated,
                sink,
            )
        }
        Output::Asset(i) => {
            let rel = &ctx.assets[i];
            let config = &ctx.site.config;
            let source = StaticSource::Disk(config.content_dir(ctx.root).join(rel));
            copy(
                &asset_path(rel),
                &source,
                &config.content_file(rel),
                generated,
                sink,
            )
        }
        Output::Variants(i) => {
            let shown = &ctx.pictures[i];
            ctx.images
                .write_variants(&shown.source, &shown.variants, sink)
                .diagnostics
        }
        Output::Redirect(i) => {
            let Some(to) = redirect_to(site, i) else {
                return (None, Vec::new());
            };
            let (html, deps) = ctx.renderer.redirect(site, to, ctx.record);
            let problem = put(&pages::redirect_file(&site.redirects[i].from), &html);
            return (ctx.record.then_some(deps), problem.into_iter().collect());
        }
        Output::RedirectRules => put(pages::REDIRECTS, &redirect_rules(site))
            .into_iter()
            .collect(),
        Output::Cite(id) => {
            let reads = Reads::new(View::new(site, ctx.renderer.shared()), ctx.record);
            let path = &site.entry(id).path;
            let problems = [
                put(
                    &pages::cite_bib(path),
                    &crate::render::cite::bibtex(&reads, id),
                ),
                put(
                    &pages::cite_json(path),
                    &crate::render::cite::csl_json(&reads, id),
                ),
            ];
            let deps = ctx.record.then(|| reads.into_keys());
            return (deps, problems.into_iter().flatten().collect());
        }
        Output::OpenData => open_data::files(site, ctx.open_data)
            .into_iter()
            .filter_map(|(name, file)| sink.write_joined(name, file).err())
            .collect(),
        Output::DataSchema => put(pages::DATA_SCHEMA, open_data::SCHEMA)
            .into_iter()
            .collect(),
    };
    (None, problems)
}

/// Copies a file to the site path `rel`; `label` names it in errors.
fn copy(
    rel: &str,
    source: &StaticSource,
    label: &str,
    generated: &HashSet<String>,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    if generated.contains(rel) {
        return vec![
            Diagnostic::error(format!(
                "`{rel}` is a page Dossier writes; the file would replace it"
            ))
            .in_file(label.to_string()),
        ];
    }
    let written = match source {
        StaticSource::BuiltIn(bytes) => sink.write(rel, bytes),
        StaticSource::Disk(path) => sink.copy_file(rel, path, label),
    };
    written.err().into_iter().collect()
}
