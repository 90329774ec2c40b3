//! When a report schedule runs next: at the time of day of its `eventTime`, read in its time
//! zone (UTC unless the schedule names one), on every day (DAILY), on the chosen weekdays
//! (WEEKLY) or on the day of the month of its `eventTime` (MONTHLY: the month's last day when
//! it has no such day, so a schedule on the 31st runs on 30 April and 28 or 29 February), from
//! `eventTime` on and never after `eventEndTime`. Without a recurrence it runs once, at
//! `eventTime`.
//!
//! Across daylight-saving changes the local time of day is kept: a time that does not exist
//! that day (clocks go forward over it) runs at the same time plus the gap (02:30 → 03:30); a
//! time that happens twice (clocks go back) runs the first time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use shipshape_model::report::ScheduleRequest;
use shipshape_model::FieldProblem;

/// How often a schedule runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recurrence {
    Once,
    Daily,
    Weekly(Vec<Weekday>),
    Monthly,
}

/// A schedule's timing.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub recurrence: Recurrence,
    pub zone: Tz,
}

/// The local time `at` on `day` in `zone` as an instant (see the module header for the gap and
/// the overlap).
fn instant(zone: Tz, day: NaiveDate, at: chrono::NaiveTime) -> Option<DateTime<Utc>> {
    let local: NaiveDateTime = day.and_time(at);
    if let Some(t) = zone.from_local_datetime(&local).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    // In a gap: the wall clock jumped over it. Read with the offset in force before the gap,
    // which is the same time plus the gap.
    use chrono::Offset;
    let before = zone
        .from_local_datetime(&(local - Duration::hours(6)))
        .earliest()?;
    let offset = i64::from(before.offset().fix().local_minus_utc());
    Some((local - Duration::seconds(offset)).and_utc())
}

/// The last day of `year`-`month`.
fn last_day(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

impl Timing {
    /// The first run strictly after `after`, if any.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let next = match &self.recurrence {
            Recurrence::Once => (self.start > after).then_some(self.start),
            _ => self.next_recurring(after),
        }?;
        match self.end {
            Some(end) if next > end => None,
            _ => Some(next),
        }
    }

    fn next_recurring(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local_start = self.start.with_timezone(&self.zone);
        let at = local_start.time();
        let first_day = local_start.date_naive();
        // Start looking the day before `after` (in the zone) or at the first day.
        let from = after.with_timezone(&self.zone).date_naive() - Duration::days(1);
        let mut day = from.max(first_day);
        // A monthly schedule needs at most ~62 days; weekly 8; daily 2.
        for _ in 0..400 {
            let runs = match &self.recurrence {
                Recurrence::Daily => true,
                Recurrence::Weekly(days) => days.contains(&day.weekday()),
                Recurrence::Monthly => {
                    let want = local_start.day().min(last_day(day.year(), day.month()));
                    day.day() == want
                }
                Recurrence::Once => false,
            };
            if runs {
                if let Some(t) = instant(self.zone, day, at) {
                    if t > after && t >= self.start {
                        return Some(t);
                    }
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

/// An ISO 8601 time: with an offset or `Z`, or without one (then UTC).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .map(|n| n.and_utc())
}

/// A schedule request's timing, or what is wrong with its times, zone or days.
pub fn timing(req: &ScheduleRequest) -> Result<Timing, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let start = parse_time(&req.event_time);
    if start.is_none() {
        problems.push(FieldProblem::new(
            "eventTime",
            "an ISO 8601 time, for example 2026-12-07T09:00:00Z",
        ));
    }
    let end = match req.event_end_time.as_deref().filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => match parse_time(e) {
            Some(t) => Some(t),
            None => {
                problems.push(FieldProblem::new(
                    "eventEndTime",
                    "an ISO 8601 time, for example 2027-12-31T23:59:59Z",
                ));
                None
            }
        },
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            problems.push(FieldProblem::new("eventEndTime", "after eventTime"));
        }
    }
    let zone = match req.time_zone.as_deref() {
        None | Some("") => Tz::UTC,
        Some(z) => z.parse::<Tz>().unwrap_or_else(|_| {
            problems.push(FieldProblem::new(
                "timeZone",
                format!("'{z}' is not an IANA time zone (for example Europe/Paris)"),
            ));
            Tz::UTC
        }),
    };
    let recurrence = match &req.report_schedule_details {
        None => Recurrence::Once,
        Some(d) => match d.recurrence_type.as_str() {
            "DAILY" => Recurrence::Daily,
            "MONTHLY" => Recurrence::Monthly,
            _ => Recurrence::Weekly(
                d.selected_day_of_weeks
                    .iter()
                    .flatten()
                    .filter_map(|w| w.parse::<Weekday>().ok())
                    .collect(),
            ),
        },
    };
    match start {
        Some(start) if problems.is_empty() => Ok(Timing {
            start,
            end,
            recurrence,
            zone,
        }),
        _ => Err(problems),
    }
}

/// The first run of `req` after `after_ms` (epoch milliseconds), if any.
pub fn next_run(req: &ScheduleRequest, after_ms: i64) -> Option<i64> {
    let t = timing(req).ok()?;
    let after = DateTime::from_timestamp_millis(after_ms)?;
    t.next_after(after).map(|n| n.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn timing(start: &str, recurrence: Recurrence, zone: Tz) -> Timing {
        Timing {
            start: utc(start),
            end: None,
            recurrence,
            zone,
        }
    }

    /// The next `n` runs after `after`.
    fn runs(t: &Timing, after: &str, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = utc(after);
        for _ in 0..n {
            match t.next_after(at) {
                Some(next) => {
                    out.push(next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    at = next;
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn once_runs_at_its_time_and_never_again() {
        let t = timing("2026-12-10T09:00:00Z", Recurrence::Once, Tz::UTC);
        assert_eq!(
            runs(&t, "2026-12-01T00:00:00Z", 3),
            ["2026-12-10T09:00:00Z"]
        );
        assert!(runs(&t, "2026-12-10T09:00:00Z", 1).is_empty());
    }

    #[test]
    fn daily_runs_each_day_from_its_start_until_its_end() {
        let mut t = timing("2026-12-03T06:30:00Z", Recurrence::Daily, Tz::UTC);
        // Asked before the start: the start first.
        assert_eq!(
            runs(&t, "2026-11-01T00:00:00Z", 3),
            [
                "2026-12-03T06:30:00Z",
                "2026-12-04T06:30:00Z",
                "2026-12-05T06:30:00Z"
            ]
        );
        // Later the same day, after the time: tomorrow.
        assert_eq!(
            runs(&t, "2026-12-10T07:00:00Z", 1),
            ["2026-12-11T06:30:00Z"]
        );
        t.end = Some(utc("2026-12-05T00:00:00Z"));
        assert_eq!(runs(&t, "2026-12-01T00:00:00Z", 5).len(), 2);
    }

    #[test]
    fn weekly_runs_on_each_chosen_day() {
        // 2026-12-03 is a Thursday.
        let t = timing(
            "2026-12-03T18:00:00Z",
            Recurrence::Weekly(vec![Weekday::Mon, Weekday::Wed, Weekday::Fri]),
            Tz::UTC,
        );
        assert_eq!(
            runs(&t, "2026-12-03T00:00:00Z", 4),
            [
                "2026-12-04T18:00:00Z",
                "2026-12-07T18:00:00Z",
                "2026-12-09T18:00:00Z",
                "2026-12-11T18:00:00Z"
            ]
        );
    }

    #[test]
    fn monthly_on_the_31st_runs_on_the_last_day_of_shorter_months() {
        let t = timing("2027-01-31T08:00:00Z", Recurrence::Monthly, Tz::UTC);
        assert_eq!(
            runs(&t, "2027-01-01T00:00:00Z", 5),
            [
                "2027-01-31T08:00:00Z",
                "2027-02-28T08:00:00Z",
                "2027-03-31T08:00:00Z",
                "2027-04-30T08:00:00Z",
                "2027-05-31T08:00:00Z"
            ]
        );
        // A leap year's February.
        let t = timing("2028-01-31T08:00:00Z", Recurrence::Monthly, Tz::UTC);
        assert_eq!(
            runs(&t, "2028-02-01T00:00:00Z", 1),
            ["2028-02-29T08:00:00Z"]
        );
    }

    #[test]
    fn local_time_is_kept_across_daylight_saving_changes() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 09:00 in Paris: 08:00 UTC in winter, 07:00 UTC in summer (clocks go forward on
        // 2027-03-28 and back on 2027-10-31).
        let t = timing("2027-03-26T08:00:00Z", Recurrence::Daily, paris);
        assert_eq!(
            runs(&t, "2027-03-26T00:00:00Z", 4),
            [
                "2027-03-26T08:00:00Z",
                "2027-03-27T08:00:00Z",
                "2027-03-28T07:00:00Z",
                "2027-03-29T07:00:00Z"
            ]
        );
        assert_eq!(
            runs(&t, "2027-10-30T00:00:00Z", 2),
            ["2027-10-30T07:00:00Z", "2027-10-31T08:00:00Z"]
        );
        // 02:30 does not exist on 2027-03-28 in Paris: 03:30 local (01:30 UTC) that day.
        let t = timing("2027-03-27T01:30:00Z", Recurrence::Daily, paris);
        assert_eq!(
            runs(&t, "2027-03-27T12:00:00Z", 2),
            ["2027-03-28T01:30:00Z", "2027-03-29T00:30:00Z"]
        );
        // 02:30 happens twice on 2027-10-31: the first one (00:30 UTC).
        assert_eq!(
            runs(&t, "2027-10-30T12:00:00Z", 1),
            ["2027-10-31T00:30:00Z"]
        );
    }
}
