//! Croston, Croston SBA, TSB and ADIDA against statsforecast 2.0.1 on 15 series
//! (`tests/fixtures/oracle_intermittent.py` wrote the fixture), and the demand classes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_forecast::Forecaster;
use custalyze_forecast::intermittent::{
    Adida, CrostonClassic, CrostonSba, DemandClass, Tsb, classify,
};

fn fixture() -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/intermittent_statsforecast.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn check(model: &mut dyn Forecaster, y: &[f64], expected: &[f64], name: &str, tol: f64) {
    model.fit(y).unwrap();
    let f = model.forecast(expected.len(), &[]).unwrap();
    for (got, want) in f.mean.iter().zip(expected) {
        assert!(
            (got - want).abs() <= tol * want.abs().max(1.0),
            "{name}: ours {got} statsforecast {want}"
        );
    }
}

#[test]
fn forecasts_equal_statsforecast() {
    let fx = fixture();
    let series = fx["series"].as_object().unwrap();
    assert_eq!(series.len(), 15);
    for (name, s) in series {
        let y: Vec<f64> = s["y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let get = |key: &str| -> Vec<f64> {
            s[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        check(
            &mut CrostonClassic::default(),
            &y,
            &get("croston_classic"),
            &format!("{name} Croston"),
            1e-12,
        );
        check(
            &mut CrostonSba::default(),
            &y,
            &get("croston_sba"),
            &format!("{name} SBA"),
            1e-12,
        );
        check(
            &mut Tsb::new(0.2, 0.1).unwrap(),
            &y,
            &get("tsb"),
            &format!("{name} TSB"),
            1e-12,
        );
        // ADIDA's smoothing constant comes from SciPy's bounded Brent search, ported step for
        // step: the same alpha, and forecasts equal to 1e-12 (1e-13 passes too).
        check(
            &mut Adida::default(),
            &y,
            &get("adida"),
            &format!("{name} ADIDA"),
            1e-12,
        );
    }
}

#[test]
fn classes_and_bad_input() {
    let smooth: Vec<f64> = (0..40).map(|k| 10.0 + f64::from(k % 3)).collect();
    assert_eq!(classify(&smooth).unwrap().class, DemandClass::Smooth);
    let lumpy = [0.0, 0.0, 40.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 25.0, 0.0, 2.0];
    let p = classify(&lumpy).unwrap();
    assert_eq!(p.class, DemandClass::Lumpy);
    assert!((p.adi - 3.0).abs() < 1e-12);
    let erratic = [1.0, 30.0, 2.0, 45.0, 1.0, 3.0, 50.0, 2.0];
    assert_eq!(classify(&erratic).unwrap().class, DemandClass::Erratic);
    assert!(classify(&[0.0; 5]).is_none());
    assert!(CrostonClassic::default().fit(&[1.0, -2.0, 0.0]).is_err());
    assert!(Tsb::new(0.0, 0.5).is_err());
    assert!(
        CrostonSba::default().forecast(3, &[]).is_err(),
        "not fitted"
    );
    // No sale at all: every model forecasts 0.
    for m in [
        &mut CrostonClassic::default() as &mut dyn Forecaster,
        &mut CrostonSba::default(),
        &mut Tsb::new(0.1, 0.1).unwrap(),
        &mut Adida::default(),
    ] {
        m.fit(&[0.0; 6]).unwrap();
        assert_eq!(m.forecast(2, &[]).unwrap().mean, [0.0, 0.0]);
    }
}
