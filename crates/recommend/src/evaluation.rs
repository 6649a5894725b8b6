//! Offline evaluation: leave-last-basket-out and basket completion, with hit rate, precision,
//! recall, NDCG at `k` and catalogue coverage.
//!
//! For a customer with held-out items `T` and recommendations `r_1..r_k` (already-bought items
//! excluded), with `hit_j = [r_j ∈ T]`:
//!
//! ```text
//! HR@k        = [Σ hit_j > 0]
//! Precision@k = Σ hit_j / k
//! Recall@k    = Σ hit_j / |T|
//! NDCG@k      = (Σ_j hit_j / log2(j + 1)) / (Σ_{j=1..min(|T|, k)} 1 / log2(j + 1))
//! ```
//!
//! averaged over customers; coverage = distinct items recommended to anyone / catalogue size.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use custalyze_transaction_types::Baskets;

use crate::error::{Error, Result};
use crate::interactions::Interactions;
use crate::recommender::Recommendation;

/// One customer to evaluate.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EvalCase {
    /// Row of the customer (or basket) in the training matrix.
    pub user: u32,
    /// Items known before the held-out basket (distinct, sorted).
    pub history: Vec<u32>,
    /// Held-out items not in `history` (distinct, sorted, non-empty).
    pub target: Vec<u32>,
}

/// A train / test split.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Split {
    /// Training interactions.
    pub train: Interactions,
    /// Customers to evaluate.
    pub cases: Vec<EvalCase>,
    /// Customers with a held-out basket whose items were all bought before (not evaluated).
    pub skipped_repeat_only: usize,
}

/// Leave-last-basket-out: for every customer with at least two baskets, the last one (by time,
/// then order id) is held out; training uses all other baskets of everybody. The target is the
/// held-out basket's items the customer had not bought before (recommenders exclude bought items,
/// so re-purchases cannot be hit); customers whose last basket holds only re-purchases are
/// skipped and counted.
///
/// # Errors
/// [`Error::Empty`] when no customer has two baskets.
pub fn leave_last_basket_out(baskets: &Baskets) -> Result<Split> {
    let n_users = baskets.customer_ids.len();
    let mut per_user: Vec<Vec<usize>> = vec![Vec::new(); n_users];
    for (k, b) in baskets.baskets.iter().enumerate() {
        per_user[b.customer as usize].push(k);
    }
    let mut train: Vec<Vec<u32>> = vec![Vec::new(); n_users];
    let mut cases = Vec::new();
    let mut skipped = 0;
    for (u, list) in per_user.iter().enumerate() {
        let held = (list.len() >= 2).then(|| list[list.len() - 1]);
        for &k in list {
            if Some(k) != held {
                train[u].extend(&baskets.baskets[k].items);
            }
        }
        train[u].sort_unstable();
        train[u].dedup();
        if let Some(k) = held {
            let target: Vec<u32> = baskets.baskets[k]
                .items
                .iter()
                .copied()
                .filter(|i| train[u].binary_search(i).is_err())
                .collect();
            if target.is_empty() {
                skipped += 1;
            } else {
                cases.push(EvalCase {
                    user: u as u32,
                    history: train[u].clone(),
                    target,
                });
            }
        }
    }
    if cases.is_empty() {
        return Err(Error::Empty(
            "no customer has two baskets with something new in the last".into(),
        ));
    }
    Ok(Split {
        train: Interactions::from_user_items(baskets.item_ids.len(), &train)?,
        cases,
        skipped_repeat_only: skipped,
    })
}

/// Basket completion, for basket data without customers: a seeded share `test_fraction` of the
/// baskets is held out; from each held-out basket with at least two items one random item is
/// hidden and the rest is the history. Training rows are the other baskets (one row per basket).
///
/// # Errors
/// [`Error::InvalidParameter`] for a fraction outside `(0, 1)`; [`Error::Empty`] when no held-out
/// basket has two items or no training basket is left.
pub fn basket_completion(
    sets: &[Vec<u32>],
    n_items: usize,
    test_fraction: f64,
    seed: u64,
) -> Result<Split> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "test_fraction",
                test_fraction,
                "must be in (0, 1)",
            ),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.shuffle(&mut rng);
    let n_test = (sets.len() as f64 * test_fraction).round() as usize;
    let train: Vec<Vec<u32>> = order[n_test..].iter().map(|&k| sets[k].clone()).collect();
    let mut cases = Vec::new();
    for &k in &order[..n_test] {
        let mut items = sets[k].clone();
        items.sort_unstable();
        items.dedup();
        if items.len() < 2 {
            continue;
        }
        let hidden = items.remove(rng.random_range(0..items.len()));
        cases.push(EvalCase {
            user: u32::MAX,
            history: items,
            target: vec![hidden],
        });
    }
    if cases.is_empty() {
        return Err(Error::Empty("no held-out basket has two items".into()));
    }
    Ok(Split {
        train: Interactions::from_user_items(n_items, &train)?,
        cases,
        skipped_repeat_only: 0,
    })
}

/// Averages of the metrics over the evaluated customers.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Metrics {
    /// Name of the method.
    pub method: String,
    /// Cut-off.
    pub k: usize,
    /// Customers evaluated.
    pub customers: usize,
    /// HR@k.
    pub hit_rate: f64,
    /// Precision@k.
    pub precision: f64,
    /// Recall@k.
    pub recall: f64,
    /// NDCG@k.
    pub ndcg: f64,
    /// Distinct recommended items / catalogue size.
    pub coverage: f64,
}

/// Evaluates `recommend` (called in parallel with each case) on `cases`.
///
/// # Errors
/// [`Error::Empty`] for no case, [`Error::InvalidParameter`] for `k == 0`; errors of
/// `recommend`.
pub fn evaluate<F>(
    method: &str,
    cases: &[EvalCase],
    n_items: usize,
    k: usize,
    recommend: F,
) -> Result<Metrics>
where
    F: Fn(&EvalCase) -> Result<Vec<Recommendation>> + Sync,
{
    if k == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("k", "0", "must be at least 1"),
        ));
    }
    if cases.is_empty() || n_items == 0 {
        return Err(Error::Empty("no customer to evaluate".into()));
    }
    let per: Vec<([f64; 4], Vec<u32>)> = cases
        .par_iter()
        .map(|c| {
            let recs = recommend(c)?;
            let mut hits = 0.0;
            let mut dcg = 0.0;
            for (j, r) in recs.iter().take(k).enumerate() {
                if c.target.binary_search(&r.item).is_ok() {
                    hits += 1.0;
                    dcg += 1.0 / ((j + 2) as f64).log2();
                }
            }
            let idcg: f64 = (0..c.target.len().min(k))
                .map(|j| 1.0 / ((j + 2) as f64).log2())
                .sum();
            let m = [
                f64::from(u8::from(hits > 0.0)),
                hits / k as f64,
                hits / c.target.len() as f64,
                dcg / idcg,
            ];
            Ok((m, recs.iter().take(k).map(|r| r.item).collect()))
        })
        .collect::<Result<_>>()?;
    let n = per.len() as f64;
    let mean = |j: usize| per.iter().map(|p| p.0[j]).sum::<f64>() / n;
    let mut seen = vec![false; n_items];
    for (_, items) in &per {
        for &i in items {
            if let Some(s) = seen.get_mut(i as usize) {
                *s = true;
            }
        }
    }
    Ok(Metrics {
        method: method.to_string(),
        k,
        customers: per.len(),
        hit_rate: mean(0),
        precision: mean(1),
        recall: mean(2),
        ndcg: mean(3),
        coverage: seen.iter().filter(|&&s| s).count() as f64 / n_items as f64,
    })
}
