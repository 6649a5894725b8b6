//! Reference tests against pandas: the small fixture, pandas `qcut` cases and (when the shared
//! data is present) all 23,570 CDNOW customers at 1998-07-01.
//!
//! Tolerances: recency, frequency, scores and labels exact; monetary values 1e-9 (relative, with
//! an absolute floor of 1e-9), segment means 1e-9 relative.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use custalyze_rfm::score::{Direction, quantile_scores, rank_first_scores};
use custalyze_rfm::{Error, Rfm, RfmTable, SegmentMap};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

/// Compares a table (plus the raw-qcut variant) with a CSV in the oracle's layout.
fn check_against_csv(table: &RfmTable, csv_path: &Path) {
    let map = SegmentMap::reference();
    let recency: Vec<f64> = table.rows.iter().map(|r| r.recency as f64).collect();
    let monetary: Vec<f64> = table.rows.iter().map(|r| r.monetary).collect();
    let r_raw = quantile_scores(&recency, 5, Direction::Descending).unwrap();
    let m_raw = quantile_scores(&monetary, 5, Direction::Ascending).unwrap();
    let mut rdr = csv::Reader::from_path(csv_path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let has_raw_segment = headers.iter().any(|h| h == "segment_rawqcut_R");
    let mut n = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let row = &table.rows[i];
        let ctx = format!("row {i}: {row:?} vs {rec:?}");
        assert_eq!(
            Id::parse(&rec[col("customer_id")]),
            Some(row.customer.clone()),
            "{ctx}"
        );
        assert_eq!(
            rec[col("recency")].parse::<i64>().unwrap(),
            row.recency,
            "{ctx}"
        );
        assert_eq!(
            rec[col("frequency")].parse::<u64>().unwrap(),
            row.frequency,
            "{ctx}"
        );
        let m: f64 = rec[col("monetary")].parse().unwrap();
        assert!(close(row.monetary, m), "{ctx}");
        assert_eq!(
            rec[col("R_score")].parse::<u8>().unwrap(),
            row.r_score,
            "{ctx}"
        );
        assert_eq!(
            rec[col("F_score")].parse::<u8>().unwrap(),
            row.f_score,
            "{ctx}"
        );
        assert_eq!(
            rec[col("M_score")].parse::<u8>().unwrap(),
            row.m_score,
            "{ctx}"
        );
        assert_eq!(&rec[col("RF_SCORE")], row.rf_score(), "{ctx}");
        assert_eq!(&rec[col("RFM_SCORE")], row.rfm_score(), "{ctx}");
        assert_eq!(&rec[col("segment")], row.segment(&map), "{ctx}");
        assert_eq!(
            rec[col("R_score_rawqcut")].parse::<u8>().unwrap(),
            r_raw[i],
            "{ctx}"
        );
        assert_eq!(
            rec[col("M_score_rawqcut")].parse::<u8>().unwrap(),
            m_raw[i],
            "{ctx}"
        );
        if has_raw_segment {
            assert_eq!(
                &rec[col("segment_rawqcut_R")],
                map.classify(r_raw[i], row.f_score, row.m_score),
                "{ctx}"
            );
        }
        n += 1;
    }
    assert_eq!(n, table.len());
}

#[test]
fn small_fixture_matches_pandas() {
    let log = load_path(
        fixtures().join("small_cdnow.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap()
    .log;
    let as_of = NaiveDate::from_ymd_opt(1997, 4, 5).unwrap();
    let table = Rfm::params(as_of).fit(&log).unwrap();
    // Customer 12 buys only after the as-of date.
    assert_eq!(table.len(), 12);
    assert!(table.customer(&Id::Int(12)).is_none());
    check_against_csv(&table, &fixtures().join("small_rfm_1997-04-05.csv"));
}

#[test]
fn qcut_cases_match_pandas() {
    struct Case {
        values: Vec<f64>,
        bins: usize,
        rank_first: Vec<u8>,
        raw: Option<Vec<u8>>,
    }
    let scores = |v: &serde_json::Value| -> Vec<u8> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| u8::try_from(x.as_u64().unwrap()).unwrap())
            .collect()
    };
    let text = std::fs::read_to_string(fixtures().join("qcut_cases.json")).unwrap();
    let json: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let cases: Vec<Case> = json
        .iter()
        .map(|c| Case {
            values: c["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect(),
            bins: usize::try_from(c["bins"].as_u64().unwrap()).unwrap(),
            rank_first: scores(&c["rank_first"]),
            raw: (!c["raw"].is_null()).then(|| scores(&c["raw"])),
        })
        .collect();
    assert_eq!(cases.len(), 144);
    for c in &cases {
        let got = rank_first_scores(&c.values, c.bins, Direction::Ascending).unwrap();
        assert_eq!(
            got, c.rank_first,
            "rank-first, bins {} on {:?}",
            c.bins, c.values
        );
        let raw = quantile_scores(&c.values, c.bins, Direction::Ascending);
        match (&c.raw, raw) {
            (Some(expected), Ok(got)) => assert_eq!(&got, expected, "raw, bins {}", c.bins),
            (None, Err(Error::DuplicateBinEdges { .. })) => {}
            (e, g) => panic!(
                "bins {} on {:?}: expected {e:?}, got {g:?}",
                c.bins, c.values
            ),
        }
    }
}

#[test]
fn cdnow_master_matches_the_reference() {
    let dir = shared();
    let data = dir.join("data/cdnow/CDNOW_master.txt");
    let reference = dir.join("reference/rfm");
    if !data.exists() || !reference.exists() {
        eprintln!(
            "skipping: shared data not found at {} (see tests/fixtures/SOURCES.md)",
            dir.display()
        );
        return;
    }
    let log = load_path(&data, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let as_of = NaiveDate::from_ymd_opt(1998, 7, 1).unwrap();
    let table = Rfm::params(as_of).fit(&log).unwrap();
    assert_eq!(table.len(), 23_570);
    check_against_csv(&table, &reference.join("rfm_cdnow_master_1998-07-01.csv"));

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reference.join("rfm_results.json")).unwrap())
            .unwrap();
    assert_eq!(json["n_customers"].as_u64(), Some(23_570));
    for (name, pick) in [("R_score", 0usize), ("F_score", 1), ("M_score", 2)] {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for r in &table.rows {
            let s = [r.r_score, r.f_score, r.m_score][pick];
            *counts.entry(s.to_string()).or_default() += 1;
        }
        for (k, v) in json["score_counts"][name].as_object().unwrap() {
            assert_eq!(counts.get(k).copied(), v.as_u64(), "{name} {k}");
        }
    }
    let map = SegmentMap::reference();
    let summaries = table.segment_summaries(&map);
    let expected = json["segment_counts"].as_object().unwrap();
    assert_eq!(summaries.len(), expected.len());
    for s in &summaries {
        assert_eq!(
            expected[&s.segment].as_u64(),
            Some(s.customers as u64),
            "{}",
            s.segment
        );
        let means = &json["segment_means"][&s.segment];
        assert!(
            close(s.mean_recency, means["recency"].as_f64().unwrap()),
            "{s:?}"
        );
        assert!(
            close(s.mean_frequency, means["frequency"].as_f64().unwrap()),
            "{s:?}"
        );
        assert!(
            close(s.mean_monetary, means["monetary"].as_f64().unwrap()),
            "{s:?}"
        );
    }
    let share: f64 = summaries.iter().map(|s| s.share).sum();
    let revenue: f64 = summaries.iter().map(|s| s.revenue_share).sum();
    assert!((share - 1.0).abs() < 1e-12 && (revenue - 1.0).abs() < 1e-12);
}
