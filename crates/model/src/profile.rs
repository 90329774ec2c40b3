//! Sensor profiles (`POST/PUT /csapi/v1.3/sensorProfile`): the body, its validator, and the
//! weekly inactive windows as intervals of the week.
//!
//! The validator is the console's and the server's: everything is checked here except what
//! needs a library the console does not carry (compiling a regular expression, knowing the
//! IANA time zones); the caller passes those two checks in ([`ExternalChecks`]).

use crate::FieldProblem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The profile every sensor uses unless another claims it; it cannot be deleted.
pub const DEFAULT_PROFILE: &str = "Default";
/// Hours between re-scans of a running container: the default and recommendation.
pub const DEFAULT_SCAN_INTERVAL: u32 = 48;
/// The compatible values of `containerScanningInterval`.
pub const SCAN_INTERVALS: [u32; 3] = [12, 24, 48];
/// Custom intervals (an extension) run from the minimum to a week.
pub const MIN_SCAN_INTERVAL: u32 = 12;
pub const MAX_SCAN_INTERVAL: u32 = 168;
pub const PROFILE_TYPES: [&str; 4] = ["GENERAL", "REGISTRY", "CICD", "CLUSTER"];
pub const DAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];
/// Minutes in a week; a week starts on Monday 00:00.
pub const WEEK: u32 = 7 * 24 * 60;
const DAY: u32 = 24 * 60;

/// One weekly window: some days, and a time span or the whole day. A span whose end is before
/// its start runs past midnight into the next day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowSchedule {
    /// `HH:MM`, 24-hour.
    pub start_time: String,
    /// `HH:MM`, 24-hour.
    pub end_time: String,
    /// `MONDAY` … `SUNDAY`.
    pub repeat_on_days: Vec<String>,
    /// Extension: the whole of each day (the times are then not used).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_day: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VulnerabilityManagement {
    /// Hours: 12, 24 or 48 (the compatible values), or any whole number from 12 to 168.
    pub container_scanning_interval: u32,
    /// Images whose name matches one of these are not scanned.
    #[serde(default)]
    pub image_exclusion_regex_list: Vec<String>,
    #[serde(default = "yes")]
    pub global_scanning_flag: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileConfig {
    #[serde(default)]
    pub weekly_blackout_window_schedules: Vec<WindowSchedule>,
    pub vulnerability_management: VulnerabilityManagement,
    /// The IANA time zone the windows are in (`UTC` when absent).
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

/// A profile as created and changed (the compatible body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SensorProfileBody {
    pub profile_name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `GENERAL`, `REGISTRY`, `CICD` or `CLUSTER`.
    pub profile_type: String,
    /// Sensors (uuid or sensor id) that belong to this profile whatever its filter says.
    #[serde(default)]
    pub associated_sensor_ids: Vec<String>,
    /// QQL over sensors: the sensors it matches join the profile.
    #[serde(default)]
    pub filter: Option<String>,
    pub config: ProfileConfig,
}

impl Default for SensorProfileBody {
    fn default() -> Self {
        Self {
            profile_name: String::new(),
            description: None,
            profile_type: "GENERAL".into(),
            associated_sensor_ids: Vec::new(),
            filter: None,
            config: ProfileConfig {
                weekly_blackout_window_schedules: Vec::new(),
                vulnerability_management: VulnerabilityManagement {
                    container_scanning_interval: DEFAULT_SCAN_INTERVAL,
                    image_exclusion_regex_list: Vec::new(),
                    global_scanning_flag: true,
                },
                time_zone: utc(),
            },
        }
    }
}

/// Where a profile's sensors stand against its windows at an instant (epoch ms).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WindowState {
    /// Inside an inactive window now: no data is taken from the profile's sensors.
    pub inside: bool,
    /// When the current window ends (while inside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// When the next window starts and ends (none when the profile has no window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_end: Option<i64>,
}

/// A stored profile, as the API answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SensorProfile {
    pub id: String,
    pub profile_name: String,
    pub description: Option<String>,
    pub profile_type: String,
    pub associated_sensor_ids: Vec<String>,
    pub filter: Option<String>,
    pub config: ProfileConfig,
    /// The built-in `Default` profile: every sensor no other profile claims.
    pub is_default: bool,
    pub created: i64,
    pub updated: i64,
    /// When its sensors were last assigned: of two profiles claiming a sensor, the later wins.
    pub assigned: i64,
    /// How many sensors use this profile now.
    pub sensor_count: u64,
    /// How many sensors its ids and filter match (more than `sensorCount` when a profile
    /// assigned later claims some of them: that one wins).
    pub claimed: u64,
    /// Its windows at the time of the answer.
    pub window: WindowState,
    /// Optimistic concurrency: send it back as `If-Match` to change the profile.
    pub version: i64,
}

impl SensorProfile {
    /// The profile as it is created and changed (what an edit starts from).
    pub fn body(&self) -> SensorProfileBody {
        SensorProfileBody {
            profile_name: self.profile_name.clone(),
            description: self.description.clone(),
            profile_type: self.profile_type.clone(),
            associated_sensor_ids: self.associated_sensor_ids.clone(),
            filter: self.filter.clone(),
            config: self.config.clone(),
        }
    }
}

/// The fields of [`SensorProfile`] that a body does not set.
pub const READ_ONLY: &[&str] = &[
    "id",
    "isDefault",
    "created",
    "updated",
    "assigned",
    "sensorCount",
    "claimed",
    "window",
    "version",
];

/// What the validator cannot decide alone: whether a pattern compiles as a regular expression
/// and whether a name is an IANA time zone.
pub trait ExternalChecks {
    fn regex(&self, pattern: &str) -> Result<(), String>;
    fn time_zone(&self, name: &str) -> Result<(), String>;
}

/// `HH:MM` as minutes after midnight; `24:00`, `9:5` and `7:60` are refused.
pub fn parse_time(s: &str) -> Result<u32, String> {
    let bad = || format!("'{s}' is not a time: write HH:MM on the 24-hour clock, 00:00 to 23:59");
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(bad());
    }
    let (h, m) = (&s[0..2], &s[3..5]);
    if !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// `MONDAY` → 0 … `SUNDAY` → 6 (any letter case).
pub fn day_index(s: &str) -> Option<u32> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(s.trim()))
        .map(|i| i as u32)
}

/// A span of the week in minutes from Monday 00:00, `start < end`; `end` may pass the week's
/// end (a Sunday window running past midnight), and is then read modulo the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The minutes both spans cover, if any (on the week's circle).
    pub fn overlap(self, other: Span) -> Option<Span> {
        for shift in [0, WEEK] {
            for (a, b) in [(self, other), (other, self)] {
                let (s, e) = (a.start.max(b.start + shift), a.end.min(b.end + shift));
                if s < e {
                    return Some(Span {
                        start: s % WEEK,
                        end: s % WEEK + (e - s),
                    });
                }
            }
        }
        None
    }
}

impl WindowSchedule {
    /// The window's spans of the week, one per day, or why it has none.
    pub fn spans(&self) -> Result<Vec<Span>, String> {
        let (start, len) = if self.all_day {
            (0, DAY)
        } else {
            let s = parse_time(&self.start_time)?;
            let e = parse_time(&self.end_time)?;
            if s == e {
                return Err(
                    "starts and ends at the same time: give an end, or make it all day".into(),
                );
            }
            (s, if e > s { e - s } else { DAY - s + e })
        };
        let mut days: Vec<u32> = self
            .repeat_on_days
            .iter()
            .filter_map(|d| day_index(d))
            .collect();
        days.sort_unstable();
        days.dedup();
        Ok(days
            .into_iter()
            .map(|d| Span {
                start: d * DAY + start,
                end: d * DAY + start + len,
            })
            .collect())
    }

    /// "Saturday 22:00–02:00", "Monday, Tuesday all day".
    pub fn describe(&self) -> String {
        let days: Vec<String> = self.repeat_on_days.iter().map(|d| title_case(d)).collect();
        if self.all_day {
            format!("{} all day", days.join(", "))
        } else {
            format!("{} {}–{}", days.join(", "), self.start_time, self.end_time)
        }
    }
}

fn title_case(s: &str) -> String {
    let lower = s.trim().to_ascii_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// "Sunday 01:00–02:00": a span of the week in words.
pub fn describe_span(s: Span) -> String {
    let day = |m: u32| title_case(DAYS[((m % WEEK) / DAY) as usize]);
    let hm = |m: u32| format!("{:02}:{:02}", (m % DAY) / 60, m % 60);
    format!("{} {}–{}", day(s.start), hm(s.start), hm(s.end))
}

/// Two windows of the profile that overlap: each names both, and where they meet.
pub fn overlaps(windows: &[WindowSchedule]) -> Vec<FieldProblem> {
    let spans: Vec<Vec<Span>> = windows
        .iter()
        .map(|w| w.spans().unwrap_or_default())
        .collect();
    let mut problems = Vec::new();
    for i in 0..windows.len() {
        for j in i + 1..windows.len() {
            let hit = spans[i]
                .iter()
                .flat_map(|a| spans[j].iter().filter_map(move |b| a.overlap(*b)))
                .next();
            if let Some(at) = hit {
                problems.push(FieldProblem {
                    field: format!("config.weeklyBlackoutWindowSchedules[{j}]"),
                    message: format!(
                        "window {} ({}) overlaps window {} ({}) on {}: windows of one profile must not overlap",
                        j + 1,
                        windows[j].describe(),
                        i + 1,
                        windows[i].describe(),
                        describe_span(at)
                    ),
                });
            }
        }
    }
    problems
}

impl SensorProfileBody {
    /// Reads a body, checking every field; every problem is reported with its field. The
    /// read-only fields of a profile as `GET` answers it (`id`, `version`, `sensorCount`, …)
    /// are ignored, so a profile read, changed and sent back is taken as it is.
    pub fn from_json(v: &Value, checks: &dyn ExternalChecks) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut push =
            |field: String, message: String| problems.push(FieldProblem { field, message });
        let mut v = v.clone();
        if let Some(obj) = v.as_object_mut() {
            for k in READ_ONLY {
                obj.remove(*k);
            }
        }
        let body: SensorProfileBody = match serde_json::from_value(v) {
            Ok(b) => b,
            Err(e) => {
                // Name the field serde stopped at when it says which.
                let msg = e.to_string();
                let field = msg
                    .split('`')
                    .nth(1)
                    .filter(|_| {
                        msg.starts_with("missing field") || msg.starts_with("unknown field")
                    })
                    .unwrap_or("body")
                    .to_string();
                push(field, msg);
                return Err(problems);
            }
        };
        for p in body.check(checks) {
            push(p.field, p.message);
        }
        if problems.is_empty() {
            Ok(body.normalised())
        } else {
            Err(problems)
        }
    }

    /// Every problem of a body built in code (the console's form).
    pub fn check(&self, checks: &dyn ExternalChecks) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut push = |field: &str, message: String| {
            out.push(FieldProblem {
                field: field.into(),
                message,
            })
        };
        let name = self.profile_name.trim();
        if name.is_empty() {
            push("profileName", "is missing: give the profile a name".into());
        } else if name.chars().count() > 100 {
            push("profileName", "is longer than 100 characters".into());
        }
        if self
            .description
            .as_deref()
            .is_some_and(|d| d.chars().count() > 1000)
        {
            push("description", "is longer than 1,000 characters".into());
        }
        if !PROFILE_TYPES.contains(&self.profile_type.as_str()) {
            push(
                "profileType",
                format!(
                    "'{}' is not a profile type (one of {})",
                    self.profile_type,
                    PROFILE_TYPES.join(", ")
                ),
            );
        }
        if self.associated_sensor_ids.len() > 10_000 {
            push(
                "associatedSensorIds",
                "lists more than 10,000 sensors: use a filter".into(),
            );
        }
        for (i, id) in self.associated_sensor_ids.iter().enumerate() {
            if id.trim().is_empty() || id.len() > 100 {
                push(
                    &format!("associatedSensorIds[{i}]"),
                    "is not a sensor id or uuid".into(),
                );
            }
        }
        if self.filter.as_deref().is_some_and(|f| f.len() > 4000) {
            push("filter", "is longer than 4,000 characters".into());
        }
        let vm = &self.config.vulnerability_management;
        let iv = vm.container_scanning_interval;
        if iv < MIN_SCAN_INTERVAL {
            push(
                "config.vulnerabilityManagement.containerScanningInterval",
                format!("{iv} hours is too often: {MIN_SCAN_INTERVAL} hours is the minimum (48 is recommended)"),
            );
        } else if iv > MAX_SCAN_INTERVAL {
            push(
                "config.vulnerabilityManagement.containerScanningInterval",
                format!("{iv} hours is more than a week: use 12 to {MAX_SCAN_INTERVAL} hours (48 is recommended)"),
            );
        }
        if vm.image_exclusion_regex_list.len() > 100 {
            push(
                "config.vulnerabilityManagement.imageExclusionRegexList",
                "has more than 100 patterns".into(),
            );
        }
        for (i, r) in vm.image_exclusion_regex_list.iter().enumerate() {
            let field = format!("config.vulnerabilityManagement.imageExclusionRegexList[{i}]");
            if r.is_empty() {
                push(
                    &field,
                    "is empty: an empty pattern would exclude every image".into(),
                );
            } else if r.len() > 500 {
                push(&field, "is longer than 500 characters".into());
            } else if let Err(e) = checks.regex(r) {
                push(&field, format!("'{r}' is not a regular expression: {e}"));
            }
        }
        if let Err(e) = checks.time_zone(&self.config.time_zone) {
            push("config.timeZone", e);
        }
        let windows = &self.config.weekly_blackout_window_schedules;
        if windows.len() > 50 {
            push(
                "config.weeklyBlackoutWindowSchedules",
                "has more than 50 windows".into(),
            );
        }
        let mut usable = true;
        for (i, w) in windows.iter().enumerate() {
            let at = format!("config.weeklyBlackoutWindowSchedules[{i}]");
            if w.repeat_on_days.is_empty() {
                usable = false;
                push(
                    &format!("{at}.repeatOnDays"),
                    "choose at least one day".into(),
                );
            }
            for (k, d) in w.repeat_on_days.iter().enumerate() {
                if day_index(d).is_none() {
                    usable = false;
                    push(
                        &format!("{at}.repeatOnDays[{k}]"),
                        format!("'{d}' is not a day (MONDAY … SUNDAY)"),
                    );
                }
            }
            if !w.all_day {
                let mut times = true;
                for (key, t) in [("startTime", &w.start_time), ("endTime", &w.end_time)] {
                    if let Err(e) = parse_time(t) {
                        times = false;
                        push(&format!("{at}.{key}"), e);
                    }
                }
                usable &= times;
                if times && w.start_time == w.end_time {
                    usable = false;
                    push(
                        &format!("{at}.endTime"),
                        "is the start time: give a different end, or make the window all day"
                            .into(),
                    );
                }
            }
        }
        if usable {
            out.extend(overlaps(windows));
        }
        out
    }

    /// Stored form: trimmed name, upper-case days and types, no duplicate days or ids.
    pub fn normalised(mut self) -> Self {
        self.profile_name = self.profile_name.trim().to_string();
        self.description = self
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
        self.filter = self
            .filter
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty());
        let mut seen = std::collections::HashSet::new();
        self.associated_sensor_ids
            .retain(|id| seen.insert(id.trim().to_string()));
        for w in &mut self.config.weekly_blackout_window_schedules {
            let mut days: Vec<u32> = w
                .repeat_on_days
                .iter()
                .filter_map(|d| day_index(d))
                .collect();
            days.sort_unstable();
            days.dedup();
            w.repeat_on_days = days
                .into_iter()
                .map(|d| DAYS[d as usize].to_string())
                .collect();
            if w.all_day {
                w.start_time = "00:00".into();
                w.end_time = "00:00".into();
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Lenient;
    impl ExternalChecks for Lenient {
        fn regex(&self, p: &str) -> Result<(), String> {
            if p.contains('(') && !p.contains(')') {
                Err("unclosed group".into())
            } else {
                Ok(())
            }
        }
        fn time_zone(&self, n: &str) -> Result<(), String> {
            if ["UTC", "Europe/Berlin", "America/New_York"].contains(&n) {
                Ok(())
            } else {
                Err(format!("'{n}' is not a time zone"))
            }
        }
    }

    fn window(days: &[&str], s: &str, e: &str) -> WindowSchedule {
        WindowSchedule {
            start_time: s.into(),
            end_time: e.into(),
            repeat_on_days: days.iter().map(|d| d.to_string()).collect(),
            all_day: false,
        }
    }

    fn body(windows: Vec<WindowSchedule>) -> SensorProfileBody {
        let mut b = SensorProfileBody {
            profile_name: "Maintenance".into(),
            ..Default::default()
        };
        b.config.weekly_blackout_window_schedules = windows;
        b
    }

    fn fields(b: &SensorProfileBody) -> Vec<String> {
        b.check(&Lenient).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn times_are_real_24_hour_times() {
        assert_eq!(parse_time("00:00"), Ok(0));
        assert_eq!(parse_time("23:59"), Ok(1439));
        assert_eq!(parse_time("09:05"), Ok(545));
        for bad in [
            "24:00", "9:5", "09:5", "7:60", "07:60", "ab:cd", "", "12:00:00", "-1:00", "+9:00",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_window_past_midnight_runs_into_the_next_day_and_sunday_into_monday() {
        let w = window(&["SATURDAY", "SUNDAY"], "22:00", "02:00");
        let s = w.spans().unwrap();
        assert_eq!(
            s[0],
            Span {
                start: 5 * DAY + 22 * 60,
                end: 6 * DAY + 2 * 60
            }
        );
        assert_eq!(
            s[1],
            Span {
                start: 6 * DAY + 22 * 60,
                end: 7 * DAY + 2 * 60
            }
        );
        // Sunday's part past midnight meets a Monday 01:00 window.
        let monday = window(&["MONDAY"], "01:00", "03:00").spans().unwrap()[0];
        assert_eq!(
            s[1].overlap(monday),
            Some(Span {
                start: 60,
                end: 120
            })
        );
        let all = WindowSchedule {
            all_day: true,
            ..window(&["TUESDAY"], "", "")
        };
        assert_eq!(
            all.spans().unwrap(),
            [Span {
                start: DAY,
                end: 2 * DAY
            }]
        );
    }

    #[test]
    fn overlapping_windows_are_refused_naming_both() {
        // The case: Saturday 22:00–02:00 against Sunday 01:00–03:00.
        let b = body(vec![
            window(&["SATURDAY"], "22:00", "02:00"),
            window(&["SUNDAY"], "01:00", "03:00"),
        ]);
        let p = b.check(&Lenient);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "config.weeklyBlackoutWindowSchedules[1]");
        assert!(
            p[0].message.contains("window 2 (Sunday 01:00–03:00)"),
            "{}",
            p[0].message
        );
        assert!(
            p[0].message.contains("window 1 (Saturday 22:00–02:00)"),
            "{}",
            p[0].message
        );
        assert!(
            p[0].message.contains("Sunday 01:00–02:00"),
            "{}",
            p[0].message
        );
        // Touching is not overlapping; an all-day window overlaps everything on its day.
        assert!(fields(&body(vec![
            window(&["SATURDAY"], "22:00", "02:00"),
            window(&["SUNDAY"], "02:00", "03:00")
        ]))
        .is_empty());
        let all = WindowSchedule {
            all_day: true,
            ..window(&["WEDNESDAY"], "", "")
        };
        assert_eq!(
            fields(&body(vec![all, window(&["WEDNESDAY"], "23:30", "23:45")])),
            ["config.weeklyBlackoutWindowSchedules[1]"]
        );
        // Across the week's end: Sunday 23:00–01:00 against Monday 00:30–00:45.
        assert_eq!(
            fields(&body(vec![
                window(&["SUNDAY"], "23:00", "01:00"),
                window(&["MONDAY"], "00:30", "00:45")
            ]))
            .len(),
            1
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut b = body(vec![
            window(&[], "09:00", "17:00"),
            window(&["FUNDAY"], "24:00", "9:5"),
            window(&["MONDAY"], "10:00", "10:00"),
        ]);
        b.profile_name = "  ".into();
        b.profile_type = "SERVER".into();
        b.config
            .vulnerability_management
            .container_scanning_interval = 6;
        b.config.vulnerability_management.image_exclusion_regex_list =
            vec!["^nginx$".into(), "(oops".into(), String::new()];
        b.config.time_zone = "Mars/Olympus".into();
        assert_eq!(
            fields(&b),
            [
                "profileName",
                "profileType",
                "config.vulnerabilityManagement.containerScanningInterval",
                "config.vulnerabilityManagement.imageExclusionRegexList[1]",
                "config.vulnerabilityManagement.imageExclusionRegexList[2]",
                "config.timeZone",
                "config.weeklyBlackoutWindowSchedules[0].repeatOnDays",
                "config.weeklyBlackoutWindowSchedules[1].repeatOnDays[0]",
                "config.weeklyBlackoutWindowSchedules[1].startTime",
                "config.weeklyBlackoutWindowSchedules[1].endTime",
                "config.weeklyBlackoutWindowSchedules[2].endTime",
            ]
        );
    }

    #[test]
    fn scan_intervals_from_12_to_168_hours() {
        for (h, ok) in [
            (12, true),
            (24, true),
            (48, true),
            (168, true),
            (11, false),
            (0, false),
            (169, false),
        ] {
            let mut b = body(Vec::new());
            b.config
                .vulnerability_management
                .container_scanning_interval = h;
            assert_eq!(fields(&b).is_empty(), ok, "{h}");
        }
    }

    #[test]
    fn the_compatible_body_reads_with_defaults_and_is_normalised() {
        let v = json!({ "profileName": " Night ", "profileType": "GENERAL",
            "config": { "weeklyBlackoutWindowSchedules": [
                { "startTime": "23:00", "endTime": "05:00", "repeatOnDays": ["friday", "MONDAY", "FRIDAY"] } ],
              "vulnerabilityManagement": { "containerScanningInterval": 24 } } });
        let b = SensorProfileBody::from_json(&v, &Lenient).unwrap();
        assert_eq!(b.profile_name, "Night");
        assert_eq!(b.config.time_zone, "UTC");
        assert!(b.config.vulnerability_management.global_scanning_flag);
        assert_eq!(
            b.config.weekly_blackout_window_schedules[0].repeat_on_days,
            ["MONDAY", "FRIDAY"]
        );
        let missing =
            SensorProfileBody::from_json(&json!({"profileType": "GENERAL"}), &Lenient).unwrap_err();
        assert_eq!(missing[0].field, "profileName");
        // A profile as read comes back as it is, its read-only fields ignored.
        let read = json!({ "id": "x", "version": 3, "sensorCount": 7, "window": { "inside": false },
            "profileName": "Night", "profileType": "GENERAL",
            "config": { "vulnerabilityManagement": { "containerScanningInterval": 24 } } });
        assert_eq!(
            SensorProfileBody::from_json(&read, &Lenient)
                .unwrap()
                .profile_name,
            "Night"
        );
        let wrong = SensorProfileBody::from_json(&json!({"profileName": "x", "profileType": "GENERAL", "config": {"vulnerabilityManagement": {"containerScanningInterval": "often"}}}), &Lenient).unwrap_err();
        assert_eq!(wrong[0].field, "body");
    }
}
