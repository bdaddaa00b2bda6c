//! Sources that can be checked later (issue 16 point 5): a source's `archive_url`,
//! `accessed`, `language` and `type`, the register of `publishers` in `site.yaml` that
//! sources and their pages link to, the optional check `sources: {require_archive,
//! min_sources}`, and the new fields in `cite.bib`, `cite.json` and `data/dossier.json`.

mod common;

use common::TestSite;
use serde_json::Value;

const SITE: &str = "title: Sources test
base_url: https://example.org/
publishers:
  reuters:
    name: Reuters
    url: \"https://www.reuters.com/\"
    country: United Kingdom
    description: A news agency.
  kremlin: {name: President of Russia, url: \"http://en.kremlin.ru/\", country: Russia}
  apa: {name: APA}
sources:
  require_archive: true
  min_sources: 2
";

/// Four sources, each checkable: every field given, written in the ways an editor may
/// (`news_report`, `Statement`, a publisher by id or by name).
const TALKS: &str = "---
title: Talks in Moscow
date: 2023-02-28
sources:
  - title: Talks end without a deal
    url: \"https://www.reuters.com/world/talks\"
    publisher: reuters
    type: news_report
    language: en-GB
    accessed: 2023-03-01
    archive_url: \"https://web.archive.org/web/20230301/https://www.reuters.com/world/talks\"
    date: 2023-02-28
  - title: Заявление для прессы
    url: \"http://en.kremlin.ru/events/1\"
    publisher: President of Russia
    type: Statement
    language: ru
    accessed: 2023-03
    archive_url: \"https://archive.ph/abcd\"
  - {title: Our notes, url: /places/baku/}
  - {title: Trade figures, type: dataset, publisher: reuters, url: \"https://www.reuters.com/data.csv\", archive_url: \"https://web.archive.org/web/2023/https://www.reuters.com/data.csv\"}
---
Talks.
";

/// One source, with a web address and no archived copy: two warnings.
const BAKU: &str = "---
title: Baku
sources:
  - title: City guide
    url: \"https://example.net/baku\"
---
A city.
";

/// No source at all: a warning at the title.
const LONELY: &str = "---
title: Lonely
---
Nothing cited.
";

fn site() -> TestSite {
    let site = TestSite::with_files(&[
        ("content/events/talks.md", TALKS),
        ("content/places/baku.md", BAKU),
        ("content/topics/lonely.md", LONELY),
    ]);
    site.write("site.yaml", SITE);
    site
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `<li>` of `/sources/` with this anchor.
fn listed<'a>(html: &'a str, anchor: &str) -> &'a str {
    let start = html
        .find(&format!("<li id=\"{anchor}\">"))
        .unwrap_or_else(|| panic!("no source {anchor} in\n{html}"));
    let end = html[start + 1..]
        .find("<li id=")
        .map_or(html.len(), |e| start + 1 + e);
    &html[start..end]
}

#[test]
fn source_pages_show_the_archive_access_date_language_type_and_publisher() {
    let site = site();
    site.build().assert_ok();
    let sources = site.output("sources/index.html");
    let reuters = listed(&sources, "talks-end-without-a-deal");
    assert!(
        reuters.contains(r#"<a href="https://www.reuters.com/world/talks" hreflang="en-GB"><span lang="en-GB">Talks end without a deal</span></a>"#),
        "{reuters}"
    );
    assert!(
        reuters.contains(r#"<a class="publisher" href="/sources/publishers/#reuters">Reuters</a>"#),
        "{reuters}"
    );
    assert!(
        reuters.contains(r#"(<a class="archived" href="https://web.archive.org/web/20230301/https://www.reuters.com/world/talks">archived copy</a>)"#),
        "{reuters}"
    );
    assert!(reuters.contains("News report"), "{reuters}");
    assert!(
        reuters.contains("language: <code>en-GB</code>"),
        "{reuters}"
    );
    assert!(
        reuters.contains(r#"accessed <time datetime="2023-03-01">1 March 2023</time>"#),
        "{reuters}"
    );
    // Named by its name in the source, the publisher is the register's.
    assert!(
        sources.contains(
            r#"<a class="publisher" href="/sources/publishers/#kremlin">President of Russia</a>"#
        ),
        "{sources}"
    );
    assert!(sources.contains("accessed <time datetime=\"2023-03\">March 2023</time>"));
    assert!(sources.contains(r#"<span class="source-type">Statement</span>"#));
    assert!(sources.contains(r#"href="/sources/publishers/">Publishers</a>"#));

    // The entry's own list links the publisher too.
    let talks = site.output("events/talks/index.html");
    let list = &talks[talks.find(r#"<section id="sources""#).unwrap()..];
    assert!(
        list.contains(r#"<a class="publisher" href="/sources/publishers/#reuters">Reuters</a>"#),
        "{list}"
    );
    assert!(list.contains(">archived copy</a>"), "{list}");
    // A source without a register entry or a type shows none of it.
    let baku = site.output("places/baku/index.html");
    let list = &baku[baku.find(r#"<section id="sources""#).unwrap()..];
    assert!(!list.contains("class=\"publisher\""), "{list}");
    assert!(!list.contains("source-meta"), "{list}");
}

#[test]
fn the_publishers_page_lists_the_register_with_its_sources() {
    let site = site();
    site.build().assert_ok();
    let page = site.output("sources/publishers/index.html");
    assert!(page.contains("<h1>Publishers</h1>"), "{page}");
    // By name: APA, President of Russia, Reuters.
    let order: Vec<usize> = [
        r#"<li id="apa">"#,
        r#"<li id="kremlin">"#,
        r#"<li id="reuters">"#,
    ]
    .iter()
    .map(|id| {
        page.find(id)
            .unwrap_or_else(|| panic!("no {id} in\n{page}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{page}");
    let reuters = &page[order[2]..];
    assert!(
        reuters.contains(
            r#"<h2 class="publisher-name"><a href="https://www.reuters.com/">Reuters</a></h2>"#
        ),
        "{reuters}"
    );
    assert!(reuters.contains("United Kingdom"), "{reuters}");
    assert!(reuters.contains("A news agency."), "{reuters}");
    assert!(
        reuters.contains(
            r##"<a href="/sources/#talks-end-without-a-deal">Talks end without a deal</a>"##
        ),
        "{reuters}"
    );
    assert!(
        reuters.contains(r##"<a href="/sources/#trade-figures">Trade figures</a>"##),
        "{reuters}"
    );
    let apa = &page[order[0]..order[1]];
    assert!(
        apa.contains("No source of this publisher is cited yet."),
        "{apa}"
    );
    // It is in the sitemap like any page, and a site without a register has none.
    assert!(
        site.output("sitemap.xml")
            .contains("https://example.org/sources/publishers/")
    );
    let plain = TestSite::with_files(&[("content/places/baku.md", BAKU)]);
    plain.build().assert_ok();
    assert!(!plain.path("public/sources/publishers").exists());
}

#[test]
fn the_checks_warn_at_the_source_and_at_the_entry() {
    let site = site();
    let run = site.build();
    run.assert_ok();
    let headlines = run.headlines();
    let warnings: Vec<&&str> = headlines
        .iter()
        .filter(|h| h.starts_with("warning: "))
        .collect();
    assert!(
        headlines.iter().any(|h| h.starts_with(
            "warning: content/places/baku.md:5:11: source `City guide` has a web address but no `archive_url`"
        )),
        "{}",
        run.stderr
    );
    assert!(
        headlines.iter().any(|h| h.starts_with(
            "warning: content/places/baku.md:3:1: the entry cites one source: its claims rest on fewer than the 2 sources"
        )),
        "{}",
        run.stderr
    );
    assert!(
        headlines
            .iter()
            .any(|h| h
                .starts_with("warning: content/topics/lonely.md:2:1: the entry cites no source")),
        "{}",
        run.stderr
    );
    // Talks: every web address archived (a path of the site needs none), four sources.
    assert!(
        !run.stderr.contains("talks.md"),
        "no warning about the talks:\n{}",
        run.stderr
    );
    assert_eq!(warnings.len(), 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("https://web.archive.org/"),
        "the help says where"
    );

    // `--strict` makes them fail the build, as every warning does.
    site.run(&["build", "--strict"]).assert_code(1);

    // Without the check, the same site builds without a word.
    site.write(
        "site.yaml",
        "title: Sources test\nbase_url: https://example.org/\npublishers: {reuters: {name: Reuters}, kremlin: {name: President of Russia}}\n",
    );
    let run = site.build();
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{}", run.stderr);
}

/// Builds one entry under the site's register, and returns the reports.
fn check_entry(text: &str) -> common::Run {
    let site = TestSite::with_files(&[("content/topics/a.md", text)]);
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/\npublishers:\n  reuters: {name: Reuters}\n",
    );
    site.run(&["check"])
}

#[test]
fn bad_source_fields_are_reported_at_their_value() {
    let entry = |fields: &str| format!("---\ntitle: A\nsources:\n  - title: S\n{fields}---\n");
    let run = check_entry(&entry("    archive_url: web.archive.org/x\n"));
    run.assert_code(1);
    run.assert_reports("error: content/topics/a.md:5:18: `sources[0].archive_url`");
    assert!(run.stderr.contains("https://"), "{}", run.stderr);

    let run = check_entry(&entry("    archive_url: \"ftp://archive.org/x\"\n"));
    run.assert_code(1);
    run.assert_reports("error: content/topics/a.md:5:18: ");

    let run = check_entry(&entry("    accessed: 2023-02-30\n"));
    run.assert_code(1);
    run.assert_reports("error: content/topics/a.md:5:15: `sources[0].accessed`");

    let run = check_entry(&entry("    type: news reprot\n"));
    run.assert_code(1);
    run.assert_reports(
        "error: content/topics/a.md:5:11: `sources[0].type`: there is no source type `news reprot`",
    );
    assert!(
        run.stderr.contains("did you mean `news report`?"),
        "{}",
        run.stderr
    );

    let run = check_entry(&entry("    publisher: Reuter\n"));
    run.assert_code(1);
    run.assert_reports(
        "error: content/topics/a.md:5:16: `sources[0].publisher`: `Reuter` is not in the register of publishers",
    );
    assert!(
        run.stderr
            .to_lowercase()
            .contains("did you mean `reuters`?"),
        "{}",
        run.stderr
    );

    // A language tag of the wrong shape is a warning; `en_GB` is offered as `en-GB`.
    let run = check_entry(&entry("    language: en_GB\n"));
    run.assert_ok();
    run.assert_reports(
        "warning: content/topics/a.md:5:15: `sources[0].language`: `en_GB` is not a language tag",
    );
    assert!(run.stderr.contains("write `en-GB`"), "{}", run.stderr);
    let run = check_entry(&entry("    language: English\n"));
    run.assert_reports("warning: content/topics/a.md:5:15: ");
    for good in ["ru", "az-Latn", "en-GB", "es-419", "zh-Hant-TW"] {
        let run = check_entry(&entry(&format!("    language: {good}\n")));
        run.assert_ok();
        assert!(run.headlines().is_empty(), "{good}: {}", run.stderr);
    }

    // Two bad sources: both reported, in one run.
    let run = check_entry(
        "---\ntitle: A\nsources:\n  - {title: S, type: blog}\n  - {title: T, publisher: AP}\n---\n",
    );
    run.assert_code(1);
    run.assert_reports("error: content/topics/a.md:4:22: `sources[0].type`");
    run.assert_reports("error: content/topics/a.md:5:27: `sources[1].publisher`");

    // Without a register, a publisher is any name.
    let site = TestSite::with_files(&[(
        "content/topics/a.md",
        "---\ntitle: A\nsources:\n  - {title: S, publisher: Anyone at all}\n---\n",
    )]);
    site.run(&["check"]).assert_ok();
}

/// `dossier check` of a site whose `site.yaml` is `yaml`.
fn check_config(yaml: &str) -> common::Run {
    let site = TestSite::with_files(&[("content/topics/a.md", "---\ntitle: A\n---\n")]);
    site.write("site.yaml", yaml);
    site.run(&["check"])
}

#[test]
fn bad_register_and_check_settings_are_reported_at_their_line() {
    const HEAD: &str = "title: T\nbase_url: https://example.org/\n";
    let run = check_config(&format!(
        "{HEAD}publishers:\n  Reuters News: {{name: Reuters}}\n"
    ));
    run.assert_code(1);
    run.assert_reports(
        "error: site.yaml:4:3: publisher `Reuters News`: an id is lowercase letters",
    );

    let run = check_config(&format!(
        "{HEAD}publishers:\n  tass: {{name: TASS, url: tass.ru}}\n"
    ));
    run.assert_code(1);
    run.assert_reports("error: site.yaml:4:27: ");
    assert!(
        run.stderr.contains("`tass.ru` is not an absolute address"),
        "{}",
        run.stderr
    );

    let run = check_config(&format!(
        "{HEAD}publishers:\n  apa:\n    url: \"https://apa.az/\"\n"
    ));
    run.assert_code(1);
    assert!(
        run.stderr.contains("missing field `name`"),
        "{}",
        run.stderr
    );
    run.assert_reports("error: site.yaml:");

    let run = check_config(&format!(
        "{HEAD}publishers:\n  apa:\n    name: APA\n    kountry: Azerbaijan\n"
    ));
    run.assert_code(1);
    run.assert_reports("error: site.yaml:6:5: ");

    let run = check_config(&format!("{HEAD}sources:\n  require_archiv: true\n"));
    run.assert_ok();
    run.assert_reports("warning: site.yaml:4:3: unknown key `require_archiv`");
    assert!(
        run.stderr.contains("did you mean `require_archive`?"),
        "{}",
        run.stderr
    );

    let run = check_config(&format!("{HEAD}sources:\n  min_sources: two\n"));
    run.assert_code(1);
    run.assert_reports("error: site.yaml:4:16: ");
}

#[test]
fn cite_files_carry_the_sources_with_their_new_fields() {
    let site = site();
    site.build().assert_ok();
    let bib = site.output("events/talks/cite.bib");
    let parsed = biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}: {bib}"));
    use biblatex::ChunksExt;
    assert!(
        parsed.get("events:talks").is_some(),
        "the entry first: {bib}"
    );
    assert_eq!(parsed.len(), 5, "the entry and its four sources: {bib}");
    let news = parsed
        .get("source:talks-end-without-a-deal")
        .unwrap_or_else(|| panic!("{bib}"));
    assert_eq!(news.entry_type, biblatex::EntryType::Online);
    let field = |e: &biblatex::Entry, f: &str| {
        e.get(f)
            .unwrap_or_else(|| panic!("no {f} in {bib}"))
            .format_verbatim()
    };
    assert_eq!(field(news, "urldate"), "2023-03-01");
    assert_eq!(field(news, "language"), "en-GB");
    assert_eq!(field(news, "organization"), "Reuters");
    assert_eq!(field(news, "year"), "2023");
    assert_eq!(news.url().unwrap(), "https://www.reuters.com/world/talks");
    assert!(
        field(news, "addendum")
            .contains("https://web.archive.org/web/20230301/https://www.reuters.com/world/talks"),
        "{bib}"
    );
    let data = parsed.get("source:trade-figures").unwrap();
    assert_eq!(data.entry_type, biblatex::EntryType::Dataset);
    assert_eq!(field(data, "publisher"), "Reuters");
    let kremlin = parsed
        .iter()
        .find(|e| {
            e.title()
                .is_ok_and(|t| t.format_verbatim() == "Заявление для прессы")
        })
        .unwrap_or_else(|| panic!("{bib}"));
    assert_eq!(field(kremlin, "urldate"), "2023-03");
    assert_eq!(field(kremlin, "organization"), "President of Russia");

    let csl = json(&site.output("events/talks/cite.json"));
    let items = csl.as_array().unwrap();
    assert_eq!(items.len(), 5, "{csl}");
    assert_eq!(items[0]["id"], "events:talks");
    let news = items
        .iter()
        .find(|i| i["id"] == "source:talks-end-without-a-deal")
        .unwrap();
    assert_eq!(news["type"], "article-newspaper");
    assert_eq!(news["genre"], "news report");
    assert_eq!(
        news["accessed"]["date-parts"],
        serde_json::json!([[2023, 3, 1]])
    );
    assert_eq!(
        news["issued"]["date-parts"],
        serde_json::json!([[2023, 2, 28]])
    );
    assert_eq!(news["language"], "en-GB");
    assert_eq!(news["publisher"], "Reuters");
    assert_eq!(news["URL"], "https://www.reuters.com/world/talks");
    assert_eq!(
        news["archive_location"],
        "https://web.archive.org/web/20230301/https://www.reuters.com/world/talks"
    );
    let statement = items
        .iter()
        .find(|i| i["title"] == "Заявление для прессы")
        .unwrap();
    assert_eq!(statement["type"], "speech");
    assert_eq!(
        statement["accessed"]["date-parts"],
        serde_json::json!([[2023, 3]])
    );
    let notes = items.iter().find(|i| i["title"] == "Our notes").unwrap();
    assert_eq!(notes["type"], "webpage");
    assert!(notes.get("archive_location").is_none());
}

#[test]
fn open_data_holds_the_register_and_the_new_fields() {
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
    let publishers = data["site"]["publishers"].as_array().unwrap();
    assert_eq!(publishers.len(), 3);
    let reuters = publishers.iter().find(|p| p["id"] == "reuters").unwrap();
    assert_eq!(reuters["url"], "https://www.reuters.com/");
    assert_eq!(reuters["country"], "United Kingdom");
    let talks = data["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "events/talks/")
        .unwrap();
    let s = &talks["sources"][1];
    assert_eq!(s["publisher"], "President of Russia");
    assert_eq!(s["publisher_id"], "kremlin");
    assert_eq!(s["archive_url"], "https://archive.ph/abcd");
    assert_eq!(s["accessed"], "2023-03");
    assert_eq!(s["language"], "ru");
    assert_eq!(s["type"], "statement");
    assert_eq!(talks["sources"][2]["type"], Value::Null);

    // The schema knows the types: another one fails it.
    let mut broken = data.clone();
    broken["entries"][0]["sources"][0]["type"] = Value::from("blog post");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn json_ld_citations_name_the_archive_and_the_language() {
    let site = site();
    site.build().assert_ok();
    let page = site.output("events/talks/index.html");
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + page[start..].find("</script>").unwrap();
    let ld = json(&page[start..end]);
    let text = ld.to_string();
    assert!(
        text.contains("\"archivedAt\":\"https://archive.ph/abcd\""),
        "{text}"
    );
    assert!(text.contains("\"inLanguage\":\"ru\""), "{text}");
    assert!(
        text.contains("\"url\":\"https://www.reuters.com/\""),
        "the publisher's home: {text}"
    );
}
