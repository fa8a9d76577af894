//! The custodian's review of free text, end to end with the real binary
//! over tests/fixtures/review/: `farvel review` writes every text
//! owner-only and keeps decisions when run again; `farvel report` applies
//! them (withheld, edited, themes) and warns about, or with
//! `--require-review` refuses, texts without a decision.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fix(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review")
        .join(name)
}

/// `farvel ARGS…` run in `dir` (where `reports/` is looked for).
fn farvel(dir: &Path, args: &[&str], inputs: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("farvel").unwrap_or_else(|e| panic!("{e}"));
    c.current_dir(dir).arg(args[0]).arg(fix("survey.yaml"));
    for i in inputs {
        c.arg(fix(i));
    }
    c.args(&args[1..]).output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const REVIEW: &str = "reports/review-demo.review.yaml";

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// What the custodian decides, edited into the file as a person would:
/// one text withheld, one edited (with a phone number the report must
/// still remove), themes on the rest.
fn decide(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let qs = doc["questions"].as_sequence_mut().unwrap();
    for q in qs {
        for e in q["texts"].as_sequence_mut().unwrap() {
            let t = e["text"].as_str().unwrap().to_string();
            let themes: &[&str] = match t.as_str() {
                "Too much work, too few people." => &["Workload"],
                "The workload never eased. Call me on [phone number removed]." => &["Workload"],
                "My manager never listened." => &["Workload", "Manager"],
                "Mail [e-mail removed] if you want details." => &["Workload", "Manager"],
                "Good colleagues but a heavy load." => &["Workload", "Colleagues"],
                "Deadlines every week, and my manager added more." => &["Workload", "Manager"],
                _ => &[],
            };
            e["themes"] = themes.iter().map(|s| serde_yaml::Value::from(*s)).collect();
            if t.starts_with("Too much work") {
                e["publish"] = "no".into();
            }
            if t == "My manager never listened." {
                e["text"] = "My manager never listened to us. Ring 22 33 44 55.".into();
            }
        }
    }
    std::fs::write(path, serde_yaml::to_string(&doc).unwrap()).unwrap();
}

/// A folder with the review of first.csv, decided, then brought up to
/// date with second.csv.
fn reviewed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = farvel(dir.path(), &["review"], &["first.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    decide(&dir.path().join(REVIEW));
    let o = farvel(dir.path(), &["review"], &["first.csv", "second.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

#[test]
fn the_review_file_holds_every_text_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let o = farvel(dir.path(), &["review"], &["first.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("8 text(s), 8 new"), "{}", stderr(&o));
    let path = dir.path().join(REVIEW);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# farvel: the custodian's review"),
        "{text}"
    );
    assert!(text.contains("CONFIDENTIAL"), "{text}");
    // Every text of the text question and every write-in of the choice,
    // each to publish, with no themes, once with its count.
    assert_eq!(text.matches("  - hash: ").count(), 8, "{text}");
    assert_eq!(text.matches("\n    publish: yes").count(), 8, "{text}");
    assert_eq!(text.matches("themes: []").count(), 8, "{text}");
    assert!(text.contains("count: 2\n    publish: yes\n    themes: []\n    text: Moving abroad"));
    assert!(text.contains("text: Deadlines every week, and my manager added more."));
    // Scrubbed as the report scrubs.
    assert!(text.contains("Mail [e-mail removed] if you want details."));
    assert!(!text.contains("kari@example.no") && !text.contains("912 34 567"));
    // A segment's write-in is never listed.
    assert!(!text.contains("Secret team"), "{text}");
}

#[test]
fn running_review_again_keeps_decisions_and_adds_new_texts() {
    let dir = reviewed();
    let path = dir.path().join(REVIEW);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(
            "publish: no\n    themes:\n    - Workload\n    text: Too much work, too few people."
        ),
        "{text}"
    );
    assert!(text.contains("text: My manager never listened to us. Ring 22 33 44 55."));
    assert!(!text.contains("text: My manager never listened.\n"));
    assert!(text.contains("publish: yes\n    themes: []\n    text: Please fix the onboarding."));
    assert_eq!(text.matches("  - hash: ").count(), 9, "{text}");
    insta::assert_snapshot!("review_file", text);
    // A third run with fewer exports drops nothing.
    let o = farvel(dir.path(), &["review"], &["second.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "9 text(s), 0 new, 1 kept from before, 8 no longer in the exports; 1 withheld"
        ),
        "{}",
        stderr(&o)
    );
    let again = std::fs::read_to_string(&path).unwrap();
    assert_eq!(again.matches("  - hash: ").count(), 9);
    assert!(again.contains("publish: no"));
}

/// The verbatim section of a report: from its heading to the method's.
fn verbatim_section(md: &str) -> &str {
    let start = md.find("## In their own words").unwrap_or(0);
    let end = md.find("## Method and data quality").unwrap_or(md.len());
    &md[start..end]
}

#[test]
fn the_report_withholds_edits_and_counts_themes() {
    let dir = reviewed();
    let o = farvel(
        dir.path(),
        &["report", "--out", "report.md", "--json", "report.json"],
        &["first.csv", "second.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("review decision"), "{}", stderr(&o));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    let v = verbatim_section(&md);
    // Withheld: not quoted, counted.
    assert!(!md.contains("Too much work"), "{md}");
    assert!(
        v.contains("8 answers; 6 of them shown below. 2 comments were withheld by the custodian."),
        "{v}"
    );
    // Edited: as edited, still scrubbed.
    assert!(
        v.contains("> My manager never listened to us. Ring \\[phone number removed\\]."),
        "{v}"
    );
    assert!(!md.contains("22 33 44 55") && !md.contains("never listened.\n"));
    // Themes, ahead of the quotes: 8 answered (k = 5, 2k = 10), so no
    // theme's count is shown, whatever it is (Workload: 7 of 8).
    let table = v.find("| theme | n |").expect("a theme table");
    assert!(table < v.find("> ").unwrap(), "{v}");
    assert!(
        v.contains("| Colleagues | not shown |\n| Manager | not shown |\n| Workload | not shown |"),
        "{v}"
    );
    // No themes for write-ins.
    assert_eq!(v.matches("| theme | n |").count(), 1, "{v}");
    insta::assert_snapshot!("report_verbatims", v);

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let theme = |name: &str| -> Value {
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["classes"] == serde_json::json!([format!("theme:{name}")]))
            .cloned()
            .unwrap_or_else(|| panic!("no figure for theme {name}"))
    };
    assert_eq!(
        theme("Manager"),
        serde_json::json!({ "group": {}, "question": "comments", "measure": "count",
            "classes": ["theme:Manager"], "status": "not shown" })
    );
    assert_eq!(
        theme("Workload"),
        serde_json::json!({ "group": {}, "question": "comments", "measure": "count",
            "classes": ["theme:Workload"], "status": "not shown" })
    );
    let comments = json["verbatims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["question"] == "comments")
        .unwrap();
    assert_eq!(comments["answers"], 8);
    assert_eq!(comments["withheld"], 2);
    let texts: Vec<&str> = comments["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"My manager never listened to us. Ring [phone number removed]."),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("Too much work")),
        "{texts:?}"
    );
    assert_eq!(texts.len(), 6);
}

#[test]
fn texts_without_a_decision_warn_or_with_require_review_stop_the_report() {
    // No review file: every free-text answer (8 texts, 3 write-ins).
    let bare = tempfile::tempdir().unwrap();
    let o = farvel(
        bare.path(),
        &["report", "--out", "report.md"],
        &["first.csv", "second.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: 11 free-text answer(s) have no review decision: there is no review file"
        ),
        "{err}"
    );
    let md = std::fs::read_to_string(bare.path().join("report.md")).unwrap();
    assert!(
        !md.contains("review decision"),
        "the warning is never in the report"
    );

    // A text the review file does not have.
    let dir = reviewed();
    let o = farvel(
        dir.path(),
        &["report", "--out", "report.md"],
        &["first.csv", "second.csv", "third.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: 1 free-text answer(s) have no review decision: they are not in the review file"), "{}", stderr(&o));
    std::fs::remove_file(dir.path().join("report.md")).unwrap();
    std::fs::remove_file(dir.path().join("report.html")).unwrap();
    std::fs::remove_dir_all(dir.path().join("report_files")).unwrap();

    // --require-review: exit 1 and nothing written.
    let o = farvel(
        dir.path(),
        &[
            "report",
            "--out",
            "report.md",
            "--json",
            "report.json",
            "--require-review",
        ],
        &["first.csv", "second.csv", "third.csv"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: 1 free-text answer(s) have no review decision"),
        "{}",
        stderr(&o)
    );
    for f in ["report.md", "report.html", "report.json", "report_files"] {
        assert!(!dir.path().join(f).exists(), "{f} was written");
    }
    // Everything reviewed: --require-review passes.
    let o = farvel(
        dir.path(),
        &["report", "--out", "report.md", "--require-review"],
        &["first.csv", "second.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_review_file_elsewhere_or_unreadable() {
    let dir = reviewed();
    let moved = dir.path().join("elsewhere.yaml");
    std::fs::rename(dir.path().join(REVIEW), &moved).unwrap();
    let o = farvel(
        dir.path(),
        &[
            "report",
            "--out",
            "report.md",
            "--review",
            moved.to_str().unwrap(),
        ],
        &["first.csv", "second.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("2 comments were withheld by the custodian."),
        "{md}"
    );

    // A missing --review file, or a typo in a decision: exit 2, nothing written.
    let o = farvel(
        dir.path(),
        &["report", "--out", "r2.md", "--review", "missing.yaml"],
        &["first.csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = std::fs::read_to_string(&moved).unwrap().replacen(
        "\n    publish: no",
        "\n    publsh: no",
        1,
    );
    std::fs::write(&moved, text).unwrap();
    let o = farvel(
        dir.path(),
        &[
            "report",
            "--out",
            "r2.md",
            "--review",
            moved.to_str().unwrap(),
        ],
        &["first.csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("publsh"), "{}", stderr(&o));
    assert!(!dir.path().join("r2.md").exists());
    // `review` refuses to overwrite a file it cannot read.
    let o = farvel(
        dir.path(),
        &["review", "--out", moved.to_str().unwrap()],
        &["first.csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&moved)
            .unwrap()
            .contains("publsh: no")
    );
}
