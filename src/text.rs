//! Small text helpers shared by every stage: slugs and did-you-mean suggestions.

/// A URL-safe slug: ASCII lowercase letters, digits and single hyphens.
///
/// `Lachin road` → `lachin-road`, `Mädzorem plateau` → `madzorem-plateau`. Text with no
/// letters or digits at all gives an empty string; callers decide on a fallback.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
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
}
