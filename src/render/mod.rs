//! Pages: the Tera environment (loaded once), and one function per kind of page.

pub mod svg;
pub mod theme;
pub mod views;

use tera::{Context, ErrorKind, Tera, Value};

use crate::diagnostics::{Diagnostic, Pos};
use crate::graph::{EntryId, Site};
pub use theme::Theme;
use views::{Shared, obj, text};

/// One page of the site. A list (a section, a kind, a tag, the timeline) is paginated: its
/// pages are numbered from 0, the first at the list's own URL and page `n` at `page/n+1/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Home,
    Entry(EntryId),
    /// A folder of `content/` that is neither the content folder itself (the home page)
    /// nor named after a kind (then it is that kind's page).
    Section(usize, u32),
    /// The index of a kind: an index into `Site::kind_pages`.
    Kind(usize, u32),
    Tags,
    Tag(usize, u32),
    Timeline(u32),
    /// `/sources/`, paginated by sources.
    Sources(u32),
    Graph,
    Search,
    NotFound,
}

/// How many pages a list of `len` entries takes, `per` to a page (0: all on one).
pub fn page_count(len: usize, per: usize) -> u32 {
    if per == 0 || len == 0 {
        1
    } else {
        u32::try_from(len.div_ceil(per)).unwrap_or(u32::MAX)
    }
}

impl Page {
    /// Every page of the site.
    pub fn all(site: &Site) -> Vec<Page> {
        let mut pages = vec![Page::Home, Page::NotFound, Page::Tags];
        pages.extend(Page::Timeline(0).siblings(site));
        pages.extend(Page::Sources(0).siblings(site));
        pages.push(Page::Graph);
        if site.config.search {
            pages.push(Page::Search);
        }
        // Lists first: one of them can hold every entry, and rendered last it would keep
        // one thread busy alone at the end.
        pages.extend((0..site.kind_pages.len()).flat_map(|k| Page::Kind(k, 0).siblings(site)));
        pages.extend((0..site.tags.len()).flat_map(|t| Page::Tag(t, 0).siblings(site)));
        pages.extend(
            (1..site.sections.len())
                .filter(|&i| !site.kind_pages.iter().any(|k| k.section == Some(i)))
                .flat_map(|i| Page::Section(i, 0).siblings(site)),
        );
        pages.extend(site.ids().map(Page::Entry));
        pages
    }

    /// The entries of the list this page is a page of, in their order.
    fn list<'s>(&self, site: &'s Site) -> Option<&'s [EntryId]> {
        match *self {
            Page::Section(i, _) => Some(&site.section_entries[i]),
            Page::Kind(k, _) => Some(&site.kind_pages[k].entries),
            Page::Tag(t, _) => Some(&site.tags[t].entries),
            Page::Timeline(_) => Some(&site.timeline),
            _ => None,
        }
    }

    /// How many items (entries, or sources) the list this page is a page of holds.
    fn list_len(&self, site: &Site) -> Option<usize> {
        match self {
            Page::Sources(_) => Some(site.sources.len()),
            _ => self.list(site).map(<[EntryId]>::len),
        }
    }

    /// The page's number in its list, from 0 (0 for pages that are not in a list).
    pub fn number(&self) -> u32 {
        match *self {
            Page::Section(_, n)
            | Page::Kind(_, n)
            | Page::Tag(_, n)
            | Page::Timeline(n)
            | Page::Sources(n) => n,
            _ => 0,
        }
    }

    fn numbered(self, n: u32) -> Page {
        match self {
            Page::Section(i, _) => Page::Section(i, n),
            Page::Kind(k, _) => Page::Kind(k, n),
            Page::Tag(t, _) => Page::Tag(t, n),
            Page::Timeline(_) => Page::Timeline(n),
            Page::Sources(_) => Page::Sources(n),
            other => other,
        }
    }

    /// Every page of the list this page is a page of, first to last; the page alone when
    /// it is not in a list.
    pub fn siblings(self, site: &Site) -> impl Iterator<Item = Page> + use<> {
        let count = self
            .list_len(site)
            .map_or(1, |len| page_count(len, site.config.paginate_by));
        (0..count).map(move |n| self.numbered(n))
    }

    /// The site path of the page's folder (`places/baku/`), or of the file for `404.html`.
    pub fn path(&self, site: &Site) -> String {
        let list = match self {
            Page::Home => String::new(),
            Page::Entry(id) => site.entry(*id).path.clone(),
            Page::Section(i, _) => site.sections[*i].path.clone(),
            Page::Kind(k, _) => site.kind_pages[*k].path.clone(),
            Page::Tags => "tags/".into(),
            Page::Tag(t, _) => format!("tags/{}/", site.tags[*t].slug),
            Page::Timeline(_) => "timeline/".into(),
            Page::Sources(_) => "sources/".into(),
            Page::Graph => "graph/".into(),
            Page::Search => "search/".into(),
            Page::NotFound => "404.html".into(),
        };
        match self.number() {
            0 => list,
            n => format!("{list}page/{}/", n + 1),
        }
    }

    /// The output file: `places/baku/index.html`.
    pub fn output_file(&self, site: &Site) -> String {
        match self {
            Page::NotFound => "404.html".into(),
            _ => format!("{}index.html", self.path(site)),
        }
    }

    pub fn template(&self) -> &'static str {
        match self {
            Page::Home => "index.html",
            Page::Entry(_) => "entry.html",
            Page::Section(..) => "section.html",
            Page::Kind(..) => "kind.html",
            Page::Tags => "tags.html",
            Page::Tag(..) => "tag.html",
            Page::Timeline(_) => "timeline.html",
            Page::Sources(_) => "sources.html",
            Page::Graph => "graph.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
        }
    }

    pub fn is_tag_page(&self) -> bool {
        matches!(self, Page::Tag(..) | Page::Tags)
    }
}

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

/// The Tera environment and the values shared by every page of one build.
#[derive(Clone)]
pub struct Renderer {
    tera: Tera,
    templates: Vec<theme::TemplateSource>,
    shared: Shared,
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
        for name in REQUIRED_TEMPLATES {
            if !templates.iter().any(|t| t.name == *name) {
                problems.push(Diagnostic::error(format!(
                    "the theme has no `templates/{name}`, which Dossier needs to render its pages"
                )).in_file(format!("themes/{}", site.config.theme)));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Renderer {
            tera,
            templates,
            shared: Shared::new(site),
        })
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Builds the values shared by every page again, for a changed site (the templates
    /// stay compiled), reusing what did not change since `previous`. Returns the previous
    /// values, for telling which pages changed.
    pub fn refresh(&mut self, site: &Site, previous: &Site) -> Shared {
        let shared = Shared::reusing(site, Some((previous, &self.shared)));
        std::mem::replace(&mut self.shared, shared)
    }

    /// Renders one page to HTML.
    pub fn render(&self, site: &Site, page: Page) -> Result<String, Diagnostic> {
        let config = &site.config;
        let mut ctx = Context::new();
        ctx.insert_value("site", self.shared.site.clone());
        let path = page.path(site);
        // A list page shows its part of the list, and where it stands in it.
        let range = page.list_len(site).map_or(0..0, |len| {
            ctx.insert_value("paginator", paginator(site, &self.shared, page, len));
            page_range(page.number(), len, config.paginate_by)
        });
        let part = page.list(site).map_or(&[][..], |ids| &ids[range.clone()]);
        let (title, description, kind) = match page {
            Page::Home => {
                let root = &site.sections[0];
                ctx.insert_value("section", self.section(site, 0, &site.section_entries[0]));
                let newest: Vec<EntryId> = site
                    .newest
                    .iter()
                    .copied()
                    .take(config.feed.count)
                    .collect();
                ctx.insert_value("newest", self.shared.cards(&newest));
                ctx.insert_value("top_tags", self.top_tags(site, 12));
                let description = root
                    .front
                    .description
                    .clone()
                    .unwrap_or_else(|| config.description.clone());
                (config.title.clone(), description, "home")
            }
            Page::Entry(id) => {
                let entry = views::entry_page(site, &self.shared, id);
                ctx.insert_value("entry", entry);
                let e = site.entry(id);
                let description = e
                    .front
                    .summary
                    .clone()
                    .unwrap_or_else(|| site.rendered[id.index()].summary_text.clone());
                (e.front.title.clone(), description, "entry")
            }
            Page::Section(i, _) => {
                ctx.insert_value("section", self.section(site, i, part));
                let s = &site.sections[i];
                (
                    s.title.clone(),
                    s.front.description.clone().unwrap_or_default(),
                    "section",
                )
            }
            Page::Kind(i, _) => {
                let k = &site.kind_pages[i];
                let def = config.kinds.get(k.kind);
                let section = k.section.map(|s| &site.sections[s]);
                let title = section
                    .filter(|s| s.front.title.is_some())
                    .map_or_else(|| def.title_plural.clone(), |s| s.title.clone());
                let description = section
                    .and_then(|s| s.front.description.clone())
                    .unwrap_or_default();
                ctx.insert_value("kind", self.shared.kinds[k.kind.0 as usize].clone());
                ctx.insert_value(
                    "section",
                    k.section
                        .map_or_else(Value::none, |s| self.section(site, s, part)),
                );
                ctx.insert_value("entries", self.shared.cards(part));
                (title, description, "kind")
            }
            Page::Tags => {
                ctx.insert_value("tags", self.top_tags(site, usize::MAX));
                (
                    "Tags".into(),
                    format!("Every tag of {}", config.title),
                    "tags",
                )
            }
            Page::Timeline(_) => {
                ctx.insert_value("years", self.timeline(site, part));
                ctx.insert_value("year_index", self.shared.year_index.clone());
                ctx.insert_value("count", Value::from(site.timeline.len()));
                (
                    "Timeline".into(),
                    format!("Every dated entry of {} in date order", config.title),
                    "timeline",
                )
            }
            Page::Sources(_) => {
                let sources = views::list(
                    range
                        .clone()
                        .map(|s| views::source(site, &self.shared, s, None, usize::MAX)),
                );
                ctx.insert_value("sources", sources);
                (
                    "Sources".into(),
                    format!("Every source cited in {}", config.title),
                    "sources",
                )
            }
            Page::Graph => {
                ctx.insert_value("graph_svg", views::html(&svg::tag_graph(site, 60)));
                ctx.insert_value("tags", self.top_tags(site, 60));
                (
                    "Graph of tags".into(),
                    "How the tags of the dossier go together".into(),
                    "graph",
                )
            }
            Page::Search => (
                "Search".into(),
                format!("Search {}", config.title),
                "search",
            ),
            Page::Tag(i, _) => {
                let tag = &site.tags[i];
                ctx.insert_value(
                    "tag",
                    obj([
                        ("name", text(&tag.name)),
                        ("slug", text(&tag.slug)),
                        ("url", text(&config.url(&Page::Tag(i, 0).path(site)))),
                        ("count", Value::from(tag.entries.len())),
                    ]),
                );
                ctx.insert_value("entries", self.shared.cards(part));
                ctx.insert_value(
                    "neighbours",
                    views::list(site.tag_neighbours[i].iter().map(|&(t, count)| {
                        obj([
                            ("tag", self.shared.tag_refs[t].clone()),
                            ("count", Value::from(count)),
                        ])
                    })),
                );
                (
                    format!("Tag: {}", tag.name),
                    format!("Entries tagged “{}”", tag.name),
                    "tag",
                )
            }
            Page::NotFound => ("Page not found".into(), String::new(), "404"),
        };
        let title = match page.number() {
            0 => title,
            n => format!(
                "{title} (page {} of {})",
                n + 1,
                page.siblings(site).count()
            ),
        };
        ctx.insert_value(
            "page",
            obj([
                ("title", text(&title)),
                ("description", text(&description)),
                ("kind", text(kind)),
                ("url", text(&config.url(&path))),
                ("permalink", text(&config.permalink(&path))),
            ]),
        );
        self.tera
            .render(page.template(), &ctx)
            .map_err(|e| template_error(&e, &self.templates))
    }

    /// Section `i`, with `entries` (its entries, or the part of them a page shows).
    fn section(&self, site: &Site, i: usize, entries: &[EntryId]) -> Value {
        let config = &site.config;
        let s = &site.sections[i];
        let subsections = views::list(
            site.sections
                .iter()
                .enumerate()
                .filter(|(j, sub)| {
                    *j != i
                        && !sub.dir.is_empty()
                        && crate::content::walk::parent_dir(&sub.dir) == s.dir
                })
                .map(|(j, sub)| {
                    obj([
                        ("title", text(&sub.title)),
                        ("url", text(&config.url(&sub.path))),
                        ("count", Value::from(site.section_entries[j].len())),
                    ])
                }),
        );
        obj([
            ("title", text(&s.title)),
            (
                "description",
                views::opt_text(s.front.description.as_deref()),
            ),
            ("url", text(&config.url(&s.path))),
            ("permalink", text(&config.permalink(&s.path))),
            ("content", views::html(&site.section_rendered[i].html)),
            ("entries", self.shared.cards(entries)),
            ("subsections", subsections),
            ("extra", Value::from_serializable(&s.front.extra)),
        ])
    }

    /// The dated entries `ids` grouped by year: `[{year, entries}]`, in their order.
    fn timeline(&self, site: &Site, ids: &[EntryId]) -> Value {
        let mut years: Vec<Value> = Vec::new();
        let mut current: Option<(i32, Vec<EntryId>)> = None;
        let flush = |(year, ids): (i32, Vec<EntryId>), years: &mut Vec<Value>| {
            years.push(obj([
                ("year", Value::from(year as i64)),
                ("entries", self.shared.cards(&ids)),
            ]));
        };
        for &id in ids {
            let year = site.entry(id).front.date.map_or(0, |d| d.year());
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

    /// Tags by how many entries carry them, then by name.
    fn top_tags(&self, site: &Site, n: usize) -> Value {
        let order = site.tags_by_use();
        views::list(
            order
                .into_iter()
                .take(n)
                .map(|i| self.shared.tags[i].clone()),
        )
    }
}

/// The items that page `n` of a list of `len` shows, `per` to a page (0: all on one).
fn page_range(n: u32, len: usize, per: usize) -> std::ops::Range<usize> {
    if per == 0 {
        return 0..len;
    }
    let start = (n as usize).saturating_mul(per).min(len);
    start..start.saturating_add(per).min(len)
}

/// The number of the page that shows item `index` of a list, `per` to a page.
fn page_of(index: usize, per: usize) -> u32 {
    u32::try_from(index.checked_div(per).unwrap_or(0)).unwrap_or(u32::MAX)
}

/// The page of `/sources/` that lists source `index`.
pub fn source_page(site: &Site, index: usize) -> Page {
    Page::Sources(page_of(index, site.config.paginate_by))
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

/// Where `page` stands in its list of `total` entries: `paginator` in templates.
fn paginator(site: &Site, shared: &Shared, page: Page, total: usize) -> Value {
    let config = &site.config;
    let count = page.siblings(site).count();
    let n = page.number() as usize;
    let at = |i: Option<usize>| {
        i.filter(|&i| i < count).map_or_else(Value::none, |i| {
            text(&config.url(&page.numbered(i as u32).path(site)))
        })
    };
    let pages = shared
        .page_lists
        .get(&page.numbered(0))
        .cloned()
        .unwrap_or_else(|| page_list(site, page));
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
fn page_list(site: &Site, page: Page) -> Value {
    views::list(page.siblings(site).enumerate().map(|(i, p)| {
        obj([
            ("number", Value::from(i + 1)),
            ("url", text(&site.config.url(&p.path(site)))),
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
            (first, page_list(site, first))
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
