//! Live reload in a real headless Chromium, against `dossier serve`.

mod common;

use std::time::{Duration, Instant};

use common::TestSite;
use common::browser::Browser;
use common::server::Server;
use fantoccini::{Client, Locator};

/// Polls `check` until it holds (at most 20 s).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for an element to be on the page. A look that meets the page reloading (the
/// driver answers "aborted by navigation") counts as not yet.
async fn appears(c: &Client, what: &str, locator: Locator<'_>) -> fantoccini::elements::Element {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(found) = c.find(locator).await {
            return found;
        }
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn pages_follow_edits_css_swaps_in_place_and_errors_show_an_overlay() {
    let site = TestSite::fixture("graph");
    site.write(
        "static/style.css",
        "body { background-color: rgb(255, 255, 255); }\n",
    );
    let server = Server::start(site.root());
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/places/road/")).await.unwrap();
    // The page is connected once its EventSource is open.
    eventually("the event stream opens", || async {
        js(c, "return window.__dossierLive === true").await == serde_json::json!(true)
    })
    .await;

    // An edit to the entry shows without a manual reload.
    let text = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write(
        "content/places/road.md",
        &text.replace("Old.", "Older than anyone remembers."),
    );
    appears(
        c,
        "the new text appears",
        Locator::XPath("//p[contains(., 'Older than anyone remembers.')]"),
    )
    .await;

    // A stylesheet edit is swapped in place: the page keeps its state.
    js(c, "window.__kept = 42; return null").await;
    site.write(
        "static/style.css",
        "body { background-color: rgb(0, 128, 0); }\n",
    );
    eventually("the new style applies", || async {
        js(c, "return getComputedStyle(document.body).backgroundColor").await
            == serde_json::json!("rgb(0, 128, 0)")
    })
    .await;
    assert_eq!(
        js(c, "return window.__kept").await,
        serde_json::json!(42),
        "no reload"
    );

    // Broken front matter: an overlay names the file and line.
    site.write("content/places/road.md", "---\ntitle: [broken\n---\n");
    let overlay = appears(
        c,
        "the overlay appears",
        Locator::Id("dossier-error-overlay"),
    )
    .await;
    let shown = overlay.text().await.unwrap();
    assert!(shown.contains("content/places/road.md:3:1"), "{shown}");
    assert!(shown.contains("YAML syntax error"), "{shown}");

    // Fixed: the overlay goes.
    site.write("content/places/road.md", &text);
    eventually("the overlay goes", || async {
        c.find(Locator::Id("dossier-error-overlay")).await.is_err()
    })
    .await;
    appears(
        c,
        "the page shows the fixed entry",
        Locator::XPath("//p[text()='Old.']"),
    )
    .await;
    browser.client.clone().close().await.unwrap();
}
