//! The QQL search bar of the lists: as the user types, the query is parsed leniently and its
//! first error is underlined (with the sentence below the field); a combobox offers completions
//! from the catalogue, and, on an empty field (or with "Saved"), the user's recent and saved
//! searches for this entity. Enter runs the search, but only a query the server will accept.
//!
//! This file owns the bar's signals and carries out what its parts ask: `check` reads the
//! text as QQL, `keys` decides what a key does, `listbox` draws the dropdown, `save_form` names
//! a search, `underline` draws the error under the text, `state` holds the rules over the cached
//! searches and `offsets` converts between characters, bytes and the DOM's UTF-16 units.

mod check;
mod keys;
mod listbox;
mod offsets;
mod save_form;
mod state;
mod underline;

use crate::api::{requests, use_api};
use check::{completions_at, first_error};
use keys::{key_action, moves_caret, KeyAction};
use leptos::html;
use leptos::prelude::*;
use listbox::{BarIds, Listbox};
use offsets::{chars_to_utf16, splice, utf16_to_chars};
use save_form::SaveForm;
use shipshape_model::searches::{NewRecentSearch, RecentSearch, SavedSearch, SearchEntity};
use shipshape_model::EpochMillis;
use shipshape_qql::Entity;
use state::{default_example, history_choices, Choice, History, HistoryNote};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The entity of a list route segment (`"sensors"`, `"images"`, `"containers"`).
pub fn entity_for(segment: &str) -> Option<Entity> {
    Entity::ALL
        .into_iter()
        .chain([Entity::Audit])
        .find(|e| e.as_str() == segment)
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

#[component]
pub fn SearchBar(
    entity: Entity,
    #[prop(into)] value: Signal<String>,
    on_search: Callback<String>,
    /// An example query for the placeholder (the entity's own by default).
    #[prop(optional)]
    example: Option<&'static str>,
    /// Told the field's text as it is typed (before Enter runs it): a form that uses the
    /// filter as it stands, such as a report's.
    #[prop(optional)]
    on_edit: Option<Callback<String>>,
) -> impl IntoView {
    let example = example.unwrap_or_else(|| default_example(entity));
    let api = use_api();
    let ids = BarIds(NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let input_ref = NodeRef::<html::Input>::new();
    let mirror_ref = NodeRef::<html::Div>::new();

    // What is in the field (follows `value` whenever the applied filter changes).
    let text = RwSignal::new(value.get_untracked());
    Effect::new(move |_| text.set(value.get()));
    if let Some(on_edit) = on_edit {
        Effect::new(move |_| on_edit.run(text.get()));
    }
    // The caret, in characters.
    let cursor = RwSignal::new(0usize);
    let open = RwSignal::new(false);
    // "Saved" pressed: the dropdown shows the searches whatever the field holds.
    let force_history = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let history = RwSignal::new(History::NotLoaded);
    // A short note under the field (saved, could not delete, …).
    let note = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    let error = Memo::new(move |_| text.with(|t| first_error(t, entity)));
    let can_save =
        Memo::new(move |_| error.with(Option::is_none) && text.with(|t| !t.trim().is_empty()));
    let history_mode =
        Memo::new(move |_| force_history.get() || text.with(|t| t.trim().is_empty()));

    let completions = Memo::new(move |_| text.with(|t| completions_at(t, cursor.get(), entity)));
    let completion_choices = move || {
        completions.with(|(_, items)| items.iter().cloned().map(Choice::Complete).collect())
    };

    let choices = Memo::new(move |_| {
        if !history_mode.get() {
            return completion_choices();
        }
        let searches = history.with(|h| match h {
            History::Loaded(s) => history_choices(s, entity),
            _ => Vec::new(),
        });
        // Nothing saved or recent yet: an empty field offers the fields to start with.
        if searches.is_empty() && history.with(History::is_settled) && !force_history.get() {
            return completion_choices();
        }
        searches
    });
    // A new list: nothing highlighted (Enter then runs the search).
    Effect::new(move |_| {
        choices.track();
        active.set(None);
    });

    let history_note = Memo::new(move |_| {
        if !history_mode.get() {
            return None;
        }
        let none = choices.with(Vec::is_empty);
        history.with(|h| HistoryNote::of(h, force_history.get(), none))
    });
    let visible = Memo::new(move |_| {
        open.get() && (!choices.with(Vec::is_empty) || history_note.with(Option::is_some))
    });

    // Fetch the searches when the dropdown first needs them.
    Effect::new(move |_| {
        if open.get() && history_mode.get() && history.with(|h| *h == History::NotLoaded) {
            history.set(History::Loading);
            leptos::task::spawn_local(async move {
                let result = api
                    .json(&requests::searches(SearchEntity::from(entity)), None)
                    .await;
                history.try_set(match result {
                    Ok(s) => History::Loaded(s),
                    Err(e) => History::Failed(e.to_string()),
                });
            });
        }
    });

    let sync_scroll = move || {
        if let (Some(i), Some(m)) = (input_ref.get_untracked(), mirror_ref.get_untracked()) {
            m.set_scroll_left(i.scroll_left());
        }
    };
    let sync_caret = move || {
        if let Some(i) = input_ref.get_untracked() {
            let at = i.selection_start().ok().flatten().unwrap_or(0) as usize;
            cursor.set(utf16_to_chars(&i.value(), at));
        }
        sync_scroll();
    };
    // After the text changes from code (or the mirror re-renders), line the layers up again.
    Effect::new(move |_| {
        text.track();
        request_animation_frame(sync_scroll);
    });
    let focus_input = move || {
        if let Some(i) = input_ref.get_untracked() {
            let _ = i.focus();
        }
    };
    let set_text_and_caret = move |new: String, caret_chars: usize| {
        if let Some(i) = input_ref.get_untracked() {
            i.set_value(&new);
            let at = chars_to_utf16(&new, caret_chars) as u32;
            let _ = i.set_selection_range(at, at);
        }
        text.set(new);
        cursor.set(caret_chars);
        sync_scroll();
    };

    // Enter with nothing highlighted: run the query, unless the server would refuse it.
    let run_search = move || {
        let query = text.get_untracked().trim().to_string();
        open.set(false);
        if !query.is_empty() && error.get_untracked().is_some() {
            focus_input();
            return;
        }
        force_history.set(false);
        on_search.run(query.clone());
        if query.is_empty() {
            return;
        }
        let spec = requests::add_recent_search(&NewRecentSearch {
            entity: SearchEntity::from(entity),
            query: query.clone(),
        });
        leptos::task::spawn_local(async move {
            // Fire and forget; the list shows it next time it is loaded.
            let _ = api.text(&spec, None).await;
            let now = EpochMillis(js_sys::Date::now() as i64);
            history.try_update(|h| h.record_recent(query, now));
        });
    };

    let accept = move |i: usize| {
        let Some(choice) = choices.with_untracked(|c| c.get(i).cloned()) else {
            return;
        };
        match choice {
            Choice::Complete(item) => {
                let (span, _) = completions.get_untracked();
                let (new, caret) = splice(&text.get_untracked(), span, &item.insert);
                force_history.set(false);
                set_text_and_caret(new, caret);
                open.set(true);
                active.set(None);
            }
            Choice::Recent(RecentSearch { query, .. })
            | Choice::Saved(SavedSearch { query, .. }) => {
                let n = query.chars().count();
                set_text_and_caret(query, n);
                run_search();
            }
        }
    };

    let delete_saved = move |id: String| {
        leptos::task::spawn_local(async move {
            match api.text(&requests::delete_saved_search(&id), None).await {
                Ok(_) => {
                    history.try_update(|h| h.forget_saved(&id));
                    note.try_set(Some("Saved search deleted.".into()));
                }
                Err(e) if !e.is_aborted() => {
                    note.try_set(Some(format!("Could not delete the saved search: {e}")));
                }
                Err(_) => {}
            }
        });
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let action = choices.with_untracked(|c| {
            key_action(
                &ev.key(),
                visible.get_untracked(),
                active.get_untracked(),
                c,
            )
        });
        if action.prevents_default() {
            ev.prevent_default();
        }
        match action {
            KeyAction::Pass | KeyAction::Swallow => {}
            KeyAction::Open => open.set(true),
            KeyAction::Highlight(i) => active.set(Some(i)),
            KeyAction::Accept(i) => accept(i),
            KeyAction::Run => run_search(),
            KeyAction::Close => {
                open.set(false);
                force_history.set(false);
            }
            KeyAction::Delete(id) => delete_saved(id),
        }
    };

    let open_save_form = move || {
        note.set(None);
        saving.set(true);
        open.set(false);
    };
    let close_save_form = move || {
        saving.set(false);
        focus_input();
    };
    let on_saved = Callback::new(move |(saved, name): (SavedSearch, String)| {
        history.try_update(|h| h.keep_saved(saved));
        note.try_set(Some(format!("Saved as “{name}”.")));
        saving.try_set(false);
        focus_input();
    });

    view! {
        <div class="qql" data-entity=entity.as_str()>
            <div class="qql-row">
                <div class="qql-field">
                    <input
                        node_ref=input_ref
                        type="text"
                        class="qql-input"
                        role="combobox"
                        aria-autocomplete="list"
                        aria-haspopup="listbox"
                        aria-label=format!("Filter {} (QQL)", entity.as_str())
                        aria-expanded=move || visible.get().to_string()
                        aria-controls=ids.listbox()
                        aria-activedescendant=move || {
                            active.get().filter(|_| visible.get()).map(|i| ids.option(i))
                        }
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=move || error.with(Option::is_some).then(|| ids.error())
                        data-testid="qql-input"
                        placeholder=format!("Filter {} with QQL, e.g. {} — Enter to search", entity.as_str(), example)
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            force_history.set(false);
                            note.set(None);
                            open.set(true);
                            sync_caret();
                        }
                        on:keydown=on_keydown
                        on:keyup=move |ev: leptos::ev::KeyboardEvent| {
                            if moves_caret(&ev.key()) {
                                sync_caret();
                            }
                        }
                        on:click=move |_| {
                            sync_caret();
                            open.set(true);
                        }
                        on:focus=move |_| {
                            sync_caret();
                            open.set(true);
                        }
                        on:blur=move |_| {
                            open.set(false);
                            force_history.set(false);
                        }
                        on:select=move |_| sync_caret()
                        on:scroll=move |_| sync_scroll()
                    />
                    <div class="qql-mirror" aria-hidden="true" node_ref=mirror_ref>
                        {move || underline::mirror_view(text.get(), error.with(|e| e.as_ref().map(|(s, _)| *s)))}
                    </div>
                    <Show when=move || visible.get()>
                        <Listbox
                            ids=ids
                            choices=choices
                            history_mode=history_mode
                            note=history_note
                            active=active
                            on_pick=Callback::new(accept)
                            on_delete=Callback::new(delete_saved)
                        />
                    </Show>
                </div>
                <button type="button" class="btn" data-testid="qql-search" on:click=move |_| run_search()>
                    "Search"
                </button>
                <button
                    type="button"
                    class="btn"
                    data-testid="qql-saved-toggle"
                    aria-pressed=move || (force_history.get() && visible.get()).to_string()
                    title="Recent and saved searches"
                    on:mousedown=|ev: leptos::ev::MouseEvent| ev.prevent_default()
                    on:click=move |_| {
                        let showing = force_history.get_untracked() && visible.get_untracked();
                        force_history.set(!showing);
                        open.set(!showing);
                        focus_input();
                    }
                >
                    "Saved"
                </button>
                <button
                    type="button"
                    class="btn"
                    data-testid="qql-save"
                    disabled=move || !can_save.get()
                    title="Save this search"
                    aria-expanded=move || saving.get().to_string()
                    on:click=move |_| {
                        if saving.get_untracked() { close_save_form() } else { open_save_form() }
                    }
                >
                    "Save"
                </button>
            </div>
            <Show when=move || saving.get()>
                <SaveForm
                    entity=entity
                    ids=ids
                    query=text
                    can_save=can_save
                    on_saved=on_saved
                    on_close=Callback::new(move |()| close_save_form())
                />
            </Show>
            <div class="qql-status" aria-live="polite">
                {move || error.get().map(|(span, msg)| view! {
                    <p class="qql-message" id=ids.error() data-testid="qql-error" data-span=format!("{}:{}", span.start, span.end)>
                        {msg}
                    </p>
                })}
                {move || note.get().map(|n| view! {
                    <p class="qql-note" data-testid="qql-note">{n}</p>
                })}
            </div>
        </div>
    }
}
