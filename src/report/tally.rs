//! Dense counting: every question's answers in one atom counted into one
//! array, each question's part laid out by its [`Shape`] (a count per
//! option, per point, per matrix row and point), so counting a coded
//! answer allocates nothing; turned into the value-keyed [`QAgg`] once, at
//! the end.

use std::collections::BTreeMap;

use crate::responses::{Code, Coded};
use crate::survey::model::{Kind, Question};

use super::aggregate::{OrdF64, QAgg, add_map};

/// How one question's counts are laid out in its part of [`Counts`].
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// choice, multi, yes/no, ranking: one count per value.
    Options(usize),
    /// scale, nps: one count per point from `min`.
    Points { min: i64, len: usize },
    /// matrix: one count per row and point.
    Grid { rows: usize, min: i64, len: usize },
    /// number, date, text: kept sparse (or not at all).
    Sparse,
}

impl Shape {
    pub fn of(q: &Question) -> Shape {
        match &q.kind {
            Kind::Choice { .. } | Kind::Multi { .. } | Kind::Ranking { .. } => {
                Shape::Options(q.kind.option_values().len())
            }
            Kind::YesNo => Shape::Options(2),
            Kind::Scale { scale, .. } | Kind::Matrix { scale, .. } => {
                let len = (scale.max - scale.min + 1).max(0) as usize;
                match &q.kind {
                    Kind::Matrix { rows, .. } => Shape::Grid {
                        rows: rows.len(),
                        min: scale.min,
                        len,
                    },
                    _ => Shape::Points {
                        min: scale.min,
                        len,
                    },
                }
            }
            Kind::Nps => Shape::Points { min: 0, len: 11 },
            _ => Shape::Sparse,
        }
    }
}

/// Where each question's counters lie in an atom's one buffer
/// ([`Counts`]): `shown`, `answered`, then its dense counts by [`Shape`]
/// (for a ranking, after the counts by option, a sum of ranks and a count
/// per option). One atom's counters lie together, so counting a response
/// touches one run of memory.
#[derive(Debug, Clone)]
pub struct Layout {
    entries: Vec<Entry>,
    len: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    at: usize,
    shape: Shape,
    ranking: bool,
}

impl Entry {
    /// The dense counts (after `shown` and `answered`), ranks excluded.
    fn dense(&self) -> usize {
        match self.shape {
            Shape::Options(n) => n,
            Shape::Points { len, .. } => len,
            Shape::Grid { rows, len, .. } => rows * len,
            Shape::Sparse => 0,
        }
    }

    /// Where the counts by value (or point) start.
    fn counts(&self) -> usize {
        self.at + 2
    }

    /// Where the (sum, count) pairs of a ranking start.
    fn ranks(&self) -> usize {
        self.counts() + self.dense()
    }
}

impl Layout {
    /// The layout of `questions` (answerable, survey order) of `shapes`.
    pub fn new(questions: &[&Question], shapes: &[Shape]) -> Layout {
        let mut at = 0;
        let entries = questions
            .iter()
            .zip(shapes)
            .map(|(q, &shape)| {
                let ranking = matches!(q.kind, Kind::Ranking { .. });
                let e = Entry { at, shape, ranking };
                at = e.ranks() + if ranking { 2 * e.dense() } else { 0 };
                e
            })
            .collect();
        Layout { entries, len: at }
    }

    /// Zero counts for one atom.
    pub fn zeros(&self) -> Counts {
        Counts {
            flat: vec![0; self.len],
            sparse: Vec::new(),
        }
    }
}

/// One atom's counts of every question, laid out by a [`Layout`]; numbers
/// and months are kept sparse, by question, only once one is counted.
#[derive(Debug, Clone)]
pub struct Counts {
    flat: Vec<u64>,
    sparse: Vec<Sparse>,
}

#[derive(Debug, Clone, Default)]
struct Sparse {
    numbers: BTreeMap<OrdF64, u64>,
    months: BTreeMap<(i32, u32), u64>,
}

impl Counts {
    fn bump(&mut self, at: usize) {
        if let Some(c) = self.flat.get_mut(at) {
            *c += 1;
        }
    }

    fn sparse(&mut self, i: usize) -> &mut Sparse {
        if self.sparse.len() <= i {
            self.sparse.resize_with(i + 1, Sparse::default);
        }
        &mut self.sparse[i]
    }

    /// Question `i` was shown.
    pub fn shown(&mut self, l: &Layout, i: usize) {
        self.bump(l.entries[i].at);
    }

    /// Count question `i`'s answer `a` (`row` holds its spans). Values
    /// outside the question's counts (never, once validated) are not
    /// counted.
    pub fn record(&mut self, l: &Layout, i: usize, a: Code, row: &Coded) {
        let e = l.entries[i];
        self.bump(e.at + 1);
        let (base, n) = (e.counts(), e.dense());
        let count = |c: &mut Self, k: usize| {
            if k < n {
                c.bump(base + k);
            }
        };
        match (a, e.shape) {
            (Code::Opt(k), Shape::Options(_)) => count(self, k as usize),
            (Code::YesNo(b), Shape::Options(_)) => count(self, usize::from(!b)),
            (Code::Multi(s), Shape::Options(_)) => {
                for &k in row.idx(s) {
                    count(self, k as usize);
                }
            }
            (Code::Ranking(s), Shape::Options(_)) => {
                let order = row.idx(s);
                if let Some(&first) = order.first() {
                    count(self, first as usize);
                }
                if e.ranking {
                    for (place, &k) in order.iter().enumerate() {
                        let k = k as usize;
                        if k < n {
                            let at = e.ranks() + 2 * k;
                            self.flat[at] += place as u64 + 1;
                            self.flat[at + 1] += 1;
                        }
                    }
                }
            }
            (Code::Point(p), Shape::Points { min, len }) => {
                if let Some(k) = offset(p, min, len) {
                    count(self, k);
                }
            }
            (Code::Matrix(s), Shape::Grid { rows, min, len }) => {
                for &(r, p) in row.cells(s) {
                    if let Some(k) = offset(p, min, len).filter(|_| (r as usize) < rows) {
                        count(self, r as usize * len + k);
                    }
                }
            }
            (Code::Number(x), _) => *self.sparse(i).numbers.entry(OrdF64(x)).or_default() += 1,
            (Code::Month { year, month }, _) => {
                *self.sparse(i).months.entry((year, month)).or_default() += 1
            }
            _ => {}
        }
    }

    /// Add the counts of another atom of the same layout.
    pub fn add(&mut self, o: &Counts) {
        self.flat.iter_mut().zip(&o.flat).for_each(|(x, y)| *x += y);
        for (i, s) in o.sparse.iter().enumerate() {
            let mine = self.sparse(i);
            add_map(&mut mine.numbers, &s.numbers);
            add_map(&mut mine.months, &s.months);
        }
    }

    /// Question `i`'s counts in their published form, keyed by values.
    pub fn to_qagg(&self, l: &Layout, i: usize, q: &Question, values: &[String]) -> QAgg {
        let e = l.entries[i];
        let flat = |at: usize, n: usize| self.flat.get(at..at + n).unwrap_or_default();
        let sparse = self.sparse.get(i);
        let mut out = QAgg {
            shown: flat(e.at, 1).first().copied().unwrap_or(0),
            answered: flat(e.at + 1, 1).first().copied().unwrap_or(0),
            numbers: sparse.map(|s| s.numbers.clone()).unwrap_or_default(),
            ..QAgg::default()
        };
        let nonzero = |v: &[u64]| -> Vec<(usize, u64)> {
            v.iter().copied().enumerate().filter(|x| x.1 > 0).collect()
        };
        let dense = flat(e.counts(), e.dense());
        if let Shape::Options(_) = e.shape {
            for (k, n) in nonzero(dense) {
                out.counts.insert(values[k].clone(), n);
            }
        }
        for ((year, month), n) in sparse.iter().flat_map(|s| &s.months) {
            out.counts.insert(format!("{year:04}-{month:02}"), *n);
        }
        if e.ranking {
            let ranks = flat(e.ranks(), 2 * e.dense());
            for (k, r) in ranks.chunks_exact(2).enumerate().filter(|r| r.1[1] > 0) {
                out.ranks.insert(values[k].clone(), (r[0], r[1]));
            }
        }
        match (e.shape, &q.kind) {
            (Shape::Points { min, .. }, _) => {
                for (k, n) in nonzero(dense) {
                    out.points.insert(min + k as i64, n);
                }
            }
            (Shape::Grid { min, len, .. }, Kind::Matrix { rows, .. }) if len > 0 => {
                for (k, n) in nonzero(dense) {
                    if let Some((id, _)) = rows.get_index(k / len) {
                        out.rows
                            .entry(id.clone())
                            .or_default()
                            .insert(min + (k % len) as i64, n);
                    }
                }
            }
            _ => {}
        }
        out
    }
}

/// `p − min` when `p` lies within the `len` points from `min`.
fn offset(p: i64, min: i64, len: usize) -> Option<usize> {
    usize::try_from(p.checked_sub(min)?)
        .ok()
        .filter(|&k| k < len)
}
