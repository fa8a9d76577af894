//! Settling the duplicates of one partition ([`Part::settle`]): its
//! records read back in passes, and each key's rows counted in reading
//! order ([`Seen`]), through a hash map for the keys that may repeat
//! ([`Met`]) or, for keys made to collide, sorted.

use std::io::{self, Read, Seek};

use super::super::extsort::Sorter;
use super::{KEY_LIMIT, Part, REC, ROW};

/// What is known of one key, its rows met in reading order.
#[derive(Clone, Copy)]
struct Seen {
    /// The largest count of the key in any file before `file`.
    best: u32,
    file: u32,
    /// Rows with the key in `file` so far.
    count: u32,
}

impl Seen {
    fn new(file: u32) -> Self {
        Seen {
            best: 0,
            file,
            count: 0,
        }
    }

    /// One more row with the key, of kind `kind`, in file `file`: whether
    /// it is a duplicate.
    fn one_more(&mut self, kind: u8, file: u32) -> bool {
        if kind != ROW {
            self.count += 1;
            return self.count > 1;
        }
        if file != self.file {
            self.best = self.best.max(self.count);
            (self.file, self.count) = (file, 0);
        }
        self.count += 1;
        self.count <= self.best
    }
}

/// A record's parts: key with kind, file, and (file, row) packed.
fn split(rec: &[u8]) -> ([u8; 17], u32, [u8; 8]) {
    let mut k = [0u8; 17];
    k.copy_from_slice(&rec[..17]);
    let mut at = [0u8; 8];
    at.copy_from_slice(&rec[17..REC]);
    (k, u32::from_be_bytes([at[0], at[1], at[2], at[3]]), at)
}

impl Part {
    /// This partition's duplicates, pushed onto `drops`.
    pub(super) fn settle(
        mut self,
        limit: usize,
        scratch: &mut Scratch,
        drops: &mut Sorter<8>,
    ) -> io::Result<()> {
        let mut file = self.file.take();
        let Scratch { pass, met } = scratch;
        for (seconds, n, sorted) in passes(&self.by_second, limit) {
            if sorted {
                settle_sorted(file.as_mut(), &self.held, &seconds, drops)?;
                continue;
            }
            pass.clear();
            pass.reserve(n);
            each_record(file.as_mut(), &self.held, &seconds, |rec| {
                pass.push(*rec);
                Ok(())
            })?;
            settle_pass(pass, met, drops)?;
        }
        Ok(())
    }
}

/// What settling one partition after another reuses: a pass's records,
/// and [`Met`] (cleared after each pass).
#[derive(Default)]
pub(super) struct Scratch {
    pass: Vec<[u8; REC]>,
    met: Met,
}

/// The duplicates among one pass's records (in reading order), pushed
/// onto `drops`. A key met once is never a duplicate, so only the
/// records whose key [`Met`] may have seen twice go through the map.
fn settle_pass(pass: &[[u8; REC]], met: &mut Met, drops: &mut Sorter<8>) -> io::Result<()> {
    let mut again = false;
    for rec in pass {
        again |= met.meet(rec);
    }
    if again {
        let mut seen: foldhash::HashMap<Whole, Seen> = Default::default();
        for rec in pass.iter().filter(|r| met.twice(r)) {
            let (k, file, at) = split(rec);
            if seen
                .entry(Whole(k))
                .or_insert(Seen::new(file))
                .one_more(k[16], file)
            {
                drops.push(at)?;
            }
        }
    }
    for rec in pass {
        met.forget(rec);
    }
    Ok(())
}

/// Bits of a key that pick its slot in [`Met`]: beyond the first two
/// bytes, which choose the partition and the pass.
const SLOT_BITS: u32 = 18;

/// Which slots the keys of a pass fall in, once and more than once. A
/// key is a hash or a random nonce, so two keys seldom share a slot: a
/// slot met once holds a key met once, which is no duplicate.
struct Met {
    once: Vec<u64>,
    twice: Vec<u64>,
}

impl Default for Met {
    fn default() -> Self {
        let words = 1 << (SLOT_BITS - 6);
        Met {
            once: vec![0; words],
            twice: vec![0; words],
        }
    }
}

impl Met {
    /// The word and bit of a record's slot.
    fn slot(rec: &[u8; REC]) -> (usize, u64) {
        let s = u32::from_le_bytes([rec[2], rec[3], rec[4], 0]) & ((1 << SLOT_BITS) - 1);
        ((s >> 6) as usize, 1 << (s & 63))
    }

    /// One more record: whether its slot was met before.
    fn meet(&mut self, rec: &[u8; REC]) -> bool {
        let (w, b) = Self::slot(rec);
        let before = self.once[w] & b != 0;
        self.twice[w] |= if before { b } else { 0 };
        self.once[w] |= b;
        before
    }

    fn twice(&self, rec: &[u8; REC]) -> bool {
        let (w, b) = Self::slot(rec);
        self.twice[w] & b != 0
    }

    /// Clear a record's slot for the next pass.
    fn forget(&mut self, rec: &[u8; REC]) {
        let (w, _) = Self::slot(rec);
        (self.once[w], self.twice[w]) = (0, 0);
    }
}

/// The passes over a partition whose records number `counts[b]` by their
/// key's second byte `b`: (second bytes, records, whether sorted). Runs of
/// second bytes with at most `limit` records in all share a pass; a
/// second byte with more is sorted in a pass of its own.
pub(super) fn passes(
    counts: &[usize],
    limit: usize,
) -> Vec<(std::ops::RangeInclusive<u8>, usize, bool)> {
    let mut out = Vec::new();
    let (mut lo, mut n) = (0u8, 0usize);
    for (b, &c) in (0..=u8::MAX).zip(counts) {
        if n > 0 && (c > limit || n + c > limit) {
            out.push((lo..=b - 1, n, false));
            n = 0;
        }
        if n == 0 {
            lo = b;
        }
        if c > limit {
            out.push((b..=b, c, true));
            continue;
        }
        n += c;
    }
    if n > 0 {
        out.push((lo..=u8::MAX, n, false));
    }
    out
}

/// `f` on those of a partition's records whose key's second byte is in
/// `seconds`, in reading order: those written to `file` (read back a
/// buffer at a time), then those `held`.
fn each_record(
    file: Option<&mut std::fs::File>,
    held: &[u8],
    seconds: &std::ops::RangeInclusive<u8>,
    mut f: impl FnMut(&[u8; REC]) -> io::Result<()>,
) -> io::Result<()> {
    let mut each = |bytes: &[u8]| -> io::Result<()> {
        for r in bytes.chunks_exact(REC) {
            // Another pass's record is passed over before it is copied.
            if !seconds.contains(&r[1]) {
                continue;
            }
            let mut rec = [0u8; REC];
            rec.copy_from_slice(r);
            f(&rec)?;
        }
        Ok(())
    };
    if let Some(file) = file {
        file.rewind()?;
        // Whole records at a time: what a read leaves of a record waits
        // at the front for the next read.
        let mut buf = vec![0u8; REC * 2048];
        let mut have = 0;
        loop {
            let n = file.read(&mut buf[have..])?;
            if n == 0 {
                break;
            }
            have += n;
            let whole = have - have % REC;
            each(&buf[..whole])?;
            buf.copy_within(whole..have, 0);
            have -= whole;
        }
        if have > 0 {
            return Err(io::Error::other(
                "a temporary file of duplicate keys was cut short",
            ));
        }
    }
    each(held)
}

/// A key with its kind, hashed as one word (its bytes are a hash or a
/// random nonce already; the map's hasher is seeded).
#[derive(PartialEq, Eq)]
struct Whole([u8; 17]);

impl std::hash::Hash for Whole {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&self.0[i..i + 8]);
            u64::from_le_bytes(w)
        };
        state.write_u64(word(0) ^ word(8).rotate_left(29) ^ u64::from(self.0[16]));
    }
}

/// The records of a partition (those in `file`, then `held`) whose key's
/// second byte is in `seconds`, too many for a hash map: sorted, so that
/// equal keys come together in reading order.
fn settle_sorted(
    file: Option<&mut std::fs::File>,
    held: &[u8],
    seconds: &std::ops::RangeInclusive<u8>,
    drops: &mut Sorter<8>,
) -> io::Result<()> {
    let mut keys = Sorter::<REC>::new(KEY_LIMIT / 2);
    each_record(file, held, seconds, |rec| keys.push(*rec))?;
    let mut group: Option<([u8; 17], Seen)> = None;
    for rec in keys.finish()? {
        let (k, file, at) = split(&rec?);
        let seen = match &mut group {
            Some((g, seen)) if *g == k => seen,
            _ => &mut group.insert((k, Seen::new(file))).1,
        };
        if seen.one_more(k[16], file) {
            drops.push(at)?;
        }
    }
    Ok(())
}
