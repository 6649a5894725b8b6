//! Histories from bytes (up to 64 rows of x, t_x, T): no panic; a fit that succeeds has finite
//! parameters and finite, in-range predictions for every row; every fit ends (the fuzzer's
//! per-input timeout catches one that does not).
#![no_main]

use custalyze_cltv_core::{BgNbd, Customer, ParetoNbd, RfmData};
use libfuzzer_sys::fuzz_target;

fn value(b: &[u8]) -> f64 {
    let raw = u16::from_le_bytes([b[0], b[1]]);
    f64::from(raw) / 256.0
}

fuzz_target!(|data: &[u8]| {
    let rows: Vec<(f64, f64, f64)> = data
        .chunks_exact(6)
        .take(64)
        .map(|c| {
            let x = value(&c[0..2]).floor();
            let t = value(&c[4..6]);
            let tx = if x == 0.0 {
                0.0
            } else {
                value(&c[2..4]).min(t)
            };
            (x, tx, t)
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let x: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let tx: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let t: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let Ok(data) = RfmData::new(&x, &tx, &t, None) else {
        return;
    };
    if let Ok(f) = BgNbd::params().fit(&data) {
        for &(x, tx, t) in &rows {
            let c = Customer::new(x, tx, t).expect("validated by RfmData");
            let a = f.p_alive(&c).expect("valid customer");
            let e = f.expected_purchases(10.0, &c).expect("valid customer");
            assert!((0.0..=1.0).contains(&a) && e.is_finite() && e >= 0.0);
        }
    }
    let _ = ParetoNbd::params().fit(&data);
});
