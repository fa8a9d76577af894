//! Evaluating a `show_if` expression against answers, with the shared
//! semantics: a question that was not answered, or was hidden by its own
//! condition, makes every comparison on it false and `answered()` false;
//! `not` then negates as usual. The page's JavaScript evaluator
//! (`themes/default/conditions.js`) implements the same rules over the
//! JSON form of the AST ([`Expr::to_json`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

use super::ast::*;
use crate::answers::Answer;
use crate::survey::model::Survey;

/// What a reference resolves to, for comparisons.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// choice (option value) and yesno (`yes` / `no`)
    Str(&'a str),
    /// scale, nps, number, matrix row
    Num(f64),
    /// multi: ticked option values
    Set(SetRef<'a>),
    /// answered, but not comparable (text, date, ranking)
    Opaque,
}

/// The ticked options of a multi answer: values, or indexes into the
/// question's option values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SetRef<'a> {
    Values(&'a [String]),
    Indexes(&'a [u32], &'a [String]),
}

impl<'a> SetRef<'a> {
    /// The ticked option values.
    pub fn values(self) -> Vec<&'a str> {
        match self {
            SetRef::Values(vs) => vs.iter().map(String::as_str).collect(),
            SetRef::Indexes(ix, vals) => ix
                .iter()
                .filter_map(|&i| vals.get(i as usize).map(String::as_str))
                .collect(),
        }
    }

    pub fn contains(&self, v: &str) -> bool {
        match self {
            SetRef::Values(vs) => vs.iter().any(|x| x == v),
            SetRef::Indexes(ix, vals) => ix
                .iter()
                .any(|&i| vals.get(i as usize).is_some_and(|x| x == v)),
        }
    }
}

/// Resolve a reference in a set of (shown) answers. An empty answer (no
/// option ticked, blank text, no rows, nothing ranked) counts as not
/// answered, as on the page.
pub fn lookup<'a>(
    answers: &'a BTreeMap<String, Answer>,
    q: &str,
    row: Option<&str>,
) -> Option<Value<'a>> {
    let a = answers.get(q)?;
    let empty = match a {
        Answer::Multi(v) | Answer::Ranking(v) => v.is_empty(),
        Answer::Text(t) | Answer::Choice(t) => t.trim().is_empty(),
        _ => false,
    };
    if empty {
        return None;
    }
    Some(match (a, row) {
        (Answer::Matrix(rows), Some(r)) => Value::Num(*rows.get(r)? as f64),
        (_, Some(_)) => return None,
        (Answer::Choice(v), None) => Value::Str(v),
        (Answer::YesNo(b), None) => Value::Str(if *b { "yes" } else { "no" }),
        (Answer::Point(p), None) => Value::Num(*p as f64),
        (Answer::Number(n), None) => Value::Num(*n),
        (Answer::Multi(v), None) => Value::Set(SetRef::Values(v)),
        (Answer::Matrix(m), None) if m.is_empty() => return None,
        _ => Value::Opaque,
    })
}

fn compare(v: &Value, op: CmpOp, lit: &Literal) -> bool {
    match (v, lit) {
        (Value::Str(s), Literal::Str(l)) => match op {
            CmpOp::Eq => s == l,
            CmpOp::Ne => s != l,
            _ => false,
        },
        (Value::Num(n), Literal::Number(l)) => match op {
            CmpOp::Eq => n == l,
            CmpOp::Ne => n != l,
            CmpOp::Lt => n < l,
            CmpOp::Le => n <= l,
            CmpOp::Gt => n > l,
            CmpOp::Ge => n >= l,
        },
        (Value::Str(s), Literal::Bool(b)) => match op {
            CmpOp::Eq => (*s == "yes") == *b,
            CmpOp::Ne => (*s == "yes") != *b,
            _ => false,
        },
        _ => false,
    }
}

/// Evaluate `expr`; `get` resolves a reference, `None` meaning not answered
/// or hidden.
pub fn evaluate<'a>(expr: &Expr, get: &dyn Fn(&str, Option<&str>) -> Option<Value<'a>>) -> bool {
    match expr {
        Expr::Or(a, b) => evaluate(a, get) || evaluate(b, get),
        Expr::And(a, b) => evaluate(a, get) && evaluate(b, get),
        Expr::Not(a) => !evaluate(a, get),
        Expr::Answered(r) => get(&r.question, r.row.as_deref()).is_some(),
        Expr::Compare {
            target, op, value, ..
        } => get(&target.question, target.row.as_deref()).is_some_and(|v| compare(&v, *op, value)),
        Expr::Contains { value, target, .. } => match (get(&target.question, None), value) {
            (Some(Value::Set(set)), Literal::Str(s)) => set.contains(s),
            _ => false,
        },
        Expr::InList { target, values } => get(&target.question, target.row.as_deref())
            .is_some_and(|v| values.iter().any(|(l, _)| compare(&v, CmpOp::Eq, l))),
    }
}

/// The ids of the questions shown to a respondent with these answers, in
/// survey order. A question is shown when it has no condition or its
/// condition holds over the answers to questions shown before it.
pub fn visible_questions(survey: &Survey, answers: &BTreeMap<String, Answer>) -> BTreeSet<String> {
    let v = Visibility::new(survey);
    let mut mask = Vec::new();
    v.mask(answers, &mut mask);
    survey
        .questions()
        .zip(mask)
        .filter(|(_, shown)| *shown)
        .map(|(q, _)| q.id.clone())
        .collect()
}

/// The questions a condition names: each id as it lies in the condition,
/// and its position.
type Refs<'s> = Vec<(&'s str, usize)>;

/// [`visible_questions`] prepared once per survey for many respondents:
/// the answer is a mask over `survey.questions()`, written into a buffer
/// the caller reuses.
pub struct Visibility<'s> {
    /// The questions with a condition: position, condition, and the
    /// questions it names (each id as it lies in the condition) with their
    /// positions, found by address rather than by hashing.
    conditional: Vec<(usize, &'s Expr, Refs<'s>)>,
    index: foldhash::HashMap<&'s str, usize>,
    ids: Vec<&'s str>,
}

impl<'s> Visibility<'s> {
    pub fn new(survey: &'s Survey) -> Self {
        let index: foldhash::HashMap<&str, usize> = survey
            .questions()
            .enumerate()
            .map(|(i, q)| (q.id.as_str(), i))
            .collect();
        let conditional = survey
            .questions()
            .enumerate()
            .filter_map(|(i, q)| {
                let e = &q.show_if.as_ref()?.expr;
                let refs = e
                    .refs()
                    .into_iter()
                    .filter_map(|r| {
                        let id = r.question.as_str();
                        index.get(id).map(|&p| (id, p))
                    })
                    .collect();
                Some((i, e, refs))
            })
            .collect();
        Visibility {
            conditional,
            index,
            ids: survey.questions().map(|q| q.id.as_str()).collect(),
        }
    }

    /// The position of a question in `survey.questions()`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// `out[i]`: whether question `i` was shown.
    pub fn mask(&self, answers: &BTreeMap<String, Answer>, out: &mut Vec<bool>) {
        self.mask_with(out, &|p, row| lookup(answers, self.ids[p], row));
    }

    /// [`Visibility::mask`] over answers of any shape: `get` resolves the
    /// question at a position (in `survey.questions()`) and a matrix row.
    pub fn mask_with<'v>(
        &self,
        out: &mut Vec<bool>,
        get: &dyn Fn(usize, Option<&str>) -> Option<Value<'v>>,
    ) {
        // A question without a condition is shown; one with a condition is
        // decided in survey order, over the questions before it (a
        // question at or after it counts as not shown, so what it was
        // filled with first is never read).
        out.clear();
        out.resize(self.ids.len(), true);
        for (i, expr, refs) in &self.conditional {
            let (i, expr) = (*i, *expr);
            let at = |id: &str, row: Option<&str>| {
                let p = match refs.iter().find(|(r, _)| std::ptr::eq(*r, id)) {
                    Some(&(_, p)) => Some(p),
                    None => self.position(id),
                };
                match p {
                    Some(p) if p < i && out[p] => get(p, row),
                    _ => None,
                }
            };
            out[i] = evaluate(expr, &at);
        }
    }
}

fn lit_json(l: &Literal) -> Json {
    match l {
        Literal::Number(n) => json!(n),
        Literal::Str(s) => json!(s),
        Literal::Bool(b) => json!(b),
    }
}

impl Expr {
    /// The JSON form the page's script evaluates:
    /// `{"or":[a,b]}`, `{"and":[a,b]}`, `{"not":a}`,
    /// `{"answered":{"q":id,"row":row|null}}`,
    /// `{"cmp":{"q":id,"row":row|null,"op":"==","v":lit}}`,
    /// `{"has":{"q":id,"v":lit}}` (`'v' in q`),
    /// `{"in":{"q":id,"row":row|null,"vs":[lit,…]}}`.
    pub fn to_json(&self) -> Json {
        match self {
            Expr::Or(a, b) => json!({"or": [a.to_json(), b.to_json()]}),
            Expr::And(a, b) => json!({"and": [a.to_json(), b.to_json()]}),
            Expr::Not(a) => json!({"not": a.to_json()}),
            Expr::Answered(r) => json!({"answered": {"q": r.question, "row": r.row}}),
            Expr::Compare {
                target, op, value, ..
            } => json!({"cmp": {
                "q": target.question, "row": target.row, "op": op.symbol(), "v": lit_json(value)
            }}),
            Expr::Contains { value, target, .. } => {
                json!({"has": {"q": target.question, "v": lit_json(value)}})
            }
            Expr::InList { target, values } => json!({"in": {
                "q": target.question, "row": target.row,
                "vs": values.iter().map(|(l, _)| lit_json(l)).collect::<Vec<_>>()
            }}),
        }
    }
}
