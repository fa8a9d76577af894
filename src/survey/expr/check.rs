//! The type checker for `show_if`: takes a parsed [`Expr`], the questions
//! before the one it belongs to, and that question's id; returns every
//! problem found (unknown, later or own question, wrong operator for the
//! type, value that is not an option, number out of range), each with the
//! byte span inside the expression and, where it helps, a hint.
//!
//! The rules (see `docs/survey-format.md`, "Conditions"): `choice` takes
//! `==`/`!=` and `in [...]` against its option values; `multi` only
//! `'v' in q`; `scale`, `nps`, `number` and matrix rows take all six
//! operators (and `in [...]`) against numbers in their range; `yesno` takes
//! `==`/`!=` against `'yes'`/`'no'` (or `true`/`false`); `date`, `text` and
//! `ranking` only `answered()`. `info` has no answer. A matrix is compared
//! one row at a time (`q.row`); other types have no rows.

use super::ast::*;
use crate::survey::model::{Kind, Question};

/// One problem in a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprProblem {
    pub message: String,
    /// Byte range inside the expression string.
    pub span: Span,
    pub hint: Option<String>,
}

impl ExprProblem {
    fn new(message: String, span: Span) -> Self {
        ExprProblem {
            message,
            span,
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Check `expr` against the questions before its own (`earlier`, in survey
/// order); `own_id` is the id of the question the condition belongs to.
pub fn check(expr: &Expr, earlier: &[&Question], own_id: &str) -> Vec<ExprProblem> {
    let mut out = Vec::new();
    Checker {
        earlier,
        own_id,
        out: &mut out,
    }
    .expr(expr);
    out
}

/// What a reference points at, once resolved.
enum Target<'a> {
    /// A whole question (any type but matrix, or a matrix in `answered()`).
    Question(&'a Question),
    /// One row of a matrix.
    Row(&'a Question),
}

struct Checker<'a, 'o> {
    earlier: &'a [&'a Question],
    own_id: &'a str,
    out: &'o mut Vec<ExprProblem>,
}

impl<'a> Checker<'a, '_> {
    fn push(&mut self, p: ExprProblem) {
        self.out.push(p);
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Not(a) => self.expr(a),
            Expr::Answered(r) => {
                self.resolve(r, true);
            }
            Expr::Compare {
                target,
                op,
                op_span,
                value,
                value_span,
            } => {
                if let Some(t) = self.resolve(target, false) {
                    self.compare(&t, target, *op, *op_span, value, *value_span);
                }
            }
            Expr::Contains {
                value,
                value_span,
                target,
            } => {
                if let Some(t) = self.resolve(target, false) {
                    self.contains(&t, target, value, *value_span);
                }
            }
            Expr::InList { target, values } => {
                if let Some(t) = self.resolve(target, false) {
                    self.in_list(&t, target, values);
                }
            }
        }
    }

    /// Find the question a reference names and check its row part.
    /// `answered` allows a whole matrix.
    fn resolve(&mut self, r: &Ref, answered: bool) -> Option<Target<'a>> {
        let name_span = Span {
            start: r.span.start,
            end: r.span.start + r.question.len(),
        };
        if r.question == self.own_id {
            self.push(
                ExprProblem::new(
                    format!("'{}' is this question itself", r.question),
                    name_span,
                )
                .hint("a condition may only use the answers to questions before this one"),
            );
            return None;
        }
        let Some(q) = self.earlier.iter().copied().find(|q| q.id == r.question) else {
            let p = ExprProblem::new(format!("unknown question '{}'", r.question), name_span);
            let hint = match suggest(&r.question, self.earlier.iter().map(|q| q.id.as_str())) {
                Some(s) => format!("did you mean '{s}'?"),
                None => "a condition may only use questions before this one".to_string(),
            };
            self.push(p.hint(hint));
            return None;
        };
        if matches!(q.kind, Kind::Info) {
            self.push(
                ExprProblem::new(
                    format!("'{}' is an info text and has no answer", q.id),
                    r.span,
                )
                .hint("refer to a question that collects an answer"),
            );
            return None;
        }
        match (&q.kind, &r.row) {
            (Kind::Matrix { rows, .. }, Some(row)) => {
                if rows.contains_key(row) {
                    Some(Target::Row(q))
                } else {
                    let ids: Vec<&str> = rows.keys().map(String::as_str).collect();
                    let mut p = ExprProblem::new(
                        format!("'{row}' is not a row of '{}' ({})", q.id, ids.join(", ")),
                        r.span,
                    );
                    if let Some(s) = suggest(row, ids.iter().copied()) {
                        p = p.hint(format!("did you mean '{}.{s}'?", q.id));
                    }
                    self.push(p);
                    None
                }
            }
            (Kind::Matrix { rows, .. }, None) if !answered => {
                let first = rows.keys().next().map_or("row", String::as_str);
                self.push(
                    ExprProblem::new(
                        format!("'{}' is a matrix; compare one of its rows", q.id),
                        r.span,
                    )
                    .hint(format!("name a row, as in {}.{first}", q.id)),
                );
                None
            }
            (_, Some(_)) if !matches!(q.kind, Kind::Matrix { .. }) => {
                self.push(ExprProblem::new(
                    format!(
                        "'{}' is {} question and has no rows; only a matrix does",
                        q.id,
                        article(q.kind.name())
                    ),
                    r.span,
                ));
                None
            }
            _ => Some(Target::Question(q)),
        }
    }

    fn compare(
        &mut self,
        t: &Target<'_>,
        r: &Ref,
        op: CmpOp,
        op_span: Span,
        value: &Literal,
        value_span: Span,
    ) {
        let q = target_question(t);
        match comparable(t) {
            Comparable::Options(values) => {
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.push(ExprProblem::new(
                        format!(
                            "'{}' does not fit a choice question; use == or in [...]",
                            op.symbol()
                        ),
                        op_span,
                    ));
                }
                self.option_value(q, &values, value, value_span);
            }
            Comparable::YesNo => {
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.push(ExprProblem::new(
                        format!(
                            "'{}' does not fit a yesno question; use == or !=",
                            op.symbol()
                        ),
                        op_span,
                    ));
                }
                self.yes_no_value(q, value, value_span);
            }
            Comparable::Numbers(range) => {
                self.number_value(&ref_name(r), t, &range, value, value_span)
            }
            Comparable::Multi => self.push(
                ExprProblem::new(
                    format!("'{}' does not fit a multi question", op.symbol()),
                    op_span,
                )
                .hint(format!("test one option with 'value' in {}", r.question)),
            ),
            Comparable::AnsweredOnly => self.answered_only(q, r.span),
        }
    }

    fn contains(&mut self, t: &Target<'_>, r: &Ref, value: &Literal, value_span: Span) {
        let q = target_question(t);
        match comparable(t) {
            Comparable::Multi => {
                let values = q.kind.option_values();
                self.option_value(q, &values, value, value_span);
            }
            Comparable::Options(_) => self.push(
                ExprProblem::new(
                    format!(
                        "'in {}' needs a multi question; '{}' is a choice question",
                        r.question, q.id
                    ),
                    r.span,
                )
                .hint(format!(
                    "use {} == 'value' or {} in ['a', 'b']",
                    r.question, r.question
                )),
            ),
            Comparable::AnsweredOnly => self.answered_only(q, r.span),
            _ => self.push(ExprProblem::new(
                format!(
                    "'in {}' needs a multi question; '{}' is {}",
                    r.question,
                    r.question,
                    kind_phrase(t)
                ),
                r.span,
            )),
        }
    }

    fn in_list(&mut self, t: &Target<'_>, r: &Ref, values: &[(Literal, Span)]) {
        let q = target_question(t);
        match comparable(t) {
            Comparable::Options(opts) => {
                for (v, s) in values {
                    self.option_value(q, &opts, v, *s);
                }
            }
            Comparable::Numbers(range) => {
                for (v, s) in values {
                    self.number_value(&ref_name(r), t, &range, v, *s);
                }
            }
            Comparable::YesNo => self.push(ExprProblem::new(
                format!(
                    "'in [...]' does not fit a yesno question; use {} == 'yes' or {} == 'no'",
                    r.question, r.question
                ),
                r.span,
            )),
            Comparable::Multi => self.push(
                ExprProblem::new(
                    "'in [...]' does not fit a multi question".to_string(),
                    r.span,
                )
                .hint(format!("test each option with 'value' in {}", r.question)),
            ),
            Comparable::AnsweredOnly => self.answered_only(q, r.span),
        }
    }

    fn option_value(&mut self, q: &Question, values: &[&str], v: &Literal, span: Span) {
        let Literal::Str(s) = v else {
            self.push(
                ExprProblem::new(
                    format!("{} is not an option value of '{}'", literal_text(v), q.id),
                    span,
                )
                .hint(format!(
                    "option values are quoted: '{}'",
                    values.first().unwrap_or(&"value")
                )),
            );
            return;
        };
        if values.contains(&s.as_str()) {
            return;
        }
        let mut p = ExprProblem::new(
            format!(
                "'{s}' is not an option of '{}' ({})",
                q.id,
                values.join(", ")
            ),
            span,
        );
        if let Some(best) = suggest(s, values.iter().copied()) {
            p = p.hint(format!("did you mean '{best}'?"));
        }
        self.push(p);
    }

    fn yes_no_value(&mut self, q: &Question, v: &Literal, span: Span) {
        let ok = match v {
            Literal::Str(s) => s == "yes" || s == "no",
            Literal::Bool(_) => true,
            Literal::Number(_) => false,
        };
        if !ok {
            self.push(
                ExprProblem::new(
                    format!(
                        "{} is not an answer to '{}' (yes, no)",
                        literal_text(v),
                        q.id
                    ),
                    span,
                )
                .hint(format!("write {} == 'yes' or {} == 'no'", q.id, q.id)),
            );
        }
    }

    /// `name` is the reference as written (`workload`, `culture.respect`).
    fn number_value(&mut self, name: &str, t: &Target<'_>, range: &Range, v: &Literal, span: Span) {
        let Literal::Number(n) = v else {
            self.push(
                ExprProblem::new(
                    format!(
                        "{} is not a number; '{}' is {} ({})",
                        literal_text(v),
                        name,
                        kind_phrase(t),
                        range
                    ),
                    span,
                )
                .hint("numbers are written without quotes"),
            );
            return;
        };
        if !range.contains(*n) {
            self.push(ExprProblem::new(
                format!("{} is outside the range of '{name}' ({range})", fmt_num(*n)),
                span,
            ));
        }
    }

    fn answered_only(&mut self, q: &Question, span: Span) {
        self.push(
            ExprProblem::new(
                format!(
                    "'{}' is {} question, which can only be tested with answered()",
                    q.id,
                    article(q.kind.name())
                ),
                span,
            )
            .hint(format!("write answered({})", q.id)),
        );
    }
}

/// How a resolved reference may be compared.
enum Comparable<'a> {
    Options(Vec<&'a str>),
    Multi,
    YesNo,
    Numbers(Range),
    AnsweredOnly,
}

fn target_question<'a>(t: &Target<'a>) -> &'a Question {
    match t {
        Target::Question(q) | Target::Row(q) => q,
    }
}

fn comparable<'a>(t: &Target<'a>) -> Comparable<'a> {
    let q = target_question(t);
    match (&q.kind, t) {
        (Kind::Matrix { scale, .. }, Target::Row(_)) | (Kind::Scale { scale, .. }, _) => {
            Comparable::Numbers(Range {
                min: Some(scale.min as f64),
                max: Some(scale.max as f64),
            })
        }
        (Kind::Nps, _) => Comparable::Numbers(Range {
            min: Some(0.0),
            max: Some(10.0),
        }),
        (Kind::Number { min, max, .. }, _) => Comparable::Numbers(Range {
            min: *min,
            max: *max,
        }),
        (Kind::Choice { .. }, _) => Comparable::Options(q.kind.option_values()),
        (Kind::Multi { .. }, _) => Comparable::Multi,
        (Kind::YesNo, _) => Comparable::YesNo,
        _ => Comparable::AnsweredOnly,
    }
}

/// A reference as written: `workload`, `culture.respect`.
fn ref_name(r: &Ref) -> String {
    match &r.row {
        Some(row) => format!("{}.{row}", r.question),
        None => r.question.clone(),
    }
}

/// "a scale question", "a row of the matrix 'culture'", …
fn kind_phrase(t: &Target<'_>) -> String {
    match t {
        Target::Row(q) => format!("a row of the matrix '{}'", q.id),
        Target::Question(q) => format!("{} question", article(q.kind.name())),
    }
}

/// "a scale", "an nps".
fn article(name: &str) -> String {
    let an = matches!(
        name.as_bytes().first(),
        Some(b'a' | b'e' | b'i' | b'o' | b'u')
    ) || name == "nps";
    format!("{} {name}", if an { "an" } else { "a" })
}

/// A closed, half-open or open range of numbers.
struct Range {
    min: Option<f64>,
    max: Option<f64>,
}

impl Range {
    fn contains(&self, n: f64) -> bool {
        self.min.is_none_or(|m| n >= m) && self.max.is_none_or(|m| n <= m)
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(a), Some(b)) => write!(f, "{}–{}", fmt_num(a), fmt_num(b)),
            (Some(a), None) => write!(f, "{} or more", fmt_num(a)),
            (None, Some(b)) => write!(f, "{} or less", fmt_num(b)),
            (None, None) => write!(f, "any number"),
        }
    }
}

/// A number as written: `7`, not `7.0`.
fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn literal_text(v: &Literal) -> String {
    match v {
        Literal::Number(n) => fmt_num(*n),
        Literal::Str(s) => format!("'{s}'"),
        Literal::Bool(b) => b.to_string(),
    }
}

/// The closest candidate by edit distance, if it is close enough to be a typo.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
