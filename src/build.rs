//! The pipeline: load → markdown → index → render → write, as a list of timed steps.

use std::collections::HashSet;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::background;
use crate::config::{self, Config};
use crate::content::{self, Body, Content, LoadOptions};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, CodeHighlighter, ExternalLinks, LinkMap, MarkdownOptions, Rendered};
use crate::output::{self, Contents, Files, NewOutput, WriteStats};
use crate::render::{self, Templates};
use crate::site::{self, Site};
use crate::timings::{Laps, Timing};

/// What `kiosque build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` under the root.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub future: bool,
    pub base_url: Option<String>,
    /// Every warning fails the build.
    pub strict: bool,
}

/// A site built in memory: the indexes and every output file.
pub struct Built {
    pub site: Site,
    pub files: Files,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<Timing>,
    pub next_scheduled: Option<jiff::Timestamp>,
    pub next_expiry: Option<jiff::Timestamp>,
}

/// What a build to disk did.
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub stats: WriteStats,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<Timing>,
    pub next_scheduled: Option<jiff::Timestamp>,
    pub next_expiry: Option<jiff::Timestamp>,
    pub output: PathBuf,
}

/// A site read, rendered to Markdown and indexed, ready for rendering pages.
pub struct Prepared {
    pub site: Site,
    pub templates: Templates,
    /// Content files copied as they are.
    pub assets: Vec<(PathBuf, String)>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<Timing>,
    pub next_scheduled: Option<jiff::Timestamp>,
    pub next_expiry: Option<jiff::Timestamp>,
}

impl BuildOptions {
    /// What the content stage leaves out.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.drafts,
            future: self.future || self.drafts,
        }
    }
}

/// Runs the stages before page rendering: load, markdown, index, related.
pub fn prepare(options: &BuildOptions) -> Result<Prepared, Vec<Diagnostic>> {
    let mut laps = Laps::new();
    let (config, mut diagnostics) = config::load(&options.root, options.base_url.as_deref())?;
    let templates = Templates::load(&config);
    let (mut content, load_diagnostics) = content::load(&config, options.load_options());
    diagnostics.extend(load_diagnostics);
    laps.lap("load");

    let templates = match templates {
        Ok(templates) => Some(templates),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    // Shortcodes are rendered with the page templates: the templates load first.
    let shortcodes = templates
        .as_ref()
        .map(|templates| templates as &dyn markdown::ShortcodeRenderer);
    let links = link_map(&content);
    diagnostics.extend(render_markdown(
        &config,
        &mut content,
        &links,
        shortcodes,
        &CodeHighlighter::new(),
        |_| true,
    ));
    diagnostics.extend(check_anchors(&content));
    laps.lap("markdown");

    fail_on_errors(&mut diagnostics, options.strict)?;
    let templates = templates.expect("template errors were reported above");
    let next_scheduled = content.next_scheduled;
    let next_expiry = content.next_expiry;
    let assets = std::mem::take(&mut content.assets);
    let mut site = site::index(config, content);
    laps.lap("index");
    site::relate(&mut site)?;
    laps.lap("related");
    Ok(Prepared {
        site,
        templates,
        assets,
        warnings: diagnostics,
        timings: laps.timings,
        next_scheduled,
        next_expiry,
    })
}

/// Builds the site in memory; nothing is written. Errors: every diagnostic of the build.
pub fn build_in_memory(options: &BuildOptions) -> Result<Built, Vec<Diagnostic>> {
    render_in_memory(prepare(options)?)
}

/// Renders every page of a prepared site and adds the other files.
fn render_in_memory(mut prepared: Prepared) -> Result<Built, Vec<Diagnostic>> {
    let (mut laps, others) = before_pages(&mut prepared)?;
    let Prepared {
        site,
        mut templates,
        warnings,
        next_scheduled,
        next_expiry,
        ..
    } = prepared;
    let pages = render::render(&site, &mut templates)?;
    laps.lap("render");

    let mut files = others.assets;
    for (relative, bytes) in pages {
        files.insert(relative, Contents::Bytes(bytes));
    }
    files.extend(others.extras);
    if site.config.search {
        let bundle = output::search::index(&site, &files).map_err(|e| vec![e])?;
        for (relative, bytes) in bundle {
            files.insert(relative, Contents::Bytes(bytes));
        }
        laps.lap("search");
    }
    Ok(Built {
        site,
        files,
        warnings,
        timings: laps.timings,
        next_scheduled,
        next_expiry,
    })
}

/// What comes before the pages: the bodies' plain text freed (only the related lists
/// read it, and pages are about to fill memory), and the other files made; the laps
/// go on from the prepared stages'.
fn before_pages(prepared: &mut Prepared) -> Result<(Laps, OtherFiles), Vec<Diagnostic>> {
    for article in &mut prepared.site.articles {
        article.rendered.text = String::new();
    }
    let mut laps = Laps::after(std::mem::take(&mut prepared.timings));
    let others = OtherFiles::new(&prepared.site, std::mem::take(&mut prepared.assets))?;
    laps.lap("emit");
    Ok((laps, others))
}

/// The files of a build besides its pages. A page replaces an asset at the same
/// path, and what [`output::emit`] makes replaces both.
struct OtherFiles {
    /// The theme's assets and the files copied from `content/`.
    assets: Files,
    /// Feeds, sitemaps, robots.txt, redirects.
    extras: Files,
}

impl OtherFiles {
    fn new(site: &Site, assets: Vec<(PathBuf, String)>) -> Result<Self, Vec<Diagnostic>> {
        let assets: Files = theme_assets(&site.config)?
            .into_iter()
            .chain(assets)
            .map(|(source, relative)| (relative, Contents::Copy(source)))
            .collect();
        let extras = output::emit(site, &assets)?
            .into_iter()
            .map(|(relative, bytes)| (relative, Contents::Bytes(bytes)))
            .collect();
        Ok(Self { assets, extras })
    }
}

/// Builds the site and writes it to the output folder; `public/` is untouched on error.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    output::check_output_dir(&output, &options.root).map_err(|e| vec![e])?;
    let prepared = prepare(options)?;
    // The search index reads every page: those builds keep them in memory.
    if !prepared.site.config.search
        && let Some(new) = NewOutput::create(&output).map_err(|e| vec![e])?
    {
        let built = build_into(&new, prepared);
        if built.is_err() {
            new.discard();
        }
        return built;
    }
    let mut built = render_in_memory(prepared)?;
    let mut laps = Laps::after(std::mem::take(&mut built.timings));
    let stats = output::write(&output, &built.files).map_err(|e| vec![e])?;
    laps.lap("write");
    let report = BuildReport {
        pages: built.files.keys().filter(|p| is_page(p)).count(),
        files: built.files.len(),
        stats,
        warnings: std::mem::take(&mut built.warnings),
        timings: laps.timings,
        next_scheduled: built.next_scheduled,
        next_expiry: built.next_expiry,
        output,
    };
    background::drop_later(built);
    Ok(report)
}

fn is_page(relative: &str) -> bool {
    relative.ends_with(".html")
}

/// Builds a prepared site into an output folder the build created: each page is
/// written as soon as it is rendered, so pages never all sit in memory at once.
fn build_into(new: &NewOutput, mut prepared: Prepared) -> Result<BuildReport, Vec<Diagnostic>> {
    let (mut laps, others) = before_pages(&mut prepared)?;
    let pages: HashSet<String> = render::render_with(
        &prepared.site,
        &mut prepared.templates,
        |(relative, bytes)| {
            if !others.extras.contains_key(&relative) {
                new.write(&relative, &Contents::Bytes(bytes))?;
            }
            Ok(relative)
        },
    )?
    .into_iter()
    .collect();
    laps.lap("render and write");
    let rest: Vec<(&String, &Contents)> = others
        .assets
        .iter()
        .filter(|(relative, _)| {
            !pages.contains(*relative) && !others.extras.contains_key(*relative)
        })
        .chain(&others.extras)
        .collect();
    rest.par_iter()
        .try_for_each(|(relative, contents)| new.write(relative, contents))
        .map_err(|e| vec![e])?;
    laps.lap("write");
    let files: HashSet<&str> = pages
        .iter()
        .chain(others.assets.keys())
        .chain(others.extras.keys())
        .map(String::as_str)
        .collect();
    let report = BuildReport {
        pages: files.iter().filter(|p| is_page(p)).count(),
        files: files.len(),
        stats: WriteStats {
            written: files.len(),
            ..WriteStats::default()
        },
        warnings: std::mem::take(&mut prepared.warnings),
        timings: laps.timings,
        next_scheduled: prepared.next_scheduled,
        next_expiry: prepared.next_expiry,
        output: new.path().to_path_buf(),
    };
    drop(files);
    background::drop_later((prepared, pages, others));
    Ok(report)
}

/// Errors stop the build; with `strict`, warnings do too. Warnings stay for the report.
fn fail_on_errors(diagnostics: &mut Vec<Diagnostic>, strict: bool) -> Result<(), Vec<Diagnostic>> {
    if strict {
        for diagnostic in diagnostics.iter_mut() {
            *diagnostic = diagnostic.clone().into_error();
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(std::mem::take(diagnostics));
    }
    Ok(())
}

/// What `@/path.md` links may point to: every article and page.
pub fn link_map(content: &Content) -> LinkMap {
    content
        .articles
        .iter()
        .map(|a| (a.path.clone(), a.permalink.clone()))
        .chain(
            content
                .pages
                .iter()
                .map(|p| (p.path.clone(), p.permalink.clone())),
        )
        .collect()
}

/// Renders the Markdown bodies whose content path `select` accepts, articles in
/// parallel, with `highlighter`'s grammars (compiled when first needed); returns their
/// diagnostics.
pub fn render_markdown(
    config: &Config,
    content: &mut Content,
    links: &LinkMap,
    shortcodes: Option<&dyn markdown::ShortcodeRenderer>,
    highlighter: &CodeHighlighter,
    select: impl Fn(&str) -> bool + Sync,
) -> Vec<Diagnostic> {
    let non_empty = |value: &str| (!value.is_empty()).then(|| value.to_string());
    let options = MarkdownOptions {
        links,
        base_path: &config.base_path,
        external_links: ExternalLinks {
            site_host: config.host(),
            rel: non_empty(&config.external_links.rel),
            target: non_empty(&config.external_links.target),
        },
        read_also_after: config.read_also.after_paragraph,
        read_also_min_paragraphs: config.read_also.min_paragraphs,
        shortcodes,
        highlighter,
    };
    let render = |body: &Body, lang: &str, rendered: &mut Rendered| {
        let (result, diagnostics) =
            markdown::render(&body.file, &body.markdown, body.line, lang, &options);
        *rendered = result;
        diagnostics
    };
    highlighter.warm(
        content
            .articles
            .par_iter()
            .filter(|a| select(&a.path))
            .map(|a| a.body.markdown.as_str()),
    );
    let mut diagnostics: Vec<Diagnostic> = content
        .articles
        .par_iter_mut()
        .filter(|a| select(&a.path))
        .flat_map_iter(|a| {
            let lang = a.lang.as_deref().unwrap_or(&config.language);
            render(&a.body, lang, &mut a.rendered)
        })
        .collect();
    for page in content.pages.iter_mut().filter(|p| select(&p.path)) {
        diagnostics.extend(render(&page.body, &config.language, &mut page.rendered));
    }
    for author in content.authors.iter_mut().filter(|a| select(&a.path)) {
        diagnostics.extend(render(&author.body, &config.language, &mut author.rendered));
    }
    diagnostics
}

/// Checks the anchors of `@/…#anchor` links against the headings of their targets.
///
/// Only the bodies with such links and their targets are looked at: on a large site
/// most have none, and the dev server checks again after every change.
pub fn check_anchors(content: &Content) -> Vec<Diagnostic> {
    let bodies = || {
        content
            .articles
            .iter()
            .map(|a| (a.path.as_str(), &a.body, &a.rendered))
            .chain(
                content
                    .pages
                    .iter()
                    .map(|p| (p.path.as_str(), &p.body, &p.rendered)),
            )
    };
    let targets: HashSet<&str> = bodies()
        .flat_map(|(_, _, rendered)| &rendered.anchor_links)
        .map(|link| link.path.as_str())
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let involved: Vec<_> = bodies()
        .filter(|(path, _, rendered)| !rendered.anchor_links.is_empty() || targets.contains(path))
        .map(|(path, body, rendered)| {
            (
                path,
                body.file.as_path(),
                &rendered.toc[..],
                &rendered.anchor_links[..],
            )
        })
        .collect();
    markdown::check_anchors(involved)
}

/// The theme's `static/` files, copied to the output root.
pub fn theme_assets(config: &Config) -> Result<Vec<(PathBuf, String)>, Vec<Diagnostic>> {
    let dir = config.theme_dir().join("static");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let relative = relative.to_string_lossy().replace('\\', "/");
                files.push((entry.into_path(), relative));
            }
            Ok(_) => {}
            Err(error) => errors.push(Diagnostic::error(
                &crate::diagnostic::shown(error.path().unwrap_or(&dir)),
                1,
                1,
                format!("cannot read the theme's static files: {error}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
