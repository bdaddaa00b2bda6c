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
mod index;
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// The `srcset` of a picture of `size` shown from `url` (the URL of the copy of its
/// original, as a page writes it): each variant beside it at its width, then the original
/// at its own. `None` for a picture without variants.
pub fn srcset(url: &str, size: Size, variants: &[Variant]) -> Option<String> {
    if variants.is_empty() {
        return None;
    }
    let mut set = String::new();
    for v in variants {
        set.push_str(&variant_url(url, v));
        set.push_str(&format!(" {}w, ", v.width));
    }
    set.push_str(url);
    set.push_str(&format!(" {}w", size.width));
    Some(set)
}

/// The URL of the variant `v` of the picture whose original is at `url`: the file beside it.
pub fn variant_url(url: &str, v: &Variant) -> String {
    let dir = url.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut out = String::new();
    if !dir.is_empty() || url.starts_with('/') {
        out.push_str(dir);
        out.push('/');
    }
    out.push_str(&crate::content::files::encode_path(v.file_name()));
    out
}

/// The `sizes` of a card's thumbnail of a picture of `size`: the default theme shows it
/// as a square of 4.5rem (76.5 CSS pixels) that the picture covers, so a landscape
/// picture is shown that many pixels high and wider than that.
pub fn thumb_sizes(size: Size) -> String {
    const SIDE: f64 = 76.5;
    let aspect = f64::from(size.width) / f64::from(size.height.max(1));
    format!("{}px", (SIDE * aspect.max(1.0)).ceil() as u64)
}

/// A picture some page shows, with the variants it is offered at: what the emit stage
/// writes for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Shown {
    /// Its path under the site root: `content/places/baku.jpg`.
    pub source: String,
    pub variants: Arc<[Variant]>,
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
    /// The folder that sources named `content/…` are read from (the site's content
    /// folder, which `site.yaml` may name otherwise).
    content: PathBuf,
    config: ImagesConfig,
    cache: cache::Cache,
    hashes: index::HashIndex,
    memo: Memo,
    resized: AtomicUsize,
    hashed: AtomicUsize,
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

    /// The same, with the files of `content/…` read from `dir`.
    pub fn reading_content_from(mut self, dir: PathBuf) -> Self {
        self.content = dir;
        self
    }

    /// The folder the files of `content/…` are read from.
    pub fn content_dir(&self) -> &Path {
        &self.content
    }

    /// The file a source names: `content/X` in the content folder, any other path
    /// under the site's root.
    fn path_of(&self, source: &str) -> PathBuf {
        match source.strip_prefix("content/") {
            Some(rel) => self.content.join(rel),
            None => self.root.join(source),
        }
    }

    /// The same with the cache in another folder.
    pub fn with_cache(root: &Path, config: &ImagesConfig, cache_dir: &Path) -> Self {
        Images {
            root: root.to_path_buf(),
            content: root.join(crate::config::DEFAULT_CONTENT),
            config: config.clone(),
            cache: cache::Cache::new(cache_dir),
            hashes: index::HashIndex::new(cache_dir),
            memo: Mutex::new(HashMap::new()),
            resized: AtomicUsize::new(0),
            hashed: AtomicUsize::new(0),
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

    /// How many pictures this handle has read whole to hash them (those the index of
    /// hashes did not know, or knew with another length or time).
    pub fn hash_count(&self) -> usize {
        self.hashed.load(Ordering::Relaxed)
    }

    /// Writes the index of the pictures' hashes into the cache folder, when this handle
    /// hashed something it did not hold. A cache that cannot be written costs time, not
    /// output: the warning says so.
    pub fn save_index(&self) -> Option<Diagnostic> {
        self.hashes.save().err().map(|message| {
            Diagnostic::warning(format!(
                "{message}; the pictures are hashed again next time"
            ))
        })
    }

    /// Writes the variants of `source` to the sink: from the cache where it holds them
    /// (checked whole), resized once from the decoded original for the rest, which then go
    /// into the cache.
    pub fn write(&self, source: &str, sink: &dyn Sink) -> Written {
        match self.probe(source) {
            Ok(probe) => self.write_variants(source, &probe.variants, sink),
            Err(d) => Written {
                diagnostics: vec![d],
                ..Written::default()
            },
        }
    }

    /// Writes `variants` of `source` (as [`Images::variants`] gave them) to the sink.
    pub fn write_variants(&self, source: &str, variants: &[Variant], sink: &dyn Sink) -> Written {
        let mut written = Written::default();
        let probe = match self.probe(source) {
            Ok(probe) => probe,
            Err(d) => {
                written.diagnostics.push(d);
                return written;
            }
        };
        let mut missing = Vec::new();
        for v in variants {
            // A variant the output holds already, as long as its cache entry: its name is
            // its cache key, so it is that entry (a build into the last output reads
            // neither).
            if let Some(len) = self.cache.len(&v.key)
                && sink.keep_named(&v.rel, len)
            {
                written.cached += 1;
                continue;
            }
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
        let path = self.path_of(source);
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
        let (stored, orientation) = probe::raster_header_file(&path, kind).map_err(fail)?;
        let size = probe::upright(stored, orientation);
        // The cache key of a variant is a hash of the bytes: needed only when there are
        // variants, and known from the index when the file did not change.
        let variants = if self.config.widths.iter().any(|&w| w < size.width) {
            let content = self.content_hash(source, &path)?;
            self.plan(source, &content, kind, size)
        } else {
            Vec::new()
        };
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
    fn plan(
        &self,
        source: &str,
        content: &blake3::Hash,
        kind: ImageKind,
        size: Size,
    ) -> Vec<Variant> {
        let out_kind = match self.config.format {
            ImageFormat::Original => kind,
            ImageFormat::Jpeg => ImageKind::Jpeg,
            ImageFormat::Png => ImageKind::Png,
            ImageFormat::Webp => ImageKind::Webp,
        };
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
                let key = cache::Key::new(content, width, height, quality, out_kind.extension());
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

    /// The hash of the bytes of `source`: the index's when the file has the length and
    /// time the index knows, else read and hashed (and kept in the index).
    fn content_hash(&self, source: &str, path: &Path) -> Result<blake3::Hash, Diagnostic> {
        let fail = |e: std::io::Error| {
            Diagnostic::error(format!("cannot read `{}`: {e}", crate::fs::escaped(path)))
                .in_file(source)
        };
        let stamp = std::fs::metadata(path)
            .map_err(fail)
            .map(|m| index::stamp_of(&m))?;
        if let Some((len, modified)) = stamp
            && let Some(hash) = self.hashes.get(source, len, modified)
        {
            return Ok(hash);
        }
        let mut hasher = blake3::Hasher::new();
        let file = std::fs::File::open(path).map_err(fail)?;
        hasher.update_reader(file).map_err(fail)?;
        let hash = hasher.finalize();
        self.hashed.fetch_add(1, Ordering::Relaxed);
        if let Some((len, modified)) = stamp {
            self.hashes.put(source, len, modified, hash);
        }
        Ok(hash)
    }

    fn read_source(&self, source: &str) -> Result<Vec<u8>, Diagnostic> {
        crate::fs::read(&self.path_of(source))
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
            .find(|p| self.images.path_of(p).is_file()),
        }
    }
}

impl SiteSizes<'_> {
    /// Every picture with variants that a page of `site` shows (in its text or as an
    /// entry's `image`), once, by source: as the pages were rendered, so that the
    /// variants written are those their `srcset` names.
    pub fn shown(&self, site: &crate::graph::Site) -> Vec<Shown> {
        let mut found: std::collections::BTreeMap<String, Arc<[Variant]>> = Default::default();
        let mut add = |file: &FileRef, variants: &Arc<[Variant]>| {
            if variants.is_empty() {
                return;
            }
            if let Some(source) = self.source(file) {
                found.entry(source).or_insert_with(|| Arc::clone(variants));
            }
        };
        // Only the texts that show a picture, and the entries with an `image`: an edit
        // reads those, not every entry.
        let texts = site.pictured.iter().map(|&i| &site.rendered[i as usize]);
        for r in texts.chain(site.section_rendered.iter()) {
            for f in &r.files {
                if let Some(Ok(p)) = &f.picture {
                    add(&f.file, &p.variants);
                }
            }
        }
        let images = site.imaged.iter().map(|&i| &site.entry_images[i as usize]);
        for image in images.flatten() {
            if let Some(file) = &image.file {
                add(file, &image.variants);
            }
        }
        found
            .into_iter()
            .map(|(source, variants)| Shown { source, variants })
            .collect()
    }
}

impl crate::markdown::PictureSizes for SiteSizes<'_> {
    fn size(&self, file: &FileRef) -> Option<crate::markdown::PictureSize> {
        if !is_picture_name(&file.path) {
            return None;
        }
        let source = self.source(file)?;
        let picture = self
            .images
            .probe(&source)
            .map(|p| crate::markdown::Picture {
                size: p.info.size,
                variants: p.variants.clone(),
            });
        Some(picture.map_err(|d| d.message))
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
    } else if let Some(rel) = source.strip_prefix("static/") {
        Some(rel.to_string())
    } else {
        // A static file of a theme on disk: `themes/NAME/static/X` is copied to `X`.
        let rest = source.strip_prefix("themes/")?;
        let (_, rel) = rest.split_once('/')?;
        rel.strip_prefix("static/").map(str::to_string)
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
        assert_eq!(
            original_file("themes/default/static/img/logo.png").as_deref(),
            Some("img/logo.png")
        );
        assert_eq!(original_file("elsewhere/x.png"), None);
    }

    fn variant(width: u32, rel: &str) -> Variant {
        let key = cache::Key::new(&blake3::hash(b"x"), width, width, None, "jpg");
        Variant {
            width,
            height: width,
            rel: rel.into(),
            kind: ImageKind::Jpeg,
            key,
        }
    }

    #[test]
    fn a_srcset_names_each_variant_beside_the_original_then_the_original() {
        let size = Size {
            width: 2000,
            height: 1000,
        };
        let variants = [
            variant(480, "my-notes/a b-480w.1a2b3c4d.jpg"),
            variant(800, "my-notes/a b-800w.5e6f7a8b.jpg"),
        ];
        assert_eq!(
            srcset("/sub/my-notes/a%20b.jpg", size, &variants).as_deref(),
            Some(
                "/sub/my-notes/a%20b-480w.1a2b3c4d.jpg 480w, \
                 /sub/my-notes/a%20b-800w.5e6f7a8b.jpg 800w, /sub/my-notes/a%20b.jpg 2000w"
            )
        );
        assert_eq!(
            srcset("a.jpg", size, &variants[..1]).as_deref(),
            Some("a%20b-480w.1a2b3c4d.jpg 480w, a.jpg 2000w")
        );
        assert_eq!(srcset("a.jpg", size, &[]), None);
        assert_eq!(thumb_sizes(size), "153px");
        assert_eq!(
            thumb_sizes(Size {
                width: 500,
                height: 1000
            }),
            "77px"
        );
    }
}
