//! The contract, checked against the served OpenAPI document: every GET operation the document
//! lists (every version prefix, every route the router serves) is called on the demo fleet with
//! and without `include=extensions`, and each answer is checked strictly against the document's
//! schema for its status. An unknown key fails; an extension field (`x-extension: true`) fails
//! without `include=extensions`, and each one must appear at least once with it. The compatible
//! fields the document lists are compared with `shared/spec/api.md`. Query parameters are
//! driven from the document too: out-of-range numbers and values outside an enum are 400s that
//! name the parameter, and every enum value is accepted, so the document cannot name a
//! parameter the server does not read.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The compatible field names of each object, as `shared/spec/api.md` ("Objects") lists them.
const SPEC_FIELDS: &[(&str, &[&str])] = &[
    (
        "Sensor",
        &[
            "uuid",
            "sensorId",
            "name",
            "hostname",
            "hostUuid",
            "ipv4",
            "ipv6",
            "macAddress",
            "sensorVersion",
            "vulnSigVersion",
            "dockerVersion",
            "os",
            "platform",
            "sensorType",
            "status",
            "configurationProfile",
            "privileged",
            "created",
            "lastCheckedIn",
            "label",
            "cluster",
        ],
    ),
    (
        "Image",
        &[
            "uuid",
            "imageId",
            "sha",
            "created",
            "updated",
            "lastScanned",
            "lastUsedDate",
            "repo",
            "repoDigests",
            "size",
            "vulnerabilities",
            "associatedContainersCount",
            "associatedHostsCount",
            "source",
            "scanStatus",
            "operatingSystem",
        ],
    ),
    (
        "ImageDetails",
        &[
            "uuid",
            "imageId",
            "sha",
            "created",
            "updated",
            "lastScanned",
            "lastUsedDate",
            "repo",
            "repoDigests",
            "size",
            "associatedContainersCount",
            "associatedHostsCount",
            "source",
            "scanStatus",
            "operatingSystem",
            "architecture",
            "author",
            "label",
            "layers",
            "host",
            "softwares",
            "vulnerabilities",
        ],
    ),
    (
        "Container",
        &[
            "uuid",
            "containerId",
            "sha",
            "name",
            "imageId",
            "imageUuid",
            "imageSha",
            "created",
            "updated",
            "stateChanged",
            "lastScanned",
            "state",
            "host",
            "isRoot",
            "privileged",
            "vulnerabilities",
            "cluster",
        ],
    ),
    (
        "ContainerDetails",
        &[
            "uuid",
            "containerId",
            "sha",
            "name",
            "imageId",
            "imageUuid",
            "imageSha",
            "created",
            "updated",
            "stateChanged",
            "lastScanned",
            "state",
            "host",
            "isRoot",
            "privileged",
            "cluster",
            "command",
            "arguments",
            "environment",
            "portMapping",
            "label",
            "operatingSystem",
            "softwares",
            "vulnerabilities",
        ],
    ),
    (
        "Vulnerability",
        &[
            "qid",
            "title",
            "severity",
            "cveids",
            "cvssInfo",
            "cvss3Info",
            "category",
            "typeDetected",
            "firstFound",
            "lastFound",
            "published",
            "patchAvailable",
            "software",
            "threatIntel",
        ],
    ),
    (
        "Software",
        &[
            "name",
            "version",
            "fixVersion",
            "packagePath",
            "vulnerabilities",
        ],
    ),
    (
        "SeverityCounts",
        &[
            "severity1Count",
            "severity2Count",
            "severity3Count",
            "severity4Count",
            "severity5Count",
        ],
    ),
    ("Label", &["key", "value"]),
    ("RepoTag", &["registry", "repository", "tag"]),
    ("RepoDigest", &["registry", "repository", "digest"]),
    ("Layer", &["sha", "size", "created", "createdBy"]),
    ("HostRef", &["sensorUuid", "hostname", "ipAddress", "uuid"]),
    ("PortMapping", &["hostIp", "hostPort", "port", "protocol"]),
    ("Cluster", &["type", "version", "k8s"]),
];

fn is_extension(s: &Value) -> bool {
    s.get("x-extension") == Some(&Value::Bool(true))
}

/// Strict validation of answers against the document.
struct Checker<'a> {
    schemas: &'a serde_json::Map<String, Value>,
    extensions: bool,
    /// (schema, field) of every extension field seen in an answer.
    seen: BTreeSet<(String, String)>,
}

/// A schema with its `$ref` followed, and the component's name when it was one.
fn resolve<'s>(
    schemas: &'s serde_json::Map<String, Value>,
    s: &'s Value,
) -> (&'s Value, Option<&'s str>) {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            let target = schemas
                .get(name)
                .unwrap_or_else(|| panic!("the document refers to {r}, which it lacks"));
            (target, Some(name))
        }
        None => (s, None),
    }
}

impl<'a> Checker<'a> {
    /// Problems with `v` at `at` against schema `s` (owned by component `owner`).
    fn check<'s>(&mut self, s: &'s Value, v: &Value, at: &str, owner: &str) -> Vec<String>
    where
        'a: 's,
    {
        let schemas: &'s serde_json::Map<String, Value> = self.schemas;
        let (s, named) = resolve(schemas, s);
        let owner = named.unwrap_or(owner).to_string();
        let mut errors = Vec::new();
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                errors.extend(self.check(sub, v, at, &owner));
            }
        }
        if let Some(any) = s.get("oneOf").and_then(Value::as_array) {
            let mut matched = 0;
            let mut first = Vec::new();
            for sub in any {
                let e = self.check(sub, v, at, &owner);
                if e.is_empty() {
                    matched += 1;
                } else if first.is_empty() {
                    first = e;
                }
            }
            if matched != 1 {
                errors.push(format!("{at}: matches {matched} of oneOf ({first:?})"));
            }
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let ok = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "string" => v.is_string(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            });
            if !ok {
                errors.push(format!("{at}: {v} is not of type {types:?}"));
                return errors;
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !v.is_null() && !e.contains(v) {
                errors.push(format!("{at}: {v} is not one of {e:?}"));
            }
        }
        if let (Some(n), Some(min)) = (v.as_f64(), s.get("minimum").and_then(Value::as_f64)) {
            if n < min {
                errors.push(format!("{at}: {n} < minimum {min}"));
            }
        }
        if let (Some(n), Some(max)) = (v.as_f64(), s.get("maximum").and_then(Value::as_f64)) {
            if n > max {
                errors.push(format!("{at}: {n} > maximum {max}"));
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                errors.extend(self.check(items, x, &format!("{at}[{i}]"), &owner));
            }
        }
        if let (Some(obj), Some(props)) = (v.as_object(), s.get("properties")) {
            let props = props.as_object().expect("properties is an object");
            assert_eq!(
                s.get("additionalProperties"),
                Some(&Value::Bool(false)),
                "{owner} ({at}) does not say additionalProperties: false"
            );
            for (k, x) in obj {
                let Some(ps) = props.get(k) else {
                    errors.push(format!("{at}: unknown key '{k}' (not in {owner})"));
                    continue;
                };
                if is_extension(ps) {
                    if self.extensions {
                        self.seen.insert((owner.clone(), k.clone()));
                    } else {
                        errors.push(format!(
                            "{at}: extension field '{k}' of {owner} sent without include=extensions"
                        ));
                    }
                }
                errors.extend(self.check(ps, x, &format!("{at}.{k}"), &owner));
            }
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let r = r.as_str().unwrap();
                if !obj.contains_key(r) {
                    errors.push(format!("{at}: required '{r}' of {owner} is missing"));
                }
            }
        }
        errors
    }
}

/// Every extension field the document marks: (schema, field).
fn marked_extensions(schemas: &serde_json::Map<String, Value>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (name, s) in schemas {
        for (k, p) in s["properties"].as_object().into_iter().flatten() {
            if is_extension(p) {
                out.insert((name.clone(), k.clone()));
            }
        }
    }
    out
}

struct Fleet {
    values: BTreeMap<&'static str, String>,
}

impl Fleet {
    async fn new(app: &TestApp, t: &str) -> Fleet {
        let first = |v: Value, key: &str| v["data"][0][key].as_str().unwrap().to_string();
        let image = first(
            app.get_json(t, "/csapi/v1.3/images?pageSize=1").await,
            "sha",
        );
        let container = first(
            app.get_json(t, "/csapi/v1.3/containers?pageSize=1").await,
            "sha",
        );
        let sensor = first(
            app.get_json(t, "/csapi/v1.3/sensors?pageSize=1").await,
            "uuid",
        );
        // A deletion job that names an id no container has: it runs and deletes nothing.
        let job: Value = app
            .client
            .delete(app.url("/csapi/v1.3/containers?containerIds=000000000000"))
            .bearer_auth(t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let job = job["deletionJobId"].as_str().unwrap().to_string();
        app.wait_job(t, &job).await;
        let dashboard: Value = app
            .client
            .post(app.url("/csapi/v1.3/dashboards"))
            .bearer_auth(t)
            .json(&crate::dashboards::sample("Contract"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let dashboard = dashboard["id"].as_str().unwrap().to_string();
        let profile = first(app.get_json(t, "/csapi/v1.3/sensorProfile").await, "id");
        // A generated report (its file downloadable) and a schedule.
        let report = crate::reports::generated(
            app,
            t,
            serde_json::json!({"name": "Contract", "templateName": "CS_Images", "displayColumns": []}),
        )
        .await;
        // And one that failed (its reason is an extension field).
        let failed = crate::reports::generated(
            app,
            t,
            serde_json::json!({"name": "Failed", "templateName": "CS_Images"}),
        )
        .await;
        app.exec(&format!(
            "UPDATE reports SET status = 'FAILED', error = 'The report could not be generated.' \
             WHERE uuid = '{failed}'"
        ))
        .await;
        let schedule: String = app
            .client
            .post(app.url("/csapi/v1.3/reports/schedule"))
            .bearer_auth(t)
            .json(&crate::reports::weekly(&["MONDAY"]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Fleet {
            values: BTreeMap::from([
                ("images", image),
                ("containers", container),
                ("sensors", sensor),
                ("jobs", job),
                ("dashboards", dashboard),
                ("sensorProfile", profile),
                ("reports", report),
                ("schedule", schedule),
                ("users", "admin".to_string()),
            ]),
        }
    }

    /// `path` with its `{…}` filled from the fleet: the id of the collection it sits under.
    fn fill(&self, path: &str) -> String {
        self.fill_with(path, None)
    }

    /// `path` with its `{…}` filled with an id nothing has.
    fn fill_missing(&self, path: &str) -> String {
        self.fill_with(path, Some("no-such-id"))
    }

    fn fill_with(&self, path: &str, id: Option<&str>) -> String {
        let mut out = Vec::new();
        let mut parent = "";
        for seg in path.split('/') {
            if seg.starts_with('{') {
                let v = self.values.get(parent).unwrap_or_else(|| {
                    panic!("no demo value for {seg} in {path}: teach the contract test")
                });
                out.push(id.unwrap_or(v).to_string());
            } else {
                parent = seg;
                out.push(seg.to_string());
            }
        }
        out.join("/")
    }
}

fn get_operations(doc: &Value) -> Vec<(String, Value)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(p, item)| item.get("get").map(|op| (p.clone(), op.clone())))
        .collect()
}

fn query_params(op: &Value) -> Vec<Value> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .cloned()
        .collect()
}

/// A value for each required query parameter (the first of its enum).
fn required_query(op: &Value) -> Vec<(String, String)> {
    query_params(op)
        .iter()
        .filter(|p| p["required"] == true)
        .map(|p| {
            let v = p["schema"]["enum"][0]
                .as_str()
                .unwrap_or_else(|| panic!("required parameter {p} has no enum to pick from"));
            (p["name"].as_str().unwrap().to_string(), v.to_string())
        })
        .collect()
}

async fn call(
    app: &TestApp,
    t: Option<&str>,
    path: &str,
    query: &[(String, String)],
) -> (u16, Value) {
    let mut req = app.client.get(app.url(path)).query(query);
    if let Some(t) = t {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let json = res
        .headers()
        .get("content-type")
        .and_then(|c| c.to_str().ok())
        .is_none_or(|c| c.contains("json"));
    let body = res.text().await.unwrap();
    if !json {
        // A file (a report's CSV): the caller checks its operation documents it.
        return (status, Value::String(body));
    }
    let v = serde_json::from_str(&body).unwrap_or_else(|_| panic!("GET {path}: not JSON: {body}"));
    (status, v)
}

/// The answer's schema for `status`, or a failure naming the undocumented status.
fn response_schema<'a>(op: &'a Value, path: &str, status: u16) -> &'a Value {
    let r = op["responses"].get(status.to_string()).unwrap_or_else(|| {
        panic!("GET {path} answered {status}, which its operation does not document")
    });
    &r["content"]["application/json"]["schema"]
}

#[tokio::test]
async fn the_documented_fields_are_the_spec_s_compatible_fields_plus_marked_extensions() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let doc: Value = app
        .client
        .get(app.url("/csapi/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, fields) in SPEC_FIELDS {
        let props = schemas[*name]["properties"].as_object().unwrap();
        let compatible: BTreeSet<&str> = props
            .iter()
            .filter(|(_, p)| !is_extension(p))
            .map(|(k, _)| k.as_str())
            .collect();
        let spec: BTreeSet<&str> = fields.iter().copied().collect();
        assert_eq!(
            compatible, spec,
            "{name}: the document's unmarked fields must be the spec's compatible fields \
             (mark Shipshape's own fields as extensions)"
        );
    }
    let marked = marked_extensions(schemas);
    for (schema, field) in [
        ("Sensor", "deployment"),
        ("Sensor", "updateAvailable"),
        ("Sensor", "latestVersion"),
    ] {
        assert!(
            marked.contains(&(schema.to_string(), field.to_string())),
            "{schema}.{field} is an extension in the spec"
        );
    }
}

#[tokio::test]
async fn every_documented_answer_matches_its_schema_strictly_with_and_without_extensions() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let doc = app.get_json(&t, "/csapi/openapi.json").await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let fleet = Fleet::new(&app, &t).await;
    let mut with = Checker {
        schemas,
        extensions: true,
        seen: BTreeSet::new(),
    };
    let mut without = Checker {
        schemas,
        extensions: false,
        seen: BTreeSet::new(),
    };
    let ops = get_operations(&doc);
    assert!(
        ops.len() >= 30,
        "the document lists {} GET operations",
        ops.len()
    );
    let mut failures = Vec::new();
    for (template, op) in &ops {
        let path = fleet.fill(template);
        let base = required_query(op);
        let takes_include = query_params(op).iter().any(|p| p["name"] == "include");
        let mut runs = vec![(false, base.clone())];
        if takes_include {
            let mut q = base.clone();
            q.push(("include".into(), "extensions".into()));
            runs.push((true, q));
        }
        for (ext, query) in runs {
            let (status, body) = call(&app, Some(&t), &path, &query).await;
            assert!(
                status == 200 || (template == "/readyz" && status == 503),
                "GET {path} {query:?} → {status}: {body}"
            );
            if body.is_string() {
                let documented = op["responses"][status.to_string()]["content"]
                    .as_object()
                    .is_some_and(|c| c.keys().any(|k| !k.contains("json")));
                assert!(
                    documented,
                    "GET {path}: a file, but only JSON is documented"
                );
                continue;
            }
            let schema = response_schema(op, &path, status);
            let checker = if ext { &mut with } else { &mut without };
            for e in checker.check(schema, &body, "$", template) {
                failures.push(format!("GET {path} (include=extensions: {ext}): {e}"));
            }
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured {
            let (status, body) = call(&app, None, &path, &base).await;
            assert_eq!(status, 401, "GET {path} without credentials: {body}");
            let schema = response_schema(op, &path, status);
            failures.extend(without.check(schema, &body, "$", template));
        }
        if template.contains('{') {
            let missing = fleet.fill_missing(template);
            let (status, body) = call(&app, Some(&t), &missing, &base).await;
            assert_eq!(status, 404, "GET {missing}: {body}");
            let schema = response_schema(op, &missing, status);
            failures.extend(without.check(schema, &body, "$", template));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let marked = marked_extensions(schemas);
    let unseen: Vec<_> = marked.difference(&with.seen).collect();
    assert!(
        unseen.is_empty(),
        "extension fields never sent with include=extensions: {unseen:?}"
    );
    assert!(!marked.is_empty());
}

#[tokio::test]
async fn documented_query_parameters_are_the_ones_the_server_reads() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let doc = app.get_json(&t, "/csapi/openapi.json").await;
    let fleet = Fleet::new(&app, &t).await;
    let mut checked = 0;
    for (template, op) in get_operations(&doc) {
        let path = fleet.fill(&template);
        let base = required_query(&op);
        for p in query_params(&op) {
            let name = p["name"].as_str().unwrap().to_string();
            let schema = &p["schema"];
            let with = |v: String| {
                let mut q: Vec<(String, String)> =
                    base.iter().filter(|(k, _)| *k != name).cloned().collect();
                q.push((name.clone(), v));
                q
            };
            let mut bad = Vec::new();
            let mut good = Vec::new();
            if let Some(max) = schema["maximum"].as_i64() {
                bad.push((max + 1).to_string());
                good.push(max.to_string());
            }
            if let Some(min) = schema["minimum"].as_i64() {
                bad.push((min - 1).to_string());
                good.push(min.to_string());
            }
            if schema["type"] == "integer" {
                bad.push("ten".into());
            }
            if let Some(values) = schema["enum"].as_array() {
                bad.push("no-such-value".into());
                good.extend(values.iter().map(|v| v.as_str().unwrap().to_string()));
            }
            if let Some(pattern) = schema["pattern"].as_str() {
                assert!(
                    pattern.starts_with('^'),
                    "{template} {name}: anchored pattern"
                );
                bad.push("~not~it~".into());
            }
            for v in bad {
                let (status, body) = call(&app, Some(&t), &path, &with(v.clone())).await;
                assert_eq!(status, 400, "GET {path}?{name}={v}: {body}");
                assert_eq!(
                    body["details"][0]["field"], name,
                    "GET {path}?{name}={v}: {body}"
                );
                response_schema(&op, &path, status);
                checked += 1;
            }
            for v in good {
                let (status, body) = call(&app, Some(&t), &path, &with(v.clone())).await;
                assert_eq!(status, 200, "GET {path}?{name}={v}: {body}");
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked} parameter values checked");
}

/// Issue 14: the older paths answer in their version's vocabulary. For every row of the
/// mapping table, a record holding the newer value is read through each version's paths: the
/// current one answers the value itself, each older one answers the mapped value, everything
/// else in the answer is the same, and each answer passes its own path's schema (whose enum is
/// the older version's). Then the whole demo fleet is read through `/csapi/v1.1` and checked,
/// as a strict v1.1 client would decode it.
#[tokio::test]
async fn older_versions_answer_in_their_own_vocabulary() {
    use shipshape_model::contract::{Contract, LEGACY_FIELDS};
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let doc = app.get_json(&t, "/csapi/openapi.json").await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut checker = Checker {
        schemas,
        extensions: false,
        seen: BTreeSet::new(),
    };
    // The record for each object: a demo cluster sensor; an image a cluster sensor reported
    // (the demo has none, so one is written through the store).
    let cluster = app
        .get_json(
            &t,
            "/csapi/v1.3/sensors?filter=sensorType%3ACLUSTER&pageSize=1",
        )
        .await["data"][0]["uuid"]
        .as_str()
        .expect("the demo fleet has cluster sensors")
        .to_string();
    let sha = format!("{:064x}", 0xc1u8);
    let mut image = image_record("cluster-image", &sha);
    image.source = vec!["CLUSTER".into(), "REGISTRY".into()];
    app.store.upsert_image(&image).await.unwrap();
    let mut covered = 0;
    for rule in LEGACY_FIELDS {
        for object in rule.objects {
            // (path under a version prefix, where the record sits in the answer)
            let reads: Vec<(String, &str)> = match *object {
                "Sensor" => vec![
                    (format!("/sensors/{cluster}"), "$"),
                    (format!("/sensors?filter=uuid%3A{cluster}"), "/data/0"),
                ],
                "Image" => vec![(format!("/images?filter=sha%3A{sha}"), "/data/0")],
                "ImageDetails" => vec![
                    (format!("/images/{sha}"), "$"),
                    (format!("/images/list?filter=sha%3A{sha}"), "/data/0"),
                ],
                other => panic!("no test reads a {other} holding a newer value"),
            };
            for (path, at) in reads {
                let current = app.get_json(&t, &format!("/csapi/v1.3{path}")).await;
                let pointer = at.trim_start_matches('$');
                let newer = &current.pointer(pointer).unwrap()[rule.field];
                let (from, to) = rule.mapped[0];
                let holds =
                    |v: &Value| v == from || v.as_array().is_some_and(|a| a.contains(&from.into()));
                assert!(
                    holds(newer),
                    "v1.3{path}: {} is {newer}, not {from}",
                    rule.field
                );
                for contract in Contract::ALL.into_iter().filter(|c| rule.applies_to(*c)) {
                    let prefix = format!("/csapi/{}", contract.as_str());
                    let template = doc["paths"]
                        .as_object()
                        .unwrap()
                        .keys()
                        .filter(|p| p.starts_with(&prefix))
                        .find(|p| same_route(p, &format!("{prefix}{path}")));
                    let Some(template) = template else {
                        continue; // v1.2 serves only the image list
                    };
                    let older = app.get_json(&t, &format!("{prefix}{path}")).await;
                    let value = &older.pointer(pointer).unwrap()[rule.field];
                    assert!(
                        !holds(value),
                        "{prefix}{path}: {} still {value}",
                        rule.field
                    );
                    assert!(
                        value == to || value.as_array().is_some_and(|a| a.contains(&to.into())),
                        "{prefix}{path}: {} is {value}, not {to}",
                        rule.field
                    );
                    // Only the restricted field differs.
                    let (mut a, mut b) = (current.clone(), older.clone());
                    a.pointer_mut(pointer).unwrap()[rule.field] = Value::Null;
                    b.pointer_mut(pointer).unwrap()[rule.field] = Value::Null;
                    assert_eq!(a, b, "{prefix}{path}: more than {} differs", rule.field);
                    // Each answer is valid against its own path's schema.
                    let op = &doc["paths"][template]["get"];
                    let schema = response_schema(op, template, 200);
                    let errors = checker.check(schema, &older, "$", template);
                    assert!(errors.is_empty(), "{prefix}{path}: {errors:?}");
                    let enum_values = field_enum(schemas, schema, pointer, rule.field);
                    assert_eq!(
                        enum_values, rule.values,
                        "{template}: {}'s enum",
                        rule.field
                    );
                    let current_template = template.replace(&prefix, "/csapi/v1.3");
                    let op = &doc["paths"][&current_template]["get"];
                    let schema = response_schema(op, &current_template, 200);
                    let errors = checker.check(schema, &current, "$", &current_template);
                    assert!(errors.is_empty(), "v1.3{path}: {errors:?}");
                    let described = op["description"].as_str().unwrap_or_default();
                    assert!(!described.contains("vocabulary"), "{current_template}");
                    let described = doc["paths"][template]["get"]["description"]
                        .as_str()
                        .unwrap_or_default();
                    assert!(
                        described.contains(&format!("{from} is answered as {to}")),
                        "{template} does not document the mapping: {described}"
                    );
                    covered += 1;
                }
            }
        }
    }
    // Sensor: detail and list under v1.1; Image: the list under v1.1 and v1.2; ImageDetails:
    // detail and bulk list under v1.1.
    assert_eq!(covered, 6, "reads checked");

    // The whole fleet, as a strict v1.1 client decodes it: every page of every list.
    for list in ["sensors", "images", "containers"] {
        let template = format!("/csapi/v1.1/{list}");
        let op = &doc["paths"][&template]["get"];
        let schema = response_schema(op, &template, 200);
        let mut page = 1;
        let mut rows = 0;
        loop {
            let v = app
                .get_json(&t, &format!("{template}?pageSize=1000&pageNumber={page}"))
                .await;
            let errors = checker.check(schema, &v, "$", &template);
            assert!(errors.is_empty(), "{template} page {page}: {errors:?}");
            let n = v["data"].as_array().unwrap().len();
            rows += n;
            if n < 1000 {
                break;
            }
            page += 1;
        }
        assert!(rows > 10, "{template}: {rows} rows");
    }
}

/// Whether a document path template (`/csapi/v1.1/sensors/{uuid}`) serves `path`.
fn same_route(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap();
    let (a, b): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
}

/// The enum the schema gives `field` of the object at `pointer` (`""` or `/data/0`).
fn field_enum(
    schemas: &serde_json::Map<String, Value>,
    schema: &Value,
    pointer: &str,
    field: &str,
) -> Vec<String> {
    let mut s = resolve(schemas, schema).0;
    for step in pointer.split('/').filter(|s| !s.is_empty()) {
        s = if step.parse::<usize>().is_ok() {
            resolve(schemas, &s["items"]).0
        } else {
            resolve(schemas, &s["properties"][step]).0
        };
    }
    let f = resolve(schemas, &s["properties"][field]).0;
    let e = if f["type"] == "array" {
        &f["items"]["enum"]
    } else {
        &f["enum"]
    };
    e.as_array()
        .unwrap_or_else(|| panic!("{field} has no enum: {f}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}
