//! The rule-based recommender built from custalyze-assoc-rules' FP-Growth rules (feature
//! `assoc-rules`): a two-item antecedent that pair rules cannot express decides the top item.
#![cfg(feature = "assoc-rules")]

use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};
use custalyze_recommend::rules::from_rule_set;
use custalyze_recommend::{Error, Recommender, RuleBased, pair_rules};
use custalyze_transaction_types::Id;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// 14 baskets over items 1..=4: `{1,4}` x5, `{2,4}` x5, `{1,2,3}` x4. Pairwise, 4 goes with 1
/// and with 2 more often than 3 does (confidence 5/9 against 4/9), but `{1,2} -> {3}` has
/// confidence 1.
fn baskets() -> Vec<Vec<u32>> {
    let mut b = Vec::new();
    b.extend(std::iter::repeat_n(vec![1, 4], 5));
    b.extend(std::iter::repeat_n(vec![2, 4], 5));
    b.extend(std::iter::repeat_n(vec![1, 2, 3], 4));
    b
}

fn catalogue() -> Vec<Id> {
    (1..=4).map(Id::from).collect()
}

#[test]
fn fp_growth_rules_recommend_the_expected_consequent() -> TestResult {
    let lists: Vec<Vec<String>> = baskets()
        .iter()
        .map(|b| b.iter().map(ToString::to_string).collect())
        .collect();
    let tx = Transactions::from_item_lists(lists)?;
    let itemsets = FpGrowth::params().min_support(0.2).max_len(3).fit(&tx)?;
    let set = AssociationRules::params()
        .min_confidence(0.3)
        .fit(&itemsets)?;
    let rules = from_rule_set(&set)?;
    assert_eq!(rules.len(), set.len());
    // The converted rule {1,2} -> {3} carries the miner's numbers: support 4/14, confidence 1,
    // lift 1 / (4/14).
    let r = rules
        .iter()
        .find(|r| r.antecedents == ["1", "2"] && r.consequents == ["3"])
        .ok_or("rule {1,2} -> {3} is missing")?;
    assert!((r.support - 4.0 / 14.0).abs() < 1e-12);
    assert!((r.confidence - 1.0).abs() < 1e-12);
    assert!((r.lift - 14.0 / 4.0).abs() < 1e-12);

    let ids = catalogue();
    let model = RuleBased::new(&rules, &ids)?;
    assert_eq!(model.skipped_rules, 0);
    // History {1, 2} (indices 0 and 1): item 3 (index 2) first.
    let recs = model.recommend(&[0, 1], 2)?;
    assert_eq!(recs.first().map(|r| r.item), Some(2), "{recs:?}");

    // Pair rules alone rank 4 first for the same history: the difference is the 2-item rule.
    let sets: Vec<Vec<u32>> = baskets()
        .iter()
        .map(|b| b.iter().map(|&i| i - 1).collect())
        .collect();
    let pairs = RuleBased::new(&pair_rules(&sets, &ids, 0.2, 0.3)?, &ids)?;
    let recs = pairs.recommend(&[0, 1], 2)?;
    assert_eq!(recs.first().map(|r| r.item), Some(3), "{recs:?}");
    Ok(())
}

#[test]
fn conversion_rejects_an_index_outside_the_item_table() -> TestResult {
    let tx = Transactions::from_item_lists([vec!["a", "b"], vec!["a", "b"]])?;
    let itemsets = FpGrowth::params().min_support(0.5).fit(&tx)?;
    let mut set = AssociationRules::params()
        .min_confidence(0.5)
        .fit(&itemsets)?;
    set.items.truncate(1);
    let err = from_rule_set(&set).err().ok_or("expected an error")?;
    assert!(matches!(err, Error::InvalidRule { .. }), "{err}");
    Ok(())
}
