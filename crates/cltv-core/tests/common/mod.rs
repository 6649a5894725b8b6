//! Helpers shared by the reference tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// The text of a fixture in `tests/fixtures` (sources in `fixtures/SOURCES.md`).
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Relative difference `|a - b| / |b|` (with a tiny floor for `b = 0`).
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}
