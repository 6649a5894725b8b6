//! Per-customer uncertainty at scale (issue 23's speed targets; `docs/benchmarks.md`):
//! 200 bootstrap refits of BG/NBD on the CDNOW summary, and P(alive) quantiles (5/50/95%) for
//! 1,000,000 customers over 1,000 parameter draws. Prints wall and CPU seconds of each.
//!
//! Run: `cargo run --release -p custalyze-benches --example cltv_uncertainty -- CDNOW_SUMMARY.csv`
//! (the `ID,x,t_x,T,...` summary, e.g.
//! `crates/cltv-core/tests/fixtures/cdnow_customers_summary_with_transactions.csv`).

use custalyze_benches::cpu_seconds;
use custalyze_cltv_core::uncertainty::{
    bootstrap, customer_quantiles, p_alive_quantiles, parameter_draws,
};
use custalyze_cltv_core::{BgNbd, Customer, RfmData};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("pass the CDNOW summary CSV")?;
    let text = std::fs::read_to_string(path)?;
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.parse().unwrap_or(f64::NAN))
            .collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
    }
    let data = RfmData::new(&x, &tx, &t, None)?;
    let fit = BgNbd::params().fit(&data)?;

    let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
    let (fits, failures) = bootstrap(&data.weight, 200, 42, |mult| {
        let mut d = data.clone();
        for (w, m) in d.weight.iter_mut().zip(mult) {
            *w *= m;
        }
        BgNbd::params().fit(&d).map(|f| f.params)
    })?;
    println!(
        "{{\"task\": \"bootstrap 200 BG/NBD refits, CDNOW 2,357 customers\", \"wall_s\": {:.3}, \"cpu_s\": {:.2}, \"fits\": {}, \"failures\": {failures}}}",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        fits.len()
    );

    // A million customers: the CDNOW histories repeated with jittered times.
    let customers: Vec<Customer> = (0..1_000_000)
        .map(|i| {
            let k = i % x.len();
            let j = 1.0 + 0.001 * ((i / x.len()) % 97) as f64;
            Customer::new(x[k], tx[k] * j.min(t[k] / tx[k].max(1e-9)).max(0.0), t[k])
        })
        .collect::<Result<_, _>>()?;
    let cov = fit.report.covariance.clone().ok_or("no covariance")?;
    let draws = parameter_draws(&fit.params, &cov, 1000, 7)?;
    let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
    let q = p_alive_quantiles(&draws, &customers, &[0.05, 0.5, 0.95])?;
    println!(
        "{{\"task\": \"P(alive) 5/50/95% quantiles, 1,000,000 customers x 1,000 draws\", \"wall_s\": {:.3}, \"cpu_s\": {:.2}, \"rows\": {}}}",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        q.len()
    );
    let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
    let q = customer_quantiles(&draws, &customers[..100_000], &[0.05, 0.5, 0.95], |p, c| {
        p.expected_purchases(39.0, c)
    })?;
    println!(
        "{{\"task\": \"expected purchases (39 weeks) quantiles, 100,000 customers x 1,000 draws\", \"wall_s\": {:.3}, \"cpu_s\": {:.2}, \"rows\": {}}}",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        q.len()
    );
    Ok(())
}
