//! `farvel new` (placeholder until its issue lands).

use crate::cli::{EXIT_FAILED, NewArgs};

pub fn run(_args: &NewArgs) -> u8 {
    eprintln!("error: farvel new is not available yet");
    EXIT_FAILED
}
