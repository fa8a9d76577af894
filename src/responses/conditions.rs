//! The survey's conditions (`show_if`) compiled against the catalog once,
//! so that finding which questions a row's respondent was shown costs a
//! few bit tests per row instead of a walk over option values.
//!
//! Every condition keeps its shape (`or`, `and`, `not`); each leaf names
//! one question. A leaf that cannot hold (a question at or after the one
//! it decides, or one that takes no answer) is compiled to `false`. A leaf
//! over a choice, yes/no or multi question is also compiled to a mask:
//! the option indexes for which it holds, found by evaluating the leaf on
//! each option value alone. A set of ticked options satisfies only
//! "'a' in q" and "answered(q)", and either holds for a set exactly when
//! it holds for one of its options, so a multi answer is tested against
//! the mask option by option. Any other answer is looked up and evaluated
//! as [`Visibility::mask_with`] does, so the two always agree.
//!
//! [`Visibility::mask_with`]: crate::survey::expr::Visibility::mask_with

use crate::survey::Kind;
use crate::survey::expr::{Expr, SetRef, Value, evaluate};

use super::coded::{Code, Coded};
use super::headers::Catalog;

/// Every conditional question's compiled condition, in survey order.
#[derive(Debug, Default)]
pub struct Conditions<'s> {
    each: Vec<(usize, Node<'s>)>,
}

#[derive(Debug)]
enum Node<'s> {
    Const(bool),
    Or(Box<Node<'s>>, Box<Node<'s>>),
    And(Box<Node<'s>>, Box<Node<'s>>),
    Not(Box<Node<'s>>),
    Leaf(Leaf<'s>),
}

/// A leaf over question `q` (catalog index) at survey position `pos`.
#[derive(Debug)]
struct Leaf<'s> {
    pos: usize,
    q: usize,
    expr: &'s Expr,
    /// The option indexes (below 64) for which the leaf holds.
    mask: Option<Mask>,
}

/// The answers for which a leaf holds, by the question's kind.
#[derive(Debug, Clone, Copy)]
enum Mask {
    /// choice: by option index.
    Choice(u64),
    /// yes/no: bit 0 for yes, bit 1 for no.
    YesNo(u64),
    /// multi: by option index, any one of those ticked.
    Multi(u64, u32),
}

impl<'s> Conditions<'s> {
    /// `cat`'s survey's conditions, compiled.
    pub fn new(cat: &Catalog<'s>) -> Self {
        let each = cat
            .survey
            .questions()
            .enumerate()
            .filter_map(|(i, q)| Some((i, compile(cat, &q.show_if.as_ref()?.expr, i))))
            .collect();
        Conditions { each }
    }

    /// Write into `out` which of the survey's questions (by position) the
    /// respondent of `row` was shown: as [`crate::survey::expr::Visibility::mask_with`]
    /// over the row's values.
    pub fn mask(&self, cat: &Catalog, row: &Coded, out: &mut Vec<bool>) {
        out.clear();
        out.resize(cat.at_position.len(), true);
        for (i, node) in &self.each {
            let shown = node.holds(cat, row, out);
            out[*i] = shown;
        }
    }
}

fn compile<'s>(cat: &Catalog<'s>, e: &'s Expr, at: usize) -> Node<'s> {
    match e {
        Expr::Or(a, b) => Node::Or(Box::new(compile(cat, a, at)), Box::new(compile(cat, b, at))),
        Expr::And(a, b) => Node::And(Box::new(compile(cat, a, at)), Box::new(compile(cat, b, at))),
        Expr::Not(a) => Node::Not(Box::new(compile(cat, a, at))),
        Expr::Answered(r)
        | Expr::Compare { target: r, .. }
        | Expr::Contains { target: r, .. }
        | Expr::InList { target: r, .. } => {
            let q = cat
                .survey
                .questions()
                .position(|x| x.id == r.question)
                .filter(|&pos| pos < at)
                .and_then(|pos| Some((pos, cat.at_position[pos]?)));
            match q {
                // Read as not answered: no leaf holds for it.
                None => Node::Const(false),
                Some((pos, q)) => Node::Leaf(Leaf {
                    pos,
                    q,
                    expr: e,
                    mask: mask(cat, q, e),
                }),
            }
        }
    }
}

/// A mask of one kind from its bits and the number of values.
type MaskOf = fn(u64, u32) -> Mask;

/// The option indexes for which leaf `e` over question `q` holds, when
/// its answers are options (at most 64 of them).
fn mask(cat: &Catalog, q: usize, e: &Expr) -> Option<Mask> {
    let info = &cat.questions[q];
    let yes_no = ["yes".to_string(), "no".to_string()];
    // The values, whether an answer is a set of them, and the mask's kind.
    let (values, multi, kind): (&[String], bool, MaskOf) = match &info.q.kind {
        Kind::Choice { .. } => (&info.opts.values, false, |m, _| Mask::Choice(m)),
        Kind::Multi { .. } => (&info.opts.values, true, Mask::Multi),
        Kind::YesNo => (&yes_no, false, |m, _| Mask::YesNo(m)),
        _ => return None,
    };
    if values.len() > 64 {
        return None;
    }
    let mut m = 0u64;
    for j in 0..values.len() {
        let one = [j as u32];
        let value = match multi {
            true => Value::Set(SetRef::Indexes(&one, values)),
            false => Value::Str(&values[j]),
        };
        // A leaf with a matrix row reads no value from these questions.
        if evaluate(e, &|_, row| row.is_none().then(|| value.clone())) {
            m |= 1 << j;
        }
    }
    Some(kind(m, values.len() as u32))
}

impl Node<'_> {
    fn holds(&self, cat: &Catalog, row: &Coded, out: &[bool]) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Or(a, b) => a.holds(cat, row, out) || b.holds(cat, row, out),
            Node::And(a, b) => a.holds(cat, row, out) && b.holds(cat, row, out),
            Node::Not(a) => !a.holds(cat, row, out),
            Node::Leaf(l) => l.holds(cat, row, out),
        }
    }
}

impl Leaf<'_> {
    fn holds(&self, cat: &Catalog, row: &Coded, out: &[bool]) -> bool {
        // A question not shown reads as not answered.
        if !out[self.pos] {
            return false;
        }
        let bit = |i: u32, m: u64| i < 64 && m >> i & 1 == 1;
        match (self.mask, row.answer(self.q)) {
            (Some(Mask::Choice(m)), Some(Code::Opt(i))) => bit(i, m),
            (Some(Mask::YesNo(m)), Some(Code::YesNo(b))) => bit(u32::from(!b), m),
            // An empty multi answer reads as not answered; `any` over it
            // is false.
            (Some(Mask::Multi(m, n)), Some(Code::Multi(s)))
                if row.idx(s).iter().all(|&i| i < n) =>
            {
                row.idx(s).iter().any(|&i| bit(i, m))
            }
            _ => evaluate(self.expr, &|_, r| row.value(cat, self.q, r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::survey::expr::Visibility;

    /// Conditions of every kind over every kind of question, some naming
    /// questions after them.
    const SURVEY: &str = r#"
id: cond
languages: [en]
title: { en: Conditions }
custodian: { en: the custodian }
endpoint: { service: url, url: "https://example.org/collect" }
sections:
  - questions:
      - id: c
        type: choice
        other: true
        text: { en: C }
        options: { a: { en: A }, b: { en: B }, "yes": { en: Yes }, "no": { en: No } }
      - id: m
        type: multi
        none: true
        text: { en: M }
        options: { a: { en: A }, b: { en: B }, c: { en: C } }
      - id: y
        type: yesno
        text: { en: Y }
      - id: s1
        type: scale
        range: [1, 5]
        text: { en: S1 }
      - id: g
        type: matrix
        range: [1, 3]
        rows: { r1: { en: R1 }, r2: { en: R2 } }
        text: { en: G }
      - id: t
        type: text
        text: { en: T }
      - id: q1
        type: text
        text: { en: Q1 }
        show_if: "c == 'a' or 'b' in m"
      - id: q2
        type: text
        text: { en: Q2 }
        show_if: "not (c != 'yes') and y == true"
      - id: q3
        type: text
        text: { en: Q3 }
        show_if: "c in ['a', 'other'] or 'none' in m or y == 'no'"
      - id: q4
        type: text
        text: { en: Q4 }
        show_if: "s1 >= 3 and g.r2 < 2 or answered(t) or answered(q1)"
      - id: q5
        type: text
        text: { en: Q5 }
        show_if: "answered(q1) and answered(m) and not answered(c) or y == false"
      - id: q6
        type: text
        text: { en: Q6 }
        show_if: "answered(q5) or c == 'b' and s1 == 1 or 'c' in m"
"#;

    fn survey() -> crate::survey::Survey {
        crate::survey::parse_survey(SURVEY, std::path::Path::new("cond.yaml"))
            .unwrap_or_else(|e| panic!("cond.yaml: {e}"))
    }

    proptest! {
        /// The compiled conditions show exactly the questions that the
        /// conditions, evaluated over the row's values, show.
        #[test]
        fn compiled_conditions_agree_with_evaluating_them(
            c in proptest::option::of(0u32..6),
            m in proptest::option::of(proptest::collection::btree_set(0u32..5, 0..4)),
            y in proptest::option::of(any::<bool>()),
            s1 in proptest::option::of(0i64..7),
            g in proptest::option::of(proptest::collection::vec((0u32..3, 0i64..5), 0..3)),
            texts in proptest::collection::vec(proptest::option::of(prop::sample::select(vec!["", " ", "x"])), 6),
        ) {
            let survey = survey();
            let cat = Catalog::new(&survey, &BTreeMap::new()).expect("catalog");
            let at = |id: &str| cat.questions.iter().position(|i| i.q.id == id).expect("question");
            let mut row = Coded::default();
            row.clear(cat.questions.len());
            row.set(at("c"), c.map(Code::Opt));
            if let Some(m) = m {
                let mark = row.idx_mark();
                for i in m {
                    row.push_one_idx(i);
                }
                let s = row.idx_since(mark, false);
                row.set(at("m"), Some(Code::Multi(s)));
            }
            row.set(at("y"), y.map(Code::YesNo));
            row.set(at("s1"), s1.map(Code::Point));
            if let Some(g) = g {
                let mark = row.cells_mark();
                for (r, p) in g {
                    row.push_cell(mark, r, p);
                }
                let s = row.cells_since(mark);
                row.set(at("g"), Some(Code::Matrix(s)));
            }
            for (id, t) in ["t", "q1", "q2", "q3", "q5", "q6"].iter().zip(&texts) {
                if let Some(t) = t {
                    let s = row.push_text(t);
                    row.set(at(id), Some(Code::Text(s)));
                }
            }
            let mut want = Vec::new();
            Visibility::new(&survey).mask_with(&mut want, &|p, r| {
                cat.at_position[p].and_then(|q| row.value(&cat, q, r))
            });
            let mut got = Vec::new();
            cat.conditions.mask(&cat, &row, &mut got);
            prop_assert_eq!(got, want);
        }
    }
}
