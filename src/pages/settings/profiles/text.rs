//! A profile in words: where it stands against its inactive windows (local time, and UTC in
//! the long form), and the editor's text boxes read into lists.

use crate::format::{exact_local, exact_utc};
use shipshape_model::profile::WindowState;

/// An instant in local time with UTC beside it.
fn when(ms: i64) -> String {
    format!("{} ({})", exact_local(ms), exact_utc(ms))
}

/// "Inside a window until …" / "Next window starts … ends …" / "No inactive window".
pub(super) fn window_text(w: &WindowState) -> String {
    match (w.inside, w.until, w.next_start, w.next_end) {
        (true, Some(u), _, _) => format!("Inside an inactive window until {}", when(u)),
        (_, _, Some(s), Some(e)) => format!(
            "Next inactive window starts {} and ends {}",
            when(s),
            when(e)
        ),
        _ => "No inactive window".into(),
    }
}

/// The table's short form: local times only (the full text, with UTC, is on hover).
pub(super) fn short_window(w: &WindowState) -> String {
    match (w.inside, w.until, w.next_start, w.next_end) {
        (true, Some(u), _, _) => format!("Inside a window until {}", exact_local(u)),
        (_, _, Some(s), Some(e)) => format!("Next: {} – {}", exact_local(s), exact_local(e)),
        _ => "No window".into(),
    }
}

/// The image exclusions box: one regular expression per line, blank lines dropped.
pub(super) fn regex_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The sensor ids box: ids separated by commas, spaces or new lines.
pub(super) fn sensor_ids(text: &str) -> Vec<String> {
    text.split([',', '\n', ' '])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_are_one_per_line_trimmed_without_blanks() {
        assert_eq!(
            regex_lines("^ci-cache/\n\n  ^tmp/.*  \r\n\t\nbuild cache$"),
            ["^ci-cache/", "^tmp/.*", "build cache$"]
        );
        assert!(regex_lines("").is_empty());
        assert!(regex_lines(" \n \n").is_empty());
    }

    #[test]
    fn sensor_ids_split_on_commas_spaces_and_lines() {
        assert_eq!(
            sensor_ids("a1, b2\nc3  d4,,\n e5\t"),
            ["a1", "b2", "c3", "d4", "e5"]
        );
        assert!(sensor_ids(" ,\n").is_empty());
    }
}
