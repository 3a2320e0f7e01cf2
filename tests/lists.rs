//! Lists of articles: home, taxonomy and archive pages, paginated newest first;
//! scheduled and expired articles.

mod common;

use common::{Site, attrs, hrefs, texts};

/// A site with `count` articles, one per week from Monday 2025-01-06, with 10 per page
/// (4 per archive page), two authors (one with a profile) and two categories.
fn many_articles(count: usize) -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nlanguage: fr\ntimezone: Europe/Paris\npagination:\n  home: 10\n  terms: 10\n  archives: 4\n",
    );
    common::copy_dir(
        &common::repo().join("themes/newsroom"),
        &site.root().join("themes/newsroom"),
    );
    site.write(
        "content/authors/alice.md",
        "---\nname: Alice Martin\nrole: Rédactrice\n---\nAlice écrit sur **Rust**.\n",
    );
    let start = jiff::civil::date(2025, 1, 6);
    for n in 1..=count {
        let date = start + jiff::Span::new().weeks(n as i64 - 1);
        let (author, category) = if n % 2 == 0 {
            ("alice", "Tech")
        } else {
            ("bob", "Jeux")
        };
        site.write(
            &format!("content/articles/a{n:02}.md"),
            format!(
                "---\ntitle: \"Article {n:02}\"\ndate: {date}\nauthor: {author}\ncategories: [\"{category}\"]\ntags: [\"commun\"]\n---\nCorps {n}.\n"
            ),
        );
    }
    site
}

fn card_titles(site: &Site, page: &str) -> Vec<String> {
    texts(&site.page(page), ".cards .card-title")
}

fn titles(numbers: impl IntoIterator<Item = usize>) -> Vec<String> {
    numbers
        .into_iter()
        .map(|n| format!("Article {n:02}"))
        .collect()
}

#[test]
fn home_and_term_pages_are_paginated_newest_first_with_pager_links() {
    let site = many_articles(25);
    site.build();
    // The top story is none here, so the home pages list every article in order.
    assert_eq!(card_titles(&site, "index.html"), titles((16..=25).rev()));
    assert_eq!(
        card_titles(&site, "page/2/index.html"),
        titles((6..=15).rev())
    );
    assert_eq!(
        card_titles(&site, "page/3/index.html"),
        titles((1..=5).rev())
    );
    assert!(!site.public().join("page/4").exists());
    assert!(
        !site.public().join("page/1").exists(),
        "page 1 is the home page"
    );

    let first = site.page("index.html");
    assert_eq!(hrefs(&first, ".pager a[rel=next]"), ["/page/2/"]);
    assert!(hrefs(&first, ".pager a[rel=prev]").is_empty());
    let middle = site.page("page/2/index.html");
    assert_eq!(hrefs(&middle, ".pager a[rel=prev]"), ["/"]);
    assert_eq!(hrefs(&middle, ".pager a[rel=next]"), ["/page/3/"]);
    let last = site.page("page/3/index.html");
    assert!(hrefs(&last, ".pager a[rel=next]").is_empty());
    assert_eq!(
        attrs(&middle, "link[rel=canonical]", "href"),
        ["https://example.org/page/2/"]
    );

    // 12 even articles in Tech: two pages.
    assert_eq!(
        card_titles(&site, "categories/tech/index.html"),
        titles((6..=24).rev().step_by(2))
    );
    assert_eq!(
        card_titles(&site, "categories/tech/page/2/index.html"),
        titles([4, 2])
    );
    assert_eq!(
        hrefs(
            &site.page("categories/tech/page/2/index.html"),
            ".pager a[rel=prev]"
        ),
        ["/categories/tech/"]
    );
    assert_eq!(
        card_titles(&site, "tags/commun/page/3/index.html"),
        titles((1..=5).rev())
    );
}

#[test]
fn taxonomy_indexes_and_author_pages_list_what_they_should() {
    let site = many_articles(25);
    site.build();
    let categories = site.page("categories/index.html");
    assert_eq!(texts(&categories, ".term-list a"), ["Jeux", "Tech"]);
    assert_eq!(texts(&categories, ".term-list .count"), ["13", "12"]);
    assert_eq!(
        hrefs(&categories, ".term-list a"),
        ["/categories/jeux/", "/categories/tech/"]
    );
    let authors = site.page("authors/index.html");
    assert_eq!(texts(&authors, ".term-list a"), ["Alice Martin", "bob"]);
    assert_eq!(
        texts(&site.page("tags/index.html"), ".term-list a"),
        ["commun"]
    );

    let alice = site.page("authors/alice/index.html");
    assert_eq!(texts(&alice, "h1"), ["Alice Martin"]);
    assert_eq!(texts(&alice, ".author-profile .role"), ["Rédactrice"]);
    assert_eq!(texts(&alice, ".author-profile .bio strong"), ["Rust"]);
    assert_eq!(
        card_titles(&site, "authors/alice/page/2/index.html"),
        titles([4, 2])
    );
    let bob = site.page("authors/bob/index.html");
    assert_eq!(texts(&bob, "h1"), ["bob"]);
    assert!(
        texts(&bob, ".author-profile").is_empty(),
        "no profile, no block"
    );
}

#[test]
fn archives_by_year_and_month_with_an_index() {
    let site = many_articles(53);
    site.build();
    // 53 Mondays from 2025-01-06: 52 in 2025, the last on 2026-01-05.
    let index = site.page("archives/index.html");
    assert_eq!(
        hrefs(&index, ".archive-year h2 a"),
        ["/archives/2026/", "/archives/2025/"]
    );
    assert_eq!(texts(&index, ".archive-year h2 a"), ["2026", "2025"]);
    let months = texts(&index, ".archive-year .term-list a");
    assert_eq!(months.len(), 13);
    assert_eq!(months[0], "janvier 2026");
    assert_eq!(months[1], "décembre 2025");
    assert_eq!(months[12], "janvier 2025");

    // January 2025: the 6th, 13th, 20th and 27th.
    let january = site.page("archives/2025/01/index.html");
    assert_eq!(texts(&january, "h1"), ["janvier 2025"]);
    assert_eq!(
        card_titles(&site, "archives/2025/01/index.html"),
        titles([4, 3, 2, 1])
    );
    assert!(
        !site.public().join("archives/2025/01/page/2").exists(),
        "four articles fit on one archive page"
    );
    // March 2025 has five Mondays: two pages of four.
    assert_eq!(
        card_titles(&site, "archives/2025/03/index.html"),
        titles([13, 12, 11, 10])
    );
    assert_eq!(
        card_titles(&site, "archives/2025/03/page/2/index.html"),
        titles([9])
    );
    assert_eq!(
        hrefs(
            &site.page("archives/2025/03/index.html"),
            ".pager a[rel=next]"
        ),
        ["/archives/2025/03/page/2/"]
    );
    // The year: 52 articles, 4 per page, newest first.
    assert_eq!(
        card_titles(&site, "archives/2025/index.html"),
        titles([52, 51, 50, 49])
    );
    assert_eq!(
        card_titles(&site, "archives/2025/page/13/index.html"),
        titles([4, 3, 2, 1])
    );
    assert!(!site.public().join("archives/2025/page/14").exists());
    let year = site.page("archives/2025/index.html");
    assert_eq!(texts(&year, ".archive-months a").len(), 12);
    assert_eq!(
        card_titles(&site, "archives/2026/01/index.html"),
        titles([53])
    );
}

#[test]
fn scheduled_articles_wait_and_the_build_says_when_to_rebuild() {
    let site = many_articles(2);
    site.write(
        "content/articles/futur.md",
        "---\ntitle: Futur\ndate: 2099-03-01T08:00:00+01:00\n---\nPas encore.\n",
    );
    site.write(
        "content/articles/plus-tard.md",
        "---\ntitle: Plus tard\ndate: 2099-06-01\n---\nPas encore.\n",
    );
    site.write(
        "content/articles/perime.md",
        "---\ntitle: Périmé\ndate: 2026-01-01\nexpires: 2026-01-02\n---\nTrop tard.\n",
    );
    site.write(
        "content/articles/bientot-perime.md",
        "---\ntitle: Bientôt périmé\ndate: 2026-01-01\nexpires: 2098-05-01T12:00:00Z\n---\nEncore là.\n",
    );
    let run = site.build();
    assert!(
        run.stdout
            .contains("Next scheduled article is due at 2099-03-01T07:00:00Z"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Next article expires at 2098-05-01T12:00:00Z"),
        "{}",
        run.stdout
    );
    for gone in ["2099/03/futur", "2099/06/plus-tard", "2026/01/perime"] {
        assert!(!site.public().join(gone).exists(), "{gone} is published");
    }
    assert!(
        site.public()
            .join("2026/01/bientot-perime/index.html")
            .is_file()
    );
    let feed = site.text("feed.xml");
    assert!(!feed.contains("Futur") && !feed.contains("Périmé"));
    assert!(!site.text("sitemap.xml").contains("futur"));

    let run = site.run(&["build", "--future"]);
    assert!(run.success, "{}", run.stderr);
    assert!(!run.stdout.contains("Next scheduled"), "{}", run.stdout);
    for published in ["2099/03/futur", "2099/06/plus-tard", "2026/01/perime"] {
        assert!(
            site.public().join(published).join("index.html").is_file(),
            "{published} with --future"
        );
    }
}

#[test]
fn lists_show_the_card_template_rendered_once_per_article() {
    let site = many_articles(12);
    // A site's own card template, over the theme's, is what every list shows.
    site.write(
        "templates/partials/card.html",
        "<article class=\"card mine\"><h2 class=\"card-title\">{{ article.title }}</h2>\
         <p class=\"lang\">{{ site.language }}</p></article>\n",
    );
    site.build();
    for (page, shown) in [
        ("index.html", titles((3..=12).rev())),
        ("page/2/index.html", titles([2, 1])),
        (
            "categories/tech/index.html",
            titles((2..=12).rev().step_by(2)),
        ),
        ("archives/2025/index.html", titles((9..=12).rev())),
    ] {
        let html = site.page(page);
        assert_eq!(
            texts(&html, ".cards .card.mine .card-title"),
            shown,
            "{page}"
        );
        assert!(texts(&html, ".cards .card .lang").iter().all(|l| l == "fr"));
    }

    // It sees one article and the site, not the page that lists it: a page variable
    // is an error on the card template, with the help pointing to the docs.
    site.write(
        "templates/partials/card.html",
        "<article class=\"card\">{{ pager.current }}</article>\n",
    );
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(run.stderr.contains("card.html"), "{}", run.stderr);
    assert!(run.stderr.contains("TEMPLATES.md"), "{}", run.stderr);
}
