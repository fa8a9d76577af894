//! Condition notes: the sentence shown beside a conditional question, made
//! from its `show_if` AST in the page's language, so the form reads right
//! with JavaScript off ("Answer if you chose *My manager* above.").
//!
//! Takes the expression, the survey and the page's strings; returns HTML
//! (every survey text in it escaped). Chains of `or` or of `and` over simple
//! comparisons are spelled out; anything else gets a generic sentence.

use crate::i18n::Strings;
use crate::survey::expr::{CmpOp, Expr, Literal, Ref};
use crate::survey::{Kind, Survey};

use super::escape;

/// The note for `expr`, as HTML.
pub fn note_html(expr: &Expr, survey: &Survey, lang: &str, s: &Strings) -> String {
    let clauses = match expr {
        Expr::Or(..) => {
            chain(expr, true).and_then(|atoms| join(&atoms, survey, lang, s, "note.or"))
        }
        Expr::And(..) => {
            chain(expr, false).and_then(|atoms| join(&atoms, survey, lang, s, "note.and"))
        }
        atom => clause(atom, survey, lang, s),
    };
    match clauses {
        Some(c) => s.fill_html("note.if", &[("clause", &c)]),
        None => escape(s.get("note.generic")),
    }
}

/// The atoms of a chain of one operator, or `None` when operators mix.
fn chain(expr: &Expr, or: bool) -> Option<Vec<&Expr>> {
    match (expr, or) {
        (Expr::Or(a, b), true) | (Expr::And(a, b), false) => {
            let mut v = chain(a, or)?;
            v.extend(chain(b, or)?);
            Some(v)
        }
        (Expr::Or(..) | Expr::And(..), _) => None,
        (atom, _) => Some(vec![atom]),
    }
}

fn join(atoms: &[&Expr], survey: &Survey, lang: &str, s: &Strings, sep: &str) -> Option<String> {
    let parts: Option<Vec<String>> = atoms.iter().map(|a| clause(a, survey, lang, s)).collect();
    Some(parts?.join(&escape(s.get(sep))))
}

fn em(text: &str) -> String {
    format!("<em>{}</em>", escape(text))
}

/// The label of `value` as an option of question `q`, emphasised.
fn option_label(
    survey: &Survey,
    q: &str,
    value: &Literal,
    lang: &str,
    s: &Strings,
) -> Option<String> {
    let question = survey.question(q)?;
    let Literal::Str(v) = value else {
        return None;
    };
    let label = match v.as_str() {
        "other" if question.kind.allows_other() => s.get("option.other").to_string(),
        "none" if matches!(question.kind, Kind::Multi { none: true, .. }) => {
            s.get("option.none").to_string()
        }
        _ => question
            .kind
            .options()
            .iter()
            .find(|c| &c.value == v)?
            .label
            .get(lang)
            .to_string(),
    };
    Some(em(&label))
}

/// The emphasised name of a reference: the question text, or a matrix row.
fn ref_name(survey: &Survey, r: &Ref, lang: &str) -> Option<String> {
    let q = survey.question(&r.question)?;
    match (&r.row, &q.kind) {
        (None, _) => Some(em(q.text.get(lang))),
        (Some(row), Kind::Matrix { rows, .. }) => Some(em(rows.get(row)?.get(lang))),
        _ => None,
    }
}

fn number(l: &Literal) -> Option<String> {
    match l {
        Literal::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
        Literal::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn clause(expr: &Expr, survey: &Survey, lang: &str, s: &Strings) -> Option<String> {
    match expr {
        Expr::Answered(r) => {
            Some(s.fill_html("note.answered", &[("q", &ref_name(survey, r, lang)?)]))
        }
        Expr::Contains { value, target, .. } => {
            let v = option_label(survey, &target.question, value, lang, s)?;
            Some(s.fill_html("note.ticked", &[("v", &v)]))
        }
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Compare { op: CmpOp::Eq, .. } => clause_cmp(inner, CmpOp::Ne, survey, lang, s),
            _ => None,
        },
        Expr::Compare { op, .. } => clause_cmp(expr, *op, survey, lang, s),
        Expr::InList { target, values } => {
            let q = survey.question(&target.question)?;
            if target.row.is_none() && matches!(q.kind, Kind::Choice { .. }) {
                let labels: Option<Vec<String>> = values
                    .iter()
                    .map(|(v, _)| option_label(survey, &target.question, v, lang, s))
                    .collect();
                let v = labels?.join(&escape(s.get("note.or")));
                return Some(s.fill_html("note.chose", &[("v", &v)]));
            }
            let nums: Option<Vec<String>> = values
                .iter()
                .map(|(v, _)| Some(s.fill_html("cmp.eq", &[("n", &escape(&number(v)?))])))
                .collect();
            let cmp = nums?.join(&escape(s.get("note.or")));
            let name = ref_name(survey, target, lang)?;
            Some(s.fill_html("note.compare", &[("q", &name), ("cmp", &cmp)]))
        }
        Expr::Or(..) | Expr::And(..) => None,
    }
}

/// `q op value` (with `op` possibly negated by an enclosing `not`).
fn clause_cmp(expr: &Expr, op: CmpOp, survey: &Survey, lang: &str, s: &Strings) -> Option<String> {
    let Expr::Compare { target, value, .. } = expr else {
        return None;
    };
    let q = survey.question(&target.question)?;
    match (&q.kind, &target.row, value) {
        (Kind::Choice { .. }, None, Literal::Str(_)) => {
            let v = option_label(survey, &q.id, value, lang, s)?;
            let key = match op {
                CmpOp::Eq => "note.chose",
                CmpOp::Ne => "note.not_chose",
                _ => return None,
            };
            Some(s.fill_html(key, &[("v", &v)]))
        }
        (Kind::YesNo, None, Literal::Str(_) | Literal::Bool(_)) => {
            let yes = match value {
                Literal::Str(v) => v == "yes",
                Literal::Bool(b) => *b,
                Literal::Number(_) => return None,
            };
            let yes = match op {
                CmpOp::Eq => yes,
                CmpOp::Ne => !yes,
                _ => return None,
            };
            let v = em(s.get(if yes { "yesno.yes" } else { "yesno.no" }));
            Some(s.fill_html("note.yesno", &[("v", &v), ("q", &em(q.text.get(lang)))]))
        }
        (_, _, Literal::Number(_)) => {
            let key = match op {
                CmpOp::Eq => "cmp.eq",
                CmpOp::Ne => "cmp.ne",
                CmpOp::Lt => "cmp.lt",
                CmpOp::Le => "cmp.le",
                CmpOp::Gt => "cmp.gt",
                CmpOp::Ge => "cmp.ge",
            };
            let cmp = s.fill_html(key, &[("n", &escape(&number(value)?))]);
            let name = ref_name(survey, target, lang)?;
            Some(s.fill_html("note.compare", &[("q", &name), ("cmp", &cmp)]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::parse_survey;
    use std::path::Path;

    const SURVEY: &str = r#"
title: T
endpoint: { service: formspree, url: "https://formspree.io/f/x" }
sections:
  - questions:
      - { id: reason, type: choice, text: Reason, options: { pay: Pay, manager: "My <b>manager</b>" }, other: true }
      - { id: factors, type: multi, text: Factors, options: { culture: Culture }, none: true }
      - { id: stay, type: yesno, text: Stay? }
      - { id: rating, type: scale, text: Rating }
      - { id: grid, type: matrix, scale: agree5, text: Grid, rows: { respect: Respect } }
      - { id: years, type: number, text: Years }
"#;

    #[test]
    fn notes_spell_out_simple_conditions_and_fall_back_otherwise() {
        let survey = parse_survey(SURVEY, Path::new("t.yaml")).expect("survey");
        let s = Strings::new("en", &survey.ui);
        let cases: &[(&str, &str)] = &[
            (
                "reason == 'manager'",
                "Answer if you chose <em>My &lt;b&gt;manager&lt;/b&gt;</em> above.",
            ),
            (
                "not reason == 'pay'",
                "Answer if you did not choose <em>Pay</em> above.",
            ),
            (
                "reason in ['pay', 'other']",
                "Answer if you chose <em>Pay</em> or <em>Other</em> above.",
            ),
            (
                "'none' in factors",
                "Answer if you ticked <em>None of these</em> above.",
            ),
            (
                "stay == 'no'",
                "Answer if you answered <em>No</em> to <em>Stay?</em> above.",
            ),
            (
                "stay != true",
                "Answer if you answered <em>No</em> to <em>Stay?</em> above.",
            ),
            (
                "rating <= 2",
                "Answer if your answer to <em>Rating</em> was 2 or less above.",
            ),
            (
                "rating != 3",
                "Answer if your answer to <em>Rating</em> was not 3 above.",
            ),
            (
                "grid.respect > 3",
                "Answer if your answer to <em>Respect</em> was more than 3 above.",
            ),
            (
                "years in [1, 2]",
                "Answer if your answer to <em>Years</em> was 1 or 2 above.",
            ),
            (
                "years == 2.5",
                "Answer if your answer to <em>Years</em> was 2.5 above.",
            ),
            (
                "answered(years) and rating > 1",
                "Answer if you answered <em>Years</em> and your answer to <em>Rating</em> was more than 1 above.",
            ),
            (
                "reason == 'pay' or (rating > 1 and stay == 'yes')",
                "Answer only if this applies, given your earlier answers.",
            ),
            (
                "not 'culture' in factors",
                "Answer only if this applies, given your earlier answers.",
            ),
        ];
        for (src, want) in cases {
            let expr = crate::survey::expr::parse(src).expect("parses");
            assert_eq!(note_html(&expr, &survey, "en", &s), *want, "{src}");
        }
    }
}
