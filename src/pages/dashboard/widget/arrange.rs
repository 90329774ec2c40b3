//! Moving and resizing a widget on the grid: with the pointer (drag the header, pull the corner)
//! and with the keyboard (the handle lifts it, arrows move, Shift and arrows resize, Enter drops,
//! Escape cancels). Both preview the new layout on the board and commit it on the drop; the live
//! region says what happened. The grid arithmetic is pure and tested below.

use crate::pages::dashboard::board::{describe, place_style, Board, Drag, GAP, ROW};
use leptos::prelude::*;
use shipshape_model::grid::{self, Layout, COLUMNS};
use wasm_bindgen::JsCast;

/// The arranging of one widget; copied into each of its handlers.
#[derive(Clone, Copy)]
pub struct Arranger {
    board: Board,
    id: StoredValue<String>,
}

impl Arranger {
    pub fn new(board: Board, id: String) -> Self {
        Self {
            board,
            id: StoredValue::new(id),
        }
    }

    fn id(&self) -> String {
        self.id.get_value()
    }

    /// The widget's CSS place (reactive): where it lands, or under the pointer while dragged.
    pub fn style(&self) -> String {
        let id = self.id();
        let board = self.board;
        match board.drag.get().filter(|d| d.id == id) {
            Some(d) if !d.resize => {
                let at = board.layout_of(&id).unwrap_or(d.from);
                drag_style(at, &d, board.column_px())
            }
            Some(d) => resize_style(&d),
            None => board
                .layout_of(&id)
                .map(|l| place_style(&l))
                .unwrap_or_default(),
        }
    }

    /// Whether the pointer is dragging this widget (reactive).
    pub fn dragging(&self) -> bool {
        let id = self.id();
        self.board
            .drag
            .with(|d| d.as_ref().is_some_and(|d| d.id == id))
    }

    /// Whether the keyboard has picked this widget up (reactive).
    pub fn lifted(&self) -> bool {
        let id = self.id();
        self.board
            .lifted
            .with(|l| l.as_deref() == Some(id.as_str()))
    }

    /// A primary-button press on the header (`resize`: on the corner) starts a drag.
    pub fn pointer_down(&self, ev: web_sys::PointerEvent, resize: bool) {
        let board = self.board;
        if !board.editable.get_untracked() || ev.button() != 0 {
            return;
        }
        let id = self.id();
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
            id,
            resize,
            pointer: (f64::from(ev.client_x()), f64::from(ev.client_y())),
            dx: 0.0,
            dy: 0.0,
            from,
        }));
    }

    /// The pointer moved: the widget follows it, the others make room in the preview.
    pub fn pointer_move(&self, ev: web_sys::PointerEvent) {
        let board = self.board;
        let id = self.id();
        let Some(d) = board.drag.get_untracked().filter(|d| d.id == id) else {
            return;
        };
        let dx = f64::from(ev.client_x()) - d.pointer.0;
        let dy = f64::from(ev.client_y()) - d.pointer.1;
        let cols = (dx / board.column_px()).round() as i64;
        let rows = (dy / ROW).round() as i64;
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

    /// The pointer let go: the previewed layout becomes the dashboard's.
    pub fn pointer_up(&self) {
        let board = self.board;
        let id = self.id();
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

    /// The browser took the pointer away: nothing changes.
    pub fn pointer_cancel(&self) {
        self.board.drag.set(None);
        self.board.preview.set(None);
    }

    /// A key on the widget's handle.
    pub fn key(&self, ev: web_sys::KeyboardEvent) {
        let board = self.board;
        if !board.editable.get_untracked() {
            return;
        }
        let id = self.id();
        let title = board.title_untracked(&id);
        let key = ev.key();
        let Some(i) = board.index_untracked(&id) else {
            return;
        };
        let place_now = || {
            board
                .layout_of(&id)
                .map(|l| describe(&l))
                .unwrap_or_default()
        };
        if board.lifted.get_untracked().as_deref() != Some(id.as_str()) {
            if key == "Enter" || key == " " {
                ev.prevent_default();
                board.lifted.set(Some(id.clone()));
                board.preview.set(Some(board.layouts_untracked()));
                board.live.set(format!(
                    "Picked up {title} at {}. Arrow keys move it, Shift and arrow keys resize it, Enter drops it, Escape cancels.",
                    place_now()
                ));
            }
            return;
        }
        let current = board
            .preview
            .get_untracked()
            .unwrap_or_else(|| board.layouts_untracked());
        if let Some((dx, dy)) = arrow(&key) {
            ev.prevent_default();
            let resize = ev.shift_key();
            let next = keyboard_step(&current, i, dx, dy, resize);
            let (before, after) = (current[i], next[i]);
            let message = if after == before {
                format!(
                    "{title} cannot go further that way; it stays at {}.",
                    describe(&after)
                )
            } else {
                let verb = if resize { "Resized" } else { "Moved" };
                format!("{verb} {title} to {}.", describe(&after))
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
                board
                    .live
                    .set(format!("Dropped {title} at {}.", place_now()));
            }
            "Escape" => {
                ev.prevent_default();
                board.lifted.set(None);
                board.preview.set(None);
                board
                    .live
                    .set(format!("Cancelled. {title} is back at {}.", place_now()));
            }
            _ => {}
        }
    }

    /// Focus left the handle of a lifted widget: the move is cancelled.
    pub fn blur(&self) {
        let board = self.board;
        let id = self.id();
        if board.lifted.get_untracked().as_deref() == Some(id.as_str()) {
            board.lifted.set(None);
            board.preview.set(None);
            board.live.set(format!(
                "Cancelled. {} is back in its place.",
                board.title_untracked(&id)
            ));
        }
    }
}

/// The step an arrow key asks for, in columns and rows.
fn arrow(key: &str) -> Option<(i64, i64)> {
    match key {
        "ArrowLeft" => Some((-1, 0)),
        "ArrowRight" => Some((1, 0)),
        "ArrowUp" => Some((0, -1)),
        "ArrowDown" => Some((0, 1)),
        _ => None,
    }
}

/// `current` after one arrow-key step of widget `i`: resized by (`dx`, `dy`) cells, or moved.
/// Compaction pulls a widget moved one row down straight back up while the widget below is in
/// the way, so a step down goes on down until it lands past that widget (or past the bottom,
/// where it stays put).
fn keyboard_step(current: &[Layout], i: usize, dx: i64, dy: i64, resize: bool) -> Vec<Layout> {
    let l = current[i];
    if resize {
        return grid::resize_to(current, i, i64::from(l.w) + dx, i64::from(l.h) + dy);
    }
    let bottom = current.iter().map(Layout::bottom).max().unwrap_or(0);
    let mut n = 1;
    loop {
        let next = grid::move_to(current, i, i64::from(l.x) + dx * n, i64::from(l.y) + dy * n);
        if dy <= 0 || next[i] != l || i64::from(l.y) + dy * n > i64::from(bottom) {
            return next;
        }
        n += 1;
    }
}

/// A widget dragged by the pointer: placed where it will land (`at`) and translated back under
/// the pointer, so that on the drop only the translation settles (no jump back to where the
/// drag began). `column` is the width of a column and its gap, in CSS pixels.
fn drag_style(at: Layout, d: &Drag, column: f64) -> String {
    let rest_x = d.dx - (f64::from(at.x) - f64::from(d.from.x)) * column;
    let rest_y = d.dy - (f64::from(at.y) - f64::from(d.from.y)) * ROW;
    format!(
        "{};transform:translate({rest_x}px,{rest_y}px)",
        place_style(&at)
    )
}

/// A widget resized by the pointer: its place when the drag began, grown by what the pointer
/// moved (never shorter than 40 pixels).
fn resize_style(d: &Drag) -> String {
    let l = d.from;
    format!(
        "{};width:calc({} * (100% + {GAP}px) / {COLUMNS} - {GAP}px + {}px);height:{}px",
        place_style(&l),
        l.w,
        d.dx,
        (f64::from(l.h) * ROW - GAP + d.dy).max(40.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drag(resize: bool, from: Layout, dx: f64, dy: f64) -> Drag {
        Drag {
            id: "w".into(),
            resize,
            pointer: (500.0, 300.0),
            dx,
            dy,
            from,
        }
    }

    #[test]
    fn a_step_down_passes_the_widget_below() {
        let current = [Layout::new(0, 0, 6, 4), Layout::new(0, 4, 6, 4)];
        assert_eq!(
            keyboard_step(&current, 0, 0, 1, false),
            [Layout::new(0, 4, 6, 4), Layout::new(0, 0, 6, 4)]
        );
        // The lowest widget has nowhere to go down.
        assert_eq!(keyboard_step(&current[..1], 0, 0, 1, false), current[..1]);
    }

    #[test]
    fn sideways_steps_move_one_column_within_the_grid() {
        let current = [Layout::new(0, 0, 6, 4), Layout::new(18, 0, 6, 4)];
        assert_eq!(
            keyboard_step(&current, 0, 1, 0, false)[0],
            Layout::new(1, 0, 6, 4)
        );
        assert_eq!(keyboard_step(&current, 0, -1, 0, false), current);
        assert_eq!(keyboard_step(&current, 1, 1, 0, false), current);
    }

    #[test]
    fn shift_steps_resize_down_to_the_minimum() {
        let current = [Layout::new(0, 0, 6, 4).with_min(6, 3)];
        assert_eq!(
            keyboard_step(&current, 0, 1, 0, true)[0],
            Layout::new(0, 0, 7, 4).with_min(6, 3)
        );
        assert_eq!(
            keyboard_step(&current, 0, 0, -1, true)[0],
            Layout::new(0, 0, 6, 3).with_min(6, 3)
        );
        assert_eq!(keyboard_step(&current, 0, -1, 0, true), current);
    }

    #[test]
    fn arrows_name_their_direction() {
        assert_eq!(arrow("ArrowLeft"), Some((-1, 0)));
        assert_eq!(arrow("ArrowRight"), Some((1, 0)));
        assert_eq!(arrow("ArrowUp"), Some((0, -1)));
        assert_eq!(arrow("ArrowDown"), Some((0, 1)));
        assert_eq!(arrow("Enter"), None);
    }

    #[test]
    fn a_dragged_widget_sits_where_it_lands_translated_to_the_pointer() {
        let d = drag(false, Layout::new(0, 0, 6, 4), 250.0, 50.0);
        assert_eq!(
            drag_style(Layout::new(2, 1, 6, 4), &d, 100.0),
            format!(
                "{};transform:translate(50px,6px)",
                place_style(&Layout::new(2, 1, 6, 4))
            )
        );
    }

    #[test]
    fn a_resized_widget_grows_with_the_pointer_but_keeps_a_height() {
        let from = Layout::new(1, 2, 6, 4);
        assert_eq!(
            resize_style(&drag(true, from, 30.0, 10.0)),
            format!(
                "{};width:calc(6 * (100% + 12px) / 24 - 12px + 30px);height:174px",
                place_style(&from)
            )
        );
        assert!(resize_style(&drag(true, from, 0.0, -500.0)).ends_with(";height:40px"));
    }
}
