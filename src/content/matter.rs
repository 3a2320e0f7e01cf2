//! Front matter fields, read from YAML or TOML, with unknown keys kept in `extra`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::front_matter::{Format, Split};
use crate::diagnostic::{Diagnostic, closest, line_column};

/// A date as YAML (a string) or TOML (a string or a native date) writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateField {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateField {
    /// The date as text, for the date parser.
    pub fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Toml(datetime) => datetime.to_string(),
        }
    }
}

/// One name or several: `author: a` and `authors: [a, b]` both work.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(one) => vec![one],
            Self::Many(many) => many,
        }
    }
}

/// `featured: true` or `featured: 2` (a rank; lower comes first).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Featured {
    Flag(bool),
    Rank(i64),
}

/// `read_also: false` turns the block off; `read_also: <path or slug>` chooses its article.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ReadAlsoField {
    Enabled(bool),
    Target(String),
}

/// The front matter of an article, a page or an author profile.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Matter {
    pub title: Option<String>,
    pub date: Option<DateField>,
    pub updated: Option<DateField>,
    pub expires: Option<DateField>,
    pub author: Option<OneOrMany>,
    pub authors: Option<OneOrMany>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub image_credit: Option<String>,
    pub editor_pick: bool,
    pub featured: Option<Featured>,
    pub related: Vec<String>,
    pub read_also: Option<ReadAlsoField>,
    pub series: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub lang: Option<String>,
    /// Articles sharing a key are translations of each other.
    pub translation_key: Option<String>,
    pub weight: Option<i64>,
    /// Author profiles.
    pub name: Option<String>,
    pub role: Option<String>,
    pub avatar: Option<String>,
    pub links: Vec<ProfileLink>,
    #[serde(skip)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A link on an author's profile.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ProfileLink {
    pub label: String,
    pub url: String,
}

/// The keys [`Matter`] reads; others go to `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "expires",
    "author",
    "authors",
    "categories",
    "tags",
    "summary",
    "image",
    "image_alt",
    "image_credit",
    "editor_pick",
    "featured",
    "related",
    "read_also",
    "series",
    "draft",
    "slug",
    "aliases",
    "lang",
    "translation_key",
    "weight",
    "name",
    "role",
    "avatar",
    "links",
    "extra",
];

impl Matter {
    /// Removes control characters from the fields shown to readers: they are invalid in
    /// XML feeds and HTML, and never meant (a paste from a word processor, a stray `\x07`).
    fn remove_control_characters(&mut self) {
        let fields = [
            &mut self.title,
            &mut self.summary,
            &mut self.image_alt,
            &mut self.image_credit,
            &mut self.series,
            &mut self.name,
            &mut self.role,
        ];
        for field in fields.into_iter().flatten() {
            clean(field);
        }
        for list in [&mut self.categories, &mut self.tags] {
            list.iter_mut().for_each(clean);
        }
        for link in &mut self.links {
            clean(&mut link.label);
        }
    }

    /// Every author slug, from `author` and `authors`.
    pub fn author_slugs(&mut self) -> Vec<String> {
        let mut slugs = Vec::new();
        for field in [self.author.take(), self.authors.take()]
            .into_iter()
            .flatten()
        {
            slugs.extend(field.into_vec());
        }
        slugs
    }
}

/// Reads the front matter of `split`; `text` is the whole file, for positions.
pub fn parse(
    path: &Path,
    text: &str,
    split: &Split<'_>,
) -> Result<(Matter, Vec<Diagnostic>), Diagnostic> {
    let (mut matter, warnings) = match split.format {
        Format::Yaml => parse_yaml(path, text, split)?,
        Format::Toml => parse_toml(path, text, split)?,
    };
    matter.remove_control_characters();
    Ok((matter, warnings))
}

/// Whether a character may not appear in XML 1.0 or HTML text: control characters other
/// than tab and line ends, and Unicode noncharacters.
pub fn is_forbidden_in_text(c: char) -> bool {
    let code = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
}

fn clean(text: &mut String) {
    if text.chars().any(is_forbidden_in_text) {
        text.retain(|c| !is_forbidden_in_text(c));
    }
}

fn parse_yaml(
    path: &Path,
    text: &str,
    split: &Split<'_>,
) -> Result<(Matter, Vec<Diagnostic>), Diagnostic> {
    let located = |error: serde_yaml::Error| {
        let (line, column) = error.location().map_or((split.matter_line, 1), |l| {
            (split.matter_line + l.line() - 1, l.column())
        });
        let message = strip_location(&error.to_string());
        Diagnostic::error(
            path,
            line,
            column,
            format!("invalid front matter: {message}"),
        )
        .with_help("fix the YAML between the `---` lines; quote titles that contain `:` or `#`")
    };
    if split.matter.trim().is_empty() {
        return Ok((Matter::default(), Vec::new()));
    }
    let (mut matter, others) = parse_yaml_tree(path, text, split, located)?;
    let mut warnings = Vec::new();
    for (key, value) in others {
        keep_in_extra(&mut matter, key, &value, (path, text, split), &mut warnings);
    }
    Ok((matter, warnings))
}

/// Keeps a key [`Matter`] does not read in `extra` (the entries of `extra:` itself
/// are merged in), with a warning when it looks like a misspelt known key.
fn keep_in_extra(
    matter: &mut Matter,
    key: String,
    value: &impl serde::Serialize,
    (path, text, split): (&Path, &str, &Split<'_>),
    warnings: &mut Vec<Diagnostic>,
) {
    if key == "extra" {
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(value) {
            matter.extra.extend(map);
        }
        return;
    }
    if let Some(known) = closest(&key, KNOWN_KEYS.iter().copied()) {
        let (line, column) = key_line(text, split, &key);
        warnings.push(
            Diagnostic::warning(
                path,
                line,
                column,
                format!("unknown front matter key `{key}`, kept in `extra`"),
            )
            .with_help(format!("did you mean `{known}`?")),
        );
    }
    if let Ok(json) = serde_json::to_value(value) {
        matter.extra.insert(key, json);
    }
}

/// Keys [`Matter`] does not read (and `extra`), with their values, in document order.
type Others = Vec<(String, serde_yaml::Value)>;

/// The front matter through a YAML tree, which tells a document that is not a
/// mapping; the fields and the other keys with their values.
fn parse_yaml_tree(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    located: impl Fn(serde_yaml::Error) -> Diagnostic,
) -> Result<(Matter, Others), Diagnostic> {
    let value: serde_yaml::Value = serde_yaml::from_str(split.matter).map_err(&located)?;
    let Some(mapping) = value.as_mapping() else {
        let (line, column) = line_column(text, split.matter_offset);
        return Err(Diagnostic::error(
            path,
            line,
            column,
            "the front matter is not a list of `key: value` lines",
        )
        .with_help("write one `key: value` per line, such as `title: \"Mon article\"`"));
    };
    // On a type error, parse again from the text, whose errors carry the position.
    let matter = match Matter::deserialize(&value) {
        Ok(matter) => matter,
        Err(_) => serde_yaml::from_str(split.matter).map_err(located)?,
    };
    let others = mapping
        .iter()
        .filter_map(|(key, value)| {
            let key = key.as_str()?;
            (key == "extra" || !KNOWN_KEYS.contains(&key)).then(|| (key.to_string(), value.clone()))
        })
        .collect();
    Ok((matter, others))
}

fn parse_toml(
    path: &Path,
    text: &str,
    split: &Split<'_>,
) -> Result<(Matter, Vec<Diagnostic>), Diagnostic> {
    let located = |error: toml::de::Error| {
        let offset = split.matter_offset + error.span().map_or(0, |span| span.start);
        let (line, column) = line_column(text, offset);
        Diagnostic::error(
            path,
            line,
            column,
            format!("invalid front matter: {}", error.message()),
        )
        .with_help("fix the TOML between the `+++` lines")
    };
    let table: toml::Table = toml::from_str(split.matter).map_err(located)?;
    let mut matter: Matter = toml::from_str(split.matter).map_err(located)?;
    let mut warnings = Vec::new();
    for (key, value) in table {
        if key == "extra" || !KNOWN_KEYS.contains(&key.as_str()) {
            keep_in_extra(&mut matter, key, &value, (path, text, split), &mut warnings);
        }
    }
    Ok((matter, warnings))
}

/// The position of a top-level key in the front matter, counted from the start of the file.
pub fn key_line(text: &str, split: &Split<'_>, key: &str) -> (usize, usize) {
    let (line, column) = crate::config::key_position(split.matter, key);
    let (matter_line, _) = line_column(text, split.matter_offset);
    (matter_line + line - 1, column)
}

/// serde_yaml appends "at line L column C" counted from the snippet; we give our own.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::split;

    fn read(text: &str) -> Result<(Matter, Vec<Diagnostic>), Diagnostic> {
        parse(Path::new("a.md"), text, &split(text).unwrap())
    }

    const ALL_KEYS: &str = "---\ntitle: T\ndate: 2026-11-02\nupdated: 2026-11-03 10:00\n\
        expires: 2027-01-01\nauthor: a\nauthors: [b]\ncategories: [c]\ntags: [t, u]\n\
        summary: s\nimage: i.png\nimage_alt: ia\nimage_credit: ic\neditor_pick: true\n\
        featured: 2\nrelated: [r]\nread_also: x\nseries: se\ndraft: false\nslug: sl\n\
        aliases: [/al/]\nlang: en\ntranslation_key: k\nweight: 1\nname: n\nrole: ro\n\
        avatar: av\nlinks: [{label: L, url: u}]\nextra: { a: 1 }\ncolour: red\n---\n";

    #[test]
    fn every_known_key_is_read() {
        let (matter, warnings) = read(ALL_KEYS).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(matter.extra.keys().collect::<Vec<_>>(), ["a", "colour"]);
        assert_eq!(matter.title.as_deref(), Some("T"));
        assert_eq!(matter.tags, ["t", "u"]);
        assert!(matches!(matter.featured, Some(Featured::Rank(2))));
        assert_eq!(matter.links[0].url, "u");
        assert!(
            KNOWN_KEYS
                .iter()
                .all(|key| ALL_KEYS.contains(&format!("\n{key}:")))
        );
    }

    #[test]
    fn unknown_keys_go_to_extra_with_a_suggestion() {
        let (matter, warnings) = read("---\ntitle: T\ntag: [x]\ncolour: red\n---\n").unwrap();
        assert_eq!(matter.extra["tag"], serde_json::json!(["x"]));
        assert_eq!(matter.extra["colour"], "red");
        assert_eq!(warnings.len(), 1);
        assert_eq!((warnings[0].line, warnings[0].column), (3, 1));
        assert!(warnings[0].help.as_deref().unwrap().contains("`tags`"));
    }

    #[test]
    fn null_lists_numbers_as_text_and_keys_that_are_not_text() {
        // `null` for a list is an empty list.
        let (matter, _) = read("---\ntitle: T\ntags: null\n---\n").unwrap();
        assert!(matter.tags.is_empty());
        // A number where text is expected is the text as written.
        let (matter, _) = read("---\ntitle: 2024\n---\n").unwrap();
        assert_eq!(matter.title.as_deref(), Some("2024"));
        // A key that is not text is neither a field nor kept.
        let (matter, warnings) = read("---\ntitle: T\n1: x\n---\n").unwrap();
        assert!(matter.extra.is_empty() && warnings.is_empty());
    }

    #[test]
    fn errors_say_where() {
        let error = read("---\ntitle: T\ntitle: U\n---\n").unwrap_err();
        assert!(error.message.contains("duplicate"), "{}", error.message);
        let error = read("---\ntitle: T\ntags: [a\n---\n").unwrap_err();
        assert_eq!(error.line, 4);
        let error = read("---\ntitle:\n  - a\n---\n").unwrap_err();
        assert_eq!((error.line, error.column), (3, 3));
        for not_a_mapping in [
            "---\n# only a comment\n---\n",
            "---\n- a\n- b\n---\n",
            "---\nplain\n---\n",
        ] {
            let error = read(not_a_mapping).unwrap_err();
            assert!(
                error.message.contains("not a list of `key: value` lines"),
                "{not_a_mapping}"
            );
        }
    }
}
