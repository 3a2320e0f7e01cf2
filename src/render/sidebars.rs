//! Sidebars are the same on thousands of pages: each is rendered once per build,
//! plus one variant per article it lists, so that no page lists itself.

use std::collections::HashMap;

use tera::Context;

use super::templates::Templates;
use super::views::Cards;
use crate::diagnostic::Diagnostic;

/// One sidebar's HTML: the common version and the variants that leave an article out.
pub struct Fragment {
    common: String,
    without: HashMap<usize, String>,
}

impl Fragment {
    /// Renders `template` over the first `count` of `articles` (indices, in order).
    pub fn render(
        templates: &Templates,
        cards: &Cards,
        template: &str,
        articles: &[usize],
        count: usize,
    ) -> Result<Self, Diagnostic> {
        let render = |listed: Vec<usize>| -> Result<String, Diagnostic> {
            let mut context = Context::new();
            context.insert_value("articles", cards.list(listed));
            templates.render(template, &context)
        };
        let common = render(articles.iter().copied().take(count).collect())?;
        let mut without = HashMap::new();
        for &own in articles.iter().take(count) {
            let listed = articles
                .iter()
                .copied()
                .filter(|&i| i != own)
                .take(count)
                .collect();
            without.insert(own, render(listed)?);
        }
        Ok(Self { common, without })
    }

    /// The HTML for a page, leaving out the page's own article.
    pub fn for_article(&self, article: Option<usize>) -> &str {
        article
            .and_then(|i| self.without.get(&i))
            .unwrap_or(&self.common)
    }
}
