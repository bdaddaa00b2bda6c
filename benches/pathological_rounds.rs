//! The pathological stages of `benches/pathological.rs`, timed so that the growth ratio
//! holds on a loaded machine: every size in turn, round after round, each render timed
//! by the thread's CPU time, and the minimum and median per size. A size is never timed
//! in a different minute from the others, so other processes slow all sizes alike, and
//! a descheduled thread is not charged for the time it waits.
//!
//! `cargo bench --bench pathological_rounds -- [--rounds N] [--sizes 10000,20000,…]
//! [--cases 2d4,2d4-parse,…]`. Under `cargo test --benches` it runs one small round.

use std::hint::black_box;
use std::io::Write as _;

use cpu_time::ThreadTime;
use dossier::config::MarkdownConfig;
use dossier::markdown::{Highlighter, parser_options};

mod common;

// The binary's allocator, as in `benches/pathological.rs`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Case {
    name: &'static str,
    label: &'static str,
    input: fn(usize) -> String,
    /// Only pulldown-cmark's parse, with the options of a page, not the whole render.
    parse_only: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "2d2",
        label: "wikilinks in one paragraph",
        input: common::wikilinks,
        parse_only: false,
    },
    Case {
        name: "2d3",
        label: "Markdown links in one paragraph",
        input: common::markdown_links,
        parse_only: false,
    },
    Case {
        name: "2d4",
        label: "one link per sentence",
        input: common::one_link_per_sentence,
        parse_only: false,
    },
    Case {
        name: "2d4-parse",
        label: "one link per sentence, pulldown-cmark's parse alone",
        input: common::one_link_per_sentence,
        parse_only: true,
    },
    Case {
        name: "2d4-paragraphs",
        label: "one link per sentence, a thousand sentences to a paragraph",
        input: common::one_link_per_sentence_in_paragraphs,
        parse_only: false,
    },
    Case {
        name: "2l",
        label: "repeated headings",
        input: common::repeated_headings,
        parse_only: false,
    },
];

struct Args {
    rounds: usize,
    sizes: Vec<usize>,
    cases: Vec<&'static Case>,
}

fn args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let mut parsed = Args {
        rounds: 1,
        sizes: vec![1_000, 2_000],
        cases: CASES.iter().collect(),
    };
    let mut benching = false;
    let mut sizes = None;
    let mut rounds = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => benching = true,
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number")?;
                rounds = Some(value.parse().map_err(|_| format!("--rounds {value}"))?);
            }
            "--sizes" => {
                let value = args.next().ok_or("--sizes needs a list")?;
                let list: Result<Vec<usize>, _> = value.split(',').map(str::parse).collect();
                sizes = Some(list.map_err(|_| format!("--sizes {value}"))?);
            }
            "--cases" => {
                let value = args.next().ok_or("--cases needs a list")?;
                parsed.cases = value
                    .split(',')
                    .map(|name| {
                        CASES
                            .iter()
                            .find(|c| c.name == name)
                            .ok_or_else(|| format!("no case {name}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            // Whatever else cargo or the test harness pass.
            _ => {}
        }
    }
    if benching {
        parsed.rounds = 20;
        parsed.sizes = vec![10_000, 20_000, 40_000, 80_000, 160_000];
    }
    parsed.rounds = rounds.unwrap_or(parsed.rounds).max(1);
    parsed.sizes = sizes.unwrap_or(parsed.sizes);
    if parsed.sizes.is_empty() || parsed.sizes.contains(&0) {
        return Err("--sizes must be positive".into());
    }
    Ok(parsed)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The minor page faults of this thread so far (0 where `/proc` does not tell): memory
/// the kernel had to hand out and clear, which larger inputs need more of per link.
fn page_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // The fields after the command's closing parenthesis: state, ppid, pgrp, session,
    // tty, tpgid, flags, minflt.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn run(case: &Case, text: &str, highlighter: &Highlighter) -> usize {
    if case.parse_only {
        let options = parser_options(&MarkdownConfig::default());
        pulldown_cmark::Parser::new_ext(text, options)
            .into_offset_iter()
            .count()
    } else {
        common::render(text, highlighter)
    }
}

/// What one size gave: milliseconds per render, one sample a round, and page faults.
#[derive(Default)]
struct Samples {
    ms: Vec<f64>,
    faults: u64,
    renders: u64,
}

fn time_case(case: &Case, args: &Args, highlighter: &Highlighter) -> Vec<Samples> {
    let texts: Vec<String> = args.sizes.iter().map(|&n| (case.input)(n)).collect();
    // Each size does about the same work per round: the largest once, the others as
    // often as they fit in it.
    let largest = args.sizes.iter().copied().max().unwrap_or(1);
    let repeats: Vec<usize> = args.sizes.iter().map(|&n| (largest / n).max(1)).collect();
    let mut samples: Vec<Samples> = texts.iter().map(|_| Samples::default()).collect();
    for text in &texts {
        black_box(run(case, black_box(text), highlighter));
    }
    for round in 0..args.rounds {
        // Each round starts at another size, so that none always follows the same.
        for k in 0..texts.len() {
            let i = (round + k) % texts.len();
            let faults = page_faults();
            let start = ThreadTime::now();
            for _ in 0..repeats[i] {
                black_box(run(case, black_box(&texts[i]), highlighter));
            }
            let spent = start.elapsed().as_secs_f64() * 1e3;
            let s = &mut samples[i];
            s.ms.push(spent / repeats[i] as f64);
            s.faults += page_faults().saturating_sub(faults);
            s.renders += repeats[i] as u64;
        }
    }
    samples
}

fn median(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

fn main() -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            writeln!(std::io::stderr(), "pathological_rounds: {message}")?;
            std::process::exit(2);
        }
    };
    let highlighter = Highlighter::new();
    writeln!(
        out,
        "{} rounds; per render: thread CPU time in ms (min / median), minor page faults",
        args.rounds
    )?;
    writeln!(out, "load average {} at the start", load())?;
    for case in &args.cases {
        let samples = time_case(case, &args, &highlighter);
        writeln!(out, "{} ({})", case.label, case.name)?;
        let mut previous: Option<(usize, f64, f64)> = None;
        for (&size, mut s) in args.sizes.iter().zip(samples) {
            s.ms.sort_by(f64::total_cmp);
            let (min, med) = (s.ms[0], median(&s.ms));
            let faults = s.faults / s.renders.max(1);
            write!(
                out,
                "  {size:>7}: {min:9.2} / {med:9.2} ms {faults:>7} faults"
            )?;
            if let Some((n, pmin, pmed)) = previous {
                let grew = size as f64 / n as f64;
                write!(
                    out,
                    "   x{:.2} / x{:.2} for x{grew:.1} the input",
                    min / pmin,
                    med / pmed
                )?;
            }
            writeln!(out)?;
            previous = Some((size, min, med));
        }
    }
    writeln!(out, "load average {} at the end", load())?;
    Ok(())
}
