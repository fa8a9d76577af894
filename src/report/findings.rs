//! From the streamed aggregates to [`Findings`]: the periods are planned,
//! the atoms re-keyed by (segment values, reporting period), the anonymity
//! audit run, and the figures of every group that may be described summed
//! from its atoms. Nothing about a group that is not published is kept, so
//! the writers cannot print it by mistake.

use std::collections::BTreeMap;

use super::aggregate::{Aggregated, Cell, QAgg, Verbatims};
use super::audit::{self, Atom, GroupId, Layout, Plan};
use super::periods::{PeriodChoice, PeriodPlan, plan_periods};
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
    /// The figures of every group whose size may be shown (the whole
    /// population included); nothing about any other group is kept, so
    /// the writers cannot print it by mistake.
    pub groups: BTreeMap<GroupId, Cell>,
    /// Verbatims, only for questions where they may be shown.
    pub verbatims: BTreeMap<String, Verbatims>,
    /// "Other" texts, under the same rule as the verbatims.
    pub others: BTreeMap<String, Verbatims>,
    /// Candidate groups (the whole population and every value of every
    /// dimension): how many the audit looked at.
    pub candidates: usize,
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
        cells.retain(|_, c| c.n > 0);
        let atoms: Vec<Atom> = cells.iter().map(|(key, cell)| Atom { key, cell }).collect();
        let segment_values: Vec<Vec<String>> = (0..agg.segments.len())
            .map(|i| {
                (0..agg.segment_len(i) - 1)
                    .filter_map(|v| agg.segment_value(i, v).map(str::to_string))
                    .collect()
            })
            .collect();
        let segments: Vec<(usize, Vec<String>)> = agg
            .segments
            .iter()
            .zip(&segment_values)
            .map(|(s, vals)| {
                let qi = agg
                    .questions
                    .iter()
                    .position(|q| q.id == s.id)
                    .unwrap_or(usize::MAX);
                (qi, vals.clone())
            })
            .collect();
        let layout = Layout {
            questions: &agg.questions,
            segments: &segments,
            sizes: &sizes,
        };
        let plan = audit::plan(&layout, &atoms, k);
        let n: u64 = atoms.iter().map(|a| a.cell.n).sum();
        let mut groups = BTreeMap::new();
        for &g in &plan.sizes {
            let mut sum = Cell::default();
            for a in audit::members(&atoms, g, &plan.merged) {
                sum.add(atoms[a].cell);
            }
            groups.insert(g, sum);
        }
        let overall = groups.get(&GroupId::Overall).cloned();
        // Whole population only, and only questions shown to enough people.
        // How many wrote under "Other" is a count of an answer class: it
        // needs the question's answer figures, not only its counts.
        let showable = |texts: &BTreeMap<String, Verbatims>, class: bool| {
            let mut texts = texts.clone();
            texts.retain(|qid, _| {
                let Some(i) = agg.questions.iter().position(|q| &q.id == qid) else {
                    return false;
                };
                let allowed = match class {
                    true => plan.figures_shown(i, GroupId::Overall),
                    false => plan.counts_shown(i, GroupId::Overall),
                };
                allowed
                    && overall
                        .as_ref()
                        .is_some_and(|o| o.q.get(i).is_some_and(|a| a.shown >= verbatim_floor(k)))
            });
            texts
        };
        let (verbatims, others) = (showable(&agg.verbatims, false), showable(&agg.others, true));
        let candidates = 1 + sizes.iter().sum::<usize>();
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
            verbatims,
            others,
            candidates,
        }
    }

    /// The figures of group `g`, when its size may be shown.
    pub fn group(&self, g: GroupId) -> Option<&Cell> {
        self.groups.get(&g)
    }

    /// The figures of question `qi` in group `g`, when its answer figures
    /// may be shown there.
    pub fn figures(&self, qi: usize, g: GroupId) -> Option<&QAgg> {
        if !self.plan.figures_shown(qi, g) {
            return None;
        }
        self.groups.get(&g).and_then(|c| c.q.get(qi))
    }

    /// Whether a statistic that is not a sum of counts (a median,
    /// quartiles, "most common") may be printed over `answered` answers.
    pub fn nonlinear_ok(&self, answered: u64) -> bool {
        answered >= 2 * self.k
    }

    /// The figures of question `qi` in the whole population.
    pub fn overall_q(&self, qi: usize) -> Option<&QAgg> {
        self.figures(qi, GroupId::Overall)
    }
}
