//! Static covariates: with every coefficient 0 the model is exactly the plain one, a covariate
//! that is 0 everywhere leaves the plain fit where it was, and coefficients of data simulated
//! from the covariate model are recovered (within 3 standard errors; 95% Wald intervals cover
//! at about their nominal rate across seeds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_cltv_core::covariates::{
    BaseModel, CovariateEffect, CovariateTable, FittedStaticCovariates, Process, SpendCovariates,
    StaticCovariates,
};
use custalyze_cltv_core::gamma_gamma::SpendData;
use custalyze_cltv_core::{BgNbd, Customer, ParetoNbd, PurchaseModel, RfmData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// The true model of the simulations: BG/NBD `(r, α₀, a₀, b₀)` or Pareto/NBD `(r, α₀, s, β₀)`,
/// a 0/1 covariate `vip` on the purchase process and a standard normal `age` on the dropout.
struct Truth {
    model: BaseModel,
    base: [f64; 4],
    purchase: f64,
    dropout: f64,
}

/// `n` customers from the covariate model, each observed for T ~ U(20, 52) weeks after her
/// first purchase; returns the data and the covariate table (`vip`, `age`).
fn simulate(truth: &Truth, n: usize, seed: u64) -> (RfmData, CovariateTable) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = rand_distr::Normal::new(0.0, 1.0).unwrap();
    let (mut xs, mut txs, mut ts, mut rows) = (vec![], vec![], vec![], vec![]);
    let [r, alpha0, c0, d0] = truth.base;
    for _ in 0..n {
        let vip = f64::from(u8::from(rng.random::<f64>() < 0.3));
        let age: f64 = normal.sample(&mut rng);
        let alpha = alpha0 * (-truth.purchase * vip).exp();
        let lambda: f64 = Gamma::new(r, 1.0 / alpha).unwrap().sample(&mut rng);
        let big_t: f64 = rng.random_range(20.0..52.0);
        let gap = Exp::new(lambda.max(1e-12)).unwrap();
        let (mut t, mut x, mut t_x) = (0.0, 0.0, 0.0);
        match truth.model {
            BaseModel::BgNbd | BaseModel::MbgNbd => {
                let f = (truth.dropout * age).exp();
                let p: f64 = Beta::new(c0 * f, d0 * f).unwrap().sample(&mut rng);
                loop {
                    t += gap.sample(&mut rng);
                    if t > big_t {
                        break;
                    }
                    x += 1.0;
                    t_x = t;
                    if rng.random::<f64>() < p {
                        break;
                    }
                }
            }
            BaseModel::ParetoNbd => {
                let beta = d0 * (-truth.dropout * age).exp();
                let mu: f64 = Gamma::new(c0, 1.0 / beta).unwrap().sample(&mut rng);
                let life: f64 = Exp::new(mu.max(1e-12)).unwrap().sample(&mut rng);
                let end = life.min(big_t);
                loop {
                    t += gap.sample(&mut rng);
                    if t > end {
                        break;
                    }
                    x += 1.0;
                    t_x = t;
                }
            }
        }
        xs.push(x);
        txs.push(t_x);
        ts.push(big_t);
        rows.push(vec![vip, age]);
    }
    (
        RfmData::new(&xs, &txs, &ts, None).unwrap(),
        CovariateTable::new(vec!["vip".into(), "age".into()], rows).unwrap(),
    )
}

fn fit(truth: &Truth, data: &RfmData, table: &CovariateTable) -> FittedStaticCovariates {
    StaticCovariates::params(truth.model)
        .purchase(["vip"])
        .dropout(["age"])
        .fit(data, table)
        .unwrap()
}

const BG: Truth = Truth {
    model: BaseModel::BgNbd,
    base: [0.75, 4.0, 0.8, 2.4],
    purchase: 0.5,
    dropout: -0.4,
};

const PNBD: Truth = Truth {
    model: BaseModel::ParetoNbd,
    base: [0.6, 5.0, 0.5, 12.0],
    purchase: 0.5,
    dropout: 0.4,
};

#[test]
fn zero_coefficients_are_exactly_the_plain_model() {
    let (data, _) = simulate(&BG, 2_000, 1);
    let plain = BgNbd::params().fit(&data).unwrap();
    let p = plain.params;
    let with_zero = FittedStaticCovariates {
        model: BaseModel::BgNbd,
        base: [p.r, p.alpha, p.a, p.b],
        base_standard_errors: None,
        effects: vec![
            CovariateEffect {
                name: "vip".into(),
                process: Process::Purchase,
                estimate: 0.0,
                standard_error: None,
            },
            CovariateEffect {
                name: "age".into(),
                process: Process::Dropout,
                estimate: 0.0,
                standard_error: None,
            },
        ],
        l2: 0.0,
        report: plain.report.clone(),
        unit: None,
    };
    for i in (0..data.len()).step_by(97) {
        let c = Customer::new(data.x[i], data.t_x[i], data.t[i]).unwrap();
        let m = with_zero.customer_model(&[1.0, -2.5]).unwrap();
        assert_eq!(m.p_alive(&c).unwrap(), plain.p_alive(&c).unwrap());
        assert_eq!(
            m.expected_purchases(26.0, &c).unwrap(),
            plain.expected_purchases(26.0, &c).unwrap()
        );
        assert_eq!(
            m.probability_of_a_purchase(26.0, &c).unwrap(),
            plain.probability_of_a_purchase(26.0, &c).unwrap()
        );
    }
    // The log-likelihood at γ = 0 summed over customers is the plain fit's.
    let ll: f64 = (0..data.len())
        .map(|i| {
            let c = Customer::new(data.x[i], data.t_x[i], data.t[i]).unwrap();
            with_zero.log_likelihood_of(&c, &[1.0, 0.3]).unwrap()
        })
        .sum();
    assert!(
        (ll - plain.report.log_likelihood).abs() < 1e-8 * ll.abs(),
        "{ll} vs {}",
        plain.report.log_likelihood
    );
}

#[test]
fn a_covariate_that_is_zero_everywhere_leaves_the_plain_fit() {
    for truth in [&BG, &PNBD] {
        let (data, _) = simulate(truth, 3_000, 2);
        let zeros = CovariateTable::new(vec!["none".into()], vec![vec![0.0]; data.len()]).unwrap();
        let fitted = StaticCovariates::params(truth.model)
            .purchase(["none"])
            .fit(&data, &zeros)
            .unwrap();
        let plain = match truth.model {
            BaseModel::ParetoNbd => {
                let p = ParetoNbd::params().fit(&data).unwrap();
                (
                    [p.params.r, p.params.alpha, p.params.s, p.params.beta],
                    p.report,
                )
            }
            _ => {
                let p = BgNbd::params().fit(&data).unwrap();
                (
                    [p.params.r, p.params.alpha, p.params.a, p.params.b],
                    p.report,
                )
            }
        };
        for (a, b) in fitted.base.iter().zip(plain.0) {
            assert!(
                (a - b).abs() < 1e-6 * b,
                "{:?} vs {:?}",
                fitted.base,
                plain.0
            );
        }
        assert!((fitted.report.log_likelihood - plain.1.log_likelihood).abs() < 1e-6);
        assert_eq!(fitted.effects[0].estimate, 0.0);
    }
}

/// The true value is within 3 standard errors of every estimate on 50,000 customers.
#[test]
fn recovers_known_coefficients_within_three_standard_errors() {
    for truth in [&BG, &PNBD] {
        let (data, table) = simulate(truth, 50_000, 7);
        let f = fit(truth, &data, &table);
        let want = [truth.purchase, truth.dropout];
        for (e, w) in f.effects.iter().zip(want) {
            let se = e.standard_error.unwrap();
            assert!(
                (e.estimate - w).abs() < 3.0 * se,
                "{}: {} {} ± {se} vs {w}",
                truth.model.name(),
                e.name,
                e.estimate
            );
        }
        // Draws of the base parameters and coefficients centre on the estimates.
        let draws = f.parameter_draws(400, 3).unwrap();
        assert_eq!(draws.len(), 400);
        let mean = draws.iter().map(|d| d.effects[0].estimate).sum::<f64>() / 400.0;
        let se0 = f.effects[0].standard_error.unwrap();
        assert!((mean - f.effects[0].estimate).abs() < 0.2 * se0, "{mean}");
        let se = f.base_standard_errors.unwrap();
        for ((est, se), want) in f.base.iter().zip(se).zip(truth.base) {
            assert!(
                (est - want).abs() < 3.0 * se,
                "{}: base {est} ± {se} vs {want}",
                truth.model.name(),
            );
        }
    }
}

/// Across 100 seeds the 95% Wald intervals of the two BG/NBD coefficients cover the truth in
/// 88-99% of the seeds (binomial(100, 0.95) lies in that range with probability > 0.99).
/// 5,000 customers per seed here; `CUSTALYZE_COVERAGE_N=50000` runs the full size
/// (docs/cltv.md has the figures).
#[test]
fn wald_intervals_cover_at_about_95_percent() {
    let seeds = 100;
    let n: usize = std::env::var("CUSTALYZE_COVERAGE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let mut covered = [0usize; 2];
    for seed in 0..seeds {
        let (data, table) = simulate(&BG, n, 1_000 + seed);
        let f = fit(&BG, &data, &table);
        for (j, (e, w)) in f.effects.iter().zip([BG.purchase, BG.dropout]).enumerate() {
            let se = e.standard_error.unwrap();
            if (e.estimate - w).abs() <= 1.959_964 * se {
                covered[j] += 1;
            }
        }
    }
    println!("95% Wald coverage of (vip, age) over {seeds} seeds of {n} customers: {covered:?}");
    for c in covered {
        assert!((88..=99).contains(&c), "coverage {covered:?} of {seeds}");
    }
}

#[test]
fn spend_covariates_recover_their_effect() {
    // ν_i ~ Gamma(q, v_i) with v_i = v₀ exp(δ z); transactions ~ Gamma(p, ν_i).
    let (p, q, v0, delta) = (6.0, 4.0, 15.0, 0.3);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (mut xs, mut ms, mut rows) = (vec![], vec![], vec![]);
    for _ in 0..20_000 {
        let z = f64::from(u8::from(rng.random::<f64>() < 0.5));
        let nu: f64 = Gamma::new(q, 1.0 / (v0 * (delta * z).exp()))
            .unwrap()
            .sample(&mut rng);
        let x = 1 + rng.random_range(0..6u32);
        let spend = Gamma::new(p, 1.0 / nu).unwrap();
        let m = (0..x).map(|_| spend.sample(&mut rng)).sum::<f64>() / f64::from(x);
        xs.push(f64::from(x));
        ms.push(m);
        rows.push(vec![z]);
    }
    let data = SpendData::new(&xs, &ms, None).unwrap();
    let table = CovariateTable::new(vec!["online".into()], rows).unwrap();
    let f = SpendCovariates::params()
        .spend(["online"])
        .fit(&data, &table)
        .unwrap();
    let e = &f.effects[0];
    let se = e.standard_error.unwrap();
    assert!(
        (e.estimate - delta).abs() < 3.0 * se,
        "{} ± {se}",
        e.estimate
    );
    // An online customer's expected spend is exp(δ) times an offline one's with the same history.
    let on = f.customer_parameters(&[1.0]).unwrap();
    let off = f.customer_parameters(&[0.0]).unwrap();
    let ratio = on.mean_spend() / off.mean_spend();
    assert!((ratio - e.estimate.exp()).abs() < 1e-12);
}

#[test]
fn bad_covariate_input_is_a_typed_error() {
    let (data, table) = simulate(&BG, 200, 4);
    // Unknown column.
    let e = StaticCovariates::params(BaseModel::BgNbd)
        .purchase(["income"])
        .fit(&data, &table)
        .unwrap_err();
    assert!(e.to_string().contains("vip, age"), "{e}");
    // Wrong length.
    let short = CovariateTable::new(vec!["vip".into()], vec![vec![1.0]; 10]).unwrap();
    assert!(
        StaticCovariates::params(BaseModel::BgNbd)
            .purchase(["vip"])
            .fit(&data, &short)
            .is_err()
    );
    // Non-finite value, duplicate names, named twice.
    assert!(CovariateTable::new(vec!["a".into()], vec![vec![f64::NAN]]).is_err());
    assert!(CovariateTable::new(vec!["a".into(), "a".into()], vec![vec![1.0, 2.0]]).is_err());
    assert!(
        StaticCovariates::params(BaseModel::BgNbd)
            .purchase(["vip"])
            .constrained(["vip"])
            .check()
            .is_err()
    );
    assert!(
        StaticCovariates::params(BaseModel::BgNbd)
            .purchase(["vip"])
            .l2(-1.0)
            .check()
            .is_err()
    );
    // No covariate at all.
    assert!(StaticCovariates::params(BaseModel::BgNbd).check().is_err());
}

#[test]
fn l2_shrinks_and_constraints_share_one_coefficient() {
    let (data, table) = simulate(&BG, 5_000, 5);
    let free = fit(&BG, &data, &table);
    let shrunk = StaticCovariates::params(BaseModel::BgNbd)
        .purchase(["vip"])
        .dropout(["age"])
        .l2(500.0)
        .fit(&data, &table)
        .unwrap();
    for (a, b) in shrunk.effects.iter().zip(&free.effects) {
        assert!(a.estimate.abs() < b.estimate.abs(), "{a:?} vs {b:?}");
    }
    let shared = StaticCovariates::params(BaseModel::BgNbd)
        .constrained(["vip"])
        .fit(&data, &table)
        .unwrap();
    assert_eq!(shared.effects.len(), 1);
    assert_eq!(shared.effects[0].process, Process::Both);
    // A VIP's α and a, b all move by the one coefficient.
    let g = shared.effects[0].estimate;
    let custalyze_cltv_core::covariates::CustomerModel::BgNbd(p) =
        shared.customer_model(&[1.0]).unwrap()
    else {
        panic!("a BG/NBD model");
    };
    assert!((p.alpha / shared.base[1] - (-g).exp()).abs() < 1e-12);
    assert!((p.a / shared.base[2] - g.exp()).abs() < 1e-12);
    assert!((p.b / shared.base[3] - g.exp()).abs() < 1e-12);
}
