//! `farvel ingest` (placeholder until its issue lands).

use crate::cli::{EXIT_FAILED, IngestArgs};

pub fn run(_args: &IngestArgs) -> u8 {
    eprintln!("error: farvel ingest is not available yet");
    EXIT_FAILED
}
