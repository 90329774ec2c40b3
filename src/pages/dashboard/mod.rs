//! Dashboard tab (`shared/spec/dashboard.md`): the user's dashboards, one open at a time, its
//! widgets on a 24-column grid, edited by pointer and keyboard and saved to the server with
//! `If-Match` (a stale save gets the 412 message, never a silent overwrite).
//!
//! The page is put together here from its parts: `board` (the open document as it is edited),
//! `edits` (what the user does to its widgets), `persistence` (loading and saving), `heading`
//! and `menu` (name, switcher, actions), `grid` and `widget` (the widgets), `chart`, `library`
//! (adding and editing widgets), `transfer` (export and import) and `api_dialog`.

mod api_dialog;
mod board;
mod chart;
mod edits;
mod grid;
mod heading;
mod library;
mod menu;
mod persistence;
mod transfer;
mod widget;

use crate::api::use_api;
use crate::session::use_session;
use board::Board;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use persistence::Saving;
use shipshape_model::{Dashboard, DashboardInfo};

/// The page's state beside the board: the user's dashboards, the open one's version, and how
/// saving it goes.
#[derive(Clone, Copy)]
struct Page {
    board: Board,
    list: RwSignal<Vec<DashboardInfo>>,
    etag: RwSignal<String>,
    /// The board's change counter as of the last save the server took.
    saved: RwSignal<u64>,
    saving: RwSignal<Saving>,
    error: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
}

impl Page {
    /// The open dashboard's entry in the list (tracked).
    fn open_info(&self) -> Option<DashboardInfo> {
        let id = self.board.open_id()?;
        self.list.with(|l| l.iter().find(|d| d.id == id).cloned())
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let board = Board::new();
    provide_context(board);
    let page = Page {
        board,
        list: RwSignal::new(Vec::new()),
        etag: RwSignal::new(String::new()),
        saved: RwSignal::new(0),
        saving: RwSignal::new(Saving::Idle),
        error: RwSignal::new(None),
        loading: RwSignal::new(true),
    };
    let api = use_api();
    let nav = crate::navigation::use_navigator();
    let session = use_session();
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(|q| q.get("id")));
    let me = move || session.claims().map(|c| c.sub).unwrap_or_default();

    // Which dashboard to show follows the URL.
    Effect::new(move |_| persistence::show(page, api, wanted.get()));

    // The saver: whenever the document has changes it has not saved, it saves them (one
    // request at a time, against the version it last saw).
    Effect::new(move |_| {
        let changes = board.changes.get();
        if changes > page.saved.get_untracked() && page.saving.get_untracked() == Saving::Idle {
            spawn_local(persistence::save_loop(page, api));
        }
    });

    Effect::new(move |_| {
        let mine = page.open_info().is_some_and(|i| i.owner == me());
        board.editable.set(mine);
    });

    let renaming = RwSignal::new(false);
    let importing = RwSignal::new(false);
    view! {
        <div class="page dashboard-page" data-testid="dashboard-page">
            <header class="page-head dash-head">
                <div class="dash-title">
                    <heading::DashboardName page=page renaming=renaming />
                    <persistence::SaveState page=page />
                </div>
                <heading::Switcher page=page />
                <span class="spacer"></span>
                <menu::DashboardActions page=page api=api renaming=renaming importing=importing />
            </header>
            <persistence::SaveProblem page=page api=api />
            {move || page.error.get().map(|e| view! { <div class="banner banner-error" role="alert" data-testid="dashboard-error"><p>{e}</p></div> })}
            <Show when=move || page.loading.get() && board.doc.with(Option::is_none)>
                <div class="widget-loading" aria-busy="true"><span class="skeleton-bar"></span></div>
            </Show>
            <p id="dash-keyboard-help" class="sr-only">
                "Press Enter or Space to pick the widget up, arrow keys to move it, Shift and arrow keys to resize it, Enter to drop it and Escape to cancel."
            </p>
            <div class="sr-only" aria-live="assertive" data-testid="dash-live">{move || board.live.get()}</div>
            <grid::Grid board=board />
            <api_dialog::ApiDialog board=board />
            <library::Library />
            <transfer::Import open=importing on_create=Callback::new(move |d: Dashboard| menu::create(page, api, nav, Some(d))) />
        </div>
    }
}
