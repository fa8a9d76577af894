//! The attacker: the oracle for the report's promise that no figure it
//! prints can betray a respondent to a reader who knows who left, when and
//! in which group, and who does exact arithmetic.
//!
//! Written apart from the report's disclosure audit: nothing here calls or
//! copies `src/report/`. It reads the survey (the library's loader and its
//! `show_if` evaluator), the microdata (the normalised CSV, with its own
//! reader) and the report's JSON (`farvel report … --json FILE`, see
//! docs/report-json.md), and lists every violation of:
//!
//! 1. small sets: no union of atoms with 1 to k−1 respondents has a
//!    derivable function of its cells beyond the identities;
//! 2. unanimity: for no union with 1 to 2k−1 answerers of a question is it
//!    derivable that all, or all but one, fall in a printed grouping;
//! 3. bases: counts and sums over at least k answerers, medians, quantiles
//!    and "most common" over at least 2k;
//! 4. one marker: "shown" with a value, or "not shown" with nothing else;
//!
//! plus the format, and the figures' values against the data (a mismatch
//! means the attacker's model of what is published is wrong, so it fails
//! too). Modules: [`exact`] (rationals, echelon forms), [`model`] (cells
//! and identities), [`data`] (atoms and true cells), [`figures`] (the JSON
//! as facts), [`attack`] (the linear system and the two searches),
//! [`search`] (exact and bounded enumeration of unions).

mod attack;
mod data;
mod exact;
mod figures;
mod generate;
mod mock;
mod model;
mod nonvacuity;
mod property;
mod search;

use std::fmt;
use std::path::Path;

pub use search::Budget;
use search::Mode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Rule 1: a union of fewer than k respondents.
    SmallSet,
    /// Rule 2: all or all but one of fewer than 2k answerers.
    Unanimity,
    /// Rule 3: a figure over too few answerers.
    Base,
    /// Rule 4: the one "not shown" marker.
    Marker,
    /// A figure the data do not give: the attacker's model and the report
    /// disagree, so the attacker cannot vouch for the report.
    Mismatch,
    /// The JSON does not follow docs/report-json.md.
    Format,
}

pub struct Finding {
    pub rule: Rule,
    /// The atoms of the union (empty when the finding is about a figure).
    pub set: Vec<String>,
    pub question: Option<String>,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.rule)?;
        if let Some(q) = &self.question {
            write!(f, " [{q}]")?;
        }
        if !self.set.is_empty() {
            write!(f, " set {{{}}}", self.set.join("; "))?;
        }
        write!(f, ": {}", self.detail)
    }
}

pub struct Outcome {
    pub findings: Vec<Finding>,
    /// How each search ran, and what was left out of the linear system.
    pub notes: Vec<String>,
    /// Whether every search was exact.
    pub exact: bool,
}

impl Outcome {
    pub fn of(&self, rule: Rule) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    pub fn report(&self) -> String {
        let mut s = String::new();
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        for f in &self.findings {
            s.push_str(&format!("{f}\n"));
        }
        s
    }
}

/// The attacker's model and true data of a survey and its microdata.
pub fn tabulate(survey: &Path, microdata: &Path) -> Result<(model::Model, data::Data), String> {
    let survey = farvel::survey::load_survey(survey).map_err(|e| e.to_string())?;
    let respondents = data::read_csv(&survey, microdata)?;
    let model = model::Model::new(&survey, &data::months(&respondents));
    let data = data::tabulate(&survey, &model, &respondents)?;
    Ok((model, data))
}

/// Attack one report: the survey, the microdata it was made from (a
/// normalised CSV) and its JSON.
pub fn attack(
    survey: &Path,
    microdata: &Path,
    json: &serde_json::Value,
    budget: Budget,
) -> Result<Outcome, String> {
    let survey = farvel::survey::load_survey(survey).map_err(|e| e.to_string())?;
    let respondents = data::read_csv(&survey, microdata)?;
    let mut months = data::months(&respondents);
    // A date question's classes: the months in the data and in the JSON.
    for f in json
        .get("figures")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
    {
        if let (Some(q), Some(cs)) = (
            f.get("question").and_then(|q| q.as_str()),
            f.get("classes").and_then(|c| c.as_array()),
        ) && survey
            .question(q)
            .is_some_and(|q| matches!(q.kind, farvel::survey::Kind::Date { .. }))
        {
            let set = months.entry(q.to_string()).or_default();
            set.extend(cs.iter().filter_map(|c| c.as_str()).map(str::to_string));
        }
    }
    let model = model::Model::new(&survey, &months);
    let data = data::tabulate(&survey, &model, &respondents)?;
    let parsed = figures::parse(&model, &data, json);
    let mut findings = parsed.findings;
    let mut notes = parsed.notes;
    let t = std::time::Instant::now();
    let mut sys = attack::System::new(&model, &data, &parsed.facts);
    notes.push(format!(
        "{} non-empty atoms ({} below k = {}), {} published linear facts, {} columns, rank {} ({:.1} s)",
        data.atoms.len(),
        data.atoms.iter().filter(|a| a.n < model.k).count(),
        model.k,
        parsed.facts.len(),
        sys.columns(),
        sys.rank(),
        t.elapsed().as_secs_f64()
    ));
    let t = std::time::Instant::now();
    let mut exact = true;
    let (f1, m1) = sys.small_sets(budget);
    match &m1 {
        Mode::Exact { nodes } => notes.push(format!(
            "rule 1: exact ({nodes} unions tried, {:.1} s)",
            t.elapsed().as_secs_f64()
        )),
        Mode::Bounded { tried, reason } => {
            exact = false;
            notes.push(format!(
                "rule 1: BOUNDED search, {tried} unions tried ({reason})"
            ));
        }
    }
    findings.extend(f1);
    let t = std::time::Instant::now();
    let (f2, m2) = sys.unanimity(budget);
    let nodes: usize = m2
        .iter()
        .map(|(_, m)| match m {
            Mode::Exact { nodes } => *nodes,
            Mode::Bounded { .. } => 0,
        })
        .sum();
    let bounded: Vec<String> = m2
        .iter()
        .filter_map(|(g, m)| match m {
            Mode::Bounded { tried, reason } => Some(format!("{g}: {tried} unions ({reason})")),
            Mode::Exact { .. } => None,
        })
        .collect();
    if bounded.is_empty() {
        notes.push(format!(
            "rule 2: exact ({} groupings searched, {nodes} unions tried, {:.1} s)",
            m2.len(),
            t.elapsed().as_secs_f64()
        ));
    } else {
        exact = false;
        notes.push(format!(
            "rule 2: BOUNDED search for {} of {} groupings: {}",
            bounded.len(),
            m2.len(),
            bounded.join("; ")
        ));
    }
    findings.extend(f2);
    findings.sort_by_key(|f| f.rule);
    Ok(Outcome {
        findings,
        notes,
        exact,
    })
}
