//! Word counting for the reading time: the words of a text that hold a letter or
//! digit (a lone `:` or `—` is no word), cut at Unicode whitespace as
//! `split_whitespace` cuts them. It runs over the whole text of every body, so eight
//! ASCII bytes are looked at together.

/// Where the count stands between two characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// After whitespace, or at the start.
    Between,
    /// In a word already counted.
    Counted,
    /// In a word without a letter or digit so far (`«`, `—`, `(a`).
    Pending,
}

/// The words of `text` that hold a letter or digit.
pub fn count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut state = State::Between;
    let mut at = 0;
    while at < bytes.len() {
        if state != State::Pending
            && let Some(chunk) = bytes[at..].first_chunk::<8>()
            && let Some((starts, ends_in_space)) =
                chunk_words(u64::from_le_bytes(*chunk), state == State::Between)
        {
            count += starts;
            state = if ends_in_space {
                State::Between
            } else {
                State::Counted
            };
            at += 8;
            continue;
        }
        // The same eight bytes a character at a time (the last one may run past them),
        // after the rest of a character that the eight bytes before ended in.
        while !text.is_char_boundary(at) {
            at += 1;
        }
        let stop = (at + 8).min(bytes.len());
        for c in text[at..].chars() {
            state = if c.is_whitespace() {
                State::Between
            } else if state != State::Counted && c.is_alphanumeric() {
                count += 1;
                State::Counted
            } else if state == State::Between {
                State::Pending
            } else {
                state
            };
            at += c.len_utf8();
            if at >= stop {
                break;
            }
        }
    }
    count
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// The words that start in eight bytes of UTF-8 and whether the last byte is
/// whitespace; `after_space` says whether a word may start at the first byte.
///
/// `None` when a word starts with something else than an ASCII letter or digit (it
/// may hold none, or be a Unicode letter), or when a byte may start a whitespace
/// character outside ASCII (0xC2 for U+00A0, 0xE1 to 0xE3 for U+1680, U+2000 to
/// U+205F and U+3000). Other characters outside ASCII are neither whitespace nor, in
/// the middle of a word, of any weight: their bytes are not looked at one by one.
fn chunk_words(chunk: u64, after_space: bool) -> Option<(usize, bool)> {
    // The low seven bits of each byte, and the high bit of the ASCII ones.
    let low = chunk & !HIGH;
    let ascii = !chunk & HIGH;
    let unicode_space = (between(low, 0x41, 0x43) | between(low, 0x60, 0x64)) & !ascii;
    if unicode_space != 0 {
        return None;
    }
    let space = (between(low, 0x08, 0x0E) | between(low, 0x1F, 0x21)) & ascii;
    // Letters in either case are the bytes from `a` to `z` once bit 5 is set.
    let letter = between(low | (ONES * 0x20), 0x60, 0x7B);
    let alphanumeric = (letter | between(low, 0x2F, 0x3A)) & ascii;
    // The high bit of the bytes that follow whitespace (little-endian: the next byte
    // is the next one up).
    let after = (space << 8) | if after_space { 0x80 } else { 0 };
    let starts = after & !space & HIGH;
    if starts & !alphanumeric != 0 {
        return None;
    }
    // The starts are one bit a byte: adding the bytes up counts them (without the
    // popcount instruction that the baseline x86-64 lacks).
    let count = (starts >> 7).wrapping_mul(ONES) >> 56;
    Some((count as usize, space >> 63 != 0))
}

/// The high bit of each byte of `seven_bits` (bytes below 0x80) that is above `low`
/// and below `high` ("Determine if a word has a byte between m and n", Bit Twiddling
/// Hacks): neither the subtraction nor the addition carries from one byte to the next.
const fn between(seven_bits: u64, low: u8, high: u8) -> u64 {
    (ONES * (0x7F + high as u64) - seven_bits) & (seven_bits + ONES * (0x7F - low as u64)) & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_count(text: &str) -> usize {
        text.split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count()
    }

    #[test]
    fn words_are_cut_at_unicode_whitespace_and_hold_a_letter_or_digit() {
        let samples = [
            ("", 0),
            ("un deux\ttrois\nquatre\u{B}cinq", 5),
            ("64\u{A0}Go, 300\u{202F}W\u{2009}et\u{3000}plus", 6),
            ("Quoi\u{202F}? — : l’été «\u{A0}x\u{A0}»", 3),
            ("  é  ", 1),
            (
                "Une phrase de plus de huit octets, (entre parenthèses) et: fin.",
                11,
            ),
            ("-- ... (x) [1] «\u{A0}oui\u{A0}» ----------a", 4),
        ];
        for (text, words) in samples {
            assert_eq!((count(text), split_count(text)), (words, words), "{text:?}");
        }
    }

    #[test]
    fn every_cut_of_mixed_text_counts_like_split_whitespace() {
        let pieces = [
            "mot",
            "Mot9",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{B}",
            "\u{1}",
            "\u{7F}",
            ",",
            "(",
            "«",
            "\u{A0}",
            "\u{85}",
            "\u{202F}",
            "\u{1680}",
            "\u{3000}",
            "é",
            "à",
            "—",
            "×",
            "-",
            "?",
            "x",
            "abcdefgh",
            "\u{10348}",
        ];
        // Every text of three pieces, at every offset from an eight-byte boundary.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for pad in ["", "z", "z ", "zz,", " zzz", "zzzzz", "z zzzz", "zzzzzz "] {
                        let text = format!("{pad}{a}{b}{c}{a}");
                        assert_eq!(count(&text), split_count(&text), "{text:?}");
                    }
                }
            }
        }
    }
}
