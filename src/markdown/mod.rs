//! Markdown to HTML with pulldown-cmark, through small adapters over its event stream:
//! shortcodes (on the source), links, code, French typography, headings, alerts,
//! tables and footnotes, each in its own module.

mod alerts;
mod footnotes;
mod headings;
pub mod highlight;
mod links;
mod shortcodes;
mod tables;
mod typography;
mod words;

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, line_column};
pub use headings::TocEntry;
pub use highlight::CodeHighlighter;
pub use links::{AnchorLink, ExternalLinks, check_anchors};
pub use shortcodes::{Args as ShortcodeArgs, ShortcodeError, ShortcodeRenderer};

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
    /// `@/…#anchor` links, checked against their targets once every body is rendered.
    #[serde(skip)]
    pub anchor_links: Vec<AnchorLink>,
}

/// What a Markdown body may link to with `@/path.md`: content path → site path.
pub type LinkMap = HashMap<String, String>;

/// Settings of the Markdown stage.
pub struct MarkdownOptions<'a> {
    pub links: &'a LinkMap,
    /// The site's base path, put in front of resolved `@/` links.
    pub base_path: &'a str,
    /// `rel` and `target` of links that leave the site.
    pub external_links: ExternalLinks,
    /// Put the read-also slot after this top-level paragraph...
    pub read_also_after: usize,
    /// ...when the body has at least this many top-level paragraphs.
    pub read_also_min_paragraphs: usize,
    /// Renders shortcode templates; `None` when the templates failed to load.
    pub shortcodes: Option<&'a dyn ShortcodeRenderer>,
    pub highlighter: &'a CodeHighlighter,
}

/// Something wrong in a body, before it is located in its file.
#[derive(Debug)]
pub struct Problem {
    pub message: String,
    pub help: String,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders the Markdown of `file`, whose body starts on line `first_line` of the file,
/// written in the language `lang`.
pub fn render(
    file: &Path,
    markdown: &str,
    first_line: usize,
    lang: &str,
    options: &MarkdownOptions<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let at = |offset: usize| {
        let (line, column) = line_column(markdown, offset);
        (line + first_line - 1, column)
    };
    let located = |offset: usize, problem: Problem, error: bool| {
        let (line, column) = at(offset);
        let diagnostic = if error {
            Diagnostic::error(file, line, column, problem.message)
        } else {
            Diagnostic::warning(file, line, column, problem.message)
        };
        diagnostic.with_help(problem.help)
    };

    let mut expanded = shortcodes::expand(
        markdown,
        parser_options(),
        &shortcodes::CallContext {
            renderer: options.shortcodes,
            lang,
            base_path: options.base_path,
        },
    );
    for (offset, problem) in std::mem::take(&mut expanded.problems) {
        diagnostics.push(located(offset, problem, true));
    }

    let mut links = links::Links::new(options);
    let mut code_offsets = Vec::new();
    let mut holds = Holds::default();
    // About one event for every 30 bytes of prose: room for all but the densest
    // bodies, so that the events are not copied as they grow.
    let mut events = Vec::with_capacity(expanded.source.len() / 16);
    let parsed = Parser::new_ext(&expanded.source, parser_options())
        .into_offset_iter()
        .map(|(mut event, range)| {
            let offset = expanded.original_offset(range.start);
            if let Event::Start(Tag::CodeBlock(_)) = event {
                code_offsets.push(offset);
            }
            holds.note(&event);
            if let Some(problem) = links.rewrite(&mut event, offset) {
                diagnostics.push(located(offset, problem, true));
            }
            event
        });
    events.extend(parsed);
    let mut events = expanded.substitute(events);
    // Adapters with nothing to change in a body are not run: each would look at every
    // event, and most bodies have no table, alert or note, many no code.
    if !code_offsets.is_empty() {
        for (index, problem) in options.highlighter.adapt(&mut events) {
            let offset = code_offsets.get(index).copied().unwrap_or(0);
            diagnostics.push(located(offset, problem, false));
        }
    }
    if typography::is_french(lang) {
        typography::french(&mut events);
    }
    let toc = headings::assign_ids(&mut events);
    if holds.alerts {
        alerts::alerts(&mut events, lang);
    }
    if holds.tables {
        events = tables::scrollable(events);
    }

    let mut rendered = Rendered {
        toc,
        internal_links: links.internal,
        anchor_links: links
            .anchors
            .into_iter()
            .map(|(path, anchor, offset)| {
                let (line, column) = at(offset);
                AnchorLink {
                    path,
                    anchor,
                    line,
                    column,
                }
            })
            .collect(),
        ..Rendered::default()
    };
    // The summary is shown away from the body: it keeps no footnote reference and no
    // heading links, so it is taken before those are added.
    let summary_events = &events[..summary_end(&events)];
    let summary = || {
        summary_events
            .iter()
            .filter(|e| !matches!(e, Event::FootnoteReference(_)))
    };
    rendered.summary_text = plain_text(summary());
    pulldown_cmark::html::push_html(&mut rendered.summary_html, summary().cloned());
    headings::link_to_self(&mut events);
    if holds.footnotes {
        events = footnotes::footnotes(events, lang);
    }

    let body = BodyText::of(&events, markdown.len());
    rendered.text = body.text;
    rendered.word_count = body.word_count;
    rendered.reading_time = rendered.word_count.div_ceil(WORDS_PER_MINUTE).max(1);
    let read_also_end = (options.read_also_after.checked_sub(1))
        .filter(|_| body.paragraph_ends.len() >= options.read_also_min_paragraphs)
        .and_then(|n| body.paragraph_ends.get(n).copied());

    // Render in two parts when there is a read-also slot, so that it is a byte offset in `html`.
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut events = events.into_iter();
    if let Some(end) = read_also_end {
        pulldown_cmark::html::push_html(&mut html, events.by_ref().take(end + 1));
        rendered.read_also_offset = Some(html.len());
    }
    pulldown_cmark::html::push_html(&mut html, events);
    rendered.html = html;
    (rendered, diagnostics)
}

/// What a body holds that some adapters change, noted as it is parsed.
#[derive(Default)]
struct Holds {
    alerts: bool,
    tables: bool,
    footnotes: bool,
}

impl Holds {
    fn note(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::BlockQuote(Some(_))) => self.alerts = true,
            Event::Start(Tag::Table(_)) => self.tables = true,
            Event::Start(Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_) => {
                self.footnotes = true
            }
            _ => {}
        }
    }
}

/// What one pass over a body's final events finds besides its HTML.
struct BodyText {
    /// The text of its text and code events, one space between events.
    text: String,
    word_count: usize,
    /// The index of the event that ends each top-level paragraph (outside lists and quotes).
    paragraph_ends: Vec<usize>,
}

impl BodyText {
    fn of(events: &[Event<'_>], capacity: usize) -> Self {
        let mut body = BodyText {
            text: String::with_capacity(capacity),
            word_count: 0,
            paragraph_ends: Vec::new(),
        };
        let mut depth = 0usize;
        for (index, event) in events.iter().enumerate() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(end) => {
                    depth -= 1;
                    if depth == 0 && matches!(end, TagEnd::Paragraph) {
                        body.paragraph_ends.push(index);
                    }
                }
                Event::Text(text) | Event::Code(text) => {
                    if !body.text.is_empty() {
                        body.text.push(' ');
                    }
                    body.text.push_str(text);
                }
                _ => {}
            }
        }
        // Counted in one go, which is faster than event by event.
        body.word_count = words::count(&body.text);
        body
    }
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

fn plain_text<'e>(events: impl Iterator<Item = &'e Event<'e>>) -> String {
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

    fn options<'a>(links: &'a LinkMap, highlighter: &'a CodeHighlighter) -> MarkdownOptions<'a> {
        MarkdownOptions {
            links,
            base_path: "/",
            external_links: ExternalLinks {
                site_host: "kiosque.example".into(),
                rel: Some("noopener external".into()),
                target: Some("_blank".into()),
            },
            read_also_after: 2,
            read_also_min_paragraphs: 3,
            shortcodes: None,
            highlighter,
        }
    }

    fn render_lang(markdown: &str, lang: &str) -> (Rendered, Vec<Diagnostic>) {
        let links = LinkMap::from([("articles/a.md".to_string(), "/2026/11/a/".to_string())]);
        let highlighter = CodeHighlighter::new();
        render(
            Path::new("x.md"),
            markdown,
            5,
            lang,
            &options(&links, &highlighter),
        )
    }

    fn render_md(markdown: &str) -> (Rendered, Vec<Diagnostic>) {
        render_lang(markdown, "en")
    }

    #[test]
    fn gfm_extensions_and_smart_punctuation() {
        let (r, _) = render_md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~non~~ \"oui\" [^1]\n\n- [x] fait\n\n[^1]: note\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>non</del>"));
        assert!(r.html.contains("“oui”"));
        assert!(r.html.contains("<section class=\"footnotes\""));
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
    fn the_space_between_two_events_keeps_their_words_apart() {
        let (r, _) = render_md("Un*deux* `trois`quatre\n");
        assert_eq!(r.word_count, 4);
        assert_eq!(r.text, "Un deux   trois quatre");
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

    #[test]
    fn french_text_gets_french_typography_and_english_keeps_its_own() {
        let (fr, _) = render_lang("Il a dit \"oui\" : enfin !\n", "fr");
        assert_eq!(
            fr.html,
            "<p>Il a dit «\u{A0}oui\u{A0}»\u{A0}: enfin\u{202F}!</p>\n"
        );
        let (en, _) = render_lang("He said \"yes\": at last!\n", "en");
        assert_eq!(en.html, "<p>He said “yes”: at last!</p>\n");
    }

    #[test]
    fn external_links_get_rel_and_target_internal_ones_do_not() {
        let (r, _) = render_md(
            "[a](https://rust-lang.org/ \"Rust\") [b](https://kiosque.example/x/) [c](/x/) [d](@/articles/a.md)\n",
        );
        assert!(r.html.contains("<a href=\"https://rust-lang.org/\" title=\"Rust\" rel=\"noopener external\" target=\"_blank\">a</a>"), "{}", r.html);
        assert!(
            r.html
                .contains("<a href=\"https://kiosque.example/x/\">b</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<a href=\"/x/\">c</a>"), "{}", r.html);
        assert!(
            r.html.contains("<a href=\"/2026/11/a/\">d</a>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn anchor_links_are_kept_with_their_position() {
        let (r, _) = render_md("Texte.\n\nVoir [a](@/articles/a.md#installation).\n");
        assert_eq!(
            r.anchor_links,
            [AnchorLink {
                path: "articles/a.md".into(),
                anchor: "installation".into(),
                line: 7,
                column: 6
            }]
        );
    }

    #[test]
    fn code_is_highlighted_and_fence_problems_are_located_warnings() {
        let (r, d) = render_md("Texte.\n\n```rust {hl_line=[1]}\nfn main() {}\n```\n");
        assert!(
            r.html.contains("<span class=\"hl-keyword\">fn</span>"),
            "{}",
            r.html
        );
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert_eq!((d[0].line, d[0].column), (7, 1));
    }

    #[test]
    fn summaries_keep_no_footnote_reference_and_no_heading_link() {
        let (r, _) = render_md("Premier[^1] paragraphe.\n\n[^1]: Une note.\n");
        assert_eq!(r.summary_html, "<p>Premier paragraphe.</p>\n");
        assert!(r.html.contains("fnref-1"));
        let (r, _) = render_md("## Titre\n\nTexte.\n\n<!-- more -->\n\nSuite.\n");
        assert_eq!(
            r.summary_html,
            "<h2 id=\"titre\">Titre</h2>\n<p>Texte.</p>\n"
        );
        assert!(r.html.contains("<a class=\"anchor\" href=\"#titre\""));
    }

    #[test]
    fn headings_alerts_and_tables_in_one_body() {
        let (r, _) = render_lang(
            "## Étape un\n\n> [!TIP]\n> Astuce.\n\n| a |\n|---|\n| 1 |\n",
            "fr",
        );
        assert!(
            r.html
                .starts_with("<h2 id=\"etape-un\">Étape un <a class=\"anchor\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<div class=\"alert alert-tip\" role=\"note\">\n<p class=\"alert-title\">Astuce</p>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<div class=\"table-scroll\">\n<table>"),
            "{}",
            r.html
        );
    }
}
