//! `kiosque init` and `kiosque new`: a new site, a new article.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config;
use crate::content::date::rfc3339;
use crate::content::permalink::slugify;

/// The default theme, built into the binary so that `init` works anywhere.
static NEWSROOM: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/newsroom");

const SITE_YAML: &str = r#"title: "Mon site d'actualité"
description: "L'actualité tech, chaque jour."
base_url: "https://example.org/"
language: fr
timezone: Europe/Paris
theme: newsroom
search: true
permalinks:
  article: /:year/:month/:slug/
  category: /rubriques/:slug/
  tag: /tags/:slug/
  author: /auteurs/:slug/
feeds:
  limit: 20
  content: summary
menus:
  main:
    - { name: "À propos", url: "/a-propos/" }
"#;

const FIRST_ARTICLE: &str = r#"---
title: "Bienvenue sur votre nouveau site"
date: {date}
author: redaction
categories: ["Actualité"]
tags: ["kiosque"]
---
Ce premier article a été créé par `kiosque init`. Modifiez-le, ou créez-en un autre
avec `kiosque new "Titre de l'article"`.
"#;

const ABOUT: &str = "---\ntitle: \"À propos\"\n---\nPrésentez votre rédaction ici.\n";

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && fs_err::read_dir(dir)?.next().is_some() {
        anyhow::bail!(
            "{} is not empty; choose a new folder for the site",
            dir.display()
        );
    }
    let theme_dir = dir.join("themes").join("newsroom");
    fs_err::create_dir_all(&theme_dir)?;
    NEWSROOM.extract(&theme_dir)?;
    fs_err::write(dir.join(config::CONFIG_FILE), SITE_YAML)?;
    let today = jiff::Zoned::now().date();
    let article_dir = dir.join("content/articles");
    fs_err::create_dir_all(&article_dir)?;
    fs_err::write(
        article_dir.join("bienvenue.md"),
        FIRST_ARTICLE.replace("{date}", &today.to_string()),
    )?;
    fs_err::create_dir_all(dir.join("content/pages"))?;
    fs_err::write(dir.join("content/pages/a-propos.md"), ABOUT)?;
    fs_err::create_dir_all(dir.join("templates"))?;
    fs_err::write(dir.join(".gitignore"), "/public/\n")?;
    Ok(())
}

/// Creates a dated draft article from a title; returns its path.
pub fn new_article(root: &Path, title: &str) -> anyhow::Result<PathBuf> {
    let (config, _) = config::load(root, None).map_err(|errors| {
        anyhow::anyhow!(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let slug = slugify(title);
    if slug.is_empty() {
        anyhow::bail!("the title `{title}` gives an empty slug; use letters or digits");
    }
    let now = jiff::Zoned::now().with_time_zone(config.time_zone.clone());
    let dir = root.join(format!(
        "content/articles/{:04}/{:02}",
        now.year(),
        now.month()
    ));
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        anyhow::bail!(
            "{} already exists; choose another title or edit that file",
            path.display()
        );
    }
    fs_err::create_dir_all(&dir)?;
    let quoted = serde_json::to_string(title)?;
    let date = rfc3339(&now);
    fs_err::write(
        &path,
        format!(
            "---\ntitle: {quoted}\ndate: {date}\nauthor: \ncategories: []\ntags: []\ndraft: true\n---\n\nVotre texte ici.\n"
        ),
    )?;
    Ok(path)
}
