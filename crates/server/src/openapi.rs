//! The OpenAPI document at `/csapi/openapi.json`.
//!
//! Paths come from the router itself (`routes::documented`): each handler's `#[utoipa::path]`
//! is registered together with its route, so an endpoint is documented by being served, under
//! every version prefix it is served at. Parameters are the structs the handlers deserialize
//! (`routes::params`), and schemas are the model's types. [`finish`] then writes down what
//! holds for every operation, from the operation itself: the error answers its extractors and
//! the store can give, `additionalProperties: false` on every object the server sends (it sends
//! nothing else), and `x-extension: true` on Shipshape's own fields ([`Extensible`]).

use crate::routes;
use serde_json::{json, Value};
use shipshape_model::contract::{Contract, LegacyField, LEGACY_FIELDS};
use shipshape_model::{self as m, Extensible};
use std::collections::BTreeMap;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AdditionalProperties, AllOfBuilder, Schema};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _, ToSchema};

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        c.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        c.add_security_scheme(
            "sensor",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ssn_<id>_<secret>")
                    .description(Some(
                        "A sensor credential from POST /sensorapi/v1/register: the sensor API only",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Shipshape API", description = "Qualys Container Security API (csapi v1.3) compatible, with Shipshape extensions. \
        Fields and endpoints marked `x-extension: true` are Shipshape's own; compatible objects carry extension fields only when \
        the request asks for `include=extensions`. The sensors, images and containers endpoints are also served under /csapi/v1.1, \
        and GET /csapi/v1.2/images; those paths answer in their version's vocabulary (a value the older contract did not have is \
        answered as the one it had: see each alias operation's description and its `_v1_1` / `_v1_2` schemas)."),
    components(schemas(m::ErrorBody)),
    modifiers(&Security),
    tags((name = "auth"), (name = "sensors"), (name = "images"), (name = "containers"),
         (name = "jobs", description = "Extension: the outcome of deletions"),
         (name = "dashboards", description = "Extension: counts per group for the dashboard's widgets"),
         (name = "searches", description = "Extension: recent and saved QQL searches"),
         (name = "sensorapi", description = "Extension: what sensors call (/sensorapi/v1: register with an activation key, check in, post events and scan results), and the activation keys administrators make"),
         (name = "reports", description = "Reports: on demand and scheduled files of vulnerabilities, secrets, malware and inventories"),
         (name = "health", description = "Extension: liveness and readiness, without auth"))
)]
struct ApiDoc;

/// The document's fixed parts; the router adds the paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// The API's objects that carry extension fields, by schema name.
fn extensible() -> [(std::borrow::Cow<'static, str>, &'static [&'static str]); 5] {
    [
        (m::Sensor::name(), m::Sensor::EXTENSIONS),
        (m::Image::name(), m::Image::EXTENSIONS),
        (m::ImageDetails::name(), m::ImageDetails::EXTENSIONS),
        (m::ContainerDetails::name(), m::ContainerDetails::EXTENSIONS),
        (m::report::Report::name(), m::report::Report::EXTENSIONS),
    ]
}

/// Completes the router's document (see the module header).
pub fn finish(mut doc: OpenApi) -> OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        // A path under an older prefix is an alias of the current one.
        let alias = routes::ALIASES.iter().find_map(|prefix| {
            let rest = path.strip_prefix(prefix).filter(|r| r.starts_with('/'))?;
            Some((prefix.trim_start_matches("/csapi/"), rest))
        });
        for op in operations(item) {
            if let Some((version, rest)) = alias {
                // Operation ids are unique in a document; the alias keeps the original's.
                op.operation_id = op
                    .operation_id
                    .take()
                    .map(|id| format!("{id}_{}", version.replace('.', "_")));
                op.description = Some(format!(
                    "The /csapi/{version} alias of {}{rest}, kept for older scripts: the same \
                     operation.",
                    routes::CURRENT
                ));
            }
            add_error_answers(path, op);
            if let Some(body) = op.request_body.as_mut() {
                for c in body.content.values_mut() {
                    close_content(c);
                }
            }
            for (status, r) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = r {
                    // A response's description is required; the status's name says enough.
                    if r.description.is_empty() {
                        r.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("Answer")
                            .to_string();
                    }
                    for c in r.content.values_mut() {
                        close_content(c);
                    }
                }
            }
        }
    }
    if let Some(c) = doc.components.as_mut() {
        for s in c.schemas.values_mut() {
            close(s);
        }
        for (name, fields) in extensible() {
            if let Some(RefOr::T(Schema::Object(obj))) = c.schemas.get_mut(name.as_ref()) {
                for f in fields {
                    if let Some(p) = obj.properties.get_mut(*f) {
                        mark_extension(p);
                    }
                }
            }
        }
    }
    doc
}

/// The document as served: [`finish`]ed, then the older versions' paths given their own
/// vocabulary ([`legacy_vocabulary`]).
pub fn document(doc: OpenApi) -> Value {
    let mut doc = serde_json::to_value(finish(doc)).unwrap_or(Value::Null);
    share_objects(&mut doc);
    legacy_vocabulary(&mut doc);
    doc
}

/// Generic answers (`ListResponse<Image>`, `BulkResponse<ImageDetails>`) hold their rows'
/// schema inline; for the objects that carry extension fields, the rows refer to the component
/// instead, so that its markings (`x-extension`) hold wherever the object is sent. An inline
/// object is recognised by its fields.
fn share_objects(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object() else {
        return;
    };
    let shapes: Vec<(Vec<String>, String)> = extensible()
        .iter()
        .filter_map(|(name, _)| {
            let props = schemas.get(name.as_ref())?["properties"].as_object()?;
            Some((props.keys().cloned().collect(), name.to_string()))
        })
        .collect();
    fn walk(v: &mut Value, shapes: &[(Vec<String>, String)], root: bool) {
        if !root {
            let keys: Option<Vec<String>> = v
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect());
            if let Some((_, name)) = keys.and_then(|k| shapes.iter().find(|(s, _)| *s == k)) {
                *v = json!({"$ref": format!("{SCHEMA_REF}{name}")});
                return;
            }
        }
        match v {
            Value::Object(o) => o.values_mut().for_each(|v| walk(v, shapes, false)),
            Value::Array(a) => a.iter_mut().for_each(|v| walk(v, shapes, false)),
            _ => {}
        }
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for s in schemas.values_mut() {
            walk(s, &shapes, true);
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            walk(item, &shapes, false);
        }
    }
}

/// Each older version's paths refer to copies of the schemas they answer (`Sensor_v1_1`,
/// `ListResponse_Sensor_v1_1`, …) whose restricted fields list that version's values, as
/// `shipshape_model::contract` answers them; the operation's description gives the mapping.
/// An object is recognised by its fields (generic lists hold their rows inline).
fn legacy_vocabulary(doc: &mut Value) {
    for contract in [Contract::V1_1, Contract::V1_2] {
        let suffix = format!("_{}", contract.as_str().replace('.', "_"));
        let rules: Vec<_> = LEGACY_FIELDS
            .iter()
            .filter(|f| f.applies_to(contract))
            .collect();
        let prefix = format!("/csapi/{}/", contract.as_str());
        let Some(schemas) = doc["components"]["schemas"].as_object() else {
            return;
        };
        // The field sets of the objects the rules name.
        let shapes: Vec<(Vec<String>, &LegacyField)> = rules
            .iter()
            .flat_map(|rule| {
                rule.objects.iter().filter_map(move |o| {
                    let keys = schemas.get(*o)?["properties"].as_object()?.keys().cloned();
                    Some((keys.collect(), *rule))
                })
            })
            .collect();
        // The schemas this version's paths reach.
        let mut reached: BTreeMap<String, Value> = BTreeMap::new();
        let mut todo: Vec<String> = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            if path.starts_with(&prefix) {
                collect_refs(item, &mut todo);
            }
        }
        while let Some(name) = todo.pop() {
            if reached.contains_key(&name) {
                continue;
            }
            if let Some(s) = schemas.get(&name) {
                collect_refs(s, &mut todo);
                reached.insert(name, s.clone());
            }
        }
        // Narrowed where they hold a restricted object; then whatever holds those.
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        let mut copies: BTreeMap<String, Value> = BTreeMap::new();
        for (name, s) in &reached {
            let mut copy = s.clone();
            if narrow(&mut copy, &shapes, contract) {
                renamed.insert(name.clone(), format!("{name}{suffix}"));
                copies.insert(name.clone(), copy);
            }
        }
        loop {
            let parents: Vec<String> = reached
                .iter()
                .filter(|(name, s)| !renamed.contains_key(*name) && refers(s, &renamed))
                .map(|(name, _)| name.clone())
                .collect();
            if parents.is_empty() {
                break;
            }
            for name in parents {
                copies.insert(name.clone(), reached[&name].clone());
                renamed.insert(name.clone(), format!("{name}{suffix}"));
            }
        }
        let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
            return;
        };
        for (name, mut copy) in copies {
            move_refs(&mut copy, &renamed);
            schemas.insert(renamed[&name].clone(), copy);
        }
        let note = rules
            .iter()
            .flat_map(|r| {
                r.mapped
                    .iter()
                    .map(move |(from, to)| format!("`{}` {from} is answered as {to}", r.field))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let Some(paths) = doc["paths"].as_object_mut() else {
            return;
        };
        for (_, item) in paths.iter_mut().filter(|(p, _)| p.starts_with(&prefix)) {
            if !refers(item, &renamed) {
                continue;
            }
            move_refs(item, &renamed);
            if let Some(ops) = item.as_object_mut() {
                for op in ops.values_mut().filter(|op| op.get("responses").is_some()) {
                    let d = op["description"].as_str().unwrap_or_default().to_string();
                    op["description"] = Value::String(format!(
                        "{d} Answers use the {} vocabulary: {note}.",
                        contract.as_str()
                    ));
                }
            }
        }
    }
}

/// Narrows the restricted fields of every object in `s` shaped like one of `shapes`' objects;
/// whether anything changed.
fn narrow(s: &mut Value, shapes: &[(Vec<String>, &LegacyField)], contract: Contract) -> bool {
    let mut changed = false;
    let keys: Option<Vec<String>> = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect());
    if let Some(keys) = keys {
        for (shape, rule) in shapes {
            if keys == *shape {
                let prop = &mut s["properties"][rule.field];
                let values = json!({"type": "string", "enum": rule.values});
                let mapped: Vec<String> = rule
                    .mapped
                    .iter()
                    .map(|(from, to)| format!("{from} is answered as {to}"))
                    .collect();
                let description =
                    format!("{}: {}. {}", contract.as_str(), mapped.join("; "), rule.why);
                *prop = if prop["type"] == "array" {
                    json!({"type": "array", "items": values, "description": description})
                } else {
                    let mut v = values;
                    v["description"] = Value::String(description);
                    v
                };
                changed = true;
            }
        }
    }
    match s {
        Value::Object(o) => {
            for v in o.values_mut() {
                changed |= narrow(v, shapes, contract);
            }
        }
        Value::Array(a) => {
            for v in a {
                changed |= narrow(v, shapes, contract);
            }
        }
        _ => {}
    }
    changed
}

/// The component names `v` refers to, pushed onto `out`.
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(n) = r.strip_prefix(SCHEMA_REF) {
                            out.push(n.to_string());
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

const SCHEMA_REF: &str = "#/components/schemas/";

/// Whether `v` refers to one of `names`' schemas.
fn refers(v: &Value, names: &BTreeMap<String, String>) -> bool {
    match v {
        Value::Object(o) => o.iter().any(|(k, v)| match (k.as_str(), v) {
            ("$ref", Value::String(r)) => r
                .strip_prefix(SCHEMA_REF)
                .is_some_and(|n| names.contains_key(n)),
            _ => refers(v, names),
        }),
        Value::Array(a) => a.iter().any(|v| refers(v, names)),
        _ => false,
    }
}

/// Points `v`'s references to `names`' keys at their values.
fn move_refs(v: &mut Value, names: &BTreeMap<String, String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o.iter_mut() {
                if let ("$ref", Value::String(r)) = (k.as_str(), &*v) {
                    if let Some(new) = r.strip_prefix(SCHEMA_REF).and_then(|n| names.get(n)) {
                        *v = Value::String(format!("{SCHEMA_REF}{new}"));
                    }
                } else {
                    move_refs(v, names);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| move_refs(v, names)),
        _ => {}
    }
}

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The error answers every operation of this kind can give, from what it takes: credentials
/// (401), path ids (404), query parameters or a body (400), the database (503, its time limit
/// or no free connection).
fn add_error_answers(path: &str, op: &mut Operation) {
    let mut add = |status: &str, why: &str| {
        if !op.responses.responses.contains_key(status) {
            let error = ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build();
            op.responses
                .responses
                .insert(status.to_string(), RefOr::T(error));
        }
    };
    let takes_input = op.request_body.is_some()
        || op.parameters.as_ref().is_some_and(|ps| {
            ps.iter()
                .any(|p: &Parameter| p.parameter_in == ParameterIn::Query)
        });
    if takes_input {
        add(
            "400",
            "A parameter or the body is not valid; `details` names it, `span` marks a QQL error",
        );
    }
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        add("401", "Missing, wrong or expired credentials");
    }
    if path.contains('{') {
        add("404", "No such object");
    }
    if path.starts_with("/csapi/") || path.starts_with("/sensorapi/") || path == "/auth" {
        add(
            "503",
            "The query ran past the server's time limit, the server is busy, or a filter's \
             first count goes on after the limit (then `Retry-After` says when to ask again)",
        );
    }
}

fn close_content(c: &mut Content) {
    if let Some(s) = c.schema.as_mut() {
        close(s);
    }
}

/// `additionalProperties: false` on every object schema with properties, all the way down.
fn close(s: &mut RefOr<Schema>) {
    let RefOr::T(schema) = s else { return };
    match schema {
        Schema::Object(obj) => {
            if !obj.properties.is_empty() {
                obj.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            for p in obj.properties.values_mut() {
                close(p);
            }
        }
        Schema::Array(a) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut a.items {
                close(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(close),
        Schema::AllOf(o) => o.items.iter_mut().for_each(close),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(close),
        _ => {}
    }
}

/// `x-extension: true` on a property (a bare `$ref` is wrapped in `allOf` to carry it).
fn mark_extension(p: &mut RefOr<Schema>) {
    let ext = || Some(ExtensionsBuilder::new().add("x-extension", true).build());
    match p {
        RefOr::T(Schema::Object(o)) => o.extensions = ext(),
        RefOr::T(Schema::OneOf(o)) => o.extensions = ext(),
        RefOr::T(Schema::AllOf(o)) => o.extensions = ext(),
        RefOr::T(Schema::AnyOf(o)) => o.extensions = ext(),
        RefOr::T(Schema::Array(a)) => a.extensions = ext(),
        RefOr::Ref(r) => {
            let mut wrapped = AllOfBuilder::new().item(RefOr::Ref(r.clone())).build();
            wrapped.extensions = ext();
            *p = RefOr::T(Schema::AllOf(wrapped));
        }
        RefOr::T(_) => {}
    }
}
