//! The dashboard grid: where widgets sit on a 24-column grid of fixed-height rows, and how a
//! move or a resize rearranges the others. Pure functions over layouts, no DOM: the console's
//! pointer and keyboard editing call them, and the server checks imported layouts with them.
//!
//! The rules (`shared/spec/dashboard.md`): widgets never overlap; each stays inside the grid and
//! at least its minimum size; after any change the layout compacts upward. A move or resize
//! puts the widget where it was asked to go (clamped into the grid), pushes the widgets it lands
//! on down out of its way, and then compacts: everything rises as far as it can, in top-to-bottom
//! order, the widget being moved first among equals.

use serde::{Deserialize, Serialize};

/// Columns of every dashboard.
pub const COLUMNS: u32 = 24;
/// Tallest a widget may be, in rows.
pub const MAX_H: u32 = 48;
/// Lowest row a widget may start on (a bound for imported layouts, far below any real one).
pub const MAX_Y: u32 = 10_000;

/// A widget's place: column `x`, row `y`, `w` columns wide, `h` rows high.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Layout {
    #[cfg_attr(feature = "openapi", schema(maximum = 23))]
    pub x: u32,
    #[cfg_attr(feature = "openapi", schema(maximum = 10000))]
    pub y: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 24))]
    pub w: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 48))]
    pub h: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 24))]
    pub min_w: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 48))]
    pub min_h: u32,
}

fn one() -> u32 {
    1
}

fn is_one(v: &u32) -> bool {
    *v == 1
}

impl Layout {
    pub fn new(x: u32, y: u32, w: u32, h: u32) -> Self {
        Self {
            x,
            y,
            w,
            h,
            min_w: 1,
            min_h: 1,
        }
    }

    /// With minimum sizes.
    pub fn with_min(mut self, min_w: u32, min_h: u32) -> Self {
        self.min_w = min_w;
        self.min_h = min_h;
        self
    }

    pub fn bottom(&self) -> u32 {
        self.y + self.h
    }

    pub fn overlaps(&self, other: &Layout) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// The same place brought inside the grid: minimums within the grid, size at least the
    /// minimums, the whole width inside the columns.
    pub fn clamped(self) -> Layout {
        let min_w = self.min_w.clamp(1, COLUMNS);
        let min_h = self.min_h.clamp(1, MAX_H);
        let w = self.w.clamp(min_w, COLUMNS);
        let h = self.h.clamp(min_h, MAX_H);
        Layout {
            x: self.x.min(COLUMNS - w),
            y: self.y.min(MAX_Y),
            w,
            h,
            min_w,
            min_h,
        }
    }

    /// What is wrong with this place, as a sentence naming the field, or `None` when it is
    /// inside the grid and at least its minimum size.
    pub fn problem(&self) -> Option<String> {
        if self.min_w == 0 || self.min_w > COLUMNS {
            return Some(format!("minW must be 1 to {COLUMNS}, not {}", self.min_w));
        }
        if self.min_h == 0 || self.min_h > MAX_H {
            return Some(format!("minH must be 1 to {MAX_H}, not {}", self.min_h));
        }
        if self.w < self.min_w || self.w > COLUMNS {
            return Some(format!(
                "w must be {} to {COLUMNS}, not {}",
                self.min_w, self.w
            ));
        }
        if self.h < self.min_h || self.h > MAX_H {
            return Some(format!(
                "h must be {} to {MAX_H}, not {}",
                self.min_h, self.h
            ));
        }
        if self.x + self.w > COLUMNS {
            return Some(format!(
                "x must be 0 to {} for a widget {} columns wide, not {}",
                COLUMNS - self.w,
                self.w,
                self.x
            ));
        }
        if self.y > MAX_Y {
            return Some(format!("y must be 0 to {MAX_Y}, not {}", self.y));
        }
        None
    }
}

/// The first pair of widgets (by index) that overlap.
pub fn first_overlap(layouts: &[Layout]) -> Option<(usize, usize)> {
    for i in 0..layouts.len() {
        for j in i + 1..layouts.len() {
            if layouts[i].overlaps(&layouts[j]) {
                return Some((i, j));
            }
        }
    }
    None
}

/// Rises every widget as far as it goes, top to bottom (`first`, when given, goes first among
/// widgets on the same row). The result never overlaps when the input did not.
pub fn compact(layouts: &[Layout], first: Option<usize>) -> Vec<Layout> {
    let mut order: Vec<usize> = (0..layouts.len()).collect();
    order.sort_by_key(|&i| (layouts[i].y, Some(i) != first, layouts[i].x, i));
    let mut out = layouts.to_vec();
    let mut placed: Vec<usize> = Vec::with_capacity(layouts.len());
    for i in order {
        let mut l = out[i];
        while l.y > 0 {
            let up = Layout { y: l.y - 1, ..l };
            if placed.iter().any(|&p| out[p].overlaps(&up)) {
                break;
            }
            l = up;
        }
        out[i] = l;
        placed.push(i);
    }
    out
}

/// `layouts` with widget `i` at `target` (clamped into the grid), the widgets it lands on pushed
/// down out of its way (and those they land on, in turn), then compacted.
fn settle(layouts: &[Layout], i: usize, target: Layout) -> Vec<Layout> {
    let mut out = layouts.to_vec();
    out[i] = target.clamped();
    let mut order: Vec<usize> = (0..out.len()).filter(|&j| j != i).collect();
    order.sort_by_key(|&j| (out[j].y, out[j].x, j));
    let mut placed = vec![i];
    for j in order {
        let mut l = out[j];
        // Down below whatever it overlaps, until nothing already placed is in its way.
        while let Some(bottom) = placed
            .iter()
            .filter(|&&p| out[p].overlaps(&l))
            .map(|&p| out[p].bottom())
            .max()
        {
            l.y = bottom;
        }
        out[j] = l;
        placed.push(j);
    }
    compact(&out, Some(i))
}

/// Widget `i` moved to column `x`, row `y` (either may be out of range: it is clamped).
pub fn move_to(layouts: &[Layout], i: usize, x: i64, y: i64) -> Vec<Layout> {
    let Some(l) = layouts.get(i) else {
        return layouts.to_vec();
    };
    let to_u32 = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    settle(
        layouts,
        i,
        Layout {
            x: to_u32(x),
            y: to_u32(y),
            ..*l
        },
    )
}

/// Widget `i` resized to `w` × `h` (clamped between its minimums and the grid).
pub fn resize_to(layouts: &[Layout], i: usize, w: i64, h: i64) -> Vec<Layout> {
    let Some(l) = layouts.get(i) else {
        return layouts.to_vec();
    };
    let to_u32 = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    let mut target = Layout {
        w: to_u32(w),
        h: to_u32(h),
        ..*l
    };
    // A widget grown past the right edge keeps its new width and moves left.
    target.w = target.w.clamp(target.min_w.clamp(1, COLUMNS), COLUMNS);
    target.x = target.x.min(COLUMNS - target.w);
    settle(layouts, i, target)
}

/// Where a new widget of `w` × `h` goes: the highest, then leftmost, free place.
pub fn place_new(layouts: &[Layout], w: u32, h: u32) -> Layout {
    let size = Layout::new(0, 0, w, h).clamped();
    let bottom = layouts.iter().map(Layout::bottom).max().unwrap_or(0);
    for y in 0..=bottom {
        for x in 0..=(COLUMNS - size.w) {
            let at = Layout { x, y, ..size };
            if !layouts.iter().any(|l| l.overlaps(&at)) {
                return at;
            }
        }
    }
    Layout { y: bottom, ..size }
}

/// A layout brought to the grid's rules: each widget clamped, overlaps pushed apart, compacted.
pub fn normalize(layouts: &[Layout]) -> Vec<Layout> {
    let clamped: Vec<Layout> = layouts.iter().map(|l| l.clamped()).collect();
    let mut order: Vec<usize> = (0..clamped.len()).collect();
    order.sort_by_key(|&i| (clamped[i].y, clamped[i].x, i));
    let mut placed: Vec<Layout> = Vec::with_capacity(clamped.len());
    let mut result = clamped.clone();
    for i in order {
        let mut l = clamped[i];
        while let Some(bottom) = placed
            .iter()
            .filter(|p| p.overlaps(&l))
            .map(Layout::bottom)
            .max()
        {
            l.y = bottom;
        }
        placed.push(l);
        result[i] = l;
    }
    compact(&result, None)
}

#[cfg(test)]
mod tests;
