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
