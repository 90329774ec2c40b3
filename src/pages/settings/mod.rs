//! Settings tab (placeholder until the settings work lands; see `spec/settings.md`).

use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <div class="page" data-testid="settings-page">
            <header class="page-head"><h1>"Settings"</h1></header>
            <div class="card placeholder">
                <p>"Settings will come here: data retention (with a preview of what a policy would purge), sensor profiles, inactive windows, the latest sensor release, and users and roles."</p>
            </div>
        </div>
    }
}
