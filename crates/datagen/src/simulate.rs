//! The customer-level simulation: BG/NBD purchase times, Gamma-Gamma order values and the items
//! that realise them.

use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng;
use rand_distr::{Beta, Distribution, Exp1, Gamma, Poisson};

use crate::catalogue::Catalogue;
use crate::error::{Result, distribution};
use crate::params::{GeneratorConfig, MAX_PURCHASES_PER_CUSTOMER};
use crate::record::CustomerTruth;
use crate::seasonality::{Calendar, cumulative, draw_cumulative};

/// The home country.
pub(crate) const HOME_COUNTRY: &str = "United Kingdom";

/// Other countries and their relative weights.
const OTHER_COUNTRIES: [(&str, f64); 11] = [
    ("Germany", 0.20),
    ("France", 0.18),
    ("EIRE", 0.15),
    ("Spain", 0.08),
    ("Netherlands", 0.08),
    ("Belgium", 0.07),
    ("Switzerland", 0.06),
    ("Portugal", 0.05),
    ("Italy", 0.05),
    ("Australia", 0.04),
    ("Norway", 0.04),
];

/// The largest order value, in currency units (a guard against extreme spend parameters).
const MAX_ORDER_VALUE: f64 = 1e7;

/// The largest quantity of one line.
const MAX_QUANTITY: i64 = 100_000;

/// One simulated order of a customer.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    pub timestamp: NaiveDateTime,
    /// Week of the span (Monday-based, [`Calendar::week`]).
    pub week: usize,
    /// (product index, quantity >= 1).
    pub lines: Vec<(usize, i64)>,
}

/// One simulated customer.
#[derive(Clone, Debug)]
pub(crate) struct SimulatedCustomer {
    pub truth: CustomerTruth,
    pub country: &'static str,
    pub orders: Vec<Order>,
}

/// The samplers shared by all customers.
pub(crate) struct Population {
    /// Gamma(r, 1): divided by α gives λ.
    rate: Gamma<f64>,
    dropout: Beta<f64>,
    /// Gamma(q, 1): divided by γ gives ν.
    spend_scale: Gamma<f64>,
    /// Gamma(p, 1): divided by ν gives z.
    order_value: Gamma<f64>,
    /// Extra lines beyond the first, Poisson(lines_per_order - 1), if positive.
    extra_lines: Option<Poisson<f64>>,
    countries: Vec<f64>,
}

impl Population {
    pub fn new(config: &GeneratorConfig) -> Result<Self> {
        let extra = config.lines_per_order - 1.0;
        Ok(Self {
            rate: Gamma::new(config.bgnbd.r, 1.0).map_err(distribution("Gamma"))?,
            dropout: Beta::new(config.bgnbd.a, config.bgnbd.b).map_err(distribution("Beta"))?,
            spend_scale: Gamma::new(config.spend.q, 1.0).map_err(distribution("Gamma"))?,
            order_value: Gamma::new(config.spend.p, 1.0).map_err(distribution("Gamma"))?,
            extra_lines: if extra > 0.0 {
                Some(Poisson::new(extra).map_err(distribution("Poisson"))?)
            } else {
                None
            },
            countries: cumulative(&OTHER_COUNTRIES.map(|c| c.1)),
        })
    }

    /// A country: the home country with probability `home_share`, otherwise one of the others.
    pub fn country<R: Rng>(&self, home_share: f64, rng: &mut R) -> &'static str {
        if rng.random::<f64>() < home_share {
            HOME_COUNTRY
        } else {
            OTHER_COUNTRIES[draw_cumulative(&self.countries, rng)].0
        }
    }
}

/// Simulates customer `index` (id `10001 + index`).
///
/// Purchase times are in days from the start of the span: the first at a day of the acquisition
/// window (drawn by seasonal weight) plus a uniform fraction, the next ones by thinning a Poisson
/// process of rate `λ · max s / 7` per day, keeping a candidate at day `d` with probability
/// `s(d) / max s`; after each repeat purchase the customer drops out with probability `p`.
pub(crate) fn simulate_customer<R: Rng>(
    index: usize,
    config: &GeneratorConfig,
    calendar: &Calendar,
    catalogue: &Catalogue,
    population: &Population,
    rng: &mut R,
) -> SimulatedCustomer {
    let lambda = population.rate.sample(rng) / config.bgnbd.alpha;
    let p = population.dropout.sample(rng);
    let nu = population.spend_scale.sample(rng) / config.spend.gamma;
    let country = population.country(config.home_country_share, rng);

    let days = calendar.days() as f64;
    let mut t = calendar.acquisition_day(rng) as f64 + rng.random::<f64>();
    let mut times = vec![t];
    let candidate_rate = lambda / 7.0 * calendar.max_intensity;
    let mut dropped_at = None;
    let mut truncated = false;
    if candidate_rate > 0.0 && candidate_rate.is_finite() {
        'purchases: loop {
            loop {
                let gap: f64 = Exp1.sample(rng);
                t += gap / candidate_rate;
                if t >= days || t.is_nan() {
                    break 'purchases;
                }
                let d = (t as usize).min(calendar.days() - 1);
                if rng.random::<f64>() * calendar.max_intensity < calendar.intensity[d] {
                    break;
                }
            }
            times.push(t);
            if rng.random::<f64>() < p {
                dropped_at = Some(t);
                break;
            }
            if times.len() >= MAX_PURCHASES_PER_CUSTOMER {
                truncated = true;
                break;
            }
        }
    }

    let mut orders = Vec::with_capacity(times.len());
    let mut value_cents = 0i64;
    for &t in &times {
        let day = (t as usize).min(calendar.days() - 1);
        let month0 = calendar.month[day];
        let timestamp = calendar.date(day).and_time(calendar.time_of_day(rng));
        let z = (population.order_value.sample(rng) / nu).min(MAX_ORDER_VALUE);
        let week = calendar.week(day);
        let lines = order_lines(z, (month0, week), config, catalogue, population, rng);
        value_cents += lines
            .iter()
            .map(|&(i, q)| q * catalogue.price_cents_at(i, week))
            .sum::<i64>();
        orders.push(Order {
            timestamp,
            week,
            lines,
        });
    }

    let date_of = |t: f64| calendar.date((t as usize).min(calendar.days() - 1));
    let first: NaiveDate = date_of(times[0]);
    let truth = CustomerTruth {
        customer_id: 10001 + index as u64,
        country: country.to_string(),
        purchase_rate: lambda,
        dropout_probability: p,
        spend_scale: nu,
        mean_order_value: config.spend.p / nu,
        first_purchase: first,
        purchases: times.len() as u64,
        realised_value: value_cents as f64 / 100.0,
        dropped_out: dropped_at.map(date_of),
        truncated,
    };
    SimulatedCustomer {
        truth,
        country,
        orders,
    }
}

/// The lines of an order of value `z` (currency units).
///
/// 1. The order has `1 + Poisson(lines_per_order - 1)` distinct items. With probability
///    `bundle_rate` it holds a whole bundle; the other items are drawn by popularity.
/// 2. While the items at one unit each cost more than `z`, the most expensive item outside the
///    bundle is dropped; a lone item dearer than `z` is swapped for an affordable one if one of
///    20 popularity draws finds it.
/// 3. Each item gets one unit, and the remaining budget `z - Σ price` is split by Dirichlet(1, ...,
///    1) shares: `quantity_j = 1 + round(share_j · remainder / price_j)`.
///
/// So the order's value is `z` up to the rounding of each line (at most half a unit price per
/// line, in either direction), except when even one unit costs more than `z`. With moving
/// prices the items are drawn by the weights of `week` and the order is planned at base prices
/// (and paid at the week's prices).
fn order_lines<R: Rng>(
    z: f64,
    (month0, week): (u8, usize),
    config: &GeneratorConfig,
    catalogue: &Catalogue,
    population: &Population,
    rng: &mut R,
) -> Vec<(usize, i64)> {
    let n = catalogue.len();
    let price = |i: usize| catalogue.products[i].price_cents;
    let extra = population
        .extra_lines
        .as_ref()
        .map_or(0.0, |d| d.sample(rng));
    let wanted = (1 + extra as usize).min(n);
    // (product, in the bundle)
    let mut items: Vec<(usize, bool)> = Vec::with_capacity(wanted + 4);
    if config.bundle_rate > 0.0
        && rng.random::<f64>() < config.bundle_rate
        && let Some(bundle) = catalogue.draw_bundle(rng)
    {
        items.extend(bundle.iter().map(|&i| (i, true)));
    }
    let wanted = wanted.max(items.len());
    let mut attempts = 0;
    while items.len() < wanted && attempts < 20 * wanted + 20 {
        let i = catalogue.draw(month0, week, rng);
        if !items.iter().any(|x| x.0 == i) {
            items.push((i, false));
        }
        attempts += 1;
    }

    let budget = (z * 100.0).max(0.0);
    let mut cost: i64 = items.iter().map(|x| price(x.0)).sum();
    while cost as f64 > budget && items.len() > 1 {
        let dearest = items
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.1)
            .max_by_key(|(_, x)| price(x.0))
            .map(|(k, _)| k);
        match dearest {
            Some(k) => {
                cost -= price(items[k].0);
                items.remove(k);
            }
            None => break,
        }
    }
    if let [(only, false)] = items.as_mut_slice()
        && price(*only) as f64 > budget
        && let Some(i) = (0..20)
            .map(|_| catalogue.draw(month0, week, rng))
            .find(|&i| price(i) as f64 <= budget)
    {
        *only = i;
    }

    let cost: i64 = items.iter().map(|x| price(x.0)).sum();
    let remainder = (budget - cost as f64).max(0.0);
    let shares: Vec<f64> = items.iter().map(|_| Exp1.sample(rng)).collect();
    let total: f64 = shares.iter().sum();
    items
        .iter()
        .zip(&shares)
        .map(|(&(i, _), &s)| {
            let share = if total > 0.0 {
                s / total
            } else {
                1.0 / items.len() as f64
            };
            let extra_units = (share * remainder / price(i) as f64).round();
            (i, 1 + (extra_units as i64).clamp(0, MAX_QUANTITY - 1))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::seasonality::Seasonality;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    struct Fixture {
        config: GeneratorConfig,
        calendar: Calendar,
        catalogue: Catalogue,
        population: Population,
    }

    fn fixture(config: GeneratorConfig) -> Fixture {
        let calendar = Calendar::new(&config).unwrap();
        let catalogue = Catalogue::build(&config, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
        let population = Population::new(&config).unwrap();
        Fixture {
            config,
            calendar,
            catalogue,
            population,
        }
    }

    #[test]
    fn order_values_track_the_target() {
        let f = fixture(GeneratorConfig::default());
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let (mut target, mut realised) = (0.0, 0.0);
        for k in 0..2000 {
            let z = 20.0 + (k % 100) as f64 * 2.0;
            let lines = order_lines(z, (5, 0), &f.config, &f.catalogue, &f.population, &mut rng);
            assert!(!lines.is_empty());
            assert!(lines.iter().all(|l| l.1 >= 1));
            let mut items: Vec<usize> = lines.iter().map(|l| l.0).collect();
            items.sort_unstable();
            items.dedup();
            assert_eq!(items.len(), lines.len(), "items repeat in an order");
            target += z;
            realised += lines
                .iter()
                .map(|&(i, q)| (q * f.catalogue.products[i].price_cents) as f64 / 100.0)
                .sum::<f64>();
        }
        assert!(
            (realised / target - 1.0).abs() < 0.03,
            "realised {realised} target {target}"
        );
    }

    /// Without dropout and seasonality the number of repeat purchases over `T` weeks is
    /// Poisson(λ T); with seasonality, thinning keeps the same mean over the span.
    #[test]
    fn thinning_keeps_the_average_rate() {
        for seasonality in [Seasonality::none(), Seasonality::default()] {
            // r large and α = r / 0.5: λ ≈ 0.5 a week for everyone; b huge: p ≈ 0.
            let config = GeneratorConfig::default()
                .bgnbd(crate::BgNbdTruth::new(1e4, 2e4, 1e-3, 1e6))
                .acquisition_fraction(1e-3)
                .seasonality(seasonality);
            let f = fixture(config);
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let n = 400;
            let mut repeats = 0.0;
            let mut weeks = 0.0;
            for i in 0..n {
                let c = simulate_customer(
                    i,
                    &f.config,
                    &f.calendar,
                    &f.catalogue,
                    &f.population,
                    &mut rng,
                );
                repeats += (c.truth.purchases - 1) as f64;
                weeks += (f.calendar.days() as f64
                    - (c.truth.first_purchase - f.calendar.start).num_days() as f64)
                    / 7.0;
            }
            let rate = repeats / weeks;
            // ~20,000 events: standard error ~0.7%.
            assert!((rate / 0.5 - 1.0).abs() < 0.04, "rate {rate}");
        }
    }

    #[test]
    fn dropout_follows_the_geometric_law() {
        // λ high (≈ 5 a week) so that nobody reaches the end alive unless p is tiny; p ≈ 0.25.
        let config =
            GeneratorConfig::default().bgnbd(crate::BgNbdTruth::new(1e4, 2e3, 2.5e3, 7.5e3));
        let f = fixture(config);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 2000;
        let mut repeats = 0u64;
        for i in 0..n {
            let c = simulate_customer(
                i,
                &f.config,
                &f.calendar,
                &f.catalogue,
                &f.population,
                &mut rng,
            );
            assert!(c.truth.dropped_out.is_some());
            repeats += c.truth.purchases - 1;
        }
        // Repeat purchases until dropout: geometric on 1, 2, ... with mean 1 / p = 4.
        let mean = repeats as f64 / n as f64;
        assert!((mean - 4.0).abs() < 0.25, "mean {mean}");
    }
}
