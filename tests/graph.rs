//! The cross-link graph of a fixture whose links, tags and sources are known
//! (`tests/fixtures/graph`, served from the sub-path `/dossier/`).

mod common;

use common::{TestSite, links};

fn built() -> TestSite {
    let site = TestSite::fixture("graph");
    site.build().assert_ok();
    site
}

/// The HTML of the element with `id="…"` up to the end of its first list, section or figure.
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let rest = &html[start..];
    let end = ["</section>", "</figure>", "</nav>", "</ul>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The entry links (`/dossier/<kind>/<slug>/`) of some HTML, in order, without repeats.
fn entry_links(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in links(html) {
        let parts: Vec<&str> = l
            .trim_start_matches("/dossier/")
            .trim_end_matches('/')
            .split('/')
            .collect();
        let is_entry = l.starts_with("/dossier/")
            && parts.len() == 2
            && ["people", "places", "statements", "events"].contains(&parts[0]);
        if is_entry && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

#[test]
fn links_resolve_under_the_sub_path() {
    let site = built();
    let anna = site.output("people/anna/index.html");
    assert!(
        anna.contains("<a href=\"/dossier/places/baku/\">Baku</a>"),
        "{anna}"
    );
    assert!(
        anna.contains("<a href=\"/dossier/places/road/#history\">road’s history</a>"),
        "{anna}"
    );
    let said = site.output("statements/anna-says/index.html");
    assert!(
        said.contains("<a href=\"/dossier/places/road/#use\">Road#Use</a>"),
        "{said}"
    );
    let road = site.output("places/road/index.html");
    assert!(road.contains("<a href=\"/dossier/people/anna/\">Anna</a>"));
    assert!(road.contains("<a href=\"/dossier/people/anna/\">A. Petrova</a>"));
    let meeting = site.output("events/meeting/index.html");
    assert!(meeting.contains("<a href=\"/dossier/tags/common/\">tag</a>"));
    assert!(meeting.contains("<a href=\"/dossier/timeline/\">timeline</a>"));
}

#[test]
fn backlinks_list_the_linking_entries_with_context() {
    let site = built();
    let road = site.output("places/road/index.html");
    let backlinks = block(&road, "backlinks");
    assert_eq!(
        entry_links(backlinks),
        ["/dossier/people/anna/", "/dossier/statements/anna-says/"]
    );
    assert!(
        backlinks.contains("She wrote about the road’s history."),
        "{backlinks}"
    );
    let boris = site.output("people/boris/index.html");
    assert!(
        !boris.contains("id=\"backlinks\""),
        "no backlinks, no block"
    );
}

#[test]
fn related_entries_put_the_rare_shared_tag_first() {
    let site = built();
    let anna = site.output("people/anna/index.html");
    let related = block(&anna, "related");
    // Road shares the rare tag; the rest share only the common tag, newest first, then
    // undated by title.
    assert_eq!(
        entry_links(related),
        [
            "/dossier/places/road/",
            "/dossier/statements/anna-says/",
            "/dossier/events/meeting/",
            "/dossier/places/baku/",
            "/dossier/people/boris/",
        ]
    );
    let road_item = &related[..related.find("anna-says").unwrap()];
    assert!(
        road_item.contains("Shares <a href=\"/dossier/tags/rare/\">Rare</a>"),
        "{related}"
    );
}

#[test]
fn tag_pages_list_entries_newest_first_with_neighbours_and_a_feed() {
    let site = built();
    let tags = site.output("tags/index.html");
    assert!(
        tags.contains("Common</a> <span class=\"count\">5</span>"),
        "{tags}"
    );
    assert!(
        tags.find(">Common<").unwrap() < tags.find(">Medium<").unwrap(),
        "by count"
    );
    let common = site.output("tags/common/index.html");
    let cards = &common[common.find("class=\"cards\"").unwrap()..];
    assert_eq!(
        entry_links(cards),
        [
            "/dossier/statements/anna-says/",
            "/dossier/events/meeting/",
            "/dossier/people/anna/",
            "/dossier/places/baku/",
            "/dossier/people/boris/",
        ]
    );
    let neighbours = &common
        [common.find("Often together with").unwrap()..common.find("class=\"cards\"").unwrap()];
    assert!(
        neighbours.find(">Medium<").unwrap() < neighbours.find(">Rare<").unwrap(),
        "{neighbours}"
    );
    assert!(neighbours.contains("Medium</a> <span class=\"count\">2</span>"));
    let feed = site.output("tags/common/atom.xml");
    assert_eq!(
        feed.matches("<entry>").count(),
        2,
        "two dated entries carry the tag"
    );
    assert!(feed.contains("<id>https://example.org/dossier/statements/anna-says/</id>"));
}

#[test]
fn sources_merge_by_id_and_url_and_link_their_citers() {
    let site = built();
    let sources = site.output("sources/index.html");
    assert_eq!(sources.matches("<li id=\"").count(), 2, "{sources}");
    let shared = block(&sources, "s1");
    assert!(shared.contains("Shared report"));
    assert_eq!(
        entry_links(shared),
        ["/dossier/people/anna/", "/dossier/places/baku/"]
    );
    let only = block(&sources, "only-here-again");
    assert_eq!(
        entry_links(only),
        ["/dossier/events/meeting/", "/dossier/places/baku/"]
    );
    let anna = site.output("people/anna/index.html");
    let cited = block(&anna, "sources");
    assert!(
        cited.contains("Also cited by <a href=\"/dossier/places/baku/\">Baku</a>"),
        "{cited}"
    );
}

#[test]
fn kind_pages_list_every_entry_of_the_kind() {
    let site = built();
    let people = site.output("people/index.html");
    assert_eq!(
        entry_links(&people[people.find("<main").unwrap()..]),
        ["/dossier/people/anna/", "/dossier/people/boris/"]
    );
    for kind in ["places", "statements", "events"] {
        assert!(
            site.path("public").join(kind).join("index.html").exists(),
            "{kind}"
        );
    }
    assert!(
        !site.path("public/documents").exists(),
        "no page for a kind without entries"
    );
}

#[test]
fn statements_link_their_speakers_and_people_list_their_statements() {
    let site = built();
    let said = site.output("statements/anna-says/index.html");
    assert!(
        said.contains("Speaker: <a href=\"/dossier/people/anna/\">Anna Petrova</a>"),
        "{said}"
    );
    let unknown = site.output("statements/unknown-says/index.html");
    assert!(unknown.contains("Speaker: Nobody Known</p>"), "{unknown}");
    let anna = site.output("people/anna/index.html");
    assert_eq!(
        entry_links(block(&anna, "statements")),
        ["/dossier/statements/anna-says/"]
    );
}

#[test]
fn the_timeline_is_in_date_order_grouped_by_year() {
    let site = built();
    let timeline = site.output("timeline/index.html");
    let body = &timeline[timeline.find("<main").unwrap()..];
    assert_eq!(
        entry_links(body),
        [
            "/dossier/events/meeting/",
            "/dossier/statements/unknown-says/",
            "/dossier/statements/anna-says/",
        ]
    );
    let years: Vec<usize> = ["id=\"year-2021\"", "id=\"year-2022\"", "id=\"year-2023\""]
        .iter()
        .map(|y| body.find(y).expect(y))
        .collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]));
    assert!(body.contains("<time datetime=\"2022-05\">May 2022</time>"));
    assert!(body.contains("kind-event"), "each entry shows its kind");
    assert!(body.contains("/dossier/tags/medium/"), "and its tags");
}

#[test]
fn the_search_index_holds_titles_aliases_tags_and_text() {
    let site = built();
    let script = site.output("search-index.js");
    let json = script
        .strip_prefix("window.DOSSIER_SEARCH = ")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("a script assigning the index");
    let docs: serde_json::Value = serde_json::from_str(json).unwrap();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 7);
    let anna = docs.iter().find(|d| d["t"] == "Anna Petrova").unwrap();
    assert_eq!(anna["u"], "/dossier/people/anna/");
    assert_eq!(anna["a"][0], "A. Petrova");
    assert_eq!(anna["g"], serde_json::json!(["Rare", "Common"]));
    assert!(anna["x"].as_str().unwrap().contains("Anna lives in Baku."));
    let search = site.output("search/index.html");
    assert!(search.contains("id=\"search-page-q\""));
    assert!(site.output("index.html").contains("/dossier/search.js"));
}

#[test]
fn relation_pictures_are_well_formed_svg() {
    let site = built();
    let anna = site.output("people/anna/index.html");
    let figure = block(&anna, "relations");
    let svg = &figure[figure.find("<svg").unwrap()..figure.find("</svg>").unwrap() + 6];
    assert_well_formed(svg);
    for target in [
        "/dossier/places/baku/",
        "/dossier/places/road/",
        "/dossier/people/boris/",
    ] {
        assert!(
            svg.contains(&format!("href=\"{target}\"")),
            "{target} in {svg}"
        );
    }
    assert!(
        svg.contains("class=\"edge rel-mutual\""),
        "Anna and Road link both ways"
    );
    assert!(svg.contains("class=\"edge rel-related\""));

    let graph = site.output("graph/index.html");
    let svg = &graph[graph.find("<svg").unwrap()..graph.find("</svg>").unwrap() + 6];
    assert_well_formed(svg);
    assert_eq!(svg.matches("<circle").count(), 3, "one node per tag");
    // Laid out at build time, the same every time.
    site.build().assert_ok();
    assert_eq!(site.output("graph/index.html"), graph);
}

fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}\n{xml}"),
        }
    }
}
