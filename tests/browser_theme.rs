//! The theme in a real headless Chromium, at a phone's width.

mod common;

use common::TestSite;
use common::browser::{Browser, serve_dir};
use fantoccini::Locator;

/// `[scrollLeft, the scrollLeft that shows the centre]` of the first `.picture`.
const SCROLL: &str = "const p = document.querySelector('.picture'); \
    return [p.scrollLeft, (p.scrollWidth - p.clientWidth) / 2];";

fn pair(value: serde_json::Value) -> (f64, f64) {
    let v: Vec<f64> = serde_json::from_value(value).expect("two numbers");
    (v[0], v[1])
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn wide_pictures_open_at_their_centre_on_a_phone() {
    let site = TestSite::fixture("graph");
    site.build().assert_ok();
    let port = serve_dir(&site.path("public"), "/dossier/");
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 800).await.unwrap();

    for page in ["people/anna/", "graph/"] {
        c.goto(&format!("http://127.0.0.1:{port}/dossier/{page}"))
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Css(".picture svg"))
            .await
            .expect("a picture");
        let (left, centre) = pair(c.execute(SCROLL, vec![]).await.unwrap());
        assert!(centre > 20.0, "{page}: the picture is wider than a phone");
        assert!(
            (left - centre).abs() <= 2.0,
            "{page}: at {left}, not {centre}"
        );

        // Browsers without `scroll-initial-target` get the same from picture.js.
        let fallback = "const done = arguments[arguments.length - 1]; \
            const p = document.querySelector('.picture'); p.scrollLeft = 0; \
            CSS.supports = () => false; \
            const s = document.createElement('script'); \
            s.src = document.querySelector('script[src$=\"picture.js\"]').src + '?again'; \
            s.onload = () => done([p.scrollLeft, (p.scrollWidth - p.clientWidth) / 2]); \
            document.body.append(s);";
        let (left, centre) = pair(c.execute_async(fallback, vec![]).await.unwrap());
        assert!(
            (left - centre).abs() <= 2.0,
            "{page}: the script scrolled to {left}, not {centre}"
        );
    }
}

/// The boxes `[left, top, right, bottom]` of the labels of the picture `arguments[0]`
/// (`svg.tag-graph`), in the picture's units, and the picture's width and height.
const LABELS: &str = "const svg = document.querySelector(arguments[0]); \
    const boxes = [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox(); \
    return [b.x, b.y, b.x + b.width, b.y + b.height]; }); \
    return [boxes, svg.viewBox.baseVal.width, svg.viewBox.baseVal.height];";

/// Asserts that the labels of the picture `selector` on the open page stay inside it and
/// do not overlap; returns how many there are.
async fn assert_labels_apart(c: &fantoccini::Client, selector: &str, what: &str) -> usize {
    let found = c
        .execute(LABELS, vec![serde_json::json!(selector)])
        .await
        .unwrap();
    let (boxes, w, h): (Vec<[f64; 4]>, f64, f64) = serde_json::from_value(found).unwrap();
    for (i, a) in boxes.iter().enumerate() {
        assert!(
            a[0] >= 0.0 && a[1] >= 0.0 && a[2] <= w && a[3] <= h,
            "{what}: label {i} {a:?} leaves the {w}x{h} picture"
        );
        for b in &boxes[i + 1..] {
            let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
            assert!(apart, "{what}: labels {a:?} and {b:?} overlap");
        }
    }
    boxes.len()
}

/// The bundled dossier, built into a temporary folder and served at `/`.
fn bundled_dossier() -> (tempfile::TempDir, u16) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    common::dossier(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["--quiet", "build", "--output", public.to_str().unwrap()],
    )
    .assert_ok();
    let port = serve_dir(&public, "/");
    (out, port)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn the_tag_graph_of_the_bundled_dossier_has_no_overlapping_labels() {
    let (_out, port) = bundled_dossier();
    let browser = Browser::start().await;
    let c = &browser.client;
    for (width, height) in [(1280, 900), (390, 800)] {
        c.set_window_size(width, height).await.unwrap();
        c.goto(&format!("http://127.0.0.1:{port}/graph/"))
            .await
            .unwrap();
        let labels = assert_labels_apart(c, "svg.tag-graph", &format!("at {width} px")).await;
        assert!(labels >= 10, "{labels} labels");
    }
}

/// The pages (`places/baku/`) of the built site in `public` whose HTML holds `marker`.
fn pages_with(public: &std::path::Path, marker: &str) -> Vec<String> {
    common::files_of(public)
        .into_iter()
        .filter(|(rel, bytes)| {
            rel.ends_with("/index.html") && String::from_utf8_lossy(bytes).contains(marker)
        })
        .map(|(rel, _)| rel.trim_end_matches("index.html").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn the_relation_pictures_of_the_bundled_dossier_have_no_overlapping_labels() {
    let (out, port) = bundled_dossier();
    let pages = pages_with(&out.path().join("public"), "<svg class=\"relations\"");
    assert!(pages.len() >= 30, "{} entry pictures", pages.len());
    let browser = Browser::start().await;
    let c = &browser.client;
    for page in &pages {
        c.goto(&format!("http://127.0.0.1:{port}/{page}"))
            .await
            .unwrap();
        assert_labels_apart(c, "svg.relations", page).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn the_maps_of_the_bundled_dossier_have_no_overlapping_labels() {
    let (out, port) = bundled_dossier();
    let pages = pages_with(&out.path().join("public"), "<svg class=\"map\"");
    assert!(pages.contains(&"map/".to_string()), "{pages:?}");
    assert!(pages.len() >= 8, "{} maps", pages.len());
    let browser = Browser::start().await;
    let c = &browser.client;
    for page in &pages {
        c.goto(&format!("http://127.0.0.1:{port}/{page}"))
            .await
            .unwrap();
        assert_labels_apart(c, "svg.map", page).await;
    }
}
