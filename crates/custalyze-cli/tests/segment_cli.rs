//! End-to-end tests of `custalyze segment`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../segment/tests/fixtures")
}

fn matrix() -> String {
    fixtures()
        .join("cdnow_rfm300_std.csv")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn hierarchical_writes_scipys_linkage_matrix_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    for method in ["ward", "single", "complete", "average"] {
        let z = dir.path().join(format!("{method}.csv"));
        let labels = dir.path().join("labels.csv");
        let svg = dir.path().join("d.svg");
        let o = run(&[
            "segment",
            "hierarchical",
            "--input",
            &matrix(),
            "--columns",
            "z_recency,z_frequency,z_monetary",
            "--method",
            method,
            "--output",
            z.to_str().unwrap(),
            "--clusters",
            "4",
            "--labels-out",
            labels.to_str().unwrap(),
            "--svg",
            svg.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let got = std::fs::read_to_string(&z).unwrap();
        let expected =
            std::fs::read_to_string(fixtures().join(format!("cdnow_rfm300_linkage_{method}.csv")))
                .unwrap();
        assert_eq!(got.lines().count(), 297);
        for (a, b) in got.lines().zip(expected.lines()) {
            let (fa, fb): (Vec<&str>, Vec<&str>) = (a.split(',').collect(), b.split(',').collect());
            assert_eq!(
                (fa[0], fa[1], fa[3]),
                (fb[0], fb[1], fb[3]),
                "{method}: {a} vs {b}"
            );
            if fa[2] != "distance" {
                let (x, y): (f64, f64) = (fa[2].parse().unwrap(), fb[2].parse().unwrap());
                assert!((x - y).abs() <= 1e-9, "{method}: {a} vs {b}");
            }
        }
        let l = std::fs::read_to_string(&labels).unwrap();
        let mut lines = l.lines();
        assert_eq!(lines.next(), Some("id,cluster"));
        assert_eq!(lines.next().map(|s| s.split(',').next()), Some(Some("79")));
        let clusters: std::collections::BTreeSet<&str> =
            lines.map(|s| s.split(',').nth(1).unwrap()).collect();
        assert!(
            clusters.len() <= 4 && clusters.contains("1"),
            "{clusters:?}"
        );
        assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    }
}

#[test]
fn kmeans_writes_the_contract_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("k.json");
    let o = run(&[
        "segment",
        "kmeans",
        "--input",
        &matrix(),
        "--columns",
        "z_recency,z_frequency,z_monetary",
        "--k",
        "4",
        "--seed",
        "42",
        "--n-init",
        "10",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    // scikit-learn KMeans(4, n_init=10, random_state=42): 152.2956124746409.
    assert!(v["inertia"].as_f64().unwrap() <= 152.2956124746409 * (1.0 + 1e-6));
    assert!(v["silhouette"].as_f64().unwrap() > 0.5);
    assert_eq!(v["labels"].as_array().unwrap().len(), 297);
    assert_eq!(v["centroids"].as_array().unwrap().len(), 4);
}

#[test]
fn customers_from_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seg.csv");
    let profiles = dir.path().join("p.csv");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rfm/tests/fixtures/small_cdnow.txt");
    let o = run(&[
        "segment",
        "customers",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--as-of",
        "1997-04-05",
        "--k",
        "2",
        "--output",
        out.to_str().unwrap(),
        "--profiles-out",
        profiles.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    let mut lines = got.lines();
    assert_eq!(
        lines.next(),
        Some(
            "customer_id,recency,frequency,monetary,avg_order_value,tenure,ipt_mean,ipt_std,segment,label"
        )
    );
    assert!(lines.count() >= 2);
    assert!(stderr(&o).contains("segment 1:"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&profiles).unwrap().lines().count(),
        3
    );
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let o = run(&[
        "segment",
        "kmeans",
        "--input",
        &matrix(),
        "--columns",
        "nope",
        "--k",
        "2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no column \"nope\""), "{}", stderr(&o));
    let o = run(&[
        "segment",
        "kmeans",
        "--input",
        &matrix(),
        "--k",
        "0",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid parameter k"), "{}", stderr(&o));
    // --clusters needs --labels-out (usage error).
    let o = run(&[
        "segment",
        "hierarchical",
        "--input",
        &matrix(),
        "--output",
        out.to_str().unwrap(),
        "--clusters",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn customers_with_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seg.csv");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rfm/tests/fixtures/small_cdnow.txt");
    // First run: the customers of the fixture.
    let o = run(&[
        "segment",
        "customers",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--as-of",
        "1997-04-05",
        "--k",
        "2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    let extra = dir.path().join("clv.csv");
    let mut text = String::from("customer_id,clv\n");
    for (i, id) in ids.iter().enumerate() {
        text.push_str(&format!("{id},{}\n", 10.0 * i as f64));
    }
    std::fs::write(&extra, &text).unwrap();
    let o = run(&[
        "segment",
        "customers",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--as-of",
        "1997-04-05",
        "--k",
        "2",
        "--extra",
        extra.to_str().unwrap(),
        "--features",
        "recency,monetary,clv",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    assert!(
        got.lines().next().unwrap().contains(",clv,segment,label"),
        "{got}"
    );
    // A customer without a value is a one-line error.
    std::fs::write(&extra, "customer_id,clv\n999999,1.0\n").unwrap();
    let o = run(&[
        "segment",
        "customers",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--as-of",
        "1997-04-05",
        "--k",
        "2",
        "--extra",
        extra.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("has no value for customer"),
        "{}",
        stderr(&o)
    );
}
