//! The pieces the access forms share: an action's outcome line, a labelled input with its
//! problem (the activation keys form uses it too), and the role picker.

use leptos::prelude::*;
use shipshape_model::Role;

/// An action's outcome line.
#[derive(Clone, PartialEq)]
pub(super) enum Outcome {
    None,
    Busy,
    Done(String),
    Failed(String),
}

#[component]
pub(super) fn OutcomeLine(outcome: RwSignal<Outcome>) -> impl IntoView {
    move || match outcome.get() {
        Outcome::None => ().into_any(),
        Outcome::Busy => view! { <span class="muted" role="status">"Working…"</span> }.into_any(),
        Outcome::Done(m) => {
            view! { <span class="save-ok" role="status" data-testid="done">{m}</span> }.into_any()
        }
        Outcome::Failed(m) => view! {
            <div class="notice notice-error" role="alert" data-testid="failed">{m}</div>
        }
        .into_any(),
    }
}

/// A labelled input of a form row, with its problem under it.
pub(in crate::pages::settings) fn input_row(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    problem: Signal<Option<String>>,
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-row">
            <label for=id>{label}</label>
            <input id=id class="input" type=kind data-testid=id autocomplete=autocomplete
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
            {move || problem.get().map(|m| view! {
                <p class="field-error" role="alert" data-testid=format!("error-{id}")>{m}</p>
            })}
        </div>
    }
}

/// The roles someone with `role` may hand out, as options.
pub(super) fn role_options(role: Role, selected: Role) -> impl IntoView {
    [Role::Viewer, Role::Operator, Role::Admin]
        .into_iter()
        .filter(move |r| role.allows(*r))
        .map(move |r| {
            view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> }
        })
        .collect_view()
}
