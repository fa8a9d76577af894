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

    /// Groups with respondents shown as "fewer than k".
    pub fn small(&self) -> usize {
        self.groups
            .values()
            .filter(|g| g.0 == Decision::Small && g.1 > 0)
            .count()
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
                .map(|d| {
                    if mask & (1 << d) != 0 {
                        key[d]
                    } else {
                        usize::MAX
                    }
                })
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
    for (d, &values) in sizes.iter().enumerate() {
        let rest: Vec<usize> = (0..values)
            .filter(|&v| {
                plan.groups
                    .get(&(d, v))
                    .is_some_and(|g| g.0 != Decision::Published && g.1 > 0)
            })
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
    if n < k {
        Decision::Small
    } else {
        Decision::Withheld
    }
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

#[cfg(test)]
mod tests {
    use super::super::suppress::{Auditor, derivable};
    use super::*;
    use proptest::prelude::*;

    /// Nothing sensitive lies in the span of what `plan` publishes.
    fn assert_safe(sizes: &[usize], atoms: &[Atom], k: u64) -> Plan {
        let p = plan(sizes, atoms, k);
        let live: Vec<Atom> = atoms.iter().filter(|a| a.1 > 0).cloned().collect();
        let published = published_sets(&p, atoms);
        for s in sensitive_sets(sizes.len(), &live, k) {
            assert!(
                !derivable(&published, &s, live.len()),
                "sensitive {s:?} derivable from {published:?}"
            );
        }
        p
    }

    #[test]
    fn thirteen_leavers_remainder() {
        // dept: 0 = Tech, 1 = Sales, 2 = not answered.
        let atoms = vec![(vec![0], 9), (vec![1], 4)];
        let p = assert_safe(&[3], &atoms, 5);
        assert_eq!(p.overall, Some(Decision::Published));
        assert_eq!(p.groups[&(0, 0)], (Decision::Withheld, 9));
        assert_eq!(p.groups[&(0, 1)], (Decision::Small, 4));
        assert_eq!(p.groups[&(0, 2)], (Decision::Small, 0));
        assert!(
            p.merged.is_empty(),
            "Tech + Sales is everyone: nothing to merge"
        );
    }

    #[test]
    fn small_groups_merge_where_safe() {
        // Eng 14, Sales 11, Support 8, Ops 3, Finance 2 (report-example.md).
        let atoms = vec![
            (vec![0], 14),
            (vec![1], 11),
            (vec![2], 8),
            (vec![3], 3),
            (vec![4], 2),
        ];
        let p = assert_safe(&[6], &atoms, 5);
        for v in 0..3 {
            assert_eq!(p.decision(0, v), Decision::Published, "{v}");
        }
        assert_eq!(p.merged.get(&0), Some(&(vec![3, 4], 5)));
    }

    /// A 4×4 table where every row and column hides 0 or ≥ 2 cells, yet
    /// the bridge cell (1,2) between two hidden cycles is derivable.
    #[test]
    fn four_by_four_bridge() {
        let hidden = [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (1, 2),
            (2, 2),
            (2, 3),
            (3, 2),
            (3, 3),
        ];
        let mut atoms: Vec<Atom> = Vec::new();
        for r in 0..4 {
            for c in 0..4 {
                let n = if hidden.contains(&(r, c)) {
                    1 + ((r + c) % 3) as u64
                } else {
                    6 + (r * 4 + c) as u64
                };
                atoms.push((vec![r, c], n));
            }
        }
        let idx = |r: usize, c: usize| r * 4 + c;
        let row = |r: usize| (0..4).map(|c| idx(r, c)).collect::<Vec<_>>();
        let col = |c: usize| (0..4).map(|r| idx(r, c)).collect::<Vec<_>>();
        // The naive rule: publish all margins and every unhidden cell.
        let mut naive: Vec<Vec<usize>> = (0..4).map(row).chain((0..4).map(col)).collect();
        naive.extend(
            (0..16)
                .filter(|&i| !hidden.contains(&(i / 4, i % 4)))
                .map(|i| vec![i]),
        );
        for r in 0..4 {
            let hid = (0..4).filter(|&c| hidden.contains(&(r, c))).count();
            assert!(hid == 0 || hid >= 2);
        }
        assert!(
            derivable(&naive, &[idx(1, 2)], 16),
            "the counter-example leaks"
        );
        // The auditor, offered the same figures (largest first), leaks nothing.
        let sensitive: Vec<Vec<usize>> = hidden.iter().map(|&(r, c)| vec![idx(r, c)]).collect();
        let mut a = Auditor::new(16, 5, &sensitive);
        let mut offers: Vec<(u64, Vec<usize>)> = naive
            .iter()
            .chain(sensitive.iter())
            .map(|s| (s.iter().map(|&i| atoms[i].1).sum(), s.clone()))
            .collect();
        offers.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let published: Vec<Vec<usize>> = offers
            .into_iter()
            .filter(|(n, s)| a.offer(s, *n) == Decision::Published)
            .map(|(_, s)| s)
            .collect();
        for s in &sensitive {
            assert!(!derivable(&published, s, 16), "{s:?}");
        }
        assert!(
            published.len() >= 8,
            "most margins stay: {}",
            published.len()
        );
        // And the full plan over the two dimensions is safe too.
        assert_safe(&[4, 4], &atoms, 5);
    }

    /// Dept and tenure tables that pass one by one, while t1 − d1 isolates
    /// one person.
    #[test]
    fn dept_and_tenure_leak_through_each_other() {
        // (dept, tenure): d0 = {t0: 6}; d1 = {t0: 1, t1: 8}. Value 2 = not answered.
        let atoms = vec![(vec![0, 0], 6), (vec![1, 0], 1), (vec![1, 1], 8)];
        let naive = vec![vec![0], vec![1, 2], vec![0, 1], vec![2]];
        assert!(
            derivable(&naive, &[1], 3),
            "t0 − d0 gives the single person away"
        );
        let p = assert_safe(&[3, 3], &atoms, 5);
        let shown_both =
            p.decision(0, 0) == Decision::Published && p.decision(1, 0) == Decision::Published;
        assert!(!shown_both);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn nothing_sensitive_is_ever_in_the_published_span(
            ns in proptest::collection::vec(0u64..12, 27),
            k in 5u64..7,
        ) {
            let mut atoms = Vec::new();
            for (i, n) in ns.iter().enumerate() {
                atoms.push((vec![i % 3, (i / 3) % 3, i / 9], *n));
            }
            assert_safe(&[3, 3, 3], &atoms, k);
        }
    }
}
