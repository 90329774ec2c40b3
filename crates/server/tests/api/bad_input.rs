use crate::common::*;

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    for path in ["/csapi/v1.3/nothing", "/csapi/v9/images", "/csapi"] {
        assert_error(app.get(&t, path).await, 404).await;
    }
}

#[tokio::test]
async fn wrong_methods_are_json_405s() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let res = app
        .client
        .put(app.url("/csapi/v1.3/images"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_error(res, 405).await;
    let res = app.client.get(app.url("/auth")).send().await.unwrap();
    assert_error(res, 405).await;
}

#[tokio::test]
async fn oversized_bodies_are_413_not_500() {
    let app = spawn_with(Options {
        seed: false,
        ..Default::default()
    })
    .await;
    let t = app.admin_token().await;
    let huge = format!("{{\"imageIds\": [\"{}\"]}}", "a".repeat(3 * 1024 * 1024));
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/images"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body(huge.clone())
        .send()
        .await
        .unwrap();
    assert_error(res, 413).await;
    // Without a length up front (chunked), the limit holds as the body is read.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = huge
        .into_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let res = app
        .client
        .delete(app.url("/csapi/v1.3/images"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_error(res, 413).await;
    // A scanner report may be larger: a 5 MB Trivy report is taken.
    let mut report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/trivy/alpine-310.json"
        ))
        .unwrap(),
    )
    .unwrap();
    report["Results"][0]["Vulnerabilities"][0]["Description"] = "x".repeat(5 << 20).into();
    let res = app
        .client
        .post(app.url("/csapi/v1.3/images/import"))
        .bearer_auth(&t)
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn bad_query_values_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    let cases = [
        ("/csapi/v1.3/images?sort=nosuchtoken:asc", "sort"),
        ("/csapi/v1.3/images?sort=created:sideways", "sort"),
        ("/csapi/v1.3/images?sort=:asc", "sort"),
        (
            "/csapi/v1.3/containers?sort=vulnerabilities.severity:desc",
            "sort",
        ),
        ("/csapi/v1.3/sensors?pageNumber=-1", "pageNumber"),
        ("/csapi/v1.3/sensors?pageNumber=ten", "pageNumber"),
        ("/csapi/v1.3/sensors?pageNo=99999999999", "pageNo"),
        ("/csapi/v1.3/sensors?pageSize=%00", "pageSize"),
    ];
    for (path, field) in cases {
        let v = assert_error(app.get(&t, path).await, 400).await;
        assert_eq!(v["details"][0]["field"], field, "{path}: {v}");
    }
    let long = "a".repeat(5000);
    let v = assert_error(
        app.get(&t, &format!("/csapi/v1.3/images?filter={long}"))
            .await,
        400,
    )
    .await;
    assert_eq!(v["span"]["start"], 4096, "{v}");
    assert_eq!(v["span"]["end"], 5000, "{v}");
}

#[tokio::test]
async fn malformed_percent_encoding_and_odd_ids_do_not_crash() {
    let app = spawn_app().await;
    let t = app.admin_token().await;
    assert_eq!(
        app.get(&t, "/csapi/v1.3/images?pageSize=%zz&x=%")
            .await
            .status(),
        400
    );
    for id in [
        "%27%20OR%201=1--",
        "..%2F..%2Fetc%2Fpasswd",
        "%F0%9F%92%A9",
        &"9".repeat(500),
    ] {
        assert_error(app.get(&t, &format!("/csapi/v1.3/images/{id}")).await, 404).await;
        assert_error(
            app.get(&t, &format!("/csapi/v1.3/containers/{id}/vuln"))
                .await,
            404,
        )
        .await;
    }
}
