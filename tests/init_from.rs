//! `dossier init --from SRC`: a folder made with Obsidian, Quartz, Jekyll or Hugo gets a
//! `site.yaml` and builds as it is, its notes where that tool keeps them.

mod common;

use common::{TestSite, dossier, links};

/// A folder of notes, with no `site.yaml`.
fn folder(files: &[(&str, &str)]) -> TestSite {
    let site = TestSite::empty();
    for (rel, text) in files {
        site.write(rel, text);
    }
    site
}

fn init_from(site: &TestSite) -> String {
    let run = dossier(
        site.root(),
        &["init", "--from", site.root().to_str().unwrap()],
    );
    run.assert_ok();
    site.source_files()
        .get("site.yaml")
        .map(|b| String::from_utf8(b.clone()).unwrap())
        .expect("a site.yaml")
}

#[test]
fn an_obsidian_vault_builds_from_its_own_folder() {
    let site = folder(&[
        (".obsidian/app.json", "{}"),
        ("Home.md", "# Home\n\nStart with [[Trips]] and [[Rome]].\n"),
        ("Trips/Trips.md", "# All trips\n\nWhere I went.\n"),
        ("Trips/Rome.md", "Rome was warm. See [[tickets.txt]].\n"),
        ("Trips/tickets.txt", "two tickets"),
        ("templates/Daily.md", "# {{date}}\n\n[[Nowhere]]\n"),
    ]);
    let config = init_from(&site);
    assert!(config.contains("content: \".\""), "{config}");
    assert!(config.contains("folder_notes: folder_name"), "{config}");
    assert!(config.contains("  - \"templates\""), "{config}");
    site.build().assert_ok();
    let files = site.output_files();
    assert!(files.contains_key("home/index.html"), "{:?}", files.keys());
    assert!(files.contains_key("trips/rome/index.html"));
    assert!(files.contains_key("trips/tickets.txt"));
    // The folder note is the folder's page, and the vault's machinery is not published.
    assert!(
        site.output("trips/index.html")
            .contains("<h1>All trips</h1>")
    );
    for own in [
        "site.yaml",
        "templates/daily/index.html",
        ".obsidian/app.json",
    ] {
        assert!(!files.contains_key(own), "{own} published");
    }
    let home = links(&site.output("home/index.html"));
    assert!(home.contains(&"/trips/".to_string()) && home.contains(&"/trips/rome/".to_string()));
}

#[test]
fn problems_in_a_vault_name_files_from_its_own_folder() {
    let site = folder(&[
        (".obsidian/app.json", "{}"),
        ("Notes/A.md", "---\ntitle: [unclosed\n---\nText.\n"),
    ]);
    init_from(&site);
    site.build()
        .assert_code(1)
        .assert_reports("error: Notes/A.md:3:1: YAML syntax error");
}

#[test]
fn a_second_build_of_a_vault_does_not_read_its_own_output() {
    let site = folder(&[(".obsidian/app.json", "{}"), ("A.md", "# A\n\nText.\n")]);
    init_from(&site);
    site.build().assert_ok();
    let first = site.output_files();
    site.build().assert_ok();
    assert_eq!(first, site.output_files(), "public/ is not content");
}

#[test]
fn a_jekyll_site_keeps_its_title_and_address_and_leaves_out_its_machinery() {
    let site = folder(&[
        (
            "_config.yml",
            "title: My blog # shown on top\nurl: \"https://blog.example.org\"\nbaseurl: /words\n",
        ),
        (
            "_posts/2014-12-17-welcome.markdown",
            "---\nlayout: post\ntitle: Welcome\ndate: 2014-12-17 11:16:21 -0800\ncategories: jekyll update\n---\nHello.\n",
        ),
        ("_layouts/default.html", "<html>{{ content }}</html>"),
        ("Gemfile", "source \"https://rubygems.org\"\n"),
        ("Gemfile.lock", "GEM\n"),
        (
            "about.md",
            "---\nlayout: page\ntitle: About\npermalink: /about/\n---\nAbout me.\n",
        ),
    ]);
    let config = init_from(&site);
    assert!(config.contains("title: \"My blog\""), "{config}");
    assert!(
        config.contains("base_url: \"https://blog.example.org/words\""),
        "{config}"
    );
    site.build().assert_ok();
    let files = site.output_files();
    assert!(files.contains_key("about/index.html"));
    assert!(
        files.contains_key("tags/jekyll/index.html"),
        "categories are tags"
    );
    for own in [
        "_layouts/default.html",
        "gemfile",
        "Gemfile",
        "gemfile.lock",
        "_config.yml",
    ] {
        assert!(!files.keys().any(|k| k.ends_with(own)), "{own} published");
    }
    assert!(site.output("about/index.html").contains("href=\"/words/"));
}

#[test]
fn a_quartz_garden_takes_index_notes_as_folder_pages() {
    let site = folder(&[
        (
            "quartz.config.ts",
            "const config: QuartzConfig = {\n  configuration: {\n    pageTitle: \"Garden\",\n    baseUrl: \"garden.example.org\",\n",
        ),
        (
            "content/index.md",
            "---\ntitle: Welcome\n---\nHello, see [[notes/index]].\n",
        ),
        ("content/notes/index.md", "# Notes\n\nAll of them.\n"),
        ("content/notes/a.md", "# A\n"),
    ]);
    let config = init_from(&site);
    assert!(config.contains("folder_notes: index"), "{config}");
    assert!(
        config.contains("base_url: \"https://garden.example.org\""),
        "{config}"
    );
    assert!(config.contains("content: \"content\""), "{config}");
    site.build().assert_ok();
    assert!(site.output("notes/index.html").contains("All of them."));
    assert!(site.output("index.html").contains("Hello, see"));
}

#[test]
fn a_hugo_site_keeps_its_title_and_address() {
    let site = folder(&[
        (
            "hugo.toml",
            "baseURL = 'https://example.com/docs/'\nlanguageCode = 'en-us'\ntitle = 'Docs'\n",
        ),
        ("content/posts/first.md", "+++\n+++\n"),
    ]);
    let config = init_from(&site);
    assert!(config.contains("title: \"Docs\""), "{config}");
    assert!(
        config.contains("base_url: \"https://example.com/docs/\""),
        "{config}"
    );
}

#[test]
fn init_from_leaves_an_existing_site_yaml_alone() {
    let site = folder(&[("site.yaml", "title: Mine\n"), ("A.md", "# A\n")]);
    let run = dossier(
        site.root(),
        &["init", "--from", site.root().to_str().unwrap()],
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains("already has a site.yaml"),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.source_files()["site.yaml"],
        b"title: Mine\n".to_vec(),
        "unchanged"
    );
}

#[test]
fn a_content_folder_that_is_not_inside_the_site_is_an_error_at_its_line() {
    let site = TestSite::with_files(&[("content/a.md", "# A\n")]);
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}content: ../elsewhere\n"));
    site.build()
        .assert_code(1)
        .assert_reports("error: site.yaml:3:10: `content` is a folder inside the site's folder");
}
