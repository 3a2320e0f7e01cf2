//! What quick rebuilds carry over from the last full computation instead of
//! computing it again: related lists (seconds at 10,000 articles) and the sizes of
//! lead images (thousands of file headers).

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::Config;
use crate::content::Content;
use crate::diagnostic::Diagnostic;
use crate::site::images::ImageSize;
use crate::site::{self, Site};

/// Lead images measured so far (reading thousands of image headers on every save
/// would cost more than the rest of a rebuild); forgotten when a copied file changes.
#[derive(Default)]
pub struct MeasuredImages {
    pub sizes: HashMap<String, ImageSize>,
    /// Every path measured, found or not.
    seen: FxHashSet<String>,
}

/// The related lists and "read also" choices of the last indexed site, by content path
/// order, reused by quick rebuilds; [`super::state::SiteState::settle`] computes them again.
#[derive(Default)]
pub struct RelatedLists {
    /// Content paths of the articles, in the order the lists' indices refer to.
    order: Vec<String>,
    related: Vec<Vec<usize>>,
    read_also: Vec<Option<usize>>,
    /// Errors of the last computation (an unknown pinned article).
    pub errors: Vec<Diagnostic>,
    /// Content changed since the lists were computed.
    pub stale: bool,
}

impl MeasuredImages {
    /// The sizes of every lead image (and the logo), measuring only the new ones.
    pub fn measure(&mut self, config: &Config, content: &Content) -> HashMap<String, ImageSize> {
        let new: Vec<&str> = content
            .articles
            .iter()
            .filter_map(|a| a.image.as_deref())
            .chain(config.logo.as_deref())
            .filter(|image| !self.seen.contains(*image))
            .collect();
        if !new.is_empty() {
            self.sizes
                .extend(site::images::measure_paths(config, new.iter().copied()));
            self.seen.extend(new.into_iter().map(str::to_string));
        }
        std::mem::take(&mut self.sizes)
    }
}

impl RelatedLists {
    /// Gives `site` the last computed lists, following articles by content path;
    /// a new article has none until the next [`super::state::SiteState::settle`].
    pub fn reuse(&self, site: &mut Site) {
        let same_order = self.order.len() == site.articles.len()
            && self
                .order
                .iter()
                .zip(&site.articles)
                .all(|(p, a)| *p == a.path);
        if same_order {
            site.related = self.related.clone();
            site.read_also = self.read_also.clone();
            return;
        }
        let new_index: FxHashMap<&str, usize> = site
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.path.as_str(), i))
            .collect();
        let old_index: FxHashMap<&str, usize> = self
            .order
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let moved = |old: usize| new_index.get(self.order[old].as_str()).copied();
        let (related, read_also) = site
            .articles
            .iter()
            .map(|article| match old_index.get(article.path.as_str()) {
                Some(&old) => (
                    self.related[old].iter().filter_map(|&r| moved(r)).collect(),
                    self.read_also[old].and_then(moved),
                ),
                None => (Vec::new(), None),
            })
            .unzip();
        site.related = related;
        site.read_also = read_also;
    }

    /// Keeps `site`'s lists for the next rebuild.
    pub fn keep(&mut self, site: &mut Site) {
        let count = site.articles.len();
        if site.related.len() != count || site.read_also.len() != count {
            // The computation failed: no lists until the next one succeeds.
            site.related = vec![Vec::new(); count];
            site.read_also = vec![None; count];
            self.stale = true;
        }
        let same_order = self.order.len() == site.articles.len()
            && self
                .order
                .iter()
                .zip(&site.articles)
                .all(|(p, a)| *p == a.path);
        if !same_order {
            self.order = site.articles.iter().map(|a| a.path.clone()).collect();
        }
        self.related = std::mem::take(&mut site.related);
        self.read_also = std::mem::take(&mut site.read_also);
    }
}
