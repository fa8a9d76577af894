//! The attacker is not vacuous: hand-written leaky JSON (following
//! docs/report-json.md) for each kind of leak, each over its own tiny
//! survey and normalised CSV, and the attacker must find the leak. Clean
//! variants check that it does not cry wolf.

use std::path::PathBuf;

use serde_json::{Value as Json, json};

use crate::{Budget, Outcome, Rule, attack};

const HEAD: &str = "id: t\ntitle: T\ncustodian: the committee\nendpoint:\n  service: netlify\n\
                    anonymity:\n  min_group: 5\nsections:\n  - questions:\n";

/// A survey (questions as YAML list items, indented by 6) and microdata
/// (CSV text) in a temporary folder.
pub struct Case {
    _dir: tempfile::TempDir,
    pub survey: PathBuf,
    pub csv: PathBuf,
}

impl Case {
    pub fn new(questions: &str, csv: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let survey = dir.path().join("t.yaml");
        std::fs::write(&survey, format!("{HEAD}{questions}")).unwrap();
        let path = dir.path().join("data.csv");
        std::fs::write(&path, csv).unwrap();
        Case {
            _dir: dir,
            survey,
            csv: path,
        }
    }

    pub fn attack(&self, figures: Vec<Json>, dims: Json) -> Outcome {
        self.attack_with(figures, dims, Budget::default())
    }

    pub fn attack_with(&self, figures: Vec<Json>, dims: Json, budget: Budget) -> Outcome {
        let doc = json!({
            "format": "farvel-report/1", "survey": "t", "fingerprint": "x", "k": 5,
            "dimensions": dims, "figures": figures, "verbatims": []
        });
        let out = attack(&self.survey, &self.csv, &doc, budget)
            .unwrap_or_else(|e| panic!("attacker failed: {e}"));
        eprintln!("{}", out.report());
        out
    }
}

/// CSV rows: `n` copies of `row`.
fn rows(parts: &[(usize, &str)]) -> String {
    parts
        .iter()
        .flat_map(|&(n, r)| std::iter::repeat_n(format!("{r}\r\n"), n))
        .collect()
}

fn shown(group: Json, question: Option<&str>, measure: &str, value: i64) -> Json {
    json!({"group": group, "question": question, "measure": measure, "status": "shown", "value": value})
}

fn count(group: Json, q: &str, classes: &[&str], value: i64, base: i64) -> Json {
    json!({"group": group, "question": q, "measure": "count", "classes": classes,
           "status": "shown", "value": value, "base": base})
}

fn hidden(group: Json, question: Option<&str>, measure: &str) -> Json {
    json!({"group": group, "question": question, "measure": measure, "status": "not shown"})
}

const DEPT3: &str = "      - id: dept\n        type: choice\n        segment: true\n        text: Department\n        options:\n          eng: Engineering\n          sales: Sales\n          support: Support\n";

fn dims(segs: &[(&str, &[&str])]) -> Json {
    let mut v: Vec<Json> = segs
        .iter()
        .map(|(id, vals)| {
            let mut vs: Vec<Json> = vals.iter().map(|s| json!(s)).collect();
            vs.push(Json::Null);
            json!({"id": id, "values": vs})
        })
        .collect();
    v.push(json!({"id": "period", "values": ["2025-Q1"]}));
    Json::Array(v)
}

/// Only format and data-model findings would mean the hand-written JSON
/// (or the attacker's model) is wrong; the tests below assert their
/// absence so that the leaks found are found for the right reason.
fn assert_consistent(out: &Outcome) {
    let bad: Vec<String> = out
        .findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::Mismatch | Rule::Format))
        .map(ToString::to_string)
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn has(out: &Outcome, rule: Rule, question: Option<&str>, set_contains: &[&str]) -> bool {
    out.of(rule).iter().any(|f| {
        question.is_none_or(|q| f.question.as_deref() == Some(q))
            && set_contains
                .iter()
                .all(|s| f.set.iter().any(|x| x.contains(s)))
            && (set_contains.is_empty() || f.set.len() == set_contains.len())
    })
}

/// (1) The guard subtracted away: the eNPS classes of everyone and of all
/// but one department are shown; the remaining department (7 people, all
/// detractors) is "not shown", yet everyone minus the others gives it.
#[test]
fn guard_subtracted_away_is_found() {
    let q = format!("{DEPT3}      - id: enps\n        type: nps\n        text: Recommend us?\n");
    let csv = format!(
        "_period,dept,enps\r\n{}",
        rows(&[
            (3, "2025-Q1,eng,9"),
            (4, "2025-Q1,eng,7"),
            (3, "2025-Q1,eng,3"),
            (3, "2025-Q1,sales,10"),
            (3, "2025-Q1,sales,8"),
            (2, "2025-Q1,sales,2"),
            (7, "2025-Q1,support,4"),
        ])
    );
    let case = Case::new(&q, &csv);
    let det = ["0", "1", "2", "3", "4", "5", "6"];
    let mut figs = vec![shown(json!({}), None, "respondents", 25)];
    for (g, n, d, p, pr) in [
        (json!({}), 25, 12, 7, 6),
        (json!({"dept": ["eng"]}), 10, 3, 4, 3),
        (json!({"dept": ["sales"]}), 8, 2, 3, 3),
    ] {
        figs.push(count(g.clone(), "enps", &det, d, n));
        figs.push(count(g.clone(), "enps", &["7", "8"], p, n));
        figs.push(count(g, "enps", &["9", "10"], pr, n));
    }
    figs.push(hidden(json!({"dept": ["support"]}), Some("enps"), "count"));
    let out = case.attack(figs, dims(&[("dept", &["eng", "sales", "support"])]));
    assert_consistent(&out);
    assert!(
        has(&out, Rule::Unanimity, Some("enps: 0–6"), &["dept=support"]),
        "the remainder's unanimity was not found:\n{}",
        out.report()
    );
    assert!(out.of(Rule::SmallSet).is_empty(), "{}", out.report());
}

/// (2) Top-two unanimity: a group of 6 all answered in the top two points.
#[test]
fn top_two_unanimity_is_found() {
    let q = format!(
        "{DEPT3}      - id: mood\n        type: scale\n        range: [1, 5]\n        text: Mood?\n"
    );
    let csv = format!(
        "_period,dept,mood\r\n{}",
        rows(&[
            (4, "2025-Q1,eng,1"),
            (4, "2025-Q1,eng,3"),
            (4, "2025-Q1,eng,5"),
            (3, "2025-Q1,sales,4"),
            (3, "2025-Q1,sales,5"),
        ])
    );
    let case = Case::new(&q, &csv);
    let g = json!({"dept": ["sales"]});
    let figs = vec![
        shown(g.clone(), None, "respondents", 6),
        count(g.clone(), "mood", &["4", "5"], 6, 6),
        count(g, "mood", &["1", "2"], 0, 6),
    ];
    let out = case.attack(figs, dims(&[("dept", &["eng", "sales", "support"])]));
    assert_consistent(&out);
    assert!(
        has(
            &out,
            Rule::Unanimity,
            Some("mood: top two"),
            &["dept=sales"]
        ),
        "{}",
        out.report()
    );
    // The clean variant: the same group with a spread of answers shown
    // only as top two and bottom two.
    let figs = vec![
        shown(json!({"dept": ["eng"]}), None, "respondents", 12),
        count(json!({"dept": ["eng"]}), "mood", &["4", "5"], 4, 12),
        count(json!({"dept": ["eng"]}), "mood", &["1", "2"], 4, 12),
    ];
    let out = case.attack(figs, dims(&[("dept", &["eng", "sales", "support"])]));
    assert!(out.findings.is_empty(), "{}", out.report());
}

/// (3) A figure over one answerer inside a large group.
#[test]
fn a_figure_over_one_answerer_is_found() {
    let q = "      - id: why\n        type: choice\n        text: Why?\n        options:\n          a: A\n          b: B\n      - id: fair\n        type: yesno\n        text: Fair?\n";
    let csv = format!(
        "_period,why,fair\r\n{}",
        rows(&[
            (1, "2025-Q1,a,yes"),
            (5, "2025-Q1,,yes"),
            (6, "2025-Q1,,no")
        ])
    );
    let case = Case::new(q, &csv);
    let figs = vec![
        shown(json!({}), None, "respondents", 12),
        count(json!({}), "why", &["a"], 1, 1),
    ];
    let out = case.attack(figs, dims(&[]));
    assert_consistent(&out);
    assert!(has(&out, Rule::Base, Some("why"), &[]), "{}", out.report());
    // One answerer is always unanimous.
    assert!(
        has(&out, Rule::Unanimity, Some("why=a"), &[]),
        "{}",
        out.report()
    );
}

/// (4) "Shown" of a question whose `show_if` tests a segment value is the
/// size of that segment's group: here 3.
#[test]
fn shown_of_a_segment_condition_is_found() {
    let q = format!(
        "{DEPT3}      - id: quota\n        type: yesno\n        show_if: \"dept == 'sales'\"\n        text: Quota fair?\n"
    );
    let csv = format!(
        "_period,dept,quota\r\n{}",
        rows(&[
            (10, "2025-Q1,eng,"),
            (2, "2025-Q1,sales,yes"),
            (1, "2025-Q1,sales,no"),
        ])
    );
    let case = Case::new(&q, &csv);
    let figs = vec![
        shown(json!({}), None, "respondents", 13),
        shown(json!({}), Some("quota"), "shown", 3),
    ];
    let out = case.attack(figs, dims(&[("dept", &["eng", "sales", "support"])]));
    assert_consistent(&out);
    assert!(
        has(&out, Rule::SmallSet, None, &["dept=sales"]),
        "{}",
        out.report()
    );
    // Without the "shown" figure, nothing.
    let out = case.attack(
        vec![shown(json!({}), None, "respondents", 13)],
        dims(&[("dept", &["eng", "sales", "support"])]),
    );
    assert!(out.findings.is_empty(), "{}", out.report());
}

const TENURE: &str = "      - id: tenure\n        type: choice\n        segment: true\n        text: Tenure\n        options:\n          lt3: Up to 3 years\n          gt3: More than 3 years\n";
const DEPT2: &str = "      - id: dept\n        type: choice\n        segment: true\n        text: Department\n        options:\n          eng: Engineering\n          sales: Sales\n";

/// (5) Overall, Engineering and ">3 years" shown, with (Engineering, >3
/// years) known empty: Sales ∩ ≤3 years (2 people) = overall − Eng − >3.
#[test]
fn small_union_through_a_known_empty_atom_is_found() {
    let q = format!("{DEPT2}{TENURE}");
    let csv = format!(
        "_period,dept,tenure\r\n{}",
        rows(&[
            (6, "2025-Q1,eng,lt3"),
            (2, "2025-Q1,sales,lt3"),
            (7, "2025-Q1,sales,gt3"),
        ])
    );
    let case = Case::new(&q, &csv);
    let d = dims(&[("dept", &["eng", "sales"]), ("tenure", &["lt3", "gt3"])]);
    let figs = vec![
        shown(json!({}), None, "respondents", 15),
        shown(json!({"dept": ["eng"]}), None, "respondents", 6),
        shown(json!({"tenure": ["gt3"]}), None, "respondents", 7),
        hidden(json!({"dept": ["sales"]}), None, "respondents"),
        hidden(json!({"tenure": ["lt3"]}), None, "respondents"),
    ];
    let out = case.attack(figs, d.clone());
    assert_consistent(&out);
    assert!(
        has(&out, Rule::SmallSet, None, &["dept=sales, tenure=lt3"]),
        "{}",
        out.report()
    );
    // Overall and Engineering alone give Sales (9): safe.
    let figs = vec![
        shown(json!({}), None, "respondents", 15),
        shown(json!({"dept": ["eng"]}), None, "respondents", 6),
    ];
    let out = case.attack(figs, d);
    assert!(out.findings.is_empty(), "{}", out.report());
}

/// 13 leavers, one department of 9 shown: the other's 4 follow.
#[test]
fn the_13_leavers_remainder_is_found() {
    let q = DEPT2;
    let csv = format!(
        "_period,dept\r\n{}",
        rows(&[(9, "2025-Q1,eng"), (4, "2025-Q1,sales")])
    );
    let case = Case::new(q, &csv);
    let d = dims(&[("dept", &["eng", "sales"])]);
    let figs = vec![
        shown(json!({}), None, "respondents", 13),
        shown(json!({"dept": ["eng"]}), None, "respondents", 9),
        hidden(json!({"dept": ["sales"]}), None, "respondents"),
    ];
    let out = case.attack(figs, d.clone());
    assert_consistent(&out);
    assert!(
        has(&out, Rule::SmallSet, None, &["dept=sales"]),
        "{}",
        out.report()
    );
    let out = case.attack(vec![shown(json!({}), None, "respondents", 13)], d);
    assert!(out.findings.is_empty(), "{}", out.report());
}

/// Department and tenure tables that pass one by one: d0 = {t0: 6},
/// d1 = {t0: 1, t1: 8}; t0 − d0 isolates one person.
#[test]
fn dept_by_tenure_difference_is_found() {
    let q = "      - id: dept\n        type: choice\n        segment: true\n        text: D\n        options:\n          d0: D0\n          d1: D1\n      - id: tenure\n        type: choice\n        segment: true\n        text: T\n        options:\n          t0: T0\n          t1: T1\n";
    let csv = format!(
        "_period,dept,tenure\r\n{}",
        rows(&[
            (6, "2025-Q1,d0,t0"),
            (1, "2025-Q1,d1,t0"),
            (8, "2025-Q1,d1,t1"),
        ])
    );
    let case = Case::new(q, &csv);
    let d = dims(&[("dept", &["d0", "d1"]), ("tenure", &["t0", "t1"])]);
    let figs = vec![
        shown(json!({"dept": ["d0"]}), None, "respondents", 6),
        shown(json!({"dept": ["d1"]}), None, "respondents", 9),
        shown(json!({"tenure": ["t0"]}), None, "respondents", 7),
        shown(json!({"tenure": ["t1"]}), None, "respondents", 8),
    ];
    let out = case.attack(figs, d);
    assert_consistent(&out);
    assert!(
        has(&out, Rule::SmallSet, None, &["dept=d1, tenure=t0"]),
        "{}",
        out.report()
    );
}

/// Rule 4: a "not shown" entry with a reason, a "not shown" with a value,
/// a "shown" without one.
#[test]
fn marker_violations_are_found() {
    let case = Case::new(
        DEPT2,
        &format!("_period,dept\r\n{}", rows(&[(13, "2025-Q1,eng")])),
    );
    let figs = vec![
        json!({"group": {"dept": ["sales"]}, "question": null, "measure": "respondents",
               "status": "not shown", "reason": "fewer than k"}),
        json!({"group": {"dept": ["sales"]}, "question": null, "measure": "respondents",
               "status": "not shown", "value": 0}),
        json!({"group": {}, "question": null, "measure": "respondents", "status": "shown"}),
        json!({"group": {}, "question": null, "measure": "respondents", "status": "withheld"}),
    ];
    let out = case.attack(figs, dims(&[("dept", &["eng", "sales"])]));
    assert_eq!(out.of(Rule::Marker).len(), 4, "{}", out.report());
}

/// A wrong figure is a mismatch (the attacker reads the data itself).
#[test]
fn wrong_values_are_mismatches() {
    let case = Case::new(
        DEPT2,
        &format!("_period,dept\r\n{}", rows(&[(13, "2025-Q1,eng")])),
    );
    let out = case.attack(
        vec![shown(json!({}), None, "respondents", 14)],
        dims(&[("dept", &["eng", "sales"])]),
    );
    assert_eq!(out.of(Rule::Mismatch).len(), 1, "{}", out.report());
}

/// The bounded search (pool above the exact limit, or the node budget
/// spent) still finds a leak among few atoms, and says it was bounded.
#[test]
fn bounded_search_finds_small_leaks_and_says_so() {
    // Eight small departments (1 or 2 people) and a large one; everyone
    // and the large one shown: the small ones' total (11 ≥ k) is fine, but
    // everyone minus the large one minus a shown pair isolates the rest.
    let names = ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "big"];
    let mut q = String::from(
        "      - id: dept\n        type: choice\n        segment: true\n        text: D\n        options:\n",
    );
    for d in names {
        q.push_str(&format!("          {d}: {d}\n"));
    }
    let sizes = [2, 1, 2, 1, 2, 1, 1, 1, 20];
    let parts: Vec<(usize, String)> = names
        .iter()
        .zip(sizes)
        .map(|(d, n)| (n, format!("2025-Q1,{d}")))
        .collect();
    let parts: Vec<(usize, &str)> = parts.iter().map(|(n, r)| (*n, r.as_str())).collect();
    let case = Case::new(&q, &format!("_period,dept\r\n{}", rows(&parts)));
    let d = dims(&[("dept", &names)]);
    let figs = vec![
        shown(json!({}), None, "respondents", 31),
        shown(json!({"dept": ["big"]}), None, "respondents", 20),
        shown(
            json!({"dept": ["d0", "d1", "d2", "d3", "d4", "d5"]}),
            None,
            "respondents",
            9,
        ),
    ];
    for budget in [
        Budget {
            max_pool: 2,
            ..Budget::default()
        },
        Budget {
            nodes: 3,
            ..Budget::default()
        },
    ] {
        let out = case.attack_with(figs.clone(), d.clone(), budget);
        assert_consistent(&out);
        assert!(!out.exact, "{}", out.report());
        assert!(
            out.notes.iter().any(|n| n.contains("BOUNDED")),
            "{}",
            out.report()
        );
        assert!(
            has(&out, Rule::SmallSet, None, &["dept=d6", "dept=d7"]),
            "{}",
            out.report()
        );
    }
    let out = case.attack(figs, d);
    assert!(out.exact, "{}", out.report());
    assert!(
        has(&out, Rule::SmallSet, None, &["dept=d6", "dept=d7"]),
        "{}",
        out.report()
    );
}
