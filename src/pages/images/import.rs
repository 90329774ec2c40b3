//! "Import report" on the Images tab (operators and admins): a Trivy, CycloneDX, Grype or
//! malware JSON report from a file, sent to `POST /csapi/v1.3/images/import` (the request is on
//! show once a file is chosen); the outcome links to the image.

use crate::api::{requests, use_api};
use crate::components::api_panel::ApiPanel;
use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::scan::Ingested;
use shipshape_model::Role;
use wasm_bindgen::JsCast;

#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Busy,
    Done(Ingested),
    Failed(String),
}

/// The toolbar's import action; `on_done` reloads the list.
pub fn import_action(on_done: Callback<()>) -> AnyView {
    let role = untrack(|| use_session().role());
    if !role.allows(Role::Operator) {
        return ().into_any();
    }
    view! { <ImportReport on_done /> }.into_any()
}

#[component]
fn ImportReport(on_done: Callback<()>) -> impl IntoView {
    let api = use_api();
    let open = RwSignal::new(false);
    let file_name = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::None);
    let show_request = RwSignal::new(false);
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
        file_name.set(file.name());
        outcome.set(Outcome::None);
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => text.set(v.as_string().unwrap_or_default()),
                Err(_) => {
                    text.set(String::new());
                    outcome.set(Outcome::Failed("The file could not be read.".into()));
                }
            }
        });
    };
    let send = move |_| {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            outcome.set(Outcome::Failed("Choose a report file first.".into()));
            return;
        }
        outcome.set(Outcome::Busy);
        let spec = requests::import_report(&body);
        spawn_local(async move {
            match api.json::<Ingested>(&spec, None).await {
                Ok(done) => {
                    outcome.set(Outcome::Done(done));
                    on_done.run(());
                }
                Err(e) => outcome.set(Outcome::Failed(e.said())),
            }
        });
    };
    let spec = Signal::derive(move || requests::import_report(&text.get()));
    view! {
        <button type="button" class="btn" data-testid="import-report"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>"Import report"</button>
        {move || open.get().then(|| view! {
            <div class="card import-card" data-testid="import-panel" role="region" aria-label="Import a scanner report">
                <p class="muted small">"A Trivy (JSON, schema 2), CycloneDX 1.4–1.6, Grype or Shipshape malware JSON report of one image. The whole report is checked before anything is stored."</p>
                <div class="form-row">
                    <label for="report-file">"Report file"</label>
                    <input id="report-file" type="file" accept=".json,application/json" data-testid="report-file" on:change=on_file />
                </div>
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" data-testid="import-send"
                        disabled=move || text.with(|t| t.trim().is_empty()) || outcome.get() == Outcome::Busy
                        on:click=send>"Import"</button>
                    <button type="button" class="btn" data-testid="import-request"
                        disabled=move || text.with(|t| t.is_empty())
                        on:click=move |_| show_request.update(|s| *s = !*s)>"Show API request"</button>
                    <button type="button" class="btn" on:click=move |_| {
                        open.set(false);
                        outcome.set(Outcome::None);
                    }>"Close"</button>
                </div>
                {move || match outcome.get() {
                    Outcome::None => ().into_any(),
                    Outcome::Busy => view! { <p class="muted" role="status">{format!("Importing {}…", file_name.get())}</p> }.into_any(),
                    Outcome::Done(d) => {
                        let href = format!("/images/{}", d.image_sha);
                        view! {
                            <p class="notice notice-ok" role="status" data-testid="import-done">
                                {format!("Imported the {} report of image {}: {} findings, {} software, {} secrets, {} malware. ",
                                    d.format, &d.image_sha[..12.min(d.image_sha.len())], d.vulnerabilities, d.software, d.secrets, d.malware)}
                                <a href=href data-testid="import-open">"Open the image ›"</a>
                            </p>
                        }.into_any()
                    }
                    Outcome::Failed(m) => view! { <div class="notice notice-error" role="alert" data-testid="import-failed">{m}</div> }.into_any(),
                }}
                {move || show_request.get().then(|| view! { <ApiPanel spec=spec /> })}
            </div>
        })}
    }
}
