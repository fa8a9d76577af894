//! A row's answers coded against the survey: option indexes instead of
//! option values, spans into the row's own buffers instead of owned
//! strings. The interpreter fills one [`Coded`] per row, re-validation
//! checks it in place, and sinks read it; the buffers are cleared, not
//! freed, between rows, so reading a row allocates nothing once they have
//! grown. [`Coded::to_response`] gives the owned [`Response`].

use std::collections::BTreeMap;
use std::ops::Range;

use crate::answers::{Answer, Period, Response};
use crate::survey::Kind;
use crate::survey::expr::{SetRef, Value};

use super::headers::Catalog;

/// A stretch of one of [`Coded`]'s buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn new(r: Range<usize>) -> Span {
        Span {
            start: r.start as u32,
            end: r.end as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// One answer, coded against its question (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Code {
    /// choice: an index into the question's option values (`other` included).
    Opt(u32),
    /// multi: option indexes in option order, in [`Coded::idx`].
    Multi(Span),
    /// ranking: option indexes in rank order, in [`Coded::idx`].
    Ranking(Span),
    YesNo(bool),
    Number(f64),
    /// date: the month only.
    Month {
        year: i32,
        month: u32,
    },
    /// text, in [`Coded::text`].
    Text(Span),
    /// scale and nps: the point chosen.
    Point(i64),
    /// matrix: (row index, point) in row order, in [`Coded::cells`].
    Matrix(Span),
}

/// An answer set aside: the question's index (`None` for the time stamp)
/// and the rule.
pub type Dropped = (Option<u32>, &'static str);

/// One row's answers; indexes are those of [`Catalog::questions`].
#[derive(Debug, Default)]
pub struct Coded {
    pub period: Option<Period>,
    answers: Vec<Option<Code>>,
    other: Vec<Option<Span>>,
    idx: Vec<u32>,
    cells: Vec<(u32, i64)>,
    text: String,
    /// Scratch for ranks read from one field per option.
    pairs: Vec<(i64, u32)>,
    /// Whether each of `survey.questions()` was shown (set by validation).
    pub shown: Vec<bool>,
    /// The answers set aside, in the order they were found.
    pub dropped: Vec<Dropped>,
}

impl Coded {
    /// Empty, for a survey of `n` answerable questions.
    pub fn clear(&mut self, n: usize) {
        self.period = None;
        self.answers.clear();
        self.answers.resize(n, None);
        self.other.clear();
        self.other.resize(n, None);
        self.idx.clear();
        self.cells.clear();
        self.text.clear();
        self.shown.clear();
        self.dropped.clear();
    }

    pub fn answer(&self, q: usize) -> Option<Code> {
        self.answers.get(q).copied().flatten()
    }

    pub fn set(&mut self, q: usize, a: Option<Code>) {
        self.answers[q] = a;
    }

    pub fn other(&self, q: usize) -> Option<&str> {
        self.other.get(q).copied().flatten().map(|s| self.text(s))
    }

    pub fn set_other(&mut self, q: usize, s: Option<Span>) {
        self.other[q] = s;
    }

    /// Where question `q`'s "other" text is, if it has one.
    pub fn other_span(&self, q: usize) -> Option<Span> {
        self.other.get(q).copied().flatten()
    }

    /// Every question's answer, by index (`None`: not answered).
    pub fn answers(&self) -> &[Option<Code>] {
        &self.answers
    }

    /// The answered question indexes, in order.
    pub fn answered(&self) -> impl Iterator<Item = (usize, Code)> + '_ {
        self.answers
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.map(|a| (i, a)))
    }

    pub fn text(&self, s: Span) -> &str {
        self.text.get(s.range()).unwrap_or("")
    }

    pub fn idx(&self, s: Span) -> &[u32] {
        self.idx.get(s.range()).unwrap_or(&[])
    }

    pub fn cells(&self, s: Span) -> &[(u32, i64)] {
        self.cells.get(s.range()).unwrap_or(&[])
    }

    /// Keep `s` with its line ends made `\n`.
    pub fn push_text(&mut self, s: &str) -> Span {
        let start = self.text.len();
        let mut rest = s;
        while let Some(at) = memchr::memchr(b'\r', rest.as_bytes()) {
            self.text.push_str(&rest[..at]);
            self.text.push('\n');
            rest = &rest[at + 1..];
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
        self.text.push_str(rest);
        Span::new(start..self.text.len())
    }

    /// Keep several pieces joined by `sep`, line ends made `\n`.
    pub fn push_joined<'x>(&mut self, parts: impl Iterator<Item = &'x str>, sep: &str) -> Span {
        let start = self.text.len();
        for (i, p) in parts.enumerate() {
            if i > 0 {
                self.text.push_str(sep);
            }
            self.push_text(p);
        }
        Span::new(start..self.text.len())
    }

    /// Where the next [`Coded::push_one_idx`]s start.
    pub fn idx_mark(&self) -> usize {
        self.idx.len()
    }

    pub fn push_one_idx(&mut self, i: u32) {
        self.idx.push(i);
    }

    /// Forget the indexes pushed since `mark`.
    pub fn idx_truncate(&mut self, mark: usize) {
        self.idx.truncate(mark);
    }

    /// The indexes pushed since `mark`; `ordered`: sorted, each once.
    pub fn idx_since(&mut self, mark: usize, ordered: bool) -> Span {
        if ordered {
            self.idx[mark..].sort_unstable();
            let mut w = mark;
            for r in mark..self.idx.len() {
                if w == mark || self.idx[w - 1] != self.idx[r] {
                    self.idx[w] = self.idx[r];
                    w += 1;
                }
            }
            self.idx.truncate(w);
        }
        Span::new(mark..self.idx.len())
    }

    /// An empty scratch list of (rank, option index).
    pub fn pairs(&mut self) -> &mut Vec<(i64, u32)> {
        self.pairs.clear();
        &mut self.pairs
    }

    /// Push the options of [`Coded::pairs`] in their order.
    pub fn idx_from_pairs(&mut self) {
        self.idx.extend(self.pairs.iter().map(|p| p.1));
    }

    /// Where the next [`Coded::push_cell`]s start.
    pub fn cells_mark(&self) -> usize {
        self.cells.len()
    }

    /// Add a matrix row's point; a row given twice keeps the last point.
    /// The rows pushed since `mark` are kept in row order.
    pub fn push_cell(&mut self, mark: usize, row: u32, p: i64) {
        let run = self.cells.get(mark..).unwrap_or(&[]);
        // Where `row` goes; the last place most often (rows come in order).
        let at = mark
            + run
                .iter()
                .rposition(|&(r, _)| r <= row)
                .map_or(0, |i| i + 1);
        match self.cells.get_mut(at.wrapping_sub(1)) {
            Some(c) if at > mark && c.0 == row => c.1 = p,
            _ => self.cells.insert(at, (row, p)),
        }
    }

    /// The matrix rows pushed since `mark`, in row order.
    pub fn cells_since(&self, mark: usize) -> Span {
        Span::new(mark..self.cells.len())
    }

    /// What a condition sees of question `q` (an empty answer counts as
    /// not answered, as in [`crate::survey::expr::lookup`]).
    pub fn value<'c>(&'c self, cat: &'c Catalog, q: usize, row: Option<&str>) -> Option<Value<'c>> {
        let info = &cat.questions[q];
        let a = self.answer(q)?;
        Some(match (a, row) {
            (Code::Matrix(s), Some(r)) => {
                let Kind::Matrix { rows, .. } = &info.q.kind else {
                    return None;
                };
                let want = rows.get_index_of(r)? as u32;
                let p = self.cells(s).iter().find(|(r, _)| *r == want)?.1;
                Value::Num(p as f64)
            }
            (_, Some(_)) => return None,
            (Code::Opt(i), None) => Value::Str(info.opts.values.get(i as usize)?),
            (Code::YesNo(b), None) => Value::Str(if b { "yes" } else { "no" }),
            (Code::Point(p), None) => Value::Num(p as f64),
            (Code::Number(n), None) => Value::Num(n),
            (Code::Multi(s), None) if s.is_empty() => return None,
            (Code::Multi(s), None) => Value::Set(SetRef::Indexes(self.idx(s), &info.opts.values)),
            (Code::Matrix(s) | Code::Ranking(s), None) if s.is_empty() => return None,
            (Code::Text(s), None) if self.text(s).trim().is_empty() => return None,
            _ => Value::Opaque,
        })
    }

    /// The owned form of this row.
    pub fn to_response(&self, cat: &Catalog) -> Response {
        let mut r = Response {
            period: self.period,
            ..Response::default()
        };
        for (q, a) in self.answered() {
            let info = &cat.questions[q];
            let vals = &info.opts.values;
            let names = |s: Span| -> Vec<String> {
                self.idx(s)
                    .iter()
                    .filter_map(|&i| vals.get(i as usize).cloned())
                    .collect()
            };
            let answer = match a {
                Code::Opt(i) => Answer::Choice(vals.get(i as usize).cloned().unwrap_or_default()),
                Code::Multi(s) => Answer::Multi(names(s)),
                Code::Ranking(s) => Answer::Ranking(names(s)),
                Code::YesNo(b) => Answer::YesNo(b),
                Code::Number(x) => Answer::Number(x),
                Code::Month { year, month } => Answer::Month { year, month },
                Code::Text(s) => Answer::Text(self.text(s).to_string()),
                Code::Point(p) => Answer::Point(p),
                Code::Matrix(s) => {
                    let Kind::Matrix { rows, .. } = &info.q.kind else {
                        continue;
                    };
                    let m: BTreeMap<String, i64> = self
                        .cells(s)
                        .iter()
                        .filter_map(|&(row, p)| Some((rows.get_index(row as usize)?.0.clone(), p)))
                        .collect();
                    Answer::Matrix(m)
                }
            };
            r.answers.insert(info.q.id.clone(), answer);
        }
        for (q, o) in self.other.iter().enumerate() {
            if let Some(s) = o {
                r.other
                    .insert(cat.questions[q].q.id.clone(), self.text(*s).to_string());
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Matrix rows pushed in any order come out in row order, a row
        /// given twice with its last point, and a grid pushed before is
        /// left as it was.
        #[test]
        fn matrix_rows_come_out_in_row_order_with_their_last_point(
            pushed in proptest::collection::vec((0u32..6, 1i64..6), 0..12),
        ) {
            let mut c = Coded::default();
            c.clear(1);
            let m = c.cells_mark();
            c.push_cell(m, 3, 9);
            let first = c.cells_since(m);
            let m = c.cells_mark();
            let mut want = BTreeMap::new();
            for &(r, p) in &pushed {
                c.push_cell(m, r, p);
                want.insert(r, p);
            }
            let s = c.cells_since(m);
            let want: Vec<(u32, i64)> = want.into_iter().collect();
            proptest::prop_assert_eq!(c.cells(s), want.as_slice());
            proptest::prop_assert_eq!(c.cells(first), &[(3, 9)]);
        }
    }

    #[test]
    fn text_keeps_line_ends_as_newlines_and_spans_stay_apart() {
        let mut c = Coded::default();
        c.clear(2);
        let a = c.push_text("a\r\nb\rc\nd");
        let b = c.push_joined(["x", "y\r"].into_iter(), ", ");
        assert_eq!(c.text(a), "a\nb\nc\nd");
        assert_eq!(c.text(b), "x, y\n");
        let m = c.cells_mark();
        c.push_cell(m, 2, 5);
        c.push_cell(m, 0, 1);
        c.push_cell(m, 2, 4);
        let s = c.cells_since(m);
        assert_eq!(c.cells(s), &[(0, 1), (2, 4)]);
        c.clear(2);
        assert_eq!(c.text(a), "");
        assert_eq!(c.answer(1), None);
    }
}
