//! Where each datum was drawn (in CSS pixels) and which one the pointer is on; with the
//! geometry that decides it: the donut's ring and slices, the line's point columns.

use super::Shape;
use std::f64::consts::TAU;

/// Where a datum was drawn, in CSS pixels (a slice: in turns clockwise from twelve o'clock).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hit {
    Row { top: f64, bottom: f64 },
    Slice { from: f64, to: f64 },
    Column { left: f64, right: f64 },
}

/// The donut's centre and ring, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub cx: f64,
    pub cy: f64,
    pub inner: f64,
    pub outer: f64,
}

impl Geometry {
    /// The ring centred in a `w` × `h` canvas, as large as fits with a small margin.
    pub fn fitting(w: f64, h: f64) -> Self {
        let outer = (w.min(h) / 2.0 - 4.0).max(8.0);
        Self {
            cx: w / 2.0,
            cy: h / 2.0,
            inner: outer * 0.62,
            outer,
        }
    }
}

/// The datum under the point (`x`, `y`) of a chart drawn as `hits` (`geometry`: a donut's).
pub fn locate(
    shape: Shape,
    hits: &[Hit],
    geometry: Option<Geometry>,
    x: f64,
    y: f64,
) -> Option<usize> {
    match shape {
        Shape::Bars => hits
            .iter()
            .position(|h| matches!(h, Hit::Row { top, bottom } if y >= *top && y < *bottom)),
        Shape::Line => hits
            .iter()
            .position(|h| matches!(h, Hit::Column { left, right } if x >= *left && x < *right)),
        Shape::Donut => {
            let g = geometry?;
            let (dx, dy) = (x - g.cx, y - g.cy);
            let r = (dx * dx + dy * dy).sqrt();
            if r < g.inner || r > g.outer {
                return None;
            }
            // Angles clockwise from twelve o'clock, in [0, 1) turns.
            let turn = (dx.atan2(-dy) / TAU).rem_euclid(1.0);
            hits.iter()
                .position(|h| matches!(h, Hit::Slice { from, to } if turn >= *from && turn < *to))
        }
    }
}

/// Each count's share of their total, from 0 to 1 (all 0 when the total is).
pub fn shares(counts: impl Iterator<Item = u64> + Clone) -> Vec<f64> {
    let total: u64 = counts.clone().sum();
    counts
        .map(|n| {
            if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            }
        })
        .collect()
}

/// The hover columns of a line's points at `xs` (left to right): each reaches halfway to its
/// neighbours, the first and last 10 pixels past the plot's `left` and `right`.
pub fn columns(xs: &[f64], left: f64, right: f64) -> Vec<Hit> {
    xs.iter()
        .enumerate()
        .map(|(i, &x)| Hit::Column {
            left: if i == 0 {
                left - 10.0
            } else {
                (x + xs[i - 1]) / 2.0
            },
            right: match xs.get(i + 1) {
                Some(n) => (x + n) / 2.0,
                None => right + 10.0,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_hit_across_its_row() {
        let hits = [
            Hit::Row {
                top: 2.0,
                bottom: 22.0,
            },
            Hit::Row {
                top: 22.0,
                bottom: 42.0,
            },
        ];
        assert_eq!(locate(Shape::Bars, &hits, None, 500.0, 2.0), Some(0));
        assert_eq!(locate(Shape::Bars, &hits, None, 0.0, 22.0), Some(1));
        assert_eq!(locate(Shape::Bars, &hits, None, 0.0, 42.0), None);
        assert_eq!(locate(Shape::Bars, &hits, None, 0.0, 1.0), None);
    }

    #[test]
    fn a_slice_is_hit_on_the_ring_clockwise_from_twelve() {
        let g = Geometry::fitting(208.0, 300.0);
        assert_eq!(
            g,
            Geometry {
                cx: 104.0,
                cy: 150.0,
                inner: 62.0,
                outer: 100.0
            }
        );
        // A quarter, then the rest.
        let hits = [
            Hit::Slice {
                from: 0.0,
                to: 0.25,
            },
            Hit::Slice {
                from: 0.25,
                to: 1.0,
            },
        ];
        let at = |x: f64, y: f64| locate(Shape::Donut, &hits, Some(g), g.cx + x, g.cy + y);
        assert_eq!(at(50.0, -50.0), Some(0)); // half past twelve
        assert_eq!(at(80.0, 0.0), Some(1)); // three o'clock starts the second slice
        assert_eq!(at(-80.0, 0.0), Some(1)); // nine o'clock
        assert_eq!(at(-1.0, -80.0), Some(1)); // just before twelve
        assert_eq!(at(0.0, 0.0), None); // the hole
        assert_eq!(at(0.0, -101.0), None); // outside
        assert_eq!(locate(Shape::Donut, &hits, None, 104.0, 70.0), None);
    }

    #[test]
    fn a_point_is_hit_halfway_to_its_neighbours() {
        let hits = columns(&[10.0, 50.0, 90.0], 10.0, 90.0);
        assert_eq!(
            hits,
            [
                Hit::Column {
                    left: 0.0,
                    right: 30.0
                },
                Hit::Column {
                    left: 30.0,
                    right: 70.0
                },
                Hit::Column {
                    left: 70.0,
                    right: 100.0
                },
            ]
        );
        assert_eq!(locate(Shape::Line, &hits, None, 31.0, 999.0), Some(1));
        assert!(columns(&[], 0.0, 1.0).is_empty());
    }

    #[test]
    fn shares_divide_the_total() {
        assert_eq!(shares([1, 3].into_iter()), [0.25, 0.75]);
        assert_eq!(shares([0, 0].into_iter()), [0.0, 0.0]);
    }
}
