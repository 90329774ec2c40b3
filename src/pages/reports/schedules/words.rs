//! A schedule in words: how often it runs, the file each run makes, where it stands.

use shipshape_model::report::{FileFormat, ScheduleDetails, ScheduleStatus};

/// `MONDAY` → `MON`, as the editor's day toggles show it.
pub fn short_day(day: &str) -> &str {
    day.get(0..3).unwrap_or(day)
}

/// `MONDAY` → `Mon`, as the list reads it.
fn day_name(day: &str) -> String {
    let mut c = short_day(day).chars();
    c.next()
        .map(|f| f.to_string() + &c.as_str().to_lowercase())
        .unwrap_or_default()
}

/// "Weekly on Mon, Thu" and the like.
pub fn recurrence_text(details: Option<&ScheduleDetails>) -> String {
    match details {
        None => "Once".into(),
        Some(d) => match d.recurrence_type.as_str() {
            "DAILY" => "Daily".into(),
            "WEEKLY" => {
                let days: Vec<String> = d
                    .selected_day_of_weeks
                    .iter()
                    .flatten()
                    .map(|x| day_name(x))
                    .collect();
                format!("Weekly on {}", days.join(", "))
            }
            "MONTHLY" => "Monthly".into(),
            other => other.to_string(),
        },
    }
}

/// `CSV · kept 30 d · zip`: the file each run makes and how long it is kept.
pub fn file_text(format: FileFormat, expire_after: u32, zip: bool) -> String {
    format!(
        "{} · kept {} d{}",
        format.as_str().to_uppercase(),
        expire_after,
        if zip { " · zip" } else { "" }
    )
}

/// The status badge's class and words.
pub fn status_badge(status: ScheduleStatus) -> (&'static str, &'static str) {
    match status {
        ScheduleStatus::Active => ("badge badge-ok", "Active"),
        ScheduleStatus::Paused => ("badge", "Paused"),
        ScheduleStatus::Ended => ("badge", "Ended"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(recurrence: &str, days: Option<&[&str]>) -> ScheduleDetails {
        ScheduleDetails {
            recurrence_type: recurrence.into(),
            selected_day_of_weeks: days.map(|d| d.iter().map(|x| x.to_string()).collect()),
        }
    }

    #[test]
    fn recurrences_read_as_words() {
        assert_eq!(recurrence_text(None), "Once");
        let weekly = details("WEEKLY", Some(&["MONDAY", "THURSDAY"]));
        assert_eq!(recurrence_text(Some(&weekly)), "Weekly on Mon, Thu");
        assert_eq!(recurrence_text(Some(&details("DAILY", None))), "Daily");
        assert_eq!(recurrence_text(Some(&details("MONTHLY", None))), "Monthly");
        // A recurrence this console does not know is shown as the API names it.
        assert_eq!(recurrence_text(Some(&details("HOURLY", None))), "HOURLY");
    }

    #[test]
    fn weekly_days_keep_their_order_and_read_short() {
        let weekly = details("WEEKLY", Some(&["SUNDAY", "WEDNESDAY", "SATURDAY"]));
        assert_eq!(recurrence_text(Some(&weekly)), "Weekly on Sun, Wed, Sat");
        assert_eq!(short_day("FRIDAY"), "FRI");
        // Shorter than three letters: the whole of it, never a panic.
        assert_eq!(short_day("MO"), "MO");
        assert_eq!(day_name(""), "");
    }

    #[test]
    fn the_file_reads_as_its_format_expiry_and_packing() {
        assert_eq!(file_text(FileFormat::Csv, 30, false), "CSV · kept 30 d");
        assert_eq!(
            file_text(FileFormat::Json, 1, true),
            "JSON · kept 1 d · zip"
        );
    }

    #[test]
    fn only_an_active_schedule_has_the_ok_badge() {
        assert_eq!(
            status_badge(ScheduleStatus::Active),
            ("badge badge-ok", "Active")
        );
        assert_eq!(status_badge(ScheduleStatus::Paused), ("badge", "Paused"));
        assert_eq!(status_badge(ScheduleStatus::Ended), ("badge", "Ended"));
    }
}
