//! Inactive windows in real time: a profile's weekly windows (`shipshape_model::profile`) laid
//! on the calendar in the profile's IANA time zone, daylight-saving changes included.
//!
//! "Is this profile inside a window at instant T, and until when" and "when does the next
//! window start" are answered here; the sensor API calls [`state`] at check-in and before it
//! takes data.
//!
//! Local times that do not exist (the hour skipped when clocks go forward) move to the first
//! instant that does; local times that happen twice (clocks go back) take the first.

use chrono::{Datelike, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use shipshape_model::profile::{ExternalChecks, ProfileConfig, WindowState};

/// The server's answers to what the model's validator cannot decide alone.
pub struct ServerChecks;

impl ExternalChecks for ServerChecks {
    fn regex(&self, pattern: &str) -> Result<(), String> {
        regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .map(|_| ())
            .map_err(|e| match e {
                regex::Error::Syntax(s) => s.lines().last().unwrap_or("").trim().to_string(),
                other => other.to_string(),
            })
    }

    fn time_zone(&self, name: &str) -> Result<(), String> {
        name.parse::<Tz>().map(|_| ()).map_err(|_| {
            format!("'{name}' is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)")
        })
    }
}

/// The instant of a local time in `tz` (see the module's note on gaps and repeats).
fn instant(tz: Tz, local: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.timestamp_millis(),
        LocalResult::Ambiguous(first, _) => first.timestamp_millis(),
        LocalResult::None => {
            // In a gap: the first minute after it (gaps are at most a few hours).
            (1..=24 * 60)
                .find_map(
                    |m| match tz.from_local_datetime(&(local + Duration::minutes(m))) {
                        LocalResult::Single(t) => Some(t.timestamp_millis()),
                        LocalResult::Ambiguous(t, _) => Some(t.timestamp_millis()),
                        LocalResult::None => None,
                    },
                )
                .unwrap_or_else(|| Utc.from_utc_datetime(&local).timestamp_millis())
        }
    }
}

/// The profile's windows as instants `[start, end)` around `now`: from the week before to two
/// weeks after, touching or overlapping ones merged, in order.
pub fn intervals(config: &ProfileConfig, now_ms: i64) -> Vec<(i64, i64)> {
    let tz: Tz = config.time_zone.parse().unwrap_or(Tz::UTC);
    let spans: Vec<_> = config
        .weekly_blackout_window_schedules
        .iter()
        .flat_map(|w| w.spans().unwrap_or_default())
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    let Some(now) = Utc.timestamp_millis_opt(now_ms).single() else {
        return Vec::new();
    };
    let local = now.with_timezone(&tz).naive_local();
    let monday = local.date() - Duration::days(local.weekday().num_days_from_monday() as i64);
    let monday = monday.and_hms_opt(0, 0, 0).unwrap_or(local);
    let mut out: Vec<(i64, i64)> = Vec::new();
    for week in -1..=2i64 {
        let base = monday + Duration::weeks(week);
        for s in &spans {
            let start = instant(tz, base + Duration::minutes(s.start as i64));
            let end = instant(tz, base + Duration::minutes(s.end as i64));
            // A window wholly inside a skipped hour does not happen that day.
            if start < end {
                out.push((start, end));
            }
        }
    }
    out.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(out.len());
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Inside a window at `now` (and until when), and the next window after.
pub fn state(config: &ProfileConfig, now_ms: i64) -> WindowState {
    let all = intervals(config, now_ms);
    let current = all.iter().find(|(s, e)| *s <= now_ms && now_ms < *e);
    let next = all.iter().find(|(s, _)| *s > now_ms);
    WindowState {
        inside: current.is_some(),
        until: current.map(|c| c.1),
        next_start: next.map(|n| n.0),
        next_end: next.map(|n| n.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::profile::{SensorProfileBody, WindowSchedule};

    fn config(tz: &str, windows: &[(&[&str], &str, &str)]) -> ProfileConfig {
        let mut c = SensorProfileBody::default().config;
        c.time_zone = tz.into();
        c.weekly_blackout_window_schedules = windows
            .iter()
            .map(|(days, s, e)| WindowSchedule {
                start_time: s.to_string(),
                end_time: e.to_string(),
                repeat_on_days: days.iter().map(|d| d.to_string()).collect(),
                all_day: false,
            })
            .collect();
        c
    }

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn inside_and_until_in_utc_and_past_midnight() {
        // Saturday 22:00–02:00 UTC. 2026-12-05 is a Saturday.
        let c = config("UTC", &[(&["SATURDAY"], "22:00", "02:00")]);
        let s = state(&c, at("2026-12-05T23:30:00Z"));
        assert!(s.inside);
        assert_eq!(s.until, Some(at("2026-12-06T02:00:00Z")));
        assert_eq!(s.next_start, Some(at("2026-12-12T22:00:00Z")));
        let s = state(&c, at("2026-12-06T02:00:00Z"));
        assert!(!s.inside, "the end is not inside");
        let s = state(&c, at("2026-12-05T21:59:59Z"));
        assert!(!s.inside);
        assert_eq!(s.next_start, Some(at("2026-12-05T22:00:00Z")));
        assert_eq!(s.next_end, Some(at("2026-12-06T02:00:00Z")));
    }

    #[test]
    fn the_next_window_across_the_weeks_end() {
        // Sunday night, the only window Monday 01:00–03:00 Berlin time (UTC+1 in December).
        let c = config("Europe/Berlin", &[(&["MONDAY"], "01:00", "03:00")]);
        let s = state(&c, at("2026-12-06T22:00:00Z"));
        assert!(!s.inside);
        assert_eq!(s.next_start, Some(at("2026-12-07T00:00:00Z")));
        assert_eq!(s.next_end, Some(at("2026-12-07T02:00:00Z")));
        // Sunday 23:00–01:00 runs into Monday; back to back with Monday 01:00–03:00 it is one
        // window until 03:00.
        let c = config(
            "UTC",
            &[
                (&["SUNDAY"], "23:00", "01:00"),
                (&["MONDAY"], "01:00", "03:00"),
            ],
        );
        let s = state(&c, at("2026-12-06T23:30:00Z"));
        assert_eq!(s.until, Some(at("2026-12-07T03:00:00Z")));
    }

    #[test]
    fn clocks_going_forward_shorten_a_window_in_new_york() {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT. A Sunday 01:00–03:00 window lasts an hour.
        let c = config("America/New_York", &[(&["SUNDAY"], "01:00", "03:00")]);
        let s = state(&c, at("2026-03-08T06:30:00Z"));
        assert!(s.inside);
        assert_eq!(s.until, Some(at("2026-03-08T07:00:00Z")));
        // The week after, the same window is two hours of EDT.
        let s = state(&c, at("2026-03-14T12:00:00Z"));
        assert_eq!(s.next_start, Some(at("2026-03-15T05:00:00Z")));
        assert_eq!(s.next_end, Some(at("2026-03-15T07:00:00Z")));
        // A window wholly in the skipped hour does not happen that day.
        let gap = config("America/New_York", &[(&["SUNDAY"], "02:10", "02:50")]);
        let s = state(&gap, at("2026-03-08T06:00:00Z"));
        assert_eq!(s.next_start, Some(at("2026-03-15T06:10:00Z")));
    }

    #[test]
    fn clocks_going_back_lengthen_a_window_in_berlin() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET. Sunday 01:00–04:00 lasts four hours.
        let c = config("Europe/Berlin", &[(&["SUNDAY"], "01:00", "04:00")]);
        let s = state(&c, at("2026-10-24T12:00:00Z"));
        assert_eq!(s.next_start, Some(at("2026-10-24T23:00:00Z")));
        assert_eq!(s.next_end, Some(at("2026-10-25T03:00:00Z")));
        // And in spring (2026-03-29, 02:00 CET becomes 03:00 CEST) two.
        let s = state(&c, at("2026-03-28T12:00:00Z"));
        assert_eq!(s.next_start, Some(at("2026-03-29T00:00:00Z")));
        assert_eq!(s.next_end, Some(at("2026-03-29T02:00:00Z")));
    }

    #[test]
    fn a_profile_without_windows_is_never_inside() {
        let c = config("UTC", &[]);
        assert_eq!(
            state(&c, at("2026-12-05T23:30:00Z")),
            WindowState::default()
        );
    }

    #[test]
    fn the_server_checks_regexes_and_time_zones() {
        assert!(ServerChecks.regex("^nginx(-alpine)?$").is_ok());
        let e = ServerChecks.regex("(oops").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
        assert!(ServerChecks.time_zone("America/New_York").is_ok());
        assert!(ServerChecks.time_zone("Mars/Olympus").is_err());
    }
}
