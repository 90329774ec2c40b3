//! The schedule editor: a new schedule or a change to one — what it reports (template,
//! filter, columns), when it runs on the user's clock (once, daily, weekly on chosen days or
//! monthly, from a first run until an optional end) and the file each run makes.

use super::local_time::{browser_zone, local_text, local_to_utc, utc_to_local};
use super::words::short_day;
use crate::api::{requests, use_api};
use crate::format::exact_utc;
use crate::pages::reports::fields::{
    default_columns, ColumnsField, FileFields, FilterField, NameField, TemplatePicker,
};
use crate::pages::reports::list::iso_ms;
use crate::pages::settings::form::{problem_for, FormHead};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::report::{
    FileFormat, ReportSchedule, ScheduleDetails, ScheduleRequest, Template,
    DEFAULT_EXPIRE_AFTER_DAYS, WEEKDAYS,
};
use shipshape_model::FieldProblem;

/// JavaScript's day of the week (`Date.getDay`, 0 = Sunday) as the API names it.
fn weekday(js_day: u32) -> &'static str {
    WEEKDAYS[(js_day as usize + 6) % 7]
}

/// The recurrence the editor's choices make: none for a one-shot; the ticked days, in the
/// week's order whatever order they were ticked in, for a weekly one only.
fn schedule_details(recurrence: &str, days: &[String]) -> Option<ScheduleDetails> {
    match recurrence {
        "ONCE" => None,
        r => Some(ScheduleDetails {
            recurrence_type: r.to_string(),
            selected_day_of_weeks: (r == "WEEKLY").then(|| {
                WEEKDAYS
                    .iter()
                    .filter(|w| days.iter().any(|x| x == *w))
                    .map(|w| w.to_string())
                    .collect()
            }),
        }),
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
        let day = weekday(d.get_day()).to_string();
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
        report_schedule_details: days.with(|d| schedule_details(&recurrence.get(), d)),
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
            <FormHead spec=spec>
                <h2 id="schedule-title">{title}</h2>
                <p class="muted">"Each run makes a report from the data as it is then, listed under Reports with the others."</p>
            </FormHead>
            <div class="settings-form">
                <NameField id="schedule-name" name problem=name_problem />
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
    fn javascript_days_name_the_api_weekdays() {
        assert_eq!(weekday(0), "SUNDAY");
        assert_eq!(weekday(1), "MONDAY");
        assert_eq!(weekday(6), "SATURDAY");
    }

    #[test]
    fn only_a_weekly_schedule_sends_its_days_in_the_weeks_order() {
        let ticked = vec!["FRIDAY".to_string(), "MONDAY".to_string()];
        assert_eq!(schedule_details("ONCE", &ticked), None);
        let weekly = schedule_details("WEEKLY", &ticked).unwrap();
        assert_eq!(weekly.recurrence_type, "WEEKLY");
        assert_eq!(
            weekly.selected_day_of_weeks,
            Some(vec!["MONDAY".to_string(), "FRIDAY".to_string()])
        );
        // Days ticked while the schedule was weekly stay behind when it becomes daily.
        let daily = schedule_details("DAILY", &ticked).unwrap();
        assert_eq!(daily.recurrence_type, "DAILY");
        assert_eq!(daily.selected_day_of_weeks, None);
        assert_eq!(
            schedule_details("MONTHLY", &[])
                .unwrap()
                .selected_day_of_weeks,
            None
        );
        // Nothing ticked: an empty list, which the model's check then refuses.
        assert_eq!(
            schedule_details("WEEKLY", &[])
                .unwrap()
                .selected_day_of_weeks,
            Some(vec![])
        );
    }
}
