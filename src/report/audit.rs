//! The anonymity audit over atoms. Takes the atoms (one per combination of
//! dimension values that has respondents; dimensions are the segment
//! questions, "not answered" being one of their values, and the period) and
//! k; returns a [`Plan`]: which groups (overall, each value of each
//! dimension, merged "other groups" rows) may be described.
//!
//! Sensitive (must never become derivable): every group obtained by fixing
//! any subset of dimensions — atoms included — with 0 < n < k, and, inside
//! every such slice, the union of the small groups along each dimension
//! (the "remainder" a reader gets by subtracting the shown rows of a table
//! from its total). Candidates are offered overall first, then largest
//! first, ties by dimension then value order (all candidates are equally
//! coarse: one dimension fixed).

use std::collections::BTreeMap;

use super::suppress::{Auditor, Decision};

/// One atom: a value index per dimension, and its respondents (> 0).
pub type Atom = (Vec<usize>, u64);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub overall: Option<Decision>,
    /// (dimension, value) → decision and n.
    pub groups: BTreeMap<(usize, usize), (Decision, u64)>,
    /// dimension → the values merged into a published "other groups
    /// (combined)" row, and its n.
    pub merged: BTreeMap<usize, (Vec<usize>, u64)>,
}

impl Plan {
    pub fn decision(&self, dim: usize, value: usize) -> Decision {
        self.groups
            .get(&(dim, value))
            .map_or(Decision::Small, |g| g.0)
    }

    /// Groups of k or more withheld so that others cannot be derived.
    pub fn withheld(&self) -> usize {
        self.groups
            .values()
            .filter(|g| g.0 == Decision::Withheld)
            .count()
    }

    /// Groups shown as "fewer than k".
    pub fn small(&self) -> usize {
        self.groups.values().filter(|g| g.0 == Decision::Small).count()
    }
}

/// Atom indices of the group fixing `dim` to `value`.
fn members(atoms: &[Atom], dim: usize, value: usize) -> Vec<usize> {
    (0..atoms.len())
        .filter(|&i| atoms[i].0[dim] == value)
        .collect()
}

fn size(atoms: &[Atom], set: &[usize]) -> u64 {
    set.iter().map(|&i| atoms[i].1).sum()
}

/// Every sensitive atom set (see the module doc).
pub fn sensitive_sets(dims: usize, atoms: &[Atom], k: u64) -> Vec<Vec<usize>> {
    let small = |set: &[usize]| {
        let n = size(atoms, set);
        n > 0 && n < k
    };
    // (mask, projected key) → atom indices
    let mut slices: BTreeMap<(u32, Vec<usize>), Vec<usize>> = BTreeMap::new();
    for mask in 0..(1u32 << dims) {
        for (i, (key, _)) in atoms.iter().enumerate() {
            let proj: Vec<usize> = (0..dims)
                .map(|d| if mask & (1 << d) != 0 { key[d] } else { usize::MAX })
                .collect();
            slices.entry((mask, proj)).or_default().push(i);
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for set in slices.values() {
        if small(set) {
            out.push(set.clone());
        }
    }
    // Remainders: inside each slice, the union of its small sub-groups
    // along one further dimension.
    let mut remainders: BTreeMap<(u32, Vec<usize>, usize), Vec<usize>> = BTreeMap::new();
    for ((mask, proj), set) in &slices {
        if !small(set) {
            continue;
        }
        for d in (0..dims).filter(|d| mask & (1 << d) != 0) {
            let mut parent = proj.clone();
            parent[d] = usize::MAX;
            remainders
                .entry((mask & !(1 << d), parent, d))
                .or_default()
                .extend(set.iter().copied());
        }
    }
    for mut union in remainders.into_values() {
        union.sort_unstable();
        if small(&union) {
            out.push(union);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Decide every group. `sizes[d]` is the number of values of dimension d.
pub fn plan(sizes: &[usize], atoms: &[Atom], k: u64) -> Plan {
    let atoms: Vec<Atom> = atoms.iter().filter(|a| a.1 > 0).cloned().collect();
    let sensitive = sensitive_sets(sizes.len(), &atoms, k);
    let mut auditor = Auditor::new(atoms.len(), k, &sensitive);
    let all: Vec<usize> = (0..atoms.len()).collect();
    let total = size(&atoms, &all);
    let mut plan = Plan {
        overall: Some(auditor.offer(&all, total)),
        ..Plan::default()
    };
    if plan.overall != Some(Decision::Published) {
        for (d, &s) in sizes.iter().enumerate() {
            for v in 0..s {
                let n = size(&atoms, &members(&atoms, d, v));
                plan.groups.insert((d, v), (small_or_withheld(n, k), n));
            }
        }
        return plan;
    }
    let mut cands: Vec<(u64, usize, usize, Vec<usize>)> = Vec::new();
    for (d, &s) in sizes.iter().enumerate() {
        for v in 0..s {
            let set = members(&atoms, d, v);
            cands.push((size(&atoms, &set), d, v, set));
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (n, d, v, set) in &cands {
        let decision = auditor.offer(set, *n);
        plan.groups.insert((*d, *v), (decision, *n));
    }
    for d in 0..sizes.len() {
        let rest: Vec<usize> = (0..sizes[d])
            .filter(|&v| plan.groups.get(&(d, v)).is_some_and(|g| g.0 != Decision::Published && g.1 > 0))
            .collect();
        if rest.len() < 2 {
            continue;
        }
        let set: Vec<usize> = rest.iter().flat_map(|&v| members(&atoms, d, v)).collect();
        let n = size(&atoms, &set);
        if n < total && auditor.offer(&set, n) == Decision::Published {
            plan.merged.insert(d, (rest, n));
        }
    }
    plan
}

fn small_or_withheld(n: u64, k: u64) -> Decision {
    if n < k { Decision::Small } else { Decision::Withheld }
}

/// The atom sets a reader sees figures for under `plan`.
pub fn published_sets(plan: &Plan, atoms: &[Atom]) -> Vec<Vec<usize>> {
    let atoms: Vec<Atom> = atoms.iter().filter(|a| a.1 > 0).cloned().collect();
    let mut out = Vec::new();
    if plan.overall == Some(Decision::Published) {
        out.push((0..atoms.len()).collect());
    }
    for (&(d, v), g) in &plan.groups {
        if g.0 == Decision::Published {
            out.push(members(&atoms, d, v));
        }
    }
    for (&d, (values, _)) in &plan.merged {
        out.push(values.iter().flat_map(|&v| members(&atoms, d, v)).collect());
    }
    out
}
