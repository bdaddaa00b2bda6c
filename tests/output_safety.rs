//! Dossier replaces only output folders it made itself (they hold `.dossier-output`), never
//! moves or deletes a file it did not write, and recovers from a kept folder it cannot
//! write; names that are not UTF-8 are reported as such.

mod common;

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{Run, TestSite, build_as_nobody, is_root};

fn site() -> TestSite {
    TestSite::with_files(&[
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\ntags: [City]\n---\nA city.\n",
        ),
        (
            "content/people/anna.md",
            "---\ntitle: Anna\nkind: person\n---\nLives in [[Baku]].\n",
        ),
    ])
}

/// A folder of someone's own files: `thesis/chapter1.docx` and `notes.txt`.
fn documents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::create_dir_all(dir.join("thesis")).unwrap();
    std::fs::write(dir.join("thesis/chapter1.docx"), "the only copy").unwrap();
    std::fs::write(dir.join("notes.txt"), "notes").unwrap();
    common::files_of(dir)
}

fn build_into(site: &TestSite, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--output", out.to_str().unwrap()];
    args.extend(extra);
    site.run(&args)
}

/// The names in `dir` that start with `prefix`.
fn names_with(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// What a build of the site writes into a new folder.
fn fresh_output(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let out = site.path("fresh");
    let _ = std::fs::remove_dir_all(&out);
    build_into(site, &out, &[]).assert_ok();
    let files = common::files_of(&out);
    std::fs::remove_dir_all(&out).unwrap();
    files
}

#[test]
fn an_unrelated_folder_is_refused_and_kept_byte_for_byte() {
    let site = site();
    let home = tempfile::tempdir().unwrap();
    let docs = home.path().join("Docs");
    let before = documents(&docs);
    for _ in 0..2 {
        let run = build_into(&site, &docs, &[]);
        run.assert_code(1);
        let headline = run
            .headlines()
            .into_iter()
            .find(|h| h.starts_with("error: "))
            .unwrap_or_default()
            .to_string();
        assert!(
            headline.contains(&format!("`{}`", docs.display())) && headline.contains("--force"),
            "{}",
            run.stderr
        );
        assert_eq!(common::files_of(&docs), before);
        assert_eq!(names_with(home.path(), "."), Vec::<String>::new());
    }
}

#[test]
fn a_git_folder_inside_the_site_is_refused() {
    let site = site();
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.write(".git/objects/ab/cdef", "object");
    let before = common::files_of(&site.path(".git"));
    for _ in 0..2 {
        build_into(&site, &site.path(".git"), &[])
            .assert_code(1)
            .assert_reports("error: ");
        assert_eq!(common::files_of(&site.path(".git")), before);
    }
    assert_eq!(names_with(site.root(), "..git"), Vec::<String>::new());
}

#[test]
fn force_puts_the_folder_aside_instead_of_deleting_it() {
    let site = site();
    let home = tempfile::tempdir().unwrap();
    let docs = home.path().join("Docs");
    let before = documents(&docs);
    let run = build_into(&site, &docs, &["--force"]);
    run.assert_ok();
    let aside = home.path().join(".Docs.dossier-replaced");
    assert!(
        run.stderr.contains(&aside.display().to_string()),
        "the warning names where the files went:\n{}",
        run.stderr
    );
    assert_eq!(common::files_of(&aside), before);
    assert!(docs.join("index.html").is_file());
    assert!(docs.join(".dossier-output").is_file());

    // The folder is Dossier's now: later builds replace it without --force, and never
    // touch the folder put aside.
    build_into(&site, &docs, &[]).assert_ok();
    build_into(&site, &docs, &["--force"]).assert_ok();
    assert_eq!(common::files_of(&aside), before);
    assert_eq!(common::files_of(&docs), fresh_output(&site));

    // A second foreign folder forced in the same place does not overwrite the first.
    std::fs::remove_dir_all(&docs).unwrap();
    let again = documents(&docs);
    build_into(&site, &docs, &["--force"]).assert_ok();
    assert_eq!(common::files_of(&aside), before);
    assert_eq!(
        common::files_of(&home.path().join(".Docs.dossier-replaced-2")),
        again
    );
}

#[test]
fn force_does_not_allow_the_site_itself_or_the_home_folder() {
    let site = site();
    for out in [site.root().to_path_buf(), site.path("content"), "/".into()] {
        build_into(&site, &out, &["--force"])
            .assert_code(1)
            .assert_reports("error: refusing to write the site to");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| Path::new(h).is_dir()) {
        build_into(&site, Path::new(&home), &["--force"])
            .assert_code(1)
            .assert_reports("error: refusing to write the site to");
    }
}

#[test]
fn every_output_and_every_kept_output_holds_the_marker() {
    let site = site();
    site.build().assert_ok();
    site.write("content/places/oslo.md", "---\ntitle: Oslo\n---\nx\n");
    site.build().assert_ok();
    assert!(site.path("public/.dossier-output").is_file());
    assert!(
        site.path(".public.dossier-previous/.dossier-output")
            .is_file()
    );
    assert!(
        !site
            .path(".public.dossier-previous/places/oslo/index.html")
            .exists()
    );
}

#[test]
fn a_kept_folder_without_the_marker_is_never_adopted_or_deleted() {
    let site = site();
    site.build().assert_ok();
    let kept = site.path(".public.dossier-previous");
    let _ = std::fs::remove_dir_all(&kept);
    let before = documents(&kept);
    // A folder named like a staging folder of a dead build, but not Dossier's.
    let stale = site.path(".public.dossier-staging-4294967");
    let stale_before = documents(&stale);

    let run = site.build();
    run.assert_ok();
    assert!(
        run.headlines()
            .iter()
            .any(|h| h.starts_with("warning: ") && h.contains(&kept.display().to_string())),
        "{}",
        run.stderr
    );
    site.build().assert_ok();
    assert_eq!(common::files_of(&kept), before);
    assert_eq!(common::files_of(&stale), stale_before);
    assert_eq!(site.output_files(), fresh_output(&site));
}

#[test]
fn an_old_output_without_the_marker_is_taken_over_only_when_a_build_wrote_all_of_it() {
    let site = site();
    site.build().assert_ok();
    // What an older Dossier left: the same files, no marker, no kept folder.
    let forget_marker = || {
        std::fs::remove_file(site.path("public/.dossier-output")).unwrap();
        let _ = std::fs::remove_dir_all(site.path(".public.dossier-previous"));
    };
    forget_marker();
    site.build().assert_ok();
    assert!(site.path("public/.dossier-output").is_file());
    assert_eq!(site.output_files(), fresh_output(&site));

    // One file no build writes: refused, and the error says what to do.
    forget_marker();
    site.write("public/my-notes.txt", "mine");
    let before = site.output_files();
    let run = site.build();
    run.assert_code(1)
        .assert_reports("error: refusing to replace");
    assert!(
        run.stderr.contains("my-notes.txt") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(site.output_files(), before);
}

#[test]
fn an_unwritable_kept_folder_is_left_as_it_is_and_the_build_succeeds() {
    let site = site();
    site.build().assert_ok();
    site.build().assert_ok();
    let kept = site.path(".public.dossier-previous");
    assert!(kept.is_dir());
    site.write("content/places/baku.md", "---\ntitle: Baku\n---\nMore.\n");
    let expected = fresh_output(&site);
    let kept_before = common::files_of(&kept);

    let build = || {
        if is_root() {
            // As R14: the earlier builds ran as root, this one as an ordinary user.
            std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o777)).unwrap();
            build_as_nobody(site.root())
        } else {
            for item in walkdir::WalkDir::new(&kept) {
                let item = item.unwrap();
                let mode = if item.file_type().is_dir() {
                    0o555
                } else {
                    0o444
                };
                std::fs::set_permissions(item.path(), std::fs::Permissions::from_mode(mode))
                    .unwrap();
            }
            site.build()
        }
    };
    for _ in 0..2 {
        let run = build();
        run.assert_ok();
        let warnings: Vec<&str> = run
            .headlines()
            .into_iter()
            .filter(|h| h.contains(&kept.display().to_string()))
            .collect();
        assert_eq!(warnings.len(), 1, "{}", run.stderr);
        assert!(warnings[0].starts_with("warning: "), "{}", run.stderr);
        assert_eq!(site.output_files(), expected);
        assert_eq!(common::files_of(&kept), kept_before);
    }
    if !is_root() {
        for item in walkdir::WalkDir::new(&kept) {
            let item = item.unwrap();
            std::fs::set_permissions(item.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

#[test]
fn a_kept_folder_with_files_of_another_user_is_reused() {
    let site = site();
    site.build().assert_ok();
    site.build().assert_ok();
    let kept = site.path(".public.dossier-previous");
    site.write("content/places/baku.md", "---\ntitle: Baku\n---\nMore.\n");
    let expected = fresh_output(&site);
    // The folders may be written, the files not (another user's, or read-only).
    for item in walkdir::WalkDir::new(&kept) {
        let item = item.unwrap();
        let mode = if item.file_type().is_dir() {
            0o777
        } else {
            0o444
        };
        std::fs::set_permissions(item.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let run = if is_root() {
        std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o777)).unwrap();
        build_as_nobody(site.root())
    } else {
        site.build()
    };
    run.assert_ok();
    assert!(
        !run.stderr.contains(&kept.display().to_string()),
        "the kept folder was used:\n{}",
        run.stderr
    );
    assert_eq!(site.output_files(), expected);
}

fn raw_path(site: &TestSite, rel: &[u8]) -> PathBuf {
    site.root().join(std::ffi::OsStr::from_bytes(rel))
}

#[test]
fn names_that_are_not_utf8_are_reported_as_such() {
    let site = site();
    site.build().assert_ok();
    let before = site.output_files();
    let entry = "---\ntitle: B\n---\nx\n";
    std::fs::write(raw_path(&site, b"content/places/bad-\xff.md"), entry).unwrap();
    std::fs::write(raw_path(&site, b"content/places/pic-\xfe.png"), "png").unwrap();
    std::fs::create_dir_all(raw_path(&site, b"content/folder-\xfd")).unwrap();
    std::fs::write(raw_path(&site, b"content/folder-\xfd/x.md"), entry).unwrap();
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::fs::write(raw_path(&site, b"static/style-\xfc.css"), "a{}").unwrap();

    let run = site.build();
    run.assert_code(1);
    for file in [
        r"content/places/bad-\xff.md",
        r"content/places/pic-\xfe.png",
        r"content/folder-\xfd",
        r"static/style-\xfc.css",
    ] {
        let expected = format!("error: {file}: the name is not valid UTF-8; rename it");
        assert!(
            run.headlines().iter().any(|h| h.starts_with(&expected)),
            "no {expected:?}\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("No such file"), "{}", run.stderr);
    assert_eq!(run.headlines().len(), 4, "{}", run.stderr);
    assert_eq!(site.output_files(), before);
}
