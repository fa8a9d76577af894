//! Dense counting: one question's answers in one atom counted into arrays
//! laid out by its [`Shape`] (a count per option, per point, per matrix
//! row and point), so counting a coded answer allocates nothing; turned
//! into the value-keyed [`QAgg`] once, at the end.

use std::collections::BTreeMap;

use crate::responses::{Code, Coded};
use crate::survey::model::{Kind, Question};

use super::aggregate::{OrdF64, QAgg, add_map};

/// How one question's counts are laid out in a [`Tally`].
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

/// One question's counts in one atom, dense where the values are known
/// in advance, so counting an answer allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub shown: u64,
    pub answered: u64,
    /// By value ([`Shape::Options`]); for a ranking, times ranked first.
    opts: Vec<u64>,
    /// By point − min, or row × points + point − min.
    points: Vec<u64>,
    /// ranking: by option, (sum of ranks, times ranked).
    ranks: Vec<(u64, u64)>,
    numbers: BTreeMap<OrdF64, u64>,
    months: BTreeMap<(i32, u32), u64>,
}

impl Tally {
    pub fn new(shape: Shape, ranking: bool) -> Tally {
        let mut t = Tally::default();
        match shape {
            Shape::Options(n) => {
                t.opts = vec![0; n];
                if ranking {
                    t.ranks = vec![(0, 0); n];
                }
            }
            Shape::Points { len, .. } => t.points = vec![0; len],
            Shape::Grid { rows, len, .. } => t.points = vec![0; rows * len],
            Shape::Sparse => {}
        }
        t
    }

    pub fn add(&mut self, o: &Tally) {
        self.shown += o.shown;
        self.answered += o.answered;
        let sum = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        sum(&mut self.opts, &o.opts);
        sum(&mut self.points, &o.points);
        for (x, y) in self.ranks.iter_mut().zip(&o.ranks) {
            x.0 += y.0;
            x.1 += y.1;
        }
        add_map(&mut self.numbers, &o.numbers);
        add_map(&mut self.months, &o.months);
    }

    fn bump(v: &mut [u64], i: usize) {
        if let Some(c) = v.get_mut(i) {
            *c += 1;
        }
    }

    /// Count one answer (`row` holds its spans).
    #[inline]
    pub fn record(&mut self, shape: Shape, a: Code, row: &Coded) {
        self.answered += 1;
        match (a, shape) {
            (Code::Opt(i), _) => Self::bump(&mut self.opts, i as usize),
            (Code::YesNo(b), _) => Self::bump(&mut self.opts, usize::from(!b)),
            (Code::Multi(s), _) => {
                for &i in row.idx(s) {
                    Self::bump(&mut self.opts, i as usize);
                }
            }
            (Code::Ranking(s), _) => {
                let order = row.idx(s);
                if let Some(&first) = order.first() {
                    Self::bump(&mut self.opts, first as usize);
                }
                for (place, &i) in order.iter().enumerate() {
                    if let Some(r) = self.ranks.get_mut(i as usize) {
                        r.0 += place as u64 + 1;
                        r.1 += 1;
                    }
                }
            }
            (Code::Point(p), Shape::Points { min, .. }) => {
                Self::bump(&mut self.points, (p - min) as usize)
            }
            (Code::Matrix(s), Shape::Grid { min, len, .. }) => {
                for &(r, p) in row.cells(s) {
                    Self::bump(&mut self.points, r as usize * len + (p - min) as usize);
                }
            }
            (Code::Number(x), _) => *self.numbers.entry(OrdF64(x)).or_default() += 1,
            (Code::Month { year, month }, _) => *self.months.entry((year, month)).or_default() += 1,
            _ => {}
        }
    }

    /// The published form, keyed by values.
    pub fn to_qagg(&self, q: &Question, shape: Shape, values: &[String]) -> QAgg {
        let mut out = QAgg {
            shown: self.shown,
            answered: self.answered,
            numbers: self.numbers.clone(),
            ..QAgg::default()
        };
        let nonzero = |v: &[u64]| -> Vec<(usize, u64)> {
            v.iter().copied().enumerate().filter(|x| x.1 > 0).collect()
        };
        for (i, n) in nonzero(&self.opts) {
            out.counts.insert(values[i].clone(), n);
        }
        for ((year, month), n) in &self.months {
            out.counts.insert(format!("{year:04}-{month:02}"), *n);
        }
        for (i, r) in self.ranks.iter().enumerate().filter(|r| r.1.1 > 0) {
            out.ranks.insert(values[i].clone(), *r);
        }
        match (shape, &q.kind) {
            (Shape::Points { min, .. }, _) => {
                for (i, n) in nonzero(&self.points) {
                    out.points.insert(min + i as i64, n);
                }
            }
            (Shape::Grid { min, len, .. }, Kind::Matrix { rows, .. }) if len > 0 => {
                for (i, n) in nonzero(&self.points) {
                    if let Some((id, _)) = rows.get_index(i / len) {
                        out.rows
                            .entry(id.clone())
                            .or_default()
                            .insert(min + (i % len) as i64, n);
                    }
                }
            }
            _ => {}
        }
        out
    }
}
