//! Sealed responses: envelopes made by the page's seal.js (under Node) and
//! by Rust open in Rust; every rejection names its reason; padding hides
//! length; the sealed fixture opens with the DEMO key; `farvel keys new`
//! and `show` write, protect and describe key files.
//!
//! Node 20 is required; set FARVEL_SKIP_NODE=1 to skip the Node tests on a
//! machine without it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use farvel::seal::{
    PrivateKey, SealError, encode_plaintext, load_private_key, open_envelope, parse_public_key,
    seal_fields,
};
use proptest::prelude::*;

const FP: &str = "3f1a9c0277de";

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Answers that stress the canonical form: quotes, backslashes, controls,
/// non-ASCII, emoji, repeats, an empty value, and one over a bucket.
fn tricky_cases() -> Vec<Vec<(String, String)>> {
    vec![
        pairs(&[
            ("reason", "pay"),
            ("factors", "workload"),
            ("factors", "culture"),
        ]),
        pairs(&[(
            "improve",
            "«Sjefen» sa: \"nei\" \\ C:\\tmp\r\nny linje\tTAB \u{1} \u{7f}",
        )]),
        pairs(&[
            ("improve", "Æ ø å € 😀 \u{2028} \u{feff} </script>"),
            ("enps", ""),
        ]),
        pairs(&[]),
        pairs(&[("improve", &"Arbeidsmengden var for høy. ".repeat(60))]),
    ]
}

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Run tests/js/seal_make.js; None when Node is missing and FARVEL_SKIP_NODE=1.
fn node_make(pk: &str, cases: &[Vec<(String, String)>], plaintext: bool) -> Option<Vec<String>> {
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        if std::env::var("FARVEL_SKIP_NODE").as_deref() == Ok("1") {
            eprintln!("skipped: node not found and FARVEL_SKIP_NODE=1");
            return None;
        }
        panic!(
            "node (Node.js 20+) is needed for the seal.js tests; install it or set FARVEL_SKIP_NODE=1"
        );
    }
    let job = serde_json::json!({ "public_key": pk, "fingerprint": FP, "cases": cases });
    let mut cmd = Command::new("node");
    cmd.arg(repo_path("tests/js/seal_make.js"));
    if plaintext {
        cmd.arg("--plaintext");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(job.to_string().as_bytes())
        .expect("write job");
    let out = child.wait_with_output().expect("node output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "seal_make.js failed: {stderr}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    Some(text.lines().map(str::to_string).collect())
}

#[test]
fn rust_round_trip_through_public_key_text() {
    let key = PrivateKey::generate();
    let pk = parse_public_key(&key.public_key().to_text()).expect("own key parses");
    for case in tricky_cases() {
        let env = seal_fields(&pk, FP, &case);
        assert_eq!(open_envelope(&key, FP, &env), Ok(case));
    }
}

#[test]
fn envelopes_made_by_seal_js_open_in_rust() {
    let key = PrivateKey::generate();
    let cases = tricky_cases();
    let Some(envs) = node_make(&key.public_key().to_text(), &cases, false) else {
        return;
    };
    assert_eq!(envs.len(), cases.len());
    for (env, case) in envs.iter().zip(&cases) {
        assert_eq!(open_envelope(&key, FP, env).as_ref(), Ok(case));
        let rust = seal_fields(&key.public_key(), FP, case);
        assert_eq!(
            env.len(),
            rust.len(),
            "JS and Rust envelopes differ in length"
        );
    }
}

#[test]
fn seal_js_writes_the_same_canonical_plaintext_as_rust() {
    let cases = tricky_cases();
    let Some(hex) = node_make("unused", &cases, true) else {
        return;
    };
    for (js, case) in hex.iter().zip(&cases) {
        let rust: String = encode_plaintext(case)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(js, &rust, "canonical form differs for {case:?}");
    }
}

#[test]
fn seal_js_envelopes_are_rejected_with_their_reason() {
    let key = PrivateKey::generate();
    let cases = vec![pairs(&[("reason", "manager"), ("improve", "hemmelig")])];
    let Some(envs) = node_make(&key.public_key().to_text(), &cases, false) else {
        return;
    };
    let env = &envs[0];
    let mut bytes = URL_SAFE_NO_PAD.decode(env).expect("base64url");
    let n = bytes.len();
    let truncated = URL_SAFE_NO_PAD.encode(&bytes[..n - 100]);
    bytes[n - 40] ^= 0x01;
    let flipped = URL_SAFE_NO_PAD.encode(&bytes);
    let other_key = PrivateKey::generate();
    let checks = [
        (
            open_envelope(&key, FP, &flipped),
            SealError::WrongKeyOrTampered,
        ),
        (
            open_envelope(&other_key, FP, env),
            SealError::WrongKeyOrTampered,
        ),
        (open_envelope(&key, FP, &truncated), SealError::Truncated),
        (
            open_envelope(&key, "ffffffffffff", env),
            SealError::OtherSurvey,
        ),
    ];
    for (got, want) in checks {
        assert_eq!(got, Err(want));
    }
    assert_eq!(
        SealError::WrongKeyOrTampered.to_string(),
        "wrong key or tampered envelope"
    );
    assert_eq!(
        SealError::OtherSurvey.to_string(),
        "sealed for another survey"
    );
}

#[test]
fn seal_js_node_tests_pass() {
    if node_make("unused", &[], true).is_none() {
        return;
    }
    let out = Command::new("node")
        .arg("--test")
        .arg(repo_path("tests/js/seal_test.js"))
        .output()
        .expect("run node --test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tests/js/seal_test.js failed:\n{stdout}"
    );
    assert!(
        stdout.contains("# fail 0") && !stdout.contains("# pass 0"),
        "{stdout}"
    );
}

#[test]
fn short_and_long_answers_in_one_bucket_give_envelopes_of_one_length() {
    let key = PrivateKey::generate();
    let pk = key.public_key();
    let short = seal_fields(&pk, FP, &pairs(&[("improve", "ok")]));
    let long = seal_fields(&pk, FP, &pairs(&[("improve", &"x".repeat(950))]));
    let longer = seal_fields(&pk, FP, &pairs(&[("improve", &"x".repeat(1100))]));
    assert_eq!(short.len(), long.len());
    assert!(longer.len() > long.len());
}

#[test]
fn sealed_fixture_uses_the_demo_key() {
    let dir = repo_path("tests/fixtures/sealed");
    let key_text = std::fs::read_to_string(dir.join("DEMO-custodian-key.txt")).expect("key");
    assert!(key_text.starts_with("# DEMO KEY — NEVER USE FOR REAL RESPONSES\n"));
    let key = load_private_key(&dir.join("DEMO-custodian-key.txt")).expect("demo key loads");
    let public = std::fs::read_to_string(dir.join("DEMO-survey.pub")).expect("pub");
    assert_eq!(public.trim(), key.public_key().to_text());
    let survey = farvel::survey::load_survey(&dir.join("survey.yaml")).expect("survey loads");
    assert_eq!(survey.collection, farvel::survey::model::Collection::Sealed);
    let pk = survey.public_key.as_deref().map(parse_public_key);
    assert_eq!(pk, Some(Ok(key.public_key())));
}

/// The sealed export fixture: formspree.csv (6 sealed rows, newest first)
/// opens with the DEMO key to exactly answers.json; formspree-rejected.csv
/// holds one row per rejection reason. FARVEL_WRITE_SEALED_FIXTURES=1
/// regenerates both CSV files from answers.json.
#[test]
fn sealed_fixture_export_opens_to_its_answers() {
    let dir = repo_path("tests/fixtures/sealed");
    let key = load_private_key(&dir.join("DEMO-custodian-key.txt")).expect("demo key");
    let survey = farvel::survey::load_survey(&dir.join("survey.yaml")).expect("survey loads");
    let fp = survey.short_fingerprint();
    let rows: Vec<FixtureRow> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("answers.json")).expect("json"))
            .expect("answers.json parses");
    if std::env::var("FARVEL_WRITE_SEALED_FIXTURES").as_deref() == Ok("1") {
        write_fixture_exports(&dir, &key, fp, &rows);
    }
    let export = read_export(&dir.join("formspree.csv"));
    assert_eq!(export.len(), rows.len());
    for (id, _date, envelope) in &export {
        let row = rows
            .iter()
            .find(|r| &r.id.to_string() == id)
            .expect("row in answers.json");
        assert_eq!(row.fields[0], ("_survey".to_string(), fp.to_string()));
        assert_eq!(open_envelope(&key, fp, envelope).as_ref(), Ok(&row.fields));
    }
    let text = std::fs::read_to_string(dir.join("formspree.csv")).expect("csv");
    for word in ["manager", "reason", "Bergen", "bonusen", "_nonce", fp] {
        assert!(!text.contains(word), "{word} visible in the service's rows");
    }
    let rejected = read_export(&dir.join("formspree-rejected.csv"));
    let reasons: Vec<_> = rejected
        .iter()
        .map(|(_, _, env)| open_envelope(&key, fp, env).err())
        .collect();
    assert_eq!(
        reasons,
        REJECTED.iter().map(|r| Some(*r)).collect::<Vec<_>>()
    );
}

const REJECTED: [SealError; 5] = [
    SealError::WrongKeyOrTampered, // a flipped bit
    SealError::WrongKeyOrTampered, // sealed with another key
    SealError::Truncated,
    SealError::OtherSurvey,
    SealError::UnknownVersion,
];

#[derive(serde::Deserialize)]
struct FixtureRow {
    id: u32,
    date: String,
    fields: Vec<(String, String)>,
}

fn read_export(path: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(path).expect("csv opens");
    let headers = reader.headers().expect("header").clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), ["id", "date", "sealed"]);
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[0].to_string(), r[1].to_string(), r[2].to_string())
        })
        .collect()
}

fn write_fixture_exports(dir: &Path, key: &PrivateKey, fp: &str, rows: &[FixtureRow]) {
    let pk = key.public_key();
    let write = |name: &str, records: Vec<(String, String, String)>| {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_path(dir.join(name))
            .expect("create csv");
        w.write_record(["id", "date", "sealed"]).expect("header");
        for (id, date, env) in records {
            w.write_record([id, date, env]).expect("record");
        }
        w.flush().expect("flush");
    };
    let mut sorted: Vec<&FixtureRow> = rows.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.id));
    let sealed = sorted
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.date.clone(),
                seal_fields(&pk, fp, &r.fields),
            )
        })
        .collect();
    write("formspree.csv", sealed);
    let first = &rows[0].fields;
    let mut flipped = URL_SAFE_NO_PAD
        .decode(seal_fields(&pk, fp, first))
        .expect("b64");
    flipped[300] ^= 0x04;
    let mut version = URL_SAFE_NO_PAD
        .decode(seal_fields(&pk, fp, first))
        .expect("b64");
    version[0] = 9;
    let whole = seal_fields(&pk, fp, first);
    let envelopes = [
        URL_SAFE_NO_PAD.encode(flipped),
        seal_fields(&PrivateKey::generate().public_key(), fp, first),
        whole[..whole.len() / 2].to_string(),
        seal_fields(&pk, "000000000000", first),
        URL_SAFE_NO_PAD.encode(version),
    ];
    let records = envelopes
        .into_iter()
        .enumerate()
        .map(|(i, env)| {
            (
                (2005 - i).to_string(),
                format!("2025-03-2{}T09:00:00", 4 - i),
                env,
            )
        })
        .collect();
    write("formspree-rejected.csv", records);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_fields_round_trip(fields in proptest::collection::vec(("[a-z_]{1,12}", "\\PC{0,300}"), 0..8)) {
        let key = PrivateKey::generate();
        let env = seal_fields(&key.public_key(), FP, &fields);
        prop_assert_eq!(open_envelope(&key, FP, &env), Ok(fields));
    }

    #[test]
    fn any_flipped_bit_is_rejected(bit in 0usize..(1 + 8 + 65 + 12 + 1024 + 16) * 8) {
        let key = PrivateKey::generate();
        let env = seal_fields(&key.public_key(), FP, &pairs(&[("reason", "pay")]));
        let mut bytes = URL_SAFE_NO_PAD.decode(&env).expect("base64url");
        bytes[bit / 8] ^= 1 << (bit % 8);
        let opened = open_envelope(&key, FP, &URL_SAFE_NO_PAD.encode(&bytes));
        prop_assert!(opened.is_err(), "bit {} accepted", bit);
    }
}

// ---- farvel keys new / show ------------------------------------------------

fn farvel(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("farvel").expect("binary");
    cmd.current_dir(dir);
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git is needed for the keys tests")
        .status
        .success();
    assert!(ok, "git {args:?} failed");
}

#[test]
fn keys_new_writes_an_owner_only_key_and_the_public_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = farvel(tmp.path()).args(["keys", "new"]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).expect("utf-8");
    let keys = tmp.path().join("keys");
    let public = std::fs::read_to_string(keys.join("survey.pub")).expect("survey.pub");
    assert_eq!(stdout, public, "prints exactly the survey.pub line");
    assert_eq!(public.lines().count(), 1);
    let key = load_private_key(&keys.join("custodian.key")).expect("key loads");
    assert_eq!(parse_public_key(&public), Ok(key.public_key()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&keys.join("custodian.key")), 0o600);
        assert_eq!(mode(&keys), 0o700);
    }
    // Both files show the same fingerprint, the public key's.
    for file in ["keys/custodian.key", "keys/survey.pub"] {
        farvel(tmp.path())
            .args(["keys", "show", file])
            .assert()
            .success()
            .stdout(format!("{}\n", key.public_key().fingerprint()));
    }
    // Never overwrites.
    farvel(tmp.path())
        .args(["keys", "new"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exists"));
    let again = load_private_key(&keys.join("custodian.key")).expect("key loads");
    assert_eq!(again.public_key(), key.public_key());
}

#[test]
fn keys_new_refuses_an_unignored_folder_in_a_git_tree() {
    let tmp = tempfile::tempdir().expect("tempdir");
    git(tmp.path(), &["init", "-q"]);
    farvel(tmp.path())
        .args(["keys", "new", "--out", "secrets"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not git-ignored"))
        .stderr(predicates::str::contains("add `secrets/` to .gitignore"));
    assert!(!tmp.path().join("secrets").exists(), "nothing written");
    std::fs::write(tmp.path().join(".gitignore"), "secrets/\n").expect("write");
    farvel(tmp.path())
        .args(["keys", "new", "--out", "secrets"])
        .assert()
        .success();
    assert!(tmp.path().join("secrets/custodian.key").is_file());
    // A sub-folder of the tree is found from inside it too.
    std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
    farvel(&tmp.path().join("sub"))
        .args(["keys", "new", "--out", "k"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sub/k/"));
}

#[test]
fn keys_new_refuses_dist() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for out in ["dist", "dist/keys", "./x/../dist/keys"] {
        farvel(tmp.path())
            .args(["keys", "new", "--out", out])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("dist/ is what gets published"));
    }
    assert!(!tmp.path().join("dist").exists());
}

#[test]
fn keys_show_reads_a_survey_and_explains_other_files() {
    let fixture = repo_path("tests/fixtures/sealed");
    let key = load_private_key(&fixture.join("DEMO-custodian-key.txt")).expect("demo key");
    farvel(&fixture)
        .args(["keys", "show", "survey.yaml"])
        .assert()
        .success()
        .stdout(format!("{}\n", key.public_key().fingerprint()));
    farvel(&repo_path("tests/fixtures"))
        .args(["keys", "show", "mini.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no key found"));
    farvel(&fixture)
        .args(["keys", "show", "missing.key"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.key"));
}

#[test]
fn keys_new_split_writes_two_shares_that_only_open_together() {
    let tmp = tempfile::tempdir().expect("tempdir");
    farvel(tmp.path())
        .args(["keys", "new", "--split"])
        .assert()
        .success();
    let keys = tmp.path().join("keys");
    assert!(!keys.join("custodian.key").exists(), "no whole key on disk");
    let public = std::fs::read_to_string(keys.join("survey.pub")).expect("survey.pub");
    let pk = parse_public_key(&public).expect("public key");
    let (a, b) = (
        keys.join("custodian-share-1.key"),
        keys.join("custodian-share-2.key"),
    );
    #[cfg(unix)]
    for share in [&a, &b] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(share).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let both = std::env::join_paths([&a, &b]).expect("join");
    let key = load_private_key(Path::new(&both)).expect("shares join");
    assert_eq!(key.public_key(), pk);
    let env = seal_fields(&pk, FP, &pairs(&[("reason", "pay")]));
    assert_eq!(
        open_envelope(&key, FP, &env),
        Ok(pairs(&[("reason", "pay")]))
    );
    let alone = load_private_key(&a)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(alone.contains("one share of a two-person key"), "{alone}");
    farvel(tmp.path())
        .arg("keys")
        .arg("show")
        .arg(&both)
        .assert()
        .success()
        .stdout(format!("{}\n", pk.fingerprint()));
    farvel(tmp.path())
        .args(["keys", "show", "keys/custodian-share-2.key"])
        .assert()
        .success()
        .stdout(format!("{}\n", pk.fingerprint()))
        .stderr(predicates::str::contains("one share only"));
}
