//! One export file, read in two streaming passes. The first
//! ([`super::prepare`]) maps the header, checks the text and settles the
//! day/month order and the duplicates. The second ([`Run::read_rows`],
//! here) reads row by row into responses on every core, counts every row
//! in the file's [`FileTally`] in reading order and hands used responses
//! to the sinks. Also here: what both passes share (opening a file, its
//! records as text, opening sealed envelopes).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use csv::ByteRecord;
use encoding_rs::Encoding;

use crate::error::{Error, Result};

use super::dedup::{Drops, Keys};
use super::headers::Catalog;
use super::prepare::{Plan, Prepared};
use super::row::{Interpreter, RowOutcome};
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
pub(super) struct Source {
    rdr: Reader,
    lines: Rc<RefCell<read::Lines>>,
}

impl Source {
    pub(super) fn next(&mut self, rec: &mut ByteRecord, path: &Path) -> Result<bool> {
        self.rdr.read_byte_record(rec).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::msg(format!(
                "{}:{line}: cannot read the file: {e}",
                path.display()
            ))
        })
    }

    pub(super) fn line_of(&self, rec: &ByteRecord) -> u64 {
        let at = rec.position().map_or(0, |p| p.byte());
        self.lines.borrow_mut().line_at(at)
    }
}

/// The record's cells as text, or `None` when it is not UTF-8. The record
/// is checked in one go; a cell boundary inside a character fails too.
pub(super) fn strings(rec: &ByteRecord) -> Option<Vec<&str>> {
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
    pub(super) fn open(&self, path: &Path, count: bool) -> Result<Source> {
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

    pub(super) fn interpreter(&self, plan: &Plan) -> Interpreter<'c, 's> {
        Interpreter {
            catalog: self.catalog,
            date_order: plan.date_order,
            zone: plan.cols.zone,
            granularity: self.opts.granularity,
        }
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

/// Duplicate keys beyond memory go to temporary files.
pub(super) fn spill_error(e: std::io::Error) -> Error {
    Error::io(std::env::temp_dir(), e)
}

pub(super) fn next_ordinal(ord: u32, path: &Path) -> Result<u32> {
    ord.checked_add(1).ok_or_else(|| {
        Error::msg(format!(
            "{}: more than {} rows in one file; split the export",
            path.display(),
            u32::MAX
        ))
    })
}

/// Open the sealed envelope in column `col` in memory and read the fields
/// inside it as a submission; the export's own time stamp (outside the
/// envelope) gives the period. Nothing decrypted is kept beyond the
/// returned row.
pub(super) fn open_sealed(
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
