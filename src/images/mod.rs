//! Pictures: their sizes read from the file's header, and smaller copies of the large ones
//! (variants) for `srcset`, made once and kept in a cache folder.
//!
//! [`Images`] is the handle the rest of Dossier holds for one site: [`Images::info`] gives
//! the kind and size of a picture without decoding it, [`Images::variants`] the widths it
//! will be offered at (from the header alone, so that a page can be rendered before any
//! picture is resized), and [`Images::write`] / [`Images::write_all`] make the variants
//! that the cache does not hold yet, in parallel, and write them through an
//! [`output::Sink`](crate::output::Sink).
//!
//! Each source is read once per handle: the first call for a path probes it, later calls
//! (from any thread) get the same answer. A changed file needs a new handle (or
//! [`Images::forget`]).
//!
//! The cache is `.dossier-cache/images/` under the site root (see [`cache`]): an entry is
//! named by a hash of the source's bytes and of the settings that shape the variant, so
//! a second build, or `dossier serve` after a build, resizes nothing.

pub mod cache;
mod probe;
mod resize;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::config::{ImageFormat, ImagesConfig};
use crate::content::files::{FileRef, FileSource};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;

pub use probe::svg_size;

/// The `sizes` attribute that goes with a `srcset` of variants in the default theme's text
/// column: 714 CSS pixels wide (42rem of 17px) on screens wide enough for it, else the
/// width of the screen.
pub const SIZES: &str = "(min-width: 760px) 714px, 100vw";

/// What a picture is, by its content (an SVG by its `.svg` name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Svg,
}

impl ImageKind {
    /// Whether Dossier makes smaller copies of pictures of this kind (GIFs may be
    /// animated, and SVG scales by itself).
    pub fn is_resized(self) -> bool {
        matches!(self, ImageKind::Jpeg | ImageKind::Png | ImageKind::Webp)
    }

    fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
            ImageKind::Gif => "gif",
            ImageKind::Svg => "svg",
        }
    }
}

/// A width and height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// The kind and size of a picture. The size is as the browser shows it: a JPEG whose
/// EXIF orientation turns it on its side has its width and height swapped. `None` for an
/// SVG with neither `width` and `height` nor a `viewBox` on its root element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub size: Option<Size>,
}

/// A smaller copy of a picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Its site path, beside the copy of the original: `places/baku-800w.1a2b3c4d.jpg`
    /// for `content/places/baku.jpg`. The part after the width is the start of its cache
    /// key, so that an edited picture gets a new name and no browser keeps the old one.
    pub rel: String,
    kind: ImageKind,
    key: cache::Key,
}

impl Variant {
    /// The name of the file, for a `srcset` relative to the page of the original's folder.
    pub fn file_name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }

    pub fn kind(&self) -> ImageKind {
        self.kind
    }
}

/// What one source is, read once.
struct Probe {
    info: ImageInfo,
    variants: Arc<[Variant]>,
    /// How the decoded picture is turned upright (EXIF orientation), for resizing.
    orientation: image::metadata::Orientation,
}

type Memo = Mutex<HashMap<String, Arc<OnceLock<Result<Arc<Probe>, Diagnostic>>>>>;

/// The pictures of one site, with the settings of its `site.yaml`.
pub struct Images {
    root: PathBuf,
    config: ImagesConfig,
    cache: cache::Cache,
    memo: Memo,
    resized: AtomicUsize,
}

/// What writing variants did.
#[derive(Debug, Default)]
pub struct Written {
    /// Variants decoded and resized in this call.
    pub resized: usize,
    /// Variants taken from the cache.
    pub cached: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Written {
    fn add(&mut self, other: Written) {
        self.resized += other.resized;
        self.cached += other.cached;
        self.diagnostics.extend(other.diagnostics);
    }
}

impl Images {
    /// The pictures of the site at `root`, cached in [`cache::DIR`] under it.
    pub fn new(root: &Path, config: &ImagesConfig) -> Self {
        Images::with_cache(root, config, &root.join(cache::DIR))
    }

    /// The same with the cache in another folder.
    pub fn with_cache(root: &Path, config: &ImagesConfig, cache_dir: &Path) -> Self {
        Images {
            root: root.to_path_buf(),
            config: config.clone(),
            cache: cache::Cache::new(cache_dir),
            memo: Mutex::new(HashMap::new()),
            resized: AtomicUsize::new(0),
        }
    }

    /// The settings the variants are made with.
    pub fn config(&self) -> &ImagesConfig {
        &self.config
    }

    /// The kind and size of the picture at `source`, a path under the site root with `/`
    /// separators (`content/places/baku.jpg`), as diagnostics name files.
    pub fn info(&self, source: &str) -> Result<ImageInfo, Diagnostic> {
        self.probe(source).map(|p| p.info)
    }

    /// The variants `source` is offered at, narrowest first: one for each configured width
    /// below the picture's own (never larger than the original). None for pictures that
    /// are not resized (GIF, SVG), for pictures no wider than the narrowest width, and
    /// when resizing is off. Known from the header: nothing is decoded here.
    pub fn variants(&self, source: &str) -> Result<Arc<[Variant]>, Diagnostic> {
        self.probe(source).map(|p| p.variants.clone())
    }

    /// Forgets what was read of `source` (it changed on disk).
    pub fn forget(&self, source: &str) {
        if let Ok(mut memo) = self.memo.lock() {
            memo.remove(source);
        }
    }

    /// Forgets `path` and everything under it, when it is a folder (a folder moved or
    /// deleted changes the files in it).
    pub fn forget_under(&self, path: &str) {
        let path = path.trim_end_matches('/');
        if let Ok(mut memo) = self.memo.lock() {
            memo.retain(|source, _| {
                source != path
                    && !source
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('/'))
            });
        }
    }

    /// How many variants this handle has decoded and resized since it was made.
    pub fn resize_count(&self) -> usize {
        self.resized.load(Ordering::Relaxed)
    }

    /// Writes the variants of `source` to the sink: from the cache where it holds them
    /// (checked whole), resized once from the decoded original for the rest, which then go
    /// into the cache.
    pub fn write(&self, source: &str, sink: &dyn Sink) -> Written {
        let mut written = Written::default();
        let probe = match self.probe(source) {
            Ok(probe) => probe,
            Err(d) => {
                written.diagnostics.push(d);
                return written;
            }
        };
        let mut missing = Vec::new();
        for v in probe.variants.iter() {
            match self.cache.get(&v.key) {
                Some(bytes) => {
                    written.cached += 1;
                    if let Err(d) = sink.write(&v.rel, &bytes) {
                        written.diagnostics.push(d);
                    }
                }
                None => missing.push(v),
            }
        }
        if missing.is_empty() {
            return written;
        }
        let made = self.read_source(source).and_then(|bytes| {
            resize::variants(
                &bytes,
                probe.info.kind,
                probe.orientation,
                &missing,
                self.config.quality,
            )
            .map_err(|message| Diagnostic::error(message).in_file(source))
        });
        match made {
            Ok(made) => {
                for (v, bytes) in missing.iter().zip(made) {
                    self.resized.fetch_add(1, Ordering::Relaxed);
                    written.resized += 1;
                    if let Err(message) = self.cache.put(&v.key, &bytes) {
                        // A cache that cannot be written costs time, not output.
                        written.diagnostics.push(
                            Diagnostic::warning(format!(
                                "{message}; the picture is resized again next time"
                            ))
                            .in_file(source),
                        );
                    }
                    if let Err(d) = sink.write(&v.rel, &bytes) {
                        written.diagnostics.push(d);
                    }
                }
            }
            Err(d) => written.diagnostics.push(d),
        }
        written
    }

    /// [`Images::write`] for every source asked about so far, in parallel.
    pub fn write_all(&self, sink: &dyn Sink) -> Written {
        let mut sources: Vec<String> = match self.memo.lock() {
            Ok(memo) => memo.keys().cloned().collect(),
            Err(_) => Vec::new(),
        };
        sources.sort();
        self.write_each(&sources, sink)
    }

    /// [`Images::write`] for each of `sources`, in parallel.
    pub fn write_each(&self, sources: &[String], sink: &dyn Sink) -> Written {
        let parts: Vec<Written> = sources
            .par_iter()
            .map(|source| self.write(source, sink))
            .collect();
        let mut written = Written::default();
        for part in parts {
            written.add(part);
        }
        written
    }

    fn probe(&self, source: &str) -> Result<Arc<Probe>, Diagnostic> {
        let slot = match self.memo.lock() {
            Ok(mut memo) => memo.entry(source.to_string()).or_default().clone(),
            Err(_) => Arc::new(OnceLock::new()),
        };
        slot.get_or_init(|| self.read_probe(source).map(Arc::new))
            .clone()
    }

    fn read_probe(&self, source: &str) -> Result<Probe, Diagnostic> {
        let path = self.root.join(source);
        let fail = |message: String| Diagnostic::error(message).in_file(source);
        if source.to_ascii_lowercase().ends_with(".svg") {
            let bytes = self.read_source(source)?;
            let size = probe::svg_size(&bytes).map_err(fail)?;
            return Ok(Probe {
                info: ImageInfo {
                    kind: ImageKind::Svg,
                    size,
                },
                variants: Arc::from([]),
                orientation: image::metadata::Orientation::NoTransforms,
            });
        }
        let kind = probe::raster_kind(&path).map_err(fail)?;
        if !kind.is_resized() || self.config.widths.is_empty() {
            let size = probe::raster_size(&path).map_err(fail)?;
            return Ok(Probe {
                info: ImageInfo {
                    kind,
                    size: Some(size),
                },
                variants: Arc::from([]),
                orientation: image::metadata::Orientation::NoTransforms,
            });
        }
        // The bytes are read whole: the cache key is their hash.
        let bytes = self.read_source(source)?;
        let (stored, orientation) = probe::raster_header(&bytes, kind).map_err(fail)?;
        let size = probe::upright(stored, orientation);
        let variants = self.plan(source, &bytes, kind, size);
        Ok(Probe {
            info: ImageInfo {
                kind,
                size: Some(size),
            },
            variants: variants.into(),
            orientation,
        })
    }

    /// The variants of a picture of `size`: one for each configured width below its own.
    fn plan(&self, source: &str, bytes: &[u8], kind: ImageKind, size: Size) -> Vec<Variant> {
        let out_kind = match self.config.format {
            ImageFormat::Original => kind,
            ImageFormat::Jpeg => ImageKind::Jpeg,
            ImageFormat::Png => ImageKind::Png,
            ImageFormat::Webp => ImageKind::Webp,
        };
        let content = blake3::hash(bytes);
        let original = original_file(source).unwrap_or_else(|| source.to_string());
        let stem = original
            .rsplit_once('.')
            .filter(|(stem, _)| !stem.ends_with('/') && !stem.is_empty())
            .map_or(original.as_str(), |(stem, _)| stem);
        self.config
            .widths
            .iter()
            .filter(|&&w| w < size.width)
            .map(|&width| {
                let height = scaled_height(size, width);
                let quality = (out_kind == ImageKind::Jpeg).then_some(self.config.quality);
                let key = cache::Key::new(&content, width, height, quality, out_kind.extension());
                Variant {
                    width,
                    height,
                    rel: format!("{stem}-{width}w.{}.{}", key.short(), out_kind.extension()),
                    kind: out_kind,
                    key,
                }
            })
            .collect()
    }

    fn read_source(&self, source: &str) -> Result<Vec<u8>, Diagnostic> {
        crate::fs::read(&self.root.join(source))
            .map_err(|e| Diagnostic::error(e.to_string()).in_file(source))
    }
}

/// Whether a file's name says it is a picture Dossier reads.
pub fn is_picture_name(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    ["jpg", "jpeg", "png", "webp", "gif", "svg"]
        .iter()
        .any(|p| ext.eq_ignore_ascii_case(p))
}

/// The sizes of the pictures of a site, as the Markdown of its pages asks for them: a
/// file of `content/` is read there, a static file from the site's `static/` or else the
/// theme's folder (a file built into the binary has no size).
pub struct SiteSizes<'a> {
    pub images: &'a Images,
    /// The theme `site.yaml` names.
    pub theme: &'a str,
}

impl SiteSizes<'_> {
    /// The path under the site root that [`Images::info`] reads for `file`.
    pub fn source(&self, file: &FileRef) -> Option<String> {
        match &file.source {
            FileSource::Content(rel) => Some(format!("content/{rel}")),
            FileSource::Static(rel) => [
                format!("static/{rel}"),
                format!("themes/{}/static/{rel}", self.theme),
            ]
            .into_iter()
            .find(|p| self.images.root.join(p).is_file()),
        }
    }
}

impl crate::markdown::PictureSizes for SiteSizes<'_> {
    fn size(&self, file: &FileRef) -> Option<crate::markdown::PictureSize> {
        if !is_picture_name(&file.path) {
            return None;
        }
        let source = self.source(file)?;
        Some(
            self.images
                .info(&source)
                .map(|info| info.size)
                .map_err(|d| d.message),
        )
    }
}

/// The height of a picture of `size` scaled to `width`, rounded, at least 1.
fn scaled_height(size: Size, width: u32) -> u32 {
    let h = (u64::from(size.height) * u64::from(width) + u64::from(size.width) / 2)
        / u64::from(size.width);
    h.clamp(1, u64::from(u32::MAX)) as u32
}

/// Where the copy of a source file goes in the output: `content/X` beside the page of
/// its folder (as the emit stage copies assets), `static/X` at `X`. `None` for a path
/// outside both.
pub fn original_file(source: &str) -> Option<String> {
    if let Some(rel) = source.strip_prefix("content/") {
        Some(crate::content::files::asset_path(rel))
    } else {
        source.strip_prefix("static/").map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_the_aspect_ratio() {
        let size = Size {
            width: 3000,
            height: 2000,
        };
        assert_eq!(scaled_height(size, 800), 533);
        assert_eq!(scaled_height(size, 1200), 800);
        let thin = Size {
            width: 5000,
            height: 1,
        };
        assert_eq!(scaled_height(thin, 100), 1);
    }

    #[test]
    fn originals_go_where_the_emit_stage_copies_them() {
        assert_eq!(
            original_file("content/places/baku.jpg").as_deref(),
            Some("places/baku.jpg")
        );
        assert_eq!(
            original_file("static/img/logo.png").as_deref(),
            Some("img/logo.png")
        );
        assert_eq!(original_file("elsewhere/x.png"), None);
    }
}
