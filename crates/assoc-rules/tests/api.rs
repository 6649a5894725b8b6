//! API tests: inputs, recommendations, and one test per bad-input error.

use custalyze_assoc_rules::{
    AssociationRules, Error, FpGrowth, FrequentItemsets, Itemset, ItemsetKind, Metric,
    QuestGenerator, Ranking, Transactions,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn shop() -> Result<Transactions, Error> {
    Transactions::from_item_lists([
        vec!["pasta", "sauce", "cheese"],
        vec!["pasta", "sauce"],
        vec!["pasta", "cheese", "wine"],
        vec!["sauce", "wine"],
        vec!["bread"],
        vec![],
    ])
}

#[test]
fn baskets_from_a_transaction_log() -> TestResult {
    use chrono::NaiveDate;
    use custalyze_transaction_types::{Baskets, Id, Transaction, TransactionLog};
    let at = NaiveDate::from_ymd_opt(2024, 5, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .ok_or("date")?;
    let line = |order: i64, item: &str| {
        Transaction::new(
            Id::Int(1),
            Id::Int(order),
            at,
            Some(Id::from(item)),
            1.0,
            2.0,
        )
    };
    let log = TransactionLog::from_transactions([
        line(1, "milk")?,
        line(1, "bread")?,
        line(1, "milk")?,
        line(2, "milk")?,
        line(3, "bread")?,
        line(3, "milk")?,
    ])?;
    let tx = Transactions::from_baskets(&Baskets::from_log(&log)?);
    assert_eq!(tx.len(), 3);
    let itemsets = FpGrowth::params().min_count(2).fit(&tx)?;
    let milk = tx.item_index("milk").ok_or("milk")?;
    let bread = tx.item_index("bread").ok_or("bread")?;
    let mut pair = vec![milk, bread];
    pair.sort_unstable();
    assert_eq!(itemsets.count_of(&pair), Some(2));
    assert_eq!(itemsets.count_of(&[milk]), Some(3));
    Ok(())
}

#[test]
fn basket_file_with_spaces_crlf_and_empty_lines() -> TestResult {
    let text = "Lip Gloss, Eye shadow\r\n\r\nEye shadow,Lip Gloss,Lip Gloss\n";
    let tx = Transactions::read(text.as_bytes(), ',', "test")?;
    assert_eq!(tx.len(), 3);
    assert_eq!(tx.items(), ["Lip Gloss", "Eye shadow"]);
    assert_eq!(tx.basket(1), [] as [u32; 0]);
    assert_eq!(tx.basket(2), [0, 1]);
    let itemsets = FpGrowth::params().min_support(0.5).fit(&tx)?;
    let pair = itemsets
        .itemsets
        .iter()
        .find(|s| s.items.len() == 2)
        .ok_or("pair")?;
    assert_eq!(itemsets.support(pair), 2.0 / 3.0);
    Ok(())
}

#[test]
fn recommendations_skip_basket_items_and_list_fired_rules() -> TestResult {
    let tx = shop()?;
    let itemsets = FpGrowth::params().min_count(1).fit(&tx)?;
    let rules = AssociationRules::params()
        .min_confidence(0.3)
        .fit(&itemsets)?;
    let recs =
        rules.recommend_names(&["pasta", "sauce", "unknown item"], 10, Ranking::Confidence)?;
    assert!(!recs.is_empty());
    for r in &recs {
        assert!(r.name != "pasta" && r.name != "sauce");
        for &i in &r.rules {
            let rule = &rules.rules[i];
            let ante = rules.names(&rule.antecedents);
            assert!(ante.iter().all(|a| *a == "pasta" || *a == "sauce"));
            assert!(rule.consequents.contains(&r.item));
        }
    }
    // pasta+sauce -> cheese: 1 of 2 baskets; pasta -> cheese: 2 of 3.
    assert_eq!(recs[0].name, "cheese");
    assert!((recs[0].confidence - 2.0 / 3.0).abs() < 1e-12);
    let scores: Vec<f64> = recs.iter().map(|r| r.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    let top1 = rules.recommend_names(&["pasta"], 1, Ranking::Lift)?;
    assert_eq!(top1.len(), 1);
    let blend = rules.recommend_names(&["pasta"], 3, Ranking::Blend { lift_weight: 0.5 })?;
    assert!(blend.iter().all(|r| r.score > 0.0 && r.score < 1.0));
    Ok(())
}

#[test]
fn rules_by_another_metric() -> TestResult {
    let tx = shop()?;
    let itemsets = FpGrowth::params().min_count(1).fit(&tx)?;
    let rules = AssociationRules::params()
        .metric("lift".parse()?)
        .min_threshold(1.5)
        .fit(&itemsets)?;
    assert!(!rules.is_empty());
    assert!(rules.rules.iter().all(|r| r.metrics.lift >= 1.5));
    assert_eq!("zhangs metric".parse::<Metric>()?, Metric::ZhangsMetric);
    assert_eq!(
        "antecedent support".parse::<Metric>()?,
        Metric::AntecedentSupport
    );
    Ok(())
}

#[test]
fn generator_is_deterministic() -> TestResult {
    let g = QuestGenerator {
        n_transactions: 500,
        n_items: 100,
        n_patterns: 20,
        ..QuestGenerator::default()
    };
    let a = g.generate()?;
    assert_eq!(a, g.generate()?);
    assert_ne!(a, QuestGenerator { seed: 1, ..g }.generate()?);
    Ok(())
}

#[test]
fn invalid_min_support_is_rejected() {
    for s in [0.0, -0.1, 1.5, f64::NAN] {
        let e = FpGrowth::params().min_support(s).check();
        assert!(matches!(e, Err(Error::InvalidMinSupport { .. })), "{s}");
    }
}

#[test]
fn zero_min_count_is_rejected() {
    assert!(matches!(
        FpGrowth::params().min_count(0).check(),
        Err(Error::InvalidMinCount)
    ));
}

#[test]
fn zero_max_len_is_rejected() {
    assert!(matches!(
        FpGrowth::params().max_len(0).check(),
        Err(Error::InvalidMaxLen)
    ));
}

#[test]
fn no_transactions_is_an_error() {
    let tx = Transactions::from_item_lists(Vec::<Vec<&str>>::new());
    assert!(matches!(
        tx.map(|t| FpGrowth::params().fit(&t)),
        Ok(Err(Error::NoTransactions))
    ));
}

#[test]
fn nan_threshold_is_rejected() {
    assert!(matches!(
        AssociationRules::params().min_threshold(f64::NAN).check(),
        Err(Error::InvalidThreshold { .. })
    ));
}

#[test]
fn unknown_metric_is_rejected() {
    assert!(matches!(
        "confidance".parse::<Metric>(),
        Err(Error::UnknownMetric { .. })
    ));
}

#[test]
fn rules_from_maximal_itemsets_report_the_missing_subset() -> TestResult {
    let itemsets = FpGrowth::params()
        .min_count(1)
        .kind(ItemsetKind::Maximal)
        .fit(&shop()?)?;
    let e = AssociationRules::params().fit(&itemsets);
    assert!(matches!(e, Err(Error::MissingSubset { .. })));
    Ok(())
}

#[test]
fn too_long_itemsets_are_rejected_for_rules() {
    let itemsets = FrequentItemsets {
        n_transactions: 1,
        min_count: 1,
        kind: ItemsetKind::All,
        items: (0..40).map(|i| i.to_string()).collect(),
        itemsets: vec![Itemset {
            items: (0..40).collect(),
            count: 1,
        }],
    };
    assert!(matches!(
        AssociationRules::params().fit(&itemsets),
        Err(Error::ItemsetTooLong { len: 40, .. })
    ));
}

#[test]
fn unknown_item_index_is_rejected() -> TestResult {
    let tx = shop()?;
    let rules = AssociationRules::params().fit(&FpGrowth::params().min_count(1).fit(&tx)?)?;
    assert!(matches!(
        rules.recommend(&[99], 3, Ranking::Confidence),
        Err(Error::UnknownItem { index: 99, .. })
    ));
    assert!(matches!(
        Transactions::from_indices(vec!["a".into()], [[0u32, 1]]),
        Err(Error::UnknownItem { index: 1, .. })
    ));
    Ok(())
}

#[test]
fn blend_weight_outside_unit_interval_is_rejected() -> TestResult {
    let tx = shop()?;
    let rules = AssociationRules::params().fit(&FpGrowth::params().min_count(1).fit(&tx)?)?;
    for w in [-0.1, 1.1, f64::NAN] {
        assert!(matches!(
            rules.recommend(&[0], 3, Ranking::Blend { lift_weight: w }),
            Err(Error::InvalidBlendWeight { .. })
        ));
    }
    Ok(())
}

#[test]
fn invalid_generator_settings_are_rejected() {
    let e = QuestGenerator {
        n_items: 0,
        ..QuestGenerator::default()
    }
    .generate();
    assert!(matches!(
        e,
        Err(Error::InvalidGenerator {
            name: "n_items",
            ..
        })
    ));
    let e = QuestGenerator {
        mean_len: f64::NAN,
        ..QuestGenerator::default()
    }
    .generate();
    assert!(matches!(
        e,
        Err(Error::InvalidGenerator {
            name: "mean_len",
            ..
        })
    ));
}

#[test]
fn missing_basket_file_is_an_io_error() {
    assert!(matches!(
        Transactions::read_path("/nonexistent/baskets.txt", ','),
        Err(Error::Io { .. })
    ));
}
