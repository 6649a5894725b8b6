//! Sparse transactions: interned items, one sorted item list per basket.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use custalyze_transaction_types::Baskets;

use crate::error::{Error, Result};

/// Transactions (baskets) in compressed sparse rows: item names are interned to `u32` indices and
/// every basket is a sorted, duplicate-free slice of indices.
///
/// Empty baskets are kept: they count in the support denominator, as rows of zeros do in a
/// one-hot frame (mlxtend's `support = count / len(df)`).
///
/// # Examples
/// ```
/// use custalyze_assoc_rules::Transactions;
/// let tx = Transactions::from_item_lists([vec!["milk", "bread"], vec!["bread", "bread"], vec![]])?;
/// assert_eq!(tx.len(), 3);
/// assert_eq!(tx.items(), ["milk", "bread"]);
/// assert_eq!(tx.basket(1), [1]); // duplicates are ignored
/// # Ok::<(), custalyze_assoc_rules::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transactions {
    items: Vec<String>,
    offsets: Vec<usize>,
    data: Vec<u32>,
}

/// Builds [`Transactions`] one basket at a time, interning item names.
#[derive(Debug, Default)]
pub struct TransactionsBuilder {
    tx: Transactions,
    index: HashMap<String, u32>,
}

impl TransactionsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self {
            tx: Transactions {
                items: Vec::new(),
                offsets: vec![0],
                data: Vec::new(),
            },
            index: HashMap::new(),
        }
    }

    /// The index of an item name, interning it if new.
    ///
    /// # Errors
    /// [`Error::TooManyItems`] past `u32::MAX` distinct items.
    pub fn intern(&mut self, name: &str) -> Result<u32> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        let i = u32::try_from(self.tx.items.len()).map_err(|_| Error::TooManyItems {
            max: u64::from(u32::MAX),
        })?;
        self.tx.items.push(name.to_string());
        self.index.insert(name.to_string(), i);
        Ok(i)
    }

    /// Adds one basket given by item names (duplicates are ignored; an empty basket counts).
    ///
    /// # Errors
    /// [`Error::TooManyItems`] past `u32::MAX` distinct items.
    pub fn push<I, S>(&mut self, names: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let start = self.tx.data.len();
        for n in names {
            let i = self.intern(n.as_ref())?;
            self.tx.data.push(i);
        }
        self.finish_basket(start);
        Ok(())
    }

    fn finish_basket(&mut self, start: usize) {
        let b = &mut self.tx.data[start..];
        b.sort_unstable();
        let mut w = 0;
        for r in 0..b.len() {
            if r == 0 || b[r] != b[w - 1] {
                b[w] = b[r];
                w += 1;
            }
        }
        self.tx.data.truncate(start + w);
        self.tx.offsets.push(self.tx.data.len());
    }

    /// Adds one basket given by item indices from [`TransactionsBuilder::intern`].
    ///
    /// # Errors
    /// [`Error::UnknownItem`] when an index was never interned.
    pub fn push_indices(&mut self, items: &[u32]) -> Result<()> {
        let n_items = self.tx.items.len();
        if let Some(&bad) = items.iter().find(|&&i| i as usize >= n_items) {
            return Err(Error::UnknownItem {
                index: bad,
                n_items,
            });
        }
        let start = self.tx.data.len();
        self.tx.data.extend_from_slice(items);
        self.finish_basket(start);
        Ok(())
    }

    /// The transactions built so far.
    pub fn build(self) -> Transactions {
        self.tx
    }
}

impl Transactions {
    /// Transactions from baskets given as lists of item names; items are indexed in the order
    /// they are first seen.
    ///
    /// # Errors
    /// [`Error::TooManyItems`] past `u32::MAX` distinct items.
    pub fn from_item_lists<B, I, S>(baskets: B) -> Result<Self>
    where
        B: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut b = TransactionsBuilder::new();
        for basket in baskets {
            b.push(basket)?;
        }
        Ok(b.build())
    }

    /// Transactions from item-index baskets and the item names they index.
    ///
    /// # Errors
    /// [`Error::UnknownItem`] when a basket holds an index `>= names.len()`;
    /// [`Error::TooManyItems`] past `u32::MAX` names.
    pub fn from_indices<B, I>(names: Vec<String>, baskets: B) -> Result<Self>
    where
        B: IntoIterator<Item = I>,
        I: AsRef<[u32]>,
    {
        if u32::try_from(names.len()).is_err() {
            return Err(Error::TooManyItems {
                max: u64::from(u32::MAX),
            });
        }
        let mut b = TransactionsBuilder::new();
        b.index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        b.tx.items = names;
        for basket in baskets {
            b.push_indices(basket.as_ref())?;
        }
        Ok(b.build())
    }

    /// The baskets of a transaction log ([`Baskets::from_log`]): one transaction per order, item
    /// names written as the log's item ids (`Id`'s `Display`).
    ///
    /// # Examples
    /// ```
    /// use chrono::NaiveDate;
    /// use custalyze_assoc_rules::Transactions;
    /// use custalyze_transaction_types::{Baskets, Id, Transaction, TransactionLog};
    /// let at = NaiveDate::from_ymd_opt(2024, 5, 1).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
    /// let line = |order: i64, item: &str| {
    ///     Transaction::new(Id::Int(1), Id::Int(order), at, Some(Id::from(item)), 1.0, 2.0)
    /// };
    /// let log = TransactionLog::from_transactions([line(1, "milk")?, line(1, "bread")?, line(2, "milk")?])?;
    /// let tx = Transactions::from_baskets(&Baskets::from_log(&log)?);
    /// assert_eq!(tx.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_baskets(baskets: &Baskets) -> Self {
        let items = baskets.item_ids.iter().map(ToString::to_string).collect();
        let mut offsets = Vec::with_capacity(baskets.len() + 1);
        offsets.push(0);
        let mut data = Vec::with_capacity(baskets.baskets.iter().map(|b| b.items.len()).sum());
        for b in &baskets.baskets {
            // `Basket::items` is documented ascending and duplicate-free.
            data.extend_from_slice(&b.items);
            offsets.push(data.len());
        }
        Self {
            items,
            offsets,
            data,
        }
    }

    /// Reads a basket file: one basket per line, items separated by `separator`. Items are
    /// trimmed of surrounding whitespace (so names may contain inner spaces) and empty fields are
    /// skipped; an empty line is an empty basket, which counts in the support denominator. A
    /// final newline does not start a basket.
    ///
    /// # Errors
    /// [`Error::Io`] when reading fails (invalid UTF-8 included); [`Error::TooManyItems`].
    ///
    /// # Examples
    /// ```
    /// use custalyze_assoc_rules::Transactions;
    /// let text = "Lip Gloss,Mascara\n\nMascara , Eye shadow\n";
    /// let tx = Transactions::read(text.as_bytes(), ',', "example")?;
    /// assert_eq!(tx.len(), 3);
    /// assert_eq!(tx.items(), ["Lip Gloss", "Mascara", "Eye shadow"]);
    /// # Ok::<(), custalyze_assoc_rules::Error>(())
    /// ```
    pub fn read<R: Read>(reader: R, separator: char, source: &str) -> Result<Self> {
        let mut b = TransactionsBuilder::new();
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(|e| Error::Io {
                path: source.into(),
                source: e,
            })?;
            if n == 0 {
                break;
            }
            let l = line.strip_suffix('\n').unwrap_or(&line);
            let l = l.strip_suffix('\r').unwrap_or(l);
            let start = b.tx.data.len();
            for field in l.split(separator) {
                let f = field.trim();
                if !f.is_empty() {
                    let i = b.intern(f)?;
                    b.tx.data.push(i);
                }
            }
            b.finish_basket(start);
        }
        Ok(b.build())
    }

    /// Reads a basket file from a path; see [`Transactions::read`].
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened or read; [`Error::TooManyItems`].
    pub fn read_path(path: impl AsRef<Path>, separator: char) -> Result<Self> {
        let path = path.as_ref();
        let f = std::fs::File::open(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Self::read(f, separator, &path.display().to_string())
    }

    /// Number of transactions, empty ones included.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True when there is no transaction.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item names by index.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// The item indices of transaction `t`, ascending (empty when `t` is out of range).
    pub fn basket(&self, t: usize) -> &[u32] {
        match (self.offsets.get(t), self.offsets.get(t + 1)) {
            (Some(&a), Some(&b)) => &self.data[a..b],
            _ => &[],
        }
    }

    /// Iterates over the baskets.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        self.offsets.windows(2).map(|w| &self.data[w[0]..w[1]])
    }

    /// The index of an item name (a linear scan; build a map for many look-ups).
    pub fn item_index(&self, name: &str) -> Option<u32> {
        self.items
            .iter()
            .position(|n| n == name)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Total number of item occurrences.
    pub fn n_entries(&self) -> usize {
        self.data.len()
    }

    /// Writes one basket per line, item names joined by `separator` (the format
    /// [`Transactions::read`] reads).
    ///
    /// # Errors
    /// [`Error::Write`] when writing fails.
    pub fn write<W: Write>(&self, w: W, separator: char) -> Result<()> {
        let mut w = BufWriter::new(w);
        let mut sep = [0u8; 4];
        let sep = separator.encode_utf8(&mut sep).as_bytes();
        for b in self.iter() {
            for (k, &i) in b.iter().enumerate() {
                if k > 0 {
                    w.write_all(sep).map_err(Error::Write)?;
                }
                let name = self.items.get(i as usize).map_or("", String::as_str);
                w.write_all(name.as_bytes()).map_err(Error::Write)?;
            }
            w.write_all(b"\n").map_err(Error::Write)?;
        }
        w.flush().map_err(Error::Write)
    }

    pub(crate) fn data(&self) -> &[u32] {
        &self.data
    }

    pub(crate) fn offsets(&self) -> &[usize] {
        &self.offsets
    }
}
