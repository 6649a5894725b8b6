//! A seeded generator of synthetic retail baskets, for benchmarks and tests.

use crate::error::{Error, Result};
use crate::transactions::Transactions;

/// Synthetic baskets in the simplified IBM-Quest scheme of the project's reference data
/// (`shared/oracle/peer_timings.py::big_baskets`): item popularity is Zipf(0.8) over a random
/// permutation of the items; there are `n_patterns` "patterns" of 2 to 6 items (size
/// `2 + Poisson(2)`, clipped) drawn by popularity, with exponential weights. Each basket has a
/// target length `max(1, Poisson(mean_len))` and is filled by draws that are, with probability
/// 0.6, a weighted pattern whose items each survive with probability 0.85, or else one item drawn
/// by popularity (at most 50 draws). Same distribution as the Python generator, not the same
/// random stream. Items are named `"0"`, `"1"`, ...
///
/// # Examples
/// ```
/// use custalyze_assoc_rules::QuestGenerator;
/// let tx = QuestGenerator { n_transactions: 1000, n_items: 200, ..QuestGenerator::default() }.generate()?;
/// assert_eq!(tx.len(), 1000);
/// # Ok::<(), custalyze_assoc_rules::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuestGenerator {
    /// Number of baskets (default 1,000,000).
    pub n_transactions: usize,
    /// Number of distinct items (default 10,000).
    pub n_items: usize,
    /// Number of patterns (default 2,000).
    pub n_patterns: usize,
    /// Mean target basket length (default 9).
    pub mean_len: f64,
    /// Random seed (default 20240612).
    pub seed: u64,
}

impl Default for QuestGenerator {
    fn default() -> Self {
        Self {
            n_transactions: 1_000_000,
            n_items: 10_000,
            n_patterns: 2_000,
            mean_len: 9.0,
            seed: 20_240_612,
        }
    }
}

/// SplitMix64: small, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n.max(1)
    }

    /// Knuth's multiplication method (fine for the small means used here).
    fn poisson(&mut self, mean: f64) -> usize {
        let limit = (-mean).exp();
        let mut p = 1.0;
        let mut k = 0;
        loop {
            p *= self.uniform();
            if p <= limit || k > 1000 {
                return k;
            }
            k += 1;
        }
    }

    /// An index drawn from a cumulative distribution.
    fn draw(&mut self, cdf: &[f64]) -> usize {
        let total = cdf.last().copied().unwrap_or(0.0);
        let u = self.uniform() * total;
        cdf.partition_point(|&c| c <= u)
            .min(cdf.len().saturating_sub(1))
    }
}

fn cumulative(w: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    w.iter()
        .map(|&x| {
            acc += x;
            acc
        })
        .collect()
}

impl QuestGenerator {
    /// Generates the baskets.
    ///
    /// # Errors
    /// [`Error::InvalidGenerator`] when a count is 0 (or `n_items` exceeds `u32`), or the mean
    /// length is not in `(0, 100]`.
    pub fn generate(&self) -> Result<Transactions> {
        let bad = |name, value: String, reason| Error::InvalidGenerator {
            name,
            value,
            reason,
        };
        if self.n_transactions == 0 {
            return Err(bad("n_transactions", "0".into(), "must be at least 1"));
        }
        if self.n_items == 0 || u32::try_from(self.n_items).is_err() {
            return Err(bad(
                "n_items",
                self.n_items.to_string(),
                "must be in 1..=u32::MAX",
            ));
        }
        if self.n_patterns == 0 {
            return Err(bad("n_patterns", "0".into(), "must be at least 1"));
        }
        if !(self.mean_len > 0.0 && self.mean_len <= 100.0) {
            return Err(bad(
                "mean_len",
                self.mean_len.to_string(),
                "must be in (0, 100]",
            ));
        }
        let mut rng = Rng(self.seed);
        let n = self.n_items;
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            perm.swap(i, j);
        }
        let mut pop = vec![0.0; n];
        for (rank, &item) in perm.iter().enumerate() {
            pop[item] = 1.0 / ((rank + 1) as f64).powf(0.8);
        }
        let pop_cdf = cumulative(&pop);
        let patterns: Vec<Vec<u32>> = (0..self.n_patterns)
            .map(|_| {
                let size = (rng.poisson(2.0) + 2).clamp(2, 6).min(n);
                let mut p: Vec<u32> = Vec::with_capacity(size);
                let mut guard = 0;
                while p.len() < size && guard < 1000 {
                    guard += 1;
                    let i = rng.draw(&pop_cdf) as u32;
                    if !p.contains(&i) {
                        p.push(i);
                    }
                }
                p
            })
            .collect();
        let weights: Vec<f64> = (0..self.n_patterns)
            .map(|_| -(1.0 - rng.uniform()).ln())
            .collect();
        let pat_cdf = cumulative(&weights);
        let names: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let mut baskets: Vec<Vec<u32>> = Vec::with_capacity(self.n_transactions);
        let mut basket: Vec<u32> = Vec::new();
        for _ in 0..self.n_transactions {
            let target = rng.poisson(self.mean_len).max(1);
            basket.clear();
            let mut guard = 0;
            while basket.len() < target && guard < 50 {
                guard += 1;
                if rng.uniform() < 0.6 {
                    for &i in &patterns[rng.draw(&pat_cdf)] {
                        if rng.uniform() >= 0.15 && !basket.contains(&i) {
                            basket.push(i);
                        }
                    }
                } else {
                    let i = rng.draw(&pop_cdf) as u32;
                    if !basket.contains(&i) {
                        basket.push(i);
                    }
                }
            }
            baskets.push(basket.clone());
        }
        Transactions::from_indices(names, &baskets)
    }
}
