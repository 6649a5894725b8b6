//! A hierarchical-clustering dendrogram drawn as SVG with SciPy's layout (moved here from the
//! segment library: drawing belongs to the report layer, the library keeps the linkage).

use std::fmt::Write as _;

use custalyze_segment::Dendrogram;

use super::escape;
use crate::CliError;

/// Options of [`dendrogram`]. Defaults: 800 x 400 pixels, no labels (leaves are then labelled by
/// their row number when drawn), at most 64 leaves, no cluster colours, no title.
#[derive(Clone, Debug, PartialEq)]
pub struct DendrogramOptions {
    /// Width of the drawing in pixels.
    pub width: u32,
    /// Height of the drawing in pixels.
    pub height: u32,
    /// One label per observation (row order).
    pub labels: Option<Vec<String>>,
    /// Draw only the top `max_leaves − 1` merges, as SciPy's `truncate_mode="lastp"` with
    /// `p = max_leaves`; collapsed subtrees are drawn as leaves labelled with their size in
    /// parentheses. `None` draws every leaf.
    pub max_leaves: Option<usize>,
    /// Colour the links below the cut into this many clusters ([`Dendrogram::cut_k`]), one colour
    /// per cluster; links above the cut are grey.
    pub color_clusters: Option<usize>,
    /// A title drawn at the top.
    pub title: Option<String>,
}

impl Default for DendrogramOptions {
    fn default() -> Self {
        DendrogramOptions {
            width: 800,
            height: 400,
            labels: None,
            max_leaves: Some(64),
            color_clusters: None,
            title: None,
        }
    }
}

/// SciPy's default link colours (matplotlib's tab10).
const LINK_PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
];

/// Draws a dendrogram as a standalone SVG document (root at the top, leaves at the bottom), with
/// SciPy's layout: leaves in [`Dendrogram::leaf_order`], each merge an inverted U at its height
/// joining the midpoints of its children, and a height axis on the left.
///
/// With `color_clusters = Some(k)`, a link is coloured by its cluster when every observation
/// under it falls in one cluster of [`Dendrogram::cut_k`] (SciPy's `maxclust` cut), else grey.
///
/// # Errors
/// [`CliError`] when `labels` does not have `n` entries, for a width or height below 100 pixels,
/// `max_leaves < 2`, or a cut the dendrogram refuses (`color_clusters = 0` or above `n`).
pub fn dendrogram(z: &Dendrogram, options: &DendrogramOptions) -> Result<String, CliError> {
    let n = z.n;
    if options.width < 100 || options.height < 100 {
        return Err(CliError(format!(
            "dendrogram size {}x{} is too small: at least 100 x 100 pixels",
            options.width, options.height
        )));
    }
    if let Some(labels) = &options.labels
        && labels.len() != n
    {
        return Err(CliError(format!(
            "dendrogram labels: {} given for {n} observations",
            labels.len()
        )));
    }
    if options.max_leaves.is_some_and(|p| p < 2) {
        return Err(CliError(format!(
            "dendrogram max_leaves {:?}: at least 2",
            options.max_leaves
        )));
    }
    // Node ids below `first_drawn` are drawn as leaves.
    let p = options.max_leaves.unwrap_or(n).min(n);
    let first_drawn = 2 * n - p;
    // The cluster of every node whose observations all fall in one cluster of the cut.
    let cluster_of: Option<Vec<Option<usize>>> = match options.color_clusters {
        Some(k) => {
            let labels = z.cut_k(k)?;
            let mut of: Vec<Option<usize>> = labels.iter().map(|&l| Some(l)).collect();
            for m in &z.merges {
                let (a, b) = (of[m.idx1], of[m.idx2]);
                of.push(if a == b { a } else { None });
            }
            Some(of)
        }
        None => None,
    };
    let size_of = |id: usize| if id < n { 1 } else { z.merges[id - n].size };

    // Layout: depth-first, left child first; leaf slots at 5, 15, 25, ...
    let mut leaves: Vec<usize> = Vec::new();
    let mut x_of = vec![0.0f64; 2 * n - 1];
    let mut stack = vec![(2 * n - 2, false)];
    while let Some((id, done)) = stack.pop() {
        if id < first_drawn {
            x_of[id] = 5.0 + 10.0 * leaves.len() as f64;
            leaves.push(id);
        } else if done {
            let m = z.merges[id - n];
            x_of[id] = 0.5 * (x_of[m.idx1] + x_of[m.idx2]);
        } else {
            let m = z.merges[id - n];
            stack.push((id, true));
            stack.push((m.idx2, false));
            stack.push((m.idx1, false));
        }
    }
    let max_h = z
        .merges
        .iter()
        .map(|m| m.distance)
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let (w, h) = (f64::from(options.width), f64::from(options.height));
    let label_space = if leaves.len() <= 100 { 90.0 } else { 10.0 };
    let (left, right, top, bottom) = (
        60.0,
        15.0,
        if options.title.is_some() { 35.0 } else { 15.0 },
        label_space,
    );
    let span = 10.0 * leaves.len() as f64;
    let sx = |x: f64| left + x / span * (w - left - right);
    let sy = |y: f64| h - bottom - y / (max_h * 1.05) * (h - top - bottom);
    // Leaves and collapsed subtrees sit on the baseline.
    let y_of = |id: usize| {
        if id < first_drawn {
            0.0
        } else {
            z.merges[id - n].distance
        }
    };

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="10">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    if let Some(title) = &options.title {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="20" text-anchor="middle" font-size="14">{}</text>"#,
            w / 2.0,
            escape(title)
        );
    }
    // Axis.
    let _ = writeln!(
        s,
        r##"<line x1="{l}" y1="{}" x2="{l}" y2="{}" stroke="#333"/>"##,
        sy(0.0),
        sy(max_h * 1.05),
        l = left - 5.0
    );
    for i in 0..=4 {
        let v = max_h * f64::from(i) / 4.0;
        let y = sy(v);
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{y:.2}" x2="{}" y2="{y:.2}" stroke="#333"/><text x="{}" y="{:.2}" text-anchor="end">{}</text>"##,
            left - 9.0,
            left - 5.0,
            left - 11.0,
            y + 3.5,
            format_tick(v)
        );
    }
    // Links.
    for id in first_drawn.max(n)..2 * n - 1 {
        let m = z.merges[id - n];
        let colour = match &cluster_of {
            Some(of) => match of[id] {
                Some(c) => LINK_PALETTE[c % LINK_PALETTE.len()],
                None => "#999999",
            },
            None => "#1f3b73",
        };
        let (x1, x2, yh) = (sx(x_of[m.idx1]), sx(x_of[m.idx2]), sy(m.distance));
        let _ = writeln!(
            s,
            r#"<path d="M{x1:.2} {:.2} V{yh:.2} H{x2:.2} V{:.2}" fill="none" stroke="{colour}" stroke-width="1.2"/>"#,
            sy(y_of(m.idx1)),
            sy(y_of(m.idx2)),
        );
    }
    // Leaf labels.
    if leaves.len() <= 100 {
        let y0 = sy(0.0) + 6.0;
        for &id in &leaves {
            let text = if id >= n {
                format!("({})", size_of(id))
            } else if let Some(labels) = &options.labels {
                escape(&labels[id])
            } else {
                id.to_string()
            };
            let x = sx(x_of[id]);
            let _ = writeln!(
                s,
                r#"<text x="{x:.2}" y="{y0:.2}" text-anchor="end" transform="rotate(-90 {x:.2} {y0:.2})">{text}</text>"#
            );
        }
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// An axis tick: `0`, whole numbers from 100, two decimals from 1, three below.
fn format_tick(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use custalyze_segment::{Method, linkage};

    fn blobs() -> ndarray::Array2<f64> {
        ndarray::array![
            [0.0, 0.0],
            [0.1, 0.2],
            [0.2, 0.1],
            [5.0, 5.0],
            [5.1, 5.2],
            [9.0, 0.0],
            [9.2, 0.1],
            [9.1, 0.3]
        ]
    }

    #[test]
    fn options_are_checked_and_truncation_works() {
        let z = linkage(blobs().view(), Method::Ward).unwrap();
        let labels: Vec<String> = (0..8).map(|i| format!("c<{i}>")).collect();
        let svg = dendrogram(
            &z,
            &DendrogramOptions {
                labels: Some(labels),
                max_leaves: None,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(svg.matches("<path").count(), 7);
        assert!(svg.contains("c&lt;3&gt;"));
        let svg = dendrogram(
            &z,
            &DendrogramOptions {
                max_leaves: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("(3)") && svg.contains("(2)"));
        for bad in [
            DendrogramOptions {
                labels: Some(vec!["a".into()]),
                ..Default::default()
            },
            DendrogramOptions {
                width: 10,
                ..Default::default()
            },
            DendrogramOptions {
                max_leaves: Some(1),
                ..Default::default()
            },
            DendrogramOptions {
                color_clusters: Some(0),
                ..Default::default()
            },
        ] {
            assert!(dendrogram(&z, &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn links_within_a_cluster_take_its_colour_and_links_above_are_grey() {
        let z = linkage(blobs().view(), Method::Average).unwrap();
        let svg = dendrogram(
            &z,
            &DendrogramOptions {
                color_clusters: Some(3),
                max_leaves: None,
                ..Default::default()
            },
        )
        .unwrap();
        // Three blobs: 2 + 1 + 2 links inside them in three colours, 2 grey links above the cut.
        assert_eq!(svg.matches("stroke=\"#999999\"").count(), 2);
        let coloured: std::collections::BTreeSet<&str> = LINK_PALETTE
            .iter()
            .copied()
            .filter(|c| svg.contains(&format!("stroke=\"{c}\"")))
            .collect();
        assert_eq!(coloured.len(), 3);
        assert_eq!(svg.matches("<path").count(), 7);
    }
}
