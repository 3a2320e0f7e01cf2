//! The example newsroom builds, and what a reader sees holds together.

mod common;

use common::{Site, hrefs, resolve, sel, texts};

#[test]
fn every_published_article_has_a_page_with_both_sidebars() {
    let site = Site::example();
    let run = site.build();
    assert!(
        run.stdout.contains("Built "),
        "no summary line: {}",
        run.stdout
    );

    let articles: Vec<_> = walkdir::WalkDir::new(site.root().join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| fs_err::read_to_string(e.path()).unwrap())
        .collect();
    let published = articles
        .iter()
        .filter(|a| !a.contains("\ndraft: true"))
        .count();
    assert!(
        published >= 15,
        "the example site needs at least 15 articles, has {published}"
    );

    let article_pages: Vec<_> = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("20") && f.ends_with("/index.html"))
        .collect();
    assert_eq!(article_pages.len(), published);

    for page in &article_pages {
        let html = site.page(page);
        assert_eq!(
            texts(&html, "article.article h1").len(),
            1,
            "{page}: one headline"
        );
        let picks = hrefs(&html, "aside.editor-picks a");
        let recent = hrefs(&html, "aside.recent a");
        let related = hrefs(&html, "aside.related a");
        assert!(!related.is_empty(), "{page}: related articles sidebar");
        assert!(!picks.is_empty(), "{page}: editor's picks sidebar");
        assert!(!recent.is_empty(), "{page}: recent news sidebar");
        let own = format!("/{}", page.trim_end_matches("index.html"));
        for link in picks.iter().chain(&recent).chain(&related) {
            assert_ne!(link, &own, "{page} lists itself in a sidebar");
            assert!(
                resolve(&site.public(), link).is_some(),
                "{page}: sidebar link {link} does not resolve"
            );
        }
    }
}

#[test]
fn every_internal_link_and_asset_resolves() {
    let site = Site::example();
    site.build();
    let mut checked = 0;
    for file in site.output_files().iter().filter(|f| f.ends_with(".html")) {
        let html = site.page(file);
        for element in html.select(&sel("a[href], link[href], img[src], script[src]")) {
            let url = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            if url.starts_with("http") || url.starts_with("mailto:") || url.starts_with('#') {
                continue;
            }
            assert!(
                resolve(&site.public(), url).is_some(),
                "{file}: {url} does not resolve"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn the_home_page_shows_the_top_story_and_dates_in_french() {
    let site = Site::example();
    site.build();
    let home = site.page("index.html");
    assert_eq!(home.select(&sel(".top-story article")).count(), 1);
    assert!(home.select(&sel(".cards article.card")).count() >= 5);
    let dates = texts(&home, ".cards time");
    let months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    assert!(
        dates.iter().all(|d| months.iter().any(|m| d.contains(m))),
        "{dates:?}"
    );
    assert_eq!(home.root_element().value().attr("lang"), Some("fr"));
}

#[test]
fn a_second_build_writes_nothing() {
    let site = Site::example();
    site.build();
    let run = site.build();
    assert!(run.stdout.contains(" 0 written"), "{}", run.stdout);
}
