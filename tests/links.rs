//! Every kind of broken link is an error at the link's line and column, and every one of
//! a run is reported.

mod common;

use common::TestSite;

const TARGETS: &[(&str, &str)] = &[
    (
        "content/places/road.md",
        "---\ntitle: Road\naliases: [Lachin road]\n---\n## History\n\nOld.\n",
    ),
    ("content/places/baku.md", "---\ntitle: Baku\n---\nA city.\n"),
    (
        "content/places/baku-bay.md",
        "---\ntitle: Baku Bay\naliases: [Baku]\n---\nA bay.\n",
    ),
];

/// A site with the targets and one more entry, `content/a.md`, with `body`.
#[track_caller]
fn fails_with(body: &str, expected: &str) -> common::Run {
    let mut files = TARGETS.to_vec();
    let text = format!("---\ntitle: A\n---\n{body}");
    files.push(("content/a.md", &text));
    let site = TestSite::with_files(&files);
    let run = site.build();
    run.assert_code(1).assert_reports(expected);
    run
}

#[test]
fn a_wikilink_to_nothing() {
    let run = fails_with(
        "Text.\n\nSee [[Rood]].\n",
        "error: content/a.md:6:5: wikilink `[[Rood]]`: no entry has this title, alias or slug",
    );
    assert!(
        run.stderr.contains("did you mean `Road`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_markdown_link_to_a_missing_file() {
    fails_with(
        "[the road](places/raod.md)\n",
        "error: content/a.md:4:1: link `places/raod.md`: there is no entry `content/places/raod.md`",
    );
}

#[test]
fn an_ambiguous_wikilink_lists_the_candidates() {
    fails_with(
        "Both: [[baku]].\n",
        "error: content/a.md:4:7: wikilink `[[baku]]` is ambiguous: it could mean content/places/baku-bay.md, content/places/baku.md",
    );
}

#[test]
fn a_link_to_a_missing_heading_of_another_entry() {
    fails_with(
        "x\n\n[road](places/road.md#histroy)\n",
        "error: content/a.md:6:1: `content/places/road.md` has no heading with the id `#histroy`",
    );
    let run = fails_with(
        "[[Lachin road#Future]]\n",
        "error: content/a.md:4:1: `content/places/road.md` has no heading with the id `#future`",
    );
    assert!(
        !run.stderr.contains("did you mean"),
        "nothing close to suggest"
    );
}

#[test]
fn a_missing_anchor_on_the_same_page() {
    let run = fails_with(
        "## Intro\n\n[up](#intr)\n",
        "error: content/a.md:6:1: no heading on this page has the id `#intr`",
    );
    assert!(
        run.stderr.contains("did you mean `intro`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_path_to_no_page() {
    fails_with(
        "[tags](/tags/roads/)\n",
        "error: content/a.md:4:1: link to `/tags/roads/`: the site has no such page",
    );
}

#[test]
fn a_link_out_of_the_content_folder() {
    fails_with(
        "[x](../../etc/passwd.md)\n",
        "error: content/a.md:4:1: link `../../etc/passwd.md` points outside `content/`",
    );
}

#[test]
fn a_speaker_written_as_a_wikilink_must_resolve() {
    let mut files = TARGETS.to_vec();
    files.push((
        "content/s.md",
        "---\ntitle: S\nkind: statement\ndate: 2023-02-28\nspeaker: \"[[Nobody]]\"\n---\n",
    ));
    let site = TestSite::with_files(&files);
    site.build()
        .assert_code(1)
        .assert_reports("error: content/s.md:5:1: speaker `[[Nobody]]`: no entry");
}

#[test]
fn links_in_section_texts_are_checked_too() {
    let mut files = TARGETS.to_vec();
    files.push((
        "content/places/_index.md",
        "---\ntitle: Places\n---\nStart at [[Nowhere]].\n",
    ));
    let site = TestSite::with_files(&files);
    site.build()
        .assert_code(1)
        .assert_reports("error: content/places/_index.md:4:10: wikilink `[[Nowhere]]`");
}

#[test]
fn every_broken_link_of_a_run_is_reported() {
    let run = fails_with(
        "[[Rood]] and [x](nope.md)\n\n[[baku]]\n\n[y](#nowhere)\n",
        "error: content/a.md:4:1:",
    );
    let errors: Vec<&str> = run
        .headlines()
        .into_iter()
        .filter(|h| h.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 4, "{}", run.stderr);
    assert!(
        errors[1].starts_with("error: content/a.md:4:14:"),
        "{errors:?}"
    );
    assert!(
        errors[2].starts_with("error: content/a.md:6:1:"),
        "{errors:?}"
    );
    assert!(
        errors[3].starts_with("error: content/a.md:8:1:"),
        "{errors:?}"
    );
}

#[test]
fn external_links_are_left_alone() {
    let mut files = TARGETS.to_vec();
    files.push((
        "content/a.md",
        "---\ntitle: A\n---\n[e](https://example.com/x.md) [m](mailto:a@b.c) ![i](//cdn.example.com/i.png)\n",
    ));
    let site = TestSite::with_files(&files);
    site.build().assert_ok();
    let html = site.output("a/index.html");
    assert!(html.contains("href=\"https://example.com/x.md\""));
    assert!(html.contains("href=\"mailto:a@b.c\""));
    assert!(html.contains("src=\"//cdn.example.com/i.png\""));
}

/// A site with the targets, files beside them and in `static/`, and `content/places/a.md`
/// with `body` (its text starts on line 4).
#[track_caller]
fn files_site(body: &str) -> (TestSite, common::Run) {
    let mut files = TARGETS.to_vec();
    let text = format!("---\ntitle: A\n---\n{body}");
    files.push(("content/places/a.md", &text));
    files.push(("content/places/map.png", "png"));
    files.push(("content/places/scans/report.pdf", "pdf"));
    files.push(("static/images/flag.png", "png"));
    let site = TestSite::with_files(&files);
    let run = site.build();
    (site, run)
}

/// The help line under the report that starts with `prefix`.
#[track_caller]
fn help_of<'r>(run: &'r common::Run, prefix: &str) -> &'r str {
    let mut lines = run.stderr.lines().skip_while(|l| !l.starts_with(prefix));
    assert!(lines.next().is_some(), "no {prefix:?}:\n{}", run.stderr);
    lines
        .take_while(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
        .find(|l| l.contains("did you mean"))
        .unwrap_or("")
}

#[test]
fn a_missing_image_beside_the_entry_is_an_error_with_the_nearest_file() {
    let (_, run) = files_site("Text.\n\n![A map](mpa.png)\n");
    run.assert_code(1).assert_reports(
        "error: content/places/a.md:6:1: image `mpa.png`: there is no file `content/places/mpa.png`",
    );
    assert!(
        help_of(&run, "error: content/places/a.md:6:1:").contains("did you mean `map.png`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_kind_of_local_link_to_nothing_is_an_error_at_its_place() {
    let body = "[a](nothere/) [b](../foo) [c](report.pdf)\n\
                [d](/a/missing.pdf) [e](/images/flg.png)\n\
                [f](scans/) [g](../places/#nope) [h](/#nope)\n";
    let (_, run) = files_site(body);
    run.assert_code(1);
    let expected = [
        "error: content/places/a.md:4:1: link `nothere/`: there is no folder `content/places/nothere/`",
        "error: content/places/a.md:4:15: link `../foo`: there is no file `content/foo`",
        "error: content/places/a.md:4:27: link `report.pdf`: there is no file `content/places/report.pdf`",
        "error: content/places/a.md:5:1: link to `/a/missing.pdf`: there is no file `a/missing.pdf` in `content/` or `static/`",
        "error: content/places/a.md:5:21: link to `/images/flg.png`: there is no file",
        "error: content/places/a.md:6:13: the page `/places/` has no heading with the id `#nope`",
        "error: content/places/a.md:6:34: the page `/` has no heading with the id `#nope`",
    ];
    for prefix in expected {
        run.assert_reports(prefix);
    }
    let errors = run
        .headlines()
        .into_iter()
        .filter(|h| h.starts_with("error:"))
        .count();
    // `scans/` is a folder: its section's page.
    assert_eq!(errors, expected.len(), "{}", run.stderr);
    assert!(
        help_of(&run, "error: content/places/a.md:4:27:")
            .contains("did you mean `scans/report.pdf`?"),
        "{}",
        run.stderr
    );
    assert!(
        help_of(&run, "error: content/places/a.md:5:21:")
            .contains("did you mean `/images/flag.png`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn anchors_on_section_and_home_pages_are_checked() {
    let mut files = TARGETS.to_vec();
    files.push((
        "content/_index.md",
        "---\ntitle: Home\n---\n## Welcome\n\n[p](places/_index.md#overveiw) [h](#welcome)\n",
    ));
    files.push((
        "content/places/_index.md",
        "---\ntitle: Places\n---\n## Overview\n\n[home](/#welcom) [ok](../_index.md#welcome)\n",
    ));
    let site = TestSite::with_files(&files);
    let run = site.build();
    run.assert_code(1)
        .assert_reports(
            "error: content/_index.md:6:1: `content/places/_index.md` has no heading with the id `#overveiw`",
        )
        .assert_reports(
            "error: content/places/_index.md:6:1: `content/_index.md` has no heading with the id `#welcom`",
        );
    assert!(
        help_of(&run, "error: content/places/_index.md:6:1:").contains("did you mean `welcome`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.headlines()
            .iter()
            .filter(|h| h.starts_with("error:"))
            .count(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_image_in_raw_html_is_an_error_at_its_src() {
    let (_, run) = files_site(
        "Text <img alt=\"x\" src=\"mapp.png\"> here.\n\n<div>\n<img\n  src=\"gone.png\">\n</div>\n",
    );
    run.assert_code(1)
        .assert_reports(
            "error: content/places/a.md:4:24: image `mapp.png`: there is no file `content/places/mapp.png`",
        )
        .assert_reports("error: content/places/a.md:8:8: image `gone.png`: there is no file");
}

#[test]
fn a_missing_front_matter_image_is_an_error_at_its_src() {
    let mut files = TARGETS.to_vec();
    files.push(("content/places/map.png", "png"));
    files.push((
        "content/places/b.md",
        "---\ntitle: B\nimage:\n  alt: The road\n  src: ma.png\n---\n",
    ));
    files.push((
        "content/places/c.md",
        "---\ntitle: C\nimage: /nowhere/x.png\n---\n",
    ));
    let site = TestSite::with_files(&files);
    let run = site.build();
    run.assert_code(1)
        .assert_reports(
            "error: content/places/b.md:5:8: image `ma.png`: there is no file `content/places/ma.png`",
        )
        .assert_reports(
            "error: content/places/c.md:3:8: image `/nowhere/x.png`: there is no file `nowhere/x.png` in `content/` or `static/`",
        )
        .assert_reports("warning: content/places/c.md:3:1: the image has no `alt` text");
    assert!(
        help_of(&run, "error: content/places/b.md:5:8:").contains("did you mean `map.png`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_email_autolink_is_a_mailto_link_not_a_file() {
    let site = TestSite::with_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\nWrite to <editor@example.org>.\n",
    )]);
    site.build().assert_ok();
    assert!(
        site.output("a/index.html")
            .contains("href=\"mailto:editor@example.org\""),
        "{}",
        site.output("a/index.html")
    );
}
