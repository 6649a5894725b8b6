//! Invariants of the classification on random inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_abc::{Cutoffs, classify_values};
use custalyze_transaction_types::Id;
use proptest::prelude::*;

fn values() -> impl Strategy<Value = Vec<f64>> {
    // Include repeated values (ties) and zeros.
    prop::collection::vec(
        prop_oneof![Just(0.0), Just(5.0), 0.0f64..1000.0, 1e-3f64..1.0],
        1..60,
    )
    .prop_filter("positive total", |v| v.iter().sum::<f64>() > 0.0)
}

fn ids(n: usize) -> Vec<Id> {
    (0..n as i64).rev().map(Id::Int).collect()
}

proptest! {
    #[test]
    fn shares_sum_to_one_and_cumulate(v in values(), a in 0.05f64..1.0, gap in 0.0f64..1.0) {
        let b = a + (1.0 - a) * gap;
        let t = classify_values(ids(v.len()), v.clone(), Cutoffs::new(a, b).unwrap()).unwrap();
        let total: f64 = t.entries.iter().map(|e| e.share).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
        prop_assert_eq!(t.entries.last().unwrap().cumulative_share, 1.0);
        let mut running = 0.0;
        for e in &t.entries {
            running += e.share;
            prop_assert!((running - e.cumulative_share).abs() < 1e-9);
        }
        let s = t.class_summaries();
        prop_assert_eq!(s.iter().map(|c| c.count).sum::<usize>(), v.len());
        prop_assert!((s.iter().map(|c| c.value_share).sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn classes_are_monotone_in_rank(v in values(), a in 0.05f64..1.0, gap in 0.0f64..1.0) {
        let b = a + (1.0 - a) * gap;
        let c = Cutoffs::new(a, b).unwrap();
        let t = classify_values(ids(v.len()), v, c).unwrap();
        for w in t.entries.windows(2) {
            prop_assert!(w[0].value >= w[1].value);
            prop_assert!(w[0].class <= w[1].class);
            prop_assert!(w[0].rank + 1 == w[1].rank);
            if w[0].value == w[1].value {
                prop_assert!(w[0].id < w[1].id);
            }
        }
        // Non-negative values: the class is exactly the cut-off rule on the cumulative share.
        for e in &t.entries {
            prop_assert_eq!(e.class, c.class_of(e.cumulative_share));
        }
    }

    #[test]
    fn classes_stay_monotone_with_negative_values(
        v in prop::collection::vec(-50.0f64..100.0, 1..40)
            .prop_filter("positive total", |v| v.iter().sum::<f64>() > 0.0)
    ) {
        let t = classify_values(ids(v.len()), v, Cutoffs::default()).unwrap();
        for w in t.entries.windows(2) {
            prop_assert!(w[0].class <= w[1].class);
        }
    }

    #[test]
    fn input_order_does_not_matter(v in values()) {
        let n = v.len();
        let t1 = classify_values(ids(n), v.clone(), Cutoffs::default()).unwrap();
        let mut rev_ids = ids(n);
        rev_ids.reverse();
        let mut rev_v = v;
        rev_v.reverse();
        let t2 = classify_values(rev_ids, rev_v, Cutoffs::default()).unwrap();
        for (a, b) in t1.entries.iter().zip(&t2.entries) {
            prop_assert_eq!(&a.id, &b.id);
            prop_assert_eq!(a.class, b.class);
        }
    }
}

proptest! {
    /// The integer-key sort used for ids in ascending order and the comparator sort used
    /// otherwise rank the same way: value descending (negative values and -0 included), ties by
    /// id ascending.
    #[test]
    fn ascending_and_shuffled_ids_rank_alike(
        v in prop::collection::vec(
            prop_oneof![Just(0.0), Just(-0.0), Just(5.0), Just(-2.0), -100.0f64..1000.0],
            1..60,
        ).prop_filter("positive total", |v| v.iter().sum::<f64>() > 0.0),
        seed in any::<u64>(),
    ) {
        let asc: Vec<Id> = (0..v.len() as i64).map(Id::Int).collect();
        let fast = classify_values(asc.clone(), v.clone(), Cutoffs::default()).unwrap();
        // Same entities in a shuffled order (a deterministic permutation from the seed).
        let mut order: Vec<usize> = (0..v.len()).collect();
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let ids: Vec<Id> = order.iter().map(|&i| asc[i].clone()).collect();
        let vals: Vec<f64> = order.iter().map(|&i| v[i]).collect();
        let slow = classify_values(ids, vals, Cutoffs::default()).unwrap();
        let key = |t: &custalyze_abc::AbcTable| {
            t.entries.iter().map(|e| (e.id.clone(), e.value.to_bits(), e.class)).collect::<Vec<_>>()
        };
        prop_assert_eq!(key(&fast), key(&slow));
    }
}
