//! The grid the widgets sit on: tall enough for the lowest widget (and room to drag below it),
//! the placeholder where a moved widget will land, and the empty state of a dashboard with no
//! widgets.

use super::board::{place_style, Board, ROW};
use super::widget::WidgetCard;
use leptos::prelude::*;
use shipshape_model::grid::Layout;

/// Rows added below the lowest widget while one is dragged, so it can be dropped there.
const DRAG_ROOM: u32 = 4;

#[component]
pub fn Grid(board: Board) -> impl IntoView {
    let height = move || {
        let stored = board.doc.with(|d| {
            d.as_ref()
                .map(|d| lowest_row(d.widgets.iter().map(|w| &w.layout)))
                .unwrap_or(0)
        });
        let previewed = board
            .preview
            .with(|p| p.as_ref().map(|p| lowest_row(p.iter())))
            .unwrap_or(0);
        let dragging = board.drag.with(Option::is_some);
        format!(
            "height:{}px",
            f64::from(grid_rows(stored, previewed, dragging)) * ROW
        )
    };
    let placeholder = move || {
        let id = board
            .drag
            .with(|d| d.as_ref().map(|d| d.id.clone()))
            .or_else(|| board.lifted.get())?;
        let l = board.layout_of(&id)?;
        Some(
            view! { <div class="widget-placeholder" data-testid="placeholder" style=place_style(&l)></div> },
        )
    };
    let ids = move || {
        board.doc.with(|d| {
            d.as_ref()
                .map(|d| d.widgets.iter().map(|w| w.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let empty = move || {
        board.doc.with(|d| d.as_ref().is_some_and(|d| d.widgets.is_empty())).then(|| view! {
            <div class="card dash-empty" data-testid="dashboard-empty">
                <p>"This dashboard has no widgets yet."</p>
                <button type="button" class="btn btn-primary" on:click=move |_| board.editing.set(Some(None))>"Add a widget"</button>
            </div>
        })
    };
    view! {
        {empty}
        <div class="dash-grid" class:dash-dragging=move || board.drag.with(Option::is_some)
            node_ref=board.grid style=height data-testid="dash-grid">
            {placeholder}
            <For each=ids key=|id| id.clone() let:id>
                <WidgetCard id=id />
            </For>
        </div>
    }
}

/// The row below the lowest of `layouts` (0 for none).
fn lowest_row<'a>(layouts: impl Iterator<Item = &'a Layout>) -> u32 {
    layouts.map(Layout::bottom).max().unwrap_or(0)
}

/// How many rows tall the grid is: down to the lowest widget as stored or as previewed, with
/// room below while a widget is dragged.
fn grid_rows(stored: u32, previewed: u32, dragging: bool) -> u32 {
    stored.max(previewed) + if dragging { DRAG_ROOM } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_reaches_the_lowest_widget_stored_or_previewed() {
        let layouts = [Layout::new(0, 0, 12, 4), Layout::new(12, 2, 12, 7)];
        assert_eq!(lowest_row(layouts.iter()), 9);
        assert_eq!(lowest_row([].iter()), 0);
        assert_eq!(grid_rows(9, 0, false), 9);
        // A drag previews a widget lower down: the grid grows to it, and room to go further.
        assert_eq!(grid_rows(9, 12, true), 16);
        assert_eq!(grid_rows(9, 5, true), 13);
    }
}
