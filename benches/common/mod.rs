//! What both pathological benches render: the review's inputs and a resolver that sends
//! every link to one entry.

use dossier::config::MarkdownConfig;
use dossier::markdown::{self, Highlighter, LinkRef, LinkResolver, Resolved};

/// Every link goes to entry 0, so that each one records the sentence it stands in.
pub(crate) struct ToOneEntry;

impl LinkResolver for ToOneEntry {
    fn resolve(&self, _: LinkRef<'_>) -> Resolved {
        Resolved::Internal {
            url: "/topics/example-topic/".into(),
            target: Some(0),
            fragment: None,
        }
    }
}

/// Renders `text` as an entry's Markdown; the number of links found, to keep the work.
pub(crate) fn render(text: &str, highlighter: &Highlighter) -> usize {
    markdown::render(text, &MarkdownConfig::default(), &ToOneEntry, highlighter)
        .links
        .len()
}

/// Wikilinks in one paragraph (2d2).
pub(crate) fn wikilinks(n: usize) -> String {
    vec!["[[Example topic]]"; n].join(" ")
}

/// Markdown links in one paragraph (2d3).
pub(crate) fn markdown_links(n: usize) -> String {
    vec!["[t](../topics/example-topic.md)"; n].join(" ")
}

/// One wikilink per sentence, every sentence in one paragraph (2d4).
pub(crate) fn one_link_per_sentence(n: usize) -> String {
    "See [[Example topic]]. ".repeat(n)
}

/// The sentences of 2d4 in paragraphs of a thousand: the same text but for the breaks.
#[allow(dead_code, reason = "only benches/pathological_rounds.rs times it")]
pub(crate) fn one_link_per_sentence_in_paragraphs(n: usize) -> String {
    let mut text = String::with_capacity(n * 24);
    for i in 1..=n {
        text.push_str(if i % 1000 == 0 {
            "See [[Example topic]].\n\n"
        } else {
            "See [[Example topic]]. "
        });
    }
    text
}

/// The same heading again and again (2l).
pub(crate) fn repeated_headings(n: usize) -> String {
    "## Same\n\n".repeat(n)
}
