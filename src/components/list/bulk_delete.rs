//! Bulk delete for operators and admins: a confirmation that states the count, the
//! `DELETE /csapi/v1.3/{entity}` call, then polling the deletion job until it finishes and
//! showing its outcome, skipped records and their reasons included.

use super::query::EntityDesc;
use crate::api::{requests, use_api, ApiError};
use leptos::prelude::*;
use shipshape_model::{DeletionJobRef, Job, JobStatus};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Confirming,
    Running(Option<String>),
    Done(Job),
    Failed(ApiError),
}

#[component]
pub fn BulkDelete(
    desc: &'static EntityDesc,
    #[prop(into)] selected: Signal<Vec<String>>,
    /// Called when a job has finished (the list reloads and the selection is cleared).
    on_done: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let phase = RwSignal::new(Phase::Idle);
    let count = move || selected.with(Vec::len);

    let run = move || {
        let ids = selected.get_untracked();
        phase.set(Phase::Running(None));
        leptos::task::spawn_local(async move {
            let spec = requests::delete(desc.entity, desc.delete_field, &ids);
            let job_ref: DeletionJobRef = match api.json(&spec, None).await {
                Ok(j) => j,
                Err(e) => {
                    phase.try_set(Phase::Failed(e));
                    return;
                }
            };
            phase.try_set(Phase::Running(Some(job_ref.deletion_job_id.clone())));
            let mut delay = 250;
            loop {
                gloo_timers::future::TimeoutFuture::new(delay).await;
                delay = (delay * 2).min(2000);
                match api
                    .json::<Job>(&requests::job(&job_ref.deletion_job_id), None)
                    .await
                {
                    Ok(job) if matches!(job.status, JobStatus::Completed | JobStatus::Failed) => {
                        phase.try_set(Phase::Done(job));
                        on_done.run(());
                        return;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        phase.try_set(Phase::Failed(e));
                        return;
                    }
                }
                if phase.try_get().is_none() {
                    return;
                }
            }
        });
    };

    let dialog = move || {
        (phase.get() == Phase::Confirming).then(|| {
            let n = count();
            view! {
                <div class="modal-backdrop">
                    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="delete-title" data-testid="delete-dialog">
                        <h2 id="delete-title">{format!("Delete {n} {}?", noun(desc, n))}</h2>
                        <p>
                            {format!(
                                "{n} {} will be removed, with their findings. This cannot be undone. ",
                                noun(desc, n),
                            )}
                            {(desc.entity == "sensors").then_some("Only sensors in status UNKNOWN can be deleted; others are skipped.")}
                            {(desc.entity == "images").then_some("Images that running containers use are skipped.")}
                        </p>
                        <div class="modal-actions">
                            <button type="button" class="btn" data-testid="delete-cancel" on:click=move |_| phase.set(Phase::Idle)>
                                "Cancel"
                            </button>
                            <button type="button" class="btn btn-danger" data-testid="delete-confirm" autofocus on:click=move |_| run()>
                                {format!("Delete {n}")}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    };

    let outcome = move || {
        match phase.get() {
        Phase::Idle | Phase::Confirming => None,
        Phase::Running(_) => Some(
            view! { <div class="notice" role="status" data-testid="delete-progress">"Deleting…"</div> }.into_any(),
        ),
        Phase::Failed(e) => Some(
            view! {
                <div class="notice notice-error" role="alert" data-testid="delete-outcome">
                    {format!("Delete failed: {e}")}
                    <button type="button" class="btn btn-small" on:click=move |_| phase.set(Phase::Idle)>"Dismiss"</button>
                </div>
            }
            .into_any(),
        ),
        Phase::Done(job) => {
            let ok = job.status == JobStatus::Completed;
            let summary = format!(
                "Deleted {} of {} {}{}{}",
                job.deleted,
                job.requested,
                noun(desc, job.requested as usize),
                if job.skipped.is_empty() {
                    String::new()
                } else {
                    format!("; {} skipped", job.skipped.len())
                },
                job.error.as_ref().map(|e| format!(" — {e}")).unwrap_or_default(),
            );
            let skipped = job
                .skipped
                .iter()
                .take(20)
                .map(|s| view! { <li><code>{s.id.clone()}</code>": "{s.reason.clone()}</li> })
                .collect_view();
            let class = if ok { "notice notice-ok" } else { "notice notice-error" };
            Some(
                view! {
                    <div class=class role="status" data-testid="delete-outcome">
                        <div>
                            <strong>{summary}</strong>
                            <ul class="skipped">{skipped}</ul>
                        </div>
                        <button type="button" class="btn btn-small" on:click=move |_| phase.set(Phase::Idle)>"Dismiss"</button>
                    </div>
                }
                .into_any(),
            )
        }
    }
    };

    view! {
        <button
            type="button"
            class="btn btn-danger"
            data-testid="delete-selected"
            disabled=move || count() == 0 || matches!(phase.get(), Phase::Running(_))
            on:click=move |_| phase.set(Phase::Confirming)
        >
            {move || if count() == 0 { "Delete…".to_string() } else { format!("Delete {}…", count()) }}
        </button>
        {dialog}
        <div class="bulk-outcome">{outcome}</div>
    }
}

fn noun(desc: &EntityDesc, n: usize) -> &'static str {
    match (desc.entity, n) {
        ("sensors", 1) => "sensor",
        ("images", 1) => "image",
        ("containers", 1) => "container",
        _ => desc.noun,
    }
}
