//! Content-based recommendations from product descriptions (TF-IDF, Salton & Buckley 1988).
//!
//! Descriptions are split into lower-case alphanumeric words of at least two characters. With
//! `tf(w, i)` the count of word `w` in item `i`'s description, `df(w)` the number of items whose
//! description holds `w` and `n` the number of items, an item's vector is
//!
//! ```text
//! v_i[w] = tf(w, i) · (ln((1 + n) / (1 + df(w))) + 1)        then  v_i ← v_i / ‖v_i‖₂
//! ```
//!
//! (scikit-learn's `TfidfVectorizer` defaults: smooth idf, l2 norm). A customer's profile is the
//! sum of the vectors of the items she bought, and `score(i) = v_i · profile / ‖profile‖`, the
//! cosine between the item and the profile. Items without a description score 0.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::recommender::Recommender;

/// A fitted TF-IDF content model. Serialisable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContentModel {
    /// Per item, `(word index, weight)` of its l2-normalised TF-IDF vector.
    pub vectors: Vec<Vec<(u32, f64)>>,
    /// The vocabulary, by word index.
    pub vocabulary: Vec<String>,
    /// Per word, the items whose vector holds it (the inverted index).
    postings: Vec<Vec<(u32, f64)>>,
}

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
}

impl ContentModel {
    /// Builds the TF-IDF vectors of the items' descriptions (`None` or empty: no vector).
    ///
    /// # Errors
    /// [`Error::Empty`] when no description holds a word.
    ///
    /// # Examples
    /// ```
    /// use custalyze_recommend::{ContentModel, Recommender};
    /// let m = ContentModel::fit(&[Some("PINK REGENCY TEAPOT"), Some("PINK REGENCY MUG"), Some("BLUE BALLOON")])?;
    /// assert_eq!(m.recommend(&[0], 1)?[0].item, 1);
    /// # Ok::<(), custalyze_recommend::Error>(())
    /// ```
    pub fn fit(descriptions: &[Option<&str>]) -> Result<Self> {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let counts: Vec<Vec<(u32, f64)>> = descriptions
            .iter()
            .map(|d| {
                let mut tf: HashMap<u32, f64> = HashMap::new();
                for w in d.map(tokens).into_iter().flatten() {
                    let id = *vocab.entry(w.clone()).or_insert_with(|| {
                        words.push(w);
                        (words.len() - 1) as u32
                    });
                    *tf.entry(id).or_insert(0.0) += 1.0;
                }
                let mut v: Vec<(u32, f64)> = tf.into_iter().collect();
                v.sort_by_key(|p| p.0);
                v
            })
            .collect();
        if words.is_empty() {
            return Err(Error::Empty("no product description holds a word".into()));
        }
        let n = descriptions.len() as f64;
        let mut df = vec![0.0f64; words.len()];
        for v in &counts {
            for &(w, _) in v {
                df[w as usize] += 1.0;
            }
        }
        let idf: Vec<f64> = df
            .iter()
            .map(|d| ((1.0 + n) / (1.0 + d)).ln() + 1.0)
            .collect();
        let mut postings = vec![Vec::new(); words.len()];
        let vectors: Vec<Vec<(u32, f64)>> = counts
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let mut v: Vec<(u32, f64)> = v
                    .into_iter()
                    .map(|(w, c)| (w, c * idf[w as usize]))
                    .collect();
                let norm = v.iter().map(|p| p.1 * p.1).sum::<f64>().sqrt();
                if norm > 0.0 {
                    v.iter_mut().for_each(|p| p.1 /= norm);
                }
                for &(w, x) in &v {
                    postings[w as usize].push((i as u32, x));
                }
                v
            })
            .collect();
        Ok(Self {
            vectors,
            vocabulary: words,
            postings,
        })
    }
}

impl Recommender for ContentModel {
    fn n_items(&self) -> usize {
        self.vectors.len()
    }

    fn score_into(&self, history: &[u32], scores: &mut [f64]) {
        let mut profile: HashMap<u32, f64> = HashMap::new();
        for &j in history {
            for &(w, x) in self.vectors.get(j as usize).map_or(&[][..], Vec::as_slice) {
                *profile.entry(w).or_insert(0.0) += x;
            }
        }
        let norm = profile.values().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return;
        }
        for (w, x) in profile {
            for &(i, y) in &self.postings[w as usize] {
                scores[i as usize] += x * y / norm;
            }
        }
    }
}
