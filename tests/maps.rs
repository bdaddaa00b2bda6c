//! Maps drawn from `location` and `route`: the SVG on the page of a located entry or a
//! route and on `/map/`, its links and positions, and the errors of bad input.

mod common;

use common::TestSite;

const CONFIG: &str = "title: Test\nbase_url: https://example.org/d/\n";

/// Three located places (West, East, North), a place without a location that links to
/// East, and a road from West through North to East.
fn located_site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/places/west.md",
            "---\ntitle: West\nkind: place\nlocation: [40.0, 44.0]\n---\nA town.\n",
        ),
        (
            "content/places/east.md",
            "---\ntitle: East\nkind: place\nlocation: {lat: 40.5, lon: 50.0}\n---\nNear [[West]].\n",
        ),
        (
            "content/places/north.md",
            "---\ntitle: North\nkind: place\nlocation: [45.0, 47.0]\n---\nA town.\n",
        ),
        (
            "content/places/unplaced.md",
            "---\ntitle: Unplaced\nkind: place\n---\nBeside [[East]].\n",
        ),
        (
            "content/projects/road.md",
            "---\ntitle: Road\nkind: project\nroute: [\"[[West]]\", north, \"[[East]]\"]\n---\nFrom [[West]] to [[East]].\n",
        ),
    ]);
    site.write("site.yaml", CONFIG);
    site
}

/// The `<svg class="map"…>…</svg>` of a page, if it has one.
fn map_svg(html: &str) -> Option<&str> {
    let start = html.find("<svg class=\"map\"")?;
    let end = html[start..].find("</svg>")? + start + "</svg>".len();
    Some(&html[start..end])
}

fn attr(text: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let at = text
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        + key.len();
    let end = text[at..].find('"').unwrap() + at;
    text[at..end].parse().unwrap()
}

/// The centre of the circle of the place titled `title` on a map.
fn node(svg: &str, title: &str) -> (f64, f64) {
    let at = svg
        .find(&format!("<title>{title} ("))
        .unwrap_or_else(|| panic!("no place {title} in {svg}"));
    let circle = &svg[at..];
    let circle = &circle[circle.find("<circle").unwrap()..];
    let circle = &circle[..circle.find("/>").unwrap()];
    (attr(circle, "cx"), attr(circle, "cy"))
}

/// The points of the route lines of a map, each line a list of points.
fn lines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.match_indices("<polyline class=\"route\" fill=\"none\" points=\"")
        .map(|(i, m)| {
            let rest = &svg[i + m.len()..];
            rest[..rest.find('"').unwrap()]
                .split(' ')
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// Every `href` of a map, as the file of the output it leads to.
fn assert_links_resolve(site: &TestSite, svg: &str) -> usize {
    let hrefs: Vec<&str> = svg
        .match_indices("href=\"")
        .map(|(i, m)| {
            let rest = &svg[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    for href in &hrefs {
        let path = href
            .strip_prefix("/d/")
            .unwrap_or_else(|| panic!("{href} has the base path"));
        let file = site.path("public").join(path).join("index.html");
        assert!(file.is_file(), "{href} leads to no page");
    }
    hrefs.len()
}

#[test]
fn the_map_page_shows_every_place_where_its_coordinates_say() {
    let site = located_site();
    site.run(&["build", "--strict"]).assert_ok();
    let page = site.output("map/index.html");
    let svg = map_svg(&page).expect("the map page has a map");
    // Four places and one route, each a link to an existing page.
    assert_eq!(assert_links_resolve(&site, svg), 4);
    assert_eq!(svg.matches("<circle").count(), 3);

    let (west, east, north) = (node(svg, "West"), node(svg, "East"), node(svg, "North"));
    assert!(
        west.0 < north.0 && north.0 < east.0,
        "west to east: {west:?} {north:?} {east:?}"
    );
    assert!(
        north.1 < east.1 && east.1 < west.1,
        "north to south: {west:?} {north:?} {east:?}"
    );

    // The road runs through its stops in order.
    let lines = lines(svg);
    assert_eq!(lines.len(), 1, "{svg}");
    let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 0.11 && (a.1 - b.1).abs() < 0.11;
    assert_eq!(lines[0].len(), 3);
    assert!(close(lines[0][0], west) && close(lines[0][1], north) && close(lines[0][2], east));
    assert!(
        svg.contains("<title>Road: West → North → East</title>"),
        "{svg}"
    );
    assert!(
        svg.contains("role=\"group\" aria-labelledby=\"map-title\" aria-describedby=\"map-desc\"")
    );
    assert!(svg.contains("<desc id=\"map-desc\">Places: "));

    // The page lists the places and the route as text, and the nav links to it.
    assert!(page.contains("<td>40° N, 44° E</td>"), "{page}");
    assert!(page.contains("<a href=\"/d/places/west/\">West</a> → "));
    let home = site.output("index.html");
    assert!(
        home.contains("<a href=\"/d/map/\">Map</a>"),
        "the nav links to the map"
    );
}

#[test]
fn an_entry_page_maps_the_located_entries_it_links_to_or_is_linked_from() {
    let site = located_site();
    site.build().assert_ok();

    // East links to West; Road (a route) and Unplaced (no location) link to East.
    let east = site.output("places/east/index.html");
    let svg = map_svg(&east).expect("a located entry has a map");
    assert_links_resolve(&site, svg);
    node(svg, "West");
    node(svg, "North");
    assert!(svg.contains("aria-current=\"page\""), "{svg}");
    assert_eq!(lines(svg).len(), 1, "the road that links here is drawn");
    assert!(!svg.contains("Unplaced"), "{svg}");

    // A route without a location of its own: its line and stops.
    let road = site.output("projects/road/index.html");
    let svg = map_svg(&road).expect("a route has a map");
    assert_eq!(lines(svg)[0].len(), 3);
    assert_links_resolve(&site, svg);

    // North is only a stop: the road does not link to it, so its page shows it alone.
    let north = site.output("places/north/index.html");
    let svg = map_svg(&north).expect("a located entry has a map");
    assert_eq!(svg.matches("<circle").count(), 1);

    // No location, no route: no map.
    let unplaced = site.output("places/unplaced/index.html");
    assert!(map_svg(&unplaced).is_none());
}

#[test]
fn a_site_without_locations_has_no_map_page() {
    let site = TestSite::with_files(&[
        ("content/places/a.md", "---\ntitle: A\n---\nText.\n"),
        // Without a map page, a folder may take its URL.
        ("content/map/b.md", "---\ntitle: B\n---\nText.\n"),
    ]);
    site.build().assert_ok();
    assert!(
        site.path("public/map/index.html").is_file(),
        "the section's page"
    );
    let page = site.output("map/index.html");
    assert!(map_svg(&page).is_none());
    assert!(!site.output("index.html").contains(">Map</a>"));
    assert!(map_svg(&site.output("places/a/index.html")).is_none());
}

#[test]
fn an_entry_on_the_map_url_is_an_error_naming_both() {
    let site = located_site();
    site.write("content/map.md", "---\ntitle: Map\n---\nText.\n");
    let run = site.build();
    run.assert_code(1);
    run.assert_reports(
        "error: content/map.md: two pages have the URL /map/: the map and the entry content/map.md",
    );
    let site = located_site();
    site.write("content/map/_index.md", "---\ntitle: Maps\n---\nText.\n");
    site.write("content/map/x.md", "---\ntitle: X\n---\nText.\n");
    site.build()
        .assert_code(1)
        .assert_reports("error: content/map/_index.md: two pages have the URL /map/: the map and the section content/map/");
}

#[test]
fn bad_locations_and_route_stops_are_errors_at_their_line_and_column() {
    let site = located_site();
    site.write(
        "content/places/bad.md",
        "---\ntitle: Bad\nkind: place\nlocation: [95, 10]\n---\nText.\n",
    );
    site.build().assert_code(1).assert_reports(
        "error: content/places/bad.md:4:11: `location`: latitude 95 is out of range",
    );

    let site = located_site();
    site.write(
        "content/places/bad.md",
        "---\ntitle: Bad\nkind: place\nlocation: {lat: 40, lon: east}\n---\nText.\n",
    );
    site.build()
        .assert_code(1)
        .assert_reports("error: content/places/bad.md:4:");

    let site = located_site();
    site.write(
        "content/projects/road.md",
        "---\ntitle: Road\nkind: project\nroute: [\"[[West]]\", \"[[Eest]]\"]\n---\nText.\n",
    );
    let run = site.build();
    run.assert_code(1).assert_reports(
        "error: content/projects/road.md:4:22: route stop `Eest`: no entry has this title, alias or slug",
    );
    assert!(
        run.stderr.contains("did you mean `East`?"),
        "{}",
        run.stderr
    );

    let site = located_site();
    site.write(
        "content/projects/road.md",
        "---\ntitle: Road\nkind: project\nroute:\n  - West\n  - Unplaced\n---\nText.\n",
    );
    site.build().assert_code(1).assert_reports(
        "error: content/projects/road.md:6:5: route stop `Unplaced` is content/places/unplaced.md, which has no `location`",
    );
}
