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
            small: vec![0; self.width],
            total: vec![0; self.width],
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

/// One atom's counts of every question, as its [`Layout`] places them:
/// each count is `total + small`. Counting adds to the 16-bit `small`
/// (a quarter of the memory, so an atom's counts stay in the core's
/// nearest cache), and moves it into `total` when it would overflow.
#[derive(Debug, Clone)]
pub struct Counts {
    small: Vec<u16>,
    total: Vec<u64>,
    sparse: Vec<Sparse>,
}

/// One question's stretch of a [`Counts`].
struct Stretch<'c> {
    small: &'c mut [u16],
    total: &'c mut [u64],
}

impl Stretch<'_> {
    /// Add `v` to count `i` (a code past its question's values is not
    /// counted, as a code nothing names).
    #[inline]
    fn add(&mut self, i: usize, v: u64) {
        let Some(c) = self.small.get_mut(i) else {
            return;
        };
        match u16::try_from(v).ok().and_then(|v| c.checked_add(v)) {
            Some(x) => *c = x,
            None => {
                if let Some(t) = self.total.get_mut(i) {
                    *t += u64::from(*c) + v;
                    *c = 0;
                }
            }
        }
    }
}

impl Counts {
    /// Count the question at `p` for one row: shown or not, and its
    /// answer if any (an answered question was shown); `row` holds the
    /// answer's spans.
    #[inline]
    pub fn count(&mut self, p: &Place, shown: bool, a: Option<Code>, row: &Coded) {
        let (Some(small), Some(total)) = (
            self.small.get_mut(p.base..p.end),
            self.total.get_mut(p.base..p.end),
        ) else {
            return;
        };
        let mut c = Stretch { small, total };
        c.add(0, u64::from(shown || a.is_some()));
        let Some(a) = a else { return };
        c.add(1, 1);
        // The shape's counts start at 2.
        match (a, p.shape) {
            (Code::Opt(i), Shape::Options(n)) if (i as usize) < n => c.add(2 + i as usize, 1),
            (Code::YesNo(b), Shape::Options(n)) if usize::from(!b) < n => {
                c.add(2 + usize::from(!b), 1)
            }
            (Code::Multi(s), Shape::Options(n)) => {
                for &i in row.idx(s) {
                    if (i as usize) < n {
                        c.add(2 + i as usize, 1);
                    }
                }
            }
            (Code::Ranking(s), Shape::Options(n)) => {
                let order = row.idx(s);
                if let Some(&i) = order.first().filter(|&&i| (i as usize) < n) {
                    c.add(2 + i as usize, 1);
                }
                if p.ranking {
                    for (place, &i) in order.iter().enumerate() {
                        if (i as usize) < n {
                            let at = 2 + n + 2 * i as usize;
                            c.add(at, place as u64 + 1);
                            c.add(at + 1, 1);
                        }
                    }
                }
            }
            (Code::Point(x), Shape::Points { min, len }) => {
                let x = x.wrapping_sub(min) as usize;
                if x < len {
                    c.add(2 + x, 1);
                }
            }
            (Code::Matrix(s), Shape::Grid { rows, min, len }) => {
                for &(r, x) in row.cells(s) {
                    let (r, x) = (r as usize, x.wrapping_sub(min) as usize);
                    if r < rows && x < len {
                        c.add(2 + r * len + x, 1);
                    }
                }
            }
            (Code::Number(x), Shape::Sparse) => {
                if let Some(s) = p.sparse.and_then(|i| self.sparse.get_mut(i)) {
                    *s.numbers.entry(OrdF64(x)).or_default() += 1;
                }
            }
            (Code::Month { year, month }, Shape::Sparse) => {
                if let Some(s) = p.sparse.and_then(|i| self.sparse.get_mut(i)) {
                    *s.months.entry((year, month)).or_default() += 1;
                }
            }
            _ => {}
        }
    }

    /// Count `i` in full.
    fn at(&self, i: usize) -> u64 {
        self.total[i] + u64::from(self.small[i])
    }

    /// Add another atom's counts (of the same layout).
    pub fn add(&mut self, o: &Counts) {
        for (i, t) in self.total.iter_mut().enumerate() {
            *t += o.at(i);
        }
        for (x, y) in self.sparse.iter_mut().zip(&o.sparse) {
            add_map(&mut x.numbers, &y.numbers);
            add_map(&mut x.months, &y.months);
        }
    }

    /// The published form of the question at `p`, keyed by values.
    pub fn to_qagg(&self, p: &Place, q: &Question, values: &[String]) -> QAgg {
        let flat: Vec<u64> = (p.base..p.end).map(|i| self.at(i)).collect();
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
                for (i, c) in nonzero(body.get(..n).unwrap_or(body)) {
                    out.counts.insert(values[i].clone(), c);
                }
                if p.ranking {
                    for (i, r) in body.get(n..).unwrap_or(&[]).chunks_exact(2).enumerate() {
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

    /// Far more answers than a 16-bit count holds, and rank sums that
    /// overflow it sooner, are counted exactly, and so is another atom's
    /// count added to them.
    #[test]
    fn counts_past_sixteen_bits_are_exact() {
        let survey = survey();
        let questions: Vec<&Question> = survey.questions().filter(|q| q.is_answerable()).collect();
        let at = |id: &str| questions.iter().position(|q| q.id == id).expect("question");
        let (team, order, grid, enps) = (at("team"), at("order"), at("grid"), at("enps"));
        let layout = Layout::new(&questions);
        let mut counts = layout.counts();
        let mut row = Coded::default();
        row.clear(questions.len());
        row.set(team, Some(Code::Opt(1)));
        let mark = row.idx_mark();
        for i in [2, 0, 1] {
            row.push_one_idx(i);
        }
        let ranked = row.idx_since(mark, false);
        row.set(order, Some(Code::Ranking(ranked)));
        let mark = row.cells_mark();
        row.push_cell(mark, 1, 4);
        let cells = row.cells_since(mark);
        row.set(grid, Some(Code::Matrix(cells)));
        row.set(enps, Some(Code::Point(10)));
        let n = 70_000u64;
        for _ in 0..n {
            for (i, p) in layout.places.iter().enumerate() {
                counts.count(p, i != enps, row.answer(i), &row);
            }
        }
        let mut other = layout.counts();
        for (i, p) in layout.places.iter().enumerate() {
            other.count(p, true, row.answer(i), &row);
        }
        counts.add(&other);
        let values = |i: usize| -> Vec<String> {
            questions[i]
                .kind
                .option_values()
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        let q = |i: usize| counts.to_qagg(&layout.places[i], questions[i], &values(i));
        let all = n + 1;
        let t = q(team);
        assert_eq!((t.shown, t.answered), (all, all));
        assert_eq!(t.counts.get("blue"), Some(&all));
        assert_eq!(t.counts.len(), 1);
        let o = q(order);
        assert_eq!(o.counts.get("c"), Some(&all));
        assert_eq!(o.ranks.get("c"), Some(&(all, all)));
        assert_eq!(o.ranks.get("a"), Some(&(2 * all, all)));
        assert_eq!(o.ranks.get("b"), Some(&(3 * all, all)));
        let g = q(grid);
        assert_eq!(g.rows.get("training").and_then(|r| r.get(&4)), Some(&all));
        // Not shown, but answered: counted as shown.
        let e = q(enps);
        assert_eq!(
            (e.shown, e.answered, e.points.get(&10)),
            (all, all, Some(&all))
        );
        // A question nobody answered.
        let years = q(at("years"));
        assert_eq!((years.shown, years.answered), (all, 0));
    }
}
