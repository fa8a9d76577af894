//! Survey definitions: YAML text + path in, a validated [`Survey`] out, or
//! every problem found, each with path:line:col.
//!
//! [`check_survey`] validates a position-keeping tree first
//! ([`validate`]), collecting every error and warning; only a file without
//! errors is then read by serde ([`raw`], from that same tree by
//! `tree_de`) and lowered into the model.

pub mod expr;
pub mod fingerprint;
pub mod keys;
mod lower;
pub mod model;
pub mod raw;
pub mod schema;
pub mod slug;
mod tree_de;
pub mod validate;

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
/// Fails only on errors ([`Error::Invalid`] then holds the warnings too).
pub fn parse_survey(source: &str, path: &Path) -> Result<Survey> {
    match check_survey(source, path) {
        (Some(survey), _) => Ok(survey),
        (None, diagnostics) => Err(Error::Invalid {
            path: path.to_path_buf(),
            diagnostics,
        }),
    }
}

/// Validate a survey's text: the survey (if it has no errors) and every
/// error and warning, sorted by position.
pub fn check_survey(source: &str, path: &Path) -> (Option<Survey>, Vec<Diagnostic>) {
    // A byte-order mark is no part of the first key.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (mut diags, document) = validate::validate_document(source, path);
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let raw = match read_raw(source, document) {
        Ok(r) => r,
        Err(e) => {
            let pos = e.location().map(|l| Pos {
                line: l.line(),
                col: l.column(),
            });
            diags.push(Diagnostic::error(path, pos, e.to_string()));
            return (None, diags);
        }
    };
    match lower::lower(raw, path) {
        Ok(s) => (Some(s), diags),
        Err(e) => {
            diags.push(Diagnostic::error(path, None, e.to_string()));
            (None, diags)
        }
    }
}

/// The raw survey of a file without errors, read from the tree validation
/// loaded. serde_yaml parses the text again only for what that reader
/// leaves to it (YAML tags) or refuses, so that its reading and its error
/// message, with line and column, are the ones users see.
fn read_raw(
    source: &str,
    document: Option<validate::tree::Document>,
) -> std::result::Result<raw::RawSurvey, serde_yaml::Error> {
    if let Some(validate::tree::Document {
        root: Some(root),
        tagged: false,
    }) = &document
        && let Ok(raw) = tree_de::from_node(root)
    {
        return Ok(raw);
    }
    serde_yaml::from_str(source)
}
