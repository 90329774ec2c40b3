//! Loading and saving dashboards: the user's list, the open document with its version (`ETag`),
//! and the saver that sends each change with `If-Match`. A stale save gets the server's 412
//! message and a way to reload, never a silent overwrite; the save state shows beside the name.

use super::Page;
use crate::api::{requests, Api, ApiError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shipshape_model::dashboard::templates;
use shipshape_model::{Dashboard, DashboardInfo};

#[derive(Clone, Debug, PartialEq)]
pub enum Saving {
    Idle,
    InFlight,
    Stale(String),
    Failed(String),
}

#[derive(serde::Deserialize)]
struct DashboardList {
    data: Vec<DashboardInfo>,
}

/// The dashboards the user can see.
pub async fn fetch_list(api: Api) -> Result<Vec<DashboardInfo>, ApiError> {
    Ok(api
        .json::<DashboardList>(&requests::dashboards(), None)
        .await?
        .data)
}

/// Fetches the list again, keeping the old one if that fails.
pub async fn reload_list(page: Page, api: Api) {
    if let Ok(list) = fetch_list(api).await {
        page.list.set(list);
    }
}

/// Which dashboard to show: `wanted` when the user can see it, else their landing page, else
/// the first.
pub fn pick(list: &[DashboardInfo], wanted: Option<&str>) -> Option<String> {
    wanted
        .filter(|id| list.iter().any(|d| d.id == *id))
        .or_else(|| list.iter().find(|d| d.landing).map(|d| d.id.as_str()))
        .or_else(|| list.first().map(|d| d.id.as_str()))
        .map(str::to_string)
}

/// Shows the dashboard `wanted` (the URL's) or the one `pick` chooses; a user with none gets
/// the "Vulnerability overview" template as their landing page.
pub fn show(page: Page, api: Api, wanted: Option<String>) {
    page.loading.set(true);
    spawn_local(async move {
        let list = match fetch_list(api).await {
            Ok(l) => l,
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
        let choice = pick(&list, wanted.as_deref());
        page.list.set(list);
        match choice {
            Some(id) => open(page, api, &id).await,
            None => page.loading.set(false),
        }
    });
}

pub fn fail(page: Page, e: ApiError) {
    if !e.is_aborted() {
        page.error.set(Some(e.to_string()));
    }
    page.loading.set(false);
}

/// A first-time user's dashboards: the "Vulnerability overview" template, made their landing.
async fn first_dashboard(api: Api) -> Result<Vec<DashboardInfo>, ApiError> {
    let doc = templates::vulnerability_overview();
    let created: Dashboard = api.json(&requests::create_dashboard(&doc), None).await?;
    api.text(&requests::set_landing(Some(&created.id)), None)
        .await?;
    fetch_list(api).await
}

/// Loads dashboard `id` with its version, replacing whatever was open (and its unsaved state).
pub async fn open(page: Page, api: Api, id: &str) {
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

/// Saves until the server has the latest change, one request at a time, each against the
/// version the last one returned.
pub async fn save_loop(page: Page, api: Api) {
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

/// The marker beside the name: its class and text, if any (a viewer who cannot edit sees none
/// once everything is saved).
fn save_marker(
    saving: &Saving,
    pending: bool,
    editable: bool,
) -> Option<(&'static str, &'static str)> {
    match saving {
        Saving::Stale(_) | Saving::Failed(_) => Some(("save-state unsaved", "Not saved")),
        Saving::InFlight => Some(("save-state saving", "Saving…")),
        Saving::Idle if pending => Some(("save-state unsaved", "Unsaved changes")),
        Saving::Idle => editable.then_some(("save-state saved", "All changes saved")),
    }
}

/// Whether the document is saved, being saved, or not.
#[component]
pub fn SaveState(page: Page) -> impl IntoView {
    move || {
        let pending = page.board.changes.get() > page.saved.get();
        let editable = page.board.editable.get();
        save_marker(&page.saving.get(), pending, editable).map(|(class, text)| view! { <span class=class data-testid="save-state" role="status">{text}</span> })
    }
}

/// A save that did not happen: a newer version on the server (reload it) or a failure (try
/// again).
#[component]
pub fn SaveProblem(page: Page, api: Api) -> impl IntoView {
    move || match page.saving.get() {
        Saving::Stale(message) => Some(
            view! {
                <div class="banner banner-warn" role="alert" data-testid="stale-banner">
                    <p>{message}</p>
                    <button type="button" class="btn" data-testid="stale-reload" on:click=move |_| {
                        if let Some(id) = page.board.open_id_untracked() {
                            spawn_local(async move { open(page, api, &id).await });
                        }
                    }>"Reload the saved version"</button>
                </div>
            }
            .into_any(),
        ),
        Saving::Failed(message) => Some(
            view! {
                <div class="banner banner-error" role="alert" data-testid="save-error">
                    <p>{format!("Your last change was not saved: {message}")}</p>
                    <button type="button" class="btn" on:click=move |_| {
                        page.saving.set(Saving::Idle);
                        spawn_local(save_loop(page, api));
                    }>"Try again"</button>
                </div>
            }
            .into_any(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::EpochMillis;

    fn info(id: &str, landing: bool) -> DashboardInfo {
        DashboardInfo {
            id: id.into(),
            name: format!("Dashboard {id}"),
            description: None,
            owner: "alice".into(),
            shared: false,
            landing,
            widgets: 0,
            version: 1,
            created: EpochMillis(0),
            updated: EpochMillis(0),
        }
    }

    #[test]
    fn the_wanted_dashboard_else_the_landing_page_else_the_first() {
        let list = [info("a", false), info("b", true), info("c", false)];
        assert_eq!(pick(&list, Some("c")).as_deref(), Some("c"));
        assert_eq!(pick(&list, Some("gone")).as_deref(), Some("b"));
        assert_eq!(pick(&list, None).as_deref(), Some("b"));
        assert_eq!(pick(&list[2..], None).as_deref(), Some("c"));
        assert_eq!(pick(&[], Some("a")), None);
    }

    #[test]
    fn the_marker_says_whether_changes_are_saved() {
        let stale = Saving::Stale("newer".into());
        let failed = Saving::Failed("down".into());
        assert_eq!(
            save_marker(&stale, false, true),
            Some(("save-state unsaved", "Not saved"))
        );
        assert_eq!(
            save_marker(&failed, true, true),
            Some(("save-state unsaved", "Not saved"))
        );
        assert_eq!(
            save_marker(&Saving::InFlight, true, true),
            Some(("save-state saving", "Saving…"))
        );
        assert_eq!(
            save_marker(&Saving::Idle, true, true),
            Some(("save-state unsaved", "Unsaved changes"))
        );
        assert_eq!(
            save_marker(&Saving::Idle, false, true),
            Some(("save-state saved", "All changes saved"))
        );
        assert_eq!(save_marker(&Saving::Idle, false, false), None);
    }
}
