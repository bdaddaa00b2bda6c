//! Code blocks highlighted by syntect with CSS classes, and the stylesheet for them.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::config::HighlightConfig;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Names that fences use for a language whose syntax knows it by another: the syntax set
/// finds a syntax by a file extension or its name (`ts`, `TypeScript`), not these.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("console", "bash"),
    ("shellsession", "bash"),
    ("shell-session", "bash"),
    ("terminal", "bash"),
    ("docker", "dockerfile"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("javascript", "js"),
    ("golang", "go"),
    ("python3", "py"),
    ("csharp", "cs"),
    ("c#", "cs"),
    ("pwsh", "powershell"),
    ("systemd", "ini"),
];

/// Shared by every page of a build; the syntax set (`bat`'s, from `two-face`) loads on the
/// first code block.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    pub fn new() -> Self {
        Self::default()
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// A `<pre>` block for `code`; `lang` is the first word of the fence's info string.
    pub fn highlight(&self, code: &str, lang: Option<&str>) -> String {
        let lang = lang.map(str::trim).filter(|l| !l.is_empty());
        let mut out = String::with_capacity(code.len() * 2 + 64);
        out.push_str("<pre class=\"code\"");
        if let Some(lang) = lang {
            out.push_str(" data-lang=\"");
            pulldown_cmark_escape::escape_html(&mut out, lang).ok();
            out.push('"');
        }
        out.push_str("><code");
        if let Some(lang) = lang {
            out.push_str(" class=\"language-");
            pulldown_cmark_escape::escape_html(&mut out, lang).ok();
            out.push('"');
        }
        out.push('>');
        match lang.and_then(|l| self.highlighted(code, l)) {
            Some(html) => out.push_str(&html),
            None => {
                pulldown_cmark_escape::escape_html_body_text(&mut out, code).ok();
            }
        }
        out.push_str("</code></pre>\n");
        out
    }

    fn highlighted(&self, code: &str, lang: &str) -> Option<String> {
        let syntaxes = self.syntaxes();
        let lang = lang.to_ascii_lowercase();
        let token = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lang)
            .map_or(lang.as_str(), |(_, token)| token);
        let syntax = syntaxes.find_syntax_by_token(token)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// The site's copy of Mermaid, at the root of the output (from `static/` or the theme's).
pub const MERMAID_SCRIPT: &str = "mermaid.min.js";

/// A ```` ```mermaid ```` block: its text, escaped, for Mermaid to draw in the browser;
/// it reads as text where the script does not run.
pub fn mermaid(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 32);
    out.push_str("<pre class=\"mermaid\">");
    pulldown_cmark_escape::escape_html_body_text(&mut out, code).ok();
    out.push_str("</pre>\n");
    out
}

/// Whether a page's HTML holds a Mermaid diagram (written by [`mermaid`], or as raw HTML),
/// so that its template loads the script.
pub fn has_mermaid(html: &str) -> bool {
    html.contains("<pre class=\"mermaid\"")
}

/// The warning for a Mermaid block on a site without [`MERMAID_SCRIPT`].
pub(super) fn no_mermaid_script(range: std::ops::Range<usize>) -> super::Problem {
    super::Problem {
        range,
        message: format!(
            "Mermaid diagram, but the site has no `{MERMAID_SCRIPT}`: it shows as its text"
        ),
        help: Some(format!(
            "put Mermaid's `dist/{MERMAID_SCRIPT}` (the npm package `mermaid`) in `static/`"
        )),
        kind: crate::diagnostics::Kind::Other,
    }
}

/// The stylesheet for highlighted code: the light theme, then the dark one under
/// `prefers-color-scheme: dark`.
pub fn stylesheet(config: &HighlightConfig) -> Result<String, String> {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| -> Result<String, String> {
        let theme = themes
            .themes
            .get(name)
            .ok_or_else(|| format!("unknown highlight theme `{name}`"))?;
        css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())
    };
    let light = css(&config.theme)?;
    let dark = css(&config.dark_theme)?;
    Ok(format!(
        "/* Code highlighting: {} (light), {} (dark). Written by dossier. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n",
        config.theme, config.dark_theme
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let h = Highlighter::new();
        let html = h.highlight("fn main() {}\n", Some("rust"));
        assert!(
            html.starts_with(
                "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"
            )
        );
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let h = Highlighter::new();
        let html = h.highlight("<b>&</b>\n", Some("nosuchlang"));
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
        let html = h.highlight("x\n", None);
        assert_eq!(html, "<pre class=\"code\"><code>x\n</code></pre>\n");
    }

    #[test]
    fn stylesheet_has_light_and_dark_rules() {
        let css = stylesheet(&HighlightConfig::default()).unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
    }
}
