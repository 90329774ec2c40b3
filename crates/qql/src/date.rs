//! Date values: epoch milliseconds, ISO-8601 (converted here, no date library) and `now±N<unit>`.
//!
//! Relative dates stay relative in the tree; the server resolves them when it runs the query,
//! so a saved filter such as `created>now-7d` keeps meaning "the last week".

use serde::Serialize;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// Units of `now±N<unit>`, longest suffix first so that `ms` is not read as `m`.
const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("s", SECOND),
    ("m", MINUTE),
    ("h", HOUR),
    ("d", DAY),
    ("w", WEEK),
];

/// A point in time as written in a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DateValue {
    /// Milliseconds since 1970-01-01T00:00:00Z (ISO-8601 input is converted to this).
    EpochMs(i64),
    /// `now` plus `offset_ms` (negative for the past): `now-7d` is `Now { offset_ms: -604800000 }`.
    Now { offset_ms: i64 },
}

impl DateValue {
    /// Epoch ms, with relative dates taken from `now_ms` (the caller's clock: this crate has none).
    pub fn resolve(&self, now_ms: i64) -> i64 {
        match *self {
            DateValue::EpochMs(ms) => ms,
            DateValue::Now { offset_ms } => now_ms.saturating_add(offset_ms),
        }
    }

    /// Reads a date written as in a query (epoch ms, ISO-8601, `now-7d`), for a filter that is
    /// not QQL over an entity but takes its dates the same way (the reports list's
    /// `createdAt`). The error is why it is not a date, as a sentence fragment.
    pub fn parse(s: &str) -> Result<DateValue, String> {
        parse_date(s).map_err(|e| match e {
            DateError::NotADate => {
                "write epoch milliseconds, 2024-05-01, 2024-05-01T12:30Z or now-7d".into()
            }
            DateError::Invalid(reason) => reason,
        })
    }
}

/// Why a word is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// It does not look like any date form.
    NotADate,
    /// It looks like a date but is not one; the reason is a sentence fragment.
    Invalid(String),
}

/// Reads a date value (any ASCII case: `NOW-7D`, `2024-05-01t10:00z`).
pub(crate) fn parse_date(s: &str) -> Result<DateValue, DateError> {
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("now") {
        return parse_now(rest).map(|offset_ms| DateValue::Now { offset_ms });
    }
    let digits = lower.strip_prefix('-').unwrap_or(&lower);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return lower
            .parse::<i64>()
            .map(DateValue::EpochMs)
            .map_err(|_| DateError::Invalid("it is too far from 1970".into()));
    }
    parse_iso(&lower).map(DateValue::EpochMs)
}

/// `""`, `-7d`, `+24h`, `-300s`, `-1500ms`, `-2w` after `now`.
fn parse_now(rest: &str) -> Result<i64, DateError> {
    if rest.is_empty() {
        return Ok(0);
    }
    let bad = || {
        DateError::Invalid("write relative dates like now-7d, now-24h, now-30m or now-300s".into())
    };
    let (sign, rest) = match rest.as_bytes()[0] {
        b'-' => (-1i128, &rest[1..]),
        b'+' => (1i128, &rest[1..]),
        _ => return Err(bad()),
    };
    let digits_end = rest
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(digits_end);
    if digits.is_empty() {
        return Err(bad());
    }
    let unit_ms = UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, ms)| *ms)
        .ok_or_else(bad)?;
    let n: i128 = digits
        .parse::<u64>()
        .map_err(|_| DateError::Invalid("the offset is too large".into()))?
        .into();
    i64::try_from(sign * n * i128::from(unit_ms))
        .map_err(|_| DateError::Invalid("the offset is too large".into()))
}

/// Writes `now`, `now-7d`, `now+90m`: the longest unit that divides the offset (weeks are
/// written as days, since people think of `now-7d`).
pub(crate) fn format_date(d: &DateValue) -> String {
    match *d {
        DateValue::EpochMs(ms) => ms.to_string(),
        DateValue::Now { offset_ms: 0 } => "now".into(),
        DateValue::Now { offset_ms } => {
            let sign = if offset_ms < 0 { '-' } else { '+' };
            let abs = offset_ms.unsigned_abs();
            let (unit, ms) = [
                ("d", DAY),
                ("h", HOUR),
                ("m", MINUTE),
                ("s", SECOND),
                ("ms", 1),
            ]
            .into_iter()
            .find(|(_, ms)| abs % (*ms as u64) == 0)
            .unwrap_or(("ms", 1));
            format!("now{sign}{}{unit}", abs / ms as u64)
        }
    }
}

/// `yyyy-mm-dd[Thh:mm[:ss[.fff]][Z|±hh[:mm]]]`, already lower-cased; UTC without an offset.
fn parse_iso(s: &str) -> Result<i64, DateError> {
    let b = s.as_bytes();
    let shape_ok = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if !shape_ok {
        return Err(DateError::NotADate);
    }
    let num = |r: std::ops::Range<usize>| -> i64 { s[r].parse().unwrap_or(0) };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err(DateError::Invalid(format!("month {month} does not exist")));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(DateError::Invalid(format!(
            "day {day} does not exist in month {month}"
        )));
    }
    let mut ms = days_from_civil(year, month, day) * DAY;
    if b.len() == 10 {
        return Ok(ms);
    }
    let bad = || DateError::Invalid("write date-times like 2024-05-01T12:30:00Z".into());
    if b[10] != b't' {
        return Err(bad());
    }
    let time = &s[11..];
    let zone_at = time.find(['z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    ms += parse_clock(clock).ok_or_else(bad)?;
    ms -= parse_zone(zone).ok_or_else(bad)?;
    Ok(ms)
}

/// `hh:mm[:ss[.fraction]]` to ms after midnight.
fn parse_clock(s: &str) -> Option<i64> {
    if !s.is_ascii() {
        return None;
    }
    let two = |t: &str| -> Option<i64> {
        (t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (hm, rest) = if s.len() > 5 { s.split_at(5) } else { (s, "") };
    let (h, m) = hm.split_once(':')?;
    let (h, m) = (two(h)?, two(m)?);
    if h > 23 || m > 59 {
        return None;
    }
    let mut ms = h * HOUR + m * MINUTE;
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(':')?;
    let (sec, frac) = match rest.split_once('.') {
        Some((sec, frac)) => (sec, Some(frac)),
        None => (rest, None),
    };
    let sec = two(sec)?;
    if sec > 59 {
        return None;
    }
    ms += sec * SECOND;
    if let Some(frac) = frac {
        if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let padded = format!("{frac:0<3}");
        ms += padded[..3].parse::<i64>().ok()?;
    }
    Some(ms)
}

/// `""` or `z` (UTC), `±hh`, `±hhmm`, `±hh:mm` to the offset in ms (local minus UTC).
fn parse_zone(s: &str) -> Option<i64> {
    if s.is_empty() || s == "z" {
        return Some(0);
    }
    let sign = match s.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s[1..].contains(':') && s.len() != 6 {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * HOUR + m * MINUTE))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        match parse_date(s).unwrap() {
            DateValue::EpochMs(ms) => ms,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn iso_dates_become_utc_epoch_ms() {
        assert_eq!(ms("1970-01-01"), 0);
        assert_eq!(ms("2020-07-02T23:11:45.425Z"), 1_593_731_505_425);
        assert_eq!(ms("2020-07-02T23:11:45.4251"), 1_593_731_505_425);
        assert_eq!(ms("2024-02-29"), 1_709_164_800_000);
        assert_eq!(ms("2024-05-01T12:30"), 1_714_566_600_000);
        assert_eq!(ms("2024-05-01T14:30:00+02:00"), 1_714_566_600_000);
        assert_eq!(ms("2024-05-01T07:30:00-0500"), 1_714_566_600_000);
        assert_eq!(ms("1969-12-31T23:59:59Z"), -1000);
        assert_eq!(ms("1593731505425"), 1_593_731_505_425);
    }

    #[test]
    fn impossible_dates_say_why() {
        assert_eq!(
            parse_date("2023-02-29"),
            Err(DateError::Invalid(
                "day 29 does not exist in month 2".into()
            ))
        );
        assert!(matches!(
            parse_date("2024-13-01"),
            Err(DateError::Invalid(_))
        ));
        assert!(matches!(
            parse_date("2024-01-01T25:00"),
            Err(DateError::Invalid(_))
        ));
        assert_eq!(parse_date("yesterday"), Err(DateError::NotADate));
    }

    #[test]
    fn relative_dates_stay_relative() {
        assert_eq!(parse_date("now"), Ok(DateValue::Now { offset_ms: 0 }));
        assert_eq!(
            parse_date("NOW-7d"),
            Ok(DateValue::Now {
                offset_ms: -7 * DAY
            })
        );
        assert_eq!(parse_date("now+1d"), Ok(DateValue::Now { offset_ms: DAY }));
        assert_eq!(
            parse_date("now-300s"),
            Ok(DateValue::Now {
                offset_ms: -300_000
            })
        );
        assert_eq!(
            parse_date("now-30m"),
            Ok(DateValue::Now {
                offset_ms: -30 * MINUTE
            })
        );
        assert_eq!(parse_date("now-5ms"), Ok(DateValue::Now { offset_ms: -5 }));
        assert!(matches!(parse_date("now-7"), Err(DateError::Invalid(_))));
        assert!(matches!(
            parse_date("now-99999999999999999999d"),
            Err(DateError::Invalid(_))
        ));
        assert_eq!(
            DateValue::Now { offset_ms: -DAY }.resolve(10 * DAY),
            9 * DAY
        );
    }

    #[test]
    fn relative_dates_print_with_the_longest_unit() {
        for s in [
            "now",
            "now-7d",
            "now-24h",
            "now-30m",
            "now-300s",
            "now+1d",
            "now-1500ms",
        ] {
            let d = parse_date(s).unwrap();
            assert_eq!(parse_date(&format_date(&d)).unwrap(), d, "{s}");
        }
        assert_eq!(format_date(&parse_date("now-24h").unwrap()), "now-1d");
        assert_eq!(format_date(&parse_date("now-2w").unwrap()), "now-14d");
        let min = DateValue::Now {
            offset_ms: i64::MIN,
        };
        assert_eq!(parse_date(&format_date(&min)).unwrap(), min);
    }
}
