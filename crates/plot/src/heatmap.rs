//! Heatmaps and their sequential colour scale.

use std::fmt::Write as _;

use super::*;

/// Heatmap of a matrix (rows x columns) with values in `[0, max]`; `None` cells (not observed) are
/// left blank. Colours run from 0 to `scale_max` (default: the largest value; larger values get the
/// darkest colour). Cell text is `fmt(value)` when the cells are wide enough.
// Each argument is a distinct, named part of the chart; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn heatmap(
    id: &str,
    title: &str,
    row_labels: &[String],
    col_labels: &[String],
    values: &[Vec<Option<f64>>],
    scale_max: Option<f64>,
    fmt: &dyn Fn(f64) -> String,
    x_label: &str,
) -> String {
    let any = values.iter().flatten().flatten().any(|v| v.is_finite());
    if row_labels.is_empty() || col_labels.is_empty() || !any {
        return no_data(id, title);
    }
    let max = scale_max
        .filter(|m| m.is_finite() && *m > 0.0)
        .unwrap_or_else(|| {
            values
                .iter()
                .flatten()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        });
    let left = 86.0;
    let top = 34.0;
    let cols = col_labels.len() as f64;
    let cell_w = (WIDTH - left - 10.0) / cols;
    let cell_h = if row_labels.len() > 30 { 12.0 } else { 20.0 };
    let height = top + cell_h * row_labels.len() as f64 + 44.0;
    let mut s = open(id, title, height);
    let show_text = cell_w >= 26.0 && cell_h >= 16.0;
    let label_every = (row_labels.len() / 30).max(1);
    let col_every = ((28.0 / cell_w).ceil() as usize).max(1);
    for (j, l) in col_labels.iter().enumerate() {
        if j % col_every == 0 {
            s.push_str(&text(
                left + cell_w * (j as f64 + 0.5),
                top - 8.0,
                "middle",
                "",
                l,
            ));
        }
    }
    for (i, label) in row_labels.iter().enumerate() {
        let y = top + cell_h * i as f64;
        if i % label_every == 0 {
            s.push_str(&text(left - 8.0, y + cell_h * 0.5 + 4.0, "end", "", label));
        }
        for (j, v) in values.get(i).into_iter().flatten().enumerate() {
            let Some(v) = v.filter(|v| v.is_finite()) else {
                continue;
            };
            let t = if max > 0.0 {
                (v / max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let x = left + cell_w * j as f64;
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} / {}: {}</title></rect>",
                c(x),
                c(y),
                c(cell_w - 1.0),
                c(cell_h - 1.0),
                sequential(t),
                escape(label),
                escape(col_labels.get(j).map_or("", String::as_str)),
                escape(&fmt(v))
            );
            if show_text {
                let colour = if t > 0.55 { "#ffffff" } else { TEXT };
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9.5\" fill=\"{colour}\">{}</text>",
                    c(x + cell_w / 2.0),
                    c(y + cell_h / 2.0 + 3.5),
                    escape(&fmt(v))
                );
            }
        }
    }
    s.push_str(&text(
        left + (WIDTH - left - 10.0) / 2.0,
        height - 14.0,
        "middle",
        " font-weight=\"600\"",
        x_label,
    ));
    s.push_str("</svg>");
    s
}

/// A light-to-dark blue ramp for `t` in `[0, 1]`.
pub fn sequential(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let a = (239.0, 246.0, 255.0);
    let b = (30.0, 64.0, 175.0);
    let mix = |p: f64, q: f64| (p + (q - p) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}
