//! `site.yaml` → a typed [`Config`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, LinkPolicy, Pos};
use crate::fs;
use crate::text::suggestion;
use crate::yaml::{self, YamlMap};

pub const CONFIG_FILE: &str = "site.yaml";

/// One kind of entry: `person`, listed under `people/`, shown as "Person" / "People".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindDef {
    pub name: String,
    pub plural: String,
    pub title: String,
    pub title_plural: String,
}

/// An index into [`Kinds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KindId(pub u16);

/// The kinds of a site: the eight built in, then those `site.yaml` adds.
#[derive(Clone, Debug)]
pub struct Kinds(Vec<KindDef>);

const BUILTIN_KINDS: [(&str, &str, &str, &str); 8] = [
    ("topic", "topics", "Topic", "Topics"),
    ("event", "events", "Event", "Events"),
    ("statement", "statements", "Statement", "Statements"),
    ("person", "people", "Person", "People"),
    (
        "organization",
        "organizations",
        "Organization",
        "Organizations",
    ),
    ("place", "places", "Place", "Places"),
    ("project", "projects", "Project", "Projects"),
    ("document", "documents", "Document", "Documents"),
];

impl Kinds {
    fn builtin() -> Self {
        Kinds(
            BUILTIN_KINDS
                .iter()
                .map(|(name, plural, title, title_plural)| KindDef {
                    name: (*name).into(),
                    plural: (*plural).into(),
                    title: (*title).into(),
                    title_plural: (*title_plural).into(),
                })
                .collect(),
        )
    }

    pub const TOPIC: KindId = KindId(0);
    pub const EVENT: KindId = KindId(1);
    pub const STATEMENT: KindId = KindId(2);
    pub const PERSON: KindId = KindId(3);

    pub fn get(&self, id: KindId) -> &KindDef {
        &self.0[id.0 as usize]
    }

    pub fn by_name(&self, name: &str) -> Option<KindId> {
        self.0
            .iter()
            .position(|k| k.name == name)
            .map(|i| KindId(i as u16))
    }

    /// The kind whose folder is `folder` (`people` → person), matched on the plural or the
    /// singular name.
    pub fn by_folder(&self, folder: &str) -> Option<KindId> {
        self.0
            .iter()
            .position(|k| k.plural == folder || k.name == folder)
            .map(|i| KindId(i as u16))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|k| k.name.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (KindId, &KindDef)> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, k)| (KindId(i as u16), k))
    }

    /// Kinds that need a date (events and statements).
    pub fn needs_date(&self, id: KindId) -> bool {
        id == Self::EVENT || id == Self::STATEMENT
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawHtml {
    Keep,
    Escape,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, with a trailing slash: `https://example.org/dossier/`.
    pub base_url: String,
    /// The path part of `base_url`, with leading and trailing slashes: `/dossier/`.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub author: Option<String>,
    pub kinds: Kinds,
    /// The types of `relations:` between entries: those built in and those `site.yaml`
    /// adds.
    pub relations: RelationTypes,
    /// The register of publishers that sources name (`publishers:`); empty when the site
    /// keeps none, and then a source's `publisher` is free text.
    pub publishers: Publishers,
    /// The optional checks of sources (`sources: {require_archive, min_sources}`).
    pub sources: SourcesCheck,
    pub related: RelatedConfig,
    pub feed: FeedConfig,
    pub highlight: HighlightConfig,
    pub markdown: MarkdownConfig,
    pub search: bool,
    /// How many entries a list page (a tag, a kind, a section, the timeline) shows before
    /// it goes on at `page/2/`; 0 puts every entry on one page.
    pub paginate_by: usize,
    pub images: ImagesConfig,
    /// `links: warn` makes link problems warnings while a site moves over.
    pub links: LinkPolicy,
    /// Which note of a folder is the folder's page besides `_index.md`.
    pub folder_notes: FolderNotes,
    /// The folder of the entries, relative to the site's root: `content`, or `.` for a
    /// vault whose notes are the folder itself (`/`-separated, no `..`).
    pub content: String,
    /// `content/`, or nothing when the content folder is the root: see
    /// [`Config::content_file`].
    content_prefix: String,
    /// Paths under the content folder that are not part of the site (`_layouts`,
    /// `Gemfile*`, `templates/*.md`): a pattern without `/` matches a name at any depth.
    pub ignore: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A publisher of the site's register: `publishers: {reuters: {name: Reuters, url, country,
/// description}}` in `site.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publisher {
    /// Its key in the register: lowercase letters, digits, `-` and `_`; its anchor on the
    /// publishers page.
    pub id: String,
    pub name: String,
    /// Its home page: an absolute http(s) address.
    pub url: Option<String>,
    pub country: Option<String>,
    pub description: Option<String>,
}

/// The register of publishers, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Publishers(Vec<Publisher>);

impl Publishers {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every publisher, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Publisher> {
        self.0.iter()
    }

    pub fn get(&self, id: &str) -> Option<&Publisher> {
        self.0
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.0[i])
    }

    /// The publisher a source's `publisher` names: by id, else by name (ignoring case and
    /// runs of spaces).
    pub fn resolve(&self, written: &str) -> Option<&Publisher> {
        let written = written.trim();
        let key = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        self.get(written)
            .or_else(|| self.0.iter().find(|p| key(&p.name) == key(written)))
    }

    /// The ids and names, for a did-you-mean.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|p| [p.id.as_str(), p.name.as_str()])
    }
}

/// `sources:` of `site.yaml`: checks that warn about sources a reader cannot check later.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct SourcesCheck {
    /// Every source with a web address needs an `archive_url`.
    pub require_archive: bool,
    /// Every entry cites at least this many sources (0: no check).
    pub min_sources: usize,
}

/// Entries on a list page unless `paginate_by` says otherwise.
pub const PAGINATE_BY: usize = 100;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct RelatedConfig {
    /// How many related entries an entry lists.
    pub count: usize,
    /// The lowest score an entry needs to be listed.
    pub min_score: f64,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            count: 5,
            min_score: 0.0,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct FeedConfig {
    /// How many entries a feed carries.
    pub count: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { count: 20 }
    }
}

#[derive(Clone, Debug)]
pub struct HighlightConfig {
    /// syntect theme for light mode.
    pub theme: String,
    /// syntect theme under `prefers-color-scheme: dark`.
    pub dark_theme: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            theme: "InspiredGitHub".into(),
            dark_theme: "base16-ocean.dark".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    pub raw_html: RawHtml,
    /// `$…$` and `$$…$$` are math (MathML); off, a `$` is a dollar sign.
    pub math: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            raw_html: RawHtml::Keep,
            math: true,
        }
    }
}

/// `images:` of `site.yaml`: the widths large pictures are resized to, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImagesConfig {
    /// Widths in pixels, ascending, without repeats; empty turns resizing off.
    pub widths: Vec<u32>,
    /// JPEG quality, 1–100.
    pub quality: u8,
    pub format: ImageFormat,
}

/// The widths of the default theme: its text column is 42rem of 17px (714 CSS pixels),
/// so 800 and 1600 fill it on screens of 1 and 2 device pixels a CSS pixel, 480 fills a
/// phone, 1200 a phone of 3 device pixels a CSS pixel or a tablet.
pub const IMAGE_WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

/// The largest width `images.widths` takes (a JPEG side is at most 65,535 pixels).
pub const MAX_IMAGE_WIDTH: u32 = 16_384;

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: IMAGE_WIDTHS.to_vec(),
            quality: 80,
            format: ImageFormat::Original,
        }
    }
}

/// The format resized pictures are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// Each in the format of its original: JPEG as JPEG, PNG as PNG, WebP as WebP.
    Original,
    Jpeg,
    Png,
    /// Lossless WebP (the `image` crate writes no lossy WebP).
    Webp,
}

impl ImageFormat {
    pub const NAMES: [&str; 4] = ["original", "jpeg", "png", "webp"];

    fn parse(name: &str) -> Option<Self> {
        match name {
            "original" => Some(ImageFormat::Original),
            "jpeg" | "jpg" => Some(ImageFormat::Jpeg),
            "png" => Some(ImageFormat::Png),
            "webp" => Some(ImageFormat::Webp),
            _ => None,
        }
    }
}

/// What the command line overrides.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    /// `--links`, over `links:` of `site.yaml`.
    pub links: Option<LinkPolicy>,
}

/// A type of relation between entries (`member_of`): how it reads on the page of the
/// entry that states it (`label`, "Member of") and on the page of the other end
/// (`inverse`, "Members"), and the kinds each end may have (none listed: any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationType {
    pub name: String,
    pub label: String,
    pub inverse: String,
    pub from_kinds: Vec<KindId>,
    pub to_kinds: Vec<KindId>,
}

/// The relation types of a site, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationTypes(Vec<RelationType>);

/// Name, label, inverse label, the kinds that may state it, the kinds it may point at.
type BuiltinRelation = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const BUILTIN_RELATIONS: [BuiltinRelation; 9] = [
    (
        "member_of",
        "Member of",
        "Members",
        &["person", "organization"],
        &["organization"],
    ),
    ("part_of", "Part of", "Parts", &[], &[]),
    ("located_in", "Located in", "Located here", &[], &["place"]),
    (
        "leads",
        "Leads",
        "Led by",
        &["person", "organization"],
        &["organization", "project", "event"],
    ),
    (
        "represents",
        "Represents",
        "Represented by",
        &["person", "organization"],
        &["organization", "place"],
    ),
    (
        "party_to",
        "Party to",
        "Parties",
        &["person", "organization", "place"],
        &["document", "event"],
    ),
    (
        "signatory_of",
        "Signatory of",
        "Signed by",
        &["person", "organization", "place"],
        &["document"],
    ),
    (
        "connects",
        "Connects",
        "Connected by",
        &["project", "place"],
        &["place"],
    ),
    ("successor_of", "Successor of", "Succeeded by", &[], &[]),
];

impl RelationTypes {
    fn builtin(kinds: &Kinds) -> RelationTypes {
        let ids = |names: &[&str]| names.iter().filter_map(|n| kinds.by_name(n)).collect();
        RelationTypes(
            BUILTIN_RELATIONS
                .iter()
                .map(|&(name, label, inverse, from, to)| RelationType {
                    name: name.into(),
                    label: label.into(),
                    inverse: inverse.into(),
                    from_kinds: ids(from),
                    to_kinds: ids(to),
                })
                .collect(),
        )
    }

    /// Adds `t`, or puts it in the place of the type of its name.
    fn set(&mut self, t: RelationType) {
        match self.0.iter_mut().find(|old| old.name == t.name) {
            Some(old) => *old = t,
            None => self.0.push(t),
        }
    }

    /// The type named `name` and its number.
    pub fn by_name(&self, name: &str) -> Option<(u16, &RelationType)> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == name)
            .map(|(i, t)| (i as u16, t))
    }

    pub fn get(&self, i: u16) -> &RelationType {
        &self.0[i as usize]
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|t| t.name.as_str())
    }
}

/// The keys `site.yaml` knows; anything else is a warning with a suggestion.
const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "author",
    "kinds",
    "relations",
    "publishers",
    "sources",
    "related",
    "feed",
    "highlight",
    "markdown",
    "search",
    "paginate_by",
    "images",
    "links",
    "folder_notes",
    "content",
    "ignore",
    "extra",
];

/// Which note of a folder, besides `_index.md`, is the folder's own page (its title, text
/// and description), as the tools people come from have it: `index.md` (Quartz, Hugo's
/// leaf bundles aside), or the note named like its folder (Obsidian's folder-note
/// plugins: `Trips/Trips.md`). `none`: every note is an entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FolderNotes {
    #[default]
    None,
    Index,
    FolderName,
}

impl FolderNotes {
    pub const NAMES: [&str; 3] = ["none", "index", "folder_name"];

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "none" => Some(FolderNotes::None),
            "index" => Some(FolderNotes::Index),
            "folder_name" | "folder-name" => Some(FolderNotes::FolderName),
            _ => None,
        }
    }

    /// Whether `content/REL` is its folder's page under this rule (not `_index.md`,
    /// which always is).
    pub fn is_folder_note(self, rel: &str) -> bool {
        use crate::content::walk;
        let stem = walk::stem(rel);
        match self {
            FolderNotes::None => false,
            FolderNotes::Index => stem == "index",
            FolderNotes::FolderName => {
                let dir = walk::parent_dir(rel);
                !dir.is_empty() && dir.rsplit('/').next() == Some(stem)
            }
        }
    }
}

/// syntect's bundled themes, offered when `highlight` names another.
pub const HIGHLIGHT_THEMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

/// Problems found while reading `site.yaml`.
pub struct ConfigReport {
    pub config: Option<Config>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Config {
    /// Reads `ROOT/site.yaml`.
    pub fn load(root: &Path, overrides: &Overrides) -> ConfigReport {
        let path = root.join(CONFIG_FILE);
        match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Config::parse(&text, overrides),
                Err(_) => ConfigReport {
                    config: None,
                    diagnostics: vec![
                        Diagnostic::error("the file is not valid UTF-8").in_file(CONFIG_FILE),
                    ],
                },
            },
            Err(e) => ConfigReport {
                config: None,
                diagnostics: vec![
                    Diagnostic::error(format!("{e}: every site needs a `{CONFIG_FILE}`"))
                        .in_file(CONFIG_FILE),
                ],
            },
        }
    }

    /// Parses the text of `site.yaml` (pure; `load` does the reading).
    pub fn parse(text: &str, overrides: &Overrides) -> ConfigReport {
        let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Reader {
            source: text,
            diagnostics: Vec::new(),
        };
        let map = match yaml::parse_map(text_no_bom, 1) {
            Ok(map) => map,
            Err(e) => {
                out.error(e.pos, e.message);
                return out.finish(None);
            }
        };
        for key in map.keys() {
            if !KEYS.contains(&key) {
                out.unknown_key(&map, key, KEYS.iter().copied());
            }
        }

        let title = out.string(&map, "title").unwrap_or_default();
        if title.trim().is_empty() {
            out.error(
                map.key_pos("title"),
                "`title` is missing or empty: name the site",
            );
        }
        let description = out.string(&map, "description").unwrap_or_default();
        let language = out.string(&map, "language").unwrap_or_else(|| "en".into());
        let theme = out
            .string(&map, "theme")
            .unwrap_or_else(|| "default".into());
        let author = out.string(&map, "author");

        let base_url_text = overrides
            .base_url
            .clone()
            .or_else(|| out.string(&map, "base_url"));
        let (base_url, base_path) = match base_url_text.as_deref().map(parse_base_url) {
            Some(Ok(parsed)) => parsed,
            Some(Err(msg)) => {
                let pos = map.value_pos("base_url");
                if overrides.base_url.is_some() {
                    out.diagnostics
                        .push(Diagnostic::error(format!("--base-url: {msg}")));
                } else {
                    out.error(pos, msg);
                }
                (String::new(), "/".into())
            }
            None => {
                out.error(
                    map.key_pos("base_url"),
                    "`base_url` is missing: set the address the site is published at, such as `https://example.org/`",
                );
                (String::new(), "/".into())
            }
        };

        let kinds = out.kinds(&map);
        let relations = out.relations(&map, &kinds);
        let publishers = out.publishers(&map);
        let sources = out.block(&map, "sources", &["require_archive", "min_sources"]);
        let related = out.block(&map, "related", &["count", "min_score"]);
        let feed = out.block(&map, "feed", &["count"]);
        let highlight = out.highlight(&map);
        let markdown = out.markdown(&map);
        let search = match map.get::<bool>("search") {
            None => true,
            Some(Ok(b)) => b,
            Some(Err(e)) => {
                out.error(e.pos, e.message);
                true
            }
        };
        let paginate_by = match map.get::<usize>("paginate_by") {
            None => PAGINATE_BY,
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                out.error(
                    e.pos,
                    "`paginate_by` must be a whole number of entries a list page shows (0: all on one page)",
                );
                PAGINATE_BY
            }
        };
        let images = out.images(&map);
        let links = out.links(&map, overrides);
        let folder_notes = out.folder_notes(&map);
        let content = out.content(&map);
        let ignore = out.ignore(&map);
        let extra = match map.get_json("extra") {
            None => serde_json::Map::new(),
            Some(Ok(serde_json::Value::Object(m))) => m,
            Some(Ok(_)) => {
                out.error(
                    map.value_pos("extra"),
                    "`extra` must be a mapping of keys to values",
                );
                serde_json::Map::new()
            }
            Some(Err(e)) => {
                out.error(e.pos, e.message);
                serde_json::Map::new()
            }
        };
        let config = Config {
            title,
            description,
            base_url,
            base_path,
            language,
            theme,
            author,
            kinds,
            relations,
            publishers,
            sources,
            related,
            feed,
            highlight,
            markdown,
            search,
            paginate_by,
            images,
            links,
            folder_notes,
            content_prefix: if content == "." {
                String::new()
            } else {
                format!("{content}/")
            },
            content,
            ignore,
            extra,
        };
        out.finish(Some(config))
    }

    /// The folder of the entries.
    pub fn content_dir(&self, root: &Path) -> PathBuf {
        if self.content == "." {
            root.to_path_buf()
        } else {
            root.join(&self.content)
        }
    }

    /// A file of the content folder as the editor knows it, from the site's root:
    /// `content/places/baku.md` (or `places/baku.md` when the content is the root).
    pub fn content_file(&self, rel: &str) -> String {
        format!("{}{rel}", self.content_prefix)
    }

    /// What [`Config::content_file`] puts before a path: `content/`, or nothing.
    pub fn content_prefix(&self) -> &str {
        &self.content_prefix
    }

    /// Whether `content/REL` is left out of the site by `ignore` (or, when the content
    /// folder is the site's root, is one of the site's own files or folders).
    pub fn is_ignored_content(&self, rel: &str) -> bool {
        if self.content == "." {
            let top = rel.split('/').next().unwrap_or(rel);
            if [CONFIG_FILE, "themes", "static", "public", "node_modules"].contains(&top) {
                return true;
            }
        }
        self.ignore
            .iter()
            .any(|pattern| ignore_matches(pattern, rel))
    }

    /// The absolute URL of a site path such as `places/baku/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The root-relative URL of a site path, under the base path: `/dossier/places/baku/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// The content folder unless `site.yaml` names another.
pub const DEFAULT_CONTENT: &str = "content";

/// Whether an `ignore` pattern matches `rel` or a folder above it: a pattern with a `/`
/// is a path from the content folder, one without a name at any depth; `*` stands for any
/// run of characters within a name.
fn ignore_matches(pattern: &str, rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    if pattern.contains('/') {
        let wanted: Vec<&str> = pattern.split('/').collect();
        wanted.len() <= parts.len() && wanted.iter().zip(&parts).all(|(w, p)| name_matches(w, p))
    } else {
        parts.iter().any(|p| name_matches(pattern, p))
    }
}

/// `*` matches any run of characters (none too); everything else matches itself.
fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| name_matches(tail, &rest[i..]))
        }
    }
}

/// `https://example.org/dossier` → (`https://example.org/dossier/`, `/dossier/`).
fn parse_base_url(text: &str) -> Result<(String, String), String> {
    let text = text.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!(
            "`{text}` is not an absolute URL: write it with its scheme, such as `https://example.org/`"
        ));
    };
    if !matches!(scheme, "http" | "https") {
        return Err(format!(
            "`{text}`: the base URL must start with http:// or https://"
        ));
    }
    if rest.contains(['?', '#', ' ', '\\']) {
        return Err(format!(
            "`{text}`: a base URL has no query, fragment or spaces"
        ));
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return Err(format!("`{text}` has no host name"));
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    Ok((format!("{scheme}://{host}{base_path}"), base_path))
}

struct Reader<'s> {
    source: &'s str,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.diagnostics.push(
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .at(self.source, pos),
        );
    }

    /// `links:`: `error` (the default) or `warn`; `--links` wins over it.
    fn links(&mut self, map: &YamlMap<'_>, overrides: &Overrides) -> LinkPolicy {
        let written = self.string(map, "links").and_then(|name| {
            let policy = LinkPolicy::parse(&name);
            if policy.is_none() {
                let d = Diagnostic::error(format!(
                    "`links` is `error` or `warn`, not `{}`",
                    name.trim()
                ))
                .in_file(CONFIG_FILE)
                .at(self.source, map.value_pos("links"))
                .width(name.trim().chars().count());
                self.diagnostics
                    .push(match crate::text::suggestion(&name, LinkPolicy::NAMES) {
                        Some(help) => d.help(help),
                        None => d,
                    });
            }
            policy
        });
        overrides.links.or(written).unwrap_or_default()
    }

    /// `content:`: a folder under the site's root, `content` unless given.
    fn content(&mut self, map: &YamlMap<'_>) -> String {
        let Some(written) = self.string(map, "content") else {
            return DEFAULT_CONTENT.to_string();
        };
        let trimmed = written.trim().trim_end_matches('/');
        let parts: Vec<&str> = trimmed
            .split('/')
            .filter(|p| *p != "." && !p.is_empty())
            .collect();
        let bad = trimmed.starts_with('/')
            || trimmed.contains('\\')
            || parts
                .iter()
                .any(|p| *p == ".." || crate::content::walk::is_ignored(p))
            || parts
                .first()
                .is_some_and(|p| ["themes", "static"].contains(p));
        if bad {
            self.error(
                map.value_pos("content"),
                format!(
                    "`content` is a folder inside the site's folder (such as `content`, `notes` or `.`), not `{written}`"
                ),
            );
            return DEFAULT_CONTENT.to_string();
        }
        if parts.is_empty() {
            ".".to_string()
        } else {
            parts.join("/")
        }
    }

    /// `ignore:`: a list of path patterns under the content folder.
    fn ignore(&mut self, map: &YamlMap<'_>) -> Vec<String> {
        match map.get::<Vec<String>>("ignore") {
            None => Vec::new(),
            Some(Ok(list)) => list
                .into_iter()
                .map(|p| p.trim().trim_matches('/').to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            Some(Err(e)) => {
                self.error(
                    e.pos,
                    "`ignore` is a list of paths or file names, such as `[_layouts, Gemfile*]`",
                );
                Vec::new()
            }
        }
    }

    /// `folder_notes:`: `none` (the default), `index` or `folder_name`.
    fn folder_notes(&mut self, map: &YamlMap<'_>) -> FolderNotes {
        let Some(name) = self.string(map, "folder_notes") else {
            return FolderNotes::None;
        };
        FolderNotes::parse(&name).unwrap_or_else(|| {
            let d = Diagnostic::error(format!(
                "`folder_notes` is `none`, `index` or `folder_name`, not `{}`",
                name.trim()
            ))
            .in_file(CONFIG_FILE)
            .at(self.source, map.value_pos("folder_notes"))
            .width(name.trim().chars().count());
            self.diagnostics
                .push(match crate::text::suggestion(&name, FolderNotes::NAMES) {
                    Some(help) => d.help(help),
                    None => d,
                });
            FolderNotes::None
        })
    }

    fn unknown_key<'k>(
        &mut self,
        map: &YamlMap<'_>,
        key: &str,
        known: impl IntoIterator<Item = &'k str>,
    ) {
        let mut d = Diagnostic::warning(format!("unknown key `{key}` is ignored"))
            .kind(crate::diagnostics::Kind::UnknownKey)
            .in_file(CONFIG_FILE)
            .at(self.source, map.key_pos(key))
            .width(key.chars().count());
        if let Some(help) = suggestion(key, known) {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    fn string(&mut self, map: &YamlMap<'_>, key: &str) -> Option<String> {
        match map.get::<String>(key)? {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(e.pos, e.message);
                None
            }
        }
    }

    /// A nested block whose fields all have defaults; unknown keys in it are warnings.
    fn block<T: serde::de::DeserializeOwned + Default>(
        &mut self,
        map: &YamlMap<'_>,
        key: &str,
        fields: &[&str],
    ) -> T {
        let Some(sub) = map.get_map(key) else {
            return T::default();
        };
        let sub = match sub {
            Ok(sub) => sub,
            Err(e) => {
                self.error(e.pos, e.message);
                return T::default();
            }
        };
        for k in sub.keys() {
            if !fields.contains(&k) {
                self.unknown_key(&sub, k, fields.iter().copied());
            }
        }
        match map.get::<T>(key) {
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                self.error(e.pos, e.message);
                T::default()
            }
            None => T::default(),
        }
    }

    fn highlight(&mut self, map: &YamlMap<'_>) -> HighlightConfig {
        let mut config = HighlightConfig::default();
        let Some(sub) = map.get_map("highlight") else {
            return config;
        };
        let sub = match sub {
            Ok(sub) => sub,
            Err(e) => {
                self.error(e.pos, e.message);
                return config;
            }
        };
        for key in sub.keys() {
            let slot = match key {
                "theme" => &mut config.theme,
                "dark_theme" => &mut config.dark_theme,
                _ => {
                    self.unknown_key(&sub, key, ["theme", "dark_theme"]);
                    continue;
                }
            };
            match sub.get::<String>(key) {
                Some(Ok(name)) if HIGHLIGHT_THEMES.contains(&name.as_str()) => *slot = name,
                Some(Ok(name)) => {
                    let mut d = Diagnostic::error(format!(
                        "unknown highlight theme `{name}`; the themes are: {}",
                        HIGHLIGHT_THEMES.join(", ")
                    ))
                    .in_file(CONFIG_FILE)
                    .at(self.source, sub.value_pos(key));
                    if let Some(help) = suggestion(&name, HIGHLIGHT_THEMES.iter().copied()) {
                        d = d.help(help);
                    }
                    self.diagnostics.push(d);
                }
                Some(Err(e)) => self.error(e.pos, e.message),
                None => {}
            }
        }
        config
    }

    fn markdown(&mut self, map: &YamlMap<'_>) -> MarkdownConfig {
        let mut config = MarkdownConfig::default();
        let Some(sub) = map.get_map("markdown") else {
            return config;
        };
        let sub = match sub {
            Ok(sub) => sub,
            Err(e) => {
                self.error(e.pos, e.message);
                return config;
            }
        };
        for key in sub.keys() {
            match key {
                "smart_punctuation" => match sub.get::<bool>(key) {
                    Some(Ok(b)) => config.smart_punctuation = b,
                    Some(Err(e)) => self.error(e.pos, e.message),
                    None => {}
                },
                "math" => match sub.get::<bool>(key) {
                    Some(Ok(b)) => config.math = b,
                    Some(Err(e)) => self.error(e.pos, e.message),
                    None => {}
                },
                "raw_html" => match sub.get::<String>(key) {
                    Some(Ok(v)) if v == "keep" => config.raw_html = RawHtml::Keep,
                    Some(Ok(v)) if v == "escape" => config.raw_html = RawHtml::Escape,
                    Some(Ok(v)) => self.error(
                        sub.value_pos(key),
                        format!("`raw_html` is `keep` or `escape`, not `{v}`"),
                    ),
                    Some(Err(e)) => self.error(e.pos, e.message),
                    None => {}
                },
                _ => self.unknown_key(&sub, key, ["smart_punctuation", "raw_html", "math"]),
            }
        }
        config
    }

    fn images(&mut self, map: &YamlMap<'_>) -> ImagesConfig {
        const FIELDS: [&str; 3] = ["widths", "quality", "format"];
        let mut config = ImagesConfig::default();
        let Some(sub) = map.get_map("images") else {
            return config;
        };
        let sub = match sub {
            Ok(sub) => sub,
            Err(e) => {
                self.error(e.pos, e.message);
                return config;
            }
        };
        for key in sub.keys() {
            match key {
                "widths" => {
                    if let Some(widths) = self.image_widths(&sub) {
                        config.widths = widths;
                    }
                }
                "quality" => match sub.get::<i64>(key) {
                    Some(Ok(q)) if (1..=100).contains(&q) => config.quality = q as u8,
                    Some(_) => self.error(
                        sub.value_pos(key),
                        "`quality` is a whole number from 1 (smallest files) to 100 (best pictures)",
                    ),
                    None => {}
                },
                "format" => match sub.get::<String>(key) {
                    Some(Ok(name)) => match ImageFormat::parse(&name) {
                        Some(format) => config.format = format,
                        None => {
                            let mut d = Diagnostic::error(format!(
                                "unknown image format `{name}`; the formats are: {}",
                                ImageFormat::NAMES.join(", ")
                            ))
                            .in_file(CONFIG_FILE)
                            .at(self.source, sub.value_pos(key))
                            .width(name.chars().count());
                            if let Some(help) = suggestion(&name, ImageFormat::NAMES) {
                                d = d.help(help);
                            }
                            self.diagnostics.push(d);
                        }
                    },
                    Some(Err(e)) => self.error(e.pos, e.message),
                    None => {}
                },
                _ => self.unknown_key(&sub, key, FIELDS),
            }
        }
        config
    }

    /// `widths: [480, 800]`; `0`, `[0]` and `[]` turn resizing off.
    fn image_widths(&mut self, sub: &YamlMap<'_>) -> Option<Vec<u32>> {
        const MESSAGE: &str = "`widths` is a list of widths in pixels, such as `[480, 800, 1200, 1600]`, or 0 to turn resizing off";
        if let Some(Ok(0)) = sub.get::<i64>("widths") {
            return Some(Vec::new());
        }
        let listed = match sub.get::<Vec<i64>>("widths")? {
            Ok(listed) => listed,
            Err(_) => {
                self.error(sub.value_pos("widths"), MESSAGE);
                return None;
            }
        };
        if listed == [0] {
            return Some(Vec::new());
        }
        let max = i64::from(MAX_IMAGE_WIDTH);
        if let Some(bad) = listed.iter().find(|w| !(1..=max).contains(*w)) {
            self.error(
                sub.value_pos("widths"),
                format!(
                    "`widths`: {bad} is not a width from 1 to {MAX_IMAGE_WIDTH} pixels (`widths: 0` alone turns resizing off)"
                ),
            );
            return None;
        }
        let mut widths: Vec<u32> = listed.into_iter().map(|w| w as u32).collect();
        widths.sort_unstable();
        widths.dedup();
        Some(widths)
    }

    fn kinds(&mut self, map: &YamlMap<'_>) -> Kinds {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum KindEntry {
            Name(String),
            Full {
                name: String,
                plural: Option<String>,
                title: Option<String>,
                title_plural: Option<String>,
            },
        }
        let mut kinds = Kinds::builtin();
        let entries = match map.get::<Vec<KindEntry>>("kinds") {
            None => return kinds,
            Some(Ok(entries)) => entries,
            Some(Err(_)) => {
                self.error(
                    map.value_pos("kinds"),
                    "`kinds` is a list of names, or of `{name, plural, title, title_plural}` mappings",
                );
                return kinds;
            }
        };
        for entry in entries {
            let (name, plural, title, title_plural) = match entry {
                KindEntry::Name(name) => (name, None, None, None),
                KindEntry::Full {
                    name,
                    plural,
                    title,
                    title_plural,
                } => (name, plural, title, title_plural),
            };
            let slug = crate::text::slugify(&name);
            if slug != name {
                self.error(
                    map.value_pos("kinds"),
                    format!("kind `{name}`: a kind name is lowercase letters, digits and hyphens"),
                );
                continue;
            }
            if kinds.by_name(&name).is_some() {
                self.error(
                    map.value_pos("kinds"),
                    format!("kind `{name}` is defined twice"),
                );
                continue;
            }
            let plural = plural.unwrap_or_else(|| pluralize(&name));
            let title = title.unwrap_or_else(|| capitalize(&name));
            let title_plural = title_plural.unwrap_or_else(|| capitalize(&plural));
            kinds.0.push(KindDef {
                name,
                plural,
                title,
                title_plural,
            });
        }
        kinds
    }

    /// `relations:` of `site.yaml`: `NAME: {label, inverse, from_kinds, to_kinds}` adds a
    /// type of relation, or words a built-in one otherwise.
    fn relations(&mut self, map: &YamlMap<'_>, kinds: &Kinds) -> RelationTypes {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            label: String,
            inverse: String,
            #[serde(default)]
            from_kinds: Vec<String>,
            #[serde(default)]
            to_kinds: Vec<String>,
        }
        let mut types = RelationTypes::builtin(kinds);
        let written = match map.get::<std::collections::BTreeMap<String, Written>>("relations") {
            None => return types,
            Some(Ok(written)) => written,
            Some(Err(e)) => {
                self.error(
                    e.pos,
                    format!(
                        "`relations` maps a type's name to `{{label, inverse, from_kinds, to_kinds}}`: {}",
                        e.message
                    ),
                );
                return types;
            }
        };
        let pos = map.value_pos("relations");
        for (name, w) in written {
            let well_named = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_named {
                self.error(
                    pos,
                    format!("relation type `{name}`: a name is lowercase letters, digits and `_`"),
                );
                continue;
            }
            if w.label.trim().is_empty() || w.inverse.trim().is_empty() {
                self.error(
                    pos,
                    format!("relation type `{name}` needs a `label` and an `inverse`"),
                );
                continue;
            }
            let mut ids = |names: &[String]| -> Vec<KindId> {
                let mut ids = Vec::new();
                for kind in names {
                    match kinds.by_name(kind) {
                        Some(id) => ids.push(id),
                        None => {
                            let help = crate::text::suggestion(kind, kinds.names())
                                .map_or(String::new(), |h| format!(" ({h})"));
                            self.error(
                                pos,
                                format!("relation type `{name}`: there is no kind `{kind}`{help}"),
                            );
                        }
                    }
                }
                ids
            };
            let (from_kinds, to_kinds) = (ids(&w.from_kinds), ids(&w.to_kinds));
            types.set(RelationType {
                name,
                label: w.label.trim().to_string(),
                inverse: w.inverse.trim().to_string(),
                from_kinds,
                to_kinds,
            });
        }
        types
    }

    /// `publishers:`: a mapping from an id to `{name, url, country, description}`.
    fn publishers(&mut self, map: &YamlMap<'_>) -> Publishers {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            name: String,
            url: Option<crate::scheme::WebAddress>,
            country: Option<String>,
            description: Option<String>,
        }
        let written = match map.get::<std::collections::BTreeMap<String, Written>>("publishers") {
            None => return Publishers::default(),
            Some(Ok(written)) => written,
            Some(Err(e)) => {
                self.error(
                    e.pos,
                    format!(
                        "`publishers` maps an id to `{{name, url, country, description}}`: {}",
                        e.message
                    ),
                );
                return Publishers::default();
            }
        };
        let sub = map.get_map("publishers").and_then(Result::ok);
        let key_pos = |id: &str| {
            sub.as_ref()
                .map_or(map.value_pos("publishers"), |s| s.key_pos(id))
        };
        let mut publishers = Vec::with_capacity(written.len());
        for (id, w) in written {
            let well_named = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !well_named {
                self.error(
                    key_pos(&id),
                    format!(
                        "publisher `{id}`: an id is lowercase letters, digits, `-` and `_` (the name is written under it: `name: {id}`)"
                    ),
                );
                continue;
            }
            let name = w.name.trim().to_string();
            if name.is_empty() {
                self.error(key_pos(&id), format!("publisher `{id}` needs a `name`"));
                continue;
            }
            let nonempty =
                |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            publishers.push(Publisher {
                id,
                name,
                url: w.url.map(|u| u.0),
                country: nonempty(w.country),
                description: nonempty(w.description),
            });
        }
        Publishers(publishers)
    }

    fn finish(self, config: Option<Config>) -> ConfigReport {
        let failed = self.diagnostics.iter().any(Diagnostic::is_error);
        ConfigReport {
            config: if failed { None } else { config },
            diagnostics: self.diagnostics,
        }
    }
}

/// English plural of a kind name, for kinds declared without one.
fn pluralize(name: &str) -> String {
    let consonant_y = name.len() > 1
        && name.ends_with('y')
        && !name[..name.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ies", &name[..name.len() - 1])
    } else if name.ends_with(['s', 'x']) || name.ends_with("ch") || name.ends_with("sh") {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigReport {
        Config::parse(text, &Overrides::default())
    }

    #[test]
    fn reads_a_full_config() {
        let report = parse(
            "title: Dossier\ndescription: d\nbase_url: https://example.org/dossier\nlanguage: en\n\
             related:\n  count: 3\n  min_score: 0.5\nfeed:\n  count: 7\nmarkdown:\n  raw_html: escape\n\
             kinds:\n  - treaty\n  - {name: ship, plural: ships, title: Vessel}\nsearch: false\n",
        );
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let config = report.config.unwrap();
        assert_eq!(config.base_url, "https://example.org/dossier/");
        assert_eq!(config.base_path, "/dossier/");
        assert_eq!(config.url("places/baku/"), "/dossier/places/baku/");
        assert_eq!(config.related.count, 3);
        assert_eq!(config.feed.count, 7);
        assert_eq!(config.markdown.raw_html, RawHtml::Escape);
        assert!(!config.search);
        let treaty = config.kinds.by_name("treaty").unwrap();
        assert_eq!(config.kinds.get(treaty).plural, "treaties");
        assert_eq!(config.kinds.get(treaty).title_plural, "Treaties");
        let ship = config.kinds.by_folder("ships").unwrap();
        assert_eq!(config.kinds.get(ship).title, "Vessel");
    }

    #[test]
    fn unknown_keys_are_warnings_with_suggestions() {
        let report =
            parse("title: T\nbase_url: https://e.org/\ndescripton: x\nrelated:\n  cuont: 2\n");
        let config = report.config.expect("warnings do not fail the config");
        assert_eq!(config.related.count, 5);
        let messages: Vec<String> = report.diagnostics.iter().map(|d| d.render(false)).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("warning: site.yaml:3:1: unknown key `descripton`"));
        assert!(messages[0].contains("did you mean `description`?"));
        assert!(messages[1].starts_with("warning: site.yaml:5:3: unknown key `cuont`"));
        assert!(messages[1].contains("did you mean `count`?"));
    }

    #[test]
    fn paginate_by_is_a_count_of_entries() {
        let default = parse("title: T\nbase_url: https://e.org/\n");
        assert_eq!(default.config.unwrap().paginate_by, PAGINATE_BY);
        let off = parse("title: T\nbase_url: https://e.org/\npaginate_by: 0\n");
        assert_eq!(off.config.unwrap().paginate_by, 0);
        for bad in ["-1", "lots", "2.5"] {
            let report = parse(&format!(
                "title: T\nbase_url: https://e.org/\npaginate_by: {bad}\n"
            ));
            assert!(report.config.is_none(), "{bad}");
            assert!(
                report.diagnostics[0]
                    .headline()
                    .starts_with("site.yaml:3:14: `paginate_by` must be a whole number"),
                "{bad}: {}",
                report.diagnostics[0].headline()
            );
        }
    }

    #[test]
    fn base_url_must_be_absolute() {
        let report = parse("title: T\nbase_url: example.org\n");
        assert!(report.config.is_none());
        assert!(
            report.diagnostics[0]
                .headline()
                .starts_with("site.yaml:2:11: `example.org` is not an absolute URL")
        );
        let missing = parse("title: T\n");
        assert!(
            missing.diagnostics[0]
                .message
                .contains("`base_url` is missing")
        );
    }

    #[test]
    fn unknown_highlight_theme_is_an_error_with_a_suggestion() {
        let report =
            parse("title: T\nbase_url: https://e.org/\nhighlight:\n  theme: InspiredGithub\n");
        assert!(report.config.is_none());
        let d = &report.diagnostics[0];
        assert_eq!(d.pos, Some(Pos::new(4, 10)));
        assert_eq!(d.help.as_deref(), Some("did you mean `InspiredGitHub`?"));
    }

    #[test]
    fn images_settings_are_read_and_checked_at_their_line() {
        let default = parse("title: T\nbase_url: https://e.org/\n")
            .config
            .unwrap();
        assert_eq!(default.images, ImagesConfig::default());
        assert_eq!(default.images.widths, IMAGE_WIDTHS);

        let report = parse(
            "title: T\nbase_url: https://e.org/\nimages:\n  widths: [1200, 400, 400]\n  quality: 65\n  format: webp\n",
        );
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let images = report.config.unwrap().images;
        assert_eq!(images.widths, [400, 1200], "sorted, without repeats");
        assert_eq!(images.quality, 65);
        assert_eq!(images.format, ImageFormat::Webp);

        for off in ["0", "[0]", "[]"] {
            let report = parse(&format!(
                "title: T\nbase_url: https://e.org/\nimages:\n  widths: {off}\n"
            ));
            let config = report.config.expect(off);
            assert!(config.images.widths.is_empty(), "{off} turns resizing off");
        }

        let cases = [
            (
                "  widths: [800, -1]\n",
                Pos::new(4, 11),
                "-1 is not a width",
            ),
            ("  widths: [0, 800]\n", Pos::new(4, 11), "0 is not a width"),
            (
                "  widths: [80000]\n",
                Pos::new(4, 11),
                "80000 is not a width",
            ),
            (
                "  widths: wide\n",
                Pos::new(4, 11),
                "`widths` is a list of widths",
            ),
            (
                "  quality: 0\n",
                Pos::new(4, 12),
                "`quality` is a whole number",
            ),
            (
                "  quality: 101\n",
                Pos::new(4, 12),
                "`quality` is a whole number",
            ),
            (
                "  quality: high\n",
                Pos::new(4, 12),
                "`quality` is a whole number",
            ),
            (
                "  format: jpge\n",
                Pos::new(4, 11),
                "unknown image format `jpge`",
            ),
        ];
        for (line, pos, message) in cases {
            let report = parse(&format!(
                "title: T\nbase_url: https://e.org/\nimages:\n{line}"
            ));
            assert!(report.config.is_none(), "{line}");
            let d = &report.diagnostics[0];
            assert_eq!(d.pos, Some(pos), "{line}");
            assert!(d.message.contains(message), "{line}: {}", d.message);
        }
        let typo = parse("title: T\nbase_url: https://e.org/\nimages:\n  format: jpge\n");
        assert_eq!(
            typo.diagnostics[0].help.as_deref(),
            Some("did you mean `jpeg`?")
        );

        let unknown = parse("title: T\nbase_url: https://e.org/\nimages:\n  widht: [800]\n");
        assert!(unknown.config.is_some(), "an unknown key is a warning");
        let d = &unknown.diagnostics[0];
        assert!(!d.is_error());
        assert_eq!(d.pos, Some(Pos::new(4, 3)));
        assert_eq!(d.help.as_deref(), Some("did you mean `widths`?"));
    }
}
