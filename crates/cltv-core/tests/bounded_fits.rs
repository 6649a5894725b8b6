//! Fits that used to run for minutes or forever (issue 17) end quickly with a typed error and a
//! remedy; magnitudes no model can take are refused up front.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{
    BgBbData, BgNbd, Error, InputProblem, MbgNbd, ParetoNbd, ParetoNbdParameters, RfmData,
};

#[test]
fn pareto_nbd_on_one_degenerate_row_fails_fast_with_a_remedy() {
    // Before: 533 s. x = 44 purchases all at t_x = 0, observed for T = 30.
    let data = RfmData::new(&[44.0], &[0.0], &[30.0], None).unwrap();
    let e = ParetoNbd::params().fit(&data).unwrap_err();
    assert!(matches!(e, Error::NotConverged { .. }), "{e}");
    assert!(e.to_string().contains("penalizer"), "{e}");
}

#[test]
fn no_repeat_purchase_is_refused_not_fitted_to_nonsense() {
    // Before: r = 0.00013, alpha = 65887 with no warning.
    let x = vec![0.0; 50];
    let t: Vec<f64> = (0..50).map(|k| 10.0 + f64::from(k)).collect();
    let data = RfmData::new(&x, &x, &t, None).unwrap();
    for e in [
        BgNbd::params().fit(&data).unwrap_err(),
        MbgNbd::params().fit(&data).unwrap_err(),
        ParetoNbd::params().fit(&data).unwrap_err(),
    ] {
        assert!(matches!(e, Error::EmptyInput { .. }), "{e}");
        assert!(e.to_string().contains("repeat purchase"), "{e}");
    }
}

#[test]
fn magnitudes_no_model_can_take_are_refused() {
    // Before: T = 1e6 added 298 s to a CDNOW fit; BG/BB with 1e300 periods never ended.
    assert!(matches!(
        RfmData::new(&[1.0], &[1.0], &[1e8], None),
        Err(Error::InvalidInput {
            problem: InputProblem::TooLarge { field: "T", .. },
            ..
        })
    ));
    for periods in [1e9, 1e300] {
        assert!(matches!(
            BgBbData::new(&[1.0], &[3.0], &[periods], None),
            Err(Error::InvalidInput {
                problem: InputProblem::TooLarge {
                    field: "periods",
                    ..
                },
                ..
            })
        ));
    }
}

#[test]
fn pareto_purchase_probability_stays_below_expected_purchases() {
    // A case a property test found: a tiny beta makes the integrand a narrow spike that the first
    // quadrature missed (P 9.2e-5 against E 5.5e-5); P(Y > 0) <= E[Y] always.
    let p = ParetoNbdParameters::new(0.05, 23.711710640917197, 4.812936984284122, 0.1).unwrap();
    let t = 151.78796191085667;
    let e = p
        .expected_purchases(
            t,
            &Customer {
                x: 0.0,
                t_x: 0.0,
                t: 0.0,
            },
        )
        .unwrap();
    let q = p
        .probability_of_a_purchase(
            t,
            &Customer {
                x: 0.0,
                t_x: 0.0,
                t: 0.0,
            },
        )
        .unwrap();
    assert!(q <= e * (1.0 + 1e-9), "{q} vs {e}");
    assert!(
        q > 0.95 * e,
        "rare purchases: P(Y > 0) is about E[Y] ({q} vs {e})"
    );
}

#[test]
fn expected_purchases_at_extreme_ages_match_high_precision_values() {
    // mpmath at 60 digits (tests/fixtures/oracle/bgnbd_extreme.py), CDNOW's published estimates.
    let p = custalyze_cltv_core::BgNbdParameters::new(0.243, 4.414, 0.793, 2.426).unwrap();
    for (t, x, tx, big_t, want, tol) in [
        (52.0, 100_000.0, 1e7 - 1.0, 1e7, 0.519995797008504, 2e-4),
        (52.0, 1_000.0, 1e6, 1e6, 0.0519701825060151, 1e-6),
        (26.0, 50.0, 1e5, 2e5, 3.18220988789389e-16, 1e-6),
    ] {
        let got = p
            .expected_purchases(
                t,
                &Customer {
                    x,
                    t_x: tx,
                    t: big_t,
                },
            )
            .unwrap();
        assert!(
            ((got - want) / want).abs() < tol,
            "x {x} T {big_t}: {got} vs {want}"
        );
    }
    // A customer silent for half of a 1e7-week life: essentially gone (mpmath: 5.8e-30099).
    assert!(
        p.expected_purchases(
            52.0,
            &Customer {
                x: 100_000.0,
                t_x: 5e6,
                t: 1e7
            }
        )
        .unwrap()
            < 1e-300
    );
}
