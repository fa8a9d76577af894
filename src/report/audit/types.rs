//! The reader's view of a question whose `show_if` tests a segment: in
//! each atom it is hidden (the segments alone make the condition false) or
//! one question per combination of the tested segments' values.

use std::collections::{BTreeMap, BTreeSet};

use super::{Atom, Layout};
use crate::survey::expr::{Expr, Value, evaluate};

/// For each question whose `show_if` depends on a segment's value, the
/// reader's view of it in each atom: hidden (the segments alone make the
/// condition false), or one of the combinations of the values of the
/// segments it depends on.
pub(super) struct Types {
    /// Per question: `None` if its condition involves no segment; else per
    /// atom `None` (hidden by the segments) or a combination number.
    per_atom: Vec<Option<Vec<Option<usize>>>>,
}

/// What a condition is, given only an atom's segment values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Types {
    pub(super) fn new(layout: &Layout, atoms: &[Atom]) -> Types {
        let qs = layout.questions;
        let index = |id: &str| qs.iter().position(|q| q.id == id);
        let segment_dim = |qi: usize| layout.segments.iter().position(|s| s.0 == qi);
        // The segment dimensions each question's condition depends on,
        // directly or through the questions it names.
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); qs.len()];
        for qi in 0..qs.len() {
            let Some(c) = &qs[qi].show_if else { continue };
            let mut d = BTreeSet::new();
            for r in c.expr.refs() {
                if let Some(ri) = index(&r.question) {
                    if let Some(dim) = segment_dim(ri) {
                        d.insert(dim);
                    }
                    if ri < qi {
                        d.extend(deps[ri].iter().copied());
                    }
                }
            }
            deps[qi] = d;
        }
        let mut per_atom: Vec<Option<Vec<Option<usize>>>> = vec![None; qs.len()];
        let mut hidden = vec![vec![false; qs.len()]; atoms.len()];
        for qi in 0..qs.len() {
            if deps[qi].is_empty() {
                continue;
            }
            let Some(c) = &qs[qi].show_if else { continue };
            let mut combos: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
            let mut col = Vec::with_capacity(atoms.len());
            for (a, atom) in atoms.iter().enumerate() {
                let value = |ri: usize| -> Option<Option<&str>> {
                    let dim = segment_dim(ri)?;
                    let (sq, vals) = &layout.segments[dim];
                    let v = vals.get(atom.key[dim]).map(String::as_str);
                    // A write-in on a segment reads as "not answered", but
                    // the form's condition saw it: unknown.
                    let other = qs[*sq].kind.allows_other();
                    match v {
                        None if other => None,
                        v => Some(v),
                    }
                };
                let tri = eval3(&c.expr, &|id: &str| {
                    let ri = index(id)?;
                    if hidden[a][ri] {
                        return Some(None);
                    }
                    value(ri)
                });
                if tri == Tri::False {
                    hidden[a][qi] = true;
                    col.push(None);
                } else {
                    let key: Vec<usize> = deps[qi].iter().map(|&d| atom.key[d]).collect();
                    let next = combos.len();
                    col.push(Some(*combos.entry(key).or_insert(next)));
                }
            }
            per_atom[qi] = Some(col);
        }
        Types { per_atom }
    }

    /// The parts of group `set` that question `qi`'s figures are about.
    pub(super) fn parts(&self, qi: usize, set: &[usize]) -> Vec<Vec<usize>> {
        let Some(col) = &self.per_atom[qi] else {
            return vec![set.to_vec()];
        };
        let mut by: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &a in set {
            if let Some(t) = col[a] {
                by.entry(t).or_default().push(a);
            }
        }
        by.into_values().collect()
    }
}

/// Evaluate a condition knowing only some answers: `known(id)` is
/// `Some(answer)` for a question whose answer is known (`None` inside:
/// not answered or hidden), `None` when it is unknown.
fn eval3<'a>(e: &Expr, known: &dyn Fn(&str) -> Option<Option<&'a str>>) -> Tri {
    match e {
        Expr::Or(a, b) => match (eval3(a, known), eval3(b, known)) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        },
        Expr::And(a, b) => match (eval3(a, known), eval3(b, known)) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        },
        Expr::Not(a) => match eval3(a, known) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        },
        leaf => {
            let refs = leaf.refs();
            let Some(r) = refs.first() else {
                return Tri::Unknown;
            };
            match known(&r.question) {
                None => Tri::Unknown,
                Some(v) => {
                    let get = |_: &str, row: Option<&str>| -> Option<Value<'a>> {
                        if row.is_some() {
                            return None;
                        }
                        v.map(Value::Str)
                    };
                    if evaluate(leaf, &get) {
                        Tri::True
                    } else {
                        Tri::False
                    }
                }
            }
        }
    }
}
