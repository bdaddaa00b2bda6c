//! Embeds (`![[Note]]`, `![[Note#Heading]]`, `![[Note#^id]]`): another page's text shown
//! in a page, where the Markdown stage left a marker for it.
//!
//! A page's text is rendered before any other page's is known (they render in
//! parallel), so the embedded text is put in when the page is: read through [`Reads`]
//! (an entry's [`Body`] and [`Label`], a section's [`SectionData`]), so that a page which
//! embeds another is rendered again when what it shows of it changes. Ids inside an
//! embed are prefixed (`embed-1:history`), so that they stay unique on the page, and the
//! embed's links to them follow; a link to an id the embed does not show goes to the
//! page it comes from.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark_escape::{escape_html, escape_html_body_text};

use super::reads::{Body, Label, Reads, SectionData};
use crate::graph::EntryId;
use crate::markdown::{EMBED_MARKER, Embed, EmbedTarget, Rendered};

/// How deep embeds go in embeds at most: deeper, an embed shows its title line alone.
/// (A cycle is an error before any page is rendered; this bounds what notes that each
/// embed the next several times can make a page grow to.)
const DEPTH: usize = 8;

/// `html` (the HTML of `rendered`, or its summary's) with every embed put in.
pub fn body<'h>(reads: &Reads<'_>, rendered: &Rendered, html: &'h str) -> Cow<'h, str> {
    if rendered.embeds.is_empty() || !html.contains(EMBED_MARKER) {
        return Cow::Borrowed(html);
    }
    Cow::Owned(splice(reads, rendered, html, &mut Vec::new()))
}

fn splice(reads: &Reads<'_>, host: &Rendered, html: &str, chain: &mut Vec<EmbedTarget>) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(at) = rest.find(EMBED_MARKER) {
        out.push_str(&rest[..at]);
        let after = &rest[at + EMBED_MARKER.len()..];
        let Some(close) = after.find("-->") else {
            rest = &rest[at..];
            break;
        };
        let embed = after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|n| host.embeds.get(n).map(|e| (n, e)));
        rest = &after[close + 3..];
        if let Some((n, embed)) = embed {
            write_embed(&mut out, reads, embed, n + 1, chain);
            // The embed ends its own line.
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
    }
    out.push_str(rest);
    out
}

/// The part of a page's text that an embed shows.
struct Part<'r> {
    html: &'r str,
    /// A list item: it is shown in a list of its own.
    item: bool,
    /// The title of the heading it starts with, when it shows a heading's section.
    heading: Option<&'r str>,
}

fn write_embed(
    out: &mut String,
    reads: &Reads<'_>,
    embed: &Embed,
    number: usize,
    chain: &mut Vec<EmbedTarget>,
) {
    let (title, shown): (&str, Option<&Rendered>) = match &embed.target {
        EmbedTarget::Entry(i) => {
            let id = EntryId(*i);
            let (title, ..) = reads.get(Label(id));
            (title, Some(&**reads.get(Body(id))))
        }
        EmbedTarget::Section(path) => match reads.section_id(path) {
            Some(s) => {
                let (section, r) = reads.get(SectionData(s));
                (section.title.as_str(), Some(&**r))
            }
            None => (embed.written.as_str(), None),
        },
    };
    let looping = chain.contains(&embed.target) || chain.len() >= DEPTH;
    let part = shown
        .filter(|_| !looping)
        .and_then(|r| part(r, embed.fragment.as_deref()).map(|p| (r, p)));
    out.push_str("<div class=\"embed\" data-embed=\"");
    let _ = escape_html(&mut *out, &embed.written);
    out.push_str("\">\n<div class=\"embed-title\"><a href=\"");
    let _ = escape_html(&mut *out, &embed.url);
    out.push_str("\">");
    let _ = escape_html_body_text(&mut *out, title);
    if let Some(heading) = part.as_ref().and_then(|(_, p)| p.heading) {
        out.push_str(" › ");
        let _ = escape_html_body_text(&mut *out, heading);
    }
    out.push_str("</a></div>\n");
    if let Some((r, part)) = part {
        chain.push(embed.target.clone());
        let inner = splice(reads, r, part.html, chain);
        chain.pop();
        out.push_str("<div class=\"embed-content\">\n");
        if part.item {
            out.push_str("<ul>\n");
        }
        let page = embed.url.split_once('#').map_or(&*embed.url, |(p, _)| p);
        prefix_ids(out, &inner, &format!("embed-{number}:"), page);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if part.item {
            out.push_str("</ul>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

/// What an embed with `fragment` shows of `r`; `None` when the fragment names nothing
/// (a broken embed, reported when links may be broken).
fn part<'r>(r: &'r Rendered, fragment: Option<&str>) -> Option<Part<'r>> {
    let (range, item) = r.part(fragment)?;
    let heading = fragment
        .filter(|f| !f.starts_with('^'))
        .and_then(|f| r.heading_index(f))
        .map(|i| r.headings[i].title.as_str());
    Some(Part {
        html: &r.html[range],
        item,
        heading,
    })
}

/// Writes `html` with each `id` prefixed by `prefix`, and each link to an id of the page
/// (`href="#x"`) to its prefixed id when `html` has it, else to that id on `page`.
fn prefix_ids(out: &mut String, html: &str, prefix: &str, page: &str) {
    let mut ids: Vec<&str> = Vec::new();
    let mut hrefs: Vec<Range<usize>> = Vec::new();
    let mut id_values: Vec<Range<usize>> = Vec::new();
    attributes(html, |name, value| {
        if name.eq_ignore_ascii_case("id") {
            ids.push(&html[value.clone()]);
            id_values.push(value);
        } else if name.eq_ignore_ascii_case("href") && html[value.clone()].starts_with('#') {
            hrefs.push(value);
        }
    });
    let mut edits: Vec<(Range<usize>, String)> = id_values
        .into_iter()
        .map(|r| (r.start..r.start, prefix.to_string()))
        .collect();
    for r in hrefs {
        let fragment = &html[r.start + 1..r.end];
        let decoded = fragment.replace("%5E", "^").replace("%5e", "^");
        let inside = ids.contains(&fragment) || ids.contains(&decoded.as_str());
        let replacement = match inside {
            true => format!("#{prefix}{fragment}"),
            false => {
                let mut s = String::new();
                let _ = escape_html(&mut s, page);
                let _ = write!(s, "#{fragment}");
                s
            }
        };
        edits.push((r, replacement));
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut written = 0;
    for (r, replacement) in edits {
        out.push_str(&html[written..r.start]);
        out.push_str(&replacement);
        written = r.end;
    }
    out.push_str(&html[written..]);
}

/// Calls `each` with the name and the value's range of every attribute of every tag in
/// `html` (comments, and the text of scripts and styles, skipped).
fn attributes(html: &str, mut each: impl FnMut(&str, Range<usize>)) {
    let b = html.as_bytes();
    let len = b.len();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = 0;
    while let Some(found) = html[i..].find('<') {
        let start = i + found;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(len, |e| start + e + 3);
            continue;
        }
        let mut j = start + 1;
        if !b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            i = j;
            continue;
        }
        while j < len && !space(b[j]) && !matches!(b[j], b'/' | b'>') {
            j += 1;
        }
        let tag = &html[start + 1..j];
        loop {
            while j < len && (space(b[j]) || b[j] == b'/') {
                j += 1;
            }
            if j >= len || b[j] == b'>' {
                j += 1;
                break;
            }
            let name_start = j;
            while j < len && !space(b[j]) && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let name = &html[name_start..j];
            while j < len && space(b[j]) {
                j += 1;
            }
            if j < len && b[j] == b'=' {
                j += 1;
                while j < len && space(b[j]) {
                    j += 1;
                }
                let value = match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let from = j + 1;
                        let to = html[from..].find(q as char).map_or(len, |e| from + e);
                        j = (to + 1).min(len);
                        from..to
                    }
                    _ => {
                        let from = j;
                        while j < len && !space(b[j]) && b[j] != b'>' {
                            j += 1;
                        }
                        from..j
                    }
                };
                each(name, value);
            } else if name.is_empty() {
                j += 1;
            }
        }
        i = j.min(len);
        if tag.eq_ignore_ascii_case("script") || tag.eq_ignore_ascii_case("style") {
            let end = format!("</{}", tag.to_ascii_lowercase());
            i = html[i..].find(&end).map_or(len, |e| i + e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixed(html: &str) -> String {
        let mut out = String::new();
        prefix_ids(&mut out, html, "embed-1:", "/notes/a/");
        out
    }

    #[test]
    fn ids_are_prefixed_and_links_follow_or_leave_for_the_page() {
        assert_eq!(
            prefixed(
                "<h2 id=\"intro\">Intro</h2>\n<p id=\"^b\">x <a href=\"#intro\">up</a> \
                 <a href=\"#%5Eb\">b</a> <a href=\"#later\">later</a> <a href=\"/x/#intro\">o</a> \
                 id=\"no\"</p>\n<!-- <a id=\"c\"> -->"
            ),
            "<h2 id=\"embed-1:intro\">Intro</h2>\n<p id=\"embed-1:^b\">x <a href=\"#embed-1:intro\">up</a> \
             <a href=\"#embed-1:%5Eb\">b</a> <a href=\"/notes/a/#later\">later</a> <a href=\"/x/#intro\">o</a> \
             id=\"no\"</p>\n<!-- <a id=\"c\"> -->"
        );
    }
}
