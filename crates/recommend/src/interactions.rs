//! The sparse customer-item matrix in compressed sparse row (CSR) form.

use custalyze_transaction_types::{Baskets, Id};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// Binary customer x item matrix ("customer bought item at least once"), CSR: the items of user
/// `u` are `indices[indptr[u]..indptr[u + 1]]`, sorted and distinct.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Interactions {
    /// Number of items (columns).
    pub n_items: usize,
    /// Row pointers, `n_users + 1` entries.
    pub indptr: Vec<usize>,
    /// Column indices.
    pub indices: Vec<u32>,
}

impl Interactions {
    /// Builds the matrix from each user's item lists (duplicates allowed, removed here).
    ///
    /// # Errors
    /// [`Error::Empty`] for no item at all or `n_items == 0`; [`Error::UnknownItem`] for an index
    /// `>= n_items`.
    pub fn from_user_items(n_items: usize, users: &[Vec<u32>]) -> Result<Self> {
        if n_items == 0 || users.iter().all(Vec::is_empty) {
            return Err(Error::Empty("no customer-item interaction".into()));
        }
        let rows: Vec<Vec<u32>> = users
            .par_iter()
            .map(|items| {
                let mut v = items.clone();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let mut indptr = Vec::with_capacity(rows.len() + 1);
        indptr.push(0);
        let mut indices = Vec::new();
        for row in rows {
            if let Some(&bad) = row.iter().find(|&&i| i as usize >= n_items) {
                return Err(Error::UnknownItem {
                    item: bad,
                    items: n_items,
                });
            }
            indices.extend(row);
            indptr.push(indices.len());
        }
        Ok(Self {
            n_items,
            indptr,
            indices,
        })
    }

    /// Every customer's purchases in `baskets` (rows indexed like `baskets.customer_ids`).
    ///
    /// # Errors
    /// As [`Interactions::from_user_items`].
    pub fn from_baskets(baskets: &Baskets) -> Result<Self> {
        let mut users: Vec<Vec<u32>> = vec![Vec::new(); baskets.customer_ids.len()];
        for b in &baskets.baskets {
            users[b.customer as usize].extend(&b.items);
        }
        Self::from_user_items(baskets.item_ids.len(), &users)
    }

    /// Number of users (rows).
    pub fn n_users(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Items of user `u` (empty for an index out of range).
    pub fn user_items(&self, u: usize) -> &[u32] {
        match (self.indptr.get(u), self.indptr.get(u + 1)) {
            (Some(&a), Some(&b)) => &self.indices[a..b],
            _ => &[],
        }
    }

    /// The transpose (item -> users), as `(indptr, user indices)`.
    pub fn item_users(&self) -> (Vec<usize>, Vec<u32>) {
        let mut counts = vec![0usize; self.n_items + 1];
        for &i in &self.indices {
            counts[i as usize + 1] += 1;
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut next = counts.clone();
        let mut users = vec![0u32; self.indices.len()];
        for u in 0..self.n_users() {
            for &i in self.user_items(u) {
                users[next[i as usize]] = u as u32;
                next[i as usize] += 1;
            }
        }
        (counts, users)
    }

    /// Number of distinct users per item.
    pub fn item_counts(&self) -> Vec<u32> {
        let mut c = vec![0u32; self.n_items];
        for &i in &self.indices {
            c[i as usize] += 1;
        }
        c
    }
}

/// Maps item ids to their text (for rules that name items by id).
pub(crate) fn item_names(ids: &[Id]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}
