//! The images module on real files: sizes from headers, variants at the configured widths
//! (never wider than the original), the cache that makes a second run resize nothing, and
//! damaged pictures reported with their file.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use dossier::config::{ImageFormat, ImagesConfig};
use dossier::diagnostics::Diagnostic;
use dossier::images::{ImageKind, Images, Size, cache};
use dossier::output::Sink;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

/// Keeps what is written, by site path.
#[derive(Default)]
struct MemSink(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for MemSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.0.lock().unwrap().insert(rel.into(), bytes.to_vec());
        Ok(())
    }
}

impl MemSink {
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.0.lock().unwrap().clone()
    }
}

/// A picture with some detail in it, so that a resize has something to do.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x * 7 + y * 13) % 256) as u8,
        ])
    })
}

fn write_jpeg(path: &Path, width: u32, height: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    photo(width, height).save(path).unwrap();
}

/// A one-colour GIF (the `image` crate is built without its GIF codec).
fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // a colour table of two
    bytes.extend([0x2c, 0, 0, 0, 0]);
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend([0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    bytes
}

fn config(widths: &[u32]) -> ImagesConfig {
    ImagesConfig {
        widths: widths.to_vec(),
        ..ImagesConfig::default()
    }
}

fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a variant decodes");
    (img.width(), img.height())
}

#[test]
fn sizes_come_from_the_headers_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let content = root.join("content/places");
    write_jpeg(&content.join("a.jpg"), 640, 480);
    RgbaImage::from_pixel(300, 200, Rgba([10, 200, 30, 128]))
        .save(content.join("b.png"))
        .unwrap();
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(
            photo(120, 90).as_raw(),
            120,
            90,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    std::fs::write(content.join("c.webp"), webp).unwrap();
    std::fs::write(content.join("d.gif"), gif(50, 40)).unwrap();
    std::fs::write(
        content.join("e.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><path d="M0 0h8"/></svg>"#,
    )
    .unwrap();
    std::fs::write(
        content.join("f.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>"#,
    )
    .unwrap();

    let images = Images::new(root, &config(&[100]));
    let cases = [
        ("a.jpg", ImageKind::Jpeg, Some((640, 480))),
        ("b.png", ImageKind::Png, Some((300, 200))),
        ("c.webp", ImageKind::Webp, Some((120, 90))),
        ("d.gif", ImageKind::Gif, Some((50, 40))),
        ("e.svg", ImageKind::Svg, Some((800, 450))),
        ("f.svg", ImageKind::Svg, None),
    ];
    for (name, kind, size) in cases {
        let info = images.info(&format!("content/places/{name}")).unwrap();
        assert_eq!(info.kind, kind, "{name}");
        assert_eq!(
            info.size,
            size.map(|(width, height)| Size { width, height }),
            "{name}"
        );
    }
    // GIF and SVG are passed through; the others get their variant.
    for (name, count) in [
        ("a.jpg", 1),
        ("b.png", 1),
        ("c.webp", 1),
        ("d.gif", 0),
        ("e.svg", 0),
    ] {
        let variants = images.variants(&format!("content/places/{name}")).unwrap();
        assert_eq!(variants.len(), count, "{name}");
    }
    assert_eq!(images.resize_count(), 0, "asking for sizes decodes nothing");
}

#[test]
fn variants_have_the_widths_asked_for_and_never_upscale() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_jpeg(&root.join("content/places/baku.jpg"), 640, 480);
    write_jpeg(&root.join("static/small.jpg"), 90, 60);
    let images = Images::new(root, &config(&[100, 200, 400, 640, 1000]));

    let variants = images.variants("content/places/baku.jpg").unwrap();
    let widths: Vec<(u32, u32)> = variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(widths, [(100, 75), (200, 150), (400, 300)]);
    for v in variants.iter() {
        assert!(v.rel.starts_with("places/baku-"), "{}", v.rel);
        assert!(v.rel.ends_with(".jpg"), "{}", v.rel);
        assert_eq!(v.kind(), ImageKind::Jpeg);
        assert_eq!(v.rel, format!("places/{}", v.file_name()));
    }
    assert!(images.variants("static/small.jpg").unwrap().is_empty());

    let sink = MemSink::default();
    let written = images.write_all(&sink);
    assert!(written.diagnostics.is_empty(), "{:?}", written.diagnostics);
    assert_eq!((written.resized, written.cached), (3, 0));
    let files = sink.files();
    assert_eq!(files.len(), 3, "{:?}", files.keys());
    for v in variants.iter() {
        let bytes = &files[&v.rel];
        assert_eq!(decoded_size(bytes), (v.width, v.height), "{}", v.rel);
        assert_eq!(&bytes[..2], b"\xff\xd8", "a JPEG");
    }
}

#[test]
fn a_second_run_resizes_nothing_and_a_damaged_cache_entry_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..4 {
        write_jpeg(&root.join(format!("content/p/{i}.jpg")), 500 + i * 10, 300);
    }
    let sources: Vec<String> = (0..4).map(|i| format!("content/p/{i}.jpg")).collect();
    let settings = config(&[120, 240]);

    let first = Images::new(root, &settings);
    let sink1 = MemSink::default();
    let written = first.write_each(&sources, &sink1);
    assert_eq!((written.resized, written.cached), (8, 0));
    assert_eq!(first.resize_count(), 8);

    let cache_dir = root.join(cache::DIR);
    let stamps = |dir: &Path| -> BTreeMap<String, std::time::SystemTime> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().into_string().unwrap();
                (name, e.metadata().unwrap().modified().unwrap())
            })
            .collect()
    };
    let before = stamps(&cache_dir);
    assert_eq!(
        before.len(),
        8,
        "one entry a variant, no temporary file: {before:?}"
    );

    // A new handle, as a second build or `dossier serve` has: everything from the cache.
    let second = Images::new(root, &settings);
    let sink2 = MemSink::default();
    let written = second.write_each(&sources, &sink2);
    assert!(written.diagnostics.is_empty(), "{:?}", written.diagnostics);
    assert_eq!((written.resized, written.cached), (0, 8));
    assert_eq!(second.resize_count(), 0);
    assert_eq!(stamps(&cache_dir), before, "no cache entry was rewritten");
    assert_eq!(sink1.files(), sink2.files(), "the same variants");

    // An entry cut short is not served: it is made again, and only it.
    let (victim, _) = before.iter().next().unwrap();
    let path = cache_dir.join(victim);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let third = Images::new(root, &settings);
    let sink3 = MemSink::default();
    let written = third.write_each(&sources, &sink3);
    assert_eq!((written.resized, written.cached), (1, 7));
    assert_eq!(sink3.files(), sink1.files());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the entry is whole again"
    );

    // Other settings are other entries.
    let finer = Images::new(
        root,
        &ImagesConfig {
            quality: 60,
            ..settings.clone()
        },
    );
    let written = finer.write_each(&sources, &MemSink::default());
    assert_eq!((written.resized, written.cached), (8, 0));
}

#[test]
fn an_edited_picture_gets_new_variants_under_new_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join("content/a.jpg");
    write_jpeg(&path, 400, 300);
    let images = Images::new(root, &config(&[200]));
    let old = images.variants("content/a.jpg").unwrap()[0].rel.clone();
    write_jpeg(&path, 400, 200);
    assert_eq!(
        images.variants("content/a.jpg").unwrap()[0].rel,
        old,
        "memoised"
    );
    images.forget("content/a.jpg");
    let new = images.variants("content/a.jpg").unwrap()[0].clone();
    assert_ne!(new.rel, old);
    assert_eq!((new.width, new.height), (200, 100));
}

#[test]
fn formats_and_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    RgbaImage::from_fn(300, 100, |x, _| Rgba([200, 10, 10, (x % 256) as u8]))
        .save(root.join("content/logo.png"))
        .unwrap();

    let original = Images::new(root, &config(&[150]));
    let sink = MemSink::default();
    let v = original.variants("content/logo.png").unwrap()[0].clone();
    assert!(v.rel.ends_with(".png"), "{}", v.rel);
    assert!(original.write_all(&sink).diagnostics.is_empty());
    let png = image::load_from_memory(&sink.files()[&v.rel]).unwrap();
    assert!(png.color().has_alpha(), "a PNG keeps its transparency");
    assert_eq!((png.width(), png.height()), (150, 50));

    for (format, magic) in [
        (ImageFormat::Jpeg, &b"\xff\xd8"[..]),
        (ImageFormat::Webp, &b"RIFF"[..]),
    ] {
        let images = Images::new(
            root,
            &ImagesConfig {
                format,
                ..config(&[150])
            },
        );
        let sink = MemSink::default();
        let written = images.write("content/logo.png", &sink);
        assert!(written.diagnostics.is_empty(), "{:?}", written.diagnostics);
        let v = images.variants("content/logo.png").unwrap()[0].clone();
        let bytes = &sink.files()[&v.rel];
        assert!(bytes.starts_with(magic), "{format:?}: {}", v.rel);
        assert_eq!(decoded_size(bytes), (150, 50));
    }
}

#[test]
fn resizing_off_makes_no_variants() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_jpeg(&root.join("content/a.jpg"), 400, 300);
    let images = Images::new(root, &config(&[]));
    assert!(images.variants("content/a.jpg").unwrap().is_empty());
    assert_eq!(
        images.info("content/a.jpg").unwrap().size,
        Some(Size {
            width: 400,
            height: 300
        })
    );
    let written = images.write_all(&MemSink::default());
    assert_eq!((written.resized, written.cached), (0, 0));
    assert!(!root.join(cache::DIR).exists());
}

#[test]
fn damaged_pictures_are_diagnostics_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    // Not a picture at all, under a picture's name.
    std::fs::write(content.join("notes.png"), "just some text, not a PNG").unwrap();
    // A JPEG whose header ends early.
    std::fs::write(content.join("short.jpg"), b"\xff\xd8\xff\xe0\x00\x10JF").unwrap();
    // A PNG whose header is whole and whose picture data is cut off. (A JPEG cut short
    // decodes, grey where the data stops, as browsers show it.)
    let mut png = Vec::new();
    photo(400, 300)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(content.join("cut.png"), &png[..png.len() / 3]).unwrap();
    // An SVG that is something else.
    std::fs::write(content.join("page.svg"), "<html></html>").unwrap();

    let images = Images::new(root, &config(&[200]));
    for name in ["notes.png", "short.jpg", "page.svg", "missing.jpg"] {
        let source = format!("content/{name}");
        let d = images.info(&source).expect_err(name);
        assert!(d.is_error());
        assert_eq!(d.file.as_deref(), Some(source.as_str()));
        assert!(
            images.variants(&source).is_err(),
            "{name}: the same answer again"
        );
    }
    let d = images.info("content/notes.png").unwrap_err();
    assert!(d.message.contains("not a picture"), "{}", d.message);

    // The header says 400 × 300: the damage shows only when the pixels are decoded.
    assert_eq!(images.variants("content/cut.png").unwrap().len(), 1);
    let written = images.write("content/cut.png", &MemSink::default());
    assert_eq!(written.resized, 0);
    assert_eq!(written.diagnostics.len(), 1, "{:?}", written.diagnostics);
    let d = &written.diagnostics[0];
    assert!(d.is_error());
    assert_eq!(d.file.as_deref(), Some("content/cut.png"));
    assert!(d.message.contains("damaged"), "{}", d.message);

    // write_all reports every source it was asked about, and goes on past them.
    write_jpeg(&content.join("good.jpg"), 400, 300);
    images.variants("content/good.jpg").unwrap();
    let written = images.write_all(&MemSink::default());
    assert_eq!(written.resized, 1);
    assert_eq!(written.diagnostics.len(), 5, "{:?}", written.diagnostics);
}

#[test]
fn a_warm_handle_reads_no_picture_whole_to_know_its_variants() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = root.join("content/p/a.jpg");
    write_jpeg(&path, 400, 300);
    write_jpeg(&root.join("content/p/small.jpg"), 90, 60);
    // Left alone for an hour, as most pictures of a site are.
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_time = |p: &Path, t| {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(t)
            .unwrap()
    };
    set_time(&path, hour_ago);

    let first = Images::new(root, &config(&[200]));
    let names = first.variants("content/p/a.jpg").unwrap();
    assert!(first.variants("content/p/small.jpg").unwrap().is_empty());
    assert_eq!(
        first.hash_count(),
        1,
        "only a picture with variants is hashed"
    );
    assert!(first.save_index().is_none());

    let warm = Images::new(root, &config(&[200]));
    assert_eq!(warm.variants("content/p/a.jpg").unwrap(), names);
    assert_eq!(warm.hash_count(), 0, "the hash comes from the index");

    // Changed (another length and time): hashed again, under new names.
    write_jpeg(&path, 400, 200);
    set_time(&path, hour_ago + std::time::Duration::from_secs(60));
    let changed = Images::new(root, &config(&[200]));
    let new = changed.variants("content/p/a.jpg").unwrap();
    assert_eq!(changed.hash_count(), 1);
    assert_ne!(new[0].rel, names[0].rel);
    assert_eq!((new[0].width, new[0].height), (200, 100));
}

#[test]
fn a_turned_jpeg_has_its_sides_swapped_from_the_header_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut jpeg = Vec::new();
    photo(300, 100)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // An EXIF segment (big-endian TIFF, one entry: orientation 6, a quarter turn) right
    // after the start of the file.
    let tiff: &[u8] = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
    let mut app1 = b"\xff\xe1".to_vec();
    app1.extend(((tiff.len() + 8) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    let mut turned = jpeg[..2].to_vec();
    turned.extend(&app1);
    turned.extend(&jpeg[2..]);
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/t.jpg"), &turned).unwrap();

    let images = Images::new(root, &config(&[50]));
    assert_eq!(
        images.info("content/t.jpg").unwrap().size,
        Some(Size {
            width: 100,
            height: 300
        })
    );
    let sink = MemSink::default();
    assert!(images.write_all(&sink).diagnostics.is_empty());
    let v = &images.variants("content/t.jpg").unwrap()[0];
    assert_eq!(decoded_size(&sink.files()[&v.rel]), (50, 150));
}
