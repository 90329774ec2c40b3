//! Reports tab (placeholder until the reports work lands).

use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <div class="page" data-testid="reports-page">
            <header class="page-head"><h1>"Reports"</h1></header>
            <div class="card placeholder">
                <p>"Reports will come here: scheduled and on-demand exports of images, containers and vulnerabilities (CSV, JSON, PDF), with their run history and files kept until they expire."</p>
                <p>"Today, every list can already be exported as CSV or JSON from its toolbar."</p>
            </div>
        </div>
    }
}
