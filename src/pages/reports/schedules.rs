//! Report schedules: the list (how often, the next run in your time zone and in UTC, run
//! now, pause and resume, edit, delete) and the editor.

use super::fields::{
    default_columns, template_name_label, ColumnsField, FileFields, FilterField, TemplatePicker,
};
use super::list::iso_ms;
use crate::api::{load, requests, use_api, Load};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use crate::components::reltime::RelTime;
use crate::format::exact_utc;
use crate::pages::settings::form::problem_for;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::report::{
    FileFormat, ReportSchedule, ScheduleDetails, ScheduleRequest, ScheduleStatus, Template,
    DEFAULT_EXPIRE_AFTER_DAYS, WEEKDAYS,
};
use shipshape_model::FieldProblem;
use wasm_bindgen::JsValue;

#[derive(serde::Deserialize, Clone, PartialEq)]
struct ScheduleList {
    data: Vec<ReportSchedule>,
}

/// The browser's IANA time zone (`Europe/Berlin`), UTC when it does not say.
pub fn browser_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// `2026-12-07T09:00` (a `datetime-local` value, the browser's wall clock) → the UTC instant
/// as the API takes it, `2026-12-07T08:00:00Z`.
fn local_to_utc(local: &str) -> Option<String> {
    if local.trim().is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&JsValue::from_str(local));
    if d.get_time().is_nan() {
        return None;
    }
    let iso: String = d.to_iso_string().into();
    Some(format!("{}Z", iso.get(0..19)?))
}

/// The UTC instant the API sent → a `datetime-local` value on the browser's wall clock.
fn utc_to_local(iso: &str) -> String {
    let Some(ms) = iso_ms(iso) else {
        return String::new();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// `Mon, 7 Dec 2026, 09:00` on the browser's wall clock.
fn local_text(ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let opts = js_sys::Object::new();
    for (k, v) in [
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&opts, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    String::from(d.to_locale_string("en-GB", &opts))
}

/// `09:00` on the browser's wall clock.
fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// An instant in the user's zone with UTC beside it.
#[component]
fn BothZones(ms: Option<i64>, zone: String) -> impl IntoView {
    match ms {
        Some(ms) => view! {
            <span class="both-zones">
                <span data-testid="local-time">{local_text(ms)}<span class="muted small">{format!(" {zone}")}</span></span>
                <span class="muted small" data-testid="utc-time">{exact_utc(ms)}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

fn short_day(day: &str) -> &str {
    day.get(0..3).unwrap_or(day)
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
                    .map(|x| {
                        let s = short_day(x);
                        let mut c = s.chars();
                        c.next()
                            .map(|f| f.to_string() + &c.as_str().to_lowercase())
                            .unwrap_or_default()
                    })
                    .collect();
                format!("Weekly on {}", days.join(", "))
            }
            "MONTHLY" => "Monthly".into(),
            other => other.to_string(),
        },
    }
}

#[component]
pub fn SchedulesList(
    reload: RwSignal<u32>,
    can_change: bool,
    on_edit: Callback<String>,
    on_ran: Callback<String>,
) -> impl IntoView {
    let api = use_api();
    let zone = StoredValue::new(browser_zone());
    let list = load(requests::schedules, |t: &str| {
        serde_json::from_str::<ScheduleList>(t)
            .map(|l| l.data)
            .map_err(|e| e.to_string())
    });
    Effect::new(move |prev: Option<u32>| {
        let n = reload.get();
        if prev.is_some() {
            list.retry();
        }
        n
    });
    let note = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<String>);
    let act = move |id: String, action: &'static str| {
        let spec = match action {
            "delete" => requests::delete_schedule(&id),
            a => requests::schedule_action(&id, a),
        };
        confirming.set(None);
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(body) => {
                    match action {
                        "run" => {
                            note.try_set(Some("A report is being made now: see Reports.".into()));
                            if let Ok(uuid) = serde_json::from_str::<String>(&body) {
                                on_ran.run(uuid);
                            }
                        }
                        "delete" => {
                            note.try_set(Some("Schedule deleted.".into()));
                        }
                        _ => {
                            note.try_set(None);
                        }
                    }
                    list.retry();
                }
                Err(e) => {
                    note.try_set(Some(e.said()));
                }
            }
        });
    };
    let open = RwSignal::new(false);
    let spec = Signal::derive(requests::schedules);
    let row = move |s: ReportSchedule| {
        let id = s.reporting_schedule_id.clone();
        let (id1, id2, id3, id4, id5) =
            (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
        let name = s.name.clone();
        let status = s.status;
        let next = s.next_run.as_deref().and_then(iso_ms);
        let last = s.last_run.as_deref().and_then(iso_ms);
        let first = iso_ms(&s.event_time);
        let (badge, label) = match status {
            ScheduleStatus::Active => ("badge badge-ok", "Active"),
            ScheduleStatus::Paused => ("badge", "Paused"),
            ScheduleStatus::Ended => ("badge", "Ended"),
        };
        let zone = zone.get_value();
        view! {
            <tr data-testid="schedule-row" data-id=id.clone()>
                <td><span class="report-name">{s.name.clone()}</span>
                    {s.description.clone().map(|d| view! { <div class="muted small">{d}</div> })}
                    {(!s.filter.is_empty()).then(|| view! { <div class="muted small mono report-filter-text" title=s.filter.clone()>{s.filter.clone()}</div> })}
                </td>
                <td>{template_name_label(&s.template_name)}
                    <div class="muted small">{format!("{} · kept {} d{}", s.file_format.as_str().to_uppercase(), s.expire_after, if s.zip { " · zip" } else { "" })}</div>
                </td>
                <td data-testid="schedule-recurrence">{recurrence_text(s.report_schedule_details.as_ref())}
                    {first.map(|ms| format!(" at {}", clock(ms)))}
                    <div class="muted small">{format!("on the clock of {}", s.time_zone)}</div>
                    <div class="muted small">{first.map(|ms| format!("from {}", local_text(ms)))}</div>
                </td>
                <td data-testid="schedule-next"><BothZones ms=next zone=zone /></td>
                <td><RelTime ms=last /></td>
                <td><span class=badge data-testid="schedule-status">{label}</span></td>
                <td class="row-actions nowrap">
                    {can_change.then(|| view! {
                        <button type="button" class="btn btn-small" data-testid="run-schedule"
                            aria-label=format!("Run {name} now")
                            on:click=move |_| act(id1.clone(), "run")>"Run now"</button>
                        {match status {
                            ScheduleStatus::Active => view! {
                                <button type="button" class="btn btn-small" data-testid="pause-schedule"
                                    on:click=move |_| act(id2.clone(), "pause")>"Pause"</button>
                            }.into_any(),
                            ScheduleStatus::Paused => view! {
                                <button type="button" class="btn btn-small" data-testid="resume-schedule"
                                    on:click=move |_| act(id2.clone(), "resume")>"Resume"</button>
                            }.into_any(),
                            ScheduleStatus::Ended => ().into_any(),
                        }}
                        <button type="button" class="btn btn-small" data-testid="edit-schedule"
                            on:click=move |_| on_edit.run(id3.clone())>"Edit"</button>
                        {move || if confirming.with(|c| c.as_deref() == Some(id4.as_str())) {
                            let id = id4.clone();
                            view! {
                                <span class="confirm-inline">
                                    <button type="button" class="btn btn-small btn-danger" data-testid="confirm-delete-schedule"
                                        on:click=move |_| act(id.clone(), "delete")>"Delete"</button>
                                    <button type="button" class="btn btn-small" on:click=move |_| confirming.set(None)>"Keep"</button>
                                </span>
                            }.into_any()
                        } else {
                            let id = id5.clone();
                            view! {
                                <button type="button" class="btn btn-small" data-testid="delete-schedule"
                                    on:click=move |_| confirming.set(Some(id.clone()))>"Delete…"</button>
                            }.into_any()
                        }}
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="report-list" data-testid="schedules-list" aria-label="Schedules">
            <div class="toolbar">
                <span class="muted">{format!("Times in your time zone ({}) with UTC below.", browser_zone())}</span>
                <span class="muted" data-testid="schedule-note" role="status">{move || note.get()}</span>
                <span class="spacer"></span>
                <ApiToggle open=open on_toggle=Callback::new(move |v| open.set(v)) />
            </div>
            {move || open.get().then(|| view! { <ApiPanel spec=spec /> })}
            {move || match list.state.get() {
                Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Load::Failed(e) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Load::Ready(l) if l.is_empty() => view! {
                    <p class="muted empty-state" data-testid="schedules-empty">"No schedules yet. “New schedule” makes reports daily, weekly, monthly or once, at a time you choose."</p>
                }.into_any(),
                Load::Ready(l) => view! {
                    <div class="table-wrap">
                        <table class="data compact report-table" data-testid="schedules-table">
                            <thead><tr>
                                <th scope="col">"Schedule"</th><th scope="col">"Template"</th><th scope="col">"Runs"</th>
                                <th scope="col">"Next run"</th><th scope="col">"Last run"</th><th scope="col">"Status"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>{l.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// What the editor starts from: a schedule's own values, or a new one's.
struct Draft {
    name: String,
    description: String,
    template: Template,
    filter: String,
    columns: Vec<String>,
    recurrence: String,
    days: Vec<String>,
    first: String,
    end: String,
    expire: u32,
    format: FileFormat,
    zip: bool,
}

impl Draft {
    fn new() -> Self {
        // Tomorrow at 08:00 on the user's clock.
        let d = js_sys::Date::new_0();
        d.set_date(d.get_date() + 1);
        d.set_hours(8);
        d.set_minutes(0);
        d.set_seconds(0);
        let first = utc_to_local(&String::from(d.to_iso_string()));
        let day = WEEKDAYS[(d.get_day() as usize + 6) % 7].to_string();
        Draft {
            name: String::new(),
            description: String::new(),
            template: Template::ImageVulnerability,
            filter: String::new(),
            columns: default_columns(Template::ImageVulnerability),
            recurrence: "WEEKLY".into(),
            days: vec![day],
            first,
            end: String::new(),
            expire: DEFAULT_EXPIRE_AFTER_DAYS,
            format: FileFormat::Csv,
            zip: false,
        }
    }

    fn of(s: &ReportSchedule) -> Self {
        let template = Template::parse(&s.template_name).unwrap_or(Template::ImageVulnerability);
        Draft {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            template,
            filter: s.filter.clone(),
            columns: s.display_columns.clone(),
            recurrence: s
                .report_schedule_details
                .as_ref()
                .map(|d| d.recurrence_type.clone())
                .unwrap_or_else(|| "ONCE".into()),
            days: s
                .report_schedule_details
                .as_ref()
                .and_then(|d| d.selected_day_of_weeks.clone())
                .unwrap_or_default(),
            first: utc_to_local(&s.event_time),
            end: s
                .event_end_time
                .as_deref()
                .map(utc_to_local)
                .unwrap_or_default(),
            expire: s.expire_after,
            format: s.file_format,
            zip: s.zip,
        }
    }
}

#[component]
pub fn ScheduleEditor(
    /// The schedule being changed (`None`: a new one).
    editing: Option<ReportSchedule>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let id = editing.as_ref().map(|s| s.reporting_schedule_id.clone());
    let d = editing.as_ref().map(Draft::of).unwrap_or_else(Draft::new);
    let name = RwSignal::new(d.name);
    let description = RwSignal::new(d.description);
    let template = RwSignal::new(d.template);
    let filter = RwSignal::new(d.filter);
    let columns = RwSignal::new(d.columns);
    let recurrence = RwSignal::new(d.recurrence);
    let days = RwSignal::new(d.days);
    let first = RwSignal::new(d.first);
    let end = RwSignal::new(d.end);
    let expire = RwSignal::new(d.expire);
    let format = RwSignal::new(d.format);
    let zip = RwSignal::new(d.zip);
    let zone = browser_zone();
    let server = RwSignal::new(Vec::<FieldProblem>::new());
    let failed = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let open = RwSignal::new(false);
    let zone2 = zone.clone();
    let request = move || ScheduleRequest {
        name: name.get().trim().to_string(),
        description: Some(description.get().trim().to_string()).filter(|d| !d.is_empty()),
        filter: Some(filter.get().trim().to_string()).filter(|f| !f.is_empty()),
        display_columns: Some(columns.get()),
        template_name: template.get().as_str().to_string(),
        expire_after: expire.get(),
        event_time: local_to_utc(&first.get()).unwrap_or_default(),
        event_end_time: local_to_utc(&end.get()),
        action: Some("CREATE".into()),
        report_schedule_details: match recurrence.get().as_str() {
            "ONCE" => None,
            r => Some(ScheduleDetails {
                recurrence_type: r.to_string(),
                selected_day_of_weeks: (r == "WEEKLY").then(|| {
                    WEEKDAYS
                        .iter()
                        .filter(|w| days.with(|d| d.iter().any(|x| x == *w)))
                        .map(|w| w.to_string())
                        .collect()
                }),
            }),
        },
        zip: Some(zip.get()),
        time_zone: Some(zone2.clone()),
        file_format: Some(format.get()),
    };
    let request = StoredValue::new(request);
    let id2 = id.clone();
    let spec = Signal::derive(move || {
        requests::save_schedule(id2.as_deref(), &request.with_value(|r| r()))
    });
    let problems = Memo::new(move |_| {
        let mut p = request.with_value(|r| r()).problems();
        if local_to_utc(&first.get()).is_none() {
            p.push(FieldProblem::new(
                "eventTime",
                "when the first report is made",
            ));
        }
        p
    });
    let problem = move |field: &'static str| {
        Signal::derive(move || problem_for(&problems.get(), &server.get(), field))
    };
    let save = move |_| {
        if !problems.get_untracked().is_empty() || columns.with_untracked(Vec::is_empty) {
            return;
        }
        busy.set(true);
        failed.set(None);
        let spec = spec.get_untracked();
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => on_saved.run(()),
                Err(e) => {
                    server.try_set(e.details().to_vec());
                    failed.try_set(Some(e.said()));
                }
            }
            busy.try_set(false);
        });
    };
    let first_ms = Signal::derive(move || local_to_utc(&first.get()).and_then(|u| iso_ms(&u)));
    let title = if id.is_some() {
        "Change schedule"
    } else {
        "New schedule"
    };
    let name_problem = problem("name");
    let days_problem = problem("reportScheduleDetails.selectedDayOfWeeks");
    let first_problem = problem("eventTime");
    let end_problem = problem("eventEndTime");
    let zone3 = zone.clone();
    view! {
        <section class="card report-editor" data-testid="schedule-editor" aria-labelledby="schedule-title">
            <header class="settings-head">
                <div>
                    <h2 id="schedule-title">{title}</h2>
                    <p class="muted">"Each run makes a report from the data as it is then, listed under Reports with the others."</p>
                </div>
                <ApiToggle open=open on_toggle=Callback::new(move |v| open.set(v)) />
            </header>
            {move || open.get().then(|| view! {
                <p class="muted small">"What Save sends:"</p>
                <ApiPanel spec=spec />
            })}
            <div class="settings-form">
                <div class="form-row">
                    <label for="schedule-name">"Name"</label>
                    <input id="schedule-name" class="input" data-testid="schedule-name" maxlength="150"
                        aria-invalid=move || name_problem.get().is_some().to_string()
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    {move || name_problem.get().map(|m| view! { <p class="field-error" role="alert" data-testid="error-name">{m}</p> })}
                </div>
                <div class="form-row">
                    <label for="schedule-description">"Description"</label>
                    <input id="schedule-description" class="input" placeholder="Optional"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev)) />
                </div>
                <TemplatePicker template id="schedule-template" />
                <FilterField template filter />
                <ColumnsField template columns />
                <div class="form-row schedule-when">
                    <span class="label" id="recurrence-label">"Runs"</span>
                    <div class="schedule-recurrence" role="radiogroup" aria-labelledby="recurrence-label">
                        {[("ONCE", "Once"), ("DAILY", "Daily"), ("WEEKLY", "Weekly"), ("MONTHLY", "Monthly")].into_iter().map(|(v, l)| view! {
                            <label class="check-label">
                                <input type="radio" name="recurrence" value=v data-testid=format!("recurrence-{}", v.to_lowercase())
                                    prop:checked=move || recurrence.get() == v
                                    on:change=move |_| recurrence.set(v.to_string()) />
                                {l}
                            </label>
                        }).collect_view()}
                    </div>
                </div>
                {move || (recurrence.get() == "WEEKLY").then(|| view! {
                    <div class="form-row">
                        <span class="label">"On"</span>
                        <div>
                            <div class="window-days" role="group" aria-label="Days of the week">
                                {WEEKDAYS.iter().map(|&w| view! {
                                    <label class="day-toggle" title=w>
                                        <input type="checkbox" data-testid=format!("day-{}", w.to_lowercase())
                                            prop:checked=move || days.with(|d| d.iter().any(|x| x == w))
                                            on:change=move |_| days.update(|d| {
                                                if d.iter().any(|x| x == w) { d.retain(|x| x != w) } else { d.push(w.to_string()) }
                                            }) />
                                        <span>{short_day(w).to_string()}</span>
                                    </label>
                                }).collect_view()}
                            </div>
                            {move || days_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </div>
                    </div>
                })}
                <div class="form-row">
                    <label for="schedule-first">{move || if recurrence.get() == "ONCE" { "At" } else { "First run" }}</label>
                    <div>
                        <input id="schedule-first" type="datetime-local" class="input" data-testid="schedule-first"
                            aria-invalid=move || first_problem.get().is_some().to_string()
                            prop:value=move || first.get()
                            on:input=move |ev| first.set(event_target_value(&ev)) />
                        <p class="muted small field-hint" data-testid="schedule-first-utc">
                            {move || first_ms.get().map(|ms| format!("{} in your time zone ({}) = {}", local_text(ms), zone3, exact_utc(ms)))}
                        </p>
                        {move || (recurrence.get() == "MONTHLY").then(|| view! {
                            <p class="muted small field-hint">"Monthly runs fall on the same day of the month; in a month without it (the 31st in April), on its last day."</p>
                        })}
                        {move || first_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </div>
                </div>
                {move || (recurrence.get() != "ONCE").then(|| view! {
                    <div class="form-row">
                        <label for="schedule-end">"Until"</label>
                        <div>
                            <input id="schedule-end" type="datetime-local" class="input" data-testid="schedule-end"
                                prop:value=move || end.get()
                                on:input=move |ev| end.set(event_target_value(&ev)) />
                            <p class="muted small field-hint">"Optional: no run after it."</p>
                            {move || end_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </div>
                    </div>
                })}
                <FileFields format expire id="schedule" />
                <div class="form-row">
                    <span class="label">"Packing"</span>
                    <label class="check-label">
                        <input type="checkbox" data-testid="schedule-zip" prop:checked=move || zip.get()
                            on:change=move |_| zip.update(|z| *z = !*z) />
                        "Zip each file"
                    </label>
                </div>
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" data-testid="save-schedule"
                        disabled=move || busy.get() || !problems.with(Vec::is_empty) || columns.with(Vec::is_empty)
                        on:click=save>"Save schedule"</button>
                    <button type="button" class="btn" data-testid="cancel-schedule"
                        on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    {move || failed.get().map(|m| view! { <div class="notice notice-error" role="alert" data-testid="failed">{m}</div> })}
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recurrences_read_as_words() {
        assert_eq!(recurrence_text(None), "Once");
        let weekly = ScheduleDetails {
            recurrence_type: "WEEKLY".into(),
            selected_day_of_weeks: Some(vec!["MONDAY".into(), "THURSDAY".into()]),
        };
        assert_eq!(recurrence_text(Some(&weekly)), "Weekly on Mon, Thu");
        let daily = ScheduleDetails {
            recurrence_type: "DAILY".into(),
            selected_day_of_weeks: None,
        };
        assert_eq!(recurrence_text(Some(&daily)), "Daily");
    }
}
