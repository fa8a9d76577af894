//! Hostile inputs (`tests/fixtures/hostile/`): every case must end in
//! exit code 1 or 2 (never a panic's 101 or an abort's 134) with a
//! message naming the limit or the problem, within a time limit enforced
//! here, within a memory limit (`ulimit -v`, and peak RSS under 200 MB
//! where GNU time is there to measure it), leaving every input unchanged.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIX: &str = "tests/fixtures/hostile";
/// Virtual memory a case may reserve (KiB): threads and allocator arenas
/// reserve far more than they touch, so this is a backstop; the peak RSS
/// check below is the real limit.
const VMEM_KB: u64 = 2_000_000;
const RSS_KB: u64 = 200_000;
const TIME: Duration = Duration::from_secs(20);

struct Outcome {
    code: Option<i32>,
    stderr: String,
    rss_kb: Option<u64>,
}

fn run(args: &[&str]) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_farvel");
    let time = Path::new("/usr/bin/time").exists();
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let cmd = match time {
        true => format!(
            "ulimit -v {VMEM_KB}; exec /usr/bin/time -f 'peak-rss-kb %M' '{bin}' {}",
            quoted.join(" ")
        ),
        false => format!("ulimit -v {VMEM_KB}; exec '{bin}' {}", quoted.join(" ")),
    };
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > TIME {
            let _ = child.kill();
            panic!("{args:?} ran past {TIME:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let rss_kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb ")?.trim().parse().ok());
    // GNU time reports a signal as "Command terminated by signal N".
    let code = match stderr.contains("terminated by signal") {
        true => None,
        false => status.code(),
    };
    Outcome {
        code,
        stderr,
        rss_kb,
    }
}

fn inputs_digest() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(FIX)
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

/// (arguments, expected exit code, a phrase the message must hold)
fn cases() -> Vec<(Vec<String>, i32, &'static str)> {
    let f = |name: &str| format!("{FIX}/{name}");
    let mut out = Vec::new();
    // `check` and `build` ran and found problems: exit 1.
    for verb in [vec!["check"], vec!["build", "--out", "target/hostile-dist"]] {
        let with = |file: &str| {
            let mut v: Vec<String> = verb.iter().map(|s| s.to_string()).collect();
            v.push(f(file));
            v
        };
        out.push((with("alias-bomb.yaml"), 1, "alias bomb"));
        out.push((with("deep-nesting.yaml"), 1, "nested deeper than 64 levels"));
        out.push((with("deep-nesting-huge.yaml"), 1, "recursion limit"));
        out.push((with("condition-parens.yaml"), 1, "deeper than 32 levels"));
        out.push((with("condition-nots.yaml"), 1, "deeper than 32 levels"));
        out.push((with("condition-terms.yaml"), 1, "more than 256 comparisons"));
        out.push((
            with("condition-long.yaml"),
            1,
            "longer than 4096 characters",
        ));
    }
    for verb in ["ingest", "report"] {
        for (file, says) in [
            ("alias-bomb.yaml", "alias bomb"),
            ("scale-range-overflow.yaml", "at most 11 points"),
        ] {
            out.push((
                vec![
                    verb.to_string(),
                    f(file),
                    "samples/exit-interview-formspree.csv".into(),
                ],
                2,
                says,
            ));
        }
    }
    out
}

#[test]
fn hostile_inputs_end_cleanly_within_limits() {
    let before = inputs_digest();
    let mut problems = Vec::new();
    for (args, want, says) in cases() {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&a);
        if o.code != Some(want) {
            problems.push(format!(
                "{a:?}: exit {:?}, wanted {want}\n{}",
                o.code, o.stderr
            ));
        }
        if !o.stderr.contains(says) {
            problems.push(format!("{a:?}: no {says:?} in\n{}", o.stderr));
        }
        if let Some(kb) = o.rss_kb.filter(|&kb| kb > RSS_KB) {
            problems.push(format!("{a:?}: peak RSS {kb} KiB"));
        }
    }
    assert_eq!(inputs_digest(), before, "an input changed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_byte_order_mark_is_no_part_of_the_first_key() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bom.yaml");
    let text = std::fs::read_to_string("surveys/pulse.yaml").unwrap();
    std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
    let o = run(&["check", p.to_str().unwrap()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
}
