//! Nested tags (`energy/oil`, with a page for `energy` above it) and the links to tag
//! pages, as Obsidian vaults and Quartz gardens write them.

mod common;

use common::{TestSite, links};

fn nested() -> TestSite {
    TestSite::with_files(&[
        (
            "content/pipeline.md",
            "---\ntags: [Energy/Oil and gas, transport]\ndate: 2024-03-01\n---\n# Pipeline\n\nSee [[tags/Energy/Oil and gas]] and [[tags/energy]].\n",
        ),
        (
            "content/dam.md",
            "---\ntags: [Energy/Hydro]\ndate: 2024-02-01\n---\n# Dam\n",
        ),
        (
            "content/grid.md",
            "---\ntags: [energy, Energy/Hydro]\ndate: 2024-01-01\n---\n# Grid\n",
        ),
        (
            "content/deep.md",
            "---\ntags: \"#energy/oil-and-gas/offshore\"\ndate: 2023-01-01\n---\n# Deep\n",
        ),
        (
            "content/tags/energy/hydro.md",
            "---\ntitle: Water power\n---\nDams and their reservoirs.\n",
        ),
    ])
}

#[test]
fn a_nested_tag_has_its_own_page_under_its_parent() {
    let site = nested();
    site.build().assert_ok();
    let files = site.output_files();
    for page in [
        "tags/energy/index.html",
        "tags/energy/hydro/index.html",
        "tags/energy/oil-and-gas/index.html",
        "tags/energy/oil-and-gas/offshore/index.html",
        "tags/energy/oil-and-gas/atom.xml",
    ] {
        assert!(files.contains_key(page), "{page} missing");
    }
    let hydro = site.output("tags/energy/hydro/index.html");
    let hrefs = links(&hydro);
    assert!(hrefs.contains(&"/grid/".to_string()) && hrefs.contains(&"/dam/".to_string()));
    assert!(!hrefs.contains(&"/pipeline/".to_string()), "{hrefs:?}");
    assert!(
        hydro.contains("<a href=\"/tags/energy/\">Energy</a>"),
        "the crumbs lead to the parent tag:\n{hydro}"
    );
    // The tag's description comes from `content/tags/energy/hydro.md`.
    assert!(hydro.contains("Water power") && hydro.contains("Dams and their reservoirs."));
}

#[test]
fn a_parent_tag_lists_the_entries_of_the_tags_under_it_once() {
    let site = nested();
    site.build().assert_ok();
    let energy = site.output("tags/energy/index.html");
    let cards: Vec<String> = links(&energy)
        .into_iter()
        .filter(|h| ["/pipeline/", "/dam/", "/grid/", "/deep/"].contains(&h.as_str()))
        .collect();
    // Every entry under `energy`, each once (Grid carries `energy` and `energy/hydro`),
    // newest first.
    assert_eq!(
        cards,
        ["/pipeline/", "/dam/", "/grid/", "/deep/"],
        "{energy}"
    );
    assert!(energy.contains("4 entries"), "{energy}");
    // The tags right under it, with their counts; not the grandchild.
    let narrower = &energy[energy
        .find("Narrower tags")
        .expect("a list of narrower tags")..];
    assert!(narrower.contains("href=\"/tags/energy/hydro/\">Energy/Hydro</a>"));
    assert!(narrower.contains("href=\"/tags/energy/oil-and-gas/\""));
    let list_end = narrower.find("</ul>").unwrap();
    assert!(!narrower[..list_end].contains("offshore"), "{narrower}");
    let oil = site.output("tags/energy/oil-and-gas/index.html");
    assert!(links(&oil).contains(&"/deep/".to_string()), "{oil}");
}

#[test]
fn wikilinks_reach_nested_tag_pages() {
    let site = nested();
    site.build().assert_ok();
    let hrefs = links(&site.output("pipeline/index.html"));
    assert!(
        hrefs.contains(&"/tags/energy/oil-and-gas/".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"/tags/energy/".to_string()), "{hrefs:?}");
}

#[test]
fn a_description_of_a_nested_tag_no_entry_carries_is_an_error() {
    let site = nested();
    site.write(
        "content/tags/energy/wind.md",
        "---\ntitle: Wind\n---\nTurbines.\n",
    );
    site.build()
        .assert_code(1)
        .assert_reports("error: content/tags/energy/wind.md: `content/tags/energy/wind.md` describes the tag `energy/wind`, which no entry carries");
}

/// A Quartz garden: `index.md` is each folder's page, the top one the home page.
fn garden(rule: &str) -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/index.md",
            "---\ntitle: My garden\n---\nWelcome. Start at [[trips/index|the trips]].\n",
        ),
        (
            "content/trips/index.md",
            "# Journeys\n\nEvery trip, and [[rome]].\n\n## Planning\n",
        ),
        (
            "content/trips/rome.md",
            "# Rome\n\nBack to [[index]], to [[index#Planning]] and [the folder](index.md).\n",
        ),
        (
            "content/Trips2/Trips2.md",
            "# Second trips\n\nThe folder note of Obsidian's plugins.\n",
        ),
        ("content/Trips2/paris.md", "# Paris\n\nSee [[Trips2]].\n"),
    ]);
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}folder_notes: {rule}\n"));
    site
}

#[test]
fn with_folder_notes_index_an_index_note_is_its_folders_page() {
    let site = garden("index");
    site.build().assert_ok();
    let files = site.output_files();
    assert!(
        !files.contains_key("trips/index/index.html"),
        "not an entry"
    );
    let trips = site.output("trips/index.html");
    assert!(trips.contains("<h1>Journeys</h1>"), "{trips}");
    assert!(trips.contains("Every trip, and"), "{trips}");
    assert!(links(&trips).contains(&"/trips/rome/".to_string()));
    let home = site.output("index.html");
    assert!(home.contains("Welcome. Start at"), "{home}");
    assert!(links(&home).contains(&"/trips/".to_string()), "{home}");
    // From a note of the folder, `[[index]]` and `index.md` are the folder's page.
    let rome = links(&site.output("trips/rome/index.html"));
    assert!(rome.contains(&"/trips/".to_string()), "{rome:?}");
    assert!(rome.contains(&"/trips/#planning".to_string()), "{rome:?}");
}

#[test]
fn with_folder_notes_folder_name_the_note_named_like_its_folder_is_its_page() {
    let site = garden("folder_name");
    // `index.md` notes are entries again under this rule: the home page's link to one is
    // an entry link.
    site.build().assert_ok();
    let files = site.output_files();
    assert!(
        !files.contains_key("trips2/trips2/index.html"),
        "not an entry"
    );
    assert!(files.contains_key("trips/index/index.html"), "an entry");
    let folder = site.output("trips2/index.html");
    assert!(folder.contains("<h1>Second trips</h1>"), "{folder}");
    assert!(links(&site.output("trips2/paris/index.html")).contains(&"/trips2/".to_string()));
}

#[test]
fn a_folder_with_an_index_and_a_folder_note_is_an_error_naming_both() {
    let site = garden("index");
    site.write("content/trips/_index.md", "---\ntitle: Trips\n---\n");
    site.build().assert_code(1).assert_reports(
        "error: content/trips/index.md: the folder `content/trips` has two pages: `content/trips/_index.md` and this one",
    );
}

#[test]
fn an_unknown_folder_notes_rule_is_an_error_at_its_line() {
    let site = garden("indx");
    site.build().assert_code(1).assert_reports(
        "error: site.yaml:3:15: `folder_notes` is `none`, `index` or `folder_name`, not `indx`",
    );
}
