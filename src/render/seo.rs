//! What search engines, feed readers and social networks read in a page's head: the
//! `seo` value of every page (Open Graph, Twitter card, feeds, hreflang, JSON-LD).
//!
//! What is the same on many pages (the site's feeds, its logo, the home page's JSON-LD)
//! is made once per build; the rest is built straight into template values, and the
//! JSON-LD is serialized from typed structs without a JSON tree in between.

use serde::Serialize;
use tera::Value;

use super::Job;
use super::links::TermPaths;
use super::views::map;
use crate::content::date::rfc3339;
use crate::output::feeds::{self, FeedLink};
use crate::site::{Site, TaxonomyKind, Term};

/// Builds the `seo` value of any page of one site.
pub struct Seo<'a> {
    site: &'a Site,
    /// The site logo, for `seo.image` and the publisher in JSON-LD.
    logo: Option<SocialImage<'a>>,
    logo_value: Value,
    site_title: Value,
    site_description: Value,
    /// The site's RSS and Atom feeds.
    site_feeds: Value,
    /// The home pages' JSON-LD (a `WebSite`).
    home_json_ld: Value,
    empty_list: Value,
}

/// An image as social networks read it.
struct SocialImage<'a> {
    /// Absolute.
    url: String,
    width: Option<u32>,
    height: Option<u32>,
    alt: &'a str,
}

impl<'a> Seo<'a> {
    /// What every page of `site` shares.
    pub fn new(site: &'a Site) -> Self {
        let config = &site.config;
        let logo = config.logo.as_deref().map(|logo| image(site, logo, ""));
        let logo_value = Value::from(logo.as_ref().map(image_value));
        let home_json_ld = Value::from(script_json(&JsonLd::new((WebSite {
            kind: "WebSite",
            description: &config.description,
            in_language: &config.language,
            name: &config.title,
            publisher: publisher(site, logo.as_ref()),
            url: &config.base_url,
        },))));
        Self {
            site,
            logo_value,
            site_title: Value::from(config.title.as_str()),
            site_description: Value::from(config.description.as_str()),
            site_feeds: feed_values(site, feeds::links(site, None)),
            home_json_ld,
            empty_list: Value::from(Vec::<Value>::new()),
            logo,
        }
    }

    /// The head metadata of the page `job` makes, at the absolute URL `page_url`.
    pub fn value(&self, paths: &TermPaths<'_>, job: Job<'_>, page_url: &str) -> Value {
        let site = self.site;
        let config = &site.config;
        let mut page = self.website();
        match job {
            Job::Article(index) => return self.article(paths, index, page_url),
            Job::Home(_) => page.json_ld = self.home_json_ld.clone(),
            Job::Term(kind, index, _) => {
                let term = &site.terms(kind)[index];
                page.title = Value::from(term.name.as_str());
                if kind == TaxonomyKind::Author {
                    page.kind = "profile";
                }
                if kind == TaxonomyKind::Category {
                    page.feeds = self.category_feeds(term);
                }
                let url = config.absolute_url(&term.permalink);
                page.json_ld = breadcrumbs_json_ld(site, &[(&term.name, &url)]);
            }
            Job::Page(index) => {
                let standalone = &site.pages[index];
                page.title = Value::from(standalone.title.as_str());
                if let Some(summary) = &standalone.summary {
                    page.description = Value::from(summary.as_str());
                }
                page.json_ld = breadcrumbs_json_ld(site, &[(&standalone.title, page_url)]);
            }
            Job::TermIndex(_)
            | Job::ArchiveIndex
            | Job::Archive(..)
            | Job::NotFound
            | Job::Search(_)
            | Job::Alias(..) => {}
        }
        page.into_value(&self.empty_list)
    }

    /// A page that is not an article: the site's title, description, logo and feeds.
    fn website(&self) -> Page {
        Page {
            kind: "website",
            title: self.site_title.clone(),
            description: self.site_description.clone(),
            image: self.logo_value.clone(),
            feeds: self.site_feeds.clone(),
            json_ld: Value::from(""),
        }
    }

    fn category_feeds(&self, term: &Term) -> Value {
        feed_values(self.site, feeds::links(self.site, Some(term)))
    }

    fn article(&self, paths: &TermPaths<'_>, index: usize, page_url: &str) -> Value {
        let site = self.site;
        let config = &site.config;
        let article = &site.articles[index];
        let lead = article
            .image
            .as_deref()
            .map(|lead| image(site, lead, article.image_alt.as_deref().unwrap_or("")));
        let image = lead.as_ref().or(self.logo.as_ref());
        let published = rfc3339(&article.date);
        let modified = article.updated.as_ref().map(rfc3339);
        let author_urls: Vec<String> = article
            .authors
            .iter()
            .map(|slug| config.absolute_url(&paths.get(TaxonomyKind::Author, slug)))
            .collect();
        let json_ld = {
            let category = article.categories.first().map(|name| {
                let path = paths.get(TaxonomyKind::Category, name);
                (name.as_str(), config.absolute_url(&path))
            });
            let mut crumbs = vec![(config.title.as_str(), config.base_url.as_str())];
            if let Some((name, url)) = &category {
                crumbs.push((name, url));
            }
            crumbs.push((&article.title, page_url));
            let id = format!("{page_url}#article");
            let news = NewsArticle {
                id: &id,
                kind: "NewsArticle",
                article_section: &article.categories,
                author: article
                    .authors
                    .iter()
                    .zip(&author_urls)
                    .map(|(slug, url)| Person {
                        kind: "Person",
                        name: site.authors.get(slug).map_or(slug.as_str(), |a| &a.name),
                        url,
                    })
                    .collect(),
                date_modified: modified.as_deref().unwrap_or(&published),
                date_published: &published,
                description: article.description(),
                headline: &article.title,
                // The lead image, else the logo.
                image: image.map(image_object),
                in_language: site.language_of(article),
                keywords: &article.tags,
                main_entity_of_page: page_url,
                publisher: publisher(site, self.logo.as_ref()),
                url: page_url,
            };
            Value::from(script_json(&JsonLd::new((news, breadcrumbs(&crumbs)))))
        };
        map(&[
            ("kind", Value::from("article")),
            ("title", Value::from(article.title.as_str())),
            ("description", Value::from(article.description())),
            ("image", Value::from(image.map(image_value))),
            (
                "twitter_card",
                Value::from(if lead.is_some() {
                    "summary_large_image"
                } else {
                    "summary"
                }),
            ),
            ("published", Value::from(published.as_str())),
            ("modified", Value::from(modified.as_deref())),
            (
                "section",
                Value::from(article.categories.first().map(String::as_str)),
            ),
            ("tags", strings(&article.tags)),
            ("authors", Value::from(author_urls)),
            ("feeds", self.site_feeds.clone()),
            ("translations", translations(site, index)),
            ("json_ld", json_ld),
        ])
    }
}

/// `seo` of a page that is not an article.
struct Page {
    kind: &'static str,
    title: Value,
    description: Value,
    image: Value,
    feeds: Value,
    json_ld: Value,
}

impl Page {
    fn into_value(self, empty_list: &Value) -> Value {
        map(&[
            ("kind", Value::from(self.kind)),
            ("title", self.title),
            ("description", self.description),
            ("image", self.image),
            ("twitter_card", Value::from("summary")),
            ("published", Value::none()),
            ("modified", Value::none()),
            ("section", Value::none()),
            ("tags", empty_list.clone()),
            ("authors", empty_list.clone()),
            ("feeds", self.feeds),
            ("translations", empty_list.clone()),
            ("json_ld", self.json_ld),
        ])
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

/// `seo.image`: `{url, width, height, alt}`.
fn image_value(image: &SocialImage<'_>) -> Value {
    map(&[
        ("url", Value::from(image.url.as_str())),
        ("width", Value::from(image.width)),
        ("height", Value::from(image.height)),
        ("alt", Value::from(image.alt)),
    ])
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

fn strings(items: &[String]) -> Value {
    Value::from(
        items
            .iter()
            .map(|item| Value::from(item.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// `seo.feeds`: `{type, title, url}` for each feed.
fn feed_values(site: &Site, links: Vec<FeedLink>) -> Value {
    let feeds: Vec<Value> = links
        .into_iter()
        .map(|feed| {
            map(&[
                ("type", Value::from(feed.format.media_type())),
                ("title", Value::from(feed.title)),
                ("url", Value::from(site.config.link(&feed.path))),
            ])
        })
        .collect();
    Value::from(feeds)
}

/// `seo.translations`: `{lang, url}` for every language version, this one included.
fn translations(site: &Site, index: usize) -> Value {
    let mut versions: Vec<usize> = site.translations_of(index).collect();
    if versions.is_empty() {
        return Value::from(Vec::<Value>::new());
    }
    versions.push(index);
    versions.sort_by_key(|&i| site.language_of(&site.articles[i]));
    let versions: Vec<Value> = versions
        .into_iter()
        .map(|i| {
            let article = &site.articles[i];
            map(&[
                ("lang", Value::from(site.language_of(article))),
                (
                    "url",
                    Value::from(site.config.absolute_url(&article.permalink)),
                ),
            ])
        })
        .collect();
    Value::from(versions)
}

// JSON-LD, as typed structs. Fields are declared in the byte order of their names, the
// order serde_json gives a map's keys: a page's JSON-LD stays the same bytes whichever
// way it is made (`typed_json_ld_keys_are_sorted` checks it).

#[derive(Serialize)]
struct JsonLd<G> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: G,
}

impl<G: Serialize> JsonLd<G> {
    /// `graph` is a tuple of nodes: serde_json writes it as an array.
    fn new(graph: G) -> Self {
        Self {
            context: "https://schema.org",
            graph,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    article_section: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Person<'a>>,
    date_modified: &'a str,
    date_published: &'a str,
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageObject<'a>>,
    in_language: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    keywords: &'a [String],
    main_entity_of_page: &'a str,
    publisher: Organization<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebSite<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    description: &'a str,
    in_language: &'a str,
    name: &'a str,
    publisher: Organization<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<ImageObject<'a>>,
    name: &'a str,
    url: &'a str,
}

/// Width and height are both given or both left out.
#[derive(Serialize)]
struct ImageObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: &'a str,
    name: &'a str,
    position: usize,
}

fn publisher<'a>(site: &'a Site, logo: Option<&'a SocialImage<'_>>) -> Organization<'a> {
    let config = &site.config;
    Organization {
        kind: "Organization",
        logo: logo.map(image_object),
        name: &config.title,
        url: &config.base_url,
    }
}

fn image_object<'a>(image: &'a SocialImage<'_>) -> ImageObject<'a> {
    let (width, height) = match (image.width, image.height) {
        (Some(width), Some(height)) => (Some(width), Some(height)),
        _ => (None, None),
    };
    ImageObject {
        kind: "ImageObject",
        height,
        url: &image.url,
        width,
    }
}

/// A BreadcrumbList over (name, absolute URL) pairs, from the home page down.
fn breadcrumbs<'a>(crumbs: &[(&'a str, &'a str)]) -> BreadcrumbList<'a> {
    BreadcrumbList {
        kind: "BreadcrumbList",
        items: crumbs
            .iter()
            .enumerate()
            .map(|(i, &(name, item))| ListItem {
                kind: "ListItem",
                item,
                name,
                position: i + 1,
            })
            .collect(),
    }
}

/// The JSON-LD of a page below the home page: the breadcrumbs from the home page to it.
fn breadcrumbs_json_ld(site: &Site, below_home: &[(&str, &str)]) -> Value {
    let config = &site.config;
    let mut crumbs = vec![(config.title.as_str(), config.base_url.as_str())];
    crumbs.extend_from_slice(below_home);
    Value::from(script_json(&JsonLd::new((breadcrumbs(&crumbs),))))
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` as `\u` escapes, so that no
/// string can close the element or open a comment (`</script>`, `<!--`), and the line
/// separators old JavaScript parsers choke on. serde_json's compact output holds these
/// characters only inside strings, where the escapes mean the same characters.
pub fn script_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("JSON-LD has string keys only");
    let mut escaped = String::with_capacity(json.len() + 16);
    let mut start = 0;
    for (i, c) in json.char_indices() {
        let escape = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        escaped.push_str(&json[start..i]);
        escaped.push_str(escape);
        start = i + c.len_utf8();
    }
    escaped.push_str(&json[start..]);
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_break_out_and_parses_back() {
        let title = "</script><!-- <script>alert(1)</script> AT&T \u{2028} “x” 🚀";
        let escaped = script_json(&serde_json::json!({ "headline": title }));
        assert!(!escaped.contains('<'), "{escaped}");
        assert!(!escaped.contains('>'));
        assert!(!escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["headline"], title);
    }

    #[test]
    fn typed_json_ld_keys_are_sorted() {
        let logo = SocialImage {
            url: "https://x.example/logo.png".into(),
            width: Some(10),
            height: Some(20),
            alt: "",
        };
        let organization = || Organization {
            kind: "Organization",
            logo: Some(image_object(&logo)),
            name: "Site",
            url: "https://x.example/",
        };
        let tags = ["a".to_string()];
        let news = NewsArticle {
            id: "u#article",
            kind: "NewsArticle",
            article_section: &tags,
            author: vec![Person {
                kind: "Person",
                name: "A",
                url: "u",
            }],
            date_modified: "d",
            date_published: "d",
            description: "x",
            headline: "h",
            image: Some(image_object(&logo)),
            in_language: "fr",
            keywords: &tags,
            main_entity_of_page: "u",
            publisher: organization(),
            url: "u",
        };
        let website = WebSite {
            kind: "WebSite",
            description: "d",
            in_language: "fr",
            name: "n",
            publisher: organization(),
            url: "u",
        };
        let graph = (news, website, breadcrumbs(&[("Site", "u"), ("P", "v")]));
        let typed = serde_json::to_string(&JsonLd::new(graph)).unwrap();
        // serde_json's map (a BTreeMap) writes keys sorted: a round trip keeps the bytes
        // only if the structs declare their fields in that order.
        let tree: serde_json::Value = serde_json::from_str(&typed).unwrap();
        assert_eq!(tree.to_string(), typed);
    }
}
