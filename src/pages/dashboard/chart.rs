//! Bar and donut charts drawn with plotters on a canvas: sized in device pixels (sharp on
//! high-DPI screens), redrawn when the widget is resized, the window changes or the theme
//! flips, with a tooltip on hover and a click that opens the list behind a bar or slice.
//! Colours come from the theme's CSS custom properties, so charts follow light and dark.

use crate::theme::use_theme;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

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

/// Where a datum was drawn, in CSS pixels, for hover and click.
#[derive(Clone, Copy, Debug)]
enum Hit {
    Row { top: f64, bottom: f64 },
    Slice { from: f64, to: f64 },
    Column { left: f64, right: f64 },
}

#[derive(Clone, Copy)]
struct Geometry {
    cx: f64,
    cy: f64,
    inner: f64,
    outer: f64,
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

    let locate = move |ev: &web_sys::PointerEvent| -> Option<usize> {
        let x = f64::from(ev.offset_x());
        let y = f64::from(ev.offset_y());
        let hits = hits.get_value();
        match shape {
            Shape::Bars => hits
                .iter()
                .position(|h| matches!(h, Hit::Row { top, bottom } if y >= *top && y < *bottom)),
            Shape::Line => hits
                .iter()
                .position(|h| matches!(h, Hit::Column { left, right } if x >= *left && x < *right)),
            Shape::Donut => {
                let g = geometry.get_value()?;
                let (dx, dy) = (x - g.cx, y - g.cy);
                let r = (dx * dx + dy * dy).sqrt();
                if r < g.inner || r > g.outer {
                    return None;
                }
                // Angles clockwise from twelve o'clock, in [0, 1) turns.
                let turn = (dx.atan2(-dy) / std::f64::consts::TAU).rem_euclid(1.0);
                hits.iter().position(
                    |h| matches!(h, Hit::Slice { from, to } if turn >= *from && turn < *to),
                )
            }
        }
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
                    let at = locate(&ev).map(|i| (i, f64::from(ev.offset_x()), f64::from(ev.offset_y())));
                    tip.set(at);
                }
                on:pointerleave=move |_| tip.set(None)
                on:click=move |ev| {
                    let ev: web_sys::PointerEvent = ev.unchecked_into();
                    if let Some(i) = locate(&ev) {
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

/// A theme colour by custom property name, as RGB.
fn css_color(name: &str) -> RGBColor {
    let value = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|s| s.get_property_value(name).ok())
        .unwrap_or_default();
    parse_hex(value.trim()).unwrap_or(RGBColor(128, 128, 128))
}

fn parse_hex(s: &str) -> Option<RGBColor> {
    let h = s.strip_prefix('#')?;
    let n = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    match h.len() {
        6 => Some(RGBColor(n(0)?, n(2)?, n(4)?)),
        3 => {
            let d = |i: usize| {
                u8::from_str_radix(h.get(i..i + 1)?, 16)
                    .ok()
                    .map(|v| v * 17)
            };
            Some(RGBColor(d(0)?, d(1)?, d(2)?))
        }
        _ => None,
    }
}

const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

/// Draws `data` on `el` at the device's pixel ratio; returns the hit regions in CSS pixels.
fn draw(el: &HtmlCanvasElement, data: &[Datum], shape: Shape) -> (Vec<Hit>, Option<Geometry>) {
    let css_w = f64::from(el.client_width().max(1));
    let css_h = f64::from(el.client_height().max(1));
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    el.set_width((css_w * dpr).round() as u32);
    el.set_height((css_h * dpr).round() as u32);
    let Some(backend) = CanvasBackend::with_canvas_object(el.clone()) else {
        return (Vec::new(), None);
    };
    let root = backend.into_drawing_area();
    let text = css_color("--text");
    let muted = css_color("--text-muted");
    let track = css_color("--surface-2");
    let _ = root.fill(&css_color("--surface"));
    let colors: Vec<RGBColor> = data.iter().map(|d| css_color(&d.color)).collect();
    let px = |v: f64| (v * dpr).round() as i32;
    let result = match shape {
        Shape::Bars => {
            let hits = draw_bars(
                &root,
                el,
                data,
                &colors,
                (css_w, css_h),
                dpr,
                text,
                muted,
                track,
            );
            (hits, None)
        }
        Shape::Line => {
            let hits = draw_line(&root, data, (css_w, css_h), dpr, text, muted, track);
            (hits, None)
        }
        Shape::Donut => {
            let outer = (css_w.min(css_h) / 2.0 - 4.0).max(8.0);
            let inner = outer * 0.62;
            let g = Geometry {
                cx: css_w / 2.0,
                cy: css_h / 2.0,
                inner,
                outer,
            };
            let total: u64 = data.iter().map(|d| d.count).sum();
            let mut hits = Vec::new();
            let mut from = 0.0f64;
            for (d, color) in data.iter().zip(&colors) {
                let share = if total == 0 {
                    0.0
                } else {
                    d.count as f64 / total as f64
                };
                let to = from + share;
                let steps = ((share * 120.0).ceil() as usize).max(2);
                let point = |turn: f64, r: f64| {
                    let a = turn * std::f64::consts::TAU;
                    (px(g.cx + r * a.sin()), px(g.cy - r * a.cos()))
                };
                let mut ring: Vec<(i32, i32)> = (0..=steps)
                    .map(|s| point(from + share * s as f64 / steps as f64, outer))
                    .collect();
                ring.extend(
                    (0..=steps)
                        .rev()
                        .map(|s| point(from + share * s as f64 / steps as f64, inner)),
                );
                if share > 0.0 {
                    let _ = root.draw(&Polygon::new(ring, color.filled()));
                }
                hits.push(Hit::Slice { from, to });
                from = to;
            }
            if total == 0 {
                let _ = root.draw(&Circle::new(
                    (px(g.cx), px(g.cy)),
                    px(outer),
                    track.stroke_width(px(outer - inner) as u32),
                ));
            }
            let big = (inner * 0.42).clamp(12.0, 30.0);
            let _ = root.draw(&Text::new(
                crate::format::thousands(total),
                (px(g.cx), px(g.cy - big * 0.25)),
                (FONT, big * dpr)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&text)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ));
            let _ = root.draw(&Text::new(
                "total",
                (px(g.cx), px(g.cy + big * 0.6)),
                (FONT, 12.0 * dpr)
                    .into_font()
                    .color(&muted)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ));
            (hits, Some(g))
        }
    };
    let _ = root.present();
    result
}

/// Horizontal bars: label, bar, count; one row per datum, rows as tall as the space allows.
fn draw_bars(
    root: &DrawingArea<CanvasBackend, plotters::coord::Shift>,
    el: &HtmlCanvasElement,
    data: &[Datum],
    colors: &[RGBColor],
    (w, h): (f64, f64),
    dpr: f64,
    text: RGBColor,
    muted: RGBColor,
    track: RGBColor,
) -> Vec<Hit> {
    let px = |v: f64| (v * dpr).round() as i32;
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    let font_px = 13.0;
    let measure = |s: &str| -> f64 {
        match &ctx {
            Some(c) => {
                c.set_font(&format!("{}px {FONT}", font_px * dpr));
                c.measure_text(s).map(|m| m.width() / dpr).unwrap_or(0.0)
            }
            None => s.chars().count() as f64 * font_px * 0.55,
        }
    };
    if data.is_empty() {
        return Vec::new();
    }
    let max = data.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let row = (h / data.len() as f64).clamp(18.0, 36.0);
    let top = 2.0;
    let label_w = data
        .iter()
        .map(|d| measure(&d.label))
        .fold(0.0, f64::max)
        .min(w * 0.4)
        + 8.0;
    let count_w = data
        .iter()
        .map(|d| measure(&crate::format::thousands(d.count)))
        .fold(0.0, f64::max)
        + 10.0;
    let bar_x = label_w;
    let bar_max = (w - label_w - count_w).max(10.0);
    let mut hits = Vec::with_capacity(data.len());
    for (i, (d, color)) in data.iter().zip(colors).enumerate() {
        let y0 = top + row * i as f64;
        let mid = y0 + row / 2.0;
        let thick = (row * 0.62).min(22.0);
        let len = (d.count as f64 / max as f64 * bar_max).max(if d.count > 0 { 2.0 } else { 0.0 });
        let _ = root.draw(&Rectangle::new(
            [
                (px(bar_x), px(mid - thick / 2.0)),
                (px(bar_x + bar_max), px(mid + thick / 2.0)),
            ],
            track.filled(),
        ));
        let _ = root.draw(&Rectangle::new(
            [
                (px(bar_x), px(mid - thick / 2.0)),
                (px(bar_x + len), px(mid + thick / 2.0)),
            ],
            color.filled(),
        ));
        let label = fit(&d.label, label_w - 8.0, &measure);
        let _ = root.draw(&Text::new(
            label,
            (px(label_w - 8.0), px(mid)),
            (FONT, font_px * dpr)
                .into_font()
                .color(&text)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ));
        let _ = root.draw(&Text::new(
            crate::format::thousands(d.count),
            (px(bar_x + len + 6.0), px(mid)),
            (FONT, font_px * dpr)
                .into_font()
                .color(&muted)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ));
        hits.push(Hit::Row {
            top: y0,
            bottom: y0 + row,
        });
    }
    hits
}

/// A line of daily counts: points at their `at`, joined where days follow each other (a gap
/// is a day with no count, left open), with the top and zero of the scale and the first and
/// last day under it.
fn draw_line(
    root: &DrawingArea<CanvasBackend, plotters::coord::Shift>,
    data: &[Datum],
    (w, h): (f64, f64),
    dpr: f64,
    text: RGBColor,
    muted: RGBColor,
    grid: RGBColor,
) -> Vec<Hit> {
    let px = |v: f64| (v * dpr).round() as i32;
    let max = data.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let label_w = 8.0 * crate::format::thousands(max).len() as f64 + 10.0;
    let (left, right, top, bottom) = (label_w, w - 10.0, 8.0, h - 22.0);
    let x_of = |at: f64| left + at * (right - left);
    let y_of = |n: u64| bottom - n as f64 / max as f64 * (bottom - top);
    let small = |c: &RGBColor, h: HPos, v: VPos| {
        (FONT, 11.0 * dpr).into_font().color(c).pos(Pos::new(h, v))
    };
    for (n, label) in [(max, true), (max / 2, false), (0, true)] {
        let y = y_of(n);
        let _ = root.draw(&PathElement::new(
            vec![(px(left), px(y)), (px(right), px(y))],
            grid.stroke_width(px(1.0).max(1) as u32),
        ));
        if label {
            let _ = root.draw(&Text::new(
                crate::format::thousands(n),
                (px(left - 6.0), px(y)),
                small(&muted, HPos::Right, VPos::Center),
            ));
        }
    }
    // The first and last recorded days under their points, kept inside the chart.
    let ends: Vec<&Datum> = match (data.first(), data.last()) {
        (Some(f), Some(l)) if data.len() > 1 => vec![f, l],
        (Some(f), _) => vec![f],
        _ => vec![],
    };
    for d in ends {
        let anchor = if d.at < 0.5 { HPos::Left } else { HPos::Right };
        let _ = root.draw(&Text::new(
            d.label.clone(),
            (px(x_of(d.at)), px(bottom + 6.0)),
            small(&muted, anchor, VPos::Top),
        ));
    }
    let color = data.first().map(|d| css_color(&d.color)).unwrap_or(text);
    let step = data
        .windows(2)
        .map(|p| p[1].at - p[0].at)
        .fold(f64::INFINITY, f64::min);
    for pair in data.windows(2) {
        // Joined only when no day between them is missing.
        if pair[1].at - pair[0].at <= step * 1.5 {
            let _ = root.draw(&PathElement::new(
                vec![
                    (px(x_of(pair[0].at)), px(y_of(pair[0].count))),
                    (px(x_of(pair[1].at)), px(y_of(pair[1].count))),
                ],
                color.stroke_width(px(2.0) as u32),
            ));
        }
    }
    let mut hits = Vec::with_capacity(data.len());
    for (i, d) in data.iter().enumerate() {
        let x = x_of(d.at);
        let _ = root.draw(&Circle::new(
            (px(x), px(y_of(d.count))),
            px(3.0),
            color.filled(),
        ));
        let prev = if i == 0 {
            left - 10.0
        } else {
            (x + x_of(data[i - 1].at)) / 2.0
        };
        let next = match data.get(i + 1) {
            Some(n) => (x + x_of(n.at)) / 2.0,
            None => right + 10.0,
        };
        hits.push(Hit::Column {
            left: prev,
            right: next,
        });
    }
    let _ = text;
    hits
}

/// `s` shortened with an ellipsis to fit `width` CSS pixels.
fn fit(s: &str, width: f64, measure: &impl Fn(&str) -> f64) -> String {
    if measure(s) <= width {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let candidate: String = chars[..n].iter().collect::<String>() + "…";
        if measure(&candidate) <= width {
            return candidate;
        }
    }
    "…".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_colours_parse() {
        assert_eq!(parse_hex("#9f1c1c"), Some(RGBColor(0x9f, 0x1c, 0x1c)));
        assert_eq!(parse_hex("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_hex("rgb(1,2,3)"), None);
    }
}
