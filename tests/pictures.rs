//! Pictures shown well: the `image` of an entry as a figure, thumbnails on lists,
//! OpenGraph and Twitter card meta on every page, Markdown figures, and every `<img>`
//! with its size from the file's header, decoded asynchronously, lazy below the fold.

mod common;

use common::TestSite;

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbaImage::from_pixel(width, height, image::Rgba([20, 90, 160, 255]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    })
    .write_to(&mut bytes, image::ImageFormat::Jpeg)
    .unwrap();
    bytes.into_inner()
}

const SVG: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><path d="M0 0h8"/></svg>"#;

/// A site under `https://example.org/sub/` with a place and a person that have pictures,
/// and a topic that has none.
fn site() -> TestSite {
    let site = TestSite::with_files(&[
        (
            "site.yaml",
            "title: Dossier T\ndescription: The site's own words\nbase_url: https://example.org/sub/\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\nimage: {src: baku.jpg, alt: \"The bay & the city\", caption: \"Baku <bay>\", credit: \"Photo: A. Person\"}\n---\n\
             The capital ![a flag](flag.png) on the coast.\n\n\
             ![The map](map.svg \"The region\")\n\n\
             More text, and a last ![flag again](flag.png).\n",
        ),
        (
            "content/people/anna.md",
            "---\ntitle: Anna\nkind: person\nimage: {src: ../places/flag.png, decorative: true}\nsummary: A short summary.\n---\nText.\n",
        ),
        (
            "content/topics/plain.md",
            &format!(
                "---\ntitle: Plain\n---\n{}\n\n![First](../places/flag.png) then ![second](../places/flag.png).\n",
                "word ".repeat(120)
            ),
        ),
    ]);
    site.write_bytes("content/places/baku.jpg", &jpeg(320, 200));
    site.write_bytes("content/places/flag.png", &png(30, 20));
    site.write("content/places/map.svg", SVG);
    site
}

/// The `<img …>` tags of `html`.
fn imgs(html: &str) -> Vec<&str> {
    html.match_indices("<img ")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap() + 1])
        .collect()
}

/// The `content` of `<meta property|name="KEY" content="…">`.
fn meta<'h>(html: &'h str, key: &str) -> Option<&'h str> {
    ["property", "name"].iter().find_map(|attr| {
        let needle = format!("<meta {attr}=\"{key}\" content=\"");
        let at = html.find(&needle)? + needle.len();
        Some(&html[at..at + html[at..].find('"')?])
    })
}

#[test]
fn the_entry_image_is_a_figure_with_its_caption_credit_and_size() {
    let site = site();
    site.build().assert_ok();
    let html = site.output("places/baku/index.html");
    let figure = &html[html.find("<figure class=\"entry-image\">").expect(&html)..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    assert!(
        figure.contains(
            "<img src=\"/sub/places/baku.jpg\" alt=\"The bay &amp; the city\" width=\"320\" height=\"200\" decoding=\"async\""
        ),
        "{figure}"
    );
    assert!(!figure.contains("loading=\"lazy\""), "{figure}");
    assert!(
        figure.contains("<span class=\"caption\">Baku &lt;bay&gt;</span>"),
        "{figure}"
    );
    assert!(
        figure.contains("<small class=\"credit\">Photo: A. Person</small>"),
        "{figure}"
    );
}

#[test]
fn a_decorative_image_has_an_empty_alt() {
    let site = site();
    site.build().assert_ok();
    let html = site.output("people/anna/index.html");
    assert!(
        html.contains(
            "<img src=\"/sub/places/flag.png\" alt=\"\" width=\"30\" height=\"20\" decoding=\"async\""
        ),
        "{html}"
    );
}

#[test]
fn every_img_has_the_size_of_its_file_and_all_but_the_first_load_lazily() {
    let site = site();
    site.build().assert_ok();
    let html = site.output("places/baku/index.html");
    let main = &html[html.find("<main").unwrap()..];
    let tags = imgs(main);
    // The figure, then the text's three pictures: PNG, SVG (from its viewBox), PNG.
    assert_eq!(tags.len(), 4, "{tags:#?}");
    assert!(
        tags[1].contains("width=\"30\" height=\"20\""),
        "{}",
        tags[1]
    );
    assert!(
        tags[2].contains("width=\"640\" height=\"360\""),
        "{}",
        tags[2]
    );
    assert!(
        tags[3].contains("width=\"30\" height=\"20\""),
        "{}",
        tags[3]
    );
    for tag in &tags {
        assert!(tag.contains("decoding=\"async\""), "{tag}");
    }
    // Below the entry's own picture, every picture of the text is lazy.
    assert!(!tags[0].contains("loading="), "{}", tags[0]);
    for tag in &tags[1..] {
        assert!(tag.contains("loading=\"lazy\""), "{tag}");
    }

    // Without an entry picture, the text's first picture is the first seen.
    let plain = site.output("topics/plain/index.html");
    let tags = imgs(&plain[plain.find("<main").unwrap()..]);
    assert_eq!(tags.len(), 2, "{tags:#?}");
    assert!(!tags[0].contains("loading="), "{}", tags[0]);
    assert!(tags[1].contains("loading=\"lazy\""), "{}", tags[1]);
}

#[test]
fn a_titled_image_alone_in_its_paragraph_is_a_figure_and_one_in_text_stays_inline() {
    let site = site();
    site.build().assert_ok();
    let html = site.output("places/baku/index.html");
    assert!(
        html.contains(
            "<figure><img src=\"/sub/places/map.svg\" alt=\"The map\" width=\"640\" height=\"360\" decoding=\"async\" loading=\"lazy\"><figcaption>The region</figcaption></figure>"
        ),
        "{html}"
    );
    assert!(!html.contains("<p><figure>"), "{html}");
    assert!(
        html.contains("<p>The capital <img src=\"/sub/places/flag.png\" alt=\"a flag\""),
        "{html}"
    );
}

#[test]
fn raw_img_tags_get_the_attributes_they_lack() {
    let site = site();
    site.write(
        "content/topics/raw.md",
        "---\ntitle: Raw\n---\nText.\n\n<img src=\"../places/flag.png\" alt=\"f\">\n\n<img src=\"../places/flag.png\" alt=\"g\" width=\"60\" loading=\"eager\">\n",
    );
    site.build().assert_ok();
    let html = site.output("topics/raw/index.html");
    assert!(
        html.contains(
            "<img src=\"/sub/places/flag.png\" alt=\"f\" width=\"30\" height=\"20\" decoding=\"async\">"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<img src=\"/sub/places/flag.png\" alt=\"g\" width=\"60\" loading=\"eager\" decoding=\"async\">"
        ),
        "{html}"
    );
}

#[test]
fn cards_show_a_small_lazy_thumbnail() {
    let site = site();
    site.build().assert_ok();
    for page in ["places/index.html", "index.html"] {
        let html = site.output(page);
        assert!(
            html.contains(
                "<img class=\"card-thumb\" src=\"/sub/places/baku.jpg\" alt=\"\" width=\"320\" height=\"200\" loading=\"lazy\" decoding=\"async\">"
            ),
            "{page}: {html}"
        );
    }
    // An entry without a picture has none.
    let topics = site.output("topics/index.html");
    assert!(!topics.contains("card-thumb"), "{topics}");
}

#[test]
fn every_page_has_opengraph_and_twitter_card_meta() {
    let site = site();
    site.build().assert_ok();

    let entry = site.output("places/baku/index.html");
    assert_eq!(meta(&entry, "og:title"), Some("Baku"));
    assert_eq!(meta(&entry, "og:type"), Some("article"));
    assert_eq!(
        meta(&entry, "og:url"),
        Some("https://example.org/sub/places/baku/")
    );
    assert_eq!(meta(&entry, "og:site_name"), Some("Dossier T"));
    assert_eq!(
        meta(&entry, "og:image"),
        Some("https://example.org/sub/places/baku.jpg")
    );
    assert_eq!(meta(&entry, "og:image:width"), Some("320"));
    assert_eq!(meta(&entry, "og:image:alt"), Some("The bay &amp; the city"));
    assert_eq!(meta(&entry, "twitter:card"), Some("summary_large_image"));
    // No summary: the first paragraph.
    let description = meta(&entry, "og:description").unwrap();
    assert!(description.starts_with("The capital"), "{description}");

    // A summary is the description; a decorative picture has no alt.
    let anna = site.output("people/anna/index.html");
    assert_eq!(meta(&anna, "og:description"), Some("A short summary."));
    assert_eq!(meta(&anna, "og:image:alt"), None);

    // A long text is cut at a word near 200 characters.
    let plain = site.output("topics/plain/index.html");
    let description = meta(&plain, "og:description").unwrap();
    assert!(description.ends_with("word…"), "{description}");
    assert!(description.chars().count() <= 200, "{description}");
    assert_eq!(meta(&plain, "twitter:card"), Some("summary"));
    assert_eq!(meta(&plain, "og:image"), None);

    for (page, url, title) in [
        (
            "places/index.html",
            "https://example.org/sub/places/",
            "Places",
        ),
        ("index.html", "https://example.org/sub/", "Dossier T"),
    ] {
        let html = site.output(page);
        assert_eq!(meta(&html, "og:type"), Some("website"), "{page}");
        assert_eq!(meta(&html, "og:url"), Some(url), "{page}");
        assert_eq!(meta(&html, "og:title"), Some(title), "{page}");
        assert_eq!(meta(&html, "og:site_name"), Some("Dossier T"), "{page}");
        assert_eq!(meta(&html, "twitter:card"), Some("summary"), "{page}");
        assert_eq!(
            meta(&html, "og:description"),
            Some("The site&#39;s own words"),
            "{page}"
        );
    }
}

#[test]
fn a_damaged_picture_is_an_error_at_its_reference() {
    let site = site();
    site.write_bytes("content/places/flag.png", b"\x89PNG\r\n\x1a\nnot really");
    site.build()
        .assert_code(1)
        .assert_reports("error: content/places/baku.md:6:13: ")
        .assert_reports("error: content/people/anna.md:4:14: ");
}

#[test]
fn a_static_picture_and_an_external_one_are_shown_as_they_can_be() {
    let site = site();
    site.write_bytes("static/img/logo.png", &png(12, 8));
    site.write(
        "content/topics/logo.md",
        "---\ntitle: Logo\n---\n![Logo](/img/logo.png) ![Far](https://example.net/x.png)\n",
    );
    site.build().assert_ok();
    let html = site.output("topics/logo/index.html");
    assert!(
        html.contains(
            "<img src=\"/sub/img/logo.png\" alt=\"Logo\" width=\"12\" height=\"8\" decoding=\"async\">"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<img src=\"https://example.net/x.png\" alt=\"Far\" decoding=\"async\" loading=\"lazy\">"
        ),
        "{html}"
    );
}

/// A one-colour GIF (the `image` crate is built without its GIF codec).
fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend([0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    bytes.extend([0x2c, 0, 0, 0, 0]);
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend([0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    bytes
}

/// A site under a sub-path whose pictures are larger than some of its `widths`: a JPEG
/// with spaces and a non-ASCII letter in its name (the entry's image, in the text and in
/// raw HTML), a static PNG, and a GIF and an SVG that are passed through.
fn variant_site(widths: &str) -> TestSite {
    let site = TestSite::with_files(&[
        (
            "site.yaml",
            &format!("title: T\nbase_url: https://example.org/sub/\nimages:\n  widths: {widths}\n"),
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\nimage: {src: bay é.jpg, alt: The bay}\n---\n\
             The bay ![the bay](bay%20é.jpg) and <img src=\"bay é.jpg\" alt=\"raw\">.\n\n\
             ![Wide](/img/wide.png \"A wide picture\")\n\n\
             ![moving](moving.gif) ![map](map.svg)\n",
        ),
    ]);
    site.write_bytes("content/places/bay é.jpg", &jpeg(640, 400));
    site.write_bytes("static/img/wide.png", &png(500, 100));
    site.write_bytes("content/places/moving.gif", &gif(300, 200));
    site.write("content/places/map.svg", SVG);
    site
}

/// Each `srcset` of `html`: its candidates as (URL, width), the URL as the browser reads
/// it (character references decoded).
fn srcsets(html: &str) -> Vec<Vec<(String, u32)>> {
    html.match_indices(" srcset=\"")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            value
                .replace("&#x2F;", "/")
                .replace("&amp;", "&")
                .split(", ")
                .map(|candidate| {
                    let (url, w) = candidate.rsplit_once(' ').unwrap();
                    let w = w.strip_suffix('w').unwrap().parse().unwrap();
                    (url.to_string(), w)
                })
                .collect()
        })
        .collect()
}

/// The output file a URL of the site names: the base path off, percent-escapes decoded.
fn output_file(url: &str) -> String {
    let path = url.strip_prefix("/sub/").unwrap_or(url);
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// The variant files of an output (`…-NNw.HASH.ext`).
fn variant_files(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<&String> {
    files
        .keys()
        .filter(|k| {
            let name = k.rsplit('/').next().unwrap();
            name.rsplit_once('-').is_some_and(|(_, tail)| {
                tail.split_once("w.")
                    .is_some_and(|(w, _)| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
            })
        })
        .collect()
}

#[test]
fn every_srcset_url_is_a_file_of_the_output_at_the_width_it_claims() {
    let site = variant_site("[100, 200, 1000]");
    site.build().assert_ok();
    let files = site.output_files();
    let mut seen = 0;
    for (rel, bytes) in files.iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let html = std::str::from_utf8(bytes).unwrap();
        for set in srcsets(html) {
            for (url, width) in set {
                let file = output_file(&url);
                let bytes = files
                    .get(&file)
                    .unwrap_or_else(|| panic!("{rel}: `{url}` is no file of the output"));
                let size = imagesize::blob_size(bytes).unwrap();
                assert_eq!(size.width as u32, width, "{rel}: {url}");
                seen += 1;
            }
        }
        // Every picture with a srcset says how wide it is shown.
        for img in imgs(html) {
            assert_eq!(
                img.contains(" srcset="),
                img.contains(" sizes="),
                "{rel}: {img}"
            );
        }
    }
    assert!(seen > 0, "some srcset was walked");

    // Each variant is there once; the originals are kept.
    let variants = variant_files(&files);
    let names: Vec<&str> = variants.iter().map(|v| v.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for (prefix, count) in [("places/bay é-", 2), ("img/wide-", 2)] {
        assert_eq!(
            names.iter().filter(|n| n.starts_with(prefix)).count(),
            count,
            "{names:?}"
        );
    }
    assert!(files.contains_key("places/bay é.jpg"));
    assert!(files.contains_key("img/wide.png"));

    let page = site.output("places/baku/index.html");
    let tags = imgs(&page);
    let with_set: Vec<&&str> = tags.iter().filter(|t| t.contains(" srcset=")).collect();
    // The figure, the text, the raw tag, the static PNG: four; the GIF and SVG none.
    assert_eq!(with_set.len(), 4, "{tags:#?}");
    for passed in ["moving.gif", "map.svg"] {
        let tag = tags.iter().find(|t| t.contains(passed)).unwrap();
        assert!(!tag.contains("srcset"), "{tag}");
    }
    assert_eq!(
        files["places/moving.gif"],
        gif(300, 200),
        "a GIF is copied as it is"
    );
    assert_eq!(
        files["places/map.svg"],
        SVG.as_bytes(),
        "an SVG is copied as it is"
    );
    // The figure links to the original.
    assert!(
        page.contains("<a class=\"original\" href=\"/sub/places/bay%20%C3%A9.jpg\"><img"),
        "{page}"
    );
    // The card's thumbnail is shown 76.5 CSS pixels high, so 640 × 400 is 123 wide.
    let kind_page = site.output("places/index.html");
    let thumb = imgs(&kind_page)
        .into_iter()
        .find(|t| t.contains("card-thumb"))
        .unwrap();
    assert!(
        thumb.contains(" srcset=") && thumb.contains(" sizes=\"123px\""),
        "{thumb}"
    );
}

#[test]
fn a_second_build_resizes_nothing() {
    let site = variant_site("[100, 200]");
    site.build().assert_ok();
    let cache = site.path(".dossier-cache/images");
    let stamps = || -> std::collections::BTreeMap<String, std::time::SystemTime> {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect()
    };
    let before = stamps();
    let entries = before.keys().filter(|k| !k.ends_with(".index")).count();
    assert_eq!(entries, 4, "one cache entry a variant: {before:?}");
    let output = site.output_files();
    site.build().assert_ok();
    assert_eq!(stamps(), before, "no cache entry was written again");
    assert_eq!(site.output_files(), output);

    // The cache deleted: the same variants, made again.
    std::fs::remove_dir_all(&cache).unwrap();
    site.build().assert_ok();
    assert_eq!(site.output_files(), output);
}

#[test]
fn widths_off_give_no_srcset_and_no_variants() {
    for off in ["[0]", "0", "[]"] {
        let site = variant_site(off);
        site.build().assert_ok();
        let files = site.output_files();
        assert!(variant_files(&files).is_empty(), "{off}");
        for (rel, bytes) in files.iter().filter(|(rel, _)| rel.ends_with(".html")) {
            let html = std::str::from_utf8(bytes).unwrap();
            assert!(!html.contains("srcset"), "{off}: {rel}");
        }
        assert!(!site.path(".dossier-cache").exists(), "{off}");
    }
}

/// The relations picture of `html`, from `<svg class="relations"` to its `</svg>`.
fn relations(html: &str) -> &str {
    let start = html
        .find("<svg class=\"relations\"")
        .expect("a relations picture");
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    &html[start..end]
}

#[test]
fn the_relations_picture_shows_each_entrys_picture_as_a_round_thumbnail() {
    let site = TestSite::with_files(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/sub/\nimages:\n  widths: [100, 200]\n",
        ),
        (
            "content/places/baku.md",
            "---\ntitle: Baku\nkind: place\nimage: {src: bay é.jpg, alt: The bay}\n---\nSee [Anna](../people/anna.md) and [Plain](../topics/plain.md).\n",
        ),
        (
            "content/people/anna.md",
            "---\ntitle: Anna\nkind: person\nimage: {src: portrait.png, alt: Anna}\n---\nFrom [Baku](../places/baku.md).\n",
        ),
        (
            "content/topics/plain.md",
            "---\ntitle: Plain\n---\nNo picture; see [Anna](../people/anna.md).\n",
        ),
    ]);
    site.write_bytes("content/places/bay é.jpg", &jpeg(640, 400));
    // No wider than the narrowest width: no variants, the original is shown.
    site.write_bytes("content/people/anna.png", &png(1, 1));
    site.write_bytes("content/people/portrait.png", &png(60, 80));
    site.build().assert_ok();
    let files = site.output_files();

    // Anna's picture: Baku's smallest variant beside his link, Anna's own original in
    // the middle, Plain a plain node.
    let anna = site.output("people/anna/index.html");
    let svg = relations(&anna);
    let thumbs: Vec<&str> = svg
        .match_indices("<image class=\"thumb\" href=\"")
        .map(|(at, m)| {
            let rest = &svg[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(thumbs.len(), 2, "{svg}");
    assert!(
        thumbs[0].starts_with("/sub/places/bay%20%C3%A9-100w."),
        "the smallest variant: {thumbs:?}"
    );
    assert_eq!(thumbs[1], "/sub/people/portrait.png", "{thumbs:?}");
    for url in &thumbs {
        assert!(
            files.contains_key(&output_file(url)),
            "{url} is a file of the output"
        );
    }
    // One round clip for all, each picture hidden from assistive technology inside the
    // link whose title names the entry; the plain node stays small.
    assert_eq!(svg.matches("<clipPath id=\"relations-round\"").count(), 1);
    assert_eq!(
        svg.matches("clip-path=\"url(#relations-round)\" aria-hidden=\"true\"/>")
            .count(),
        2,
        "{svg}"
    );
    let baku_link = &svg[svg.find("<a href=\"/sub/places/baku/\">").expect(svg)..];
    let baku_link = &baku_link[..baku_link.find("</a>").unwrap()];
    assert!(baku_link.contains("<title>Baku (place,"), "{baku_link}");
    assert!(baku_link.contains("<image class=\"thumb\""), "{baku_link}");
    let plain_link = &svg[svg.find("<a href=\"/sub/topics/plain/\">").expect(svg)..];
    let plain_link = &plain_link[..plain_link.find("</a>").unwrap()];
    assert!(!plain_link.contains("<image"), "{plain_link}");
    assert!(plain_link.contains("r=\"7\""), "{plain_link}");

    // A page whose neighbourhood has no picture has no clip either.
    let files_without: Vec<&String> = files
        .keys()
        .filter(|k| k.ends_with("index.html"))
        .filter(|k| {
            let html = std::str::from_utf8(&files[*k]).unwrap();
            html.contains("<svg class=\"relations\"") && !relations(html).contains("<image")
        })
        .collect();
    for page in files_without {
        let html = std::str::from_utf8(&files[page]).unwrap();
        assert!(!relations(html).contains("clipPath"), "{page}");
    }
}

/// Sets the modification time of `path` an hour back, as a file left alone for a while.
fn settle(path: &std::path::Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
}

/// Writes `bytes` into `path` and gives it the modification time `time`.
fn write_at(path: &std::path::Path, bytes: &[u8], time: std::time::SystemTime) {
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn an_original_with_its_length_and_time_unchanged_is_not_copied_again() {
    let site = variant_site("[100]");
    let source = site.path("content/places/bay é.jpg");
    settle(&source);
    let source_time = std::fs::metadata(&source).unwrap().modified().unwrap();
    let original = std::fs::read(&source).unwrap();
    let copy = site.path("public/places/bay é.jpg");
    // A build starts from the output the one before it replaced (see README, Output).
    let kept = site.path(".public.dossier-previous/places/bay é.jpg");
    site.build().assert_ok();
    site.build().assert_ok();
    assert_eq!(
        std::fs::metadata(&copy).unwrap().modified().unwrap(),
        source_time,
        "a copy of a settled file has its time"
    );
    assert_eq!(std::fs::read(&copy).unwrap(), original);

    // A kept copy changed behind Dossier's back, length and time kept: not read, so it
    // stays.
    let mut marked = original.clone();
    marked[original.len() / 2] ^= 0xff;
    write_at(&kept, &marked, source_time);
    site.build().assert_ok();
    assert_eq!(std::fs::read(&copy).unwrap(), marked, "left alone");

    // The source edited (same length, a new time): copied again. Written just now, so
    // not settled: the copy does not take its time.
    let mut edited = original.clone();
    edited[original.len() - 3] ^= 0x01;
    std::fs::write(&source, &edited).unwrap();
    site.build().assert_ok();
    assert_eq!(std::fs::read(&copy).unwrap(), edited);
    let epoch = std::time::SystemTime::UNIX_EPOCH;
    assert_eq!(std::fs::metadata(&copy).unwrap().modified().unwrap(), epoch);

    // The next build but one starts from that copy: it is copied again rather than
    // trusted by a time two writes may share.
    site.build().assert_ok();
    write_at(&kept, &marked, epoch);
    site.build().assert_ok();
    assert_eq!(std::fs::read(&copy).unwrap(), edited, "copied again");
}
