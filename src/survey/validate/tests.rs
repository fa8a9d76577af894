//! Table-driven tests: a survey snippet → the diagnostics as
//! `line:col: severity: message`.

use std::path::Path;

use super::validate;

pub(super) fn run(src: &str) -> Vec<String> {
    validate(src, Path::new("t.yaml"))
        .iter()
        .map(|d| {
            let sev = if d.is_error() { "error" } else { "warning" };
            match d.pos {
                Some(p) => format!("{}:{}: {sev}: {}", p.line, p.col, d.message),
                None => format!("{sev}: {}", d.message),
            }
        })
        .collect()
}

#[test]
fn mini_fixture_is_clean_but_for_the_email_warning() {
    let src = include_str!("../../../tests/fixtures/mini.yaml");
    let got = run(src);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        got[0].starts_with("10:12: warning: 'formspree' e-mails"),
        "{got:#?}"
    );
}

/// A one-language survey whose first question starts on line 7, its keys
/// at column 9.
fn one(questions: &str) -> String {
    format!(
        "title: T\ncustodian: C\nendpoint:\n  service: netlify\nsections:\n  - questions:\n{questions}"
    )
}

/// The same with `languages: [nb, en]` on line 1 (questions from line 8).
fn two(questions: &str) -> String {
    format!(
        "languages: [nb, en]\n{}",
        one(questions)
            .replace("title: T", "title: {nb: T, en: T}")
            .replace("custodian: C", "custodian: {nb: C, en: C}")
    )
}

/// Check that every expected line is among the diagnostics.
pub(super) fn table(cases: &[(String, &str)]) {
    let mut wrong = Vec::new();
    for (src, want) in cases {
        let got = run(src);
        if !got.iter().any(|g| g == want) {
            wrong.push(format!("want {want}\n got {got:#?}\n in\n{src}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

const CHOICE: &str = "      - id: reason\n        type: choice\n        text: R\n        options: {pay: Pay, manager: Manager, growth: Growth}\n";

#[test]
fn keys_and_types() {
    table(&[
        (
            String::new(),
            "error: the file is empty; a survey needs at least title, endpoint and sections",
        ),
        (
            "# nothing\n".into(),
            "error: the file is empty; a survey needs at least title, endpoint and sections",
        ),
        (
            one("      - id: a\n        type: yesno\n        requird: true\n        text: A\n"),
            "9:9: error: unknown key 'requird' — did you mean 'required'?",
        ),
        (
            one("      - id: a\n        type: text\n        options: [x]\n        text: A\n"),
            "9:9: error: 'options' does not apply to a question of type 'text' (only to choice, multi, ranking)",
        ),
        (
            one("      - id: a\n        type: yesno\n        required: yes\n        text: A\n"),
            "9:19: error: 'required' must be true or false, found 'yes'",
        ),
        (
            one("      - id: a\n        text: A\n"),
            "7:9: error: missing 'type' in question 'a'",
        ),
        (
            one("      - type: yesno\n        text: A\n"),
            "7:9: error: missing 'id' in question 1",
        ),
        (
            one("      - id: a\n        type: yesnoo\n        text: A\n"),
            "8:15: error: unknown question type 'yesnoo' — did you mean 'yesno'?",
        ),
        (
            one("      - id: a\n        type: yesno\n        text: [A]\n"),
            "9:15: error: the text of question 'a' must be text, found a list",
        ),
        (
            one("      - id: a\n        type: yesno\n        text: 12\n"),
            "9:15: error: the text of question 'a' must be text, found '12'",
        ),
        (
            one("      - id: a\n        type: yesno\n"),
            "7:9: error: missing 'text' in question 'a'",
        ),
        (
            one("      - id: a\n        type: number\n        text: A\n        min: ten\n"),
            "10:14: error: 'min' must be a number, found 'ten'",
        ),
        (
            "titel: T\nendpoint: {service: netlify}\nsections: []\n".into(),
            "1:1: error: unknown key 'titel' — did you mean 'title'?",
        ),
        (
            "titel: T\nendpoint: {service: netlify}\nsections: []\n".into(),
            "1:1: error: missing 'title': a survey needs a title",
        ),
        (
            "title: T\nendpoint: {service: netlify}\nsections: []\n".into(),
            "3:11: error: 'sections' is empty: a survey needs at least one section",
        ),
        (
            "title: T\nsections: x\n".into(),
            "2:11: error: 'sections' must be a list, found 'x'",
        ),
        (
            "title: T\nsections: x\n".into(),
            "1:1: error: missing 'endpoint': where should answers be sent?",
        ),
        (
            "- a\n- b\n".into(),
            "1:1: error: a survey file must be a map of keys (title, endpoint, sections, …), found a list",
        ),
        (
            "title: T\ntitle: U\n".into(),
            "2:1: error: duplicate key 'title' (first at line 1)",
        ),
        (
            "title: [T\n".into(),
            "2:1: error: YAML syntax: while parsing a flow sequence, expected ',' or ']'",
        ),
        (
            "title: 'T\n".into(),
            "1:8: error: YAML syntax: while scanning a quoted scalar, found unexpected end of stream",
        ),
    ]);
}

#[test]
fn ids_and_duplicates() {
    let q = |id: &str| {
        one(&format!(
            "      - id: {id}\n        type: yesno\n        text: A\n"
        ))
    };
    table(&[
        (q("Reason"), "7:13: error: 'Reason' is not a valid id"),
        (
            q("email"),
            "7:13: error: 'email' is a reserved name (form services or farvel give it a meaning)",
        ),
        (
            q("_nonce"),
            "7:13: error: '_nonce' starts with '_', which is reserved for farvel's own fields",
        ),
        (
            q("a__b"),
            "7:13: error: 'a__b' contains '__', which farvel uses for one-field-per-option names",
        ),
        (
            q("why_other"),
            "7:13: error: 'why_other' ends in '_other', which farvel uses for the 'Other' text box",
        ),
        (
            q("form-name"),
            "7:13: error: 'form-name' is a reserved name (form services or farvel give it a meaning)",
        ),
        (
            one(&format!("{CHOICE}{CHOICE}")),
            "11:13: error: duplicate question id 'reason' (first at line 7)",
        ),
        (
            one(
                "      - id: a\n        type: choice\n        text: A\n        options: {x: X, x: Y}\n",
            ),
            "10:25: error: duplicate option value 'x' (first at line 10)",
        ),
        (
            one(
                "      - id: a\n        type: choice\n        text: A\n        options: {x: X, other: Y}\n",
            ),
            "10:25: error: option 'other' uses the reserved value 'other'",
        ),
        (
            one(
                "      - id: a\n        type: choice\n        text: A\n        options: [Pay, pay!]\n",
            ),
            "10:24: error: option 'pay!' gets the value 'pay', like the option at line 10",
        ),
        (
            one(
                "      - id: a\n        type: choice\n        text: A\n        options: {Big: X}\n",
            ),
            "10:19: error: option value 'Big' is not a valid value",
        ),
        (
            one(
                "      - id: m\n        type: matrix\n        text: A\n        scale: agree5\n        rows: {a: A, a: B}\n",
            ),
            "11:22: error: duplicate row id 'a' (first at line 11)",
        ),
    ]);
}

#[test]
fn question_types() {
    let c = |extra: &str| {
        one(&format!(
            "      - id: a\n        type: multi\n        text: A\n        options: {{x: X, y: Y}}\n{extra}"
        ))
    };
    let s = |extra: &str| {
        one(&format!(
            "      - id: a\n        type: scale\n        text: A\n{extra}"
        ))
    };
    table(&[
        (
            c("        segment: true\n"),
            "11:9: error: 'segment: true' only applies to choice and yesno questions",
        ),
        (
            c("        display: dropdown\n"),
            "11:9: error: 'display' does not apply to a question of type 'multi' (only to choice)",
        ),
        (
            c("        pin: [x]\n"),
            "11:9: error: 'pin' only matters with 'shuffle: true'",
        ),
        (
            c("        shuffle: true\n        pin: [z]\n"),
            "12:15: error: 'z' is not an option of question 'a' (x, y)",
        ),
        (
            c("        max: 3\n"),
            "11:14: error: 'max' is 3, but question 'a' has 2 options",
        ),
        (
            c("        min: 2\n        max: 1\n"),
            "12:14: error: 'max' (1) is below 'min' (2)",
        ),
        (
            c("        min: -1\n"),
            "11:14: error: 'min' must be a whole number, 0 or more, found '-1'",
        ),
        (
            one(
                "      - id: a\n        type: number\n        text: A\n        min: 5\n        max: 5\n",
            ),
            "11:14: error: 'max' (5) must be above 'min' (5)",
        ),
        (
            one("      - id: a\n        type: number\n        text: A\n        step: 0\n"),
            "10:15: error: 'step' must be above 0, found 0",
        ),
        (
            one(
                "      - id: a\n        type: text\n        text: A\n        min_length: 9\n        max_length: 2\n",
            ),
            "11:21: error: 'max_length' (2) is below 'min_length' (9)",
        ),
        (
            one("      - id: a\n        type: date\n        text: A\n        precision: week\n"),
            "10:20: error: 'precision' must be day or month, found 'week'",
        ),
        (
            s("        range: [5, 1]\n"),
            "10:16: error: the range [5, 1] is empty: the first number must be the lower",
        ),
        (
            s("        range: [0, 20]\n"),
            "10:16: error: a scale has at most 11 points; [0, 20] has 21",
        ),
        (
            s("        range: [1, 5]\n        labels: {1: Low, 7: High}\n"),
            "11:26: error: label 7 is outside the range [1, 5]",
        ),
        (
            s("        polarity: negativ\n"),
            "10:19: error: 'polarity' must be positive or negative, found 'negativ' — did you mean 'negative'?",
        ),
        (
            one("      - id: m\n        type: matrix\n        text: A\n        scale: agree5\n"),
            "7:9: error: missing 'rows' in question 'm'",
        ),
        (
            one("      - id: m\n        type: matrix\n        text: A\n        rows: {a: A}\n"),
            "7:9: error: question 'm' needs 'scale' (a preset) or 'range'",
        ),
        (
            one(
                "      - id: m\n        type: matrix\n        text: A\n        rows: {a: A}\n        scale: agree5\n        range: [1, 3]\n",
            ),
            "11:9: error: use either 'scale' (a preset) or 'range', not both",
        ),
        (
            one(
                "      - id: m\n        type: matrix\n        text: A\n        rows: {a: A}\n        scale: agree7\n",
            ),
            "11:16: error: 'scale' must be agree5 or satisfied5 or likely5 or quality5, found 'agree7' — did you mean 'agree5'?",
        ),
        (
            one("      - id: a\n        type: text\n        text: A\n        pattern: '\\d+'\n"),
            "10:19: error: pattern: browsers read \\d, \\w and \\s as ASCII, farvel as Unicode",
        ),
    ]);
}

#[test]
fn translations() {
    table(&[
        (
            two("      - id: reason\n        type: yesno\n        text: R\n"),
            "10:15: error: the text of question 'reason' needs a translation for each language (nb, en), found plain text",
        ),
        (
            two("      - id: reason\n        type: yesno\n        text: {nb: R}\n"),
            "10:15: error: missing translation 'en' for the text of question 'reason'",
        ),
        (
            two("      - id: reason\n        type: yesno\n        text: {nb: R, en: R, de: R}\n"),
            "10:30: error: 'de' is not a language of this survey (nb, en)",
        ),
        (
            two(
                "      - id: a\n        type: choice\n        text: {nb: R, en: R}\n        options: [A, B]\n",
            ),
            "11:18: error: options as a list of labels only work in a one-language survey",
        ),
        (
            "languages: [nb, english]\ntitle: T\n".into(),
            "1:17: error: 'english' is not a language code",
        ),
        (
            "languages: [nb, en]\ntitle: {nb: T}\n".into(),
            "2:8: error: missing translation 'en' for the title",
        ),
    ]);
}

#[path = "tests_blocks.rs"]
mod blocks;
