//! Journeys: each customer's touches cut at conversions, within a lookback window.

use std::collections::HashMap;

use custalyze_transaction_types::{Id, TransactionLog};

use crate::error::{Error, Result, invalid};
use crate::touchpoints::Touchpoints;

/// The longest lookback window, in days (ten years).
pub const MAX_LOOKBACK_DAYS: u32 = 3_650;

/// One journey: the channels touched in time order, and whether it ended in a conversion.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Journey {
    /// Channel indices in time order (repeats kept).
    pub channels: Vec<u16>,
    /// Days from each touch to the journey's end (the conversion, or the last touch).
    pub days_before_end: Vec<f64>,
    /// Whether it converted.
    pub converted: bool,
    /// The conversion's value (0 when it did not convert).
    pub value: f64,
}

/// Counts of the journey building, so nothing is dropped silently.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct JourneyReport {
    /// Converting journeys.
    pub converting: usize,
    /// Journeys that ended without a conversion.
    pub null: usize,
    /// Conversions with no touch in their lookback window (direct or untracked): not attributed.
    pub unattributed_conversions: usize,
    /// Their value.
    pub unattributed_value: f64,
    /// Touches older than the lookback window of the conversion that followed them: left out.
    pub touches_outside_lookback: usize,
    /// Customers with touches.
    pub customers_touched: usize,
    /// Touched customers who never converted (with a transaction log: not in it, or no order
    /// after a touch).
    pub touched_never_converted: usize,
    /// Touched customers who converted at least once.
    pub touched_converted: usize,
    /// Touched customers who converted at least twice (repeat buyers after a touch).
    pub touched_repeat: usize,
}

/// The journeys of a touchpoint table, with the channel names and costs.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Journeys {
    /// Channel names.
    pub channels: Vec<String>,
    /// Total cost per channel (`None` without a cost column).
    pub costs: Option<Vec<f64>>,
    /// The journeys.
    pub journeys: Vec<Journey>,
    /// What the building did.
    pub report: JourneyReport,
}

/// Where conversions come from.
#[derive(Clone, Copy, Debug)]
pub enum Conversions<'a> {
    /// Every order of the log is a conversion of its customer, worth the order's value.
    Log(&'a TransactionLog),
    /// The touchpoints' own `converted,value` columns.
    Touchpoints,
}

/// Each customer's orders as (time, value), in time order.
fn orders_of(log: &TransactionLog) -> HashMap<Id, Vec<(i64, f64)>> {
    let mut out = HashMap::with_capacity(log.customer_ids().len());
    for (c, id) in log.customer_ids().iter().enumerate() {
        let mut orders: Vec<(u32, i64, f64)> = Vec::new();
        for r in log.customer_rows(c) {
            let o = log.orders()[r];
            match orders.iter_mut().rev().find(|x| x.0 == o) {
                Some(x) => x.2 += log.amounts()[r],
                None => orders.push((o, log.timestamps()[r], log.amounts()[r])),
            }
        }
        let mut v: Vec<(i64, f64)> = orders.into_iter().map(|(_, t, a)| (t, a)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        out.insert(id.clone(), v);
    }
    out
}

impl Journeys {
    /// Cuts each customer's touches into journeys: a converting journey holds the touches after
    /// the previous conversion and within `lookback_days` before the conversion (touches older
    /// than the window are counted in [`JourneyReport::touches_outside_lookback`]); the touches
    /// after a customer's last conversion make one journey that did not convert. With
    /// [`Conversions::Touchpoints`] a journey converts at the touch marked `converted` (that
    /// touch included).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a lookback of 0 or above [`MAX_LOOKBACK_DAYS`], or
    /// [`Conversions::Touchpoints`] on a file without a `converted` column;
    /// [`Error::NoConversions`] when no journey converts.
    pub fn build(
        touchpoints: &Touchpoints,
        conversions: Conversions<'_>,
        lookback_days: u32,
    ) -> Result<Self> {
        if lookback_days == 0 || lookback_days > MAX_LOOKBACK_DAYS {
            return Err(invalid("lookback_days", lookback_days, "1 to 3,650 days"));
        }
        if matches!(conversions, Conversions::Touchpoints) && !touchpoints.has_conversions {
            return Err(invalid(
                "conversions",
                "touchpoints",
                "a `converted` column, or a transaction log",
            ));
        }
        let lookback = i64::from(lookback_days) * 86_400;
        let orders = match conversions {
            Conversions::Log(log) => Some(orders_of(log)),
            Conversions::Touchpoints => None,
        };
        let mut report = JourneyReport::default();
        let mut journeys = Vec::new();
        let touches = &touchpoints.touches;
        let mut start = 0;
        while start < touches.len() {
            let customer = &touches[start].customer;
            let mut end = start;
            while end < touches.len() && &touches[end].customer == customer {
                end += 1;
            }
            let mine = &touches[start..end];
            start = end;
            report.customers_touched += 1;
            // The customer's conversions as (time, value).
            let conv: Vec<(i64, f64)> = match &orders {
                Some(o) => o.get(customer).cloned().unwrap_or_default(),
                None => mine
                    .iter()
                    .filter(|t| t.converted)
                    .map(|t| (t.at, t.value))
                    .collect(),
            };
            let mut next = 0; // first touch not yet used
            let mut converted_here = 0;
            for &(t, value) in &conv {
                let mut journey = Journey {
                    channels: Vec::new(),
                    days_before_end: Vec::new(),
                    converted: true,
                    value,
                };
                while next < mine.len() && mine[next].at <= t {
                    // Touches up to the previous conversion were consumed by it, so every
                    // touch here follows it.
                    let touch = &mine[next];
                    if touch.at >= t - lookback {
                        journey.channels.push(touch.channel);
                        journey
                            .days_before_end
                            .push((t - touch.at) as f64 / 86_400.0);
                    } else {
                        report.touches_outside_lookback += 1;
                    }
                    next += 1;
                    if orders.is_none() && touch.converted {
                        break;
                    }
                }
                if journey.channels.is_empty() {
                    report.unattributed_conversions += 1;
                    report.unattributed_value += value;
                } else {
                    converted_here += 1;
                    journeys.push(journey);
                }
            }
            if next < mine.len() {
                let rest = &mine[next..];
                let last = rest[rest.len() - 1].at;
                journeys.push(Journey {
                    channels: rest.iter().map(|t| t.channel).collect(),
                    days_before_end: rest
                        .iter()
                        .map(|t| (last - t.at) as f64 / 86_400.0)
                        .collect(),
                    converted: false,
                    value: 0.0,
                });
            }
            match converted_here {
                0 => report.touched_never_converted += 1,
                1 => report.touched_converted += 1,
                _ => {
                    report.touched_converted += 1;
                    report.touched_repeat += 1;
                }
            }
        }
        report.converting = journeys.iter().filter(|j| j.converted).count();
        report.null = journeys.len() - report.converting;
        if report.converting == 0 {
            return Err(Error::NoConversions {
                journeys: journeys.len(),
                unmatched: report.touched_never_converted,
            });
        }
        Ok(Self {
            channels: touchpoints.channels.clone(),
            costs: touchpoints.has_costs.then(|| touchpoints.cost_by_channel()),
            journeys,
            report,
        })
    }

    /// Journeys from paths written as channel names, for tests and for data that is already
    /// aggregated: each `(path, conversions, nulls, value)` adds `conversions` converting
    /// journeys (sharing `value` equally) and `nulls` that did not convert; touches are one day
    /// apart.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an empty path or a negative or non-finite value;
    /// [`Error::NoConversions`] when no path converts.
    pub fn from_paths(paths: &[(Vec<&str>, usize, usize, f64)]) -> Result<Self> {
        let mut channels: Vec<String> = Vec::new();
        let mut journeys = Vec::new();
        for (path, conv, nulls, value) in paths {
            if path.is_empty() {
                return Err(invalid("path", "(empty)", "at least one channel"));
            }
            if !(value.is_finite() && *value >= 0.0) {
                return Err(invalid("value", value, "a finite value >= 0"));
            }
            let idx: Vec<u16> = path
                .iter()
                .map(|name| match channels.iter().position(|c| c == name) {
                    Some(i) => i as u16,
                    None => {
                        channels.push((*name).to_string());
                        (channels.len() - 1) as u16
                    }
                })
                .collect();
            let days: Vec<f64> = (0..idx.len()).rev().map(|d| d as f64).collect();
            for k in 0..conv + nulls {
                journeys.push(Journey {
                    channels: idx.clone(),
                    days_before_end: days.clone(),
                    converted: k < *conv,
                    value: if k < *conv { value / *conv as f64 } else { 0.0 },
                });
            }
        }
        let converting = journeys.iter().filter(|j| j.converted).count();
        if converting == 0 {
            return Err(Error::NoConversions {
                journeys: journeys.len(),
                unmatched: 0,
            });
        }
        Ok(Self {
            channels,
            costs: None,
            report: JourneyReport {
                converting,
                null: journeys.len() - converting,
                ..JourneyReport::default()
            },
            journeys,
        })
    }

    /// Journeys from ChannelAttribution's aggregated layout: a CSV with the columns
    /// `path,total_conversions,total_null,total_conversion_value` (channels of a path joined by
    /// `>`), as [`Self::from_paths`] builds them.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for a header without one of the four columns; [`Error::Csv`];
    /// [`Error::InvalidParameter`] for a count or value that does not parse (naming the line),
    /// and as [`Self::from_paths`].
    pub fn read_paths<R: std::io::Read>(reader: R) -> Result<Self> {
        let mut csv = csv::Reader::from_reader(reader);
        let header: Vec<String> = csv
            .headers()?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    column: name.to_string(),
                    available: header.join(","),
                })
        };
        let cols = [
            col("path")?,
            col("total_conversions")?,
            col("total_null")?,
            col("total_conversion_value")?,
        ];
        let records: Vec<csv::StringRecord> =
            csv.records().collect::<std::result::Result<_, _>>()?;
        let mut paths = Vec::with_capacity(records.len());
        for (k, r) in records.iter().enumerate() {
            let field = |i: usize| r.get(cols[i]).unwrap_or_default().trim();
            let count = |i: usize, name: &'static str| {
                field(i).parse::<usize>().map_err(|_| {
                    invalid(name, format!("{:?} on line {}", field(i), k + 2), "a count")
                })
            };
            let value = field(3).parse::<f64>().map_err(|_| {
                invalid(
                    "total_conversion_value",
                    format!("{:?} on line {}", field(3), k + 2),
                    "a number",
                )
            })?;
            paths.push((
                field(0).split('>').map(str::trim).collect::<Vec<&str>>(),
                count(1, "total_conversions")?,
                count(2, "total_null")?,
                value,
            ));
        }
        Self::from_paths(&paths)
    }

    /// Total conversions and value of the converting journeys.
    pub fn totals(&self) -> (f64, f64) {
        self.journeys
            .iter()
            .filter(|j| j.converted)
            .fold((0.0, 0.0), |(n, v), j| (n + 1.0, v + j.value))
    }
}
