//! Dossier: a static site generator for curated, cross-linked regional dossiers.
//!
//! A build is one pipeline, each stage a module: [`config`] reads `site.yaml`, [`content`]
//! walks and parses the entries, [`graph`] indexes them and renders their Markdown
//! ([`markdown`]) with links resolved, [`render`] turns the graph into pages with the
//! theme's templates, and [`output`] writes them atomically. [`build::run`] calls them in
//! order.

pub mod build;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod emit;
pub mod fs;
pub mod graph;
pub mod images;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod render;
pub mod scaffold;
pub(crate) mod scheme;
pub mod serve;
pub mod text;
mod yaml;
