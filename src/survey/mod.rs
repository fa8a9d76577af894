//! Survey definitions: YAML text + path in, a validated [`Survey`] out, or
//! every problem found, each with path:line:col.

pub mod expr;
pub mod fingerprint;
pub mod keys;
mod lower;
pub mod model;
pub mod raw;
pub mod schema;
pub mod slug;

use std::path::Path;

pub use lower::SCALE_PRESETS;
pub use model::*;

use crate::diag::{Diagnostic, Pos};
use crate::error::{Error, Result};

/// Load and validate a survey file.
pub fn load_survey(path: &Path) -> Result<Survey> {
    let source = crate::fsutil::read_to_string(path)?;
    parse_survey(&source, path)
}

/// Validate and build a survey from its text (`path` names it in messages).
pub fn parse_survey(source: &str, path: &Path) -> Result<Survey> {
    let raw: raw::RawSurvey = serde_yaml::from_str(source).map_err(|e| {
        let pos = e.location().map(|l| Pos {
            line: l.line(),
            col: l.column(),
        });
        Error::Invalid {
            path: path.to_path_buf(),
            diagnostics: vec![Diagnostic::error(path, pos, e.to_string())],
        }
    })?;
    lower::lower(raw, path)
}
