//! Runs the condition corpus through the page's evaluator
//! (themes/default/conditions.js) under Node: every case becomes JSON
//! { expr, ast, conditions, table, visible, expected }, where `table` holds
//! what the page's lookup(q, row) returns ("q" or "q.row" → value) and
//! `visible` is the set of questions the Rust evaluator shows.
//! Without `node` on PATH the test fails, unless FARVEL_SKIP_NODE=1.

mod corpus;

use std::process::Command;

use farvel::survey::Kind;
use farvel::survey::expr::{Value as V, lookup, parse, visible_questions};
use serde_json::{Value as Json, json};

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn to_json(v: V<'_>) -> Json {
    match v {
        V::Str(s) => json!(s),
        V::Num(n) => json!(n),
        V::Set(s) => json!(s.values()),
        V::Opaque => json!(true),
    }
}

fn corpus_json() -> Json {
    let (questions, cases) = corpus::load();
    let mut out = Vec::new();
    for case in &cases {
        let survey = corpus::survey_for(&questions, &case.expr);
        let answers = corpus::answers(&survey, &case.answers);
        let mut table = serde_json::Map::new();
        for q in survey.questions() {
            if let Some(v) = lookup(&answers, &q.id, None) {
                table.insert(q.id.clone(), to_json(v));
            }
            if let Kind::Matrix { rows, .. } = &q.kind {
                for row in rows.keys() {
                    if let Some(v) = lookup(&answers, &q.id, Some(row)) {
                        table.insert(format!("{}.{row}", q.id), to_json(v));
                    }
                }
            }
        }
        let conditions: Vec<Json> = survey
            .questions()
            .map(|q| json!({"id": q.id, "ast": q.show_if.as_ref().map(|c| c.expr.to_json())}))
            .collect();
        let ast = parse(&case.expr)
            .unwrap_or_else(|e| panic!("{}: {}", case.expr, e.message))
            .to_json();
        let visible: Vec<String> = visible_questions(&survey, &answers).into_iter().collect();
        out.push(json!({
            "expr": case.expr, "ast": ast, "conditions": conditions,
            "table": table, "visible": visible, "expected": case.expected,
        }));
    }
    json!({ "cases": out })
}

#[test]
fn javascript_evaluator_passes_the_corpus() {
    if !node_available() {
        if std::env::var("FARVEL_SKIP_NODE").as_deref() == Ok("1") {
            eprintln!("skipped: node is not on PATH and FARVEL_SKIP_NODE=1");
            return;
        }
        panic!(
            "`node` is not on PATH: the page's condition evaluator cannot be tested. \
             Install Node.js, or set FARVEL_SKIP_NODE=1 to skip this test."
        );
    }
    let corpus = corpus_json();
    let n = corpus["cases"].as_array().map_or(0, Vec::len);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("conditions.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&corpus).expect("json")).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/conditions.test.js");
    let out = Command::new("node")
        .arg(script)
        .arg(&file)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "JS corpus failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("{n} passed, 0 failed")),
        "unexpected summary:\n{stdout}"
    );
}
