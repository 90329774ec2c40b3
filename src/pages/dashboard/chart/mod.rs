//! Bar, donut and line charts drawn with plotters on a canvas: sized in device pixels (sharp on
//! high-DPI screens), redrawn when the widget is resized, the window changes or the theme
//! flips, with a tooltip on hover and a click that opens the list behind a bar, slice or point.
//! Colours come from the theme's CSS custom properties, so charts follow light and dark.
//!
//! `draw` sizes the canvas and draws a donut, `bars` and `line` the other shapes; `hit` keeps
//! where each datum landed and finds the one under the pointer.

mod bars;
mod draw;
mod hit;
mod line;

use crate::theme::use_theme;
use draw::draw;
use hit::{locate, Geometry, Hit};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One bar or slice.
#[derive(Clone, Debug, PartialEq)]
pub struct Datum {
    pub label: String,
    pub count: u64,
    /// A CSS custom property holding the colour (`--sev5`, `--chart3`).
    pub color: String,
    /// Lines only: where along the x axis, from 0 (left) to 1 (right).
    pub at: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Bars,
    Donut,
    Line,
}

/// The chart; `redraw` changes whenever the widget's size does. `on_pick` gets the index of a
/// clicked bar or slice.
#[component]
pub fn Chart(
    #[prop(into)] data: Signal<Vec<Datum>>,
    shape: Shape,
    #[prop(into)] redraw: Signal<(u32, u32)>,
    /// Counted noun for the tooltip ("images").
    noun: &'static str,
    on_pick: Callback<usize>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let theme = use_theme();
    let hits = StoredValue::new(Vec::<Hit>::new());
    let geometry = StoredValue::new(None::<Geometry>);
    let tip = RwSignal::new(None::<(usize, f64, f64)>);
    let window_size = RwSignal::new(0u32);

    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        window_size.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || on_resize.remove());

    Effect::new(move |_| {
        theme.track();
        window_size.track();
        redraw.track();
        let Some(el) = canvas.get() else { return };
        // After layout, so the canvas has its new size.
        let data = data.get();
        request_frame(move || {
            let (h, g) = draw(&el, &data, shape);
            hits.set_value(h);
            geometry.set_value(g);
        });
    });

    let under_pointer = move |ev: &web_sys::PointerEvent| -> Option<usize> {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        hits.with_value(|hits| locate(shape, hits, geometry.get_value(), x, y))
    };

    let tooltip = move || {
        let (i, x, y) = tip.get()?;
        let d = data.with(|d| d.get(i).cloned())?;
        let total: u64 = data.with(|d| d.iter().map(|d| d.count).sum());
        let pct = if total == 0 {
            0.0
        } else {
            d.count as f64 * 100.0 / total as f64
        };
        Some(view! {
            <div class="chart-tip" role="tooltip" data-testid="chart-tip"
                style=format!("left:{:.0}px;top:{:.0}px", x + 12.0, y + 12.0)>
                <b>{d.label}</b>
                <span>{format!("{} {noun} · {pct:.1}%", crate::format::thousands(d.count))}</span>
            </div>
        })
    };

    view! {
        <div class="chart-box">
            <canvas
                node_ref=canvas
                class="chart"
                aria-hidden="true"
                class:clickable=move || tip.get().is_some()
                on:pointermove=move |ev| {
                    let at = under_pointer(&ev).map(|i| (i, f64::from(ev.offset_x()), f64::from(ev.offset_y())));
                    tip.set(at);
                }
                on:pointerleave=move |_| tip.set(None)
                on:click=move |ev| {
                    let ev: web_sys::PointerEvent = ev.unchecked_into();
                    if let Some(i) = under_pointer(&ev) {
                        on_pick.run(i);
                    }
                }
            ></canvas>
            {tooltip}
        </div>
    }
}

fn request_frame(f: impl FnOnce() + 'static) {
    let cb = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}
