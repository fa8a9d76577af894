//! The `show_if` condition language: a parser producing a typed AST with
//! byte spans (so diagnostics can point inside the expression), the type
//! checker run against the questions before the condition's own, and the
//! evaluator shared by ingest and (in JSON form) the page's script.

mod ast;
mod check;
mod eval;
mod parse;

pub use ast::*;
pub use check::{ExprProblem, check};
pub use eval::{SetRef, Value, Visibility, evaluate, lookup, visible_questions};
pub use parse::{ParseError, parse};
