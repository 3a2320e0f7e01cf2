//! Walking `content/` and turning its files into articles, pages, author profiles and assets.

pub mod date;
pub mod front_matter;
pub mod matter;
pub mod permalink;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::{Timestamp, Zoned};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, line_column, shown};
use crate::markdown::Rendered;
use front_matter::SplitError;
use matter::{Featured, Matter, ProfileLink, ReadAlsoField};

/// What to leave out of a build.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep articles marked `draft: true`.
    pub drafts: bool,
    /// Keep articles dated in the future, and expired ones.
    pub future: bool,
}

/// Everything under `content/`, checked.
#[derive(Debug, Default)]
pub struct Content {
    /// Published articles, in the order they were walked.
    pub articles: Vec<Article>,
    pub pages: Vec<Page>,
    pub authors: Vec<Author>,
    /// Files copied as they are: (source file, output path relative to the output folder).
    pub assets: Vec<(PathBuf, String)>,
    /// The earliest date at which a scheduled article becomes due.
    pub next_scheduled: Option<Timestamp>,
    /// The earliest date at which a published article expires.
    pub next_expiry: Option<Timestamp>,
    /// When the content was read: the clock of the whole build (scheduling, news sitemap).
    pub now: Timestamp,
}

/// The source text of a Markdown file, and where its body starts.
#[derive(Debug, Clone)]
pub struct Body {
    /// The file, as shown in diagnostics.
    pub file: PathBuf,
    pub markdown: String,
    /// 1-based line of the first body line in the file.
    pub line: usize,
}

/// A news article.
#[derive(Debug, Clone)]
pub struct Article {
    /// Path below `content/`, with `/` separators: `articles/2026/11/x.md`.
    pub path: String,
    pub title: String,
    pub slug: String,
    /// Site path without the base path: `/2026/11/x/`.
    pub permalink: String,
    pub date: Zoned,
    pub updated: Option<Zoned>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub image_credit: Option<String>,
    pub editor_pick: bool,
    /// A rank when featured: lower comes first.
    pub featured: Option<i64>,
    pub related: Vec<String>,
    pub read_also: ReadAlsoSetting,
    /// Where `related:` and `read_also:` are written, for errors about what they name.
    pub related_position: (usize, usize),
    pub read_also_position: (usize, usize),
    pub series: Option<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub lang: Option<String>,
    /// Articles sharing a key are translations of each other.
    pub translation_key: Option<String>,
    pub expires: Option<Zoned>,
    pub extra: BTreeMap<String, serde_json::Value>,
    pub body: Body,
    pub rendered: Rendered,
}

impl Article {
    /// The summary as HTML: front matter `summary` as plain text (shown exactly as
    /// written, never markup), else the one taken from the body.
    pub fn summary_html(&self) -> String {
        use pulldown_cmark::{Event, Tag, TagEnd};
        match &self.summary {
            Some(summary) => {
                let mut html = String::with_capacity(summary.len() + 8);
                let events = [
                    Event::Start(Tag::Paragraph),
                    Event::Text(summary.as_str().into()),
                    Event::End(TagEnd::Paragraph),
                ];
                pulldown_cmark::html::push_html(&mut html, events.into_iter());
                html
            }
            None => self.rendered.summary_html.clone(),
        }
    }

    /// The summary as plain text, for meta descriptions.
    pub fn description(&self) -> &str {
        self.summary
            .as_deref()
            .unwrap_or(&self.rendered.summary_text)
    }
}

/// The front matter's say on the "read also" block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadAlsoSetting {
    Auto,
    Off,
    /// A path or slug chosen by the author.
    Target(String),
}

/// A standalone page from `content/pages/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub title: String,
    pub slug: String,
    pub permalink: String,
    pub summary: Option<String>,
    pub weight: i64,
    pub extra: BTreeMap<String, serde_json::Value>,
    pub body: Body,
    pub rendered: Rendered,
}

/// An author profile from `content/authors/<slug>.md`.
#[derive(Debug, Clone)]
pub struct Author {
    /// Path below `content/`: `authors/x.md`.
    pub path: String,
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub avatar: Option<String>,
    pub links: Vec<ProfileLink>,
    pub body: Body,
    pub rendered: Rendered,
}

enum Kind {
    Article,
    Page,
    Author,
}

/// One Markdown file, read and checked.
pub enum Loaded {
    Article(Box<Article>),
    Page(Box<Page>),
    Author(Box<Author>),
    /// A draft or an expired article left out of this build.
    Skipped,
}

/// The files under `content/`, found in a fixed order.
#[derive(Debug, Default)]
pub struct Walked {
    /// Markdown files: (file, path below `content/`).
    pub markdown: Vec<(PathBuf, String)>,
    /// Other files, copied as they are: (file, path below `content/`).
    pub assets: Vec<(PathBuf, String)>,
}

/// Walks `content/` in a fixed order and reads its files in parallel.
///
/// Returns the content and its warnings, or every error found.
pub fn load(config: &Config, options: LoadOptions) -> (Content, Vec<Diagnostic>) {
    let (walked, mut diagnostics) = walk(config, &config.content_dir());
    let now = Timestamp::now();
    let loaded: Vec<(Loaded, Vec<Diagnostic>)> = walked
        .markdown
        .par_iter()
        .map(|(path, relative)| load_file(config, options, now, path, relative))
        .collect();
    let mut content = Content {
        assets: walked.assets,
        now,
        ..Content::default()
    };
    for (item, mut file_diagnostics) in loaded {
        diagnostics.append(&mut file_diagnostics);
        content.insert(item, options, now);
    }
    diagnostics.extend(duplicate_permalinks(&content));
    (content, diagnostics)
}

/// Walks `dir` (`content/` or a folder below it) in a fixed order; symbolic links
/// and hidden files are left out.
pub fn walk(config: &Config, dir: &Path) -> (Walked, Vec<Diagnostic>) {
    let content_dir = config.content_dir();
    let mut diagnostics = Vec::new();
    let mut walked = Walked::default();
    // A link given as the folder itself is not followed either. Entries of one folder
    // share its path as a prefix, so their whole paths sort as their names do, without
    // `sort_by_file_name`'s parse of both paths for their last component at each of the
    // ~130,000 comparisons a folder of 10,000 articles takes.
    for entry in WalkDir::new(dir)
        .follow_root_links(false)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(dir).to_path_buf();
                diagnostics.push(Diagnostic::error(
                    &shown(&path),
                    1,
                    1,
                    format!("cannot read: {error}"),
                ));
                continue;
            }
        };
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::warning(&shown(entry.path()), 1, 1, "symbolic link skipped")
                    .with_help("copy the file into content/ instead; kiosque never follows links out of the site"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(&content_dir)
            .unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace('\\', "/");
        if is_hidden(&relative) {
            continue;
        }
        if relative.ends_with(".md") {
            walked.markdown.push((entry.into_path(), relative));
        } else {
            walked.assets.push((entry.into_path(), relative));
        }
    }
    (walked, diagnostics)
}

impl Content {
    /// Adds a loaded file; an article scheduled after `now` is held back unless `options.future`.
    pub fn insert(&mut self, item: Loaded, options: LoadOptions, now: Timestamp) {
        match item {
            Loaded::Article(article) => {
                if !options.future && article.date.timestamp() > now {
                    let due = article.date.timestamp();
                    self.next_scheduled = Some(self.next_scheduled.map_or(due, |t| t.min(due)));
                } else {
                    if let Some(expires) = article.expires.as_ref().map(Zoned::timestamp)
                        && expires > now
                    {
                        self.next_expiry =
                            Some(self.next_expiry.map_or(expires, |t| t.min(expires)));
                    }
                    self.articles.push(*article);
                }
            }
            Loaded::Page(page) => self.pages.push(*page),
            Loaded::Author(author) => self.authors.push(*author),
            Loaded::Skipped => {}
        }
    }

    /// Removes what came from the file or folder at `relative` (a path below `content/`;
    /// empty for all of it).
    pub fn remove_under(&mut self, relative: &str) {
        let keep = |path: &str| !is_under(path, relative);
        self.articles.retain(|a| keep(&a.path));
        self.pages.retain(|p| keep(&p.path));
        self.authors.retain(|a| keep(&a.path));
        self.assets.retain(|(_, path)| keep(path));
    }

    /// Errors for pieces of content that would write the same file.
    pub fn check_permalinks(&self) -> Vec<Diagnostic> {
        duplicate_permalinks(self)
    }
}

/// Whether the content path `path` is `dir` or inside it (everything is inside `""`).
pub fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn is_hidden(relative: &str) -> bool {
    relative.split('/').any(|part| part.starts_with('.'))
}

/// Reads and checks one Markdown file at `path`, whose path below `content/` is `relative`.
pub fn load_file(
    config: &Config,
    options: LoadOptions,
    now: Timestamp,
    path: &Path,
    relative: &str,
) -> (Loaded, Vec<Diagnostic>) {
    let shown = shown(path);
    let kind = if relative.starts_with("authors/") {
        Kind::Author
    } else if relative.starts_with("pages/") {
        Kind::Page
    } else {
        Kind::Article
    };
    let bytes = match fs_err::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let error = Diagnostic::error(&shown, 1, 1, format!("cannot read: {e}"));
            return (Loaded::Skipped, vec![error]);
        }
    };
    match decode(&shown, &bytes) {
        Ok(text) => match parse_file(config, options, now, &shown, relative, &text, kind) {
            Ok((loaded, warnings)) => (loaded, warnings),
            Err(errors) => (Loaded::Skipped, errors),
        },
        Err(error) => (Loaded::Skipped, vec![error]),
    }
}

/// A file's bytes as UTF-8 text with LF line ends, borrowed unless it had CRLF line ends.
///
/// Checked with simdutf8, several times faster than the standard library on text
/// with accents; the standard library's check then only says where the error is.
fn decode<'a>(shown: &Path, bytes: &'a [u8]) -> Result<Cow<'a, str>, Diagnostic> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(front_matter::normalize(text)),
        Err(_) => {
            let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = line_column(&prefix, valid);
            Err(
                Diagnostic::error(shown, line, column, "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8 in your editor"),
            )
        }
    }
}

fn parse_file(
    config: &Config,
    options: LoadOptions,
    now: Timestamp,
    shown: &Path,
    relative: &str,
    text: &str,
    kind: Kind,
) -> Result<(Loaded, Vec<Diagnostic>), Vec<Diagnostic>> {
    let split = front_matter::split(text).map_err(|error| {
        let diagnostic = match error {
            SplitError::Empty => Diagnostic::error(shown, 1, 1, "the file is empty").with_help(
                "start it with front matter between `---` lines (a title and a date), or delete it",
            ),
            SplitError::NoFence => {
                Diagnostic::error(shown, 1, 1, "the file does not start with front matter")
                    .with_help("put `---` on the first line, then `title:` and `date:`, then `---`")
            }
            SplitError::Unclosed => Diagnostic::error(
                shown,
                1,
                1,
                "the front matter fence opened on line 1 is never closed",
            )
            .with_help("add a line with `---` (or `+++` for TOML) after the last front matter key"),
        };
        vec![diagnostic]
    })?;
    let (mut matter, mut warnings) = matter::parse(shown, text, &split).map_err(|e| vec![e])?;
    let (body_line, _) = line_column(text, split.body_offset);
    let body = Body {
        file: shown.to_path_buf(),
        markdown: split.body.to_string(),
        line: body_line,
    };
    let stem = file_stem(relative);
    let mut errors = Vec::new();
    let loaded = match kind {
        Kind::Author => Loaded::Author(Box::new(Author {
            path: relative.to_string(),
            slug: permalink::slugify(&stem),
            name: matter
                .name
                .take()
                .or(matter.title.take())
                .unwrap_or_else(|| title_from_stem(&stem)),
            role: matter.role.take(),
            avatar: matter.avatar.take(),
            links: std::mem::take(&mut matter.links),
            body,
            rendered: Rendered::default(),
        })),
        Kind::Page => {
            let title = title_or_warn(shown, &mut matter, &stem, &mut warnings);
            let slug = slug_or_error(shown, text, &split, &mut matter, &stem, &mut errors);
            let permalink = permalink::expand(&config.permalinks.page, &slug, None);
            check_output_path(shown, text, &split, "slug", &permalink, &mut errors);
            Loaded::Page(Box::new(Page {
                path: relative.to_string(),
                title,
                slug,
                permalink,
                summary: matter.summary.take(),
                weight: matter.weight.unwrap_or(0),
                extra: std::mem::take(&mut matter.extra),
                body,
                rendered: Rendered::default(),
            }))
        }
        Kind::Article => {
            if matter.draft && !options.drafts {
                return Ok((Loaded::Skipped, warnings));
            }
            let title = title_or_warn(shown, &mut matter, &stem, &mut warnings);
            let date = article_date(
                config,
                shown,
                text,
                &split,
                matter.date.take(),
                &stem,
                &mut errors,
            );
            let updated = optional_date(
                config,
                shown,
                text,
                &split,
                "updated",
                matter.updated.take(),
                &mut errors,
            );
            let expires = optional_date(
                config,
                shown,
                text,
                &split,
                "expires",
                matter.expires.take(),
                &mut errors,
            );
            let slug = slug_or_error(shown, text, &split, &mut matter, &stem, &mut errors);
            let (Some(date), true) = (date, errors.is_empty()) else {
                return Err(errors);
            };
            if expires.as_ref().is_some_and(|e| e.timestamp() <= now) && !options.future {
                return Ok((Loaded::Skipped, warnings));
            }
            let permalink = permalink::expand(&config.permalinks.article, &slug, Some(&date));
            check_output_path(shown, text, &split, "slug", &permalink, &mut errors);
            for alias in &matter.aliases {
                check_output_path(shown, text, &split, "aliases", alias, &mut errors);
            }
            let authors = matter
                .author_slugs()
                .iter()
                .map(|a| permalink::slugify(a))
                .collect();
            // Only pins can be wrong: no need to look for keys that are not there.
            let position_if = |present: bool, key: &str| {
                if present {
                    matter::key_line(text, &split, key)
                } else {
                    (split.matter_line, 1)
                }
            };
            let related_position = position_if(!matter.related.is_empty(), "related");
            let read_also_position = position_if(
                matches!(matter.read_also, Some(ReadAlsoField::Target(_))),
                "read_also",
            );
            Loaded::Article(Box::new(Article {
                path: relative.to_string(),
                title,
                slug,
                permalink,
                date,
                updated,
                authors,
                categories: std::mem::take(&mut matter.categories),
                tags: std::mem::take(&mut matter.tags),
                summary: matter.summary.take(),
                image: matter.image.take(),
                image_alt: matter.image_alt.take(),
                image_credit: matter.image_credit.take(),
                editor_pick: matter.editor_pick,
                featured: match matter.featured.take() {
                    Some(Featured::Flag(true)) => Some(0),
                    Some(Featured::Rank(rank)) => Some(rank),
                    Some(Featured::Flag(false)) | None => None,
                },
                related: std::mem::take(&mut matter.related),
                related_position,
                read_also_position,
                read_also: match matter.read_also.take() {
                    Some(ReadAlsoField::Enabled(false)) => ReadAlsoSetting::Off,
                    Some(ReadAlsoField::Target(target)) => ReadAlsoSetting::Target(target),
                    Some(ReadAlsoField::Enabled(true)) | None => ReadAlsoSetting::Auto,
                },
                series: matter.series.take(),
                draft: matter.draft,
                aliases: std::mem::take(&mut matter.aliases),
                lang: matter.lang.take(),
                translation_key: matter.translation_key.take(),
                expires,
                extra: std::mem::take(&mut matter.extra),
                body,
                rendered: Rendered::default(),
            }))
        }
    };
    if errors.is_empty() {
        Ok((loaded, warnings))
    } else {
        Err(errors)
    }
}

/// The file name without `.md`, or the folder's name for a bundle's `index.md`.
fn file_stem(relative: &str) -> String {
    let without_ext = relative.trim_end_matches(".md");
    let mut parts = without_ext.rsplit('/');
    let last = parts.next().unwrap_or_default();
    if last == "index" {
        parts.next().unwrap_or(last).to_string()
    } else {
        last.to_string()
    }
}

fn title_from_stem(stem: &str) -> String {
    let stem = date::from_file_name(stem).map_or(stem, |d| stem[d.len()..].trim_start_matches('-'));
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn title_or_warn(
    shown: &Path,
    matter: &mut Matter,
    stem: &str,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    match matter.title.take() {
        Some(title) if !title.trim().is_empty() => title,
        _ => {
            warnings.push(
                Diagnostic::warning(
                    shown,
                    2,
                    1,
                    "no `title` in the front matter; using the file name",
                )
                .with_help("add `title: \"…\"` to the front matter"),
            );
            title_from_stem(stem)
        }
    }
}

fn slug_or_error(
    shown: &Path,
    text: &str,
    split: &front_matter::Split<'_>,
    matter: &mut Matter,
    stem: &str,
    errors: &mut Vec<Diagnostic>,
) -> String {
    match matter.slug.take() {
        Some(slug) => {
            if slug.is_empty() || slug.contains('/') || slug.contains('\\') {
                let (line, column) = matter::key_line(text, split, "slug");
                errors.push(
                    Diagnostic::error(shown, line, column, format!("invalid slug `{slug}`"))
                        .with_help("a slug is one URL segment, such as `mon-article`"),
                );
            }
            slug
        }
        None => {
            let stem = date::from_file_name(stem)
                .map_or(stem, |d| stem[d.len()..].trim_start_matches('-'));
            permalink::slugify(stem)
        }
    }
}

fn check_output_path(
    shown: &Path,
    text: &str,
    split: &front_matter::Split<'_>,
    key: &str,
    site_path: &str,
    errors: &mut Vec<Diagnostic>,
) {
    if let Err(message) = permalink::safe_path(site_path) {
        let (line, column) = matter::key_line(text, split, key);
        errors.push(Diagnostic::error(shown, line, column, message).with_help(
            "use a path inside the site, without `..`, such as `/2026/11/mon-article/`",
        ));
    }
}

fn article_date(
    config: &Config,
    shown: &Path,
    text: &str,
    split: &front_matter::Split<'_>,
    field: Option<matter::DateField>,
    stem: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<Zoned> {
    match field {
        Some(field) => optional_date(config, shown, text, split, "date", Some(field), errors),
        None => match date::from_file_name(stem) {
            Some(prefix) => date::parse(prefix, &config.time_zone).ok(),
            None => {
                let (line, column) = line_column(text, split.matter_offset);
                errors.push(
                    Diagnostic::error(shown, line, column, "no `date` in the front matter")
                        .with_help("add `date: 2026-11-17` (or an RFC 3339 date-time), or start the file name with the date"),
                );
                None
            }
        },
    }
}

fn optional_date(
    config: &Config,
    shown: &Path,
    text: &str,
    split: &front_matter::Split<'_>,
    key: &str,
    field: Option<matter::DateField>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Zoned> {
    let field = field?;
    match date::parse(&field.text(), &config.time_zone) {
        Ok(date) => Some(date),
        Err(message) => {
            let (line, column) = matter::key_line(text, split, key);
            errors.push(
                Diagnostic::error(shown, line, column, format!("invalid `{key}`: {message}"))
                    .with_help("write 2026-11-17, 2026-11-17 09:30, or 2026-11-17T09:30:00+01:00"),
            );
            None
        }
    }
}

/// Two pieces of content that would write the same file.
fn duplicate_permalinks(content: &Content) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &Path> = HashMap::new();
    let mut errors = Vec::new();
    let sources = content
        .articles
        .iter()
        .map(|a| (&a.permalink, &a.body.file))
        .chain(content.pages.iter().map(|p| (&p.permalink, &p.body.file)));
    for (permalink, file) in sources {
        let key = permalink::safe_path(permalink).unwrap_or_else(|_| permalink.clone());
        if let Some(first) = seen.insert(key, file) {
            errors.push(
                Diagnostic::error(
                    file,
                    1,
                    1,
                    format!("{permalink} is also the address of {}", first.display()),
                )
                .with_help("give one of the two files another `slug:`"),
            );
        }
    }
    errors
}
