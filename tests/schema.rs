//! The committed schema is current, and every example survey and every
//! template's output validates against it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_to_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator() -> jsonschema::Validator {
    let schema = farvel::survey::schema::schema();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("the schema compiles: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, path: &Path) {
    let doc = yaml_to_json(path);
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{}:\n{}",
        path.display(),
        errors.join("\n")
    );
}

#[test]
fn committed_schema_is_current() {
    let committed =
        std::fs::read_to_string(root().join("schema/survey.schema.json")).unwrap_or_default();
    let out = Command::cargo_bin("farvel")
        .expect("binary")
        .arg("schema")
        .output()
        .expect("run farvel schema");
    assert!(out.status.success());
    assert!(
        committed == String::from_utf8_lossy(&out.stdout),
        "schema/survey.schema.json is stale; run `cargo run -- schema --out schema/survey.schema.json`"
    );
}

#[test]
fn examples_validate() {
    let v = validator();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("surveys"))
        .expect("surveys/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    for f in files
        .iter()
        .chain([root().join("tests/fixtures/mini.yaml")].iter())
    {
        assert_valid(&v, f);
    }
}

#[test]
fn template_outputs_validate() {
    let v = validator();
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, t) in ["exit-interview", "pulse", "blank"].iter().enumerate() {
        for (j, langs) in ["nb,en", "en", "en,de"].iter().enumerate() {
            let id = format!("t{i}-{j}");
            Command::cargo_bin("farvel")
                .expect("binary")
                .args(["new", &id, "--template", t, "--languages", langs, "--dir"])
                .arg(dir.path())
                .assert()
                .success();
            assert_valid(&v, &dir.path().join(format!("surveys/{id}.yaml")));
        }
    }
}

#[test]
fn schema_rejects_mistakes() {
    let v = validator();
    let bad = [
        (
            "title: x\nendpoint: {service: formspree}\nsections: [{questions: [{id: a, type: yesno, text: A}]}]",
            "formspree without url",
        ),
        (
            "title: x\nendpoint: {service: url, url: 'https://x.example'}\nsections: [{questions: [{id: a, type: yesno, text: A, requird: true}]}]",
            "unknown key",
        ),
        (
            "title: x\nendpoint: {service: url, url: 'https://x.example'}\nsections: [{questions: [{id: a, type: scale, text: A, segment: true}]}]",
            "segment on a scale",
        ),
        (
            "title: x\nendpoint: {service: url, url: 'https://x.example'}\nsections: [{questions: [{id: Bad, type: yesno, text: A}]}]",
            "id breaks the slug rule",
        ),
        (
            "title: x\nendpoint: {service: netlify, access_key: k}\nsections: [{questions: [{id: a, type: yesno, text: A}]}]",
            "key of another service",
        ),
        (
            "title: x\nendpoint: {service: url, url: 'https://x.example'}\nanonymity: {min_group: 3}\nsections: [{questions: [{id: a, type: yesno, text: A}]}]",
            "min_group below 5",
        ),
    ];
    for (src, what) in bad {
        let yaml: serde_yaml::Value = serde_yaml::from_str(src).expect("yaml");
        let doc = serde_json::to_value(yaml).expect("json");
        assert!(!v.is_valid(&doc), "{what} should be rejected");
    }
}
