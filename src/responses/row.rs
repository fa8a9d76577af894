//! One row → one response. Cells (with the file's [`Columns`]) or posted
//! fields (a list of name/value pairs, as a sealed response decrypts to)
//! are gathered per question into [`Slot`]s, read by [`super::values`],
//! re-checked by [`super::validate`], and the submission time is turned
//! into a period at once. Out comes a [`RowOutcome`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::answers::{Granularity, Period, Response};
use crate::cli::DateOrder;
use crate::survey::{Kind, Service};

use super::Reconciliation;
use super::headers::{Catalog, Meta, Target, meta_of};
use super::time::{NaiveZone, parse_stamp, period_of};
use super::validate::{Dropped, check_row};
use super::values::{Slot, read_question, rule};

/// What each column of one file holds.
#[derive(Debug, Clone)]
pub struct Columns {
    pub targets: Vec<Option<Target>>,
    /// How to read time stamps without an offset.
    pub zone: NaiveZone,
    /// Columns whose dates tell the file's day/month order.
    pub date_columns: Vec<usize>,
    /// Whether a column holds the submission time (or the period).
    pub has_time: bool,
    /// The submission time column (the first, if several).
    pub time_column: Option<usize>,
    /// The column of sealed envelopes, in an export of a sealed survey.
    pub sealed: Option<usize>,
}

/// Map a file's header; warnings and dropped columns go to `rec`, mapped
/// questions to `mapped`.
pub fn plan_columns(
    cat: &Catalog,
    headers: &[String],
    path: &Path,
    rec: &mut Reconciliation,
    mapped: &mut BTreeSet<usize>,
) -> Columns {
    let mut targets = Vec::with_capacity(headers.len());
    let mut taken: BTreeMap<Target, &str> = BTreeMap::new();
    let mut date_columns = Vec::new();
    let mut time_column = None;
    let mut sealed = None;
    for (c, h) in headers.iter().enumerate() {
        let mut t = cat.map_header(h);
        let repeatable = match t {
            Some(Target::Main(i)) => matches!(cat.questions[i].q.kind, Kind::Multi { .. }),
            Some(Target::Meta(Meta::Dropped)) | None => true,
            _ => false,
        };
        if let Some(tt) = t
            && !repeatable
        {
            if let Target::Meta(_) = tt
                && taken.contains_key(&tt)
            {
                // A second time stamp or id: metadata all the same, dropped.
                rec.dropped_columns.insert(h.trim().to_string());
                targets.push(None);
                continue;
            }
            if let Some(first) = taken.get(&tt) {
                rec.messages.push(format!(
                    "{}: warning: column '{h}' holds the same as column '{first}' and is ignored",
                    path.display()
                ));
                rec.unmapped_columns.insert(h.clone());
                targets.push(None);
                continue;
            }
            taken.insert(tt, h);
        }
        match t {
            Some(Target::Meta(Meta::Period)) => {}
            Some(Target::Meta(Meta::Sealed)) => sealed = Some(c),
            Some(Target::Meta(m)) => {
                rec.dropped_columns.insert(h.trim().to_string());
                if m == Meta::Time {
                    date_columns.push(c);
                    time_column.get_or_insert(c);
                }
            }
            Some(Target::Main(i) | Target::Option(i, _) | Target::Other(i) | Target::Row(i, _))
            | Some(Target::Year(i) | Target::Month(i)) => {
                mapped.insert(i);
                if matches!(cat.questions[i].q.kind, Kind::Date { .. }) {
                    date_columns.push(c);
                }
            }
            None => {
                if !h.trim().is_empty() {
                    rec.messages.push(format!(
                        "{}: warning: column '{}' matches no question and is ignored",
                        path.display(),
                        h.trim()
                    ));
                    rec.unmapped_columns.insert(h.trim().to_string());
                }
                t = None;
            }
        }
        targets.push(t);
    }
    let lower: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let formspree = lower.len() >= 2 && lower[0] == "id" && lower[1] == "date";
    let netlify = lower.iter().any(|h| h == "created_at");
    // A survey sent to Formspree or Netlify: their own time columns are UTC.
    let utc_service = matches!(
        cat.survey.endpoint.service,
        Service::Formspree | Service::Netlify
    ) && time_column
        .is_some_and(|c: usize| matches!(lower[c].as_str(), "date" | "_date" | "created_at"));
    let has_time = time_column.is_some() || targets.contains(&Some(Target::Meta(Meta::Period)));
    Columns {
        targets,
        zone: if formspree || netlify || utc_service {
            NaiveZone::Utc
        } else {
            NaiveZone::Local
        },
        date_columns,
        has_time: has_time || sealed.is_some() && time_column.is_some(),
        time_column,
        sealed,
    }
}

/// A row that was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub response: Response,
    /// Answers set aside: question id (`None` for the time stamp), rule.
    pub dropped: Vec<Dropped>,
    pub nonce: Option<String>,
    pub fingerprint_mismatch: bool,
    /// The service's id or time stamp as written (for duplicate detection).
    pub stamp: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    Used(Box<Row>),
    /// The row could not be read at all: a fixed reason.
    Rejected(&'static str),
}

/// The per-row reader: the catalog plus what is known about the file.
pub struct Interpreter<'c, 's> {
    pub catalog: &'c Catalog<'s>,
    pub date_order: Option<DateOrder>,
    pub zone: NaiveZone,
    pub granularity: Granularity,
}

/// A row gathered per question, borrowing the cells.
struct Gathered<'a> {
    slots: Vec<Slot<'a>>,
    time: Option<&'a str>,
    id: Option<&'a str>,
    nonce: Option<&'a str>,
    fingerprint: Option<&'a str>,
    period: Option<&'a str>,
}

impl<'a> Gathered<'a> {
    fn new(n: usize) -> Self {
        Gathered {
            slots: vec![Slot::default(); n],
            time: None,
            id: None,
            nonce: None,
            fingerprint: None,
            period: None,
        }
    }

    fn put(&mut self, t: Target, v: &'a str) {
        if v.trim().is_empty() {
            return;
        }
        match t {
            Target::Main(i) => self.slots[i].values.push(v),
            Target::Option(i, o) => self.slots[i].flags.push((o, v)),
            Target::Other(i) => self.slots[i].other = Some(v),
            Target::Row(i, r) => self.slots[i].rows.push((r, v)),
            Target::Year(i) => self.slots[i].year = Some(v),
            Target::Month(i) => self.slots[i].month = Some(v),
            Target::Meta(Meta::Time) => self.time = self.time.or(Some(v)),
            Target::Meta(Meta::Id) => self.id = Some(v),
            Target::Meta(Meta::Nonce) => self.nonce = Some(v),
            Target::Meta(Meta::Fingerprint) => self.fingerprint = Some(v),
            Target::Meta(Meta::Period) => self.period = Some(v),
            Target::Meta(Meta::Dropped | Meta::Sealed) => {}
        }
    }
}

impl Interpreter<'_, '_> {
    /// Read a row of cells (missing trailing cells count as empty).
    pub fn interpret_cells(&self, cols: &Columns, cells: &[&str]) -> RowOutcome {
        let mut g = Gathered::new(self.catalog.questions.len());
        for (t, v) in cols.targets.iter().zip(cells) {
            if let Some(t) = t {
                g.put(*t, v);
            }
        }
        self.finish(g, cols.has_time)
    }

    /// Read a submission given as form fields (name, value), in the names
    /// the forms post: `q`, `q[]`, `q__value`, `q__row`, `q_other`,
    /// `q__year`/`q__month`, `_nonce`, `_survey`. The period comes from a
    /// `_period` field, or from a time stamp field (`date`, `Timestamp`, …)
    /// read with this interpreter's zone and date order — so a caller that
    /// opens a sealed cell adds the export's stamp as (`date`, stamp).
    /// Unknown names are ignored.
    pub fn interpret_fields(&self, fields: &[(String, String)]) -> RowOutcome {
        let mut g = Gathered::new(self.catalog.questions.len());
        for (k, v) in fields {
            let t = self
                .catalog
                .resolve_field(k)
                .or_else(|| meta_of(k).map(Target::Meta));
            if let Some(t) = t {
                g.put(t, v);
            }
        }
        self.finish(g, false)
    }

    /// `has_time`: the file has a time column, so a row without a stamp
    /// loses its period (and that is counted).
    fn finish(&self, g: Gathered, has_time: bool) -> RowOutcome {
        if g.slots.iter().all(Slot::is_empty) {
            return RowOutcome::Rejected("no answers");
        }
        let mut r = Response::default();
        let mut dropped: Vec<Dropped> = Vec::new();
        for (info, slot) in self.catalog.questions.iter().zip(&g.slots) {
            if slot.is_empty() {
                continue;
            }
            let reading = read_question(info, slot, self.date_order);
            let id = &info.q.id;
            dropped.extend(reading.dropped.iter().map(|rule| (Some(id.clone()), *rule)));
            if let Some(a) = reading.answer {
                r.answers.insert(id.clone(), a);
            }
            if let Some(o) = reading.other {
                r.other.insert(id.clone(), o);
            }
        }
        check_row(self.catalog, &mut r.answers, &mut r.other, &mut dropped);
        r.period = self.period(&g, has_time, &mut dropped);
        let fp = self.catalog.survey.fingerprint.as_str();
        let fingerprint_mismatch = g.fingerprint.is_some_and(|f| {
            let f = f.trim().to_ascii_lowercase();
            f.len() < 12 || !fp.starts_with(&f)
        });
        RowOutcome::Used(Box::new(Row {
            response: r,
            dropped,
            nonce: g.nonce.map(|n| n.trim().to_string()),
            fingerprint_mismatch,
            stamp: g.id.or(g.time).unwrap_or("").trim().to_string(),
        }))
    }

    fn period(&self, g: &Gathered, has_time: bool, dropped: &mut Vec<Dropped>) -> Option<Period> {
        let survey = self.catalog.survey;
        let p = if let Some(p) = g.period {
            Period::parse(p).map(|p| p.coarsen(self.granularity).unwrap_or(p))
        } else {
            let Some(t) = g.time else {
                if has_time {
                    dropped.push((None, rule::TIME));
                }
                return None;
            };
            parse_stamp(t).and_then(|st| {
                period_of(
                    &st,
                    self.date_order,
                    self.zone,
                    survey.timezone,
                    self.granularity,
                )
            })
        };
        if p.is_none() {
            dropped.push((None, rule::TIME));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::responses::normal::record;

    fn survey() -> crate::survey::Survey {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/full.yaml");
        crate::survey::load_survey(&p).unwrap_or_else(|e| panic!("full.yaml: {e}"))
    }

    /// Fields in, (normalised cells joined with `;`, dropped rules) out.
    fn run(fields: &[(&str, &str)]) -> (String, Vec<String>) {
        let s = survey();
        let cat = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        let i = Interpreter {
            catalog: &cat,
            date_order: None,
            zone: NaiveZone::Local,
            granularity: Granularity::Quarter,
        };
        let f: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match i.interpret_fields(&f) {
            RowOutcome::Rejected(why) => (format!("rejected: {why}"), vec![]),
            RowOutcome::Used(row) => (
                record(&s, &row.response).join(";"),
                row.dropped
                    .iter()
                    .map(|(q, r)| format!("{}: {r}", q.as_deref().unwrap_or("-")))
                    .collect(),
            ),
        }
    }

    #[test]
    fn fields_in_every_encoding_the_forms_post() {
        // _period;team;reasons;reasons_other;stay;why_not;years;start;grid__tools;grid__training;order;code;enps
        type Case = (
            Vec<(&'static str, &'static str)>,
            &'static str,
            Vec<&'static str>,
        );
        let table: Vec<Case> = vec![
            (
                vec![("team", "red"), ("_nonce", "abc"), ("_gotcha", "")],
                ";red;;;;;;;;;;;",
                vec![],
            ),
            (
                vec![("reasons", "pay"), ("reasons", "hours")],
                ";;pay|hours;;;;;;;;;;",
                vec![],
            ),
            (vec![("reasons[]", "people")], ";;people;;;;;;;;;;", vec![]),
            (
                vec![
                    ("reasons__pay", "on"),
                    ("reasons__people", "1"),
                    ("reasons__hours", ""),
                ],
                ";;pay|people;;;;;;;;;;",
                vec![],
            ),
            (
                vec![("reasons", "hours,people")],
                ";;hours|people;;;;;;;;;;",
                vec![],
            ),
            (
                vec![("reasons", "other"), ("reasons_other", "Commute")],
                ";;other;Commute;;;;;;;;;",
                vec![],
            ),
            (
                vec![("reasons", "Pay, bonus, Timer")],
                ";;pay|hours;;;;;;;;;;",
                vec![],
            ),
            (
                vec![
                    ("reasons", "pay"),
                    ("reasons", "hours"),
                    ("reasons", "people"),
                ],
                ";;;;;;;;;;;;",
                vec!["reasons: too many ticks"],
            ),
            (
                vec![("reasons", "none"), ("reasons", "pay"), ("team", "blue")],
                ";blue;;;;;;;;;;;",
                vec!["reasons: \"none\" ticked with other options"],
            ),
            (
                vec![("stay", "no"), ("why_not", "Too far\r\naway")],
                ";;;;no;Too far\naway;;;;;;;",
                vec![],
            ),
            (
                vec![("stay", "yes"), ("why_not", "x")],
                ";;;;yes;;;;;;;;",
                vec!["why_not: answered although hidden"],
            ),
            (
                vec![
                    ("years", "2,5"),
                    ("start__year", "2021"),
                    ("start__month", "4"),
                ],
                ";;;;;;2.5;2021-04;;;;;",
                vec![],
            ),
            (
                vec![("years", "2.25"), ("start", "2021-04-17")],
                ";;;;;;;2021-04;;;;;",
                vec!["years: not a multiple of the step"],
            ),
            (
                vec![("years", "51"), ("enps", "11"), ("team", "red")],
                ";red;;;;;;;;;;;",
                vec![
                    "years: value outside the range",
                    "enps: value outside the scale",
                ],
            ),
            (
                vec![("grid__tools", "5"), ("grid__training", "Poor")],
                ";;;;;;;;5;1;;;",
                vec![],
            ),
            (
                vec![("order__a", "2"), ("order__b", "3"), ("order__c", "1")],
                ";;;;;;;;;;c|a|b;;",
                vec![],
            ),
            (
                vec![("order__a", "1"), ("order__b", "1"), ("team", "red")],
                ";red;;;;;;;;;;;",
                vec!["order: ranks are not distinct places 1 to n"],
            ),
            (vec![("order", "b|a")], ";;;;;;;;;;b|a;;", vec![]),
            (
                vec![("code", "OSL"), ("enps", "7")],
                ";;;;;;;;;;;OSL;7",
                vec![],
            ),
            (
                vec![("code", "oslo"), ("team", "Red team")],
                ";red;;;;;;;;;;;",
                vec!["code: does not match the pattern"],
            ),
            (
                vec![("team", "green"), ("enps", "3")],
                ";;;;;;;;;;;;3",
                vec!["team: not an option"],
            ),
            (
                vec![("team", "red"), ("team", "blue"), ("enps", "3")],
                ";;;;;;;;;;;;3",
                vec!["team: several values for a single choice"],
            ),
            (
                vec![("_period", "2025-Q3"), ("enps", "0")],
                "2025-Q3;;;;;;;;;;;;0",
                vec![],
            ),
            (
                vec![("_period", "sometime"), ("enps", "0")],
                ";;;;;;;;;;;;0",
                vec!["-: missing or unreadable submission time"],
            ),
            (
                vec![("_survey", "0123456789ab"), ("form-name", "x")],
                "rejected: no answers",
                vec![],
            ),
        ];
        for (fields, want, dropped) in table {
            let (got, d) = run(&fields);
            assert_eq!(got, want, "{fields:?}");
            assert_eq!(d, dropped, "{fields:?}");
        }
    }
}
