//! The attribution models and their per-channel results.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Error, Result, invalid};
use crate::journeys::Journeys;
use crate::markov::markov;

/// The most distinct channels in one journey for Shapley values (2^n coalitions each).
pub const MAX_SHAPLEY_CHANNELS: usize = 16;

/// An attribution model.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Model {
    /// All credit to the first touch.
    FirstTouch,
    /// All credit to the last touch.
    LastTouch,
    /// Equal credit to every touch (repeats count; ChannelAttribution's `linear_touch`).
    Linear,
    /// Credit `∝ 2^(−d/h)` for a touch `d` days before the conversion, half-life `h` days.
    TimeDecay {
        /// The half-life in days.
        half_life_days: f64,
    },
    /// 40% to the first touch, 40% to the last, 20% shared by those between (one touch: all;
    /// two: half each).
    PositionBased,
    /// Markov-chain removal effects of the given order (1 to 3).
    Markov {
        /// The chain's order.
        order: usize,
    },
    /// Shapley values of channel sets by conversion rate, per conversion.
    Shapley,
}

impl Model {
    /// The name written in files: `first_touch`, `time_decay`, `markov_2`, ...
    pub fn name(&self) -> String {
        match self {
            Model::FirstTouch => "first_touch".into(),
            Model::LastTouch => "last_touch".into(),
            Model::Linear => "linear".into(),
            Model::TimeDecay { .. } => "time_decay".into(),
            Model::PositionBased => "position_based".into(),
            Model::Markov { order } => format!("markov_{order}"),
            Model::Shapley => "shapley".into(),
        }
    }

    /// Every model with the defaults: 7-day half-life, Markov orders 1 to 3.
    pub fn all() -> Vec<Model> {
        vec![
            Model::FirstTouch,
            Model::LastTouch,
            Model::Linear,
            Model::TimeDecay {
                half_life_days: 7.0,
            },
            Model::PositionBased,
            Model::Markov { order: 1 },
            Model::Markov { order: 2 },
            Model::Markov { order: 3 },
            Model::Shapley,
        ]
    }
}

/// One channel's result under one model.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChannelResult {
    /// The channel.
    pub channel: String,
    /// The model's name ([`Model::name`]).
    pub model: String,
    /// Conversions credited.
    pub conversions: f64,
    /// Value credited.
    pub revenue: f64,
    /// Share of the attributed conversions.
    pub share: f64,
    /// The channel's cost (with a cost column).
    pub cost: Option<f64>,
    /// `(revenue − cost) / cost` (with a positive cost).
    pub roi: Option<f64>,
    /// Cost per credited conversion.
    pub cost_per_acquisition: Option<f64>,
}

/// Credits per channel: (conversions, value).
type Credits = (Vec<f64>, Vec<f64>);

/// Heuristic credits: each converting journey's weights over its touches, normalised to 1.
fn heuristic(journeys: &Journeys, weights: impl Fn(&[f64]) -> Vec<f64> + Sync) -> Credits {
    let k = journeys.channels.len();
    let add = |mut acc: Credits, j: &crate::journeys::Journey| {
        let w = weights(&j.days_before_end);
        let total: f64 = w.iter().sum();
        if total > 0.0 {
            for (&c, &wi) in j.channels.iter().zip(&w) {
                acc.0[c as usize] += wi / total;
                acc.1[c as usize] += j.value * wi / total;
            }
        }
        acc
    };
    journeys
        .journeys
        .par_iter()
        .filter(|j| j.converted)
        .fold(|| (vec![0.0; k], vec![0.0; k]), add)
        .reduce(
            || (vec![0.0; k], vec![0.0; k]),
            |mut a, b| {
                for i in 0..k {
                    a.0[i] += b.0[i];
                    a.1[i] += b.1[i];
                }
                a
            },
        )
}

/// Shapley credits. For a converting journey with channel set `T`, the game on the subsets of
/// `T` has worth `v(S)` = the conversion rate of the journeys whose channel set is exactly `S`
/// (0 for sets never observed, and for the empty set); the journey's conversion is split in
/// proportion to the channels' Shapley values
/// `φ_c = Σ_{S ⊆ T∖c} |S|! (|T|−|S|−1)! / |T|! · (v(S ∪ c) − v(S))`, negative values taken as 0
/// (and an equal split when every value is 0). So the credits sum to the conversions.
fn shapley(journeys: &Journeys) -> Result<Credits> {
    let k = journeys.channels.len();
    // Conversion rate by channel set (a sorted, deduplicated channel list).
    let mut by_set: HashMap<Vec<u16>, (f64, f64, f64)> = HashMap::new();
    for j in &journeys.journeys {
        let mut set = j.channels.clone();
        set.sort_unstable();
        set.dedup();
        let e = by_set.entry(set).or_default();
        e.0 += 1.0;
        if j.converted {
            e.1 += 1.0;
            e.2 += j.value;
        }
    }
    let rate: HashMap<&[u16], f64> = by_set
        .iter()
        .map(|(s, (n, c, _))| (s.as_slice(), c / n))
        .collect();
    // (channel set, conversions, value) of the sets that converted.
    let mut sets: Vec<(&[u16], f64, f64)> = by_set
        .iter()
        .filter(|(_, e)| e.1 > 0.0)
        .map(|(s, e)| (s.as_slice(), e.1, e.2))
        .collect();
    // A fixed order, so the credits add up the same way on every run.
    sets.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if let Some((s, _, _)) = sets.iter().find(|(s, _, _)| s.len() > MAX_SHAPLEY_CHANNELS) {
        return Err(Error::TooManyChannels {
            channels: s.len(),
            limit: MAX_SHAPLEY_CHANNELS,
        });
    }
    let credits: Vec<Vec<(u16, f64, f64)>> = sets
        .par_iter()
        .map(|&(set, conversions, value)| {
            let n = set.len();
            let worth = |mask: usize| -> f64 {
                if mask == 0 {
                    return 0.0;
                }
                let s: Vec<u16> = (0..n)
                    .filter(|b| mask >> b & 1 == 1)
                    .map(|b| set[b])
                    .collect();
                rate.get(s.as_slice()).copied().unwrap_or(0.0)
            };
            let worths: Vec<f64> = (0..1usize << n).map(worth).collect();
            // w(s) = s! (n − s − 1)! / n!
            let mut fact = vec![1.0f64; n + 1];
            for i in 1..=n {
                fact[i] = fact[i - 1] * i as f64;
            }
            let phi: Vec<f64> = (0..n)
                .map(|c| {
                    let bit = 1usize << c;
                    (0..1usize << n)
                        .filter(|m| m & bit == 0)
                        .map(|m| {
                            let s = m.count_ones() as usize;
                            fact[s] * fact[n - s - 1] / fact[n] * (worths[m | bit] - worths[m])
                        })
                        .sum::<f64>()
                        .max(0.0)
                })
                .collect();
            let total: f64 = phi.iter().sum();
            (0..n)
                .map(|c| {
                    let share = if total > 0.0 {
                        phi[c] / total
                    } else {
                        1.0 / n as f64
                    };
                    (set[c], conversions * share, value * share)
                })
                .collect()
        })
        .collect();
    let mut out = (vec![0.0; k], vec![0.0; k]);
    for v in credits {
        for (c, n, val) in v {
            out.0[c as usize] += n;
            out.1[c as usize] += val;
        }
    }
    Ok(out)
}

/// Credits of one model.
///
/// # Errors
/// [`Error::InvalidParameter`] for a half-life that is not finite and positive or a Markov
/// order outside 1..=3; [`Error::TooManyStates`], [`Error::TooManyChannels`].
pub fn credits(journeys: &Journeys, model: Model) -> Result<(Vec<f64>, Vec<f64>)> {
    Ok(match model {
        Model::FirstTouch => heuristic(journeys, |d| {
            let mut w = vec![0.0; d.len()];
            w[0] = 1.0;
            w
        }),
        Model::LastTouch => heuristic(journeys, |d| {
            let mut w = vec![0.0; d.len()];
            w[d.len() - 1] = 1.0;
            w
        }),
        Model::Linear => heuristic(journeys, |d| vec![1.0; d.len()]),
        Model::TimeDecay { half_life_days } => {
            if !(half_life_days.is_finite() && half_life_days > 0.0) {
                return Err(invalid(
                    "half_life_days",
                    half_life_days,
                    "a finite number of days above 0",
                ));
            }
            heuristic(journeys, move |d| {
                d.iter().map(|&x| (-x / half_life_days).exp2()).collect()
            })
        }
        Model::PositionBased => heuristic(journeys, |d| match d.len() {
            1 => vec![1.0],
            2 => vec![0.5, 0.5],
            n => {
                let mut w = vec![0.2 / (n - 2) as f64; n];
                w[0] = 0.4;
                w[n - 1] = 0.4;
                w
            }
        }),
        Model::Markov { order } => {
            let m = markov(journeys, order)?;
            (m.conversions, m.value)
        }
        Model::Shapley => shapley(journeys)?,
    })
}

/// Per-channel results of `models`, channels in their order, models in the given order.
///
/// # Errors
/// As [`credits`].
pub fn attribute(journeys: &Journeys, models: &[Model]) -> Result<Vec<ChannelResult>> {
    let mut out = Vec::new();
    for &model in models {
        let (conv, value) = credits(journeys, model)?;
        let total: f64 = conv.iter().sum();
        for (c, name) in journeys.channels.iter().enumerate() {
            let cost = journeys.costs.as_ref().map(|v| v[c]);
            out.push(ChannelResult {
                channel: name.clone(),
                model: model.name(),
                conversions: conv[c],
                revenue: value[c],
                share: if total > 0.0 { conv[c] / total } else { 0.0 },
                cost,
                roi: cost.filter(|&x| x > 0.0).map(|x| (value[c] - x) / x),
                cost_per_acquisition: cost.filter(|_| conv[c] > 0.0).map(|x| x / conv[c]),
            });
        }
    }
    Ok(out)
}

/// The columns of [`write_results`] (the last three only with costs).
pub const RESULT_COLUMNS: [&str; 8] = [
    "channel",
    "model",
    "conversions",
    "revenue",
    "share",
    "cost",
    "roi",
    "cost_per_acquisition",
];

/// Writes one row per channel and model with the columns [`RESULT_COLUMNS`] (`with_costs`
/// false: the first five): conversions to 4 decimals, revenue to cents, share to 6 decimals,
/// empty cells where a value does not exist.
///
/// # Errors
/// [`Error::Csv`] when writing fails.
pub fn write_results<'a, W: std::io::Write>(
    results: impl IntoIterator<Item = &'a ChannelResult>,
    with_costs: bool,
    out: W,
) -> Result<()> {
    let width = if with_costs { 8 } else { 5 };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&RESULT_COLUMNS[..width])?;
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
    for r in results {
        let row = [
            r.channel.clone(),
            r.model.clone(),
            format!("{:.4}", r.conversions),
            format!("{:.2}", r.revenue),
            format!("{:.6}", r.share),
            opt(r.cost),
            opt(r.roi),
            opt(r.cost_per_acquisition),
        ];
        w.write_record(&row[..width])?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}
