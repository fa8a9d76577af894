//! `farvel report` end to end: the bundled sample's report (snapshot,
//! deterministic bytes), hostile free text, too few respondents, the
//! 13-leaver remainder, exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pulldown_cmark::{Event, Options, Parser, Tag};

const FIX: &str = "tests/fixtures/report";

fn farvel() -> Command {
    Command::cargo_bin("farvel").unwrap_or_else(|e| panic!("{e}"))
}

/// Run a report into a fresh folder; returns (folder, report.md text).
fn report(survey: &str, input: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    farvel()
        .arg("report")
        .arg(survey)
        .arg(input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .code(0);
    let md = std::fs::read_to_string(&out).unwrap();
    (dir, md)
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn sample() -> (String, String) {
    (
        format!("{FIX}/exit-interview.yaml"),
        "samples/exit-interview-normalised.csv".into(),
    )
}

#[test]
fn sample_report_markdown_snapshot() {
    let (survey, input) = sample();
    let (_d, md) = report(&survey, &input, &["--lang", "en", "--invited", "120"]);
    insta::assert_snapshot!("sample_report_en", md);
}

#[test]
fn sample_report_in_bokmaal_by_default() {
    let (survey, input) = sample();
    let (_d, md) = report(&survey, &input, &[]);
    assert!(md.contains("## Kort oppsummert"), "{md}");
    assert!(md.contains("## Metode og datakvalitet"));
}

#[test]
fn same_input_gives_the_same_bytes() {
    let (survey, input) = sample();
    let (a, _) = report(&survey, &input, &["--lang", "en"]);
    let (b, _) = report(&survey, &input, &["--lang", "en"]);
    let files = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(d)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(d).unwrap().to_path_buf(),
                    read(e.path()),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(
        fa.len() >= 12,
        "report.md, report.html and the charts: {}",
        fa.len()
    );
    assert_eq!(fa, fb);
    let html = String::from_utf8(read(&a.path().join("report.html"))).unwrap();
    assert!(html.contains("<svg") && html.contains("@page{size:A4"));
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<a "));
}

/// Every event a Markdown renderer would turn into markup the respondent chose.
fn unsafe_events(md: &str) -> Vec<String> {
    let mut opts = Options::all();
    opts.remove(Options::ENABLE_SMART_PUNCTUATION);
    let mut found = Vec::new();
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => found.push(format!("link {dest_url}")),
            Event::Start(Tag::Image { dest_url, .. }) if !dest_url.starts_with("report_files/") => {
                found.push(format!("image {dest_url}"))
            }
            Event::Html(h) | Event::InlineHtml(h) => found.push(format!("html {h}")),
            Event::InlineMath(m) | Event::DisplayMath(m) => found.push(format!("math {m}")),
            Event::Code(c) => found.push(format!("code {c}")),
            Event::FootnoteReference(f) => found.push(format!("footnote {f}")),
            _ => {}
        }
    }
    found
}

#[test]
fn hostile_free_text_renders_as_plain_text() {
    let names = format!("{FIX}/hostile/names.txt");
    let (dir, md) = report(
        &format!("{FIX}/small.yaml"),
        &format!("{FIX}/hostile/responses.csv"),
        &["--names", &names],
    );
    assert_eq!(unsafe_events(&md), Vec::<String>::new(), "{md}");
    // GitHub's extended autolinks: www., scheme://, e-mail addresses.
    let autolink =
        regex::Regex::new(r"(?i)www\.|[a-z]+://|[a-z0-9._-]+@[a-z0-9-]+\.[a-z]").unwrap();
    let quotes: String = md
        .lines()
        .filter(|l| l.starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(quotes.lines().count() >= 14, "{quotes}");
    assert!(!autolink.is_match(&quotes), "{quotes}");
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
    assert!(
        headings.iter().all(|h| !h.contains("heading")),
        "{headings:?}"
    );
    for gone in ["kari.nordmann@firma.no", "912 34 567", "Kari Nordmann"] {
        assert!(!md.contains(gone), "{gone} left in {md}");
    }
    assert!(md.contains(r"\[e\-mail removed\]") || md.contains(r"\[e-mail removed\]"));
    assert!(md.contains(r"\[name removed\]"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for bad in [
        "<script",
        "<img",
        "<a ",
        "<code",
        "<strong>bold",
        "<del>",
        "<h1>heading",
        "<h2>second",
        "<table>\n<thead>\n<tr>\n<th>a",
    ] {
        assert!(!html.contains(bad), "{bad} in html");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn fewer_than_k_respondents_shows_no_figures() {
    let (_d, md) = report(
        &format!("{FIX}/small.yaml"),
        &format!("{FIX}/too_few/responses.csv"),
        &[],
    );
    assert!(md.contains("Fewer than 5 people have answered"), "{md}");
    assert!(!md.contains("secret text"));
    assert!(!md.contains("## Results by question"));
    assert!(!md.contains("4 people") && !md.contains("| 4 |"), "{md}");
}

#[test]
fn thirteen_leavers_the_remainder_is_not_derivable() {
    // Engineering 9, Sales 4: printing Engineering's 9 next to the total 13
    // would give Sales away.
    let (_d, md) = report(
        &format!("{FIX}/small.yaml"),
        &format!("{FIX}/thirteen/responses.csv"),
        &[],
    );
    assert!(md.contains("**13 people answered**"), "{md}");
    assert!(!md.contains("| Engineering | 9"), "{md}");
    assert!(md.contains("| Engineering | not shown |"), "{md}");
    assert!(md.contains("| Sales | not shown |"), "{md}");
    // One marker, no bounds: no "withheld", no "fewer than".
    assert!(
        !md.contains("withheld") && !md.contains("fewer than 5 |"),
        "{md}"
    );
    assert!(!md.contains("| 4 |"));
}

#[test]
fn unreadable_input_exits_2() {
    farvel()
        .args(["report", &format!("{FIX}/small.yaml"), "no/such/file.csv"])
        .assert()
        .code(2);
    farvel()
        .args([
            "report",
            &format!("{FIX}/small.yaml"),
            &format!("{FIX}/small.yaml"),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no column of this file matches a question of the survey",
        ));
    farvel()
        .args([
            "report",
            &format!("{FIX}/small.yaml"),
            &format!("{FIX}/thirteen/responses.csv"),
            "--lang",
            "de",
        ])
        .assert()
        .code(2);
}

#[test]
fn unanimity_guard_hides_counts_in_small_populations() {
    // 7 respondents (under 2k = 10): 6 chose pay, 1 growth.
    let (_d, md) = report(
        &format!("{FIX}/small.yaml"),
        &format!("{FIX}/unanimous/responses.csv"),
        &[],
    );
    // Nothing names the answer most chose, and no count is printed.
    assert!(!md.contains("Most chose") && !md.contains("Pay"), "{md}");
    assert!(!md.contains("86 %") && !md.contains("14 %"), "{md}");
    assert!(md.contains("The answers are not shown."), "{md}");
}

#[test]
fn response_rate_never_tells_how_many_fewer_than_k_did_not_answer() {
    let (s, i) = (
        format!("{FIX}/small.yaml"),
        format!("{FIX}/thirteen/responses.csv"),
    );
    // 13 of 15: two did not answer, fewer than k: no percentage, no count.
    let (_d, md) = report(&s, &i, &["--invited", "15"]);
    assert!(
        md.contains("Nearly everyone who was invited answered (fewer than 5 did not)."),
        "{md}"
    );
    assert!(!md.contains("87 %") && !md.contains("of the 15"), "{md}");
    // 13 of 20: seven did not answer: the rate is shown.
    let (_d, md) = report(&s, &i, &["--invited", "20"]);
    assert!(
        md.contains("That is 65 % of the 20 who were invited."),
        "{md}"
    );
}

#[test]
fn one_area_is_never_both_the_strongest_and_the_weakest() {
    // manager: 50 % at the top and 50 % at the bottom; workload: 15 % at
    // either end. manager is the strongest; the weakest is then workload.
    let (_d, md) = report(
        &format!("{FIX}/rated.yaml"),
        &format!("{FIX}/rated/responses.csv"),
        &[],
    );
    let line = |tag: &str| {
        md.lines()
            .find(|l| l.contains(tag))
            .unwrap_or_else(|| panic!("no '{tag}' line in {md}"))
            .to_string()
    };
    assert!(line("Rated best").contains("your manager"), "{md}");
    let weakest = line("Rated weakest");
    assert!(
        weakest.contains("your workload") && weakest.contains("15 %"),
        "{md}"
    );
}

#[test]
fn other_texts_are_verbatims_under_the_same_rules() {
    let survey = format!("{FIX}/others.yaml");
    // 12 were shown the question (at least max(10, k)): the texts appear,
    // defused, identical ones once with their count.
    let (_d, md) = report(&survey, &format!("{FIX}/others/twelve.csv"), &[]);
    assert!(md.contains("in their own words under “Other”"), "{md}");
    assert!(md.contains("3 answers; 3 of them shown below."), "{md}");
    assert!(md.contains("> Studies"), "{md}");
    assert!(md.contains("*(2 gave this answer.)*"), "{md}");
    assert!(!md.contains("](https://"), "a link survived: {md}");
    assert!(unsafe_events(&md).is_empty(), "{md}");
    // 9 were shown it: no "other" text at all, not even a heading.
    let (_d, md) = report(&survey, &format!("{FIX}/others/nine.csv"), &[]);
    assert!(!md.contains("under “Other”"), "{md}");
    assert!(!md.contains("Studies") && !md.contains("commute"), "{md}");
}

/// stderr of `farvel VERB SURVEY INPUTS… --out DIR/out` without its last
/// line (which names what was written) and without the report's warning
/// about free text with no review decision (two lines), and the number of
/// responses that last line gives.
fn reconciliation(verb: &str, survey: &str, inputs: &[&str], out: &str) -> (String, u64) {
    let dir = tempfile::tempdir().unwrap();
    let a = farvel()
        .arg(verb)
        .arg(survey)
        .args(inputs)
        .arg("--out")
        .arg(dir.path().join(out))
        .assert()
        .code(0);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("have no review decision") && !l.contains("farvel review"))
        .collect();
    let (last, rest) = lines.split_last().unwrap();
    let n = last
        .split(' ')
        .zip(last.split(' ').skip(1))
        .find(|(_, w)| w.starts_with("response"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {last}"));
    (rest.join("\n"), n)
}

/// The report reads each export once and keeps that reading unless a
/// duplicate turns up or the file's dates settle a day/month order it did
/// not assume; then it reads again. Either way it counts exactly what
/// `ingest` (two passes, always) counts.
#[test]
fn one_read_or_two_the_report_counts_what_ingest_counts() {
    let ing = "tests/fixtures/ingest";
    let cases: [(String, Vec<String>, &str); 4] = [
        // duplicates within and across files: read again
        (
            format!("{ing}/full.yaml"),
            vec![
                format!("{ing}/duplicates/jan.csv"),
                format!("{ing}/duplicates/feb.csv"),
            ],
            "4 duplicate(s)",
        ),
        // day/month dates: read again
        (
            format!("{ing}/samples.yaml"),
            vec![format!("{ing}/samples/apps-script.csv")],
            "0 duplicate(s)",
        ),
        // month/day dates: read again
        (
            format!("{ing}/samples.yaml"),
            vec![format!("{ing}/samples/google-sheets.csv")],
            "0 duplicate(s)",
        ),
        // ISO time stamps and nothing twice: the one read stands
        (
            format!("{ing}/samples.yaml"),
            vec![
                format!("{ing}/samples/formspree.csv"),
                format!("{ing}/samples/netlify.csv"),
            ],
            "0 duplicate(s)",
        ),
    ];
    for (survey, inputs, dups) in &cases {
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let by_report = reconciliation("report", survey, &inputs, "report.md");
        let by_ingest = reconciliation("ingest", survey, &inputs, "n.csv");
        assert_eq!(by_report, by_ingest, "{inputs:?}");
        assert!(by_report.0.contains(dups), "{inputs:?}: {}", by_report.0);
    }
}
