//! `kiosque check`: broken links, anchors and images, found in a build made in memory.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use common::Site;

#[test]
fn the_example_site_passes() {
    let site = Site::example();
    let run = site.run(&["check"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(": 0 problem(s)."), "{}", run.stdout);
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn the_hostile_fixture_passes_with_its_base_path() {
    let site = Site::fixture("hostile");
    let run = site.run(&["check"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
}

#[test]
fn planted_broken_links_anchors_and_images_are_found_where_they_are_written() {
    let site = Site::example();
    let file = "content/articles/2026/11/une-carte-graphique-taillee-pour-lia-locale.md";
    let mut text = fs_err::read_to_string(site.root().join(file)).unwrap();
    let first_line = text.lines().count() + 2;
    text.push_str(concat!(
        "\nVoir [absent](/2026/11/nulle-part/), ",
        // An `@/…#anchor` to a missing heading fails the build (tests/bad_input.rs,
        // bad-anchor): the broken anchor planted for `check` is a site path.
        "[ancre](/2026/10/la-memoire-vive-flambe-les-pc-aussi/#introuvable), ",
        "[bonne ancre](@/articles/2026/10/la-memoire-vive-flambe-les-pc-aussi.md), ",
        "![image](/images/absente.png), [relatif](../../10/la-memoire-vive-flambe-les-pc-aussi/), ",
        "[relatif cassé](../../10/absent/) et [ici](#pas-de-titre).\n",
    ));
    fs_err::write(site.root().join(file), text).unwrap();
    let config = fs_err::read_to_string(site.root().join("site.yaml")).unwrap();
    fs_err::write(
        site.root().join("site.yaml"),
        config.replace("url: \"/contact/\"", "url: \"/contacts/\""),
    )
    .unwrap();

    let run = site.run(&["check"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(
        run.stdout.contains(": 6 problem(s)."),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let at =
        |column: usize, message: &str| format!("{file}:{first_line}:{column}: error: {message}");
    for expected in [
        at(
            15,
            "`/2026/11/nulle-part/` points to a page that does not exist",
        ),
        at(
            46,
            "`/2026/10/la-memoire-vive-flambe-les-pc-aussi/#introuvable` points to the anchor #introuvable",
        ),
        at(189, "`/images/absente.png` is a missing image"),
        at(
            285,
            "`../../10/absent/` points to a page that does not exist",
        ),
        at(312, "`#pas-de-titre` points to the anchor #pas-de-titre"),
    ] {
        assert!(
            run.stderr.contains(&expected),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("`/contacts/` points to a page that does not exist (and on"),
        "a broken menu link is reported once: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: this link is in a template, a menu or site.yaml")
    );
}

#[test]
fn a_build_error_is_reported_and_nothing_is_checked() {
    let site = Site::fixture("bad-yaml");
    let run = site.run(&["check"]);
    assert!(!run.success);
    assert!(run.stderr.contains("nothing was checked"), "{}", run.stderr);
}

/// A local HTTP server answering 200 on `/ok`, 405 to HEAD then 200 to GET on
/// `/no-head`, 404 elsewhere; it serves `requests` requests and stops.
fn local_server(requests: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let mut words = request_line.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            seen.push(format!("{method} {path}"));
            let status = match (method, path) {
                (_, "/ok") | ("GET", "/no-head") => "200 OK",
                ("HEAD", "/no-head") => "405 Method Not Allowed",
                _ => "404 Not Found",
            };
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
        }
        seen
    });
    (address, handle)
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let (server, handle) = local_server(4);
    let site = Site::fixture("hostile");
    site.write(
        "content/articles/liens.md",
        format!(
            "---\ntitle: Liens\ndate: 2026-11-01\n---\n[a]({server}/ok) [b]({server}/ok#x) [c]({server}/missing) [d]({server}/no-head)\n"
        ),
    );
    let quiet = site.run(&["check"]);
    assert!(quiet.success, "{}", quiet.stderr);

    // Links of the fixture to other hosts fail fast: nothing listens on port 9.
    let site_links = fs_err::read_to_string(site.root().join("content/articles/att.md")).unwrap();
    fs_err::write(
        site.root().join("content/articles/att.md"),
        site_links
            .replace(
                "https://example.org/search?q=a&b=c",
                "http://127.0.0.1:9/search?q=a&b=c",
            )
            .replace(
                "https://cdn.example.org/img.png?w=1200&h=675",
                "/images/logo.png",
            ),
    )
    .unwrap();
    fs_err::write(
        site.root().join("content/authors/o-brien.md"),
        "---\nname: O'Brien\n---\nBio.\n",
    )
    .unwrap();
    let run = site.run(&[
        "check",
        "--external",
        "--timeout",
        "5",
        "--concurrency",
        "2",
    ]);
    assert!(!run.success, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("`{server}/missing` answers HTTP 404")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`http://127.0.0.1:9/search?q=a&b=c` cannot be reached"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("external URLs requested: 2 problem(s)."),
        "{}",
        run.stdout
    );
    let seen = handle.join().unwrap();
    assert_eq!(
        seen.iter().filter(|r| r.ends_with("/ok")).count(),
        1,
        "each URL once: {seen:?}"
    );
    assert!(seen.contains(&"GET /no-head".to_string()), "{seen:?}");
}
