//! Turn a validated [`RawSurvey`] into the [`Survey`] model. Validation has
//! already run, so lowering only fails on what validation could not see
//! (and then with a plain message rather than a panic).

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;

use super::expr;
use super::model::*;
use super::raw::*;
use super::slug::slugify;
use crate::error::{Error, Result};

/// The scale presets: name → (min, max). Their labels are UI strings
/// `scale.<name>.<point>` in every shipped language.
pub const SCALE_PRESETS: [(&str, i64, i64); 4] = [
    ("agree5", 1, 5),
    ("satisfied5", 1, 5),
    ("likely5", 1, 5),
    ("quality5", 1, 5),
];

pub fn lower(raw: RawSurvey, path: &Path) -> Result<Survey> {
    let id = raw.id.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let languages = raw.languages.clone().unwrap_or_else(|| vec!["en".into()]);
    let tz_name = raw.timezone.as_deref().unwrap_or("UTC");
    let timezone: chrono_tz::Tz = tz_name
        .parse()
        .map_err(|_| Error::msg(format!("unknown time zone '{tz_name}'")))?;
    let mut sections = Vec::new();
    for rs in raw.sections {
        let mut questions = Vec::with_capacity(rs.questions.len());
        for (n, rq) in rs.questions.into_iter().enumerate() {
            questions.push(lower_question(rq, n)?);
        }
        sections.push(Section {
            title: rs.title.map(text),
            intro: rs.intro.map(text),
            questions,
        });
    }
    let e = raw.endpoint;
    let service = Service::from_name(&e.service)
        .ok_or_else(|| Error::msg(format!("unknown service '{}'", e.service)))?;
    let endpoint = Endpoint {
        service,
        url: e.url,
        form_name: e.form_name,
        access_key: e.access_key,
        entries: e
            .entries
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    RawEntry::One(s) => EntryRef::Entry(s),
                    RawEntry::Rows(m) => EntryRef::Rows(m),
                };
                (k, v)
            })
            .collect(),
        labels_language: e.labels_language,
        multi: match e.multi.as_deref() {
            None => None,
            Some("repeat") => Some(MultiEncoding::Repeat),
            Some("brackets") => Some(MultiEncoding::Brackets),
            Some("split") => Some(MultiEncoding::Split),
            Some(other) => return Err(Error::msg(format!("unknown multi encoding '{other}'"))),
        },
        thanks_url: e.thanks_url,
        honeypot: e.honeypot.unwrap_or(true),
    };
    let anonymity = raw
        .anonymity
        .map_or_else(Anonymity::default, |a| Anonymity {
            min_group: a.min_group.unwrap_or(5).max(5),
            expected_respondents: a.expected_respondents,
            expected: a.expected.unwrap_or_default(),
        });
    let collection = match raw.collection.as_deref() {
        Some("sealed") => Collection::Sealed,
        _ => Collection::Plain,
    };
    let mut survey = Survey {
        id,
        path: path.to_path_buf(),
        languages,
        timezone,
        title: text(raw.title),
        intro: raw.intro.map(text),
        thanks: raw.thanks.map(text),
        custodian: raw.custodian.map(text),
        endpoint,
        anonymity,
        columns: raw.columns.unwrap_or_default(),
        ui: raw.ui.unwrap_or_default(),
        collection,
        public_key: raw.public_key,
        accept_fingerprints: raw
            .accept_fingerprints
            .unwrap_or_default()
            .iter()
            .map(|f| f.trim().to_ascii_lowercase())
            .collect(),
        sections,
        fingerprint: String::new(),
    };
    survey.fingerprint = super::fingerprint::fingerprint(&survey);
    Ok(survey)
}

pub(crate) fn text(t: RawText) -> Text {
    match t {
        RawText::Plain(s) => Text::Plain(s),
        RawText::Map(m) => Text::Map(m),
    }
}

fn options(o: Option<RawOptions>) -> Vec<Choice> {
    match o {
        None => Vec::new(),
        Some(RawOptions::Map(m)) => m
            .into_iter()
            .map(|(value, label)| Choice {
                value,
                label: text(label),
            })
            .collect(),
        Some(RawOptions::List(l)) => l
            .into_iter()
            .map(|label| Choice {
                value: slugify(&label),
                label: Text::Plain(label),
            })
            .collect(),
    }
}

fn polarity(p: Option<&str>) -> Polarity {
    match p {
        Some("negative") => Polarity::Negative,
        _ => Polarity::Positive,
    }
}

fn scale(
    range: Option<[i64; 2]>,
    labels: Option<BTreeMap<i64, RawText>>,
    preset: Option<String>,
) -> Scale {
    if let Some(name) = preset {
        let (min, max) = SCALE_PRESETS
            .iter()
            .find(|p| p.0 == name)
            .map_or((1, 5), |p| (p.1, p.2));
        return Scale {
            min,
            max,
            labels: BTreeMap::new(),
            preset: Some(name),
        };
    }
    let [min, max] = range.unwrap_or([1, 5]);
    Scale {
        min,
        max,
        labels: labels
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, text(v)))
            .collect(),
        preset: None,
    }
}

fn lower_question(rq: RawQuestion, index: usize) -> Result<Question> {
    let id = rq.id.clone().unwrap_or_else(|| format!("info_{index}"));
    let kind = match rq.kind.as_str() {
        "text" => Kind::Text {
            multiline: rq.multiline.unwrap_or(false),
            min_length: rq.min_length,
            max_length: rq.max_length,
            pattern: rq.pattern,
            pattern_message: rq.pattern_message.map(text),
        },
        "number" => Kind::Number {
            min: rq.min,
            max: rq.max,
            step: rq.step,
            integer: rq.integer.unwrap_or(false),
        },
        "date" => Kind::Date {
            precision: match rq.precision.as_deref() {
                Some("month") => DatePrecision::Month,
                _ => DatePrecision::Day,
            },
        },
        "choice" => Kind::Choice {
            options: options(rq.options),
            dropdown: rq.display.as_deref() == Some("dropdown"),
            other: rq.other.unwrap_or(false),
            shuffle: rq.shuffle.unwrap_or(false),
            pin: rq.pin.unwrap_or_default(),
        },
        "multi" => Kind::Multi {
            options: options(rq.options),
            min: rq.min.map(|v| v as u32),
            max: rq.max.map(|v| v as u32),
            other: rq.other.unwrap_or(false),
            none: rq.none.unwrap_or(false),
            shuffle: rq.shuffle.unwrap_or(false),
            pin: rq.pin.unwrap_or_default(),
        },
        "yesno" => Kind::YesNo,
        "scale" => Kind::Scale {
            scale: scale(rq.range, rq.labels, rq.scale),
            polarity: polarity(rq.polarity.as_deref()),
        },
        "nps" => Kind::Nps,
        "matrix" => Kind::Matrix {
            rows: rq
                .rows
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, text(v)))
                .collect::<IndexMap<_, _>>(),
            scale: scale(rq.range, rq.labels, rq.scale),
            polarity: polarity(rq.polarity.as_deref()),
        },
        "ranking" => Kind::Ranking {
            options: options(rq.options),
        },
        "info" => Kind::Info,
        other => return Err(Error::msg(format!("unknown question type '{other}'"))),
    };
    let show_if = match rq.show_if {
        None => None,
        Some(source) => {
            let parsed = expr::parse(&source)
                .map_err(|e| Error::msg(format!("question '{id}': show_if: {}", e.message)))?;
            Some(Condition {
                source,
                expr: parsed,
            })
        }
    };
    Ok(Question {
        id,
        text: text(rq.text),
        hint: rq.hint.map(text),
        required: rq.required.unwrap_or(false),
        show_if,
        segment: rq.segment.unwrap_or(false),
        key: rq.key.unwrap_or(false),
        kind,
    })
}
