//! Known fraud patterns injected into a generated log, for checking anomaly detectors against
//! labels.
//!
//! [`inject_fraud`] adds four patterns that retail fraud teams look for, each drawn from its own
//! random stream so the clean log is untouched, and records every injected order and customer in
//! [`GenerationRecord::fraud`](crate::GenerationRecord::fraud) (written to the `.params.json` side
//! file):
//!
//! | pattern | what is added | labelled unit |
//! |---|---|---|
//! | [`FraudPattern::CardTesting`] | a new account placing 8–20 orders of one cheap item, 1–4 minutes apart, at any hour (night included) | each order |
//! | [`FraudPattern::LargeOrder`] | one order of 10–30x the customer's expected order value, several lines of dear items | the order |
//! | [`FraudPattern::SpendSpike`] | 3–5 orders within two days, each 5–10x the customer's expected order value | each order |
//! | [`FraudPattern::HeavyReturner`] | a cancellation (`C` invoice) of nearly every line the customer bought | the customer |
//!
//! Large orders, spikes and returners are placed on existing customers with at least three
//! purchases, so the customer's own history is there to compare with. Card-testing accounts are
//! new ids (above every generated one) and are not in [`GeneratedLog::customers`] (they have no
//! latent BG/NBD values).

use chrono::{Duration, NaiveDateTime, NaiveTime};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InvalidParameter, Result};
use crate::log::{GeneratedLog, RetailRow, RowKind};

/// The most injected cases of one pattern (each adds at most 20 orders).
pub const MAX_FRAUD_CASES: usize = 100_000;

/// A kind of injected fraud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FraudPattern {
    /// Bursts of small orders from one new account, minutes apart (stolen cards being tried).
    CardTesting,
    /// One order far above the customer's usual value.
    LargeOrder,
    /// Several dear orders in a short time from a customer who used to buy little.
    SpendSpike,
    /// A customer who returns nearly everything bought.
    HeavyReturner,
}

impl FraudPattern {
    /// Every pattern, in a fixed order.
    pub const ALL: [FraudPattern; 4] = [
        FraudPattern::CardTesting,
        FraudPattern::LargeOrder,
        FraudPattern::SpendSpike,
        FraudPattern::HeavyReturner,
    ];

    /// The snake-case name used in files (`card_testing`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FraudPattern::CardTesting => "card_testing",
            FraudPattern::LargeOrder => "large_order",
            FraudPattern::SpendSpike => "spend_spike",
            FraudPattern::HeavyReturner => "heavy_returner",
        }
    }
}

/// How many cases of each pattern [`inject_fraud`] adds.
///
/// | field | default |
/// |---|---|
/// | `seed` | 7 |
/// | `card_testing` | 10 |
/// | `large_orders` | 20 |
/// | `spend_spikes` | 10 |
/// | `heavy_returners` | 10 |
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FraudConfig {
    /// Seed of the injection (independent of the log's seed).
    pub seed: u64,
    /// Card-testing accounts.
    pub card_testing: usize,
    /// Unusually large single orders.
    pub large_orders: usize,
    /// Customers with a sudden spend spike.
    pub spend_spikes: usize,
    /// Heavy returners.
    pub heavy_returners: usize,
}

impl Default for FraudConfig {
    fn default() -> Self {
        Self {
            seed: 7,
            card_testing: 10,
            large_orders: 20,
            spend_spikes: 10,
            heavy_returners: 10,
        }
    }
}

/// One injected case: its pattern, customer and the invoices it added (for a heavy returner, the
/// customer's cancelled sale invoices).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InjectedFraud {
    /// The pattern.
    pub pattern: FraudPattern,
    /// The customer id written in the CSV.
    pub customer_id: u64,
    /// The sale invoices of the case (card testing, large order, spike: the added orders; heavy
    /// returner: the orders that were returned).
    pub invoices: Vec<u64>,
}

/// Adds the patterns of `config` to `log`, keeps the rows in file order, updates the record's
/// counts and stores the cases in `log.record.fraud`; returns how many cases were injected.
///
/// Existing customers are drawn without replacement among those with at least three purchases
/// (one customer carries one pattern at most); when fewer are eligible, fewer cases are injected
/// and the record says so by its length.
///
/// # Errors
/// [`Error::InvalidParameter`] when a count exceeds [`MAX_FRAUD_CASES`] or the log has no
/// products.
///
/// # Examples
/// ```
/// use custalyze_datagen::{FraudConfig, GeneratorConfig, generate, inject_fraud};
/// let mut log = generate(&GeneratorConfig { customers: 300, seed: 3, ..GeneratorConfig::default() })?;
/// let cases = inject_fraud(&mut log, &FraudConfig::default())?;
/// assert_eq!(cases, log.record.fraud.len());
/// assert!(cases > 0);
/// # Ok::<(), custalyze_datagen::Error>(())
/// ```
pub fn inject_fraud(log: &mut GeneratedLog, config: &FraudConfig) -> Result<usize> {
    for (name, value) in [
        ("card_testing", config.card_testing),
        ("large_orders", config.large_orders),
        ("spend_spikes", config.spend_spikes),
        ("heavy_returners", config.heavy_returners),
    ] {
        if value > MAX_FRAUD_CASES {
            return Err(Error::InvalidParameter(InvalidParameter::new(
                name,
                value,
                "at most 100,000 cases per pattern",
            )));
        }
    }
    let products = log.catalogue.products.len();
    if products == 0 {
        return Err(Error::InvalidParameter(InvalidParameter::new(
            "catalogue",
            0,
            "a log with products",
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let span_start = log.record.start.and_time(NaiveTime::MIN);
    let span_end = log.record.end.and_time(NaiveTime::MIN);
    let span_minutes = (span_end - span_start).num_minutes().max(1);
    let mut next_invoice = log.rows.iter().map(|r| r.invoice).max().unwrap_or(0) + 1;
    let first_new_customer = log
        .customers
        .iter()
        .map(|c| c.customer_id)
        .max()
        .unwrap_or(0)
        + 1;
    // Products by price, for cheap (card testing) and dear (large orders) picks.
    let mut by_price: Vec<usize> = (0..products).collect();
    by_price.sort_by_key(|&p| (log.catalogue.products[p].price_cents, p));
    let cheap = &by_price[..products.div_ceil(10)];
    let dear = &by_price[products - products.div_ceil(5)..];
    // Eligible existing customers, shuffled once and dealt out to the patterns.
    let mut eligible: Vec<usize> = (0..log.customers.len())
        .filter(|&i| log.customers[i].purchases >= 3)
        .collect();
    eligible.shuffle(&mut rng);
    let mut eligible = eligible.into_iter();
    let mut added: Vec<RetailRow> = Vec::new();
    let mut cases = Vec::new();
    let country_of = |log: &GeneratedLog, id: u64| {
        log.rows
            .iter()
            .find(|r| r.customer == Some(id))
            .map_or("United Kingdom", |r| r.country)
    };

    for customer in (first_new_customer..).take(config.card_testing) {
        let mut t = span_start + Duration::minutes(rng.random_range(0..span_minutes));
        let product = cheap[rng.random_range(0..cheap.len())];
        let price_cents = log.catalogue.products[product].price_cents.max(1);
        let mut invoices = Vec::new();
        for _ in 0..rng.random_range(8..=20) {
            added.push(sale(
                next_invoice,
                product,
                1,
                t,
                price_cents,
                customer,
                "United Kingdom",
            ));
            invoices.push(next_invoice);
            next_invoice += 1;
            t += Duration::minutes(rng.random_range(1..=4));
        }
        cases.push(InjectedFraud {
            pattern: FraudPattern::CardTesting,
            customer_id: customer,
            invoices,
        });
    }

    let dear_order = |rng: &mut ChaCha8Rng,
                      target_cents: f64,
                      t: NaiveDateTime,
                      invoice: u64,
                      customer: u64,
                      country: &'static str,
                      added: &mut Vec<RetailRow>| {
        let lines = rng.random_range(2..=5);
        for _ in 0..lines {
            let product = dear[rng.random_range(0..dear.len())];
            let price_cents = log.catalogue.products[product].price_cents.max(1);
            let quantity = ((target_cents / lines as f64) / price_cents as f64)
                .round()
                .max(1.0) as i64;
            added.push(sale(
                invoice,
                product,
                quantity,
                t,
                price_cents,
                customer,
                country,
            ));
        }
    };

    for (pattern, count) in [
        (FraudPattern::LargeOrder, config.large_orders),
        (FraudPattern::SpendSpike, config.spend_spikes),
    ] {
        for _ in 0..count {
            let Some(i) = eligible.next() else { break };
            let truth = &log.customers[i];
            let customer = truth.customer_id;
            let country = country_of(log, customer);
            let first = truth.first_purchase.and_time(NaiveTime::MIN);
            let from = (first - span_start).num_minutes().max(0);
            let start = span_start + Duration::minutes(rng.random_range(from..span_minutes));
            let mean_cents = truth.mean_order_value * 100.0;
            let mut invoices = Vec::new();
            let (orders, low, high) = match pattern {
                FraudPattern::LargeOrder => (1, 10.0, 30.0),
                _ => (rng.random_range(3..=5), 5.0, 10.0),
            };
            let mut t = start;
            for _ in 0..orders {
                let target = mean_cents * rng.random_range(low..high);
                dear_order(
                    &mut rng,
                    target,
                    t,
                    next_invoice,
                    customer,
                    country,
                    &mut added,
                );
                invoices.push(next_invoice);
                next_invoice += 1;
                t += Duration::minutes(rng.random_range(60..=900));
            }
            cases.push(InjectedFraud {
                pattern,
                customer_id: customer,
                invoices,
            });
        }
    }

    for _ in 0..config.heavy_returners {
        let Some(i) = eligible.next() else { break };
        let customer = log.customers[i].customer_id;
        let bought: Vec<RetailRow> = log
            .rows
            .iter()
            .filter(|r| r.customer == Some(customer) && r.kind == RowKind::Sale)
            .cloned()
            .collect();
        let mut invoices: Vec<u64> = Vec::new();
        for row in bought {
            // Nine lines in ten come back, one to three weeks later.
            if !rng.random_bool(0.9) {
                continue;
            }
            let back = row.timestamp + Duration::minutes(rng.random_range(7 * 1440..21 * 1440));
            if back >= span_end {
                continue;
            }
            if invoices.last() != Some(&row.invoice) {
                invoices.push(row.invoice);
            }
            added.push(RetailRow {
                invoice: next_invoice,
                cancellation: true,
                quantity: -row.quantity,
                timestamp: back,
                kind: RowKind::Cancellation,
                ..row
            });
            next_invoice += 1;
        }
        invoices.sort_unstable();
        invoices.dedup();
        cases.push(InjectedFraud {
            pattern: FraudPattern::HeavyReturner,
            customer_id: customer,
            invoices,
        });
    }

    // Update the record's counts and keep file order (time, then invoice).
    let record = &mut log.record;
    let mut seen_invoices = std::collections::HashSet::new();
    for row in &added {
        record.rows += 1;
        if seen_invoices.insert((row.invoice, row.cancellation)) {
            if row.cancellation {
                record.cancellation_invoices += 1;
            }
            record.invoices += 1;
        }
        if row.cancellation {
            record.cancellation_rows += 1;
        } else {
            record.sale_rows += 1;
            record.revenue += row.amount_cents() as f64 / 100.0;
        }
    }
    log.rows.extend(added);
    log.rows.sort_by_key(|r| (r.timestamp, r.invoice));
    let injected = cases.len();
    record.fraud = cases;
    Ok(injected)
}

fn sale(
    invoice: u64,
    product: usize,
    quantity: i64,
    timestamp: NaiveDateTime,
    price_cents: i64,
    customer: u64,
    country: &'static str,
) -> RetailRow {
    RetailRow {
        invoice,
        cancellation: false,
        product,
        quantity,
        timestamp,
        price_cents,
        customer: Some(customer),
        country,
        kind: RowKind::Sale,
        date_text: None,
    }
}
