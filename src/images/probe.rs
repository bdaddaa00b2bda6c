//! Sizes from headers: `imagesize` for JPEG, PNG, WebP and GIF, the root element's
//! `width`, `height` and `viewBox` for SVG. Nothing is decoded.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use image::ImageDecoder;
use image::metadata::Orientation;
use quick_xml::events::Event;

use super::{ImageKind, Size};

/// The most bytes read to tell the kind of a raster file.
const SNIFF: u64 = 64;

/// What a raster file is, from its first bytes.
pub(super) fn raster_kind(path: &Path) -> Result<ImageKind, String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(SNIFF).read_to_end(&mut head))
        .map_err(|e| format!("cannot read `{}`: {e}", crate::fs::escaped(path)))?;
    kind_of(&head)
}

fn kind_of(head: &[u8]) -> Result<ImageKind, String> {
    match imagesize::image_type(head) {
        Ok(imagesize::ImageType::Jpeg) => Ok(ImageKind::Jpeg),
        Ok(imagesize::ImageType::Png) => Ok(ImageKind::Png),
        Ok(imagesize::ImageType::Webp) => Ok(ImageKind::Webp),
        Ok(imagesize::ImageType::Gif) => Ok(ImageKind::Gif),
        _ => Err("not a picture Dossier reads: a JPEG, PNG, WebP, GIF or SVG file".into()),
    }
}

/// The size of a raster file from its header, read from disk.
pub(super) fn raster_size(path: &Path) -> Result<Size, String> {
    let size = imagesize::size(path).map_err(corrupt)?;
    checked(size)
}

/// The stored size and the EXIF orientation of a raster file, from its headers on disk:
/// the pixels are not read.
pub(super) fn raster_header_file(
    path: &Path,
    kind: ImageKind,
) -> Result<(Size, Orientation), String> {
    let size = raster_size(path)?;
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|e| format!("cannot read `{}`: {e}", crate::fs::escaped(path)))
    };
    let format = match kind {
        ImageKind::Jpeg => return Ok((size, jpeg_orientation(&mut open()?))),
        ImageKind::Png => image::ImageFormat::Png,
        ImageKind::Webp => image::ImageFormat::WebP,
        ImageKind::Gif | ImageKind::Svg => return Ok((size, Orientation::NoTransforms)),
    };
    // These decoders read the chunks before the pixels, not the pixels.
    let orientation = image::ImageReader::with_format(open()?, format)
        .into_decoder()
        .and_then(|mut d| d.orientation())
        .map_err(|e| format!("the picture is damaged: {e}"))?;
    Ok((size, orientation))
}

/// The orientation of a JPEG from its EXIF segment (`APP1`, `Exif\0\0`), looked for in
/// the segments before the scan; upright when there is none or it cannot be read.
fn jpeg_orientation<R: Read + Seek>(reader: &mut R) -> Orientation {
    fn find<R: Read + Seek>(reader: &mut R) -> std::io::Result<Option<Orientation>> {
        reader.seek(SeekFrom::Start(2))?;
        loop {
            let mut marker = [0u8; 2];
            reader.read_exact(&mut marker)?;
            if marker[0] != 0xFF {
                return Ok(None);
            }
            match marker[1] {
                // Fill bytes before a marker.
                0xFF => {
                    reader.seek(SeekFrom::Current(-1))?;
                    continue;
                }
                // Markers without a length.
                0x01 | 0xD0..=0xD8 => continue,
                // The scan, or the end: no EXIF before it.
                0xD9 | 0xDA => return Ok(None),
                _ => {}
            }
            let mut len = [0u8; 2];
            reader.read_exact(&mut len)?;
            let len = usize::from(u16::from_be_bytes(len));
            let Some(body) = len.checked_sub(2) else {
                return Ok(None);
            };
            if marker[1] == 0xE1 {
                let mut payload = vec![0; body];
                reader.read_exact(&mut payload)?;
                if let Some(tiff) = payload.strip_prefix(b"Exif\0\0") {
                    return Ok(Orientation::from_exif_chunk(tiff));
                }
            } else {
                reader.seek(SeekFrom::Current(body as i64))?;
            }
        }
    }
    find(reader)
        .ok()
        .flatten()
        .unwrap_or(Orientation::NoTransforms)
}

/// The size as shown: a quarter turn swaps width and height.
pub(super) fn upright(size: Size, orientation: Orientation) -> Size {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => Size {
            width: size.height,
            height: size.width,
        },
        _ => size,
    }
}

fn corrupt(e: imagesize::ImageError) -> String {
    match e {
        imagesize::ImageError::NotSupported => {
            "not a picture Dossier reads: a JPEG, PNG, WebP, GIF or SVG file".into()
        }
        imagesize::ImageError::CorruptedImage => {
            "the picture is damaged: its header gives no size".into()
        }
        imagesize::ImageError::IoError(e) => {
            format!("the picture is damaged: its header ends early ({e})")
        }
    }
}

fn checked(size: imagesize::ImageSize) -> Result<Size, String> {
    match (u32::try_from(size.width), u32::try_from(size.height)) {
        (Ok(width), Ok(height)) if width > 0 && height > 0 => Ok(Size { width, height }),
        _ => Err(format!(
            "the picture is damaged: its header gives a size of {} × {} pixels",
            size.width, size.height
        )),
    }
}

/// The size of an SVG file: its root element's `width` and `height` (in pixels, or in
/// absolute units turned into CSS pixels), else its `viewBox`, one side from the other
/// by the `viewBox`'s aspect ratio when only one is given. `Ok(None)` when it has
/// neither; an error when it is not an SVG document.
pub fn svg_size(bytes: &[u8]) -> Result<Option<Size>, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if e.local_name().as_ref() != "svg" {
                    return Err("not an SVG document: its root element is not `<svg>`".into());
                }
                let mut width = None;
                let mut height = None;
                let mut view_box = None;
                for attr in e.attributes().flatten() {
                    let value: &str = &attr.value;
                    match attr.key.as_ref() {
                        "width" => width = length(value),
                        "height" => height = length(value),
                        "viewBox" => view_box = parse_view_box(value),
                        _ => {}
                    }
                }
                return Ok(svg_dimensions(width, height, view_box));
            }
            Ok(Event::Eof) => return Err("not an SVG document: it has no root element".into()),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not a well-formed SVG document (at byte {}): {e}",
                    reader.buffer_position()
                ));
            }
        }
        buf.clear();
    }
}

fn svg_dimensions(
    width: Option<f64>,
    height: Option<f64>,
    view_box: Option<(f64, f64)>,
) -> Option<Size> {
    let (w, h) = match (width, height, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (None, None, Some((vw, vh))) => (vw, vh),
        _ => return None,
    };
    let round = |x: f64| (x.round() >= 1.0 && x < f64::from(u32::MAX)).then(|| x.round() as u32);
    Some(Size {
        width: round(w)?,
        height: round(h)?,
    })
}

/// `120`, `120px`, `2.5in`, `10mm` → CSS pixels; `50%`, `10em` and anything else → None.
fn length(text: &str) -> Option<f64> {
    const UNITS: [(&str, f64); 6] = [
        ("px", 1.0),
        ("in", 96.0),
        ("cm", 96.0 / 2.54),
        ("mm", 96.0 / 25.4),
        ("pt", 96.0 / 72.0),
        ("pc", 16.0),
    ];
    let text = text.trim();
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n, *scale)))
        .unwrap_or((text, 1.0));
    let px = number.trim_end().parse::<f64>().ok()? * scale;
    (px.is_finite() && px > 0.0).then_some(px)
}

fn parse_view_box(text: &str) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(text: &str) -> Result<Option<(u32, u32)>, String> {
        svg_size(text.as_bytes()).map(|s| s.map(|s| (s.width, s.height)))
    }

    #[test]
    fn svg_size_comes_from_width_and_height_or_the_view_box() {
        let ns = r#"xmlns="http://www.w3.org/2000/svg""#;
        assert_eq!(
            size(&format!(r#"<svg {ns} width="320" height="200"/>"#)),
            Ok(Some((320, 200)))
        );
        assert_eq!(
            size(&format!(
                r#"<?xml version="1.0"?><!-- a map --><svg {ns} viewBox="0 0 800 450"><g/></svg>"#
            )),
            Ok(Some((800, 450)))
        );
        assert_eq!(
            size(&format!(
                r#"<svg {ns} width="400px" viewBox="0,0,800,450"></svg>"#
            )),
            Ok(Some((400, 225)))
        );
        assert_eq!(
            size(&format!(r#"<svg {ns} width="1in" height="2.54cm"/>"#)),
            Ok(Some((96, 96)))
        );
        assert_eq!(
            size(&format!(r#"<svg {ns} width="1e2" height="50"/>"#)),
            Ok(Some((100, 50)))
        );
        // Relative lengths say nothing about pixels: the viewBox decides.
        assert_eq!(
            size(&format!(
                r#"<svg {ns} width="100%" height="10em" viewBox="0 0 30 20"/>"#
            )),
            Ok(Some((30, 20)))
        );
        assert_eq!(size(&format!(r#"<svg {ns} width="100%"/>"#)), Ok(None));
        assert_eq!(
            size(r#"<s:svg xmlns:s="http://www.w3.org/2000/svg" width="5" height="6"/>"#),
            Ok(Some((5, 6)))
        );
    }

    #[test]
    fn a_file_that_is_not_svg_is_an_error() {
        assert!(
            size("<html><body/></html>")
                .unwrap_err()
                .contains("not `<svg>`")
        );
        assert!(size("").unwrap_err().contains("no root element"));
        assert!(size("<svg width='1'").is_err());
    }

    #[test]
    fn raster_kinds_come_from_the_content() {
        assert_eq!(
            kind_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok(ImageKind::Png)
        );
        assert_eq!(kind_of(b"GIF89a\x01\0\x01\0\0\0\0\0"), Ok(ImageKind::Gif));
        assert!(kind_of(b"%PDF-1.7 and some more bytes").is_err());
    }
}
