//! Related articles, "read also", and the editors' lists on a fixture of topic clusters.

mod common;

use common::{Site, article, hrefs, sel, texts};

/// The cluster of an article page: `/articles/gpu-3/` → `gpu`.
fn cluster(url: &str) -> &str {
    let slug = url.trim_end_matches('/').rsplit('/').next().unwrap();
    slug.rsplit_once('-').map_or(slug, |(prefix, _)| prefix)
}

fn related_of(site: &Site, slug: &str) -> Vec<String> {
    hrefs(
        &site.page(&format!("articles/{slug}/index.html")),
        "aside.related a",
    )
}

fn slugs(site: &Site) -> Vec<String> {
    site.output_files()
        .into_iter()
        .filter_map(|f| {
            f.strip_prefix("articles/")
                .map(|rest| rest.trim_end_matches("/index.html").to_string())
        })
        .collect()
}

#[test]
fn related_lists_stay_inside_their_topic_cluster() {
    let site = Site::fixture("related-clusters");
    site.build();
    let slugs = slugs(&site);
    assert!(slugs.len() >= 30);
    for slug in slugs.iter().filter(|s| !s.starts_with("unrelated")) {
        let related = related_of(&site, slug);
        assert!(related.len() >= 2, "{slug} has only {related:?}");
        assert!(related.len() <= 5);
        for link in &related {
            assert_eq!(cluster(link), cluster(slug), "{slug} links to {link}");
            assert_ne!(cluster(link), "unrelated");
        }
    }
    for slug in ["unrelated-1", "unrelated-2"] {
        assert!(
            related_of(&site, slug).len() <= 1,
            "the threshold keeps weak matches out of {slug}"
        );
    }
}

#[test]
fn pinned_articles_come_first() {
    let site = Site::fixture("related-clusters");
    site.build();
    assert_eq!(
        related_of(&site, "rust-5").first().map(String::as_str),
        Some("/articles/rust-3/")
    );
}

#[test]
fn a_removed_article_leaves_every_list() {
    let site = Site::fixture("related-clusters");
    site.build();
    let before: usize = slugs(&site)
        .iter()
        .map(|s| {
            related_of(&site, s)
                .iter()
                .filter(|l| l.ends_with("/gpu-2/"))
                .count()
        })
        .sum();
    assert!(before > 0);
    fs_err::remove_file(site.root().join("content/articles/gpu-2.md")).unwrap();
    site.build();
    assert!(!site.public().join("articles/gpu-2").exists());
    for slug in slugs(&site) {
        let html = site.page(&format!("articles/{slug}/index.html"));
        for link in hrefs(&html, "a[href]") {
            assert!(
                !link.ends_with("/gpu-2/"),
                "{slug} still links to the removed article"
            );
        }
    }
}

#[test]
fn builds_are_identical_whatever_the_number_of_threads() {
    let site = Site::fixture("related-clusters");
    let one = std::process::Command::new(env!("CARGO_BIN_EXE_kiosque"))
        .args(["build", "--output", "one"])
        .env("RAYON_NUM_THREADS", "1")
        .current_dir(site.root())
        .status()
        .unwrap();
    let four = std::process::Command::new(env!("CARGO_BIN_EXE_kiosque"))
        .args(["build", "--output", "four"])
        .env("RAYON_NUM_THREADS", "4")
        .current_dir(site.root())
        .status()
        .unwrap();
    assert!(one.success() && four.success());
    let files = |dir: &str| -> Vec<(String, Vec<u8>)> {
        let root = site.root().join(dir);
        let mut files: Vec<_> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(&root).unwrap().display().to_string(),
                    fs_err::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(files("one"), files("four"));
}

/// An article of `n` paragraphs, linking to `links`.
fn long_article(title: &str, date: &str, extra: &str, paragraphs: usize) -> String {
    let body: Vec<String> = (1..=paragraphs)
        .map(|i| format!("Paragraphe {i} sur les cartes graphiques et les GPU."))
        .collect();
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\ntags: [\"gpu\", \"nvidia\"]\ncategories: [\"Matériel\"]\n{extra}---\n{}\n",
        body.join("\n\n")
    )
}

#[test]
fn read_also_goes_after_the_third_paragraph_and_follows_the_front_matter() {
    let site = Site::fixture("related-clusters");
    site.write(
        "content/articles/long.md",
        long_article("Long", "2026-11-20", "", 6),
    );
    site.write(
        "content/articles/court.md",
        long_article("Court", "2026-11-20", "", 2),
    );
    site.write(
        "content/articles/sans.md",
        long_article("Sans", "2026-11-20", "read_also: false\n", 6),
    );
    site.write(
        "content/articles/choisi.md",
        long_article("Choisi", "2026-11-20", "read_also: rust-3\n", 6),
    );
    site.build();

    let long = site.page("articles/long/index.html");
    let blocks = long
        .select(&sel(".article-body > aside.read-also"))
        .collect::<Vec<_>>();
    assert_eq!(blocks.len(), 1);
    let paragraphs_before = blocks[0]
        .prev_siblings()
        .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "p"))
        .count();
    assert_eq!(paragraphs_before, 3);
    let target = hrefs(&long, "aside.read-also a");
    assert_eq!(
        target[0],
        hrefs(&long, "aside.related a")[0],
        "the best related article"
    );

    assert!(
        site.page("articles/court/index.html")
            .select(&sel("aside.read-also"))
            .next()
            .is_none()
    );
    assert!(
        site.page("articles/sans/index.html")
            .select(&sel("aside.read-also"))
            .next()
            .is_none()
    );
    assert_eq!(
        hrefs(
            &site.page("articles/choisi/index.html"),
            "aside.read-also a"
        ),
        ["/articles/rust-3/"]
    );
}

#[test]
fn read_also_skips_what_the_text_already_links() {
    let site = Site::fixture("related-clusters");
    site.write(
        "content/articles/long.md",
        long_article("Long", "2026-11-20", "", 6),
    );
    site.build();
    let best = hrefs(&site.page("articles/long/index.html"), "aside.related a")[0].clone();
    let best_slug = best
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let linking = long_article("Long", "2026-11-20", "", 6).replacen(
        "Paragraphe 1",
        &format!("Voir [cet article](@/articles/{best_slug}.md). Paragraphe 1"),
        1,
    );
    site.write("content/articles/long.md", linking);
    site.build();
    let html = site.page("articles/long/index.html");
    let in_text = hrefs(&html, ".article-body p a");
    assert!(in_text.contains(&best));
    let read_also = hrefs(&html, "aside.read-also a");
    assert_eq!(read_also.len(), 1);
    assert!(
        !in_text.contains(&read_also[0]),
        "{read_also:?} is already linked from the text"
    );
}

#[test]
fn recommendations_and_picks_never_show_the_page_itself() {
    let site = Site::fixture("related-clusters");
    for (slug, date) in [("pick-a", "2026-11-20"), ("pick-b", "2026-11-21")] {
        site.write(
            &format!("content/articles/{slug}.md"),
            article(slug, date).replace("---\nPremier", "editor_pick: true\n---\nPremier"),
        );
    }
    site.build();
    let a = site.page("articles/pick-a/index.html");
    assert_eq!(hrefs(&a, "aside.editor-picks a"), ["/articles/pick-b/"]);
    assert_eq!(
        hrefs(&a, "section.recommendations a"),
        ["/articles/pick-b/"]
    );
    assert_eq!(
        texts(&a, "section.recommendations h2"),
        ["Recommandations de la rédaction"]
    );
    let other = site.page("articles/gpu-1/index.html");
    assert_eq!(
        hrefs(&other, "aside.editor-picks a"),
        ["/articles/pick-b/", "/articles/pick-a/"]
    );
}

#[test]
fn explain_related_shows_each_signal() {
    let site = Site::fixture("related-clusters");
    let run = site.run(&["explain-related", "rust-5"]);
    assert!(run.success, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains("rust-5.md"));
    let pinned = lines
        .iter()
        .find(|l| l.trim_start().starts_with("pin"))
        .expect("the pinned article");
    assert!(pinned.contains("Rust"), "{pinned}");
    let unknown = site.run(&["explain-related", "nope"]);
    assert!(!unknown.success);
    assert!(unknown.stderr.contains("`nope`"));
}
