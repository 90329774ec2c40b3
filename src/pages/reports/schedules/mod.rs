//! Report schedules: the list (how often, the next run in your time zone and in UTC, run
//! now, pause and resume, edit, delete) and the editor.

mod editor;
mod local_time;
mod words;

use super::fields::template_name_label;
use super::list::iso_ms;
use crate::api::{load, requests, use_api, Load};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use crate::components::reltime::RelTime;
use leptos::prelude::*;
use leptos::task::spawn_local;
use local_time::{browser_zone, clock, local_text, BothZones};
use shipshape_model::report::{ReportSchedule, ScheduleStatus};
use words::{file_text, recurrence_text, status_badge};

pub use editor::ScheduleEditor;

#[derive(serde::Deserialize, Clone, PartialEq)]
struct ScheduleList {
    data: Vec<ReportSchedule>,
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
        let (badge, label) = status_badge(status);
        let zone = zone.get_value();
        view! {
            <tr data-testid="schedule-row" data-id=id.clone()>
                <td><span class="report-name">{s.name.clone()}</span>
                    {s.description.clone().map(|d| view! { <div class="muted small">{d}</div> })}
                    {(!s.filter.is_empty()).then(|| view! { <div class="muted small mono report-filter-text" title=s.filter.clone()>{s.filter.clone()}</div> })}
                </td>
                <td>{template_name_label(&s.template_name)}
                    <div class="muted small">{file_text(s.file_format, s.expire_after, s.zip)}</div>
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
