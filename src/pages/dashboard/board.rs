//! The open dashboard as the page edits it: the document, the layout being previewed during a
//! drag, the live-region text, and the change counter the saver watches. Widgets and the grid
//! share it through context.

use super::edits;
use leptos::html::Div;
use leptos::prelude::*;
use shipshape_model::grid::Layout;
use shipshape_model::{Dashboard, RequestSpec};

/// Height of one grid row in CSS pixels, and the gap between widgets (inside that height).
pub const ROW: f64 = 44.0;
pub const GAP: f64 = 12.0;

/// A pointer drag under way: which widget, what it does, and how far the pointer has gone.
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub id: String,
    pub resize: bool,
    /// Where the pointer went down, in client pixels.
    pub pointer: (f64, f64),
    pub dx: f64,
    pub dy: f64,
    /// The widget's place when the drag began.
    pub from: Layout,
}

#[derive(Clone, Copy)]
pub struct Board {
    pub doc: RwSignal<Option<Dashboard>>,
    /// Every widget's place while a move or resize is being tried (in widget order).
    pub preview: RwSignal<Option<Vec<Layout>>>,
    pub drag: RwSignal<Option<Drag>>,
    /// The widget picked up with the keyboard.
    pub lifted: RwSignal<Option<String>>,
    pub editable: RwSignal<bool>,
    /// What the live region announces.
    pub live: RwSignal<String>,
    /// Bumped by every change to the document; the saver saves until it has caught up.
    pub changes: RwSignal<u64>,
    /// The "API request" dialog: its title and the requests behind a widget.
    pub api_view: RwSignal<Option<(String, Vec<RequestSpec>)>>,
    /// The widget being edited in the library (`None`: adding a new one).
    pub editing: RwSignal<Option<Option<String>>>,
    pub grid: NodeRef<Div>,
}

impl Board {
    pub fn new() -> Self {
        Self {
            doc: RwSignal::new(None),
            preview: RwSignal::new(None),
            drag: RwSignal::new(None),
            lifted: RwSignal::new(None),
            editable: RwSignal::new(false),
            live: RwSignal::new(String::new()),
            changes: RwSignal::new(0),
            api_view: RwSignal::new(None),
            editing: RwSignal::new(None),
            grid: NodeRef::new(),
        }
    }

    /// The id of the open dashboard.
    pub fn open_id(&self) -> Option<String> {
        self.doc.with(|d| d.as_ref().map(|d| d.id.clone()))
    }

    pub fn open_id_untracked(&self) -> Option<String> {
        self.doc
            .with_untracked(|d| d.as_ref().map(|d| d.id.clone()))
    }

    /// The widgets' places as stored (in widget order).
    pub fn layouts_untracked(&self) -> Vec<Layout> {
        self.doc
            .with_untracked(|d| d.as_ref().map(edits::layouts).unwrap_or_default())
    }

    pub fn index_untracked(&self, id: &str) -> Option<usize> {
        self.doc
            .with_untracked(|d| d.as_ref()?.widgets.iter().position(|w| w.id == id))
    }

    /// Where widget `id` is drawn now: its previewed place during a drag, else its own.
    pub fn layout_of(&self, id: &str) -> Option<Layout> {
        let i = self
            .doc
            .with(|d| d.as_ref()?.widgets.iter().position(|w| w.id == id))?;
        self.preview
            .with(|p| p.as_ref().and_then(|p| p.get(i).copied()))
            .or_else(|| self.doc.with(|d| d.as_ref().map(|d| d.widgets[i].layout)))
    }

    /// Applies `f` to the document and marks it changed (the saver takes it from there).
    pub fn change(&self, f: impl FnOnce(&mut Dashboard)) {
        self.doc.update(|d| {
            if let Some(d) = d {
                f(d)
            }
        });
        self.changes.update(|n| *n += 1);
    }

    /// Makes `layouts` the widgets' places (a drop), if they differ from the stored ones.
    pub fn commit_layouts(&self, layouts: Vec<Layout>) {
        if layouts == self.layouts_untracked() {
            return;
        }
        self.change(|d| edits::set_layouts(d, layouts));
    }

    pub fn title_untracked(&self, id: &str) -> String {
        self.doc.with_untracked(|d| {
            d.as_ref()
                .and_then(|d| d.widgets.iter().find(|w| w.id == id))
                .map(|w| w.title.clone())
                .unwrap_or_default()
        })
    }

    /// The width of one column plus its gap, in CSS pixels.
    pub fn column_px(&self) -> f64 {
        let width = self
            .grid
            .get_untracked()
            .map(|g| f64::from(g.client_width()))
            .unwrap_or(1200.0);
        (width + GAP) / f64::from(shipshape_model::grid::COLUMNS)
    }
}

/// The CSS that places a widget (or the placeholder) at `l`.
pub fn place_style(l: &Layout) -> String {
    format!(
        "left:calc({x} * (100% + {GAP}px) / 24);width:calc({w} * (100% + {GAP}px) / 24 - {GAP}px);top:{top}px;height:{h}px",
        x = l.x,
        w = l.w,
        top = f64::from(l.y) * ROW,
        h = f64::from(l.h) * ROW - GAP,
    )
}

/// "column 3, row 2, 6 columns by 4 rows" (1-based, as people count).
pub fn describe(l: &Layout) -> String {
    format!(
        "column {}, row {}, {} columns by {} rows",
        l.x + 1,
        l.y + 1,
        l.w,
        l.h
    )
}

/// Closes a menu (`open`) when the pointer goes down outside `wrap` or Escape is pressed.
pub fn dismiss_outside(wrap: NodeRef<Div>, open: RwSignal<bool>) {
    use wasm_bindgen::JsCast;
    let down = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = match (
            wrap.get_untracked(),
            ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()),
        ) {
            (Some(w), Some(t)) => w.contains(Some(&t)),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    });
    let key = window_event_listener(leptos::ev::keydown, move |ev| {
        if open.get_untracked() && ev.key() == "Escape" {
            open.set(false);
        }
    });
    on_cleanup(move || {
        down.remove();
        key.remove();
    });
}
