//! Inputs that used to abort the process: a 100,000-item basket (stack overflow in the
//! combination step) and 61 baskets of 22 items at a support of one basket (every subset
//! frequent: memory exhausted in seconds). Both now stop with a typed error in bounded time and
//! memory; a budget large enough gives the exact answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_assoc_rules::{Error, FpGrowth, Transactions};

#[test]
fn one_huge_basket_is_a_typed_error_not_a_stack_overflow() {
    let basket: Vec<String> = (0..100_000).map(|i| format!("item{i}")).collect();
    let tx = Transactions::from_item_lists([basket]).unwrap();
    let e = FpGrowth::params().min_count(1).fit(&tx).unwrap_err();
    assert!(
        matches!(e, Error::TooManyItemsets { min_count: 1, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("max-len"), "{e}");
    // With a length limit that fits the budget, the same basket mines exactly:
    // 100,000 singles.
    let ok = FpGrowth::params().min_count(1).max_len(1).fit(&tx).unwrap();
    assert_eq!(ok.len(), 100_000);
}

#[test]
fn every_subset_frequent_is_stopped_by_the_budget() {
    // 61 baskets over 22 items; at one basket every subset of every basket is frequent.
    let baskets: Vec<Vec<String>> = (0..61)
        .map(|b| {
            (0..22)
                .filter(|i| (b * 7 + i * 3) % 5 != 0)
                .map(|i| format!("i{i}"))
                .collect()
        })
        .collect();
    let tx = Transactions::from_item_lists(baskets).unwrap();
    let e = FpGrowth::params()
        .min_count(1)
        .max_itemsets(100_000)
        .fit(&tx)
        .unwrap_err();
    assert!(
        matches!(e, Error::TooManyItemsets { limit: 100_000, .. }),
        "{e}"
    );
    // A budget that holds the result gives the same itemsets as no budget.
    let small = FpGrowth::params()
        .min_count(20)
        .max_len(3)
        .fit(&tx)
        .unwrap();
    let roomy = FpGrowth::params()
        .min_count(20)
        .max_len(3)
        .max_itemsets(small.len() as u64)
        .fit(&tx)
        .unwrap();
    assert_eq!(small.itemsets, roomy.itemsets);
    let tight = FpGrowth::params()
        .min_count(20)
        .max_len(3)
        .max_itemsets(small.len() as u64 - 1)
        .fit(&tx);
    assert!(matches!(tight, Err(Error::TooManyItemsets { .. })));
}
