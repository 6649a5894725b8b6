//! The report page: sections, tables and the self-contained HTML document (inline CSS, inline SVG,
//! no script, no network).

use std::fmt::Write as _;

use super::svg::escape;

/// What became of one analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Computed; the section shows its charts and tables.
    Ok,
    /// The analysis ran and failed; the reason is shown in the section.
    Failed(String),
    /// The analysis is not part of this build or its input is missing; the reason is shown.
    NotAvailable(String),
}

impl Status {
    /// `ok`, `failed` or `not available` (the key written to report.json).
    pub fn key(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed(_) => "failed",
            Status::NotAvailable(_) => "not available",
        }
    }

    /// The reason of a failure or absence.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Ok => None,
            Status::Failed(r) | Status::NotAvailable(r) => Some(r),
        }
    }
}

/// A table of text cells; columns flagged numeric are right-aligned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Caption shown above the table.
    pub caption: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Right-aligned (numeric) columns.
    pub numeric: Vec<bool>,
    /// Rows of cells (as many as columns).
    pub rows: Vec<Vec<String>>,
    /// Whether long text cells wrap (sentences) instead of scrolling.
    pub wrap: bool,
}

impl Table {
    /// A table with these columns; a column is numeric when its name starts with `#`
    /// (the `#` is dropped).
    pub fn new(caption: &str, columns: &[&str]) -> Self {
        Self {
            caption: caption.into(),
            columns: columns
                .iter()
                .map(|c| c.trim_start_matches('#').to_string())
                .collect(),
            numeric: columns.iter().map(|c| c.starts_with('#')).collect(),
            rows: Vec::new(),
            wrap: false,
        }
    }

    /// Lets long text cells wrap.
    pub fn wrapping(mut self) -> Self {
        self.wrap = true;
        self
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The table as HTML.
    pub fn to_html(&self) -> String {
        let mut s = String::from(match (self.columns.len() <= 4, self.wrap) {
            (true, false) => "<div class=\"table-wrap\"><table class=\"compact\">",
            (true, true) => "<div class=\"table-wrap\"><table class=\"compact wrap\">",
            (false, false) => "<div class=\"table-wrap\"><table>",
            (false, true) => "<div class=\"table-wrap\"><table class=\"wrap\">",
        });
        if !self.caption.is_empty() {
            let _ = write!(s, "<caption>{}</caption>", escape(&self.caption));
        }
        s.push_str("<thead><tr>");
        for (k, c) in self.columns.iter().enumerate() {
            let class = if self.numeric.get(k) == Some(&true) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(s, "<th{class}>{}</th>", escape(c));
        }
        s.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            s.push_str("<tr>");
            for (k, cell) in row.iter().enumerate() {
                let class = if self.numeric.get(k) == Some(&true) {
                    " class=\"num\""
                } else {
                    ""
                };
                let _ = write!(s, "<td{class}>{}</td>", escape(cell));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table></div>");
        s
    }
}

/// A chart with its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Caption under the chart.
    pub caption: String,
    /// A complete `<svg>` element (from [`super::svg`] or another crate, e.g. a dendrogram).
    pub svg: String,
}

/// One section of the report: one analysis, its charts, its tables and a plain-language reading.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Anchor id (`cohorts`, `rfm`, ...), also the key in report.json.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Whether the analysis ran.
    pub status: Status,
    /// Plain-language reading, one paragraph per entry.
    pub summary: Vec<String>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Tables.
    pub tables: Vec<Table>,
}

impl Section {
    /// An empty, successful section.
    pub fn new(id: &str, title: &str) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            status: Status::Ok,
            summary: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
        }
    }

    /// A section that could not be computed, with the reason.
    pub fn failed(id: &str, title: &str, reason: impl Into<String>) -> Self {
        Self {
            status: Status::Failed(reason.into()),
            ..Self::new(id, title)
        }
    }

    /// A section not available in this build (or without the data it needs), with the reason.
    pub fn not_available(id: &str, title: &str, reason: impl Into<String>) -> Self {
        Self {
            status: Status::NotAvailable(reason.into()),
            ..Self::new(id, title)
        }
    }

    /// Adds a paragraph.
    pub fn text(mut self, p: impl Into<String>) -> Self {
        self.summary.push(p.into());
        self
    }

    /// Adds a chart.
    pub fn chart(mut self, caption: impl Into<String>, svg: String) -> Self {
        self.charts.push(Chart {
            caption: caption.into(),
            svg,
        });
        self
    }

    /// Adds a table.
    pub fn table(mut self, t: Table) -> Self {
        self.tables.push(t);
        self
    }

    fn to_html(&self) -> String {
        let mut s = format!(
            "<section id=\"{}\" class=\"card status-{}\"><h2>{}",
            escape(&self.id),
            self.status.key().replace(' ', "-"),
            escape(&self.title)
        );
        match &self.status {
            Status::Ok => {}
            Status::Failed(_) => s.push_str(" <span class=\"badge failed\">failed</span>"),
            Status::NotAvailable(_) => {
                s.push_str(" <span class=\"badge na\">not available</span>");
            }
        }
        s.push_str("</h2>");
        if let Some(reason) = self.status.reason() {
            let _ = write!(s, "<p class=\"reason\">{}</p>", escape(reason));
        }
        for p in &self.summary {
            let _ = write!(s, "<p>{}</p>", escape(p));
        }
        for c in &self.charts {
            let _ = write!(
                s,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                c.svg,
                escape(&c.caption)
            );
        }
        for t in &self.tables {
            s.push_str(&t.to_html());
        }
        s.push_str("</section>");
        s
    }
}

/// A headline figure of the executive summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// What it is.
    pub label: String,
    /// The figure, formatted.
    pub value: String,
    /// A short note under it.
    pub note: String,
}

/// The page header and executive summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageHeader {
    /// Page title.
    pub title: String,
    /// One line under the title (source, dates).
    pub subtitle: String,
    /// The headline figures.
    pub headlines: Vec<Headline>,
    /// Plain-language executive summary, one paragraph per entry.
    pub summary: Vec<String>,
    /// Files of the report directory, linked from the page (relative paths).
    pub links: Vec<String>,
    /// Tables written with their header only (nothing to list), named but not linked.
    pub empty_files: Vec<String>,
}

const CSS: &str = r#"
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#2563eb}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header.top{background:linear-gradient(120deg,#1e3a8a,#2563eb);color:#fff;padding:28px 0 22px}
.wrap{max-width:1120px;margin:0 auto;padding:0 20px}
header.top h1{margin:0 0 4px;font-size:26px;font-weight:650;letter-spacing:-.01em}
header.top p{margin:0;opacity:.85}
nav.toc{display:flex;flex-wrap:wrap;gap:6px;margin-top:16px}
nav.toc a{color:#fff;text-decoration:none;font-size:13px;padding:3px 10px;border-radius:999px;background:rgba(255,255,255,.14)}
nav.toc a.failed,nav.toc a.not-available{background:rgba(255,255,255,.06);opacity:.75}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:20px 0 8px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.kpi .label{color:var(--muted);font-size:12.5px;text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:24px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums}
.kpi .note{color:var(--muted);font-size:12.5px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 22px;margin:16px 0}
.card h2{margin:0 0 10px;font-size:19px;font-weight:650}
.card p{margin:6px 0 10px;max-width:75ch}
p.reason{color:#9a3412;background:#fff7ed;border:1px solid #fed7aa;border-radius:8px;padding:8px 12px}
.badge{font-size:12px;font-weight:600;padding:2px 8px;border-radius:999px;vertical-align:middle;margin-left:6px}
.badge.failed{background:#fee2e2;color:#991b1b}.badge.na{background:#e2e8f0;color:#475569}
figure{margin:14px 0}
figure svg{display:block;width:100%;height:auto;max-width:100%}
figcaption{color:var(--muted);font-size:13px;margin-top:4px}
.table-wrap{overflow-x:auto;margin:12px 0}
table{border-collapse:collapse;width:100%;font-size:13.5px;font-variant-numeric:tabular-nums}
table.compact{width:auto;min-width:min(100%,420px)}
caption{text-align:left;font-weight:600;padding:4px 0 8px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
table.wrap td{white-space:normal;min-width:6em}
th{background:#f1f5f9;font-weight:600;color:#334155}
td.num,th.num{text-align:right}
tbody tr:nth-child(even){background:#fafcff}
footer{color:var(--muted);font-size:13px;padding:10px 0 40px}
p.files{font-size:13.5px;color:var(--muted)}p.files a{color:var(--accent)}
@media (max-width:640px){.card{padding:14px}header.top h1{font-size:21px}.kpi .value{font-size:20px}}
figure svg.narrow{max-width:560px}
@media (max-width:960px){figure{overflow-x:auto}figure svg:not(.narrow){min-width:960px}}
@media print{header.top{background:#1e3a8a;-webkit-print-color-adjust:exact;print-color-adjust:exact}.card{break-inside:avoid}}
"#;

/// The whole page.
pub fn page(header: &PageHeader, sections: &[Section], footer: &str) -> String {
    let mut s = String::with_capacity(1 << 16);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"generator\" content=\"custalyze\"><title>{}</title><style>{CSS}</style></head><body>",
        escape(&header.title)
    );
    let _ = write!(
        s,
        "<header class=\"top\"><div class=\"wrap\"><h1>{}</h1><p>{}</p><nav class=\"toc\">",
        escape(&header.title),
        escape(&header.subtitle)
    );
    s.push_str("<a href=\"#summary\">Summary</a>");
    for sec in sections {
        let _ = write!(
            s,
            "<a class=\"{}\" href=\"#{}\">{}</a>",
            sec.status.key().replace(' ', "-"),
            escape(&sec.id),
            escape(&sec.title)
        );
    }
    s.push_str("</nav></div></header><main class=\"wrap\">");
    s.push_str("<div id=\"summary\" class=\"kpis\">");
    for h in &header.headlines {
        let _ = write!(
            s,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"note\">{}</div></div>",
            escape(&h.label),
            escape(&h.value),
            escape(&h.note)
        );
    }
    s.push_str("</div>");
    if !header.links.is_empty() {
        s.push_str("<p class=\"files\">Files: ");
        for (k, f) in header.links.iter().enumerate() {
            if k > 0 {
                s.push_str(" · ");
            }
            let _ = write!(s, "<a href=\"{0}\">{0}</a>", escape(f));
        }
        if !header.empty_files.is_empty() {
            let _ = write!(
                s,
                " (no rows, header only: {})",
                escape(&header.empty_files.join(", "))
            );
        }
        s.push_str("</p>");
    }
    if !header.summary.is_empty() {
        s.push_str("<section class=\"card\" id=\"executive-summary\"><h2>Executive summary</h2>");
        for p in &header.summary {
            let _ = write!(s, "<p>{}</p>", escape(p));
        }
        s.push_str("</section>");
    }
    for sec in sections {
        s.push_str(&sec.to_html());
    }
    let _ = writeln!(
        s,
        "</main><footer class=\"wrap\">{}</footer></body></html>",
        escape(footer)
    );
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn table_escapes_and_aligns() {
        let mut t = Table::new("Top", &["product", "#revenue"]);
        t.push(vec!["<b>".into(), "1,000".into()]);
        let h = t.to_html();
        assert!(h.contains("<td>&lt;b&gt;</td><td class=\"num\">1,000</td>"));
        assert!(h.contains("<th class=\"num\">revenue</th>"));
    }

    #[test]
    fn failed_sections_show_their_reason_and_the_page_has_no_script() {
        let ok = Section::new("a", "A").text("fine");
        let bad = Section::failed("b", "B", "too few repeat buyers");
        let na = Section::not_available("c", "C", "not in this build");
        let p = page(
            &PageHeader {
                title: "T".into(),
                ..PageHeader::default()
            },
            &[ok, bad, na],
            "f",
        );
        assert!(p.contains("too few repeat buyers"));
        assert!(p.contains("class=\"card status-failed\""));
        assert!(p.contains("class=\"card status-not-available\""));
        assert!(!p.contains("<script"));
        assert!(!p.contains("src=") && !p.contains("href=\"http"));
    }
}
