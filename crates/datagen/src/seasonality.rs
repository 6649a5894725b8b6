//! Weekly, yearly and time-of-day seasonality, and the calendar that applies it.

use chrono::{Datelike, NaiveDate, NaiveTime};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::params::{GeneratorConfig, weights};

/// Relative weights of weekdays, months and hours of the day.
///
/// The purchase intensity of a customer on day `d` is `λ_i · s(d)` with
///
/// ```text
/// s(d) = weekday[weekday(d)] · month[month(d)] / mean over the span of (weekday · month)
/// ```
///
/// so that `s` averages 1 over the simulated span and the customer's average rate stays `λ_i`.
/// Purchases are drawn by thinning (Lewis & Shedler 1979): candidates at the constant rate
/// `λ_i · max s`, each kept with probability `s(d) / max s`. The hour of a purchase is drawn from
/// `hour` (8:00 to 19:59), the minute and second uniformly.
///
/// Weights need not sum to anything; they must be finite, non-negative and not all zero.
///
/// # Examples
/// ```
/// use custalyze_datagen::Seasonality;
/// let s = Seasonality::default();
/// assert!(s.weekday[6] < s.weekday[0]); // fewer orders on Sundays
/// assert!(s.month[10] > s.month[5]); // November busier than June
/// assert!(Seasonality::none().validate().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seasonality {
    /// Weights of Monday (index 0) to Sunday (index 6).
    pub weekday: [f64; 7],
    /// Weights of January (index 0) to December (index 11).
    pub month: [f64; 12],
    /// Weights of the hours 8 (index 0) to 19 (index 11).
    pub hour: [f64; 12],
}

impl Seasonality {
    /// No seasonality: every weekday, month and hour equally likely.
    pub fn none() -> Self {
        Self {
            weekday: [1.0; 7],
            month: [1.0; 12],
            hour: [1.0; 12],
        }
    }

    /// Checks that every weight is finite and non-negative, with a positive sum per table.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the bad table.
    pub fn validate(&self) -> Result<()> {
        weights("seasonality.weekday", &self.weekday)?;
        weights("seasonality.month", &self.month)?;
        weights("seasonality.hour", &self.hour)
    }
}

impl Default for Seasonality {
    /// A gift-ware retailer: busiest Tuesday to Thursday, Saturday quieter and Sunday at half the
    /// weekday level; a Q4 peak (October 1.2, November 1.6, December 1.4 against 0.75 to 0.95 in
    /// the first eight months); orders mostly around midday.
    fn default() -> Self {
        Self {
            weekday: [1.05, 1.15, 1.15, 1.2, 1.0, 0.8, 0.5],
            month: [
                0.75, 0.75, 0.9, 0.85, 0.95, 0.9, 0.85, 0.9, 1.1, 1.2, 1.6, 1.4,
            ],
            hour: [0.5, 0.9, 1.2, 1.4, 1.5, 1.4, 1.3, 1.2, 1.0, 0.8, 0.6, 0.4],
        }
    }
}

/// The simulated span, day by day: the normalised intensity `s(d)` and the acquisition density.
#[derive(Debug)]
pub(crate) struct Calendar {
    pub start: NaiveDate,
    /// `s(d)` for each day of the span, mean 1.
    pub intensity: Vec<f64>,
    /// `max s`.
    pub max_intensity: f64,
    /// Month (0 to 11) of each day.
    pub month: Vec<u8>,
    /// Cumulative intensity over the acquisition window.
    acquisition: Vec<f64>,
    /// Cumulative hour weights.
    hours: [f64; 12],
}

impl Calendar {
    pub fn new(config: &GeneratorConfig) -> Result<Self> {
        let end = config.end()?;
        let days = usize::try_from((end - config.start).num_days())
            .unwrap_or(0)
            .max(1);
        let s = &config.seasonality;
        let mut intensity = Vec::with_capacity(days);
        let mut month = Vec::with_capacity(days);
        for date in config.start.iter_days().take(days) {
            let m = date.month0() as usize;
            let w = date.weekday().num_days_from_monday() as usize;
            intensity.push(s.weekday[w] * s.month[m]);
            month.push(m as u8);
        }
        let total: f64 = intensity.iter().sum();
        if total <= 0.0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "seasonality",
                    "zero on every day of the span",
                    "a positive weight on at least one day of the span",
                ),
            ));
        }
        let mean = total / days as f64;
        intensity.iter_mut().for_each(|v| *v /= mean);
        let max_intensity = intensity.iter().copied().fold(0.0, f64::max);
        let window = ((days as f64 * config.acquisition_fraction).round() as usize).clamp(1, days);
        let acquisition = cumulative(&intensity[..window]);
        if acquisition.last().is_none_or(|t| *t <= 0.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "seasonality",
                    "zero on every day of the acquisition window",
                    "a positive weight on at least one day of the acquisition window",
                ),
            ));
        }
        let mut hours = [0.0; 12];
        let mut acc = 0.0;
        for (h, w) in hours.iter_mut().zip(s.hour) {
            acc += w;
            *h = acc;
        }
        Ok(Self {
            start: config.start,
            intensity,
            max_intensity,
            month,
            acquisition,
            hours,
        })
    }

    /// Days in the span.
    pub fn days(&self) -> usize {
        self.intensity.len()
    }

    /// A day of the acquisition window, with probability proportional to `s(d)`.
    pub fn acquisition_day<R: Rng>(&self, rng: &mut R) -> usize {
        draw_cumulative(&self.acquisition, rng)
    }

    /// The date of day `d` of the span.
    /// The week of day `day` of the span: weeks run Monday to Sunday, week 0 is the one holding
    /// the first day (so it may be short).
    pub fn week(&self, day: usize) -> usize {
        (day + self.start.weekday().num_days_from_monday() as usize) / 7
    }

    /// Weeks the span touches.
    pub fn weeks(&self) -> usize {
        self.week(self.days() - 1) + 1
    }

    pub fn date(&self, day: usize) -> NaiveDate {
        self.start + chrono::Days::new(day as u64)
    }

    /// A time between 8:00:00 and 19:59:59, the hour by the hour weights.
    pub fn time_of_day<R: Rng>(&self, rng: &mut R) -> NaiveTime {
        let hour = 8 + draw_cumulative(&self.hours, rng) as u32;
        let minute = rng.random_range(0..60);
        let second = rng.random_range(0..60);
        NaiveTime::from_hms_opt(hour, minute, second).unwrap_or_default()
    }
}

/// Running sums of `weights`.
pub(crate) fn cumulative(weights: &[f64]) -> Vec<f64> {
    weights
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

/// An index drawn with probability proportional to the increments of `cumulative` (whose last
/// value must be positive).
pub(crate) fn draw_cumulative<R: Rng>(cumulative: &[f64], rng: &mut R) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let u = rng.random::<f64>() * total;
    cumulative
        .partition_point(|c| *c <= u)
        .min(cumulative.len().saturating_sub(1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn intensity_averages_one_and_follows_the_weights() {
        let config = GeneratorConfig::default();
        let cal = Calendar::new(&config).unwrap();
        assert_eq!(cal.days(), 730);
        let mean = cal.intensity.iter().sum::<f64>() / cal.days() as f64;
        assert!((mean - 1.0).abs() < 1e-12);
        // 2022-01-02 is a Sunday, 2022-01-04 a Tuesday.
        assert!(cal.intensity[1] < cal.intensity[3]);
        // A November Tuesday is busier than a June Tuesday (2022-11-01 vs 2022-06-07).
        assert!(cal.intensity[304] > cal.intensity[157]);
    }

    #[test]
    fn zero_weights_are_skipped() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let cum = cumulative(&[0.0, 2.0, 0.0, 1.0]);
        let mut counts = [0usize; 4];
        for _ in 0..3000 {
            counts[draw_cumulative(&cum, &mut rng)] += 1;
        }
        assert_eq!(counts[0] + counts[2], 0);
        assert!(counts[1] > 1800 && counts[3] > 800, "{counts:?}");
    }

    #[test]
    fn times_stay_in_opening_hours() {
        let cal = Calendar::new(&GeneratorConfig::default()).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..2000 {
            let t = cal.time_of_day(&mut rng);
            assert!(t >= NaiveTime::from_hms_opt(8, 0, 0).unwrap());
            assert!(t < NaiveTime::from_hms_opt(20, 0, 0).unwrap());
        }
    }

    #[test]
    fn a_span_with_zero_weight_everywhere_is_rejected() {
        let mut s = Seasonality::none();
        s.month = [0.0; 12];
        s.month[6] = 1.0; // only July
        let config = GeneratorConfig::default().months(3).seasonality(s); // January to March
        assert!(matches!(
            Calendar::new(&config),
            Err(Error::InvalidParameter(crate::error::InvalidParameter {
                name: "seasonality",
                ..
            }))
        ));
    }
}
