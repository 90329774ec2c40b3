//! Settings › Data retention: the policy form with a live preview of what it would purge now,
//! a confirmation when more than a tenth of a kind would go, a purge on demand, and past runs.

mod preview;
mod rules;
mod runs;

use super::form::{problem_for, FormHead, SaveState, SaveStatus, Setting};
use crate::api::{requests, use_api, Inflight};
use crate::format::thousands;
use leptos::prelude::*;
use leptos::task::spawn_local;
use preview::{count_text, summary};
use rules::{Rule, StatesPick};
use runs::RunsTable;
use shipshape_model::retention::{
    large_purges, Kind, RetentionCounts, RetentionPolicy, RetentionRun,
};
use shipshape_model::Role;

/// How long the form waits after the last edit before asking for a preview.
const PREVIEW_DELAY_MS: u32 = 250;

#[derive(serde::Deserialize, Clone)]
struct History {
    data: Vec<RetentionRun>,
}

#[derive(serde::Deserialize)]
struct Started {
    #[serde(rename = "jobId")]
    job_id: String,
}

#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

#[component]
pub fn RetentionSettings() -> impl IntoView {
    let api = use_api();
    let admin = crate::session::use_session().role().allows(Role::Admin);
    let draft = RwSignal::new(RetentionPolicy::default());
    let saved = RwSignal::new(None::<RetentionPolicy>);
    let setting = Setting::<RetentionPolicy>::new(requests::retention, move |p| {
        draft.set(p.clone());
        saved.set(Some(p));
    });
    let problems = Memo::new(move |_| draft.with(RetentionPolicy::check));
    let preview = RwSignal::new(None::<Result<RetentionCounts, String>>);
    let totals = RwSignal::new(None::<RetentionCounts>);
    let history = RwSignal::new(Vec::<RetentionRun>::new());
    let confirm = RwSignal::new(Vec::<(Kind, f64)>::new());
    let running = RwSignal::new(None::<String>);

    // Totals, for the share of each kind a policy would purge.
    spawn_local(async move {
        let mut t = RetentionCounts::default();
        for (kind, entity) in [
            (Kind::Sensors, "sensors"),
            (Kind::Images, "images"),
            (Kind::Containers, "containers"),
        ] {
            if let Ok(c) = api.json::<Count>(&requests::count(entity, ""), None).await {
                t.add(kind, c.count);
            }
        }
        totals.set(Some(t));
    });
    let load_history = move || {
        spawn_local(async move {
            if let Ok(h) = api
                .json::<History>(&requests::retention_history(), None)
                .await
            {
                history.set(h.data);
            }
        })
    };
    load_history();

    // The preview follows the draft, a moment after the last edit; the newest request wins.
    let inflight = Inflight::new();
    let edits = StoredValue::new(0u32);
    Effect::new(move |_| {
        let policy = draft.get();
        if !problems.with(Vec::is_empty) {
            preview.set(None);
            return;
        }
        let n = edits.get_value() + 1;
        edits.set_value(n);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(PREVIEW_DELAY_MS).await;
            if edits.get_value() != n {
                return;
            }
            let signal = inflight.next();
            match api
                .json::<RetentionCounts>(&requests::preview_retention(&policy), signal.as_ref())
                .await
            {
                Err(e) if e.is_aborted() => {}
                Err(e) => preview.set(Some(Err(e.to_string()))),
                Ok(c) => preview.set(Some(Ok(c))),
            }
        });
    });

    let save_spec = Memo::new(move |_| requests::save_retention(&draft.get(), &setting.etag.get()));
    let do_save = move || {
        confirm.set(Vec::new());
        setting.save(api, save_spec.get_untracked(), move |p: RetentionPolicy| {
            draft.set(p.clone());
            saved.set(Some(p));
        });
    };
    // Saving asks first when the change makes the policy purge more than a tenth of a kind. The counts
    // are taken for the policy as it is at the click (the live preview may still be on its
    // way), so a quick Save cannot skip the question.
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !problems.with_untracked(Vec::is_empty) {
            return;
        }
        let policy = draft.get_untracked();
        setting.state.set(SaveState::Saving);
        spawn_local(async move {
            let counts = match api
                .json::<RetentionCounts>(&requests::preview_retention(&policy), None)
                .await
            {
                Ok(c) => c,
                Err(e) => {
                    setting.state.set(SaveState::Failed(format!(
                        "Could not count what this policy purges: {e}"
                    )));
                    return;
                }
            };
            preview.set(Some(Ok(counts)));
            // Only a tightening asks: the kinds of which this policy purges more than a tenth,
            // and more than the saved policy would.
            let before = match saved.get_untracked() {
                Some(p) if p.enabled => api
                    .json::<RetentionCounts>(&requests::preview_retention(&p), None)
                    .await
                    .unwrap_or_default(),
                _ => RetentionCounts::default(),
            };
            let large = match totals.get_untracked() {
                Some(t) if policy.enabled => large_purges(&counts, &before, &t),
                _ => Vec::new(),
            };
            if large.is_empty() {
                do_save();
            } else {
                setting.state.set(SaveState::Idle);
                confirm.set(large);
            }
        });
    };
    let reload = Callback::new(move |_| {
        setting.reload(move |p: RetentionPolicy| {
            draft.set(p.clone());
            saved.set(Some(p));
        })
    });
    let run_now = move |_| {
        spawn_local(async move {
            match api.json::<Started>(&requests::run_retention(), None).await {
                Ok(s) => {
                    running.set(Some(s.job_id.clone()));
                    load_history();
                    // Follow the run until it ends, then show it in the list.
                    loop {
                        gloo_timers::future::TimeoutFuture::new(700).await;
                        match api
                            .json::<shipshape_model::Job>(&requests::job(&s.job_id), None)
                            .await
                        {
                            Ok(j)
                                if matches!(
                                    j.status,
                                    shipshape_model::JobStatus::Completed
                                        | shipshape_model::JobStatus::Failed
                                ) =>
                            {
                                break
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                    running.set(None);
                    load_history();
                    // The preview again: what the run left.
                    draft.update(|_| {});
                }
                Err(e) => setting.state.set(SaveState::Failed(e.to_string())),
            }
        });
    };
    let dirty = move || saved.with(|s| s.as_ref() != Some(&draft.get()));
    let problem = move |field: &'static str| {
        Signal::derive(move || problem_for(&problems.get(), &setting.server.get(), field))
    };

    view! {
        <section class="settings-section" data-testid="retention-settings" aria-labelledby="retention-title">
            <FormHead spec=save_spec>
                <h2 id="retention-title">"Data retention"</h2>
                <p class="muted">"Old records pile up. Retention deletes them by rule: every hour, and when you ask."</p>
            </FormHead>
            {move || match setting.loaded.get() {
                None => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Some(Err(e)) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Some(Ok(_)) => view! {
                    <form class="settings-form" on:submit=on_save novalidate>
                        {(!admin).then(|| view! { <p class="notice">"Only administrators change settings; you can look and preview."</p> })}
                        <label class="switch-row">
                            <input type="checkbox" data-testid="retention-enabled" disabled=!admin
                                prop:checked=move || draft.with(|d| d.enabled)
                                on:change=move |ev| draft.update(|d| d.enabled = event_target_checked(&ev)) />
                            <span><strong>"Purge old records automatically"</strong>
                                <span class="muted">" — while off, nothing is purged."</span></span>
                        </label>
                        <p class="advice" data-testid="retention-advice">
                            "Usual advice: start at 6 months and tighten gradually, watching the preview. "
                            "Purged records cannot be brought back, but a sensor reports again what it still sees."
                        </p>
                        <div class="rules" class:rules-off=move || !draft.with(|d| d.enabled)>
                            <Rule kind=Kind::Sensors draft admin preview totals
                                title="Sensors" what="in status UNKNOWN, last checked in longer ago than"
                                problem=problem("rules.sensors.days") />
                            <Rule kind=Kind::Containers draft admin preview totals
                                title="Containers" what="stopped, deleted… and whose state changed longer ago than"
                                problem=problem("rules.containers.days") />
                            <StatesPick draft admin problem=problem("rules.containers.states") />
                            <Rule kind=Kind::Images draft admin preview totals
                                title="Images" what="used by no container, last scanned longer ago than"
                                problem=problem("rules.images.days") />
                            <div class="rule">
                                <label class="rule-name">
                                    <input type="checkbox" data-testid="rule-reports-enabled" disabled=!admin
                                        prop:checked=move || draft.with(|d| d.rules.reports.enabled)
                                        on:change=move |ev| draft.update(|d| d.rules.reports.enabled = event_target_checked(&ev)) />
                                    <strong>"Reports"</strong>
                                </label>
                                <span class="rule-what muted">"report files past their expiry"</span>
                                <span class="rule-count" data-testid="preview-reports">{move || count_text(preview.get(), None, Kind::Reports)}</span>
                            </div>
                        </div>
                        <p class="preview-line" role="status" data-testid="preview-summary">{move || summary(preview.get(), draft.with(|d| d.enabled))}</p>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" data-testid="retention-save"
                                disabled=move || !admin || !problems.with(Vec::is_empty) || setting.state.get() == SaveState::Saving>
                                "Save"
                            </button>
                            <button type="button" class="btn" data-testid="retention-reset" disabled=move || !dirty()
                                on:click=move |_| if let Some(s) = saved.get_untracked() { draft.set(s) }>"Discard changes"</button>
                            {move || dirty().then(|| view! { <span class="muted" data-testid="unsaved">"Unsaved changes"</span> })}
                            <span class="spacer"></span>
                            <button type="button" class="btn" data-testid="retention-run"
                                disabled=move || !admin || running.get().is_some() || dirty() || !saved.with(|s| s.as_ref().is_some_and(|s| s.enabled))
                                title="Purges now with the saved policy"
                                on:click=run_now>
                                {move || if running.get().is_some() { "Purging…" } else { "Purge now" }}
                            </button>
                        </div>
                        <SaveStatus state=setting.state on_reload=reload />
                    </form>
                }.into_any(),
            }}
            {move || (!confirm.get().is_empty()).then(|| view! {
                <div class="modal-backdrop">
                    <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="retention-confirm">
                        <h3 id="confirm-title">"This policy purges a large share of your records"</h3>
                        <ul>
                            {confirm.get().into_iter().map(|(k, share)| {
                                let n = preview.get_untracked().and_then(|p| p.ok()).map(|p| p.get(k)).unwrap_or(0);
                                let t = totals.get_untracked().map(|t| t.get(k)).unwrap_or(0);
                                view! { <li>{format!("{} {} of {} ({:.0}%)", thousands(n), k.as_str(), thousands(t), share * 100.0)}</li> }
                            }).collect_view()}
                        </ul>
                        <p>"They go at the next hourly run and cannot be brought back. Save anyway?"</p>
                        <div class="modal-actions">
                            <button type="button" class="btn" data-testid="confirm-cancel" on:click=move |_| confirm.set(Vec::new())>"Cancel"</button>
                            <button type="button" class="btn btn-danger" data-testid="confirm-save" on:click=move |_| do_save()>"Save policy"</button>
                        </div>
                    </div>
                </div>
            })}
            <h3 class="settings-sub">"Past runs"</h3>
            <RunsTable history />
        </section>
    }
}
