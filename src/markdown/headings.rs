//! Heading adapter: stable ids (accents folded, duplicates numbered) and the table of contents.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

/// One heading in the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Gives every heading an id (keeping ids written with `{#id}`), and lists them.
pub fn assign_ids(mut events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<TocEntry>) {
    let mut used = HashSet::new();
    let mut toc = Vec::new();
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[index] {
            let level = *level;
            let written_id = id.as_ref().map(|id| id.to_string());
            let end = events[index..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len(), |i| index + i);
            let title: String = events[index + 1..end]
                .iter()
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let base = written_id.unwrap_or_else(|| {
                let slug = crate::content::permalink::slugify(&title);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            });
            let unique = unique_id(&base, &mut used);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[index] {
                *id = Some(CowStr::from(unique.clone()));
            }
            toc.push(TocEntry {
                level: heading_number(level),
                id: unique,
                title,
            });
            index = end;
        }
        index += 1;
    }
    (events, toc)
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn ids_fold_accents_and_number_duplicates() {
        let events: Vec<_> = Parser::new_ext(
            "## Éléments clés\n\n## Éléments clés\n\n### Fin {#fin}\n",
            Options::ENABLE_HEADING_ATTRIBUTES,
        )
        .collect();
        let (_, toc) = assign_ids(events);
        let ids: Vec<_> = toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["elements-cles", "elements-cles-1", "fin"]);
        assert_eq!(toc[2].level, 3);
    }
}
