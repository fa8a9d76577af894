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
pub mod error;
pub mod fsutil;
pub mod report;
pub mod responses;
pub mod seal;
pub mod survey;

pub use error::{Error, Result};
