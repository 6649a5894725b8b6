//! ROC AUC and average precision against scikit-learn on 300 tied scores (tolerance 1e-12).

use custalyze_churn::metrics::{average_precision, roc_auc};

#[test]
fn metrics_match_sklearn() -> Result<(), Box<dyn std::error::Error>> {
    let text = include_str!("fixtures/sklearn_metrics.json");
    let v: serde_json::Value = serde_json::from_str(text)?;
    let labels: Vec<bool> = v["labels"]
        .as_array()
        .ok_or("labels")?
        .iter()
        .map(|x| x.as_i64() == Some(1))
        .collect();
    let scores: Vec<f64> = v["scores"]
        .as_array()
        .ok_or("scores")?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    let auc = roc_auc(&scores, &labels)?;
    let ap = average_precision(&scores, &labels)?;
    let want_auc = v["roc_auc"].as_f64().ok_or("auc")?;
    let want_ap = v["average_precision"].as_f64().ok_or("ap")?;
    assert!((auc - want_auc).abs() < 1e-12, "{auc} vs {want_auc}");
    assert!((ap - want_ap).abs() < 1e-12, "{ap} vs {want_ap}");
    Ok(())
}
