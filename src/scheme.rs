//! The scheme of a URL as a browser finds it, for telling script URLs (`javascript:` …)
//! from links. Browsers drop ASCII tabs and newlines anywhere in a URL and spaces and
//! control characters around it, and ignore the case of the scheme; an HTML attribute
//! decodes character references first. So `" Java\tScript:"`, `java&#x09;script:` and
//! `&#106;avascript:` all run script, and all are seen here as `javascript`.

/// Schemes whose URLs run script or show a document of the link's own making.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

/// Schemes a URL in front matter may have; without a scheme it is relative to the site.
pub(crate) const FRONT_MATTER_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The scheme of `url`, lowercase; `None` when it is a relative reference.
pub(crate) fn scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in browser_chars(url) {
        match c {
            ':' => {
                let starts_with_letter = scheme.starts_with(|c: char| c.is_ascii_alphabetic());
                return starts_with_letter.then_some(scheme);
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    None
}

/// Whether following `url` would run script (or, for `data:`, open a document written
/// into the URL). `data:image/…` is harmless as the source of an image.
pub(crate) fn is_script(url: &str, image: bool) -> bool {
    match scheme(url).as_deref() {
        Some("data") if image => {
            let rest: String = browser_chars(url)
                .skip("data:".len())
                .take("image/".len())
                .collect::<String>()
                .to_ascii_lowercase();
            rest != "image/"
        }
        Some(s) => SCRIPT_SCHEMES.contains(&s),
        None => false,
    }
}

/// Why `url` may not be the URL of a front-matter field, if it may not: it must be
/// http(s), `mailto:` or relative to the site.
pub(crate) fn front_matter_problem(url: &str) -> Option<String> {
    let scheme = scheme(url)?;
    if FRONT_MATTER_SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    Some(format!(
        "`{}:` URLs are not allowed here: write an http:// or https:// address, a mailto: address or a path of the site",
        scheme
    ))
}

/// Why `url` is not an absolute `http://` or `https://` address with a host, if it is not:
/// what an archived copy (`archive_url`) or a publisher's home page must be, since a reader
/// follows it off the site.
pub(crate) fn absolute_web_problem(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = ["https://", "http://"].iter().find_map(|p| {
        url.get(..p.len())
            .filter(|head| head.eq_ignore_ascii_case(p))
            .map(|_| &url[p.len()..])
    });
    let Some(rest) = rest else {
        return Some(format!(
            "`{url}` is not an absolute address: write it with `https://` or `http://`"
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(['.', ':', '@']) {
        return Some(format!("`{url}` has no host after its `://`"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "`{url}` has a space or a control character in it: write spaces as `%20`"
        ));
    }
    None
}

/// An absolute http(s) address in YAML, checked as it is read so that the error points at
/// the value (see [`absolute_web_problem`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WebAddress(pub(crate) String);

impl<'de> serde::Deserialize<'de> for WebAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Checked in the visitor, while the parser is at the value: the error gets its
        // line and column.
        struct AddressVisitor;
        impl serde::de::Visitor<'_> for AddressVisitor {
            type Value = WebAddress;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an absolute http:// or https:// address")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WebAddress, E> {
                match absolute_web_problem(v) {
                    Some(problem) => Err(E::custom(problem)),
                    None => Ok(WebAddress(v.trim().to_string())),
                }
            }
        }
        deserializer.deserialize_str(AddressVisitor)
    }
}

/// The characters of `url` as a browser reads them, up to where a scheme could end:
/// leading spaces and controls skipped, tabs and newlines dropped, character references
/// (`&#106;`, `&#x6A;`, `&colon;`, `&Tab;`, `&NewLine;`) and percent-escaped tabs and
/// newlines decoded.
fn browser_chars(url: &str) -> impl Iterator<Item = char> + '_ {
    let mut rest = url;
    let mut started = false;
    std::iter::from_fn(move || {
        loop {
            let (c, len) = next_char(rest)?;
            rest = &rest[len..];
            if matches!(c, '\t' | '\n' | '\r') || (!started && (c == ' ' || c.is_control())) {
                continue;
            }
            started = true;
            return Some(c);
        }
    })
}

/// The first character of `s` after decoding one character reference or percent
/// escape, and how many bytes it took.
fn next_char(s: &str) -> Option<(char, usize)> {
    let c = s.chars().next()?;
    let decoded = match c {
        '&' => char_reference(s),
        '%' => percent_whitespace(s),
        _ => None,
    };
    Some(decoded.unwrap_or((c, c.len_utf8())))
}

fn char_reference(s: &str) -> Option<(char, usize)> {
    let body = s.get(1..)?;
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (num, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let value = digits[..len].chars().try_fold(0u32, |v, d| {
            v.checked_mul(radix)?.checked_add(d.to_digit(radix)?)
        })?;
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((char::from_u32(value)?, skip + len + semicolon));
    }
    const NAMED: &[(&str, char)] = &[("colon;", ':'), ("tab;", '\t'), ("newline;", '\n')];
    NAMED.iter().find_map(|(name, c)| {
        body.get(..name.len())
            .filter(|b| b.eq_ignore_ascii_case(name))
            .map(|_| (*c, 1 + name.len()))
    })
}

fn percent_whitespace(s: &str) -> Option<(char, usize)> {
    match s.get(1..3)? {
        "09" => Some(('\t', 3)),
        "0a" | "0A" => Some(('\n', 3)),
        "0d" | "0D" => Some(('\r', 3)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_the_scheme_through_what_browsers_ignore() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java%09script:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#0000106avascript:alert(1)",
            "java&Tab;script:alert(1)",
            "javascript&colon;alert(1)",
        ] {
            assert_eq!(scheme(url).as_deref(), Some("javascript"), "{url:?}");
            assert!(is_script(url, false), "{url:?}");
        }
        assert!(is_script("vbscript:msgbox(1)", false));
        assert!(is_script("data:text/html,<script>alert(1)</script>", false));
        assert!(is_script("data:text/html,x", true));
    }

    #[test]
    fn leaves_links_and_images_alone() {
        for url in [
            "https://example.org/",
            "HTTP://example.org/",
            "mailto:a@example.org",
            "/topics/x/",
            "x.md#part",
            "#top",
            "a b:c",
            "//example.org/",
            "a%3Ab",
        ] {
            assert!(!is_script(url, false), "{url:?}");
            assert_eq!(front_matter_problem(url), None, "{url:?}");
        }
        assert!(!is_script("data:image/png;base64,AAAA", true));
        assert!(!is_script("DATA:Image/png;base64,AAAA", true));
        assert!(is_script("data:image/png;base64,AAAA", false));
    }

    #[test]
    fn absolute_web_addresses_have_a_scheme_and_a_host() {
        for url in [
            "https://web.archive.org/web/2023/https://e.org/a",
            "HTTP://e.org",
            " https://e.org/ ",
        ] {
            assert_eq!(absolute_web_problem(url), None, "{url:?}");
        }
        for url in [
            "e.org/a",
            "/sources/",
            "ftp://e.org",
            "https://",
            "https:///a",
            "https://e.org/a b",
            "mailto:a@e.org",
        ] {
            assert!(absolute_web_problem(url).is_some(), "{url:?}");
        }
    }

    #[test]
    fn front_matter_takes_web_addresses_only() {
        for url in ["javascript:x", "data:text/html,x", "ftp://x", "file:///etc"] {
            assert!(front_matter_problem(url).is_some(), "{url:?}");
        }
    }
}
