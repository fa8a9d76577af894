//! One row → one response. Cells (with the file's [`Columns`]) or posted
//! fields (a list of name/value pairs, as a sealed response decrypts to)
//! are gathered per question into [`Slot`]s, read by [`super::values`],
//! re-checked by [`super::validate`], and the submission time is turned
//! into a period at once. Out comes a [`RowOutcome`].

use crate::answers::{Granularity, Period};
use crate::cli::DateOrder;

use super::cells::{Cells, Slot, blank, trim};
use super::coded::{Coded, Dropped};
use super::columns::Columns;
use super::headers::{Catalog, Meta, Target, meta_of};
use super::memo::Memos;
use super::time::{DayPeriods, NaiveZone, Placing, in_the_other_order, parse_stamp};
use super::validate::check_row;
use super::values::{How, read_question, rule};

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowOutcome<'a> {
    /// Read into the [`Scratch`]'s [`Coded`] (with what was set aside).
    Used {
        /// Which version of the survey the row's `_survey` cell names.
        version: Version,
        /// The submission's nonce, trimmed, when it has one.
        nonce: Option<&'a str>,
        /// The service's id or time stamp as written (for duplicates).
        stamp: &'a str,
    },
    /// The row could not be read at all: a fixed reason.
    Rejected(&'static str),
    /// The row's `_survey` cell (trimmed) names neither this version of
    /// the survey nor an accepted one: rejected, and counted by that cell.
    OtherVersion(&'a str),
}

/// The version of the survey a row names in its `_survey` cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// No fingerprint (no `_survey` column, or a blank cell).
    Unnamed,
    /// This version's fingerprint.
    This,
    /// An earlier version's, accepted (`accept_fingerprints`,
    /// `--accept-fingerprint`).
    Accepted,
}

/// The reason a row from another version of the survey is rejected for.
pub const OTHER_VERSION: &str = "from another version of the survey";

/// The per-row reader: the catalog plus what is known about the file.
pub struct Interpreter<'c, 's> {
    pub catalog: &'c Catalog<'s>,
    pub date_order: Option<DateOrder>,
    /// Text cells are neutralised (a normalised CSV): one leading `'` is
    /// removed before a formula-like start ([`super::normal::unneutralise`]).
    pub unquote: bool,
    pub zone: NaiveZone,
    pub granularity: Granularity,
}

/// One worker's buffers, reused from row to row: the row gathered per
/// question, and the coded answers.
#[derive(Debug, Default)]
pub struct Scratch {
    slots: Slots,
    pub coded: Coded,
    /// Cells read before (a scratch serves one catalog).
    memos: Memos,
    /// The periods of days seen before.
    days: DayPeriods,
}

/// The metadata cells of one row.
#[derive(Default)]
struct Stamps<'a> {
    time: Option<&'a str>,
    id: Option<&'a str>,
    nonce: Option<&'a str>,
    fingerprint: Option<&'a str>,
    period: Option<&'a str>,
}

/// A row's slots, one per question; only those written since the last
/// row are cleared for the next (most questions of an export have a
/// column of their own and never fill a slot).
#[derive(Debug, Default)]
struct Slots {
    all: Vec<Slot>,
    written: Vec<usize>,
}

impl Slots {
    /// Empty slots for `n` questions.
    fn start(&mut self, n: usize) {
        if self.all.len() != n {
            self.all.clear();
            self.all.resize_with(n, Slot::default);
            self.written.clear();
        }
        for i in self.written.drain(..) {
            if let Some(s) = self.all.get_mut(i) {
                s.clear();
            }
        }
    }

    /// Slot `i`, to be written.
    fn at(&mut self, i: usize) -> &mut Slot {
        self.written.push(i);
        &mut self.all[i]
    }
}

impl Scratch {
    fn start(&mut self, n: usize) {
        self.slots.start(n);
        self.coded.clear(n);
    }
}

impl<'a> Stamps<'a> {
    /// File cell `c` (text `v`) under target `t`.
    fn put(&mut self, slots: &mut Slots, t: Target, c: u32, v: &'a str) {
        if blank(v) {
            return;
        }
        match t {
            Target::Main(i) => slots.at(i).values.push(c),
            Target::Option(i, o) => slots.at(i).flags.push((o as u32, c)),
            Target::Other(i) => slots.at(i).other = Some(c),
            Target::Row(i, r) => slots.at(i).rows.push((r as u32, c)),
            Target::Year(i) => slots.at(i).year = Some(c),
            Target::Month(i) => slots.at(i).month = Some(c),
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
    /// Read a row of cells (missing trailing cells count as empty) into
    /// `sc.coded`.
    pub fn interpret_cells<'a>(
        &self,
        cols: &Columns,
        cells: Cells<'a>,
        sc: &mut Scratch,
    ) -> RowOutcome<'a> {
        sc.start(self.catalog.questions.len());
        let mut m = Stamps::default();
        for &(c, t) in &cols.gathered {
            m.put(&mut sc.slots, t, c, cells.get(c as usize));
        }
        self.finish(m, cells, Some(cols), sc)
    }

    /// Read a submission given as form fields (name, value), in the names
    /// the forms post: `q`, `q[]`, `q__value`, `q__row`, `q_other`,
    /// `q__year`/`q__month`, `_nonce`, `_survey`. The period comes from a
    /// `_period` field, or from a time stamp field (`date`, `Timestamp`, …)
    /// read with this interpreter's zone and date order — so a caller that
    /// opens a sealed cell adds the export's stamp as (`date`, stamp).
    /// Unknown names are ignored.
    pub fn interpret_fields<'a>(
        &self,
        fields: &'a [(String, String)],
        sc: &mut Scratch,
    ) -> RowOutcome<'a> {
        sc.start(self.catalog.questions.len());
        let mut m = Stamps::default();
        for (c, (k, v)) in fields.iter().enumerate() {
            let t = self
                .catalog
                .resolve_field(k)
                .or_else(|| meta_of(k).map(Target::Meta));
            if let Some(t) = t {
                m.put(&mut sc.slots, t, c as u32, v);
            }
        }
        self.finish(m, Cells::Fields(fields), None, sc)
    }

    /// `cols`: the file's columns, when the row is a record: for the
    /// questions read straight from one cell each (see
    /// [`Columns::direct`]), and whether the file has a time column (then
    /// a row without a stamp loses its period, and that is counted).
    fn finish<'a>(
        &self,
        m: Stamps<'a>,
        cells: Cells<'a>,
        cols: Option<&Columns>,
        sc: &mut Scratch,
    ) -> RowOutcome<'a> {
        let (direct, slots): (&[Option<u32>], &[Option<Slot>]) =
            cols.map_or((&[], &[]), |d| (&d.direct_cells, &d.direct));
        let has_time = cols.is_some_and(|d| d.has_time);
        let c = &mut sc.coded;
        sc.memos.prepare(&self.catalog.questions, self.date_order);
        // Whether the row holds anything at all; reading touches nothing
        // until a question has a cell.
        let mut any = false;
        let order = How {
            order: self.date_order,
            unquote: self.unquote,
        };
        for (qi, (info, slot)) in self.catalog.questions.iter().zip(&sc.slots.all).enumerate() {
            if let Some(&Some(cell)) = direct.get(qi) {
                if let Some(v) = cells.filled(cell as usize) {
                    any = true;
                    // The slot is looked at only when the cell is read afresh.
                    sc.memos.read(qi, v, c, |c| match slots.get(qi) {
                        Some(Some(s)) => read_question(info, qi, s, cells, order, c),
                        _ => read_question(info, qi, &Slot::single(cell), cells, order, c),
                    });
                }
            } else if let Some(Some(s)) = slots.get(qi) {
                // A grid held by its row columns alone: read straight from
                // them (blank cells, never gathered, are skipped in reading).
                if s.rows
                    .iter()
                    .any(|&(_, v)| cells.filled(v as usize).is_some())
                {
                    any = true;
                    read_question(info, qi, s, cells, order, c);
                }
            } else if let Some(cell) = slot.single_cell() {
                // Gathered, but this row holds the question in one cell
                // alone (an "other" column left empty, say): as direct.
                any = true;
                sc.memos
                    .read(qi, cells.get(cell as usize).as_bytes(), c, |c| {
                        read_question(info, qi, slot, cells, order, c)
                    });
            } else if !slot.is_empty() {
                any = true;
                read_question(info, qi, slot, cells, order, c);
            }
        }
        if !any {
            return RowOutcome::Rejected("no answers");
        }
        let version = match m.fingerprint {
            None => Version::Unnamed,
            Some(f) => {
                let f = trim(f);
                match self.catalog.version_of(f) {
                    Some(v) => v,
                    None => return RowOutcome::OtherVersion(f),
                }
            }
        };
        check_row(self.catalog, c);
        c.period = self.period(&m, has_time, &mut sc.days, &mut c.dropped);
        RowOutcome::Used {
            version,
            nonce: m.nonce.map(trim),
            stamp: trim(m.id.or(m.time).unwrap_or("")),
        }
    }

    fn period(
        &self,
        m: &Stamps,
        has_time: bool,
        days: &mut DayPeriods,
        dropped: &mut Vec<Dropped>,
    ) -> Option<Period> {
        let p = if let Some(p) = m.period {
            Period::parse(p).map(|p| p.coarsen(self.granularity).unwrap_or(p))
        } else {
            let Some(t) = m.time else {
                if has_time {
                    dropped.push((None, rule::TIME));
                }
                return None;
            };
            let placing = Placing {
                order: self.date_order,
                naive: self.zone,
                tz: self.catalog.survey.timezone,
                granularity: self.granularity,
            };
            let st = parse_stamp(t);
            let p = st.and_then(|st| days.period(&st, placing));
            if p.is_none() {
                let other = st.is_some_and(|st| in_the_other_order(st.date, self.date_order));
                dropped.push((None, if other { rule::DATE_ORDER } else { rule::TIME }));
                return None;
            }
            p
        };
        if p.is_none() {
            dropped.push((None, rule::TIME));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use super::*;
    use crate::responses::Reconciliation;
    use crate::responses::columns::plan_columns;
    use crate::responses::normal::record;

    fn survey() -> crate::survey::Survey {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/full.yaml");
        crate::survey::load_survey(&p).unwrap_or_else(|e| panic!("full.yaml: {e}"))
    }

    /// An interpreter of `cat` with no date order, by quarter.
    fn interpreter<'c, 's>(cat: &'c Catalog<'s>, zone: NaiveZone) -> Interpreter<'c, 's> {
        Interpreter {
            catalog: cat,
            date_order: None,
            unquote: false,
            zone,
            granularity: Granularity::Quarter,
        }
    }

    /// The records of `csv` (its header first) and its columns as planned.
    fn planned(cat: &Catalog, csv: &str) -> (crate::responses::read::Batch, Columns) {
        let batch = crate::responses::read::packed_all(csv.as_bytes());
        let headers: Vec<String> = Cells::packed(batch.row(0))
            .map(|c| c.iter().map(String::from).collect())
            .unwrap_or_default();
        let (mut rec, mut mapped) = (Reconciliation::default(), BTreeSet::new());
        let cols = plan_columns(cat, &headers, Path::new("x.csv"), &mut rec, &mut mapped);
        (batch, cols)
    }

    /// Fields in, (normalised cells joined with `;`, dropped rules) out.
    fn run(fields: &[(&str, &str)]) -> (String, Vec<String>) {
        let s = survey();
        let cat = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        let i = interpreter(&cat, NaiveZone::Local);
        let f: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut sc = Scratch::default();
        let outcome = i.interpret_fields(&f, &mut sc);
        described(&s, &cat, &outcome, &sc)
    }

    /// A row's outcome as (normalised cells joined with `;`, dropped rules).
    fn described(
        s: &crate::survey::Survey,
        cat: &Catalog,
        outcome: &RowOutcome,
        sc: &Scratch,
    ) -> (String, Vec<String>) {
        match outcome {
            RowOutcome::Rejected(why) => (format!("rejected: {why}"), vec![]),
            RowOutcome::OtherVersion(_) => (format!("rejected: {OTHER_VERSION}"), vec![]),
            RowOutcome::Used { .. } => (
                record(s, &sc.coded.to_response(cat)).join(";"),
                sc.coded
                    .dropped
                    .iter()
                    .map(|(q, r)| {
                        let q = q.map_or("-", |q| cat.questions[q as usize].q.id.as_str());
                        format!("{q}: {r}")
                    })
                    .collect(),
            ),
        }
    }

    /// A grid held by its row columns alone is read straight from them,
    /// not gathered, and reads as the same grid posted as fields: a blank
    /// row unanswered, a row that is not a point set aside.
    #[test]
    fn a_grid_read_from_its_row_columns_reads_as_when_gathered() {
        let s = survey();
        let cat = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        let grid = cat.questions.iter().position(|i| i.q.id == "grid");
        let rows = [("4", "2"), ("", "5"), ("x", "3"), ("9", " "), ("", "")];
        let csv: String = std::iter::once("team,grid__tools,grid__training\n".to_string())
            .chain(rows.iter().map(|(a, b)| format!("red,{a},{b}\n")))
            .collect();
        let (batch, cols) = planned(&cat, &csv);
        let direct = grid.and_then(|g| cols.direct[g].as_ref());
        assert_eq!(direct.map(|d| d.rows.len()), Some(2));
        assert!(cols.gathered.is_empty(), "{:?}", cols.gathered);
        let interp = interpreter(&cat, cols.zone);
        let mut sc = Scratch::default();
        let mut got = Vec::new();
        for (i, (a, b)) in rows.iter().enumerate() {
            let cells = Cells::packed(batch.row(i + 1)).unwrap_or_else(|| panic!("not UTF-8"));
            let outcome = interp.interpret_cells(&cols, cells, &mut sc);
            let read = described(&s, &cat, &outcome, &sc);
            let fields = [("team", "red"), ("grid__tools", a), ("grid__training", b)];
            assert_eq!(read, run(&fields), "row {a:?}, {b:?}");
            got.push(read);
        }
        assert_ne!(got[0].0, got[4].0, "the grid was read");
        assert_eq!(got[2].1, ["grid: not a number"]);
        assert_eq!(got[3].1, ["grid: value outside the scale"]);
    }

    /// A cell read a second time (from the memo) reads exactly as the
    /// first time: same answers, same "other" texts, same rules, same
    /// rejections.
    #[test]
    fn a_remembered_cell_reads_as_a_fresh_one() {
        let s = survey();
        let cat = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        // `reasons` has an "other" column, so it is gathered; a row that
        // leaves that column empty is remembered like a direct question.
        let csv = "date,team,reasons,reasons_other,stay,why_not,years,start,order,code,enps\n\
            2025-01-05T10:00:00Z,red,\"pay, bonus|hours|people\",,no,Too far,3,2020-02-30,b|a,ABC,7\n\
            2025-01-06T10:00:00Z,blue,\"none, hours\",,yes,asked anyway,51,2019-07,a|a,abc,11\n\
            2025-01-07T10:00:00Z,purple,Timer,x,no,x,2.25,07/2019,c,ABCD,x\n\
            2025-01-08T10:00:00Z,Red team,\"Pay, bonus, my own reason\",,nei,,\"2,5\",2019-07-15,Gamma|Alpha,XYZ,0\n\
            2025-01-09T10:00:00Z,,,,,,,,,,\n\
            2025-01-10T10:00:00Z,red,Folk,,ja,,0,2019-07,b,XYZ,10\n\
            2025-01-11T10:00:00Z,red,other,mine,ja,,0,2019-07,b,XYZ,10\n\
            2025-01-12T10:00:00Z,blue,Timer,,ja,,0,2019-07,b,XYZ,10\n\
            2025-01-13T10:00:00Z,blue,\"none, hours\",,yes,,1,2019-07,a,abc,9\n";
        let (batch, cols) = planned(&cat, csv);
        let rows: Vec<_> = (0..batch.len()).map(|i| batch.row(i)).collect();
        assert!(
            cols.direct.iter().flatten().count() >= 8,
            "most questions are read straight from their cell"
        );
        let interp = interpreter(&cat, cols.zone);
        let read = |sc: &mut Scratch, r: &crate::responses::read::Row| -> String {
            let cells = Cells::packed(*r).unwrap_or_else(|| panic!("not UTF-8"));
            match interp.interpret_cells(&cols, cells, sc) {
                RowOutcome::Rejected(why) => format!("rejected: {why}"),
                RowOutcome::OtherVersion(_) => format!("rejected: {OTHER_VERSION}"),
                RowOutcome::Used { .. } => format!(
                    "{:?} {:?}",
                    record(&s, &sc.coded.to_response(&cat)),
                    sc.coded.dropped
                ),
            }
        };
        let mut warm = Scratch::default();
        for r in &rows[1..] {
            read(&mut warm, r);
        }
        for r in rows[1..].iter().rev() {
            let fresh = read(&mut Scratch::default(), r);
            assert_eq!(read(&mut warm, r), fresh);
        }
        // The memo did not hide what the rules set aside.
        assert!(read(&mut warm, &rows[2]).contains("value outside the range"));
        assert!(read(&mut warm, &rows[3]).contains("other text without"));
        assert_eq!(read(&mut warm, &rows[5]), "rejected: no answers");
        assert!(read(&mut warm, &rows[7]).contains("mine"));
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
