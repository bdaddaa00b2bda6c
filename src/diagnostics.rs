//! User-facing problems: one type for every error and warning a run reports.
//!
//! A diagnostic names the file, line and column, carries the offending source line, and
//! renders as `error: FILE:LINE:COL: message` with that line shown beneath (SPEC §9).

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// What a problem is about, so that a run can count its problems by kind and `links:
/// warn` can tell link problems from the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Kind {
    /// A link or wikilink to an entry that does not exist.
    MissingNote,
    /// A wikilink that more than one entry answers to.
    AmbiguousLink,
    /// A link to a heading (`#id`) that its page does not have.
    MissingHeading,
    /// A link or image to a file that does not exist.
    MissingFile,
    /// A link to a site path (`/tags/x/`) that the site does not have.
    MissingPage,
    /// Any other link that cannot be followed (outside `content/`, empty).
    BrokenLink,
    /// A key that Dossier does not know, in front matter or `site.yaml`.
    UnknownKey,
    /// A value of the front matter that is wrong.
    FrontMatter,
    #[default]
    Other,
}

impl Kind {
    /// Every kind, in the order the summary lists them.
    pub const ALL: [Kind; 9] = [
        Kind::MissingNote,
        Kind::AmbiguousLink,
        Kind::MissingHeading,
        Kind::MissingFile,
        Kind::MissingPage,
        Kind::BrokenLink,
        Kind::UnknownKey,
        Kind::FrontMatter,
        Kind::Other,
    ];

    /// Whether `links: warn` makes problems of this kind warnings.
    pub fn is_link(self) -> bool {
        matches!(
            self,
            Kind::MissingNote
                | Kind::AmbiguousLink
                | Kind::MissingHeading
                | Kind::MissingFile
                | Kind::MissingPage
                | Kind::BrokenLink
        )
    }

    /// `12 links to missing notes`, `1 ambiguous link`.
    pub fn count(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::MissingNote => ("link to a missing note", "links to missing notes"),
            Kind::AmbiguousLink => ("ambiguous link", "ambiguous links"),
            Kind::MissingHeading => ("link to a missing heading", "links to missing headings"),
            Kind::MissingFile => ("link to a missing file", "links to missing files"),
            Kind::MissingPage => ("link to a missing page", "links to missing pages"),
            Kind::BrokenLink => ("other broken link", "other broken links"),
            Kind::UnknownKey => ("unknown key", "unknown keys"),
            Kind::FrontMatter => ("front-matter problem", "front-matter problems"),
            Kind::Other => ("other problem", "other problems"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// What `links:` in `site.yaml` (or `--links`) makes of link problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LinkPolicy {
    /// They are errors (the default): the build fails.
    #[default]
    Error,
    /// They are warnings, also under `--strict`: for a site that is moving over.
    Warn,
}

impl LinkPolicy {
    pub const NAMES: [&str; 2] = ["error", "warn"];

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "error" => Some(LinkPolicy::Error),
            "warn" | "warning" => Some(LinkPolicy::Warn),
            _ => None,
        }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the editor knows it: relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub pos: Option<Pos>,
    pub message: String,
    /// The text of the line at `pos`, shown beneath the message.
    pub source_line: Option<String>,
    /// How many characters from `pos.col` to underline.
    pub width: usize,
    pub help: Option<String>,
    pub kind: Kind,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message.into())
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message.into())
    }

    fn new(severity: Severity, message: String) -> Self {
        Diagnostic {
            severity,
            file: None,
            pos: None,
            message,
            source_line: None,
            width: 1,
            help: None,
            kind: Kind::Other,
        }
    }

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Places the diagnostic at `pos` of `source` (the whole file) and keeps its line.
    pub fn at(mut self, source: &str, pos: Pos) -> Self {
        self.source_line = line_text(source, pos.line).map(str::to_owned);
        self.pos = Some(pos);
        self
    }

    /// Places the diagnostic at `pos` without a source line to show.
    pub fn at_pos(mut self, pos: Pos) -> Self {
        self.pos = Some(pos);
        self
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `FILE:LINE:COL: message` (or as much of the location as is known).
    pub fn headline(&self) -> String {
        let mut out = String::new();
        if let Some(file) = &self.file {
            out.push_str(file);
            if let Some(pos) = self.pos {
                let _ = write!(out, ":{}:{}", pos.line, pos.col);
            }
            out.push_str(": ");
        }
        out.push_str(&self.message);
        out
    }

    /// The full report: the headline, the source line with the column marked, and the help.
    pub fn render(&self, styled: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let headline = self.headline();
        let title = level.primary_title(headline.as_str());
        let mut groups: Vec<Group<'_>> = Vec::new();
        let snippet_source;
        if let (Some(line), Some(pos)) = (&self.source_line, self.pos) {
            snippet_source = line.clone();
            let start = byte_of_char(&snippet_source, pos.col.saturating_sub(1));
            let end = byte_of_char(&snippet_source, pos.col.saturating_sub(1) + self.width);
            let mut annotation = AnnotationKind::Primary.span(start..end.max(start));
            if let Some(help) = &self.help {
                annotation = annotation.label(help.as_str());
            }
            groups.push(
                title.element(
                    Snippet::source(snippet_source.as_str())
                        .line_start(pos.line)
                        .annotation(annotation),
                ),
            );
        } else {
            groups.push(Group::with_title(title));
            if let Some(help) = &self.help {
                groups.push(Group::with_title(
                    Level::HELP.secondary_title(help.as_str()),
                ));
            }
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&groups).to_string()
    }
}

fn byte_of_char(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// The text of 1-based line `line` of `source`, without its line ending.
pub fn line_text(source: &str, line: usize) -> Option<&str> {
    let text = source.split('\n').nth(line.checked_sub(1)?)?;
    Some(text.strip_suffix('\r').unwrap_or(text))
}

/// `links: warn`: the link problems among `diagnostics` become warnings.
pub fn apply_link_policy(diagnostics: &mut [Diagnostic], links: LinkPolicy) {
    if links == LinkPolicy::Warn {
        for d in diagnostics.iter_mut().filter(|d| d.kind.is_link()) {
            d.severity = Severity::Warning;
        }
    }
}

/// Maps byte offsets of one file to lines and columns.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(newline_offsets(source).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based position of byte `offset` in `source` (the text this index was made from).
    pub fn pos(&self, source: &str, offset: usize) -> Pos {
        let offset = offset.min(source.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = source
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Pos { line, col }
    }
}

fn newline_offsets(source: &str) -> impl Iterator<Item = usize> + '_ {
    source
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

/// Every problem of one run, in the order they are reported.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// `--strict`: every warning becomes an error, but link problems under `links:
    /// warn`, which stay warnings (a site moving over can be strict about the rest).
    pub fn promote_warnings(&mut self, links: LinkPolicy) {
        for item in &mut self.items {
            if !(links == LinkPolicy::Warn && item.kind.is_link()) {
                item.severity = Severity::Error;
            }
        }
    }

    /// How many problems (or only errors) of each kind there are, in the order of
    /// [`Kind::ALL`]; kinds without any are left out.
    pub fn by_kind(&self, errors_only: bool) -> Vec<(Kind, usize)> {
        Kind::ALL
            .iter()
            .map(|&k| {
                let n = self
                    .items
                    .iter()
                    .filter(|d| d.kind == k && (d.is_error() || !errors_only))
                    .count();
                (k, n)
            })
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    /// `problems by kind: 12 links to missing notes, 3 ambiguous links`, or nothing when
    /// there is no problem to count.
    pub fn kinds_line(&self, errors_only: bool) -> Option<String> {
        let counts = self.by_kind(errors_only);
        if counts.is_empty() {
            return None;
        }
        let parts: Vec<String> = counts.iter().map(|&(k, n)| k.count(n)).collect();
        let what = if errors_only { "errors" } else { "problems" };
        Some(format!("{what} by kind: {}", parts.join(", ")))
    }

    /// Orders by file and position and drops exact repeats (a template error, say, that
    /// every page using the template would otherwise report again).
    pub fn sort_and_dedup(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.pos, a.severity, &a.message).cmp(&(&b.file, b.pos, b.severity, &b.message))
        });
        self.items.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines_and_char_columns() {
        let src = "ab\ncé d\n\nx";
        let index = LineIndex::new(src);
        assert_eq!(index.pos(src, 0), Pos::new(1, 1));
        assert_eq!(index.pos(src, 3), Pos::new(2, 1));
        // 'é' is two bytes: the space after it is the third character.
        assert_eq!(index.pos(src, 6), Pos::new(2, 3));
        assert_eq!(index.pos(src, 9), Pos::new(3, 1));
        assert_eq!(index.pos(src, 10), Pos::new(4, 1));
    }

    #[test]
    fn rendered_report_has_headline_and_source_line() {
        let src = "---\ntitle: x\ntgas: [a]\n---\n";
        let d = Diagnostic::warning("unknown key `tgas`")
            .in_file("content/a.md")
            .at(src, Pos::new(3, 1))
            .width(4)
            .help("did you mean `tags`?");
        let text = d.render(false);
        assert!(
            text.starts_with("warning: content/a.md:3:1: unknown key `tgas`"),
            "{text}"
        );
        assert!(text.contains("3 | tgas: [a]"), "{text}");
        assert!(text.contains("^^^^ did you mean `tags`?"), "{text}");
    }

    #[test]
    fn strips_carriage_returns_from_shown_lines() {
        assert_eq!(line_text("a\r\nb\r\n", 1), Some("a"));
        assert_eq!(line_text("a\r\nb\r\n", 2), Some("b"));
        assert_eq!(line_text("a", 2), None);
    }
}
