//! Dashboard tab (`shared/spec/dashboard.md`): the user's dashboards, one open at a time, its
//! widgets on a 24-column grid, edited by pointer and keyboard and saved to the server with
//! `If-Match` (a stale save gets the 412 message, never a silent overwrite).

mod board;
mod chart;
mod library;
mod transfer;
mod widget;

use crate::api::{requests, use_api, ApiError};
use crate::components::api_panel::ApiPanel;
use crate::navigation::use_navigator;
use crate::session::use_session;
use board::{place_style, Board, ROW};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use shipshape_model::dashboard::templates;
use shipshape_model::{Dashboard, DashboardInfo};
use widget::WidgetCard;

#[derive(Clone, Debug, PartialEq)]
enum Saving {
    Idle,
    InFlight,
    Stale(String),
    Failed(String),
}

#[derive(Clone, Copy)]
struct Page {
    board: Board,
    list: RwSignal<Vec<DashboardInfo>>,
    etag: RwSignal<String>,
    saved: RwSignal<u64>,
    saving: RwSignal<Saving>,
    error: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
}

#[derive(serde::Deserialize)]
struct DashboardList {
    data: Vec<DashboardInfo>,
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
    let nav = use_navigator();
    let session = use_session();
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(|q| q.get("id")));
    let me = move || session.claims().map(|c| c.sub).unwrap_or_default();

    // Which dashboard to show: the one in the URL, else the landing page, else the first; a
    // user with none gets the "Vulnerability overview" template as their landing page.
    Effect::new(move |_| {
        let wanted = wanted.get();
        page.loading.set(true);
        spawn_local(async move {
            let list = match api
                .json::<DashboardList>(&requests::dashboards(), None)
                .await
            {
                Ok(l) => l.data,
                Err(e) => return fail(page, e),
            };
            let list = if list.is_empty() {
                match first_dashboard(api).await {
                    Ok(l) => l,
                    Err(e) => return fail(page, e),
                }
            } else {
                list
            };
            let pick = wanted
                .filter(|id| list.iter().any(|d| &d.id == id))
                .or_else(|| list.iter().find(|d| d.landing).map(|d| d.id.clone()))
                .or_else(|| list.first().map(|d| d.id.clone()));
            page.list.set(list);
            match pick {
                Some(id) => open(page, api, &id).await,
                None => page.loading.set(false),
            }
        });
    });

    // The saver: whenever the document has changes it has not saved, it saves them (one
    // request at a time, against the version it last saw).
    Effect::new(move |_| {
        let changes = board.changes.get();
        if changes > page.saved.get_untracked() && page.saving.get_untracked() == Saving::Idle {
            spawn_local(save_loop(page, api));
        }
    });

    let info = move || {
        let id = board.doc.with(|d| d.as_ref().map(|d| d.id.clone()))?;
        page.list.with(|l| l.iter().find(|d| d.id == id).cloned())
    };
    Effect::new(move |_| {
        let mine = info().is_some_and(|i| i.owner == me());
        board.editable.set(mine);
    });

    let marker = move || {
        let pending = board.changes.get() > page.saved.get();
        match page.saving.get() {
            Saving::Stale(_) | Saving::Failed(_) => Some(("save-state unsaved", "Not saved")),
            Saving::InFlight => Some(("save-state saving", "Saving…")),
            Saving::Idle if pending => Some(("save-state unsaved", "Unsaved changes")),
            Saving::Idle => board
                .editable
                .get()
                .then_some(("save-state saved", "All changes saved")),
        }
        .map(|(class, text)| view! { <span class=class data-testid="save-state" role="status">{text}</span> })
    };

    let banner = move || {
        match page.saving.get() {
        Saving::Stale(message) => Some(view! {
            <div class="banner banner-warn" role="alert" data-testid="stale-banner">
                <p>{message}</p>
                <button type="button" class="btn" data-testid="stale-reload" on:click=move |_| {
                    if let Some(id) = board.doc.with_untracked(|d| d.as_ref().map(|d| d.id.clone())) {
                        spawn_local(async move { open(page, api, &id).await });
                    }
                }>"Reload the saved version"</button>
            </div>
        }.into_any()),
        Saving::Failed(message) => Some(view! {
            <div class="banner banner-error" role="alert" data-testid="save-error">
                <p>{format!("Your last change was not saved: {message}")}</p>
                <button type="button" class="btn" on:click=move |_| {
                    page.saving.set(Saving::Idle);
                    spawn_local(save_loop(page, api));
                }>"Try again"</button>
            </div>
        }.into_any()),
        _ => None,
    }
    };

    let switcher = move || {
        let current = board
            .doc
            .with(|d| d.as_ref().map(|d| d.id.clone()).unwrap_or_default());
        let options = page
            .list
            .get()
            .into_iter()
            .map(|d| {
                let label = if d.landing {
                    format!("{} (landing page)", d.name)
                } else {
                    d.name.clone()
                };
                let selected = d.id == current;
                view! { <option value=d.id.clone() selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            <label class="switcher">
                <span class="sr-only">"Dashboard"</span>
                <select data-testid="dashboard-switcher" on:change=move |ev| {
                    let id = event_target_value(&ev);
                    nav.push(&format!("/dashboard?id={}", crate::components::list::query::url_value(&id)));
                }>{options}</select>
            </label>
        }
    };

    let renaming = RwSignal::new(false);
    let title = move || {
        let name = board
            .doc
            .with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
        if renaming.get() {
            let draft = RwSignal::new(name);
            let commit = move || {
                let n = draft.get_untracked().trim().to_string();
                renaming.set(false);
                if !n.is_empty() && n.chars().count() <= shipshape_model::dashboard::MAX_NAME {
                    board.change(|d| d.name = n.clone());
                    page.list.update(|l| {
                        let id = board
                            .doc
                            .with_untracked(|d| d.as_ref().map(|d| d.id.clone()));
                        if let Some(i) = l.iter_mut().find(|i| Some(&i.id) == id.as_ref()) {
                            i.name = n;
                        }
                    });
                }
            };
            view! {
                <input class="input rename" data-testid="rename-input" aria-label="Dashboard name"
                    maxlength="100" prop:value=move || draft.get() autofocus
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => commit(),
                        "Escape" => renaming.set(false),
                        _ => {}
                    }
                    on:blur=move |_| commit()
                />
            }
            .into_any()
        } else {
            view! { <h1 data-testid="dashboard-name">{name}</h1> }.into_any()
        }
    };

    let menu_open = RwSignal::new(false);
    let menu_wrap = NodeRef::<leptos::html::Div>::new();
    board::dismiss_outside(menu_wrap, menu_open);
    let importing = RwSignal::new(false);
    let actions = move || {
        let editable = board.editable.get();
        let landing = info().is_some_and(|i| i.landing);
        let shared = info().is_some_and(|i| i.shared);
        view! {
            <div class="dash-actions">
                {editable.then(|| view! {
                    <button type="button" class="btn btn-primary" data-testid="add-widget"
                        on:click=move |_| board.editing.set(Some(None))>"Add widget"</button>
                })}
                <div class="dmenu-wrap" node_ref=menu_wrap>
                    <button type="button" class="btn" data-testid="dashboard-menu-button" aria-haspopup="menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|o| *o = !*o)>"Dashboard ▾"</button>
                    <Show when=move || menu_open.get()>
                        <div class="dmenu dmenu-right" role="menu" data-testid="dashboard-menu" on:click=move |_| menu_open.set(false)>
                            {templates::dashboard_names().into_iter().map(|name| view! {
                                <button type="button" role="menuitem" data-testid="new-from-template"
                                    on:click=move |_| create(page, api, nav, templates::dashboard(name))>
                                    {format!("New: {name}")}
                                </button>
                            }).collect_view()}
                            <button type="button" role="menuitem" data-testid="new-blank"
                                on:click=move |_| create(page, api, nav, Some(blank()))>"New: empty dashboard"</button>
                            <hr />
                            {editable.then(|| view! {
                                <button type="button" role="menuitem" data-testid="rename"
                                    on:click=move |_| renaming.set(true)>"Rename"</button>
                            })}
                            <button type="button" role="menuitem" data-testid="duplicate-dashboard"
                                on:click=move |_| duplicate_current(page, api, nav)>"Duplicate"</button>
                            <button type="button" role="menuitem" data-testid="set-landing" disabled=landing
                                on:click=move |_| set_landing(page, api)>
                                {if landing { "This is your landing page" } else { "Set as landing page" }}
                            </button>
                            {editable.then(|| view! {
                                <button type="button" role="menuitem" data-testid="share"
                                    on:click=move |_| share(page, api, !shared)>
                                    {if shared { "Make private" } else { "Let everyone view it" }}
                                </button>
                            })}
                            <hr />
                            <button type="button" role="menuitem" data-testid="export"
                                on:click=move |_| transfer::export(board)>"Export JSON"</button>
                            <button type="button" role="menuitem" data-testid="import"
                                on:click=move |_| importing.set(true)>"Import JSON…"</button>
                            {editable.then(|| view! {
                                <hr />
                                <button type="button" role="menuitem" class="danger" data-testid="delete-dashboard"
                                    on:click=move |_| delete_current(page, api, nav)>"Delete dashboard"</button>
                            })}
                        </div>
                    </Show>
                </div>
            </div>
        }
    };

    let grid_height = move || {
        let rows = board.doc.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.widgets
                        .iter()
                        .map(|w| w.layout.bottom())
                        .max()
                        .unwrap_or(0)
                })
                .unwrap_or(0)
        });
        let preview = board
            .preview
            .with(|p| {
                p.as_ref()
                    .map(|p| p.iter().map(|l| l.bottom()).max().unwrap_or(0))
            })
            .unwrap_or(0);
        let extra = if board.drag.with(Option::is_some) {
            4
        } else {
            0
        };
        format!("height:{}px", f64::from(rows.max(preview) + extra) * ROW)
    };
    let placeholder = move || {
        let id = board
            .drag
            .with(|d| d.as_ref().map(|d| d.id.clone()))
            .or_else(|| board.lifted.get())?;
        let l = board.layout_of(&id)?;
        Some(
            view! { <div class="widget-placeholder" data-testid="placeholder" style=place_style(&l)></div> },
        )
    };
    let ids = move || {
        board.doc.with(|d| {
            d.as_ref()
                .map(|d| d.widgets.iter().map(|w| w.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let empty = move || {
        board.doc.with(|d| d.as_ref().is_some_and(|d| d.widgets.is_empty())).then(|| view! {
            <div class="card dash-empty" data-testid="dashboard-empty">
                <p>"This dashboard has no widgets yet."</p>
                <button type="button" class="btn btn-primary" on:click=move |_| board.editing.set(Some(None))>"Add a widget"</button>
            </div>
        })
    };

    let api_dialog = move || {
        board.api_view.get().map(|(title, specs)| {
            let panels = specs
                .into_iter()
                .map(|s| view! { <ApiPanel spec=Signal::stored(s) /> })
                .collect_view();
            view! {
                <div class="dialog-backdrop" on:click=move |_| board.api_view.set(None)>
                    <div class="dialog" role="dialog" aria-modal="true" aria-label=format!("API request: {title}")
                        data-testid="widget-api-dialog" on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev| if ev.key() == "Escape" { board.api_view.set(None) }>
                        <header class="dialog-head">
                            <h2>{format!("API request: {title}")}</h2>
                            <button type="button" class="btn btn-ghost" data-testid="dialog-close" autofocus
                                on:click=move |_| board.api_view.set(None)>"Close"</button>
                        </header>
                        {panels}
                    </div>
                </div>
            }
        })
    };

    view! {
        <div class="page dashboard-page" data-testid="dashboard-page">
            <header class="page-head dash-head">
                <div class="dash-title">
                    {title}
                    {marker}
                </div>
                {switcher}
                <span class="spacer"></span>
                {actions}
            </header>
            {banner}
            {move || page.error.get().map(|e| view! { <div class="banner banner-error" role="alert" data-testid="dashboard-error"><p>{e}</p></div> })}
            <Show when=move || page.loading.get() && board.doc.with(Option::is_none)>
                <div class="widget-loading" aria-busy="true"><span class="skeleton-bar"></span></div>
            </Show>
            <p id="dash-keyboard-help" class="sr-only">
                "Press Enter or Space to pick the widget up, arrow keys to move it, Shift and arrow keys to resize it, Enter to drop it and Escape to cancel."
            </p>
            <div class="sr-only" aria-live="assertive" data-testid="dash-live">{move || board.live.get()}</div>
            {empty}
            <div class="dash-grid" class:dash-dragging=move || board.drag.with(Option::is_some)
                node_ref=board.grid style=grid_height data-testid="dash-grid">
                {placeholder}
                <For each=ids key=|id| id.clone() let:id>
                    <WidgetCard id=id />
                </For>
            </div>
            {api_dialog}
            <library::Library />
            <transfer::Import open=importing on_create=Callback::new(move |d: Dashboard| create(page, api, nav, Some(d))) />
        </div>
    }
}

fn fail(page: Page, e: ApiError) {
    if !e.is_aborted() {
        page.error.set(Some(e.to_string()));
    }
    page.loading.set(false);
}

/// A first-time user's dashboards: the "Vulnerability overview" template, made their landing.
async fn first_dashboard(api: crate::api::Api) -> Result<Vec<DashboardInfo>, ApiError> {
    let doc = templates::vulnerability_overview();
    let created: Dashboard = api.json(&requests::create_dashboard(&doc), None).await?;
    api.text(&requests::set_landing(Some(&created.id)), None)
        .await?;
    Ok(api
        .json::<DashboardList>(&requests::dashboards(), None)
        .await?
        .data)
}

/// Loads dashboard `id` with its version, replacing whatever was open (and its unsaved state).
async fn open(page: Page, api: crate::api::Api, id: &str) {
    match api.text_and_etag(&requests::dashboard(id), None).await {
        Ok((body, etag)) => match serde_json::from_str::<Dashboard>(&body) {
            Ok(doc) => {
                page.etag.set(etag.unwrap_or_default());
                page.board.preview.set(None);
                page.board.drag.set(None);
                page.board.lifted.set(None);
                page.board.doc.set(Some(doc));
                let n = page.board.changes.get_untracked();
                page.saved.set(n);
                page.saving.set(Saving::Idle);
                page.error.set(None);
                page.loading.set(false);
            }
            Err(e) => fail(page, ApiError::Decode(e.to_string())),
        },
        Err(e) => fail(page, e),
    }
}

async fn save_loop(page: Page, api: crate::api::Api) {
    page.saving.set(Saving::InFlight);
    loop {
        let target = page.board.changes.get_untracked();
        let Some(doc) = page.board.doc.get_untracked() else {
            break;
        };
        let spec = requests::save_dashboard(&doc, &page.etag.get_untracked());
        match api.text_and_etag(&spec, None).await {
            Ok((_, etag)) => {
                if let Some(e) = etag {
                    page.etag.set(e);
                }
                page.saved.set(target);
                if page.board.changes.get_untracked() > target {
                    continue;
                }
                page.saving.set(Saving::Idle);
            }
            Err(ApiError::Server {
                status: 412,
                message,
                ..
            }) => page.saving.set(Saving::Stale(format!(
                "{message} Your change is kept on screen but not saved."
            ))),
            Err(e) => page.saving.set(Saving::Failed(e.to_string())),
        }
        break;
    }
}

fn blank() -> Dashboard {
    Dashboard {
        schema_version: shipshape_model::dashboard::SCHEMA_VERSION,
        id: String::new(),
        name: "New dashboard".into(),
        description: None,
        columns: shipshape_model::grid::COLUMNS,
        widgets: Vec::new(),
    }
}

fn refresh_list(page: Page, api: crate::api::Api) {
    spawn_local(async move {
        if let Ok(l) = api
            .json::<DashboardList>(&requests::dashboards(), None)
            .await
        {
            page.list.set(l.data);
        }
    });
}

fn create(
    page: Page,
    api: crate::api::Api,
    nav: crate::navigation::Navigator,
    doc: Option<Dashboard>,
) {
    let Some(doc) = doc else { return };
    spawn_local(async move {
        match api
            .json::<Dashboard>(&requests::create_dashboard(&doc), None)
            .await
        {
            Ok(d) => {
                if let Ok(l) = api
                    .json::<DashboardList>(&requests::dashboards(), None)
                    .await
                {
                    page.list.set(l.data);
                }
                nav.push(&format!("/dashboard?id={}", d.id));
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

fn duplicate_current(page: Page, api: crate::api::Api, nav: crate::navigation::Navigator) {
    let Some(id) = page
        .board
        .doc
        .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
    else {
        return;
    };
    spawn_local(async move {
        match api
            .json::<Dashboard>(&requests::duplicate_dashboard(&id), None)
            .await
        {
            Ok(d) => {
                refresh_list(page, api);
                nav.push(&format!("/dashboard?id={}", d.id));
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

fn set_landing(page: Page, api: crate::api::Api) {
    let Some(id) = page
        .board
        .doc
        .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
    else {
        return;
    };
    spawn_local(async move {
        match api.text(&requests::set_landing(Some(&id)), None).await {
            Ok(_) => {
                page.list.update(|l| {
                    for d in l.iter_mut() {
                        d.landing = d.id == id;
                    }
                });
                page.board
                    .live
                    .set("This dashboard is now your landing page.".into());
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

fn share(page: Page, api: crate::api::Api, shared: bool) {
    let Some(id) = page
        .board
        .doc
        .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
    else {
        return;
    };
    spawn_local(async move {
        match api
            .text(&requests::share_dashboard(&id, shared), None)
            .await
        {
            Ok(_) => refresh_list(page, api),
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

fn delete_current(page: Page, api: crate::api::Api, nav: crate::navigation::Navigator) {
    let Some((id, name)) = page
        .board
        .doc
        .with_untracked(|d| d.as_ref().map(|d| (d.id.clone(), d.name.clone())))
    else {
        return;
    };
    let sure = web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(&format!(
                "Delete the dashboard \"{name}\"? This cannot be undone."
            ))
            .ok()
        })
        .unwrap_or(false);
    if !sure {
        return;
    }
    spawn_local(async move {
        match api.text(&requests::delete_dashboard(&id), None).await {
            Ok(_) => {
                page.board.doc.set(None);
                if let Ok(l) = api
                    .json::<DashboardList>(&requests::dashboards(), None)
                    .await
                {
                    page.list.set(l.data);
                }
                nav.push("/dashboard");
                // The same URL does not re-run the loader: open the next one by hand.
                let next = page.list.with_untracked(|l| {
                    l.iter()
                        .find(|d| d.landing)
                        .or(l.first())
                        .map(|d| d.id.clone())
                });
                if let Some(next) = next {
                    open(page, api, &next).await;
                }
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}
