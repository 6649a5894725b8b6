//! Times a BG/NBD fit on the CDNOW summary and prints the optimiser report.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use custalyze_cltv_core::{BgNbd, RfmData};

fn main() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cdnow_customers_summary_with_transactions.csv"
    ))
    .unwrap();
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        x.push(v[1]);
        tx.push(v[2]);
        t.push(v[3]);
    }
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    println!("rows {} unique {}", data.len(), data.compress().len());
    let start = std::time::Instant::now();
    let f = BgNbd::new().fit(&data).unwrap();
    println!("{:?} in {:?}", f, start.elapsed());
}
