//! Alert adapter: GitHub-style `> [!NOTE]` quotes become titled boxes the theme styles.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

/// Replaces the quote tags of alerts with `<div class="alert alert-KIND">` and a title,
/// in place: one event for one.
pub fn alerts(events: &mut [Event<'_>], lang: &str) {
    for event in events {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = names(*kind, lang);
                *event = Event::Html(CowStr::from(format!(
                    "<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{title}</p>\n"
                )));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                *event = Event::Html(CowStr::Borrowed("</div>\n"));
            }
            _ => {}
        }
    }
}

/// The class suffix and the title of an alert, in French or English.
fn names(kind: BlockQuoteKind, lang: &str) -> (&'static str, &'static str) {
    let french = super::typography::is_french(lang);
    match kind {
        BlockQuoteKind::Note => ("note", if french { "Remarque" } else { "Note" }),
        BlockQuoteKind::Tip => ("tip", if french { "Astuce" } else { "Tip" }),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", if french { "Attention" } else { "Warning" }),
        BlockQuoteKind::Caution => ("caution", if french { "Prudence" } else { "Caution" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn render(markdown: &str, lang: &str) -> String {
        let mut events: Vec<_> = Parser::new_ext(markdown, Options::ENABLE_GFM).collect();
        alerts(&mut events, lang);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html
    }

    #[test]
    fn alerts_get_a_class_and_a_localized_title() {
        let html = render("> [!WARNING]\n> Sauvegardez avant.\n", "fr");
        assert_eq!(
            html,
            "<div class=\"alert alert-warning\" role=\"note\">\n<p class=\"alert-title\">Attention</p>\n<p>Sauvegardez avant.</p>\n</div>\n"
        );
        assert!(render("> [!NOTE]\n> Hi.\n", "en").contains("<p class=\"alert-title\">Note</p>"));
    }

    #[test]
    fn plain_quotes_stay_quotes() {
        assert_eq!(
            render("> Cité.\n", "fr"),
            "<blockquote>\n<p>Cité.</p>\n</blockquote>\n"
        );
    }
}
