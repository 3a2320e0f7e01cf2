//! `robots.txt`: lets every crawler in and points it to both sitemaps.

use super::sitemap::{NEWS_SITEMAP_FILE, SITEMAP_FILE};
use crate::config::Config;

/// The output file.
pub const ROBOTS_FILE: &str = "robots.txt";

/// The text of `robots.txt`. Crawlers read it only at the root of a host: with a base
/// path (`https://user.github.io/blog/`), the host's own file is the one that counts.
pub fn render(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        config.absolute_url(SITEMAP_FILE),
        config.absolute_url(NEWS_SITEMAP_FILE),
    )
}
