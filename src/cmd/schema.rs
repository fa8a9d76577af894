//! `farvel schema [--out FILE]`: print the survey format's JSON Schema, or
//! write it (atomically) to FILE.

use crate::cli::{EXIT_OK, SchemaArgs};
use crate::survey::schema::schema_text;

pub fn run(args: &SchemaArgs) -> u8 {
    let text = schema_text();
    match &args.out {
        None => {
            print!("{text}");
            EXIT_OK
        }
        Some(path) => match crate::fsutil::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                EXIT_OK
            }
            Err(e) => super::fail(&e),
        },
    }
}
