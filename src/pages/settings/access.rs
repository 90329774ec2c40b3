//! Settings › My account, Service tokens and Users: changing one's own password and ending
//! one's other sessions; making (shown once), listing and revoking service tokens; and, for
//! admins, adding users, changing their role, disabling them, resetting their password and
//! signing them out everywhere. Passwords are checked as they are typed with the rules the
//! server applies (`shipshape_model::access`).

use super::form::FormHead;
use crate::api::{load, requests, use_api, ApiError, Load};
use crate::components::clipboard::CopyButton;
use crate::components::reltime::RelTime;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::access::{
    password_problem, user_name_problem, CreatedServiceToken, NewServiceToken, NewUser,
    ServiceToken, UserChange, UserInfo,
};
use shipshape_model::Role;

/// `{"count", "data"}` of the users and tokens lists.
#[derive(serde::Deserialize, Clone, PartialEq)]
struct Listed<T> {
    data: Vec<T>,
}

fn decode_list<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, String> {
    serde_json::from_str::<Listed<T>>(text)
        .map(|l| l.data)
        .map_err(|e| e.to_string())
}

/// What the server said, without the status code the console adds for other errors.
pub(super) fn said(e: &ApiError) -> String {
    match e {
        ApiError::Server { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// An action's outcome line.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Busy,
    Done(String),
    Failed(String),
}

#[component]
fn OutcomeLine(outcome: RwSignal<Outcome>) -> impl IntoView {
    move || match outcome.get() {
        Outcome::None => ().into_any(),
        Outcome::Busy => view! { <span class="muted" role="status">"Working…"</span> }.into_any(),
        Outcome::Done(m) => {
            view! { <span class="save-ok" role="status" data-testid="done">{m}</span> }.into_any()
        }
        Outcome::Failed(m) => view! {
            <div class="notice notice-error" role="alert" data-testid="failed">{m}</div>
        }
        .into_any(),
    }
}

/// A labelled input of a form row, with its problem under it.
pub(super) fn input_row(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    problem: Signal<Option<String>>,
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>{label}</label>
            <input id=id class="input" type=kind data-testid=id autocomplete=autocomplete
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
            {move || problem.get().map(|m| view! {
                <p class="field-error" role="alert" data-testid=format!("error-{id}")>{m}</p>
            })}
        </div>
    }
}

/// The roles someone with `role` may hand out, as options.
fn role_options(role: Role, selected: Role) -> impl IntoView {
    [Role::Viewer, Role::Operator, Role::Admin]
        .into_iter()
        .filter(move |r| role.allows(*r))
        .map(move |r| {
            view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> }
        })
        .collect_view()
}

#[component]
pub fn AccountSettings() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    // Read once, untracked: a new token (after a password change) must not rebuild the page.
    let me = untrack(|| session.claims())
        .map(|c| c.sub)
        .unwrap_or_default();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::None);
    let touched = RwSignal::new(false);
    let name = me.clone();
    let new_problem = Signal::derive(move || {
        let n = new.get();
        (touched.get() || !n.is_empty())
            .then(|| password_problem(&name, &n))
            .flatten()
    });
    let confirm_problem = Signal::derive(move || {
        (!confirm.get().is_empty() && confirm.get() != new.get())
            .then(|| "does not match the new password".to_string())
    });
    let current_problem = Signal::derive(move || {
        (touched.get() && current.get().is_empty()).then(|| "is required".to_string())
    });
    // The panel shows the request with placeholders: a password never appears on screen.
    let spec =
        Signal::derive(|| requests::change_own_password("<current password>", "<new password>"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if new_problem.get_untracked().is_some()
            || current.get_untracked().is_empty()
            || confirm.get_untracked() != new.get_untracked()
        {
            return;
        }
        outcome.set(Outcome::Busy);
        let spec = requests::change_own_password(&current.get_untracked(), &new.get_untracked());
        spawn_local(async move {
            #[derive(serde::Deserialize)]
            struct NewSession {
                token: String,
            }
            match api.json::<NewSession>(&spec, None).await {
                Ok(s) => {
                    session.sign_in(s.token);
                    for f in [current, new, confirm] {
                        f.set(String::new());
                    }
                    touched.set(false);
                    outcome.set(Outcome::Done(
                        "Password changed. Your other sessions have ended.".into(),
                    ));
                }
                Err(e) => outcome.set(Outcome::Failed(said(&e))),
            }
        });
    };
    let everywhere = RwSignal::new(Outcome::None);
    let who = me.clone();
    let sign_out_everywhere = move |_| {
        everywhere.set(Outcome::Busy);
        let spec = requests::sign_out_everywhere(&who);
        spawn_local(async move {
            match api.text(&spec, None).await {
                // This session has ended too: the shell goes to sign-in.
                Ok(_) => session.expire(),
                Err(e) => everywhere.set(Outcome::Failed(said(&e))),
            }
        });
    };
    view! {
        <section class="settings-section" data-testid="account-settings" aria-labelledby="account-title">
            <FormHead spec=spec>
                <h2 id="account-title">"My account"</h2>
                <p class="muted">"Signed in as "<strong>{me.clone()}</strong>" with the "
                    <span class="badge">{untrack(|| session.role()).as_str()}</span>" role."</p>
            </FormHead>
            <form class="settings-form card access-card" on:submit=on_submit novalidate data-testid="password-form">
                <h3 class="settings-sub">"Change password"</h3>
                {input_row("current-password", "Current password", "password", current, current_problem, "current-password")}
                {input_row("new-password", "New password", "password", new, new_problem, "new-password")}
                {input_row("confirm-password", "Repeat it", "password", confirm, confirm_problem, "new-password")}
                <p class="muted small">"At least 12 characters, 4 of them different. Your other sessions end when it changes."</p>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="change-password"
                        disabled=move || outcome.get() == Outcome::Busy>"Change password"</button>
                    <OutcomeLine outcome />
                </div>
            </form>
            <div class="card settings-form access-card">
                <h3 class="settings-sub">"Sessions"</h3>
                <p class="muted">"Signed in on another computer, or left a tab open somewhere? End every session, this one included. Service tokens keep working."</p>
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="sign-out-everywhere" on:click=sign_out_everywhere>
                        "Sign out everywhere"
                    </button>
                    <OutcomeLine outcome=everywhere />
                </div>
            </div>
        </section>
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
                Err(e) => outcome.set(Outcome::Failed(said(&e))),
            }
        });
    };
    let revoke = move |id: String| {
        let spec = requests::revoke_token(&id);
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => tokens.retry(),
                Err(e) => outcome.set(Outcome::Failed(said(&e))),
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
                                    let now = js_sys::Date::now() as i64;
                                    let status = if t.revoked.is_some() {
                                        "revoked"
                                    } else if t.expires.is_some_and(|e| e <= now) {
                                        "expired"
                                    } else {
                                        "active"
                                    };
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

#[component]
pub fn UsersSettings() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    // Read once, untracked: a new token (after a password change) must not rebuild the page.
    let me = untrack(|| session.claims())
        .map(|c| c.sub)
        .unwrap_or_default();
    let users = load(requests::users, decode_list::<UserInfo>);
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let password = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::None);
    let row_outcome = RwSignal::new(Outcome::None);
    let resetting = RwSignal::new(None::<String>);
    let reset_to = RwSignal::new(String::new());
    let name_problem = Signal::derive(move || {
        let n = name.get();
        (touched.get() || !n.is_empty())
            .then(|| user_name_problem(&n))
            .flatten()
    });
    let password_problem_now = Signal::derive(move || {
        let p = password.get();
        (touched.get() || !p.is_empty())
            .then(|| password_problem(&name.get(), &p))
            .flatten()
    });
    let spec = Signal::derive(move || {
        requests::create_user(&NewUser {
            username: name.get(),
            role: role.get(),
            password: "<password>".into(),
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if name_problem.get_untracked().is_some() || password_problem_now.get_untracked().is_some()
        {
            return;
        }
        outcome.set(Outcome::Busy);
        let spec = requests::create_user(&NewUser {
            username: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        });
        spawn_local(async move {
            match api.json::<UserInfo>(&spec, None).await {
                Ok(u) => {
                    outcome.set(Outcome::Done(format!("User {} added.", u.username)));
                    name.set(String::new());
                    password.set(String::new());
                    touched.set(false);
                    users.retry();
                }
                Err(e) => outcome.set(Outcome::Failed(said(&e))),
            }
        });
    };
    let act = move |spec: shipshape_model::RequestSpec, done: String| {
        row_outcome.set(Outcome::Busy);
        spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(_) => {
                    row_outcome.set(Outcome::Done(done));
                    resetting.set(None);
                    users.retry();
                }
                Err(e) => {
                    row_outcome.set(Outcome::Failed(said(&e)));
                    // The table shows what is stored again (a refused role change).
                    users.retry();
                }
            }
        });
    };
    let reset_problem = Signal::derive(move || {
        let p = reset_to.get();
        resetting
            .get()
            .and_then(|u| (!p.is_empty()).then(|| password_problem(&u, &p)).flatten())
    });
    view! {
        <section class="settings-section" data-testid="users-settings" aria-labelledby="users-title">
            <FormHead spec=spec>
                <h2 id="users-title">"Users"</h2>
                <p class="muted">"Who may sign in, and with which role: viewers read, operators also delete assets and edit dashboards, admins also change settings and users."</p>
            </FormHead>
            <OutcomeLine outcome=row_outcome />
            {move || match users.state.get() {
                Load::Loading => view! { <div class="skeleton skeleton-line"></div> }.into_any(),
                Load::Failed(e) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                Load::Ready(list) => view! {
                    <div class="table-wrap">
                        <table class="data compact access-table" data-testid="users-table">
                            <thead><tr>
                                <th scope="col">"User"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                                <th scope="col">"Last sign-in"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| {
                                    let n = u.username.clone();
                                    let (n1, n2, n3, n4) = (n.clone(), n.clone(), n.clone(), n.clone());
                                    let myself = n == me;
                                    let disabled = u.disabled;
                                    view! {
                                        <tr data-testid="user-row" data-user=n.clone()>
                                            <td class="nowrap">{n.clone()}{myself.then(|| view! { <span class="muted">" (you)"</span> })}</td>
                                            <td>
                                                <select class="input" aria-label=format!("Role of {n}") data-testid="user-role"
                                                    on:change=move |ev| {
                                                        let Ok(r) = event_target_value(&ev).parse::<Role>() else { return };
                                                        act(requests::change_user(&n1, &UserChange { role: Some(r), disabled: None }),
                                                            format!("{n1} is now {}.", r.as_str()));
                                                    }>
                                                    {role_options(Role::Admin, u.role)}
                                                </select>
                                            </td>
                                            <td><span class="badge" class:badge-accent=!disabled data-testid="user-status">
                                                {if disabled { "disabled" } else { "enabled" }}</span></td>
                                            <td><RelTime ms=u.last_sign_in /></td>
                                            <td class="row-actions nowrap">
                                                {(!myself).then(|| view! {
                                                    <button type="button" class="btn btn-small" data-testid="toggle-user"
                                                        on:click=move |_| act(
                                                            requests::change_user(&n2, &UserChange { role: None, disabled: Some(!disabled) }),
                                                            format!("{n2} {}.", if disabled { "enabled" } else { "disabled: their sessions have ended" }))>
                                                        {if disabled { "Enable" } else { "Disable" }}
                                                    </button>
                                                })}
                                                <button type="button" class="btn btn-small" data-testid="reset-user"
                                                    aria-label=format!("Set a new password for {n}")
                                                    on:click=move |_| { reset_to.set(String::new()); resetting.set(Some(n3.clone())) }>
                                                    "New password"</button>
                                                <button type="button" class="btn btn-small" data-testid="signout-user"
                                                    title=format!("End every session of {n}") aria-label=format!("Sign {n} out everywhere")
                                                    on:click=move |_| act(requests::sign_out_everywhere(&n4),
                                                        format!("Every session of {n4} has ended."))>
                                                    "Sign out"</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            {move || resetting.get().map(|u| {
                let user = u.clone();
                let on_reset = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if reset_problem.get_untracked().is_some() || reset_to.get_untracked().is_empty() {
                        return;
                    }
                    act(requests::reset_password(&user, &reset_to.get_untracked()),
                        format!("New password set for {user}; their sessions have ended."));
                };
                view! {
                    <form class="settings-form card access-card" on:submit=on_reset novalidate data-testid="reset-form">
                        <h3 class="settings-sub">{format!("New password for {u}")}</h3>
                        {input_row("reset-password", "New password", "password", reset_to, reset_problem, "new-password")}
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" data-testid="reset-save">"Set password"</button>
                            <button type="button" class="btn" on:click=move |_| resetting.set(None)>"Cancel"</button>
                        </div>
                    </form>
                }
            })}
            <form class="settings-form card access-card" on:submit=on_submit novalidate data-testid="user-form">
                <h3 class="settings-sub">"Add a user"</h3>
                {input_row("user-name", "User name", "text", name, name_problem, "off")}
                <div class="form-row">
                    <label for="user-role">"Role"</label>
                    <select id="user-role" class="input" data-testid="new-user-role"
                        on:change=move |ev| if let Ok(r) = event_target_value(&ev).parse() { role.set(r) }>
                        {role_options(Role::Admin, Role::Viewer)}
                    </select>
                </div>
                {input_row("user-password", "Password", "password", password, password_problem_now, "new-password")}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="add-user">"Add user"</button>
                    <OutcomeLine outcome />
                </div>
            </form>
        </section>
    }
}
