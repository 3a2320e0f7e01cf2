//! Micro-benchmarks of the hot paths: front matter, Markdown, related articles,
//! template rendering. `cargo bench --bench pipeline`.

use std::path::Path;

use kiosque::build::{BuildOptions, prepare};
use kiosque::content::{front_matter, matter};
use kiosque::markdown::{self, CodeHighlighter, ExternalLinks, LinkMap, MarkdownOptions};
use kiosque::site::related::{RelatedConfig, RelatedDoc, related_lists};

fn main() {
    divan::main();
}

/// A news article as the corpus generator writes them: front matter, then ~900 words.
fn sample_article() -> String {
    let paragraph = "Le constructeur a présenté mardi une *nouvelle* puce graphique destinée à \
        l'IA locale, avec 64 Go de mémoire et une consommation de 300 W. Les premiers tests \
        montrent des gains nets sur les modèles de langage [quantifiés](https://example.org/x), \
        mais le prix reste `élevé` pour un particulier.";
    let mut body = String::new();
    for section in 0..4 {
        body.push_str(&format!("## Partie {section}\n\n"));
        for _ in 0..4 {
            body.push_str(paragraph);
            body.push_str("\n\n");
        }
        body.push_str(
            "- un point\n- un autre point\n\n```rust\nfn main() { println!(\"ok\"); }\n```\n\n",
        );
    }
    format!(
        "---\ntitle: \"Nvidia dévoile une carte « pensée » pour l'IA locale\"\ndate: 2025-12-30T04:37:45+01:00\n\
         author: emily-johnson\ncategories:\n  - \"Matériel\"\ntags:\n  - \"gpu\"\n  - \"ia locale\"\n  - \"nvidia\"\n\
         summary: \"Une phrase.\"\neditor_pick: false\ndraft: false\nimage: /images/x.jpg\n---\n\n{body}"
    )
}

#[divan::bench]
fn front_matter_split_and_parse(bencher: divan::Bencher) {
    let text = sample_article();
    bencher.bench(|| {
        let split = front_matter::split(divan::black_box(&text)).unwrap();
        matter::parse(Path::new("a.md"), &text, &split).unwrap()
    });
}

#[divan::bench]
fn markdown_article(bencher: divan::Bencher) {
    let text = sample_article();
    let split = front_matter::split(&text).unwrap();
    let links = LinkMap::new();
    let highlighter = CodeHighlighter::new();
    let options = MarkdownOptions {
        links: &links,
        base_path: "/",
        external_links: ExternalLinks::default(),
        read_also_after: 3,
        read_also_min_paragraphs: 5,
        shortcodes: None,
        highlighter: &highlighter,
    };
    bencher.bench(|| {
        markdown::render(
            Path::new("a.md"),
            divan::black_box(split.body),
            20,
            "fr",
            &options,
        )
    });
}

/// Deterministic word soup with topic words, for the related engine.
fn synthetic_docs(count: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let words = [
        "gpu",
        "puce",
        "mémoire",
        "rust",
        "noyau",
        "linux",
        "sécurité",
        "faille",
        "rançongiciel",
        "jeu",
        "studio",
        "console",
        "smartphone",
        "batterie",
        "écran",
        "modèle",
        "langage",
        "données",
        "cloud",
        "réseau",
    ];
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let texts = (0..count)
        .map(|_| {
            (0..300)
                .map(|_| words[next() % words.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let tags = (0..count)
        .map(|_| (0..3).map(|_| format!("tag{}", next() % 50)).collect())
        .collect();
    (texts, tags)
}

#[divan::bench(args = [1000])]
fn related_lists_of(bencher: divan::Bencher, count: usize) {
    let (texts, tags) = synthetic_docs(count);
    let empty: Vec<String> = Vec::new();
    let docs: Vec<RelatedDoc<'_>> = (0..count)
        .map(|i| RelatedDoc {
            title: texts[i].split_once(" ").map_or("", |(first, _)| first),
            summary: "",
            body_text: &texts[i],
            tags: &tags[i],
            categories: &empty,
            authors: &empty,
            series: None,
            date: jiff::Timestamp::from_second(1_700_000_000 - i as i64 * 3600).unwrap(),
            pinned: Vec::new(),
        })
        .collect();
    let config = RelatedConfig::default();
    bencher.bench(|| related_lists(&docs, &config));
}

#[divan::bench(sample_count = 10)]
fn render_example_site(bencher: divan::Bencher) {
    let options = BuildOptions {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        ..BuildOptions::default()
    };
    let mut prepared = prepare(&options).expect("the example site builds");
    bencher
        .bench_local(|| kiosque::render::render(&prepared.site, &mut prepared.templates).unwrap());
}
