//! Obsidian-flavoured Markdown: callouts, GitHub alerts, comments, highlights, block ids
//! and the links to them, wikilinks in tables, and math as MathML.

mod common;

use common::TestSite;

fn built() -> TestSite {
    let site = TestSite::fixture("obsidian");
    site.build().assert_ok();
    site
}

/// The part of `html` from the element that opens with `start` to the end of the element
/// `end` closes first after it.
fn element<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} after {start}"));
    &html[from..from + to + end.len()]
}

#[test]
fn callouts_have_their_type_title_and_markdown() {
    let site = built();
    let html = site.output("callouts/index.html");
    let note = element(
        &html,
        "<div class=\"callout callout-note\" data-callout=\"note\">",
        "</div>\n</div>",
    );
    assert!(
        note.contains("<div class=\"callout-title\">A <em>titled</em> note</div>"),
        "{note}"
    );
    assert!(
        note.contains(
            "<div class=\"callout-content\">\n<p>Its text, with a <a href=\"/marks/\">link</a>.</p>"
        ),
        "{note}"
    );
    assert!(!html.contains("[!"), "{html}");
    // No title: the type, as written.
    assert!(
        html.contains("<div class=\"callout callout-abstract\" data-callout=\"tldr\">\n<div class=\"callout-title\">Tldr</div>"),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"callout callout-note\" data-callout=\"custom-type\">\n<div class=\"callout-title\">Unknown types are notes</div>"),
        "{html}"
    );
}

#[test]
fn foldable_callouts_are_details_open_for_plus() {
    let site = built();
    let html = site.output("callouts/index.html");
    let closed = element(
        &html,
        "<details class=\"callout callout-warning\"",
        "</details>",
    );
    assert!(
        closed.starts_with("<details class=\"callout callout-warning\" data-callout=\"warning\">\n<summary class=\"callout-title\">Folded <strong>shut</strong></summary>"),
        "{closed}"
    );
    assert!(closed.contains("<p>Hidden until opened.</p>"), "{closed}");
    let open = element(
        &html,
        "<details class=\"callout callout-question\"",
        "</details>",
    );
    assert!(
        open.starts_with("<details class=\"callout callout-question\" data-callout=\"faq\" open>\n<summary class=\"callout-title\">Open fold</summary>"),
        "{open}"
    );
    // The nested callout is inside the open one, with its list.
    let nested = element(open, "<div class=\"callout callout-bug\"", "</ul>");
    assert!(
        nested.contains("<div class=\"callout-title\">Nested</div>"),
        "{nested}"
    );
    assert!(
        nested.contains("<li>and <code>code</code></li>"),
        "{nested}"
    );
}

#[test]
fn github_alerts_are_styled_as_callouts_and_plain_quotes_stay() {
    let site = built();
    let html = site.output("callouts/index.html");
    assert!(
        html.contains("<div class=\"callout callout-note\" data-callout=\"note\">\n<div class=\"callout-title\">Note</div>\n<div class=\"callout-content\">\n<p>A GitHub alert.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"callout callout-tip\" data-callout=\"important\">\n<div class=\"callout-title\">Important</div>"),
        "{html}"
    );
    assert!(
        html.contains("<blockquote>\n<p>A plain quote stays a quote.</p>\n</blockquote>"),
        "{html}"
    );
}

#[test]
fn every_type_and_alias_is_drawn_as_its_type() {
    let site = built();
    let html = site.output("types/index.html");
    for (written, kind) in [
        ("note", "note"),
        ("abstract", "abstract"),
        ("summary", "abstract"),
        ("tldr", "abstract"),
        ("info", "info"),
        ("todo", "todo"),
        ("tip", "tip"),
        ("hint", "tip"),
        ("important", "tip"),
        ("success", "success"),
        ("check", "success"),
        ("done", "success"),
        ("question", "question"),
        ("help", "question"),
        ("faq", "question"),
        ("warning", "warning"),
        ("caution", "warning"),
        ("attention", "warning"),
        ("failure", "failure"),
        ("fail", "failure"),
        ("missing", "failure"),
        ("danger", "danger"),
        ("error", "danger"),
        ("bug", "bug"),
        ("example", "example"),
        ("quote", "quote"),
        ("cite", "quote"),
    ] {
        let open = format!(
            "<div class=\"callout callout-{kind}\" data-callout=\"{written}\">\n<div class=\"callout-title\">Title of {written}</div>"
        );
        assert!(html.contains(&open), "{written}: {html}");
    }
    // Every type has its colour in the theme.
    let css = site.output("style.css");
    for kind in [
        "abstract", "info", "todo", "tip", "success", "question", "warning", "failure", "danger",
        "bug", "example", "quote",
    ] {
        assert!(css.contains(&format!(".callout-{kind}")), "{kind}");
    }
}

#[test]
fn comments_are_never_published() {
    let site = built();
    let html = site.output("marks/index.html");
    assert!(html.contains("<p>A secret line.</p>"), "{html}");
    for secret in ["never published", "SECRET-BLOCK", "whole block comment"] {
        assert!(!html.contains(secret), "{secret}: {html}");
        for (path, bytes) in site.output_files() {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(secret), "{secret} in {path}");
        }
    }
    // In code, `%%` is text.
    assert!(html.contains("%% a code comment stays %%"), "{html}");
}

#[test]
fn highlights_are_marks_outside_code() {
    let site = built();
    let html = site.output("marks/index.html");
    assert!(
        html.contains("Some <mark>highlighted <em>words</em></mark> here, and x == y stays, and <code>==code==</code> too."),
        "{html}"
    );
    assert!(html.contains("==and so does this=="), "{html}");
    assert!(html.contains("A <mark>marked</mark> heading"), "{html}");
    // The search index holds the words, not the marks.
    let index = site.output("search-index.js");
    assert!(index.contains("Some highlighted words here"), "{index}");
}

#[test]
fn math_is_mathml_without_script() {
    let site = built();
    let html = site.output("marks/index.html");
    assert!(html.contains("Inline math <math>"), "{html}");
    assert!(html.contains("<math display=\"block\">"), "{html}");
    assert!(
        html.contains("<mfrac><mn>1</mn><mn>3</mn></mfrac>"),
        "{html}"
    );
    assert!(!html.contains("$$"), "{html}");
    assert!(!html.contains("katex"), "{html}");
}

#[test]
fn block_ids_are_ids_and_links_to_them_resolve() {
    let site = built();
    let blocks = site.output("blocks/index.html");
    assert!(
        blocks.contains("<p id=\"^para-one\">A paragraph with an id.</p>"),
        "{blocks}"
    );
    assert!(
        blocks.contains("<li id=\"^item-one\">an item with one</li>"),
        "{blocks}"
    );
    assert!(!blocks.contains(" ^"), "{blocks}");
    let links = site.output("links/index.html");
    assert!(
        links.contains("<a href=\"/blocks/#%5Epara-one\">"),
        "{links}"
    );
    assert!(
        links.contains("<a href=\"/blocks/#%5Eitem-one\">the item</a>"),
        "{links}"
    );
    // A heading under another lands on the last.
    assert!(links.contains("<a href=\"/blocks/#summary\">"), "{links}");
    assert!(links.contains("<a href=\"#%5Elocal\">"), "{links}");
    assert!(
        links.contains("<p id=\"^local\">This one is here.</p>"),
        "{links}"
    );
}

#[test]
fn a_wikilink_with_an_escaped_pipe_in_a_table_resolves() {
    let site = built();
    let links = site.output("links/index.html");
    assert!(
        links.contains("<td><a href=\"/blocks/\">the blocks</a></td>"),
        "{links}"
    );
}

const TARGET: (&str, &str) = (
    "content/target.md",
    "---\ntitle: Target\n---\nA block. ^here\n\n## 2023\n\n### Notes\n\n## 2024\n\n### Notes\n\n### Only\n",
);

#[track_caller]
fn fails_with(body: &str, expected: &str) -> common::Run {
    let text = format!("---\ntitle: A\n---\n{body}");
    let site = TestSite::with_files(&[TARGET, ("content/a.md", &text)]);
    let run = site.build();
    run.assert_code(1).assert_reports(expected);
    run
}

#[test]
fn an_unknown_block_id_is_an_error_at_the_link() {
    let run = fails_with(
        "Text.\n\nSee [[Target#^hier]].\n",
        "error: content/a.md:6:5: `content/target.md` has no block with the id `^hier`",
    );
    assert!(
        run.stderr.contains("did you mean `^here`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_block_id_on_the_same_page_is_an_error() {
    fails_with(
        "Mine. ^mine\n\n[[#^nope]]\n",
        "error: content/a.md:6:1: this page has no block with the id `^nope`",
    );
}

#[test]
fn a_heading_not_under_the_other_is_an_error() {
    fails_with(
        "[[Target#2023#Only]]\n",
        "error: content/a.md:4:1: `content/target.md` has no heading `#only` under the heading `#2023`",
    );
}

#[test]
fn a_nested_heading_whose_title_repeats_is_an_error_naming_its_id() {
    let run = fails_with(
        "[[Target#2024#Notes]]\n",
        "error: content/a.md:4:1: the heading `#notes` that this link means in `content/target.md` has the id `#notes-1`",
    );
    assert!(run.stderr.contains("link to `#notes-1`"), "{}", run.stderr);
}

#[test]
fn a_block_id_used_twice_is_an_error() {
    fails_with(
        "One. ^same\n\nTwo. ^same\n",
        "error: content/a.md:6:6: the block id `^same` is used twice on this page",
    );
}

#[test]
fn bad_latex_is_a_warning_at_its_place_and_shown_as_written() {
    let site = TestSite::with_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\nFine $x^2$, bad $x \\foo y$ here.\n",
    )]);
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stderr
            .contains("warning: content/a.md:4:20: this formula is not LaTeX"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("this formula is not LaTeX"),
        "{}",
        run.stderr
    );
    let html = site.output("a/index.html");
    assert!(
        html.contains("<code class=\"math-error\">$x \\foo y$</code>"),
        "{html}"
    );
    site.run(&["build", "--strict"]).assert_code(1);
}

#[test]
fn an_unclosed_comment_is_a_warning_and_offsets_after_comments_stay_right() {
    let site = TestSite::with_files(&[(
        "content/a.md",
        "---\ntitle: A\n---\nA %%one%% and [[Nowhere]].\n\nLast %% open\n",
    )]);
    let run = site.build();
    run.assert_code(1).assert_reports(
        "error: content/a.md:4:15: wikilink `[[Nowhere]]`: no entry has this title, alias or slug",
    );
    assert!(
        run.stderr
            .contains("warning: content/a.md:6:6: `%%` opens a comment that is never closed"),
        "{}",
        run.stderr
    );
}

#[test]
fn fifty_thousand_highlights_or_comment_marks_in_one_paragraph_build() {
    let marks = format!("---\ntitle: Marks\n---\n{}\n", "==a== ".repeat(50_000));
    let unclosed = format!("---\ntitle: Open\n---\n{}\n", "a ==b ".repeat(50_000));
    let comments = format!(
        "---\ntitle: Comments\n---\nkept {}\n",
        "%%x%% ".repeat(50_000)
    );
    let site = TestSite::with_files(&[
        ("content/marks.md", &marks),
        ("content/open.md", &unclosed),
        ("content/comments.md", &comments),
    ]);
    site.build_guarded().assert_ok();
    let html = site.output("marks/index.html");
    assert_eq!(html.matches("<mark>").count(), 50_000);
    assert_eq!(html.matches("</mark>").count(), 50_000);
    let html = site.output("comments/index.html");
    assert!(html.contains("<p>kept</p>"), "a comment was published");
}

#[test]
fn math_can_be_turned_off_for_prices() {
    let site =
        TestSite::with_files(&[("content/a.md", "---\ntitle: A\n---\nFrom $5-$10 a day.\n")]);
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nmarkdown:\n  math: false\n",
    );
    site.build().assert_ok();
    assert!(
        site.output("a/index.html")
            .contains("<p>From $5-$10 a day.</p>")
    );
}
