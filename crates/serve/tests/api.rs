//! Every endpoint and every error class, in process (tower's `oneshot` on the router); the
//! responses checked against the OpenAPI document's required fields.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use custalyze_analysis::{Analysis, AnalysisOptions};
use custalyze_serve::{AppState, OPENAPI, Served, router};
use custalyze_transaction_types::TransactionLog;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn log() -> &'static TransactionLog {
    static LOG: OnceLock<TransactionLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let csv = custalyze_datagen::generate(&custalyze_datagen::GeneratorConfig {
            customers: 300,
            seed: 9,
            ..custalyze_datagen::GeneratorConfig::default()
        })
        .unwrap()
        .to_csv_string()
        .unwrap();
        load_reader(csv.as_bytes(), "t", &LoadOptions::new(Schema::OnlineRetail))
            .unwrap()
            .log
    })
}

fn state() -> AppState {
    static S: OnceLock<AppState> = OnceLock::new();
    S.get_or_init(|| {
        let a = Analysis::run(log(), &AnalysisOptions::new()).unwrap();
        AppState::new(Served::new(a, Some(log())))
    })
    .clone()
}

async fn call(method: &str, uri: &str, body: Option<String>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, Body::from))
        .unwrap();
    let res = router(state()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

fn openapi() -> Value {
    serde_json::from_str(OPENAPI).unwrap()
}

/// Every field the document marks required for `schema` is in `value`.
fn conforms(value: &Value, schema: &str) {
    let doc = openapi();
    let s = &doc["components"]["schemas"][schema];
    for field in s["required"].as_array().unwrap() {
        let f = field.as_str().unwrap();
        assert!(value.get(f).is_some(), "{schema}: missing {f} in {value}");
    }
}

#[tokio::test]
async fn health_and_the_app() {
    let (s, v) = call("GET", "/api/health", None).await;
    assert_eq!(s, StatusCode::OK);
    conforms(&v, "Health");
    assert_eq!(
        v["customers"].as_u64().unwrap() as usize,
        log().customer_ids().len()
    );
    let (s, v) = call("GET", "/", None).await;
    assert_eq!(s, StatusCode::OK);
    let page = v.as_str().unwrap();
    assert!(page.contains("<script") && page.contains("/api/customers/"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the app loads nothing from elsewhere"
    );
}

#[tokio::test]
async fn a_customer_card_and_its_recommendations() {
    let id = log().customer_ids()[3].to_string();
    let (s, v) = call("GET", &format!("/api/customers/{id}"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    conforms(&v, "CustomerCard");
    assert_eq!(v["customer_id"], id);
    assert!(!v["history"].as_array().unwrap().is_empty());
    let orders = v["orders"].as_u64().unwrap() as usize;
    assert_eq!(v["history"].as_array().unwrap().len(), orders);
    let (s, r) = call(
        "GET",
        &format!("/api/customers/{id}/recommendations?k=2"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let recs = r.as_array().unwrap();
    assert!(recs.len() <= 2);
    for rec in recs {
        conforms(rec, "Recommendation");
        assert!(!rec["reason"].as_str().unwrap().is_empty());
    }
    // Leading zeros name the same customer, as in the file.
    let (s, _) = call("GET", &format!("/api/customers/00{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    let (s, v) = call("GET", "/api/customers?sort=clv&limit=10&offset=5", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    conforms(&v, "CustomerList");
    let rows = v["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let clv: Vec<f64> = rows.iter().map(|r| r["clv"].as_f64().unwrap()).collect();
    assert!(clv.windows(2).all(|w| w[0] >= w[1]));
    let (_, a) = call("GET", "/api/customers?tier=A&limit=1000", None).await;
    assert!(
        a["customers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["clv_tier"] == "A")
    );
    let (s, seg) = call("GET", "/api/segments", None).await;
    assert_eq!(s, StatusCode::OK);
    conforms(&seg, "Segments");
    let name = seg["rfm"][0]["segment"].as_str().unwrap().to_string();
    let count = seg["rfm"][0]["customers"].as_u64().unwrap();
    let (_, members) = call(
        "GET",
        &format!(
            "/api/customers?segment={}&limit=1000",
            name.replace(' ', "%20")
        ),
        None,
    )
    .await;
    assert_eq!(members["total"].as_u64().unwrap(), count);
}

#[tokio::test]
async fn scoring_reproduces_the_analysis() {
    // The weekly summary histories of the first customers, scored by the API, give the
    // analysis's own P(alive), P(purchase) and CLV.
    let state = state();
    let served = state.get();
    let summary = served.analysis.summary.as_ref().unwrap();
    let histories: Vec<Value> = summary.rows[..20]
        .iter()
        .map(|r| serde_json::json!({"x": r.frequency, "t_x": r.recency, "T": r.t, "monetary": r.monetary_value}))
        .collect();
    let (s, v) = call(
        "POST",
        "/api/score",
        Some(serde_json::json!({"histories": histories}).to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    conforms(&v, "ScoreResponse");
    let clv = served.analysis.clv.as_ref().unwrap();
    for (i, sc) in v["scores"].as_array().unwrap().iter().enumerate() {
        conforms(sc, "Score");
        let c = &clv.customers[i];
        assert!((sc["p_alive"].as_f64().unwrap() - c.p_alive).abs() < 1e-12);
        assert!((sc["p_purchase"].as_f64().unwrap() - c.p_purchase).abs() < 1e-12);
        assert!(
            (sc["clv"].as_f64().unwrap() - c.clv.unwrap()).abs() < 1e-9 * c.clv.unwrap().max(1.0)
        );
    }
}

#[tokio::test]
async fn every_error_class() {
    let err = |v: &Value| v["error"].as_str().unwrap().to_string();
    let (s, v) = call("GET", "/api/customers/nobody", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(err(&v).contains("nobody"));
    let (s, v) = call("GET", "/api/nothing", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    conforms(&v, "Error");
    let (s, v) = call("GET", "/api/customers?limit=0", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("limit"));
    let (s, v) = call("GET", "/api/customers?sort=age", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("sort"));
    let id = log().customer_ids()[0].to_string();
    let (s, v) = call(
        "GET",
        &format!("/api/customers/{id}/recommendations?k=0"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("k"));
    let (s, _) = call("POST", "/api/score", Some("{not json".into())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = call(
        "POST",
        "/api/score",
        Some(r#"{"histories":[{"x":1,"t_x":5,"T":3}]}"#.into()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("histories[0]"), "{v}");
    let (s, v) = call(
        "POST",
        "/api/score",
        Some(r#"{"histories":[{"x":1,"t_x":1,"T":3,"monetary":-2}]}"#.into()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).starts_with("histories[0].monetary"), "{v}");
    let (s, _) = call("POST", "/api/score", Some(r#"{"rows":[]}"#.into())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let big = format!(
        r#"{{"histories":[{}]}}"#,
        vec![r#"{"x":1,"t_x":1,"T":3}"#; 800_000].join(",")
    );
    let (s, _) = call("POST", "/api/score", Some(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_openapi_document_covers_every_route() {
    let (s, v) = call("GET", "/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["openapi"], "3.1.0");
    let paths = v["paths"].as_object().unwrap();
    for p in [
        "/api/health",
        "/api/customers",
        "/api/customers/{id}",
        "/api/customers/{id}/recommendations",
        "/api/segments",
        "/api/score",
        "/api/openapi.json",
    ] {
        assert!(paths.contains_key(p), "{p} not documented");
    }
    // Every $ref resolves.
    let text = OPENAPI;
    for r in text.split("\"$ref\": \"#/components/").skip(1) {
        let path: Vec<&str> = r.split('"').next().unwrap().split('/').collect();
        assert!(
            v["components"][path[0]][path[1]].is_object(),
            "unresolved {path:?}"
        );
    }
}

#[tokio::test]
async fn a_reload_swaps_the_analysis_atomically() {
    let a = Analysis::run(log(), &AnalysisOptions::new()).unwrap();
    let state = AppState::new(Served::new(a.clone(), None));
    let before = state.get();
    let short = log()
        .until(chrono::NaiveDate::from_ymd_opt(2023, 6, 30).unwrap())
        .unwrap();
    state.replace(Served::new(
        Analysis::run(&short, &AnalysisOptions::new()).unwrap(),
        None,
    ));
    // A reader that started before keeps its analysis; new readers see the new one.
    assert_eq!(before.analysis.window.as_of, a.window.as_of);
    assert!(state.get().analysis.window.as_of < a.window.as_of);
}
