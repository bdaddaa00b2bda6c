//! Obsidian's additions to Markdown, as pure functions over the source text: callouts
//! (`> [!type] Title`), block ids (`^id`), `%%comments%%` and `==highlights==`. The pass
//! ([`super::pass`]) calls them where the events show a quote, a paragraph or a text.

use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, Event, Options, Parser};

/// The callout types Obsidian styles, each with its aliases: `(alias, type)`. A type not
/// listed is drawn as a note, under its own name.
const CALLOUT_TYPES: &[(&str, &str)] = &[
    ("note", "note"),
    ("abstract", "abstract"),
    ("summary", "abstract"),
    ("tldr", "abstract"),
    ("info", "info"),
    ("todo", "todo"),
    ("tip", "tip"),
    ("hint", "tip"),
    ("important", "tip"),
    ("success", "success"),
    ("check", "success"),
    ("done", "success"),
    ("question", "question"),
    ("help", "question"),
    ("faq", "question"),
    ("warning", "warning"),
    ("caution", "warning"),
    ("attention", "warning"),
    ("failure", "failure"),
    ("fail", "failure"),
    ("missing", "failure"),
    ("danger", "danger"),
    ("error", "danger"),
    ("bug", "bug"),
    ("example", "example"),
    ("quote", "quote"),
    ("cite", "quote"),
];

/// How a callout folds: `[!type]-` starts closed, `[!type]+` open, `[!type]` does not fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fold {
    None,
    Open,
    Closed,
}

/// A callout's first line, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Callout {
    /// The type as written, lowercased (`tldr`): the `data-callout` of the markup.
    pub(super) written: String,
    /// The type it is drawn as (`abstract`).
    pub(super) kind: &'static str,
    pub(super) fold: Fold,
    /// Where `[!type]` and its fold sign end in the source.
    pub(super) marker_end: usize,
    /// Where the title (the rest of the first line) ends in the source.
    pub(super) line_end: usize,
}

impl Callout {
    /// The title a callout without one shows: its type, as written, capitalised.
    pub(super) fn default_title(&self) -> String {
        let mut chars = self.written.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

/// The callout that the quote at `quote` of `text` opens, if its first line is `[!type]`.
pub(super) fn callout_at(text: &str, quote: &Range<usize>) -> Option<Callout> {
    let slice = text.get(quote.clone())?;
    let line_len = slice.find('\n').unwrap_or(slice.len());
    let line = &slice[..line_len];
    let after_gt = line.trim_start().strip_prefix('>')?;
    let rest = after_gt.trim_start_matches([' ', '\t']);
    let inner = rest.strip_prefix("[!")?;
    let close = inner.find(']')?;
    let name = &inner[..close];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let after = &inner[close + 1..];
    let fold = match after.as_bytes().first() {
        Some(b'+') => Fold::Open,
        Some(b'-') => Fold::Closed,
        _ => Fold::None,
    };
    let fold_len = usize::from(fold != Fold::None);
    let marker_end = quote.start + (line.len() - after.len()) + fold_len;
    let written = name.to_ascii_lowercase();
    let kind = callout_kind(&written);
    Some(Callout {
        written,
        kind,
        fold,
        marker_end,
        line_end: quote.start + line_len,
    })
}

/// The type a callout of type `written` (lowercase) is drawn as.
pub(super) fn callout_kind(written: &str) -> &'static str {
    CALLOUT_TYPES
        .iter()
        .find(|(alias, _)| *alias == written)
        .map_or("note", |(_, kind)| kind)
}

/// A GitHub alert's type and title (`> [!NOTE]`).
pub(super) fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The opening markup of a callout, up to where its title goes.
pub(super) fn callout_open(written: &str, kind: &str, fold: Fold) -> String {
    let mut html = String::with_capacity(96);
    let (element, title) = match fold {
        Fold::None => ("div", "div"),
        Fold::Open | Fold::Closed => ("details", "summary"),
    };
    html.push('<');
    html.push_str(element);
    html.push_str(" class=\"callout callout-");
    html.push_str(kind);
    html.push_str("\" data-callout=\"");
    // `written` holds letters, digits, `-` and `_` only.
    html.push_str(written);
    html.push('"');
    if fold == Fold::Open {
        html.push_str(" open");
    }
    html.push_str(">\n<");
    html.push_str(title);
    html.push_str(" class=\"callout-title\">");
    html
}

/// The markup between a callout's title and its content.
pub(super) fn callout_body(fold: Fold) -> &'static str {
    match fold {
        Fold::None => "</div>\n<div class=\"callout-content\">\n",
        Fold::Open | Fold::Closed => "</summary>\n<div class=\"callout-content\">\n",
    }
}

/// The markup that closes a callout.
pub(super) fn callout_close(fold: Fold) -> &'static str {
    match fold {
        Fold::None => "</div>\n</div>\n",
        Fold::Open | Fold::Closed => "</div>\n</details>\n",
    }
}

/// The block id `^id` that ends `text[range]` (a paragraph, or a list item's line): the id,
/// and where it and the white space before it start and where it ends in `text`.
pub(super) fn block_id_at_end(text: &str, range: &Range<usize>) -> Option<(Range<usize>, usize)> {
    let slice = text.get(range.clone())?;
    let trimmed = slice.trim_end();
    let bytes = trimmed.as_bytes();
    let mut start = bytes.len();
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'-') {
        start -= 1;
    }
    if start == bytes.len() || start == 0 || bytes[start - 1] != b'^' {
        return None;
    }
    let caret = start - 1;
    // On the block's last line, or on a line of its own right after it (Obsidian's help
    // writes `^id` under a picture or a quote that way).
    let before = trimmed[..caret].trim_end_matches([' ', '\t', '\n', '\r']);
    if before.len() == caret && caret != 0 && !before.ends_with("]]") {
        // `word^id` is not a block id: it needs a space before it (or an embed's or a
        // wikilink's `]]`, as Obsidian's help writes it: `![[x.png]]^id`).
        return None;
    }
    let id = range.start + start..range.start + trimmed.len();
    Some((id, range.start + before.len()))
}

/// A page's text without its `%%comments%%`, and where each cut was, to map the offsets of
/// the text back to those of the source.
pub(super) struct Uncommented {
    pub(super) text: String,
    /// For each cut: its offset in `text`, and how many bytes were cut before and at it.
    cuts: Vec<(usize, usize)>,
    /// Where a comment opens that never closes (it runs to the end of the page).
    pub(super) unclosed: Option<usize>,
}

impl Uncommented {
    /// The offset in the source of offset `at` of the text.
    pub(super) fn source_offset(&self, at: usize) -> usize {
        let i = self.cuts.partition_point(|&(pos, _)| pos <= at);
        at + i.checked_sub(1).map_or(0, |i| self.cuts[i].1)
    }
}

/// `text` without its comments (`%%…%%`, on one line or over many), or `None` when it has
/// none. `%%` inside code or math is text.
pub(super) fn strip_comments(text: &str, options: Options) -> Option<Uncommented> {
    let first = text.find("%%")?;
    // Code and math are where `%%` is no comment: found by the parser itself.
    let mut literal: Vec<Range<usize>> = Vec::new();
    let mut code_depth = 0usize;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        if range.end <= first {
            continue;
        }
        match event {
            Event::Start(pulldown_cmark::Tag::CodeBlock(_)) => {
                if code_depth == 0 {
                    literal.push(range);
                }
                code_depth += 1;
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                code_depth = code_depth.saturating_sub(1)
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) if code_depth == 0 => {
                literal.push(range);
            }
            _ => {}
        }
    }
    let mut out = Uncommented {
        text: String::with_capacity(text.len()),
        cuts: Vec::new(),
        unclosed: None,
    };
    let mut lit = literal.iter().peekable();
    // The next `%%` at or after `from` that is not in code or math.
    let mut next_marker = |from: usize| -> Option<usize> {
        let mut at = from;
        loop {
            let found = at + text.get(at..)?.find("%%")?;
            while lit.peek().is_some_and(|r| r.end <= found) {
                lit.next();
            }
            match lit.peek() {
                Some(r) if r.start <= found => at = r.end,
                _ => return Some(found),
            }
        }
    };
    let mut copied = 0;
    let mut removed = 0;
    while let Some(open) = next_marker(copied) {
        let end = match next_marker(open + 2) {
            Some(close) => close + 2,
            None => {
                out.unclosed = Some(open);
                text.len()
            }
        };
        out.text.push_str(&text[copied..open]);
        removed += end - open;
        out.cuts.push((out.text.len(), removed));
        copied = end;
    }
    if out.cuts.is_empty() {
        return None;
    }
    out.text.push_str(&text[copied..]);
    Some(out)
}

/// Where the first `==` of `t` that opens or closes a highlight stands: one that closes
/// when `open`, else one followed by neither space nor `=`.
pub(super) fn highlight_marker(t: &str, open: bool) -> Option<usize> {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(i) = t.get(from..).and_then(|s| s.find("==")) {
        let at = from + i;
        if open {
            return Some(at);
        }
        match bytes.get(at + 2) {
            Some(b) if !b.is_ascii_whitespace() && *b != b'=' => return Some(at),
            _ => {}
        }
        // Skip the whole run of `=`.
        let mut next = at + 2;
        while bytes.get(next) == Some(&b'=') {
            next += 1;
        }
        from = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callout(text: &str) -> Option<Callout> {
        callout_at(text, &(0..text.len()))
    }

    #[test]
    fn callouts_are_read_from_their_first_line() {
        let c = callout("> [!TLDR]- The *gist*\n> body\n").unwrap();
        assert_eq!(c.written, "tldr");
        assert_eq!(c.kind, "abstract");
        assert_eq!(c.fold, Fold::Closed);
        assert_eq!(
            &"> [!TLDR]- The *gist*\n"[c.marker_end..c.line_end],
            " The *gist*"
        );
        assert_eq!(c.default_title(), "Tldr");
        assert_eq!(callout("> [!custom]+").unwrap().kind, "note");
        assert_eq!(callout("> [!custom]+").unwrap().fold, Fold::Open);
        assert!(callout("> [!not a type]").is_none());
        assert!(callout("> [x] text").is_none());
        assert!(callout("> text [!note]").is_none());
    }

    #[test]
    fn every_alias_has_its_type() {
        for (alias, kind) in [
            ("summary", "abstract"),
            ("hint", "tip"),
            ("important", "tip"),
            ("check", "success"),
            ("done", "success"),
            ("help", "question"),
            ("faq", "question"),
            ("caution", "warning"),
            ("attention", "warning"),
            ("fail", "failure"),
            ("missing", "failure"),
            ("error", "danger"),
            ("cite", "quote"),
            ("bug", "bug"),
            ("example", "example"),
            ("todo", "todo"),
            ("info", "info"),
        ] {
            assert_eq!(callout_kind(alias), kind, "{alias}");
        }
    }

    #[test]
    fn block_ids_end_a_paragraph_after_a_space() {
        let text = "Some text ^my-id \n";
        let (id, before) = block_id_at_end(text, &(0..text.len())).unwrap();
        assert_eq!(&text[id], "my-id");
        assert_eq!(&text[..before], "Some text");
        let alone = "^only";
        assert_eq!(block_id_at_end(alone, &(0..5)), Some((1..5, 0)));
        assert!(block_id_at_end("x^y", &(0..3)).is_none());
        assert_eq!(block_id_at_end("x\n^ab", &(0..5)), Some((3..5, 1)));
        assert_eq!(block_id_at_end("![[x]]^ab", &(0..9)), Some((7..9, 6)));
        assert!(block_id_at_end("x ^", &(0..3)).is_none());
        assert!(block_id_at_end("x ^a_b", &(0..6)).is_none());
    }

    #[test]
    fn comments_are_cut_outside_code() {
        let text = "A %%one%% B `%%code%%` C %%\nmany\nlines\n%% D\n";
        let u = strip_comments(text, Options::empty()).unwrap();
        assert_eq!(u.text, "A  B `%%code%%` C  D\n");
        let d = u.text.find('D').unwrap();
        assert_eq!(&text[u.source_offset(d)..], "D\n");
        assert_eq!(u.source_offset(0), 0);
        let b = u.text.find('B').unwrap();
        assert_eq!(&text[u.source_offset(b)..u.source_offset(b) + 1], "B");
        assert!(strip_comments("no comment `%%`", Options::empty()).is_none());
        let open = strip_comments("Text %% to the end\n\nmore", Options::empty()).unwrap();
        assert_eq!(open.text, "Text ");
        assert_eq!(open.unclosed, Some(5));
    }

    #[test]
    fn highlight_markers_need_text_after_them() {
        assert_eq!(highlight_marker("a ==b== c", false), Some(2));
        assert_eq!(highlight_marker("b== c", true), Some(1));
        assert_eq!(highlight_marker("x == y", false), None);
        assert_eq!(highlight_marker("x === y ==z", false), Some(8));
    }
}
