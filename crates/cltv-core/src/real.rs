//! Numbers that carry exact first derivatives (forward-mode automatic differentiation).
//!
//! Each model writes its log-likelihood once, generic over [`Real`]; evaluated with `f64` it gives
//! the value, evaluated with [`Dual`] it gives the value and the exact gradient with respect to the
//! (log-)parameters, which is what the L-BFGS fit needs. This is exact differentiation of the
//! same code, not finite differences.

use std::ops::{Add, Div, Mul, Neg, Sub};

use statrs::function::gamma::{digamma, ln_gamma};

/// The operations a log-likelihood needs.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// Whether the type carries derivatives (`false` for `f64`), so code can skip work that only
    /// the derivatives need.
    const DIFFERENTIATES: bool = true;
    /// A constant.
    fn cst(v: f64) -> Self;
    /// The value (without derivatives).
    fn value(&self) -> f64;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Exponential.
    fn exp(self) -> Self;
    /// `ln(1 + x)`.
    fn ln_1p(self) -> Self;
    /// `ln Γ(x)`.
    fn ln_gamma(self) -> Self;
    /// `ln B(a, b)`.
    fn ln_beta(a: Self, b: Self) -> Self {
        a.ln_gamma() + b.ln_gamma() - (a + b).ln_gamma()
    }
    /// `ln(exp(a) + exp(b))` without overflow.
    fn log_add_exp(a: Self, b: Self) -> Self {
        if a.value() == f64::NEG_INFINITY {
            return b;
        }
        if b.value() == f64::NEG_INFINITY {
            return a;
        }
        if a.value() >= b.value() {
            a + (b - a).exp().ln_1p()
        } else {
            b + (a - b).exp().ln_1p()
        }
    }
    /// `ln(exp(a) - exp(b))` for `a > b`.
    fn log_sub_exp(a: Self, b: Self) -> Self {
        if b.value() == f64::NEG_INFINITY {
            return a;
        }
        a + (-(b - a).exp()).ln_1p()
    }
}

impl Real for f64 {
    const DIFFERENTIATES: bool = false;
    fn cst(v: f64) -> Self {
        v
    }
    fn value(&self) -> f64 {
        *self
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn ln_1p(self) -> Self {
        f64::ln_1p(self)
    }
    fn ln_gamma(self) -> Self {
        ln_gamma(self)
    }
}

/// A value with its gradient with respect to `N` inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual<const N: usize> {
    /// The value.
    pub v: f64,
    /// The partial derivatives.
    pub d: [f64; N],
}

impl<const N: usize> Dual<N> {
    /// The `i`-th input variable with value `v` (derivative 1 in direction `i`).
    pub fn var(v: f64, i: usize) -> Self {
        let mut d = [0.0; N];
        if i < N {
            d[i] = 1.0;
        }
        Self { v, d }
    }

    /// Applies a function with value `f` and derivative `df` at `self.v` (chain rule).
    fn chain(self, f: f64, df: f64) -> Self {
        let mut d = self.d;
        for x in &mut d {
            *x *= df;
        }
        Self { v: f, d }
    }
}

impl<const N: usize> Add for Dual<N> {
    type Output = Self;
    fn add(mut self, o: Self) -> Self {
        self.v += o.v;
        for (a, b) in self.d.iter_mut().zip(o.d) {
            *a += b;
        }
        self
    }
}

impl<const N: usize> Sub for Dual<N> {
    type Output = Self;
    fn sub(mut self, o: Self) -> Self {
        self.v -= o.v;
        for (a, b) in self.d.iter_mut().zip(o.d) {
            *a -= b;
        }
        self
    }
}

impl<const N: usize> Mul for Dual<N> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        let mut d = [0.0; N];
        for (k, x) in d.iter_mut().enumerate() {
            *x = self.d[k] * o.v + self.v * o.d[k];
        }
        Self { v: self.v * o.v, d }
    }
}

impl<const N: usize> Div for Dual<N> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        let v = self.v / o.v;
        let mut d = [0.0; N];
        for (k, x) in d.iter_mut().enumerate() {
            *x = (self.d[k] - v * o.d[k]) / o.v;
        }
        Self { v, d }
    }
}

impl<const N: usize> Neg for Dual<N> {
    type Output = Self;
    fn neg(self) -> Self {
        self.chain(-self.v, -1.0)
    }
}

impl<const N: usize> Add<f64> for Dual<N> {
    type Output = Self;
    fn add(mut self, o: f64) -> Self {
        self.v += o;
        self
    }
}

impl<const N: usize> Sub<f64> for Dual<N> {
    type Output = Self;
    fn sub(mut self, o: f64) -> Self {
        self.v -= o;
        self
    }
}

impl<const N: usize> Mul<f64> for Dual<N> {
    type Output = Self;
    fn mul(self, o: f64) -> Self {
        self.chain(self.v * o, o)
    }
}

impl<const N: usize> Div<f64> for Dual<N> {
    type Output = Self;
    fn div(self, o: f64) -> Self {
        self.chain(self.v / o, 1.0 / o)
    }
}

impl<const N: usize> Real for Dual<N> {
    fn cst(v: f64) -> Self {
        Self { v, d: [0.0; N] }
    }
    fn value(&self) -> f64 {
        self.v
    }
    fn ln(self) -> Self {
        self.chain(self.v.ln(), 1.0 / self.v)
    }
    fn exp(self) -> Self {
        let e = self.v.exp();
        self.chain(e, e)
    }
    fn ln_1p(self) -> Self {
        self.chain(self.v.ln_1p(), 1.0 / (1.0 + self.v))
    }
    fn ln_gamma(self) -> Self {
        self.chain(ln_gamma(self.v), digamma(self.v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f<T: Real>(x: T, y: T) -> T {
        (x * y).ln_gamma() + T::log_add_exp(x.ln(), y.exp()) / (x + 2.0) - T::ln_beta(x, y)
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y) = (1.7, 0.4);
        let g = f(Dual::<2>::var(x, 0), Dual::<2>::var(y, 1));
        let h = 1e-6;
        let dx = (f(x + h, y) - f(x - h, y)) / (2.0 * h);
        let dy = (f(x, y + h) - f(x, y - h)) / (2.0 * h);
        assert!((g.v - f(x, y)).abs() < 1e-14);
        assert!((g.d[0] - dx).abs() < 1e-7, "{} vs {dx}", g.d[0]);
        assert!((g.d[1] - dy).abs() < 1e-7, "{} vs {dy}", g.d[1]);
    }
}
