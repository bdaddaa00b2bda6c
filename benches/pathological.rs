//! Inputs that were quadratic (review cases 2d2–2d4, 2l, 1d, 1a3): each at N and 2N, so
//! that the ratio of the two times shows how the stage grows (about 2 when linear).
//! `cargo bench --bench pathological`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dossier::config::{Config, Overrides};
use dossier::content::Entry;
use dossier::graph::index::tag_neighbours;
use dossier::markdown::Highlighter;

mod common;
use common::render;

// The allocator the binary ships with (src/main.rs): under the system allocator the
// heap's consolidation, not these stages, grows faster than the input.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn links_in_one_paragraph(c: &mut Criterion) {
    let highlighter = Highlighter::new();
    let mut group = c.benchmark_group("links in one paragraph");
    group.sample_size(10);
    for n in [10_000, 20_000, 40_000] {
        let wiki = common::wikilinks(n);
        group.bench_with_input(BenchmarkId::new("wikilinks (2d2)", n), &wiki, |b, t| {
            b.iter(|| render(black_box(t), &highlighter))
        });
        let md = common::markdown_links(n);
        group.bench_with_input(BenchmarkId::new("markdown links (2d3)", n), &md, |b, t| {
            b.iter(|| render(black_box(t), &highlighter))
        });
        let sentences = common::one_link_per_sentence(n);
        group.bench_with_input(
            BenchmarkId::new("one sentence each (2d4)", n),
            &sentences,
            |b, t| b.iter(|| render(black_box(t), &highlighter)),
        );
    }
    group.finish();
}

fn obsidian_marks_in_one_paragraph(c: &mut Criterion) {
    let highlighter = Highlighter::new();
    let mut group = c.benchmark_group("obsidian marks in one paragraph");
    group.sample_size(10);
    for n in [25_000, 50_000, 100_000] {
        let marks = "==a== ".repeat(n);
        group.bench_with_input(BenchmarkId::new("highlights", n), &marks, |b, t| {
            b.iter(|| render(black_box(t), &highlighter))
        });
        let unclosed = "a ==b ".repeat(n);
        group.bench_with_input(
            BenchmarkId::new("unclosed highlights", n),
            &unclosed,
            |b, t| b.iter(|| render(black_box(t), &highlighter)),
        );
        let comments = "%% ".repeat(n);
        group.bench_with_input(BenchmarkId::new("comment marks", n), &comments, |b, t| {
            b.iter(|| render(black_box(t), &highlighter))
        });
    }
    group.finish();
}

fn repeated_headings(c: &mut Criterion) {
    let highlighter = Highlighter::new();
    let mut group = c.benchmark_group("repeated headings (2l)");
    group.sample_size(10);
    for n in [10_000, 20_000, 40_000] {
        let text = common::repeated_headings(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| render(black_box(t), &highlighter))
        });
    }
    group.finish();
}

fn tags_of_one_entry(c: &mut Criterion) {
    let mut group = c.benchmark_group("often together: one entry's tags (1d)");
    group.sample_size(10);
    for n in [8_000, 16_000] {
        // One entry with every tag, and small entries pairing a few of them.
        let mut entries: Vec<Vec<usize>> = vec![(0..n).collect()];
        entries.extend((0..n / 4).map(|i| vec![i, (i * 7 + 1) % n, (i * 13 + 5) % n]));
        group.bench_with_input(BenchmarkId::from_parameter(n), &entries, |b, e| {
            b.iter(|| tag_neighbours(black_box(e), n, 10))
        });
    }
    group.finish();
}

fn alias_bomb(c: &mut Criterion) {
    let config = Config::parse(
        "title: Bench\nbase_url: https://example.org/\n",
        &Overrides::default(),
    )
    .config
    .expect("a config");
    let mut group = c.benchmark_group("refusing a flat alias bomb (1a3)");
    group.sample_size(10);
    for k in [3_000, 6_000] {
        let text = format!(
            "---\ntitle: Q\nextra:\n  a: &a [{}]\n  b: [{}]\n---\nx\n",
            vec!["x"; k].join(","),
            vec!["*a"; k].join(",")
        );
        group.bench_with_input(BenchmarkId::from_parameter(k), &text, |b, t| {
            b.iter(|| Entry::parse(black_box("topics/q.md"), t.clone(), &config))
        });
    }
    group.finish();
}

criterion_group!(
    pathological,
    links_in_one_paragraph,
    obsidian_marks_in_one_paragraph,
    repeated_headings,
    tags_of_one_entry,
    alias_bomb
);
criterion_main!(pathological);
