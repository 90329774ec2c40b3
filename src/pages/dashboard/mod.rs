//! Dashboard tab (placeholder until the dashboard work lands; see `spec/dashboard.md`).

use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <div class="page" data-testid="dashboard-page">
            <header class="page-head"><h1>"Dashboard"</h1></header>
            <div class="card placeholder">
                <p>"Widgets will come here: counts and trends of vulnerable images, containers by state, sensors that need an update, top CVEs — each built from a QQL query, arranged by drag and drop, and each with its own \"Show API request\"."</p>
                <p>"Until then, the " <a href="/images">"Images"</a> ", " <a href="/containers">"Containers"</a> " and " <a href="/sensors">"Sensors"</a> " tabs show everything."</p>
            </div>
        </div>
    }
}
