//! Regression fixtures for the classes of leak the disclosure audit closes
//! (one folder each under `tests/fixtures/disclosure/`, all on the same
//! survey). Each test runs the real binary with `--json` and checks, on
//! the published figures, that the arithmetic in its comment no longer
//! works, and that what is safe is still shown. The independent attacker
//! (`tests/attacker.rs`) checks the same fixtures for every leak at once.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FIX: &str = "tests/fixtures/disclosure";

/// Run the report on one fixture; (Markdown, JSON).
fn run(case: &str) -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    let json = dir.path().join("report.json");
    Command::cargo_bin("farvel")
        .unwrap()
        .arg("report")
        .arg(format!("{FIX}/survey.yaml"))
        .arg(Path::new(FIX).join(case).join("responses.csv"))
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .arg("--lang")
        .arg("en")
        .assert()
        .code(0);
    let md = std::fs::read_to_string(&out).unwrap();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (md, v)
}

/// Whether every figure of `measure` (and `classes`, if given) about
/// `question` (`None`: the group's size) in `group` is shown.
fn shown(j: &Value, group: Value, question: Option<&str>, measure: &str) -> bool {
    let figs: Vec<&Value> = j["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["group"] == group && f["question"].as_str() == question && f["measure"] == measure
        })
        .collect();
    assert!(!figs.is_empty(), "no {measure} of {question:?} in {group}");
    let statuses: Vec<&str> = figs.iter().map(|f| f["status"].as_str().unwrap()).collect();
    let all = statuses.iter().all(|s| *s == "shown");
    let none = statuses.iter().all(|s| *s == "not shown");
    assert!(
        all || none,
        "mixed statuses for {measure} of {question:?} in {group}"
    );
    for f in &figs {
        if f["status"] == "not shown" {
            assert!(f.get("value").is_none() && f.get("base").is_none(), "{f}");
        }
    }
    all
}

fn dept(v: &str) -> Value {
    serde_json::json!({ "department": [v] })
}

fn tenure(v: &str) -> Value {
    serde_json::json!({ "tenure": [v] })
}

fn all() -> Value {
    serde_json::json!({})
}

/// Class 1, the guard subtracted away. Engineering 20, Sales 15 and
/// Support 7, all of Support detractors. Before, Support's eNPS was
/// guarded but everyone's and the other two departments' were printed:
/// Support's detractors = 22 (all) − 10 (Engineering) − 5 (Sales) = 7 of 7.
/// Now everyone's and at most one other department's eNPS are shown.
#[test]
fn class_1_a_guarded_group_cannot_be_subtracted_out() {
    let (_, j) = run("guard-subtracted");
    assert!(shown(&j, all(), Some("enps"), "count"));
    assert!(!shown(&j, dept("support"), Some("enps"), "count"));
    let others = shown(&j, dept("engineering"), Some("enps"), "count") as u8
        + shown(&j, dept("sales"), Some("enps"), "count") as u8;
    assert!(
        others <= 1,
        "both other departments' eNPS leave Support's as the rest"
    );
    // The sizes are safe and stay.
    for d in ["engineering", "sales", "support"] {
        assert!(shown(&j, dept(d), None, "respondents"), "{d}");
    }
}

/// Class 2, the guard checked single options. Sales (6) all answered 4 or
/// 5 (three each), Support (8) all 1–3: "top two 100 % (n 6)" and
/// "0 % (n 8)" passed a guard that looked at 4 and 5 one by one.
#[test]
fn class_2_top_two_unanimity_is_caught() {
    let (md, j) = run("top-two");
    assert!(!shown(&j, dept("sales"), Some("rating"), "count"));
    assert!(!shown(&j, dept("support"), Some("rating"), "count"));
    assert!(
        !md.contains("100 % (n 6)") && !md.contains("0 % (n 8)"),
        "{md}"
    );
    assert!(shown(&j, all(), Some("rating"), "count"));
}

/// Class 3, figures on one answerer. Sales has 6 people, one of whom
/// rated (1): "0 % (n 1)" pinned that one rating to a one-person cell.
#[test]
fn class_3_no_figure_over_fewer_than_k_answerers() {
    let (md, j) = run("one-answerer");
    assert!(shown(&j, dept("sales"), None, "respondents"));
    assert!(!shown(&j, dept("sales"), Some("rating"), "count"));
    assert!(!md.contains("(n 1)"), "{md}");
    for f in j["figures"].as_array().unwrap() {
        if let Some(b) = f["base"].as_u64() {
            assert!(b >= 5, "a figure over {b} answerers: {f}");
        }
    }
}

/// Class 4, "shown to" a segment group. `sales_tools` is shown only to
/// Sales (3 people): "Shown to 3" printed the size of a group that was
/// itself "fewer than 5". And a write-in under "other" on the department
/// question made a one-person group and printed its text.
#[test]
fn class_4_shown_to_and_write_ins_on_segments() {
    let (md, j) = run("segment-condition");
    assert!(!shown(&j, all(), Some("sales_tools"), "shown"));
    assert!(!md.contains("Shown to 3"), "{md}");
    assert!(!md.contains("Legal team"), "{md}");
    let text = serde_json::to_string(&j).unwrap();
    assert!(!text.contains("Legal team") && !text.contains("\"other\""));
    // The department's groups are Engineering, Sales, Support and
    // "not answered" (where the write-in went): no "other" group.
    let values = &j["dimensions"][0]["values"];
    assert_eq!(
        values,
        &serde_json::json!(["engineering", "sales", "support", null])
    );
}

/// Class 5, a small union. Engineering (10) all under a year; more than
/// three years (8) all in Sales; Sales under a year: 2. Engineering ×
/// more than three years is empty, which the reader knows, so
/// everyone (20) − Engineering (10) − more than three years (8) = the two
/// in Sales under a year.
#[test]
fn class_5_unions_of_cells_are_protected() {
    let (_, j) = run("small-union");
    let three = [
        shown(&j, all(), None, "respondents"),
        shown(&j, dept("engineering"), None, "respondents"),
        shown(&j, tenure("gt3"), None, "respondents"),
    ];
    assert!(three.iter().any(|s| !s), "{three:?}");
    assert!(shown(&j, all(), None, "respondents"));
    // The tenure split is safe (12 and 8) and stays.
    assert!(shown(&j, tenure("lt1"), None, "respondents"));
    assert!(shown(&j, tenure("gt3"), None, "respondents"));
}

/// Class 6, bounds. "Withheld" meant "at least k" and the combined row
/// listed the hidden groups it held; "nearly everyone chose …" and the
/// method's counts by reason told more. One marker now, no counts.
#[test]
fn class_6_one_marker_and_no_bounds_in_words() {
    for case in [
        "guard-subtracted",
        "top-two",
        "segment-condition",
        "small-union",
    ] {
        let (md, _) = run(case);
        for bad in [
            "withheld",
            "Withheld",
            "fewer than 5 |",
            "possibly none",
            "nearly everyone",
            "Most chose",
            "Shown together as",
            "group(s)",
            "figure(s)",
        ] {
            assert!(!md.contains(bad), "{case}: {bad:?} in\n{md}");
        }
    }
    let (md, _) = run("segment-condition");
    assert!(md.contains("| Other groups (combined) | 14 |"), "{md}");
}

/// Class 7, free text: a report without `--names` says that names were
/// not removed (the scrubbing corpus covers contact details).
#[test]
fn class_7_the_report_says_when_names_were_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Kari Nordmann\n").unwrap();
    let sample = |extra: &[&Path]| {
        let out = dir.path().join("report.md");
        Command::cargo_bin("farvel")
            .unwrap()
            .args([
                "report",
                "surveys/exit-interview.yaml",
                "samples/exit-interview-formspree.csv",
                "--lang",
                "en",
            ])
            .arg("--out")
            .arg(&out)
            .args(extra)
            .assert()
            .code(0);
        std::fs::read_to_string(&out).unwrap()
    };
    let md = sample(&[]);
    assert!(md.contains("**Names were not removed**"), "{md}");
    let md = sample(&[Path::new("--names"), &names]);
    assert!(!md.contains("Names were not removed"), "{md}");
    assert!(md.contains("Names on the custodian's list of names are removed too."));
}

/// The bundled report still shows its overall figures and the department
/// and tenure groups that are safe; the JSON is the same bytes twice.
#[test]
fn the_bundled_report_stays_useful_and_deterministic() {
    let run_once = || {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("r.json");
        Command::cargo_bin("farvel")
            .unwrap()
            .args([
                "report",
                "surveys/exit-interview.yaml",
                "samples/exit-interview-formspree.csv",
            ])
            .arg("--out")
            .arg(dir.path().join("r.md"))
            .arg("--json")
            .arg(&json)
            .assert()
            .code(0);
        std::fs::read(&json).unwrap()
    };
    let (a, b) = (run_once(), run_once());
    assert_eq!(a, b);
    let j: Value = serde_json::from_slice(&a).unwrap();
    assert!(shown(&j, all(), Some("enps"), "count"));
    for d in ["sales", "engineering", "support"] {
        assert!(shown(&j, dept(d), None, "respondents"), "{d}");
        assert!(shown(&j, dept(d), Some("enps"), "count"), "{d}");
    }
    for t in ["lt1", "y1_3", "y3_plus"] {
        assert!(shown(&j, tenure(t), None, "respondents"), "{t}");
    }
}
