//! Reports tab: reports made on demand or by schedule, newest first, to download while they
//! are kept; "New report" (also reached from the Images and Containers tabs with their filter,
//! `?new=report&template=…&filter=…`); the schedules with their editor (`?tab=schedules`,
//! `?new=schedule`, `?edit=<schedule id>`). Every list and form shows its API request.

mod fields;
mod form;
mod list;
mod schedules;

use crate::api::{requests, use_api};
use crate::navigation::use_navigator;
use crate::session::use_session;
use form::NewReport;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use list::ReportsList;
use schedules::{ScheduleEditor, SchedulesList};
use shipshape_model::report::{ReportSchedule, Template};
use shipshape_model::request::percent_encode;
use shipshape_model::Role;

/// The page's URL for a report on `filter` with `template` (the Images and Containers tabs'
/// "Report on this filter").
pub fn new_report_url(template: Template, filter: &str) -> String {
    let mut url = format!("/reports?new=report&template={}", template.as_str());
    if !filter.trim().is_empty() {
        url.push_str("&filter=");
        url.push_str(&percent_encode(filter.trim()));
    }
    url
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let nav = use_navigator();
    let session = use_session();
    let can_change = untrack(|| session.role()).allows(Role::Operator);
    let param = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let tab = Memo::new(move |_| param("tab").unwrap_or_else(|| "reports".into()));
    let new = Memo::new(move |_| param("new"));
    let edit = Memo::new(move |_| param("edit"));
    let reports_reload = RwSignal::new(0u32);
    let schedules_reload = RwSignal::new(0u32);
    let fresh = RwSignal::new(None::<String>);

    let made = Callback::new(move |uuid: String| {
        fresh.set(Some(uuid));
        reports_reload.update(|n| *n += 1);
        nav.push("/reports");
    });
    let close =
        Callback::new(move |_: ()| nav.push(&format!("/reports?tab={}", tab.get_untracked())));
    let schedule_saved = Callback::new(move |_: ()| {
        schedules_reload.update(|n| *n += 1);
        nav.push("/reports?tab=schedules");
    });

    // The schedule being edited, loaded by its id.
    let api = use_api();
    let editing = RwSignal::new(None::<Result<ReportSchedule, String>>);
    Effect::new(move |_| {
        editing.set(None);
        if let Some(id) = edit.get() {
            spawn_local(async move {
                let got = api
                    .json::<ReportSchedule>(&requests::schedule(&id), None)
                    .await
                    .map_err(|e| e.to_string());
                editing.try_set(Some(got));
            });
        }
    });

    let editor = move || {
        if !can_change {
            return ().into_any();
        }
        match (new.get().as_deref(), edit.get()) {
            (Some("report"), _) => {
                let template = param("template")
                    .and_then(|t| Template::parse(&t))
                    .unwrap_or(Template::ImageVulnerability);
                let filter = untrack(|| param("filter")).unwrap_or_default();
                view! { <NewReport template filter on_created=made on_cancel=close /> }.into_any()
            }
            (Some("schedule"), _) => {
                view! { <ScheduleEditor editing=None on_saved=schedule_saved on_cancel=close /> }
                    .into_any()
            }
            (_, Some(_)) => match editing.get() {
                None => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Some(Err(e)) => {
                    view! { <div class="notice notice-error" role="alert">{e}</div> }.into_any()
                }
                Some(Ok(s)) => view! {
                    <ScheduleEditor editing=Some(s) on_saved=schedule_saved on_cancel=close />
                }
                .into_any(),
            },
            _ => ().into_any(),
        }
    };

    let tab_link = move |id: &'static str, label: &'static str| {
        view! {
            <a href=format!("/reports?tab={id}") role="tab" class="tab"
                class:tab-active=move || tab.get() == id
                aria-selected=move || (tab.get() == id).to_string()
                data-testid=format!("tab-{id}")>{label}</a>
        }
    };

    view! {
        <div class="page reports-page" data-testid="reports-page">
            <header class="page-head">
                <h1>"Reports"</h1>
                <span class="muted">"Files of vulnerabilities, secrets, malware and inventories for people who never open the console."</span>
                <span class="spacer"></span>
                {can_change.then(|| view! {
                    <a class="btn btn-primary" href="/reports?new=report" data-testid="new-report-button">"New report"</a>
                    <a class="btn" href="/reports?tab=schedules&new=schedule" data-testid="new-schedule-button">"New schedule"</a>
                })}
            </header>
            {editor}
            <div class="tabs" role="tablist" aria-label="Reports and schedules">
                {tab_link("reports", "Reports")}
                {tab_link("schedules", "Schedules")}
            </div>
            {move || if tab.get() == "schedules" {
                view! {
                    <SchedulesList reload=schedules_reload can_change
                        on_edit=Callback::new(move |id: String| nav.push(&format!("/reports?tab=schedules&edit={}", percent_encode(&id))))
                        on_ran=Callback::new(move |uuid: String| {
                            fresh.set(Some(uuid));
                            reports_reload.update(|n| *n += 1);
                        }) />
                }.into_any()
            } else {
                view! { <ReportsList reload=reports_reload fresh=fresh can_change /> }.into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_on_a_filter_is_a_link_with_the_filter_encoded() {
        assert_eq!(
            new_report_url(Template::Images, ""),
            "/reports?new=report&template=CS_Images"
        );
        assert_eq!(
            new_report_url(Template::ContainerVulnerability, "state:RUNNING and name:`a&b`"),
            "/reports?new=report&template=CS_CONTAINER_VULNERABILITY&filter=state%3ARUNNING%20and%20name%3A%60a%26b%60"
        );
    }
}
