//! A differential test that searches: on a generated site of 60 entries, random sequences
//! of edits (front matter, bodies, files, sections, templates, static files, `site.yaml`)
//! are applied to the files and to a `dossier serve` project, and after each one what the
//! project serves must be byte for byte what a fresh `dossier build` of the same files
//! writes — or, when that build fails, the rebuild must fail too and the last good build
//! stay served.
//!
//! The cases come from a fixed seed, so that CI runs the same ones every time.
//! `PROPTEST_CASES=5000` runs more locally; `PROPTEST_RNG_SEED=N` runs other ones.

mod common;
#[path = "common/site_edits.rs"]
mod site_edits;
#[path = "common/site_model.rs"]
mod site_model;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use dossier::build::{self, BuildOptions, Mode};
use dossier::serve::project::{Project, Rebuild};
use dossier::serve::watch::{Changes, classify};
use proptest::collection::{SizeRange, VecStrategy, vec};
use proptest::prelude::*;
use proptest::strategy::{NewTree, ValueTree};
use proptest::test_runner::{
    Config, RngAlgorithm, RngSeed, TestCaseError, TestError, TestRng, TestRunner,
};
use site_edits::{Break, Edit, Speaker};
use site_model::{Files, Model};

const BASE: &str = "http://127.0.0.1:1111/";
const CASES: u32 = 300;
const EDITS: usize = 8;
const SEED: [u8; 32] = *b"dossier serve equals a new build";

/// One edit: most keep the site building; one in fifteen comes with a break that the
/// next edit mends.
fn edit() -> impl Strategy<Value = Edit> {
    let sound = sound_edit().boxed();
    let broken = prop_oneof![
        any::<u8>().prop_map(|entry| Break::Yaml { entry }),
        any::<u8>().prop_map(|entry| Break::Link { entry }),
        Just(Break::Template),
    ];
    prop_oneof![
        14 => sound.clone(),
        1 => (broken, sound).prop_map(|(broken, with)| Edit::Broken { broken, with: Box::new(with) }),
    ]
}

/// Edits after which the site builds (but for a date removed from an event or a statement).
fn sound_edit() -> impl Strategy<Value = Edit> {
    let n = any::<u8>;
    let some = |p| prop::option::weighted(p, any::<u8>());
    let speaker = prop_oneof![
        Just(Speaker::Remove),
        n().prop_map(Speaker::Named),
        n().prop_map(Speaker::Linked),
        n().prop_map(Speaker::Unknown),
    ];
    prop_oneof![
        5 => (n(), n()).prop_map(|(entry, word)| Edit::Title { entry, word }),
        2 => (n(), any::<bool>()).prop_map(|(entry, set)| Edit::Slug { entry, set }),
        4 => (n(), some(0.75)).prop_map(|(entry, date)| Edit::Date { entry, date }),
        3 => (n(), some(0.8)).prop_map(|(entry, kind)| Edit::Kind { entry, kind }),
        4 => (n(), n()).prop_map(|(entry, tag)| Edit::AddTag { entry, tag }),
        3 => (n(), n()).prop_map(|(entry, which)| Edit::RemoveTag { entry, which }),
        3 => n().prop_map(|entry| Edit::MostUsedTag { entry }),
        2 => (n(), some(0.6)).prop_map(|(entry, add)| Edit::Alias { entry, add }),
        3 => (n(), n()).prop_map(|(entry, source)| Edit::AddSource { entry, source }),
        2 => (n(), n()).prop_map(|(entry, which)| Edit::RemoveSource { entry, which }),
        2 => (n(), n(), n()).prop_map(|(entry, which, variant)| Edit::RewordSource { entry, which, variant }),
        2 => (n(), speaker).prop_map(|(entry, speaker)| Edit::Speaker { entry, speaker }),
        2 => (n(), some(0.7), n()).prop_map(|(entry, target, rtype)| Edit::Relate { entry, target, rtype }),
        2 => (n(), some(0.7)).prop_map(|(entry, target)| Edit::About { entry, target }),
        2 => (n(), some(0.7)).prop_map(|(entry, target)| Edit::Respond { entry, target }),
        2 => (n(), prop::option::of(-3i8..6)).prop_map(|(entry, weight)| Edit::Weight { entry, weight }),
        2 => (n(), some(0.6)).prop_map(|(entry, summary)| Edit::Summary { entry, summary }),
        2 => n().prop_map(|entry| Edit::Draft { entry }),
        4 => (n(), n(), n(), any::<bool>())
            .prop_map(|(entry, target, style, heading)| Edit::AddLink { entry, target, style, heading }),
        3 => (n(), n()).prop_map(|(entry, which)| Edit::RemoveLink { entry, which }),
        2 => (n(), n(), n()).prop_map(|(entry, heading, at)| Edit::AddHeading { entry, heading, at }),
        2 => (n(), n()).prop_map(|(entry, which)| Edit::RemoveHeading { entry, which }),
        2 => (n(), n()).prop_map(|(entry, at)| Edit::AddParagraph { entry, at }),
        1 => (n(), n()).prop_map(|(entry, which)| Edit::RemoveParagraph { entry, which }),
        3 => (n(), n(), n(), some(0.5)).prop_map(|(section, word, tag, link)| Edit::New { section, word, tag, link }),
        3 => n().prop_map(|entry| Edit::Delete { entry }),
        2 => n().prop_map(|entry| Edit::Rename { entry }),
        2 => (n(), n()).prop_map(|(entry, section)| Edit::Move { entry, section }),
        2 => (n(), some(0.7)).prop_map(|(section, text)| Edit::SectionText { section, text }),
        1 => (n(), some(0.7)).prop_map(|(template, mark)| Edit::Template { template, mark }),
        3 => (n(), some(0.7)).prop_map(|(file, bytes)| Edit::Static { file, bytes }),
        1 => n().prop_map(|word| Edit::SiteTitle { word }),
        1 => Just(Edit::Paginate),
    ]
}

/// Writes the difference between two renderings of the site to disk, and returns the
/// changes the watcher would report for it.
fn sync(root: &Path, before: &Files, after: &Files) -> Changes {
    let mut changes = Changes::default();
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for rel in paths {
        let path = root.join(rel);
        match (before.get(rel), after.get(rel)) {
            (Some(a), Some(b)) if a == b => continue,
            (_, Some(bytes)) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, bytes).unwrap();
            }
            (Some(_), None) => std::fs::remove_file(&path).unwrap(),
            (None, None) => unreachable!(),
        }
        changes.add(classify(root, &path, "default").expect("a path the watcher reports"));
    }
    changes
}

/// What a fresh build of the site writes, with the serve base URL; the problems when it
/// fails.
fn fresh(root: &Path, out: &Path) -> Result<Files, Vec<String>> {
    let _ = std::fs::remove_dir_all(out);
    let mut opts = BuildOptions::new(root, Mode::Build);
    opts.output = Some(out.to_path_buf());
    opts.base_url = Some(BASE.into());
    let outcome = build::run(&opts);
    if !outcome.ok() {
        return Err(outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.headline())
            .collect());
    }
    let mut files = common::files_of(out);
    // The marker that says the folder is Dossier's output is not part of the site.
    files.remove(dossier::output::atomic::MARKER);
    Ok(files)
}

/// A temporary folder, in memory where the system has one: every step writes a whole
/// site, and on a disk that is most of the test's time (ten times more on a busy one).
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// The paths whose bytes differ between two trees, or that only one has.
fn differing(a: &Files, b: &Files) -> BTreeSet<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Runs one sequence of edits; on a mismatch, the steps so far in words.
fn run_sequence(first: &Model, first_files: &Files, edits: &[Edit]) -> Result<(), String> {
    let dir = scratch();
    let root = dir.path().join("site");
    let out = dir.path().join("fresh");
    let mut model = first.clone();
    let mut files = model.files();
    sync(&root, &Files::new(), &files);
    let mut project = Project::new(&root, BASE, false);
    // As `dossier serve` runs it: the sitemap and search index after the pages.
    project.defer_data(true);
    let outcome = project.full();
    assert!(matches!(outcome, Rebuild::Done { .. }), "{outcome:?}");
    project.complete_data();
    let mut good = common::served(&project);
    if let Some(d) = common::difference(first_files, &good) {
        return Err(format!("the first build: {d}"));
    }
    let mut log = String::new();
    for (step, edit) in edits.iter().enumerate() {
        let what = model.apply(edit);
        let next = model.files();
        let changes = sync(&root, &files, &next);
        files = next;
        let _ = writeln!(log, "  {}. {edit:?}: {what}", step + 1);
        if changes.is_empty() {
            continue;
        }
        let outcome = project.rebuild(&changes);
        let data = project.complete_data();
        let failure = match (fresh(&root, &out), outcome) {
            (Ok(expected), Rebuild::Done { changed, .. }) => {
                let now = common::served(&project);
                let told: BTreeSet<String> = changed.into_iter().chain(data).collect();
                let failure = common::difference(&expected, &now).or_else(|| {
                    let differ = differing(&good, &now);
                    (told != differ).then(|| {
                        format!(
                            "the pages are right, but the reload names {told:?}, not {differ:?}"
                        )
                    })
                });
                good = now;
                failure
            }
            (Err(_), Rebuild::Failed(_)) => common::difference(&good, &common::served(&project)).map(|d| {
                format!(
                    "the rebuild failed as it should, but the last good build is not served: {d}"
                )
            }),
            (Ok(_), Rebuild::Failed(problems)) => Some(format!(
                "the rebuild failed where a build succeeds: {:?}",
                problems.iter().map(|d| d.headline()).collect::<Vec<_>>()
            )),
            (Err(problems), Rebuild::Done { .. }) => Some(format!(
                "the rebuild succeeded where a build fails: {problems:?}"
            )),
        };
        if let Some(failure) = failure {
            return Err(format!(
                "after step {} of\n{log}changes {changes:?}\n{failure}",
                step + 1
            ));
        }
    }
    Ok(())
}

/// Sequences of `EDITS` edits that shrink to shorter ones. proptest's vectors shrink down
/// to the shortest length their size range allows; this one draws from `1..=EDITS` and
/// keeps only full-length draws, so that every case has `EDITS` edits but a failure can
/// shrink to one.
#[derive(Debug)]
struct Sequence(VecStrategy<BoxedStrategy<Edit>>);

impl Strategy for Sequence {
    type Tree = <VecStrategy<BoxedStrategy<Edit>> as Strategy>::Tree;
    type Value = Vec<Edit>;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        loop {
            let tree = self.0.new_tree(runner)?;
            if tree.current().len() == EDITS {
                return Ok(tree);
            }
        }
    }
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        // The seed makes a failure reproducible; nothing is written beside the tests.
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn any_sequence_of_edits_serves_what_a_fresh_build_writes() {
    let config = config();
    // `PROPTEST_RNG_SEED` (read by `Config::default`) chooses other cases; without it the
    // cases are the same at every run.
    let mut runner = match config.rng_seed {
        RngSeed::Fixed(_) => TestRunner::new(config),
        RngSeed::Random => {
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED))
        }
    };
    let first = Model::first();
    let dir = scratch();
    sync(&dir.path().join("site"), &Files::new(), &first.files());
    let first_files = fresh(&dir.path().join("site"), &dir.path().join("fresh"))
        .unwrap_or_else(|problems| panic!("the generated site does not build: {problems:?}"));
    assert!(first_files.contains_key("tags/common/page/2/index.html"));
    assert!(first_files.contains_key("sources/page/2/index.html"));

    let sequences = Sequence(vec(edit().boxed(), SizeRange::from(1..=EDITS)));
    let result = runner.run(&sequences, |edits| {
        run_sequence(&first, &first_files, &edits).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, edits)) => {
            panic!("{why}\nminimal failing sequence: {edits:#?}")
        }
        Err(e) => panic!("{e}"),
    }
}

/// The generated site has statements about other entries and answering each other, and
/// speakers who represent a party: the edits change what the Positions sections show.
#[test]
fn the_first_site_has_positions_to_edit() {
    let files = Model::first().files();
    let texts: Vec<String> = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let count = |key: &str| texts.iter().filter(|t| t.contains(key)).count();
    assert!(count("\nabout: [") >= 3, "{}", count("\nabout: ["));
    assert!(
        count("\nresponds_to: [") >= 2,
        "{}",
        count("\nresponds_to: [")
    );
    assert!(
        count("{type: represents,") >= 1,
        "{}",
        count("{type: represents,")
    );
}
