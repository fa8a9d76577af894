//! farvel compiles survey definitions written in YAML into self-contained
//! static HTML forms, and turns the CSV exports of form services into a
//! findings report in which no figure can betray a respondent.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! surveys/*.yaml ─survey─▶ Survey ─form─▶ dist/<id>/index.html
//! export CSVs ─responses─▶ Responses ─report─▶ report.md, report.html
//! ```

pub mod answers;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod endpoint;
pub mod error;
pub mod form;
pub mod fsutil;
pub mod i18n;
pub mod markdown;
pub mod plan;
pub mod report;
pub mod responses;
pub mod seal;
pub mod survey;
pub mod theme;

pub use error::{Error, Result};

/// How many worker threads farvel uses: one per core, at most 8 (reading
/// rows and building surveys alike).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8))
}
