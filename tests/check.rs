//! `farvel check` end to end: the real binary over the fixture folders in
//! tests/fixtures/check/<case>/, with exit code, stdout and stderr
//! snapshotted.

use std::path::Path;

use assert_cmd::Command;

/// Run `farvel check ARGS…` from the crate root; the exit code and output
/// as one text for a snapshot.
fn check(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("farvel")
        .expect("the farvel binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("check")
        .args(args)
        .output()
        .expect("farvel runs");
    let code = out.status.code().unwrap_or(-1);
    let text = format!(
        "exit: {code}\n--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (code, text)
}

fn case(name: &str) -> String {
    let dir = format!("tests/fixtures/check/{name}");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(&dir).is_dir(),
        "{dir}"
    );
    dir
}

#[test]
fn clean_survey_passes() {
    let (code, text) = check(&[&case("ok")]);
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("ok", text);
}

#[test]
fn six_mistakes_are_all_named_at_their_places() {
    let (code, text) = check(&[&case("six-mistakes")]);
    assert_eq!(code, 1, "{text}");
    let file = "tests/fixtures/check/six-mistakes/exit.yaml";
    for place in ["5:1", "8:14", "14:9", "19:19", "22:29", "24:13"] {
        assert!(
            text.contains(&format!("{file}:{place}: error: ")),
            "{place} in {text}"
        );
    }
    assert!(
        text.contains("checked 1 file: 6 errors, 1 warning"),
        "{text}"
    );
    insta::assert_snapshot!("six_mistakes", text);
}

#[test]
fn warnings_pass_unless_denied() {
    let (code, text) = check(&[&case("warnings")]);
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("warnings", text);
    let (code, denied) = check(&["--deny-warnings", &case("warnings")]);
    assert_eq!(code, 1, "{denied}");
    assert_eq!(denied.replace("exit: 1", "exit: 0"), text);
}

#[test]
fn segments_the_report_cannot_show_well_are_warned_about() {
    let (code, text) = check(&[&case("segments")]);
    assert_eq!(code, 0, "{text}");
    let file = "tests/fixtures/check/segments/exit.yaml";
    for place in ["12:16", "21:18", "28:19"] {
        assert!(
            text.contains(&format!("{file}:{place}: warning: ")),
            "{place} in {text}"
        );
    }
    // `answered(team_size)` tests no value of the segment.
    assert!(!text.contains("lead_more"), "{text}");
    assert!(
        text.contains("checked 1 file: 0 errors, 3 warnings"),
        "{text}"
    );
    insta::assert_snapshot!("segments", text);
    let (code, _) = check(&["--deny-warnings", &case("segments")]);
    assert_eq!(code, 1);
}

#[test]
fn yaml_syntax_error_is_placed() {
    let (code, text) = check(&[&case("syntax")]);
    assert_eq!(code, 1, "{text}");
    insta::assert_snapshot!("syntax", text);
}

#[test]
fn folders_are_walked_in_order_and_only_yaml_is_read() {
    let (code, text) = check(&[&case("folder")]);
    assert_eq!(code, 1, "{text}");
    let a = text.find("a-exit.yml").unwrap_or(usize::MAX);
    let b = text.find("checked 2 files").unwrap_or(0);
    assert!(a < b, "{text}");
    insta::assert_snapshot!("folder", text);
}

#[test]
fn translations_are_complete() {
    let (code, text) = check(&[&case("translations")]);
    assert_eq!(code, 1, "{text}");
    insta::assert_snapshot!("translations", text);
}

#[test]
fn a_missing_path_cannot_run_but_the_rest_is_checked() {
    let (code, text) = check(&[&case("ok"), "tests/fixtures/check/no-such-case"]);
    assert_eq!(code, 2, "{text}");
    insta::assert_snapshot!("missing_path", text);
}

#[test]
fn the_default_is_the_surveys_folder() {
    let out = Command::cargo_bin("farvel")
        .expect("the farvel binary")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(case("folder")))
        .arg("check")
        .output()
        .expect("farvel runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("surveys/a-exit.yml:6:15: error: 'id' is a reserved name"),
        "{err}"
    );
}

mod never_panics {
    use std::path::Path;

    use farvel::survey::check_survey;
    use proptest::prelude::*;

    const MINI: &str = include_str!("fixtures/mini.yaml");
    const TOKENS: &[&str] = &[
        ":", ": ", "- ", "{", "}", "[", "]", ",", "'", "\"", "\\", "\n", "  ", "\t", "|", ">-",
        "&a ", "*a", "#", "é", "~", "null", "true", "3", "-1", "__", "_other", "payy", "---\n",
        "? ", "!!str ", "\u{feff}",
    ];

    fn check(src: &str) {
        let (survey, diags) = check_survey(src, Path::new("p.yaml"));
        for d in &diags {
            let _ = d.render(Some(src));
        }
        assert!(survey.is_some() || diags.iter().any(|d| d.is_error()));
        // What validation passes, serde and lowering must accept too, but
        // for the odd corner where the two YAML parsers disagree on syntax.
        let validated = farvel::survey::validate::validate(src, Path::new("p.yaml"));
        if survey.is_none() && !validated.iter().any(|d| d.is_error()) {
            let late = diags
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.message.as_str());
            let syntax =
                late.is_some_and(|m| m.contains("while scanning") || m.contains("while parsing"));
            assert!(syntax, "validation passed, loading failed: {late:?}\n{src}");
        }
    }

    /// Cut, insert or duplicate at char boundaries of the text.
    fn mutate(src: &str, edits: &[(usize, usize, usize, u8)]) -> String {
        let mut s: Vec<char> = src.chars().collect();
        for &(at, len, token, op) in edits {
            let at = at % (s.len() + 1);
            let end = (at + len % 8).min(s.len());
            match op % 3 {
                0 => {
                    s.drain(at..end);
                }
                1 => {
                    let t = TOKENS[token % TOKENS.len()];
                    s.splice(at..at, t.chars());
                }
                _ => {
                    let piece: Vec<char> = s[at..end].to_vec();
                    s.splice(at..at, piece);
                }
            }
        }
        s.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn yamlish_strings(src in "[a-z_:{}\\[\\],'\"|>&*!#?~ 0-9\\-\n\t.é]{0,160}") {
            check(&src);
        }

        #[test]
        fn mutations_of_mini(edits in prop::collection::vec((0usize..4000, 0usize..64, 0usize..64, 0u8..3), 1..6)) {
            check(&mutate(MINI, &edits));
        }

        #[test]
        fn conditions_and_patterns(expr in "[a-z_.'\"\\\\()\\[\\]<>=!, 0-9é]{0,40}", quote in 0usize..3) {
            let value = match quote {
                0 => format!("'{}'", expr.replace('\'', "''")),
                1 => format!("\"{}\"", expr.replace('\\', "\\\\").replace('"', "\\\"")),
                _ => format!("|\n          {expr}"),
            };
            let src = MINI
                .replace("\"reason == 'manager' or workload >= 4\"", &value)
                .replace("multiline: true", &format!("pattern: {value}"));
            check(&src);
        }
    }
}

#[test]
fn condition_mistakes_are_placed_in_every_quoting_style() {
    let (code, text) = check(&[&case("conditions")]);
    assert_eq!(code, 1, "{text}");
    let file = "tests/fixtures/check/conditions/survey.yaml";
    for place in ["17:29", "22:24", "28:11", "34:11", "38:37"] {
        assert!(
            text.contains(&format!("{file}:{place}: error: ")),
            "{place} in {text}"
        );
    }
    insta::assert_snapshot!("conditions", text);
}
