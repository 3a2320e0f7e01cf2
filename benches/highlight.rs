//! Cost of highlighting one fenced code block, per language, through the same code
//! path as a build (`CodeHighlighter::render_block`). Samples are ~20–30 lines each,
//! the size of a code block in a tutorial.
//!
//! `cargo bench --bench highlight`

use kiosque::markdown::CodeHighlighter;

fn main() {
    divan::main();
}

const LANGUAGES: &[&str] = &[
    "rust",
    "python",
    "javascript",
    "typescript",
    "go",
    "c",
    "cpp",
    "java",
    "bash",
    "json",
    "yaml",
    "toml",
    "sql",
    "html",
    "css",
    "diff",
    "dockerfile",
];

fn sample(lang: &str) -> String {
    let path = format!("{}/benches/code/{lang}.txt", env!("CARGO_MANIFEST_DIR"));
    fs_err::read_to_string(path).expect("bench sample")
}

/// One block, grammars already compiled: the cost paid for every block of a build.
#[divan::bench(args = LANGUAGES)]
fn block(bencher: divan::Bencher, lang: &str) {
    let highlighter = CodeHighlighter::new();
    let code = sample(lang);
    highlighter.render_block(lang, &code);
    bencher
        .bench_local(|| highlighter.render_block(divan::black_box(lang), divan::black_box(&code)));
}

/// The first block of a language in a build: the grammar and its queries are compiled.
#[divan::bench(args = ["rust", "python", "typescript"], sample_count = 10, sample_size = 1)]
fn first_block_of_a_language(bencher: divan::Bencher, lang: &str) {
    let code = sample(lang);
    bencher
        .with_inputs(CodeHighlighter::new)
        .bench_local_values(|highlighter| highlighter.render_block(lang, &code));
}

/// The 17 samples in a row, as an article with one block of each language.
#[divan::bench]
fn all_languages(bencher: divan::Bencher) {
    let highlighter = CodeHighlighter::new();
    let samples: Vec<(&str, String)> = LANGUAGES.iter().map(|l| (*l, sample(l))).collect();
    for (lang, code) in &samples {
        highlighter.render_block(lang, code);
    }
    bencher.bench_local(|| {
        for (lang, code) in &samples {
            divan::black_box(highlighter.render_block(lang, code));
        }
    });
}
