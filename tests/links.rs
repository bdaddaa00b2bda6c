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
        "---\ntitle: A\n---\n[e](https://example.com/x.md) [m](mailto:a@b.c) [f](file.pdf)\n",
    ));
    let site = TestSite::with_files(&files);
    site.build().assert_ok();
    let html = site.output("a/index.html");
    assert!(html.contains("href=\"https://example.com/x.md\""));
    assert!(html.contains("href=\"mailto:a@b.c\""));
    assert!(html.contains("href=\"file.pdf\""));
}
