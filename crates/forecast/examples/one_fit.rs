//! Fits one ARIMA specification to one series of a `unique_id,ds,y` CSV (minus its last 12
//! values) and prints the coefficients, log-likelihood and the smallest AR and MA root moduli
//! (development aid for comparing with R's `Arima`).
//!
//! Run: `cargo run --release -p custalyze-forecast --example one_fit -- FILE.csv s003 1,1,2 0,0,2,12 drift`

use custalyze_forecast::arima::Arima;

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
    let o: Vec<usize> = args[3]
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let s: Vec<usize> = args[4]
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let spec = Arima::new(o[0], o[1], o[2])
        .seasonal(s[0], s[1], s[2], s[3])
        .constant(args.get(5).is_some_and(|a| a == "drift"));
    let fit = spec.fit(y)?;
    println!("{}", fit.spec().name());
    for (k, v) in fit.params() {
        println!("  {k:10} {v:.6}");
    }
    println!(
        "loglik {:.4} aicc {:.4} converged {}",
        fit.log_likelihood,
        fit.aicc,
        fit.converged()
    );
    Ok(())
}
