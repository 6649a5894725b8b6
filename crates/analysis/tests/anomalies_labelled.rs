//! The anomaly stage on a generated log with known fraud (custalyze-datagen's `inject_fraud`):
//! precision at k and average precision per pattern and overall, against a z-score baseline.
//! The path is the one `custalyze anomalies` and the report take: returns from the load report,
//! the Gamma-Gamma expected order value from weekly summaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};

use custalyze_analysis::clv::{PurchaseModelKind, fit_clv, weekly_summaries};
use custalyze_anomaly::{
    AnomalyDetector, CustomerInputs, OrderFeatures, average_precision, precision_at_k,
    zscore_baseline,
};
use custalyze_cltv_core::clv::ClvOptions;
use custalyze_datagen::{FraudConfig, FraudPattern, GeneratorConfig, generate, inject_fraud};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

struct Case {
    features: OrderFeatures,
    forest: Vec<f64>,
    baseline: Vec<f64>,
    /// The pattern of each order, if any.
    order_pattern: Vec<Option<FraudPattern>>,
    /// The pattern of each order's customer, if any.
    customer_pattern: Vec<Option<FraudPattern>>,
}

fn case(customers: usize, seed: u64) -> Case {
    let mut log = generate(&GeneratorConfig {
        customers,
        seed,
        ..GeneratorConfig::default()
    })
    .unwrap();
    inject_fraud(&mut log, &FraudConfig::default()).unwrap();
    let csv = log.to_csv_string().unwrap();
    let loaded = load_reader(
        csv.as_bytes(),
        "labelled",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    let end = loaded.log.last_date().unwrap();
    let summary = weekly_summaries(&loaded.log, end).unwrap();
    let clv = fit_clv(
        &summary,
        52.0,
        &ClvOptions::default(),
        PurchaseModelKind::BgNbd,
    )
    .unwrap();
    let spend: Vec<f64> = clv
        .customers
        .iter()
        .map(|c| c.expected_spend.unwrap())
        .collect();
    let weekly: Vec<f64> = clv
        .customers
        .iter()
        .map(|c| c.expected_revenue.unwrap() / clv.horizon_weeks)
        .collect();
    let inputs = CustomerInputs {
        returned_rows: Some(&loaded.report.returned_rows_by_customer),
        expected_spend: Some(&spend),
        expected_weekly_spend: Some(&weekly),
    };
    let features = OrderFeatures::from_log(&loaded.log, &inputs).unwrap();
    let detector = AnomalyDetector::params().seed(3).fit(&features).unwrap();
    let risk = detector.score(&loaded.log, &features).unwrap();
    let mut by_order: HashMap<Id, FraudPattern> = HashMap::new();
    let mut by_customer: HashMap<Id, FraudPattern> = HashMap::new();
    for f in &log.record.fraud {
        by_customer.insert(Id::Int(f.customer_id as i64), f.pattern);
        if f.pattern != FraudPattern::HeavyReturner {
            for &i in &f.invoices {
                by_order.insert(Id::Int(i as i64), f.pattern);
            }
        }
    }
    let order_pattern = features
        .orders
        .iter()
        .map(|o| by_order.get(&o.order_id).copied())
        .collect();
    let customer_pattern = features
        .orders
        .iter()
        .map(|o| {
            by_customer
                .get(&loaded.log.customer_ids()[o.customer as usize])
                .copied()
        })
        .collect();
    Case {
        forest: risk.orders.iter().map(|o| o.score).collect(),
        baseline: zscore_baseline(&features.matrix),
        features,
        order_pattern,
        customer_pattern,
    }
}

/// (precision at k, average precision) of `scores` for `positive` among the units `keep` admits.
fn metrics(scores: &[f64], positive: &[bool], keep: &[bool]) -> (f64, f64, usize) {
    let s: Vec<f64> = scores
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(s, _)| *s)
        .collect();
    let l: Vec<bool> = positive
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect();
    let k = l.iter().filter(|&&p| p).count();
    (
        precision_at_k(&s, &l, k).unwrap(),
        average_precision(&s, &l).unwrap(),
        k,
    )
}

/// Customer-level scores: the highest order score of each customer.
fn per_customer(case: &Case, scores: &[f64]) -> (Vec<f64>, Vec<Option<FraudPattern>>) {
    let mut best: HashMap<u32, (f64, Option<FraudPattern>)> = HashMap::new();
    for (i, o) in case.features.orders.iter().enumerate() {
        let e = best
            .entry(o.customer)
            .or_insert((f64::NEG_INFINITY, case.customer_pattern[i]));
        e.0 = e.0.max(scores[i]);
    }
    let mut keys: Vec<u32> = best.keys().copied().collect();
    keys.sort_unstable();
    keys.iter().map(|k| best[k]).unzip()
}

#[test]
fn forest_beats_the_zscore_baseline_on_injected_fraud() {
    for seed in [11, 23] {
        println!("2,000 customers, seed {seed}");
        one_log(seed);
    }
}

fn one_log(seed: u64) {
    let case = case(2000, seed);
    let mut forest_total = 0.0;
    let mut baseline_total = 0.0;
    println!("pattern | unit | positives | forest P@k | forest AP | z-score P@k | z-score AP");
    for pattern in FraudPattern::ALL {
        let (scores_f, scores_b, positive, keep, unit): (
            Vec<f64>,
            Vec<f64>,
            Vec<bool>,
            Vec<bool>,
            &str,
        ) = if pattern == FraudPattern::HeavyReturner {
            let (f, pats) = per_customer(&case, &case.forest);
            let (b, _) = per_customer(&case, &case.baseline);
            let positive: Vec<bool> = pats.iter().map(|p| *p == Some(pattern)).collect();
            let keep = pats
                .iter()
                .map(|p| p.is_none() || *p == Some(pattern))
                .collect();
            (f, b, positive, keep, "customer")
        } else {
            let positive: Vec<bool> = case
                .order_pattern
                .iter()
                .map(|p| *p == Some(pattern))
                .collect();
            let keep = case
                .order_pattern
                .iter()
                .zip(&case.customer_pattern)
                .map(|(p, c)| *p == Some(pattern) || (p.is_none() && c.is_none()))
                .collect();
            (
                case.forest.clone(),
                case.baseline.clone(),
                positive,
                keep,
                "order",
            )
        };
        let (pf, af, k) = metrics(&scores_f, &positive, &keep);
        let (pb, ab, _) = metrics(&scores_b, &positive, &keep);
        println!(
            "{} | {unit} | {k} | {pf:.3} | {af:.3} | {pb:.3} | {ab:.3}",
            pattern.name()
        );
        assert!(k > 0, "{pattern:?} has no labelled unit");
    }
    // Overall: every labelled order (a heavy returner's orders included) against clean orders.
    let positive: Vec<bool> = case
        .order_pattern
        .iter()
        .zip(&case.customer_pattern)
        .map(|(p, c)| p.is_some() || *c == Some(FraudPattern::HeavyReturner))
        .collect();
    let keep = vec![true; positive.len()];
    let (pf, af, k) = metrics(&case.forest, &positive, &keep);
    let (pb, ab, _) = metrics(&case.baseline, &positive, &keep);
    println!("overall | order | {k} | {pf:.3} | {af:.3} | {pb:.3} | {ab:.3}");
    forest_total += af;
    baseline_total += ab;
    assert!(
        forest_total > baseline_total,
        "forest AP {forest_total:.3} <= z-score AP {baseline_total:.3}"
    );
    let _ = HashSet::<u8>::new();
}
