//! Validation of a survey file before serde reads it: the text is loaded
//! into a position-keeping tree ([`tree`]) and checked by hand, collecting
//! every problem — errors and anonymity warnings — as [`Diagnostic`]s with
//! line, column and width. Takes the file's text and path; returns the
//! diagnostics sorted by position.

mod condition;
mod endpoint;
mod expected;
mod keys;
mod kinds;
mod lenient;
mod pattern;
mod positions;
mod questions;
pub mod tree;
mod warnings;

use std::path::Path;

use crate::diag::{Diagnostic, Pos};
use keys::*;
use tree::Node;

/// Validate a survey's text; every error and warning, sorted by position.
pub fn validate(source: &str, path: &Path) -> Vec<Diagnostic> {
    validate_document(source, path).0
}

/// Validate a survey's text: every error and warning, sorted by position,
/// and the loaded document (`None` when the text is not YAML), which
/// `crate::survey::tree_de` reads into the model.
pub fn validate_document(source: &str, path: &Path) -> (Vec<Diagnostic>, Option<tree::Document>) {
    let mut ctx = Ctx {
        path,
        chars: source.chars().collect(),
        diags: Vec::new(),
        languages: vec!["en".into()],
    };
    let loaded = tree::load_document(source, &ctx.chars);
    let document = match loaded {
        Err(e) => {
            ctx.error_at(e.pos, 1, e.message);
            None
        }
        Ok(doc) => {
            match &doc.root {
                None => ctx.diags.push(Diagnostic::error(
                    path,
                    None,
                    "the file is empty; a survey needs at least title, endpoint and sections",
                )),
                Some(root) => survey(&mut ctx, root),
            }
            Some(doc)
        }
    };
    let mut diags = ctx.diags;
    diags.sort_by_key(|d| d.pos);
    (diags, document)
}

/// Shared state of one file's validation.
pub(crate) struct Ctx<'a> {
    pub path: &'a Path,
    /// The source as chars (node indexes are char indexes).
    pub chars: Vec<char>,
    pub diags: Vec<Diagnostic>,
    /// The survey's languages (default `[en]`).
    pub languages: Vec<String>,
}

impl Ctx<'_> {
    pub fn error(&mut self, node: &Node, message: impl Into<String>) {
        self.error_at(node.pos, node.width, message);
    }

    pub fn error_at(&mut self, pos: Pos, width: usize, message: impl Into<String>) {
        let d = Diagnostic::error(self.path, Some(pos), message).with_width(width);
        self.diags.push(d);
    }

    pub fn warn(&mut self, node: Option<&Node>, message: impl Into<String>) {
        let d = Diagnostic::warning(self.path, node.map(|n| n.pos), message)
            .with_width(node.map_or(1, |n| n.width));
        self.diags.push(d);
    }

    pub fn warn_at(&mut self, pos: Pos, width: usize, message: impl Into<String>) {
        let d = Diagnostic::warning(self.path, Some(pos), message).with_width(width);
        self.diags.push(d);
    }

    /// Attach a hint to the last diagnostic.
    pub fn hint(&mut self, hint: impl Into<String>) {
        if let Some(d) = self.diags.last_mut() {
            d.hint = Some(hint.into());
        }
    }

    pub fn multilingual(&self) -> bool {
        self.languages.len() > 1
    }
}

fn survey(ctx: &mut Ctx, root: &Node) {
    for d in tree::duplicate_keys(root) {
        let name = d.key.text().unwrap_or("");
        let what = match d.parent {
            Some("options") => "option value",
            Some("rows") => "row id",
            Some("labels") => "label",
            Some("entries") => "entry",
            _ => "key",
        };
        let msg = format!("duplicate {what} '{name}' (first at line {})", d.first_line);
        ctx.error(d.key, msg);
    }
    if root.entries().is_none() {
        let msg = format!(
            "a survey file must be a map of keys (title, endpoint, sections, …), found {}",
            root.describe()
        );
        ctx.error(root, msg);
        return;
    }
    unknown_keys(ctx, root, &names(crate::survey::keys::TOP_KEYS), &|_| None);
    languages(ctx, root);
    if let Some(v) = root.get("id")
        && let Some(id) = str_of(ctx, v, "id")
        && !is_survey_id(id)
    {
        ctx.error(v, format!("'{id}' is not a valid survey id"));
        ctx.hint("use lower-case letters, digits, '-' and '_', starting with a letter or digit");
    }
    if let Some(t) = required(ctx, root, "title", root, ": a survey needs a title") {
        text(ctx, t, "the title");
    }
    for (key, what) in [
        ("intro", "the intro"),
        ("thanks", "the thank-you text"),
        ("custodian", "the custodian"),
    ] {
        if let Some(t) = root.get(key) {
            text(ctx, t, what);
        }
    }
    endpoint::timezone(ctx, root);
    let qs = questions::sections(ctx, root);
    endpoint::endpoint(ctx, root, &qs);
    endpoint::anonymity(ctx, root);
    if let Some(a) = root.get("anonymity").filter(|a| a.entries().is_some()) {
        expected::expected(ctx, a, &qs);
    }
    endpoint::collection(ctx, root);
    endpoint::accept_fingerprints(ctx, root);
    endpoint::columns(ctx, root, &qs);
    endpoint::ui(ctx, root);
    warnings::warnings(ctx, root, &qs);
}

fn is_survey_id(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A language code such as `nb`, `en`, `pt-BR`, `zh-Hant`.
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn languages(ctx: &mut Ctx, root: &Node) {
    let Some(v) = root.get("languages") else {
        return;
    };
    let Some(items) = seq_of(ctx, v, "languages") else {
        return;
    };
    if items.is_empty() {
        ctx.error(
            v,
            "'languages' is empty: list at least one language, e.g. [en]",
        );
        return;
    }
    let mut langs: Vec<String> = Vec::new();
    for item in items {
        let Some(code) = str_of(ctx, item, "a language") else {
            continue;
        };
        if !is_language_code(code) {
            ctx.error(item, format!("'{code}' is not a language code"));
            ctx.hint("use a code such as nb, nn, en, sv, de or pt-BR");
        } else if langs.iter().any(|l| l == code) {
            ctx.error(item, format!("language '{code}' is listed twice"));
        }
        langs.push(code.to_string());
    }
    langs.dedup();
    ctx.languages = langs;
}

#[cfg(test)]
mod tests;
