//! What identifies a row for duplicate detection ([`super::dedup`]): its
//! nonce, or a hash of its content, as a 16-byte [`Key`].

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

pub type Key = [u8; 16];

/// A key hasher: parts are length-prefixed, so no two part lists collide
/// by concatenation.
pub struct KeyHasher(Sha256);

impl KeyHasher {
    fn new(tag: &[u8]) -> Self {
        let mut h = KeyHasher(Sha256::new());
        h.part(tag);
        h
    }

    pub fn part(&mut self, p: &[u8]) {
        self.0.update((p.len() as u64).to_le_bytes());
        self.0.update(p);
    }

    fn finish(self) -> Key {
        let d = self.0.finalize();
        let mut k = [0u8; 16];
        k.copy_from_slice(&d[..16]);
        k
    }
}

/// `Debug` output straight into the hash, without allocating.
impl std::fmt::Write for KeyHasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// What identifies a row for duplicate detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowId {
    /// The submission's nonce: any later row with it is a re-post.
    Nonce(Key),
    /// A nonce of at most 30 lowercase hex digits, as its bytes (the
    /// last byte: the number of digits); no hash needed.
    NonceHex(Key),
    /// The row's content: repeats across files are overlapping exports.
    Row(Key),
}

impl RowId {
    pub fn nonce(n: &str) -> RowId {
        if let Some(k) = hex_key(n) {
            return RowId::NonceHex(k);
        }
        let mut h = KeyHasher::new(b"nonce");
        h.part(n.as_bytes());
        RowId::Nonce(h.finish())
    }

    /// A row by its stamp and its parts; `fill` adds the parts in a fixed
    /// order (see [`KeyHasher::part`], or `write!` for `Debug` forms).
    pub fn row(stamp: &str, fill: impl FnOnce(&mut KeyHasher)) -> RowId {
        let mut h = KeyHasher::new(b"row");
        h.part(stamp.as_bytes());
        fill(&mut h);
        RowId::Row(h.finish())
    }

    /// A row by the `Debug` forms of its values (for rows read from fields).
    pub fn row_debug(stamp: &str, values: &[&dyn std::fmt::Debug]) -> RowId {
        RowId::row(stamp, |h| {
            for v in values {
                // Writing into a hash cannot fail.
                let _ = write!(h, "{v:?}|");
            }
        })
    }
}

/// `n` as bytes when it is an even number (at most 30) of lowercase hex
/// digits, with the number of digits last: a key that names it exactly.
fn hex_key(n: &str) -> Option<Key> {
    let b = n.as_bytes();
    if b.is_empty() || b.len() > 30 || b.len() % 2 == 1 {
        return None;
    }
    // Every digit is looked up; any byte that is not one marks `bad`.
    let (mut k, mut bad) = ([0u8; 16], 0u8);
    for (o, pair) in k.iter_mut().zip(b.chunks_exact(2)) {
        let (hi, lo) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
        bad |= hi | lo;
        *o = hi << 4 | (lo & 0x0f);
    }
    k[15] = b.len() as u8;
    (bad & 0xf0 == 0).then_some(k)
}

/// Lowercase hex digits → their value; every other byte → 0xff.
static HEX: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};
