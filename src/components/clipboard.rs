//! Copy to clipboard that also works on plain-HTTP LAN origins, where `navigator.clipboard`
//! does not exist (it needs a secure context): there we fall back to a hidden textarea and
//! `document.execCommand('copy')`, which browsers still honour inside a click handler.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The last text copied, kept in a hidden element (`data-testid="last-copied"`) so that a
/// browser test can read what the Copy button put on the clipboard without clipboard access.
#[derive(Clone, Copy)]
pub struct LastCopied(pub RwSignal<String>);

pub fn provide_last_copied() -> LastCopied {
    let l = LastCopied(RwSignal::new(String::new()));
    provide_context(l);
    l
}

/// Copies `text`; returns whether the browser accepted it.
pub async fn copy_text(text: String, last: Option<LastCopied>) -> bool {
    if let Some(l) = last {
        l.0.try_set(text.clone());
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    if window.is_secure_context() {
        let promise = window.navigator().clipboard().write_text(&text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            return true;
        }
        // Denied (for example a headless browser without clipboard permission): try the fallback.
    }
    copy_with_textarea(&window, &text)
}

fn copy_with_textarea(window: &web_sys::Window, text: &str) -> bool {
    let Some(document) = window.document() else {
        return false;
    };
    let Some(body) = document.body() else {
        return false;
    };
    let Ok(el) = document.create_element("textarea") else {
        return false;
    };
    let Ok(area) = el.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("data-testid", "copy-fallback");
    // Off screen rather than display:none: a hidden element cannot be selected.
    let _ = area.set_attribute("style", "position:fixed;top:0;left:-9999px;opacity:0");
    let _ = body.append_child(&area);
    area.select();
    let ok = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    ok
}

/// A "Copy" button that says "Copied" for a moment afterwards.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let label = label.unwrap_or("Copy");
    let last = use_context::<LastCopied>();
    let on_click = move |_| {
        let t = text.get_untracked();
        leptos::task::spawn_local(async move {
            let ok = copy_text(t, last).await;
            copied.try_set(Some(ok));
            gloo_timers::future::TimeoutFuture::new(2000).await;
            copied.try_set(None);
        });
    };
    view! {
        <button type="button" class="btn btn-small" data-testid="copy-button" on:click=on_click>
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Copy failed",
                None => label,
            }}
        </button>
    }
}
