//! Indexes over all articles: order, taxonomies, editor's picks, top stories, neighbours.

pub mod archives;
pub mod images;
pub mod related;

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::content::permalink::{expand, slugify};
use crate::content::{Article, Author, Content, Page, ReadAlsoSetting};
use crate::diagnostic::Diagnostic;
use related::{Explanation, RelatedDoc, explain, related_lists};

/// A category, tag or author, and its articles newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub permalink: String,
    /// Indices into [`Site::articles`].
    pub articles: Vec<usize>,
}

/// The kinds of terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyKind {
    Category,
    Tag,
    Author,
}

/// Every article and the indexes over them; rendering borrows it, never changes it.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first; ties broken by content path so the order never depends on the walk.
    pub articles: Vec<Article>,
    pub pages: Vec<Page>,
    pub authors: BTreeMap<String, Author>,
    pub categories: Vec<Term>,
    pub tags: Vec<Term>,
    /// One term per author slug used by an article, with or without a profile.
    pub author_terms: Vec<Term>,
    /// Editor's picks, newest first.
    pub editor_picks: Vec<usize>,
    /// Featured articles: by rank, then newest first.
    pub featured: Vec<usize>,
    /// Each article's related articles, best first (pinned ones first).
    pub related: Vec<Vec<usize>>,
    /// Each article's "read also" article, when it has one.
    pub read_also: Vec<Option<usize>>,
    /// Years newest first, each with its months.
    pub archives: Vec<archives::YearArchive>,
    /// Articles that are translations of each other, by `translation_key`; only keys
    /// shared by at least two articles.
    pub translations: HashMap<String, Vec<usize>>,
    /// Pixel sizes of local lead images and of the logo, by path as written.
    pub image_sizes: HashMap<String, images::ImageSize>,
    /// The build's clock.
    pub now: jiff::Timestamp,
}

/// Builds the indexes; related lists come after, from [`relate`].
pub fn index(config: Config, content: Content) -> Site {
    let image_sizes = images::measure(&config, &content.articles);
    index_measured(config, content, image_sizes)
}

/// [`index`] with the lead images already measured (the dev server measures only the
/// images it has not seen).
pub fn index_measured(
    config: Config,
    content: Content,
    image_sizes: HashMap<String, images::ImageSize>,
) -> Site {
    let Content {
        mut articles,
        mut pages,
        authors,
        now,
        ..
    } = content;
    articles.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.path.cmp(&b.path))
    });
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title)));

    let categories = terms(&articles, |a| &a.categories, &config.permalinks.category);
    let tags = terms(&articles, |a| &a.tags, &config.permalinks.tag);
    let mut author_terms = terms(&articles, |a| &a.authors, &config.permalinks.author);
    let authors: BTreeMap<String, Author> =
        authors.into_iter().map(|a| (a.slug.clone(), a)).collect();
    for term in &mut author_terms {
        if let Some(profile) = authors.get(&term.slug) {
            term.name = profile.name.clone();
        }
    }
    let editor_picks = (0..articles.len())
        .filter(|&i| articles[i].editor_pick)
        .collect();
    let mut featured: Vec<usize> = (0..articles.len())
        .filter(|&i| articles[i].featured.is_some())
        .collect();
    featured.sort_by_key(|&i| articles[i].featured);
    let mut translations: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, article) in articles.iter().enumerate() {
        if let Some(key) = &article.translation_key {
            translations.entry(key.clone()).or_default().push(index);
        }
    }
    translations.retain(|_, articles| articles.len() > 1);
    let archives = archives::index(&articles);
    Site {
        config,
        articles,
        pages,
        authors,
        categories,
        tags,
        author_terms,
        editor_picks,
        featured,
        related: Vec::new(),
        read_also: Vec::new(),
        archives,
        translations,
        image_sizes,
        now,
    }
}

/// Computes every article's related list and "read also" article.
pub fn relate(site: &mut Site) -> Result<(), Vec<Diagnostic>> {
    let references = References::new(&site.articles);
    let mut errors = Vec::new();
    let docs = related_docs(&site.articles, &references, &mut errors);
    let related: Vec<Vec<usize>> = related_lists(&docs, &site.config.related)
        .into_iter()
        .map(|list| list.into_iter().map(|r| r.index).collect())
        .collect();
    let read_also = site
        .articles
        .iter()
        .zip(&related)
        .map(|(article, related)| {
            choose_read_also(article, related, &site.articles, &references, &mut errors)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    site.related = related;
    site.read_also = read_also;
    Ok(())
}

/// Every candidate of one article's related list, with each signal's part.
pub fn explain_related(site: &Site, reference: &str) -> Result<(usize, Vec<Explanation>), String> {
    let references = References::new(&site.articles);
    let target = references
        .find(reference)
        .ok_or_else(|| format!("no published article has the path or slug `{reference}`"))?;
    let docs = related_docs(&site.articles, &references, &mut Vec::new());
    Ok((target, explain(&docs, &site.config.related, target)))
}

/// Finds articles by what authors write in `related:` and `read_also:`: a content path
/// (`articles/2026/11/x.md`, with or without `@/` or `content/`) or a slug.
pub struct References<'a> {
    by_path: HashMap<&'a str, usize>,
    by_slug: HashMap<&'a str, usize>,
}

impl<'a> References<'a> {
    pub fn new(articles: &'a [Article]) -> Self {
        let mut by_slug = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            // The newest article wins a shared slug (articles are newest first).
            by_slug.entry(article.slug.as_str()).or_insert(index);
        }
        Self {
            by_path: articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.path.as_str(), i))
                .collect(),
            by_slug,
        }
    }

    /// The index of the article `reference` names.
    pub fn find(&self, reference: &str) -> Option<usize> {
        let path = reference
            .trim_start_matches("@/")
            .trim_start_matches("content/");
        self.by_path
            .get(path)
            .or_else(|| self.by_slug.get(path.trim_matches('/')))
            .copied()
    }
}

/// What the related-articles engine reads of each article; unknown pins become errors.
fn related_docs<'a>(
    articles: &'a [Article],
    references: &References<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<RelatedDoc<'a>> {
    articles
        .iter()
        .enumerate()
        .map(|(index, article)| RelatedDoc {
            title: &article.title,
            summary: article.summary.as_deref().unwrap_or(&article.rendered.summary_text),
            body_text: &article.rendered.text,
            tags: &article.tags,
            categories: &article.categories,
            authors: &article.authors,
            series: article.series.as_deref(),
            date: article.date.timestamp(),
            pinned: article
                .related
                .iter()
                .filter_map(|reference| {
                    let found = references.find(reference).filter(|&pin| pin != index);
                    if found.is_none() {
                        let (line, column) = article.related_position;
                        errors.push(
                            Diagnostic::error(&article.body.file, line, column, format!("`related:` names `{reference}`, which is not a published article"))
                                .with_help("write the content path (articles/2026/11/x.md) or the slug of another article"),
                        );
                    }
                    found
                })
                .collect(),
        })
        .collect()
}

/// The article of the "read also" block: the author's choice, else the best related
/// article the text does not already link to.
fn choose_read_also(
    article: &Article,
    related: &[usize],
    articles: &[Article],
    references: &References<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    match &article.read_also {
        ReadAlsoSetting::Off => None,
        ReadAlsoSetting::Target(reference) => {
            let found = references.find(reference);
            if found.is_none() {
                let (line, column) = article.read_also_position;
                errors.push(
                    Diagnostic::error(&article.body.file, line, column, format!("`read_also:` names `{reference}`, which is not a published article"))
                        .with_help("write the content path or the slug of another article, or `false` to turn the block off"),
                );
            }
            found
        }
        ReadAlsoSetting::Auto => related.iter().copied().find(|&candidate| {
            !article
                .rendered
                .internal_links
                .contains(&articles[candidate].permalink)
        }),
    }
}

/// Groups articles by a list field; terms come out sorted by slug, articles newest first.
fn terms(
    articles: &[Article],
    field: impl Fn(&Article) -> &Vec<String>,
    pattern: &str,
) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
    // Thousands of articles share a few hundred names: look each name up once.
    let mut by_name: FxHashMap<&str, Option<usize>> = FxHashMap::default();
    for (index, article) in articles.iter().enumerate() {
        for name in field(article) {
            let term = *by_name.entry(name).or_insert_with(|| {
                let slug = slugify(name);
                if slug.is_empty() {
                    return None;
                }
                Some(*by_slug.entry(slug.clone()).or_insert_with(|| {
                    terms.push(Term {
                        name: name.clone(),
                        permalink: expand(pattern, &slug, None),
                        slug,
                        articles: Vec::new(),
                    });
                    terms.len() - 1
                }))
            });
            let Some(term) = term else { continue };
            let term = &mut terms[term];
            if term.articles.last() != Some(&index) {
                term.articles.push(index);
            }
        }
    }
    terms.sort_by(|a, b| a.slug.cmp(&b.slug));
    terms
}

impl Site {
    /// Gives the configuration and the content back, so that the dev server can change
    /// a few files and index again without reading the others.
    pub fn into_parts(self) -> (Config, Content) {
        let Site {
            config,
            articles,
            pages,
            authors,
            now,
            ..
        } = self;
        let content = Content {
            articles,
            pages,
            authors: authors.into_values().collect(),
            now,
            ..Content::default()
        };
        (config, content)
    }

    /// The terms of one kind.
    pub fn terms(&self, kind: TaxonomyKind) -> &[Term] {
        match kind {
            TaxonomyKind::Category => &self.categories,
            TaxonomyKind::Tag => &self.tags,
            TaxonomyKind::Author => &self.author_terms,
        }
    }

    /// The language of an article: its own, else the site's.
    pub fn language_of<'a>(&'a self, article: &'a Article) -> &'a str {
        article.lang.as_deref().unwrap_or(&self.config.language)
    }

    /// The other language versions of an article.
    pub fn translations_of(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.articles[index]
            .translation_key
            .as_ref()
            .and_then(|key| self.translations.get(key))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&other| other != index)
    }

    /// The index page of a taxonomy: its permalink pattern without the `:slug/` part.
    pub fn term_index_permalink(&self, kind: TaxonomyKind) -> String {
        self.pattern(kind).replace(":slug/", "")
    }

    fn pattern(&self, kind: TaxonomyKind) -> &str {
        match kind {
            TaxonomyKind::Category => &self.config.permalinks.category,
            TaxonomyKind::Tag => &self.config.permalinks.tag,
            TaxonomyKind::Author => &self.config.permalinks.author,
        }
    }

    /// The site path of a term, found by its display name.
    pub fn term_permalink(&self, kind: TaxonomyKind, name: &str) -> String {
        expand(self.pattern(kind), &slugify(name), None)
    }
}
