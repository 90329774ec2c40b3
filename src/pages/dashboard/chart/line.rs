//! A line of daily counts: points at their `at`, joined where days follow each other (a gap is
//! a day with no count, left open), with the top and zero of the scale and the first and last
//! day under it.

use super::draw::{css_color, Pen};
use super::hit::{columns, Hit};
use super::Datum;
use crate::format::thousands;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Size of the scale's and days' labels, in CSS pixels.
const SMALL_PX: f64 = 11.0;

/// Draws the line in a `w` × `h` canvas; returns each point's hover column.
pub fn draw_line(pen: &Pen, data: &[Datum], (w, h): (f64, f64)) -> Vec<Hit> {
    let px = |v: f64| pen.px(v);
    let max = data.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let label_w = 8.0 * thousands(max).len() as f64 + 10.0;
    let (left, right, top, bottom) = (label_w, w - 10.0, 8.0, h - 22.0);
    let x_of = |at: f64| left + at * (right - left);
    let y_of = |n: u64| bottom - n as f64 / max as f64 * (bottom - top);
    for (n, label) in [(max, true), (max / 2, false), (0, true)] {
        let y = y_of(n);
        let _ = pen.root.draw(&PathElement::new(
            vec![(px(left), px(y)), (px(right), px(y))],
            pen.track.stroke_width(px(1.0).max(1) as u32),
        ));
        if label {
            let _ = pen.root.draw(&Text::new(
                thousands(n),
                (px(left - 6.0), px(y)),
                pen.font(SMALL_PX, &pen.muted, HPos::Right, VPos::Center),
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
        let _ = pen.root.draw(&Text::new(
            d.label.clone(),
            (px(x_of(d.at)), px(bottom + 6.0)),
            pen.font(SMALL_PX, &pen.muted, anchor, VPos::Top),
        ));
    }
    let color = data
        .first()
        .map(|d| css_color(&d.color))
        .unwrap_or(pen.text);
    let ats: Vec<f64> = data.iter().map(|d| d.at).collect();
    for (pair, join) in data.windows(2).zip(joined(&ats)) {
        if join {
            let _ = pen.root.draw(&PathElement::new(
                vec![
                    (px(x_of(pair[0].at)), px(y_of(pair[0].count))),
                    (px(x_of(pair[1].at)), px(y_of(pair[1].count))),
                ],
                color.stroke_width(px(2.0) as u32),
            ));
        }
    }
    for d in data {
        let _ = pen.root.draw(&Circle::new(
            (px(x_of(d.at)), px(y_of(d.count))),
            px(3.0),
            color.filled(),
        ));
    }
    let xs: Vec<f64> = ats.into_iter().map(x_of).collect();
    columns(&xs, left, right)
}

/// For each pair of neighbouring points at `ats`, whether a segment joins them: only when no
/// day between them is missing (their gap is the shortest gap, one day).
fn joined(ats: &[f64]) -> Vec<bool> {
    let step = ats
        .windows(2)
        .map(|p| p[1] - p[0])
        .fold(f64::INFINITY, f64::min);
    ats.windows(2).map(|p| p[1] - p[0] <= step * 1.5).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_day_leaves_the_line_open() {
        let day = |n: f64| n / 7.0;
        assert_eq!(
            joined(&[day(0.0), day(1.0), day(2.0), day(5.0), day(6.0)]),
            [true, true, false, true]
        );
        // Every day recorded: all joined.
        assert_eq!(joined(&[0.0, 0.5, 1.0]), [true, true]);
        assert!(joined(&[1.0]).is_empty());
    }
}
