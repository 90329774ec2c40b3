//! The widget library: templates grouped by subject, and "build your own" (`builder`: kind,
//! entity, QQL with the completing search bar, group-by, limit, columns, title) with a live
//! preview. The same form edits a widget already on the dashboard. Its code (with the search
//! bar's) is a wasm chunk fetched the first time the library opens, not part of the console's
//! first load.

mod builder;
mod draft;

use super::board::Board;
use super::edits;
use builder::Builder;
use leptos::prelude::*;
use shipshape_model::dashboard::templates::{self, Group};
use shipshape_model::{Widget, WidgetEntity, WidgetKind};

/// The kinds the form offers, with their names.
const KINDS: [(WidgetKind, &str); 6] = [
    (WidgetKind::Count, "Count"),
    (WidgetKind::Ratio, "Ratio"),
    (WidgetKind::Bar, "Bar chart"),
    (WidgetKind::Pie, "Donut chart"),
    (WidgetKind::Table, "Table"),
    (WidgetKind::Trend, "Trend (per day)"),
];

/// What a widget can count, with the names the form gives them.
const ENTITIES: [(WidgetEntity, &str); 4] = [
    (WidgetEntity::Image, "Images"),
    (WidgetEntity::Container, "Containers"),
    (WidgetEntity::Sensor, "Sensors"),
    (
        WidgetEntity::Vulnerability,
        "Findings (vulnerabilities in images)",
    ),
];

fn kind_label(k: WidgetKind) -> &'static str {
    KINDS
        .iter()
        .find(|(x, _)| *x == k)
        .map(|(_, l)| *l)
        .unwrap_or("Widget")
}

/// Adds `w` at the highest free place (with a fresh id) and announces it.
fn add(board: Board, w: Widget) {
    let title = w.title.clone();
    board.change(|d| edits::add_widget(d, w));
    board.live.set(format!("Added {title}."));
}

/// The widget checked as the server will check it: `Err` names the field.
fn check(w: &Widget) -> Result<(), String> {
    edits::new_dashboard("preview", vec![w.clone()])
        .check()
        .map_err(|e| format!("{}: {}", e.field, e.message))
}

/// The library dialog, shown while a widget is being added or edited.
#[component]
pub fn Library() -> impl IntoView {
    let board = expect_context::<Board>();
    view! {
        <Show when=move || board.editing.with(Option::is_some)>
            <Suspense fallback=|| view! {
                <div class="dialog-backdrop">
                    <div class="dialog" role="status" aria-busy="true">"Opening the widget library…"</div>
                </div>
            }>
                {Suspend::new(library_dialog())}
            </Suspense>
        </Show>
    }
}

#[lazy]
fn library_dialog() -> AnyView {
    view! { <LibraryDialog /> }.into_any()
}

#[component]
fn LibraryDialog() -> impl IntoView {
    let board = expect_context::<Board>();
    let close = move || board.editing.set(None);
    let tab_custom = RwSignal::new(false);
    // Nothing once the library closes (`Library` then removes it).
    move || {
        let editing = board.editing.get()?;
        let heading = if editing.is_some() {
            "Edit widget"
        } else {
            "Add widget"
        };
        let start = editing.as_ref().and_then(|id| {
            board
                .doc
                .with_untracked(|d| d.as_ref()?.widgets.iter().find(|w| &w.id == id).cloned())
        });
        let custom = editing.is_some() || tab_custom.get();
        Some(view! {
            <div class="dialog-backdrop" on:click=move |_| close()>
                <div class="dialog dialog-wide" role="dialog" aria-modal="true" aria-label=heading
                    data-testid="widget-library" on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    <header class="dialog-head">
                        <h2>{heading}</h2>
                        <button type="button" class="btn btn-ghost" data-testid="library-close" on:click=move |_| close()>"Close"</button>
                    </header>
                    {editing.is_none().then(|| view! {
                        <div class="tabs" role="tablist">
                            <button type="button" role="tab" class="tab" class:tab-active=move || !tab_custom.get()
                                aria-selected=move || (!tab_custom.get()).to_string() data-testid="tab-templates"
                                on:click=move |_| tab_custom.set(false)>"Templates"</button>
                            <button type="button" role="tab" class="tab" class:tab-active=move || tab_custom.get()
                                aria-selected=move || tab_custom.get().to_string() data-testid="tab-custom"
                                on:click=move |_| tab_custom.set(true)>"Build your own"</button>
                        </div>
                    })}
                    {if custom {
                        view! { <Builder start=start /> }.into_any()
                    } else {
                        view! { <Templates /> }.into_any()
                    }}
                </div>
            </div>
        })
    }
}

#[component]
fn Templates() -> impl IntoView {
    let board = expect_context::<Board>();
    let all = templates::widgets();
    Group::ALL
        .into_iter()
        .map(|g| {
            let items = all
                .iter()
                .filter(|(group, _)| *group == g)
                .map(|(_, w)| {
                    let w = w.clone();
                    let title = w.title.clone();
                    let detail = format!("{} · {}", kind_label(w.kind), w.entity.noun());
                    view! {
                        <li class="template">
                            <div>
                                <b>{title.clone()}</b>
                                <span class="muted">{detail}</span>
                            </div>
                            <button type="button" class="btn" data-testid="add-template" data-template=w.id.clone()
                                aria-label=format!("Add {title}")
                                on:click=move |_| {
                                    add(board, w.clone());
                                    board.editing.set(None);
                                }>"Add"</button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="template-group">
                    <h3>{g.label()}</h3>
                    <ul>{items}</ul>
                </section>
            }
        })
        .collect_view()
}
