//! The keys known at each level of a survey file, "did you mean"
//! suggestions, and the typed readers every check uses: each takes a node,
//! reports a wrong type as a diagnostic, and returns the value if it fits.

use super::Ctx;
use super::tree::{Node, Style};

/// The key names of one level of the format's key table
/// ([`crate::survey::keys`], which the JSON Schema is generated from too).
pub fn names(keys: &[crate::survey::keys::Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}
pub const COMMON_KEYS: &[&str] = &[
    "id", "type", "text", "hint", "required", "show_if", "segment", "key",
];
pub use crate::survey::keys::QUESTION_TYPES as TYPES;

/// The keys a question of `kind` takes beyond [`COMMON_KEYS`].
pub fn type_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "text" => &[
            "multiline",
            "min_length",
            "max_length",
            "pattern",
            "pattern_message",
        ],
        "number" => &["min", "max", "step", "integer"],
        "date" => &["precision"],
        "choice" => &["options", "display", "other", "shuffle", "pin"],
        "multi" => &["options", "min", "max", "other", "none", "shuffle", "pin"],
        "scale" => &["range", "labels", "polarity"],
        "matrix" => &["rows", "scale", "range", "labels", "polarity"],
        "ranking" => &["options"],
        _ => &[],
    }
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit && d * 2 < len)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `did you mean 'x'?` for the closest candidate, as a message tail.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(word, candidates).map_or_else(String::new, |s| format!(" — did you mean '{s}'?"))
}

/// Report every key of `map` not in `known`. `elsewhere` explains a key that
/// is valid in another context (e.g. a key of another question type).
pub fn unknown_keys(
    ctx: &mut Ctx,
    map: &Node,
    known: &[&str],
    elsewhere: &dyn Fn(&str) -> Option<String>,
) {
    for (k, _) in map.entries().unwrap_or(&[]) {
        let Some(name) = k.text() else {
            ctx.error(k, "a key must be plain text");
            continue;
        };
        if known.contains(&name) {
            continue;
        }
        if let Some(why) = elsewhere(name) {
            ctx.error(k, why);
            continue;
        }
        let tail = did_you_mean(name, known.iter().copied());
        ctx.error(k, format!("unknown key '{name}'{tail}"));
        if tail.is_empty() {
            ctx.hint(format!("known keys here: {}", known.join(", ")));
        }
    }
}

/// A required key: its value, or an error at `at` (the map, or its key).
pub fn required<'a>(
    ctx: &mut Ctx,
    map: &'a Node,
    key: &str,
    at: &Node,
    what: &str,
) -> Option<&'a Node> {
    match map.entry(key) {
        Some((k, v)) if v.is_null() => {
            ctx.error(k, format!("'{key}' has no value{what}"));
            None
        }
        Some((_, v)) => Some(v),
        None => {
            ctx.error(at, format!("missing '{key}'{what}"));
            None
        }
    }
}

fn wrong(ctx: &mut Ctx, node: &Node, key: &str, expected: &str) {
    ctx.error(
        node,
        format!("'{key}' must be {expected}, found {}", node.describe()),
    );
}

/// A plain scalar read as YAML does: true/false.
pub fn as_bool(node: &Node) -> Option<bool> {
    match (node.text()?, node.style()?) {
        ("true" | "True" | "TRUE", Style::Plain) => Some(true),
        ("false" | "False" | "FALSE", Style::Plain) => Some(false),
        _ => None,
    }
}

pub fn as_int(node: &Node) -> Option<i64> {
    (node.style()? == Style::Plain).then_some(())?;
    node.text()?.parse().ok()
}

pub fn as_num(node: &Node) -> Option<f64> {
    (node.style()? == Style::Plain).then_some(())?;
    let t = node.text()?;
    let looks = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    t.parse::<f64>().ok().filter(|n| looks && n.is_finite())
}

pub fn bool_of(ctx: &mut Ctx, q: &Node, key: &str) -> Option<bool> {
    let v = q.get(key)?;
    let b = as_bool(v);
    if b.is_none() {
        wrong(ctx, v, key, "true or false");
    }
    b
}

/// A non-negative whole number no larger than `u32::MAX`.
pub fn count_of(ctx: &mut Ctx, q: &Node, key: &str) -> Option<i64> {
    let v = q.get(key)?;
    match as_int(v) {
        Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => Some(n),
        _ => {
            wrong(ctx, v, key, "a whole number, 0 or more");
            None
        }
    }
}

pub fn int_of(ctx: &mut Ctx, node: &Node, key: &str) -> Option<i64> {
    let n = as_int(node);
    if n.is_none() {
        wrong(ctx, node, key, "a whole number");
    }
    n
}

pub fn num_of(ctx: &mut Ctx, q: &Node, key: &str) -> Option<f64> {
    let v = q.get(key)?;
    let n = as_num(v);
    if n.is_none() {
        wrong(ctx, v, key, "a number");
    }
    n
}

/// A scalar read as text (numbers and booleans are text too when serde
/// reads a `String`).
pub fn str_of<'a>(ctx: &mut Ctx, node: &'a Node, key: &str) -> Option<&'a str> {
    match node.text() {
        Some(t) if !node.is_null() => Some(t),
        _ => {
            wrong(ctx, node, key, "text");
            None
        }
    }
}

/// One of a fixed set of words.
pub fn word_of<'a>(ctx: &mut Ctx, q: &'a Node, key: &str, allowed: &[&str]) -> Option<&'a str> {
    let v = q.get(key)?;
    let t = str_of(ctx, v, key)?;
    if allowed.contains(&t) {
        return Some(t);
    }
    let tail = did_you_mean(t, allowed.iter().copied());
    ctx.error(
        v,
        format!(
            "'{key}' must be {}, found '{t}'{tail}",
            allowed.join(" or ")
        ),
    );
    None
}

pub fn map_of<'a>(ctx: &mut Ctx, node: &'a Node, key: &str) -> Option<&'a [(Node, Node)]> {
    let m = node.entries();
    if m.is_none() {
        wrong(ctx, node, key, "a map");
    }
    m
}

pub fn seq_of<'a>(ctx: &mut Ctx, node: &'a Node, key: &str) -> Option<&'a [Node]> {
    let s = node.items();
    if s.is_none() {
        wrong(ctx, node, key, "a list");
    }
    s
}

/// A user-facing string: plain in a one-language survey, otherwise a map
/// with exactly the survey's languages. `what` names it in messages
/// ("the text of question 'reason'").
pub fn text(ctx: &mut Ctx, node: &Node, what: &str) {
    let langs = ctx.languages.clone();
    if let Some(entries) = node.entries() {
        for (k, v) in entries {
            let lang = k.text().unwrap_or("");
            if !langs.iter().any(|l| l == lang) {
                let tail = did_you_mean(lang, langs.iter().map(String::as_str));
                ctx.error(
                    k,
                    format!(
                        "'{lang}' is not a language of this survey ({}){tail}",
                        langs.join(", ")
                    ),
                );
            } else if !is_text_scalar(v) {
                ctx.error(
                    v,
                    format!("{what} in '{lang}' must be text, found {}", v.describe()),
                );
                text_hint(ctx, v);
            }
        }
        for l in &langs {
            if node.entry(l).is_none() {
                ctx.error(node, format!("missing translation '{l}' for {what}"));
            }
        }
        return;
    }
    if !is_text_scalar(node) {
        ctx.error(
            node,
            format!("{what} must be text, found {}", node.describe()),
        );
        text_hint(ctx, node);
    } else if langs.len() > 1 {
        ctx.error(
            node,
            format!(
                "{what} needs a translation for each language ({}), found plain text",
                langs.join(", ")
            ),
        );
        let first = langs.first().cloned().unwrap_or_default();
        ctx.hint(format!(
            "write it as a map, e.g. {{ {first}: …, {}: … }}",
            langs.get(1).cloned().unwrap_or_default()
        ));
    }
}

/// Text as serde reads a string inside an untagged enum: a quoted or block
/// scalar, or a plain one that YAML doesn't read as a number, bool or null.
pub fn is_text_scalar(node: &Node) -> bool {
    match node.style() {
        None => false,
        Some(Style::Plain) => !node.is_null() && as_bool(node).is_none() && as_num(node).is_none(),
        Some(_) => true,
    }
}

fn text_hint(ctx: &mut Ctx, node: &Node) {
    if node.style() == Some(Style::Plain) && !node.is_null() {
        ctx.hint("put it in quotes to make it text");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let cases = [
            ("requird", Some("required")),
            ("opions", Some("options")),
            ("tpye", Some("type")),
            ("colour", None),
            ("x", None),
        ];
        let mut keys: Vec<&str> = COMMON_KEYS.to_vec();
        keys.extend(type_keys("choice"));
        for (word, want) in cases {
            assert_eq!(suggest(word, keys.iter().copied()), want, "{word}");
        }
    }
}
