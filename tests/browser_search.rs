//! The search box in a real headless Chromium: type a query, see the right entry, follow it.

mod common;

use common::TestSite;
use common::browser::{Browser, serve_dir};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn the_search_box_finds_an_entry_and_follows_it() {
    let site = TestSite::fixture("graph");
    site.build().assert_ok();
    let port = serve_dir(&site.path("public"), "/dossier/");
    let browser = Browser::start().await;
    let c = &browser.client;

    c.goto(&format!("http://127.0.0.1:{port}/dossier/"))
        .await
        .unwrap();
    let input = c.find(Locator::Id("site-search-q")).await.unwrap();
    // By alias: "A. Petrova" is Anna's other name.
    input.send_keys("petrova").await.unwrap();
    let hit = c
        .wait()
        .for_element(Locator::XPath(
            "//div[@id='site-search-results']//a[text()='Anna Petrova']",
        ))
        .await
        .expect("the entry appears under the box");
    let results = c
        .find(Locator::Id("site-search-results"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Anna by her alias; Road by its text, which names her, so lower.
    assert!(
        results.starts_with("2 entries match “petrova”\nAnna Petrova"),
        "{results}"
    );
    hit.click().await.unwrap();
    c.wait()
        .for_url(
            &url::Url::parse(&format!("http://127.0.0.1:{port}/dossier/people/anna/")).unwrap(),
        )
        .await
        .expect("following the result opens the entry");
    let title = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "Anna Petrova");

    // The search page reads the query from the URL; tags and text match too.
    c.goto(&format!("http://127.0.0.1:{port}/dossier/search/?q=medium"))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#search-page-results .search-results"))
        .await
        .unwrap();
    let found: Vec<String> = {
        let mut titles = Vec::new();
        for a in c
            .find_all(Locator::Css("#search-page-results .search-results a"))
            .await
            .unwrap()
        {
            titles.push(a.text().await.unwrap());
        }
        titles
    };
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.contains(&"Road".to_string()) && found.contains(&"Meeting".to_string()));

    c.goto(&format!(
        "http://127.0.0.1:{port}/dossier/search/?q=humanitarian%20cargo"
    ))
    .await
    .unwrap();
    let first = c
        .wait()
        .for_element(Locator::Css("#search-page-results .search-results a"))
        .await
        .unwrap();
    assert_eq!(
        first.text().await.unwrap(),
        "Road",
        "found by the text of its body"
    );
    browser.client.clone().close().await.unwrap();
}
