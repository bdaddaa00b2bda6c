//! Typed relations between entries (`relations:` in front matter): checked at their
//! fields, and shown at both ends, the other end under the type's inverse label.

mod common;

use common::TestSite;

const MINISTRY: (&str, &str) = (
    "content/organizations/foreign-ministry.md",
    "---\ntitle: Foreign Ministry\n---\nA ministry.\n",
);
const BAKU: (&str, &str) = ("content/places/baku.md", "---\ntitle: Baku\n---\nA city.\n");

fn person(relations: &str) -> (&'static str, String) {
    (
        "content/people/jane.md",
        format!(
            "---\ntitle: Jane Doe\nsources:\n  - {{id: bio, title: Official biography, url: \"https://example.org/bio\"}}\n  - {{id: cv, title: A CV}}\nrelations:\n{relations}---\nJane.\n"
        ),
    )
}

fn site(relations: &str) -> TestSite {
    let (rel, text) = person(relations);
    TestSite::with_files(&[MINISTRY, BAKU, (rel, &text)])
}

/// The `Relations` section of a page, as text without tags.
fn relations_section(html: &str) -> String {
    let start = html
        .find(r#"<section id="entity-relations""#)
        .unwrap_or_else(|| panic!("no relations section in\n{html}"));
    let end = start + html[start..].find("</section>").unwrap();
    html[start..end].to_string()
}

/// Builds a site that must fail, and checks that no output was written.
#[track_caller]
fn fails(site: &TestSite) -> common::Run {
    let run = site.build();
    run.assert_code(1);
    assert!(
        !site.path("public").exists(),
        "a failed build wrote its output"
    );
    run
}

#[test]
fn a_relation_shows_on_both_pages_with_its_dates_and_sources() {
    let site = site(
        "  - {type: member_of, to: \"[[Foreign Ministry]]\", from: 2004-03, sources: [cv]}\n  - type: located_in\n    to: Baku\n    from: 2001\n    until: 2003-06\n",
    );
    site.build().assert_ok();
    let own = relations_section(&site.output("people/jane/index.html"));
    assert!(own.contains("<dt>Member of</dt>"), "{own}");
    assert!(
        own.contains(r##"<a href="/organizations/foreign-ministry/">Foreign Ministry</a> <span class="dates">(since March 2004)</span> <a class="source-ref" href="#source-2" aria-label="source 2">[2]</a>"##),
        "{own}"
    );
    assert!(own.contains("<dt>Located in</dt>"), "{own}");
    assert!(own.contains("(2001–June 2003)"), "{own}");
    // The number leads to the source on the page that lists it.
    let page = site.output("people/jane/index.html");
    assert!(page.contains(r#"<li id="source-2">"#), "{page}");

    let other = relations_section(&site.output("organizations/foreign-ministry/index.html"));
    assert!(other.contains("<dt>Members</dt>"), "{other}");
    assert!(
        other.contains(r##"<a href="/people/jane/">Jane Doe</a> <span class="dates">(since March 2004)</span> <a class="source-ref" href="/people/jane/#source-2""##),
        "{other}"
    );
    let place = relations_section(&site.output("places/baku/index.html"));
    assert!(place.contains("<dt>Located here</dt>"), "{place}");
}

#[test]
fn an_entry_without_relations_has_no_relations_section() {
    let site = site("  - {type: member_of, to: \"[[Foreign Ministry]]\"}\n");
    site.build().assert_ok();
    assert!(
        !site
            .output("places/baku/index.html")
            .contains("entity-relations")
    );
}

#[test]
fn each_mistake_is_an_error_at_its_field() {
    let site = site(
        "  - {type: membr_of, to: \"[[Foreign Ministry]]\"}\n  - type: member_of\n    to: Foreign Ministry\n    from: 2020\n    until: 2019\n  - {type: member_of, to: Foreign Ministry, sources: [bio, press]}\n",
    );
    let run = fails(&site);
    // Lines: 1 ---, 2 title, 3 sources:, 4-5 the sources, 6 relations:, 7 the first item.
    run.assert_reports(
        "error: content/people/jane.md:7:12: `relations[0]`: there is no relation type `membr_of`",
    );
    assert!(
        run.stderr.contains("did you mean `member_of`?"),
        "{}",
        run.stderr
    );
    run.assert_reports(
        "error: content/people/jane.md:11:12: `relations[1]`: it ends (2019) before it starts (2020)",
    );
    run.assert_reports(
        "error: content/people/jane.md:12:60: `relations[2]`: the entry has no source with the id `press`",
    );
}

#[test]
fn a_target_that_names_no_entry_or_several_is_an_error() {
    let site = site("  - {type: member_of, to: \"[[Foreign Minstry]]\"}\n");
    let run = fails(&site);
    run.assert_reports(
        "error: content/people/jane.md:7:28: relation to `Foreign Minstry`: no entry has this title, alias or slug",
    );
    assert!(
        run.stderr.contains("did you mean `Foreign Ministry`?"),
        "{}",
        run.stderr
    );

    let site = TestSite::with_files(&[
        MINISTRY,
        (
            "content/places/a/ministry.md",
            "---\ntitle: Ministry\n---\nx\n",
        ),
        (
            "content/places/b/ministry.md",
            "---\ntitle: Ministry\n---\ny\n",
        ),
        (
            "content/people/jane.md",
            "---\ntitle: Jane Doe\nrelations:\n  - {type: member_of, to: Ministry}\n---\nJane.\n",
        ),
    ]);
    fails(&site).assert_reports(
        "error: content/people/jane.md:4:27: relation to `Ministry` is ambiguous: it could mean content/places/a/ministry.md, content/places/b/ministry.md",
    );
}

#[test]
fn an_end_of_another_kind_is_a_warning() {
    let site = site("  - {type: member_of, to: \"[[Baku]]\"}\n");
    let run = site.build();
    run.assert_ok().assert_reports(
        "warning: content/people/jane.md:7:28: `member_of` points at entries of the kinds organization; `Baku` is a place",
    );
    // Still shown: the warning says what to look at, it does not drop the relation.
    assert!(relations_section(&site.output("places/baku/index.html")).contains("<dt>Members</dt>"));
}

#[test]
fn site_yaml_adds_a_type_of_relation() {
    let site = site("  - {type: adviser_of, to: \"[[Foreign Ministry]]\"}\n");
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nrelations:\n  adviser_of: {label: Adviser to, inverse: Advisers, from_kinds: [person], to_kinds: [organization]}\n",
    );
    site.build().assert_ok();
    assert!(
        relations_section(&site.output("people/jane/index.html")).contains("<dt>Adviser to</dt>")
    );
    assert!(
        relations_section(&site.output("organizations/foreign-ministry/index.html"))
            .contains("<dt>Advisers</dt>")
    );

    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nrelations:\n  adviser_of: {label: Adviser to, inverse: Advisers, from_kinds: [persn]}\n",
    );
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "relation type `adviser_of`: there is no kind `persn` (did you mean `person`?)"
        ),
        "{}",
        run.stderr
    );
}
