//! Fixture sites for integration tests: copied to a temporary folder with the
//! repository's theme, built with the real `kiosque` binary, read with a real HTML parser.
#![allow(dead_code)]

pub mod browser;
pub mod server;
pub mod static_server;

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

/// The output of one `kiosque` run.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`, with the newsroom theme unless it brings its own.
    pub fn fixture(name: &str) -> Self {
        let site = Self::empty();
        copy_dir(&repo().join("tests/fixtures").join(name), site.root());
        site.with_theme()
    }

    /// A copy of the example site of the repository.
    pub fn example() -> Self {
        let site = Self::empty();
        copy_dir(&repo().join("content"), &site.root().join("content"));
        fs_err::copy(repo().join("site.yaml"), site.root().join("site.yaml")).unwrap();
        if repo().join("templates").is_dir() {
            copy_dir(&repo().join("templates"), &site.root().join("templates"));
        }
        site.with_theme()
    }

    /// An empty folder.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn with_theme(self) -> Self {
        let theme = self.root().join("themes/newsroom");
        if !theme.exists() {
            copy_dir(&repo().join("themes/newsroom"), &theme);
        }
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the site root.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.root().join(relative);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, contents).unwrap();
        self
    }

    /// Runs `kiosque ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_kiosque"))
            .args(args)
            .current_dir(self.root())
            .output()
            .unwrap();
        Run {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `kiosque build`, which must succeed.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert!(run.success, "build failed:\n{}", run.stderr);
        run
    }

    /// A built text file (feed, sitemap).
    pub fn text(&self, relative: &str) -> String {
        fs_err::read_to_string(self.public().join(relative)).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// A built page, parsed.
    pub fn page(&self, relative: &str) -> Html {
        let path = self.public().join(relative);
        let text = fs_err::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        Html::parse_document(&text)
    }

    /// Every file under `public/`, relative, sorted.
    pub fn output_files(&self) -> Vec<String> {
        let mut files: Vec<String> = walkdir::WalkDir::new(self.public())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(self.public())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs_err::create_dir_all(&target).unwrap();
        } else {
            fs_err::create_dir_all(target.parent().unwrap()).unwrap();
            fs_err::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A CSS selector, parsed.
pub fn sel(selector: &str) -> Selector {
    Selector::parse(selector).unwrap()
}

/// The text of the elements matching `selector`, white space collapsed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&sel(selector))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The `href` of the links inside the elements matching `selector`.
pub fn hrefs(html: &Html, selector: &str) -> Vec<String> {
    html.select(&sel(selector))
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// An attribute of the elements matching `selector`.
pub fn attrs(html: &Html, selector: &str, attribute: &str) -> Vec<String> {
    html.select(&sel(selector))
        .filter_map(|e| e.value().attr(attribute).map(str::to_string))
        .collect()
}

/// The JSON-LD of a page, parsed.
pub fn json_ld(html: &Html) -> serde_json::Value {
    let scripts: Vec<String> = html
        .select(&sel(r#"script[type="application/ld+json"]"#))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1, "one JSON-LD script");
    assert!(
        !scripts[0].contains(['<', '>', '&']),
        "JSON-LD must escape <, > and &: {}",
        scripts[0]
    );
    serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("JSON-LD: {e}\n{}", scripts[0]))
}

/// The file a site-relative URL resolves to under `public/`, when it exists.
pub fn resolve(public: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut file = public.join(path.trim_start_matches('/'));
    if path.ends_with('/') || path.is_empty() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

/// A minimal valid article.
pub fn article(title: &str, date: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nauthor: alice\ncategories: [\"Tech\"]\ntags: [\"rust\"]\n---\nPremier paragraphe de {title}.\n"
    )
}
