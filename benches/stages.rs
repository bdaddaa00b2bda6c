//! The hot stages of a build, one at a time: parsing an entry, rendering its Markdown,
//! related entries over a large synthetic site, and rendering an entry page.
//! `cargo bench`; end-to-end timings against Hugo are `scripts/bench.py`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use dossier::build::prepare;
use dossier::config::{Config, MarkdownConfig, Overrides};
use dossier::content::Entry;
use dossier::diagnostics::Diagnostics;
use dossier::graph::EntryId;
use dossier::graph::related::TagGraph;
use dossier::markdown::{self, Highlighter, KeepLinks};
use dossier::pages::Page;

const ENTRY: &str = "---\ntitle: \"Statement by Algoran on late\"\nkind: statement\ndate: 2012-03-13\nspeaker: \"Nalanuz Ulveash\"\ntags: [\"Eylisan valley\", \"hospitals\", \"sanctions\"]\nsummary: \"One sentence.\"\nsources:\n  - id: src-00346\n    title: \"About it and than but\"\n    url: \"https://example.net/narashur-monitor/716593\"\n    publisher: \"Narashur Monitor\"\n    date: 2007-11-08\n---\n";

fn body() -> String {
    let paragraph = "The corridor's *cargo* rose, said **the minister**, and the `road` stayed open to [traffic](https://example.org/x). ";
    let mut text = String::new();
    for section in 0..6 {
        text.push_str(&format!("## Section {section}\n\n"));
        for _ in 0..4 {
            text.push_str(&paragraph.repeat(4));
            text.push_str("\n\n");
        }
        text.push_str("- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> A quote.\n\n");
    }
    text.push_str("```rust\nfn main() {\n    println!(\"{}\", 1 + 2);\n}\n```\n");
    text
}

fn config() -> Config {
    Config::parse(
        "title: Bench\nbase_url: https://example.org/\n",
        &Overrides::default(),
    )
    .config
    .expect("a config")
}

fn stages(c: &mut Criterion) {
    let config = config();
    let text = format!("{ENTRY}{}", body());
    c.bench_function("parse an entry (front matter)", |b| {
        b.iter(|| Entry::parse(black_box("statements/x.md"), text.clone(), &config))
    });

    let highlighter = Highlighter::new();
    let markdown = body();
    c.bench_function(
        "render the Markdown of an entry (~700 words, one code block)",
        |b| {
            b.iter(|| {
                markdown::render(
                    black_box(&markdown),
                    &MarkdownConfig::default(),
                    &KeepLinks,
                    &highlighter,
                )
            })
        },
    );

    // A site of 10,000 entries with 2–6 of 200 tags, skewed like the benchmark corpus.
    let (entry_tags, tag_entries, rank) = synthetic_tags(10_000, 200);
    c.bench_function("related entries of every entry, 10,000 entries", |b| {
        b.iter(|| {
            let graph = TagGraph::new(&entry_tags, &tag_entries, &rank);
            (0..10_000u32)
                .map(|i| graph.related(EntryId(i), 5, 0.0).len())
                .sum::<usize>()
        })
    });

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut diagnostics = Diagnostics::new();
    let prepared = prepare(
        root,
        Config::load(root, &Overrides::default())
            .config
            .expect("site.yaml"),
        false,
        &mut diagnostics,
        &mut |_| {},
    )
    .expect("the bundled dossier");
    let id = prepared.site.names.by_rel["places/lachin-khankandi-road.md"];
    c.bench_function("render an entry page of the bundled dossier", |b| {
        b.iter(|| {
            prepared
                .renderer
                .render(&prepared.site, black_box(Page::Entry(id)), false)
        })
    });
}

fn synthetic_tags(entries: usize, tags: usize) -> (Vec<Vec<usize>>, Vec<Vec<EntryId>>, Vec<u32>) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut entry_tags = Vec::with_capacity(entries);
    for _ in 0..entries {
        let n = 2 + (rand() % 5) as usize;
        let mut own: Vec<usize> = (0..n)
            .map(|_| {
                // Zipf-like: tag k drawn with weight about 1/(k+1).
                let r = (rand() % 1_000_000) as f64 / 1_000_000.0;
                (((tags as f64 + 1.0).powf(r) - 1.0) as usize).min(tags - 1)
            })
            .collect();
        own.sort_unstable();
        own.dedup();
        entry_tags.push(own);
    }
    let mut tag_entries = vec![Vec::new(); tags];
    for (e, own) in entry_tags.iter().enumerate() {
        for &t in own {
            tag_entries[t].push(EntryId(e as u32));
        }
    }
    let rank = (0..entries as u32).collect();
    (entry_tags, tag_entries, rank)
}

criterion_group!(benches, stages);
criterion_main!(benches);
