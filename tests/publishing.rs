//! Feeds, sitemaps, robots.txt, redirects and what search engines read in page heads.

mod common;

use common::{Site, article, attrs, hrefs, json_ld, texts};
use roxmltree::Document;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// The text of every element named `name` (in `namespace`, or none).
fn xml_texts(xml: &str, namespace: &str, name: &str) -> Vec<String> {
    let document = Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    document
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .filter(|n| n.tag_name().namespace().unwrap_or("") == namespace)
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn rss_titles(xml: &str) -> Vec<String> {
    let document = Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|item| item.children().find(|c| c.has_tag_name("title")))
        .map(|title| title.text().unwrap_or("").to_string())
        .collect()
}

fn atom_titles(xml: &str) -> Vec<String> {
    let document = Document::parse(xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .filter_map(|entry| entry.children().find(|c| c.has_tag_name((ATOM, "title"))))
        .map(|title| title.text().unwrap_or("").to_string())
        .collect()
}

fn site_with(articles: &[(&str, String)], config: &str) -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        format!("title: Test\nbase_url: https://example.org/\nlanguage: fr\ntimezone: Europe/Paris\n{config}"),
    );
    common::copy_dir(
        &common::repo().join("themes/newsroom"),
        &site.root().join("themes/newsroom"),
    );
    for (path, text) in articles {
        site.write(path, text);
    }
    site
}

/// The titles written in the hostile fixture, as a reader must see them (control
/// characters removed), newest first.
const HOSTILE_TITLES: [&str; 6] = [
    "L'« IA » dit \"non\" & 'oui' </title>",
    "Titre avec contrôle fin",
    "مرحبا بالعالم — שלום עולם",
    "🚀 Fusée 👩🏽‍🚀 décolle",
    "</script><!-- <script>alert(1)</script>",
    "AT&T <b> “x”",
];

const HOSTILE_PAGES: [&str; 6] = [
    "2026/11/quotes/index.html",
    "2026/11/control/index.html",
    "2026/11/rtl/index.html",
    "2026/11/emoji/index.html",
    "2026/11/script/index.html",
    "2026/11/att/index.html",
];

#[test]
fn hostile_text_is_shown_exactly_as_written_in_pages_and_head() {
    let site = Site::fixture("hostile");
    site.build();
    for (page, title) in HOSTILE_PAGES.iter().zip(HOSTILE_TITLES) {
        let html = site.page(page);
        assert_eq!(texts(&html, "article.article h1"), [title], "{page}");
        assert_eq!(
            texts(&html, "title"),
            [format!("{title} – Le Kiosque <Tech> & “Cie”")]
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:title"]"#, "content"),
            [title]
        );
        assert_eq!(
            attrs(&html, r#"meta[name="twitter:title"]"#, "content"),
            [title]
        );
        let data = json_ld(&html);
        let graph = data["@graph"].as_array().unwrap();
        assert_eq!(graph[0]["@type"], "NewsArticle");
        assert_eq!(graph[0]["headline"], title, "{page}");
        assert_eq!(graph[0]["publisher"]["name"], "Le Kiosque <Tech> & “Cie”");
        let crumbs = graph[1]["itemListElement"].as_array().unwrap();
        assert_eq!(crumbs.last().unwrap()["name"], title);
    }
    let att = site.page("2026/11/att/index.html");
    assert_eq!(
        texts(&att, ".standfirst"),
        ["Résumé avec <script>alert('x')</script> & “guillemets” *pas* en gras"]
    );
    assert_eq!(
        attrs(&att, r#"meta[name="description"]"#, "content"),
        ["Résumé avec <script>alert('x')</script> & “guillemets” *pas* en gras"]
    );
    assert_eq!(texts(&att, ".kicker"), ["R&D <Labs>"]);
    assert_eq!(texts(&att, ".tags a"), ["C++ & <Rust>", "émoji 🚀"]);
    assert_eq!(texts(&att, ".meta .author"), ["Seán O'Brien & <Co>"]);
    assert_eq!(
        attrs(&att, r#"meta[property="og:image"]"#, "content"),
        ["https://cdn.example.org/img.png?w=1200&h=675"]
    );
    assert_eq!(
        attrs(&att, r#"meta[property="og:image:alt"]"#, "content"),
        ["Une image \"citée\" & <balisée>"]
    );
    assert_eq!(
        hrefs(&att, ".article-body a"),
        [
            "https://example.org/search?q=a&b=c",
            "/journal/2026/11/script/"
        ]
    );
    let script = site.page("2026/11/script/index.html");
    assert_eq!(
        texts(&script, ".standfirst"),
        ["Un résumé \"entre guillemets\" et 'apostrophes' -- sans typographie"],
        "a front matter summary is text, never Markdown or typography"
    );
    // Nothing from a title ever became markup.
    for page in HOSTILE_PAGES {
        let html = site.page(page);
        assert_eq!(
            // The theme's own script (copy buttons, click-to-play videos) aside.
            html.select(&common::sel("body script:not([src$='/js/kiosque.js'])"))
                .count(),
            0,
            "{page}"
        );
        assert_eq!(
            html.select(&common::sel("head script")).count(),
            1,
            "{page}"
        );
        assert_eq!(html.select(&common::sel("h1 b")).count(), 0, "{page}");
    }
}

#[test]
fn hostile_text_is_exact_in_feeds_and_sitemaps() {
    let site = Site::fixture("hostile");
    // One hostile article inside the Google News window.
    let recent = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
    site.write(
        "content/articles/recent.md",
        format!(
            "---\ntitle: \"Tout récent : AT&T <b> “x” </script>\"\ndate: {}\n---\nCorps.\n",
            recent.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
    );
    site.build();
    let mut titles = vec!["Tout récent : AT&T <b> “x” </script>"];
    titles.extend(HOSTILE_TITLES);
    assert_eq!(rss_titles(&site.text("feed.xml")), titles);
    assert_eq!(atom_titles(&site.text("atom.xml")), titles);
    assert_eq!(
        xml_texts(&site.text("feed.xml"), "", "title")[0],
        "Le Kiosque <Tech> & “Cie”"
    );
    // The category "R&D <Labs>" has its own feeds.
    let category = [
        "L'« IA » dit \"non\" & 'oui' </title>",
        "</script><!-- <script>alert(1)</script>",
        "AT&T <b> “x”",
    ];
    assert_eq!(
        rss_titles(&site.text("categories/r-d-labs/feed.xml")),
        category
    );
    assert_eq!(
        atom_titles(&site.text("categories/r-d-labs/atom.xml")),
        category
    );
    assert_eq!(
        xml_texts(&site.text("categories/r-d-labs/feed.xml"), "", "title")[0],
        "Le Kiosque <Tech> & “Cie” – R&D <Labs>"
    );
    // Full content (feeds.content: full) carries the body, links included.
    let atom = site.text("atom.xml");
    let contents = xml_texts(&atom, ATOM, "content");
    assert!(
        contents
            .iter()
            .any(|c| c.contains(r#"href="https://example.org/search?q=a&amp;b=c""#)),
        "{contents:?}"
    );
    let categories: Vec<String> = Document::parse(&atom)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name((ATOM, "category")))
        .filter_map(|n| n.attribute("term").map(str::to_string))
        .collect();
    assert!(
        categories.contains(&"C++ & <Rust>".to_string()),
        "{categories:?}"
    );

    let news = site.text("news-sitemap.xml");
    assert_eq!(
        xml_texts(&news, NEWS, "title"),
        ["Tout récent : AT&T <b> “x” </script>"]
    );
    assert_eq!(
        xml_texts(&news, NEWS, "name"),
        ["Le Kiosque <Tech> & “Cie”"]
    );
    let sitemap = xml_texts(&site.text("sitemap.xml"), SITEMAP, "loc");
    assert!(sitemap.contains(&"https://example.org/journal/2026/11/att/".to_string()));
    assert!(sitemap.contains(&"https://example.org/journal/categories/r-d-labs/".to_string()));
}

#[test]
fn feeds_follow_the_configured_limit_and_content() {
    let articles: Vec<(&str, String)> = vec![
        ("content/articles/a.md", article("A", "2026-11-01")),
        ("content/articles/b.md", article("B", "2026-11-02")),
        (
            "content/articles/c.md",
            "---\ntitle: C\ndate: 2026-11-03\ncategories: [Jeux]\nupdated: 2026-11-20T08:00:00Z\n---\nRésumé de C.\n\n<!-- more -->\n\nSuite réservée au contenu complet.\n".into(),
        ),
    ];
    let site = site_with(
        &articles,
        "feeds:\n  limit: 2\n  content: summary\n  categories: false\n",
    );
    site.build();
    let rss = site.text("feed.xml");
    assert_eq!(rss_titles(&rss), ["C", "B"]);
    assert!(!rss.contains("Suite réservée"), "summary only");
    assert!(rss.contains("Résumé de C."));
    assert_eq!(
        xml_texts(&rss, "", "pubDate")[0],
        "Tue, 3 Nov 2026 00:00:00 +0100"
    );
    let atom = site.text("atom.xml");
    assert_eq!(atom_titles(&atom), ["C", "B"]);
    assert_eq!(
        xml_texts(&atom, ATOM, "updated")[..2],
        ["2026-11-20T08:00:00+00:00", "2026-11-20T08:00:00+00:00"]
    );
    assert!(
        !site.public().join("categories/tech/feed.xml").exists(),
        "categories: false"
    );

    let site = site_with(&articles, "feeds:\n  content: full\n");
    site.build();
    assert!(site.text("feed.xml").contains("Suite réservée"));
    assert_eq!(rss_titles(&site.text("categories/jeux/feed.xml")), ["C"]);
    assert_eq!(
        rss_titles(&site.text("categories/tech/feed.xml")),
        ["B", "A"]
    );
    let tech = site.page("categories/tech/index.html");
    assert_eq!(
        attrs(
            &tech,
            r#"link[rel=alternate][type="application/rss+xml"]"#,
            "href"
        ),
        ["/categories/tech/feed.xml", "/feed.xml"]
    );
    assert_eq!(
        attrs(
            &site.page("index.html"),
            r#"link[rel=alternate][type="application/atom+xml"]"#,
            "href"
        ),
        ["/atom.xml"]
    );
}

#[test]
fn sitemap_has_every_page_with_lastmod_and_robots_points_to_both_sitemaps() {
    let site = Site::example();
    site.build();
    let sitemap = site.text("sitemap.xml");
    let locs = xml_texts(&sitemap, SITEMAP, "loc");
    let document = Document::parse(&sitemap).unwrap();
    for url in document
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "url")))
    {
        let loc = url
            .children()
            .find(|c| c.has_tag_name((SITEMAP, "loc")))
            .unwrap();
        let loc = loc.text().unwrap();
        let relative = loc.strip_prefix("https://kiosque.example").unwrap();
        assert!(
            common::resolve(&site.public(), relative).is_some(),
            "{loc} is not built"
        );
    }
    for expected in [
        "https://kiosque.example/",
        "https://kiosque.example/2026/11/une-carte-graphique-taillee-pour-lia-locale/",
        "https://kiosque.example/rubriques/materiel/",
        "https://kiosque.example/auteurs/jeanne-martin/",
        "https://kiosque.example/archives/2026/11/",
        "https://kiosque.example/a-propos/",
    ] {
        assert!(locs.contains(&expected.to_string()), "{expected} missing");
    }
    let lastmod = |loc: &str| {
        document
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP, "url")))
            .find(|n| n.children().any(|c| c.text() == Some(loc)))
            .and_then(|n| n.children().find(|c| c.has_tag_name((SITEMAP, "lastmod"))))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert_eq!(
        lastmod("https://kiosque.example/2026/11/une-carte-graphique-taillee-pour-lia-locale/")
            .as_deref(),
        Some("2026-11-18T08:30:00Z")
    );
    let robots = site.text("robots.txt");
    assert!(
        robots.contains("Sitemap: https://kiosque.example/sitemap.xml\n"),
        "{robots}"
    );
    assert!(robots.contains("Sitemap: https://kiosque.example/news-sitemap.xml\n"));
    // The news sitemap parses, whatever the day.
    Document::parse(&site.text("news-sitemap.xml")).unwrap();
}

#[test]
fn the_news_sitemap_holds_only_the_last_48_hours() {
    let now = jiff::Timestamp::now();
    let at = |hours: i64| {
        (now - jiff::SignedDuration::from_hours(hours))
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let articles = vec![
        (
            "content/articles/une-heure.md",
            format!(
                "---\ntitle: Une heure\ndate: {}\nlang: en-GB\n---\nx\n",
                at(1)
            ),
        ),
        (
            "content/articles/deux-jours.md",
            format!("---\ntitle: Presque deux jours\ndate: {}\n---\nx\n", at(47)),
        ),
        (
            "content/articles/trop-vieux.md",
            format!("---\ntitle: Trop vieux\ndate: {}\n---\nx\n", at(49)),
        ),
    ];
    let site = site_with(&articles, "");
    site.build();
    let news = site.text("news-sitemap.xml");
    assert_eq!(
        xml_texts(&news, NEWS, "title"),
        ["Une heure", "Presque deux jours"]
    );
    assert_eq!(xml_texts(&news, NEWS, "name"), ["Test", "Test"]);
    assert_eq!(xml_texts(&news, NEWS, "language"), ["en", "fr"]);
    let dates = xml_texts(&news, NEWS, "publication_date");
    for date in &dates {
        date.parse::<jiff::Timestamp>()
            .unwrap_or_else(|e| panic!("{date} is not a W3C date-time: {e}"));
    }
    assert_eq!(xml_texts(&news, SITEMAP, "loc").len(), 2);
}

#[test]
fn removing_or_unpublishing_an_article_removes_it_everywhere() {
    let site = Site::example();
    site.build();
    let removed = "content/articles/2026/11/une-carte-graphique-taillee-pour-lia-locale.md";
    let removed_url = "/2026/11/une-carte-graphique-taillee-pour-lia-locale/";
    let unpublished =
        "content/articles/2026/11/les-petits-modeles-dia-tiennent-dans-un-portable.md";
    let unpublished_url = "/2026/11/les-petits-modeles-dia-tiennent-dans-un-portable/";
    let places = [
        "index.html",
        "rubriques/materiel/index.html",
        "rubriques/intelligence-artificielle/index.html",
        "tags/ia-locale/index.html",
        "archives/2026/11/index.html",
        "archives/2026/index.html",
        "feed.xml",
        "atom.xml",
        "rubriques/materiel/feed.xml",
        "rubriques/intelligence-artificielle/atom.xml",
        "sitemap.xml",
    ];
    for place in places {
        let text = site.text(place);
        assert!(
            text.contains(removed_url) || text.contains(unpublished_url),
            "{place} should list one of them before"
        );
    }
    fs_err::remove_file(site.root().join(removed)).unwrap();
    let text = fs_err::read_to_string(site.root().join(unpublished)).unwrap();
    fs_err::write(
        site.root().join(unpublished),
        text.replacen("---\n", "---\ndraft: true\n", 1),
    )
    .unwrap();
    site.build();
    assert!(
        !site
            .public()
            .join(removed_url.trim_start_matches('/'))
            .exists()
    );
    assert!(
        !site
            .public()
            .join(unpublished_url.trim_start_matches('/'))
            .exists()
    );
    for place in places {
        if !site.public().join(place).exists() {
            continue;
        }
        let text = site.text(place);
        assert!(
            !text.contains(removed_url),
            "{place} still lists the removed article"
        );
        assert!(
            !text.contains(unpublished_url),
            "{place} still lists the draft"
        );
    }
    for file in site
        .output_files()
        .iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml"))
    {
        let text = site.text(file);
        assert!(
            !text.contains(removed_url),
            "{file} still links the removed article"
        );
    }
}

#[test]
fn a_base_url_with_a_path_reaches_feeds_sitemaps_and_heads() {
    let site = Site::example();
    let run = site.run(&["build", "--base-url", "https://user.github.io/blog/"]);
    assert!(run.success, "{}", run.stderr);
    let base = "https://user.github.io/blog/";
    for feed in ["feed.xml", "rubriques/materiel/feed.xml"] {
        let xml = site.text(feed);
        let links = xml_texts(&xml, "", "link");
        assert!(
            links.iter().all(|l| l.starts_with(base)),
            "{feed}: {links:?}"
        );
        assert!(
            xml.contains(&format!("href=\"{base}{feed}\"")),
            "{feed}: atom:link self"
        );
    }
    let atom = Document::parse(&site.text("atom.xml"))
        .unwrap()
        .root_element()
        .attribute(("http://www.w3.org/XML/1998/namespace", "base"))
        .map(str::to_string);
    assert_eq!(atom.as_deref(), Some(base));
    for sitemap in ["sitemap.xml", "news-sitemap.xml"] {
        let locs = xml_texts(&site.text(sitemap), SITEMAP, "loc");
        assert!(
            locs.iter().all(|l| l.starts_with(base)),
            "{sitemap}: {locs:?}"
        );
    }
    assert!(
        site.text("robots.txt")
            .contains(&format!("Sitemap: {base}sitemap.xml"))
    );
    let page = site.page("2026/11/une-carte-graphique-taillee-pour-lia-locale/index.html");
    assert_eq!(
        attrs(&page, "link[rel=alternate]", "href"),
        ["/blog/feed.xml", "/blog/atom.xml"]
    );
    assert_eq!(
        attrs(&page, r#"meta[property="og:image"]"#, "content"),
        ["https://user.github.io/blog/images/articles/nvidia-carte-ia-locale.svg"]
    );
    let data = json_ld(&page);
    assert_eq!(
        data["@graph"][0]["url"],
        "https://user.github.io/blog/2026/11/une-carte-graphique-taillee-pour-lia-locale/"
    );
    assert_eq!(
        data["@graph"][0]["publisher"]["logo"]["url"],
        "https://user.github.io/blog/images/logo.svg"
    );
}

#[test]
fn every_article_of_the_example_has_structured_data_and_social_tags() {
    let site = Site::example();
    site.build();
    let articles: Vec<String> = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("2026/") && f.ends_with("/index.html"))
        .collect();
    assert!(articles.len() >= 15);
    for page in &articles {
        let html = site.page(page);
        let data = json_ld(&html);
        let article = &data["@graph"][0];
        assert_eq!(article["@type"], "NewsArticle", "{page}");
        assert_eq!(article["headline"], texts(&html, "article.article h1")[0]);
        for field in [
            "datePublished",
            "dateModified",
            "image",
            "publisher",
            "author",
        ] {
            assert!(!article[field].is_null(), "{page}: no {field}");
        }
        assert!(
            article["datePublished"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .is_ok()
        );
        assert_eq!(
            article["image"]["width"], 1200,
            "{page}: SVG size read from the file"
        );
        assert_eq!(article["image"]["height"], 675);
        assert_eq!(data["@graph"][1]["@type"], "BreadcrumbList");
        assert_eq!(
            attrs(&html, r#"meta[property="og:type"]"#, "content"),
            ["article"]
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:image:width"]"#, "content"),
            ["1200"]
        );
        assert_eq!(
            attrs(&html, r#"meta[name="twitter:card"]"#, "content"),
            ["summary_large_image"]
        );
        let canonical = attrs(&html, "link[rel=canonical]", "href");
        assert_eq!(
            attrs(&html, r#"meta[property="og:url"]"#, "content"),
            canonical
        );
        assert_eq!(article["url"], canonical[0]);
    }
    let home = json_ld(&site.page("index.html"));
    assert_eq!(home["@graph"][0]["@type"], "WebSite");
    assert_eq!(home["@graph"][0]["name"], "Le Kiosque Tech");
    let category = json_ld(&site.page("rubriques/materiel/index.html"));
    assert_eq!(category["@graph"][0]["@type"], "BreadcrumbList");
}

#[test]
fn lead_image_sizes_come_from_png_and_svg_files() {
    let site = Site::fixture("hostile");
    site.build();
    let emoji = site.page("2026/11/emoji/index.html");
    assert_eq!(
        attrs(&emoji, r#"meta[property="og:image:width"]"#, "content"),
        ["120"]
    );
    assert_eq!(
        attrs(&emoji, r#"meta[property="og:image:height"]"#, "content"),
        ["60"]
    );
    let script = site.page("2026/11/script/index.html");
    assert_eq!(
        attrs(&script, r#"meta[property="og:image:width"]"#, "content"),
        ["800"]
    );
    assert_eq!(
        attrs(&script, r#"meta[property="og:image:height"]"#, "content"),
        ["450"]
    );
    let att = site.page("2026/11/att/index.html");
    assert!(
        attrs(&att, r#"meta[property="og:image:width"]"#, "content").is_empty(),
        "an external image has no known size"
    );
}

#[test]
fn translations_are_linked_with_hreflang() {
    let articles = vec![
        (
            "content/articles/fr.md",
            "---\ntitle: Bonjour\ndate: 2026-11-01\ntranslation_key: salut\n---\nx\n".to_string(),
        ),
        (
            "content/articles/en.md",
            "---\ntitle: Hello\ndate: 2026-11-02\nlang: en\ntranslation_key: salut\n---\nx\n"
                .to_string(),
        ),
        (
            "content/articles/seul.md",
            "---\ntitle: Seul\ndate: 2026-11-03\n---\nx\n".to_string(),
        ),
    ];
    let site = site_with(&articles, "");
    site.build();
    for page in ["2026/11/fr/index.html", "2026/11/en/index.html"] {
        let html = site.page(page);
        assert_eq!(
            attrs(&html, "link[hreflang]", "hreflang"),
            ["en", "fr"],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "link[hreflang]", "href"),
            [
                "https://example.org/2026/11/en/",
                "https://example.org/2026/11/fr/"
            ]
        );
    }
    assert!(
        attrs(
            &site.page("2026/11/seul/index.html"),
            "link[hreflang]",
            "href"
        )
        .is_empty()
    );
    assert_eq!(
        json_ld(&site.page("2026/11/en/index.html"))["@graph"][0]["inLanguage"],
        "en"
    );
}

#[test]
fn aliases_get_a_redirect_page_and_a_redirects_file() {
    let articles = vec![
        (
            "content/articles/neuf.md",
            "---\ntitle: Neuf\ndate: 2026-11-01\naliases: [\"/ancien/\", \"/vieux chemin/page.html\"]\n---\nx\n".to_string(),
        ),
        ("content/_redirects", "/promo https://example.com/ 302\n".to_string()),
        ("content/robots.txt", "User-agent: *\nDisallow: /brouillons/\n".to_string()),
    ];
    let site = site_with(&articles, "");
    site.build();
    let redirects = site.text("_redirects");
    let lines: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            "/promo https://example.com/ 302",
            "/ancien/ /2026/11/neuf/ 301",
            "/vieux%20chemin/page.html /2026/11/neuf/ 301",
        ]
    );
    let alias = site.page("ancien/index.html");
    assert_eq!(
        attrs(&alias, "link[rel=canonical]", "href"),
        ["https://example.org/2026/11/neuf/"]
    );
    assert_eq!(
        attrs(&alias, r#"meta[http-equiv="refresh"]"#, "content"),
        ["0; url=https://example.org/2026/11/neuf/"]
    );
    assert!(site.public().join("vieux chemin/page.html").is_file());
    assert_eq!(
        site.text("robots.txt"),
        "User-agent: *\nDisallow: /brouillons/\n",
        "the site's own robots.txt is kept"
    );

    let run = site.run(&["build", "--base-url", "https://user.github.io/blog/"]);
    assert!(run.success, "{}", run.stderr);
    assert!(
        site.text("_redirects")
            .contains("/blog/ancien/ /blog/2026/11/neuf/ 301\n")
    );
}
