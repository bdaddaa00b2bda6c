//! `dossier new` and `dossier init`.

mod common;

use common::TestSite;

#[test]
fn new_writes_an_entry_that_builds_and_never_overwrites() {
    let site = TestSite::with_files(&[]);
    let run = site.run(&["new", "person", "Jeyhun Bayramov"]);
    run.assert_ok();
    let path = site.path("content/people/jeyhun-bayramov.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Jeyhun Bayramov\"\nkind: person\n"),
        "{text}"
    );
    site.build().assert_ok();
    assert!(
        site.path("public/people/jeyhun-bayramov/index.html")
            .exists()
    );

    std::fs::write(&path, "edited by hand").unwrap();
    site.run(&["new", "person", "Jeyhun Bayramov"])
        .assert_code(1)
        .assert_reports("error: `");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by hand");
}

#[test]
fn new_dates_events_and_statements() {
    let site = TestSite::with_files(&[]);
    site.run(&["new", "statements", "Lavrov on the 3+3 format"])
        .assert_ok();
    let text = std::fs::read_to_string(site.path("content/statements/lavrov-on-the-3-3-format.md"))
        .unwrap();
    assert!(text.contains("\nkind: statement\ndate: "), "{text}");
    site.build().assert_ok();
}

#[test]
fn new_rejects_unknown_kinds_with_a_suggestion() {
    let site = TestSite::with_files(&[]);
    let run = site.run(&["new", "peson", "X"]);
    run.assert_code(2)
        .assert_reports("error: unknown kind `peson`");
    assert!(
        run.stderr.contains("did you mean `person`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_writes_a_site_that_builds_strictly() {
    let site = TestSite::empty();
    let dir = site.path("new-site");
    site.run(&["init", dir.to_str().unwrap()]).assert_ok();
    common::dossier(&dir, &["build", "--strict"]).assert_ok();
    for kind in [
        "people",
        "places",
        "organizations",
        "projects",
        "events",
        "statements",
        "documents",
        "topics",
    ] {
        let html = dir.join("public").join(kind);
        assert!(html.is_dir(), "no {kind} pages");
    }
    // The output, the earlier output a rebuild keeps and the image cache are ignored by git.
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    let lines: Vec<&str> = ignore.lines().collect();
    assert!(lines.contains(&"/public/"), "{ignore}");
    assert!(lines.contains(&"/.public.dossier-*/"), "{ignore}");
    assert!(lines.contains(&"/.dossier-cache/"), "{ignore}");
    common::dossier(&dir, &["--quiet", "build"]).assert_ok();
    assert!(dir.join(".public.dossier-previous").is_dir());
    // A second init into the same folder refuses.
    site.run(&["init", dir.to_str().unwrap()]).assert_code(1);
}
