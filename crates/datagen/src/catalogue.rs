//! The product catalogue: stock codes, descriptions, log-normal prices, Zipf-like popularity and
//! bundles of items bought together.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_distr::{Distribution, LogNormal};
use serde::{Deserialize, Serialize};

use crate::error::{Result, distribution};
use crate::params::GeneratorConfig;
use crate::prices::{PriceDynamics, ProductPricing, draw_pricing};
use crate::seasonality::{cumulative, draw_cumulative};

/// Colours, the first word of a description.
const COLOURS: [&str; 12] = [
    "RED", "PINK", "BLUE", "GREEN", "IVORY", "WHITE", "BLACK", "GOLD", "SILVER", "PASTEL", "CREAM",
    "LILAC",
];

/// Styles, the middle words of a description.
const STYLES: [&str; 10] = [
    "RETRO SPOT",
    "VINTAGE",
    "REGENCY",
    "FLORAL",
    "POLKADOT",
    "RUSTIC",
    "SCANDI",
    "PAISLEY",
    "GINGHAM",
    "HEART",
];

/// Categories: name, price factor, nouns (the last words of a description).
const CATEGORIES: [(&str, f64, &[&str]); 8] = [
    (
        "KITCHEN",
        1.0,
        &[
            "MUG",
            "TEACUP AND SAUCER",
            "TEAPOT",
            "CAKE TIN",
            "JAM JAR",
            "TEA TOWEL",
            "APRON",
            "LUNCH BOX",
            "EGG CUP",
        ],
    ),
    (
        "HOME",
        1.6,
        &[
            "CANDLE HOLDER",
            "PHOTO FRAME",
            "CUSHION COVER",
            "DOORSTOP",
            "WALL CLOCK",
            "MIRROR",
            "STORAGE BOX",
        ],
    ),
    (
        "PARTY",
        0.5,
        &[
            "BUNTING",
            "NAPKINS",
            "PAPER PLATES",
            "BALLOONS",
            "CAKE CASES",
            "PARTY BAG",
        ],
    ),
    (
        "GARDEN",
        1.8,
        &[
            "WATERING CAN",
            "PLANT POT",
            "BIRD FEEDER",
            "LANTERN",
            "GARDEN SIGN",
        ],
    ),
    (
        "STATIONERY",
        0.6,
        &[
            "NOTEBOOK",
            "GIFT WRAP",
            "PENCIL SET",
            "GREETING CARD",
            "STICKER SHEET",
        ],
    ),
    (
        "BAGS",
        1.2,
        &["LUNCH BAG", "TOTE BAG", "SHOPPING BAG", "WASHBAG"],
    ),
    (
        "TOYS",
        1.1,
        &["SPINNING TOP", "JIGSAW", "SKITTLES", "SNAP CARDS"],
    ),
    (
        "CHRISTMAS",
        0.9,
        &[
            "BAUBLE",
            "STOCKING",
            "ADVENT CALENDAR",
            "TREE DECORATION",
            "STAR",
        ],
    ),
];

/// The category whose items sell mostly in the fourth quarter.
const FESTIVE_CATEGORY: usize = 7;

/// The number of distinct descriptions, and so the largest catalogue: 12 colours x 10 styles x 45
/// nouns.
pub const MAX_PRODUCTS: usize = 5400;

/// One product of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// The stock code, `"10001"`, `"10002"`, ...
    pub stock_code: String,
    /// `COLOUR STYLE NOUN`, e.g. `"PINK REGENCY TEAPOT"`; unique in the catalogue.
    pub description: String,
    /// The category of the noun (`KITCHEN`, `HOME`, `PARTY`, `GARDEN`, `STATIONERY`, `BAGS`,
    /// `TOYS`, `CHRISTMAS`).
    pub category: String,
    /// The unit price in hundredths of the currency unit (a multiple of 5, at least 10).
    pub price_cents: i64,
    /// The base popularity weight, normalised to sum to 1 over the catalogue.
    pub popularity: f64,
    /// The bundle the product belongs to (an index into [`Catalogue::bundles`]).
    pub bundle: Option<usize>,
    /// Its price path, elasticity, lifecycle and unit cost, when the configuration has
    /// [`prices`](GeneratorConfig::prices); `price_cents` is then the base (first list) price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<ProductPricing>,
}

impl Product {
    /// The unit price in currency units.
    pub fn unit_price(&self) -> f64 {
        self.price_cents as f64 / 100.0
    }
}

/// The products on sale, and the bundles among them.
///
/// - **Descriptions** are `COLOUR STYLE NOUN` (12 colours, 10 styles, 45 nouns in 8 categories),
///   so text-based recommenders see shared words within a style and within a category.
/// - **Prices** are log-normal: `price = median · factor(category) · exp(σ Z)`, rounded to 5 cents,
///   at least 0.10.
/// - **Popularity** is Zipf-like: the product of rank `k` (0-based, a random permutation) has weight
///   `(k + 1)^-s`. Bundle members are kept out of the most popular tenth so that their
///   co-occurrence stands out. Christmas items weigh 3 times their base in October to December and
///   0.3 times otherwise.
/// - **Bundles** are disjoint groups of 2 to 4 products of one category sharing colour and style
///   ("PINK REGENCY TEAPOT", "PINK REGENCY MUG", ...). An order contains one bundle, whole, with
///   probability [`GeneratorConfig::bundle_rate`], the bundle drawn uniformly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The products; a product's index is its stock code minus 10001.
    pub products: Vec<Product>,
    /// The bundles, as indices into `products`.
    pub bundles: Vec<Vec<usize>>,
    /// Cumulative item weights outside October to December.
    #[serde(skip)]
    regular: Vec<f64>,
    /// Cumulative item weights in October to December.
    #[serde(skip)]
    festive: Vec<f64>,
    /// Cumulative item weights of each week, when prices move.
    #[serde(skip)]
    weekly: Vec<Vec<f64>>,
}

/// A product before stock codes are given: (colour, style, category, noun) indices.
type Combo = (usize, usize, usize, usize);

impl Catalogue {
    /// Builds the catalogue of a (validated) configuration.
    pub(crate) fn build<R: Rng>(config: &GeneratorConfig, rng: &mut R) -> Result<Self> {
        let n = config.products;
        let mut combos: Vec<Combo> = Vec::with_capacity(MAX_PRODUCTS);
        for colour in 0..COLOURS.len() {
            for style in 0..STYLES.len() {
                for (category, (_, _, nouns)) in CATEGORIES.iter().enumerate() {
                    combos.extend((0..nouns.len()).map(|noun| (colour, style, category, noun)));
                }
            }
        }
        combos.shuffle(rng);
        let mut used = vec![false; combos.len()];
        let index_of = |c: Combo| -> usize {
            // Position in the enumeration order above.
            let per_style: usize = CATEGORIES.iter().map(|c| c.2.len()).sum();
            let before: usize = CATEGORIES[..c.2].iter().map(|c| c.2.len()).sum();
            (c.0 * STYLES.len() + c.1) * per_style + before + c.3
        };

        // Bundles first: a seed combo, then other nouns of its category in the same colour and style.
        let mut chosen: Vec<(Combo, Option<usize>)> = Vec::with_capacity(n);
        let mut bundle_keys: Vec<(usize, usize, usize)> = Vec::new();
        for &seed in &combos {
            if bundle_keys.len() == config.bundles {
                break;
            }
            let key = (seed.0, seed.1, seed.2);
            if bundle_keys.contains(&key) {
                continue;
            }
            let nouns = CATEGORIES[seed.2].2.len();
            let size = rng.random_range(2..=4usize).min(nouns);
            let mut others: Vec<usize> = (0..nouns).filter(|&k| k != seed.3).collect();
            others.shuffle(rng);
            let bundle = bundle_keys.len();
            bundle_keys.push(key);
            for noun in std::iter::once(seed.3).chain(others.into_iter().take(size - 1)) {
                let combo = (seed.0, seed.1, seed.2, noun);
                used[index_of(combo)] = true;
                chosen.push((combo, Some(bundle)));
            }
        }
        for &combo in &combos {
            if chosen.len() >= n {
                break;
            }
            if !used[index_of(combo)] {
                used[index_of(combo)] = true;
                chosen.push((combo, None));
            }
        }
        chosen.truncate(n);
        chosen.shuffle(rng);

        let price = LogNormal::new(config.price_median.ln(), config.price_sigma)
            .map_err(distribution("LogNormal"))?;
        let mut products: Vec<Product> = chosen
            .iter()
            .enumerate()
            .map(|(i, &((colour, style, category, noun), bundle))| {
                let (name, factor, nouns) = CATEGORIES[category];
                let p = price.sample(rng) * factor;
                Product {
                    stock_code: (10001 + i).to_string(),
                    description: format!("{} {} {}", COLOURS[colour], STYLES[style], nouns[noun]),
                    category: name.to_string(),
                    price_cents: ((p * 20.0).round() as i64 * 5).max(10),
                    popularity: 0.0,
                    bundle,
                    pricing: None,
                }
            })
            .collect();
        let mut bundles = vec![Vec::new(); bundle_keys.len()];
        for (i, p) in products.iter().enumerate() {
            if let Some(b) = p.bundle {
                bundles[b].push(i);
            }
        }

        // Popularity ranks: the top tenth from non-bundle products, the rest mixed.
        let mut free: Vec<usize> = (0..n).filter(|&i| products[i].bundle.is_none()).collect();
        free.shuffle(rng);
        let top = (n / 10).min(free.len());
        let mut rest: Vec<usize> = free.split_off(top);
        rest.extend((0..n).filter(|&i| products[i].bundle.is_some()));
        rest.shuffle(rng);
        let ranking = free.into_iter().chain(rest);
        let mut total = 0.0;
        for (rank, i) in ranking.enumerate() {
            let w = ((rank + 1) as f64).powf(-config.zipf_exponent);
            products[i].popularity = w;
            total += w;
        }
        products.iter_mut().for_each(|p| p.popularity /= total);

        let weight = |festive: bool| -> Vec<f64> {
            let w: Vec<f64> = products
                .iter()
                .map(|p| {
                    let christmas = p.category == CATEGORIES[FESTIVE_CATEGORY].0;
                    p.popularity
                        * if !christmas {
                            1.0
                        } else if festive {
                            3.0
                        } else {
                            0.3
                        }
                })
                .collect();
            cumulative(&w)
        };
        let regular = weight(false);
        let festive = weight(true);
        Ok(Self {
            products,
            bundles,
            regular,
            festive,
            weekly: Vec::new(),
        })
    }

    /// Gives every product a price path, elasticity, lifecycle and unit cost (see
    /// [`crate::prices`]) over `weeks` weeks, `festive[w]` telling whether week `w` is in
    /// October to December, and builds the weekly draw tables.
    pub(crate) fn set_prices<R: Rng>(
        &mut self,
        settings: &PriceDynamics,
        festive: &[bool],
        rng: &mut R,
    ) -> Result<()> {
        let weeks = festive.len();
        // The most popular tenth (at least the top product) is on sale from the start.
        let mut by_popularity: Vec<usize> = (0..self.products.len()).collect();
        by_popularity.sort_by(|a, b| {
            self.products[*b]
                .popularity
                .total_cmp(&self.products[*a].popularity)
        });
        let top = (self.products.len() / 10).max(1);
        let mut established = vec![false; self.products.len()];
        for &i in &by_popularity[..top] {
            established[i] = true;
        }
        for (i, p) in self.products.iter_mut().enumerate() {
            let dynamic = p.bundle.is_none();
            p.pricing = Some(draw_pricing(
                rng,
                settings,
                p.price_cents,
                weeks,
                dynamic,
                !established[i],
            )?);
        }
        self.weekly = (0..weeks)
            .map(|w| {
                let weights: Vec<f64> = self
                    .products
                    .iter()
                    .map(|p| {
                        let christmas = p.category == CATEGORIES[FESTIVE_CATEGORY].0;
                        let season = match (christmas, festive[w]) {
                            (false, _) => 1.0,
                            (true, true) => 3.0,
                            (true, false) => 0.3,
                        };
                        let factor = p.pricing.as_ref().map_or(1.0, |x| x.demand_factor[w]);
                        p.popularity * season * factor
                    })
                    .collect();
                cumulative(&weights)
            })
            .collect();
        Ok(())
    }

    /// The price of `product` in `week`, in cents: its base price when prices do not move.
    pub fn price_cents_at(&self, product: usize, week: usize) -> i64 {
        let p = &self.products[product];
        p.pricing
            .as_ref()
            .and_then(|x| x.price_cents.get(week).or(x.price_cents.last()))
            .copied()
            .unwrap_or(p.price_cents)
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether the catalogue is empty (never, for a generated one).
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// The product with this stock code.
    pub fn by_stock_code(&self, code: &str) -> Option<&Product> {
        let i = code.parse::<usize>().ok()?.checked_sub(10001)?;
        self.products.get(i)
    }

    /// A product drawn by popularity; `month0` (0 = January) selects the festive weights, or
    /// with moving prices the table of `week`.
    pub(crate) fn draw<R: Rng>(&self, month0: u8, week: usize, rng: &mut R) -> usize {
        if let Some(table) = self.weekly.get(week).or(self.weekly.last()) {
            return draw_cumulative(table, rng);
        }
        let table = if month0 >= 9 {
            &self.festive
        } else {
            &self.regular
        };
        draw_cumulative(table, rng)
    }

    /// A bundle drawn uniformly, if there are any.
    pub(crate) fn draw_bundle<R: Rng>(&self, rng: &mut R) -> Option<&[usize]> {
        self.bundles.choose(rng).map(Vec::as_slice)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashSet;

    fn catalogue(config: &GeneratorConfig) -> Catalogue {
        Catalogue::build(config, &mut ChaCha8Rng::seed_from_u64(config.seed)).unwrap()
    }

    #[test]
    fn combos_count_matches_max_products() {
        let nouns: usize = CATEGORIES.iter().map(|c| c.2.len()).sum();
        assert_eq!(COLOURS.len() * STYLES.len() * nouns, MAX_PRODUCTS);
    }

    #[test]
    fn descriptions_and_codes_are_unique() {
        for products in [2, 120, MAX_PRODUCTS] {
            let c = catalogue(&GeneratorConfig::default().products(products).bundles(0));
            assert_eq!(c.len(), products);
            let d: HashSet<_> = c.products.iter().map(|p| &p.description).collect();
            assert_eq!(d.len(), products);
            assert_eq!(c.products[0].stock_code, "10001");
            assert_eq!(
                c.by_stock_code("10002").map(|p| &p.stock_code),
                Some(&"10002".to_string())
            );
        }
    }

    #[test]
    fn bundles_share_colour_style_and_category() {
        let config = GeneratorConfig::default();
        let c = catalogue(&config);
        assert_eq!(c.bundles.len(), config.bundles);
        for b in &c.bundles {
            assert!((2..=4).contains(&b.len()));
            let first = &c.products[b[0]];
            let prefix: Vec<&str> = first.description.split(' ').take(2).collect();
            for &i in b {
                let p = &c.products[i];
                assert_eq!(p.category, first.category);
                assert!(
                    p.description.starts_with(&prefix.join(" ")),
                    "{} vs {}",
                    p.description,
                    first.description
                );
            }
        }
    }

    #[test]
    fn popularity_is_zipf_like_and_bundles_are_not_on_top() {
        let config = GeneratorConfig::default();
        let c = catalogue(&config);
        let mut w: Vec<(f64, bool)> = c
            .products
            .iter()
            .map(|p| (p.popularity, p.bundle.is_some()))
            .collect();
        w.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert!((w.iter().map(|x| x.0).sum::<f64>() - 1.0).abs() < 1e-12);
        // weight(rank 1) / weight(rank 10) = 10^s
        assert!((w[0].0 / w[9].0 - 10f64.powf(config.zipf_exponent)).abs() < 1e-9);
        assert!(w[..12].iter().all(|x| !x.1));
    }

    #[test]
    fn prices_are_log_normal_around_the_median() {
        let config = GeneratorConfig::default()
            .products(2000)
            .bundles(0)
            .price_sigma(0.5);
        let c = catalogue(&config);
        let mut kitchen: Vec<f64> = c
            .products
            .iter()
            .filter(|p| p.category == "KITCHEN")
            .map(Product::unit_price)
            .collect();
        kitchen.sort_by(f64::total_cmp);
        let median = kitchen[kitchen.len() / 2];
        assert!(
            (median / config.price_median - 1.0).abs() < 0.15,
            "median {median}"
        );
        assert!(
            c.products
                .iter()
                .all(|p| p.price_cents >= 10 && p.price_cents % 5 == 0)
        );
    }
}
