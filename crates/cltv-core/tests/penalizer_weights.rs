//! The penalizer means lifetimes' `penalizer_coef` exactly, and weights are honoured: fits with
//! `penalizer_coef = 0.1` (and a weighted Gamma-Gamma) equal lifetimes 0.11.3's optimum of the same
//! objective to 1e-6 (fixture `penalizer_weights.json`, made by
//! `tests/fixtures/oracle/penalizer_weights.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, rel};
use custalyze_cltv_core::{
    BgBb, BgBbData, BgNbd, GammaGamma, MbgNbd, ParetoNbd, PenalizerConvention, RfmData, SpendData,
};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn reference() -> Value {
    serde_json::from_str(&fixture("penalizer_weights.json")).unwrap()
}

fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = fixture("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut tx, mut t, mut m) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for l in text.lines().skip(1) {
        let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
        m.push(f[4]);
    }
    (x, tx, t, m)
}

fn close(case: &str, names: &[&str], got: &[f64], reference: &Value) {
    for (n, g) in names.iter().zip(got) {
        let want = reference[case]["polished"][n].as_f64().unwrap();
        assert!(rel(*g, want) < TOL, "{case} {n}: {g} vs lifetimes {want}");
    }
}

#[test]
fn time_models_penalise_as_lifetimes() {
    let r = reference();
    let pen = r["penalizer_coef"].as_f64().unwrap();
    let (x, tx, t, _) = cdnow();
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    let f = BgNbd::params().penalizer(pen).fit(&data).unwrap();
    let p = f.params;
    close(
        "bgnbd_penalized",
        &["r", "alpha", "a", "b"],
        &[p.r, p.alpha, p.a, p.b],
        &r,
    );
    let f = MbgNbd::params().penalizer(pen).fit(&data).unwrap();
    let p = f.params;
    close(
        "mbgnbd_penalized",
        &["r", "alpha", "a", "b"],
        &[p.r, p.alpha, p.a, p.b],
        &r,
    );
    let f = ParetoNbd::params().penalizer(pen).fit(&data).unwrap();
    let p = f.params;
    close(
        "paretonbd_penalized",
        &["r", "alpha", "s", "beta"],
        &[p.r, p.alpha, p.s, p.beta],
        &r,
    );
}

#[test]
fn the_natural_convention_penalises_the_reported_parameters() {
    // With times in weeks (max T 38.9), lifetimes penalises alpha / 38.9: the natural convention
    // penalises alpha itself, so it shrinks alpha much more.
    let (x, tx, t, _) = cdnow();
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    let lifetimes = BgNbd::params().penalizer(0.1).fit(&data).unwrap().params;
    let natural = BgNbd::params()
        .penalizer(0.1)
        .penalizer_convention(PenalizerConvention::Natural)
        .fit(&data)
        .unwrap()
        .params;
    assert!(
        natural.alpha < 0.5 * lifetimes.alpha,
        "{natural:?} vs {lifetimes:?}"
    );
}

#[test]
fn gamma_gamma_penalty_and_weights_match_lifetimes() {
    let r = reference();
    let pen = r["penalizer_coef"].as_f64().unwrap();
    let (x, _, _, m) = cdnow();
    let (spend, _) = SpendData::from_customers(&x, &m, None).unwrap();
    let p = GammaGamma::params()
        .penalizer(pen)
        .fit(&spend)
        .unwrap()
        .params;
    close(
        "gammagamma_penalized",
        &["p", "q", "v"],
        &[p.p, p.q, p.v],
        &r,
    );
    let rows = r["gammagamma_weighted"]["rows"].as_array().unwrap();
    let col = |k: usize| -> Vec<f64> { rows.iter().map(|v| v[k].as_f64().unwrap()).collect() };
    let weighted = SpendData::new(&col(0), &col(1), Some(&col(2))).unwrap();
    let p = GammaGamma::params().fit(&weighted).unwrap().params;
    close(
        "gammagamma_weighted",
        &["p", "q", "v"],
        &[p.p, p.q, p.v],
        &r,
    );
}

#[test]
fn bgbb_penalty_matches_lifetimes() {
    let r = reference();
    let pen = r["penalizer_coef"].as_f64().unwrap();
    let text = fixture("donations.csv");
    let mut cols = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let idx = [at("frequency"), at("recency"), at("periods"), at("weights")];
    for l in text.lines().skip(1) {
        let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
        for k in 0..4 {
            cols[k].push(f[idx[k]]);
        }
    }
    let data = BgBbData::new(&cols[0], &cols[1], &cols[2], Some(&cols[3])).unwrap();
    let p = BgBb::params().penalizer(pen).fit(&data).unwrap().params;
    close(
        "bgbb_penalized",
        &["alpha", "beta", "gamma", "delta"],
        &[p.alpha, p.beta, p.gamma, p.delta],
        &r,
    );
}
