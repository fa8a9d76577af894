//! Pass 1 over each export file: the header mapped and checked, the text
//! checked to be UTF-8, every date gathered to settle the day/month order,
//! and each usable row's duplicate key handed to [`Keys`] (for a sealed
//! file, from inside its envelopes); then the keys settled into
//! [`Drops`] for pass 2 ([`super::file`]).

use std::path::Path;

use csv::ByteRecord;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};

use super::dedup::{Drops, RowId};
use super::encoding;
use super::file::{Run, next_ordinal, open_sealed, spill_error};
use super::headers::{Meta, Target};
use super::row::{Columns, RowOutcome, Scratch, plan_columns};
use super::time::{OrderEvidence, parse_stamp};
use super::values::Cells;

impl Run<'_, '_, '_> {
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
        // Counted on the progress bar, like pass 2: the bar covers both.
        let mut rdr = self.open(path, true)?;
        if !rdr.next(&mut rec, path)? {
            self.rec
                .messages
                .push(format!("{}: warning: the file is empty", path.display()));
            return Ok(None);
        }
        let headers: Vec<String> = Cells::record(&rec)
            .ok_or_else(|| encoding::not_utf8(path, rdr.line_of(&rec)))?
            .iter()
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
            let cells = Cells::record(rec)?;
            for &c in &cols.date_columns {
                if let Some(stamp) = (c < cells.len())
                    .then(|| parse_stamp(cells.get(c)))
                    .flatten()
                {
                    st.evidence.add(stamp.date);
                }
            }
            st.mojibake |= transcoding && cells.iter().any(encoding::looks_like_mojibake);
            Some(match sealed {
                true => None,
                false => plain_key(&cols, cells, &mut st.order),
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
        let states = (0..crate::cores()).map(|_| Pass1::default()).collect();
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
        let mut sc = Scratch::default();
        while rdr.next(&mut rec, path)? {
            if let Some(cells) = Cells::record(&rec).filter(|c| c.len() <= plan.cols.targets.len())
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
/// answer). Mirrors what [`Interpreter::interpret_cells`] reads: the last
/// nonce, else the last id or the first time stamp with every non-blank
/// answer cell (and `_period`) by target, so column order does not matter.
fn plain_key(cols: &Columns, cells: Cells, order: &mut Vec<usize>) -> Option<RowId> {
    if cells.len() > cols.targets.len() {
        return None;
    }
    let (mut nonce, mut id, mut time, mut answered) = (None, None, None, false);
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
