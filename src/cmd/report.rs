//! `farvel report` (placeholder until its issue lands).

use crate::cli::{EXIT_FAILED, ReportArgs};

pub fn run(_args: &ReportArgs) -> u8 {
    eprintln!("error: farvel report is not available yet");
    EXIT_FAILED
}
