//! The page written at an old URL: it sends the reader on to the page that took its
//! place (a refresh at once, with a link for readers and tools that do not follow it),
//! names that page as the canonical one, and asks search engines not to index it.

use super::reads::{Label, Reads, TagId, TagStat};
use crate::graph::EntryId;

/// The page a redirect leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    Entry(EntryId),
    Tag(TagId),
}

/// The HTML of a redirect to `to`, read through `reads`.
pub fn page(reads: &Reads<'_>, to: To) -> String {
    let config = reads.config();
    let (title, path, what) = match to {
        To::Entry(e) => {
            let (title, path, _, _) = reads.get(Label(e));
            (
                title.to_string(),
                path.to_string(),
                "The entry now lives at",
            )
        }
        To::Tag(t) => {
            let (name, slug, _) = reads.get(TagStat(t));
            (
                format!("Tag: {name}"),
                crate::pages::tag(slug),
                "This tag is now",
            )
        }
    };
    let url = escape(&config.url(&path));
    let canonical = escape(&config.permalink(&path));
    let title = escape(&title);
    let lang = escape(&config.language);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Moved: {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<main>\n\
         <h1>This page has moved</h1>\n<p>{what} <a href=\"{url}\">{title}</a>.</p>\n\
         </main>\n</body>\n</html>\n"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}
