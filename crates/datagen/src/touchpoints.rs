//! Marketing touchpoints with channels of known effect, joined to a generated log's orders, for
//! checking attribution models against the truth.
//!
//! Each channel `c` has a known effect `e_c` and a share of touches `π_c`. A journey is a
//! chain of touches: each touch's channel is drawn from `π`; right after a touch of channel `c`
//! the journey converts with probability `e_c` (and ends); otherwise it goes on to another touch
//! with probability 0.7, up to 8 touches, or ends without a purchase. So
//!
//! ```text
//! P(convert | touches c₁ … cₙ, not converted before) = e_cₙ
//! ```
//!
//! For every order of the log, journeys are drawn until one converts (at most 200 draws): the
//! converting journey's touches are placed in the 30 days before the order (after the
//! customer's previous order), under the ordering customer; each journey that did not convert becomes a prospect (a new id, `P<n>`) whose
//! touches end without a purchase. The conditional distribution of conversion given the touched
//! channels is therefore exactly the chain above, so an attribution model that measures effects
//! should rank the channels by `e_c` whatever their share of touches.

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InvalidParameter, Result};
use crate::log::GeneratedLog;

/// Probability that a journey goes on after a touch that did not convert.
const CONTINUE: f64 = 0.7;
/// The most touches in one journey.
const MAX_TOUCHES: usize = 8;

/// The header of [`TouchpointLog::write_csv`].
pub const TOUCHPOINT_HEADER: [&str; 4] = ["customer_id", "timestamp", "channel", "cost"];

/// One channel of the simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTruth {
    /// The channel's name.
    pub name: String,
    /// `e_c`: the probability that a journey converts right after a touch of this channel.
    pub effect: f64,
    /// `π_c`: the share of touches.
    pub share: f64,
    /// Cost of one touch, currency units.
    pub cost_per_touch: f64,
}

/// The channels and seed of [`generate_touchpoints`].
///
/// The default channels, by effect: search (0.12), email (0.08), affiliate (0.06), direct mail
/// (0.03), social (0.02), display (0.005); display and social carry the most touches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TouchpointConfig {
    /// Seed (independent of the log's seed).
    pub seed: u64,
    /// The channels.
    pub channels: Vec<ChannelTruth>,
}

impl Default for TouchpointConfig {
    fn default() -> Self {
        let c = |name: &str, effect, share, cost_per_touch| ChannelTruth {
            name: name.to_string(),
            effect,
            share,
            cost_per_touch,
        };
        Self {
            seed: 17,
            channels: vec![
                c("search", 0.12, 0.20, 0.80),
                c("email", 0.08, 0.15, 0.05),
                c("affiliate", 0.06, 0.05, 1.00),
                c("direct_mail", 0.03, 0.10, 0.90),
                c("social", 0.02, 0.25, 0.30),
                c("display", 0.005, 0.25, 0.20),
            ],
        }
    }
}

/// One touch.
#[derive(Clone, Debug, PartialEq)]
pub struct Touchpoint {
    /// The customer id as written: the log's id, or `P<n>` for a prospect who never bought.
    pub customer_id: String,
    /// When.
    pub timestamp: NaiveDateTime,
    /// Index into [`TouchpointConfig::channels`].
    pub channel: usize,
}

/// Generated touchpoints, sorted by customer then time, and the truth behind them.
#[derive(Clone, Debug, PartialEq)]
pub struct TouchpointLog {
    /// The touches.
    pub touches: Vec<Touchpoint>,
    /// The configuration used (channels with their true effects).
    pub config: TouchpointConfig,
    /// Journeys that converted (one per order of the log).
    pub converting_journeys: u64,
    /// Journeys that did not (one per prospect).
    pub null_journeys: u64,
}

/// Draws journeys for every sale invoice of `log` as the module docs describe.
///
/// # Errors
/// [`Error::InvalidParameter`] for no channels, an effect outside `[0, 1)`, shares that are
/// negative or sum to 0, or a negative or non-finite cost.
///
/// # Examples
/// ```
/// use custalyze_datagen::{GeneratorConfig, TouchpointConfig, generate, generate_touchpoints};
/// let log = generate(&GeneratorConfig { customers: 100, seed: 1, ..GeneratorConfig::default() })?;
/// let touches = generate_touchpoints(&log, &TouchpointConfig::default())?;
/// assert!(touches.converting_journeys > 0 && touches.null_journeys > touches.converting_journeys);
/// # Ok::<(), custalyze_datagen::Error>(())
/// ```
pub fn generate_touchpoints(
    log: &GeneratedLog,
    config: &TouchpointConfig,
) -> Result<TouchpointLog> {
    let bad = |name, value: f64, why| {
        Err(Error::InvalidParameter(InvalidParameter::new(
            name, value, why,
        )))
    };
    if config.channels.is_empty() {
        return bad("channels", 0.0, "at least one channel");
    }
    for c in &config.channels {
        if !(c.effect.is_finite() && (0.0..1.0).contains(&c.effect)) {
            return bad("channels.effect", c.effect, "a probability in [0, 1)");
        }
        if !(c.share.is_finite() && c.share >= 0.0) {
            return bad("channels.share", c.share, "a finite share >= 0");
        }
        if !(c.cost_per_touch.is_finite() && c.cost_per_touch >= 0.0) {
            return bad(
                "channels.cost_per_touch",
                c.cost_per_touch,
                "a finite cost >= 0",
            );
        }
    }
    let total_share: f64 = config.channels.iter().map(|c| c.share).sum();
    if total_share <= 0.0 {
        return bad(
            "channels.share",
            total_share,
            "shares summing to more than 0",
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let draw_channel = |rng: &mut ChaCha8Rng| {
        let mut u = rng.random::<f64>() * total_share;
        for (i, c) in config.channels.iter().enumerate() {
            if u < c.share {
                return i;
            }
            u -= c.share;
        }
        config.channels.len() - 1
    };
    // One order per sale invoice: (customer, time).
    let mut orders: Vec<(u64, NaiveDateTime, u64)> = log
        .rows
        .iter()
        .filter(|r| r.kind == crate::RowKind::Sale)
        .filter_map(|r| r.customer.map(|c| (c, r.timestamp, r.invoice)))
        .collect();
    orders.sort_unstable_by_key(|o| o.2);
    orders.dedup_by_key(|o| o.2);
    let mut touches = Vec::new();
    let (mut converting, mut null) = (0u64, 0u64);
    let mut channels: Vec<usize> = Vec::with_capacity(MAX_TOUCHES);
    // The customer's previous order: a journey's touches fall after it.
    let mut previous: std::collections::HashMap<u64, NaiveDateTime> =
        std::collections::HashMap::new();
    for (customer, at, _) in orders {
        let window = previous
            .insert(customer, at)
            .map_or(30 * 1440, |p| (at - p).num_minutes().clamp(2, 30 * 1440));
        for _ in 0..200 {
            channels.clear();
            let mut converts = false;
            loop {
                let c = draw_channel(&mut rng);
                channels.push(c);
                if rng.random_bool(config.channels[c].effect) {
                    converts = true;
                    break;
                }
                if channels.len() >= MAX_TOUCHES || !rng.random_bool(CONTINUE) {
                    break;
                }
            }
            // Touches spread over the 30 days before the end of the journey, in order.
            let mut offsets: Vec<i64> = channels
                .iter()
                .map(|_| rng.random_range(1..window))
                .collect();
            offsets.sort_unstable_by(|a, b| b.cmp(a));
            let id = if converts {
                converting += 1;
                customer.to_string()
            } else {
                null += 1;
                format!("P{null}")
            };
            for (&c, &m) in channels.iter().zip(&offsets) {
                touches.push(Touchpoint {
                    customer_id: id.clone(),
                    timestamp: at - Duration::minutes(m),
                    channel: c,
                });
            }
            if converts {
                break;
            }
        }
    }
    touches.sort_by(|a, b| {
        a.customer_id
            .cmp(&b.customer_id)
            .then(a.timestamp.cmp(&b.timestamp))
    });
    Ok(TouchpointLog {
        touches,
        config: config.clone(),
        converting_journeys: converting,
        null_journeys: null,
    })
}

impl TouchpointLog {
    /// Writes `customer_id,timestamp,channel,cost` (timestamp `YYYY-MM-DD HH:MM:SS`).
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_csv<W: std::io::Write>(&self, writer: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(TOUCHPOINT_HEADER)?;
        for t in &self.touches {
            let c = &self.config.channels[t.channel];
            w.write_record([
                t.customer_id.as_str(),
                &t.timestamp.format("%Y-%m-%d %H:%M:%S").to_string(),
                c.name.as_str(),
                &format!("{:.2}", c.cost_per_touch),
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}
