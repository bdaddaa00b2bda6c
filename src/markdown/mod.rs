//! Markdown → HTML with pulldown-cmark: heading ids, table of contents, summary, word
//! count, highlighted code, and every link handed to a resolver.

pub mod highlight;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

pub use highlight::Highlighter;

use crate::config::{MarkdownConfig, RawHtml};
use crate::text::slugify;

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
];

/// How much of a page's plain text [`Rendered::text`] keeps.
pub const TEXT_LIMIT: usize = 1000;

/// A link as written in the Markdown.
#[derive(Debug, Clone, Copy)]
pub struct LinkRef<'a> {
    pub dest: &'a str,
    /// `[[...]]` rather than `[...](...)`.
    pub wiki: bool,
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
    /// page is known.
    SitePath { url: String, path: String },
    /// A `#fragment` of this very page, checked against its own ids.
    SamePage { fragment: String },
    Broken {
        message: String,
        help: Option<String>,
    },
}

/// Turns link destinations into URLs; one per rendered page.
pub trait LinkResolver {
    fn resolve(&self, link: LinkRef<'_>) -> Resolved;
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

/// A problem found while rendering, at a byte range of the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
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
    /// Links written as site paths, with their byte offsets.
    pub site_paths: Vec<(String, usize)>,
    pub problems: Vec<Problem>,
    /// Things to warn about that do not stop the build (script URLs).
    pub warnings: Vec<Problem>,
}

impl Rendered {
    pub fn has_id(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || RESERVED_IDS.contains(&id)
    }
}

fn parser_options(config: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_GFM;
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
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(text, parser_options(config))
        .into_offset_iter()
        .collect();
    let headings = heading_ids(&events);

    let mut out = Rendered {
        headings,
        ..Rendered::default()
    };
    let mut html_events: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut heading_index = 0;
    let mut more_at: Option<usize> = None;
    let mut first_paragraph: Option<Range<usize>> = None;
    let mut depth = 0usize;
    let mut same_page: Vec<(String, Range<usize>)> = Vec::new();
    let mut context = ContextTracker::default();
    // A script link made inert is written as its text alone: its end goes too.
    let mut dropped_link = false;

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let id = out.headings.get(heading_index).map(|h| h.id.clone());
                heading_index += 1;
                html_events.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: id.map(CowStr::from),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                depth += 1;
                context.open();
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    CodeBlockKind::Indented => None,
                };
                let mut code = String::new();
                i += 1;
                while i < events.len() {
                    match &events[i].0 {
                        Event::Text(t) => code.push_str(t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                    i += 1;
                }
                html_events.push(Event::Html(
                    highlighter.highlight(&code, lang.as_deref()).into(),
                ));
            }
            // A wikilink names an entry and is resolved (or reported) like any other.
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. })
                && crate::scheme::is_script(dest_url, false) =>
            {
                out.warnings
                    .push(script_url_problem(range, "link", config.raw_html));
                if config.raw_html == RawHtml::Escape {
                    dropped_link = true;
                } else {
                    html_events.push(event.clone());
                }
            }
            Event::End(TagEnd::Link) if dropped_link => dropped_link = false,
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if crate::scheme::is_script(dest_url, true) => {
                out.warnings
                    .push(script_url_problem(range, "image", config.raw_html));
                let dest_url = match config.raw_html {
                    RawHtml::Escape => CowStr::Borrowed(""),
                    RawHtml::Keep => dest_url.clone(),
                };
                html_events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url,
                    title: title.clone(),
                    id: id.clone(),
                }));
                depth += 1;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let dest = match links.resolve(LinkRef {
                    dest: dest_url,
                    wiki,
                }) {
                    Resolved::Keep => dest_url.clone(),
                    Resolved::Internal {
                        url,
                        target,
                        fragment,
                    } => {
                        if let Some(target) = target {
                            context.link(out.links.len());
                            out.links.push(OutLink {
                                target,
                                fragment,
                                offset: range.start,
                                context: String::new(),
                            });
                        }
                        url.into()
                    }
                    Resolved::SitePath { url, path } => {
                        out.site_paths.push((path, range.start));
                        url.into()
                    }
                    Resolved::SamePage { fragment } => {
                        same_page.push((fragment.clone(), range.clone()));
                        format!("#{fragment}").into()
                    }
                    Resolved::Broken { message, help } => {
                        out.problems.push(Problem {
                            range: range.clone(),
                            message,
                            help,
                        });
                        dest_url.clone()
                    }
                };
                html_events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if more_at.is_none() && is_more_marker(html) {
                    more_at = Some(html_events.len());
                } else if config.raw_html == RawHtml::Escape {
                    html_events.push(Event::Text(html.clone()));
                } else {
                    html_events.push(event.clone());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                out.word_count += t.split_whitespace().count();
                context.text(t);
                push_limited(&mut out.text, t);
                html_events.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                context.text(" ");
                push_limited(&mut out.text, " ");
                html_events.push(event.clone());
            }
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) && first_paragraph.is_none() {
                    first_paragraph = Some(html_events.len()..html_events.len());
                }
                if matches!(tag, Tag::Paragraph | Tag::Item | Tag::TableCell) {
                    context.open();
                }
                depth += 1;
                html_events.push(event.clone());
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                html_events.push(event.clone());
                if depth == 0
                    && matches!(tag, TagEnd::Paragraph)
                    && let Some(r) = &mut first_paragraph
                    && r.end == r.start
                {
                    r.end = html_events.len();
                }
                if matches!(
                    tag,
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_)
                ) {
                    context.close(&mut out.links);
                    push_limited(&mut out.text, " ");
                }
            }
            _ => html_events.push(event.clone()),
        }
        i += 1;
    }
    context.close(&mut out.links);

    for (fragment, range) in same_page {
        if !out.has_id(&fragment) {
            out.problems.push(Problem {
                range,
                message: format!("no heading on this page has the id `#{fragment}`"),
                help: nearest_id(&fragment, &out.headings),
            });
        }
    }

    let summary_range = match more_at {
        Some(end) => Some(0..end),
        None => first_paragraph.filter(|r| r.end > r.start),
    };
    if let Some(r) = summary_range {
        let slice = &html_events[r];
        pulldown_cmark::html::push_html(&mut out.summary_html, slice.iter().cloned());
        out.summary_text = plain_text(slice);
    }
    out.html.reserve(text.len() + text.len() / 2);
    pulldown_cmark::html::push_html(&mut out.html, html_events.into_iter());
    out
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

/// The ids of every heading, in order: `{#custom}` ids as written, others from the text,
/// each unique on the page and never one of [`RESERVED_IDS`].
fn heading_ids(events: &[(Event<'_>, Range<usize>)]) -> Vec<Heading> {
    let mut used = UniqueIds::new(RESERVED_IDS);
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let mut title = String::new();
            i += 1;
            while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[i].0 {
                    title.push_str(t);
                }
                i += 1;
            }
            let base = match id {
                Some(custom) => custom.to_string(),
                None => {
                    let slug = slugify(&title);
                    if slug.is_empty() {
                        "section".into()
                    } else {
                        slug
                    }
                }
            };
            let id = used.unique(&base);
            headings.push(Heading {
                level: *level as u8,
                id,
                title: title.trim().to_string(),
            });
        }
        i += 1;
    }
    headings
}

/// Ids handed out on one page. A repeated base gets the first free `base-N`; each base
/// remembers where its search stopped, so N repeats of one heading cost O(N), not O(N²).
/// The ids are those a search from `base-1` for every repeat would find, since an id once
/// taken stays taken.
struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl UniqueIds {
    fn new(reserved: &[&str]) -> Self {
        UniqueIds {
            used: reserved.iter().map(|s| (*s).to_string()).collect(),
            next: HashMap::new(),
        }
    }

    /// Allocates the id it returns, the copy it keeps and, the first time a base repeats,
    /// its counter's key: nothing else per heading, however many there are.
    fn unique(&mut self, base: &str) -> String {
        if !self.used.contains(base) {
            self.used.insert(base.to_owned());
            return base.to_owned();
        }
        let mut n = self.next.get(base).copied().unwrap_or(1);
        let mut candidate = String::with_capacity(base.len() + 8);
        loop {
            candidate.clear();
            // Writing to a String cannot fail.
            let _ = write!(candidate, "{base}-{n}");
            n += 1;
            if !self.used.contains(&candidate) {
                break;
            }
        }
        match self.next.get_mut(base) {
            Some(next) => *next = n,
            None => {
                self.next.insert(base.to_owned(), n);
            }
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
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

    proptest::proptest! {
        #[test]
        fn unique_ids_are_those_of_a_search_from_one(
            bases in proptest::collection::vec(
                proptest::sample::select(vec!["a", "a-1", "a-2", "a-1-1", "a-11", "b", "sources", "sources-1"]),
                0..60,
            )
        ) {
            let mut fast = UniqueIds::new(RESERVED_IDS);
            let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| (*s).to_string()).collect();
            for base in bases {
                proptest::prop_assert_eq!(fast.unique(base), unique_id_by_search(base, &mut used));
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
