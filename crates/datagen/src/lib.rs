#![doc = include_str!("../README.md")]

mod catalogue;
mod error;
mod fraud;
mod generate;
mod log;
mod params;
pub mod price_demand;
pub mod prices;
mod record;
mod seasonality;
mod simulate;
mod touchpoints;

pub use catalogue::{Catalogue, MAX_PRODUCTS, Product};
pub use error::{Error, Result};
pub use fraud::{FraudConfig, FraudPattern, InjectedFraud, MAX_FRAUD_CASES, inject_fraud};
pub use generate::{FIRST_INVOICE, generate};
pub use log::{GeneratedLog, HEADER, ITEMS_HEADER, RetailRow, RowKind, STOCK_HEADER, params_path};
pub use params::{
    BgNbdTruth, GammaGammaTruth, GeneratorConfig, MAX_CUSTOMERS, MAX_MONTHS,
    MAX_PURCHASES_PER_CUSTOMER,
};
pub use price_demand::{
    LifecycleStage, MAX_PANEL_PRODUCTS, MAX_PANEL_WEEKS, PANEL_HEADER, PanelLine,
    PriceDemandConfig, PriceDemandLog, ProductDemandTruth, generate_price_demand,
};
pub use prices::{MAX_PRICED_PRODUCT_WEEKS, PriceDynamics, ProductPricing, StockPosition};
pub use record::{
    BadRowCounts, BadRowKind, CustomerTruth, GenerationRecord, PopulationTruth, PricedProduct,
};
pub use seasonality::Seasonality;
pub use touchpoints::{
    ChannelTruth, TOUCHPOINT_HEADER, Touchpoint, TouchpointConfig, TouchpointLog,
    generate_touchpoints,
};
