//! The editor's inactive windows: one row per window (days, times or all day, its errors) and
//! the week strip that draws them all, Monday to Sunday.

use leptos::prelude::*;
use shipshape_model::profile::{SensorProfileBody, WindowSchedule, DAYS};
use shipshape_model::FieldProblem;

/// One window: its days, its times or all day, and its errors.
#[component]
pub(super) fn WindowRow(
    i: usize,
    draft: RwSignal<SensorProfileBody>,
    admin: bool,
    problems: Memo<Vec<FieldProblem>>,
    server: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let get = move |f: fn(&WindowSchedule) -> String| {
        move || {
            draft.with(|d| {
                d.config
                    .weekly_blackout_window_schedules
                    .get(i)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let edit = move |f: Box<dyn Fn(&mut WindowSchedule)>| {
        draft.update(|d| {
            if let Some(w) = d.config.weekly_blackout_window_schedules.get_mut(i) {
                f(w)
            }
        })
    };
    let prefix = format!("config.weeklyBlackoutWindowSchedules[{i}]");
    let all_day = move || {
        draft.with(|d| {
            d.config
                .weekly_blackout_window_schedules
                .get(i)
                .is_some_and(|w| w.all_day)
        })
    };
    view! {
        <div class="window-row" data-testid="window-row">
            <span class="window-days">
                {DAYS.iter().map(|day| {
                    let day: &'static str = day;
                    view! {
                        <label class="day-toggle" title=day>
                            <input type="checkbox" disabled=!admin data-testid=format!("window-day-{day}")
                                prop:checked=move || draft.with(|d| d.config.weekly_blackout_window_schedules.get(i).is_some_and(|w| w.repeat_on_days.iter().any(|x| x.eq_ignore_ascii_case(day))))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    edit(Box::new(move |w| {
                                        w.repeat_on_days.retain(|x| !x.eq_ignore_ascii_case(day));
                                        if on { w.repeat_on_days.push(day.to_string()) }
                                        w.repeat_on_days.sort_by_key(|x| DAYS.iter().position(|d| d.eq_ignore_ascii_case(x)));
                                    }))
                                } />
                            <span>{&day[..2]}</span>
                        </label>
                    }
                }).collect_view()}
            </span>
            <input type="time" class="input" data-testid="window-start" aria-label="Starts" disabled=move || !admin || all_day()
                prop:value=get(|w| w.start_time.clone())
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |w| w.start_time = v.clone())) } />
            <span class="muted">"to"</span>
            <input type="time" class="input" data-testid="window-end" aria-label="Ends" disabled=move || !admin || all_day()
                prop:value=get(|w| w.end_time.clone())
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |w| w.end_time = v.clone())) } />
            <label class="check-label">
                <input type="checkbox" data-testid="window-all-day" disabled=!admin prop:checked=all_day
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |w| w.all_day = on)) } />
                "All day"
            </label>
            <button type="button" class="btn btn-small btn-ghost" data-testid="window-remove" disabled=!admin aria-label="Remove this window"
                on:click=move |_| draft.update(|d| { if i < d.config.weekly_blackout_window_schedules.len() { d.config.weekly_blackout_window_schedules.remove(i); } })>"Remove"</button>
            <div class="window-errors">
                {move || problems.get().iter().chain(server.get().iter())
                    .filter(|p| p.field == prefix || p.field.starts_with(&format!("{prefix}.")))
                    .map(|p| view! { <p class="field-error" role="alert" data-testid="window-error">{p.message.clone()}</p> })
                    .collect_view()}
            </div>
        </div>
    }
}

/// Minutes in a day, the unit the week strip divides.
const DAY: f64 = 1440.0;

/// Where the windows fall on day `day` (0 = Monday) of the strip: `(window index, left %,
/// width %)` for each piece. Each span is cut at midnights and drawn on the days it covers; a
/// window that does not parse draws nothing (its row shows the error).
pub(super) fn day_blocks(windows: &[WindowSchedule], day: usize) -> Vec<(usize, f64, f64)> {
    let mut blocks = Vec::new();
    for (wi, w) in windows.iter().enumerate() {
        for s in w.spans().unwrap_or_default() {
            let (mut a, end) = (s.start as f64, s.end as f64);
            while a < end {
                let d = ((a / DAY).floor() as usize) % 7;
                let day_end = ((a / DAY).floor() + 1.0) * DAY;
                let b = end.min(day_end);
                if d == day {
                    let left = (a % DAY) / DAY * 100.0;
                    let width = (b - a) / DAY * 100.0;
                    blocks.push((wi, left, width));
                }
                a = b;
            }
        }
    }
    blocks
}

/// The week, Monday to Sunday, with each window drawn where it falls (in the profile's zone).
#[component]
pub(super) fn WeekStrip(draft: RwSignal<SensorProfileBody>) -> impl IntoView {
    view! {
        <div class="week-strip" data-testid="week-strip" role="img"
            aria-label=move || {
                let w = draft.with(|d| d.config.weekly_blackout_window_schedules.iter().map(WindowSchedule::describe).collect::<Vec<_>>());
                if w.is_empty() { "No inactive window".to_string() } else { format!("Inactive windows: {}", w.join("; ")) }
            }>
            <div class="week-hours"><span></span><span>"00"</span><span>"06"</span><span>"12"</span><span>"18"</span><span>"24"</span></div>
            {DAYS.iter().enumerate().map(|(d, name)| {
                let label = format!("{}{}", &name[..1], name[1..3].to_ascii_lowercase());
                view! {
                    <div class="week-day">
                        <span class="week-label">{label}</span>
                        <div class="week-track">
                            {move || draft.with(|doc| {
                                day_blocks(&doc.config.weekly_blackout_window_schedules, d).into_iter().map(|(wi, left, width)| view! {
                                    <span class=format!("week-block week-block-{}", wi % 4)
                                        style=format!("left:{left:.3}%;width:{width:.3}%")
                                        title=format!("Window {}", wi + 1)></span>
                                }).collect_view()
                            })}
                        </div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: &str, end: &str, days: &[&str], all_day: bool) -> WindowSchedule {
        WindowSchedule {
            start_time: start.into(),
            end_time: end.into(),
            repeat_on_days: days.iter().map(|d| d.to_string()).collect(),
            all_day,
        }
    }

    #[test]
    fn a_window_within_a_day_is_one_block_where_it_falls() {
        let w = [window("06:00", "12:00", &["TUESDAY"], false)];
        assert_eq!(day_blocks(&w, 1), vec![(0, 25.0, 25.0)]);
        for other in [0, 2, 3, 4, 5, 6] {
            assert!(day_blocks(&w, other).is_empty(), "day {other}");
        }
    }

    #[test]
    fn a_window_past_midnight_is_cut_onto_the_next_day() {
        let w = [window("18:00", "06:00", &["MONDAY"], false)];
        assert_eq!(day_blocks(&w, 0), vec![(0, 75.0, 25.0)]);
        assert_eq!(day_blocks(&w, 1), vec![(0, 0.0, 25.0)]);
    }

    #[test]
    fn sunday_night_wraps_onto_monday_morning() {
        let w = [window("22:00", "02:00", &["SUNDAY"], false)];
        let sunday = day_blocks(&w, 6);
        assert_eq!(sunday.len(), 1);
        assert_eq!(sunday[0].0, 0);
        assert!((sunday[0].1 - 22.0 / 24.0 * 100.0).abs() < 1e-9);
        assert!((sunday[0].2 - 2.0 / 24.0 * 100.0).abs() < 1e-9);
        let monday = day_blocks(&w, 0);
        assert_eq!(monday.len(), 1);
        assert!((monday[0].1 - 0.0).abs() < 1e-9);
        assert!((monday[0].2 - 2.0 / 24.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn all_day_windows_fill_each_day_and_keep_their_index() {
        let w = [
            window("01:00", "02:00", &["FRIDAY"], false),
            window("", "", &["SATURDAY", "SUNDAY"], true),
        ];
        assert_eq!(day_blocks(&w, 5), vec![(1, 0.0, 100.0)]);
        assert_eq!(day_blocks(&w, 6), vec![(1, 0.0, 100.0)]);
        assert_eq!(
            day_blocks(&w, 4).iter().map(|b| b.0).collect::<Vec<_>>(),
            vec![0]
        );
    }

    #[test]
    fn a_window_that_does_not_parse_draws_nothing() {
        let w = [window("25:00", "02:00", &["MONDAY"], false)];
        assert!((0..7).all(|d| day_blocks(&w, d).is_empty()));
    }
}
