//! Every stage of the analysis on generated data (custalyze-datagen), the JSON round trip, the
//! per-customer join, and the errors of bad options and unusable input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use chrono::NaiveDate;
use custalyze_analysis::clv::{ClvTier, fit_clv, weekly_summaries};
use custalyze_analysis::{Analysis, AnalysisOptions, Error, Stage};
use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use custalyze_transaction_types::{CustomerSummary, Id, Period, SummaryTable, TransactionLog};

fn log() -> &'static TransactionLog {
    static LOG: OnceLock<TransactionLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let csv = generate(&GeneratorConfig::default().customers(500).seed(3))
            .unwrap()
            .to_csv_string()
            .unwrap();
        load_reader(
            csv.as_bytes(),
            "sample",
            &LoadOptions::new(Schema::OnlineRetail),
        )
        .unwrap()
        .log
    })
}

fn analysis() -> &'static Analysis {
    static A: OnceLock<Analysis> = OnceLock::new();
    A.get_or_init(|| Analysis::run(log(), &AnalysisOptions::new()).unwrap())
}

#[test]
fn every_stage_succeeds_on_a_generated_log() {
    let a = analysis();
    assert!(a.failures().is_empty(), "{:?}", a.failures());
    assert_eq!(a.facts.len(), log().customer_ids().len());
    assert_eq!(
        a.window.as_of,
        log().last_date().unwrap().succ_opt().unwrap()
    );
}

#[test]
fn the_analysis_round_trips_through_json() {
    let a = analysis();
    let json = serde_json::to_string(a).unwrap();
    let back: Analysis = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, a);
}

#[test]
fn the_same_seed_gives_the_same_analysis() {
    let again = Analysis::run(log(), &AnalysisOptions::new()).unwrap();
    assert_eq!(&again, analysis());
}

#[test]
fn clv_predictions_are_consistent() {
    let a = analysis();
    let c = a.clv.as_ref().unwrap();
    assert_eq!(c.customers.len(), a.facts.len());
    for v in &c.customers {
        assert!((0.0..=1.0).contains(&v.p_alive));
        assert!(v.p_purchase >= 0.0 && v.p_purchase <= v.p_alive + 1e-12);
        assert!(v.expected_purchases >= 0.0);
        let spend = v.expected_spend.unwrap();
        assert!((v.expected_revenue.unwrap() - spend * v.expected_purchases).abs() < 1e-9);
    }
    // Tiers are quartiles of CLV, A the highest, shares adding to 1.
    assert_eq!(c.tiers.len(), 4);
    assert_eq!(
        c.tiers.iter().map(|t| t.customers).sum::<usize>(),
        a.facts.len()
    );
    assert!((c.tiers.iter().map(|t| t.value_share).sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(
        c.tiers
            .windows(2)
            .all(|w| w[0].min_clv >= w[1].mean_clv.min(w[0].min_clv))
    );
    let min_a = c.tiers[0].min_clv;
    for v in c.customers.iter().filter(|v| v.tier != Some(ClvTier::A)) {
        assert!(v.clv.unwrap() <= min_a);
    }
    // The headline is the sum / mean of the customers.
    let h = &a.headline;
    let share = c.customers.iter().map(|v| v.p_purchase).sum::<f64>() / c.customers.len() as f64;
    assert!((h.expected_buyers_share.unwrap() - share).abs() < 1e-12);
    assert!((h.expected_revenue.unwrap() - c.expected_revenue().unwrap()).abs() < 1e-6);
}

#[test]
fn zero_spend_repeat_buyers_get_the_mean_spend_and_are_counted() {
    // 30 repeat buyers with positive spend and one whose repeat purchases are worth 0: the fit
    // succeeds without her and she is counted, by id.
    let mut rows = Vec::new();
    for k in 0..30 {
        let m = 20.0 + f64::from(k % 7) * 3.0;
        rows.push(CustomerSummary {
            customer: Id::Int(i64::from(k)),
            frequency: f64::from(1 + k % 4),
            recency: 10.0 + f64::from(k),
            t: 60.0,
            monetary_value: m,
        });
    }
    rows.push(CustomerSummary {
        customer: Id::from("zero-spender"),
        frequency: 2.0,
        recency: 30.0,
        t: 60.0,
        monetary_value: 0.0,
    });
    let table = SummaryTable {
        period: Period::WEEK,
        observation_end: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        rows,
    };
    let c = fit_clv(&table, 26.0, &Default::default(), Default::default()).unwrap();
    let s = c.spend.as_ref().unwrap();
    assert_eq!(s.fitted_customers, 30);
    assert_eq!(s.zero_spend_repeat_buyers, 1);
    assert_eq!(s.zero_spend_examples, vec![Id::from("zero-spender")]);
    let last = c.customers.last().unwrap();
    assert_eq!(last.expected_spend, Some(s.population_mean_spend));
}

#[test]
fn a_customer_no_model_can_take_is_named_by_id() {
    let table = SummaryTable {
        period: Period::WEEK,
        observation_end: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        rows: vec![CustomerSummary {
            customer: Id::from("C-17"),
            frequency: 2.0,
            recency: 40.0,
            t: 30.0,
            monetary_value: 5.0,
        }],
    };
    let e = fit_clv(&table, 26.0, &Default::default(), Default::default()).unwrap_err();
    assert!(matches!(
        &e,
        Error::Clv { source: custalyze_cltv_core::Error::InvalidCustomer { customer, .. }, .. }
            if *customer == Id::from("C-17")
    ));
    assert!(e.to_string().contains("C-17"), "{e}");
}

#[test]
fn weekly_summaries_cover_every_customer() {
    let end = log().last_date().unwrap();
    let s = weekly_summaries(log(), end).unwrap();
    assert_eq!(s.rows.len(), log().customer_ids().len());
}

#[test]
fn the_holdout_check_compares_with_the_log() {
    let h = analysis().holdout.as_ref().unwrap();
    assert!(h.calibration_end < h.observation_end);
    assert!((0.0..=1.0).contains(&h.actual_buyers_share));
    assert!((h.predicted_buyers_share - h.actual_buyers_share).abs() < 0.1);
    assert!(h.buyers_roc_auc.unwrap() > 0.7, "{:?}", h.buyers_roc_auc);
    assert!(h.actual_revenue > 0.0 && h.predicted_revenue.unwrap() > 0.0);
}

#[test]
fn rfm_counts_orders_by_default_and_rows_on_request() {
    let a = analysis();
    let r = a.rfm.as_ref().unwrap();
    for (row, f) in r.table.rows.iter().zip(&a.facts) {
        assert_eq!(row.frequency, f.orders);
    }
    let rows = Analysis::run(
        log(),
        &AnalysisOptions::new().rfm_frequency(custalyze_rfm::FrequencyRule::Rows),
    )
    .unwrap();
    let total_rows: u64 = rows
        .rfm
        .as_ref()
        .unwrap()
        .table
        .rows
        .iter()
        .map(|r| r.frequency)
        .sum();
    assert_eq!(total_rows as usize, log().len());
    assert_eq!(r.segments.len(), r.table.rows.len());
}

#[test]
fn products_bundles_and_cohorts_reconcile() {
    let a = analysis();
    let p = a.products.as_ref().unwrap();
    assert_eq!(p.rows.len(), p.abc.entries.len());
    assert!((p.abc.total - log().total_amount()).abs() < 1e-6 * p.abc.total);
    let b = a.bundles.as_ref().unwrap();
    assert!(!b.bundles.is_empty());
    let mut seen = std::collections::HashSet::new();
    for x in &b.bundles {
        assert!(seen.insert(x.items.clone()), "one row per bundle");
        let mut both: Vec<u32> = x
            .antecedents
            .iter()
            .chain(&x.consequents)
            .copied()
            .collect();
        both.sort_unstable();
        assert_eq!(both, x.items);
        assert!(x.confidence >= custalyze_analysis::rules::MIN_CONFIDENCE);
    }
    let c = a.cohorts.as_ref().unwrap();
    assert_eq!(c.sizes().iter().sum::<u64>() as usize, a.facts.len());
}

#[test]
fn the_forecast_is_never_worse_than_its_benchmark() {
    let f = analysis().forecast.as_ref().unwrap();
    let chosen = f.chosen_score().unwrap().mase;
    let bench = f.benchmark_score().unwrap().mase;
    assert!(chosen <= bench);
    assert_eq!(f.median.len(), custalyze_analysis::forecast::HORIZON);
    for k in 0..f.median.len() {
        assert!(f.lower_95[k] <= f.lower_80[k] && f.lower_80[k] <= f.median[k]);
        assert!(f.median[k] <= f.upper_80[k] && f.upper_80[k] <= f.upper_95[k]);
    }
    // Too short a history is a typed error, not a panic.
    let short = custalyze_analysis::forecast::forecast_revenue(&f.history[..5]);
    assert!(matches!(short, Err(Error::NotEnoughData(_))));
}

#[test]
fn segments_churn_and_playbook_cover_every_customer() {
    let a = analysis();
    let s = a.segments.as_ref().unwrap();
    assert_eq!(s.clusters.len(), a.facts.len());
    assert_eq!(
        s.profiles.iter().map(|p| p.customers).sum::<usize>(),
        a.facts.len()
    );
    let c = a.churn.as_ref().unwrap();
    assert!(c.evaluation.random_forest.roc_auc > 0.5);
    assert_eq!(
        c.bands.iter().map(|b| b.customers).sum::<usize>(),
        c.scores.len()
    );
    let p = a.playbook.as_ref().unwrap();
    assert_eq!(p.customers.len(), a.facts.len());
    assert_eq!(
        p.tiers.iter().map(|t| t.customers).sum::<usize>(),
        a.facts.len()
    );
    for (k, play) in p.customers.iter().enumerate() {
        let bought: std::collections::HashSet<u32> =
            custalyze_analysis::facts::customer_products(log(), k)
                .iter()
                .map(|x| x.item)
                .collect();
        assert!(
            play.recommended.iter().all(|i| !bought.contains(i)),
            "customer {k}"
        );
        assert_eq!(play.recommended.len(), a.options.recommendations);
    }
}

#[test]
fn customers_are_found_by_the_id_as_written() {
    let a = analysis();
    let id = a.facts[7].customer.clone();
    let Id::Int(n) = id else {
        panic!("generated ids are integers")
    };
    let padded = format!("{n:08}");
    let v = a.customer(&padded).unwrap();
    assert_eq!(v.facts.customer, id);
    assert!(v.value.is_some() && v.rfm.is_some() && v.play.is_some());
    assert!(a.customer("no such customer").is_none());
    let at_risk = a.at_risk(10);
    assert!(
        at_risk
            .iter()
            .all(|c| c.value.and_then(|v| v.tier) <= Some(ClvTier::B))
    );
}

#[test]
fn a_log_without_products_fails_only_the_product_stages() {
    let mut text = String::from("customer_id,date,amount\n");
    for c in 0..60 {
        for k in 0..(1 + c % 4) {
            text.push_str(&format!(
                "{c},2023-{:02}-{:02},{}.5\n",
                1 + (c + 3 * k) % 12,
                1 + k,
                10 + c
            ));
        }
    }
    let log = load_reader(
        text.as_bytes(),
        "no-items",
        &LoadOptions::new(Schema::from_name("generic").unwrap()),
    )
    .unwrap()
    .log;
    let a = Analysis::run(&log, &AnalysisOptions::new()).unwrap();
    let failed: Vec<Stage> = a.failures().iter().map(|(s, _)| *s).collect();
    assert!(failed.contains(&Stage::Products) && failed.contains(&Stage::Bundles));
    assert!(matches!(
        a.products.as_ref().unwrap_err().error(),
        Error::NoProducts
    ));
    assert!(a.rfm.is_ok() && a.cohorts.is_ok() && a.summary.is_ok());
    // Errors survive the JSON round trip as their message.
    let back: Analysis = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back, a);
    assert!(matches!(
        back.products.unwrap_err().error(),
        Error::Restored(_)
    ));
}

#[test]
fn bad_options_and_unusable_input_are_typed_errors() {
    let bad = [
        AnalysisOptions::new().months(0),
        AnalysisOptions::new().months(121),
        AnalysisOptions::new().discount_rate(f64::NAN),
        AnalysisOptions::new().discount_rate(-1.0),
        AnalysisOptions::new().churn_holdout_days(0),
        AnalysisOptions::new().currency(Some("US Dollar".into())),
    ];
    for o in bad {
        assert!(
            matches!(
                Analysis::run(log(), &o),
                Err(Error::InvalidParameter(
                    custalyze_transaction_types::InvalidParameter { .. }
                ))
            ),
            "{o:?}"
        );
    }
    let early = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    assert!(matches!(
        Analysis::run(log(), &AnalysisOptions::new().as_of(Some(early))),
        Err(Error::NoTransactions { .. })
    ));
}

#[test]
fn analysis_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Analysis>();
    check::<Error>();
    check::<custalyze_analysis::StageError>();
}

#[test]
fn the_clv_stage_uses_the_model_the_holdout_scorecard_picks() {
    use custalyze_analysis::clv::PurchaseModelKind;
    use custalyze_cltv_core::scorecard::SelectionRule;
    let a = analysis();
    let h = a.holdout.as_ref().unwrap();
    let card = h.scorecard.as_ref().unwrap();
    // The rule: the smaller error of the holdout total.
    let picked = card.select(SelectionRule::HoldoutTotal).unwrap();
    assert_eq!(h.model.name(), picked.model);
    let c = a.clv.as_ref().unwrap();
    assert_eq!(c.model, h.model);
    // Both purchase models tracked week by week.
    assert!(card.rows.iter().all(|r| r.tracking_error.is_finite()));
    assert!(h.tracking.as_ref().is_some_and(|t| !t.time.is_empty()));

    // With MBG/NBD forced, every customer's figures come from the MBG/NBD fit.
    let summary = weekly_summaries(log(), a.window.observation_end).unwrap();
    let m = fit_clv(
        &summary,
        26.0,
        &Default::default(),
        PurchaseModelKind::MbgNbd,
    )
    .unwrap();
    let mbg = m.mbgnbd.as_ref().unwrap();
    let r = &summary.rows[0];
    let history = custalyze_cltv_core::Customer::new(r.frequency, r.recency, r.t).unwrap();
    assert_eq!(m.customers[0].p_alive, mbg.p_alive(&history).unwrap());
    assert_eq!(
        m.customers[0].expected_purchases,
        mbg.expected_purchases(26.0, &history).unwrap()
    );
    assert_eq!(
        m.purchase_model().p_alive(&history).unwrap(),
        mbg.p_alive(&history).unwrap()
    );
}

#[test]
fn the_executive_page_adds_up() {
    let a = analysis();
    let e = &a.executive;
    // The year's revenue against the log itself.
    let year = e.year.as_ref().unwrap();
    let direct: f64 = (0..log().len())
        .filter(|&r| {
            let d = chrono::DateTime::from_timestamp(log().timestamps()[r], 0)
                .unwrap()
                .date_naive();
            d >= year.start && d < year.end
        })
        .map(|r| log().amounts()[r])
        .sum();
    assert!((year.revenue - direct).abs() < 1e-6 * direct.max(1.0));
    // Monthly revenue covers complete months only and sums to at most the log's total.
    let monthly: f64 = e.monthly_revenue.iter().map(|(_, v)| v).sum();
    assert!(monthly <= log().total_amount() + 1e-6);
    assert!(e.monthly_revenue.last().unwrap().0 < a.window.as_of);
    // The health score: components in 0..=100, weights summing to 1.
    let h = &e.health;
    let score = h.score.unwrap();
    assert!((0.0..=100.0).contains(&score));
    let weights: f64 = h.components.iter().map(|c| c.weight).sum();
    assert!((weights - 1.0).abs() < 1e-12);
    let mean: f64 = h.components.iter().map(|c| c.score * c.weight).sum();
    assert!((mean - score).abs() < 1e-9);
    // Insights: ordered by money at stake, each with a number behind it and a module.
    assert!(e.insights.len() >= 4, "{:?}", e.insights);
    assert!(e.insights.windows(2).all(|w| w[0].money >= w[1].money));
    for i in &e.insights {
        assert!(i.evidence.chars().any(|c| c.is_ascii_digit()), "{i:?}");
        assert!(!i.module.is_empty());
    }
    let retention = e.retention.unwrap();
    let (lapsed, _) = e.lapsed.unwrap();
    let previous = e.previous_year.as_ref().unwrap().customers;
    assert_eq!(
        ((1.0 - retention) * previous as f64).round() as usize,
        lapsed
    );
}

#[test]
fn a_short_log_leaves_out_the_year_on_year_components() {
    let short = log()
        .until(NaiveDate::from_ymd_opt(2022, 12, 31).unwrap())
        .unwrap();
    let a = Analysis::run(&short, &AnalysisOptions::new()).unwrap();
    let h = &a.executive.health;
    assert!(a.executive.previous_year.is_none());
    assert!(
        h.components
            .iter()
            .all(|c| c.name != "growth" && c.name != "retention")
    );
    assert_eq!(h.missing.len(), 2, "{:?}", h.missing);
    let weights: f64 = h.components.iter().map(|c| c.weight).sum();
    assert!((weights - 1.0).abs() < 1e-12);
}
