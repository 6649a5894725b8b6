//! Reading touchpoints: `customer_id,timestamp,channel[,cost][,converted,value]`.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use chrono::NaiveDateTime;
use custalyze_transaction_types::Id;

use crate::error::{Error, Result, invalid};

/// The most distinct channels a touchpoint file may name (more is almost surely a wrong column).
pub const MAX_CHANNELS: usize = 1_000;

/// Why a touchpoint row was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TouchExclusion {
    /// Fewer fields than the header.
    MalformedRow,
    /// Empty customer id.
    MissingCustomer,
    /// A timestamp no format accepts (`YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`,
    /// `YYYY-MM-DD`).
    UnparsableTimestamp,
    /// Empty channel.
    MissingChannel,
    /// A cost that is not a finite number `>= 0`.
    InvalidCost,
    /// A `converted` other than 0/1/true/false, or a value that is not a finite number `>= 0`.
    InvalidConversion,
}

impl TouchExclusion {
    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            TouchExclusion::MalformedRow => "malformed row",
            TouchExclusion::MissingCustomer => "missing customer id",
            TouchExclusion::UnparsableTimestamp => "unparsable timestamp",
            TouchExclusion::MissingChannel => "missing channel",
            TouchExclusion::InvalidCost => "invalid cost",
            TouchExclusion::InvalidConversion => "invalid converted/value",
        }
    }
}

/// What reading the touchpoints did.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TouchpointReport {
    /// Data rows read.
    pub rows_read: u64,
    /// Rows kept.
    pub rows_loaded: u64,
    /// Rows left out, by reason.
    pub excluded: BTreeMap<TouchExclusion, u64>,
    /// Rows dated before the previous row of the same customer in file order (kept, sorted by
    /// time; a sign the file is not in time order).
    pub out_of_order: u64,
}

/// One touch.
#[derive(Clone, Debug, PartialEq)]
pub struct Touch {
    /// The customer.
    pub customer: Id,
    /// Seconds since the epoch.
    pub at: i64,
    /// Index into [`Touchpoints::channels`].
    pub channel: u16,
    /// Cost of the touch (0 without a cost column).
    pub cost: f64,
    /// With a `converted` column: whether the journey converted at this touch.
    pub converted: bool,
    /// With a `value` column: the conversion's value.
    pub value: f64,
}

/// Touchpoints sorted by customer then time, with their channel names.
#[derive(Clone, Debug, PartialEq)]
pub struct Touchpoints {
    /// Channel names, in order of first appearance.
    pub channels: Vec<String>,
    /// The touches.
    pub touches: Vec<Touch>,
    /// Whether the file has a cost column.
    pub has_costs: bool,
    /// Whether the file marks conversions itself (`converted` column).
    pub has_conversions: bool,
    /// What was read and left out.
    pub report: TouchpointReport,
}

fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp());
        }
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
}

impl Touchpoints {
    /// Reads a touchpoint CSV. Columns are found by name (case-insensitive): `customer_id`,
    /// `timestamp`, `channel`, and optionally `cost`, `converted` (0/1/true/false) and `value`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] for a header without a required column; [`Error::Csv`] for a
    /// broken CSV stream; [`Error::InvalidParameter`] for more than [`MAX_CHANNELS`] channels;
    /// [`Error::NoTouchpoints`] when no row survives.
    pub fn from_reader<R: Read>(reader: R) -> Result<Self> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let header: Vec<String> = csv
            .headers()?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let find = |name: &str| header.iter().position(|h| h == name);
        let need = |name: &str| {
            find(name).ok_or_else(|| Error::MissingColumn {
                column: name.to_string(),
                available: header.join(","),
            })
        };
        let (customer, timestamp, channel) =
            (need("customer_id")?, need("timestamp")?, need("channel")?);
        let (cost, converted, value) = (find("cost"), find("converted"), find("value"));
        let width = [
            Some(customer),
            Some(timestamp),
            Some(channel),
            cost,
            converted,
            value,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
            + 1;
        let mut report = TouchpointReport::default();
        let mut channels: Vec<String> = Vec::new();
        let mut index: HashMap<String, u16> = HashMap::new();
        let mut touches = Vec::new();
        let mut last_at: HashMap<Id, i64> = HashMap::new();
        let mut rec = csv::StringRecord::new();
        while csv.read_record(&mut rec)? {
            report.rows_read += 1;
            let mut exclude = |r: TouchExclusion| *report.excluded.entry(r).or_default() += 1;
            if rec.len() < width {
                exclude(TouchExclusion::MalformedRow);
                continue;
            }
            let field = |i: usize| rec.get(i).unwrap_or_default().trim();
            let Some(id) = Id::parse(field(customer)) else {
                exclude(TouchExclusion::MissingCustomer);
                continue;
            };
            let Some(at) = parse_time(field(timestamp)) else {
                exclude(TouchExclusion::UnparsableTimestamp);
                continue;
            };
            let name = field(channel);
            if name.is_empty() {
                exclude(TouchExclusion::MissingChannel);
                continue;
            }
            let c = match cost.map(field) {
                None | Some("") => 0.0,
                Some(s) => match s.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => v,
                    _ => {
                        exclude(TouchExclusion::InvalidCost);
                        continue;
                    }
                },
            };
            let conv = match converted.map(|i| field(i).to_ascii_lowercase()) {
                None => Some(false),
                Some(s) => match s.as_str() {
                    "" | "0" | "false" | "no" => Some(false),
                    "1" | "true" | "yes" => Some(true),
                    _ => None,
                },
            };
            let val = match value.map(field) {
                None | Some("") => Some(0.0),
                Some(s) => s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0),
            };
            let (Some(conv), Some(val)) = (conv, val) else {
                exclude(TouchExclusion::InvalidConversion);
                continue;
            };
            let ch = match index.get(name) {
                Some(&k) => k,
                None => {
                    if channels.len() >= MAX_CHANNELS {
                        return Err(invalid(
                            "channels",
                            channels.len() + 1,
                            "at most 1,000 distinct channels (is the channel column right?)",
                        ));
                    }
                    let k = channels.len() as u16;
                    channels.push(name.to_string());
                    index.insert(name.to_string(), k);
                    k
                }
            };
            if let Some(&prev) = last_at.get(&id)
                && at < prev
            {
                report.out_of_order += 1;
            }
            last_at.insert(id.clone(), at);
            touches.push(Touch {
                customer: id,
                at,
                channel: ch,
                cost: c,
                converted: conv,
                value: val,
            });
        }
        if touches.is_empty() {
            let reason = if report.rows_read == 0 {
                "the file has no data rows".to_string()
            } else {
                report
                    .excluded
                    .iter()
                    .map(|(r, n)| format!("{n} x {}", r.describe()))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return Err(Error::NoTouchpoints { reason });
        }
        report.rows_loaded = touches.len() as u64;
        touches.sort_by(|a, b| a.customer.cmp(&b.customer).then(a.at.cmp(&b.at)));
        Ok(Self {
            channels,
            touches,
            has_costs: cost.is_some(),
            has_conversions: converted.is_some(),
            report,
        })
    }

    /// Total cost per channel.
    pub fn cost_by_channel(&self) -> Vec<f64> {
        let mut cost = vec![0.0; self.channels.len()];
        for t in &self.touches {
            cost[t.channel as usize] += t.cost;
        }
        cost
    }
}
