//! Resizes every JPEG, PNG and WebP under a site's `content/` with the images module,
//! as a build would, and prints how long it took and how many variants it made or took
//! from the cache. Run it twice for a cold and a warm figure:
//!
//!     cargo run --release --example resize_corpus -- SITE [--cold]
//!
//! `--cold` deletes the site's image cache first. The variants go to a sink that keeps
//! nothing, so the figure is decoding, resizing, encoding and the cache, not the output.

#![allow(clippy::print_stderr)]

use std::time::Instant;

use dossier::config::ImagesConfig;
use dossier::images::{Images, cache};
use dossier::output::NullSink;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: resize_corpus SITE [--cold]");
        std::process::exit(2);
    };
    let root = std::path::PathBuf::from(root);
    if args.any(|a| a == "--cold") {
        let _ = std::fs::remove_dir_all(root.join(cache::DIR));
    }
    let sources: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            name.ends_with(".jpg") || name.ends_with(".png") || name.ends_with(".webp")
        })
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    let start = Instant::now();
    let images = Images::new(&root, &ImagesConfig::default());
    let variants: usize = sources
        .iter()
        .filter_map(|s| images.variants(s).ok())
        .map(|v| v.len())
        .sum();
    let planned = start.elapsed();
    let written = images.write_each(&sources, &NullSink);
    let total = start.elapsed();
    for d in &written.diagnostics {
        eprintln!("{}", d.render(false));
    }
    eprintln!(
        "{} pictures, {variants} variants: {} resized, {} from the cache; sizes and names {:.2} s, all {:.2} s",
        sources.len(),
        written.resized,
        written.cached,
        planned.as_secs_f64(),
        total.as_secs_f64()
    );
}
