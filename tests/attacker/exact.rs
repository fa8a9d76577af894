//! Exact arithmetic for the attacker: rationals over `i128` in which every
//! operation is checked (an overflow fails the test loudly instead of
//! giving a wrong answer), sparse vectors, and a row-echelon basis that can
//! say whether a functional is derivable and from which published rows.

use std::collections::HashMap;
use std::fmt;

/// Fail loudly: the attacker's exact arithmetic does not fit in `i128`.
#[cold]
fn overflow() -> ! {
    panic!(
        "attacker: exact rational arithmetic overflowed i128. This is a limit of the test's \
         oracle, not a finding about the report: the case is too large for the attacker."
    )
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (
        a.checked_abs().unwrap_or_else(|| overflow()),
        b.checked_abs().unwrap_or_else(|| overflow()),
    );
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

fn mul(a: i128, b: i128) -> i128 {
    a.checked_mul(b).unwrap_or_else(|| overflow())
}

fn add(a: i128, b: i128) -> i128 {
    a.checked_add(b).unwrap_or_else(|| overflow())
}

/// A rational number in lowest terms with a positive denominator.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Q {
    n: i128,
    d: i128,
}

impl Q {
    pub const ZERO: Q = Q { n: 0, d: 1 };
    pub const ONE: Q = Q { n: 1, d: 1 };

    pub fn int(n: i128) -> Q {
        Q { n, d: 1 }
    }

    pub fn new(n: i128, d: i128) -> Q {
        assert!(d != 0, "attacker: division by zero");
        let g = gcd(n, d);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = n.checked_neg().unwrap_or_else(|| overflow());
            d = d.checked_neg().unwrap_or_else(|| overflow());
        }
        Q { n, d }
    }

    /// A decimal number as JSON writes it (`3`, `-2.5`, `1e-3`), exactly.
    pub fn parse_decimal(s: &str) -> Option<Q> {
        let s = s.trim();
        let (mant, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (neg, mant) = match mant.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mant.strip_prefix('+').unwrap_or(mant)),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let digits = format!("{int}{frac}");
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 30 {
            return None;
        }
        let mut n: i128 = digits.parse().ok()?;
        if neg {
            n = -n;
        }
        let scale = exp - frac.len() as i32;
        if scale.abs() > 30 {
            return None;
        }
        let p = 10i128.pow(scale.unsigned_abs());
        Some(if scale >= 0 {
            Q::int(mul(n, p))
        } else {
            Q::new(n, p)
        })
    }

    pub fn is_zero(self) -> bool {
        self.n == 0
    }

    pub fn numer(self) -> i128 {
        self.n
    }

    pub fn denom(self) -> i128 {
        self.d
    }

    pub fn to_f64(self) -> f64 {
        self.n as f64 / self.d as f64
    }

    pub fn neg(self) -> Q {
        Q {
            n: self.n.checked_neg().unwrap_or_else(|| overflow()),
            d: self.d,
        }
    }

    pub fn add(self, o: Q) -> Q {
        if self.d == 1 && o.d == 1 {
            return Q::int(add(self.n, o.n));
        }
        let g = gcd(self.d, o.d);
        let n = add(mul(self.n, o.d / g), mul(o.n, self.d / g));
        Q::new(n, mul(self.d / g, o.d))
    }

    pub fn mul(self, o: Q) -> Q {
        if self.d == 1 && o.d == 1 {
            return Q::int(mul(self.n, o.n));
        }
        let g1 = gcd(self.n, o.d);
        let g2 = gcd(o.n, self.d);
        Q::new(mul(self.n / g1, o.n / g2), mul(self.d / g2, o.d / g1))
    }

    pub fn div(self, o: Q) -> Q {
        assert!(!o.is_zero(), "attacker: division by zero");
        self.mul(Q::new(o.d, o.n))
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> std::cmp::Ordering {
        mul(self.n, o.d).cmp(&mul(o.n, self.d))
    }
}

impl fmt::Display for Q {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.d == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d)
        }
    }
}

/// A sparse vector: (index, nonzero value), indexes strictly increasing.
pub type SVec = Vec<(u32, Q)>;

/// Sort and merge duplicate indexes, dropping zeros.
pub fn normalise(mut v: Vec<(u32, Q)>) -> SVec {
    v.sort_by_key(|e| e.0);
    let mut out: SVec = Vec::with_capacity(v.len());
    for (i, x) in v {
        match out.last_mut() {
            Some((j, y)) if *j == i => *y = y.add(x),
            _ => out.push((i, x)),
        }
    }
    out.retain(|e| !e.1.is_zero());
    out
}

/// `a + c·b`.
pub fn axpy(a: &[(u32, Q)], c: Q, b: &[(u32, Q)]) -> SVec {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].0 < b[j].0);
        let take_b = i >= a.len() || (j < b.len() && b[j].0 < a[i].0);
        if take_a {
            out.push(a[i]);
            i += 1;
        } else if take_b {
            out.push((b[j].0, c.mul(b[j].1)));
            j += 1;
        } else {
            let x = a[i].1.add(c.mul(b[j].1));
            if !x.is_zero() {
                out.push((a[i].0, x));
            }
            i += 1;
            j += 1;
        }
    }
    out
}

pub fn scale(a: &[(u32, Q)], c: Q) -> SVec {
    if c.is_zero() {
        return Vec::new();
    }
    a.iter().map(|&(i, x)| (i, x.mul(c))).collect()
}

/// A row-echelon basis with monic pivots (each row's first entry is its
/// pivot, with coefficient 1). With `track`, every row remembers which
/// combination of the inserted rows it is (its provenance).
pub struct Echelon {
    rows: Vec<SVec>,
    prov: Vec<SVec>,
    pivot: HashMap<u32, usize>,
    track: bool,
}

impl Echelon {
    pub fn new(track: bool) -> Self {
        Echelon {
            rows: Vec::new(),
            prov: Vec::new(),
            pivot: HashMap::new(),
            track,
        }
    }

    pub fn rank(&self) -> usize {
        self.rows.len()
    }

    pub fn rows(&self) -> &[SVec] {
        &self.rows
    }

    /// Subtract multiples of basis rows until no pivot column is left in
    /// `v` (the canonical residue of `v` modulo the span); `p` follows the
    /// same operations when tracking.
    fn reduce_with(&self, mut v: SVec, mut p: SVec) -> (SVec, SVec) {
        let mut from = 0u32;
        loop {
            let Some(&(col, c)) = v
                .iter()
                .skip_while(|e| e.0 < from)
                .find(|e| self.pivot.contains_key(&e.0))
            else {
                return (v, p);
            };
            let r = self.pivot[&col];
            v = axpy(&v, c.neg(), &self.rows[r]);
            if self.track {
                p = axpy(&p, c.neg(), &self.prov[r]);
            }
            from = col + 1;
        }
    }

    /// The residue of `v`: zero exactly when `v` is in the span.
    pub fn residue(&self, v: SVec) -> SVec {
        self.reduce_with(v, Vec::new()).0
    }

    pub fn contains(&self, v: SVec) -> bool {
        self.residue(v).is_empty()
    }

    /// Add a row (`id` names it in provenance). `Ok(true)` when it was
    /// independent; `Err(combination)` when it was not, the combination
    /// (over inserted ids, `id` included) being zero.
    pub fn insert(&mut self, v: SVec, id: u32) -> Result<(), SVec> {
        let p = if self.track {
            vec![(id, Q::ONE)]
        } else {
            Vec::new()
        };
        let (v, p) = self.reduce_with(v, p);
        let Some(&(col, lead)) = v.first() else {
            return Err(p);
        };
        let inv = Q::ONE.div(lead);
        self.pivot.insert(col, self.rows.len());
        self.rows.push(scale(&v, inv));
        self.prov.push(if self.track { scale(&p, inv) } else { p });
        Ok(())
    }

    /// When `v` is in the span: the combination of inserted rows (by id)
    /// that equals it. Needs tracking.
    pub fn express(&self, v: SVec) -> Option<SVec> {
        assert!(self.track, "express needs provenance");
        let (res, p) = self.reduce_with(v, Vec::new());
        res.is_empty().then(|| scale(&p, Q::ONE.neg()))
    }
}

/// A basis of the combinations `y` with `Σ y_i rows[i] = 0` (the left null
/// space), each over row indexes.
pub fn dependencies(rows: &[SVec]) -> Vec<SVec> {
    let mut e = Echelon::new(true);
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let Err(y) = e.insert(r.clone(), i as u32) {
            out.push(y);
        }
    }
    out
}

/// The reduced row-echelon form of a span (every pivot column zero in the
/// other rows), rows in pivot order.
pub fn rref(rows: &[SVec]) -> Vec<SVec> {
    let mut e = Echelon::new(false);
    for (i, r) in rows.iter().enumerate() {
        let _ = e.insert(r.clone(), i as u32);
    }
    let mut rows: Vec<SVec> = e.rows.clone();
    rows.sort_by_key(|r| r[0].0);
    // Back-substitute from the last pivot up.
    for i in (0..rows.len()).rev() {
        let col = rows[i][0].0;
        for j in 0..i {
            if let Ok(at) = rows[j].binary_search_by_key(&col, |e| e.0) {
                let c = rows[j][at].1;
                rows[j] = axpy(&rows[j], c.neg(), &rows[i]);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[(u32, i128)]) -> SVec {
        normalise(xs.iter().map(|&(i, x)| (i, Q::int(x))).collect())
    }

    #[test]
    fn rationals_reduce_and_parse() {
        assert_eq!(Q::new(6, -4), Q::new(-3, 2));
        assert_eq!(Q::new(1, 3).add(Q::new(1, 6)), Q::new(1, 2));
        assert_eq!(Q::parse_decimal("-2.50"), Some(Q::new(-5, 2)));
        assert_eq!(Q::parse_decimal("1e2"), Some(Q::int(100)));
        assert_eq!(Q::parse_decimal("0.25"), Some(Q::new(1, 4)));
    }

    #[test]
    #[should_panic(expected = "overflowed")]
    fn overflow_is_loud() {
        let big = Q::int(i128::MAX / 2);
        let _ = big.mul(Q::int(3));
    }

    #[test]
    fn echelon_expresses_and_finds_dependencies() {
        let mut e = Echelon::new(true);
        e.insert(v(&[(0, 1), (1, 1), (2, 1)]), 0).unwrap();
        e.insert(v(&[(0, 1)]), 1).unwrap();
        e.insert(v(&[(1, 1)]), 2).unwrap();
        // row0 − row1 − row2 = e2
        let p = e.express(v(&[(2, 1)])).unwrap();
        assert_eq!(p, v(&[(0, 1), (1, -1), (2, -1)]));
        assert!(!e.contains(v(&[(3, 1)])));
        let deps = dependencies(&[v(&[(0, 1), (1, 2)]), v(&[(0, 2), (1, 4)])]);
        assert_eq!(deps, vec![v(&[(0, -2), (1, 1)])]);
        let r = rref(&[v(&[(0, 1), (1, 1)]), v(&[(1, 1), (2, 1)])]);
        assert_eq!(r, vec![v(&[(0, 1), (2, -1)]), v(&[(1, 1), (2, 1)])]);
    }
}

/// Arithmetic modulo the prime 2^61 − 1, as a fast filter only: a set of
/// rows independent modulo p is independent over the rationals (a nonzero
/// minor modulo p is nonzero), so only the other answer needs the exact
/// computation.
pub mod modp {
    use super::Q;

    pub const P: u64 = (1 << 61) - 1;

    fn mul(a: u64, b: u64) -> u64 {
        ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
    }

    fn pow(mut a: u64, mut e: u64) -> u64 {
        let mut r = 1;
        while e > 0 {
            if e & 1 == 1 {
                r = mul(r, a);
            }
            a = mul(a, a);
            e >>= 1;
        }
        r
    }

    fn residue(x: i128) -> u64 {
        x.rem_euclid(i128::from(P)) as u64
    }

    /// `x` modulo p, when its denominator is not a multiple of p.
    pub fn of(x: Q) -> Option<u64> {
        let (n, d) = (x.numer(), x.denom());
        let d = residue(d);
        (d != 0).then(|| mul(residue(n), pow(d, P - 2)))
    }

    /// Whether these sparse rows (sorted by column) are linearly
    /// independent modulo p.
    pub fn independent(rows: &[Vec<(u32, u64)>]) -> bool {
        let mut pivots: std::collections::HashMap<u32, Vec<(u32, u64)>> =
            std::collections::HashMap::new();
        for r in rows {
            let mut v = r.clone();
            loop {
                let Some(&(col, x)) = v.iter().find(|e| e.1 != 0) else {
                    return false;
                };
                let Some(p) = pivots.get(&col) else {
                    // Normalise to a monic pivot.
                    let inv = pow(x, P - 2);
                    let row: Vec<(u32, u64)> = v
                        .iter()
                        .filter(|e| e.1 != 0)
                        .map(|&(c, y)| (c, mul(y, inv)))
                        .collect();
                    pivots.insert(col, row);
                    break;
                };
                // v −= x · p (both sorted by column)
                let mut out = Vec::with_capacity(v.len() + p.len());
                let (mut i, mut j) = (0, 0);
                while i < v.len() || j < p.len() {
                    if j >= p.len() || (i < v.len() && v[i].0 < p[j].0) {
                        out.push(v[i]);
                        i += 1;
                    } else if i >= v.len() || p[j].0 < v[i].0 {
                        out.push((p[j].0, (P - mul(x, p[j].1)) % P));
                        j += 1;
                    } else {
                        let y = (v[i].1 + P - mul(x, p[j].1)) % P;
                        if y != 0 {
                            out.push((v[i].0, y));
                        }
                        i += 1;
                        j += 1;
                    }
                }
                v = out;
            }
        }
        true
    }
}
