//! Export a dashboard as a JSON file, and import one (file picker or paste) with a preview of
//! what will be created; the import checks are the server's own (`Dashboard::import`).

use super::board::Board;
use crate::components::download::save_text;
use leptos::prelude::*;
use shipshape_model::Dashboard;
use wasm_bindgen::JsCast;

/// Downloads the open dashboard as `<name>.json`.
pub fn export(board: Board) {
    let Some(doc) = board.doc.get_untracked() else {
        return;
    };
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let stem: String = doc
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    let name = format!(
        "{}.dashboard.json",
        if stem.is_empty() { "dashboard" } else { stem }
    );
    match save_text(&name, "application/json", &text) {
        Ok(()) => board.live.set(format!("Exported {}.", doc.name)),
        Err(e) => board.live.set(format!("Export failed: {e}")),
    }
}

#[component]
pub fn Import(open: RwSignal<bool>, on_create: Callback<Dashboard>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let parsed = Memo::new(move |_| {
        text.with(|t| {
            if t.trim().is_empty() {
                None
            } else {
                Some(Dashboard::import(t).map_err(|e| e.to_string()))
            }
        })
    });
    let close = move || {
        open.set(false);
        text.set(String::new());
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => text.set(v.as_string().unwrap_or_default()),
                Err(_) => text.set(String::new()),
            }
        });
    };
    let preview = move || {
        parsed.get().map(|r| match r {
            Ok(d) => {
                let widgets = d
                    .widgets
                    .iter()
                    .map(|w| {
                        view! {
                            <li>
                                <b>{w.title.clone()}</b>
                                <span class="muted">{format!(" · {:?} of {} · {}", w.kind, w.entity.noun(), if w.query.is_empty() { "all".to_string() } else { w.query.clone() })}</span>
                            </li>
                        }
                    })
                    .collect_view();
                let count = d.widgets.len();
                view! {
                    <div class="import-preview" data-testid="import-preview">
                        <p>{format!("Creates the dashboard \"{}\" with {count} widget{}:", d.name, if count == 1 { "" } else { "s" })}</p>
                        {d.description.clone().map(|t| view! { <p class="muted">{t}</p> })}
                        <ul>{widgets}</ul>
                        <button type="button" class="btn btn-primary" data-testid="import-create"
                            on:click=move |_| {
                                on_create.run(d.clone());
                                close();
                            }>"Create dashboard"</button>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! {
                <p class="form-error" role="alert" data-testid="import-error">{format!("This cannot be imported: {e}.")}</p>
            }
            .into_any(),
        })
    };
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| close()>
                <div class="dialog" role="dialog" aria-modal="true" aria-label="Import a dashboard"
                    data-testid="import-dialog" on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    <header class="dialog-head">
                        <h2>"Import a dashboard"</h2>
                        <button type="button" class="btn btn-ghost" on:click=move |_| close()>"Close"</button>
                    </header>
                    <label class="dfield">
                        <span class="dfield-label">"From a file"</span>
                        <input type="file" accept="application/json,.json" data-testid="import-file" on:change=on_file />
                    </label>
                    <label class="dfield">
                        <span class="dfield-label">"Or paste the JSON"</span>
                        <textarea class="input import-text" rows="8" data-testid="import-text" spellcheck="false"
                            prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </label>
                    {preview}
                </div>
            </div>
        </Show>
    }
}
