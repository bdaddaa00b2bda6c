//! Embeds (issue 14 point 3): `![[Note]]`, `![[Note#Heading]]` and `![[Note#^id]]` show
//! another page's text in place, nested embeds too; a cycle or a missing target is an
//! error at the embed; `![[x.png|300]]`, sounds, films and PDFs become their elements.

mod common;

use common::TestSite;

const BETA: &str = "---\ntitle: Beta\n---\nBeta's opening words.\n\n## History\n\nHow it began[^n].\n\n### Early\n\nThe early days. ^early\n\n## Later\n\nWhat came later.\n\n- first item\n- listed item ^item\n\n[^n]: Beta's own note.\n";

fn site(files: &[(&str, &str)]) -> TestSite {
    let mut all = vec![("content/notes/beta.md", BETA)];
    all.extend_from_slice(files);
    TestSite::with_files(&all)
}

/// The embed whose `data-embed` is `written`, up to the end of its wrapper.
fn embed<'a>(html: &'a str, written: &str) -> &'a str {
    let start = format!("<div class=\"embed\" data-embed=\"{written}\">");
    let from = html
        .find(&start)
        .unwrap_or_else(|| panic!("no embed of {written} in {html}"));
    // The wrapper ends where as many `</div>` have closed as `<div` opened.
    let mut depth = 0;
    let mut at = from;
    loop {
        let open = html[at..].find("<div").map(|i| at + i);
        let close = html[at..].find("</div>").map(|i| at + i).expect("closed");
        match open {
            Some(o) if o < close => {
                depth += 1;
                at = o + 4;
            }
            _ => {
                depth -= 1;
                at = close + 6;
                if depth == 0 {
                    return &html[from..at];
                }
            }
        }
    }
}

/// Every `id="…"` of a page.
fn ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        let end = rest.find('"').unwrap();
        out.push(rest[..end].to_string());
    }
    out
}

#[test]
fn a_note_embed_shows_its_rendered_text_with_a_link_to_it() {
    let site = site(&[(
        "content/notes/alpha.md",
        "---\ntitle: Alpha\n---\nBefore.\n\n![[Beta]]\n\nAfter.\n",
    )]);
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let shown = embed(&html, "Beta");
    assert!(
        shown.contains("<div class=\"embed-title\"><a href=\"/notes/beta/\">Beta</a></div>"),
        "{shown}"
    );
    assert!(shown.contains("<p>Beta’s opening words.</p>"), "{shown}");
    assert!(shown.contains("What came later."), "{shown}");
    assert!(!html.contains("<img"), "a note is no picture: {html}");
    // A paragraph of an embed alone is not written around it.
    assert!(!html.contains("<p><div"), "{html}");
    assert!(!html.contains("dossier:embed"), "{html}");
    // The embed links to its note: the note lists the page among its backlinks.
    let beta = site.output("notes/beta/index.html");
    assert!(beta.contains("href=\"/notes/alpha/\""), "{beta}");
}

#[test]
fn a_heading_embed_shows_its_section_and_a_block_embed_its_block() {
    let site = site(&[(
        "content/notes/alpha.md",
        "---\ntitle: Alpha\n---\n![[Beta#History]]\n\n![[Beta#Later#listed item]]\n\n![[Beta#^early]]\n\n![[beta#^item]]\n",
    )]);
    // `#Later#listed item` names no heading: an error, as a link's would be.
    site.build()
        .assert_code(1)
        .assert_reports("error: content/notes/alpha.md:6:1: ");
    site.write(
        "content/notes/alpha.md",
        "---\ntitle: Alpha\n---\n![[Beta#History]]\n\n![[Beta#History#Early]]\n\n![[Beta#^early]]\n\n![[beta#^item]]\n",
    );
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let history = embed(&html, "Beta#History");
    assert!(
        history.contains("<a href=\"/notes/beta/#history\">Beta › History</a>"),
        "{history}"
    );
    assert!(history.contains("How it began"), "{history}");
    assert!(
        history.contains("The early days."),
        "a subheading is part of it"
    );
    assert!(!history.contains("What came later"), "{history}");
    let early = embed(&html, "Beta#History#Early");
    assert!(early.contains("The early days."), "{early}");
    assert!(!early.contains("How it began"), "{early}");
    let block = embed(&html, "Beta#^early");
    assert!(
        block.contains("<a href=\"/notes/beta/#%5Eearly\">Beta</a>"),
        "{block}"
    );
    assert!(
        block.contains("<p id=\"embed-3:^early\">The early days.</p>"),
        "{block}"
    );
    assert!(!block.contains("How it began"), "{block}");
    let item = embed(&html, "beta#^item");
    assert!(
        item.contains("<ul>\n<li id=\"embed-4:^item\">listed item</li>\n</ul>"),
        "{item}"
    );
    assert!(!item.contains("first item"), "{item}");
}

#[test]
fn embeds_nest_and_ids_stay_unique_with_footnotes_that_still_work() {
    let site = site(&[
        (
            "content/notes/alpha.md",
            "---\ntitle: Alpha\n---\n## History\n\nAlpha's own history[^n].\n\n![[Gamma]]\n\n![[Beta]]\n\n[^n]: Alpha's note.\n",
        ),
        (
            "content/notes/gamma.md",
            "---\ntitle: Gamma\n---\nGamma says:\n\n![[Beta#History]]\n",
        ),
    ]);
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let gamma = embed(&html, "Gamma");
    assert!(gamma.contains("Gamma says:"), "{gamma}");
    let inner = embed(gamma, "Beta#History");
    assert!(inner.contains("How it began"), "{inner}");
    let ids = ids(&html);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    assert!(ids.contains(&"history".to_string()), "{ids:?}");
    assert!(
        ids.contains(&"embed-1:embed-1:history".to_string()),
        "{ids:?}"
    );
    // Beta's footnote, shown whole, links to its definition inside the embed; shown in
    // part (its definition left out), to Beta's page.
    let beta = embed(&html, "Beta");
    let reference = beta
        .split("footnote-reference")
        .nth(1)
        .expect("a footnote reference");
    let href = &reference[reference.find("href=\"").unwrap() + 6..];
    let href = &href[..href.find('"').unwrap()];
    let target = href.strip_prefix('#').expect("on the page");
    assert!(target.starts_with("embed-2:"), "{href}");
    assert!(ids.contains(&target.to_string()), "{href} in {ids:?}");
    assert!(inner.contains("href=\"/notes/beta/#"), "{inner}");
}

#[test]
fn an_embed_that_shows_itself_is_an_error_naming_the_chain() {
    let site = site(&[
        (
            "content/notes/a.md",
            "---\ntitle: A\n---\nText.\n\n![[B]]\n",
        ),
        ("content/notes/b.md", "---\ntitle: B\n---\n![[A]]\n"),
    ]);
    let run = site.build();
    run.assert_code(1).assert_reports(
        "error: content/notes/a.md:6:1: this embed shows itself again, through embeds: \
         content/notes/a.md → content/notes/b.md → content/notes/a.md",
    );
    assert_eq!(
        run.headlines()
            .iter()
            .filter(|h| h.contains("shows itself"))
            .count(),
        1,
        "{}",
        run.stderr
    );
    // A section of its own note that holds the embed is a cycle; another section is not.
    site.write("content/notes/b.md", "---\ntitle: B\n---\nNo embed.\n");
    site.write(
        "content/notes/a.md",
        "---\ntitle: A\n---\n## One\n\nText.\n\n## Two\n\n![[A#One]]\n\n![[A#Two]]\n",
    );
    site.build().assert_code(1).assert_reports(
        "error: content/notes/a.md:12:1: this embed shows itself again, through embeds: \
         content/notes/a.md#two → content/notes/a.md#two",
    );
    site.write(
        "content/notes/a.md",
        "---\ntitle: A\n---\n## One\n\nText.\n\n## Two\n\n![[A#One]]\n",
    );
    site.build().assert_ok();
    let html = site.output("notes/a/index.html");
    assert!(embed(&html, "A#One").contains("Text."), "{html}");
}

#[test]
fn a_missing_note_heading_or_block_is_an_error_at_its_line_and_column() {
    let site = site(&[(
        "content/notes/alpha.md",
        "---\ntitle: Alpha\n---\nText.\n\n![[Betta]]\n\n![[Beta#Histroy]]\n\n![[Beta#^erly]]\n",
    )]);
    let run = site.build();
    run.assert_code(1);
    run.assert_reports(
        "error: content/notes/alpha.md:6:1: embed `![[Betta]]`: no entry has this title, alias or slug",
    );
    run.assert_reports("error: content/notes/alpha.md:8:1: `content/notes/beta.md` has no heading with the id `#histroy`");
    run.assert_reports("error: content/notes/alpha.md:10:1: `content/notes/beta.md` has no block with the id `^erly`");
    assert!(
        run.stderr.contains("did you mean `Beta`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `^early`?"),
        "{}",
        run.stderr
    );
    // While links are mended (`links: warn`) the site builds: a missing note is a link,
    // a missing heading an embed of nothing but its title line.
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nlinks: warn\n",
    );
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    assert!(
        html.contains("<a class=\"embed-link\" href=\"Betta\">Betta</a>"),
        "{html}"
    );
    let nothing = embed(&html, "Beta#Histroy");
    assert!(!nothing.contains("embed-content"), "{nothing}");
}

/// A PNG of `width` × `height` pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([9, 9, 9]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

#[test]
fn pictures_sounds_films_and_pdfs_become_their_elements() {
    let site = site(&[(
        "content/notes/media.md",
        "---\ntitle: Media\n---\n![[map.png|300]]\n\n![[map.png|A map|100x20]]\n\n![[clip.mp3]]\n\n![[film.mp4|320]]\n\n![[paper.pdf#page=3]]\n\n![[data.csv]]\n",
    )]);
    site.write_bytes("content/notes/map.png", &png(600, 400));
    for (name, bytes) in [
        ("clip.mp3", &b"ID3"[..]),
        ("film.mp4", b"film"),
        ("paper.pdf", b"%PDF-1.4"),
        ("data.csv", b"a,b"),
    ] {
        site.write_bytes(&format!("content/notes/{name}"), bytes);
    }
    site.build().assert_ok();
    let html = site.output("notes/media/index.html");
    // The picture is 600 pixels wide: it has a variant 480 wide, and is shown at the size
    // given (the height from its proportions unless given too).
    assert!(
        html.contains("<img src=\"/notes/map.png\" alt=\"map.png\" srcset=\"/notes/map-480w."),
        "{html}"
    );
    assert!(
        html.contains(" 480w, /notes/map.png 600w\" sizes=\"300px\" width=\"300\" height=\"200\" decoding=\"async\">"),
        "{html}"
    );
    assert!(html.contains("alt=\"A map\" srcset="), "{html}");
    assert!(
        html.contains(
            "sizes=\"100px\" width=\"100\" height=\"20\" decoding=\"async\" loading=\"lazy\">"
        ),
        "{html}"
    );
    assert!(
        html.contains("<audio controls src=\"/notes/clip.mp3\"><a href=\"/notes/clip.mp3\">clip.mp3</a></audio>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<video controls preload=\"metadata\" src=\"/notes/film.mp4\" width=\"320\">"
        ),
        "{html}"
    );
    assert!(
        html.contains("<object class=\"embed-pdf\" data=\"/notes/paper.pdf#page=3\" type=\"application/pdf\"><a href=\"/notes/paper.pdf#page=3\">paper.pdf</a></object>"),
        "{html}"
    );
    assert!(
        html.contains("<a class=\"embed-file\" href=\"/notes/data.csv\">data.csv</a>"),
        "{html}"
    );
    for file in ["map.png", "clip.mp3", "film.mp4", "paper.pdf", "data.csv"] {
        assert!(
            site.path(&format!("public/notes/{file}")).exists(),
            "{file} is copied"
        );
    }
    // A file that is not there is an error at the embed, with the nearest file.
    site.write(
        "content/notes/media.md",
        "---\ntitle: Media\n---\nText.\n\n![[clip.mp4]]\n",
    );
    let run = site.build();
    run.assert_code(1).assert_reports(
        "error: content/notes/media.md:6:1: embed `![[clip.mp4]]`: no file has this name or path",
    );
    assert!(
        run.stderr.contains("did you mean `clip.mp3`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_marker_reaches_a_summary_a_feed_or_the_search_index() {
    let site = site(&[
        (
            "content/notes/alpha.md",
            "---\ntitle: Alpha\ndate: 2024-01-02\n---\nFirst words.\n\n![[Beta#History]]\n\n<!-- more -->\n\nThe rest.\n",
        ),
        (
            "content/notes/_index.md",
            "---\ntitle: Notes\n---\nThe folder's text.\n\n![[Beta#^early]]\n",
        ),
    ]);
    site.build().assert_ok();
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("dossier:embed"),
            "a marker in {path}: {text}"
        );
    }
    let section = site.output("notes/index.html");
    assert!(
        embed(&section, "Beta#^early").contains("The early days."),
        "{section}"
    );
    let search = site.output("search-index.js");
    assert!(search.contains("First words."), "{search}");
    // The name of an embed is not the page's text.
    assert!(!search.contains("Beta#History"), "{search}");
}

#[test]
fn an_embed_splits_its_paragraph_stands_in_a_list_item_and_is_a_link_in_a_heading() {
    let site = site(&[(
        "content/notes/alpha.md",
        "---\ntitle: Alpha\n---\nAs it says:\n![[Beta#^early]]\nand so on.\n\n- ![[Beta#^early]]\n- two\n\n## See ![[Beta]] and *![[Beta]]*\n",
    )]);
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let split = "<p>As it says:</p>\n<div class=\"embed\" data-embed=\"Beta#^early\">";
    assert!(html.contains(split), "{html}");
    assert!(html.contains("</div>\n<p>and so on.</p>"), "{html}");
    assert!(html.contains("<li><div class=\"embed\""), "{html}");
    assert!(
        html.contains("See <a class=\"embed-link\" href=\"/notes/beta/\">Beta</a> and <em><a class=\"embed-link\""),
        "{html}"
    );
    assert!(
        !html.contains("<p><div") && !html.contains("<p></p>"),
        "{html}"
    );
}

#[test]
fn a_folder_note_embeds_as_its_folder_page() {
    let site = site(&[
        (
            "content/notes/alpha.md",
            "---\ntitle: Alpha\n---\n![[trips]]\n",
        ),
        (
            "content/trips/_index.md",
            "---\ntitle: Trips\n---\nWhere we went.\n",
        ),
        ("content/trips/rome.md", "---\ntitle: Rome\n---\nRome.\n"),
    ]);
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let shown = embed(&html, "trips");
    assert!(shown.contains("<a href=\"/trips/\">Trips</a>"), "{shown}");
    assert!(shown.contains("Where we went."), "{shown}");
}

#[test]
fn math_highlighted_code_callouts_and_diagrams_work_inside_an_embed() {
    let site = site(&[
        (
            "content/notes/alpha.md",
            "---\ntitle: Alpha\n---\nText.\n\n![[Code]]\n",
        ),
        (
            "content/notes/code.md",
            "---\ntitle: Code\n---\nThe formula $x^2$.\n\n```rust\nlet x = 1;\n```\n\n> [!tip] A tip\n> Inside.\n\n```mermaid\ngraph TD; A-->B\n```\n",
        ),
    ]);
    site.write("static/mermaid.min.js", "/* mermaid */");
    site.build().assert_ok();
    let html = site.output("notes/alpha/index.html");
    let shown = embed(&html, "Code");
    assert!(shown.contains("<math"), "{shown}");
    assert!(shown.contains("class=\"hl-"), "{shown}");
    assert!(shown.contains("callout callout-tip"), "{shown}");
    assert!(shown.contains("<pre class=\"mermaid\">"), "{shown}");
    // The page loads the diagrams' script for the diagram its embed shows.
    assert!(html.contains("mermaid.min.js"), "{html}");
}

#[test]
fn embeds_nest_eight_deep_at_most() {
    let mut files: Vec<(String, String)> = (0..10)
        .map(|i| {
            (
                format!("content/notes/n{i}.md"),
                format!("---\ntitle: N{i}\n---\nWords of {i}.\n\n![[N{}]]\n", i + 1),
            )
        })
        .collect();
    files.push((
        "content/notes/n10.md".into(),
        "---\ntitle: N10\n---\nThe last.\n".into(),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = site(&files);
    site.build().assert_ok();
    let html = site.output("notes/n0/index.html");
    assert!(html.contains("Words of 8."), "{html}");
    assert!(!html.contains("Words of 9."), "{html}");
    assert!(html.contains("<a href=\"/notes/n9/\">N9</a>"), "{html}");
    let html = site.output("notes/n2/index.html");
    assert!(html.contains("The last."), "{html}");
}
