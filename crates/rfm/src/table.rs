//! The per-customer RFM table at an as-of date.

use std::io::Write;

use chrono::NaiveDate;
use custalyze_transaction_types::period::days_from_epoch;
use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::score::{
    Direction, check_bins, quantile_scores_of, rank_first_scores_of, rfm_package_scores_of,
};
use crate::segment::SegmentMap;

const SECONDS_PER_DAY: i64 = 86_400;

/// What counts as one purchase in the frequency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FrequencyRule {
    /// Every transaction row counts (the default, and what the pandas reference and most RFM
    /// code do: `groupby(customer).size()`); two lines of one order count twice.
    #[default]
    Rows,
    /// Distinct orders count.
    Orders,
}

/// How the raw values become scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Scoring {
    /// `qcut(rank(method="first"))` (the default): ties broken by customer-id order, equal-sized
    /// bins; see [`crate::score::rank_first_scores`].
    #[default]
    RankFirst,
    /// `qcut` on the raw values: ties share a score, but fails with
    /// [`Error::DuplicateBinEdges`] on heavily tied columns (frequency, usually); see
    /// [`crate::score::quantile_scores`].
    RawQuantiles,
    /// The R `rfm` package's breaks (quantiles + 1, half-open bins): ties share a score and tied
    /// quantiles leave bins empty; see [`crate::score::rfm_package_scores`].
    RfmPackage,
}

/// RFM scoring: [`Rfm::params`] starts the builder, `check()` gives [`ValidRfmParams`],
/// `fit(&log)` the [`RfmTable`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rfm;

impl Rfm {
    /// The defaults at the snapshot date `as_of` (see [`RfmParams`]).
    pub fn params(as_of: NaiveDate) -> RfmParams {
        RfmParams::new(as_of)
    }
}

/// Settings of an RFM table, unchecked.
///
/// | Setting | Default |
/// |---|---|
/// | `as_of` | given to [`Rfm::params`] |
/// | `frequency_rule` | [`FrequencyRule::Rows`] |
/// | `scoring` | [`Scoring::RankFirst`] |
/// | `bins` | 5 (1 to 9) |
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmParams {
    /// The snapshot date: only transactions dated strictly before it count, and recency is the
    /// number of days from the last transaction date to it (so at least 1).
    pub as_of: NaiveDate,
    /// What counts as one purchase.
    pub frequency_rule: FrequencyRule,
    /// How scores are computed.
    pub scoring: Scoring,
    /// Number of score bins, 1 to 9.
    pub bins: usize,
}

impl RfmParams {
    /// Default options at `as_of`.
    pub(crate) fn new(as_of: NaiveDate) -> Self {
        RfmParams {
            as_of,
            frequency_rule: FrequencyRule::default(),
            scoring: Scoring::default(),
            bins: 5,
        }
    }

    /// Sets the frequency rule.
    pub fn frequency_rule(mut self, rule: FrequencyRule) -> Self {
        self.frequency_rule = rule;
        self
    }

    /// Sets the scoring.
    pub fn scoring(mut self, scoring: Scoring) -> Self {
        self.scoring = scoring;
        self
    }

    /// Sets the number of bins (checked by [`RfmParams::check`]).
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = bins;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidBins`] outside `1..=9`.
    pub fn check(&self) -> Result<ValidRfmParams> {
        check_bins(self.bins)?;
        Ok(ValidRfmParams(self.clone()))
    }

    /// Checks the settings, then computes the table: [`ValidRfmParams::fit`].
    ///
    /// # Errors
    /// As [`RfmParams::check`] and [`ValidRfmParams::fit`].
    pub fn fit(&self, log: &TransactionLog) -> Result<RfmTable> {
        self.check()?.fit(log)
    }
}

/// Checked RFM settings, from [`RfmParams::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRfmParams(RfmParams);

/// One customer's RFM values and scores.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerRfm {
    /// The customer.
    pub customer: Id,
    /// Days from the last transaction date to the as-of date.
    pub recency: i64,
    /// Transactions (rows or orders, by [`FrequencyRule`]) before the as-of date.
    pub frequency: u64,
    /// Total spend before the as-of date.
    pub monetary: f64,
    /// Recency score (the most recent customers score highest).
    pub r_score: u8,
    /// Frequency score.
    pub f_score: u8,
    /// Monetary score.
    pub m_score: u8,
}

impl CustomerRfm {
    /// The RF score string, e.g. `"54"`.
    pub fn rf_score(&self) -> String {
        format!("{}{}", self.r_score, self.f_score)
    }

    /// The RFM score string, e.g. `"545"`.
    pub fn rfm_score(&self) -> String {
        format!("{}{}{}", self.r_score, self.f_score, self.m_score)
    }

    /// This customer's segment in `map`.
    pub fn segment<'m>(&self, map: &'m SegmentMap) -> &'m str {
        map.classify(self.r_score, self.f_score, self.m_score)
    }
}

/// The RFM table of every customer with a transaction before the as-of date, ordered by customer
/// id (ascending, as [`TransactionLog::customer_ids`]).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmTable {
    /// The settings used.
    pub options: RfmParams,
    /// One row per customer, by customer id.
    pub rows: Vec<CustomerRfm>,
}

struct Raw {
    customer: usize,
    recency: i64,
    frequency: u64,
    monetary: f64,
}

impl ValidRfmParams {
    /// The settings.
    pub fn params(&self) -> &RfmParams {
        &self.0
    }

    /// Computes the table from a log.
    ///
    /// # Errors
    /// [`Error::NoCustomers`] when no transaction is
    /// before the as-of date; [`Error::DuplicateBinEdges`] with [`Scoring::RawQuantiles`] on tied
    /// data, or with a single customer and more than one bin.
    ///
    /// # Examples
    /// ```
    /// use chrono::NaiveDate;
    /// use custalyze_rfm::Rfm;
    /// use custalyze_transaction_types::load::{load_reader, LoadOptions, Schema};
    /// let data = "1 19970101 1 10.0\n1 19970301 2 30.0\n2 19970115 1 5.0\n3 19970201 1 50.0\n";
    /// let log = load_reader(data.as_bytes(), "example", &LoadOptions::new(Schema::Cdnow))?.log;
    /// let as_of = NaiveDate::from_ymd_opt(1997, 4, 1).unwrap_or_default();
    /// let table = Rfm::params(as_of).bins(3).fit(&log)?;
    /// let c = &table.rows[0];
    /// assert_eq!((c.recency, c.frequency, c.monetary), (31, 2, 40.0));
    /// assert_eq!(c.rfm_score(), "332");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit(&self, log: &TransactionLog) -> Result<RfmTable> {
        let options = &self.0;
        let as_of_day = days_from_epoch(options.as_of);
        let cutoff = as_of_day.saturating_mul(SECONDS_PER_DAY);
        let timestamps = log.timestamps();
        let amounts = log.amounts();
        let orders = log.orders();
        let raw: Vec<Raw> = (0..log.customer_ids().len())
            .into_par_iter()
            .filter_map(|c| {
                let rows = log.customer_rows(c);
                // Rows are sorted by time within a customer: keep the prefix before the cutoff.
                let start = rows.start;
                let end = start + timestamps[rows.clone()].partition_point(|&t| t < cutoff);
                if end == start {
                    return None;
                }
                let last_day = timestamps[end - 1].div_euclid(SECONDS_PER_DAY);
                let frequency = match options.frequency_rule {
                    FrequencyRule::Rows => (end - start) as u64,
                    FrequencyRule::Orders => {
                        let mut o = orders[start..end].to_vec();
                        o.sort_unstable();
                        o.dedup();
                        o.len() as u64
                    }
                };
                Some(Raw {
                    customer: c,
                    recency: as_of_day - last_day,
                    frequency,
                    monetary: amounts[start..end].iter().sum(),
                })
            })
            .collect();
        if raw.is_empty() {
            return Err(Error::NoCustomers {
                as_of: options.as_of,
            });
        }
        let recency: Vec<f64> = raw.iter().map(|r| r.recency as f64).collect();
        let frequency: Vec<f64> = raw.iter().map(|r| r.frequency as f64).collect();
        let monetary: Vec<f64> = raw.iter().map(|r| r.monetary).collect();
        let score = match options.scoring {
            Scoring::RankFirst => rank_first_scores_of,
            Scoring::RawQuantiles => quantile_scores_of,
            Scoring::RfmPackage => rfm_package_scores_of,
        };
        let bins = options.bins;
        let r = score(&recency, bins, Direction::Descending, "recency")?;
        let f = score(&frequency, bins, Direction::Ascending, "frequency")?;
        let m = score(&monetary, bins, Direction::Ascending, "monetary")?;
        let ids = log.customer_ids();
        let rows = raw
            .into_iter()
            .enumerate()
            .map(|(i, x)| CustomerRfm {
                customer: ids[x.customer].clone(),
                recency: x.recency,
                frequency: x.frequency,
                monetary: x.monetary,
                r_score: r[i],
                f_score: f[i],
                m_score: m[i],
            })
            .collect();
        Ok(RfmTable {
            options: options.clone(),
            rows,
        })
    }
}

impl RfmTable {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table has no rows (never for a computed table).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The segment of every row, in row order.
    pub fn segments<'m>(&self, map: &'m SegmentMap) -> Vec<&'m str> {
        self.rows.iter().map(|r| r.segment(map)).collect()
    }

    /// The row of customer `id` (binary search).
    pub fn customer(&self, id: &Id) -> Option<&CustomerRfm> {
        self.rows
            .binary_search_by(|r| r.customer.cmp(id))
            .ok()
            .map(|i| &self.rows[i])
    }

    /// Writes `customer_id,recency,frequency,monetary,r_score,f_score,m_score,segment`.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn write_csv<W: Write>(&self, out: W, map: &SegmentMap) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Io(e.into());
        w.write_record([
            "customer_id",
            "recency",
            "frequency",
            "monetary",
            "r_score",
            "f_score",
            "m_score",
            "segment",
        ])
        .map_err(err)?;
        for r in &self.rows {
            w.write_record([
                r.customer.to_string(),
                r.recency.to_string(),
                r.frequency.to_string(),
                r.monetary.to_string(),
                r.r_score.to_string(),
                r.f_score.to_string(),
                r.m_score.to_string(),
                r.segment(map).to_string(),
            ])
            .map_err(err)?;
        }
        w.flush()?;
        Ok(())
    }
}
