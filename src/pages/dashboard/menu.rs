//! The page's actions: "Add widget" and the "Dashboard" menu (new from a template or empty,
//! rename, duplicate, landing page, sharing, export and import, delete), with the requests
//! behind each item.

use super::board::dismiss_outside;
use super::edits::new_dashboard;
use super::persistence::{open, pick, reload_list};
use super::{transfer, Page};
use crate::api::{requests, Api};
use crate::navigation::{use_navigator, Navigator};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::dashboard::templates;
use shipshape_model::Dashboard;

/// "Add widget" (for an editor) and the "Dashboard" menu. `renaming` and `importing` open the
/// name's editor and the import dialog.
#[component]
pub fn DashboardActions(
    page: Page,
    api: Api,
    renaming: RwSignal<bool>,
    importing: RwSignal<bool>,
) -> impl IntoView {
    let board = page.board;
    let nav = use_navigator();
    let menu_open = RwSignal::new(false);
    let menu_wrap = NodeRef::<leptos::html::Div>::new();
    dismiss_outside(menu_wrap, menu_open);
    move || {
        let editable = board.editable.get();
        let landing = page.open_info().is_some_and(|i| i.landing);
        let shared = page.open_info().is_some_and(|i| i.shared);
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
                                on:click=move |_| create(page, api, nav, Some(new_dashboard("New dashboard", Vec::new())))>"New: empty dashboard"</button>
                            <hr />
                            {editable.then(|| view! {
                                <button type="button" role="menuitem" data-testid="rename"
                                    on:click=move |_| renaming.set(true)>"Rename"</button>
                            })}
                            <button type="button" role="menuitem" data-testid="duplicate-dashboard"
                                on:click=move |_| duplicate_open(page, api, nav)>"Duplicate"</button>
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
                                    on:click=move |_| delete_open(page, api, nav)>"Delete dashboard"</button>
                            })}
                        </div>
                    </Show>
                </div>
            </div>
        }
    }
}

/// Where dashboard `id` is shown.
fn dashboard_url(id: &str) -> String {
    format!("/dashboard?id={id}")
}

/// Creates `doc` (nothing when it is `None`: an unknown template) and opens it.
pub fn create(page: Page, api: Api, nav: Navigator, doc: Option<Dashboard>) {
    let Some(doc) = doc else { return };
    spawn_local(async move {
        match api
            .json::<Dashboard>(&requests::create_dashboard(&doc), None)
            .await
        {
            Ok(d) => {
                reload_list(page, api).await;
                nav.push(&dashboard_url(&d.id));
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

/// Copies the open dashboard (the server names the copy) and opens the copy.
fn duplicate_open(page: Page, api: Api, nav: Navigator) {
    let Some(id) = page.board.open_id_untracked() else {
        return;
    };
    spawn_local(async move {
        match api
            .json::<Dashboard>(&requests::duplicate_dashboard(&id), None)
            .await
        {
            Ok(d) => {
                spawn_local(reload_list(page, api));
                nav.push(&dashboard_url(&d.id));
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

fn set_landing(page: Page, api: Api) {
    let Some(id) = page.board.open_id_untracked() else {
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

fn share(page: Page, api: Api, shared: bool) {
    let Some(id) = page.board.open_id_untracked() else {
        return;
    };
    spawn_local(async move {
        match api
            .text(&requests::share_dashboard(&id, shared), None)
            .await
        {
            Ok(_) => spawn_local(reload_list(page, api)),
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}

/// Deletes the open dashboard once the user confirms, then opens their landing page (or the
/// first they have).
fn delete_open(page: Page, api: Api, nav: Navigator) {
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
                reload_list(page, api).await;
                nav.push("/dashboard");
                // The same URL does not re-run the loader: open the next one by hand.
                let next = page.list.with_untracked(|l| pick(l, None));
                if let Some(next) = next {
                    open(page, api, &next).await;
                }
            }
            Err(e) => page.error.set(Some(e.to_string())),
        }
    });
}
