//! The page's heading: the open dashboard's name (renamed in place), and the switcher between
//! the user's dashboards.

use super::Page;
use crate::components::list::query::url_value;
use crate::navigation::use_navigator;
use leptos::prelude::*;
use shipshape_model::dashboard::MAX_NAME;

/// The name, or its editor while `renaming`: Enter or leaving the field renames, Escape does not.
#[component]
pub fn DashboardName(page: Page, renaming: RwSignal<bool>) -> impl IntoView {
    let board = page.board;
    move || {
        let name = board
            .doc
            .with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
        if !renaming.get() {
            return view! { <h1 data-testid="dashboard-name">{name}</h1> }.into_any();
        }
        let draft = RwSignal::new(name);
        let commit = move || {
            let name = new_name(&draft.get_untracked());
            renaming.set(false);
            let Some(n) = name else {
                return;
            };
            board.change(|d| d.name = n.clone());
            let id = board.open_id_untracked();
            page.list.update(|l| {
                if let Some(i) = l.iter_mut().find(|i| Some(&i.id) == id.as_ref()) {
                    i.name = n;
                }
            });
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
    }
}

/// The name a rename gives: `draft` trimmed, when that is a name (not empty, not too long).
fn new_name(draft: &str) -> Option<String> {
    let name = draft.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME).then(|| name.to_string())
}

/// A select of the user's dashboards (the landing page marked); choosing one opens it.
#[component]
pub fn Switcher(page: Page) -> impl IntoView {
    let nav = use_navigator();
    move || {
        let current = page.board.open_id().unwrap_or_default();
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
                    nav.push(&format!("/dashboard?id={}", url_value(&id)));
                }>{options}</select>
            </label>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_takes_a_trimmed_name_of_allowed_length() {
        assert_eq!(new_name("  Fleet  ").as_deref(), Some("Fleet"));
        assert_eq!(new_name("   "), None);
        assert_eq!(new_name(""), None);
        let longest = "é".repeat(MAX_NAME);
        assert_eq!(new_name(&longest), Some(longest.clone()));
        assert_eq!(new_name(&format!("{longest}x")), None);
    }
}
