//! Trend widgets: a count per day drawn as a line over the widget's days, with today's figure
//! above it and a note on what the points are (recorded counts or creation dates).

use super::body::{drawn_size, open_picked};
use super::figures::{day_number, parse_answer};
use super::requests::list_href;
use crate::format::thousands;
use crate::pages::dashboard::chart::{Chart, Datum, Shape};
use leptos::prelude::*;
use shipshape_model::{TrendResponse, TrendSeries, Widget};

pub fn trend_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let answer: TrendResponse = parse_answer(body)?;
    let today = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    let data = trend_data(&answer, today);
    let days = answer.days.max(1);
    let created = answer.series == TrendSeries::Created;
    let noun = w.entity.noun();
    let latest = data.last().map(|d| d.count).unwrap_or(0);
    let summary = trend_summary(noun, created, days, &data);
    let note = trend_note(created, days, &data);
    let size = drawn_size(w);
    // Every point opens the same list: the rows the trend counts.
    let on_pick = open_picked(vec![list_href(w, &w.query); data.len()]);
    let data = Signal::derive(move || data.clone());
    Ok(view! {
        <div class="groups trend" role="figure" aria-label=summary data-testid="widget-trend">
            <div class="trend-head">
                <span class="trend-now">{thousands(latest)}</span>
                <span class="muted">{if created { format!("{noun} created today") } else { format!("{noun} today") }}</span>
            </div>
            <Chart data=data shape=Shape::Line redraw=size noun=noun on_pick=on_pick />
            <p class="trend-note muted">{note}</p>
        </div>
    }
    .into_any())
}

/// The answer's points placed along the x axis: the first of its days (counted back from
/// `today`, a day number) at 0, today at 1. A point whose day does not read is left out.
fn trend_data(answer: &TrendResponse, today: i64) -> Vec<Datum> {
    let days = i64::from(answer.days.max(1));
    let first_day = today - days + 1;
    let span = (days - 1).max(1) as f64;
    answer
        .points
        .iter()
        .filter_map(|p| {
            let n = day_number(&p.day)?;
            Some(Datum {
                label: p.day.clone(),
                count: p.count,
                color: "--chart1".into(),
                at: if days == 1 {
                    1.0
                } else {
                    (n - first_day) as f64 / span
                },
            })
        })
        .collect()
}

/// What a screen reader hears for the chart: what is counted, over how long, and each point.
fn trend_summary(noun: &str, created: bool, days: u32, data: &[Datum]) -> String {
    let points = data
        .iter()
        .map(|d| format!("{} {}", d.label, d.count))
        .collect::<Vec<_>>()
        .join(", ");
    if created {
        format!("Line chart of {noun} created per day over {days} days: {points}")
    } else {
        let recorded = data.len();
        format!("Line chart of {noun} per day over {days} days; {recorded} days recorded: {points}")
    }
}

/// The note under the chart: where created counts come from, or why recorded days are missing
/// (empty when every day is recorded).
fn trend_note(created: bool, days: u32, data: &[Datum]) -> String {
    let recorded = data.len();
    if created {
        let total: u64 = data.iter().map(|d| d.count).sum();
        format!(
            "{} created in {days} days, from their creation dates (rows deleted since are not counted).",
            thousands(total)
        )
    } else if recorded < days as usize {
        format!(
            "{recorded} of {days} days recorded: a point is taken each day from the first time this trend is counted."
        )
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::TrendPoint;

    fn answer(days: u32, points: &[(&str, u64)]) -> TrendResponse {
        TrendResponse {
            days,
            series: TrendSeries::Count,
            points: points
                .iter()
                .map(|(day, count)| TrendPoint {
                    day: day.to_string(),
                    count: *count,
                })
                .collect(),
        }
    }

    #[test]
    fn points_sit_at_their_day_from_the_first_to_today() {
        let today = day_number("2026-12-02").unwrap();
        let data = trend_data(
            &answer(
                8,
                &[
                    ("2026-11-25", 10),
                    ("2026-11-28", 12),
                    ("bad day", 99),
                    ("2026-12-02", 15),
                ],
            ),
            today,
        );
        let at: Vec<(&str, u64, f64)> = data
            .iter()
            .map(|d| (d.label.as_str(), d.count, d.at))
            .collect();
        assert_eq!(
            at,
            [
                ("2026-11-25", 10, 0.0),
                ("2026-11-28", 12, 3.0 / 7.0),
                ("2026-12-02", 15, 1.0)
            ]
        );
        // A one-day trend has its point on the right.
        let one = trend_data(&answer(1, &[("2026-12-02", 4)]), today);
        assert_eq!(one[0].at, 1.0);
    }

    #[test]
    fn the_summary_and_note_say_what_the_points_are() {
        let today = day_number("2026-12-02").unwrap();
        let data = trend_data(
            &answer(8, &[("2026-12-01", 1200), ("2026-12-02", 1300)]),
            today,
        );
        assert_eq!(
            trend_summary("images", false, 8, &data),
            "Line chart of images per day over 8 days; 2 days recorded: 2026-12-01 1200, 2026-12-02 1300"
        );
        assert_eq!(
            trend_note(false, 8, &data),
            "2 of 8 days recorded: a point is taken each day from the first time this trend is counted."
        );
        assert_eq!(trend_note(false, 2, &data), "");
        assert_eq!(
            trend_summary("images", true, 2, &data),
            "Line chart of images created per day over 2 days: 2026-12-01 1200, 2026-12-02 1300"
        );
        assert_eq!(
            trend_note(true, 2, &data),
            "2,500 created in 2 days, from their creation dates (rows deleted since are not counted)."
        );
    }
}
