//! One function per report section. Each takes plain data (no model types), so a section can be
//! built from any crate's output by converting to these structs, and each returns a finished
//! [`Section`]. The typed results of custalyze-analysis are converted to these in [`super::build`].

use chrono::NaiveDate;

use super::html::{Section, Table};
use super::svg::{
    self, Band, Bar, Line, LineChartOptions, PALETTE, Series, fmt_num, fmt_pct, fmt_thousands,
};

/// Cohort retention as plain data: one row per acquisition cohort.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortRows {
    /// Cohort labels (`YYYY-MM`).
    pub labels: Vec<String>,
    /// Customers acquired in each cohort.
    pub sizes: Vec<u64>,
    /// Retention per cohort and period since acquisition (`None`: not reached yet).
    pub retention: Vec<Vec<Option<f64>>>,
    /// Size-weighted average retention per period.
    pub average: Vec<f64>,
    /// Name of the period (`month`).
    pub period: String,
}

/// The cohort retention heatmap.
pub fn cohort_section(c: &CohortRows) -> Section {
    let id = "cohorts";
    let title = "Cohort retention";
    let n: u64 = c.sizes.iter().sum();
    let periods = c.retention.iter().map(Vec::len).max().unwrap_or(0);
    let cols: Vec<String> = (0..periods).map(|k| k.to_string()).collect();
    let mut s = Section::new(id, title).text(format!(
        "Customers are grouped by the {p} of their first purchase ({k} cohorts, {n} customers). \
         Each cell is the share of a cohort that bought again {p}s later; blank cells are {p}s \
         the cohort has not reached yet.",
        p = c.period,
        k = c.labels.len(),
        n = fmt_thousands(n as f64, 0)
    ));
    let at = |k: usize| c.average.get(k).copied().filter(|v| v.is_finite());
    if let (Some(r1), Some(last)) = (at(1), c.average.len().checked_sub(1).and_then(at)) {
        s = s.text(format!(
            "On average {} of a cohort buys again in its second {p}; after {} {p}s {} is still active.",
            fmt_pct(r1),
            c.average.len() - 1,
            fmt_pct(last),
            p = c.period
        ));
    }
    s.chart(
        "Retention by acquisition cohort (rows) and periods since acquisition (columns).",
        svg::heatmap(
            "cohort-heatmap",
            "Cohort retention heatmap",
            &c.labels,
            &cols,
            &c.retention,
            // Period 0 is 100% by definition: scale the colours to the later periods.
            c.retention
                .iter()
                .flat_map(|r| r.iter().skip(1))
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .reduce(f64::max),
            &|v| format!("{:.0}%", 100.0 * v),
            &format!("{}s since first purchase", c.period),
        ),
    )
}

/// One RFM (or cluster) segment's size and revenue.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentSize {
    /// Segment label.
    pub label: String,
    /// Customers.
    pub customers: usize,
    /// Share of customers (0 to 1).
    pub share: f64,
    /// Share of revenue (0 to 1).
    pub revenue_share: f64,
    /// Mean recency in days.
    pub mean_recency: f64,
    /// Mean frequency.
    pub mean_frequency: f64,
    /// Mean monetary value.
    pub mean_monetary: f64,
}

/// Two bar charts (customers, revenue share) of segments, sorted by size.
pub fn segment_size_charts(prefix: &str, what: &str, rows: &[SegmentSize]) -> (String, String) {
    let mut by_size: Vec<&SegmentSize> = rows.iter().collect();
    by_size.sort_by(|a, b| b.customers.cmp(&a.customers).then(a.label.cmp(&b.label)));
    let sizes: Vec<Bar> = by_size
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            value: r.customers as f64,
            note: format!(
                "{} ({})",
                fmt_thousands(r.customers as f64, 0),
                fmt_pct(r.share)
            ),
        })
        .collect();
    let revenue: Vec<Bar> = by_size
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            value: r.revenue_share,
            note: fmt_pct(r.revenue_share),
        })
        .collect();
    (
        svg::bar_chart(
            &format!("{prefix}-sizes"),
            &format!("Customers per {what}"),
            &sizes,
            PALETTE[0],
        ),
        svg::bar_chart(
            &format!("{prefix}-revenue"),
            &format!("Revenue share per {what}"),
            &revenue,
            PALETTE[1],
        ),
    )
}

/// RFM segment sizes and revenue shares.
pub fn rfm_section(rows: &[SegmentSize], as_of: NaiveDate) -> Section {
    let (sizes, revenue) = segment_size_charts("rfm", "RFM segment", rows);
    let mut s = Section::new("rfm", "RFM segments").text(format!(
        "Every customer gets recency, frequency and monetary scores from 1 to 5 (quintiles, as of {as_of}) \
         and a segment from the recency and frequency scores."
    ));
    let mut top: Vec<&SegmentSize> = rows.iter().collect();
    top.sort_by(|a, b| b.revenue_share.total_cmp(&a.revenue_share));
    if let Some(t) = top.first() {
        s = s.text(format!(
            "\"{}\" is the most valuable segment: {} of the customers bring {} of the revenue.",
            t.label,
            fmt_pct(t.share),
            fmt_pct(t.revenue_share)
        ));
    }
    let mut table = Table::new(
        "Segment profiles",
        &[
            "segment",
            "#customers",
            "#share",
            "#revenue share",
            "#mean recency (days)",
            "#mean frequency",
            "#mean monetary",
        ],
    );
    for r in top {
        table.push(vec![
            r.label.clone(),
            fmt_thousands(r.customers as f64, 0),
            fmt_pct(r.share),
            fmt_pct(r.revenue_share),
            format!("{:.0}", r.mean_recency),
            format!("{:.1}", r.mean_frequency),
            fmt_thousands(r.mean_monetary, 2),
        ]);
    }
    s.chart("Customers per RFM segment.", sizes)
        .chart("Share of revenue per RFM segment.", revenue)
        .table(table)
}

/// A customer in the top-customers table.
#[derive(Clone, Debug, PartialEq)]
pub struct TopCustomer {
    /// Customer id.
    pub id: String,
    /// RFM segment.
    pub segment: String,
    /// Orders so far.
    pub orders: u64,
    /// Revenue so far.
    pub revenue: f64,
    /// Probability of a purchase in the horizon.
    pub p_purchase: f64,
    /// Expected purchases in the horizon.
    pub expected_purchases: f64,
    /// CLV over the horizon.
    pub clv: f64,
    /// CLV tier (A-D).
    pub tier: String,
}

/// CLV distribution and the top customers.
pub fn clv_section(
    clv: &[f64],
    top: &[TopCustomer],
    months: u32,
    model_note: &str,
    money: &super::build::Money,
) -> Section {
    let total: f64 = clv.iter().filter(|v| v.is_finite()).sum();
    let mut sorted: Vec<f64> = clv.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let top_n = sorted.len().div_ceil(10);
    let top_share = if total > 0.0 {
        sorted.iter().take(top_n).sum::<f64>() / total
    } else {
        f64::NAN
    };
    let median = if sorted.is_empty() {
        f64::NAN
    } else {
        sorted[sorted.len() / 2]
    };
    let mut table = Table::new(
        "Top customers by CLV",
        &[
            "customer",
            "RFM segment",
            "#orders",
            &format!("#revenue so far{}", money.unit()),
            "#P(purchase)",
            "#expected purchases",
            &format!("#CLV{}", money.unit()),
            "tier",
        ],
    );
    for c in top {
        table.push(vec![
            c.id.clone(),
            c.segment.clone(),
            fmt_thousands(c.orders as f64, 0),
            fmt_thousands(c.revenue, 2),
            format!("{:.2}", c.p_purchase),
            format!("{:.2}", c.expected_purchases),
            fmt_thousands(c.clv, 2),
            c.tier.clone(),
        ]);
    }
    Section::new("clv", &format!("Customer lifetime value ({months} months)"))
        .text(format!(
            "Expected discounted revenue per customer over the next {months} months: {model_note} \
             The total is {}; the median customer is worth {} and the top 10% of customers hold {} of the value.",
            money.fmt(total, 0),
            money.fmt(median, 2),
            fmt_pct(top_share)
        ))
        .chart(
            "Distribution of the CLV of all customers.",
            svg::histogram(
                "clv-histogram",
                "CLV distribution",
                clv,
                30,
                Some(0.99),
                &format!("{months}-month CLV"),
            ),
        )
        .table(table)
}

/// Calibration vs holdout: mean holdout purchases per calibration frequency.
#[derive(Clone, Debug, PartialEq)]
pub struct HoldoutRows {
    /// Calibration period end.
    pub calibration_end: NaiveDate,
    /// Holdout period end.
    pub observation_end: NaiveDate,
    /// Calibration frequencies (the last is open-ended).
    pub frequency: Vec<u32>,
    /// Customers per bucket.
    pub customers: Vec<usize>,
    /// Mean actual holdout purchases.
    pub actual: Vec<f64>,
    /// Mean predicted holdout purchases.
    pub predicted: Vec<f64>,
    /// Total actual holdout purchases.
    pub total_actual: f64,
    /// Total predicted holdout purchases.
    pub total_predicted: f64,
}

/// Calibration-vs-holdout grouped bars.
pub fn holdout_section(h: &HoldoutRows, model: &str) -> Section {
    let last = h.frequency.len().saturating_sub(1);
    let cats: Vec<String> = h
        .frequency
        .iter()
        .enumerate()
        .map(|(k, f)| {
            if k == last {
                format!("{f}+")
            } else {
                f.to_string()
            }
        })
        .collect();
    let err = if h.total_actual > 0.0 {
        h.total_predicted / h.total_actual - 1.0
    } else {
        f64::NAN
    };
    Section::new("holdout", "Model check: calibration vs holdout")
        .text(format!(
            "The {model} model is fitted again on the purchases up to {} only and predicts the \
             purchases from then to {}. It predicted {} repeat purchases; customers made {} ({} {}).",
            h.calibration_end,
            h.observation_end,
            fmt_thousands(h.total_predicted, 0),
            fmt_thousands(h.total_actual, 0),
            if err.is_finite() { fmt_pct(err.abs()) } else { "–".into() },
            if err >= 0.0 { "over" } else { "under" }
        ))
        .chart(
            "Mean purchases in the holdout period by purchases in the calibration period.",
            svg::grouped_bars(
                "holdout-bars",
                "Calibration vs holdout purchases",
                &cats,
                &[
                    Series {
                        name: "actual".into(),
                        values: h.actual.clone(),
                    },
                    Series {
                        name: "predicted".into(),
                        values: h.predicted.clone(),
                    },
                ],
                "repeat purchases in the calibration period",
                "mean holdout purchases",
            ),
        )
}

/// ABC classes of products and the Pareto curve.
#[derive(Clone, Debug, PartialEq)]
pub struct AbcRows {
    /// Pareto curve points (entity share, cumulative value share).
    pub curve: Vec<(f64, f64)>,
    /// A and B cut-offs.
    pub cutoffs: (f64, f64),
    /// Per class A, B, C: products and revenue share.
    pub classes: [(usize, f64); 3],
    /// ABC-XYZ counts, `[abc][xyz]`, when the XYZ classes were computed.
    pub matrix: Option<[[usize; 3]; 3]>,
    /// The top products: (id, description, revenue, share, class).
    pub top: Vec<(String, String, f64, f64, String)>,
}

/// The Pareto curve and ABC(-XYZ) tables.
pub fn abc_section(a: &AbcRows, money: &super::build::Money) -> Section {
    let n: usize = a.classes.iter().map(|c| c.0).sum();
    let share_a = if n > 0 {
        a.classes[0].0 as f64 / n as f64
    } else {
        f64::NAN
    };
    let mut s = Section::new("abc", "Products: ABC-XYZ and the Pareto curve")
        .text(format!(
            "Products ranked by revenue: {} of the {} products (class A, {}) bring {} of the revenue; \
             class C ({} products) brings {}.",
            a.classes[0].0,
            n,
            fmt_pct(share_a),
            fmt_pct(a.classes[0].1),
            a.classes[2].0,
            fmt_pct(a.classes[2].1)
        ))
        .chart(
            "Cumulative share of revenue against the share of products, best sellers first.",
            svg::pareto_curve("pareto-curve", "Pareto curve", &a.curve, a.cutoffs, "products"),
        );
    if let Some(m) = &a.matrix {
        s = s.text(
            "XYZ classes measure how steady monthly demand is (coefficient of variation: X below 0.5, \
             Y below 1, Z above): AX products are valuable and predictable, CZ products are neither.",
        );
        let mut t = Table::new("ABC-XYZ matrix (products)", &["", "#X", "#Y", "#Z"]);
        for (k, row) in m.iter().enumerate() {
            t.push(vec![
                ["A", "B", "C"][k].to_string(),
                row[0].to_string(),
                row[1].to_string(),
                row[2].to_string(),
            ]);
        }
        s = s.table(t);
    }
    let mut t = Table::new(
        "Best-selling products",
        &[
            "product",
            "description",
            &format!("#revenue{}", money.unit()),
            "#share",
            "class",
        ],
    );
    for (id, d, v, sh, c) in &a.top {
        t.push(vec![
            id.clone(),
            d.clone(),
            fmt_thousands(*v, 2),
            fmt_pct(*sh),
            c.clone(),
        ]);
    }
    s.table(t)
}

/// A forecast path with 80% and 95% intervals (the forecast crate's output converts to this).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastPath {
    /// Model description (e.g. "ARIMA(1,1,1)(0,1,1)12").
    pub model: String,
    /// First day of each forecast period.
    pub dates: Vec<NaiveDate>,
    /// Point forecast.
    pub mean: Vec<f64>,
    /// 80% interval, lower bound.
    pub lower_80: Vec<f64>,
    /// 80% interval, upper bound.
    pub upper_80: Vec<f64>,
    /// 95% interval, lower bound.
    pub lower_95: Vec<f64>,
    /// 95% interval, upper bound.
    pub upper_95: Vec<f64>,
}

/// Revenue history and, when a model is available, its forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastData {
    /// Period name (`month`).
    pub period: String,
    /// First day of each complete history period and its revenue.
    pub history: Vec<(NaiveDate, f64)>,
    /// The forecast, `None` when no forecasting model is built in.
    pub forecast: Option<ForecastPath>,
}

/// The forecast chart: history, forecast mean and the 80%/95% bands. Without a forecast the section
/// is marked not available (with `reason`) and shows the history only.
pub fn forecast_section(
    f: &ForecastData,
    reason_if_missing: &str,
    money: &super::build::Money,
) -> Section {
    let id = "forecast";
    let title = "Revenue forecast";
    let hist: Vec<(f64, f64)> = f
        .history
        .iter()
        .enumerate()
        .map(|(k, (_, v))| (k as f64, *v))
        .collect();
    let h = hist.len();
    let mut lines = vec![Line {
        name: "revenue".into(),
        points: hist.clone(),
        dashed: false,
        colour: PALETTE[0].into(),
    }];
    let mut bands = Vec::new();
    let mut dates: Vec<NaiveDate> = f.history.iter().map(|(d, _)| *d).collect();
    let mut marks = Vec::new();
    if let Some(p) = &f.forecast {
        let xs: Vec<f64> = (0..p.mean.len()).map(|k| (h + k) as f64).collect();
        bands.push(Band {
            name: "95% interval".into(),
            x: xs.clone(),
            lower: p.lower_95.clone(),
            upper: p.upper_95.clone(),
        });
        bands.push(Band {
            name: "80% interval".into(),
            x: xs.clone(),
            lower: p.lower_80.clone(),
            upper: p.upper_80.clone(),
        });
        let mut pts: Vec<(f64, f64)> = hist.last().copied().into_iter().collect();
        pts.extend(xs.iter().copied().zip(p.mean.iter().copied()));
        lines.push(Line {
            name: "forecast".into(),
            points: pts,
            dashed: true,
            colour: PALETTE[3].into(),
        });
        dates.extend(p.dates.iter().copied());
        if h > 0 {
            marks.push((h as f64 - 0.5, "forecast".to_string()));
        }
    }
    let every = (dates.len() / 8).max(1);
    let ticks: Vec<(f64, String)> = dates
        .iter()
        .enumerate()
        .filter(|(k, _)| k % every == 0)
        .map(|(k, d)| (k as f64, d.format("%Y-%m").to_string()))
        .collect();
    let o = LineChartOptions {
        x_ticks: ticks,
        x_label: f.period.clone(),
        y_label: "revenue".into(),
        x_marks: marks,
        ..LineChartOptions::default()
    };
    let chart = svg::line_chart("forecast-line", "Revenue forecast", &lines, &bands, &o);
    let total: f64 = f.history.iter().map(|(_, v)| v).sum();
    let mut s = match &f.forecast {
        Some(p) => {
            let next: f64 = p.mean.iter().sum();
            Section::new(id, title).text(format!(
                "{} forecast of {} revenue for the next {} {}s: {} in total, median (the history's last {} {}s: {}). \
                 The shaded bands are 80% and 95% prediction intervals.",
                p.model,
                f.period,
                p.mean.len(),
                f.period,
                money.fmt(next, 0),
                p.mean.len().min(h),
                f.period,
                money.fmt(
                    f.history.iter().rev().take(p.mean.len()).map(|(_, v)| v).sum::<f64>(),
                    0
                )
            ))
        }
        None => Section::not_available(id, title, reason_if_missing),
    };
    s = s.text(format!(
        "{} complete {}s of history, {} revenue in total.",
        h,
        f.period,
        money.fmt(total, 0)
    ));
    s.chart(
        if f.forecast.is_some() {
            "Monthly revenue, forecast median (dashed) and prediction intervals."
        } else {
            "Monthly revenue history."
        },
        chart,
    )
}

/// One customer segment (cluster) profile (the segment crate's profiles convert to this).
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentProfileRow {
    /// Cluster label.
    pub label: String,
    /// Customers.
    pub customers: usize,
    /// Share of revenue (0 to 1).
    pub revenue_share: f64,
    /// Mean of each profile feature, in the order of [`SegmentProfiles::features`].
    pub means: Vec<f64>,
}

/// Segment profiles: feature names and one row per cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentProfiles {
    /// Clustering method, e.g. "k-means, k = 5, on standardised log RFM".
    pub method: String,
    /// Profile feature names (e.g. recency, frequency, monetary, CLV).
    pub features: Vec<String>,
    /// One row per cluster.
    pub rows: Vec<SegmentProfileRow>,
}

/// Customer segments: sizes, revenue shares, profile table and an optional dendrogram (a complete
/// `<svg>` element made by the segment crate).
pub fn segments_section(p: &SegmentProfiles, dendrogram_svg: Option<&str>) -> Section {
    let total: usize = p.rows.iter().map(|r| r.customers).sum();
    let sizes: Vec<SegmentSize> = p
        .rows
        .iter()
        .map(|r| SegmentSize {
            label: r.label.clone(),
            customers: r.customers,
            share: if total > 0 {
                r.customers as f64 / total as f64
            } else {
                0.0
            },
            revenue_share: r.revenue_share,
            mean_recency: f64::NAN,
            mean_frequency: f64::NAN,
            mean_monetary: f64::NAN,
        })
        .collect();
    let (size_svg, revenue_svg) = segment_size_charts("segment", "cluster", &sizes);
    let mut cols: Vec<String> = vec![
        "cluster".into(),
        "#customers".into(),
        "#revenue share".into(),
    ];
    cols.extend(p.features.iter().map(|f| format!("#mean {f}")));
    let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut t = Table::new("Cluster profiles", &col_refs);
    for r in &p.rows {
        let mut row = vec![
            r.label.clone(),
            fmt_thousands(r.customers as f64, 0),
            fmt_pct(r.revenue_share),
        ];
        row.extend(r.means.iter().map(|m| fmt_num(*m)));
        t.push(row);
    }
    let mut s = Section::new("segments", "Behaviour clusters")
        .text(format!(
            "{} clusters of {} customers ({}).",
            p.rows.len(),
            fmt_thousands(total as f64, 0),
            p.method
        ))
        .chart("Customers per cluster.", size_svg)
        .chart("Share of revenue per cluster.", revenue_svg)
        .table(t);
    if let Some(d) = dendrogram_svg {
        s = s.chart(
            "Dendrogram of the hierarchical clustering (the height of a join is the distance between the merged groups).",
            d.to_string(),
        );
    }
    s
}

/// The load report as a section: rows read, loaded and excluded by reason.
pub fn data_section(report: &custalyze_transaction_types::load::LoadReport) -> Section {
    let mut t = Table::new(
        "Rows excluded while loading",
        &["reason", "#rows", "#share of rows read"],
    );
    for (reason, count) in &report.excluded {
        t.push(vec![
            reason.describe().to_string(),
            fmt_thousands(count.count as f64, 0),
            fmt_pct(count.count as f64 / report.rows_read.max(1) as f64),
        ]);
    }
    let mut s = Section::new("data", "Data quality").text(format!(
        "{} of {} rows of {} were loaded ({} excluded): {} customers, {} orders, {} products.",
        fmt_thousands(report.rows_loaded as f64, 0),
        fmt_thousands(report.rows_read as f64, 0),
        report.source,
        fmt_thousands(report.rows_excluded() as f64, 0),
        fmt_thousands(report.customers as f64, 0),
        fmt_thousands(report.orders as f64, 0),
        fmt_thousands(report.items as f64, 0),
    ));
    if !report.excluded.is_empty() {
        s = s.table(t);
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::html::Status;
    use super::*;

    fn date(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, 1).unwrap()
    }

    #[test]
    fn forecast_without_model_is_not_available_but_shows_history() {
        let f = ForecastData {
            period: "month".into(),
            history: (1..=6).map(|m| (date(m), f64::from(m) * 100.0)).collect(),
            forecast: None,
        };
        let s = forecast_section(&f, "no model in this build", &Default::default());
        assert_eq!(
            s.status,
            Status::NotAvailable("no model in this build".into())
        );
        assert_eq!(s.charts.len(), 1);
        assert!(s.charts[0].svg.contains("class=\"line\""));
        assert!(!s.charts[0].svg.contains("class=\"band\""));
    }

    #[test]
    fn forecast_with_model_draws_both_bands() {
        let f = ForecastData {
            period: "month".into(),
            history: (1..=6).map(|m| (date(m), 100.0)).collect(),
            forecast: Some(ForecastPath {
                model: "ARIMA(0,1,0)".into(),
                dates: (7..=9).map(date).collect(),
                mean: vec![100.0; 3],
                lower_80: vec![80.0; 3],
                upper_80: vec![120.0; 3],
                lower_95: vec![60.0; 3],
                upper_95: vec![140.0; 3],
            }),
        };
        let s = forecast_section(&f, "", &Default::default());
        assert_eq!(s.status, Status::Ok);
        assert_eq!(s.charts[0].svg.matches("class=\"band\"").count(), 2);
        assert!(s.summary[0].contains("300"), "{:?}", s.summary);
    }

    #[test]
    fn segments_section_embeds_the_dendrogram() {
        let p = SegmentProfiles {
            method: "k-means".into(),
            features: vec!["recency".into()],
            rows: vec![SegmentProfileRow {
                label: "1".into(),
                customers: 10,
                revenue_share: 1.0,
                means: vec![3.0],
            }],
        };
        let s = segments_section(&p, Some("<svg><g/></svg>"));
        assert_eq!(s.charts.len(), 3);
        assert_eq!(s.charts[2].svg, "<svg><g/></svg>");
        assert_eq!(s.tables[0].columns[3], "mean recency");
    }
}
