//! Anonymity warnings (they don't fail `check` unless `--deny-warnings`):
//! no custodian; a question that asks for a name, e-mail or phone number;
//! a `date` without `precision: month`; more than two segments; segment
//! combinations that would split the expected respondents into groups below
//! `min_group`; a segment question with a `show_if` or with `other: true`;
//! a `show_if` that tests a segment question's value; a service that
//! e-mails every submission by default.

use super::Ctx;
use super::keys::{as_bool, as_int};
use super::positions::span_pos;
use super::questions::Q;
use super::tree::Node;
use crate::survey::expr::{self, Expr};
use crate::survey::model::{Kind, Service};

/// Words (bokmål and English) that suggest a question asks for identity.
const IDENTIFYING: &[&str] = &[
    "navn", "name", "e-post", "epost", "email", "e-mail", "telefon", "phone", "mobil",
];

pub fn warnings(ctx: &mut Ctx, root: &Node, qs: &[Q]) {
    if root.entry("custodian").is_none() {
        ctx.warn(
            None,
            "no 'custodian': say who receives the raw answers (not HR, not the manager)",
        );
        ctx.hint("e.g. custodian: the safety representative");
    }
    for q in qs {
        identifying(ctx, q);
        if q.kind == Some("date") && q.node.get("precision").and_then(Node::text) != Some("month") {
            let at = q.node.get("type").unwrap_or(q.node);
            ctx.warn(
                Some(at),
                format!(
                    "{} asks for a full date, which can identify a person",
                    q.label()
                ),
            );
            ctx.hint("add 'precision: month'");
        }
    }
    segments(ctx, root, qs);
    segment_shapes(ctx, qs);
    emailing(ctx, root);
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty())
}

fn identifying(ctx: &mut Ctx, q: &Q) {
    if !matches!(q.kind, Some("text" | "number")) {
        return;
    }
    let mut texts: Vec<&str> = Vec::new();
    if let Some(t) = q.node.get("text") {
        match t.entries() {
            Some(m) => texts.extend(m.iter().filter_map(|(_, v)| v.text())),
            None => texts.extend(t.text()),
        }
    }
    let id = q.id.as_deref().unwrap_or("");
    let hit = texts
        .iter()
        .flat_map(|t| words(t))
        .chain(id.split('_').map(str::to_string))
        .find_map(|w| IDENTIFYING.iter().find(|i| w.starts_with(*i)).copied());
    if let Some(word) = hit {
        let at = q.node.get("id").or(q.node.get("text")).unwrap_or(q.node);
        let msg = format!(
            "{} seems to ask for a name, e-mail or phone number ('{word}')",
            q.label()
        );
        ctx.warn(Some(at), msg);
        ctx.hint("an answer like that identifies the respondent; leave the question out");
    }
}

/// The number of answer groups a segment question makes (+1 for "not answered").
fn groups(q: &Q) -> u64 {
    let n = match q.model.as_ref().map(|m| &m.kind) {
        Some(Kind::YesNo) => 2,
        Some(k) => k.option_values().len(),
        None => 0,
    };
    n as u64 + 1
}

/// The segment questions (`segment: true` on a choice or yesno).
pub(super) fn segment_questions<'q, 'a>(qs: &'q [Q<'a>]) -> Vec<&'q Q<'a>> {
    qs.iter()
        .filter(|q| q.node.get("segment").and_then(as_bool) == Some(true))
        .filter(|q| matches!(q.kind, Some("choice" | "yesno")))
        .collect()
}

fn segments(ctx: &mut Ctx, root: &Node, qs: &[Q]) {
    let segs = segment_questions(qs);
    if let Some(third) = segs.get(2) {
        let at = third.node.get("segment").unwrap_or(third.node);
        ctx.warn(
            Some(at),
            format!(
                "{} segment questions; more than two make small groups",
                segs.len()
            ),
        );
        ctx.hint("keep the two that matter most for the report");
    }
    let anon = root.get("anonymity");
    let expected = anon.and_then(|a| a.get("expected_respondents"));
    let (Some(ev), false) = (expected, segs.is_empty()) else {
        return;
    };
    let Some(n) = as_int(ev).filter(|n| *n > 0) else {
        return;
    };
    let k = anon
        .and_then(|a| a.get("min_group"))
        .and_then(as_int)
        .unwrap_or(5)
        .max(5);
    let combos: u64 = segs.iter().map(|q| groups(q)).product();
    let avg = n as f64 / combos as f64;
    if avg < k as f64 {
        let names: Vec<String> = segs
            .iter()
            .map(|q| q.id.clone().unwrap_or_default())
            .collect();
        let msg = format!(
            "the segments ({}) make {combos} combinations: {n} respondents average {avg:.1} per group, below min_group {k}",
            names.join(", ")
        );
        ctx.warn(Some(ev), msg);
        ctx.hint("use fewer segments or fewer options; reports hide groups below min_group");
    }
}

/// Segments the report can rarely show: a segment with a `show_if` or a
/// write-in, and questions shown only by a segment's value.
fn segment_shapes(ctx: &mut Ctx, qs: &[Q]) {
    let segs = segment_questions(qs);
    for q in &segs {
        if let Some(v) = q.node.get("show_if") {
            let msg = format!(
                "segment {} has a show_if: its groups hold only those shown it, and will often be too small to show",
                q.label()
            );
            ctx.warn(Some(v), msg);
            ctx.hint("make a segment of a question everyone is asked, or drop 'segment: true'");
        }
        if let Some(v) = q.node.get("other").filter(|v| as_bool(v) == Some(true)) {
            let msg = format!(
                "segment {} has 'other: true': the report counts a write-in on a segment as not answered and never prints its text",
                q.label()
            );
            ctx.warn(Some(v), msg);
            ctx.hint(
                "list every option people need and drop 'other: true', or drop 'segment: true'",
            );
        }
    }
    for q in qs {
        let Some(v) = q.node.get("show_if") else {
            continue;
        };
        let Some(parsed) = v.text().and_then(|src| expr::parse(src).ok()) else {
            continue;
        };
        let mut warned: Vec<&str> = Vec::new();
        for r in value_tests(&parsed) {
            let Some(seg) = segs.iter().find(|s| s.id.as_deref() == Some(&r.question)) else {
                continue;
            };
            if warned.contains(&r.question.as_str()) {
                continue;
            }
            warned.push(&r.question);
            let (pos, width) = span_pos(&ctx.chars, v, r.span.start, r.span.end);
            let msg = format!(
                "the show_if of {} tests the value of segment {}: its \"shown to\" figures are the size of a segment group and will often not be shown",
                q.label(),
                seg.label()
            );
            ctx.warn_at(pos, width, msg);
            ctx.hint("condition on a question that is not a segment, or expect this question's figures to be withheld in small groups");
        }
    }
}

/// The references whose value the expression tests (not `answered(…)`).
fn value_tests(e: &Expr) -> Vec<&expr::Ref> {
    match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            let mut v = value_tests(a);
            v.extend(value_tests(b));
            v
        }
        Expr::Not(a) => value_tests(a),
        Expr::Answered(_) => Vec::new(),
        Expr::Compare { target, .. }
        | Expr::Contains { target, .. }
        | Expr::InList { target, .. } => vec![target],
    }
}

fn emailing(ctx: &mut Ctx, root: &Node) {
    let Some(s) = root.get("endpoint").and_then(|e| e.get("service")) else {
        return;
    };
    let service = s.text().and_then(Service::from_name);
    let mails = matches!(
        service,
        Some(
            Service::Formspree
                | Service::Formsubmit
                | Service::Web3forms
                | Service::Getform
                | Service::Basin
        )
    );
    let sealed = root.get("collection").and_then(Node::text) == Some("sealed");
    if mails && !sealed {
        let name = s.text().unwrap_or("");
        ctx.warn(
            Some(s),
            format!("'{name}' e-mails every submission by default, so answers sit in mailboxes"),
        );
        ctx.hint("turn the e-mail notifications off in the service's settings, or use 'collection: sealed'");
    }
}
