//! Table-driven tests: a survey snippet → the diagnostics as
//! `line:col: severity: message`.

use std::path::Path;

use super::validate;

fn run(src: &str) -> Vec<String> {
    validate(src, Path::new("t.yaml"))
        .iter()
        .map(|d| {
            let sev = if d.is_error() { "error" } else { "warning" };
            match d.pos {
                Some(p) => format!("{}:{}: {sev}: {}", p.line, p.col, d.message),
                None => format!("{sev}: {}", d.message),
            }
        })
        .collect()
}

#[test]
fn mini_fixture_is_clean_but_for_the_email_warning() {
    let src = include_str!("../../../tests/fixtures/mini.yaml");
    let got = run(src);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("10:12: warning: 'formspree' e-mails"), "{got:#?}");
}
