//! Export a dashboard as a JSON file, and import one (file picker or paste) with a preview of
//! what will be created; the import checks are the server's own (`Dashboard::import`).

use super::board::Board;
use crate::components::download::save_text;
use leptos::prelude::*;
use shipshape_model::{Dashboard, Widget};
use wasm_bindgen::JsCast;

/// Downloads the open dashboard as `<name>.dashboard.json`.
pub fn export(board: Board) {
    let Some(doc) = board.doc.get_untracked() else {
        return;
    };
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    match save_text(&export_file_name(&doc.name), "application/json", &text) {
        Ok(()) => board.live.set(format!("Exported {}.", doc.name)),
        Err(e) => board.live.set(format!("Export failed: {e}")),
    }
}

/// The export's file name: the dashboard's name in lower-case letters and digits, anything
/// else a dash (`Fleet: prod` → `fleet--prod.dashboard.json`).
fn export_file_name(name: &str) -> String {
    let stem: String = name
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
    format!(
        "{}.dashboard.json",
        if stem.is_empty() { "dashboard" } else { stem }
    )
}

/// What the import will create: "Creates the dashboard "Fleet" with 2 widgets:".
fn creates(d: &Dashboard) -> String {
    let count = d.widgets.len();
    format!(
        "Creates the dashboard \"{}\" with {count} widget{}:",
        d.name,
        if count == 1 { "" } else { "s" }
    )
}

/// One imported widget, after its title: " · Bar of images · critical:true" ("all" for no query).
fn widget_line(w: &Widget) -> String {
    let query = if w.query.is_empty() {
        "all"
    } else {
        w.query.as_str()
    };
    format!(" · {:?} of {} · {query}", w.kind, w.entity.noun())
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
                                <span class="muted">{widget_line(w)}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="import-preview" data-testid="import-preview">
                        <p>{creates(&d)}</p>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::dashboard::edits::tests::{dashboard, widget};
    use shipshape_model::grid::Layout;
    use shipshape_model::{WidgetEntity, WidgetKind};

    #[test]
    fn the_file_is_named_after_the_dashboard() {
        assert_eq!(
            export_file_name("Fleet: prod"),
            "fleet--prod.dashboard.json"
        );
        assert_eq!(
            export_file_name("  Vulnérabilités 2026 "),
            "vulnérabilités-2026.dashboard.json"
        );
        assert_eq!(export_file_name("***"), "dashboard.dashboard.json");
    }

    #[test]
    fn the_preview_says_what_will_be_created() {
        let mut bar = widget("b", Layout::new(0, 0, 12, 8));
        bar.kind = WidgetKind::Bar;
        let mut findings = widget("f", Layout::new(12, 0, 6, 4));
        findings.entity = WidgetEntity::Vulnerability;
        findings.query = String::new();
        assert_eq!(widget_line(&bar), " · Bar of images · critical:true");
        assert_eq!(widget_line(&findings), " · Count of findings · all");
        let mut d = dashboard(vec![bar, findings]);
        assert_eq!(
            creates(&d),
            "Creates the dashboard \"Test\" with 2 widgets:"
        );
        d.widgets.truncate(1);
        assert_eq!(creates(&d), "Creates the dashboard \"Test\" with 1 widget:");
    }
}
