//! `farvel build` (placeholder until its issue lands).

use crate::cli::{BuildArgs, EXIT_FAILED};

pub fn run(_args: &BuildArgs) -> u8 {
    eprintln!("error: farvel build is not available yet");
    EXIT_FAILED
}

pub fn export_theme(_dir: &std::path::Path) -> u8 {
    eprintln!("error: farvel theme export is not available yet");
    EXIT_FAILED
}
