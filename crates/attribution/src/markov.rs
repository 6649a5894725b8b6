//! Markov-chain attribution by removal effects, computed exactly (Anderl, Becker, von
//! Wangenheim & Schumann 2016, "Mapping the customer journey: Lessons learned from graph-based
//! online attribution modeling", *IJRM* 33(3)).
//!
//! Every journey is a walk `start → s₁ → … → sₙ → conversion | null`. In a chain of order `k`
//! a state is the last (up to) `k` channels touched, so a journey's first states are shorter.
//! Transition probabilities are the observed transition counts over each state's total. With
//! `Q` the transitions among transient states and `r` the one-step probabilities of
//! conversion, the probability of converting from each state solves the absorbing-chain system
//!
//! ```text
//! (I − Q) x = r,     P(conversion) = x_start
//! ```
//!
//! Removing channel `c` sends every transition into a state that contains `c` to null; the
//! removal effect is `RE_c = 1 − x_start^(−c) / x_start`, and channel `c` is credited
//! `conversions × RE_c / Σ_d RE_d` (the same share of the value). The system is solved with an
//! LU decomposition (faer) up to [`DENSE_STATES`] states and by Gauss-Seidel to `1e-14` beyond
//! (the chain is absorbing, so the iteration converges), within [`WORK_BUDGET`]; ChannelAttribution estimates the same
//! quantities by simulating walks.

use std::collections::HashMap;

use faer::Mat;
use faer::linalg::solvers::Solve;
use rayon::prelude::*;

use crate::error::{Error, Result, invalid};
use crate::journeys::Journeys;

/// States up to which the absorbing system is solved by dense LU.
pub const DENSE_STATES: usize = 1_500;
/// The most states a chain may have.
pub const MAX_STATES: usize = 2_000_000;
/// The floating-point work one attribution may take (about a minute on two cores): the dense
/// solves cost `n³/3` each and a Gauss-Seidel sweep the number of transitions; there is one
/// solve per channel plus one. A chain over the budget is refused up front, and a Gauss-Seidel
/// solve that has not converged within its share of it is an error, so no input can make the
/// attribution run for hours.
pub const WORK_BUDGET: f64 = 4e10;

/// The fitted chain and the removal effects.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MarkovAttribution {
    /// The order of the chain.
    pub order: usize,
    /// Transient states (the start state included).
    pub states: usize,
    /// `P(conversion)` from the start state.
    pub conversion_probability: f64,
    /// Removal effect per channel.
    pub removal_effects: Vec<f64>,
    /// Removal effect per channel on the expected conversion value (the value is split by
    /// these, as ChannelAttribution does).
    pub value_removal_effects: Vec<f64>,
    /// Conversions credited per channel.
    pub conversions: Vec<f64>,
    /// Value credited per channel.
    pub value: Vec<f64>,
}

/// The chain: sparse transitions between transient states (0 is the start), with the
/// probabilities of converting and of ending null in one step.
struct Chain {
    /// Channels of each state.
    labels: Vec<Vec<u16>>,
    /// Per state: (target, probability).
    next: Vec<Vec<(usize, f64)>>,
    conversion: Vec<f64>,
    /// Per state: the conversion value ending there over the state's total count (the one-step
    /// expected value of the walk).
    value: Vec<f64>,
}

fn build_chain(journeys: &Journeys, order: usize) -> Result<Chain> {
    let mut ids: HashMap<Vec<u16>, usize> = HashMap::new();
    ids.insert(Vec::new(), 0);
    let mut labels: Vec<Vec<u16>> = vec![Vec::new()];
    let mut counts: Vec<HashMap<usize, f64>> = vec![HashMap::new()];
    let mut conv: Vec<f64> = vec![0.0];
    let mut val: Vec<f64> = vec![0.0];
    let mut total: Vec<f64> = vec![0.0];
    for j in &journeys.journeys {
        let mut state = 0usize;
        for i in 0..j.channels.len() {
            let lo = (i + 1).saturating_sub(order);
            let key = &j.channels[lo..=i];
            let next = match ids.get(key) {
                Some(&s) => s,
                None => {
                    if labels.len() >= MAX_STATES {
                        return Err(Error::TooManyStates {
                            states: labels.len() + 1,
                            order,
                            limit: MAX_STATES,
                        });
                    }
                    let s = labels.len();
                    ids.insert(key.to_vec(), s);
                    labels.push(key.to_vec());
                    counts.push(HashMap::new());
                    conv.push(0.0);
                    val.push(0.0);
                    total.push(0.0);
                    s
                }
            };
            *counts[state].entry(next).or_default() += 1.0;
            total[state] += 1.0;
            state = next;
        }
        total[state] += 1.0;
        if j.converted {
            conv[state] += 1.0;
            val[state] += j.value;
        }
    }
    let next = counts
        .into_iter()
        .enumerate()
        .map(|(s, m)| {
            let mut v: Vec<(usize, f64)> = m
                .into_iter()
                .map(|(t, n)| (t, n / total[s].max(1.0)))
                .collect();
            v.sort_by_key(|e| e.0);
            v
        })
        .collect();
    let per_visit = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .zip(&total)
            .map(|(c, t)| if *t > 0.0 { c / t } else { 0.0 })
            .collect()
    };
    Ok(Chain {
        labels,
        next,
        conversion: per_visit(&conv),
        value: per_visit(&val),
    })
}

impl Chain {
    /// `P(conversion)` and the expected conversion value from the start, with the states in
    /// `removed` sent to null.
    fn absorption(&self, removed: &[bool], dense: bool, max_sweeps: usize) -> Result<(f64, f64)> {
        let n = self.labels.len();
        let rhs = |i: usize, k: usize| {
            if removed[i] {
                0.0
            } else if k == 0 {
                self.conversion[i]
            } else {
                self.value[i]
            }
        };
        if dense {
            let mut a = Mat::<f64>::identity(n, n);
            for i in (0..n).filter(|&i| !removed[i]) {
                for &(j, p) in &self.next[i] {
                    if !removed[j] {
                        a[(i, j)] -= p;
                    }
                }
            }
            let b = Mat::<f64>::from_fn(n, 2, rhs);
            let x = a.partial_piv_lu().solve(&b);
            return Ok((x[(0, 0)], x[(0, 1)]));
        }
        // Gauss-Seidel on x = r + Q x, both right-hand sides at once.
        let mut x: Vec<[f64; 2]> = (0..n).map(|i| [rhs(i, 0), rhs(i, 1)]).collect();
        for _ in 0..max_sweeps {
            let mut change: f64 = 0.0;
            for i in 0..n {
                if removed[i] {
                    continue;
                }
                let mut v = [self.conversion[i], self.value[i]];
                for &(t, p) in &self.next[i] {
                    if !removed[t] {
                        v[0] += p * x[t][0];
                        v[1] += p * x[t][1];
                    }
                }
                let scale = x[i][1].abs().max(1.0);
                change = change
                    .max((v[0] - x[i][0]).abs())
                    .max((v[1] - x[i][1]).abs() / scale);
                x[i] = v;
            }
            if change < 1e-14 {
                return Ok((x[0][0], x[0][1]));
            }
        }
        Err(Error::NotConverged {
            sweeps: max_sweeps,
            states: n,
        })
    }
}

/// Removal-effect attribution with a chain of order 1 to 3.
///
/// # Errors
/// [`Error::InvalidParameter`] for an order outside 1..=3; [`Error::TooManyStates`] beyond
/// [`MAX_STATES`] or when the chain would take more than [`WORK_BUDGET`] to solve;
/// [`Error::NotConverged`] when Gauss-Seidel does not converge within its share of the budget.
pub fn markov(journeys: &Journeys, order: usize) -> Result<MarkovAttribution> {
    if !(1..=3).contains(&order) {
        return Err(invalid("order", order, "1, 2 or 3"));
    }
    let chain = build_chain(journeys, order)?;
    let n = chain.labels.len();
    let channels = journeys.channels.len();
    let solves = (channels + 1) as f64;
    let dense = n <= DENSE_STATES && solves * (n as f64).powi(3) / 3.0 <= WORK_BUDGET;
    let transitions: usize = chain.next.iter().map(Vec::len).sum::<usize>() + n;
    let max_sweeps = (WORK_BUDGET / (solves * transitions as f64)).min(10_000.0) as usize;
    if !dense && max_sweeps < 50 {
        return Err(Error::TooManyStates {
            states: n,
            order,
            limit: (WORK_BUDGET / (solves * 50.0 * (transitions as f64 / n as f64))) as usize,
        });
    }
    let (base, base_value) = chain.absorption(&vec![false; n], dense, max_sweeps)?;
    let effects: Vec<(f64, f64)> = (0..channels)
        .into_par_iter()
        .map(|c| -> Result<(f64, f64)> {
            let removed: Vec<bool> = chain
                .labels
                .iter()
                .map(|l| l.contains(&(c as u16)))
                .collect();
            let (p, v) = chain.absorption(&removed, dense, max_sweeps)?;
            let effect = |without: f64, with: f64| {
                if with > 0.0 {
                    (1.0 - without / with).max(0.0)
                } else {
                    0.0
                }
            };
            Ok((effect(p, base), effect(v, base_value)))
        })
        .collect::<Result<_>>()?;
    let (conversions, value) = journeys.totals();
    let split = |total: f64, re: &[f64]| -> Vec<f64> {
        let sum: f64 = re.iter().sum();
        re.iter()
            .map(|&r| if sum > 0.0 { total * r / sum } else { 0.0 })
            .collect()
    };
    let removal_effects: Vec<f64> = effects.iter().map(|e| e.0).collect();
    let value_effects: Vec<f64> = effects.iter().map(|e| e.1).collect();
    Ok(MarkovAttribution {
        order,
        states: n,
        conversion_probability: base,
        conversions: split(conversions, &removal_effects),
        value: split(value, &value_effects),
        removal_effects,
        value_removal_effects: value_effects,
    })
}
