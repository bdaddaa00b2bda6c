//! The timeline's filters in a real headless Chromium (issue 16 point 4): the script turns
//! the filter links into toggles that hide the other items in place, keeps the choice in
//! the address, and reads it back from there.

mod common;

use common::browser::{Browser, serve_dir};
use common::entities::fixture;
use fantoccini::{Client, Locator};

/// The titles of the items of the timeline that are shown, and of its years.
async fn shown(c: &Client) -> (Vec<String>, Vec<String>) {
    let value = c
        .execute(
            "const visible = (sel) => Array.from(document.querySelectorAll(sel)).filter((e) => !e.hidden && !e.closest('[hidden]'));
             return [visible('[data-timeline] li[data-kind]').map((li) => li.querySelector('.card-title').textContent),
                     visible('[data-timeline] section.year').map((s) => s.querySelector('h2').textContent)];",
            vec![],
        )
        .await
        .unwrap();
    let lists: Vec<Vec<String>> = serde_json::from_value(value).unwrap();
    (lists[0].clone(), lists[1].clone())
}

async fn chip(c: &Client, value: &str) -> fantoccini::elements::Element {
    c.wait()
        .for_element(Locator::Css(&format!(
            "#timeline-filters button.filter-chip[data-value='{value}']"
        )))
        .await
        .unwrap_or_else(|_| panic!("a toggle for {value}"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium"]
async fn the_timeline_filters_in_place_and_keeps_the_filter_in_the_address() {
    let site = fixture();
    site.build().assert_ok();
    let port = serve_dir(&site.path("public"), "/");
    let browser = Browser::start().await;
    let c = &browser.client;
    let timeline = format!("http://127.0.0.1:{port}/timeline/");
    c.goto(&timeline).await.unwrap();

    let events = chip(c, "event").await;
    let every = vec![
        "Ann on the bridge".to_string(),
        "The great storm".into(),
        "Ann on the harbour".into(),
        "Opening of the pier".into(),
    ];
    assert_eq!(shown(c).await.0, every);

    events.click().await.unwrap();
    assert_eq!(
        events.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        shown(c).await,
        (
            vec!["The great storm".to_string(), "Opening of the pier".into()],
            vec!["2021".to_string(), "2022".into()]
        )
    );
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/timeline/?kind=event")
    );

    // Kind and tag together: both must hold.
    chip(c, "roads").await.click().await.unwrap();
    assert_eq!(shown(c).await.0, ["Opening of the pier"]);
    let status = c.find(Locator::Id("timeline-shown")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "1 of 4 entries shown");

    // The address gives the filter to whoever opens it.
    c.goto(&format!("{timeline}?tag=roads")).await.unwrap();
    let roads = chip(c, "roads").await;
    assert_eq!(
        roads.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        shown(c).await.0,
        ["Ann on the bridge", "Opening of the pier"]
    );

    // "Every dated entry" clears it.
    c.find(Locator::Css("#timeline-filters .filter-all a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(shown(c).await.0, every);
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/timeline/")
    );

    // Without the script the links lead to the pre-rendered pages.
    c.goto(&format!("http://127.0.0.1:{port}/timeline/tag/roads/"))
        .await
        .unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Timeline: roads");
    browser.client.clone().close().await.unwrap();
}
