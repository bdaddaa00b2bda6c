//! JSON-LD (schema.org) for every page: what the page is about, for search engines and
//! other readers of structured data. An entry page describes the entry by its kind
//! (`Person`, `Place`, `Organization`, `Event`, `Quotation` …); the home page the
//! `WebSite`; lists are `CollectionPage`s. The value is made here with serde_json and
//! escaped for a `<script>` element, so that no title can end the element.

use serde_json::{Map, Value, json};

use super::reads::{
    AboutOf, EntryData, EntrySources, Label, LocationOf, Reads, RespondsTo, Source, Speaker,
};
use crate::graph::EntryId;
use crate::pages::Page;
use crate::text::escape_for_script;

/// The schema.org type of an entry of the kind named `kind`.
pub fn entry_type(kind: &str) -> &'static str {
    match kind {
        "person" => "Person",
        "place" => "Place",
        "organization" | "organisation" => "Organization",
        "event" => "Event",
        "statement" => "Quotation",
        "document" => "CreativeWork",
        "project" => "Project",
        _ => "Article",
    }
}

/// Whether `citation` is a property of the type: it is of creative works. Things that
/// are not (a person, a place) carry their sources on the page about them.
fn cites_itself(t: &str) -> bool {
    matches!(t, "CreativeWork" | "Quotation" | "Article")
}

/// The JSON-LD of a page, ready to put inside `<script type="application/ld+json">`.
pub fn page(reads: &Reads<'_>, page: Page, title: &str, description: &str, path: &str) -> String {
    let config = reads.config();
    let website = || {
        let mut w = json!({
            "@type": "WebSite",
            "name": config.title,
            "url": config.base_url,
        });
        if let Some(map) = w.as_object_mut() {
            if !config.description.is_empty() {
                map.insert(
                    "description".into(),
                    Value::from(config.description.as_str()),
                );
            }
            map.insert("inLanguage".into(), Value::from(config.language.as_str()));
            if let Some(author) = &config.author {
                map.insert(
                    "author".into(),
                    json!({"@type": "Organization", "name": author}),
                );
            }
        }
        w
    };
    let mut value = match page {
        Page::Home => website(),
        Page::Entry(id) => entry(reads, id),
        other => {
            let kind = match other {
                Page::Section(..)
                | Page::Kind(..)
                | Page::Tags
                | Page::Tag(..)
                | Page::Timeline(_)
                | Page::Sources(_)
                | Page::Publishers => "CollectionPage",
                _ => "WebPage",
            };
            json!({
                "@type": kind,
                "name": title,
                "url": config.permalink(path),
                "isPartOf": website(),
            })
        }
    };
    if let Some(map) = value.as_object_mut() {
        if !description.is_empty() && !map.contains_key("description") {
            map.insert("description".into(), Value::from(description));
        }
        let mut with_context = Map::new();
        with_context.insert("@context".into(), Value::from("https://schema.org"));
        with_context.append(map);
        value = Value::Object(with_context);
    }
    escape_for_script(&serde_json::to_string(&value).unwrap_or_else(|_| "{}".into()))
}

/// An entry as the thing it is about.
fn entry(reads: &Reads<'_>, id: EntryId) -> Value {
    let config = reads.config();
    let (e, _) = reads.get(EntryData(id));
    let front = &e.front;
    let t = entry_type(&config.kinds.get(front.kind).name);
    let url = config.permalink(&e.path);
    let mut map = Map::new();
    map.insert("@type".into(), Value::from(t));
    map.insert("@id".into(), Value::from(format!("{url}#entry")));
    map.insert("name".into(), Value::from(front.title.as_str()));
    map.insert("url".into(), Value::from(url.as_str()));
    if let Some(summary) = &front.summary {
        map.insert("description".into(), Value::from(summary.as_str()));
    }
    if !front.aliases.is_empty() {
        map.insert("alternateName".into(), Value::from(front.aliases.clone()));
    }
    if !front.tags.is_empty() {
        let names: Vec<&str> = front.tags.iter().map(|t| t.name.as_str()).collect();
        map.insert("keywords".into(), Value::from(names.join(", ")));
    }
    let date = front.date.map(|d| d.machine());
    let updated = front.updated.map(|d| d.machine());
    match t {
        "Event" => {
            if let Some(d) = &date {
                map.insert("startDate".into(), Value::from(d.as_str()));
            }
        }
        "Person" | "Place" | "Organization" | "Project" => {}
        _ => {
            if let Some(d) = &date {
                map.insert("datePublished".into(), Value::from(d.as_str()));
            }
            if let Some(d) = &updated {
                map.insert("dateModified".into(), Value::from(d.as_str()));
            }
        }
    }
    if let Some(at) = reads.get(LocationOf(id)) {
        let geo = json!({"@type": "GeoCoordinates", "latitude": at.lat, "longitude": at.lon});
        if t == "Place" {
            map.insert("geo".into(), geo);
        } else {
            map.insert("location".into(), json!({"@type": "Place", "geo": geo}));
        }
    }
    if t == "Quotation"
        && let Some(name) = front.speaker.as_deref()
    {
        let speaker = match reads.get(Speaker(id)) {
            Some(person) => {
                let (title, path, _, _) = reads.get(Label(person));
                json!({"@type": "Person", "name": title, "url": config.permalink(path)})
            }
            None => json!({
                "@type": "Person",
                "name": name.trim_start_matches("[[").trim_end_matches("]]"),
            }),
        };
        map.insert("spokenByCharacter".into(), speaker);
    }
    // What a statement addresses, and what it answers (schema.org's `about`, and
    // `isBasedOn` for the statement a response rests on).
    let about: Vec<Value> = reads
        .get(AboutOf(id))
        .iter()
        .map(|&t| {
            let (title, path, _, _) = reads.get(Label(t));
            json!({"@id": format!("{}#entry", config.permalink(path)), "name": title})
        })
        .collect();
    if !about.is_empty() {
        map.insert("about".into(), Value::from(about));
    }
    let answers: Vec<Value> = reads
        .get(RespondsTo(id))
        .iter()
        .map(|&t| {
            let (title, path, _, _) = reads.get(Label(t));
            json!({"@type": "Quotation", "@id": format!("{}#entry", config.permalink(path)), "name": title})
        })
        .collect();
    if !answers.is_empty() {
        map.insert("isBasedOn".into(), Value::from(answers));
    }
    let citations: Vec<Value> = reads
        .get(EntrySources(id))
        .into_iter()
        .map(|s| {
            let info = reads.get(Source(s)).info;
            let mut c = Map::new();
            c.insert("@type".into(), Value::from("CreativeWork"));
            c.insert("name".into(), Value::from(info.title.as_str()));
            if let Some(u) = &info.url {
                c.insert("url".into(), Value::from(u.as_str()));
            }
            if let Some(p) = super::views::publisher_name(config, info) {
                let mut org = json!({"@type": "Organization", "name": p});
                let home = info
                    .publisher_id
                    .as_deref()
                    .and_then(|id| config.publishers.get(id))
                    .and_then(|p| p.url.as_deref());
                if let (Some(home), Some(o)) = (home, org.as_object_mut()) {
                    o.insert("url".into(), Value::from(home));
                }
                c.insert("publisher".into(), org);
            }
            if let Some(a) = &info.archive_url {
                c.insert("archivedAt".into(), Value::from(a.as_str()));
            }
            if let Some(l) = &info.language {
                c.insert("inLanguage".into(), Value::from(l.as_str()));
            }
            if let Some(a) = &info.author {
                c.insert("author".into(), json!({"@type": "Person", "name": a}));
            }
            if let Some(d) = &info.date {
                c.insert("datePublished".into(), Value::from(d.machine()));
            }
            Value::Object(c)
        })
        .collect();
    let mut page = json!({"@type": "WebPage", "@id": url, "url": url});
    if let (Some(p), Some(d)) = (page.as_object_mut(), &updated) {
        p.insert("dateModified".into(), Value::from(d.as_str()));
    }
    if !citations.is_empty() {
        if cites_itself(t) {
            map.insert("citation".into(), Value::from(citations));
        } else if let Some(p) = page.as_object_mut() {
            p.insert("citation".into(), Value::from(citations));
        }
    }
    map.insert("mainEntityOfPage".into(), page);
    map.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": config.title, "url": config.base_url}),
    );
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_schema_org_types() {
        assert_eq!(entry_type("person"), "Person");
        assert_eq!(entry_type("statement"), "Quotation");
        assert_eq!(entry_type("topic"), "Article");
    }
}
