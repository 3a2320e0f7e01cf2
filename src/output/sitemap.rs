//! `sitemap.xml` (split into a sitemap index past 50,000 URLs) and the Google News
//! sitemap `news-sitemap.xml`, written with quick-xml, which escapes every value.

use std::io;

use jiff::{SignedDuration, Timestamp};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::xml_text;
use crate::config::Config;
use crate::content::Article;
use crate::content::date::rfc3339;
use crate::site::{Site, TaxonomyKind, Term};

/// The sitemap search engines read first.
pub const SITEMAP_FILE: &str = "sitemap.xml";
/// The Google News sitemap.
pub const NEWS_SITEMAP_FILE: &str = "news-sitemap.xml";
/// The most URLs one sitemap file may list (sitemaps.org).
pub const MAX_URLS: usize = 50_000;
/// Google News lists articles published in the last two days...
const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);
/// ...and at most this many per sitemap.
const MAX_NEWS_URLS: usize = 1_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// One URL of the sitemap.
#[derive(Debug, Clone)]
pub struct Url {
    /// Absolute.
    pub loc: String,
    pub lastmod: Option<Timestamp>,
}

/// `sitemap.xml`, and `sitemap-N.xml` files past [`MAX_URLS`].
pub fn render(site: &Site) -> io::Result<Vec<(String, Vec<u8>)>> {
    split(&site.config, &urls(site), MAX_URLS)
}

/// Every page worth indexing: articles, standalone pages, the home page, taxonomy and
/// archive pages (their first page; later pages repeat what articles already list).
pub fn urls(site: &Site) -> Vec<Url> {
    let config = &site.config;
    let last_change = |articles: &[usize]| {
        articles
            .iter()
            .map(|&i| last_modified(&site.articles[i]))
            .max()
    };
    let url = |path: &str, lastmod: Option<Timestamp>| Url {
        loc: config.absolute_url(path),
        lastmod,
    };
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let mut urls = vec![url("/", last_change(&all))];
    urls.extend(
        site.articles
            .iter()
            .map(|a| url(&a.permalink, Some(last_modified(a)))),
    );
    urls.extend(site.pages.iter().map(|p| url(&p.permalink, None)));
    for kind in [
        TaxonomyKind::Category,
        TaxonomyKind::Tag,
        TaxonomyKind::Author,
    ] {
        let terms: &[Term] = site.terms(kind);
        if terms.is_empty() {
            continue;
        }
        urls.push(url(&site.term_index_permalink(kind), last_change(&all)));
        urls.extend(
            terms
                .iter()
                .map(|t| url(&t.permalink, last_change(&t.articles))),
        );
    }
    if !site.archives.is_empty() {
        urls.push(url(crate::site::archives::ARCHIVES_PATH, last_change(&all)));
    }
    for year in &site.archives {
        urls.push(url(&year.permalink, last_change(&year.articles)));
        urls.extend(
            year.months
                .iter()
                .map(|m| url(&m.permalink, last_change(&m.articles))),
        );
    }
    urls
}

/// The last change of an article: `updated`, else its date.
fn last_modified(article: &Article) -> Timestamp {
    article
        .updated
        .as_ref()
        .unwrap_or(&article.date)
        .timestamp()
}

/// One `sitemap.xml` when the URLs fit, else a sitemap index over `sitemap-N.xml` files.
fn split(config: &Config, urls: &[Url], max: usize) -> io::Result<Vec<(String, Vec<u8>)>> {
    if urls.len() <= max {
        return Ok(vec![(SITEMAP_FILE.to_string(), url_set(urls)?)]);
    }
    let mut files = Vec::new();
    let mut index = Vec::new();
    for (number, chunk) in urls.chunks(max).enumerate() {
        let name = format!("sitemap-{}.xml", number + 1);
        index.push(Url {
            loc: config.absolute_url(&name),
            lastmod: chunk.iter().filter_map(|u| u.lastmod).max(),
        });
        files.push((name, url_set(chunk)?));
    }
    files.push((SITEMAP_FILE.to_string(), sitemap_index(&index)?));
    Ok(files)
}

fn url_set(urls: &[Url]) -> io::Result<Vec<u8>> {
    document(|writer| {
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|writer| {
                for url in urls {
                    writer
                        .create_element("url")
                        .write_inner_content(|writer| located(writer, url))?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

fn sitemap_index(sitemaps: &[Url]) -> io::Result<Vec<u8>> {
    document(|writer| {
        writer
            .create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|writer| {
                for sitemap in sitemaps {
                    writer
                        .create_element("sitemap")
                        .write_inner_content(|writer| located(writer, sitemap))?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// `<loc>` and `<lastmod>`.
fn located(writer: &mut Writer<Vec<u8>>, url: &Url) -> io::Result<()> {
    text_element(writer, "loc", &url.loc)?;
    if let Some(lastmod) = url.lastmod {
        text_element(writer, "lastmod", &w3c(lastmod))?;
    }
    Ok(())
}

/// `news-sitemap.xml`: the articles published in the 48 hours before `now`, newest first,
/// with the publication's name and language and each article's date and title.
pub fn render_news(site: &Site, now: Timestamp) -> io::Result<Vec<u8>> {
    let since = now - NEWS_WINDOW;
    let recent = site
        .articles
        .iter()
        .filter(|a| {
            let date = a.date.timestamp();
            date > since && date <= now
        })
        .take(MAX_NEWS_URLS);
    let name = xml_text(&site.config.title);
    document(|writer| {
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|writer| {
                for article in recent {
                    writer.create_element("url").write_inner_content(|writer| {
                        text_element(writer, "loc", &site.config.absolute_url(&article.permalink))?;
                        writer
                            .create_element("news:news")
                            .write_inner_content(|writer| {
                                writer
                                    .create_element("news:publication")
                                    .write_inner_content(|writer| {
                                        text_element(writer, "news:name", &name)?;
                                        text_element(
                                            writer,
                                            "news:language",
                                            &news_language(site.language_of(article)),
                                        )
                                    })?;
                                text_element(
                                    writer,
                                    "news:publication_date",
                                    &rfc3339(&article.date),
                                )?;
                                text_element(writer, "news:title", &xml_text(&article.title))
                            })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// Google News wants an ISO 639 code (`fr`), except `zh-cn` and `zh-tw`.
fn news_language(language: &str) -> String {
    let language = language.to_ascii_lowercase().replace('_', "-");
    if language == "zh-cn" || language == "zh-tw" {
        return language;
    }
    language.split('-').next().unwrap_or(&language).to_string()
}

fn document(write: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    write(&mut writer)?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn text_element(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// A W3C date-time in UTC, as sitemaps want it.
fn w3c(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_a_sitemap_index_lists_the_parts() {
        let text = "base_url: https://user.github.io/blog/\n";
        let (config, _) = crate::config::parse(
            std::path::Path::new("."),
            std::path::Path::new("site.yaml"),
            text,
            None,
        )
        .unwrap();
        let urls: Vec<Url> = (0..5)
            .map(|i| Url {
                loc: config.absolute_url(&format!("/{i}/?a=1&b=2")),
                lastmod: Some(Timestamp::from_second(1_800_000_000 + i).unwrap()),
            })
            .collect();
        let files = split(&config, &urls, 2).unwrap();
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let text = |i: usize| String::from_utf8(files[i].1.clone()).unwrap();
        let index = text(3);
        let index = roxmltree::Document::parse(&index).unwrap();
        let locs: Vec<&str> = index
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP_NS, "loc")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            locs,
            [
                "https://user.github.io/blog/sitemap-1.xml",
                "https://user.github.io/blog/sitemap-2.xml",
                "https://user.github.io/blog/sitemap-3.xml"
            ]
        );
        let last = text(2);
        let last = roxmltree::Document::parse(&last).unwrap();
        let loc = last
            .descendants()
            .find(|n| n.has_tag_name((SITEMAP_NS, "loc")))
            .and_then(|n| n.text());
        assert_eq!(loc, Some("https://user.github.io/blog/4/?a=1&b=2"));
        assert_eq!(split(&config, &urls, 5).unwrap().len(), 1);
    }

    #[test]
    fn news_languages_are_iso_639_codes() {
        assert_eq!(news_language("fr"), "fr");
        assert_eq!(news_language("fr-CA"), "fr");
        assert_eq!(news_language("zh_TW"), "zh-tw");
        assert_eq!(news_language("pt-BR"), "pt");
    }
}
