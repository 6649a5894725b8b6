//! Recommenders on generated data and on the dmba Cosmetics baskets (when ../shared is present).
//! The rule-based recommender is tested with pair rules mined here from co-occurrence counts
//! ([`pair_rules`]), standing in for custalyze-assoc-rules' output.

use std::collections::HashMap;
use std::path::Path;

use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_recommend::evaluation::{basket_completion, evaluate, leave_last_basket_out};
use custalyze_recommend::{
    AssociationRule, ContentModel, CustomerSegment, Error, Interactions, ItemCf, Method,
    RecommendOptions, Recommender, Recommenders, RuleBased, pair_rules, segments,
};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use custalyze_transaction_types::{Baskets, Id, TransactionLog};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn generated(customers: usize) -> Result<TransactionLog, Box<dyn std::error::Error>> {
    let csv =
        generate(&GeneratorConfig::default().customers(customers).seed(9))?.to_csv_string()?;
    Ok(load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )?
    .log)
}

#[test]
fn no_method_recommends_what_was_bought() -> TestResult {
    let log = generated(300)?;
    let baskets = Baskets::from_log(&log)?;
    let models = Recommenders::fit(&baskets, &log, &RecommendOptions::default())?;
    let seg = segments(&log)?;
    let data = Interactions::from_baskets(&baskets)?;
    for u in (0..data.n_users()).step_by(7) {
        let history = data.user_items(u);
        let s = seg[&baskets.customer_ids[u]];
        for method in [
            Method::Hybrid,
            Method::Cf,
            Method::Content,
            Method::Rules,
            Method::Popularity,
        ] {
            let recs = models.recommend(method, history, s, 10)?;
            assert!(recs.len() <= 10);
            for r in &recs {
                assert!(history.binary_search(&r.item).is_err(), "{method:?} {u}");
            }
            for w in recs.windows(2) {
                assert!(w[0].score >= w[1].score);
            }
        }
        // The hybrid always fills k from best sellers.
        assert_eq!(models.recommend(Method::Hybrid, history, s, 10)?.len(), 10);
    }
    Ok(())
}

#[test]
fn content_finds_items_sharing_words() -> TestResult {
    let d = [
        Some("PINK REGENCY TEAPOT"),
        Some("PINK REGENCY MUG"),
        Some("BLUE VINTAGE BALLOON"),
        None,
    ];
    let m = ContentModel::fit(&d)?;
    let recs = m.recommend(&[0], 3)?;
    assert_eq!(recs.len(), 1, "only the mug shares words");
    assert_eq!(recs[0].item, 1);
    // Cosine to the profile is at most 1.
    assert!(recs[0].score <= 1.0 + 1e-12);
    Ok(())
}

#[test]
fn rule_based_follows_mined_pair_rules() -> TestResult {
    let ids: Vec<Id> = ["bread", "butter", "milk", "jam"]
        .iter()
        .map(|s| Id::from(*s))
        .collect();
    // bread+butter together 3 times, bread+milk once, jam alone.
    let sets = vec![vec![0, 1], vec![0, 1], vec![0, 1, 2], vec![3], vec![2]];
    let rules = pair_rules(&sets, &ids, 0.0, 0.0)?;
    let bread_butter = rules
        .iter()
        .find(|r| r.antecedents == ["bread"] && r.consequents == ["butter"])
        .ok_or("rule")?;
    assert!((bread_butter.confidence - 1.0).abs() < 1e-12);
    assert!((bread_butter.support - 0.6).abs() < 1e-12);
    assert!((bread_butter.lift - 1.0 / 0.6).abs() < 1e-12);
    let rb = RuleBased::new(&rules, &ids)?;
    let recs = rb.recommend(&[0], 3)?;
    assert_eq!(recs[0].item, 1);
    assert!(recs.iter().all(|r| r.item != 0 && r.item != 3));
    // Unknown items are skipped, bad numbers rejected.
    let odd = AssociationRule {
        antecedents: vec!["caviar".into()],
        consequents: vec!["bread".into()],
        confidence: 0.5,
        lift: 1.0,
        support: 0.1,
    };
    assert_eq!(
        RuleBased::new(std::slice::from_ref(&odd), &ids)?.skipped_rules,
        1
    );
    let bad = AssociationRule {
        confidence: 1.5,
        ..odd
    };
    assert!(matches!(
        RuleBased::new(&[bad], &ids),
        Err(Error::InvalidRule { .. })
    ));
    Ok(())
}

#[test]
fn leave_last_basket_out_holds_out_the_last_basket() -> TestResult {
    let log = generated(400)?;
    let baskets = Baskets::from_log(&log)?;
    let split = leave_last_basket_out(&baskets)?;
    let mut last: HashMap<u32, &Vec<u32>> = HashMap::new();
    for b in &baskets.baskets {
        last.insert(b.customer, &b.items);
    }
    for c in &split.cases {
        let held = last[&c.user];
        assert!(c.target.iter().all(|i| held.contains(i)));
        assert!(c.target.iter().all(|i| c.history.binary_search(i).is_err()));
        assert_eq!(
            split.train.user_items(c.user as usize),
            c.history.as_slice()
        );
    }
    let models = Recommenders::from_parts(
        &split.train,
        &vec![None; baskets.item_ids.len()],
        None,
        ItemCf::params(),
    )?;
    let n = baskets.item_ids.len();
    let pop = evaluate("popularity", &split.cases, n, 10, |c| {
        models.recommend(
            Method::Popularity,
            &c.history,
            CustomerSegment::Moderate,
            10,
        )
    })?;
    assert!(pop.hit_rate > 0.0 && pop.hit_rate <= 1.0);
    assert!(pop.ndcg <= pop.hit_rate + 1e-12);
    assert!(pop.coverage > 0.0 && pop.coverage <= 1.0);
    Ok(())
}

#[test]
fn bad_inputs_are_errors() -> TestResult {
    assert!(matches!(
        Interactions::from_user_items(3, &[vec![]]),
        Err(Error::Empty(_))
    ));
    assert!(matches!(
        Interactions::from_user_items(3, &[vec![5]]),
        Err(Error::UnknownItem { .. })
    ));
    let m = Interactions::from_user_items(3, &[vec![0, 1], vec![1, 2]])?;
    let cf = ItemCf::params().fit(&m)?;
    assert!(matches!(
        cf.recommend(&[0], 0),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert!(matches!(
        cf.recommend(&[9], 3),
        Err(Error::UnknownItem { .. })
    ));
    assert!(matches!(
        ContentModel::fit(&[None, Some("")]),
        Err(Error::Empty(_))
    ));
    assert!(matches!(
        pair_rules(&[vec![0]], &[Id::Int(1)], 2.0, 0.1),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert!(matches!(
        basket_completion(&[vec![0, 1]], 2, 1.0, 1),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert!(matches!(
        evaluate("x", &[], 3, 10, |_| Ok(Vec::new())),
        Err(Error::Empty(_))
    ));
    Ok(())
}

/// dmba Cosmetics: basket completion (20 % held out, one item hidden, seed 1): item CF and rules
/// mined on the training baskets must beat best sellers on NDCG@3.
#[test]
fn cf_and_rules_beat_popularity_on_cosmetics() -> TestResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/baskets/cosmetics_baskets.txt");
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return Ok(());
    }
    let text = std::fs::read_to_string(&path)?;
    let mut names: Vec<Id> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let sets: Vec<Vec<u32>> = text
        .lines()
        .map(|l| {
            l.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    *index.entry(s.to_string()).or_insert_with(|| {
                        names.push(Id::from(s));
                        (names.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    assert_eq!((sets.len(), names.len()), (1000, 14));
    let split = basket_completion(&sets, names.len(), 0.2, 1)?;
    let train: Vec<Vec<u32>> = (0..split.train.n_users())
        .map(|u| split.train.user_items(u).to_vec())
        .collect();
    let rules = RuleBased::new(&pair_rules(&train, &names, 0.01, 0.1)?, &names)?;
    let models = Recommenders::from_parts(
        &split.train,
        &vec![None; names.len()],
        Some(rules),
        ItemCf::params().shrinkage(1.0),
    )?;
    let run = |method| {
        evaluate("m", &split.cases, names.len(), 3, |c| {
            models.recommend(method, &c.history, CustomerSegment::Moderate, 3)
        })
    };
    let (pop, cf, rules) = (
        run(Method::Popularity)?,
        run(Method::Cf)?,
        run(Method::Rules)?,
    );
    println!(
        "cosmetics NDCG@3: popularity {:.4}, CF {:.4}, rules {:.4}",
        pop.ndcg, cf.ndcg, rules.ndcg
    );
    assert!(cf.ndcg > pop.ndcg);
    assert!(rules.ndcg > pop.ndcg);
    Ok(())
}

#[test]
fn models_are_send_and_sync() {
    fn is<T: Send + Sync>() {}
    is::<Recommenders>();
    is::<Interactions>();
}
