//! Cell values → coded answers, one question at a time: the cells a row
//! holds for a question (its [`Slot`]) in, a [`Code`] (and "other" text)
//! written into the row's [`Coded`], or the rule that set it aside. Values are never echoed in
//! messages; only the rule's fixed phrase leaves this module.

use crate::cli::DateOrder;
use indexmap::IndexMap;

use crate::survey::{Kind, Question, Scale, Text};

use super::cells::{Cells, Slot, trim};
use super::coded::{Code, Coded, Span};
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
    pub const DATE_ORDER: &str = "a date in the other day/month order";
}

/// A question with what reading its cells needs, prepared once.
#[derive(Debug, Clone)]
pub struct QInfo<'s> {
    pub q: &'s Question,
    pub opts: OptionSet,
    /// The text pattern, anchored like the HTML `pattern` attribute.
    pub pattern: Option<regex::Regex>,
    /// The indexes of the implied options `other` and `none`.
    pub other: Option<u32>,
    pub none: Option<u32>,
}

impl<'s> QInfo<'s> {
    pub fn new(q: &'s Question) -> Self {
        let pattern = match &q.kind {
            Kind::Text {
                pattern: Some(p), ..
            } => regex::Regex::new(&format!("^(?:{p})$")).ok(),
            _ => None,
        };
        let opts = OptionSet::new(&q.kind);
        let index = |v: &str| opts.index_of(v).map(|i| i as u32);
        QInfo {
            q,
            other: index("other"),
            none: index("none"),
            opts,
            pattern,
        }
    }
}

/// How a file's cells are read beyond the question: its day/month order,
/// and whether its text cells are neutralised (a normalised CSV).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct How {
    pub order: Option<DateOrder>,
    pub unquote: bool,
}

impl How {
    /// A text cell as written before the normalised CSV neutralised it.
    #[inline]
    fn text<'a>(&self, v: &'a str) -> &'a str {
        if self.unquote {
            super::normal::unneutralise(v)
        } else {
            v
        }
    }
}

/// What one question's cells read as: the answer and the "other" text.
type Read = Result<(Option<Code>, Option<Span>), &'static str>;

/// Read question `qi`'s slot into `c` (answer, other text, and every
/// answer set aside in `c.dropped`).
pub fn read_question(info: &QInfo, qi: usize, s: &Slot, cells: Cells, how: How, c: &mut Coded) {
    let q = info.q;
    let at = Some(qi as u32);
    let r: Read = match &q.kind {
        Kind::Choice { .. } => read_choice(info, s, cells, c),
        Kind::Multi { .. } => read_multi(info, s, cells, c),
        Kind::Ranking { .. } => read_ranking(&info.opts, s, cells, c).map(|a| (a, None)),
        Kind::YesNo => one(s, cells, |v| {
            read_yesno(v).map(Code::YesNo).ok_or(rule::NOT_YESNO)
        }),
        Kind::Scale { scale, .. } => one(s, cells, |v| read_point(scale, v).map(Code::Point)),
        Kind::Nps => one(s, cells, |v| read_point(&NPS, v).map(Code::Point)),
        Kind::Matrix { rows, scale, .. } => Ok((read_matrix(rows, scale, qi, s, cells, c), None)),
        Kind::Number { .. } => one(s, cells, |v| read_number(&q.kind, v).map(Code::Number)),
        Kind::Date { .. } => read_date(s, cells, how.order),
        Kind::Text { .. } => read_text(info, s, cells, how, c),
        Kind::Info => Ok((None, None)),
    };
    let (answer, mut other) = r.unwrap_or_else(|rule| {
        c.dropped.push((at, rule));
        (None, None)
    });
    // Other-text beside an answer that does not include "other".
    if let Some(t) = s.other.map(|i| cells.get(i as usize))
        && !t.trim().is_empty()
    {
        let has_other = match (answer, info.other) {
            (Some(Code::Opt(i)), Some(o)) => i == o,
            (Some(Code::Multi(sp)), Some(o)) => c.idx(sp).contains(&o),
            _ => false,
        };
        if has_other && other.is_none() {
            other = Some(c.push_text(how.text(t.trim())));
        } else if !has_other && q.kind.allows_other() {
            c.dropped.push((at, rule::OTHER_WITHOUT));
        }
    }
    c.set(qi, answer);
    c.set_other(qi, other);
}

const NPS: Scale = Scale {
    min: 0,
    max: 10,
    labels: std::collections::BTreeMap::new(),
    preset: None,
};

/// Questions that take exactly one value.
fn one(s: &Slot, cells: Cells, f: impl Fn(&str) -> Result<Code, &'static str>) -> Read {
    match s.values.as_slice() {
        [] => Ok((None, None)),
        [v] => f(cells.get(*v as usize)).map(|a| (Some(a), None)),
        _ => Err(rule::SEVERAL),
    }
}

fn read_choice(info: &QInfo, s: &Slot, cells: Cells, c: &mut Coded) -> Read {
    match s.values.as_slice() {
        [] => Ok((None, None)),
        [v] => {
            let v = cells.get(*v as usize);
            match (info.opts.find(v), info.other) {
                (Some(i), _) => Ok((Some(Code::Opt(i as u32)), None)),
                // Google writes the "Other" text in place of the label.
                (None, Some(o)) => Ok((Some(Code::Opt(o)), Some(c.push_text(v.trim())))),
                (None, None) => Err(rule::NOT_OPTION),
            }
        }
        _ => Err(rule::SEVERAL),
    }
}

/// `v` lowercased and trimmed equals one of `words` (which are lowercase,
/// without spaces).
fn is_word(v: &str, words: &[&str]) -> Option<usize> {
    let t = v.trim();
    if t.is_ascii() {
        return words.iter().position(|w| w.eq_ignore_ascii_case(t));
    }
    let f: String = fold(v).into_iter().collect();
    words.iter().position(|w| *w == f)
}

fn is_ticked(v: &str) -> bool {
    is_word(v, &["", "0", "false", "off", "no", "nei"]).is_none()
}

fn read_multi(info: &QInfo, s: &Slot, cells: Cells, c: &mut Coded) -> Read {
    let opts = &info.opts;
    let mark = c.idx_mark();
    let mut rest: Vec<String> = Vec::new();
    for &v in &s.values {
        let v = cells.get(v as usize);
        if !opts.split_exact(v, c) {
            let (found, r) = opts.split(v);
            for i in found {
                c.push_one_idx(i as u32);
            }
            rest.extend(r);
        }
    }
    for &(i, v) in &s.flags {
        if is_ticked(cells.get(v as usize)) && (i as usize) < opts.values.len() {
            c.push_one_idx(i);
        }
    }
    let mut other = None;
    if !rest.is_empty() {
        match info.other {
            Some(o) => {
                c.push_one_idx(o);
                other = Some(c.push_joined(rest.iter().map(String::as_str), ", "));
            }
            None => return Err(rule::NOT_OPTION),
        }
    }
    let ticked = c.idx_since(mark, true);
    Ok(((!ticked.is_empty()).then_some(Code::Multi(ticked)), other))
}

fn read_ranking(
    opts: &OptionSet,
    s: &Slot,
    cells: Cells,
    c: &mut Coded,
) -> Result<Option<Code>, &'static str> {
    let mark = c.idx_mark();
    if !s.flags.is_empty() {
        let n = opts.values.len() as i64;
        let ranked = c.pairs();
        for &(i, v) in &s.flags {
            match cells.get(v as usize).trim().parse::<i64>() {
                Ok(r) if (1..=n).contains(&r) => ranked.push((r, i)),
                _ => return Err(rule::BAD_RANKS),
            }
        }
        ranked.sort_unstable();
        if ranked.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(rule::BAD_RANKS);
        }
        c.idx_from_pairs();
    }
    for &v in &s.values {
        let v = cells.get(v as usize);
        if !opts.split_exact(v, c) {
            let (found, rest) = opts.split(v);
            if !rest.is_empty() {
                return Err(rule::NOT_OPTION);
            }
            for i in found {
                c.push_one_idx(i as u32);
            }
        }
    }
    let order = c.idx_since(mark, false);
    let ix = c.idx(order);
    if (1..ix.len()).any(|k| ix[..k].contains(&ix[k])) {
        return Err(rule::BAD_RANKS);
    }
    Ok((!order.is_empty()).then_some(Code::Ranking(order)))
}

pub fn read_yesno(v: &str) -> Option<bool> {
    const WORDS: [&str; 13] = [
        "yes", "ja", "true", "1", "on", "y", "j", "no", "nei", "false", "0", "off", "n",
    ];
    is_word(v, &WORDS).map(|i| i < 7)
}
/// A decimal number with `.` or `,` as decimal mark; spaces (also
/// non-breaking) as thousands separators.
pub fn parse_decimal(v: &str) -> Option<f64> {
    let t = trim(v);
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
    let p = match digits(trim(v).as_bytes()) {
        Some(p) => p,
        None => point_of(scale, v)?,
    };
    in_scale(scale, p)
}

/// The number a cell of one or two digits (the usual cell) names.
fn digits(b: &[u8]) -> Option<i64> {
    match *b {
        [d] if d.is_ascii_digit() => Some(i64::from(d - b'0')),
        [d, e] if d.is_ascii_digit() && e.is_ascii_digit() => {
            Some(i64::from(d - b'0') * 10 + i64::from(e - b'0'))
        }
        _ => None,
    }
}

/// Point `p` if the scale has it.
fn in_scale(scale: &Scale, p: i64) -> Result<i64, &'static str> {
    if (scale.min..=scale.max).contains(&p) {
        Ok(p)
    } else {
        Err(rule::OUTSIDE_SCALE)
    }
}

/// The point a cell other than one or two digits names: a number, a
/// label of the scale, or a label of its preset.
fn point_of(scale: &Scale, v: &str) -> Result<i64, &'static str> {
    Ok(match parse_decimal(v) {
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
    })
}

/// A matrix's rows; a bad row is set aside alone.
fn read_matrix(
    ids: &IndexMap<String, Text>,
    scale: &Scale,
    qi: usize,
    s: &Slot,
    cells: Cells,
    c: &mut Coded,
) -> Option<Code> {
    let at = Some(qi as u32);
    if !s.values.is_empty() {
        // A single cell for a whole grid cannot be read.
        c.dropped.push((at, rule::NOT_OPTION));
    }
    let mark = c.cells_mark();
    for &(r, v) in &s.rows {
        // A blank row cell is a row not answered (a gathered slot never
        // holds one).
        let Some(b) = cells.filled(v as usize) else {
            continue;
        };
        // Digits alone are read as `read_point` would, without the cell's
        // text (a cell of digits needs no trimming).
        let point = match digits(b) {
            Some(p) => in_scale(scale, p),
            None => read_point(scale, cells.get(v as usize)),
        };
        match point {
            Ok(p) if (r as usize) < ids.len() => c.push_cell(mark, r, p),
            Ok(_) => {}
            Err(rule) => c.dropped.push((at, rule)),
        }
    }
    let rows = c.cells_since(mark);
    (!rows.is_empty()).then_some(Code::Matrix(rows))
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

fn read_date(s: &Slot, cells: Cells, order: Option<DateOrder>) -> Read {
    if s.values.is_empty() {
        let (Some(y), Some(m)) = (s.year, s.month) else {
            return Err(rule::NOT_DATE);
        };
        let (y, m) = (cells.get(y as usize).trim(), cells.get(m as usize).trim());
        return match (y.parse::<i32>(), y.len(), m.parse::<u32>()) {
            (Ok(year), 4, Ok(month)) if (1..=12).contains(&month) => {
                Ok((Some(Code::Month { year, month }), None))
            }
            _ => Err(rule::NOT_DATE),
        };
    }
    one(s, cells, |v| {
        month_of(v, order)
            .map(|(year, month)| Code::Month { year, month })
            .ok_or_else(|| match super::time::parse_stamp(v) {
                Some(st) if super::time::in_the_other_order(st.date, order) => rule::DATE_ORDER,
                _ => rule::NOT_DATE,
            })
    })
}

fn read_text(info: &QInfo, s: &Slot, cells: Cells, how: How, c: &mut Coded) -> Read {
    let v = match s.values.as_slice() {
        [] => return Ok((None, None)),
        [v] => how.text(cells.get(*v as usize)),
        _ => return Err(rule::SEVERAL),
    };
    let span = c.push_text(v);
    let t = c.text(span);
    if let Kind::Text {
        min_length,
        max_length,
        ..
    } = &info.q.kind
    {
        // A text has at most as many characters as bytes, so its length in
        // bytes settles most checks without counting.
        let bytes = t.len() as u64;
        let chars = || t.chars().count() as u64;
        if min_length.is_some_and(|m| bytes < u64::from(m) || chars() < u64::from(m)) {
            return Err(rule::TOO_SHORT);
        }
        if max_length.is_some_and(|m| bytes > u64::from(m) && chars() > u64::from(m)) {
            return Err(rule::TOO_LONG);
        }
        if info.pattern.as_ref().is_some_and(|re| !re.is_match(t)) {
            return Err(rule::PATTERN);
        }
    }
    Ok((Some(Code::Text(span)), None))
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
    }
}
