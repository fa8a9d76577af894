//! Exact linear algebra for complementary suppression (Langsrud's
//! GaussSuppression, as in `design/anonymity.md`): groups are 0/1 vectors
//! over atoms; a group may be published only if no sensitive vector becomes
//! a linear combination of what is published.
//!
//! [`Auditor`] keeps a row-echelon basis of the published vectors in exact
//! integer arithmetic (each row kept primitive: divided by the gcd of its
//! entries), together with the residual of every sensitive vector against
//! that basis. A sensitive vector `s` lies in span(B ∪ {c}) exactly when its
//! residual is a multiple of the candidate's residual, so each offer costs
//! one reduction plus one comparison per sensitive vector. Arithmetic
//! overflow (not seen at report sizes) counts as "would leak": safe side.

/// What happened to one offered group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    /// Shown with its figures.
    Published,
    /// Fewer than k respondents (zero included): shown as "fewer than k".
    Small,
    /// At least k, but publishing it would let a reader subtract their way
    /// to a sensitive group: withheld.
    Withheld,
}

type Row = Vec<i128>;

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
    for (t, r) in target.iter_mut().zip(row) {
        *t = a.checked_mul(*t)?.checked_sub(b.checked_mul(*r)?)?;
    }
    primitive(target);
    Some(())
}

fn indicator(atoms: &[usize], len: usize) -> Row {
    let mut v = vec![0; len];
    for &a in atoms {
        v[a] = 1;
    }
    v
}

/// Exact rank of a set of 0/1 vectors (fresh elimination; used by tests to
/// check the auditor independently). `None` on overflow.
pub fn rank(vectors: &[Vec<usize>], len: usize) -> Option<usize> {
    let mut rows: Vec<(usize, Row)> = Vec::new();
    for v in vectors {
        let mut r = indicator(v, len);
        for (piv, b) in &rows {
            eliminate(&mut r, b, *piv)?;
        }
        if let Some(piv) = r.iter().position(|&x| x != 0) {
            rows.push((piv, r));
        }
    }
    Some(rows.len())
}

/// Whether `target` is a linear combination of `published` (exact).
pub fn derivable(published: &[Vec<usize>], target: &[usize], len: usize) -> bool {
    let mut with = published.to_vec();
    with.push(target.to_vec());
    match (rank(published, len), rank(&with, len)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Decides, one offered group at a time, what may be published.
pub struct Auditor {
    len: usize,
    k: u64,
    basis: Vec<(usize, Row)>,
    /// Residuals of the sensitive vectors against `basis`; never zero.
    residuals: Vec<Row>,
}

impl Auditor {
    /// `len` atoms; `sensitive` are the atom sets that must never become
    /// derivable (every atom and group with 0 < n < k). Empty sets are
    /// ignored: they are known zeros.
    pub fn new(len: usize, k: u64, sensitive: &[Vec<usize>]) -> Auditor {
        let mut residuals: Vec<Row> = sensitive
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| indicator(s, len))
            .collect();
        residuals.sort();
        residuals.dedup();
        Auditor {
            len,
            k,
            basis: Vec::new(),
            residuals,
        }
    }

    fn reduce(&self, atoms: &[usize]) -> Option<Row> {
        let mut r = indicator(atoms, self.len);
        for (piv, b) in &self.basis {
            eliminate(&mut r, b, *piv)?;
        }
        primitive(&mut r);
        Some(r)
    }

    /// Offer a group of `n` respondents made of these atoms; publishes it
    /// (adding it to the basis) when that is safe.
    pub fn offer(&mut self, atoms: &[usize], n: u64) -> Decision {
        if n < self.k {
            return Decision::Small;
        }
        let Some(r) = self.reduce(atoms) else {
            return Decision::Withheld;
        };
        let Some(piv) = r.iter().position(|&x| x != 0) else {
            return Decision::Published; // already implied by what is shown
        };
        if self.residuals.contains(&r) {
            return Decision::Withheld;
        }
        let mut next = self.residuals.clone();
        for s in &mut next {
            if eliminate(s, &r, piv).is_none() {
                return Decision::Withheld;
            }
        }
        self.residuals = next;
        self.basis.push((piv, r));
        Decision::Published
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_is_exact() {
        let v = vec![vec![0, 1], vec![1, 2], vec![0, 2]];
        assert_eq!(rank(&v, 3), Some(3));
        let w = vec![vec![0, 1], vec![2, 3], vec![0, 2], vec![1, 3]];
        assert_eq!(rank(&w, 4), Some(3));
        assert!(derivable(&w[..3], &[1, 3], 4));
        assert!(!derivable(&w[..2], &[1], 4));
    }

    #[test]
    fn remainder_of_the_total_is_withheld() {
        // 13 leavers: Tech 9 (atom 0), Sales 4 (atom 1).
        let mut a = Auditor::new(2, 5, &[vec![1]]);
        assert_eq!(a.offer(&[0, 1], 13), Decision::Published);
        assert_eq!(a.offer(&[0], 9), Decision::Withheld);
        assert_eq!(a.offer(&[1], 4), Decision::Small);
    }

    #[test]
    fn implied_groups_are_published() {
        let mut a = Auditor::new(3, 5, &[vec![2]]);
        assert_eq!(a.offer(&[0, 1, 2], 20), Decision::Published);
        assert_eq!(a.offer(&[0], 8), Decision::Published);
        // {1,2} = overall − {0}: implied, adds nothing.
        assert_eq!(a.offer(&[1, 2], 12), Decision::Published);
        assert_eq!(a.offer(&[1], 10), Decision::Withheld);
    }
}
