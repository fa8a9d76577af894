//! Small-sample statistics for the report: integer percentages (round half
//! to even, exact), the Wilson score interval for shares, the adjusted-Wald
//! interval for eNPS, the t-interval for means, and quantiles computed
//! exactly from a value → count map (Hyndman–Fan type 7). All intervals are
//! 95 %.

use std::collections::BTreeMap;

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.96;

/// `100 · x / n` as an integer percentage, rounded half to even, computed
/// in integers so that 1/8 = 12.5 % prints as 12 % and 3/8 = 37.5 % as 38 %.
pub fn percent(x: u64, n: u64) -> i64 {
    if n == 0 {
        return 0;
    }
    let num = u128::from(x) * 100;
    let d = u128::from(n);
    let (q, r) = (num / d, num % d);
    let up = match (2 * r).cmp(&d) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => q % 2 == 1,
        std::cmp::Ordering::Less => false,
    };
    (q + u128::from(up)) as i64
}

/// A fraction (0…1) as an integer percentage, round half to even.
pub fn percent_f(p: f64) -> i64 {
    (p * 100.0).round_ties_even() as i64
}

/// Wilson score interval for `x` successes of `n`, as fractions.
pub fn wilson(x: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (x, n) = (x as f64, n as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// eNPS and its adjusted-Wald interval (Rocks 2016) on the −100…+100 scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Enps {
    /// % promoters − % detractors, exact then rounded half to even.
    pub score: i64,
    pub low: i64,
    pub high: i64,
    /// Half the interval width, in points.
    pub margin: i64,
}

/// eNPS from promoters, detractors and the number answering.
pub fn enps(promoters: u64, detractors: u64, n: u64) -> Enps {
    let score = if n == 0 {
        0
    } else {
        let diff = promoters as i128 - detractors as i128;
        let sign = if diff < 0 { -1 } else { 1 };
        sign * percent(diff.unsigned_abs() as u64, n)
    };
    let n2 = n as f64 + 3.0;
    let p = (promoters as f64 + 0.75) / n2;
    let d = (detractors as f64 + 0.75) / n2;
    let var = (p + d - (p - d) * (p - d)) / n2;
    let half = Z95 * var.sqrt();
    let lo = ((p - d - half) * 100.0).max(-100.0);
    let hi = ((p - d + half) * 100.0).min(100.0);
    Enps {
        score,
        low: lo.round_ties_even() as i64,
        high: hi.round_ties_even() as i64,
        margin: (half * 100.0).round_ties_even() as i64,
    }
}

/// Two-sided 97.5 % quantile of Student's t for `df` degrees of freedom
/// (table to 30, then the Cornish–Fisher expansion, good to 3 decimals).
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[(df - 1) as usize],
        _ => {
            let (z, v) = (Z95, df as f64);
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            z + (z3 + z) / (4.0 * v) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Mean with its t-interval, from a value → count map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

pub fn mean_ci(counts: &BTreeMap<i64, u64>) -> Option<MeanCi> {
    let n: u64 = counts.values().sum();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = counts
        .iter()
        .map(|(v, c)| *v as f64 * *c as f64)
        .sum::<f64>()
        / nf;
    if n < 2 {
        return Some(MeanCi {
            mean,
            low: f64::NEG_INFINITY,
            high: f64::INFINITY,
        });
    }
    let ss: f64 = counts
        .iter()
        .map(|(v, c)| (*v as f64 - mean).powi(2) * *c as f64)
        .sum();
    let sd = (ss / (nf - 1.0)).sqrt();
    let half = t975(n - 1) * sd / nf.sqrt();
    Some(MeanCi {
        mean,
        low: mean - half,
        high: mean + half,
    })
}

/// The `i`-th smallest value (0-based) of a value → count map.
fn order_stat<K: Copy>(counts: &BTreeMap<K, u64>, i: u64) -> Option<K> {
    let mut seen = 0u64;
    for (v, c) in counts {
        seen += c;
        if i < seen {
            return Some(*v);
        }
    }
    None
}

/// Quantile `p` (0…1) by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and NumPy), exact from counts.
pub fn quantile<K: Copy + Into<f64>>(counts: &BTreeMap<K, u64>, p: f64) -> Option<f64> {
    let n: u64 = counts.values().sum();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor();
    let a: f64 = order_stat(counts, lo as u64)?.into();
    let b: f64 = order_stat(counts, (lo as u64 + 1).min(n - 1))?.into();
    Some(a + (h - lo) * (b - a))
}

/// Whether two intervals are disjoint.
pub fn disjoint(a: (f64, f64), b: (f64, f64)) -> bool {
    a.1 < b.0 || b.1 < a.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct_interval(x: u64, n: u64) -> (i64, i64) {
        let (l, h) = wilson(x, n);
        (percent_f(l), percent_f(h))
    }

    #[test]
    fn percentages_round_half_to_even() {
        let table = [
            (1, 8, 12),
            (3, 8, 38),
            (1, 3, 33),
            (2, 3, 67),
            (13, 37, 35),
            (0, 5, 0),
        ];
        for (x, n, want) in table {
            assert_eq!(percent(x, n), want, "{x}/{n}");
        }
    }

    #[test]
    fn wilson_matches_published_examples() {
        assert_eq!(pct_interval(13, 37), (22, 51));
        assert_eq!(pct_interval(8, 37), (11, 37));
        assert_eq!(pct_interval(27, 38), (55, 83));
        assert_eq!(pct_interval(0, 10), (0, 28));
        assert_eq!(pct_interval(10, 10), (72, 100));
    }

    #[test]
    fn adjusted_wald_enps_example() {
        let e = enps(9, 12, 38);
        assert_eq!((e.score, e.low, e.high), (-8, -30, 15));
        assert_eq!(e.margin, 23);
        let all = enps(10, 0, 10);
        assert_eq!(all.score, 100);
        // 10 of 10 promoters: n' = 13, centre 76.9, ± 29.4 → 48 to 100 (capped).
        assert_eq!((all.low, all.high), (48, 100));
    }

    #[test]
    fn t_interval_uses_student_t() {
        let m = mean_ci(&BTreeMap::from([(2, 1), (4, 1), (6, 1)])).unwrap();
        // mean 4, sd 2, n 3: 4 ± 4.303·2/√3
        assert!((m.mean - 4.0).abs() < 1e-12);
        assert!((m.high - (4.0 + 4.303 * 2.0 / 3f64.sqrt())).abs() < 1e-9);
        assert!((t975(40) - 2.021).abs() < 0.002);
        assert!((t975(120) - 1.980).abs() < 0.002);
    }

    #[test]
    fn quantiles_type7_from_counts() {
        let m = BTreeMap::from([(1i32, 1u64), (2, 1), (3, 1), (4, 1)]);
        assert_eq!(quantile(&m, 0.5), Some(2.5));
        assert_eq!(quantile(&m, 0.25), Some(1.75));
        assert_eq!(quantile(&m, 0.75), Some(3.25));
        let skew = BTreeMap::from([(1i32, 3u64), (5, 1)]);
        assert_eq!(quantile(&skew, 0.5), Some(1.0));
        assert_eq!(quantile(&BTreeMap::<i32, u64>::new(), 0.5), None);
    }
}
