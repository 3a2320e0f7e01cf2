//! The dev server's build state: the sources read from disk, kept between rebuilds so
//! that a change re-reads only the files it touched, and the pages being served.
//!
//! A rebuild runs the pipeline's stages ([`crate::build`]) on what changed: re-read the
//! changed files, render their Markdown, index everything again (cheap), then render
//! only the pages whose inputs changed ([`crate::render::inputs`]) and serve those whose
//! bytes changed.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use jiff::Timestamp;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet, FxHasher};
use tokio::sync::broadcast;

use super::carried::{MeasuredImages, RelatedJob, RelatedLists};
use super::livereload::Message;
use super::search::{SearchIndexer, Snapshot};
use super::watcher::Changes;
use crate::build::{self, BuildOptions};
use crate::config::{self, Config};
use crate::content::permalink::safe_path;
use crate::content::{self, Content, Loaded, Walked};
use crate::diagnostic::{Diagnostic, shown};
use crate::markdown::{CodeHighlighter, LinkMap, ShortcodeRenderer};
use crate::output::{self, Contents, Files};
use crate::render::{self, Job, Renderer, Sidebars, Templates, inputs};
use crate::site;
use crate::timings::{Laps, Timing};

/// One file the server answers with.
#[derive(Debug, Clone)]
pub enum ServedFile {
    Bytes(Bytes),
    /// A file copied as it is, read when asked for.
    Copy(PathBuf),
}

/// What the server answers with: the last good build.
#[derive(Debug, Default)]
pub struct Served {
    /// By path below the output folder: `2026/11/x/index.html`.
    pub files: FxHashMap<String, ServedFile>,
    /// When the last rebuild failed: its message, for pages opened since.
    pub failure: Option<Message>,
}

impl Served {
    /// Serves `bytes` at `path` unless they are already served there; returns whether
    /// the file changed, so that only changed pages are reloaded.
    pub fn swap_in(&mut self, path: &str, bytes: Vec<u8>) -> bool {
        let same = matches!(self.files.get(path), Some(ServedFile::Bytes(old)) if *old == bytes);
        if !same {
            self.files
                .insert(path.to_string(), ServedFile::Bytes(Bytes::from(bytes)));
        }
        !same
    }
}

/// What the rebuild thread and the HTTP handlers share.
pub struct Shared {
    pub served: RwLock<Served>,
    pub events: broadcast::Sender<Message>,
}

impl Shared {
    pub fn new() -> Self {
        Self {
            served: RwLock::new(Served::default()),
            events: broadcast::channel(64).0,
        }
    }
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Report {
    pub build: u64,
    pub elapsed: Duration,
    /// The time of each stage: read, index, render, serve.
    pub timings: Vec<Timing>,
    pub outcome: Outcome,
    /// Warnings of the files read by this rebuild.
    pub warnings: Vec<Diagnostic>,
}

/// How a rebuild ended.
#[derive(Debug)]
pub enum Outcome {
    /// Served: `rendered` pages rendered, `changed` output files whose bytes changed.
    Served {
        rendered: usize,
        changed: Vec<String>,
    },
    /// Not served: the last good pages stay.
    Failed(Vec<Diagnostic>),
}

/// Everything read from disk.
struct Sources {
    config: Config,
    /// What `@/` links resolve to, kept in step with `content`.
    links: LinkMap,
    /// Pieces of content that would write the same file; checked again only when
    /// an address changed.
    permalink_errors: Vec<Diagnostic>,
    templates: Result<Templates, Vec<Diagnostic>>,
    theme_assets: Result<Vec<(PathBuf, String)>, Vec<Diagnostic>>,
    content: Content,
}

/// What changed since the last build that was served.
#[derive(Debug, Default)]
struct Pending {
    everything: bool,
    /// Content paths of articles added, changed or removed.
    articles: FxHashSet<String>,
    pages: FxHashSet<String>,
    css: bool,
    /// A file copied as it is (an image, a font) changed: every page reloads.
    assets: bool,
}

/// What the last served build rendered, to compare the next one with.
#[derive(Default)]
struct Published {
    /// Site path → hash of what the page showed.
    signatures: FxHashMap<String, u64>,
    /// Output paths of the feeds, sitemaps and other files made from the whole site.
    extras: FxHashSet<String>,
    /// Output paths of the files copied as they are.
    assets: FxHashSet<String>,
    sidebars: Option<Sidebars>,
    site_wide: Option<u64>,
}

/// The dev server's build state, owned by the rebuild thread.
pub struct SiteState {
    options: BuildOptions,
    /// `None` until `site.yaml` reads without errors.
    sources: Option<Sources>,
    config_errors: Vec<Diagnostic>,
    /// Diagnostics of reading each file, and of rendering its Markdown, by file.
    load_diagnostics: BTreeMap<PathBuf, Vec<Diagnostic>>,
    markdown_diagnostics: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Grammars compiled once for the session, not at each save (4–27 ms a language).
    highlighter: CodeHighlighter,
    pending: Pending,
    published: Published,
    related: RelatedLists,
    images: MeasuredImages,
    /// Started with the first index asked for (`search: true`).
    search: Option<SearchIndexer>,
    /// Counts content changes, to know whether related lists computed meanwhile are current.
    content_version: u64,
    relating: Option<RelatedJob>,
    shared: Arc<Shared>,
    builds: u64,
}

impl SiteState {
    /// A state with nothing read yet; the first [`SiteState::rebuild`] reads everything.
    pub fn new(options: BuildOptions, shared: Arc<Shared>) -> Self {
        Self {
            options,
            sources: None,
            config_errors: Vec::new(),
            load_diagnostics: BTreeMap::new(),
            markdown_diagnostics: BTreeMap::new(),
            highlighter: CodeHighlighter::new(),
            pending: Pending::default(),
            published: Published::default(),
            related: RelatedLists::default(),
            images: MeasuredImages::default(),
            search: None,
            content_version: 0,
            relating: None,
            shared,
            builds: 0,
        }
    }

    /// The theme in use (the watcher ignores the others).
    pub fn theme(&self) -> Option<&str> {
        self.sources.as_ref().map(|s| s.config.theme.as_str())
    }

    /// Applies `changes` and serves the result, or keeps the last good pages on error.
    pub fn rebuild(&mut self, changes: &Changes) -> Report {
        let started = Instant::now();
        let mut laps = Laps::new();
        let mut warnings = Vec::new();
        let everything = changes.config || self.sources.is_none();
        if everything {
            self.read_everything();
            warnings.extend(self.all_warnings());
        } else {
            if changes.templates {
                self.reload_templates();
            }
            if !changes.theme_static.is_empty() {
                self.reload_theme_assets(changes);
            }
            if !changes.content.is_empty() {
                let files = self.reread(&changes.content);
                warnings.extend(self.warnings_of(&files));
                self.related.stale = true;
                self.content_version += 1;
            }
        }
        laps.lap("read");
        self.builds += 1;
        let outcome = self.render_and_serve(&mut laps, everything, everything);
        Report {
            build: self.builds,
            elapsed: started.elapsed(),
            timings: laps.timings,
            outcome,
            warnings,
        }
    }

    /// Whether related lists were reused since the content changed and none are being
    /// computed: [`SiteState::start_settling`] should run once the author pauses.
    pub fn needs_settling(&self) -> bool {
        self.related.stale && self.relating.is_none() && self.sources.is_some()
    }

    /// Whether related lists are being computed on another thread.
    pub fn is_settling(&self) -> bool {
        self.relating.is_some()
    }

    /// Starts computing every related list again on another thread (seconds on a
    /// large site); rebuilds go on meanwhile with the lists they have.
    pub fn start_settling(&mut self) {
        if let Some(sources) = &mut self.sources {
            self.relating = Some(RelatedJob::start(
                &sources.config,
                &mut sources.content,
                self.content_version,
            ));
        }
    }

    /// When the related lists are computed: serves the pages whose lists changed, and
    /// asks for a new search index.
    pub fn settled(&mut self) -> Option<Report> {
        let job = self.relating.as_ref()?;
        if !job.finish(&mut self.related, self.content_version) {
            return None;
        }
        let computed_in = job.started.elapsed();
        self.relating = None;
        let started = Instant::now();
        let mut laps = Laps::new();
        laps.timings.push(Timing {
            stage: "related, on another thread",
            wall: computed_in,
            cpu: None,
        });
        self.builds += 1;
        let outcome = self.render_and_serve(&mut laps, false, true);
        Some(Report {
            build: self.builds,
            elapsed: started.elapsed(),
            timings: laps.timings,
            outcome,
            warnings: Vec::new(),
        })
    }

    fn read_everything(&mut self) {
        self.load_diagnostics.clear();
        self.markdown_diagnostics.clear();
        self.sources = None;
        let (config, warnings) =
            match config::load(&self.options.root, self.options.base_url.as_deref()) {
                Ok(loaded) => loaded,
                Err(errors) => {
                    self.config_errors = errors;
                    return;
                }
            };
        self.config_errors = warnings;
        let templates = Templates::load(&config);
        let theme_assets = build::theme_assets(&config);
        let content_dir = config.content_dir();
        let mut sources = Sources {
            config,
            links: LinkMap::new(),
            permalink_errors: Vec::new(),
            templates,
            theme_assets,
            content: Content::default(),
        };
        let loaded = self.read_content(&mut sources, &content_dir);
        sources.links = build::link_map(&sources.content);
        sources.permalink_errors = sources.content.check_permalinks();
        self.render_markdown(&mut sources, &loaded);
        self.sources = Some(sources);
        self.pending.everything = true;
        self.content_version += 1;
    }

    fn reload_templates(&mut self) {
        let Some(mut sources) = self.sources.take() else {
            return;
        };
        sources.templates = Templates::load(&sources.config);
        self.pending.everything = true;
        // Shortcodes are templates: the bodies that may call one are rendered again.
        let content = &sources.content;
        let calling: FxHashSet<String> = content
            .articles
            .iter()
            .map(|a| (&a.path, &a.body))
            .chain(content.pages.iter().map(|p| (&p.path, &p.body)))
            .chain(content.authors.iter().map(|a| (&a.path, &a.body)))
            .filter(|(_, body)| body.markdown.contains("{{") || body.markdown.contains("{%"))
            .map(|(path, _)| path.clone())
            .collect();
        self.render_markdown(&mut sources, &calling);
        self.sources = Some(sources);
    }

    fn reload_theme_assets(&mut self, changes: &Changes) {
        let Some(sources) = &mut self.sources else {
            return;
        };
        sources.theme_assets = build::theme_assets(&sources.config);
        for path in &changes.theme_static {
            if path.ends_with(".css") {
                self.pending.css = true;
            } else {
                self.pending.assets = true;
            }
        }
    }

    /// Reads again the files and folders below `content/` at `paths`; returns the files read.
    fn reread(&mut self, paths: &BTreeSet<String>) -> HashSet<PathBuf> {
        let Some(mut sources) = self.sources.take() else {
            return HashSet::new();
        };
        let content_dir = sources.config.content_dir();
        let mut read = HashSet::new();
        let mut loaded = FxHashSet::default();
        let mut links_removed = BTreeSet::new();
        for relative in paths {
            for (path, permalink) in self.forget(&mut sources, &content_dir, relative) {
                links_removed.insert((path, permalink));
            }
            let path = if relative.is_empty() {
                content_dir.clone()
            } else {
                content_dir.join(relative)
            };
            if fs_err::symlink_metadata(&path).is_ok() {
                loaded.extend(self.read_content(&mut sources, &path));
            }
            read.insert(shown(&path));
        }
        let content = &sources.content;
        let links_added: BTreeSet<(String, String)> = content
            .articles
            .iter()
            .map(|a| (&a.path, &a.permalink))
            .chain(content.pages.iter().map(|p| (&p.path, &p.permalink)))
            .filter(|(path, _)| loaded.contains(*path))
            .map(|(path, permalink)| (path.clone(), permalink.clone()))
            .collect();
        sources.links.extend(links_added.iter().cloned());
        // A new, moved or removed target changes what `@/` links resolve to.
        if links_added != links_removed {
            sources.permalink_errors = sources.content.check_permalinks();
            let content = &sources.content;
            let linking = content
                .articles
                .iter()
                .map(|a| (&a.path, &a.body))
                .chain(content.pages.iter().map(|p| (&p.path, &p.body)))
                .filter(|(_, body)| body.markdown.contains("@/"));
            for (path, _) in linking {
                loaded.insert(path.clone());
            }
        }
        self.mark_pending(&sources.content, &loaded);
        self.render_markdown(&mut sources, &loaded);
        self.sources = Some(sources);
        read
    }

    /// Drops what came from `relative` (a file or folder below `content/`), noting what
    /// the served pages showed of it; returns the link targets dropped.
    fn forget(
        &mut self,
        sources: &mut Sources,
        content_dir: &Path,
        relative: &str,
    ) -> Vec<(String, String)> {
        let content = &mut sources.content;
        let under = |path: &str| content::is_under(path, relative);
        let targets: Vec<(String, String)> = content
            .articles
            .iter()
            .map(|a| (&a.path, &a.permalink))
            .chain(content.pages.iter().map(|p| (&p.path, &p.permalink)))
            .filter(|(path, _)| under(path))
            .map(|(path, permalink)| (path.clone(), permalink.clone()))
            .collect();
        for (path, _) in &targets {
            sources.links.remove(path);
        }
        for article in content.articles.iter().filter(|a| under(&a.path)) {
            self.pending.articles.insert(article.path.clone());
        }
        for page in content.pages.iter().filter(|p| under(&p.path)) {
            self.pending.pages.insert(page.path.clone());
        }
        if content.authors.iter().any(|a| under(&a.path)) {
            // Authors' names are on every card that credits them.
            self.pending.everything = true;
        }
        if content.assets.iter().any(|(_, path)| under(path)) {
            self.pending.assets = true;
        }
        content.remove_under(relative);
        let shown_dir = shown(&if relative.is_empty() {
            content_dir.to_path_buf()
        } else {
            content_dir.join(relative)
        });
        self.load_diagnostics
            .retain(|file, _| !file.starts_with(&shown_dir));
        self.markdown_diagnostics
            .retain(|file, _| !file.starts_with(&shown_dir));
        targets
    }

    /// Walks `path` (below `content/`), reads its Markdown files in parallel and adds
    /// them and its assets; returns the content paths of the Markdown files added.
    fn read_content(&mut self, sources: &mut Sources, path: &Path) -> FxHashSet<String> {
        let config = &sources.config;
        let (Walked { markdown, assets }, walk_diagnostics) = content::walk(config, path);
        self.file_diagnostics(walk_diagnostics, Stage::Load);
        let options = self.options.load_options();
        let now = Timestamp::now();
        let read: Vec<(Loaded, Vec<Diagnostic>)> = markdown
            .par_iter()
            .map(|(file, relative)| content::load_file(config, options, now, file, relative))
            .collect();
        if !assets.is_empty() {
            self.pending.assets = true;
        }
        sources.content.assets.extend(assets);
        let mut added = FxHashSet::default();
        for ((item, diagnostics), (_, relative)) in read.into_iter().zip(markdown) {
            self.file_diagnostics(diagnostics, Stage::Load);
            if matches!(item, Loaded::Author(_)) {
                self.pending.everything = true;
            }
            sources.content.insert(item, options, now);
            added.insert(relative);
        }
        added
    }

    fn mark_pending(&mut self, content: &Content, paths: &FxHashSet<String>) {
        for article in content.articles.iter().filter(|a| paths.contains(&a.path)) {
            self.pending.articles.insert(article.path.clone());
        }
        for page in content.pages.iter().filter(|p| paths.contains(&p.path)) {
            self.pending.pages.insert(page.path.clone());
        }
    }

    /// Renders the Markdown of the files at `paths`, replacing their Markdown diagnostics.
    fn render_markdown(&mut self, sources: &mut Sources, paths: &FxHashSet<String>) {
        let content = &sources.content;
        let files = content
            .articles
            .iter()
            .map(|a| (&a.path, &a.body.file))
            .chain(content.pages.iter().map(|p| (&p.path, &p.body.file)))
            .chain(content.authors.iter().map(|a| (&a.path, &a.body.file)))
            .filter(|(path, _)| paths.contains(*path));
        for (_, file) in files {
            self.markdown_diagnostics.remove(file);
        }
        // Shortcodes are rendered with the page templates.
        let shortcodes = sources
            .templates
            .as_ref()
            .ok()
            .map(|templates| templates as &dyn ShortcodeRenderer);
        let diagnostics = build::render_markdown(
            &sources.config,
            &mut sources.content,
            &sources.links,
            shortcodes,
            &self.highlighter,
            |path| paths.contains(path),
        );
        self.file_diagnostics(diagnostics, Stage::Markdown);
    }

    fn file_diagnostics(&mut self, diagnostics: Vec<Diagnostic>, stage: Stage) {
        let map = match stage {
            Stage::Load => &mut self.load_diagnostics,
            Stage::Markdown => &mut self.markdown_diagnostics,
        };
        for diagnostic in diagnostics {
            map.entry(diagnostic.file.clone())
                .or_default()
                .push(diagnostic);
        }
    }

    fn all_warnings(&self) -> Vec<Diagnostic> {
        self.config_errors
            .iter()
            .chain(self.load_diagnostics.values().flatten())
            .chain(self.markdown_diagnostics.values().flatten())
            .filter(|d| !d.is_error())
            .cloned()
            .collect()
    }

    fn warnings_of(&self, files: &HashSet<PathBuf>) -> Vec<Diagnostic> {
        self.load_diagnostics
            .iter()
            .chain(&self.markdown_diagnostics)
            .filter(|(file, _)| files.iter().any(|f| file.starts_with(f)))
            .flat_map(|(_, diagnostics)| diagnostics)
            .filter(|d| !d.is_error())
            .cloned()
            .collect()
    }

    /// Every error that stops the build, sorted by file and line.
    fn errors(&self) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = self.config_errors.clone();
        if let Some(sources) = &self.sources {
            if let Err(template_errors) = &sources.templates {
                errors.extend(template_errors.iter().cloned());
            }
            if let Err(asset_errors) = &sources.theme_assets {
                errors.extend(asset_errors.iter().cloned());
            }
            errors.extend(sources.permalink_errors.iter().cloned());
            // An anchor breaks when the file linked to changes: checked on every rebuild.
            errors.extend(build::check_anchors(&sources.content));
        }
        errors.extend(
            self.load_diagnostics
                .values()
                .chain(self.markdown_diagnostics.values())
                .flatten()
                .cloned(),
        );
        if self.options.strict {
            errors = errors.into_iter().map(Diagnostic::into_error).collect();
        }
        errors.retain(Diagnostic::is_error);
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        errors
    }

    /// Indexes, relates (exactly, or by reusing the last lists), renders what changed
    /// and serves it.
    fn render_and_serve(
        &mut self,
        laps: &mut Laps,
        exact_related: bool,
        index_search: bool,
    ) -> Outcome {
        let errors = self.errors();
        if !errors.is_empty() {
            return self.fail(errors);
        }
        let Some(sources) = self.sources.take() else {
            return self.fail(errors);
        };
        let Sources {
            config,
            links,
            permalink_errors,
            mut templates,
            theme_assets,
            mut content,
        } = sources;
        let content_assets = std::mem::take(&mut content.assets);
        // The build's clock (scheduling badges, the news sitemap), as a full build now.
        content.now = jiff::Timestamp::now();
        if self.pending.assets {
            self.images = MeasuredImages::default();
        }
        let sizes = self.images.measure(&config, &content);
        let mut site = site::index_measured(config, content, sizes);
        laps.lap("index");
        if exact_related {
            self.related.errors = site::relate(&mut site).err().unwrap_or_default();
            self.related.stale = false;
        } else {
            self.related.reuse(&mut site);
        }
        laps.lap("related");
        let rendered = match &mut templates {
            _ if !self.related.errors.is_empty() => Err(self.related.errors.clone()),
            Ok(templates) => self.render_changed(&site, templates),
            Err(errors) => Err(errors.clone()),
        };
        laps.lap("render");
        // Feeds, sitemaps, robots.txt, _redirects: made from the whole site, compared
        // with the served ones like pages.
        let rendered = rendered.and_then(|mut rendered| {
            let copied: Files = theme_assets
                .iter()
                .flatten()
                .chain(&content_assets)
                .map(|(source, path)| (path.clone(), Contents::Copy(source.clone())))
                .collect();
            let extras = output::emit(&site, &copied)?;
            rendered.extras = extras.iter().map(|(path, _)| path.clone()).collect();
            rendered.files.extend(extras);
            Ok(rendered)
        });
        laps.lap("emit");
        // The search index follows the passes that compute everything (seconds or more).
        let to_index: Vec<(PathBuf, String, String)> = if index_search && site.config.search {
            site.articles
                .iter()
                .map(|a| {
                    let output = safe_path(&a.permalink).unwrap_or_else(|_| a.permalink.clone());
                    (a.body.file.clone(), site.config.link(&a.permalink), output)
                })
                .collect()
        } else {
            Vec::new()
        };
        let language = site.config.language.clone();
        self.related.keep(&mut site);
        self.images.sizes = std::mem::take(&mut site.image_sizes);
        let (config, mut content) = site.into_parts();
        content.assets = content_assets;
        let assets: Vec<(PathBuf, String)> = theme_assets
            .iter()
            .flatten()
            .chain(&content.assets)
            .cloned()
            .collect();
        self.sources = Some(Sources {
            config,
            links,
            permalink_errors,
            templates,
            theme_assets,
            content,
        });
        let outcome = match rendered {
            Ok(rendered) => self.serve(rendered, assets),
            Err(errors) => self.fail(errors),
        };
        if matches!(outcome, Outcome::Served { .. }) && !to_index.is_empty() {
            self.index_for_search(language, to_index);
        }
        laps.lap("serve");
        outcome
    }

    /// Renders the pages whose inputs changed since the last served build.
    fn render_changed(
        &self,
        site: &site::Site,
        templates: &mut Templates,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let mut renderer = Renderer::for_some_pages(site, templates)?;
        let site_wide = inputs::site_wide(site);
        let everything = self.pending.everything
            // Images are measured for the pages' metadata.
            || self.pending.assets
            || self.published.sidebars.as_ref() != Some(renderer.sidebars())
            || self.published.site_wide != Some(site_wide);
        let keys: Vec<u64> = site
            .articles
            .iter()
            .map(|a| FxBuildHasher.hash_one(&a.path))
            .collect();
        let pending: Vec<bool> = site
            .articles
            .iter()
            .map(|a| self.pending.articles.contains(&a.path))
            .collect();
        let search_path = renderer.search_path().map(str::to_string);
        let jobs = render::jobs(site, search_path.as_deref());
        let published = &self.published.signatures;
        let pending_pages = &self.pending.pages;
        let planned: Vec<(String, u64, Option<Vec<usize>>)> = jobs
            .par_iter()
            .map(|&job| {
                let site_path = render::site_path(site, job);
                let shown = inputs::inputs(site, job);
                let mut hasher = FxHasher::default();
                for &article in &shown.articles {
                    keys[article].hash(&mut hasher);
                }
                if let Some(page) = shown.page {
                    site.pages[page].path.hash(&mut hasher);
                }
                shown.other.hash(&mut hasher);
                let signature = hasher.finish();
                let changed = everything
                    || published.get(&site_path) != Some(&signature)
                    || shown.articles.iter().any(|&article| pending[article])
                    || shown
                        .page
                        .is_some_and(|page| pending_pages.contains(&site.pages[page].path));
                (site_path, signature, changed.then_some(shown.articles))
            })
            .collect();
        let mut signatures = FxHashMap::with_capacity_and_hasher(jobs.len(), FxBuildHasher);
        let mut selected: Vec<Job<'_>> = Vec::new();
        for (job, (site_path, signature, changed)) in jobs.into_iter().zip(planned) {
            if let Some(shown) = changed {
                renderer.add_cards(shown).map_err(|e| vec![e])?;
                selected.push(job);
            }
            signatures.insert(site_path, signature);
        }
        // Pages the site no longer makes (an article deleted, a pager page fewer).
        let removed = self
            .published
            .signatures
            .keys()
            .filter(|site_path| !signatures.contains_key(*site_path))
            .map(|site_path| safe_path(site_path).unwrap_or_else(|_| site_path.clone()))
            .collect();
        let files = renderer.render(&selected)?;
        Ok(Rendered {
            files,
            removed,
            extras: FxHashSet::default(),
            signatures,
            sidebars: renderer.into_sidebars(),
            site_wide,
            everything,
        })
    }

    /// Serves the rendered pages whose bytes changed, drops the pages the site no longer
    /// has, and tells open pages.
    fn serve(&mut self, rendered: Rendered, assets: Vec<(PathBuf, String)>) -> Outcome {
        let count = rendered.files.len();
        let mut changed = Vec::new();
        let asset_paths: FxHashSet<String> = assets.iter().map(|(_, p)| p.clone()).collect();
        {
            let mut served = self.shared.served.write().expect("no panic while serving");
            let gone = self
                .published
                .assets
                .iter()
                .filter(|path| !asset_paths.contains(*path))
                .chain(
                    self.published
                        .extras
                        .iter()
                        .filter(|path| !rendered.extras.contains(*path)),
                )
                .chain(&rendered.removed);
            for path in gone {
                if served.files.remove(path).is_some() {
                    changed.push(path.clone());
                }
            }
            for (path, bytes) in rendered.files {
                if served.swap_in(&path, bytes) {
                    changed.push(path);
                }
            }
            for (source, path) in assets {
                if served
                    .files
                    .insert(path.clone(), ServedFile::Copy(source))
                    .is_none()
                {
                    changed.push(path);
                }
            }
            served.failure = None;
        }
        changed.sort();
        let message = Message::built(
            self.builds,
            &changed,
            rendered.everything && !changed.is_empty() || self.pending.assets,
            self.pending.css,
        );
        // Nobody listening is fine: no page is open.
        let _ = self.shared.events.send(message);
        self.published = Published {
            extras: rendered.extras,
            assets: asset_paths,
            signatures: rendered.signatures,
            sidebars: Some(rendered.sidebars),
            site_wide: Some(rendered.site_wide),
        };
        self.pending = Pending::default();
        Outcome::Served {
            rendered: count,
            changed,
        }
    }

    /// Asks the search indexer for an index of these articles' pages, as now served.
    fn index_for_search(&mut self, language: String, articles: Vec<(PathBuf, String, String)>) {
        let pages = {
            let served = self.shared.served.read().expect("no panic while serving");
            articles
                .into_iter()
                .filter_map(|(file, url, output)| match served.files.get(&output) {
                    Some(ServedFile::Bytes(html)) => Some((file, url, html.clone())),
                    _ => None,
                })
                .collect()
        };
        let shared = &self.shared;
        self.search
            .get_or_insert_with(|| SearchIndexer::start(Arc::clone(shared)))
            .request(Snapshot { language, pages });
    }

    /// Keeps the last good pages and shows the errors in open pages.
    fn fail(&mut self, errors: Vec<Diagnostic>) -> Outcome {
        let message = Message::failed(self.builds, &errors);
        self.shared
            .served
            .write()
            .expect("no panic while serving")
            .failure = Some(message.clone());
        let _ = self.shared.events.send(message);
        Outcome::Failed(errors)
    }
}

/// Which stage a file's diagnostics come from.
enum Stage {
    Load,
    Markdown,
}

/// The pages a rebuild rendered, and what they showed.
struct Rendered {
    files: Vec<render::RenderedFile>,
    /// Output paths of the pages no longer made.
    removed: Vec<String>,
    /// Output paths of the feeds, sitemaps and other files made from the whole site.
    extras: FxHashSet<String>,
    signatures: FxHashMap<String, u64>,
    sidebars: Sidebars,
    site_wide: u64,
    everything: bool,
}
