//! The widget being built in the library's form, and the rules that keep it whole while the
//! user changes it: a kind gets the fields it needs (with defaults) and drops the others, an
//! entity takes away the tokens of the one before it.

use shipshape_model::dashboard::templates::default_layout;
use shipshape_model::grid::Layout;
use shipshape_model::{Widget, WidgetEntity, WidgetKind};
use shipshape_qql::catalogue;

/// Rows and groups a new table, bar or donut widget shows.
const DEFAULT_LIMIT: u32 = 10;
/// How a new table is sorted.
const DEFAULT_SORT: &str = "created:desc";
/// How many columns a new table starts with.
const DEFAULT_COLUMNS: usize = 3;

/// What "Build your own" starts from: a count of every image.
pub fn blank() -> Widget {
    Widget {
        id: "custom".into(),
        kind: WidgetKind::Count,
        title: String::new(),
        entity: WidgetEntity::Image,
        query: String::new(),
        base_query: None,
        group_by: None,
        limit: None,
        columns: None,
        sort: None,
        days: None,
        series: None,
        layout: default_layout(WidgetKind::Count),
    }
}

/// `w` made a widget of kind `k`: the fields `k` uses kept or defaulted, the others cleared. A
/// new widget (`is_new`) also takes the kind's size; one on the dashboard keeps its own.
pub fn set_kind(w: &mut Widget, k: WidgetKind, is_new: bool) {
    w.kind = k;
    let tokens = catalogue(w.entity.qql());
    let first_group = tokens
        .iter()
        .find(|t| t.groupable())
        .map(|t| t.name.to_string());
    let grouped = matches!(k, WidgetKind::Bar | WidgetKind::Pie);
    w.base_query = (k == WidgetKind::Ratio).then(|| w.base_query.clone().unwrap_or_default());
    w.group_by = grouped
        .then(|| w.group_by.clone().or(first_group))
        .flatten();
    w.limit = (grouped || k == WidgetKind::Table).then(|| w.limit.unwrap_or(DEFAULT_LIMIT));
    w.columns = (k == WidgetKind::Table).then(|| {
        w.columns.clone().unwrap_or_else(|| {
            tokens
                .iter()
                .filter(|t| t.sortable)
                .take(DEFAULT_COLUMNS)
                .map(|t| t.name.to_string())
                .collect()
        })
    });
    w.sort =
        (k == WidgetKind::Table).then(|| w.sort.clone().unwrap_or_else(|| DEFAULT_SORT.into()));
    if is_new {
        w.layout = Layout {
            x: w.layout.x,
            y: w.layout.y,
            ..default_layout(k)
        };
    }
}

/// `w` asking about `e` instead: its query and tokens cleared, its kind kept when `e` has it
/// (else a bar chart), with that kind's defaults for `e`.
pub fn set_entity(w: &mut Widget, e: WidgetEntity, is_new: bool) {
    w.entity = e;
    w.query.clear();
    if w.base_query.is_some() {
        w.base_query = Some(String::new());
    }
    w.group_by = None;
    w.columns = None;
    w.sort = None;
    let kind = if e.has_kind(w.kind) {
        w.kind
    } else {
        WidgetKind::Bar
    };
    set_kind(w, kind, is_new);
}

/// Adds column `name` to a table, or takes it away when it is there.
pub fn toggle_column(w: &mut Widget, name: &str) {
    let c = w.columns.get_or_insert_with(Vec::new);
    if let Some(i) = c.iter().position(|c| c == name) {
        c.remove(i);
    } else {
        c.push(name.to_string());
    }
}

/// The question the preview asks: the draft without its title and place, so that typing a
/// title or moving the widget does not ask the server again.
pub fn question(w: &Widget) -> Widget {
    Widget {
        title: "preview".into(),
        layout: default_layout(w.kind),
        ..w.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_gets_columns_a_sort_and_a_row_limit() {
        let mut w = blank();
        w.layout.x = 6;
        w.layout.y = 2;
        set_kind(&mut w, WidgetKind::Table, true);
        assert_eq!(
            w.columns,
            Some(vec!["uuid".into(), "imageId".into(), "sha".into()])
        );
        assert_eq!(w.sort.as_deref(), Some("created:desc"));
        assert_eq!(w.limit, Some(10));
        assert_eq!((w.group_by.clone(), w.base_query.clone()), (None, None));
        // A new widget takes the table's size where it is.
        assert_eq!(
            w.layout,
            Layout {
                x: 6,
                y: 2,
                ..default_layout(WidgetKind::Table)
            }
        );
        // Back to a count: the table's fields go.
        set_kind(&mut w, WidgetKind::Count, true);
        assert_eq!((w.columns, w.sort, w.limit), (None, None, None));
    }

    #[test]
    fn a_chart_groups_by_the_first_groupable_token_unless_it_has_one() {
        let mut w = blank();
        set_kind(&mut w, WidgetKind::Bar, true);
        assert_eq!(w.group_by.as_deref(), Some("uuid"));
        w.group_by = Some("operatingSystem".into());
        w.limit = Some(4);
        set_kind(&mut w, WidgetKind::Pie, true);
        assert_eq!(w.group_by.as_deref(), Some("operatingSystem"));
        assert_eq!(w.limit, Some(4));
        set_kind(&mut w, WidgetKind::Ratio, true);
        assert_eq!(w.group_by, None);
        assert_eq!(w.base_query.as_deref(), Some(""));
    }

    #[test]
    fn a_widget_on_the_dashboard_keeps_its_size_when_its_kind_changes() {
        let mut w = blank();
        w.layout = Layout::new(3, 4, 5, 6);
        set_kind(&mut w, WidgetKind::Bar, false);
        assert_eq!(w.layout, Layout::new(3, 4, 5, 6));
    }

    #[test]
    fn another_entity_clears_the_query_and_a_kind_it_lacks() {
        let mut w = blank();
        w.query = "critical:true".into();
        set_kind(&mut w, WidgetKind::Table, true);
        set_entity(&mut w, WidgetEntity::Vulnerability, true);
        assert_eq!(w.query, "");
        assert_eq!(w.kind, WidgetKind::Bar);
        assert_eq!(w.group_by.as_deref(), Some("qid"));
        assert_eq!((w.columns.clone(), w.sort.clone()), (None, None));

        let mut w = blank();
        w.base_query = Some("running:true".into());
        w.kind = WidgetKind::Ratio;
        set_entity(&mut w, WidgetEntity::Container, true);
        assert_eq!(w.kind, WidgetKind::Ratio);
        assert_eq!(w.base_query.as_deref(), Some(""));
    }

    #[test]
    fn columns_toggle_in_and_out() {
        let mut w = blank();
        toggle_column(&mut w, "sha");
        toggle_column(&mut w, "created");
        assert_eq!(w.columns, Some(vec!["sha".into(), "created".into()]));
        toggle_column(&mut w, "sha");
        assert_eq!(w.columns, Some(vec!["created".into()]));
    }

    #[test]
    fn the_preview_question_ignores_title_and_place() {
        let mut a = blank();
        a.title = "Mine".into();
        a.layout = Layout::new(10, 10, 6, 4);
        let mut b = a.clone();
        b.title = "Other".into();
        b.layout = Layout::new(0, 0, 8, 5);
        assert_eq!(question(&a), question(&b));
        b.query = "critical:true".into();
        assert_ne!(question(&a), question(&b));
    }
}
