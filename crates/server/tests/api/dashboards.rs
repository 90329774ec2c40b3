//! `/csapi/v1.3/dashboards`: stored per user, checked on the way in, versioned with ETags,
//! shared read-only, duplicated, chosen as the landing page.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use shipshape_model::Role;

/// A valid dashboard document.
pub fn sample(name: &str) -> Value {
    json!({
        "schemaVersion": 1, "name": name, "columns": 24,
        "widgets": [
            {"id": "crit", "kind": "count", "title": "Critical images", "entity": "image",
             "query": "vulnerabilities.severity:5", "layout": {"x": 0, "y": 0, "w": 6, "h": 3}},
            {"id": "state", "kind": "pie", "title": "Containers by state", "entity": "container",
             "query": "", "groupBy": "state", "layout": {"x": 6, "y": 0, "w": 6, "h": 6}}
        ]
    })
}

/// Requests as one signed-in user.
struct As<'a> {
    app: &'a TestApp,
    token: String,
}

impl As<'_> {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(m) = if_match {
            req = req.header("if-match", m);
        }
        req.send().await.unwrap()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.app.get(&self.token, path).await
    }

    async fn get_json(&self, path: &str) -> Value {
        self.app.get_json(&self.token, path).await
    }

    async fn post(&self, path: &str, body: Option<&Value>) -> reqwest::Response {
        self.send(Method::POST, path, body, None).await
    }

    async fn put(&self, path: &str, body: &Value, if_match: Option<&str>) -> reqwest::Response {
        self.send(Method::PUT, path, Some(body), if_match).await
    }

    async fn delete(&self, path: &str) -> reqwest::Response {
        self.send(Method::DELETE, path, None, None).await
    }
}

async fn user<'a>(app: &'a TestApp, name: &str, role: Role) -> As<'a> {
    As {
        app,
        token: app.user_token(name, role).await,
    }
}

fn etag(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_string()
}

const DASHBOARDS: &str = "/csapi/v1.3/dashboards";

#[tokio::test]
async fn a_dashboard_is_created_read_updated_with_if_match_and_deleted() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let olga = user(&app, "olga", Role::Operator).await;
    let res = olga.post(DASHBOARDS, Some(&sample("Ops"))).await;
    assert_eq!(res.status(), 201);
    let v1 = etag(&res);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(!id.is_empty());
    assert_eq!(created["widgets"], sample("Ops")["widgets"]);

    let path = format!("{DASHBOARDS}/{id}");
    let res = olga.get(&path).await;
    assert_eq!(etag(&res), v1);
    assert_eq!(res.json::<Value>().await.unwrap(), created);

    let mut changed = sample("Ops, renamed");
    changed["widgets"][1]["layout"]["x"] = 12.into();
    let res = olga.put(&path, &changed, Some(&v1)).await;
    assert_eq!(res.status(), 200);
    let v2 = etag(&res);
    assert_ne!(v1, v2);
    // A save from a tab that loaded the first version is refused, and says why.
    let e = assert_error(olga.put(&path, &sample("Stale"), Some(&v1)).await, 412).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("since you loaded it"),
        "{e}"
    );
    let e = assert_error(olga.put(&path, &sample("x"), None).await, 428).await;
    assert!(e["message"].as_str().unwrap().contains("If-Match"), "{e}");
    assert_eq!(olga.get_json(&path).await["name"], "Ops, renamed");

    let list = olga.get_json(DASHBOARDS).await;
    let row = &list["data"][0];
    assert_eq!(
        (row["id"].as_str(), row["owner"].as_str()),
        (Some(id.as_str()), Some("olga"))
    );
    assert_eq!(
        (row["widgets"].as_u64(), row["shared"].as_bool()),
        (Some(2), Some(false))
    );

    assert_eq!(olga.delete(&path).await.status(), 204);
    assert_error(olga.get(&path).await, 404).await;
}

#[tokio::test]
async fn others_see_a_dashboard_only_when_shared_and_change_only_their_copy() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let olga = user(&app, "olga", Role::Operator).await;
    let omar = user(&app, "omar", Role::Operator).await;
    let vera = user(&app, "vera", Role::Viewer).await;
    let created: Value = olga
        .post(DASHBOARDS, Some(&sample("Mine")))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("{DASHBOARDS}/{id}");
    assert_error(omar.get(&path).await, 404).await;
    assert_eq!(vera.get_json(DASHBOARDS).await["data"], json!([]));

    let shared = olga
        .put(&format!("{path}/sharing"), &json!({"shared": true}), None)
        .await;
    assert_eq!(shared.status(), 200);
    assert_eq!(vera.get_json(&path).await["name"], "Mine");
    let v = etag(&omar.get(&path).await);
    assert_error(omar.put(&path, &sample("Theirs"), Some(&v)).await, 403).await;
    assert_error(omar.delete(&path).await, 403).await;
    assert_error(vera.post(DASHBOARDS, Some(&sample("V"))).await, 403).await;

    let copy = omar.post(&format!("{path}/duplicate"), None).await;
    assert_eq!(copy.status(), 201);
    let copy: Value = copy.json().await.unwrap();
    assert_eq!(copy["name"], "Copy of Mine");
    assert_ne!(copy["id"], created["id"]);
    let names: Vec<Value> = omar.get_json(DASHBOARDS).await["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!([d["name"], d["owner"]]))
        .collect();
    assert_eq!(
        names,
        vec![json!(["Copy of Mine", "omar"]), json!(["Mine", "olga"])]
    );

    // The landing page: any role may choose one it can see.
    let landing = format!("{DASHBOARDS}/landing");
    assert_eq!(
        vera.put(&landing, &json!({"id": id}), None).await.status(),
        204
    );
    assert_eq!(vera.get_json(DASHBOARDS).await["data"][0]["landing"], true);
    assert_error(
        vera.put(&landing, &json!({"id": copy["id"]}), None).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn an_invalid_document_is_refused_naming_the_widget_and_the_field() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let olga = user(&app, "olga", Role::Operator).await;
    let mut bad = sample("Bad");
    bad["widgets"][1]["groupBy"] = "created".into();
    let e = assert_error(olga.post(DASHBOARDS, Some(&bad)).await, 400).await;
    assert_eq!(e["details"][0]["field"], "widgets[state].groupBy", "{e}");
    let mut newer = sample("Newer");
    newer["schemaVersion"] = 2.into();
    let e = assert_error(olga.post(DASHBOARDS, Some(&newer)).await, 400).await;
    assert_eq!(e["details"][0]["field"], "schemaVersion", "{e}");
    let res = app.client.get(app.url(DASHBOARDS)).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

/// Every widget of the library asks a question the server answers, with the request the console
/// sends for its kind (findings are counted by their aggregate's total), and gets rows back.
#[tokio::test]
async fn every_template_widget_gets_an_answer() {
    use shipshape_model::dashboard::templates;
    use shipshape_model::{WidgetEntity, WidgetKind};
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let v = "/csapi/v1.3";
    let widgets = templates::widgets();
    assert!(
        widgets
            .iter()
            .any(|(_, w)| w.entity == WidgetEntity::Vulnerability),
        "the library counts findings"
    );
    for (_, w) in widgets {
        let e = w.entity.plural();
        let q = enc(&w.query);
        let path = match (w.kind, w.entity) {
            (WidgetKind::Count | WidgetKind::Ratio, WidgetEntity::Vulnerability) => {
                format!("{v}/{e}/aggregate?groupBy=severity&filter={q}")
            }
            (WidgetKind::Count | WidgetKind::Ratio, _) => format!("{v}/{e}?pageSize=1&filter={q}"),
            (WidgetKind::Bar | WidgetKind::Pie, _) => format!(
                "{v}/{e}/aggregate?groupBy={}&limit={}&filter={q}",
                w.group_by.as_deref().unwrap(),
                w.limit.unwrap_or(10)
            ),
            (WidgetKind::Table, _) => format!(
                "{v}/{e}?pageSize={}&sort={}&filter={q}",
                w.limit.unwrap_or(10),
                w.sort.as_deref().unwrap_or("created:desc")
            ),
            (WidgetKind::Trend, _) => format!("{v}/{e}/trend?days={}&filter={q}", w.days.unwrap()),
        };
        let answer = app.get_json(&t, &path).await;
        let rows = answer["count"]
            .as_u64()
            .or(answer["total"].as_u64())
            .or(answer["points"][0]["count"].as_u64())
            .unwrap_or_else(|| panic!("{}: {path}: {answer}", w.id));
        assert!(rows > 0, "{}: the demo data has rows for {path}", w.id);
    }
}
