//! Link adapter: resolves `@/path.md#anchor` links and drops dangerous URL schemes.

use pulldown_cmark::{CowStr, Event, Tag};

use super::MarkdownOptions;

/// Schemes that run code when a reader clicks: never written to the output.
const DANGEROUS_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// A link that cannot be resolved: what is wrong, and what to do.
pub struct Problem {
    pub message: String,
    pub help: String,
}

/// Rewrites the destination of a link or image event; other events pass through.
///
/// An unresolvable link becomes `#` and comes back with its problem.
pub fn rewrite<'a>(
    event: Event<'a>,
    options: &MarkdownOptions<'_>,
    internal_links: &mut Vec<String>,
) -> (Event<'a>, Option<Problem>) {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let (dest_url, problem) = match resolve(dest_url, options, internal_links) {
                Ok(dest_url) => (dest_url, None),
                Err(problem) => (CowStr::Borrowed("#"), Some(problem)),
            };
            (
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }),
                problem,
            )
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if is_dangerous(&dest_url) {
                CowStr::Borrowed("")
            } else {
                dest_url
            };
            (
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }),
                None,
            )
        }
        event => (event, None),
    }
}

fn resolve<'a>(
    dest: CowStr<'a>,
    options: &MarkdownOptions<'_>,
    internal_links: &mut Vec<String>,
) -> Result<CowStr<'a>, Problem> {
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
    let Some(site_path) = options.links.get(path) else {
        return Err(Problem {
            message: format!("the link `{dest}` points to content/{path}, which does not exist"),
            help: "write the path of a Markdown file under content/, such as @/articles/2026/11/mon-article.md".into(),
        });
    };
    internal_links.push(site_path.clone());
    let mut url = format!("{}{}", options.base_path, site_path.trim_start_matches('/'));
    if let Some(anchor) = anchor {
        url.push('#');
        url.push_str(anchor);
    }
    Ok(CowStr::from(url))
}

/// Whether a URL uses a scheme that runs code, whatever its case or leading blanks.
pub fn is_dangerous(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    DANGEROUS_SCHEMES
        .iter()
        .any(|scheme| compact.starts_with(scheme))
}
