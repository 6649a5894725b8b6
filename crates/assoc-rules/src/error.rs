//! The crate's error type.

use std::path::PathBuf;

use custalyze_transaction_types::DataError;

/// Errors raised while reading baskets, mining itemsets, generating rules or recommending.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading a log, building baskets).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A basket file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Writing a CSV failed.
    #[error("cannot write CSV: {0}")]
    Write(#[source] std::io::Error),
    /// There is no transaction at all (not even an empty basket), so supports are undefined.
    #[error("no transactions: the input holds no basket")]
    NoTransactions,
    /// More distinct items than fit in a `u32` index.
    #[error("too many distinct items (more than {max})")]
    TooManyItems {
        /// The largest supported number of items.
        max: u64,
    },
    /// The minimum support fraction is not in `(0, 1]`.
    #[error(
        "invalid minimum support {value}: expected a fraction in (0, 1]; use a count for absolute supports"
    )]
    InvalidMinSupport {
        /// The value given.
        value: f64,
    },
    /// The mining would produce more itemsets than the budget allows (a support so low that
    /// nearly every subset of long baskets is frequent): stopped before exhausting memory.
    #[error(
        "more than {limit} frequent itemsets at a minimum support of {min_count} baskets: raise the minimum support or set a maximum itemset length (max_len / --max-len)"
    )]
    TooManyItemsets {
        /// The itemset budget ([`crate::FpGrowthParams::max_itemsets`]).
        limit: u64,
        /// The minimum support count used.
        min_count: u64,
    },
    /// The minimum support count is zero (every itemset, even absent ones, would be frequent).
    #[error("invalid minimum support count 0: expected at least 1")]
    InvalidMinCount,
    /// The maximum itemset length is zero.
    #[error("invalid maximum itemset length 0: expected at least 1 (or no limit)")]
    InvalidMaxLen,
    /// A rule threshold is NaN.
    #[error("invalid threshold {value} for the rule metric {metric}: expected a number")]
    InvalidThreshold {
        /// The metric the threshold applies to.
        metric: &'static str,
        /// The value given.
        value: f64,
    },
    /// A metric name that is not one of the rule metrics.
    #[error(
        "unknown rule metric {name:?}: use support, confidence, lift, leverage, conviction, \
         zhangs_metric, jaccard, certainty, kulczynski, representativity, antecedent_support or \
         consequent_support"
    )]
    UnknownMetric {
        /// The name given.
        name: String,
    },
    /// Rules need the support of every subset of an itemset, and one is missing (closed or
    /// maximal itemsets, or an itemset list built by hand).
    #[error(
        "the support of {itemset:?} (a subset of a frequent itemset) is missing: generate rules \
         from all frequent itemsets, not closed or maximal ones"
    )]
    MissingSubset {
        /// The item indices of the missing subset.
        itemset: Vec<u32>,
    },
    /// An itemset is too long to enumerate its rules (2^len - 2 antecedents).
    #[error(
        "itemset of {len} items is too long for rule generation (at most {max}); set a maximum itemset length"
    )]
    ItemsetTooLong {
        /// Its length.
        len: usize,
        /// The longest supported.
        max: usize,
    },
    /// An item index not in the item table.
    #[error("unknown item index {index}: the table has {n_items} items")]
    UnknownItem {
        /// The index given.
        index: u32,
        /// Number of items known.
        n_items: usize,
    },
    /// A recommendation blend weight outside `[0, 1]`.
    #[error("invalid blend weight {value}: expected a number in [0, 1]")]
    InvalidBlendWeight {
        /// The value given.
        value: f64,
    },
    /// A generator setting is out of range.
    #[error("invalid generator setting {name} = {value}: {reason}")]
    InvalidGenerator {
        /// The setting.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        reason: &'static str,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
