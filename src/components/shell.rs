//! The signed-in frame: left navigation, top bar (user, role, theme, sign-out) and the page.
//! Without a valid session it sends the user to sign-in, remembering where they were.

use crate::components::clipboard::LastCopied;
use crate::components::list::query::url_value;
use crate::navigation::{current_url, use_navigator};
use crate::session::use_session;
use crate::theme::ThemeToggle;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

const NAV: &[(&str, &str)] = &[
    ("/dashboard", "Dashboard"),
    ("/sensors", "Sensors"),
    ("/images", "Images"),
    ("/containers", "Containers"),
    ("/reports", "Reports"),
    ("/settings", "Settings"),
    ("/audit", "Audit log"),
];

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let nav = use_navigator();
    let location = use_location();
    let signing_out = RwSignal::new(false);
    let last_copied = use_context::<LastCopied>();

    Effect::new(move |_| {
        if !session.signed_in() {
            if signing_out.get_untracked() {
                nav.replace("/signin");
            } else {
                nav.replace(&format!("/signin?next={}", url_value(&current_url())));
            }
        }
    });

    let links = move || {
        let admin = session.role().allows(shipshape_model::Role::Admin);
        NAV.iter()
            // The audit log is for administrators (the API refuses others).
            .filter(move |(href, _)| admin || *href != "/audit")
            .map(|&(href, label)| {
                let current = move || {
                    location
                        .pathname
                        .with(|p| p == href || p.starts_with(&format!("{href}/")))
                };
                view! {
                    <a
                        href=href
                        class="nav-link"
                        class:active=current
                        aria-current=move || current().then_some("page")
                        data-testid=format!("nav-{}", label.to_lowercase())
                    >
                        {label}
                    </a>
                }
            })
            .collect_view()
    };

    let routing = use_context::<crate::app::Routing>();
    let api = crate::api::use_api();
    let sign_out = move |_| {
        signing_out.set(true);
        // The server refuses this token from now on; the tab forgets it either way, at the
        // latest after 1.5 s (a server that does not answer keeps no one signed in).
        leptos::task::spawn_local(async move {
            let _ = api.text(&crate::api::requests::sign_out(), None).await;
            session.expire();
        });
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(1500).await;
            session.expire();
        });
    };

    view! {
        <Show when=move || session.signed_in() fallback=|| view! { <div class="boot">"Signing in…"</div> }>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="app">
                <aside class="sidebar">
                    <div class="brand">
                        {brand_mark()}
                        "Shipshape"
                    </div>
                    <nav class="nav" aria-label="Main">{links}</nav>
                </aside>
                <div class="main-col">
                    <header class="topbar">
                        <Show when=move || routing.is_some_and(|r| r.0.get())>
                            <div class="route-progress" role="progressbar" aria-label="Opening the page"
                                data-testid="route-progress"></div>
                        </Show>
                        <span class="spacer"></span>
                        <span class="user" data-testid="user">
                            {move || session.claims().map(|c| c.sub).unwrap_or_default()}
                        </span>
                        <span class="badge role" data-testid="role">
                            {move || session.role().as_str()}
                        </span>
                        <ThemeToggle />
                        <button type="button" class="btn btn-ghost" data-testid="sign-out" on:click=sign_out>
                            "Sign out"
                        </button>
                    </header>
                    <main id="main" class="content" tabindex="-1">
                        <Outlet />
                    </main>
                </div>
            </div>
            <pre hidden data-testid="last-copied">{move || last_copied.map(|l| l.0.get()).unwrap_or_default()}</pre>
        </Show>
    }
}

/// The logo: a hull under two stacked containers (inline SVG, so no font has to carry it).
pub fn brand_mark() -> impl IntoView {
    view! {
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="currentColor"></rect>
            <path d="M6 19h20l-3 6H9z" fill="#fff"></path>
            <path d="M10 17V10h5v7zm7 0v-5h5v5z" fill="#cfe0ff"></path>
        </svg>
    }
}
