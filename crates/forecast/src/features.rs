//! Feature engineering for the machine-learning strategies: target transforms (log, seasonal and
//! first differences), lag features, rolling means, calendar features, exogenous columns, and a
//! standard scaler fitted on training data only.
//!
//! The pipeline, for a series `y_0..y_{n-1}`:
//!
//! 1. [`Preprocess`]: `w_t = ln y_t` (optional), `u_t = w_t - w_{t-s}` (optional seasonal
//!    difference of period `s`), `z_t = u_t - u_{t-1}` (optional first difference). The
//!    transformed series is shorter by `s` (+1) points; [`Preprocess::invert`] undoes it on a
//!    forecast path using the raw history.
//! 2. The target scaler standardises `z` with the mean and standard deviation of the *training*
//!    values only (no look-ahead: when a model is backtested, everything after the origin is unseen).
//! 3. [`FeatureSpec`] builds one row per forecast origin `o` and target time `t >= o`: the lags
//!    `z_{o-l}` in the order given (oldest first for [`FeatureSpec::window`], which the LSTM reads
//!    as a sequence), rolling means `mean(z_{o-w..o})`, calendar features of the *target* time
//!    (`sin`/`cos` of month of year and, for daily data, day of week), and the exogenous columns at
//!    the target time. Calendar and exogenous columns get their own [`StandardScaler`], again
//!    fitted on training rows only.
//!
//! References: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), ch. 9.1
//! (differencing) and 7.4 (calendar predictors); skforecast's `ForecasterRecursive` window features.

use chrono::{Datelike, Months, NaiveDate, TimeDelta};

use crate::{Error, Result};

/// The sampling frequency of a series, used to date its points for calendar features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Frequency {
    /// One point per day.
    Daily,
    /// One point per week.
    Weekly,
    /// One point per calendar month.
    Monthly,
}

/// The date of the first point and the frequency: enough to date every point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalendarSpec {
    /// Date of point 0.
    pub start: NaiveDate,
    /// Spacing of the points.
    pub frequency: Frequency,
}

impl CalendarSpec {
    /// The date of point `index`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the date overflows chrono's range.
    pub fn date_at(&self, index: usize) -> Result<NaiveDate> {
        let overflow = || {
            Error::InvalidParameter(crate::error::InvalidParameter::combination(
                "frequency",
                format!("the date of point {index} is out of range"),
            ))
        };
        let i = u32::try_from(index).map_err(|_| overflow())?;
        match self.frequency {
            Frequency::Daily => self
                .start
                .checked_add_signed(TimeDelta::days(i64::from(i)))
                .ok_or_else(overflow),
            Frequency::Weekly => self
                .start
                .checked_add_signed(TimeDelta::weeks(i64::from(i)))
                .ok_or_else(overflow),
            Frequency::Monthly => self
                .start
                .checked_add_months(Months::new(i))
                .ok_or_else(overflow),
        }
    }

    /// Number of calendar columns this spec adds: month `sin`/`cos`, plus day-of-week `sin`/`cos`
    /// for daily data.
    pub fn n_features(&self) -> usize {
        match self.frequency {
            Frequency::Daily => 4,
            Frequency::Weekly | Frequency::Monthly => 2,
        }
    }

    /// Calendar features of point `index`, appended to `out`:
    /// `sin(2 pi m / 12), cos(2 pi m / 12)` with `m` the month (0..11), and for daily data
    /// `sin(2 pi d / 7), cos(2 pi d / 7)` with `d` the weekday (Monday = 0).
    ///
    /// # Errors
    /// As [`CalendarSpec::date_at`].
    pub fn features_at(&self, index: usize, out: &mut Vec<f64>) -> Result<()> {
        use std::f64::consts::TAU;
        let date = self.date_at(index)?;
        let m = f64::from(date.month0());
        out.push((TAU * m / 12.0).sin());
        out.push((TAU * m / 12.0).cos());
        if self.frequency == Frequency::Daily {
            let d = f64::from(date.weekday().num_days_from_monday());
            out.push((TAU * d / 7.0).sin());
            out.push((TAU * d / 7.0).cos());
        }
        Ok(())
    }
}

/// Target transform applied before feature building: optional log, seasonal difference and first
/// difference (in that order). Default: none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Preprocess {
    /// Take `ln y` first (needs `y > 0`).
    pub log: bool,
    /// Seasonal difference `u_t = w_t - w_{t-s}` with this period `s >= 1`.
    pub seasonal_difference: Option<usize>,
    /// First difference `z_t = u_t - u_{t-1}`.
    pub difference: bool,
}

impl Preprocess {
    /// Points lost at the start: `s` (seasonal) plus 1 (first difference).
    pub fn offset(&self) -> usize {
        self.seasonal_difference.unwrap_or(0) + usize::from(self.difference)
    }

    /// The transformed series; `z[j]` belongs to raw point `j + offset()`.
    ///
    /// # Errors
    /// [`Error::NonFiniteValue`], [`Error::NonPositiveForTransform`] with `log`, or
    /// [`Error::SeriesTooShort`] for a
    /// series not longer than [`Preprocess::offset`]; [`Error::InvalidParameter`] for `s = 0`.
    pub fn apply(&self, y: &[f64]) -> Result<Vec<f64>> {
        if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFiniteValue {
                index: i,
                value: *v,
            });
        }
        if self.seasonal_difference == Some(0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("seasonal_difference", 0, "must be at least 1"),
            ));
        }
        if y.len() <= self.offset() {
            return Err(Error::SeriesTooShort {
                what: format!("differencing {} times", self.offset()),
                needed: self.offset() + 1,
                got: y.len(),
            });
        }
        let w = self.log_part(y)?;
        let u = match self.seasonal_difference {
            Some(s) => (s..w.len()).map(|t| w[t] - w[t - s]).collect(),
            None => w,
        };
        Ok(if self.difference {
            u.windows(2).map(|p| p[1] - p[0]).collect()
        } else {
            u
        })
    }

    fn log_part(&self, y: &[f64]) -> Result<Vec<f64>> {
        if !self.log {
            return Ok(y.to_vec());
        }
        y.iter()
            .enumerate()
            .map(|(i, &v)| {
                if v > 0.0 {
                    Ok(v.ln())
                } else {
                    Err(Error::NonPositiveForTransform {
                        transform: "log",
                        index: i,
                        value: v,
                    })
                }
            })
            .collect()
    }

    /// Maps a forecast `z_future` of the transformed series (continuing right after the raw
    /// `history`) back to the original scale.
    ///
    /// # Errors
    /// [`Error::SeriesTooShort`] when `history` is too short; as [`Preprocess::apply`] for its values.
    pub fn invert(&self, history: &[f64], z_future: &[f64]) -> Result<Vec<f64>> {
        if history.len() <= self.offset() {
            return Err(Error::SeriesTooShort {
                what: "inverting the transform".into(),
                needed: self.offset() + 1,
                got: history.len(),
            });
        }
        let mut w = self.log_part(history)?;
        let s = self.seasonal_difference.unwrap_or(0);
        // u over the history (for the first-difference inversion we need the last u).
        let last_u = |w: &[f64]| -> f64 {
            let t = w.len() - 1;
            if s > 0 { w[t] - w[t - s] } else { w[t] }
        };
        let mut u_prev = last_u(&w);
        let n0 = w.len();
        for &z in z_future {
            let u = if self.difference { u_prev + z } else { z };
            let t = w.len();
            let wt = if s > 0 { u + w[t - s] } else { u };
            w.push(wt);
            u_prev = u;
        }
        Ok(w[n0..]
            .iter()
            .map(|&v| if self.log { v.exp() } else { v })
            .collect())
    }
}

/// Which features a strategy builds for each row. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FeatureSpec {
    /// Lags `l >= 1` (value `z_{o-l}` at origin `o`), as columns in this order.
    pub lags: Vec<usize>,
    /// Rolling-mean windows `w >= 1`: `mean(z_{o-w}, .., z_{o-1})`.
    pub rolling_means: Vec<usize>,
    /// Calendar features of the target time, if the series is dated.
    pub calendar: Option<CalendarSpec>,
    /// Number of exogenous columns (their values at the target time are used).
    pub n_exog: usize,
}

impl FeatureSpec {
    /// Lags `w, w-1, .., 1` (oldest first): the sliding window an LSTM reads as a sequence.
    pub fn window(w: usize) -> Self {
        Self {
            lags: (1..=w).rev().collect(),
            ..Self::default()
        }
    }

    /// Adds rolling means over these windows.
    #[must_use]
    pub fn rolling_means(mut self, windows: Vec<usize>) -> Self {
        self.rolling_means = windows;
        self
    }

    /// Adds calendar features.
    #[must_use]
    pub fn calendar(mut self, calendar: CalendarSpec) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// Declares `n` exogenous columns.
    #[must_use]
    pub fn exog(mut self, n: usize) -> Self {
        self.n_exog = n;
        self
    }

    /// History needed before the first origin: the largest lag or rolling window.
    pub fn max_lookback(&self) -> usize {
        self.lags
            .iter()
            .chain(&self.rolling_means)
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// Number of columns that come from the series (lags, then rolling means).
    pub fn n_series_features(&self) -> usize {
        self.lags.len() + self.rolling_means.len()
    }

    /// Number of calendar + exogenous columns (scaled by the column scaler).
    pub fn n_extra_features(&self) -> usize {
        self.calendar.map_or(0, |c| c.n_features()) + self.n_exog
    }

    /// Checks the spec.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a zero lag or window, or no features at all.
    pub fn check(&self) -> Result<()> {
        if self.lags.contains(&0) || self.rolling_means.contains(&0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "lags",
                    "lags and rolling-mean windows must be at least 1",
                ),
            ));
        }
        if self.lags.is_empty() && self.rolling_means.is_empty() {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "lags",
                    "the feature spec needs at least one lag or rolling mean",
                ),
            ));
        }
        Ok(())
    }

    /// Appends the calendar and exogenous features at raw index `raw_t`.
    pub(crate) fn push_extra_features(
        &self,
        raw_t: usize,
        exog: &[Vec<f64>],
        out: &mut Vec<f64>,
    ) -> Result<()> {
        if let Some(cal) = &self.calendar {
            cal.features_at(raw_t, out)?;
        }
        for (j, col) in exog.iter().enumerate() {
            let v = col
                .get(raw_t)
                .copied()
                .ok_or_else(|| Error::LengthMismatch {
                    what: format!("exogenous column {j} (point {raw_t} is needed)"),
                    expected: raw_t + 1,
                    got: col.len(),
                })?;
            out.push(v);
        }
        Ok(())
    }
}

/// Standardisation `x' = (x - mean) / sd` per column, with `mean` and `sd` (population) taken from
/// the training rows only. Columns with zero spread keep `sd = 1`.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StandardScaler {
    /// Column means.
    pub mean: Vec<f64>,
    /// Column standard deviations (1 for constant columns).
    pub scale: Vec<f64>,
}

impl StandardScaler {
    /// Fits on a row-major matrix of `n_cols` columns.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `x` is empty or its length is not a multiple of `n_cols`.
    pub fn fit(x: &[f64], n_cols: usize) -> Result<Self> {
        if n_cols == 0 {
            return Ok(Self::default());
        }
        if x.is_empty() || !x.len().is_multiple_of(n_cols) {
            return Err(Error::LengthMismatch {
                what: format!("scaler input (a positive multiple of {n_cols} columns)"),
                expected: n_cols * (x.len() / n_cols).max(1),
                got: x.len(),
            });
        }
        let n = (x.len() / n_cols) as f64;
        let mut mean = vec![0.0; n_cols];
        for row in x.chunks(n_cols) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v / n;
            }
        }
        let mut var = vec![0.0; n_cols];
        for row in x.chunks(n_cols) {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v - m).powi(2) / n;
            }
        }
        let scale = var
            .into_iter()
            .map(|v| if v.sqrt() > 1e-12 { v.sqrt() } else { 1.0 })
            .collect();
        Ok(Self { mean, scale })
    }

    /// Scales one row in place (`row.len()` must equal the fitted column count).
    pub fn transform_row(&self, row: &mut [f64]) {
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = (*v - m) / s;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn preprocess_round_trips() {
        let y: Vec<f64> = (0..40)
            .map(|t| 100.0 + t as f64 + 10.0 * (t as f64 / 2.0).sin())
            .collect();
        let p = Preprocess {
            log: true,
            seasonal_difference: Some(12),
            difference: true,
        };
        let z = p.apply(&y).unwrap();
        assert_eq!(z.len(), 40 - 13);
        // invert the last 10 transformed values from the first 30 raw points
        let back = p.invert(&y[..30], &z[30 - 13..]).unwrap();
        for (a, b) in back.iter().zip(&y[30..]) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn log_rejects_non_positive() {
        let p = Preprocess {
            log: true,
            ..Preprocess::default()
        };
        assert!(matches!(
            p.apply(&[1.0, 0.0, 2.0]),
            Err(Error::NonPositiveForTransform { index: 1, .. })
        ));
    }

    #[test]
    fn calendar_months() {
        let c = CalendarSpec {
            start: NaiveDate::from_ymd_opt(1949, 1, 1).unwrap(),
            frequency: Frequency::Monthly,
        };
        assert_eq!(
            c.date_at(13).unwrap(),
            NaiveDate::from_ymd_opt(1950, 2, 1).unwrap()
        );
        let mut out = vec![];
        c.features_at(3, &mut out).unwrap();
        assert!((out[0] - 1.0).abs() < 1e-12 && out[1].abs() < 1e-12); // April: month0 = 3
    }

    #[test]
    fn scaler_uses_given_rows_only() {
        let s = StandardScaler::fit(&[1.0, 10.0, 3.0, 10.0], 2).unwrap();
        assert_eq!(s.mean, vec![2.0, 10.0]);
        assert_eq!(s.scale, vec![1.0, 1.0]);
        let mut row = [5.0, 11.0];
        s.transform_row(&mut row);
        assert_eq!(row, [3.0, 1.0]);
    }
}
