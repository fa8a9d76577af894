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
use super::values::{Cells, QInfo, Slot, read_question};

/// Distinct cells remembered per question before the memo gives up.
const CAPACITY: usize = 512;
/// The longest cell remembered, in bytes.
const LONGEST: usize = 32;

/// A cell of at most [`LONGEST`] bytes, held in place: its bytes, zero
/// padded, and its length (so a cell ending in NUL bytes stays distinct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key([u64; LONGEST / 8], u8);

impl Key {
    fn of(v: &str) -> Option<Key> {
        let b = v.as_bytes();
        if b.len() > LONGEST {
            return None;
        }
        let mut buf = [0u8; LONGEST];
        buf[..b.len()].copy_from_slice(b);
        let mut words = [0u64; LONGEST / 8];
        for (w, c) in words.iter_mut().zip(buf.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            *w = u64::from_le_bytes(a);
        }
        Some(Key(words, b.len() as u8))
    }
}

/// What reading one cell did, without what it borrows.
#[derive(Debug, Clone, Copy)]
struct Reading {
    answer: Option<Stored>,
    /// The rule that set the answer aside, if one did.
    dropped: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
enum Stored {
    /// A code that holds no span.
    Plain(Code),
    /// Multi answers: the options ticked, as bits (options 0 to 63).
    Multi(u64),
    /// Ranking: up to 8 options (indexes below 256) in rank order.
    Ranking([u8; 8], u8),
}

/// One question's remembered cells.
#[derive(Debug, Default)]
pub struct Memo {
    seen: foldhash::HashMap<Key, Reading>,
    /// Too many distinct cells: read each afresh.
    off: bool,
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

    /// Read question `qi` held by the one non-blank cell `v` (`slot` names
    /// that cell in `cells`) into `c`, as [`read_question`] would.
    #[allow(clippy::too_many_arguments)]
    pub fn read(
        &mut self,
        info: &QInfo,
        qi: usize,
        v: &str,
        slot: &Slot,
        cells: Cells,
        c: &mut Coded,
    ) {
        let order = self.order;
        let Some(memo) = self.per_question.get_mut(qi).filter(|m| !m.off) else {
            read_question(info, qi, slot, cells, order, c);
            return;
        };
        let Some(key) = Key::of(v) else {
            read_question(info, qi, slot, cells, order, c);
            return;
        };
        if let Some(r) = memo.seen.get(&key) {
            replay(r, qi, c);
            return;
        }
        let before = c.dropped.len();
        read_question(info, qi, slot, cells, order, c);
        if memo.seen.len() >= CAPACITY {
            memo.off = true;
            memo.seen = Default::default();
        } else if let Some(r) = remember(c, qi, before) {
            memo.seen.insert(key, r);
        }
    }
}

/// What [`read_question`] just did for `qi`, when it depends on the cell
/// alone and fits a [`Reading`].
fn remember(c: &Coded, qi: usize, before: usize) -> Option<Reading> {
    if c.other_span(qi).is_some() {
        return None;
    }
    let answer = match c.answer(qi) {
        None => None,
        Some(a @ (Code::Opt(_) | Code::YesNo(_) | Code::Number(_) | Code::Point(_))) => {
            Some(Stored::Plain(a))
        }
        Some(a @ Code::Month { .. }) => Some(Stored::Plain(a)),
        Some(Code::Multi(s)) => {
            let mut bits = 0u64;
            for &i in c.idx(s) {
                bits |= 1u64.checked_shl(i).filter(|_| i < 64)?;
            }
            Some(Stored::Multi(bits))
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
            Some(Stored::Ranking(order, ix.len() as u8))
        }
        Some(Code::Text(_) | Code::Matrix(_)) => return None,
    };
    let dropped = match &c.dropped[before..] {
        [] => None,
        [(q, rule)] if *q == Some(qi as u32) => Some(*rule),
        _ => return None,
    };
    Some(Reading { answer, dropped })
}

fn replay(r: &Reading, qi: usize, c: &mut Coded) {
    let answer = match r.answer {
        None => None,
        Some(Stored::Plain(a)) => Some(a),
        Some(Stored::Multi(bits)) => {
            let mark = c.idx_mark();
            let mut rest = bits;
            while rest != 0 {
                c.push_one_idx(rest.trailing_zeros());
                rest &= rest - 1;
            }
            Some(Code::Multi(c.idx_since(mark, false)))
        }
        Some(Stored::Ranking(order, n)) => {
            let mark = c.idx_mark();
            for &i in &order[..usize::from(n)] {
                c.push_one_idx(u32::from(i));
            }
            Some(Code::Ranking(c.idx_since(mark, false)))
        }
    };
    c.set(qi, answer);
    c.set_other(qi, None);
    if let Some(rule) = r.dropped {
        c.dropped.push((Some(qi as u32), rule));
    }
}
