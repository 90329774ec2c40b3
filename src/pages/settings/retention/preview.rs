//! The preview's words: each rule's count (and share) and the summary line of what the policy
//! would purge now.

use crate::format::thousands;
use shipshape_model::retention::{Kind, RetentionCounts};

/// A rule's preview count: "…" while counting, "—" if the preview failed, else the number
/// (with its share of all records of the kind, when the total is known).
pub(super) fn count_text(
    preview: Option<Result<RetentionCounts, String>>,
    totals: Option<RetentionCounts>,
    kind: Kind,
) -> String {
    match preview {
        None => "…".into(),
        Some(Err(_)) => "—".into(),
        Some(Ok(p)) => {
            let n = p.get(kind);
            match totals.map(|t| t.get(kind)).filter(|t| *t > 0) {
                Some(t) => format!(
                    "{} of {} ({:.1}%)",
                    thousands(n),
                    thousands(t),
                    n as f64 * 100.0 / t as f64
                ),
                None => thousands(n),
            }
        }
    }
}

/// The line under the rules: what the policy would purge now, all kinds together.
pub(super) fn summary(preview: Option<Result<RetentionCounts, String>>, enabled: bool) -> String {
    match preview {
        _ if !enabled => "Retention is off: nothing would be purged.".into(),
        None => "Counting what this policy would purge…".into(),
        Some(Err(e)) => format!("The preview failed: {e}"),
        Some(Ok(p)) if p.total() == 0 => "This policy would purge nothing now.".into(),
        Some(Ok(p)) => format!(
            "This policy would purge now: {} sensors, {} containers, {} images, {} reports.",
            thousands(p.sensors),
            thousands(p.containers),
            thousands(p.images),
            thousands(p.reports)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(sensors: u64, containers: u64, images: u64, reports: u64) -> RetentionCounts {
        RetentionCounts {
            sensors,
            containers,
            images,
            reports,
        }
    }

    #[test]
    fn a_rule_count_shows_its_share_of_the_known_total() {
        let p = Some(Ok(counts(0, 1_234, 5, 0)));
        let t = Some(counts(10, 12_340, 0, 0));
        assert_eq!(
            count_text(p.clone(), t, Kind::Containers),
            "1,234 of 12,340 (10.0%)"
        );
        // A total of 0 or none gives no share (no division by zero).
        assert_eq!(count_text(p.clone(), t, Kind::Images), "5");
        assert_eq!(count_text(p, None, Kind::Containers), "1,234");
    }

    #[test]
    fn a_rule_count_waits_then_shows_a_dash_on_failure() {
        assert_eq!(count_text(None, None, Kind::Sensors), "…");
        assert_eq!(
            count_text(Some(Err("boom".into())), None, Kind::Sensors),
            "—"
        );
    }

    #[test]
    fn the_summary_names_every_kind_or_says_why_not() {
        let p = Some(Ok(counts(1, 2_000, 3, 4)));
        assert_eq!(
            summary(p.clone(), true),
            "This policy would purge now: 1 sensors, 2,000 containers, 3 images, 4 reports."
        );
        assert_eq!(
            summary(p, false),
            "Retention is off: nothing would be purged."
        );
        assert_eq!(
            summary(Some(Ok(counts(0, 0, 0, 0))), true),
            "This policy would purge nothing now."
        );
        assert_eq!(
            summary(None, true),
            "Counting what this policy would purge…"
        );
        assert_eq!(
            summary(Some(Err("down".into())), true),
            "The preview failed: down"
        );
    }
}
