//! One export file, read in two streaming passes. The first
//! ([`Run::prepare`]) maps the header, checks the text is UTF-8, gathers
//! every date to settle the day/month order and hands each usable row's
//! duplicate key to [`Keys`]; once every file is prepared, the keys are
//! settled. The second ([`Run::read_rows`]) reads row by row (a reused
//! `ByteRecord`) into responses, counts every row in the file's
//! [`FileTally`] and hands used rows to the sink.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use csv::ByteRecord;
use encoding_rs::Encoding;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};

use super::dedup::{Drops, Keys, RowId};
use super::headers::{Catalog, Meta, Target};
use super::row::{Columns, Interpreter, RowOutcome, plan_columns};
use super::time::{OrderEvidence, parse_stamp};
use super::{FileTally, ReadOptions, Reconciliation, Sink, encoding, read};

/// At most this many row messages per file; the rest are counted.
const MESSAGES_PER_FILE: usize = 20;

/// Everything one run shares between files.
pub struct Run<'a, 'c, 's> {
    pub catalog: &'c Catalog<'s>,
    pub opts: &'a ReadOptions,
    pub encoding: Option<&'static Encoding>,
    /// Duplicate keys of every file's usable rows, gathered in pass 1.
    pub keys: Keys,
    pub rec: Reconciliation,
    pub mapped: BTreeSet<usize>,
    /// Advanced by the bytes of the second pass.
    pub bar: Option<indicatif::ProgressBar>,
    /// The custodian's key, when sealed responses are to be opened.
    pub key: Option<crate::seal::PrivateKey>,
}

type Reader = csv::Reader<read::LineTracking<Box<dyn Read>>>;

/// A file being read, with the line numbers of its records.
struct Source {
    rdr: Reader,
    lines: Rc<RefCell<read::Lines>>,
}

impl Source {
    fn next(&mut self, rec: &mut ByteRecord, path: &Path) -> Result<bool> {
        self.rdr.read_byte_record(rec).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::msg(format!(
                "{}:{line}: cannot read the file: {e}",
                path.display()
            ))
        })
    }

    fn line_of(&self, rec: &ByteRecord) -> u64 {
        let at = rec.position().map_or(0, |p| p.byte());
        self.lines.borrow_mut().line_at(at)
    }
}

/// The record's cells as text, or `None` when it is not UTF-8. The record
/// is checked in one go; a cell boundary inside a character fails too.
fn strings(rec: &ByteRecord) -> Option<Vec<&str>> {
    let all = std::str::from_utf8(rec.as_slice()).ok()?;
    (0..rec.len())
        .map(|i| rec.range(i).and_then(|r| all.get(r)))
        .collect()
}

/// `file:line`, formatted only when a message is written.
struct Location<'p>(&'p Path, u64);

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.0.display(), self.1)
    }
}

/// Per-file message sink with a cap.
struct Notes<'r> {
    out: &'r mut Vec<String>,
    shown: usize,
    hidden: usize,
}

impl Notes<'_> {
    fn push(&mut self, m: String) {
        if self.shown < MESSAGES_PER_FILE {
            self.out.push(m);
            self.shown += 1;
        } else {
            self.hidden += 1;
        }
    }
}

impl<'c, 's> Run<'_, 'c, 's> {
    fn open(&self, path: &Path, count: bool) -> Result<Source> {
        let delimiter = match self.opts.delimiter {
            Some(d) => d,
            None => {
                let mut head = Vec::with_capacity(8192);
                encoding::open(path, self.encoding, Box::new(|_| {}))?
                    .take(8192)
                    .read_to_end(&mut head)
                    .map_err(|e| Error::io(path, e))?;
                read::sniff_delimiter(&head)
            }
        };
        let on_read: Box<dyn FnMut(u64)> = match (&self.bar, count) {
            (Some(bar), true) => {
                let bar = bar.clone();
                Box::new(move |n| bar.inc(n))
            }
            _ => Box::new(|_| {}),
        };
        let lines = Rc::new(RefCell::new(read::Lines::default()));
        let input = read::LineTracking {
            inner: encoding::open(path, self.encoding, on_read)?,
            lines: lines.clone(),
        };
        Ok(Source {
            rdr: read::reader(input, delimiter),
            lines,
        })
    }

    /// Pass 1 over file number `file` (its index among the inputs).
    pub fn prepare(&mut self, file: u32, path: &Path) -> Result<Prepared> {
        let before = self.rec.messages.len();
        let plan = self.plan(file, path)?;
        Ok(Prepared {
            path: path.to_path_buf(),
            plan,
            messages: self.rec.messages.split_off(before),
        })
    }

    /// The header, the text check, the dates and the duplicate keys;
    /// `None` for an empty file.
    fn plan(&mut self, file: u32, path: &Path) -> Result<Option<Plan>> {
        let mut rec = ByteRecord::new();
        let mut rdr = self.open(path, false)?;
        if !rdr.next(&mut rec, path)? {
            self.rec
                .messages
                .push(format!("{}: warning: the file is empty", path.display()));
            return Ok(None);
        }
        let headers: Vec<String> = strings(&rec)
            .ok_or_else(|| encoding::not_utf8(path, rdr.line_of(&rec)))?
            .into_iter()
            .map(String::from)
            .collect();
        let cols = plan_columns(
            self.catalog,
            &headers,
            path,
            &mut self.rec,
            &mut self.mapped,
        );
        self.check_columns(path, &headers, &cols)?;
        let transcoding = self.encoding.is_some_and(|e| e != encoding_rs::UTF_8);
        let sealed = cols.sealed.is_some();
        // On the workers: the dates' evidence, mojibake, the row's key
        // (`None` when the row is not UTF-8).
        let work = |st: &mut Pass1, rec: &ByteRecord, _: &u64| -> Option<Option<RowId>> {
            let cells = strings(rec)?;
            for &c in &cols.date_columns {
                if let Some(stamp) = cells.get(c).and_then(|v| parse_stamp(v)) {
                    st.evidence.add(stamp.date);
                }
            }
            st.mojibake |= transcoding && cells.iter().any(|c| encoding::looks_like_mojibake(c));
            Some(match sealed {
                true => None,
                false => plain_key(&cols, &cells, &mut st.order),
            })
        };
        let keys = &mut self.keys;
        let mut ord = 0u32;
        let mut take = |line: u64, key: Option<Option<RowId>>| -> Result<()> {
            let key = key.ok_or_else(|| encoding::not_utf8(path, line))?;
            if let Some(id) = key {
                keys.push(id, file, ord).map_err(spill_error)?;
            }
            ord = next_ordinal(ord, path)?;
            Ok(())
        };
        let mut next = |rec: &mut ByteRecord| -> Result<Option<u64>> {
            Ok(rdr.next(rec, path)?.then(|| rdr.line_of(rec)))
        };
        let states = (0..super::cores()).map(|_| Pass1::default()).collect();
        let states = super::pipeline::in_order(&mut next, states, &work, &mut take)?;
        let mut evidence = OrderEvidence::default();
        for st in &states {
            evidence.merge(&st.evidence);
        }
        let mojibake = states.iter().any(|st| st.mojibake);
        if mojibake {
            self.rec.messages.push(format!(
                "{}: warning: the text looks like UTF-8 read as {}; if letters such as ø show up wrong, leave out --encoding",
                path.display(),
                self.encoding.map_or("UTF-8", |e| e.name())
            ));
        }
        let date_order = evidence.resolve(self.opts.date_order).map_err(|why| Error::Invalid {
            path: path.to_path_buf(),
            diagnostics: vec![
                Diagnostic::error(path, None, format!("cannot tell the day from the month: {why}"))
                    .with_hint("pass --date-order dmy (10/03 = 10 March) or --date-order mdy (3/10 = 10 March)"),
            ],
        })?;
        let plan = Plan { cols, date_order };
        if plan.cols.sealed.is_some() {
            self.sealed_keys(file, path, &plan)?;
        }
        Ok(Some(plan))
    }

    /// A sealed file's keys come from inside its envelopes: one more pass
    /// that opens them in memory and keeps only the keys.
    fn sealed_keys(&mut self, file: u32, path: &Path, plan: &Plan) -> Result<()> {
        let (Some(col), Some(key)) = (plan.cols.sealed, &self.key) else {
            return Ok(());
        };
        let interp = self.interpreter(plan);
        let mut rec = ByteRecord::new();
        let mut rdr = self.open(path, false)?;
        rdr.next(&mut rec, path)?;
        let mut ord = 0u32;
        while rdr.next(&mut rec, path)? {
            if let Some(cells) = strings(&rec).filter(|c| c.len() <= plan.cols.targets.len())
                && let RowOutcome::Used(row) = open_sealed(&interp, &plan.cols, &cells, col, key)
            {
                self.keys
                    .push(row_id(&row), file, ord)
                    .map_err(spill_error)?;
            }
            ord = next_ordinal(ord, path)?;
        }
        Ok(())
    }

    fn interpreter(&self, plan: &Plan) -> Interpreter<'c, 's> {
        Interpreter {
            catalog: self.catalog,
            date_order: plan.date_order,
            zone: plan.cols.zone,
            granularity: self.opts.granularity,
        }
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
        let beside: Vec<&str> = headers
            .iter()
            .zip(&cols.targets)
            .filter(|(_, t)| matches!(t, Some(t) if !matches!(t, Target::Meta(_))))
            .map(|(h, _)| h.trim())
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

    /// Pass 2 over file number `file`: every row, counted; used responses
    /// go to the sinks (one worker thread each), which are handed back.
    pub fn read_rows<S: Sink>(
        &mut self,
        file: u32,
        prep: Prepared,
        drops: &mut Drops,
        sinks: Vec<S>,
    ) -> Result<Vec<S>> {
        let path = prep.path.as_path();
        self.rec.messages.extend(prep.messages);
        let mut tally = FileTally {
            path: path.to_path_buf(),
            ..FileTally::default()
        };
        let Some(plan) = prep.plan else {
            self.rec.files.push(tally);
            return Ok(sinks);
        };
        let cols = &plan.cols;
        let interp = self.interpreter(&plan);
        let mut rdr = self.open(path, true)?;
        rdr.next(&mut ByteRecord::new(), path)?;
        let key = &self.key;
        let width = cols.targets.len();
        // On the workers: the row's cell count when it was read as cells,
        // and what became of it.
        let work = |sink: &mut S, rec: &ByteRecord, &(_, dup): &(u64, bool)| {
            let (cells, outcome) = match strings(rec) {
                None => (None, RowOutcome::Rejected("not valid text")),
                Some(c) if c.len() > width => {
                    (None, RowOutcome::Rejected("more cells than the header"))
                }
                Some(cells) => (
                    Some(cells.len()),
                    match (cols.sealed, key) {
                        (Some(col), Some(key)) => open_sealed(&interp, cols, &cells, col, key),
                        _ => interp.interpret_cells(cols, &cells),
                    },
                ),
            };
            let event = match outcome {
                RowOutcome::Rejected(why) => Event::Rejected(why),
                RowOutcome::Used(_) if dup => Event::Duplicate,
                RowOutcome::Used(row) => {
                    let row = *row;
                    sink.push(row.response);
                    Event::Used {
                        dropped: row.dropped,
                        mismatch: row.fingerprint_mismatch,
                    }
                }
            };
            (cells, event)
        };
        let mut notes = Notes {
            out: &mut self.rec.messages,
            shown: 0,
            hidden: 0,
        };
        let dropped_answers = &mut self.rec.dropped_answers;
        let mismatches = &mut self.rec.fingerprint_mismatches;
        // On this thread, in reading order: the counts and the messages.
        let mut take = |(line, _): (u64, bool), (cells, event): (Option<usize>, Event)| {
            tally.read += 1;
            let at = Location(path, line);
            if let Some(cells) = cells
                && cells < width
            {
                tally.short_rows += 1;
                notes.push(format!(
                    "{at}: warning: the row has {cells} of {width} cells; the missing ones are read as empty"
                ));
            }
            match event {
                Event::Rejected(why) => {
                    *tally.rejected.entry(why.to_string()).or_default() += 1;
                    notes.push(format!("{at}: row rejected: {why}"));
                }
                Event::Duplicate => tally.duplicates += 1,
                Event::Used { dropped, mismatch } => {
                    for (q, why) in &dropped {
                        *dropped_answers.entry(why.to_string()).or_default() += 1;
                        match q {
                            Some(q) => notes.push(format!(
                                "{at}: question '{q}': {why}; that answer is set aside"
                            )),
                            None => {
                                notes.push(format!("{at}: {why}; the row is used without a period"))
                            }
                        }
                    }
                    *mismatches += u64::from(mismatch);
                    tally.used += 1;
                }
            }
            Ok(())
        };
        let mut ord = 0u32;
        let mut next = |rec: &mut ByteRecord| -> Result<Option<(u64, bool)>> {
            if !rdr.next(rec, path)? {
                return Ok(None);
            }
            let this = ord;
            ord = next_ordinal(ord, path)?;
            // Only rows pass 2 uses were given keys, so only they can be dropped.
            let dup = drops.take(file, this).map_err(spill_error)?;
            Ok(Some((rdr.line_of(rec), dup)))
        };
        let sinks = super::pipeline::in_order(&mut next, sinks, &work, &mut take)?;
        if notes.hidden > 0 {
            let n = notes.hidden;
            notes.out.push(format!(
                "{}: … and {n} more message(s) like these",
                path.display()
            ));
        }
        self.rec.files.push(tally);
        Ok(sinks)
    }
}

/// What became of a row, as the worker that read it reports it.
enum Event {
    Rejected(&'static str),
    Duplicate,
    Used {
        dropped: Vec<super::validate::Dropped>,
        mismatch: bool,
    },
}

/// What a worker gathers in pass 1.
#[derive(Default)]
struct Pass1 {
    evidence: OrderEvidence,
    mojibake: bool,
    /// A buffer for [`plain_key`].
    order: Vec<usize>,
}

/// A file after pass 1.
pub struct Prepared {
    path: std::path::PathBuf,
    /// `None`: the file is empty.
    plan: Option<Plan>,
    /// Pass 1's messages, shown before the file's row messages.
    messages: Vec<String>,
}

struct Plan {
    cols: Columns,
    date_order: Option<crate::cli::DateOrder>,
}

/// Duplicate keys beyond memory go to temporary files.
fn spill_error(e: std::io::Error) -> Error {
    Error::io(std::env::temp_dir(), e)
}

fn next_ordinal(ord: u32, path: &Path) -> Result<u32> {
    ord.checked_add(1).ok_or_else(|| {
        Error::msg(format!(
            "{}: more than {} rows in one file; split the export",
            path.display(),
            u32::MAX
        ))
    })
}

/// The duplicate key of a plain row, read straight from its cells, or
/// `None` when pass 2 will reject the row (more cells than the header, no
/// answer). Mirrors what [`Interpreter::interpret_cells`] reads: the last
/// nonce, else the last id or the first time stamp with every non-blank
/// answer cell (and `_period`) by target, so column order does not matter.
fn plain_key(cols: &Columns, cells: &[&str], order: &mut Vec<usize>) -> Option<RowId> {
    if cells.len() > cols.targets.len() {
        return None;
    }
    let (mut nonce, mut id, mut time, mut answered) = (None, None, None, false);
    order.clear();
    for (c, (t, v)) in cols.targets.iter().zip(cells).enumerate() {
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
            Target::Meta(_) => {}
            _ => {
                answered = true;
                order.push(c);
            }
        }
    }
    if !answered {
        return None;
    }
    if let Some(n) = nonce {
        return Some(RowId::nonce(n));
    }
    order.sort_by(|&a, &b| (cols.targets[a], cells[a]).cmp(&(cols.targets[b], cells[b])));
    Some(RowId::row(id.or(time).unwrap_or(""), |h| {
        for &c in order.iter() {
            let _ = std::fmt::Write::write_fmt(h, format_args!("{:?}", cols.targets[c]));
            h.part(cells[c].as_bytes());
        }
    }))
}

/// The duplicate key of a row read from fields (a sealed row).
fn row_id(row: &super::Row) -> RowId {
    match row.nonce.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => RowId::nonce(n),
        None => RowId::row_debug(
            &row.stamp,
            &[
                &row.response.period,
                &row.response.answers,
                &row.response.other,
            ],
        ),
    }
}

/// Open the sealed envelope in column `col` in memory and read the fields
/// inside it as a submission; the export's own time stamp (outside the
/// envelope) gives the period. Nothing decrypted is kept beyond the
/// returned row.
fn open_sealed(
    interp: &Interpreter,
    cols: &super::row::Columns,
    cells: &[&str],
    col: usize,
    key: &crate::seal::PrivateKey,
) -> RowOutcome {
    use crate::seal::SealError;
    let envelope = cells.get(col).map_or("", |c| c.trim());
    if envelope.is_empty() {
        return RowOutcome::Rejected("no sealed message in the row");
    }
    let fp = interp.catalog.survey.short_fingerprint();
    match crate::seal::open_envelope(key, fp, envelope) {
        Ok(mut fields) => {
            if let Some(stamp) = cols.time_column.and_then(|c| cells.get(c)) {
                fields.retain(|(k, _)| k != "date");
                fields.push(("date".to_string(), (*stamp).to_string()));
            }
            interp.interpret_fields(&fields)
        }
        Err(e) => RowOutcome::Rejected(match e {
            SealError::WrongKeyOrTampered => "sealed: wrong key or tampered envelope",
            SealError::Truncated => "sealed: truncated envelope",
            SealError::UnknownVersion => "sealed: unknown envelope version",
            SealError::OtherSurvey => "sealed: sealed for another survey",
            SealError::Malformed => "sealed: malformed envelope",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_text_only_when_each_cell_is() {
        let rec = |cells: &[&[u8]]| ByteRecord::from(cells.to_vec());
        assert_eq!(
            strings(&rec(&[b"a", "\u{e9}".as_bytes(), b""])),
            Some(vec!["a", "\u{e9}", ""])
        );
        // Together "a\u{e9}b" is UTF-8, but the cut lies inside the character.
        assert_eq!(strings(&rec(&[b"a\xc3", b"\xa9b"])), None);
        assert_eq!(strings(&rec(&[b"ok", b"\xff"])), None);
    }
}
