//! The console's curl and HTTPie snippets, run as-is through a real shell against a real server,
//! send exactly the request they describe.

use crate::common::*;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use shipshape_model::request::decode_query;
use shipshape_model::snippet::{render, Language, TokenMode};
use shipshape_model::{Method, RequestSpec};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, PartialEq)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    authorization: Option<String>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

async fn record(log: Log, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    log.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(decode_query).unwrap_or_default(),
        body: bytes.to_vec(),
        authorization: parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn awkward() -> &'static str {
    "name:\"it's `odd`\" and $HOME & 100% ^!; é 日本 🚢\ttab\nnewline \\ back"
}

fn requests() -> Vec<RequestSpec> {
    vec![
        RequestSpec::get("/csapi/v1.3/images")
            .param("filter", awkward())
            .param("sort", "created:desc")
            .param("pageNumber", "2")
            .param("pageSize", "50"),
        RequestSpec::new(Method::Delete, "/csapi/v1.3/containers").json(
            serde_json::json!({"filter": awkward(), "containerIds": ["a b", "c&d"]}).to_string(),
        ),
        RequestSpec::new(Method::Post, "/auth")
            .without_auth()
            .form(vec![
                ("username".into(), "admin".into()),
                ("password".into(), "p@ss w0rd&$'\"".into()),
                ("token".into(), "true".into()),
            ]),
    ]
}

fn tool_available(cmd: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

async fn run_snippets(lang: Language, tool: &str) {
    assert!(
        tool_available(tool),
        "`{tool}` is needed for this test (cargo xtask test installs it)"
    );
    let log: Log = Arc::default();
    let l = log.clone();
    let app = spawn_with(Options {
        seed: false,
        wrap: Some(Box::new(move |r: axum::Router| {
            r.layer(middleware::from_fn(move |req, next| {
                record(l.clone(), req, next)
            }))
        })),
        ..Default::default()
    })
    .await;
    let token = app.admin_token().await;
    for spec in requests() {
        for mode in [TokenMode::Masked, TokenMode::Revealed(&token)] {
            log.lock().unwrap().clear();
            let script = render(&spec, &app.base, lang, mode);
            let out = tokio::process::Command::new("bash")
                .arg("-c")
                .arg(&script)
                .env("SHIPSHAPE_TOKEN", &token)
                .stdin(std::process::Stdio::null())
                .output()
                .await
                .unwrap();
            assert!(
                out.status.success() || out.status.code() == Some(4),
                "{tool} failed: {}\n{script}",
                String::from_utf8_lossy(&out.stderr)
            );
            let seen = log.lock().unwrap().clone();
            assert_eq!(seen.len(), 1, "exactly one request from:\n{script}");
            let s = &seen[0];
            assert_eq!(s.method, spec.method.as_str(), "{script}");
            assert_eq!(s.path, spec.path, "{script}");
            assert_eq!(s.query, spec.query, "{script}");
            let expected_body = spec
                .body
                .as_ref()
                .map(|b| b.encoded().into_bytes())
                .unwrap_or_default();
            assert_eq!(
                String::from_utf8_lossy(&s.body),
                String::from_utf8_lossy(&expected_body),
                "{script}"
            );
            if spec.auth {
                assert_eq!(
                    s.authorization.as_deref(),
                    Some(format!("Bearer {token}").as_str()),
                    "{script}"
                );
            }
        }
    }
}

#[tokio::test]
async fn curl_snippets_send_exactly_the_described_request() {
    run_snippets(Language::CurlBash, "curl").await;
}

#[tokio::test]
async fn httpie_snippets_send_exactly_the_described_request() {
    run_snippets(Language::Httpie, "http").await;
}
