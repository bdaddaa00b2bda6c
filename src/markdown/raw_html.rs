//! The `src` of each `<img>` tag in raw HTML kept in Markdown (`raw_html: keep`), so that
//! it resolves and is checked like `![](…)`.
//!
//! pulldown-cmark hands raw HTML over as written, one tag per inline event and one event
//! per line of an HTML block; finding one attribute of one tag in that text needs the
//! attribute syntax of HTML (quoted, unquoted, character references), not a document
//! parser.

use std::ops::Range;

/// An `<img>` tag's `src`: its value, character references decoded, and where the value
/// is written in the HTML (inside its quotes, if it has them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Src {
    pub value: String,
    pub range: Range<usize>,
    pub quoted: bool,
    /// The tag has a `width` or a `height` of its own.
    pub sized: bool,
    pub has_loading: bool,
    pub has_decoding: bool,
    /// The tag has a `srcset` or `sizes` of its own.
    pub has_srcset: bool,
    /// Where attributes can be added (after the last one, before `/>` or `>`); none when
    /// the tag does not end.
    pub insert_at: Option<usize>,
}

/// Whether `html` may hold an `<img>` tag.
pub(super) fn may_have_img(html: &str) -> bool {
    html.as_bytes()
        .windows(4)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"img"))
}

/// The `src` of every `<img>` tag in `html`, in order. Comments are skipped.
pub(super) fn img_sources(html: &str) -> Vec<Src> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|at| i + at) {
        i = lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        let name_end = i + 3;
        let is_img = bytes
            .get(i..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"img"))
            && bytes
                .get(name_end)
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        if !is_img {
            continue;
        }
        let (src, end) = attributes(html, name_end);
        found.extend(src);
        i = end;
    }
    found
}

/// Reads the attributes of a tag from `at` (just after its name) to its `>`: the first
/// `src`, and where the tag ends.
fn attributes(html: &str, mut at: usize) -> (Option<Src>, usize) {
    let bytes = html.as_bytes();
    let mut src: Option<Src> = None;
    let (mut sized, mut has_loading, mut has_decoding) = (false, false, false);
    let mut has_srcset = false;
    let mut last_end = at;
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] == b'>' {
            let closed = at < bytes.len();
            if let Some(src) = &mut src {
                src.sized = sized;
                src.has_loading = has_loading;
                src.has_decoding = has_decoding;
                src.has_srcset = has_srcset;
                src.insert_at = closed.then_some(last_end);
            }
            return (src, (at + 1).min(bytes.len()));
        }
        let name_start = at;
        while at < bytes.len()
            && !bytes[at].is_ascii_whitespace()
            && !matches!(bytes[at], b'/' | b'>' | b'=')
        {
            at += 1;
        }
        // An attribute name may start with `=`: take it as a name, as browsers do.
        if at == name_start {
            at += 1;
        }
        let name = &html[name_start..at];
        last_end = at;
        sized |= name.eq_ignore_ascii_case("width") || name.eq_ignore_ascii_case("height");
        has_loading |= name.eq_ignore_ascii_case("loading");
        has_decoding |= name.eq_ignore_ascii_case("decoding");
        has_srcset |= name.eq_ignore_ascii_case("srcset") || name.eq_ignore_ascii_case("sizes");
        let mut after = at;
        while after < bytes.len() && bytes[after].is_ascii_whitespace() {
            after += 1;
        }
        if bytes.get(after) != Some(&b'=') {
            continue;
        }
        at = after + 1;
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let (range, quoted) = match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = at + 1;
                let end = html[start..]
                    .find(q as char)
                    .map_or(bytes.len(), |e| start + e);
                at = (end + 1).min(bytes.len());
                (start..end, true)
            }
            _ => {
                let start = at;
                while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                    at += 1;
                }
                (start..at, false)
            }
        };
        last_end = at;
        if src.is_none() && name.eq_ignore_ascii_case("src") {
            src = Some(Src {
                value: decode_references(&html[range.clone()]),
                range,
                quoted,
                sized: false,
                has_loading: false,
                has_decoding: false,
                has_srcset: false,
                insert_at: None,
            });
        }
    }
}

/// Decodes the character references an attribute value may hold (`&amp;`, `&#39;`,
/// `&#x2F;`); others stay as written.
fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An attribute value written in double quotes.
pub(super) fn quoted_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<(String, &str)> {
        img_sources(html)
            .into_iter()
            .map(|s| (s.value, &html[s.range]))
            .collect()
    }

    #[test]
    fn finds_src_quoted_unquoted_and_in_any_case() {
        assert_eq!(
            values(r#"<p><img alt="a > b" src="x y.png"> <IMG SRC='b.png'/> <img src=c.png></p>"#),
            [
                ("x y.png".to_string(), "x y.png"),
                ("b.png".to_string(), "b.png"),
                ("c.png".to_string(), "c.png"),
            ]
        );
    }

    #[test]
    fn skips_other_tags_comments_and_other_attributes() {
        assert!(values(r#"<image src="a.png"><imgx src="b.png"><a href="c.png">"#).is_empty());
        assert!(values(r#"<!-- <img src="old.png"> -->"#).is_empty());
        assert_eq!(
            values(r#"<img data-src="no.png" srcset="no.png 2x" src = "yes.png" src="two.png">"#),
            [("yes.png".to_string(), "yes.png")]
        );
        assert!(values("<img alt=x>").is_empty());
    }

    #[test]
    fn character_references_decode() {
        assert_eq!(
            values(r#"<img src="a&amp;b&#39;c&#x20;d&bogus;.png">"#)[0].0,
            "a&b'c d&bogus;.png"
        );
        assert_eq!(quoted_value(r#"a&"b"#), r#""a&amp;&quot;b""#);
    }

    #[test]
    fn attributes_are_added_after_the_last_one() {
        let html = r#"<img src="a.png" alt="x" />"#;
        let src = &img_sources(html)[0];
        assert_eq!(&html[src.insert_at.unwrap()..], " />");
        assert!(!src.sized && !src.has_loading && !src.has_decoding);
        let html = r#"<img src=a/ WIDTH=3 loading=eager decoding>"#;
        let src = &img_sources(html)[0];
        assert_eq!(&html[src.insert_at.unwrap()..], ">");
        assert!(src.sized && src.has_loading && src.has_decoding);
        assert_eq!(img_sources("<img src=a.png")[0].insert_at, None);
    }

    #[test]
    fn an_unclosed_tag_ends_with_the_text() {
        assert_eq!(values("<img src=\"a.png"), [("a.png".to_string(), "a.png")]);
        assert!(may_have_img("x <Img src=a>"));
        assert!(!may_have_img("<im"));
    }
}
