//! The [`Recommender`] trait and top-k selection that leaves out what the customer bought.

use crate::error::{Error, Result};

/// One recommended item.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recommendation {
    /// Item index (into the catalogue the model was fitted on).
    pub item: u32,
    /// The model's score (larger is better; scales differ between models).
    pub score: f64,
}

/// A model that scores every item for a customer's purchase history.
pub trait Recommender: Send + Sync {
    /// Catalogue size.
    fn n_items(&self) -> usize;

    /// Adds the model's score of every item to `scores` (length [`Recommender::n_items`]) for a
    /// customer who bought `history` (item indices, distinct). Items the model has nothing to say
    /// about keep 0.
    fn score_into(&self, history: &[u32], scores: &mut [f64]);

    /// The `k` best items with a positive score that are not in `history`, best first (ties by
    /// item index).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k == 0`; [`Error::UnknownItem`] for a history item outside
    /// the catalogue.
    fn recommend(&self, history: &[u32], k: usize) -> Result<Vec<Recommendation>> {
        check_history(history, self.n_items(), k)?;
        let mut scores = vec![0.0; self.n_items()];
        self.score_into(history, &mut scores);
        Ok(top_k(&scores, history, k))
    }
}

pub(crate) fn check_history(history: &[u32], n_items: usize, k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("k", "0", "must be at least 1"),
        ));
    }
    if let Some(&bad) = history.iter().find(|&&i| i as usize >= n_items) {
        return Err(Error::UnknownItem {
            item: bad,
            items: n_items,
        });
    }
    Ok(())
}

/// Top `k` positive, finite scores outside `exclude`, by decreasing score then item index.
pub(crate) fn top_k(scores: &[f64], exclude: &[u32], k: usize) -> Vec<Recommendation> {
    let mut skip = vec![false; scores.len()];
    for &i in exclude {
        if let Some(s) = skip.get_mut(i as usize) {
            *s = true;
        }
    }
    let mut cand: Vec<Recommendation> = scores
        .iter()
        .enumerate()
        .filter(|&(i, &s)| !skip[i] && s > 0.0 && s.is_finite())
        .map(|(i, &s)| Recommendation {
            item: i as u32,
            score: s,
        })
        .collect();
    let by = |a: &Recommendation, b: &Recommendation| {
        b.score.total_cmp(&a.score).then(a.item.cmp(&b.item))
    };
    if cand.len() > k {
        cand.select_nth_unstable_by(k - 1, by);
        cand.truncate(k);
    }
    cand.sort_by(by);
    cand
}
