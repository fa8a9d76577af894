//! `farvel ingest` end to end: the four sample exports read back to the
//! table their README gives, the malformed-CSV corpus under
//! `tests/fixtures/ingest/<case>/` (reconciliation, messages, exit code and
//! normalised output pinned by insta), and what must never reach `--out`.

#[path = "ingest/props.rs"]
mod props;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

/// The sample exports: the copies in the fixtures, else `../shared/samples`.
fn samples_dir() -> PathBuf {
    let copies = fixtures().join("samples");
    if copies.join("formspree.csv").is_file() {
        return copies;
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    assert!(
        shared.join("formspree.csv").is_file(),
        "sample exports not found: neither {} nor {} holds formspree.csv; \
         check out the repository with shared/ beside it or restore the fixture copies",
        copies.display(),
        shared.display()
    );
    shared
}

struct Run {
    code: i32,
    stderr: String,
    out: Option<String>,
}

/// Run `farvel ingest` in `dir` with `args`; `$OUT` is replaced by a
/// temporary file whose content is returned.
fn ingest(dir: &Path, args: &[&str]) -> Run {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out = tmp.path().join("normal.csv");
    let out_s = out.display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("$OUT", &out_s)).collect();
    let o = Command::cargo_bin("farvel")
        .unwrap_or_else(|e| panic!("binary: {e}"))
        .current_dir(dir)
        .arg("ingest")
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    #[cfg(unix)]
    if out.exists() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        assert_eq!(mode & 0o777, 0o600, "--out must be owner-only");
    }
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).replace(&out_s, "$OUT"),
        out: std::fs::read_to_string(&out).ok(),
    }
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("normalised CSV does not parse: {e}"))
}

const COMMENTS: [&str; 8] = [
    "Lønna er for lav, og \"bonusen\" forsvant i fjor.",
    "Lederen min svarer aldri på e-post.\nJeg har prøvd i et år.",
    "",
    "Flytter til Tromsø – ingenting å utsette på jobben!",
    "Alt, egentlig: \"for mye\", for fort, for lite.",
    "Æ, ø og å funker? Bare sjekker. ÆØÅ æøå",
    "Ingen kommentar",
    "Første linje\n\nTredje linje, med \"sitat\" og komma.",
];

/// The README's table as normalised rows:
/// `_period,reason,reason_other,factors,manager_rating,enps,comment,department`.
fn expected(google: bool) -> Vec<Vec<String>> {
    let other = if google {
        "Lang pendlevei, og ingen hjemmekontor"
    } else {
        ""
    };
    let rows: [[&str; 7]; 8] = [
        ["pay", "", "workload|pay", "4", "6", COMMENTS[0], "sales"],
        [
            "manager",
            "",
            "culture",
            "1",
            "2",
            COMMENTS[1],
            "engineering",
        ],
        [
            "growth",
            "",
            "culture|career",
            "3",
            "7",
            COMMENTS[2],
            "engineering",
        ],
        ["relocation", "", "", "5", "9", COMMENTS[3], "support"],
        [
            "other",
            other,
            "workload|culture|pay|career",
            "2",
            "0",
            COMMENTS[4],
            "support",
        ],
        ["pay", "", "pay", "", "5", COMMENTS[5], "sales"],
        ["growth", "", "career", "4", "10", COMMENTS[6], ""],
        ["", "", "workload", "3", "8", COMMENTS[7], "engineering"],
    ];
    let mut v: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            std::iter::once("2025-Q1")
                .chain(r.iter().copied())
                .map(String::from)
                .collect()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_sample_export_reads_back_to_the_readme_table() {
    let dir = samples_dir();
    let survey = fixtures().join("samples.yaml");
    let survey = survey.to_string_lossy();
    for name in ["google-sheets", "formspree", "apps-script", "netlify"] {
        let file = dir.join(format!("{name}.csv"));
        let r = ingest(
            &dir,
            &[
                &survey,
                &file.to_string_lossy(),
                "--out",
                "$OUT",
                "--strict",
            ],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let text = r.out.unwrap_or_default();
        let mut rows = parse_csv(&text);
        let header = rows.remove(0);
        assert_eq!(
            header.join(","),
            "_period,reason,reason_other,factors,manager_rating,enps,comment,department",
            "{name}"
        );
        let mut sorted = rows.clone();
        sorted.sort();
        assert_eq!(rows, sorted, "{name}: rows are sorted");
        assert_eq!(rows, expected(name == "google-sheets"), "{name}");
        assert!(
            r.stderr
                .contains("8 row(s) read = 8 used + 0 rejected + 0 duplicate(s)"),
            "{name}: {}",
            r.stderr
        );
        for secret in [
            "203.0.113",
            "198.51.100",
            "192.0.2.",
            "Mozilla",
            "survey.example.no",
            "Exit survey",
            "09:14",
            "08:14",
            "T08",
            ":02",
            "1041",
            "2025-03",
        ] {
            assert!(!text.contains(secret), "{name}: '{secret}' reached --out");
        }
    }
}

#[test]
fn sample_copies_equal_the_shared_samples_when_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if !shared.is_dir() {
        eprintln!(
            "note: {} is absent; only the fixture copies are used",
            shared.display()
        );
        return;
    }
    for name in ["google-sheets", "formspree", "apps-script", "netlify"] {
        let a = std::fs::read(shared.join(format!("{name}.csv"))).unwrap_or_default();
        let b = std::fs::read(fixtures().join(format!("samples/{name}.csv"))).unwrap_or_default();
        assert!(
            !a.is_empty() && a == b,
            "{name}.csv: the fixture copy differs from ../shared/samples"
        );
    }
}

#[test]
fn the_four_samples_together_reconcile_and_show_dropped_columns() {
    let dir = samples_dir();
    let survey = fixtures().join("samples.yaml").display().to_string();
    let r = ingest(
        &dir,
        &[
            &survey,
            "google-sheets.csv",
            "formspree.csv",
            "apps-script.csv",
            "netlify.csv",
        ],
    );
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("samples_together", r.stderr);
}

/// Every folder under `tests/fixtures/ingest/` with an `args` file is a
/// case: one argument per line (paths relative to the folder), `$OUT` for
/// the normalised output. The snapshot holds exit code, stderr and output.
#[test]
fn malformed_csv_corpus() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap_or_else(|e| panic!("fixtures: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("args").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "corpus has {} cases", cases.len());
    for case in cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let args_text = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let args: Vec<&str> = args_text.lines().filter(|l| !l.trim().is_empty()).collect();
        let r = ingest(&case, &args);
        let snap = format!(
            "args: {}\nexit: {}\n--- stderr\n{}--- out\n{}",
            args.join(" "),
            r.code,
            r.stderr,
            r.out.as_deref().unwrap_or("(none)\n")
        );
        insta::assert_snapshot!(format!("corpus_{name}"), snap);
    }
}

#[test]
fn normalised_output_reads_back_to_the_same_bytes() {
    let dir = samples_dir();
    let survey = fixtures().join("samples.yaml").display().to_string();
    for name in ["google-sheets", "netlify"] {
        let first = ingest(&dir, &[&survey, &format!("{name}.csv"), "--out", "$OUT"]);
        let text = first.out.unwrap_or_default();
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let again = tmp.path().join("again.csv");
        std::fs::write(&again, &text).unwrap_or_else(|e| panic!("{e}"));
        let second = ingest(
            tmp.path(),
            &[&survey, "again.csv", "--out", "$OUT", "--strict"],
        );
        assert_eq!(second.code, 0, "{}", second.stderr);
        assert_eq!(second.out.as_deref(), Some(text.as_str()), "{name}");
        assert!(
            !second.stderr.contains("dropped columns"),
            "{}",
            second.stderr
        );
    }
}

#[test]
fn no_ip_user_agent_email_nonce_or_time_of_day_reaches_the_output() {
    let case = fixtures().join("metadata-unmapped");
    let r = ingest(&case, &["../full.yaml", "input.csv", "--out", "$OUT"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.out.unwrap_or_default();
    assert!(out.lines().count() == 3, "{out}");
    for secret in [
        "example.com",
        "203.0.113",
        "Mozilla",
        "nonce-secret",
        "08:00",
        "T08",
        "2025-04",
        "exit,",
    ] {
        assert!(!out.contains(secret), "'{secret}' reached --out");
        assert!(
            !r.stderr.contains(secret),
            "'{secret}' reached the messages"
        );
    }
}

/// Text cells a spreadsheet would run as formulas reach `--out` with a
/// leading `'` (numbers untouched: `-3` stays), and the normalised file
/// reads back to exactly the same bytes.
#[test]
fn formula_cells_are_neutralised_and_read_back_exactly() {
    let case = fixtures().join("formula-injection");
    let survey = case.join("survey.yaml").display().to_string();
    let first = ingest(&case, &[&survey, "input.csv", "--out", "$OUT", "--strict"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let text = first.out.unwrap_or_default();
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0].join(","),
        "_period,reason,reason_other,change,comment"
    );
    for row in &rows[1..] {
        for (i, cell) in row.iter().enumerate() {
            let number = i == 3;
            assert!(
                number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reached --out: {cell:?}"
            );
        }
    }
    for want in [
        "'=HYPERLINK(",
        "'+cmd|",
        "'@SUM(",
        "'-2+3",
        "'\t=1+1",
        "''already quoted",
        "''=kept as typed",
        "a plain = sign",
    ] {
        assert!(
            rows.iter().flatten().any(|c| c.starts_with(want)),
            "{want:?} not in:\n{text}"
        );
    }
    assert!(rows.iter().any(|r| r[3] == "-3"), "{text}");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("again.csv"), &text).unwrap_or_else(|e| panic!("{e}"));
    let second = ingest(
        tmp.path(),
        &[&survey, "again.csv", "--out", "$OUT", "--strict"],
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("6 row(s) read = 6 used + 0 rejected + 0 duplicate(s)"),
        "{}",
        second.stderr
    );
    assert_eq!(second.out.as_deref(), Some(text.as_str()));
}

/// Header names carrying terminal escapes (C0 such as ESC and BEL, C1
/// such as U+009B, DEL) reach stderr written out as `\u{1b}`, in warnings,
/// in the lists of dropped and ignored columns, and in errors; no control
/// character but the line ends is printed.
#[test]
fn control_characters_in_header_names_never_reach_the_terminal() {
    for (case, args, code) in [
        (
            "control-characters",
            &["../full.yaml", "input.csv", "headers.csv"][..],
            0,
        ),
        (
            "control-characters-duplicate",
            &["../full.yaml", "input.csv", "--map", "map.yaml"][..],
            2,
        ),
    ] {
        let r = ingest(&fixtures().join(case), args);
        assert_eq!(r.code, code, "{case}: {}", r.stderr);
        let raw: Vec<char> = r
            .stderr
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{case}: {raw:?} in:\n{}", r.stderr);
        assert!(r.stderr.contains("\\u{1b}[31m"), "{case}: {}", r.stderr);
    }
    let r = ingest(
        &fixtures().join("control-characters"),
        &["../full.yaml", "input.csv", "headers.csv"],
    );
    for shown in [
        "\\u{9b}2Jclear",
        "x\\u{7f}del",
        "]0;pwned\\u{7}title",
        "'my_honeypot\\u{1b}[2K'",
    ] {
        assert!(r.stderr.contains(shown), "{shown}: {}", r.stderr);
    }
}

/// `report` stops like `ingest` when rows name other versions of the
/// survey and none names this one: exit 1, the fingerprints listed, no
/// report written.
#[test]
fn report_writes_nothing_when_no_row_is_from_this_version() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tmp.path().join("report.md");
    let o = Command::cargo_bin("farvel")
        .unwrap_or_else(|e| panic!("binary: {e}"))
        .current_dir(fixtures().join("fingerprint"))
        .args(["report", "../full.yaml", "input.csv", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for part in [
        "3 row(s) read = 1 used + 2 rejected + 0 duplicate(s)",
        "rejected: from another version of the survey: 2",
        "  000000000000: 1 row(s)\n  ffffffffffff: 1 row(s)\n",
        "--accept-fingerprint 000000000000",
        "no report written",
    ] {
        assert!(stderr.contains(part), "missing {part:?} in:\n{stderr}");
    }
    assert!(!out.exists() && !tmp.path().join("report.html").exists());
}
