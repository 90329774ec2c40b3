//! The dropdown: completions, or the recent and saved searches under their headings, with the
//! highlighted entry kept in view.

use super::state::{kind_name, Choice, HistoryNote};
use crate::format::relative;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The DOM ids of one search bar's parts (the field refers to them for assistive technology).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarIds(pub usize);

impl BarIds {
    pub fn listbox(self) -> String {
        format!("qql-{}-listbox", self.0)
    }
    pub fn error(self) -> String {
        format!("qql-{}-error", self.0)
    }
    pub fn option(self, i: usize) -> String {
        format!("qql-{}-opt-{i}", self.0)
    }
    pub fn save_name(self) -> String {
        format!("qql-{}-save-name", self.0)
    }
}

#[component]
pub fn Listbox(
    ids: BarIds,
    choices: Memo<Vec<Choice>>,
    /// The dropdown lists searches (not completions): entries go under headings.
    #[prop(into)]
    history_mode: Signal<bool>,
    #[prop(into)] note: Signal<Option<HistoryNote>>,
    #[prop(into)] active: Signal<Option<usize>>,
    on_pick: Callback<usize>,
    on_delete: Callback<String>,
) -> impl IntoView {
    let listbox_ref = NodeRef::<html::Ul>::new();

    // Keep the highlighted entry in view.
    Effect::new(move |_| {
        let Some(i) = active.get() else { return };
        let (Some(list), Some(opt)) = (
            listbox_ref.get_untracked(),
            document()
                .get_element_by_id(&ids.option(i))
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

    let entries = move || {
        let all = choices.get();
        let grouped = history_mode.get() && all.iter().any(|c| !matches!(c, Choice::Complete(_)));
        let mut out: Vec<AnyView> = Vec::new();
        let mut last_group = "";
        for (i, choice) in all.into_iter().enumerate() {
            if grouped && choice.group() != last_group {
                last_group = choice.group();
                out.push(
                    view! { <li role="presentation" class="qql-group">{last_group}</li> }
                        .into_any(),
                );
            }
            out.push(entry(ids, i, choice, active, on_pick, on_delete));
        }
        if let Some(n) = note.get() {
            out.push(
                view! { <li role="presentation" class="qql-group qql-muted">{n.text()}</li> }
                    .into_any(),
            );
        }
        out
    };

    view! {
        <ul
            node_ref=listbox_ref
            id=ids.listbox()
            class="qql-listbox"
            role="listbox"
            aria-label="Suggestions"
            data-testid="qql-completions"
        >
            {entries}
        </ul>
    }
}

/// One entry; a mouse press keeps the focus in the field.
fn entry(
    ids: BarIds,
    i: usize,
    choice: Choice,
    active: Signal<Option<usize>>,
    on_pick: Callback<usize>,
    on_delete: Callback<String>,
) -> AnyView {
    let id = ids.option(i);
    let is_active = move || active.get() == Some(i);
    let pick = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        on_pick.run(i);
    };
    let keep_focus = |ev: leptos::ev::MouseEvent| ev.prevent_default();
    match choice {
        Choice::Complete(item) => view! {
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
        Choice::Recent(r) => view! {
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
                <span class="qql-opt-label">{r.query}</span>
                <span class="qql-opt-detail">{relative(r.at.0, js_sys::Date::now())}</span>
            </li>
        }
        .into_any(),
        Choice::Saved(s) => {
            let delete_label = format!("Delete saved search {}", s.name);
            let saved_id = s.id.clone();
            view! {
                <li
                    id=id
                    role="option"
                    class="qql-option qql-history"
                    class:active=is_active
                    aria-selected=move || is_active().to_string()
                    data-testid="qql-saved-item"
                    data-id=s.id
                    on:mousedown=keep_focus
                    on:click=pick
                >
                    <span class="qql-saved-name">{s.name}</span>
                    <span class="qql-opt-label">{s.query}</span>
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
                            on_delete.run(saved_id.clone());
                        }
                    >
                        "×"
                    </button>
                </li>
            }
            .into_any()
        }
    }
}
