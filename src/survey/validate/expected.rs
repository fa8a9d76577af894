//! `anonymity.expected`: per segment question, option value → the share of
//! respondents expected to give it (read by `farvel plan`). Each key must
//! name a segment question, each value one of its options, each share must
//! be above 0 and at most 1, and a segment's shares add up to at most 1
//! (the rest is "not answered").

use super::Ctx;
use super::keys::{as_num, did_you_mean, map_of};
use super::questions::Q;
use super::tree::Node;
use super::warnings::segment_questions;
use crate::survey::model::Kind;

/// Shares may add up to this much over 1 (decimal fractions in binary).
const SLACK: f64 = 1e-9;

/// The values a segment question's answers take: its declared options, or
/// yes and no (a write-in under `other` counts as not answered).
fn segment_values(q: &Q) -> Option<Vec<String>> {
    match &q.model.as_ref()?.kind {
        Kind::YesNo => Some(vec!["yes".into(), "no".into()]),
        k => Some(k.options().iter().map(|c| c.value.clone()).collect()),
    }
}

/// A share as the messages print it: `0.3`, `1.2`, `0.333`.
pub fn share_text(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

pub fn expected(ctx: &mut Ctx, anonymity: &Node, qs: &[Q]) {
    let Some(e) = anonymity.get("expected") else {
        return;
    };
    let Some(entries) = map_of(ctx, e, "expected") else {
        return;
    };
    let segs = segment_questions(qs);
    let seg_ids: Vec<&str> = segs.iter().filter_map(|q| q.id.as_deref()).collect();
    for (k, v) in entries {
        let Some(id) = k.text() else {
            ctx.error(k, "a key must be plain text");
            continue;
        };
        let Some(seg) = segs.iter().find(|q| q.id.as_deref() == Some(id)) else {
            if qs.iter().any(|q| q.id.as_deref() == Some(id)) {
                ctx.error(k, format!("question '{id}' is not a segment question"));
                ctx.hint("expected shares are for questions with 'segment: true'");
            } else {
                let tail = did_you_mean(id, seg_ids.iter().copied());
                ctx.error(k, format!("unknown segment question '{id}'{tail}"));
                if seg_ids.is_empty() {
                    ctx.hint("this survey has no segment questions ('segment: true')");
                } else if tail.is_empty() {
                    ctx.hint(format!("the segment questions are: {}", seg_ids.join(", ")));
                }
            }
            continue;
        };
        let Some(shares) = map_of(ctx, v, id) else {
            continue;
        };
        let values = segment_values(seg);
        let mut sum = 0.0;
        let mut all_read = true;
        for (vk, vv) in shares {
            let Some(value) = vk.text() else {
                ctx.error(vk, "a key must be plain text");
                all_read = false;
                continue;
            };
            if let Some(values) = &values
                && !values.iter().any(|x| x == value)
            {
                let tail = did_you_mean(value, values.iter().map(String::as_str));
                ctx.error(
                    vk,
                    format!("'{value}' is not an option of segment '{id}'{tail}"),
                );
                if value == "other" && seg.model.as_ref().is_some_and(|m| m.kind.allows_other()) {
                    ctx.hint("a write-in under 'other' counts as not answered on a segment: leave it out, it is part of the rest");
                } else if tail.is_empty() {
                    ctx.hint(format!("the options are: {}", values.join(", ")));
                }
            }
            match as_num(vv) {
                Some(x) if x > 0.0 && x <= 1.0 => sum += x,
                Some(x) => {
                    all_read = false;
                    ctx.error(
                        vv,
                        format!(
                            "the share of '{value}' is {}; a share must be above 0 and at most 1",
                            share_text(x)
                        ),
                    );
                    if x > 1.0 && x <= 100.0 {
                        ctx.hint(format!(
                            "write {} % as {}",
                            share_text(x),
                            share_text(x / 100.0)
                        ));
                    } else if x == 0.0 {
                        ctx.hint("leave out a value nobody is expected to give");
                    }
                }
                None => {
                    all_read = false;
                    ctx.error(
                        vv,
                        format!(
                            "the share of '{value}' must be a number above 0 and at most 1, found {}",
                            vv.describe()
                        ),
                    );
                }
            }
        }
        if all_read && sum > 1.0 + SLACK {
            ctx.error(
                k,
                format!(
                    "the expected shares of '{id}' add up to {}, more than 1",
                    share_text(sum)
                ),
            );
            ctx.hint("the shares are parts of all respondents; what is left below 1 is those who do not answer");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, table};

    /// A survey with segments `dept` (choice, other: true) and `remote`
    /// (yesno) and a plain question `why`; `expected:` on line 22, its first entry on line 23.
    fn survey(expected: &str) -> String {
        format!(
            "title: T\ncustodian: C\nendpoint:\n  service: netlify\nsections:\n  - questions:\n      - id: why\n        type: yesno\n        text: W\n      - id: dept\n        type: choice\n        text: D\n        segment: true\n        options: {{sales: S, engineering: E, support: U}}\n        other: true\n      - id: remote\n        type: yesno\n        text: R\n        segment: true\nanonymity:\n  min_group: 5\n  expected:\n{expected}"
        )
    }

    #[test]
    fn valid_shares_pass() {
        let src = survey(
            "    dept: {sales: 0.3, engineering: 0.5, support: 0.2}\n    remote: {\"yes\": 1}\n",
        );
        let got: Vec<String> = run(&src)
            .into_iter()
            .filter(|d| d.contains("error"))
            .collect();
        assert!(got.is_empty(), "{got:#?}");
        let loaded = crate::survey::parse_survey(&src, std::path::Path::new("t.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let e = &loaded.anonymity.expected;
        assert_eq!(e["dept"]["engineering"], 0.5);
        assert_eq!(e["remote"]["yes"], 1.0);
        // Ten tenths add up to 1 in decimal but not quite in binary.
        let tenths = survey("    dept: {sales: 0.1, engineering: 0.7, support: 0.2}\n");
        assert!(!run(&tenths).iter().any(|d| d.contains("add up")));
    }

    #[test]
    fn every_kind_of_mistake_is_placed() {
        table(&[
            (
                survey("    dpt: {sales: 0.3}\n"),
                "23:5: error: unknown segment question 'dpt' — did you mean 'dept'?",
            ),
            (
                survey("    why: {\"yes\": 0.3}\n"),
                "23:5: error: question 'why' is not a segment question",
            ),
            (
                survey("    dept: {sale: 0.3}\n"),
                "23:12: error: 'sale' is not an option of segment 'dept' — did you mean 'sales'?",
            ),
            (
                survey("    dept: {other: 0.1}\n"),
                "23:12: error: 'other' is not an option of segment 'dept'",
            ),
            (
                survey("    remote: {maybe: 0.1}\n"),
                "23:14: error: 'maybe' is not an option of segment 'remote'",
            ),
            (
                survey("    dept: {sales: 30}\n"),
                "23:19: error: the share of 'sales' is 30; a share must be above 0 and at most 1",
            ),
            (
                survey("    dept: {sales: 0}\n"),
                "23:19: error: the share of 'sales' is 0; a share must be above 0 and at most 1",
            ),
            (
                survey("    dept: {sales: -0.2}\n"),
                "23:19: error: the share of 'sales' is -0.2; a share must be above 0 and at most 1",
            ),
            (
                survey("    dept: {sales: lots}\n"),
                "23:19: error: the share of 'sales' must be a number above 0 and at most 1, found 'lots'",
            ),
            (
                survey("    dept: {sales: 0.6, engineering: 0.5}\n"),
                "23:5: error: the expected shares of 'dept' add up to 1.1, more than 1",
            ),
            (
                survey("    dept: [sales]\n"),
                "23:11: error: 'dept' must be a map, found a list",
            ),
            (
                "title: T\nanonymity:\n  expected: 0.5\n".into(),
                "3:13: error: 'expected' must be a map, found '0.5'",
            ),
        ]);
    }

    #[test]
    fn hints_say_what_to_write() {
        let hint = |src: String| -> Vec<String> {
            let path = std::path::Path::new("t.yaml");
            super::super::validate(&src, path)
                .into_iter()
                .filter_map(|d| d.hint)
                .collect()
        };
        assert!(hint(survey("    dept: {sales: 30}\n")).contains(&"write 30 % as 0.3".to_string()));
        assert!(
            hint(survey("    dept: {other: 0.1}\n"))
                .iter()
                .any(|h| h.contains("counts as not answered"))
        );
        assert!(
            hint(survey("    team: {a: 0.1}\n"))
                .contains(&"the segment questions are: dept, remote".to_string())
        );
    }
}
