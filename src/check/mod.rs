//! `kiosque check`: builds the site in memory and finds what readers would trip on:
//! links to pages or anchors that do not exist, missing images and files, and, when
//! asked, external links that fail.
//!
//! Links are read from the built pages with an HTML parser and resolved the way a browser
//! does, against the page's own URL, so `@/` links (already resolved by the build), plain
//! relative links, root-relative links and absolute links to the site are all checked.

mod external;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use scraper::{Html, Selector};
use url::Url;

use crate::build::{BuildOptions, build_in_memory};
use crate::content::Body;
use crate::content::permalink::safe_path;
use crate::diagnostic::{Diagnostic, line_column};
use crate::output::{Contents, Files};

/// What `kiosque check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Also request every external link.
    pub external: bool,
    /// External requests at once.
    pub concurrency: usize,
    /// Per external request.
    pub timeout: Duration,
}

/// What a check found.
#[derive(Debug)]
pub struct CheckReport {
    /// Broken links, anchors and images; empty when all is well.
    pub problems: Vec<Diagnostic>,
    /// The build's own warnings.
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub links: usize,
    pub external: usize,
}

/// Builds the site in memory and checks every link of every page.
/// Errors: the build's, when it fails.
pub fn check(options: &CheckOptions) -> Result<CheckReport, Vec<Diagnostic>> {
    let built = build_in_memory(&options.build)?;
    let base = Url::parse(&built.site.config.base_url).map_err(|e| {
        vec![Diagnostic::error(
            Path::new("site.yaml"),
            1,
            1,
            e.to_string(),
        )]
    })?;
    let pages = parse_pages(&built.files);
    let sources = sources(&built.site);
    let judge = Judge {
        files: &built.files,
        pages: &pages,
        base: &base,
    };
    // Root-relative and absolute links mean the same on every page: judged once each.
    let mut shared: Vec<(&str, LinkKind)> = pages
        .values()
        .flat_map(|page| &page.links)
        .filter(|link| is_page_independent(&link.url))
        .map(|link| (link.url.as_str(), link.kind))
        .collect();
    shared.sort_unstable();
    shared.dedup();
    let shared: HashMap<(&str, LinkKind), Verdict> = shared
        .into_par_iter()
        .map(|(url, kind)| ((url, kind), judge.verdict(&base, url, kind)))
        .collect();
    let verdicts: Vec<(&String, &Page<'_>, &Link, Verdict)> = pages
        .par_iter()
        .flat_map_iter(|(path, page)| {
            let page_url = base
                .join(path.trim_end_matches("index.html"))
                .unwrap_or_else(|_| base.clone());
            let shared = &shared;
            let judge = &judge;
            page.links.iter().filter_map(move |link| {
                let verdict = match shared.get(&(link.url.as_str(), link.kind)) {
                    Some(verdict) => verdict.clone(),
                    None => judge.verdict(&page_url, &link.url, link.kind),
                };
                (verdict != Verdict::Fine).then_some((path, page, link, verdict))
            })
        })
        .collect();
    let links = pages.values().map(|page| page.links.len()).sum();
    let mut found = Findings::default();
    let mut external_links: BTreeMap<String, Vec<Origin>> = BTreeMap::new();
    for (path, page, link, verdict) in verdicts {
        match verdict {
            Verdict::Fine => {}
            Verdict::Broken(problem) => found.add(&sources, path, page, link, problem),
            Verdict::External(url) if options.external => {
                external_links.entry(url).or_default().push(Origin {
                    page: path.clone(),
                    index: link.index,
                });
            }
            Verdict::External(_) => {}
        }
    }
    let external_count = external_links.len();
    if options.external {
        let urls: Vec<&str> = external_links.keys().map(String::as_str).collect();
        let failures = external::check(&urls, options.concurrency, options.timeout);
        for (url, failure) in failures {
            for origin in &external_links[url] {
                let page = &pages[&origin.page];
                let link = &page.links[origin.index];
                found.add(&sources, &origin.page, page, link, failure.clone());
            }
        }
    }
    Ok(CheckReport {
        problems: found.into_diagnostics(),
        warnings: built.warnings,
        pages: pages.len(),
        links,
        external: external_count,
    })
}

/// What a link points to, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum LinkKind {
    Link,
    Image,
    Resource,
}

/// A link as written in a built page.
#[derive(Debug)]
struct Link {
    url: String,
    kind: LinkKind,
    /// Position in the page's list of links.
    index: usize,
}

/// One built page: the links it has and the anchors it offers.
#[derive(Debug)]
struct Page<'a> {
    /// The page's text, borrowed from the build.
    html: &'a str,
    links: Vec<Link>,
    ids: HashSet<String>,
}

/// Where a link to check came from.
struct Origin {
    page: String,
    index: usize,
}

/// Every HTML page of the build, parsed in parallel.
fn parse_pages(files: &Files) -> BTreeMap<String, Page<'_>> {
    // Rendered pages are always UTF-8; copied `.html` files are the site's own business.
    let html: Vec<(&String, &str)> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, contents)| match contents {
            Contents::Bytes(bytes) => Some((path, std::str::from_utf8(bytes).ok()?)),
            Contents::Copy(_) => None,
        })
        .collect();
    html.par_iter()
        .map(|&(path, html)| (path.clone(), parse_page(html)))
        .collect()
}

fn parse_page(html: &str) -> Page<'_> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(
        "a[href], area[href], link[href], img[src], img[srcset], source[src], source[srcset], script[src], iframe[src], video[poster], [id], a[name]",
    )
    .expect("a valid selector");
    let mut page = Page {
        html,
        links: Vec::new(),
        ids: HashSet::new(),
    };
    let mut push = |url: &str, kind: LinkKind| {
        let url = url.trim();
        if !url.is_empty() {
            let index = page.links.len();
            page.links.push(Link {
                url: url.to_string(),
                kind,
                index,
            });
        }
    };
    for element in document.select(&selector) {
        let element = element.value();
        if let Some(id) = element.id() {
            page.ids.insert(id.to_string());
        }
        if element.name() == "a"
            && let Some(name) = element.attr("name")
        {
            page.ids.insert(name.to_string());
        }
        let kind = match element.name() {
            "a" | "area" => LinkKind::Link,
            "img" | "source" | "video" => LinkKind::Image,
            _ => LinkKind::Resource,
        };
        for attribute in ["href", "src", "poster"] {
            if let Some(url) = element.attr(attribute) {
                push(url, kind);
            }
        }
        if let Some(srcset) = element.attr("srcset") {
            // "a.png 1x, b.png 2x": the URL is the first word of each candidate.
            for candidate in srcset.split(',') {
                if let Some(url) = candidate.split_whitespace().next() {
                    push(url, kind);
                }
            }
        }
    }
    page
}

/// The path of `target` below the site's base URL, when it is on the site.
fn site_relative(base: &Url, target: &Url) -> Option<String> {
    if target.origin() != base.origin() {
        return None;
    }
    target.path().strip_prefix(base.path()).map(str::to_string)
}

/// What a check makes of one link.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// On the site and found, or a scheme that is not checked (`mailto:`).
    Fine,
    /// On the site, and what is wrong with it.
    Broken(String),
    /// Elsewhere: the URL to request, without its fragment.
    External(String),
}

/// Whether a link means the same on every page: it has a scheme, or starts with `/`.
fn is_page_independent(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    url.starts_with('/')
        || (scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
}

/// Resolves links against the build.
struct Judge<'a> {
    files: &'a Files,
    pages: &'a BTreeMap<String, Page<'a>>,
    base: &'a Url,
}

impl Judge<'_> {
    /// The verdict on `url`, written on the page at `page_url`.
    fn verdict(&self, page_url: &Url, url: &str, kind: LinkKind) -> Verdict {
        let Ok(mut target) = page_url.join(url) else {
            return Verdict::Broken("is not a valid URL".into());
        };
        if !matches!(target.scheme(), "http" | "https") {
            return Verdict::Fine;
        }
        match site_relative(self.base, &target) {
            Some(relative) => match self.internal_problem(&relative, &target, kind) {
                Some(problem) => Verdict::Broken(problem),
                None => Verdict::Fine,
            },
            None => {
                target.set_fragment(None);
                Verdict::External(target.into())
            }
        }
    }

    /// What is wrong with a link inside the site, if anything.
    fn internal_problem(&self, relative: &str, target: &Url, kind: LinkKind) -> Option<String> {
        let decoded = percent_encoding::percent_decode_str(relative)
            .decode_utf8_lossy()
            .into_owned();
        let Ok(mut file) = safe_path(&format!("/{decoded}")) else {
            return Some("leaves the site".into());
        };
        if !self.files.contains_key(&file) {
            // A folder without its slash: static hosts redirect to `folder/`.
            let folder = format!("{file}/index.html");
            if self.files.contains_key(&folder) {
                file = folder;
            } else {
                return Some(match kind {
                    LinkKind::Link => "points to a page that does not exist".into(),
                    LinkKind::Image => "is a missing image".into(),
                    LinkKind::Resource => "points to a file that does not exist".into(),
                });
            }
        }
        let fragment = target.fragment().unwrap_or("");
        if fragment.is_empty() || fragment == "top" {
            return None;
        }
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        match self.pages.get(&file) {
            Some(page) if !page.ids.contains(fragment.as_ref()) => Some(format!(
                "points to the anchor #{fragment}, which {file} does not have"
            )),
            _ => None,
        }
    }
}

/// Content files by the output file they become, to report problems where they are written.
fn sources(site: &crate::site::Site) -> HashMap<String, &Body> {
    let articles = site.articles.iter().map(|a| (&a.permalink, &a.body));
    let pages = site.pages.iter().map(|p| (&p.permalink, &p.body));
    articles
        .chain(pages)
        .filter_map(|(permalink, body)| Some((safe_path(permalink).ok()?, body)))
        .collect()
}

/// Problems found so far. A link written in content is reported where it is written,
/// once, even when summaries repeat it on list pages; the same broken link made by a
/// template is reported once, with the number of pages showing it.
#[derive(Default)]
struct Findings {
    in_content: Vec<Diagnostic>,
    /// (url, problem) of what `in_content` holds.
    content_keys: HashSet<(String, String)>,
    /// (url, problem) → the first page showing it and how many do.
    in_templates: BTreeMap<(String, String), (Diagnostic, usize)>,
}

impl Findings {
    fn add(
        &mut self,
        sources: &HashMap<String, &Body>,
        path: &str,
        page: &Page<'_>,
        link: &Link,
        problem: String,
    ) {
        let message = format!("`{}` {problem}", link.url);
        if let Some(body) = sources.get(path)
            && let Some(offset) = find_in_markdown(&body.markdown, &link.url)
        {
            let (line, column) = line_column(&body.markdown, offset);
            self.content_keys.insert((link.url.clone(), problem));
            self.in_content.push(
                Diagnostic::error(&body.file, line + body.line - 1, column, message)
                    .with_help("fix the link, or add the page, anchor or file it points to"),
            );
            return;
        }
        let key = (link.url.clone(), problem);
        if let Some((_, count)) = self.in_templates.get_mut(&key) {
            *count += 1;
            return;
        }
        let (line, column) = find_in_html(page.html, &link.url)
            .map_or((1, 1), |offset| line_column(page.html, offset));
        let diagnostic = Diagnostic::error(&PathBuf::from(path), line, column, message)
            .with_help("this link is in a template, a menu or site.yaml: fix it there");
        self.in_templates.insert(key, (diagnostic, 1));
    }

    fn into_diagnostics(self) -> Vec<Diagnostic> {
        let mut diagnostics = self.in_content;
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        diagnostics.dedup();
        for (key, (mut diagnostic, count)) in self.in_templates {
            if self.content_keys.contains(&key) {
                continue;
            }
            if count > 1 {
                diagnostic
                    .message
                    .push_str(&format!(" (and on {} more pages)", count - 1));
            }
            diagnostics.push(diagnostic);
        }
        diagnostics
    }
}

/// Where a built link is written in Markdown: as is, or the `#anchor` of an `@/` link.
fn find_in_markdown(markdown: &str, url: &str) -> Option<usize> {
    let written = [
        format!("({url}"),
        format!("<{url}>"),
        format!("]: {url}"),
        format!("\"{url}\""),
    ];
    for needle in &written {
        if let Some(offset) = markdown.find(needle.as_str()) {
            return Some(offset + 1);
        }
    }
    let (_, fragment) = url.split_once('#')?;
    let needle = format!(".md#{fragment})");
    markdown.find(&needle).map(|offset| offset + 3)
}

/// Where an attribute value is written in a built page.
fn find_in_html(html: &str, url: &str) -> Option<usize> {
    let escaped = url.replace('&', "&amp;");
    html.find(&format!("\"{escaped}\""))
        .or_else(|| html.find(&format!("\"{url}\"")))
        .map(|offset| offset + 1)
}
