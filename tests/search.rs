//! Search: the Pagefind index kiosque writes answers queries with the right articles,
//! and the search page finds and opens them in a real browser.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use ciborium::Value;
use common::browser::{self, wait_for};
use common::static_server::StaticServer;
use common::{Site, sel, texts};
use fantoccini::{Client, Locator};
use rust_stemmers::{Algorithm, Stemmer};

/// Pagefind's index as written under `public/pagefind/`, decoded the way its search
/// script reads it: the meta file lists pages and word chunks, chunks map words to
/// page numbers, fragments hold each page's URL, metadata and filters.
struct Index {
    language: String,
    /// The stemmer the browser loads for queries (`wasm.<language>.pagefind`).
    wasm: Option<String>,
    pages: Vec<Fragment>,
    /// Indexed word (lower case, stemmed) → pages holding it in their text.
    words: BTreeMap<String, BTreeSet<usize>>,
    /// Indexed word → pages holding it in their metadata (title, category, date…).
    meta_words: BTreeMap<String, BTreeSet<usize>>,
    sorts: BTreeMap<String, Vec<usize>>,
}

#[derive(serde::Deserialize)]
struct Fragment {
    url: String,
    content: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

impl Index {
    fn read(public: &Path) -> Self {
        let bundle = public.join("pagefind");
        let entry: serde_json::Value =
            serde_json::from_slice(&fs_err::read(bundle.join("pagefind-entry.json")).unwrap())
                .unwrap();
        let languages = entry["languages"].as_object().unwrap();
        assert_eq!(languages.len(), 1, "one index, in the site language");
        let (language, about) = languages.iter().next().unwrap();
        let hash = about["hash"].as_str().unwrap();
        let meta = cbor(&bundle.join(format!("pagefind.{hash}.pf_meta")));
        let meta = array(&meta);

        let pages = array(&meta[1])
            .iter()
            .map(|page| {
                let hash = text(&array(page)[0]);
                let json = unpack(&bundle.join(format!("fragment/{hash}.pf_fragment")));
                serde_json::from_slice(&json).unwrap()
            })
            .collect();
        let mut words: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut meta_words: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for chunk in array(&meta[2]) {
            let hash = text(&array(chunk)[2]);
            let index = cbor(&bundle.join(format!("index/{hash}.pf_index")));
            for word in array(&array(&index)[0]) {
                let word = array(word);
                // Its pages, then its forms with diacritics (`café` for `cafe`) and theirs.
                let variants = array(&word[2]).iter().map(|variant| &array(variant)[1]);
                let all_pages = std::iter::once(&word[1]).chain(variants).flat_map(array);
                // A page: its number, the word's positions in the text, then in metadata.
                for page in all_pages.map(array) {
                    for (positions, found) in [(&page[1], &mut words), (&page[2], &mut meta_words)]
                    {
                        if !array(positions).is_empty() {
                            found
                                .entry(text(&word[0]))
                                .or_default()
                                .insert(integer(&page[0]));
                        }
                    }
                }
            }
        }
        let sorts = array(&meta[4])
            .iter()
            .map(|sort| {
                let sort = array(sort);
                (
                    text(&sort[0]),
                    array(&sort[1]).iter().map(integer).collect(),
                )
            })
            .collect();
        Self {
            language: language.clone(),
            wasm: about["wasm"].as_str().map(str::to_string),
            pages,
            words,
            meta_words,
            sorts,
        }
    }

    /// The URLs of the pages whose text holds `word` (an indexed word: lower case, stemmed).
    fn find(&self, word: &str) -> Vec<&str> {
        self.urls(self.words.get(word).into_iter().flatten())
    }

    /// The URLs of the pages a query for `word` finds: Pagefind matches indexed words
    /// that start with the query's stem, in the text and in the metadata.
    fn query(&self, word: &str) -> Vec<&str> {
        let stem = french(word);
        let mut pages = BTreeSet::new();
        for found in [&self.words, &self.meta_words] {
            for (_, more) in found
                .range(stem.clone()..)
                .take_while(|(w, _)| w.starts_with(&stem))
            {
                pages.extend(more);
            }
        }
        self.urls(pages.iter())
    }

    fn urls<'a>(&self, pages: impl Iterator<Item = &'a usize>) -> Vec<&str> {
        pages.map(|&page| self.pages[page].url.as_str()).collect()
    }

    fn page(&self, url: &str) -> &Fragment {
        self.pages
            .iter()
            .find(|page| page.url == url)
            .unwrap_or_else(|| panic!("{url} is not in the index"))
    }
}

/// A Pagefind file: gzip, then a `pagefind_dcd` signature, then the data.
fn unpack(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(fs_err::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
        .strip_prefix(b"pagefind_dcd")
        .unwrap_or_else(|| panic!("{}: no Pagefind signature", path.display()))
        .to_vec()
}

fn cbor(path: &Path) -> Value {
    ciborium::from_reader(unpack(path).as_slice()).unwrap()
}

fn array(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a CBOR array")
}

fn text(value: &Value) -> String {
    value.as_text().expect("a CBOR text").to_string()
}

fn integer(value: &Value) -> usize {
    usize::try_from(value.as_integer().expect("a CBOR integer")).unwrap()
}

fn french(word: &str) -> String {
    Stemmer::create(Algorithm::French)
        .stem(&word.to_lowercase())
        .into_owned()
}

#[test]
fn a_word_finds_its_article_and_no_other() {
    let site = Site::fixture("search");
    site.build();
    let index = Index::read(&site.public());
    let (alpha, beta, gamma) = ("/2026/03/alpha/", "/2026/03/beta/", "/2025/12/gamma/");
    assert_eq!(index.pages.len(), 3, "the three articles, nothing else");

    // A word of the body.
    assert_eq!(index.find(&french("zorglub")), [alpha]);
    assert_eq!(index.find(&french("pangolin")), [beta]);
    // Title words are indexed on their article only, though other pages list the
    // article in their sidebars, article navigation, "read also" block (beta in
    // alpha's body) and editors' recommendations (gamma in alpha's and beta's).
    assert_eq!(index.find(&french("xylophone")), [alpha]);
    assert_eq!(index.find(&french("quetzalcoatl")), [beta]);
    assert_eq!(index.find(&french("tamanoir")), [gamma]);
}

#[test]
fn navigation_sidebars_and_footers_are_left_out() {
    let site = Site::fixture("search");
    site.build();
    let index = Index::read(&site.public());
    // Site name and tagline, footer menu, the article's category kicker, tags,
    // author line and reading time: all on every article page, none indexed.
    for word in [
        "fil",
        "marsupilami",
        "zebulon",
        "musique",
        "percussions",
        "mythes",
        "alice",
        "lecture",
        "accueil",
        "recommandations",
    ] {
        assert!(
            index.find(&french(word)).is_empty(),
            "`{word}` was indexed: {:?}",
            index.find(&french(word))
        );
    }
    let alpha = index.page("/2026/03/alpha/");
    assert!(
        alpha
            .content
            .starts_with("Le xylophone arrive dans les salles."),
        "indexed text starts with the headline: {}",
        alpha.content
    );
    assert!(!alpha.content.contains("Quetzalcoatl"), "{}", alpha.content);
}

#[test]
fn the_example_site_indexes_every_article_and_no_page_furniture() {
    let site = Site::example();
    site.build();
    let index = Index::read(&site.public());
    let article_pages = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("20") && f.ends_with("/index.html"))
        .filter(|f| site.page(f).select(&sel("article.article")).count() == 1)
        .count();
    assert_eq!(index.pages.len(), article_pages);
    // The theme's words around the text: table of contents, "read also",
    // recommendations, reading time, previous and next, the YouTube notice.
    for page in &index.pages {
        for furniture in [
            "Sommaire",
            "Lire aussi",
            "Recommandations de la rédaction",
            "min de lecture",
            "Article précédent",
            "Article suivant",
            "rien n'est chargé depuis YouTube",
        ] {
            assert!(
                !page.content.contains(furniture),
                "{}: `{furniture}` indexed",
                page.url
            );
        }
    }
}

#[test]
fn articles_carry_filters_metadata_and_a_date_sort() {
    let site = Site::fixture("search");
    site.build();
    let index = Index::read(&site.public());
    let gamma = index.page("/2025/12/gamma/");
    let filters: BTreeMap<&str, Vec<&str>> = gamma
        .filters
        .iter()
        .map(|(name, values)| (name.as_str(), values.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        filters,
        BTreeMap::from([
            ("Année", vec!["2025"]),
            ("Auteur", vec!["alice"]),
            ("Mot-clé", vec!["animaux", "réseaux"]),
            ("Rubrique", vec!["Sciences"]),
        ])
    );
    assert_eq!(gamma.meta["title"], "Le tamanoir, star des réseaux");
    assert_eq!(gamma.meta["date"], "24 décembre 2025");
    assert_eq!(gamma.meta["category"], "Sciences");
    assert_eq!(gamma.meta["image"], "/images/tamanoir.svg");
    assert_eq!(gamma.meta["image_alt"], "Un tamanoir");
    // Alpha has no lead image: its result shows none, not the image of an article
    // its page recommends (gamma's is in its recommendations block).
    let alpha = index.page("/2026/03/alpha/");
    assert_eq!(
        alpha.meta.get("image").map(String::as_str).unwrap_or(""),
        ""
    );

    // Sorted by date, oldest first: gamma (2025), beta, alpha.
    let by_date: Vec<&str> = index.sorts["date"]
        .iter()
        .map(|&page| index.pages[page].url.as_str())
        .collect();
    assert_eq!(
        by_date,
        ["/2025/12/gamma/", "/2026/03/beta/", "/2026/03/alpha/",]
    );
}

#[test]
fn a_french_site_gets_french_stemming() {
    let site = Site::fixture("search");
    site.build();
    let index = Index::read(&site.public());
    assert_eq!(index.language, "fr");
    // The browser stems queries with the French stemmer too.
    assert_eq!(index.wasm.as_deref(), Some("fr"));
    assert!(site.public().join("pagefind/wasm.fr.pagefind").is_file());

    // "informatiques" (in gamma's body) is indexed under its French stem, which is
    // not what the English stemmer would give: a search for "informatique" finds it.
    let english = Stemmer::create(Algorithm::English)
        .stem("informatiques")
        .into_owned();
    assert_ne!(french("informatiques"), english);
    assert_eq!(french("informatique"), french("informatiques"));
    assert_eq!(index.find(&french("informatiques")), ["/2025/12/gamma/"]);
    assert!(index.find(&english).is_empty());
}

#[test]
fn the_search_page_and_the_header_box_follow_the_site_language() {
    let site = Site::fixture("search");
    site.build();
    let page = site.page("recherche/index.html");
    assert_eq!(texts(&page, "h1"), ["Recherche"]);
    for selector in [
        "pagefind-config[bundle-path='/pagefind/'][lang='fr']",
        "pagefind-input",
        "pagefind-results",
        "script[src='/pagefind/pagefind-component-ui.js']",
        "link[href='/pagefind/pagefind-component-ui.css']",
    ] {
        assert_eq!(page.select(&sel(selector)).count(), 1, "{selector}");
    }
    // Every page has a search box sending `?q=` to the search page, with or without JavaScript.
    let home = site.page("index.html");
    let form = home.select(&sel("form[role='search']")).next().unwrap();
    assert_eq!(form.value().attr("action"), Some("/recherche/"));
    assert_eq!(form.value().attr("method"), Some("get"));
    assert_eq!(
        home.select(&sel("form[role='search'] input[name='q']"))
            .count(),
        1
    );

    // In English, the page is /search/.
    site.write(
        "site.yaml",
        fs_err::read_to_string(site.root().join("site.yaml"))
            .unwrap()
            .replace("language: fr", "language: en"),
    );
    site.build();
    assert_eq!(texts(&site.page("search/index.html"), "h1"), ["Search"]);
    assert!(!site.public().join("recherche").exists());
    assert_eq!(Index::read(&site.public()).wasm.as_deref(), Some("en"));
}

#[test]
fn without_search_there_is_no_index_page_or_box() {
    let site = Site::fixture("search");
    site.write(
        "site.yaml",
        fs_err::read_to_string(site.root().join("site.yaml"))
            .unwrap()
            .replace("search: true", "search: false"),
    );
    site.build();
    assert!(!site.public().join("pagefind").exists());
    assert!(!site.public().join("recherche").exists());
    let home = site.page("index.html");
    assert_eq!(home.select(&sel("form[role='search']")).count(), 0);
}

#[test]
fn a_theme_without_a_search_page_is_a_clear_error() {
    let site = Site::fixture("search");
    fs_err::remove_file(site.root().join("themes/newsroom/templates/search.html")).unwrap();
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("themes/newsroom/templates/search.html:1:1: error: `search: true` in site.yaml needs a search.html template"),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists());
}

/// A word of one example article that a query finds in no other article (Pagefind
/// matches prefixes of stems), with that article's URL and title.
fn distinctive_word(public: &Path) -> (String, String, String) {
    let index = Index::read(public);
    assert!(index.pages.len() >= 15);
    for page in &index.pages {
        let text = page.content.to_lowercase();
        let mut words: Vec<&str> = text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() >= 9 && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect();
        words.sort_unstable();
        if let Some(word) = words
            .into_iter()
            .find(|w| index.query(w) == [page.url.as_str()])
        {
            return (
                word.to_string(),
                page.url.clone(),
                page.meta["title"].clone(),
            );
        }
    }
    panic!("no article of the example site has a word of its own");
}

/// Waits until the search results are exactly the articles at `expected` (results
/// come in as the reader types, and load lazily).
async fn wait_for_results(client: &Client, expected: &[&str]) {
    let started = std::time::Instant::now();
    loop {
        let shown = client
            .find_all(Locator::Css("pagefind-results li.pf-result"))
            .await
            .unwrap();
        let mut links = Vec::new();
        for link in client
            .find_all(Locator::Css("pagefind-results a.pf-result-link"))
            .await
            .unwrap()
        {
            links.push(link.attr("href").await.unwrap().unwrap_or_default());
        }
        if shown.len() == links.len() && links == expected {
            return;
        }
        assert!(
            started.elapsed() < browser::PATIENCE,
            "search results {links:?} ({} shown), expected {expected:?}",
            shown.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn searching_the_example_site_in_a_browser_finds_and_opens_the_article() {
    let site = Site::example();
    site.build();
    let (word, url, title) = distinctive_word(&site.public());
    let server = StaticServer::start(&site.public());
    let search_page = server.url("/recherche/");
    let home = server.url("/");
    browser::session(move |client| async move {
        // Type in the search page.
        client.goto(&search_page).await.unwrap();
        let input = wait_for(&client, "pagefind-input input").await;
        input.send_keys(&word).await.unwrap();
        wait_for_results(&client, &[&url]).await;
        let result = client
            .find(Locator::Css("pagefind-results a.pf-result-link"))
            .await
            .unwrap();
        assert_eq!(result.text().await.unwrap(), title);
        // The result leads to the article.
        result.click().await.unwrap();
        let article = wait_for(&client, "article.article h1").await;
        assert_eq!(article.text().await.unwrap(), title);
        assert_eq!(client.current_url().await.unwrap().path(), url);

        // The header's search box, from the home page, lands on the same result.
        client.goto(&home).await.unwrap();
        let box_input = wait_for(&client, "form[role='search'] input[name='q']").await;
        box_input.send_keys(&word).await.unwrap();
        client
            .find(Locator::Css("form[role='search'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_results(&client, &[&url]).await;
        assert_eq!(client.current_url().await.unwrap().path(), "/recherche/");
        let typed = client
            .find(Locator::Css("pagefind-input input"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(typed.as_deref(), Some(word.as_str()));
    })
    .await;
}
