//! Per-customer uncertainty: intervals for any prediction (P(alive), expected purchases, the
//! probability of a purchase, CLV) from parameter draws or a bootstrap, returned as quantiles.
//!
//! A point prediction hides how sure the model is. Two routes give its spread, both ending in
//! the same step: evaluate the prediction at every draw of the parameters and keep, per
//! customer, only the requested quantiles (never the raw draws: 1,000 draws for a million
//! customers would be a billion numbers).
//!
//! - **Asymptotic normal** ([`parameter_draws`]): the maximum-likelihood estimate is
//!   approximately normal with the inverse observed information as covariance
//!   ([`crate::FitReport::covariance`]). Draws are taken on the log scale,
//!   `ln θ ~ N(ln θ̂, D⁻¹ Σ D⁻¹)` with `D = diag(θ̂)` (the delta method), so every draw is a valid,
//!   positive parameter vector. Cheap: no refits.
//! - **Bootstrap over customers** ([`bootstrap`]): refit on resamples of the customers (each
//!   row's weight multiplied by a multinomial count, so compressed data resample correctly), in
//!   parallel. No normality assumption; costs one fit per draw.
//!
//! [`customer_quantiles`] then evaluates any prediction per customer over the draws, in parallel
//! over customers, and returns the quantiles (type 7, linear interpolation, as R's and numpy's
//! default).
//!
//! These intervals express the uncertainty of the parameters given the data, not the randomness
//! of one customer's future purchases: the interval of a customer's expected purchases is
//! narrow when the model is well determined even though her actual count will be 0, 1 or 2.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, StandardNormal};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// A model's parameter vector, as the fits order it (the order of [`crate::FitReport`]'s
/// standard errors and covariance).
pub trait ModelParameters: Sized + Copy + Send + Sync {
    /// The parameters in fit order.
    fn to_vec(&self) -> Vec<f64>;
    /// Validated parameters from a vector in fit order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a wrong length or a value that is not finite and positive.
    fn from_slice(values: &[f64]) -> Result<Self>;
}

fn arity(values: &[f64], n: usize) -> Result<()> {
    if values.len() == n {
        Ok(())
    } else {
        Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "parameters",
                values.len() as f64,
                "wrong number of parameters for this model",
            ),
        ))
    }
}

macro_rules! model_parameters {
    ($ty:ty, $n:literal, [$($field:ident),+]) => {
        impl ModelParameters for $ty {
            fn to_vec(&self) -> Vec<f64> {
                vec![$(self.$field),+]
            }
            fn from_slice(values: &[f64]) -> Result<Self> {
                arity(values, $n)?;
                let mut it = values.iter().copied();
                <$ty>::new($({ let _ = stringify!($field); it.next().unwrap_or(f64::NAN) }),+)
            }
        }
    };
}

model_parameters!(crate::BgNbdParameters, 4, [r, alpha, a, b]);
model_parameters!(crate::MbgNbdParameters, 4, [r, alpha, a, b]);
model_parameters!(crate::ParetoNbdParameters, 4, [r, alpha, s, beta]);
model_parameters!(crate::GammaGammaParameters, 3, [p, q, v]);
model_parameters!(crate::BgBbParameters, 4, [alpha, beta, gamma, delta]);
model_parameters!(crate::sbg::SbgParameters, 2, [alpha, beta]);

/// `draws` parameter vectors from the asymptotic normal of the estimate, on the log scale (see
/// the module docs), seeded.
///
/// # Errors
/// [`Error::InvalidParameter`] for zero draws, a covariance of the wrong size, or one that is
/// not positive definite (the fit's Hessian was singular: no covariance to draw from).
///
/// # Examples
/// ```
/// use custalyze_cltv_core::uncertainty::{customer_quantiles, parameter_draws};
/// use custalyze_cltv_core::{BgNbd, Customer, RfmData};
/// let data = RfmData::new(
///     &[0.0, 1.0, 2.0, 5.0, 0.0, 3.0, 1.0, 7.0, 2.0, 0.0],
///     &[0.0, 10.0, 20.0, 30.0, 0.0, 25.0, 5.0, 38.0, 15.0, 0.0],
///     &[40.0, 40.0, 39.0, 38.0, 30.0, 40.0, 35.0, 39.0, 40.0, 20.0],
///     None,
/// )?;
/// let fit = BgNbd::params().fit(&data)?;
/// let cov = fit.report.covariance.clone().expect("a regular fit");
/// let draws = parameter_draws(&fit.params, &cov, 500, 7)?;
/// let customers = [Customer::new(2.0, 30.0, 40.0)?, Customer::new(0.0, 0.0, 40.0)?];
/// // 5%, 50% and 95% of each customer's expected purchases in the next 20 periods.
/// let q = customer_quantiles(&draws, &customers, &[0.05, 0.5, 0.95], |p, c| {
///     p.expected_purchases(20.0, c)
/// })?;
/// assert!(q[0][0] <= q[0][1] && q[0][1] <= q[0][2]);
/// # Ok::<(), custalyze_cltv_core::Error>(())
/// ```
pub fn parameter_draws<P: ModelParameters>(
    estimate: &P,
    covariance: &[f64],
    draws: usize,
    seed: u64,
) -> Result<Vec<P>> {
    let theta = estimate.to_vec();
    let n = theta.len();
    let mut out = Vec::with_capacity(draws);
    // A draw that overflows is redrawn (vanishingly rare for a regular fit).
    let mut round = 0;
    while out.len() < draws {
        for values in draw_vectors(&theta, covariance, n, draws - out.len(), seed + round)? {
            if let Ok(p) = P::from_slice(&values) {
                out.push(p);
            }
        }
        round += 1;
    }
    Ok(out)
}

/// `draws` vectors from the asymptotic normal of `theta` with `covariance`: the first `n_log`
/// coordinates (positive parameters) on the log scale by the delta method, the others
/// (covariate coefficients) as they are. Every coordinate is finite.
///
/// # Errors
/// [`Error::InvalidParameter`] for zero draws, a covariance of the wrong size or with a
/// non-finite entry, or one that is not positive definite.
pub(crate) fn draw_vectors(
    theta: &[f64],
    covariance: &[f64],
    n_log: usize,
    draws: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>> {
    let n = theta.len();
    let bad = |reason: &'static str| {
        Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("covariance", covariance.len() as f64, reason),
        ))
    };
    if draws == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("draws", 0.0, "must be at least 1"),
        ));
    }
    if covariance.len() != n * n || covariance.iter().any(|v| !v.is_finite()) {
        return bad("needs k × k finite entries for the model's k parameters");
    }
    // Covariance of (ln θ_log, θ_rest) by the delta method, then its Cholesky factor.
    let scale = |i: usize| if i < n_log { theta[i] } else { 1.0 };
    let cov: Vec<f64> = (0..n * n)
        .map(|k| covariance[k] / (scale(k / n) * scale(k % n)))
        .collect();
    let Some(chol) = cholesky(&cov, n) else {
        return bad("is not positive definite: the fit's information matrix is singular");
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(draws);
    let mut z = vec![0.0; n];
    while out.len() < draws {
        for v in &mut z {
            *v = StandardNormal.sample(&mut rng);
        }
        let values: Vec<f64> = (0..n)
            .map(|i| {
                let shift: f64 = (0..=i).map(|j| chol[i * n + j] * z[j]).sum();
                if i < n_log {
                    theta[i] * shift.exp()
                } else {
                    theta[i] + shift
                }
            })
            .collect();
        if values.iter().all(|v| v.is_finite()) {
            out.push(values);
        }
    }
    Ok(out)
}

fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// `refits` bootstrap fits: each resamples the `rows` customers with replacement (multinomial
/// counts, drawn as successive binomials from a seeded generator, one seed per refit so the
/// result does not depend on the thread count) and calls `fit` with a multiplier per row: the
/// times the row's customers were drawn divided by its weight (multiply the rows' weights by
/// it; a row of one customer gets its count). Refits run in parallel; a refit that fails is skipped, and the
/// number of failures is returned beside the fits.
///
/// # Errors
/// [`Error::InvalidParameter`] for zero refits or rows; [`Error::NotConverged`] when every refit
/// failed.
pub fn bootstrap<P: Send>(
    rows: &[f64],
    refits: usize,
    seed: u64,
    fit: impl Fn(&[f64]) -> Result<P> + Sync,
) -> Result<(Vec<P>, usize)> {
    if refits == 0 || rows.is_empty() {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "refits",
                refits as f64,
                "need at least one refit and one row",
            ),
        ));
    }
    // `rows` are the row weights (customers per row); resample customers, not rows.
    let total: f64 = rows.iter().sum();
    let n_customers = total.round().max(1.0) as u64;
    let results: Vec<Result<P>> = (0..refits)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed.wrapping_add(k as u64)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut remaining = n_customers;
            let mut mass = total;
            let counts: Vec<f64> = rows
                .iter()
                .map(|&w| {
                    if remaining == 0 || mass <= 0.0 {
                        return 0.0;
                    }
                    let p = (w / mass).clamp(0.0, 1.0);
                    let c = Binomial::new(remaining, p).map_or(0, |b| b.sample(&mut rng));
                    remaining -= c;
                    mass -= w;
                    // A row of w customers drawn c times: its weight becomes c, i.e. w × (c / w).
                    if w > 0.0 { c as f64 / w } else { 0.0 }
                })
                .collect();
            fit(&counts)
        })
        .collect();
    let failures = results.iter().filter(|r| r.is_err()).count();
    let fits: Vec<P> = results.into_iter().filter_map(Result::ok).collect();
    if fits.is_empty() {
        return Err(Error::NotConverged {
            model: "bootstrap",
            reason: format!("all {refits} refits failed"),
            last_params: vec![],
        });
    }
    Ok((fits, failures))
}

/// For each customer, the `probs` quantiles (in [0, 1]) of `prediction` over the parameter
/// `draws`, in parallel over customers. Row `i` holds customer `i`'s quantiles in the order of
/// `probs`.
///
/// # Errors
/// [`Error::InvalidParameter`] for no draws or a probability outside [0, 1]; the first error
/// `prediction` returns (an invalid customer).
pub fn customer_quantiles<P: Sync, C: Sync>(
    draws: &[P],
    customers: &[C],
    probs: &[f64],
    prediction: impl Fn(&P, &C) -> Result<f64> + Sync,
) -> Result<Vec<Vec<f64>>> {
    check_quantile_request(draws.len(), probs)?;
    customers
        .par_iter()
        .map_init(
            || Vec::with_capacity(draws.len()),
            |values, c| {
                values.clear();
                for p in draws {
                    values.push(prediction(p, c)?);
                }
                Ok(quantiles(values, probs))
            },
        )
        .collect()
}

/// [`customer_quantiles`] of BG/NBD P(alive), the fast path for many customers: customers are
/// checked once, a customer without repeat purchases has P(alive) = 1 under every draw (her
/// quantiles are 1 without evaluating the draws), and the others are evaluated without
/// re-checking each (draw, customer) pair. Equal to
/// `customer_quantiles(draws, customers, probs, |p, c| p.p_alive(c))`.
///
/// # Errors
/// As [`customer_quantiles`]; [`Error::InvalidInput`] for an invalid customer.
pub fn p_alive_quantiles(
    draws: &[crate::BgNbdParameters],
    customers: &[crate::Customer],
    probs: &[f64],
) -> Result<Vec<Vec<f64>>> {
    check_quantile_request(draws.len(), probs)?;
    for (row, c) in customers.iter().enumerate() {
        if let Some(problem) = crate::data::history_problem(c.x, c.t_x, c.t) {
            return Err(Error::InvalidInput { row, problem });
        }
    }
    Ok(customers
        .par_iter()
        .map_init(
            || Vec::with_capacity(draws.len()),
            |values, c| {
                if c.x == 0.0 {
                    return vec![1.0; probs.len()];
                }
                values.clear();
                // 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)): one ln and one exp per draw (an
                // overflowing power gives odds = ∞ and P(alive) = 0, as the limit).
                values.extend(draws.iter().map(|p| {
                    let odds = p.a / (p.b + c.x - 1.0)
                        * ((p.r + c.x) * ((p.alpha + c.t) / (p.alpha + c.t_x)).ln()).exp();
                    1.0 / (1.0 + odds)
                }));
                quantiles(values, probs)
            },
        )
        .collect())
}

/// Per-customer quantiles of CLV with both models uncertain: draw `d` of the purchase model is
/// paired with draw `d` of the Gamma-Gamma spend model (the two are fitted on separate
/// likelihoods, so independent draws of each pair up), and each customer's CLV is
/// [`GammaGammaParameters::customer_lifetime_value`](crate::GammaGammaParameters::customer_lifetime_value)
/// at the pair with her mean repeat spend `spend[i]` (0 for a customer without repeat
/// purchases, who gets the population mean).
///
/// # Errors
/// As [`customer_quantiles`]; [`Error::EmptyInput`] for draws or columns of different lengths;
/// the CLV's errors (options, units, an invalid customer).
pub fn clv_quantiles<P: crate::clv::PurchaseModel + Sync>(
    purchase_draws: &[P],
    spend_draws: &[crate::GammaGammaParameters],
    customers: &[crate::Customer],
    spend: &[f64],
    options: &crate::ClvOptions,
    probs: &[f64],
) -> Result<Vec<Vec<f64>>> {
    check_quantile_request(purchase_draws.len(), probs)?;
    if spend_draws.len() != purchase_draws.len() || spend.len() != customers.len() {
        return Err(Error::EmptyInput {
            reason: format!(
                "need as many spend draws as purchase draws ({} and {}) and one spend per customer ({} and {})",
                spend_draws.len(),
                purchase_draws.len(),
                spend.len(),
                customers.len()
            ),
        });
    }
    let pairs: Vec<(&P, &crate::GammaGammaParameters)> =
        purchase_draws.iter().zip(spend_draws).collect();
    let indexed: Vec<(usize, &crate::Customer)> = customers.iter().enumerate().collect();
    customer_quantiles(&pairs, &indexed, probs, |(p, g), (i, c)| {
        let m = if c.x > 0.0 { spend[*i] } else { 0.0 };
        g.customer_lifetime_value(*p, c, m, options)
    })
}

fn check_quantile_request(draws: usize, probs: &[f64]) -> Result<()> {
    if draws == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("draws", 0.0, "need at least one parameter draw"),
        ));
    }
    if let Some(&p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("probs", p, "quantile probabilities are in [0, 1]"),
        ));
    }
    Ok(())
}

/// Type-7 quantiles of `values` (reordered in place), by selection: O(n) per quantile instead
/// of a sort. The order statistics are selected from the highest down, each within the part
/// left of the previous one, so the work shrinks from one to the next.
pub(crate) fn quantiles(values: &mut [f64], probs: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; probs.len()];
    }
    // The order statistics needed: floor and (when interpolating) floor + 1 of each position.
    let mut ranks: Vec<usize> = Vec::with_capacity(2 * probs.len());
    for &p in probs {
        let pos = p * (n - 1) as f64;
        let lo = (pos.floor() as usize).min(n - 1);
        ranks.push(lo);
        if pos > lo as f64 && lo + 1 < n {
            ranks.push(lo + 1);
        }
    }
    ranks.sort_unstable();
    ranks.dedup();
    let mut found: Vec<(usize, f64)> = Vec::with_capacity(ranks.len());
    let mut end = n;
    for &k in ranks.iter().rev() {
        let (_, &mut v, _) = values[..end].select_nth_unstable_by(k, f64::total_cmp);
        found.push((k, v));
        end = k;
    }
    let value_at = |k: usize| {
        found
            .iter()
            .find(|(r, _)| *r == k)
            .map_or(f64::NAN, |(_, v)| *v)
    };
    probs
        .iter()
        .map(|&p| {
            let pos = p * (n - 1) as f64;
            let lo = (pos.floor() as usize).min(n - 1);
            let frac = pos - lo as f64;
            let below = value_at(lo);
            if frac == 0.0 || lo + 1 >= n {
                return below;
            }
            below + (value_at(lo + 1) - below) * frac
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::BgNbdParameters;

    #[test]
    fn draws_have_the_delta_method_covariance() {
        let est = BgNbdParameters::new(0.24, 4.4, 0.79, 2.4).unwrap();
        let se = [0.0125, 0.378, 0.185, 0.706];
        let mut cov = vec![0.0; 16];
        for i in 0..4 {
            cov[i * 4 + i] = se[i] * se[i];
        }
        cov[2 * 4 + 3] = 0.8 * se[2] * se[3];
        cov[3 * 4 + 2] = cov[2 * 4 + 3];
        let draws = parameter_draws(&est, &cov, 40_000, 3).unwrap();
        let logs: Vec<Vec<f64>> = draws
            .iter()
            .map(|d| d.to_vec().iter().map(|v| v.ln()).collect())
            .collect();
        let theta = est.to_vec();
        for i in 0..4 {
            let m = logs.iter().map(|l| l[i]).sum::<f64>() / logs.len() as f64;
            let v = logs.iter().map(|l| (l[i] - m).powi(2)).sum::<f64>() / logs.len() as f64;
            let want = cov[i * 4 + i] / (theta[i] * theta[i]);
            assert!(
                (m - theta[i].ln()).abs() < 0.02 * want.sqrt() * 4.0,
                "mean {i}"
            );
            assert!((v / want - 1.0).abs() < 0.03, "variance {i}: {v} vs {want}");
        }
        let bad = parameter_draws(&est, &[1.0; 16], 10, 1);
        assert!(matches!(bad, Err(Error::InvalidParameter(_))));
    }

    #[test]
    fn quantiles_are_type_7() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        assert_eq!(
            quantiles(&mut v, &[0.0, 0.25, 0.5, 0.9, 1.0]),
            vec![1.0, 2.0, 3.0, 4.6, 5.0]
        );
        // Against a sort, for many sizes, orders and quantile sets (ties included).
        let mut state = 7u64;
        for n in [1usize, 2, 3, 10, 101, 1000] {
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 33) % 50) as f64
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let probs = [0.95, 0.05, 0.5, 0.5, 0.0, 1.0, 0.333];
            let want: Vec<f64> = probs
                .iter()
                .map(|p| {
                    let pos = p * (n - 1) as f64;
                    let lo = pos.floor() as usize;
                    let hi = (lo + 1).min(n - 1);
                    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
                })
                .collect();
            let got = quantiles(&mut v, &probs);
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-12, "n = {n}: {got:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn the_p_alive_fast_path_equals_the_general_one() {
        let est = BgNbdParameters::new(0.24, 4.4, 0.79, 2.4).unwrap();
        let cov = [
            1.6e-4, 0.0, 0.0, 0.0, 0.0, 0.14, 0.0, 0.0, 0.0, 0.0, 0.034, 0.0, 0.0, 0.0, 0.0, 0.5,
        ];
        let draws = parameter_draws(&est, &cov, 300, 3).unwrap();
        let customers: Vec<crate::Customer> =
            [(0.0, 0.0, 30.0), (2.0, 10.0, 38.0), (7.0, 37.0, 38.5)]
                .iter()
                .map(|&(x, tx, t)| crate::Customer::new(x, tx, t).unwrap())
                .collect();
        let probs = [0.05, 0.5, 0.95];
        let fast = p_alive_quantiles(&draws, &customers, &probs).unwrap();
        let general = customer_quantiles(&draws, &customers, &probs, |p, c| p.p_alive(c)).unwrap();
        for (f, g) in fast.iter().flatten().zip(general.iter().flatten()) {
            assert!((f - g).abs() < 1e-13, "{fast:?} vs {general:?}");
        }
        // A history whose odds overflow: P(alive) 0, not NaN.
        let far = [crate::Customer::new(500.0, 1.0, 1e6).unwrap()];
        assert_eq!(
            p_alive_quantiles(&draws, &far, &probs).unwrap()[0],
            vec![0.0; 3]
        );
        let bad = [crate::Customer {
            x: 1.0,
            t_x: 5.0,
            t: 2.0,
        }];
        assert!(p_alive_quantiles(&draws, &bad, &probs).is_err());
    }
}
