//! What templates see: small serializable views borrowed from the [`Site`].

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use tera::{Context, Value};

use super::links::TermPaths;
use super::templates::Templates;
use crate::config::{Config, MenuItem};
use crate::content::Article;
use crate::diagnostic::Diagnostic;
use crate::site::{Site, TaxonomyKind, Term};

/// `site` in every template.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    pub menus: &'a std::collections::BTreeMap<String, Vec<MenuItem>>,
    pub categories: Vec<TermLink<'a>>,
    /// The search page's URL (with the base path), or null when search is off.
    pub search_url: Option<String>,
    pub extra: &'a serde_yaml::Value,
}

impl<'a> SiteView<'a> {
    pub fn new(site: &'a Site, search_path: Option<&str>) -> Self {
        let config = &site.config;
        Self {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: &config.base_path,
            language: &config.language,
            timezone: &config.timezone,
            menus: &config.menus,
            categories: site
                .categories
                .iter()
                .map(|t| TermLink::new(config, t))
                .collect(),
            search_url: search_path.map(|path| config.link(path)),
            extra: &config.extra,
        }
    }
}

/// A link to a term page.
#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
}

impl<'a> TermLink<'a> {
    pub fn new(config: &Config, term: &'a Term) -> Self {
        Self {
            name: &term.name,
            slug: &term.slug,
            url: config.link(&term.permalink),
            count: term.articles.len(),
        }
    }
}

/// A link to a term found by name, for an article's categories, tags and authors.
#[derive(Serialize)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

/// An article in a list: everything but its body.
#[derive(Serialize)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub updated: Option<String>,
    pub summary: String,
    /// The summary as plain text, for meta descriptions.
    pub description: String,
    pub image: Option<String>,
    pub image_alt: &'a str,
    pub categories: Vec<NamedLink>,
    pub tags: Vec<NamedLink>,
    pub authors: Vec<NamedLink>,
    pub reading_time: usize,
    pub editor_pick: bool,
    pub featured: bool,
    pub draft: bool,
    /// Dated in the future: shown only in previews (`--drafts`, `--future`).
    pub scheduled: bool,
}

impl<'a> Card<'a> {
    pub fn new(site: &'a Site, paths: &TermPaths<'_>, article: &'a Article) -> Self {
        let config = &site.config;
        let links = |kind: TaxonomyKind, names: &[String]| -> Vec<NamedLink> {
            names
                .iter()
                .map(|name| NamedLink {
                    name: match kind {
                        TaxonomyKind::Author => site
                            .authors
                            .get(name)
                            .map_or_else(|| name.clone(), |a| a.name.clone()),
                        _ => name.clone(),
                    },
                    url: config.link(&paths.get(kind, name)),
                })
                .collect()
        };
        Self {
            title: &article.title,
            url: config.link(&article.permalink),
            permalink: config.absolute_url(&article.permalink),
            date: article.date.to_string(),
            updated: article.updated.as_ref().map(ToString::to_string),
            summary: article.summary_html(),
            description: article.description().to_string(),
            image: article
                .image
                .as_deref()
                .map(|image| asset_url(config, image)),
            image_alt: article.image_alt.as_deref().unwrap_or(""),
            categories: links(TaxonomyKind::Category, &article.categories),
            tags: links(TaxonomyKind::Tag, &article.tags),
            authors: links(TaxonomyKind::Author, &article.authors),
            reading_time: article.rendered.reading_time,
            editor_pick: article.editor_pick,
            featured: article.featured.is_some(),
            draft: article.draft,
            scheduled: article.date.timestamp() > jiff::Timestamp::now(),
        }
    }
}

/// A site-relative asset path with the base path, or an external URL as it is.
pub fn asset_url(config: &Config, path: &str) -> String {
    if path.contains("://") || path.starts_with("//") {
        path.to_string()
    } else {
        config.link(path)
    }
}

/// The template of one card in a list, rendered once per article (see [`Cards`]).
pub const CARD_TEMPLATE: &str = "partials/card.html";

/// Every article as a card, converted to a template value once per build, with
/// its HTML as [`CARD_TEMPLATE`] renders it (`card_html`): an article is listed
/// on many pages (home, category, tags, author, archives), and rendering its
/// card on each was most of a list page's time.
///
/// Tera's maps are shared (reference counted), so putting a card in a list on
/// thousands of pages costs a pointer copy, not a conversion.
pub struct Cards(Vec<Value>);

impl Cards {
    /// Every card; `templates` must hold the `site` global already.
    pub fn new(
        site: &Site,
        templates: &Templates,
        paths: &TermPaths<'_>,
    ) -> Result<Self, Diagnostic> {
        let cards = site
            .articles
            .par_iter()
            .map(|article| card(site, templates, paths, article))
            .collect::<Result<_, _>>()?;
        Ok(Self(cards))
    }

    /// Only the cards of `articles`, the others undefined: for the dev server, which renders
    /// only pages that show those.
    pub fn some(
        site: &Site,
        templates: &Templates,
        paths: &TermPaths<'_>,
        articles: impl IntoIterator<Item = usize>,
    ) -> Result<Self, Diagnostic> {
        let mut cards = Self(vec![Value::undefined(); site.articles.len()]);
        cards.add(site, templates, paths, articles)?;
        Ok(cards)
    }

    /// Converts the cards of `articles` that are still missing.
    pub fn add(
        &mut self,
        site: &Site,
        templates: &Templates,
        paths: &TermPaths<'_>,
        articles: impl IntoIterator<Item = usize>,
    ) -> Result<(), Diagnostic> {
        for index in articles {
            if self.0[index].is_undefined() {
                self.0[index] = card(site, templates, paths, &site.articles[index])?;
            }
        }
        Ok(())
    }

    /// One article's card.
    pub fn get(&self, index: usize) -> Value {
        self.0[index].clone()
    }

    /// The cards of some articles, in order.
    pub fn list(&self, indices: impl IntoIterator<Item = usize>) -> Value {
        Value::from(indices.into_iter().map(|i| self.get(i)).collect::<Vec<_>>())
    }
}

/// One article's card, with its `card_html` when the theme has a card template.
fn card(
    site: &Site,
    templates: &Templates,
    paths: &TermPaths<'_>,
    article: &Article,
) -> Result<Value, Diagnostic> {
    let card = Value::from_serializable(&Card::new(site, paths, article));
    if !templates.contains(CARD_TEMPLATE) {
        return Ok(card);
    }
    let mut context = Context::new();
    context.insert_value("article", card.clone());
    let html = templates.render(CARD_TEMPLATE, &context)?;
    Ok(extended(&card, &[("card_html", Value::from(html))]))
}

/// A template map from fixed keys.
pub fn map(entries: &[(&'static str, Value)]) -> Value {
    Value::from_serializable(&Fields {
        base: None,
        entries,
    })
}

/// The map `base` (whose keys are field names, as in a card) with more entries.
pub fn extended(base: &Value, entries: &[(&'static str, Value)]) -> Value {
    Value::from_serializable(&Fields {
        base: base.as_map(),
        entries,
    })
}

/// Entries serialized as a struct: Tera builds the map in one pass, where converting
/// a [`tera::Map`] with `Value::from` would hash and insert every entry a second time.
/// Values inside are passed through (shared, not copied).
struct Fields<'a> {
    base: Option<&'a tera::Map>,
    entries: &'a [(&'static str, Value)],
}

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = self.base.map_or(0, |base| base.len()) + self.entries.len();
        let mut fields = serializer.serialize_struct("", len)?;
        for (key, value) in self.base.into_iter().flatten() {
            match key {
                tera::value::Key::Str(name) => fields.serialize_field(name, value)?,
                _ => unreachable!("maps built from fields have field names as keys"),
            }
        }
        for (name, value) in self.entries {
            fields.serialize_field(name, value)?;
        }
        fields.end()
    }
}
