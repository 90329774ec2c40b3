//! Drawing a chart on its canvas: the canvas sized in device pixels, the theme's colours read
//! from its CSS custom properties, and the donut (bars and lines are in their own modules).

use super::hit::{shares, Geometry, Hit};
use super::{bars, line, Datum, Shape};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use std::f64::consts::TAU;
use web_sys::HtmlCanvasElement;

/// The font of every chart text (the browser's own, as the console's).
pub const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

pub type Area = DrawingArea<CanvasBackend, plotters::coord::Shift>;

/// What each shape draws with: the canvas, the device's pixel ratio and the theme's colours.
pub struct Pen<'a> {
    pub root: &'a Area,
    pub dpr: f64,
    pub text: RGBColor,
    pub muted: RGBColor,
    /// Behind the data: a bar's track, the line's grid, an empty donut.
    pub track: RGBColor,
}

impl Pen<'_> {
    /// CSS pixels in device pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.dpr).round() as i32
    }

    /// The chart font at `size` CSS pixels in `color`, anchored at `h` and `v`.
    pub fn font(&self, size: f64, color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
        (FONT, size * self.dpr)
            .into_font()
            .color(color)
            .pos(Pos::new(h, v))
    }
}

/// Draws `data` on `el` at the device's pixel ratio; returns the hit regions in CSS pixels.
pub fn draw(el: &HtmlCanvasElement, data: &[Datum], shape: Shape) -> (Vec<Hit>, Option<Geometry>) {
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
    let pen = Pen {
        root: &root,
        dpr,
        text: css_color("--text"),
        muted: css_color("--text-muted"),
        track: css_color("--surface-2"),
    };
    let _ = root.fill(&css_color("--surface"));
    let colors: Vec<RGBColor> = data.iter().map(|d| css_color(&d.color)).collect();
    let result = match shape {
        Shape::Bars => (
            bars::draw_bars(&pen, el, data, &colors, (css_w, css_h)),
            None,
        ),
        Shape::Line => (line::draw_line(&pen, data, (css_w, css_h)), None),
        Shape::Donut => {
            let g = Geometry::fitting(css_w, css_h);
            (draw_donut(&pen, data, &colors, g), Some(g))
        }
    };
    let _ = root.present();
    result
}

/// A ring of slices clockwise from twelve o'clock, with the total in the hole.
fn draw_donut(pen: &Pen, data: &[Datum], colors: &[RGBColor], g: Geometry) -> Vec<Hit> {
    let px = |v: f64| pen.px(v);
    let total: u64 = data.iter().map(|d| d.count).sum();
    let mut hits = Vec::new();
    let mut from = 0.0f64;
    for (color, share) in colors.iter().zip(shares(data.iter().map(|d| d.count))) {
        let to = from + share;
        let steps = ((share * 120.0).ceil() as usize).max(2);
        let point = |turn: f64, r: f64| {
            let a = turn * TAU;
            (px(g.cx + r * a.sin()), px(g.cy - r * a.cos()))
        };
        let mut ring: Vec<(i32, i32)> = (0..=steps)
            .map(|s| point(from + share * s as f64 / steps as f64, g.outer))
            .collect();
        ring.extend(
            (0..=steps)
                .rev()
                .map(|s| point(from + share * s as f64 / steps as f64, g.inner)),
        );
        if share > 0.0 {
            let _ = pen.root.draw(&Polygon::new(ring, color.filled()));
        }
        hits.push(Hit::Slice { from, to });
        from = to;
    }
    if total == 0 {
        let _ = pen.root.draw(&Circle::new(
            (px(g.cx), px(g.cy)),
            px(g.outer),
            pen.track.stroke_width(px(g.outer - g.inner) as u32),
        ));
    }
    let big = (g.inner * 0.42).clamp(12.0, 30.0);
    let _ = pen.root.draw(&Text::new(
        crate::format::thousands(total),
        (px(g.cx), px(g.cy - big * 0.25)),
        (FONT, big * pen.dpr)
            .into_font()
            .style(FontStyle::Bold)
            .color(&pen.text)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ));
    let _ = pen.root.draw(&Text::new(
        "total",
        (px(g.cx), px(g.cy + big * 0.6)),
        pen.font(12.0, &pen.muted, HPos::Center, VPos::Center),
    ));
    hits
}

/// A theme colour by custom property name, as RGB.
pub fn css_color(name: &str) -> RGBColor {
    let value = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|s| s.get_property_value(name).ok())
        .unwrap_or_default();
    parse_hex(value.trim()).unwrap_or(RGBColor(128, 128, 128))
}

/// `#rrggbb` or `#rgb` as RGB.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_colours_parse() {
        assert_eq!(parse_hex("#9f1c1c"), Some(RGBColor(0x9f, 0x1c, 0x1c)));
        assert_eq!(parse_hex("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_hex("#0a8"), Some(RGBColor(0x00, 0xaa, 0x88)));
        assert_eq!(parse_hex("rgb(1,2,3)"), None);
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("#gg0000"), None);
    }
}
