//! The optimal price against the closed form and a brute-force search.
#![allow(clippy::unwrap_used)]

use custalyze_pricing::{Objective, optimal_price};

/// The objective per unit of baseline demand at price `p`.
fn objective(p: f64, p0: f64, c: f64, e: f64, objective: Objective) -> f64 {
    let q = (p / p0).powf(e);
    match objective {
        Objective::Revenue => p * q,
        _ => (p - c) * q,
    }
}

fn brute_force(p0: f64, c: f64, e: f64, bounds: (f64, f64), obj: Objective) -> f64 {
    let (lo, hi) = (p0 * (1.0 + bounds.0), p0 * (1.0 + bounds.1));
    let n = 200_000;
    (0..=n)
        .map(|k| lo + (hi - lo) * f64::from(k) / f64::from(n))
        .max_by(|a, b| objective(*a, p0, c, e, obj).total_cmp(&objective(*b, p0, c, e, obj)))
        .unwrap()
}

#[test]
fn optimum_equals_the_closed_form_and_the_search() {
    for &e in &[-4.0, -2.5, -1.5, -1.1, -0.9, -0.5, -0.1] {
        for &(p0, c) in &[(10.0, 4.0), (10.0, 7.5), (3.2, 1.0), (50.0, 45.0)] {
            for &bounds in &[(-0.3, 0.3), (-0.1, 0.5), (0.0, 0.2)] {
                for obj in [Objective::Revenue, Objective::Margin] {
                    let p = optimal_price(p0, Some(c), e, bounds, obj).unwrap();
                    let search = brute_force(p0, c, e, bounds, obj);
                    let step = p0 * (bounds.1 - bounds.0) / 200_000.0;
                    assert!(
                        (p - search).abs() <= step,
                        "e {e} p0 {p0} c {c} {bounds:?} {obj:?}: {p} vs search {search}"
                    );
                    if obj == Objective::Margin && e < -1.0 {
                        let lerner = c * e / (1.0 + e);
                        let (lo, hi) = (p0 * (1.0 + bounds.0), p0 * (1.0 + bounds.1));
                        if lerner > lo && lerner < hi {
                            assert!((p - lerner).abs() < 1e-12 * lerner, "{p} vs {lerner}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn no_optimum_without_what_it_needs() {
    assert_eq!(
        optimal_price(10.0, None, -2.0, (-0.3, 0.3), Objective::Margin),
        None
    );
    assert_eq!(
        optimal_price(10.0, Some(1.0), 0.2, (-0.3, 0.3), Objective::Revenue),
        None
    );
    assert_eq!(
        optimal_price(0.0, Some(1.0), -2.0, (-0.3, 0.3), Objective::Revenue),
        None
    );
    assert_eq!(
        optimal_price(f64::NAN, None, -2.0, (-0.3, 0.3), Objective::Revenue),
        None
    );
    assert_eq!(
        optimal_price(10.0, None, -1.0, (-0.3, 0.3), Objective::Revenue),
        Some(10.0)
    );
}
