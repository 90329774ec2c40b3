//! What a widget asks the API, as `RequestSpec`s (the body sends them, the "API request" dialog
//! prints them), and which list tab shows the rows behind its answer.

use crate::api::requests;
use crate::components::list::query::url_value;
use shipshape_model::dashboard::findings_as_images;
use shipshape_model::{RequestSpec, TrendSeries, Widget, WidgetEntity, WidgetKind};

/// A count's change is against the count recorded this many days ago (or the oldest recorded
/// since, when the history is shorter).
pub const CHANGE_DAYS: u32 = 7;

/// The count of `filter`'s rows: a list's `count`; findings, which have no list, are counted
/// by their aggregate's `total`.
fn count_request(w: &Widget, filter: &str) -> RequestSpec {
    match w.entity {
        WidgetEntity::Vulnerability => {
            requests::aggregate(w.entity.plural(), filter, "severity", 5)
        }
        _ => requests::count(w.entity.plural(), filter),
    }
}

/// The requests behind a widget, in the order it sends them.
pub fn requests_of(w: &Widget) -> Vec<RequestSpec> {
    let entity = w.entity.plural();
    match w.kind {
        // The count's recorded days give its change over the last week, where they exist.
        WidgetKind::Count if w.entity != WidgetEntity::Vulnerability => vec![
            count_request(w, &w.query),
            requests::trend(entity, &w.query, CHANGE_DAYS + 1, TrendSeries::Count),
        ],
        WidgetKind::Count => vec![count_request(w, &w.query)],
        WidgetKind::Trend => vec![requests::trend(
            entity,
            &w.query,
            w.days.unwrap_or(30),
            w.series.unwrap_or_default(),
        )],
        WidgetKind::Ratio => vec![
            count_request(w, &w.query),
            count_request(w, w.base_query.as_deref().unwrap_or("")),
        ],
        WidgetKind::Bar | WidgetKind::Pie => vec![requests::aggregate(
            entity,
            &w.query,
            w.group_by.as_deref().unwrap_or(""),
            w.limit.unwrap_or(10),
        )],
        WidgetKind::Table => vec![requests::list(
            entity,
            &w.query,
            w.sort.as_deref().unwrap_or("created:desc"),
            1,
            w.limit.unwrap_or(10),
        )],
    }
}

/// The list tab showing the rows behind `filter`. Findings have no tab: theirs is the Images tab
/// with the images that have such findings, when the filter says that in image tokens.
pub fn list_href(w: &Widget, filter: &str) -> Option<String> {
    let (tab, filter) = match w.entity {
        WidgetEntity::Vulnerability => ("images", findings_as_images(filter)?),
        e => (e.plural(), filter.to_string()),
    };
    let mut href = format!("/{tab}");
    if !filter.trim().is_empty() {
        href.push_str(&format!("?filter={}", url_value(&filter)));
    }
    Some(href)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::dashboard::edits::tests::widget;
    use shipshape_model::grid::Layout;

    /// Path and query of each request, as the server sees them.
    fn asked(w: &Widget) -> Vec<(String, Vec<(String, String)>)> {
        requests_of(w)
            .into_iter()
            .map(|s| (s.path, s.query))
            .collect()
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_kind_asks_its_own_questions() {
        let mut w = widget("w", Layout::new(0, 0, 6, 4));
        // A count and its last week's recorded counts.
        assert_eq!(
            asked(&w),
            [
                (
                    "/csapi/v1.3/images".to_string(),
                    q(&[("filter", "critical:true"), ("pageSize", "1")])
                ),
                (
                    "/csapi/v1.3/images/trend".to_string(),
                    q(&[("filter", "critical:true"), ("days", "8")])
                ),
            ]
        );
        // Findings are counted by their aggregate's total, with no history.
        w.entity = WidgetEntity::Vulnerability;
        w.query = "severity:5".into();
        assert_eq!(
            asked(&w),
            [(
                "/csapi/v1.3/vulnerabilities/aggregate".to_string(),
                q(&[
                    ("filter", "severity:5"),
                    ("groupBy", "severity"),
                    ("limit", "5")
                ])
            )]
        );
        // A ratio: the part, then the whole.
        w.kind = WidgetKind::Ratio;
        w.entity = WidgetEntity::Container;
        w.query = "running:true".into();
        w.base_query = Some(String::new());
        assert_eq!(
            asked(&w),
            [
                (
                    "/csapi/v1.3/containers".to_string(),
                    q(&[("filter", "running:true"), ("pageSize", "1")])
                ),
                (
                    "/csapi/v1.3/containers".to_string(),
                    q(&[("pageSize", "1")])
                ),
            ]
        );
        w.kind = WidgetKind::Bar;
        w.group_by = Some("state".into());
        w.limit = Some(4);
        assert_eq!(
            asked(&w),
            [(
                "/csapi/v1.3/containers/aggregate".to_string(),
                q(&[
                    ("filter", "running:true"),
                    ("groupBy", "state"),
                    ("limit", "4")
                ])
            )]
        );
        w.kind = WidgetKind::Table;
        w.sort = None;
        w.limit = None;
        assert_eq!(
            asked(&w),
            [(
                "/csapi/v1.3/containers".to_string(),
                q(&[
                    ("filter", "running:true"),
                    ("sort", "created:desc"),
                    ("pageNumber", "1"),
                    ("pageSize", "10"),
                    ("include", "extensions")
                ])
            )]
        );
        w.kind = WidgetKind::Trend;
        w.days = Some(14);
        w.series = Some(TrendSeries::Created);
        assert_eq!(
            asked(&w),
            [(
                "/csapi/v1.3/containers/trend".to_string(),
                q(&[
                    ("filter", "running:true"),
                    ("days", "14"),
                    ("series", "created")
                ])
            )]
        );
    }

    #[test]
    fn the_list_behind_a_widget_is_its_tab_with_its_filter() {
        let mut w = widget("w", Layout::new(0, 0, 6, 4));
        assert_eq!(
            list_href(&w, "critical:true and name:`a b`").as_deref(),
            Some("/images?filter=critical:true%20and%20name:%60a%20b%60")
        );
        assert_eq!(list_href(&w, "  ").as_deref(), Some("/images"));
        w.entity = WidgetEntity::Sensor;
        assert_eq!(list_href(&w, "").as_deref(), Some("/sensors"));
        // Findings open the images that have them; a `not` has no such list.
        w.entity = WidgetEntity::Vulnerability;
        assert_eq!(
            list_href(&w, "severity:5").as_deref(),
            Some("/images?filter=vulnerabilities.severity:5")
        );
        assert_eq!(list_href(&w, "not severity:5"), None);
    }
}
