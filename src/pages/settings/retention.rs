//! Settings › Data retention: the policy form with a live preview of what it would purge now,
//! a confirmation when more than a tenth of a kind would go, a purge on demand, and past runs.

use super::form::{problem_for, FieldError, FormHead, SaveState, SaveStatus, Setting};
use crate::api::{requests, use_api, Inflight};
use crate::format::{exact_local, exact_utc, thousands};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::retention::{
    large_purges, preset_label, Kind, RetentionCounts, RetentionPolicy, RetentionRun, PRESETS,
    PURGEABLE_STATES,
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

fn count_text(
    preview: Option<Result<RetentionCounts, String>>,
    totals: Option<RetentionCounts>,
    kind: Kind,
) -> String {
    match preview {
        None => "…".into(),
        Some(Err(_)) => "—".into(),
        Some(Ok(p)) => {
            let n = p.get(kind);
            match totals.map(|t| t.get(kind)).filter(|t| *t > 0) {
                Some(t) => format!(
                    "{} of {} ({:.1}%)",
                    thousands(n),
                    thousands(t),
                    n as f64 * 100.0 / t as f64
                ),
                None => thousands(n),
            }
        }
    }
}

fn summary(preview: Option<Result<RetentionCounts, String>>, enabled: bool) -> String {
    match preview {
        _ if !enabled => "Retention is off: nothing would be purged.".into(),
        None => "Counting what this policy would purge…".into(),
        Some(Err(e)) => format!("The preview failed: {e}"),
        Some(Ok(p)) if p.total() == 0 => "This policy would purge nothing now.".into(),
        Some(Ok(p)) => format!(
            "This policy would purge now: {} sensors, {} containers, {} images, {} reports.",
            thousands(p.sensors),
            thousands(p.containers),
            thousands(p.images),
            thousands(p.reports)
        ),
    }
}

/// One rule with a period: on/off, a preset or a custom number of days, the preview's count.
#[component]
fn Rule(
    kind: Kind,
    draft: RwSignal<RetentionPolicy>,
    admin: bool,
    preview: RwSignal<Option<Result<RetentionCounts, String>>>,
    totals: RwSignal<Option<RetentionCounts>>,
    title: &'static str,
    what: &'static str,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let get = move |d: &RetentionPolicy| match kind {
        Kind::Sensors => (d.rules.sensors.enabled, d.rules.sensors.days),
        Kind::Containers => (d.rules.containers.enabled, d.rules.containers.days),
        _ => (d.rules.images.enabled, d.rules.images.days),
    };
    let set_days = move |days: u32| {
        draft.update(|d| match kind {
            Kind::Sensors => d.rules.sensors.days = days,
            Kind::Containers => d.rules.containers.days = days,
            _ => d.rules.images.days = days,
        })
    };
    let set_on = move |on: bool| {
        draft.update(|d| match kind {
            Kind::Sensors => d.rules.sensors.enabled = on,
            Kind::Containers => d.rules.containers.enabled = on,
            _ => d.rules.images.enabled = on,
        })
    };
    let custom = RwSignal::new(preset_label(draft.with_untracked(|d| get(d).1)).is_none());
    let id = kind.as_str();
    let field = format!("rules.{id}.days");
    view! {
        <div class="rule" data-testid=format!("rule-{id}")>
            <label class="rule-name">
                <input type="checkbox" data-testid=format!("rule-{id}-enabled") disabled=!admin
                    prop:checked=move || draft.with(|d| get(d).0)
                    on:change=move |ev| set_on(event_target_checked(&ev)) />
                <strong>{title}</strong>
            </label>
            <span class="rule-what muted">{what}</span>
            <span class="rule-period">
                <select class="input" aria-label=format!("{title}: period") data-testid=format!("rule-{id}-preset") disabled=!admin
                    prop:value=move || if custom.get() { "custom".to_string() } else { draft.with(|d| get(d).1).to_string() }
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        match v.parse::<u32>() {
                            Ok(days) => { custom.set(false); set_days(days) }
                            Err(_) => custom.set(true),
                        }
                    }>
                    {PRESETS.iter().map(|(label, days)| view! { <option value=days.to_string()>{*label}</option> }).collect_view()}
                    <option value="custom">"Custom…"</option>
                </select>
                {move || custom.get().then(|| view! {
                    <input type="number" class="input days" min="1" max="365" step="1" disabled=!admin
                        aria-label=format!("{title}: days") data-testid=format!("rule-{id}-days")
                        aria-invalid=move || problem.get().is_some().to_string()
                        prop:value=move || draft.with(|d| get(d).1).to_string()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            set_days(v.trim().parse::<i64>().ok().and_then(|d| u32::try_from(d).ok()).unwrap_or(0))
                        } />
                    <span class="muted">"days"</span>
                })}
            </span>
            <span class="rule-count" data-testid=format!("preview-{id}")
                title="How many records this rule would purge now">
                {move || count_text(preview.get(), totals.get(), kind)}
            </span>
            <FieldError message=problem field />
        </div>
    }
}

/// The container states the container rule purges.
#[component]
fn StatesPick(
    draft: RwSignal<RetentionPolicy>,
    admin: bool,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="states" data-testid="rule-containers-states">
            <legend class="muted">"Container states purged (running containers never are)"</legend>
            {PURGEABLE_STATES.iter().map(|state| {
                let state: &'static str = state;
                view! {
                    <label class="check-label">
                        <input type="checkbox" data-testid=format!("state-{state}") disabled=!admin
                            prop:checked=move || draft.with(|d| d.rules.containers.states.iter().any(|s| s == state))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| {
                                    let s = &mut d.rules.containers.states;
                                    s.retain(|x| x != state);
                                    if on {
                                        s.push(state.to_string());
                                        s.sort_by_key(|x| PURGEABLE_STATES.iter().position(|p| p == x));
                                    }
                                })
                            } />
                        {state}
                    </label>
                }
            }).collect_view()}
            <FieldError message=problem field="rules.containers.states" />
        </fieldset>
    }
}

#[component]
fn RunsTable(history: RwSignal<Vec<RetentionRun>>) -> impl IntoView {
    move || {
        let runs = history.get();
        if runs.is_empty() {
            return view! { <p class="muted" data-testid="runs-empty">"No purge has run yet."</p> }
                .into_any();
        }
        view! {
            <div class="table-wrap">
                <table data-testid="retention-runs">
                    <thead><tr>
                        <th scope="col">"Started"</th><th scope="col">"Trigger"</th><th scope="col">"Status"</th>
                        <th scope="col" class="num">"Sensors"</th><th scope="col" class="num">"Containers"</th>
                        <th scope="col" class="num">"Images"</th><th scope="col" class="num">"Reports"</th>
                        <th scope="col" class="num">"Took"</th>
                    </tr></thead>
                    <tbody>
                        {runs.into_iter().map(|r| {
                            let started_utc = r.started_at.map(exact_utc).unwrap_or_default();
                            let started = r.started_at.map(exact_local).unwrap_or_else(|| "waiting".into());
                            let took = match (r.started_at, r.finished_at) {
                                (Some(a), Some(b)) => format!("{:.1} s", (b - a) as f64 / 1000.0),
                                _ => "—".into(),
                            };
                            view! {
                                <tr>
                                    <td title=started_utc>{started}</td>
                                    <td>{r.trigger}</td>
                                    <td>{r.status}{r.error.map(|e| view! { <span class="muted">{format!(": {e}")}</span> })}</td>
                                    <td class="num">{thousands(r.deleted.sensors)}</td>
                                    <td class="num">{thousands(r.deleted.containers)}</td>
                                    <td class="num">{thousands(r.deleted.images)}</td>
                                    <td class="num">{thousands(r.deleted.reports)}</td>
                                    <td class="num">{took}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    }
}
