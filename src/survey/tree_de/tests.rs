//! The tree reader against serde_yaml: whatever it reads, serde_yaml reads
//! the same from the text; what it refuses is left to serde_yaml.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::from_node;
use crate::survey::raw::{RawOptions, RawSurvey, RawText};
use crate::survey::validate::tree::{Document, load_document};

fn tree(src: &str) -> Option<Document> {
    let chars: Vec<char> = src.chars().collect();
    load_document(src, &chars).ok()
}

/// Both readings as Debug text; `None` where a reader refuses.
fn both<T>(src: &str, root: &super::Node) -> (Option<String>, Option<String>)
where
    T: for<'de> Deserialize<'de> + std::fmt::Debug,
{
    let ours = from_node::<T>(root).ok().map(|v| format!("{v:?}"));
    let theirs = serde_yaml::from_str::<T>(src)
        .ok()
        .map(|v| format!("{v:?}"));
    (ours, theirs)
}

/// Every valid survey file in the repository reads the same both ways.
#[test]
fn every_survey_file_reads_as_serde_yaml_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut read = 0;
    for dir in ["surveys", "tests/fixtures", "tests/e2e/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.expect("walk");
            let path = entry.path();
            let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if !is_yaml || path.components().any(|c| c.as_os_str() == "snapshots") {
                continue;
            }
            let src = std::fs::read_to_string(path).expect("read");
            let (diags, doc) = crate::survey::validate::validate_document(&src, path);
            if diags.iter().any(crate::diag::Diagnostic::is_error) {
                continue;
            }
            let doc = doc.expect("a valid file has a document");
            assert!(!doc.tagged, "{}", path.display());
            let (ours, theirs) = both::<RawSurvey>(&src, doc.root.as_ref().expect("root"));
            assert!(ours.is_some(), "{}: refused", path.display());
            assert_eq!(ours, theirs, "{}", path.display());
            read += 1;
        }
    }
    assert!(read >= 15, "only {read} valid survey files found");
}

/// Every field type the raw survey uses.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Kinds {
    s: Option<String>,
    b: Option<bool>,
    u: Option<u32>,
    i: Option<i64>,
    f: Option<f64>,
    r: Option<[i64; 2]>,
    l: Option<Vec<String>>,
    m: Option<BTreeMap<i64, String>>,
    t: Option<RawText>,
    o: Option<RawOptions>,
    v: Vec<String>,
}

/// Scalars and collections of every kind in every field type: the same
/// value or the same refusal as serde_yaml (a refusal of ours where
/// serde_yaml reads a value would be allowed, as the caller then asks
/// serde_yaml; none of these cases needs it).
#[test]
fn values_read_as_serde_yaml_reads_them() {
    let values = [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "''",
        "\"\"",
        "x",
        "'x'",
        "\"x\"",
        "true",
        "True",
        "TRUE",
        "false",
        "'true'",
        "yes",
        "no",
        "0",
        "7",
        "+7",
        "-7",
        "007",
        "-007",
        "+007",
        "0x1F",
        "-0x1F",
        "0x-1",
        "0o17",
        "-0o17",
        "0b101",
        "-0b101",
        "++1",
        "+-1",
        "--1",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1.5",
        "-1.5",
        "+1.5",
        ".5",
        "1.",
        "1e3",
        "-1e3",
        ".inf",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        "inf",
        "nan",
        "1_000",
        "0.0",
        "-0",
        "[1, 2]",
        "[1, 2, 3]",
        "[1]",
        "[a, b]",
        "[]",
        "{}",
        "{a: 1}",
        "{1: a, 2: b}",
        "{a: [1]}",
        "{0x1: a}",
        "|\n  block\n",
        ">\n  folded\n  text\n",
        "\"multi\n  line\"",
        "plain\n  two lines",
        "{nb: a, en: b}",
        "[x, 'y', \"z\"]",
        "2024-01-01",
        "12:30",
        "\n  - a\n  - b",
        "\n  k: v",
        "&a [1, 2]",
        "\"é\\t\\u00e9\"",
        "'it''s'",
    ];
    let mut compared = 0;
    for field in ["s", "b", "u", "i", "f", "r", "l", "m", "t", "o", "v"] {
        for v in values {
            let src = format!("{field}: {v}\n");
            let Some(Document {
                root: Some(root),
                tagged: false,
            }) = tree(&src)
            else {
                continue;
            };
            let (ours, theirs) = both::<Kinds>(&src, &root);
            assert_eq!(ours, theirs, "{src:?}");
            compared += 1;
        }
    }
    assert!(compared > 800, "{compared}");
}

#[test]
fn tagged_documents_are_flagged() {
    for (src, tagged) in [
        ("a: !!str 5\n", true),
        ("a: !x {b: 1}\n", true),
        ("a: !!seq [1]\n", true),
        ("a: '!!str 5'\n", false),
        ("a: [1]\n", false),
    ] {
        assert_eq!(tree(src).map(|d| d.tagged), Some(tagged), "{src:?}");
    }
}
