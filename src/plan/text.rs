//! The forecast as plain text for the terminal: the assumptions, when
//! everyone together reaches k and 2k, one table per horizon, and the
//! suggestions.

use std::fmt::Write;

use super::{Forecast, Group, Horizon, Status, Suggestion};

/// Lines are wrapped to this many characters.
const WIDTH: usize = 78;

/// `x` with one decimal.
fn one(x: f64) -> String {
    format!("{x:.1}")
}

/// A share as a percentage: `19 %`, `23.8 %`.
fn pct(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s} %")
}

/// A count of months in words.
fn months(n: u64) -> String {
    match n {
        1 => "1 month".into(),
        n => format!("{n} months"),
    }
}

/// `text` wrapped to [`WIDTH`], the first line after `first`, the others
/// after as many spaces as `rest`.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    // A `%` stays with its number.
    let mut words: Vec<String> = Vec::new();
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if w.starts_with('%') => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    let mut line = first.to_string();
    let mut empty = true;
    for word in &words {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn bullet(out: &mut String, text: &str) {
    wrap(out, "  - ", "    ", text);
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Shown => "shown",
        Status::Combined => "in combined",
        Status::NotShown => "not shown",
    }
}

fn horizon_name(months: u32) -> String {
    match months {
        12 => "1 year".into(),
        m if m % 12 == 0 => format!("{} years", m / 12),
        m => format!("{m} months"),
    }
}

fn period_words(h: &Horizon) -> String {
    match h.granularity {
        None => "no breakdown by period".into(),
        Some(g) => {
            let n = h.periods.len();
            let unit = match g {
                "quarter" => "quarter",
                "half" => "half-year",
                _ => "year",
            };
            let pooled = h
                .periods
                .iter()
                .any(|p| p.last_month + 1 - p.first_month > unit_months(g));
            let plural = if n == 1 { "" } else { "s" };
            match pooled {
                true => format!("{n} period{plural} by {unit}, small ones pooled"),
                false => format!("{n} {unit}{plural}"),
            }
        }
    }
}

fn unit_months(g: &str) -> u32 {
    match g {
        "quarter" => 3,
        "half" => 6,
        _ => 12,
    }
}

/// The forecast as the terminal shows it.
pub fn render(f: &Forecast, survey_path: &str) -> String {
    let mut out = String::new();
    let a = &f.assumptions;
    wrap(
        &mut out,
        "",
        "",
        &format!(
            "farvel plan: what the first report on {} ({}) can show, and when",
            survey_path, f.survey
        ),
    );
    out.push_str("\nAssumptions\n");
    bullet(
        &mut out,
        &format!(
            "{} leavers a year, {} of them answer: {} respondents a year, {} a month, arriving evenly.",
            a.leavers_per_year,
            pct(a.response_rate),
            one(a.respondents_per_year),
            one(a.respondents_per_month)
        ),
    );
    bullet(
        &mut out,
        &format!("min_group (k) is {}: no group under {} is shown.", f.k, f.k),
    );
    for s in &a.segments {
        let na = s.shares.last().map_or(0.0, |v| v.share);
        let values = s.shares.len().saturating_sub(1);
        let text = if s.spread == "even" {
            let each = s.shares.first().map_or(0.0, |v| v.share);
            format!(
                "{}: spread evenly, {} for each of {} values, {} not answered.",
                s.id,
                pct(each),
                values,
                pct(na)
            )
        } else {
            let parts: Vec<String> = s
                .shares
                .iter()
                .filter_map(|v| Some(format!("{} {}", v.value.as_ref()?, pct(v.share))))
                .collect();
            format!(
                "{}: shares from the survey's anonymity.expected: {}, not answered {}.",
                s.id,
                parts.join(", "),
                pct(na)
            )
        };
        bullet(&mut out, &text);
    }
    if a.segments.is_empty() {
        bullet(&mut out, "The survey has no segment questions.");
    } else {
        bullet(
            &mut out,
            "Segments are independent of each other and of time.",
        );
    }
    bullet(
        &mut out,
        "Each combination of segment values and period expects respondents × the product of its shares × its period's part of the time. These expected counts are not rounded to whole people: the audit sees them to a thousandth of a person.",
    );
    bullet(
        &mut out,
        &format!(
            "Periods: --period {}, planned from the expected respondents per quarter as `farvel report` plans them. What is shown is decided by the report's own audit (docs/anonymity.md) over those counts.",
            a.period
        ),
    );
    out.push_str("\nWhen\n");
    bullet(
        &mut out,
        &format!(
            "Everyone together reaches k = {} after {}, and 2k = {} after {}.",
            f.k,
            months(f.months_to_k),
            2 * f.k,
            months(f.months_to_2k)
        ),
    );
    for h in &f.horizons {
        horizon(&mut out, h);
    }
    out.push_str(&format!(
        "\nSuggestions (after {})\n",
        horizon_name(f.horizons.first().map_or(12, |h| h.months))
    ));
    if f.suggestions.is_empty() {
        let why = if a.segments.is_empty() {
            "none: the survey has no segment questions."
        } else {
            "none: every segment shows at least half of its values on their own."
        };
        bullet(&mut out, why);
    }
    // One bullet per segment, then one for the period.
    let mut text = String::new();
    let mut current: Option<&str> = None;
    for s in &f.suggestions {
        let segment = match s {
            Suggestion::Merge { segment, .. } | Suggestion::Drop { segment, .. } => {
                Some(segment.as_str())
            }
            Suggestion::Period { .. } => None,
        };
        if segment != current && !text.is_empty() {
            bullet(&mut out, &text);
            text.clear();
        }
        let first = segment != current;
        current = segment;
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&suggestion(f, s, first));
    }
    if !text.is_empty() {
        bullet(&mut out, &text);
    }
    out
}

fn horizon(out: &mut String, h: &Horizon) {
    out.push('\n');
    wrap(
        out,
        "",
        "  ",
        &format!(
            "After {}: {} respondents expected; {}",
            horizon_name(h.months),
            one(h.everyone.expected),
            period_words(h)
        ),
    );
    let mut rows: Vec<(String, String, &'static str)> = Vec::new();
    let row = |label: String, g: &Group| (label, one(g.expected), status(g.status));
    rows.push((
        "everyone".into(),
        one(h.everyone.expected),
        status(h.everyone.status),
    ));
    for s in &h.segments {
        for g in &s.groups {
            let value = g.value.as_deref().unwrap_or("(not answered)");
            rows.push(row(format!("{}: {value}", s.id), g));
        }
        if let Some(c) = &s.combined {
            rows.push((
                format!("{}: other groups (combined)", s.id),
                one(c.expected),
                "shown",
            ));
        }
    }
    for p in &h.periods {
        rows.push((
            format!("period: months {}–{}", p.first_month, p.last_month),
            one(p.expected),
            status(p.status),
        ));
    }
    if let Some(c) = &h.periods_combined {
        rows.push((
            "period: other periods (combined)".into(),
            one(c.expected),
            "shown",
        ));
    }
    let head = ("group", "expected", "in the report");
    let w0 = rows
        .iter()
        .map(|r| r.0.chars().count())
        .chain([head.0.len()])
        .max()
        .unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| r.1.len())
        .chain([head.1.len()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "  {:<w0$}  {:>w1$}  {}", head.0, head.1, head.2);
    for (label, expected, st) in &rows {
        let _ = writeln!(out, "  {label:<w0$}  {expected:>w1$}  {st}");
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The words for one suggestion; `first`: the first about its segment.
fn suggestion(f: &Forecast, s: &Suggestion, first: bool) -> String {
    let now = f.horizons.first();
    match s {
        Suggestion::Merge {
            segment,
            values,
            shown,
            of,
            shown_now,
            of_now,
        } => {
            let head = match first {
                true => format!("{segment}: {shown_now} of {of_now} values shown on their own. "),
                false => String::new(),
            };
            let merged: Vec<&str> = values
                .iter()
                .find(|v| v.contains('+'))
                .map(|v| v.split('+').collect())
                .unwrap_or_default();
            match (first, &merged[..]) {
                (true, [a, b]) => {
                    format!("{head}Merging {a} and {b}: {shown} of {of} shown.")
                }
                _ => format!(
                    "{head}Merging further, into {}: {shown} of {of} shown.",
                    values.join(", ")
                ),
            }
        }
        Suggestion::Drop {
            segment,
            others_shown,
            others_shown_now,
        } => {
            let others: Vec<String> = now.map_or(Vec::new(), |h| {
                let mut o: Vec<String> = h
                    .segments
                    .iter()
                    .filter(|x| &x.id != segment)
                    .map(|x| x.id.clone())
                    .collect();
                if !h.periods.is_empty() {
                    o.push("the periods".into());
                }
                o
            });
            match others.len() {
                0 => format!("Dropping {segment} leaves only everyone together."),
                _ => format!(
                    "Dropping {segment}: {others_shown} groups of {} shown (now {others_shown_now}).",
                    and_list(&others)
                ),
            }
        }
        Suggestion::Period {
            period,
            segment_groups_shown,
            segment_groups_shown_now,
        } => format!(
            "With --period {period}: {segment_groups_shown} segment groups shown (now {segment_groups_shown_now})."
        ),
    }
}
