//! `show_if` checks: parse the expression, map its spans to the file, and
//! type-check it against the questions before the question.
//!
//! [`expr_check`] is a stand-in with the signature of
//! `survey::expr::check`, which the `expr` branch provides; once merged, the
//! call site switches to that one and this function goes.

use super::Ctx;
use super::keys::did_you_mean;
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

/// Type-check a condition against the questions before it.
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

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

fn show(l: &Literal) -> String {
    match l {
        Literal::Number(n) => format!("{n}"),
        Literal::Str(s) => format!("'{s}'"),
        Literal::Bool(b) => format!("{b}"),
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
                if let Some(q) = self.resolve(r)
                    && matches!(q.kind, Kind::Info)
                {
                    let msg = format!("'{}' is an info block and has no answer", q.id);
                    self.problem(r.span, msg, None);
                }
            }
            Expr::Compare {
                target,
                op,
                value,
                value_span,
            } => self.compare(target, Some(*op), &[(value.clone(), *value_span)]),
            Expr::InList { target, values } => self.compare(target, None, values),
            Expr::Contains {
                value,
                value_span,
                target,
            } => self.contains(target, value, *value_span),
        }
    }

    /// The question a reference names, reporting what is wrong with it.
    fn resolve(&mut self, r: &Ref) -> Option<&'a Question> {
        if r.question == self.own_id {
            let msg = format!("show_if of '{}' refers to the question itself", r.question);
            self.problem(r.span, msg, None);
            return None;
        }
        let Some(q) = self.earlier.iter().copied().find(|q| q.id == r.question) else {
            let tail = did_you_mean(&r.question, self.earlier.iter().map(|q| q.id.as_str()));
            let msg = format!("unknown question '{}'{tail}", r.question);
            self.problem(r.span, msg, None);
            return None;
        };
        match (&q.kind, &r.row) {
            (Kind::Matrix { rows, .. }, Some(row)) if !rows.contains_key(row) => {
                let names: Vec<&str> = rows.keys().map(String::as_str).collect();
                let tail = did_you_mean(row, names.iter().copied());
                let msg = format!(
                    "'{row}' is not a row of '{}' ({}){tail}",
                    q.id,
                    names.join(", ")
                );
                self.problem(r.span, msg, None);
                None
            }
            (Kind::Matrix { .. }, _) => Some(q),
            (_, Some(row)) => {
                let msg = format!(
                    "'{}' is a {} question and has no row '{row}'",
                    q.id,
                    q.kind.name()
                );
                self.problem(r.span, msg, None);
                None
            }
            _ => Some(q),
        }
    }

    fn compare(&mut self, target: &Ref, op: Option<CmpOp>, values: &[(Literal, Span)]) {
        let Some(q) = self.resolve(target) else {
            return;
        };
        let whole = values.iter().fold(target.span, |s, (_, v)| join(s, *v));
        let id = &q.id;
        let equality = matches!(op, None | Some(CmpOp::Eq | CmpOp::Ne));
        let opname = op.map_or("in", CmpOp::symbol);
        match &q.kind {
            Kind::Choice { .. } | Kind::YesNo => {
                if !equality {
                    let msg = format!(
                        "'{opname}' does not fit '{id}', a {} question",
                        q.kind.name()
                    );
                    self.problem(whole, msg, Some("use == or != (or 'in [...]')".into()));
                    return;
                }
                let options: Vec<&str> = match &q.kind {
                    Kind::YesNo => vec!["yes", "no"],
                    k => k.option_values(),
                };
                for (lit, span) in values {
                    self.option_literal(id, &options, lit, *span);
                }
            }
            Kind::Scale { .. } | Kind::Nps | Kind::Number { .. } | Kind::Matrix { .. } => {
                if let (Kind::Matrix { rows, .. }, None) = (&q.kind, &target.row) {
                    let first = rows.keys().next().map_or("row", String::as_str);
                    let msg =
                        format!("'{id}' is a matrix: compare one of its rows, e.g. {id}.{first}");
                    self.problem(target.span, msg, None);
                    return;
                }
                for (lit, span) in values {
                    self.number_literal(q, lit, *span);
                }
            }
            Kind::Multi { .. } => {
                let msg = format!("'{opname}' does not fit '{id}', a multi question");
                self.problem(
                    whole,
                    msg,
                    Some(format!("ask whether an option was ticked: 'value' in {id}")),
                );
            }
            k => {
                let msg = format!("'{opname}' does not fit '{id}', a {} question", k.name());
                self.problem(whole, msg, Some(format!("only answered({id}) works on it")));
            }
        }
    }

    fn option_literal(&mut self, id: &str, options: &[&str], lit: &Literal, span: Span) {
        let list = options.join(", ");
        match lit {
            Literal::Str(s) if options.contains(&s.as_str()) => {}
            Literal::Str(s) => {
                let tail = did_you_mean(s, options.iter().copied());
                self.problem(
                    span,
                    format!("'{s}' is not an option of '{id}' ({list}){tail}"),
                    None,
                );
            }
            other => {
                let msg = format!("{} is not an option of '{id}' ({list})", show(other));
                self.problem(
                    span,
                    msg,
                    Some("option values are strings in quotes".into()),
                );
            }
        }
    }

    fn number_literal(&mut self, q: &Question, lit: &Literal, span: Span) {
        let Literal::Number(n) = lit else {
            let msg = format!("'{}' takes numbers; found {}", q.id, show(lit));
            self.problem(span, msg, None);
            return;
        };
        let (lo, hi) = match &q.kind {
            Kind::Scale { scale, .. } | Kind::Matrix { scale, .. } => {
                (Some(scale.min as f64), Some(scale.max as f64))
            }
            Kind::Nps => (Some(0.0), Some(10.0)),
            Kind::Number { min, max, .. } => (*min, *max),
            _ => (None, None),
        };
        if lo.is_some_and(|lo| *n < lo) || hi.is_some_and(|hi| *n > hi) {
            let range = format!(
                "{}–{}",
                lo.map_or("…".into(), |v| v.to_string()),
                hi.map_or("…".into(), |v| v.to_string())
            );
            let msg = format!("{n} is outside the range of '{}' ({range})", q.id);
            self.problem(span, msg, None);
        }
    }

    fn contains(&mut self, target: &Ref, value: &Literal, value_span: Span) {
        let Some(q) = self.resolve(target) else {
            return;
        };
        if !matches!(q.kind, Kind::Multi { .. }) {
            let msg = format!(
                "'{}' is a {} question; 'value' in q only fits multi questions",
                q.id,
                q.kind.name()
            );
            let hint = matches!(q.kind, Kind::Choice { .. }).then(|| {
                format!(
                    "for a choice question write {} in [...]  or {} == 'value'",
                    q.id, q.id
                )
            });
            self.problem(join(value_span, target.span), msg, hint);
            return;
        }
        self.option_literal(&q.id, &q.kind.option_values(), value, value_span);
    }
}
