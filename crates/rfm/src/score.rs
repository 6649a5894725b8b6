//! Quantile scores with pandas' conventions: `qcut` on `rank(method="first")` and plain `qcut`.
//!
//! Both follow pandas 2.2 / numpy 1.26 to the last bit, so scores equal the Python reference
//! exactly, including values that fall on a bin edge:
//!
//! - quantile levels are `np.linspace(0, 1, bins + 1)`, passed through pandas' `q * 100` and
//!   numpy's `/ 100` (as `Series.quantile` does);
//! - quantiles use numpy's `linear` method: virtual index `(n - 1) q`, and numpy's `_lerp`
//!   (`a + (b - a) t` for `t < 0.5`, `b - (b - a)(1 - t)` otherwise);
//! - bins are right-closed and the first bin includes the lowest edge: a value `x` gets bin `i`
//!   (1-based) iff `edge[i-1] < x <= edge[i]`.
//!
//! **Ties.** [`rank_first_scores`] ranks values with ties broken by position (pandas
//! `method="first"`; in an [`crate::RfmTable`] the position is the customer-id order), so equal
//! values can get different scores and every bin holds `n / bins` values, give or take one.
//! [`quantile_scores`] keeps equal values together, and fails with
//! [`Error::DuplicateBinEdges`] when the edges are not unique (heavily tied data such as
//! frequency), as pandas does.

use crate::error::{Error, Result};

/// Whether larger values get higher or lower scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Direction {
    /// Larger values score higher (frequency, monetary): labels `1..=bins`.
    Ascending,
    /// Larger values score lower (recency): labels `bins..=1`.
    Descending,
}

/// Checks a number of bins.
pub(crate) fn check_bins(bins: usize) -> Result<()> {
    if (1..=9).contains(&bins) {
        Ok(())
    } else {
        Err(Error::InvalidBins { bins })
    }
}

/// The quantile levels pandas uses for `qcut(x, bins)`: `np.linspace(0, 1, bins + 1)`, multiplied
/// by 100 (pandas) and divided by 100 (numpy's `percentile`).
pub fn quantile_levels(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    (0..=bins)
        .map(|i| {
            let q = if i == bins { 1.0 } else { i as f64 * step };
            (q * 100.0) / 100.0
        })
        .collect()
}

/// numpy's `linear` quantile at level `q` of `n` sorted values given by `at(index)`.
fn linear_quantile(n: usize, at: impl Fn(usize) -> f64, q: f64) -> f64 {
    let last = n - 1;
    let virtual_index = last as f64 * q;
    if virtual_index >= last as f64 {
        return at(last);
    }
    if virtual_index < 0.0 {
        return at(0);
    }
    let previous = virtual_index.floor();
    let gamma = virtual_index - previous;
    let i = previous as usize;
    let (a, b) = (at(i), at(i + 1));
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// The quantile bin edges of `sorted` (ascending) for `bins` bins, as pandas `qcut` computes
/// them.
///
/// # Errors
/// [`Error::EmptyValues`] for no values; [`Error::InvalidBins`] outside `1..=9`.
pub fn bin_edges(sorted: &[f64], bins: usize) -> Result<Vec<f64>> {
    check_bins(bins)?;
    if sorted.is_empty() {
        return Err(Error::EmptyValues);
    }
    Ok(quantile_levels(bins)
        .into_iter()
        .map(|q| linear_quantile(sorted.len(), |i| sorted[i], q))
        .collect())
}

/// The 1-based bin of `x` among `edges`: `edge[i-1] < x <= edge[i]`, the lowest edge included.
/// Values outside the edges cannot occur for edges computed from the values themselves; they
/// are clamped to the first or last bin.
fn bin_of(x: f64, edges: &[f64]) -> usize {
    let bins = edges.len() - 1;
    // searchsorted(side="left"): the number of edges strictly below x.
    let below = edges.partition_point(|&e| e < x);
    below.clamp(1, bins)
}

fn label(bin: usize, bins: usize, direction: Direction) -> u8 {
    let s = match direction {
        Direction::Ascending => bin,
        Direction::Descending => bins + 1 - bin,
    };
    // bins <= 9, so the label fits.
    u8::try_from(s).unwrap_or(u8::MAX)
}

fn check_finite(values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::EmptyValues);
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFiniteValue {
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Scores `values` as `pd.qcut(pd.Series(values).rank(method="first"), bins, labels)` with labels
/// `1..=bins` ([`Direction::Ascending`]) or `bins..=1` ([`Direction::Descending`]).
///
/// Ties are broken by position: of two equal values, the earlier one gets the lower rank.
/// Each score is then held by `n / bins` values, give or take one (two for some `n` with 6, 7 or
/// 9 bins, where pandas' floating-point edges fall just below a whole rank).
///
/// # Errors
/// [`Error::InvalidBins`] outside `1..=9`; [`Error::EmptyValues`]; [`Error::NonFiniteValue`];
/// [`Error::DuplicateBinEdges`] for a single value with more than one bin (as pandas).
///
/// # Examples
/// ```
/// use custalyze_rfm::score::{rank_first_scores, Direction};
/// let s = rank_first_scores(&[10.0, 3.0, 3.0, 7.0, 1.0], 5, Direction::Ascending)?;
/// assert_eq!(s, vec![5, 2, 3, 4, 1]);
/// # Ok::<(), custalyze_rfm::Error>(())
/// ```
pub fn rank_first_scores(values: &[f64], bins: usize, direction: Direction) -> Result<Vec<u8>> {
    check_bins(bins)?;
    check_finite(values)?;
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Stable sort: equal values keep their positions, which is rank(method="first").
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let edges: Vec<f64> = quantile_levels(bins)
        .into_iter()
        .map(|q| linear_quantile(n, |i| (i + 1) as f64, q))
        .collect();
    check_unique(&edges, "values")?;
    let mut scores = vec![0u8; n];
    for (pos, &i) in order.iter().enumerate() {
        let rank = (pos + 1) as f64;
        scores[i] = label(bin_of(rank, &edges), bins, direction);
    }
    Ok(scores)
}

fn check_unique(edges: &[f64], column: &'static str) -> Result<()> {
    // pandas accepts duplicated edges only when there are exactly two (one bin).
    if edges.len() != 2 && edges.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::DuplicateBinEdges {
            column,
            edges: edges.to_vec(),
        });
    }
    Ok(())
}

/// Scores `values` as `pd.qcut(values, bins, labels)` on the raw values: edges are the value
/// quantiles, so equal values always share a score and the bins need not be the same size.
///
/// # Errors
/// [`Error::DuplicateBinEdges`] when two edges coincide (pandas raises `Bin edges must be
/// unique`); [`Error::InvalidBins`], [`Error::EmptyValues`], [`Error::NonFiniteValue`].
///
/// # Examples
/// ```
/// use custalyze_rfm::score::{quantile_scores, Direction};
/// let s = quantile_scores(&[10.0, 3.0, 2.0, 7.0, 1.0], 5, Direction::Descending)?;
/// assert_eq!(s, vec![1, 3, 4, 2, 5]);
/// assert!(quantile_scores(&[1.0, 1.0, 1.0, 2.0], 5, Direction::Ascending).is_err());
/// # Ok::<(), custalyze_rfm::Error>(())
/// ```
pub fn quantile_scores(values: &[f64], bins: usize, direction: Direction) -> Result<Vec<u8>> {
    quantile_scores_of(values, bins, direction, "values")
}

pub(crate) fn quantile_scores_of(
    values: &[f64],
    bins: usize,
    direction: Direction,
    column: &'static str,
) -> Result<Vec<u8>> {
    check_bins(bins)?;
    check_finite(values)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let edges = bin_edges(&sorted, bins)?;
    check_unique(&edges, column)?;
    Ok(values
        .iter()
        .map(|&x| label(bin_of(x, &edges), bins, direction))
        .collect())
}

/// Scores as the R `rfm` package's `rfm_table_order` computes them: inner breaks at the
/// quantiles `k / bins` (R's type 7, linear interpolation) plus 1, bins
/// `[min, b_1), [b_1, b_2), ..., [b_{bins-1}, max + 1)`; bin `i` scores `i` (ascending) or
/// `bins + 1 - i` (descending, recency). Tied customers always share a score, and tied quantiles
/// leave a bin empty instead of failing (unlike [`quantile_scores`]).
///
/// # Errors
/// [`Error::InvalidBins`] outside `1..=9`; [`Error::EmptyValues`]; [`Error::NonFiniteValue`].
///
/// # Examples
/// ```
/// use custalyze_rfm::score::{Direction, rfm_package_scores};
/// // quantiles of 1..=10 at 0.2, 0.4, 0.6, 0.8: 2.8, 4.6, 6.4, 8.2; breaks 3.8, 5.6, 7.4, 9.2
/// let values: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = rfm_package_scores(&values, 5, Direction::Ascending)?;
/// assert_eq!(s, vec![1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
/// // Ties share a score even where pandas' qcut would fail on duplicate edges.
/// let t = rfm_package_scores(&[1.0, 1.0, 1.0, 1.0, 2.0], 5, Direction::Ascending)?;
/// assert_eq!(t, vec![1, 1, 1, 1, 4]);
/// # Ok::<(), custalyze_rfm::Error>(())
/// ```
pub fn rfm_package_scores(values: &[f64], bins: usize, direction: Direction) -> Result<Vec<u8>> {
    check_bins(bins)?;
    check_finite(values)?;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let edges = bin_edges(&sorted, bins)?;
    let breaks: Vec<f64> = edges[1..bins].iter().map(|b| b + 1.0).collect();
    Ok(values
        .iter()
        .map(|&x| {
            // The bin whose [lower, upper) holds x: the number of breaks at or below x, plus 1.
            let bin = breaks.partition_point(|&b| b <= x) + 1;
            label(bin, bins, direction)
        })
        .collect())
}

pub(crate) fn rfm_package_scores_of(
    values: &[f64],
    bins: usize,
    direction: Direction,
    _column: &'static str,
) -> Result<Vec<u8>> {
    rfm_package_scores(values, bins, direction)
}

/// As [`rank_first_scores`], naming `column` in errors.
pub(crate) fn rank_first_scores_of(
    values: &[f64],
    bins: usize,
    direction: Direction,
    column: &'static str,
) -> Result<Vec<u8>> {
    rank_first_scores(values, bins, direction).map_err(|e| match e {
        Error::DuplicateBinEdges { edges, .. } => Error::DuplicateBinEdges { column, edges },
        e => e,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rank_edges_match_the_reference() {
        // rfm_results.json "rank_bin_edges" for n = 23570 (computed there with the literal level
        // 0.6); pandas' qcut uses linspace's 0.6000000000000001 and gets 14142.400000000001
        // (`pd.Series(np.arange(1, 23571.)).quantile(np.linspace(0, 1, 6)).tolist()`).
        let edges: Vec<f64> = quantile_levels(5)
            .into_iter()
            .map(|q| linear_quantile(23_570, |i| (i + 1) as f64, q))
            .collect();
        assert_eq!(
            edges,
            vec![1.0, 4714.8, 9428.6, 14142.400000000001, 18856.2, 23570.0]
        );
        let reference = [1.0, 4714.8, 9428.6, 14142.4, 18856.2, 23570.0];
        for (a, b) in edges.iter().zip(reference) {
            assert!((a - b).abs() < 1e-9);
        }
    }

    #[test]
    fn levels_follow_linspace() {
        assert_eq!(
            quantile_levels(5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        // `(np.linspace(0, 1, 4) * 100) / 100`: not the same as linspace.
        assert_eq!(
            quantile_levels(3),
            vec![0.0, 0.33333333333333326, 0.6666666666666665, 1.0]
        );
    }

    #[test]
    fn one_value_with_several_bins_is_rejected_as_pandas() {
        assert!(matches!(
            rank_first_scores(&[3.0], 5, Direction::Ascending),
            Err(Error::DuplicateBinEdges { .. })
        ));
        assert_eq!(
            rank_first_scores(&[3.0], 1, Direction::Ascending).unwrap(),
            vec![1]
        );
    }

    #[test]
    fn bad_inputs_are_rejected() {
        assert!(matches!(
            rank_first_scores(&[], 5, Direction::Ascending),
            Err(Error::EmptyValues)
        ));
        assert!(matches!(
            rank_first_scores(&[1.0, f64::NAN], 5, Direction::Ascending),
            Err(Error::NonFiniteValue { index: 1, .. })
        ));
        assert!(matches!(
            quantile_scores(&[1.0, 2.0], 0, Direction::Ascending),
            Err(Error::InvalidBins { bins: 0 })
        ));
        assert!(matches!(
            quantile_scores(&[1.0, 2.0], 10, Direction::Ascending),
            Err(Error::InvalidBins { bins: 10 })
        ));
    }
}
