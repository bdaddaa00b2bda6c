//! After any sequence of changes, what `dossier serve` holds in memory is byte for byte
//! what a fresh `dossier build` of the same files writes.

mod common;

use std::collections::BTreeMap;

use common::TestSite;
use dossier::serve::project::{Project, Rebuild};
use dossier::serve::watch::{Change, Changes};

const BASE: &str = "http://127.0.0.1:1111/";

fn changes(list: &[Change]) -> Changes {
    let mut c = Changes::default();
    for change in list {
        c.add(change.clone());
    }
    c
}

fn content(rel: &str) -> Change {
    Change::Content(rel.into())
}

/// What a fresh build of the site writes, with the serve base URL.
fn fresh(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let out = site.path("fresh-build");
    let _ = std::fs::remove_dir_all(&out);
    site.run(&[
        "build",
        "--base-url",
        BASE,
        "--output",
        out.to_str().unwrap(),
    ])
    .assert_ok();
    let mut files = common::files_of(&out);
    std::fs::remove_dir_all(&out).unwrap();
    // The marker that says the folder is Dossier's output is not part of the site.
    files.remove(dossier::output::atomic::MARKER);
    files
}

#[track_caller]
fn assert_same(project: &Project, site: &TestSite, step: &str) {
    if let Some(difference) = common::difference(&fresh(site), &common::served(project)) {
        panic!("after {step}: {difference}");
    }
}

#[track_caller]
fn rebuilt(project: &mut Project, list: &[Change]) -> Vec<String> {
    match project.rebuild(&changes(list)) {
        Rebuild::Done { changed, .. } => changed,
        Rebuild::Failed(problems) => panic!("rebuild failed: {problems:?}"),
    }
}

/// The graph fixture, with one item to a list page when `paginated` (every list then has
/// several pages, and edits move entries and sources between them), and seven notes citing
/// one source, so that entry pages link to the page of `/sources/` that lists it.
fn graph_site(paginated: bool) -> TestSite {
    let site = TestSite::fixture("graph");
    if paginated {
        let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
        site.write("site.yaml", &format!("{config}paginate_by: 1\n"));
        for i in 1..=7 {
            site.write(
                &format!("content/notes/note-{i}.md"),
                &format!("---\ntitle: \"Note {i}\"\nkind: person\nsources:\n  - {{title: \"Wide report\", url: \"https://example.net/wide\"}}\n---\nA note.\n"),
            );
        }
    }
    site
}

#[test]
fn a_scripted_sequence_of_edits_matches_a_fresh_build_after_each() {
    scripted_sequence(graph_site(false));
}

#[test]
fn a_scripted_sequence_of_edits_matches_a_fresh_build_with_paginated_lists() {
    let site = graph_site(true);
    let first = fresh(&site);
    assert!(first.contains_key("tags/common/page/2/index.html"));
    let note = String::from_utf8_lossy(&first["notes/note-1/index.html"]).into_owned();
    assert!(
        note.contains("\"/sources/page/"),
        "links to its page of sources"
    );
    scripted_sequence(site);
}

fn scripted_sequence(site: TestSite) {
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // A body edit: the entry, and the pages showing its summary.
    let road = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write(
        "content/places/road.md",
        &road.replace("The road that", "The old road that"),
    );
    let changed = rebuilt(&mut project, &[content("places/road.md")]);
    assert!(
        changed.contains(&"places/road/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"people/boris/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a body edit");

    // A title.
    let road = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write(
        "content/places/road.md",
        &road.replace("title: \"Road\"", "title: \"The Road\""),
    );
    let changed = rebuilt(&mut project, &[content("places/road.md")]);
    assert!(
        changed.contains(&"people/anna/index.html".to_string()),
        "Anna links to it: {changed:?}"
    );
    assert_same(&project, &site, "a title edit");

    // Tags.
    let baku = std::fs::read_to_string(site.path("content/places/baku.md")).unwrap();
    site.write(
        "content/places/baku.md",
        &baku.replace(
            "tags: [\"Common\", \"Medium\"]",
            "tags: [\"Rare\", \"Medium\"]",
        ),
    );
    rebuilt(&mut project, &[content("places/baku.md")]);
    assert_same(&project, &site, "a tag edit");

    // Aliases: a wikilink elsewhere resolves by the alias.
    let anna = std::fs::read_to_string(site.path("content/people/anna.md")).unwrap();
    site.write(
        "content/people/anna.md",
        &anna.replace(
            "aliases: [\"A. Petrova\"]",
            "aliases: [\"A. Petrova\", \"Anya\"]",
        ),
    );
    site.write(
        "content/people/boris.md",
        "---\ntitle: \"Boris\"\nkind: person\ntags: [\"Common\"]\n---\nBoris knows [[Anya]].\n",
    );
    rebuilt(
        &mut project,
        &[content("people/anna.md"), content("people/boris.md")],
    );
    assert_same(&project, &site, "an alias and a link by it");

    // A new entry.
    site.write("content/events/forum.md", "---\ntitle: Forum\nkind: event\ndate: 2024-05-01\ntags: [Medium]\n---\nA forum in [[Baku]].\n");
    rebuilt(&mut project, &[content("events/forum.md")]);
    assert_same(&project, &site, "a new entry");

    // A deletion.
    site.remove("content/statements/unknown-says.md");
    rebuilt(&mut project, &[content("statements/unknown-says.md")]);
    assert_same(&project, &site, "a deletion");

    // A rename (the link to it is by title, so it still resolves).
    std::fs::rename(
        site.path("content/events/forum.md"),
        site.path("content/events/baku-forum.md"),
    )
    .unwrap();
    rebuilt(
        &mut project,
        &[content("events/forum.md"), content("events/baku-forum.md")],
    );
    assert_same(&project, &site, "a rename");

    // A section's text.
    site.write(
        "content/places/_index.md",
        "---\ntitle: Places\n---\nWhere things happen.\n",
    );
    rebuilt(&mut project, &[content("places/_index.md")]);
    assert_same(&project, &site, "a new section text");

    // A template.
    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Lost</h1>{% endblock content %}",
    );
    let changed = rebuilt(&mut project, &[Change::Template("404.html".into())]);
    assert_eq!(changed, ["404.html"]);
    assert_same(&project, &site, "a template edit");

    // CSS.
    site.write("static/style.css", "body { color: teal; }\n");
    match project.rebuild(&changes(&[Change::Static("style.css".into())])) {
        Rebuild::Done { changed, css_only } => {
            assert_eq!(changed, ["style.css"]);
            assert!(css_only);
        }
        other => panic!("{other:?}"),
    }
    assert_same(&project, &site, "a stylesheet");

    // site.yaml.
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &config.replace("Graph fixture", "Graph fixture, renamed"),
    );
    rebuilt(&mut project, &[Change::Config]);
    assert_same(&project, &site, "a site.yaml edit");
}

/// The default theme's footer links to an `editorial-policy/` section when the site has
/// one (its title and URL come from `site.sections`), so adding, renaming or removing it
/// changes every page.
#[test]
fn the_footer_follows_the_editorial_policy_section() {
    let site = graph_site(false);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    let footer = |project: &Project| {
        let page = common::served(project)["places/road/index.html"].clone();
        let page = String::from_utf8(page).unwrap();
        let footer = &page[page.find("site-footer").expect("a footer")..];
        footer[..footer.find("</footer>").unwrap()].to_string()
    };
    assert!(!footer(&project).contains("editorial-policy"));

    site.write(
        "content/editorial-policy/_index.md",
        "---\ntitle: Editorial policy\n---\nHow we work.\n",
    );
    rebuilt(&mut project, &[content("editorial-policy/_index.md")]);
    assert_same(&project, &site, "adding the policy section");
    assert!(
        footer(&project).contains("<a href=\"/editorial-policy/\">Editorial policy</a>"),
        "{}",
        footer(&project)
    );

    site.write(
        "content/editorial-policy/_index.md",
        "---\ntitle: How this dossier is edited\n---\nHow we work.\n",
    );
    rebuilt(&mut project, &[content("editorial-policy/_index.md")]);
    assert_same(&project, &site, "renaming the policy section");
    assert!(footer(&project).contains(">How this dossier is edited</a>"));

    std::fs::remove_dir_all(site.path("content/editorial-policy")).unwrap();
    rebuilt(&mut project, &[content("editorial-policy/_index.md")]);
    assert_same(&project, &site, "removing the policy section");
    assert!(!footer(&project).contains("editorial-policy"));
}

#[test]
fn a_broken_edit_keeps_the_last_good_build_until_fixed() {
    let site = TestSite::fixture("graph");
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    let before = common::served(&project);

    let good = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write("content/places/road.md", "---\ntitle: [broken\n---\n");
    match project.rebuild(&changes(&[content("places/road.md")])) {
        Rebuild::Failed(problems) => {
            assert!(
                problems.iter().any(|d| d
                    .headline()
                    .starts_with("content/places/road.md:3:1: YAML syntax error")),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        common::served(&project),
        before,
        "the last good build is kept"
    );

    // Another file changes while the first is broken: still failing, nothing stale.
    let meeting = std::fs::read_to_string(site.path("content/events/meeting.md")).unwrap();
    site.write(
        "content/events/meeting.md",
        &meeting.replace("A meeting.", "A long meeting."),
    );
    assert!(matches!(
        project.rebuild(&changes(&[content("events/meeting.md")])),
        Rebuild::Failed(_)
    ));

    // Fixing it builds both changes.
    site.write("content/places/road.md", &good.replace("Old.", "Very old."));
    rebuilt(&mut project, &[content("places/road.md")]);
    assert_same(&project, &site, "the fix");
    assert!(
        String::from_utf8_lossy(&common::served(&project)["events/meeting/index.html"])
            .contains("A long meeting.")
    );
}

/// Replaces `from` with `to` in a file of the site, which must contain it.
#[track_caller]
fn edit(site: &TestSite, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn edits_to_every_field_that_an_index_depends_on_match_a_fresh_build() {
    field_edits(graph_site(false));
}

#[test]
fn edits_to_every_field_that_an_index_depends_on_match_a_fresh_build_paginated() {
    field_edits(graph_site(true));
}

fn field_edits(site: TestSite) {
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));

    let steps: &[(&str, &str, &str, &str)] = &[
        (
            "a date (the newest order)",
            "content/statements/anna-says.md",
            "date: 2023-02-28",
            "date: 2020-01-01",
        ),
        (
            "a kind",
            "content/people/boris.md",
            "kind: person",
            "kind: organization",
        ),
        (
            "a weight",
            "content/places/baku.md",
            "kind: place",
            "kind: place\nweight: 1",
        ),
        (
            "a source",
            "content/people/anna.md",
            "sources:\n",
            "sources:\n  - {title: \"A new report\", url: \"https://example.net/new\"}\n",
        ),
        (
            "a speaker",
            "content/statements/unknown-says.md",
            "speaker: \"Nobody Known\"",
            "speaker: \"Anna Petrova\"",
        ),
        (
            "a new link",
            "content/events/meeting.md",
            "A meeting.",
            "A meeting on the [[Road]].",
        ),
        (
            "a removed link",
            "content/statements/anna-says.md",
            "She spoke about its [[Road#Use]].",
            "She spoke.",
        ),
        (
            "a summary",
            "content/places/road.md",
            "---\nThe road",
            "summary: \"A road.\"\n---\nThe road",
        ),
        (
            "a tag name spelling",
            "content/places/road.md",
            "tags: [\"Rare\", \"Medium\"]",
            "tags: [\"rare\", \"Medium\"]",
        ),
    ];
    for (what, rel, from, to) in steps {
        edit(&site, rel, from, to);
        rebuilt(&mut project, &[content(rel.trim_start_matches("content/"))]);
        assert_same(&project, &site, what);
    }
}

#[test]
fn a_renamed_heading_breaks_the_links_to_it_elsewhere() {
    let site = TestSite::fixture("graph");
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    // Anna links to road.md#history: renaming the heading must fail the build at her link.
    edit(&site, "content/places/road.md", "## History", "## Past");
    match project.rebuild(&changes(&[content("places/road.md")])) {
        Rebuild::Failed(problems) => assert!(
            problems
                .iter()
                .any(|d| d.headline().starts_with("content/people/anna.md:10:")
                    && d.message.contains("#history")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    edit(
        &site,
        "content/people/anna.md",
        "road.md#history",
        "road.md#past",
    );
    rebuilt(&mut project, &[content("people/anna.md")]);
    assert_same(&project, &site, "the fixed link");
}

/// Tiny distinct PNG files, `n` pixels wide: pages show their size.
fn picture(n: u8) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(u32::from(n), 2, image::Rgb([n, 0, 0]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

#[test]
fn pictures_and_attachments_added_changed_and_deleted_match_a_fresh_build() {
    let site = TestSite::with_files(&[
        (
            "content/notes/p.md",
            "---\ntitle: P\n---\nA map: ![The map](map.png)\n\nThe [scan](files/scan.pdf).\n",
        ),
        ("content/notes/q.md", "---\ntitle: Q\n---\nNo pictures.\n"),
        ("content/notes/files/scan.pdf", "%PDF-1.4 one"),
    ]);
    site.write_bytes("content/notes/map.png", &picture(1));
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    site.write_bytes("content/notes/map.png", &picture(2));
    rebuilt(&mut project, &[content("notes/map.png")]);
    assert_same(&project, &site, "a changed picture");

    site.write("content/notes/files/scan.pdf", "%PDF-1.4 two");
    rebuilt(&mut project, &[content("notes/files/scan.pdf")]);
    assert_same(&project, &site, "a changed attachment");

    // A new picture, and an entry that starts showing it.
    site.write_bytes("content/notes/new picture é.png", &picture(3));
    edit(
        &site,
        "content/notes/q.md",
        "No pictures.",
        "![New](new%20picture%20%C3%A9.png)",
    );
    rebuilt(
        &mut project,
        &[content("notes/new picture é.png"), content("notes/q.md")],
    );
    assert_same(&project, &site, "a new picture shown by an entry");

    // A deleted picture that a page shows is an error at the reference; the last good
    // build is served until it is back.
    let before = common::served(&project);
    site.remove("content/notes/map.png");
    match project.rebuild(&changes(&[content("notes/map.png")])) {
        Rebuild::Failed(problems) => assert!(
            problems
                .iter()
                .any(|d| d.headline().starts_with("content/notes/p.md:4:")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        common::served(&project),
        before,
        "the last good build is kept"
    );
    site.write_bytes("content/notes/map.png", &picture(4));
    rebuilt(&mut project, &[content("notes/map.png")]);
    assert_same(&project, &site, "the picture back");

    // A picture no page shows any more goes when it is deleted.
    edit(
        &site,
        "content/notes/q.md",
        "![New](new%20picture%20%C3%A9.png)",
        "None.",
    );
    site.remove("content/notes/new picture é.png");
    rebuilt(
        &mut project,
        &[content("notes/q.md"), content("notes/new picture é.png")],
    );
    assert_same(&project, &site, "a picture no longer shown, deleted");
}

/// A PNG of `width` × 3 pixels of one colour.
fn sized_picture(width: u32, shade: u8) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, 3, image::Rgb([shade, shade, 0]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

#[test]
fn a_picture_replaced_by_one_of_another_size_renders_again_the_pages_that_show_it() {
    let site = TestSite::with_files(&[
        (
            "content/notes/p.md",
            "---\ntitle: P\nimage: {src: map.png, alt: The map}\n---\nSee ![the map](map.png).\n",
        ),
        ("content/notes/q.md", "---\ntitle: Q\n---\nNo pictures.\n"),
        (
            "content/notes/r.md",
            "---\ntitle: R\n---\n![Logo](/logo.png \"The logo\")\n",
        ),
    ]);
    site.write_bytes("content/notes/map.png", &sized_picture(10, 1));
    site.write_bytes("static/logo.png", &sized_picture(4, 1));
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // The text, the entry's figure, its card on the section page, its og:image size.
    site.write_bytes("content/notes/map.png", &sized_picture(20, 1));
    let changed = rebuilt(&mut project, &[content("notes/map.png")]);
    assert_same(&project, &site, "a picture of another size");
    for page in ["notes/p/index.html", "notes/index.html"] {
        assert!(changed.iter().any(|c| c == page), "{page}: {changed:?}");
    }
    assert!(
        !changed.iter().any(|c| c == "notes/q/index.html"),
        "{changed:?}"
    );

    // Other pixels at the same size: the picture is copied again, no page changes.
    site.write_bytes("content/notes/map.png", &sized_picture(20, 9));
    let changed = rebuilt(&mut project, &[content("notes/map.png")]);
    assert_same(&project, &site, "a picture of the same size");
    assert_eq!(changed, ["notes/map.png"]);

    // A static picture of another size.
    site.write_bytes("static/logo.png", &sized_picture(8, 1));
    let changed = rebuilt(&mut project, &[Change::Static("logo.png".into())]);
    assert_same(&project, &site, "a static picture of another size");
    assert!(
        changed.iter().any(|c| c == "notes/r/index.html"),
        "{changed:?}"
    );
}

#[test]
fn a_place_that_moves_renders_again_every_map_that_shows_it() {
    let site = TestSite::with_files(&[
        (
            "content/places/west.md",
            "---\ntitle: West\nkind: place\nlocation: [40.0, 44.0]\n---\nA town.\n",
        ),
        (
            "content/places/east.md",
            "---\ntitle: East\nkind: place\nlocation: [40.5, 50.0]\n---\nNear [[West]].\n",
        ),
        (
            "content/places/north.md",
            "---\ntitle: North\nkind: place\nlocation: [45.0, 47.0]\n---\nA town.\n",
        ),
        (
            "content/places/far.md",
            "---\ntitle: Far\nkind: place\nlocation: [10.0, 10.0]\n---\nAlone.\n",
        ),
        (
            "content/notes/plain.md",
            "---\ntitle: Plain\n---\nAbout [[West]].\n",
        ),
        (
            "content/projects/road.md",
            "---\ntitle: Road\nkind: project\nroute: [West, North, East]\n---\nA road.\n",
        ),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // West moves: the map, its own page, East's (it links to West), the road's (a stop).
    edit(
        &site,
        "content/places/west.md",
        "[40.0, 44.0]",
        "[41.0, 43.0]",
    );
    let changed = rebuilt(&mut project, &[content("places/west.md")]);
    for page in [
        "map/index.html",
        "places/west/index.html",
        "places/east/index.html",
        "projects/road/index.html",
    ] {
        assert!(changed.contains(&page.to_string()), "{page}: {changed:?}");
    }
    for page in ["places/far/index.html", "notes/plain/index.html"] {
        assert!(!changed.contains(&page.to_string()), "{page}: {changed:?}");
    }
    assert_same(&project, &site, "a place that moved");

    // A stop of the road moves: the road's page, though it does not link to North.
    edit(
        &site,
        "content/places/north.md",
        "[45.0, 47.0]",
        "[46.0, 47.5]",
    );
    let changed = rebuilt(&mut project, &[content("places/north.md")]);
    assert!(
        changed.contains(&"projects/road/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a stop that moved");

    // An entry gains a location: it joins the map, and the maps of what it links to.
    edit(
        &site,
        "content/notes/plain.md",
        "title: Plain\n",
        "title: Plain\nlocation: [42, 45]\n",
    );
    rebuilt(&mut project, &[content("notes/plain.md")]);
    assert_same(&project, &site, "a location added");

    // The route changes its stops.
    edit(
        &site,
        "content/projects/road.md",
        "[West, North, East]",
        "[East, West]",
    );
    rebuilt(&mut project, &[content("projects/road.md")]);
    assert_same(&project, &site, "a route changed");

    // No location left: the map page and the nav link go.
    edit(
        &site,
        "content/projects/road.md",
        "route: [East, West]\n",
        "",
    );
    for (rel, from) in [
        ("content/places/west.md", "location: [41.0, 43.0]\n"),
        ("content/places/east.md", "location: [40.5, 50.0]\n"),
        ("content/places/north.md", "location: [46.0, 47.5]\n"),
        ("content/places/far.md", "location: [10.0, 10.0]\n"),
        ("content/notes/plain.md", "location: [42, 45]\n"),
    ] {
        edit(&site, rel, from, "");
    }
    let all: Vec<Change> = [
        "projects/road.md",
        "places/west.md",
        "places/east.md",
        "places/north.md",
        "places/far.md",
        "notes/plain.md",
    ]
    .into_iter()
    .map(content)
    .collect();
    rebuilt(&mut project, &all);
    assert!(!common::served(&project).contains_key("map/index.html"));
    assert_same(&project, &site, "every location removed");
}

/// A JPEG of `width` × `width / 2` pixels with some detail, `shade` telling two apart.
fn photo(width: u32, shade: u8) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(width, width / 2, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, shade])
    })
    .write_to(&mut bytes, image::ImageFormat::Jpeg)
    .unwrap();
    bytes.into_inner()
}

/// The variant files among served files (`…-NNw.HASH.ext`).
fn variant_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    files
        .keys()
        .filter(|k| {
            k.rsplit('/').next().is_some_and(|name| {
                name.split('-').next_back().is_some_and(|tail| {
                    tail.split_once("w.").is_some_and(|(w, _)| {
                        !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
                    })
                })
            })
        })
        .cloned()
        .collect()
}

#[test]
fn a_picture_replaced_by_a_larger_one_gets_new_variants_and_srcset() {
    let site = TestSite::with_files(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/\nimages:\n  widths: [40, 80]\n",
        ),
        (
            "content/notes/p.md",
            "---\ntitle: P\nimage: {src: map.jpg, alt: The map}\n---\nSee ![the map](map.jpg).\n",
        ),
        ("content/notes/q.md", "---\ntitle: Q\n---\nNo pictures.\n"),
        (
            "content/notes/r.md",
            "---\ntitle: R\n---\n![Logo](/logo.jpg \"The logo\")\n",
        ),
    ]);
    site.write_bytes("content/notes/map.jpg", &photo(60, 1));
    site.write_bytes("static/logo.jpg", &photo(60, 1));
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");
    let first = variant_files(&common::served(&project));
    assert_eq!(first.len(), 2, "one variant each: {first:?}");

    // Larger: two variants, new names, new srcset on the text, the figure and the card.
    site.write_bytes("content/notes/map.jpg", &photo(120, 1));
    let changed = rebuilt(&mut project, &[content("notes/map.jpg")]);
    assert_same(&project, &site, "a larger picture");
    let served = common::served(&project);
    let now = variant_files(&served);
    assert_eq!(now.len(), 3, "{now:?}");
    let page = String::from_utf8(served["notes/p/index.html"].clone()).unwrap();
    for v in now.iter().filter(|v| v.starts_with("notes/map-")) {
        let name = v.rsplit('/').next().unwrap();
        assert!(page.contains(name), "{name} in the srcset of notes/p/");
        assert!(changed.contains(v), "{v}: {changed:?}");
    }
    for old in first.iter().filter(|v| v.starts_with("notes/")) {
        assert!(!now.contains(old), "{old} is gone: {now:?}");
    }

    // Other pixels, the same size: the variants have other names, the pages follow.
    site.write_bytes("content/notes/map.jpg", &photo(120, 200));
    rebuilt(&mut project, &[content("notes/map.jpg")]);
    assert_same(&project, &site, "other pixels at the same size");

    // A static picture made larger.
    site.write_bytes("static/logo.jpg", &photo(100, 1));
    rebuilt(&mut project, &[Change::Static("logo.jpg".into())]);
    assert_same(&project, &site, "a larger static picture");

    // No page shows the picture any more: its variants go.
    edit(
        &site,
        "content/notes/p.md",
        "See ![the map](map.jpg).",
        "Gone.",
    );
    edit(
        &site,
        "content/notes/p.md",
        "image: {src: map.jpg, alt: The map}\n",
        "",
    );
    rebuilt(&mut project, &[content("notes/p.md")]);
    assert_same(&project, &site, "a picture no longer shown");
    let left = variant_files(&common::served(&project));
    assert!(left.iter().all(|v| v.starts_with("logo-")), "{left:?}");
}

#[test]
fn a_replaced_picture_renders_again_the_pages_whose_relations_picture_shows_it() {
    let site = TestSite::with_files(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/\nimages:\n  widths: [40, 80]\n",
        ),
        (
            "content/notes/p.md",
            "---\ntitle: P\nimage: {src: map.jpg, alt: The map}\n---\nSee [R](r.md).\n",
        ),
        ("content/notes/q.md", "---\ntitle: Q\n---\nSee [P](p.md).\n"),
        ("content/notes/r.md", "---\ntitle: R\n---\nNo pictures.\n"),
        ("content/notes/s.md", "---\ntitle: S\n---\nSee [R](r.md).\n"),
    ]);
    site.write_bytes("content/notes/map.jpg", &photo(120, 1));
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");
    let relations = |project: &Project, page: &str| {
        let html = String::from_utf8(common::served(project)[page].clone()).unwrap();
        let start = html.find("<svg class=\"relations\"").expect(page);
        let end = start + html[start..].find("</svg>").unwrap();
        html[start..end].to_string()
    };
    // Q links to P: its picture shows P's smallest variant.
    let before = relations(&project, "notes/q/index.html");
    assert!(before.contains("href=\"/notes/map-40w."), "{before}");

    // Other pixels at the same size: new variant names, so Q's picture changes, and R's
    // (P links to it); S's does not show P.
    site.write_bytes("content/notes/map.jpg", &photo(120, 200));
    let changed = rebuilt(&mut project, &[content("notes/map.jpg")]);
    assert_same(&project, &site, "a replaced picture");
    let after = relations(&project, "notes/q/index.html");
    assert_ne!(before, after);
    for page in ["notes/q/index.html", "notes/r/index.html"] {
        assert!(changed.iter().any(|c| c == page), "{page}: {changed:?}");
    }
    assert!(
        !changed.iter().any(|c| c == "notes/s/index.html"),
        "{changed:?}"
    );
}

#[test]
fn a_mermaid_diagram_added_and_removed_loads_its_script_as_a_fresh_build_does() {
    let site = TestSite::fixture("highlight");
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    let page = |project: &Project| {
        String::from_utf8_lossy(&common::served(project)["plain/index.html"]).into_owned()
    };
    assert!(!page(&project).contains("mermaid"));
    edit(
        &site,
        "content/plain.md",
        "A page with no diagram",
        "```mermaid\ngraph TD\n  A --> B\n```\n\nA page with no diagram",
    );
    let changed = rebuilt(&mut project, &[content("plain.md")]);
    assert!(
        changed.contains(&"plain/index.html".to_string()),
        "{changed:?}"
    );
    assert!(page(&project).contains("<script src=\"/mermaid.min.js\" defer></script>"));
    assert_same(&project, &site, "a diagram added");

    site.write("static/mermaid.min.js", "// a stand-in\n");
    rebuilt(&mut project, &[Change::Static("mermaid.min.js".into())]);
    assert_same(&project, &site, "the script added");

    edit(
        &site,
        "content/plain.md",
        "```mermaid\ngraph TD\n  A --> B\n```\n\n",
        "",
    );
    rebuilt(&mut project, &[content("plain.md")]);
    assert!(!page(&project).contains("mermaid"));
    assert_same(&project, &site, "the diagram removed");
}

#[test]
fn a_removed_block_id_breaks_the_links_to_it_and_a_new_one_mends_them() {
    let site = TestSite::fixture("obsidian");
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    // links.md links to blocks.md#^para-one: the block losing its id fails at that link.
    edit(
        &site,
        "content/blocks.md",
        "A paragraph with an id. ^para-one",
        "A paragraph with an id. ^para-two",
    );
    match project.rebuild(&changes(&[content("blocks.md")])) {
        Rebuild::Failed(problems) => assert!(
            problems
                .iter()
                .any(|d| d.headline().starts_with("content/links.md:4:")
                    && d.message.contains("`^para-one`")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    edit(&site, "content/links.md", "#^para-one", "#^para-two");
    rebuilt(&mut project, &[content("links.md")]);
    assert_same(&project, &site, "the link to the new block id");
    // A callout and a highlight edited in place render as a fresh build does.
    edit(&site, "content/marks.md", "==highlighted", "==marked");
    edit(
        &site,
        "content/callouts.md",
        "[!warning]- Folded",
        "[!tip]+ Open",
    );
    rebuilt(&mut project, &[content("marks.md"), content("callouts.md")]);
    assert_same(&project, &site, "the edited callout and highlight");
}

/// Notes without front matter (issue 14): an event's date that comes from its section's
/// `_index.md` follows that file's edits, a title that comes from a heading follows the
/// heading, and under `links: warn` a broken link neither stops the rebuild nor stays
/// once mended.
#[test]
fn notes_without_front_matter_follow_their_sections_and_headings() {
    let site = TestSite::fixture("notes");
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}links: warn\n"));
    site.write(
        "content/reading/Broken.md",
        "# Broken\n\nA link to [[Summit notes]] and to [[Nowhere]].\n",
    );
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    site.write(
        "content/events/_index.md",
        "---\ntitle: Meetings\ndate: 2023-03-15\n---\nThe meetings of one day.\n",
    );
    let changed = rebuilt(&mut project, &[content("events/_index.md")]);
    assert!(
        changed.contains(&"events/summit-notes/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a section's date");
    assert!(
        String::from_utf8_lossy(&common::served(&project)["events/summit-notes/index.html"])
            .contains("15 March 2023")
    );

    site.write(
        "content/events/Summit notes.md",
        "# Summit in Geneva\n\nNotes of the day.\n",
    );
    let changed = rebuilt(&mut project, &[content("events/Summit notes.md")]);
    assert!(
        changed.contains(&"timeline/index.html".to_string()),
        "the timeline shows its title: {changed:?}"
    );
    assert_same(&project, &site, "a title from a heading");

    site.write(
        "content/reading/Broken.md",
        "# Broken\n\nA link to [[Summit notes]] and to [[Reading list]].\n",
    );
    rebuilt(&mut project, &[content("reading/Broken.md")]);
    assert_same(&project, &site, "a mended link");
}

#[test]
fn redirect_pages_and_tag_descriptions_follow_their_edits() {
    let site = TestSite::with_files(&[
        (
            "content/notes/a.md",
            "---\ntitle: Alpha\ntags: [T]\nredirect_from: [/old-a/]\n---\nText.\n",
        ),
        (
            "content/notes/b.md",
            "---\ntitle: Beta\ntags: [T]\n---\nText.\n",
        ),
        (
            "content/tags/t.md",
            "---\ntitle: About T\nredirect_from: /old-t/\n---\nT is for [[a]].\n",
        ),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // The title of the entry an old URL leads to: its redirect page shows the new one.
    edit(
        &site,
        "content/notes/a.md",
        "title: Alpha",
        "title: Alpha two",
    );
    let changed = rebuilt(&mut project, &[content("notes/a.md")]);
    assert!(
        changed.contains(&"old-a/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"old-t/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a retitled entry");

    // Another old URL: the last one's page goes.
    edit(&site, "content/notes/a.md", "/old-a/", "/older-a/");
    rebuilt(&mut project, &[content("notes/a.md")]);
    assert!(!common::served(&project).contains_key("old-a/index.html"));
    assert_same(&project, &site, "a moved old URL");

    // A permalink moves the entry: its redirect pages lead to the new URL.
    edit(
        &site,
        "content/notes/a.md",
        "title: Alpha two\n",
        "title: Alpha two\npermalink: /alpha/\n",
    );
    rebuilt(&mut project, &[content("notes/a.md")]);
    assert_same(&project, &site, "a permalink");

    // The tag's description: its page shows the new text.
    edit(&site, "content/tags/t.md", "T is for", "T stands for");
    let changed = rebuilt(&mut project, &[content("tags/t.md")]);
    assert!(
        changed.contains(&"tags/t/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a description edited");

    // Its link leads elsewhere, and the entry it led to is renamed.
    edit(
        &site,
        "content/notes/a.md",
        "title: Alpha two",
        "title: Gamma",
    );
    edit(&site, "content/tags/t.md", "[[a]]", "[[b]]");
    rebuilt(&mut project, &[content("notes/a.md"), content("tags/t.md")]);
    assert_same(&project, &site, "a description's link changed");

    // No old URL left: the redirects file goes too.
    edit(
        &site,
        "content/notes/a.md",
        "redirect_from: [/older-a/]\n",
        "",
    );
    edit(&site, "content/tags/t.md", "redirect_from: /old-t/\n", "");
    rebuilt(&mut project, &[content("notes/a.md"), content("tags/t.md")]);
    assert!(!common::served(&project).contains_key("_redirects"));
    assert_same(&project, &site, "every redirect removed");
}

#[test]
fn nested_tags_follow_their_edits_up_to_their_parents() {
    let site = TestSite::with_files(&[
        (
            "content/a.md",
            "---\ntitle: Alpha\ntags: [energy/oil]\ndate: 2024-01-01\n---\nText.\n",
        ),
        (
            "content/b.md",
            "---\ntitle: Beta\ntags: [energy/hydro]\ndate: 2023-01-01\n---\nText.\n",
        ),
        (
            "content/c.md",
            "---\ntitle: Gamma\ntags: [water]\n---\nText.\n",
        ),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // A third tag under `energy`: the parent's page lists it and its entry.
    edit(
        &site,
        "content/c.md",
        "tags: [water]",
        "tags: [water, energy/wind]",
    );
    let changed = rebuilt(&mut project, &[content("c.md")]);
    assert!(
        changed.contains(&"tags/energy/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"tags/energy/oil/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a new nested tag");

    // The last entry of `energy/hydro` leaves it: its page goes, the parent's list shrinks.
    edit(&site, "content/b.md", "[energy/hydro]", "[water]");
    rebuilt(&mut project, &[content("b.md")]);
    assert!(!common::served(&project).contains_key("tags/energy/hydro/index.html"));
    assert_same(&project, &site, "a nested tag gone");

    // Retitling an entry under a nested tag: the parent's cards follow.
    edit(&site, "content/a.md", "title: Alpha", "title: Alpha two");
    rebuilt(&mut project, &[content("a.md")]);
    assert_same(&project, &site, "a retitled entry");

    // No nested tag left: `energy` goes with them.
    edit(&site, "content/a.md", "[energy/oil]", "[water]");
    edit(&site, "content/c.md", "water, energy/wind", "water");
    rebuilt(&mut project, &[content("a.md"), content("c.md")]);
    assert!(!common::served(&project).contains_key("tags/energy/index.html"));
    assert_same(&project, &site, "every nested tag gone");
}

#[test]
fn folder_notes_follow_their_edits_as_folder_pages() {
    let site = TestSite::with_files(&[
        ("content/trips/index.md", "# Journeys\n\nEvery trip.\n"),
        ("content/trips/rome.md", "# Rome\n\nBack to [[index]].\n"),
        (
            "content/walks/paris.md",
            "# Paris\n\nSee [[walks/index]].\n",
        ),
    ]);
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}folder_notes: index\n"));
    // `[[walks/index]]` is broken until the note is written: start without that link.
    edit(
        &site,
        "content/walks/paris.md",
        "See [[walks/index]].",
        "Text.",
    );
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    edit(&site, "content/trips/index.md", "# Journeys", "# Voyages");
    let changed = rebuilt(&mut project, &[content("trips/index.md")]);
    assert!(
        changed.contains(&"trips/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a retitled folder note");

    site.write("content/walks/index.md", "# Walks\n\nOn foot.\n");
    edit(
        &site,
        "content/walks/paris.md",
        "Text.",
        "See [[walks/index]].",
    );
    rebuilt(
        &mut project,
        &[content("walks/index.md"), content("walks/paris.md")],
    );
    assert_same(&project, &site, "a new folder note, linked to");

    edit(
        &site,
        "content/walks/paris.md",
        "See [[walks/index]].",
        "Text.",
    );
    site.remove("content/walks/index.md");
    rebuilt(
        &mut project,
        &[content("walks/index.md"), content("walks/paris.md")],
    );
    assert_same(&project, &site, "a folder note removed");
}

#[test]
fn typed_relations_follow_their_edits_at_both_ends() {
    let site = TestSite::with_files(&[
        (
            "content/people/jane.md",
            "---\ntitle: Jane Doe\nsources:\n  - {id: cv, title: A CV}\nrelations:\n  - {type: member_of, to: \"[[Foreign Ministry]]\", from: 2004}\n---\nJane.\n",
        ),
        (
            "content/organizations/foreign-ministry.md",
            "---\ntitle: Foreign Ministry\n---\nA ministry.\n",
        ),
        ("content/places/baku.md", "---\ntitle: Baku\n---\nA city.\n"),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // The dates and sources of a relation: the other end's page shows them too.
    edit(
        &site,
        "content/people/jane.md",
        "from: 2004}",
        "from: 2004-03, until: 2010, sources: [cv]}",
    );
    let changed = rebuilt(&mut project, &[content("people/jane.md")]);
    assert!(
        changed.contains(&"organizations/foreign-ministry/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "new dates and a source");

    // The other end renamed: the stating entry's page names it anew.
    edit(
        &site,
        "content/organizations/foreign-ministry.md",
        "title: Foreign Ministry",
        "title: Foreign Ministry\naliases: [MFA]",
    );
    rebuilt(
        &mut project,
        &[content("organizations/foreign-ministry.md")],
    );
    assert_same(&project, &site, "an alias of the other end");
    edit(
        &site,
        "content/organizations/foreign-ministry.md",
        "title: Foreign Ministry",
        "title: Ministry of Foreign Affairs",
    );
    edit(
        &site,
        "content/people/jane.md",
        "[[Foreign Ministry]]",
        "[[MFA]]",
    );
    let changed = rebuilt(
        &mut project,
        &[
            content("organizations/foreign-ministry.md"),
            content("people/jane.md"),
        ],
    );
    assert!(
        changed.contains(&"people/jane/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "the other end's new title");

    // A second relation, of another type, to a third entry.
    edit(
        &site,
        "content/people/jane.md",
        "relations:\n",
        "relations:\n  - {type: located_in, to: Baku}\n",
    );
    rebuilt(&mut project, &[content("people/jane.md")]);
    assert!(
        common::served(&project)["places/baku/index.html"]
            .windows(b"Located here".len())
            .any(|w| w == b"Located here")
    );
    assert_same(&project, &site, "a relation to a third entry");

    // The stating entry gone: no page shows its relations any more.
    site.remove("content/people/jane.md");
    rebuilt(&mut project, &[content("people/jane.md")]);
    assert_same(&project, &site, "the stating entry deleted");
}

/// Embeds (issue 14 point 3): a page that embeds another's text is rendered again when
/// that text changes, through a nested embed too, and when the embedded note is deleted
/// (its embed then breaks) or renamed.
#[test]
fn a_page_that_embeds_a_note_follows_the_note_s_edits() {
    let site = TestSite::with_files(&[
        (
            "content/notes/host.md",
            "---\ntitle: Host\n---\nThe host.\n\n![[Middle]]\n\n![[Leaf#Part]]\n",
        ),
        (
            "content/notes/middle.md",
            "---\ntitle: Middle\n---\nIn the middle.\n\n![[Leaf]]\n",
        ),
        (
            "content/notes/leaf.md",
            "---\ntitle: Leaf\n---\nLeaf words.\n\n## Part\n\nA part. ^p\n\n## Other\n\nNot shown.\n",
        ),
        ("content/notes/aside.md", "---\ntitle: Aside\n---\nAlone.\n"),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");
    let host = |project: &Project| {
        String::from_utf8_lossy(&common::served(project)["notes/host/index.html"]).into_owned()
    };
    assert!(host(&project).contains("Leaf words."), "{}", host(&project));

    edit(
        &site,
        "content/notes/leaf.md",
        "Leaf words.",
        "Leaf words, edited.",
    );
    let changed = rebuilt(&mut project, &[content("notes/leaf.md")]);
    for page in ["notes/host/index.html", "notes/middle/index.html"] {
        assert!(changed.contains(&page.to_string()), "{page}: {changed:?}");
    }
    assert!(
        !changed.contains(&"notes/aside/index.html".to_string()),
        "{changed:?}"
    );
    assert!(host(&project).contains("Leaf words, edited."));
    assert_same(&project, &site, "the embedded note's text, two embeds down");

    edit(&site, "content/notes/leaf.md", "A part.", "A part, longer.");
    rebuilt(&mut project, &[content("notes/leaf.md")]);
    assert!(host(&project).contains("A part, longer."));
    assert_same(&project, &site, "the embedded section's text");

    edit(&site, "content/notes/leaf.md", "## Part", "## Part renamed");
    assert!(matches!(
        project.rebuild(&changes(&[content("notes/leaf.md")])),
        Rebuild::Failed(_)
    ));
    edit(
        &site,
        "content/notes/host.md",
        "![[Leaf#Part]]",
        "![[Leaf#Part renamed]]",
    );
    rebuilt(&mut project, &[content("notes/host.md")]);
    assert!(host(&project).contains("Leaf › Part renamed"));
    assert_same(
        &project,
        &site,
        "the embedded heading renamed, and the embed mended",
    );

    edit(
        &site,
        "content/notes/leaf.md",
        "title: Leaf",
        "title: Leaf\naliases: [Foliage]",
    );
    rebuilt(&mut project, &[content("notes/leaf.md")]);
    assert_same(&project, &site, "an alias of the embedded note");

    let leaf = std::fs::read_to_string(site.path("content/notes/leaf.md")).unwrap();
    site.remove("content/notes/leaf.md");
    match project.rebuild(&changes(&[content("notes/leaf.md")])) {
        Rebuild::Failed(problems) => assert!(
            problems.iter().any(|d| d.message.contains("![[Leaf]]")),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
    site.write("content/notes/foliage.md", &leaf);
    let changed = rebuilt(&mut project, &[content("notes/foliage.md")]);
    assert!(
        changed.contains(&"notes/host/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        host(&project).contains("href=\"/notes/foliage/"),
        "{}",
        host(&project)
    );
    assert_same(&project, &site, "the embedded note renamed");

    edit(
        &site,
        "content/notes/foliage.md",
        "title: Leaf\naliases: [Foliage]",
        "title: Leaflet\naliases: [Foliage, Leaf]",
    );
    let changed = rebuilt(&mut project, &[content("notes/foliage.md")]);
    assert!(
        changed.contains(&"notes/middle/index.html".to_string()),
        "the embed's title line shows the note's title: {changed:?}"
    );
    assert_same(&project, &site, "the embedded note's title");
}

/// Timelines of entities and the filtered timelines (issue 16 point 4), and the graph of
/// entities (point 2): an entity's page follows the dates and titles of the entries it
/// lists and of its relations; the pages of a kind's and a tag's timeline come and go
/// with their entries; `/graph/entities/` goes with the last relation.
#[test]
fn entity_timelines_follow_the_dates_of_what_they_show() {
    let site = TestSite::with_files(&[
        (
            "content/people/ann.md",
            "---\ntitle: Ann Speaker\n---\nAnn.\n",
        ),
        (
            "content/statements/early.md",
            "---\ntitle: Ann on the bridge\ndate: 2020-03\nspeaker: Ann Speaker\n---\nSaid.\n",
        ),
        (
            "content/organizations/port.md",
            "---\ntitle: Port Authority\nsources:\n  - {id: reg, title: The register}\nrelations:\n  - {type: located_in, to: \"[[Harbour Town]]\", from: 2019-06, sources: [reg]}\n---\nAn authority.\n",
        ),
        (
            "content/places/town.md",
            "---\ntitle: Harbour Town\n---\nA town.\n",
        ),
        (
            "content/events/opening.md",
            "---\ntitle: Opening of the pier\ndate: 2022-01-10\n---\nAt [[Harbour Town]].\n",
        ),
        (
            "content/events/storm.md",
            "---\ntitle: The great storm\ndate: 2021\n---\nIt hit [[Harbour Town]].\n",
        ),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");
    let town = "places/town/index.html".to_string();
    let served = |project: &Project, page: &str| {
        String::from_utf8_lossy(&common::served(project)[page]).into_owned()
    };

    // A linking event's date: the place's timeline puts it elsewhere.
    edit(
        &site,
        "content/events/storm.md",
        "date: 2021",
        "date: 2023-02",
    );
    let changed = rebuilt(&mut project, &[content("events/storm.md")]);
    assert!(changed.contains(&town), "{changed:?}");
    let page = served(&project, &town);
    assert!(
        page.find("Opening of the pier").unwrap() < page.find("The great storm").unwrap(),
        "the storm now comes after the opening"
    );
    assert_same(&project, &site, "a linking event's new date");

    // Its title.
    edit(
        &site,
        "content/events/opening.md",
        "title: Opening of the pier",
        "title: The pier opens",
    );
    let changed = rebuilt(&mut project, &[content("events/opening.md")]);
    assert!(changed.contains(&town), "{changed:?}");
    assert_same(&project, &site, "a linking event's new title");

    // A relation's start removed: its item goes from both ends' timelines.
    edit(
        &site,
        "content/organizations/port.md",
        "from: 2019-06, ",
        "",
    );
    let changed = rebuilt(&mut project, &[content("organizations/port.md")]);
    assert!(changed.contains(&town), "{changed:?}");
    assert!(!served(&project, &town).contains("located in"));
    assert_same(&project, &site, "a relation's start removed");

    // A statement's date moves on the speaker's page and the kind's timeline.
    edit(
        &site,
        "content/statements/early.md",
        "date: 2020-03",
        "date: 2024",
    );
    let changed = rebuilt(&mut project, &[content("statements/early.md")]);
    assert!(
        changed.contains(&"people/ann/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a statement's new date");

    // A tag with dated entries gets its timeline page; losing them, it goes.
    edit(
        &site,
        "content/events/storm.md",
        "date: 2023-02",
        "date: 2023-02\ntags: [weather]",
    );
    rebuilt(&mut project, &[content("events/storm.md")]);
    assert!(common::served(&project).contains_key("timeline/tag/weather/index.html"));
    assert_same(&project, &site, "a tag on a dated entry");
    edit(&site, "content/events/storm.md", "date: 2023-02\n", "");
    edit(
        &site,
        "content/events/storm.md",
        "---\ntitle",
        "---\nkind: topic\ntitle",
    );
    rebuilt(&mut project, &[content("events/storm.md")]);
    assert!(!common::served(&project).contains_key("timeline/tag/weather/index.html"));
    assert_same(&project, &site, "the tag's only dated entry undated");

    // The last relation gone: so is the graph of entities.
    assert!(common::served(&project).contains_key("graph/entities/index.html"));
    edit(
        &site,
        "content/organizations/port.md",
        "relations:\n  - {type: located_in, to: \"[[Harbour Town]]\", sources: [reg]}\n",
        "",
    );
    rebuilt(&mut project, &[content("organizations/port.md")]);
    assert!(!common::served(&project).contains_key("graph/entities/index.html"));
    assert_same(&project, &site, "the last relation removed");
    edit(
        &site,
        "content/organizations/port.md",
        "---\nAn authority.",
        "relations:\n  - {type: located_in, to: \"[[Harbour Town]]\", from: 2001}\n---\nAn authority.",
    );
    rebuilt(&mut project, &[content("organizations/port.md")]);
    assert!(common::served(&project).contains_key("graph/entities/index.html"));
    assert_same(&project, &site, "a relation again");
}

/// A link resolves to the nearest of the entries a name fits: when one of them is
/// renamed, an unchanged entry's link moves to the other, and both pages' backlinks
/// follow (the graph keeps backlinks only while no entry's links changed, changed entry
/// or not).
#[test]
fn a_link_that_a_rename_moves_to_another_entry_moves_its_backlink_too() {
    let site = TestSite::with_files(&[
        (
            "content/a/anna.md",
            "---\ntitle: Anna\n---\nAnna met [[Foo]] in spring.\n",
        ),
        ("content/a/near.md", "---\ntitle: Foo\n---\nThe near one.\n"),
        ("content/b/far.md", "---\ntitle: Foo\n---\nThe far one.\n"),
    ]);
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");
    let page = |project: &Project, path: &str| {
        String::from_utf8(common::served(project)[path].clone()).expect("UTF-8")
    };
    assert!(page(&project, "a/near/index.html").contains("Anna met"));
    assert!(!page(&project, "b/far/index.html").contains("Anna met"));

    edit(&site, "content/a/near.md", "title: Foo", "title: Bar");
    rebuilt(&mut project, &[content("a/near.md")]);
    assert!(
        page(&project, "b/far/index.html").contains("Anna met"),
        "the far Foo is the one Anna's link means now"
    );
    assert_same(&project, &site, "the near Foo renamed");
}

#[test]
fn positions_follow_edits_of_statements_speakers_and_responses() {
    let site = common::entities::positions();
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // A statement's `about`: the topic's page loses it, and with it the silent side.
    edit(
        &site,
        "content/statements/cara.md",
        "about: [\"[[Lachin road]]\", \"[[Eastland government]]\"]",
        "about: [\"[[Eastland government]]\"]",
    );
    let changed = rebuilt(&mut project, &[content("statements/cara.md")]);
    assert!(
        changed.contains(&"topics/road/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a statement no longer about the topic");

    // The speaker's `represents`: every page that shows her statements groups them anew.
    edit(
        &site,
        "content/people/ann.md",
        "[[Northland government]]",
        "[[Westland government]]",
    );
    let changed = rebuilt(&mut project, &[content("people/ann.md")]);
    assert!(
        changed.contains(&"topics/road/index.html".to_string())
            && changed.contains(&"documents/treaty/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "the speaker represents another party");

    // A response's `responds_to`: it moves to the thread of another statement.
    edit(
        &site,
        "content/statements/ann-answers.md",
        "responds_to: [\"[[Bo replies]]\"]",
        "responds_to: [\"[[Bo on the checkpoints]]\"]",
    );
    let changed = rebuilt(&mut project, &[content("statements/ann-answers.md")]);
    assert!(
        changed.contains(&"topics/road/index.html".to_string())
            && changed.contains(&"statements/bo-reply/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "a response answers another statement");

    // The other end's title and date, and a speaker renamed.
    edit(
        &site,
        "content/statements/bo-later.md",
        "date: 2021-02-01",
        "date: 2020-12-01",
    );
    edit(
        &site,
        "content/people/bo.md",
        "title: Bo Envoy",
        "title: Bo Ambassador\naliases: [Bo Envoy]",
    );
    rebuilt(
        &mut project,
        &[content("statements/bo-later.md"), content("people/bo.md")],
    );
    assert_same(&project, &site, "a new date and a speaker renamed");

    // A cycle of responses fails the rebuild; fixing it brings the site back.
    edit(
        &site,
        "content/statements/ann-opening.md",
        "about: [",
        "responds_to: \"[[Bo replies]]\"\nabout: [",
    );
    assert!(matches!(
        project.rebuild(&changes(&[content("statements/ann-opening.md")])),
        Rebuild::Failed(_)
    ));
    edit(
        &site,
        "content/statements/ann-opening.md",
        "responds_to: \"[[Bo replies]]\"\n",
        "",
    );
    rebuilt(&mut project, &[content("statements/ann-opening.md")]);
    assert_same(&project, &site, "a cycle made and undone");
}

/// A source cited by two entries, with a publisher of the register: an edit of its
/// `archive_url` (or `accessed`, `language`, `type`) in one entry shows on `/sources/`, on
/// the other entry's page and in both entries' citation files; an edit of the register in
/// `site.yaml` renders every page that names the publisher.
#[test]
fn source_archive_fields_and_publishers_follow_their_edits() {
    let site = TestSite::with_files(&[
        (
            "content/people/jane.md",
            "---\ntitle: Jane Doe\nsources:\n  - {id: talks, title: Talks end, url: \"https://e.org/talks\", publisher: reuters}\n---\nJane.\n",
        ),
        (
            "content/events/talks.md",
            "---\ntitle: Talks\ndate: 2023-02-28\nsources:\n  - {id: talks, title: Talks end}\n---\nTalks.\n",
        ),
    ]);
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\npublishers:\n  reuters: {name: Reuters, url: \"https://www.reuters.com/\"}\n",
    );
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    edit(
        &site,
        "content/people/jane.md",
        "publisher: reuters}",
        "publisher: reuters, archive_url: \"https://web.archive.org/web/2023/https://e.org/talks\", accessed: 2023-03-01, language: en, type: news report}",
    );
    let changed = rebuilt(&mut project, &[content("people/jane.md")]);
    for page in [
        "sources/index.html",
        "events/talks/index.html",
        "events/talks/cite.bib",
        "events/talks/cite.json",
    ] {
        assert!(changed.contains(&page.to_string()), "{page}: {changed:?}");
    }
    assert_same(&project, &site, "an archived copy added in one entry");

    edit(
        &site,
        "content/people/jane.md",
        "web/2023/",
        "web/20230301/",
    );
    let changed = rebuilt(&mut project, &[content("people/jane.md")]);
    assert!(
        changed.contains(&"events/talks/index.html".to_string()),
        "{changed:?}"
    );
    assert_same(&project, &site, "the archived copy moved");

    // The other entry now names the publisher first: the merged source changes publisher.
    edit(
        &site,
        "content/events/talks.md",
        "title: Talks end}",
        "title: Talks end, publisher: Reuters}",
    );
    rebuilt(&mut project, &[content("events/talks.md")]);
    assert_same(&project, &site, "the publisher named by its name");

    // The register renamed and moved: every page naming it (the entry that named it by
    // its old name names it by its id now).
    edit(
        &site,
        "content/events/talks.md",
        "publisher: Reuters}",
        "publisher: reuters}",
    );
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\npublishers:\n  reuters: {name: Reuters News, url: \"https://reuters.com/\", country: UK}\n",
    );
    rebuilt(&mut project, &[Change::Config, content("events/talks.md")]);
    assert_same(&project, &site, "the register edited");
    assert!(
        common::served(&project)
            .get("people/jane/index.html")
            .is_some_and(|b| String::from_utf8_lossy(b).contains(">Reuters News</a>"))
    );

    // The archived copy removed again.
    edit(
        &site,
        "content/people/jane.md",
        ", archive_url: \"https://web.archive.org/web/20230301/https://e.org/talks\"",
        "",
    );
    rebuilt(&mut project, &[content("people/jane.md")]);
    assert_same(&project, &site, "the archived copy removed");
}
