//! Inputs built to make a build slow or large: each is refused with an error at its line,
//! or built as usual. The binary runs under `timeout` as a guard against a hang (not a
//! measure of speed; the benches in `benches/` show how the stages scale).

mod common;

use std::process::Command;

use common::{Run, TestSite};

/// `a: &a [x, x, …]` and `b: [*a, *a, …]`, `k` of each: 5 bytes of text per `k` expanding
/// to `k²` values (R7).
fn flat_alias_bomb(indent: &str, k: usize) -> String {
    format!(
        "{indent}a: &a [{}]\n{indent}b: [{}]\n",
        vec!["x"; k].join(","),
        vec!["*a"; k].join(",")
    )
}

#[test]
fn a_flat_alias_bomb_in_front_matter_is_refused_at_its_aliases() {
    let site = TestSite::with_files(&[(
        "content/topics/q.md",
        &format!(
            "---\ntitle: Q\nextra:\n{}---\nx\n",
            flat_alias_bomb("  ", 3000)
        ),
    )]);
    let run = site.build_guarded();
    run.assert_code(1)
        .assert_reports("error: content/topics/q.md:5:7: YAML aliases `*a` expand");
    assert!(!site.path("public").exists(), "nothing was written");
}

#[test]
fn a_flat_alias_bomb_in_site_yaml_is_refused_at_its_aliases() {
    let site = TestSite::with_files(&[("content/topics/q.md", "---\ntitle: Q\n---\nx\n")]);
    site.write(
        "site.yaml",
        &format!(
            "title: Test\nbase_url: https://example.org/\nextra:\n{}",
            flat_alias_bomb("  ", 3000)
        ),
    );
    let run = site.build_guarded();
    run.assert_code(1)
        .assert_reports("error: site.yaml:5:7: YAML aliases `*a` expand");
}

#[test]
fn a_nested_alias_bomb_is_still_refused() {
    let mut bomb = String::from("  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    let names: Vec<char> = ('a'..='i').collect();
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    let site = TestSite::with_files(&[(
        "content/topics/q.md",
        &format!("---\ntitle: Q\nextra:\n{bomb}---\nx\n"),
    )]);
    site.build_guarded()
        .assert_code(1)
        .assert_reports("error: content/topics/q.md:");
}

#[test]
fn control_characters_in_shown_text_are_refused_at_their_value() {
    // R16: YAML escapes put NUL, ESC and VT into a title, a tag and a summary.
    let site = TestSite::with_files(&[
        ("content/topics/nul.md", "---\ntitle: \"A\\0B\"\n---\nx\n"),
        (
            "content/topics/esc.md",
            "---\ntitle: E\ntags:\n  - fine\n  - \"x\\ey\"\nsummary: \"a\\vb\"\n---\nx\n",
        ),
    ]);
    let run = site.build_guarded();
    run.assert_code(1)
        .assert_reports(
            "error: content/topics/nul.md:2:8: `title` contains the control character U+0000",
        )
        .assert_reports(
            "error: content/topics/esc.md:3:6: tag `x\\u{1b}y` contains the control character U+001B",
        )
        .assert_reports(
            "error: content/topics/esc.md:6:10: `summary` contains the control character U+000B",
        );
    assert!(!site.path("public").exists(), "nothing was written");
}

#[test]
fn names_typed_in_nfc_and_nfd_are_one_name() {
    // R17: "Café" with a precomposed é and with e + U+0301.
    let (nfc, nfd) = ("Caf\u{e9}", "Cafe\u{301}");
    let site = TestSite::with_files(&[
        (
            "content/topics/a.md",
            &format!("---\ntitle: {nfc}\n---\nx\n"),
        ),
        (
            "content/topics/b.md",
            &format!("---\ntitle: {nfd}\n---\nx\n"),
        ),
        (
            "content/topics/c.md",
            &format!("---\ntitle: C\n---\n[[{nfc}]] and [[{nfd}]]\n"),
        ),
    ]);
    let run = site.build_guarded();
    run.assert_code(1);
    let ambiguous: Vec<&str> = run
        .headlines()
        .into_iter()
        .filter(|h| h.starts_with("error: content/topics/c.md:4:") && h.contains("is ambiguous"))
        .collect();
    assert_eq!(ambiguous.len(), 2, "{}", run.stderr);

    // With one of the two titles, both spellings of the link reach it.
    site.remove("content/topics/b.md");
    site.build_guarded().assert_ok();
    let page = site.output("topics/c/index.html");
    for typed in [nfc, nfd] {
        assert!(
            page.contains(&format!("<a href=\"/topics/a/\">{typed}</a>")),
            "{page}"
        );
    }
}

#[test]
fn tags_that_share_a_slug_are_warned_about_and_keep_their_spelling() {
    // R18: `C++` on one entry and `C` on another are both /tags/c/.
    let site = TestSite::with_files(&[
        (
            "content/topics/a.md",
            "---\ntitle: A\ntags: [\"C++\"]\n---\nx\n",
        ),
        (
            "content/topics/b.md",
            "---\ntitle: B\ntags: [\"C\"]\n---\nx\n",
        ),
        (
            "content/topics/d.md",
            "---\ntitle: D\ntags:\n  - C\n  - c\n  - \"c#\"\n---\nx\n",
        ),
    ]);
    let run = site.build_guarded();
    run.assert_ok()
        .assert_reports(
            "warning: content/topics/a.md:3:9: tag `C++` has the URL /tags/c/ of tag `C` (as on content/topics/",
        )
        .assert_reports(
            "warning: content/topics/d.md:6:6: tag `c#` has the URL /tags/c/ of tag `C` before it",
        );
    // `c` is `C` in another case: one spelling, no warning.
    assert!(!run.stderr.contains("tag `c` has"), "{}", run.stderr);
    let a = site.output("topics/a/index.html");
    assert!(a.contains(">C++</a>"), "{a}");
    let b = site.output("topics/b/index.html");
    assert!(b.contains(">C</a>"), "{b}");
    let tag_page = site.output("tags/c/index.html");
    assert!(tag_page.contains("/topics/a/") && tag_page.contains("/topics/b/"));
}

/// One entry with 8,000 tags (R8, 1d): "often together with" counted every pair of its
/// tags, 2.25 GB of counts. The check runs under a 1 GB address-space limit, where that
/// aborted (exit 134); it now needs a few tens of megabytes.
#[test]
fn one_entry_with_thousands_of_tags_checks_in_bounded_memory() {
    let tags: String = (0..8000).map(|i| format!("  - \"tag {i}\"\n")).collect();
    let site = TestSite::with_files(&[(
        "content/topics/t.md",
        &format!("---\ntitle: T\ntags:\n{tags}---\nx\n"),
    )]);
    let output = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 1000000 && exec \"$0\" --root \"$1\" check")
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .arg(site.root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run dossier under ulimit");
    Run::from(output).assert_ok();
}
