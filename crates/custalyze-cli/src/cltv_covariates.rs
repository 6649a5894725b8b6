//! Covariates for `custalyze cltv fit` and `custalyze cltv predict`: a customer table joined to
//! the summary by customer id, and the `"covariates"` / `"covariates_se"` blocks of MODEL.json.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;
use custalyze_cltv_core::covariates::{
    BaseModel, CovariateEffect, CovariateTable, FittedSpendCovariates, FittedStaticCovariates,
    Process, SpendCovariates, StaticCovariates,
};
use custalyze_cltv_core::{FitOptions, FitReport, RfmData, SpendData};
use serde_json::{Map, Value, json};

use crate::CliError;
use crate::cltv::SummaryCsv;

/// Static covariates of `cltv fit` (CLVTools' parametrisation; docs/cltv.md).
#[derive(Debug, Args, Default)]
pub struct CovariateArgs {
    /// Customer covariates: a CSV with a customer_id column and numeric columns (0/1 dummies
    /// for categories), joined to the summary by id; every summary customer needs a row.
    #[arg(long, value_name = "FILE")]
    pub covariates: Option<PathBuf>,
    /// Covariates of the purchase process (bgnbd, mbgnbd, pareto-nbd).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub purchase_cov: Vec<String>,
    /// Covariates of the dropout process (bgnbd, mbgnbd, pareto-nbd).
    #[arg(long, value_name = "C,D", value_delimiter = ',')]
    pub dropout_cov: Vec<String>,
    /// Covariates with one coefficient shared by both processes.
    #[arg(long, value_name = "E", value_delimiter = ',')]
    pub constrained_cov: Vec<String>,
    /// Covariates of the spend per transaction (gamma-gamma).
    #[arg(long, value_name = "S", value_delimiter = ',')]
    pub spend_cov: Vec<String>,
    /// L2 penalty on the covariate coefficients: the fit maximises LL - l2 * sum(gamma^2).
    #[arg(long, value_name = "LAMBDA", default_value_t = 0.0)]
    pub l2: f64,
}

impl CovariateArgs {
    fn named(&self) -> bool {
        !(self.purchase_cov.is_empty()
            && self.dropout_cov.is_empty()
            && self.constrained_cov.is_empty()
            && self.spend_cov.is_empty())
    }

    /// Whether the fit has covariates; an error for names without a file or a file without names.
    pub fn requested(&self) -> Result<bool, CliError> {
        match (&self.covariates, self.named()) {
            (None, false) => Ok(false),
            (Some(_), true) => Ok(true),
            (None, true) => Err(CliError(
                "--purchase-cov/--dropout-cov/--constrained-cov/--spend-cov need --covariates FILE"
                    .into(),
            )),
            (Some(p), false) => Err(CliError(format!(
                "--covariates {}: name the columns to use with --purchase-cov, --dropout-cov, --constrained-cov (purchase models) or --spend-cov (gamma-gamma)",
                p.display()
            ))),
        }
    }
}

/// The covariate table of `ids` (in that order) from a CSV keyed by customer id.
///
/// # Errors
/// An unreadable file, no id column, a non-numeric value, a repeated id, or summary customers
/// without a row (counted, with the first few ids).
pub fn covariate_table(path: &Path, ids: &[String]) -> Result<CovariateTable, CliError> {
    let file = SummaryCsv::read(path)?;
    let id_col = file
        .columns
        .iter()
        .position(|c| ["customer_id", "ID", "id", "customer"].contains(&c.as_str()))
        .ok_or_else(|| {
            CliError(format!(
                "{}: needs a customer_id column to join the summary on",
                path.display()
            ))
        })?;
    let names: Vec<String> = file
        .columns
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != id_col)
        .map(|(_, c)| c.clone())
        .collect();
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(file.ids.len());
    for (i, id) in file.ids.iter().enumerate() {
        if by_id.insert(id.as_str(), i).is_some() {
            return Err(CliError(format!(
                "{}: customer {id} has two rows",
                path.display()
            )));
        }
    }
    let mut missing = vec![];
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        match by_id.get(id.as_str()) {
            Some(&i) => rows.push(
                file.rows[i]
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != id_col)
                    .map(|(_, v)| *v)
                    .collect(),
            ),
            None => missing.push(id.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(CliError(format!(
            "{}: {} customers of the summary have no row (first: {}); every customer scored or fitted needs her covariates",
            path.display(),
            missing.len(),
            missing[..missing.len().min(5)].join(", ")
        )));
    }
    CovariateTable::new(names, rows).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// The base model of a MODEL.json kind.
fn base_model(kind: &str) -> Option<BaseModel> {
    match kind {
        "bgnbd" => Some(BaseModel::BgNbd),
        "mbgnbd" => Some(BaseModel::MbgNbd),
        "pareto-nbd" => Some(BaseModel::ParetoNbd),
        _ => None,
    }
}

/// `{"purchase": {..}, "dropout": {..}}` of the estimates (`se = false`) or standard errors;
/// a constrained covariate appears under both processes (and in `"constrained"`).
fn effects_json(effects: &[CovariateEffect], se: bool) -> Value {
    let mut out = Map::new();
    for e in effects {
        let v = if se {
            json!(e.standard_error)
        } else {
            json!(e.estimate)
        };
        let processes: &[&str] = match e.process {
            Process::Both => &["purchase", "dropout"],
            p => &[p.name()],
        };
        for p in processes {
            let entry = out
                .entry((*p).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                m.insert(e.name.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// Adds the covariate blocks to a MODEL.json.
fn add_effects(out: &mut Value, effects: &[CovariateEffect], l2: f64) {
    out["covariates"] = effects_json(effects, false);
    out["covariates_se"] = effects_json(effects, true);
    let constrained: Vec<&str> = effects
        .iter()
        .filter(|e| e.process == Process::Both)
        .map(|e| e.name.as_str())
        .collect();
    out["covariates_constrained"] = json!(constrained);
    out["covariates_l2"] = json!(l2);
}

/// The effects of a MODEL.json (`None` when it has no `"covariates"` block).
///
/// # Errors
/// A malformed block.
pub fn read_effects(path: &Path, model: &Value) -> Result<Option<Vec<CovariateEffect>>, CliError> {
    let Some(block) = model.get("covariates").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let bad = |what: &str| CliError(format!("{}: malformed covariates ({what})", path.display()));
    let constrained: Vec<String> = model
        .get("covariates_constrained")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut effects: Vec<CovariateEffect> = vec![];
    for (process, p) in [
        ("purchase", Process::Purchase),
        ("dropout", Process::Dropout),
        ("spend", Process::Spend),
    ] {
        let Some(map) = block.get(process) else {
            continue;
        };
        let map = map.as_object().ok_or_else(|| bad(process))?;
        for (name, v) in map {
            let estimate = v.as_f64().ok_or_else(|| bad(name))?;
            let shared = constrained.contains(name);
            if shared && effects.iter().any(|e| e.name == *name) {
                continue;
            }
            effects.push(CovariateEffect {
                name: name.clone(),
                process: if shared { Process::Both } else { p },
                estimate,
                standard_error: None,
            });
        }
    }
    Ok(Some(effects))
}

/// `cltv fit` with covariates: the MODEL.json value.
pub fn fit(
    kind: &str,
    summary: &SummaryCsv,
    rfm: impl FnOnce() -> Result<RfmData, CliError>,
    penalizer: f64,
    args: &CovariateArgs,
    model_json: impl Fn(&str, &[&str], &[f64], &FitReport) -> Value,
) -> Result<Value, CliError> {
    let path = args.covariates.as_deref().unwrap_or(Path::new(""));
    let mut options = FitOptions::default();
    options.penalizer = penalizer;
    if kind == "gamma-gamma" {
        if !(args.purchase_cov.is_empty()
            && args.dropout_cov.is_empty()
            && args.constrained_cov.is_empty())
        {
            return Err(CliError(
                "gamma-gamma takes --spend-cov; --purchase-cov/--dropout-cov/--constrained-cov are for bgnbd, mbgnbd and pareto-nbd".into(),
            ));
        }
        let x = summary.column(&["frequency_cal", "frequency", "x"])?;
        let m = summary.column(&["monetary_value_cal", "monetary_value", "zbar"])?;
        let w = summary.optional(&["weight", "weights"]);
        // The repeat buyers, with their covariate rows.
        let keep: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.0).collect();
        let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let ids: Vec<String> = keep.iter().map(|&i| summary.ids[i].clone()).collect();
        let data = SpendData::new(&pick(&x), &pick(&m), w.as_deref().map(pick).as_deref())?;
        eprintln!(
            "gamma-gamma: fitting {} repeat buyers ({} customers without repeat purchases left out)",
            keep.len(),
            x.len() - keep.len()
        );
        let table = covariate_table(path, &ids)?;
        let f: FittedSpendCovariates = SpendCovariates::params()
            .spend(args.spend_cov.iter().cloned())
            .l2(args.l2)
            .options(options)
            .fit(&data, &table)?;
        let mut out = model_json("gamma-gamma", &["p", "q", "v"], &f.base, &f.report);
        add_effects(&mut out, &f.effects, f.l2);
        return Ok(out);
    }
    let model = base_model(kind)
        .ok_or_else(|| CliError(format!("--covariates is not available for {kind}")))?;
    if !args.spend_cov.is_empty() {
        return Err(CliError(
            "--spend-cov is for gamma-gamma; a purchase model takes --purchase-cov, --dropout-cov or --constrained-cov".into(),
        ));
    }
    let data = rfm()?;
    let table = covariate_table(path, &summary.ids)?;
    let f: FittedStaticCovariates = StaticCovariates::params(model)
        .purchase(args.purchase_cov.iter().cloned())
        .dropout(args.dropout_cov.iter().cloned())
        .constrained(args.constrained_cov.iter().cloned())
        .l2(args.l2)
        .options(options)
        .fit(&data, &table)?;
    let mut out = model_json(kind, &model.parameter_names(), &f.base, &f.report);
    add_effects(&mut out, &f.effects, f.l2);
    print_effects(&f.effects);
    Ok(out)
}

/// Prints each estimated coefficient with its standard error (standard error).
pub fn print_effects(effects: &[CovariateEffect]) {
    for e in effects {
        eprintln!(
            "  {} on {}: {:.4} (se {})",
            e.name,
            e.process.name(),
            e.estimate,
            e.standard_error
                .map_or_else(|| "n/a".to_string(), |s| format!("{s:.4}"))
        );
    }
}

/// The fitted purchase model with covariates of a MODEL.json, for `cltv predict`.
pub fn purchase_model(
    kind: &str,
    params: &[f64],
    effects: Vec<CovariateEffect>,
) -> Result<FittedStaticCovariates, CliError> {
    let model = base_model(kind)
        .ok_or_else(|| CliError(format!("a {kind} model has no purchase covariates")))?;
    Ok(FittedStaticCovariates::from_estimates(
        model,
        [params[0], params[1], params[2], params[3]],
        effects,
        None,
    )?)
}

/// The fitted spend model with covariates of a MODEL.json, for `cltv predict`.
pub fn spend_model(
    params: &[f64],
    effects: Vec<CovariateEffect>,
) -> Result<FittedSpendCovariates, CliError> {
    Ok(FittedSpendCovariates::from_estimates(
        [params[0], params[1], params[2]],
        effects,
    )?)
}
