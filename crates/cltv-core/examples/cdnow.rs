//! The worked CDNOW example of docs/cltv.md: fit BG/NBD, Pareto/NBD, MBG/NBD and Gamma-Gamma on the
//! 2357-customer CDNOW calibration summary and score a few customers.
//!
//! Run: `cargo run --release -p custalyze-cltv-core --example cdnow`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::clv::{ClvOptions, TimeUnit};
use custalyze_cltv_core::{BgNbd, Customer, GammaGamma, MbgNbd, ParetoNbd, RfmData, SpendData};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cdnow_customers_summary_with_transactions.csv"
    );
    let text = std::fs::read_to_string(path)?;
    let (mut x, mut t_x, mut t, mut m) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(str::parse).collect::<Result<_, _>>()?;
        x.push(v[1]);
        t_x.push(v[2]);
        t.push(v[3]);
        m.push(v[4]);
    }
    let data = RfmData::new(&x, &t_x, &t, None)?;
    println!(
        "{} customers, {} distinct (x, t_x, T) rows",
        data.len(),
        data.compress().len()
    );

    let start = std::time::Instant::now();
    let bgnbd = BgNbd::params().fit(&data)?;
    let p = bgnbd.params;
    println!(
        "BG/NBD     r={:.4} alpha={:.4} a={:.4} b={:.4} LL={:.4} ({:?})",
        p.r,
        p.alpha,
        p.a,
        p.b,
        bgnbd.report.log_likelihood,
        start.elapsed()
    );
    let pareto = ParetoNbd::params().fit(&data)?;
    let q = pareto.params;
    println!(
        "Pareto/NBD r={:.4} alpha={:.4} s={:.4} beta={:.4} LL={:.4}",
        q.r, q.alpha, q.s, q.beta, pareto.report.log_likelihood
    );
    let mbg = MbgNbd::params().fit(&data)?;
    let g = mbg.params;
    println!(
        "MBG/NBD    r={:.4} alpha={:.4} a={:.4} b={:.4} LL={:.4}",
        g.r, g.alpha, g.a, g.b, mbg.report.log_likelihood
    );
    let (spend, dropped) = SpendData::from_customers(&x, &m, None)?;
    let gg = GammaGamma::params().fit(&spend)?;
    println!(
        "Gamma-Gamma p={:.4} q={:.4} v={:.4} LL={:.4} ({} repeat buyers, {dropped} left out)",
        gg.params.p,
        gg.params.q,
        gg.params.v,
        gg.report.log_likelihood,
        spend.len()
    );

    let options = ClvOptions {
        months: 12,
        monthly_discount_rate: 0.01,
        unit: TimeUnit::Week,
    };
    println!("\ncustomer  x   t_x     T  P(alive)  E[52w]  E[spend]  CLV(12m)");
    for i in [0usize, 1, 2, 17, 156, 1900] {
        let customer = Customer::new(x[i], t_x[i], t[i])?;
        let clv = gg
            .params
            .customer_lifetime_value(&p, &customer, m[i], &options)?;
        println!(
            "{:>8} {:>2} {:>5.2} {:>5.2} {:>9.4} {:>7.4} {:>9.2} {:>9.2}",
            i + 1,
            x[i],
            t_x[i],
            t[i],
            p.p_alive(&customer)?,
            p.expected_purchases(52.0, &customer)?,
            gg.params.conditional_expected_average_profit(x[i], m[i]),
            clv
        );
    }
    Ok(())
}
