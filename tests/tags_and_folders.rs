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
