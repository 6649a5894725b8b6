//! Association rules from frequent itemsets, with every metric mlxtend computes.

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use custalyze_transaction_types::summary::fmt_f64;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::itemsets::{FrequentItemsets, join_names, names};

/// The longest itemset whose rules are enumerated (`2^len - 2` antecedents each).
pub const MAX_RULE_ITEMSET_LEN: usize = 31;

/// The interestingness measures of a rule `A -> C`, computed from supports
/// `s(X) = count(X) / n` exactly as mlxtend's `association_rules` does (same formulas, same
/// floating-point operations, no missing values):
///
/// | metric | formula |
/// |---|---|
/// | support | `s(A∪C)` |
/// | confidence | `s(A∪C)·n / (s(A)·n)` |
/// | lift | `confidence / s(C)` |
/// | representativity | `(n - n_missing) / n = 1` (baskets have no missing values) |
/// | leverage | `s(A∪C) - s(A)·s(C)` |
/// | conviction | `(1 - s(C)) / (1 - confidence)`, `+inf` when confidence is 1 |
/// | Zhang's metric | `leverage / max(s(A∪C)(1 - s(A)), s(A)(s(C) - s(A∪C)))`, 0 when the denominator is 0 |
/// | Jaccard | `s(A∪C) / (s(A) + s(C) - s(A∪C))` |
/// | certainty | `(confidence - s(C)) / (1 - s(C))`, 0 when `s(C) = 1` |
/// | Kulczynski | `(conf(A->C) + conf(C->A)) / 2` |
///
/// References: Agrawal, Imieliński & Swami (1993) (support, confidence); Brin et al. (1997)
/// (lift, conviction); Piatetsky-Shapiro (1991) (leverage); Zhang (2000); Berzal et al. (2002)
/// (certainty factor); Wu, Chen & Han (2010) (Kulczynski); Kaufmann & Rousseeuw / Tan, Kumar &
/// Srivastava (2004) survey the lot.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleMetrics {
    /// `s(A)`.
    pub antecedent_support: f64,
    /// `s(C)`.
    pub consequent_support: f64,
    /// `s(A∪C)`.
    pub support: f64,
    /// `P(C | A)`.
    pub confidence: f64,
    /// `confidence / s(C)`.
    pub lift: f64,
    /// Share of transactions without missing values (always 1 here).
    pub representativity: f64,
    /// `s(A∪C) - s(A)s(C)`.
    pub leverage: f64,
    /// `(1 - s(C)) / (1 - confidence)`; `inf` when confidence is 1.
    pub conviction: f64,
    /// Zhang's metric, in `[-1, 1]`.
    pub zhangs_metric: f64,
    /// Jaccard similarity of the transaction sets of `A` and `C`.
    pub jaccard: f64,
    /// Certainty factor.
    pub certainty: f64,
    /// Mean of the two confidences.
    pub kulczynski: f64,
}

impl RuleMetrics {
    /// The metrics of `A -> C` from the counts of `A∪C`, `A` and `C` among `n` transactions.
    pub fn from_counts(n: u64, count_ac: u64, count_a: u64, count_c: u64) -> Self {
        let nf = n as f64;
        let s_ac = count_ac as f64 / nf;
        let s_a = count_a as f64 / nf;
        let s_c = count_c as f64 / nf;
        let confidence = (s_ac * nf) / (s_a * nf);
        let confidence_ca = (s_ac * nf) / (s_c * nf);
        let leverage = s_ac - s_a * s_c;
        let conviction = if confidence < 1.0 {
            (1.0 - s_c) / (1.0 - confidence)
        } else {
            f64::INFINITY
        };
        let zhang_den = (s_ac * (1.0 - s_a)).max(s_a * (s_c - s_ac));
        let certainty_den = 1.0 - s_c;
        Self {
            antecedent_support: s_a,
            consequent_support: s_c,
            support: s_ac,
            confidence,
            lift: confidence / s_c,
            // mlxtend: (n - disabled) / n with no disabled (missing) rows.
            representativity: 1.0,
            leverage,
            conviction,
            zhangs_metric: if zhang_den == 0.0 {
                0.0
            } else {
                leverage / zhang_den
            },
            jaccard: s_ac / (s_a + s_c - s_ac),
            certainty: if certainty_den == 0.0 {
                0.0
            } else {
                (confidence - s_c) / certainty_den
            },
            kulczynski: (confidence + confidence_ca) / 2.0,
        }
    }
}

/// A rule metric, to filter rules by ([`RuleParams::metric`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Metric {
    /// `s(A)`.
    AntecedentSupport,
    /// `s(C)`.
    ConsequentSupport,
    /// `s(A∪C)`.
    Support,
    /// Confidence.
    Confidence,
    /// Lift.
    Lift,
    /// Representativity.
    Representativity,
    /// Leverage.
    Leverage,
    /// Conviction.
    Conviction,
    /// Zhang's metric.
    ZhangsMetric,
    /// Jaccard.
    Jaccard,
    /// Certainty.
    Certainty,
    /// Kulczynski.
    Kulczynski,
}

impl Metric {
    /// Every metric, in mlxtend's column order.
    pub const ALL: [Metric; 12] = [
        Metric::AntecedentSupport,
        Metric::ConsequentSupport,
        Metric::Support,
        Metric::Confidence,
        Metric::Lift,
        Metric::Representativity,
        Metric::Leverage,
        Metric::Conviction,
        Metric::ZhangsMetric,
        Metric::Jaccard,
        Metric::Certainty,
        Metric::Kulczynski,
    ];

    /// The snake-case name (`"zhangs_metric"`, `"antecedent_support"`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::AntecedentSupport => "antecedent_support",
            Metric::ConsequentSupport => "consequent_support",
            Metric::Support => "support",
            Metric::Confidence => "confidence",
            Metric::Lift => "lift",
            Metric::Representativity => "representativity",
            Metric::Leverage => "leverage",
            Metric::Conviction => "conviction",
            Metric::ZhangsMetric => "zhangs_metric",
            Metric::Jaccard => "jaccard",
            Metric::Certainty => "certainty",
            Metric::Kulczynski => "kulczynski",
        }
    }

    /// This metric's value in `m`.
    pub fn of(self, m: &RuleMetrics) -> f64 {
        match self {
            Metric::AntecedentSupport => m.antecedent_support,
            Metric::ConsequentSupport => m.consequent_support,
            Metric::Support => m.support,
            Metric::Confidence => m.confidence,
            Metric::Lift => m.lift,
            Metric::Representativity => m.representativity,
            Metric::Leverage => m.leverage,
            Metric::Conviction => m.conviction,
            Metric::ZhangsMetric => m.zhangs_metric,
            Metric::Jaccard => m.jaccard,
            Metric::Certainty => m.certainty,
            Metric::Kulczynski => m.kulczynski,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Metric {
    type Err = Error;

    /// Parses a snake-case name; mlxtend's spaced names (`"antecedent support"`) and dashes are
    /// accepted too.
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == norm || (norm == "zhang" && *m == Metric::ZhangsMetric))
            .ok_or_else(|| Error::UnknownMetric {
                name: s.to_string(),
            })
    }
}

/// An association rule `antecedents -> consequents`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rule {
    /// Item indices of the antecedent, ascending.
    pub antecedents: Vec<u32>,
    /// Item indices of the consequent, ascending.
    pub consequents: Vec<u32>,
    /// Transactions containing both.
    pub count: u64,
    /// The metrics.
    pub metrics: RuleMetrics,
}

/// Association rules ([`AssociationRules::params`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct AssociationRules;

impl AssociationRules {
    /// Default parameters: confidence at least 0.8 (mlxtend's default).
    pub fn params() -> RuleParams {
        RuleParams::default()
    }
}

/// Rule-generation parameters: keep the rules whose `metric >= min_threshold`.
///
/// | setting | default |
/// |---|---|
/// | [`metric`](Self::metric) | [`Metric::Confidence`] |
/// | [`min_threshold`](Self::min_threshold) | 0.8 |
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleParams {
    metric: Metric,
    min_threshold: f64,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            metric: Metric::Confidence,
            min_threshold: 0.8,
        }
    }
}

impl RuleParams {
    /// The metric to filter by.
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// The smallest value of the metric kept.
    pub fn min_threshold(mut self, threshold: f64) -> Self {
        self.min_threshold = threshold;
        self
    }

    /// Shorthand for `metric(Metric::Confidence).min_threshold(c)`.
    pub fn min_confidence(self, c: f64) -> Self {
        self.metric(Metric::Confidence).min_threshold(c)
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidThreshold`] when the threshold is NaN.
    pub fn check(&self) -> Result<ValidRuleParams> {
        if self.min_threshold.is_nan() {
            return Err(Error::InvalidThreshold {
                metric: self.metric.name(),
                value: self.min_threshold,
            });
        }
        Ok(ValidRuleParams(*self))
    }

    /// Checks the parameters, then generates the rules: [`ValidRuleParams::fit`].
    ///
    /// # Errors
    /// As [`RuleParams::check`] and [`ValidRuleParams::fit`].
    pub fn fit(&self, itemsets: &FrequentItemsets) -> Result<RuleSet> {
        self.check()?.fit(itemsets)
    }
}

/// Checked rule-generation parameters, from [`RuleParams::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValidRuleParams(RuleParams);

impl ValidRuleParams {
    /// The settings.
    pub fn params(&self) -> &RuleParams {
        &self.0
    }

    /// Every rule `A -> C` with `A`, `C` non-empty, disjoint and `A∪C` a frequent itemset, whose
    /// metric reaches the threshold, the way mlxtend's `association_rules` enumerates them
    /// (all consequent sizes). Rules come grouped by itemset, in the itemsets' order, and within
    /// an itemset by the bitmask of the antecedent (bit `b` set: the `b`-th item is in it), which
    /// is deterministic; [`RuleSet::write_csv`] sorts by item names.
    ///
    /// Itemsets are processed in parallel; supports come from a hash map of the itemsets.
    ///
    /// # Errors
    /// [`Error::InvalidThreshold`]; [`Error::MissingSubset`] when a subset of an itemset is not
    /// in the list (closed or maximal itemsets); [`Error::ItemsetTooLong`] past
    /// [`MAX_RULE_ITEMSET_LEN`] items.
    ///
    /// # Examples
    /// ```
    /// use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};
    /// let tx = Transactions::from_item_lists([
    ///     vec!["milk", "bread"], vec!["milk", "bread", "eggs"], vec!["bread"], vec!["eggs"],
    /// ])?;
    /// let itemsets = FpGrowth::params().min_support(0.5).fit(&tx)?;
    /// let rules = AssociationRules::params().min_confidence(0.9).fit(&itemsets)?;
    /// assert_eq!(rules.len(), 1); // milk -> bread, confidence 1
    /// assert_eq!(rules.rules[0].metrics.lift, 4.0 / 3.0);
    /// assert!(rules.rules[0].metrics.conviction.is_infinite());
    /// # Ok::<(), custalyze_assoc_rules::Error>(())
    /// ```
    pub fn fit(&self, itemsets: &FrequentItemsets) -> Result<RuleSet> {
        let p = self.0;
        if let Some(s) = itemsets
            .itemsets
            .iter()
            .find(|s| s.items.len() > MAX_RULE_ITEMSET_LEN)
        {
            return Err(Error::ItemsetTooLong {
                len: s.items.len(),
                max: MAX_RULE_ITEMSET_LEN,
            });
        }
        let map = itemsets.count_map();
        let n = itemsets.n_transactions;
        let parts: Vec<Result<Vec<Rule>>> = itemsets
            .itemsets
            .par_iter()
            .filter(|s| s.items.len() >= 2)
            .map(|s| {
                let k = s.items.len();
                let mut out = Vec::new();
                let mut a = Vec::with_capacity(k);
                let mut c = Vec::with_capacity(k);
                let lookup = |x: &[u32]| {
                    map.get(x).copied().ok_or_else(|| Error::MissingSubset {
                        itemset: x.to_vec(),
                    })
                };
                for mask in 1u32..((1u32 << k) - 1) {
                    a.clear();
                    c.clear();
                    for (b, &item) in s.items.iter().enumerate() {
                        if mask >> b & 1 == 1 {
                            a.push(item);
                        } else {
                            c.push(item);
                        }
                    }
                    let m = RuleMetrics::from_counts(n, s.count, lookup(&a)?, lookup(&c)?);
                    if p.metric.of(&m) >= p.min_threshold {
                        out.push(Rule {
                            antecedents: a.clone(),
                            consequents: c.clone(),
                            count: s.count,
                            metrics: m,
                        });
                    }
                }
                Ok(out)
            })
            .collect();
        let mut rules = Vec::new();
        for part in parts {
            rules.extend(part?);
        }
        Ok(RuleSet {
            n_transactions: n,
            items: itemsets.items.clone(),
            rules,
        })
    }
}

/// A set of association rules with the item names they refer to.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleSet {
    /// Number of transactions the supports are relative to.
    pub n_transactions: u64,
    /// Item names by index.
    pub items: Vec<String>,
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The names of a list of item indices.
    pub fn names<'a>(&'a self, items: &[u32]) -> Vec<&'a str> {
        names(&self.items, items)
    }

    /// The index of an item name (a linear scan).
    pub fn item_index(&self, name: &str) -> Option<u32> {
        self.items
            .iter()
            .position(|n| n == name)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Writes the rules as CSV with the columns `antecedents,consequents,antecedent_support,
    /// consequent_support,support,confidence,lift,leverage,conviction,zhangs_metric,jaccard,
    /// certainty,kulczynski`; item names sorted and joined by `|`, rows sorted by (antecedents,
    /// consequents) text, infinite conviction written `inf`.
    ///
    /// # Errors
    /// [`Error::Write`] when writing fails.
    pub fn write_csv<W: Write>(&self, w: W) -> Result<()> {
        let mut rows: Vec<(String, String, &RuleMetrics)> = self
            .rules
            .par_iter()
            .map(|r| {
                (
                    join_names(&self.items, &r.antecedents),
                    join_names(&self.items, &r.consequents),
                    &r.metrics,
                )
            })
            .collect();
        rows.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut w = csv::Writer::from_writer(w);
        let err = |e: csv::Error| Error::Write(e.into());
        w.write_record([
            "antecedents",
            "consequents",
            "antecedent_support",
            "consequent_support",
            "support",
            "confidence",
            "lift",
            "leverage",
            "conviction",
            "zhangs_metric",
            "jaccard",
            "certainty",
            "kulczynski",
        ])
        .map_err(err)?;
        for (a, c, m) in rows {
            let vals = [
                m.antecedent_support,
                m.consequent_support,
                m.support,
                m.confidence,
                m.lift,
                m.leverage,
                m.conviction,
                m.zhangs_metric,
                m.jaccard,
                m.certainty,
                m.kulczynski,
            ];
            let mut record = vec![a, c];
            record.extend(vals.into_iter().map(fmt_f64));
            w.write_record(&record).map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }
}
