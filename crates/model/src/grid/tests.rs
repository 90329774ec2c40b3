use super::*;
use proptest::prelude::*;

fn l(x: u32, y: u32, w: u32, h: u32) -> Layout {
    Layout::new(x, y, w, h)
}

/// Every rule of the grid holds.
fn assert_valid(ls: &[Layout]) {
    assert_eq!(first_overlap(ls), None, "overlap in {ls:?}");
    for x in ls {
        assert_eq!(x.problem(), None, "{x:?}");
    }
    assert_eq!(compact(ls, None), ls, "not compacted: {ls:?}");
}

#[test]
fn moving_a_widget_onto_another_pushes_it_down_and_up_swaps_them() {
    let a = l(0, 0, 12, 4);
    let b = l(0, 4, 12, 4);
    let after = move_to(&[a, b], 1, 0, 0);
    assert_eq!(
        after,
        vec![l(0, 4, 12, 4), l(0, 0, 12, 4)],
        "b went above a"
    );
    assert_valid(&after);
}

#[test]
fn a_widget_moved_into_empty_space_below_rises_and_the_gap_it_left_closes() {
    let layout = [l(0, 0, 12, 4), l(12, 0, 12, 4), l(0, 4, 12, 2)];
    let after = move_to(&layout, 0, 12, 20);
    // Moved to the right column, under b; c rises into the space a left.
    assert_eq!(
        after,
        vec![l(12, 4, 12, 4), l(12, 0, 12, 4), l(0, 0, 12, 2)]
    );
    assert_valid(&after);
}

#[test]
fn moves_and_sizes_are_clamped_into_the_grid_and_to_the_minimums() {
    let layout = [l(0, 0, 6, 3).with_min(4, 2)];
    assert_eq!(move_to(&layout, 0, -5, -5)[0], l(0, 0, 6, 3).with_min(4, 2));
    assert_eq!(
        move_to(&layout, 0, 100, 0)[0],
        l(18, 0, 6, 3).with_min(4, 2)
    );
    assert_eq!(resize_to(&layout, 0, 1, 1)[0], l(0, 0, 4, 2).with_min(4, 2));
    assert_eq!(
        resize_to(&layout, 0, 99, 99)[0],
        l(0, 0, 24, MAX_H).with_min(4, 2)
    );
    let right = [l(20, 0, 4, 2)];
    assert_eq!(
        resize_to(&right, 0, 10, 2)[0],
        l(14, 0, 10, 2),
        "grows left at the edge"
    );
}

#[test]
fn growing_a_widget_pushes_its_neighbours_down() {
    let layout = [l(0, 0, 12, 2), l(12, 0, 12, 2), l(0, 2, 24, 2)];
    let after = resize_to(&layout, 0, 24, 3);
    assert_eq!(after, vec![l(0, 0, 24, 3), l(12, 3, 12, 2), l(0, 5, 24, 2)]);
    assert_valid(&after);
}

#[test]
fn a_new_widget_takes_the_highest_leftmost_free_place() {
    let layout = [l(0, 0, 12, 4), l(12, 0, 6, 2)];
    assert_eq!(place_new(&layout, 6, 2), l(18, 0, 6, 2));
    assert_eq!(place_new(&layout, 12, 2), l(12, 2, 12, 2));
    assert_eq!(place_new(&[], 30, 0), l(0, 0, 24, 1));
}

#[test]
fn problems_name_the_field() {
    assert!(l(20, 0, 6, 2)
        .problem()
        .unwrap()
        .starts_with("x must be 0 to 18"));
    assert!(l(0, 0, 0, 2).problem().unwrap().starts_with("w must be"));
    assert!(l(0, 0, 2, 99).problem().unwrap().starts_with("h must be"));
    assert!(l(0, MAX_Y + 1, 2, 2)
        .problem()
        .unwrap()
        .starts_with("y must be"));
    assert!(l(0, 0, 4, 2)
        .with_min(6, 1)
        .problem()
        .unwrap()
        .starts_with("w must be 6"));
}

#[test]
fn the_layout_json_uses_the_spec_names() {
    let v = serde_json::to_value(l(1, 2, 3, 4).with_min(2, 2)).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"x": 1, "y": 2, "w": 3, "h": 4, "minW": 2, "minH": 2})
    );
    let back: Layout = serde_json::from_str(r#"{"x":0,"y":0,"w":3,"h":4}"#).unwrap();
    assert_eq!(back, l(0, 0, 3, 4));
}

/// Any layout at all, overlapping and out of bounds included.
fn any_layouts() -> impl Strategy<Value = Vec<Layout>> {
    prop::collection::vec(
        (0u32..30, 0u32..30, 0u32..30, 0u32..12, 1u32..8, 1u32..4)
            .prop_map(|(x, y, w, h, min_w, min_h)| Layout::new(x, y, w, h).with_min(min_w, min_h)),
        0..14,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn normalizing_any_layout_obeys_every_rule(ls in any_layouts()) {
        let n = normalize(&ls);
        assert_valid(&n);
        prop_assert_eq!(normalize(&n), n.clone(), "normalize is idempotent");
        for (a, b) in ls.iter().zip(&n) {
            prop_assert_eq!((a.clamped().x, a.clamped().w, a.clamped().h), (b.x, b.w, b.h));
        }
    }

    #[test]
    fn compaction_is_idempotent(ls in any_layouts()) {
        let n = normalize(&ls);
        let once = compact(&n, None);
        prop_assert_eq!(compact(&once, None), once.clone());
        prop_assert_eq!(once, n);
    }

    #[test]
    fn moves_and_resizes_keep_every_rule(
        ls in any_layouts(), pick in 0usize..14, x in -5i64..30, y in -5i64..40,
        w in -2i64..30, h in -2i64..60,
    ) {
        let n = normalize(&ls);
        prop_assume!(!n.is_empty());
        let i = pick % n.len();
        let moved = move_to(&n, i, x, y);
        assert_valid(&moved);
        prop_assert_eq!(i64::from(moved[i].x), x.clamp(0, i64::from(COLUMNS - n[i].w)));
        for (j, (a, b)) in n.iter().zip(&moved).enumerate() {
            prop_assert_eq!((a.w, a.h), (b.w, b.h), "a move changes no size");
            if j != i {
                prop_assert_eq!(a.x, b.x, "the others only move up or down");
            }
        }
        let resized = resize_to(&n, i, w, h);
        assert_valid(&resized);
        let want = Layout { w: w.clamp(0, 99) as u32, h: h.clamp(0, 99) as u32, ..n[i] }.clamped();
        prop_assert_eq!((resized[i].w, resized[i].h), (want.w, want.h));
    }

    #[test]
    fn a_move_then_its_inverse_restores_the_layout_when_nothing_else_moved(
        ls in any_layouts(), pick in 0usize..14, x in 0i64..24, y in 0i64..30,
    ) {
        let n = normalize(&ls);
        prop_assume!(!n.is_empty());
        let i = pick % n.len();
        let moved = move_to(&n, i, x, y);
        let others_stayed = n.iter().zip(&moved).enumerate().all(|(j, (a, b))| j == i || a == b);
        prop_assume!(others_stayed);
        let back = move_to(&moved, i, i64::from(n[i].x), i64::from(n[i].y));
        prop_assert_eq!(back, n);
    }

    #[test]
    fn a_new_widget_never_overlaps(ls in any_layouts(), w in 0u32..30, h in 0u32..10) {
        let mut n = normalize(&ls);
        let at = place_new(&n, w, h);
        prop_assert_eq!(at.problem(), None);
        n.push(at);
        prop_assert_eq!(first_overlap(&n), None);
    }
}
