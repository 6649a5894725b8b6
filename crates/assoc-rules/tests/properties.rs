//! Property tests: FP-Growth against brute-force enumeration on small random inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use custalyze_assoc_rules::{
    AssociationRules, FpGrowth, ItemsetKind, Metric, RuleMetrics, Transactions,
};
use proptest::prelude::*;

/// Every non-empty itemset over `n_items` items with its count (brute force over bitmasks).
fn brute_force(baskets: &[Vec<u32>], n_items: usize) -> BTreeMap<Vec<u32>, u64> {
    let masks: Vec<u32> = baskets
        .iter()
        .map(|b| b.iter().fold(0u32, |m, &i| m | 1 << i))
        .collect();
    let mut out = BTreeMap::new();
    for set in 1u32..(1 << n_items) {
        let count = masks.iter().filter(|&&m| m & set == set).count() as u64;
        let items: Vec<u32> = (0..n_items as u32).filter(|i| set >> i & 1 == 1).collect();
        out.insert(items, count);
    }
    out
}

fn input() -> impl Strategy<Value = (Vec<Vec<u32>>, usize)> {
    (1usize..=8).prop_flat_map(|n_items| {
        (
            prop::collection::vec(prop::collection::vec(0..n_items as u32, 0..=n_items), 1..40),
            Just(n_items),
        )
    })
}

fn transactions(baskets: &[Vec<u32>], n_items: usize) -> Transactions {
    let names = (0..n_items).map(|i| format!("i{i}")).collect();
    Transactions::from_indices(names, baskets).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fpgrowth_equals_brute_force(
        (baskets, n_items) in input(),
        min_count in 1u64..6,
        max_len in 1usize..9,
    ) {
        let tx = transactions(&baskets, n_items);
        let all = brute_force(&baskets, n_items);
        let got = FpGrowth::params().min_count(min_count).max_len(max_len).fit(&tx).unwrap();
        let want: Vec<(Vec<u32>, u64)> = all
            .iter()
            .filter(|(s, c)| **c >= min_count && s.len() <= max_len)
            .map(|(s, &c)| (s.clone(), c))
            .collect();
        let mut have: Vec<(Vec<u32>, u64)> =
            got.itemsets.iter().map(|s| (s.items.clone(), s.count)).collect();
        have.sort();
        prop_assert_eq!(have, want);
    }

    #[test]
    fn closed_and_maximal_equal_their_definitions((baskets, n_items) in input(), min_count in 1u64..6) {
        let tx = transactions(&baskets, n_items);
        let all = brute_force(&baskets, n_items);
        let frequent: Vec<(&Vec<u32>, u64)> =
            all.iter().filter(|(_, c)| **c >= min_count).map(|(s, &c)| (s, c)).collect();
        let superset = |a: &[u32], b: &[u32]| b.len() > a.len() && a.iter().all(|x| b.contains(x));
        let mut closed: Vec<Vec<u32>> = frequent
            .iter()
            .filter(|(s, c)| !frequent.iter().any(|(t, d)| superset(s, t) && d == c))
            .map(|(s, _)| (*s).clone())
            .collect();
        let mut maximal: Vec<Vec<u32>> = frequent
            .iter()
            .filter(|(s, _)| !frequent.iter().any(|(t, _)| superset(s, t)))
            .map(|(s, _)| (*s).clone())
            .collect();
        closed.sort();
        maximal.sort();
        for (kind, want) in [(ItemsetKind::Closed, closed), (ItemsetKind::Maximal, maximal)] {
            let got = FpGrowth::params().min_count(min_count).kind(kind).fit(&tx).unwrap();
            let mut have: Vec<Vec<u32>> = got.itemsets.iter().map(|s| s.items.clone()).collect();
            have.sort();
            prop_assert_eq!(have, want, "{:?}", kind);
        }
    }

    #[test]
    fn rules_equal_brute_force(
        (baskets, n_items) in input(),
        min_count in 1u64..4,
        threshold in 0.0f64..1.0,
    ) {
        let tx = transactions(&baskets, n_items);
        let all = brute_force(&baskets, n_items);
        let n = baskets.len() as u64;
        let itemsets = FpGrowth::params().min_count(min_count).fit(&tx).unwrap();
        let rules = AssociationRules::params().metric(Metric::Kulczynski).min_threshold(threshold)
            .fit(&itemsets).unwrap();
        let mut want = Vec::new();
        for (s, &c) in all.iter().filter(|(s, c)| **c >= min_count && s.len() >= 2) {
            for mask in 1u32..(1 << s.len()) - 1 {
                let a: Vec<u32> = s.iter().enumerate().filter(|(b, _)| mask >> b & 1 == 1).map(|(_, &i)| i).collect();
                let cons: Vec<u32> = s.iter().filter(|i| !a.contains(i)).copied().collect();
                let m = RuleMetrics::from_counts(n, c, all[&a], all[&cons]);
                if m.kulczynski >= threshold {
                    want.push((a, cons, m));
                }
            }
        }
        want.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        let mut have: Vec<_> = rules.rules.iter()
            .map(|r| (r.antecedents.clone(), r.consequents.clone(), r.metrics)).collect();
        have.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        prop_assert_eq!(have, want);
    }

    #[test]
    fn metrics_stay_in_their_ranges(count_ac in 1u64..50, extra_a in 0u64..50, extra_c in 0u64..50, rest in 0u64..50) {
        let n = count_ac + extra_a + extra_c + rest;
        let m = RuleMetrics::from_counts(n, count_ac, count_ac + extra_a, count_ac + extra_c);
        // The formulas are mlxtend's, so a bound can be crossed by rounding (Zhang's metric of an
        // exact 1 computes as 1.0000000000000002): allow a few ulps.
        let eps = 1e-12;
        prop_assert!(m.confidence > 0.0 && m.confidence <= 1.0 + eps);
        prop_assert!((-1.0 - eps..=1.0 + eps).contains(&m.zhangs_metric), "{}", m.zhangs_metric);
        prop_assert!(m.jaccard > 0.0 && m.jaccard <= 1.0 + eps);
        prop_assert!(m.kulczynski > 0.0 && m.kulczynski <= 1.0 + eps);
        prop_assert!(m.conviction >= 0.0);
        prop_assert_eq!(m.conviction.is_infinite(), extra_a == 0);
        prop_assert_eq!(m.representativity, 1.0);
    }
}
