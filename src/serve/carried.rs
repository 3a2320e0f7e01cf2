//! What quick rebuilds carry over from the last full computation instead of
//! computing it again: related lists (seconds at 10,000 articles) and the sizes of
//! lead images (thousands of file headers).

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::Config;
use crate::content::{Article, Content};
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
/// order, reused by quick rebuilds; a [`RelatedJob`] computes them again.
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
    /// Whether the lists were computed for the articles of `site`, in the same order.
    fn same_order(&self, site: &Site) -> bool {
        self.order.len() == site.articles.len()
            && self
                .order
                .iter()
                .zip(&site.articles)
                .all(|(p, a)| *p == a.path)
    }

    /// Gives `site` the last computed lists, following articles by content path;
    /// a new article has none until the next [`RelatedJob`] is done.
    pub fn reuse(&self, site: &mut Site) {
        let same_order = self.same_order(site);
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
            // The computation failed: no lists until the content changes.
            site.related = vec![Vec::new(); count];
            site.read_also = vec![None; count];
        }
        let same_order = self.same_order(site);
        if !same_order {
            self.order = site.articles.iter().map(|a| a.path.clone()).collect();
        }
        self.related = std::mem::take(&mut site.related);
        self.read_also = std::mem::take(&mut site.read_also);
    }
}

/// Related lists being computed again on another thread, from a copy of the articles
/// without their Markdown and HTML (rebuilds go on meanwhile).
pub struct RelatedJob {
    result: Receiver<Computed>,
    /// The content version the copy was taken at.
    version: u64,
    pub started: std::time::Instant,
}

/// What a [`RelatedJob`] found.
struct Computed {
    order: Vec<String>,
    related: Vec<Vec<usize>>,
    read_also: Vec<Option<usize>>,
    errors: Vec<Diagnostic>,
}

impl RelatedJob {
    /// Starts computing every list of `content` (at `version`) again.
    pub fn start(config: &Config, content: &mut Content, version: u64) -> Self {
        let articles = light_copy(&mut content.articles);
        let config = config.clone();
        let (sender, result) = channel();
        std::thread::spawn(move || {
            let content = Content {
                articles,
                ..Content::default()
            };
            let mut site = site::index_measured(config, content, HashMap::new());
            // Its own thread pool, one thread short of the machine: rebuilds use the
            // global pool and must not queue behind this.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get() - 1);
            let mut relate = || site::relate(&mut site).err().unwrap_or_default();
            let errors = match rayon::ThreadPoolBuilder::new()
                .num_threads(threads.max(1))
                .build()
            {
                Ok(pool) => pool.install(relate),
                Err(_) => relate(),
            };
            let count = site.articles.len();
            let computed = Computed {
                order: site.articles.iter().map(|a| a.path.clone()).collect(),
                related: if errors.is_empty() {
                    std::mem::take(&mut site.related)
                } else {
                    vec![Vec::new(); count]
                },
                read_also: if errors.is_empty() {
                    std::mem::take(&mut site.read_also)
                } else {
                    vec![None; count]
                },
                errors,
            };
            // The server may be gone; nothing to tell then.
            let _ = sender.send(computed);
        });
        Self {
            result,
            version,
            started: std::time::Instant::now(),
        }
    }

    /// Gives `lists` the result when the job is done (`true`); the lists stay stale
    /// when the content changed since the copy (`current_version`).
    pub fn finish(&self, lists: &mut RelatedLists, current_version: u64) -> bool {
        match self.result.try_recv() {
            Ok(computed) => {
                lists.order = computed.order;
                lists.related = computed.related;
                lists.read_also = computed.read_also;
                lists.errors = computed.errors;
                lists.stale = self.version != current_version;
                true
            }
            Err(TryRecvError::Empty) => false,
            // The thread died (a panic in the engine): compute again after the next pause.
            Err(TryRecvError::Disconnected) => true,
        }
    }
}

/// The articles without their Markdown and HTML, which related lists do not read.
fn light_copy(articles: &mut [Article]) -> Vec<Article> {
    articles
        .iter_mut()
        .map(|article| {
            let markdown = std::mem::take(&mut article.body.markdown);
            let html = std::mem::take(&mut article.rendered.html);
            let copy = article.clone();
            article.body.markdown = markdown;
            article.rendered.html = html;
            copy
        })
        .collect()
}
