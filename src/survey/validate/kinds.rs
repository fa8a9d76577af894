//! The keys of each question type: options (+ other, none, shuffle, pin),
//! lengths, number bounds, date precision, scales, matrix rows. Takes a
//! question's node and type; reports into the [`Ctx`].

use super::keys::*;
use super::tree::Node;
use super::{Ctx, pattern};
use crate::survey::SCALE_PRESETS;
use crate::survey::slug::{is_slug, slugify};

/// Check the type-specific keys of a question of type `kind`.
pub fn check(ctx: &mut Ctx, q: &Node, kind: &str, label: &str) {
    match kind {
        "text" => text_question(ctx, q, label),
        "number" => number(ctx, q),
        "date" => {
            word_of(ctx, q, "precision", &["day", "month"]);
        }
        "choice" | "multi" | "ranking" => choice(ctx, q, kind, label),
        "scale" => {
            let range = range(ctx, q);
            labels(ctx, q, range, label);
            word_of(ctx, q, "polarity", &["positive", "negative"]);
        }
        "matrix" => matrix(ctx, q, label),
        _ => {}
    }
}

fn text_question(ctx: &mut Ctx, q: &Node, label: &str) {
    bool_of(ctx, q, "multiline");
    let min = count_of(ctx, q, "min_length");
    let max = count_of(ctx, q, "max_length");
    if let (Some(a), Some(b), Some(v)) = (min, max, q.get("max_length"))
        && a > b
    {
        ctx.error(v, format!("'max_length' ({b}) is below 'min_length' ({a})"));
    }
    if let Some(v) = q.get("pattern")
        && let Some(p) = str_of(ctx, v, "pattern")
    {
        pattern::check(ctx, v, p);
    }
    if let Some(t) = q.get("pattern_message") {
        text(ctx, t, &format!("the pattern message of {label}"));
    }
}

fn number(ctx: &mut Ctx, q: &Node) {
    let min = num_of(ctx, q, "min");
    let max = num_of(ctx, q, "max");
    if let (Some(a), Some(b), Some(v)) = (min, max, q.get("max"))
        && a >= b
    {
        ctx.error(v, format!("'max' ({b}) must be above 'min' ({a})"));
    }
    if let (Some(s), Some(v)) = (num_of(ctx, q, "step"), q.get("step"))
        && s <= 0.0
    {
        ctx.error(v, format!("'step' must be above 0, found {s}"));
    }
    bool_of(ctx, q, "integer");
}

/// choice, multi and ranking.
fn choice(ctx: &mut Ctx, q: &Node, kind: &str, label: &str) {
    let values = options(ctx, q, label);
    let other = bool_of(ctx, q, "other").unwrap_or(false);
    let none = bool_of(ctx, q, "none").unwrap_or(false);
    if kind == "choice" {
        word_of(ctx, q, "display", &["dropdown"]);
    }
    let shuffle = bool_of(ctx, q, "shuffle").unwrap_or(false);
    if let Some((k, v)) = q.entry("pin").filter(|(_, v)| !v.is_null()) {
        if !shuffle {
            ctx.error(k, "'pin' only matters with 'shuffle: true'");
            ctx.hint("pinned options keep their place while the others are shuffled");
        }
        for item in seq_of(ctx, v, "pin").unwrap_or(&[]) {
            let Some(p) = str_of(ctx, item, "a pinned option") else {
                continue;
            };
            if !values.is_empty() && !values.iter().any(|x| x == p) {
                let tail = did_you_mean(p, values.iter().map(String::as_str));
                let msg = format!(
                    "'{p}' is not an option of {label} ({}){tail}",
                    values.join(", ")
                );
                ctx.error(item, msg);
            }
        }
    }
    if kind == "multi" {
        let n = values.len() as i64 + i64::from(other) + i64::from(none);
        let min = count_of(ctx, q, "min");
        let max = count_of(ctx, q, "max");
        for (key, val) in [("min", min), ("max", max)] {
            if let (Some(x), Some(v)) = (val, q.get(key))
                && !values.is_empty()
                && x > n
            {
                ctx.error(v, format!("'{key}' is {x}, but {label} has {n} options"));
            }
        }
        if let (Some(a), Some(b), Some(v)) = (min, max, q.get("max"))
            && a > b
        {
            ctx.error(v, format!("'max' ({b}) is below 'min' ({a})"));
        }
    }
}

/// The option values, checking values and labels.
fn options(ctx: &mut Ctx, q: &Node, label: &str) -> Vec<String> {
    let Some(v) = required(ctx, q, "options", q, &format!(" in {label}")) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    if let Some(entries) = v.entries() {
        for (k, l) in entries {
            let value = k.text().unwrap_or("");
            if !is_text_scalar(k) {
                ctx.error(k, format!("option value '{value}' must be text"));
                ctx.hint(format!("put it in quotes: '{value}'"));
                continue;
            }
            option_value(ctx, k, value, None);
            text(ctx, l, &format!("the label of option '{value}' of {label}"));
            values.push(value.to_string());
        }
    } else if let Some(items) = v.items() {
        if ctx.multilingual() {
            ctx.error(
                v,
                "options as a list of labels only work in a one-language survey",
            );
            ctx.hint("write a map instead: value: { nb: …, en: … }");
        }
        let mut lines: Vec<(String, usize)> = Vec::new();
        for item in items {
            if !is_text_scalar(item) {
                ctx.error(
                    item,
                    format!("an option label must be text, found {}", item.describe()),
                );
                if item.text().is_some() && !item.is_null() {
                    ctx.hint("put it in quotes to make it text");
                }
                continue;
            }
            let text = item.text().unwrap_or("");
            let value = slugify(text);
            if let Some((_, line)) = lines.iter().find(|(x, _)| *x == value) {
                let msg = format!(
                    "option '{text}' gets the value '{value}', like the option at line {line}"
                );
                ctx.error(item, msg);
                continue;
            }
            option_value(ctx, item, &value, Some(text));
            lines.push((value.clone(), item.pos.line));
            values.push(value);
        }
    } else {
        ctx.error(
            v,
            format!(
                "'options' must be a map (value: label) or a list, found {}",
                v.describe()
            ),
        );
    }
    if values.is_empty() && (v.entries().is_some() || v.items().is_some()) {
        ctx.error(v, format!("'options' of {label} is empty"));
    }
    values
}

fn option_value(ctx: &mut Ctx, node: &Node, value: &str, from_label: Option<&str>) {
    let shown = from_label.map_or_else(
        || format!("'{value}'"),
        |l| format!("'{l}' (value '{value}')"),
    );
    if value == "other" || value == "none" {
        ctx.error(
            node,
            format!("option {shown} uses the reserved value '{value}'"),
        );
        ctx.hint(format!(
            "write '{value}: true' on the question to add this option"
        ));
    } else if !is_slug(value) {
        ctx.error(node, format!("option value {shown} is not a valid value"));
        ctx.hint(super::questions::ID_HINT);
    }
}

/// `range: [a, b]`, checked; `None` when absent or broken.
fn range(ctx: &mut Ctx, q: &Node) -> Option<(i64, i64)> {
    let v = q.get("range")?;
    let items = seq_of(ctx, v, "range")?;
    let [a, b] = items else {
        ctx.error(
            v,
            format!(
                "'range' must list two whole numbers, e.g. [1, 5]; found {}",
                items.len()
            ),
        );
        return None;
    };
    let (a, b) = (int_of(ctx, a, "range")?, int_of(ctx, b, "range")?);
    if a >= b {
        ctx.error(
            v,
            format!("the range [{a}, {b}] is empty: the first number must be the lower"),
        );
        return None;
    }
    // In i128: `b - a + 1` overflows i64 for [0, 9223372036854775807].
    let points = i128::from(b) - i128::from(a) + 1;
    if points > 11 {
        ctx.error(
            v,
            format!("a scale has at most 11 points; [{a}, {b}] has {points}"),
        );
        return None;
    }
    Some((a, b))
}

fn labels(ctx: &mut Ctx, q: &Node, range: Option<(i64, i64)>, label: &str) {
    let Some(v) = q.get("labels") else {
        return;
    };
    let (lo, hi) = range.unwrap_or((1, 5));
    for (k, t) in map_of(ctx, v, "labels").unwrap_or(&[]) {
        let Some(point) = as_int(k) else {
            ctx.error(
                k,
                format!(
                    "a label's key must be a point of the scale, found {}",
                    k.describe()
                ),
            );
            continue;
        };
        if point < lo || point > hi {
            ctx.error(
                k,
                format!("label {point} is outside the range [{lo}, {hi}]"),
            );
        }
        text(ctx, t, &format!("label {point} of {label}"));
    }
}

fn matrix(ctx: &mut Ctx, q: &Node, label: &str) {
    if let Some(rows) = required(ctx, q, "rows", q, &format!(" in {label}")) {
        let entries = map_of(ctx, rows, "rows").unwrap_or(&[]);
        if entries.is_empty() && rows.entries().is_some() {
            ctx.error(rows, format!("'rows' of {label} is empty"));
        }
        for (k, t) in entries {
            let id = k.text().unwrap_or("");
            if !is_slug(id) || id.contains("__") {
                ctx.error(k, format!("row id '{id}' is not a valid id"));
                ctx.hint(super::questions::ID_HINT);
            }
            text(ctx, t, &format!("the text of row '{id}' of {label}"));
        }
    }
    let names: Vec<&str> = SCALE_PRESETS.iter().map(|p| p.0).collect();
    let preset = word_of(ctx, q, "scale", &names);
    let range = range(ctx, q);
    match (q.entry("scale"), q.get("range")) {
        (Some((k, _)), Some(_)) => {
            ctx.error(k, "use either 'scale' (a preset) or 'range', not both");
        }
        (None, None) => {
            ctx.error(q, format!("{label} needs 'scale' (a preset) or 'range'"));
            ctx.hint(format!(
                "e.g. scale: agree5; the presets are {}",
                names.join(", ")
            ));
        }
        (Some((k, _)), None) if q.get("labels").is_some() => {
            ctx.error(
                k,
                "a preset brings its own labels; use 'range' and 'labels' for your own",
            );
        }
        _ => {}
    }
    if preset.is_none() || q.get("range").is_some() {
        labels(ctx, q, range, label);
    }
    word_of(ctx, q, "polarity", &["positive", "negative"]);
}
