//! French typography adapter: no-break spaces before high punctuation and inside
//! guillemets, « » instead of “ ”, ’ for apostrophes, … for three dots.
//!
//! Only text events are touched: code, raw HTML (and so its attributes) and link
//! destinations never are; words that look like URLs are left as written.

use std::str::Chars;

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

/// Applies French rules to the text of an event stream, in place: a run of text
/// events becomes one, so the stream only shrinks and no second one is allocated.
pub fn french(events: &mut Vec<Event<'_>>) {
    // `events[..kept]` is the output so far; it never passes the event being read.
    let mut kept = 0;
    // The last character of the inline content before the current text, across events.
    let mut last: Option<char> = None;
    let mut code_depth = 0usize;
    let mut autolink_depth = 0usize;
    // Adjacent text events, merged so that a space and the `!` after it are seen together.
    let mut run = Vec::new();
    for read in 0..events.len() {
        let event = match std::mem::replace(&mut events[read], Event::SoftBreak) {
            Event::Text(text) if code_depth == 0 && autolink_depth == 0 => {
                run.push(text);
                continue;
            }
            event => event,
        };
        if !run.is_empty() {
            let text = french_run(&mut run, last);
            last = text.chars().next_back().or(last);
            events[kept] = Event::Text(text);
            kept += 1;
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
        events[kept] = event;
        kept += 1;
    }
    if !run.is_empty() {
        events[kept] = Event::Text(french_run(&mut run, last));
        kept += 1;
    }
    events.truncate(kept);
}

/// One run of adjacent text events as one text with French rules, emptying `run`.
/// A run without marks comes back as it was, a lone event without a copy.
fn french_run<'a>(run: &mut Vec<CowStr<'a>>, before: Option<char>) -> CowStr<'a> {
    let text = if run.len() == 1 {
        run.remove(0)
    } else {
        let mut merged = String::with_capacity(run.iter().map(|text| text.len()).sum());
        for text in run.drain(..) {
            merged.push_str(&text);
        }
        CowStr::from(merged)
    };
    match next_mark(text.as_bytes(), 0) {
        None => text,
        Some(first) => CowStr::from(french_marks(&text, first, before)),
    }
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

/// The bytes that may start a mark [`french_text`] changes or spaces: `; ! ? : " ' .`,
/// the first byte of `« »` and U+00A0 (0xC2), of `“ ”` and U+202F (0xE2).
const MARK_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let marks = [b';', b'!', b'?', b':', b'"', b'\'', b'.', 0xC2, 0xE2];
    let mut i = 0;
    while i < marks.len() {
        table[marks[i] as usize] = true;
        i += 1;
    }
    table
};

/// The byte offset of the next mark from `from` on (a dot counts when another follows).
/// Most text holds few: what lies between marks is copied as it is.
fn next_mark(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        // Eight bytes at a time while none of them may start a mark.
        while let Some(chunk) = bytes[at..].first_chunk::<8>() {
            if may_start_a_mark(u64::from_le_bytes(*chunk)) {
                break;
            }
            at += 8;
        }
        let stop = (at + 8).min(bytes.len());
        for (offset, &byte) in bytes[at..stop].iter().enumerate() {
            let mark = at + offset;
            if MARK_BYTES[usize::from(byte)] && (byte != b'.' || bytes.get(mark + 1) == Some(&b'.'))
            {
                return Some(mark);
            }
        }
        if stop == bytes.len() {
            return None;
        }
        at = stop;
    }
}

/// Whether one of the eight bytes of `chunk` may start a mark: an ASCII byte from
/// `!` to `?` (a range that holds the ASCII marks, digits and some more punctuation),
/// or 0xC2 or 0xE2 (but not the first byte of an accented letter).
fn may_start_a_mark(chunk: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // "Determine if a word has a byte between m and n" (Bit Twiddling Hacks): the high
    // bit of each byte says whether it is above 0x20 and below 0x40, for ASCII bytes.
    let low = chunk & !HIGH;
    let punctuation = (ONES * (0x7F + 0x40) - low) & !chunk & (low + ONES * (0x7F - 0x20)) & HIGH;
    // 0xC2 and 0xE2 are the bytes equal to 0xC2 once bit 5 is cleared: a zero byte
    // after the xor ("determine if a word has a zero byte").
    let lead = (chunk & !(ONES * 0x20)) ^ (ONES * 0xC2);
    let lead = lead.wrapping_sub(ONES) & !lead & HIGH;
    punctuation | lead != 0
}

/// The word around the character at `at`: from after the last whitespace before it
/// (never before `floor`, where a word starts) to after the first whitespace from it
/// on, that whitespace included, as `split_inclusive(char::is_whitespace)` cuts words.
fn word_around(text: &str, floor: usize, at: usize) -> (usize, usize) {
    let start = text[floor..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(floor, |(i, c)| floor + i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(i, c)| at + i + c.len_utf8());
    (start, end)
}

/// French rules on one run of text; `before` is the character that precedes it.
pub fn french_text(text: &str, before: Option<char>) -> String {
    match next_mark(text.as_bytes(), 0) {
        Some(first) => french_marks(text, first, before),
        None => text.to_string(),
    }
}

/// [`french_text`] for a text whose first mark is at `first`.
fn french_marks(text: &str, first: usize, before: Option<char>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // `text[..copied]` is in `out`; words end at `floor` or before it.
    let mut copied = 0;
    let mut floor = 0;
    let mut mark = Some(first);
    while let Some(at) = mark {
        let (start, end) = word_around(text, floor, at);
        floor = end;
        mark = next_mark(text.as_bytes(), floor);
        let word = &text[start..end];
        // Web addresses keep their characters: copied with the text around them.
        if looks_like_url(word) {
            continue;
        }
        out.push_str(&text[copied..start]);
        copied = end;
        let last = out.chars().next_back().or(before);
        let after = text[end..].chars().next();
        french_word(&mut out, word, last, after);
    }
    out.push_str(&text[copied..]);
    out
}

/// French rules on one word that holds a mark, appended to `out`; `last` is the
/// character before the word, `after` the one after it.
fn french_word(out: &mut String, word: &str, mut last: Option<char>, after: Option<char>) {
    let mut rest = word.chars();
    while let Some(c) = rest.next() {
        let next = rest.as_str().chars().next().or(after);
        match c {
            ';' | '!' | '?' => {
                space_before(out, last, next, NARROW_NBSP);
                out.push(c);
            }
            ':' => {
                let in_word = next.is_some_and(|n| !n.is_whitespace() && !is_closing(n));
                if last == Some(' ') || !in_word {
                    space_before(out, last, next, NBSP);
                }
                out.push(c);
            }
            '“' | '«' => open_guillemet(out, &mut rest),
            '”' | '»' => close_guillemet(out, last),
            '"' if opens(last) => open_guillemet(out, &mut rest),
            '"' => close_guillemet(out, last),
            '\'' => out.push('’'),
            '.' if rest.as_str().starts_with("..") => {
                out.push('…');
                rest.nth(1);
            }
            _ => out.push(c),
        }
        last = out.chars().next_back();
    }
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
fn open_guillemet(out: &mut String, rest: &mut Chars<'_>) {
    out.push('«');
    out.push(NBSP);
    if rest.as_str().starts_with([' ', NBSP, NARROW_NBSP]) {
        rest.next();
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
    // Words are short: a look at each three bytes costs less than setting up a
    // substring search.
    word.as_bytes().windows(3).any(|three| three == b"://")
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
        let mut events: Vec<_> =
            Parser::new_ext(markdown, Options::ENABLE_SMART_PUNCTUATION).collect();
        let mut html = String::new();
        french(&mut events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
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
    fn chunks_that_may_start_a_mark() {
        for background in [b'a', b' ', b'@', 0x7F, 0x80, 0xC3, 0xA9, 0xFF] {
            for byte in 0..=255u8 {
                for at in 0..8 {
                    let mut chunk = [background; 8];
                    chunk[at] = byte;
                    let may = |b: u8| (0x21..=0x3F).contains(&b) || b == 0xC2 || b == 0xE2;
                    assert_eq!(
                        may_start_a_mark(u64::from_le_bytes(chunk)),
                        may(byte) || may(background),
                        "{byte:#x} at {at} among {background:#x}"
                    );
                }
            }
        }
        // Marks on both sides of an eight-byte boundary, and dots.
        let text = "abcdefg!hijklmno..pqrs.tuvwxyz.";
        let marks: Vec<usize> = std::iter::successors(next_mark(text.as_bytes(), 0), |&m| {
            next_mark(text.as_bytes(), m + 1)
        })
        .collect();
        assert_eq!(marks, [7, 16]);
    }

    #[test]
    fn unicode_spaces_and_marks_at_the_edges_of_a_run() {
        // A no-break space the author typed becomes the right one; other spaces stay.
        assert_eq!(fr("Oui\u{A0}!"), "Oui\u{202F}!");
        assert_eq!(fr("Oui\u{202F}?"), "Oui\u{202F}?");
        assert_eq!(fr("a\u{2009}: b"), "a\u{2009}: b");
        assert_eq!(fr("«\u{202F}mot\u{202F}»"), "«\u{A0}mot\u{A0}»");
        // A mark that starts a run is spaced after the character before the run.
        assert_eq!(french_text("! Non", Some('i')), "\u{202F}! Non");
        assert_eq!(french_text("! Non", Some(' ')), "! Non");
        assert_eq!(french_text("\u{A0}!", Some('a')), "\u{202F}!");
        assert_eq!(french_text("\"", Some('a')), "\u{A0}»");
        assert_eq!(fr("\""), "«\u{A0}");
        // Marks that end a run, and dots.
        assert_eq!(fr("Quoi :"), "Quoi\u{A0}:");
        assert_eq!(fr("attendez..."), "attendez…");
        assert_eq!(fr(". . . fin."), ". . . fin.");
        assert_eq!(
            fr("voir https://a.b/?x=1 ici !"),
            "voir https://a.b/?x=1 ici\u{202F}!"
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
