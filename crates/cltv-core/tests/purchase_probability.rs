//! `BgNbdParams::probability_of_a_purchase` against a simulation of the BG/NBD process: customers
//! drawn with known parameters, their history in `(0, T]` summarised, and the share who buy in
//! `(T, T + t]` compared with the mean predicted probability, overall and per frequency group.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::BgNbdParams;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// One simulated customer: `(x, t_x, bought in (T, T + t])`.
fn simulate(p: &BgNbdParams, big_t: f64, t: f64, rng: &mut ChaCha8Rng) -> (f64, f64, bool) {
    let lambda = Gamma::new(p.r, 1.0 / p.alpha).unwrap().sample(rng);
    let drop = Beta::new(p.a, p.b).unwrap().sample(rng);
    let gap = Exp::new(lambda).unwrap();
    let (mut now, mut x, mut t_x) = (0.0, 0.0, 0.0);
    loop {
        now += gap.sample(rng);
        if now > big_t + t {
            return (x, t_x, false);
        }
        if now > big_t {
            return (x, t_x, true);
        }
        x += 1.0;
        t_x = now;
        // The BG/NBD tosses the dropout coin after every repeat purchase.
        if rng.random::<f64>() < drop {
            return (x, t_x, false);
        }
    }
}

#[test]
fn predicted_buyers_match_a_simulation_of_the_model() {
    // CDNOW's published weekly estimates (Fader, Hardie & Lee 2005).
    let p = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let (big_t, t) = (39.0, 26.0);
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let n = 40_000;
    // Per group (x = 0, x = 1..=2, x >= 3): customers, observed buyers, predicted buyers.
    let mut groups = [(0.0f64, 0.0f64, 0.0f64); 3];
    for _ in 0..n {
        let (x, t_x, bought) = simulate(&p, big_t, t, &mut rng);
        let prob = p.probability_of_a_purchase(t, x, t_x, big_t);
        assert!((0.0..=1.0).contains(&prob));
        let g = if x == 0.0 {
            0
        } else if x <= 2.0 {
            1
        } else {
            2
        };
        groups[g].0 += 1.0;
        groups[g].1 += f64::from(u8::from(bought));
        groups[g].2 += prob;
    }
    for (k, (customers, observed, predicted)) in groups.iter().enumerate() {
        // Four binomial standard deviations of the observed count.
        let share = predicted / customers;
        let sd = (customers * share * (1.0 - share)).sqrt();
        assert!(
            (observed - predicted).abs() < 4.0 * sd + 1.0,
            "group {k}: {customers} customers, {observed} bought, {predicted:.1} predicted (sd {sd:.1})"
        );
    }
    let (observed, predicted) = groups
        .iter()
        .fold((0.0, 0.0), |(o, q), g| (o + g.1, q + g.2));
    assert!((observed - predicted).abs() / f64::from(n) < 0.01);
}

#[test]
fn the_probability_is_bounded_by_p_alive_and_grows_with_the_horizon() {
    let p = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    for &(x, t_x, big_t) in &[(0.0, 0.0, 30.0), (2.0, 10.0, 38.0), (7.0, 37.0, 38.0)] {
        let alive = p.p_alive(x, t_x, big_t);
        let mut last = 0.0;
        for t in [0.0, 1.0, 5.0, 26.0, 52.0, 1e4, 1e14] {
            let q = p.probability_of_a_purchase(t, x, t_x, big_t);
            assert!(
                q >= last && q <= alive + 1e-15,
                "t {t}: {q} after {last}, P(alive) {alive}"
            );
            last = q;
        }
        assert!(
            (last - alive).abs() < 1e-3,
            "a long horizon tends to P(alive)"
        );
    }
    // One-time buyers all have P(alive) = 1, but a long silence lowers the chance of buying.
    let recent = p.probability_of_a_purchase(26.0, 0.0, 0.0, 2.0);
    let silent = p.probability_of_a_purchase(26.0, 0.0, 0.0, 70.0);
    assert!(recent > silent + 0.1, "{recent} vs {silent}");
}
