//! Shared helpers for the custalyze benchmarks: finding the project's shared data directory and
//! building deterministic synthetic inputs.
//!
//! The benchmarks compare the Rust crates with the Python references (lifetimes, mlxtend,
//! statsmodels, scikit-learn) on the same files. Those files live in the project's `shared/`
//! directory, next to the workspace root (`<workspace>/../shared`); [`shared_dir`] finds it, and
//! every benchmark that needs a file falls back to a synthetic stand-in (with a printed message)
//! when it is absent, so `cargo bench -p custalyze-benches -- --test` works on any checkout.
//!
//! See `docs/benchmarks.md` at the workspace root for how to run the benchmarks and the Python
//! timings, and for the measured ratios.

pub mod retail_series;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use custalyze_transaction_types::log::RawRow;
use custalyze_transaction_types::{Id, Result, TransactionLog, TransactionLogBuilder};

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat` (Linux; NaN
/// elsewhere), for examples that report CPU time beside wall time.
pub fn cpu_seconds() -> f64 {
    // Fields 14 and 15 of /proc/self/stat (after the parenthesised command name): utime and
    // stime in clock ticks, 100 per second on Linux.
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

/// Environment variable that overrides the location of the shared data directory.
pub const SHARED_DIR_ENV: &str = "CUSTALYZE_SHARED_DIR";

/// The CDNOW master file, relative to the shared directory.
pub const CDNOW_MASTER: &str = "data/cdnow/CDNOW_master.txt";

/// Rows in the CDNOW master file (the size of the synthetic stand-in used without it).
pub const CDNOW_MASTER_ROWS: usize = 69_659;

/// Customers in the CDNOW master file.
pub const CDNOW_MASTER_CUSTOMERS: u32 = 23_570;

/// The project's shared directory (`shared/`, holding `data/`, `reference/` and `oracle/`), if it
/// exists.
///
/// Looked up in this order: the directory named by [`SHARED_DIR_ENV`], then
/// `<workspace root>/../shared` (the layout of the project machines and CI), then
/// `<workspace root>/shared`.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SHARED_DIR_ENV) {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [manifest.join("../../shared"), manifest.join("../shared")]
        .into_iter()
        .find(|d| d.join("data").is_dir())
}

/// The path of a file under the shared directory, if that file exists.
///
/// # Examples
/// ```
/// // `None` on a checkout without the shared data; the benchmarks then use synthetic inputs.
/// let master = custalyze_benches::shared_file(custalyze_benches::CDNOW_MASTER);
/// if let Some(path) = master {
///     assert!(path.is_file());
/// }
/// ```
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    shared_dir()
        .map(|d| d.join(relative))
        .filter(|p| p.is_file())
}

/// A deterministic 64-bit linear congruential generator (Knuth's MMIX constants). Good enough to
/// spread synthetic rows over customers, days and amounts; not for statistics.
#[derive(Clone, Debug)]
pub struct Lcg(u64);

impl Lcg {
    /// A generator with a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 32 random bits (the high half of the state).
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// A value in `0..n` (`n > 0`; slightly biased, which does not matter here).
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// A value in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        f64::from(self.next_u32()) / 4_294_967_296.0
    }
}

/// Days from 1970-01-01 to 1997-01-01, the first day of the CDNOW data.
const CDNOW_FIRST_DAY: i64 = 9_862;
/// Days from 1997-01-01 to 1998-06-30, both included.
const CDNOW_SPAN_DAYS: u32 = 546;

/// One synthetic row: `(customer, day since 1970-01-01, units, amount)`. Customers are drawn with
/// a skew (low ids buy more often), days uniformly over `span_days` from `first_day`.
fn synthetic_row(
    rng: &mut Lcg,
    customers: u32,
    first_day: i64,
    span_days: u32,
) -> (u32, i64, u32, f64) {
    let u = rng.unit();
    let customer = ((u * u) * f64::from(customers)) as u32;
    let day = first_day + i64::from(rng.below(span_days));
    let units = 1 + rng.below(4);
    let cents = 100 + rng.below(9_900) * units;
    (
        customer.min(customers - 1),
        day,
        units,
        f64::from(cents) / 100.0,
    )
}

/// A synthetic log of `rows` rows over `customers` customers (at least 1) and `span_days` days
/// from 1997-01-01, one order per row, deterministic for a seed. Used for the scale benchmarks.
///
/// # Errors
/// [`custalyze_transaction_types::DataError::NoUsableRows`] when `rows` is 0.
///
/// # Examples
/// ```
/// let log = custalyze_benches::synthetic_log(1_000, 100, 365, 7)?;
/// assert_eq!(log.len(), 1_000);
/// assert!(log.customer_ids().len() <= 100);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
pub fn synthetic_log(
    rows: usize,
    customers: u32,
    span_days: u32,
    seed: u64,
) -> Result<TransactionLog> {
    let (customers, span_days) = (customers.max(1), span_days.max(1));
    let mut rng = Lcg::new(seed);
    let mut builder = TransactionLogBuilder::new();
    for i in 0..rows {
        let (customer, day, units, amount) =
            synthetic_row(&mut rng, customers, CDNOW_FIRST_DAY, span_days);
        builder.push_row(RawRow {
            customer: Id::Int(i64::from(customer) + 1),
            order: Id::Int(i as i64),
            timestamp: day * 86_400 + i64::from(rng.below(86_400)),
            item: None,
            description: None,
            quantity: f64::from(units),
            unit_price: amount / f64::from(units),
            amount,
            location: None,
        });
    }
    builder.build()
}

/// A synthetic file in the CDNOW master layout (`customer_id date number_of_cds dollar_value`,
/// with the master file's header), `rows` rows over `customers` customers between 1997-01-01 and
/// 1998-06-30. Stands in for `CDNOW_master.txt` when the shared data is absent.
///
/// # Examples
/// ```
/// let text = custalyze_benches::synthetic_cdnow_text(3, 2, 1);
/// assert_eq!(text.lines().count(), 4);
/// assert!(text.starts_with("customer_id date number_of_cds dollar_value\n"));
/// ```
pub fn synthetic_cdnow_text(rows: usize, customers: u32, seed: u64) -> String {
    let customers = customers.max(1);
    let mut rng = Lcg::new(seed);
    let mut out = String::with_capacity(rows * 32 + 64);
    out.push_str("customer_id date number_of_cds dollar_value\n");
    for _ in 0..rows {
        let (customer, day, units, amount) =
            synthetic_row(&mut rng, customers, CDNOW_FIRST_DAY, CDNOW_SPAN_DAYS);
        let date = custalyze_transaction_types::period::date_from_days(day);
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:05} {} {units} {amount:.2}",
            customer + 1,
            date.format("%Y%m%d")
        );
    }
    out
}

/// The median wall time of `runs` calls of `f` (the result kept from the optimiser): the timing
/// loop of the examples that compare with the Python scripts.
pub fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> std::time::Duration {
    let mut times: Vec<std::time::Duration> = (0..runs.max(1))
        .map(|_| {
            let s = std::time::Instant::now();
            std::hint::black_box(f());
            s.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use custalyze_transaction_types::Period;
    use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
    use custalyze_transaction_types::summary::{SummaryOptions, summarize};

    #[test]
    fn synthetic_log_is_deterministic() -> Result<()> {
        let a = synthetic_log(5_000, 300, 100, 42)?;
        let b = synthetic_log(5_000, 300, 100, 42)?;
        let c = synthetic_log(5_000, 300, 100, 43)?;
        assert_eq!(a.amounts(), b.amounts());
        assert_eq!(a.timestamps(), b.timestamps());
        assert_ne!(a.amounts(), c.amounts());
        Ok(())
    }

    #[test]
    fn synthetic_cdnow_text_loads_completely() -> Result<()> {
        let text = synthetic_cdnow_text(2_000, 500, 3);
        let loaded = load_reader(
            text.as_bytes(),
            "synthetic",
            &LoadOptions::new(Schema::Cdnow),
        )?;
        assert_eq!(loaded.report.rows_read, 2_000);
        assert_eq!(loaded.report.rows_loaded, 2_000);
        let last = loaded.log.last_date();
        let end = chrono::NaiveDate::from_ymd_opt(1998, 6, 30);
        assert!(last.is_some() && last <= end);
        let table = summarize(&loaded.log, &SummaryOptions::new(Period::DAY))?;
        assert!(table.len() <= 500 && !table.is_empty());
        Ok(())
    }
}
