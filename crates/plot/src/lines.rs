//! Line charts with prediction bands, and the Pareto curve.

use std::fmt::Write as _;

use super::*;

/// A shaded interval around a line (e.g. a 95% prediction interval).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Legend label.
    pub name: String,
    /// x of each point.
    pub x: Vec<f64>,
    /// Lower bound at each x.
    pub lower: Vec<f64>,
    /// Upper bound at each x.
    pub upper: Vec<f64>,
}

/// A line of a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Legend label.
    pub name: String,
    /// Points `(x, y)`, in x order.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (e.g. a forecast mean).
    pub dashed: bool,
    /// Colour (one of [`PALETTE`] or any CSS colour).
    pub colour: String,
}

/// Options of [`line_chart`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChartOptions {
    /// Tick labels on the x axis: `(x, label)`; numeric ticks when empty.
    pub x_ticks: Vec<(f64, String)>,
    /// x axis title.
    pub x_label: String,
    /// y axis title.
    pub y_label: String,
    /// Fixed y range (otherwise from the data, including 0).
    pub y_range: Option<(f64, f64)>,
    /// Vertical reference lines `(x, label)`.
    pub x_marks: Vec<(f64, String)>,
    /// Horizontal reference lines `(y, label)`.
    pub y_marks: Vec<(f64, String)>,
    /// Format of y tick labels as percentages.
    pub y_percent: bool,
    /// Format of numeric x tick labels as percentages.
    pub x_percent: bool,
}

/// Lines with optional shaded bands drawn beneath them (bands first, widest first as given).
pub fn line_chart(
    id: &str,
    title: &str,
    lines: &[Line],
    bands: &[Band],
    o: &LineChartOptions,
) -> String {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for l in lines {
        for p in l.points.iter().filter(|p| finite(p)) {
            xs.push(p.0);
            ys.push(p.1);
        }
    }
    for b in bands {
        for ((x, lo), hi) in b.x.iter().zip(&b.lower).zip(&b.upper) {
            if x.is_finite() && lo.is_finite() && hi.is_finite() {
                xs.push(*x);
                ys.push(*lo);
                ys.push(*hi);
            }
        }
    }
    if xs.is_empty() {
        return no_data(id, title);
    }
    let mm = |v: &[f64]| {
        v.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(*x), b.max(*x))
            })
    };
    let (x0, x1) = mm(&xs);
    let (y_lo, y_hi) = o.y_range.unwrap_or_else(|| {
        let (a, b) = mm(&ys);
        (a.min(0.0), b)
    });
    let yt = nice_ticks(y_lo, y_hi, 5);
    let height = 340.0;
    let f = Frame::new(height, x0, x1, &yt, 40.0);
    let mut s = open(id, title, height);
    let yfmt: &dyn Fn(f64) -> String = if o.y_percent {
        &|v| format!("{:.0}%", 100.0 * v)
    } else {
        &fmt_num
    };
    f.y_grid(&mut s, &yt, yfmt);
    draw_bands(&mut s, &f, bands);
    draw_marks(&mut s, &f, o);
    draw_lines(&mut s, &f, lines);
    let ticks = if o.x_ticks.is_empty() {
        nice_ticks(x0, x1, 6)
            .into_iter()
            .filter(|t| *t >= x0 - 1e-9 && *t <= x1 + 1e-9)
            .map(|t| {
                (
                    t,
                    if o.x_percent {
                        format!("{:.0}%", 100.0 * t)
                    } else {
                        fmt_num(t)
                    },
                )
            })
            .collect()
    } else {
        o.x_ticks.clone()
    };
    f.x_axis(&mut s, &ticks);
    f.labels(&mut s, &o.x_label, &o.y_label);
    let mut items: Vec<(&str, &str, bool)> = lines
        .iter()
        .map(|l| (l.colour.as_str(), l.name.as_str(), l.dashed))
        .collect();
    let band_colours = ["#dbe7fd", "#b5cdfa"];
    for (k, b) in bands.iter().enumerate() {
        items.push((band_colours[k.min(1)], b.name.as_str(), false));
    }
    legend(&mut s, &items, 14.0);
    s.push_str("</svg>");
    s
}

/// The shaded bands of a line chart.
fn draw_bands(s: &mut String, f: &Frame, bands: &[Band]) {
    for (k, b) in bands.iter().enumerate() {
        let pts: Vec<(f64, f64, f64)> =
            b.x.iter()
                .zip(&b.lower)
                .zip(&b.upper)
                .filter(|((x, lo), hi)| x.is_finite() && lo.is_finite() && hi.is_finite())
                .map(|((x, lo), hi)| (*x, *lo, *hi))
                .collect();
        if pts.is_empty() {
            continue;
        }
        let mut d = String::new();
        for (i, (x, _, hi)) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                c(f.x.at(*x)),
                c(f.y.at(*hi))
            );
        }
        for (x, lo, _) in pts.iter().rev() {
            let _ = write!(d, "L{},{} ", c(f.x.at(*x)), c(f.y.at(*lo)));
        }
        let _ = write!(
            s,
            "<path class=\"band\" d=\"{}Z\" fill=\"{}\" fill-opacity=\"{}\"><title>{}</title></path>",
            d,
            PALETTE[0],
            if k == 0 { "0.14" } else { "0.26" },
            escape(&b.name)
        );
    }
}

/// The dashed reference lines of a line chart.
fn draw_marks(s: &mut String, f: &Frame, o: &LineChartOptions) {
    for (v, label) in &o.y_marks {
        if v.is_finite() {
            let y = c(f.y.at(*v));
            let _ = write!(
                s,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{AXIS}\" stroke-dasharray=\"4 4\"/>",
                c(f.left),
                c(f.right)
            );
            s.push_str(&text(f.left + 6.0, f.y.at(*v) - 5.0, "start", "", label));
        }
    }
    for (v, label) in &o.x_marks {
        if v.is_finite() {
            let x = c(f.x.at(*v));
            let _ = write!(
                s,
                "<line x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\" stroke=\"{AXIS}\" stroke-dasharray=\"4 4\"/>",
                c(f.top),
                c(f.bottom)
            );
            s.push_str(&text(f.x.at(*v) + 4.0, f.top + 12.0, "start", "", label));
        }
    }
}

/// The lines of a line chart (a single point is drawn as a dot).
fn draw_lines(s: &mut String, f: &Frame, lines: &[Line]) {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    for l in lines {
        let pts: Vec<&(f64, f64)> = l.points.iter().filter(|p| finite(p)).collect();
        if pts.is_empty() {
            continue;
        }
        let mut d = String::new();
        for (i, (x, y)) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                c(f.x.at(*x)),
                c(f.y.at(*y))
            );
        }
        let dash = if l.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<path class=\"line\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\" stroke-linejoin=\"round\"{dash}><title>{}</title></path>",
            d.trim_end(),
            escape(&l.colour),
            escape(&l.name)
        );
        if pts.len() == 1 {
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
                c(f.x.at(pts[0].0)),
                c(f.y.at(pts[0].1)),
                escape(&l.colour)
            );
        }
    }
}

/// The Pareto (Lorenz-style) curve of an ABC analysis: cumulative value share against the share of
/// entities in rank order, with the class cut-offs as reference lines.
pub fn pareto_curve(
    id: &str,
    title: &str,
    points: &[(f64, f64)],
    cutoffs: (f64, f64),
    entity: &str,
) -> String {
    let max_points = 400;
    let step = points.len().div_ceil(max_points).max(1);
    let mut pts: Vec<(f64, f64)> = points.iter().copied().step_by(step).collect();
    if let Some(last) = points.last()
        && pts.last() != Some(last)
    {
        pts.push(*last);
    }
    let o = LineChartOptions {
        x_label: format!("share of {entity} (ranked by revenue)"),
        y_label: "cumulative share of revenue".into(),
        y_range: Some((0.0, 1.0)),
        y_percent: true,
        x_percent: true,
        y_marks: vec![
            (cutoffs.0, format!("A cut-off {}", fmt_pct(cutoffs.0))),
            (cutoffs.1, format!("B cut-off {}", fmt_pct(cutoffs.1))),
        ],
        ..LineChartOptions::default()
    };
    let lines = [
        Line {
            name: "cumulative revenue".into(),
            points: pts,
            dashed: false,
            colour: PALETTE[0].into(),
        },
        Line {
            name: "equal shares".into(),
            points: vec![(0.0, 0.0), (1.0, 1.0)],
            dashed: true,
            colour: PALETTE[7].into(),
        },
    ];
    line_chart(id, title, &lines, &[], &o)
}
