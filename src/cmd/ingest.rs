//! `farvel ingest SURVEY CSV… [--out FILE]`: read exports, print the
//! reconciliation on stderr, and optionally write the normalised CSV.
//! Exit 0 when the run completed, 1 with `--strict` when anything was set
//! aside or rejected or a question had no column, and 1 (writing nothing)
//! when rows name other versions of the survey and none names this one, 2
//! when input was unreadable.

use crate::answers::Granularity;
use crate::cli::{EXIT_OK, EXIT_PROBLEMS, IngestArgs, IngestPeriod};
use crate::error::Error;
use crate::responses::normal::NormalWriter;
use crate::responses::{Catalog, Coded, ReadOptions, Sink, read_responses};

/// The normalised writer as a sink; the first write error is kept.
struct Normal<'s> {
    writer: Option<NormalWriter<'s>>,
    failed: Option<Error>,
}

impl Sink for Normal<'_> {
    fn push(&mut self, row: &Coded, cat: &Catalog) {
        if let (Some(w), None) = (self.writer.as_mut(), &self.failed)
            && let Err(e) = w.push(&row.to_response(cat))
        {
            self.failed = Some(e);
        }
    }

    /// The writer keeps every row it is given, so it is fed only rows
    /// known to be kept.
    fn fresh(&self) -> Option<Self> {
        None
    }
}

pub fn run(args: &IngestArgs) -> u8 {
    if let Some(out) = &args.out {
        let mut inputs: Vec<&std::path::Path> = vec![args.survey.as_path()];
        inputs.extend(args.inputs.iter().map(|p| p.as_path()));
        inputs.extend(args.read.key.as_deref());
        inputs.extend(args.read.map.as_deref());
        let outputs = [(out.as_path(), crate::fsutil::Output::File)];
        if let Err(e) = crate::fsutil::guard_outputs(&outputs, &inputs) {
            return super::fail(&e);
        }
    }
    let survey = match crate::survey::load_survey(&args.survey) {
        Ok(s) => s,
        Err(e) => return super::fail_reading(&e, &args.survey),
    };
    let g = match args.period {
        IngestPeriod::Quarter => Granularity::Quarter,
        IngestPeriod::Half => Granularity::Half,
        IngestPeriod::Year => Granularity::Year,
    };
    let opts = match ReadOptions::from_args(&args.read, g) {
        Ok(o) => o,
        Err(e) => return super::fail_reading(&e, &args.survey),
    };
    let sink = Normal {
        writer: args.out.as_deref().map(|p| NormalWriter::new(&survey, p)),
        failed: None,
    };
    // One sink, so the writer sees every row (it sorts them anyway).
    let (rec, writer) = match read_responses(&survey, &args.inputs, &opts, vec![sink]) {
        Ok((rec, mut sinks)) => match sinks.pop() {
            Some(Normal {
                failed: Some(e), ..
            }) => return super::fail_reading(&e, &args.survey),
            Some(s) => (rec, s.writer),
            None => (rec, None),
        },
        Err(e) => return super::fail_reading(&e, &args.survey),
    };
    eprint!("{}", rec.render());
    if rec.no_version_matches() {
        eprint!(
            "{}",
            rec.other_versions_error(&args.survey, survey.short_fingerprint())
        );
        if let Some(path) = &args.out {
            eprintln!("nothing written to {}", path.display());
        }
        return EXIT_PROBLEMS;
    }
    if let (Some(w), Some(path)) = (writer, &args.out) {
        match w.finish() {
            Ok(n) => eprintln!(
                "wrote {n} response(s) to {} (owner-only: it is microdata)",
                path.display()
            ),
            Err(e) => return super::fail_reading(&e, &args.survey),
        }
    }
    if args.strict && rec.has_losses() {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    }
}
