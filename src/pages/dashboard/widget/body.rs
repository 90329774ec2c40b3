//! A widget's body: sends the widget's requests (again on refresh), shows loading and errors,
//! and draws the answer by kind: the count and ratio figures here, charts in `groups` and
//! `trend`, rows in `table`. The pieces those share (the empty state, the drawn size, a click
//! that opens a list) live here too.

use super::figures::{change_since, count_of, ratio_text};
use super::requests::{list_href, requests_of};
use super::{groups, table, trend};
use crate::api::{load, Load, Loader};
use crate::format::thousands;
use crate::navigation::use_navigator;
use crate::pages::dashboard::board::Board;
use leptos::prelude::*;
use shipshape_model::{RequestSpec, Widget, WidgetKind};

/// The body of widget `w`; `refresh` asks its questions again whenever it changes.
pub fn body(w: Widget, refresh: RwSignal<u32>) -> AnyView {
    let specs = requests_of(&w);
    let loader = answer(specs[0].clone(), refresh);
    let second = specs.get(1).cloned().map(|spec| answer(spec, refresh));
    // A count draws without its history (which only adds the change): it does not wait for it,
    // and a failed history leaves the count alone.
    let history_only = w.kind == WidgetKind::Count;
    let w = StoredValue::new(w);
    (move || {
        let a = loader.state.get();
        let b = second
            .map(|l| l.state.get())
            .filter(|b| !history_only || matches!(b, Load::Ready(_)));
        let failed = match (&a, &b) {
            (Load::Failed(e), _) | (_, Some(Load::Failed(e))) => Some(e.clone()),
            _ => None,
        };
        if let Some(e) = failed {
            return view! {
                <div class="widget-error" role="alert" data-testid="widget-error">
                    <p>{e.to_string()}</p>
                    <button type="button" class="btn" on:click=move |_| refresh.update(|n| *n += 1)>"Retry"</button>
                </div>
            }
            .into_any();
        }
        let (Load::Ready(a), None | Some(Load::Ready(_))) = (&a, &b) else {
            return view! { <div class="widget-loading" aria-busy="true"><span class="skeleton-bar"></span></div> }.into_any();
        };
        let b = match b {
            Some(Load::Ready(t)) => Some(t),
            _ => None,
        };
        match draw_body(&w.get_value(), a, b.as_deref()) {
            Ok(v) => v,
            Err(e) => view! {
                <div class="widget-error" role="alert" data-testid="widget-error"><p>{e}</p></div>
            }
            .into_any(),
        }
    })
    .into_any()
}

/// The answer to `spec` as text, asked again whenever `refresh` changes.
fn answer(spec: RequestSpec, refresh: RwSignal<u32>) -> Loader<String> {
    load(
        move || {
            refresh.track();
            spec.clone()
        },
        |s| Ok::<_, String>(s.to_string()),
    )
}

/// Draws the answers `a` (and `b`, the second request's, when there is one).
fn draw_body(w: &Widget, a: &str, b: Option<&str>) -> Result<AnyView, String> {
    let noun = w.entity.noun();
    Ok(match w.kind {
        WidgetKind::Count => {
            let n = count_of(a)?;
            let href = list_href(w, &w.query);
            let change = b.and_then(|b| change_since(n, b));
            view! {
                <a class="big-number" href=href data-testid="widget-count">
                    <span class="big">{thousands(n)}</span>
                    <span class="muted">{noun}</span>
                    {change.map(|c| view! { <span class="count-change muted" data-testid="widget-change">{c}</span> })}
                </a>
            }
            .into_any()
        }
        WidgetKind::Ratio => {
            let part = count_of(a)?;
            let whole = count_of(b.unwrap_or("{}"))?;
            let href = list_href(w, &w.query);
            view! {
                <a class="big-number" href=href data-testid="widget-ratio">
                    <span class="big">{ratio_text(part, whole)}</span>
                    <span class="muted">{format!("{} of {} {noun}", thousands(part), thousands(whole))}</span>
                </a>
            }
            .into_any()
        }
        WidgetKind::Bar | WidgetKind::Pie => groups::groups_view(w, a)?,
        WidgetKind::Table => table::table_view(w, a)?,
        WidgetKind::Trend => trend::trend_view(w, a)?,
    })
}

/// "No images match.", for an answer with no rows or groups.
pub fn empty_view(w: &Widget) -> AnyView {
    view! {
        <div class="widget-empty" data-testid="widget-empty">
            {format!("No {} match.", w.entity.noun())}
        </div>
    }
    .into_any()
}

/// The widget's size in grid cells as it is drawn now: a chart redraws when it changes.
pub fn drawn_size(w: &Widget) -> Signal<(u32, u32)> {
    let board = expect_context::<Board>();
    let id = w.id.clone();
    Signal::derive(move || board.layout_of(&id).map(|l| (l.w, l.h)).unwrap_or_default())
}

/// A click on a chart's datum `i` opens `hrefs[i]` (when that datum has a list).
pub fn open_picked(hrefs: Vec<Option<String>>) -> Callback<usize> {
    let nav = use_navigator();
    Callback::new(move |i: usize| {
        if let Some(Some(h)) = hrefs.get(i) {
            nav.push(h);
        }
    })
}
