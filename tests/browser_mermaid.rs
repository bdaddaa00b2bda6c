//! Mermaid diagrams drawn in a real headless Chromium by the site's own copy of Mermaid,
//! loaded only on the pages that have one.

mod common;

use std::path::PathBuf;

use common::TestSite;
use common::browser::{Browser, serve_dir};
use fantoccini::Locator;

/// Mermaid's built file, which `.ci/run` takes from the npm package into
/// `$DOSSIER_TOOLS/mermaid/` (it is never committed).
fn mermaid_js() -> Vec<u8> {
    let tools = std::env::var_os("DOSSIER_TOOLS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools"),
        PathBuf::from,
    );
    let path = tools.join("mermaid/mermaid.min.js");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (`.ci/run` puts the npm package mermaid's dist/mermaid.min.js there)",
            path.display()
        )
    })
}

/// The URLs of the scripts the open page loaded.
const SCRIPTS: &str = "return performance.getEntriesByType('resource') \
    .filter(r => r.initiatorType === 'script').map(r => r.name);";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn a_mermaid_block_is_drawn_as_svg_and_other_pages_load_no_mermaid() {
    let site = TestSite::fixture("highlight");
    site.write_bytes("static/mermaid.min.js", &mermaid_js());
    site.build().assert_ok();
    let port = serve_dir(&site.path("public"), "/");
    let browser = Browser::start().await;
    let c = &browser.client;

    c.goto(&format!("http://127.0.0.1:{port}/diagram/"))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("pre.mermaid svg"))
        .await
        .expect("the diagram drawn as an SVG");
    let text = c
        .execute(
            "return document.querySelector('pre.mermaid svg').textContent;",
            vec![],
        )
        .await
        .unwrap();
    let text = text.as_str().expect("the diagram's text");
    for label in ["Markdown", "is a < b?", "HTML & pages", "yes"] {
        assert!(text.contains(label), "no `{label}` in the diagram: {text}");
    }
    let scripts: Vec<String> =
        serde_json::from_value(c.execute(SCRIPTS, vec![]).await.unwrap()).unwrap();
    assert!(
        scripts
            .iter()
            .all(|s| s.starts_with(&format!("http://127.0.0.1:{port}/"))),
        "a script from another host: {scripts:?}"
    );
    assert!(
        scripts.iter().any(|s| s.ends_with("/mermaid.min.js")),
        "{scripts:?}"
    );

    for page in ["plain/", "code/"] {
        c.goto(&format!("http://127.0.0.1:{port}/{page}"))
            .await
            .unwrap();
        let scripts: Vec<String> =
            serde_json::from_value(c.execute(SCRIPTS, vec![]).await.unwrap()).unwrap();
        assert!(
            !scripts.iter().any(|s| s.contains("mermaid")),
            "{page} loads {scripts:?}"
        );
        assert!(
            c.find(Locator::Css("pre.mermaid")).await.is_err(),
            "{page} has a diagram"
        );
    }
}
