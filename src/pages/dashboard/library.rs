//! The widget library: templates grouped by subject, and "build your own" (kind, entity, QQL
//! with the completing search bar, group-by, limit, columns, title) with a live preview. The
//! same form edits a widget already on the dashboard. Its code (with the search bar's) is a
//! wasm chunk fetched the first time the library opens, not part of the console's first load.

use super::board::Board;
use super::widget::body;
use crate::components::search_bar::SearchBar;
use leptos::prelude::*;
use shipshape_model::dashboard::templates::{self, default_layout, Group};
use shipshape_model::grid::{self, Layout};
use shipshape_model::{Dashboard, TrendSeries, Widget, WidgetEntity, WidgetKind};
use shipshape_qql::{catalogue, Entity};

const KINDS: [(WidgetKind, &str); 6] = [
    (WidgetKind::Count, "Count"),
    (WidgetKind::Ratio, "Ratio"),
    (WidgetKind::Bar, "Bar chart"),
    (WidgetKind::Pie, "Donut chart"),
    (WidgetKind::Table, "Table"),
    (WidgetKind::Trend, "Trend (per day)"),
];

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

fn qql_entity(e: WidgetEntity) -> Entity {
    e.qql()
}

/// Adds `w` at the highest free place (with a fresh id) and announces it.
fn add(board: Board, mut w: Widget) {
    board.change(|d| {
        let taken: Vec<&str> = d.widgets.iter().map(|w| w.id.as_str()).collect();
        w.id = templates::fresh_id(&w.id, &taken);
        let layouts: Vec<Layout> = d.widgets.iter().map(|w| w.layout).collect();
        let at = grid::place_new(&layouts, w.layout.w, w.layout.h);
        w.layout.x = at.x;
        w.layout.y = at.y;
        d.widgets.push(w.clone());
    });
    board.live.set(format!("Added {}.", w.title));
}

/// The widget checked as the server will check it: `Err` names the field.
fn check(w: &Widget) -> Result<(), String> {
    let d = Dashboard {
        schema_version: 1,
        id: String::new(),
        name: "preview".into(),
        description: None,
        columns: grid::COLUMNS,
        widgets: vec![w.clone()],
    };
    d.check().map_err(|e| format!("{}: {}", e.field, e.message))
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

#[component]
fn Builder(start: Option<Widget>) -> impl IntoView {
    let board = expect_context::<Board>();
    let editing = start.as_ref().map(|w| w.id.clone());
    let initial = start.unwrap_or_else(|| Widget {
        id: "custom".into(),
        kind: WidgetKind::Count,
        title: String::new(),
        entity: WidgetEntity::Image,
        query: String::new(),
        base_query: None,
        group_by: None,
        limit: None,
        columns: None,
        sort: None,
        days: None,
        series: None,
        layout: default_layout(WidgetKind::Count),
    });
    let is_new = editing.is_none();
    let draft = RwSignal::new(initial);
    let set = move |f: &dyn Fn(&mut Widget)| draft.update(|w| f(w));

    // Each kind gets the fields it needs, with sensible defaults, when it is chosen.
    let set_kind = move |k: WidgetKind| {
        draft.update(|w| {
            w.kind = k;
            let e = qql_entity(w.entity);
            let first_group = catalogue(e)
                .iter()
                .find(|t| t.groupable())
                .map(|t| t.name.to_string());
            w.base_query =
                (k == WidgetKind::Ratio).then(|| w.base_query.clone().unwrap_or_default());
            w.group_by = matches!(k, WidgetKind::Bar | WidgetKind::Pie)
                .then(|| w.group_by.clone().or(first_group))
                .flatten();
            w.limit = matches!(k, WidgetKind::Bar | WidgetKind::Pie | WidgetKind::Table)
                .then(|| w.limit.unwrap_or(10));
            w.columns = (k == WidgetKind::Table).then(|| {
                w.columns.clone().unwrap_or_else(|| {
                    catalogue(e)
                        .iter()
                        .filter(|t| t.sortable)
                        .take(3)
                        .map(|t| t.name.to_string())
                        .collect()
                })
            });
            w.sort = (k == WidgetKind::Table)
                .then(|| w.sort.clone().unwrap_or_else(|| "created:desc".into()));
            if is_new {
                let d = default_layout(k);
                w.layout = Layout {
                    x: w.layout.x,
                    y: w.layout.y,
                    ..d
                };
            }
        })
    };
    let set_entity = move |e: WidgetEntity| {
        draft.update(|w| {
            w.entity = e;
            w.query.clear();
            if w.base_query.is_some() {
                w.base_query = Some(String::new());
            }
            w.group_by = None;
            w.columns = None;
            w.sort = None;
        });
        let kind = draft.get_untracked().kind;
        set_kind(if e.has_kind(kind) {
            kind
        } else {
            WidgetKind::Bar
        });
    };
    let problem = Memo::new(move |_| draft.with(check).err());
    let refresh = RwSignal::new(0u32);
    // The preview follows the question (not the title or the place) once it is valid.
    let question = Memo::new(move |_| {
        draft.with(|w| Widget {
            title: "preview".into(),
            layout: default_layout(w.kind),
            ..w.clone()
        })
    });
    let preview = move || {
        let w = question.get();
        check(&w).ok()?;
        Some(body(w, refresh))
    };

    let kind_options = KINDS
        .iter()
        .map(|&(k, l)| view! { <option value=format!("{k:?}") selected=move || draft.with(|w| w.kind == k) disabled=move || draft.with(|w| !w.entity.has_kind(k))>{l}</option> })
        .collect_view();
    let entity_options = ENTITIES
        .iter()
        .map(|&(e, l)| view! { <option value=e.plural() selected=move || draft.with(|w| w.entity == e)>{l}</option> })
        .collect_view();

    let kind_fields = move || {
        let w = draft.get();
        let e = qql_entity(w.entity);
        let mut out = Vec::new();
        if w.kind == WidgetKind::Ratio {
            let base =
                Signal::derive(move || draft.with(|w| w.base_query.clone().unwrap_or_default()));
            out.push(view! {
                <div class="dfield">
                    <span class="dfield-label">"Out of (base query)"</span>
                    <SearchBar entity=e value=base on_search=Callback::new(move |q: String| set(&|w| w.base_query = Some(q.clone()))) />
                </div>
            }.into_any());
        }
        if matches!(w.kind, WidgetKind::Bar | WidgetKind::Pie) {
            let options = catalogue(e)
                .iter()
                .filter(|t| t.groupable())
                .map(|t| {
                    let name = t.name;
                    view! { <option value=name selected=move || draft.with(|w| w.group_by.as_deref() == Some(name))>{name}</option> }
                })
                .collect_view();
            out.push(
                view! {
                    <label class="dfield">
                        <span class="dfield-label">"Group by"</span>
                        <select class="input" data-testid="builder-group-by" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(&|w| w.group_by = Some(v.clone()));
                        }>{options}</select>
                    </label>
                }
                .into_any(),
            );
        }
        if matches!(
            w.kind,
            WidgetKind::Bar | WidgetKind::Pie | WidgetKind::Table
        ) {
            out.push(view! {
                <label class="dfield">
                    <span class="dfield-label">{if w.kind == WidgetKind::Table { "Rows" } else { "Groups (top)" }}</span>
                    <input class="input" type="number" min="1" max="100" data-testid="builder-limit"
                        prop:value=move || draft.with(|w| w.limit.unwrap_or(10).to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                            set(&|w| w.limit = Some(v));
                        } />
                </label>
            }.into_any());
        }
        if w.kind == WidgetKind::Trend {
            let created = move || draft.with(|w| w.series == Some(TrendSeries::Created));
            out.push(view! {
                <label class="dfield">
                    <span class="dfield-label">"Each day"</span>
                    <select class="input" data-testid="builder-series" on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<TrendSeries>().ok();
                        set(&|w| w.series = v.filter(|s| *s == TrendSeries::Created));
                    }>
                        <option value="count" selected=move || !created()>"How many match (recorded daily)"</option>
                        <option value="created" selected=created>"How many were created that day"</option>
                    </select>
                </label>
            }.into_any());
            out.push(view! {
                <label class="dfield">
                    <span class="dfield-label">"Days"</span>
                    <input class="input" type="number" min="1" max="365" data-testid="builder-days"
                        prop:value=move || draft.with(|w| w.days.unwrap_or(30).to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                            set(&|w| w.days = Some(v));
                        } />
                </label>
            }.into_any());
        }
        if w.kind == WidgetKind::Table {
            let columns = catalogue(e)
                .iter()
                .filter(|t| !matches!(t.ty, shipshape_qql::TokenType::LabelPair))
                .map(|t| {
                    let name = t.name;
                    view! {
                        <label class="check-label">
                            <input type="checkbox" prop:checked=move || draft.with(|w| w.columns.as_ref().is_some_and(|c| c.iter().any(|c| c == name)))
                                on:change=move |_| set(&|w| {
                                    let c = w.columns.get_or_insert_with(Vec::new);
                                    if let Some(i) = c.iter().position(|c| c == name) { c.remove(i); } else { c.push(name.to_string()); }
                                }) />
                            {name}
                        </label>
                    }
                })
                .collect_view();
            let sorts = catalogue(e)
                .iter()
                .filter(|t| t.sortable)
                .flat_map(|t| ["desc", "asc"].map(|o| format!("{}:{o}", t.name)))
                .map(|s| {
                    let (s2, label) = (s.clone(), s.clone());
                    view! { <option value=s selected=move || draft.with(|w| w.sort.as_deref() == Some(s2.as_str()))>{label}</option> }
                })
                .collect_view();
            out.push(view! {
                <label class="dfield">
                    <span class="dfield-label">"Sort"</span>
                    <select class="input" on:change=move |ev| { let v = event_target_value(&ev); set(&|w| w.sort = Some(v.clone())); }>{sorts}</select>
                </label>
                <fieldset class="dfield columns-pick">
                    <legend class="dfield-label">"Columns"</legend>
                    {columns}
                </fieldset>
            }.into_any());
        }
        out
    };
    let search = move || {
        let e = qql_entity(draft.with(|w| w.entity));
        let q = Signal::derive(move || draft.with(|w| w.query.clone()));
        view! { <SearchBar entity=e value=q on_search=Callback::new(move |q: String| set(&|w| w.query = q.clone())) /> }
    };
    let editing2 = editing.clone();
    let save = move |_| {
        let w = draft.get_untracked();
        if check(&w).is_err() {
            return;
        }
        match &editing2 {
            Some(id) => {
                let title = w.title.clone();
                board.change(|d| {
                    let layouts: Vec<Layout> = d.widgets.iter().map(|w| w.layout).collect();
                    if let Some(i) = d.widgets.iter().position(|x| &x.id == id) {
                        d.widgets[i] = Widget {
                            id: id.clone(),
                            ..w.clone()
                        };
                        // Its minimum may have grown with a new kind: bring it back on the grid.
                        let mut ls = layouts;
                        ls[i] = d.widgets[i].layout;
                        for (x, l) in d.widgets.iter_mut().zip(grid::normalize(&ls)) {
                            x.layout = l;
                        }
                    }
                });
                board.live.set(format!("Saved {title}."));
            }
            None => add(board, w),
        }
        board.editing.set(None);
    };

    view! {
        <div class="builder">
            <div class="builder-form">
                <label class="dfield">
                    <span class="dfield-label">"Title"</span>
                    <input class="input" data-testid="builder-title" maxlength="100" prop:value=move || draft.with(|w| w.title.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); set(&|w| w.title = v.clone()); } />
                </label>
                <div class="dfield-row">
                    <label class="dfield">
                        <span class="dfield-label">"Kind"</span>
                        <select class="input" data-testid="builder-kind" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(&(k, _)) = KINDS.iter().find(|(k, _)| format!("{k:?}") == v) { set_kind(k) }
                        }>{kind_options}</select>
                    </label>
                    <label class="dfield">
                        <span class="dfield-label">"Of"</span>
                        <select class="input" data-testid="builder-entity" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(&(e, _)) = ENTITIES.iter().find(|(e, _)| e.plural() == v) { set_entity(e) }
                        }>{entity_options}</select>
                    </label>
                </div>
                <div class="dfield">
                    <span class="dfield-label">"Query (QQL; empty for all)"</span>
                    {search}
                </div>
                {kind_fields}
                <p class="form-error" role="alert" data-testid="builder-problem">{move || problem.get()}</p>
                <div class="builder-actions">
                    <button type="button" class="btn btn-primary" data-testid="builder-save"
                        disabled=move || problem.with(Option::is_some) on:click=save>
                        {if editing.is_some() { "Save widget" } else { "Add to dashboard" }}
                    </button>
                </div>
            </div>
            <div class="builder-preview" aria-label="Preview" data-testid="builder-preview">
                <h3 class="muted">"Preview"</h3>
                <div class="widget preview-widget">
                    <header class="widget-head"><h2 class="widget-title">{move || draft.with(|w| if w.title.trim().is_empty() { "Untitled".to_string() } else { w.title.clone() })}</h2></header>
                    <div class="widget-body">{preview}</div>
                </div>
            </div>
        </div>
    }
}
