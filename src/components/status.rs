//! What a view shows while loading, after an error, and when there is nothing to show.

use crate::api::ApiError;
use leptos::prelude::*;

/// Grey rows in the table's shape, so nothing jumps when the data arrives.
#[component]
pub fn SkeletonRows(rows: usize, cols: usize) -> impl IntoView {
    (0..rows)
        .map(|_| {
            view! {
                <tr class="skeleton-row" data-testid="skeleton-row">
                    {(0..cols)
                        .map(|_| view! { <td><span class="skeleton"></span></td> })
                        .collect_view()}
                </tr>
            }
        })
        .collect_view()
}

/// The server's message and a Retry button.
#[component]
pub fn ErrorBox(error: ApiError, on_retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert" data-testid="error">
            <div>
                <strong>"The request failed. "</strong>
                <span data-testid="error-message">{error.to_string()}</span>
            </div>
            <button type="button" class="btn" data-testid="retry" on:click=move |_| on_retry.run(())>
                "Retry"
            </button>
        </div>
    }
}

/// "No images match" with the filter that produced it.
#[component]
pub fn EmptyState(noun: &'static str, filter: String) -> impl IntoView {
    view! {
        <div class="empty" data-testid="empty">
            {if filter.is_empty() {
                view! { <p>{format!("There are no {noun} yet.")}</p> }.into_any()
            } else {
                view! {
                    <p>
                        {format!("No {noun} match the filter ")}
                        <code data-testid="empty-filter">{filter}</code>
                    </p>
                }
                    .into_any()
            }}
        </div>
    }
}
