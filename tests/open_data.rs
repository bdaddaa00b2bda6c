//! Open data and citation (issue 16 point 6): `data/dossier.json` against its schema,
//! `data/relations.csv`, each entry's `cite.bib` and `cite.json` read back by a parser of
//! the format, the JSON-LD of every kind of page, and `dossier serve` keeping all of
//! them equal to a fresh build.

mod common;

use common::TestSite;
use dossier::serve::project::{Project, Rebuild};
use dossier::serve::watch::{Change, Changes};
use serde_json::Value;

const SITE: &str =
    "title: \"R&D 100% dossier\"\nbase_url: https://example.org/d/\nauthor: The Editors\n";

/// A person with sources and a relation, the organisation she is a member of, a place
/// with a location, an event, a document, and a statement she made.
fn site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/people/jane.md",
            "---\ntitle: Jane Doe\nkind: person\nupdated: 2024-03-05\ntags: [Diplomacy]\nsources:\n  - {id: cv, title: \"A CV, in full\", url: \"https://example.net/cv\", publisher: Ministry Press}\n  - {title: Interview}\nrelations:\n  - {type: member_of, to: \"[[Foreign Ministry]]\", from: 2004-03, until: 2010, sources: [cv]}\n  - {type: located_in, to: Baku}\n---\nJane.\n",
        ),
        (
            "content/organizations/foreign-ministry.md",
            "---\ntitle: Foreign Ministry\nkind: organization\n---\nA ministry.\n",
        ),
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\nlocation: [40.41, 49.87]\n---\nA city.\n",
        ),
        (
            "content/events/summit.md",
            "---\ntitle: \"Summit </script><script>alert(1)</script>\"\nkind: event\ndate: 2023-02-28\naliases: [Summit]\n---\nA summit.\n",
        ),
        (
            "content/documents/treaty.md",
            "---\ntitle: \"Treaty on R&D {draft} 50% ü\"\nkind: document\ndate: 2022-12\n---\nA treaty.\n",
        ),
        (
            "content/statements/jane-says.md",
            "---\ntitle: Jane says\nkind: statement\ndate: 2023-02-28\nspeaker: \"[[Jane Doe]]\"\nsources:\n  - {title: A report, url: \"https://example.net/report\", publisher: AzerNews}\n---\nShe said it.\n",
        ),
    ]);
    site.write("site.yaml", SITE);
    site
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn entry<'a>(data: &'a Value, id: &str) -> &'a Value {
    data["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

#[test]
fn dossier_json_follows_its_schema_and_holds_every_entry() {
    let site = site();
    site.build().assert_ok();
    let schema = json(&site.output("data/dossier.schema.json"));
    let data = json(&site.output("data/dossier.json"));
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let problems: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        data["$schema"],
        "https://example.org/d/data/dossier.schema.json"
    );
    assert_eq!(data["site"]["title"], "R&D 100% dossier");
    assert_eq!(data["site"]["base_url"], "https://example.org/d/");
    assert_eq!(data["entries"].as_array().unwrap().len(), 6);

    let jane = entry(&data, "people/jane/");
    assert_eq!(jane["url"], "https://example.org/d/people/jane/");
    assert_eq!(jane["kind"], "person");
    assert_eq!(jane["updated"], "2024-03-05");
    assert_eq!(jane["tags"][0]["slug"], "diplomacy");
    assert_eq!(jane["sources"][0]["publisher"], "Ministry Press");
    assert_eq!(jane["sources"][1]["id"], Value::Null);
    let member = &jane["relations"][0];
    assert_eq!(member["type"], "member_of");
    assert_eq!(member["to"], "organizations/foreign-ministry/");
    assert_eq!(member["from"], "2004-03");
    assert_eq!(member["until"], "2010");
    assert_eq!(member["sources"], serde_json::json!([1]));
    let says = entry(&data, "statements/jane-says/");
    assert_eq!(says["speaker"]["id"], "people/jane/");
    assert_eq!(
        entry(&data, "places/baku/")["location"]["lat"].as_f64(),
        Some(40.41)
    );

    // The schema does say something: a broken copy fails it.
    let mut broken = data.clone();
    broken["entries"][0]["id"] = Value::from(3);
    assert!(!validator.is_valid(&broken));
}

#[test]
fn relations_csv_has_a_row_for_each_stated_relation() {
    let site = site();
    site.build().assert_ok();
    let text = site.output("data/relations.csv");
    assert!(text.contains("\r\n"), "RFC 4180 lines end in CRLF");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["from", "type", "to", "from_date", "until", "sources"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec![
                "people/jane/",
                "member_of",
                "organizations/foreign-ministry/",
                "2004-03",
                "2010",
                "cv"
            ],
            vec!["people/jane/", "located_in", "places/baku/", "", "", ""],
        ]
    );
    // A source named by its title, with a comma in it, is quoted and read back whole.
    site.write(
        "content/people/jane.md",
        &std::fs::read_to_string(site.path("content/people/jane.md"))
            .unwrap()
            .replace("{id: cv, ", "{"),
    );
    site.write(
        "content/people/jane.md",
        &std::fs::read_to_string(site.path("content/people/jane.md"))
            .unwrap()
            .replace("sources: [cv]", "sources: []"),
    );
    site.build().assert_ok();
    let text = site.output("data/relations.csv");
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        2
    );
}

#[test]
fn cite_files_parse_back_with_the_entry_s_fields() {
    let site = site();
    site.build().assert_ok();
    let bib = site.output("documents/treaty/cite.bib");
    assert!(bib.contains("R\\&D \\{draft\\} 50\\% ü"), "{bib}");
    let parsed = biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}: {bib}"));
    let e = parsed.get("documents:treaty").expect("the entry's key");
    assert_eq!(e.entry_type, biblatex::EntryType::Online);
    use biblatex::ChunksExt;
    assert_eq!(
        e.title().unwrap().format_verbatim(),
        "Treaty on R&D {draft} 50% ü"
    );
    assert_eq!(e.url().unwrap(), "https://example.org/d/documents/treaty/");
    assert_eq!(e.get("year").unwrap().format_verbatim(), "2022");
    assert_eq!(e.get("month").unwrap().format_verbatim(), "12");
    assert_eq!(e.get("urldate").unwrap().format_verbatim(), "2022-12");
    assert_eq!(e.get("author").unwrap().format_verbatim(), "The Editors");
    assert!(e.get("note").is_some());

    // `updated` over `date`, and the CSL-JSON of the same entry.
    let bib = site.output("people/jane/cite.bib");
    let parsed = biblatex::Bibliography::parse(&bib).unwrap();
    let e = parsed.get("people:jane").unwrap();
    assert_eq!(e.get("month").unwrap().format_verbatim(), "3");
    let csl = json(&site.output("people/jane/cite.json"));
    let items = csl.as_array().expect("an array of items");
    // The entry, then its two sources.
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["title"], "A CV, in full");
    assert_eq!(items[1]["publisher"], "Ministry Press");
    let item = &items[0];
    assert_eq!(item["type"], "webpage");
    assert_eq!(item["title"], "Jane Doe");
    assert_eq!(item["container-title"], "R&D 100% dossier");
    assert_eq!(item["URL"], "https://example.org/d/people/jane/");
    assert_eq!(item["author"][0]["literal"], "The Editors");
    assert_eq!(
        item["issued"]["date-parts"],
        serde_json::json!([[2024, 3, 5]])
    );
    assert_eq!(
        item["accessed"]["date-parts"],
        serde_json::json!([[2024, 3, 5]])
    );

    // The page offers both files.
    let page = site.output("people/jane/index.html");
    assert!(page.contains("href=\"/d/people/jane/cite.bib\""), "{page}");
    assert!(page.contains("href=\"/d/people/jane/cite.json\""));
    assert!(page.contains("Cite this entry"));
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    json(&html[start..end])
}

#[test]
fn every_page_carries_json_ld_of_its_kind() {
    let site = site();
    site.build().assert_ok();
    let at = |rel: &str| json_ld(&site.output(rel));
    for (rel, t) in [
        ("index.html", "WebSite"),
        ("people/jane/index.html", "Person"),
        ("places/baku/index.html", "Place"),
        ("organizations/foreign-ministry/index.html", "Organization"),
        ("events/summit/index.html", "Event"),
        ("documents/treaty/index.html", "CreativeWork"),
        ("statements/jane-says/index.html", "Quotation"),
        ("people/index.html", "CollectionPage"),
        ("tags/diplomacy/index.html", "CollectionPage"),
        ("timeline/index.html", "CollectionPage"),
        ("sources/index.html", "CollectionPage"),
        ("404.html", "WebPage"),
    ] {
        let ld = at(rel);
        assert_eq!(ld["@context"], "https://schema.org", "{rel}");
        assert_eq!(ld["@type"], t, "{rel}");
    }
    let quote = at("statements/jane-says/index.html");
    assert_eq!(quote["spokenByCharacter"]["@type"], "Person");
    assert_eq!(quote["spokenByCharacter"]["name"], "Jane Doe");
    assert_eq!(
        quote["spokenByCharacter"]["url"],
        "https://example.org/d/people/jane/"
    );
    assert_eq!(quote["citation"][0]["name"], "A report");
    assert_eq!(quote["citation"][0]["publisher"]["name"], "AzerNews");
    let baku = at("places/baku/index.html");
    assert_eq!(baku["geo"]["latitude"].as_f64(), Some(40.41));
    let jane = at("people/jane/index.html");
    assert_eq!(
        jane["mainEntityOfPage"]["citation"][0]["url"],
        "https://example.net/cv"
    );
    // A title that would end the script stays inside it.
    let html = site.output("events/summit/index.html");
    let summit = json_ld(&html);
    assert_eq!(summit["name"], "Summit </script><script>alert(1)</script>");
    assert_eq!(summit["startDate"], "2023-02-28");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    // The home page names the data.
    assert!(
        site.output("index.html")
            .contains("<link rel=\"alternate\" type=\"application/json\"")
    );
}

#[test]
fn data_files_are_not_in_the_sitemap() {
    let site = site();
    site.build().assert_ok();
    let sitemap = site.output("sitemap.xml");
    assert!(!sitemap.contains("dossier.json") && !sitemap.contains("cite."));
}

// ---- dossier serve --------------------------------------------------------------------

const BASE: &str = "http://127.0.0.1:1111/";

fn fresh(site: &TestSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.path("fresh-build");
    let _ = std::fs::remove_dir_all(&out);
    site.run(&[
        "build",
        "--base-url",
        BASE,
        "--output",
        out.to_str().unwrap(),
    ])
    .assert_ok();
    let mut files = common::files_of(&out);
    std::fs::remove_dir_all(&out).unwrap();
    files.remove(dossier::output::atomic::MARKER);
    files
}

#[track_caller]
fn assert_same(project: &Project, site: &TestSite, step: &str) {
    if let Some(difference) = common::difference(&fresh(site), &common::served(project)) {
        panic!("after {step}: {difference}");
    }
}

fn edit(site: &TestSite, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[track_caller]
fn rebuilt(project: &mut Project, rel: &str) -> Vec<String> {
    let mut changes = Changes::default();
    changes.add(Change::Content(rel.into()));
    match project.rebuild(&changes) {
        Rebuild::Done { changed, .. } => changed,
        Rebuild::Failed(problems) => panic!("rebuild failed: {problems:?}"),
    }
}

fn served(project: &Project, rel: &str) -> String {
    String::from_utf8(project.files().unwrap()[rel].to_vec()).unwrap()
}

#[test]
fn serve_keeps_the_data_files_and_citations_equal_to_a_build() {
    let site = site();
    let mut project = Project::new(site.root(), BASE, false);
    assert!(matches!(project.full(), Rebuild::Done { .. }));
    assert_same(&project, &site, "the first build");

    // A relation's `to` edited: both data files change.
    let (json_before, csv_before) = (
        served(&project, "data/dossier.json"),
        served(&project, "data/relations.csv"),
    );
    edit(&site, "content/people/jane.md", "to: Baku", "to: Summit");
    let changed = rebuilt(&mut project, "people/jane.md");
    assert!(
        changed.contains(&"data/dossier.json".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"data/relations.csv".to_string()),
        "{changed:?}"
    );
    assert_ne!(served(&project, "data/dossier.json"), json_before);
    assert_ne!(served(&project, "data/relations.csv"), csv_before);
    assert!(served(&project, "data/relations.csv").contains("events/summit/"));
    assert_same(&project, &site, "a relation to another entry");

    // A body edit: the pieces of the other entries are kept, the files equal a build.
    edit(
        &site,
        "content/places/baku.md",
        "A city.",
        "A city on the Caspian.",
    );
    rebuilt(&mut project, "places/baku.md");
    assert_same(&project, &site, "a body edit");

    // The speaker's title: the statement's JSON-LD names her anew, and her citation
    // files follow her title.
    let ld_before = json_ld(&served(&project, "statements/jane-says/index.html"));
    edit(
        &site,
        "content/people/jane.md",
        "title: Jane Doe",
        "title: Jane Roe\naliases: [Jane Doe]",
    );
    let changed = rebuilt(&mut project, "people/jane.md");
    for rel in [
        "statements/jane-says/index.html",
        "people/jane/cite.bib",
        "people/jane/cite.json",
        "data/dossier.json",
    ] {
        assert!(changed.contains(&rel.to_string()), "{rel} in {changed:?}");
    }
    let ld = json_ld(&served(&project, "statements/jane-says/index.html"));
    assert_ne!(ld, ld_before);
    assert_eq!(ld["spokenByCharacter"]["name"], "Jane Roe");
    assert!(served(&project, "people/jane/cite.bib").contains("{{Jane Roe}}"));
    assert_same(&project, &site, "the speaker renamed");

    // An entry's slug changed: its citation files move with its page.
    edit(
        &site,
        "content/documents/treaty.md",
        "kind: document",
        "kind: document\nslug: the-treaty",
    );
    rebuilt(&mut project, "documents/treaty.md");
    assert!(
        project
            .files()
            .unwrap()
            .contains_key("documents/the-treaty/cite.bib")
    );
    assert!(
        !project
            .files()
            .unwrap()
            .contains_key("documents/treaty/cite.bib")
    );
    assert_same(&project, &site, "a new slug");

    // An entry gone: its piece and its citation files go too.
    site.remove("content/statements/jane-says.md");
    rebuilt(&mut project, "statements/jane-says.md");
    assert_same(&project, &site, "an entry removed");
}
