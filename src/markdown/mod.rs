//! Markdown to HTML with pulldown-cmark, through small adapters over its event stream.

mod headings;
mod links;

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, line_column};
pub use headings::TocEntry;

/// Words a reader reads in a minute, for the reading time.
const WORDS_PER_MINUTE: usize = 230;

/// A Markdown body turned into HTML, with what templates and indexes need from it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    pub html: String,
    /// The summary as HTML: the part before `<!-- more -->`, else the first paragraph.
    pub summary_html: String,
    /// The summary as plain text, for meta descriptions.
    pub summary_text: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: usize,
    /// The body's text without markup, for related articles and search.
    #[serde(skip)]
    pub text: String,
    /// Where in `html` a "read also" block may go (after paragraph N, outside lists and quotes).
    #[serde(skip)]
    pub read_also_offset: Option<usize>,
    /// Site paths this body links to, for "read also" (never suggest what the text already links).
    #[serde(skip)]
    pub internal_links: Vec<String>,
}

/// What a Markdown body may link to with `@/path.md`: content path → site path.
pub type LinkMap = HashMap<String, String>;

/// Settings of the Markdown stage.
pub struct MarkdownOptions<'a> {
    pub links: &'a LinkMap,
    /// The site's base path, put in front of resolved `@/` links.
    pub base_path: &'a str,
    /// Put the read-also slot after this top-level paragraph...
    pub read_also_after: usize,
    /// ...when the body has at least this many top-level paragraphs.
    pub read_also_min_paragraphs: usize,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders the Markdown of `file`, whose body starts on line `first_line` of the file.
pub fn render(
    file: &Path,
    markdown: &str,
    first_line: usize,
    options: &MarkdownOptions<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let at = |offset: usize| {
        let (line, column) = line_column(markdown, offset);
        (line + first_line - 1, column)
    };
    let mut internal_links = Vec::new();
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, parser_options())
        .into_offset_iter()
        .map(|(event, range)| {
            let (event, problem) = links::rewrite(event, options, &mut internal_links);
            if let Some(problem) = problem {
                let (line, column) = at(range.start);
                diagnostics.push(
                    Diagnostic::error(file, line, column, problem.message).with_help(problem.help),
                );
            }
            event
        })
        .collect();
    let (events, toc) = headings::assign_ids(events);

    let mut rendered = Rendered {
        toc,
        internal_links,
        ..Rendered::default()
    };
    let top_level_paragraphs = count_top_level_paragraphs(&events);
    let read_also_after = (top_level_paragraphs >= options.read_also_min_paragraphs)
        .then_some(options.read_also_after);
    let summary_end = summary_end(&events);

    // Render in chunks so the read-also slot and the summary end are byte offsets in `html`.
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut depth = 0usize;
    let mut paragraphs = 0usize;
    let mut chunk_start = 0;
    for (index, event) in events.iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(end) => {
                depth -= 1;
                if depth == 0 && matches!(end, TagEnd::Paragraph) {
                    paragraphs += 1;
                    if Some(paragraphs) == read_also_after {
                        pulldown_cmark::html::push_html(
                            &mut html,
                            events[chunk_start..=index].iter().cloned(),
                        );
                        chunk_start = index + 1;
                        rendered.read_also_offset = Some(html.len());
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if !rendered.text.is_empty() {
                    rendered.text.push(' ');
                }
                rendered.text.push_str(text);
            }
            _ => {}
        }
    }
    pulldown_cmark::html::push_html(&mut html, events[chunk_start..].iter().cloned());
    rendered.html = html;
    pulldown_cmark::html::push_html(
        &mut rendered.summary_html,
        events[..summary_end].iter().cloned(),
    );
    rendered.summary_text = plain_text(&events[..summary_end]);
    rendered.word_count = rendered
        .text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    rendered.reading_time = rendered.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
    (rendered, diagnostics)
}

fn count_top_level_paragraphs(events: &[Event<'_>]) -> usize {
    let mut depth = 0usize;
    let mut count = 0;
    for event in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(end) => {
                depth -= 1;
                if depth == 0 && matches!(end, TagEnd::Paragraph) {
                    count += 1;
                }
            }
            _ => {}
        }
    }
    count
}

/// The number of events making the summary: up to `<!-- more -->`, else the first paragraph.
fn summary_end(events: &[Event<'_>]) -> usize {
    let more = events.iter().position(|event| {
        matches!(event, Event::Html(html) | Event::InlineHtml(html) if html.trim() == "<!-- more -->")
    });
    if let Some(more) = more {
        return more;
    }
    let start = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)));
    let Some(start) = start else { return 0 };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    // Everything before the first paragraph (headings, images) is left out of a summary.
    if start == 0 {
        end
    } else {
        end.min(events.len())
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(links: &LinkMap) -> MarkdownOptions<'_> {
        MarkdownOptions {
            links,
            base_path: "/",
            read_also_after: 2,
            read_also_min_paragraphs: 3,
        }
    }

    fn render_md(markdown: &str) -> (Rendered, Vec<Diagnostic>) {
        let links = LinkMap::from([("articles/a.md".to_string(), "/2026/11/a/".to_string())]);
        render(Path::new("x.md"), markdown, 5, &options(&links))
    }

    #[test]
    fn gfm_extensions_and_smart_punctuation() {
        let (r, _) = render_md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~non~~ \"oui\" [^1]\n\n- [x] fait\n\n[^1]: note\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>non</del>"));
        assert!(r.html.contains("“oui”"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("checkbox"));
    }

    #[test]
    fn summary_is_the_first_paragraph_or_the_part_before_more() {
        let (r, _) = render_md("Premier.\n\nSecond.\n");
        assert_eq!(r.summary_html, "<p>Premier.</p>\n");
        let (r, _) = render_md("Un.\n\nDeux.\n\n<!-- more -->\n\nTrois.\n");
        assert_eq!(r.summary_html, "<p>Un.</p>\n<p>Deux.</p>\n");
    }

    #[test]
    fn word_count_and_reading_time() {
        let words = "mot ".repeat(460);
        let (r, _) = render_md(&words);
        assert_eq!(r.word_count, 460);
        assert_eq!(r.reading_time, 2);
    }

    #[test]
    fn read_also_slot_is_after_a_top_level_paragraph_only() {
        let (r, _) = render_md("Un.\n\n> cité\n\n- liste\n\nDeux.\n\nTrois.\n");
        let offset = r.read_also_offset.unwrap();
        assert!(r.html[..offset].ends_with("<p>Deux.</p>\n"));
        let (r, _) = render_md("Un.\n\nDeux.\n");
        assert_eq!(r.read_also_offset, None);
    }

    #[test]
    fn internal_links_resolve_and_missing_ones_are_located() {
        let (r, d) = render_md("Voir [a](@/articles/a.md#s).\n\nEt [b](@/articles/b.md).\n");
        assert!(r.html.contains("href=\"/2026/11/a/#s\""));
        assert_eq!(r.internal_links, vec!["/2026/11/a/".to_string()]);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (7, 4));
    }

    #[test]
    fn dangerous_urls_never_reach_the_output() {
        let (r, _) = render_md(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:x) ![i](data:text/html,x) [v](vbscript:x)\n",
        );
        let lower = r.html.to_lowercase();
        assert!(!lower.contains("javascript:"));
        assert!(!lower.contains("vbscript:"));
        assert!(!lower.contains("data:"));
    }
}
