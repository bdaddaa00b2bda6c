//! Bad input never panics, never touches the previous output, never changes a source file,
//! and is reported with its file and line. Each case starts from a site that built, adds
//! one problem, and builds again.

mod common;

use common::{Run, TestSite, build_as_nobody, is_root};

fn good_site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\ntags: [City]\n---\n## History\n\nA city.\n",
        ),
        (
            "content/people/anna.md",
            "---\ntitle: Anna\nkind: person\n---\nLives in [[Baku]].\n",
        ),
    ]);
    site.build().assert_ok();
    site
}

/// Adds `files` to a site that built, builds again, and checks that the build failed with
/// a report starting with `expected`, and that nothing was written or lost.
#[track_caller]
fn rejects(files: &[(&str, &[u8])], expected: &str) -> Run {
    let site = good_site();
    let output_before = site.output_files();
    for (rel, bytes) in files {
        site.write_bytes(rel, bytes);
    }
    let sources_before = site.source_files();
    let run = site.build();
    run.assert_code(1).assert_reports(expected);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        site.output_files(),
        output_before,
        "the previous output is untouched"
    );
    assert_eq!(
        site.source_files(),
        sources_before,
        "no source file changed"
    );
    run
}

fn entry(front: &str) -> Vec<u8> {
    format!("---\n{front}\n---\nText.\n").into_bytes()
}

#[test]
fn unclosed_front_matter() {
    rejects(
        &[("content/a.md", b"---\ntitle: A\nno end\n")],
        "error: content/a.md:1:1: unclosed front matter",
    );
}

#[test]
fn yaml_syntax_errors() {
    rejects(
        &[("content/a.md", &entry("title: A\n\ttags: [x]"))],
        "error: content/a.md:3:",
    );
    rejects(
        &[("content/a.md", &entry("title: A\ntags:\n  - x\n - y"))],
        "error: content/a.md:5:",
    );
    rejects(
        &[("content/a.md", &entry("title: A\ntags: [x, y"))],
        "error: content/a.md:4:",
    );
    rejects(
        &[("content/a.md", &entry("title: \"A\nsummary: x"))],
        "error: content/a.md:",
    );
    rejects(
        &[("content/a.md", &entry("title: A\ntitle: B"))],
        "error: content/a.md:3:",
    );
}

#[test]
fn wrong_types_for_every_field() {
    let cases: &[(&str, &str)] = &[
        ("title: [A]", "error: content/a.md:2:8: `title`:"),
        (
            "title: A\nkind: [person]",
            "error: content/a.md:3:7: `kind`:",
        ),
        ("title: A\ndate: [2023]", "error: content/a.md:3:7: `date`:"),
        (
            "title: A\nupdated: {y: 1}",
            "error: content/a.md:3:10: `updated`:",
        ),
        (
            "title: A\nsummary: [s]",
            "error: content/a.md:3:10: `summary`:",
        ),
        ("title: A\ntags: {a: 1}", "error: content/a.md:3:7: `tags`:"),
        ("title: A\ntags: [[x]]", "error: content/a.md:3:"),
        (
            "title: A\naliases: 5",
            "error: content/a.md:3:10: `aliases`:",
        ),
        ("title: A\nslug: [a]", "error: content/a.md:3:7: `slug`:"),
        (
            "title: A\nspeaker: {a: 1}",
            "error: content/a.md:3:10: `speaker`:",
        ),
        ("title: A\nsources: x", "error: content/a.md:3:"),
        (
            "title: A\nsources:\n  - {title: S, url: [u]}",
            "error: content/a.md:4:",
        ),
        (
            "title: A\nsources:\n  - {title: S, colour: red}",
            "error: content/a.md:4:",
        ),
        (
            "title: A\ndraft: sometimes",
            "error: content/a.md:3:8: `draft`:",
        ),
        (
            "title: A\nweight: heavy",
            "error: content/a.md:3:9: `weight`:",
        ),
        (
            "title: A\nextra: [1]",
            "error: content/a.md:3:8: `extra` must be a mapping",
        ),
    ];
    for (front, expected) in cases {
        rejects(&[("content/a.md", &entry(front))], expected);
    }
}

#[test]
fn missing_and_empty_required_fields() {
    // No `title` is no error: the file name stands in (issue 14); an empty one is.
    rejects(
        &[("content/a.md", &entry("title: \"\""))],
        "error: content/a.md:2:1: `title` is empty",
    );
    // `title:` with no value is no title: the file name again.
    let site = good_site();
    site.write("content/a.md", "---\ntitle:\n---\n");
    site.build().assert_ok();
    assert!(
        site.output("a/index.html")
            .contains(r#"<h1 class="p-name">a</h1>"#)
    );
    rejects(
        &[("content/a.md", &entry("title: A\nkind: event"))],
        "error: content/a.md:3:1: `date` is missing",
    );
}

#[test]
fn impossible_dates_unknown_kinds_and_keys() {
    rejects(
        &[("content/a.md", &entry("title: A\ndate: 2023-04-31"))],
        "error: content/a.md:3:7: `date`: impossible date `2023-04-31`: April 2023 has 30 days",
    );
    rejects(
        &[("content/a.md", &entry("title: A\nkind: treaty"))],
        "error: content/a.md:3:7: unknown kind `treaty`",
    );
    let site = good_site();
    site.write("content/a.md", "---\ntitle: A\nsumary: s\n---\n");
    site.run(&["build", "--strict"])
        .assert_code(1)
        .assert_reports("error: content/a.md:3:1: unknown key `sumary`");
}

#[test]
fn two_entries_with_one_url() {
    // Reported on the file whose slug takes the URL, at its slug.
    let run = rejects(
        &[(
            "content/places/baku-2.md",
            &entry("title: Baku 2\nslug: baku"),
        )],
        "error: content/places/baku-2.md:3:1: two pages",
    );
    assert!(
        run.stderr
            .contains("the entry content/places/baku.md and the entry content/places/baku-2.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn broken_and_ambiguous_links_and_anchors() {
    rejects(
        &[("content/a.md", b"---\ntitle: A\n---\n[[Nowhere]]\n")],
        "error: content/a.md:4:1: wikilink `[[Nowhere]]`",
    );
    // Two entries of one name, neither in the linking file's folder, at one depth.
    rejects(
        &[(
            "content/topics/a.md",
            b"---\ntitle: A\naliases: [Baku]\n---\nx\n",
        )],
        "error: content/people/anna.md:5:10: wikilink `[[Baku]]` is ambiguous: it could mean content/places/baku.md, content/topics/a.md",
    );
    rejects(
        &[(
            "content/a.md",
            b"---\ntitle: A\n---\n[b](places/baku.md#future)\n",
        )],
        "error: content/a.md:4:1: `content/places/baku.md` has no heading with the id `#future`",
    );
    rejects(
        &[("content/a.md", b"---\ntitle: A\n---\n[up](#top-of-page)\n")],
        "error: content/a.md:4:1: no heading on this page",
    );
}

#[test]
fn invalid_utf8_empty_files_and_files_of_only_front_matter() {
    rejects(
        &[("content/a.md", b"---\ntitle: A\n---\n\xff\xfe\n")],
        "error: content/a.md:4:1: the file is not valid UTF-8",
    );
    // An empty file is an empty note: a warning, an error under --strict.
    let site = good_site();
    site.write("content/a.md", "");
    site.build()
        .assert_ok()
        .assert_reports("warning: content/a.md:1:1: the file is empty");
    site.run(&["build", "--strict"])
        .assert_code(1)
        .assert_reports("error: content/a.md:1:1: the file is empty");
    // Only front matter is a valid entry with an empty body.
    let site = good_site();
    site.write("content/a.md", "---\ntitle: Only front matter\n---");
    site.build().assert_ok();
    assert!(site.output("a/index.html").contains("Only front matter"));
}

#[test]
fn a_yaml_alias_bomb_and_deep_nesting_fail_cleanly() {
    let mut bomb = String::from(
        "---\ntitle: A\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='k' {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = name;
    }
    bomb.push_str("---\n");
    rejects(&[("content/a.md", bomb.as_bytes())], "error: content/a.md:");
    let deep = format!(
        "---\ntitle: A\nextra: {}{}\n---\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    rejects(
        &[("content/a.md", deep.as_bytes())],
        "error: content/a.md:3:",
    );
}

#[test]
fn template_syntax_errors_and_undefined_variables() {
    rejects(
        &[("themes/default/templates/tag.html", b"{% extends \"base.html\" %}\n{% block content %}{% for x in %}{% endblock content %}\n")],
        "error: themes/default/templates/tag.html:2:",
    );
    rejects(
        &[("themes/default/templates/tag.html", b"{% extends \"base.html\" %}\n{% block content %}\n{{ tag.nonsense }}{% endblock content %}\n")],
        "error: themes/default/templates/tag.html:3:",
    );
}

#[test]
fn several_problems_in_one_run_are_all_reported() {
    let run = rejects(
        &[
            ("content/a.md", b"---\ntitle: A\ndate: 2023-02-30\n---\n"),
            ("content/b.md", b"---\ntitle: B\n---\n[[Nowhere]]\n"),
            ("content/c.md", b""),
            (
                "site.yaml",
                b"title: Test\nbase_url: https://example.org/\ncolour: red\n",
            ),
        ],
        "error: content/a.md:3:7:",
    );
    let headlines = run.headlines();
    assert_eq!(headlines.len(), 4, "{}", run.stderr);
    assert!(
        headlines
            .iter()
            .any(|h| h.starts_with("error: content/b.md:4:1:"))
    );
    assert!(
        headlines
            .iter()
            .any(|h| h.starts_with("warning: content/c.md:1:1: the file is empty"))
    );
    assert!(
        headlines
            .iter()
            .any(|h| h.starts_with("warning: site.yaml:3:1:"))
    );
}

#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let site = good_site();
    let before = site.output_files();
    site.write("content/secret.md", "---\ntitle: Secret\n---\n");
    std::fs::set_permissions(
        site.path("content/secret.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root reads any file: run the build as another user then.
    let run = if is_root() {
        for dir in [
            site.root().to_path_buf(),
            site.path("content"),
            site.path("content/places"),
            site.path("content/people"),
            site.path("public"),
        ] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        build_as_nobody(site.root())
    } else {
        site.build()
    };
    run.assert_code(1)
        .assert_reports("error: content/secret.md: cannot read the file");
    assert_eq!(site.output_files(), before);
}

#[test]
fn named_pipes_are_skipped_not_read() {
    let site = good_site();
    let status = std::process::Command::new("mkfifo")
        .arg(site.path("content/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = site.build();
    run.assert_ok()
        .assert_reports("warning: content/pipe.md: not a regular file");
}

#[test]
fn a_fifty_megabyte_entry_builds() {
    let site = good_site();
    let paragraph = "Words of a very long entry, written again and again. ".repeat(20);
    let mut text = String::from("---\ntitle: Huge\n---\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    site.write("content/huge.md", &text);
    site.build().assert_ok();
    assert!(
        std::fs::metadata(site.path("public/huge/index.html"))
            .unwrap()
            .len()
            > 50 * 1024 * 1024
    );
}

#[test]
fn files_removed_while_builds_run_never_break_the_output() {
    let site = good_site();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    let root = site.root().to_path_buf();
    // Another process (here, a thread) keeps adding and removing entries.
    let churn = std::thread::spawn(move || {
        let mut n = 0u64;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            let path = root.join(format!("content/places/churn-{}.md", n % 20));
            if n.is_multiple_of(2) {
                let _ = std::fs::write(&path, "---\ntitle: Churn\nkind: place\n---\nText.\n");
            } else {
                let _ = std::fs::remove_file(&path);
            }
            n += 1;
        }
    });
    for _ in 0..15 {
        let run = site.build();
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        // Whatever happened, the output is a whole site.
        assert!(site.path("public/index.html").exists());
        assert!(site.path("public/places/baku/index.html").exists());
        assert!(site.path("public/sitemap.xml").exists());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
}

#[test]
fn good_edge_cases_build() {
    let site = good_site();
    site.write("content/places/Zaqatala – the old town.md", "\u{feff}---\r\ntitle: \"Zaqatala <b>old</b> & \\\"town\\\"\"\r\nkind: place\r\n---\r\nČ ş ğ ə — fine.\r\n");
    site.write(
        "content/ünïcödé/ädres.md",
        "---\ntitle: Ädres\n---\nUnicode folders.\n",
    );
    site.build().assert_ok();
    let html = site.output("places/zaqatala-the-old-town/index.html");
    assert!(
        html.contains("Zaqatala &lt;b&gt;old&lt;&#x2f;b&gt; &amp; &quot;town&quot;")
            || html.contains("Zaqatala &lt;b&gt;old&lt;/b&gt; &amp; &quot;town&quot;"),
        "{html}"
    );
    assert!(html.contains("Č ş ğ ə — fine."));
    assert!(site.path("public/unicode/adres/index.html").exists());
}

#[test]
fn script_and_quotes_in_titles_cannot_break_out() {
    let site = good_site();
    site.write(
        "content/x.md",
        "---\ntitle: \"</script><script>alert(1)</script> \\\" ' onload=alert(2)\"\naliases: [\"</script>\"]\nsummary: \"\\\"><img src=x onerror=alert(3)>\"\ntags: [\"<b>tag</b>\"]\n---\nBody.\n",
    );
    site.build().assert_ok();
    for (rel, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<script>alert"),
            "{rel} carries a script from front matter"
        );
        assert!(
            !text.contains("<img src=x"),
            "{rel} carries markup from front matter"
        );
        assert!(
            !text.contains("<b>tag</b>"),
            "{rel} carries markup from a tag"
        );
    }
    let index = site.output("search-index.js");
    assert!(
        !index.contains("</script>") && !index.contains('<'),
        "the search index escapes <"
    );
}

#[test]
fn links_in_static_pointing_out_of_the_site_are_not_followed() {
    let site = good_site();
    site.write("outside.txt", "SECRET");
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink(site.path("outside.txt"), site.path("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", site.path("static/etc")).unwrap();
    let run = site.build();
    run.assert_ok()
        .assert_reports("warning: static/leak.txt: symbolic links are not followed");
    assert!(!site.path("public/leak.txt").exists());
    assert!(!site.path("public/etc").exists());
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_site() {
    // A site big enough that a build takes a while.
    let site = TestSite::with_files(&[]);
    let body = "A paragraph of text that repeats to make the entry long. ".repeat(40);
    let write_all = |suffix: &str, tags: usize| {
        for i in 0..400 {
            site.write(
                &format!("content/places/p{i}.md"),
                &format!(
                    "---\ntitle: Place {i}{suffix}\ntags: [t{}]\n---\n{body}\n",
                    i % tags
                ),
            );
        }
    };
    write_all("", 7);
    site.build().assert_ok();
    let old = site.output_files();
    write_all(", renamed", 5);
    // What a build of the new files writes, built elsewhere.
    let elsewhere = site.path("elsewhere");
    site.run(&["build", "--output", elsewhere.to_str().unwrap()])
        .assert_ok();
    let new = common::files_of(&elsewhere);
    assert_ne!(old, new);

    let mut seen_new = false;
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80, 160, 320] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["--root", site.root().to_str().unwrap(), "build", "--quiet"])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = site.output_files();
        assert!(
            now == old || now == new,
            "after a kill at {delay_ms} ms the output is neither the old nor the new site"
        );
        seen_new |= now == new;
    }
    // A build that is not killed finishes the job (and clears what killed ones left).
    site.build().assert_ok();
    assert_eq!(site.output_files(), new);
    let _ = seen_new;
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dossier-staging") || n.contains("dossier-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
