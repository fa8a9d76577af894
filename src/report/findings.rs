//! From the streamed aggregates to [`Findings`]: the periods are planned,
//! the atoms re-keyed by (segment values, reporting period), the anonymity
//! audit run, and the figures of every group that may be described summed
//! from its atoms. Nothing about a group that is not published is kept, so
//! the writers cannot print it by mistake.

use std::collections::BTreeMap;

use super::aggregate::{Aggregated, Cell, QAgg, Verbatims};
use super::audit::{Atom, Plan, plan};
use super::periods::{PeriodChoice, PeriodPlan, plan_periods};
use super::suppress::Decision;
use crate::answers::Period;
use crate::survey::model::{Question, Survey};

/// A breakdown dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    /// Index into [`Findings::segments`].
    Segment(usize),
    Period,
}

pub struct Findings<'a> {
    pub survey: &'a Survey,
    pub k: u64,
    /// All respondents (the number is only printed when ≥ k).
    pub n: u64,
    pub questions: Vec<&'a Question>,
    pub segments: Vec<&'a Question>,
    /// Option values of each segment (the "not answered" value is one past the end).
    pub segment_values: Vec<Vec<String>>,
    pub dims: Vec<Dim>,
    pub periods: PeriodPlan,
    pub plan: Plan,
    /// The whole population, when it may be described.
    pub overall: Option<Cell>,
    /// (dimension, value) → figures, published groups only.
    pub groups: BTreeMap<(usize, usize), Cell>,
    /// dimension → the merged "other groups (combined)" row, when published.
    pub merged: BTreeMap<usize, Cell>,
    /// Verbatims, only for questions where they may be shown.
    pub verbatims: BTreeMap<String, Verbatims>,
    /// "Other" texts, under the same rule as the verbatims.
    pub others: BTreeMap<String, Verbatims>,
}

/// Minimum number shown a question before its verbatims are printed.
pub fn verbatim_floor(k: u64) -> u64 {
    k.max(10)
}

impl<'a> Findings<'a> {
    /// Finish an aggregation.
    pub fn build(agg: Aggregated<'a>, choice: PeriodChoice) -> Findings<'a> {
        let k = u64::from(agg.survey.anonymity.min_group.max(5));
        let mut per_period: BTreeMap<Option<Period>, u64> = BTreeMap::new();
        for (_, p, c) in agg.atoms() {
            *per_period.entry(p).or_default() += c.n;
        }
        let periods = plan_periods(&per_period, choice, k);
        let mut dims: Vec<Dim> = (0..agg.segments.len()).map(Dim::Segment).collect();
        let mut sizes: Vec<usize> = (0..agg.segments.len())
            .map(|i| agg.segment_len(i))
            .collect();
        if !periods.is_empty() {
            dims.push(Dim::Period);
            sizes.push(periods.len());
        }
        let mut cells: BTreeMap<Vec<usize>, Cell> = BTreeMap::new();
        for (segs, p, c) in agg.atoms() {
            let mut key = segs.to_vec();
            key.extend(periods.value_of(p));
            cells.entry(key).or_default().add(c);
        }
        let atoms: Vec<Atom> = cells.iter().map(|(key, c)| (key.clone(), c.n)).collect();
        let plan = plan(&sizes, &atoms, k);
        let sum = |pick: &dyn Fn(&[usize]) -> bool| {
            let mut out = Cell::default();
            for (key, c) in &cells {
                if pick(key) {
                    out.add(c);
                }
            }
            out
        };
        let n: u64 = atoms.iter().map(|a| a.1).sum();
        let overall = (plan.overall == Some(Decision::Published)).then(|| sum(&|_| true));
        let mut groups = BTreeMap::new();
        for (&(d, v), g) in &plan.groups {
            if g.0 == Decision::Published {
                groups.insert((d, v), sum(&|key| key[d] == v));
            }
        }
        let mut merged = BTreeMap::new();
        for (&d, (values, _)) in &plan.merged {
            merged.insert(d, sum(&|key| values.contains(&key[d])));
        }
        // Whole population only, and only questions shown to enough people.
        let showable = |texts: &BTreeMap<String, Verbatims>| {
            let mut texts = texts.clone();
            texts.retain(|qid, _| {
                overall.as_ref().is_some_and(|o| {
                    agg.questions
                        .iter()
                        .position(|q| &q.id == qid)
                        .is_some_and(|i| o.q.get(i).is_some_and(|a| a.shown >= verbatim_floor(k)))
                })
            });
            texts
        };
        let (verbatims, others) = (showable(&agg.verbatims), showable(&agg.others));
        let segment_values = (0..agg.segments.len())
            .map(|i| {
                (0..agg.segment_len(i) - 1)
                    .filter_map(|v| agg.segment_value(i, v).map(str::to_string))
                    .collect()
            })
            .collect();
        Findings {
            survey: agg.survey,
            k,
            n,
            questions: agg.questions.clone(),
            segments: agg.segments.clone(),
            segment_values,
            dims,
            periods,
            plan,
            overall,
            groups,
            merged,
            verbatims,
            others,
        }
    }

    /// The figures of question `qi` in the whole population.
    pub fn overall_q(&self, qi: usize) -> Option<&QAgg> {
        self.overall.as_ref().and_then(|c| c.q.get(qi))
    }

    /// Whether the unanimity guard applies to these counts in a group of
    /// `group_n`: a group below 2k where all, or all but one, of those who
    /// answered chose the same value.
    pub fn unanimous<K>(&self, group_n: u64, counts: &BTreeMap<K, u64>, answered: u64) -> bool {
        group_n < 2 * self.k && answered > 0 && counts.values().any(|&c| c + 1 >= answered)
    }
}
