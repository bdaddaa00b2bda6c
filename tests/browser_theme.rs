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
