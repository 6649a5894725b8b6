//! Times every candidate auto-ARIMA visits on one series of a CSV in `unique_id,ds,y` form
//! (development aid).
//!
//! Run: `cargo run --release -p custalyze-forecast --example arima_candidates -- FILE.csv s000 [PERIOD]`
//! (period 12 by default; the series' last 12 values are held out).

use custalyze_forecast::arima::AutoArima;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1])?;
    let y: Vec<f64> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&args[2]))
        .filter_map(|l| l.split(',').nth(2)?.parse().ok())
        .collect();
    let y = &y[..y.len() - 12];
    let t = std::time::Instant::now();
    let period = args.get(3).map_or(Ok(12), |p| p.parse())?;
    let (fit, trace) = AutoArima::params(period).fit_with_trace(y)?;
    println!("{} in {:?}", fit.spec().name(), t.elapsed());
    for c in &trace {
        let t = std::time::Instant::now();
        let f = c.spec.fit(y);
        if std::env::var_os("TRACE_ONLY").is_some() {
            println!("{:40} ic {:10.3}", c.spec.name(), c.criterion);
            continue;
        }
        println!(
            "{:40} ic {:10.3} full fit {:?} conv {:?}",
            c.spec.name(),
            c.criterion,
            t.elapsed(),
            f.map(|f| f.converged()).ok()
        );
    }
    Ok(())
}
