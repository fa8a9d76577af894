//! One export file, in two streaming passes. The first
//! ([`super::prepare`]) maps the header, checks the text and settles the
//! day/month order and the duplicates. The second ([`Run::read_rows`],
//! here; its per-row part is [`RowWork`] and [`FileRows`]) reads row by
//! row into coded responses on every core, counts every row in the file's
//! [`FileTally`] in reading order and hands used responses to the sinks.
//! When the sinks allow it, both passes run in one read of the file (see
//! [`super::Sink::fresh`]). Also here: what both passes share (opening a
//! file, opening sealed envelopes).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use encoding_rs::Encoding;

use crate::error::{Error, Result};

use super::cells::Cells;
use super::coded::Dropped;
use super::columns::{Columns, REPEATED_HEADER};
use super::dedup::{Drops, Keys};
use super::headers::Catalog;
use super::prepare::{Plan, Prepared};
use super::read::{Batch, Row};
use super::row::{Interpreter, OTHER_VERSION, RowOutcome, Scratch, Version};
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

/// A file being read, with the line numbers of its records.
pub(super) struct Source {
    rdr: read::Packed<Box<dyn Read + Send>>,
    /// The field delimiter, given or sniffed.
    pub(super) delimiter: u8,
}

impl Source {
    /// Read the next record onto the end of `batch`: the line it starts
    /// on, or `None` at the end of the file.
    pub(super) fn next(&mut self, batch: &mut Batch, path: &Path) -> Result<Option<u64>> {
        match self.rdr.read(batch) {
            Ok(Some(_)) => Ok(Some(self.rdr.line())),
            Ok(None) => Ok(None),
            Err(e) => Err(Error::msg(format!(
                "{}:0: cannot read the file: {e}",
                path.display()
            ))),
        }
    }

    /// The next record alone (in `one`, cleared first) and its line.
    pub(super) fn next_one(&mut self, one: &mut Batch, path: &Path) -> Result<Option<u64>> {
        one.clear();
        self.next(one, path)
    }
}

/// `file:line`, formatted only when a message is written.
struct Location<'p>(&'p Path, u64);

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.0.display(), self.1)
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
        let on_read: Box<dyn FnMut(u64) + Send> = match (&self.bar, count) {
            (Some(bar), true) => {
                let bar = bar.clone();
                Box::new(move |n| bar.inc(n))
            }
            _ => Box::new(|_| {}),
        };
        let input = encoding::open(path, self.encoding, on_read)?;
        Ok(Source {
            rdr: read::Packed::new(input, delimiter),
            delimiter,
        })
    }

    /// The reader of a file's rows under its plan (for sealed keys).
    pub(super) fn interpreter(&self, plan: &Plan) -> Interpreter<'c, 's> {
        Self::row_work(self.catalog, self.opts, None, &plan.cols, plan.date_order).interp
    }

    /// Pass 2's work on the rows of a file with these columns, read in
    /// this day/month order.
    pub(super) fn row_work<'x>(
        catalog: &'c Catalog<'s>,
        opts: &ReadOptions,
        key: Option<&'x crate::seal::PrivateKey>,
        cols: &'x Columns,
        date_order: Option<crate::cli::DateOrder>,
    ) -> RowWork<'x, 'c, 's> {
        RowWork {
            interp: Interpreter {
                catalog,
                date_order,
                unquote: cols.normalised,
                zone: cols.zone,
                granularity: opts.granularity,
            },
            cols,
            key,
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
        let Some(plan) = prep.plan else {
            FileRows::new(path, &[]).commit(&mut self.rec);
            return Ok(sinks);
        };
        let mut rdr = self.open(path, true)?;
        rdr.next_one(&mut Batch::default(), path)?;
        let rows = Self::row_work(
            self.catalog,
            self.opts,
            self.key.as_ref(),
            &plan.cols,
            plan.date_order,
        );
        let work = |w: &mut Worker<S>, row: Row, &(_, dup): &(u64, bool)| rows.run(w, row, dup);
        let mut counted = FileRows::new(path, &plan.cols.header);
        let cat = self.catalog;
        let mut take = |(line, _): (u64, bool), worked: Worked| {
            counted.take(cat, line, worked);
            Ok(())
        };
        let mut ord = 0u32;
        let mut next = |batch: &mut Batch| -> Result<Option<(u64, bool)>> {
            let Some(line) = rdr.next(batch, path)? else {
                return Ok(None);
            };
            let this = ord;
            ord = next_ordinal(ord, path)?;
            // Only rows pass 2 uses were given keys, so only they can be dropped.
            let dup = drops.take(file, this).map_err(spill_error)?;
            Ok(Some((line, dup)))
        };
        let workers = sinks.into_iter().map(Worker::new).collect();
        let workers = super::pipeline::in_order(&mut next, workers, &work, &mut take)?;
        counted.commit(&mut self.rec);
        Ok(workers.into_iter().map(|w| w.sink).collect())
    }
}

/// Pass 2's work on one row, on a worker thread.
pub(super) struct RowWork<'x, 'c, 's> {
    interp: Interpreter<'c, 's>,
    cols: &'x Columns,
    key: Option<&'x crate::seal::PrivateKey>,
}

/// A row's cell count (when it was read as cells) and what became of it.
pub(super) type Worked = (Option<usize>, Event);

impl RowWork<'_, '_, '_> {
    /// Read the row; a used row that is not a duplicate goes to the sink.
    pub(super) fn run<S: Sink>(&self, w: &mut Worker<S>, row: Row, dup: bool) -> Worked {
        self.run_cells(w, Cells::packed(row), row.spans, dup).0
    }

    /// [`RowWork::run`] on the row's cells (`None`: not UTF-8; `spans`:
    /// the record spans several lines); also gives the nonce of a used row.
    pub(super) fn run_cells<'r, S: Sink>(
        &self,
        w: &mut Worker<S>,
        cells: Option<Cells<'r>>,
        spans: bool,
        dup: bool,
    ) -> (Worked, Option<&'r str>) {
        let (cols, sc, cat) = (self.cols, &mut w.scratch, self.interp.catalog);
        let mut nonce = None;
        let (cells, outcome) = match cells {
            None => (None, Outcome::Rejected("not valid text")),
            Some(c) if c.len() > cols.targets.len() => (None, too_long(c)),
            Some(c) if cols.is_header(c) => (None, Outcome::Rejected(REPEATED_HEADER)),
            Some(c) if cols.joined(c, spans).is_some() => (None, joined(cols, c)),
            Some(cells) => (
                Some(cells.len()),
                match (cols.sealed, self.key) {
                    (Some(col), Some(key)) => match open_sealed(cols, cells, col, key, cat) {
                        Ok(fields) => self.interp.interpret_fields(&fields, sc).into(),
                        Err(why) => Outcome::Rejected(why),
                    },
                    _ => {
                        let o = self.interp.interpret_cells(cols, cells, sc);
                        if let RowOutcome::Used { nonce: n, .. } = o {
                            nonce = n;
                        }
                        o.into()
                    }
                },
            ),
        };
        let event = match outcome {
            Outcome::Rejected(why) => Event::Rejected(why),
            Outcome::Joined { why, column, lines } => Event::Joined { why, column, lines },
            Outcome::OtherVersion(fp) => Event::OtherVersion(fp),
            Outcome::Used(_) if dup => Event::Duplicate,
            Outcome::Used(version) => {
                w.sink.push(&sc.coded, cat);
                // Cloning an empty list allocates nothing.
                Event::Used {
                    dropped: sc.coded.dropped.clone(),
                    version,
                }
            }
        };
        ((cells, event), nonce)
    }
}

/// Pass 2's counts and messages for one file, made in reading order (by
/// one thread at a time), and added to the reconciliation at the end.
pub(super) struct FileRows<'p> {
    path: &'p Path,
    width: usize,
    /// The header's names, for messages about a column.
    names: Vec<String>,
    tally: FileTally,
    messages: Vec<String>,
    hidden: usize,
    dropped_answers: std::collections::BTreeMap<String, u64>,
    /// Rows used from an accepted earlier version, and rows naming this
    /// version or an accepted one.
    accepted: u64,
    named: u64,
    /// Rows from another version, by the fingerprint they name.
    other_versions: std::collections::BTreeMap<String, u64>,
}

impl<'p> FileRows<'p> {
    pub(super) fn new(path: &'p Path, header: &[String]) -> Self {
        FileRows {
            path,
            width: header.len(),
            names: header.to_vec(),
            tally: FileTally {
                path: path.to_path_buf(),
                ..FileTally::default()
            },
            messages: Vec::new(),
            hidden: 0,
            dropped_answers: Default::default(),
            accepted: 0,
            named: 0,
            other_versions: Default::default(),
        }
    }

    fn note(&mut self, m: impl FnOnce() -> String) {
        if self.messages.len() < MESSAGES_PER_FILE {
            self.messages.push(m());
        } else {
            self.hidden += 1;
        }
    }

    /// Count the row at `line`.
    pub(super) fn take(&mut self, cat: &Catalog, line: u64, (cells, event): Worked) {
        self.tally.read += 1;
        let at = Location(self.path, line);
        let width = self.width;
        if let Some(cells) = cells
            && cells < width
        {
            self.tally.short_rows += 1;
            self.note(|| format!(
                "{at}: warning: the row has {cells} of {width} cells; the missing ones are read as empty"
            ));
        }
        match event {
            Event::Rejected(why) => {
                *self.tally.rejected.entry(why.to_string()).or_default() += 1;
                self.note(|| format!("{at}: row rejected: {why}"));
            }
            Event::Joined { why, column, lines } => {
                *self.tally.rejected.entry(why.to_string()).or_default() += 1;
                if lines > 1 {
                    self.tally.joined += 1;
                    self.tally.joined_lines += lines;
                }
                let place = match column.and_then(|c| Some((c, self.names.get(c)?))) {
                    Some((c, name)) => format!(
                        ", in column {} '{}'",
                        c + 1,
                        crate::diag::escape_controls(name.trim())
                    ),
                    None => String::new(),
                };
                let last = line + lines.saturating_sub(1);
                self.note(|| {
                    format!(
                        "{at}: row rejected: {why}{place}; this one record spans lines {line} to {last} ({lines} lines)"
                    )
                });
            }
            Event::OtherVersion(fp) => {
                *self.tally.rejected.entry(OTHER_VERSION.into()).or_default() += 1;
                let name = fp.map_or_else(
                    || NOT_A_FINGERPRINT.to_string(),
                    |f| String::from_utf8_lossy(&f).into_owned(),
                );
                *self.other_versions.entry(name).or_default() += 1;
                self.note(|| format!("{at}: row rejected: {OTHER_VERSION}"));
            }
            Event::Duplicate => self.tally.duplicates += 1,
            Event::Used { dropped, version } => {
                for (q, why) in &dropped {
                    *self.dropped_answers.entry(why.to_string()).or_default() += 1;
                    match q.and_then(|q| cat.questions.get(q as usize)) {
                        Some(info) => self.note(|| {
                            format!(
                                "{at}: question '{}': {why}; that answer is set aside",
                                info.q.id
                            )
                        }),
                        None => {
                            self.note(|| format!("{at}: {why}; the row is used without a period"))
                        }
                    }
                }
                self.accepted += u64::from(version == Version::Accepted);
                self.named += u64::from(version != Version::Unnamed);
                self.tally.used += 1;
            }
        }
    }

    /// Add this file's counts and messages to `rec`.
    pub(super) fn commit(mut self, rec: &mut Reconciliation) {
        if self.hidden > 0 {
            self.messages.push(format!(
                "{}: … and {} more message(s) like these",
                self.path.display(),
                self.hidden
            ));
        }
        rec.messages.append(&mut self.messages);
        for (why, n) in self.dropped_answers {
            *rec.dropped_answers.entry(why).or_default() += n;
        }
        rec.fingerprint_mismatches += self.accepted;
        rec.named_this_version += self.named;
        for (fp, n) in self.other_versions {
            *rec.other_versions.entry(fp).or_default() += n;
        }
        rec.files.push(self.tally);
    }
}

/// A worker thread's sink and buffers.
pub(super) struct Worker<S> {
    pub(super) sink: S,
    scratch: Scratch,
}

impl<S> Worker<S> {
    pub(super) fn new(sink: S) -> Self {
        Worker {
            sink,
            scratch: Scratch::default(),
        }
    }
}

/// A row's outcome without what it borrows: used (with the version its
/// fingerprint names), rejected, or from another version.
enum Outcome {
    Used(Version),
    Rejected(&'static str),
    OtherVersion(Fingerprint),
    /// Several lines read as one record (see [`Event::Joined`]).
    Joined {
        why: &'static str,
        column: Option<usize>,
        lines: u64,
    },
}

/// A record with more cells than the header: when it spans several lines,
/// as a stray quote makes it, with how many.
fn too_long(c: Cells) -> Outcome {
    const WHY: &str = "more cells than the header";
    match record_lines(c) {
        1 => Outcome::Rejected(WHY),
        lines => Outcome::Joined {
            why: WHY,
            column: None,
            lines,
        },
    }
}

/// A record [`Columns::joined`] finds joined, as an outcome.
#[cold]
fn joined(cols: &Columns, c: Cells) -> Outcome {
    let (why, column) = cols
        .joined(c, true)
        .map_or((super::columns::BREAK_IN_CELL, None), |(w, col)| {
            (w, Some(col))
        });
    Outcome::Joined {
        why,
        column,
        lines: record_lines(c),
    }
}

/// How many lines of the file a record spans.
fn record_lines(c: Cells) -> u64 {
    match c {
        Cells::Packed { all, .. } => super::columns::lines_spanned(all),
        Cells::Fields(_) => 1,
    }
}

/// The first 12 digits (lowercase) of the fingerprint a row names, or
/// `None` when its `_survey` cell is no fingerprint at all.
pub(super) type Fingerprint = Option<[u8; 12]>;

/// How [`Reconciliation::other_versions`] names the `_survey` cells that
/// are no fingerprint (never their text: it is a value of the file).
pub const NOT_A_FINGERPRINT: &str = "(not a fingerprint)";

fn fingerprint_of(f: &str) -> Fingerprint {
    let b = f.as_bytes();
    if !crate::survey::keys::is_fingerprint(f) {
        return None;
    }
    let mut out = [0u8; 12];
    for (o, c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

impl From<RowOutcome<'_>> for Outcome {
    fn from(o: RowOutcome) -> Self {
        match o {
            RowOutcome::Used { version, .. } => Outcome::Used(version),
            RowOutcome::Rejected(why) => Outcome::Rejected(why),
            RowOutcome::OtherVersion(f) => Outcome::OtherVersion(fingerprint_of(f)),
        }
    }
}

/// What became of a row, as the worker that read it reports it.
pub(super) enum Event {
    Rejected(&'static str),
    /// Rejected: one record whose cells hold what look like several (a
    /// stray quote), with the column that shows it and how many lines of
    /// the file the record spans.
    Joined {
        why: &'static str,
        column: Option<usize>,
        lines: u64,
    },
    OtherVersion(Fingerprint),
    Duplicate,
    Used {
        dropped: Vec<Dropped>,
        version: Version,
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

/// Open the sealed envelope in column `col` in memory into the fields
/// inside it, for [`super::row::Interpreter::interpret_fields`]; the
/// export's own time stamp (outside the envelope) is added as `date`, for
/// the period. Nothing decrypted is kept beyond the returned fields.
pub(super) fn open_sealed(
    cols: &Columns,
    cells: Cells,
    col: usize,
    key: &crate::seal::PrivateKey,
    cat: &Catalog,
) -> std::result::Result<Vec<(String, String)>, &'static str> {
    use crate::seal::SealError;
    let envelope = cells.get(col).trim();
    if envelope.is_empty() {
        return Err("no sealed message in the row");
    }
    let fp = cat.survey.short_fingerprint();
    let mut opened = crate::seal::open_envelope(key, fp, envelope);
    // Sealed by an accepted earlier version: its tag names that version.
    for earlier in cat.accepted() {
        if !matches!(opened, Err(SealError::OtherSurvey)) {
            break;
        }
        let short = earlier.get(..12).unwrap_or(earlier);
        opened = crate::seal::open_envelope(key, short, envelope);
    }
    match opened {
        Ok(mut fields) => {
            if let Some(c) = cols.time_column.filter(|&c| c < cells.len()) {
                fields.retain(|(k, _)| k != "date");
                fields.push(("date".to_string(), cells.get(c).to_string()));
            }
            Ok(fields)
        }
        Err(e) => Err(match e {
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
        fn texts(line: &[u8]) -> Option<Vec<String>> {
            let batch = read::packed_all(line);
            Cells::packed(batch.row(0)).map(|c| c.iter().map(String::from).collect())
        }
        assert_eq!(
            texts("a,\u{e9},".as_bytes()),
            Some(vec!["a".to_string(), "\u{e9}".into(), "".into()])
        );
        // Together "a\u{e9}b" is UTF-8, but the cut lies inside the character.
        assert_eq!(texts(b"\"a\xc3\",\"\xa9b\""), None);
        assert_eq!(texts(b"ok,\xff"), None);
    }
}
