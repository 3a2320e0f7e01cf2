//! Table adapter: each table sits in a box that scrolls sideways on narrow screens.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Wraps every table in `<div class="table-scroll">`.
pub fn scrollable(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-scroll\">\n",
                )));
                out.push(event);
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            event => out.push(event),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn tables_are_wrapped_in_a_scroll_box() {
        let events: Vec<_> =
            Parser::new_ext("| a |\n|---|\n| 1 |\n", Options::ENABLE_TABLES).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, scrollable(events).into_iter());
        assert!(
            html.starts_with("<div class=\"table-scroll\">\n<table>"),
            "{html}"
        );
        assert!(html.ends_with("</table>\n</div>\n"), "{html}");
    }
}
