//! The dashboard document as the user makes and changes it: a new document, and the edits to
//! its widgets (add, duplicate, replace, remove, rearrange) as pure functions. Each edit keeps
//! the grid's rules: ids stay unique, widgets do not overlap. The page applies them through
//! `Board::change`, so the saver sees every one.

use shipshape_model::dashboard::{templates, MAX_NAME, SCHEMA_VERSION};
use shipshape_model::grid::{self, Layout};
use shipshape_model::{Dashboard, Widget};

/// A new dashboard document named `name` (the server gives it its id when it is created).
pub fn new_dashboard(name: &str, widgets: Vec<Widget>) -> Dashboard {
    Dashboard {
        schema_version: SCHEMA_VERSION,
        id: String::new(),
        name: name.into(),
        description: None,
        columns: grid::COLUMNS,
        widgets,
    }
}

/// The widgets' places, in widget order.
pub fn layouts(d: &Dashboard) -> Vec<Layout> {
    d.widgets.iter().map(|w| w.layout).collect()
}

/// Gives the widgets the places `layouts` (in widget order).
pub fn set_layouts(d: &mut Dashboard, layouts: Vec<Layout>) {
    for (w, l) in d.widgets.iter_mut().zip(layouts) {
        w.layout = l;
    }
}

/// Appends `w` under an id no other widget has, at the highest free place for its size.
pub fn add_widget(d: &mut Dashboard, mut w: Widget) {
    let taken: Vec<&str> = d.widgets.iter().map(|w| w.id.as_str()).collect();
    w.id = templates::fresh_id(&w.id, &taken);
    let at = grid::place_new(&layouts(d), w.layout.w, w.layout.h);
    w.layout.x = at.x;
    w.layout.y = at.y;
    d.widgets.push(w);
}

/// Adds a copy of widget `id` ("<title> (copy)", cut to the longest title allowed), placed as
/// a new widget is. Nothing happens when there is no such widget.
pub fn duplicate_widget(d: &mut Dashboard, id: &str) {
    let Some(w) = d.widgets.iter().find(|w| w.id == id).cloned() else {
        return;
    };
    let title = format!("{} (copy)", w.title)
        .chars()
        .take(MAX_NAME)
        .collect();
    add_widget(d, Widget { title, ..w });
}

/// Replaces widget `id` with `w` (keeping the id), then brings the grid back to its rules: the
/// new kind's minimum size may have grown it over its neighbours.
pub fn replace_widget(d: &mut Dashboard, id: &str, w: Widget) {
    let Some(i) = d.widgets.iter().position(|x| x.id == id) else {
        return;
    };
    d.widgets[i] = Widget {
        id: id.to_string(),
        ..w
    };
    let normal = grid::normalize(&layouts(d));
    set_layouts(d, normal);
}

/// Removes widget `id`; the widgets below rise into the space it leaves.
pub fn remove_widget(d: &mut Dashboard, id: &str) {
    d.widgets.retain(|w| w.id != id);
    let compacted = grid::compact(&layouts(d), None);
    set_layouts(d, compacted);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use shipshape_model::{WidgetEntity, WidgetKind};

    pub fn widget(id: &str, layout: Layout) -> Widget {
        Widget {
            id: id.into(),
            kind: WidgetKind::Count,
            title: format!("Widget {id}"),
            entity: WidgetEntity::Image,
            query: "critical:true".into(),
            base_query: None,
            group_by: None,
            limit: None,
            columns: None,
            sort: None,
            days: None,
            series: None,
            layout,
        }
    }

    pub fn dashboard(widgets: Vec<Widget>) -> Dashboard {
        Dashboard {
            id: "d1".into(),
            ..new_dashboard("Test", widgets)
        }
    }

    fn ids(d: &Dashboard) -> Vec<&str> {
        d.widgets.iter().map(|w| w.id.as_str()).collect()
    }

    #[test]
    fn an_added_widget_gets_a_fresh_id_and_the_highest_free_place() {
        // Row 0 is full from column 0 to 17; columns 18-23 are free on rows 0-3.
        let mut d = dashboard(vec![
            widget("a", Layout::new(0, 0, 18, 4)),
            widget("b", Layout::new(0, 4, 24, 4)),
        ]);
        add_widget(&mut d, widget("a", Layout::new(9, 30, 6, 4)));
        assert_eq!(ids(&d), ["a", "b", "a-2"]);
        assert_eq!(d.widgets[2].layout, Layout::new(18, 0, 6, 4));
        // Too wide for the gap: it goes under everything.
        add_widget(&mut d, widget("c", Layout::new(0, 0, 8, 2)));
        assert_eq!(d.widgets[3].layout, Layout::new(0, 8, 8, 2));
        assert_eq!(grid::first_overlap(&layouts(&d)), None);
    }

    #[test]
    fn a_duplicate_is_a_titled_copy_with_its_own_id_and_place() {
        let mut d = dashboard(vec![widget("a", Layout::new(0, 0, 24, 4).with_min(4, 3))]);
        duplicate_widget(&mut d, "a");
        assert_eq!(ids(&d), ["a", "a-2"]);
        let copy = &d.widgets[1];
        assert_eq!(copy.title, "Widget a (copy)");
        assert_eq!(copy.query, "critical:true");
        assert_eq!(copy.layout, Layout::new(0, 4, 24, 4).with_min(4, 3));

        d.widgets[0].title = "x".repeat(MAX_NAME);
        duplicate_widget(&mut d, "a");
        assert_eq!(d.widgets[2].id, "a-3");
        assert_eq!(d.widgets[2].title, "x".repeat(MAX_NAME));

        duplicate_widget(&mut d, "missing");
        assert_eq!(d.widgets.len(), 3);
    }

    #[test]
    fn a_replaced_widget_keeps_its_id_and_pushes_its_neighbours_out_of_the_way() {
        let mut d = dashboard(vec![
            widget("a", Layout::new(0, 0, 6, 4)),
            widget("b", Layout::new(0, 4, 6, 4)),
        ]);
        let mut bigger = widget("draft", Layout::new(0, 0, 6, 4).with_min(6, 8));
        bigger.kind = WidgetKind::Bar;
        replace_widget(&mut d, "a", bigger);
        assert_eq!(ids(&d), ["a", "b"]);
        assert_eq!(d.widgets[0].kind, WidgetKind::Bar);
        assert_eq!(d.widgets[0].layout, Layout::new(0, 0, 6, 8).with_min(6, 8));
        assert_eq!(d.widgets[1].layout, Layout::new(0, 8, 6, 4));
    }

    #[test]
    fn removing_a_widget_lets_the_ones_below_rise() {
        let mut d = dashboard(vec![
            widget("a", Layout::new(0, 0, 24, 4)),
            widget("b", Layout::new(0, 4, 12, 3)),
            widget("c", Layout::new(12, 4, 12, 5)),
        ]);
        remove_widget(&mut d, "a");
        assert_eq!(ids(&d), ["b", "c"]);
        assert_eq!(
            layouts(&d),
            [Layout::new(0, 0, 12, 3), Layout::new(12, 0, 12, 5)]
        );
    }
}
