//! Cell values → answers, one question at a time: the raw strings a row
//! holds for a question (its [`Slot`]) in, an [`Answer`] (and "other"
//! text) or the rule that set it aside out. Values are never echoed in
//! messages; only the rule's fixed phrase leaves this module.

use crate::answers::Answer;
use crate::cli::DateOrder;
use indexmap::IndexMap;

use crate::survey::{Kind, Question, Scale, Text};

use super::time::month_of;
use super::tokens::{OptionSet, fold};

/// Fixed phrases naming why an answer was set aside.
pub mod rule {
    pub const NOT_OPTION: &str = "not an option";
    pub const SEVERAL: &str = "several values for a single choice";
    pub const OUTSIDE_SCALE: &str = "value outside the scale";
    pub const OUTSIDE_RANGE: &str = "value outside the range";
    pub const NOT_NUMBER: &str = "not a number";
    pub const NOT_WHOLE: &str = "not a whole number";
    pub const NOT_STEP: &str = "not a multiple of the step";
    pub const NOT_YESNO: &str = "not yes or no";
    pub const NOT_DATE: &str = "not a date";
    pub const BAD_RANKS: &str = "ranks are not distinct places 1 to n";
    pub const TOO_SHORT: &str = "shorter than min_length";
    pub const TOO_LONG: &str = "longer than max_length";
    pub const PATTERN: &str = "does not match the pattern";
    pub const TOO_MANY: &str = "too many ticks";
    pub const TOO_FEW: &str = "too few ticks";
    pub const NONE_WITH: &str = "\"none\" ticked with other options";
    pub const HIDDEN: &str = "answered although hidden";
    pub const OTHER_WITHOUT: &str = "other text without \"other\" chosen";
    pub const TIME: &str = "missing or unreadable submission time";
}

/// What one row holds for one question (cells or posted fields).
#[derive(Debug, Clone, Default)]
pub struct Slot<'a> {
    /// The question's own cells / repeated fields.
    pub values: Vec<&'a str>,
    /// One field per option (`q__value`): option index → cell.
    pub flags: Vec<(usize, &'a str)>,
    /// Matrix rows (`q__row`): row index → cell.
    pub rows: Vec<(usize, &'a str)>,
    pub other: Option<&'a str>,
    pub year: Option<&'a str>,
    pub month: Option<&'a str>,
}

impl Slot<'_> {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
            && self.flags.is_empty()
            && self.rows.is_empty()
            && self.other.is_none()
            && self.year.is_none()
            && self.month.is_none()
    }
}

/// The reading of one question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub answer: Option<Answer>,
    pub other: Option<String>,
    pub dropped: Vec<&'static str>,
}

impl Reading {
    fn answer(a: Answer) -> Self {
        Reading {
            answer: Some(a),
            ..Reading::default()
        }
    }
    fn drop(rule: &'static str) -> Self {
        Reading {
            dropped: vec![rule],
            ..Reading::default()
        }
    }
}

/// Cell text with line ends made `\n`.
pub fn normalise_text(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// A question with what reading its cells needs, prepared once.
#[derive(Debug, Clone)]
pub struct QInfo<'s> {
    pub q: &'s Question,
    pub opts: OptionSet,
    /// The text pattern, anchored like the HTML `pattern` attribute.
    pub pattern: Option<regex::Regex>,
}

impl<'s> QInfo<'s> {
    pub fn new(q: &'s Question) -> Self {
        let pattern = match &q.kind {
            Kind::Text {
                pattern: Some(p), ..
            } => regex::Regex::new(&format!("^(?:{p})$")).ok(),
            _ => None,
        };
        QInfo {
            q,
            opts: OptionSet::new(&q.kind),
            pattern,
        }
    }
}

/// Read one question's slot.
pub fn read_question(info: &QInfo, s: &Slot, order: Option<DateOrder>) -> Reading {
    let (q, opts) = (info.q, &info.opts);
    let mut r = match &q.kind {
        Kind::Choice { .. } => read_choice(opts, s),
        Kind::Multi { .. } => read_multi(opts, s),
        Kind::Ranking { .. } => read_ranking(opts, s),
        Kind::YesNo => one(s, |v| {
            read_yesno(v).map(Answer::YesNo).ok_or(rule::NOT_YESNO)
        }),
        Kind::Scale { scale, .. } => one(s, |v| read_point(scale, v).map(Answer::Point)),
        Kind::Nps => one(s, |v| read_point(&NPS, v).map(Answer::Point)),
        Kind::Matrix { rows, scale, .. } => read_matrix(rows, scale, s),
        Kind::Number { .. } => one(s, |v| read_number(&q.kind, v).map(Answer::Number)),
        Kind::Date { .. } => read_date(s, order),
        Kind::Text { .. } => one(s, |v| read_text(info, v).map(Answer::Text)),
        Kind::Info => Reading::default(),
    };
    // Other-text beside an answer that does not include "other".
    if let Some(t) = s.other.filter(|t| !t.trim().is_empty()) {
        let has_other = match &r.answer {
            Some(Answer::Choice(v)) => v == "other",
            Some(Answer::Multi(vs)) => vs.iter().any(|v| v == "other"),
            _ => false,
        };
        if has_other && r.other.is_none() {
            r.other = Some(normalise_text(t.trim()));
        } else if !has_other && q.kind.allows_other() {
            r.dropped.push(rule::OTHER_WITHOUT);
        }
    }
    r
}

const NPS: Scale = Scale {
    min: 0,
    max: 10,
    labels: std::collections::BTreeMap::new(),
    preset: None,
};

/// Questions that take exactly one value.
fn one(s: &Slot, f: impl Fn(&str) -> Result<Answer, &'static str>) -> Reading {
    match s.values.as_slice() {
        [] => Reading::default(),
        [v] => f(v).map_or_else(Reading::drop, Reading::answer),
        _ => Reading::drop(rule::SEVERAL),
    }
}

fn read_choice(opts: &OptionSet, s: &Slot) -> Reading {
    match s.values.as_slice() {
        [] => Reading::default(),
        [v] => match opts.find(v) {
            Some(i) => Reading::answer(Answer::Choice(opts.values[i].clone())),
            // Google writes the "Other" text in place of the label.
            None if opts.index_of("other").is_some() => Reading {
                answer: Some(Answer::Choice("other".into())),
                other: Some(normalise_text(v.trim())),
                dropped: vec![],
            },
            None => Reading::drop(rule::NOT_OPTION),
        },
        _ => Reading::drop(rule::SEVERAL),
    }
}

fn is_ticked(v: &str) -> bool {
    let f: String = fold(v).into_iter().collect();
    !matches!(f.as_str(), "" | "0" | "false" | "off" | "no" | "nei")
}

fn read_multi(opts: &OptionSet, s: &Slot) -> Reading {
    let mut ticked = vec![false; opts.values.len()];
    let mut rest: Vec<String> = Vec::new();
    for v in &s.values {
        let (found, r) = opts.split(v);
        for i in found {
            ticked[i] = true;
        }
        rest.extend(r);
    }
    for (i, v) in &s.flags {
        if is_ticked(v) && *i < ticked.len() {
            ticked[*i] = true;
        }
    }
    let mut out = Reading::default();
    if !rest.is_empty() {
        match opts.index_of("other") {
            Some(o) => {
                ticked[o] = true;
                out.other = Some(normalise_text(&rest.join(", ")));
            }
            None => return Reading::drop(rule::NOT_OPTION),
        }
    }
    let vals: Vec<String> = ticked
        .iter()
        .zip(&opts.values)
        .filter(|(t, _)| **t)
        .map(|(_, v)| v.clone())
        .collect();
    if !vals.is_empty() {
        out.answer = Some(Answer::Multi(vals));
    }
    out
}

fn read_ranking(opts: &OptionSet, s: &Slot) -> Reading {
    let mut order: Vec<usize> = Vec::new();
    if !s.flags.is_empty() {
        let mut ranked: Vec<(i64, usize)> = Vec::new();
        for (i, v) in &s.flags {
            match v.trim().parse::<i64>() {
                Ok(r) if (1..=opts.values.len() as i64).contains(&r) => ranked.push((r, *i)),
                _ => return Reading::drop(rule::BAD_RANKS),
            }
        }
        ranked.sort();
        if ranked.windows(2).any(|w| w[0].0 == w[1].0) {
            return Reading::drop(rule::BAD_RANKS);
        }
        order.extend(ranked.into_iter().map(|(_, i)| i));
    }
    for v in &s.values {
        let (found, rest) = opts.split(v);
        if !rest.is_empty() {
            return Reading::drop(rule::NOT_OPTION);
        }
        order.extend(found);
    }
    let mut seen = vec![false; opts.values.len()];
    for &i in &order {
        if std::mem::replace(&mut seen[i], true) {
            return Reading::drop(rule::BAD_RANKS);
        }
    }
    if order.is_empty() {
        return Reading::default();
    }
    Reading::answer(Answer::Ranking(
        order.into_iter().map(|i| opts.values[i].clone()).collect(),
    ))
}

pub fn read_yesno(v: &str) -> Option<bool> {
    let f: String = fold(v).into_iter().collect();
    match f.as_str() {
        "yes" | "ja" | "true" | "1" | "on" | "y" | "j" => Some(true),
        "no" | "nei" | "false" | "0" | "off" | "n" => Some(false),
        _ => None,
    }
}

/// A decimal number with `.` or `,` as decimal mark; spaces (also
/// non-breaking) as thousands separators.
pub fn parse_decimal(v: &str) -> Option<f64> {
    let t = v.trim();
    // Plain ASCII digits (the usual cell) need none of the rewriting below.
    if !t.is_empty() && t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(|x| x as f64);
    }
    let mut s: String = v
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    s = s.replace('\u{2212}', "-");
    if s.contains(',') {
        if s.contains('.') {
            // 1.234,5 or 1,234.5: the last mark is the decimal one.
            let (dec, thou) = if s.rfind(',') > s.rfind('.') {
                (',', '.')
            } else {
                ('.', ',')
            };
            s = s.replace(thou, "").replace(dec, ".");
        } else if s.matches(',').count() == 1 {
            s = s.replace(',', ".");
        } else {
            return None;
        }
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn read_point(scale: &Scale, v: &str) -> Result<i64, &'static str> {
    let p = match parse_decimal(v) {
        Some(x) if x.fract() == 0.0 => x as i64,
        Some(_) => return Err(rule::OUTSIDE_SCALE),
        None => {
            let f = fold(v);
            let by_label = scale
                .labels
                .iter()
                .find(|(_, t)| t.all().into_iter().any(|l| fold(l) == f))
                .map(|(p, _)| *p);
            // A preset's labels, as a Google grid or a label export writes them.
            let by_preset = || {
                let name = scale.preset.as_deref()?;
                (scale.min..=scale.max)
                    .find(|&p| crate::i18n::preset_labels(name, p).any(|l| fold(l) == f))
            };
            match by_label.or_else(by_preset) {
                Some(p) => p,
                None => return Err(rule::NOT_NUMBER),
            }
        }
    };
    if (scale.min..=scale.max).contains(&p) {
        Ok(p)
    } else {
        Err(rule::OUTSIDE_SCALE)
    }
}

fn read_matrix(ids: &IndexMap<String, Text>, scale: &Scale, s: &Slot) -> Reading {
    let mut out = Reading::default();
    if !s.values.is_empty() {
        // A single cell for a whole grid cannot be read.
        out.dropped.push(rule::NOT_OPTION);
    }
    let mut rows = std::collections::BTreeMap::new();
    for (r, v) in &s.rows {
        match (read_point(scale, v), ids.get_index(*r)) {
            (Ok(p), Some((id, _))) => {
                rows.insert(id.clone(), p);
            }
            (Err(rule), _) => out.dropped.push(rule),
            (Ok(_), None) => {}
        }
    }
    if !rows.is_empty() {
        out.answer = Some(Answer::Matrix(rows));
    }
    out
}

fn read_number(kind: &Kind, v: &str) -> Result<f64, &'static str> {
    let x = parse_decimal(v).ok_or(rule::NOT_NUMBER)?;
    if let Kind::Number {
        min,
        max,
        step,
        integer,
    } = kind
    {
        if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
            return Err(rule::OUTSIDE_RANGE);
        }
        if *integer && x.fract() != 0.0 {
            return Err(rule::NOT_WHOLE);
        }
        if let Some(st) = step.filter(|s| *s > 0.0) {
            let k = (x - min.unwrap_or(0.0)) / st;
            if (k - k.round()).abs() > 1e-9 {
                return Err(rule::NOT_STEP);
            }
        }
    }
    Ok(x)
}

fn read_date(s: &Slot, order: Option<DateOrder>) -> Reading {
    if s.values.is_empty() {
        let (Some(y), Some(m)) = (s.year, s.month) else {
            return Reading::drop(rule::NOT_DATE);
        };
        return match (
            y.trim().parse::<i32>(),
            y.trim().len(),
            m.trim().parse::<u32>(),
        ) {
            (Ok(year), 4, Ok(month)) if (1..=12).contains(&month) => {
                Reading::answer(Answer::Month { year, month })
            }
            _ => Reading::drop(rule::NOT_DATE),
        };
    }
    one(s, |v| {
        month_of(v, order)
            .map(|(year, month)| Answer::Month { year, month })
            .ok_or(rule::NOT_DATE)
    })
}

fn read_text(info: &QInfo, v: &str) -> Result<String, &'static str> {
    let t = normalise_text(v);
    if let Kind::Text {
        min_length,
        max_length,
        ..
    } = &info.q.kind
    {
        let n = t.chars().count() as u32;
        if min_length.is_some_and(|m| n < m) {
            return Err(rule::TOO_SHORT);
        }
        if max_length.is_some_and(|m| n > m) {
            return Err(rule::TOO_LONG);
        }
        if info.pattern.as_ref().is_some_and(|re| !re.is_match(&t)) {
            return Err(rule::PATTERN);
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_scale_points_read_from_their_labels_in_any_shipped_language() {
        let scale = Scale {
            min: 1,
            max: 5,
            labels: std::collections::BTreeMap::new(),
            preset: Some("agree5".into()),
        };
        let table: [(&str, Result<i64, &str>); 6] = [
            ("Strongly agree", Ok(5)),
            ("helt uenig", Ok(1)),
            ("Verken enig eller uenig", Ok(3)),
            ("4", Ok(4)),
            ("7", Err(rule::OUTSIDE_SCALE)),
            ("Mostly agree", Err(rule::NOT_NUMBER)),
        ];
        for (v, want) in table {
            assert_eq!(read_point(&scale, v), want, "{v}");
        }
    }

    #[test]
    fn decimals_in_every_notation() {
        let table: [(&str, Option<f64>); 10] = [
            ("3", Some(3.0)),
            ("2,5", Some(2.5)),
            ("2.5", Some(2.5)),
            ("1 234,5", Some(1234.5)),
            ("1\u{a0}234", Some(1234.0)),
            ("1.234,5", Some(1234.5)),
            ("1,234.5", Some(1234.5)),
            ("\u{2212}4", Some(-4.0)),
            ("1,2,3", None),
            ("ten", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_decimal(s), want, "{s}");
        }
    }

    #[test]
    fn yes_and_no_in_both_languages() {
        for (s, want) in [
            ("Yes", Some(true)),
            ("nei", Some(false)),
            ("on", Some(true)),
            ("0", Some(false)),
            ("maybe", None),
        ] {
            assert_eq!(read_yesno(s), want, "{s}");
        }
        assert_eq!(normalise_text("a\r\nb\rc\nd"), "a\nb\nc\nd");
    }
}
