//! `BgNbdParameters::probability_of_a_purchase` against a simulation of the BG/NBD process: customers
//! drawn with known parameters, their history in `(0, T]` summarised, and the share who buy in
//! `(T, T + t]` compared with the mean predicted probability, overall and per frequency group.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{BgNbdParameters, MbgNbdParameters, ParetoNbdParameters};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// One simulated customer: `(x, t_x, bought in (T, T + t])`.
fn simulate(p: &BgNbdParameters, big_t: f64, t: f64, rng: &mut ChaCha8Rng) -> (f64, f64, bool) {
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
    let p = BgNbdParameters::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let (big_t, t) = (39.0, 26.0);
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let n = 40_000;
    // Per group (x = 0, x = 1..=2, x >= 3): customers, observed buyers, predicted buyers.
    let mut groups = [(0.0f64, 0.0f64, 0.0f64); 3];
    for _ in 0..n {
        let (x, t_x, bought) = simulate(&p, big_t, t, &mut rng);
        let prob = p
            .probability_of_a_purchase(t, &Customer { x, t_x, t: big_t })
            .unwrap();
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
    let p = BgNbdParameters::new(0.243, 4.414, 0.793, 2.426).unwrap();
    for &(x, t_x, big_t) in &[(0.0, 0.0, 30.0), (2.0, 10.0, 38.0), (7.0, 37.0, 38.0)] {
        let alive = p.p_alive(&Customer { x, t_x, t: big_t }).unwrap();
        let mut last = 0.0;
        for t in [0.0, 1.0, 5.0, 26.0, 52.0, 1e4, 1e14] {
            let q = p
                .probability_of_a_purchase(t, &Customer { x, t_x, t: big_t })
                .unwrap();
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
    let recent = p
        .probability_of_a_purchase(
            26.0,
            &Customer {
                x: 0.0,
                t_x: 0.0,
                t: 2.0,
            },
        )
        .unwrap();
    let silent = p
        .probability_of_a_purchase(
            26.0,
            &Customer {
                x: 0.0,
                t_x: 0.0,
                t: 70.0,
            },
        )
        .unwrap();
    assert!(recent > silent + 0.1, "{recent} vs {silent}");
}

/// One MBG/NBD customer: like the BG/NBD, but the dropout coin is also tossed right after the
/// first purchase (time 0).
fn simulate_mbg(
    p: &MbgNbdParameters,
    big_t: f64,
    t: f64,
    rng: &mut ChaCha8Rng,
) -> (f64, f64, bool) {
    let lambda = Gamma::new(p.r, 1.0 / p.alpha).unwrap().sample(rng);
    let drop = Beta::new(p.a, p.b).unwrap().sample(rng);
    if rng.random::<f64>() < drop {
        return (0.0, 0.0, false);
    }
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
        if rng.random::<f64>() < drop {
            return (x, t_x, false);
        }
    }
}

/// One Pareto/NBD customer: purchases at rate λ until an exponential lifetime of rate μ ends.
fn simulate_pareto(
    p: &ParetoNbdParameters,
    big_t: f64,
    t: f64,
    rng: &mut ChaCha8Rng,
) -> (f64, f64, bool) {
    let lambda = Gamma::new(p.r, 1.0 / p.alpha).unwrap().sample(rng);
    let mu = Gamma::new(p.s, 1.0 / p.beta).unwrap().sample(rng);
    let death = Exp::new(mu).unwrap().sample(rng);
    let gap = Exp::new(lambda).unwrap();
    let (mut now, mut x, mut t_x) = (0.0, 0.0, 0.0);
    loop {
        now += gap.sample(rng);
        if now > death || now > big_t + t {
            return (x, t_x, false);
        }
        if now > big_t {
            return (x, t_x, true);
        }
        x += 1.0;
        t_x = now;
    }
}

/// Observed against predicted buyers per frequency group (0, 1-2, 3+), within four binomial
/// standard deviations, and overall within 1 point.
fn check_groups(name: &str, draws: &[(f64, f64, bool, f64)]) {
    let mut groups = [(0.0f64, 0.0f64, 0.0f64); 3];
    for &(x, _, bought, prob) in draws {
        assert!((0.0..=1.0).contains(&prob), "{name}: {prob}");
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
        let share = predicted / customers;
        let sd = (customers * share * (1.0 - share)).sqrt();
        assert!(
            (observed - predicted).abs() < 4.0 * sd + 1.0,
            "{name} group {k}: {customers} customers, {observed} bought, {predicted:.1} predicted (sd {sd:.1})"
        );
    }
    let (o, q) = groups
        .iter()
        .fold((0.0, 0.0), |(o, q), g| (o + g.1, q + g.2));
    let n = draws.len() as f64;
    assert!((o - q).abs() / n < 0.01, "{name}: {o} vs {q:.1}");
}

#[test]
fn mbgnbd_and_pareto_nbd_purchase_probabilities_match_simulations() {
    let (big_t, t) = (39.0, 26.0);
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let m = MbgNbdParameters::new(0.525, 6.183, 0.891, 1.614).unwrap();
    let draws: Vec<(f64, f64, bool, f64)> = (0..40_000)
        .map(|_| {
            let (x, t_x, bought) = simulate_mbg(&m, big_t, t, &mut rng);
            (
                x,
                t_x,
                bought,
                m.probability_of_a_purchase(t, &Customer { x, t_x, t: big_t })
                    .unwrap(),
            )
        })
        .collect();
    check_groups("MBG/NBD", &draws);
    // CDNOW's published Pareto/NBD estimates (Fader, Hardie & Lee 2005).
    let p = ParetoNbdParameters::new(0.553, 10.578, 0.606, 11.669).unwrap();
    let draws: Vec<(f64, f64, bool, f64)> = (0..40_000)
        .map(|_| {
            let (x, t_x, bought) = simulate_pareto(&p, big_t, t, &mut rng);
            (
                x,
                t_x,
                bought,
                p.probability_of_a_purchase(t, &Customer { x, t_x, t: big_t })
                    .unwrap(),
            )
        })
        .collect();
    check_groups("Pareto/NBD", &draws);
}

/// A BG/NBD customer observed to `T` and whether she is still alive at `T + t`.
fn simulate_alive(
    p: &BgNbdParameters,
    big_t: f64,
    t: f64,
    rng: &mut ChaCha8Rng,
) -> (f64, f64, bool) {
    let lambda = Gamma::new(p.r, 1.0 / p.alpha).unwrap().sample(rng);
    let drop = Beta::new(p.a, p.b).unwrap().sample(rng);
    let gap = Exp::new(lambda).unwrap();
    let (mut now, mut x, mut t_x) = (0.0, 0.0, 0.0);
    loop {
        now += gap.sample(rng);
        if now > big_t + t {
            return (x, t_x, true);
        }
        if now <= big_t {
            x += 1.0;
            t_x = now;
        }
        if rng.random::<f64>() < drop {
            return (x, t_x, false);
        }
    }
}

#[test]
fn p_alive_in_the_future_matches_a_simulation() {
    let p = BgNbdParameters::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let (big_t, t) = (39.0, 52.0);
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    let draws: Vec<(f64, f64, bool, f64)> = (0..40_000)
        .map(|_| {
            let (x, t_x, alive) = simulate_alive(&p, big_t, t, &mut rng);
            let q = p.p_alive_at(t, &Customer { x, t_x, t: big_t }).unwrap();
            assert!(q <= p.p_alive(&Customer { x, t_x, t: big_t }).unwrap() + 1e-12);
            (x, t_x, alive, q)
        })
        .collect();
    check_groups("P(alive at T+t)", &draws);
    assert_eq!(
        p.p_alive_at(
            0.0,
            &Customer {
                x: 2.0,
                t_x: 30.0,
                t: 39.0
            }
        )
        .unwrap(),
        p.p_alive(&Customer {
            x: 2.0,
            t_x: 30.0,
            t: 39.0
        })
        .unwrap()
    );
}

#[test]
fn bgbb_expected_transactions_of_a_new_customer_is_the_mean_of_its_distribution() {
    for params in [
        custalyze_cltv_core::BgBbParameters::new(1.204, 0.750, 0.657, 2.783).unwrap(),
        custalyze_cltv_core::BgBbParameters::new(0.5, 2.0, 1.0, 3.0).unwrap(),
    ] {
        for n in [1u32, 6, 10, 25] {
            let mean: f64 = (0..=n)
                .map(|x| f64::from(x) * params.probability_of_transactions(x, n))
                .sum();
            let e = params.expected_transactions_new(n);
            assert!(
                (e - mean).abs() < 1e-10 * mean.max(1.0),
                "n {n}: {e} vs {mean}"
            );
        }
    }
}

/// One BG/BB customer over `n + m` opportunities: before each opportunity she dies with
/// probability θ; alive, she transacts with probability p. Returns `(x, t_x)` over the first `n`
/// and whether she transacted in the next `m`.
fn simulate_bgbb(
    q: &custalyze_cltv_core::BgBbParameters,
    n: u32,
    m: u32,
    rng: &mut ChaCha8Rng,
) -> (f64, f64, bool) {
    let p = Beta::new(q.alpha, q.beta).unwrap().sample(rng);
    let theta = Beta::new(q.gamma, q.delta).unwrap().sample(rng);
    let (mut x, mut t_x) = (0.0, 0.0);
    for t in 1..=n + m {
        if rng.random::<f64>() < theta {
            return (x, t_x, false);
        }
        if rng.random::<f64>() < p {
            if t <= n {
                x += 1.0;
                t_x = f64::from(t);
            } else {
                return (x, t_x, true);
            }
        }
    }
    (x, t_x, false)
}

#[test]
fn bgbb_transaction_probability_matches_a_simulation() {
    // The donations fit of Fader, Hardie & Shang (2010).
    let q = custalyze_cltv_core::BgBbParameters::new(1.204, 0.750, 0.657, 2.783).unwrap();
    let (n, m) = (6u32, 5u32);
    let mut rng = ChaCha8Rng::seed_from_u64(41);
    let draws: Vec<(f64, f64, bool, f64)> = (0..40_000)
        .map(|_| {
            let (x, t_x, bought) = simulate_bgbb(&q, n, m, &mut rng);
            let customer = custalyze_cltv_core::BgBbCustomer::new(x, t_x, f64::from(n)).unwrap();
            let prob = q.probability_of_a_transaction(m, &customer).unwrap();
            (x, t_x, bought, prob)
        })
        .collect();
    check_groups("BG/BB", &draws);
}
