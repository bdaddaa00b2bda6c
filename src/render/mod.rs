//! Pages: the Tera environment (loaded once), and one function per kind of page.

pub mod chronology;
pub mod cite;
pub mod embeds;
pub mod entity_graph;
pub mod json_ld;
pub mod map;
pub mod positions;
pub mod reads;
pub mod redirect;
pub mod svg;
pub mod theme;
pub mod views;

use std::sync::Arc;

use tera::{Context, ErrorKind, Tera, Value};

use crate::diagnostics::{Diagnostic, Pos};
use crate::graph::{EntryId, Site};
use crate::markdown::highlight::has_mermaid;
pub use crate::pages::Page;
use crate::pages::{self, page_count, page_of, page_range};
use reads::{
    DateOf, Deps, EntryData, KindPageOf, KindRef, KindValue, List, ListOf, Newest, PageList, Reads,
    SectionData, SectionId, SiteValue, SourceCount, SourceId, Subsections, TagFamily, TagId,
    TagName, TagNeighbours, TagNote, TagRef, TagValue, TimelineFilters, TopTags, View, YearIndex,
};
pub use theme::Theme;
use views::{Shared, obj, text};

/// About how many characters of an entry's text make its description, when it has no
/// `summary`.
const DESCRIPTION_LIMIT: usize = 200;

/// The templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "entry.html",
    "section.html",
    "kind.html",
    "tags.html",
    "tag.html",
    "timeline.html",
    "sources.html",
    "graph.html",
    "search.html",
    "404.html",
];

/// The Tera environment and the values shared by every page of one build. Cloned for each
/// rebuild of `dossier serve`: its parts are shared, not copied.
#[derive(Clone)]
pub struct Renderer {
    tera: Arc<Tera>,
    templates: Arc<Vec<theme::TemplateSource>>,
    shared: Arc<Shared>,
}

impl Renderer {
    /// Compiles the theme's templates once. Every template with a syntax error is reported.
    pub fn new(site: &Site, theme: &Theme) -> Result<Renderer, Vec<Diagnostic>> {
        let templates = theme.templates.clone();
        let mut problems = Vec::new();
        for t in &templates {
            let mut alone = Tera::new();
            if let Err(e) = alone.add_raw_template(&t.name, &t.text)
                && matches!(e.kind(), ErrorKind::SyntaxError(_))
            {
                problems.push(template_error(&e, &templates));
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        if problems.is_empty()
            && let Err(e) = tera.add_raw_templates(templates.iter().map(|t| (&t.name, &t.text)))
        {
            problems.push(template_error(&e, &templates));
        }
        // A theme made before maps existed builds a site without locations, and one made
        // before the picture of entities a site without typed relations.
        let map = (!site.located.is_empty()).then_some("map.html");
        let entities = pages::has_relations(site).then_some("entity-graph.html");
        let publishers = (!site.config.publishers.is_empty()).then_some("publishers.html");
        for name in REQUIRED_TEMPLATES
            .iter()
            .copied()
            .chain(map)
            .chain(entities)
            .chain(publishers)
        {
            if !templates.iter().any(|t| t.name == name) {
                problems.push(Diagnostic::error(format!(
                    "the theme has no `templates/{name}`, which Dossier needs to render its pages"
                )).in_file(format!("themes/{}", site.config.theme)));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Renderer {
            tera: Arc::new(tera),
            templates: Arc::new(templates),
            shared: Arc::new(Shared::new(site)),
        })
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Builds the values shared by every page again, for a changed site (the templates
    /// stay compiled), reusing what did not change since `previous`. Returns the previous
    /// values, for telling which pages changed.
    pub fn refresh(&mut self, site: &Site, previous: &Site) -> Arc<Shared> {
        let shared = Shared::reusing(site, Some((previous, &self.shared)));
        std::mem::replace(&mut self.shared, Arc::new(shared))
    }

    /// Renders one page to HTML, with what it read when `record` is set.
    pub fn render(
        &self,
        site: &Site,
        page: Page,
        record: bool,
    ) -> Result<(String, Deps), Diagnostic> {
        let reads = Reads::new(View::new(site, &self.shared), record);
        let html = self.render_from(&reads, page)?;
        Ok((html, reads.into_keys()))
    }

    /// The page at an old URL that leads to `to`, with what it read when `record` is set.
    pub fn redirect(&self, site: &Site, to: redirect::To, record: bool) -> (String, Deps) {
        let reads = Reads::new(View::new(site, &self.shared), record);
        let html = redirect::page(&reads, to);
        (html, reads.into_keys())
    }

    fn render_from(&self, reads: &Reads<'_>, page: Page) -> Result<String, Diagnostic> {
        let config = reads.config();
        let per = config.paginate_by;
        let mut ctx = Context::new();
        ctx.insert_value("site", reads.get(SiteValue).clone());
        let path = reads.path(page);
        // A list page shows its part of the list, and where it stands in it.
        let n = page.number();
        let (start, len) = match per {
            0 => (0, u32::MAX),
            per => (
                n.saturating_mul(u32::try_from(per).unwrap_or(u32::MAX)),
                u32::try_from(per).unwrap_or(u32::MAX),
            ),
        };
        let list_of = match page {
            Page::Section(i, _) => Some(ListOf::Section(SectionId(i as u32))),
            Page::Kind(k, _) => Some(ListOf::Kind(k as u32)),
            Page::Tag(t, _) => Some(ListOf::Tag(TagId(t as u32))),
            Page::Timeline(_) => Some(ListOf::Timeline),
            Page::TimelineKind(k, _) => Some(ListOf::TimelineKind(k)),
            Page::TimelineTag(t, _) => Some(ListOf::TimelineTag(TagId(t as u32))),
            _ => None,
        };
        let (part, total) = match (list_of, page) {
            (Some(of), _) => {
                let (part, total) = reads.get(List { of, start, len });
                (part, Some(total))
            }
            (None, Page::Sources(_)) => (&[][..], Some(reads.get(SourceCount))),
            _ => (&[][..], None),
        };
        let count = total.map_or(1, |t| page_count(t, per));
        if let Some(total) = total {
            ctx.insert_value("paginator", paginator(reads, page, total, count));
        }
        // The picture that stands for the page where it is shared (`og:image`).
        let mut image = Value::none();
        // Whether the page's text holds a Mermaid diagram: its template loads the script.
        let mut mermaid = false;
        let (title, description, kind) = match page {
            Page::Home => {
                let whole = reads.get(List {
                    of: ListOf::Section(SectionId(0)),
                    start: 0,
                    len: u32::MAX,
                });
                ctx.insert_value("section", section(reads, 0, whole.0));
                let newest =
                    reads.get(Newest(u32::try_from(config.feed.count).unwrap_or(u32::MAX)));
                ctx.insert_value("newest", views::cards(reads, newest));
                ctx.insert_value("top_tags", top_tags(reads, 12));
                let (root, r) = reads.get(SectionData(SectionId(0)));
                mermaid = has_mermaid(&embeds::body(reads, r, &r.html));
                let description = root
                    .front
                    .description
                    .clone()
                    .unwrap_or_else(|| config.description.clone());
                (config.title.clone(), description, "home")
            }
            Page::Entry(id) => {
                ctx.insert_value("entry", views::entry_page(reads, id));
                let (e, r) = reads.get(EntryData(id));
                mermaid = has_mermaid(&embeds::body(reads, r, &r.html));
                let description = e.front.summary.clone().unwrap_or_else(|| {
                    let first = if r.summary_text.trim().is_empty() {
                        &r.text
                    } else {
                        &r.summary_text
                    };
                    crate::text::description(first, DESCRIPTION_LIMIT)
                });
                image = views::image(reads, e, id);
                (e.front.title.clone(), description, "entry")
            }
            Page::Section(i, _) => {
                ctx.insert_value("section", section(reads, i, part));
                let (s, r) = reads.get(SectionData(SectionId(i as u32)));
                mermaid = has_mermaid(&embeds::body(reads, r, &r.html));
                (
                    s.title.clone(),
                    s.front.description.clone().unwrap_or_default(),
                    "section",
                )
            }
            Page::Kind(i, _) => {
                let (kind, section_index) = reads.get(KindPageOf(i as u32));
                let def = config.kinds.get(crate::config::KindId(kind as u16));
                let section_data = section_index.map(|s| reads.get(SectionData(s)));
                mermaid = section_data
                    .is_some_and(|(_, r)| has_mermaid(&embeds::body(reads, r, &r.html)));
                let section_data = section_data.map(|(s, _)| s);
                let title = section_data
                    .filter(|s| s.front.title.is_some())
                    .map_or_else(|| def.title_plural.clone(), |s| s.title.clone());
                let description = section_data
                    .and_then(|s| s.front.description.clone())
                    .unwrap_or_default();
                ctx.insert_value("kind", reads.get(KindValue(kind)).clone());
                ctx.insert_value(
                    "section",
                    section_index.map_or_else(Value::none, |s| section(reads, s.0 as usize, part)),
                );
                ctx.insert_value("entries", views::cards(reads, part));
                (title, description, "kind")
            }
            Page::Tags => {
                ctx.insert_value("tags", top_tags(reads, u32::MAX));
                (
                    "Tags".into(),
                    format!("Every tag of {}", config.title),
                    "tags",
                )
            }
            Page::Timeline(_) => {
                ctx.insert_value("years", timeline(reads, part));
                ctx.insert_value("year_index", reads.get(YearIndex).clone());
                ctx.insert_value("count", Value::from(total.unwrap_or(0)));
                ctx.insert_value("filter", Value::none());
                ctx.insert_value("filters", timeline_filters(reads));
                (
                    "Timeline".into(),
                    format!("Every dated entry of {} in date order", config.title),
                    "timeline",
                )
            }
            Page::TimelineKind(..) | Page::TimelineTag(..) => {
                let years = timeline(reads, part);
                // The years of this page, at their headings here.
                let index = views::list(years.as_array().into_iter().flatten().filter_map(|y| {
                    let year = y.as_map()?.get(&"year".into())?.clone();
                    let url = format!("{}#year-{year}", config.url(&path));
                    Some(obj([("year", year), ("url", text(&url))]))
                }));
                ctx.insert_value("years", years);
                ctx.insert_value("year_index", index);
                ctx.insert_value("count", Value::from(total.unwrap_or(0)));
                let (what, name, title) = match page {
                    Page::TimelineKind(k, _) => {
                        let v = reads.get(KindRef(u32::from(k)));
                        let field = |f: &'static str| {
                            v.as_map()
                                .and_then(|m| m.get(&f.into()))
                                .and_then(|x| x.as_str())
                                .unwrap_or_default()
                                .to_string()
                        };
                        ("kind", field("name"), field("title_plural"))
                    }
                    Page::TimelineTag(t, _) => {
                        let name = reads.get(TagName(TagId(t as u32))).to_string();
                        ("tag", name.clone(), name)
                    }
                    _ => unreachable!("a filtered timeline"),
                };
                ctx.insert_value(
                    "filter",
                    obj([
                        ("what", text(what)),
                        ("name", text(&name)),
                        ("title", text(&title)),
                        ("timeline_url", text(&config.url(pages::TIMELINE))),
                    ]),
                );
                ctx.insert_value("filters", timeline_filters(reads));
                (
                    format!("Timeline: {title}"),
                    match what {
                        "kind" => format!("{title} of {} in date order", config.title),
                        _ => format!("Entries tagged “{title}” in date order"),
                    },
                    "timeline",
                )
            }
            Page::Sources(_) => {
                let range = page_range(n, total.unwrap_or(0), per);
                let sources = views::list(
                    range.map(|s| views::source(reads, SourceId(s as u32), None, u32::MAX)),
                );
                ctx.insert_value("sources", sources);
                (
                    "Sources".into(),
                    format!("Every source cited in {}", config.title),
                    "sources",
                )
            }
            Page::Publishers => {
                ctx.insert_value("publishers", views::publishers(reads));
                (
                    "Publishers".into(),
                    format!("The publishers of the sources cited in {}", config.title),
                    "publishers",
                )
            }
            Page::Graph => {
                ctx.insert_value("graph_svg", views::html(&svg::tag_graph(reads, 60)));
                ctx.insert_value("tags", top_tags(reads, 60));
                (
                    "Graph of tags".into(),
                    "How the tags of the dossier go together".into(),
                    "graph",
                )
            }
            Page::EntityGraph => {
                let graph = entity_graph::page(reads);
                ctx.insert_value("graph_svg", views::html(&graph.svg));
                ctx.insert_value("kinds", graph.kinds);
                ctx.insert_value("relation_types", graph.types);
                ctx.insert_value("relations", graph.relations);
                ctx.insert_value("shown", Value::from(graph.shown));
                ctx.insert_value("left_out", Value::from(graph.left_out));
                (
                    "Graph of entities".into(),
                    format!("The entries of {} and their typed relations", config.title),
                    "graph",
                )
            }
            Page::Map => {
                ctx.insert_value("map_svg", views::html(&map::site_map(reads)));
                let (places, routes) = map::site_lists(reads);
                ctx.insert_value("places", places);
                ctx.insert_value("routes", routes);
                (
                    "Map".into(),
                    format!("Where the places of {} are", config.title),
                    "map",
                )
            }
            Page::Search => (
                "Search".into(),
                format!("Search {}", config.title),
                "search",
            ),
            Page::Tag(i, _) => {
                let t = TagId(i as u32);
                ctx.insert_value("tag", reads.get(TagValue(t)).clone());
                ctx.insert_value("entries", views::cards(reads, part));
                ctx.insert_value(
                    "neighbours",
                    views::list(reads.get(TagNeighbours(t)).into_iter().map(|(t, count)| {
                        obj([
                            ("tag", reads.get(TagRef(t)).clone()),
                            ("count", Value::from(count)),
                        ])
                    })),
                );
                let (parent, children) = reads.get(TagFamily(t));
                ctx.insert_value(
                    "parent",
                    parent.map_or_else(Value::none, |p| reads.get(TagRef(p)).clone()),
                );
                ctx.insert_value(
                    "children",
                    views::list(children.into_iter().map(|c| reads.get(TagValue(c)).clone())),
                );
                // Its dated entries have a timeline of their own.
                let (_, dated) = reads.get(List {
                    of: ListOf::TimelineTag(t),
                    start: 0,
                    len: 0,
                });
                ctx.insert_value(
                    "timeline_url",
                    if dated > 0 {
                        text(&config.url(&reads.path(Page::TimelineTag(i, 0))))
                    } else {
                        Value::none()
                    },
                );
                let name = reads.get(TagName(t));
                let note = reads.get(TagNote(t));
                ctx.insert_value(
                    "description",
                    note.map_or_else(Value::none, |(title, r)| {
                        let content = embeds::body(reads, r, &r.html);
                        obj([("title", text(title)), ("content", views::html(&content))])
                    }),
                );
                (
                    format!("Tag: {name}"),
                    format!("Entries tagged “{name}”"),
                    "tag",
                )
            }
            Page::NotFound => ("Page not found".into(), String::new(), "404"),
        };
        let title = match n {
            0 => title,
            n => format!("{title} (page {} of {count})", n + 1),
        };
        let json_ld = json_ld::page(reads, page, &title, &description, &path);
        ctx.insert_value(
            "page",
            obj([
                ("title", text(&title)),
                ("description", text(&description)),
                ("kind", text(kind)),
                ("url", text(&config.url(&path))),
                ("permalink", text(&config.permalink(&path))),
                (
                    "og_type",
                    text(if kind == "entry" {
                        "article"
                    } else {
                        "website"
                    }),
                ),
                ("image", image),
                ("mermaid", Value::from(mermaid)),
                ("json_ld", views::html(&json_ld)),
            ]),
        );
        self.tera
            .render(page.template(), &ctx)
            .map_err(|e| template_error(&e, &self.templates))
    }
}

/// Section `i`, with `entries` (its entries, or the part of them a page shows).
fn section(reads: &Reads<'_>, i: usize, entries: &[EntryId]) -> Value {
    let config = reads.config();
    let id = SectionId(i as u32);
    let (s, r) = reads.get(SectionData(id));
    let subsections = views::list(reads.get(Subsections(id)).into_iter().map(
        |(title, path, count)| {
            obj([
                ("title", text(title)),
                ("url", text(&config.url(path))),
                ("count", Value::from(count)),
            ])
        },
    ));
    obj([
        ("title", text(&s.title)),
        (
            "description",
            views::opt_text(s.front.description.as_deref()),
        ),
        ("url", text(&config.url(&s.path))),
        ("permalink", text(&config.permalink(&s.path))),
        ("content", views::html(&embeds::body(reads, r, &r.html))),
        ("entries", views::cards(reads, entries)),
        ("subsections", subsections),
        ("extra", Value::from_serializable(&s.front.extra)),
    ])
}

/// The dated entries `ids` grouped by year: `[{year, entries}]`, in their order.
fn timeline(reads: &Reads<'_>, ids: &[EntryId]) -> Value {
    let mut years: Vec<Value> = Vec::new();
    let mut current: Option<(i32, Vec<EntryId>)> = None;
    let flush = |(year, ids): (i32, Vec<EntryId>), years: &mut Vec<Value>| {
        years.push(obj([
            ("year", Value::from(year as i64)),
            ("entries", views::cards(reads, &ids)),
        ]));
    };
    for &id in ids {
        let year = reads.get(DateOf(id)).map_or(0, |d| d.year());
        match &mut current {
            Some((y, ids)) if *y == year => ids.push(id),
            _ => {
                if let Some(done) = current.take() {
                    flush(done, &mut years);
                }
                current = Some((year, vec![id]));
            }
        }
    }
    if let Some(done) = current {
        flush(done, &mut years);
    }
    Value::from(years)
}

/// The filters of the timeline: `{kinds, tags}`, the kinds (each `{kind, url}`) and tags
/// (each `{tag, url}`) that have dated entries, with the URL of their timeline.
fn timeline_filters(reads: &Reads<'_>) -> Value {
    let config = reads.config();
    let (kinds, tags) = reads.get(TimelineFilters);
    let kinds = views::list(kinds.iter().map(|&k| {
        obj([
            ("kind", reads.get(KindRef(u32::from(k))).clone()),
            (
                "url",
                text(&config.url(&reads.path(Page::TimelineKind(k, 0)))),
            ),
        ])
    }));
    let tags = views::list(tags.iter().map(|&t| {
        obj([
            ("tag", reads.get(TagRef(t)).clone()),
            (
                "url",
                text(&config.url(&reads.path(Page::TimelineTag(t.0 as usize, 0)))),
            ),
        ])
    }));
    obj([("kinds", kinds), ("tags", tags)])
}

/// The `n` most used tags, with their counts: most first, then by slug.
fn top_tags(reads: &Reads<'_>, n: u32) -> Value {
    views::list(
        reads
            .get(TopTags(n))
            .into_iter()
            .map(|t| reads.get(TagValue(t)).clone()),
    )
}

/// Every year of the timeline, with the URL of its heading on the page where it starts:
/// `[{year, url}]`.
fn year_index(site: &Site) -> Value {
    let mut years: Vec<Value> = Vec::new();
    let mut last = None;
    for (i, &id) in site.timeline.iter().enumerate() {
        let year = site.entry(id).front.date.map_or(0, |d| d.year());
        if last == Some(year) {
            continue;
        }
        last = Some(year);
        let page = Page::Timeline(page_of(i, site.config.paginate_by));
        let url = format!("{}#year-{year}", site.config.url(&page.path(site)));
        years.push(obj([
            ("year", Value::from(year as i64)),
            ("url", text(&url)),
        ]));
    }
    Value::from(years)
}

/// Where `page` stands in its list of `total` items, on `count` pages: `paginator` in
/// templates.
fn paginator(reads: &Reads<'_>, page: Page, total: usize, count: u32) -> Value {
    let config = reads.config();
    let count = count as usize;
    let n = page.number() as usize;
    let at = |i: Option<usize>| {
        i.filter(|&i| i < count).map_or_else(Value::none, |i| {
            text(&config.url(&reads.path(page.numbered(i as u32))))
        })
    };
    let first = page.numbered(0);
    let pages = reads
        .get(PageList(first))
        .cloned()
        .unwrap_or_else(|| page_list(config, count as u32, |i| reads.path(first.numbered(i))));
    obj([
        ("number", Value::from(n + 1)),
        ("count", Value::from(count)),
        ("per_page", Value::from(config.paginate_by)),
        ("total", Value::from(total)),
        ("first", at(Some(0))),
        ("last", at(Some(count - 1))),
        ("previous", at(n.checked_sub(1))),
        ("next", at(Some(n + 1))),
        ("pages", pages),
    ])
}

/// The pages of the list `page` is in: `[{number, url}]`. The same for every page of the
/// list, so made once a build for each list (in [`Shared`]).
fn page_list(config: &crate::config::Config, count: u32, path: impl Fn(u32) -> String) -> Value {
    views::list((0..count).map(|i| {
        obj([
            ("number", Value::from(i + 1)),
            ("url", text(&config.url(&path(i)))),
        ])
    }))
}

/// The page lists of every list of the site that has more than one page, by its first
/// page.
fn page_lists(site: &Site) -> std::collections::HashMap<Page, Value> {
    Page::all(site)
        .into_iter()
        .filter(|p| p.number() == 1)
        .map(|second| {
            let first = second.numbered(0);
            let count = first.siblings(site).count() as u32;
            (
                first,
                page_list(&site.config, count, |i| first.numbered(i).path(site)),
            )
        })
        .collect()
}

/// A Tera error as a diagnostic naming the template file, line and column.
fn template_error(e: &tera::Error, templates: &[theme::TemplateSource]) -> Diagnostic {
    let (report, what) = match e.kind() {
        ErrorKind::SyntaxError(r) => (Some(r), "template syntax error"),
        ErrorKind::RenderingError(r) => (Some(r), "template error"),
        _ => (None, "template error"),
    };
    match report {
        Some(r) => {
            let source = templates.iter().find(|t| t.name == r.filename());
            let file =
                source.map_or_else(|| format!("templates/{}", r.filename()), |t| t.file.clone());
            let span = r.span();
            let pos = Pos::new(span.start_line, span.start_col + 1);
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let d = Diagnostic::error(format!("{what}: {}", r.message())).in_file(file);
            match source {
                Some(t) => d.at(&t.text, pos).width(width),
                None => d.at_pos(pos),
            }
        }
        None => Diagnostic::error(format!("{what}: {e}")).in_file("templates"),
    }
}
