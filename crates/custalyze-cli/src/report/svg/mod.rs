//! The report's charts: the shared [`custalyze_plot`] charts and the segment dendrogram.

pub use custalyze_plot::*;

mod dendrogram;

pub use dendrogram::{DendrogramOptions, dendrogram};
