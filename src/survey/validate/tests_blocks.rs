//! Table-driven tests of the survey-level blocks (endpoint, timezone,
//! anonymity, collection, columns, ui), conditions and warnings.

use super::{CHOICE, one, run, table};

#[test]
fn endpoint_and_survey_blocks() {
    let e = |endpoint: &str| {
        format!("title: T\ncustodian: C\nendpoint:\n{endpoint}sections:\n  - questions:\n{CHOICE}")
    };
    table(&[
        (
            e("  service: formspre\n  url: https://formspree.io/f/x\n"),
            "4:12: error: unknown service 'formspre' — did you mean 'formspree'?",
        ),
        (
            e("  service: formspree\n"),
            "3:1: error: missing 'url': service 'formspree' needs it",
        ),
        (
            e("  service: formspree\n  url: http://formspree.io/f/x\n"),
            "5:8: error: 'url' must use https:// (http only for localhost), found 'http://formspree.io/f/x'",
        ),
        (
            e("  service: url\n  url: http://localhost:8080/collect\n  multi: comma\n"),
            "6:10: error: 'multi' must be repeat or brackets or split, found 'comma'",
        ),
        (
            e("  service: url\n  url: https://bad host/x\n"),
            "5:8: error: 'url' is not a valid address: 'https://bad host/x'",
        ),
        (
            e("  service: web3forms\n"),
            "3:1: error: missing 'access_key': service 'web3forms' needs it",
        ),
        (
            e("  service: formspree\n  url: https://formspree.io/f/x\n  access_key: k\n"),
            "6:3: error: 'access_key' does not apply to service 'formspree'",
        ),
        (
            e("  service: netlify\n  thanks_url: ftp://x\n"),
            "5:15: error: 'thanks_url' must be an https:// address, found 'ftp://x'",
        ),
        (
            e(
                "  service: google-forms\n  url: https://docs.google.com/forms/d/e/x/formResponse\n  entries: {reason: entry.1, why: entry.2}\n",
            ),
            "6:30: error: unknown question 'why'",
        ),
        (
            e(
                "  service: google-forms\n  url: https://docs.google.com/forms/d/e/x/formResponse\n  entries: {reason: e1}\n",
            ),
            "6:21: error: 'e1' is not an entry name like entry.123456",
        ),
        (
            e(
                "  service: google-forms\n  url: https://docs.google.com/forms/d/e/x/formResponse\n  entries: {}\n",
            ),
            "6:12: error: no entry for question 'reason'",
        ),
        (
            "title: T\ntimezone: Europe/Olso\n".into(),
            "2:11: error: unknown time zone 'Europe/Olso' — did you mean 'Europe/Oslo'?",
        ),
        (
            "title: T\nanonymity:\n  min_group: 3\n".into(),
            "3:14: error: 'min_group' is 3, but it is never below 5",
        ),
        (
            "title: T\nanonymity:\n  min_groop: 5\n".into(),
            "3:3: error: unknown key 'min_groop' — did you mean 'min_group'?",
        ),
        (
            "title: T\ncollection: sealed\n".into(),
            "2:1: error: 'collection: sealed' needs 'public_key'",
        ),
        (
            "title: T\ncollection: sealed\npublic_key: 'not base64!'\n".into(),
            "3:13: error: 'public_key' is not a farvel public key: a public key starts with `farvel-pk1:` (copy the line from survey.pub, made by `farvel keys new`)",
        ),
        (
            "title: T\naccept_fingerprints: ['3f2a9b0c1d4']\n".into(),
            "2:23: error: '3f2a9b0c1d4' is not a survey fingerprint: give 12 to 64 hex digits (0-9, a-f)",
        ),
        (
            "title: T\naccept_fingerprints: [123456789012]\n".into(),
            "2:23: error: write the fingerprint in quotes, '123456789012': unquoted, YAML reads it as a number",
        ),
        (
            "title: T\naccept_fingerprints: 3f2a9b0c1d4e\n".into(),
            "2:22: error: 'accept_fingerprints' must be a list, found '3f2a9b0c1d4e'",
        ),
        (
            "title: T\ncollection: open\n".into(),
            "2:13: error: 'collection' must be plain or sealed, found 'open'",
        ),
        (
            "title: T\nui:\n  de: {submit: Senden}\n".into(),
            "3:3: error: 'de' is not a language of this survey (en)",
        ),
        (
            format!("title: T\ncolumns: {{Why: reazon}}\nsections:\n  - questions:\n{CHOICE}"),
            "2:16: error: unknown question 'reazon' — did you mean 'reason'?",
        ),
    ]);
}

#[test]
fn conditions() {
    let c = |cond: &str| {
        one(&format!(
            "{CHOICE}      - id: workload\n        type: scale\n        text: W\n      - id: grid\n        type: matrix\n        text: G\n        scale: agree5\n        rows: {{fair: F, clear: C}}\n      - id: improve\n        type: text\n        text: I\n        show_if: {cond}\n      - id: later\n        type: yesno\n        text: L\n"
        ))
    };
    table(&[
        (
            c("\"reason == 'payy'\""),
            "22:29: error: 'payy' is not an option of 'reason' (pay, manager, growth)",
        ),
        (
            c("reason == 'payy'"),
            "22:28: error: 'payy' is not an option of 'reason' (pay, manager, growth)",
        ),
        (
            c("'reason == ''payy'''"),
            "22:29: error: 'payy' is not an option of 'reason' (pay, manager, growth)",
        ),
        (
            c("|\n          answered(reason) and\n          reasn == 'pay'"),
            "24:11: error: unknown question 'reasn'",
        ),
        (
            c("later == 'yes'"),
            "22:18: error: 'later' comes after question 'improve': show_if may only refer to earlier questions",
        ),
        (
            c("answered(improve)"),
            "22:27: error: 'improve' is this question itself",
        ),
        (
            c("reason > 'pay'"),
            "22:25: error: '>' does not fit a choice question; use == or in [...]",
        ),
        (
            c("workload >= 6"),
            "22:30: error: 6 is outside the range of 'workload' (1–5)",
        ),
        (
            c("grid.fairness > 3"),
            "22:18: error: 'fairness' is not a row of 'grid' (fair, clear)",
        ),
        (
            c("grid > 3"),
            "22:18: error: 'grid' is a matrix; compare one of its rows",
        ),
        (
            c("\"'pay' in reason\""),
            "22:28: error: 'in reason' needs a multi question; 'reason' is a choice question",
        ),
        (
            c("reason = 'pay'"),
            "22:25: error: show_if syntax: '=' is not an operator; write '=='",
        ),
        (
            c("\"reason == 'pay' and\""),
            "22:38: error: show_if syntax: expected a question id, 'not', 'answered(' or '(', found the end of the expression",
        ),
    ]);
}

#[test]
fn warnings() {
    table(&[
        (
            "title: T\nendpoint: {service: netlify}\nsections: []\n".into(),
            "warning: no 'custodian': say who receives the raw answers (not HR, not the manager)",
        ),
        (
            one("      - id: full_name\n        type: text\n        text: Your name\n"),
            "7:13: warning: question 'full_name' seems to ask for a name, e-mail or phone number ('name')",
        ),
        (
            one("      - id: contact\n        type: text\n        text: Din e-postadresse\n"),
            "7:13: warning: question 'contact' seems to ask for a name, e-mail or phone number ('e-post')",
        ),
        (
            one("      - id: started\n        type: date\n        text: When?\n"),
            "8:15: warning: question 'started' asks for a full date, which can identify a person",
        ),
        (
            one(&format!("{}{}{}", seg("a"), seg("b"), seg("c"))),
            "18:18: warning: 3 segment questions; more than two make small groups",
        ),
        (
            format!(
                "{}anonymity: {{expected_respondents: 20}}\n",
                one(&format!("{}{}", seg("a"), seg("b")))
            ),
            "15:35: warning: the segments (a, b) make 9 combinations: 20 respondents average 2.2 per group, below min_group 5",
        ),
        (
            "title: T\nendpoint: {service: formspree, url: 'https://formspree.io/f/x'}\n".into(),
            "2:21: warning: 'formspree' e-mails every submission by default, so answers sit in mailboxes",
        ),
    ]);
}

fn seg(id: &str) -> String {
    format!("      - id: {id}\n        type: yesno\n        text: A\n        segment: true\n")
}

#[test]
fn more_blocks_and_conditions() {
    let google = |entries: &str| {
        format!(
            "languages: [nb, en]\ntitle: {{nb: T, en: T}}\ncustodian: {{nb: C, en: C}}\nendpoint:\n  service: google-forms\n  url: https://docs.google.com/forms/d/e/x/formResponse\n{entries}sections:\n  - questions:\n      - id: grid\n        type: matrix\n        text: {{nb: G, en: G}}\n        scale: agree5\n        rows: {{fair: {{nb: F, en: F}}, clear: {{nb: C, en: C}}}}\n"
        )
    };
    let c = |cond: &str| {
        one(&format!(
            "      - id: factors\n        type: multi\n        text: F\n        options: {{workload: W, culture: C}}\n        none: true\n      - id: back\n        type: yesno\n        text: B\n      - id: years\n        type: number\n        text: Y\n        min: 0\n        max: 40\n      - id: when\n        type: date\n        precision: month\n        text: W\n      - id: more\n        type: text\n        text: M\n        show_if: {cond}\n"
        ))
    };
    let clean = c("\"'workload' in factors and (back == 'yes' or years >= 2) and answered(when)\"");
    assert_eq!(run(&clean), Vec::<String>::new());
    table(&[
        (
            google("  entries: {grid: {fair: entry.1, clear: entry.2}}\n"),
            "4:1: error: service 'google-forms' needs 'labels_language' in a survey with several languages",
        ),
        (
            google("  labels_language: de\n  entries: {grid: {fair: entry.1, clear: entry.2}}\n"),
            "7:20: error: 'de' is not a language of this survey (nb, en)",
        ),
        (
            google("  labels_language: nb\n  entries: {grid: {fair: entry.1}}\n"),
            "8:19: error: no entry for row 'clear' of 'grid'",
        ),
        (
            google("  labels_language: nb\n  entries: {grid: entry.1}\n"),
            "8:19: error: 'grid' is a matrix: give a map row → entry.N",
        ),
        (
            one(
                "      - id: m\n        type: matrix\n        text: A\n        rows: {a: A}\n        scale: agree5\n        labels: {1: No}\n",
            ),
            "11:9: error: a preset brings its own labels; use 'range' and 'labels' for your own",
        ),
        (
            "title: T\nui:\n  en: {submit: [x]}\n".into(),
            "3:16: error: a UI string must be text, found a list",
        ),
        (
            c("\"'stress' in factors\""),
            "27:19: error: 'stress' is not an option of 'factors' (workload, culture, none)",
        ),
        (
            c("factors == 'none'"),
            "27:26: error: '==' does not fit a multi question",
        ),
        (
            c("back == 'maybe'"),
            "27:26: error: 'maybe' is not an answer to 'back' (yes, no)",
        ),
        (
            c("years in [1, 50]"),
            "27:31: error: 50 is outside the range of 'years' (0–40)",
        ),
        (
            c("years > 'ten'"),
            "27:26: error: 'ten' is not a number; 'years' is a number question (0–40)",
        ),
        (
            c("when < 3"),
            "27:18: error: 'when' is a date question, which can only be tested with answered()",
        ),
        (
            c("answered(when) and not answered(factor)"),
            "27:50: error: unknown question 'factor'",
        ),
    ]);
}
