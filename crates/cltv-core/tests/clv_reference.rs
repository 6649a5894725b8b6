//! CLV against lifetimes' `GammaGammaFitter.customer_lifetime_value` on CDNOW, and properties of
//! the purchase models behind it (fixtures: `fixtures/SOURCES.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fixture, rel};

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{
    BgNbdParameters, ClvOptions, GammaGammaParameters, MbgNbdParameters, PurchaseModel, TimeUnit,
    customer_lifetime_value, customer_lifetime_values,
};
use proptest::prelude::*;
use serde_json::Value;

#[test]
fn twelve_month_clv_matches_lifetimes() {
    let reference: Value = serde_json::from_str(&fixture("gammagamma_cdnow.json")).unwrap();
    let gg = &reference["lifetimes_fit"];
    let bg = &reference["bgnbd_params_used"];
    let g = |v: &Value, k: &str| v[k].as_f64().unwrap();
    let spend_model = GammaGammaParameters::new(g(gg, "p"), g(gg, "q"), g(gg, "v")).unwrap();
    let purchases =
        BgNbdParameters::new(g(bg, "r"), g(bg, "alpha"), g(bg, "a"), g(bg, "b")).unwrap();
    let options = ClvOptions {
        months: 12,
        monthly_discount_rate: 0.01,
        unit: TimeUnit::Week,
    };
    let customers = reference["customers"].as_array().unwrap();
    let col = |k: &str| -> Vec<f64> { customers.iter().map(|c| g(c, k)).collect() };
    let (x, tx, t, m) = (
        col("frequency"),
        col("recency"),
        col("T"),
        col("monetary_value"),
    );
    let spend: Vec<f64> = (0..x.len())
        .map(|i| spend_model.conditional_expected_average_profit(x[i], m[i]))
        .collect();
    let batch = customer_lifetime_values(&purchases, &x, &tx, &t, &spend, &options).unwrap();
    for (i, c) in customers.iter().enumerate() {
        let want = g(c, "clv_12m_monthly_discount_0.01");
        let got = spend_model
            .customer_lifetime_value(
                &purchases,
                &Customer {
                    x: x[i],
                    t_x: tx[i],
                    t: t[i],
                },
                m[i],
                &options,
            )
            .unwrap();
        assert_eq!(got.to_bits(), batch[i].to_bits());
        // 1e-9 relative: the same sum in the same order with the same time points; measured
        // agreement is about 1e-13 (the BG/NBD expectations' rounding, amplified a little by the
        // monthly differences).
        assert!(
            rel(got, want) < 1e-9,
            "id {}: {got} vs {want} ({:e})",
            c["id"],
            rel(got, want)
        );
    }
}

/// A BG/NBD or MBG/NBD parameter set and a valid customer history.
fn model_and_customer() -> impl Strategy<Value = ([f64; 4], f64, f64, f64)> {
    (
        (0.05f64..5.0, 0.5f64..50.0, 0.1f64..5.0, 0.1f64..5.0),
        0u32..60,
        0.0f64..=1.0,
        1.0f64..100.0,
    )
        .prop_map(|((r, alpha, a, b), x, frac, t)| {
            let x = f64::from(x);
            let tx = if x == 0.0 { 0.0 } else { frac * t };
            ([r, alpha, a, b], x, tx, t)
        })
}

fn both(p: [f64; 4]) -> [Box<dyn PurchaseModel>; 2] {
    [
        Box::new(BgNbdParameters::new(p[0], p[1], p[2], p[3]).unwrap()),
        Box::new(MbgNbdParameters::new(p[0], p[1], p[2], p[3]).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn p_alive_is_a_probability((p, x, tx, t) in model_and_customer()) {
        for m in both(p) {
            let a = m.p_alive(&Customer { x, t_x: tx, t }).unwrap();
            prop_assert!((0.0..=1.0).contains(&a), "{a}");
        }
    }

    #[test]
    fn expected_purchases_grow_with_the_horizon(
        (p, x, tx, t) in model_and_customer(),
        h1 in 0.0f64..60.0,
        dh in 0.0f64..60.0,
    ) {
        for m in both(p) {
            let e1 = m.expected_purchases(h1, &Customer { x, t_x: tx, t }).unwrap();
            let e2 = m.expected_purchases(h1 + dh, &Customer { x, t_x: tx, t }).unwrap();
            prop_assert!(e1.is_finite() && e1 >= 0.0, "{e1}");
            // Rounding of the hypergeometric series only.
            prop_assert!(e2 >= e1 - 1e-10 * e1.max(1.0), "{e2} < {e1}");
        }
    }

    #[test]
    fn clv_falls_with_the_discount_rate(
        (p, x, tx, t) in model_and_customer(),
        spend in 0.0f64..500.0,
        d1 in 0.0f64..0.2,
        dd in 0.0f64..0.2,
    ) {
        for m in both(p) {
            let at = |d: f64| {
                let o = ClvOptions { months: 12, monthly_discount_rate: d, unit: TimeUnit::Week };
                customer_lifetime_value(m.as_ref(), &Customer { x, t_x: tx, t }, spend, &o).unwrap()
            };
            let (c1, c2) = (at(d1), at(d1 + dd));
            prop_assert!(c1 >= 0.0 || c1.abs() < 1e-10, "{c1}");
            prop_assert!(c2 <= c1 + 1e-10 * c1.abs().max(1.0), "{c2} > {c1}");
        }
    }
}
