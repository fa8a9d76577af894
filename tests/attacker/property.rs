//! The property tests: random surveys and microdata through the real
//! binary (`farvel report … --json`), and the attacker must find nothing;
//! data built to be safe must be described (usefulness).
//!
//! Until `farvel report` has `--json`, these tests print why they skip and
//! pass: the check is `farvel report --help` mentioning `--json`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value as Json;

use crate::generate::{self, GenAtom, GenSeg, GenSurvey, Rng, Spread, Type};
use crate::{Budget, Rule, attack};

/// Property cases per test: `FARVEL_ATTACK_CASES`, default 64 (about 30 s
/// for the whole file in a debug build on two shared cores).
fn cases() -> u32 {
    std::env::var("FARVEL_ATTACK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

/// The binary under test: this crate's, or `FARVEL_ATTACK_BIN` (to attack
/// a build of another branch).
fn bin() -> String {
    std::env::var("FARVEL_ATTACK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_farvel").to_string())
}

/// Run `farvel report SURVEY INPUT --out DIR/report.md --json DIR/report.json`.
fn report(survey: &Path, input: &Path, dir: &Path) -> Result<Json, String> {
    let json = dir.join("report.json");
    let out = Command::new(bin())
        .arg("report")
        .arg(survey)
        .arg(input)
        .arg("--out")
        .arg(dir.join("report.md"))
        .arg("--json")
        .arg(&json)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "farvel report exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = std::fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))
}

/// Run a property over seeds: proptest's cases (`FARVEL_ATTACK_CASES`),
/// or only the seed in `FARVEL_ATTACK_SEED` (hex, as failures print it).
fn run_seeds(test: impl Fn(u64) -> Result<(), TestCaseError>) -> Result<(), String> {
    if let Ok(s) = std::env::var("FARVEL_ATTACK_SEED") {
        let seed = u64::from_str_radix(s.trim().trim_start_matches("0x"), 16)
            .unwrap_or_else(|e| panic!("FARVEL_ATTACK_SEED={s}: {e}"));
        return test(seed).map_err(|e| e.to_string());
    }
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        max_shrink_iters: 0,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::num::u64::ANY, test)
        .map_err(|e| e.to_string())
}

/// Keep a failing case's folder and say where it is.
fn keep(dir: tempfile::TempDir) -> PathBuf {
    dir.keep()
}

fn write_survey(dir: &Path, g: &GenSurvey) -> (PathBuf, farvel::survey::Survey) {
    let path = dir.join("gen.yaml");
    std::fs::write(&path, &g.yaml).unwrap();
    let survey = farvel::survey::load_survey(&path)
        .unwrap_or_else(|e| panic!("generated survey does not load: {e}\n{}", g.yaml));
    (path, survey)
}

/// Random surveys and skewed microdata: whatever the report prints, the
/// attacker finds no violation.
#[test]
fn random_reports_survive_the_attacker() {
    let started = Instant::now();
    let modes: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(Vec::new());
    // FARVEL_ATTACK_KEEP_GOING=1: run every case and list every failing one.
    let keep_going = std::env::var_os("FARVEL_ATTACK_KEEP_GOING").is_some();
    let failures: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(Vec::new());
    let result = run_seeds(|seed| {
        let mut rng = Rng::new(seed);
        let k = rng.range(5, 10) as u32;
        let (nsegs, nq) = (rng.range(2, 3), rng.range(2, 5));
        let g = generate::survey(&mut rng, nsegs, nq, k);
        let nperiods = rng.range(1, 6);
        let atoms = generate::skewed_atoms(&mut rng, &g, nperiods, 20);
        let dir = tempfile::tempdir().unwrap();
        let (survey_path, survey) = write_survey(dir.path(), &g);
        let csv = dir.path().join("data.csv");
        generate::write_csv(&mut rng, &survey, &g, &atoms, Spread::Skewed, &csv);
        let json = report(&survey_path, &csv, dir.path()).map_err(TestCaseError::fail)?;
        let t = Instant::now();
        let out =
            attack(&survey_path, &csv, &json, Budget::default()).map_err(TestCaseError::fail)?;
        modes.borrow_mut().push(format!(
            "seed {seed:#x}: {} ({:.2} s)",
            out.notes.join("; "),
            t.elapsed().as_secs_f64()
        ));
        if !out.findings.is_empty() {
            let kept = keep(dir);
            let msg = format!(
                "seed {seed:#x}: the attacker found {} violation(s); files kept in {}\n{}",
                out.findings.len(),
                kept.display(),
                out.report()
            );
            if keep_going {
                failures.borrow_mut().push(msg);
                return Ok(());
            }
            return Err(TestCaseError::fail(msg));
        }
        Ok(())
    });
    let modes = modes.into_inner();
    for m in &modes {
        eprintln!("{m}");
    }
    eprintln!(
        "{} cases in {:.1} s",
        modes.len(),
        started.elapsed().as_secs_f64()
    );
    let failures = failures.into_inner();
    if !failures.is_empty() {
        panic!(
            "{} failing case(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Safe data must be described: every atom has at least k respondents,
/// every group of one dimension at least 2k answerers of every (required,
/// unconditional) question, and every atom at least two answerers outside
/// every class grouping. Then everyone and every one-dimension group must
/// have their respondents and every class count shown, and the attacker
/// must find nothing.
#[test]
fn safe_groups_are_shown() {
    let started = Instant::now();
    let result = run_seeds(|seed| {
        let mut rng = Rng::new(seed);
        let k = rng.range(5, 10) as u32;
        let nsegs = rng.range(0, 3);
        let nperiods = rng.range(1, 3);
        let segs: Vec<GenSeg> = (0..nsegs)
            .map(|i| GenSeg {
                id: format!("seg{i}"),
                values: (0..rng.range(2, 4)).map(|v| format!("s{v}")).collect(),
                required: true,
                other: false,
            })
            .collect();
        let qs: Vec<generate::GenQ> = (0..rng.range(2, 4))
            .map(|i| generate::GenQ {
                id: format!("q{i}"),
                ty: match rng.range(0, 5) {
                    0 => Type::Choice(rng.range(2, 4)),
                    1 => Type::YesNo,
                    2 => Type::Scale,
                    3 => Type::Nps,
                    4 => Type::Multi(rng.range(2, 4), false),
                    _ => Type::Matrix(rng.range(1, 2)),
                },
                required: true,
                show_if: None,
            })
            .collect();
        let g = GenSurvey {
            yaml: generate::yaml(&segs, &qs, k),
            k,
            segs,
            qs,
        };
        let k = k as usize;
        // Every combination, each of k to 2k respondents, topped up so that
        // every one-dimension group has at least 2k.
        let mut atoms: Vec<GenAtom> = vec![GenAtom {
            segs: Vec::new(),
            period: None,
            n: 0,
        }];
        for s in &g.segs {
            atoms = atoms
                .into_iter()
                .flat_map(|a| {
                    s.values.iter().map(move |v| {
                        let mut a = a.clone();
                        a.segs.push(Some(v.clone()));
                        a
                    })
                })
                .collect();
        }
        let periods = generate::quarters(nperiods);
        atoms = atoms
            .into_iter()
            .flat_map(|a| {
                periods.iter().map(move |p| GenAtom {
                    period: Some(p.clone()),
                    ..a.clone()
                })
            })
            .collect();
        for a in &mut atoms {
            a.n = rng.range(k, 2 * k);
        }
        let ndims = nsegs + 1;
        for d in 0..ndims {
            let value = |a: &GenAtom| -> Option<String> {
                if d < nsegs {
                    a.segs[d].clone()
                } else {
                    a.period.clone()
                }
            };
            let values: Vec<Option<String>> = atoms.iter().map(value).collect();
            for v in &values {
                let total: usize = atoms.iter().filter(|a| &value(a) == v).map(|a| a.n).sum();
                if total < 2 * k {
                    let a = atoms.iter_mut().find(|a| &value(a) == v).unwrap();
                    a.n += 2 * k - total;
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let (survey_path, survey) = write_survey(dir.path(), &g);
        let csv = dir.path().join("data.csv");
        generate::write_csv(&mut rng, &survey, &g, &atoms, Spread::Safe, &csv);
        let json = report(&survey_path, &csv, dir.path()).map_err(TestCaseError::fail)?;

        let mut groups: Vec<Json> = vec![serde_json::json!({})];
        for (d, s) in g.segs.iter().enumerate() {
            for v in &s.values {
                if atoms.iter().any(|a| a.segs[d].as_ref() == Some(v)) {
                    groups.push(serde_json::json!({ s.id.clone(): [v] }));
                }
            }
        }
        for p in &periods {
            groups.push(serde_json::json!({ "period": [p] }));
        }
        let figures = json["figures"].as_array().cloned().unwrap_or_default();
        let find = |group: &Json,
                    q: Option<&str>,
                    row: Option<&str>,
                    measure: &str,
                    class: Option<&str>| {
            figures.iter().find(|f| {
                &f["group"] == group
                    && f["question"].as_str() == q
                    && f["row"].as_str() == row
                    && f["measure"] == measure
                    && class.is_none_or(|c| f["classes"] == serde_json::json!([c]))
            })
        };
        let mut missing: Vec<String> = Vec::new();
        for group in &groups {
            let mut expect = |q: Option<&str>,
                              row: Option<&str>,
                              measure: &str,
                              class: Option<&str>| {
                match find(group, q, row, measure, class) {
                    Some(f) if f["status"] == "shown" => {}
                    Some(_) => missing.push(format!(
                        "{group} {q:?} {row:?} {measure} {class:?}: not shown"
                    )),
                    None => missing.push(format!(
                        "{group} {q:?} {row:?} {measure} {class:?}: no such figure"
                    )),
                }
            };
            expect(None, None, "respondents", None);
            for q in &g.qs {
                let opts: Vec<String> = match &q.ty {
                    Type::Choice(n) | Type::Multi(n, _) => {
                        (0..*n).map(|i| format!("o{i}")).collect()
                    }
                    Type::YesNo => vec!["yes".into(), "no".into()],
                    Type::Scale | Type::Matrix(_) => (1..=5).map(|p| p.to_string()).collect(),
                    Type::Nps => (0..=10).map(|p| p.to_string()).collect(),
                };
                let rows: Vec<Option<String>> = match &q.ty {
                    Type::Matrix(n) => (0..*n).map(|r| Some(format!("r{r}"))).collect(),
                    _ => vec![None],
                };
                for r in &rows {
                    for c in &opts {
                        expect(Some(&q.id), r.as_deref(), "count", Some(c));
                    }
                }
            }
        }
        let out =
            attack(&survey_path, &csv, &json, Budget::default()).map_err(TestCaseError::fail)?;
        if !missing.is_empty() || !out.findings.is_empty() {
            let kept = keep(dir);
            return Err(TestCaseError::fail(format!(
                "seed {seed:#x} (files kept in {}): {} safe figure(s) not shown:\n{}\nattacker:\n{}",
                kept.display(),
                missing.len(),
                missing.join("\n"),
                out.report()
            )));
        }
        Ok(())
    });
    eprintln!(
        "safe_groups_are_shown: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The bundled samples and the report fixtures (each brought to the
/// normalised form by `farvel ingest`) pass the attacker.
#[test]
fn bundled_reports_survive_the_attacker() {
    let fix = "tests/fixtures/report";
    let cases: Vec<(String, String)> = vec![
        (
            format!("{fix}/exit-interview.yaml"),
            "samples/exit-interview-normalised.csv".into(),
        ),
        (
            format!("{fix}/small.yaml"),
            format!("{fix}/thirteen/responses.csv"),
        ),
        (
            format!("{fix}/small.yaml"),
            format!("{fix}/too_few/responses.csv"),
        ),
        (
            format!("{fix}/small.yaml"),
            format!("{fix}/unanimous/responses.csv"),
        ),
        (
            format!("{fix}/rated.yaml"),
            format!("{fix}/rated/responses.csv"),
        ),
        (
            format!("{fix}/others.yaml"),
            format!("{fix}/others/twelve.csv"),
        ),
    ];
    // One fixture per class of leak the audit closes (tests/disclosure.rs).
    let mut cases = cases;
    for case in [
        "guard-subtracted",
        "top-two",
        "one-answerer",
        "segment-condition",
        "small-union",
    ] {
        cases.push((
            "tests/fixtures/disclosure/survey.yaml".into(),
            format!("tests/fixtures/disclosure/{case}/responses.csv"),
        ));
    }
    let mut failures = Vec::new();
    for (survey, export) in cases {
        let dir = tempfile::tempdir().unwrap();
        let normalised = dir.path().join("normalised.csv");
        let st = Command::new(bin())
            .args(["ingest", survey.as_str(), export.as_str(), "--out"])
            .arg(&normalised)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "ingest {export}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        let json = report(Path::new(&survey), &normalised, dir.path())
            .unwrap_or_else(|e| panic!("{export}: {e}"));
        let out = attack(Path::new(&survey), &normalised, &json, Budget::default())
            .unwrap_or_else(|e| panic!("{export}: {e}"));
        eprintln!("{export}: {}", out.notes.join("; "));
        if !out.findings.is_empty() {
            failures.push(format!("{export}:\n{}", out.report()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A report that shows everything must be caught: whenever a group it
/// shows has 1 to k−1 respondents, the attacker reports a small set. Runs
/// without `--json` (the JSON comes from [`crate::mock`]), and times the
/// attacker on report-sized inputs.
#[test]
fn full_disclosure_is_caught() {
    let started = Instant::now();
    let result = run_seeds(|seed| {
        let mut rng = Rng::new(seed);
        let k = rng.range(5, 10) as u32;
        let (nsegs, nq) = (rng.range(2, 3), rng.range(2, 5));
        let g = generate::survey(&mut rng, nsegs, nq, k);
        let nperiods = rng.range(1, 6);
        let atoms = generate::skewed_atoms(&mut rng, &g, nperiods, 20);
        let dir = tempfile::tempdir().unwrap();
        let (survey_path, survey) = write_survey(dir.path(), &g);
        let csv = dir.path().join("data.csv");
        generate::write_csv(&mut rng, &survey, &g, &atoms, Spread::Skewed, &csv);
        let (model, data) = crate::tabulate(&survey_path, &csv).map_err(TestCaseError::fail)?;
        let json = crate::mock::full_disclosure(&model, &data);
        let t = Instant::now();
        let out =
            attack(&survey_path, &csv, &json, Budget::default()).map_err(TestCaseError::fail)?;
        let small_group = json["figures"].as_array().unwrap().iter().any(|f| {
            f["measure"] == "respondents"
                && f["value"]
                    .as_u64()
                    .is_some_and(|n| n > 0 && n < u64::from(k))
        });
        eprintln!(
            "seed {seed:#x}: {} findings ({} small sets) in {:.2} s; {}",
            out.findings.len(),
            out.of(Rule::SmallSet).len(),
            t.elapsed().as_secs_f64(),
            out.notes.join("; ")
        );
        let wrong: Vec<String> = out
            .findings
            .iter()
            .filter(|f| matches!(f.rule, Rule::Mismatch | Rule::Format))
            .map(ToString::to_string)
            .collect();
        if !wrong.is_empty() {
            return Err(TestCaseError::fail(format!(
                "seed {seed:#x}: {}",
                wrong.join("\n")
            )));
        }
        if small_group && out.of(Rule::SmallSet).is_empty() {
            return Err(TestCaseError::fail(format!(
                "seed {seed:#x}: a group below k is shown, yet no small set was found\n{}",
                out.report()
            )));
        }
        Ok(())
    });
    eprintln!(
        "full_disclosure_is_caught: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Attack a kept case again (a folder with gen.yaml, data.csv and
/// report.json, as a failing property case leaves it):
/// `FARVEL_ATTACK_DIR=/tmp/… cargo test --test attacker attack_dir -- --ignored --nocapture`.
#[test]
#[ignore = "a tool: needs FARVEL_ATTACK_DIR"]
fn attack_dir() {
    let dir = PathBuf::from(std::env::var("FARVEL_ATTACK_DIR").expect("FARVEL_ATTACK_DIR"));
    let json: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let out = attack(
        &dir.join("gen.yaml"),
        &dir.join("data.csv"),
        &json,
        Budget::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", out.report());
}

/// Every question type (choice and multi with "other", "none", yes/no,
/// scale, NPS, matrix, ranking, date, number, text, a conditional text, a
/// segment with write-ins) through the binary: the attacker's model must
/// read every figure (no mismatch, no format finding) and find nothing.
#[test]
fn every_question_type_is_modelled() {
    const SURVEY: &str = r#"id: types
title: T
custodian: c
endpoint:
  service: netlify
sections:
  - questions:
      - { id: dept, type: choice, segment: true, other: true, text: D, options: { eng: E, sales: S } }
      - { id: why, type: choice, other: true, text: W, options: { pay: P, boss: B, growth: G } }
      - { id: what, type: multi, other: true, none: true, text: M, options: { a: A, b: B, c: C } }
      - { id: ok, type: yesno, text: O }
      - { id: mood, type: scale, text: S }
      - { id: enps, type: nps, text: N }
      - { id: grid, type: matrix, scale: agree5, text: G, rows: { r1: R1, r2: R2 } }
      - { id: rank, type: ranking, text: R, options: { x: X, y: Y, z: Z } }
      - { id: start, type: date, precision: month, text: D }
      - { id: years, type: number, min: 0, max: 40, integer: true, text: Y }
      - { id: note, type: text, text: T }
      - { id: more, type: text, show_if: "why == 'boss'", text: T }
"#;
    let dir = tempfile::tempdir().unwrap();
    let survey = dir.path().join("types.yaml");
    std::fs::write(&survey, SURVEY).unwrap();
    let mut rng = Rng::new(7);
    let mut csv = String::from(
        "_period,dept,dept_other,why,why_other,what,what_other,ok,mood,enps,grid__r1,grid__r2,rank,start,years,note,more\r\n",
    );
    let texts = ["Keep the demos", "More pay", "Better tools"];
    for i in 0..90 {
        let mut cell = |p: f64, v: String| if rng.chance(p) { v } else { String::new() };
        let period = if i % 3 == 0 { "2025-Q1" } else { "2025-Q2" };
        let dept = ["eng", "sales", "other", ""][i % 4];
        let dept_other = if dept == "other" { "Ops" } else { "" };
        let why = ["pay", "boss", "growth", "other"][(i / 4) % 4];
        let why_other = if why == "other" { "Commute" } else { "" };
        let what = ["a", "a|c", "b", "none", "b|other", "c"][(i * 7) % 6];
        let what_other = if what.contains("other") { "Noise" } else { "" };
        let ok = cell(0.9, ["yes", "no"][i % 2].into());
        let mood = cell(0.9, ((i * 3) % 5 + 1).to_string());
        let enps = cell(0.9, ((i * 7) % 11).to_string());
        let r1 = cell(0.9, ((i * 2) % 5 + 1).to_string());
        let r2 = cell(0.8, ((i * 4) % 5 + 1).to_string());
        let rank = cell(0.8, ["x|y|z", "y|x", "z", "z|x|y"][i % 4].into());
        let start = cell(0.8, format!("20{:02}-{:02}", 10 + i % 10, i % 12 + 1));
        let years = cell(0.8, ((i * 5) % 30).to_string());
        let note = cell(0.5, texts[i % 3].into());
        let more = if why == "boss" {
            cell(0.7, texts[(i + 1) % 3].into())
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "{period},{dept},{dept_other},{why},{why_other},{what},{what_other},{ok},{mood},{enps},{r1},{r2},{rank},{start},{years},{note},{more}\r\n"
        ));
    }
    let export = dir.path().join("export.csv");
    std::fs::write(&export, csv).unwrap();
    let normalised = dir.path().join("normalised.csv");
    let st = Command::new(bin())
        .arg("ingest")
        .arg(&survey)
        .arg(&export)
        .arg("--out")
        .arg(&normalised)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let json = report(&survey, &normalised, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let out =
        attack(&survey, &normalised, &json, Budget::default()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{}", out.report());
    let measures: std::collections::BTreeSet<String> = json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "shown")
        .map(|f| format!("{} {}", f["question"], f["measure"]))
        .collect();
    eprintln!("shown: {measures:?}");
    assert!(out.findings.is_empty(), "{}", out.report());
}
