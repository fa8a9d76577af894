//! Duplicate detection in bounded memory: row keys in, "drop this row"
//! decisions out. A nonce drops a re-posted submission wherever it appears
//! again. Without a nonce, rows are compared across files only: per
//! distinct row (its answers and the service's id or time stamp, as
//! written) the largest count found in any single file is kept, so monthly
//! "download all" exports overlap safely while two people who gave the
//! same answers in one file are both kept.
//!
//! The first pass over every file hands each usable row's key to [`Keys`]
//! (16-byte hashes, never rows; kept in partitions by their first bits,
//! on disk past a limit, so memory stays flat however many rows there
//! are). [`Keys::settle`] makes every decision at once, partition by
//! partition, and the second pass asks [`Drops::take`] row by row, in
//! reading order.

use std::io::{self, Write};

use super::extsort::{Sorted, Sorter};
use super::row_id::RowId;

mod settle;

/// Records held in memory before they are dealt out to their partitions
/// and written: 25 bytes each (twice over while they are dealt out).
const KEY_LIMIT: usize = 32_768;
/// Drop decisions held in memory before spilling: 8 bytes each.
const DROP_LIMIT: usize = 131_072;

const NONCE: u8 = 0;
const ROW: u8 = 1;
/// A nonce in lowercase hex (as the forms draw it), kept as its bytes.
const NONCE_HEX: u8 = 2;

fn pack(file: u32, ord: u32) -> [u8; 8] {
    let mut r = [0u8; 8];
    r[..4].copy_from_slice(&file.to_be_bytes());
    r[4..].copy_from_slice(&ord.to_be_bytes());
    r
}

/// Partitions of the keys, by the key's first six bits. Equal keys
/// always share a partition, so each is settled apart from the others.
const PARTS: usize = 64;
/// A partition is settled in passes over its records (by their key's
/// second byte) of at most this many records each, held in memory (400
/// kB) however many rows there are, and those whose key may repeat go
/// through a hash map in reading order ([`settle`]). Records of one
/// second byte that are more than this (keys made to collide) are sorted
/// through [`super::extsort`] instead.
const PART_LIMIT: usize = 16_384;
/// Bytes per record: the key, its kind, then file and row (big-endian).
const REC: usize = 25;

/// The keys of every usable row of every file, pushed in reading order,
/// in [`PARTS`] partitions. Up to [`KEY_LIMIT`] records are held in
/// memory, in one run (so that a push writes where the last one did);
/// then they are dealt out to their partitions, each appended to its own
/// temporary file (deleted when closed). Nothing is sorted while rows are
/// read.
pub struct Keys {
    /// Records not yet dealt out, in reading order.
    held: Vec<[u8; REC]>,
    parts: Vec<Part>,
    /// [`PART_LIMIT`], smaller in tests.
    part_limit: usize,
}

#[derive(Default)]
struct Part {
    /// Records dealt out but not yet written, [`REC`] bytes each.
    held: Vec<u8>,
    /// Records written out, before those held.
    file: Option<std::fs::File>,
    /// Records in all, by their key's second byte (256 once one is in).
    by_second: Vec<usize>,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            held: Vec::new(),
            parts: (0..PARTS).map(|_| Part::default()).collect(),
            part_limit: PART_LIMIT,
        }
    }
}

/// The partition of a record: its key's first six bits.
fn part_of(rec: &[u8; REC]) -> usize {
    usize::from(rec[0] >> 2)
}

impl Keys {
    /// Row `ord` (0-based, counting every record) of file `file` has `id`.
    /// Rows are pushed in reading order: files in order, rows in order.
    pub fn push(&mut self, id: RowId, file: u32, ord: u32) -> io::Result<()> {
        let (kind, key) = match id {
            RowId::Nonce(k) => (NONCE, k),
            RowId::NonceHex(k) => (NONCE_HEX, k),
            RowId::Row(k) => (ROW, k),
        };
        let mut r = [0u8; REC];
        r[..16].copy_from_slice(&key);
        r[16] = kind;
        r[17..].copy_from_slice(&pack(file, ord));
        self.held.push(r);
        if self.held.len() >= KEY_LIMIT {
            self.write_out()?;
        }
        Ok(())
    }

    /// Every held record onto the end of its partition's file.
    fn write_out(&mut self) -> io::Result<()> {
        self.deal();
        for part in &mut self.parts {
            if !part.held.is_empty() {
                let file = match &mut part.file {
                    Some(f) => f,
                    None => part.file.insert(tempfile::tempfile()?),
                };
                file.write_all(&part.held)?;
                part.held.clear();
            }
        }
        Ok(())
    }

    /// The held records, dealt out to their partitions in reading order,
    /// and counted by their key's second byte. (Counted here, not as they
    /// are pushed: rows are taken on any core, and counters spread over
    /// 64 partitions would be fetched from the other core's cache at
    /// every push.)
    fn deal(&mut self) {
        for r in self.held.drain(..) {
            let part = &mut self.parts[part_of(&r)];
            if part.by_second.is_empty() {
                part.by_second = vec![0; 256];
            }
            part.by_second[usize::from(r[1])] += 1;
            part.held.extend_from_slice(&r);
        }
    }

    /// Decide every duplicate: for a nonce, every row after its first; for
    /// a row key, in each file, as many of its first occurrences as the
    /// largest count of that key in any earlier file. The partitions are
    /// settled on two threads, odd and even, at once.
    pub fn settle(mut self) -> io::Result<Drops> {
        self.deal();
        let limit = self.part_limit;
        let (mut even, mut odd) = (Vec::new(), Vec::new());
        for (i, part) in self.parts.into_iter().enumerate() {
            match i % 2 {
                0 => even.push(part),
                _ => odd.push(part),
            }
        }
        let settle_all = |parts: Vec<Part>| -> io::Result<Sorter<8>> {
            let mut drops = Sorter::<8>::new(DROP_LIMIT / 2);
            let mut scratch = settle::Scratch::default();
            for part in parts {
                part.settle(limit, &mut scratch, &mut drops)?;
            }
            Ok(drops)
        };
        let (even, odd) = std::thread::scope(|s| {
            let odd = s.spawn(|| settle_all(odd));
            (settle_all(even), odd.join())
        });
        let mut drops = even?;
        // Both threads' decisions, in reading order. A thread that panicked
        // has decided nothing: that is an error, never "no duplicates".
        let odd = odd.map_err(|_| io::Error::other("a thread settling duplicates stopped"))??;
        for at in odd.finish()? {
            drops.push(at?)?;
        }
        let mut sorted = drops.finish()?;
        let next = sorted.next().transpose()?;
        Ok(Drops { sorted, next })
    }
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
    use super::settle::passes;
    use super::*;

    fn row(s: &str) -> RowId {
        RowId::row("", |h| h.part(s.as_bytes()))
    }

    /// Rows per file in reading order → which (file, ord) are dropped,
    /// the same whether partitions are settled by hash map in one pass or
    /// in several, or sorted.
    fn dropped(files: &[Vec<RowId>]) -> Vec<(u32, u32)> {
        let hashed = dropped_with(files, PART_LIMIT);
        assert_eq!(dropped_with(files, 1), hashed, "passes of one record");
        assert_eq!(dropped_with(files, 0), hashed, "sorted and hashed agree");
        hashed
    }

    fn dropped_with(files: &[Vec<RowId>], part_limit: usize) -> Vec<(u32, u32)> {
        let mut keys = Keys {
            part_limit,
            ..Keys::default()
        };
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
    fn keys_that_share_a_slot_are_told_apart() {
        // Hex nonces that differ only past the bytes that pick a slot:
        // one partition, one pass, one slot, four keys.
        let ids: Vec<RowId> = [
            "ab0102030405",
            "ab0102030406",
            "ab0102030407",
            "ab0102030408",
        ]
        .iter()
        .map(|n| RowId::nonce(n))
        .collect();
        assert!(ids.iter().all(|id| matches!(id, RowId::NonceHex(_))));
        let mut rows = ids.clone();
        rows.insert(2, ids[1]);
        rows.push(ids[3]);
        assert_eq!(dropped(&[rows]), vec![(0, 2), (0, 5)]);
        assert_eq!(dropped(&[ids]), vec![]);
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
    fn every_partition_decides_and_drops_come_back_in_reading_order() {
        // Hex nonces whose first byte puts them in the first and last
        // partitions and in the middle two (settled on either thread),
        // repeated across files in turns.
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
        // More keys than KEY_LIMIT: partitions written out, read back in
        // (in several passes each with a limit of 100); with a limit of 0,
        // sorted (runs on disk, merged).
        let n = KEY_LIMIT as u32 + 5_000;
        for part_limit in [PART_LIMIT, 100, 0] {
            let mut keys = Keys {
                part_limit,
                ..Keys::default()
            };
            for o in 0..n {
                keys.push(RowId::nonce(&(o % (n - 7)).to_string()), 0, o)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            assert!(keys.parts.iter().all(|p| p.file.is_some()));
            let mut drops = keys.settle().unwrap_or_else(|e| panic!("{e}"));
            let got: Vec<u32> = (0..n)
                .filter(|&o| drops.take(0, o).unwrap_or_else(|e| panic!("{e}")))
                .collect();
            assert_eq!(got, (n - 7..n).collect::<Vec<_>>(), "{part_limit}");
        }
    }

    #[test]
    fn passes_take_every_second_byte_once_within_the_limit() {
        let mut counts = vec![0usize; 256];
        (counts[0], counts[1], counts[2], counts[5], counts[255]) = (3, 4, 9, 2, 1);
        assert_eq!(
            passes(&counts, 6),
            vec![
                (0..=0, 3, false),
                (1..=1, 4, false),
                (2..=2, 9, true),
                (5..=255, 3, false)
            ]
        );
        assert_eq!(passes(&counts, 100), vec![(0..=255, 19, false)]);
        assert_eq!(passes(&[0; 256], 100), vec![]);
    }
}
