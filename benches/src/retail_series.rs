//! Deterministic monthly retail series for the forecasting benchmark: trend × seasonality ×
//! AR(1) log-noise, 100 series of 60-108 months, written to CSV for the Python side.

/// One generated series.
#[derive(Clone, Debug)]
pub struct RetailSeries {
    /// Series id (`s000`..).
    pub id: String,
    /// Monthly values, first month 2015-01.
    pub values: Vec<f64>,
}

struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `count` series from `seed`: level 50-2000, yearly growth -10%..+25%, multiplicative
/// seasonality of amplitude 0-35% from two random harmonics, AR(1) log-noise (φ 0-0.6, sd 3-12%).
pub fn retail_series(count: usize, seed: u64) -> Vec<RetailSeries> {
    let mut rng = SplitMix(seed);
    (0..count)
        .map(|i| {
            let n = 60 + 12 * (i % 5);
            let level = 50.0 * (40f64).powf(rng.uniform());
            let growth = -0.10 + 0.35 * rng.uniform();
            let amp = 0.35 * rng.uniform();
            let (p1, p2) = (rng.uniform() * 6.3, rng.uniform() * 6.3);
            let w2 = rng.uniform();
            let phi = 0.6 * rng.uniform();
            let sd = 0.03 + 0.09 * rng.uniform();
            let mut e = 0.0;
            let values = (0..n)
                .map(|t| {
                    let tf = t as f64;
                    let ang = 2.0 * std::f64::consts::PI * tf / 12.0;
                    let season =
                        amp * ((ang + p1).sin() + w2 * (2.0 * ang + p2).sin()) / (1.0 + w2);
                    e = phi * e + sd * rng.normal();
                    let v = level * (1.0 + growth).powf(tf / 12.0) * (1.0 + season) * e.exp();
                    (v * 100.0).round() / 100.0
                })
                .collect();
            RetailSeries {
                id: format!("s{i:03}"),
                values,
            }
        })
        .collect()
}

/// The series as CSV `unique_id,ds,y` (statsforecast's long format), months from 2015-01-01.
pub fn to_csv(series: &[RetailSeries]) -> String {
    let mut out = String::from("unique_id,ds,y\n");
    for s in series {
        for (t, v) in s.values.iter().enumerate() {
            out.push_str(&format!(
                "{},{}-{:02}-01,{v}\n",
                s.id,
                2015 + t / 12,
                t % 12 + 1
            ));
        }
    }
    out
}
