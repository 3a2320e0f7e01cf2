//! `site.yaml` and the theme's defaults, validated into one typed [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, closest, line_column};
use crate::site::related::RelatedConfig;

/// The name of the site's configuration file, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// `site.yaml` as written by the site owner, before validation.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawConfig {
    title: String,
    description: String,
    base_url: String,
    language: String,
    timezone: String,
    theme: String,
    permalinks: Permalinks,
    pagination: Pagination,
    sidebars: Sidebars,
    related: RelatedConfig,
    read_also: ReadAlso,
    feeds: Feeds,
    logo: Option<String>,
    external_links: ExternalLinks,
    menus: BTreeMap<String, Vec<MenuItem>>,
    search: bool,
    extra: serde_yaml::Value,
}

/// The top-level keys `site.yaml` knows, for "did you mean" suggestions.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "permalinks",
    "pagination",
    "sidebars",
    "related",
    "read_also",
    "feeds",
    "logo",
    "external_links",
    "menus",
    "search",
    "extra",
];

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            title: "Kiosque".into(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111/".into(),
            language: "fr".into(),
            timezone: "UTC".into(),
            theme: "newsroom".into(),
            permalinks: Permalinks::default(),
            pagination: Pagination::default(),
            sidebars: Sidebars::default(),
            related: RelatedConfig::default(),
            read_also: ReadAlso::default(),
            feeds: Feeds::default(),
            logo: None,
            external_links: ExternalLinks::default(),
            menus: BTreeMap::new(),
            search: false,
            extra: serde_yaml::Value::Null,
        }
    }
}

/// URL patterns of each kind of page, such as `/:year/:month/:slug/`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Permalinks {
    pub article: String,
    pub page: String,
    pub category: String,
    pub tag: String,
    pub author: String,
}

impl Default for Permalinks {
    fn default() -> Self {
        Self {
            article: "/:year/:month/:slug/".into(),
            page: "/:slug/".into(),
            category: "/categories/:slug/".into(),
            tag: "/tags/:slug/".into(),
            author: "/authors/:slug/".into(),
        }
    }
}

/// How many articles each kind of list shows per page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pagination {
    pub home: usize,
    pub terms: usize,
    pub archives: usize,
}

impl Default for Pagination {
    fn default() -> Self {
        Self {
            home: 10,
            terms: 10,
            archives: 20,
        }
    }
}

/// What the RSS and Atom feeds hold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Feeds {
    /// Entries per feed, newest first.
    pub limit: usize,
    /// The whole article, or its summary.
    pub content: FeedContent,
    /// A feed for each category, besides the site's.
    pub categories: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Self {
            limit: 20,
            content: FeedContent::Summary,
            categories: true,
        }
    }
}

/// How much of each article a feed entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    Summary,
    Full,
}

/// How many articles each sidebar shows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sidebars {
    pub editor_picks: usize,
    pub recent: usize,
    /// The "recommendations of the editors" block at the end of articles.
    pub recommendations: usize,
}

impl Default for Sidebars {
    fn default() -> Self {
        Self {
            editor_picks: 5,
            recent: 5,
            recommendations: 3,
        }
    }
}

/// Where the "read also" block goes inside article bodies.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadAlso {
    /// The block goes after this paragraph.
    pub after_paragraph: usize,
    /// Articles with fewer top-level paragraphs get no block.
    pub min_paragraphs: usize,
}

impl Default for ReadAlso {
    fn default() -> Self {
        Self {
            after_paragraph: 3,
            min_paragraphs: 5,
        }
    }
}

/// What links to other sites get in article bodies.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalLinks {
    /// The `rel` attribute, such as `noopener` or `nofollow noopener`; empty for none.
    pub rel: String,
    /// The `target` attribute, such as `_blank`; empty for none.
    pub target: String,
}

impl Default for ExternalLinks {
    fn default() -> Self {
        Self {
            rel: "noopener".into(),
            target: String::new(),
        }
    }
}

/// One entry of a menu.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

/// The validated site configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The site root: the folder holding `site.yaml`.
    #[serde(skip)]
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/` (`/blog/`).
    pub base_path: String,
    pub language: String,
    pub timezone: String,
    #[serde(skip)]
    pub time_zone: TimeZone,
    pub theme: String,
    pub permalinks: Permalinks,
    pub pagination: Pagination,
    pub sidebars: Sidebars,
    #[serde(skip)]
    pub related: RelatedConfig,
    pub read_also: ReadAlso,
    pub feeds: Feeds,
    /// The site's logo, a site path: the publisher's logo in structured data.
    pub logo: Option<String>,
    pub external_links: ExternalLinks,
    pub menus: BTreeMap<String, Vec<MenuItem>>,
    /// Build a search index of the articles and a search page.
    pub search: bool,
    pub extra: serde_yaml::Value,
}

impl Config {
    /// The theme's folder.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// The content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// The absolute URL of a site path such as `/2026/11/x/`.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The host of `base_url`, to tell links that leave the site.
    pub fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A site path with the base path in front, for links inside pages.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// Reads and validates `site.yaml` under `root`; warnings come back with the config.
pub fn load(
    root: &Path,
    base_url_override: Option<&str>,
) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = crate::diagnostic::shown(&root.join(CONFIG_FILE));
    let text = match fs_err::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            return Err(vec![
                Diagnostic::error(&path, 1, 1, format!("cannot read the site configuration: {error}"))
                    .with_help("run kiosque in a site folder (one with a site.yaml), or pass --root DIR; `kiosque init DIR` creates a new site"),
            ]);
        }
    };
    parse(root, &path, &text, base_url_override)
}

/// Validates the text of a `site.yaml` found at `path`.
pub fn parse(
    root: &Path,
    path: &Path,
    text: &str,
    base_url_override: Option<&str>,
) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let yaml_error = |error: serde_yaml::Error| {
        let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
        vec![Diagnostic::error(path, line, column, error.to_string())]
    };
    let warnings = unknown_keys(path, text).map_err(yaml_error)?;
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_yaml::from_str(text).map_err(yaml_error)?
    };
    validate(root, path, text, raw, base_url_override).map(|config| (config, warnings))
}

fn unknown_keys(path: &Path, text: &str) -> Result<Vec<Diagnostic>, serde_yaml::Error> {
    let value: serde_yaml::Value = serde_yaml::from_str(text)?;
    let Some(mapping) = value.as_mapping() else {
        return Ok(Vec::new());
    };
    Ok(mapping
        .keys()
        .filter_map(|key| key.as_str())
        .filter(|key| !KNOWN_KEYS.contains(key))
        .map(|key| {
            let (line, column) = key_position(text, key);
            let warning = Diagnostic::warning(
                path,
                line,
                column,
                format!("unknown key `{key}` in {CONFIG_FILE}"),
            );
            match closest(key, KNOWN_KEYS.iter().copied()) {
                Some(known) => warning.with_help(format!("did you mean `{known}`?")),
                None => warning.with_help("remove it, or move it under `extra:`"),
            }
        })
        .collect())
}

/// Where a top-level key is written in a YAML text, for diagnostics.
pub fn key_position(text: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with(':')
        {
            return line_column(text, offset);
        }
        offset += line.len();
    }
    (1, 1)
}

fn validate(
    root: &Path,
    path: &Path,
    text: &str,
    raw: RawConfig,
    base_url_override: Option<&str>,
) -> Result<Config, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let error_at = |key: &str, message: String, help: &str| {
        let (line, column) = key_position(text, key);
        Diagnostic::error(path, line, column, message).with_help(help.to_string())
    };

    let base_url = base_url_override.unwrap_or(&raw.base_url);
    let (base_url, base_path) = match normalize_base_url(base_url) {
        Ok(pair) => pair,
        Err(message) => {
            errors.push(error_at(
                "base_url",
                message,
                "write an absolute URL such as https://example.org/ or https://user.github.io/blog/",
            ));
            (String::new(), "/".to_string())
        }
    };
    let time_zone = TimeZone::get(&raw.timezone).unwrap_or_else(|_| {
        errors.push(error_at(
            "timezone",
            format!("unknown time zone `{}`", raw.timezone),
            "use an IANA name such as Europe/Paris or UTC",
        ));
        TimeZone::UTC
    });
    for (kind, pattern) in [
        ("article", &raw.permalinks.article),
        ("page", &raw.permalinks.page),
        ("category", &raw.permalinks.category),
        ("tag", &raw.permalinks.tag),
        ("author", &raw.permalinks.author),
    ] {
        if let Err(message) = crate::content::permalink::check_pattern(pattern) {
            errors.push(error_at(
                "permalinks",
                format!("permalinks.{kind}: {message}"),
                "patterns start and end with `/` and use :year, :month, :day, :slug",
            ));
        }
    }
    if raw.pagination.home == 0 || raw.pagination.terms == 0 || raw.pagination.archives == 0 {
        errors.push(error_at(
            "pagination",
            "pagination counts must be at least 1".into(),
            "set home, terms and archives to the number of articles per page, such as 10",
        ));
    }
    if raw.feeds.limit == 0 {
        errors.push(error_at(
            "feeds",
            "feeds.limit must be at least 1".into(),
            "set it to the number of articles a feed holds, such as 20",
        ));
    }
    let attribute_ok = |value: &str| !value.contains(['"', '<', '>', '&']);
    if !attribute_ok(&raw.external_links.rel) || !attribute_ok(&raw.external_links.target) {
        errors.push(error_at(
            "external_links",
            "external_links.rel and .target cannot hold quotes, `<`, `>` or `&`".into(),
            "use plain words such as rel: \"noopener noreferrer\" and target: _blank",
        ));
    }
    if !raw
        .theme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.push(error_at(
            "theme",
            format!("invalid theme name `{}`", raw.theme),
            "name a folder under themes/, such as newsroom",
        ));
    }
    if let Err(message) = raw.related.validate() {
        errors.push(error_at(
            "related",
            format!("related: {message}"),
            "see the `related` table in the README for each setting's range",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        root: root.to_path_buf(),
        title: raw.title,
        description: raw.description,
        base_url,
        base_path,
        language: raw.language,
        timezone: raw.timezone,
        time_zone,
        theme: raw.theme,
        permalinks: raw.permalinks,
        pagination: raw.pagination,
        sidebars: raw.sidebars,
        related: raw.related,
        read_also: raw.read_also,
        feeds: raw.feeds,
        logo: raw.logo,
        external_links: raw.external_links,
        menus: raw.menus,
        search: raw.search,
        extra: raw.extra,
    })
}

/// Checks an absolute base URL and returns it ending with `/`, and its path.
fn normalize_base_url(raw: &str) -> Result<(String, String), String> {
    let mut url = url::Url::parse(raw).map_err(|e| format!("invalid base_url `{raw}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "base_url `{raw}` must start with http:// or https://"
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().to_string();
    Ok((url.to_string(), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        parse(Path::new("."), Path::new("site.yaml"), text, None)
    }

    #[test]
    fn unknown_key_warns_with_the_closest_known_key() {
        let (_, warnings) = parse_text("title: x\nlanguage: fr\ntimezon: UTC\n").unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].line, warnings[0].column), (3, 1));
        assert_eq!(
            warnings[0].help.as_deref(),
            Some("did you mean `timezone`?")
        );
    }

    #[test]
    fn base_url_with_a_path_keeps_it() {
        let (config, _) = parse_text("base_url: https://user.github.io/blog").unwrap();
        assert_eq!(config.base_url, "https://user.github.io/blog/");
        assert_eq!(config.base_path, "/blog/");
        assert_eq!(config.link("/a/"), "/blog/a/");
    }

    #[test]
    fn a_bad_time_zone_names_its_line() {
        let errors = parse_text("title: x\ntimezone: Mars/Olympus\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (2, 1));
        assert!(errors[0].message.contains("Mars/Olympus"));
    }

    #[test]
    fn a_type_error_names_its_line() {
        let errors = parse_text("title: x\npagination:\n  home: [1]\n").unwrap_err();
        assert_eq!(errors[0].line, 3);
    }
}
