//! Sealed responses through ingest: an export holding only envelopes, read
//! with the custodian's key, gives exactly what the same answers sent plain
//! give; broken envelopes are rejected and counted by reason; without the
//! key the export cannot be read at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sealed")
        .join(name)
}

/// The plaintext of the sealed fixture written as a plain Formspree export
/// (`id,date,` + field names sorted, repeated names joined with ", ").
fn plain_export(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("answers.json")).expect("answers.json");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("answers.json is JSON");
    let mut parsed: Vec<(String, String, BTreeMap<String, Vec<String>>)> = Vec::new();
    for r in &rows {
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for pair in r["fields"].as_array().expect("fields") {
            let name = pair[0].as_str().expect("name").to_string();
            let value = pair[1].as_str().expect("value").to_string();
            fields.entry(name).or_default().push(value);
        }
        parsed.push((
            r["id"].to_string(),
            r["date"].as_str().expect("date").into(),
            fields,
        ));
    }
    let mut names: Vec<String> = parsed.iter().flat_map(|p| p.2.keys().cloned()).collect();
    names.sort();
    names.dedup();
    let mut w = csv::Writer::from_path(dir.join("plain.csv")).expect("write plain.csv");
    let mut header = vec!["id".to_string(), "date".to_string()];
    header.extend(names.iter().cloned());
    w.write_record(&header).expect("header");
    for (id, date, fields) in &parsed {
        let mut rec = vec![id.clone(), date.clone()];
        rec.extend(
            names
                .iter()
                .map(|n| fields.get(n).map(|v| v.join(", ")).unwrap_or_default()),
        );
        w.write_record(&rec).expect("row");
    }
    w.flush().expect("flush");
    dir.join("plain.csv")
}

fn ingest(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("farvel")
        .expect("binary")
        .args(args)
        .assert()
}

#[test]
fn sealed_export_reads_exactly_as_the_same_answers_sent_plain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = plain_export(dir.path());
    let survey = fixture("survey.yaml");
    let key = fixture("DEMO-custodian-key.txt");
    let sealed_out = dir.path().join("sealed-normal.csv");
    let plain_out = dir.path().join("plain-normal.csv");
    let s = survey.to_str().expect("utf-8 path");
    ingest(&[
        "ingest",
        s,
        fixture("formspree.csv").to_str().expect("path"),
        "--key",
        key.to_str().expect("path"),
        "--out",
        sealed_out.to_str().expect("path"),
    ])
    .success();
    ingest(&[
        "ingest",
        s,
        plain.to_str().expect("path"),
        "--out",
        plain_out.to_str().expect("path"),
    ])
    .success();
    let sealed = std::fs::read_to_string(&sealed_out).expect("sealed output");
    let plain = std::fs::read_to_string(&plain_out).expect("plain output");
    let respondents = csv::Reader::from_reader(sealed.as_bytes())
        .records()
        .count();
    assert_eq!(respondents, 6, "six respondents:\n{sealed}");
    assert_eq!(sealed, plain);
}

#[test]
fn broken_envelopes_are_rejected_and_counted_by_reason() {
    let out = ingest(&[
        "ingest",
        fixture("survey.yaml").to_str().expect("path"),
        fixture("formspree-rejected.csv").to_str().expect("path"),
        "--key",
        fixture("DEMO-custodian-key.txt").to_str().expect("path"),
    ])
    .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("5 row(s) read = 0 used + 5 rejected"), "{err}");
    for reason in [
        "sealed: wrong key or tampered envelope: 2",
        "sealed: truncated envelope: 1",
        "sealed: sealed for another survey: 1",
        "sealed: unknown envelope version: 1",
    ] {
        assert!(err.contains(reason), "missing '{reason}' in:\n{err}");
    }
    assert!(!err.contains("questions without a column"), "{err}");
}

#[test]
fn a_sealed_export_without_the_key_cannot_be_read() {
    let out = ingest(&[
        "ingest",
        fixture("survey.yaml").to_str().expect("path"),
        fixture("formspree.csv").to_str().expect("path"),
    ])
    .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("--key FILE"), "{err}");
}

#[test]
fn answer_columns_beside_the_envelopes_are_ignored_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture("formspree.csv")).expect("fixture");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_path(dir.path().join("mixed.csv")).expect("write");
    let mut header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    header.push("reason".into());
    w.write_record(&header).expect("header");
    for rec in rdr.records() {
        let mut rec: Vec<String> = rec.expect("row").iter().map(String::from).collect();
        rec.push("pay".into());
        w.write_record(&rec).expect("row");
    }
    w.flush().expect("flush");
    let out = ingest(&[
        "ingest",
        fixture("survey.yaml").to_str().expect("path"),
        dir.path().join("mixed.csv").to_str().expect("path"),
        "--key",
        fixture("DEMO-custodian-key.txt").to_str().expect("path"),
    ])
    .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("beside 'sealed' are ignored: reason"), "{err}");
    assert!(err.contains("6 row(s) read = 6 used"), "{err}");
}

/// A key file that is not the survey's custodian's stops the run before any
/// row is read: exit 2, naming the key file, where it was named, and both
/// public key fingerprints as `farvel keys show` prints them.
#[test]
fn another_custodians_key_is_refused_before_reading() {
    let other = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest/sealed-wrong-key/DEMO-other-key.txt");
    let out = Command::cargo_bin("farvel")
        .expect("binary")
        .args([
            "ingest",
            fixture("survey.yaml").to_str().expect("path"),
            fixture("formspree.csv").to_str().expect("path"),
        ])
        .env("FARVEL_KEY_FILE", &other)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for part in [
        "DEMO-other-key.txt: error: this private key (named by FARVEL_KEY_FILE) does not open the answers of",
        "its public key fingerprint is b65d c57e ebc9 b9a9",
        "the survey's public_key has fingerprint bfd7 1b49 04ec 2e78",
        "farvel keys show",
    ] {
        assert!(err.contains(part), "missing '{part}' in:\n{err}");
    }
    assert!(!err.contains("row(s) read"), "nothing is read: {err}");
}

/// `FARVEL_KEY_FILE=` (set, to nothing) is said to be empty, not taken for
/// a missing `--key` value; with the right key in it, the export opens.
#[test]
fn an_empty_key_variable_is_a_clear_error() {
    for empty in ["", "  "] {
        let out = Command::cargo_bin("farvel")
            .expect("binary")
            .args([
                "ingest",
                fixture("survey.yaml").to_str().expect("path"),
                fixture("formspree.csv").to_str().expect("path"),
            ])
            .env("FARVEL_KEY_FILE", empty)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            err.contains("the answers are sealed, and FARVEL_KEY_FILE is set but empty"),
            "{err}"
        );
        assert!(
            err.contains("hint: set FARVEL_KEY_FILE to the custodian's private key file"),
            "{err}"
        );
    }
    let out = Command::cargo_bin("farvel")
        .expect("binary")
        .args([
            "ingest",
            fixture("survey.yaml").to_str().expect("path"),
            fixture("formspree.csv").to_str().expect("path"),
        ])
        .env("FARVEL_KEY_FILE", fixture("DEMO-custodian-key.txt"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("6 row(s) read = 6 used + 0 rejected"), "{err}");
}
