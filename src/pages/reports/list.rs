//! The reports list: newest first, with where each stands, its rows and size once generated,
//! its expiry, and the download. While a report is queued or running the list asks again
//! every two seconds.

use super::fields::template_name_label;
use crate::api::{load, requests, use_api, Load};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use crate::components::download::save_bytes;
use crate::components::reltime::RelTime;
use crate::format::{bytes, thousands};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::report::{file_name, Report, ReportStatus};

const PAGE_SIZE: u32 = 25;

#[derive(serde::Deserialize, Clone, PartialEq)]
struct ReportList {
    count: u64,
    data: Vec<Report>,
}

/// Epoch ms of an ISO 8601 time the API sent.
pub fn iso_ms(iso: &str) -> Option<i64> {
    let ms = js_sys::Date::parse(iso);
    (!ms.is_nan()).then_some(ms as i64)
}

/// The status filter's choices: (label, QQL).
const STATUSES: [(&str, &str); 6] = [
    ("Any status", ""),
    ("Ready", "status:GENERATED"),
    ("Queued", "status:QUEUED"),
    ("Running", "status:RUNNING"),
    ("Failed", "status:FAILED"),
    ("Expired", "status:EXPIRED"),
];

fn status_badge(r: &Report) -> impl IntoView {
    let (class, label) = match r.status {
        ReportStatus::Queued => ("badge", "Queued"),
        ReportStatus::Running => ("badge badge-accent", "Running…"),
        ReportStatus::Generated => ("badge badge-ok", "Ready"),
        ReportStatus::Failed => ("badge badge-danger", "Failed"),
        ReportStatus::Expired => ("badge", "Expired"),
    };
    view! {
        <span class=class data-testid="report-status" data-status=r.status.as_str()
            title=r.error.clone().unwrap_or_default()>{label}</span>
    }
}

#[component]
pub fn ReportsList(
    /// Bumped by the page when a report was just made: the list loads again.
    reload: RwSignal<u32>,
    /// The report just made, shown highlighted.
    #[prop(into)]
    fresh: Signal<Option<String>>,
    can_change: bool,
) -> impl IntoView {
    let api = use_api();
    let status = RwSignal::new(0usize);
    let page = RwSignal::new(1u32);
    let spec =
        Memo::new(move |_| requests::reports(STATUSES[status.get()].1, page.get(), PAGE_SIZE));
    let list = load(
        move || spec.get(),
        |t: &str| serde_json::from_str::<ReportList>(t).map_err(|e| e.to_string()),
    );
    Effect::new(move |prev: Option<u32>| {
        let n = reload.get();
        if prev.is_some() {
            list.retry();
        }
        n
    });
    // Pending reports: ask again in a moment (once per answer).
    Effect::new(move |_| {
        let pending = list.state.with(|s| {
            s.ready().is_some_and(|l| {
                l.data
                    .iter()
                    .any(|r| matches!(r.status, ReportStatus::Queued | ReportStatus::Running))
            })
        });
        if pending {
            spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(2_000).await;
                // Unless the page has gone meanwhile.
                if list.state.try_with_untracked(|_| ()).is_some() {
                    list.retry();
                }
            });
        }
    });
    // The last answer stays on screen while the list asks again (no flicker every 2 s).
    let shown = RwSignal::new(None::<ReportList>);
    Effect::new(move |_| {
        if let Load::Ready(l) = list.state.get() {
            shown.set(Some(l));
        }
    });
    let note = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<String>);
    let download = move |r: Report| {
        note.set(Some(format!("Downloading “{}”…", r.report_name)));
        let fallback = file_name(
            &r.report_name,
            r.file_format,
            r.compression.unwrap_or_default(),
        );
        spawn_local(async move {
            let msg = match api.file(&requests::download_report(&r.report_uuid)).await {
                Ok(f) => {
                    let name = f.name.unwrap_or(fallback);
                    match save_bytes(&name, &f.mime, &f.bytes) {
                        Ok(()) => None,
                        Err(e) => Some(format!("Could not save the file: {e}")),
                    }
                }
                Err(e) => Some(e.said()),
            };
            note.try_set(msg);
        });
    };
    let delete = move |uuid: String| {
        confirming.set(None);
        spawn_local(async move {
            match api.text(&requests::delete_reports(&[uuid]), None).await {
                Ok(_) => {
                    note.try_set(Some("Report deleted.".into()));
                    list.retry();
                }
                Err(e) => {
                    note.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let open = RwSignal::new(false);
    let row = move |r: Report| {
        let fresh_row = fresh.with(|f| f.as_deref() == Some(r.report_uuid.as_str()));
        let ready = r.status == ReportStatus::Generated;
        let uuid = r.report_uuid.clone();
        let uuid2 = r.report_uuid.clone();
        let name = r.report_name.clone();
        let for_download = r.clone();
        let created = iso_ms(&r.created_at);
        let expires = r.expires_at.as_deref().and_then(iso_ms);
        view! {
            <tr data-testid="report-row" data-uuid=r.report_uuid.clone() class:row-fresh=fresh_row>
                <td>
                    <span class="report-name">{r.report_name.clone()}</span>
                    {r.description.clone().map(|d| view! { <div class="muted small">{d}</div> })}
                    {(!r.filter.is_empty()).then(|| view! { <div class="muted small mono report-filter-text" title=r.filter.clone()>{r.filter.clone()}</div> })}
                </td>
                <td>{template_name_label(&r.template_name)}
                    <div class="muted small">{if r.report_type == "SCHEDULED" { "scheduled" } else { "on demand" }}
                        {format!(" · {}", r.file_format.as_str().to_uppercase())}
                        {r.compression.filter(|c| *c != shipshape_model::report::Compression::None).map(|c| format!(" · {}", c.as_str()))}
                    </div>
                </td>
                <td>{status_badge(&r)}
                    {r.error.clone().map(|e| view! { <div class="field-error small" data-testid="report-error">{e}</div> })}
                </td>
                <td class="num" data-testid="report-rows">{r.rows.map(thousands).unwrap_or_default()}</td>
                <td class="num">{r.size.map(|s| bytes(s as i64)).unwrap_or_default()}</td>
                <td><RelTime ms=created />{r.created_by.clone().map(|b| view! { <div class="muted small">{format!("by {b}")}</div> })}</td>
                <td>{if r.status == ReportStatus::Expired { view! { <span class="muted">"expired"</span> }.into_any() } else { view! { <RelTime ms=expires /> }.into_any() }}</td>
                <td class="row-actions nowrap">
                    {ready.then(|| view! {
                        <button type="button" class="btn btn-small btn-primary" data-testid="download-report"
                            aria-label=format!("Download {}", r.report_name)
                            on:click=move |_| download(for_download.clone())>"Download"</button>
                    })}
                    {can_change.then(|| view! {
                        {move || if confirming.with(|c| c.as_deref() == Some(uuid.as_str())) {
                            let uuid = uuid.clone();
                            view! {
                                <span class="confirm-inline">
                                    <button type="button" class="btn btn-small btn-danger" data-testid="confirm-delete-report"
                                        on:click=move |_| delete(uuid.clone())>"Delete"</button>
                                    <button type="button" class="btn btn-small" on:click=move |_| confirming.set(None)>"Keep"</button>
                                </span>
                            }.into_any()
                        } else {
                            let uuid = uuid2.clone();
                            view! {
                                <button type="button" class="btn btn-small" data-testid="delete-report"
                                    aria-label=format!("Delete {name}")
                                    on:click=move |_| confirming.set(Some(uuid.clone()))>"Delete…"</button>
                            }.into_any()
                        }}
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="report-list" data-testid="reports-list" aria-label="Reports">
            <div class="toolbar">
                <label class="inline-controls">
                    <span class="sr-only">"Status"</span>
                    <select class="input" data-testid="report-status-filter"
                        on:change=move |ev| {
                            status.set(event_target_value(&ev).parse().unwrap_or(0));
                            page.set(1);
                        }>
                        {STATUSES.iter().enumerate().map(|(i, (label, _))| view! {
                            <option value=i.to_string() selected=i == 0>{*label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <span class="muted" data-testid="report-note" role="status">{move || note.get()}</span>
                <span class="spacer"></span>
                <ApiToggle open=open on_toggle=Callback::new(move |v| open.set(v)) />
            </div>
            {move || open.get().then(|| view! { <ApiPanel spec=spec list=true /> })}
            {move || match (list.state.with(|s| match s {
                Load::Failed(e) => Some(e.to_string()),
                _ => None,
            }), shown.get()) {
                (Some(e), _) => view! {
                    <div class="notice notice-error" role="alert">{e}
                        <button type="button" class="btn btn-small" on:click=move |_| list.retry()>"Retry"</button>
                    </div>
                }.into_any(),
                (None, None) => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                (None, Some(l)) if l.data.is_empty() => view! {
                    <p class="muted empty-state" data-testid="reports-empty">
                        {if status.get_untracked() == 0 && page.get_untracked() == 1 {
                            "No reports yet. “New report” makes one from any filter; the Images and Containers tabs offer “Report on this filter”."
                        } else {
                            "No report matches."
                        }}
                    </p>
                }.into_any(),
                (None, Some(l)) => {
                    let pages = l.count.div_ceil(u64::from(PAGE_SIZE)).max(1);
                    let at = page.get_untracked();
                    let at_end = u64::from(at) >= pages;
                    let total = if l.count == 1 { "1 report".to_string() } else { format!("{} reports", thousands(l.count)) };
                    view! {
                        <div class="table-wrap">
                            <table class="data compact report-table" data-testid="reports-table">
                                <thead><tr>
                                    <th scope="col">"Report"</th><th scope="col">"Template"</th><th scope="col">"Status"</th>
                                    <th scope="col" class="num">"Rows"</th><th scope="col" class="num">"Size"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Expires"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>{l.data.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                        <div class="pager">
                            <span class="pager-range" data-testid="reports-count">{total}</span>
                            <button type="button" class="btn btn-small" disabled=at <= 1
                                on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"‹ Previous"</button>
                            <span class="pager-page">{format!("Page {at} of {pages}")}</span>
                            <button type="button" class="btn btn-small" disabled=at_end
                                on:click=move |_| page.update(|p| *p += 1)>"Next ›"</button>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
