//! Reading the API's answers into the figures a widget shows: counts, a ratio's percentage, a
//! count's change over the last week, severity names and calendar days. Pure functions, so the
//! native unit tests check them.

use crate::format::thousands;
use serde::de::DeserializeOwned;
use shipshape_model::TrendResponse;

/// An answer decoded as `T`, or the sentence the widget shows when it is not one.
pub fn parse_answer<T: DeserializeOwned>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|e| format!("Unexpected answer from the server: {e}"))
}

/// A list's `count`, or an aggregate's `total` (how findings are counted).
pub fn count_of(body: &str) -> Result<u64, String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("count").or_else(|| v.get("total"))?.as_u64())
        .ok_or_else(|| "Unexpected answer from the server: no count.".to_string())
}

/// `part` of `whole` as a percentage with one decimal ("—" when there is no whole).
pub fn ratio_text(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// "▲ 1,204 (+3.1%) since 2026-11-25": `now` against the oldest count recorded before today in
/// the trend answer `body` (the answer's first day is `CHANGE_DAYS` ago). `None` before a
/// second day is recorded.
pub fn change_since(now: u64, body: &str) -> Option<String> {
    let t: TrendResponse = serde_json::from_str(body).ok()?;
    let today = t.points.iter().map(|p| p.day.as_str()).max()?;
    let then = t
        .points
        .iter()
        .filter(|p| p.day.as_str() < today)
        .min_by(|a, b| a.day.cmp(&b.day))?;
    let diff = now as i64 - then.count as i64;
    let arrow = match diff.signum() {
        1 => "▲",
        -1 => "▼",
        _ => "=",
    };
    let pct = if then.count == 0 {
        String::new()
    } else {
        format!(" ({:+.1}%)", diff as f64 * 100.0 / then.count as f64)
    };
    let sign = if diff > 0 {
        "+"
    } else if diff < 0 {
        "−"
    } else {
        ""
    };
    Some(format!(
        "{arrow} {sign}{}{pct} since {}",
        thousands(diff.unsigned_abs()),
        then.day
    ))
}

/// "5 · Critical" for the aggregate key `5` of `vulnerabilities.severity`; `None` for a key
/// that is not a severity.
pub fn severity_name(key: &str) -> Option<String> {
    let n: u8 = key.parse().ok()?;
    (1..=5)
        .contains(&n)
        .then(|| format!("{n} · {}", shipshape_model::severity::severity_label(n)))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(points: &[(&str, u64)]) -> String {
        let points: Vec<_> = points
            .iter()
            .map(|(day, count)| serde_json::json!({"day": day, "count": count}))
            .collect();
        serde_json::json!({"days": 8, "points": points}).to_string()
    }

    #[test]
    fn counts_come_from_a_list_or_an_aggregate() {
        assert_eq!(count_of(r#"{"count": 1234, "data": []}"#), Ok(1234));
        assert_eq!(count_of(r#"{"total": 7, "groups": []}"#), Ok(7));
        assert_eq!(
            count_of(r#"{"data": []}"#),
            Err("Unexpected answer from the server: no count.".to_string())
        );
        assert!(parse_answer::<TrendResponse>("[]")
            .unwrap_err()
            .starts_with("Unexpected answer from the server: "));
    }

    #[test]
    fn a_ratio_reads_as_a_percentage_with_one_decimal() {
        assert_eq!(ratio_text(1, 3), "33.3%");
        assert_eq!(ratio_text(3, 3), "100.0%");
        assert_eq!(ratio_text(0, 0), "—");
    }

    #[test]
    fn a_change_is_against_the_oldest_day_before_today() {
        let body = trend(&[
            ("2026-11-28", 1100),
            ("2026-11-25", 1000),
            ("2026-12-02", 1204),
        ]);
        assert_eq!(
            change_since(1204, &body).as_deref(),
            Some("▲ +204 (+20.4%) since 2026-11-25")
        );
        assert_eq!(
            change_since(900, &body).as_deref(),
            Some("▼ −100 (-10.0%) since 2026-11-25")
        );
        assert_eq!(
            change_since(1000, &body).as_deref(),
            Some("= 0 (+0.0%) since 2026-11-25")
        );
        // From nothing there is no percentage.
        let body = trend(&[("2026-11-25", 0), ("2026-12-02", 5)]);
        assert_eq!(
            change_since(2500, &body).as_deref(),
            Some("▲ +2,500 since 2026-11-25")
        );
        // Only today recorded: nothing to compare with.
        assert_eq!(change_since(5, &trend(&[("2026-12-02", 5)])), None);
        assert_eq!(change_since(5, &trend(&[])), None);
        assert_eq!(change_since(5, "not json"), None);
    }

    #[test]
    fn severities_are_named_from_one_to_five() {
        assert_eq!(severity_name("5").as_deref(), Some("5 · Critical"));
        assert_eq!(severity_name("1").as_deref(), Some("1 · Minimal"));
        assert_eq!(severity_name("0"), None);
        assert_eq!(severity_name("6"), None);
        assert_eq!(severity_name("high"), None);
    }

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("1969-12-31"), Some(-1));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("2024-02-29"), Some(19_782));
        assert_eq!(day_number("2024-03-01"), Some(19_783));
        assert_eq!(day_number("2024-xx-01"), None);
        assert_eq!(day_number("2024-03"), None);
    }
}
