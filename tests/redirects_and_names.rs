//! Old URLs keep working (`permalink`, `redirect_from`, URL-shaped `aliases`: redirect
//! pages and `_redirects`), a tag's page takes its description from `content/tags/`, and
//! every URL a redirect claims is claimed like a page's: a clash names both files.

mod common;

use common::{Run, TestSite};

/// The `redirects` fixture, built.
fn built() -> TestSite {
    let site = TestSite::fixture("redirects");
    site.build().assert_ok();
    site
}

/// Asserts that `html` is a redirect page to `url` (root-relative under the base path).
#[track_caller]
fn assert_redirects_to(html: &str, url: &str, title: &str) {
    let permalink = format!("https://example.org{url}");
    for part in [
        "<!doctype html>".to_string(),
        "<html lang=\"en\">".to_string(),
        format!("<meta http-equiv=\"refresh\" content=\"0; url={url}\">"),
        format!("<link rel=\"canonical\" href=\"{permalink}\">"),
        "<meta name=\"robots\" content=\"noindex\">".to_string(),
        format!("<a href=\"{url}\">{title}</a>"),
        format!("<title>Moved: {title}</title>"),
    ] {
        assert!(html.contains(&part), "{part} not in\n{html}");
    }
}

#[test]
fn redirect_from_and_url_aliases_write_redirect_pages() {
    let site = built();
    let to = "/garden/notes/making-plugins/";
    for file in [
        "old/plugins/index.html",
        "plugins.html",
        "hugo/plugins/index.html",
    ] {
        assert_redirects_to(&site.output(file), to, "Writing a plugin");
    }
    // One string is one old URL; without a trailing `/` it is a folder.
    assert_redirects_to(
        &site.output("blog/moved/index.html"),
        "/garden/2014/12/moved-post/",
        "A post with a permalink",
    );
}

#[test]
fn the_other_aliases_stay_names_for_wikilinks() {
    let site = built();
    let post = site.output("2014/12/moved-post/index.html");
    assert!(
        post.contains("href=\"/garden/notes/making-plugins/\""),
        "[[Plugin guide]] resolves by the alias"
    );
}

#[test]
fn permalink_sets_the_url_of_the_entry() {
    let site = built();
    let files = site.output_files();
    assert!(files.contains_key("2014/12/moved-post/index.html"));
    assert!(!files.contains_key("posts/moved/index.html"));
    let tag = site.output("tags/water/index.html");
    assert!(
        tag.contains("href=\"/garden/2014/12/moved-post/\""),
        "{tag}"
    );
}

#[test]
fn a_redirects_file_lists_every_old_url_for_hosts_that_read_one() {
    let site = built();
    assert_eq!(
        site.output("_redirects"),
        "/garden/blog/moved/ /garden/2014/12/moved-post/ 301\n\
         /garden/hugo/plugins/ /garden/notes/making-plugins/ 301\n\
         /garden/old/plugins/ /garden/notes/making-plugins/ 301\n\
         /garden/plugins.html /garden/notes/making-plugins/ 301\n\
         /garden/tags/power/ /garden/tags/energy/ 301\n"
    );
}

#[test]
fn redirect_pages_are_in_no_sitemap_and_no_search_index() {
    let site = built();
    let sitemap = site.output("sitemap.xml");
    let search = site.output("search-index.js");
    for old in [
        "old/plugins",
        "plugins.html",
        "hugo/plugins",
        "blog/moved",
        "tags/power",
    ] {
        assert!(!sitemap.contains(old), "{old} in the sitemap");
        assert!(!search.contains(old), "{old} in the search index");
    }
    assert!(sitemap.contains("https://example.org/garden/2014/12/moved-post/"));
}

#[test]
fn a_file_in_content_tags_describes_its_tag_page() {
    let site = built();
    let tag = site.output("tags/energy/index.html");
    assert!(
        tag.contains("<h1>Energy, and where it comes from</h1>"),
        "{tag}"
    );
    assert!(tag.contains("Pipelines, power lines"), "{tag}");
    assert!(
        tag.contains("<a href=\"/garden/notes/making-plugins/\">plugins</a>"),
        "its links resolve: {tag}"
    );
    // The tag still lists its entries, and the description is no entry.
    assert!(tag.contains("Writing a plugin"), "{tag}");
    let files = site.output_files();
    assert!(!files.contains_key("tags/energy/energy/index.html"));
    assert!(!site.output("sitemap.xml").contains("content/tags"));
    assert!(!site.output("search-index.js").contains("Pipelines"));
    // Its old URL leads to the tag page.
    assert_redirects_to(
        &site.output("tags/power/index.html"),
        "/garden/tags/energy/",
        "Tag: energy",
    );
}

/// The fixture with `rel` written as `text`: the build fails, nothing is written.
#[track_caller]
fn fails_with(files: &[(&str, &str)]) -> Run {
    built().fails_unchanged(files)
}

#[test]
fn a_redirect_on_the_url_of_a_page_is_an_error_naming_both_files() {
    let run = fails_with(&[(
        "content/posts/clash.md",
        "---\ntitle: Clash\nredirect_from:\n  - /notes/making-plugins/\n---\nx\n",
    )]);
    assert_eq!(
        run.headlines(),
        [
            "error: content/posts/clash.md:4:5: two pages have the URL /notes/making-plugins/: the entry content/notes/making-plugins.md and the redirect from /notes/making-plugins/ in content/posts/clash.md"
        ]
    );
}

#[test]
fn two_redirects_of_one_url_are_an_error_naming_both_files() {
    let run = fails_with(&[(
        "content/posts/again.md",
        "---\ntitle: Again\naliases: [Again, /old/plugins]\n---\nx\n",
    )]);
    assert_eq!(
        run.headlines(),
        [
            "error: content/posts/again.md:3:18: two pages have the URL /old/plugins/: the redirect from /old/plugins/ in content/notes/making-plugins.md and the redirect from /old/plugins/ in content/posts/again.md"
        ]
    );
}

#[test]
fn a_redirect_cannot_take_a_page_dossier_writes() {
    let run = fails_with(&[(
        "content/posts/lost.md",
        "---\ntitle: Lost\nredirect_from: [/404.html, /tags/]\n---\nx\n",
    )]);
    let headlines = run.headlines();
    assert!(
        headlines.contains(&"error: content/posts/lost.md:3:17: two pages have the URL /404.html: the page for missing pages and the redirect from /404.html in content/posts/lost.md"),
        "{headlines:?}"
    );
    assert!(
        headlines.contains(&"error: content/posts/lost.md:3:28: two pages have the URL /tags/: the tag index and the redirect from /tags/ in content/posts/lost.md"),
        "{headlines:?}"
    );
}

#[test]
fn a_permalink_on_the_url_of_another_page_is_an_error_at_the_permalink() {
    let run = fails_with(&[(
        "content/posts/twin.md",
        "---\ntitle: Twin\npermalink: /notes/making-plugins/\n---\nx\n",
    )]);
    assert_eq!(
        run.headlines(),
        [
            "error: content/posts/twin.md:3:1: two pages have the URL /notes/making-plugins/: the entry content/notes/making-plugins.md and the entry content/posts/twin.md"
        ]
    );
}

#[test]
fn bad_permalinks_and_old_urls_are_errors_at_the_value() {
    let run = fails_with(&[(
        "content/posts/bad.md",
        "---\ntitle: Bad\npermalink: /Up/../x/\nredirect_from:\n  - old/x/\n  - /feed.xml\n  - /a b/\n---\nx\n",
    )]);
    let headlines = run.headlines();
    for expected in [
        "error: content/posts/bad.md:3:12: `permalink` `/Up/../x/`: `Up` is not URL-safe",
        "error: content/posts/bad.md:5:5: old URL `old/x/` in `redirect_from`: an old URL starts with `/`",
        "error: content/posts/bad.md:6:5: old URL `/feed.xml` in `redirect_from`: `feed.xml` is not a page",
        "error: content/posts/bad.md:7:5: old URL `/a b/` in `redirect_from`: ` ` may not stand in an old URL",
    ] {
        assert!(
            headlines.iter().any(|h| h.starts_with(expected)),
            "{expected}\n{headlines:?}"
        );
    }
}

#[test]
fn a_description_of_a_tag_no_entry_carries_is_an_error() {
    let run = fails_with(&[("content/tags/enrgy.md", "---\ntitle: Typo\n---\nx\n")]);
    run.assert_reports(
        "error: content/tags/enrgy.md: `content/tags/enrgy.md` describes the tag `enrgy`, which no entry carries",
    );
    assert!(
        run.stderr.contains("did you mean `energy`?"),
        "{}",
        run.stderr
    );
}

/// The old URLs of the bundled dossier, each with the page it now leads to.
const BUNDLED_OLD_URLS: &[(&str, &str)] = &[
    (
        "events/expert-council-third-meeting/",
        "organizations/russia-azerbaijan-expert-council/",
    ),
    (
        "events/lachin-road-eco-activists-rally/",
        "events/lachin-road-protests/",
    ),
    (
        "organizations/presidential-administrations/",
        "statements/lavrov-rasht-astara-administrations/",
    ),
    (
        "projects/energy-cooperation-and-megaprojects/",
        "statements/lavrov-megaprojects-energy-forum/",
    ),
    (
        "statements/bayramov-armenia-response-propaganda/",
        "statements/bayramov-armenia-response-protests/",
    ),
    (
        "statements/bayramov-shared-agenda-revanchism/",
        "statements/bayramov-baku-moscow-agendas/",
    ),
    ("tags/humanitarian-access/", "tags/humanitarian-concerns/"),
    (
        "topics/humanitarian-access-lachin-road/",
        "topics/lachin-road-dispute/",
    ),
];

#[test]
fn the_bundled_dossier_answers_every_old_url_from_front_matter() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    common::dossier(
        root,
        &["--quiet", "build", "--output", public.to_str().unwrap()],
    )
    .assert_ok();
    // No hand-written redirect page is left under `static/`.
    let statics = root.join("static");
    if statics.is_dir() {
        let files = common::files_of(&statics);
        assert!(
            !files.keys().any(|f| f.ends_with(".html")),
            "{:?}",
            files.keys()
        );
    }
    let rules = std::fs::read_to_string(public.join("_redirects")).unwrap();
    for (old, new) in BUNDLED_OLD_URLS {
        let html = std::fs::read_to_string(public.join(old).join("index.html"))
            .unwrap_or_else(|e| panic!("{old}: {e}"));
        assert!(
            html.contains(&format!("content=\"0; url=/{new}\"")),
            "{old} → {new}: {html}"
        );
        assert!(
            public.join(new).join("index.html").is_file(),
            "{new} exists"
        );
        assert!(
            rules.contains(&format!("/{old} /{new} 301\n")),
            "{old} in _redirects:\n{rules}"
        );
    }
}

/// Notes of one name in several folders, linked by file name, folder and tag.
fn names_site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/advanced/making-plugins.md",
            "---\ntitle: Making your own plugins\ntags: [Plugin]\n---\nx\n",
        ),
        (
            "content/a/setup.md",
            "---\ntitle: Setup of A\n---\n[[setup]]\n",
        ),
        ("content/b/setup.md", "---\ntitle: Setup of B\n---\nx\n"),
        ("content/setup.md", "---\ntitle: Setup at the top\n---\nx\n"),
        ("content/c/d/other.md", "---\ntitle: Other\n---\nx\n"),
        (
            "content/c/links.md",
            "---\ntitle: Links\n---\n[[making plugins]], [[Making_Plugins|again]], [[setup]], \
             [[advanced]], [[tags/plugin]]\n",
        ),
    ]);
    site.build().assert_ok();
    site
}

#[test]
fn wikilinks_find_notes_by_file_name_with_spaces_and_dashes_alike() {
    let site = names_site();
    let links = common::links(&site.output("c/links/index.html"));
    assert!(
        links.contains(&"/advanced/making-plugins/".to_string()),
        "{links:?}"
    );
    let html = site.output("c/links/index.html");
    assert!(
        html.contains("<a href=\"/advanced/making-plugins/\">again</a>"),
        "{html}"
    );
}

#[test]
fn of_one_name_the_note_in_the_same_folder_then_the_shortest_path_is_meant() {
    let site = names_site();
    // From a/: the one beside it.
    let a = common::links(&site.output("a/setup/index.html"));
    assert!(a.contains(&"/a/setup/".to_string()), "{a:?}");
    // From c/, where none is: the one with the fewest folders.
    let c = common::links(&site.output("c/links/index.html"));
    assert!(c.contains(&"/setup/".to_string()), "{c:?}");
}

#[test]
fn of_one_name_at_one_depth_elsewhere_the_link_is_an_error_with_the_candidates() {
    let site = names_site();
    site.remove("content/setup.md");
    let run = site.build();
    run.assert_code(1);
    let headlines = run.headlines();
    assert_eq!(headlines.len(), 1, "{headlines:?}");
    assert!(
        headlines[0].starts_with("error: content/c/links.md:4:")
            && headlines[0].ends_with(
                "wikilink `[[setup]]` is ambiguous: it could mean content/a/setup.md, content/b/setup.md"
            ),
        "{headlines:?}"
    );
}

#[test]
fn wikilinks_lead_to_folder_and_tag_pages() {
    let site = names_site();
    let links = common::links(&site.output("c/links/index.html"));
    assert!(links.contains(&"/advanced/".to_string()), "{links:?}");
    assert!(links.contains(&"/tags/plugin/".to_string()), "{links:?}");
    site.write(
        "content/c/links.md",
        "---\ntitle: Links\n---\n[[tags/plugins]]\n",
    );
    site.build()
        .assert_code(1)
        .assert_reports("error: content/c/links.md:4:1:");
}
