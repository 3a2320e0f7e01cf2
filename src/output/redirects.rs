//! `_redirects`: the old addresses of `aliases:` as permanent redirects, in the format
//! Netlify and Cloudflare Pages read (`/old/ /new/ 301`).
//!
//! Each alias also gets an HTML page (`alias.html`) with a canonical link and a refresh,
//! for every other host. Netlify serves that page rather than the rule when both exist
//! (it does not shadow files without `301!`, a form Cloudflare rejects); search engines
//! treat an immediate refresh as a permanent redirect, so either way the old URL is kept.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::site::Site;

/// The output file.
pub const REDIRECTS_FILE: &str = "_redirects";

/// What a path may not hold as is in `_redirects`: white space separates fields, `#`
/// starts a comment; the rest is what URLs escape. Existing `%XX` escapes are kept.
const ESCAPED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The file's text: the site's own rules (`own`, from `content/_redirects`) first, since
/// the first matching rule wins, then one line per alias; `None` when there is nothing.
pub fn render(site: &Site, own: Option<&str>) -> Option<String> {
    let mut text = String::new();
    if let Some(own) = own {
        text.push_str(own);
        if !own.ends_with('\n') {
            text.push('\n');
        }
    }
    let mut aliases = site
        .articles
        .iter()
        .flat_map(|article| article.aliases.iter().map(move |alias| (alias, article)))
        .peekable();
    if aliases.peek().is_some() {
        text.push_str(
            "# Old addresses of articles (`aliases:` in their front matter), written by kiosque.\n",
        );
    }
    for (alias, article) in aliases {
        let from = site.config.link(alias);
        let to = site.config.link(&article.permalink);
        text.push_str(&format!(
            "{} {} 301\n",
            utf8_percent_encode(&from, ESCAPED),
            utf8_percent_encode(&to, ESCAPED)
        ));
    }
    (!text.is_empty()).then_some(text)
}
