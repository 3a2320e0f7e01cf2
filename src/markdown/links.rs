//! Link adapter: resolves `@/path.md#anchor` links, drops dangerous URL schemes, and
//! gives external links the site's `rel` and `target`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::{MarkdownOptions, Problem, TocEntry};
use crate::diagnostic::Diagnostic;

/// Schemes that run code when a reader clicks: never written to the output.
const DANGEROUS_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// `rel` and `target` of links that leave the site (`external_links` in `site.yaml`).
#[derive(Debug, Clone, Default)]
pub struct ExternalLinks {
    /// The site's host: links to it are not external.
    pub site_host: String,
    pub rel: Option<String>,
    pub target: Option<String>,
}

/// A link to an anchor of another body, checked once every body is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    /// The content path of the target: `articles/2026/11/x.md`.
    pub path: String,
    pub anchor: String,
    pub line: usize,
    pub column: usize,
}

/// Rewrites link and image events of one body, remembering what it links to.
pub struct Links<'o> {
    options: &'o MarkdownOptions<'o>,
    /// Site paths this body links to.
    pub internal: Vec<String>,
    /// `@/…#anchor` links, at byte offsets of the source.
    pub anchors: Vec<(String, String, usize)>,
    /// Whether the link being written was opened as raw HTML (so must close as raw HTML).
    open_as_html: bool,
}

impl<'o> Links<'o> {
    pub fn new(options: &'o MarkdownOptions<'o>) -> Self {
        Self {
            options,
            internal: Vec::new(),
            anchors: Vec::new(),
            open_as_html: false,
        }
    }

    /// Rewrites the destination of a link or image event found at `offset`, in place;
    /// other events are left alone. An unresolvable link becomes `#` and its problem
    /// comes back.
    pub fn rewrite(&mut self, event: &mut Event<'_>, offset: usize) -> Option<Problem> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let problem =
                    match self.resolve(std::mem::replace(dest_url, CowStr::Borrowed("")), offset) {
                        Ok(resolved) => {
                            *dest_url = resolved;
                            None
                        }
                        Err(problem) => {
                            *dest_url = CowStr::Borrowed("#");
                            Some(problem)
                        }
                    };
                if let Some(html) = self.external_start(*link_type, dest_url, title) {
                    self.open_as_html = true;
                    *event = Event::InlineHtml(CowStr::from(html));
                }
                problem
            }
            Event::End(TagEnd::Link) if self.open_as_html => {
                self.open_as_html = false;
                *event = Event::InlineHtml(CowStr::Borrowed("</a>"));
                None
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if is_dangerous(dest_url) {
                    *dest_url = CowStr::Borrowed("");
                }
                None
            }
            _ => None,
        }
    }

    /// The opening tag of an external link with `rel` and `target`, when the site sets them.
    fn external_start(&self, link_type: LinkType, url: &str, title: &str) -> Option<String> {
        let external = &self.options.external_links;
        if (external.rel.is_none() && external.target.is_none())
            || matches!(link_type, LinkType::Email)
            || !is_external(url, &external.site_host)
        {
            return None;
        }
        // Sized for the tag at once: most bodies link out many times.
        let mut html = String::with_capacity(64 + url.len() + title.len());
        html.push_str("<a href=\"");
        escape_href(&mut html, url).ok()?;
        html.push('"');
        if !title.is_empty() {
            html.push_str(" title=\"");
            escape_html(&mut html, title).ok()?;
            html.push('"');
        }
        for (name, value) in [("rel", &external.rel), ("target", &external.target)] {
            if let Some(value) = value {
                html.push(' ');
                html.push_str(name);
                html.push_str("=\"");
                escape_html(&mut html, value).ok()?;
                html.push('"');
            }
        }
        html.push('>');
        Some(html)
    }

    fn resolve<'a>(&mut self, dest: CowStr<'a>, offset: usize) -> Result<CowStr<'a>, Problem> {
        if is_dangerous(&dest) {
            return Ok(CowStr::Borrowed("#"));
        }
        let Some(target) = dest.strip_prefix("@/") else {
            return Ok(dest);
        };
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target, None),
        };
        let Some(site_path) = self.options.links.get(path) else {
            return Err(Problem {
                message: format!("the link `{dest}` points to content/{path}, which does not exist"),
                help: "write the path of a Markdown file under content/, such as @/articles/2026/11/mon-article.md".into(),
            });
        };
        self.internal.push(site_path.clone());
        let mut url = format!(
            "{}{}",
            self.options.base_path,
            site_path.trim_start_matches('/')
        );
        if let Some(anchor) = anchor {
            self.anchors
                .push((path.to_string(), anchor.to_string(), offset));
            url.push('#');
            url.push_str(anchor);
        }
        Ok(CowStr::from(url))
    }
}

/// Whether a URL leaves the site: an absolute web address on another host.
fn is_external(url: &str, site_host: &str) -> bool {
    let Some(rest) = ["https://", "http://", "//"].iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &url[scheme.len()..])
    }) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    !host.eq_ignore_ascii_case(site_host)
}

/// Whether a URL uses a scheme that runs code, whatever its case or leading blanks.
pub fn is_dangerous(url: &str) -> bool {
    DANGEROUS_SCHEMES.iter().any(|scheme| {
        // Blanks and control characters are skipped by browsers inside a scheme too.
        let mut compact = url
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control());
        scheme
            .chars()
            .all(|s| compact.next().is_some_and(|c| c.to_ascii_lowercase() == s))
    })
}

/// Checks every `@/…#anchor` link against the ids of its target.
///
/// `bodies` gives, for each content path, the file shown in messages, its headings
/// and the anchor links it holds.
pub fn check_anchors<'a>(
    bodies: impl IntoIterator<Item = (&'a str, &'a Path, &'a [TocEntry], &'a [AnchorLink])> + Clone,
) -> Vec<Diagnostic> {
    let ids: HashMap<&str, HashSet<&str>> = bodies
        .clone()
        .into_iter()
        .map(|(path, _, toc, _)| (path, toc.iter().map(|entry| entry.id.as_str()).collect()))
        .collect();
    let mut diagnostics = Vec::new();
    for (_, file, _, links) in bodies {
        for link in links {
            let Some(target_ids) = ids.get(link.path.as_str()) else {
                continue;
            };
            if target_ids.contains(link.anchor.as_str()) {
                continue;
            }
            let mut known: Vec<&str> = target_ids.iter().copied().collect();
            known.sort_unstable();
            let help = match crate::diagnostic::closest(&link.anchor, known.iter().copied()) {
                Some(close) => format!("did you mean `#{close}`?"),
                None if known.is_empty() => {
                    "that file has no headings; link to the file without an anchor".to_string()
                }
                None => format!(
                    "its headings are: {}",
                    known
                        .iter()
                        .map(|id| format!("#{id}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diagnostics.push(
                Diagnostic::error(
                    &PathBuf::from(file),
                    link.line,
                    link.column,
                    format!(
                        "the link to content/{}#{} names an anchor that does not exist there",
                        link.path, link.anchor
                    ),
                )
                .with_help(help),
            );
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_means_another_host() {
        assert!(is_external("https://www.rust-lang.org/", "kiosque.example"));
        assert!(is_external(
            "HTTP://user@other.org:8080/x",
            "kiosque.example"
        ));
        assert!(is_external("//cdn.example.net/a.js", "kiosque.example"));
        assert!(!is_external(
            "https://Kiosque.example/2026/",
            "kiosque.example"
        ));
        assert!(!is_external("/2026/11/x/", "kiosque.example"));
        assert!(!is_external("#section", "kiosque.example"));
        assert!(!is_external("mailto:a@b.c", "kiosque.example"));
    }

    #[test]
    fn dangerous_schemes_whatever_their_case_and_blanks() {
        for url in [
            "javascript:alert(1)",
            " JaVa\tScRiPt:alert(1)",
            "java\u{0}script:x",
            "\u{A0}VBSCRIPT:x",
            "data:text/html,x",
        ] {
            assert!(is_dangerous(url), "{url:?}");
        }
        for url in [
            "javascript",
            "https://a.b/javascript:x",
            "dat",
            "",
            "/data:x",
            "jävascript:x",
        ] {
            assert!(!is_dangerous(url), "{url:?}");
        }
    }

    #[test]
    fn missing_anchors_are_reported_with_the_closest_id() {
        let entry = |id: &str| TocEntry {
            level: 2,
            id: id.into(),
            title: id.into(),
        };
        let ids_a = [entry("installation"), entry("usage")];
        let links_b = [AnchorLink {
            path: "articles/a.md".into(),
            anchor: "instalation".into(),
            line: 12,
            column: 5,
        }];
        let bodies = [
            (
                "articles/a.md",
                Path::new("content/articles/a.md"),
                &ids_a[..],
                &[][..],
            ),
            (
                "articles/b.md",
                Path::new("content/articles/b.md"),
                &[][..],
                &links_b[..],
            ),
        ];
        let diagnostics = check_anchors(bodies);
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(
            (d.file.as_path(), d.line, d.column),
            (Path::new("content/articles/b.md"), 12, 5)
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `#installation`?"));
    }
}
