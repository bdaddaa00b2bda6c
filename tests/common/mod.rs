//! Helpers shared by the integration tests: fixture sites in temporary folders, the
//! `dossier` binary, and reading what it wrote.
#![allow(dead_code, unreachable_pub)] // each test crate uses part of this module

pub mod browser;
pub mod entities;
pub mod server;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site's files by path, as built or as served.
pub type Files = BTreeMap<String, Vec<u8>>;

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&from, site.root());
        site
    }

    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A site with a minimal `site.yaml` and the given files.
    pub fn with_files(files: &[(&str, &str)]) -> TestSite {
        let site = TestSite::empty();
        site.write("site.yaml", "title: Test\nbase_url: https://example.org/\n");
        std::fs::create_dir_all(site.root().join("content")).unwrap();
        for (rel, text) in files {
            site.write(rel, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Runs `dossier --root SITE ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        dossier(self.root(), args)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// `dossier --root SITE build`, stopped after 20 s (exit 124) should it hang: a guard
    /// against a hang, not a measure of speed.
    pub fn build_guarded(&self) -> Run {
        let output = Command::new("timeout")
            .arg("20")
            .arg(env!("CARGO_BIN_EXE_dossier"))
            .arg("--root")
            .arg(self.root())
            .arg("build")
            .env("NO_COLOR", "1")
            .output()
            .expect("run dossier under timeout");
        Run::from(output)
    }

    /// Writes `files`, builds, and checks that the build fails and leaves the output as it
    /// was.
    #[track_caller]
    pub fn fails_unchanged(&self, files: &[(&str, &str)]) -> Run {
        let before = self.output_files();
        for (rel, text) in files {
            self.write(rel, text);
        }
        let run = self.build();
        run.assert_code(1);
        assert_eq!(self.output_files(), before, "the output is unchanged");
        run
    }

    /// A file of the output folder `public/`.
    pub fn output(&self, rel: &str) -> String {
        let path = self.path("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every file under `public/` with its bytes.
    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_of(&self.path("public"))
    }

    /// Every file of the site's own folders (content, static, themes, site.yaml).
    pub fn source_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_of(self.root())
            .into_iter()
            .filter(|(rel, _)| {
                !rel.starts_with("public/") && !rel.starts_with(".public.dossier-previous/")
            })
            .collect()
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The `error: …` and `warning: …` headlines of stderr.
    pub fn headlines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
            .collect()
    }

    #[track_caller]
    pub fn assert_reports(&self, prefix: &str) -> &Self {
        assert!(
            self.headlines().iter().any(|h| h.starts_with(prefix)),
            "no report starting with {prefix:?}\nstderr:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `dossier --root ROOT ARGS…` on any site folder.
pub fn dossier(root: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dossier");
    Run::from(output)
}

/// Whether the tests run as root, who reads and writes any file: tests of permissions
/// then run the build as another user ([`build_as_nobody`]).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `dossier --root ROOT build` as uid and gid 65534 (setpriv, from util-linux).
pub fn build_as_nobody(root: &Path) -> Run {
    let output = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_dossier"),
            "--root",
        ])
        .arg(root)
        .arg("build")
        .env("NO_COLOR", "1")
        .output()
        .expect("setpriv (util-linux)");
    Run::from(output)
}

pub fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for item in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let item = item.unwrap();
        if item.file_type().is_file() {
            let rel = item
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(item.path()).unwrap());
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in files_of(from) {
        let path = to.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Every `href="…"` and `src="…"` value of an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The files a project serves, by path.
pub fn served(project: &dossier::serve::project::Project) -> Files {
    project
        .files()
        .expect("a build")
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect()
}

/// `None` when equal; else the missing, extra and different paths, and the first
/// differing line of the first different file.
pub fn difference(expected: &Files, actual: &Files) -> Option<String> {
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    let differ: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| actual.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    if missing.is_empty() && extra.is_empty() && differ.is_empty() {
        return None;
    }
    let mut text = format!(
        "missing {}, extra {}, different {}",
        few(&missing),
        few(&extra),
        few(&differ)
    );
    if let Some(path) = differ.first() {
        let want = String::from_utf8_lossy(&expected[*path]).into_owned();
        let got = String::from_utf8_lossy(&actual[*path]).into_owned();
        let (n, (w, g)) = want
            .lines()
            .chain(std::iter::repeat(""))
            .zip(got.lines().chain(std::iter::repeat("")))
            .enumerate()
            .find(|(_, (w, g))| w != g)
            .unwrap_or((0, ("", "")));
        // The common start of the two lines, a byte offset valid in both.
        let same = w
            .char_indices()
            .zip(g.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8());
        let _ = write!(
            text,
            "\nfirst difference in {path}, line {}, column {}:\n  build: {}\n  serve: {}",
            n + 1,
            w[..same].chars().count() + 1,
            clip(w, same),
            clip(g, same)
        );
    }
    Some(text)
}

/// A list of paths, the first ten of a longer one.
fn few(paths: &[&String]) -> String {
    match paths.len() {
        0..=10 => format!("{paths:?}"),
        n => format!("{:?} and {} more", &paths[..10], n - 10),
    }
}

/// A line from a little before byte `at` to a little after.
fn clip(line: &str, at: usize) -> String {
    let start = line[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let rest = &line[start..];
    let end = rest.char_indices().nth(200).map_or(rest.len(), |(i, _)| i);
    let before = if start > 0 { "…" } else { "" };
    let after = if end < rest.len() { "…" } else { "" };
    format!("{before}{}{after}", &rest[..end])
}
