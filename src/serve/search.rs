//! The search index in the dev server: Pagefind takes seconds (half a minute at
//! 10,000 articles), so it runs on its own thread over the article pages being
//! served, after the first build and after each pass that follows a pause; a newer
//! request replaces the ones still waiting, and one index is built at a time.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use axum::body::Bytes;
use rustc_hash::FxHashSet;

use super::livereload::Message;
use super::state::Shared;
use crate::output::search::{self, BUNDLE_DIR, SearchPage};

/// The article pages to index, as served.
pub struct Snapshot {
    pub language: String,
    /// (source file, URL, page HTML).
    pub pages: Vec<(PathBuf, String, Bytes)>,
}

/// Builds the search index on its own thread.
pub struct SearchIndexer {
    requests: Sender<Snapshot>,
}

impl SearchIndexer {
    /// Starts the indexing thread; it serves the bundle through `shared`.
    pub fn start(shared: Arc<Shared>) -> Self {
        let (requests, waiting) = channel();
        std::thread::spawn(move || run(&waiting, &shared));
        Self { requests }
    }

    /// Indexes these pages once the indexes asked for before are done.
    pub fn request(&self, snapshot: Snapshot) {
        // The thread only stops with the process.
        let _ = self.requests.send(snapshot);
    }
}

fn run(waiting: &Receiver<Snapshot>, shared: &Shared) {
    while let Ok(mut snapshot) = waiting.recv() {
        while let Ok(newer) = waiting.try_recv() {
            snapshot = newer;
        }
        let started = std::time::Instant::now();
        let count = snapshot.pages.len();
        let pages = snapshot.pages.into_iter().map(|(file, url, html)| {
            Ok(SearchPage {
                file,
                url,
                html: String::from_utf8_lossy(&html).into_owned(),
            })
        });
        match search::index_pages(&snapshot.language, pages) {
            Ok(bundle) => {
                let changed = serve_bundle(shared, bundle);
                println!(
                    "Search index: {count} articles, {} files changed in {} ms",
                    changed.len(),
                    started.elapsed().as_millis()
                );
                let _ = shared.events.send(Message::Indexed {
                    files: changed.len(),
                });
            }
            Err(error) => eprintln!("{error}"),
        }
    }
}

/// Swaps the new bundle in; returns the paths whose bytes changed.
fn serve_bundle(shared: &Shared, bundle: Vec<(String, Vec<u8>)>) -> Vec<String> {
    let prefix = format!("{BUNDLE_DIR}/");
    let fresh: FxHashSet<String> = bundle.iter().map(|(path, _)| path.clone()).collect();
    let mut changed = Vec::new();
    let mut served = shared.served.write().expect("no panic while serving");
    served.files.retain(|path, _| {
        let keep = !path.starts_with(&prefix) || fresh.contains(path);
        if !keep {
            changed.push(path.clone());
        }
        keep
    });
    for (path, bytes) in bundle {
        if served.swap_in(&path, bytes) {
            changed.push(path);
        }
    }
    changed.sort();
    changed
}
