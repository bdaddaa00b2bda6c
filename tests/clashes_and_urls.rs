//! No URL that runs script reaches a page, and no two pages share a URL: a page that
//! would take the URL of another (Dossier's own, a tag's, a kind's, another entry's) is an
//! error naming both, the same in every build.

mod common;

use common::server::Server;
use common::{Run, TestSite, links};

const CONFIG: &str = "title: Test\nbase_url: https://example.org/\n";

/// A site that built, with a tag `city` and entries of the kind person.
fn good_site(config: &str) -> TestSite {
    let site = TestSite::with_files(&[
        ("site.yaml", config),
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\ntags: [City]\n---\nA city.\n",
        ),
        (
            "content/people/anna.md",
            "---\ntitle: Anna\nkind: person\n---\nLives in [[Baku]].\n",
        ),
    ]);
    site.build().assert_ok();
    site
}

fn entry_with_source_url(value: &str) -> String {
    format!("---\ntitle: X\nsources:\n  - title: S\n    url: {value}\n---\nText.\n")
}

#[test]
fn script_urls_of_sources_are_errors_at_the_value() {
    for value in [
        r#""javascript:alert(1)""#,
        r#""data:text/html,<script>alert(1)</script>""#,
        r#"" JaVaScRiPt:alert(1)""#,
        r#""java\tscript:alert(1)""#,
        r#""java\nscript:alert(1)""#,
        r#""vbscript:msgbox(1)""#,
        r#""&#106;avascript:alert(1)""#,
        "javascript:alert(1)",
    ] {
        let site = good_site(CONFIG);
        let run = site.fails_unchanged(&[("content/topics/x.md", &entry_with_source_url(value))]);
        let scheme = if value.contains("data:") {
            "data"
        } else if value.contains("vbscript") {
            "vbscript"
        } else {
            "javascript"
        };
        run.assert_reports(&format!(
            "error: content/topics/x.md:5:10: `sources[0].url`: `{scheme}:` URLs are not allowed"
        ));
    }
}

#[test]
fn web_addresses_and_site_paths_are_sources_urls() {
    let site = good_site(CONFIG);
    let text = [
        "---\ntitle: X\nsources:",
        "  - title: A\n    url: https://e.org/a",
        "  - title: B\n    url: \" HTTP://E.ORG/b \"",
        "  - title: C\n    url: /places/baku/",
        "  - title: D\n    url: mailto:desk@e.org",
        "  - title: E\n    url: notes/e.pdf",
        "---\nText.\n",
    ]
    .join("\n");
    site.write("content/topics/x.md", &text);
    let run = site.build();
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{}", run.stderr);
    for page in ["topics/x/index.html", "sources/index.html"] {
        let hrefs = links(&site.output(page));
        for url in [
            "https://e.org/a",
            "HTTP://E.ORG/b",
            "/places/baku/",
            "mailto:desk@e.org",
            "notes/e.pdf",
        ] {
            assert!(hrefs.iter().any(|h| h == url), "{url} on {page}: {hrefs:?}");
        }
    }
}

/// Each of these lines of Markdown links to a script URL.
const SCRIPT_LINKS: &[&str] = &[
    "[a](javascript:alert(1))",
    "[b](JaVaScRiPt:alert(2))",
    "[c](java%09script:alert(3))",
    "[d](<java\tscript:alert(4)>)",
    "<javascript:alert(5)>",
    "![e](javascript:alert(6))",
    "[f](&#106;avascript:alert(7))",
    "[g](data:text/html,x)",
];

fn script_links_entry() -> String {
    let mut text = String::from("---\ntitle: X\n---\n");
    for line in SCRIPT_LINKS {
        text.push_str(line);
        text.push_str("\n\n");
    }
    text.push_str("[fine](https://e.org/) ![pic](data:image/png;base64,AAAA)\n");
    text
}

/// The warnings about script URLs: one per line of [`SCRIPT_LINKS`], at its line.
#[track_caller]
fn assert_warned_at_each_line(run: &Run) {
    for (i, line) in SCRIPT_LINKS.iter().enumerate() {
        let what = if line.starts_with('!') {
            "image"
        } else {
            "link"
        };
        run.assert_reports(&format!(
            "warning: content/topics/x.md:{}:1: {what} with a script URL",
            4 + 2 * i
        ));
    }
    let warnings = run
        .headlines()
        .iter()
        .filter(|h| h.contains("script URL"))
        .count();
    assert_eq!(warnings, SCRIPT_LINKS.len(), "{}", run.stderr);
}

fn is_script(url: &str) -> bool {
    let plain: String = url
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text", "&#106;", "java%09"]
        .iter()
        .any(|s| plain.contains(s))
}

#[test]
fn markdown_script_urls_are_left_out_in_escape_mode_with_a_warning() {
    let site = good_site(&format!("{CONFIG}markdown:\n  raw_html: escape\n"));
    site.write("content/topics/x.md", &script_links_entry());
    let run = site.build();
    run.assert_ok();
    assert_warned_at_each_line(&run);
    let html = site.output("topics/x/index.html");
    let urls = links(&html);
    let live: Vec<&String> = urls.iter().filter(|u| is_script(u)).collect();
    assert!(live.is_empty(), "live script URLs: {live:?}");
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    for text in ["<p>a</p>", "<p>b</p>", "alt=\"e\""] {
        assert!(html.contains(text), "the text stays: {text}");
    }
    assert!(urls.iter().any(|u| u == "https://e.org/"));
    assert!(urls.iter().any(|u| u == "data:image/png;base64,AAAA"));
}

#[test]
fn markdown_script_urls_are_warned_about_in_keep_mode() {
    let site = good_site(&format!("{CONFIG}markdown:\n  raw_html: keep\n"));
    site.write("content/topics/x.md", &script_links_entry());
    let run = site.build();
    run.assert_ok();
    assert_warned_at_each_line(&run);
    assert!(
        links(&site.output("topics/x/index.html"))
            .iter()
            .any(|u| u == "javascript:alert(1)"),
        "raw_html: keep keeps what was written"
    );
    site.run(&["build", "--strict"]).assert_code(1);
}

/// Builds five times, each failing the same way, and returns the reports.
#[track_caller]
fn same_errors_every_time(site: &TestSite, files: &[(&str, &str)]) -> Vec<String> {
    let first = site.fails_unchanged(files);
    let reports: Vec<String> = first.headlines().iter().map(|h| h.to_string()).collect();
    for _ in 0..4 {
        let again = site.fails_unchanged(&[]);
        assert_eq!(again.headlines(), reports, "the same errors in every build");
    }
    reports
}

#[track_caller]
fn assert_has(reports: &[String], expected: &str) {
    assert!(
        reports.iter().any(|r| r == expected),
        "no report {expected:?} in {reports:#?}"
    );
}

#[test]
fn a_section_folder_cannot_take_a_page_of_dossier() {
    // `content/tags/` is not a section: its files describe tags (tests/redirects_and_names.rs).
    for (folder, page) in [
        ("sources", "the list of sources"),
        ("timeline", "the timeline"),
        ("search", "the search page"),
        ("graph", "the graph of tags"),
    ] {
        let site = good_site(CONFIG);
        let reports = same_errors_every_time(
            &site,
            &[(
                &format!("content/{folder}/x.md"),
                "---\ntitle: In a folder\n---\nx\n",
            )],
        );
        assert_has(
            &reports,
            &format!(
                "error: content/{folder}/: two pages have the URL /{folder}/: {page} and the section content/{folder}/"
            ),
        );
    }
}

#[test]
fn an_index_file_in_the_tags_folder_is_not_shown() {
    let site = good_site(CONFIG);
    site.write(
        "content/tags/_index.md",
        "---\ntitle: Not the tags\n---\nx\n",
    );
    let run = site.build();
    run.assert_ok().assert_reports(
        "warning: content/tags/_index.md: the tag index is Dossier's own page: this file is not shown",
    );
    assert!(!site.output("tags/index.html").contains("Not the tags"));
}

#[test]
fn an_entry_cannot_take_the_page_of_a_tag() {
    let site = good_site(CONFIG);
    let reports = same_errors_every_time(
        &site,
        &[(
            "content/r.md",
            "---\ntitle: R\npermalink: /tags/city/\n---\nx\n",
        )],
    );
    assert_eq!(
        reports,
        [
            "error: content/r.md:3:1: two pages have the URL /tags/city/: the tag page of `City` and the entry content/r.md",
        ]
    );
}

#[test]
fn an_entry_slug_cannot_take_a_kind_page() {
    let site = good_site(CONFIG);
    let reports = same_errors_every_time(
        &site,
        &[("content/r.md", "---\ntitle: R\nslug: people\n---\nx\n")],
    );
    assert_eq!(
        reports,
        [
            "error: content/r.md:3:1: two pages have the URL /people/: the kind page of people and the entry content/r.md"
        ]
    );
}

#[test]
fn an_entry_slug_cannot_take_a_section_page() {
    let site = good_site(CONFIG);
    let reports = same_errors_every_time(
        &site,
        &[
            ("content/notes/a.md", "---\ntitle: A\n---\nx\n"),
            ("content/r.md", "---\ntitle: R\nslug: notes\n---\nx\n"),
        ],
    );
    assert_eq!(
        reports,
        [
            "error: content/r.md:3:1: two pages have the URL /notes/: the section content/notes/ and the entry content/r.md"
        ]
    );
}

#[test]
fn a_section_folder_cannot_take_a_later_page_of_a_list() {
    let site = good_site(&format!("{CONFIG}paginate_by: 1\n"));
    site.write("content/places/guba.md", "---\ntitle: Guba\n---\nx\n");
    site.build().assert_ok();
    let reports = same_errors_every_time(
        &site,
        &[("content/places/page/2/x.md", "---\ntitle: X\n---\nx\n")],
    );
    assert_has(
        &reports,
        "error: content/places/page/2/: the URL /places/page/2/ is one Dossier writes itself",
    );
}

#[test]
fn a_clash_while_serving_is_an_error_and_the_last_good_site_stays() {
    let site = good_site(CONFIG);
    let server = Server::start(site.root());
    let (status, _, tags) = server.get("/tags/");
    assert_eq!(status, 200);
    assert!(tags.contains("City"), "{tags}");

    site.write(
        "content/r.md",
        "---\ntitle: Not the tags\nslug: tags\n---\nx\n",
    );
    server.wait_for(
        "error: content/r.md:3:1: two pages have the URL /tags/: the tag index and the entry content/r.md",
    );
    let (_, _, after) = server.get("/tags/");
    assert!(!after.contains("Not the tags"), "{after}");
    assert!(after.contains("City"), "the last good site is served");
}

#[test]
fn a_static_file_cannot_take_the_feed_of_a_tag() {
    let site = good_site(CONFIG);
    let reports = same_errors_every_time(
        &site,
        &[("static/tags/city/atom.xml", "<feed>not the tag's</feed>")],
    );
    assert_eq!(
        reports,
        [
            "error: static/tags/city/atom.xml: `tags/city/atom.xml` is a page Dossier writes; the file would replace it"
        ]
    );
}

#[test]
fn a_kind_cannot_take_a_page_of_dossier() {
    let site = good_site(&format!(
        "{CONFIG}kinds:\n  - {{name: label, plural: tags}}\n"
    ));
    let reports = same_errors_every_time(
        &site,
        &[("content/l.md", "---\ntitle: L\nkind: label\n---\nx\n")],
    );
    assert_eq!(
        reports,
        [
            "error: site.yaml: two pages have the URL /tags/: the tag index and the kind page of tags"
        ]
    );
}
