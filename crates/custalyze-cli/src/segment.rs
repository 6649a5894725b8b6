//! `custalyze segment`: hierarchical clustering and K-Means of a feature matrix, and the whole
//! path from a transaction log to labelled customers with segment profiles.

use crate::output::writer;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use custalyze_segment::{
    CustomerFeatures, Hierarchical, KMeans, Method, Scaling, SegmentModel, silhouette_score,
    silhouette_score_sampled,
};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::summary::fmt_f64;
use ndarray::Array2;
use serde_json::json;

use crate::CliError;
use crate::input::InputArgs;

/// Above this many rows the silhouette is computed on a sample of this size.
const SILHOUETTE_EXACT_MAX: usize = 10_000;

/// The `segment` subcommands.
#[derive(Debug, Subcommand)]
pub enum SegmentCommand {
    /// Hierarchical clustering of a numeric CSV: SciPy's linkage matrix, optional flat clusters.
    Hierarchical(HierarchicalArgs),
    /// K-Means (k-means++, n-init seedings) of a numeric CSV: inertia, silhouette, labels, centroids.
    Kmeans(KmeansArgs),
    /// From a transaction log to segmented customers: features, log/standardise, K-Means, profiles.
    Customers(Box<CustomersArgs>),
}

/// Matrix input shared by `hierarchical` and `kmeans`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// CSV with a header row, one observation per row.
    #[arg(long, value_name = "MATRIX.csv")]
    input: PathBuf,
    /// Feature columns, comma-separated (default: every numeric column except a first column
    /// whose name contains "id").
    #[arg(long, value_name = "a,b,c", value_delimiter = ',')]
    columns: Vec<String>,
}

/// Arguments of `custalyze segment hierarchical`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze segment hierarchical --input rfm_std.csv --columns z_recency,z_frequency,z_monetary \\
      --method ward --output Z.csv --clusters 4 --labels-out labels.csv --svg dendrogram.svg

Z.csv has SciPy's linkage layout: header idx1,idx2,distance,size; row k merges idx1 < idx2 into
cluster n + k (ids below n are input rows). Heights of ward are SciPy's (sqrt(2 x increase in
within-cluster sum of squares)). Labels (id,cluster; clusters 1..K in order of first appearance)
are SciPy's fcluster(Z, K, 'maxclust') partition.")]
pub struct HierarchicalArgs {
    #[command(flatten)]
    matrix: MatrixArgs,
    /// Linkage method.
    #[arg(long, value_name = "METHOD", default_value = "ward",
          value_parser = ["ward", "single", "complete", "average", "weighted", "centroid", "median"])]
    method: String,
    /// Output linkage matrix CSV ("-" for standard output).
    #[arg(long, value_name = "Z.csv")]
    output: PathBuf,
    /// Cut the tree into at most K clusters (needs --labels-out).
    #[arg(long, value_name = "K", requires = "labels_out")]
    clusters: Option<usize>,
    /// Where to write the flat cluster of every row (needs --clusters).
    #[arg(long, value_name = "L.csv", requires = "clusters")]
    labels_out: Option<PathBuf>,
    /// Also draw the dendrogram as SVG (top 64 leaves; coloured by --clusters when given).
    #[arg(long, value_name = "OUT.svg")]
    svg: Option<PathBuf>,
}

/// Arguments of `custalyze segment kmeans`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze segment kmeans --input rfm_std.csv --columns z_recency,z_frequency,z_monetary --k 4 \\
      --seed 42 --n-init 10 --output kmeans.json

OUT.json keys: k, columns, inertia, silhouette (exact up to 10,000 rows, else on a seeded sample
of 10,000: silhouette_sample_size), n_iter, cluster_sizes, labels (0..k-1 per row), centroids
(k rows of feature values).")]
pub struct KmeansArgs {
    #[command(flatten)]
    matrix: MatrixArgs,
    /// Number of clusters.
    #[arg(long, value_name = "K")]
    k: usize,
    /// Random seed.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Number of k-means++ seedings (the lowest inertia is kept).
    #[arg(long, value_name = "N", default_value_t = 10)]
    n_init: usize,
    /// Iteration limit per seeding.
    #[arg(long, value_name = "N", default_value_t = 300)]
    max_iter: usize,
    /// Output JSON.
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// Arguments of `custalyze segment customers`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze segment customers --input CDNOW_master.txt --schema cdnow --as-of 1998-07-01 --k 4 \\
      --output segments.csv --profiles-out profiles.csv

Features per customer from transactions dated before --as-of: recency (days since the last
purchase day), frequency (distinct orders), monetary (total), avg_order_value, tenure (days since
the first purchase day), ipt_mean and ipt_std (days between purchase days). The --features are
log1p-transformed where listed in --log1p, standardised (--scaling), and clustered by K-Means.
--extra adds user columns (CLV, P(alive), ...) by customer id.
Columns written: customer_id, every feature, segment (0..k-1), label. Segment profiles (size,
share, revenue share, feature means) are printed on stderr.")]
pub struct CustomersArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Snapshot date, YYYY-MM-DD: transactions before it count (exclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: String,
    /// Number of segments.
    #[arg(long, value_name = "K")]
    k: usize,
    /// Extra per-customer columns, e.g. CLV or P(alive) from `custalyze cltv predict`: a CSV
    /// whose first column is the customer id and whose other numeric columns are added as
    /// features (every customer of the log needs a value); name them in --features to cluster
    /// on them.
    #[arg(long, value_name = "COLUMNS.csv")]
    extra: Option<PathBuf>,
    /// Features clustered, comma-separated.
    #[arg(
        long,
        value_name = "a,b",
        value_delimiter = ',',
        default_value = "recency,frequency,monetary"
    )]
    features: Vec<String>,
    /// Features log1p-transformed before scaling, among --features (empty string for none).
    #[arg(
        long,
        value_name = "a,b",
        value_delimiter = ',',
        default_value = "frequency,monetary"
    )]
    log1p: Vec<String>,
    /// Standardisation: zscore, robust or none.
    #[arg(long, value_name = "RULE", value_enum, default_value_t = ScalingArg::Zscore)]
    scaling: ScalingArg,
    /// Random seed.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Number of k-means++ seedings.
    #[arg(long, value_name = "N", default_value_t = 10)]
    n_init: usize,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
    /// Also write the segment profiles as CSV.
    #[arg(long, value_name = "P.csv")]
    profiles_out: Option<PathBuf>,
    /// Also write the fitted model (scaler, centroids, profiles) as JSON.
    #[arg(long, value_name = "MODEL.json")]
    model_out: Option<PathBuf>,
}

/// A numeric matrix read from CSV: row ids, column names, values.
struct Matrix {
    ids: Vec<String>,
    columns: Vec<String>,
    values: Array2<f64>,
}

fn read_matrix(args: &MatrixArgs) -> Result<Matrix, CliError> {
    let path = &args.input;
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut records = Vec::new();
    for r in rdr.records() {
        records.push(r.map_err(|e| CliError(format!("{}: {e}", path.display())))?);
    }
    if records.is_empty() {
        return Err(CliError(format!("{}: no data rows", path.display())));
    }
    let id_col = headers
        .first()
        .filter(|h| h.to_ascii_lowercase().contains("id"))
        .map(|_| 0);
    let numeric = |c: usize| {
        records
            .iter()
            .all(|r| r.get(c).is_some_and(|v| v.trim().parse::<f64>().is_ok()))
    };
    let cols: Vec<usize> = if args.columns.is_empty() {
        (0..headers.len())
            .filter(|&c| Some(c) != id_col && numeric(c))
            .collect()
    } else {
        args.columns
            .iter()
            .map(|name| {
                headers
                    .iter()
                    .position(|h| h == name.trim())
                    .ok_or_else(|| {
                        CliError(format!(
                            "{}: no column {name:?}; columns: {}",
                            path.display(),
                            headers.join(",")
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    if cols.is_empty() {
        return Err(CliError(format!(
            "{}: no numeric feature column; name them with --columns",
            path.display()
        )));
    }
    let mut values = Array2::zeros((records.len(), cols.len()));
    for (i, r) in records.iter().enumerate() {
        for (j, &c) in cols.iter().enumerate() {
            let field = r.get(c).unwrap_or("").trim();
            values[[i, j]] = field.parse::<f64>().map_err(|_| {
                CliError(format!(
                    "{}: row {} column {:?}: {field:?} is not a number",
                    path.display(),
                    i + 1,
                    headers[c]
                ))
            })?;
        }
    }
    let ids = match id_col {
        Some(c) if !cols.contains(&c) => records
            .iter()
            .map(|r| r.get(c).unwrap_or("").to_string())
            .collect(),
        _ => (0..records.len()).map(|i| i.to_string()).collect(),
    };
    Ok(Matrix {
        ids,
        columns: cols.iter().map(|&c| headers[c].clone()).collect(),
        values,
    })
}

/// Runs a `segment` subcommand.
pub fn run(cmd: &SegmentCommand) -> Result<(), CliError> {
    match cmd {
        SegmentCommand::Hierarchical(args) => hierarchical(args),
        SegmentCommand::Kmeans(args) => kmeans(args),
        SegmentCommand::Customers(args) => customers(args),
    }
}

fn hierarchical(args: &HierarchicalArgs) -> Result<(), CliError> {
    let m = read_matrix(&args.matrix)?;
    let method = Method::parse(&args.method)?;
    let z = Hierarchical::params(method).fit(m.values.view())?;
    z.write_csv(writer(&args.output)?)?;
    let coph = z.cophenetic_correlation(m.values.view())?;
    eprintln!(
        "{} linkage of {} rows x {} columns ({}); cophenetic correlation {coph:.6}",
        method,
        m.values.nrows(),
        m.values.ncols(),
        m.columns.join(",")
    );
    if let (Some(k), Some(path)) = (args.clusters, &args.labels_out) {
        let labels = z.cut_k(k)?;
        let mut w = csv::Writer::from_writer(writer(path)?);
        w.write_record(["id", "cluster"])?;
        for (id, l) in m.ids.iter().zip(&labels) {
            w.write_record([id.to_string(), (l + 1).to_string()])?;
        }
        w.flush()?;
    }
    if let Some(path) = &args.svg {
        let svg = crate::report::svg::dendrogram(
            &z,
            &crate::report::svg::DendrogramOptions {
                color_clusters: args.clusters,
                title: Some(format!("{method} linkage")),
                ..Default::default()
            },
        )?;
        std::fs::write(path, svg)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

fn kmeans(args: &KmeansArgs) -> Result<(), CliError> {
    let m = read_matrix(&args.matrix)?;
    let fit = KMeans::params(args.k)
        .n_init(args.n_init)
        .max_iter(args.max_iter)
        .seed(args.seed)
        .fit(m.values.view())?;
    let n = m.values.nrows();
    let distinct = fit.cluster_sizes.iter().filter(|&&s| s > 0).count();
    let (silhouette, sample) = if distinct < 2 || distinct >= n {
        (None, None)
    } else if n > SILHOUETTE_EXACT_MAX {
        let s = silhouette_score_sampled(
            m.values.view(),
            &fit.labels,
            SILHOUETTE_EXACT_MAX,
            args.seed,
        )?;
        (Some(s), Some(SILHOUETTE_EXACT_MAX))
    } else {
        (Some(silhouette_score(m.values.view(), &fit.labels)?), None)
    };
    let centroids: Vec<Vec<f64>> = fit.centroids.outer_iter().map(|r| r.to_vec()).collect();
    let out = json!({
        "k": args.k,
        "columns": m.columns,
        "inertia": fit.inertia,
        "silhouette": silhouette,
        "silhouette_sample_size": sample,
        "n_iter": fit.n_iter,
        "cluster_sizes": fit.cluster_sizes,
        "labels": fit.labels,
        "centroids": centroids,
    });
    let f = File::create(&args.output)
        .map_err(|e| CliError(format!("cannot write {}: {e}", args.output.display())))?;
    serde_json::to_writer_pretty(BufWriter::new(f), &out)?;
    eprintln!(
        "k-means k={} on {n} rows: inertia {:.6}, silhouette {}",
        args.k,
        fit.inertia,
        silhouette.map_or("n/a".to_string(), |s| format!("{s:.6}"))
    );
    Ok(())
}

/// Adds the numeric columns of `path` (first column: customer id) to the feature table.
fn add_extra_columns(features: &mut CustomerFeatures, path: &Path) -> Result<(), CliError> {
    let m = read_matrix(&MatrixArgs {
        input: path.to_path_buf(),
        columns: Vec::new(),
    })?;
    for (j, name) in m.columns.iter().enumerate() {
        let mut values = std::collections::HashMap::new();
        for (i, id) in m.ids.iter().enumerate() {
            let id = Id::parse(id).ok_or_else(|| {
                CliError(format!(
                    "{}: row {} has no customer id",
                    path.display(),
                    i + 1
                ))
            })?;
            values.insert(id, m.values[[i, j]]);
        }
        features.add_column(name, &values)?;
    }
    Ok(())
}

/// `--scaling` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ScalingArg {
    /// Z-scores (mean 0, standard deviation 1).
    Zscore,
    /// Median and interquartile range.
    Robust,
    /// No scaling.
    None,
}

fn customers(args: &CustomersArgs) -> Result<(), CliError> {
    let as_of = crate::input::parse_date("--as-of", &args.as_of)?;
    let scaling = match args.scaling {
        ScalingArg::Zscore => Scaling::ZScore,
        ScalingArg::Robust => Scaling::Robust,
        ScalingArg::None => Scaling::None,
    };
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let after = crate::input::rows_on_or_after(&loaded.log, as_of);
    if after > 0 {
        eprintln!("note: {after} rows dated on or after --as-of {as_of} were left out");
    }
    let mut all = CustomerFeatures::from_log(&loaded.log, as_of)?;
    if let Some(path) = &args.extra {
        add_extra_columns(&mut all, path)?;
    }
    let names: Vec<&str> = args.features.iter().map(|s| s.trim()).collect();
    let selected = all.select(&names)?;
    let log1p: Vec<&str> = args
        .log1p
        .iter()
        .map(|s| s.trim())
        // The default names frequency and monetary; only the clustered features are transformed.
        .filter(|s| !s.is_empty() && names.contains(s))
        .collect();
    let params = KMeans::params(args.k).n_init(args.n_init).seed(args.seed);
    let seg = SegmentModel::fit(&selected, &log1p, scaling, &params)?;
    // Profiles (and labels) on the full feature table, whichever features were clustered.
    let profiles = custalyze_segment::profile_segments(&all, &seg.labels)?;
    let mut w = csv::Writer::from_writer(writer(&args.output)?);
    let mut header = vec!["customer_id"];
    header.extend(all.columns.iter().map(String::as_str));
    header.extend(["segment", "label"]);
    w.write_record(&header)?;
    for (i, id) in all.customers.iter().enumerate() {
        let l = seg.labels[i];
        let mut row = vec![id.to_string()];
        row.extend(all.values.row(i).iter().map(|&v| fmt_f64(v)));
        row.extend([l.to_string(), profiles[l].label.clone()]);
        w.write_record(&row)?;
    }
    w.flush()?;
    eprintln!(
        "{} customers in {} segments (features {}; inertia {:.4})",
        all.len(),
        args.k,
        names.join(","),
        seg.model.kmeans.inertia
    );
    for p in &profiles {
        let means: Vec<String> = p
            .features
            .iter()
            .map(|f| format!("{}={:.1}", f.name, f.mean))
            .collect();
        eprintln!(
            "  segment {}: {} customers ({:.1}%), revenue {:.1}%, {}: {}",
            p.segment,
            p.size,
            100.0 * p.share,
            100.0 * p.revenue_share.unwrap_or(0.0),
            p.label,
            means.join(" ")
        );
    }
    if let Some(path) = &args.profiles_out {
        let mut w = csv::Writer::from_writer(writer(path)?);
        let mut header = vec!["segment", "label", "size", "share", "revenue_share"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        for c in &all.columns {
            header.push(format!("{c}_mean"));
            header.push(format!("{c}_median"));
        }
        w.write_record(&header)?;
        for p in &profiles {
            let mut row = vec![
                p.segment.to_string(),
                p.label.clone(),
                p.size.to_string(),
                fmt_f64(p.share),
                p.revenue_share.map_or(String::new(), fmt_f64),
            ];
            for f in &p.features {
                row.push(fmt_f64(f.mean));
                row.push(fmt_f64(f.median));
            }
            w.write_record(&row)?;
        }
        w.flush()?;
    }
    if let Some(path) = &args.model_out {
        let f = File::create(path)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
        serde_json::to_writer_pretty(BufWriter::new(f), &seg.model)?;
    }
    Ok(())
}
