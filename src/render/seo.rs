//! What search engines, feed readers and social networks read in a page's head: the
//! `seo` value of every page (Open Graph, Twitter card, feeds, hreflang, JSON-LD).

use serde::Serialize;
use serde_json::{Value, json};

use super::Job;
use crate::content::Article;
use crate::output::feeds;
use crate::site::{Site, TaxonomyKind};

/// `seo` in every page template.
#[derive(Serialize)]
pub struct Seo<'a> {
    /// `og:type`: `article`, `profile` or `website`.
    pub kind: &'static str,
    /// The page's own title, without the site's name.
    pub title: &'a str,
    /// Plain text.
    pub description: &'a str,
    pub image: Option<SocialImage<'a>>,
    /// `summary_large_image` with a lead image, else `summary`.
    pub twitter_card: &'static str,
    /// RFC 3339 date-times of an article.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub section: Option<&'a str>,
    pub tags: &'a [String],
    /// Absolute URLs of the author pages.
    pub authors: Vec<String>,
    pub feeds: Vec<FeedView>,
    /// Every language version of the page, this one included; empty without translations.
    pub translations: Vec<Translation<'a>>,
    /// JSON-LD, escaped for a `<script>` element: print it with `| safe`.
    pub json_ld: String,
}

/// An image as social networks read it.
#[derive(Serialize)]
pub struct SocialImage<'a> {
    /// Absolute.
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: &'a str,
}

/// A feed to announce with `<link rel="alternate">`.
#[derive(Serialize)]
pub struct FeedView {
    #[serde(rename = "type")]
    pub media_type: &'static str,
    pub title: String,
    /// Site path with the base path.
    pub url: String,
}

/// One language version of an article.
#[derive(Serialize)]
pub struct Translation<'a> {
    pub lang: &'a str,
    /// Absolute.
    pub url: String,
}

impl<'a> Seo<'a> {
    /// The head metadata of the page `job` makes, at the absolute URL `page_url`.
    pub(super) fn new(site: &'a Site, job: Job<'_>, page_url: &str) -> Self {
        let config = &site.config;
        let mut seo = Self {
            kind: "website",
            title: &config.title,
            description: &config.description,
            image: config.logo.as_deref().map(|logo| image(site, logo, "")),
            twitter_card: "summary",
            published: None,
            modified: None,
            section: None,
            tags: &[],
            authors: Vec::new(),
            feeds: Vec::new(),
            translations: Vec::new(),
            json_ld: String::new(),
        };
        let mut category_feeds = None;
        let graph: Vec<Value> = match job {
            Job::Article(index) => {
                let article = &site.articles[index];
                seo.kind = "article";
                seo.title = &article.title;
                seo.description = article.description();
                if let Some(lead) = &article.image {
                    seo.image = Some(image(
                        site,
                        lead,
                        article.image_alt.as_deref().unwrap_or(""),
                    ));
                    seo.twitter_card = "summary_large_image";
                }
                seo.published = Some(rfc3339(&article.date));
                seo.modified = article.updated.as_ref().map(rfc3339);
                seo.section = article.categories.first().map(String::as_str);
                seo.tags = &article.tags;
                seo.authors = article
                    .authors
                    .iter()
                    .map(|slug| {
                        config.absolute_url(&site.term_permalink(TaxonomyKind::Author, slug))
                    })
                    .collect();
                seo.translations = translations(site, index);
                let mut crumbs = vec![(config.title.as_str(), config.base_url.clone())];
                if let Some(category) = article.categories.first() {
                    let path = site.term_permalink(TaxonomyKind::Category, category);
                    crumbs.push((category, config.absolute_url(&path)));
                }
                crumbs.push((&article.title, page_url.to_string()));
                vec![
                    news_article(site, article, page_url, seo.image.as_ref()),
                    breadcrumbs(&crumbs),
                ]
            }
            Job::Home(_) => vec![website(site)],
            Job::Term(kind, index, _) => {
                let term = &site.terms(kind)[index];
                seo.title = &term.name;
                if kind == TaxonomyKind::Author {
                    seo.kind = "profile";
                }
                if kind == TaxonomyKind::Category {
                    category_feeds = Some(term);
                }
                let home = (config.title.as_str(), config.base_url.clone());
                vec![breadcrumbs(&[
                    home,
                    (&term.name, config.absolute_url(&term.permalink)),
                ])]
            }
            Job::Page(index) => {
                let page = &site.pages[index];
                seo.title = &page.title;
                if let Some(summary) = &page.summary {
                    seo.description = summary;
                }
                let home = (config.title.as_str(), config.base_url.clone());
                vec![breadcrumbs(&[home, (&page.title, page_url.to_string())])]
            }
            Job::TermIndex(_)
            | Job::ArchiveIndex
            | Job::Archive(..)
            | Job::NotFound
            | Job::Search(_)
            | Job::Alias(..) => Vec::new(),
        };
        seo.feeds = feeds::links(site, category_feeds)
            .into_iter()
            .map(|feed| FeedView {
                media_type: feed.format.media_type(),
                title: feed.title,
                url: config.link(&feed.path),
            })
            .collect();
        if !graph.is_empty() {
            seo.json_ld = script_json(&json!({
                "@context": "https://schema.org",
                "@graph": graph,
            }));
        }
        seo
    }
}

fn image<'a>(site: &Site, path: &str, alt: &'a str) -> SocialImage<'a> {
    let size = site.image_sizes.get(path);
    SocialImage {
        url: absolute(site, path),
        width: size.map(|s| s.width),
        height: size.map(|s| s.height),
        alt,
    }
}

/// An absolute URL for a site path or an external URL.
fn absolute(site: &Site, path: &str) -> String {
    if path.contains("://") {
        path.to_string()
    } else if let Some(rest) = path.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        site.config.absolute_url(path)
    }
}

fn translations(site: &Site, index: usize) -> Vec<Translation<'_>> {
    let mut versions: Vec<usize> = site.translations_of(index).collect();
    if versions.is_empty() {
        return Vec::new();
    }
    versions.push(index);
    versions.sort_by_key(|&i| site.language_of(&site.articles[i]));
    versions
        .into_iter()
        .map(|i| {
            let article = &site.articles[i];
            Translation {
                lang: site.language_of(article),
                url: site.config.absolute_url(&article.permalink),
            }
        })
        .collect()
}

fn news_article(
    site: &Site,
    article: &Article,
    url: &str,
    image: Option<&SocialImage<'_>>,
) -> Value {
    let config = &site.config;
    let authors: Vec<Value> = article
        .authors
        .iter()
        .map(|slug| {
            let name = site.authors.get(slug).map_or(slug.as_str(), |a| &a.name);
            let page = site.term_permalink(TaxonomyKind::Author, slug);
            json!({ "@type": "Person", "name": name, "url": config.absolute_url(&page) })
        })
        .collect();
    let mut value = json!({
        "@type": "NewsArticle",
        "@id": format!("{url}#article"),
        "headline": article.title,
        "description": article.description(),
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": rfc3339(&article.date),
        "dateModified": rfc3339(article.updated.as_ref().unwrap_or(&article.date)),
        "inLanguage": site.language_of(article),
        "publisher": publisher(site),
    });
    if !authors.is_empty() {
        value["author"] = json!(authors);
    }
    if let Some(image) = image {
        value["image"] = image_object(image);
    }
    if !article.categories.is_empty() {
        value["articleSection"] = json!(article.categories);
    }
    if !article.tags.is_empty() {
        value["keywords"] = json!(article.tags);
    }
    value
}

fn website(site: &Site) -> Value {
    let config = &site.config;
    json!({
        "@type": "WebSite",
        "name": config.title,
        "description": config.description,
        "url": config.base_url,
        "inLanguage": config.language,
        "publisher": publisher(site),
    })
}

fn publisher(site: &Site) -> Value {
    let config = &site.config;
    let mut value = json!({
        "@type": "Organization",
        "name": config.title,
        "url": config.base_url,
    });
    if let Some(logo) = &config.logo {
        value["logo"] = image_object(&image(site, logo, ""));
    }
    value
}

fn image_object(image: &SocialImage<'_>) -> Value {
    let mut value = json!({ "@type": "ImageObject", "url": image.url });
    if let (Some(width), Some(height)) = (image.width, image.height) {
        value["width"] = json!(width);
        value["height"] = json!(height);
    }
    value
}

/// A BreadcrumbList over (name, absolute URL) pairs, from the home page down.
fn breadcrumbs(crumbs: &[(&str, String)]) -> Value {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, url))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url })
        })
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

fn rfc3339(date: &jiff::Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` as `\u` escapes, so that no
/// string can close the element or open a comment (`</script>`, `<!--`), and the line
/// separators old JavaScript parsers choke on. serde_json's compact output holds these
/// characters only inside strings, where the escapes mean the same characters.
pub fn script_json(value: &Value) -> String {
    let json = value.to_string();
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_break_out_and_parses_back() {
        let title = "</script><!-- <script>alert(1)</script> AT&T \u{2028} “x” 🚀";
        let escaped = script_json(&json!({ "headline": title }));
        assert!(!escaped.contains('<'), "{escaped}");
        assert!(!escaped.contains('>'));
        assert!(!escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}'));
        let back: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["headline"], title);
    }
}
