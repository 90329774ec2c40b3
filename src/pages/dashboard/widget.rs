//! One widget: its frame (header to drag, corner to resize, a keyboard handle, a menu) and its
//! body, which asks the API its question and draws the answer. A failing widget shows its own
//! error; the others are not affected.

use super::board::{describe, place_style, Board, Drag};
use super::chart::{Chart, Datum, Shape};
use crate::api::{load, requests, Load};
use crate::components::list::query::url_value;
use crate::components::reltime::RelTime;
use crate::navigation::use_navigator;
use leptos::prelude::*;
use shipshape_model::dashboard::{findings_as_images, group_filter};
use shipshape_model::grid::{self, Layout};
use shipshape_model::{
    AggregateResponse, RequestSpec, TrendSeries, Widget, WidgetEntity, WidgetKind,
};
use wasm_bindgen::JsCast;

/// The count of `filter`'s rows: a list's `count`; findings, which have no list, are counted
/// by their aggregate's `total`.
fn count_request(w: &Widget, filter: &str) -> RequestSpec {
    match w.entity {
        WidgetEntity::Vulnerability => {
            requests::aggregate(w.entity.plural(), filter, "severity", 5)
        }
        _ => requests::count(w.entity.plural(), filter),
    }
}

/// A count's change is against the count recorded this many days ago (or the oldest recorded
/// since, when the history is shorter).
const CHANGE_DAYS: u32 = 7;

/// The requests behind a widget, in the order it sends them.
pub fn requests_of(w: &Widget) -> Vec<RequestSpec> {
    let entity = w.entity.plural();
    match w.kind {
        // The count's recorded days give its change over the last week, where they exist.
        WidgetKind::Count if w.entity != WidgetEntity::Vulnerability => vec![
            count_request(w, &w.query),
            requests::trend(entity, &w.query, CHANGE_DAYS + 1, TrendSeries::Count),
        ],
        WidgetKind::Count => vec![count_request(w, &w.query)],
        WidgetKind::Trend => vec![requests::trend(
            entity,
            &w.query,
            w.days.unwrap_or(30),
            w.series.unwrap_or_default(),
        )],
        WidgetKind::Ratio => vec![
            count_request(w, &w.query),
            count_request(w, w.base_query.as_deref().unwrap_or("")),
        ],
        WidgetKind::Bar | WidgetKind::Pie => vec![requests::aggregate(
            entity,
            &w.query,
            w.group_by.as_deref().unwrap_or(""),
            w.limit.unwrap_or(10),
        )],
        WidgetKind::Table => vec![requests::list(
            entity,
            &w.query,
            w.sort.as_deref().unwrap_or("created:desc"),
            1,
            w.limit.unwrap_or(10),
        )],
    }
}

/// The list tab showing the rows behind `filter`. Findings have no tab: theirs is the Images tab
/// with the images that have such findings, when the filter says that in image tokens.
pub fn list_href(w: &Widget, filter: &str) -> Option<String> {
    let (tab, filter) = match w.entity {
        WidgetEntity::Vulnerability => ("images", findings_as_images(filter)?),
        e => (e.plural(), filter.to_string()),
    };
    let mut href = format!("/{tab}");
    if !filter.trim().is_empty() {
        href.push_str(&format!("?filter={}", url_value(&filter)));
    }
    Some(href)
}

/// The definition without its place: what the body's requests depend on.
fn definition(board: Board, id: String) -> Memo<Option<Widget>> {
    Memo::new(move |_| {
        board.doc.with(|d| {
            d.as_ref()?
                .widgets
                .iter()
                .find(|w| w.id == id)
                .map(|w| Widget {
                    layout: Layout::new(0, 0, 1, 1),
                    ..w.clone()
                })
        })
    })
}

#[component]
pub fn WidgetCard(id: String) -> impl IntoView {
    let board = expect_context::<Board>();
    let def = definition(board, id.clone());
    let refresh = RwSignal::new(0u32);
    let menu_open = RwSignal::new(false);
    let menu_wrap = NodeRef::<leptos::html::Div>::new();
    super::board::dismiss_outside(menu_wrap, menu_open);
    let nav = use_navigator();

    let id_style = id.clone();
    let style = move || {
        let drag = board.drag.get();
        match drag.filter(|d| d.id == id_style) {
            // Follows the pointer; the placeholder shows where it will land. It is placed at
            // that landing place and translated back under the pointer, so that on the drop
            // only the translation settles (no jump back to where the drag began).
            Some(d) if !d.resize => {
                let at = board.layout_of(&id_style).unwrap_or(d.from);
                let col = board.column_px();
                let rest_x = d.dx - (f64::from(at.x) - f64::from(d.from.x)) * col;
                let rest_y = d.dy - (f64::from(at.y) - f64::from(d.from.y)) * super::board::ROW;
                format!(
                    "{};transform:translate({rest_x}px,{rest_y}px)",
                    place_style(&at)
                )
            }
            Some(d) => {
                let l = d.from;
                format!(
                    "{};width:calc({} * (100% + 12px) / 24 - 12px + {}px);height:{}px",
                    place_style(&l),
                    l.w,
                    d.dx,
                    (f64::from(l.h) * super::board::ROW - super::board::GAP + d.dy).max(40.0)
                )
            }
            None => board
                .layout_of(&id_style)
                .map(|l| place_style(&l))
                .unwrap_or_default(),
        }
    };
    let id_d = id.clone();
    let dragging = move || {
        board
            .drag
            .with(|d| d.as_ref().is_some_and(|d| d.id == id_d))
    };
    let id_l = id.clone();
    let lifted = move || board.lifted.with(|l| l.as_deref() == Some(id_l.as_str()));

    // Pointer: drag by the header, resize by the corner.
    let start = {
        let id = id.clone();
        move |ev: web_sys::PointerEvent, resize: bool| {
            if !board.editable.get_untracked() || ev.button() != 0 {
                return;
            }
            let Some(from) = board.layout_of(&id) else {
                return;
            };
            if let Some(t) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = t.set_pointer_capture(ev.pointer_id());
            }
            ev.prevent_default();
            board.lifted.set(None);
            board.drag.set(Some(Drag {
                id: id.clone(),
                resize,
                dx: 0.0,
                dy: 0.0,
                from,
            }));
            START.with(|s| s.set((f64::from(ev.client_x()), f64::from(ev.client_y()))));
        }
    };
    let on_move = {
        let id = id.clone();
        move |ev: web_sys::PointerEvent| {
            let Some(d) = board.drag.get_untracked().filter(|d| d.id == id) else {
                return;
            };
            let (sx, sy) = START.with(|s| s.get());
            let dx = f64::from(ev.client_x()) - sx;
            let dy = f64::from(ev.client_y()) - sy;
            let cols = (dx / board.column_px()).round() as i64;
            let rows = (dy / super::board::ROW).round() as i64;
            let Some(i) = board.index_untracked(&id) else {
                return;
            };
            let base = board.layouts_untracked();
            let next = if d.resize {
                grid::resize_to(
                    &base,
                    i,
                    i64::from(d.from.w) + cols,
                    i64::from(d.from.h) + rows,
                )
            } else {
                grid::move_to(
                    &base,
                    i,
                    i64::from(d.from.x) + cols,
                    i64::from(d.from.y) + rows,
                )
            };
            if board.preview.with_untracked(|p| p.as_ref() != Some(&next)) {
                board.preview.set(Some(next));
            }
            board.drag.set(Some(Drag { dx, dy, ..d }));
        }
    };
    let on_up = {
        let id = id.clone();
        move |_ev: web_sys::PointerEvent| {
            let Some(d) = board.drag.get_untracked().filter(|d| d.id == id) else {
                return;
            };
            board.drag.set(None);
            if let Some(p) = board.preview.get_untracked() {
                board.preview.set(None);
                board.commit_layouts(p);
                if let Some(l) = board.layout_of(&id) {
                    let verb = if d.resize { "Resized" } else { "Moved" };
                    board.live.set(format!(
                        "{verb} {} to {}.",
                        board.title_untracked(&id),
                        describe(&l)
                    ));
                }
            }
        }
    };
    let cancel = move |_ev: web_sys::PointerEvent| {
        board.drag.set(None);
        board.preview.set(None);
    };

    // Keyboard: the handle lifts, arrows move, Shift+arrows resize, Enter drops, Escape cancels.
    let on_key = {
        let id = id.clone();
        move |ev: web_sys::KeyboardEvent| {
            if !board.editable.get_untracked() {
                return;
            }
            let title = board.title_untracked(&id);
            let is_lifted = board.lifted.get_untracked().as_deref() == Some(id.as_str());
            let key = ev.key();
            let Some(i) = board.index_untracked(&id) else {
                return;
            };
            if !is_lifted {
                if key == "Enter" || key == " " {
                    ev.prevent_default();
                    board.lifted.set(Some(id.clone()));
                    board.preview.set(Some(board.layouts_untracked()));
                    let at = board
                        .layout_of(&id)
                        .map(|l| describe(&l))
                        .unwrap_or_default();
                    board.live.set(format!(
                        "Picked up {title} at {at}. Arrow keys move it, Shift and arrow keys resize it, Enter drops it, Escape cancels."
                    ));
                }
                return;
            }
            let current = board
                .preview
                .get_untracked()
                .unwrap_or_else(|| board.layouts_untracked());
            let l = current[i];
            let step = |dx: i64, dy: i64| {
                if ev.shift_key() {
                    return grid::resize_to(&current, i, i64::from(l.w) + dx, i64::from(l.h) + dy);
                }
                // Compaction pulls a widget moved one row down straight back up while the
                // widget below is in the way: go on down until it lands past that widget.
                let bottom = current.iter().map(Layout::bottom).max().unwrap_or(0);
                let mut n = 1;
                loop {
                    let next = grid::move_to(
                        &current,
                        i,
                        i64::from(l.x) + dx * n,
                        i64::from(l.y) + dy * n,
                    );
                    if dy <= 0 || next[i] != l || i64::from(l.y) + dy * n > i64::from(bottom) {
                        return next;
                    }
                    n += 1;
                }
            };
            let next = match key.as_str() {
                "ArrowLeft" => Some(step(-1, 0)),
                "ArrowRight" => Some(step(1, 0)),
                "ArrowUp" => Some(step(0, -1)),
                "ArrowDown" => Some(step(0, 1)),
                _ => None,
            };
            if let Some(next) = next {
                ev.prevent_default();
                let now = next[i];
                let verb = if ev.shift_key() { "Resized" } else { "Moved" };
                let message = if now == l {
                    format!(
                        "{title} cannot go further that way; it stays at {}.",
                        describe(&now)
                    )
                } else {
                    format!("{verb} {title} to {}.", describe(&now))
                };
                board.preview.set(Some(next));
                board.live.set(message);
                return;
            }
            match key.as_str() {
                "Enter" | " " => {
                    ev.prevent_default();
                    board.lifted.set(None);
                    board.preview.set(None);
                    board.commit_layouts(current);
                    let at = board
                        .layout_of(&id)
                        .map(|l| describe(&l))
                        .unwrap_or_default();
                    board.live.set(format!("Dropped {title} at {at}."));
                }
                "Escape" => {
                    ev.prevent_default();
                    board.lifted.set(None);
                    board.preview.set(None);
                    let at = board
                        .layout_of(&id)
                        .map(|l| describe(&l))
                        .unwrap_or_default();
                    board
                        .live
                        .set(format!("Cancelled. {title} is back at {at}."));
                }
                _ => {}
            }
        }
    };
    let on_blur = {
        let id = id.clone();
        move |_| {
            if board.lifted.get_untracked().as_deref() == Some(id.as_str()) {
                board.lifted.set(None);
                board.preview.set(None);
                board.live.set(format!(
                    "Cancelled. {} is back in its place.",
                    board.title_untracked(&id)
                ));
            }
        }
    };

    let title = move || def.with(|w| w.as_ref().map(|w| w.title.clone()).unwrap_or_default());
    let open_list = move || def.with(|w| w.as_ref().and_then(|w| list_href(w, &w.query)));
    let id_menu = id.clone();
    let menu = move || {
        menu_open.get().then(|| {
            let id_dup = id_menu.clone();
            let id_rm = id_menu.clone();
            let id_edit = id_menu.clone();
            let editable = board.editable.get();
            view! {
                <div class="dmenu" role="menu" data-testid="widget-menu">
                    <button type="button" role="menuitem" data-testid="widget-refresh"
                        on:click=move |_| { refresh.update(|n| *n += 1); menu_open.set(false); }>"Refresh"</button>
                    <button type="button" role="menuitem" data-testid="widget-api"
                        on:click=move |_| {
                            if let Some(w) = def.get_untracked() {
                                board.api_view.set(Some((w.title.clone(), requests_of(&w))));
                            }
                            menu_open.set(false);
                        }>"Show API request"</button>
                    {open_list().map(|href| {
                        let label = if def.with(|w| w.as_ref().is_some_and(|w| w.entity == WidgetEntity::Vulnerability)) {
                            "Open the images"
                        } else {
                            "Open as list"
                        };
                        view! {
                            <button type="button" role="menuitem" data-testid="widget-open-list"
                                on:click=move |_| { menu_open.set(false); nav.push(&href); }>{label}</button>
                        }
                    })}
                    {editable.then(|| view! {
                        <button type="button" role="menuitem" data-testid="widget-edit"
                            on:click=move |_| { menu_open.set(false); board.editing.set(Some(Some(id_edit.clone()))); }>"Edit"</button>
                        <button type="button" role="menuitem" data-testid="widget-duplicate"
                            on:click=move |_| { menu_open.set(false); duplicate(board, &id_dup); }>"Duplicate"</button>
                        <button type="button" role="menuitem" class="danger" data-testid="widget-remove"
                            on:click=move |_| { menu_open.set(false); remove(board, &id_rm); }>"Remove"</button>
                    })}
                </div>
            }
        })
    };

    let start_move = start.clone();
    let start_resize = start;
    let (on_move2, on_up2) = (on_move.clone(), on_up.clone());
    view! {
        <section
            class="widget"
            class:dragging=dragging
            class:lifted=lifted
            style=style
            data-testid="widget"
            data-widget=id.clone()
            aria-label=title
        >
            <header
                class="widget-head"
                class:movable=move || board.editable.get()
                on:pointerdown=move |ev| {
                    // Buttons in the header (menu, handle) keep their own clicks.
                    let on_button = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("button, a").ok().flatten())
                        .is_some();
                    if !on_button { start_move(ev, false) }
                }
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=cancel
            >
                <button type="button" class="widget-handle" data-testid="widget-handle"
                    hidden=move || !board.editable.get()
                    aria-label=move || format!("Move or resize {}", title())
                    aria-describedby="dash-keyboard-help"
                    on:keydown=on_key
                    on:blur=on_blur
                >
                    <svg viewBox="0 0 10 16" aria-hidden="true"><circle cx="2" cy="3" r="1.4"/><circle cx="8" cy="3" r="1.4"/><circle cx="2" cy="8" r="1.4"/><circle cx="8" cy="8" r="1.4"/><circle cx="2" cy="13" r="1.4"/><circle cx="8" cy="13" r="1.4"/></svg>
                </button>
                <h2 class="widget-title" title=title>{title}</h2>
                <div class="dmenu-wrap" node_ref=menu_wrap>
                    <button type="button" class="btn btn-ghost btn-icon" data-testid="widget-menu-button"
                        aria-haspopup="menu" aria-expanded=move || menu_open.get().to_string()
                        aria-label=move || format!("Actions for {}", title())
                        on:click=move |_| menu_open.update(|o| *o = !*o)
                    >"⋯"</button>
                    {menu}
                </div>
            </header>
            <div class="widget-body">
                {move || def.get().map(|w| body(w, refresh))}
            </div>
            <div class="widget-resize" data-testid="widget-resize" aria-hidden="true"
                hidden=move || !board.editable.get()
                on:pointerdown=move |ev| start_resize(ev, true)
                on:pointermove=on_move2
                on:pointerup=on_up2
                on:pointercancel=cancel
            ></div>
        </section>
    }
}

thread_local! {
    /// Where the pointer went down (one drag at a time; wasm has one thread).
    static START: std::cell::Cell<(f64, f64)> = const { std::cell::Cell::new((0.0, 0.0)) };
}

fn duplicate(board: Board, id: &str) {
    board.change(|d| {
        let Some(w) = d.widgets.iter().find(|w| w.id == id).cloned() else {
            return;
        };
        let taken: Vec<&str> = d.widgets.iter().map(|w| w.id.as_str()).collect();
        let new_id = shipshape_model::dashboard::templates::fresh_id(&w.id, &taken);
        let layouts: Vec<Layout> = d.widgets.iter().map(|w| w.layout).collect();
        let at = grid::place_new(&layouts, w.layout.w, w.layout.h);
        d.widgets.push(Widget {
            id: new_id,
            title: format!("{} (copy)", w.title)
                .chars()
                .take(shipshape_model::dashboard::MAX_NAME)
                .collect(),
            layout: Layout {
                x: at.x,
                y: at.y,
                ..w.layout
            },
            ..w
        });
    });
    board.live.set("Widget duplicated.".into());
}

fn remove(board: Board, id: &str) {
    let title = board.title_untracked(id);
    board.change(|d| {
        d.widgets.retain(|w| w.id != id);
        let layouts: Vec<Layout> = d.widgets.iter().map(|w| w.layout).collect();
        for (w, l) in d.widgets.iter_mut().zip(grid::compact(&layouts, None)) {
            w.layout = l;
        }
    });
    board.live.set(format!("Removed {title}."));
}

/// The body: sends the widget's requests (again on refresh) and draws the answers.
pub(super) fn body(w: Widget, refresh: RwSignal<u32>) -> AnyView {
    let specs = requests_of(&w);
    let first = specs[0].clone();
    let loader = load(
        move || {
            refresh.track();
            first.clone()
        },
        |s| Ok::<_, String>(s.to_string()),
    );
    let second = specs.get(1).cloned().map(|spec| {
        load(
            move || {
                refresh.track();
                spec.clone()
            },
            |s| Ok::<_, String>(s.to_string()),
        )
    });
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

/// A list's `count`, or an aggregate's `total` (how findings are counted).
fn count_of(body: &str) -> Result<u64, String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("count").or_else(|| v.get("total"))?.as_u64())
        .ok_or_else(|| "Unexpected answer from the server: no count.".to_string())
}

fn noun(w: &Widget) -> &'static str {
    w.entity.noun()
}

fn draw_body(w: &Widget, a: &str, b: Option<&str>) -> Result<AnyView, String> {
    let noun = noun(w);
    Ok(match w.kind {
        WidgetKind::Count => {
            let n = count_of(a)?;
            let href = list_href(w, &w.query);
            let change = b.and_then(|b| change_since(n, b));
            view! {
                <a class="big-number" href=href data-testid="widget-count">
                    <span class="big">{crate::format::thousands(n)}</span>
                    <span class="muted">{noun}</span>
                    {change.map(|c| view! { <span class="count-change muted" data-testid="widget-change">{c}</span> })}
                </a>
            }
            .into_any()
        }
        WidgetKind::Ratio => {
            let part = count_of(a)?;
            let whole = count_of(b.unwrap_or("{}"))?;
            let pct = if whole == 0 {
                "—".to_string()
            } else {
                format!("{:.1}%", part as f64 * 100.0 / whole as f64)
            };
            let href = list_href(w, &w.query);
            view! {
                <a class="big-number" href=href data-testid="widget-ratio">
                    <span class="big">{pct}</span>
                    <span class="muted">{format!("{} of {} {noun}", crate::format::thousands(part), crate::format::thousands(whole))}</span>
                </a>
            }
            .into_any()
        }
        WidgetKind::Bar | WidgetKind::Pie => groups_view(w, a)?,
        WidgetKind::Table => table_view(w, a)?,
        WidgetKind::Trend => trend_view(w, a)?,
    })
}

/// "▲ 1,204 (+3.1%) since 2026-11-25": `now` against the oldest count recorded before today in
/// the trend answer `body` (the answer's first day is `CHANGE_DAYS` ago). `None` before a
/// second day is recorded.
fn change_since(now: u64, body: &str) -> Option<String> {
    let t: shipshape_model::TrendResponse = serde_json::from_str(body).ok()?;
    let today = t.points.iter().map(|p| p.day.as_str()).max()?;
    let then = t
        .points
        .iter()
        .filter(|p| p.day.as_str() < today)
        .min_by(|a, b| a.day.cmp(&b.day))?;
    let diff = now as i64 - then.count as i64;
    let arrow = match diff.signum() {
        1 => "▲",
        -1 => "▼",
        _ => "=",
    };
    let pct = if then.count == 0 {
        String::new()
    } else {
        format!(" ({:+.1}%)", diff as f64 * 100.0 / then.count as f64)
    };
    let sign = if diff > 0 {
        "+"
    } else if diff < 0 {
        "−"
    } else {
        ""
    };
    Some(format!(
        "{arrow} {sign}{}{pct} since {}",
        crate::format::thousands(diff.unsigned_abs()),
        then.day
    ))
}

fn severity_name(key: &str) -> Option<String> {
    let n: u8 = key.parse().ok()?;
    (1..=5)
        .contains(&n)
        .then(|| format!("{n} · {}", shipshape_model::severity::severity_label(n)))
}

fn groups_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let answer: AggregateResponse = serde_json::from_str(body)
        .map_err(|e| format!("Unexpected answer from the server: {e}"))?;
    let token = w.group_by.clone().unwrap_or_default();
    let severity = token == "vulnerabilities.severity";
    let mut answer = answer;
    if severity {
        // Most severe first, as everywhere else in the console.
        answer.groups.sort_by(|a, b| b.key.cmp(&a.key));
    }
    let data: Vec<Datum> = answer
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| Datum {
            label: if severity {
                severity_name(&g.key).unwrap_or_else(|| g.key.clone())
            } else {
                g.key.clone()
            },
            count: g.count,
            color: if severity {
                format!("--sev{}", g.key)
            } else {
                format!("--chart{}", i % 8 + 1)
            },
            at: 0.0,
        })
        .collect();
    if data.is_empty() {
        return Ok(view! {
            <div class="widget-empty" data-testid="widget-empty">
                {format!("No {} match.", noun(w))}
            </div>
        }
        .into_any());
    }
    let hrefs: Vec<Option<String>> = answer
        .groups
        .iter()
        .map(|g| list_href(w, &group_filter(w.entity.qql(), &w.query, &token, &g.key)))
        .collect();
    let nav = use_navigator();
    let hrefs_pick = hrefs.clone();
    let on_pick = Callback::new(move |i: usize| {
        if let Some(Some(h)) = hrefs_pick.get(i) {
            nav.push(h);
        }
    });
    let board = expect_context::<Board>();
    let id = w.id.clone();
    let size = Signal::derive(move || board.layout_of(&id).map(|l| (l.w, l.h)).unwrap_or_default());
    let shape = if w.kind == WidgetKind::Pie {
        Shape::Donut
    } else {
        Shape::Bars
    };
    let noun = noun(w);
    let total = answer.total;
    let items = data
        .iter()
        .zip(&hrefs)
        .map(|(d, h)| {
            let swatch = format!("background:var({})", d.color);
            view! {
                <li>
                    <a href=h.clone() data-testid="group-link">
                        <span class="swatch" style=swatch></span>
                        <span class="legend-label">{d.label.clone()}</span>
                        <span class="legend-count">{crate::format::thousands(d.count)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let summary = format!(
        "{} of {} {noun}: {}",
        if shape == Shape::Donut {
            "Donut chart"
        } else {
            "Bar chart"
        },
        crate::format::thousands(total),
        data.iter()
            .map(|d| format!("{} {}", d.label, d.count))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let legend_class = if shape == Shape::Donut {
        "legend"
    } else {
        "legend sr-only"
    };
    let data = Signal::derive(move || data.clone());
    Ok(view! {
        <div class=if shape == Shape::Donut { "groups donut" } else { "groups bars" } role="figure" aria-label=summary>
            <Chart data=data shape=shape redraw=size noun=noun on_pick=on_pick />
            <ul class=legend_class data-testid="legend">{items}</ul>
        </div>
    }
    .into_any())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn trend_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let answer: shipshape_model::TrendResponse = serde_json::from_str(body)
        .map_err(|e| format!("Unexpected answer from the server: {e}"))?;
    let today = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    let days = i64::from(answer.days.max(1));
    let first_day = today - days + 1;
    let span = (days - 1).max(1) as f64;
    let data: Vec<Datum> = answer
        .points
        .iter()
        .filter_map(|p| {
            let n = day_number(&p.day)?;
            Some(Datum {
                label: p.day.clone(),
                count: p.count,
                color: "--chart1".into(),
                at: if days == 1 {
                    1.0
                } else {
                    (n - first_day) as f64 / span
                },
            })
        })
        .collect();
    let noun = noun(w);
    let latest = data.last().map(|d| d.count).unwrap_or(0);
    let recorded = data.len();
    let created = answer.series == TrendSeries::Created;
    let points = data
        .iter()
        .map(|d| format!("{} {}", d.label, d.count))
        .collect::<Vec<_>>()
        .join(", ");
    let summary = if created {
        format!("Line chart of {noun} created per day over {days} days: {points}")
    } else {
        format!("Line chart of {noun} per day over {days} days; {recorded} days recorded: {points}")
    };
    let board = expect_context::<Board>();
    let id = w.id.clone();
    let size = Signal::derive(move || board.layout_of(&id).map(|l| (l.w, l.h)).unwrap_or_default());
    let href = list_href(w, &w.query);
    let nav = use_navigator();
    let on_pick = Callback::new(move |_| {
        if let Some(h) = &href {
            nav.push(h);
        }
    });
    let note = if created {
        let total: u64 = data.iter().map(|d| d.count).sum();
        format!(
            "{} created in {days} days, from their creation dates (rows deleted since are not counted).",
            crate::format::thousands(total)
        )
    } else if recorded < days as usize {
        format!(
            "{recorded} of {days} days recorded: a point is taken each day from the first time this trend is counted."
        )
    } else {
        String::new()
    };
    let data = Signal::derive(move || data.clone());
    Ok(view! {
        <div class="groups trend" role="figure" aria-label=summary data-testid="widget-trend">
            <div class="trend-head">
                <span class="trend-now">{crate::format::thousands(latest)}</span>
                <span class="muted">{if created { format!("{noun} created today") } else { format!("{noun} today") }}</span>
            </div>
            <Chart data=data shape=Shape::Line redraw=size noun=noun on_pick=on_pick />
            <p class="trend-note muted">{note}</p>
        </div>
    }
    .into_any())
}

/// A dotted token's values in a JSON row (`repo.tag` → every `repo[].tag`), joined.
fn cell_text(row: &serde_json::Value, token: &str) -> Vec<serde_json::Value> {
    let mut values = vec![row.clone()];
    for part in token.split('.') {
        values = values
            .into_iter()
            .flat_map(|v| match v {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            })
            .filter_map(|v| v.get(part).cloned())
            .collect();
    }
    values
        .into_iter()
        .flat_map(|v| match v {
            serde_json::Value::Array(a) => a,
            other => vec![other],
        })
        .filter(|v| !v.is_null())
        .collect()
}

fn column_label(token: &str) -> String {
    let last = token.rsplit('.').next().unwrap_or(token);
    let mut out = String::new();
    for (i, c) in last.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn table_view(w: &Widget, body: &str) -> Result<AnyView, String> {
    let v: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("Unexpected answer from the server: {e}"))?;
    let rows = v
        .get("data")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    let columns = w.columns.clone().unwrap_or_default();
    let entity = w.entity.qql();
    if rows.is_empty() {
        return Ok(view! {
            <div class="widget-empty" data-testid="widget-empty">{format!("No {} match.", noun(w))}</div>
        }
        .into_any());
    }
    let key_field = if w.entity == shipshape_model::WidgetEntity::Sensor {
        "uuid"
    } else {
        "sha"
    };
    let plural = w.entity.plural();
    let head = columns
        .iter()
        .map(|c| view! { <th scope="col">{column_label(c)}</th> })
        .collect_view();
    let nav = use_navigator();
    let body_rows = rows
        .iter()
        .map(|row| {
            let key = row.get(key_field).and_then(|k| k.as_str()).unwrap_or("");
            let href = format!("/{plural}/{}", url_value(key));
            let cells = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let values = cell_text(row, c);
                    let date = matches!(
                        shipshape_qql::lookup(entity, c).map(|t| t.ty),
                        Some(shipshape_qql::TokenType::Date)
                    );
                    let content = if date {
                        // Epoch milliseconds, as a number or as the API's string form.
                        let ms = values.first().and_then(|v| {
                            v.as_i64()
                                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                        });
                        view! { <RelTime ms=ms /> }.into_any()
                    } else {
                        let mut seen = Vec::new();
                        for v in &values {
                            let s = match v {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Number(n) => n
                                    .as_u64()
                                    .map(crate::format::thousands)
                                    .unwrap_or_else(|| n.to_string()),
                                other => other.to_string(),
                            };
                            if !seen.contains(&s) {
                                seen.push(s);
                            }
                        }
                        let text = if seen.is_empty() {
                            "—".to_string()
                        } else {
                            seen.join(", ")
                        };
                        text.into_any()
                    };
                    if i == 0 {
                        view! { <td><a href=href.clone()>{content}</a></td> }.into_any()
                    } else {
                        view! { <td>{content}</td> }.into_any()
                    }
                })
                .collect_view();
            let go = href.clone();
            view! {
                <tr class="clickable" on:click=move |ev| {
                    let on_link = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("a").ok().flatten())
                        .is_some();
                    if !on_link { nav.push(&go) }
                }>{cells}</tr>
            }
        })
        .collect_view();
    Ok(view! {
        <div class="widget-table-wrap">
            <table class="widget-table" data-testid="widget-table">
                <thead><tr>{head}</tr></thead>
                <tbody>{body_rows}</tbody>
            </table>
        </div>
    }
    .into_any())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_tokens_reach_into_lists() {
        let row =
            serde_json::json!({"repo": [{"tag": "1"}, {"tag": "2"}, {"tag": null}], "size": 5});
        assert_eq!(
            cell_text(&row, "repo.tag"),
            vec![serde_json::json!("1"), serde_json::json!("2")]
        );
        assert_eq!(cell_text(&row, "size"), vec![serde_json::json!(5)]);
        assert!(cell_text(&row, "nope.x").is_empty());
        assert_eq!(
            column_label("associatedContainersCount"),
            "Associated containers count"
        );
    }
}
