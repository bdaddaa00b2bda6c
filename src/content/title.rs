//! The title of a note without one in its front matter: its first `# ` heading.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::config::MarkdownConfig;

/// The first level-1 heading of a body, as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub text: String,
    /// Whether only blank lines stand before it: it opens the text.
    pub opens_text: bool,
    /// The byte offset in the body after the heading (and its line ending).
    pub end: usize,
}

/// The first `# ` (or `===`-underlined) heading of `body` that has text, parsed as the
/// page is, so that a `#` line in a code block is no heading.
pub fn first_heading(body: &str, config: &MarkdownConfig) -> Option<Heading> {
    // Most notes with a title in the front matter never get here; for the others a
    // text without a `#` or a `=` has no level-1 heading to look for.
    if !body.contains('#') && !body.contains('=') {
        return None;
    }
    let mut events =
        Parser::new_ext(body, crate::markdown::parser_options(config)).into_offset_iter();
    while let Some((event, range)) = events.next() {
        let Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }) = event
        else {
            continue;
        };
        let mut text = String::new();
        for (event, _) in events.by_ref() {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        let text: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if text.is_empty() {
            continue;
        }
        let mut end = range.end;
        if body[end..].starts_with("\r\n") {
            end += 2;
        } else if body[end..].starts_with('\n') {
            end += 1;
        }
        return Some(Heading {
            text,
            opens_text: body[..range.start].trim().is_empty(),
            end,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(body: &str) -> Option<Heading> {
        first_heading(body, &MarkdownConfig::default())
    }

    #[test]
    fn the_first_level_one_heading_with_text() {
        let h = heading("\n# The *Lachin* road\n\nText\n").unwrap();
        assert_eq!(h.text, "The Lachin road");
        assert!(h.opens_text);
        assert_eq!(&"\n# The *Lachin* road\n\nText\n"[h.end..], "Text\n");
        let later = heading("Intro.\n\n## Two\n\n# One\n").unwrap();
        assert_eq!(later.text, "One");
        assert!(!later.opens_text);
        assert_eq!(heading("Baku\n====\n").unwrap().text, "Baku");
    }

    #[test]
    fn no_heading_in_code_or_without_text() {
        assert_eq!(heading("```\n# not a heading\n```\n"), None);
        assert_eq!(heading("#\n\n## Two\n"), None);
        assert_eq!(heading("#tag only\n"), None);
    }
}
