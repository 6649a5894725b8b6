//! Item-based collaborative filtering (Sarwar et al. 2001; Deshpande & Karypis 2004) on the
//! binary customer-item matrix.
//!
//! With `n_i` the number of customers who bought item `i` and `c_ij` the number who bought both
//! `i` and `j`, the shrunk cosine similarity is
//!
//! ```text
//! s_ij = c_ij / (sqrt(n_i) sqrt(n_j) + λ)
//! ```
//!
//! (cosine of the binary columns with a shrinkage term `λ ≥ 0` in the denominator, as
//! similaripy's `cosine(shrink=λ)`): pairs seen together by few customers are pulled towards 0.
//! Only the `N` most similar neighbours of each item are kept. A customer who bought the set `H`
//! gets `score(i) = Σ_{j ∈ H} s_ji` over the kept neighbour lists of her items.
//!
//! Fitting runs in parallel over items: for item `i`, walk its buyers (CSC) and each buyer's items
//! (CSR) to count `c_ij` in a dense per-thread buffer, then keep the top `N`.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::interactions::Interactions;
use crate::recommender::Recommender;

/// Item-based collaborative filtering: [`ItemCf::params`] starts the builder, `check()` gives
/// [`ValidItemCfParams`], `fit(&interactions)` a [`FittedItemCf`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemCf;

impl ItemCf {
    /// The defaults (see [`ItemCfParams`]).
    pub fn params() -> ItemCfParams {
        ItemCfParams::default()
    }
}

/// Parameters of [`FittedItemCf`], unchecked.
///
/// | Setting | Default | Rule |
/// |---|---|---|
/// | `neighbours` | 50 | at least 1 |
/// | `shrinkage` λ | 10 | finite and ≥ 0 |
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemCfParams {
    neighbours: usize,
    shrinkage: f64,
}

/// Checked item-CF settings, from [`ItemCfParams::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValidItemCfParams(ItemCfParams);

impl Default for ItemCfParams {
    fn default() -> Self {
        Self {
            neighbours: 50,
            shrinkage: 10.0,
        }
    }
}

impl ItemCfParams {
    /// Sets the neighbour count.
    #[must_use]
    pub fn neighbours(mut self, n: usize) -> Self {
        self.neighbours = n;
        self
    }

    /// Sets the shrinkage.
    #[must_use]
    pub fn shrinkage(mut self, l: f64) -> Self {
        self.shrinkage = l;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `neighbours == 0` or a shrinkage that is not finite and
    /// non-negative.
    pub fn check(&self) -> Result<ValidItemCfParams> {
        if self.neighbours == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("neighbours", "0", "must be at least 1"),
            ));
        }
        if !(self.shrinkage.is_finite() && self.shrinkage >= 0.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "shrinkage",
                    self.shrinkage,
                    "must be finite and >= 0",
                ),
            ));
        }
        Ok(ValidItemCfParams(*self))
    }

    /// Checks the settings, then fits the neighbour lists ([`ValidItemCfParams::fit`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] as [`ItemCfParams::check`].
    ///
    /// # Examples
    /// ```
    /// use custalyze_recommend::{Interactions, ItemCf, Recommender};
    /// // Three customers; items 0 and 1 go together.
    /// let m = Interactions::from_user_items(3, &[vec![0, 1], vec![0, 1, 2], vec![0]])?;
    /// let cf = ItemCf::params().shrinkage(0.0).fit(&m)?;
    /// let recs = cf.recommend(&[0], 2)?;
    /// assert_eq!(recs[0].item, 1);
    /// # Ok::<(), custalyze_recommend::Error>(())
    /// ```
    pub fn fit(&self, data: &Interactions) -> Result<FittedItemCf> {
        self.check()?.fit(data)
    }
}

impl ValidItemCfParams {
    /// The settings.
    pub fn params(&self) -> &ItemCfParams {
        &self.0
    }

    /// Fits the neighbour lists.
    ///
    /// # Errors
    /// None for valid settings on valid interactions (kept `Result` for the family shape).
    pub fn fit(&self, data: &Interactions) -> Result<FittedItemCf> {
        let ItemCfParams {
            neighbours,
            shrinkage,
        } = self.0;
        let n = data.n_items;
        let (col_ptr, col_users) = data.item_users();
        let norms: Vec<f64> = data
            .item_counts()
            .iter()
            .map(|&c| f64::from(c).sqrt())
            .collect();
        let lambda = shrinkage;
        let keep = neighbours;
        let neighbours: Vec<Vec<(u32, f64)>> = (0..n)
            .into_par_iter()
            .map_init(
                || (vec![0u32; n], Vec::<u32>::new()),
                |(counts, touched), i| {
                    for &u in &col_users[col_ptr[i]..col_ptr[i + 1]] {
                        for &j in data.user_items(u as usize) {
                            if j as usize != i {
                                if counts[j as usize] == 0 {
                                    touched.push(j);
                                }
                                counts[j as usize] += 1;
                            }
                        }
                    }
                    let mut list: Vec<(u32, f64)> = touched
                        .iter()
                        .map(|&j| {
                            let c = f64::from(counts[j as usize]);
                            (j, c / (norms[i] * norms[j as usize] + lambda))
                        })
                        .collect();
                    for &j in touched.iter() {
                        counts[j as usize] = 0;
                    }
                    touched.clear();
                    let by =
                        |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                    if list.len() > keep {
                        list.select_nth_unstable_by(keep - 1, by);
                        list.truncate(keep);
                    }
                    list.sort_by(by);
                    list
                },
            )
            .collect();
        Ok(FittedItemCf {
            params: self.0,
            neighbours,
        })
    }
}

/// A fitted item-based CF model: the top neighbours of every item. Serialisable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedItemCf {
    /// The parameters.
    pub params: ItemCfParams,
    /// Per item, `(neighbour, similarity)` by decreasing similarity.
    pub neighbours: Vec<Vec<(u32, f64)>>,
}

impl Recommender for FittedItemCf {
    fn n_items(&self) -> usize {
        self.neighbours.len()
    }

    fn score_into(&self, history: &[u32], scores: &mut [f64]) {
        for &j in history {
            if let Some(list) = self.neighbours.get(j as usize) {
                for &(i, s) in list {
                    scores[i as usize] += s;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::needless_range_loop)]
    use super::*;

    /// Brute-force similarity from the dense matrix.
    fn naive(users: &[Vec<u32>], n: usize, lambda: f64) -> Vec<Vec<f64>> {
        let has = |u: &Vec<u32>, i: usize| u.contains(&(i as u32));
        let mut s = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let ni = users.iter().filter(|u| has(u, i)).count() as f64;
                let nj = users.iter().filter(|u| has(u, j)).count() as f64;
                let c = users.iter().filter(|u| has(u, i) && has(u, j)).count() as f64;
                s[i][j] = if c > 0.0 {
                    c / (ni.sqrt() * nj.sqrt() + lambda)
                } else {
                    0.0
                };
            }
        }
        s
    }

    proptest::proptest! {
        #[test]
        fn similarities_equal_brute_force(
            users in proptest::collection::vec(proptest::collection::vec(0u32..8, 0..5), 1..30),
            lambda in 0.0f64..5.0
        ) {
            proptest::prop_assume!(users.iter().any(|u| !u.is_empty()));
            let m = Interactions::from_user_items(8, &users).unwrap();
            let cf = ItemCf::params().shrinkage(lambda).fit(&m).unwrap();
            let dedup: Vec<Vec<u32>> = (0..m.n_users()).map(|u| m.user_items(u).to_vec()).collect();
            let s = naive(&dedup, 8, lambda);
            for i in 0..8 {
                for &(j, v) in &cf.neighbours[i] {
                    proptest::prop_assert!((v - s[i][j as usize]).abs() < 1e-12);
                }
                let nonzero = s[i].iter().filter(|&&v| v > 0.0).count();
                proptest::prop_assert_eq!(cf.neighbours[i].len(), nonzero);
            }
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let m = Interactions::from_user_items(2, &[vec![0, 1]]).unwrap();
        assert!(ItemCf::params().neighbours(0).fit(&m).is_err());
        assert!(ItemCf::params().shrinkage(-1.0).fit(&m).is_err());
        assert!(ItemCf::params().shrinkage(f64::NAN).fit(&m).is_err());
    }
}
