//! An LSTM learner (feature `lstm`), trained with candle on the CPU.
//!
//! The network reads the lag window of a row as a sequence (one step per lag, oldest first; the
//! row's other columns, such as calendar and exogenous features, are repeated at every step), runs
//! one LSTM layer of `hidden` units and maps the last hidden state to the `k` outputs with a linear
//! head. It therefore serves as the one-step model of the recursive, direct and DirRec strategies
//! (`k = 1`) and as the multi-output head of the MIMO strategy (`k = H`).
//!
//! The cell (Hochreiter & Schmidhuber 1997; gate order as in PyTorch):
//!
//! ```text
//! [i f g o] = W_ih x_t + W_hh h_{t-1} + b
//! c_t = sigma(f) * c_{t-1} + sigma(i) * tanh(g)
//! h_t = sigma(o) * tanh(c_t)
//! y   = W_out h_T + b_out
//! ```
//!
//! Training minimises the mean squared error with Adam (Kingma & Ba 2015) on full batches (the
//! series are short), and stops early when the loss on a validation tail (the last
//! `validation_fraction` of the rows, which come in time order) has not improved for `patience`
//! epochs; the weights of the best validation epoch are kept. Weights start from
//! `U(-1/sqrt(hidden), 1/sqrt(hidden))` (PyTorch's default) drawn from a ChaCha8 generator seeded
//! with `seed`, so a fixed seed gives identical forecasts.
//!
//! Fitted weights are plain `Vec<f64>` ([`LstmWeights`]): prediction runs in plain Rust without
//! candle, and fitted models serialise with serde. [`loss_and_gradient`] exposes candle's
//! backpropagated gradient for the finite-difference check in the tests.

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::learner::{Dataset, FittedLearner, Learner};
use crate::{Error, Result};

fn backend(e: candle_core::Error) -> Error {
    Error::Backend(Box::new(e))
}

/// Floating-point precision of the candle training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Precision {
    /// 32-bit floats (default; faster).
    #[default]
    F32,
    /// 64-bit floats (used by the gradient check).
    F64,
}

impl Precision {
    fn dtype(self) -> DType {
        match self {
            Self::F32 => DType::F32,
            Self::F64 => DType::F64,
        }
    }
}

/// LSTM hyper-parameters (a [`Learner`]).
///
/// Defaults: 16 hidden units, at most 300 epochs, learning rate 0.01, patience 30, validation
/// fraction 0.2, seed 42, f32.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lstm {
    /// Hidden units `>= 1`.
    pub hidden: usize,
    /// Maximum number of epochs `>= 1`.
    pub epochs: usize,
    /// Adam learning rate `> 0`.
    pub learning_rate: f64,
    /// Epochs without validation improvement before stopping (`>= 1`).
    pub patience: usize,
    /// Share of the (time-ordered) rows held back for early stopping, in `[0, 0.9]`; with 0, or
    /// when it rounds to no row, all epochs run on all rows.
    pub validation_fraction: f64,
    /// Seed of the weight initialisation.
    pub seed: u64,
    /// Training precision.
    pub precision: Precision,
}

impl Default for Lstm {
    fn default() -> Self {
        Self {
            hidden: 16,
            epochs: 300,
            learning_rate: 0.01,
            patience: 30,
            validation_fraction: 0.2,
            seed: 42,
            precision: Precision::F32,
        }
    }
}

impl Lstm {
    /// Sets the hidden size.
    #[must_use]
    pub fn hidden(mut self, hidden: usize) -> Self {
        self.hidden = hidden;
        self
    }
    /// Sets the maximum number of epochs.
    #[must_use]
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }
    /// Sets the learning rate.
    #[must_use]
    pub fn learning_rate(mut self, lr: f64) -> Self {
        self.learning_rate = lr;
        self
    }
    /// Sets the early-stopping patience.
    #[must_use]
    pub fn patience(mut self, patience: usize) -> Self {
        self.patience = patience;
        self
    }
    /// Sets the validation fraction.
    #[must_use]
    pub fn validation_fraction(mut self, f: f64) -> Self {
        self.validation_fraction = f;
        self
    }
    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the precision.
    #[must_use]
    pub fn precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    fn check(&self) -> Result<()> {
        if self.hidden == 0 || self.epochs == 0 || self.patience == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "hidden, epochs, patience",
                    "the LSTM hidden size, epochs and patience must be at least 1",
                ),
            ));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "learning_rate",
                    self.learning_rate,
                    "must be finite and > 0",
                ),
            ));
        }
        if !(0.0..=0.9).contains(&self.validation_fraction) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "validation_fraction",
                    self.validation_fraction,
                    "must be in [0, 0.9]",
                ),
            ));
        }
        Ok(())
    }
}

/// How a dataset row becomes a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SequenceLayout {
    /// Columns per row.
    pub n_cols: usize,
    /// Leading sequence columns (0: the whole row is one step).
    pub sequence_len: usize,
}

impl SequenceLayout {
    /// Number of time steps.
    pub fn steps(&self) -> usize {
        self.sequence_len.max(1)
    }
    /// Inputs per step: 1 lag + the static columns (or the whole row when there is no sequence).
    pub fn input_size(&self) -> usize {
        if self.sequence_len == 0 {
            self.n_cols
        } else {
            1 + self.n_cols - self.sequence_len
        }
    }
    /// Input of step `t` for `row`, appended to `out`.
    fn push_step(&self, row: &[f64], t: usize, out: &mut Vec<f64>) {
        if self.sequence_len == 0 {
            out.extend_from_slice(row);
        } else {
            out.push(row[t]);
            out.extend_from_slice(&row[self.sequence_len..]);
        }
    }
}

/// LSTM weights, row-major, gate blocks in the order `i, f, g, o`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LstmWeights {
    /// Inputs per step `I`.
    pub input_size: usize,
    /// Hidden units `H`.
    pub hidden: usize,
    /// Outputs `K`.
    pub outputs: usize,
    /// `4H x I`.
    pub w_ih: Vec<f64>,
    /// `4H x H`.
    pub w_hh: Vec<f64>,
    /// `4H` (the sum of PyTorch's `b_ih + b_hh`).
    pub b: Vec<f64>,
    /// `K x H`.
    pub w_out: Vec<f64>,
    /// `K`.
    pub b_out: Vec<f64>,
}

impl LstmWeights {
    /// Weights drawn from `U(-1/sqrt(H), 1/sqrt(H))` with a ChaCha8 generator seeded by `seed`.
    pub fn init(input_size: usize, hidden: usize, outputs: usize, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let k = 1.0 / (hidden as f64).sqrt();
        let mut draw = |n: usize| -> Vec<f64> { (0..n).map(|_| rng.random_range(-k..k)).collect() };
        let w_ih = draw(4 * hidden * input_size);
        let w_hh = draw(4 * hidden * hidden);
        let b = draw(4 * hidden);
        let w_out = draw(outputs * hidden);
        let b_out = draw(outputs);
        Self {
            input_size,
            hidden,
            outputs,
            w_ih,
            w_hh,
            b,
            w_out,
            b_out,
        }
    }

    /// All parameters in the order `w_ih, w_hh, b, w_out, b_out`.
    pub fn flat(&self) -> Vec<f64> {
        [&self.w_ih, &self.w_hh, &self.b, &self.w_out, &self.b_out]
            .into_iter()
            .flatten()
            .copied()
            .collect()
    }

    /// Rebuilds weights of the same shape from [`LstmWeights::flat`]'s order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `flat` has the wrong length.
    pub fn with_flat(&self, flat: &[f64]) -> Result<Self> {
        let sizes = [
            self.w_ih.len(),
            self.w_hh.len(),
            self.b.len(),
            self.w_out.len(),
            self.b_out.len(),
        ];
        if flat.len() != sizes.iter().sum::<usize>() {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "parameters",
                    format!(
                        "{} parameters given, the network has {}",
                        flat.len(),
                        sizes.iter().sum::<usize>()
                    ),
                ),
            ));
        }
        let mut parts = Vec::with_capacity(5);
        let mut at = 0;
        for s in sizes {
            parts.push(flat[at..at + s].to_vec());
            at += s;
        }
        let mut it = parts.into_iter();
        let mut next = || it.next().unwrap_or_default();
        Ok(Self {
            input_size: self.input_size,
            hidden: self.hidden,
            outputs: self.outputs,
            w_ih: next(),
            w_hh: next(),
            b: next(),
            w_out: next(),
            b_out: next(),
        })
    }

    /// Forward pass in plain Rust for one sequence (`steps` inputs of `I` values each, flattened).
    pub fn forward(&self, inputs: &[f64]) -> Vec<f64> {
        let (hn, ni) = (self.hidden, self.input_size);
        let mut h = vec![0.0; hn];
        let mut c = vec![0.0; hn];
        let mut gates = vec![0.0; 4 * hn];
        let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
        for x in inputs.chunks(ni) {
            for (r, g) in gates.iter_mut().enumerate() {
                let wi = &self.w_ih[r * ni..(r + 1) * ni];
                let wh = &self.w_hh[r * hn..(r + 1) * hn];
                *g = self.b[r]
                    + wi.iter().zip(x).map(|(a, b)| a * b).sum::<f64>()
                    + wh.iter().zip(&h).map(|(a, b)| a * b).sum::<f64>();
            }
            for j in 0..hn {
                let i = sigmoid(gates[j]);
                let f = sigmoid(gates[hn + j]);
                let g = gates[2 * hn + j].tanh();
                let o = sigmoid(gates[3 * hn + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * c[j].tanh();
            }
        }
        (0..self.outputs)
            .map(|k| {
                self.b_out[k]
                    + self.w_out[k * hn..(k + 1) * hn]
                        .iter()
                        .zip(&h)
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
            })
            .collect()
    }

    /// Mean squared error over a dataset (plain Rust; the finite-difference side of the
    /// gradient check).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when the dataset does not fit the network.
    pub fn loss(&self, data: &Dataset) -> Result<f64> {
        let layout = layout_for(data, self)?;
        let mut sum = 0.0;
        let mut seq = Vec::new();
        for i in 0..data.n_rows {
            seq.clear();
            for t in 0..layout.steps() {
                layout.push_step(data.row(i), t, &mut seq);
            }
            let p = self.forward(&seq);
            sum += p
                .iter()
                .zip(data.target(i))
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>();
        }
        Ok(sum / (data.n_rows * data.n_outputs) as f64)
    }
}

fn layout_for(data: &Dataset, w: &LstmWeights) -> Result<SequenceLayout> {
    data.check()?;
    let layout = SequenceLayout {
        n_cols: data.n_cols,
        sequence_len: data.sequence_len,
    };
    if layout.input_size() != w.input_size || data.n_outputs != w.outputs {
        return Err(Error::LengthMismatch {
            what: format!(
                "LSTM inputs per step (dataset outputs {}, network outputs {})",
                data.n_outputs, w.outputs
            ),
            expected: w.input_size,
            got: layout.input_size(),
        });
    }
    Ok(layout)
}

/// The trainable tensors.
struct Net {
    w_ih_t: Var,
    w_hh_t: Var,
    b: Var,
    w_out_t: Var,
    b_out: Var,
}

impl Net {
    fn new(w: &LstmWeights, dtype: DType) -> candle_core::Result<Self> {
        let dev = Device::Cpu;
        let (i, h, k) = (w.input_size, w.hidden, w.outputs);
        let mk = |v: &[f64], shape: (usize, usize), transpose: bool| -> candle_core::Result<Var> {
            let t = Tensor::from_vec(v.to_vec(), shape, &dev)?;
            let t = if transpose { t.t()?.contiguous()? } else { t };
            Var::from_tensor(&t.to_dtype(dtype)?)
        };
        Ok(Self {
            w_ih_t: mk(&w.w_ih, (4 * h, i), true)?,
            w_hh_t: mk(&w.w_hh, (4 * h, h), true)?,
            b: mk(&w.b, (1, 4 * h), false)?,
            w_out_t: mk(&w.w_out, (k, h), true)?,
            b_out: mk(&w.b_out, (1, k), false)?,
        })
    }

    fn vars(&self) -> Vec<Var> {
        vec![
            self.w_ih_t.clone(),
            self.w_hh_t.clone(),
            self.b.clone(),
            self.w_out_t.clone(),
            self.b_out.clone(),
        ]
    }

    /// `x`: `steps` tensors stacked as `[steps * n, I]` (step-major). Returns `[n, K]`.
    fn forward(
        &self,
        x: &Tensor,
        steps: usize,
        n: usize,
        hidden: usize,
    ) -> candle_core::Result<Tensor> {
        // One matmul for the input part of every step, bias included.
        let xw = x
            .matmul(self.w_ih_t.as_tensor())?
            .broadcast_add(self.b.as_tensor())?;
        let mut h: Option<Tensor> = None;
        let mut c: Option<Tensor> = None;
        for t in 0..steps {
            let mut gates = xw.narrow(0, t * n, n)?;
            if let Some(hp) = &h {
                gates = (gates + hp.matmul(self.w_hh_t.as_tensor())?)?;
            }
            let s = candle_nn::ops::sigmoid(&gates)?;
            let i = s.narrow(1, 0, hidden)?;
            let f = s.narrow(1, hidden, hidden)?;
            let o = s.narrow(1, 3 * hidden, hidden)?;
            let g = gates.narrow(1, 2 * hidden, hidden)?.tanh()?;
            let ig = (i * g)?;
            let cn = match &c {
                Some(cp) => ((f * cp)? + ig)?,
                None => ig,
            };
            h = Some((o * cn.tanh()?)?);
            c = Some(cn);
        }
        let h = h.ok_or_else(|| candle_core::Error::Msg("empty sequence".into()))?;
        h.matmul(self.w_out_t.as_tensor())?
            .broadcast_add(self.b_out.as_tensor())
    }

    fn weights(&self, like: &LstmWeights) -> candle_core::Result<LstmWeights> {
        let get = |v: &Var, transpose: bool| -> candle_core::Result<Vec<f64>> {
            let t = v.as_tensor().to_dtype(DType::F64)?;
            let t = if transpose { t.t()?.contiguous()? } else { t };
            t.flatten_all()?.to_vec1::<f64>()
        };
        Ok(LstmWeights {
            input_size: like.input_size,
            hidden: like.hidden,
            outputs: like.outputs,
            w_ih: get(&self.w_ih_t, true)?,
            w_hh: get(&self.w_hh_t, true)?,
            b: get(&self.b, false)?,
            w_out: get(&self.w_out_t, true)?,
            b_out: get(&self.b_out, false)?,
        })
    }
}

/// Step-major input tensor `[steps * n, I]` and target tensor `[n, K]` for rows `range`.
fn tensors(
    data: &Dataset,
    layout: SequenceLayout,
    range: std::ops::Range<usize>,
    dtype: DType,
) -> candle_core::Result<(Tensor, Tensor)> {
    let n = range.len();
    let mut x = Vec::with_capacity(layout.steps() * n * layout.input_size());
    for t in 0..layout.steps() {
        for i in range.clone() {
            layout.push_step(data.row(i), t, &mut x);
        }
    }
    let y: Vec<f64> = range.flat_map(|i| data.target(i).to_vec()).collect();
    let dev = Device::Cpu;
    let xt =
        Tensor::from_vec(x, (layout.steps() * n, layout.input_size()), &dev)?.to_dtype(dtype)?;
    let yt = Tensor::from_vec(y, (n, data.n_outputs), &dev)?.to_dtype(dtype)?;
    Ok((xt, yt))
}

fn mse(pred: &Tensor, y: &Tensor) -> candle_core::Result<Tensor> {
    (pred - y)?.sqr()?.mean_all()
}

/// Mean squared error of `weights` on `data` and its gradient, computed by candle's
/// backpropagation in f64 (returned with the shape of [`LstmWeights`]).
///
/// # Errors
/// [`Error::LengthMismatch`] when the dataset does not fit the network; [`Error::Backend`].
pub fn loss_and_gradient(weights: &LstmWeights, data: &Dataset) -> Result<(f64, LstmWeights)> {
    let layout = layout_for(data, weights)?;
    let run = || -> candle_core::Result<(f64, LstmWeights)> {
        let net = Net::new(weights, DType::F64)?;
        let (x, y) = tensors(data, layout, 0..data.n_rows, DType::F64)?;
        let loss = mse(
            &net.forward(&x, layout.steps(), data.n_rows, weights.hidden)?,
            &y,
        )?;
        let grads = loss.backward()?;
        let grad_of = |v: &Var, transpose: bool| -> candle_core::Result<Vec<f64>> {
            let g = grads
                .get(v.as_tensor())
                .ok_or_else(|| candle_core::Error::Msg("missing gradient".into()))?
                .to_dtype(DType::F64)?;
            let g = if transpose { g.t()?.contiguous()? } else { g };
            g.flatten_all()?.to_vec1::<f64>()
        };
        let g = LstmWeights {
            input_size: weights.input_size,
            hidden: weights.hidden,
            outputs: weights.outputs,
            w_ih: grad_of(&net.w_ih_t, true)?,
            w_hh: grad_of(&net.w_hh_t, true)?,
            b: grad_of(&net.b, false)?,
            w_out: grad_of(&net.w_out_t, true)?,
            b_out: grad_of(&net.b_out, false)?,
        };
        Ok((loss.to_scalar::<f64>()?, g))
    };
    run().map_err(backend)
}

/// A trained LSTM.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedLstm {
    /// The weights of the best validation epoch.
    pub weights: LstmWeights,
    /// Row layout the network reads.
    pub layout: SequenceLayout,
    /// Epochs run (early stopping may end before the maximum).
    pub epochs_run: usize,
    /// Epoch (1-based) whose weights were kept.
    pub best_epoch: usize,
    /// Training MSE (standardised scale) at the kept epoch.
    pub train_loss: f64,
    /// Validation MSE at the kept epoch (`None` without a validation tail).
    pub validation_loss: Option<f64>,
}

impl Learner for Lstm {
    type Fitted = FittedLstm;

    fn name(&self) -> &'static str {
        "lstm"
    }

    fn fit(&self, data: &Dataset) -> Result<FittedLstm> {
        self.check()?;
        data.check()?;
        let layout = SequenceLayout {
            n_cols: data.n_cols,
            sequence_len: data.sequence_len,
        };
        let init = LstmWeights::init(layout.input_size(), self.hidden, data.n_outputs, self.seed);
        let n_val = (data.n_rows as f64 * self.validation_fraction).round() as usize;
        let n_val = if n_val >= data.n_rows { 0 } else { n_val };
        let n_train = data.n_rows - n_val;
        let dtype = self.precision.dtype();
        let train = || -> candle_core::Result<FittedLstm> {
            let net = Net::new(&init, dtype)?;
            let (xt, yt) = tensors(data, layout, 0..n_train, dtype)?;
            let val = if n_val > 0 {
                Some(tensors(data, layout, n_train..data.n_rows, dtype)?)
            } else {
                None
            };
            let mut opt = AdamW::new(
                net.vars(),
                ParamsAdamW {
                    lr: self.learning_rate,
                    beta1: 0.9,
                    beta2: 0.999,
                    eps: 1e-8,
                    weight_decay: 0.0,
                },
            )?;
            let steps = layout.steps();
            let mut best = (f64::INFINITY, 0usize, f64::NAN, init.clone());
            let mut epochs_run = 0;
            for epoch in 1..=self.epochs {
                epochs_run = epoch;
                let loss = mse(&net.forward(&xt, steps, n_train, self.hidden)?, &yt)?;
                let train_loss = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
                opt.backward_step(&loss)?;
                if !train_loss.is_finite() {
                    return Err(candle_core::Error::Msg(
                        "training loss is not finite; lower the learning rate".into(),
                    ));
                }
                let score = match &val {
                    Some((xv, yv)) => mse(&net.forward(xv, steps, n_val, self.hidden)?, yv)?
                        .to_dtype(DType::F64)?
                        .to_scalar::<f64>()?,
                    None => train_loss,
                };
                if score < best.0 {
                    best = (score, epoch, train_loss, net.weights(&init)?);
                } else if val.is_some() && epoch - best.1 >= self.patience {
                    break;
                }
            }
            let (score, best_epoch, train_loss, weights) = best;
            Ok(FittedLstm {
                weights,
                layout,
                epochs_run,
                best_epoch,
                train_loss,
                validation_loss: (n_val > 0).then_some(score),
            })
        };
        train().map_err(backend)
    }
}

impl FittedLearner for FittedLstm {
    fn predict(&self, row: &[f64]) -> Result<Vec<f64>> {
        if row.len() != self.layout.n_cols {
            return Err(Error::LengthMismatch {
                what: "feature row (the LSTM's training width)".into(),
                expected: self.layout.n_cols,
                got: row.len(),
            });
        }
        let mut seq = Vec::with_capacity(self.layout.steps() * self.layout.input_size());
        for t in 0..self.layout.steps() {
            self.layout.push_step(row, t, &mut seq);
        }
        Ok(self.weights.forward(&seq))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tiny_data() -> Dataset {
        // 6 rows, sequence of 3 lags + 1 static column, 2 outputs
        let mut x = vec![];
        let mut y = vec![];
        for i in 0..6 {
            let f = i as f64;
            x.extend([
                (f * 0.7).sin(),
                (f * 0.3).cos(),
                f / 6.0 - 0.5,
                0.2 * f - 0.4,
            ]);
            y.extend([(f * 0.5).sin(), 0.3 * f - 0.6]);
        }
        Dataset {
            x,
            y,
            n_rows: 6,
            n_cols: 4,
            n_outputs: 2,
            sequence_len: 3,
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let data = tiny_data();
        let w = LstmWeights::init(2, 3, 2, 7);
        let (loss, grad) = loss_and_gradient(&w, &data).unwrap();
        assert!((loss - w.loss(&data).unwrap()).abs() < 1e-12);
        let flat = w.flat();
        let g = grad.flat();
        let eps = 1e-6;
        let mut max_rel: f64 = 0.0;
        for k in 0..flat.len() {
            let mut p = flat.clone();
            p[k] += eps;
            let up = w.with_flat(&p).unwrap().loss(&data).unwrap();
            p[k] -= 2.0 * eps;
            let down = w.with_flat(&p).unwrap().loss(&data).unwrap();
            let fd = (up - down) / (2.0 * eps);
            let rel = (fd - g[k]).abs() / (fd.abs() + g[k].abs()).max(1e-6);
            max_rel = max_rel.max(rel);
        }
        assert!(max_rel < 1e-5, "max relative error {max_rel}");
    }

    #[test]
    fn candle_forward_equals_plain_forward() {
        let data = tiny_data();
        let w = LstmWeights::init(2, 4, 2, 3);
        let layout = layout_for(&data, &w).unwrap();
        let net = Net::new(&w, DType::F64).unwrap();
        let (x, _) = tensors(&data, layout, 0..6, DType::F64).unwrap();
        let out = net.forward(&x, 3, 6, 4).unwrap().to_vec2::<f64>().unwrap();
        let fitted = FittedLstm {
            weights: w,
            layout,
            epochs_run: 0,
            best_epoch: 0,
            train_loss: 0.0,
            validation_loss: None,
        };
        for (i, row) in out.iter().enumerate() {
            let p = fitted.predict(data.row(i)).unwrap();
            for (a, b) in p.iter().zip(row) {
                assert!((a - b).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn training_lowers_the_loss_and_is_deterministic() {
        let data = tiny_data();
        let lstm = Lstm::default()
            .hidden(4)
            .epochs(60)
            .validation_fraction(0.0);
        let a = lstm.fit(&data).unwrap();
        let b = lstm.fit(&data).unwrap();
        assert_eq!(a, b);
        let init = LstmWeights::init(2, 4, 2, 42);
        assert!(a.train_loss < 0.5 * init.loss(&data).unwrap());
        let c = lstm.seed(43).fit(&data).unwrap();
        assert_ne!(a.weights, c.weights);
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let data = tiny_data();
        assert!(matches!(
            Lstm::default().hidden(0).fit(&data),
            Err(Error::InvalidParameter(_))
        ));
        assert!(matches!(
            Lstm::default().learning_rate(-1.0).fit(&data),
            Err(Error::InvalidParameter(_))
        ));
        assert!(matches!(
            Lstm::default().validation_fraction(0.95).fit(&data),
            Err(Error::InvalidParameter(_))
        ));
    }
}
