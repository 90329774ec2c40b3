//! Sign-in: `POST /auth` (username, password, `token=true`) answers the bare JWT; we keep it
//! for the tab's session and go back to where the user was sent from.

use crate::api::{requests, use_api, ApiError};
use crate::components::shell::brand_mark;
use crate::navigation::{safe_return_path, use_navigator};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let nav = use_navigator();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let next = move || safe_return_path(query.with_untracked(|q| q.get("next")));

    // Already signed in (a second tab, or Back after signing in): go on, once. Once gone on,
    // the effect reads nothing more, so a later new token (a password change) cannot send the
    // user back to this page's `next` from a page they have moved to since.
    Effect::new(move |gone: Option<bool>| {
        if gone == Some(true) {
            return true;
        }
        let signed_in = session.signed_in();
        if signed_in {
            nav.replace(&next());
        }
        signed_in
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let spec = requests::sign_in(&username.get_untracked(), &password.get_untracked());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api.text(&spec, None).await {
                Ok(token) => session.sign_in(token.trim().to_string()),
                Err(ApiError::Unauthorized(_)) => {
                    error.try_set(Some("Wrong username or password.".into()));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <div class="signin-wrap">
            <form class="signin card" on:submit=submit data-testid="signin-form">
                <div class="brand brand-large">
                    {brand_mark()}
                    "Shipshape"
                </div>
                <p class="muted">"Sign in to the container-security console."</p>
                <label class="form-field">
                    <span>"Username"</span>
                    <input
                        type="text"
                        name="username"
                        autocomplete="username"
                        required
                        autofocus
                        data-testid="username"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label class="form-field">
                    <span>"Password"</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        data-testid="password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert" data-testid="signin-error">{e}</p> })}
                <button type="submit" class="btn btn-primary" data-testid="signin-submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </div>
    }
}
