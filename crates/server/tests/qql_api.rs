//! QQL over HTTP: parse errors answer 400 with the error's span, and filters select exactly the
//! rows an in-memory evaluation of the same query selects (a differential test over generated
//! queries), on lists, bulk lists and deletes by filter.

mod common;

use common::{assert_error, enc, spawn_app, spawn_with, Options, TestApp};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value as J;
use shipshape_qql::{
    catalogue, parse, Clause, Entity as QE, Expr, Operator, Scalar, ScalarKind, TextMode,
    TokenType, Value,
};
use shipshape_server::demo::{seed, DemoOptions};
use std::collections::{BTreeSet, HashMap};

// ---------------------------------------------------------------------------------------------
// HTTP helpers

fn path_of(entity: QE) -> &'static str {
    match entity {
        QE::Sensor => "sensors",
        QE::Image => "images",
        QE::Container => "containers",
        QE::Vulnerability => "vulnerabilities",
        QE::Audit => "audit",
    }
}

/// Every uuid a filtered list returns (all pages of 1,000) and its `count`.
async fn list_uuids(
    app: &TestApp,
    token: &str,
    entity: QE,
    filter: &str,
) -> (BTreeSet<String>, u64) {
    let mut out = BTreeSet::new();
    let mut count = 0;
    for page in 1.. {
        let path = format!(
            "/csapi/v1.3/{}?pageSize=1000&pageNumber={page}&filter={}",
            path_of(entity),
            enc(filter)
        );
        let res = app.get(token, &path).await;
        let status = res.status();
        let body = res.text().await.expect("body");
        assert_eq!(status, 200, "{filter}: {body}");
        let v: J = serde_json::from_str(&body).expect("json");
        count = v["count"].as_u64().expect("count");
        let data = v["data"].as_array().expect("data");
        out.extend(
            data.iter()
                .map(|r| r["uuid"].as_str().expect("uuid").to_string()),
        );
        if data.len() < 1000 {
            break;
        }
    }
    (out, count)
}

/// Every row of a bulk `/list`, following `Link` headers.
async fn bulk_all(app: &TestApp, token: &str, entity: QE, filter: Option<&str>) -> Vec<J> {
    // With extensions: some tokens read extension fields (an image's secret and malware counts).
    let mut url = app.url(&format!(
        "/csapi/v1.3/{}/list?limit=250&include=extensions",
        path_of(entity)
    ));
    if let Some(f) = filter {
        url.push_str(&format!("&filter={}", enc(f)));
    }
    let mut rows = Vec::new();
    loop {
        let res = app
            .client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .expect("bulk");
        assert_eq!(res.status(), 200, "{url}");
        let link = res
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let v: J = res.json().await.expect("json");
        rows.extend(v["data"].as_array().expect("data").iter().cloned());
        match link {
            Some(l) => {
                url = l
                    .trim_start_matches('<')
                    .split(">;")
                    .next()
                    .expect("link url")
                    .to_string()
            }
            None => break,
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Errors

async fn qql_error(app: &TestApp, token: &str, filter: &str) -> J {
    let path = format!("/csapi/v1.3/containers?filter={}", enc(filter));
    let v = assert_error(app.get(token, &path).await, 400).await;
    assert!(v["span"].is_object(), "{filter}: {v}");
    v
}

fn span(v: &J) -> (u64, u64) {
    (
        v["span"]["start"].as_u64().expect("start"),
        v["span"]["end"].as_u64().expect("end"),
    )
}

#[tokio::test]
async fn qql_errors_are_400s_with_spans() {
    let app = spawn_app().await;
    let token = app.admin_token().await;

    let v = qql_error(&app, &token, "vulns.severity:5").await;
    assert_eq!(
        v["message"],
        "Unknown token 'vulns.severity' for containers. Did you mean 'vulnerabilities.severity'?"
    );
    assert_eq!(span(&v), (0, 14));

    let v = qql_error(&app, &token, "vulnerabilities.severity:high").await;
    assert_eq!(
        v["message"],
        "'vulnerabilities.severity' takes a number from 1 to 5, not 'high'."
    );
    assert_eq!(span(&v), (25, 29));

    let v = qql_error(&app, &token, "state:runing").await;
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Unknown value 'runing' for 'state'"),
        "{v}"
    );
    assert_eq!(span(&v), (6, 12));

    let v = qql_error(
        &app,
        &token,
        "isRoot:true and vulnerabilities.severity:[4 .. 2]",
    )
    .await;
    assert_eq!(
        v["message"],
        "'[4 .. 2]' is an empty range: the lower bound is greater than the upper bound."
    );
    assert_eq!(span(&v), (41, 49));

    let v = qql_error(&app, &token, "(state:running or isRoot:true").await;
    assert_eq!(v["message"], "Missing ')' to close the '(' opened at 0.");
    let p = parse("(state:running or isRoot:true", QE::Container).unwrap_err();
    assert_eq!(span(&v), (p.span.start as u64, p.span.end as u64));

    let deep = format!("{}state:running{}", "(".repeat(70), ")".repeat(70));
    let v = qql_error(&app, &token, &deep).await;
    assert_eq!(
        v["message"],
        "The query nests '(' and 'not' more than 64 levels deep."
    );
    let p = parse(&deep, QE::Container).unwrap_err();
    assert_eq!(span(&v), (p.span.start as u64, p.span.end as u64));
    assert_eq!(span(&v).0, 64);

    // Too long: past 4,096 characters, in a query parameter or a delete body, the parser's
    // error has the span of the excess.
    let long = format!("name:\"{}\"", "x".repeat(5000));
    let path = format!("/csapi/v1.3/containers?filter={}", enc(&long));
    let v = assert_error(app.get(&token, &path).await, 400).await;
    assert_eq!(span(&v), (4096, long.chars().count() as u64));
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/containers"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "filter": long }))
        .send()
        .await
        .expect("delete");
    let v = assert_error(res, 400).await;
    assert_eq!(
        v["message"],
        format!(
            "The query is {} characters long; the limit is 4096.",
            long.chars().count()
        )
    );
    assert_eq!(span(&v), (4096, long.chars().count() as u64));

    // Spans count characters, not bytes.
    let v = qql_error(&app, &token, "name:\"é\" and bogus:1").await;
    assert_eq!(span(&v), (13, 18));

    // The same errors on every endpoint that takes a filter, never a 500.
    for path in [
        "/csapi/v1.3/sensors?filter=",
        "/csapi/v1.3/images?filter=",
        "/csapi/v1.3/images/list?filter=",
        "/csapi/v1.3/containers/list?filter=",
        "/csapi/v1.1/containers?filter=",
    ] {
        let v = assert_error(
            app.get(&token, &format!("{path}{}", enc("nope:1"))).await,
            400,
        )
        .await;
        assert_eq!(span(&v), (0, 4), "{path}");
    }

    // Garbage never answers 500.
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let alphabet: Vec<char> = "ab:=<>[](),.*?\"'` -_5nowtrueANDornot".chars().collect();
    for _ in 0..150 {
        let n = rng.gen_range(0..30);
        let q: String = (0..n)
            .map(|_| *alphabet.choose(&mut rng).unwrap())
            .collect();
        let q = if rng.gen_bool(0.5) {
            format!("name:{q}")
        } else {
            q
        };
        for entity in [QE::Sensor, QE::Image, QE::Container] {
            let path = format!("/csapi/v1.3/{}?filter={}", path_of(entity), enc(&q));
            let status = app.get(&token, &path).await.status().as_u16();
            assert!(status == 200 || status == 400, "{q}: {status}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The in-memory evaluator

#[derive(Clone, Debug, PartialEq)]
enum F {
    Text(String),
    Int(i64),
    Bool(bool),
    Pair(String, String),
}

#[derive(Debug, Default)]
struct Row {
    uuid: String,
    fields: HashMap<&'static str, Vec<F>>,
}

impl Row {
    fn put(&mut self, token: &'static str, values: Vec<F>) {
        self.fields.entry(token).or_default().extend(values);
    }
    fn get(&self, token: &str) -> &[F] {
        self.fields.get(token).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn text(v: &J) -> Vec<F> {
    v.as_str()
        .map(|s| vec![F::Text(s.to_string())])
        .unwrap_or_default()
}

fn int(v: &J) -> Vec<F> {
    match v {
        J::Number(n) => n.as_i64().map(F::Int).into_iter().collect(),
        J::String(s) => s.parse().ok().map(F::Int).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn boolean(v: &J) -> Vec<F> {
    v.as_bool().map(F::Bool).into_iter().collect()
}

fn each(v: &J) -> impl Iterator<Item = &J> {
    v.as_array().into_iter().flatten()
}

fn labels(row: &mut Row, v: &J) {
    for l in each(v) {
        row.put("label.key", text(&l["key"]));
        row.put("label.value", text(&l["value"]));
        if let (Some(k), Some(val)) = (l["key"].as_str(), l["value"].as_str()) {
            row.put("label", vec![F::Pair(k.into(), val.into())]);
        }
    }
}

/// `vulnerabilities.*` and `software.*` of image or container details.
fn content(row: &mut Row, v: &J) {
    for x in each(&v["vulnerabilities"]) {
        row.put("vulnerabilities.severity", int(&x["severity"]));
        row.put("vulnerabilities.qid", int(&x["qid"]));
        row.put("vulnerabilities.title", text(&x["title"]));
        row.put("vulnerabilities.typeDetected", text(&x["typeDetected"]));
        row.put(
            "vulnerabilities.patchAvailable",
            boolean(&x["patchAvailable"]),
        );
        for c in each(&x["cveids"]) {
            row.put("vulnerabilities.cveids", text(c));
        }
    }
    for s in each(&v["softwares"]) {
        row.put("software.name", text(&s["name"]));
        row.put("software.version", text(&s["version"]));
        row.put("software.fixVersion", text(&s["fixVersion"]));
    }
}

fn sensor_row(v: &J) -> Row {
    let mut r = Row {
        uuid: v["uuid"].as_str().unwrap().into(),
        ..Row::default()
    };
    for (token, key) in [
        ("uuid", "uuid"),
        ("sensorId", "sensorId"),
        ("name", "name"),
        ("hostname", "hostname"),
        ("hostUuid", "hostUuid"),
        ("ipv4", "ipv4"),
        ("ipv6", "ipv6"),
        ("macAddress", "macAddress"),
        ("sensorVersion", "sensorVersion"),
        ("vulnSigVersion", "vulnSigVersion"),
        ("dockerVersion", "dockerVersion"),
        ("os", "os"),
        ("platform", "platform"),
        ("sensorType", "sensorType"),
        ("status", "status"),
        ("deployment", "deployment"),
        ("configurationProfile", "configurationProfile"),
        ("latestVersion", "latestVersion"),
    ] {
        r.put(token, text(&v[key]));
    }
    r.put("privileged", boolean(&v["privileged"]));
    r.put("updateAvailable", boolean(&v["updateAvailable"]));
    r.put("created", int(&v["created"]));
    r.put("lastCheckedIn", int(&v["lastCheckedIn"]));
    r.put("cluster.name", text(&v["cluster"]["k8s"]["clusterName"]));
    labels(&mut r, &v["label"]);
    r
}

fn image_row(v: &J, used: &HashMap<String, Vec<i64>>) -> Row {
    let uuid: String = v["uuid"].as_str().unwrap().into();
    let mut r = Row::default();
    for (token, key) in [
        ("uuid", "uuid"),
        ("imageId", "imageId"),
        ("sha", "sha"),
        ("operatingSystem", "operatingSystem"),
        ("architecture", "architecture"),
        ("author", "author"),
        ("scanStatus", "scanStatus"),
    ] {
        r.put(token, text(&v[key]));
    }
    for (token, key) in [
        ("created", "created"),
        ("updated", "updated"),
        ("lastScanned", "lastScanned"),
        ("lastUsedDate", "lastUsedDate"),
        ("size", "size"),
        ("associatedContainersCount", "associatedContainersCount"),
        ("associatedHostsCount", "associatedHostsCount"),
        ("secrets.count", "secretsCount"),
        ("malware.count", "malwareCount"),
    ] {
        r.put(token, int(&v[key]));
    }
    for x in each(&v["repo"]) {
        r.put("repo.registry", text(&x["registry"]));
        r.put("repo.repository", text(&x["repository"]));
        r.put("repo.tag", text(&x["tag"]));
    }
    for s in each(&v["source"]) {
        r.put("source", text(s));
    }
    for h in each(&v["host"]) {
        r.put("host.sensorUuid", text(&h["sensorUuid"]));
        r.put("host.hostname", text(&h["hostname"]));
        r.put("host.ipAddress", text(&h["ipAddress"]));
    }
    let times = used.get(&uuid).cloned().unwrap_or_default();
    r.put("imagesInUse", times.into_iter().map(F::Int).collect());
    content(&mut r, v);
    labels(&mut r, &v["label"]);
    r.uuid = uuid;
    r
}

fn container_row(v: &J) -> Row {
    let mut r = Row {
        uuid: v["uuid"].as_str().unwrap().into(),
        ..Row::default()
    };
    for (token, key) in [
        ("uuid", "uuid"),
        ("containerId", "containerId"),
        ("sha", "sha"),
        ("name", "name"),
        ("state", "state"),
        ("imageId", "imageId"),
        ("imageUuid", "imageUuid"),
        ("imageSha", "imageSha"),
        ("operatingSystem", "operatingSystem"),
    ] {
        r.put(token, text(&v[key]));
    }
    for key in ["created", "updated", "stateChanged", "lastScanned"] {
        r.put(key, int(&v[key]));
    }
    r.put("isRoot", boolean(&v["isRoot"]));
    r.put("privileged", boolean(&v["privileged"]));
    r.put("host.hostname", text(&v["host"]["hostname"]));
    r.put("host.ipAddress", text(&v["host"]["ipAddress"]));
    r.put("host.sensorUuid", text(&v["host"]["sensorUuid"]));
    r.put("cluster.name", text(&v["cluster"]["k8s"]["clusterName"]));
    r.put("cluster.namespace", text(&v["cluster"]["k8s"]["namespace"]));
    content(&mut r, v);
    labels(&mut r, &v["label"]);
    r
}

/// `*` any run, `?` one character, over characters.
fn glob(pattern: &[char], s: &[char]) -> bool {
    let (mut p, mut i) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < s.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(sp) = star {
            p = sp + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

fn text_matches(field: &str, t: &shipshape_qql::Text) -> bool {
    match t.mode {
        TextMode::Exact => field == t.text,
        TextMode::Contains => field
            .to_ascii_lowercase()
            .contains(&t.text.to_ascii_lowercase()),
        TextMode::Wildcard => {
            let p: Vec<char> = t.text.to_ascii_lowercase().chars().collect();
            let s: Vec<char> = field.to_ascii_lowercase().chars().collect();
            glob(&p, &s)
        }
    }
}

fn cmp_matches(x: i64, op: Operator, v: i64) -> bool {
    match op {
        Operator::Match | Operator::Eq => x == v,
        Operator::Gt => x > v,
        Operator::Ge => x >= v,
        Operator::Lt => x < v,
        Operator::Le => x <= v,
    }
}

fn scalar_matches(f: &F, op: Operator, s: &Scalar, now: i64) -> bool {
    match (&s.kind, f) {
        (ScalarKind::Text(t), F::Text(x)) => text_matches(x, t),
        (ScalarKind::Keyword(k), F::Text(x)) => x == k,
        (ScalarKind::Number(n), F::Int(x)) => cmp_matches(*x, op, *n),
        (ScalarKind::Date(d), F::Int(x)) => cmp_matches(*x, op, d.resolve(now)),
        (ScalarKind::Boolean(b), F::Bool(x)) => x == b,
        _ => false,
    }
}

fn as_int(s: &Scalar, now: i64) -> i64 {
    match &s.kind {
        ScalarKind::Number(n) => *n,
        ScalarKind::Date(d) => d.resolve(now),
        other => panic!("not ordered: {other:?}"),
    }
}

fn clause_matches(row: &Row, c: &Clause, now: i64) -> bool {
    row.get(c.token.name).iter().any(|f| match (&c.value, f) {
        (Value::Scalar(s), f) => scalar_matches(f, c.op, s, now),
        (Value::List { items, .. }, f) => items
            .iter()
            .any(|s| scalar_matches(f, Operator::Match, s, now)),
        (Value::Range(r), F::Int(x)) => {
            let (lo, hi) = (as_int(&r.lo, now), as_int(&r.hi, now));
            if r.inclusive {
                lo <= *x && *x <= hi
            } else {
                lo < *x && *x < hi
            }
        }
        (Value::Label(p), F::Pair(k, v)) => text_matches(k, &p.key) && text_matches(v, &p.value),
        _ => false,
    })
}

fn eval(row: &Row, e: &Expr, now: i64) -> bool {
    match e {
        Expr::Or { operands, .. } => operands.iter().any(|o| eval(row, o, now)),
        Expr::And { operands, .. } => operands.iter().all(|o| eval(row, o, now)),
        Expr::Not { operand, .. } => !eval(row, operand, now),
        Expr::Clause(c) => clause_matches(row, c, now),
    }
}

fn expected(rows: &[Row], query: &str, entity: QE, now: i64) -> BTreeSet<String> {
    let q = parse(query, entity).unwrap_or_else(|e| panic!("generated query {query}: {e}"));
    rows.iter()
        .filter(|r| q.expr.as_ref().is_none_or(|e| eval(r, e, now)))
        .map(|r| r.uuid.clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The query generator

fn quote(s: &str, q: char) -> String {
    let mut out = String::from(q);
    for ch in s.chars() {
        if ch == q || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push(q);
    out
}

fn bare_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c))
        && !["and", "or", "not"].contains(&s.to_ascii_lowercase().as_str())
}

fn flip_case(rng: &mut ChaCha8Rng, s: &str) -> String {
    s.chars()
        .map(|c| {
            if rng.gen_bool(0.3) {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// A text value drawn from `sample`: contains (phrase or word), exact, or wildcard.
fn text_value(rng: &mut ChaCha8Rng, sample: &str) -> String {
    let chars: Vec<char> = sample.chars().collect();
    if chars.is_empty() {
        return "\"\"".into();
    }
    let a = rng.gen_range(0..chars.len());
    let b = rng.gen_range(a + 1..=chars.len());
    let sub: String = chars[a..b].iter().collect();
    match rng.gen_range(0..6) {
        0 => quote(&flip_case(rng, &sub), '"'),
        1 if bare_safe(&sub) => flip_case(rng, &sub),
        2 => quote(sample, '`'),
        3 => quote(&flip_case(rng, sample), '`'),
        4 => {
            // prefix*
            let safe: String = chars
                .iter()
                .take_while(|c| bare_safe(&c.to_string()))
                .collect();
            let n = rng.gen_range(0..=safe.chars().count().min(8));
            let p: String = safe.chars().take(n).collect();
            format!("{}*", flip_case(rng, &p))
        }
        5 if bare_safe(sample) => {
            // one character as ?, maybe a * in the middle
            let mut cs: Vec<char> = flip_case(rng, sample).chars().collect();
            let i = rng.gen_range(0..cs.len());
            cs[i] = '?';
            if cs.len() > 3 && rng.gen_bool(0.5) {
                let j = rng.gen_range(0..cs.len());
                let k = rng.gen_range(j..cs.len());
                cs.splice(j..k, ['*']);
            }
            cs.into_iter().collect()
        }
        _ => quote(&sub, '\''),
    }
}

fn random_row<'a>(rng: &mut ChaCha8Rng, rows: &'a [Row], token: &str) -> Option<&'a F> {
    for _ in 0..20 {
        let r = rows.choose(rng)?;
        if let Some(f) = r.get(token).choose(rng) {
            return Some(f);
        }
    }
    None
}

fn sample_int(rng: &mut ChaCha8Rng, rows: &[Row], token: &str, lo: i64, hi: i64) -> i64 {
    match random_row(rng, rows, token) {
        Some(F::Int(x)) if rng.gen_bool(0.8) => (*x + rng.gen_range(-2..=2)).clamp(lo, hi),
        _ => rng.gen_range(lo..=hi.min(lo + 1_000_000)),
    }
}

fn sample_date(rng: &mut ChaCha8Rng, rows: &[Row], token: &str) -> String {
    match random_row(rng, rows, token) {
        Some(F::Int(x)) if rng.gen_bool(0.85) => {
            let jitter = [0, 0, 1, -1, 3_600_000, -86_400_000];
            (x + jitter.choose(rng).unwrap()).to_string()
        }
        _ => format!("now-{}d", rng.gen_range(1..400)),
    }
}

fn ordered_pair(a: String, b: String) -> (String, String) {
    let key = |s: &str| -> i64 {
        s.strip_prefix("now-")
            .and_then(|d| d.trim_end_matches('d').parse::<i64>().ok())
            .map(|d| now_ms() - d * 86_400_000)
            .unwrap_or_else(|| s.parse().unwrap_or(0))
    };
    if key(&a) <= key(&b) {
        (a, b)
    } else {
        (b, a)
    }
}

fn clause(rng: &mut ChaCha8Rng, entity: QE, rows: &[Row]) -> String {
    let def = catalogue(entity).choose(rng).unwrap();
    let name = def.name;
    match def.ty {
        TokenType::Text => {
            let mut sample = || match random_row(rng, rows, name) {
                Some(F::Text(s)) => s.clone(),
                _ => "zz".to_string(),
            };
            let (s1, s2) = (sample(), sample());
            if rng.gen_bool(0.2) {
                format!(
                    "{name}:[{}, {}]",
                    text_value(rng, &s1),
                    text_value(rng, &s2)
                )
            } else {
                format!("{name}:{}", text_value(rng, &s1))
            }
        }
        TokenType::Keyword(values) => {
            if rng.gen_bool(0.25) {
                let a = values.choose(rng).unwrap();
                let b = values.choose(rng).unwrap();
                format!("{name}:[{a}, {}]", b.to_ascii_lowercase())
            } else {
                let op = if rng.gen_bool(0.5) { ":" } else { "=" };
                let v = values.choose(rng).unwrap();
                format!("{name}{op}{}", flip_case(rng, v))
            }
        }
        TokenType::Number { min, max } => {
            let (lo, hi) = (min.unwrap_or(0), max.unwrap_or(i64::MAX / 4));
            let a = sample_int(rng, rows, name, lo, hi);
            let b = sample_int(rng, rows, name, lo, hi);
            let (a, b) = (a.min(b), a.max(b));
            match rng.gen_range(0..5) {
                0 => format!("{name}:[{a} .. {b}]"),
                1 if a < b => format!("{name}:({a} .. {b})"),
                2 => format!("{name}:[{a}, {b}]"),
                _ => {
                    let op = [":", "=", ">", ">=", "<", "<="].choose(rng).unwrap();
                    format!("{name}{op}{a}")
                }
            }
        }
        TokenType::Date => {
            let a = sample_date(rng, rows, name);
            match rng.gen_range(0..3) {
                0 => {
                    let (lo, hi) = ordered_pair(a, sample_date(rng, rows, name));
                    if rng.gen_bool(0.5) && lo != hi {
                        format!("{name}:({lo} .. {hi})")
                    } else {
                        format!("{name}:[{lo} .. {hi}]")
                    }
                }
                _ => {
                    let op = [":", "=", ">", ">=", "<", "<="].choose(rng).unwrap();
                    format!("{name}{op}{a}")
                }
            }
        }
        TokenType::Boolean => format!("{name}:{}", rng.gen_bool(0.5)),
        TokenType::LabelPair => match random_row(rng, rows, name) {
            Some(F::Pair(k, v)) => {
                let key = if rng.gen_bool(0.5) {
                    quote(k, '`')
                } else {
                    quote(&flip_case(rng, k), '"')
                };
                let v2 = v.clone();
                format!("{name}:{key}={}", text_value(rng, &v2))
            }
            _ => format!("{name}:team=payments"),
        },
    }
}

fn query(rng: &mut ChaCha8Rng, entity: QE, rows: &[Row], depth: u32) -> String {
    if depth == 0 || rng.gen_bool(0.45) {
        return clause(rng, entity, rows);
    }
    match rng.gen_range(0..4) {
        0 => format!("not {}", query(rng, entity, rows, depth - 1)),
        1 => format!(
            "({}) OR ({})",
            query(rng, entity, rows, depth - 1),
            query(rng, entity, rows, depth - 1)
        ),
        _ => format!(
            "({}) and ({})",
            query(rng, entity, rows, depth - 1),
            query(rng, entity, rows, depth - 1)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Differential test

async fn all_rows(app: &TestApp, token: &str) -> HashMap<&'static str, Vec<Row>> {
    let sensors = app
        .get_json(
            token,
            "/csapi/v1.3/sensors?pageSize=1000&include=extensions",
        )
        .await;
    let containers = bulk_all(app, token, QE::Container, None).await;
    let images = bulk_all(app, token, QE::Image, None).await;
    let mut used: HashMap<String, Vec<i64>> = HashMap::new();
    for c in &containers {
        let t = c["updated"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("updated");
        used.entry(c["imageUuid"].as_str().unwrap().to_string())
            .or_default()
            .push(t);
    }
    let mut out = HashMap::new();
    out.insert(
        "sensors",
        each(&sensors["data"]).map(sensor_row).collect::<Vec<_>>(),
    );
    out.insert(
        "images",
        images.iter().map(|i| image_row(i, &used)).collect(),
    );
    out.insert("containers", containers.iter().map(container_row).collect());
    out
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn filters_select_what_an_in_memory_evaluation_selects() {
    let t0 = std::time::Instant::now();
    // Half the demo fleet (20 sensors, 200 images, 1,500 containers) keeps this within a
    // minute in a debug build on two cores.
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let opts = DemoOptions {
        scale: 0.5,
        seed: 42,
        now_ms: common::NOW,
    };
    let stats = seed(&app.store, &opts).await.expect("seed");
    let token = app.admin_token().await;
    let rows = all_rows(&app, &token).await;
    eprintln!("seeded and fetched every row in {:?}", t0.elapsed());
    assert_eq!(rows["sensors"].len() as u64, stats.sensors);
    assert_eq!(rows["images"].len() as u64, stats.images);
    assert_eq!(rows["containers"].len() as u64, stats.containers);

    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let (mut checked, mut non_empty, mut partial) = (0, 0, 0);
    for entity in [QE::Sensor, QE::Image, QE::Container] {
        let table = &rows[path_of(entity)];
        // The benchmark's shape (an index-hinted plan) first, then generated queries.
        let fixed: &[&str] = match entity {
            QE::Container => &[
                "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*",
                "state=STOPPED and host.hostname:NODE-2* and isRoot:false",
                "host.hostname:node-1?.* and not state:RUNNING",
            ],
            _ => &[],
        };
        for i in 0..130 + fixed.len() {
            let q = match fixed.get(i) {
                Some(q) => q.to_string(),
                None => query(&mut rng, entity, table, if i < 40 { 0 } else { 3 }),
            };
            let before = now_ms();
            let (got, count) = list_uuids(&app, &token, entity, &q).await;
            let after = now_ms();
            let want = expected(table, &q, entity, before);
            if want != expected(table, &q, entity, after) {
                continue; // a relative date crossed a row's value during the request
            }
            assert_eq!(count, got.len() as u64, "{entity:?} {q}: count");
            if got != want {
                let extra: Vec<_> = got.difference(&want).take(3).collect();
                let missing: Vec<_> = want.difference(&got).take(3).collect();
                panic!(
                    "{entity:?} `{q}`: server {} rows, evaluator {} rows; only server: {extra:?}; only evaluator: {missing:?}",
                    got.len(),
                    want.len()
                );
            }
            checked += 1;
            if !want.is_empty() {
                non_empty += 1;
            }
            if !want.is_empty() && want.len() < table.len() {
                partial += 1;
            }
        }
    }
    eprintln!("{checked} queries checked in {:?}", t0.elapsed());
    // The generator must produce selective queries, not just everything-or-nothing.
    assert!(checked >= 350, "{checked}");
    assert!(
        non_empty >= 150,
        "{non_empty} of {checked} select something"
    );
    assert!(
        partial >= 120,
        "{partial} of {checked} select a proper subset"
    );
}

// ---------------------------------------------------------------------------------------------
// Bulk lists and deletes

#[tokio::test]
async fn filters_work_on_bulk_lists_and_deletes() {
    let app = spawn_app().await;
    let token = app.admin_token().await;

    for (entity, q) in [
        (
            QE::Container,
            "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-*",
        ),
        (QE::Container, "not isRoot:true and created>=now-400d"),
        (
            QE::Image,
            "repo.repository:nginx or vulnerabilities.severity:[4 .. 5]",
        ),
        (
            QE::Image,
            "software.name:openssl and not label.key:nothing-like-this",
        ),
    ] {
        let (listed, count) = list_uuids(&app, &token, entity, q).await;
        assert!(count > 0, "{q}");
        let bulk: BTreeSet<String> = bulk_all(&app, &token, entity, Some(q))
            .await
            .iter()
            .map(|r| r["uuid"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(bulk, listed, "{q}");
    }

    // Delete by filter: the job deletes exactly the matching rows.
    for (entity, q) in [
        (QE::Container, "state:[DELETED, STOPPED] and isRoot:true"),
        (QE::Sensor, "status:UNKNOWN and not label:team=payments"),
    ] {
        let (before, _) = list_uuids(&app, &token, entity, "").await;
        let (doomed, n) = list_uuids(&app, &token, entity, q).await;
        assert!(n > 0 && n < before.len() as u64, "{q}: {n}");
        let res = app
            .client
            .delete(app.url(&format!("/csapi/v1.3/{}", path_of(entity))))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "filter": q }))
            .send()
            .await
            .expect("delete");
        assert_eq!(res.status(), 200);
        let v: J = res.json().await.expect("job ref");
        let job = app
            .wait_job(&token, v["deletionJobId"].as_str().expect("job id"))
            .await;
        assert_eq!(job["status"], "COMPLETED", "{job}");
        let (after, _) = list_uuids(&app, &token, entity, "").await;
        let gone: BTreeSet<String> = before.difference(&after).cloned().collect();
        assert_eq!(gone, doomed, "{q}");
        let (left, n) = list_uuids(&app, &token, entity, q).await;
        assert!(left.is_empty() && n == 0, "{q}");
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmark (manual): the list path (count + a page of 50 + its rows) on a big database.
//
//   ./target/debug/shipshape seed --demo --scale 334 --database-url sqlite:/tmp/qqlbench/db.sqlite
//   QQL_BENCH_DB=sqlite:/tmp/qqlbench/db.sqlite cargo test -p shipshape-server --test qql_api \
//       -- --ignored --nocapture bench_big_database

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a seeded database in QQL_BENCH_DB (about 1,000,000 containers)"]
async fn bench_big_database() {
    use shipshape_model::{PageNumber, PageSize};
    use shipshape_server::store::filter::{compile, Filter};
    use shipshape_server::store::{Engine, Entity, ListQuery, Sort, Sql, Store};
    let url =
        std::env::var("QQL_BENCH_DB").expect("QQL_BENCH_DB=sqlite:/path/to/db or postgres://…");
    let store = Store::open(&url).await.expect("open");
    let runs: usize = std::env::var("QQL_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let queries = std::env::var("QQL_BENCH_QUERIES").unwrap_or_else(|_| {
        "state:RUNNING and vulnerabilities.severity:5 and host.hostname:node-1*\n\
         created:[now-7d .. now]\n\
         host.hostname:node-12*\n\
         vulnerabilities.severity:[4 .. 5] and state:RUNNING\n\
         state:[PAUSED, STOPPED] and created>now-30d\n\
         name:nginx"
            .into()
    });
    for q in queries.lines().map(str::trim).filter(|q| !q.is_empty()) {
        let mut times = Vec::new();
        let mut n = 0;
        let filter = Filter::parse(Entity::Container, Some(q), now_ms()).expect("parse");
        let cond = compile(store.engine().dialect(), &filter);
        let explain = match store.engine() {
            Engine::Sqlite => "EXPLAIN QUERY PLAN",
            Engine::Postgres => "EXPLAIN",
        };
        for (head, tail) in [
            ("SELECT count(*)", ""),
            (
                "SELECT c.id",
                " ORDER BY c.created DESC, c.id DESC LIMIT 50",
            ),
        ] {
            let mut sql = Sql::new(format!("{explain} {head} FROM containers c WHERE "));
            sql.append(&cond).push(tail);
            #[derive(sqlx::FromRow)]
            struct Line {
                #[sqlx(rename = "QUERY PLAN")]
                plan: String,
            }
            let plan: Vec<String> = match store.engine() {
                Engine::Postgres => sql
                    .fetch_all::<Line>(store.db())
                    .await
                    .expect("plan")
                    .into_iter()
                    .map(|l| l.plan)
                    .collect(),
                Engine::Sqlite => {
                    #[derive(sqlx::FromRow)]
                    struct Step {
                        detail: String,
                    }
                    sql.fetch_all::<Step>(store.db())
                        .await
                        .expect("plan")
                        .into_iter()
                        .map(|s| s.detail)
                        .collect()
                }
            };
            println!("  plan {head}: {}", plan.join(" | "));
        }
        for _ in 0..runs {
            store.counts.clear(); // no cached counts: every run counts
            let t = std::time::Instant::now();
            let lq = ListQuery {
                filter: Filter::parse(Entity::Container, Some(q), now_ms()).expect("parse"),
                sort: Sort::default_for(Entity::Container),
                page: PageNumber::try_from(1).unwrap(),
                size: PageSize::try_from(50).unwrap(),
            };
            let (count, ids) =
                tokio::try_join!(store.count(&lq.filter), store.page_ids(&lq)).expect("list");
            let data = store.containers_by_ids(&ids).await.expect("rows");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            n = count;
            assert_eq!(data.len(), ids.len());
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{q}: count {n}; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {runs} runs",
            pct(0.5),
            pct(0.99),
            times[times.len() - 1]
        );
    }
}
