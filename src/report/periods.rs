//! Reporting periods: coarsen the periods the input holds (never refine
//! them), pick the granularity for `--period auto`, and pool a period below
//! k with the next one (the last with the previous), labelled by its span.

use std::collections::BTreeMap;

use crate::answers::{Granularity, Period};

/// How the report groups time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    Auto,
    Fixed(Granularity),
    /// No breakdown by period.
    All,
}

/// A reporting period: one or more consecutive periods pooled together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub first: Period,
    pub last: Period,
    pub n: u64,
}

impl Span {
    pub fn label(&self) -> String {
        if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}–{}", self.first, self.last)
        }
    }
}

/// The periods of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodPlan {
    pub granularity: Option<Granularity>,
    pub spans: Vec<Span>,
    /// Respondents whose export had no time.
    pub undated: u64,
    /// Input period → index into `spans`.
    map: BTreeMap<Period, usize>,
}

impl PeriodPlan {
    /// The period-dimension value of a respondent: a span index, or
    /// `spans.len()` for undated. `None` when there is no period dimension.
    pub fn value_of(&self, p: Option<Period>) -> Option<usize> {
        self.granularity?;
        Some(match p.and_then(|p| self.map.get(&p)) {
            Some(&i) => i,
            None => self.spans.len(),
        })
    }

    /// The input periods pooled into span `i`, in order.
    pub fn members(&self, i: usize) -> Vec<Period> {
        self.map
            .iter()
            .filter(|(_, s)| **s == i)
            .map(|(p, _)| *p)
            .collect()
    }

    /// Number of values of the period dimension (spans + undated).
    pub fn len(&self) -> usize {
        self.spans.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        self.granularity.is_none()
    }
}

fn coarsened(counts: &BTreeMap<Period, u64>, g: Granularity) -> Option<BTreeMap<Period, u64>> {
    let mut out = BTreeMap::new();
    for (p, n) in counts {
        *out.entry(p.coarsen(g)?).or_default() += n;
    }
    Some(out)
}

/// Plan the periods from respondents per input period.
pub fn plan_periods(
    counts: &BTreeMap<Option<Period>, u64>,
    choice: PeriodChoice,
    k: u64,
) -> PeriodPlan {
    let undated = counts.get(&None).copied().unwrap_or(0);
    let dated: BTreeMap<Period, u64> = counts
        .iter()
        .filter_map(|(p, n)| Some(((*p)?, *n)))
        .collect();
    let levels = [Granularity::Quarter, Granularity::Half, Granularity::Year];
    let g = match choice {
        PeriodChoice::All => None,
        _ if dated.is_empty() => None,
        PeriodChoice::Fixed(g) => Some(
            levels
                .into_iter()
                .find(|&l| l >= g && coarsened(&dated, l).is_some())
                .unwrap_or(Granularity::Year),
        ),
        PeriodChoice::Auto => {
            let feasible: Vec<(Granularity, BTreeMap<Period, u64>)> = levels
                .into_iter()
                .filter_map(|l| coarsened(&dated, l).map(|c| (l, c)))
                .collect();
            feasible
                .iter()
                .find(|(_, c)| c.values().all(|&n| n >= k))
                .or(feasible.last())
                .map(|(l, _)| *l)
        }
    };
    let Some(g) = g else {
        return PeriodPlan {
            undated,
            ..PeriodPlan::default()
        };
    };
    let by_period = coarsened(&dated, g).unwrap_or_default();
    let mut spans: Vec<(Vec<Period>, u64)> = Vec::new();
    let mut open: (Vec<Period>, u64) = (Vec::new(), 0);
    for (p, n) in by_period {
        open.0.push(p);
        open.1 += n;
        if open.1 >= k {
            spans.push(std::mem::take(&mut open));
        }
    }
    if !open.0.is_empty() {
        match spans.last_mut() {
            Some(last) => {
                last.0.extend(open.0);
                last.1 += open.1;
            }
            None => spans.push(open),
        }
    }
    let mut map = BTreeMap::new();
    for p in dated.keys() {
        let span = p
            .coarsen(g)
            .and_then(|c| spans.iter().position(|s| s.0.contains(&c)));
        if let Some(i) = span {
            map.insert(*p, i);
        }
    }
    PeriodPlan {
        granularity: Some(g),
        spans: spans
            .into_iter()
            .filter_map(|(ps, n)| {
                Some(Span {
                    first: *ps.first()?,
                    last: *ps.last()?,
                    n,
                })
            })
            .collect(),
        undated,
        map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, quarter: u8) -> Option<Period> {
        Some(Period::Quarter { year, quarter })
    }

    fn labels(p: &PeriodPlan) -> Vec<(String, u64)> {
        p.spans.iter().map(|s| (s.label(), s.n)).collect()
    }

    #[test]
    fn auto_picks_the_finest_level_where_every_period_reaches_k() {
        let c = BTreeMap::from([
            (q(2025, 1), 6),
            (q(2025, 2), 5),
            (q(2025, 3), 7),
            (q(2025, 4), 9),
        ]);
        let p = plan_periods(&c, PeriodChoice::Auto, 5);
        assert_eq!(p.granularity, Some(Granularity::Quarter));
        let c = BTreeMap::from([
            (q(2025, 1), 6),
            (q(2025, 2), 2),
            (q(2025, 3), 7),
            (q(2025, 4), 9),
        ]);
        let p = plan_periods(&c, PeriodChoice::Auto, 5);
        assert_eq!(labels(&p), [("2025-H1".into(), 8), ("2025-H2".into(), 16)]);
    }

    #[test]
    fn small_periods_pool_with_the_next_and_the_last_with_the_previous() {
        let c = BTreeMap::from([
            (q(2025, 1), 2),
            (q(2025, 2), 4),
            (q(2025, 3), 7),
            (q(2025, 4), 1),
        ]);
        let p = plan_periods(&c, PeriodChoice::Fixed(Granularity::Quarter), 5);
        assert_eq!(
            labels(&p),
            [("2025-Q1–2025-Q2".into(), 6), ("2025-Q3–2025-Q4".into(), 8)]
        );
        assert_eq!(p.value_of(q(2025, 4)), Some(1));
        assert_eq!(p.value_of(None), Some(2));
    }

    #[test]
    fn periods_are_never_refined() {
        let c = BTreeMap::from([(Some(Period::Year { year: 2024 }), 9), (q(2025, 1), 9)]);
        let p = plan_periods(&c, PeriodChoice::Fixed(Granularity::Quarter), 5);
        assert_eq!(p.granularity, Some(Granularity::Year));
        assert!(plan_periods(&c, PeriodChoice::All, 5).is_empty());
    }
}
