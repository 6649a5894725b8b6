//! Calendar periods: the unit in which purchases are counted and time is measured.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

use crate::error::{DataError, Result};

/// The calendar unit of a [`Period`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PeriodUnit {
    /// Clock hours (lifetimes' `freq='H'`); only the customer summaries count in hours (other
    /// tables treat an hour period as the day's first hour).
    Hour,
    /// Calendar days.
    Day,
    /// Weeks running Monday to Sunday (pandas `W` = `W-SUN`).
    Week,
    /// Calendar months.
    Month,
}

/// A period: a calendar unit with a positive multiplier.
///
/// In customer summaries it follows lifetimes' `freq` / `freq_multiplier` pair exactly: purchases
/// are collapsed per calendar `unit` (all purchases on one day, or in one Monday-to-Sunday week, or in
/// one month, count as one repeat purchase), and elapsed time (recency, `T`) is expressed in units of
/// `multiplier` x `unit`. `Period::new(PeriodUnit::Day, 7)` is lifetimes' `freq='D',
/// freq_multiplier=7`: same-day purchases collapse and times are in weeks. In time series the period is
/// the bucket width: `Period::new(PeriodUnit::Week, 2)` buckets revenue into fortnights.
///
/// Parse from text with [`str::parse`]: `"D"`, `"W"`, `"M"`, `"7D"`, `"2W"` (case-insensitive).
///
/// # Examples
/// ```
/// use custalyze_transaction_types::{Period, PeriodUnit};
/// let p: Period = "7D".parse()?;
/// assert_eq!(p, Period::new(PeriodUnit::Day, 7)?);
/// assert_eq!(p.to_string(), "7D");
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Period {
    unit: PeriodUnit,
    multiplier: u32,
}

impl Period {
    /// One day.
    pub const DAY: Period = Period {
        unit: PeriodUnit::Day,
        multiplier: 1,
    };
    /// One Monday-to-Sunday week.
    pub const WEEK: Period = Period {
        unit: PeriodUnit::Week,
        multiplier: 1,
    };
    /// One calendar month.
    pub const MONTH: Period = Period {
        unit: PeriodUnit::Month,
        multiplier: 1,
    };

    /// A period of `multiplier` units.
    ///
    /// # Errors
    /// [`DataError::InvalidPeriod`] when `multiplier` is zero.
    pub fn new(unit: PeriodUnit, multiplier: u32) -> Result<Self> {
        if multiplier == 0 {
            return Err(DataError::InvalidPeriod {
                value: format!("0{}", unit_letter(unit)),
            });
        }
        Ok(Self { unit, multiplier })
    }

    /// The calendar unit.
    pub fn unit(&self) -> PeriodUnit {
        self.unit
    }

    /// The multiplier (at least 1).
    pub fn multiplier(&self) -> u32 {
        self.multiplier
    }

    /// The ordinal of the calendar unit containing `date`: days since 1970-01-01 for days, weeks
    /// (Monday-based) since the week of 1970-01-01 for weeks, `12 * year + month0` for months.
    /// The multiplier is not applied.
    pub fn unit_ordinal(&self, date: NaiveDate) -> i64 {
        unit_ordinal(self.unit, days_from_epoch(date))
    }

    /// [`Period::unit_ordinal`] from a day number (days since 1970-01-01); for hours, the day's
    /// first hour.
    pub fn unit_ordinal_of_day(&self, day: i64) -> i64 {
        unit_ordinal(self.unit, day)
    }

    /// Refuses an hour period where only calendar periods make sense (time series, cohorts, XYZ
    /// classes): hours are for customer summaries.
    ///
    /// # Errors
    /// [`DataError::InvalidPeriod`] for an hour period.
    pub fn require_calendar(&self, what: &str) -> Result<()> {
        if self.unit == PeriodUnit::Hour {
            return Err(DataError::InvalidPeriod {
                value: format!(
                    "{self} ({what} take days, weeks or months; hours are for customer summaries)"
                ),
            });
        }
        Ok(())
    }

    /// The ordinal of the unit holding a timestamp (seconds since 1970-01-01 00:00): hours since
    /// the epoch for hours, else as [`Period::unit_ordinal_of_day`] of its day.
    pub fn unit_ordinal_of_timestamp(&self, seconds: i64) -> i64 {
        match self.unit {
            PeriodUnit::Hour => seconds.div_euclid(3_600),
            _ => unit_ordinal(self.unit, seconds.div_euclid(86_400)),
        }
    }

    /// The ordinal of the last unit of an observation that ends with the day `date` (inclusive):
    /// its last hour for hours (lifetimes reads a date as its midnight; here the whole day
    /// counts, as for days), else [`Period::unit_ordinal`].
    pub fn end_ordinal(&self, date: NaiveDate) -> i64 {
        match self.unit {
            PeriodUnit::Hour => (days_from_epoch(date) + 1) * 24 - 1,
            _ => self.unit_ordinal(date),
        }
    }

    /// The first day (days since 1970-01-01) of the unit with ordinal `ordinal`.
    pub fn unit_start_day(&self, ordinal: i64) -> i64 {
        match self.unit {
            PeriodUnit::Hour => ordinal.div_euclid(24),
            PeriodUnit::Day => ordinal,
            PeriodUnit::Week => ordinal * 7 - 3,
            PeriodUnit::Month => {
                let year = ordinal.div_euclid(12);
                let month0 = ordinal.rem_euclid(12);
                let d = i32::try_from(year)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, month0 as u32 + 1, 1));
                d.map_or(0, days_from_epoch)
            }
        }
    }

    /// The first date of the unit with ordinal `ordinal`.
    pub fn unit_start(&self, ordinal: i64) -> NaiveDate {
        date_from_days(self.unit_start_day(ordinal))
    }

    /// Elapsed time between the starts of two units, in periods: the number of units between them
    /// divided by the multiplier. For days and weeks this is lifetimes'
    /// `(start(b) - start(a)) / timedelta64(1, unit) / freq_multiplier`. For months it is the number
    /// of calendar months: lifetimes 0.11.3 raises on `freq='M'` with pandas 2 ("Unit M is not
    /// supported"), and with older pandas divided by numpy's 30.436875-day average month, which
    /// makes whole calendar months come out as fractions (28/30.44 for February).
    pub fn elapsed(&self, from_ordinal: i64, to_ordinal: i64) -> f64 {
        (to_ordinal - from_ordinal) as f64 / f64::from(self.multiplier)
    }

    /// Number of whole units between two ordinals, divided by the multiplier (lifetimes'
    /// `duration_holdout`: a difference of period ordinals, not of days).
    pub fn ordinal_span(&self, from_ordinal: i64, to_ordinal: i64) -> f64 {
        (to_ordinal - from_ordinal) as f64 / f64::from(self.multiplier)
    }

    /// The bucket (of `multiplier` units) containing unit ordinal `ordinal`, counted from the bucket
    /// that starts at `origin`.
    pub fn bucket(&self, origin: i64, ordinal: i64) -> i64 {
        (ordinal - origin).div_euclid(i64::from(self.multiplier))
    }
}

fn unit_letter(unit: PeriodUnit) -> &'static str {
    match unit {
        PeriodUnit::Hour => "H",
        PeriodUnit::Day => "D",
        PeriodUnit::Week => "W",
        PeriodUnit::Month => "M",
    }
}

fn unit_ordinal(unit: PeriodUnit, day: i64) -> i64 {
    match unit {
        PeriodUnit::Hour => day * 24,
        PeriodUnit::Day => day,
        // 1970-01-01 is a Thursday; the Monday-based week containing it starts on day -3.
        PeriodUnit::Week => (day + 3).div_euclid(7),
        PeriodUnit::Month => {
            let d = date_from_days(day);
            i64::from(d.year()) * 12 + i64::from(d.month0())
        }
    }
}

/// Days since 1970-01-01 of a date.
pub fn days_from_epoch(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE
}

/// The date `days` days after 1970-01-01 (saturating at chrono's range).
pub fn date_from_days(days: i64) -> NaiveDate {
    i32::try_from(days + EPOCH_DAYS_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// `NaiveDate::from_ymd(1970, 1, 1).num_days_from_ce()`.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.multiplier == 1 {
            f.write_str(unit_letter(self.unit))
        } else {
            write!(f, "{}{}", self.multiplier, unit_letter(self.unit))
        }
    }
}

impl FromStr for Period {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let bad = || DataError::InvalidPeriod {
            value: s.to_string(),
        };
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (num, letter) = t.split_at(split);
        let multiplier = if num.is_empty() {
            1
        } else {
            num.parse::<u32>().map_err(|_| bad())?
        };
        let unit = match letter.to_ascii_uppercase().as_str() {
            "H" | "HOUR" | "HOURS" => PeriodUnit::Hour,
            "D" | "DAY" | "DAYS" => PeriodUnit::Day,
            "W" | "WEEK" | "WEEKS" => PeriodUnit::Week,
            "M" | "MONTH" | "MONTHS" => PeriodUnit::Month,
            _ => return Err(bad()),
        };
        if multiplier == 0 {
            return Err(bad());
        }
        Ok(Period { unit, multiplier })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_constant() {
        let d = NaiveDate::from_ymd_opt(1970, 1, 1).map(|d| d.num_days_from_ce());
        assert_eq!(d, Some(719_163));
    }

    #[test]
    fn weeks_start_on_monday() {
        let p = Period::WEEK;
        // 1998-06-30 is a Tuesday; its week starts Monday 1998-06-29.
        let d = NaiveDate::from_ymd_opt(1998, 6, 30).unwrap_or_default();
        let o = p.unit_ordinal(d);
        assert_eq!(
            p.unit_start(o),
            NaiveDate::from_ymd_opt(1998, 6, 29).unwrap_or_default()
        );
        // Sunday belongs to the week that started the Monday before.
        let sun = NaiveDate::from_ymd_opt(1998, 7, 5).unwrap_or_default();
        assert_eq!(p.unit_ordinal(sun), o);
        assert_eq!(p.unit_ordinal(sun.succ_opt().unwrap_or_default()), o + 1);
    }

    #[test]
    fn months_round_trip() {
        let p = Period::MONTH;
        let d = NaiveDate::from_ymd_opt(1997, 2, 17).unwrap_or_default();
        let o = p.unit_ordinal(d);
        assert_eq!(
            p.unit_start(o),
            NaiveDate::from_ymd_opt(1997, 2, 1).unwrap_or_default()
        );
        assert_eq!(p.elapsed(o, o + 1), 1.0);
        assert_eq!(
            Period::new(PeriodUnit::Day, 7)
                .map(|p| p.elapsed(0, 14))
                .ok(),
            Some(2.0)
        );
        assert_eq!(p.ordinal_span(o, o + 3), 3.0);
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("w".parse::<Period>().ok(), Some(Period::WEEK));
        assert_eq!("2W".parse::<Period>().ok().map(|p| p.multiplier()), Some(2));
        assert!("0D".parse::<Period>().is_err());
        assert!("Q".parse::<Period>().is_err());
        assert!("".parse::<Period>().is_err());
        assert!(Period::new(PeriodUnit::Day, 0).is_err());
    }
}
