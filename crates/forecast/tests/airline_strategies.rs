//! The airline series (Box-Jenkins Series G), last 24 months held out: every strategy must beat
//! seasonal naive on MASE, and recursive must equal direct at horizon 1.

use custalyze_forecast::compare::{ComparableModel, CompareParams, SeasonalNaiveBaseline, compare};
use custalyze_forecast::features::{FeatureSpec, Preprocess};
use custalyze_forecast::learner::Ridge;
use custalyze_forecast::strategy::Strategy;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn airline() -> Result<Vec<f64>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/airline_passengers.csv"
    ))?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let v = line.split(',').nth(1).ok_or("missing column")?;
        out.push(v.trim().parse::<f64>()?);
    }
    Ok(out)
}

fn airline_preprocess() -> Preprocess {
    Preprocess {
        log: true,
        seasonal_difference: Some(12),
        difference: false,
    }
}

fn strategy<L: custalyze_forecast::learner::Learner + 'static>(
    s: Strategy,
    learner: L,
) -> Box<dyn ComparableModel> {
    Box::new(
        s.params(learner, 24)
            .features(FeatureSpec::window(24))
            .preprocess(airline_preprocess()),
    )
}

#[test]
fn linear_strategies_beat_seasonal_naive_on_airline() -> TestResult {
    let y = airline()?;
    assert_eq!(y.len(), 144);
    let mut models: Vec<Box<dyn ComparableModel>> = vec![Box::new(SeasonalNaiveBaseline::new(12))];
    for s in [
        Strategy::Recursive,
        Strategy::Direct,
        Strategy::Mimo,
        Strategy::DirRec,
    ] {
        models.push(strategy(s, Ridge::new(1.0)));
    }
    let table = compare(&y, &models, &CompareParams::new(24, 24, 12))?;
    let snaive = table.models[0].overall.ok_or("snaive failed")?.mase;
    for m in &table.models {
        let o = m
            .overall
            .ok_or(format!("{} failed: {:?}", m.name, m.error))?;
        println!("{:<20} MASE {:.3} sMAPE {:.2}", m.name, o.mase, o.smape);
        if m.name != "snaive" {
            assert!(
                o.mase < snaive,
                "{} MASE {} >= snaive {snaive}",
                m.name,
                o.mase
            );
        }
    }
    Ok(())
}

#[cfg(feature = "lstm")]
#[test]
fn lstm_strategies_beat_seasonal_naive_on_airline() -> TestResult {
    use custalyze_forecast::lstm::Lstm;
    let y = airline()?;
    // Small network so the debug-build test stays quick; the CLI uses the defaults.
    let lstm = Lstm::default().hidden(8).epochs(150);
    let models: Vec<Box<dyn ComparableModel>> = vec![
        Box::new(SeasonalNaiveBaseline::new(12)),
        strategy(Strategy::Recursive, lstm),
        strategy(Strategy::Mimo, lstm),
    ];
    let table = compare(&y, &models, &CompareParams::new(24, 24, 12))?;
    let snaive = table.models[0].overall.ok_or("snaive failed")?.mase;
    for m in &table.models {
        let o = m
            .overall
            .ok_or(format!("{} failed: {:?}", m.name, m.error))?;
        println!(
            "{:<20} MASE {:.3} sMAPE {:.2} ({:.1} s)",
            m.name, o.mase, o.smape, m.seconds
        );
        if m.name != "snaive" {
            assert!(
                o.mase < snaive,
                "{} MASE {} >= snaive {snaive}",
                m.name,
                o.mase
            );
        }
    }
    Ok(())
}

#[cfg(feature = "lstm")]
#[test]
fn lstm_recursive_equals_direct_at_horizon_one_and_seed_is_deterministic() -> TestResult {
    use custalyze_forecast::lstm::Lstm;
    let y = airline()?;
    let lstm = Lstm::default().hidden(4).epochs(20);
    let run = |s: Strategy, seed: u64| {
        s.params(lstm.seed(seed), 1)
            .features(FeatureSpec::window(12))
            .preprocess(airline_preprocess())
            .fit(&y[..120])
            .and_then(|f| f.forecast())
            .map(|f| f.mean)
    };
    let rec = run(Strategy::Recursive, 1)?;
    assert_eq!(rec, run(Strategy::Direct, 1)?);
    assert_eq!(rec, run(Strategy::Recursive, 1)?);
    assert_ne!(rec, run(Strategy::Recursive, 2)?);
    Ok(())
}
