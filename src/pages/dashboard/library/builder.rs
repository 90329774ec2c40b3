//! "Build your own": the form that makes a widget (or edits one on the dashboard) with a live
//! preview of its answer. The draft's rules are in `draft`; this is the form around them.

use super::draft::{self, question, set_entity, set_kind, toggle_column};
use super::{add, check, ENTITIES, KINDS};
use crate::components::search_bar::SearchBar;
use crate::pages::dashboard::board::Board;
use crate::pages::dashboard::edits;
use crate::pages::dashboard::widget::body;
use leptos::prelude::*;
use shipshape_model::{TrendSeries, Widget, WidgetKind};
use shipshape_qql::{catalogue, TokenType};

#[component]
pub fn Builder(start: Option<Widget>) -> impl IntoView {
    let board = expect_context::<Board>();
    let editing = start.as_ref().map(|w| w.id.clone());
    let is_new = editing.is_none();
    let draft = RwSignal::new(start.unwrap_or_else(draft::blank));
    let set = move |f: &dyn Fn(&mut Widget)| draft.update(|w| f(w));

    let problem = Memo::new(move |_| draft.with(check).err());
    let refresh = RwSignal::new(0u32);
    // The preview follows the question (not the title or the place) once it is valid.
    let asked = Memo::new(move |_| draft.with(question));
    let preview = move || {
        let w = asked.get();
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

    let search = move || {
        let e = draft.with(|w| w.entity.qql());
        let q = Signal::derive(move || draft.with(|w| w.query.clone()));
        view! { <SearchBar entity=e value=q on_search=Callback::new(move |q: String| set(&|w| w.query = q.clone())) /> }
    };
    let save = {
        let editing = editing.clone();
        move |_| {
            let w = draft.get_untracked();
            if check(&w).is_err() {
                return;
            }
            match &editing {
                Some(id) => {
                    let title = w.title.clone();
                    board.change(|d| edits::replace_widget(d, id, w));
                    board.live.set(format!("Saved {title}."));
                }
                None => add(board, w),
            }
            board.editing.set(None);
        }
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
                            if let Some(&(k, _)) = KINDS.iter().find(|(k, _)| format!("{k:?}") == v) {
                                draft.update(|w| set_kind(w, k, is_new));
                            }
                        }>{kind_options}</select>
                    </label>
                    <label class="dfield">
                        <span class="dfield-label">"Of"</span>
                        <select class="input" data-testid="builder-entity" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(&(e, _)) = ENTITIES.iter().find(|(e, _)| e.plural() == v) {
                                draft.update(|w| set_entity(w, e, is_new));
                            }
                        }>{entity_options}</select>
                    </label>
                </div>
                <div class="dfield">
                    <span class="dfield-label">"Query (QQL; empty for all)"</span>
                    {search}
                </div>
                {move || kind_fields(draft)}
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

/// The fields only some kinds have: a ratio's base query, a chart's group-by, a limit, a
/// trend's series and days, a table's sort and columns.
fn kind_fields(draft: RwSignal<Widget>) -> Vec<AnyView> {
    let set = move |f: &dyn Fn(&mut Widget)| draft.update(|w| f(w));
    let w = draft.get();
    let e = w.entity.qql();
    let mut out = Vec::new();
    if w.kind == WidgetKind::Ratio {
        let base = Signal::derive(move || draft.with(|w| w.base_query.clone().unwrap_or_default()));
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
        out.push(
            view! {
                <label class="dfield">
                    <span class="dfield-label">"Days"</span>
                    <input class="input" type="number" min="1" max="365" data-testid="builder-days"
                        prop:value=move || draft.with(|w| w.days.unwrap_or(30).to_string())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                            set(&|w| w.days = Some(v));
                        } />
                </label>
            }
            .into_any(),
        );
    }
    if w.kind == WidgetKind::Table {
        let columns = catalogue(e)
            .iter()
            .filter(|t| !matches!(t.ty, TokenType::LabelPair))
            .map(|t| {
                let name = t.name;
                view! {
                    <label class="check-label">
                        <input type="checkbox" prop:checked=move || draft.with(|w| w.columns.as_ref().is_some_and(|c| c.iter().any(|c| c == name)))
                            on:change=move |_| draft.update(|w| toggle_column(w, name)) />
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
}
