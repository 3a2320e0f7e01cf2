//! Watching the site's sources: file events are debounced, normalised into a small
//! [`ChangeKind`] and gathered into one [`Changes`] per save.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer, notify,
};

use crate::config::CONFIG_FILE;

/// How long notify's debouncer holds an event back to merge it with its siblings.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// One save is many events (a temporary file and a rename; vim's probe file, backup
/// and rewrite) that can fall in two debouncer ticks: events closer than this are one save.
const SETTLE: Duration = Duration::from_millis(30);
/// A writer that never pauses still gets a rebuild this often.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders of the site root that are sources; `public/` and others are never watched.
const SOURCE_DIRS: [&str; 3] = ["content", "templates", "themes"];

/// What a file event means for the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// `site.yaml`: everything is read again.
    Config,
    /// A template, a UI strings file or `theme.yaml`: every page is rendered again.
    Templates,
    /// A file of the theme's `static/` folder (path below it).
    ThemeStatic(String),
    /// A file or folder below `content/` (path below it; empty for `content/` itself).
    Content(String),
}

/// What [`Watcher::next_changes`] saw.
#[derive(Debug)]
pub enum Next {
    Changes(Changes),
    /// Nothing changed for the time asked.
    Quiet,
    /// The watcher stopped.
    Stopped,
}

/// What changed since the last rebuild.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub config: bool,
    pub templates: bool,
    pub theme_static: BTreeSet<String>,
    pub content: BTreeSet<String>,
    /// When the first of these events happened.
    pub since: Option<Instant>,
}

impl Changes {
    fn add(&mut self, kind: ChangeKind) {
        match kind {
            ChangeKind::Config => self.config = true,
            ChangeKind::Templates => self.templates = true,
            ChangeKind::ThemeStatic(path) => {
                self.theme_static.insert(path);
            }
            ChangeKind::Content(path) => {
                self.content.insert(path);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.config && !self.templates && self.theme_static.is_empty() && self.content.is_empty()
    }
}

/// The site's folders under watch, and the events they send.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// The site root, absolute, as the events name it.
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Watches the root (for `site.yaml` and new source folders) and its source folders.
    pub fn new(root: &Path) -> notify::Result<Self> {
        let (sender, events) = channel();
        let debouncer = new_debouncer(DEBOUNCE, None, sender)?;
        let mut watcher = Self {
            debouncer,
            events,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher
            .debouncer
            .watch(&watcher.root, RecursiveMode::NonRecursive)?;
        watcher.watch_source_dirs();
        Ok(watcher)
    }

    /// Watches the source folders that exist and are not watched yet.
    fn watch_source_dirs(&mut self) {
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if !self.watched.contains(dir)
                && path.is_dir()
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.watched.insert(dir);
            }
        }
    }

    /// Waits until something changes, then gathers the events of one save (or one
    /// burst of writes). With `quiet`, gives up after that long without a change.
    pub fn next_changes(&mut self, theme: &str, quiet: Option<Duration>) -> Next {
        let started = Instant::now();
        loop {
            let mut changes = Changes::default();
            let first = match quiet {
                None => self.events.recv().map_err(|_| Next::Stopped),
                Some(quiet) => match quiet.checked_sub(started.elapsed()) {
                    None => Err(Next::Quiet),
                    Some(left) => self.events.recv_timeout(left).map_err(|e| match e {
                        RecvTimeoutError::Timeout => Next::Quiet,
                        RecvTimeoutError::Disconnected => Next::Stopped,
                    }),
                },
            };
            let first = match first {
                Ok(first) => first,
                Err(next) => return next,
            };
            self.add_events(first, theme, &mut changes);
            if changes.is_empty() {
                continue;
            }
            let first_event = Instant::now();
            loop {
                match self.events.recv_timeout(SETTLE) {
                    Ok(more) => self.add_events(more, theme, &mut changes),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return Next::Changes(changes),
                }
                if first_event.elapsed() > MAX_WAIT {
                    break;
                }
            }
            return Next::Changes(changes);
        }
    }

    fn add_events(&mut self, result: DebounceEventResult, theme: &str, changes: &mut Changes) {
        let Ok(events) = result else {
            // The watcher lost track (queue overflow): read everything again.
            changes.config = true;
            return;
        };
        for event in events {
            if event.need_rescan() {
                changes.config = true;
            }
            // Reading a file (the rebuild itself does) changes nothing.
            if matches!(event.kind, notify::EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(kind) = classify(&self.root, theme, path) {
                    changes.since = Some(changes.since.map_or(event.time, |t| t.min(event.time)));
                    changes.add(kind);
                }
            }
        }
        // A source folder created after the start (`templates/`) is watched from now on.
        self.watch_source_dirs();
    }
}

/// What a changed path means for the site; `None` for files that are not sources
/// (the output folder, editors' temporary, backup and probe files, hidden files).
pub fn classify(root: &Path, theme: &str, path: &Path) -> Option<ChangeKind> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if parts.iter().any(|part| is_editor_artifact(part)) {
        return None;
    }
    let rest = |from: usize| parts[from.min(parts.len())..].join("/");
    match parts.as_slice() {
        [file] if *file == CONFIG_FILE => Some(ChangeKind::Config),
        ["content", ..] => Some(ChangeKind::Content(rest(1))),
        ["templates", ..] => Some(ChangeKind::Templates),
        // A theme folder as a whole (created, renamed): read everything again.
        ["themes"] | ["themes", _] => Some(ChangeKind::Config),
        ["themes", name, "static", ..] if *name == theme => Some(ChangeKind::ThemeStatic(rest(3))),
        ["themes", name, ..] if *name == theme => Some(ChangeKind::Templates),
        _ => None,
    }
}

/// Files editors write next to the one being saved, and hidden files (never sources).
fn is_editor_artifact(name: &str) -> bool {
    name == "4913"
        || name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".swo", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<ChangeKind> {
        classify(
            Path::new("/site"),
            "newsroom",
            &Path::new("/site").join(path),
        )
    }

    #[test]
    fn sources_are_classified() {
        assert_eq!(kind("site.yaml"), Some(ChangeKind::Config));
        assert_eq!(
            kind("content/articles/a.md"),
            Some(ChangeKind::Content("articles/a.md".into()))
        );
        assert_eq!(kind("content"), Some(ChangeKind::Content(String::new())));
        assert_eq!(kind("templates/article.html"), Some(ChangeKind::Templates));
        assert_eq!(
            kind("themes/newsroom/templates/base.html"),
            Some(ChangeKind::Templates)
        );
        assert_eq!(
            kind("themes/newsroom/i18n/fr.yaml"),
            Some(ChangeKind::Templates)
        );
        assert_eq!(
            kind("themes/newsroom/static/css/style.css"),
            Some(ChangeKind::ThemeStatic("css/style.css".into()))
        );
    }

    #[test]
    fn output_other_themes_and_editor_files_are_ignored() {
        for path in [
            "public/index.html",
            "target/debug/x",
            "themes/other/templates/base.html",
            "content/articles/4913",
            "content/articles/a.md~",
            "content/articles/.a.md.swp",
            "content/articles/#a.md#",
            "content/articles/.#a.md",
            "content/.git/index",
            "site.yaml.tmp",
            "/elsewhere/site.yaml",
        ] {
            assert_eq!(kind(path), None, "{path}");
        }
    }
}
