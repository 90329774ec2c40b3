//! Settings: data retention, sensor profiles, the sensor release (`spec/settings.md`) and the
//! activation keys sensors register with,
//! each a form backed by the REST API, saved with `If-Match`, with the request Save sends on
//! show; and access: one's own account, service tokens, and (admins) users.

mod access;
pub(crate) mod form;
mod keys;
mod profiles;
mod release;
mod retention;

use access::{AccountSettings, TokensSettings, UsersSettings};
use keys::KeysSettings;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use profiles::ProfileSettings;
use release::ReleaseSettings;
use retention::RetentionSettings;

/// The sections: (path segment, title).
const SECTIONS: [(&str, &str); 7] = [
    ("retention", "Data retention"),
    ("profiles", "Sensor profiles"),
    ("release", "Sensor release"),
    ("keys", "Activation keys"),
    ("account", "My account"),
    ("tokens", "Service tokens"),
    ("users", "Users"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let session = crate::session::use_session();
    let role = untrack(|| session.role());
    let admin = role.allows(shipshape_model::Role::Admin);
    let operator = role.allows(shipshape_model::Role::Operator);
    let section = Memo::new(move |_| {
        params
            .with(|p| p.get("section"))
            .filter(|s| SECTIONS.iter().any(|(id, _)| id == s))
            .unwrap_or_else(|| SECTIONS[0].0.to_string())
    });
    view! {
        <div class="page settings-page" data-testid="settings-page">
            <header class="page-head"><h1>"Settings"</h1></header>
            <div class="settings-layout">
                <nav class="settings-nav" aria-label="Settings sections">
                    // Users are managed by admins only (the API refuses others).
                    // Activation keys: operators see them (admins make them).
                    {SECTIONS.iter().filter(|(id, _)| (admin || *id != "users") && (operator || *id != "keys")).map(|(id, title)| {
                        let id: &'static str = id;
                        view! {
                            <a href=format!("/settings/{id}") class="settings-link" data-testid=format!("settings-nav-{id}")
                                class:settings-link-active=move || section.get() == id
                                aria-current=move || (section.get() == id).then_some("page")>{*title}</a>
                        }
                    }).collect_view()}
                    <a href="/audit" class="settings-link" data-testid="settings-nav-audit">"Audit log ›"</a>
                </nav>
                <div class="settings-main">
                    {move || match section.get().as_str() {
                        "release" => view! { <ReleaseSettings /> }.into_any(),
                        "profiles" => view! { <ProfileSettings /> }.into_any(),
                        "keys" => view! { <KeysSettings /> }.into_any(),
                        "account" => view! { <AccountSettings /> }.into_any(),
                        "tokens" => view! { <TokensSettings /> }.into_any(),
                        "users" if admin => view! { <UsersSettings /> }.into_any(),
                        "users" => view! { <p class="notice">"Only administrators manage users."</p> }.into_any(),
                        _ => view! { <RetentionSettings /> }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}
