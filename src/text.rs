//! Small text helpers shared by every stage: slugs, did-you-mean suggestions and XML
//! escaping.

/// A URL-safe slug: ASCII lowercase letters, digits and single hyphens.
///
/// `Lachin road` → `lachin-road`, `Mädzorem plateau` → `madzorem-plateau`. Text with no
/// letters or digits at all gives an empty string; callers decide on a fallback.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// The slug of a tag, which may be nested: `Energy/Oil and gas` → `energy/oil-and-gas`,
/// each level slugified on its own (Obsidian's and Quartz's nested tags); levels that
/// give nothing (`a//b`, a trailing `/`) are left out.
pub fn tag_slug(name: &str) -> String {
    let mut out = String::new();
    for level in name.split('/') {
        let slug = slugify(level);
        if !slug.is_empty() {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&slug);
        }
    }
    out
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?` for a help line, or nothing.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `text` with its runs of white space made one space, cut at a word boundary to at most
/// `limit` characters (with `…` where it was cut): a page's description.
pub fn description(text: &str, limit: usize) -> String {
    let words = text.split_whitespace();
    let mut out = String::new();
    let mut chars = 0;
    for word in words {
        let len = word.chars().count();
        let space = usize::from(!out.is_empty());
        if chars + space + len > limit {
            if out.is_empty() {
                // One word longer than the limit: cut inside it.
                out.extend(word.chars().take(limit.saturating_sub(1)));
            }
            out.push('…');
            return out;
        }
        if space == 1 {
            out.push(' ');
        }
        out.push_str(word);
        chars += space + len;
    }
    out
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// JSON that is safe inside a `<script>` element or a script file.
pub fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    let mut start = 0;
    for (i, c) in json.char_indices() {
        let replacement = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&json[start..i]);
        out.push_str(replacement);
        start = i + c.len_utf8();
    }
    out.push_str(&json[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_single_hyphens() {
        assert_eq!(slugify("Lachin road"), "lachin-road");
        assert_eq!(slugify("Mädzorem plateau"), "madzorem-plateau");
        assert_eq!(
            slugify("  North–South   corridor! "),
            "north-south-corridor"
        );
        assert_eq!(slugify("3+3 format"), "3-3-format");
        assert_eq!(slugify("Türkiye"), "turkiye");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "tags", "aliases", "sources"];
        assert_eq!(did_you_mean("tgas", keys), Some("tags"));
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(description("  one\n two  three ", 200), "one two three");
        assert_eq!(description("one two three", 9), "one two…");
        assert_eq!(description("abcdefghij", 5), "abcd…");
        assert_eq!(description("", 5), "");
    }

    #[test]
    fn escapes_xml_and_drops_forbidden_controls() {
        let mut out = String::new();
        xml_escape(&mut out, "a<b>&\"c'\u{1}d\te é");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;d\te é");
    }
}
