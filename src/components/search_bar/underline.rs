//! The error underline: a mirror layer over the input (same font, padding and border,
//! transparent text, `pointer-events: none`, scrolled with the input) wraps the error's
//! characters in a `<mark>` that only draws a wavy underline, so the real input keeps its caret
//! and selection.

use super::offsets::char_slice;
use leptos::prelude::*;
use shipshape_qql::Span;

/// The field's text cut around the characters to underline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Underline {
    pub before: String,
    pub marked: String,
    pub after: String,
}

/// Where to draw the underline for an error at `span` of `text`. An empty span (something
/// missing) marks the next character; at the end it marks a space after a word, or the
/// character before a trailing space.
pub fn underline(text: &str, span: Span) -> Underline {
    let len = text.chars().count();
    let mut start = span.start.min(len);
    let mut end = span.end.min(len).max(start);
    let mut tail_pad = false;
    if start == end {
        if end < len {
            end += 1;
        } else if start > 0
            && text
                .chars()
                .nth(start - 1)
                .is_some_and(|c| !c.is_whitespace())
        {
            tail_pad = true;
        } else if start > 0 {
            start -= 1;
        } else {
            tail_pad = true;
        }
    }
    Underline {
        before: char_slice(text, 0, start).to_string(),
        // A no-break space: a plain one at the end of a line would draw nothing.
        marked: if tail_pad {
            "\u{a0}".to_string()
        } else {
            char_slice(text, start, end).to_string()
        },
        after: char_slice(text, end, len).to_string(),
    }
}

/// The mirror's content: `text`, with the error's characters marked.
pub fn mirror_view(text: String, error: Option<Span>) -> AnyView {
    let Some(span) = error else {
        return view! { <span>{text}</span> }.into_any();
    };
    let Underline {
        before,
        marked,
        after,
    } = underline(&text, span);
    view! {
        <span>{before}</span>
        <mark class="qql-error" data-testid="qql-underline">{marked}</mark>
        <span>{after}</span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, start: usize, end: usize) -> (String, String, String) {
        let u = underline(text, Span::new(start, end));
        (u.before, u.marked, u.after)
    }

    fn p(before: &str, marked: &str, after: &str) -> (String, String, String) {
        (before.into(), marked.into(), after.into())
    }

    #[test]
    fn an_error_span_is_marked_by_characters() {
        assert_eq!(
            parts("state:RUNNING and vulns.severity:5", 18, 32),
            p("state:RUNNING and ", "vulns.severity", ":5")
        );
        assert_eq!(
            parts("név:é x", 4, 5),
            p("név:", "é", " x"),
            "characters, not bytes"
        );
    }

    #[test]
    fn a_span_past_the_end_is_clamped() {
        assert_eq!(parts("abc", 1, 99), p("a", "bc", ""));
    }

    #[test]
    fn an_empty_span_marks_the_next_character() {
        assert_eq!(parts("a and b", 2, 2), p("a ", "a", "nd b"));
    }

    #[test]
    fn an_empty_span_at_the_end_pads_after_a_word_or_marks_the_trailing_space() {
        assert_eq!(parts("state:", 6, 6), p("state:", "\u{a0}", ""));
        assert_eq!(parts("a and ", 6, 6), p("a and", " ", ""));
        assert_eq!(parts("", 0, 0), p("", "\u{a0}", ""));
    }
}
