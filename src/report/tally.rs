//! Dense counting: every question's answers in one atom counted into one
//! flat array of counts, each question at its own offset and laid out by
//! its [`Shape`] (a count per option, per point, per matrix row and
//! point), so counting a row allocates nothing and touches one contiguous
//! stretch of memory; turned into the value-keyed [`QAgg`] once, at the
//! end.

use std::collections::BTreeMap;

use crate::responses::{Code, Coded};
use crate::survey::model::{Kind, Question};

use super::aggregate::{OrdF64, QAgg, add_map};

/// How one question's counts are laid out.
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

    /// How many counts the shape holds after shown and answered.
    fn body(self, ranking: bool) -> usize {
        match self {
            // A ranking adds, per option, the sum of ranks and times ranked.
            Shape::Options(n) if ranking => 3 * n,
            Shape::Options(n) => n,
            Shape::Points { len, .. } => len,
            Shape::Grid { rows, len, .. } => rows * len,
            Shape::Sparse => 0,
        }
    }
}

/// Where one question's counts sit in an atom's [`Counts`]: at `base`,
/// shown; then answered; then the counts of its shape (for a ranking,
/// the times ranked first per option, then per option the sum of ranks
/// and the times ranked).
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub shape: Shape,
    base: usize,
    /// One past its last count.
    end: usize,
    ranking: bool,
    /// Its index among the questions counted sparsely (number, date).
    sparse: Option<usize>,
}

/// Every question's [`Place`], in question order.
#[derive(Debug, Clone)]
pub struct Layout {
    pub places: Vec<Place>,
    width: usize,
    sparse: usize,
}

impl Layout {
    pub fn new(questions: &[&Question]) -> Layout {
        let (mut width, mut sparse) = (0, 0);
        let places = questions
            .iter()
            .map(|q| {
                let shape = Shape::of(q);
                let ranking = matches!(q.kind, Kind::Ranking { .. });
                let counted_sparsely = matches!(q.kind, Kind::Number { .. } | Kind::Date { .. });
                let base = width;
                width += 2 + shape.body(ranking);
                let p = Place {
                    shape,
                    base,
                    end: width,
                    ranking,
                    sparse: counted_sparsely.then_some(sparse),
                };
                sparse += usize::from(counted_sparsely);
                p
            })
            .collect();
        Layout {
            places,
            width,
            sparse,
        }
    }

    /// Zero counts for one atom.
    pub fn counts(&self) -> Counts {
        Counts {
            flat: vec![0; self.width],
            sparse: vec![Sparse::default(); self.sparse],
        }
    }
}

/// Values counted without a bound known in advance.
#[derive(Debug, Clone, Default)]
struct Sparse {
    numbers: BTreeMap<OrdF64, u64>,
    months: BTreeMap<(i32, u32), u64>,
}

/// One atom's counts of every question, as its [`Layout`] places them.
#[derive(Debug, Clone)]
pub struct Counts {
    flat: Vec<u64>,
    sparse: Vec<Sparse>,
}

/// Count one at `i` of `body` (a code past its question's values is not
/// counted, as a code nothing names).
#[inline]
fn bump(body: &mut [u64], i: usize) {
    if let Some(c) = body.get_mut(i) {
        *c += 1;
    }
}

/// Count answer `a` of the question at `p` into `body`, its counts after
/// shown and answered (a number or a date into `sparse`); `row` holds the
/// answer's spans.
#[inline]
fn count_body(body: &mut [u64], p: &Place, a: Code, row: &Coded, sparse: &mut [Sparse]) {
    match (a, p.shape) {
        (Code::Opt(i), Shape::Options(n)) => bump(&mut body[..n], i as usize),
        (Code::YesNo(b), Shape::Options(n)) => bump(&mut body[..n], usize::from(!b)),
        (Code::Multi(s), Shape::Options(n)) => {
            let opts = &mut body[..n];
            for &i in row.idx(s) {
                bump(opts, i as usize);
            }
        }
        (Code::Ranking(s), Shape::Options(n)) => {
            let (first, ranks) = body.split_at_mut(n);
            let order = row.idx(s);
            if let Some(&i) = order.first() {
                bump(first, i as usize);
            }
            for (place, &i) in order.iter().enumerate() {
                if let Some([sum, times]) = ranks.get_mut(2 * i as usize..2 * i as usize + 2) {
                    *sum += place as u64 + 1;
                    *times += 1;
                }
            }
        }
        (Code::Point(x), Shape::Points { min, .. }) => bump(body, x.wrapping_sub(min) as usize),
        (Code::Matrix(s), Shape::Grid { min, len, .. }) => {
            for &(r, x) in row.cells(s) {
                let x = x.wrapping_sub(min) as usize;
                if x < len {
                    bump(body, r as usize * len + x);
                }
            }
        }
        (Code::Number(x), Shape::Sparse) => {
            if let Some(s) = p.sparse.and_then(|i| sparse.get_mut(i)) {
                *s.numbers.entry(OrdF64(x)).or_default() += 1;
            }
        }
        (Code::Month { year, month }, Shape::Sparse) => {
            if let Some(s) = p.sparse.and_then(|i| sparse.get_mut(i)) {
                *s.months.entry((year, month)).or_default() += 1;
            }
        }
        _ => {}
    }
}

impl Counts {
    /// Count every question of one row: question `i` at `places[i]`,
    /// answered as `row` says, shown when `shown(i)` (an answered question
    /// counts as shown), its answer counted by [`count_body`]. The atom's
    /// counts and the row's answers are each looked up once per row.
    #[inline]
    pub fn count_row(&mut self, places: &[Place], row: &Coded, shown: impl Fn(usize) -> bool) {
        let flat = self.flat.as_mut_slice();
        for (i, (p, a)) in places.iter().zip(row.answers()).enumerate() {
            let Some(a) = *a else {
                if shown(i)
                    && let Some(seen) = flat.get_mut(p.base)
                {
                    *seen += 1;
                }
                continue;
            };
            let Some([seen, answered, body @ ..]) = flat.get_mut(p.base..p.end) else {
                continue;
            };
            *seen += 1;
            *answered += 1;
            count_body(body, p, a, row, &mut self.sparse);
        }
    }

    /// Add another atom's counts (of the same layout).
    pub fn add(&mut self, o: &Counts) {
        self.flat.iter_mut().zip(&o.flat).for_each(|(x, y)| *x += y);
        for (x, y) in self.sparse.iter_mut().zip(&o.sparse) {
            add_map(&mut x.numbers, &y.numbers);
            add_map(&mut x.months, &y.months);
        }
    }

    /// The published form of the question at `p`, keyed by values.
    pub fn to_qagg(&self, p: &Place, q: &Question, values: &[String]) -> QAgg {
        let flat = &self.flat[p.base..p.end];
        let (head, body) = flat.split_at(2);
        let mut out = QAgg {
            shown: head[0],
            answered: head[1],
            ..QAgg::default()
        };
        let nonzero = |v: &[u64]| -> Vec<(usize, u64)> {
            v.iter().copied().enumerate().filter(|x| x.1 > 0).collect()
        };
        match (p.shape, &q.kind) {
            (Shape::Options(n), _) => {
                for (i, c) in nonzero(&body[..n]) {
                    out.counts.insert(values[i].clone(), c);
                }
                if p.ranking {
                    for (i, r) in body[n..].chunks_exact(2).enumerate() {
                        if r[1] > 0 {
                            out.ranks.insert(values[i].clone(), (r[0], r[1]));
                        }
                    }
                }
            }
            (Shape::Points { min, .. }, _) => {
                for (i, c) in nonzero(body) {
                    out.points.insert(min + i as i64, c);
                }
            }
            (Shape::Grid { min, len, .. }, Kind::Matrix { rows, .. }) if len > 0 => {
                for (i, c) in nonzero(body) {
                    if let Some((id, _)) = rows.get_index(i / len) {
                        out.rows
                            .entry(id.clone())
                            .or_default()
                            .insert(min + (i % len) as i64, c);
                    }
                }
            }
            (Shape::Sparse, _) => {
                if let Some(s) = p.sparse.and_then(|i| self.sparse.get(i)) {
                    out.numbers = s.numbers.clone();
                    for ((year, month), c) in &s.months {
                        out.counts.insert(format!("{year:04}-{month:02}"), *c);
                    }
                }
            }
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> crate::survey::Survey {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ingest/full.yaml");
        crate::survey::load_survey(&p).unwrap_or_else(|e| panic!("full.yaml: {e}"))
    }

    /// Every kind of answer lands in its own question's counts, and two
    /// atoms' counts added give the counts of all their rows.
    #[test]
    fn each_answer_is_counted_in_its_own_place() {
        let survey = survey();
        let questions: Vec<&Question> = survey.questions().filter(|q| q.is_answerable()).collect();
        let at = |id: &str| questions.iter().position(|q| q.id == id).expect("question");
        let layout = Layout::new(&questions);
        let mut row = Coded::default();
        row.clear(questions.len());
        row.set(at("team"), Some(Code::Opt(1)));
        let mark = row.idx_mark();
        for i in [0, 2] {
            row.push_one_idx(i);
        }
        let ticked = row.idx_since(mark, false);
        row.set(at("reasons"), Some(Code::Multi(ticked)));
        row.set(at("stay"), Some(Code::YesNo(false)));
        row.set(at("years"), Some(Code::Number(2.5)));
        row.set(
            at("start"),
            Some(Code::Month {
                year: 2024,
                month: 3,
            }),
        );
        let mark = row.cells_mark();
        row.push_cell(mark, 1, 4);
        let cells = row.cells_since(mark);
        row.set(at("grid"), Some(Code::Matrix(cells)));
        let mark = row.idx_mark();
        for i in [2, 0, 1] {
            row.push_one_idx(i);
        }
        let ranked = row.idx_since(mark, false);
        row.set(at("order"), Some(Code::Ranking(ranked)));
        row.set(at("enps"), Some(Code::Point(10)));
        let count = |counts: &mut Counts, rows: usize| {
            for _ in 0..rows {
                // `enps` answered though not shown: counted as shown.
                counts.count_row(&layout.places, &row, |i| i != at("enps"));
            }
        };
        let (mut a, mut b) = (layout.counts(), layout.counts());
        count(&mut a, 2);
        count(&mut b, 1);
        a.add(&b);
        let q = |id: &str| {
            let i = at(id);
            let values: Vec<String> = match questions[i].kind {
                Kind::YesNo => vec!["yes".into(), "no".into()],
                ref k => k.option_values().iter().map(|s| s.to_string()).collect(),
            };
            a.to_qagg(&layout.places[i], questions[i], &values)
        };
        let team = q("team");
        assert_eq!((team.shown, team.answered), (3, 3));
        assert_eq!(team.counts, BTreeMap::from([("blue".to_string(), 3)]));
        let reasons = q("reasons");
        assert_eq!(
            reasons.counts,
            BTreeMap::from([("pay".to_string(), 3), ("people".to_string(), 3)])
        );
        assert_eq!(q("stay").counts, BTreeMap::from([("no".to_string(), 3)]));
        assert_eq!(q("years").numbers, BTreeMap::from([(OrdF64(2.5), 3)]));
        assert_eq!(
            q("start").counts,
            BTreeMap::from([("2024-03".to_string(), 3)])
        );
        let grid = q("grid");
        assert_eq!(
            grid.rows,
            BTreeMap::from([("training".to_string(), BTreeMap::from([(4, 3)]))])
        );
        let order = q("order");
        assert_eq!(order.counts, BTreeMap::from([("c".to_string(), 3)]));
        let ranks = BTreeMap::from([
            ("a".to_string(), (6, 3)),
            ("b".to_string(), (9, 3)),
            ("c".to_string(), (3, 3)),
        ]);
        assert_eq!(order.ranks, ranks);
        let enps = q("enps");
        assert_eq!((enps.shown, enps.answered), (3, 3));
        assert_eq!(enps.points, BTreeMap::from([(10, 3)]));
        // A question nobody answered was still shown.
        let code = q("code");
        assert_eq!((code.shown, code.answered), (3, 0));
    }
}
