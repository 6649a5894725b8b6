//! End-to-end tests of `custalyze report` and `custalyze customer`: the report on a generated
//! sample, every file checked against the input (row counts, columns, totals that reconcile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{run, stderr};

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A CSV file as a header and rows of fields.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Self {
        let mut r = csv::Reader::from_path(path).unwrap();
        let header = r.headers().unwrap().iter().map(str::to_string).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        Self { header, rows }
    }
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }
    fn f64s(&self, name: &str) -> Vec<f64> {
        let k = self.col(name);
        self.rows.iter().map(|r| r[k].parse().unwrap()).collect()
    }
    fn strs(&self, name: &str) -> Vec<&str> {
        let k = self.col(name);
        self.rows.iter().map(|r| r[k].as_str()).collect()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Sums of `n` values each rounded to cents (or to 6 decimals) agree to half a cent each.
fn close_cents(a: f64, b: f64, n: usize) -> bool {
    (a - b).abs() <= 0.005 * n as f64 + 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Generates a sample and loads it independently (through `custalyze summary`, whose load report
/// and summary give the cleaned log's customers and revenue).
fn generated(dir: &Path) -> (std::path::PathBuf, usize, f64) {
    let input = dir.join("sample.csv");
    let o = run(&[
        "generate",
        "--customers",
        "400",
        "--seed",
        "11",
        "--output",
        input.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The cleaned log's revenue: sum over customers of the daily summary with the first
    // transaction included is not available, so sum the loaded rows of the file directly with the
    // loader's rules through the library.
    let opts = custalyze_transaction_types::load::LoadOptions::new(
        custalyze_transaction_types::load::Schema::from_name("online-retail").unwrap(),
    );
    let loaded = custalyze_transaction_types::load::load_path(&input, &opts).unwrap();
    (
        input,
        loaded.log.customer_ids().len(),
        loaded.log.total_amount(),
    )
}

#[test]
fn report_files_reconcile_with_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let (input, n_customers, revenue) = generated(dir.path());
    let out = dir.path().join("report");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    // customers.csv: one row per customer, the documented columns, revenue reconciles.
    let c = Csv::read(&out.join("customers.csv"));
    assert_eq!(
        c.header.join(","),
        "customer_id,first_purchase,last_purchase,orders,revenue,frequency,recency,T,monetary_value,\
recency_days,r_score,f_score,m_score,rfm_segment,cohort,p_alive,p_purchase,expected_purchases,\
expected_spend,expected_revenue,clv,clv_tier,cluster,engagement,churn_probability,churn_risk,\
revenue_at_risk"
    );
    assert_eq!(c.rows.len(), n_customers);
    let ids: HashSet<&str> = c.strs("customer_id").into_iter().collect();
    assert_eq!(ids.len(), n_customers, "customer ids are unique");
    let cust_revenue: f64 = c.f64s("revenue").iter().sum();
    assert!(
        close_cents(cust_revenue, revenue, n_customers),
        "{cust_revenue} vs {revenue}"
    );
    for (p, q) in c.f64s("p_alive").into_iter().zip(c.f64s("p_purchase")) {
        assert!((0.0..=1.0).contains(&p));
        assert!(
            (0.0..=p + 1e-6).contains(&q),
            "P(purchase) {q} above P(alive) {p}"
        );
    }
    // CLV tiers are quartiles: A holds the highest CLVs, each tier a quarter of the customers.
    let tiers = c.strs("clv_tier");
    let clv = c.f64s("clv");
    for t in ["A", "B", "C", "D"] {
        let n = tiers.iter().filter(|x| **x == t).count();
        assert!(n.abs_diff(n_customers / 4) <= 1, "tier {t}: {n}");
    }
    let min_a = clv
        .iter()
        .zip(&tiers)
        .filter(|(_, t)| **t == "A")
        .map(|(v, _)| *v)
        .fold(f64::INFINITY, f64::min);
    let max_b = clv
        .iter()
        .zip(&tiers)
        .filter(|(_, t)| **t == "B")
        .map(|(v, _)| *v)
        .fold(0.0, f64::max);
    assert!(min_a >= max_b);
    assert!(
        c.strs("engagement").iter().all(|s| [
            "Loyal high value",
            "Moderate",
            "New or low engagement"
        ]
        .contains(s))
    );
    assert!(
        c.strs("churn_risk")
            .iter()
            .all(|s| ["high", "medium", "low", ""].contains(s))
    );
    // Money is written in cents.
    assert!(
        c.strs("revenue")
            .iter()
            .chain(c.strs("clv").iter())
            .all(|v| v.split('.').nth(1).is_some_and(|d| d.len() == 2))
    );
    for v in c.f64s("clv").iter().chain(&c.f64s("expected_purchases")) {
        assert!(v.is_finite() && *v >= 0.0);
    }
    for k in ["r_score", "f_score", "m_score"] {
        assert!(c.f64s(k).iter().all(|s| (1.0..=5.0).contains(s)));
    }
    assert!(c.strs("rfm_segment").iter().all(|s| !s.is_empty()));
    assert!(c.strs("cluster").iter().all(|s| !s.is_empty()));
    for (f, t) in c.f64s("recency").iter().zip(c.f64s("T")) {
        assert!(*f <= t);
    }

    // cohorts.csv: period-0 sizes sum to the customers; revenue of all cells to the total.
    let h = Csv::read(&out.join("cohorts.csv"));
    assert_eq!(
        h.header.join(","),
        "cohort,customers,period,active_customers,retention,revenue"
    );
    let period = h.f64s("period");
    let active = h.f64s("active_customers");
    let sizes = h.f64s("customers");
    let first: f64 = period
        .iter()
        .zip(&sizes)
        .filter(|(p, _)| **p == 0.0)
        .map(|(_, s)| s)
        .sum();
    assert_eq!(first as usize, n_customers);
    for ((p, a), s) in period.iter().zip(&active).zip(&sizes) {
        assert!(*a <= *s);
        if *p == 0.0 {
            assert_eq!(a, s, "everyone is active in the acquisition month");
        }
    }
    assert!(close_cents(
        h.f64s("revenue").iter().sum(),
        revenue,
        h.rows.len()
    ));
    // The cohort of each customer in customers.csv matches the cohort sizes.
    let mut per_cohort: HashMap<&str, f64> = HashMap::new();
    for k in c.strs("cohort") {
        *per_cohort.entry(k).or_default() += 1.0;
    }
    for ((k, p), s) in h.strs("cohort").iter().zip(&period).zip(&sizes) {
        if *p == 0.0 {
            assert_eq!(per_cohort.get(k), Some(s), "cohort {k}");
        }
    }

    // products.csv: revenue reconciles, shares sum to 1, ranks by revenue, ABC monotone.
    let p = Csv::read(&out.join("products.csv"));
    assert_eq!(
        p.header.join(","),
        "product_id,description,revenue,quantity,share,cumulative_share,abc,xyz,cv"
    );
    assert!(!p.rows.is_empty());
    let rev = p.f64s("revenue");
    assert!(close_cents(rev.iter().sum(), revenue, p.rows.len()));
    assert!(rev.windows(2).all(|w| w[0] >= w[1]));
    assert!(close_cents(p.f64s("share").iter().sum(), 1.0, 1));
    assert!(close_cents(
        *p.f64s("cumulative_share").last().unwrap(),
        1.0,
        1
    ));
    let classes = p.strs("abc");
    assert!(
        classes.windows(2).all(|w| w[0] <= w[1]),
        "A before B before C"
    );
    assert!(p.strs("xyz").iter().all(|x| ["X", "Y", "Z"].contains(x)));

    // customer_products.csv: revenue reconciles per customer.
    let cp = Csv::read(&out.join("customer_products.csv"));
    assert_eq!(
        cp.header.join(","),
        "customer_id,product_id,quantity,revenue"
    );
    let mut by_customer: HashMap<&str, f64> = HashMap::new();
    for (id, r) in cp.strs("customer_id").into_iter().zip(cp.f64s("revenue")) {
        *by_customer.entry(id).or_default() += r;
    }
    for (id, r) in c.strs("customer_id").into_iter().zip(c.f64s("revenue")) {
        assert!(close_cents(by_customer[id], r, 100), "customer {id}");
    }

    // segment_best_sellers.csv: every segment of customers.csv, ranks from 1, revenue descending.
    let b = Csv::read(&out.join("segment_best_sellers.csv"));
    let segs: HashSet<&str> = b.strs("rfm_segment").into_iter().collect();
    let cust_segs: HashSet<&str> = c.strs("rfm_segment").into_iter().collect();
    assert_eq!(segs, cust_segs);
    let ranks = b.f64s("rank");
    let brev = b.f64s("revenue");
    for k in 1..b.rows.len() {
        if ranks[k] > 1.0 {
            assert_eq!(ranks[k], ranks[k - 1] + 1.0);
            assert!(brev[k] <= brev[k - 1]);
        } else {
            assert_eq!(ranks[k], 1.0);
        }
    }

    // forecast.csv: complete months of history that sum to at most the total revenue, then 12
    // forecast months with nested 80% / 95% intervals around the forecast.
    let f = Csv::read(&out.join("forecast.csv"));
    assert_eq!(
        f.header.join(","),
        "period_start,kind,revenue,lower_80,upper_80,lower_95,upper_95"
    );
    let kinds = f.strs("kind");
    let n_hist = kinds.iter().filter(|k| **k == "history").count();
    assert!(n_hist >= 12);
    assert_eq!(kinds.len(), n_hist + 12, "{kinds:?}");
    assert!(kinds[n_hist..].iter().all(|k| *k == "forecast"));
    let values = f.f64s("revenue");
    let hist: f64 = values[..n_hist].iter().sum();
    assert!(hist <= revenue * (1.0 + 1e-9) && hist > 0.5 * revenue);
    let cell = |row: usize, name: &str| -> f64 { f.rows[row][f.col(name)].parse().unwrap() };
    for row in n_hist..kinds.len() {
        let (m, l80, u80, l95, u95) = (
            cell(row, "revenue"),
            cell(row, "lower_80"),
            cell(row, "upper_80"),
            cell(row, "lower_95"),
            cell(row, "upper_95"),
        );
        assert!(
            0.0 < l95 && l95 <= l80 && l80 <= m && m <= u80 && u80 <= u95,
            "row {row}"
        );
    }

    // bundles.csv: one row per set of products bought together (FP-Growth on the order baskets),
    // by lift descending; the strongest rule's support, confidence and lift are recomputed here
    // from the baskets of the loaded input.
    let r = Csv::read(&out.join("bundles.csv"));
    assert_eq!(
        r.header.join(","),
        "items,descriptions,antecedents,consequents,baskets,support,confidence,lift,rules"
    );
    assert!(!r.rows.is_empty(), "no bundles on the generated sample");
    let sets: HashSet<Vec<&str>> = r
        .strs("items")
        .iter()
        .map(|i| {
            let mut v: Vec<&str> = i.split(';').collect();
            v.sort_unstable();
            v
        })
        .collect();
    assert_eq!(sets.len(), r.rows.len(), "one row per bundle");
    let lifts = r.f64s("lift");
    assert!(lifts.windows(2).all(|w| w[0] >= w[1] - 1e-6), "{lifts:?}");
    assert!(r.f64s("confidence").iter().all(|c| *c >= 0.3 - 1e-6));
    assert!(r.strs("descriptions").iter().all(|d| !d.is_empty()));
    let baskets = input_baskets(&input);
    let n = baskets.len() as f64;
    let count = |items: &[&str]| {
        baskets
            .iter()
            .filter(|b| items.iter().all(|i| b.contains(*i)))
            .count() as f64
    };
    let (sup, conf) = (r.f64s("support"), r.f64s("confidence"));
    let (ca, cc) = (r.col("antecedents"), r.col("consequents"));
    for k in (0..r.rows.len()).step_by((r.rows.len() / 5).max(1)) {
        let a: Vec<&str> = r.rows[k][ca].split(';').collect();
        let cons: Vec<&str> = r.rows[k][cc].split(';').collect();
        assert!(!a.is_empty() && !cons.is_empty() && a.len() + cons.len() <= 3);
        let both: Vec<&str> = a.iter().chain(&cons).copied().collect();
        let (n_ac, n_a, n_c) = (count(&both), count(&a), count(&cons));
        assert!(n_ac >= 5.0, "bundle {k}: {n_ac} baskets");
        assert!(
            close_cents(sup[k], n_ac / n, 1),
            "bundle {k}: {} vs {}",
            sup[k],
            n_ac / n
        );
        assert!(close_cents(conf[k], n_ac / n_a, 1), "bundle {k}");
        assert!(
            close_cents(lifts[k], n_ac / n_a / (n_c / n), 1),
            "bundle {k}"
        );
    }

    // report.json: headline figures equal the files.
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let hl = &j["headline"];
    assert_eq!(hl["customers"].as_u64(), Some(n_customers as u64));
    assert!(close(hl["revenue"].as_f64().unwrap(), revenue));
    let nc = n_customers;
    assert!(close_cents(
        hl["clv_total"].as_f64().unwrap(),
        c.f64s("clv").iter().sum(),
        nc
    ));
    assert!(close_cents(
        hl["expected_purchases"].as_f64().unwrap(),
        c.f64s("expected_purchases").iter().sum(),
        nc
    ));
    assert!(close_cents(
        hl["expected_revenue"].as_f64().unwrap(),
        c.f64s("expected_revenue").iter().sum(),
        nc
    ));
    // The expected share of buyers is the mean purchase probability.
    let p_purchase = c.f64s("p_purchase");
    let share = p_purchase.iter().sum::<f64>() / p_purchase.len() as f64;
    assert!(close_cents(
        hl["expected_buyers_share"].as_f64().unwrap(),
        share,
        1
    ));
    assert!(hl.get("active_share").is_none());
    let orders: f64 = c.f64s("orders").iter().sum();
    assert_eq!(hl["orders"].as_f64(), Some(orders));
    assert_eq!(
        j["load"]["rows_loaded"].as_u64(),
        j["window"]["transactions"].as_u64()
    );
    let statuses: HashMap<&str, &str> = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    for id in [
        "data", "cohorts", "rfm", "clv", "purchase", "holdout", "churn", "playbook", "abc",
        "rules", "forecast", "segments",
    ] {
        assert_eq!(statuses.get(id), Some(&"ok"), "{id}: {statuses:?}");
    }
    // Segments: one profile per distinct cluster of customers.csv, sizes that add up to the
    // customers and match the cluster column, revenue shares that add up to 1.
    let profiles = j["segments"]["segments"].as_array().unwrap();
    assert!((3..=6).contains(&profiles.len()), "{profiles:?}");
    let mut per_cluster: HashMap<&str, u64> = HashMap::new();
    for s in c.strs("cluster") {
        *per_cluster.entry(s).or_default() += 1;
    }
    assert_eq!(per_cluster.len(), profiles.len());
    let sizes: u64 = profiles
        .iter()
        .map(|p| p["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(sizes as usize, n_customers);
    for p in profiles {
        let label = p["segment"].as_str().unwrap();
        assert_eq!(per_cluster.get(label).copied(), p["customers"].as_u64());
    }
    let shares: f64 = profiles
        .iter()
        .map(|p| p["revenue_share"].as_f64().unwrap())
        .sum();
    assert!(close(shares, 1.0), "{shares}");

    // index.html: self-contained, one chart per analysis that produced one.
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"));
    for id in [
        "cohort-heatmap",
        "rfm-sizes",
        "rfm-revenue",
        "clv-histogram",
        "purchase-scatter",
        "holdout-bars",
        "pareto-curve",
        "forecast-line",
        "segment-sizes",
        "segment-revenue",
        "segment-dendrogram",
    ] {
        assert_eq!(
            html.matches(&format!("data-chart=\"{id}\"")).count(),
            1,
            "{id}"
        );
    }
    assert!(!html.contains("NaN"));
    // The segments section holds the dendrogram: an <svg> with the linkage drawn as paths.
    let seg = &html[html.find("id=\"segments\"").unwrap()..];
    let seg = &seg[..seg.find("</section>").unwrap_or(seg.len())];
    let dendro = &seg[seg.find("data-chart=\"segment-dendrogram\"").unwrap()..];
    let dendro = &dendro[..dendro.find("</svg>").unwrap()];
    assert!(dendro.matches("<path").count() >= 2, "{dendro}");

    // The customer card from the report directory agrees with customers.csv.
    let k = c
        .f64s("clv")
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    let id = c.rows[k][0].clone();
    let o = run(&["customer", &id, "--report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let card = String::from_utf8(o.stdout).unwrap();
    assert!(card.contains(&format!("Customer {id}")));
    assert!(card.contains(&c.rows[k][c.col("rfm_segment")]), "{card}");
    assert!(card.contains(&c.rows[k][c.col("engagement")]), "{card}");
    let p_alive: f64 = c.rows[k][c.col("p_alive")].parse().unwrap();
    assert!(card.contains(&format!("{p_alive:.3}")), "{card}");
    let recs: Vec<&str> = card
        .lines()
        .skip_while(|l| !l.contains("recommended products"))
        .skip(1)
        .collect();
    assert_eq!(recs.len(), 5, "{card}");
    for (k, line) in recs.iter().enumerate() {
        assert!(
            line.trim_start().starts_with(&format!("{}. ", k + 1)),
            "{card}"
        );
    }
    let bought: HashSet<&str> = cp
        .strs("customer_id")
        .iter()
        .zip(cp.strs("product_id"))
        .filter(|(c, _)| **c == id)
        .map(|(_, p)| p)
        .collect();
    for line in recs {
        let product = line.split_whitespace().nth(1).unwrap();
        assert!(!bought.contains(product), "{product} was already bought");
    }
}

/// The order baskets of the cleaned input (product ids as text), loaded through the library.
fn input_baskets(input: &Path) -> Vec<HashSet<String>> {
    let opts = custalyze_transaction_types::load::LoadOptions::new(
        custalyze_transaction_types::load::Schema::from_name("online-retail").unwrap(),
    );
    let loaded = custalyze_transaction_types::load::load_path(input, &opts).unwrap();
    let b = custalyze_transaction_types::Baskets::from_log(&loaded.log).unwrap();
    b.baskets
        .iter()
        .map(|x| {
            x.items
                .iter()
                .map(|&i| b.item_ids[i as usize].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn customer_card_from_the_input_equals_the_card_from_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _, _) = generated(dir.path());
    let out = dir.path().join("report");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let id = Csv::read(&out.join("customers.csv")).rows[3][0].clone();
    let a = run(&["customer", &id, "--report", out.to_str().unwrap()]);
    let b = run(&["customer", &id, "--input", input.to_str().unwrap()]);
    assert!(a.status.success() && b.status.success(), "{}", stderr(&b));
    assert_eq!(a.stdout, b.stdout);
    // One recommendation path: the card recommends what `custalyze recommend` does.
    let card = String::from_utf8(a.stdout).unwrap();
    let from_card: Vec<&str> = card
        .lines()
        .skip_while(|l| !l.contains("recommended products"))
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    let r = run(&[
        "recommend",
        "--input",
        input.to_str().unwrap(),
        "--customer",
        &id,
        "--k",
        "5",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let listed = String::from_utf8(r.stdout).unwrap();
    let from_recommend: Vec<&str> = listed
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    assert_eq!(from_card.len(), 5, "{card}");
    assert_eq!(from_card, from_recommend, "{card}\n{listed}");
    // The id as written with leading zeros finds the same customer.
    let padded = format!("000{id}");
    let p = run(&["customer", &padded, "--report", out.to_str().unwrap()]);
    assert!(p.status.success(), "{}", stderr(&p));
    assert_eq!(p.stdout, card.as_bytes());
    let o = run(&["customer", "no-such-id", "--report", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-id"));
}

#[test]
fn a_failing_analysis_is_shown_and_the_rest_completes() {
    // Three customers who never buy again: BG/NBD still fits, but Gamma-Gamma has no repeat
    // buyers, so the CLV section fails with the reason and every file is still written.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tiny.csv");
    let mut text = String::from("customer_id,date,amount,order_id,item_id\n");
    for (k, (c, d)) in [
        (1, "2024-01-05"),
        (2, "2024-02-10"),
        (3, "2024-03-15"),
        (4, "2024-04-20"),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!("{c},{d},{}.0,{k},A\n", 10 + k));
    }
    text.push_str("1,2024-06-30,5.0,9,B\n");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("report");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "generic",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let clv = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "clv")
        .unwrap();
    assert_eq!(clv["status"], "failed", "{clv}");
    assert!(
        clv["reason"].as_str().unwrap().contains("repeat buyers"),
        "{clv}"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("too few repeat buyers"));
    assert!(html.contains("data-chart=\"cohort-heatmap\""));
    let c = Csv::read(&out.join("customers.csv"));
    assert_eq!(c.rows.len(), 4);
    assert!(c.strs("clv").iter().all(|v| v.is_empty()));
    assert!(c.strs("p_alive").iter().all(|v| !v.is_empty()));
}

#[test]
fn as_of_leaves_later_rows_out_and_bad_dates_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _, _) = generated(dir.path());
    let out = dir.path().join("report");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--as-of",
        "2023-01-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = Csv::read(&out.join("customers.csv"));
    assert!(c.strs("last_purchase").iter().all(|d| *d < "2023-01-01"));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(j["load"]["rows_on_or_after_as_of"].as_u64().unwrap() > 0);
    let o = run(&[
        "report",
        "--as-of",
        "yesterday",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--as-of"));
}

/// The generator's item and stock files feed the report's pricing and stock sections: categories
/// pool the elasticities, unit costs make the objective the margin, stock positions give the
/// order-now list; the embedded sample carries its own.
#[test]
fn item_and_stock_files_reach_the_pricing_and_stock_sections() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _, _) = generated(dir.path());
    let items = dir.path().join("sample.csv.items.csv");
    let stock = dir.path().join("sample.csv.stock.csv");
    assert!(items.exists() && stock.exists());
    let with = dir.path().join("with");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--items",
        items.to_str().unwrap(),
        "--stock",
        stock.to_str().unwrap(),
        "--out",
        with.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(with.join("index.html")).unwrap();
    assert!(
        html.contains("Order now (highest stockout risk first"),
        "no order-now table"
    );
    assert!(html.contains("The objective is the margin"));
    let inventory = Csv::read(&with.join("inventory.csv"));
    let on_hand = inventory.strs("on_hand");
    assert!(
        on_hand.iter().all(|v| !v.is_empty()),
        "every product has a stock position"
    );
    let ordered = inventory
        .f64s("order_now")
        .iter()
        .filter(|q| **q > 0.0)
        .count();
    assert!(ordered > 0);
    let pricing = Csv::read(&with.join("pricing.csv"));
    assert!(pricing.strs("category").iter().all(|c| !c.is_empty()));

    // Without the files: no stock positions, revenue objective, one pooling group.
    let without = dir.path().join("without");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "--out",
        without.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(without.join("index.html")).unwrap();
    assert!(!html.contains("Order now (highest stockout risk first"));
    assert!(html.contains("custalyze report --stock FILE"));
    let inventory = Csv::read(&without.join("inventory.csv"));
    assert!(inventory.strs("on_hand").iter().all(|v| v.is_empty()));

    // The embedded sample brings its own tables.
    let sample = dir.path().join("sample-report");
    let o = run(&["report", "--out", sample.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(sample.join("index.html")).unwrap();
    assert!(html.contains("Order now (highest stockout risk first"));

    // A stock file whose product is not a number-like id still loads; an unknown one is noted.
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "product,on_hand\nNOT-SOLD,4\n").unwrap();
    let o = run(&[
        "inventory",
        "--input",
        input.to_str().unwrap(),
        "--stock",
        odd.to_str().unwrap(),
        "--output",
        dir.path().join("inv.csv").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("never sold in the log"),
        "{}",
        stderr(&o)
    );
}
