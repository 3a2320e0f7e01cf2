//! The Tera environment: site templates over theme templates, parsed once per build.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{ErrorKind, Kwargs, State, Tera, Value};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::Diagnostic;

/// Parsed templates, and the file each template name came from.
pub struct Templates {
    pub tera: Tera,
    files: HashMap<String, PathBuf>,
    strings: Arc<Strings>,
}

/// The theme's UI strings in the site language, falling back to English.
type Strings = BTreeMap<String, String>;

impl Templates {
    /// Reads `templates/` and `themes/<theme>/templates/`, and the theme's strings.
    pub fn load(config: &Config) -> Result<Self, Vec<Diagnostic>> {
        let theme_dir = config.theme_dir();
        if !theme_dir.join("templates").is_dir() {
            return Err(vec![Diagnostic::error(
                &config.root.join(crate::config::CONFIG_FILE),
                1,
                1,
                format!("the theme `{}` has no templates folder ({})", config.theme, theme_dir.join("templates").display()),
            )
            .with_help("set `theme:` to a folder of themes/, or copy the newsroom theme there (`kiosque init` does)")]);
        }
        let theme_prefix = format!("themes/{}/", config.theme);
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([theme_prefix.clone()])
            .map_err(|e| vec![Diagnostic::error(&theme_dir, 1, 1, e.to_string())])?;
        let mut files = HashMap::new();
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for (dir, prefix) in [
            (theme_dir.join("templates"), theme_prefix.as_str()),
            (config.root.join("templates"), ""),
        ] {
            for (path, name) in template_files(&dir, prefix, &mut errors) {
                match fs_err::read_to_string(&path) {
                    Ok(text) => {
                        files.insert(name.clone(), crate::diagnostic::shown(&path));
                        sources.push((name, text));
                    }
                    Err(error) => errors.push(Diagnostic::error(&path, 1, 1, error.to_string())),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let strings = Arc::new(load_strings(config)?);
        register(&mut tera, config, &strings);
        // The same strings as `t()` gives, as a map: `{{ i18n.toc }}` is a lookup, where
        // a function call builds its arguments and its result on every page.
        tera.global_context().insert("i18n", strings.as_ref());
        let mut templates = Self {
            tera,
            files,
            strings: Arc::clone(&strings),
        };
        // Tera stops at the first error: parse each template alone first, so that
        // every syntax error is reported.
        for (name, text) in &sources {
            let mut probe = Tera::new();
            register(&mut probe, config, &strings);
            if let Err(error) = probe.add_raw_template(name, text)
                && matches!(error.kind(), ErrorKind::SyntaxError(_))
            {
                errors.push(templates.diagnostic(&error));
            }
        }
        if errors.is_empty()
            && let Err(error) = templates.tera.add_raw_templates(sources)
        {
            errors.push(templates.diagnostic(&error));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(templates)
    }

    /// Renders a template; errors name the template file, line and column.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| self.diagnostic(&e))
    }

    /// Renders a page straight to bytes, into a buffer of `capacity` bytes to start
    /// with: no UTF-8 check of a `String` that would only be turned back into bytes.
    pub fn render_bytes(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut output = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, context, &mut output)
            .map_err(|e| self.diagnostic(&e))?;
        Ok(output)
    }

    /// A UI string of the theme in the site language, as `t(key=…)` gives it.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.strings.get(key).map(String::as_str)
    }

    /// Whether a template exists, in the site or the theme.
    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The names of every template, site and theme (theme ones start with `themes/<theme>/`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// A Tera error as a diagnostic on the template file.
    fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let file = self.file_of(report.filename());
                let span = report.span();
                Diagnostic::error(&file, span.start_line, span.start_col + 1, report.message().to_string())
                    .with_help("fix the template; variables available to each template are listed in docs/TEMPLATES.md")
            }
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                Path::new("templates").join(name).as_path(),
                1,
                1,
                format!("no template `{name}` in templates/ or in the theme"),
            )
            .with_help("add it to templates/, or use a theme that has it (kiosque init copies the full newsroom theme)"),
            _ => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                Diagnostic::error(Path::new("templates"), 1, 1, message)
            }
        }
    }

    fn file_of(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    }
}

/// Filters and functions the templates may call, and how printed values are escaped.
fn register(tera: &mut Tera, config: &Config, strings: &Arc<Strings>) {
    tera.set_escape_fn(super::escape::escape_html);
    tera.register_filter("safe", safe);
    tera.register_filter("date", tera_contrib::dates::date);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    let language = config.language.clone();
    let strings = Arc::clone(strings);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let key: &str = kwargs.must_get("key")?;
            match strings.get(key) {
                Some(text) => Ok(Value::from(text.as_str())),
                None => Err(tera::Error::message(format!(
                    "no UI string `{key}` for language `{language}` in the theme's i18n files"
                ))),
            }
        },
    );
}

/// Tera's `safe`, without its copy of the string: the value is shared and marked safe.
/// Article bodies and sidebars are printed with `safe` on every page.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(_) => value.clone().mark_safe(),
        None => Value::safe_string(&value.to_string()),
    }
}

fn template_files(
    dir: &Path,
    prefix: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, String)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let relative = relative.to_string_lossy().replace('\\', "/");
                if !relative.split('/').any(|p| p.starts_with('.')) {
                    found.push((entry.into_path(), format!("{prefix}{relative}")));
                }
            }
            Ok(_) => {}
            Err(error) => errors.push(Diagnostic::error(
                error.path().unwrap_or(dir),
                1,
                1,
                error.to_string(),
            )),
        }
    }
    found
}

/// The theme's `i18n/<language>.yaml`, over `i18n/en.yaml`.
fn load_strings(config: &Config) -> Result<Strings, Vec<Diagnostic>> {
    let dir = config.theme_dir().join("i18n");
    let mut strings = Strings::new();
    for language in ["en", config.language.as_str()] {
        let path = dir.join(format!("{language}.yaml"));
        if !path.is_file() {
            continue;
        }
        let text = fs_err::read_to_string(&path)
            .map_err(|e| vec![Diagnostic::error(&path, 1, 1, e.to_string())])?;
        let more: Strings = serde_yaml::from_str(&text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            vec![Diagnostic::error(&path, line, column, e.to_string())]
        })?;
        strings.extend(more);
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_prints_as_teras_own_safe() {
        let source =
            "{{ html | safe }} {{ long | safe }} {{ number | safe }} {{ html | safe | upper }}";
        let mut context = tera::Context::new();
        context.insert("html", "<b>l'IA</b> & co");
        context.insert("long", &"<p>un paragraphe assez long</p>".repeat(20));
        context.insert("number", &12.5);
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.set_escape_fn(crate::render::escape::escape_html);
            if ours {
                tera.register_filter("safe", safe);
            }
            tera.add_raw_template("t.html", source).unwrap();
            tera.render("t.html", &context).unwrap()
        };
        assert_eq!(render(true), render(false));
        assert!(render(true).starts_with("<b>l'IA</b> & co <p>"));
    }
}
