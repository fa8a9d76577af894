//! Table tests for the condition type checker: expression → span + message.

use super::*;
use crate::survey::expr::parse;
use crate::survey::model::Survey;

const SURVEY: &str = r#"
title: Checker test
endpoint: { service: url, url: "https://example.com/collect" }
sections:
  - questions:
      - { id: reason, type: choice, text: Why, options: { pay: Pay, manager: Manager, growth: Growth }, other: true }
      - { id: factors, type: multi, text: Else, options: { workload: Workload, culture: Culture }, none: true }
      - { id: workload, type: scale, range: [1, 5], text: Workload }
      - { id: enps, type: nps, text: Recommend }
      - { id: years, type: number, min: 0, max: 40, text: Years }
      - { id: hours, type: number, min: 0, text: Hours }
      - { id: remote, type: yesno, text: Remote }
      - { id: culture, type: matrix, scale: agree5, text: Culture, rows: { respect: Respect, trust: Trust } }
      - { id: started, type: date, precision: month, text: Started }
      - { id: stay, type: text, text: Stay }
      - { id: priorities, type: ranking, text: Rank, options: { pay: Pay, growth: Growth } }
      - { id: note, type: info, text: Note }
      - { id: improve, type: text, text: Improve }
"#;

fn survey() -> Survey {
    crate::survey::parse_survey(SURVEY, std::path::Path::new("check.yaml"))
        .unwrap_or_else(|e| panic!("test survey must load: {e}"))
}

/// Check `src` as the condition of `improve` (the last question).
fn problems(src: &str) -> Vec<ExprProblem> {
    let s = survey();
    let earlier: Vec<&Question> = s.questions().filter(|q| q.id != "improve").collect();
    let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {}", e.message));
    check(&expr, &earlier, "improve")
}

#[test]
fn valid_conditions_pass() {
    let ok = [
        "reason == 'manager'",
        "reason != 'pay' and reason in ['growth', 'other']",
        "'culture' in factors or 'none' in factors",
        "workload >= 4",
        "workload in [1, 2]",
        "enps <= 6 and enps > 0",
        "years < 2 or years == 40",
        "hours > 1000",
        "remote == 'yes' or remote != 'no'",
        "remote == true",
        "culture.respect <= 2",
        "answered(culture) and answered(culture.trust)",
        "answered(started) or answered(stay) or answered(priorities)",
        "not (answered(reason) and answered(factors))",
    ];
    for src in ok {
        assert_eq!(problems(src), vec![], "{src}");
    }
}

#[test]
fn problems_have_span_message_and_hint() {
    // (expression, span start, span end, message, hint)
    let cases: &[(&str, usize, usize, &str, Option<&str>)] = &[
        (
            "reason == 'payy'",
            10,
            16,
            "'payy' is not an option of 'reason' (pay, manager, growth, other)",
            Some("did you mean 'pay'?"),
        ),
        (
            "reason < 'pay'",
            7,
            8,
            "'<' does not fit a choice question; use == or in [...]",
            None,
        ),
        (
            "reason == 3",
            10,
            11,
            "3 is not an option value of 'reason'",
            Some("option values are quoted: 'pay'"),
        ),
        (
            "reason in ['pay', 'grwth']",
            18,
            25,
            "'grwth' is not an option of 'reason' (pay, manager, growth, other)",
            Some("did you mean 'growth'?"),
        ),
        (
            "workload >= 7",
            12,
            13,
            "7 is outside the range of 'workload' (1–5)",
            None,
        ),
        (
            "workload == 'high'",
            12,
            18,
            "'high' is not a number; 'workload' is a scale question (1–5)",
            Some("numbers are written without quotes"),
        ),
        (
            "workload in [0, 3]",
            13,
            14,
            "0 is outside the range of 'workload' (1–5)",
            None,
        ),
        (
            "enps > 10.5",
            7,
            11,
            "10.5 is outside the range of 'enps' (0–10)",
            None,
        ),
        (
            "years >= -1",
            9,
            11,
            "-1 is outside the range of 'years' (0–40)",
            None,
        ),
        (
            "hours < -5",
            8,
            10,
            "-5 is outside the range of 'hours' (0 or more)",
            None,
        ),
        (
            "answered(improve)",
            9,
            16,
            "'improve' is this question itself",
            Some("a condition may only use the answers to questions before this one"),
        ),
        (
            "reasn == 'pay'",
            0,
            5,
            "unknown question 'reasn'",
            Some("did you mean 'reason'?"),
        ),
        (
            "later > 3",
            0,
            5,
            "unknown question 'later'",
            Some("a condition may only use questions before this one"),
        ),
        (
            "answered(note)",
            9,
            13,
            "'note' is an info text and has no answer",
            Some("refer to a question that collects an answer"),
        ),
        (
            "factors == 'culture'",
            8,
            10,
            "'==' does not fit a multi question",
            Some("test one option with 'value' in factors"),
        ),
        (
            "'cultur' in factors",
            0,
            8,
            "'cultur' is not an option of 'factors' (workload, culture, none)",
            Some("did you mean 'culture'?"),
        ),
        (
            "factors in ['culture']",
            0,
            7,
            "'in [...]' does not fit a multi question",
            Some("test each option with 'value' in factors"),
        ),
        (
            "'pay' in reason",
            9,
            15,
            "'in reason' needs a multi question; 'reason' is a choice question",
            Some("use reason == 'value' or reason in ['a', 'b']"),
        ),
        (
            "'x' in enps",
            7,
            11,
            "'in enps' needs a multi question; 'enps' is an nps question",
            None,
        ),
        (
            "remote == 'maybe'",
            10,
            17,
            "'maybe' is not an answer to 'remote' (yes, no)",
            Some("write remote == 'yes' or remote == 'no'"),
        ),
        (
            "remote >= 'yes'",
            7,
            9,
            "'>=' does not fit a yesno question; use == or !=",
            None,
        ),
        (
            "culture >= 3",
            0,
            7,
            "'culture' is a matrix; compare one of its rows",
            Some("name a row, as in culture.respect"),
        ),
        (
            "culture.respec >= 3",
            0,
            14,
            "'respec' is not a row of 'culture' (respect, trust)",
            Some("did you mean 'culture.respect'?"),
        ),
        (
            "culture.trust > 6",
            16,
            17,
            "6 is outside the range of 'culture.trust' (1–5)",
            None,
        ),
        (
            "culture.trust == 'x'",
            17,
            20,
            "'x' is not a number; 'culture.trust' is a row of the matrix 'culture' (1–5)",
            Some("numbers are written without quotes"),
        ),
        (
            "workload.total > 3",
            0,
            14,
            "'workload' is a scale question and has no rows; only a matrix does",
            None,
        ),
        (
            "stay == 'x'",
            0,
            4,
            "'stay' is a text question, which can only be tested with answered()",
            Some("write answered(stay)"),
        ),
        (
            "started < 2020",
            0,
            7,
            "'started' is a date question, which can only be tested with answered()",
            Some("write answered(started)"),
        ),
        (
            "priorities in ['pay']",
            0,
            10,
            "'priorities' is a ranking question, which can only be tested with answered()",
            Some("write answered(priorities)"),
        ),
    ];
    for &(src, start, end, message, hint) in cases {
        let got = problems(src);
        assert_eq!(got.len(), 1, "{src}: {got:?}");
        let p = &got[0];
        assert_eq!(p.message, message, "{src}");
        assert_eq!((p.span.start, p.span.end), (start, end), "{src}");
        assert_eq!(p.hint.as_deref(), hint, "{src}");
    }
}

#[test]
fn every_problem_is_reported() {
    let got = problems("reason == 'payy' or workload > 9 or nope == 1");
    let messages: Vec<&str> = got.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "'payy' is not an option of 'reason' (pay, manager, growth, other)",
            "9 is outside the range of 'workload' (1–5)",
            "unknown question 'nope'",
        ]
    );
}

#[test]
fn later_questions_are_not_visible() {
    let s = survey();
    let earlier: Vec<&Question> = s.questions().take(2).collect();
    let expr = parse("workload > 3").unwrap_or_else(|e| panic!("{}", e.message));
    let got = check(&expr, &earlier, "enps");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message, "unknown question 'workload'");
}

proptest::proptest! {
    /// Any string: parsing, checking and evaluating never panic.
    #[test]
    fn arbitrary_expressions_never_panic(src in "\\PC{0,60}") {
        let s = survey();
        let earlier: Vec<&Question> = s.questions().collect();
        if let Ok(expr) = parse(&src) {
            let problems = check(&expr, &earlier, "improve");
            for p in problems {
                proptest::prop_assert!(p.span.start <= p.span.end && p.span.end <= src.len());
            }
            let _ = crate::survey::expr::evaluate(&expr, &|_, _| None);
        }
    }

    /// Strings made of the language's own tokens reach the checker more often.
    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(proptest::sample::select(vec![
        "reason", "factors", "workload", "culture", "culture.respect", "remote", "note",
        "improve", "nope", "==", "!=", "<", ">=", "in", "and", "or", "not", "(", ")", "[", "]",
        ",", "'pay'", "'x'", "3", "-1", "10.5", "true", "answered", "answered(stay)",
    ]), 1..12)) {
        let src = parts.join(" ");
        let s = survey();
        let earlier: Vec<&Question> = s.questions().collect();
        if let Ok(expr) = parse(&src) {
            for p in check(&expr, &earlier, "improve") {
                proptest::prop_assert!(p.span.end <= src.len(), "{src}");
            }
        }
    }
}
