//! The one pass of [`super::render`] over pulldown-cmark's events: it resolves links, gives
//! headings their ids, highlights code and collects what [`Rendered`] holds besides HTML,
//! handing each event on to the HTML writer as soon as it is done with it. Only a
//! heading's events are read ahead (its id comes from its text), and the summary is cut
//! from the page's HTML where it can be, so a page's events never sit in memory all at
//! once (they did twice over: as the parser gave them and as they were to be written).

use std::cell::Cell;
use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, OffsetIter, Tag, TagEnd,
};

use super::obsidian::{self, Fold};
use super::raw_html;
use super::{
    ContextTracker, Embed, EmbedTarget, FileLink, Heading, Highlighter, LinkRef, LinkResolver,
    OutLink, Picture, PictureOptions, PictureSize, Problem, RESERVED_IDS, Rendered, Resolved,
    SitePathLink, UniqueIds, is_more_marker, plain_text, push_limited, push_plain,
    script_url_problem,
};
use crate::config::{MarkdownConfig, RawHtml};
use crate::text::slugify;

/// The range given to the events the pass makes itself (a callout's markup): they are
/// handed on as they are.
const MADE: Range<usize> = usize::MAX..usize::MAX;

pub(super) struct Pass<'t, 'r> {
    /// The Markdown (without its comments).
    text: &'t str,
    events: OffsetIter<'t>,
    /// The events of the heading being written, read ahead for its id.
    ahead: VecDeque<(Event<'t>, Range<usize>)>,
    config: &'r MarkdownConfig,
    resolver: &'r dyn LinkResolver,
    highlighter: &'r Highlighter,
    out: Rendered,
    ids: UniqueIds,
    /// How many events have been handed on.
    written: usize,
    /// Where `<!-- more -->` stood, counted in events handed on.
    more_at: Option<usize>,
    first_paragraph: Option<Range<usize>>,
    depth: usize,
    same_page: Vec<(String, Range<usize>)>,
    context: ContextTracker,
    /// A script link made inert is written as its text alone: its end goes too.
    dropped_link: bool,
    summary: Summary<'t>,
    /// The length of the HTML written so far: when the writer asks for an event, that of
    /// every event before it (an image's alt text aside, and no paragraph starts or ends
    /// in one).
    html_len: &'r Cell<usize>,
    pictures: PictureOptions<'r>,
    /// How many pictures have been written.
    pictures_written: usize,
    /// What the sizes said of the picture `link` resolved last.
    last_picture: Option<PictureSize>,
    /// Each quote open: how the callout it is folds, or `None` for a plain quote.
    quotes: Vec<Option<Fold>>,
    /// The depth at which a `<mark>` is open.
    mark: Option<usize>,
    /// Where the innermost block of text open now ends in the Markdown.
    block_end: usize,
    /// The block id that ends the block open now: its range and where the space
    /// before it starts (the text is cut there).
    block_id: Option<(Range<usize>, usize)>,
    /// Made at the page's first formula.
    math: Option<math_core::LatexToMathML>,
    /// Each block of text open now (paragraph, list item, table cell, heading): whether
    /// it holds phrasing content only (a paragraph or heading), and the depth inside it.
    leaves: Vec<(bool, usize)>,
    /// What the link resolved last names, when it names a page of the site: the page
    /// and the fragment.
    last_page: Option<(EmbedTarget, Option<String>)>,
    /// The file the link resolved last names, if it does.
    last_file: Option<crate::content::files::FileRef>,
}

/// What the summary is made from: the events before `<!-- more -->`, else the first
/// paragraph.
struct Summary<'t> {
    /// The text holds `<!--`. A marker is an HTML event that starts with it, and
    /// pulldown-cmark's HTML events are the source's characters, so without it there is
    /// no marker to wait for.
    may_have_more: bool,
    /// Copies of the events handed on that the summary may be: every one until a marker
    /// while there may be one, else the first paragraph's when footnotes came before it
    /// (the page numbers its footnotes from the first, a summary from its own first).
    events: Vec<Event<'t>>,
    /// The number of the first event copied.
    from: usize,
    copy_paragraph: bool,
    /// A footnote has been handed on.
    footnotes: bool,
    /// Else the first paragraph's HTML is the same as in the page: its byte range there
    /// (with the newline the writer may put before `<p>`), and its plain text.
    html: Range<usize>,
    text: String,
}

impl<'t> Summary<'t> {
    fn new(may_have_more: bool) -> Self {
        Summary {
            may_have_more,
            events: Vec::new(),
            from: 0,
            copy_paragraph: false,
            footnotes: false,
            html: 0..0,
            text: String::new(),
        }
    }

    /// Takes note of event number `at`, handed on when the page's HTML was `html_len`
    /// long; `first_paragraph` as it stands with this event.
    fn keep(
        &mut self,
        at: usize,
        event: &Event<'t>,
        first_paragraph: Option<&Range<usize>>,
        more_found: bool,
        html_len: usize,
    ) {
        if !more_found {
            if self.may_have_more {
                self.copy(at, event);
            } else if let Some(r) = first_paragraph
                && at >= r.start
                && (r.end == r.start || at < r.end)
            {
                if at == r.start {
                    self.copy_paragraph = self.footnotes;
                    self.html.start = html_len;
                }
                if self.copy_paragraph {
                    self.copy(at, event);
                } else {
                    push_plain(&mut self.text, event);
                }
            }
        }
        if matches!(
            event,
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
        ) {
            self.footnotes = true;
        }
    }

    fn copy(&mut self, at: usize, event: &Event<'t>) {
        if self.events.is_empty() {
            self.from = at;
        }
        self.events.push(event.clone());
    }

    /// The summary's HTML and plain text: of the events numbered `range`, out of the
    /// page's `html`.
    fn finish(self, range: Range<usize>, html: &str) -> (String, String) {
        if self.may_have_more || self.copy_paragraph {
            let from = self.from;
            let kept = range.start.saturating_sub(from)..range.end.saturating_sub(from);
            let mut events = self.events;
            debug_assert!(kept.end <= events.len(), "the summary's events were kept");
            let mut summary = String::new();
            if kept.end <= events.len() {
                let text = plain_text(&events[kept.clone()]);
                pulldown_cmark::html::push_html(&mut summary, events.drain(kept));
                return (summary, text);
            }
            return (summary, String::new());
        }
        let cut = html.get(self.html.clone()).unwrap_or_default();
        let cut = cut.strip_prefix('\n').unwrap_or(cut);
        (cut.to_owned(), self.text.trim().to_owned())
    }
}

impl<'t, 'r> Pass<'t, 'r> {
    pub(super) fn new(
        text: &'t str,
        config: &'r MarkdownConfig,
        resolver: &'r dyn LinkResolver,
        highlighter: &'r Highlighter,
        html_len: &'r Cell<usize>,
        pictures: PictureOptions<'r>,
    ) -> Self {
        Pass {
            text,
            events: pulldown_cmark::Parser::new_ext(text, super::parser_options(config))
                .into_offset_iter(),
            ahead: VecDeque::new(),
            config,
            resolver,
            highlighter,
            out: Rendered::default(),
            ids: UniqueIds::new(RESERVED_IDS),
            written: 0,
            more_at: None,
            first_paragraph: None,
            depth: 0,
            same_page: Vec::new(),
            context: ContextTracker::default(),
            dropped_link: false,
            summary: Summary::new(text.contains("<!--")),
            html_len,
            pictures,
            pictures_written: 0,
            last_picture: None,
            quotes: Vec::new(),
            mark: None,
            block_end: 0,
            block_id: None,
            math: None,
            leaves: Vec::new(),
            last_page: None,
            last_file: None,
        }
    }

    fn read(&mut self) -> Option<(Event<'t>, Range<usize>)> {
        self.ahead.pop_front().or_else(|| self.events.next())
    }

    /// What to hand on for one event of the parser, if anything.
    fn step(&mut self, event: Event<'t>, range: Range<usize>) -> Option<Event<'t>> {
        let config = self.config;
        match event {
            Event::Start(Tag::BlockQuote(kind)) => self.quote(kind, range),
            Event::End(TagEnd::BlockQuote(_))
                if self.quotes.last().is_some_and(Option::is_some) =>
            {
                let fold = self.quotes.pop().flatten().unwrap_or(Fold::None);
                self.depth = self.depth.saturating_sub(1);
                Some(Event::Html(obsidian::callout_close(fold).into()))
            }
            // Raw HTML that spells an embed's marker is not one.
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if config.raw_html == RawHtml::Keep && h.contains(super::EMBED_MARKER) =>
            {
                let neutral: CowStr<'t> = h
                    .replace(super::EMBED_MARKER, "<!--dossier:embed-as-written ")
                    .into();
                Some(match event {
                    Event::Html(_) => Event::Html(neutral),
                    _ => Event::InlineHtml(neutral),
                })
            }
            Event::InlineMath(latex) => Some(self.math(&latex, range, false)),
            Event::DisplayMath(latex) => Some(self.math(&latex, range, true)),
            Event::Text(t) => {
                let t = self.text_event(t, &range);
                self.out.word_count += t.split_whitespace().count();
                self.context.text(&t);
                push_limited(&mut self.out.text, &t);
                Some(Event::Text(t))
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let id = self.heading_id(level as u8, id);
                self.depth += 1;
                self.context.open();
                self.leaves.push((true, self.depth));
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                }))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    CodeBlockKind::Indented => None,
                };
                let mut code = String::new();
                while let Some((event, _)) = self.read() {
                    match event {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                if lang.as_deref() == Some("mermaid") {
                    if !self.resolver.has_file(super::highlight::MERMAID_SCRIPT) {
                        self.out
                            .warnings
                            .push(super::highlight::no_mermaid_script(range));
                    }
                    return Some(Event::Html(super::highlight::mermaid(&code).into()));
                }
                Some(Event::Html(
                    self.highlighter.highlight(&code, lang.as_deref()).into(),
                ))
            }
            // A wikilink names an entry and is resolved (or reported) like any other.
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. })
                && crate::scheme::is_script(dest_url, false) =>
            {
                self.out
                    .warnings
                    .push(script_url_problem(&range, "link", config.raw_html));
                if config.raw_html == RawHtml::Escape {
                    self.dropped_link = true;
                    None
                } else {
                    Some(event)
                }
            }
            Event::End(TagEnd::Link) if self.dropped_link => {
                self.dropped_link = false;
                None
            }
            Event::Start(Tag::Image {
                link_type: link_type @ LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) if !crate::scheme::is_script(&dest_url, true) => {
                Some(self.wiki_embed(link_type, dest_url, range, has_pothole))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let (src, picture) = self.image_src(link_type, dest_url, range);
                let (alt, _) = self.image_alt();
                let title = (!title.is_empty()).then_some(&*title);
                Some(Event::InlineHtml(
                    self.img_tag(&src, &alt, title, picture, Own::default())
                        .into(),
                ))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, range, false);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::Html(html) | Event::InlineHtml(html)
                if self.more_at.is_none() && is_more_marker(&html) =>
            {
                self.more_at = Some(self.written);
                None
            }
            Event::Start(Tag::HtmlBlock) if config.raw_html == RawHtml::Keep => {
                self.html_block();
                self.depth += 1;
                Some(event)
            }
            Event::InlineHtml(html)
                if config.raw_html == RawHtml::Keep && raw_html::may_have_img(&html) =>
            {
                Some(Event::InlineHtml(
                    self.raw_images(html, &[(0, range.start)]),
                ))
            }
            Event::Html(html)
                if config.raw_html == RawHtml::Keep && raw_html::may_have_img(&html) =>
            {
                Some(Event::Html(self.raw_images(html, &[(0, range.start)])))
            }
            Event::Html(html) | Event::InlineHtml(html) if config.raw_html == RawHtml::Escape => {
                Some(Event::Text(html))
            }
            Event::Code(ref t) => {
                self.out.word_count += t.split_whitespace().count();
                self.context.text(t);
                push_limited(&mut self.out.text, t);
                Some(event)
            }
            Event::SoftBreak | Event::HardBreak => {
                self.context.text(" ");
                push_limited(&mut self.out.text, " ");
                Some(event)
            }
            Event::Start(Tag::Paragraph) if self.split_at_embeds(&range) => None,
            Event::Start(Tag::Paragraph) if self.figure_ahead() => self.figure(),
            Event::Start(ref tag) => {
                if self.depth == 0
                    && matches!(tag, Tag::Paragraph)
                    && self.first_paragraph.is_none()
                {
                    self.first_paragraph = Some(self.written..self.written);
                }
                if matches!(tag, Tag::Paragraph | Tag::Item | Tag::TableCell) {
                    self.context.open();
                    self.block_end = range.end;
                    self.leaves
                        .push((matches!(tag, Tag::Paragraph), self.depth + 1));
                }
                let with_id = match tag {
                    Tag::Paragraph => self.block_id_start("p", range.clone()),
                    Tag::Item => {
                        let line = self.text[range.clone()].find('\n');
                        let end = line.map_or(range.end, |n| range.start + n);
                        self.block_id_start("li", range.start..end)
                    }
                    _ => None,
                };
                self.depth += 1;
                Some(with_id.map_or(event, |html| Event::Html(html.into())))
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                if matches!(tag, TagEnd::BlockQuote(_)) {
                    self.quotes.pop();
                }
                if self.depth == 0
                    && matches!(tag, TagEnd::Paragraph)
                    && let Some(r) = &mut self.first_paragraph
                    && r.end == r.start
                {
                    r.end = self.written + 1;
                }
                if matches!(
                    tag,
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_)
                ) {
                    self.context.close(&mut self.out.links);
                    self.leaves.pop();
                    push_limited(&mut self.out.text, " ");
                }
                Some(event)
            }
            _ => Some(event),
        }
    }

    /// A quote: a callout when its first line is `[!type]` (Obsidian) or GitHub made it an
    /// alert, else a plain quote.
    fn quote(&mut self, kind: Option<BlockQuoteKind>, range: Range<usize>) -> Option<Event<'t>> {
        self.depth += 1;
        if let Some(kind) = kind {
            let (written, title) = obsidian::alert(kind);
            let mut html =
                obsidian::callout_open(written, obsidian::callout_kind(written), Fold::None);
            html.push_str(title);
            html.push_str(obsidian::callout_body(Fold::None));
            push_limited(&mut self.out.text, title);
            push_limited(&mut self.out.text, " ");
            self.quotes.push(Some(Fold::None));
            return Some(Event::Html(html.into()));
        }
        let Some(callout) = obsidian::callout_at(self.text, &range) else {
            self.quotes.push(None);
            return Some(Event::Start(Tag::BlockQuote(None)));
        };
        self.quotes.push(Some(callout.fold));
        let open = obsidian::callout_open(&callout.written, callout.kind, callout.fold);
        // The title is the rest of the first line of the first paragraph: its events are
        // handed on (links in it are links), those of `[!type]` left out.
        let mut queue: Vec<(Event<'t>, Range<usize>)> = Vec::new();
        let paragraph = match self.read() {
            Some((Event::Start(Tag::Paragraph), r)) => Some(r),
            Some(other) => {
                queue.push(other);
                None
            }
            None => None,
        };
        let mut title: Vec<(Event<'t>, Range<usize>)> = Vec::new();
        let mut paragraph_goes_on = false;
        if paragraph.is_some() {
            let mut nested = 0usize;
            while let Some((event, r)) = self.read() {
                match event {
                    Event::End(TagEnd::Paragraph) if nested == 0 => break,
                    Event::SoftBreak | Event::HardBreak if nested == 0 => {
                        paragraph_goes_on = true;
                        break;
                    }
                    Event::Start(_) => nested += 1,
                    Event::End(_) => nested = nested.saturating_sub(1),
                    _ => {}
                }
                if r.end <= callout.marker_end {
                    continue;
                }
                if r.start < callout.marker_end {
                    match event {
                        Event::Text(t) if t.len() == r.len() => {
                            let cut = callout.marker_end - r.start;
                            title.push((
                                Event::Text(cut_cow(t, cut..r.len())),
                                callout.marker_end..r.end,
                            ));
                        }
                        _ => {}
                    }
                    continue;
                }
                title.push((event, r));
            }
        }
        // No space before the title.
        if let Some((Event::Text(t), _)) = title.first_mut() {
            let trimmed = t.trim_start();
            if trimmed.len() != t.len() {
                let (from, len) = (t.len() - trimmed.len(), t.len());
                *t = cut_cow(std::mem::replace(t, CowStr::Borrowed("")), from..len);
            }
        }
        let untitled = title
            .iter()
            .all(|(e, _)| matches!(e, Event::Text(t) if t.trim().is_empty()));
        if untitled {
            title.clear();
            let default = callout.default_title();
            push_limited(&mut self.out.text, &default);
            push_limited(&mut self.out.text, " ");
            title.push((Event::Text(default.into()), MADE));
        }
        let mut made = title;
        made.push((
            Event::Html(obsidian::callout_body(callout.fold).into()),
            MADE,
        ));
        if let Some(r) = paragraph.filter(|_| paragraph_goes_on) {
            made.push((Event::Start(Tag::Paragraph), r));
        }
        made.extend(queue);
        for item in made.into_iter().rev() {
            self.ahead.push_front(item);
        }
        Some(Event::Html(open.into()))
    }

    /// A formula as MathML; one that does not convert is shown as written, with a warning.
    fn math(&mut self, latex: &str, range: Range<usize>, display: bool) -> Event<'t> {
        use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
        let converter = self.math.get_or_insert_with(|| {
            LatexToMathML::new(MathCoreConfig::default()).unwrap_or_default()
        });
        let mode = if display {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        match converter.convert_with_local_state(latex, mode) {
            Ok(converted) => {
                self.out.word_count += latex.split_whitespace().count();
                push_limited(&mut self.out.text, latex);
                Event::InlineHtml(converted.mathml.into())
            }
            Err(error) => {
                let source = &self.text[range.clone()];
                let fence = if display { 2 } else { 1 };
                // Where the error is in the Markdown, when the formula is written there as
                // it is (not across the lines of a quote).
                let at = match source.get(fence..source.len().saturating_sub(fence)) {
                    Some(inner) if inner == latex => {
                        let start = range.start + fence + error.0.start.min(latex.len());
                        let end =
                            (range.start + fence + error.0.end.min(latex.len())).max(start + 1);
                        start..end.min(range.end)
                    }
                    _ => range.clone(),
                };
                self.out.warnings.push(Problem {
                    range: at,
                    message: format!("this formula is not LaTeX that Dossier can show: {error}"),
                    help: Some("it is shown as written".to_string()),
                    kind: crate::diagnostics::Kind::Other,
                });
                let mut html = String::with_capacity(source.len() + 32);
                html.push_str("<code class=\"math-error\">");
                let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, source);
                html.push_str("</code>");
                Event::InlineHtml(html.into())
            }
        }
    }

    /// A text event as it is written: without the block id that ends its block, and cut
    /// where a highlight opens or closes (the rest waits in `ahead`, after the `<mark>`).
    fn text_event(&mut self, t: CowStr<'t>, range: &Range<usize>) -> CowStr<'t> {
        let verbatim = t.len() == range.len();
        let mut t = t;
        if let Some((id, cut_from)) = &self.block_id
            && range.end == id.end
        {
            let keep = cut_from.saturating_sub(range.start);
            let dropped = &self.text[(*cut_from).max(range.start)..id.end];
            if verbatim || t.ends_with(dropped) {
                let keep = if verbatim {
                    keep
                } else {
                    t.len() - dropped.len()
                };
                t = cut_cow(t, 0..keep);
            }
            self.block_id = None;
        }
        let open = self.mark.is_some();
        if open && self.mark != Some(self.depth) {
            return t;
        }
        let Some(at) = obsidian::highlight_marker(&t, open) else {
            return t;
        };
        if !open {
            // A highlight opens only where one closes later in the block.
            let closes = t[at + 2..].contains("==")
                || (verbatim
                    && self
                        .text
                        .get(range.end..self.block_end.max(range.end))
                        .is_some_and(|rest| rest.contains("==")));
            if !closes {
                return t;
            }
        }
        let rest_range = if verbatim {
            range.start + at + 2..range.end
        } else {
            range.clone()
        };
        let len = t.len();
        let (head, rest) = split_cow(t, at, at + 2..len);
        self.ahead.push_front((Event::Text(rest), rest_range));
        let tag = if open { "</mark>" } else { "<mark>" };
        self.ahead
            .push_front((Event::InlineHtml(CowStr::Borrowed(tag)), MADE));
        self.mark = if open { None } else { Some(self.depth) };
        head
    }

    /// The opening tag of a paragraph (`p`) or list item (`li`) whose text at `span` ends
    /// with a block id `^id`, which becomes its id; the id is cut from its text.
    fn block_id_start(&mut self, element: &str, span: Range<usize>) -> Option<String> {
        let (id_range, cut_from) = obsidian::block_id_at_end(self.text, &span)?;
        // A list item's paragraph whose id the item took.
        if self.block_id.as_ref().is_some_and(|(r, _)| *r == id_range) {
            return None;
        }
        self.block_id = Some((id_range.clone(), cut_from));
        // The caret keeps block ids apart from the headings' (Obsidian's are apart too: a
        // heading `Lucide` and a block `^lucide` may share a note).
        let id = &self.text[id_range.start.saturating_sub(1)..id_range.end];
        if !self.ids.take_exact(id) {
            self.out.problems.push(Problem {
                range: id_range.start.saturating_sub(1)..id_range.end,
                message: format!("the block id `{id}` is used twice on this page"),
                help: Some("give one of the blocks another id".to_string()),
                kind: crate::diagnostics::Kind::Other,
            });
            return None;
        }
        self.out.blocks.push(id[1..].to_owned());
        Some(format!("<{element} id=\"{id}\">"))
    }

    /// Reads the heading up to its end (the events wait in `ahead`) and gives it its id:
    /// `{#custom}` as written, else one from its text, unique on the page and never one
    /// of [`RESERVED_IDS`].
    fn heading_id(&mut self, level: u8, custom: Option<CowStr<'t>>) -> String {
        let at = self.html_len.get();
        let mut title = String::new();
        for (event, range) in self.events.by_ref() {
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            if let Event::Text(t) | Event::Code(t) = &event {
                title.push_str(t);
            }
            self.ahead.push_back((event, range));
            if end {
                break;
            }
        }
        let slug;
        let base: &str = match &custom {
            Some(custom) => custom,
            None => {
                slug = slugify(&title);
                if slug.is_empty() { "section" } else { &slug }
            }
        };
        let id = self.ids.unique(base);
        if title.contains("==") {
            // The marks of a highlight are not the title's.
            title = title.replace("==", "");
        }
        if title.trim().len() != title.len() {
            title = title.trim().to_owned();
        }
        // The copy has no spare capacity, so the writer's event takes it without a
        // reallocation.
        let copy = id.clone();
        self.out.headings.push(Heading { level, id, title });
        self.out.heading_at.push(at);
        copy
    }

    /// Reads an HTML block ahead (the events wait in `ahead`). When an `<img>` tag in it
    /// may span its lines, its lines become one event, so that the tag is read whole.
    fn html_block(&mut self) {
        let start = self.ahead.len();
        for (event, range) in self.events.by_ref() {
            let end = matches!(event, Event::End(TagEnd::HtmlBlock));
            self.ahead.push_back((event, range));
            if end {
                break;
            }
        }
        let lines = || {
            self.ahead.iter().skip(start).filter_map(|(e, r)| match e {
                Event::Html(h) => Some((h, r.start)),
                _ => None,
            })
        };
        if lines().count() < 2
            || !lines().any(|(h, _)| raw_html::may_have_img(h))
            || lines().any(|(h, _)| is_more_marker(h))
        {
            return;
        }
        let mut joined = String::new();
        let mut pieces = Vec::new();
        for (html, at) in lines() {
            pieces.push((joined.len(), at));
            joined.push_str(html);
        }
        let end = self
            .ahead
            .split_off(start)
            .into_iter()
            .find(|(e, _)| !matches!(e, Event::Html(_)));
        let at = pieces.first().map_or(0, |p| p.1);
        let html = self.raw_images(joined.into(), &pieces);
        self.ahead.push_back((Event::Html(html), at..at));
        self.ahead.extend(end);
    }

    /// Resolves the `src` of each `<img>` tag of raw HTML; `pieces` map offsets in `html`
    /// to offsets in the Markdown (each `(in html, in the Markdown)`, ascending).
    fn raw_images(&mut self, html: CowStr<'t>, pieces: &[(usize, usize)]) -> CowStr<'t> {
        let sources = raw_html::img_sources(&html);
        if sources.is_empty() {
            return html;
        }
        let in_markdown = |at: usize| {
            let piece = pieces.partition_point(|p| p.0 <= at).saturating_sub(1);
            pieces.get(piece).map_or(at, |&(from, to)| to + (at - from))
        };
        let mut out = String::with_capacity(html.len() + sources.len() * 64);
        let mut written = 0;
        for src in sources {
            let start = in_markdown(src.range.start);
            let at = start..start + src.range.len();
            self.last_picture = None;
            let url = self.link(LinkType::Inline, src.value.clone().into(), at, true);
            let picture = self.last_picture.take().and_then(Result::ok);
            if *url != *src.value {
                let (from, to) = if src.quoted {
                    (src.range.start - 1, src.range.end + 1)
                } else {
                    (src.range.start, src.range.end)
                };
                out.push_str(&html[written..from]);
                out.push_str(&raw_html::quoted_value(&url));
                written = to.min(html.len());
            }
            // The editor's own attributes stay; those missing are added.
            if let Some(insert) = src.insert_at.filter(|&i| i >= written) {
                let own = Own {
                    size: src.sized,
                    decoding: src.has_decoding,
                    loading: src.has_loading,
                    srcset: src.has_srcset,
                    shown: None,
                };
                let attrs = self.picture_attributes(&url, picture.as_ref(), own);
                out.push_str(&html[written..insert]);
                out.push_str(&attrs);
                written = insert;
            }
        }
        if written == 0 {
            return html;
        }
        out.push_str(&html[written..]);
        out.into()
    }

    /// Resolves a link or an image and records it; the URL to write.
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'t>,
        range: Range<usize>,
        image: bool,
    ) -> CowStr<'t> {
        // `<name@example.org>`: pulldown-cmark writes `mailto:` before it; not a file.
        if link_type == LinkType::Email {
            return dest_url;
        }
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        // In a table, `[[Note\|text]]` escapes its pipe: the backslash is not the name's.
        let dest_url = match dest_url {
            CowStr::Borrowed(d) if wiki && d.ends_with('\\') => CowStr::Borrowed(&d[..d.len() - 1]),
            d if wiki && d.ends_with('\\') => d[..d.len() - 1].to_owned().into(),
            d => d,
        };
        match self.resolver.resolve(LinkRef {
            dest: &dest_url,
            wiki,
            image,
        }) {
            Resolved::Keep => dest_url,
            Resolved::Internal {
                url,
                target,
                fragment,
            } => {
                if let Some(target) = target {
                    self.last_page = Some((EmbedTarget::Entry(target), fragment.clone()));
                    self.context.link(self.out.links.len());
                    self.out.links.push(OutLink {
                        target,
                        fragment,
                        offset: range.start,
                        context: String::new(),
                    });
                }
                url.into()
            }
            Resolved::SitePath {
                url,
                path,
                fragment,
            } => {
                self.last_page = Some((EmbedTarget::Section(path.clone()), fragment.clone()));
                self.out.site_paths.push(SitePathLink {
                    path,
                    fragment,
                    offset: range.start,
                });
                url.into()
            }
            Resolved::File { url, file } => {
                self.last_file = Some(file.clone());
                let picture = image.then(|| self.pictures.sizes.size(&file)).flatten();
                if let Some(Err(message)) = &picture {
                    self.out.problems.push(Problem {
                        kind: crate::diagnostics::Kind::Other,
                        range: range.clone(),
                        message: format!(
                            "cannot tell the size of the picture `{}`: {message}",
                            file.source.label()
                        ),
                        help: None,
                    });
                }
                self.last_picture = picture.clone();
                self.out.files.push(FileLink {
                    file,
                    image,
                    offset: range.start,
                    picture,
                });
                url.into()
            }
            Resolved::SamePage { fragment } => {
                let url = format!("#{}", super::anchor_id(&fragment));
                self.same_page.push((fragment, range));
                url.into()
            }
            Resolved::Broken {
                message,
                help,
                kind,
            } => {
                self.out.problems.push(Problem {
                    range,
                    message,
                    help,
                    kind,
                });
                dest_url
            }
        }
    }

    /// The URL a Markdown image is shown from (empty for a script URL under `raw_html:
    /// escape`), and its size when it is a picture of the site.
    fn image_src(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'t>,
        range: Range<usize>,
    ) -> (CowStr<'t>, Option<Picture>) {
        if crate::scheme::is_script(&dest_url, true) {
            self.out
                .warnings
                .push(script_url_problem(&range, "image", self.config.raw_html));
            let src = match self.config.raw_html {
                RawHtml::Escape => CowStr::Borrowed(""),
                RawHtml::Keep => dest_url,
            };
            return (src, None);
        }
        self.last_picture = None;
        let src = self.link(link_type, dest_url, range, true);
        let picture = self.last_picture.take().and_then(Result::ok);
        (src, picture)
    }

    /// `![[…]]`: a note's or a folder's text (a marker where the render stage puts it),
    /// a picture (`|300` or `|300x200` its size, `|alt|300` with its alt text), a sound, a
    /// film, a PDF, or a link to another file.
    fn wiki_embed(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'t>,
        range: Range<usize>,
        piped: bool,
    ) -> Event<'t> {
        use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};
        self.last_page = None;
        self.last_file = None;
        self.last_picture = None;
        let written = dest.trim_end_matches('\\').to_string();
        let problems = self.out.problems.len();
        let url = self.link(link_type, dest, range.clone(), true);
        let picture = self.last_picture.take().and_then(Result::ok);
        let (words, text_len) = (self.out.word_count, self.out.text.len());
        let (alt, _) = self.image_alt();
        fn attr(s: &str) -> String {
            let mut href = String::with_capacity(s.len());
            let _ = escape_href(&mut href, s);
            let mut out = String::with_capacity(href.len());
            let _ = escape_html(&mut out, &href);
            out
        }
        if let Some((target, fragment)) = self.last_page.take() {
            if !self.block_level() {
                // Inside a line of text, a heading or emphasis, a block cannot stand:
                // the embed is a link to what it names.
                let mut html = format!("<a class=\"embed-link\" href=\"{}\">", attr(&url));
                let _ = escape_html_body_text(&mut html, &alt);
                html.push_str("</a>");
                return Event::InlineHtml(html.into());
            }
            // The name is not the page's text: the embedded text stands for it.
            self.out.word_count = words;
            self.out.text.truncate(text_len);
            let n = self.out.embeds.len();
            self.out.embeds.push(Embed {
                target,
                fragment,
                offset: range.start,
                written,
                url: url.into_string(),
            });
            return Event::Html(format!("{}\n", super::embed_marker(n)).into());
        }
        let (name, fragment) = match written.split_once('#') {
            Some((name, fragment)) => (name.trim(), Some(fragment.trim())),
            None => (written.trim(), None),
        };
        let file_name = name.rsplit('/').next().unwrap_or(name);
        let (alt, size) = match piped {
            true => embed_size(&alt),
            false => (alt.as_str(), None),
        };
        let alt = if alt.is_empty() { file_name } else { alt };
        // What names a file that is not a picture: the alt text given, else its name.
        let label = if piped { alt } else { file_name };
        // A name that resolves to nothing (reported, a warning under `links: warn`) is
        // shown as what its name says it is; a note's name as a link, as `[[…]]` is.
        let kind = match self.last_file.take() {
            Some(f) => Some(media_kind(&f.path)),
            None if self.out.problems.len() > problems => match media_kind(name) {
                Media::Other if !name.contains('.') => {
                    let mut html = format!("<a class=\"embed-link\" href=\"{}\">", attr(&url));
                    let _ = escape_html_body_text(&mut html, label);
                    html.push_str("</a>");
                    return Event::InlineHtml(html.into());
                }
                kind => Some(kind),
            },
            None => None,
        };
        let src = attr(&url);
        let mut fallback = format!("<a href=\"{src}\">");
        let _ = escape_html_body_text(&mut fallback, label);
        fallback.push_str("</a>");
        let html = match kind {
            Some(Media::Audio) => format!("<audio controls src=\"{src}\">{fallback}</audio>"),
            Some(Media::Video) => {
                let size = size.map_or_else(String::new, |(w, h)| match h {
                    Some(h) => format!(" width=\"{w}\" height=\"{h}\""),
                    None => format!(" width=\"{w}\""),
                });
                format!(
                    "<video controls preload=\"metadata\" src=\"{src}\"{size}>{fallback}</video>"
                )
            }
            Some(Media::Pdf) => {
                let at = fragment.map_or_else(String::new, |f| format!("#{}", attr(f)));
                let mut html = format!(
                    "<object class=\"embed-pdf\" data=\"{src}{at}\" type=\"application/pdf\"><a href=\"{src}{at}\">"
                );
                let _ = escape_html_body_text(&mut html, label);
                html.push_str("</a></object>");
                html
            }
            Some(Media::Other) => {
                let mut html = format!("<a class=\"embed-file\" href=\"{src}\">");
                let _ = escape_html_body_text(&mut html, label);
                html.push_str("</a>");
                html
            }
            Some(Media::Picture) | None => {
                let own = Own {
                    shown: size,
                    ..Own::default()
                };
                self.img_tag(&url, alt, None, picture, own)
            }
        };
        Event::InlineHtml(html.into())
    }

    /// Whether a block may stand where the pass is: not inside a paragraph, a heading or
    /// an inline element.
    fn block_level(&self) -> bool {
        match self.leaves.last() {
            Some(&(phrasing, depth)) => !phrasing && depth == self.depth,
            None => true,
        }
    }

    /// Whether the paragraph just opened at `range` holds an embed of a page's text
    /// (`![[Note]]`) outside any inline element: a block cannot stand in a paragraph, so
    /// the paragraph is split there, each embed standing between the paragraphs of the
    /// text before and after it (none where there is only space). Its events, so
    /// arranged, wait in `ahead`; the paragraph's own start and end are not written.
    fn split_at_embeds(&mut self, range: &Range<usize>) -> bool {
        if !self.ahead.is_empty()
            || !self
                .text
                .get(range.clone())
                .is_some_and(|t| t.contains("![["))
        {
            return false;
        }
        // The paragraph's events in groups: each event outside any element, with what it
        // opens up to its end; whether the group is an embed of a page's text.
        let mut groups: Vec<(bool, Events<'t>)> = Vec::new();
        let mut nested = 0usize;
        let mut end = None;
        for (event, r) in self.events.by_ref() {
            if nested == 0 {
                if matches!(event, Event::End(TagEnd::Paragraph)) {
                    end = Some((event, r));
                    break;
                }
                let page = match &event {
                    Event::Start(Tag::Image {
                        link_type: LinkType::WikiLink { .. },
                        dest_url,
                        ..
                    }) => matches!(
                        self.resolver.resolve(LinkRef {
                            dest: dest_url.trim_end_matches('\\'),
                            wiki: true,
                            image: true,
                        }),
                        Resolved::Internal {
                            target: Some(_),
                            ..
                        } | Resolved::SitePath { .. }
                    ),
                    _ => false,
                };
                groups.push((page, Vec::new()));
            }
            match event {
                Event::Start(_) => nested += 1,
                Event::End(_) => nested = nested.saturating_sub(1),
                _ => {}
            }
            if let Some((_, group)) = groups.last_mut() {
                group.push((event, r));
            }
        }
        if !groups.iter().any(|(page, _)| *page) {
            self.ahead.extend(groups.into_iter().flat_map(|(_, g)| g));
            self.ahead.extend(end);
            return false;
        }
        let blank = |g: &[(Event<'_>, Range<usize>)]| {
            matches!(g, [(Event::SoftBreak | Event::HardBreak, _)])
                || matches!(g, [(Event::Text(t), _)] if t.trim().is_empty())
        };
        let mut run: Vec<Events<'t>> = Vec::new();
        let flush = |run: &mut Vec<Events<'t>>, ahead: &mut VecDeque<(Event<'t>, Range<usize>)>| {
            while run.first().is_some_and(|g| blank(g)) {
                run.remove(0);
            }
            while run.last().is_some_and(|g| blank(g)) {
                run.pop();
            }
            let from = run.first().and_then(|g| g.first()).map(|(_, r)| r.start);
            let to = run.last().and_then(|g| g.last()).map(|(_, r)| r.end);
            if let (Some(from), Some(to)) = (from, to) {
                ahead.push_back((Event::Start(Tag::Paragraph), from..to));
                ahead.extend(run.drain(..).flatten());
                ahead.push_back((Event::End(TagEnd::Paragraph), to..to));
            }
            run.clear();
        };
        for (page, group) in groups {
            if page {
                flush(&mut run, &mut self.ahead);
                self.ahead.extend(group);
            } else {
                run.push(group);
            }
        }
        flush(&mut run, &mut self.ahead);
        true
    }

    /// Reads an image's alt text, up to the end of the image: its plain text, and whether
    /// anything but text stood in it. Its words count as the page's, as they always have.
    fn image_alt(&mut self) -> (String, bool) {
        let mut alt = String::new();
        let mut nested = 0usize;
        let mut other = false;
        while let Some((event, _)) = self.read() {
            match event {
                Event::End(TagEnd::Image) if nested == 0 => break,
                Event::End(TagEnd::Image) => nested -= 1,
                Event::Start(Tag::Image { .. }) => {
                    nested += 1;
                    other = true;
                }
                Event::Text(t) | Event::Code(t) => {
                    self.out.word_count += t.split_whitespace().count();
                    self.context.text(&t);
                    push_limited(&mut self.out.text, &t);
                    alt.push_str(&t);
                }
                Event::InlineHtml(t) | Event::Html(t) => alt.push_str(&t),
                Event::SoftBreak | Event::HardBreak => {
                    self.context.text(" ");
                    push_limited(&mut self.out.text, " ");
                    alt.push(' ');
                }
                _ => other = true,
            }
        }
        (alt, other)
    }

    /// `<img>` with its size when known, decoded off the main thread, and loaded lazily
    /// unless it is the first picture of a page that shows nothing above its text.
    fn img_tag(
        &mut self,
        src: &str,
        alt: &str,
        title: Option<&str>,
        picture: Option<Picture>,
        own: Own,
    ) -> String {
        use pulldown_cmark_escape::{escape_href, escape_html};
        let mut tag = String::with_capacity(64 + src.len() + alt.len());
        tag.push_str("<img src=\"");
        let mut href = String::with_capacity(src.len());
        let _ = escape_href(&mut href, src);
        let _ = escape_html(&mut tag, &href);
        tag.push_str("\" alt=\"");
        let _ = escape_html(&mut tag, alt);
        tag.push('"');
        if let Some(title) = title {
            tag.push_str(" title=\"");
            let _ = escape_html(&mut tag, title);
            tag.push('"');
        }
        tag.push_str(&self.picture_attributes(src, picture.as_ref(), own));
        tag.push('>');
        tag
    }

    /// ` srcset="…" sizes="…" width="…" height="…" decoding="async" loading="lazy"`, as
    /// far as they apply and the tag has none of its `own`; counts the picture. `src` is
    /// the URL the picture is shown from, unescaped: its variants sit beside it.
    fn picture_attributes(&mut self, src: &str, picture: Option<&Picture>, own: Own) -> String {
        let mut attrs = String::new();
        let size = picture.and_then(|p| p.size);
        if !own.srcset
            && let Some(size) = size
            && let Some(picture) = picture
            && let Some(set) = crate::images::srcset(src, size, &picture.variants)
        {
            attrs.push_str(" srcset=\"");
            let _ = pulldown_cmark_escape::escape_html(&mut attrs, &set);
            attrs.push_str("\" sizes=\"");
            match own.shown {
                Some((width, _)) => attrs.push_str(&format!("{width}px")),
                None => attrs.push_str(crate::images::SIZES),
            }
            attrs.push('"');
        }
        if let Some((width, height)) = own.shown {
            let height = height.or_else(|| {
                let size = size.filter(|s| s.width > 0)?;
                let h = u64::from(width) * u64::from(size.height) / u64::from(size.width);
                u32::try_from(h).ok().map(|h| h.max(1))
            });
            attrs.push_str(&format!(" width=\"{width}\""));
            if let Some(height) = height {
                attrs.push_str(&format!(" height=\"{height}\""));
            }
        } else if !own.size
            && let Some(size) = size
        {
            attrs.push_str(&format!(
                " width=\"{}\" height=\"{}\"",
                size.width, size.height
            ));
        }
        if !own.decoding {
            attrs.push_str(" decoding=\"async\"");
        }
        let first = self.pictures_written == 0 && self.pictures.first_above_fold;
        if !first && !own.loading {
            attrs.push_str(" loading=\"lazy\"");
        }
        self.pictures_written += 1;
        attrs
    }

    /// Whether the paragraph just opened holds one image with a title and nothing else:
    /// a figure. The events read to tell wait in `ahead`.
    fn figure_ahead(&mut self) -> bool {
        // Only a heading or an HTML block is read ahead, and neither holds a paragraph.
        if !self.ahead.is_empty() {
            return false;
        }
        let Some(first) = self.events.next() else {
            return false;
        };
        let titled =
            matches!(&first.0, Event::Start(Tag::Image { title, .. }) if !title.is_empty());
        self.ahead.push_back(first);
        if !titled {
            return false;
        }
        let mut nested = 0usize;
        loop {
            let Some(item) = self.events.next() else {
                return false;
            };
            let end = match &item.0 {
                Event::Start(Tag::Image { .. }) => {
                    nested += 1;
                    false
                }
                Event::End(TagEnd::Image) if nested == 0 => true,
                Event::End(TagEnd::Image) => {
                    nested -= 1;
                    false
                }
                _ => false,
            };
            self.ahead.push_back(item);
            if end {
                break;
            }
        }
        let Some(next) = self.events.next() else {
            return false;
        };
        let alone = matches!(next.0, Event::End(TagEnd::Paragraph));
        self.ahead.push_back(next);
        alone
    }

    /// Writes the figure whose image and paragraph end wait in `ahead`: the caption is
    /// the image's title (not repeated as its `title`), and no `<p>` is written around it.
    fn figure(&mut self) -> Option<Event<'t>> {
        let (event, range) = self.read()?;
        let Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            ..
        }) = event
        else {
            return Some(event);
        };
        let (src, picture) = self.image_src(link_type, dest_url, range);
        let (alt, _) = self.image_alt();
        // The paragraph's end.
        self.read();
        let img = self.img_tag(&src, &alt, None, picture, Own::default());
        let mut html = String::with_capacity(img.len() + title.len() + 48);
        html.push_str("<figure>");
        html.push_str(&img);
        html.push_str("<figcaption>");
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, &title);
        html.push_str("</figcaption></figure>\n");
        self.out.word_count += title.split_whitespace().count();
        push_limited(&mut self.out.text, &title);
        push_limited(&mut self.out.text, " ");
        Some(Event::Html(html.into()))
    }

    /// Everything but the page's HTML, once every event has been handed on as `html`.
    pub(super) fn finish(mut self, html: &str) -> Rendered {
        self.context.close(&mut self.out.links);
        let mut out = self.out;
        for (fragment, range) in self.same_page {
            if let Some(found) = out.obsidian_anchor(&fragment, "this page") {
                if let Err((message, help)) = found {
                    out.problems.push(Problem {
                        range,
                        message,
                        help,
                        kind: crate::diagnostics::Kind::MissingHeading,
                    });
                }
            } else if !out.has_id(&fragment) {
                out.problems.push(Problem {
                    kind: crate::diagnostics::Kind::MissingHeading,
                    range,
                    message: format!("no heading on this page has the id `#{fragment}`"),
                    help: super::nearest_id(&fragment, &out.headings),
                });
            }
        }
        let summary_range = match self.more_at {
            Some(end) => Some(0..end),
            None => self.first_paragraph.filter(|r| r.end > r.start),
        };
        if let Some(r) = summary_range {
            (out.summary_html, out.summary_text) = self.summary.finish(r, html);
        }
        out
    }
}

/// The attributes of a raw `<img>` that the editor wrote: Dossier adds none of these.
#[derive(Clone, Copy, Default)]
struct Own {
    /// `width` or `height`.
    size: bool,
    decoding: bool,
    loading: bool,
    /// `srcset` or `sizes`.
    srcset: bool,
    /// The width and height it is shown at, when the editor gave one (`![[x.png|300]]`):
    /// the height follows the picture's proportions unless given too.
    shown: Option<(u32, Option<u32>)>,
}

impl<'t> Iterator for Pass<'t, '_> {
    type Item = Event<'t>;

    fn next(&mut self) -> Option<Event<'t>> {
        if let Some(r) = &self.first_paragraph
            && r.end > r.start
            && r.end == self.written
        {
            self.summary.html.end = self.html_len.get();
        }
        loop {
            let (event, range) = self.read()?;
            let handed = if let Some(d) = self.mark
                && closes_mark(&event, &range, self.depth, d)
            {
                // A highlight never closed ends with the element it opened in, and
                // before any block.
                self.mark = None;
                self.ahead.push_front((event, range));
                Some(Event::InlineHtml(CowStr::Borrowed("</mark>")))
            } else if range == MADE {
                if matches!(event, Event::Html(_)) {
                    // A callout's title is a text of its own.
                    push_limited(&mut self.out.text, " ");
                }
                Some(event)
            } else {
                self.step(event, range)
            };
            if let Some(event) = handed {
                self.summary.keep(
                    self.written,
                    &event,
                    self.first_paragraph.as_ref(),
                    self.more_at.is_some(),
                    self.html_len.get(),
                );
                self.written += 1;
                return Some(event);
            }
        }
    }
}

/// Events of the parser with their ranges in the Markdown.
type Events<'t> = Vec<(Event<'t>, Range<usize>)>;

/// What a file shown with `![[…]]` is, by its name.
enum Media {
    Picture,
    Audio,
    Video,
    Pdf,
    Other,
}

fn media_kind(path: &str) -> Media {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "avif" | "bmp" | "ico" | "tif"
        | "tiff" => Media::Picture,
        "mp3" | "wav" | "m4a" | "ogg" | "flac" | "3gp" | "oga" | "opus" | "aac" => Media::Audio,
        "mp4" | "webm" | "ogv" | "mov" | "mkv" | "m4v" => Media::Video,
        "pdf" => Media::Pdf,
        _ => Media::Other,
    }
}

/// The alt text and the size of `![[x.png|alt|300x200]]` (what follows the first `|`):
/// `300` is a width, `300x200` a width and a height, as Obsidian reads them.
fn embed_size(piped: &str) -> (&str, Option<(u32, Option<u32>)>) {
    let (alt, last) = match piped.rsplit_once('|') {
        Some((alt, last)) => (alt.trim(), last.trim()),
        None => ("", piped.trim()),
    };
    let (w, h) = match last.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (last, None),
    };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|&n| n > 0)
    };
    match (number(w), h.map(number)) {
        (Some(w), None) => (alt, Some((w, None))),
        (Some(w), Some(Some(h))) => (alt, Some((w, Some(h)))),
        _ => (piped.trim(), None),
    }
}

/// Whether `event` (at `range`, with `depth` elements open) must come after the end of a
/// `<mark>` opened at depth `at`: the end of the element it opened in, or a block.
fn closes_mark(event: &Event<'_>, range: &Range<usize>, depth: usize, at: usize) -> bool {
    match event {
        Event::End(_) => depth <= at,
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        // The markup of a callout.
        Event::Html(_) => *range == MADE,
        Event::Rule => true,
        _ => false,
    }
}

/// The part `keep` of a text, borrowed where the text is.
fn cut_cow<'t>(t: CowStr<'t>, keep: Range<usize>) -> CowStr<'t> {
    match t {
        CowStr::Borrowed(s) => CowStr::Borrowed(s.get(keep).unwrap_or_default()),
        other => other.get(keep).unwrap_or_default().to_owned().into(),
    }
}

/// A text's part before `head_end` and its part `rest`, borrowed where the text is.
fn split_cow<'t>(t: CowStr<'t>, head_end: usize, rest: Range<usize>) -> (CowStr<'t>, CowStr<'t>) {
    match t {
        CowStr::Borrowed(s) => (
            CowStr::Borrowed(&s[..head_end]),
            CowStr::Borrowed(s.get(rest).unwrap_or_default()),
        ),
        other => (
            other[..head_end].to_owned().into(),
            other.get(rest).unwrap_or_default().to_owned().into(),
        ),
    }
}
