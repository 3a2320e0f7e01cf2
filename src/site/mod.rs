//! Indexes over all articles: order, taxonomies, editor's picks, top stories, neighbours.

pub mod related;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::permalink::{expand, slugify};
use crate::content::{Article, Author, Content, Page};

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
    pub assets: Vec<(std::path::PathBuf, String)>,
}

/// Builds the indexes.
pub fn index(config: Config, content: Content) -> Site {
    let Content {
        mut articles,
        mut pages,
        authors,
        assets,
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
        assets,
    }
}

/// Groups articles by a list field; terms come out sorted by slug, articles newest first.
fn terms(
    articles: &[Article],
    field: impl Fn(&Article) -> &Vec<String>,
    pattern: &str,
) -> Vec<Term> {
    let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for name in field(article) {
            let slug = slugify(name);
            if slug.is_empty() {
                continue;
            }
            let term = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                name: name.clone(),
                permalink: expand(pattern, &slug, None),
                slug,
                articles: Vec::new(),
            });
            if term.articles.last() != Some(&index) {
                term.articles.push(index);
            }
        }
    }
    by_slug.into_values().collect()
}

impl Site {
    /// The terms of one kind.
    pub fn terms(&self, kind: TaxonomyKind) -> &[Term] {
        match kind {
            TaxonomyKind::Category => &self.categories,
            TaxonomyKind::Tag => &self.tags,
            TaxonomyKind::Author => &self.author_terms,
        }
    }

    /// The site path of a term, found by its display name.
    pub fn term_permalink(&self, kind: TaxonomyKind, name: &str) -> String {
        let pattern = match kind {
            TaxonomyKind::Category => &self.config.permalinks.category,
            TaxonomyKind::Tag => &self.config.permalinks.tag,
            TaxonomyKind::Author => &self.config.permalinks.author,
        };
        expand(pattern, &slugify(name), None)
    }
}
