//! What each page shows of the site, besides its template, the configuration and the
//! sidebars: the dev server re-renders a page only when one of these changed.
//!
//! Keep it in step with the contexts built in [`super::render_job`]: a page whose
//! context reads an article must list it here, or an edit to that article would not
//! reach the page until the next full build.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Job, page_count, page_slice};
use crate::site::archives::YearArchive;
use crate::site::{Site, TaxonomyKind};

/// What one page shows.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Articles whose card or content the page shows (indices into [`Site::articles`]).
    pub articles: Vec<usize>,
    /// The standalone page it renders (index into [`Site::pages`]).
    pub page: Option<usize>,
    /// A hash of everything else it shows: counts, page totals, term names.
    pub other: u64,
}

/// What `job`'s page shows.
pub fn inputs(site: &Site, job: Job<'_>) -> Inputs {
    let mut other = DefaultHasher::new();
    let mut inputs = Inputs::default();
    match job {
        Job::Article(index) => {
            // The article, its neighbours in time (`prev`, `next`), its related
            // articles and its "read also" article.
            inputs.articles.push(index);
            if index + 1 < site.articles.len() {
                inputs.articles.push(index + 1);
            }
            if let Some(next) = index.checked_sub(1) {
                inputs.articles.push(next);
            }
            inputs
                .articles
                .extend(site.related.get(index).into_iter().flatten());
            // Marks the end of the related list: a read-also article is not a related one.
            inputs.articles.len().hash(&mut other);
            inputs
                .articles
                .extend(site.read_also.get(index).copied().flatten());
        }
        Job::Home(page) => {
            let per_page = site.config.pagination.home;
            let all: Vec<usize> = (0..site.articles.len()).collect();
            inputs.articles.extend(site.featured.first());
            inputs
                .articles
                .extend_from_slice(page_slice(&all, page, per_page));
            page_count(all.len(), per_page).hash(&mut other);
        }
        Job::Term(kind, index, page) => {
            let term = &site.terms(kind)[index];
            let per_page = site.config.pagination.terms;
            inputs
                .articles
                .extend_from_slice(page_slice(&term.articles, page, per_page));
            (&term.name, term.articles.len()).hash(&mut other);
            page_count(term.articles.len(), per_page).hash(&mut other);
            if kind == TaxonomyKind::Author {
                // The profile's bio is rendered Markdown: hash its output, not its source.
                if let Some(author) = site.authors.get(&term.slug) {
                    (&author.name, &author.role, &author.avatar).hash(&mut other);
                    author.rendered.html.hash(&mut other);
                    for link in &author.links {
                        (&link.label, &link.url).hash(&mut other);
                    }
                }
            }
        }
        Job::TermIndex(kind) => {
            for term in site.terms(kind) {
                (&term.name, &term.slug, term.articles.len()).hash(&mut other);
            }
        }
        Job::Page(index) => inputs.page = Some(index),
        Job::ArchiveIndex => {
            for year in &site.archives {
                hash_year(year, &mut other);
            }
        }
        Job::Archive(y, m, page) => {
            let year = &site.archives[y];
            let articles = match m {
                Some(m) => &year.months[m].articles,
                None => &year.articles,
            };
            let per_page = site.config.pagination.archives;
            inputs
                .articles
                .extend_from_slice(page_slice(articles, page, per_page));
            // The view links the year's months, with their counts.
            hash_year(year, &mut other);
            (m, page_count(articles.len(), per_page)).hash(&mut other);
        }
        Job::NotFound | Job::Search(_) => {}
        Job::Alias(index, _) => inputs.articles.push(index),
    }
    inputs.other = other.finish();
    inputs
}

/// A year's archive as links show it: its months and their counts.
fn hash_year(year: &YearArchive, hasher: &mut impl Hasher) {
    (year.year, &year.permalink, year.articles.len()).hash(hasher);
    for month in &year.months {
        (month.month, &month.permalink, month.articles.len()).hash(hasher);
    }
}

/// A hash of what every page shows of the site: the categories of the main menu.
pub fn site_wide(site: &Site) -> u64 {
    let mut hasher = DefaultHasher::new();
    for term in &site.categories {
        (&term.name, &term.slug, term.articles.len()).hash(&mut hasher);
    }
    hasher.finish()
}
