//! The `show_if` condition language: a parser producing a typed AST with
//! byte spans (so diagnostics can point inside the expression).

mod ast;
mod parse;

pub use ast::*;
pub use parse::{ParseError, parse};
