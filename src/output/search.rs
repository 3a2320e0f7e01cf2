//! The search index: Pagefind, run in-process over the rendered article pages.
//!
//! Only article pages are given to Pagefind, and the theme marks what it indexes
//! inside them (`data-pagefind-body`, `data-pagefind-ignore`, filters and sort keys
//! in `article.html`). Pagefind's bundle (index, fragments, its scripts, styles and
//! WebAssembly) goes under `pagefind/` with the other output files.

use std::path::PathBuf;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::content::permalink::safe_path;
use crate::diagnostic::Diagnostic;
use crate::output::{Contents, Files};
use crate::site::Site;

/// The folder of the output that holds Pagefind's bundle.
pub const BUNDLE_DIR: &str = "pagefind";

/// One page for the index: the source file (for messages), its URL, its HTML.
pub struct SearchPage {
    pub file: PathBuf,
    pub url: String,
    pub html: String,
}

/// Indexes the article pages among `files`; returns Pagefind's bundle as
/// (path below the output folder, bytes).
pub fn index(site: &Site, files: &Files) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let config = &site.config;
    let pages = site.articles.iter().map(|article| {
        let path = safe_path(&article.permalink)
            .map_err(|message| Diagnostic::error(&article.body.file, 1, 1, message))?;
        let Some(Contents::Bytes(html)) = files.get(&path) else {
            return Err(failure(format!(
                "the page of {} was not rendered",
                article.path
            )));
        };
        Ok(SearchPage {
            file: article.body.file.clone(),
            url: config.link(&article.permalink),
            // Pagefind takes the page as an owned String; pages are rendered from UTF-8 templates.
            html: String::from_utf8_lossy(html).into_owned(),
        })
    });
    index_pages(&config.language, pages)
}

/// Indexes `pages` (made one at a time, so that they are not all copied at once) in
/// the site language; returns Pagefind's bundle as (path below the output folder, bytes).
pub fn index_pages(
    language: &str,
    pages: impl IntoIterator<Item = Result<SearchPage, Diagnostic>>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    // Pagefind's API is async but indexes one page at a time: one thread is enough.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failure(format!("cannot start the indexer: {e}")))?;
    runtime.block_on(index_all(language, pages))
}

async fn index_all(
    language: &str,
    pages: impl IntoIterator<Item = Result<SearchPage, Diagnostic>>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    // One index in the site language, whatever `lang` a theme puts on a page: the
    // search page loads that one, and its stemmer (French for `fr`) is the right one.
    let options = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| failure(format!("{e:#}")))?;
    for page in pages {
        let SearchPage { file, url, html } = page?;
        index
            .add_html_file(None, Some(url), html)
            .await
            .map_err(|e| {
                Diagnostic::error(
                    &file,
                    1,
                    1,
                    format!("cannot index this article for search: {e:#}"),
                )
            })?;
    }
    let bundle = index
        .get_files()
        .await
        .map_err(|e| failure(format!("{e:#}")))?;
    Ok(bundle
        .into_iter()
        .map(|file| {
            let relative = file.filename.to_string_lossy().replace('\\', "/");
            (format!("{BUNDLE_DIR}/{relative}"), file.contents)
        })
        .collect())
}

/// An indexing failure that no source file explains.
fn failure(message: String) -> Diagnostic {
    Diagnostic::error(
        std::path::Path::new(BUNDLE_DIR),
        1,
        1,
        format!("search index: {message}"),
    )
    .with_help("set `search: false` in site.yaml to build without search, and report the problem")
}
