use super::*;

/// A valid document with one widget of each kind that needs its own fields.
fn doc() -> serde_json::Value {
    serde_json::json!({
        "schemaVersion": 1, "id": "d1", "name": "Vulnerability overview", "columns": 24,
        "widgets": [
            {"id": "crit", "kind": "count", "title": "Critical images", "entity": "image",
             "query": "vulnerabilities.severity:5", "layout": {"x": 0, "y": 0, "w": 6, "h": 3}},
            {"id": "root", "kind": "ratio", "title": "Root containers", "entity": "container",
             "query": "isRoot:true", "baseQuery": "", "layout": {"x": 6, "y": 0, "w": 6, "h": 3}},
            {"id": "sev", "kind": "bar", "title": "Images by severity", "entity": "image",
             "query": "", "groupBy": "vulnerabilities.severity", "limit": 5,
             "layout": {"x": 12, "y": 0, "w": 12, "h": 6, "minW": 4, "minH": 3}},
            {"id": "top", "kind": "table", "title": "Top images", "entity": "image", "query": "",
             "columns": ["repo.repository", "size"], "sort": "size:desc", "limit": 10,
             "layout": {"x": 0, "y": 3, "w": 12, "h": 6}},
            {"id": "trend", "kind": "trend", "title": "Severity 5 findings", "entity": "image",
             "query": "vulnerabilities.severity:5", "days": 30,
             "layout": {"x": 0, "y": 9, "w": 24, "h": 4}}
        ]
    })
}

fn import(v: &serde_json::Value) -> Result<Dashboard, ImportError> {
    Dashboard::import(&v.to_string())
}

/// The refusal for `doc()` changed by `edit`: (widget, field).
fn refusal(edit: impl FnOnce(&mut serde_json::Value)) -> (Option<String>, String) {
    let mut v = doc();
    edit(&mut v);
    let e = import(&v).expect_err("refused");
    assert!(!e.message.is_empty());
    (e.widget, e.field)
}

fn at(w: &str, f: &str) -> (Option<String>, String) {
    (Some(w.to_string()), f.to_string())
}

#[test]
fn a_valid_document_round_trips() {
    let d = import(&doc()).unwrap();
    assert_eq!(d.widgets.len(), 5);
    assert_eq!(
        d.widgets[2].layout,
        Layout::new(12, 0, 12, 6).with_min(4, 3)
    );
    let again = Dashboard::import(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(again, d);
}

#[test]
fn the_schema_version_is_checked_first() {
    let e = import(&serde_json::json!({"schemaVersion": 2, "widgets": "whatever"})).unwrap_err();
    assert_eq!(e.field, "schemaVersion");
    assert!(e.message.contains("reads 1"), "{e}");
    let e = import(&serde_json::json!({"name": "x"})).unwrap_err();
    assert_eq!(e.field, "schemaVersion");
    assert_eq!(
        Dashboard::import("{not json").unwrap_err().field,
        "document"
    );
}

#[test]
fn each_refusal_names_the_widget_and_the_field() {
    assert_eq!(
        refusal(|v| v["widgets"][0]["kind"] = "gauge".into()),
        at("crit", "widget")
    );
    assert_eq!(
        refusal(|v| v["widgets"][0]["query"] = "severity:5".into()),
        at("crit", "query")
    );
    assert_eq!(
        refusal(|v| v["widgets"][0]["title"] = " ".into()),
        at("crit", "title")
    );
    assert_eq!(
        refusal(|v| v["widgets"][1]["id"] = "crit".into()),
        at("crit", "id")
    );
    assert_eq!(
        refusal(|v| v["widgets"][1]
            .as_object_mut()
            .unwrap()
            .remove("baseQuery")
            .map(drop)
            .unwrap()),
        at("root", "baseQuery")
    );
    assert_eq!(
        refusal(|v| v["widgets"][2]["groupBy"] = "created".into()),
        at("sev", "groupBy")
    );
    assert_eq!(
        refusal(|v| v["widgets"][2]["groupBy"] = "nosuch".into()),
        at("sev", "groupBy")
    );
    assert_eq!(
        refusal(|v| v["widgets"][2]["limit"] = 0.into()),
        at("sev", "limit")
    );
    assert_eq!(
        refusal(|v| v["widgets"][3]["columns"] = serde_json::json!([])),
        at("top", "columns")
    );
    assert_eq!(
        refusal(|v| v["widgets"][3]["columns"] = serde_json::json!(["size", "bogus"])),
        at("top", "columns")
    );
    assert_eq!(
        refusal(|v| v["widgets"][3]["sort"] = "repo.tag:asc".into()),
        at("top", "sort")
    );
    assert_eq!(
        refusal(|v| v["widgets"][4]["days"] = 0.into()),
        at("trend", "days")
    );
    assert_eq!(
        refusal(|v| v["widgets"][4]["entity"] = "vulnerability".into()),
        at("trend", "entity")
    );
    assert_eq!(
        refusal(
            |v| v["widgets"][4]["layout"] = serde_json::json!({"x": 20, "y": 9, "w": 6, "h": 4})
        ),
        at("trend", "layout")
    );
    assert_eq!(
        refusal(
            |v| v["widgets"][4]["layout"] = serde_json::json!({"x": 0, "y": 1, "w": 24, "h": 4})
        ),
        at("trend", "layout"),
        "overlaps the widgets above"
    );
    assert_eq!(
        refusal(|v| v["widgets"][0]["colour"] = "red".into()),
        at("crit", "widget")
    );
    assert_eq!(
        refusal(|v| v["widgets"][0]
            .as_object_mut()
            .unwrap()
            .remove("id")
            .map(drop)
            .unwrap()),
        at("#1", "widget")
    );
    assert_eq!(
        refusal(|v| v["columns"] = 12.into()),
        (None, "columns".to_string())
    );
    assert_eq!(
        refusal(|v| v["name"] = "".into()),
        (None, "name".to_string())
    );
}

#[test]
fn every_template_dashboard_passes_the_import_checks_and_fills_rows_without_gaps() {
    let names = templates::dashboard_names();
    assert_eq!(
        names,
        ["Vulnerability overview", "Sensor health", "Runtime"],
        "the spec's three templates, the landing one first"
    );
    for name in names {
        let d = templates::dashboard(name).unwrap();
        let back = Dashboard::import(&serde_json::to_string(&d).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, d);
        let layouts: Vec<_> = d.widgets.iter().map(|w| w.layout).collect();
        assert_eq!(
            crate::grid::compact(&layouts, None),
            layouts,
            "{name} is already compact"
        );
        assert!(d.widgets.iter().any(|w| w.layout.y == 0));
    }
    assert_eq!(
        templates::vulnerability_overview().name,
        "Vulnerability overview"
    );
}

#[test]
fn every_widget_template_is_valid_on_its_own_and_ids_are_unique() {
    let all = templates::widgets();
    let mut ids: Vec<&str> = all.iter().map(|(_, w)| w.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    for group in templates::Group::ALL {
        assert!(
            all.iter().any(|(g, _)| *g == group),
            "{} has templates",
            group.label()
        );
    }
    for (_, w) in all {
        let d = Dashboard {
            schema_version: 1,
            id: String::new(),
            name: "one".into(),
            description: None,
            columns: 24,
            widgets: vec![w.clone()],
        };
        d.check().unwrap_or_else(|e| panic!("{}: {e}", w.id));
        let min = templates::default_layout(w.kind);
        assert!(w.layout.w >= min.min_w && w.layout.h >= min.min_h);
    }
}

#[test]
fn fresh_ids_skip_the_taken_ones() {
    assert_eq!(templates::fresh_id("a", &[]), "a");
    assert_eq!(templates::fresh_id("a", &["a", "a-2"]), "a-3");
}

#[test]
fn group_filters_select_exactly_the_group_and_parse() {
    use shipshape_qql::Entity;
    let cases = [
        (Entity::Container, "", "state", "RUNNING", "state:RUNNING"),
        (
            Entity::Image,
            "operatingSystem:debian or operatingSystem:alpine",
            "vulnerabilities.severity",
            "5",
            "(operatingSystem:debian or operatingSystem:alpine) and vulnerabilities.severity:5",
        ),
        (Entity::Container, "", "isRoot", "true", "isRoot:true"),
        (
            Entity::Image,
            "",
            "repo.registry",
            "docker.io",
            "repo.registry:`docker.io`",
        ),
        (
            Entity::Sensor,
            "",
            "sensorVersion",
            "1.2 `x\\",
            "sensorVersion:`1.2 \\`x\\\\`",
        ),
    ];
    for (entity, query, token, key, want) in cases {
        let got = group_filter(entity, query, token, key);
        assert_eq!(got, want);
        shipshape_qql::parse(&got, entity).unwrap_or_else(|e| panic!("{got}: {e:?}"));
    }
}

#[test]
fn findings_widgets_count_and_group_but_have_no_table_or_trend() {
    let mut v = doc();
    v["widgets"][0]["entity"] = "vulnerability".into();
    v["widgets"][0]["query"] = "severity:5 and patchAvailable:true".into();
    v["widgets"][2]["entity"] = "vulnerability".into();
    v["widgets"][2]["groupBy"] = "cveids".into();
    let d = import(&v).expect("findings count and bar widgets are valid");
    assert_eq!(d.widgets[0].entity, WidgetEntity::Vulnerability);
    // Image tokens are not findings' tokens.
    assert_eq!(
        refusal(|v| {
            v["widgets"][0]["entity"] = "vulnerability".into();
        }),
        at("crit", "query")
    );
    assert_eq!(
        refusal(|v| v["widgets"][3]["entity"] = "vulnerability".into()),
        at("top", "entity")
    );
}

#[test]
fn findings_open_as_the_images_that_have_them() {
    let cases = [
        ("", Some("")),
        ("severity:5", Some("vulnerabilities.severity:5")),
        (
            "qid:1234 or cveids:`CVE-2024-1`",
            Some("vulnerabilities.qid:1234 or vulnerabilities.cveids:`CVE-2024-1`"),
        ),
        (
            "severity>=4 and software.name:openssl",
            Some("vulnerabilities.severity>=4 and software.name:openssl"),
        ),
        // Images without a finding are not the findings' complement; images have no category.
        ("not severity:5", None),
        ("category:Debian", None),
        ("severity:", None),
    ];
    for (findings, images) in cases {
        let got = findings_as_images(findings);
        assert_eq!(got.as_deref(), images, "{findings}");
        if let Some(q) = got {
            shipshape_qql::parse(&q, shipshape_qql::Entity::Image)
                .unwrap_or_else(|e| panic!("{q}: {e:?}"));
        }
    }
}

#[test]
fn a_trend_says_what_its_days_count_and_an_unknown_series_is_refused() {
    let mut v = doc();
    v["widgets"][4]["series"] = serde_json::json!("created");
    let d = import(&v).unwrap();
    assert_eq!(d.widgets[4].series, Some(crate::TrendSeries::Created));
    let written = serde_json::to_value(&d).unwrap();
    assert_eq!(written["widgets"][4]["series"], "created");
    assert!(
        written["widgets"][0].get("series").is_none(),
        "absent when not set: {written}"
    );
    v["widgets"][4]["series"] = serde_json::json!("weekly");
    let e = import(&v).unwrap_err();
    assert!(e.message.contains("weekly"), "{e}");
}
