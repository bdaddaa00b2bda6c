//! Timelines of entities (issue 16 point 4): a person's, an organisation's and a place's
//! page list their dated statements, linking entries and relations in date order; the
//! site timeline cut by kind and by tag into pages of their own; and `/graph/entities/`,
//! the picture of the typed relations (point 2).

mod common;

use common::TestSite;
use common::entities::fixture;

/// The text of the section with this id, tags removed and spaces squeezed.
fn section_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("<section id=\"{id}\""))?;
    let end = start + html[start..].find("</section>")?;
    Some(plain(&html[start..end]))
}

fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each of `items` stands in `text`, which must hold them all, in this order.
#[track_caller]
fn in_order(text: &str, items: &[&str]) {
    let mut at = 0;
    for item in items {
        match text[at..].find(item) {
            Some(i) => at += i + item.len(),
            None => panic!("`{item}` missing, or out of order, in\n{text}"),
        }
    }
}

#[test]
fn an_entity_page_lists_what_is_dated_about_it_in_order() {
    let site = fixture();
    site.build().assert_ok();

    let town = site.output("places/harbour-town/index.html");
    let timeline = section_text(&town, "entity-timeline").expect("the place has a timeline");
    in_order(
        &timeline,
        &[
            "Timeline",
            "June 2019 Port Authority located in Harbour Town , since June 2019 [1] Relation",
            "2021 The great storm Event",
            "10 January 2022 Opening of the pier Event",
        ],
    );
    assert!(!timeline.contains("A guide"), "undated: {timeline}");
    assert!(
        town.contains(r#"<a class="source-ref" href="/organizations/port-authority/#source-1" aria-label="source 1">[1]</a>"#),
        "the relation's source is on the stating entry's page"
    );
    assert!(town.contains(r#"<time datetime="2019-06">June 2019</time>"#));

    let ann = site.output("people/ann/index.html");
    let timeline = section_text(&ann, "entity-timeline").expect("the person has a timeline");
    in_order(
        &timeline,
        &[
            "March 2020 Ann on the bridge Statement",
            "1 May 2021 Ann on the harbour Statement",
        ],
    );

    let port = site.output("organizations/port-authority/index.html");
    let timeline = section_text(&port, "entity-timeline").expect("the organisation has one");
    in_order(
        &timeline,
        &[
            "2018 Port Authority part of Coast League , 2018–2022 Relation",
            "June 2019 Port Authority located in Harbour Town , since June 2019 [1] Relation",
        ],
    );
    assert!(port.contains(r##"href="#source-1" aria-label="source 1""##));
    let league = site.output("organizations/coast-league/index.html");
    let timeline = section_text(&league, "entity-timeline").expect("the other end too");
    assert!(
        timeline.contains("2018 Port Authority part of Coast League , 2018–2022"),
        "{timeline}"
    );

    // Not an entity, or nothing dated: no section.
    let storm = site.output("events/storm/index.html");
    assert!(section_text(&storm, "entity-timeline").is_none());
    let guide = site.output("topics/guide/index.html");
    assert!(section_text(&guide, "entity-timeline").is_none());
}

#[test]
fn the_timeline_is_cut_by_kind_and_by_tag_into_pages_linked_from_a_filter_bar() {
    let site = fixture();
    site.build().assert_ok();
    let events = plain(&site.output("timeline/kind/event/index.html"));
    in_order(
        &events,
        &["Timeline: Events", "The great storm", "Opening of the pier"],
    );
    assert!(!events.contains("Ann on the bridge"), "{events}");
    let statements = plain(&site.output("timeline/kind/statement/index.html"));
    in_order(&statements, &["Ann on the bridge", "Ann on the harbour"]);
    // Kinds and tags without dated entries have no page.
    for none in [
        "timeline/kind/person/index.html",
        "timeline/kind/topic/index.html",
        "timeline/tag/guides/index.html",
    ] {
        assert!(!site.path("public").join(none).exists(), "{none}");
    }
    let roads = plain(&site.output("timeline/tag/roads/index.html"));
    in_order(&roads, &["Ann on the bridge", "Opening of the pier"]);
    assert!(!roads.contains("A guide"), "undated: {roads}");

    let timeline = site.output("timeline/index.html");
    let filters = timeline
        .split("<nav id=\"timeline-filters\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a filter bar");
    for link in [
        r#"href="/timeline/kind/event/" data-filter="kind" data-value="event">Events</a>"#,
        r#"href="/timeline/kind/statement/" data-filter="kind" data-value="statement">Statements</a>"#,
        r#"href="/timeline/tag/roads/" data-filter="tag" data-value="roads">roads</a>"#,
    ] {
        assert!(filters.contains(link), "{link} in {filters}");
    }
    assert!(!filters.contains("guides"), "{filters}");
    assert!(timeline.contains(r#"data-kind="event" data-tags="roads""#));
    assert!(timeline.contains("timeline-filter.js"));
    // The filtered pages mark where they are, and carry no script.
    let page = site.output("timeline/tag/roads/index.html");
    assert!(page.contains(r#"data-value="roads" aria-current="page""#));
    assert!(!page.contains("timeline-filter.js"));

    let tag = site.output("tags/roads/index.html");
    assert!(tag.contains(
        r#"<a class="tag-timeline" href="/timeline/tag/roads/">Timeline of this tag</a>"#
    ));
    let undated = site.output("tags/guides/index.html");
    assert!(!undated.contains("Timeline of this tag"));

    let sitemap = site.output("sitemap.xml");
    for loc in [
        "https://example.org/timeline/kind/event/",
        "https://example.org/timeline/tag/roads/",
        "https://example.org/graph/entities/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{loc}");
    }
}

#[test]
fn filtered_timelines_are_paginated_like_the_timeline() {
    let site = fixture();
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}paginate_by: 1\n"));
    site.build().assert_ok();
    let first = plain(&site.output("timeline/kind/event/index.html"));
    assert!(first.contains("The great storm") && !first.contains("Opening of the pier"));
    let second = site.output("timeline/kind/event/page/2/index.html");
    assert!(plain(&second).contains("Opening of the pier"));
    assert!(second.contains("(page 2 of 2)"));
    assert!(!site.path("public/timeline/kind/event/page/3").exists());
}

#[test]
fn the_graph_of_entities_draws_each_relation_as_a_labelled_arrow() {
    let site = fixture();
    site.build().assert_ok();
    let page = site.output("graph/entities/index.html");
    let svg = page
        .split("<svg class=\"entity-graph\"")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .expect("a picture");
    for (url, kind) in [
        ("/organizations/port-authority/", "organization"),
        ("/organizations/coast-league/", "organization"),
        ("/places/harbour-town/", "place"),
    ] {
        let node = svg
            .split(&format!("<a href=\"{url}\">"))
            .nth(1)
            .unwrap_or_else(|| panic!("no node for {url} in {svg}"));
        assert!(
            node.split("</a>")
                .next()
                .unwrap()
                .contains(&format!("class=\"node kind-{kind}\"")),
            "{url}"
        );
    }
    assert!(!svg.contains("/people/ann/"), "no relation, no node");
    assert_eq!(svg.matches("marker-end=\"url(#entity-arrow)\"").count(), 2);
    assert!(svg.contains("<title>Located in</title>") && svg.contains("<title>Part of</title>"));
    assert!(svg.contains(">Located in</text>") && svg.contains(">Part of</text>"));
    let legend = plain(page.split("legend-box").nth(1).unwrap());
    in_order(
        &legend,
        &[
            "Organization",
            "Place",
            "Relation types",
            "Part of 1",
            "Located in 1",
        ],
    );
    in_order(
        &plain(&page),
        &["Port Authority — Located in → Harbour Town (since June 2019)"],
    );
    // Linked from the tag graph and from the relations of an entry.
    assert!(
        site.output("graph/index.html")
            .contains(r#"<a href="/graph/entities/">"#)
    );
    assert!(
        site.output("places/harbour-town/index.html")
            .contains(r#"<a href="/graph/entities/">Every entity and its relations</a>"#)
    );

    // A site without typed relations has no such page.
    let plain_site = TestSite::with_files(&[("content/places/a.md", "---\ntitle: A\n---\nA.\n")]);
    plain_site.build().assert_ok();
    assert!(!plain_site.path("public/graph/entities").exists());
    assert!(
        !plain_site
            .output("graph/index.html")
            .contains("/graph/entities/")
    );
}

#[test]
fn a_big_site_draws_the_entities_in_most_relations_and_says_how_many_are_left_out() {
    let mut files: Vec<(String, String)> = vec![(
        "content/places/hub.md".into(),
        "---\ntitle: Hub\n---\nThe hub.\n".into(),
    )];
    for i in 0..160 {
        files.push((
            format!("content/organizations/o{i}.md"),
            format!(
                "---\ntitle: Org {i}\nrelations:\n  - {{type: located_in, to: Hub}}\n---\nO.\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = TestSite::with_files(&refs);
    site.build().assert_ok();
    let page = site.output("graph/entities/index.html");
    assert!(
        page.contains("150 entries that take part"),
        "{}",
        plain(&page)
    );
    assert!(page.contains("11 more are left out"));
    assert!(
        page.contains("<a href=\"/places/hub/\">"),
        "the hub has most"
    );
}
