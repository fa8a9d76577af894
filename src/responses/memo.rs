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

/// What reading one cell did, without what it borrows.
#[derive(Debug, Clone)]
struct Reading {
    answer: Option<Stored>,
    /// The rules that set answers aside, in order.
    dropped: Box<[&'static str]>,
}

#[derive(Debug, Clone)]
enum Stored {
    /// A code that holds no span.
    Plain(Code),
    Multi(Box<[u32]>),
    Ranking(Box<[u32]>),
}

/// One question's remembered cells.
#[derive(Debug, Default)]
pub struct Memo {
    seen: foldhash::HashMap<Box<str>, Reading>,
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
        if let Some(r) = memo.seen.get(v) {
            replay(r, qi, c);
            return;
        }
        let before = c.dropped.len();
        read_question(info, qi, slot, cells, order, c);
        if memo.seen.len() >= CAPACITY {
            memo.off = true;
            memo.seen = Default::default();
        } else if let Some(r) = remember(c, qi, before) {
            memo.seen.insert(v.into(), r);
        }
    }
}

/// What [`read_question`] just did for `qi`, when it depends on the cell
/// alone.
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
        Some(Code::Multi(s)) => Some(Stored::Multi(c.idx(s).into())),
        Some(Code::Ranking(s)) => Some(Stored::Ranking(c.idx(s).into())),
        Some(Code::Text(_) | Code::Matrix(_)) => return None,
    };
    let dropped = c.dropped[before..]
        .iter()
        .map(|&(q, rule)| (q == Some(qi as u32)).then_some(rule))
        .collect::<Option<Box<[_]>>>()?;
    Some(Reading { answer, dropped })
}

fn replay(r: &Reading, qi: usize, c: &mut Coded) {
    let answer = match &r.answer {
        None => None,
        Some(Stored::Plain(a)) => Some(*a),
        Some(Stored::Multi(ix)) => Some(Code::Multi(c.push_idx(ix))),
        Some(Stored::Ranking(ix)) => Some(Code::Ranking(c.push_idx(ix))),
    };
    c.set(qi, answer);
    c.set_other(qi, None);
    c.dropped
        .extend(r.dropped.iter().map(|&rule| (Some(qi as u32), rule)));
}
