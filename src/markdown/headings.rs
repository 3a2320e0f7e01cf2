//! Heading adapter: stable ids (accents folded, duplicates numbered), the table of
//! contents, and a link from each heading to itself.

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
pub fn assign_ids(events: &mut [Event<'_>]) -> Vec<TocEntry> {
    let mut used = HashSet::new();
    let mut toc = Vec::new();
    let mut rest = events;
    while let Some(at) = rest
        .iter()
        .position(|event| matches!(event, Event::Start(Tag::Heading { .. })))
    {
        let Some((Event::Start(Tag::Heading { level, id, .. }), after)) =
            rest[at..].split_first_mut()
        else {
            break;
        };
        let end = after
            .iter()
            .position(|event| matches!(event, Event::End(TagEnd::Heading(_))))
            .unwrap_or(after.len());
        let title: String = after[..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = id.as_ref().map(|id| id.to_string()).unwrap_or_else(|| {
            let slug = crate::content::permalink::slugify(&title);
            if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            }
        });
        let unique = unique_id(&base, &mut used);
        *id = Some(CowStr::from(unique.clone()));
        toc.push(TocEntry {
            level: heading_number(*level),
            id: unique,
            title: title.trim().to_string(),
        });
        rest = &mut after[end..];
    }
    toc
}

/// Ends each heading with a link to itself, shown on hover by the theme.
pub fn link_to_self(events: &mut Vec<Event<'_>>) {
    let mut links = Vec::new();
    let mut heading_id = None;
    for (index, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => heading_id = Some(id),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(id) = heading_id.take() {
                    // An id written with `{#id}` may hold any character: escape it like the writer does.
                    let mut anchor = String::from(" <a class=\"anchor\" href=\"#");
                    let _ = pulldown_cmark_escape::escape_html(&mut anchor, id);
                    anchor.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
                    links.push((index, anchor));
                }
            }
            _ => {}
        }
    }
    // A few headings a body: inserted from the last one back, so that the places of
    // the others hold, instead of copying every event.
    for (index, anchor) in links.into_iter().rev() {
        events.insert(index, Event::InlineHtml(CowStr::from(anchor)));
    }
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
        let mut events: Vec<_> = Parser::new_ext(
            "## Éléments clés\n\n## Éléments clés\n\n### Fin {#fin}\n",
            Options::ENABLE_HEADING_ATTRIBUTES,
        )
        .collect();
        let toc = assign_ids(&mut events);
        let ids: Vec<_> = toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["elements-cles", "elements-cles-1", "fin"]);
        assert_eq!(toc[2].level, 3);
    }

    #[test]
    fn headings_link_to_themselves() {
        let mut events: Vec<_> = Parser::new("## Un *titre*\n").collect();
        let toc = assign_ids(&mut events);
        let mut html = String::new();
        link_to_self(&mut events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        assert_eq!(
            html,
            "<h2 id=\"un-titre\">Un <em>titre</em> <a class=\"anchor\" href=\"#un-titre\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n"
        );
        assert_eq!(toc[0].title, "Un titre");
    }
}
