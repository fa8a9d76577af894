//! A lenient model [`Question`] built from a question's node, whatever its
//! mistakes, for the checks that look across questions (conditions,
//! warnings, the endpoint's entries). Texts are left plain.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::keys::{as_bool, as_int, as_num};
use super::tree::Node;
use crate::survey::model::*;
use crate::survey::slug::slugify;

fn model_text(n: Option<&Node>) -> Text {
    Text::Plain(n.and_then(Node::text).unwrap_or("").to_string())
}

fn model_options(q: &Node) -> Vec<Choice> {
    let opts = q.get("options");
    let mut out: Vec<Choice> = opts
        .and_then(Node::entries)
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| Choice {
            value: k.text().unwrap_or("").to_string(),
            label: model_text(Some(v)),
        })
        .collect();
    for item in opts.and_then(Node::items).unwrap_or(&[]) {
        let label = item.text().unwrap_or("").to_string();
        out.push(Choice {
            value: slugify(&label),
            label: Text::Plain(label),
        });
    }
    out
}

fn model_scale(q: &Node) -> Scale {
    let preset = q.get("scale").and_then(Node::text);
    let range = q.get("range").and_then(Node::items).and_then(|r| match r {
        [a, b] => Some((as_int(a)?, as_int(b)?)),
        _ => None,
    });
    let (min, max) = range.unwrap_or((1, 5));
    Scale {
        min,
        max,
        labels: BTreeMap::new(),
        preset: preset.map(str::to_string),
    }
}

/// A lenient model of the question (labels and texts left plain).
pub fn model(q: &Node, kind: &str, id: String) -> Question {
    let flag = |k: &str| q.get(k).and_then(as_bool).unwrap_or(false);
    let num = |k: &str| q.get(k).and_then(as_num);
    let polarity = match q.get("polarity").and_then(Node::text) {
        Some("negative") => Polarity::Negative,
        _ => Polarity::Positive,
    };
    let kind = match kind {
        "text" => Kind::Text {
            multiline: flag("multiline"),
            min_length: None,
            max_length: None,
            pattern: None,
            pattern_message: None,
        },
        "number" => Kind::Number {
            min: num("min"),
            max: num("max"),
            step: num("step"),
            integer: flag("integer"),
        },
        "date" => Kind::Date {
            precision: match q.get("precision").and_then(Node::text) {
                Some("month") => DatePrecision::Month,
                _ => DatePrecision::Day,
            },
        },
        "choice" => Kind::Choice {
            options: model_options(q),
            dropdown: false,
            other: flag("other"),
            shuffle: false,
            pin: Vec::new(),
        },
        "multi" => Kind::Multi {
            options: model_options(q),
            min: None,
            max: None,
            other: flag("other"),
            none: flag("none"),
            shuffle: false,
            pin: Vec::new(),
        },
        "yesno" => Kind::YesNo,
        "scale" => Kind::Scale {
            scale: model_scale(q),
            polarity,
        },
        "nps" => Kind::Nps,
        "matrix" => Kind::Matrix {
            rows: q
                .get("rows")
                .and_then(Node::entries)
                .unwrap_or(&[])
                .iter()
                .map(|(k, v)| (k.text().unwrap_or("").to_string(), model_text(Some(v))))
                .collect::<IndexMap<_, _>>(),
            scale: model_scale(q),
            polarity,
        },
        "ranking" => Kind::Ranking {
            options: model_options(q),
        },
        _ => Kind::Info,
    };
    Question {
        id,
        text: model_text(q.get("text")),
        hint: None,
        required: flag("required"),
        show_if: None,
        segment: flag("segment"),
        key: flag("key"),
        kind,
    }
}
