//! The builder -> check -> Valid -> fit shape: one test per validation rule, for every model.
#![allow(clippy::unwrap_used)]

use custalyze_cltv_core::{
    BgBb, BgBbParams, BgNbd, BgNbdParams, Error, GammaGamma, GammaGammaParams, MbgNbd,
    MbgNbdParams, ParetoNbd, ParetoNbdParams, PenalizerConvention, RfmData,
};

macro_rules! rules {
    ($params:expr) => {{
        let bad = [
            ("penalizer", $params.penalizer(-1.0).check().err()),
            ("penalizer", $params.penalizer(f64::NAN).check().err()),
            (
                "gradient_tolerance",
                $params.gradient_tolerance(0.0).check().err(),
            ),
            (
                "gradient_tolerance",
                $params.gradient_tolerance(f64::INFINITY).check().err(),
            ),
            ("max_iters", $params.max_iters(0).check().err()),
        ];
        for (want, got) in bad {
            match got {
                Some(Error::InvalidParameter(custalyze_transaction_types::InvalidParameter {
                    name: name,
                    ..
                })) => assert_eq!(name, want),
                other => panic!("{want}: {other:?}"),
            }
        }
        let valid = $params
            .penalizer(0.5)
            .penalizer_convention(PenalizerConvention::Natural)
            .max_iters(20)
            .check()
            .unwrap();
        assert_eq!(valid.options().penalizer, 0.5);
        assert_eq!(
            valid.options().penalizer_convention,
            PenalizerConvention::Natural
        );
        assert_eq!(valid.options().max_iters, 20);
        assert!(valid.init().is_none());
    }};
}

#[test]
fn every_model_checks_its_settings() {
    rules!(BgNbd::params());
    rules!(MbgNbd::params());
    rules!(ParetoNbd::params());
    rules!(BgBb::params());
    rules!(GammaGamma::params());
}

#[test]
fn fit_on_the_builder_checks_first() {
    let data = RfmData::new(&[1.0, 0.0, 3.0], &[2.0, 0.0, 5.0], &[6.0, 6.0, 6.0], None).unwrap();
    assert!(matches!(
        BgNbd::params().penalizer(-1.0).fit(&data),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter {
                name: "penalizer",
                ..
            }
        ))
    ));
}

#[test]
fn builders_are_send_and_sync() {
    fn is<T: Send + Sync + Clone + std::fmt::Debug>() {}
    is::<BgNbdParams>();
    is::<MbgNbdParams>();
    is::<ParetoNbdParams>();
    is::<BgBbParams>();
    is::<GammaGammaParams>();
    is::<custalyze_cltv_core::ValidBgNbdParams>();
}

/// A fuzzed one-customer history (x = 8, t_x = T = 8) drove r and α to 1e11, where the
/// expected purchases came out negative; such a fit is now refused as degenerate.
#[test]
fn a_fit_that_runs_off_is_refused_not_returned() {
    let data = custalyze_cltv_core::RfmData::new(&[8.0], &[8.0], &[8.0], None).unwrap();
    let e = custalyze_cltv_core::BgNbd::params().fit(&data);
    assert!(
        matches!(&e, Err(custalyze_cltv_core::Error::NotConverged { reason, .. }) if reason.contains("degenerate")),
        "{e:?}"
    );
}
