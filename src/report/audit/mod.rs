//! The disclosure audit: which groups a report may describe, and which of
//! each question's figures it may print for each of them.
//!
//! The model (`docs/anonymity.md`): atoms are the combinations of segment
//! values ("not answered" included) and reporting period; the reader knows
//! which atoms are empty, not how many people each holds. Every printed
//! figure is a linear function of one group's cells. If every figure is
//! about a group in a set P, everything the reader can derive lies in
//! span{1_G : G ∈ P} ⊗ (functionals of an atom's cells), so:
//!
//! 1. **Small sets.** If no nonzero vector of span(P) lives on fewer than k
//!    respondents ([`span::small_support_free`]), no function of a set
//!    under k can be derived, whatever figures each group prints. P is
//!    chosen greedily: the whole population, then each segment and period
//!    group largest first, then each dimension's "other groups
//!    (combined)"; a group joins only if P stays free of small supports.
//!    A question whose `show_if` tests a segment is, for the reader, a
//!    different question in each combination of those segments' values;
//!    its figures for a group G are figures about G's part in each such
//!    combination, and those parts must join P too.
//! 2. **Bases.** A question's answer figures are printed for a group only
//!    when at least k in it answered; medians, quartiles and "most common"
//!    only when at least 2k did.
//! 3. **Unanimity.** For each question, the groups whose answer figures
//!    are printed (P_q ⊆ P) are chosen greedily again: a group joins only
//!    if no set in span(P_q) with 1 to 2k−1 answerers can be shown to have
//!    answered all, or all but one, alike in any grouping of the answers
//!    ([`span::unanimity_free`]).

use std::collections::{BTreeMap, BTreeSet};

use super::aggregate::{Cell, QAgg};
use super::span::{self, Echelon, Split, indicator};
use crate::survey::model::{Kind, Question};

/// A group a report can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupId {
    Overall,
    /// (dimension, value)
    Value(usize, usize),
    /// A dimension's values that are not shown one by one, together.
    Merged(usize),
}

/// What the audit allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Groups whose number of respondents may be printed.
    pub sizes: BTreeSet<GroupId>,
    /// dimension → the values combined into its `Merged` group.
    pub merged: BTreeMap<usize, Vec<usize>>,
    /// Per question (index into the findings' questions): the groups whose
    /// shown, answered and skipped counts may be printed.
    pub counts: Vec<BTreeSet<GroupId>>,
    /// Per question: the groups whose answer figures may be printed.
    pub figures: Vec<BTreeSet<GroupId>>,
}

impl Plan {
    pub fn size_shown(&self, g: GroupId) -> bool {
        self.sizes.contains(&g)
    }

    pub fn counts_shown(&self, qi: usize, g: GroupId) -> bool {
        self.counts.get(qi).is_some_and(|s| s.contains(&g))
    }

    pub fn figures_shown(&self, qi: usize, g: GroupId) -> bool {
        self.figures.get(qi).is_some_and(|s| s.contains(&g))
    }
}

/// One atom: a value index per dimension, and its figures.
pub struct Atom<'c> {
    pub key: &'c [usize],
    pub cell: &'c Cell,
}

/// What the audit needs to know about the survey.
pub struct Layout<'q> {
    /// The answerable questions, survey order.
    pub questions: &'q [&'q Question],
    /// Per segment dimension: its question index, and its values (option
    /// values; the index one past the end is "not answered").
    pub segments: &'q [(usize, Vec<String>)],
    /// Values per dimension (segments, then the period if any).
    pub sizes: &'q [usize],
}

/// Candidate groups, in the order they are offered.
fn candidates(layout: &Layout, atoms: &[Atom]) -> Vec<(GroupId, Vec<usize>)> {
    let mut out = vec![(GroupId::Overall, (0..atoms.len()).collect())];
    let mut values: Vec<(u64, usize, usize, Vec<usize>)> = Vec::new();
    for (d, &n) in layout.sizes.iter().enumerate() {
        for v in 0..n {
            let set: Vec<usize> = (0..atoms.len()).filter(|&a| atoms[a].key[d] == v).collect();
            let size = set.iter().map(|&a| atoms[a].cell.n).sum();
            values.push((size, d, v, set));
        }
    }
    values.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    out.extend(
        values
            .into_iter()
            .map(|(_, d, v, set)| (GroupId::Value(d, v), set)),
    );
    out
}

/// The atoms of a group.
pub fn members(atoms: &[Atom], g: GroupId, merged: &BTreeMap<usize, Vec<usize>>) -> Vec<usize> {
    (0..atoms.len())
        .filter(|&a| match g {
            GroupId::Overall => true,
            GroupId::Value(d, v) => atoms[a].key[d] == v,
            GroupId::Merged(d) => merged
                .get(&d)
                .is_some_and(|vs| vs.contains(&atoms[a].key[d])),
        })
        .collect()
}

/// The groups P whose figures may be printed, kept free of small supports.
struct Published<'w> {
    weights: &'w [u64],
    k: u64,
    sets: Vec<Vec<usize>>,
    span: Echelon,
}

impl Published<'_> {
    /// Add `set` to P if that keeps P free of small supports; whether it
    /// is (now) in P's span.
    fn offer(&mut self, set: &[usize]) -> bool {
        let v = indicator(set, self.weights.len());
        match self.span.contains(v.clone()) {
            Some(true) => return true,
            None => return false,
            Some(false) => {}
        }
        let n: u64 = set.iter().map(|&a| self.weights[a]).sum();
        if n < self.k {
            return false;
        }
        self.sets.push(set.to_vec());
        if span::small_support_free(&self.sets, self.weights, self.k) {
            self.span.push(v);
            true
        } else {
            self.sets.pop();
            false
        }
    }

    fn contains(&self, set: &[usize]) -> bool {
        self.span
            .contains(indicator(set, self.weights.len()))
            .unwrap_or(false)
    }
}

/// Decide everything; `atoms` are the non-empty atoms.
pub fn plan(layout: &Layout, atoms: &[Atom], k: u64) -> Plan {
    let weights: Vec<u64> = atoms.iter().map(|a| a.cell.n).collect();
    let questions = layout.questions.len();
    let mut plan = Plan {
        counts: vec![BTreeSet::new(); questions],
        figures: vec![BTreeSet::new(); questions],
        ..Plan::default()
    };
    let mut p = Published {
        weights: &weights,
        k,
        sets: Vec::new(),
        span: Echelon::default(),
    };
    let cands = candidates(layout, atoms);
    let all: Vec<usize> = (0..atoms.len()).collect();
    if !p.offer(&all) {
        return plan;
    }
    let mut groups: Vec<(GroupId, Vec<usize>)> = Vec::new();
    for (g, set) in cands {
        if !set.is_empty() && p.offer(&set) {
            plan.sizes.insert(g);
            groups.push((g, set));
        }
    }
    // Each dimension's hidden values together, where that is safe.
    for (d, &n) in layout.sizes.iter().enumerate() {
        let hidden: Vec<usize> = (0..n)
            .filter(|&v| {
                !plan.sizes.contains(&GroupId::Value(d, v)) && atoms.iter().any(|a| a.key[d] == v)
            })
            .collect();
        if hidden.len() < 2 {
            continue;
        }
        plan.merged.insert(d, hidden);
        let set = members(atoms, GroupId::Merged(d), &plan.merged);
        if set.len() < atoms.len() && p.offer(&set) {
            plan.sizes.insert(GroupId::Merged(d));
            groups.push((GroupId::Merged(d), set));
        } else {
            plan.merged.remove(&d);
        }
    }
    let types = Types::new(layout, atoms);
    let deps = dependencies(layout);
    let splits: Vec<Vec<Split>> = (0..questions)
        .map(|qi| splits(layout.questions[qi], atoms, qi))
        .collect();
    // Per question: the groups (or parts) where a figure that is a sum of
    // its answer classes is printed: its own answer figures, and the
    // counts of every question whose `show_if` looks at it ("shown to"
    // a follow-up question is a count of this one's answers).
    let mut exposed: Vec<Vec<Vec<usize>>> = vec![Vec::new(); questions];
    // Print figures about `parts` that are sums of the answer classes of
    // every question in `over`, if that leaves each free of unanimity.
    let mut expose = |over: &BTreeSet<usize>, parts: &[Vec<usize>]| {
        for &q in over {
            let mut tried = exposed[q].clone();
            tried.extend(parts.iter().cloned());
            if !span::unanimity_free(&tried, atoms.len(), &splits[q], k) {
                return false;
            }
        }
        for &q in over {
            exposed[q].extend(parts.iter().cloned());
        }
        true
    };
    for (qi, looked_at) in deps.iter().enumerate() {
        if layout.segments.iter().any(|s| s.0 == qi) {
            continue;
        }
        // Shown, answered and skipped: about the parts of each group the
        // question's figures are about, which must join P.
        for (g, set) in &groups {
            let parts = types.parts(qi, set);
            if parts.iter().all(|part| p.offer(part)) && expose(looked_at, &parts) {
                plan.counts[qi].insert(*g);
            }
        }
        // The answer figures, where at least k answered.
        let mut over = looked_at.clone();
        over.insert(qi);
        for (g, set) in &groups {
            if !plan.counts[qi].contains(g) || answered(atoms, set, qi) < k {
                continue;
            }
            if expose(&over, &types.parts(qi, set)) {
                plan.figures[qi].insert(*g);
            }
        }
    }
    debug_assert!(p.contains(&all));
    plan
}

/// Per question, the questions (not segments) its `show_if` depends on,
/// directly or through the conditions of the questions it names.
fn dependencies(layout: &Layout) -> Vec<BTreeSet<usize>> {
    let qs = layout.questions;
    let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); qs.len()];
    for qi in 0..qs.len() {
        let Some(c) = &qs[qi].show_if else { continue };
        let mut d = BTreeSet::new();
        for r in c.expr.refs() {
            let Some(ri) = qs.iter().position(|q| q.id == r.question) else {
                continue;
            };
            if ri >= qi {
                continue;
            }
            if !layout.segments.iter().any(|s| s.0 == ri) {
                d.insert(ri);
            }
            d.extend(deps[ri].iter().copied());
        }
        deps[qi] = d;
    }
    deps
}

fn answered(atoms: &[Atom], set: &[usize], qi: usize) -> u64 {
    set.iter()
        .map(|&a| atoms[a].cell.q.get(qi).map_or(0, |x| x.answered))
        .sum()
}

/// (answerers, answerers in one grouping) of a question in one atom.
type Pick<'a> = dyn Fn(&QAgg) -> (u64, u64) + 'a;

/// Every grouping of a question's answers that a report could print, per
/// atom: (answerers, answerers outside the grouping).
fn splits(q: &Question, atoms: &[Atom], qi: usize) -> Vec<Split> {
    let empty = QAgg::default();
    let get = |a: &Atom| a.cell.q.get(qi).unwrap_or(&empty).clone();
    let mut out: Vec<Split> = Vec::new();
    // One grouping: `pick` gives (answerers, in the grouping) of an atom.
    let mut add = |pick: &Pick<'_>| {
        out.push(
            atoms
                .iter()
                .map(|a| {
                    let (n, x) = pick(&get(a));
                    (n, n.saturating_sub(x))
                })
                .collect(),
        );
    };
    let points = |scale_min: i64,
                  scale_max: i64,
                  row: Option<&str>,
                  complements: bool,
                  add: &mut dyn FnMut(&Pick<'_>)| {
        let pts = move |a: &QAgg| -> BTreeMap<i64, u64> {
            match row {
                None => a.points.clone(),
                Some(r) => a.rows.get(r).cloned().unwrap_or_default(),
            }
        };
        let total = move |a: &QAgg| pts(a).values().sum::<u64>();
        for p in scale_min..=scale_max {
            add(&move |a| (total(a), pts(a).get(&p).copied().unwrap_or(0)));
        }
        // The top and bottom two, and their complements: a printed
        // "0 % in the top two" says that all are in the rest.
        for (lo, hi) in [(scale_max - 1, scale_max), (scale_min, scale_min + 1)] {
            let within = move |a: &QAgg| pts(a).range(lo..=hi).map(|(_, c)| c).sum::<u64>();
            add(&move |a| (total(a), within(a)));
            if complements {
                add(&move |a| (total(a), total(a) - within(a)));
            }
        }
    };
    match &q.kind {
        Kind::Choice { .. } | Kind::Multi { .. } | Kind::Ranking { .. } | Kind::YesNo => {
            let values: Vec<String> = match &q.kind {
                Kind::YesNo => vec!["yes".into(), "no".into()],
                k => k.option_values().iter().map(|s| s.to_string()).collect(),
            };
            for v in values {
                add(&move |a| (a.answered, a.counts.get(&v).copied().unwrap_or(0)));
            }
        }
        Kind::Date { .. } => {
            let months: BTreeSet<String> = atoms
                .iter()
                .flat_map(|a| get(a).counts.into_keys())
                .collect();
            for m in months {
                add(&move |a| (a.answered, a.counts.get(&m).copied().unwrap_or(0)));
            }
        }
        Kind::Scale { scale, .. } => points(scale.min, scale.max, None, true, &mut add),
        Kind::Nps => {
            points(0, 10, None, false, &mut add);
            for (lo, hi) in [(0, 6), (7, 8), (9, 10)] {
                add(&move |a| (a.answered, a.points.range(lo..=hi).map(|(_, c)| c).sum()));
            }
        }
        Kind::Matrix { rows, scale, .. } => {
            for r in rows.keys() {
                points(scale.min, scale.max, Some(r), true, &mut add);
            }
        }
        Kind::Number { .. } | Kind::Text { .. } | Kind::Info => {}
    }
    out
}

mod types;
use types::Types;

#[cfg(test)]
mod tests;
