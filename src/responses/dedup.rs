//! Duplicate detection in bounded memory: row keys in, "drop this row"
//! decisions out. A nonce drops a re-posted submission wherever it appears
//! again. Without a nonce, rows are compared across files only: per
//! distinct row (its answers and the service's id or time stamp, as
//! written) the largest count found in any single file is kept, so monthly
//! "download all" exports overlap safely while two people who gave the
//! same answers in one file are both kept.
//!
//! The first pass over every file hands each usable row's key to [`Keys`]
//! (16-byte hashes, never rows; sorted through [`super::extsort`], so
//! memory stays flat however many rows there are). [`Keys::settle`] makes
//! every decision at once, and the second pass asks [`Drops::take`] row by
//! row, in reading order.

use std::fmt::Write as _;
use std::io;

use sha2::{Digest, Sha256};

use super::extsort::{Sorted, Sorter};

pub type Key = [u8; 16];

/// Records held in memory (both halves together) before sorted runs are
/// spilled: 25 bytes each.
const KEY_LIMIT: usize = 65_536;
/// Drop decisions held in memory before spilling: 8 bytes each.
const DROP_LIMIT: usize = 131_072;

const NONCE: u8 = 0;
const ROW: u8 = 1;
/// A nonce in lowercase hex (as the forms draw it), kept as its bytes.
const NONCE_HEX: u8 = 2;

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

fn pack(file: u32, ord: u32) -> [u8; 8] {
    let mut r = [0u8; 8];
    r[..4].copy_from_slice(&file.to_be_bytes());
    r[4..].copy_from_slice(&ord.to_be_bytes());
    r
}

/// The keys of every usable row of every file, in any order, in two
/// halves by the key's first bit. Equal keys always share a half, so the
/// halves are settled apart, at once, on two threads.
pub struct Keys {
    halves: [Sorter<25>; 2],
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            halves: [Sorter::new(KEY_LIMIT / 2), Sorter::new(KEY_LIMIT / 2)],
        }
    }
}

impl Keys {
    /// Row `ord` (0-based, counting every record) of file `file` has `id`.
    pub fn push(&mut self, id: RowId, file: u32, ord: u32) -> io::Result<()> {
        let (kind, key) = match id {
            RowId::Nonce(k) => (NONCE, k),
            RowId::NonceHex(k) => (NONCE_HEX, k),
            RowId::Row(k) => (ROW, k),
        };
        let mut r = [0u8; 25];
        r[..16].copy_from_slice(&key);
        r[16] = kind;
        r[17..].copy_from_slice(&pack(file, ord));
        self.halves[usize::from(key[0] >> 7)].push(r)
    }

    /// Decide every duplicate: for a nonce, every row after its first; for
    /// a row key, in each file, as many of its first occurrences as the
    /// largest count of that key in any earlier file.
    pub fn settle(self) -> io::Result<Drops> {
        let [low, high] = self.halves;
        let (low, high) = std::thread::scope(|s| {
            let high = s.spawn(|| settle_half(high));
            let low = settle_half(low);
            (low, high.join())
        });
        let mut drops = low?;
        // Both halves' decisions, in reading order. A thread that panicked
        // has decided nothing: that is an error, never "no duplicates".
        let high = high.map_err(|_| io::Error::other("a thread settling duplicates stopped"))??;
        for at in high.finish()? {
            drops.push(at?)?;
        }
        let mut sorted = drops.finish()?;
        let next = sorted.next().transpose()?;
        Ok(Drops { sorted, next })
    }
}

/// [`Keys::settle`] over one half: the rows to drop, unsorted.
fn settle_half(keys: Sorter<25>) -> io::Result<Sorter<8>> {
    let mut drops = Sorter::<8>::new(DROP_LIMIT / 2);
    let mut group: Option<[u8; 17]> = None;
    let (mut best, mut file_now, mut count) = (0u32, 0u32, 0u32);
    for rec in keys.finish()? {
        let rec = rec?;
        let mut k = [0u8; 17];
        k.copy_from_slice(&rec[..17]);
        let mut at = [0u8; 8];
        at.copy_from_slice(&rec[17..]);
        let file = u32::from_be_bytes([at[0], at[1], at[2], at[3]]);
        if group != Some(k) {
            group = Some(k);
            (best, file_now, count) = (0, file, 0);
        }
        let duplicate = if k[16] != ROW {
            count += 1;
            count > 1
        } else {
            if file != file_now {
                best = best.max(count);
                (file_now, count) = (file, 0);
            }
            count += 1;
            count <= best
        };
        if duplicate {
            drops.push(at)?;
        }
    }
    Ok(drops)
}

/// The rows to drop, asked for in reading order.
pub struct Drops {
    sorted: Sorted<8>,
    next: Option<[u8; 8]>,
}

impl Drops {
    /// Whether no row at all is a duplicate (before any [`Drops::take`]).
    pub fn is_empty(&self) -> bool {
        self.next.is_none()
    }

    /// Whether row `ord` of file `file` is a duplicate. Ask in reading
    /// order (files in order, rows in order).
    pub fn take(&mut self, file: u32, ord: u32) -> io::Result<bool> {
        let want = pack(file, ord);
        while let Some(n) = self.next {
            if n > want {
                return Ok(false);
            }
            self.next = self.sorted.next().transpose()?;
            if n == want {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> RowId {
        RowId::row("", |h| h.part(s.as_bytes()))
    }

    /// Rows per file in reading order → which (file, ord) are dropped.
    fn dropped(files: &[Vec<RowId>]) -> Vec<(u32, u32)> {
        let mut keys = Keys::default();
        for (f, rows) in files.iter().enumerate() {
            for (o, id) in rows.iter().enumerate() {
                keys.push(*id, f as u32, o as u32)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        let mut drops = keys.settle().unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        for (f, rows) in files.iter().enumerate() {
            for o in 0..rows.len() {
                if drops
                    .take(f as u32, o as u32)
                    .unwrap_or_else(|e| panic!("{e}"))
                {
                    out.push((f as u32, o as u32));
                }
            }
        }
        out
    }

    #[test]
    fn keeps_the_largest_count_of_any_single_file() {
        let (a, b) = (row("a"), row("b"));
        let b17 = RowId::row("17", |h| h.part(b"b"));
        // File 0: the same answers twice (two people), one other row.
        // File 1 repeats everything, adds a third identical row and a row
        // with another stamp. File 2 has one `a`.
        let files = vec![vec![a, a, b], vec![a, a, a, b, b17], vec![a]];
        assert_eq!(dropped(&files), vec![(1, 0), (1, 1), (1, 3), (2, 0)]);
    }

    #[test]
    fn nonces_drop_reposts_anywhere() {
        let (n1, n2) = (RowId::nonce("n1"), RowId::nonce("n2"));
        let files = vec![vec![n1, n1], vec![n1, n2]];
        assert_eq!(dropped(&files), vec![(0, 1), (1, 0)]);
        // A nonce and a row key never meet, even over the same bytes.
        assert_ne!(RowId::nonce("x"), row("x"));
        // Hex nonces (kept as bytes) are told apart from their upper-case,
        // zero-padded and odd-length neighbours (hashed).
        let hex = [
            "8299c7d6eb82c141",
            "8299C7D6EB82C141",
            "8299c7d6eb82c14100",
            "8299c7d6eb82c14",
        ];
        let ids: Vec<RowId> = hex.iter().map(|n| RowId::nonce(n)).collect();
        assert!(matches!(ids[0], RowId::NonceHex(_)) && matches!(ids[1], RowId::Nonce(_)));
        let files = vec![ids.clone(), ids];
        assert_eq!(dropped(&files), vec![(1, 0), (1, 1), (1, 2), (1, 3)]);
    }

    #[test]
    fn both_halves_decide_and_their_drops_come_back_in_reading_order() {
        // Hex nonces whose first byte puts them in the low (00..7f) and
        // the high (80..ff) half, repeated across files in turns.
        let (lo, hi) = (RowId::nonce("00aa"), RowId::nonce("ff00"));
        let (lo2, hi2) = (RowId::nonce("7fff"), RowId::nonce("8000"));
        let files = vec![vec![hi, lo, hi2], vec![lo, hi, lo2, hi2], vec![lo2, hi]];
        assert_eq!(
            dropped(&files),
            vec![(1, 0), (1, 1), (1, 3), (2, 0), (2, 1)]
        );
    }

    #[test]
    fn decisions_are_the_same_when_keys_spill_to_disk() {
        // More keys than KEY_LIMIT: sorted runs on disk, merged.
        let n = KEY_LIMIT as u32 + 5_000;
        let mut keys = Keys::default();
        for o in 0..n {
            keys.push(RowId::nonce(&(o % (n - 7)).to_string()), 0, o)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut drops = keys.settle().unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<u32> = (0..n)
            .filter(|&o| drops.take(0, o).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        assert_eq!(got, (n - 7..n).collect::<Vec<_>>());
    }
}
