//! The customer-segments stage of the report: K-Means on log1p + z-scored customer features with
//! `k` chosen by the silhouette, plain-language profiles, and a ward dendrogram of a sample.
//!
//! Choices (see docs/report.md): features recency, frequency, monetary, tenure (days and orders
//! from the log, as `custalyze segment customers`), plus CLV and P(alive) when the CLV models
//! fitted; `log1p` on every feature but P(alive); z-scores; K-Means (k-means++, [`N_INIT`]
//! seedings, seed [`SEED`]) for `k` in [`K_RANGE`], keeping the `k` with the highest mean
//! silhouette (exact up to [`SILHOUETTE_SAMPLE`] customers, else on a seeded sample of that
//! size). The dendrogram is ward linkage on an evenly spaced subsample of at most
//! [`DENDROGRAM_SAMPLE`] customers (every `n / m`-th customer in log order), cut and coloured
//! into the same `k`, drawn with its top 48 merges.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use custalyze_segment::{
    CustomerFeatures, Hierarchical, KMeans, Method, Scaling, SegmentModel, SvgOptions, k_curve,
};
use custalyze_transaction_types::TransactionLog;
use ndarray::{Array2, Axis, concatenate};

use super::sections::{SegmentProfileRow, SegmentProfiles};
use super::svg::fmt_thousands;

/// Candidate numbers of segments.
pub const K_RANGE: RangeInclusive<usize> = 3..=6;
/// Random seed of the K-Means seedings and of the silhouette sample.
pub const SEED: u64 = 42;
/// K-Means seedings per `k`.
pub const N_INIT: usize = 4;
/// Largest number of customers whose silhouette is computed exactly.
pub const SILHOUETTE_SAMPLE: usize = 4_000;
/// Largest number of customers in the dendrogram's linkage.
pub const DENDROGRAM_SAMPLE: usize = 2_000;

/// What the segments stage returns: profiles, the dendrogram `<svg>`, and the cluster label of
/// every customer (in log order).
pub type Found = (SegmentProfiles, Option<String>, Vec<String>);

/// Clusters the customers of `log` (all dated before `as_of`); `clv` and `p_alive` (one value
/// per customer in log order) are added as features when given.
///
/// # Errors
/// A one-line reason when a step fails (too few customers, non-finite features, ...).
pub fn customer_segments(
    log: &TransactionLog,
    as_of: NaiveDate,
    clv: Option<&[f64]>,
    p_alive: Option<&[f64]>,
) -> Result<Found, String> {
    let all = CustomerFeatures::from_log(log, as_of).map_err(|e| e.to_string())?;
    let n = all.len();
    if all.customers.as_slice() != log.customer_ids() {
        return Err(format!(
            "the features cover {n} of {} customers",
            log.customer_ids().len()
        ));
    }
    if n < 2 * K_RANGE.end() {
        return Err(format!(
            "{n} customers; segmentation needs at least {}",
            2 * K_RANGE.end()
        ));
    }
    let mut features = all
        .select(&["recency", "frequency", "monetary", "tenure"])
        .map_err(|e| e.to_string())?;
    let mut log1p = vec!["recency", "frequency", "monetary", "tenure"];
    for (name, values, logged) in [("clv", clv, true), ("p_alive", p_alive, false)] {
        let Some(v) = values else { continue };
        if v.len() != n || v.iter().any(|x| !x.is_finite()) {
            continue;
        }
        let col = Array2::from_shape_vec((n, 1), v.to_vec()).map_err(|e| e.to_string())?;
        let values = concatenate(Axis(1), &[features.values.view(), col.view()])
            .map_err(|e| e.to_string())?;
        let mut columns = features.columns.clone();
        columns.push(name.to_string());
        features = CustomerFeatures::new(features.customers, columns, values)
            .map_err(|e| e.to_string())?;
        if logged && v.iter().all(|x| *x > -1.0) {
            log1p.push(name);
        }
    }

    // k by the silhouette curve.
    let params = KMeans::params(*K_RANGE.start()).n_init(N_INIT).seed(SEED);
    let scaler = custalyze_segment::FittedScaler::fit(&features, &log1p, Scaling::ZScore)
        .map_err(|e| e.to_string())?;
    let z = scaler
        .transform_matrix(features.values.view())
        .map_err(|e| e.to_string())?;
    let sample = (n > SILHOUETTE_SAMPLE).then_some(SILHOUETTE_SAMPLE);
    let curve = k_curve(z.view(), K_RANGE, &params, sample).map_err(|e| e.to_string())?;
    let k = curve.suggested_k;
    let best_silhouette = curve
        .points
        .iter()
        .find(|p| p.k == k)
        .map_or(f64::NAN, |p| p.silhouette);
    let mut params = params;
    params.k = k;
    let seg = SegmentModel::fit(&features, &log1p, Scaling::ZScore, &params)
        .map_err(|e| e.to_string())?;

    // Profiles, largest revenue first, with unique labels.
    let mut order: Vec<usize> = (0..seg.model.profiles.len())
        .filter(|&s| seg.model.profiles[s].size > 0)
        .collect();
    order.sort_by(|&a, &b| {
        let ra = seg.model.profiles[a].revenue_share.unwrap_or(0.0);
        let rb = seg.model.profiles[b].revenue_share.unwrap_or(0.0);
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut names: Vec<String> = vec![String::new(); seg.model.profiles.len()];
    let mut rows = Vec::with_capacity(order.len());
    for &s in &order {
        let p = &seg.model.profiles[s];
        let base = p.label.clone();
        let mut label = base.clone();
        let mut dup = 2;
        while names.contains(&label) {
            label = format!("{base} ({dup})");
            dup += 1;
        }
        names[s] = label.clone();
        rows.push(SegmentProfileRow {
            label,
            customers: p.size,
            revenue_share: p.revenue_share.unwrap_or(f64::NAN),
            means: p.features.iter().map(|f| f.mean).collect(),
        });
    }
    let clusters: Vec<String> = seg.labels.iter().map(|&l| names[l].clone()).collect();

    // Dendrogram: ward linkage on an evenly spaced subsample.
    let m = n.min(DENDROGRAM_SAMPLE);
    let idx: Vec<usize> = (0..m).map(|i| i * n / m).collect();
    let sub = z.select(Axis(0), &idx);
    let dendrogram = Hierarchical::params(Method::Ward)
        .fit(sub.view())
        .and_then(|d| {
            d.to_svg(&SvgOptions {
                width: 800,
                height: 360,
                max_leaves: Some(48),
                color_clusters: Some(k),
                title: Some(format!(
                    "Ward linkage of {} (standardised features)",
                    sample_text(m, n)
                )),
                ..SvgOptions::default()
            })
        })
        .ok()
        // Tagged as the page's own charts (the browser check finds it by `data-chart`).
        .map(|svg| {
            svg.replacen(
                "<svg ",
                "<svg class=\"chart\" data-chart=\"segment-dendrogram\" role=\"img\" \
                 aria-label=\"Dendrogram of the customer segments\" ",
                1,
            )
        });

    let profiles = SegmentProfiles {
        method: format!(
            "k-means, k = {k} chosen by the highest mean silhouette ({:.2}{}) over k = {}..{}, on \
             log1p + z-scored {}; recency and tenure in days; dendrogram: ward linkage of {}",
            best_silhouette,
            if sample.is_some() {
                format!(
                    ", on a sample of {} customers",
                    fmt_thousands(SILHOUETTE_SAMPLE as f64, 0)
                )
            } else {
                String::new()
            },
            K_RANGE.start(),
            K_RANGE.end(),
            features.columns.join(", "),
            sample_text(m, n),
        ),
        features: features.columns.iter().map(|c| display_name(c)).collect(),
        rows,
    };
    Ok((profiles, dendrogram, clusters))
}

/// "all 1,000 customers" or "2,000 of 37,000 customers (evenly spaced)".
fn sample_text(m: usize, n: usize) -> String {
    if m == n {
        format!("all {} customers", fmt_thousands(n as f64, 0))
    } else {
        format!(
            "{} of {} customers (evenly spaced)",
            fmt_thousands(m as f64, 0),
            fmt_thousands(n as f64, 0)
        )
    }
}

/// The profile table's name of a feature column.
fn display_name(column: &str) -> String {
    match column {
        "recency" => "recency",
        "frequency" => "orders",
        "monetary" => "revenue",
        "tenure" => "tenure",
        "clv" => "CLV",
        "p_alive" => "P(alive)",
        other => other,
    }
    .to_string()
}
