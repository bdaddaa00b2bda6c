//! "Cite this entry": the suggested citation an entry page shows, and the two files
//! beside the page that reference managers read, `cite.bib` (BibTeX) and `cite.json`
//! (CSL-JSON). All three are made from the same reads of the entry (its title, path,
//! date and `updated`) and the site's configuration. The two files then cite the entry's
//! sources too, one item each, read as the page reads them ([`Source`]): a reader who
//! imports the entry gets what it rests on.

use serde_json::json;
use tera::Value;

use super::reads::{DateOf, EntrySources, Label, Reads, Source, SourceData, UpdatedOf};
use super::views::{obj, text};
use crate::content::Date;
use crate::content::date::Precision;
use crate::content::front_matter::SourceType;
use crate::graph::EntryId;
use crate::graph::sources::SourceInfo;
use crate::pages;
use crate::text::escape_for_script;

/// What a citation of one entry says.
struct Cited {
    title: String,
    /// The site's author, else its title: who the entry is by.
    author: String,
    site: String,
    url: String,
    /// When the entry was last changed: its `updated`, else its `date`.
    when: Option<Date>,
    /// The BibTeX key: the entry's path, folders joined by `:`.
    key: String,
}

fn cited(reads: &Reads<'_>, id: EntryId) -> Cited {
    let config = reads.config();
    let (title, path, _, _) = reads.get(Label(id));
    let when = reads.get(UpdatedOf(id)).or(reads.get(DateOf(id)));
    Cited {
        title: title.to_string(),
        author: config
            .author
            .clone()
            .unwrap_or_else(|| config.title.clone()),
        site: config.title.clone(),
        url: config.permalink(path),
        when,
        key: path.trim_end_matches('/').replace('/', ":"),
    }
}

/// The month of a date that gives one (1–12).
fn month(d: &Date) -> Option<u32> {
    match d.precision() {
        Precision::Year => None,
        _ => d.iso().get(5..7).and_then(|m| m.parse().ok()),
    }
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as precise as the date is.
fn short_iso(d: &Date) -> String {
    match d.precision() {
        Precision::Moment(_) => d.day_iso(),
        _ => d.iso(),
    }
}

/// Text for a BibTeX field in braces: TeX's special characters escaped, everything else
/// (non-ASCII letters too) kept as UTF-8.
pub fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            // In TeX's default font encoding `<` and `>` print as `¡` and `¿`.
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '~' => out.push_str("\\~{}"),
            // A field is one line.
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `cite.bib`: one `@online` entry.
pub fn bibtex(reads: &Reads<'_>, id: EntryId) -> String {
    let c = cited(reads, id);
    let mut fields: Vec<(&str, String)> = vec![
        // Double braces keep the title's capitals as written; the author is a name of
        // an organisation, not "Last, First".
        ("title", format!("{{{}}}", bib_escape(&c.title))),
        ("author", format!("{{{}}}", bib_escape(&c.author))),
        ("organization", bib_escape(&c.site)),
    ];
    if let Some(d) = &c.when {
        fields.push(("year", d.year().to_string()));
        if let Some(m) = month(d) {
            fields.push(("month", m.to_string()));
        }
        fields.push(("urldate", short_iso(d)));
    }
    fields.push(("url", c.url.replace(['{', '}'], "")));
    fields.push(("note", format!("Entry in {}", bib_escape(&c.site))));
    let mut out = bib_entry("online", &c.key, fields);
    for s in cited_sources(reads, id) {
        out.push('\n');
        out.push_str(&bib_source(reads, s));
    }
    out
}

fn bib_entry(kind: &str, key: &str, fields: Vec<(&str, String)>) -> String {
    let mut out = format!("@{kind}{{{key},\n");
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push_str("}\n");
    out
}

/// The entry's sources, merged as the site lists them.
fn cited_sources<'a>(reads: &Reads<'a>, id: EntryId) -> Vec<&'a SourceInfo> {
    let mut seen = Vec::new();
    for s in reads.get(EntrySources(id)) {
        let SourceData { info, .. } = reads.get(Source(s));
        // An entry that cites one source twice cites it once here.
        if !seen.iter().any(|o: &&SourceInfo| o.anchor == info.anchor) {
            seen.push(info);
        }
    }
    seen
}

/// A source's key: its anchor on `/sources/`, the same in every entry's file, so that a
/// reference manager sees one source cited by two entries as one.
fn source_key(s: &SourceInfo) -> String {
    format!("source:{}", s.anchor)
}

/// A URL inside the text of a field (`\url{…}` in `addendum`): braces dropped, and the
/// characters `\url` cannot take in the argument of another command escaped.
fn bib_url_in_text(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '{' | '}' => {}
            '%' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("%5C"),
            '^' => out.push_str("%5E"),
            c if c.is_whitespace() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// One cited source: `@dataset` for a dataset, else `@online`, with `urldate` from
/// `accessed`, `language`, the publisher (`publisher` of a dataset, `organization` of
/// an online source), and the archived copy in `addendum` (BibLaTeX has no field of its
/// own for one; `addendum` is printed at the end of the entry by every standard style).
fn bib_source(reads: &Reads<'_>, s: &SourceInfo) -> String {
    let config = reads.config();
    let dataset = s.kind == Some(SourceType::Dataset);
    let mut fields: Vec<(&str, String)> = vec![("title", format!("{{{}}}", bib_escape(&s.title)))];
    if let Some(a) = &s.author {
        fields.push(("author", format!("{{{}}}", bib_escape(a))));
    }
    if let Some(p) = super::views::publisher_name(config, s) {
        let field = if dataset { "publisher" } else { "organization" };
        fields.push((field, bib_escape(p)));
    }
    if let Some(d) = &s.date {
        fields.push(("year", d.year().to_string()));
        if let Some(m) = month(d) {
            fields.push(("month", m.to_string()));
        }
    }
    if let Some(url) = &s.url {
        fields.push(("url", url.replace(['{', '}'], "")));
    }
    if let Some(d) = &s.accessed {
        fields.push(("urldate", short_iso(d)));
    }
    if let Some(l) = &s.language {
        fields.push(("language", bib_escape(l)));
    }
    if let Some(k) = s.kind.filter(|_| !dataset) {
        fields.push(("note", bib_escape(&capitalized(k.name()))));
    }
    if let Some(a) = &s.archive_url {
        fields.push((
            "addendum",
            format!("Archived copy: \\url{{{}}}", bib_url_in_text(a)),
        ));
    }
    bib_entry(
        if dataset { "dataset" } else { "online" },
        &source_key(s),
        fields,
    )
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The CSL type of a source: a web page unless its `type` says otherwise.
fn csl_type(kind: Option<SourceType>) -> &'static str {
    match kind {
        None => "webpage",
        Some(SourceType::NewsReport) => "article-newspaper",
        Some(SourceType::OfficialDocument) => "document",
        Some(SourceType::Statement | SourceType::Transcript) => "speech",
        Some(SourceType::Dataset) => "dataset",
    }
}

/// One cited source as a CSL-JSON item: `URL` the address cited, `archive_location` the
/// archived copy, `accessed` from `accessed`, `genre` the `type` as written.
fn csl_source(reads: &Reads<'_>, s: &SourceInfo) -> serde_json::Value {
    let config = reads.config();
    let mut item = serde_json::Map::new();
    item.insert("id".into(), json!(source_key(s)));
    item.insert("type".into(), json!(csl_type(s.kind)));
    item.insert("title".into(), json!(s.title));
    if let Some(a) = &s.author {
        item.insert("author".into(), json!([{ "literal": a }]));
    }
    if let Some(p) = super::views::publisher_name(config, s) {
        item.insert("publisher".into(), json!(p));
    }
    if let Some(url) = &s.url {
        item.insert("URL".into(), json!(url));
    }
    if let Some(d) = &s.date {
        item.insert("issued".into(), csl_date(d));
    }
    if let Some(d) = &s.accessed {
        item.insert("accessed".into(), csl_date(d));
    }
    if let Some(l) = &s.language {
        item.insert("language".into(), json!(l));
    }
    if let Some(k) = s.kind {
        item.insert("genre".into(), json!(k.name()));
    }
    if let Some(a) = &s.archive_url {
        item.insert("archive_location".into(), json!(a));
    }
    serde_json::Value::Object(item)
}

/// A date as CSL-JSON gives one: `{"date-parts": [[2023, 2, 28]]}`.
fn csl_date(d: &Date) -> serde_json::Value {
    let mut parts = vec![i64::from(d.year())];
    if let Some(m) = month(d) {
        parts.push(i64::from(m));
        if let Some(day) = d
            .day_iso()
            .get(8..10)
            .and_then(|x| x.parse().ok())
            .filter(|_| !matches!(d.precision(), Precision::Month))
        {
            parts.push(day);
        }
    }
    json!({ "date-parts": [parts] })
}

/// `cite.json`: CSL-JSON, an array of one item.
pub fn csl_json(reads: &Reads<'_>, id: EntryId) -> String {
    let c = cited(reads, id);
    let mut item = json!({
        "id": c.key,
        "type": "webpage",
        "title": c.title,
        "author": [{ "literal": c.author }],
        "container-title": c.site,
        "URL": c.url,
    });
    if let (Some(d), Some(map)) = (&c.when, item.as_object_mut()) {
        map.insert("issued".into(), csl_date(d));
        map.insert("accessed".into(), csl_date(d));
    }
    let mut items = vec![item];
    items.extend(
        cited_sources(reads, id)
            .into_iter()
            .map(|s| csl_source(reads, s)),
    );
    let mut out =
        escape_for_script(&serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into()));
    out.push('\n');
    out
}

/// `entry.cite` in templates: `{text, bib_url, json_url}`, the suggested citation and the
/// URLs of the two files.
pub fn value(reads: &Reads<'_>, id: EntryId) -> Value {
    let c = cited(reads, id);
    let config = reads.config();
    let (_, path, _, _) = reads.get(Label(id));
    let when = c
        .when
        .as_ref()
        .map(|d| format!(" Last updated {}.", d.display()))
        .unwrap_or_default();
    let citation = format!("{}. “{}”. {}.{when} {}", c.author, c.title, c.site, c.url);
    obj([
        ("text", text(&citation)),
        ("bib_url", text(&config.url(&pages::cite_bib(path)))),
        ("json_url", text(&config.url(&pages::cite_json(path)))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_specials_are_escaped_and_letters_kept() {
        assert_eq!(
            bib_escape("R&D 100% {x} ü_#$ ~^ \\ <b>"),
            "R\\&D 100\\% \\{x\\} ü\\_\\#\\$ \\~{}\\^{} \\textbackslash{} \\textless{}b\\textgreater{}"
        );
    }
}
