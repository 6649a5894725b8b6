//! Putting it together: customers, invoices, cancellations, bad rows, numbering and the record.

use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::catalogue::Catalogue;
use crate::error::Result;
use crate::log::{GeneratedLog, RetailRow, RowKind};
use crate::params::GeneratorConfig;
use crate::prices::draw_stock;
use crate::record::{BadRowCounts, BadRowKind, GenerationRecord, PopulationTruth, PricedProduct};
use crate::seasonality::{Calendar, cumulative, draw_cumulative};
use crate::simulate::{Population, simulate_customer};

/// The number of the first invoice.
pub const FIRST_INVOICE: u64 = 500_001;

/// Random streams: one per concern, so that changing, say, the cancellation rate leaves the
/// customers' purchases alone; customer `i` uses stream `CUSTOMER_STREAMS + i`.
const CATALOGUE_STREAM: u64 = 0;
const CANCELLATION_STREAM: u64 = 1;
const BAD_ROW_STREAM: u64 = 2;
const PRICES_STREAM: u64 = 3;
const STOCK_STREAM: u64 = 4;
const CUSTOMER_STREAMS: u64 = 16;

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// One line before numbering.
#[derive(Clone, Debug)]
struct Line {
    product: usize,
    quantity: i64,
    price_cents: i64,
    kind: RowKind,
    date_text: Option<String>,
}

/// One invoice before numbering.
#[derive(Clone, Debug)]
struct Invoice {
    timestamp: NaiveDateTime,
    cancellation: bool,
    customer: Option<u64>,
    country: &'static str,
    /// Creation order, the last tie-breaker.
    seq: usize,
    lines: Vec<Line>,
}

/// Generates a transaction log.
///
/// The steps, each with its own ChaCha8 stream of the seed:
/// 1. the [`Catalogue`];
/// 2. each customer: `λ`, `p`, `ν`, country, acquisition day, purchase times (BG/NBD with
///    seasonal thinning), and for each purchase an order value `z` realised as lines (see the crate
///    docs);
/// 3. cancellations: each purchase is followed, with probability `cancellation_rate`, by an
///    invoice `C<number>` 0 to 3 days later that takes back part (1 to all units) of 1 to all of
///    its lines;
/// 4. bad rows: `round(rate / (1 - rate) · clean rows)` rows, so that they are a share `rate` of
///    the file, each a copy of a random purchase line with one defect (a guest invoice of one line
///    for a missing customer), placed at a random position in that invoice;
/// 5. invoices sorted by time (a cancellation after its purchase) and numbered from 500001.
///
/// # Errors
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) or
/// [`Error::DateRange`](crate::Error::DateRange) when the configuration does not validate.
///
/// # Examples
/// ```
/// let log = custalyze_datagen::generate(&custalyze_datagen::GeneratorConfig::default().customers(50))?;
/// assert_eq!(log.record.customers, 50);
/// assert!(log.rows.windows(2).all(|w| (w[0].timestamp, w[0].invoice) <= (w[1].timestamp, w[1].invoice)));
/// # Ok::<(), custalyze_datagen::Error>(())
/// ```
pub fn generate(config: &GeneratorConfig) -> Result<GeneratedLog> {
    config.validate()?;
    let calendar = Calendar::new(config)?;
    let mut catalogue = Catalogue::build(config, &mut rng(config.seed, CATALOGUE_STREAM))?;
    if let Some(prices) = &config.prices {
        // Week w is in the festive season when its Thursday is in October to December.
        let offset = config.start.weekday().num_days_from_monday() as usize;
        let festive: Vec<bool> = (0..calendar.weeks())
            .map(|w| {
                let thursday = (7 * w + 3).saturating_sub(offset);
                calendar.month[thursday.min(calendar.days() - 1)] >= 9
            })
            .collect();
        catalogue.set_prices(prices, &festive, &mut rng(config.seed, PRICES_STREAM))?;
    }
    let population = Population::new(config)?;

    // Customers and their purchases.
    let mut customers = Vec::with_capacity(config.customers);
    let mut invoices: Vec<Invoice> = Vec::new();
    for i in 0..config.customers {
        let mut r = rng(config.seed, CUSTOMER_STREAMS + i as u64);
        let c = simulate_customer(i, config, &calendar, &catalogue, &population, &mut r);
        for order in &c.orders {
            let lines = order
                .lines
                .iter()
                .map(|&(product, quantity)| Line {
                    product,
                    quantity,
                    price_cents: catalogue.price_cents_at(product, order.week),
                    kind: RowKind::Sale,
                    date_text: None,
                })
                .collect();
            invoices.push(Invoice {
                timestamp: order.timestamp,
                cancellation: false,
                customer: Some(c.truth.customer_id),
                country: c.country,
                seq: invoices.len(),
                lines,
            });
        }
        customers.push(c.truth);
    }
    let purchases = invoices.len();
    let sale_rows: usize = invoices.iter().map(|i| i.lines.len()).sum();

    // Cancellations.
    let mut r = rng(config.seed, CANCELLATION_STREAM);
    let mut cancellations = Vec::new();
    for inv in &invoices {
        if r.random::<f64>() >= config.cancellation_rate {
            continue;
        }
        let n = inv.lines.len();
        let k = r.random_range(1..=n);
        let mut picked: Vec<usize> = (0..n).collect();
        picked.shuffle(&mut r);
        picked.truncate(k);
        picked.sort_unstable();
        let lines = picked
            .iter()
            .map(|&j| {
                let l = &inv.lines[j];
                Line {
                    quantity: -r.random_range(1..=l.quantity.max(1)),
                    kind: RowKind::Cancellation,
                    ..l.clone()
                }
            })
            .collect();
        let timestamp = later(inv.timestamp, &calendar, &mut r);
        cancellations.push(Invoice {
            timestamp,
            cancellation: true,
            customer: inv.customer,
            country: inv.country,
            seq: purchases + cancellations.len(),
            lines,
        });
    }
    let cancellation_invoices = cancellations.len();
    let cancellation_rows: usize = cancellations.iter().map(|i| i.lines.len()).sum();

    // Bad rows.
    let mut r = rng(config.seed, BAD_ROW_STREAM);
    let clean = (sale_rows + cancellation_rows) as f64;
    let wanted = (config.bad_row_rate / (1.0 - config.bad_row_rate) * clean).round() as usize;
    let kinds = cumulative(&BadRowKind::ALL.map(BadRowKind::weight));
    let mut bad_counts = BadRowCounts::default();
    let mut bad_lines: Vec<(usize, Line)> = Vec::new();
    let mut guests: Vec<Invoice> = Vec::new();
    for _ in 0..wanted {
        let kind = BadRowKind::ALL[draw_cumulative(&kinds, &mut r)];
        let j = r.random_range(0..purchases);
        let inv = &invoices[j];
        let template = &inv.lines[r.random_range(0..inv.lines.len())];
        bad_counts.add(kind);
        let mut line = Line {
            kind: RowKind::Bad(kind),
            ..template.clone()
        };
        match kind {
            BadRowKind::MissingCustomer => {
                let day = (inv.timestamp.date() - calendar.start).num_days().max(0) as usize;
                let month0 = inv.timestamp.month0() as u8;
                let product = catalogue.draw(month0, calendar.week(day), &mut r);
                guests.push(Invoice {
                    timestamp: calendar.date(day).and_time(calendar.time_of_day(&mut r)),
                    cancellation: false,
                    customer: None,
                    country: population.country(config.home_country_share, &mut r),
                    seq: purchases + cancellation_invoices + guests.len(),
                    lines: vec![Line {
                        product,
                        quantity: r.random_range(1..=12),
                        price_cents: catalogue.price_cents_at(product, calendar.week(day)),
                        kind: RowKind::Bad(kind),
                        date_text: None,
                    }],
                });
                continue;
            }
            BadRowKind::UnparsableDate => {
                line.date_text = Some(garbled_date(inv.timestamp, &mut r))
            }
            BadRowKind::ZeroPrice => line.price_cents = 0,
            BadRowKind::NegativePrice => line.price_cents = -template.price_cents,
            BadRowKind::ZeroQuantity => line.quantity = 0,
            BadRowKind::Return => line.quantity = -r.random_range(1..=template.quantity.max(1)),
        }
        bad_lines.push((j, line));
    }
    for (j, line) in bad_lines {
        let lines = &mut invoices[j].lines;
        let at = r.random_range(0..=lines.len());
        lines.insert(at, line);
    }
    let guest_invoices = guests.len();

    // Number the invoices in time order and flatten.
    invoices.extend(cancellations);
    invoices.extend(guests);
    invoices.sort_by(|x, y| {
        (x.timestamp, x.cancellation, x.seq).cmp(&(y.timestamp, y.cancellation, y.seq))
    });
    let mut rows = Vec::with_capacity(invoices.iter().map(|i| i.lines.len()).sum());
    for (k, inv) in invoices.iter_mut().enumerate() {
        let number = FIRST_INVOICE + k as u64;
        for line in inv.lines.drain(..) {
            rows.push(RetailRow {
                invoice: number,
                cancellation: inv.cancellation,
                product: line.product,
                quantity: line.quantity,
                timestamp: inv.timestamp,
                price_cents: line.price_cents,
                customer: inv.customer,
                country: inv.country,
                kind: line.kind,
                date_text: line.date_text,
            });
        }
    }

    // The stock snapshot at the end of the span, from the last eight weeks' net units.
    let stock = if config.prices.is_some() {
        let last_day = calendar.days() as i64 - 1;
        let mut recent = vec![0.0; catalogue.len()];
        for row in &rows {
            let day = (row.timestamp.date() - calendar.start).num_days();
            if last_day - day < 56 && matches!(row.kind, RowKind::Sale | RowKind::Cancellation) {
                recent[row.product] += row.quantity as f64 / 8.0;
            }
        }
        let recent: Vec<f64> = recent.into_iter().map(|v: f64| v.max(0.0)).collect();
        let mut stock = draw_stock(&mut rng(config.seed, STOCK_STREAM), &recent);
        for s in &mut stock {
            s.stock_code
                .clone_from(&catalogue.products[s.product].stock_code);
        }
        stock
    } else {
        Vec::new()
    };

    let revenue_cents: i64 = rows
        .iter()
        .filter(|r| r.kind == RowKind::Sale)
        .map(RetailRow::amount_cents)
        .sum();
    let record = GenerationRecord {
        generator: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        config: config.clone(),
        population: PopulationTruth {
            r: config.bgnbd.r,
            alpha: config.bgnbd.alpha,
            a: config.bgnbd.a,
            b: config.bgnbd.b,
            p: config.spend.p,
            q: config.spend.q,
            gamma: config.spend.gamma,
            mean_purchase_rate: config.bgnbd.mean_purchase_rate(),
            mean_dropout: config.bgnbd.mean_dropout(),
            mean_order_value: config.spend.mean_order_value(),
        },
        start: config.start,
        end: config.end()?,
        first_timestamp: rows.first().map(|r| r.timestamp),
        last_timestamp: rows.last().map(|r| r.timestamp),
        customers: customers.len() as u64,
        repeat_buyers: customers.iter().filter(|c| c.purchases > 1).count() as u64,
        purchases: purchases as u64,
        repeat_purchases: (purchases - customers.len()) as u64,
        alive_at_end: customers.iter().filter(|c| c.alive_at_end()).count() as u64,
        truncated_customers: customers.iter().filter(|c| c.truncated).count() as u64,
        invoices: invoices.len() as u64,
        rows: rows.len() as u64,
        sale_rows: sale_rows as u64,
        cancellation_invoices: cancellation_invoices as u64,
        cancellation_rows: cancellation_rows as u64,
        bad_rows: bad_counts,
        guest_invoices: guest_invoices as u64,
        revenue: revenue_cents as f64 / 100.0,
        products: catalogue.len() as u64,
        product_pricing: catalogue
            .products
            .iter()
            .filter_map(|p| {
                p.pricing.as_ref().map(|pricing| PricedProduct {
                    stock_code: p.stock_code.clone(),
                    category: p.category.clone(),
                    base_price: p.unit_price(),
                    popularity: p.popularity,
                    pricing: pricing.clone(),
                })
            })
            .collect(),
        stock: stock.clone(),
        bundles: catalogue
            .bundles
            .iter()
            .map(|b| {
                b.iter()
                    .map(|&i| catalogue.products[i].stock_code.clone())
                    .collect()
            })
            .collect(),
        fraud: Vec::new(),
    };
    Ok(GeneratedLog {
        rows,
        catalogue,
        customers,
        stock,
        record,
    })
}

/// A time 0 to 3 days after `t` (within the span), in opening hours when on a later day, and
/// strictly after `t`.
fn later<R: Rng>(t: NaiveDateTime, calendar: &Calendar, rng: &mut R) -> NaiveDateTime {
    let day = (t.date() - calendar.start).num_days().max(0) as usize;
    let last = calendar.days().saturating_sub(1);
    let target = (day + rng.random_range(0..=3usize)).min(last);
    let candidate = calendar.date(target).and_time(calendar.time_of_day(rng));
    if candidate > t {
        candidate
    } else {
        t + Duration::minutes(rng.random_range(1..=90))
    }
}

/// A date field no parser accepts, made from the true timestamp.
fn garbled_date<R: Rng>(t: NaiveDateTime, rng: &mut R) -> String {
    match rng.random_range(0..4) {
        0 => format!(
            "{:04}-{:02}-{:02} 25:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.minute(),
            t.second()
        ),
        1 => format!(
            "{:04}-{:02}-32 {:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        2 => String::new(),
        _ => "#VALUE!".to_string(),
    }
}
