//! `kiosque serve` end to end in a real headless Chromium, driven through chromedriver
//! (Debian's `chromium` and `chromium-driver`; `.ci/run` installs them).

mod common;

use std::time::{Duration, Instant};

use common::Site;
use common::browser;
use common::server::Server;
use fantoccini::{Client, Locator};
use serde_json::json;

const AURORE: &str = "content/articles/2026/09/le-navigateur-europeen-aurore-passe-en-1-0.md";
const AURORE_URL: &str = "/2026/09/le-navigateur-europeen-aurore-passe-en-1-0/";

/// Polls `check` every 25 ms until it holds or `limit` passes; returns the time it took.
async fn within<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

async fn article_text(client: &Client) -> String {
    match client.find(Locator::Css("article.article")).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn overlay_text(client: &Client) -> Option<String> {
    let overlay = client
        .find(Locator::Css("#kiosque-error-overlay"))
        .await
        .ok()?;
    overlay.text().await.ok()
}

async fn listening(client: &Client) -> bool {
    client
        .execute(
            "return document.documentElement.dataset.kiosqueLive === '1'",
            vec![],
        )
        .await
        .is_ok_and(|v| v == json!(true))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_article_follows_edits_errors_and_fixes() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let url = server.url(AURORE_URL);
    browser::session(move |client| async move {
        follow_edits(&site, &url, &client).await;
        // The server stops with the test, not before.
        drop(server);
    })
    .await;
}

async fn follow_edits(site: &Site, url: &str, client: &Client) {
    let path = site.root().join(AURORE);
    let original = fs_err::read_to_string(&path).unwrap();

    client.goto(url).await.unwrap();
    assert!(
        article_text(client)
            .await
            .contains("Le navigateur européen Aurore passe en 1.0")
    );
    assert!(
        within(Duration::from_secs(5), || listening(client))
            .await
            .is_some(),
        "the page never opened the live-reload channel"
    );

    // An edit to the Markdown shows up in the open page, without a manual reload.
    let edited = format!("{original}\nUn paragraphe écrit pendant que la page est ouverte.\n");
    fs_err::write(&path, &edited).unwrap();
    let took = within(Duration::from_secs(2), || async {
        article_text(client)
            .await
            .contains("Un paragraphe écrit pendant que la page est ouverte.")
    })
    .await;
    assert!(
        took.is_some(),
        "the edit did not reach the open page within 2 s"
    );

    // Broken front matter: an overlay names the file and line, its text shown as text.
    let broken = edited.replacen(
        "date: 2026-09-22T14:00:00+02:00",
        "date: \"<b>pas une date</b>\"",
        1,
    );
    fs_err::write(&path, &broken).unwrap();
    let shown = within(Duration::from_secs(2), || async {
        overlay_text(client).await.is_some()
    })
    .await;
    assert!(shown.is_some(), "no error overlay");
    let overlay = overlay_text(client).await.unwrap();
    assert!(overlay.contains(&format!("{AURORE}:3:")), "{overlay}");
    assert!(
        overlay.contains("<b>pas une date</b>"),
        "escaped text: {overlay}"
    );
    assert!(
        client
            .find_all(Locator::Css("#kiosque-error-overlay b"))
            .await
            .unwrap()
            .is_empty(),
        "the error's text became markup"
    );
    assert!(
        article_text(client)
            .await
            .contains("Un paragraphe écrit pendant")
    );

    // Fixed: the overlay goes and the page is the fixed one.
    let fixed = format!("{edited}\nEt corrigé.\n");
    fs_err::write(&path, &fixed).unwrap();
    let recovered = within(Duration::from_secs(2), || async {
        overlay_text(client).await.is_none() && article_text(client).await.contains("Et corrigé.")
    })
    .await;
    assert!(recovered.is_some(), "the page did not recover");

    // A stylesheet change applies without reloading the page.
    assert!(
        within(Duration::from_secs(5), || listening(client))
            .await
            .is_some()
    );
    client
        .execute("window.kiosqueSamePage = true; return null", vec![])
        .await
        .unwrap();
    let css = site.root().join("themes/newsroom/static/css/style.css");
    let style = fs_err::read_to_string(&css).unwrap() + "\n.article h1 { color: rgb(1, 2, 3); }\n";
    fs_err::write(&css, style).unwrap();
    let restyled = within(Duration::from_secs(2), || async {
        client
            .execute(
                "return getComputedStyle(document.querySelector('.article h1')).color",
                vec![],
            )
            .await
            .is_ok_and(|color| color == json!("rgb(1, 2, 3)"))
    })
    .await;
    assert!(restyled.is_some(), "the new CSS did not apply");
    let same_page = client
        .execute("return window.kiosqueSamePage === true", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        json!(true),
        "the page was reloaded for a CSS change"
    );
}
