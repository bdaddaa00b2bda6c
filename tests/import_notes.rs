//! Notes brought from Obsidian, Quartz, Jekyll or Hugo build as they are (issue 14, point
//! 1), and `links: warn` lets a site that moves over build while its links are mended
//! (point 7). The fixture `tests/fixtures/notes/` is a small vault written for these tests.

mod common;

use common::TestSite;

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_vault_builds_strictly_without_a_warning() {
    let site = TestSite::fixture("notes");
    let run = site.run(&["build", "--strict"]);
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{}", run.stderr);
    // Eight notes; the one held back by `publish: false` and the Hugo draft are not built.
    assert!(run.stdout.starts_with("built 8 entries,"), "{}", run.stdout);
}

#[test]
fn titles_come_from_the_first_heading_or_the_file_name() {
    let site = TestSite::fixture("notes");
    site.build().assert_ok();

    let welcome = site.output("welcome/index.html");
    assert!(
        welcome.contains(r#"<h1 class="p-name">Welcome to the garden</h1>"#),
        "{welcome}"
    );
    // The heading that gave the title is not shown a second time.
    assert_eq!(count(&welcome, "<h1"), 1, "{welcome}");
    assert!(
        welcome.contains("<title>Welcome to the garden"),
        "{welcome}"
    );

    // No heading: the file name as written, spaces, dashes and underscores kept.
    let list = site.output("reading/reading-list/index.html");
    assert!(
        list.contains(r#"<h1 class="p-name">Reading list</h1>"#),
        "{list}"
    );
    let nested = site.output("reading/deep/nested/plain-note-name/index.html");
    assert!(
        nested.contains(r#"<h1 class="p-name">Plain_note-name</h1>"#),
        "{nested}"
    );
    // A `#` line in a code block is no heading.
    assert!(nested.contains("not a heading"), "{nested}");

    // A heading that does not open the text stays where it is.
    let summit = site.output("events/summit-notes/index.html");
    assert!(
        summit.contains(r#"<h1 class="p-name">Summit in Brussels</h1>"#),
        "{summit}"
    );

    // Wikilinks find notes by file name and by alias, in any folder.
    assert!(
        welcome.contains(r#"href="/reading/reading-list/""#),
        "{welcome}"
    );
    assert!(
        welcome.contains(r#"href="/places/lachin-road/""#),
        "{welcome}"
    );
    assert!(
        list.contains(r#"href="/reading/deep/nested/plain-note-name/""#),
        "{list}"
    );
}

#[test]
fn kinds_come_from_folders_and_dates_from_file_names_and_sections() {
    let site = TestSite::fixture("notes");
    site.build().assert_ok();

    let post = site.output("posts/2014-12-17-welcome-to-jekyll/index.html");
    assert!(
        post.contains(r#"<h1 class="p-name">Welcome to Jekyll!</h1>"#),
        "{post}"
    );
    // Jekyll's time with its offset.
    assert!(
        post.contains(r#"<time datetime="2014-12-17T11:16:21-08:00">17 December 2014</time>"#),
        "{post}"
    );

    // No date in the front matter: the file name's; no title: the rest of the name.
    let second = site.output("posts/2015-01-02-second-post/index.html");
    assert!(
        second.contains(r#"<h1 class="p-name">second-post</h1>"#),
        "{second}"
    );
    assert!(
        second.contains(r#"<time datetime="2015-01-02">2 January 2015</time>"#),
        "{second}"
    );
    // Hugo's `lastmod` is the date it was updated.
    assert!(
        second.contains(r#"updated <time datetime="2015-01-03T09:00:00+01:00">"#),
        "{second}"
    );

    // An event without front matter takes the date of its section's `_index.md`.
    let summit = site.output("events/summit-notes/index.html");
    assert!(summit.contains("kind-event"), "{summit}");
    assert!(
        summit.contains(r#"<time datetime="2023-02-28">28 February 2023</time>"#),
        "{summit}"
    );
    // A statement dated by its file name.
    let remarks = site.output("statements/2023-03-01-remarks/index.html");
    assert!(remarks.contains("kind-statement"), "{remarks}");
    assert!(
        remarks.contains(r#"<time datetime="2023-03-01">"#),
        "{remarks}"
    );

    let timeline = site.output("timeline/index.html");
    for url in [
        "/posts/2014-12-17-welcome-to-jekyll/",
        "/events/summit-notes/",
        "/statements/2023-03-01-remarks/",
    ] {
        assert!(
            timeline.contains(url),
            "{url} not on the timeline\n{timeline}"
        );
    }
}

#[test]
fn string_tags_categories_and_description() {
    let site = TestSite::fixture("notes");
    site.build().assert_ok();

    // `tags: corridor, peace talks`: two tags, the space kept.
    let peace = site.output("tags/peace-talks/index.html");
    assert!(peace.contains("/places/lachin-road/"), "{peace}");
    assert!(site.path("public/tags/corridor/index.html").is_file());
    // Jekyll's `categories: jekyll update` are tags, cut at the space.
    let jekyll = site.output("tags/jekyll/index.html");
    assert!(
        jekyll.contains("/posts/2014-12-17-welcome-to-jekyll/")
            && jekyll.contains("/posts/2015-01-02-second-post/"),
        "{jekyll}"
    );
    assert!(site.path("public/tags/update/index.html").is_file());

    // `description` is the summary; `aliases` as one string is one alias.
    let road = site.output("places/lachin-road/index.html");
    assert!(
        road.contains(
            r#"<meta name="description" content="The road between Armenia and Karabakh.">"#
        ),
        "{road}"
    );
    assert!(road.contains("Also known as Lachin corridor"), "{road}");
}

#[test]
fn publish_false_and_drafts_are_not_published() {
    let site = TestSite::fixture("notes");
    site.build().assert_ok();
    assert!(!site.path("public/secret").exists());
    assert!(!site.path("public/unfinished").exists());
    assert!(!site.output("search-index.js").contains("Secret plan"));

    site.run(&["build", "--drafts"]).assert_ok();
    assert!(
        site.output("secret/index.html")
            .contains(r#"<h1 class="p-name">Secret plan</h1>"#)
    );
    assert!(site.path("public/unfinished/index.html").is_file());
}

#[test]
fn bad_front_matter_is_still_an_error_at_its_place() {
    let site = TestSite::fixture("notes");
    // A YAML syntax error, a wrong type, an impossible time: each at its line and column.
    site.write(
        "content/broken.md",
        "---\ntitle: Broken\ntags: [a, b\n---\nText.\n",
    );
    site.write("content/typed.md", "---\naliases: {a: 1}\n---\nText.\n");
    site.write(
        "content/_posts/2020-01-01-late.md",
        "---\ndate: 2014-12-17 25:16:21 -0800\n---\n",
    );
    // An event with no date anywhere.
    site.write("content/events/later/Undated.md", "Text.\n");
    site.write("content/events/later/_index.md", "---\ntitle: Later\n---\n");
    site.write("content/events/_index.md", "---\ntitle: Meetings\n---\n");
    let run = site.build();
    run.assert_code(1);
    let headlines = run.headlines();
    for expected in [
        "error: content/broken.md:4:1: YAML syntax error",
        "error: content/typed.md:2:10: `aliases`",
        "error: content/_posts/2020-01-01-late.md:2:7: `date`: `2014-12-17 25:16:21 -0800` is not a date",
        "error: content/events/later/Undated.md:1:1: `date` is missing: every event needs a date",
        "error: content/events/Summit notes.md:1:1: `date` is missing",
    ] {
        assert!(
            headlines.iter().any(|h| h.starts_with(expected)),
            "no {expected:?} in\n{}",
            run.stderr
        );
    }
    // None of the notes without front matter is an error.
    assert!(
        !run.stderr.contains("no front matter") && !run.stderr.contains("`title` is missing"),
        "{}",
        run.stderr
    );
}

/// A site whose links are broken in each of the ways `links: warn` forgives, and one
/// unknown key, which it does not.
fn migrating_site(site_yaml: &str) -> TestSite {
    TestSite::with_files(&[
        ("site.yaml", site_yaml),
        (
            "content/a.md",
            "See [[Nowhere]], [[Elsewhere]], [[Baku]], [[b#Missing heading]] and [c](c.md).\n",
        ),
        ("content/b.md", "# B\n\n## History\n"),
        ("content/places/Baku.md", "The city.\n"),
        ("content/people/Baku.md", "A person of that name.\n"),
        ("content/d.md", "---\ncolour: red\n---\nText.\n"),
    ])
}

const SITE: &str = "title: T\nbase_url: https://example.org/\n";

#[test]
fn link_problems_fail_unless_links_warn() {
    let site = migrating_site(SITE);
    let run = site.run(&["check"]);
    run.assert_code(1);
    run.assert_reports("error: content/a.md:1:5: wikilink `[[Nowhere]]`");
    run.assert_reports("error: content/a.md:1:33: wikilink `[[Baku]]` is ambiguous");
    assert!(
        run.stderr.contains(
            "problems by kind: 3 links to missing notes, 1 ambiguous link, 1 link to a missing heading, 1 unknown key"
        ),
        "{}",
        run.stderr
    );

    let site = migrating_site(&format!("{SITE}links: warn\n"));
    let run = site.run(&["check"]);
    run.assert_ok();
    run.assert_reports("warning: content/a.md:1:5: wikilink `[[Nowhere]]`");
    run.assert_reports("warning: content/a.md:1:33: wikilink `[[Baku]]` is ambiguous");
    assert!(
        run.stdout.contains(
            "problems by kind: 3 links to missing notes, 1 ambiguous link, 1 link to a missing heading, 1 unknown key"
        ),
        "{}",
        run.stdout
    );
    // The summary is the last line of `check`.
    assert!(
        run.stdout
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("problems by kind:"),
        "{}",
        run.stdout
    );
    // The site builds, each broken link left as written.
    site.build().assert_ok();
    assert!(site.output("a/index.html").contains("Nowhere"));

    // `--links` on the command line, either way, wins over `site.yaml`.
    site.run(&["check", "--links", "error"]).assert_code(1);
    migrating_site(SITE)
        .run(&["check", "--links", "warn"])
        .assert_ok();
}

#[test]
fn strict_stays_strict_about_everything_but_links_under_links_warn() {
    let site = migrating_site(&format!("{SITE}links: warn\n"));
    let run = site.run(&["check", "--strict"]);
    run.assert_code(1);
    run.assert_reports("error: content/d.md:2:1: unknown key `colour`");
    run.assert_reports("warning: content/a.md:1:5: wikilink `[[Nowhere]]`");
    site.remove("content/d.md");
    site.run(&["build", "--strict"]).assert_ok();
    site.run(&["build", "--strict", "--links", "error"])
        .assert_code(1)
        .assert_reports("error: content/a.md:1:5: wikilink `[[Nowhere]]`");
}

#[test]
fn quiet_prints_errors_only() {
    let site = migrating_site(&format!("{SITE}links: warn\n"));
    let run = site.run(&["--quiet", "check"]);
    run.assert_ok();
    assert_eq!(run.stdout, "", "a run that succeeds prints nothing");
    assert_eq!(run.stderr, "", "warnings are not printed");

    let run = site.run(&["--quiet", "check", "--links", "error"]);
    run.assert_code(1);
    assert!(run.headlines().iter().all(|h| h.starts_with("error: ")));
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    run.assert_reports("error: content/a.md:1:5: wikilink `[[Nowhere]]`");
    // The summary counts the errors only.
    assert!(
        run.stderr.contains(
            "errors by kind: 3 links to missing notes, 1 ambiguous link, 1 link to a missing heading\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_links_value_is_an_error_with_a_suggestion() {
    let site = migrating_site(&format!("{SITE}links: warm\n"));
    let run = site.run(&["check"]);
    run.assert_code(1);
    run.assert_reports("error: site.yaml:3:8: `links` is `error` or `warn`, not `warm`");
    assert!(
        run.stderr.contains("did you mean `warn`?"),
        "{}",
        run.stderr
    );
    site.run(&["check", "--links", "sometimes"]).assert_code(2);
}

#[test]
fn obsidian_cssclasses_become_classes_of_the_entry() {
    let site = TestSite::with_files(&[
        (
            "content/a.md",
            "---\ncssclasses: [wide-page, cards]\n---\n# A\n",
        ),
        (
            "content/b.md",
            "---\ncssclasses: \"wide-page \\\"><script>\"\n---\n# B\n",
        ),
    ]);
    site.build().assert_ok();
    let a = site.output("a/index.html");
    assert!(
        a.contains("<article class=\"entry h-entry wide-page cards\">"),
        "{a}"
    );
    let b = site.output("b/index.html");
    assert!(
        b.contains("<article class=\"entry h-entry wide-page\">"),
        "{b}"
    );
    assert!(!b.contains("<script>"), "{b}");
}
