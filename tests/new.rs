//! `farvel new`: every template in several language sets writes a survey
//! that loads and passes `check`; it never overwrites; it keeps exports,
//! keys and reports out of git.

use assert_cmd::Command;
use predicates::str::contains;

fn farvel() -> Command {
    Command::cargo_bin("farvel").expect("the farvel binary")
}

#[test]
fn every_template_and_language_set_passes_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sets = ["nb,en", "en", "nb", "en,de", "sv", "nb,en,pt-BR"];
    let mut n = 0;
    for template in ["exit-interview", "pulse", "blank"] {
        for (i, langs) in sets.iter().enumerate() {
            let id = format!("{template}-{i}");
            farvel()
                .args([
                    "new",
                    &id,
                    "--template",
                    template,
                    "--languages",
                    langs,
                    "--dir",
                ])
                .arg(dir.path())
                .assert()
                .success()
                .stdout(contains(format!(
                    "wrote {}",
                    dir.path()
                        .join("surveys")
                        .join(format!("{id}.yaml"))
                        .display()
                )));
            let path = dir.path().join("surveys").join(format!("{id}.yaml"));
            let survey = farvel::survey::load_survey(&path)
                .unwrap_or_else(|e| panic!("{id} ({langs}) must load: {e}"));
            let want: Vec<String> = langs.split(',').map(String::from).collect();
            assert_eq!(survey.languages, want);
            assert_eq!(survey.id, id);
            n += 1;
        }
    }
    farvel()
        .arg("check")
        .arg(dir.path().join("surveys"))
        .assert()
        .success()
        .stderr(contains(format!("checked {n} files: 0 errors")));
}

#[test]
fn extra_languages_are_marked_for_translation() {
    let dir = tempfile::tempdir().expect("temp dir");
    farvel()
        .args(["new", "demo", "--languages", "en,de", "--dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("translate the texts marked TODO into de"));
    let text = std::fs::read_to_string(dir.path().join("surveys/demo.yaml")).expect("read");
    assert!(text.contains("  en: Exit survey\n  # TODO: translate into de (copied from the English text)\n  de: Exit survey\n"));
    assert!(!text.contains("nb:"));
}

#[test]
fn refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = || {
        let mut c = farvel();
        c.args(["new", "demo", "--template", "blank", "--dir"])
            .arg(dir.path());
        c
    };
    run().assert().success();
    let path = dir.path().join("surveys/demo.yaml");
    std::fs::write(&path, "# mine\n").expect("write");
    run()
        .assert()
        .code(1)
        .stderr(contains("already exists; farvel new never overwrites"))
        .stderr(contains("hint: choose another id"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "# mine\n");
}

#[test]
fn rejects_bad_ids_and_languages() {
    let dir = tempfile::tempdir().expect("temp dir");
    farvel()
        .args(["new", "My Survey", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("'My Survey' cannot be a survey id"))
        .stderr(contains("such as 'my-survey'"));
    farvel()
        .args(["new", "ok", "--languages", "nb,Norsk", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("'Norsk' is not a language code"));
    assert!(!dir.path().join("surveys").exists());
}

#[test]
fn gitignore_is_created_or_completed() {
    let dir = tempfile::tempdir().expect("temp dir");
    farvel()
        .args(["new", "a", "--template", "blank", "--dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("added 6 line(s)"));
    let gi = std::fs::read_to_string(dir.path().join(".gitignore")).expect("read");
    for l in [
        "*.csv",
        "keys/",
        "report*.md",
        "report*.html",
        "report_files/",
        "reports/*.review.yaml",
    ] {
        assert!(gi.lines().any(|x| x == l), "{l} missing from {gi}");
    }
    // A second survey adds nothing.
    farvel()
        .args(["new", "b", "--template", "blank", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).expect("read"),
        gi
    );

    // An existing .gitignore keeps its lines and gets only what it lacks.
    let other = tempfile::tempdir().expect("temp dir");
    std::fs::write(other.path().join(".gitignore"), "target\n/keys/\n*.csv").expect("write");
    farvel()
        .args(["new", "c", "--template", "blank", "--dir"])
        .arg(other.path())
        .assert()
        .success()
        .stdout(contains("added 4 line(s)"));
    let gi = std::fs::read_to_string(other.path().join(".gitignore")).expect("read");
    assert!(gi.starts_with("target\n/keys/\n*.csv\n\n# farvel:"), "{gi}");
    assert!(
        gi.ends_with("report*.md\nreport*.html\nreport_files/\nreports/*.review.yaml\n"),
        "{gi}"
    );
}

#[test]
fn exit_interview_template_matches_the_bundled_example() {
    let dir = tempfile::tempdir().expect("temp dir");
    farvel()
        .args(["new", "exit-interview", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let made = farvel::survey::load_survey(&dir.path().join("surveys/exit-interview.yaml"))
        .expect("template output loads");
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/exit-interview.yaml");
    let example = farvel::survey::load_survey(&example).expect("example loads");
    assert_eq!(made.fingerprint, example.fingerprint);
    assert_eq!(made.intro, example.intro);
    for (a, b) in made.questions().zip(example.questions()) {
        assert_eq!((&a.id, &a.text, &a.hint), (&b.id, &b.text, &b.hint));
    }
}
