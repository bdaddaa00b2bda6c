//! "Cite this entry": the suggested citation an entry page shows, and the two files
//! beside the page that reference managers read, `cite.bib` (BibTeX) and `cite.json`
//! (CSL-JSON). All three are made from the same reads of the entry (its title, path,
//! date and `updated`) and the site's configuration.

use serde_json::json;
use tera::Value;

use super::reads::{DateOf, Label, Reads, UpdatedOf};
use super::views::{obj, text};
use crate::content::Date;
use crate::content::date::Precision;
use crate::graph::EntryId;
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
    let mut out = format!("@online{{{},\n", c.key);
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push_str("}\n");
    out
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
    let mut out = escape_for_script(
        &serde_json::to_string_pretty(&json!([item])).unwrap_or_else(|_| "[]".into()),
    );
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
