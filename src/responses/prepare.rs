//! Pass 1 over each export file: the header mapped and checked, the text
//! checked to be UTF-8, every date gathered to settle the day/month order,
//! and each usable row's duplicate key handed to [`Keys`] (for a sealed
//! file, from inside its envelopes); then the keys settled into
//! [`Drops`] for pass 2 ([`super::file`]). [`Run::prepare_and_read`] runs
//! pass 2 in the same read, on a guess that the caller checks.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};

use super::Sink;
use super::cells::Cells;
use super::columns::{Columns, plan_columns};
use super::dedup::Drops;
use super::encoding;
use super::file::{FileRows, Run, Worked, Worker, next_ordinal, open_sealed, spill_error};
use super::headers::{Catalog, Meta, Target};
use super::read::{Batch, Row};
use super::row::{RowOutcome, Scratch};
use super::row_id::RowId;
use super::time::{OrderEvidence, parse_stamp};

/// Pass 2's results for one file, read together with pass 1.
pub struct Speculated<'p, S> {
    /// The file's counts, or `None` when the file's dates settled a
    /// day/month order other than the one assumed, so pass 2 must run.
    pub(super) rows: Option<FileRows<'p>>,
    pub(super) workers: Vec<Worker<S>>,
}

/// A pass's per-worker state: pass 1's, and pass 2's when both run at once.
type State<S> = (Pass1, Option<Worker<S>>);

impl Run<'_, '_, '_> {
    /// Pass 1 over file number `file` (its index among the inputs).
    pub fn prepare(&mut self, file: u32, path: &Path) -> Result<Prepared> {
        // No workers, so no sink: any sink type will do.
        let (prep, _) = self.prepare_with::<Vec<crate::answers::Response>>(file, path, None)?;
        Ok(prep)
    }

    /// Pass 1 and pass 2 in one read, pass 2 assuming that no row is a
    /// duplicate and that the file's day/month order is the one given
    /// (`--date-order`, or none). The caller keeps pass 2's results only
    /// when both hold once every file is read.
    pub fn prepare_and_read<'p, S: Sink>(
        &mut self,
        file: u32,
        path: &'p Path,
        workers: Vec<Worker<S>>,
    ) -> Result<(Prepared, Speculated<'p, S>)> {
        let (prep, spec) = self.prepare_with(file, path, Some(workers))?;
        // `plan` hands the workers back whenever it is given them.
        let spec = spec.ok_or_else(|| Error::msg("the threads reading rows stopped"))?;
        Ok((prep, spec))
    }

    fn prepare_with<'p, S: Sink>(
        &mut self,
        file: u32,
        path: &'p Path,
        workers: Option<Vec<Worker<S>>>,
    ) -> Result<(Prepared, Option<Speculated<'p, S>>)> {
        let before = self.rec.messages.len();
        let (plan, spec) = self.plan(file, path, workers)?;
        let prep = Prepared {
            path: path.to_path_buf(),
            plan,
            messages: self.rec.messages.split_off(before),
        };
        Ok((prep, spec))
    }

    /// The header, the text check, the dates and the duplicate keys;
    /// `None` for an empty file. With `workers`, pass 2 as well.
    fn plan<'p, S: Sink>(
        &mut self,
        file: u32,
        path: &'p Path,
        workers: Option<Vec<Worker<S>>>,
    ) -> Result<(Option<Plan>, Option<Speculated<'p, S>>)> {
        let mut head = Batch::default();
        // Counted on the progress bar, like pass 2: the bar covers both.
        let mut rdr = self.open(path, true)?;
        let Some(head_line) = rdr.next_one(&mut head, path)? else {
            self.rec
                .messages
                .push(format!("{}: warning: the file is empty", path.display()));
            let spec = workers.map(|workers| Speculated {
                rows: Some(FileRows::new(path, &[])),
                workers,
            });
            return Ok((None, spec));
        };
        let headers: Vec<String> = Cells::packed(head.row(0))
            .ok_or_else(|| encoding::not_utf8(path, head_line))?
            .iter()
            .map(String::from)
            .collect();
        self.check_header_names(path, &headers)?;
        let mut cols = plan_columns(
            self.catalog,
            &headers,
            path,
            &mut self.rec,
            &mut self.mapped,
        );
        cols.delimiter = rdr.delimiter;
        self.check_columns(path, &headers, &cols)?;
        let transcoding = self.encoding.is_some_and(|e| e != encoding_rs::UTF_8);
        let sealed = cols.sealed.is_some();
        let file1 = File1 {
            cat: self.catalog,
            cols: &cols,
            transcoding,
            sealed,
        };
        let assumed = self.opts.date_order;
        let speculating = workers.is_some();
        let rows = Self::row_work(self.catalog, self.opts, self.key.as_ref(), &cols, assumed);
        let cat = self.catalog;
        // On the workers: the dates' evidence, mojibake, the row's key
        // (`None` when the row is not UTF-8); and pass 2's reading.
        let work = |st: &mut State<S>, row: Row, _: &u64| {
            let (cells, spans) = (Cells::packed(row), row.spans);
            let (pass1, worker) = (&mut st.0, &mut st.1);
            let Some(w) = worker else {
                let key = cells.map(|c| pass1.key(&file1, c, spans, None));
                return (key, None);
            };
            let (worked, nonce) = rows.run_cells(w, cells, spans, false);
            let key = cells.map(|c| pass1.key(&file1, c, spans, nonce));
            (key, Some(worked))
        };
        let keys = &mut self.keys;
        let mut counted = FileRows::new(path, &cols.header);
        let mut ord = 0u32;
        let mut take = |line: u64, (key, worked): (Option<Option<RowId>>, Option<Worked>)| {
            let key = key.ok_or_else(|| encoding::not_utf8(path, line))?;
            if let Some(id) = key {
                keys.push(id, file, ord).map_err(spill_error)?;
            }
            ord = next_ordinal(ord, path)?;
            if let Some(w) = worked {
                counted.take(cat, line, w);
            }
            Ok(())
        };
        let mut next = |batch: &mut Batch| rdr.next(batch, path);
        let states: Vec<State<S>> = match workers {
            Some(ws) => ws
                .into_iter()
                .map(|w| (Pass1::default(), Some(w)))
                .collect(),
            None => (0..crate::cores())
                .map(|_| (Pass1::default(), None))
                .collect(),
        };
        let states = super::pipeline::in_order(&mut next, states, &work, &mut take)?;
        let mut evidence = OrderEvidence::default();
        for st in &states {
            evidence.merge(&st.0.evidence);
        }
        let mojibake = states.iter().any(|st| st.0.mojibake);
        if mojibake {
            self.rec.messages.push(format!(
                "{}: warning: the text looks like UTF-8 read as {}; if letters such as ø show up wrong, leave out --encoding",
                path.display(),
                self.encoding.map_or("UTF-8", |e| e.name())
            ));
        }
        let mixed = evidence.dmy > 0 && evidence.mdy > 0;
        let date_order = evidence.resolve(self.opts.date_order).map_err(|why| {
            let mut hint = "pass --date-order dmy (10/03 = 10 March) or --date-order mdy (3/10 = 10 March)"
                .to_string();
            if mixed {
                hint.push_str("; the dates in the other order are then set aside and counted, and their rows used without them");
            }
            Error::Invalid {
                path: path.to_path_buf(),
                diagnostics: vec![
                    Diagnostic::error(path, None, format!("cannot tell the day from the month: {why}"))
                        .with_hint(hint),
                ],
            }
        })?;
        self.note_date_order(path, &evidence, date_order);
        let plan = Plan { cols, date_order };
        if plan.cols.sealed.is_some() {
            self.sealed_keys(file, path, &plan)?;
        }
        let spec = speculating.then(|| Speculated {
            rows: (date_order == assumed).then_some(counted),
            workers: states.into_iter().filter_map(|st| st.1).collect(),
        });
        Ok((Some(plan), spec))
    }

    /// Say how a file's day/month order was settled when its dates did
    /// not all agree, or when `--date-order` was not what they settle.
    fn note_date_order(
        &mut self,
        path: &Path,
        evidence: &OrderEvidence,
        order: Option<crate::cli::DateOrder>,
    ) {
        use crate::cli::DateOrder;
        let name = |o: DateOrder| match o {
            DateOrder::Dmy => "day/month",
            DateOrder::Mdy => "month/day",
        };
        let (Some(o), forced) = (order, self.opts.date_order) else {
            return;
        };
        let against = evidence.against(order);
        if against > 0 {
            let why = match (evidence.settled(), forced) {
                (Some(s), Some(f)) if s != f => {
                    "as nine in ten of its dates or more are, whatever --date-order says"
                }
                (Some(_), _) => "as nine in ten of its dates or more are",
                (None, _) => "as --date-order says",
            };
            self.rec.messages.push(format!(
                "{}: warning: {} date(s) are day/month and {} month/day; the file is read as {}, {why}, and the {against} date(s) in the other order are set aside (counted below)",
                path.display(),
                evidence.dmy,
                evidence.mdy,
                name(o),
            ));
        } else if forced.is_some_and(|f| f != o) {
            self.rec.messages.push(format!(
                "{}: warning: --date-order is not used for this file: its dates are {}",
                path.display(),
                name(o)
            ));
        }
    }

    /// A sealed file's keys come from inside its envelopes: one more pass
    /// that opens them in memory and keeps only the keys.
    fn sealed_keys(&mut self, file: u32, path: &Path, plan: &Plan) -> Result<()> {
        let (Some(col), Some(key)) = (plan.cols.sealed, &self.key) else {
            return Ok(());
        };
        let interp = self.interpreter(plan);
        let mut one = Batch::default();
        let mut rdr = self.open(path, false)?;
        rdr.next_one(&mut one, path)?;
        let mut ord = 0u32;
        let mut sc = Scratch::default();
        while rdr.next_one(&mut one, path)?.is_some() {
            if let Some(cells) =
                Cells::packed(one.row(0)).filter(|c| c.len() <= plan.cols.targets.len())
                && let Ok(fields) = open_sealed(&plan.cols, cells, col, key, self.catalog)
                && let RowOutcome::Used { nonce, stamp, .. } =
                    interp.interpret_fields(&fields, &mut sc)
            {
                let id = row_id(nonce, stamp, &sc.coded.to_response(self.catalog));
                self.keys.push(id, file, ord).map_err(spill_error)?;
            }
            ord = next_ordinal(ord, path)?;
        }
        Ok(())
    }

    /// A header name given to two columns or more cannot say which
    /// answers belong to which question (two questions with the same
    /// title, say), so the file is not read; unless every one of those
    /// columns is dropped anyway (metadata farvel never keeps, or a column
    /// that matches no question).
    fn check_header_names(&self, path: &Path, headers: &[String]) -> Result<()> {
        let mut at: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (c, h) in headers.iter().enumerate() {
            at.entry(h.trim()).or_default().push(c);
        }
        let mut twice: Vec<(&str, Vec<usize>)> =
            at.into_iter().filter(|(_, cs)| cs.len() > 1).collect();
        twice.sort_by_key(|(_, cs)| cs[0]);
        let dropped_anyway = |h: &str| {
            matches!(
                self.catalog.map_header(h),
                None | Some(Target::Meta(Meta::Dropped))
            )
        };
        let diagnostics: Vec<Diagnostic> = twice
            .into_iter()
            .filter(|(h, _)| !h.is_empty() && !dropped_anyway(h))
            .map(|(h, cs)| {
                let all = if cs.len() == 2 { "both" } else { "all" };
                let places: Vec<String> = cs
                    .iter()
                    .map(|&c| format!("{} ({})", c + 1, column_letters(c)))
                    .collect();
                let places = match places.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => places.join(""),
                };
                Diagnostic::error(
                    path,
                    None,
                    format!(
                        "columns {places} are {all} named '{}': farvel cannot tell which answers belong to which question, so the file is not read",
                        crate::diag::escape_controls(h)
                    ),
                )
                .with_hint(
                    "rename all but one of these columns in the export's header (say, add ' 2'), and map each to its question with `columns:` in the survey or --map FILE",
                )
            })
            .collect();
        if diagnostics.is_empty() {
            return Ok(());
        }
        Err(Error::Invalid {
            path: path.to_path_buf(),
            diagnostics,
        })
    }

    /// A file that answers nothing, or holds sealed rows without a key,
    /// cannot be read.
    fn check_columns(&mut self, path: &Path, headers: &[String], cols: &Columns) -> Result<()> {
        let answers_something = cols.sealed.is_some()
            || cols
                .targets
                .iter()
                .any(|t| matches!(t, Some(t) if !matches!(t, Target::Meta(_))));
        if !answers_something {
            return Err(Error::Invalid {
                path: path.to_path_buf(),
                diagnostics: vec![
                    Diagnostic::error(path, None, "no column of this file matches a question of the survey")
                        .with_hint(format!(
                            "is it an export of {}? Headers can be mapped with `columns:` in the survey or --map FILE",
                            self.catalog.survey.path.display()
                        )),
                ],
            });
        }
        if cols.sealed.is_none() {
            return Ok(());
        }
        let beside: Vec<String> = headers
            .iter()
            .zip(&cols.targets)
            .filter(|(_, t)| matches!(t, Some(t) if !matches!(t, Target::Meta(_))))
            .map(|(h, _)| crate::diag::escape_controls(h.trim()).into_owned())
            .collect();
        if !beside.is_empty() {
            self.rec.messages.push(format!(
                "{}: warning: a sealed export should hold answers only inside the envelopes; these columns beside 'sealed' are ignored: {}",
                path.display(),
                beside.join(", ")
            ));
        }
        // Every question travels inside the envelope.
        self.mapped.extend(0..self.catalog.questions.len());
        if self.key.is_none() && self.opts.key_source == crate::cli::KeySource::EmptyEnv {
            return Err(super::empty_key_env(path));
        }
        if self.key.is_none() {
            return Err(Error::Invalid {
                path: path.to_path_buf(),
                diagnostics: vec![
                    Diagnostic::error(
                        path,
                        None,
                        "the export holds sealed responses, and no key was given to open them",
                    )
                    .with_hint(
                        "pass --key FILE (the custodian's private key) or set FARVEL_KEY_FILE",
                    ),
                ],
            });
        }
        Ok(())
    }

    /// Decide every duplicate, once every file is prepared.
    pub fn settle(&mut self) -> Result<Drops> {
        std::mem::take(&mut self.keys).settle().map_err(spill_error)
    }
}

/// What a worker gathers in pass 1.
#[derive(Default)]
struct Pass1 {
    evidence: OrderEvidence,
    mojibake: bool,
    /// A buffer for [`plain_key`].
    order: Vec<usize>,
}

/// What pass 1 knows of a file: its survey, its columns, whether its
/// text is transcoded and whether its rows are sealed.
struct File1<'x, 's> {
    cat: &'x Catalog<'s>,
    cols: &'x Columns,
    transcoding: bool,
    sealed: bool,
}

impl Pass1 {
    /// Pass 1's work on one row: its dates' evidence and mojibake are
    /// gathered; out comes its duplicate key, if it has one. `spans`: the
    /// record may span several lines; `nonce`: the row's nonce when pass 2
    /// has read it already.
    fn key(&mut self, f: &File1, cells: Cells, spans: bool, nonce: Option<&str>) -> Option<RowId> {
        let (cat, cols, transcoding, sealed) = (f.cat, f.cols, f.transcoding, f.sealed);
        for &c in &cols.date_columns {
            let v = cells.get(c);
            if !year_first(v)
                && let Some(stamp) = parse_stamp(v)
            {
                self.evidence.add(stamp.date);
            }
        }
        self.mojibake |= transcoding && cells.iter().any(encoding::looks_like_mojibake);
        match (sealed, nonce) {
            (true, _) => None,
            (false, Some(n)) if !n.is_empty() => Some(RowId::nonce(n)),
            (false, _) => plain_key(cat, cols, cells, spans, &mut self.order),
        }
    }
}

/// A column's letters in a spreadsheet: 0 → `A`, 25 → `Z`, 26 → `AA`.
fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `v` starts with a year (`2025-03-14…`, `2025/3/14…`): such a
/// date is year, month, day, and tells nothing of the day/month order.
fn year_first(v: &str) -> bool {
    let b = super::cells::trim(v).as_bytes();
    b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/' | b'.')
}

/// A file after pass 1.
pub struct Prepared {
    pub(super) path: std::path::PathBuf,
    /// `None`: the file is empty.
    pub(super) plan: Option<Plan>,
    /// Pass 1's messages, shown before the file's row messages.
    pub(super) messages: Vec<String>,
}

pub(super) struct Plan {
    pub(super) cols: Columns,
    pub(super) date_order: Option<crate::cli::DateOrder>,
}

/// The duplicate key of a plain row, read straight from its cells, or
/// `None` when pass 2 will reject the row (more cells than the header, no
/// answer, another version of the survey). Mirrors what
/// [`Interpreter::interpret_cells`] reads: the last nonce, else the last id
/// or the first time stamp with every non-blank answer cell (and
/// `_period`) by target, so column order does not matter.
fn plain_key(
    cat: &Catalog,
    cols: &Columns,
    cells: Cells,
    spans: bool,
    order: &mut Vec<usize>,
) -> Option<RowId> {
    if cells.len() > cols.targets.len()
        || cols.is_header(cells)
        || cols.joined(cells, spans).is_some()
    {
        return None;
    }
    let (mut nonce, mut id, mut time, mut answered) = (None, None, None, false);
    let mut fingerprint = None;
    order.clear();
    for (c, (t, v)) in cols.targets.iter().zip(cells.iter()).enumerate() {
        let (Some(t), v) = (t, v.trim()) else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        match t {
            Target::Meta(Meta::Nonce) => nonce = Some(v),
            Target::Meta(Meta::Id) => id = Some(v),
            Target::Meta(Meta::Time) => time = time.or(Some(v)),
            Target::Meta(Meta::Period) => order.push(c),
            Target::Meta(Meta::Fingerprint) => fingerprint = Some(v),
            Target::Meta(_) => {}
            _ => {
                answered = true;
                order.push(c);
            }
        }
    }
    if !answered || fingerprint.is_some_and(|f| cat.version_of(f).is_none()) {
        return None;
    }
    if let Some(n) = nonce {
        return Some(RowId::nonce(n));
    }
    order.sort_by(|&a, &b| (cols.targets[a], cells.get(a)).cmp(&(cols.targets[b], cells.get(b))));
    Some(RowId::row(id.or(time).unwrap_or(""), |h| {
        for &c in order.iter() {
            let _ = std::fmt::Write::write_fmt(h, format_args!("{:?}", cols.targets[c]));
            h.part(cells.get(c).as_bytes());
        }
    }))
}

/// The duplicate key of a row read from fields (a sealed row).
fn row_id(nonce: Option<&str>, stamp: &str, r: &crate::answers::Response) -> RowId {
    match nonce.filter(|n| !n.is_empty()) {
        Some(n) => RowId::nonce(n),
        None => RowId::row_debug(stamp, &[&r.period, &r.answers, &r.other]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_spreadsheets_write_them() {
        let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(got, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }
}
