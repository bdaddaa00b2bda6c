//! Building fixture sites and reading what comes out.

mod common;

use common::{TestSite, links};

const BASE: &str = "/sub/path/";

#[test]
fn every_page_is_written() {
    let site = TestSite::fixture("basic");
    let run = site.build();
    run.assert_ok();
    assert!(
        run.stdout
            .starts_with("built 4 entries, 5 tag pages, 14 other pages, 0 warnings in "),
        "summary line: {}",
        run.stdout
    );
    let files = site.output_files();
    for expected in [
        "index.html",
        "404.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "highlight.css",
        "style.css",
        "extra.txt",
        "people/index.html",
        "people/lavrov/index.html",
        "places/index.html",
        "places/lachin-road/index.html",
        "places/map.png",
        "events/index.html",
        "events/talks/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/diplomacy/index.html",
        "tags/diplomacy/atom.xml",
        "timeline/kind/event/index.html",
        "timeline/tag/diplomacy/index.html",
        "tags/lachin-road/index.html",
        "tags/peace-treaty/atom.xml",
    ] {
        assert!(
            files.contains_key(expected),
            "missing {expected}; have {:?}",
            files.keys()
        );
    }
    assert!(
        !files.keys().any(|f| f.contains("draft-place")),
        "drafts are left out"
    );
}

#[test]
fn drafts_are_built_on_request() {
    let site = TestSite::fixture("basic");
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(
        site.output("places/draft-place/index.html")
            .contains("Unfinished place")
    );
}

#[test]
fn every_internal_link_works_under_a_sub_path() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let checked = assert_links_resolve(&site.output_files(), BASE);
    assert!(checked > 50, "only {checked} links checked");
}

/// Checks that every internal link of every page leads to a file of `files`, under
/// `base`, and a link with a `#fragment` to an element with that id; returns how many it
/// checked.
fn assert_links_resolve(files: &std::collections::BTreeMap<String, Vec<u8>>, base: &str) -> usize {
    let mut checked = 0;
    for (rel, bytes) in files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if link.starts_with("https://") || link.starts_with("http://") || link.starts_with('#')
            {
                continue;
            }
            assert!(
                link.starts_with(base),
                "{rel}: link {link} is not under {base}"
            );
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let file = &path[base.len()..];
            let target = if file.is_empty() || file.ends_with('/') {
                format!("{file}index.html")
            } else {
                file.to_string()
            };
            assert!(
                files.contains_key(&target),
                "{rel}: link {link} leads nowhere"
            );
            if !fragment.is_empty() && target.ends_with(".html") {
                let page = String::from_utf8_lossy(&files[&target]);
                assert!(
                    page.contains(&format!("id=\"{fragment}\"")),
                    "{rel}: link {link} leads to no element of {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn markdown_links_and_wikilinks_become_urls() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let lavrov = site.output("people/lavrov/index.html");
    assert!(
        lavrov.contains("<a href=\"/sub/path/places/lachin-road/#history\">road</a>"),
        "{lavrov}"
    );
    assert!(
        lavrov.contains("<a href=\"/sub/path/places/lachin-road/#use\">Lachin road#Use</a>"),
        "{lavrov}"
    );
    let home = site.output("index.html");
    assert!(
        home.contains("<a href=\"/sub/path/places/\">places</a>"),
        "{home}"
    );
}

#[test]
fn html_in_front_matter_is_escaped() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    for page in [
        "people/lavrov/index.html",
        "people/index.html",
        "index.html",
        "tags/russia/index.html",
    ] {
        let html = site.output(page);
        assert!(
            !html.contains("<b>Lavrov</b>"),
            "{page} has raw HTML from a title"
        );
        assert!(
            !html.contains("<script>alert"),
            "{page} has raw HTML from a summary"
        );
    }
    let lavrov = site.output("people/lavrov/index.html");
    assert!(
        lavrov.contains("Sergey &lt;b&gt;Lavrov&lt;&#x2f;b&gt;")
            || lavrov.contains("Sergey &lt;b&gt;Lavrov&lt;/b&gt;"),
        "{lavrov}"
    );
    let feed = site.output("atom.xml");
    assert!(!feed.contains("<b>Lavrov"));
}

#[test]
fn entry_pages_carry_markdown_features() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let road = site.output("places/lachin-road/index.html");
    assert!(road.contains("<h2 id=\"history\">History</h2>"));
    assert!(road.contains("<table>"));
    assert!(road.contains("class=\"footnote-definition\""));
    assert!(road.contains("<pre class=\"code\" data-lang=\"rust\">"));
    assert!(
        road.contains("class=\"hl-"),
        "code is highlighted with classes"
    );
    assert!(
        road.contains("id=\"toc\""),
        "two headings give a table of contents"
    );
    assert!(road.contains("href=\"#history\""));
    let css = site.output("highlight.css");
    assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
    // Backlinks: Lavrov and the talks link to the road and to Lavrov.
    assert!(road.contains("id=\"backlinks\""));
    assert!(road.contains("/sub/path/people/lavrov/"));
}

#[test]
fn sitemap_and_feeds_are_well_formed_with_absolute_urls() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let sitemap = site.output("sitemap.xml");
    let locs = xml_texts(&sitemap, "loc");
    assert!(locs.len() >= 12, "{locs:?}");
    for loc in &locs {
        assert!(loc.starts_with("https://example.org/sub/path/"), "{loc}");
    }
    assert!(locs.contains(&"https://example.org/sub/path/places/lachin-road/".to_string()));
    assert!(!locs.iter().any(|l| l.contains("404")));

    let feed = site.output("atom.xml");
    let ids = xml_texts(&feed, "id");
    // The feed's own id, then one per dated entry (the about page, the talks).
    assert_eq!(ids[0], "https://example.org/sub/path/atom.xml");
    assert_eq!(
        &ids[1..],
        [
            "https://example.org/sub/path/about/",
            "https://example.org/sub/path/events/talks/"
        ]
    );
    assert_eq!(xml_texts(&feed, "updated")[0], "2024-01-02T10:00:00+04:00");
    assert!(feed.contains("<link rel=\"self\" href=\"https://example.org/sub/path/atom.xml\""));
    let tag_feed = site.output("tags/diplomacy/atom.xml");
    assert_eq!(xml_texts(&tag_feed, "id").len(), 2, "{tag_feed}");
    let robots = site.output("robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sub/path/sitemap.xml"));
}

#[test]
fn base_url_can_be_overridden() {
    let site = TestSite::fixture("basic");
    site.run(&["build", "--base-url", "http://localhost:8000"])
        .assert_ok();
    let home = site.output("index.html");
    assert!(home.contains("href=\"/style.css\""), "{home}");
    assert!(
        site.output("sitemap.xml")
            .contains("<loc>http://localhost:8000/</loc>")
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    let before = site.output_files();
    site.write("content/events/broken.md", "---\ntitle: [unclosed\n---\n");
    site.build().assert_code(1);
    assert_eq!(site.output_files(), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dossier-staging") || n.contains("dossier-old"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn removed_entries_leave_nothing_behind() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    assert!(site.path("public/events/talks/index.html").exists());
    site.remove("content/events/talks.md");
    site.write("public/stray.txt", "left by hand");
    site.build().assert_ok();
    assert!(!site.path("public/events/talks").exists());
    assert!(
        !site.path("public/tags/peace-treaty").exists(),
        "a tag only the removed entry had"
    );
    assert!(!site.path("public/stray.txt").exists());
}

/// Builds the site into a new folder and returns what it wrote.
fn fresh_output(site: &TestSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.path("fresh");
    let _ = std::fs::remove_dir_all(&out);
    site.run(&["build", "--output", out.to_str().unwrap()])
        .assert_ok();
    common::files_of(&out)
}

#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn rebuilds_start_from_the_replaced_output_and_equal_a_fresh_build() {
    let site = TestSite::fixture("basic");
    site.build().assert_ok();
    assert_eq!(site.output_files(), fresh_output(&site));
    let about = site.path("public/about/index.html");
    #[cfg(unix)]
    let first = inode(&about);

    // The second build has no earlier output to start from; it keeps the first.
    site.remove("content/events/talks.md");
    site.build().assert_ok();
    assert_eq!(site.output_files(), fresh_output(&site));
    assert!(
        site.path(".public.dossier-previous/events/talks/index.html")
            .exists()
    );

    // The third starts from the first: the removed entry, a file put there by hand and
    // a folder where a file is now written all go; an unchanged page stays the same file.
    site.write(".public.dossier-previous/stray.txt", "left by hand");
    site.remove(".public.dossier-previous/robots.txt");
    std::fs::create_dir_all(site.path(".public.dossier-previous/robots.txt/inner")).unwrap();
    site.write(
        "content/events/new-round.md",
        "---\ntitle: New round\nkind: event\ndate: 2024-03-01\n---\nTalks went on.\n",
    );
    site.build().assert_ok();
    assert_eq!(site.output_files(), fresh_output(&site));
    assert!(!site.path("public/events/talks").exists());
    #[cfg(unix)]
    assert_eq!(inode(&about), first, "an unchanged page was rewritten");
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with("checked 4 entries"),
        "{}",
        run.stdout
    );
    assert!(!site.path("public").exists());
}

#[test]
fn building_never_touches_the_sources() {
    let site = TestSite::fixture("basic");
    let before = site.source_files();
    site.build().assert_ok();
    site.build().assert_ok();
    assert_eq!(site.source_files(), before);
}

#[test]
fn output_folder_can_be_chosen() {
    let site = TestSite::fixture("basic");
    let out = site.path("elsewhere/site");
    site.run(&["build", "--output", out.to_str().unwrap()])
        .assert_ok();
    assert!(out.join("index.html").exists());
    assert!(!site.path("public").exists());
    site.run(&["build", "--output", site.path("content").to_str().unwrap()])
        .assert_code(1)
        .assert_reports("error: refusing to write the site");
    assert!(site.path("content/people/lavrov.md").exists());
}

/// The text of every `<name>…</name>` element.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.local_name().as_ref() == name => inside = true,
            Event::End(e) if e.local_name().as_ref() == name => inside = false,
            Event::Text(t) if inside => out.push(t.xml10_content().into_owned()),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn verbose_prints_each_stage_with_time_and_memory() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["--verbose", "build"]);
    run.assert_ok();
    for stage in ["read and parse", "markdown and links", "render pages"] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no `{stage}` line in:\n{}", run.stderr));
        assert!(line.contains(" ms"), "{line}");
        if cfg!(target_os = "linux") {
            let mib: f64 = line
                .split_whitespace()
                .rev()
                .nth(2)
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no resident memory in `{line}`"));
            assert!(mib > 1.0, "{line}");
        }
    }
}

/// The entry URLs of the cards on a list page, in order.
fn card_urls(html: &str) -> Vec<String> {
    html.split("class=\"card-title\" href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The value of the `rel` link on a page, if it has one.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let attr = format!("rel=\"{rel}\" href=\"");
    let start = html.find(&attr)? + attr.len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

/// A list of the graph fixture (base path `/dossier/`), followed from its first page by
/// `rel="next"`: each page's path and cards.
fn list_pages(site: &TestSite, first: &str) -> Vec<(String, Vec<String>)> {
    const BASE: &str = "/dossier/";
    let mut pages: Vec<(String, Vec<String>)> = Vec::new();
    let mut next = Some(format!("{BASE}{first}"));
    while let Some(url) = next {
        let path = url.strip_prefix(BASE).unwrap().to_string();
        let html = site.output(&format!("{path}index.html"));
        let previous = pages.last().map(|(p, _)| format!("{BASE}{p}"));
        assert_eq!(rel_link(&html, "prev"), previous, "{path}");
        next = rel_link(&html, "next");
        pages.push((path, card_urls(&html)));
        assert!(
            pages.len() < 50,
            "the pages of {first} go round in a circle"
        );
    }
    pages
}

#[test]
fn long_lists_go_on_over_numbered_pages_that_hold_every_entry_once() {
    let site = TestSite::fixture("graph");
    // Seven notes cite one report: entry pages then link to its place on /sources/.
    let names = ["one", "two", "three", "four", "five", "six", "seven"];
    for (i, name) in names.iter().enumerate() {
        site.write(
            &format!("content/notes/{name}.md"),
            &format!("---\ntitle: \"Note {name}\"\nkind: person\ndate: 2021-0{}-01\ntags: [\"Common\"]\nsources:\n  - {{title: \"Report {name}\", url: \"https://example.net/{name}\"}}\n  - {{title: \"Wide report\", url: \"https://example.net/wide\"}}\n---\nA note.\n", i + 1),
        );
    }
    let lists = ["tags/common/", "timeline/", "people/", "notes/"];
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}paginate_by: 0\n"));
    site.build().assert_ok();
    let whole: Vec<Vec<String>> = lists
        .iter()
        .map(|list| {
            let pages = list_pages(&site, list);
            assert_eq!(pages.len(), 1, "{list} is on one page with paginate_by: 0");
            pages[0].1.clone()
        })
        .collect();
    let whole_feed = site.output("tags/common/atom.xml");

    site.write("site.yaml", &format!("{config}paginate_by: 2\n"));
    site.build().assert_ok();
    let files = site.output_files();
    for (list, whole) in lists.iter().zip(&whole) {
        assert!(whole.len() > 2, "{list} has {} entries", whole.len());
        let pages = list_pages(&site, list);
        assert_eq!(pages.len(), whole.len().div_ceil(2), "{list}");
        for (n, (path, cards)) in pages.iter().enumerate() {
            assert!(!cards.is_empty() && cards.len() <= 2, "{path}: {cards:?}");
            let expected = match n {
                0 => list.to_string(),
                n => format!("{list}page/{}/", n + 1),
            };
            assert_eq!(path, &expected);
            let html = site.output(&format!("{path}index.html"));
            let current = format!("aria-current=\"page\">{}</a>", n + 1);
            assert!(html.contains(&current), "{path} does not mark itself");
            if n > 0 {
                let title = format!("(page {} of {})", n + 1, pages.len());
                assert!(html.contains(&title), "{path} has no {title}");
            }
        }
        let joined: Vec<String> = pages.into_iter().flat_map(|(_, cards)| cards).collect();
        assert_eq!(
            &joined, whole,
            "{list}: every entry once, in the same order"
        );
        assert!(!files.contains_key(&format!("{list}page/1/index.html")));
    }
    // Sources are paginated too, and entries link to the page that lists theirs.
    assert!(files.contains_key("sources/page/2/index.html"));
    let note = site.output("notes/one/index.html");
    assert!(note.contains("/dossier/sources/page/"), "{note}");
    assert_links_resolve(&files, "/dossier/");
    // The year index of every timeline page leads to each year's heading.
    let timeline = site.output("timeline/page/2/index.html");
    let index = &timeline[timeline.find("class=\"year-index\"").unwrap()..];
    let index = &index[..index.find("</nav>").unwrap()];
    let years = links(index);
    assert!(years.len() >= 2, "{index}");
    for link in years {
        let (page, year) = link.split_once('#').unwrap();
        let html = site.output(&format!("{}index.html", &page["/dossier/".len()..]));
        assert!(html.contains(&format!("id=\"{year}\"")), "{link}");
    }
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("https://example.org/dossier/tags/common/page/2/"));
    assert!(!files.contains_key("tags/common/page/2/atom.xml"));
    assert_eq!(
        site.output("tags/common/atom.xml"),
        whole_feed,
        "one feed a tag, as without pages"
    );
}

#[test]
fn an_entry_cannot_take_the_url_of_a_later_page() {
    let site = TestSite::fixture("graph");
    site.write(
        "content/people/page/2.md",
        "---\ntitle: \"Two\"\nkind: person\n---\nText.\n",
    );
    site.build().assert_code(1).assert_reports(
        "error: content/people/page/2.md: the URL /people/page/2/ is one Dossier writes itself",
    );
}
