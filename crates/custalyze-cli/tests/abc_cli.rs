//! End-to-end tests of `custalyze abc`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::run;

#[test]
fn abc_by_product_with_xyz_on_the_embedded_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("abc.csv");
    let o = run(&[
        "abc",
        "--by",
        "product",
        "--value",
        "revenue",
        "--xyz",
        "W",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,value,share,cumulative_share,class,xyz,cv")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.rsplitn(7, ',').map(str::to_string).collect())
        .collect();
    assert!(rows.len() > 3);
    let mut prev_value = f64::INFINITY;
    let mut prev_class = String::from("A");
    let mut share_sum = 0.0;
    for r in &rows {
        // rsplitn: cv, xyz, class, cumulative_share, share, value, id
        let value: f64 = r[5].parse().unwrap();
        assert!(value <= prev_value);
        assert!(r[2] >= prev_class, "{r:?}");
        assert!(["X", "Y", "Z"].contains(&r[1].as_str()));
        share_sum += r[4].parse::<f64>().unwrap();
        prev_value = value;
        prev_class = r[2].clone();
    }
    assert!((share_sum - 1.0).abs() < 1e-9);
    assert_eq!(rows.last().unwrap()[3].parse::<f64>().unwrap(), 1.0);
}

#[test]
fn abc_by_product_without_items_fails() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../transaction-types/tests/fixtures/CDNOW_sample.txt");
    let out = dir.path().join("abc.csv");
    let o = run(&[
        "abc",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--by",
        "product",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no items"));
}

#[test]
fn abc_help_has_examples() {
    let o = run(&["abc", "--help"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("Examples:"));
}
