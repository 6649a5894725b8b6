//! Segment maps: rules on R, F and M score ranges, first match wins, with a fallback label.

use crate::error::{Error, Result};

/// An inclusive range of scores, `min..=max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoreRange {
    /// Lowest score in the range.
    pub min: u8,
    /// Highest score in the range.
    pub max: u8,
}

impl ScoreRange {
    /// Every score (`1..=9`).
    pub const ANY: ScoreRange = ScoreRange { min: 1, max: 9 };

    /// The range `min..=max`.
    pub const fn new(min: u8, max: u8) -> Self {
        ScoreRange { min, max }
    }

    /// The single score `s`.
    pub const fn only(s: u8) -> Self {
        ScoreRange { min: s, max: s }
    }

    /// True when `score` is in the range.
    pub fn contains(&self, score: u8) -> bool {
        (self.min..=self.max).contains(&score)
    }
}

/// One segment: a label and the R, F and M score ranges it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentRule {
    /// The segment's name.
    pub label: String,
    /// Recency scores covered.
    pub recency: ScoreRange,
    /// Frequency scores covered.
    pub frequency: ScoreRange,
    /// Monetary scores covered.
    pub monetary: ScoreRange,
}

impl SegmentRule {
    /// A rule on all three scores.
    pub fn new(
        label: impl Into<String>,
        recency: ScoreRange,
        frequency: ScoreRange,
        monetary: ScoreRange,
    ) -> Self {
        SegmentRule {
            label: label.into(),
            recency,
            frequency,
            monetary,
        }
    }

    /// A rule on recency and frequency only (any monetary score).
    pub fn rf(label: impl Into<String>, recency: ScoreRange, frequency: ScoreRange) -> Self {
        Self::new(label, recency, frequency, ScoreRange::ANY)
    }

    /// True when the scores fall in all three ranges.
    pub fn matches(&self, r: u8, f: u8, m: u8) -> bool {
        self.recency.contains(r) && self.frequency.contains(f) && self.monetary.contains(m)
    }
}

/// An ordered list of [`SegmentRule`]s; a customer gets the label of the first rule that matches
/// its scores, or the fallback label when none does.
///
/// # Examples
/// ```
/// use custalyze_rfm::{ScoreRange, SegmentMap, SegmentRule};
/// let map = SegmentMap::new(
///     vec![SegmentRule::new("Best", ScoreRange::only(5), ScoreRange::new(4, 5), ScoreRange::ANY)],
///     "Rest",
/// )?;
/// assert_eq!(map.classify(5, 4, 1), "Best");
/// assert_eq!(map.classify(4, 5, 5), "Rest");
/// assert_eq!(SegmentMap::reference().classify(2, 5, 3), "Cant Loose");
/// assert_eq!(SegmentMap::rfm_package().classify(1, 1, 1), "Lost");
/// # Ok::<(), custalyze_rfm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentMap {
    rules: Vec<SegmentRule>,
    fallback: String,
}

impl Default for SegmentMap {
    /// [`SegmentMap::reference`].
    fn default() -> Self {
        Self::reference()
    }
}

impl SegmentMap {
    /// A map from rules (first match wins) and a fallback label.
    ///
    /// # Errors
    /// [`Error::InvalidRule`] for an empty label or a range with `min > max` or outside `1..=9`.
    pub fn new(rules: Vec<SegmentRule>, fallback: impl Into<String>) -> Result<Self> {
        let fallback = fallback.into();
        if fallback.is_empty() {
            return Err(Error::InvalidRule {
                label: fallback,
                reason: "the fallback label is empty".into(),
            });
        }
        for rule in &rules {
            if rule.label.is_empty() {
                return Err(Error::InvalidRule {
                    label: rule.label.clone(),
                    reason: "the label is empty".into(),
                });
            }
            for (what, r) in [
                ("recency", rule.recency),
                ("frequency", rule.frequency),
                ("monetary", rule.monetary),
            ] {
                if r.min < 1 || r.max > 9 || r.min > r.max {
                    return Err(Error::InvalidRule {
                        label: rule.label.clone(),
                        reason: format!(
                            "the {what} range {}..={} is not within 1..=9 with min <= max",
                            r.min, r.max
                        ),
                    });
                }
            }
        }
        Ok(SegmentMap { rules, fallback })
    }

    /// A map read from CSV, one rule per row in priority order (the first match wins):
    /// `segment,r_min,r_max,f_min,f_max[,m_min,m_max]` (a header row is expected; missing
    /// monetary bounds mean any score). Customers no rule covers get `fallback`.
    ///
    /// # Errors
    /// [`Error::InvalidRule`] naming the line of a row that is not a label and whole scores in
    /// `1..=9` with `min <= max`, or of an empty file.
    ///
    /// # Examples
    /// ```
    /// use custalyze_rfm::SegmentMap;
    /// let csv = "segment,r_min,r_max,f_min,f_max\nVIP,5,5,4,5\nSleeping,1,2,1,5\n";
    /// let map = SegmentMap::read_csv(csv.as_bytes(), "Regular")?;
    /// assert_eq!(map.classify(5, 5, 1), "VIP");
    /// assert_eq!(map.classify(1, 3, 3), "Sleeping");
    /// assert_eq!(map.classify(3, 3, 3), "Regular");
    /// # Ok::<(), custalyze_rfm::Error>(())
    /// ```
    pub fn read_csv<R: std::io::Read>(reader: R, fallback: impl Into<String>) -> Result<Self> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let mut rules = Vec::new();
        for (k, rec) in r.records().enumerate() {
            let line = k + 2;
            let bad = |reason: String| Error::InvalidRule {
                label: format!("line {line}"),
                reason,
            };
            let rec = rec.map_err(|e| bad(e.to_string()))?;
            if rec.len() != 5 && rec.len() != 7 {
                return Err(bad(format!(
                    "expected segment,r_min,r_max,f_min,f_max[,m_min,m_max], got {} fields",
                    rec.len()
                )));
            }
            let score = |i: usize| -> Result<u8> {
                rec.get(i)
                    .and_then(|v| v.parse::<u8>().ok())
                    .ok_or_else(|| bad(format!("field {} is not a whole score", i + 1)))
            };
            let m = if rec.len() == 7 {
                ScoreRange::new(score(5)?, score(6)?)
            } else {
                ScoreRange::ANY
            };
            rules.push(SegmentRule::new(
                rec.get(0).unwrap_or_default(),
                ScoreRange::new(score(1)?, score(2)?),
                ScoreRange::new(score(3)?, score(4)?),
                m,
            ));
        }
        if rules.is_empty() {
            return Err(Error::InvalidRule {
                label: String::new(),
                reason: "the segment file holds no rule".into(),
            });
        }
        Self::new(rules, fallback)
    }

    /// The classic 10-segment R-F map of the reference (the "FLO" Python code), for 5 bins. The
    /// regular expressions on the RF score string become ranges:
    ///
    /// | RF regex | label |
    /// |---|---|
    /// | `[1-2][1-2]` | Hibernating |
    /// | `[1-2][3-4]` | At Risk |
    /// | `[1-2]5` | Cant Loose |
    /// | `3[1-2]` | About to Sleep |
    /// | `33` | Need Attention |
    /// | `[3-4][4-5]` | Loyal Customers |
    /// | `41` | Promising |
    /// | `51` | New Customers |
    /// | `[4-5][2-3]` | Potential Loyalists |
    /// | `5[4-5]` | Champions |
    ///
    /// The labels are the reference's exactly, including its spelling "Cant Loose". The rules
    /// do not overlap and cover every RF pair of 5 bins; the fallback "Others" is only reached
    /// with more than 5 bins.
    pub fn reference() -> Self {
        use ScoreRange as S;
        let rules = vec![
            SegmentRule::rf("Hibernating", S::new(1, 2), S::new(1, 2)),
            SegmentRule::rf("At Risk", S::new(1, 2), S::new(3, 4)),
            SegmentRule::rf("Cant Loose", S::new(1, 2), S::only(5)),
            SegmentRule::rf("About to Sleep", S::only(3), S::new(1, 2)),
            SegmentRule::rf("Need Attention", S::only(3), S::only(3)),
            SegmentRule::rf("Loyal Customers", S::new(3, 4), S::new(4, 5)),
            SegmentRule::rf("Promising", S::only(4), S::only(1)),
            SegmentRule::rf("New Customers", S::only(5), S::only(1)),
            SegmentRule::rf("Potential Loyalists", S::new(4, 5), S::new(2, 3)),
            SegmentRule::rf("Champions", S::only(5), S::new(4, 5)),
        ];
        SegmentMap {
            rules,
            fallback: "Others".into(),
        }
    }

    /// The segments of the R `rfm` package (`rfm_segment`, version 0.3.0 documentation), for 5
    /// bins, with "Others" for customers no rule covers:
    ///
    /// | segment | R | F | M |
    /// |---|---|---|---|
    /// | Champions | 5-5 | 5-5 | 5-5 |
    /// | Potential Loyalist | 3-5 | 3-5 | 2-5 |
    /// | Loyal Customers | 2-4 | 2-4 | 2-4 |
    /// | Promising | 3-4 | 1-3 | 3-5 |
    /// | New Customers | 4-5 | 1-3 | 1-5 |
    /// | Can't Lose Them | 1-2 | 3-4 | 4-5 |
    /// | At Risk | 1-2 | 2-5 | 4-5 |
    /// | Need Attention | 1-3 | 3-5 | 3-5 |
    /// | About To Sleep | 2-3 | 1-3 | 1-4 |
    /// | Lost | 1-1 | 1-5 | 1-5 |
    ///
    /// As in the package (which skips customers already labelled), the first matching rule wins,
    /// so for example 4-4-4 is a "Potential Loyalist" and every R = 1 customer not covered by an
    /// earlier rule is "Lost".
    pub fn rfm_package() -> Self {
        use ScoreRange as S;
        let table: [(&str, [u8; 6]); 10] = [
            ("Champions", [5, 5, 5, 5, 5, 5]),
            ("Potential Loyalist", [3, 5, 3, 5, 2, 5]),
            ("Loyal Customers", [2, 4, 2, 4, 2, 4]),
            ("Promising", [3, 4, 1, 3, 3, 5]),
            ("New Customers", [4, 5, 1, 3, 1, 5]),
            ("Can't Lose Them", [1, 2, 3, 4, 4, 5]),
            ("At Risk", [1, 2, 2, 5, 4, 5]),
            ("Need Attention", [1, 3, 3, 5, 3, 5]),
            ("About To Sleep", [2, 3, 1, 3, 1, 4]),
            ("Lost", [1, 1, 1, 5, 1, 5]),
        ];
        let rules = table
            .iter()
            .map(|(label, b)| {
                SegmentRule::new(
                    *label,
                    S::new(b[0], b[1]),
                    S::new(b[2], b[3]),
                    S::new(b[4], b[5]),
                )
            })
            .collect();
        SegmentMap {
            rules,
            fallback: "Others".into(),
        }
    }

    /// The rules, in matching order.
    pub fn rules(&self) -> &[SegmentRule] {
        &self.rules
    }

    /// The label given when no rule matches.
    pub fn fallback(&self) -> &str {
        &self.fallback
    }

    /// The label of the first rule matching the scores, or the fallback.
    pub fn classify(&self, r: u8, f: u8, m: u8) -> &str {
        self.rules
            .iter()
            .find(|rule| rule.matches(r, f, m))
            .map_or(self.fallback.as_str(), |rule| rule.label.as_str())
    }

    /// Every distinct label in rule order, then the fallback (each once).
    pub fn labels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for l in self
            .rules
            .iter()
            .map(|r| r.label.as_str())
            .chain([self.fallback.as_str()])
        {
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The reference map as regular expressions on the RF string, checked by hand-written
    /// matching of the character classes.
    fn regex_reference(rf: &str) -> &'static str {
        let b = rf.as_bytes();
        let (r, f) = (b[0] - b'0', b[1] - b'0');
        let in_ = |x: u8, lo: u8, hi: u8| (lo..=hi).contains(&x);
        let table: [(u8, u8, u8, u8, &str); 10] = [
            (1, 2, 1, 2, "Hibernating"),
            (1, 2, 3, 4, "At Risk"),
            (1, 2, 5, 5, "Cant Loose"),
            (3, 3, 1, 2, "About to Sleep"),
            (3, 3, 3, 3, "Need Attention"),
            (3, 4, 4, 5, "Loyal Customers"),
            (4, 4, 1, 1, "Promising"),
            (5, 5, 1, 1, "New Customers"),
            (4, 5, 2, 3, "Potential Loyalists"),
            (5, 5, 4, 5, "Champions"),
        ];
        let hits: Vec<&str> = table
            .iter()
            .filter(|t| in_(r, t.0, t.1) && in_(f, t.2, t.3))
            .map(|t| t.4)
            .collect();
        assert_eq!(hits.len(), 1, "{rf}");
        hits[0]
    }

    #[test]
    fn reference_map_covers_every_rf_pair_exactly_once() {
        let map = SegmentMap::reference();
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                let matches = map.rules().iter().filter(|x| x.matches(r, f, 3)).count();
                assert_eq!(matches, 1, "{r}{f}");
                assert_eq!(map.classify(r, f, 1), regex_reference(&format!("{r}{f}")));
            }
        }
    }

    #[test]
    fn rfm_package_map_is_first_match_wins() {
        let map = SegmentMap::rfm_package();
        assert_eq!(map.classify(5, 5, 5), "Champions");
        // 4,4,4 matches Potential Loyalist and Loyal Customers: the earlier wins.
        assert_eq!(map.classify(4, 4, 4), "Potential Loyalist");
        assert_eq!(map.classify(1, 1, 1), "Lost");
        assert_eq!(map.classify(1, 4, 5), "Can't Lose Them");
        assert_eq!(map.classify(2, 2, 5), "At Risk");
        assert_eq!(map.classify(5, 1, 1), "New Customers");
        assert_eq!(map.classify(2, 1, 5), "Others");
        assert_eq!(map.labels().len(), 11);
    }

    #[test]
    fn invalid_rules_are_rejected() {
        let r = SegmentRule::rf("x", ScoreRange::new(3, 2), ScoreRange::ANY);
        assert!(matches!(
            SegmentMap::new(vec![r], "rest"),
            Err(Error::InvalidRule { .. })
        ));
        let r = SegmentRule::rf("", ScoreRange::ANY, ScoreRange::ANY);
        assert!(matches!(
            SegmentMap::new(vec![r], "rest"),
            Err(Error::InvalidRule { .. })
        ));
        let r = SegmentRule::rf("x", ScoreRange::new(0, 2), ScoreRange::ANY);
        assert!(SegmentMap::new(vec![r], "rest").is_err());
        assert!(SegmentMap::new(vec![], "").is_err());
        assert!(SegmentMap::new(vec![], "rest").is_ok());
    }
}
