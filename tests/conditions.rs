//! Runs every case of the condition corpus through the Rust parser, type
//! checker and `visible_questions`.

mod corpus;

use farvel::survey::Question;
use farvel::survey::expr::{check, parse, visible_questions};

#[test]
fn corpus_has_enough_cases() {
    let (_, cases) = corpus::load();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    assert!(cases.iter().any(|c| c.expected) && cases.iter().any(|c| !c.expected));
}

#[test]
fn rust_evaluator_passes_the_corpus() {
    let (questions, cases) = corpus::load();
    let mut failures = Vec::new();
    for case in &cases {
        let survey = corpus::survey_for(&questions, &case.expr);
        let expr = parse(&case.expr).unwrap_or_else(|e| panic!("{}: {}", case.expr, e.message));
        let earlier: Vec<&Question> = survey.questions().filter(|q| q.id != "probe").collect();
        let problems = check(&expr, &earlier, "probe");
        assert!(problems.is_empty(), "{}: {problems:?}", case.expr);
        let answers = corpus::answers(&survey, &case.answers);
        let shown = visible_questions(&survey, &answers).contains("probe");
        if shown != case.expected {
            failures.push(format!(
                "{} with {:?}: got {shown}, expected {}",
                case.expr, case.answers, case.expected
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
