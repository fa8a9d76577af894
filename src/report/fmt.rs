//! Number and label formatting shared by the writers: integer percents,
//! intervals, signed scores, decimals in the report's language, compact
//! Unicode bars, and the labels of options and scale points.

use super::stats::{percent, percent_f};
use super::text::Lang;
use crate::survey::model::{Kind, Question, Scale};

/// Escape survey-author text for inline Markdown (tables included).
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&' | '$' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// `35 %`.
pub fn pct(x: u64, n: u64) -> String {
    format!("{} %", percent(x, n))
}

/// A Wilson interval as `22–51 %`.
pub fn interval((lo, hi): (f64, f64)) -> String {
    format!("{}–{} %", percent_f(lo), percent_f(hi))
}

/// `+15`, `−8`, `0`.
pub fn signed(v: i64) -> String {
    match v {
        0 => "0".into(),
        v if v > 0 => format!("+{v}"),
        v => format!("−{}", v.unsigned_abs()),
    }
}

/// A decimal with `places` digits and the language's decimal mark; minus
/// as U+2212.
pub fn dec(lang: Lang, v: f64, places: usize) -> String {
    let s = format!("{:.*}", places, v);
    let s = if lang == Lang::Nb {
        s.replace('.', ",")
    } else {
        s
    };
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// A number as short as exact: `3`, `2.5`, `1.25`.
pub fn num(lang: Lang, v: f64) -> String {
    for places in 0..4 {
        let s = format!("{:.*}", places, v);
        if (s.parse::<f64>().unwrap_or(f64::NAN) - v).abs() < 1e-9 {
            return dec(lang, v, places);
        }
    }
    dec(lang, v, 3)
}

/// A compact bar for plain-text readers: 20 cells for 100 %, in eighths.
pub fn bar(x: u64, n: u64) -> String {
    if n == 0 {
        return String::new();
    }
    const PART: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = ((x as f64 / n as f64) * 160.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PART[eighths % 8]);
    s
}

/// The label of an option value of a choice, multi, ranking or yesno question.
pub fn option_label(lang: Lang, q: &Question, value: &str) -> String {
    if let Some(c) = q.kind.options().iter().find(|c| c.value == value) {
        return md_escape(c.label.get(lang.code()));
    }
    match value {
        "other" => lang.t("opt.other").into(),
        "none" => lang.t("opt.none").into(),
        "yes" if matches!(q.kind, Kind::YesNo) => lang.t("opt.yes").into(),
        "no" if matches!(q.kind, Kind::YesNo) => lang.t("opt.no").into(),
        v => md_escape(v),
    }
}

/// Every value of a question with counts, in display order.
pub fn option_values(q: &Question) -> Vec<String> {
    match &q.kind {
        Kind::YesNo => vec!["yes".into(), "no".into()],
        k => k.option_values().iter().map(|s| s.to_string()).collect(),
    }
}

/// The label of a scale point: its own label, the preset's, or the number.
pub fn point_label(lang: Lang, scale: &Scale, p: i64) -> String {
    let own = scale.labels.get(&p).map(|t| md_escape(t.get(lang.code())));
    let preset = scale
        .preset
        .as_deref()
        .and_then(|name| lang.preset(name, p))
        .map(str::to_string);
    match own.or(preset) {
        Some(l) if !l.is_empty() => format!("{p} – {l}"),
        _ => p.to_string(),
    }
}

/// The two top (or bottom) points, as `4–5`.
pub fn box_label(scale: &Scale, top: bool) -> String {
    if top {
        format!("{}–{}", scale.max - 1, scale.max)
    } else {
        format!("{}–{}", scale.min, scale.min + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_per_language() {
        assert_eq!(dec(Lang::Nb, 3.456, 1), "3,5");
        assert_eq!(dec(Lang::En, -0.04, 1), "0.0");
        assert_eq!(dec(Lang::En, -1.25, 2), "−1.25");
        assert_eq!(num(Lang::En, 2.5), "2.5");
        assert_eq!(num(Lang::En, 3.0), "3");
        assert_eq!(signed(-8), "−8");
        assert_eq!(signed(15), "+15");
        assert_eq!(bar(1, 2), "██████████");
        assert_eq!(bar(1, 16), "█▎");
        assert_eq!(md_escape("a|b <i>"), r"a\|b \<i\>");
    }
}
