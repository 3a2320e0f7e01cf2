//! Shortcode templates (`shortcodes/<name>.html`, site over theme) rendered for the
//! Markdown stage, through the same Tera environment as the pages.

use tera::Context;

use super::Templates;
use crate::markdown::{ShortcodeArgs, ShortcodeError, ShortcodeRenderer};

/// The folder of shortcode templates, in the site's or the theme's `templates/`.
const FOLDER: &str = "shortcodes/";

impl ShortcodeRenderer for Templates {
    fn render(&self, name: &str, context: &ShortcodeArgs) -> Result<String, ShortcodeError> {
        let template = format!("{FOLDER}{name}.html");
        if !self.contains(&template) {
            return Err(ShortcodeError::Unknown(self.shortcode_names()));
        }
        let mut tera_context = Context::new();
        for (key, value) in context {
            tera_context.insert(key.clone(), value);
        }
        Templates::render(self, &template, &tera_context).map_err(|d| {
            let at = format!("{}:{}:{}", d.file.display(), d.line, d.column);
            ShortcodeError::Template(format!("{}, in {at}", d.message))
        })
    }
}

impl Templates {
    /// The shortcodes the site and its theme define, sorted.
    fn shortcode_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .names()
            .filter_map(|name| {
                // `shortcodes/x.html` in the site, `themes/<theme>/shortcodes/x.html` in the theme.
                let in_theme = name
                    .strip_prefix("themes/")
                    .and_then(|rest| rest.split_once('/'));
                let relative = in_theme.map_or(name, |(_, rest)| rest);
                relative
                    .strip_prefix(FOLDER)?
                    .strip_suffix(".html")
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
