//! The reader's model of one atom: its cell variables, and the identities
//! that hold in every atom (written from the issue's model, not from the
//! report's code).
//!
//! Variables of an atom: its size `n`; per question a "not shown" cell and
//! a "skipped" cell and one cell per answer class:
//!
//! - choice, yes/no, dropdown, scale, NPS, date: one cell per class
//!   (option, point, month); number and text: one "answered" cell;
//! - multi: per option a ticked and a not-ticked cell (each option a
//!   question of its own among those who answered the multi, all sharing
//!   one "not shown" and one "skipped" cell, so one answered count);
//! - matrix: per row its points and its own "skipped" cell; for the whole
//!   matrix one "not shown" cell and an "answered (some row)" and a
//!   "skipped (every row)" cell (one row: the latter is the row's
//!   "skipped");
//! - ranking: per option a cell per position and an "unranked" cell, per
//!   position from 2 on a "nothing ranked here" cell.
//!
//! Identities (per atom): every (sub)question's classes sum to `n`; a
//! segment question's cells are known (its value is the atom's); "not
//! shown" follows `show_if` where it can be written linearly (see
//! [`Model::identities`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use farvel::answers::Answer;
use farvel::survey::expr::{Expr, Literal, SetRef, Value, evaluate};
use farvel::survey::{Kind, Survey};

use crate::exact::Q;

/// A local functional: (variable, coefficient), in any order.
pub type Func = Vec<(usize, Q)>;

pub fn var(v: usize) -> Func {
    vec![(v, Q::ONE)]
}

pub struct Model {
    pub k: u64,
    pub names: Vec<String>,
    /// Which variables identities eliminate first (lower first): the
    /// parametrisation then keeps answer classes and `n` as free cells.
    pub pref: Vec<u32>,
    pub n: usize,
    pub qs: Vec<QM>,
    /// Indexes into `qs` of the segment questions, in survey order.
    pub segs: Vec<usize>,
}

pub struct QM {
    pub id: String,
    pub kind: &'static str,
    pub segment: bool,
    pub show_if: Option<Expr>,
    pub ns: usize,
    pub body: Body,
}

pub enum Body {
    /// choice, yesno, scale, nps, number, text, date.
    Single {
        sk: usize,
        classes: Vec<(String, usize)>,
    },
    Multi {
        sk: usize,
        /// (option, ticked, not ticked)
        opts: Vec<(String, usize, usize)>,
    },
    Matrix {
        rows: Vec<MRow>,
        /// Shown, no row answered.
        sk: usize,
        /// Shown, some row answered.
        any: usize,
    },
    Ranking {
        sk: usize,
        opts: Vec<String>,
        /// `at[o][p]`: option `o` ranked at position `p + 1`.
        at: Vec<Vec<usize>>,
        unranked: Vec<usize>,
        /// `empty[p]`: nothing ranked at position `p + 2`.
        empty: Vec<usize>,
    },
}

pub struct MRow {
    pub id: String,
    pub sk: usize,
    pub points: Vec<(String, usize)>,
}

/// A part of a question with its own answered count: the question, one
/// matrix row, or one multi option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sub {
    Whole,
    Row(usize),
    Opt(usize),
}

/// A grouping of answer classes the unanimity guard must protect.
pub struct Grouping {
    pub q: usize,
    pub sub: Sub,
    pub label: String,
    pub vars: Vec<usize>,
}

struct Builder {
    names: Vec<String>,
    pref: Vec<u32>,
}

impl Builder {
    fn var(&mut self, name: String, pref: u32) -> usize {
        self.names.push(name);
        self.pref.push(pref);
        self.names.len() - 1
    }
}

const P_NS: u32 = 0;
const P_SK: u32 = 1;
const P_AUX: u32 = 2;
const P_SEG: u32 = 3;
const P_CLASS: u32 = 4;
const P_N: u32 = 5;

impl Model {
    /// `months`: per date question, the months seen in the data or named
    /// by the report (a date question's classes).
    pub fn new(survey: &Survey, months: &HashMap<String, BTreeSet<String>>) -> Model {
        let mut b = Builder {
            names: Vec::new(),
            pref: Vec::new(),
        };
        let mut qs = Vec::new();
        for q in survey.questions().filter(|q| q.is_answerable()) {
            let id = q.id.clone();
            let ns = b.var(format!("{id}: not shown"), P_NS);
            let cp = if q.segment { P_SEG } else { P_CLASS };
            let single = |b: &mut Builder, classes: Vec<String>| {
                let sk = b.var(format!("{id}: skipped"), P_SK);
                let classes = classes
                    .into_iter()
                    .map(|c| {
                        let v = b.var(format!("{id}={c}"), cp);
                        (c, v)
                    })
                    .collect();
                Body::Single { sk, classes }
            };
            let points = |s: i64, e: i64| (s..=e).map(|p| p.to_string()).collect::<Vec<_>>();
            let body = match &q.kind {
                Kind::Choice { .. } => single(
                    &mut b,
                    q.kind
                        .option_values()
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                Kind::YesNo => single(&mut b, vec!["yes".into(), "no".into()]),
                Kind::Scale { scale, .. } => single(&mut b, points(scale.min, scale.max)),
                Kind::Nps => single(&mut b, points(0, 10)),
                Kind::Number { .. } | Kind::Text { .. } => single(&mut b, vec!["answered".into()]),
                Kind::Date { .. } => single(
                    &mut b,
                    months.get(&id).into_iter().flatten().cloned().collect(),
                ),
                Kind::Multi { .. } => {
                    let sk = b.var(format!("{id}: skipped"), P_SK);
                    let opts = q
                        .kind
                        .option_values()
                        .iter()
                        .map(|o| {
                            let t = b.var(format!("{id}: {o} ticked"), P_CLASS);
                            let u = b.var(format!("{id}: {o} not ticked"), P_AUX);
                            (o.to_string(), t, u)
                        })
                        .collect();
                    Body::Multi { sk, opts }
                }
                Kind::Matrix { rows, scale, .. } => Body::Matrix {
                    sk: b.var(format!("{id}: skipped (every row)"), P_SK),
                    any: b.var(format!("{id}: answered (some row)"), P_CLASS),
                    rows: rows
                        .keys()
                        .map(|r| {
                            let sk = b.var(format!("{id}.{r}: skipped"), P_SK);
                            let points = points(scale.min, scale.max)
                                .into_iter()
                                .map(|p| {
                                    let v = b.var(format!("{id}.{r}={p}"), P_CLASS);
                                    (p, v)
                                })
                                .collect();
                            MRow {
                                id: r.clone(),
                                sk,
                                points,
                            }
                        })
                        .collect(),
                },
                Kind::Ranking { options } => {
                    let sk = b.var(format!("{id}: skipped"), P_SK);
                    let opts: Vec<String> = options.iter().map(|c| c.value.clone()).collect();
                    let m = opts.len();
                    let at = opts
                        .iter()
                        .map(|o| {
                            (1..=m)
                                .map(|p| b.var(format!("{id}: {o}@{p}"), P_CLASS))
                                .collect()
                        })
                        .collect();
                    let unranked = opts
                        .iter()
                        .map(|o| b.var(format!("{id}: {o} unranked"), P_AUX))
                        .collect();
                    let empty = (2..=m)
                        .map(|p| b.var(format!("{id}: nothing at {p}"), P_AUX))
                        .collect();
                    Body::Ranking {
                        sk,
                        opts,
                        at,
                        unranked,
                        empty,
                    }
                }
                Kind::Info => unreachable!(),
            };
            qs.push(QM {
                id,
                kind: q.kind.name(),
                segment: q.segment,
                show_if: q.show_if.as_ref().map(|c| c.expr.clone()),
                ns,
                body,
            });
        }
        let n = b.var("n".into(), P_N);
        let segs = (0..qs.len()).filter(|&i| qs[i].segment).collect();
        Model {
            k: u64::from(survey.anonymity.min_group),
            names: b.names,
            pref: b.pref,
            n,
            qs,
            segs,
        }
    }

    pub fn nvars(&self) -> usize {
        self.names.len()
    }

    pub fn question(&self, id: &str) -> Option<usize> {
        self.qs.iter().position(|q| q.id == id)
    }

    fn sk(&self, q: usize, sub: Sub) -> usize {
        match (&self.qs[q].body, sub) {
            (Body::Single { sk, .. } | Body::Multi { sk, .. } | Body::Ranking { sk, .. }, _) => *sk,
            (Body::Matrix { rows, .. }, Sub::Row(r)) => rows[r].sk,
            (Body::Matrix { sk, .. }, _) => *sk,
        }
    }

    pub fn shown(&self, q: usize) -> Func {
        vec![(self.n, Q::ONE), (self.qs[q].ns, Q::ONE.neg())]
    }

    pub fn answered(&self, q: usize, sub: Sub) -> Func {
        let mut f = self.shown(q);
        f.push((self.sk(q, sub), Q::ONE.neg()));
        f
    }

    pub fn skipped(&self, q: usize, sub: Sub) -> Func {
        var(self.sk(q, sub))
    }

    /// The sub-question a figure's `row` names (matrix rows).
    pub fn sub_of_row(&self, q: usize, row: Option<&str>) -> Result<Sub, String> {
        match (&self.qs[q].body, row) {
            (Body::Matrix { rows, .. }, Some(r)) => rows
                .iter()
                .position(|x| x.id == r)
                .map(Sub::Row)
                .ok_or_else(|| format!("'{r}' is not a row of '{}'", self.qs[q].id)),
            (_, Some(r)) => Err(format!("'{}' has no rows (row '{r}')", self.qs[q].id)),
            (_, None) => Ok(Sub::Whole),
        }
    }

    /// The cell of answer class `class` (a figure's `classes` entry).
    pub fn class_var(&self, q: usize, sub: Sub, class: &str) -> Result<usize, String> {
        let qm = &self.qs[q];
        let found = match (&qm.body, sub) {
            (Body::Single { classes, .. }, _) => classes.iter().find(|c| c.0 == class).map(|c| c.1),
            (Body::Multi { opts, .. }, _) => opts.iter().find(|o| o.0 == class).map(|o| o.1),
            (Body::Matrix { rows, .. }, Sub::Row(r)) => {
                rows[r].points.iter().find(|p| p.0 == class).map(|p| p.1)
            }
            (Body::Ranking { opts, at, .. }, _) => class.rsplit_once('@').and_then(|(o, p)| {
                let o = opts.iter().position(|x| x == o)?;
                let p: usize = p.parse().ok()?;
                at[o].get(p.checked_sub(1)?).copied()
            }),
            _ => None,
        };
        found.ok_or_else(|| format!("'{class}' is not an answer class of '{}'", qm.id))
    }

    /// The points a `mean` of this (sub)question averages: (weight, cell).
    pub fn points(&self, q: usize, sub: Sub) -> Option<Vec<(Q, usize)>> {
        let num = |cs: &[(String, usize)]| -> Option<Vec<(Q, usize)>> {
            cs.iter()
                .map(|(c, v)| Some((Q::int(c.parse::<i128>().ok()?), *v)))
                .collect()
        };
        match (&self.qs[q].body, sub) {
            (Body::Single { classes, .. }, _) if matches!(self.qs[q].kind, "scale" | "nps") => {
                num(classes)
            }
            (Body::Matrix { rows, .. }, Sub::Row(r)) => num(&rows[r].points),
            _ => None,
        }
    }

    /// Every grouping of answer classes the unanimity guard covers: each
    /// option or point; top two and bottom two points of a scale or
    /// matrix row; the three NPS classes; each month; a multi option's
    /// "ticked"; a ranking's OPTION@1. Segment questions are left out (the
    /// reader knows their classes per atom).
    pub fn groupings(&self) -> Vec<Grouping> {
        let mut out = Vec::new();
        let mut push = |q: usize, sub: Sub, label: String, vars: Vec<usize>| {
            out.push(Grouping {
                q,
                sub,
                label,
                vars,
            });
        };
        for (qi, qm) in self.qs.iter().enumerate() {
            if qm.segment {
                continue;
            }
            match &qm.body {
                Body::Single { classes, .. } => {
                    if matches!(qm.kind, "number" | "text") {
                        continue;
                    }
                    for (c, v) in classes {
                        push(qi, Sub::Whole, format!("{}={c}", qm.id), vec![*v]);
                    }
                    if qm.kind == "scale" && classes.len() > 2 {
                        let m = classes.len();
                        push(
                            qi,
                            Sub::Whole,
                            format!("{}: top two", qm.id),
                            vec![classes[m - 2].1, classes[m - 1].1],
                        );
                        push(
                            qi,
                            Sub::Whole,
                            format!("{}: bottom two", qm.id),
                            vec![classes[0].1, classes[1].1],
                        );
                    }
                    if qm.kind == "nps" {
                        let v = |r: std::ops::RangeInclusive<usize>| {
                            r.map(|p| classes[p].1).collect::<Vec<_>>()
                        };
                        push(qi, Sub::Whole, format!("{}: 0–6", qm.id), v(0..=6));
                        push(qi, Sub::Whole, format!("{}: 7–8", qm.id), v(7..=8));
                        push(qi, Sub::Whole, format!("{}: 9–10", qm.id), v(9..=10));
                    }
                }
                Body::Multi { opts, .. } => {
                    for (i, (o, t, _)) in opts.iter().enumerate() {
                        push(qi, Sub::Opt(i), format!("{}: {o} ticked", qm.id), vec![*t]);
                    }
                }
                Body::Matrix { rows, .. } => {
                    for (ri, r) in rows.iter().enumerate() {
                        let ps = &r.points;
                        for (p, v) in ps {
                            push(
                                qi,
                                Sub::Row(ri),
                                format!("{}.{}={p}", qm.id, r.id),
                                vec![*v],
                            );
                        }
                        if ps.len() > 2 {
                            let m = ps.len();
                            push(
                                qi,
                                Sub::Row(ri),
                                format!("{}.{}: top two", qm.id, r.id),
                                vec![ps[m - 2].1, ps[m - 1].1],
                            );
                            push(
                                qi,
                                Sub::Row(ri),
                                format!("{}.{}: bottom two", qm.id, r.id),
                                vec![ps[0].1, ps[1].1],
                            );
                        }
                    }
                }
                Body::Ranking { opts, at, .. } => {
                    for (o, cells) in opts.iter().zip(at) {
                        push(qi, Sub::Whole, format!("{}: {o}@1", qm.id), vec![cells[0]]);
                    }
                }
            }
        }
        out
    }

    /// The identities of an atom whose segment values are `seg` (in the
    /// order of [`Model::segs`]; `None` = not answered).
    pub fn identities(&self, seg: &[Option<String>]) -> Vec<Func> {
        let n = self.n;
        let sum = |cells: Vec<usize>| -> Func {
            let mut f: Func = cells.into_iter().map(|v| (v, Q::ONE)).collect();
            f.push((n, Q::ONE.neg()));
            f
        };
        let mut out = Vec::new();
        for (qi, qm) in self.qs.iter().enumerate() {
            match &qm.body {
                Body::Single { sk, classes } => {
                    let mut c = vec![qm.ns, *sk];
                    c.extend(classes.iter().map(|x| x.1));
                    out.push(sum(c));
                }
                Body::Multi { sk, opts } => {
                    for (_, t, u) in opts {
                        out.push(sum(vec![qm.ns, *sk, *t, *u]));
                    }
                }
                Body::Matrix { rows, sk, any } => {
                    for r in rows {
                        let mut c = vec![qm.ns, r.sk];
                        c.extend(r.points.iter().map(|x| x.1));
                        out.push(sum(c));
                    }
                    out.push(sum(vec![qm.ns, *sk, *any]));
                    if let [only] = &rows[..] {
                        out.push(vec![(*sk, Q::ONE), (only.sk, Q::ONE.neg())]);
                    }
                }
                Body::Ranking {
                    sk,
                    at,
                    unranked,
                    empty,
                    ..
                } => {
                    for (o, cells) in at.iter().enumerate() {
                        let mut c = vec![qm.ns, *sk, unranked[o]];
                        c.extend(cells.iter().copied());
                        out.push(sum(c));
                    }
                    for p in 0..at.first().map_or(0, Vec::len) {
                        let mut c = vec![qm.ns, *sk];
                        c.extend(at.iter().map(|cells| cells[p]));
                        if p > 0 {
                            c.push(empty[p - 1]);
                        }
                        out.push(sum(c));
                    }
                }
            }
            if qm.segment {
                let si = self.segs.iter().position(|&s| s == qi).unwrap();
                let Body::Single { sk, classes } = &qm.body else {
                    unreachable!("segments are choice or yes/no questions")
                };
                match &seg[si] {
                    Some(v) => {
                        for &c in [qm.ns, *sk].iter().chain(classes.iter().map(|x| &x.1)) {
                            let is_v = classes.iter().any(|x| x.1 == c && &x.0 == v);
                            out.push(if is_v {
                                vec![(c, Q::ONE), (n, Q::ONE.neg())]
                            } else {
                                var(c)
                            });
                        }
                        continue;
                    }
                    None => {
                        for (c, v) in classes {
                            if c != "other" {
                                out.push(var(*v));
                            }
                        }
                    }
                }
            }
            if let Some((f, hidden)) = self.not_shown_identity(qi, seg) {
                // Hidden from everyone in the atom: nobody answered it, so
                // every other cell of the question is 0 too (what "not
                // shown" means, not an inference from the figures).
                if hidden {
                    out.extend(self.cells_of(qi).into_iter().map(var));
                }
                out.push(f);
            }
        }
        out
    }

    /// Every cell of a question but its "not shown".
    pub fn cells_of(&self, q: usize) -> Vec<usize> {
        match &self.qs[q].body {
            Body::Single { sk, classes } => std::iter::once(*sk)
                .chain(classes.iter().map(|c| c.1))
                .collect(),
            Body::Multi { sk, opts } => std::iter::once(*sk)
                .chain(opts.iter().flat_map(|o| [o.1, o.2]))
                .collect(),
            Body::Matrix { rows, sk, any } => [*sk, *any]
                .into_iter()
                .chain(
                    rows.iter()
                        .flat_map(|r| std::iter::once(r.sk).chain(r.points.iter().map(|p| p.1))),
                )
                .collect(),
            Body::Ranking {
                sk,
                at,
                unranked,
                empty,
                ..
            } => std::iter::once(*sk)
                .chain(at.iter().flatten().copied())
                .chain(unranked.iter().copied())
                .chain(empty.iter().copied())
                .collect(),
        }
    }

    /// "Not shown" of question `qi` in an atom, where it is linear: the
    /// condition is evaluated with the atom's segment values known, over
    /// every class of the questions it still depends on. Constant true:
    /// not shown = 0; constant false: not shown = n; a class-membership
    /// test on exactly one other (sub)question: not shown = the cells of
    /// the classes for which it is false (that question's "not shown" and
    /// "skipped" included: the expression semantics make every comparison
    /// on a question not answered or hidden false). Otherwise none.
    /// Also says whether the question is hidden from the whole atom.
    fn not_shown_identity(&self, qi: usize, seg: &[Option<String>]) -> Option<(Func, bool)> {
        let qm = &self.qs[qi];
        let ns = qm.ns;
        let Some(expr) = &qm.show_if else {
            return Some((var(ns), false));
        };
        let units = self.cond_units(expr, seg);
        let radix: Vec<usize> = units
            .iter()
            .map(|u| u.classes.iter().map(|c| c.reprs.len()).sum())
            .collect();
        let total = radix
            .iter()
            .try_fold(1usize, |a, &r| a.checked_mul(r).filter(|&x| x <= 50_000))?;
        // choices[u][d] = (class, repr) for digit d of unit u
        let choices: Vec<Vec<(usize, usize)>> = units
            .iter()
            .map(|u| {
                u.classes
                    .iter()
                    .enumerate()
                    .flat_map(|(ci, c)| (0..c.reprs.len()).map(move |ri| (ci, ri)))
                    .collect()
            })
            .collect();
        let mut truth = Vec::with_capacity(total);
        let mut digits = vec![0usize; units.len()];
        for _ in 0..total {
            let get = |q: &str, row: Option<&str>| -> Option<Value<'_>> {
                let i = units
                    .iter()
                    .position(|u| u.q_id == q && u.row.as_deref() == row)?;
                let (c, r) = choices[i][digits[i]];
                units[i].classes[c].reprs[r].value()
            };
            let get_const = |q: &str, row: Option<&str>| -> Option<Value<'_>> {
                if row.is_none()
                    && let Some(si) = self.segs.iter().position(|&s| self.qs[s].id == q)
                    && let Some(v) = &seg[si]
                {
                    return Some(Value::Str(v));
                }
                get(q, row)
            };
            truth.push(evaluate(expr, &get_const));
            for (d, r) in digits.iter_mut().zip(&radix) {
                *d += 1;
                if *d < *r {
                    break;
                }
                *d = 0;
            }
        }
        if truth.iter().all(|&t| t) {
            return Some((var(ns), false));
        }
        if truth.iter().all(|&t| !t) {
            return Some((vec![(ns, Q::ONE), (self.n, Q::ONE.neg())], true));
        }
        // Which units does the outcome depend on?
        let mut stride = vec![1usize; units.len()];
        for i in 1..units.len() {
            stride[i] = stride[i - 1] * radix[i - 1];
        }
        let matters = |u: usize| -> bool {
            (0..total).any(|i| {
                (i / stride[u]).is_multiple_of(radix[u])
                    && (1..radix[u]).any(|j| truth[i + j * stride[u]] != truth[i])
            })
        };
        let deps: Vec<usize> = (0..units.len()).filter(|&u| matters(u)).collect();
        let [u] = deps[..] else { return None };
        let unit = &units[u];
        let mut f = var(ns);
        let mut digit = 0;
        for c in &unit.classes {
            let vals: BTreeSet<bool> = (0..c.reprs.len())
                .map(|r| truth[(digit + r) * stride[u]])
                .collect();
            digit += c.reprs.len();
            match (vals.len(), vals.contains(&false)) {
                (1, false) => {}
                (1, true) => {
                    for &(v, x) in c.func.as_ref()? {
                        f.push((v, x.neg()));
                    }
                }
                _ => return None,
            }
        }
        Some((f, false))
    }

    /// The (sub)questions a condition depends on in an atom whose segment
    /// values are `seg`, each with its classes, a representative answer of
    /// each for the evaluator, and the class's cells (when it has some).
    fn cond_units(&self, expr: &Expr, seg: &[Option<String>]) -> Vec<CUnit> {
        let mut units: Vec<CUnit> = Vec::new();
        let refs = expr.refs();
        for r in &refs {
            let row = r.row.clone();
            if units.iter().any(|u| u.q_id == r.question && u.row == row) {
                continue;
            }
            let Some(qi) = self.question(&r.question) else {
                continue;
            };
            let qm = &self.qs[qi];
            let none = |v: usize| CClass {
                reprs: vec![Repr::None],
                func: Some(var(v)),
            };
            let mut classes = vec![none(qm.ns)];
            if qm.segment {
                let si = self.segs.iter().position(|&s| s == qi).unwrap();
                if seg[si].is_some() {
                    continue; // a known constant
                }
                let Body::Single { sk, classes: cs } = &qm.body else {
                    unreachable!()
                };
                classes.push(none(*sk));
                if let Some((_, v)) = cs.iter().find(|c| c.0 == "other") {
                    classes.push(CClass {
                        reprs: vec![Repr::Str("other".into())],
                        func: Some(var(*v)),
                    });
                }
            } else {
                match &qm.body {
                    Body::Single { sk, classes: cs } => {
                        classes.push(none(*sk));
                        let lits = literals(expr, &qm.id, None);
                        for (c, v) in cs {
                            let reprs = match qm.kind {
                                "choice" | "yesno" => vec![Repr::Str(c.clone())],
                                "scale" | "nps" => vec![Repr::Num(c.parse().unwrap())],
                                "number" if !lits.is_empty() => lits
                                    .iter()
                                    .flat_map(|l| [l - 0.5, *l, l + 0.5])
                                    .map(Repr::Num)
                                    .collect(),
                                _ => vec![Repr::Opaque],
                            };
                            classes.push(CClass {
                                reprs,
                                func: Some(var(*v)),
                            });
                        }
                    }
                    Body::Multi { sk, opts } => {
                        classes.push(none(*sk));
                        let tested: Vec<usize> = contained(expr, &qm.id)
                            .into_iter()
                            .filter_map(|v| opts.iter().position(|o| o.0 == v))
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        let dummy = "\u{1}none of the tested options".to_string();
                        if tested.len() <= 1 {
                            let o = tested.first().copied().unwrap_or(0);
                            let (name, t, u) = &opts[o];
                            let rest = opts
                                .iter()
                                .map(|x| x.0.clone())
                                .find(|x| x != name)
                                .unwrap_or(dummy);
                            classes.push(CClass {
                                reprs: vec![Repr::Set(vec![name.clone()])],
                                func: Some(var(*t)),
                            });
                            classes.push(CClass {
                                reprs: vec![Repr::Set(vec![rest])],
                                func: Some(var(*u)),
                            });
                        } else {
                            // Joint classes of several options: no cells.
                            for mask in 0..(1usize << tested.len()) {
                                let mut set: Vec<String> = tested
                                    .iter()
                                    .enumerate()
                                    .filter(|(b, _)| mask & (1 << b) != 0)
                                    .map(|(_, &o)| opts[o].0.clone())
                                    .collect();
                                if set.is_empty() {
                                    set.push(dummy.clone());
                                }
                                classes.push(CClass {
                                    reprs: vec![Repr::Set(set)],
                                    func: None,
                                });
                            }
                        }
                    }
                    Body::Matrix { rows, sk, any } => match &row {
                        Some(rid) => {
                            let Some(mr) = rows.iter().find(|x| &x.id == rid) else {
                                continue;
                            };
                            classes.push(none(mr.sk));
                            for (p, v) in &mr.points {
                                classes.push(CClass {
                                    reprs: vec![Repr::Num(p.parse().unwrap())],
                                    func: Some(var(*v)),
                                });
                            }
                        }
                        None => {
                            // answered(matrix): some row answered.
                            classes.push(none(*sk));
                            classes.push(CClass {
                                reprs: vec![Repr::Opaque],
                                func: Some(var(*any)),
                            });
                        }
                    },
                    Body::Ranking { sk, .. } => {
                        classes.push(none(*sk));
                        classes.push(CClass {
                            reprs: vec![Repr::Opaque],
                            func: Some(self.answered(qi, Sub::Whole)),
                        });
                    }
                }
            }
            units.push(CUnit {
                q_id: qm.id.clone(),
                row,
                classes,
            });
        }
        units
    }

    /// The cells one respondent falls in (besides `n`): `answers` are the
    /// answers kept, `shown(q)` whether the question was shown.
    pub fn respondent_cells(
        &self,
        answers: &BTreeMap<String, Answer>,
        shown: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<usize>, String> {
        let mut out = vec![self.n];
        for qm in &self.qs {
            let id = &qm.id;
            if !shown(id) {
                out.push(qm.ns);
                continue;
            }
            let a = answers.get(id);
            let bad = |what: &str| format!("'{id}': {what} does not fit the survey");
            match &qm.body {
                Body::Single { sk, classes } => {
                    let class = match a {
                        None => None,
                        Some(Answer::Choice(v)) => Some(v.clone()),
                        Some(Answer::YesNo(b)) => Some(if *b { "yes" } else { "no" }.into()),
                        Some(Answer::Point(p)) => Some(p.to_string()),
                        Some(Answer::Number(_) | Answer::Text(_)) => Some("answered".into()),
                        Some(Answer::Month { year, month }) => {
                            Some(format!("{year:04}-{month:02}"))
                        }
                        Some(_) => return Err(bad("the answer's type")),
                    };
                    match class {
                        None => out.push(*sk),
                        Some(c) => out.push(
                            classes
                                .iter()
                                .find(|x| x.0 == c)
                                .ok_or_else(|| bad(&format!("the value '{c}'")))?
                                .1,
                        ),
                    }
                }
                Body::Multi { sk, opts } => match a {
                    None => out.push(*sk),
                    Some(Answer::Multi(ticked)) => {
                        for t in ticked {
                            if !opts.iter().any(|o| &o.0 == t) {
                                return Err(bad(&format!("the option '{t}'")));
                            }
                        }
                        for (o, t, u) in opts {
                            out.push(if ticked.contains(o) { *t } else { *u });
                        }
                    }
                    Some(_) => return Err(bad("the answer's type")),
                },
                Body::Matrix { rows, sk, any } => {
                    let given = match a {
                        None => BTreeMap::new(),
                        Some(Answer::Matrix(m)) => m.clone(),
                        Some(_) => return Err(bad("the answer's type")),
                    };
                    out.push(if given.is_empty() { *sk } else { *any });
                    for r in rows {
                        match given.get(&r.id) {
                            None => out.push(r.sk),
                            Some(p) => out.push(
                                r.points
                                    .iter()
                                    .find(|x| x.0 == p.to_string())
                                    .ok_or_else(|| bad(&format!("the point {p}")))?
                                    .1,
                            ),
                        }
                    }
                }
                Body::Ranking {
                    sk,
                    opts,
                    at,
                    unranked,
                    empty,
                } => match a {
                    None => out.push(*sk),
                    Some(Answer::Ranking(order)) => {
                        for (o, name) in opts.iter().enumerate() {
                            match order.iter().position(|x| x == name) {
                                Some(p) => out.push(at[o][p]),
                                None => out.push(unranked[o]),
                            }
                        }
                        for p in order.len().max(1)..opts.len() {
                            out.push(empty[p - 1]);
                        }
                    }
                    Some(_) => return Err(bad("the answer's type")),
                },
            }
        }
        Ok(out)
    }
}

/// A representative answer for the evaluator.
enum Repr {
    None,
    Str(String),
    Num(f64),
    Set(Vec<String>),
    Opaque,
}

impl Repr {
    fn value(&self) -> Option<Value<'_>> {
        match self {
            Repr::None => None,
            Repr::Str(s) => Some(Value::Str(s)),
            Repr::Num(x) => Some(Value::Num(*x)),
            Repr::Set(v) => Some(Value::Set(SetRef::Values(v))),
            Repr::Opaque => Some(Value::Opaque),
        }
    }
}

struct CClass {
    reprs: Vec<Repr>,
    func: Option<Func>,
}

struct CUnit {
    q_id: String,
    row: Option<String>,
    classes: Vec<CClass>,
}

/// The numbers a condition compares question `q` with.
fn literals(e: &Expr, q: &str, row: Option<&str>) -> Vec<f64> {
    let mut out = Vec::new();
    fn walk(e: &Expr, q: &str, row: Option<&str>, out: &mut Vec<f64>) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                walk(a, q, row, out);
                walk(b, q, row, out);
            }
            Expr::Not(a) => walk(a, q, row, out),
            Expr::Compare {
                target,
                value: Literal::Number(x),
                ..
            } if target.question == q && target.row.as_deref() == row => out.push(*x),
            Expr::InList { target, values }
                if target.question == q && target.row.as_deref() == row =>
            {
                out.extend(values.iter().filter_map(|(l, _)| match l {
                    Literal::Number(x) => Some(*x),
                    _ => None,
                }));
            }
            _ => {}
        }
    }
    walk(e, q, row, &mut out);
    out
}

/// The option values a condition tests with `'v' in q`.
fn contained(e: &Expr, q: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(e: &Expr, q: &str, out: &mut Vec<String>) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                walk(a, q, out);
                walk(b, q, out);
            }
            Expr::Not(a) => walk(a, q, out),
            Expr::Contains {
                value: Literal::Str(v),
                target,
                ..
            } if target.question == q => out.push(v.clone()),
            _ => {}
        }
    }
    walk(e, q, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::normalise;

    const SURVEY: &str = r#"id: t
title: T
custodian: c
endpoint:
  service: netlify
sections:
  - questions:
      - { id: dept, type: choice, segment: true, other: true, text: D, options: { eng: E, sales: S } }
      - { id: q1, type: choice, text: Q, options: { a: A, b: B, c: C } }
      - { id: q2, type: yesno, show_if: "q1 == 'a'", text: Q }
      - { id: q3, type: yesno, show_if: "not q1 == 'a'", text: Q }
      - { id: q4, type: yesno, show_if: "q1 != 'a'", text: Q }
      - { id: q5, type: yesno, show_if: "dept == 'sales'", text: Q }
      - { id: q6, type: yesno, show_if: "dept == 'other'", text: Q }
      - { id: q7, type: yesno, show_if: "q1 == 'a' or q2 == 'yes'", text: Q }
      - { id: q8, type: scale, show_if: "answered(q1)", text: Q }
      - { id: q8m, type: multi, text: Q, options: { x: X, z: Z } }
      - { id: q9, type: multi, show_if: "'x' in q8m and q1 == 'b'", text: Q, options: { y: Y } }
      - { id: q10, type: yesno, show_if: "'x' in q8m", text: Q }
"#;

    fn model() -> Model {
        let src = SURVEY;
        let s = match farvel::survey::parse_survey(src, std::path::Path::new("t.yaml")) {
            Ok(s) => s,
            Err(farvel::Error::Invalid { diagnostics, .. }) => panic!("{diagnostics:?}"),
            Err(e) => panic!("{e}"),
        };
        Model::new(&s, &HashMap::new())
    }

    fn f(m: &Model, terms: &[(&str, i128)]) -> Vec<(u32, Q)> {
        normalise(
            terms
                .iter()
                .map(|(name, c)| {
                    let v = m
                        .names
                        .iter()
                        .position(|x| x == name)
                        .unwrap_or_else(|| panic!("{name}"));
                    (v as u32, Q::int(*c))
                })
                .collect(),
        )
    }

    fn ids(m: &Model, seg: Option<&str>) -> Vec<Vec<(u32, Q)>> {
        m.identities(&[seg.map(str::to_string)])
            .into_iter()
            .map(|x| normalise(x.into_iter().map(|(v, c)| (v as u32, c)).collect()))
            .collect()
    }

    fn has(ids: &[Vec<(u32, Q)>], want: Vec<(u32, Q)>) -> bool {
        let neg: Vec<(u32, Q)> = want.iter().map(|&(v, c)| (v, c.neg())).collect();
        ids.contains(&want) || ids.contains(&neg)
    }

    #[test]
    fn not_shown_follows_show_if() {
        let m = model();
        let eng = ids(&m, Some("eng"));
        let null = ids(&m, None);
        // q1 == 'a': not shown = q1's other classes, skipped and not shown.
        let q2 = f(
            &m,
            &[
                ("q2: not shown", 1),
                ("q1=b", -1),
                ("q1=c", -1),
                ("q1: skipped", -1),
                ("q1: not shown", -1),
            ],
        );
        assert!(has(&eng, q2.clone()) && has(&null, q2));
        assert!(has(&eng, f(&m, &[("q3: not shown", 1), ("q1=a", -1)])));
        assert!(has(
            &eng,
            f(
                &m,
                &[
                    ("q4: not shown", 1),
                    ("q1=a", -1),
                    ("q1: skipped", -1),
                    ("q1: not shown", -1)
                ]
            )
        ));
        // dept == 'sales': constant per atom; not answered is never sales.
        assert!(has(&eng, f(&m, &[("q5: not shown", 1), ("n", -1)])));
        assert!(has(&eng, f(&m, &[("q5=yes", 1)])) && has(&eng, f(&m, &[("q5: skipped", 1)])));
        assert!(has(&ids(&m, Some("sales")), f(&m, &[("q5: not shown", 1)])));
        assert!(has(&null, f(&m, &[("q5: not shown", 1), ("n", -1)])));
        // dept == 'other': a write-in is in the "not answered" atom.
        assert!(has(&eng, f(&m, &[("q6: not shown", 1), ("n", -1)])));
        assert!(has(
            &null,
            f(
                &m,
                &[
                    ("q6: not shown", 1),
                    ("dept: skipped", -1),
                    ("dept: not shown", -1)
                ]
            )
        ));
        // Two questions: no identity.
        let q7 = m.names.iter().position(|x| x == "q7: not shown").unwrap() as u32;
        let mentions = |v: u32| eng.iter().filter(|r| r.iter().any(|e| e.0 == v)).count();
        assert_eq!(mentions(q7), 1, "only its sum identity");
        assert!(has(
            &eng,
            f(
                &m,
                &[
                    ("q8: not shown", 1),
                    ("q1: skipped", -1),
                    ("q1: not shown", -1)
                ]
            )
        ));
        let q9 = m.names.iter().position(|x| x == "q9: not shown").unwrap() as u32;
        assert_eq!(mentions(q9), 1, "only its sum identity");
        assert!(has(
            &eng,
            f(
                &m,
                &[
                    ("q10: not shown", 1),
                    ("q8m: x not ticked", -1),
                    ("q8m: skipped", -1),
                    ("q8m: not shown", -1)
                ]
            )
        ));
        // The segment's own cells are known.
        assert!(has(&eng, f(&m, &[("dept=eng", 1), ("n", -1)])));
        assert!(has(&eng, f(&m, &[("dept=other", 1)])));
        assert!(has(&null, f(&m, &[("dept=sales", 1)])));
        // Sums, and the multi's shared answered count.
        assert!(has(
            &eng,
            f(
                &m,
                &[
                    ("q8m: x ticked", 1),
                    ("q8m: x not ticked", 1),
                    ("q8m: skipped", 1),
                    ("q8m: not shown", 1),
                    ("n", -1)
                ]
            )
        ));
        assert!(has(
            &eng,
            f(
                &m,
                &[
                    ("q8m: z ticked", 1),
                    ("q8m: z not ticked", 1),
                    ("q8m: skipped", 1),
                    ("q8m: not shown", 1),
                    ("n", -1)
                ]
            )
        ));
    }
}
