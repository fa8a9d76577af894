//! `show_if` checks: parse the expression, map its spans to the file, and
//! type-check it against the questions before the question.
//!
//! [`expr_check`] is a stand-in with the signature of
//! `survey::expr::check`, which the `expr` branch provides; once merged, the
//! call site switches to that one and this function goes.

use super::Ctx;
use super::keys::suggest;
use super::positions::span_pos;
use super::questions::Q;
use super::tree::Node;
use crate::survey::expr::{self, CmpOp, Expr, Literal, Ref, Span};
use crate::survey::model::{Kind, Question};

/// A problem in a condition: a message and the byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprProblem {
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

/// Check `show_if` (text `src`, node `node`) of question `n`.
pub fn show_if(ctx: &mut Ctx, node: &Node, src: &str, qs: &[Q], n: usize) {
    let at = |ctx: &mut Ctx, span: Span, msg: String| {
        let (pos, width) = span_pos(&ctx.chars, node, span.start, span.end);
        ctx.error_at(pos, width, msg);
    };
    let parsed = match expr::parse(src) {
        Ok(e) => e,
        Err(e) => return at(ctx, e.span, format!("show_if syntax: {}", e.message)),
    };
    let own = qs[n].id.as_deref().unwrap_or("");
    let earlier: Vec<&Question> = qs[..n].iter().filter_map(|q| q.model.as_ref()).collect();
    let mut forward: Vec<Span> = Vec::new();
    for r in parsed.refs() {
        let later = qs[n + 1..]
            .iter()
            .any(|q| q.id.as_deref() == Some(&r.question));
        if r.question != own && later && !earlier.iter().any(|q| q.id == r.question) {
            let msg = format!(
                "'{}' comes after {}: show_if may only refer to earlier questions",
                r.question,
                qs[n].label()
            );
            at(ctx, r.span, msg);
            forward.push(r.span);
        }
    }
    for p in expr_check(&parsed, &earlier, own) {
        if forward
            .iter()
            .any(|s| s.start <= p.span.start && p.span.start < s.end.max(s.start + 1))
        {
            continue;
        }
        at(ctx, p.span, p.message);
        if let Some(h) = p.hint {
            ctx.hint(h);
        }
    }
}

/// Type-check a condition against the questions before it. Same messages,
/// hints and spans as the `expr` branch's `survey::expr::check`, but for
/// operator problems, which point at the whole comparison here (this
/// branch's AST has no operator span).
pub fn expr_check(expr: &Expr, earlier: &[&Question], own_id: &str) -> Vec<ExprProblem> {
    let mut c = Checker {
        earlier,
        own_id,
        out: Vec::new(),
    };
    c.walk(expr);
    c.out
}

struct Checker<'a> {
    earlier: &'a [&'a Question],
    own_id: &'a str,
    out: Vec<ExprProblem>,
}

/// How a resolved reference may be compared.
enum Use {
    Options(Vec<String>),
    Multi,
    YesNo,
    Numbers(Option<f64>, Option<f64>),
    AnsweredOnly,
}

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn show(l: &Literal) -> String {
    match l {
        Literal::Number(n) => num(*n),
        Literal::Str(s) => format!("'{s}'"),
        Literal::Bool(b) => format!("{b}"),
    }
}

fn range_text(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("{}–{}", num(a), num(b)),
        (Some(a), None) => format!("{} or more", num(a)),
        (None, Some(b)) => format!("{} or less", num(b)),
        (None, None) => "any number".into(),
    }
}

/// "a scale", "an nps".
fn article(name: &str) -> String {
    let an = name.starts_with(['a', 'e', 'i', 'o', 'u']) || name == "nps";
    format!("{} {name}", if an { "an" } else { "a" })
}

fn name_of(r: &Ref) -> String {
    match &r.row {
        Some(row) => format!("{}.{row}", r.question),
        None => r.question.clone(),
    }
}

fn phrase(q: &Question, r: &Ref) -> String {
    match r.row {
        Some(_) => format!("a row of the matrix '{}'", q.id),
        None => format!("{} question", article(q.kind.name())),
    }
}

fn usage(q: &Question, row: bool) -> Use {
    match &q.kind {
        Kind::Matrix { scale, .. } if row => {
            Use::Numbers(Some(scale.min as f64), Some(scale.max as f64))
        }
        Kind::Scale { scale, .. } => Use::Numbers(Some(scale.min as f64), Some(scale.max as f64)),
        Kind::Nps => Use::Numbers(Some(0.0), Some(10.0)),
        Kind::Number { min, max, .. } => Use::Numbers(*min, *max),
        Kind::Choice { .. } => Use::Options(
            q.kind
                .option_values()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        Kind::Multi { .. } => Use::Multi,
        Kind::YesNo => Use::YesNo,
        _ => Use::AnsweredOnly,
    }
}

impl<'a> Checker<'a> {
    fn problem(&mut self, span: Span, message: String, hint: Option<String>) {
        self.out.push(ExprProblem {
            message,
            span,
            hint,
        });
    }

    fn walk(&mut self, e: &Expr) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                self.walk(a);
                self.walk(b);
            }
            Expr::Not(a) => self.walk(a),
            Expr::Answered(r) => {
                self.resolve(r, true);
            }
            Expr::Compare {
                target,
                op,
                value,
                value_span,
                ..
            } => {
                if let Some(q) = self.resolve(target, false) {
                    self.compare(q, target, *op, value, *value_span);
                }
            }
            Expr::InList { target, values } => {
                if let Some(q) = self.resolve(target, false) {
                    self.in_list(q, target, values);
                }
            }
            Expr::Contains {
                value,
                value_span,
                target,
            } => {
                if let Some(q) = self.resolve(target, false) {
                    self.contains(q, target, value, *value_span);
                }
            }
        }
    }

    /// The question a reference names, reporting what is wrong with it;
    /// `answered` allows a whole matrix.
    fn resolve(&mut self, r: &Ref, answered: bool) -> Option<&'a Question> {
        let name = Span {
            start: r.span.start,
            end: r.span.start + r.question.len(),
        };
        if r.question == self.own_id {
            let msg = format!("'{}' is this question itself", r.question);
            let hint = "a condition may only use the answers to questions before this one";
            self.problem(name, msg, Some(hint.into()));
            return None;
        }
        let Some(q) = self.earlier.iter().copied().find(|q| q.id == r.question) else {
            let ids = self.earlier.iter().map(|q| q.id.as_str());
            let hint = suggest(&r.question, ids).map_or_else(
                || "a condition may only use questions before this one".to_string(),
                |s| format!("did you mean '{s}'?"),
            );
            self.problem(
                name,
                format!("unknown question '{}'", r.question),
                Some(hint),
            );
            return None;
        };
        let id = &q.id;
        match (&q.kind, &r.row) {
            (Kind::Info, _) => {
                let hint = "refer to a question that collects an answer";
                self.problem(
                    r.span,
                    format!("'{id}' is an info text and has no answer"),
                    Some(hint.into()),
                );
                None
            }
            (Kind::Matrix { rows, .. }, Some(row)) if !rows.contains_key(row) => {
                let ids: Vec<&str> = rows.keys().map(String::as_str).collect();
                let hint =
                    suggest(row, ids.iter().copied()).map(|s| format!("did you mean '{id}.{s}'?"));
                let msg = format!("'{row}' is not a row of '{id}' ({})", ids.join(", "));
                self.problem(r.span, msg, hint);
                None
            }
            (Kind::Matrix { rows, .. }, None) if !answered => {
                let first = rows.keys().next().map_or("row", String::as_str);
                let msg = format!("'{id}' is a matrix; compare one of its rows");
                self.problem(r.span, msg, Some(format!("name a row, as in {id}.{first}")));
                None
            }
            (Kind::Matrix { .. }, _) | (_, None) => Some(q),
            (k, Some(_)) => {
                let msg = format!(
                    "'{id}' is {} question and has no rows; only a matrix does",
                    article(k.name())
                );
                self.problem(r.span, msg, None);
                None
            }
        }
    }

    fn compare(&mut self, q: &Question, r: &Ref, op: CmpOp, value: &Literal, span: Span) {
        let whole = join(r.span, span);
        let sym = op.symbol();
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        match usage(q, r.row.is_some()) {
            Use::Options(values) => {
                if !equality {
                    let msg = format!("'{sym}' does not fit a choice question; use == or in [...]");
                    self.problem(whole, msg, None);
                }
                self.option(q, &values, value, span);
            }
            Use::YesNo => {
                if !equality {
                    self.problem(
                        whole,
                        format!("'{sym}' does not fit a yesno question; use == or !="),
                        None,
                    );
                }
                self.yes_no(q, value, span);
            }
            Use::Numbers(lo, hi) => self.number(q, r, lo, hi, value, span),
            Use::Multi => {
                let hint = format!("test one option with 'value' in {}", r.question);
                self.problem(
                    whole,
                    format!("'{sym}' does not fit a multi question"),
                    Some(hint),
                );
            }
            Use::AnsweredOnly => self.answered_only(q, r.span),
        }
    }

    fn in_list(&mut self, q: &Question, r: &Ref, values: &[(Literal, Span)]) {
        let name = &r.question;
        match usage(q, r.row.is_some()) {
            Use::Options(opts) => values
                .iter()
                .for_each(|(v, s)| self.option(q, &opts, v, *s)),
            Use::Numbers(lo, hi) => values
                .iter()
                .for_each(|(v, s)| self.number(q, r, lo, hi, v, *s)),
            Use::YesNo => {
                let msg = format!(
                    "'in [...]' does not fit a yesno question; use {name} == 'yes' or {name} == 'no'"
                );
                self.problem(r.span, msg, None);
            }
            Use::Multi => {
                let hint = format!("test each option with 'value' in {name}");
                self.problem(
                    r.span,
                    "'in [...]' does not fit a multi question".into(),
                    Some(hint),
                );
            }
            Use::AnsweredOnly => self.answered_only(q, r.span),
        }
    }

    fn contains(&mut self, q: &Question, r: &Ref, value: &Literal, span: Span) {
        let name = &r.question;
        match usage(q, r.row.is_some()) {
            Use::Multi => {
                let values: Vec<String> = q
                    .kind
                    .option_values()
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                self.option(q, &values, value, span);
            }
            Use::Options(_) => {
                let msg = format!(
                    "'in {name}' needs a multi question; '{}' is a choice question",
                    q.id
                );
                let hint = format!("use {name} == 'value' or {name} in ['a', 'b']");
                self.problem(r.span, msg, Some(hint));
            }
            Use::AnsweredOnly => self.answered_only(q, r.span),
            _ => {
                let msg = format!(
                    "'in {name}' needs a multi question; '{name}' is {}",
                    phrase(q, r)
                );
                self.problem(r.span, msg, None);
            }
        }
    }

    fn option(&mut self, q: &Question, values: &[String], v: &Literal, span: Span) {
        let Literal::Str(s) = v else {
            let first = values.first().map_or("value", String::as_str);
            let msg = format!("{} is not an option value of '{}'", show(v), q.id);
            self.problem(
                span,
                msg,
                Some(format!("option values are quoted: '{first}'")),
            );
            return;
        };
        if values.iter().any(|x| x == s) {
            return;
        }
        let hint =
            suggest(s, values.iter().map(String::as_str)).map(|b| format!("did you mean '{b}'?"));
        let msg = format!(
            "'{s}' is not an option of '{}' ({})",
            q.id,
            values.join(", ")
        );
        self.problem(span, msg, hint);
    }

    fn yes_no(&mut self, q: &Question, v: &Literal, span: Span) {
        let ok = match v {
            Literal::Str(s) => s == "yes" || s == "no",
            Literal::Bool(_) => true,
            Literal::Number(_) => false,
        };
        if !ok {
            let id = &q.id;
            let msg = format!("{} is not an answer to '{id}' (yes, no)", show(v));
            self.problem(
                span,
                msg,
                Some(format!("write {id} == 'yes' or {id} == 'no'")),
            );
        }
    }

    fn number(
        &mut self,
        q: &Question,
        r: &Ref,
        lo: Option<f64>,
        hi: Option<f64>,
        v: &Literal,
        span: Span,
    ) {
        let name = name_of(r);
        let range = range_text(lo, hi);
        let Literal::Number(n) = v else {
            let msg = format!(
                "{} is not a number; '{name}' is {} ({range})",
                show(v),
                phrase(q, r)
            );
            self.problem(span, msg, Some("numbers are written without quotes".into()));
            return;
        };
        if lo.is_some_and(|lo| *n < lo) || hi.is_some_and(|hi| *n > hi) {
            self.problem(
                span,
                format!("{} is outside the range of '{name}' ({range})", num(*n)),
                None,
            );
        }
    }

    fn answered_only(&mut self, q: &Question, span: Span) {
        let id = &q.id;
        let msg = format!(
            "'{id}' is {} question, which can only be tested with answered()",
            article(q.kind.name())
        );
        self.problem(span, msg, Some(format!("write answered({id})")));
    }
}
