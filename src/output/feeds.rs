//! RSS 2.0 and Atom feeds, for the site and for each category.
//!
//! The XML is written by the `rss` and `atom_syndication` crates, which escape every
//! value; what they cannot escape (control characters) is removed first by [`xml_text`].

use atom_syndication as atom;
use jiff::Zoned;

use super::xml_text;
use crate::config::FeedContent;
use crate::content::Article;
use crate::content::date::rfc3339;
use crate::diagnostic::Diagnostic;
use crate::site::{Site, TaxonomyKind, Term};

/// The file name of RSS feeds, at the site root and in each category's folder.
pub const RSS_FILE: &str = "feed.xml";
/// The file name of Atom feeds.
pub const ATOM_FILE: &str = "atom.xml";

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

impl Format {
    /// The media type, for `<link rel="alternate" type="…">`.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Self::Rss => RSS_FILE,
            Self::Atom => ATOM_FILE,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
        }
    }
}

/// A feed as announced in HTML heads.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub format: Format,
    /// Site path, such as `/feed.xml`.
    pub path: String,
    pub title: String,
}

/// The site's feeds, and a category's when `category` is given and category feeds are on.
pub fn links(site: &Site, category: Option<&Term>) -> Vec<FeedLink> {
    let mut links = Vec::new();
    if let Some(term) = category.filter(|_| site.config.feeds.categories) {
        for format in [Format::Rss, Format::Atom] {
            links.push(FeedLink {
                format,
                path: format!("{}{}", term.permalink, format.file()),
                title: format!("{} – {} ({})", site.config.title, term.name, format.name()),
            });
        }
    }
    for format in [Format::Rss, Format::Atom] {
        links.push(FeedLink {
            format,
            path: format!("/{}", format.file()),
            title: format!("{} ({})", site.config.title, format.name()),
        });
    }
    links
}

/// What one feed holds.
struct Channel<'a> {
    title: String,
    description: &'a str,
    /// Absolute URL of the HTML page the feed follows.
    page: String,
    /// Site path of the folder the feed files go into.
    folder: &'a str,
    /// The newest articles, at most `feeds.limit`.
    articles: Vec<usize>,
}

/// Every feed file: (path relative to the output folder, bytes).
pub fn render(site: &Site) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let config = &site.config;
    let description = if config.description.is_empty() {
        &config.title
    } else {
        &config.description
    };
    let limit = config.feeds.limit;
    let mut channels = vec![Channel {
        title: config.title.clone(),
        description,
        page: config.base_url.clone(),
        folder: "/",
        // Articles are newest first.
        articles: (0..site.articles.len().min(limit)).collect(),
    }];
    if config.feeds.categories {
        channels.extend(site.categories.iter().map(|term| Channel {
            title: format!("{} – {}", config.title, term.name),
            description,
            page: config.absolute_url(&term.permalink),
            folder: &term.permalink,
            articles: term.articles.iter().copied().take(limit).collect(),
        }));
    }
    let mut files = Vec::with_capacity(channels.len() * 2);
    for channel in &channels {
        let entries: Vec<Entry<'_>> = channel
            .articles
            .iter()
            .map(|&index| Entry::new(site, &site.articles[index]))
            .collect();
        let folder = channel.folder.trim_start_matches('/');
        files.push((
            format!("{folder}{RSS_FILE}"),
            rss_feed(site, channel, &entries)?,
        ));
        files.push((
            format!("{folder}{ATOM_FILE}"),
            atom_feed(site, channel, &entries)?,
        ));
    }
    Ok(files)
}

/// An article as feeds show it, its text cleaned for XML once.
struct Entry<'a> {
    article: &'a Article,
    title: String,
    url: String,
    summary: String,
    content: Option<String>,
    /// (name, absolute URL of the author page)
    authors: Vec<(String, String)>,
    categories: Vec<String>,
}

impl<'a> Entry<'a> {
    fn new(site: &Site, article: &'a Article) -> Self {
        let config = &site.config;
        Self {
            article,
            title: xml_text(&article.title),
            url: config.absolute_url(&article.permalink),
            summary: xml_text(&article.summary_html()),
            content: (config.feeds.content == FeedContent::Full)
                .then(|| xml_text(&article.rendered.html)),
            authors: article
                .authors
                .iter()
                .map(|slug| {
                    let name = site.authors.get(slug).map_or(slug.as_str(), |a| &a.name);
                    let page = site.term_permalink(TaxonomyKind::Author, slug);
                    (xml_text(name), config.absolute_url(&page))
                })
                .collect(),
            categories: article
                .categories
                .iter()
                .chain(&article.tags)
                .map(|name| xml_text(name))
                .collect(),
        }
    }

    /// The last change: `updated`, else the publication date.
    fn updated(&self) -> &Zoned {
        self.article.updated.as_ref().unwrap_or(&self.article.date)
    }
}

fn rss_feed(
    site: &Site,
    channel: &Channel<'_>,
    entries: &[Entry<'_>],
) -> Result<Vec<u8>, Diagnostic> {
    let config = &site.config;
    let self_url = config.absolute_url(&format!("{}{RSS_FILE}", channel.folder));
    let items = entries
        .iter()
        .map(|entry| {
            let mut item = rss::Item {
                title: Some(entry.title.clone()),
                link: Some(entry.url.clone()),
                description: Some(entry.summary.clone()),
                content: entry.content.clone(),
                guid: Some(rss::Guid {
                    value: entry.url.clone(),
                    permalink: true,
                }),
                pub_date: Some(rfc2822(&entry.article.date)?),
                categories: entry
                    .categories
                    .iter()
                    .map(|name| rss::Category {
                        name: name.clone(),
                        domain: None,
                    })
                    .collect(),
                ..rss::Item::default()
            };
            if !entry.authors.is_empty() {
                // RSS's own <author> must be an e-mail address; Dublin Core takes names.
                item.dublin_core_ext = Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: entry.authors.iter().map(|(name, _)| name.clone()).collect(),
                    ..Default::default()
                });
            }
            Ok(item)
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    let last_build_date = entries
        .iter()
        .map(Entry::updated)
        .max()
        .map(rfc2822)
        .transpose()?;
    let rss = rss::Channel {
        title: xml_text(&channel.title),
        link: channel.page.clone(),
        description: xml_text(channel.description),
        language: Some(xml_text(&config.language)),
        generator: Some("kiosque".into()),
        last_build_date,
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: vec![atom::Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(Format::Rss.media_type().into()),
                ..atom::Link::default()
            }],
        }),
        items,
        ..rss::Channel::default()
    };
    rss.pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|e| feed_error(channel, &e.to_string()))
}

fn atom_feed(
    site: &Site,
    channel: &Channel<'_>,
    entries: &[Entry<'_>],
) -> Result<Vec<u8>, Diagnostic> {
    let config = &site.config;
    let self_url = config.absolute_url(&format!("{}{ATOM_FILE}", channel.folder));
    let link = |rel: &str, href: &str, media_type: &str| atom::Link {
        href: href.to_string(),
        rel: rel.into(),
        mime_type: Some(media_type.into()),
        ..atom::Link::default()
    };
    let atom_entries = entries
        .iter()
        .map(|entry| {
            Ok(atom::Entry {
                title: atom::Text::plain(entry.title.clone()),
                id: entry.url.clone(),
                updated: fixed(entry.updated())?,
                published: Some(fixed(&entry.article.date)?),
                authors: entry
                    .authors
                    .iter()
                    .map(|(name, uri)| atom::Person {
                        name: name.clone(),
                        uri: Some(uri.clone()),
                        ..atom::Person::default()
                    })
                    .collect(),
                categories: entry
                    .categories
                    .iter()
                    .map(|name| atom::Category {
                        term: name.clone(),
                        ..atom::Category::default()
                    })
                    .collect(),
                links: vec![link("alternate", &entry.url, "text/html")],
                summary: Some(atom::Text::html(entry.summary.clone())),
                content: entry.content.as_ref().map(|html| atom::Content {
                    value: Some(html.clone()),
                    content_type: Some("html".into()),
                    ..atom::Content::default()
                }),
                ..atom::Entry::default()
            })
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    let updated = match entries.iter().map(Entry::updated).max() {
        Some(date) => fixed(date)?,
        None => fixed(&site.now.to_zoned(jiff::tz::TimeZone::UTC))?,
    };
    let feed = atom::Feed {
        title: atom::Text::plain(xml_text(&channel.title)),
        subtitle: Some(atom::Text::plain(xml_text(channel.description))),
        id: channel.page.clone(),
        updated,
        // Atom wants an author for entries that have none: the publication.
        authors: vec![atom::Person {
            name: xml_text(&config.title),
            uri: Some(config.base_url.clone()),
            ..atom::Person::default()
        }],
        generator: Some(atom::Generator {
            value: "kiosque".into(),
            ..atom::Generator::default()
        }),
        links: vec![
            link("alternate", &channel.page, "text/html"),
            link("self", &self_url, Format::Atom.media_type()),
        ],
        // Links inside summaries and content are site paths: resolve them against the site.
        base: Some(config.base_url.clone()),
        lang: Some(xml_text(&config.language)),
        entries: atom_entries,
        ..atom::Feed::default()
    };
    let config = atom::WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    feed.write_with_config(Vec::new(), config)
        .map_err(|e| feed_error(channel, &e.to_string()))
}

fn rfc2822(date: &Zoned) -> Result<String, Diagnostic> {
    jiff::fmt::rfc2822::to_string(date).map_err(|e| date_error(date, &e.to_string()))
}

fn fixed(date: &Zoned) -> Result<atom::FixedDateTime, Diagnostic> {
    atom::FixedDateTime::parse_from_rfc3339(&rfc3339(date))
        .map_err(|e| date_error(date, &e.to_string()))
}

fn date_error(date: &Zoned, error: &str) -> Diagnostic {
    Diagnostic::error(
        std::path::Path::new("feeds"),
        1,
        1,
        format!("cannot write the date {date} in a feed: {error}"),
    )
}

fn feed_error(channel: &Channel<'_>, error: &str) -> Diagnostic {
    Diagnostic::error(
        std::path::Path::new(channel.folder),
        1,
        1,
        format!("cannot write the feed: {error}"),
    )
}
