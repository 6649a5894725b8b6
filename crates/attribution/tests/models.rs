//! The models on worked examples, on generated journeys with known channel effects, and one
//! test per error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_attribution::{
    Attribution, Conversions, Error, Journeys, Model, Touchpoints, attribute, markov, reallocate,
};
use custalyze_datagen::{GeneratorConfig, TouchpointConfig, generate, generate_touchpoints};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

/// A > B converts, A alone does not, B alone converts.
fn small() -> Journeys {
    Journeys::from_paths(&[
        (vec!["A", "B"], 1, 0, 10.0),
        (vec!["A"], 0, 1, 0.0),
        (vec!["B"], 1, 0, 20.0),
    ])
    .unwrap()
}

#[test]
fn markov_removal_effects_worked_by_hand() {
    // start → A 2/3, start → B 1/3; A → B 1/2, A → null 1/2; B → conversion 1.
    // x_B = 1, x_A = 1/2, x_start = 2/3 · 1/2 + 1/3 = 2/3.
    // Without A: x_start = 1/3, RE_A = 1 − (1/3)/(2/3) = 1/2. Without B: 0, RE_B = 1.
    // Credits of the 2 conversions: A = 2 · (1/2)/(3/2) = 2/3, B = 4/3.
    let m = markov(&small(), 1).unwrap();
    assert!((m.conversion_probability - 2.0 / 3.0).abs() < 1e-14);
    assert!((m.removal_effects[0] - 0.5).abs() < 1e-14);
    assert!((m.removal_effects[1] - 1.0).abs() < 1e-14);
    assert!((m.conversions[0] - 2.0 / 3.0).abs() < 1e-12);
    assert!((m.conversions[1] - 4.0 / 3.0).abs() < 1e-12);
}

#[test]
fn shapley_worked_by_hand_and_sums_to_conversions() {
    // Rates: {A,B} 1, {A} 0, {B} 1. For {A,B}: φ_A = ½(v(A) − 0) + ½(v(AB) − v(B)) = 0,
    // φ_B = ½(v(B) − 0) + ½(v(AB) − v(A)) = 1: both conversions go to B.
    let r = attribute(&small(), &[Model::Shapley]).unwrap();
    assert_eq!(r[0].conversions, 0.0);
    assert!((r[1].conversions - 2.0).abs() < 1e-12);
    assert!((r[1].revenue - 30.0).abs() < 1e-12);
}

#[test]
fn heuristics_worked_by_hand() {
    let j = Journeys::from_paths(&[(vec!["A", "B", "C", "D"], 1, 0, 100.0)]).unwrap();
    let r = attribute(
        &j,
        &[
            Model::PositionBased,
            Model::TimeDecay {
                half_life_days: 1.0,
            },
        ],
    )
    .unwrap();
    let get = |m: &str, c: &str| {
        r.iter()
            .find(|x| x.model == m && x.channel == c)
            .unwrap()
            .conversions
    };
    assert_eq!(get("position_based", "A"), 0.4);
    assert_eq!(get("position_based", "B"), 0.1);
    // Touches 3, 2, 1, 0 days before: weights 1/8, 1/4, 1/2, 1 over 15/8.
    assert!((get("time_decay", "D") - 8.0 / 15.0).abs() < 1e-12);
    assert!((get("time_decay", "A") - 1.0 / 15.0).abs() < 1e-12);
}

#[test]
fn every_model_credits_every_conversion() {
    let j = small();
    for model in Model::all() {
        let r = attribute(&j, &[model]).unwrap();
        let total: f64 = r.iter().map(|x| x.conversions).sum();
        assert!((total - 2.0).abs() < 1e-9, "{}: {total}", model.name());
    }
}

/// A generated log with touchpoints of known effect, as journeys with a 30-day lookback.
fn generated() -> (Journeys, TouchpointConfig, Vec<f64>) {
    let log = generate(&GeneratorConfig {
        customers: 1500,
        seed: 4,
        ..GeneratorConfig::default()
    })
    .unwrap();
    let config = TouchpointConfig::default();
    let tp = generate_touchpoints(&log, &config).unwrap();
    let mut buf = Vec::new();
    tp.write_csv(&mut buf).unwrap();
    let touchpoints = Touchpoints::from_reader(buf.as_slice()).unwrap();
    let csv = log.to_csv_string().unwrap();
    let loaded = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    let journeys = Journeys::build(&touchpoints, Conversions::Log(&loaded.log), 30).unwrap();
    // Journeys that reach each channel.
    let mut reach = vec![0.0; journeys.channels.len()];
    for j in &journeys.journeys {
        let mut seen = j.channels.clone();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            reach[c as usize] += 1.0;
        }
    }
    (journeys, config, reach)
}

#[test]
fn markov_and_shapley_recover_the_true_ranking() {
    let (journeys, config, reach) = generated();
    let truth: Vec<f64> = journeys
        .channels
        .iter()
        .map(|c| {
            config
                .channels
                .iter()
                .find(|t| &t.name == c)
                .unwrap()
                .effect
        })
        .collect();
    let rank = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
        idx.iter()
            .map(|&i| journeys.channels[i].clone())
            .collect::<Vec<_>>()
    };
    let want = rank(&truth);
    println!("truth: {want:?}");
    for model in [Model::Markov { order: 1 }, Model::Shapley, Model::LastTouch] {
        let r = attribute(&journeys, &[model]).unwrap();
        // Credit per journey reached: the model's conversions over the journeys that touch the
        // channel, the effect per exposure the generator draws from.
        let per_reach: Vec<f64> = r
            .iter()
            .zip(&reach)
            .map(|(x, n)| x.conversions / n)
            .collect();
        let got = rank(&per_reach);
        println!("{}: {got:?} {per_reach:.4?}", model.name());
        assert_eq!(got, want, "{}", model.name());
    }
    println!("{:?}", journeys.report);
    assert!(journeys.report.unattributed_conversions < journeys.report.converting / 20);
}

#[test]
fn budget_moves_spend_to_the_better_return_and_keeps_the_total() {
    let (journeys, _, _) = generated();
    let r = attribute(&journeys, &[Model::Markov { order: 1 }]).unwrap();
    let plan = reallocate(&r, 0.3, 0.5).unwrap();
    let before: f64 = plan.iter().map(|l| l.current_spend).sum();
    let after: f64 = plan.iter().map(|l| l.proposed_spend).sum();
    assert!((before - after).abs() < 1e-6 * before);
    let gain: f64 = plan
        .iter()
        .map(|l| l.expected_revenue - l.current_revenue)
        .sum();
    assert!(gain > 0.0);
    for l in &plan {
        assert!(
            l.proposed_spend <= 1.3 * l.current_spend + 1e-9
                && l.proposed_spend >= 0.7 * l.current_spend - 1e-9
        );
        println!(
            "{}: {:.0} -> {:.0}",
            l.channel, l.current_spend, l.proposed_spend
        );
    }
    // At the current spend the marginal return is β R/C: the channel with the best revenue per
    // unit of spend gains, the worst loses.
    let by_roi = |best: bool| {
        r.iter()
            .max_by(|a, b| {
                let (x, y) = (a.roi.unwrap(), b.roi.unwrap());
                if best {
                    x.total_cmp(&y)
                } else {
                    y.total_cmp(&x)
                }
            })
            .unwrap()
            .channel
            .clone()
    };
    let line = |c: &str| plan.iter().find(|l| l.channel == c).unwrap();
    let (best, worst) = (by_roi(true), by_roi(false));
    assert!(
        line(&best).proposed_spend > line(&best).current_spend,
        "{best}"
    );
    assert!(
        line(&worst).proposed_spend < line(&worst).current_spend,
        "{worst}"
    );
}

#[test]
fn errors() {
    assert!(
        matches!(Touchpoints::from_reader("customer_id,channel\n1,a\n".as_bytes()), Err(Error::MissingColumn { column, .. }) if column == "timestamp")
    );
    assert!(matches!(
        Touchpoints::from_reader("customer_id,timestamp,channel\n".as_bytes()),
        Err(Error::NoTouchpoints { .. })
    ));
    let bad = "customer_id,timestamp,channel,cost\n1,yesterday,a,1\n,2024-01-01,a,1\n1,2024-01-01,,1\n1,2024-01-01,a,-1\n";
    match Touchpoints::from_reader(bad.as_bytes()) {
        Err(Error::NoTouchpoints { reason }) => {
            for r in [
                "unparsable timestamp",
                "missing customer id",
                "missing channel",
                "invalid cost",
            ] {
                assert!(reason.contains(r), "{reason}");
            }
        }
        other => panic!("{other:?}"),
    }
    // Out of order rows are kept, sorted and counted.
    let t = Touchpoints::from_reader(
        "customer_id,timestamp,channel\n1,2024-01-02,a\n1,2024-01-01,b\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(t.report.out_of_order, 1);
    assert_eq!(t.touches[0].channel, 1);
    // No conversions: typed error.
    assert!(
        matches!(Journeys::build(&t, Conversions::Touchpoints, 30), Err(Error::InvalidParameter(p)) if p.name == "conversions")
    );
    assert!(
        matches!(Journeys::build(&t, Conversions::Touchpoints, 0), Err(Error::InvalidParameter(p)) if p.name == "lookback_days")
    );
    let conv = Touchpoints::from_reader(
        "customer_id,timestamp,channel,converted\n1,2024-01-01,a,0\n".as_bytes(),
    )
    .unwrap();
    assert!(matches!(
        Journeys::build(&conv, Conversions::Touchpoints, 30),
        Err(Error::NoConversions { .. })
    ));
    assert!(matches!(markov(&small(), 4), Err(Error::InvalidParameter(p)) if p.name == "order"));
    assert!(matches!(
        attribute(
            &small(),
            &[Model::TimeDecay {
                half_life_days: 0.0
            }]
        ),
        Err(Error::InvalidParameter(_))
    ));
    assert!(matches!(
        reallocate(&[], 1.0, 0.5),
        Err(Error::InvalidParameter(_))
    ));
    assert!(matches!(
        Journeys::from_paths(&[(vec![], 1, 0, 1.0)]),
        Err(Error::InvalidParameter(_))
    ));
}

#[test]
fn invalid_attribution_settings() {
    let name = |p: custalyze_attribution::AttributionParams| match p.check() {
        Err(Error::InvalidParameter(e)) => e.name,
        other => panic!("{other:?}"),
    };
    assert_eq!(name(Attribution::params().models(vec![])), "models");
    assert_eq!(
        name(Attribution::params().models(vec![Model::Markov { order: 0 }])),
        "order"
    );
    assert_eq!(
        name(Attribution::params().budget_model(Model::TimeDecay {
            half_life_days: f64::NAN
        })),
        "half_life_days"
    );
    assert_eq!(name(Attribution::params().max_change(1.0)), "max_change");
    assert_eq!(name(Attribution::params().elasticity(1.0)), "elasticity");
    assert!(Attribution::params().check().is_ok());
}

#[test]
fn the_builder_reallocates_with_costs() {
    let (journeys, _, _) = generated();
    let fitted = Attribution::params().fit(&journeys).unwrap();
    assert_eq!(
        fitted.results.len(),
        journeys.channels.len() * Model::all().len()
    );
    assert_eq!(fitted.budget.len(), journeys.channels.len());
    let direct = reallocate(&attribute(&journeys, &[Model::Shapley]).unwrap(), 0.3, 0.5).unwrap();
    assert_eq!(fitted.budget, direct);
}

#[test]
fn a_single_channel_gets_everything() {
    let j = Journeys::from_paths(&[(vec!["only", "only"], 3, 5, 30.0)]).unwrap();
    for model in Model::all() {
        let r = attribute(&j, &[model]).unwrap();
        assert_eq!(r.len(), 1);
        assert!((r[0].conversions - 3.0).abs() < 1e-12, "{}", model.name());
        assert!((r[0].share - 1.0).abs() < 1e-12);
    }
}

#[test]
fn conversions_from_the_touchpoint_file() {
    let text = "customer_id,timestamp,channel,converted,value\n\
        1,2024-01-01 10:00:00,search,0,\n1,2024-01-02 10:00:00,email,1,50\n\
        1,2024-01-05 10:00:00,display,0,\n2,2024-01-03 09:00:00,display,0,\n";
    let t = Touchpoints::from_reader(text.as_bytes()).unwrap();
    let j = Journeys::build(&t, Conversions::Touchpoints, 30).unwrap();
    assert_eq!((j.report.converting, j.report.null), (1, 2));
    assert_eq!(j.journeys[0].channels.len(), 2);
    assert_eq!(j.report.touched_converted, 1);
    assert_eq!(j.report.touched_never_converted, 1);
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Error>();
    check::<Journeys>();
    check::<custalyze_attribution::ChannelResult>();
}

#[test]
fn aggregated_paths_errors() {
    // A missing column, a bad count (naming its line).
    assert!(matches!(
        Journeys::read_paths("path,total_conversions,total_null\na,1,0\n".as_bytes()),
        Err(Error::MissingColumn { column, .. }) if column == "total_conversion_value"
    ));
    match Journeys::read_paths(
        "path,total_conversions,total_null,total_conversion_value\na>b,x,0,1\n".as_bytes(),
    ) {
        Err(Error::InvalidParameter(p)) => assert!(p.value.contains("line 2"), "{p}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn results_are_written_with_and_without_costs() {
    let r = attribute(&small(), &[Model::LastTouch]).unwrap();
    let mut out = Vec::new();
    custalyze_attribution::write_results(&r, false, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("channel,model,conversions,revenue,share\n"),
        "{text}"
    );
    assert!(
        text.contains("B,last_touch,2.0000,30.00,1.000000"),
        "{text}"
    );
}

/// Journeys over 20 channels whose order-3 chain has more states than the dense solver takes.
fn wide(extra: Option<(Vec<&'static str>, usize)>) -> Journeys {
    const NAMES: [&str; 20] = [
        "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13",
        "c14", "c15", "c16", "c17", "c18", "c19",
    ];
    let mut state = 12345u64;
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let mut paths: Vec<(Vec<&str>, usize, usize, f64)> = (0..6000)
        .map(|_| {
            let len = 1 + next(5);
            let path: Vec<&str> = (0..len).map(|_| NAMES[next(20)]).collect();
            let converted = usize::from(next(10) < 2);
            (path, converted, 1 - converted, 10.0 * converted as f64)
        })
        .collect();
    if let Some((path, repeats)) = extra {
        paths.push((path.repeat(repeats), 1, 0, 10.0));
    }
    Journeys::from_paths(&paths).unwrap()
}

#[test]
fn large_chains_are_solved_iteratively() {
    let j = wide(None);
    let m = markov(&j, 3).unwrap();
    assert!(
        m.states > custalyze_attribution::markov::DENSE_STATES,
        "{} states",
        m.states
    );
    let (total, _) = j.totals();
    assert!((m.conversions.iter().sum::<f64>() - total).abs() < 1e-6);
    assert!(m.removal_effects.iter().all(|r| (0.0..=1.0).contains(r)));
}

#[test]
fn a_looping_journey_cannot_run_for_hours() {
    // One journey touching c0 100,000 times: P(c0 -> c0) is almost 1 and Gauss-Seidel would need
    // millions of sweeps; the attribution stops at its budget with a typed error.
    let j = wide(Some((vec!["c0"], 100_000)));
    assert!(
        matches!(markov(&j, 3), Err(Error::NotConverged { .. })),
        "{:?}",
        markov(&j, 3).map(|m| m.states)
    );
}
