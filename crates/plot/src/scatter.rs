//! Scatter plots of point groups.

use std::fmt::Write as _;

use super::*;

/// A group of points of a scatter plot, drawn in one colour.
#[derive(Clone, Debug, PartialEq)]
pub struct PointGroup {
    /// Legend label.
    pub name: String,
    /// The points `(x, y)`.
    pub points: Vec<(f64, f64)>,
}

/// Scatter plot of groups of `(x, y)` points with `y` in `[y0, y1]`, one colour per group (at
/// most `max_points` drawn in all: an even, deterministic subsample of every group).
pub fn scatter(
    id: &str,
    title: &str,
    groups: &[PointGroup],
    y_range: (f64, f64),
    x_label: &str,
    y_label: &str,
    max_points: usize,
) -> String {
    let groups: Vec<(&str, Vec<(f64, f64)>)> = groups
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.points
                    .iter()
                    .copied()
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .collect(),
            )
        })
        .collect();
    let n: usize = groups.iter().map(|g| g.1.len()).sum();
    if n == 0 || max_points == 0 {
        return no_data(id, title);
    }
    let step = n.div_ceil(max_points).max(1);
    let height = 360.0;
    let (x_min, x_max) = groups
        .iter()
        .flat_map(|g| g.1.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (x, _)| {
            (a.min(*x), b.max(*x))
        });
    let xt = nice_ticks(x_min.min(0.0), x_max, 6);
    let yt = nice_ticks(y_range.0, y_range.1, 5);
    let f = Frame::new(
        height,
        xt[0],
        xt.last().copied().unwrap_or(x_max),
        &yt,
        40.0,
    );
    let mut s = open(id, title, height);
    f.y_grid(&mut s, &yt, &fmt_num);
    for (k, (_, pts)) in groups.iter().enumerate() {
        let _ = write!(
            s,
            "<g class=\"points\" fill=\"{}\" fill-opacity=\"0.45\">",
            PALETTE[k % PALETTE.len()]
        );
        for (x, y) in pts.iter().step_by(step) {
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"2.6\"/>",
                c(f.x.at(*x)),
                c(f.y.at(y.clamp(y_range.0, y_range.1)))
            );
        }
        s.push_str("</g>");
    }
    let ticks: Vec<(f64, String)> = xt.iter().map(|t| (*t, fmt_num(*t))).collect();
    f.x_axis(&mut s, &ticks);
    let xl = if step > 1 {
        format!(
            "{x_label} (every {} of {} customers shown)",
            ordinal(step),
            fmt_thousands(n as f64, 0)
        )
    } else {
        x_label.to_string()
    };
    f.labels(&mut s, &xl, y_label);
    if groups.len() > 1 {
        let items: Vec<(&str, &str, bool)> = groups
            .iter()
            .enumerate()
            .map(|(k, g)| (PALETTE[k % PALETTE.len()], g.0, false))
            .collect();
        legend(&mut s, &items, 14.0);
    }
    s.push_str("</svg>");
    s
}
