//! `/graph/entities/`: the entries that take part in typed relations, as one static SVG
//! (each relation a labelled arrow from the entry that states it, each node a link
//! coloured by kind), with its legend and the same relations as a list.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tera::Value;

use super::reads::{KindRef, Label, Reads, RelationGraph};
use super::svg::{EDGE_CHAR, LABEL_SIZE, LabelBox, place_labels, px, shorten, spring_layout};
use super::views::{list, obj, text};
use crate::graph::EntryId;
use crate::text::xml_escape;

/// The most entities drawn: the ones in the most relations.
pub const MAX_NODES: usize = 150;

/// What the page shows.
pub struct EntityGraph {
    pub svg: String,
    /// The kinds drawn: each a *kind*.
    pub kinds: Value,
    /// The relation types drawn: each `{name, label, inverse, count}`.
    pub types: Value,
    /// Every relation drawn: `{from, label, to, dates}`, the ends `{title, url, kind}`.
    pub relations: Value,
    pub shown: usize,
    pub left_out: usize,
}

/// An arrow of the picture: from node `from` to node `to`, of the relation type `rtype`;
/// the first relation between the two (the others are in its title).
struct Arrow {
    from: usize,
    to: usize,
    rtype: u16,
    labels: Vec<String>,
}

/// The picture and its lists. Every entry's relations are read at once
/// ([`RelationGraph`]), and each entity's label through [`Label`].
pub fn page(reads: &Reads<'_>) -> EntityGraph {
    let config = reads.config();
    let all = reads.get(RelationGraph);
    let mut entities: Vec<(usize, EntryId)> = all
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(i, r)| (r.len(), EntryId(i as u32)))
        .collect();
    entities.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left_out = entities.len().saturating_sub(MAX_NODES);
    entities.truncate(MAX_NODES);
    // In file order, so that the layout starts from the same points for the same site.
    entities.sort_by_key(|e| e.1);
    let slot: BTreeMap<EntryId, usize> = entities
        .iter()
        .enumerate()
        .map(|(i, &(_, e))| (e, i))
        .collect();
    let mut arrows: Vec<Arrow> = Vec::new();
    let mut rows: Vec<Value> = Vec::new();
    let mut type_counts: BTreeMap<u16, usize> = BTreeMap::new();
    let end = |id: EntryId| {
        let (title, path, kind, _) = reads.get(Label(id));
        obj([
            ("title", text(title)),
            ("url", text(&config.url(path))),
            ("kind", text(kind)),
        ])
    };
    for (i, &(_, e)) in entities.iter().enumerate() {
        for r in all[e.index()].iter().filter(|r| r.outgoing) {
            let Some(&j) = slot.get(&r.other) else {
                continue;
            };
            let t = config.relations.get(r.rtype);
            *type_counts.entry(r.rtype).or_default() += 1;
            rows.push(obj([
                ("from", end(e)),
                ("label", text(&t.label)),
                ("to", end(r.other)),
                (
                    "dates",
                    text(&super::views::relation_dates(
                        r.from.as_ref(),
                        r.until.as_ref(),
                    )),
                ),
            ]));
            match arrows
                .iter_mut()
                .find(|a| (a.from, a.to) == (i, j) || (a.from, a.to) == (j, i))
            {
                Some(a) => a.labels.push(t.label.clone()),
                None => arrows.push(Arrow {
                    from: i,
                    to: j,
                    rtype: r.rtype,
                    labels: vec![t.label.clone()],
                }),
            }
        }
    }
    let labels: Vec<(&str, &str, &str)> = entities
        .iter()
        .map(|&(_, e)| {
            let (title, path, kind, _) = reads.get(Label(e));
            (title, path, kind)
        })
        .collect();
    let mut kinds: Vec<&str> = labels.iter().map(|l| l.2).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let kinds = list(kinds.into_iter().filter_map(|k| {
        let id = config.kinds.by_name(k)?;
        Some(reads.get(KindRef(u32::from(id.0))).clone())
    }));
    let types = list(type_counts.iter().map(|(&rtype, &count)| {
        let t = config.relations.get(rtype);
        obj([
            ("name", text(&t.name)),
            ("label", text(&t.label)),
            ("inverse", text(&t.inverse)),
            ("count", Value::from(count)),
        ])
    }));
    let degrees: Vec<usize> = entities.iter().map(|e| e.0).collect();
    EntityGraph {
        svg: draw(reads, &labels, &degrees, &arrows, left_out),
        kinds,
        types,
        relations: list(rows),
        shown: entities.len(),
        left_out,
    }
}

/// The SVG: nodes laid out by force (arrows pull), sized by how many relations they have,
/// labelled where their label covers least; each arrow labelled with its type at the
/// first place along it that covers no other text.
fn draw(
    reads: &Reads<'_>,
    labels: &[(&str, &str, &str)],
    degrees: &[usize],
    arrows: &[Arrow],
    left_out: usize,
) -> String {
    let n = labels.len();
    if n == 0 {
        return String::new();
    }
    let config = reads.config();
    let edges: Vec<(usize, usize, usize)> = arrows.iter().map(|a| (a.from, a.to, 1)).collect();
    let width = 960.0f64;
    let (pos, height) = spring_layout(n, &edges, width, 640.0);
    let most = degrees.iter().copied().max().unwrap_or(1).max(1) as f64;
    let radius: Vec<f64> = degrees
        .iter()
        .map(|&d| 6.0 + 8.0 * (d as f64 / most).sqrt())
        .collect();
    let names: Vec<String> = labels.iter().map(|l| shorten(l.0, 32)).collect();
    let nodes: Vec<(f64, f64, f64)> = pos
        .iter()
        .zip(&radius)
        .map(|(&(x, y), &r)| (x, y, r))
        .collect();
    let boxes = place_labels(&nodes, &names, LABEL_SIZE, (width, height));
    // What arrow labels must not cover: the nodes' labels and circles.
    let mut taken: Vec<LabelBox> = boxes.clone();
    taken.extend(
        nodes
            .iter()
            .map(|&(x, y, r)| LabelBox(x - r, y - r, x + r, y + r)),
    );
    let mut svg = String::with_capacity(16384);
    let more = match left_out {
        0 => String::new(),
        k => format!(" ({k} more left out)"),
    };
    let _ = write!(
        svg,
        "<svg class=\"entity-graph\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-labelledby=\"entity-graph-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"entity-graph-title\">{n} entries and their typed relations{more}</title>"
    );
    svg.push_str(
        "<defs><marker id=\"entity-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"arrow\" d=\"M0,0L10,5L0,10z\"/></marker></defs><g class=\"edges\" aria-hidden=\"true\">",
    );
    for a in arrows {
        let ((x1, y1), (x2, y2)) = (pos[a.from], pos[a.to]);
        let length = (x2 - x1).hypot(y2 - y1).max(1.0);
        // From the edge of one circle to just short of the other's, so the head shows.
        let (start, stop) = (radius[a.from], radius[a.to] + 3.0);
        let at = |d: f64| (x1 + (x2 - x1) * d / length, y1 + (y2 - y1) * d / length);
        let (sx, sy) = at(start.min(length / 2.0));
        let (ex, ey) = at((length - stop).max(length / 2.0));
        let _ = write!(
            svg,
            "<line class=\"edge rel-typed rel-{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#entity-arrow)\"><title>",
            config.relations.get(a.rtype).name,
            px(sx),
            px(sy),
            px(ex),
            px(ey)
        );
        xml_escape(&mut svg, &a.labels.join("; "));
        svg.push_str("</title></line>");
        let label = shorten(&config.relations.get(a.rtype).label, 24);
        let half = label.chars().count() as f64 * EDGE_CHAR / 2.0 + 2.0;
        let spot = [0.5, 0.62, 0.38, 0.74, 0.26].into_iter().find_map(|t| {
            let (lx, ly) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 3.0);
            let b = LabelBox(lx - half, ly - 11.0, lx + half, ly + 4.0);
            taken
                .iter()
                .all(|o| o.overlap(&b) == 0.0)
                .then_some((lx, ly, b))
        });
        if let Some((lx, ly, b)) = spot {
            taken.push(b);
            let _ = write!(
                svg,
                "<text class=\"edge-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
                px(lx),
                px(ly)
            );
            xml_escape(&mut svg, &label);
            svg.push_str("</text>");
        }
    }
    svg.push_str("</g><g class=\"nodes\">");
    for (i, &(title, path, kind)) in labels.iter().enumerate() {
        let (x, y) = pos[i];
        let b = &boxes[i];
        svg.push_str("<a href=\"");
        xml_escape(&mut svg, &config.url(path));
        svg.push_str("\"><title>");
        let count = degrees[i];
        let s = if count == 1 { "" } else { "s" };
        xml_escape(&mut svg, &format!("{title} ({kind}, {count} relation{s})"));
        let _ = write!(
            svg,
            "</title><circle class=\"node kind-{kind}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
            px(x),
            px(y),
            px(radius[i]),
            px(b.centre_x()),
            px(b.baseline())
        );
        xml_escape(&mut svg, &names[i]);
        svg.push_str("</text></a>");
    }
    svg.push_str("</g></svg>");
    svg
}
