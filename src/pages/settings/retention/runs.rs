//! Past retention runs: when each started (local, UTC on hover), its trigger and status, what
//! it deleted and how long it took.

use crate::format::{exact_local, exact_utc, thousands};
use leptos::prelude::*;
use shipshape_model::retention::RetentionRun;

/// How long a run took, in seconds to a tenth; "—" while it has not both started and ended.
fn took(started_at: Option<i64>, finished_at: Option<i64>) -> String {
    match (started_at, finished_at) {
        (Some(a), Some(b)) => format!("{:.1} s", (b - a) as f64 / 1000.0),
        _ => "—".into(),
    }
}

#[component]
pub(super) fn RunsTable(history: RwSignal<Vec<RetentionRun>>) -> impl IntoView {
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
                            let took = took(r.started_at, r.finished_at);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_run_took_its_seconds_to_a_tenth() {
        assert_eq!(took(Some(10_000), Some(12_345)), "2.3 s");
        assert_eq!(took(Some(10_000), Some(10_000)), "0.0 s");
    }

    #[test]
    fn a_run_not_ended_or_not_started_took_nothing_yet() {
        assert_eq!(took(Some(10_000), None), "—");
        assert_eq!(took(None, None), "—");
    }
}
