//! One module per command: each takes its clap options struct, calls into
//! the library, prints, and returns the exit code.

pub mod build;
pub mod check;
pub mod ingest;
pub mod keys;
pub mod new;
pub mod report;
pub mod schema;

use crate::cli::EXIT_FAILED;

/// Print an error that stopped a command, and return exit code 2.
pub(crate) fn fail(e: &crate::Error) -> u8 {
    eprintln!("error: {e}");
    EXIT_FAILED
}
