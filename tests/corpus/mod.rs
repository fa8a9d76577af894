//! The shared condition corpus (tests/fixtures/conditions.yaml): loads the
//! questions and cases, builds for each case a survey whose last question
//! `probe` carries the case's expression, and turns the case's answers into
//! [`Answer`]s by question type.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use farvel::answers::Answer;
use farvel::survey::{Kind, Survey, parse_survey};
use serde_yaml::Value;

pub struct Case {
    pub expr: String,
    pub answers: serde_yaml::Mapping,
    pub expected: bool,
}

pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conditions.yaml")
}

/// The corpus: its question list and its cases.
pub fn load() -> (Vec<Value>, Vec<Case>) {
    let text = std::fs::read_to_string(path()).expect("read the corpus");
    let doc: Value = serde_yaml::from_str(&text).expect("the corpus is YAML");
    let questions = doc["questions"]
        .as_sequence()
        .expect("corpus: questions is a list")
        .clone();
    let cases = doc["cases"]
        .as_sequence()
        .expect("corpus: cases is a list")
        .iter()
        .map(|c| Case {
            expr: c["expr"].as_str().expect("case: expr").to_string(),
            answers: c["answers"].as_mapping().cloned().unwrap_or_default(),
            expected: c["expected"].as_bool().expect("case: expected"),
        })
        .collect();
    (questions, cases)
}

/// A one-section survey of the corpus questions plus `probe` (show_if = expr).
pub fn survey_for(questions: &[Value], expr: &str) -> Survey {
    let mut qs = questions.to_vec();
    let probe: Value = serde_yaml::from_str(&format!(
        "{{ id: probe, type: text, text: Probe, show_if: {} }}",
        serde_json::to_string(expr).expect("quote")
    ))
    .expect("probe question");
    qs.push(probe);
    let mut section = serde_yaml::Mapping::new();
    section.insert("questions".into(), Value::Sequence(qs));
    let mut doc: serde_yaml::Mapping = serde_yaml::from_str(
        "{ title: Corpus, endpoint: { service: url, url: 'https://example.com/c' } }",
    )
    .expect("header");
    doc.insert(
        "sections".into(),
        Value::Sequence(vec![Value::Mapping(section)]),
    );
    let text = serde_yaml::to_string(&doc).expect("serialise");
    parse_survey(&text, Path::new("corpus.yaml"))
        .unwrap_or_else(|e| panic!("corpus survey for {expr:?} must load: {e}"))
}

/// The case's answers as the model holds them.
pub fn answers(survey: &Survey, raw: &serde_yaml::Mapping) -> BTreeMap<String, Answer> {
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        let id = k.as_str().expect("answer key is a question id");
        let q = survey
            .question(id)
            .unwrap_or_else(|| panic!("answer to unknown question {id}"));
        let strings = || -> Vec<String> {
            v.as_sequence()
                .expect("a list")
                .iter()
                .map(|x| x.as_str().expect("a string").to_string())
                .collect()
        };
        let text = || v.as_str().expect("a string").to_string();
        let a = match &q.kind {
            Kind::Choice { .. } => Answer::Choice(text()),
            Kind::Multi { .. } => Answer::Multi(strings()),
            Kind::Ranking { .. } => Answer::Ranking(strings()),
            Kind::YesNo => Answer::YesNo(text() == "yes"),
            Kind::Scale { .. } | Kind::Nps => Answer::Point(v.as_i64().expect("a whole number")),
            Kind::Number { .. } => Answer::Number(v.as_f64().expect("a number")),
            Kind::Text { .. } => Answer::Text(text()),
            Kind::Date { .. } => {
                let s = text();
                let (y, m) = s.split_once('-').expect("YYYY-MM");
                Answer::Month {
                    year: y.parse().expect("year"),
                    month: m.parse().expect("month"),
                }
            }
            Kind::Matrix { .. } => Answer::Matrix(
                v.as_mapping()
                    .expect("a map row → point")
                    .iter()
                    .map(|(r, p)| {
                        let r = r.as_str().expect("row id").to_string();
                        (r, p.as_i64().expect("a point"))
                    })
                    .collect(),
            ),
            Kind::Info => panic!("info {id} has no answer"),
        };
        out.insert(id.to_string(), a);
    }
    out
}
