//! What every settings form shares: loading a setting with its `ETag`, saving it with
//! `If-Match` (a stale save is told so, with a reload), the fields' errors (the model's
//! validator as the user types, the server's if it still refuses), and the Save bar.

use crate::api::{use_api, Api, ApiError};
use crate::components::api_panel::{ApiPanel, ApiToggle};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use shipshape_model::{FieldProblem, RequestSpec};

/// Where a save stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Idle,
    Saving,
    Saved,
    /// Someone else saved first (412): the message and a reload.
    Stale(String),
    Failed(String),
}

/// A setting as loaded: its value and the `ETag` to save against.
pub struct Setting<T: Send + Sync + 'static> {
    pub loaded: RwSignal<Option<Result<T, ApiError>>>,
    pub etag: RwSignal<String>,
    pub state: RwSignal<SaveState>,
    /// The server's field errors from the last refused save.
    pub server: RwSignal<Vec<FieldProblem>>,
    spec: fn() -> RequestSpec,
}

impl<T: Send + Sync + 'static> Clone for Setting<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Setting<T> {}

impl<T: DeserializeOwned + Clone + Send + Sync + 'static> Setting<T> {
    /// Loads the setting now; `on_load` gets each value loaded (to fill the form).
    pub fn new(spec: fn() -> RequestSpec, on_load: impl Fn(T) + Copy + 'static) -> Self {
        let s = Self {
            loaded: RwSignal::new(None),
            etag: RwSignal::new(String::new()),
            state: RwSignal::new(SaveState::Idle),
            server: RwSignal::new(Vec::new()),
            spec,
        };
        s.reload(on_load);
        s
    }

    /// Loads it again (after a stale save), replacing the form's values.
    pub fn reload(&self, on_load: impl Fn(T) + 'static) {
        let api = use_api();
        let s = *self;
        spawn_local(async move {
            let got = api.text_and_etag(&(s.spec)(), None).await;
            let value = got.and_then(|(body, etag)| {
                let v = serde_json::from_str::<T>(&body)
                    .map_err(|e| ApiError::Decode(e.to_string()))?;
                s.etag.set(etag.unwrap_or_default());
                Ok(v)
            });
            if let Ok(v) = &value {
                on_load(v.clone());
                s.state.set(SaveState::Idle);
                s.server.set(Vec::new());
            }
            s.loaded.set(Some(value));
        });
    }

    /// Sends `spec` (a PUT with `If-Match`); `on_saved` gets the value the server kept.
    pub fn save(&self, api: Api, spec: RequestSpec, on_saved: impl Fn(T) + 'static) {
        let s = *self;
        s.state.set(SaveState::Saving);
        spawn_local(async move {
            match api.text_and_etag(&spec, None).await {
                Ok((body, etag)) => {
                    if let Some(e) = etag {
                        s.etag.set(e);
                    }
                    s.server.set(Vec::new());
                    match serde_json::from_str::<T>(&body) {
                        Ok(v) => {
                            on_saved(v);
                            s.state.set(SaveState::Saved);
                        }
                        Err(e) => s.state.set(SaveState::Failed(e.to_string())),
                    }
                }
                Err(e) if e.status() == Some(412) => s.state.set(SaveState::Stale(e.said())),
                Err(e) => {
                    s.server.set(e.details().to_vec());
                    s.state.set(SaveState::Failed(e.said()));
                }
            }
        });
    }
}

/// The first problem reported for `field` (the model's, else the server's).
pub fn problem_for(
    problems: &[FieldProblem],
    server: &[FieldProblem],
    field: &str,
) -> Option<String> {
    problems
        .iter()
        .chain(server)
        .find(|p| p.field == field)
        .map(|p| p.message.clone())
}

/// A field's error line, present only while there is one.
#[component]
pub fn FieldError(
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(into)] field: String,
) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="field-error" role="alert" data-field=field.clone()
                    data-testid=format!("error-{field}")>{m}</p>
            }
        })
    }
}

/// The Save button's status line: saving, saved, stale (with Reload), or the failure.
#[component]
pub fn SaveStatus(state: RwSignal<SaveState>, on_reload: Callback<()>) -> impl IntoView {
    move || match state.get() {
        SaveState::Idle => ().into_any(),
        SaveState::Saving => {
            view! { <span class="muted" role="status">"Saving…"</span> }.into_any()
        }
        SaveState::Saved => {
            view! { <span class="save-ok" role="status" data-testid="saved">"Saved."</span> }
                .into_any()
        }
        SaveState::Stale(m) => view! {
            <div class="notice notice-error" role="alert" data-testid="stale">
                <span>{m}</span>
                <button type="button" class="btn btn-small" data-testid="reload"
                    on:click=move |_| on_reload.run(())>"Reload"</button>
            </div>
        }
        .into_any(),
        SaveState::Failed(m) => view! {
            <div class="notice notice-error" role="alert" data-testid="save-failed">{m}</div>
        }
        .into_any(),
    }
}

/// A form's heading (the children) with "Show API request" beside it; open, the panel shows the
/// request the form's button sends (`spec`).
#[component]
pub fn FormHead(
    #[prop(into)] spec: Signal<RequestSpec>,
    /// The button that sends it, as the panel names it.
    #[prop(default = "Save")]
    verb: &'static str,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <header class="settings-head">
            <div>{children()}</div>
            <ApiToggle open=open on_toggle=Callback::new(move |v| open.set(v)) />
        </header>
        {move || open.get().then(|| view! {
            <p class="muted small">{format!("What {verb} sends:")}</p>
            <ApiPanel spec=spec />
        })}
    }
}
