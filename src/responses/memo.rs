//! Remembered readings of single cells. Most questions of an export sit in
//! one column each and take a handful of distinct values ("engineering",
//! "4", "pay, growth"), so reading a cell is mostly re-reading one seen
//! before. A [`Memo`] per question keeps what [`read_question`] made of a
//! cell — the answer, or the rules that set it aside — and replays it into
//! the row's [`Coded`]. Only readings that depend on nothing but the cell
//! are kept (no text, no "other" text); a column with too many distinct
//! values (a number asked to the decimal, say) stops being remembered.
//! Replaying is exactly reading: the memo is a cache, never a second
//! reader.

use crate::cli::DateOrder;
use crate::survey::Kind;

use super::coded::{Code, Coded};
use super::values::QInfo;
#[cfg(doc)]
use super::values::read_question;

/// Distinct cells remembered per question before the memo gives up.
const CAPACITY: usize = 512;
/// The longest cell remembered, in bytes (four words).
const LONGEST: usize = 32;

/// A cell of at most [`LONGEST`] bytes, held in place with its length:
/// loads of its first and last bytes, which overlap for short cells, so
/// that with the length they name the cell exactly. A cell of up to 7
/// bytes (most: "4", "pay", "y1_3") fits one word, so it hashes and
/// compares as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Short(u64, u8),
    Long([u64; 4], u8),
}

impl Key {
    fn of(b: &[u8]) -> Option<Key> {
        let n = b.len();
        let at = |i: usize| -> u64 {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let half = |i: usize| -> u64 {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[i..i + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        let len = n as u8;
        Some(match n {
            0 => Key::Short(0, 0),
            1..=3 => Key::Short(
                u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
                len,
            ),
            4..=7 => Key::Short(half(0) | half(n - 4) << 32, len),
            8..=15 => Key::Long([at(0), at(n - 8), 0, 0], len),
            16..=LONGEST => Key::Long([at(0), at(8), at(n - 16), at(n - 8)], len),
            _ => return None,
        })
    }
}

impl std::hash::Hash for Key {
    /// One word for the hasher: the words of the cell, mixed.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mixed = match *self {
            Key::Short(w, n) => w ^ u64::from(n).rotate_right(8),
            Key::Long([a, b, c, d], n) => {
                a ^ b.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    ^ c.rotate_left(31)
                    ^ d.rotate_left(47).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
                    ^ u64::from(n)
            }
        };
        state.write_u64(mixed);
    }
}

/// What reading one cell did, without what it borrows.
#[derive(Debug, Clone, Copy)]
struct Reading {
    /// The answer when it is a code that holds no span (or no answer);
    /// else `spans` says what to push.
    answer: Option<Code>,
    spans: Spans,
    /// The rule that set the answer aside, if one did.
    dropped: Option<&'static str>,
}

/// An answer that holds a span, as what to push into it.
#[derive(Debug, Clone, Copy)]
enum Spans {
    /// None: `answer` is the answer.
    None,
    /// Multi answers: the options ticked, as bits (options 0 to 63).
    Multi(u64),
    /// Ranking: up to 8 options (indexes below 256) in rank order.
    Ranking([u8; 8], u8),
}

/// One question's remembered cells.
#[derive(Debug, Default)]
pub struct Memo {
    seen: foldhash::HashMap<Key, Reading>,
    /// A cell of one byte (most often a digit) is looked up by that byte:
    /// its reading's index in `one_byte` plus one, 0 when not seen yet
    /// (256 entries once one is remembered).
    by_byte: Vec<u16>,
    one_byte: Vec<Reading>,
    /// Too many distinct cells: read each afresh.
    off: bool,
}

impl Memo {
    fn get(&self, key: &Key) -> Option<&Reading> {
        match *key {
            Key::Short(w, 1) => self.by_byte(w as u8),
            _ => self.seen.get(key),
        }
    }

    /// The reading of the one-byte cell `b`, if remembered.
    #[inline]
    fn by_byte(&self, b: u8) -> Option<&Reading> {
        let at = *self.by_byte.get(usize::from(b))?;
        self.one_byte.get(usize::from(at).checked_sub(1)?)
    }

    fn len(&self) -> usize {
        self.seen.len() + self.one_byte.len()
    }

    fn insert(&mut self, key: Key, r: Reading) {
        match key {
            Key::Short(w, 1) => {
                if self.by_byte.is_empty() {
                    self.by_byte = vec![0; 256];
                }
                self.one_byte.push(r);
                // At most CAPACITY readings, far below u16::MAX.
                self.by_byte[w as usize & 0xff] = self.one_byte.len() as u16;
            }
            _ => {
                self.seen.insert(key, r);
            }
        }
    }
}

/// Every question's memo, for one catalog and date order.
#[derive(Debug, Default)]
pub struct Memos {
    order: Option<DateOrder>,
    per_question: Vec<Memo>,
}

impl Memos {
    /// Ready for `questions` read with date order `order`; what was
    /// remembered under another order is forgotten. Texts, whose cells
    /// rarely repeat, and grids, never in one cell, are not remembered.
    pub fn prepare(&mut self, questions: &[QInfo], order: Option<DateOrder>) {
        if self.order != order || self.per_question.len() != questions.len() {
            self.order = order;
            self.per_question = questions
                .iter()
                .map(|info| Memo {
                    off: matches!(
                        info.q.kind,
                        Kind::Text { .. } | Kind::Matrix { .. } | Kind::Info
                    ),
                    ..Memo::default()
                })
                .collect();
        }
    }

    /// Read question `qi`, held by the one non-blank cell `v` alone, into
    /// `c` as `afresh` (which reads that cell with [`read_question`])
    /// would: by replaying what the cell read as before, or afresh.
    #[inline]
    pub fn read(&mut self, qi: usize, v: &[u8], c: &mut Coded, afresh: impl FnOnce(&mut Coded)) {
        let memo = self.per_question.get_mut(qi).filter(|m| !m.off);
        // A cell of one byte (a digit, most often) is looked up by it here,
        // without making its key.
        if let (Some(memo), [b]) = (&memo, v)
            && let Some(r) = memo.by_byte(*b)
        {
            replay(r, qi, c);
            return;
        }
        let (Some(memo), Some(key)) = (memo, Key::of(v)) else {
            afresh(c);
            return;
        };
        if let Some(r) = memo.get(&key) {
            replay(r, qi, c);
            return;
        }
        let before = c.dropped.len();
        afresh(c);
        if memo.len() >= CAPACITY {
            *memo = Memo {
                off: true,
                ..Memo::default()
            };
        } else if let Some(r) = remember(c, qi, before) {
            memo.insert(key, r);
        }
    }
}

/// What [`read_question`] just did for `qi`, when it depends on the cell
/// alone and fits a [`Reading`].
fn remember(c: &Coded, qi: usize, before: usize) -> Option<Reading> {
    if c.other_span(qi).is_some() {
        return None;
    }
    let (answer, spans) = match c.answer(qi) {
        a @ (None
        | Some(
            Code::Opt(_) | Code::YesNo(_) | Code::Number(_) | Code::Point(_) | Code::Month { .. },
        )) => (a, Spans::None),
        Some(Code::Multi(s)) => {
            let mut bits = 0u64;
            for &i in c.idx(s) {
                bits |= 1u64.checked_shl(i).filter(|_| i < 64)?;
            }
            (None, Spans::Multi(bits))
        }
        Some(Code::Ranking(s)) => {
            let ix = c.idx(s);
            let mut order = [0u8; 8];
            if ix.len() > order.len() {
                return None;
            }
            for (o, &i) in order.iter_mut().zip(ix) {
                *o = u8::try_from(i).ok()?;
            }
            (None, Spans::Ranking(order, ix.len() as u8))
        }
        Some(Code::Text(_) | Code::Matrix(_)) => return None,
    };
    let dropped = match &c.dropped[before..] {
        [] => None,
        [(q, rule)] if *q == Some(qi as u32) => Some(*rule),
        _ => return None,
    };
    Some(Reading {
        answer,
        spans,
        dropped,
    })
}

#[inline(always)]
fn replay(r: &Reading, qi: usize, c: &mut Coded) {
    let answer = match r.spans {
        Spans::None => r.answer,
        Spans::Multi(bits) => {
            let mark = c.idx_mark();
            let mut rest = bits;
            while rest != 0 {
                c.push_one_idx(rest.trailing_zeros());
                rest &= rest - 1;
            }
            Some(Code::Multi(c.idx_since(mark, false)))
        }
        Spans::Ranking(order, n) => {
            let mark = c.idx_mark();
            for &i in &order[..usize::from(n)] {
                c.push_one_idx(u32::from(i));
            }
            Some(Code::Ranking(c.idx_since(mark, false)))
        }
    };
    // No "other" text to set: a remembered reading has none, and the
    // row's Coded, cleared for the row, holds none for `qi` yet.
    debug_assert!(c.other_span(qi).is_none());
    c.set(qi, answer);
    if let Some(rule) = r.dropped {
        c.dropped.push((Some(qi as u32), rule));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Two cells share a key exactly when they are the same cell; the
        /// bytes are drawn from a few letters so that near misses (same
        /// length, same ends) come up often.
        #[test]
        fn keys_name_cells_exactly(
            a in proptest::collection::vec(prop::sample::select(vec![b'a', b'b', 0u8, 0xc3, 0xa5]), 0..40),
            flips in proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
        ) {
            let mut b = a.clone();
            for f in &flips {
                if !b.is_empty() {
                    let i = f.index(b.len());
                    b[i] = if b[i] == b'a' { b'b' } else { b'a' };
                }
            }
            let (sa, sb) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
            let (ka, kb) = (Key::of(sa.as_bytes()), Key::of(sb.as_bytes()));
            prop_assert_eq!(ka.is_some(), sa.len() <= LONGEST);
            if let (Some(ka), Some(kb)) = (ka, kb) {
                prop_assert_eq!(ka == kb, sa == sb);
            }
        }
    }
}
