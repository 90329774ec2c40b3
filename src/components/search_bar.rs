//! The QQL search bar of the lists: as the user types, the query is parsed leniently and its
//! first error is underlined (with the sentence below the field); a combobox offers completions
//! from the catalogue, and, on an empty field (or with "Saved"), the user's recent and saved
//! searches for this entity. Enter runs the search, but only a query the server will accept.
//!
//! The underline: a mirror layer over the input (same font, padding and border, transparent
//! text, `pointer-events: none`, scrolled with the input) wraps the error's characters in a
//! `<mark>` that only draws a wavy underline, so the real input keeps its caret and selection.
//!
//! QQL spans and completion spans count characters; the DOM's selection counts UTF-16 units and
//! Rust strings bytes: the helpers at the bottom convert between them.

use crate::api::{use_api, Api, ApiError};
use crate::format::relative;
use leptos::html;
use leptos::prelude::*;
use serde::Deserialize;
use shipshape_model::{Method, RequestSpec};
use shipshape_qql::{complete, parse, parse_lenient, CompletionItem, CompletionKind, Entity};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::JsCast;

const BASE: &str = "/csapi/v1.3";
/// Recent searches shown in the dropdown (the server may keep more).
const MAX_RECENT: usize = 8;

/// The entity of a list route segment (`"sensors"`, `"images"`, `"containers"`).
pub fn entity_for(segment: &str) -> Option<Entity> {
    Entity::ALL
        .into_iter()
        .chain([Entity::Audit])
        .find(|e| e.as_str() == segment)
}

// ---- The searches API (recent and saved), as `RequestSpec`s ----

/// `GET /csapi/v1.3/searches?entity=…`: the user's recent and saved searches for `entity`.
pub fn searches_request(entity: Entity) -> RequestSpec {
    RequestSpec::get(format!("{BASE}/searches")).param("entity", entity.as_str())
}

/// `POST /csapi/v1.3/searches/recent` with `{"entity", "query"}`.
pub fn recent_request(entity: Entity, query: &str) -> RequestSpec {
    let body = serde_json::json!({ "entity": entity.as_str(), "query": query }).to_string();
    RequestSpec::new(Method::Post, format!("{BASE}/searches/recent")).json(body)
}

/// `POST /csapi/v1.3/searches/saved` with `{"entity", "name", "query"}` → 201 and the search.
pub fn save_request(entity: Entity, name: &str, query: &str) -> RequestSpec {
    let body =
        serde_json::json!({ "entity": entity.as_str(), "name": name, "query": query }).to_string();
    RequestSpec::new(Method::Post, format!("{BASE}/searches/saved")).json(body)
}

/// `DELETE /csapi/v1.3/searches/saved/{id}` → 204.
pub fn delete_saved_request(id: &str) -> RequestSpec {
    RequestSpec::new(
        Method::Delete,
        format!(
            "{BASE}/searches/saved/{}",
            shipshape_model::request::percent_encode(id)
        ),
    )
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
struct Searches {
    #[serde(default)]
    recent: Vec<RecentSearch>,
    #[serde(default)]
    saved: Vec<SavedSearch>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct RecentSearch {
    query: String,
    /// Epoch milliseconds, as a string (or a number).
    #[serde(default)]
    at: Option<serde_json::Value>,
}

impl RecentSearch {
    fn at_ms(&self) -> Option<i64> {
        match self.at.as_ref()? {
            serde_json::Value::String(s) => s.trim().parse().ok(),
            serde_json::Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct SavedSearch {
    #[serde(deserialize_with = "id_string")]
    id: String,
    name: String,
    #[serde(default)]
    entity: String,
    query: String,
}

/// Ids are uuids, but accept a number too.
fn id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

#[derive(Clone, Debug, PartialEq)]
enum History {
    NotLoaded,
    Loading,
    Loaded(Searches),
    Failed(String),
}

/// One entry of the dropdown.
#[derive(Clone, Debug, PartialEq)]
enum Opt {
    Complete(CompletionItem),
    Recent(String, Option<i64>),
    Saved(SavedSearch),
}

fn kind_name(k: CompletionKind) -> &'static str {
    match k {
        CompletionKind::Token => "field",
        CompletionKind::Value => "value",
        CompletionKind::Operator => "operator",
        CompletionKind::Keyword => "keyword",
    }
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
) -> impl IntoView {
    let example = example.unwrap_or_else(|| default_example(entity));
    let api = use_api();
    let uid = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let listbox_id = format!("qql-{uid}-listbox");
    let error_id = format!("qql-{uid}-error");
    let opt_id = move |i: usize| format!("qql-{uid}-opt-{i}");

    let input_ref = NodeRef::<html::Input>::new();
    let mirror_ref = NodeRef::<html::Div>::new();
    let listbox_ref = NodeRef::<html::Ul>::new();
    let name_ref = NodeRef::<html::Input>::new();

    // What is in the field (follows `value` whenever the applied filter changes).
    let text = RwSignal::new(value.get_untracked());
    Effect::new(move |_| text.set(value.get()));
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
    let save_name = RwSignal::new(String::new());
    let save_error = RwSignal::new(None::<String>);
    let save_busy = RwSignal::new(false);

    // The first error, as the lenient parse (and, to be sure, the strict one) sees it.
    let error = Memo::new(move |_| {
        text.with(|t| {
            let (_, errors) = parse_lenient(t, entity);
            match errors.into_iter().next() {
                Some(e) => Some((e.span(), e.message())),
                None => parse(t, entity).err().map(|e| (e.span(), e.message())),
            }
        })
    });
    let can_save =
        Memo::new(move |_| error.with(Option::is_none) && text.with(|t| !t.trim().is_empty()));

    let history_mode =
        Memo::new(move |_| force_history.get() || text.with(|t| t.trim().is_empty()));

    let completions = Memo::new(move |_| {
        let c = text.with(|t| complete(t, cursor.get(), entity));
        // Do not offer what is already there (a value typed out in full).
        let typed: String =
            text.with(|t| char_slice(t, c.replace.start, c.replace.end).to_string());
        let items: Vec<CompletionItem> =
            c.items.into_iter().filter(|i| i.insert != typed).collect();
        (c.replace, items)
    });

    let options = Memo::new(move |_| {
        if history_mode.get() {
            let mut opts = Vec::new();
            history.with(|h| {
                if let History::Loaded(s) = h {
                    opts.extend(
                        s.saved
                            .iter()
                            .filter(|x| x.entity.is_empty() || x.entity == entity.as_str())
                            .cloned()
                            .map(Opt::Saved),
                    );
                    let mut seen: Vec<&str> = Vec::new();
                    for r in &s.recent {
                        if seen.len() >= MAX_RECENT || seen.contains(&r.query.as_str()) {
                            continue;
                        }
                        seen.push(&r.query);
                        opts.push(Opt::Recent(r.query.clone(), r.at_ms()));
                    }
                }
            });
            // Nothing saved or recent yet: an empty field offers the fields to start with.
            let settled = history.with(|h| matches!(h, History::Loaded(_) | History::Failed(_)));
            if opts.is_empty() && settled && !force_history.get() {
                return completions
                    .with(|(_, items)| items.iter().cloned().map(Opt::Complete).collect());
            }
            opts
        } else {
            completions.with(|(_, items)| items.iter().cloned().map(Opt::Complete).collect())
        }
    });
    // A new list: nothing highlighted (Enter then runs the search).
    Effect::new(move |_| {
        options.track();
        active.set(None);
    });

    let history_note = move || -> Option<&'static str> {
        if !history_mode.get() {
            return None;
        }
        match history.with(|h| match h {
            History::Loading | History::NotLoaded => Some(1),
            History::Failed(_) => Some(2),
            History::Loaded(_) => None,
        }) {
            Some(1) => Some("Loading recent and saved searches…"),
            Some(_) => Some("Recent and saved searches are unavailable."),
            None if force_history.get() && options.with(Vec::is_empty) => {
                Some("No recent or saved searches yet.")
            }
            None => None,
        }
    };
    let visible = Memo::new(move |_| {
        open.get() && (!options.with(Vec::is_empty) || history_note().is_some())
    });

    // Fetch the searches when the dropdown first needs them.
    Effect::new(move |_| {
        if open.get() && history_mode.get() && history.with(|h| *h == History::NotLoaded) {
            history.set(History::Loading);
            leptos::task::spawn_local(async move {
                let result = api.json::<Searches>(&searches_request(entity), None).await;
                history.try_set(match result {
                    Ok(s) => History::Loaded(s),
                    Err(e) => History::Failed(e.to_string()),
                });
            });
        }
    });

    // Keep the highlighted option in view.
    Effect::new(move |_| {
        let Some(i) = active.get() else { return };
        let (Some(list), Some(opt)) = (
            listbox_ref.get_untracked(),
            document()
                .get_element_by_id(&opt_id(i))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
        ) else {
            return;
        };
        let (top, bottom) = (opt.offset_top(), opt.offset_top() + opt.offset_height());
        if top < list.scroll_top() {
            list.set_scroll_top(top);
        } else if bottom > list.scroll_top() + list.client_height() {
            list.set_scroll_top(bottom - list.client_height());
        }
    });

    let sync_scroll = move || {
        if let (Some(i), Some(m)) = (input_ref.get_untracked(), mirror_ref.get_untracked()) {
            m.set_scroll_left(i.scroll_left());
        }
    };
    let sync_caret = move || {
        if let Some(i) = input_ref.get_untracked() {
            let v = i.value();
            let at = i.selection_start().ok().flatten().unwrap_or(0) as usize;
            cursor.set(utf16_to_chars(&v, at));
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

    let post_recent = move |api: Api, query: String| {
        leptos::task::spawn_local(async move {
            // Fire and forget; the list shows it next time it is loaded.
            let _ = api.text(&recent_request(entity, &query), None).await;
            history.try_update(|h| {
                if let History::Loaded(s) = h {
                    s.recent.retain(|r| r.query != query);
                    s.recent.insert(
                        0,
                        RecentSearch {
                            query,
                            at: Some(serde_json::Value::String(
                                (js_sys::Date::now() as i64).to_string(),
                            )),
                        },
                    );
                }
            });
        });
    };

    // Enter with nothing highlighted: run the query, unless the server would refuse it.
    let run_search = move || {
        let query = text.get_untracked().trim().to_string();
        if !query.is_empty() && error.get_untracked().is_some() {
            open.set(false);
            focus_input();
            return;
        }
        open.set(false);
        force_history.set(false);
        on_search.run(query.clone());
        if !query.is_empty() {
            post_recent(api, query);
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

    let accept = move |i: usize| {
        let Some(opt) = options.with_untracked(|o| o.get(i).cloned()) else {
            return;
        };
        match opt {
            Opt::Complete(item) => {
                let (span, _) = completions.get_untracked();
                let current = text.get_untracked();
                let (a, b) = (
                    byte_at(&current, span.start),
                    byte_at(&current, span.end.max(span.start)),
                );
                let new = format!("{}{}{}", &current[..a], item.insert, &current[b..]);
                let caret = span.start + item.insert.chars().count();
                force_history.set(false);
                set_text_and_caret(new, caret);
                open.set(true);
                active.set(None);
            }
            Opt::Recent(query, _) | Opt::Saved(SavedSearch { query, .. }) => {
                let n = query.chars().count();
                set_text_and_caret(query, n);
                run_search();
            }
        }
    };

    let delete_saved = move |id: String| {
        leptos::task::spawn_local(async move {
            match api.text(&delete_saved_request(&id), None).await {
                Ok(_) => {
                    history.try_update(|h| {
                        if let History::Loaded(s) = h {
                            s.saved.retain(|x| x.id != id);
                        }
                    });
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
        let n = options.with_untracked(Vec::len);
        let shown = visible.get_untracked();
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                if !shown {
                    open.set(true);
                    return;
                }
                if n == 0 {
                    return;
                }
                let down = ev.key() == "ArrowDown";
                active.set(Some(match active.get_untracked() {
                    None if down => 0,
                    None => n - 1,
                    Some(i) if down => (i + 1) % n,
                    Some(i) => (i + n - 1) % n,
                }));
            }
            "Enter" => {
                ev.prevent_default();
                match active.get_untracked().filter(|_| shown) {
                    Some(i) => accept(i),
                    None => run_search(),
                }
            }
            "Tab" => {
                if let Some(i) = active.get_untracked().filter(|_| shown) {
                    ev.prevent_default();
                    accept(i);
                }
            }
            "Escape" if shown => {
                ev.prevent_default();
                open.set(false);
                force_history.set(false);
            }
            "Delete" => {
                let target = active
                    .get_untracked()
                    .filter(|_| shown)
                    .and_then(|i| options.with_untracked(|o| o.get(i).cloned()));
                if let Some(Opt::Saved(s)) = target {
                    ev.prevent_default();
                    delete_saved(s.id);
                }
            }
            _ => {}
        }
    };

    let open_save_form = move || {
        save_name.set(String::new());
        save_error.set(None);
        note.set(None);
        saving.set(true);
        open.set(false);
        request_animation_frame(move || {
            if let Some(n) = name_ref.get_untracked() {
                let _ = n.focus();
            }
        });
    };
    let close_save_form = move || {
        saving.set(false);
        save_error.set(None);
        focus_input();
    };
    let submit_save = move || {
        let name = save_name.get_untracked().trim().to_string();
        let query = text.get_untracked().trim().to_string();
        if name.is_empty() || !can_save.get_untracked() || save_busy.get_untracked() {
            return;
        }
        save_busy.set(true);
        save_error.set(None);
        leptos::task::spawn_local(async move {
            let result: Result<SavedSearch, ApiError> =
                api.json(&save_request(entity, &name, &query), None).await;
            save_busy.try_set(false);
            match result {
                Ok(saved) => {
                    history.try_update(|h| match h {
                        History::Loaded(s) => {
                            s.saved.retain(|x| x.id != saved.id);
                            s.saved.push(saved);
                        }
                        other => *other = History::NotLoaded,
                    });
                    note.try_set(Some(format!("Saved as “{name}”.")));
                    saving.try_set(false);
                    focus_input();
                }
                Err(e) if e.is_aborted() => {}
                Err(e) => {
                    save_error.try_set(Some(format!("Could not save: {e}")));
                }
            }
        });
    };

    // The mirror's content: the text, with the error's characters marked.
    let mirror = move || {
        let t = text.get();
        let Some((span, _)) = error.get() else {
            return view! { <span>{t}</span> }.into_any();
        };
        let len = t.chars().count();
        let mut start = span.start.min(len);
        let mut end = span.end.min(len).max(start);
        let mut tail_pad = false;
        if start == end {
            // An empty span (something missing): mark the next character, or a space at the end.
            if end < len {
                end += 1;
            } else if start > 0 && t.chars().nth(start - 1).is_some_and(|c| !c.is_whitespace()) {
                tail_pad = true;
            } else if start > 0 {
                start -= 1;
            } else {
                tail_pad = true;
            }
        }
        let before = char_slice(&t, 0, start).to_string();
        let marked = if tail_pad {
            "\u{a0}".to_string()
        } else {
            char_slice(&t, start, end).to_string()
        };
        let after = char_slice(&t, end, len).to_string();
        view! {
            <span>{before}</span>
            <mark class="qql-error" data-testid="qql-underline">{marked}</mark>
            <span>{after}</span>
        }
        .into_any()
    };

    let render_option = move |(i, opt): (usize, Opt)| {
        let id = opt_id(i);
        let is_active = move || active.get() == Some(i);
        let pick = move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            accept(i);
        };
        let keep_focus = |ev: leptos::ev::MouseEvent| ev.prevent_default();
        match opt {
            Opt::Complete(item) => view! {
                <li
                    id=id
                    role="option"
                    class="qql-option"
                    class:active=is_active
                    aria-selected=move || is_active().to_string()
                    data-testid="qql-option"
                    data-kind=kind_name(item.kind)
                    on:mousedown=keep_focus
                    on:click=pick
                >
                    <span class="qql-opt-label">{item.label}</span>
                    <span class=format!("qql-kind qql-kind-{}", kind_name(item.kind))>{kind_name(item.kind)}</span>
                    <span class="qql-opt-detail">{item.detail}</span>
                </li>
            }
            .into_any(),
            Opt::Recent(query, at) => view! {
                <li
                    id=id
                    role="option"
                    class="qql-option qql-history"
                    class:active=is_active
                    aria-selected=move || is_active().to_string()
                    data-testid="qql-recent-item"
                    on:mousedown=keep_focus
                    on:click=pick
                >
                    <span class="qql-opt-label">{query}</span>
                    <span class="qql-opt-detail">
                        {at.map(|ms| relative(ms, js_sys::Date::now()))}
                    </span>
                </li>
            }
            .into_any(),
            Opt::Saved(s) => {
                let id_for_delete = s.id.clone();
                let delete_label = format!("Delete saved search {}", s.name);
                view! {
                    <li
                        id=id
                        role="option"
                        class="qql-option qql-history"
                        class:active=is_active
                        aria-selected=move || is_active().to_string()
                        data-testid="qql-saved-item"
                        data-id=s.id.clone()
                        on:mousedown=keep_focus
                        on:click=pick
                    >
                        <span class="qql-saved-name">{s.name.clone()}</span>
                        <span class="qql-opt-label">{s.query.clone()}</span>
                        <button
                            type="button"
                            class="qql-delete"
                            tabindex="-1"
                            title="Delete (or press Delete while it is highlighted)"
                            aria-label=delete_label
                            data-testid="qql-saved-delete"
                            on:mousedown=keep_focus
                            on:click=move |ev| {
                                ev.prevent_default();
                                ev.stop_propagation();
                                delete_saved(id_for_delete.clone());
                            }
                        >
                            "×"
                        </button>
                    </li>
                }
                .into_any()
            }
        }
    };

    let groups = move || {
        let opts = options.get();
        let history_list =
            history_mode.get() && opts.iter().any(|o| !matches!(o, Opt::Complete(_)));
        let mut out: Vec<AnyView> = Vec::new();
        let mut last_group = "";
        for (i, opt) in opts.into_iter().enumerate() {
            if history_list {
                let group = match opt {
                    Opt::Saved(_) => "Saved searches",
                    Opt::Recent(..) => "Recent searches",
                    Opt::Complete(_) => "Fields",
                };
                if group != last_group {
                    last_group = group;
                    out.push(
                        view! { <li role="presentation" class="qql-group">{group}</li> }.into_any(),
                    );
                }
            }
            out.push(render_option((i, opt)));
        }
        if let Some(msg) = history_note() {
            out.push(
                view! { <li role="presentation" class="qql-group qql-muted">{msg}</li> }.into_any(),
            );
        }
        out
    };

    let listbox_id2 = listbox_id.clone();
    let error_id2 = error_id.clone();
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
                        aria-controls=listbox_id.clone()
                        aria-activedescendant=move || {
                            active.get().filter(|_| visible.get()).map(opt_id)
                        }
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
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
                            if !matches!(ev.key().as_str(), "ArrowDown" | "ArrowUp" | "Enter" | "Tab" | "Escape") {
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
                        {mirror}
                    </div>
                    <Show when=move || visible.get()>
                        <ul
                            node_ref=listbox_ref
                            id=listbox_id2.clone()
                            class="qql-listbox"
                            role="listbox"
                            aria-label="Suggestions"
                            data-testid="qql-completions"
                        >
                            {groups}
                        </ul>
                    </Show>
                </div>
                <button
                    type="button"
                    class="btn"
                    data-testid="qql-search"
                    on:click=move |_| run_search()
                >
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
                        if saving.get_untracked() {
                            close_save_form();
                        } else {
                            open_save_form();
                        }
                    }
                >
                    "Save"
                </button>
            </div>
            <Show when=move || saving.get()>
                <form
                    class="qql-save-form"
                    aria-label="Save this search"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit_save();
                    }
                >
                    <label class="qql-muted" for=format!("qql-{uid}-save-name")>"Name"</label>
                    <input
                        node_ref=name_ref
                        id=format!("qql-{uid}-save-name")
                        type="text"
                        data-testid="qql-save-name"
                        maxlength="200"
                        autocomplete="off"
                        placeholder="e.g. Running as root"
                        prop:value=move || save_name.get()
                        on:input=move |ev| save_name.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                close_save_form();
                            }
                        }
                    />
                    <code class="qql-save-query">{move || text.get()}</code>
                    <button
                        type="submit"
                        class="btn btn-small btn-primary"
                        data-testid="qql-save-confirm"
                        disabled=move || {
                            save_busy.get() || !can_save.get() || save_name.with(|n| n.trim().is_empty())
                        }
                    >
                        "Save"
                    </button>
                    <button
                        type="button"
                        class="btn btn-small"
                        data-testid="qql-save-cancel"
                        on:click=move |_| close_save_form()
                    >
                        "Cancel"
                    </button>
                    {move || save_error.get().map(|e| view! {
                        <span class="qql-save-error" role="alert" data-testid="qql-save-error">{e}</span>
                    })}
                </form>
            </Show>
            <div class="qql-status" aria-live="polite">
                {move || error.get().map(|(span, msg)| view! {
                    <p class="qql-message" id=error_id2.clone() data-testid="qql-error" data-span=format!("{}:{}", span.start, span.end)>
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

/// A short example for the placeholder.
fn default_example(entity: Entity) -> &'static str {
    match entity {
        Entity::Sensor => "status:RUNNING",
        Entity::Image => "vulnerabilities.severity>=4",
        Entity::Container => "state:RUNNING and isRoot:true",
        Entity::Vulnerability => "severity:5 and patchAvailable:true",
        Entity::Audit => "actor:admin and at>now-7d",
    }
}

// ---- Offsets: characters (QQL), bytes (Rust), UTF-16 units (the DOM) ----

/// The byte offset of character `chars` in `s` (the end if past it).
fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

/// Characters `start..end` of `s`.
fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let a = byte_at(s, start);
    let b = byte_at(s, end.max(start));
    &s[a..b]
}

/// A DOM offset (UTF-16 units) in `s` as a character count.
fn utf16_to_chars(s: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in s.chars().enumerate() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    s.chars().count()
}

/// A character count in `s` as a DOM offset (UTF-16 units).
fn chars_to_utf16(s: &str, chars: usize) -> usize {
    s.chars().take(chars).map(char::len_utf16).sum()
}
