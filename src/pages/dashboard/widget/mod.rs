//! One widget: its frame (header to drag, corner to resize, a keyboard handle, a menu) and its
//! body, which asks the API its question and draws the answer. A failing widget shows its own
//! error; the others are not affected.
//!
//! `arrange` moves and resizes it, `requests` says what it asks, `body` draws the answer (with
//! `groups`, `trend` and `table` for the charts and rows, `figures` for the numbers).

mod arrange;
mod body;
mod figures;
mod groups;
mod requests;
mod table;
mod trend;

pub use body::body;

use super::board::{dismiss_outside, Board};
use super::edits;
use crate::navigation::use_navigator;
use arrange::Arranger;
use leptos::prelude::*;
use requests::{list_href, requests_of};
use shipshape_model::grid::Layout;
use shipshape_model::{Widget, WidgetEntity};
use wasm_bindgen::JsCast;

/// The definition without its place: what the body's requests depend on.
fn definition(board: Board, id: String) -> Memo<Option<Widget>> {
    Memo::new(move |_| {
        board.doc.with(|d| {
            d.as_ref()?
                .widgets
                .iter()
                .find(|w| w.id == id)
                .map(|w| Widget {
                    layout: Layout::new(0, 0, 1, 1),
                    ..w.clone()
                })
        })
    })
}

#[component]
pub fn WidgetCard(id: String) -> impl IntoView {
    let board = expect_context::<Board>();
    let def = definition(board, id.clone());
    let refresh = RwSignal::new(0u32);
    let menu_open = RwSignal::new(false);
    let menu_wrap = NodeRef::<leptos::html::Div>::new();
    dismiss_outside(menu_wrap, menu_open);
    let nav = use_navigator();
    let arranger = Arranger::new(board, id.clone());

    let title = move || def.with(|w| w.as_ref().map(|w| w.title.clone()).unwrap_or_default());
    let open_list = move || def.with(|w| w.as_ref().and_then(|w| list_href(w, &w.query)));
    let id_menu = id.clone();
    let menu = move || {
        menu_open.get().then(|| {
            let id_dup = id_menu.clone();
            let id_rm = id_menu.clone();
            let id_edit = id_menu.clone();
            let editable = board.editable.get();
            view! {
                <div class="dmenu" role="menu" data-testid="widget-menu">
                    <button type="button" role="menuitem" data-testid="widget-refresh"
                        on:click=move |_| { refresh.update(|n| *n += 1); menu_open.set(false); }>"Refresh"</button>
                    <button type="button" role="menuitem" data-testid="widget-api"
                        on:click=move |_| {
                            if let Some(w) = def.get_untracked() {
                                board.api_view.set(Some((w.title.clone(), requests_of(&w))));
                            }
                            menu_open.set(false);
                        }>"Show API request"</button>
                    {open_list().map(|href| {
                        let label = if def.with(|w| w.as_ref().is_some_and(|w| w.entity == WidgetEntity::Vulnerability)) {
                            "Open the images"
                        } else {
                            "Open as list"
                        };
                        view! {
                            <button type="button" role="menuitem" data-testid="widget-open-list"
                                on:click=move |_| { menu_open.set(false); nav.push(&href); }>{label}</button>
                        }
                    })}
                    {editable.then(|| view! {
                        <button type="button" role="menuitem" data-testid="widget-edit"
                            on:click=move |_| { menu_open.set(false); board.editing.set(Some(Some(id_edit.clone()))); }>"Edit"</button>
                        <button type="button" role="menuitem" data-testid="widget-duplicate"
                            on:click=move |_| { menu_open.set(false); duplicate(board, &id_dup); }>"Duplicate"</button>
                        <button type="button" role="menuitem" class="danger" data-testid="widget-remove"
                            on:click=move |_| { menu_open.set(false); remove(board, &id_rm); }>"Remove"</button>
                    })}
                </div>
            }
        })
    };

    view! {
        <section
            class="widget"
            class:dragging=move || arranger.dragging()
            class:lifted=move || arranger.lifted()
            style=move || arranger.style()
            data-testid="widget"
            data-widget=id.clone()
            aria-label=title
        >
            <header
                class="widget-head"
                class:movable=move || board.editable.get()
                on:pointerdown=move |ev| {
                    // Buttons in the header (menu, handle) keep their own clicks.
                    let on_button = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("button, a").ok().flatten())
                        .is_some();
                    if !on_button { arranger.pointer_down(ev, false) }
                }
                on:pointermove=move |ev| arranger.pointer_move(ev)
                on:pointerup=move |_| arranger.pointer_up()
                on:pointercancel=move |_| arranger.pointer_cancel()
            >
                <button type="button" class="widget-handle" data-testid="widget-handle"
                    hidden=move || !board.editable.get()
                    aria-label=move || format!("Move or resize {}", title())
                    aria-describedby="dash-keyboard-help"
                    on:keydown=move |ev| arranger.key(ev)
                    on:blur=move |_| arranger.blur()
                >
                    <svg viewBox="0 0 10 16" aria-hidden="true"><circle cx="2" cy="3" r="1.4"/><circle cx="8" cy="3" r="1.4"/><circle cx="2" cy="8" r="1.4"/><circle cx="8" cy="8" r="1.4"/><circle cx="2" cy="13" r="1.4"/><circle cx="8" cy="13" r="1.4"/></svg>
                </button>
                <h2 class="widget-title" title=title>{title}</h2>
                <div class="dmenu-wrap" node_ref=menu_wrap>
                    <button type="button" class="btn btn-ghost btn-icon" data-testid="widget-menu-button"
                        aria-haspopup="menu" aria-expanded=move || menu_open.get().to_string()
                        aria-label=move || format!("Actions for {}", title())
                        on:click=move |_| menu_open.update(|o| *o = !*o)
                    >"⋯"</button>
                    {menu}
                </div>
            </header>
            <div class="widget-body">
                {move || def.get().map(|w| body(w, refresh))}
            </div>
            <div class="widget-resize" data-testid="widget-resize" aria-hidden="true"
                hidden=move || !board.editable.get()
                on:pointerdown=move |ev| arranger.pointer_down(ev, true)
                on:pointermove=move |ev| arranger.pointer_move(ev)
                on:pointerup=move |_| arranger.pointer_up()
                on:pointercancel=move |_| arranger.pointer_cancel()
            ></div>
        </section>
    }
}

fn duplicate(board: Board, id: &str) {
    board.change(|d| edits::duplicate_widget(d, id));
    board.live.set("Widget duplicated.".into());
}

fn remove(board: Board, id: &str) {
    let title = board.title_untracked(id);
    board.change(|d| edits::remove_widget(d, id));
    board.live.set(format!("Removed {title}."));
}
