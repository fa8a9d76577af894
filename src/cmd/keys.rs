//! `farvel keys` (placeholder until its issue lands).

use crate::cli::{EXIT_FAILED, KeysCommand};

pub fn run(_cmd: &KeysCommand) -> u8 {
    eprintln!("error: farvel keys is not available yet");
    EXIT_FAILED
}
