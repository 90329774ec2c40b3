//! "Did you mean": nearest tokens and values by edit distance and by last path segment.

use crate::catalogue::{catalogue, Entity, TokenDef};

/// Levenshtein distance over characters, ignoring ASCII case.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// How many edits still count as a typo for a word of this length.
fn tolerance(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    }
}

fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The token `name` was most likely meant to be: same last segment (`severity`,
/// `vulns.severity` → `vulnerabilities.severity`), or a typo of the name or of its last segment.
pub(crate) fn suggest_token(entity: Entity, name: &str) -> Option<&'static str> {
    // Queries are capped at 4,096 characters but a token could be most of that; distances
    // over long words are quadratic, and nothing that long is a typo of a catalogue name.
    if name.chars().count() > 64 {
        return None;
    }
    let segment = last_segment(name);
    catalogue(entity)
        .iter()
        .filter_map(|d: &TokenDef| {
            let whole = distance(name, d.name);
            let by_segment = distance(segment, last_segment(d.name));
            let score = if by_segment == 0 {
                0
            } else if whole <= tolerance(name) {
                whole
            } else if by_segment <= tolerance(segment) && segment.len() > 3 {
                by_segment + 1
            } else {
                return None;
            };
            Some((score, whole, d.name))
        })
        .min_by_key(|(score, whole, _)| (*score, *whole))
        .map(|(_, _, name)| name)
}

/// The allowed value `value` was most likely meant to be.
pub(crate) fn suggest_value(allowed: &'static [&'static str], value: &str) -> Option<&'static str> {
    if value.chars().count() > 64 {
        return None;
    }
    allowed
        .iter()
        .map(|a| (distance(value, a), *a))
        .filter(|(d, _)| *d <= tolerance(value))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_ignoring_case() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("RUNNING", "runing"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn tokens_are_suggested_by_segment_and_by_typo() {
        let s = |e, n| suggest_token(e, n);
        assert_eq!(
            s(Entity::Image, "vulns.severity"),
            Some("vulnerabilities.severity")
        );
        assert_eq!(
            s(Entity::Image, "severity"),
            Some("vulnerabilities.severity")
        );
        assert_eq!(s(Entity::Image, "imageid"), Some("imageId"));
        assert_eq!(s(Entity::Container, "stat"), Some("state"));
        assert_eq!(s(Entity::Container, "hostname"), Some("host.hostname"));
        assert_eq!(
            s(Entity::Image, "vulnerabilities.sevrity"),
            Some("vulnerabilities.severity")
        );
        assert_eq!(s(Entity::Sensor, "zzzzzz"), None);
    }

    #[test]
    fn values_are_suggested_by_typo() {
        let states = &["RUNNING", "STOPPED", "PAUSED"];
        assert_eq!(suggest_value(states, "runing"), Some("RUNNING"));
        assert_eq!(suggest_value(states, "gone"), None);
    }
}
