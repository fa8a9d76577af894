//! `farvel plan`: before any answers exist, a forecast of what the first
//! report can show and when, from the survey's segments, its `min_group`
//! and how many people are expected to leave and answer.
//!
//! The rules (also in `docs/plan.md`):
//!
//! - **Respondents.** N leavers a year × the response rate, spread evenly
//!   over the months: N × rate ÷ 12 a month.
//! - **Shares.** Each segment's respondents spread over its values by the
//!   survey's `anonymity.expected` shares (the rest not answered), or else
//!   evenly, with [`NOT_ANSWERED`] not answering. Segments are independent
//!   of each other and of time.
//! - **Atoms.** An atom (a combination of a value of every segment and a
//!   reporting period) expects total × the product of its values' shares ×
//!   its period's part of the horizon. Expected counts are *not* rounded to
//!   whole people: they are counted in thousandths of a person ([`UNIT`]),
//!   and k with them. (Rounding each atom to whole people empties most
//!   atoms of a survey with two segments and quarterly periods, and makes
//!   the forecast jump about as N grows; see `docs/plan.md`.) An atom that
//!   expects less than half a thousandth of a person is empty.
//! - **Periods.** The horizon is whole quarters with their expected counts;
//!   `report`'s own period planning ([`plan_periods`]) picks the level and
//!   pools small periods.
//! - **The audit.** The report's own audit ([`audit::plan`]) runs over
//!   those atoms (sizes only: no questions), and says which groups it
//!   would show, combine into "other groups (combined)", or leave out.
//! - **When.** Everyone together reaches k after the first whole month M
//!   with N × rate ÷ 12 × M ≥ k (the same for 2k).

pub mod text;

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::answers::{Granularity, Period};
use crate::error::{Error, Result};
use crate::report::aggregate::Cell;
use crate::report::audit::{self, Atom, GroupId, Layout, Plan};
use crate::report::periods::{PeriodChoice, plan_periods};
use crate::survey::model::{Kind, Survey};

/// The share assumed not to answer a segment that has no expected shares.
pub const NOT_ANSWERED: f64 = 0.05;

/// The horizons forecast, in months.
pub const HORIZONS: [u32; 2] = [12, 24];

/// The horizon the suggestions are about, in months.
pub const SUGGESTION_HORIZON: u32 = 12;

/// The most atoms (combinations of segment values and periods) a forecast
/// builds.
pub const MAX_ATOMS: usize = 200_000;

/// Expected counts are counted in thousandths of a person.
pub const UNIT: u64 = 1000;

/// What the forecast starts from, besides the survey.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    /// People leaving a year (at least 1).
    pub leavers_per_year: u32,
    /// The share of leavers expected to answer, in (0, 1].
    pub response_rate: f64,
    pub period: PeriodChoice,
}

impl Inputs {
    /// Expected respondents a month.
    pub fn per_month(&self) -> f64 {
        f64::from(self.leavers_per_year) * self.response_rate / 12.0
    }
}

/// One segment as the forecast sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The segment question's id.
    pub id: String,
    /// Its values: option values (`yes`, `no` for a yesno); a merged value
    /// is its members joined by `+`.
    pub values: Vec<String>,
    /// The expected share of each value, then of "not answered" (last).
    pub shares: Vec<f64>,
    /// Whether the shares come from the survey's `anonymity.expected`.
    pub given: bool,
}

impl Segment {
    /// The survey's segments (choice or yesno with `segment: true`), in
    /// survey order, with their expected shares.
    pub fn from_survey(survey: &Survey) -> Vec<Segment> {
        survey
            .questions()
            .filter(|q| q.segment && matches!(q.kind, Kind::Choice { .. } | Kind::YesNo))
            .map(|q| {
                let values: Vec<String> = match &q.kind {
                    Kind::YesNo => vec!["yes".into(), "no".into()],
                    k => k.options().iter().map(|c| c.value.clone()).collect(),
                };
                match survey.anonymity.expected.get(&q.id) {
                    Some(given) => {
                        let mut shares: Vec<f64> = values
                            .iter()
                            .map(|v| given.get(v).copied().unwrap_or(0.0))
                            .collect();
                        let rest = 1.0 - shares.iter().sum::<f64>();
                        shares.push(rest.max(0.0));
                        Segment {
                            id: q.id.clone(),
                            values,
                            shares,
                            given: true,
                        }
                    }
                    None => {
                        let n = values.len().max(1) as f64;
                        let mut shares = vec![(1.0 - NOT_ANSWERED) / n; values.len()];
                        shares.push(NOT_ANSWERED);
                        Segment {
                            id: q.id.clone(),
                            values,
                            shares,
                            given: false,
                        }
                    }
                }
            })
            .collect()
    }

    /// The two values with the smallest expected shares (ties: the later
    /// options), in option order.
    pub fn two_smallest(&self) -> Option<(usize, usize)> {
        let mut order: Vec<usize> = (0..self.values.len()).collect();
        order.sort_by(|&a, &b| self.shares[a].total_cmp(&self.shares[b]).then(b.cmp(&a)));
        match order[..] {
            [a, b, ..] => Some((a.min(b), a.max(b))),
            _ => None,
        }
    }

    /// This segment with values `a` and `b` (a < b) answered as one.
    pub fn merged(&self, a: usize, b: usize) -> Segment {
        let mut s = self.clone();
        s.values[a] = format!("{}+{}", self.values[a], self.values[b]);
        s.shares[a] += self.shares[b];
        s.values.remove(b);
        s.shares.remove(b);
        s
    }
}

/// What the report would do with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its size (and figures, where enough answered) is shown.
    Shown,
    /// It is part of "other groups (combined)", which is shown.
    Combined,
    /// Left out ("not shown").
    NotShown,
}

/// A number as the JSON gives it: rounded to 3 decimals.
fn r3<S: Serializer>(x: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((x * 1000.0).round() / 1000.0)
}

/// A number as the JSON gives it: rounded to 4 decimals.
fn r4<S: Serializer>(x: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((x * 10_000.0).round() / 10_000.0)
}

/// Everyone together in a horizon's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Everyone {
    #[serde(serialize_with = "r3")]
    pub expected: f64,
    pub status: Status,
}

/// One group of a horizon's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The segment value; `null`: not answered.
    pub value: Option<String>,
    /// Expected respondents.
    #[serde(serialize_with = "r3")]
    pub expected: f64,
    pub status: Status,
}

/// A segment's "other groups (combined)" row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combined {
    pub values: Vec<String>,
    #[serde(serialize_with = "r3")]
    pub expected: f64,
}

/// One segment in a horizon's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentOutcome {
    pub id: String,
    /// Each value, then "not answered" (value `null`).
    pub groups: Vec<Group>,
    /// The combined row, when the report would print one.
    pub combined: Option<Combined>,
}

impl SegmentOutcome {
    /// Option values (not "not answered") shown on their own.
    pub fn shown(&self) -> usize {
        self.options()
            .iter()
            .filter(|g| g.status == Status::Shown)
            .count()
    }

    /// The groups of option values ("not answered" left out).
    pub fn options(&self) -> &[Group] {
        &self.groups[..self.groups.len().saturating_sub(1)]
    }

    /// Fewer than half of its option values are shown on their own.
    pub fn mostly_not_shown(&self) -> bool {
        self.shown() * 2 < self.options().len()
    }

    /// Groups shown: values (and "not answered") on their own, and the
    /// combined row.
    pub fn groups_shown(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| g.status == Status::Shown)
            .count()
            + usize::from(self.combined.is_some())
    }
}

/// A reporting period of a horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// First and last month of the horizon it covers (1-based).
    pub first_month: u32,
    pub last_month: u32,
    #[serde(serialize_with = "r3")]
    pub expected: f64,
    pub status: Status,
}

/// The periods' "other groups (combined)" row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodsCombined {
    /// Indexes into the horizon's `periods`.
    pub periods: Vec<usize>,
    #[serde(serialize_with = "r3")]
    pub expected: f64,
}

/// The forecast at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Horizon {
    pub months: u32,
    /// `quarter`, `half` or `year`; `null` without a period breakdown.
    pub granularity: Option<&'static str>,
    pub everyone: Everyone,
    pub segments: Vec<SegmentOutcome>,
    pub periods: Vec<Span>,
    /// The periods' combined row, when the report would print one.
    pub periods_combined: Option<PeriodsCombined>,
}

impl Horizon {
    /// Groups of segments shown (values, "not answered" and combined rows).
    pub fn segment_groups_shown(&self) -> usize {
        self.segments.iter().map(SegmentOutcome::groups_shown).sum()
    }

    /// Every group shown but everyone together.
    pub fn groups_shown(&self) -> usize {
        self.segment_groups_shown()
            + self
                .periods
                .iter()
                .filter(|p| p.status == Status::Shown)
                .count()
            + usize::from(self.periods_combined.is_some())
    }
}

/// `x` expected people in [`UNIT`]s, to the nearest (half to even).
pub fn weight(x: f64) -> u64 {
    // `as` saturates: a negative or NaN count is 0.
    (x * UNIT as f64).round_ties_even() as u64
}

/// The first whole month after which `target` respondents are expected.
pub fn months_to(target: u64, per_month: f64) -> u64 {
    let m = (target as f64 / per_month - 1e-9).ceil();
    m.max(1.0) as u64
}

fn quarter(i: u32) -> Period {
    Period::Quarter {
        year: 1 + (i / 4) as i32,
        quarter: (i % 4 + 1) as u8,
    }
}

fn quarter_index(p: Period) -> u32 {
    match p {
        Period::Quarter { year, quarter } => (year - 1) as u32 * 4 + u32::from(quarter) - 1,
        // The input periods are quarters only.
        Period::Half { year, half } => (year - 1) as u32 * 4 + (u32::from(half) - 1) * 2,
        Period::Year { year } => (year - 1) as u32 * 4,
    }
}

pub fn granularity_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Quarter => "quarter",
        Granularity::Half => "half",
        Granularity::Year => "year",
    }
}

pub fn period_name(p: PeriodChoice) -> &'static str {
    match p {
        PeriodChoice::Auto => "auto",
        PeriodChoice::Fixed(g) => granularity_name(g),
        PeriodChoice::All => "all",
    }
}

/// Forecast one horizon: build the expected atoms and run the audit.
pub fn forecast(
    segments: &[Segment],
    per_month: f64,
    months: u32,
    choice: PeriodChoice,
    k: u64,
) -> Result<Horizon> {
    // Whole quarters of expected respondents, planned as `report` plans them.
    let per_quarter = weight(per_month * 3.0);
    let counts: BTreeMap<Option<Period>, u64> = (0..months / 3)
        .map(|i| (Some(quarter(i)), per_quarter))
        .collect();
    let k = k.saturating_mul(UNIT);
    let periods = plan_periods(&counts, choice, k);
    // (first month, last month) of each reporting period.
    let spans: Vec<(u32, u32)> = if periods.is_empty() {
        Vec::new()
    } else {
        (0..periods.spans.len())
            .filter_map(|i| {
                let members = periods.members(i);
                let first = quarter_index(*members.first()?);
                let last = quarter_index(*members.last()?);
                Some((3 * first + 1, 3 * (last + 1)))
            })
            .collect()
    };
    let mut sizes: Vec<usize> = segments.iter().map(|s| s.shares.len()).collect();
    let period_dim = (!spans.is_empty()).then_some(sizes.len());
    if period_dim.is_some() {
        // The spans, and "undated", which no one is.
        sizes.push(spans.len() + 1);
    }
    let combos = sizes
        .iter()
        .try_fold(1usize, |p, &n| p.checked_mul(n))
        .filter(|&c| c <= MAX_ATOMS)
        .ok_or_else(|| {
            Error::msg(format!(
                "the segments and periods make more than {MAX_ATOMS} combinations; farvel plan cannot forecast that many"
            ))
        })?;
    let mut keys: Vec<Vec<usize>> = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut key = vec![0usize; sizes.len()];
    for code in 0..combos {
        let mut rest = code;
        for (d, &n) in sizes.iter().enumerate().rev() {
            key[d] = rest % n;
            rest /= n;
        }
        let part = match period_dim {
            Some(p) => match spans.get(key[p]) {
                Some((first, last)) => f64::from(last + 1 - first),
                None => continue,
            },
            None => f64::from(months),
        };
        let share: f64 = segments
            .iter()
            .enumerate()
            .map(|(d, s)| s.shares[key[d]])
            .product();
        let n = weight(per_month * part * share);
        if n > 0 {
            keys.push(key.clone());
            cells.push(Cell { n, q: Vec::new() });
        }
    }
    let atoms: Vec<Atom> = keys
        .iter()
        .zip(&cells)
        .map(|(key, cell)| Atom { key, cell })
        .collect();
    let layout = Layout {
        questions: &[],
        segments: &[],
        sizes: &sizes,
    };
    let plan = audit::plan(&layout, &atoms, k);
    let status = |d: usize, v: usize| -> Status {
        if plan.size_shown(GroupId::Value(d, v)) {
            Status::Shown
        } else if plan.size_shown(GroupId::Merged(d))
            && plan.merged.get(&d).is_some_and(|vs| vs.contains(&v))
        {
            Status::Combined
        } else {
            Status::NotShown
        }
    };
    let total = per_month * f64::from(months);
    let segments_out = segments
        .iter()
        .enumerate()
        .map(|(d, s)| {
            let groups: Vec<Group> = (0..s.shares.len())
                .map(|v| Group {
                    value: s.values.get(v).cloned(),
                    expected: total * s.shares[v],
                    status: status(d, v),
                })
                .collect();
            let combined = combined(&plan, d, s, &groups);
            SegmentOutcome {
                id: s.id.clone(),
                groups,
                combined,
            }
        })
        .collect();
    let periods_out = match period_dim {
        Some(p) => spans
            .iter()
            .enumerate()
            .map(|(i, &(first, last))| Span {
                first_month: first,
                last_month: last,
                expected: per_month * f64::from(last + 1 - first),
                status: status(p, i),
            })
            .collect(),
        None => Vec::new(),
    };
    let periods_combined = period_dim
        .filter(|&p| plan.size_shown(GroupId::Merged(p)))
        .and_then(|p| plan.merged.get(&p))
        .map(|members| PeriodsCombined {
            periods: members.clone(),
            expected: members
                .iter()
                .filter_map(|&i| periods_out.get(i))
                .map(|s: &Span| s.expected)
                .sum(),
        });
    Ok(Horizon {
        months,
        granularity: periods.granularity.map(granularity_name),
        everyone: Everyone {
            expected: total,
            status: match plan.size_shown(GroupId::Overall) {
                true => Status::Shown,
                false => Status::NotShown,
            },
        },
        segments: segments_out,
        periods: periods_out,
        periods_combined,
    })
}

/// Segment `d`'s combined row, when the audit shows one.
fn combined(plan: &Plan, d: usize, s: &Segment, groups: &[Group]) -> Option<Combined> {
    if !plan.size_shown(GroupId::Merged(d)) {
        return None;
    }
    let members = plan.merged.get(&d)?;
    Some(Combined {
        values: members
            .iter()
            .map(|&v| {
                s.values
                    .get(v)
                    .cloned()
                    .unwrap_or_else(|| "(not answered)".into())
            })
            .collect(),
        expected: members.iter().map(|&v| groups[v].expected).sum(),
    })
}

/// What a segment's expected shares were taken to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentAssumption {
    pub id: String,
    /// `given` (from `anonymity.expected`) or `even`.
    pub spread: &'static str,
    /// Each value's share, then "not answered" (value `null`).
    pub shares: Vec<ValueShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueShare {
    pub value: Option<String>,
    #[serde(serialize_with = "r4")]
    pub share: f64,
}

/// The assumptions a forecast rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumptions {
    pub leavers_per_year: u32,
    pub response_rate: f64,
    #[serde(serialize_with = "r3")]
    pub respondents_per_year: f64,
    #[serde(serialize_with = "r3")]
    pub respondents_per_month: f64,
    /// The `--period` setting.
    pub period: &'static str,
    pub segments: Vec<SegmentAssumption>,
    /// Always `independent`: segments independent of each other and of time.
    pub segments_are: &'static str,
    /// Always `none`: expected counts are not rounded to whole people
    /// (the audit counts thousandths of a person).
    pub rounding: &'static str,
}

/// A way to see more.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    /// Answer some of a segment's values as one: `values` is the segment's
    /// values after merging (merged ones joined by `+`).
    Merge {
        segment: String,
        values: Vec<String>,
        /// Option values shown on their own after merging, of how many.
        shown: usize,
        of: usize,
        /// The same now.
        shown_now: usize,
        of_now: usize,
    },
    /// Drop a segment: the groups of the other segments and the periods
    /// (combined rows included) shown without it, and now.
    Drop {
        segment: String,
        others_shown: usize,
        others_shown_now: usize,
    },
    /// Report by another period setting: segment groups shown then, and now.
    Period {
        period: &'static str,
        segment_groups_shown: usize,
        segment_groups_shown_now: usize,
    },
}

/// The whole forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// The survey id.
    pub survey: String,
    /// `min_group`.
    pub k: u64,
    pub assumptions: Assumptions,
    /// Months until everyone together reaches k, and 2k.
    pub months_to_k: u64,
    pub months_to_2k: u64,
    pub horizons: Vec<Horizon>,
    /// About the first horizon (1 year).
    pub suggestions: Vec<Suggestion>,
}

/// Forecast what the first report on `survey` can show.
pub fn plan(survey: &Survey, inputs: &Inputs) -> Result<Forecast> {
    if inputs.leavers_per_year == 0 {
        return Err(Error::msg(
            "the number of leavers a year must be at least 1",
        ));
    }
    if !(inputs.response_rate > 0.0 && inputs.response_rate <= 1.0) {
        return Err(Error::msg(
            "the response rate must be above 0 and at most 1 (0.6 for 60 %)",
        ));
    }
    let k = u64::from(survey.anonymity.min_group.max(5));
    let per_month = inputs.per_month();
    let segments = Segment::from_survey(survey);
    let horizons = HORIZONS
        .iter()
        .map(|&m| forecast(&segments, per_month, m, inputs.period, k))
        .collect::<Result<Vec<_>>>()?;
    let first = match horizons.first() {
        Some(h) => h.clone(),
        None => forecast(&segments, per_month, SUGGESTION_HORIZON, inputs.period, k)?,
    };
    let suggestions = suggest(&segments, per_month, inputs.period, k, &first)?;
    let assumptions = Assumptions {
        leavers_per_year: inputs.leavers_per_year,
        response_rate: inputs.response_rate,
        respondents_per_year: per_month * 12.0,
        respondents_per_month: per_month,
        period: period_name(inputs.period),
        segments: segments
            .iter()
            .map(|s| SegmentAssumption {
                id: s.id.clone(),
                spread: if s.given { "given" } else { "even" },
                shares: s
                    .shares
                    .iter()
                    .enumerate()
                    .map(|(i, &share)| ValueShare {
                        value: s.values.get(i).cloned(),
                        share,
                    })
                    .collect(),
            })
            .collect(),
        segments_are: "independent",
        rounding: "none",
    };
    Ok(Forecast {
        survey: survey.id.clone(),
        k,
        assumptions,
        months_to_k: months_to(k, per_month),
        months_to_2k: months_to(2 * k, per_month),
        horizons,
        suggestions,
    })
}

/// Suggestions at the first horizon: for each segment whose values are
/// mostly not shown, merging its two smallest values (and, if that is not
/// enough, merging on until most are shown) and dropping it; and a coarser
/// period setting when it shows more segment groups.
fn suggest(
    segments: &[Segment],
    per_month: f64,
    choice: PeriodChoice,
    k: u64,
    now: &Horizon,
) -> Result<Vec<Suggestion>> {
    let months = now.months;
    let run = |segs: &[Segment], choice: PeriodChoice| forecast(segs, per_month, months, choice, k);
    let mut out = Vec::new();
    for (d, seg) in segments.iter().enumerate() {
        let Some(outcome) = now.segments.get(d) else {
            continue;
        };
        if !outcome.mostly_not_shown() {
            continue;
        }
        // Merge the two smallest values, and on while most are not shown.
        let mut merged = seg.clone();
        let mut first_step = true;
        while merged.values.len() > 2 {
            let Some((a, b)) = merged.two_smallest() else {
                break;
            };
            merged = merged.merged(a, b);
            let mut segs = segments.to_vec();
            segs[d] = merged.clone();
            let h = run(&segs, choice)?;
            let after = &h.segments[d];
            let enough = !after.mostly_not_shown();
            if first_step || enough || merged.values.len() == 2 {
                out.push(Suggestion::Merge {
                    segment: seg.id.clone(),
                    values: merged.values.clone(),
                    shown: after.shown(),
                    of: after.options().len(),
                    shown_now: outcome.shown(),
                    of_now: outcome.options().len(),
                });
            }
            first_step = false;
            if enough {
                break;
            }
        }
        // Drop it.
        let mut segs = segments.to_vec();
        segs.remove(d);
        let h = run(&segs, choice)?;
        out.push(Suggestion::Drop {
            segment: seg.id.clone(),
            others_shown: h.groups_shown(),
            others_shown_now: now.groups_shown() - outcome.groups_shown(),
        });
    }
    let coarser = match choice {
        PeriodChoice::Fixed(Granularity::Year) | PeriodChoice::All => None,
        _ => Some(PeriodChoice::Fixed(Granularity::Year)),
    };
    if let Some(c) = coarser.filter(|_| !segments.is_empty()) {
        let h = run(segments, c)?;
        if h.segment_groups_shown() > now.segment_groups_shown() {
            out.push(Suggestion::Period {
                period: period_name(c),
                segment_groups_shown: h.segment_groups_shown(),
                segment_groups_shown_now: now.segment_groups_shown(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
