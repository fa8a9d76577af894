//! Property test: random answers to the samples survey, written the way
//! each service exports them (Formspree, Netlify, Google Sheets, Apps
//! Script, split fields with nonces, Excel in Windows-1252 with `;`, and
//! the normalised CSV), read back through `read_responses` exactly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use farvel::answers::{Answer, Granularity, Period, Response};
use farvel::cli::DateOrder;
use farvel::responses::{ReadOptions, normal, read_responses};
use farvel::survey::Survey;
use proptest::prelude::*;

const REASONS: [(&str, &str, &str); 4] = [
    ("pay", "Pay", "Lønn"),
    ("manager", "Manager", "Leder"),
    ("growth", "Growth", "Utvikling"),
    ("relocation", "Relocation", "Flytting"),
];
const FACTORS: [(&str, &str, &str); 4] = [
    ("workload", "Workload", "Arbeidsmengde"),
    ("culture", "Culture", "Kultur"),
    ("pay", "Pay", "Lønn"),
    ("career", "Career", "Karriere"),
];
const DEPTS: [(&str, &str, &str); 3] = [
    ("sales", "Sales", "Salg"),
    ("engineering", "Engineering", "Utvikling"),
    ("support", "Support", "Kundestøtte"),
];

#[derive(Debug, Clone)]
struct Person {
    /// 0..4 an option, 4 = other (with text).
    reason: Option<usize>,
    other: String,
    factors: [bool; 4],
    rating: Option<i64>,
    enps: i64,
    comment: Option<String>,
    dept: Option<usize>,
    /// The submission instant (UTC).
    at: NaiveDateTime,
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 æøåÆØÅ,;|\"'–!?\n]{1,30}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn person() -> impl Strategy<Value = Person> {
    (
        proptest::option::of(0usize..5),
        "[a-z]{3,12}( [a-z]{2,8})?",
        proptest::array::uniform4(any::<bool>()),
        proptest::option::of(1i64..=5),
        0i64..=10,
        proptest::option::of(text()),
        proptest::option::of(0usize..3),
        (
            2024i32..2027,
            1u32..=12,
            1u32..=28,
            0u32..24,
            0u32..60,
            0u32..60,
        ),
    )
        .prop_map(|(reason, other, factors, rating, enps, comment, dept, t)| {
            let at = NaiveDate::from_ymd_opt(t.0, t.1, t.2)
                .and_then(|d| d.and_hms_opt(t.3, t.4, t.5))
                .unwrap_or_default();
            Person {
                reason,
                other: format!("Annen grunn: {other}"),
                factors,
                rating,
                enps,
                comment,
                dept,
                at,
            }
        })
}

fn oslo(p: &Person) -> NaiveDateTime {
    Utc.from_utc_datetime(&p.at)
        .with_timezone(&chrono_tz::Europe::Oslo)
        .naive_local()
}

fn expected(p: &Person) -> Response {
    let mut r = Response::default();
    let local = oslo(p);
    r.period = Some(Period::of_month(
        local.year(),
        local.month(),
        Granularity::Quarter,
    ));
    match p.reason {
        Some(4) => {
            r.answers
                .insert("reason".into(), Answer::Choice("other".into()));
            r.other.insert("reason".into(), p.other.clone());
        }
        Some(i) => {
            r.answers
                .insert("reason".into(), Answer::Choice(REASONS[i].0.into()));
        }
        None => {}
    }
    let ticked: Vec<String> = (0..4)
        .filter(|i| p.factors[*i])
        .map(|i| FACTORS[i].0.to_string())
        .collect();
    if !ticked.is_empty() {
        r.answers.insert("factors".into(), Answer::Multi(ticked));
    }
    if let Some(x) = p.rating {
        r.answers.insert("manager_rating".into(), Answer::Point(x));
    }
    r.answers.insert("enps".into(), Answer::Point(p.enps));
    if let Some(c) = &p.comment {
        r.answers.insert("comment".into(), Answer::Text(c.clone()));
    }
    if let Some(d) = p.dept {
        r.answers
            .insert("department".into(), Answer::Choice(DEPTS[d].0.into()));
    }
    r
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Formspree,
    Netlify,
    GoogleSheets,
    AppsScript,
    SplitFields,
    ExcelNb,
    Normalised,
}

/// Column 0 = English label, 1 = Norwegian label, else the value.
fn pick(t: &(&'static str, &'static str, &'static str), col: usize) -> &'static str {
    match col {
        0 => t.1,
        1 => t.2,
        _ => t.0,
    }
}

/// The cells of one person: reason, reason_other, factors, rating, enps,
/// comment, department. `labels`: None = values, Some(0|1) = labels in en|nb
/// with the other text replacing the reason label.
fn cells(p: &Person, labels: Option<usize>, crlf: bool) -> [String; 7] {
    let col = labels.unwrap_or(9);
    let (reason, other) = match (p.reason, labels) {
        (Some(4), Some(_)) => (p.other.clone(), String::new()),
        (Some(4), None) => ("other".to_string(), p.other.clone()),
        (Some(i), _) => (pick(&REASONS[i], col).to_string(), String::new()),
        (None, _) => (String::new(), String::new()),
    };
    let factors: Vec<&str> = (0..4)
        .filter(|i| p.factors[*i])
        .map(|i| pick(&FACTORS[i], col))
        .collect();
    let comment = p.comment.clone().unwrap_or_default();
    [
        reason,
        other,
        factors.join(", "),
        p.rating.map(|x| x.to_string()).unwrap_or_default(),
        p.enps.to_string(),
        if crlf {
            comment.replace('\n', "\r\n")
        } else {
            comment
        },
        p.dept
            .map(|d| pick(&DEPTS[d], col).to_string())
            .unwrap_or_default(),
    ]
}

fn csv_bytes(rows: &[Vec<String>], delimiter: u8) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap_or_else(|e| panic!("{e}"));
    }
    w.into_inner().unwrap_or_else(|e| panic!("{}", e.error()))
}

fn write_shape(
    shape: Shape,
    people: &[Person],
    survey: &Survey,
    dir: &Path,
) -> (PathBuf, ReadOptions) {
    let mut opts = ReadOptions {
        map: None,
        encoding: None,
        delimiter: None,
        date_order: None,
        granularity: Granularity::Quarter,
        progress: false,
        key: None,
        key_source: Default::default(),
        accept_fingerprints: Vec::new(),
    };
    let path = dir.join("export.csv");
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut delimiter = b',';
    let mut prefix: Vec<u8> = Vec::new();
    let s = |x: &str| x.to_string();
    match shape {
        Shape::Formspree => {
            rows.push(
                [
                    "id",
                    "date",
                    "_subject",
                    "comment",
                    "department",
                    "enps",
                    "factors",
                    "manager_rating",
                    "reason",
                    "reason_other",
                ]
                .map(s)
                .to_vec(),
            );
            for (i, p) in people.iter().enumerate() {
                let c = cells(p, None, true);
                let date = p.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
                rows.push(vec![
                    (1000 + i).to_string(),
                    date,
                    s("Exit"),
                    c[5].clone(),
                    c[6].clone(),
                    c[4].clone(),
                    c[2].clone(),
                    c[3].clone(),
                    c[0].clone(),
                    c[1].clone(),
                ]);
            }
        }
        Shape::Netlify => {
            prefix = b"\xef\xbb\xbf".to_vec();
            rows.push(
                [
                    "reason",
                    "reason_other",
                    "factors[]",
                    "manager_rating",
                    "enps",
                    "comment",
                    "department",
                    "ip",
                    "user_agent",
                    "referrer",
                    "created_at",
                ]
                .map(s)
                .to_vec(),
            );
            for p in people {
                let mut r = cells(p, None, true).to_vec();
                r.extend([
                    s("192.0.2.1"),
                    s("Mozilla/5.0"),
                    s("https://x.example/"),
                    p.at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                ]);
                rows.push(r);
            }
        }
        Shape::GoogleSheets | Shape::ExcelNb => {
            let nb = matches!(shape, Shape::ExcelNb);
            let lang = if nb { "nb" } else { "en" };
            let mut h = vec![s(if nb { "Tidsmerke" } else { "Timestamp" })];
            for q in [
                "reason",
                "factors",
                "manager_rating",
                "enps",
                "comment",
                "department",
            ] {
                let t = survey
                    .question(q)
                    .map(|q| q.text.get(lang).to_string())
                    .unwrap_or_default();
                h.push(if q == "manager_rating" {
                    format!("{t} (1–5)")
                } else {
                    t
                });
            }
            rows.push(h);
            for p in people {
                let c = cells(p, Some(usize::from(nb)), false);
                let l = oslo(p);
                let stamp = if nb {
                    format!(
                        "{:02}.{:02}.{} kl. {:02}.{:02}.{:02}",
                        l.day(),
                        l.month(),
                        l.year(),
                        l.hour(),
                        l.minute(),
                        l.second()
                    )
                } else {
                    format!(
                        "{}/{}/{} {}:{:02}:{:02}",
                        l.month(),
                        l.day(),
                        l.year(),
                        l.hour(),
                        l.minute(),
                        l.second()
                    )
                };
                rows.push(vec![
                    stamp,
                    c[0].clone(),
                    c[2].clone(),
                    c[3].clone(),
                    c[4].clone(),
                    c[5].clone(),
                    c[6].clone(),
                ]);
            }
            if nb {
                delimiter = b';';
                opts.encoding = Some(s("windows-1252"));
            } else {
                opts.date_order = Some(DateOrder::Mdy);
            }
        }
        Shape::AppsScript => {
            rows.push(
                [
                    "Timestamp",
                    "reason",
                    "reason_other",
                    "factors",
                    "manager_rating",
                    "enps",
                    "comment",
                    "department",
                ]
                .map(s)
                .to_vec(),
            );
            for p in people {
                let l = oslo(p);
                let mut r = vec![format!(
                    "{:02}/{:02}/{} {:02}:{:02}:{:02}",
                    l.day(),
                    l.month(),
                    l.year(),
                    l.hour(),
                    l.minute(),
                    l.second()
                )];
                r.extend(cells(p, None, false));
                rows.push(r);
            }
            opts.date_order = Some(DateOrder::Dmy);
        }
        Shape::SplitFields => {
            let mut h = vec![
                s("_nonce"),
                s("_survey"),
                s("date"),
                s("reason"),
                s("reason_other"),
            ];
            h.extend(FACTORS.iter().map(|f| format!("factors__{}", f.0)));
            h.extend(["manager_rating", "enps", "comment", "department", "_gotcha"].map(s));
            rows.push(h);
            for (i, p) in people.iter().enumerate() {
                let c = cells(p, None, false);
                let mut r = vec![
                    format!("n{i}"),
                    survey.short_fingerprint().to_string(),
                    p.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    c[0].clone(),
                    c[1].clone(),
                ];
                r.extend(p.factors.iter().map(|t| if *t { s("1") } else { s("") }));
                r.extend([
                    c[3].clone(),
                    c[4].clone(),
                    c[5].clone(),
                    c[6].clone(),
                    s(""),
                ]);
                rows.push(r);
            }
        }
        Shape::Normalised => {
            rows.push(normal::header(survey));
            rows.extend(people.iter().map(|p| normal::record(survey, &expected(p))));
        }
    }
    let mut bytes = prefix;
    let body = csv_bytes(&rows, delimiter);
    if matches!(shape, Shape::ExcelNb) {
        let text = String::from_utf8(body).unwrap_or_default();
        let (enc, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!bad, "test data must fit Windows-1252");
        bytes.extend_from_slice(&enc);
    } else {
        bytes.extend(body);
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    (path, opts)
}

fn survey() -> Survey {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/samples.yaml");
    farvel::survey::load_survey(&p).unwrap_or_else(|e| panic!("samples.yaml: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_answers_in_every_service_encoding_read_back_exactly(
        people in proptest::collection::vec(person(), 1..8)
    ) {
        let survey = survey();
        let want: Vec<Response> = people.iter().map(expected).collect();
        for shape in [Shape::Formspree, Shape::Netlify, Shape::GoogleSheets, Shape::AppsScript,
                      Shape::SplitFields, Shape::ExcelNb, Shape::Normalised] {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let (path, opts) = write_shape(shape, &people, &survey, dir.path());
            let (rec, mut sinks) = read_responses(&survey, &[path], &opts, vec![Vec::new()])
                .unwrap_or_else(|e| panic!("{shape:?}: {e}"));
            let got = sinks.pop().unwrap_or_default();
            prop_assert!(rec.adds_up(), "{:?}", shape);
            prop_assert_eq!(rec.dropped_answers.clone(), BTreeMap::new(), "{:?}", shape);
            prop_assert_eq!(rec.fingerprint_mismatches, 0);
            prop_assert_eq!(&got, &want, "{:?}", shape);
        }
    }
}
