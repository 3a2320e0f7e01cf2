//! Slugs and permalinks, and the check that keeps every output path inside `public/`.

use jiff::Zoned;

/// A URL slug from a title, accents folded: "Le créateur d'être" → `le-createur-detre`.
///
/// Apostrophes join the words they separate, as French writers expect.
pub fn slugify(text: &str) -> String {
    let without_apostrophes: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | 'ʼ'))
        .collect();
    slug::slugify(without_apostrophes)
}

/// The tokens a permalink pattern may use.
const TOKENS: &[&str] = &[":year", ":month", ":day", ":slug"];

/// Checks a pattern such as `/:year/:month/:slug/`.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if !pattern.starts_with('/') || !pattern.ends_with('/') {
        return Err(format!("`{pattern}` must start and end with `/`"));
    }
    if !pattern.contains(":slug") {
        return Err(format!("`{pattern}` must contain :slug"));
    }
    let mut rest = pattern;
    while let Some(start) = rest.find(':') {
        let token_end = rest[start + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| start + 1 + i);
        let token = &rest[start..token_end];
        if !TOKENS.contains(&token) {
            return Err(format!("unknown token `{token}` in `{pattern}`"));
        }
        rest = &rest[token_end..];
    }
    safe_path(pattern).map(|_| ())
}

/// Fills a pattern with a slug and, for dated content, its date.
pub fn expand(pattern: &str, slug: &str, date: Option<&Zoned>) -> String {
    let mut path = pattern.replace(":slug", slug);
    if let Some(date) = date {
        path = path
            .replace(":year", &format!("{:04}", date.year()))
            .replace(":month", &format!("{:02}", date.month()))
            .replace(":day", &format!("{:02}", date.day()));
    }
    path
}

/// The relative output path of a site path (`/2026/11/x/` → `2026/11/x/index.html`),
/// or an error when it would leave the output folder.
///
/// Percent-escapes are decoded first, so `/%2e%2e/x.html` is caught as `..`.
pub fn safe_path(site_path: &str) -> Result<String, String> {
    let decoded = percent_decode(site_path);
    if decoded.contains('\\') || decoded.contains('\0') {
        return Err(format!("`{site_path}` contains a backslash or a NUL byte"));
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "`{site_path}` would write outside the output folder"
                ));
            }
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if site_path.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Ok(path)
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_join_elisions() {
        assert_eq!(
            slugify("Le créateur de ChatGPT vient d'être licencié"),
            "le-createur-de-chatgpt-vient-detre-licencie"
        );
        assert_eq!(
            slugify("L’IA « générative » : 3 leçons"),
            "lia-generative-3-lecons"
        );
    }

    #[test]
    fn patterns_are_checked() {
        assert!(check_pattern("/:year/:month/:slug/").is_ok());
        assert!(check_pattern("/:year/:slug").is_err());
        assert!(check_pattern("/:yr/:slug/").is_err());
        assert!(check_pattern("/../:slug/").is_err());
    }

    #[test]
    fn safe_paths_stay_inside() {
        assert_eq!(safe_path("/2026/11/x/").unwrap(), "2026/11/x/index.html");
        assert_eq!(safe_path("/").unwrap(), "index.html");
        assert_eq!(safe_path("/feed.xml").unwrap(), "feed.xml");
        assert!(safe_path("/%2e%2e/%2e%2e/x.html").is_err());
        assert!(safe_path("/a/../../x/").is_err());
        assert!(safe_path("/a\\..\\x/").is_err());
    }
}
