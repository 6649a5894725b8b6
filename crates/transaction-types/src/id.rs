//! Identifiers for customers, orders and items.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// An identifier as real files write them: an integer (`12346`, `00012`, `17850.0`) or a string
/// (`"85123A"`, `"C536379"`).
///
/// [`Id::parse`] turns text into the integer form whenever the text is a whole number (leading zeros
/// and a `.0` suffix, as spreadsheet exports write them, are accepted), so `"00001"`, `"1"` and
/// `"1.0"` name the same customer. Everything else is kept as text, trimmed. Integers order before
/// strings; integers compare numerically and strings lexicographically, which is the order of every
/// table this workspace writes.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::Id;
/// assert_eq!(Id::parse("00042"), Some(Id::Int(42)));
/// assert_eq!(Id::parse("17850.0"), Some(Id::Int(17850)));
/// assert_eq!(Id::parse(" 85123A "), Some(Id::from("85123A")));
/// assert_eq!(Id::parse("   "), None);
/// assert!(Id::Int(7) < Id::from("A"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Id {
    /// A whole-number identifier.
    Int(i64),
    /// Any other identifier, trimmed.
    Text(Arc<str>),
}

impl Id {
    /// Parses an identifier from a field; `None` when the field is empty or blank (a missing id).
    pub fn parse(field: &str) -> Option<Self> {
        let s = field.trim();
        if s.is_empty() {
            return None;
        }
        Some(Self::parse_integer(s).map_or_else(|| Id::Text(Arc::from(s)), Id::Int))
    }

    fn parse_integer(s: &str) -> Option<i64> {
        let digits = s.strip_suffix(".0").unwrap_or(s);
        let (neg, body) = match digits.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, digits),
        };
        if body.is_empty() || body.len() > 18 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = body.parse().ok()?;
        Some(if neg { -v } else { v })
    }

    /// The integer value, if this is an integer id.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Id::Int(v) => Some(*v),
            Id::Text(_) => None,
        }
    }
}

impl From<i64> for Id {
    fn from(v: i64) -> Self {
        Id::Int(v)
    }
}

impl From<&str> for Id {
    /// Keeps the text as it is (no integer detection); use [`Id::parse`] for file fields.
    fn from(s: &str) -> Self {
        Id::Text(Arc::from(s))
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id::Text(Arc::from(s))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Id::Int(a), Id::Int(b)) => a.cmp(b),
            (Id::Int(_), Id::Text(_)) => Ordering::Less,
            (Id::Text(_), Id::Int(_)) => Ordering::Greater,
            (Id::Text(a), Id::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Int(v) => write!(f, "{v}"),
            Id::Text(s) => f.write_str(s),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Int(v) => s.serialize_i64(*v),
            Id::Text(t) => s.serialize_str(t),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string identifier")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Id, E> {
                i64::try_from(v)
                    .map(Id::Int)
                    .map_err(|_| E::custom("integer id out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id::from(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A fast, non-cryptographic hasher (the multiply-rotate scheme of rustc's `FxHasher`) for the
/// interner's map: ids are short and interning sits on the loading hot path, where SipHash
/// dominated the profile. It is not resistant to deliberately colliding inputs.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// A `HashMap` keyed with [`FastHasher`].
pub type FastHashMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// Maps identifiers to dense indices (`u32`) and back, so columns can store small integers.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    ids: Vec<Id>,
    index: FastHashMap<Id, u32>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of `id`, adding it if new.
    pub fn intern(&mut self, id: Id) -> u32 {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        // More than u32::MAX distinct ids cannot be stored in memory in the columnar log anyway.
        let i = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.push(id.clone());
        self.index.insert(id, i);
        i
    }

    /// The index of `id`, if interned.
    pub fn get(&self, id: &Id) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The identifiers, in index order.
    pub fn ids(&self) -> &[Id] {
        &self.ids
    }

    /// Number of distinct identifiers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Consumes the interner, returning the identifiers in index order.
    pub fn into_ids(self) -> Vec<Id> {
        self.ids
    }
}
