//! Interval (forest) charts: one horizontal interval with its point per row.

use std::fmt::Write as _;

use super::*;

/// One row of an interval chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// Row label.
    pub label: String,
    /// The point estimate.
    pub value: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Horizontal intervals with their points, rows as given, and a dashed vertical reference line at
/// `reference` (e.g. elasticity −1) when it is in range. Narrow, like [`bar_chart`]. Rows with a
/// non-finite value or end are skipped.
pub fn interval_chart(id: &str, title: &str, rows: &[Interval], reference: Option<f64>) -> String {
    let rows: Vec<&Interval> = rows
        .iter()
        .filter(|r| r.value.is_finite() && r.low.is_finite() && r.high.is_finite())
        .collect();
    if rows.is_empty() {
        return no_data(id, title);
    }
    let row = 26.0;
    let top = 10.0;
    let axis_h = 34.0;
    let height = top + row * rows.len() as f64 + axis_h;
    let label_w = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(20) as f64
        * 8.6
        + 14.0;
    let mut lo = rows.iter().map(|r| r.low).fold(f64::INFINITY, f64::min);
    let mut hi = rows
        .iter()
        .map(|r| r.high)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some(r) = reference {
        lo = lo.min(r);
        hi = hi.max(r);
    }
    let ticks = nice_ticks(lo, hi, 5);
    let (d0, d1) = (
        ticks.first().copied().unwrap_or(lo).min(lo),
        ticks.last().copied().unwrap_or(hi).max(hi),
    );
    let x = Scale::new(d0, d1, label_w, NARROW_WIDTH - 16.0);
    let mut s = open_sized(id, title, NARROW_WIDTH, height, NARROW_FONT, "chart narrow");
    let bottom = top + row * rows.len() as f64;
    for t in &ticks {
        let _ = write!(
            s,
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{GRID}\"/>",
            c(x.at(*t)),
            c(top),
            c(bottom)
        );
        s.push_str(&text(x.at(*t), bottom + 18.0, "middle", "", &fmt_num(*t)));
    }
    if let Some(r) = reference {
        let _ = write!(
            s,
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{AXIS}\" stroke-dasharray=\"4 3\"/>",
            c(x.at(r)),
            c(top),
            c(bottom)
        );
    }
    for (k, r) in rows.iter().enumerate() {
        let y = top + row * k as f64 + row / 2.0;
        let label: String = match r.label.chars().count() {
            n if n > 20 => r.label.chars().take(19).chain(['…']).collect(),
            _ => r.label.clone(),
        };
        s.push_str(&text(label_w - 8.0, y + 5.0, "end", "", &label));
        let colour = if r.high < reference.unwrap_or(f64::INFINITY) {
            PALETTE[0]
        } else {
            PALETTE[7]
        };
        let (x0, x1, yy, cx) = (c(x.at(r.low)), c(x.at(r.high)), c(y), c(x.at(r.value)));
        let tip = format!(
            "{}: {} ({} to {})",
            escape(&r.label),
            fmt_num(r.value),
            fmt_num(r.low),
            fmt_num(r.high)
        );
        let _ = write!(
            s,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"{colour}\" stroke-width=\"3\" stroke-linecap=\"round\"/>\
             <circle cx=\"{cx}\" cy=\"{yy}\" r=\"5\" fill=\"{colour}\"><title>{tip}</title></circle>"
        );
    }
    s.push_str("</svg>");
    s
}
