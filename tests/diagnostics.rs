//! Every problem an editor can make is reported as `FILE:LINE:COL: message`, the run goes
//! on to report the rest, and the exit code is 1.

mod common;

use common::TestSite;

/// Builds a site whose only entry is `content/REL` with `text`, expecting exit 1 and a
/// report starting with `expected`.
#[track_caller]
fn fails_with(rel: &str, text: &str, expected: &str) -> common::Run {
    let site = TestSite::with_files(&[(rel, text)]);
    let run = site.build();
    run.assert_code(1).assert_reports(expected);
    assert!(!site.path("public").exists(), "nothing is written");
    run
}

#[test]
fn unclosed_front_matter() {
    fails_with(
        "content/a.md",
        "---\ntitle: A\n\nBody without an end.\n",
        "error: content/a.md:1:1: unclosed front matter",
    );
}

#[test]
fn yaml_syntax_error_at_the_file_line() {
    // The YAML's third line is the file's fourth.
    fails_with(
        "content/a.md",
        "---\ntitle: A\ntags: [one, two\nsummary: x\n---\n",
        "error: content/a.md:4:",
    );
    let run = fails_with(
        "content/b.md",
        "---\ntitle: B\n\tsummary: tab\n---\n",
        "error: content/b.md:3:",
    );
    assert!(run.stderr.contains("YAML syntax error"), "{}", run.stderr);
}

#[test]
fn wrong_types() {
    fails_with(
        "content/a.md",
        "---\ntitle: A\ntags: 5\n---\n",
        "error: content/a.md:3:7: `tags`: invalid type",
    );
    fails_with(
        "content/a.md",
        "---\ntitle: A\ndraft: maybe\n---\n",
        "error: content/a.md:3:8: `draft`:",
    );
    fails_with(
        "content/a.md",
        "---\ntitle: [A]\n---\n",
        "error: content/a.md:2:8: `title`:",
    );
    fails_with(
        "content/a.md",
        "---\ntitle: A\nsources:\n  - title: S\n  - url: https://x.org\n---\n",
        "error: content/a.md:5:5: `sources[1]`: a source needs a non-empty `title`",
    );
}

#[test]
fn missing_or_empty_title() {
    // Without `title`, the file name is the title; an empty `title` is an error.
    let site = TestSite::with_files(&[("content/a-b_c.md", "---\nsummary: s\n---\n")]);
    site.build().assert_ok();
    assert!(
        site.output("a-b-c/index.html")
            .contains(r#"<h1 class="p-name">a-b_c</h1>"#)
    );
    fails_with(
        "content/a.md",
        "---\nkind: topic\ntitle: \"  \"\n---\n",
        "error: content/a.md:3:1: `title` is empty",
    );
}

#[test]
fn impossible_dates() {
    fails_with(
        "content/a.md",
        "---\ntitle: A\ndate: 2023-02-29\n---\n",
        "error: content/a.md:3:7: `date`: impossible date `2023-02-29`: February 2023 has 28 days",
    );
    fails_with(
        "content/a.md",
        "---\ntitle: A\nupdated: 2023-14-01\n---\n",
        "error: content/a.md:3:10: `updated`: impossible date",
    );
}

#[test]
fn events_and_statements_need_a_date() {
    fails_with(
        "content/a.md",
        "---\ntitle: A\nkind: event\n---\n",
        "error: content/a.md:3:1: `date` is missing",
    );
    fails_with(
        "content/statements/b.md",
        "---\ntitle: B\n---\n",
        "error: content/statements/b.md:1:1: `date` is missing",
    );
}

#[test]
fn unknown_kind_with_a_suggestion() {
    let run = fails_with(
        "content/a.md",
        "---\ntitle: A\nkind: persn\n---\n",
        "error: content/a.md:3:7: unknown kind `persn`",
    );
    assert!(
        run.stderr.contains("did you mean `person`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_keys_warn_and_fail_with_strict() {
    let site = TestSite::with_files(&[("content/a.md", "---\ntitle: A\ntgas: [x]\n---\n")]);
    let run = site.build();
    run.assert_ok()
        .assert_reports("warning: content/a.md:3:1: unknown key `tgas`");
    assert!(
        run.stderr.contains("did you mean `tags`?"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 warning"), "{}", run.stdout);
    site.run(&["build", "--strict"])
        .assert_code(1)
        .assert_reports("error: content/a.md:3:1: unknown key `tgas`");
}

#[test]
fn two_entries_with_one_url_name_both_files() {
    let site = TestSite::with_files(&[
        ("content/places/baku.md", "---\ntitle: Baku\n---\n"),
        (
            "content/places/other.md",
            "---\ntitle: Other\nslug: baku\n---\n",
        ),
    ]);
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains("two pages have the URL /places/baku/: the entry content/places/baku.md and the entry content/places/other.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_points_at_the_byte() {
    let site = TestSite::with_files(&[]);
    site.write_bytes("content/a.md", b"---\ntitle: ok\nsummary: caf\xe9\n---\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: content/a.md:3:13: the file is not valid UTF-8");
}

#[test]
fn empty_files_are_warnings_and_empty_pages() {
    for text in ["", "\n  \n"] {
        let site = TestSite::with_files(&[("content/a.md", text)]);
        let run = site.build();
        run.assert_ok().assert_reports(
            "warning: content/a.md:1:1: the file is empty: it is published as an empty page titled `a`",
        );
        assert!(
            site.output("a/index.html")
                .contains(r#"<h1 class="p-name">a</h1>"#)
        );
        site.run(&["build", "--strict"])
            .assert_code(1)
            .assert_reports("error: content/a.md:1:1: the file is empty");
    }
}

#[test]
fn files_without_front_matter_are_entries() {
    let site = TestSite::with_files(&[("content/a.md", "# Just markdown\n\nText.\n")]);
    let run = site.build();
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{}", run.stderr);
    let html = site.output("a/index.html");
    assert!(
        html.contains(r#"<h1 class="p-name">Just markdown</h1>"#),
        "{html}"
    );
    assert_eq!(html.matches("Just markdown</h1>").count(), 1, "{html}");
}

#[test]
fn bom_and_crlf_are_fine() {
    let site = TestSite::with_files(&[
        (
            "content/a.md",
            "\u{feff}---\r\ntitle: \"Crlf\"\r\ntags: [x]\r\n---\r\nBody [[b]].\r\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\n"),
    ]);
    site.build().assert_ok();
    let html = std::fs::read_to_string(site.path("public/a/index.html")).unwrap();
    assert!(html.contains("<h1 class=\"p-name\">Crlf</h1>"), "{html}");
}

#[test]
fn broken_links_are_errors_at_their_position() {
    fails_with(
        "content/a.md",
        "---\ntitle: A\n---\nFirst line.\n\nSee [[Nowhere]] here.\n",
        "error: content/a.md:6:5: wikilink `[[Nowhere]]`: no entry",
    );
    fails_with(
        "content/a.md",
        "---\ntitle: A\n---\n[b](b.md)\n",
        "error: content/a.md:4:1: link `b.md`: there is no entry `content/b.md`",
    );
}

#[test]
fn every_problem_of_a_run_is_reported() {
    let site = TestSite::with_files(&[
        ("content/a.md", "---\ntitle: A\ndate: 2023-02-30\n---\n"),
        ("content/b.md", "---\ntitle: B\n---\n[x](nowhere.md)\n"),
        ("content/c.md", "---\ntitle: C\nkind: evnt\n---\n"),
    ]);
    let run = site.build();
    run.assert_code(1);
    let errors: Vec<&str> = run
        .headlines()
        .into_iter()
        .filter(|h| h.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(errors[0].starts_with("error: content/a.md:3:7:"));
    assert!(errors[1].starts_with("error: content/b.md:4:1:"));
    assert!(errors[2].starts_with("error: content/c.md:3:7:"));
    assert!(run.stderr.contains("3 errors"), "{}", run.stderr);
}

#[test]
fn two_bad_files_give_two_errors() {
    let site = TestSite::with_files(&[
        ("content/a.md", "---\ntitle: A\n"),
        ("content/b.md", "---\ntitle: [B\n---\n"),
    ]);
    let run = site.build();
    run.assert_code(1);
    assert_eq!(run.headlines().len(), 2, "{}", run.stderr);
    run.assert_reports("error: content/a.md:1:1: unclosed front matter");
    run.assert_reports("error: content/b.md:");
}

#[test]
fn the_source_line_is_shown_beneath() {
    let run = fails_with(
        "content/a.md",
        "---\ntitle: A\nkind: persn\n---\n",
        "error: content/a.md:3:7",
    );
    assert!(run.stderr.contains("3 | kind: persn"), "{}", run.stderr);
    assert!(run.stderr.contains("^^^^^"), "{}", run.stderr);
}

#[test]
fn config_problems_name_site_yaml() {
    let site = TestSite::with_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://e.org/\nlanguge: en\n",
    );
    site.build()
        .assert_ok()
        .assert_reports("warning: site.yaml:3:1: unknown key `languge`");
    site.write("site.yaml", "title: T\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: site.yaml:1:1: `base_url` is missing");
    site.write("site.yaml", "title: T\nbase_url: [\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: site.yaml:");
    std::fs::remove_file(site.path("site.yaml")).unwrap();
    site.build()
        .assert_code(1)
        .assert_reports("error: site.yaml: cannot read");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let site = TestSite::with_files(&[("content/a.md", "---\ntitle: A\n---\n")]);
    site.write("themes/default/templates/entry.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ entry.title }\n{% endblock content %}\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: themes/default/templates/entry.html:3:");
    site.write("themes/default/templates/entry.html", "{% extends \"base.html\" %}\n{% block content %}\n\n{{ entry.no_such_field }}\n{% endblock content %}\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: themes/default/templates/entry.html:4:");
}

#[test]
fn usage_errors_exit_with_2() {
    let site = TestSite::with_files(&[]);
    site.run(&["build", "--no-such-flag"]).assert_code(2);
    site.run(&["frobnicate"]).assert_code(2);
}
