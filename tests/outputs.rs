//! No command writes over its own input or onto something that is not a
//! regular file: each refusal exits 2 before anything is read or written,
//! names both paths, and leaves every file as it was.

use std::path::Path;

use assert_cmd::Command;

fn farvel(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("farvel").unwrap();
    c.current_dir(dir);
    c
}

/// A folder with the bundled survey and sample export.
fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy("surveys/exit-interview.yaml", d.path().join("survey.yaml")).unwrap();
    std::fs::copy(
        "samples/exit-interview-formspree.csv",
        d.path().join("export.csv"),
    )
    .unwrap();
    d
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn refused(dir: &Path, args: &[&str], says: &str) {
    let before = snapshot(dir);
    let out = farvel(dir).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(says), "{args:?}: {err}");
    assert_eq!(snapshot(dir), before, "{args:?} changed a file");
}

#[test]
fn report_and_ingest_never_write_over_their_inputs() {
    let d = project();
    let p = d.path();
    let over = "over the input";
    refused(
        p,
        &["report", "survey.yaml", "export.csv", "--out", "export.csv"],
        over,
    );
    refused(
        p,
        &[
            "report",
            "survey.yaml",
            "export.csv",
            "--out",
            "survey.yaml",
        ],
        over,
    );
    refused(
        p,
        &[
            "report",
            "survey.yaml",
            "export.csv",
            "--out",
            "r.md",
            "--json",
            "export.csv",
        ],
        over,
    );
    // The report's HTML twin is <stem>.html beside it.
    std::fs::copy(p.join("export.csv"), p.join("r.html")).unwrap();
    refused(
        p,
        &["report", "survey.yaml", "r.html", "--out", "r.md"],
        over,
    );
    // Its chart folder holds an input.
    std::fs::create_dir(p.join("r_files")).unwrap();
    std::fs::copy(p.join("export.csv"), p.join("r_files/enps.svg")).unwrap();
    refused(
        p,
        &["report", "survey.yaml", "r_files/enps.svg", "--out", "r.md"],
        over,
    );
    refused(
        p,
        &["ingest", "survey.yaml", "export.csv", "--out", "export.csv"],
        over,
    );
    // The same file under another name.
    std::fs::hard_link(p.join("export.csv"), p.join("same.csv")).unwrap();
    refused(
        p,
        &["ingest", "survey.yaml", "export.csv", "--out", "same.csv"],
        over,
    );
    refused(
        p,
        &[
            "ingest",
            "survey.yaml",
            "export.csv",
            "--out",
            "./export.csv",
        ],
        over,
    );
}

#[cfg(unix)]
#[test]
fn outputs_must_be_ordinary_files() {
    let d = project();
    let p = d.path();
    std::os::unix::fs::symlink("elsewhere.md", p.join("link.md")).unwrap();
    refused(
        p,
        &["report", "survey.yaml", "export.csv", "--out", "link.md"],
        "symbolic link",
    );
    let st = std::process::Command::new("mkfifo")
        .arg(p.join("fifo"))
        .status()
        .unwrap();
    assert!(st.success());
    refused(
        p,
        &["ingest", "survey.yaml", "export.csv", "--out", "fifo"],
        "device, FIFO or socket",
    );
    refused(
        p,
        &["ingest", "survey.yaml", "export.csv", "--out", "/dev/null"],
        "device, FIFO or socket",
    );
    std::fs::create_dir(p.join("folder.md")).unwrap();
    refused(
        p,
        &["report", "survey.yaml", "export.csv", "--out", "folder.md"],
        "a folder",
    );
    // An ordinary path works.
    farvel(p)
        .args(["report", "survey.yaml", "export.csv", "--out", "ok.md"])
        .assert()
        .code(0);
}
