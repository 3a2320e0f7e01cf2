//! Sidebars are the same on thousands of pages: each is rendered once per build,
//! plus one variant per article it lists, so that no page lists itself.

use std::collections::BTreeMap;

use tera::{Context, Value};

use super::templates::Templates;
use super::views::Cards;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// One sidebar's HTML: the common version and the variants that leave an article out.
/// Each is a template value already, which every page shares rather than copies.
///
/// Variants are keyed by content path, so that two builds' sidebars compare equal
/// when they show the same thing (the dev server re-renders every page only then).
#[derive(Debug, PartialEq, Eq)]
pub struct Fragment {
    common: Value,
    without: BTreeMap<String, Value>,
}

impl Fragment {
    /// Renders `template` over the first `count` of `articles` (indices, in order).
    pub fn render(
        site: &Site,
        templates: &Templates,
        cards: &Cards,
        template: &str,
        articles: &[usize],
        count: usize,
    ) -> Result<Self, Diagnostic> {
        let render = |listed: Vec<usize>| -> Result<Value, Diagnostic> {
            let mut context = Context::new();
            context.insert_value("articles", cards.list(listed));
            templates.render(template, &context).map(Value::from)
        };
        let common = render(articles.iter().copied().take(count).collect())?;
        let mut without = BTreeMap::new();
        for &own in articles.iter().take(count) {
            let listed = articles
                .iter()
                .copied()
                .filter(|&i| i != own)
                .take(count)
                .collect();
            without.insert(site.articles[own].path.clone(), render(listed)?);
        }
        Ok(Self { common, without })
    }

    /// The HTML for a page, leaving out the page's own article (by content path).
    pub fn for_article(&self, article: Option<&str>) -> &Value {
        article
            .and_then(|path| self.without.get(path))
            .unwrap_or(&self.common)
    }
}
