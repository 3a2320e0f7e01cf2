//! Rendering every page of the site through Tera, in parallel.

mod archives;
mod escape;
pub mod inputs;
mod links;
mod seo;
mod shortcodes;
mod sidebars;
pub mod templates;
mod views;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::content::permalink::safe_path;
use crate::diagnostic::Diagnostic;
use crate::site::{Site, TaxonomyKind};
use links::TermPaths;
use seo::Seo;
use sidebars::Fragment;
pub use templates::Templates;
use tera::Value;
use views::{Cards, SiteView, TermLink, asset_url, extended, map};

/// A rendered file: its path below the output folder, and its bytes.
pub type RenderedFile = (String, Vec<u8>);

/// One page to render; indices point into the [`Site`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job<'a> {
    Article(usize),
    Home(usize),
    Term(TaxonomyKind, usize, usize),
    TermIndex(TaxonomyKind),
    Page(usize),
    NotFound,
    Alias(usize, &'a str),
    ArchiveIndex,
    /// A year of [`Site::archives`], or one of its months, and the page number.
    Archive(usize, Option<usize>, usize),
    /// The search page, at its site path.
    Search(&'a str),
}

/// The sidebars' HTML, rendered once per build.
#[derive(Debug, PartialEq, Eq)]
pub struct Sidebars {
    editor_picks: Fragment,
    recent: Fragment,
    recommendations: Fragment,
}

impl Sidebars {
    /// `sidebars` in a page's context: the variants that leave out its own article.
    fn value(&self, own_article: Option<&str>) -> Value {
        map(&[
            (
                "editor_picks",
                self.editor_picks.for_article(own_article).clone(),
            ),
            ("recent", self.recent.for_article(own_article).clone()),
            (
                "recommendations",
                self.recommendations.for_article(own_article).clone(),
            ),
        ])
    }
}

/// Renders the pages of one site: the sidebars once, when it is made, then any pages.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    paths: TermPaths<'a>,
    cards: Cards,
    sidebars: Sidebars,
    seo: Seo<'a>,
    sizes: PageSizes,
    /// The search page's site path, when search is on.
    search_path: Option<String>,
}

impl<'a> Renderer<'a> {
    /// A renderer for every page: every article's card is converted.
    pub fn new(site: &'a Site, templates: &'a mut Templates) -> Result<Self, Vec<Diagnostic>> {
        let search_path = set_globals(site, templates)?;
        let paths = TermPaths::new(site);
        let cards = Cards::new(site, templates, &paths).map_err(|e| vec![e])?;
        Self::with_cards(site, templates, paths, cards, search_path)
    }

    /// A renderer with only the sidebars' cards; [`Renderer::add_cards`] adds those of
    /// the articles the pages to render show (the dev server renders a few pages).
    pub fn for_some_pages(
        site: &'a Site,
        templates: &'a mut Templates,
    ) -> Result<Self, Vec<Diagnostic>> {
        let search_path = set_globals(site, templates)?;
        let sidebars = &site.config.sidebars;
        let listed = site
            .editor_picks
            .iter()
            .take(sidebars.editor_picks.max(sidebars.recommendations) + 1)
            .copied()
            .chain(0..(sidebars.recent + 1).min(site.articles.len()));
        let paths = TermPaths::new(site);
        let cards = Cards::some(site, templates, &paths, listed).map_err(|e| vec![e])?;
        Self::with_cards(site, templates, paths, cards, search_path)
    }

    fn with_cards(
        site: &'a Site,
        templates: &'a Templates,
        paths: TermPaths<'a>,
        cards: Cards,
        search_path: Option<String>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let recent: Vec<usize> = (0..site.articles.len()).collect();
        let fragment = |template: &str, articles: &[usize], count: usize| {
            Fragment::render(site, templates, &cards, template, articles, count)
                .map_err(|e| vec![e])
        };
        let sidebars = Sidebars {
            editor_picks: fragment(
                "partials/editor-picks.html",
                &site.editor_picks,
                site.config.sidebars.editor_picks,
            )?,
            recent: fragment("partials/recent.html", &recent, site.config.sidebars.recent)?,
            recommendations: fragment(
                "partials/recommendations.html",
                &site.editor_picks,
                site.config.sidebars.recommendations,
            )?,
        };
        Ok(Self {
            site,
            templates,
            paths,
            cards,
            sidebars,
            seo: Seo::new(site),
            sizes: PageSizes::default(),
            search_path,
        })
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<Job<'_>> {
        jobs(self.site, self.search_path.as_deref())
    }

    /// The search page's site path, when search is on.
    pub fn search_path(&self) -> Option<&str> {
        self.search_path.as_deref()
    }

    /// Converts the cards of these articles, for the pages about to be rendered.
    pub fn add_cards(
        &mut self,
        articles: impl IntoIterator<Item = usize>,
    ) -> Result<(), Diagnostic> {
        self.cards
            .add(self.site, self.templates, &self.paths, articles)
    }

    /// The sidebars every page shows.
    pub fn sidebars(&self) -> &Sidebars {
        &self.sidebars
    }

    /// Keeps the sidebars after rendering, to compare them with the next build's.
    pub fn into_sidebars(self) -> Sidebars {
        self.sidebars
    }

    /// Renders `jobs` in parallel; all errors are collected.
    pub fn render(&self, jobs: &[Job<'_>]) -> Result<Vec<RenderedFile>, Vec<Diagnostic>> {
        self.render_with(jobs, Ok)
    }

    /// Renders `jobs` in parallel and hands each page to `finish` as soon as it is
    /// rendered; returns what `finish` made, in the order of `jobs`. All errors are
    /// collected.
    pub fn render_with<T: Send>(
        &self,
        jobs: &[Job<'_>],
        finish: impl Fn(RenderedFile) -> Result<T, Diagnostic> + Sync,
    ) -> Result<Vec<T>, Vec<Diagnostic>> {
        let results: Vec<Result<T, Diagnostic>> = jobs
            .par_iter()
            .map(|job| self.render_job(*job).and_then(&finish))
            .collect();
        let mut files = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                // A template error repeats on every page: report each distinct one once.
                Err(error) if !errors.contains(&error) => errors.push(error),
                Err(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(errors)
        }
    }
}

/// Sets what every page shows of the site as a global of the templates, serialized
/// once rather than per page; returns the search page's path.
fn set_globals(site: &Site, templates: &mut Templates) -> Result<Option<String>, Vec<Diagnostic>> {
    let search_path = search_page_path(site, templates).map_err(|e| vec![e])?;
    templates
        .tera
        .global_context()
        .insert("site", &SiteView::new(site, search_path.as_deref()));
    Ok(search_path)
}

/// Renders every page; all errors are collected.
pub fn render(
    site: &Site,
    templates: &mut Templates,
) -> Result<Vec<RenderedFile>, Vec<Diagnostic>> {
    render_with(site, templates, Ok)
}

/// Renders every page and hands each to `finish` as soon as it is rendered (see
/// [`Renderer::render_with`]).
pub fn render_with<T: Send>(
    site: &Site,
    templates: &mut Templates,
    finish: impl Fn(RenderedFile) -> Result<T, Diagnostic> + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let renderer = Renderer::new(site, templates)?;
    let files = renderer.render_with(&renderer.jobs(), finish);
    crate::background::drop_later(renderer.cards);
    files
}

/// Every page of the site; `search_path` is [`Renderer::search_path`].
pub fn jobs<'a>(site: &'a Site, search_path: Option<&'a str>) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job<'_>> = (0..site.articles.len()).map(Job::Article).collect();
    let home_pages = page_count(site.articles.len(), site.config.pagination.home);
    jobs.extend((1..=home_pages).map(Job::Home));
    for kind in [
        TaxonomyKind::Category,
        TaxonomyKind::Tag,
        TaxonomyKind::Author,
    ] {
        jobs.push(Job::TermIndex(kind));
        for (index, term) in site.terms(kind).iter().enumerate() {
            let pages = page_count(term.articles.len(), site.config.pagination.terms);
            jobs.extend((1..=pages).map(|page| Job::Term(kind, index, page)));
        }
    }
    jobs.push(Job::ArchiveIndex);
    for (y, year) in site.archives.iter().enumerate() {
        let per_page = site.config.pagination.archives;
        let pages = page_count(year.articles.len(), per_page);
        jobs.extend((1..=pages).map(|page| Job::Archive(y, None, page)));
        for (m, month) in year.months.iter().enumerate() {
            let pages = page_count(month.articles.len(), per_page);
            jobs.extend((1..=pages).map(|page| Job::Archive(y, Some(m), page)));
        }
    }
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.push(Job::NotFound);
    jobs.extend(search_path.map(Job::Search));
    for (index, article) in site.articles.iter().enumerate() {
        jobs.extend(
            article
                .aliases
                .iter()
                .map(|alias| Job::Alias(index, alias.as_str())),
        );
    }
    jobs
}

fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// `/base/` for page 1, `/base/page/N/` after.
fn paginated(base: &str, page: usize) -> String {
    if page <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{page}/")
    }
}

impl Renderer<'_> {
    fn render_job(&self, job: Job<'_>) -> Result<RenderedFile, Diagnostic> {
        let (site, templates, cards) = (self.site, self.templates, &self.cards);
        let config = &site.config;
        let own_article = match job {
            Job::Article(index) => Some(site.articles[index].path.as_str()),
            _ => None,
        };
        let mut context = Context::new();
        context.insert_value("sidebars", self.sidebars.value(own_article));
        let site_path = site_path(site, job);
        let page_url = config.absolute_url(&site_path);
        let template = match job {
            Job::Article(index) => {
                context.insert_value("article", article_value(site, templates, cards, index)?);
                "article.html"
            }
            Job::Home(page) => {
                let all: Vec<usize> = (0..site.articles.len()).collect();
                let pager = pager(site, cards, &all, "/", page, config.pagination.home);
                let top_story = site.featured.first().map(|&i| cards.get(i));
                context.insert_value("top_story", Value::from(top_story));
                context.insert_value("pager", pager);
                "index.html"
            }
            Job::Term(kind, index, page) => {
                let term = &site.terms(kind)[index];
                let pager = pager(
                    site,
                    cards,
                    &term.articles,
                    &term.permalink,
                    page,
                    config.pagination.terms,
                );
                context.insert("term", &TermView::new(site, kind, index));
                context.insert_value("pager", pager);
                "term.html"
            }
            Job::TermIndex(kind) => {
                let terms: Vec<TermLink<'_>> = site
                    .terms(kind)
                    .iter()
                    .map(|t| TermLink::new(config, t))
                    .collect();
                context.insert("kind", kind_name(kind));
                context.insert("terms", &terms);
                "terms.html"
            }
            Job::Page(index) => {
                context.insert("page", &PageView::new(site, index));
                "page.html"
            }
            Job::NotFound => "404.html",
            Job::Search(_) => "search.html",
            Job::Alias(index, _) => {
                let target = config.absolute_url(&site.articles[index].permalink);
                context.insert("target", &target);
                "alias.html"
            }
            Job::ArchiveIndex => {
                context.insert("years", &archives::years(site));
                "archives.html"
            }
            Job::Archive(y, m, page) => {
                let year = &site.archives[y];
                let month = m.map(|m| &year.months[m]);
                let (articles, permalink) = archive_list(site, y, m);
                let per_page = config.pagination.archives;
                let pager = pager(site, cards, articles, permalink, page, per_page);
                context.insert("archive", &archives::ArchiveView::new(site, year, month));
                context.insert_value("pager", pager);
                "archive.html"
            }
        };
        if !matches!(job, Job::Alias(..)) {
            context.insert_value("seo", self.seo.value(&self.paths, job, &page_url));
        }
        context.insert_value("page_url", Value::from(page_url));
        // An article page's size follows its body's; other pages of a kind are alike.
        let body = match job {
            Job::Article(index) => site.articles[index].rendered.html.len(),
            _ => 0,
        };
        let html = self.sizes.fill(job, body, |capacity| {
            templates.render_bytes(template, &context, capacity)
        })?;
        let path = safe_path(&site_path).map_err(|message| {
            Diagnostic::error(std::path::Path::new(&site_path), 1, 1, message)
        })?;
        Ok((path, html))
    }
}

/// The largest page rendered so far of each kind, less the part of it known before
/// rendering (an article's body): a page's buffer starts at that size plus its own known
/// part (then gives back what it did not use) instead of growing by doubling, which
/// copied each page several times over.
#[derive(Default)]
struct PageSizes([AtomicUsize; 10]);

impl PageSizes {
    fn fill(
        &self,
        job: Job<'_>,
        known: usize,
        render: impl FnOnce(usize) -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let largest = &self.0[match job {
            Job::Article(_) => 0,
            Job::Home(_) => 1,
            Job::Term(..) => 2,
            Job::TermIndex(_) => 3,
            Job::Page(_) => 4,
            Job::NotFound => 5,
            Job::Alias(..) => 6,
            Job::ArchiveIndex => 7,
            Job::Archive(..) => 8,
            Job::Search(_) => 9,
        }];
        let mut bytes = render(largest.load(Ordering::Relaxed) + known)?;
        largest.fetch_max(bytes.len().saturating_sub(known), Ordering::Relaxed);
        bytes.shrink_to_fit();
        Ok(bytes)
    }
}

/// The site path a page is written to, such as `/2026/11/x/` or `/404.html`.
pub fn site_path(site: &Site, job: Job<'_>) -> String {
    match job {
        Job::Article(index) => site.articles[index].permalink.clone(),
        Job::Home(page) => paginated("/", page),
        Job::Term(kind, index, page) => paginated(&site.terms(kind)[index].permalink, page),
        Job::TermIndex(kind) => site.term_index_permalink(kind),
        Job::Page(index) => site.pages[index].permalink.clone(),
        Job::NotFound => "/404.html".to_string(),
        Job::Alias(_, alias) => alias.to_string(),
        Job::ArchiveIndex => crate::site::archives::ARCHIVES_PATH.to_string(),
        Job::Search(path) => path.to_string(),
        Job::Archive(y, m, page) => paginated(archive_list(site, y, m).1, page),
    }
}

/// The articles of a year's or a month's archive, and its site path.
fn archive_list(site: &Site, year: usize, month: Option<usize>) -> (&[usize], &str) {
    let year = &site.archives[year];
    match month.map(|m| &year.months[m]) {
        Some(month) => (&month.articles, &month.permalink),
        None => (&year.articles, &year.permalink),
    }
}

/// The search page's site path when `search` is on: the theme's `search_path` UI string,
/// so that it follows the site language (`/recherche/`, `/search/`).
fn search_page_path(site: &Site, templates: &Templates) -> Result<Option<String>, Diagnostic> {
    let config = &site.config;
    if !config.search {
        return Ok(None);
    }
    if !templates.contains("search.html") {
        return Err(Diagnostic::error(
            &config.theme_dir().join("templates/search.html"),
            1,
            1,
            "`search: true` in site.yaml needs a search.html template",
        )
        .with_help(
            "add templates/search.html (the newsroom theme has one), or set `search: false`",
        ));
    }
    let i18n = config.theme_dir().join("i18n");
    match templates.string("search_path") {
        Some(path) if path.starts_with('/') && path.ends_with('/') && path.len() > 1 => {
            Ok(Some(path.to_string()))
        }
        found => Err(Diagnostic::error(
            &i18n.join(format!("{}.yaml", config.language)),
            1,
            1,
            match found {
                Some(path) => format!("the UI string `search_path` is `{path}`, not a folder path"),
                None => "`search: true` needs the UI string `search_path`".to_string(),
            },
        )
        .with_help(
            "write the search page's path between slashes, such as `search_path: \"/search/\"`",
        )),
    }
}

fn kind_name(kind: TaxonomyKind) -> &'static str {
    match kind {
        TaxonomyKind::Category => "category",
        TaxonomyKind::Tag => "tag",
        TaxonomyKind::Author => "author",
    }
}

fn pager(
    site: &Site,
    cards: &Cards,
    articles: &[usize],
    base: &str,
    page: usize,
    per_page: usize,
) -> Value {
    let total = page_count(articles.len(), per_page);
    let link = |page: usize| site.config.link(&paginated(base, page));
    map(&[
        ("current", Value::from(page)),
        ("total", Value::from(total)),
        ("prev_url", Value::from((page > 1).then(|| link(page - 1)))),
        (
            "next_url",
            Value::from((page < total).then(|| link(page + 1))),
        ),
        (
            "articles",
            cards.list(page_slice(articles, page, per_page).iter().copied()),
        ),
    ])
}

/// The articles on page `page` (1-based) of a list.
fn page_slice(articles: &[usize], page: usize, per_page: usize) -> &[usize] {
    let start = ((page - 1) * per_page).min(articles.len());
    &articles[start..(start + per_page).min(articles.len())]
}

/// `article`: its card, with its body, neighbours and related articles.
fn article_value(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    index: usize,
) -> Result<Value, Diagnostic> {
    let article = &site.articles[index];
    let html = &article.rendered.html;
    let read_also = site.read_also[index];
    let content = match (article.rendered.read_also_offset, read_also) {
        (Some(offset), Some(target)) => {
            let mut context = Context::new();
            context.insert_value("article", cards.get(target));
            let block = templates.render("partials/read-also.html", &context)?;
            Value::from([&html[..offset], &block, &html[offset..]].concat())
        }
        _ => Value::from(html.as_str()),
    };
    // Articles are newest first: the previous one in time is the next index.
    let prev = (index + 1 < site.articles.len()).then(|| cards.get(index + 1));
    let next = index.checked_sub(1).map(|i| cards.get(i));
    Ok(extended(
        &cards.get(index),
        &[
            ("content", content),
            ("toc", Value::from_serializable(&article.rendered.toc)),
            ("word_count", Value::from(article.rendered.word_count)),
            ("image_credit", Value::from(article.image_credit.as_deref())),
            (
                "lang",
                Value::from(article.lang.as_deref().unwrap_or(&site.config.language)),
            ),
            ("series", Value::from(article.series.as_deref())),
            ("extra", Value::from_serializable(&article.extra)),
            ("prev", Value::from(prev)),
            ("next", Value::from(next)),
            ("related", cards.list(site.related[index].iter().copied())),
            ("read_also", Value::from(read_also.map(|i| cards.get(i)))),
        ],
    ))
}

/// `term` in `term.html`.
#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    kind: &'static str,
    url: String,
    count: usize,
    profile: Option<AuthorView<'a>>,
}

impl<'a> TermView<'a> {
    fn new(site: &'a Site, kind: TaxonomyKind, index: usize) -> Self {
        let term = &site.terms(kind)[index];
        Self {
            name: &term.name,
            kind: kind_name(kind),
            url: site.config.link(&term.permalink),
            count: term.articles.len(),
            profile: (kind == TaxonomyKind::Author)
                .then(|| site.authors.get(&term.slug))
                .flatten()
                .map(|author| AuthorView {
                    name: &author.name,
                    role: author.role.as_deref(),
                    avatar: author.avatar.as_deref().map(|a| asset_url(&site.config, a)),
                    bio: &author.rendered.html,
                    links: &author.links,
                }),
        }
    }
}

#[derive(Serialize)]
struct AuthorView<'a> {
    name: &'a str,
    role: Option<&'a str>,
    avatar: Option<String>,
    bio: &'a str,
    links: &'a [crate::content::matter::ProfileLink],
}

/// `page` in `page.html`.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: String,
    summary: Option<&'a str>,
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

impl<'a> PageView<'a> {
    fn new(site: &'a Site, index: usize) -> Self {
        let page = &site.pages[index];
        Self {
            title: &page.title,
            url: site.config.link(&page.permalink),
            summary: page.summary.as_deref(),
            content: &page.rendered.html,
            toc: &page.rendered.toc,
            extra: &page.extra,
        }
    }
}
