//! Exact linear algebra over atoms, for the disclosure audit
//! (`docs/anonymity.md`, "The audit's procedure").
//!
//! A group is a 0/1 vector over atoms; what a report publishes about a set
//! of groups P lies in span{1_G : G ∈ P} ⊗ (functionals of one atom's
//! cells). So whether anything about a small set of respondents can be
//! worked out reduces to two questions about the span of P's indicator
//! vectors, answered here exactly (integers, rows kept primitive; an
//! overflow answers "unsafe"):
//!
//! - [`small_support_free`]: no nonzero vector of the span is supported on
//!   atoms holding fewer than k respondents;
//! - [`unanimity_free`]: no 0/1 vector of the span picks a set of 1 to 2k−1
//!   answerers of whom all, or all but one, gave one answer.
//!
//! Both first merge atoms that no group tells apart (every vector of the
//! span is constant on them), then eliminate with the columns that cannot
//! be part of a bad set first: the rows left with zeros there span exactly
//! the vectors supported on the rest.

use std::collections::BTreeMap;

pub type Row = Vec<i128>;

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Divide by the gcd and make the first non-zero entry positive.
fn primitive(v: &mut [i128]) {
    let g = v.iter().fold(0, |g, &x| gcd(g, x));
    if g == 0 {
        return;
    }
    let sign = v.iter().find(|&&x| x != 0).map_or(1, |x| x.signum());
    for x in v.iter_mut() {
        *x = *x / g * sign;
    }
}

/// `target ← a·target − b·row` where a = row[piv], b = target[piv], so that
/// target[piv] becomes 0. `None` on overflow.
fn eliminate(target: &mut [i128], row: &[i128], piv: usize) -> Option<()> {
    let b = target[piv];
    if b == 0 {
        return Some(());
    }
    let a = row[piv];
    let mut big = false;
    for (t, r) in target.iter_mut().zip(row) {
        *t = a.checked_mul(*t)?.checked_sub(b.checked_mul(*r)?)?;
        big |= t.unsigned_abs() > 1 << 32;
    }
    // Dividing out the gcd costs more than the elimination: only when the
    // entries grow (nothing compares rows that are not made primitive).
    if big {
        primitive(target);
    }
    Some(())
}

/// A row-echelon basis, built one vector at a time.
#[derive(Debug, Clone, Default)]
pub struct Echelon {
    rows: Vec<(usize, Row)>,
}

impl Echelon {
    /// `v` reduced against the basis (primitive). `None` on overflow.
    pub fn reduce(&self, mut v: Row) -> Option<Row> {
        for (piv, b) in &self.rows {
            eliminate(&mut v, b, *piv)?;
        }
        primitive(&mut v);
        Some(v)
    }

    /// Add `v`; whether it was new (not in the span). `None` on overflow.
    pub fn push(&mut self, v: Row) -> Option<bool> {
        let r = self.reduce(v)?;
        match r.iter().position(|&x| x != 0) {
            Some(piv) => {
                self.rows.push((piv, r));
                Some(true)
            }
            None => Some(false),
        }
    }

    pub fn rank(&self) -> usize {
        self.rows.len()
    }

    /// Whether `v` lies in the span. `None` on overflow.
    pub fn contains(&self, v: Row) -> Option<bool> {
        Some(self.reduce(v)?.iter().all(|&x| x == 0))
    }
}

/// The indicator vector of a set of atoms.
pub fn indicator(set: &[usize], len: usize) -> Row {
    let mut v = vec![0; len];
    for &a in set {
        v[a] = 1;
    }
    v
}

/// Atoms merged by the groups that contain them: `class[a]` is atom a's
/// class, and `groups` the class-level indicator vectors.
struct Classes {
    class: Vec<usize>,
    count: usize,
    groups: Vec<Row>,
}

fn classes(groups: &[Vec<usize>], len: usize) -> Classes {
    let mut sig: Vec<Vec<u32>> = vec![Vec::new(); len];
    for (g, set) in groups.iter().enumerate() {
        for &a in set {
            sig[a].push(g as u32);
        }
    }
    let mut ids: BTreeMap<&[u32], usize> = BTreeMap::new();
    let class: Vec<usize> = sig
        .iter()
        .map(|s| {
            let next = ids.len();
            *ids.entry(s.as_slice()).or_insert(next)
        })
        .collect();
    let count = ids.len();
    let groups = groups
        .iter()
        .map(|set| {
            let mut v = vec![0; count];
            for &a in set {
                v[class[a]] = 1;
            }
            v
        })
        .collect();
    Classes {
        class,
        count,
        groups,
    }
}

/// A basis of the vectors in span(`groups`) that are zero on every class
/// for which `free` is false, restricted to the classes where it is true.
/// `None` on overflow.
fn supported_on(groups: &[Row], free: &[bool]) -> Option<Vec<Row>> {
    // Columns where a vector must vanish first, so that a row whose pivot
    // lies past them is zero on all of them.
    let order: Vec<usize> = (0..free.len())
        .filter(|&c| !free[c])
        .chain((0..free.len()).filter(|&c| free[c]))
        .collect();
    let fixed = free.iter().filter(|f| !**f).count();
    let mut e = Echelon::default();
    for g in groups {
        e.push(order.iter().map(|&c| g[c]).collect())?;
    }
    Some(
        e.rows
            .into_iter()
            .filter(|(piv, _)| *piv >= fixed)
            .map(|(_, r)| r[fixed..].to_vec())
            .collect(),
    )
}

/// How many hyperplanes or subsets [`small_support_free`] may try before
/// it gives up and answers "unsafe".
const BUDGET: u64 = 400_000;

/// Whether no nonzero vector in span(`groups`) is supported on atoms
/// holding fewer than `k` respondents in all (`weight[a]` per atom; every
/// atom has at least one). `false` when it cannot tell within the budget.
pub fn small_support_free(groups: &[Vec<usize>], weight: &[u64], k: u64) -> bool {
    let cl = classes(groups, weight.len());
    let mut w = vec![0u64; cl.count];
    for (a, &c) in cl.class.iter().enumerate() {
        w[c] += weight[a];
    }
    // A vector touching a class of k or more is no small set.
    let free: Vec<bool> = w.iter().map(|&x| x < k).collect();
    let Some(rows) = supported_on(&cl.groups, &free) else {
        return false;
    };
    if rows.is_empty() {
        return true;
    }
    let ws: Vec<u64> = (0..cl.count).filter(|&c| free[c]).map(|c| w[c]).collect();
    min_cocircuit_at_least(&rows, &ws, k).unwrap_or(false)
}

/// The columns of `rows` (t independent rows over m columns) as vectors.
fn columns(rows: &[Row]) -> Vec<Row> {
    let m = rows.first().map_or(0, Vec::len);
    (0..m)
        .map(|c| rows.iter().map(|r| r[c]).collect())
        .collect()
}

/// Whether every nonzero vector in the row space of `rows` (independent)
/// has support of weight ≥ k. The supports of the minimal vectors are the
/// complements of the hyperplanes of the columns' matroid; each hyperplane
/// is spanned by t−1 independent columns, and its columns are those
/// orthogonal to its normal. `None` past the budget or on overflow.
fn min_cocircuit_at_least(rows: &[Row], w: &[u64], k: u64) -> Option<bool> {
    let t = rows.len();
    let cols = columns(rows);
    // Zero columns lie in every hyperplane; parallel ones in the same
    // ones: one direction each, with their weights added.
    let mut dirs: Vec<(Row, u64)> = Vec::new();
    for (c, col) in cols.iter().enumerate() {
        let mut d = col.clone();
        primitive(&mut d);
        if d.iter().all(|&x| x == 0) {
            continue;
        }
        match dirs.iter_mut().find(|(x, _)| *x == d) {
            Some(e) => e.1 += w[c],
            None => dirs.push((d, w[c])),
        }
    }
    let need = t - 1;
    if binomial(dirs.len() as u64, need as u64) > BUDGET {
        return None;
    }
    let vecs: Vec<Row> = dirs.iter().map(|d| d.0.clone()).collect();
    let mut pick: Vec<usize> = Vec::with_capacity(need);
    let mut ok = true;
    hyperplanes(&vecs, need, 0, &mut pick, &mut |basis: &Echelon| {
        if basis.rank() != need {
            return Some(true);
        }
        let normal = normal(basis, t)?;
        let mut outside = 0u64;
        for (d, wt) in &dirs {
            let dot = d
                .iter()
                .zip(&normal)
                .try_fold(0i128, |s, (&x, &y)| s.checked_add(x.checked_mul(y)?))?;
            if dot != 0 {
                outside += wt;
                if outside >= k {
                    return Some(true);
                }
            }
        }
        ok = false;
        Some(false)
    })?;
    Some(ok)
}

/// The rows of `e` in reduced echelon form: each pivot column zero in the
/// other rows. `None` on overflow.
fn reduced(e: &Echelon) -> Option<Vec<(usize, Row)>> {
    let mut rows: Vec<(usize, Row)> = e.rows.clone();
    for i in 0..rows.len() {
        let (piv, row) = rows[i].clone();
        for (j, other) in rows.iter_mut().enumerate() {
            if j != i {
                eliminate(&mut other.1, &row, piv)?;
            }
        }
    }
    Some(rows)
}

/// A nonzero vector orthogonal to the t−1 independent rows of `basis`
/// (in t dimensions). `None` on overflow.
fn normal(basis: &Echelon, t: usize) -> Option<Row> {
    let rows = reduced(basis)?;
    let free = (0..t).find(|c| !rows.iter().any(|(p, _)| p == c))?;
    let l = rows.iter().try_fold(1i128, |l, (piv, r)| {
        let p = r[*piv].abs();
        l.checked_mul(p / gcd(l, p))
    })?;
    let mut n = vec![0i128; t];
    n[free] = l;
    for (piv, r) in &rows {
        n[*piv] = (-r[free]).checked_mul(l / r[*piv])?;
    }
    Some(n)
}

/// Call `f` with the span of every `need`-subset of `dirs`; stop when it
/// answers `Some(false)`. `None` on overflow.
fn hyperplanes(
    dirs: &[Row],
    need: usize,
    from: usize,
    pick: &mut Vec<usize>,
    f: &mut dyn FnMut(&Echelon) -> Option<bool>,
) -> Option<bool> {
    if pick.len() == need {
        let mut e = Echelon::default();
        for &i in pick.iter() {
            e.push(dirs[i].clone())?;
        }
        return f(&e);
    }
    for i in from..dirs.len() {
        if dirs.len() - i < need - pick.len() {
            break;
        }
        pick.push(i);
        let go = hyperplanes(dirs, need, i + 1, pick, f)?;
        pick.pop();
        if !go {
            return Some(false);
        }
    }
    Some(true)
}

fn binomial(n: u64, r: u64) -> u64 {
    if r > n {
        return 0;
    }
    let r = r.min(n - r);
    let mut acc: u64 = 1;
    for i in 0..r {
        acc = acc.saturating_mul(n - i) / (i + 1);
        if acc > BUDGET * 10 {
            return u64::MAX;
        }
    }
    acc
}

/// One answer grouping of a question, per atom: (answerers, answerers
/// outside the grouping).
pub type Split = Vec<(u64, u64)>;

/// Whether, for every grouping in `splits`, no set of atoms whose
/// indicator lies in span(`groups`) has 1 to 2k−1 answerers of whom all,
/// or all but one, are in the grouping. Sound: such a set is made of
/// classes that are each that unanimous; those without answerers are let
/// take any real value (a superset of the 0/1 choices), the others are
/// tried exactly, 0 or 1 on each pivot of the span they leave. Past
/// 16 pivots it answers `false`.
pub fn unanimity_free(groups: &[Vec<usize>], len: usize, splits: &[Split], k: u64) -> bool {
    if groups.is_empty() {
        return true;
    }
    let cl = classes(groups, len);
    let mut seen: Vec<(Vec<bool>, Vec<Row>)> = Vec::new();
    for split in splits {
        let mut a = vec![0u64; cl.count];
        let mut d = vec![0u64; cl.count];
        for (atom, &c) in cl.class.iter().enumerate() {
            a[c] += split[atom].0;
            d[c] += split[atom].1;
        }
        // Classes a unanimous set could be made of.
        let free: Vec<bool> = (0..cl.count).map(|c| a[c] < 2 * k && d[c] <= 1).collect();
        if !(0..cl.count).any(|c| free[c] && a[c] > 0) {
            continue;
        }
        // Groupings often leave the same classes free: one elimination each.
        let rows = match seen.iter().find(|(f, _)| *f == free) {
            Some((_, r)) => r.clone(),
            None => {
                let Some(r) = supported_on(&cl.groups, &free) else {
                    return false;
                };
                seen.push((free.clone(), r.clone()));
                r
            }
        };
        // Keep the classes with answerers; the others take any value.
        let with: Vec<usize> = (0..cl.count).filter(|&c| free[c]).collect();
        let keep: Vec<usize> = (0..with.len()).filter(|&i| a[with[i]] > 0).collect();
        let mut e = Echelon::default();
        for r in &rows {
            if e.push(keep.iter().map(|&i| r[i]).collect()).is_none() {
                return false;
            }
        }
        let an: Vec<u64> = keep.iter().map(|&i| a[with[i]]).collect();
        let dn: Vec<u64> = keep.iter().map(|&i| d[with[i]]).collect();
        match unanimous_set(&e, &an, &dn, k) {
            Some(false) => {}
            _ => return false,
        }
    }
    true
}

/// Most pivots [`unanimity_free`] tries every 0/1 choice of.
const PIVOTS: usize = 16;

/// Whether a 0/1 vector in the span of `e` picks 1 to 2k−1 answerers
/// (`a`) of whom at most one is outside the grouping (`d`). `None` when
/// it cannot tell (too many pivots, or overflow).
fn unanimous_set(e: &Echelon, a: &[u64], d: &[u64], k: u64) -> Option<bool> {
    let t = e.rank();
    if t == 0 {
        return Some(false);
    }
    if t > PIVOTS {
        return None;
    }
    let rows = reduced(e)?;
    // x = Σ b_i row_i / p_i with b_i = x at pivot i; scaled by L.
    let l = rows.iter().try_fold(1i128, |l, (piv, r)| {
        let p = r[*piv].abs();
        l.checked_mul(p / gcd(l, p))
    })?;
    let scaled: Vec<Row> = rows
        .iter()
        .map(|(piv, r)| {
            let f = l / r[*piv];
            r.iter().map(|&x| x.checked_mul(f)).collect::<Option<Row>>()
        })
        .collect::<Option<Vec<Row>>>()?;
    let m = a.len();
    for mask in 1u32..(1u32 << t) {
        let mut sum_a = 0u64;
        let mut sum_d = 0u64;
        let mut ok = true;
        for c in 0..m {
            let mut x = 0i128;
            for (i, r) in scaled.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    x = x.checked_add(r[c])?;
                }
            }
            if x == l {
                sum_a += a[c];
                sum_d += d[c];
            } else if x != 0 {
                ok = false;
                break;
            }
        }
        if ok && (1..2 * k).contains(&sum_a) && sum_d <= 1 {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echelon_ranks_exactly() {
        let mut e = Echelon::default();
        for s in [vec![0, 1], vec![1, 2], vec![0, 2]] {
            assert_eq!(e.push(indicator(&s, 3)), Some(true));
        }
        let mut f = Echelon::default();
        for s in [vec![0, 1], vec![2, 3], vec![0, 2]] {
            f.push(indicator(&s, 4));
        }
        assert_eq!(f.contains(indicator(&[1, 3], 4)), Some(true));
        assert_eq!(f.contains(indicator(&[1], 4)), Some(false));
    }

    #[test]
    fn a_remainder_is_a_small_support() {
        // 13 leavers: Tech 9 (atom 0), Sales 4 (atom 1).
        assert!(small_support_free(&[vec![0, 1]], &[9, 4], 5));
        assert!(!small_support_free(&[vec![0, 1], vec![0]], &[9, 4], 5));
    }

    #[test]
    fn differences_of_small_atoms_count() {
        // Atoms 0 and 1 hold 2 each, atom 2 holds 10. Groups {0,2} and
        // {1,2}: their difference 1_0 − 1_1 lives on 4 people.
        assert!(!small_support_free(
            &[vec![0, 2], vec![1, 2]],
            &[2, 2, 10],
            5
        ));
        // With 3 in each, the difference lives on 6: fine.
        assert!(small_support_free(
            &[vec![0, 2], vec![1, 2]],
            &[3, 3, 10],
            5
        ));
    }

    #[test]
    fn unanimity_through_subtraction() {
        // Overall (atoms 0–2) and atoms 0 and 1 shown: atom 2 (7 answerers,
        // all in the grouping) follows.
        let split: Split = vec![(20, 10), (20, 12), (7, 0)];
        assert!(!unanimity_free(
            &[vec![0, 1, 2], vec![0], vec![1]],
            3,
            std::slice::from_ref(&split),
            5
        ));
        assert!(unanimity_free(&[vec![0, 1, 2], vec![0]], 3, &[split], 5));
    }
}
