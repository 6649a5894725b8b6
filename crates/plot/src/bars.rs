//! Bar charts: horizontal bars, grouped bars and histograms.

use std::fmt::Write as _;

use super::*;

/// A bar of a bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Category label.
    pub label: String,
    /// Bar length (non-finite or negative values draw no bar).
    pub value: f64,
    /// Text written after the bar (e.g. "123 (12.3%)").
    pub note: String,
}

/// Horizontal bars, one per category, longest scale first as given (sort before calling). Drawn
/// narrow ([`NARROW_WIDTH`], class `narrow`), so the chart fits a phone screen with readable text.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], colour: &str) -> String {
    if bars.is_empty() {
        return no_data(id, title);
    }
    let row = 30.0;
    let height = 16.0 + row * bars.len() as f64 + 8.0;
    // Character widths of the sans-serif stack at NARROW_FONT.
    let label_w = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(24) as f64
        * 7.6
        + 12.0;
    let note_w = bars
        .iter()
        .map(|b| b.note.chars().count())
        .max()
        .unwrap_or(0) as f64
        * 8.8
        + 12.0;
    let max = bars
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let x = Scale::new(
        0.0,
        if max > 0.0 { max } else { 1.0 },
        label_w,
        (NARROW_WIDTH - note_w).max(label_w + 40.0),
    );
    let mut s = open_sized(id, title, NARROW_WIDTH, height, NARROW_FONT, "chart narrow");
    for (k, b) in bars.iter().enumerate() {
        let y = 12.0 + row * k as f64;
        let label: String = match b.label.chars().count() {
            n if n > 24 => b.label.chars().take(23).chain(['…']).collect(),
            _ => b.label.clone(),
        };
        s.push_str(&text(label_w - 8.0, y + 17.0, "end", "", &label));
        let w = if b.value.is_finite() && b.value > 0.0 {
            x.at(b.value) - label_w
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{colour}\"><title>{}: {}</title></rect>",
            c(label_w),
            c(y + 2.0),
            c(w.max(1.0)),
            c(row - 8.0),
            escape(&b.label),
            escape(&b.note)
        );
        s.push_str(&text(label_w + w + 6.0, y + 17.0, "start", "", &b.note));
    }
    s.push_str("</svg>");
    s
}

/// One named series of a grouped bar chart or line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// One value per category (or per x point).
    pub values: Vec<f64>,
}

/// Vertical bars grouped by category, one colour per series (e.g. actual vs predicted).
pub fn grouped_bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    x_label: &str,
    y_label: &str,
) -> String {
    if categories.is_empty() || series.is_empty() {
        return no_data(id, title);
    }
    let height = 340.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let yt = nice_ticks(0.0, if max > 0.0 { max } else { 1.0 }, 5);
    let n = categories.len() as f64;
    let f = Frame::new(height, 0.0, n, &yt, 40.0);
    let mut s = open(id, title, height);
    f.y_grid(&mut s, &yt, &fmt_num);
    let slot = (f.right - f.left) / n;
    let group = slot * 0.78;
    let bar_w = group / series.len() as f64;
    for (k, ser) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let _ = write!(s, "<g class=\"series\" fill=\"{colour}\">");
        for (i, v) in ser.values.iter().enumerate().take(categories.len()) {
            if !v.is_finite() {
                continue;
            }
            let x = f.left + slot * i as f64 + (slot - group) / 2.0 + bar_w * k as f64;
            let y = f.y.at(v.max(0.0));
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} {}: {}</title></rect>",
                c(x),
                c(y),
                c((bar_w - 1.0).max(1.0)),
                c((f.bottom - y).max(0.0)),
                escape(&ser.name),
                escape(&categories[i]),
                fmt_num(*v)
            );
        }
        s.push_str("</g>");
    }
    let every = (categories.len() / 14).max(1);
    let ticks: Vec<(f64, String)> = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| (i as f64 + 0.5, l.clone()))
        .collect();
    f.x_axis(&mut s, &ticks);
    f.labels(&mut s, x_label, y_label);
    let items: Vec<(&str, &str, bool)> = series
        .iter()
        .enumerate()
        .map(|(k, ser)| (PALETTE[k % PALETTE.len()], ser.name.as_str(), false))
        .collect();
    legend(&mut s, &items, 14.0);
    s.push_str("</svg>");
    s
}

/// Histogram of `values` in `bins` equal-width bins between the smallest and the largest finite
/// value (or up to the `clip` quantile, the rest counted in the last bin, labelled `+`).
pub fn histogram(
    id: &str,
    title: &str,
    values: &[f64],
    bins: usize,
    clip: Option<f64>,
    x_label: &str,
) -> String {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || bins == 0 {
        return no_data(id, title);
    }
    v.sort_by(f64::total_cmp);
    let lo = v[0];
    let top = match clip {
        Some(q) if q > 0.0 && q < 1.0 => v[((v.len() - 1) as f64 * q).round() as usize],
        _ => v[v.len() - 1],
    };
    let hi = if top > lo { top } else { lo + 1.0 };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    for x in &v {
        let k = (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[k] += 1;
    }
    let height = 320.0;
    let max = counts.iter().copied().max().unwrap_or(1) as f64;
    let yt = nice_ticks(0.0, max, 5);
    let f = Frame::new(height, lo, hi, &yt, 30.0);
    let mut s = open(id, title, height);
    f.y_grid(&mut s, &yt, &fmt_num);
    let _ = write!(s, "<g class=\"bins\" fill=\"{}\">", PALETTE[0]);
    for (k, n) in counts.iter().enumerate() {
        let x0 = f.x.at(lo + width * k as f64);
        let x1 = f.x.at(lo + width * (k + 1) as f64);
        let y = f.y.at(*n as f64);
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} to {}: {} </title></rect>",
            c(x0 + 0.5),
            c(y),
            c((x1 - x0 - 1.0).max(0.5)),
            c((f.bottom - y).max(0.0)),
            fmt_num(lo + width * k as f64),
            fmt_num(lo + width * (k + 1) as f64),
            n
        );
    }
    s.push_str("</g>");
    let ticks: Vec<(f64, String)> = nice_ticks(lo, hi, 6)
        .into_iter()
        .filter(|t| *t >= lo - 1e-9 && *t <= hi + 1e-9)
        .map(|t| (t, fmt_num(t)))
        .collect();
    f.x_axis(&mut s, &ticks);
    let clipped = v.len() - v.partition_point(|x| *x <= hi);
    let xl = if clipped > 0 {
        format!("{x_label} (last bin includes {clipped} larger values)")
    } else {
        x_label.to_string()
    };
    f.labels(&mut s, &xl, "customers");
    s.push_str("</svg>");
    s
}
