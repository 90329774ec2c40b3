//! Settings › My account: changing one's own password (checked as it is typed with the server's
//! rules) and ending one's sessions everywhere.

use super::controls::{input_row, Outcome, OutcomeLine};
use crate::api::{requests, use_api};
use crate::pages::settings::form::FormHead;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::access::password_problem;

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
                Err(e) => outcome.set(Outcome::Failed(e.said())),
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
                Err(e) => everywhere.set(Outcome::Failed(e.said())),
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
