//! Best sellers: items ranked by how many customers bought them.

use crate::error::Result;
use crate::interactions::Interactions;
use crate::recommender::Recommender;

/// The popularity baseline: score of an item = number of distinct customers who bought it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Popularity {
    /// Distinct buyers per item.
    pub buyers: Vec<u32>,
}

impl Popularity {
    /// Counts buyers per item.
    ///
    /// # Errors
    /// None today; `Result` keeps the signature of the other fitters.
    pub fn fit(data: &Interactions) -> Result<Self> {
        Ok(Self {
            buyers: data.item_counts(),
        })
    }
}

impl Recommender for Popularity {
    fn n_items(&self) -> usize {
        self.buyers.len()
    }

    fn score_into(&self, _history: &[u32], scores: &mut [f64]) {
        for (s, &b) in scores.iter_mut().zip(&self.buyers) {
            *s += f64::from(b);
        }
    }
}
