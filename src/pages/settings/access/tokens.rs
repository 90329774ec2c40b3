//! Settings › Service tokens: making one (its secret shown once), the list with each token's
//! status, and revoking.

use super::controls::{input_row, role_options, Outcome, OutcomeLine};
use super::decode_list;
use crate::api::{load, requests, use_api, Load};
use crate::components::clipboard::CopyButton;
use crate::components::reltime::RelTime;
use crate::pages::settings::form::FormHead;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::access::{CreatedServiceToken, NewServiceToken, ServiceToken};
use shipshape_model::Role;

/// A token's status at `now` (epoch ms): revoked, expired (at or past its expiry) or active.
fn token_status(t: &ServiceToken, now: i64) -> &'static str {
    if t.revoked.is_some() {
        "revoked"
    } else if t.expires.is_some_and(|e| e <= now) {
        "expired"
    } else {
        "active"
    }
}

#[component]
pub fn TokensSettings() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let role = untrack(|| session.role());
    let admin = role.allows(Role::Admin);
    let tokens = load(requests::tokens, decode_list::<ServiceToken>);
    let name = RwSignal::new(String::new());
    let token_role = RwSignal::new(Role::Viewer);
    let days = RwSignal::new(90u32);
    let made = RwSignal::new(None::<CreatedServiceToken>);
    let outcome = RwSignal::new(Outcome::None);
    let password = RwSignal::new(String::new());
    let draft = move |current: String| NewServiceToken {
        name: name.get().trim().to_string(),
        role: token_role.get(),
        expires_in_days: (days.get() > 0).then_some(days.get()),
        current_password: Some(current),
    };
    // The panel shows the password as a placeholder.
    let spec = Signal::derive(move || requests::create_token(&draft("<your password>".into())));
    let password_problem = Signal::derive(move || {
        (outcome.get() != Outcome::None && password.get().is_empty())
            .then(|| "is required: a token outlives sessions".to_string())
    });
    let name_problem = Signal::derive(move || {
        (outcome.get() != Outcome::None && name.get().trim().is_empty())
            .then(|| "is required".to_string())
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.set(Outcome::Busy);
        if name.get_untracked().trim().is_empty() || password.get_untracked().is_empty() {
            outcome.set(Outcome::Failed(
                "Give the token a name, and your password.".into(),
            ));
            return;
        }
        let spec = untrack(|| requests::create_token(&draft(password.get())));
        spawn_local(async move {
            match api.json::<CreatedServiceToken>(&spec, None).await {
                Ok(t) => {
                    made.set(Some(t));
                    name.set(String::new());
                    password.set(String::new());
                    outcome.set(Outcome::None);
                    tokens.retry();
                }
                Err(e) => outcome.set(Outcome::Failed(e.said())),
            }
        });
    };
    let revoke = move |id: String| {
        let spec = requests::revoke_token(&id);
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => tokens.retry(),
                Err(e) => outcome.set(Outcome::Failed(e.said())),
            }
        });
    };
    view! {
        <section class="settings-section" data-testid="tokens-settings" aria-labelledby="tokens-title">
            <FormHead spec=spec>
                <h2 id="tokens-title">"Service tokens"</h2>
                <p class="muted">"Long-lived tokens for scripts and CI, sent as "<code>"Authorization: Bearer …"</code>
                    ". A token acts for you and never does more than your role allows."</p>
            </FormHead>
            {move || made.get().map(|t| {
                let secret = t.token.clone();
                view! {
                    <div class="notice notice-ok token-made" role="status" data-testid="token-made">
                        <p><strong>{format!("Token “{}” made.", t.info.name)}</strong>" Copy it now: it is shown this once and cannot be read again."</p>
                        <div class="snippet-block">
                            <pre><code data-testid="token-secret">{t.token.clone()}</code></pre>
                            <CopyButton text=secret label="Copy token" />
                        </div>
                        <button type="button" class="btn btn-small" on:click=move |_| made.set(None)>"Done"</button>
                    </div>
                }
            })}
            <form class="settings-form card access-card" on:submit=on_submit novalidate data-testid="token-form">
                <h3 class="settings-sub">"New token"</h3>
                {input_row("token-name", "Name", "text", name, name_problem, "off")}
                <div class="form-row">
                    <label for="token-role">"Role"</label>
                    <select id="token-role" class="input" data-testid="token-role"
                        on:change=move |ev| if let Ok(r) = event_target_value(&ev).parse() { token_role.set(r) }>
                        {role_options(role, Role::Viewer)}
                    </select>
                </div>
                <div class="form-row">
                    <label for="token-expiry">"Expires"</label>
                    <select id="token-expiry" class="input" data-testid="token-expiry"
                        on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {[(7, "in 7 days"), (30, "in 30 days"), (90, "in 90 days"), (365, "in a year"), (0, "never")]
                            .into_iter()
                            .map(|(d, l)| view! { <option value=d.to_string() selected=d == 90>{l}</option> })
                            .collect_view()}
                    </select>
                </div>
                {input_row("token-password", "Your password", "password", password, password_problem, "current-password")}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="make-token">"Make token"</button>
                    <OutcomeLine outcome />
                </div>
            </form>
            {move || match tokens.state.get() {
                Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Load::Failed(e) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Load::Ready(list) if list.is_empty() => view! {
                    <p class="muted" data-testid="tokens-empty">"No service tokens yet."</p>
                }.into_any(),
                Load::Ready(list) => view! {
                    <div class="table-wrap">
                        <table class="data compact access-table" data-testid="tokens-table">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Id"</th><th scope="col">"Role"</th>
                                {admin.then(|| view! { <th scope="col">"Owner"</th> })}
                                <th scope="col">"Created"</th><th scope="col">"Expires"</th>
                                <th scope="col">"Last used"</th><th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| {
                                    let status = token_status(&t, js_sys::Date::now() as i64);
                                    let id = t.id.clone();
                                    let name = t.name.clone();
                                    view! {
                                        <tr data-testid="token-row">
                                            <td>{t.name.clone()}</td>
                                            <td><code>{t.id.clone()}</code></td>
                                            <td>{t.role.as_str()}</td>
                                            {admin.then(|| view! { <td>{t.owner.clone()}</td> })}
                                            <td><RelTime ms=Some(t.created) /></td>
                                            <td>{t.expires.map(|e| view! { <RelTime ms=Some(e) /> }.into_any()).unwrap_or_else(|| "never".into_any())}</td>
                                            <td><RelTime ms=t.last_used /></td>
                                            <td><span class="badge" class:badge-accent=status == "active">{status}</span></td>
                                            <td>{(status == "active").then(|| view! {
                                                <button type="button" class="btn btn-small" data-testid="revoke-token"
                                                    aria-label=format!("Revoke token {name}")
                                                    on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires: Option<i64>, revoked: Option<i64>) -> ServiceToken {
        ServiceToken {
            id: "tok1".into(),
            name: "ci".into(),
            owner: "admin".into(),
            role: Role::Viewer,
            created: 1_000,
            expires,
            last_used: None,
            revoked,
        }
    }

    #[test]
    fn a_token_is_active_until_its_expiry_then_expired() {
        assert_eq!(token_status(&token(None, None), 5_000), "active");
        assert_eq!(token_status(&token(Some(5_001), None), 5_000), "active");
        assert_eq!(token_status(&token(Some(5_000), None), 5_000), "expired");
        assert_eq!(token_status(&token(Some(4_000), None), 5_000), "expired");
    }

    #[test]
    fn a_revoked_token_reads_revoked_even_when_also_expired() {
        assert_eq!(token_status(&token(None, Some(2_000)), 5_000), "revoked");
        assert_eq!(
            token_status(&token(Some(3_000), Some(2_000)), 5_000),
            "revoked"
        );
    }
}
