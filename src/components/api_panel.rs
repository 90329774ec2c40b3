//! "Show API request": the exact request the view made (the same `RequestSpec` the console
//! sent), as curl, PowerShell, Python, fetch and HTTPie, with the token masked unless revealed.

use crate::components::clipboard::CopyButton;
use crate::session::use_session;
use leptos::prelude::*;
use shipshape_model::snippet::{render, render_all_pages, Language, TokenMode};
use shipshape_model::RequestSpec;

const LANGUAGE_KEY: &str = "shipshape.snippetLanguage";

fn stored_language() -> Language {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANGUAGE_KEY).ok().flatten())
        .and_then(|id| Language::from_id(&id))
        .unwrap_or(Language::ALL[0])
}

fn remember_language(lang: Language) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LANGUAGE_KEY, lang.id());
    }
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The toggle button; the panel itself is `ApiPanel`, placed where there is room for it.
#[component]
pub fn ApiToggle(#[prop(into)] open: Signal<bool>, on_toggle: Callback<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="btn"
            data-testid="api-toggle"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| on_toggle.run(!open.get_untracked())
        >
            {move || if open.get() { "Hide API request" } else { "Show API request" }}
        </button>
    }
}

#[component]
pub fn ApiPanel(
    #[prop(into)] spec: Signal<RequestSpec>,
    /// Lists also get the "fetch every page" variant.
    #[prop(optional)]
    list: bool,
) -> impl IntoView {
    let session = use_session();
    let lang = RwSignal::new(stored_language());
    let reveal = RwSignal::new(false);
    let origin = origin();
    let origin2 = origin.clone();

    let snippet = Signal::derive(move || {
        let token = reveal
            .get()
            .then(|| session.raw_token_untracked())
            .flatten();
        let mode = match &token {
            Some(t) => TokenMode::Revealed(t),
            None => TokenMode::Masked,
        };
        spec.with(|s| render(s, &origin, lang.get(), mode))
    });
    let all_pages = Signal::derive(move || {
        let token = reveal
            .get()
            .then(|| session.raw_token_untracked())
            .flatten();
        let mode = match &token {
            Some(t) => TokenMode::Revealed(t),
            None => TokenMode::Masked,
        };
        spec.with(|s| render_all_pages(s, &origin2, lang.get(), mode))
    });

    let tabs = Language::ALL
        .iter()
        .map(|&l| {
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    class:tab-active=move || lang.get() == l
                    aria-selected=move || (lang.get() == l).to_string()
                    data-testid=format!("lang-{}", l.id())
                    on:click=move |_| {
                        lang.set(l);
                        remember_language(l);
                    }
                >
                    {l.label()}
                </button>
            }
        })
        .collect_view();

    view! {
        <section class="api-panel" data-testid="api-panel" aria-label="API request">
            <div class="api-panel-head">
                <div class="tabs" role="tablist" aria-label="Language">{tabs}</div>
                <label class="check-label">
                    <input type="checkbox" data-testid="reveal-token" prop:checked=move || reveal.get() on:change=move |_| reveal.update(|r| *r = !*r) />
                    "Reveal token"
                </label>
            </div>
            <div class="snippet-block">
                <div class="snippet-title">
                    <span>{if list { "This page" } else { "This request" }}</span>
                    <CopyButton text=snippet />
                </div>
                <pre class="snippet" data-testid="snippet">{move || snippet.get()}</pre>
            </div>
            {list.then(|| view! {
                <div class="snippet-block">
                    <div class="snippet-title">
                        <span>"Every page"</span>
                        <CopyButton text=all_pages />
                    </div>
                    <pre class="snippet" data-testid="snippet-all">{move || all_pages.get()}</pre>
                </div>
            })}
        </section>
    }
}
