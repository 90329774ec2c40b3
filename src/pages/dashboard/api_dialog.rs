//! The "API request" dialog of a widget: the requests behind it, each with its snippets (the
//! same `RequestSpec`s the widget sends).

use super::board::Board;
use crate::components::api_panel::ApiPanel;
use leptos::prelude::*;

/// Shown while `board.api_view` holds a widget's title and requests.
#[component]
pub fn ApiDialog(board: Board) -> impl IntoView {
    let close = move || board.api_view.set(None);
    move || {
        board.api_view.get().map(|(title, specs)| {
            let panels = specs
                .into_iter()
                .map(|s| view! { <ApiPanel spec=Signal::stored(s) /> })
                .collect_view();
            view! {
                <div class="dialog-backdrop" on:click=move |_| close()>
                    <div class="dialog" role="dialog" aria-modal="true" aria-label=format!("API request: {title}")
                        data-testid="widget-api-dialog" on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                        <header class="dialog-head">
                            <h2>{format!("API request: {title}")}</h2>
                            <button type="button" class="btn btn-ghost" data-testid="dialog-close" autofocus
                                on:click=move |_| close()>"Close"</button>
                        </header>
                        {panels}
                    </div>
                </div>
            }
        })
    }
}
