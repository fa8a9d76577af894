//! `farvel schema` (placeholder until its issue lands).

use crate::cli::{EXIT_FAILED, SchemaArgs};

pub fn run(_args: &SchemaArgs) -> u8 {
    eprintln!("error: farvel schema is not available yet");
    EXIT_FAILED
}
