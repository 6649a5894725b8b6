//! Customer features for segmentation and their preprocessing (log transform, standardisation),
//! stored so that new customers are scored the same way.

use std::collections::HashMap;

use chrono::NaiveDate;
use custalyze_transaction_types::{Id, TransactionLog};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

use crate::error::{Error, Result, check_matrix};

/// Days since the customer's last purchase day, at the as-of date.
pub const RECENCY: &str = "recency";
/// Number of distinct orders before the as-of date.
pub const FREQUENCY: &str = "frequency";
/// Total amount spent before the as-of date.
pub const MONETARY: &str = "monetary";
/// `monetary / frequency`.
pub const AVG_ORDER_VALUE: &str = "avg_order_value";
/// Days since the customer's first purchase day, at the as-of date.
pub const TENURE: &str = "tenure";
/// Mean number of days between consecutive purchase days.
pub const IPT_MEAN: &str = "ipt_mean";
/// Population standard deviation of the days between consecutive purchase days.
pub const IPT_STD: &str = "ipt_std";

/// A feature table: one row per customer, named columns.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerFeatures {
    /// The customers, in row order.
    pub customers: Vec<Id>,
    /// The column names.
    pub columns: Vec<String>,
    /// The values, `customers x columns`.
    pub values: Array2<f64>,
}

impl CustomerFeatures {
    /// A checked feature table.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when the shape does not match the customers and columns;
    /// [`Error::EmptyData`], [`Error::NonFinite`].
    pub fn new(customers: Vec<Id>, columns: Vec<String>, values: Array2<f64>) -> Result<Self> {
        if values.nrows() != customers.len() {
            return Err(Error::LengthMismatch {
                what: "feature rows (one per customer)",
                expected: customers.len(),
                got: values.nrows(),
            });
        }
        if values.ncols() != columns.len() {
            return Err(Error::LengthMismatch {
                what: "feature columns (one per name)",
                expected: columns.len(),
                got: values.ncols(),
            });
        }
        check_matrix(values.view())?;
        Ok(CustomerFeatures {
            customers,
            columns,
            values,
        })
    }

    /// Features of every customer with a transaction before `as_of` (exclusive, as the RFM
    /// crate): [`RECENCY`], [`FREQUENCY`] (distinct orders), [`MONETARY`], [`AVG_ORDER_VALUE`],
    /// [`TENURE`], [`IPT_MEAN`] and [`IPT_STD`], in that column order. Days are calendar days.
    ///
    /// Inter-purchase times are the gaps between consecutive distinct purchase days. A customer
    /// with a single purchase day has no gap: `ipt_mean` is then its tenure (the time waited so far,
    /// a lower bound of the next gap) and `ipt_std` is 0; with one gap `ipt_std` is 0.
    ///
    /// # Errors
    /// [`Error::NoCustomers`] when no transaction is dated before `as_of`.
    pub fn from_log(log: &TransactionLog, as_of: NaiveDate) -> Result<Self> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let end = (as_of - epoch).num_days();
        let orders = log.orders();
        let amounts = log.amounts();
        let mut customers = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        let mut order_buf: Vec<u32> = Vec::new();
        let mut days: Vec<i64> = Vec::new();
        for (c, id) in log.customer_ids().iter().enumerate() {
            order_buf.clear();
            days.clear();
            let mut monetary = 0.0;
            for row in log.customer_rows(c) {
                let day = log.day(row);
                if day >= end {
                    continue;
                }
                monetary += amounts[row];
                order_buf.push(orders[row]);
                if days.last() != Some(&day) {
                    days.push(day);
                }
            }
            let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
                continue;
            };
            order_buf.sort_unstable();
            order_buf.dedup();
            let frequency = order_buf.len() as f64;
            let recency = (end - last) as f64;
            let tenure = (end - first) as f64;
            let gaps: Vec<f64> = days.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
            let (ipt_mean, ipt_std) = if gaps.is_empty() {
                (tenure, 0.0)
            } else {
                let m = gaps.iter().sum::<f64>() / gaps.len() as f64;
                let v = gaps.iter().map(|g| (g - m) * (g - m)).sum::<f64>() / gaps.len() as f64;
                (m, v.sqrt())
            };
            customers.push(id.clone());
            values.extend_from_slice(&[
                recency,
                frequency,
                monetary,
                monetary / frequency,
                tenure,
                ipt_mean,
                ipt_std,
            ]);
        }
        if customers.is_empty() {
            return Err(Error::NoCustomers { as_of });
        }
        let columns: Vec<String> = [
            RECENCY,
            FREQUENCY,
            MONETARY,
            AVG_ORDER_VALUE,
            TENURE,
            IPT_MEAN,
            IPT_STD,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let values =
            Array2::from_shape_vec((customers.len(), columns.len()), values).map_err(|_| {
                Error::LengthMismatch {
                    what: "feature values",
                    expected: customers.len() * columns.len(),
                    got: 0,
                }
            })?;
        Ok(CustomerFeatures {
            customers,
            columns,
            values,
        })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Position of column `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`].
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::UnknownColumn {
                name: name.to_string(),
                available: self.columns.join(","),
            })
    }

    /// Column `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`].
    pub fn column(&self, name: &str) -> Result<ArrayView1<'_, f64>> {
        Ok(self.values.column(self.column_index(name)?))
    }

    /// Adds a user-provided column, such as a CLV prediction or P(alive) from the CLV models,
    /// looked up by customer.
    ///
    /// # Errors
    /// [`Error::MissingValue`] for the first customer without a value; [`Error::NonFinite`] for a
    /// NaN or infinite value; [`Error::InvalidParameter`] if the name is already used.
    pub fn add_column(&mut self, name: &str, values: &HashMap<Id, f64>) -> Result<()> {
        if self.columns.iter().any(|c| c == name) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "column",
                    name,
                    "a name not already in the table",
                ),
            ));
        }
        let col = self.columns.len();
        let mut column = Vec::with_capacity(self.len());
        for (row, id) in self.customers.iter().enumerate() {
            let v = *values.get(id).ok_or_else(|| Error::MissingValue {
                column: name.to_string(),
                customer: id.to_string(),
            })?;
            if !v.is_finite() {
                return Err(Error::NonFinite { row, col, value: v });
            }
            column.push(v);
        }
        let column = ndarray::Array1::from(column);
        self.values
            .push_column(column.view())
            .map_err(|_| Error::LengthMismatch {
                what: "column length",
                expected: self.len(),
                got: column.len(),
            })?;
        self.columns.push(name.to_string());
        Ok(())
    }

    /// A table with only the named columns, in the given order.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`].
    pub fn select(&self, names: &[&str]) -> Result<CustomerFeatures> {
        let idx = names
            .iter()
            .map(|n| self.column_index(n))
            .collect::<Result<Vec<_>>>()?;
        Ok(CustomerFeatures {
            customers: self.customers.clone(),
            columns: names.iter().map(|s| s.to_string()).collect(),
            values: self.values.select(Axis(1), &idx),
        })
    }
}

/// How columns are centred and scaled after the optional log transform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Scaling {
    /// Leave the values as they are.
    None,
    /// `z = (x − mean) / sd`, population standard deviation (ddof = 0, as scikit-learn's
    /// `StandardScaler`).
    #[default]
    ZScore,
    /// `z = (x − median) / IQR`, quartiles by linear interpolation (as scikit-learn's
    /// `RobustScaler`): insensitive to the heavy tails of spend.
    Robust,
}

/// A fitted preprocessing: which columns are log-transformed (`ln(1 + x)`), and the centre and
/// scale of every column. Fitted once on the training customers and stored with the model, so new
/// customers are transformed the same way. A column with zero spread keeps scale 1.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedScaler {
    /// The column names, in the order of the transformed matrix.
    pub columns: Vec<String>,
    /// Whether each column is log-transformed first.
    pub log1p: Vec<bool>,
    /// The scaling rule.
    pub scaling: Scaling,
    /// The centre subtracted from each (log-transformed) column.
    pub center: Vec<f64>,
    /// The scale each centred column is divided by.
    pub scale: Vec<f64>,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

pub(crate) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    quantile(values, 0.5)
}

impl FittedScaler {
    /// Fits the preprocessing of all columns of `features`, log-transforming the columns named in
    /// `log1p`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] for a name in `log1p` not in the table; [`Error::LogDomain`] for a
    /// value `<= −1` in a log-transformed column; [`Error::EmptyData`].
    pub fn fit(features: &CustomerFeatures, log1p: &[&str], scaling: Scaling) -> Result<Self> {
        for name in log1p {
            features.column_index(name)?;
        }
        let flags: Vec<bool> = features
            .columns
            .iter()
            .map(|c| log1p.contains(&c.as_str()))
            .collect();
        let mut scaler = FittedScaler {
            columns: features.columns.clone(),
            log1p: flags,
            scaling,
            center: vec![0.0; features.columns.len()],
            scale: vec![1.0; features.columns.len()],
        };
        let logged = scaler.log_part(features.values.view())?;
        let n = logged.nrows();
        if n == 0 {
            return Err(Error::EmptyData {
                rows: 0,
                cols: logged.ncols(),
            });
        }
        for (j, col) in logged.columns().into_iter().enumerate() {
            let (c, s) = match scaling {
                Scaling::None => (0.0, 1.0),
                Scaling::ZScore => {
                    let m = col.sum() / n as f64;
                    let v = col.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
                    (m, v.sqrt())
                }
                Scaling::Robust => {
                    let mut v = col.to_vec();
                    v.sort_by(f64::total_cmp);
                    (quantile(&v, 0.5), quantile(&v, 0.75) - quantile(&v, 0.25))
                }
            };
            scaler.center[j] = c;
            scaler.scale[j] = if s > 0.0 { s } else { 1.0 };
        }
        Ok(scaler)
    }

    fn log_part(&self, values: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_matrix(values)?;
        let mut out = values.to_owned();
        for (j, &flag) in self.log1p.iter().enumerate() {
            if !flag {
                continue;
            }
            for (row, v) in out.column_mut(j).iter_mut().enumerate() {
                if *v <= -1.0 {
                    return Err(Error::LogDomain {
                        column: self.columns[j].clone(),
                        row,
                        value: *v,
                    });
                }
                *v = v.ln_1p();
            }
        }
        Ok(out)
    }

    /// Transforms a matrix whose columns are in [`FittedScaler::columns`] order.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for a wrong number of columns; [`Error::EmptyData`],
    /// [`Error::NonFinite`], [`Error::LogDomain`].
    pub fn transform_matrix(&self, values: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        if values.ncols() != self.columns.len() {
            return Err(Error::LengthMismatch {
                what: "feature columns",
                expected: self.columns.len(),
                got: values.ncols(),
            });
        }
        let mut out = self.log_part(values)?;
        for (j, mut col) in out.columns_mut().into_iter().enumerate() {
            let (c, s) = (self.center[j], self.scale[j]);
            col.mapv_inplace(|x| (x - c) / s);
        }
        Ok(out)
    }

    /// Transforms a feature table, taking its columns by name (extra columns are ignored).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] when a fitted column is missing; as
    /// [`FittedScaler::transform_matrix`].
    pub fn transform(&self, features: &CustomerFeatures) -> Result<Array2<f64>> {
        let names: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        let sel = features.select(&names)?;
        self.transform_matrix(sel.values.view())
    }
}
