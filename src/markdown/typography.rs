//! French typography adapter: no-break spaces before high punctuation and inside
//! guillemets, « » instead of “ ”, ’ for apostrophes, … for three dots.
//!
//! Only text events are touched: code, raw HTML (and so its attributes) and link
//! destinations never are; words that look like URLs are left as written.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// U+202F, before `; ! ?`.
const NARROW_NBSP: char = '\u{202F}';
/// U+00A0, before `:` and inside « ».
const NBSP: char = '\u{A0}';

/// Whether a language tag (`fr`, `fr-CA`) asks for French typography.
pub fn is_french(lang: &str) -> bool {
    let lang = lang.to_ascii_lowercase();
    lang == "fr" || lang.starts_with("fr-") || lang.starts_with("fr_")
}

/// Applies French rules to the text of an event stream.
pub fn french(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    // The last character of the inline content before the current text, across events.
    let mut last: Option<char> = None;
    let mut code_depth = 0usize;
    let mut autolink_depth = 0usize;
    let mut pending = String::new();
    let mut has_pending = false;
    for event in events {
        if let Event::Text(text) = &event
            && code_depth == 0
            && autolink_depth == 0
        {
            // Merge adjacent text events so that a space and the `!` after it are seen together.
            pending.push_str(text);
            has_pending = true;
            continue;
        }
        if has_pending {
            let text = french_text(&pending, last);
            last = text.chars().last().or(last);
            out.push(Event::Text(CowStr::from(text)));
            pending.clear();
            has_pending = false;
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink_depth += 1,
            Event::Start(Tag::Link { .. }) => {}
            Event::End(TagEnd::Link) => autolink_depth = autolink_depth.saturating_sub(1),
            Event::Start(tag) if is_inline(tag) => {}
            Event::End(end) if is_inline_end(end) => {}
            Event::Start(_) | Event::End(_) => last = None,
            Event::SoftBreak | Event::HardBreak => last = Some('\n'),
            Event::Code(code) => last = code.chars().last().or(Some('x')),
            Event::InlineHtml(_) | Event::FootnoteReference(_) => last = Some('x'),
            Event::Text(text) => last = text.chars().last().or(last),
            _ => {}
        }
        out.push(event);
    }
    if has_pending {
        out.push(Event::Text(CowStr::from(french_text(&pending, last))));
    }
    out
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether `word` may hold what [`french_text`] changes or spaces: `; ! ? : " '`,
/// the first byte of `« »` (0xC2) or of `“ ”` (0xE2), or dots in a row. A byte scan,
/// because most words hold none and this runs on every word of every article.
fn may_hold_mark(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        matches!(b, b';' | b'!' | b'?' | b':' | b'"' | b'\'' | 0xC2 | 0xE2)
            || b == b'.' && bytes.get(i + 1) == Some(&b'.')
    })
}

/// French rules on one run of text; `before` is the character that precedes it.
pub fn french_text(text: &str, before: Option<char>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut words = text.split_inclusive(char::is_whitespace).peekable();
    let mut last = before;
    // The characters of the word being changed, in a buffer reused from word to word.
    let mut chars: Vec<char> = Vec::new();
    while let Some(word) = words.next() {
        // Most words hold no mark that French typography changes: copied as they are.
        if !may_hold_mark(word) || looks_like_url(word) {
            out.push_str(word);
            last = word.chars().last();
            continue;
        }
        chars.clear();
        chars.extend(word.chars());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            // The character after this one, looking into the next word when this one ends.
            let next = chars
                .get(i + 1)
                .copied()
                .or_else(|| words.peek().and_then(|w| w.chars().next()));
            match c {
                ';' | '!' | '?' => {
                    space_before(&mut out, last, next, NARROW_NBSP);
                    out.push(c);
                }
                ':' => {
                    let in_word = next.is_some_and(|n| !n.is_whitespace() && !is_closing(n));
                    if last == Some(' ') || !in_word {
                        space_before(&mut out, last, next, NBSP);
                    }
                    out.push(c);
                }
                '“' => open_guillemet(&mut out, &chars, &mut i),
                '”' => close_guillemet(&mut out, last),
                '"' if opens(last) => open_guillemet(&mut out, &chars, &mut i),
                '"' => close_guillemet(&mut out, last),
                '«' => open_guillemet(&mut out, &chars, &mut i),
                '»' => close_guillemet(&mut out, last),
                '\'' => out.push('’'),
                '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                    out.push('…');
                    i += 2;
                }
                _ => out.push(c),
            }
            last = out.chars().last();
            i += 1;
        }
    }
    out
}

/// Puts `space` before a high punctuation mark: replaces a plain space the author
/// typed, or adds one after a word when the mark ends it (`10:30` and `a?b` stay).
fn space_before(out: &mut String, last: Option<char>, next: Option<char>, space: char) {
    match last {
        Some(' ' | NBSP | NARROW_NBSP) if out.ends_with([' ', NBSP, NARROW_NBSP]) => {
            out.pop();
            out.push(space);
        }
        Some(c)
            if !c.is_whitespace()
                && !matches!(c, ';' | '!' | '?' | ':' | '(' | '[')
                && next.is_none_or(|n| n.is_whitespace() || is_closing(n) || is_high(n)) =>
        {
            out.push(space)
        }
        _ => {}
    }
}

fn is_closing(c: char) -> bool {
    matches!(c, '»' | ')' | ']' | '”' | '"' | ',' | '.' | '…')
}

fn is_high(c: char) -> bool {
    matches!(c, ';' | '!' | '?' | ':')
}

/// Whether a straight double quote after `last` opens a quotation.
fn opens(last: Option<char>) -> bool {
    last.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '—' | '–'))
}

/// `«` and a no-break space, eating a plain space the author typed after the quote.
fn open_guillemet(out: &mut String, chars: &[char], i: &mut usize) {
    out.push('«');
    out.push(NBSP);
    if matches!(chars.get(*i + 1).copied(), Some(' ' | NBSP | NARROW_NBSP)) {
        *i += 1;
    }
}

/// A no-break space and `»`, replacing a plain space the author typed before the quote.
fn close_guillemet(out: &mut String, last: Option<char>) {
    if matches!(last, Some(' ' | NBSP | NARROW_NBSP)) && out.ends_with([' ', NBSP, NARROW_NBSP]) {
        out.pop();
    }
    out.push(NBSP);
    out.push('»');
}

/// Web addresses, e-mail addresses and paths keep their characters as written.
fn looks_like_url(word: &str) -> bool {
    let word = word.trim();
    word.contains("://")
        || word.starts_with("www.")
        || word.starts_with("mailto:")
        || (word.contains('@') && word.contains('.') && !word.starts_with('@'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn fr(text: &str) -> String {
        french_text(text, None)
    }

    fn render(markdown: &str) -> String {
        let events: Vec<_> = Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, french(events).into_iter());
        html
    }

    #[test]
    fn high_punctuation_gets_the_right_no_break_space() {
        assert_eq!(
            fr("Vraiment ? Oui ! Bon ; enfin : voilà"),
            "Vraiment\u{202F}? Oui\u{202F}! Bon\u{202F}; enfin\u{A0}: voilà"
        );
        assert_eq!(fr("Vraiment? Oui!"), "Vraiment\u{202F}? Oui\u{202F}!");
        assert_eq!(fr("Quoi ?!"), "Quoi\u{202F}?!");
        assert_eq!(fr("Note: lire"), "Note\u{A0}: lire");
    }

    #[test]
    fn times_paths_and_urls_are_left_alone() {
        assert_eq!(fr("à 10:30 puis"), "à 10:30 puis");
        assert_eq!(fr("std::fs::read"), "std::fs::read");
        assert_eq!(
            fr("voir https://example.org/?a=1&b=2!"),
            "voir https://example.org/?a=1&b=2!"
        );
        assert_eq!(
            fr("écrire à redaction@example.org?"),
            "écrire à redaction@example.org?"
        );
    }

    #[test]
    fn quotes_become_guillemets_with_no_break_spaces() {
        assert_eq!(
            fr("il dit \"bonjour\" puis"),
            "il dit «\u{A0}bonjour\u{A0}» puis"
        );
        assert_eq!(fr("« déjà »"), "«\u{A0}déjà\u{A0}»");
        assert_eq!(fr("«serré»"), "«\u{A0}serré\u{A0}»");
        assert_eq!(fr("l'été..."), "l’été…");
    }

    #[test]
    fn smart_quotes_across_emphasis_become_guillemets() {
        assert_eq!(
            render("Il a dit \"*non*\" : c'est tout.\n"),
            "<p>Il a dit «\u{A0}<em>non</em>\u{A0}»\u{A0}: c’est tout.</p>\n"
        );
    }

    #[test]
    fn space_before_punctuation_after_a_tag_is_replaced() {
        assert_eq!(
            render("**Attention** : lire\n"),
            "<p><strong>Attention</strong>\u{A0}: lire</p>\n"
        );
        assert_eq!(
            render("Et `main` ?\n"),
            "<p>Et <code>main</code>\u{202F}?</p>\n"
        );
    }

    #[test]
    fn code_raw_html_and_link_destinations_are_untouched() {
        let html = render(
            "```\nlet a = \"x\"; b?\n```\n\nUn <span title=\"a : b\">x</span> et [lien](https://a.b/?q=1 \"Titre\") et <https://a.b/?x!>\n",
        );
        assert!(html.contains("let a = \"x\"; b?"), "{html}");
        assert!(html.contains("title=\"a : b\""), "{html}");
        assert!(html.contains("href=\"https://a.b/?q=1\""), "{html}");
        assert!(html.contains(">https://a.b/?x!</a>"), "{html}");
    }

    #[test]
    fn language_tags() {
        assert!(is_french("fr") && is_french("fr-CA") && is_french("FR"));
        assert!(!is_french("en") && !is_french("fry"));
    }
}
