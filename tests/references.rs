//! Every local reference of a site with files beside its entries, in sub-folders, in
//! `static/`, with spaces and non-ASCII names, served under a sub-path, leads to a file
//! of the output.

mod common;

use common::TestSite;

/// A PNG of one pixel, made here rather than committed (whole: pages are given the size
/// of every picture they show, and a damaged one is an error).
fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbaImage::new(1, 1)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

fn site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "---\ntitle: Home\n---\n## Welcome\n\n![Map](maps/region.png) [notes](notes/)\n",
        ),
        (
            "content/notes/_index.md",
            "---\ntitle: Notes\n---\n![](y.png) [scan](../Ünï Folder/a%20b.pdf)\n",
        ),
        (
            "content/notes/p.md",
            "---\ntitle: P\nimage: {src: my photo é.png, alt: A photo}\n---\n## Intro\n\n\
             ![](y.png) ![a](my%20photo%20é.png) ![](<my photo é.png>) ![](deep/z.png)\n\
             ![](/images/x.png) ![](../maps/region.png) ![[z.png]]\n\
             [pdf](../Ünï%20Folder/a%20b.pdf) [sec](./) [home](/#welcome) [me](#intro)\n\n\
             Raw <img src=\"deep/z.png\" alt=\"z\"> and <img src='/images/x.png' alt=x>.\n",
        ),
        (
            "content/notes/deep/q.md",
            "---\ntitle: Q\n---\n![](z.png) ![](../y.png) [up](../p.md#intro) [pdf](/Ünï Folder/a b.pdf)\n",
        ),
    ]);
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/sub/\n",
    );
    for file in [
        "content/notes/y.png",
        "content/notes/my photo é.png",
        "content/notes/deep/z.png",
        "content/maps/region.png",
        "static/images/x.png",
    ] {
        site.write_bytes(file, &png());
    }
    site.write_bytes("content/Ünï Folder/a b.pdf", b"%PDF-1.4\n");
    site
}

/// The values of `attr="…"` in `html`.
fn attribute_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// `%C3%A9` → `é`, as a server maps a URL path to a file.
fn percent_decoded(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .expect("UTF-8")
        .into_owned()
}

#[test]
fn every_img_src_and_local_href_leads_to_a_file_of_the_output() {
    let site = site();
    site.build().assert_ok();
    let files = site.output_files();
    let mut checked = 0;
    let mut images = 0;
    for (name, bytes) in &files {
        if !name.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let srcs = attribute_values(&html, "src");
        images += srcs.len();
        for url in srcs.into_iter().chain(attribute_values(&html, "href")) {
            let url = url.replace("&amp;", "&");
            if url.starts_with("https://") || url.starts_with("http://") || url.starts_with('#') {
                continue;
            }
            let path = url.split('#').next().unwrap_or("");
            assert!(
                path.starts_with("/sub/"),
                "{name}: `{url}` is not under the base path"
            );
            let file = percent_decoded(path);
            let file = file.strip_prefix("/sub/").unwrap_or(&file);
            let file = if file.is_empty() || file.ends_with('/') {
                format!("{file}index.html")
            } else {
                file.to_string()
            };
            assert!(
                files.contains_key(&file),
                "{name}: `{url}` leads to `{file}`, which the output does not have"
            );
            checked += 1;
        }
    }
    assert!(images >= 14, "only {images} images");
    assert!(checked > 40, "only {checked} references");
    let p = site.output("notes/p/index.html");
    assert!(
        p.contains("src=\"/sub/notes/my%20photo%20%C3%A9.png\""),
        "{p}"
    );
    assert!(p.contains("href=\"/sub/uni-folder/a%20b.pdf\""), "{p}");
}

#[test]
fn the_front_matter_image_is_resolved_for_templates() {
    let site = site();
    site.write(
        "themes/default/templates/entry.html",
        "{% if entry.image %}IMAGE {{ entry.image.url }} {{ entry.image.alt }}{% endif %}",
    );
    site.build().assert_ok();
    assert_eq!(
        site.output("notes/p/index.html"),
        "IMAGE /sub/notes/my%20photo%20%C3%A9.png A photo"
    );
    assert_eq!(site.output("notes/deep/q/index.html"), "");
}
