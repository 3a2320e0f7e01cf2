//! `kiosque serve` over HTTP: a real server process on 127.0.0.1 and a free port,
//! real file edits, real requests.

mod common;

use std::time::Duration;

use common::server::{
    Server, save_atomically, save_by_delete_and_create, save_like_vim, without_script,
};
use common::{Site, article, texts};
use scraper::Html;

const AURORE: &str = "content/articles/2026/09/le-navigateur-europeen-aurore-passe-en-1-0.md";
const AURORE_URL: &str = "/2026/09/le-navigateur-europeen-aurore-passe-en-1-0/";
/// An article no other links to.
const DELETED: &str =
    "content/articles/2026/09/le-jeu-independant-francais-brume-cartonne-sur-steam.md";
const DELETED_URL: &str = "/2026/09/le-jeu-independant-francais-brume-cartonne-sur-steam/";
/// Long enough for a save's last event to be debounced and built.
const QUIET: Duration = Duration::from_millis(1500);

fn read(site: &Site, relative: &str) -> String {
    fs_err::read_to_string(site.root().join(relative)).unwrap()
}

fn h1(body: &str) -> Vec<String> {
    texts(&Html::parse_document(body), "article.article h1")
}

#[test]
fn serves_the_site_from_memory_with_the_reload_script_in_pages_only() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.body
            .contains("<script src=\"/__kiosque/livereload.js\" defer></script>\n</body>")
    );
    let page = server.get(AURORE_URL);
    assert_eq!(
        h1(&page.body),
        ["Le navigateur européen Aurore passe en 1.0"]
    );
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers["cache-control"], "no-store");

    let css = server.get("/css/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(!css.body.contains("livereload"));
    assert!(
        server
            .get("/__kiosque/livereload.js")
            .body
            .contains("EventSource")
    );
    let image = server.get("/images/logo.svg");
    assert_eq!(image.status, 200);

    let missing = server.get("/nulle-part/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "the site's 404 page");
    // A folder without its slash is redirected, as static hosts do.
    let redirect = server.raw_get("/2026/09/le-navigateur-europeen-aurore-passe-en-1-0");
    assert_eq!(redirect, 308);
    assert!(!site.public().exists(), "serve never writes public/");
}

#[test]
fn the_search_index_is_built_in_the_background_and_served() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    assert!(
        server
            .wait_line(|l| l.starts_with("Search index:"))
            .is_some(),
        "{:#?}",
        server.log
    );
    let script = server.get("/pagefind/pagefind.js");
    assert_eq!(script.status, 200);
    assert!(!script.body.contains("livereload"));
    assert_eq!(server.get("/recherche/").status, 200);
}

#[test]
fn a_body_edit_reaches_its_page_and_reloads_no_other() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let events = server.events();
    let path = site.root().join(AURORE);
    // One word for another: the same reading time, so the article's card stays as it was.
    let text = read(&site, AURORE).replace("volontairement sobre", "délibérément sobre");
    fs_err::write(&path, text).unwrap();
    assert!(server.wait_for(AURORE_URL, |a| a.body.contains("délibérément sobre")));
    let built = events.next_of("built").expect("a rebuild message");
    assert_eq!(built["paths"], serde_json::json!([AURORE_URL]), "{built}");
    assert_eq!(built["all"], false);
    assert_eq!(server.builds_after(QUIET), 2, "{:#?}", server.log);
}

#[test]
fn editors_save_patterns_give_one_rebuild_per_save() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let path = site.root().join(AURORE);
    let original = read(&site, AURORE);
    type Save = fn(&std::path::Path, &str);
    let saves: [(&str, Save); 3] = [
        ("temporary file and rename", save_atomically),
        ("vim", save_like_vim),
        ("delete then create", save_by_delete_and_create),
    ];
    let mut builds = server.builds_after(Duration::ZERO);
    for (index, (how, save)) in saves.into_iter().enumerate() {
        let marker = format!("Sauvegarde numéro {index}.");
        save(&path, &format!("{original}\n{marker}\n"));
        assert!(
            server.wait_for(AURORE_URL, |a| a.body.contains(&marker)),
            "{how}: the new text is not served"
        );
        let after = server.builds_after(QUIET);
        assert_eq!(
            after,
            builds + 1,
            "{how}: one save, one rebuild\n{:#?}",
            server.log
        );
        builds = after;
    }
}

#[test]
fn a_burst_of_writes_gives_at_most_two_rebuilds_and_serves_the_last() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let path = site.root().join(AURORE);
    let original = read(&site, AURORE);
    let before = server.builds_after(Duration::ZERO);
    for write in 0..50 {
        fs_err::write(&path, format!("{original}\nÉcriture {write} sur 50.\n")).unwrap();
        std::thread::sleep(Duration::from_millis(4));
    }
    assert!(server.wait_for(AURORE_URL, |a| a.body.contains("Écriture 49 sur 50.")));
    let builds = server.builds_after(QUIET) - before;
    assert!(
        (1..=2).contains(&builds),
        "{builds} rebuilds\n{:#?}",
        server.log
    );
    assert!(server.get(AURORE_URL).body.contains("Écriture 49 sur 50."));
}

#[test]
fn renames_and_deletes_while_serving() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let renamed = AURORE.replace("le-navigateur", "aurore-le-navigateur");
    fs_err::rename(site.root().join(AURORE), site.root().join(&renamed)).unwrap();
    let new_url = AURORE_URL.replace("le-navigateur", "aurore-le-navigateur");
    assert!(server.wait_for(&new_url, |a| a.status == 200));
    assert_eq!(server.get(AURORE_URL).status, 404);
    // Lists follow: the home page links to the new address.
    assert!(server.wait_for("/page/2/", |a| a.body.contains(&new_url)));

    assert_eq!(server.get(DELETED_URL).status, 200);
    fs_err::remove_file(site.root().join(DELETED)).unwrap();
    assert!(server.wait_for(DELETED_URL, |a| a.status == 404));

    // A folder renamed as a whole: its articles move with it.
    fs_err::rename(
        site.root().join("content/articles/2026/11"),
        site.root().join("content/articles/2026/novembre"),
    )
    .unwrap();
    assert!(server.wait_for(
        "/2026/11/une-carte-graphique-taillee-pour-lia-locale/",
        |a| a.status == 200
    ));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn writes_into_public_never_rebuild() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let before = server.builds_after(Duration::ZERO);
    site.write("public/index.html", "<p>écrit par un autre outil</p>");
    site.write("public/2026/x/index.html", "x");
    site.write("notes.txt", "pas une source");
    assert_eq!(server.builds_after(QUIET), before, "{:#?}", server.log);
    assert!(
        server.get("/").body.contains("article"),
        "still the built site"
    );
}

#[test]
fn a_build_error_keeps_the_last_good_pages_and_reaches_open_pages() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let events = server.events();
    let path = site.root().join(AURORE);
    let original = read(&site, AURORE);
    let broken = original.replacen(
        "date: 2026-09-22T14:00:00+02:00",
        "date: \"<b>pas une date</b>\"",
        1,
    );
    fs_err::write(&path, &broken).unwrap();
    let failed = events.next_of("failed").expect("a failure message");
    let error = &failed["errors"][0];
    assert_eq!(error["file"], AURORE, "{failed}");
    assert_eq!(error["line"], 3, "{failed}");
    assert!(error["column"].as_u64().unwrap() >= 1);
    assert!(server.wait_line(|l| l.contains("failed with")).is_some());

    // The last good page is still served, and a page opened now learns of the error.
    let page = server.get(AURORE_URL);
    assert_eq!(
        h1(&page.body),
        ["Le navigateur européen Aurore passe en 1.0"]
    );
    let late = server.events();
    assert_eq!(late.next().expect("the current failure")["kind"], "failed");

    // Another file changing while this one is broken does not serve a half site.
    let other = site
        .root()
        .join("content/articles/2026/10/la-memoire-vive-flambe-les-pc-aussi.md");
    let other_text = fs_err::read_to_string(&other).unwrap() + "\nAjout.\n";
    fs_err::write(&other, other_text).unwrap();
    assert_eq!(
        events.next_of("failed").expect("still failing")["errors"][0]["file"],
        AURORE
    );

    fs_err::write(&path, original.clone() + "\nRéparé.\n").unwrap();
    let built = events.next_of("built").expect("a rebuild after the fix");
    assert!(
        built["paths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == AURORE_URL),
        "{built}"
    );
    assert!(server.get(AURORE_URL).body.contains("Réparé."));
    assert!(
        server
            .get("/2026/10/la-memoire-vive-flambe-les-pc-aussi/")
            .body
            .contains("Ajout.")
    );

    // A template error, then its fix: the server never exits because of content.
    let template = site.root().join("themes/newsroom/templates/article.html");
    let good = fs_err::read_to_string(&template).unwrap();
    fs_err::write(
        &template,
        good.replace("{{ article.title }}</h1>", "{{ article.nope }}</h1>"),
    )
    .unwrap();
    let failed = events.next_of("failed").expect("a template failure");
    assert!(
        failed["errors"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("article.html"),
        "{failed}"
    );
    fs_err::write(&template, good).unwrap();
    assert!(events.next_of("built").is_some());
    assert_eq!(server.get(AURORE_URL).status, 200);
}

#[test]
fn paths_outside_the_site_answer_404_and_the_server_goes_on() {
    let site = Site::example();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", site.root().join("content/secret.txt")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", site.root().join("content/etc")).unwrap();
    let server = Server::start(&site, &[]);
    for target in [
        "/../../etc/passwd",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/css/..%2f..%2f..%2fsite.yaml",
        "/..\\..\\etc\\passwd",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/site.yaml",
        "/content/articles/2026/09/le-navigateur-europeen-aurore-passe-en-1-0.md",
        "/secret.txt",
        "/etc/passwd",
        "/%00",
    ] {
        assert_eq!(server.raw_get(target), 404, "{target}");
    }
    assert_eq!(server.raw_get("/"), 200, "still answering");
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let own_origin = format!("http://{}", server.host());
    for path in ["/", AURORE_URL, "/__kiosque/livereload.js"] {
        assert_eq!(
            server.get_with(path, &[("Host", "evil.example")]).status,
            403
        );
        assert_eq!(
            server.get_with(path, &[("Host", "evil.example:80")]).status,
            403
        );
        assert_eq!(
            server
                .get_with(path, &[("Origin", "http://evil.example")])
                .status,
            403
        );
        assert_eq!(
            server
                .get_with(path, &[("Origin", "http://127.0.0.1:1")])
                .status,
            403
        );
        assert_eq!(server.get_with(path, &[("Origin", "null")]).status, 403);
        let own = server.get_with(path, &[("Origin", &own_origin)]);
        assert_eq!(own.status, 200);
        assert!(!own.headers.contains_key("access-control-allow-origin"));
        assert_eq!(server.get_with(path, &[("Host", "localhost")]).status, 200);
    }
    assert_eq!(
        server.events_with(&[("Host", "rebinding.example")]).status,
        403
    );
    assert_eq!(
        server
            .events_with(&[("Origin", "http://evil.example")])
            .status,
        403
    );
    let events = server.events_with(&[("Origin", &own_origin)]);
    assert_eq!(events.status, 200);
}

#[test]
fn drafts_and_future_articles_only_with_the_flag_and_marked() {
    let site = Site::empty();
    site.write("site.yaml", "title: Test\nlanguage: fr\n");
    common::copy_dir(
        &common::repo().join("themes/newsroom"),
        &site.root().join("themes/newsroom"),
    );
    site.write(
        "content/articles/publie.md",
        article("Publié", "2026-01-01"),
    );
    site.write(
        "content/articles/brouillon.md",
        article("Brouillon", "2026-01-02").replacen("---\n", "---\ndraft: true\n", 1),
    );
    site.write(
        "content/articles/demain.md",
        article("Demain", "2999-01-01"),
    );
    {
        let server = Server::start(&site, &[]);
        assert_eq!(server.get("/2026/01/publie/").status, 200);
        assert_eq!(server.get("/2026/01/brouillon/").status, 404);
        assert_eq!(server.get("/2999/01/demain/").status, 404);
    }
    let server = Server::start(&site, &["--drafts"]);
    let draft = Html::parse_document(&server.get("/2026/01/brouillon/").body);
    assert_eq!(texts(&draft, "article.article .badge-draft"), ["Brouillon"]);
    let future = Html::parse_document(&server.get("/2999/01/demain/").body);
    assert_eq!(
        texts(&future, "article.article .badge-scheduled"),
        ["Programmé"]
    );
    let published = Html::parse_document(&server.get("/2026/01/publie/").body);
    assert!(texts(&published, "article.article .badge").is_empty());
}

#[test]
fn css_changes_apply_without_a_page_reload() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let events = server.events();
    let css = site.root().join("themes/newsroom/static/css/style.css");
    let text = fs_err::read_to_string(&css).unwrap() + "\n.kiosque-test { color: red; }\n";
    fs_err::write(&css, text).unwrap();
    let built = events.next_of("built").expect("a rebuild message");
    assert_eq!(built["css"], true, "{built}");
    assert_eq!(built["all"], false, "{built}");
    assert_eq!(built["paths"], serde_json::json!([]), "{built}");
    assert!(server.get("/css/style.css").body.contains(".kiosque-test"));
}

/// Whatever the edits, the served site is what a full build makes.
#[test]
fn incremental_rebuilds_serve_what_a_full_build_makes() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    let edit = |server: &mut Server, what: &str, change: &dyn Fn()| {
        change();
        assert!(
            server.wait_line(|l| l.starts_with("Build ")).is_some(),
            "{what}: no rebuild"
        );
        server.builds_after(QUIET);
        assert!(
            !server.log.iter().any(|l| l.contains("failed")),
            "{what}\n{:#?}",
            server.log
        );
    };
    let root = site.root().to_path_buf();
    let rewrite = |relative: &str, from: &str, to: &str| {
        let path = root.join(relative);
        let text = fs_err::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?}");
        fs_err::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let oldest = "content/articles/2026/09/premier-pc-de-bureau-risc-v-grand-public.md";
    edit(&mut server, "body", &|| {
        rewrite(AURORE, "## Une 1.0", "## Une version 1.0")
    });
    edit(&mut server, "title", &|| {
        rewrite(AURORE, "title: \"Le navigateur", "title: \"Le butineur")
    });
    edit(&mut server, "date", &|| {
        rewrite(AURORE, "date: 2026-09-22", "date: 2026-11-20")
    });
    edit(&mut server, "tags", &|| {
        rewrite(oldest, "tags: [", "tags: [\"nouveau-tag\", ")
    });
    edit(&mut server, "category", &|| {
        rewrite(
            oldest,
            "categories: [\"",
            "categories: [\"Nouvelle rubrique\", \"",
        )
    });
    edit(&mut server, "editor pick", &|| {
        rewrite(oldest, "---\n", "---\neditor_pick: true\n")
    });
    edit(&mut server, "new article", &|| {
        fs_err::write(
            root.join("content/articles/2026/09/neuf.md"),
            article("Tout neuf", "2026-09-23"),
        )
        .unwrap();
    });
    edit(&mut server, "delete", &|| {
        fs_err::remove_file(root.join(DELETED)).unwrap();
    });
    edit(&mut server, "page", &|| {
        rewrite(
            "content/pages/a-propos.md",
            "title: \"",
            "title: \"Qui sommes-nous ? ",
        )
    });
    edit(&mut server, "author", &|| {
        rewrite(
            "content/authors/jeanne-martin.md",
            "name: \"Jeanne Martin\"",
            "name: \"Jeanne Martin-Durand\"",
        )
    });
    edit(&mut server, "template", &|| {
        rewrite(
            "themes/newsroom/templates/partials/card.html",
            "<article class=\"card\">",
            "<article class=\"card\" data-x>",
        )
    });

    let base_url = server.url("/");
    let full = site.run(&["build", "--base-url", &base_url]);
    assert!(full.success, "{}", full.stderr);
    let files = site.output_files();
    assert!(
        files
            .iter()
            .any(|f| f == "2026/11/le-navigateur-europeen-aurore-passe-en-1-0/index.html"),
        "{files:#?}"
    );
    // Pages, and the feeds, sitemaps and robots.txt made from the whole site.
    let made = |f: &&String| [".html", ".xml", ".txt"].iter().any(|ext| f.ends_with(ext));
    let checked: Vec<&String> = files.iter().filter(made).collect();
    assert!(
        checked.iter().any(|f| f.ends_with("sitemap.xml")),
        "{checked:#?}"
    );
    for file in checked {
        let url = format!("/{}", file.strip_suffix("index.html").unwrap_or(file));
        let served = server.get(&url);
        let built = fs_err::read_to_string(site.public().join(file)).unwrap();
        assert_eq!(
            without_script(&served.body),
            built,
            "{url} differs from a full build"
        );
    }
    assert_eq!(server.get(AURORE_URL).status, 404);
    assert_eq!(server.get(DELETED_URL).status, 404);
    // The new article's related list came with the pass that follows a pause.
    let new_article = Html::parse_document(&server.get("/2026/09/neuf/").body);
    assert!(!texts(&new_article, "aside.related li").is_empty());
}
