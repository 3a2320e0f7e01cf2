//! The site paths of the terms that articles name: each name is slugified once per
//! build, not on every card and page that links to it.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::site::{Site, TaxonomyKind};

/// Term site paths by kind and name as written in front matter.
pub struct TermPaths<'a> {
    site: &'a Site,
    categories: FxHashMap<&'a str, String>,
    tags: FxHashMap<&'a str, String>,
    authors: FxHashMap<&'a str, String>,
}

impl<'a> TermPaths<'a> {
    /// The paths of every category, tag and author slug the site's articles name.
    pub fn new(site: &'a Site) -> Self {
        let mut paths = Self {
            site,
            categories: FxHashMap::default(),
            tags: FxHashMap::default(),
            authors: FxHashMap::default(),
        };
        for article in &site.articles {
            for (kind, names) in [
                (TaxonomyKind::Category, &article.categories),
                (TaxonomyKind::Tag, &article.tags),
                (TaxonomyKind::Author, &article.authors),
            ] {
                let known = paths.of_kind(kind);
                for name in names {
                    known
                        .entry(name)
                        .or_insert_with(|| site.term_permalink(kind, name));
                }
            }
        }
        paths
    }

    /// The site path of a term, as [`Site::term_permalink`] gives it.
    pub fn get(&self, kind: TaxonomyKind, name: &str) -> Cow<'_, str> {
        let known = match kind {
            TaxonomyKind::Category => &self.categories,
            TaxonomyKind::Tag => &self.tags,
            TaxonomyKind::Author => &self.authors,
        };
        match known.get(name) {
            Some(path) => Cow::Borrowed(path),
            None => Cow::Owned(self.site.term_permalink(kind, name)),
        }
    }

    fn of_kind(&mut self, kind: TaxonomyKind) -> &mut FxHashMap<&'a str, String> {
        match kind {
            TaxonomyKind::Category => &mut self.categories,
            TaxonomyKind::Tag => &mut self.tags,
            TaxonomyKind::Author => &mut self.authors,
        }
    }
}
