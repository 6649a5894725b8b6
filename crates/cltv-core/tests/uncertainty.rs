//! Per-customer uncertainty: the parameter-draw intervals cover the truth at their nominal rate
//! on data simulated from the BG/NBD model, and the bootstrap runs on the CDNOW summary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use custalyze_cltv_core::uncertainty::{bootstrap, customer_quantiles, parameter_draws};
use custalyze_cltv_core::{BgNbd, BgNbdParameters, Customer, RfmData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// `n` customers from BG/NBD(r, α, a, b), each observed for T ~ U(20, 52) weeks after her
/// first purchase (continuous times).
fn simulate(truth: &BgNbdParameters, n: usize, seed: u64) -> RfmData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rate = Gamma::new(truth.r, 1.0 / truth.alpha).unwrap();
    let drop = Beta::new(truth.a, truth.b).unwrap();
    let (mut xs, mut txs, mut ts) = (vec![], vec![], vec![]);
    for _ in 0..n {
        let lambda: f64 = rate.sample(&mut rng);
        let p: f64 = drop.sample(&mut rng);
        let big_t: f64 = rng.random_range(20.0..52.0);
        let (mut t, mut x, mut t_x) = (0.0, 0.0, 0.0);
        let gap = Exp::new(lambda.max(1e-12)).unwrap();
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
        xs.push(x);
        txs.push(t_x);
        ts.push(big_t);
    }
    RfmData::new(&xs, &txs, &ts, None).unwrap()
}

/// The expected repeat purchases of all customers in the next 26 weeks, at parameters `p`.
fn expected_total(p: &BgNbdParameters, data: &RfmData) -> f64 {
    (0..data.x.len())
        .map(|i| {
            let c = Customer::new(data.x[i], data.t_x[i], data.t[i]).unwrap();
            data.weight[i] * p.expected_purchases(26.0, &c).unwrap()
        })
        .sum()
}

/// On 100 simulated data sets of 2,000 customers, the 90% interval of the expected holdout
/// total (200 parameter draws) contains its value under the true parameters in 85-95% of the
/// seeds, as the issue asks; the 50% interval in 40-60%.
#[test]
fn parameter_draw_intervals_cover_at_their_nominal_rate() {
    let truth = BgNbdParameters::new(0.75, 4.0, 0.8, 2.4).unwrap();
    let (mut in90, mut in50) = (0, 0);
    let seeds = 100;
    for seed in 0..seeds {
        let data = simulate(&truth, 2000, seed);
        let fit = BgNbd::params().fit(&data).unwrap();
        let draws = parameter_draws(
            &fit.params,
            fit.report.covariance.as_ref().unwrap(),
            200,
            seed,
        )
        .unwrap();
        let q = customer_quantiles(&draws, &[&data], &[0.05, 0.25, 0.75, 0.95], |p, d| {
            Ok(expected_total(p, d))
        })
        .unwrap();
        let target = expected_total(&truth, &data);
        in90 += usize::from(q[0][0] <= target && target <= q[0][3]);
        in50 += usize::from(q[0][1] <= target && target <= q[0][2]);
    }
    println!("90% intervals covered {in90} of {seeds}; 50% intervals {in50}");
    assert!((85..=95).contains(&in90), "90%: {in90}");
    assert!((40..=60).contains(&in50), "50%: {in50}");
}

/// 200 bootstrap refits of BG/NBD on the CDNOW summary (2,357 customers): every refit converges,
/// the spread of the estimates is close to the asymptotic standard errors (within 30%), and the
/// per-customer P(alive) quantiles are ordered.
#[test]
fn bootstrap_on_cdnow() {
    let text = common::fixture("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
    }
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    let fit = BgNbd::params().fit(&data).unwrap();
    let (fits, failures) = bootstrap(&data.weight, 200, 42, |mult| {
        let mut d = data.clone();
        for (w, m) in d.weight.iter_mut().zip(mult) {
            *w *= m;
        }
        BgNbd::params().fit(&d).map(|f| f.params)
    })
    .unwrap();
    assert_eq!((fits.len(), failures), (200, 0));
    let se = fit.report.standard_errors.clone().unwrap();
    let est = [fit.params.r, fit.params.alpha, fit.params.a, fit.params.b];
    for k in 0..4 {
        let v: Vec<f64> = fits.iter().map(|p| [p.r, p.alpha, p.a, p.b][k]).collect();
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let sd = (v.iter().map(|e| (e - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
        println!(
            "parameter {k}: estimate {:.4}, asymptotic se {:.4}, bootstrap sd {sd:.4}",
            est[k], se[k]
        );
        assert!(
            (sd / se[k] - 1.0).abs() < 0.3,
            "parameter {k}: {sd} vs {}",
            se[k]
        );
    }
    let customers: Vec<Customer> = (0..50)
        .map(|i| Customer::new(x[i], tx[i], t[i]).unwrap())
        .collect();
    let q = customer_quantiles(&fits, &customers, &[0.05, 0.5, 0.95], |p, c| p.p_alive(c)).unwrap();
    assert!(
        q.iter()
            .all(|r| r[0] <= r[1] && r[1] <= r[2] && r[0] >= 0.0 && r[2] <= 1.0)
    );
}
