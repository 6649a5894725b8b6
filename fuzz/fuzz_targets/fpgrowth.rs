//! Baskets from raw bytes (lines of comma-separated items), a support count and a length limit
//! from the first two bytes: no panic, no abort; the result respects the support.
#![no_main]

use custalyze_assoc_rules::{FpGrowth, Transactions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let min_count = u64::from(data[0] % 8) + 1;
    let max_len = usize::from(data[1] % 6) + 1;
    let text = String::from_utf8_lossy(&data[2..]);
    let baskets: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split(',').filter(|s| !s.is_empty()).collect())
        .filter(|b: &Vec<&str>| !b.is_empty())
        .collect();
    let Ok(tx) = Transactions::from_item_lists(baskets) else {
        return;
    };
    if let Ok(sets) = FpGrowth::params()
        .min_count(min_count)
        .max_len(max_len)
        .max_itemsets(200_000)
        .fit(&tx)
    {
        assert!(
            sets.itemsets
                .iter()
                .all(|s| s.count >= min_count && s.items.len() <= max_len)
        );
    }
});
