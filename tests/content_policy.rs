//! The bundled dossier's editorial policy (`content/editorial-policy/_index.md`), checked
//! on every file under `content/`. Front matter is read by the crate's own parser
//! (`Entry::parse`, `Section::parse`), so the test sees what a build sees.
//!
//! The rules:
//!
//! 1. Every entry has `sources`, and every source has a non-empty `title`.
//! 2. Every `statement` has a `speaker` and a `date`.
//! 3. **One-sided labels.** A word that one side of the conflict uses for the other or for
//!    contested facts ([`LABELS`]: "eco-activist", "liberated", "occupied", "terrorist",
//!    "blockade", "revanchism" …, matched case-insensitively at the start of a word, so
//!    "eco-activists" and "liberation" count) may appear in an entry's or a section's title,
//!    summary or description, aliases, tags, file name or Markdown text only
//!    - inside quotation marks (`"…"`, `“…”`, `‘…’`, or `'…'` opened after a space), or
//!    - in an attributed clause: within the [`WINDOW`] words before it, in the same
//!      sentence, there is a labelling phrase ([`MARKERS`]: "called", "termed", "in his
//!      words", "the article's words", "according to", "known as", "the term", or a form of
//!      "describe" or "present" followed by "as" before the label).
//!
//!    "said" alone does not attribute a label: "Bayramov said the eco-activists' rally …"
//!    adopts the label for the thing described, and fails. The target of a wikilink
//!    (`[[slug|text]]`) is checked as a file name, not as text.
//! 4. **Khankandi.** On every page whose summary or text names Khankandi, the first mention
//!    in each is followed within 40 characters by "Stepanakert".
//! 5. **House style.** British "per cent", not "percent"; "Bakı", not "Baki" (both outside
//!    quotation marks).
//!
//! `CONTENT_POLICY_ROOT=DIR cargo test --test content_policy` checks another site
//! folder, for instance the content before the revision of issue 15
//! (`git archive <commit> content site.yaml | tar -x -C DIR`).

use std::path::{Path, PathBuf};

use dossier::config::{Config, Kinds, Overrides};
use dossier::content::entry::{Entry, Section};
use dossier::content::front_matter::key_pos;

/// Word stems of one side's labels; see rule 3.
const LABELS: &[&str] = &[
    "eco-activist",
    "ecoactivist",
    "liberated",
    "liberation",
    "occupied",
    "occupation",
    "occupier",
    "occupant",
    "terrorist",
    "terrorism",
    "separatist",
    "blockade",
    "revanchis",
    "propaganda",
    "puppet regime",
    "aggressor",
    "ethnic cleansing",
    "genocide",
];

/// Phrases that make the following label someone's words; see rule 3.
const MARKERS: &[&str] = &[
    "called",
    "calls",
    "call",
    "calling",
    "termed",
    "terms",
    "labelled",
    "dubbed",
    "in his words",
    "in her words",
    "in their words",
    "in its words",
    "article's words",
    "as he put it",
    "as she put it",
    "according to",
    "known as",
    "the term",
    "the word",
    "the label",
    "the labels",
    "usage",
];

/// How many words before a label are searched for a marker.
const WINDOW: usize = 8;

/// A problem, as `content/FILE:LINE:COL: message`.
type Problem = String;

#[test]
fn bundled_content_follows_the_editorial_policy() {
    let root = std::env::var_os("CONTENT_POLICY_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let problems = check_site(&root);
    assert!(
        problems.is_empty(),
        "{} problem(s) in {}:\n{}",
        problems.len(),
        root.display(),
        problems.join("\n")
    );
}

#[test]
fn labels_in_the_sites_own_voice_are_caught() {
    // Sentences of the bundled dossier before its revision, which the review flagged.
    for text in [
        "Rally of eco-activists on the Lachin road",
        "Azerbaijani eco-activists held a rally on the Lachin–Khankandi road.",
        "Bayramov said the eco-activists' rally on the Lachin road aimed to stop it.",
        "[[Jeyhun Bayramov]] described the [[rally|rally of Azerbaijani eco-activists]] on the road as peaceful.",
        "A rally by Azerbaijani eco-activists on the road, whose purpose the two ministers described.",
        "Bayramov on the shared Baku–Moscow agenda against revanchism",
        "The occupied territories were returned.",
    ] {
        assert!(!label_problems(text).is_empty(), "not caught: {text}");
    }
}

#[test]
fn quoted_or_attributed_labels_pass() {
    for text in [
        "Bayramov called it a \"peaceful rally\" of \"eco-activists\".",
        "He spoke of what he called the “liberated territories”.",
        "Protesters whom the Azerbaijani government describes as eco-activists gathered.",
        "Armenian officials described the situation as a blockade of the road.",
        "Cooperation in the 'liberated territories', in energy.",
        "In the article's words, he called them the peaceful rally of eco-activists.",
    ] {
        assert_eq!(label_problems(text), Vec::<(usize, &str)>::new(), "{text}");
    }
}

#[test]
fn khankandi_needs_stepanakert_at_first_mention() {
    assert!(khankandi_missing("the [[lachin-khankandi-road|Lachin–Khankandi road]] and").is_some());
    assert!(khankandi_missing("the Lachin–Khankandi (Lachin–Stepanakert) road").is_none());
    assert!(
        khankandi_missing("Khankandi (Stepanakert) is the main town; Khankandi again").is_none()
    );
    assert!(khankandi_missing("no town here").is_none());
}

fn check_site(root: &Path) -> Vec<Problem> {
    let report = Config::load(root, &Overrides::default());
    let config = report
        .config
        .unwrap_or_else(|| panic!("{}: site.yaml does not parse", root.display()));
    let mut files = Vec::new();
    collect_md(&root.join("content"), &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "{}: no Markdown under content/",
        root.display()
    );
    let mut problems = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root.join("content"))
            .expect("under content/")
            .to_string_lossy()
            .replace('\\', "/");
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = format!("content/{rel}");
        if rel == "_index.md" || rel.ends_with("/_index.md") {
            let dir = rel.trim_end_matches("_index.md").trim_end_matches('/');
            let (section, diagnostics) = Section::parse(dir, Some((&rel, source.clone())), &config);
            report_parse(&file, &diagnostics, &mut problems);
            let fields = [
                ("title", section.front.title.clone()),
                ("description", section.front.description.clone()),
            ];
            check_fields(&file, &source, &fields, &[], &mut problems);
            check_body(&file, &source, section.body_offset, &mut problems);
            continue;
        }
        let (entry, diagnostics) = Entry::parse(&rel, source.clone(), &config);
        report_parse(&file, &diagnostics, &mut problems);
        let Some(entry) = entry else { continue };
        let front = &entry.front;
        let at = |key: &str| {
            let pos = key_pos(&source, key);
            format!("{file}:{}:{}", pos.line, pos.col)
        };
        if front.sources.is_empty() {
            problems.push(format!("{}: the entry cites no `sources`", at("title")));
        }
        for source_ref in &front.sources {
            if source_ref.title.trim().is_empty() {
                problems.push(format!("{}: a source without a title", at("sources")));
            }
        }
        if front.kind == Kinds::STATEMENT {
            if front.speaker.as_deref().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{}: a statement without a `speaker`", at("title")));
            }
            if front.date.is_none() {
                problems.push(format!("{}: a statement without a `date`", at("title")));
            }
        }
        let mut fields = vec![
            ("title", Some(front.title.clone())),
            ("summary", front.summary.clone()),
        ];
        fields.extend(front.aliases.iter().map(|a| ("aliases", Some(a.clone()))));
        fields.extend(front.tags.iter().map(|t| ("tags", Some(t.name.clone()))));
        check_fields(&file, &source, &fields, &[&entry.slug], &mut problems);
        check_body(&file, &source, entry.body_offset, &mut problems);
    }
    problems
}

fn collect_md(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for item in entries {
        let path = item.expect("a directory entry").path();
        if path.is_dir() {
            collect_md(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn report_parse(
    file: &str,
    diagnostics: &[dossier::diagnostics::Diagnostic],
    out: &mut Vec<Problem>,
) {
    for d in diagnostics {
        let pos = d
            .pos
            .map_or(String::new(), |p| format!(":{}:{}", p.line, p.col));
        out.push(format!("{file}{pos}: does not parse: {}", d.message));
    }
}

/// Rules 3, 4 and 5 on front-matter values, and rule 3 on slugs.
fn check_fields(
    file: &str,
    source: &str,
    fields: &[(&str, Option<String>)],
    slugs: &[&str],
    out: &mut Vec<Problem>,
) {
    for (key, value) in fields {
        let Some(value) = value else { continue };
        let pos = key_pos(source, key);
        let line_text = source.lines().nth(pos.line - 1).unwrap_or("");
        let col = line_text
            .find(value.as_str())
            .map_or(1, |i| line_text[..i].chars().count() + 1);
        for (_, label) in label_problems(value) {
            out.push(format!(
                "{file}:{}:{col}: `{key}` uses the one-sided label \"{label}\" in the site's own voice",
                pos.line
            ));
        }
        for (_, word) in style_problems(value) {
            out.push(format!(
                "{file}:{}:{col}: `{key}`: house style: {word}",
                pos.line
            ));
        }
        if *key == "summary" && khankandi_missing(value).is_some() {
            out.push(format!(
                "{file}:{}:{col}: the summary names Khankandi without Stepanakert at first mention",
                pos.line
            ));
        }
    }
    for slug in slugs {
        for label in LABELS {
            if slug.contains(&label.replace(' ', "-")) {
                out.push(format!(
                    "{file}:1:1: the file name carries the label \"{label}\""
                ));
            }
        }
    }
}

/// `FILE:LINE:COL` of byte `abs` of `source`.
fn position(file: &str, source: &str, abs: usize) -> String {
    let line = source[..abs].matches('\n').count() + 1;
    let col = source[..abs]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .count()
        + 1;
    format!("{file}:{line}:{col}")
}

/// Rules 3, 4 and 5 on the Markdown text.
fn check_body(file: &str, source: &str, body_offset: usize, out: &mut Vec<Problem>) {
    let body = &source[body_offset..];
    let (text, map) = strip_link_targets(body);
    let at = |i: usize| position(file, source, body_offset + map[i]);
    for (i, label) in label_problems(&text) {
        out.push(format!(
            "{}: the one-sided label \"{label}\" in the site's own voice",
            at(i)
        ));
    }
    for (i, target) in link_targets(body) {
        for label in LABELS {
            if target.to_lowercase().contains(&label.replace(' ', "-")) {
                out.push(format!(
                    "{}: a link to `{target}` carries the label \"{label}\"",
                    position(file, source, body_offset + i)
                ));
            }
        }
    }
    if let Some(i) = khankandi_missing(&text) {
        out.push(format!(
            "{}: Khankandi without Stepanakert at first mention",
            at(i)
        ));
    }
    for (i, word) in style_problems(&text) {
        out.push(format!("{}: house style: {word}", at(i)));
    }
}

/// The labels of `text` that are neither quoted nor attributed: (byte offset, label).
fn label_problems(text: &str) -> Vec<(usize, &'static str)> {
    let lower = text.to_lowercase();
    // Lower-casing keeps byte offsets only for the scripts used here; fall back to the
    // original when it does not.
    let hay = if lower.len() == text.len() {
        lower
    } else {
        text.to_string()
    };
    let quoted = quoted_spans(text);
    let mut found = Vec::new();
    for label in LABELS {
        let mut from = 0;
        while let Some(i) = hay[from..].find(label).map(|i| i + from) {
            from = i + label.len();
            let starts_word = hay[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '-');
            if !starts_word || quoted.iter().any(|&(a, b)| a <= i && i < b) {
                continue;
            }
            if !attributed(&hay[sentence_start(&hay, i)..i]) {
                found.push((i, *label));
            }
        }
    }
    found.sort();
    found
}

/// Whether the words before a label (in its sentence) contain a marker of rule 3.
fn attributed(before: &str) -> bool {
    let words: Vec<String> = before
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']' | '|')
        })
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('’', "'"))
        .collect();
    let window = &words[words.len().saturating_sub(WINDOW)..];
    let joined = format!(" {} ", window.join(" "));
    if MARKERS.iter().any(|m| joined.contains(&format!(" {m} "))) {
        return true;
    }
    // "described … as", "presented … as".
    window.iter().enumerate().any(|(i, w)| {
        (w.starts_with("describ") || w.starts_with("present"))
            && window[i + 1..].iter().any(|w| w == "as")
    })
}

/// Where the sentence holding byte `i` starts.
fn sentence_start(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = i;
    while j > 0 {
        let c = bytes[j - 1];
        if c == b'\n' {
            return j;
        }
        if matches!(c, b'.' | b'!' | b'?') && bytes.get(j).is_some_and(|b| b.is_ascii_whitespace())
        {
            return j;
        }
        j -= 1;
    }
    0
}

/// Byte ranges inside quotation marks (the marks included).
fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        match open {
            None => {
                let after_space = prev.is_none_or(|p| p.is_whitespace() || "([—–".contains(p));
                if c == '"' || c == '“' || c == '‘' || (c == '\'' && after_space) {
                    open = Some((i, c));
                }
            }
            Some((start, q)) => {
                let closes = match q {
                    '"' => c == '"',
                    '“' => c == '”',
                    '‘' => c == '’',
                    _ => c == '\'',
                };
                if closes {
                    spans.push((start, i + c.len_utf8()));
                    open = None;
                } else if c == '\n' {
                    open = None;
                }
            }
        }
        prev = Some(c);
    }
    spans
}

/// The Markdown with each wikilink's target removed (`[[slug|text]]` → `text`), and for each
/// byte of the result the byte of the input it came from.
fn strip_link_targets(body: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(body.len());
    let mut map = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with("[[")
            && let Some(end) = body[i..].find("]]").map(|e| e + i)
            && let Some(bar) = body[i..end].find('|').map(|b| b + i)
        {
            for (k, c) in body[bar + 1..end].char_indices() {
                out.push(c);
                map.extend(std::iter::repeat_n(bar + 1 + k, c.len_utf8()));
            }
            i = end + 2;
            continue;
        }
        let c = body[i..].chars().next().expect("in bounds");
        out.push(c);
        map.extend(std::iter::repeat_n(i, c.len_utf8()));
        i += c.len_utf8();
    }
    map.push(body.len());
    (out, map)
}

/// The targets of the wikilinks of `body` (`slug` of `[[slug|text]]` and `[[slug]]`), with
/// their byte offsets.
fn link_targets(body: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = body[from..].find("[[").map(|i| i + from) {
        let Some(end) = body[start..].find("]]").map(|i| i + start) else {
            break;
        };
        let inner = &body[start + 2..end];
        out.push((start + 2, inner.split(['|', '#']).next().unwrap_or(inner)));
        from = end + 2;
    }
    out
}

/// Rule 4: the offset of the first "Khankandi" when no "Stepanakert" follows it closely.
fn khankandi_missing(text: &str) -> Option<usize> {
    let i = text.find("Khankandi")?;
    let near: String = text[i..].chars().take(40).collect();
    (!near.contains("Stepanakert")).then_some(i)
}

/// Rule 5: house-style slips outside quotation marks.
fn style_problems(text: &str) -> Vec<(usize, &'static str)> {
    let quoted = quoted_spans(text);
    let outside = |i: usize| !quoted.iter().any(|&(a, b)| a <= i && i < b);
    let word_at = |i: usize, len: usize| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
            && text[i + len..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    };
    let mut found = Vec::new();
    for (word, message) in [
        ("percent", "write \"per cent\", not \"percent\""),
        ("Baki", "write \"Bakı\", not \"Baki\""),
    ] {
        if let Some((i, _)) = text
            .match_indices(word)
            .find(|&(i, _)| outside(i) && word_at(i, word.len()))
        {
            found.push((i, message));
        }
    }
    found
}
