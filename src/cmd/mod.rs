//! One module per command: each takes its clap options struct, calls into
//! the library, prints, and returns the exit code.

pub mod build;
pub mod check;
pub mod ingest;
pub mod keys;
pub mod new;
pub mod plan;
pub mod report;
pub mod review;
pub mod schema;

use crate::cli::EXIT_FAILED;

/// Print an error that stopped a command, and return exit code 2.
pub(crate) fn fail(e: &crate::Error) -> u8 {
    eprintln!("error: {e}");
    EXIT_FAILED
}

/// Print an error met while reading a survey and its exports, and return
/// exit code 2. Diagnostics about the survey file show its source line;
/// those about an export never do (that line is someone's answers).
pub(crate) fn fail_reading(e: &crate::Error, survey: &std::path::Path) -> u8 {
    match e {
        crate::Error::Invalid { diagnostics, .. } => {
            for d in diagnostics {
                let source = (d.path == survey)
                    .then(|| std::fs::read_to_string(&d.path).ok())
                    .flatten();
                eprint!("{}", d.render(source.as_deref()));
            }
            EXIT_FAILED
        }
        other => fail(other),
    }
}
