//! Rendering every page of the site through Tera, in parallel.

mod archives;
mod seo;
mod shortcodes;
mod sidebars;
pub mod templates;
mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::content::permalink::safe_path;
use crate::diagnostic::Diagnostic;
use crate::site::{Site, TaxonomyKind};
use sidebars::Fragment;
pub use templates::Templates;
use tera::Value;
use views::{ArticleDetails, Cards, SiteView, TermLink, asset_url, map};

/// A rendered file: its path below the output folder, and its bytes.
pub type RenderedFile = (String, Vec<u8>);

/// One page to render.
#[derive(Debug, Clone, Copy)]
enum Job<'a> {
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

/// The sidebars' HTML, rendered once.
struct Sidebars {
    editor_picks: Fragment,
    recent: Fragment,
    recommendations: Fragment,
}

#[derive(Serialize)]
struct SidebarHtml<'a> {
    editor_picks: &'a str,
    recent: &'a str,
    recommendations: &'a str,
}

/// Renders every page; all errors are collected.
pub fn render(
    site: &Site,
    templates: &mut Templates,
) -> Result<Vec<RenderedFile>, Vec<Diagnostic>> {
    let search_path = search_page_path(site, templates).map_err(|e| vec![e])?;
    // The same on every page: serialized once, not per page.
    templates
        .tera
        .global_context()
        .insert("site", &SiteView::new(site, search_path.as_deref()));
    let templates = &*templates;
    let recent: Vec<usize> = (0..site.articles.len()).collect();
    let cards = &Cards::new(site);
    let sidebars = Sidebars {
        editor_picks: Fragment::render(
            templates,
            cards,
            "partials/editor-picks.html",
            &site.editor_picks,
            site.config.sidebars.editor_picks,
        )
        .map_err(|e| vec![e])?,
        recent: Fragment::render(
            templates,
            cards,
            "partials/recent.html",
            &recent,
            site.config.sidebars.recent,
        )
        .map_err(|e| vec![e])?,
        recommendations: Fragment::render(
            templates,
            cards,
            "partials/recommendations.html",
            &site.editor_picks,
            site.config.sidebars.recommendations,
        )
        .map_err(|e| vec![e])?,
    };
    let jobs = jobs(site, search_path.as_deref());
    let results: Vec<Result<RenderedFile, Diagnostic>> = jobs
        .par_iter()
        .map(|job| render_job(site, templates, cards, &sidebars, *job))
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

fn jobs<'a>(site: &'a Site, search_path: Option<&'a str>) -> Vec<Job<'a>> {
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

fn render_job(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    sidebars: &Sidebars,
    job: Job<'_>,
) -> Result<RenderedFile, Diagnostic> {
    let config = &site.config;
    let own_article = match job {
        Job::Article(index) => Some(index),
        _ => None,
    };
    let mut context = Context::new();
    context.insert(
        "sidebars",
        &SidebarHtml {
            editor_picks: sidebars.editor_picks.for_article(own_article),
            recent: sidebars.recent.for_article(own_article),
            recommendations: sidebars.recommendations.for_article(own_article),
        },
    );
    let (template, site_path) = match job {
        Job::Article(index) => {
            let article = &site.articles[index];
            context.insert_value("article", article_value(site, templates, cards, index)?);
            context.insert("page_url", &config.absolute_url(&article.permalink));
            ("article.html", article.permalink.clone())
        }
        Job::Home(page) => {
            let all: Vec<usize> = (0..site.articles.len()).collect();
            let pager = pager(site, cards, &all, "/", page, config.pagination.home);
            let top_story = site.featured.first().map(|&i| cards.get(i));
            context.insert_value("top_story", Value::from(top_story));
            context.insert_value("pager", pager);
            let path = paginated("/", page);
            context.insert("page_url", &config.absolute_url(&path));
            ("index.html", path)
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
            let path = paginated(&term.permalink, page);
            context.insert("page_url", &config.absolute_url(&path));
            ("term.html", path)
        }
        Job::TermIndex(kind) => {
            let terms: Vec<TermLink<'_>> = site
                .terms(kind)
                .iter()
                .map(|t| TermLink::new(config, t))
                .collect();
            let path = site.term_index_permalink(kind);
            context.insert("kind", kind_name(kind));
            context.insert("terms", &terms);
            context.insert("page_url", &config.absolute_url(&path));
            ("terms.html", path)
        }
        Job::Page(index) => {
            let page = &site.pages[index];
            context.insert("page", &PageView::new(site, index));
            context.insert("page_url", &config.absolute_url(&page.permalink));
            ("page.html", page.permalink.clone())
        }
        Job::NotFound => {
            context.insert("page_url", &config.absolute_url("/404.html"));
            ("404.html", "/404.html".to_string())
        }
        Job::Search(path) => {
            context.insert("page_url", &config.absolute_url(path));
            ("search.html", path.to_string())
        }
        Job::Alias(index, alias) => {
            let target = config.absolute_url(&site.articles[index].permalink);
            context.insert("target", &target);
            ("alias.html", alias.to_string())
        }
        Job::ArchiveIndex => {
            let path = crate::site::archives::ARCHIVES_PATH.to_string();
            context.insert("years", &archives::years(site));
            context.insert("page_url", &config.absolute_url(&path));
            ("archives.html", path)
        }
        Job::Archive(y, m, page) => {
            let year = &site.archives[y];
            let month = m.map(|m| &year.months[m]);
            let (articles, permalink) = match month {
                Some(month) => (&month.articles, &month.permalink),
                None => (&year.articles, &year.permalink),
            };
            let per_page = config.pagination.archives;
            let pager = pager(site, cards, articles, permalink, page, per_page);
            context.insert("archive", &archives::ArchiveView::new(site, year, month));
            context.insert_value("pager", pager);
            let path = paginated(permalink, page);
            context.insert("page_url", &config.absolute_url(&path));
            ("archive.html", path)
        }
    };
    if !matches!(job, Job::Alias(..)) {
        let page_url = config.absolute_url(&site_path);
        context.insert("seo", &seo::Seo::new(site, job, &page_url));
    }
    let html = templates.render(template, &context)?;
    let path = safe_path(&site_path)
        .map_err(|message| Diagnostic::error(std::path::Path::new(&site_path), 1, 1, message))?;
    Ok((path, html.into_bytes()))
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
    map([
        ("current", Value::from(page)),
        ("total", Value::from(total)),
        ("prev_url", Value::from((page > 1).then(|| link(page - 1)))),
        (
            "next_url",
            Value::from((page < total).then(|| link(page + 1))),
        ),
        (
            "articles",
            cards.list(
                articles
                    .iter()
                    .copied()
                    .skip((page - 1) * per_page)
                    .take(per_page),
            ),
        ),
    ])
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
            [&html[..offset], &block, &html[offset..]].concat()
        }
        _ => html.clone(),
    };
    let details = ArticleDetails {
        content,
        toc: &article.rendered.toc,
        word_count: article.rendered.word_count,
        image_credit: article.image_credit.as_deref(),
        lang: article.lang.as_deref().unwrap_or(&site.config.language),
        series: article.series.as_deref(),
        extra: &article.extra,
    };
    let mut value = cards.get(index).into_map().expect("cards are maps");
    value.extend(
        Value::from_serializable(&details)
            .into_map()
            .expect("details are a map"),
    );
    // Articles are newest first: the previous one in time is the next index.
    let prev = (index + 1 < site.articles.len()).then(|| cards.get(index + 1));
    let next = index.checked_sub(1).map(|i| cards.get(i));
    value.insert("prev".into(), Value::from(prev));
    value.insert("next".into(), Value::from(next));
    value.insert(
        "related".into(),
        cards.list(site.related[index].iter().copied()),
    );
    value.insert(
        "read_also".into(),
        Value::from(read_also.map(|i| cards.get(i))),
    );
    Ok(Value::from(value))
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
