//! Footnote adapter: numbered references, and the notes gathered at the end of the
//! body with a link back to each place that cites them.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Numbers the references in reading order and moves the definitions to a closing list.
///
/// A note is `fn-N`, its references `fnref-N`, `fnref-N-2`…; notes never cited are dropped.
pub fn footnotes<'a>(events: Vec<Event<'a>>, lang: &str) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut definitions: HashMap<String, Vec<Event<'a>>> = HashMap::new();
    // Label → (number, how many times cited so far).
    let mut cited: HashMap<String, (usize, usize)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut defining: Option<(String, Vec<Event<'a>>)> = None;
    for event in events {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                defining = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, body)) = defining.take() {
                    definitions.entry(label).or_insert(body);
                }
            }
            Event::FootnoteReference(label) => {
                let next = order.len() + 1;
                let entry = cited.entry(label.to_string()).or_insert_with(|| {
                    order.push(label.to_string());
                    (next, 0)
                });
                entry.1 += 1;
                let (number, count) = *entry;
                let html = format!(
                    "<sup class=\"footnote-ref\" id=\"{}\"><a href=\"#fn-{number}\">{number}</a></sup>",
                    reference_id(number, count)
                );
                let target = match &mut defining {
                    Some((_, body)) => body,
                    None => &mut out,
                };
                target.push(Event::InlineHtml(CowStr::from(html)));
            }
            event => match &mut defining {
                Some((_, body)) => body.push(event),
                None => out.push(event),
            },
        }
    }
    if order.is_empty() {
        return out;
    }
    let (label, back) = if super::typography::is_french(lang) {
        ("Notes", "Retour au texte")
    } else {
        ("Footnotes", "Back to the text")
    };
    out.push(Event::Html(CowStr::from(format!(
        "<section class=\"footnotes\" aria-label=\"{label}\">\n<ol>\n"
    ))));
    for label in &order {
        let (number, count) = cited[label];
        let backrefs: String = (1..=count)
            .map(|n| {
                let mark = if n == 1 { String::new() } else { format!("<sup>{n}</sup>") };
                format!(
                    " <a href=\"#{}\" class=\"footnote-back\" aria-label=\"{back} ({number})\">↩{mark}</a>",
                    reference_id(number, n)
                )
            })
            .collect();
        out.push(Event::Html(CowStr::from(format!(
            "<li id=\"fn-{number}\">\n"
        ))));
        let mut body = definitions.remove(label).unwrap_or_default();
        // The back links go inside the last paragraph, as GitHub does.
        match body
            .iter()
            .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        {
            Some(at) if at + 1 == body.len() => {
                body.insert(at, Event::InlineHtml(CowStr::from(backrefs)));
            }
            _ => body.push(Event::Html(CowStr::from(format!(
                "<p>{}</p>\n",
                backrefs.trim_start()
            )))),
        }
        out.extend(body);
        out.push(Event::Html(CowStr::Borrowed("</li>\n")));
    }
    out.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
    out
}

fn reference_id(number: usize, nth: usize) -> String {
    if nth == 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{nth}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn render(markdown: &str) -> String {
        let events: Vec<_> = Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, footnotes(events, "fr").into_iter());
        html
    }

    #[test]
    fn references_are_numbered_in_reading_order_with_back_links() {
        let html = render(
            "Un[^b] deux[^a] trois[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n[^c]: Jamais citée.\n",
        );
        assert!(html.starts_with(
            "<p>Un<sup class=\"footnote-ref\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup> deux<sup class=\"footnote-ref\" id=\"fnref-2\"><a href=\"#fn-2\">2</a></sup> trois<sup class=\"footnote-ref\" id=\"fnref-1-2\"><a href=\"#fn-1\">1</a></sup>.</p>\n<section class=\"footnotes\" aria-label=\"Notes\">"
        ), "{html}");
        assert!(html.contains("<li id=\"fn-1\">\n<p>Note B. <a href=\"#fnref-1\" class=\"footnote-back\" aria-label=\"Retour au texte (1)\">↩</a> <a href=\"#fnref-1-2\" class=\"footnote-back\" aria-label=\"Retour au texte (1)\">↩<sup>2</sup></a></p>\n</li>"), "{html}");
        assert!(
            html.contains("<li id=\"fn-2\">\n<p>Note A. <a href=\"#fnref-2\""),
            "{html}"
        );
        assert!(!html.contains("Jamais"), "{html}");
    }

    #[test]
    fn no_references_no_section() {
        assert_eq!(render("Rien.\n"), "<p>Rien.</p>\n");
    }
}
