//! Pictures of the relations, laid out at build time as inline SVG: an entry's
//! neighbourhood, and the graph of tags. No script; every node is a link. The layouts are
//! deterministic: the same site gives the same bytes.

use std::fmt::Write as _;

use super::reads::{
    Backlinks, EntryData, EntryImageOf, Label, Links, Reads, RelatedTo, RelationsOf, TagId,
    TagNeighbours, TagStat, TopTags,
};
use crate::config::Config;
use crate::graph::EntryId;
use crate::text::xml_escape;

/// How a neighbour relates to the entry in the middle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    /// A typed relation (`relations:`): its type's number, and whether the entry in the
    /// middle states it (the arrow points away from it) or the neighbour does.
    Typed(u16, bool),
    /// Links both ways.
    Mutual,
    LinksTo,
    LinkedFrom,
    Related,
}

impl Relation {
    fn class(self) -> &'static str {
        match self {
            Relation::Typed(..) => "rel-typed",
            Relation::Mutual => "rel-mutual",
            Relation::LinksTo => "rel-out",
            Relation::LinkedFrom => "rel-in",
            Relation::Related => "rel-related",
        }
    }

    fn label(self, config: &Config) -> &str {
        match self {
            Relation::Typed(t, true) => &config.relations.get(t).label,
            Relation::Typed(t, false) => &config.relations.get(t).inverse,
            Relation::Mutual => "links both ways",
            Relation::LinksTo => "linked from this entry",
            Relation::LinkedFrom => "links to this entry",
            Relation::Related => "shares tags",
        }
    }
}

const MAX_NEIGHBOURS: usize = 14;
/// The characters of a line of a neighbour's label (two lines at most), and the distance
/// between the lines, in the picture's units (the theme sets its text at 13).
const LABEL_CHARS: usize = 30;
/// Widths of a character, generously, of a node's label (13) and of a typed relation's
/// label (11), to keep the one from covering the other.
const NODE_CHAR: f64 = 8.0;
pub(super) const EDGE_CHAR: f64 = 7.0;
const LINE: f64 = 15.0;

pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s = s.trim_end().to_string();
    s.push('…');
    s
}

/// `text` in at most `lines` lines of at most `max` characters, broken between words; the
/// last line ends in `…` when the text goes on.
fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() && out.len() < lines {
        let mut line = words[i].to_string();
        i += 1;
        while i < words.len() && line.chars().count() + 1 + words[i].chars().count() <= max {
            line.push(' ');
            line.push_str(words[i]);
            i += 1;
        }
        out.push(line);
    }
    if i < words.len() {
        let last = out.pop().unwrap_or_default();
        out.push(shorten_at_word(
            &format!("{last} {}", words[i..].join(" ")),
            max,
        ));
    }
    for line in &mut out {
        if line.chars().count() > max {
            *line = shorten(line, max);
        }
    }
    out
}

/// `text` cut to at most `max` characters at the end of a word, with `…`; cut inside the
/// first word only when it alone is too long.
fn shorten_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut line = String::new();
    for word in text.split_whitespace() {
        let space = usize::from(!line.is_empty());
        if line.chars().count() + space + word.chars().count() + 1 > max {
            break;
        }
        if space == 1 {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.is_empty() {
        return shorten(text, max);
    }
    line.push('…');
    line
}

/// A coordinate in whole pixels: every entry page has a picture, and whole numbers are
/// shorter and faster to write than decimals.
pub(super) fn px(v: f64) -> i64 {
    v.round() as i64
}

/// The neighbours of an entry: linked both ways, linked to, linking here, then related.
fn neighbours(reads: &Reads<'_>, id: EntryId) -> Vec<(EntryId, Relation)> {
    let mut out: Vec<EntryId> = reads
        .get(Links(id))
        .iter()
        .map(|l| EntryId(l.target))
        .filter(|&t| t != id)
        .collect();
    out.sort();
    out.dedup();
    let incoming: Vec<EntryId> = reads.get(Backlinks(id)).iter().map(|b| b.from).collect();
    let mut list: Vec<(EntryId, Relation)> = Vec::new();
    // A typed relation says more than a link: the first one to each neighbour is drawn.
    for r in reads.get(RelationsOf(id)) {
        if !list.iter().any(|(e, _)| *e == r.other) {
            list.push((r.other, Relation::Typed(r.rtype, r.outgoing)));
        }
    }
    for &t in &out {
        if list.iter().any(|(e, _)| *e == t) {
            continue;
        }
        let relation = if incoming.contains(&t) {
            Relation::Mutual
        } else {
            Relation::LinksTo
        };
        list.push((t, relation));
    }
    for &f in &incoming {
        if !out.contains(&f) && !list.iter().any(|(e, _)| *e == f) {
            list.push((f, Relation::LinkedFrom));
        }
    }
    for r in reads.get(RelatedTo(id)) {
        if !list.iter().any(|(e, _)| *e == r.id) {
            list.push((r.id, Relation::Related));
        }
    }
    list.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| reads.get(Label(a.0)).3.cmp(reads.get(Label(b.0)).3))
    });
    list.truncate(MAX_NEIGHBOURS);
    list
}

/// Where a neighbour's label stands: its anchor, the first line's baseline, its lines, and
/// the radius of the node it names.
struct NodeLabel {
    anchor: &'static str,
    x: f64,
    y: f64,
    lines: Vec<String>,
    r: f64,
}

impl NodeLabel {
    /// The label of the node of radius `r` at `(x, y)`: its lines centred beside the
    /// circle (on the side away from the centre), or stacked above or below it.
    fn beside(title: &str, (x, y): (f64, f64), r: f64, (cx, cy): (f64, f64)) -> NodeLabel {
        let lines = wrap(title, LABEL_CHARS, 2);
        let below = (lines.len() - 1) as f64 * LINE;
        let (anchor, lx, ly) = if x < cx - 1.0 {
            ("end", x - r - 3.0, y + 4.0 - below / 2.0)
        } else if x > cx + 1.0 {
            ("start", x + r + 3.0, y + 4.0 - below / 2.0)
        } else if y < cy {
            ("middle", x, y - r - 5.0 - below)
        } else {
            ("middle", x, y + r + 13.0)
        };
        NodeLabel {
            anchor,
            x: lx,
            y: ly,
            lines,
            r,
        }
    }

    /// A generous box around the label's text (wider than the theme's letters).
    fn bounds(&self) -> [f64; 4] {
        let chars = self.lines.iter().map(|l| l.chars().count()).max();
        let w = chars.unwrap_or(0) as f64 * NODE_CHAR;
        let x0 = match self.anchor {
            "end" => self.x - w,
            "start" => self.x,
            _ => self.x - w / 2.0,
        };
        let last = self.y + (self.lines.len() - 1) as f64 * LINE;
        [x0, self.y - 13.0, x0 + w, last + 4.0]
    }
}

/// The radius of a neighbour's node that shows the entry's picture, and of the entry's
/// own in the middle (a plain node is 7 and 11).
const THUMB_R: f64 = 18.0;
const CENTRE_THUMB_R: f64 = 26.0;

/// The URL of the picture a node of entry `id` shows: the smallest variant of its
/// `image` (the original when it has none), read through `EntryImageOf`, so that a page
/// whose picture shows another entry's picture is rendered again when it changes. None
/// for an entry without one, or with an external picture.
fn thumb_url(reads: &Reads<'_>, id: EntryId) -> Option<String> {
    let image = reads.get(EntryImageOf(id))?;
    image.file.as_ref()?;
    Some(match image.variants.first() {
        Some(v) => crate::images::variant_url(&image.url, v),
        None => image.url.clone(),
    })
}

/// A round picture of radius `r` at `(x, y)`, inside the node's circle (which draws its
/// ring); hidden from assistive technology, as the link's title names the entry.
fn thumbnail(svg: &mut String, url: &str, x: f64, y: f64, r: f64) {
    let inner = r - 2.0;
    svg.push_str("<image class=\"thumb\" href=\"");
    xml_escape(svg, url);
    let _ = write!(
        svg,
        "\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"xMidYMid slice\" clip-path=\"url(#relations-round)\" aria-hidden=\"true\"/>",
        px(x - inner),
        px(y - inner),
        px(2.0 * inner),
        px(2.0 * inner)
    );
}

/// The entry's neighbourhood as an SVG: the entry in the middle, its neighbours on a
/// circle around it, coloured by kind, the edge style saying how they relate. Empty when
/// the entry has no neighbours.
pub fn neighbourhood(reads: &Reads<'_>, id: EntryId) -> String {
    let list = neighbours(reads, id);
    if list.is_empty() {
        return String::new();
    }
    let config = reads.config();
    // Wide enough for labels of LABEL_CHARS characters left and right of the circle.
    let (width, height) = (900.0f64, 440.0f64);
    let (cx, cy) = (width / 2.0, height / 2.0);
    let (rx, ry) = (170.0, 165.0);
    let (entry, _) = reads.get(EntryData(id));
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        "<svg class=\"relations\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-labelledby=\"relations-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"relations-title\">"
    );
    xml_escape(
        &mut svg,
        &format!(
            "How “{}” relates to {} other entries",
            entry.front.title,
            list.len()
        ),
    );
    svg.push_str("</title>");

    let positions: Vec<(f64, f64)> = (0..list.len())
        .map(|i| {
            let angle =
                -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / list.len() as f64;
            (cx + rx * angle.cos(), cy + ry * angle.sin())
        })
        .collect();
    let typed = list.iter().any(|(_, r)| matches!(r, Relation::Typed(..)));
    let thumbs: Vec<Option<String>> = list.iter().map(|(o, _)| thumb_url(reads, *o)).collect();
    let centre_thumb = thumb_url(reads, id);
    let centre_r = if centre_thumb.is_some() {
        CENTRE_THUMB_R
    } else {
        11.0
    };
    let labels: Vec<NodeLabel> = list
        .iter()
        .zip(&positions)
        .zip(&thumbs)
        .map(|(((other, _), &(x, y)), thumb)| {
            let r = if thumb.is_some() { THUMB_R } else { 7.0 };
            NodeLabel::beside(reads.get(Label(*other)).0, (x, y), r, (cx, cy))
        })
        .collect();
    let centre_title = shorten(&entry.front.title, 34);
    // Where the text of each node's label and of the centre's stands, so that a typed
    // relation's label is drawn only where it covers none of them.
    let mut taken: Vec<[f64; 4]> = labels.iter().map(NodeLabel::bounds).collect();
    let half = centre_title.chars().count() as f64 * NODE_CHAR / 2.0;
    let base = cy + centre_r + 17.0;
    taken.push([cx - half, base - 13.0, cx + half, base + 4.0]);
    if typed {
        // The head of a typed relation's arrow, at the end of its line.
        svg.push_str(
            "<defs><marker id=\"relations-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"arrow\" d=\"M0,0L10,5L0,10z\"/></marker></defs>",
        );
    }
    svg.push_str("<g class=\"edges\" aria-hidden=\"true\">");
    for ((_, relation), (x, y)) in list.iter().zip(&positions) {
        let label = relation.label(config);
        let Relation::Typed(rtype, outgoing) = *relation else {
            let _ = write!(
                svg,
                "<line class=\"edge {}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>",
                relation.class(),
                px(cx),
                px(cy),
                px(*x),
                px(*y),
            );
            xml_escape(&mut svg, label);
            svg.push_str("</title></line>");
            continue;
        };
        // From the entry that states it to the other, stopping short of the node's
        // circle so that the arrow's head shows; the label at the middle.
        let ((x1, y1), (x2, y2)) = if outgoing {
            ((cx, cy), (*x, *y))
        } else {
            ((*x, *y), (cx, cy))
        };
        let length = (x2 - x1).hypot(y2 - y1).max(1.0);
        let stop = if outgoing { 12.0 } else { 16.0 };
        let (ex, ey) = (
            x2 - (x2 - x1) * stop / length,
            y2 - (y2 - y1) * stop / length,
        );
        let _ = write!(
            svg,
            "<line class=\"edge rel-typed\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#relations-arrow)\"><title>",
            px(x1),
            px(y1),
            px(ex),
            px(ey),
        );
        xml_escape(&mut svg, &config.relations.get(rtype).label);
        svg.push_str("</title></line>");
        // Read along the arrow ("Located in", whichever end is in the middle), at the
        // first place along the line where it covers no other text; none when there is
        // none (the arrow's title, and the Relations list, still say it).
        let text = shorten(&config.relations.get(rtype).label, 24);
        let half = text.chars().count() as f64 * EDGE_CHAR / 2.0 + 2.0;
        let spot = [0.5, 0.62, 0.38, 0.74, 0.26].into_iter().find_map(|t| {
            let (lx, ly) = (cx + (x - cx) * t, cy + (y - cy) * t - 3.0);
            let b = [lx - half, ly - 11.0, lx + half, ly + 4.0];
            let clear = taken
                .iter()
                .all(|o| b[2] < o[0] || o[2] < b[0] || b[3] < o[1] || o[3] < b[1]);
            clear.then_some((lx, ly, b))
        });
        if let Some((lx, ly, b)) = spot {
            taken.push(b);
            let _ = write!(
                svg,
                "<text class=\"edge-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
                px(lx),
                px(ly),
            );
            xml_escape(&mut svg, &text);
            svg.push_str("</text>");
        }
    }
    svg.push_str("</g><g class=\"nodes\">");
    if thumbs.iter().any(Option::is_some) || centre_thumb.is_some() {
        // One clip for every thumbnail: a circle in the box of each picture.
        svg.push_str(
            "<clipPath id=\"relations-round\" clipPathUnits=\"objectBoundingBox\"><circle cx=\"0.5\" cy=\"0.5\" r=\"0.5\"/></clipPath>",
        );
    }
    for ((((other, relation), (x, y)), thumb), label) in
        list.iter().zip(&positions).zip(&thumbs).zip(&labels)
    {
        let (title, path, kind, _) = reads.get(Label(*other));
        let NodeLabel {
            anchor,
            x: lx,
            y: ly,
            ref lines,
            r,
        } = *label;
        svg.push_str("<a href=\"");
        xml_escape(&mut svg, &config.url(path));
        svg.push_str("\"><title>");
        xml_escape(
            &mut svg,
            &format!("{title} ({kind}, {})", relation.label(config)),
        );
        let _ = write!(
            svg,
            "</title><circle class=\"node kind-{kind}\" cx=\"{}\" cy=\"{}\" r=\"{r}\"/>",
            px(*x),
            px(*y),
        );
        if let Some(url) = thumb {
            thumbnail(&mut svg, url, *x, *y, r);
        }
        svg.push_str("<text text-anchor=\"");
        svg.push_str(anchor);
        svg.push_str("\">");
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                svg,
                "<tspan x=\"{}\" y=\"{}\">",
                px(lx),
                px(ly + i as f64 * LINE)
            );
            xml_escape(&mut svg, line);
            svg.push_str("</tspan>");
        }
        svg.push_str("</text></a>");
    }
    let kind = &config.kinds.get(entry.front.kind).name;
    let r = centre_r;
    let _ = write!(
        svg,
        "<circle class=\"node centre kind-{kind}\" cx=\"{}\" cy=\"{}\" r=\"{r}\"/>",
        px(cx),
        px(cy),
    );
    if let Some(url) = &centre_thumb {
        thumbnail(&mut svg, url, cx, cy, r);
    }
    let _ = write!(
        svg,
        "<text class=\"centre-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
        px(cx),
        px(cy + r + 17.0)
    );
    xml_escape(&mut svg, &centre_title);
    svg.push_str("</text></g></svg>");
    svg
}

/// The tags as a graph: the most used tags, joined where entries carry both, laid out by
/// a fixed number of force-directed steps from fixed starting points.
pub fn tag_graph(reads: &Reads<'_>, max_tags: u32) -> String {
    let mut order: Vec<TagId> = reads.get(TopTags(max_tags));
    let stat = |t: TagId| reads.get(TagStat(t));
    order.sort_by(|&a, &b| stat(a).1.cmp(stat(b).1));
    if order.is_empty() {
        return String::new();
    }
    let slot: std::collections::HashMap<TagId, usize> =
        order.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let mut edges: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &t) in order.iter().enumerate() {
        for (other, count) in reads.get(TagNeighbours(t)) {
            if let Some(&j) = slot.get(&other)
                && i < j
            {
                edges.push((i, j, count));
            }
        }
    }
    edges.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    edges.truncate(order.len() * 3);

    let (width, n) = (960.0f64, order.len());
    let (pos, height) = spring_layout(n, &edges, width, 640.0);
    let max_count = edges.iter().map(|e| e.2).max().unwrap_or(1) as f64;

    let config = reads.config();
    let max_entries = order.iter().map(|&t| stat(t).2).max().unwrap_or(1) as f64;
    let radius: Vec<f64> = order
        .iter()
        .map(|&t| 4.0 + 14.0 * (stat(t).2 as f64 / max_entries).sqrt())
        .collect();
    let names: Vec<String> = order.iter().map(|&t| shorten(stat(t).0, 40)).collect();
    let nodes: Vec<(f64, f64, f64)> = pos
        .iter()
        .zip(&radius)
        .map(|(&(x, y), &r)| (x, y, r))
        .collect();
    let labels = place_labels(&nodes, &names, LABEL_SIZE, (width, height));
    let mut svg = String::with_capacity(16384);
    let _ = write!(
        svg,
        "<svg class=\"tag-graph\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-labelledby=\"tag-graph-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"tag-graph-title\">The {n} most used tags, joined where entries carry both</title><g class=\"edges\" aria-hidden=\"true\">"
    );
    for &(i, j, count) in &edges {
        let w = 0.6 + 3.0 * count as f64 / max_count;
        let _ = write!(
            svg,
            "<line class=\"edge\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke-width=\"{w:.2}\"/>",
            pos[i].0, pos[i].1, pos[j].0, pos[j].1
        );
    }
    svg.push_str("</g><g class=\"nodes\">");
    for (i, &t) in order.iter().enumerate() {
        let (name, slug, count) = stat(t);
        let (x, y) = pos[i];
        let r = radius[i];
        let label = &labels[i];
        svg.push_str("<a href=\"");
        xml_escape(&mut svg, &config.url(&crate::pages::tag(slug)));
        svg.push_str("\"><title>");
        xml_escape(&mut svg, &format!("{name} ({count} entries)"));
        let _ = write!(
            svg,
            "</title><circle class=\"node\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">",
            label.centre_x(),
            label.baseline()
        );
        xml_escape(&mut svg, &names[i]);
        svg.push_str("</text></a>");
    }
    svg.push_str("</g></svg>");
    svg
}

/// Positions for `n` nodes joined by `edges` (`(i, j, weight)`: a heavier edge pulls
/// harder), by a fixed number of force-directed steps from points on an ellipse, levelled
/// and fitted into a picture `width` wide and at most `height` tall; with the height the
/// layout needs.
pub(super) fn spring_layout(
    n: usize,
    edges: &[(usize, usize, usize)],
    width: f64,
    height: f64,
) -> (Vec<(f64, f64)>, f64) {
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / n as f64;
            (
                width / 2.0 + 260.0 * angle.cos(),
                height / 2.0 + 220.0 * angle.sin(),
            )
        })
        .collect();
    let max_count = edges.iter().map(|e| e.2).max().unwrap_or(1) as f64;
    let k = ((width * height) / n as f64).sqrt() * 0.6;
    let mut temperature = width / 8.0;
    for _ in 0..300 {
        let mut shift = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in (i + 1)..n {
                let dx = pos[i].0 - pos[j].0;
                let dy = pos[i].1 - pos[j].1;
                let d = (dx * dx + dy * dy).sqrt().max(0.5);
                let f = k * k / d;
                shift[i].0 += dx / d * f;
                shift[i].1 += dy / d * f;
                shift[j].0 -= dx / d * f;
                shift[j].1 -= dy / d * f;
            }
        }
        for &(i, j, count) in edges {
            let dx = pos[i].0 - pos[j].0;
            let dy = pos[i].1 - pos[j].1;
            let d = (dx * dx + dy * dy).sqrt().max(0.5);
            let f = d * d / k * (0.3 + 0.7 * count as f64 / max_count);
            shift[i].0 -= dx / d * f;
            shift[i].1 -= dy / d * f;
            shift[j].0 += dx / d * f;
            shift[j].1 += dy / d * f;
        }
        for i in 0..n {
            let (dx, dy) = shift[i];
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let step = d.min(temperature);
            pos[i].0 = (pos[i].0 + dx / d * step).clamp(60.0, width - 60.0);
            pos[i].1 = (pos[i].1 + dy / d * step).clamp(30.0, height - 30.0);
        }
        temperature *= 0.985;
    }
    level(&mut pos);
    // As tall as the levelled layout needs at the full width, within bounds.
    let (w0, h0) = extent(&pos);
    let height = (h0 * (width - 80.0) / w0.max(1.0) + 80.0)
        .clamp(360.0, height)
        .round();
    fit(&mut pos, width, height, 40.0, 40.0);
    (pos, height)
}

/// The largest font size the theme gives the tag graph's labels, in the picture's units
/// (on phones, where the picture is shown smallest).
pub(super) const LABEL_SIZE: f64 = 17.0;

/// Turns the points about their centre so that the direction they spread most along
/// lies level: a long diagonal layout then fills a wide picture.
fn level(points: &mut [(f64, f64)]) {
    let n = points.len() as f64;
    let (cx, cy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &(x, y) in points.iter() {
        sxx += (x - cx) * (x - cx);
        syy += (y - cy) * (y - cy);
        sxy += (x - cx) * (y - cy);
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let (sin, cos) = (-angle).sin_cos();
    for p in points.iter_mut() {
        let (x, y) = (p.0 - cx, p.1 - cy);
        *p = (cx + x * cos - y * sin, cy + x * sin + y * cos);
    }
}

/// A label's box in the picture: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct LabelBox(
    pub(super) f64,
    pub(super) f64,
    pub(super) f64,
    pub(super) f64,
);

impl LabelBox {
    pub(super) fn centre_x(&self) -> f64 {
        (self.0 + self.2) / 2.0
    }

    /// The text's baseline: a little above the bottom of the box, for descenders.
    pub(super) fn baseline(&self) -> f64 {
        self.3 - (self.3 - self.1) * 0.22
    }

    pub(super) fn overlap(&self, o: &LabelBox) -> f64 {
        let w = self.2.min(o.2) - self.0.max(o.0);
        let h = self.3.min(o.3) - self.1.max(o.1);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }
}

/// The width of `text` at font size `size`, estimated generously (about 0.58 em a
/// character: the theme's sans-serif fonts average less).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// Places each node's label above, below, right or left of its circle, the largest nodes
/// first, at the first place that covers no label placed before and no circle, else at
/// the place that covers least; labels stay inside the picture.
pub(super) fn place_labels(
    nodes: &[(f64, f64, f64)],
    texts: &[String],
    size: f64,
    (width, height): (f64, f64),
) -> Vec<LabelBox> {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| nodes[b].2.total_cmp(&nodes[a].2).then(a.cmp(&b)));
    let circles: Vec<LabelBox> = nodes
        .iter()
        .map(|&(x, y, r)| LabelBox(x - r, y - r, x + r, y + r))
        .collect();
    let mut placed: Vec<Option<LabelBox>> = vec![None; nodes.len()];
    for i in order {
        let (x, y, r) = nodes[i];
        let w = text_width(&texts[i], size);
        let h = size * 1.2;
        let gap = 4.0;
        let candidates = [
            LabelBox(x - w / 2.0, y - r - gap - h, x + w / 2.0, y - r - gap),
            LabelBox(x - w / 2.0, y + r + gap, x + w / 2.0, y + r + gap + h),
            LabelBox(x + r + gap, y - h / 2.0, x + r + gap + w, y + h / 2.0),
            LabelBox(x - r - gap - w, y - h / 2.0, x - r - gap, y + h / 2.0),
        ];
        let cost = |b: &LabelBox| -> f64 {
            let labels: f64 = placed.iter().flatten().map(|p| p.overlap(b)).sum();
            let circles: f64 = circles.iter().map(|c| c.overlap(b)).sum();
            labels * 4.0 + circles
        };
        let best = candidates
            .iter()
            .map(|b| inside(*b, width, height))
            .map(|b| (cost(&b), b))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, b)| b);
        placed[i] = best;
    }
    placed.into_iter().flatten().collect()
}

/// Moves a box into the picture, keeping its size.
fn inside(b: LabelBox, width: f64, height: f64) -> LabelBox {
    let dx = shift_into(b.0, b.2, width);
    let dy = shift_into(b.1, b.3, height);
    LabelBox(b.0 + dx, b.1 + dy, b.2 + dx, b.3 + dy)
}

/// How far to move the span `lo..hi` so that it lies 2 units inside `0..size`.
fn shift_into(lo: f64, hi: f64, size: f64) -> f64 {
    if lo < 2.0 {
        2.0 - lo
    } else if hi > size - 2.0 {
        size - 2.0 - hi
    } else {
        0.0
    }
}

/// The points' bounding box: left, top, right, bottom.
fn bounds(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    (x0, y0, x1, y1)
}

/// The width and height of the points' bounding box.
fn extent(points: &[(f64, f64)]) -> (f64, f64) {
    let (x0, y0, x1, y1) = bounds(points);
    (x1 - x0, y1 - y0)
}

/// Scales and moves the points, keeping their proportions, to fill the box inside the
/// margins (`mx` left and right, where labels overhang; `my` top and bottom).
fn fit(points: &mut [(f64, f64)], width: f64, height: f64, mx: f64, my: f64) {
    let (x0, y0, x1, y1) = bounds(points);
    let scale =
        ((width - 2.0 * mx) / (x1 - x0).max(1.0)).min((height - 2.0 * my) / (y1 - y0).max(1.0));
    let (ox, oy) = (
        (width - (x1 - x0) * scale) / 2.0,
        (height - (y1 - y0) * scale) / 2.0,
    );
    for p in points.iter_mut() {
        *p = (ox + (p.0 - x0) * scale, oy + (p.1 - y0) * scale);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_fills_the_box_inside_the_margins() {
        let mut points = vec![(0.0, 0.0), (10.0, 5.0), (5.0, 2.5)];
        fit(&mut points, 200.0, 100.0, 20.0, 10.0);
        assert_eq!(points[0], (20.0, 10.0));
        assert_eq!(points[1], (180.0, 90.0));
        assert_eq!(points[2], (100.0, 50.0));
    }

    #[test]
    fn labels_of_close_nodes_take_turns_and_stay_inside() {
        // Eight nodes 100 apart, each label about 150 wide: above each one, neighbours
        // would collide.
        let nodes: Vec<(f64, f64, f64)> = (0..8)
            .map(|i| (5.0 + 100.0 * i as f64, 100.0, 8.0))
            .collect();
        let texts: Vec<String> = (0..8).map(|i| format!("A label number {i}")).collect();
        let boxes = place_labels(&nodes, &texts, 17.0, (720.0, 200.0));
        assert_eq!(boxes.len(), 8);
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                a.0 >= 2.0 && a.1 >= 2.0 && a.2 <= 718.0 && a.3 <= 198.0,
                "{a:?}"
            );
            for b in &boxes[i + 1..] {
                assert_eq!(a.overlap(b), 0.0, "{a:?} and {b:?}");
            }
            let (x, y, r) = nodes[i];
            assert_eq!(
                a.overlap(&LabelBox(x - r, y - r, x + r, y + r)),
                0.0,
                "{a:?} covers its node"
            );
        }
    }

    #[test]
    fn levelling_lays_a_diagonal_flat() {
        let mut points = vec![(0.0, 0.0), (100.0, 100.0), (200.0, 200.0)];
        level(&mut points);
        let (w, h) = extent(&points);
        assert!(
            (w - 200.0 * 2f64.sqrt()).abs() < 1e-6 && h < 1e-6,
            "{points:?}"
        );
    }

    #[test]
    fn labels_wrap_between_words_onto_two_lines() {
        assert_eq!(wrap("Baku", 30, 2), ["Baku"]);
        assert_eq!(
            wrap(
                "Bayramov on Armenia's position in the peace-treaty talks",
                30,
                2
            ),
            [
                "Bayramov on Armenia's position",
                "in the peace-treaty talks"
            ]
        );
        assert_eq!(
            wrap(
                "Bayramov on humanitarian commitments and contacts with the peacekeepers",
                30,
                2
            ),
            ["Bayramov on humanitarian", "commitments and contacts with…"]
        );
        let long = wrap("Supercalifragilisticexpialidociousnessly long", 10, 2);
        assert_eq!(long, ["Supercali…", "long"]);
        for lines in [
            wrap("a b c d e f g h i j k l m n o p q r s t u v w x y z", 7, 2),
            wrap("Lachin–Khankandi road", 30, 2),
        ] {
            assert!(lines.len() <= 2 && lines.iter().all(|l| l.chars().count() <= 30));
        }
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("a rather long title indeed", 10), "a rather…");
    }
}
