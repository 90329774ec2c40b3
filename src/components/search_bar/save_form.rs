//! "Save this search": a name for the query in the field. The form is made afresh each time it
//! opens (an empty name, no error), so it owns its name, error and busy state.

use super::listbox::BarIds;
use crate::api::{requests, use_api, ApiError};
use leptos::html;
use leptos::prelude::*;
use shipshape_model::searches::{
    saved_search_name_problem, NewSavedSearch, SavedSearch, SearchEntity, SAVED_SEARCH_NAME_MAX,
};
use shipshape_qql::Entity;

#[component]
pub fn SaveForm(
    entity: Entity,
    ids: BarIds,
    /// The query to save (the field's text).
    #[prop(into)]
    query: Signal<String>,
    /// The query is valid and not empty.
    #[prop(into)]
    can_save: Signal<bool>,
    /// Saved: the search as stored and the name as the user typed it.
    on_saved: Callback<(SavedSearch, String)>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let name_ref = NodeRef::<html::Input>::new();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    request_animation_frame(move || {
        if let Some(n) = name_ref.get_untracked() {
            let _ = n.focus();
        }
    });

    let submit = move || {
        let name = name.get_untracked().trim().to_string();
        let query = query.get_untracked().trim().to_string();
        if saved_search_name_problem(&name).is_some()
            || !can_save.get_untracked()
            || busy.get_untracked()
        {
            return;
        }
        busy.set(true);
        error.set(None);
        let spec = requests::save_search(&NewSavedSearch {
            entity: SearchEntity::from(entity),
            name: name.clone(),
            query,
        });
        leptos::task::spawn_local(async move {
            let result: Result<SavedSearch, ApiError> = api.json(&spec, None).await;
            busy.try_set(false);
            match result {
                Ok(saved) => on_saved.run((saved, name)),
                Err(e) if e.is_aborted() => {}
                Err(e) => {
                    error.try_set(Some(format!("Could not save: {e}")));
                }
            }
        });
    };

    view! {
        <form
            class="qql-save-form"
            aria-label="Save this search"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <label class="qql-muted" for=ids.save_name()>"Name"</label>
            <input
                node_ref=name_ref
                id=ids.save_name()
                type="text"
                data-testid="qql-save-name"
                maxlength=SAVED_SEARCH_NAME_MAX.to_string()
                autocomplete="off"
                placeholder="e.g. Running as root"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        on_close.run(());
                    }
                }
            />
            <code class="qql-save-query">{move || query.get()}</code>
            <button
                type="submit"
                class="btn btn-small btn-primary"
                data-testid="qql-save-confirm"
                disabled=move || {
                    busy.get() || !can_save.get()
                        || name.with(|n| saved_search_name_problem(n).is_some())
                }
            >
                "Save"
            </button>
            <button
                type="button"
                class="btn btn-small"
                data-testid="qql-save-cancel"
                on:click=move |_| on_close.run(())
            >
                "Cancel"
            </button>
            {move || error.get().map(|e| view! {
                <span class="qql-save-error" role="alert" data-testid="qql-save-error">{e}</span>
            })}
        </form>
    }
}
