//! Positions (issue 16 point 3): statements `about` a topic, document or event are listed
//! on its page by the party their speaker speaks for, then by speaker, with the responses
//! (`responds_to`) threaded under the statement they answer, and a line for each side of
//! the page that no statement speaks for. Every mistake is reported at its line.

mod common;

use common::TestSite;
use common::entities::positions;

/// A section of a page by its id, as HTML.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!(r#"<section id="{id}""#);
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no section {id} in\n{html}"));
    // Sections nest (a group of positions is one): the end is the `</section>` that closes
    // this one.
    let mut depth = 0;
    let mut at = start;
    loop {
        let next_open = html[at + 1..].find("<section").map(|i| i + at + 1);
        let next_close = html[at..].find("</section>").map(|i| i + at).unwrap();
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o;
            }
            _ if depth > 0 => {
                depth -= 1;
                at = next_close + 1;
            }
            _ => return &html[start..next_close],
        }
    }
}

/// The text of some HTML, tags taken out and white space collapsed.
fn words(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let joined = out.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .replace(" :", ":")
        .replace(" )", ")")
        .replace("( ", "(")
}

#[test]
fn a_topic_lists_its_positions_by_party_and_speaker_with_responses_threaded() {
    let site = positions();
    site.build().assert_ok();
    let page = site.output("topics/road/index.html");
    let html = section(&page, "positions");
    assert_eq!(
        words(html),
        "Positions \
         Northland government Ann Minister 10 January 2021: Ann on the opening The road is open. \
         Bo Envoy (Southland government) responded: 12 January 2021: Bo replies It is not. \
         Ann Minister (Northland government) responded: 15 January 2021: Ann answers Bo She said again. \
         Southland government Bo Envoy 1 February 2021: Bo on the checkpoints He said later. \
         Speaking for no party in the sources Cara Reporter 1 March 2021: Cara on the traffic She reported. \
         No statement by Eastland government in the sources"
    );
    // The responses are lists inside the item of the statement they answer.
    let opening = html.find("/statements/ann-opening/").unwrap();
    let later = html.find("/statements/bo-later/").unwrap();
    let thread = &html[opening..later];
    assert_eq!(
        thread.matches(r#"<ol class="response-list""#).count(),
        2,
        "{thread}"
    );
    let reply = thread.find("/statements/bo-reply/").unwrap();
    let answer = thread.find("/statements/ann-answers/").unwrap();
    assert!(reply < answer, "{thread}");
    assert!(
        !thread[reply..answer].contains("</li>"),
        "the answer to the reply is not nested in it: {thread}"
    );
    // A response that is about the page is shown under what it answers, not twice.
    assert_eq!(html.matches("/statements/bo-reply/").count(), 1, "{html}");
    assert!(
        html.contains(r#"<h3><a href="/organizations/northland/">Northland government</a></h3>"#)
    );
}

#[test]
fn a_side_of_a_treaty_that_says_nothing_is_named() {
    let site = positions();
    site.build().assert_ok();
    let page = site.output("documents/treaty/index.html");
    let text = words(section(&page, "positions"));
    // Northland speaks, Southland answers it; Westland, a signatory, says nothing.
    assert!(
        text.starts_with("Positions Northland government Ann Minister"),
        "{text}"
    );
    assert!(
        text.contains("Bo Envoy (Southland government) responded"),
        "{text}"
    );
    assert!(
        text.ends_with("No statement by Westland government in the sources"),
        "{text}"
    );
    assert!(!text.contains("No statement by Northland"), "{text}");
    assert!(!text.contains("No statement by Southland"), "{text}");
}

#[test]
fn a_statement_shows_what_it_is_about_answers_and_is_answered_by() {
    let site = positions();
    site.build().assert_ok();
    let opening = site.output("statements/ann-opening/index.html");
    assert!(
        opening.contains(r#"<p class="about">About: <a href="/topics/road/">Lachin road</a>, <a href="/documents/treaty/">Road treaty</a></p>"#),
        "{opening}"
    );
    let responses = words(section(&opening, "responses"));
    assert!(responses.contains("Bo replies"), "{responses}");
    let reply = site.output("statements/bo-reply/index.html");
    assert!(
        reply.contains(r#"<p class="responds-to">Responds to: <a href="/statements/ann-opening/">Ann on the opening</a>"#),
        "{reply}"
    );
    // A page no statement is about has no positions.
    assert!(
        !site
            .output("people/ann/index.html")
            .contains(r#"id="positions""#)
    );
}

#[test]
fn the_party_is_the_one_the_speaker_represents_at_the_statements_date() {
    let site = positions();
    // From 2022 Ann represents Westland: her statement of 2021 still speaks for Northland.
    site.write(
        "content/people/ann.md",
        "---\ntitle: Ann Minister\nrelations:\n  - {type: represents, to: \"[[Northland government]]\", from: 2019, until: 2021-01}\n  - {type: represents, to: \"[[Westland government]]\", from: 2021-02}\n  - {type: member_of, to: \"[[Eastland government]]\"}\n---\nAnn.\n",
    );
    site.build().assert_ok();
    let page = site.output("topics/road/index.html");
    let text = words(section(&page, "positions"));
    assert!(
        text.starts_with("Positions Northland government Ann Minister 10 January 2021"),
        "{text}"
    );
    // Her answer of 15 January: Northland's `until: 2021-01` still holds.
    assert!(
        text.contains("Ann Minister (Northland government) responded"),
        "{text}"
    );
    // `represents` decides before `member_of`: Eastland is still silent.
    assert!(
        text.ends_with("No statement by Eastland government in the sources"),
        "{text}"
    );
}

const TOPIC: (&str, &str) = (
    "content/topics/road.md",
    "---\ntitle: Lachin road\n---\nThe road.\n",
);
const ANN: (&str, &str) = ("content/people/ann.md", "---\ntitle: Ann\n---\nAnn.\n");

#[test]
fn each_mistake_is_an_error_at_its_name() {
    let site = TestSite::with_files(&[
        TOPIC,
        ANN,
        (
            "content/places/a/ministry.md",
            "---\ntitle: Ministry\n---\nx\n",
        ),
        (
            "content/places/b/ministry.md",
            "---\ntitle: Ministry\n---\ny\n",
        ),
        (
            "content/statements/a.md",
            "---\ntitle: A\ndate: 2021-01-01\nspeaker: Ann\nabout: [\"[[Lachin raod]]\", Ministry]\nresponds_to: \"[[Lachin road]]\"\n---\nA.\n",
        ),
        (
            "content/statements/b.md",
            "---\ntitle: B\ndate: 2021-01-02\nspeaker: Ann\nresponds_to:\n  - \"[[C]]\"\n---\nB.\n",
        ),
        (
            "content/statements/c.md",
            "---\ntitle: C\ndate: 2021-01-03\nspeaker: Ann\nresponds_to: \"[[B]]\"\n---\nC.\n",
        ),
        (
            "content/statements/d.md",
            "---\ntitle: D\ndate: 2021-01-04\nspeaker: Ann\nabout: [D]\nresponds_to: d\n---\nD.\n",
        ),
    ]);
    let run = site.build();
    run.assert_code(1);
    assert!(
        !site.path("public").exists(),
        "a failed build wrote its output"
    );
    run.assert_reports(
        "error: content/statements/a.md:5:10: `about` `Lachin raod`: no entry has this title, alias or slug",
    );
    assert!(
        run.stderr.contains("did you mean `Lachin road`?"),
        "{}",
        run.stderr
    );
    run.assert_reports(
        "error: content/statements/a.md:5:28: `about` `Ministry` is ambiguous: it could mean content/places/a/ministry.md, content/places/b/ministry.md",
    );
    run.assert_reports(
        "error: content/statements/a.md:6:15: `responds_to` `Lachin road`: `Lachin road` is not a statement (it has no `speaker`)",
    );
    run.assert_reports(
        "error: content/statements/b.md:6:6: `responds_to` makes a cycle: “B” → “C” → “B” (each responds to the next)",
    );
    // One cycle, one error: the statement that closes it the other way is not reported.
    assert!(!run.stderr.contains("statements/c.md"), "{}", run.stderr);
    run.assert_reports("error: content/statements/d.md:5:9: a statement cannot be about itself");
    run.assert_reports("error: content/statements/d.md:6:14: a statement cannot respond to itself");
}

#[test]
fn about_on_an_entry_that_is_not_a_statement_is_a_warning() {
    let site = TestSite::with_files(&[
        TOPIC,
        (
            "content/topics/other.md",
            "---\ntitle: Other\ntags: [x]\nabout: \"[[Lachin road]]\"\n---\nOther.\n",
        ),
    ]);
    let run = site.build();
    run.assert_ok().assert_reports(
        "warning: content/topics/other.md:4:1: `about` is for statements (entries with a `speaker`); this entry has none, so it is left out of positions",
    );
    assert!(
        !site
            .output("topics/road/index.html")
            .contains(r#"id="positions""#)
    );
}

#[test]
fn open_data_and_json_ld_say_what_a_statement_is_about_and_answers() {
    let site = positions();
    site.build().assert_ok();
    let data: serde_json::Value = serde_json::from_str(&site.output("data/dossier.json")).unwrap();
    let entries = data["entries"].as_array().expect("entries");
    let reply = entries
        .iter()
        .find(|e| e["id"] == "statements/bo-reply/")
        .expect("the reply");
    assert_eq!(reply["about"], serde_json::json!(["topics/road/"]));
    assert_eq!(
        reply["responds_to"],
        serde_json::json!(["statements/ann-opening/"])
    );
    let topic = entries.iter().find(|e| e["id"] == "topics/road/").unwrap();
    assert_eq!(topic["about"], serde_json::json!([]));

    let page = site.output("statements/bo-reply/index.html");
    assert!(
        page.contains(
            r#""about":[{"@id":"https://example.org/topics/road/#entry","name":"Lachin road"}]"#
        ),
        "{page}"
    );
    assert!(
        page.contains(r#""isBasedOn":[{"@id":"https://example.org/statements/ann-opening/#entry""#),
        "{page}"
    );
}
