//! `show_if` checks: parse the expression, map its spans to the file, and
//! type-check it against the questions before the question with
//! [`expr::check`].

use super::Ctx;
use super::positions::span_pos;
use super::questions::Q;
use super::tree::Node;
use crate::survey::expr::{self, Span};
use crate::survey::model::Question;

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
    for p in expr::check(&parsed, &earlier, own) {
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
