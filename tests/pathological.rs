//! Inputs built to make a build slow or large: each is refused with an error at its line,
//! or built as usual. The binary runs under `timeout` as a guard against a hang (not a
//! measure of speed; the benches in `benches/` show how the stages scale).

mod common;

use std::process::Command;

use common::{Run, TestSite};

/// `dossier --root SITE build`, stopped after 20 s (exit 124) should it hang.
fn build_guarded(site: &TestSite) -> Run {
    let output = Command::new("timeout")
        .arg("20")
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .env("NO_COLOR", "1")
        .output()
        .expect("run dossier under timeout");
    Run::from(output)
}

/// `a: &a [x, x, …]` and `b: [*a, *a, …]`, `k` of each: 5 bytes of text per `k` expanding
/// to `k²` values (R7).
fn flat_alias_bomb(indent: &str, k: usize) -> String {
    format!(
        "{indent}a: &a [{}]\n{indent}b: [{}]\n",
        vec!["x"; k].join(","),
        vec!["*a"; k].join(",")
    )
}

#[test]
fn a_flat_alias_bomb_in_front_matter_is_refused_at_its_aliases() {
    let site = TestSite::with_files(&[(
        "content/topics/q.md",
        &format!(
            "---\ntitle: Q\nextra:\n{}---\nx\n",
            flat_alias_bomb("  ", 3000)
        ),
    )]);
    let run = build_guarded(&site);
    run.assert_code(1)
        .assert_reports("error: content/topics/q.md:5:7: YAML aliases `*a` expand");
    assert!(!site.path("public").exists(), "nothing was written");
}

#[test]
fn a_flat_alias_bomb_in_site_yaml_is_refused_at_its_aliases() {
    let site = TestSite::with_files(&[(
        "content/topics/q.md",
        "---\ntitle: Q\n---\nx\n",
    )]);
    site.write(
        "site.yaml",
        &format!(
            "title: Test\nbase_url: https://example.org/\nextra:\n{}",
            flat_alias_bomb("  ", 3000)
        ),
    );
    let run = build_guarded(&site);
    run.assert_code(1)
        .assert_reports("error: site.yaml:5:7: YAML aliases `*a` expand");
}

#[test]
fn a_nested_alias_bomb_is_still_refused() {
    let mut bomb = String::from("  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    let names: Vec<char> = ('a'..='i').collect();
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    let site = TestSite::with_files(&[(
        "content/topics/q.md",
        &format!("---\ntitle: Q\nextra:\n{bomb}---\nx\n"),
    )]);
    build_guarded(&site)
        .assert_code(1)
        .assert_reports("error: content/topics/q.md:");
}
