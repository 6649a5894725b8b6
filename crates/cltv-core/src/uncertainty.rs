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
    // Covariance of ln θ by the delta method, then its Cholesky factor.
    let log_cov: Vec<f64> = (0..n * n)
        .map(|k| covariance[k] / (theta[k / n] * theta[k % n]))
        .collect();
    let Some(chol) = cholesky(&log_cov, n) else {
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
                theta[i] * shift.exp()
            })
            .collect();
        // A draw that overflows is redrawn (vanishingly rare for a regular fit).
        if let Ok(p) = P::from_slice(&values) {
            out.push(p);
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
    if draws.is_empty() {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("draws", 0.0, "need at least one parameter draw"),
        ));
    }
    if let Some(&p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("probs", p, "quantile probabilities are in [0, 1]"),
        ));
    }
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

/// Type-7 quantiles of `values` (reordered in place), by selection: O(n) per quantile instead
/// of a sort.
pub(crate) fn quantiles(values: &mut [f64], probs: &[f64]) -> Vec<f64> {
    let n = values.len();
    probs
        .iter()
        .map(|&p| {
            let pos = p * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let (_, &mut below, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
            let frac = pos - lo as f64;
            if frac == 0.0 || above.is_empty() {
                return below;
            }
            let next = above.iter().copied().fold(f64::INFINITY, f64::min);
            below + (next - below) * frac
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
    }
}
