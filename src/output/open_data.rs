//! The site as open data: `data/dossier.json` (every entry with its fields, tags,
//! relations and sources; described by `data/dossier.schema.json`, which it names with
//! `$schema`) and `data/relations.csv` (every typed relation, one row each).
//!
//! Both are made of one piece per entry ([`Piece`]), so that `dossier serve` makes again
//! only the pieces of the entries an edit changed and joins them with those it kept.

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::joined::{Joined, Parts};
use crate::content::Date;
use crate::graph::{EntryId, Site};
use crate::pages;
use crate::text::escape_for_script;

/// The JSON Schema (draft 2020-12) of `dossier.json`.
pub const SCHEMA: &str = include_str!("dossier.schema.json");

/// The header row of `relations.csv`.
const CSV_HEADER: &str = "from,type,to,from_date,until,sources\r\n";

/// One entry's part of the data files: its object of `dossier.json` and its rows of
/// `relations.csv` (the relations it states).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub json: Arc<str>,
    pub csv: Arc<str>,
}

fn date(d: Option<&Date>) -> Value {
    d.map_or(Value::Null, |d| Value::from(d.iso()))
}

/// What a source of an entry is called in `relations.csv`: its `id`, else its title.
fn source_name(s: &crate::content::front_matter::Source) -> &str {
    s.id.as_deref().unwrap_or(&s.title)
}

/// Entry `id`'s piece.
pub fn piece(site: &Site, id: EntryId) -> Piece {
    let config = &site.config;
    let e = site.entry(id);
    let r = &site.rendered[id.index()];
    let front = &e.front;
    let stated: Vec<_> = site.relations.of[id.index()]
        .iter()
        .filter(|rel| rel.outgoing)
        .collect();
    let relations: Vec<Value> = stated
        .iter()
        .map(|rel| {
            let to = &site.entry(rel.other).path;
            json!({
                "type": config.relations.get(rel.rtype).name,
                "to": to,
                "to_url": config.permalink(to),
                "from": date(rel.from.as_ref()),
                "until": date(rel.until.as_ref()),
                "sources": rel.sources.iter().map(|&p| p + 1).collect::<Vec<u32>>(),
            })
        })
        .collect();
    let sources: Vec<Value> = front
        .sources
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.title,
                "url": s.url,
                "publisher": s.publisher,
                "publisher_id": s.publisher_id,
                "author": s.author,
                "date": date(s.date.as_ref()),
                "archive_url": s.archive_url,
                "accessed": date(s.accessed.as_ref()),
                "language": s.language,
                "type": s.kind.map(|k| k.name()),
            })
        })
        .collect();
    let speaker = front.speaker.as_deref().map(|name| {
        let entry = site.speakers[id.index()].map(|p| site.entry(p));
        json!({
            "name": entry.map_or_else(
                || name.trim_start_matches("[[").trim_end_matches("]]"),
                |p| p.front.title.as_str(),
            ),
            "id": entry.map(|p| p.path.as_str()),
        })
    });
    let paths = |ids: &[EntryId]| -> Vec<&str> {
        ids.iter().map(|&t| site.entry(t).path.as_str()).collect()
    };
    let about = paths(&site.positions.about[id.index()]);
    let responds_to = paths(&site.positions.responds_to[id.index()]);
    let object = json!({
        "id": e.path,
        "url": config.permalink(&e.path),
        "file": e.file,
        "kind": config.kinds.get(front.kind).name,
        "title": front.title,
        "date": date(front.date.as_ref()),
        "updated": date(front.updated.as_ref()),
        "summary": front.summary.as_deref().unwrap_or(&r.summary_text),
        "tags": front.tags.iter().map(|t| json!({"name": t.name, "slug": t.slug})).collect::<Vec<_>>(),
        "aliases": front.aliases,
        "speaker": speaker,
        "about": about,
        "responds_to": responds_to,
        "location": front.location.map(|l| json!({"lat": l.lat, "lon": l.lon})),
        "fields": Value::Object(front.extra.clone()),
        "relations": relations,
        "sources": sources,
    });
    let mut csv = String::new();
    for rel in stated {
        let names: Vec<&str> = rel
            .sources
            .iter()
            .filter_map(|&p| front.sources.get(p as usize).map(source_name))
            .collect();
        let row = [
            e.path.as_str(),
            config.relations.get(rel.rtype).name.as_str(),
            site.entry(rel.other).path.as_str(),
            &rel.from.map(|d| d.iso()).unwrap_or_default(),
            &rel.until.map(|d| d.iso()).unwrap_or_default(),
            &names.join("; "),
        ];
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            csv_field(&mut csv, field);
        }
        csv.push_str("\r\n");
    }
    Piece {
        json: Arc::from(escape_for_script(
            &serde_json::to_string(&object).unwrap_or_else(|_| "{}".into()),
        )),
        csv: Arc::from(csv),
    }
}

/// A field of a CSV row, quoted as RFC 4180 says when it holds a comma, a quote or a
/// line break (quotes doubled).
fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Every entry's piece, made in parallel.
pub fn pieces(site: &Site) -> Vec<Piece> {
    site.ids()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&id| piece(site, id))
        .collect()
}

/// The pieces of `dossier.json`: each entry's object.
struct Json(Arc<Vec<Piece>>);

impl Parts for Json {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn part(&self, i: usize) -> &[u8] {
        self.0[i].json.as_bytes()
    }
}

/// The pieces of `relations.csv`: each entry's rows.
struct Csv(Arc<Vec<Piece>>);

impl Parts for Csv {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn part(&self, i: usize) -> &[u8] {
        self.0[i].csv.as_bytes()
    }
}

/// `dossier.json`: the site, then every entry in file order, one to a line.
fn json_file(site: &Site, pieces: Arc<Vec<Piece>>) -> Joined {
    let config = &site.config;
    let mut head = Map::new();
    head.insert(
        "$schema".into(),
        Value::from(config.permalink(pages::DATA_SCHEMA)),
    );
    head.insert(
        "site".into(),
        json!({
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "language": config.language,
            "author": config.author,
            "publishers": config.publishers.iter().map(|p| json!({
                "id": p.id,
                "name": p.name,
                "url": p.url,
                "country": p.country,
                "description": p.description,
            })).collect::<Vec<_>>(),
            "generated_by": concat!("Dossier ", env!("CARGO_PKG_VERSION")),
        }),
    );
    let head = escape_for_script(
        &serde_json::to_string(&Value::Object(head)).unwrap_or_else(|_| "{}".into()),
    );
    // The head without its closing brace, then the entries.
    let mut bytes = head.as_bytes()[..head.len() - 1].to_vec();
    bytes.extend_from_slice(b",\"entries\":[\n");
    Joined::new(bytes, Arc::new(Json(pieces)), b",\n", b"\n]}\n")
}

/// `relations.csv`: a header, then every relation in the order of the entries that state
/// them.
fn csv_file(pieces: Arc<Vec<Piece>>) -> Joined {
    Joined::new(
        CSV_HEADER.as_bytes().to_vec(),
        Arc::new(Csv(pieces)),
        b"",
        b"",
    )
}

/// Both data files (`dossier.json`, `relations.csv`) with their site paths, from the
/// pieces given (by entry id; those of `dossier serve`, kept from edit to edit) or made
/// here.
pub fn files(site: &Site, given: Option<&Arc<Vec<Piece>>>) -> [(&'static str, Joined); 2] {
    let pieces = match given {
        Some(p) if p.len() == site.entries.len() => Arc::clone(p),
        _ => Arc::new(pieces(site)),
    };
    [
        (pages::DATA_JSON, json_file(site, Arc::clone(&pieces))),
        (pages::RELATIONS_CSV, csv_file(pieces)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        let mut out = String::new();
        for f in ["plain", "a,b", "say \"hi\"", "two\nlines"] {
            csv_field(&mut out, f);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
    }

    #[test]
    fn the_schema_is_json() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}
