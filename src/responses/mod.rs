//! Responses: CSV exports + a [`Survey`] in, normalised responses
//! (streamed to sinks as [`Coded`] rows; [`Response`] is their owned
//! form) plus a [`Reconciliation`] out. Every row read is
//! used, counted as a duplicate, or rejected with a reason; every answer
//! set aside is counted by rule. [`normal`] writes and documents the
//! canonical normalised CSV, which this module also reads back.

#[cfg(test)]
mod alloc_test;
mod cells;
mod coded;
mod columns;
mod conditions;
mod dedup;
mod encoding;
mod extsort;
mod file;
mod headers;
mod memo;
pub mod normal;
mod pipeline;
mod prepare;
pub mod read;
mod reconcile;
mod row;
mod row_id;
mod time;
mod tokens;
mod validate;
mod values;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;

pub use coded::{Code, Coded, Span};
pub use headers::{Catalog, Meta, Target};
pub use reconcile::{FileTally, Reconciliation};
pub use row::{Interpreter, RowOutcome, Scratch};
pub use time::NaiveZone;

use crate::answers::{Granularity, Response};
use crate::error::{Error, Result};
use crate::survey::Survey;

/// How to read exports (from `--map`, `--encoding`, `--delimiter`,
/// `--date-order`, `--period`).
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// A YAML file mapping export headers to question ids.
    pub map: Option<PathBuf>,
    /// An encoding label (`windows-1252`); `None` = UTF-8.
    pub encoding: Option<String>,
    /// The field delimiter; `None` = sniffed (`,` or `;`).
    pub delimiter: Option<u8>,
    /// Day/month order for files whose dates do not settle it.
    pub date_order: Option<crate::cli::DateOrder>,
    /// How fine the periods are.
    pub granularity: Granularity,
    /// Show a progress bar (only ever drawn on a terminal).
    pub progress: bool,
    /// The custodian's private key file, to open sealed responses.
    pub key: Option<PathBuf>,
    /// Where `key` was named (`--key` or `FARVEL_KEY_FILE`), or that
    /// `FARVEL_KEY_FILE` is set to nothing.
    pub key_source: crate::cli::KeySource,
    /// Fingerprints of earlier versions of the survey to read as this
    /// one's (lowercase hex), besides the survey's `accept_fingerprints`.
    pub accept_fingerprints: Vec<String>,
}

impl ReadOptions {
    /// Options from the shared command-line arguments; the progress bar is
    /// on when stderr is a terminal.
    pub fn from_args(read: &crate::cli::ReadArgs, g: Granularity) -> Result<Self> {
        let delimiter = match read.delimiter {
            None => None,
            Some(c) if c.is_ascii() && c != '"' && c != '\n' && c != '\r' => Some(c as u8),
            Some(c) => {
                return Err(Error::msg(format!(
                    "--delimiter '{}' is not usable: give one ASCII character such as ',' or ';'",
                    crate::diag::escape_controls(&c.to_string())
                )));
            }
        };
        if let Some(label) = &read.encoding {
            encoding::parse_label(label)?;
        }
        for f in &read.accept_fingerprint {
            if !crate::survey::keys::is_fingerprint(f.trim()) {
                return Err(Error::msg(format!(
                    "--accept-fingerprint '{}' is not a survey fingerprint: give 12 to 64 hex digits (0-9, a-f), as ingest lists them",
                    crate::diag::escape_controls(f)
                )));
            }
        }
        Ok(ReadOptions {
            map: read.map.clone(),
            encoding: read.encoding.clone(),
            delimiter,
            date_order: read.date_order,
            granularity: g,
            progress: std::io::stderr().is_terminal(),
            key: read.key.clone(),
            key_source: read.key_source,
            accept_fingerprints: read
                .accept_fingerprint
                .iter()
                .map(|f| f.trim().to_ascii_lowercase())
                .collect(),
        })
    }
}

/// The inputs' total size: a progress bar's length for one read of each.
fn total_bytes(inputs: &[PathBuf]) -> u64 {
    inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn progress_bar(inputs: &[PathBuf]) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total_bytes(inputs));
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} reading {bytes}/{total_bytes} [{bar:30}] {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Where used responses go: each sink is fed by its own worker thread,
/// one coded row at a time (the row's buffers are reused for the next;
/// [`Coded::to_response`] gives an owned copy).
pub trait Sink: Send + Sized {
    fn push(&mut self, row: &Coded, catalog: &Catalog);

    /// An empty sink like this one, or `None` when this sink must be fed
    /// only rows known to be kept. With one for every sink, each file is
    /// read once: its rows are interpreted while its duplicates and
    /// day/month order are still being gathered, and read again only if
    /// a row turns out to be a duplicate or the order was assumed wrongly
    /// (then into the empty sinks).
    fn fresh(&self) -> Option<Self>;
}

impl Sink for Vec<Response> {
    fn push(&mut self, row: &Coded, catalog: &Catalog) {
        Vec::push(self, row.to_response(catalog));
    }

    fn fresh(&self) -> Option<Self> {
        Some(Vec::new())
    }
}

/// Pass 1 over every file, then pass 2 over every file.
fn read_twice<S: Sink>(run: &mut file::Run, inputs: &[PathBuf], sinks: Vec<S>) -> Result<Vec<S>> {
    if let Some(bar) = &run.bar {
        bar.inc_length(total_bytes(inputs));
    }
    let mut prepared = Vec::with_capacity(inputs.len());
    for (i, path) in inputs.iter().enumerate() {
        let file = ordinal(i)?;
        prepared.push((file, run.prepare(file, path)?));
    }
    let mut drops = run.settle()?;
    let mut sinks = sinks;
    for (file, p) in prepared {
        sinks = run.read_rows(file, p, &mut drops, sinks)?;
    }
    Ok(sinks)
}

/// Both passes in one read of each file (see [`Sink::fresh`]); a second
/// read into `fresh` only when a guess of the first turns out wrong.
fn read_once<S: Sink>(
    run: &mut file::Run,
    inputs: &[PathBuf],
    sinks: Vec<S>,
    fresh: Vec<S>,
) -> Result<Vec<S>> {
    let mut workers: Vec<file::Worker<S>> = sinks.into_iter().map(file::Worker::new).collect();
    let mut read = Vec::with_capacity(inputs.len());
    for (i, path) in inputs.iter().enumerate() {
        let (prep, spec) = run.prepare_and_read(ordinal(i)?, path, workers)?;
        workers = spec.workers;
        read.push((prep, spec.rows));
    }
    let mut drops = run.settle()?;
    if drops.is_empty() && read.iter().all(|(_, rows)| rows.is_some()) {
        for (prep, rows) in read {
            run.rec.messages.extend(prep.messages);
            if let Some(rows) = rows {
                rows.commit(&mut run.rec);
            }
        }
        return Ok(workers.into_iter().map(|w| w.sink).collect());
    }
    if let Some(bar) = &run.bar {
        bar.inc_length(total_bytes(inputs));
    }
    let mut sinks = fresh;
    for (i, (prep, _)) in read.into_iter().enumerate() {
        sinks = run.read_rows(ordinal(i)?, prep, &mut drops, sinks)?;
    }
    Ok(sinks)
}

/// A private key that is not the survey's cannot open its answers: said
/// before any file is read, with both public key fingerprints as `farvel
/// keys show` prints them.
fn check_key(
    survey: &Survey,
    key: &crate::seal::PrivateKey,
    path: &std::path::Path,
    source: crate::cli::KeySource,
) -> Result<()> {
    let Some(text) = &survey.public_key else {
        return Ok(());
    };
    let public = crate::seal::parse_public_key(text)
        .map_err(|e| Error::msg(format!("{}: 'public_key': {e}", survey.path.display())))?;
    let ours = key.public_key();
    if ours == public {
        return Ok(());
    }
    let named = match source {
        crate::cli::KeySource::Env => format!("named by {}", crate::cli::KEY_ENV),
        _ => "given with --key".to_string(),
    };
    Err(Error::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![
            crate::diag::Diagnostic::error(
                path,
                None,
                format!(
                    "this private key ({named}) does not open the answers of {}: its public key fingerprint is {}, and the survey's public_key has fingerprint {}",
                    survey.path.display(),
                    ours.fingerprint(),
                    public.fingerprint()
                ),
            )
            .with_hint(format!(
                "pass the key of the custodian who made the survey's public_key: `farvel keys show FILE` prints a key file's fingerprint, `farvel keys show {}` the survey's",
                survey.path.display()
            )),
        ],
    })
}

/// `FARVEL_KEY_FILE` is set to nothing while a key is needed.
pub(crate) fn empty_key_env(path: &std::path::Path) -> Error {
    Error::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![
            crate::diag::Diagnostic::error(
                path,
                None,
                format!(
                    "the answers are sealed, and {} is set but empty, so no key was given to open them",
                    crate::cli::KEY_ENV
                ),
            )
            .with_hint(format!(
                "set {} to the custodian's private key file (two shares: a.key:b.key), or pass --key FILE",
                crate::cli::KEY_ENV
            )),
        ],
    }
}

fn ordinal(i: usize) -> Result<u32> {
    u32::try_from(i).map_err(|_| Error::msg("too many input files"))
}

/// Reads every input and hands every used response to one of `sinks` (one
/// worker thread each; batches of rows are spread over them, and each sink
/// sees its rows in reading order, so a single sink sees them all in
/// order: file by file, row by row). Returns the reconciliation and the
/// sinks. Input that cannot be read (not found, wrong encoding, dates that
/// cannot be ordered) is an `Err`; everything else is counted in the
/// reconciliation.
pub fn read_responses<S: Sink>(
    survey: &Survey,
    inputs: &[PathBuf],
    opts: &ReadOptions,
    sinks: Vec<S>,
) -> Result<(Reconciliation, Vec<S>)> {
    let extra = match &opts.map {
        Some(p) => headers::load_map(p)?,
        None => Default::default(),
    };
    let mut catalog = Catalog::new(survey, &extra)?;
    catalog.accept(&opts.accept_fingerprints);
    let encoding = opts
        .encoding
        .as_deref()
        .map(encoding::parse_label)
        .transpose()?;
    let show = opts.progress && std::io::stderr().is_terminal();
    let key = opts
        .key
        .as_deref()
        .map(crate::seal::load_private_key)
        .transpose()?;
    match (&key, opts.key.as_deref()) {
        (Some(k), Some(path)) => check_key(survey, k, path, opts.key_source)?,
        _ if survey.collection == crate::survey::Collection::Sealed
            && opts.key_source == crate::cli::KeySource::EmptyEnv =>
        {
            return Err(empty_key_env(&survey.path));
        }
        _ => {}
    }
    let mut run = file::Run {
        catalog: &catalog,
        opts,
        encoding,
        keys: dedup::Keys::default(),
        rec: Reconciliation::default(),
        mapped: BTreeSet::new(),
        bar: show.then(|| progress_bar(inputs)),
        key,
    };
    let fresh: Option<Vec<S>> = sinks.iter().map(Sink::fresh).collect();
    let sinks = match fresh {
        Some(fresh) if !sinks.is_empty() => read_once(&mut run, inputs, sinks, fresh)?,
        _ => read_twice(&mut run, inputs, sinks)?,
    };
    if let Some(bar) = &run.bar {
        bar.finish_and_clear();
    }
    let mut rec = run.rec;
    rec.questions_without_column = catalog
        .questions
        .iter()
        .enumerate()
        .filter(|(i, _)| !run.mapped.contains(i))
        .map(|(_, q)| q.q.id.clone())
        .collect();
    Ok((rec, sinks))
}
