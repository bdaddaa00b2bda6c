//! Markdown → HTML with pulldown-cmark: heading ids, table of contents, summary, word
//! count, highlighted code, and every link handed to a resolver.

pub mod highlight;
mod obsidian;
mod pass;
mod raw_html;

use std::cell::Cell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::ops::Range;

use pulldown_cmark::{Event, Options, TagEnd};

pub use highlight::Highlighter;

use crate::config::{MarkdownConfig, RawHtml};
use crate::content::files::FileRef;

/// Ids the default theme gives its own blocks; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "toc",
    "related",
    "backlinks",
    "sources",
    "statements",
    "main",
    "top",
    "search",
    "relations",
    "map",
    "map-title",
    "map-desc",
    "entity-timeline",
    "timeline-filters",
];

/// How much of a page's plain text [`Rendered::text`] keeps.
pub const TEXT_LIMIT: usize = 1000;

/// A link as written in the Markdown.
#[derive(Debug, Clone, Copy)]
pub struct LinkRef<'a> {
    pub dest: &'a str,
    /// `[[...]]` rather than `[...](...)`.
    pub wiki: bool,
    /// An image (`![...](...)`, `<img src>`) rather than a link.
    pub image: bool,
}

/// What a link resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Not a link to the site (an external URL, `mailto:` …): left as written.
    Keep,
    /// A link into the site. `target` is the linked entry, when it is one; `fragment` is
    /// checked against its heading ids once every entry is rendered.
    Internal {
        url: String,
        target: Option<u32>,
        fragment: Option<String>,
    },
    /// A site path such as `/tags/` (given without the base path), checked once every
    /// page is known; so is its `fragment`, on the page's headings.
    SitePath {
        url: String,
        path: String,
        fragment: Option<String>,
    },
    /// A file of the site (beside the entries in `content/`, or a static file).
    File { url: String, file: FileRef },
    /// A `#fragment` of this very page, checked against its own ids.
    SamePage { fragment: String },
    Broken {
        message: String,
        help: Option<String>,
        /// What kind of link problem it is (for `links: warn` and the summary).
        kind: crate::diagnostics::Kind,
    },
}

/// Turns link destinations into URLs; one per rendered page.
pub trait LinkResolver {
    fn resolve(&self, link: LinkRef<'_>) -> Resolved;

    /// Whether the output has the file `path` (a site path without its `/`); a
    /// resolver that keeps links as written does not know, and says yes.
    fn has_file(&self, _path: &str) -> bool {
        true
    }
}

/// A resolver that leaves every link as written (section texts, tests).
pub struct KeepLinks;

impl LinkResolver for KeepLinks {
    fn resolve(&self, _: LinkRef<'_>) -> Resolved {
        Resolved::Keep
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What an embed (`![[Note]]`) shows the text of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedTarget {
    /// An entry, by index.
    Entry(u32),
    /// A section's page (a folder's, or its folder note's), by its site path.
    Section(String),
}

/// An embed of another page's text: `![[Note]]`, `![[Note#Heading]]`, `![[Note#^id]]`.
/// The page's HTML holds [`embed_marker`] where it goes: the text it shows is another
/// page's, known only once every page is rendered, and put there by the render stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub target: EmbedTarget,
    /// The heading (`a#b` for one under another) or block (`^id`) shown, else the whole
    /// text; as link fragments are checked.
    pub fragment: Option<String>,
    /// Byte offset of the embed in the Markdown.
    pub offset: usize,
    /// The name as written between `![[` and `]]`.
    pub written: String,
    /// The URL of what it shows, with its fragment.
    pub url: String,
}

/// What the HTML of a page holds where its embed number `n` goes: a comment, so that
/// nothing shows should it ever be printed as it is.
pub fn embed_marker(n: usize) -> String {
    format!("{EMBED_MARKER}{n}-->")
}

/// How every [`embed_marker`] starts.
pub const EMBED_MARKER: &str = "<!--dossier:embed ";

/// A link from this page to an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutLink {
    pub target: u32,
    pub fragment: Option<String>,
    /// Byte offset of the link in the Markdown.
    pub offset: usize,
    /// The sentence the link stands in, as plain text.
    pub context: String,
}

/// A link written as a site path (`/tags/#x`), or to a section's page, checked once every
/// page is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePathLink {
    /// The page's site path, without the base path: `tags/`.
    pub path: String,
    pub fragment: Option<String>,
    /// Byte offset of the link in the Markdown.
    pub offset: usize,
}

/// A reference from this page to a file of the site: what later stages need to know
/// more about it (an image's size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLink {
    pub file: FileRef,
    /// `<img src>` or `![](…)`, not a link.
    pub image: bool,
    /// Byte offset of the reference in the Markdown.
    pub offset: usize,
    /// For a picture shown, what [`PictureSizes::size`] said of it when the page was
    /// rendered: the page is rendered again when it says something else.
    pub picture: Option<PictureSize>,
}

/// What the header of a picture file tells: its size and variants, or why it cannot be
/// read.
pub type PictureSize = Result<Picture, String>;

/// A picture as a page shows it: its size (none for an SVG that gives none) and the
/// smaller copies it is offered at in its `srcset` (none for most).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub size: Option<crate::images::Size>,
    pub variants: std::sync::Arc<[crate::images::Variant]>,
}

/// The sizes of the pictures a page shows, for the `width` and `height` of its `<img>`.
pub trait PictureSizes: Sync {
    /// `None` for a file that is not a picture Dossier reads (by its name).
    fn size(&self, file: &FileRef) -> Option<PictureSize>;
}

/// No sizes at all (tests, benches, pages rendered without the site's files).
pub struct NoSizes;

impl PictureSizes for NoSizes {
    fn size(&self, _: &FileRef) -> Option<PictureSize> {
        None
    }
}

/// How a page's pictures are written.
#[derive(Clone, Copy)]
pub struct PictureOptions<'a> {
    pub sizes: &'a dyn PictureSizes,
    /// The page's first picture is the first thing of its main content that a reader
    /// sees (nothing is shown above the text): it is loaded at once, the others lazily.
    pub first_above_fold: bool,
}

impl Default for PictureOptions<'_> {
    fn default() -> Self {
        PictureOptions {
            sizes: &NoSizes,
            first_above_fold: true,
        }
    }
}

/// A problem found while rendering, at a byte range of the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub kind: crate::diagnostics::Kind,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// HTML of the text before `<!-- more -->`, else of the first paragraph.
    pub summary_html: String,
    /// The same as plain text.
    pub summary_text: String,
    pub word_count: usize,
    /// The plain text of the page, up to [`TEXT_LIMIT`] bytes (for the search index).
    pub text: String,
    pub links: Vec<OutLink>,
    /// Links written as site paths, and links to section pages.
    pub site_paths: Vec<SitePathLink>,
    /// Links and images that refer to files of the site.
    pub files: Vec<FileLink>,
    pub problems: Vec<Problem>,
    /// Things to warn about that do not stop the build (script URLs).
    pub warnings: Vec<Problem>,
    /// The block ids of the page (`^id` at the end of a paragraph or list item), without
    /// the `^`; the HTML id of each block is `^id`, apart from the headings' ids.
    pub blocks: Vec<String>,
    /// The embeds of other pages' texts, numbered as their markers in `html`.
    pub embeds: Vec<Embed>,
    /// Where each heading starts in `html`: an embed of its section (`![[Note#Heading]]`)
    /// is cut from there. Apart from the headings, so that an edit above a heading leaves
    /// them equal.
    pub heading_at: Vec<usize>,
}

impl Rendered {
    pub fn has_id(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || RESERVED_IDS.contains(&id)
    }

    /// Whether `fragment`, written as Obsidian names a block (`^id`) or a heading under
    /// others (`a#b`, in slugs), names something on this page, which is called `page` in
    /// a message; `None` for any other fragment.
    pub fn obsidian_anchor(
        &self,
        fragment: &str,
        page: &str,
    ) -> Option<Result<(), (String, Option<String>)>> {
        if let Some(block) = fragment.strip_prefix('^') {
            if self.blocks.iter().any(|b| b == block) {
                return Some(Ok(()));
            }
            return Some(Err((
                format!("{page} has no block with the id `^{block}`"),
                crate::text::did_you_mean(block, self.blocks.iter().map(String::as_str))
                    .map(|b| format!("did you mean `^{b}`?")),
            )));
        }
        if !fragment.contains('#') {
            return None;
        }
        Some(self.nested_heading(fragment, page))
    }

    /// What an embed with `fragment` shows of this page, as a range of its HTML: all of
    /// it, the section of a heading (to the next heading of its level or higher), or one
    /// block, `true` when that is a list item. `None` when the fragment names nothing.
    pub fn part(&self, fragment: Option<&str>) -> Option<(Range<usize>, bool)> {
        let html = self.html.as_str();
        let Some(fragment) = fragment else {
            return Some((0..html.len(), false));
        };
        if let Some(block) = fragment.strip_prefix('^') {
            return [("p", false), ("li", true)]
                .into_iter()
                .find_map(|(tag, item)| {
                    let start = html.find(&format!("<{tag} id=\"^{block}\">"))?;
                    Some((start..element_end(html, start, tag)?, item))
                });
        }
        let i = self.heading_index(fragment)?;
        let level = self.headings[i].level;
        let at = |j: usize| self.heading_at.get(j).copied();
        let end = match self.headings[i + 1..].iter().position(|h| h.level <= level) {
            Some(j) => at(i + 1 + j)?,
            None => html.len(),
        };
        let from = at(i)?;
        let start = from + usize::from(html.get(from..)?.starts_with('\n'));
        (start <= end && end <= html.len()).then_some((start..end, false))
    }

    /// Where the marker of each embed is in the HTML, by its number (in one pass over
    /// it, however many embeds the page has).
    pub fn embed_positions(&self) -> Vec<Option<usize>> {
        let mut at = vec![None; self.embeds.len()];
        let mut from = 0;
        while let Some(i) = self.html[from..].find(EMBED_MARKER) {
            let start = from + i;
            let digits = &self.html[start + EMBED_MARKER.len()..];
            let end = digits.find("-->").unwrap_or(0);
            if let Some(slot) = digits[..end]
                .parse::<usize>()
                .ok()
                .and_then(|n| at.get_mut(n))
            {
                slot.get_or_insert(start);
            }
            from = start + EMBED_MARKER.len();
        }
        at
    }

    /// The heading a fragment names (`b`, or `a#b` for `b` under `a`), by index.
    pub fn heading_index(&self, fragment: &str) -> Option<usize> {
        if !fragment.contains('#') {
            return self.headings.iter().position(|h| h.id == fragment);
        }
        self.heading_path(fragment).ok().flatten().map(|(i, _)| i)
    }

    /// Walks `a#b#c` down the headings, as Obsidian finds them: each part the first heading
    /// of that id or title under the one before, at any depth. The last heading found, with
    /// the part that named it (none for a fragment of no parts); or the part not found,
    /// with the part above it.
    fn heading_path<'f>(&self, fragment: &'f str) -> HeadingWalk<'f> {
        let headings = &self.headings;
        let mut scope = 0..headings.len();
        let mut level = 0u8;
        let mut found: Option<(usize, &str)> = None;
        for part in fragment.split('#').filter(|p| !p.is_empty()) {
            let hit = headings[scope.clone()].iter().position(|h| {
                h.level > level && (h.id == part || crate::text::slugify(&h.title) == part)
            });
            let Some(i) = hit.map(|i| scope.start + i) else {
                return Err((part, found.map(|(_, parent)| parent)));
            };
            level = headings[i].level;
            let end = headings[i + 1..]
                .iter()
                .position(|h| h.level <= level)
                .map_or(headings.len(), |p| i + 1 + p);
            scope = i + 1..end;
            found = Some((i, part));
        }
        Ok(found)
    }

    /// `a#b#c`: a heading `c` under a heading `b` under a heading `a`, at any depth, as
    /// Obsidian finds them; its id must be `c` (the link lands there).
    fn nested_heading(&self, fragment: &str, page: &str) -> Result<(), (String, Option<String>)> {
        let headings = &self.headings;
        match self.heading_path(fragment) {
            Err((part, Some(parent))) => Err((
                format!("{page} has no heading `#{part}` under the heading `#{parent}`"),
                None,
            )),
            Err((part, None)) => {
                Err((format!("{page} has no heading with the id `#{part}`"), None))
            }
            Ok(Some((i, part))) if headings[i].id != part => Err((
                format!(
                    "the heading `#{part}` that this link means in {page} has the id `#{}`: its \
                     title is repeated on that page, and the link would land on another",
                    headings[i].id
                ),
                Some(format!(
                    "link to `#{}`, or give the heading an id of its own with `{{#id}}`",
                    headings[i].id
                )),
            )),
            Ok(_) => Ok(()),
        }
    }
}

/// What a walk down a heading path found: the heading and the part that named it (none
/// for a path of no parts), or the part not found and the part above it.
type HeadingWalk<'f> = Result<Option<(usize, &'f str)>, (&'f str, Option<&'f str>)>;

/// Where the element `tag` that opens at `start` of `html` ends (after its end tag),
/// counting the elements of the same name inside it.
fn element_end(html: &str, start: usize, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut depth = 0usize;
    let mut at = start;
    loop {
        let next_open = html[at..].find(&open).map(|i| at + i);
        let next_close = html[at..].find(&close).map(|i| at + i)?;
        match next_open {
            Some(o) if o < next_close => {
                let after = html.as_bytes().get(o + open.len());
                if matches!(after, Some(b' ' | b'>' | b'\n' | b'\t')) {
                    depth += 1;
                }
                at = o + open.len();
            }
            _ => {
                depth = depth.saturating_sub(1);
                at = next_close + close.len();
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

/// The fragment of the URL that a link's fragment lands on: `^id` (a block, whose HTML id
/// is `^id`) percent-encoded as `%5Eid`, `a#b` (a heading under another) on `b`, any other
/// as it is.
pub fn anchor_id(fragment: &str) -> std::borrow::Cow<'_, str> {
    if let Some(block) = fragment.strip_prefix('^') {
        return format!("%5E{block}").into();
    }
    fragment.rsplit('#').next().unwrap_or(fragment).into()
}

/// The fragment of a wikilink's `#…` part as it is checked: a block `^id` as written, and
/// each heading of `A#B` as its slug (a heading written as an id stays as it is).
pub fn wiki_fragment(written: &str) -> String {
    if let Some(block) = written.strip_prefix('^') {
        return format!("^{}", block.trim());
    }
    let slug = |part: &str| {
        let slug = crate::text::slugify(part);
        if slug.is_empty() {
            part.trim().to_string()
        } else {
            slug
        }
    };
    if !written.contains('#') {
        return slug(written);
    }
    let parts: Vec<String> = written
        .split('#')
        .filter(|p| !p.trim().is_empty())
        .map(slug)
        .collect();
    parts.join("#")
}

/// The pulldown-cmark options a page is parsed with (public for the benches, which time
/// the parser alone).
pub fn parser_options(config: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_GFM;
    if config.math {
        options |= Options::ENABLE_MATH;
    }
    if config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Renders the Markdown `text`.
pub fn render(
    text: &str,
    config: &MarkdownConfig,
    links: &dyn LinkResolver,
    highlighter: &Highlighter,
) -> Rendered {
    render_with(text, config, links, highlighter, PictureOptions::default())
}

/// Renders the Markdown `text`, its pictures sized by `pictures`.
pub fn render_with(
    text: &str,
    config: &MarkdownConfig,
    links: &dyn LinkResolver,
    highlighter: &Highlighter,
    pictures: PictureOptions<'_>,
) -> Rendered {
    // Comments are cut before the parser sees the text, so that nothing of them is
    // published; offsets are mapped back to the source's after.
    let uncommented = obsidian::strip_comments(text, parser_options(config));
    let source = uncommented.as_ref().map_or(text, |u| u.text.as_str());
    let html_len = Cell::new(0);
    let mut pass = pass::Pass::new(source, config, links, highlighter, &html_len, pictures);
    let mut html = Tracked {
        html: String::with_capacity(source.len() + source.len() / 2),
        len: &html_len,
    };
    // Writing to a String does not fail.
    let _ = pulldown_cmark::html::write_html_fmt(&mut html, &mut pass);
    let mut out = pass.finish(&html.html);
    out.html = html.html;
    if let Some(u) = &uncommented {
        map_offsets(&mut out, u);
    }
    out
}

/// Offsets of the text without comments made offsets of the source, and the warning for a
/// comment never closed.
fn map_offsets(out: &mut Rendered, u: &obsidian::Uncommented) {
    let range = |r: &Range<usize>| {
        let start = u.source_offset(r.start);
        let end = match r.end.checked_sub(1) {
            Some(last) if r.end > r.start => u.source_offset(last) + 1,
            _ => start,
        };
        start..end.max(start)
    };
    for p in out.problems.iter_mut().chain(out.warnings.iter_mut()) {
        p.range = range(&p.range);
    }
    for l in &mut out.links {
        l.offset = u.source_offset(l.offset);
    }
    for l in &mut out.site_paths {
        l.offset = u.source_offset(l.offset);
    }
    for f in &mut out.files {
        f.offset = u.source_offset(f.offset);
    }
    for e in &mut out.embeds {
        e.offset = u.source_offset(e.offset);
    }
    if let Some(at) = u.unclosed {
        out.warnings.push(Problem {
            range: at..at + 2,
            message: "`%%` opens a comment that is never closed: the rest of the text is left \
                      out"
            .to_string(),
            help: Some("close the comment with another `%%`".to_string()),
            kind: crate::diagnostics::Kind::Other,
        });
    }
}

/// The page's HTML, and its length where the pass can see it.
struct Tracked<'c> {
    html: String,
    len: &'c Cell<usize>,
}

impl std::fmt::Write for Tracked<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.html.push_str(s);
        self.len.set(self.html.len());
        Ok(())
    }
}

/// The warning for a link or image whose URL runs script; with `raw_html: escape` the
/// URL is left out of the page.
fn script_url_problem(range: &Range<usize>, what: &str, raw_html: RawHtml) -> Problem {
    let (message, help) = match raw_html {
        RawHtml::Escape => (
            format!("{what} with a script URL: left out of the page (`raw_html: escape`)"),
            None,
        ),
        RawHtml::Keep => (
            format!("{what} with a script URL: it runs script when followed"),
            Some("with `raw_html: escape` in site.yaml such URLs are left out".to_string()),
        ),
    };
    Problem {
        kind: crate::diagnostics::Kind::Other,
        range: range.clone(),
        message,
        help,
    }
}

/// Appends to the page text until it holds [`TEXT_LIMIT`] bytes, cutting at a character.
fn push_limited(text: &mut String, more: &str) {
    if text.len() >= TEXT_LIMIT || (more == " " && (text.is_empty() || text.ends_with(' '))) {
        return;
    }
    let room = TEXT_LIMIT - text.len();
    if more.len() <= room {
        text.push_str(more);
    } else {
        let cut = (0..=room)
            .rev()
            .find(|&i| more.is_char_boundary(i))
            .unwrap_or(0);
        text.push_str(&more[..cut]);
    }
}

pub(crate) fn nearest_id(fragment: &str, headings: &[Heading]) -> Option<String> {
    crate::text::suggestion(fragment, headings.iter().map(|h| h.id.as_str()))
}

fn is_more_marker(html: &str) -> bool {
    let t = html.trim();
    t.strip_prefix("<!--")
        .and_then(|t| t.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// Ids handed out on one page. A repeated base gets the first free `base-N`; each base
/// remembers where its search stopped, so N repeats of one heading cost O(N), not O(N²).
/// The ids are those a search from `base-1` for every repeat would find, since an id once
/// taken stays taken.
///
/// The table holds each id's hash, not its text: growing it moves a few numbers per id
/// instead of reading every id again from wherever it lies in memory, which on a page of
/// tens of thousands of headings cost more per heading the more there were.
struct UniqueIds<S = RandomState> {
    hasher: S,
    /// Every id taken, by its hash: its place in `ids` and where its search goes on.
    taken: HashMap<u64, Taken, BuildHasherDefault<KeyIsHash>>,
    ids: Vec<String>,
    /// Ids whose hash an earlier id already had, by their text, with where their
    /// search goes on.
    collided: HashMap<String, usize>,
}

struct Taken {
    index: usize,
    next: usize,
}

impl UniqueIds {
    fn new(reserved: &[&str]) -> Self {
        UniqueIds::with_hasher(reserved, RandomState::new())
    }
}

impl<S: BuildHasher> UniqueIds<S> {
    fn with_hasher(reserved: &[&str], hasher: S) -> Self {
        let mut ids = UniqueIds {
            hasher,
            taken: HashMap::default(),
            ids: Vec::new(),
            collided: HashMap::new(),
        };
        for id in reserved {
            let hash = ids.hasher.hash_one(*id);
            if ids.next_of(id, hash).is_none() {
                ids.take((*id).to_owned(), hash);
            }
        }
        ids
    }

    /// Allocates the id it returns and the copy it keeps, nothing else per heading.
    fn unique(&mut self, base: &str) -> String {
        let base_hash = self.hasher.hash_one(base);
        let Some(&mut mut n) = self.next_of(base, base_hash) else {
            self.take(base.to_owned(), base_hash);
            return base.to_owned();
        };
        let mut candidate = String::with_capacity(base.len() + 8);
        let hash = loop {
            candidate.clear();
            // Writing to a String cannot fail.
            let _ = write!(candidate, "{base}-{n}");
            n += 1;
            let hash = self.hasher.hash_one(candidate.as_str());
            if self.next_of(&candidate, hash).is_none() {
                break hash;
            }
        };
        if let Some(next) = self.next_of(base, base_hash) {
            *next = n;
        }
        self.take(candidate.clone(), hash);
        candidate
    }

    /// Takes `id` as it is (a block id), unless it is taken.
    fn take_exact(&mut self, id: &str) -> bool {
        let hash = self.hasher.hash_one(id);
        if self.next_of(id, hash).is_some() {
            return false;
        }
        self.take(id.to_owned(), hash);
        true
    }

    /// Where the search from `id` (hashed `hash`) goes on, if `id` is taken.
    fn next_of(&mut self, id: &str, hash: u64) -> Option<&mut usize> {
        match self.taken.get_mut(&hash) {
            Some(taken) if self.ids[taken.index] == id => Some(&mut taken.next),
            Some(_) => self.collided.get_mut(id),
            None => None,
        }
    }

    fn take(&mut self, id: String, hash: u64) {
        match self.taken.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(Taken {
                    index: self.ids.len(),
                    next: 1,
                });
                self.ids.push(id);
            }
            Entry::Occupied(_) => {
                self.collided.insert(id, 1);
            }
        }
    }
}

/// Hashes a `u64` that is already a hash to itself.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        push_plain(&mut text, event);
    }
    text.trim().to_string()
}

/// Appends what `event` adds to the plain text of a summary.
fn push_plain(text: &mut String, event: &Event<'_>) {
    match event {
        Event::Text(t) | Event::Code(t) => text.push_str(t),
        Event::SoftBreak | Event::HardBreak => text.push(' '),
        Event::End(TagEnd::Paragraph) => text.push(' '),
        _ => {}
    }
}

/// Collects the plain text of the innermost block around each link, so that backlinks can
/// show the sentence a link stands in.
#[derive(Default)]
struct ContextTracker {
    /// One per block level ever opened; the first `open` are the blocks open now. A
    /// closed level keeps its buffers for the next block at that depth.
    blocks: Vec<Block>,
    open: usize,
}

#[derive(Default)]
struct Block {
    text: String,
    /// Each link in the block: its index in the page's links and its offset in `text`.
    links: Vec<(usize, usize)>,
}

impl ContextTracker {
    fn open(&mut self) {
        if self.open == self.blocks.len() {
            self.blocks.push(Block::default());
        } else {
            let block = &mut self.blocks[self.open];
            block.text.clear();
            block.links.clear();
        }
        self.open += 1;
    }

    fn text(&mut self, t: &str) {
        if let Some(block) = self.open.checked_sub(1).map(|i| &mut self.blocks[i]) {
            block.text.push_str(t);
        }
    }

    fn link(&mut self, index: usize) {
        if let Some(block) = self.open.checked_sub(1).map(|i| &mut self.blocks[i]) {
            block.links.push((index, block.text.len()));
        }
    }

    fn close(&mut self, out: &mut [OutLink]) {
        let Some(closing) = self.open.checked_sub(1) else {
            return;
        };
        self.open = closing;
        let (open, closed) = self.blocks.split_at_mut(closing);
        let block = &closed[0];
        if !block.links.is_empty() {
            let mut sentences = Sentences::new(&block.text);
            for &(index, at) in &block.links {
                if let Some(link) = out.get_mut(index) {
                    link.context = sentences.around(at);
                }
            }
        }
        // The text of a closed block is also part of its parent's (a list item's paragraph).
        if let Some(parent) = open.last_mut() {
            parent.text.push_str(&block.text);
        }
    }
}

/// The sentence of `text` that contains byte `at`, trimmed to a readable length.
#[cfg(test)]
pub(crate) fn sentence_around(text: &str, at: usize) -> String {
    Sentences::new(text).around(at)
}

/// The most characters of a sentence shown around a link.
const SENTENCE_MAX: usize = 240;

/// The sentences of one block's text, found once, so that each of its links costs a lookup
/// and at most [`SENTENCE_MAX`] characters, however many links and however long the block.
/// A sentence ends after `. `, `? ` or `! `.
pub(crate) struct Sentences<'a> {
    text: &'a str,
    /// Every byte offset just after a sentence end (before the end of the text), ascending.
    starts: Vec<usize>,
    /// The byte offset of every character, made when a sentence is too long to show whole.
    chars: Option<Vec<usize>>,
    /// The sentence looked up last (links of one sentence come one after another):
    /// its untrimmed range, its trimmed range and its length in characters.
    last: Option<(Range<usize>, Range<usize>, usize)>,
}

impl<'a> Sentences<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let starts = (2..bytes.len())
            .filter(|&i| bytes[i - 1] == b' ' && matches!(bytes[i - 2], b'.' | b'?' | b'!'))
            .collect();
        Sentences {
            text,
            starts,
            chars: None,
            last: None,
        }
    }

    /// The sentence that contains byte `at`, trimmed to [`SENTENCE_MAX`] characters around it.
    pub(crate) fn around(&mut self, at: usize) -> String {
        let text = self.text;
        let at = at.min(text.len());
        let next = self.starts.partition_point(|&s| s <= at);
        let start = if next > 0 { self.starts[next - 1] } else { 0 };
        let end = self.starts.get(next).copied().unwrap_or(text.len());
        let (trimmed, count) = match &self.last {
            Some((range, trimmed, count)) if *range == (start..end) => (trimmed.clone(), *count),
            _ => {
                let raw = &text[start..end];
                let from = start + (raw.len() - raw.trim_start().len());
                let sentence = raw.trim();
                let trimmed = from..from + sentence.len();
                let count = sentence.chars().count();
                self.last = Some((start..end, trimmed.clone(), count));
                (trimmed, count)
            }
        };
        if count <= SENTENCE_MAX {
            return text[trimmed].to_string();
        }
        let chars = self
            .chars
            .get_or_insert_with(|| text.char_indices().map(|(i, _)| i).collect());
        let rank = |byte: usize| chars.partition_point(|&c| c < byte);
        let byte_of = |k: usize| chars.get(k).copied().unwrap_or(text.len());
        let base = rank(trimmed.start);
        // Counted from the untrimmed start, as the backlinks have always shown it.
        let at_char = rank(at.max(start)) - rank(start);
        let from = at_char
            .saturating_sub(SENTENCE_MAX / 2)
            .min(count.saturating_sub(SENTENCE_MAX));
        let to = (from + SENTENCE_MAX).min(count);
        let window: Vec<char> = text[byte_of(base + from)..byte_of(base + to)]
            .chars()
            .collect();
        let (mut lo, mut hi) = (0, window.len());
        // Cut at spaces, not inside words.
        if from > 0
            && let Some(space) = window.iter().position(|c| c.is_whitespace())
        {
            lo = space + 1;
        }
        if to < count
            && let Some(space) = window[lo..hi].iter().rposition(|c| c.is_whitespace())
        {
            hi = lo + space;
        }
        let mut s: String = window[lo..hi].iter().collect();
        if from > 0 {
            s.insert(0, '…');
        }
        if to < count {
            s.push('…');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn md(text: &str) -> Rendered {
        render(
            text,
            &MarkdownConfig::default(),
            &KeepLinks,
            &Highlighter::new(),
        )
    }

    #[test]
    fn heading_ids_are_unique_and_avoid_reserved_ids() {
        let r =
            md("# Intro\n## Intro\n## Sources\n## Custom {#my-id}\n## Intro\n### `code` here\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "intro",
                "intro-1",
                "sources-1",
                "my-id",
                "intro-2",
                "code-here"
            ]
        );
        assert!(
            r.html.contains("<h2 id=\"intro-1\">Intro</h2>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<h2 id=\"my-id\">Custom</h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.headings[5].level, 3);
        assert_eq!(r.headings[5].title, "code here");
    }

    #[test]
    fn summary_is_the_text_before_more() {
        let r = md("First *para*.\n\nSecond.\n\n<!-- more -->\n\nThird.\n");
        assert_eq!(
            r.summary_html,
            "<p>First <em>para</em>.</p>\n<p>Second.</p>\n"
        );
        assert_eq!(r.summary_text, "First para. Second.");
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn summary_falls_back_to_the_first_paragraph() {
        let r = md("## Heading\n\n- a list\n\nThe *first* paragraph.\n\nAnother.\n");
        assert_eq!(r.summary_html, "<p>The <em>first</em> paragraph.</p>\n");
        assert_eq!(r.summary_text, "The first paragraph.");
        assert_eq!(md("## Only a heading\n").summary_html, "");
    }

    #[test]
    fn a_summary_numbers_its_footnotes_from_its_first() {
        // The heading's footnote is the page's first; in the summary the paragraph's are.
        let r = md("## H[^n]\n\nP[^m] [^n]\n\n[^n]: a\n[^m]: b\n");
        assert!(r.html.contains("<a href=\"#m\">2</a>"), "{}", r.html);
        assert_eq!(
            r.summary_html,
            "<p>P<sup class=\"footnote-reference\"><a href=\"#m\">1</a></sup> \
             <sup class=\"footnote-reference\"><a href=\"#n\">2</a></sup></p>\n"
        );
        assert_eq!(r.summary_text, "P");
    }

    #[test]
    fn the_summary_is_the_first_paragraph_as_the_page_shows_it() {
        let text = "# T\n\n```\ncode\n```\nThe [[first]] *one*\nwith a break.\n\n> Second.\n";
        let r = md(text);
        assert_eq!(
            r.summary_html,
            "<p>The <a href=\"first\">first</a> <em>one</em>\nwith a break.</p>\n"
        );
        assert!(r.html.contains(&r.summary_html), "{}", r.html);
        assert_eq!(r.summary_text, "The first one with a break.");
    }

    #[test]
    fn counts_words_of_text_not_markup() {
        let r = md("One **two** three.\n\n- four `five`\n");
        assert_eq!(r.word_count, 5);
        assert_eq!(r.text.trim(), "One two three. four five");
    }

    #[test]
    fn page_text_is_limited_at_a_character_boundary() {
        let r = md(&"é".repeat(TEXT_LIMIT));
        assert!(r.text.len() <= TEXT_LIMIT);
        assert!(r.text.len() >= TEXT_LIMIT - 1);
    }

    #[test]
    fn gfm_extensions_render() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n\nNote[^1].\n\n[^1]: The note.\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>gone</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn smart_punctuation_follows_the_config() {
        let on = md("\"Quoted\" -- text\n");
        assert!(on.html.contains("“Quoted” – text"), "{}", on.html);
        let off = render(
            "\"Quoted\"\n",
            &MarkdownConfig {
                smart_punctuation: false,
                ..MarkdownConfig::default()
            },
            &KeepLinks,
            &Highlighter::new(),
        );
        assert!(off.html.contains("<p>\"Quoted\"</p>"), "{}", off.html);
    }

    #[test]
    fn raw_html_is_kept_or_escaped() {
        assert!(
            md("<span class=\"x\">hi</span>\n")
                .html
                .contains("<span class=\"x\">")
        );
        let escaped = render(
            "<script>alert(1)</script>\n\nText <b>bold</b>\n",
            &MarkdownConfig {
                raw_html: RawHtml::Escape,
                ..MarkdownConfig::default()
            },
            &KeepLinks,
            &Highlighter::new(),
        );
        assert!(!escaped.html.contains("<script>"), "{}", escaped.html);
        assert!(escaped.html.contains("&lt;script&gt;"), "{}", escaped.html);
        assert!(escaped.html.contains("&lt;b&gt;bold"), "{}", escaped.html);
    }

    #[test]
    fn code_blocks_are_highlighted() {
        let r = md("```rust\nlet x = 1;\n```\n");
        assert!(
            r.html.contains("<pre class=\"code\" data-lang=\"rust\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("hl-"), "{}", r.html);
    }

    struct Fixed;
    impl LinkResolver for Fixed {
        fn resolve(&self, link: LinkRef<'_>) -> Resolved {
            match link.dest {
                "b.md" => Resolved::Internal {
                    url: "/b/".into(),
                    target: Some(7),
                    fragment: None,
                },
                d if d.starts_with('#') => Resolved::SamePage {
                    fragment: d[1..].into(),
                },
                "Lachin road" if link.wiki => Resolved::Internal {
                    url: "/places/lachin-road/".into(),
                    target: Some(3),
                    fragment: None,
                },
                "missing.md" => Resolved::Broken {
                    message: "no entry".into(),
                    help: None,
                    kind: crate::diagnostics::Kind::MissingNote,
                },
                _ => Resolved::Keep,
            }
        }
    }

    #[test]
    fn links_are_resolved_and_recorded() {
        let text = "## Top\n\nSee [B](b.md). Then [[Lachin road]] and [out](https://x.org).\n\n[up](#top) [bad](#nope) [gone](missing.md)\n";
        let r = render(
            text,
            &MarkdownConfig::default(),
            &Fixed,
            &Highlighter::new(),
        );
        assert!(r.html.contains("<a href=\"/b/\">B</a>"), "{}", r.html);
        assert!(
            r.html
                .contains("<a href=\"/places/lachin-road/\">Lachin road</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"https://x.org\">out</a>"));
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].target, 7);
        assert_eq!(r.links[0].context, "See B.");
        assert_eq!(r.links[1].context, "Then Lachin road and out.");
        assert_eq!(&text[r.links[1].offset..r.links[1].offset + 2], "[[");
        let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            ["no entry", "no heading on this page has the id `#nope`"]
        );
        assert_eq!(&text[r.problems[0].range.clone()], "[gone](missing.md)");
    }

    #[test]
    fn a_titled_image_alone_in_its_paragraph_is_a_figure() {
        let r = md("![A map](map.png \"The <road>\")\n\nText ![x](in.png \"t\") more.\n");
        assert!(
            r.html.starts_with(
                "<figure><img src=\"map.png\" alt=\"A map\" decoding=\"async\">\
                 <figcaption>The &lt;road&gt;</figcaption></figure>\n"
            ),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<p><figure>"), "{}", r.html);
        assert!(
            r.html.contains(
                "<p>Text <img src=\"in.png\" alt=\"x\" title=\"t\" decoding=\"async\" loading=\"lazy\"> more.</p>"
            ),
            "{}",
            r.html
        );
        // The figure is not the summary: the first paragraph is.
        assert!(
            r.summary_html.starts_with("<p>Text <img"),
            "{}",
            r.summary_html
        );
    }

    #[test]
    fn an_untitled_image_or_one_beside_text_stays_inline() {
        let r = md("![alone](a.png)\n\n![b](b.png \"B\") and text\n");
        assert!(
            r.html
                .contains("<p><img src=\"a.png\" alt=\"alone\" decoding=\"async\"></p>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<p><img src=\"b.png\" alt=\"b\" title=\"B\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<figure>"), "{}", r.html);
    }

    #[test]
    fn every_picture_but_the_first_loads_lazily() {
        let options = PictureOptions {
            sizes: &NoSizes,
            first_above_fold: false,
        };
        let config = MarkdownConfig::default();
        let text = "![a](a.png)\n\n<img src=\"b.png\" alt=\"b\">\n\n<img src=c.png loading=eager width=3>\n";
        let first = md(text);
        assert_eq!(
            first.html.matches("loading=\"lazy\"").count(),
            1,
            "{}",
            first.html
        );
        assert!(
            first
                .html
                .contains("<img src=\"b.png\" alt=\"b\" decoding=\"async\" loading=\"lazy\">"),
            "{}",
            first.html
        );
        assert!(
            first
                .html
                .contains("<img src=c.png loading=eager width=3 decoding=\"async\">"),
            "{}",
            first.html
        );
        let none = render_with(text, &config, &KeepLinks, &Highlighter::new(), options);
        assert_eq!(
            none.html.matches("loading=\"lazy\"").count(),
            2,
            "{}",
            none.html
        );
    }

    /// The search every repeat of a heading did before [`UniqueIds`] remembered where it
    /// stopped: the reference its ids are checked against.
    fn unique_id_by_search(base: &str, used: &mut HashSet<String>) -> String {
        if used.insert(base.to_string()) {
            return base.to_string();
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| used.insert(candidate.clone()))
            .unwrap_or_default()
    }

    use proptest::strategy::Strategy;

    #[derive(Default)]
    struct ByLength(u64);

    impl Hasher for ByLength {
        fn finish(&self) -> u64 {
            self.0
        }

        fn write(&mut self, bytes: &[u8]) {
            self.0 += bytes.len() as u64;
        }
    }

    proptest::proptest! {
        #[test]
        fn unique_ids_are_those_of_a_search_from_one(
            bases in proptest::collection::vec(
                proptest::sample::select(vec!["a", "a-1", "a-2", "a-1-1", "a-11", "b", "sources", "sources-1"]),
                0..60,
            )
        ) {
            let mut fast = UniqueIds::new(RESERVED_IDS);
            // Every id of the same length has the same hash here: all but the first collide.
            let mut colliding = UniqueIds::with_hasher(RESERVED_IDS, BuildHasherDefault::<ByLength>::default());
            let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| (*s).to_string()).collect();
            for base in bases {
                let expected = unique_id_by_search(base, &mut used);
                proptest::prop_assert_eq!(colliding.unique(base), expected.clone());
                proptest::prop_assert_eq!(fast.unique(base), expected);
            }
        }

        #[test]
        fn sentences_are_those_of_a_scan_per_link(
            // Sentence ends are 3 pieces out of `3 + spread`: short and very long sentences.
            pieces in (1usize..300).prop_flat_map(|spread| {
                proptest::collection::vec(0..spread + 3, 0..600)
            }),
            cuts in proptest::collection::vec(0usize..3000, 1..8),
        ) {
            const STOPS: [&str; 3] = [". ", "? ", "! "];
            const OTHERS: [&str; 8] = ["word", " ", ".", "é", "\u{3000}", "  ", "ab cd", "x!y"];
            let text: String = pieces
                .iter()
                .map(|&p| STOPS.get(p).copied().unwrap_or(OTHERS[p % OTHERS.len()]))
                .collect();
            let mut ats: Vec<usize> = cuts
                .into_iter()
                .map(|c| {
                    let mut at = c.min(text.len());
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    at
                })
                .collect();
            ats.sort_unstable();
            let mut sentences = Sentences::new(&text);
            for at in ats {
                proptest::prop_assert_eq!(sentences.around(at), sentence_by_scan(&text, at));
            }
        }
    }

    #[test]
    fn a_callout_keeps_its_markup_when_raw_html_is_escaped() {
        let r = render(
            "> [!tip] Title\n> Body <b>x</b>\n",
            &MarkdownConfig {
                raw_html: RawHtml::Escape,
                ..MarkdownConfig::default()
            },
            &KeepLinks,
            &Highlighter::new(),
        );
        assert!(
            r.html.starts_with(
                "<div class=\"callout callout-tip\" data-callout=\"tip\">\n\
                 <div class=\"callout-title\">Title</div>\n<div class=\"callout-content\">\n<p>Body &lt;b&gt;"
            ),
            "{}",
            r.html
        );
        assert!(r.html.ends_with("</div>\n</div>\n"), "{}", r.html);
    }

    #[test]
    fn the_summary_and_text_hold_no_comment_and_no_callout_marker() {
        let r = md("First %%hidden%% words ==marked==.\n\n> [!info] Seen\n> Inside.\n");
        assert_eq!(r.summary_text, "First  words marked.");
        assert!(
            !r.text.contains("hidden") && !r.text.contains("[!"),
            "{}",
            r.text
        );
        assert!(r.text.contains("Seen"), "{}", r.text);
    }

    #[test]
    fn a_highlight_never_closed_ends_before_a_block() {
        let r = md("- a ==b\n  - nested ==c\n");
        assert_eq!(
            r.html.matches("<mark>").count(),
            r.html.matches("</mark>").count(),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<mark>b\n<ul>"), "{}", r.html);
        let r = md("*a ==b* c== d\n");
        assert_eq!(
            r.html.matches("<mark>").count(),
            r.html.matches("</mark>").count(),
            "{}",
            r.html
        );
        assert!(r.html.contains("<em>a <mark>b</mark></em>"), "{}", r.html);
    }

    #[test]
    fn an_element_ends_at_its_own_end_tag() {
        let html = "<li id=\"^a\">a<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>";
        let end = element_end(html, 0, "li").unwrap();
        assert_eq!(
            &html[..end],
            "<li id=\"^a\">a<ul>\n<li>b</li>\n</ul>\n</li>"
        );
        let html = "<p id=\"^p\">x <pre>y</pre></p><p>z</p>";
        assert_eq!(element_end(html, 0, "p"), Some(html.find("<p>z").unwrap()));
    }

    #[test]
    fn an_embed_shows_a_heading_s_section_or_a_block() {
        let r = md("Intro.\n\n## A\n\nIn A.\n\n### A1\n\nDeeper. ^d\n\n## B\n\nIn B.\n");
        let part = |f: Option<&str>| r.part(f).map(|(range, _)| &r.html[range]);
        assert_eq!(part(None), Some(r.html.as_str()));
        let a = part(Some("a")).unwrap();
        assert!(
            a.starts_with("<h2 id=\"a\">A</h2>") && a.contains("Deeper."),
            "{a}"
        );
        assert!(!a.contains("In B."), "{a}");
        assert_eq!(
            part(Some("a#a1")).unwrap(),
            "<h3 id=\"a1\">A1</h3>\n<p id=\"^d\">Deeper.</p>\n"
        );
        assert_eq!(part(Some("^d")), Some("<p id=\"^d\">Deeper.</p>"));
        assert_eq!(part(Some("nope")), None);
        assert_eq!(part(Some("^nope")), None);
    }

    #[test]
    fn nested_heading_and_block_fragments_are_checked() {
        let r = md("## A\n### B\n## C\n### B\nText. ^t\n");
        assert_eq!(r.obsidian_anchor("a#b", "p"), Some(Ok(())));
        assert!(r.obsidian_anchor("c#b", "p").unwrap().is_err());
        assert!(r.obsidian_anchor("a#c", "p").unwrap().is_err());
        assert_eq!(r.obsidian_anchor("^t", "p"), Some(Ok(())));
        assert!(r.obsidian_anchor("^u", "p").unwrap().is_err());
        assert_eq!(r.obsidian_anchor("a", "p"), None);
        assert_eq!(wiki_fragment("A Title#Sub Head"), "a-title#sub-head");
        assert_eq!(wiki_fragment("^blk"), "^blk");
        assert_eq!(anchor_id("a#b"), "b");
        assert_eq!(anchor_id("^blk"), "%5Eblk");
    }

    #[test]
    fn repeated_headings_number_on_and_skip_taken_ids() {
        let r = md("## Same\n## Same\n## Same-1\n## Same\n## Sources\n## Sources\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "same",
                "same-1",
                "same-1-1",
                "same-2",
                "sources-1",
                "sources-2"
            ]
        );
    }

    /// `sentence_around` as it was, scanning the block from its start for every link: the
    /// reference [`Sentences`] is checked against.
    fn sentence_by_scan(text: &str, at: usize) -> String {
        const MAX: usize = 240;
        let at = at.min(text.len());
        let is_end = |s: &str| s.ends_with(". ") || s.ends_with("? ") || s.ends_with("! ");
        let mut start = 0;
        for (i, _) in text.char_indices() {
            if i > at {
                break;
            }
            if i >= 2 && is_end(&text[..i]) {
                start = i;
            }
        }
        let mut end = text.len();
        for (i, _) in text.char_indices().skip_while(|(i, _)| *i < at) {
            if i > at && is_end(&text[..i]) {
                end = i;
                break;
            }
        }
        let sentence = text[start..end].trim();
        if sentence.chars().count() <= MAX {
            return sentence.to_string();
        }
        let chars: Vec<char> = sentence.chars().collect();
        let at_char = text[start..at.max(start)].chars().count();
        let mut from = at_char
            .saturating_sub(MAX / 2)
            .min(chars.len().saturating_sub(MAX));
        let mut to = (from + MAX).min(chars.len());
        if from > 0
            && let Some(space) = chars[from..to].iter().position(|c| c.is_whitespace())
        {
            from += space + 1;
        }
        if to < chars.len()
            && let Some(space) = chars[from..to].iter().rposition(|c| c.is_whitespace())
        {
            to = from + space;
        }
        let mut s: String = chars[from..to].iter().collect();
        if from > 0 {
            s.insert(0, '…');
        }
        if to < chars.len() {
            s.push('…');
        }
        s
    }

    #[test]
    fn sentences_around_links_are_short() {
        let long = format!("{}. Target here. {}", "x".repeat(50), "y ".repeat(400));
        let at = long.find("Target").unwrap();
        assert_eq!(sentence_around(&long, at), "Target here.");
        let no_stop = "z".repeat(1000);
        let s = sentence_around(&no_stop, 500);
        assert!(s.chars().count() <= 242, "{}", s.len());
        assert!(s.starts_with('…') && s.ends_with('…'));
        let words = "word ".repeat(200);
        let s = sentence_around(&words, 500);
        assert!(s.starts_with("…word") && s.ends_with("word…"), "{s}");
    }
}
