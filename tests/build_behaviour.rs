//! Front matter forms, drafts, output folder rules, and the commands around `build`.

mod common;

use common::{Site, article, hrefs, texts};

fn minimal_site() -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/\nlanguage: fr\ntimezone: Europe/Paris\n",
    );
    common::copy_dir(
        &common::repo().join("themes/newsroom"),
        &site.root().join("themes/newsroom"),
    );
    site
}

#[test]
fn tolerated_front_matter_forms_all_build() {
    let site = minimal_site();
    site.write(
        "content/articles/bom.md",
        format!("\u{feff}{}", article("BOM", "2026-11-01")),
    );
    site.write(
        "content/articles/crlf.md",
        article("CRLF", "2026-11-02").replace('\n', "\r\n"),
    );
    site.write(
        "content/articles/spaces.md",
        article("Spaces", "2026-11-03").replacen("---\n", "---   \n", 1),
    );
    site.write(
        "content/articles/toml.md",
        "+++\ntitle = \"TOML\"\ndate = 2026-11-04T10:00:00+01:00\ntags = [\"rust\"]\n+++\nCorps.\n",
    );
    site.write(
        "content/articles/2026-11-05-jekyll-style.md",
        "---\ntitle: Jekyll\n---\nCorps.\n",
    );
    site.write(
        "content/articles/offset.md",
        article("Offset", "2026-11-06 09:30 +02:00"),
    );
    site.build();
    for (path, title) in [
        ("2026/11/bom/index.html", "BOM"),
        ("2026/11/crlf/index.html", "CRLF"),
        ("2026/11/spaces/index.html", "Spaces"),
        ("2026/11/toml/index.html", "TOML"),
        ("2026/11/jekyll-style/index.html", "Jekyll"),
        ("2026/11/offset/index.html", "Offset"),
    ] {
        assert_eq!(
            texts(&site.page(path), "article.article h1"),
            [title],
            "{path}"
        );
    }
    let jekyll = site.page("2026/11/jekyll-style/index.html");
    assert!(texts(&jekyll, "article.article .meta time")[0].contains("5 novembre 2026"));
}

#[test]
fn a_missing_title_warns_and_strict_fails() {
    let site = minimal_site();
    site.write(
        "content/articles/sans-titre.md",
        "---\ndate: 2026-11-01\n---\nCorps.\n",
    );
    let run = site.build();
    assert!(
        run.stderr
            .contains("content/articles/sans-titre.md:2:1: warning: no `title`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        texts(
            &site.page("2026/11/sans-titre/index.html"),
            "article.article h1"
        ),
        ["Sans titre"]
    );
    let strict = site.run(&["build", "--strict"]);
    assert!(!strict.success);
    assert!(
        strict
            .stderr
            .contains("sans-titre.md:2:1: error: no `title`"),
        "{}",
        strict.stderr
    );
}

#[test]
fn a_typo_in_a_front_matter_key_warns_and_goes_to_extra() {
    let site = minimal_site();
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2026-11-01\ntag: [rust]\nsponsor: acme\n---\nCorps.\n",
    );
    let run = site.build();
    assert!(
        run.stderr
            .contains("a.md:4:1: warning: unknown front matter key `tag`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `tags`?"));
    assert!(
        !run.stderr.contains("sponsor"),
        "keys that are not typos go to extra silently"
    );
}

#[test]
fn drafts_only_with_the_flag() {
    let site = minimal_site();
    site.write(
        "content/articles/publie.md",
        article("Publié", "2026-11-01"),
    );
    site.write(
        "content/articles/brouillon.md",
        article("Brouillon", "2026-11-02").replace("---\nPremier", "draft: true\n---\nPremier"),
    );
    site.build();
    assert!(!site.public().join("2026/11/brouillon").exists());
    let run = site.run(&["build", "--drafts"]);
    assert!(run.success, "{}", run.stderr);
    assert!(site.public().join("2026/11/brouillon/index.html").is_file());
    site.build();
    assert!(
        !site.public().join("2026/11/brouillon").exists(),
        "a rebuild removes what the build no longer makes"
    );
}

#[test]
fn dangerous_urls_never_reach_the_page() {
    let site = minimal_site();
    site.write(
        "content/articles/x.md",
        "---\ntitle: X\ndate: 2026-11-01\n---\n[a](javascript:alert(1)) [b]( JAVASCRIPT:alert(1)) ![c](data:image/svg+xml,x) [d](vbscript:x) [ok](https://example.org/)\n",
    );
    site.build();
    let html = site.page("2026/11/x/index.html");
    let links = hrefs(&html, ".article-body a");
    assert!(links.contains(&"https://example.org/".to_string()));
    for link in &links {
        let lower = link.to_lowercase();
        assert!(
            !lower.contains("script:") && !lower.starts_with("data:"),
            "{link}"
        );
    }
    for img in html.select(&common::sel(".article-body img")) {
        assert!(!img.value().attr("src").unwrap_or("").starts_with("data:"));
    }
}

#[test]
fn base_url_override_puts_the_path_in_every_link() {
    let site = minimal_site();
    site.write("content/articles/a.md", article("A", "2026-11-01"));
    let run = site.run(&["build", "--base-url", "https://user.github.io/blog/"]);
    assert!(run.success, "{}", run.stderr);
    let home = site.page("index.html");
    let links = hrefs(&home, "a[href]");
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("/blog/") || l.starts_with('#') || l.starts_with("http")),
        "{links:?}"
    );
    assert!(links.contains(&"/blog/2026/11/a/".to_string()));
}

#[test]
fn refuses_to_clean_a_folder_it_did_not_make() {
    let site = minimal_site();
    site.write("content/articles/a.md", article("A", "2026-11-01"));
    site.write("photos/famille.jpg", "precious");
    let run = site.run(&["build", "--output", "photos"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("not empty and was not made by kiosque"),
        "{}",
        run.stderr
    );
    assert!(site.root().join("photos/famille.jpg").is_file());
    let run = site.run(&["build", "--output", "."]);
    assert!(!run.success);
    assert!(run.stderr.contains("site root"), "{}", run.stderr);
}

#[test]
fn init_makes_a_site_that_builds_and_new_makes_a_dated_draft() {
    let parent = Site::empty();
    let run = parent.run(&["init", "monsite"]);
    assert!(run.success, "{}", run.stderr);
    let run = parent.run(&[
        "new",
        "--root",
        "monsite",
        "Le créateur de ChatGPT vient d'être licencié",
    ]);
    assert!(run.success, "{}", run.stderr);
    let created = run.stdout.trim().trim_start_matches("Created ").to_string();
    assert!(
        created.ends_with("/le-createur-de-chatgpt-vient-detre-licencie.md"),
        "{created}"
    );
    let text = fs_err::read_to_string(parent.root().join(&created)).unwrap();
    assert!(text.contains("title: \"Le créateur de ChatGPT vient d'être licencié\""));
    assert!(text.contains("draft: true"));
    let again = parent.run(&[
        "new",
        "--root",
        "monsite",
        "Le créateur de ChatGPT vient d'être licencié",
    ]);
    assert!(!again.success, "new never overwrites");
    let build = parent.run(&["build", "--root", "monsite", "--drafts"]);
    assert!(build.success, "{}", build.stderr);
    assert!(parent.root().join("monsite/public/index.html").is_file());
    let init_again = parent.run(&["init", "monsite"]);
    assert!(!init_again.success, "init never writes into a site");
}

#[test]
fn a_huge_article_builds() {
    let site = minimal_site();
    let paragraph =
        "Un paragraphe de texte assez long pour peser, avec *un peu* de **gras** et du `code`. "
            .repeat(20);
    let mut body = String::with_capacity(51 << 20);
    while body.len() < 50 << 20 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    site.write(
        "content/articles/enorme.md",
        format!("---\ntitle: Énorme\ndate: 2026-11-01\n---\n{body}"),
    );
    site.build();
    assert!(
        site.public()
            .join("2026/11/enorme/index.html")
            .metadata()
            .unwrap()
            .len()
            > 50 << 20
    );
}
