#![doc = include_str!("../README.md")]

pub mod error;
pub mod score;
pub mod view;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use custalyze_analysis::Analysis;
use custalyze_analysis::playbook::{strategy, tier_name};
use custalyze_transaction_types::TransactionLog;
use serde::{Deserialize, Serialize};

pub use error::ApiError;
pub use score::{History, MAX_HISTORIES, Score, ScoreRequest, ScoreResponse};
pub use view::{CustomerCard, CustomerLine, Purchase, Recommendation};

/// The largest request body accepted (16 MiB: about 150,000 histories).
pub const MAX_BODY_BYTES: usize = 16 << 20;
/// The most customers one list request returns.
pub const MAX_LIMIT: usize = 1_000;

/// The OpenAPI 3.1 document of the API (served at `/api/openapi.json`).
pub const OPENAPI: &str = include_str!("openapi.json");
/// The web app (one self-contained page: no script or style from elsewhere).
pub const APP_HTML: &str = include_str!("app.html");

/// An analysis as served: the typed result and, when the log is at hand, each customer's orders.
#[derive(Debug)]
pub struct Served {
    /// The analysis.
    pub analysis: Analysis,
    /// Orders by customer index (`None` when served from a saved analysis without its log).
    pub history: Option<Vec<Vec<Purchase>>>,
}

impl Served {
    /// Serves `analysis`, with the purchase histories of `log` (the log it was run on) when
    /// given.
    pub fn new(analysis: Analysis, log: Option<&TransactionLog>) -> Self {
        let history = log.map(|log| {
            let mut out: Vec<Vec<Purchase>> = vec![Vec::new(); analysis.facts.len()];
            let index: HashMap<String, usize> = analysis
                .facts
                .iter()
                .enumerate()
                .map(|(i, f)| (f.customer.to_string(), i))
                .collect();
            // Rows on or after the analysis date are not part of the analysis.
            let end = analysis
                .window
                .as_of
                .and_hms_opt(0, 0, 0)
                .map_or(i64::MAX, |d| d.and_utc().timestamp());
            for (c, id) in log.customer_ids().iter().enumerate() {
                let Some(&i) = index.get(&id.to_string()) else {
                    continue;
                };
                let mut orders: Vec<(u32, Purchase)> = Vec::new();
                for r in log.customer_rows(c) {
                    if log.timestamps()[r] >= end {
                        continue;
                    }
                    let o = log.orders()[r];
                    match orders.iter_mut().find(|x| x.0 == o) {
                        Some(x) => x.1.value += log.amounts()[r],
                        None => orders.push((
                            o,
                            Purchase {
                                date: chrono::DateTime::from_timestamp(log.timestamps()[r], 0)
                                    .map_or(analysis.window.first_date, |t| t.date_naive()),
                                value: log.amounts()[r],
                            },
                        )),
                    }
                }
                out[i] = orders.into_iter().map(|x| x.1).collect();
            }
            out
        });
        Self { analysis, history }
    }
}

/// The shared state: the served analysis behind a lock that is only held to clone the `Arc`,
/// so a reload swaps it atomically (readers keep the one they started with).
#[derive(Clone, Debug)]
pub struct AppState {
    current: Arc<RwLock<Arc<Served>>>,
}

impl AppState {
    /// State serving `served`.
    pub fn new(served: Served) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(served))),
        }
    }

    /// The analysis now served.
    pub fn get(&self) -> Arc<Served> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the served analysis (requests in flight finish on the old one).
    pub fn replace(&self, served: Served) {
        let new = Arc::new(served);
        match self.current.write() {
            Ok(mut g) => *g = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}

/// The app and the API as an axum router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(app))
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/customers", get(list_customers))
        .route("/api/customers/{id}", get(customer))
        .route("/api/customers/{id}/recommendations", get(recommendations))
        .route("/api/segments", get(segments))
        .route("/api/score", post(score_batch))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves the router on `addr` until the process ends.
///
/// # Errors
/// [`ApiError::Io`] when the address cannot be bound or the server fails.
pub async fn serve(addr: &str, state: AppState) -> Result<(), ApiError> {
    let io = |source| ApiError::Io {
        addr: addr.to_string(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
    axum::serve(listener, router(state)).await.map_err(io)
}

async fn app() -> Html<&'static str> {
    Html(APP_HTML)
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    customers: usize,
    as_of: chrono::NaiveDate,
}

async fn health(State(s): State<AppState>) -> Json<serde_json::Value> {
    let served = s.get();
    Json(serde_json::json!(Health {
        status: "ok",
        customers: served.analysis.facts.len(),
        as_of: served.analysis.window.as_of,
    }))
}

async fn customer(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CustomerCard>, ApiError> {
    let served = s.get();
    let a = &served.analysis;
    let c = a
        .customer(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no customer {id:?}")))?;
    let i = a
        .facts
        .iter()
        .position(|f| std::ptr::eq(f, c.facts))
        .unwrap_or_default();
    let history = served
        .history
        .as_ref()
        .and_then(|h| h.get(i).cloned())
        .unwrap_or_default();
    Ok(Json(view::card(a, &c, history)))
}

#[derive(Deserialize)]
struct K {
    k: Option<usize>,
}

async fn recommendations(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<K>,
) -> Result<Json<Vec<Recommendation>>, ApiError> {
    let served = s.get();
    let a = &served.analysis;
    let c = a
        .customer(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no customer {id:?}")))?;
    let k = q.k.unwrap_or(5);
    if !(1..=100).contains(&k) {
        return Err(ApiError::BadRequest(format!("k: {k} is not in 1..=100")));
    }
    Ok(Json(view::recommendations(a, &c, k)))
}

#[derive(Deserialize)]
struct ListQuery {
    segment: Option<String>,
    tier: Option<String>,
    sort: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct CustomerList {
    total: usize,
    offset: usize,
    customers: Vec<CustomerLine>,
}

async fn list_customers(
    State(s): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<CustomerList>, ApiError> {
    let served = s.get();
    let a = &served.analysis;
    let limit = q.limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit: {limit} is not in 1..={MAX_LIMIT}"
        )));
    }
    let offset = q.offset.unwrap_or(0);
    let mut lines: Vec<CustomerLine> = a
        .customers()
        .filter(|c| {
            q.segment
                .as_deref()
                .is_none_or(|s| c.rfm_segment == Some(s))
        })
        .filter(|c| {
            q.tier.as_deref().is_none_or(|t| {
                c.value
                    .and_then(|v| v.tier)
                    .is_some_and(|x| x.as_str() == t)
            })
        })
        .map(|c| view::line(&c))
        .collect();
    let key =
        |l: &CustomerLine, f: fn(&CustomerLine) -> Option<f64>| f(l).unwrap_or(f64::NEG_INFINITY);
    match q.sort.as_deref().unwrap_or("id") {
        "id" => {}
        "clv" => lines.sort_by(|x, y| key(y, |l| l.clv).total_cmp(&key(x, |l| l.clv))),
        "revenue" => lines.sort_by(|x, y| y.revenue.total_cmp(&x.revenue)),
        "p_alive" => lines.sort_by(|x, y| key(x, |l| l.p_alive).total_cmp(&key(y, |l| l.p_alive))),
        other => {
            return Err(ApiError::BadRequest(format!(
                "sort: {other:?} is not one of id, clv, revenue, p_alive"
            )));
        }
    }
    let total = lines.len();
    let customers = lines.into_iter().skip(offset).take(limit).collect();
    Ok(Json(CustomerList {
        total,
        offset,
        customers,
    }))
}

async fn segments(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let served = s.get();
    let a = &served.analysis;
    a.rfm
        .as_ref()
        .map_err(|e| ApiError::Unavailable(format!("RFM stage failed: {e}")))?;
    let mut by_segment: Vec<(String, usize, f64)> = Vec::new();
    for c in a.customers() {
        let name = c.rfm_segment.unwrap_or("unscored").to_string();
        match by_segment.iter_mut().find(|x| x.0 == name) {
            Some(x) => {
                x.1 += 1;
                x.2 += c.facts.revenue;
            }
            None => by_segment.push((name, 1, c.facts.revenue)),
        }
    }
    let total: f64 = by_segment.iter().map(|x| x.2).sum();
    by_segment.sort_by(|x, y| y.2.total_cmp(&x.2));
    let engagement: Vec<serde_json::Value> = a
        .playbook
        .as_ref()
        .map(|p| {
            p.tiers
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "tier": tier_name(t.tier),
                        "customers": t.customers,
                        "share": t.share,
                        "strategy": strategy(t.tier),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(serde_json::json!({
        "rfm": by_segment.iter().map(|(name, n, rev)| serde_json::json!({
            "segment": name,
            "customers": n,
            "revenue": rev,
            "revenue_share": if total > 0.0 { rev / total } else { 0.0 },
        })).collect::<Vec<_>>(),
        "engagement": engagement,
    })))
}

async fn score_batch(
    State(s): State<AppState>,
    body: Result<Json<ScoreRequest>, JsonRejection>,
) -> Result<Json<ScoreResponse>, ApiError> {
    let Json(request) = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(format!("the body is over {MAX_BODY_BYTES} bytes"))
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })?;
    let served = s.get();
    let clv = served
        .analysis
        .clv
        .as_ref()
        .map_err(|e| ApiError::Unavailable(format!("CLV stage failed: {e}")))?;
    Ok(Json(score::score(clv, &request.histories)?))
}
