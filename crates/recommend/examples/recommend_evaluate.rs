//! Offline evaluation table (k = 10) on generated data (leave-last-basket-out) and on the dmba
//! Cosmetics baskets (basket completion), printed as Markdown.
//!
//! ```text
//! cargo run --release -p custalyze-recommend --example recommend_evaluate
//! ```

use std::collections::HashMap;
use std::path::Path;

use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_recommend::evaluation::{
    Metrics, basket_completion, evaluate, leave_last_basket_out,
};
use custalyze_recommend::{
    CustomerSegment, ItemCf, Method, Recommenders, RuleBased, pair_rules, segments,
};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use custalyze_transaction_types::{Baskets, Id};

const K: usize = 10;

fn row(m: &Metrics) {
    println!(
        "| {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.3} |",
        m.method, m.customers, m.hit_rate, m.precision, m.recall, m.ndcg, m.coverage
    );
}

fn header(title: &str, k: usize) {
    println!(
        "\n{title}\n\n| method | customers | HR@{k} | P@{k} | R@{k} | NDCG@{k} | coverage |\n|---|---|---|---|---|---|---|"
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Generated: 4000 customers, seed 11.
    let csv = generate(&GeneratorConfig::default().customers(4000).seed(11))?.to_csv_string()?;
    let log = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )?
    .log;
    let baskets = Baskets::from_log(&log)?;
    let split = leave_last_basket_out(&baskets)?;
    let n = baskets.item_ids.len();
    let descriptions: Vec<Option<&str>> = (0..n).map(|i| log.item_description(i as u32)).collect();
    // Rules from the training interactions only (customer purchase sets).
    let sets: Vec<Vec<u32>> = (0..split.train.n_users())
        .map(|u| split.train.user_items(u).to_vec())
        .collect();
    let rules = RuleBased::new(
        &pair_rules(&sets, &baskets.item_ids, 0.005, 0.1)?,
        &baskets.item_ids,
    )?;
    let models =
        Recommenders::from_parts(&split.train, &descriptions, Some(rules), ItemCf::params())?;
    // Segments from the training rows only (every order but the held-out ones).
    let held: std::collections::HashSet<u32> = split.cases.iter().map(|c| c.user).collect();
    let mut last_order: HashMap<u32, u32> = HashMap::new();
    for b in &baskets.baskets {
        if held.contains(&b.customer) {
            last_order.insert(b.customer, b.order);
        }
    }
    let train_log =
        log.filter_rows(|r| last_order.get(&log.customers()[r]) != Some(&log.orders()[r]))?;
    let seg = segments(&train_log)?;
    let ids: &[Id] = &baskets.customer_ids;
    header(
        &format!(
            "Generated (4000 customers, seed 11), leave-last-basket-out, {} customers ({} skipped: last basket only re-purchases)",
            split.cases.len(),
            split.skipped_repeat_only
        ),
        K,
    );
    for (name, method) in [
        ("popularity", Method::Popularity),
        ("item CF", Method::Cf),
        ("content", Method::Content),
        ("rules", Method::Rules),
        ("hybrid", Method::Hybrid),
    ] {
        let m = evaluate(name, &split.cases, n, K, |c| {
            let s = seg
                .get(&ids[c.user as usize])
                .copied()
                .unwrap_or(CustomerSegment::Moderate);
            models.recommend(method, &c.history, s, K)
        })?;
        row(&m);
    }

    // Cosmetics (dmba): basket completion, 20 % of baskets held out, seed 1.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/baskets/cosmetics_baskets.txt");
    if path.exists() {
        let text = std::fs::read_to_string(&path)?;
        let mut names: Vec<Id> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let sets: Vec<Vec<u32>> = text
            .lines()
            .map(|l| {
                l.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        *index.entry(s.to_string()).or_insert_with(|| {
                            names.push(Id::from(s));
                            (names.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        let n = names.len();
        let split = basket_completion(&sets, n, 0.2, 1)?;
        let train_sets: Vec<Vec<u32>> = (0..split.train.n_users())
            .map(|u| split.train.user_items(u).to_vec())
            .collect();
        let rules = RuleBased::new(&pair_rules(&train_sets, &names, 0.01, 0.1)?, &names)?;
        let texts: Vec<String> = names.iter().map(ToString::to_string).collect();
        let descriptions: Vec<Option<&str>> = texts.iter().map(|s| Some(s.as_str())).collect();
        let models = Recommenders::from_parts(
            &split.train,
            &descriptions,
            Some(rules),
            ItemCf::params().shrinkage(1.0),
        )?;
        header(
            &format!(
                "Cosmetics (dmba, {} baskets, {} items), basket completion: 20 % held out, one item hidden, {} baskets",
                sets.len(),
                n,
                split.cases.len()
            ),
            3,
        );
        for (name, method) in [
            ("popularity", Method::Popularity),
            ("item CF", Method::Cf),
            ("content (item names)", Method::Content),
            ("rules", Method::Rules),
        ] {
            let m = evaluate(name, &split.cases, n, 3, |c| {
                models.recommend(method, &c.history, CustomerSegment::Moderate, 3)
            })?;
            row(&m);
        }
    }
    Ok(())
}
