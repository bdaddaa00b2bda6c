//! Maps drawn at build time as inline SVG from the entries' `location` and `route`: the
//! map on the page of an entry that has either, and the site's map at `/map/`.
//!
//! The projection is equirectangular, its east–west scale the cosine of the middle
//! latitude, which keeps a region of a few hundred kilometres close to its true shape.
//! A route is drawn as straight lines between its stops, in order. Like the relations
//! pictures: no script, every place a link, the same site gives the same bytes.

use std::fmt::Write as _;

use tera::Value;

use super::reads::{Backlinks, Label, Links, Located, LocationOf, Reads, RouteEntries, RouteOf};
use super::svg::{place_labels, shorten};
use super::views::{list, obj, text};
use crate::content::front_matter::Location;
use crate::graph::EntryId;
use crate::text::xml_escape;

/// The largest drawing inside the margins, in the picture's units.
const MAX_WIDTH: f64 = 600.0;
const MAX_HEIGHT: f64 = 560.0;
/// Room left and right for labels, and above and below.
const MARGIN_X: f64 = 150.0;
const MARGIN_Y: f64 = 40.0;
/// The smallest span of a map, in degrees, so that two close places are not drawn at
/// opposite corners of the picture.
const MIN_SPAN: f64 = 0.6;
/// The font size of the labels (the theme's), for placing them.
const LABEL_SIZE: f64 = 14.0;
const LABEL_CHARS: usize = 32;

/// `40.41° N, 49.87° E`.
pub fn degrees(at: Location) -> String {
    let ns = if at.lat < 0.0 { 'S' } else { 'N' };
    let ew = if at.lon < 0.0 { 'W' } else { 'E' };
    format!("{}° {ns}, {}° {ew}", at.lat.abs(), at.lon.abs())
}

/// What one map shows: places, and lines through stops.
struct Drawing {
    /// Each place once, in the order they are drawn.
    places: Vec<(EntryId, Location)>,
    /// The entry whose page the map is on.
    centre: Option<EntryId>,
    /// Each route: its entry, and its stops with their locations.
    lines: Vec<(EntryId, Vec<(EntryId, Location)>)>,
    title: String,
}

impl Drawing {
    fn add_place(&mut self, id: EntryId, at: Location) {
        if !self.places.iter().any(|(p, _)| *p == id) {
            self.places.push((id, at));
        }
    }

    /// A route and its stops, which are places of the map too.
    fn add_line(&mut self, reads: &Reads<'_>, id: EntryId) {
        let stops: Vec<(EntryId, Location)> = reads
            .get(RouteOf(id))
            .iter()
            .filter_map(|&s| reads.get(LocationOf(s)).map(|at| (s, at)))
            .collect();
        if stops.len() < 2 || self.lines.iter().any(|(l, _)| *l == id) {
            return;
        }
        for &(s, at) in &stops {
            self.add_place(s, at);
        }
        self.lines.push((id, stops));
    }
}

/// The map of an entry that has a `location` or a `route`: the entry, the located
/// entries it links to or is linked from, and the routes among them (its own first).
/// Empty for an entry with neither.
pub fn entry_map(reads: &Reads<'_>, id: EntryId) -> String {
    let own = reads.get(LocationOf(id));
    let has_route = !reads.get(RouteOf(id)).is_empty();
    if own.is_none() && !has_route {
        return String::new();
    }
    let mut others: Vec<EntryId> = reads
        .get(Links(id))
        .iter()
        .map(|l| EntryId(l.target))
        .chain(reads.get(Backlinks(id)).iter().map(|b| b.from))
        .filter(|&o| o != id)
        .collect();
    others.sort_unstable();
    others.dedup();
    let (title, _, _, _) = reads.get(Label(id));
    let mut drawing = Drawing {
        places: Vec::new(),
        centre: Some(id),
        lines: Vec::new(),
        title: format!("Map of “{title}” and the places it links to or is linked from"),
    };
    if let Some(at) = own {
        drawing.add_place(id, at);
    }
    drawing.add_line(reads, id);
    for &o in &others {
        if let Some(at) = reads.get(LocationOf(o)) {
            drawing.add_place(o, at);
        }
        if !reads.get(RouteOf(o)).is_empty() {
            drawing.add_line(reads, o);
        }
    }
    draw(reads, &drawing)
}

/// The map of the whole site: every located entry and every route.
pub fn site_map(reads: &Reads<'_>) -> String {
    let mut drawing = Drawing {
        places: Vec::new(),
        centre: None,
        lines: Vec::new(),
        title: format!("Map of the places of {}", reads.config().title),
    };
    for &p in reads.get(Located) {
        if let Some(at) = reads.get(LocationOf(p)) {
            drawing.add_place(p, at);
        }
    }
    for &r in reads.get(RouteEntries) {
        drawing.add_line(reads, r);
    }
    draw(reads, &drawing)
}

/// The map page's lists: `places` (each `{title, url, kind, lat, lon, position}`, by
/// title) and `routes` (each `{title, url, stops}`, the stops `{title, url}` in order).
pub fn site_lists(reads: &Reads<'_>) -> (Value, Value) {
    let config = reads.config();
    let mut located: Vec<(EntryId, Location)> = reads
        .get(Located)
        .iter()
        .filter_map(|&p| reads.get(LocationOf(p)).map(|at| (p, at)))
        .collect();
    located.sort_by(|a, b| reads.get(Label(a.0)).3.cmp(reads.get(Label(b.0)).3));
    let places = list(located.into_iter().map(|(id, at)| {
        let (title, path, kind, _) = reads.get(Label(id));
        obj([
            ("title", text(title)),
            ("url", text(&config.url(path))),
            ("kind", text(kind)),
            ("lat", Value::from(at.lat)),
            ("lon", Value::from(at.lon)),
            ("position", text(&degrees(at))),
        ])
    }));
    let link = |id: EntryId| {
        let (title, path, _, _) = reads.get(Label(id));
        obj([("title", text(title)), ("url", text(&config.url(path)))])
    };
    let routes = list(reads.get(RouteEntries).iter().map(|&r| {
        let (title, path, _, _) = reads.get(Label(r));
        obj([
            ("title", text(title)),
            ("url", text(&config.url(path))),
            (
                "stops",
                list(reads.get(RouteOf(r)).iter().map(|&s| link(s))),
            ),
        ])
    }));
    (places, routes)
}

/// The bounds of a map, in degrees: south, north, west, east.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bounds {
    s: f64,
    n: f64,
    w: f64,
    e: f64,
}

impl Bounds {
    /// Around `points`, with a margin, at least [`MIN_SPAN`] each way.
    fn around(points: impl Iterator<Item = Location>) -> Option<Bounds> {
        let mut b: Option<Bounds> = None;
        for p in points {
            let x = b.get_or_insert(Bounds {
                s: p.lat,
                n: p.lat,
                w: p.lon,
                e: p.lon,
            });
            x.s = x.s.min(p.lat);
            x.n = x.n.max(p.lat);
            x.w = x.w.min(p.lon);
            x.e = x.e.max(p.lon);
        }
        let b = b?;
        let grow = |lo: f64, hi: f64| {
            let half = (hi - lo).max(MIN_SPAN) * 0.55;
            let mid = (lo + hi) / 2.0;
            (mid - half, mid + half)
        };
        let (s, n) = grow(b.s, b.n);
        let (w, e) = grow(b.w, b.e);
        Some(Bounds {
            s: s.max(-90.0),
            n: n.min(90.0),
            w,
            e,
        })
    }
}

/// Where a location is drawn, and the picture's size.
struct Projection {
    b: Bounds,
    kx: f64,
    scale: f64,
    width: f64,
    height: f64,
}

impl Projection {
    fn new(b: Bounds) -> Projection {
        let kx = ((b.s + b.n) / 2.0).to_radians().cos().max(0.05);
        let (dx, dy) = ((b.e - b.w) * kx, (b.n - b.s).max(1e-9));
        let scale = (MAX_WIDTH / dx.max(1e-9)).min(MAX_HEIGHT / dy);
        Projection {
            b,
            kx,
            scale,
            width: (dx * scale + 2.0 * MARGIN_X).round(),
            height: (dy * scale + 2.0 * MARGIN_Y).round(),
        }
    }

    fn x(&self, lon: f64) -> f64 {
        MARGIN_X + (lon - self.b.w) * self.kx * self.scale
    }

    fn y(&self, lat: f64) -> f64 {
        MARGIN_Y + (self.b.n - lat) * self.scale
    }

    fn xy(&self, at: Location) -> (f64, f64) {
        (self.x(at.lon), self.y(at.lat))
    }
}

/// The multiples of `step` from `lo` to `hi` (both included): where grid lines go.
fn round_degrees(lo: f64, hi: f64, step: f64) -> impl Iterator<Item = f64> {
    let first = (lo / step).ceil() as i64;
    (first..)
        .map(move |k| k as f64 * step)
        .take_while(move |&v| v <= hi)
}

/// A round step for grid lines over `span` degrees: about three to six lines.
fn grid_step(span: f64) -> f64 {
    [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0]
        .into_iter()
        .find(|step| span / step <= 6.0)
        .unwrap_or(45.0)
}

/// `40°N`, `49.5°E` for a grid line.
fn grid_label(v: f64, step: f64, positive: char, negative: char) -> String {
    let hemisphere = if v < 0.0 { negative } else { positive };
    let digits = usize::from(step < 1.0);
    format!("{:.*}°{hemisphere}", digits, v.abs())
}

fn draw(reads: &Reads<'_>, d: &Drawing) -> String {
    let Some(bounds) = Bounds::around(d.places.iter().map(|p| p.1)) else {
        return String::new();
    };
    let config = reads.config();
    let p = Projection::new(bounds);
    let (width, height) = (p.width, p.height);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        "<svg class=\"map\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-labelledby=\"map-title\" aria-describedby=\"map-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"map-title\">"
    );
    xml_escape(&mut svg, &d.title);
    svg.push_str("</title><desc id=\"map-desc\">");
    let mut desc = String::from("Places: ");
    for (i, &(id, at)) in d.places.iter().enumerate() {
        let (title, ..) = reads.get(Label(id));
        if i > 0 {
            desc.push_str("; ");
        }
        let _ = write!(desc, "{title}, {}", degrees(at));
    }
    desc.push('.');
    for (id, stops) in &d.lines {
        let (title, ..) = reads.get(Label(*id));
        let names: Vec<&str> = stops.iter().map(|s| reads.get(Label(s.0)).0).collect();
        let _ = write!(desc, " {title}: {}.", names.join(" → "));
    }
    if !d.lines.is_empty() {
        desc.push_str(" A route is drawn as straight lines between its stops.");
    }
    xml_escape(&mut svg, &desc);
    let _ = write!(
        svg,
        "</desc><rect class=\"map-bg\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"none\"/>"
    );

    // The grid: parallels and meridians at round degrees, labelled at the edges.
    svg.push_str("<g class=\"graticule\" aria-hidden=\"true\">");
    let lat_step = grid_step(bounds.n - bounds.s);
    let lon_step = grid_step(bounds.e - bounds.w);
    for lat in round_degrees(bounds.s, bounds.n, lat_step) {
        let y = p.y(lat);
        let _ = write!(
            svg,
            "<line x1=\"0\" y1=\"{y:.1}\" x2=\"{width}\" y2=\"{y:.1}\"/><text x=\"4\" y=\"{:.1}\">{}</text>",
            y - 3.0,
            grid_label(lat, lat_step, 'N', 'S')
        );
    }
    for lon in round_degrees(bounds.w, bounds.e, lon_step) {
        let x = p.x(lon);
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{height}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 3.0,
            height - 4.0,
            grid_label(lon, lon_step, 'E', 'W')
        );
    }
    svg.push_str("</g>");

    // Labels: the places', then each route's beside the middle of its line.
    let mut nodes: Vec<(f64, f64, f64)> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for &(id, at) in &d.places {
        let (x, y) = p.xy(at);
        let r = if Some(id) == d.centre { 9.0 } else { 6.0 };
        nodes.push((x, y, r));
        texts.push(shorten(reads.get(Label(id)).0, LABEL_CHARS));
    }
    for (id, stops) in &d.lines {
        // Beside the middle of its longest segment, where a label has most room.
        let length = |k: usize| {
            let (a, b) = (p.xy(stops[k].1), p.xy(stops[k + 1].1));
            (a.0 - b.0).hypot(a.1 - b.1)
        };
        let k = (0..stops.len() - 1)
            .max_by(|&i, &j| length(i).total_cmp(&length(j)).then(j.cmp(&i)))
            .unwrap_or(0);
        let (a, b) = (p.xy(stops[k].1), p.xy(stops[k + 1].1));
        nodes.push(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, 3.0));
        texts.push(shorten(reads.get(Label(*id)).0, LABEL_CHARS));
    }
    let labels = place_labels(&nodes, &texts, LABEL_SIZE, (width, height));

    svg.push_str("<g class=\"routes\">");
    for (i, (id, stops)) in d.lines.iter().enumerate() {
        let (title, path, _, _) = reads.get(Label(*id));
        let names: Vec<&str> = stops.iter().map(|s| reads.get(Label(s.0)).0).collect();
        svg.push_str("<a href=\"");
        xml_escape(&mut svg, &config.url(path));
        svg.push_str("\"><title>");
        xml_escape(&mut svg, &format!("{title}: {}", names.join(" → ")));
        svg.push_str("</title><polyline class=\"route\" fill=\"none\" points=\"");
        for (j, &(_, at)) in stops.iter().enumerate() {
            let (x, y) = p.xy(at);
            let _ = write!(svg, "{}{x:.1},{y:.1}", if j > 0 { " " } else { "" });
        }
        svg.push_str("\"/>");
        if let Some(label) = labels.get(d.places.len() + i) {
            let _ = write!(
                svg,
                "<text class=\"route-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">",
                label.centre_x(),
                label.baseline()
            );
            xml_escape(&mut svg, &texts[d.places.len() + i]);
            svg.push_str("</text>");
        }
        svg.push_str("</a>");
    }
    svg.push_str("</g><g class=\"places\">");
    for (i, &(id, at)) in d.places.iter().enumerate() {
        let (title, path, kind, _) = reads.get(Label(id));
        let (x, y) = p.xy(at);
        let centre = Some(id) == d.centre;
        svg.push_str("<a href=\"");
        xml_escape(&mut svg, &config.url(path));
        svg.push('"');
        if centre {
            svg.push_str(" aria-current=\"page\"");
        }
        svg.push_str("><title>");
        xml_escape(&mut svg, &format!("{title} ({kind}, {})", degrees(at)));
        let _ = write!(
            svg,
            "</title><circle class=\"node kind-{kind}{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\"/>",
            if centre { " centre" } else { "" },
            nodes[i].2
        );
        if let Some(label) = labels.get(i) {
            let _ = write!(
                svg,
                "<text{} x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">",
                if centre {
                    " class=\"centre-label\""
                } else {
                    ""
                },
                label.centre_x(),
                label.baseline()
            );
            xml_escape(&mut svg, &texts[i]);
            svg.push_str("</text>");
        }
        svg.push_str("</a>");
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Location {
        Location { lat, lon }
    }

    #[test]
    fn west_is_left_and_north_is_up() {
        let b = Bounds::around([at(40.41, 49.87), at(55.76, 37.62)].into_iter()).unwrap();
        let p = Projection::new(b);
        let (baku, moscow) = (p.xy(at(40.41, 49.87)), p.xy(at(55.76, 37.62)));
        assert!(moscow.0 < baku.0, "{moscow:?} {baku:?}");
        assert!(moscow.1 < baku.1, "{moscow:?} {baku:?}");
        for (x, y) in [baku, moscow] {
            assert!(x >= MARGIN_X - 1e-6 && x <= p.width - MARGIN_X + 1e-6);
            assert!(y >= MARGIN_Y - 1e-6 && y <= p.height - MARGIN_Y + 1e-6);
        }
    }

    #[test]
    fn the_east_west_scale_shrinks_with_latitude() {
        // One degree east and one degree north at 60° N: the east step is half the other.
        let b = Bounds::around([at(59.5, 10.0), at(60.5, 11.0)].into_iter()).unwrap();
        let p = Projection::new(b);
        let east = p.x(11.0) - p.x(10.0);
        let north = p.y(59.5) - p.y(60.5);
        assert!((east / north - 0.5).abs() < 0.01, "{east} {north}");
    }

    #[test]
    fn one_place_gets_a_map_of_the_smallest_span() {
        let b = Bounds::around([at(40.0, 50.0)].into_iter()).unwrap();
        assert!((b.n - b.s - MIN_SPAN * 1.1).abs() < 1e-9, "{b:?}");
        assert!(b.s < 40.0 && b.n > 40.0 && b.w < 50.0 && b.e > 50.0);
    }

    #[test]
    fn grid_steps_and_labels_are_round() {
        assert_eq!(grid_step(20.0), 5.0);
        assert_eq!(grid_step(0.66), 0.2);
        assert_eq!(grid_label(40.0, 5.0, 'N', 'S'), "40°N");
        assert_eq!(grid_label(-33.4, 0.2, 'N', 'S'), "33.4°S");
        assert_eq!(degrees(at(40.41, -3.7)), "40.41° N, 3.7° W");
    }
}
