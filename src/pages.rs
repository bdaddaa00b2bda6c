//! The URL scheme: every page of the site, where it lives, and how lists are paginated.
//! Each path Dossier makes itself (`tags/{slug}/`, `page/N/`, `sources/`, the feeds) is
//! spelled here once; the graph, the renderer, the sitemap and the server all ask here.

use crate::graph::{EntryId, Site};

pub const TAGS: &str = "tags/";
pub const TIMELINE: &str = "timeline/";
/// The timeline of the entries of one kind: `timeline/kind/{kind}/`.
pub const TIMELINE_KIND: &str = "timeline/kind/";
/// The timeline of the entries of one tag: `timeline/tag/{slug}/`.
pub const TIMELINE_TAG: &str = "timeline/tag/";
pub const SOURCES: &str = "sources/";
/// The register of publishers, each at its id (`sources/publishers/#reuters`): only on a
/// site whose `site.yaml` keeps one.
pub const PUBLISHERS: &str = "sources/publishers/";
pub const GRAPH: &str = "graph/";
/// The picture of the entries that take part in typed relations: only on a site that has
/// some.
pub const ENTITY_GRAPH: &str = "graph/entities/";
/// The map of every located entry: only on a site where some entry has a `location`.
pub const MAP: &str = "map/";
pub const SEARCH: &str = "search/";
pub const NOT_FOUND: &str = "404.html";
/// The site's own feed.
pub const FEED: &str = "atom.xml";
pub const ROBOTS: &str = "robots.txt";
pub const HIGHLIGHT_CSS: &str = "highlight.css";
pub const SEARCH_INDEX: &str = "search-index.js";
pub const SITEMAP: &str = "sitemap.xml";
/// The redirects of the site in the format Netlify and Cloudflare Pages read (`FROM TO 301`).
pub const REDIRECTS: &str = "_redirects";
/// The site as open data: every entry with its fields, relations, tags and sources.
pub const DATA_JSON: &str = "data/dossier.json";
/// The JSON Schema of [`DATA_JSON`].
pub const DATA_SCHEMA: &str = "data/dossier.schema.json";
/// Every typed relation, one row each.
pub const RELATIONS_CSV: &str = "data/relations.csv";
/// The names of an entry's citation files, beside its page.
pub const CITE_BIB: &str = "cite.bib";
pub const CITE_JSON: &str = "cite.json";

/// Site paths that Dossier writes itself, and what it writes there; no entry or section
/// may take them.
pub const RESERVED_PATHS: &[(&str, &str)] = &[
    (TAGS, "the tag index"),
    (TIMELINE, "the timeline"),
    (SOURCES, "the list of sources"),
    (GRAPH, "the graph of tags"),
    (SEARCH, "the search page"),
    ("__dossier/", "Dossier's own files"),
];

/// The page of the tag with this slug: `tags/{slug}/`.
pub fn tag(slug: &str) -> String {
    format!("{TAGS}{slug}/")
}

/// The timeline of the entries of the kind with this name: `timeline/kind/{name}/`.
pub fn timeline_kind(name: &str) -> String {
    format!("{TIMELINE_KIND}{}/", crate::text::slugify(name))
}

/// The timeline of the entries of the tag with this slug: `timeline/tag/{slug}/`.
pub fn timeline_tag(slug: &str) -> String {
    format!("{TIMELINE_TAG}{slug}/")
}

/// The page of a kind, named by its plural: `people/`.
pub fn kind(plural: &str) -> String {
    format!("{}/", crate::text::slugify(plural))
}

/// The feed of the page at `page_path` (`tags/x/atom.xml`; the site's own for `""`).
pub fn feed(page_path: &str) -> String {
    format!("{page_path}{FEED}")
}

/// An entry's BibTeX citation: `people/x/cite.bib` for the entry at `people/x/`.
pub fn cite_bib(entry_path: &str) -> String {
    format!("{entry_path}{CITE_BIB}")
}

/// An entry's CSL-JSON citation: `people/x/cite.json`.
pub fn cite_json(entry_path: &str) -> String {
    format!("{entry_path}{CITE_JSON}")
}

/// The tag feed of the tag with this slug.
pub fn tag_feed(slug: &str) -> String {
    feed(&tag(slug))
}

/// Page `n` (from 0) of the list at `list`: the list itself, then `list/page/{n+1}/`.
pub fn numbered(list: String, n: u32) -> String {
    match n {
        0 => list,
        n => format!("{list}page/{}/", n + 1),
    }
}

/// The file that holds the page at a folder path: `places/baku/index.html`.
pub fn index_file(path: &str) -> String {
    format!("{path}index.html")
}

/// `sitemap-N.xml`: a part of the sitemap of a site too large for one file.
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// The site path an entry's `permalink` sets (`/notes/old-name/` → `notes/old-name/`):
/// a path from the root whose every folder is URL-safe like a slug, ending in `/`
/// (added when missing). Obsidian Publish writes it without the leading `/`
/// (`permalink: status-bar`), which is from the root too. Why not, when it may not be one.
pub fn permalink(url: &str) -> Result<String, String> {
    let path = url.strip_prefix('/').unwrap_or(url);
    if path.is_empty() {
        return Err("`/` is the home page: a `permalink` names a page of its own".into());
    }
    let path = path.strip_suffix('/').unwrap_or(path);
    for segment in path.split('/') {
        if segment.is_empty() {
            return Err("a `permalink` may not hold an empty folder (`//`)".into());
        }
        if segment.ends_with(".html") || segment.ends_with(".htm") {
            return Err(format!(
                "Dossier's pages are folders: write `/{}/`",
                path.trim_end_matches(".html").trim_end_matches(".htm")
            ));
        }
        let clean = crate::text::slugify(segment);
        if clean != segment {
            return Err(format!(
                "`{segment}` is not URL-safe: use lowercase letters, digits and hyphens{}",
                if clean.is_empty() {
                    String::new()
                } else {
                    format!(" (`{clean}`)")
                }
            ));
        }
    }
    Ok(format!("{path}/"))
}

/// The site path an old URL (`redirect_from`, a URL-shaped alias) is redirected from:
/// `/old/x/` and `/old/x` → `old/x/` (a folder whose `index.html` redirects),
/// `/old/x.html` → `old/x.html` (that file), `/old/index.html` → `old/`. Why not, when
/// it cannot be one: a redirect page is an HTML file Dossier writes.
pub fn old_url(url: &str) -> Result<String, String> {
    let path = url
        .strip_prefix('/')
        .ok_or("an old URL starts with `/`: write it from the site's root")?;
    if path.contains(['?', '#']) {
        return Err("an old URL is a path: leave out the `?` query or `#` fragment".into());
    }
    let (folders, last) = match path.strip_suffix('/') {
        Some(folder) => (folder, ""),
        None => path.rsplit_once('/').unwrap_or(("", path)),
    };
    for segment in folders
        .split('/')
        .filter(|_| !folders.is_empty())
        .chain([last])
    {
        if matches!(segment, "." | "..") {
            return Err("an old URL may not hold `.` or `..` folders".into());
        }
        if let Some(c) = segment
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
        {
            return Err(format!(
                "`{c}` may not stand in an old URL: letters, digits, `-`, `_`, `.` and `~` may"
            ));
        }
    }
    if folders.split('/').any(str::is_empty) && !folders.is_empty() {
        return Err("an old URL may not hold an empty folder (`//`)".into());
    }
    let folder = |f: &str| {
        if f.is_empty() {
            String::new()
        } else {
            format!("{f}/")
        }
    };
    match last {
        "" if folders.is_empty() => Err("`/` is the home page: it cannot move".into()),
        "" => Ok(folder(folders)),
        "index.html" | "index.htm" => match folders {
            "" => Err("`/` is the home page: it cannot move".into()),
            f => Ok(folder(f)),
        },
        l if l.ends_with(".html") || l.ends_with(".htm") => Ok(format!("{}{l}", folder(folders))),
        l if l.contains('.') => Err(format!(
            "`{l}` is not a page: only pages (`/x/`, `/x.html`) can be redirected"
        )),
        l => Ok(format!("{}{l}/", folder(folders))),
    }
}

/// The file that a redirect from the site path `from` is written to.
pub fn redirect_file(from: &str) -> String {
    if from.ends_with('/') {
        index_file(from)
    } else {
        from.to_string()
    }
}

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
    /// The timeline of one kind's dated entries (by the kind's number in the
    /// configuration); only for a kind that has some.
    TimelineKind(u16, u32),
    /// The timeline of one tag's dated entries (an index into `Site::tags`); only for a
    /// tag that has some.
    TimelineTag(usize, u32),
    /// `/sources/`, paginated by sources.
    Sources(u32),
    /// `/sources/publishers/`: only on a site with a register of publishers.
    Publishers,
    Graph,
    /// `/graph/entities/`: only on a site with typed relations.
    EntityGraph,
    Map,
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
        if !site.config.publishers.is_empty() {
            pages.push(Page::Publishers);
        }
        pages.push(Page::Graph);
        if has_relations(site) {
            pages.push(Page::EntityGraph);
        }
        if !site.located.is_empty() {
            pages.push(Page::Map);
        }
        if site.config.search {
            pages.push(Page::Search);
        }
        // Lists first: one of them can hold every entry, and rendered last it would keep
        // one thread busy alone at the end.
        pages.extend((0..site.kind_pages.len()).flat_map(|k| Page::Kind(k, 0).siblings(site)));
        pages.extend((0..site.tags.len()).flat_map(|t| Page::Tag(t, 0).siblings(site)));
        pages.extend(
            site.config
                .kinds
                .iter()
                .map(|(k, _)| Page::TimelineKind(k.0, 0))
                .chain((0..site.tags.len()).map(|t| Page::TimelineTag(t, 0)))
                .filter(|p| p.list_len(site).is_some_and(|n| n > 0))
                .flat_map(|p| p.siblings(site)),
        );
        pages.extend(
            (1..site.sections.len())
                .filter(|&i| !site.kind_pages.iter().any(|k| k.section == Some(i)))
                .flat_map(|i| Page::Section(i, 0).siblings(site)),
        );
        pages.extend(site.ids().map(Page::Entry));
        pages
    }

    /// Whether the lists of `a` and `b` (the timeline, `/sources/`, each kind, tag and
    /// section) have the same pages at the same paths, known by address: the indexes
    /// their pages are counted from and their paths made of are the very same ones (the
    /// graph kept them), and the configuration is the same (as in every rebuild of
    /// content).
    pub fn same_lists(a: &Site, b: &Site) -> bool {
        use std::sync::Arc;
        Arc::ptr_eq(&a.timeline, &b.timeline)
            && Arc::ptr_eq(&a.sources, &b.sources)
            && Arc::ptr_eq(&a.kind_pages, &b.kind_pages)
            && Arc::ptr_eq(&a.tags, &b.tags)
            && Arc::ptr_eq(&a.section_entries, &b.section_entries)
            && crate::graph::same_items(&a.sections, &b.sections)
    }

    /// The entries of the list this page is a page of, in their order.
    pub(crate) fn list<'s>(&self, site: &'s Site) -> Option<&'s [EntryId]> {
        match *self {
            Page::Section(i, _) => Some(&site.section_entries[i]),
            Page::Kind(k, _) => Some(&site.kind_pages[k].entries),
            Page::Tag(t, _) => Some(&site.tags[t].entries),
            Page::Timeline(_) => Some(&site.timeline),
            _ => None,
        }
    }

    /// How many items (entries, or sources) the list this page is a page of holds.
    pub(crate) fn list_len(&self, site: &Site) -> Option<usize> {
        match self {
            Page::Sources(_) => Some(site.sources.len()),
            Page::TimelineKind(k, _) => Some(
                site.timeline
                    .iter()
                    .filter(|&&id| site.entry(id).front.kind.0 == *k)
                    .count(),
            ),
            Page::TimelineTag(t, _) => Some(
                site.tags[*t]
                    .entries
                    .iter()
                    .filter(|&&id| site.entry(id).front.date.is_some())
                    .count(),
            ),
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
            | Page::TimelineKind(_, n)
            | Page::TimelineTag(_, n)
            | Page::Sources(n) => n,
            _ => 0,
        }
    }

    pub(crate) fn numbered(self, n: u32) -> Page {
        match self {
            Page::Section(i, _) => Page::Section(i, n),
            Page::Kind(k, _) => Page::Kind(k, n),
            Page::Tag(t, _) => Page::Tag(t, n),
            Page::Timeline(_) => Page::Timeline(n),
            Page::TimelineKind(k, _) => Page::TimelineKind(k, n),
            Page::TimelineTag(t, _) => Page::TimelineTag(t, n),
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
            Page::Tags => TAGS.into(),
            Page::Tag(t, _) => tag(&site.tags[*t].slug),
            Page::Timeline(_) => TIMELINE.into(),
            Page::TimelineKind(k, _) => {
                timeline_kind(&site.config.kinds.get(crate::config::KindId(*k)).name)
            }
            Page::TimelineTag(t, _) => timeline_tag(&site.tags[*t].slug),
            Page::Sources(_) => SOURCES.into(),
            Page::Publishers => PUBLISHERS.into(),
            Page::Graph => GRAPH.into(),
            Page::EntityGraph => ENTITY_GRAPH.into(),
            Page::Map => MAP.into(),
            Page::Search => SEARCH.into(),
            Page::NotFound => NOT_FOUND.into(),
        };
        numbered(list, self.number())
    }

    /// The output file: `places/baku/index.html`.
    pub fn output_file(&self, site: &Site) -> String {
        match self {
            Page::NotFound => NOT_FOUND.into(),
            _ => index_file(&self.path(site)),
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
            Page::Timeline(_) | Page::TimelineKind(..) | Page::TimelineTag(..) => "timeline.html",
            Page::Sources(_) => "sources.html",
            Page::Publishers => "publishers.html",
            Page::Graph => "graph.html",
            Page::EntityGraph => "entity-graph.html",
            Page::Map => "map.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
        }
    }

    /// Whether page `new` of `new_site` lives where this page of `old` does (compared
    /// without making the paths).
    pub fn same_place(self, old: &Site, new: Page, new_site: &Site) -> bool {
        // The same string in both sites (an entry that did not change) is the same path.
        fn same(a: &str, b: &str) -> bool {
            std::ptr::eq(a, b) || a == b
        }
        self.number() == new.number()
            && match (self, new) {
                (Page::Entry(a), Page::Entry(b)) => {
                    // The very same entry (known without reading it) is at the same path.
                    std::sync::Arc::ptr_eq(&old.entries[a.index()], &new_site.entries[b.index()])
                        || same(&old.entry(a).path, &new_site.entry(b).path)
                }
                (Page::Section(a, _), Page::Section(b, _)) => {
                    same(&old.sections[a].path, &new_site.sections[b].path)
                }
                (Page::Kind(a, _), Page::Kind(b, _)) => {
                    same(&old.kind_pages[a].path, &new_site.kind_pages[b].path)
                }
                (Page::Tag(a, _), Page::Tag(b, _))
                | (Page::TimelineTag(a, _), Page::TimelineTag(b, _)) => {
                    same(&old.tags[a].slug, &new_site.tags[b].slug)
                }
                (a, b) => a.numbered(0) == b.numbered(0),
            }
    }

    pub fn is_tag_page(&self) -> bool {
        matches!(self, Page::Tag(..) | Page::Tags)
    }
}

/// Whether some entry states a typed relation: then the site has `/graph/entities/`.
pub fn has_relations(site: &Site) -> bool {
    site.relations.of.iter().any(|r| !r.is_empty())
}

/// The items that page `n` of a list of `len` shows, `per` to a page (0: all on one).
pub(crate) fn page_range(n: u32, len: usize, per: usize) -> std::ops::Range<usize> {
    if per == 0 {
        return 0..len;
    }
    let start = (n as usize).saturating_mul(per).min(len);
    start..start.saturating_add(per).min(len)
}

/// The number of the page that shows item `index` of a list, `per` to a page.
pub(crate) fn page_of(index: usize, per: usize) -> u32 {
    u32::try_from(index.checked_div(per).unwrap_or(0)).unwrap_or(u32::MAX)
}

/// The page of `/sources/` that lists source `index`.
pub fn source_page(site: &Site, index: usize) -> Page {
    Page::Sources(page_of(index, site.config.paginate_by))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_are_folders_of_url_safe_names() {
        assert_eq!(
            permalink("/notes/old-name/").as_deref(),
            Ok("notes/old-name/")
        );
        assert_eq!(
            permalink("/notes/old-name").as_deref(),
            Ok("notes/old-name/")
        );
        // Obsidian Publish's permalinks leave out the `/`.
        assert_eq!(permalink("status-bar").as_deref(), Ok("status-bar/"));
        for bad in ["", "/", "/Notes/x/", "/a b/", "/x.html", "/../x/", "/a//b/"] {
            assert!(permalink(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn old_urls_are_pages_of_the_site() {
        for (url, path) in [
            ("/old/x/", "old/x/"),
            ("/old/x", "old/x/"),
            ("/old/x.html", "old/x.html"),
            ("/old/index.html", "old/"),
            ("/2014/12/17/Post_Title.html", "2014/12/17/Post_Title.html"),
            ("/v1.2/", "v1.2/"),
        ] {
            assert_eq!(old_url(url).as_deref(), Ok(path), "{url}");
        }
        for bad in [
            "old/x/",
            "/",
            "/index.html",
            "/a/../b/",
            "/a b/",
            "/x?p=1",
            "/feed.xml",
            "/a//b/",
            "/a%20b/",
        ] {
            assert!(old_url(bad).is_err(), "{bad}");
        }
        assert_eq!(redirect_file("old/x/"), "old/x/index.html");
        assert_eq!(redirect_file("old/x.html"), "old/x.html");
    }
}
