//! One test per bad-input error, and small end-to-end checks of the public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use chrono::NaiveDate;
use custalyze_segment::features::{FREQUENCY, IPT_MEAN, IPT_STD, MONETARY, RECENCY, TENURE};
use custalyze_segment::{
    CustomerFeatures, Dendrogram, Error, FittedScaler, Hierarchical, KMeans, Merge, Method,
    Scaling, k_curve, linkage, linkage_condensed, profile_segments, silhouette_score,
    silhouette_score_sampled,
};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use ndarray::{Array2, array};

fn blobs() -> Array2<f64> {
    array![
        [0.0, 0.0],
        [0.2, 0.1],
        [0.1, 0.3],
        [5.0, 5.0],
        [5.2, 5.1],
        [5.1, 4.8],
        [10.0, 0.0],
        [10.3, 0.2]
    ]
}

#[test]
fn empty_data_is_rejected() {
    let x = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        linkage(x.view(), Method::Ward),
        Err(Error::EmptyData { .. })
    ));
    assert!(matches!(
        KMeans::params(2).fit(x.view()),
        Err(Error::EmptyData { .. })
    ));
}

#[test]
fn non_finite_values_are_rejected() {
    let x = array![[0.0, 1.0], [f64::NAN, 2.0]];
    assert!(matches!(
        linkage(x.view(), Method::Single),
        Err(Error::NonFinite { row: 1, col: 0, .. })
    ));
    assert!(matches!(
        KMeans::params(1).fit(x.view()),
        Err(Error::NonFinite { .. })
    ));
}

#[test]
fn too_few_observations() {
    let x = array![[1.0, 2.0]];
    assert!(matches!(
        linkage(x.view(), Method::Average),
        Err(Error::TooFewObservations {
            needed: 2,
            got: 1,
            ..
        })
    ));
    assert!(matches!(
        KMeans::params(3).fit(array![[0.0, 1.0], [1.0, 1.0]].view()),
        Err(Error::TooFewObservations {
            needed: 3,
            got: 2,
            ..
        })
    ));
}

#[test]
fn invalid_kmeans_parameters() {
    let x = blobs();
    for p in [
        KMeans::params(0),
        KMeans::params(2).n_init(0),
        KMeans::params(2).max_iter(0),
        KMeans::params(2).tol(f64::NAN),
    ] {
        assert!(
            matches!(
                p.fit(x.view()),
                Err(Error::InvalidParameter(
                    custalyze_transaction_types::InvalidParameter { .. }
                ))
            ),
            "{p:?}"
        );
    }
    assert!(matches!(
        KMeans::params(2).init(Array2::zeros((3, 2))).fit(x.view()),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn unknown_method_name() {
    assert!(matches!(
        Method::parse("wards"),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert_eq!(Method::parse("Ward").unwrap(), Method::Ward);
}

#[test]
fn condensed_matrix_length_mismatch() {
    assert!(matches!(
        linkage_condensed(&[1.0, 2.0], 3, Method::Single),
        Err(Error::LengthMismatch {
            expected: 3,
            got: 2,
            ..
        })
    ));
    assert!(matches!(
        linkage_condensed(&[1.0, -2.0, 1.0], 3, Method::Single),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
}

#[test]
fn silhouette_needs_two_to_n_minus_one_clusters() {
    let x = blobs();
    assert!(matches!(
        silhouette_score(x.view(), &[0; 8]),
        Err(Error::SilhouetteClusters { clusters: 1, n: 8 })
    ));
    assert!(matches!(
        silhouette_score(x.view(), &[0, 1]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        silhouette_score_sampled(x.view(), &[0, 0, 0, 1, 1, 1, 2, 2], 1, 0),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
}

#[test]
fn invalid_linkage_matrices() {
    let bad_id = vec![
        Merge {
            idx1: 0,
            idx2: 5,
            distance: 1.0,
            size: 2,
        },
        Merge {
            idx1: 2,
            idx2: 3,
            distance: 2.0,
            size: 3,
        },
    ];
    assert!(matches!(
        Dendrogram::new(3, bad_id),
        Err(Error::InvalidLinkage { row: 0, .. })
    ));
    let bad_size = vec![
        Merge {
            idx1: 0,
            idx2: 1,
            distance: 1.0,
            size: 2,
        },
        Merge {
            idx1: 2,
            idx2: 3,
            distance: 2.0,
            size: 4,
        },
    ];
    assert!(matches!(
        Dendrogram::new(3, bad_size),
        Err(Error::InvalidLinkage { row: 1, .. })
    ));
    let twice = vec![
        Merge {
            idx1: 0,
            idx2: 1,
            distance: 1.0,
            size: 2,
        },
        Merge {
            idx1: 0,
            idx2: 3,
            distance: 2.0,
            size: 3,
        },
    ];
    assert!(matches!(
        Dendrogram::new(3, twice),
        Err(Error::InvalidLinkage { row: 1, .. })
    ));
    assert!(matches!(
        Dendrogram::new(3, vec![]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        Dendrogram::from_matrix(array![[0.0, 1.5, 1.0, 2.0]].view()),
        Err(Error::InvalidLinkage { .. })
    ));
}

#[test]
fn invalid_cuts() {
    let z = linkage(blobs().view(), Method::Ward).unwrap();
    assert!(matches!(
        z.cut_k(0),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert!(matches!(
        z.cut_height(-1.0),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert!(matches!(
        z.cophenetic_correlation(array![[1.0]].view()),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn three_blobs_are_found_by_every_method() {
    let x = blobs();
    let expected = vec![0, 0, 0, 1, 1, 1, 2, 2];
    for method in Method::ALL {
        let z = Hierarchical::params(method).fit(x.view()).unwrap();
        assert_eq!(z.cut_k(3).unwrap(), expected, "{method}");
        let back = Dendrogram::from_matrix(z.to_matrix().view()).unwrap();
        assert_eq!(back, z);
        assert!(z.cophenetic_correlation(x.view()).unwrap() > 0.9);
    }
    let fit = KMeans::params(3).seed(3).fit(x.view()).unwrap();
    let mut canon = std::collections::HashMap::new();
    let labels: Vec<usize> = fit
        .labels
        .iter()
        .map(|l| {
            let next = canon.len();
            *canon.entry(*l).or_insert(next)
        })
        .collect();
    assert_eq!(labels, expected);
    let curve = k_curve(x.view(), 1..=5, &KMeans::params(1).seed(1), None).unwrap();
    assert_eq!(curve.suggested_k, 3);
    assert_eq!(curve.elbow_k, 3);
    assert!(curve.points[0].silhouette.is_nan());
    assert!(matches!(
        k_curve(x.view(), 0..=3, &KMeans::params(1), None),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
}

#[test]
fn csv_output_reads_back() {
    let z = linkage(blobs().view(), Method::Complete).unwrap();
    let mut buf = Vec::new();
    z.write_csv(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("idx1,idx2,distance,size"));
    for (line, m) in lines.zip(&z.merges) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[2].parse::<f64>().unwrap(), m.distance);
    }
}

fn small_log() -> custalyze_transaction_types::TransactionLog {
    let data = "1 19970101 1 10.0\n1 19970111 2 30.0\n1 19970131 1 20.0\n2 19970115 1 5.0\n\
                3 19970201 1 50.0\n3 19970501 1 50.0\n";
    load_reader(data.as_bytes(), "t", &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log
}

#[test]
fn features_from_a_log() {
    let log = small_log();
    let as_of = NaiveDate::from_ymd_opt(1997, 3, 1).unwrap();
    let f = CustomerFeatures::from_log(&log, as_of).unwrap();
    assert_eq!(f.customers, vec![Id::Int(1), Id::Int(2), Id::Int(3)]);
    let col = |name: &str| f.column(name).unwrap().to_vec();
    assert_eq!(col(RECENCY), vec![29.0, 45.0, 28.0]);
    assert_eq!(col(FREQUENCY), vec![3.0, 1.0, 1.0]);
    assert_eq!(col(MONETARY), vec![60.0, 5.0, 50.0]);
    assert_eq!(col(TENURE), vec![59.0, 45.0, 28.0]);
    // Gaps 10 and 20 days; single purchases use the tenure.
    assert_eq!(col(IPT_MEAN), vec![15.0, 45.0, 28.0]);
    assert_eq!(col(IPT_STD), vec![5.0, 0.0, 0.0]);
    assert!(matches!(
        CustomerFeatures::from_log(&log, NaiveDate::from_ymd_opt(1996, 1, 1).unwrap()),
        Err(Error::NoCustomers { .. })
    ));
}

#[test]
fn user_columns_and_selection() {
    let log = small_log();
    let mut f =
        CustomerFeatures::from_log(&log, NaiveDate::from_ymd_opt(1997, 3, 1).unwrap()).unwrap();
    let mut clv: HashMap<Id, f64> = [(Id::Int(1), 100.0), (Id::Int(2), 3.0)]
        .into_iter()
        .collect();
    assert!(matches!(
        f.add_column("clv", &clv),
        Err(Error::MissingValue { .. })
    ));
    clv.insert(Id::Int(3), 40.0);
    f.add_column("clv", &clv).unwrap();
    assert!(matches!(
        f.add_column("clv", &clv),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    assert_eq!(f.column("clv").unwrap().to_vec(), vec![100.0, 3.0, 40.0]);
    assert!(matches!(
        f.select(&["nope"]),
        Err(Error::UnknownColumn { .. })
    ));
    let s = f.select(&["clv", "monetary"]).unwrap();
    assert_eq!(s.columns, vec!["clv", "monetary"]);
}

#[test]
fn scaler_is_stored_and_reapplied() {
    let ids: Vec<Id> = (1..=4).map(Id::Int).collect();
    let f = CustomerFeatures::new(
        ids,
        vec!["a".into(), "b".into()],
        array![[0.0, 1.0], [1.0, 1.0], [3.0, 1.0], [e1(), 1.0]],
    )
    .unwrap();
    let z = FittedScaler::fit(&f, &["a"], Scaling::ZScore).unwrap();
    let x = z.transform(&f).unwrap();
    let col = x.column(0);
    assert!(col.sum().abs() < 1e-12);
    assert!((col.iter().map(|v| v * v).sum::<f64>() / 4.0 - 1.0).abs() < 1e-12);
    // A constant column keeps scale 1.
    assert_eq!(x.column(1).to_vec(), vec![0.0; 4]);
    let r = FittedScaler::fit(&f, &[], Scaling::Robust).unwrap();
    assert_eq!(r.center[0], (1.0 + e1()) / 2.0); // median of 0, 1, 3, e - 1
    assert!(matches!(
        FittedScaler::fit(&f, &["zz"], Scaling::ZScore),
        Err(Error::UnknownColumn { .. })
    ));
    let neg = CustomerFeatures::new(vec![Id::Int(1)], vec!["a".into()], array![[-2.0]]).unwrap();
    assert!(matches!(
        FittedScaler::fit(&neg, &["a"], Scaling::None),
        Err(Error::LogDomain { .. })
    ));
    assert!(matches!(
        z.transform_matrix(array![[1.0]].view()),
        Err(Error::LengthMismatch { .. })
    ));
}

fn e1() -> f64 {
    std::f64::consts::E - 1.0
}

#[test]
fn profiles_and_labels() {
    let ids: Vec<Id> = (1..=4).map(Id::Int).collect();
    let cols = vec![
        RECENCY.to_string(),
        FREQUENCY.to_string(),
        MONETARY.to_string(),
    ];
    let f = CustomerFeatures::new(
        ids,
        cols,
        array![
            [10.0, 10.0, 900.0],
            [20.0, 8.0, 700.0],
            [300.0, 1.0, 20.0],
            [400.0, 1.0, 30.0]
        ],
    )
    .unwrap();
    let p = profile_segments(&f, &[0, 0, 1, 1]).unwrap();
    assert_eq!(p[0].size, 2);
    assert_eq!(p[0].label, "high value, recent, frequent");
    assert_eq!(p[1].label, "low value, lapsed, infrequent");
    assert!((p[0].revenue_share.unwrap() - 1600.0 / 1650.0).abs() < 1e-12);
    assert_eq!(p[1].features[2].median, 25.0);
    assert!(matches!(
        profile_segments(&f, &[0]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        CustomerFeatures::new(vec![Id::Int(1)], vec!["a".into()], array![[1.0, 2.0]]),
        Err(Error::LengthMismatch { .. })
    ));
}

/// Values of ±1e308 used to give inertia `inf` and null centroids (issue 17): refused now.
#[test]
fn kmeans_refuses_values_whose_distances_overflow() {
    let x = ndarray::array![[1e308, 0.0], [-1e308, 1.0], [0.0, 2.0], [1.0, 3.0]];
    let e = custalyze_segment::KMeans::params(2)
        .seed(1)
        .fit(x.view())
        .unwrap_err();
    assert!(
        matches!(
            e,
            custalyze_segment::Error::NonFinite { row: 0, col: 0, .. }
        ),
        "{e}"
    );
}
