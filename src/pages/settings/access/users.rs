//! Settings › Users (admins): adding users, changing their role, disabling them, setting a new
//! password and signing them out everywhere.

use super::controls::{input_row, role_options, Outcome, OutcomeLine};
use super::decode_list;
use crate::api::{load, requests, use_api, Load};
use crate::components::reltime::RelTime;
use crate::pages::settings::form::FormHead;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::access::{password_problem, user_name_problem, NewUser, UserChange, UserInfo};
use shipshape_model::Role;

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
                Err(e) => outcome.set(Outcome::Failed(e.said())),
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
                    row_outcome.set(Outcome::Failed(e.said()));
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
