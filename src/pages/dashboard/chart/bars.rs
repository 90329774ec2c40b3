//! Horizontal bars: label, bar, count; one row per datum, rows as tall as the space allows,
//! labels cut with an ellipsis to fit.

use super::draw::{Pen, FONT};
use super::hit::Hit;
use super::Datum;
use crate::format::thousands;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

/// Size of the labels and counts, in CSS pixels.
const FONT_PX: f64 = 13.0;

/// Draws the bars in a `w` × `h` canvas `el`; returns each one's row.
pub fn draw_bars(
    pen: &Pen,
    el: &HtmlCanvasElement,
    data: &[Datum],
    colors: &[RGBColor],
    (w, h): (f64, f64),
) -> Vec<Hit> {
    let px = |v: f64| pen.px(v);
    let dpr = pen.dpr;
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    let measure = |s: &str| -> f64 {
        match &ctx {
            Some(c) => {
                c.set_font(&format!("{}px {FONT}", FONT_PX * dpr));
                c.measure_text(s).map(|m| m.width() / dpr).unwrap_or(0.0)
            }
            None => s.chars().count() as f64 * FONT_PX * 0.55,
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
        .map(|d| measure(&thousands(d.count)))
        .fold(0.0, f64::max)
        + 10.0;
    let bar_x = label_w;
    let bar_max = (w - label_w - count_w).max(10.0);
    let mut hits = Vec::with_capacity(data.len());
    for (i, (d, color)) in data.iter().zip(colors).enumerate() {
        let y0 = top + row * i as f64;
        let mid = y0 + row / 2.0;
        let thick = (row * 0.62).min(22.0);
        let len = bar_len(d.count, max, bar_max);
        let _ = pen.root.draw(&Rectangle::new(
            [
                (px(bar_x), px(mid - thick / 2.0)),
                (px(bar_x + bar_max), px(mid + thick / 2.0)),
            ],
            pen.track.filled(),
        ));
        let _ = pen.root.draw(&Rectangle::new(
            [
                (px(bar_x), px(mid - thick / 2.0)),
                (px(bar_x + len), px(mid + thick / 2.0)),
            ],
            color.filled(),
        ));
        let _ = pen.root.draw(&Text::new(
            fit(&d.label, label_w - 8.0, &measure),
            (px(label_w - 8.0), px(mid)),
            pen.font(FONT_PX, &pen.text, HPos::Right, VPos::Center),
        ));
        let _ = pen.root.draw(&Text::new(
            thousands(d.count),
            (px(bar_x + len + 6.0), px(mid)),
            pen.font(FONT_PX, &pen.muted, HPos::Left, VPos::Center),
        ));
        hits.push(Hit::Row {
            top: y0,
            bottom: y0 + row,
        });
    }
    hits
}

/// The length of a bar of `count` when `max` fills `full`: never so short that a count above
/// zero disappears.
fn bar_len(count: u64, max: u64, full: f64) -> f64 {
    (count as f64 / max as f64 * full).max(if count > 0 { 2.0 } else { 0.0 })
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
    fn bars_are_in_proportion_and_a_small_count_still_shows() {
        assert_eq!(bar_len(50, 200, 400.0), 100.0);
        assert_eq!(bar_len(200, 200, 400.0), 400.0);
        assert_eq!(bar_len(1, 10_000, 400.0), 2.0);
        assert_eq!(bar_len(0, 10, 400.0), 0.0);
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        // Ten pixels a character.
        let measure = |s: &str| s.chars().count() as f64 * 10.0;
        assert_eq!(fit("debian", 60.0, &measure), "debian");
        assert_eq!(fit("debian:bookworm", 60.0, &measure), "debia…");
        assert_eq!(fit("é-accentué", 35.0, &measure), "é-…");
        assert_eq!(fit("debian", 5.0, &measure), "…");
    }
}
