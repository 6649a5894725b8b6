//! A decision tree and a random forest for churn, grown with linfa-trees.
//!
//! Each tree is grown by `linfa_trees::DecisionTree` (CART with Gini impurity, Breiman et al.
//! 1984) on a training set and then stored here as a flat array of nodes whose leaves hold the
//! weighted share of churners among the training rows that reach them, so a model gives a churn
//! *probability*, not only a class, and serialises without linfa types.
//!
//! The random forest (Breiman 2001) bags `n_trees` trees: tree `t` draws a bootstrap sample of
//! the rows and a random subset of `⌈f·p⌉` of the `p` features (default `f = √p / p`) from its own
//! ChaCha8 stream seeded with `(seed, t)`, so the forest is the same for a given seed whatever the
//! number of threads. linfa-trees does not expose per-split feature sampling, so the feature
//! subsampling is per tree (the random-subspace method of Ho 1998) rather than per split; the
//! forest's churn probability is the mean of its trees' leaf probabilities, as scikit-learn's
//! `RandomForestClassifier.predict_proba`.
//!
//! **Class weights.** With [`ClassWeight::Balanced`] every row of class `c` weighs
//! `n / (2 n_c)` (scikit-learn's `class_weight="balanced"`), passed to linfa-trees as sample
//! weights; impurities, leaf sizes and leaf probabilities are all weighted. Probabilities are then
//! on the balanced scale: they rank customers correctly but overstate churn when churners are the
//! minority (and understate it when they are the majority).
//!
//! **Feature importance** is the weighted impurity decrease
//! `W_node G_node - W_left G_left - W_right G_right` (Gini `G = 2p(1-p)`) summed per feature,
//! normalised to sum to 1 in each tree, averaged over trees and normalised again, as
//! scikit-learn's `feature_importances_`.

use linfa::prelude::*;
use linfa_trees::{DecisionTree, SplitQuality, TreeNode};
use ndarray::{Array1, Array2, ArrayView2};
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{Error, Result};

/// How rows of the two classes are weighted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClassWeight {
    /// Every row weighs 1.
    None,
    /// Row of class `c` weighs `n / (2 n_c)` (the default).
    #[default]
    Balanced,
}

/// A random forest (or a single CART decision tree) of churn classifiers: [`Forest::params`]
/// starts the builder, `check()` gives [`ValidForestParams`], `fit(x, y)` a [`FittedForest`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Forest;

impl Forest {
    /// The random-forest defaults (see [`ForestParams`]).
    pub fn params() -> ForestParams {
        ForestParams::random_forest()
    }

    /// A single CART decision tree on all rows and features (see [`ForestParams`]).
    pub fn decision_tree() -> ForestParams {
        ForestParams::decision_tree()
    }
}

/// Hyperparameters of a random forest or a single decision tree (unchecked;
/// [`ForestParams::check`] validates them).
///
/// Defaults of [`Forest::params`]: 100 trees, depth 8, leaves of weight ≥ 5,
/// `√p` features per tree, bootstrap on, balanced class weights, seed 42.
/// [`Forest::decision_tree`]: one tree on all rows and features, depth 6, leaves ≥ 20.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ForestParams {
    /// Number of trees (≥ 1).
    n_trees: usize,
    /// Maximum depth (`None`: unlimited).
    max_depth: Option<usize>,
    /// Minimum total sample weight in a leaf (> 0).
    min_weight_leaf: f64,
    /// Share of features given to each tree, in `(0, 1]` (`None`: `√p / p`).
    feature_fraction: Option<f64>,
    /// Whether each tree sees a bootstrap sample (else all rows).
    bootstrap: bool,
    /// Class weights.
    class_weight: ClassWeight,
    /// Seed of the bootstrap and feature draws.
    seed: u64,
}

/// Checked forest settings, from [`ForestParams::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValidForestParams(ForestParams);

impl ValidForestParams {
    /// The settings.
    pub fn params(&self) -> &ForestParams {
        &self.0
    }

    /// Fits on features `x` (rows = customers) and labels `y` (`true` = churned).
    ///
    /// # Errors
    /// As [`ForestParams::fit`].
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<FittedForest> {
        self.0.fit_checked(x, y)
    }
}

impl Default for ForestParams {
    fn default() -> Self {
        Self::random_forest()
    }
}

impl ForestParams {
    /// The random-forest defaults.
    pub(crate) fn random_forest() -> Self {
        Self {
            n_trees: 100,
            max_depth: Some(8),
            min_weight_leaf: 5.0,
            feature_fraction: None,
            bootstrap: true,
            class_weight: ClassWeight::Balanced,
            seed: 42,
        }
    }

    /// A single CART decision tree on all rows and features.
    pub(crate) fn decision_tree() -> Self {
        Self {
            n_trees: 1,
            max_depth: Some(6),
            min_weight_leaf: 20.0,
            feature_fraction: Some(1.0),
            bootstrap: false,
            class_weight: ClassWeight::Balanced,
            seed: 42,
        }
    }

    /// Sets the number of trees.
    #[must_use]
    pub fn n_trees(mut self, n: usize) -> Self {
        self.n_trees = n;
        self
    }

    /// Sets the maximum depth.
    #[must_use]
    pub fn max_depth(mut self, depth: Option<usize>) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets the minimum leaf weight.
    #[must_use]
    pub fn min_weight_leaf(mut self, w: f64) -> Self {
        self.min_weight_leaf = w;
        self
    }

    /// Sets the share of features per tree.
    #[must_use]
    pub fn feature_fraction(mut self, f: Option<f64>) -> Self {
        self.feature_fraction = f;
        self
    }

    /// Turns bootstrap sampling on or off.
    #[must_use]
    pub fn bootstrap(mut self, yes: bool) -> Self {
        self.bootstrap = yes;
        self
    }

    /// Sets the class weights.
    #[must_use]
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.class_weight = w;
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `n_trees == 0`, `max_depth == Some(0)`, a leaf weight that
    /// is not finite and positive, or a feature fraction outside `(0, 1]`.
    pub fn check(&self) -> Result<ValidForestParams> {
        self.validate()?;
        Ok(ValidForestParams(*self))
    }

    /// The number of trees.
    pub fn trees(&self) -> usize {
        self.n_trees
    }

    fn validate(&self) -> Result<()> {
        if self.n_trees == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("n_trees", "0", "must be at least 1"),
            ));
        }
        if self.max_depth == Some(0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "max_depth",
                    "0",
                    "must be at least 1 (or None)",
                ),
            ));
        }
        if !(self.min_weight_leaf.is_finite() && self.min_weight_leaf > 0.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "min_weight_leaf",
                    self.min_weight_leaf,
                    "must be finite and > 0",
                ),
            ));
        }
        if let Some(f) = self.feature_fraction
            && !(f > 0.0 && f <= 1.0)
        {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("feature_fraction", f, "must be in (0, 1]"),
            ));
        }
        Ok(())
    }

    /// Fits on features `x` (rows = customers) and labels `y` (`true` = churned).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] as [`ForestParams::check`]; [`Error::InvalidInput`] for a row
    /// count different from `y`, no feature column or a non-finite feature; [`Error::OneClass`]
    /// when `y` holds one class; [`Error::Tree`] when linfa-trees fails.
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<FittedForest> {
        self.check()?.fit(x, y)
    }

    fn fit_checked(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<FittedForest> {
        let (n, p) = x.dim();
        if n != y.len() || p == 0 {
            return Err(Error::InvalidInput(format!(
                "{n} feature rows with {p} columns but {} labels",
                y.len()
            )));
        }
        if let Some(((i, j), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::InvalidInput(format!(
                "feature ({i}, {j}) is not finite ({v})"
            )));
        }
        let pos = y.iter().filter(|&&l| l).count();
        if pos == 0 || pos == n {
            return Err(Error::OneClass {
                what: "the training labels",
                label: pos > 0,
            });
        }
        let (w_pos, w_neg) = match self.class_weight {
            ClassWeight::None => (1.0, 1.0),
            ClassWeight::Balanced => (
                n as f64 / (2.0 * pos as f64),
                n as f64 / (2.0 * (n - pos) as f64),
            ),
        };
        // linfa-trees prunes sibling leaves that predict the same modal class, and breaks a tie
        // between two classes of equal weight in a node by HashMap order, which changes from run
        // to run. A relative nudge of 1e-4 on the churner weight makes exact ties practically
        // impossible (they would need class weights in the ratio 1 + 1e-4), so the same seed
        // grows the same trees.
        let w_pos = w_pos * (1.0 + 1e-4);
        let weights: Vec<f64> = y.iter().map(|&l| if l { w_pos } else { w_neg }).collect();
        let fraction = self
            .feature_fraction
            .unwrap_or_else(|| (p as f64).sqrt() / p as f64);
        let per_tree = ((fraction * p as f64).ceil() as usize).clamp(1, p);
        let trees = (0..self.n_trees)
            .into_par_iter()
            .map(|t| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                rng.set_stream(t as u64);
                let rows: Vec<usize> = if self.bootstrap {
                    (0..n).map(|_| rng.random_range(0..n)).collect()
                } else {
                    (0..n).collect()
                };
                let mut cols: Vec<usize> = if per_tree == p {
                    (0..p).collect()
                } else {
                    sample(&mut rng, p, per_tree).into_vec()
                };
                cols.sort_unstable();
                self.grow(x, y, &weights, &rows, &cols)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut importance = vec![0.0; p];
        for tree in &trees {
            let total: f64 = tree.importance.iter().sum();
            if total > 0.0 {
                for (acc, v) in importance.iter_mut().zip(&tree.importance) {
                    *acc += v / total;
                }
            }
        }
        let total: f64 = importance.iter().sum();
        if total > 0.0 {
            importance.iter_mut().for_each(|v| *v /= total);
        }
        Ok(FittedForest {
            params: *self,
            n_features: p,
            trees: trees.into_iter().map(|t| t.nodes).collect(),
            feature_importance: importance,
        })
    }

    fn grow(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        weights: &[f64],
        rows: &[usize],
        cols: &[usize],
    ) -> Result<Grown> {
        let sub = Array2::from_shape_fn((rows.len(), cols.len()), |(i, j)| x[(rows[i], cols[j])]);
        let targets: Array1<usize> = rows.iter().map(|&r| usize::from(y[r])).collect();
        let w: Array1<f32> = rows.iter().map(|&r| weights[r] as f32).collect();
        let dataset = Dataset::new(sub.clone(), targets).with_weights(w);
        let leaf = self.min_weight_leaf as f32;
        let tree = DecisionTree::<f64, usize>::params()
            .split_quality(SplitQuality::Gini)
            .max_depth(self.max_depth)
            .min_weight_leaf(leaf)
            .min_weight_split(2.0 * leaf)
            .fit(&dataset)
            .map_err(Error::Tree)?;
        let mut grown = Grown {
            nodes: Vec::new(),
            importance: vec![0.0; x.ncols()],
        };
        let local: Vec<usize> = (0..rows.len()).collect();
        let ctx = Ctx {
            sub: &sub,
            y: rows.iter().map(|&r| y[r]).collect(),
            w: rows.iter().map(|&r| weights[r]).collect(),
            cols,
        };
        convert(tree.root_node(), &local, &ctx, &mut grown);
        Ok(grown)
    }
}

struct Ctx<'a> {
    sub: &'a Array2<f64>,
    y: Vec<bool>,
    w: Vec<f64>,
    cols: &'a [usize],
}

struct Grown {
    nodes: Vec<Node>,
    importance: Vec<f64>,
}

/// (total weight, churn share, weighted Gini) of some rows.
fn stats(rows: &[usize], ctx: &Ctx<'_>) -> (f64, f64, f64) {
    let (mut w, mut wp) = (0.0, 0.0);
    for &r in rows {
        w += ctx.w[r];
        if ctx.y[r] {
            wp += ctx.w[r];
        }
    }
    let p = if w > 0.0 { wp / w } else { 0.0 };
    (w, p, 2.0 * p * (1.0 - p))
}

/// Copies linfa's tree into flat nodes, routing the training rows as linfa's fit does
/// (`value <= split` goes left) to get leaf probabilities and impurity decreases.
fn convert(node: &TreeNode<f64, usize>, rows: &[usize], ctx: &Ctx<'_>, out: &mut Grown) -> u32 {
    let (w, p, gini) = stats(rows, ctx);
    let id = out.nodes.len() as u32;
    out.nodes.push(Node {
        feature: 0,
        threshold: 0.0,
        left: 0,
        right: 0,
        churn_probability: p,
    });
    let children = node.children();
    let (Some(left), Some(right)) = (children[0].as_deref(), children[1].as_deref()) else {
        return id;
    };
    if node.is_leaf() {
        return id;
    }
    let (feature, threshold, _) = node.split();
    let (l_rows, r_rows): (Vec<usize>, Vec<usize>) = rows
        .iter()
        .partition(|&&r| ctx.sub[(r, feature)] <= threshold);
    let (wl, _, gl) = stats(&l_rows, ctx);
    let (wr, _, gr) = stats(&r_rows, ctx);
    out.importance[ctx.cols[feature]] += (w * gini - wl * gl - wr * gr).max(0.0);
    let l = convert(left, &l_rows, ctx, out);
    let r = convert(right, &r_rows, ctx, out);
    let n = &mut out.nodes[id as usize];
    n.feature = ctx.cols[feature];
    n.threshold = threshold;
    n.left = l;
    n.right = r;
    id
}

/// One node of a fitted tree: a leaf when `left == right == 0` (the root is never a child).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Node {
    /// Feature index (into the full feature matrix) of the split.
    pub feature: usize,
    /// Rows with `x[feature] <= threshold` go left.
    pub threshold: f64,
    /// Index of the left child (0 for a leaf).
    pub left: u32,
    /// Index of the right child (0 for a leaf).
    pub right: u32,
    /// Weighted share of churners among the training rows reaching this node.
    pub churn_probability: f64,
}

/// A fitted forest (or single tree): flat trees with leaf churn probabilities. Serialisable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedForest {
    /// The parameters it was fitted with.
    pub params: ForestParams,
    /// Number of feature columns expected.
    pub n_features: usize,
    /// The trees, each a node array with the root at 0.
    pub trees: Vec<Vec<Node>>,
    /// Impurity-based importance per feature (sums to 1, or all 0 when no tree splits).
    pub feature_importance: Vec<f64>,
}

impl FittedForest {
    fn tree_probability(tree: &[Node], row: ndarray::ArrayView1<'_, f64>) -> f64 {
        let mut i = 0usize;
        while let Some(node) = tree.get(i) {
            if node.left == 0 && node.right == 0 {
                return node.churn_probability;
            }
            i = if row[node.feature] <= node.threshold {
                node.left as usize
            } else {
                node.right as usize
            };
        }
        0.0
    }

    /// Churn probability of every row of `x`: the mean over trees of the leaf probability.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a column count other than the training one or a non-finite
    /// feature.
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        if x.ncols() != self.n_features {
            return Err(Error::InvalidInput(format!(
                "the model was fitted on {} features, got {}",
                self.n_features,
                x.ncols()
            )));
        }
        if let Some(((i, j), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::InvalidInput(format!(
                "feature ({i}, {j}) is not finite ({v})"
            )));
        }
        let k = self.trees.len().max(1) as f64;
        Ok((0..x.nrows())
            .into_par_iter()
            .map(|i| {
                let row = x.row(i);
                self.trees
                    .iter()
                    .map(|t| Self::tree_probability(t, row))
                    .sum::<f64>()
                    / k
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn toy(n: usize) -> (Array2<f64>, Vec<bool>) {
        // churn when feature 0 > 0.6, feature 1 is noise.
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            if j == 0 {
                (i as f64 * 0.618).fract()
            } else {
                (i as f64 * 0.377).fract()
            }
        });
        let y = (0..n).map(|i| x[(i, 0)] > 0.6).collect();
        (x, y)
    }

    #[test]
    fn tree_learns_a_threshold_and_importance_follows() {
        let (x, y) = toy(300);
        let m = ForestParams::decision_tree()
            .min_weight_leaf(2.0)
            .fit(x.view(), &y)
            .unwrap();
        let p = m.predict_proba(x.view()).unwrap();
        let errors = p
            .iter()
            .zip(&y)
            .filter(|(p, y)| (**p >= 0.5) != **y)
            .count();
        assert!(errors <= 3, "{errors} errors");
        assert!(m.feature_importance[0] > 0.9, "{:?}", m.feature_importance);
    }

    #[test]
    fn forest_is_deterministic_for_a_seed() {
        let (x, y) = toy(200);
        let params = ForestParams::random_forest()
            .n_trees(8)
            .feature_fraction(Some(1.0));
        let a = params.fit(x.view(), &y).unwrap();
        let b = params.fit(x.view(), &y).unwrap();
        assert_eq!(a, b);
        let c = params.seed(7).fit(x.view(), &y).unwrap();
        assert_ne!(a.trees, c.trees);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let (x, y) = toy(50);
        for p in [
            ForestParams::random_forest().n_trees(0),
            ForestParams::random_forest().max_depth(Some(0)),
            ForestParams::random_forest().min_weight_leaf(0.0),
            ForestParams::random_forest().min_weight_leaf(f64::NAN),
            ForestParams::random_forest().feature_fraction(Some(1.5)),
            ForestParams::random_forest().feature_fraction(Some(0.0)),
        ] {
            assert!(matches!(
                p.fit(x.view(), &y),
                Err(Error::InvalidParameter(
                    crate::error::InvalidParameter { .. }
                ))
            ));
        }
    }

    #[test]
    fn bad_inputs_are_errors() {
        let (mut x, y) = toy(50);
        let p = ForestParams::decision_tree();
        assert!(matches!(
            p.fit(x.view(), &y[..10]),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            p.fit(x.view(), &[false; 50]),
            Err(Error::OneClass { label: false, .. })
        ));
        let m = p.fit(x.view(), &y).unwrap();
        assert!(matches!(
            m.predict_proba(x.select(ndarray::Axis(1), &[0]).view()),
            Err(Error::InvalidInput(_))
        ));
        x[(3, 1)] = f64::INFINITY;
        assert!(matches!(p.fit(x.view(), &y), Err(Error::InvalidInput(_))));
    }

    #[test]
    fn fitted_models_are_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<FittedForest>();
        is::<ForestParams>();
    }
}

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_saved_forest_predicts_the_same() {
        let x = Array2::from_shape_fn((120, 3), |(i, j)| ((i * (j + 3)) as f64 * 0.37).fract());
        let y: Vec<bool> = (0..120)
            .map(|i| x[(i, 1)] + 0.3 * x[(i, 2)] > 0.6)
            .collect();
        let m = ForestParams::random_forest()
            .n_trees(5)
            .fit(x.view(), &y)
            .unwrap();
        let back: FittedForest = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(
            m.predict_proba(x.view()).unwrap(),
            back.predict_proba(x.view()).unwrap()
        );
    }
}
