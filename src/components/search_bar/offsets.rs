//! Offsets in the field's text: QQL spans and completion spans count characters, Rust strings
//! bytes, and the DOM's selection UTF-16 units. Each conversion is here, once.

use shipshape_qql::Span;

/// The byte offset of character `chars` in `s` (the end if past it).
pub fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

/// Characters `start..end` of `s` (empty when `end` is before `start`).
pub fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let a = byte_at(s, start);
    let b = byte_at(s, end.max(start));
    &s[a..b]
}

/// A DOM offset (UTF-16 units) in `s` as a character count.
pub fn utf16_to_chars(s: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in s.chars().enumerate() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    s.chars().count()
}

/// A character count in `s` as a DOM offset (UTF-16 units).
pub fn chars_to_utf16(s: &str, chars: usize) -> usize {
    s.chars().take(chars).map(char::len_utf16).sum()
}

/// `s` with the characters of `span` replaced by `insert`, and the caret (in characters) just
/// after the inserted text: what accepting a completion does to the field.
pub fn splice(s: &str, span: Span, insert: &str) -> (String, usize) {
    let (a, b) = (byte_at(s, span.start), byte_at(s, span.end.max(span.start)));
    let new = format!("{}{insert}{}", &s[..a], &s[b..]);
    (new, span.start + insert.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    // "é" is 2 bytes and 1 UTF-16 unit; "𝄞" is 4 bytes and 2 UTF-16 units.
    const MIXED: &str = "aé𝄞b";

    #[test]
    fn byte_at_counts_characters_and_stops_at_the_end() {
        assert_eq!(byte_at(MIXED, 0), 0);
        assert_eq!(byte_at(MIXED, 1), 1);
        assert_eq!(byte_at(MIXED, 2), 3);
        assert_eq!(byte_at(MIXED, 3), 7);
        assert_eq!(byte_at(MIXED, 4), 8);
        assert_eq!(byte_at(MIXED, 99), 8);
    }

    #[test]
    fn char_slice_takes_whole_characters() {
        assert_eq!(char_slice(MIXED, 1, 3), "é𝄞");
        assert_eq!(char_slice(MIXED, 2, 99), "𝄞b");
        assert_eq!(char_slice(MIXED, 3, 1), "", "a reversed range is empty");
    }

    #[test]
    fn dom_offsets_and_character_counts_convert_both_ways() {
        // Caret after each character: chars 0..=4 are UTF-16 units 0, 1, 2, 4, 5.
        for (chars, units) in [(0, 0), (1, 1), (2, 2), (3, 4), (4, 5)] {
            assert_eq!(chars_to_utf16(MIXED, chars), units, "chars {chars}");
            assert_eq!(utf16_to_chars(MIXED, units), chars, "units {units}");
        }
        assert_eq!(utf16_to_chars(MIXED, 99), 4);
        assert_eq!(chars_to_utf16(MIXED, 99), 5);
    }

    #[test]
    fn splice_replaces_the_span_and_puts_the_caret_after_the_insert() {
        assert_eq!(
            splice("state:ru and x", Span::new(6, 8), "RUNNING"),
            ("state:RUNNING and x".to_string(), 13)
        );
        assert_eq!(
            splice("é:x", Span::new(2, 3), "ü"),
            ("é:ü".to_string(), 3),
            "spans count characters, not bytes"
        );
        assert_eq!(splice("ab", Span::new(2, 2), "c"), ("abc".to_string(), 3));
    }
}
