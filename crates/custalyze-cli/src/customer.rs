//! `custalyze customer ID`: one customer's card (CLV, P(alive), segment, recommended products)
//! from a report directory or straight from a transaction file.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::CliError;
use crate::input::InputArgs;
use crate::report::files::{CUSTOMERS_HEADER, customer_record};
use crate::report::sections::RuleRow;
use crate::report::svg::{fmt_pct, fmt_thousands};

/// Arguments of `custalyze customer`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze report --out report && custalyze customer 10042 --report report
  custalyze customer 12347 --input retail.csv --schema online-retail

With --report DIR the card is read from the files `custalyze report` wrote (customers.csv,
customer_products.csv, segment_best_sellers.csv, rules.csv); otherwise the analyses run on the
input (the embedded sample without --input). Recommendations: products that association rules
suggest from what the customer bought (when rules.csv has rules), then the best sellers of the
customer's RFM segment, then the overall best sellers, that the customer has not bought.")]
pub struct CustomerArgs {
    /// Customer id.
    id: String,
    /// A directory written by `custalyze report`.
    #[arg(long, value_name = "DIR", conflicts_with = "input")]
    report: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    /// Analysis date, YYYY-MM-DD (without --report).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "report")]
    as_of: Option<String>,
    /// Number of recommended products.
    #[arg(long, value_name = "N", default_value_t = 5)]
    top: usize,
}

/// A recommended product and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// Product id.
    pub product: String,
    /// Description (may be empty).
    pub description: String,
    /// Why it is recommended.
    pub reason: String,
}

/// Recommendations for a customer who bought `bought`: first the consequents of the rules whose
/// antecedents the customer bought (in the order of `rules`, e.g. by lift), then `fallback`
/// products `(product, description, reason)` in order (the segment's best sellers, then the overall
/// best sellers); products already bought are skipped and each product appears once. The
/// report's rules are FP-Growth rules (custalyze-assoc-rules) over product ids, as [`RuleRow`].
pub fn recommend(
    bought: &HashSet<String>,
    rules: &[RuleRow],
    fallback: &[(String, String, String)],
    descriptions: &HashMap<String, String>,
    k: usize,
) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for r in rules {
        if out.len() >= k {
            break;
        }
        if !r.antecedents.iter().all(|a| bought.contains(a)) {
            continue;
        }
        for c in &r.consequents {
            if out.len() < k && !bought.contains(c) && taken.insert(c.clone()) {
                out.push(Recommendation {
                    product: c.clone(),
                    description: descriptions.get(c).cloned().unwrap_or_default(),
                    reason: format!(
                        "bought with {} (confidence {}, lift {:.2})",
                        r.antecedents.join(" + "),
                        fmt_pct(r.confidence),
                        r.lift
                    ),
                });
            }
        }
    }
    for (p, d, reason) in fallback {
        if out.len() >= k {
            break;
        }
        if !bought.contains(p) && taken.insert(p.clone()) {
            out.push(Recommendation {
                product: p.clone(),
                description: d.clone(),
                reason: reason.clone(),
            });
        }
    }
    out
}

/// Everything the card shows.
#[derive(Debug, Default)]
struct Card {
    fields: HashMap<String, String>,
    bought: Vec<(String, f64)>,
    best_sellers: Vec<(String, String)>,
    overall: Vec<(String, String)>,
    rules: Vec<RuleRow>,
    descriptions: HashMap<String, String>,
}

fn read_csv(path: &Path) -> Result<csv::Reader<std::fs::File>, CliError> {
    csv::Reader::from_path(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, CliError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| CliError(format!("{}: no column {name}", path.display())))
}

fn card_from_dir(dir: &Path, id: &str) -> Result<Card, CliError> {
    let mut card = Card::default();
    let path = dir.join("customers.csv");
    let mut r = read_csv(&path)?;
    let headers = r.headers()?.clone();
    for rec in r.records() {
        let rec = rec?;
        if rec.get(0) == Some(id) {
            card.fields = headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            break;
        }
    }
    if card.fields.is_empty() {
        return Err(CliError(format!(
            "customer {id} is not in {}",
            path.display()
        )));
    }
    let path = dir.join("customer_products.csv");
    let mut r = read_csv(&path)?;
    let h = r.headers()?.clone();
    let (ci, pi, ri) = (
        column(&h, "customer_id", &path)?,
        column(&h, "product_id", &path)?,
        column(&h, "revenue", &path)?,
    );
    for rec in r.records() {
        let rec = rec?;
        if rec.get(ci) == Some(id) {
            card.bought.push((
                rec.get(pi).unwrap_or("").to_string(),
                rec.get(ri).and_then(|v| v.parse().ok()).unwrap_or(0.0),
            ));
        }
    }
    let segment = card.fields.get("segment").cloned().unwrap_or_default();
    let path = dir.join("segment_best_sellers.csv");
    let mut r = read_csv(&path)?;
    let h = r.headers()?.clone();
    let (si, pi, di) = (
        column(&h, "segment", &path)?,
        column(&h, "product_id", &path)?,
        column(&h, "description", &path)?,
    );
    for rec in r.records() {
        let rec = rec?;
        let (p, d) = (rec.get(pi).unwrap_or(""), rec.get(di).unwrap_or(""));
        card.descriptions.insert(p.to_string(), d.to_string());
        if rec.get(si) == Some(segment.as_str()) {
            card.best_sellers.push((p.to_string(), d.to_string()));
        }
    }
    let path = dir.join("products.csv");
    if let Ok(mut r) = csv::Reader::from_path(&path) {
        for rec in r.records() {
            let rec = rec?;
            if let (Some(p), Some(d)) = (rec.get(0), rec.get(1)) {
                card.descriptions.insert(p.to_string(), d.to_string());
                card.overall.push((p.to_string(), d.to_string()));
            }
        }
    }
    let path = dir.join("rules.csv");
    if path.exists() {
        let mut r = read_csv(&path)?;
        for rec in r.records() {
            let rec = rec?;
            let items = |k: usize| -> Vec<String> {
                rec.get(k)
                    .unwrap_or("")
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let num = |k: usize| rec.get(k).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            card.rules.push(RuleRow {
                antecedents: items(0),
                consequents: items(1),
                support: num(2),
                confidence: num(3),
                lift: num(4),
            });
        }
    }
    Ok(card)
}

fn card_from_input(args: &CustomerArgs) -> Result<Card, CliError> {
    let options = crate::report::options(args.as_of.as_deref(), 12, 0.01)?;
    let a = crate::report::analyse(&args.input, &options)?;
    let k = a
        .customers
        .iter()
        .position(|c| c.id == args.id)
        .ok_or_else(|| CliError(format!("customer {} is not in the data", args.id)))?;
    let row = &a.customers[k];
    let fields = CUSTOMERS_HEADER
        .iter()
        .map(|h| h.to_string())
        .zip(customer_record(row))
        .collect();
    let bought = a
        .customer_products(k)
        .into_iter()
        .map(|(p, _, _, rev)| (p, rev))
        .collect();
    let descriptions = a
        .products
        .iter()
        .map(|p| (p.id.clone(), p.description.clone()))
        .collect();
    Ok(Card {
        fields,
        bought,
        best_sellers: a
            .best_sellers
            .iter()
            .filter(|b| b.segment == row.segment)
            .map(|b| (b.item.clone(), b.description.clone()))
            .collect(),
        overall: a
            .products
            .iter()
            .map(|p| (p.id.clone(), p.description.clone()))
            .collect(),
        rules: a.rules.clone(),
        descriptions,
    })
}

fn num(fields: &HashMap<String, String>, key: &str) -> Option<f64> {
    fields.get(key).and_then(|v| v.parse().ok())
}

/// The card as text.
fn render(id: &str, card: &Card, top: usize) -> String {
    let f = &card.fields;
    let get = |k: &str| {
        f.get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| "–".into())
    };
    let money = |k: &str| num(f, k).map_or_else(|| "–".to_string(), |v| fmt_thousands(v, 2));
    let mut s = format!("Customer {id}\n");
    s.push_str(&format!(
        "  segment           {} (R {}, F {}, M {}); cluster {}\n",
        get("segment"),
        get("r_score"),
        get("f_score"),
        get("m_score"),
        get("cluster")
    ));
    s.push_str(&format!(
        "  history           {} orders, revenue {}, first {}, last {} (cohort {})\n",
        get("orders"),
        money("revenue"),
        get("first_purchase"),
        get("last_purchase"),
        get("cohort")
    ));
    s.push_str(&format!(
        "  P(alive)          {}\n",
        num(f, "p_alive").map_or_else(|| "–".into(), |p| format!("{p:.3}"))
    ));
    s.push_str(&format!(
        "  next 12 months    {} expected purchases, {} expected spend per purchase\n",
        num(f, "expected_purchases").map_or_else(|| "–".into(), |p| format!("{p:.2}")),
        money("expected_avg_spend")
    ));
    s.push_str(&format!("  CLV (12 months)   {}\n", money("clv")));
    let bought: HashSet<String> = card.bought.iter().map(|(p, _)| p.clone()).collect();
    let segment = get("segment");
    let fallback: Vec<(String, String, String)> = card
        .best_sellers
        .iter()
        .map(|(p, d)| (p.clone(), d.clone(), format!("best seller in {segment}")))
        .chain(
            card.overall
                .iter()
                .map(|(p, d)| (p.clone(), d.clone(), "best seller overall".to_string())),
        )
        .collect();
    let recs = recommend(&bought, &card.rules, &fallback, &card.descriptions, top);
    s.push_str("  recommended products:\n");
    if recs.is_empty() {
        s.push_str("    (none: the customer has bought every product)\n");
    }
    for (k, r) in recs.iter().enumerate() {
        s.push_str(&format!(
            "    {}. {} {} ({})\n",
            k + 1,
            r.product,
            r.description,
            r.reason
        ));
    }
    s
}

/// Runs the command.
pub fn run(args: &CustomerArgs) -> Result<(), CliError> {
    let card = match &args.report {
        Some(dir) => card_from_dir(dir, &args.id)?,
        None => card_from_input(args)?,
    };
    print!("{}", render(&args.id, &card, args.top));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(a: &[&str], c: &[&str], lift: f64) -> RuleRow {
        RuleRow {
            antecedents: a.iter().map(|s| s.to_string()).collect(),
            consequents: c.iter().map(|s| s.to_string()).collect(),
            support: 0.1,
            confidence: 0.5,
            lift,
        }
    }

    #[test]
    fn rules_come_first_then_unbought_best_sellers() {
        let bought: HashSet<String> = ["a".to_string(), "b".to_string()].into();
        let rules = [
            rule(&["a"], &["x"], 5.0),
            rule(&["z"], &["y"], 4.0),      // antecedent not bought
            rule(&["a", "b"], &["b"], 3.0), // consequent already bought
        ];
        let best = [
            ("b".to_string(), "B".to_string(), "best seller".to_string()),
            ("x".to_string(), "X".to_string(), "best seller".to_string()),
            ("c".to_string(), "C".to_string(), "best seller".to_string()),
        ];
        let r = recommend(&bought, &rules, &best, &HashMap::new(), 5);
        let ids: Vec<&str> = r.iter().map(|r| r.product.as_str()).collect();
        assert_eq!(ids, ["x", "c"]);
        assert!(r[0].reason.contains("lift 5.00"));
        assert!(r[1].reason.contains("best seller"));
        assert_eq!(
            recommend(&bought, &rules, &best, &HashMap::new(), 1).len(),
            1
        );
    }
}
