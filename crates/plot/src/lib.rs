#![doc = include_str!("../README.md")]
//!
//! Self-contained SVG charts: no script, no external font or stylesheet, a `viewBox` so they scale
//! with the page. Every function returns a complete `<svg>` element whose first child is a
//! `<title>` and that always holds drawn elements (an empty data set gives a "no data" note), so a
//! browser check can assert that each chart has content.
//!
//! Non-finite values are skipped, never written: the output contains no `NaN` or `inf`.

use std::fmt::Write as _;

mod bars;
mod heatmap;
mod intervals;
mod lines;
mod scatter;

pub use bars::{Bar, Series, bar_chart, grouped_bars, histogram};
pub use heatmap::heatmap;
pub use intervals::{Interval, interval_chart};
pub use lines::{Band, Line, LineChartOptions, line_chart, pareto_curve};
pub use scatter::{PointGroup, scatter};

/// Width of every chart's coordinate system (the page scales it).
pub const WIDTH: f64 = 900.0;

/// The categorical palette (colour-blind safe order, after Okabe & Ito / Tableau).
pub const PALETTE: [&str; 8] = [
    "#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#ec4899", "#64748b",
];

const AXIS: &str = "#94a3b8";
const GRID: &str = "#e2e8f0";
const TEXT: &str = "#334155";
const FONT: &str =
    "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif\"";

/// Escapes text for XML/HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A short human number: `1,234`, `12.3k`, `4.56M`, `0.123`.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 1000.0 {
        fmt_thousands(v, 0)
    } else if a >= 100.0 || a == 0.0 || (a - a.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// `v` with `decimals` decimals and comma thousands separators: `1,234,567.89`.
pub fn fmt_thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `22nd`, ...
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A percentage with one decimal: `0.1234` -> `12.3%`.
pub fn fmt_pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", 100.0 * v)
    } else {
        "–".into()
    }
}

/// Coordinates written with at most two decimals (compact, and never `NaN`: callers filter).
fn c(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

/// "Nice" tick values covering `[lo, hi]` (about `n` of them): steps of 1, 2, 2.5 or 5 x 10^k.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || n == 0 {
        return vec![0.0];
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut k = 0.0;
    loop {
        let t = first + k * step;
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        if t >= hi - step * 1e-9 || ticks.len() > 50 {
            break;
        }
        k += 1.0;
    }
    ticks
}

/// A linear map from data to pixels.
#[derive(Clone, Copy, Debug)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn new(d0: f64, d1: f64, p0: f64, p1: f64) -> Self {
        let (d0, d1) = if d1 > d0 {
            (d0, d1)
        } else {
            (d0 - 0.5, d0 + 0.5)
        };
        Self { d0, d1, p0, p1 }
    }
    fn at(&self, v: f64) -> f64 {
        self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}

/// Opens an `<svg>` of height `height` with an accessible title.
fn open(id: &str, title: &str, height: f64) -> String {
    open_sized(id, title, WIDTH, height, 12.0, "chart")
}

/// Width of the narrow charts (horizontal bars): drawn at [`NARROW_FONT`] they keep text of at
/// least 10 px in the 320 px column of a 390 px phone (`430 / 320 x 10 < 14`) without scrolling.
pub const NARROW_WIDTH: f64 = 430.0;
/// Font size of the narrow charts.
pub const NARROW_FONT: f64 = 14.0;

fn open_sized(id: &str, title: &str, width: f64, height: f64, font: f64, class: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" data-chart=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{t}\" {FONT} font-size=\"{}\"><title>{t}</title>",
        escape(id),
        c(width),
        c(height),
        c(font),
        t = escape(title)
    )
}

fn text(x: f64, y: f64, anchor: &str, extra: &str, s: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{TEXT}\"{extra}>{}</text>",
        c(x),
        c(y),
        escape(s)
    )
}

/// A standalone figure: a visible `heading` above `charts` (each a chart of this crate) stacked
/// vertically at full width, in one `<svg>` document (what `custalyze cltv plot` writes).
pub fn figure(heading: &str, charts: &[String]) -> String {
    const TOP: f64 = 40.0;
    const GAP: f64 = 16.0;
    let mut body = String::new();
    let mut y = TOP;
    for chart in charts {
        // The chart's own viewBox gives its aspect ratio.
        let (w, h) = chart
            .find("viewBox=\"0 0 ")
            .and_then(|i| {
                let rest = &chart[i + 14..];
                let end = rest.find('"')?;
                let mut it = rest[..end].split_whitespace().map(str::parse::<f64>);
                Some((it.next()?.ok()?, it.next()?.ok()?))
            })
            .filter(|(w, h)| *w > 0.0 && *h > 0.0)
            .unwrap_or((WIDTH, 400.0));
        let height = h * WIDTH / w;
        let _ = write!(
            body,
            "<svg x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\">{chart}</svg>",
            c(y),
            c(WIDTH),
            c(height)
        );
        y += height + GAP;
    }
    let mut s = open_sized("figure", heading, WIDTH, y, 12.0, "figure");
    s.push_str(&text(
        0.0,
        24.0,
        "start",
        " font-size=\"18\" font-weight=\"600\"",
        heading,
    ));
    s.push_str(&body);
    s.push_str("</svg>");
    s
}

fn no_data(id: &str, title: &str) -> String {
    let mut s = open(id, title, 120.0);
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"120\" fill=\"#f8fafc\" rx=\"6\"/>",
        c(WIDTH)
    );
    s.push_str(&text(WIDTH / 2.0, 64.0, "middle", "", "no data to show"));
    s.push_str("</svg>");
    s
}

/// The plotting frame: margins, scales, grid lines, axes and their labels.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x: Scale,
    y: Scale,
}

impl Frame {
    /// A frame for `x` in `[x0, x1]` and `y` ticks `yt` (first to last).
    fn new(height: f64, x0: f64, x1: f64, yt: &[f64], top: f64) -> Self {
        let (left, right, bottom) = (64.0, WIDTH - 20.0, height - 46.0);
        let y0 = yt.first().copied().unwrap_or(0.0);
        let y1 = yt.last().copied().unwrap_or(1.0);
        Self {
            left,
            right,
            top,
            bottom,
            x: Scale::new(x0, x1, left, right),
            y: Scale::new(y0, y1, bottom, top),
        }
    }

    /// Horizontal grid lines and y tick labels.
    fn y_grid(&self, s: &mut String, ticks: &[f64], fmt: &dyn Fn(f64) -> String) {
        s.push_str("<g class=\"grid\">");
        for &t in ticks {
            let y = self.y.at(t);
            let _ = write!(
                s,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{GRID}\"/>",
                c(self.left),
                c(self.right),
                y = c(y)
            );
            s.push_str(&text(self.left - 8.0, y + 4.0, "end", "", &fmt(t)));
        }
        s.push_str("</g>");
    }

    /// The x axis line with labels at `ticks` (data value, label).
    fn x_axis(&self, s: &mut String, ticks: &[(f64, String)]) {
        let _ = write!(
            s,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{AXIS}\"/>",
            c(self.left),
            c(self.right),
            y = c(self.bottom)
        );
        for (v, label) in ticks {
            let x = self.x.at(*v);
            let _ = write!(
                s,
                "<line x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\" stroke=\"{AXIS}\"/>",
                c(self.bottom),
                c(self.bottom + 4.0),
                x = c(x)
            );
            s.push_str(&text(x, self.bottom + 18.0, "middle", "", label));
        }
    }

    fn labels(&self, s: &mut String, x_label: &str, y_label: &str) {
        if !x_label.is_empty() {
            s.push_str(&text(
                (self.left + self.right) / 2.0,
                self.bottom + 38.0,
                "middle",
                " font-weight=\"600\"",
                x_label,
            ));
        }
        if !y_label.is_empty() {
            s.push_str(&text(
                self.left - 52.0,
                self.top - 12.0,
                "start",
                " font-weight=\"600\"",
                y_label,
            ));
        }
    }
}

/// A legend row at the top right: (colour, label, dashed?).
fn legend(s: &mut String, items: &[(&str, &str, bool)], y: f64) {
    let mut x = WIDTH - 20.0;
    let mut parts = Vec::new();
    for (colour, label, dashed) in items.iter().rev() {
        let w = 26.0 + 6.6 * label.chars().count() as f64;
        x -= w;
        let dash = if *dashed {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        parts.push(format!(
            "<line x1=\"{}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/>{}",
            c(x),
            c(x + 16.0),
            text(x + 20.0, y + 4.0, "start", "", label),
            yy = c(y)
        ));
        x -= 10.0;
    }
    s.push_str("<g class=\"legend\">");
    for p in parts.iter().rev() {
        s.push_str(p);
    }
    s.push_str("</g>");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Checks that tags nest properly (a tiny XML well-formedness check: every opened element is
    /// closed in order, attributes quoted) and returns the element names in document order.
    pub(crate) fn elements(svg: &str) -> Vec<String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').unwrap() + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "unescaped < in {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "bad nesting in {svg}");
            } else {
                let name: String = tag
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '/')
                    .collect();
                assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
                names.push(name.clone());
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        names
    }

    fn count(svg: &str, name: &str) -> usize {
        elements(svg).iter().filter(|n| *n == name).count()
    }

    fn clean(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        elements(svg);
    }

    #[test]
    fn escape_handles_markup() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(fmt_num(1234.0), "1,234");
        assert_eq!(fmt_num(12345.0), "12.3k");
        assert_eq!(fmt_num(2_500_000.0), "2.50M");
        assert_eq!(fmt_num(0.5), "0.50");
        assert_eq!(fmt_num(f64::NAN), "–");
        assert_eq!(fmt_thousands(-1234567.891, 2), "-1,234,567.89");
        assert_eq!(fmt_pct(0.1234), "12.3%");
        let o: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111]
            .map(ordinal)
            .to_vec();
        assert_eq!(
            o,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd",
                "111th"
            ]
        );
    }

    #[test]
    fn nice_ticks_cover_the_range() {
        for (lo, hi) in [
            (0.0, 1.0),
            (0.0, 97.0),
            (3.2, 3.2),
            (-5.0, 12345.0),
            (0.0, 0.013),
        ] {
            let t = nice_ticks(lo, hi, 5);
            assert!(t[0] <= lo && *t.last().unwrap() >= hi, "{lo} {hi} {t:?}");
            assert!(t.len() >= 2 && t.len() <= 12, "{t:?}");
            assert!(t.windows(2).all(|w| w[1] > w[0]));
        }
    }

    #[test]
    fn bar_chart_draws_one_bar_per_category_and_escapes_labels() {
        let bars: Vec<Bar> = ["Champions", "At <risk>", "Lost"]
            .iter()
            .zip([50.0, 20.0, f64::NAN])
            .map(|(l, v)| Bar {
                label: l.to_string(),
                value: v,
                note: format!("{v}"),
            })
            .collect();
        let svg = bar_chart("b", "Bars", &bars, PALETTE[0]);
        assert_eq!(count(&svg, "rect"), 3);
        assert!(svg.contains("At &lt;risk&gt;"));
        assert!(!svg.contains("width=\"NaN"));
        assert!(svg.contains("data-chart=\"b\""));
    }

    #[test]
    fn longest_bar_is_the_largest_value() {
        let bars = vec![
            Bar {
                label: "a".into(),
                value: 10.0,
                note: String::new(),
            },
            Bar {
                label: "b".into(),
                value: 40.0,
                note: String::new(),
            },
        ];
        let svg = bar_chart("b", "Bars", &bars, PALETTE[0]);
        let widths: Vec<f64> = svg
            .split("<rect ")
            .skip(1)
            .map(|r| {
                let w = r.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert!((widths[1] / widths[0] - 4.0).abs() < 0.05, "{widths:?}");
    }

    #[test]
    fn histogram_counts_every_value_once() {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i) / 10.0).collect();
        let svg = histogram("h", "Hist", &values, 20, None, "CLV");
        clean(&svg);
        let total: u64 = svg
            .split("</title></rect>")
            .filter_map(|p| p.rsplit(": ").next())
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .sum();
        assert_eq!(total, 1000);
        assert_eq!(count(&svg, "rect"), 20);
    }

    #[test]
    fn histogram_clip_puts_the_tail_in_the_last_bin() {
        let mut values: Vec<f64> = (0..99).map(f64::from).collect();
        values.push(1e9);
        let svg = histogram("h", "Hist", &values, 10, Some(0.98), "CLV");
        clean(&svg);
        // The 0.98 quantile of 0..=98 plus 1e9 is v[round(99 * 0.98)] = v[97] = 97: 98 and 1e9 are
        // above it and counted in the last bin.
        assert!(svg.contains("includes 2 larger values"), "{svg}");
    }

    #[test]
    fn empty_inputs_give_a_no_data_chart() {
        for svg in [
            histogram("h", "t", &[f64::NAN], 10, None, ""),
            bar_chart("b", "t", &[], "#000"),
            scatter("s", "t", &[], (0.0, 1.0), "", "", 100),
            heatmap(
                "m",
                "t",
                &["a".into()],
                &["0".into()],
                &[vec![None]],
                None,
                &fmt_pct,
                "",
            ),
            line_chart("l", "t", &[], &[], &LineChartOptions::default()),
            heatmap("m", "t", &[], &[], &[], None, &fmt_pct, ""),
            grouped_bars("g", "t", &[], &[], "", ""),
        ] {
            clean(&svg);
            assert!(svg.contains("no data"));
            assert!(count(&svg, "rect") + count(&svg, "text") >= 2);
        }
    }

    #[test]
    fn scatter_subsamples_to_the_limit() {
        let pts: Vec<(f64, f64)> = (0..10_000).map(|i| (f64::from(i), 0.5)).collect();
        let half = |k: i32| PointGroup {
            name: format!("g{k}"),
            points: pts[..5000].to_vec(),
        };
        let svg = scatter("s", "t", &[half(0), half(1)], (0.0, 1.0), "x", "y", 500);
        clean(&svg);
        assert_eq!(count(&svg, "circle"), 500);
        assert!(svg.contains(">g1<"));
    }

    #[test]
    fn line_chart_with_bands_is_well_formed() {
        let x: Vec<f64> = (0..12).map(f64::from).collect();
        let band = |w: f64| Band {
            name: format!("{w}"),
            x: x.clone(),
            lower: x.iter().map(|v| v - w).collect(),
            upper: x.iter().map(|v| v + w).collect(),
        };
        let lines = [Line {
            name: "mean".into(),
            points: x.iter().map(|v| (*v, *v)).collect(),
            dashed: true,
            colour: PALETTE[0].into(),
        }];
        let o = LineChartOptions {
            x_ticks: vec![(0.0, "Jan".into()), (11.0, "Dec".into())],
            x_marks: vec![(5.0, "now".into())],
            ..LineChartOptions::default()
        };
        let svg = line_chart("l", "t", &lines, &[band(2.0), band(1.0)], &o);
        clean(&svg);
        assert_eq!(svg.matches("class=\"band\"").count(), 2);
        assert_eq!(svg.matches("class=\"line\"").count(), 1);
        assert!(svg.contains(">Dec<") && svg.contains(">now<"));
    }

    #[test]
    fn heatmap_leaves_unobserved_cells_blank() {
        let rows = vec!["2024-01".to_string(), "2024-02".to_string()];
        let cols = vec!["0".to_string(), "1".to_string()];
        let v = vec![vec![Some(1.0), Some(0.4)], vec![Some(1.0), None]];
        let svg = heatmap("m", "t", &rows, &cols, &v, None, &fmt_pct, "months");
        clean(&svg);
        assert_eq!(count(&svg, "rect"), 3);
        assert!(svg.contains("40.0%"));
        assert_eq!(heatmap::sequential(0.0), "#eff6ff");
        assert_eq!(heatmap::sequential(1.0), "#1e40af");
    }

    #[test]
    fn grouped_bars_draw_every_finite_value() {
        let cats: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        let series = [
            Series {
                name: "actual".into(),
                values: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            },
            Series {
                name: "predicted".into(),
                values: vec![1.1, f64::NAN, 3.0, 4.2, 4.9],
            },
        ];
        let svg = grouped_bars("g", "t", &cats, &series, "x", "y");
        clean(&svg);
        assert_eq!(count(&svg, "rect"), 9);
    }

    #[test]
    fn pareto_curve_ends_at_one() {
        let pts: Vec<(f64, f64)> = (0..=1000)
            .map(|i| {
                let s = f64::from(i) / 1000.0;
                (s, s.sqrt())
            })
            .collect();
        let svg = pareto_curve("p", "t", &pts, (0.8, 0.95), "products");
        clean(&svg);
        assert!(svg.contains("A cut-off 80.0%"));
        // The last point (1, 1) is kept by the subsampling: x = right edge, y = top.
        assert!(svg.contains(&format!("L{},40", c(WIDTH - 20.0))), "{svg}");
    }

    fn value() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            8 => -1e7f64..1e7,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(0.0),
        ]
    }

    proptest::proptest! {
        /// Any data, finite or not, gives a well-formed chart with drawn content and no
        /// non-finite coordinate.
        #[test]
        fn charts_are_well_formed_for_any_data(
            v in proptest::collection::vec(value(), 0..60),
            bins in 1usize..40,
        ) {
            let pts: Vec<(f64, f64)> = v.iter().enumerate().map(|(k, y)| (k as f64, *y)).collect();
            let labels: Vec<String> = (0..v.len()).map(|k| format!("c{k}")).collect();
            let rows = vec![v.iter().map(|x| Some(*x)).collect::<Vec<_>>()];
            let bars: Vec<Bar> = v
                .iter()
                .map(|x| Bar { label: "b".into(), value: *x, note: String::new() })
                .collect();
            let line = Line { name: "l".into(), points: pts.clone(), dashed: false, colour: PALETTE[0].into() };
            let band = Band {
                name: "b".into(),
                x: pts.iter().map(|p| p.0).collect(),
                lower: v.iter().map(|x| x - 1.0).collect(),
                upper: v.iter().map(|x| x + 1.0).collect(),
            };
            let group = PointGroup { name: "g".into(), points: pts.clone() };
            for svg in [
                histogram("h", "t", &v, bins, Some(0.9), "x"),
                bar_chart("b", "t", &bars, PALETTE[0]),
                scatter("s", "t", &[group], (0.0, 1.0), "x", "y", 50),
                line_chart("l", "t", &[line], &[band], &LineChartOptions::default()),
                heatmap("m", "t", &["r".into()], &labels, &rows, None, &fmt_pct, "x"),
                grouped_bars("g", "t", &labels, &[Series { name: "s".into(), values: v.clone() }], "x", "y"),
            ] {
                clean(&svg);
                let names = elements(&svg);
                proptest::prop_assert!(
                    names.iter().any(|n| ["rect", "path", "circle", "line", "text"].contains(&n.as_str())),
                    "{}", svg
                );
            }
        }
    }
}
