use crate::common::*;

#[tokio::test]
async fn health_and_readiness_need_no_auth() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let h: serde_json::Value = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.store.close().await;
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503, "not ready without a database");
}

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/csapi/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/auth",
        "/csapi/v1.3/sensors",
        "/csapi/v1.3/sensors/{uuid}",
        "/csapi/v1.3/images",
        "/csapi/v1.3/images/list",
        "/csapi/v1.3/images/{sha}",
        "/csapi/v1.3/images/{sha}/vuln",
        "/csapi/v1.3/images/{sha}/vuln/count",
        "/csapi/v1.3/images/{sha}/software",
        "/csapi/v1.3/images/{sha}/association",
        "/csapi/v1.3/containers",
        "/csapi/v1.3/containers/list",
        "/csapi/v1.3/containers/{sha}",
        "/csapi/v1.3/containers/{sha}/vuln",
        "/csapi/v1.3/containers/{sha}/vuln/count",
        "/csapi/v1.3/containers/{sha}/software",
        "/csapi/v1.3/jobs/{id}",
    ] {
        assert!(paths.contains_key(p), "OpenAPI has {p}");
    }
    assert!(paths["/csapi/v1.3/images"]["delete"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_asks() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    for enc in ["gzip", "br"] {
        let res = raw
            .get(app.url("/csapi/v1.3/containers?pageSize=200"))
            .bearer_auth(&t)
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], enc);
    }
}

#[tokio::test]
async fn the_console_is_served_with_a_single_page_app_fallback() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Shipshape</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.css"), "body{}").unwrap();
    let app = spawn_with(Options {
        seed: false,
        dist: Some(dist.path().to_path_buf()),
        ..Default::default()
    })
    .await;
    let base = app.base.clone();
    let deep = app
        .client
        .get(format!("{base}/images/abc?pageNumber=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(deep.status(), 200);
    assert!(deep
        .text()
        .await
        .unwrap()
        .contains("<title>Shipshape</title>"));
    let css = app
        .client
        .get(format!("{base}/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.text().await.unwrap(), "body{}");
    // A missing file (a chunk of an older build, say) is a 404, not the page.
    for missing in ["/chunk_9-0123456789abcdef.wasm", "/old.js", "/images/x.png"] {
        let res = app
            .client
            .get(format!("{base}{missing}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{missing}");
        assert!(!res.text().await.unwrap().contains("<title>"), "{missing}");
    }
    // API paths never fall back to the page.
    let api = app
        .client
        .get(format!("{base}/csapi/v1.3/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let router = shipshape_server::routes::app(app.state.clone());
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", tcp.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shipshape_server::listener::serve(
        tcp,
        router,
        None,
        async {
            let _ = rx.await;
        },
    ));
    // A large request in flight while shutdown starts still completes.
    let client = app.client.clone();
    let url = format!("{base}/csapi/v1.3/containers/list?limit=250");
    let req = tokio::spawn(async move {
        client
            .get(url)
            .bearer_auth(t)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    tx.send(()).unwrap();
    let body = req.await.unwrap().unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 250);
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // After shutdown nothing listens.
    assert!(app
        .client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn precompressed_console_assets_are_sent_as_they_are() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Shipshape</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(dist.path().join("app.wasm.br"), b"brotli-bytes").unwrap();
    let app = spawn_with(Options {
        seed: false,
        dist: Some(dist.path().to_path_buf()),
        ..Default::default()
    })
    .await;
    let base = app.base.clone();
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let res = raw
        .get(format!("{base}/app.wasm"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli-bytes");
    let plain = raw.get(format!("{base}/app.wasm")).send().await.unwrap();
    assert_eq!(plain.bytes().await.unwrap().len(), 4096);
}
