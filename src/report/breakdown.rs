//! Breakdown tables (key figures per segment group and per period) and the
//! section of a segment question itself. Every figure the audit did not
//! allow is printed as "not shown", with no reason; the combined "other
//! groups" row is printed where the audit allowed it.

use super::audit::GroupId;
use super::findings::Dim;
use super::fmt::{self, option_label, pct};
use super::markdown::Writer;
use super::questions::{problem_is_top, top2};
use super::stats::enps;
use crate::survey::model::{Kind, Question};

/// The questions whose key figure each breakdown shows: the `key: true`
/// ones, topped up with rated questions to three columns.
fn key_columns(w: &Writer) -> Vec<usize> {
    let qs = &w.f.questions;
    let figure = |q: &Question| {
        !q.segment
            && matches!(
                q.kind,
                Kind::Choice { .. }
                    | Kind::Multi { .. }
                    | Kind::YesNo
                    | Kind::Nps
                    | Kind::Scale { .. }
            )
    };
    let mut cols: Vec<usize> = (0..qs.len())
        .filter(|&i| qs[i].key && figure(qs[i]))
        .collect();
    for (i, q) in qs.iter().enumerate() {
        if cols.len() >= 3 {
            break;
        }
        if !cols.contains(&i) && matches!(q.kind, Kind::Scale { .. }) {
            cols.push(i);
        }
    }
    if cols.is_empty() {
        let fallback =
            (0..qs.len()).find(|&i| figure(qs[i]) && !matches!(qs[i].kind, Kind::Scale { .. }));
        cols.extend(fallback);
    }
    cols.sort_unstable();
    cols.retain(|&qi| column(w, qi).is_some());
    cols
}

/// What a breakdown column shows of question `qi`.
enum Column {
    Enps,
    /// The top two points, or the problem end of the scale.
    Top2,
    /// The share who chose this value: the most common one overall.
    Share(String),
}

fn column(w: &Writer, qi: usize) -> Option<Column> {
    let q = w.f.questions[qi];
    match &q.kind {
        Kind::Nps => Some(Column::Enps),
        Kind::Scale { .. } => Some(Column::Top2),
        _ => {
            // "Most common" is no sum of counts: only over 2k answers.
            let a = w.f.overall_q(qi).filter(|a| w.f.nonlinear_ok(a.answered))?;
            fmt::option_values(q)
                .into_iter()
                .map(|v| (a.counts.get(&v).copied().unwrap_or(0), v))
                .fold(None::<(u64, String)>, |best, (c, v)| match best {
                    Some((bc, _)) if bc >= c => best,
                    _ => Some((c, v)),
                })
                .filter(|(c, _)| *c > 0)
                .map(|(_, v)| Column::Share(v))
        }
    }
}

/// A table row from its cells.
fn row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

fn column_head(w: &Writer, qi: usize) -> String {
    let q = w.f.questions[qi];
    let text = fmt::md_escape(q.text.get(w.lang.code()));
    match (&q.kind, column(w, qi)) {
        (_, Some(Column::Enps)) => format!("eNPS ({text})"),
        (Kind::Scale { scale, polarity }, _) => {
            let pts = fmt::box_label(scale, true);
            let what = if problem_is_top(*polarity) {
                w.t("col.problem")
            } else {
                w.t("col.top2")
            };
            format!("{text}: {what} ({pts})")
        }
        (_, Some(Column::Share(v))) => {
            let label = option_label(w.lang, q, &v);
            w.tf("col.share_of", &[("q", text), ("label", label)])
        }
        _ => text,
    }
}

/// The key figure of question `qi` in group `g`, or "not shown".
fn figure(w: &Writer, qi: usize, g: GroupId) -> String {
    let not_shown = || w.t("not_shown").to_string();
    let (Some(a), Some(col)) = (w.f.figures(qi, g), column(w, qi)) else {
        return not_shown();
    };
    if a.answered == 0 {
        return not_shown();
    }
    let q = w.f.questions[qi];
    match (col, &q.kind) {
        (Column::Enps, _) => {
            let sum = |lo: i64, hi: i64| a.points.range(lo..=hi).map(|(_, c)| c).sum::<u64>();
            let (d, p) = (sum(0, 6), sum(9, 10));
            format!(
                "{} (n {})",
                fmt::signed(enps(p, d, a.answered).score),
                a.answered
            )
        }
        (Column::Top2, Kind::Scale { scale, .. }) => {
            let (x, n) = top2(scale, &a.points, true);
            format!("{} (n {n})", pct(x, n))
        }
        (Column::Share(v), _) => {
            let c = a.counts.get(&v).copied().unwrap_or(0);
            format!("{} (n {})", pct(c, a.answered), a.answered)
        }
        _ => not_shown(),
    }
}

/// The label of value `v` of dimension `d`.
fn value_label(w: &Writer, dim: Dim, v: usize) -> String {
    match dim {
        Dim::Segment(si) => match w.f.segment_values[si].get(v) {
            Some(val) => option_label(w.lang, w.f.segments[si], val),
            None => w.t("group.not_answered").into(),
        },
        Dim::Period => match w.f.periods.spans.get(v) {
            Some(s) => s.label(),
            None => w.t("group.undated").into(),
        },
    }
}

/// The breakdown table for dimension `d`.
pub fn table(w: &mut Writer, d: usize, dim: Dim) {
    let values = match dim {
        Dim::Segment(si) => w.f.segment_values[si].len() + 1,
        Dim::Period => w.f.periods.len(),
    };
    let shown = (0..values)
        .filter(|&v| w.f.plan.size_shown(GroupId::Value(d, v)))
        .count();
    if shown < 2 {
        return;
    }
    let name = match dim {
        Dim::Segment(si) => w.tf(
            "breakdown.by",
            &[(
                "what",
                fmt::md_escape(w.f.segments[si].text.get(w.lang.code())),
            )],
        ),
        Dim::Period => w.t("breakdown.by_period").to_string(),
    };
    w.para(&format!("### {name}"));
    let cols = key_columns(w);
    let heads: Vec<String> = cols.iter().map(|&qi| column_head(w, qi)).collect();
    let mut head = vec![w.t("col.group").to_string(), "n".into()];
    head.extend(heads);
    w.line(&row(&head));
    w.line(&format!("| --- | ---: |{}", " --- |".repeat(cols.len())));
    let mut hidden = false;
    // The undated row only where the input has rows without a time.
    let last = if dim == Dim::Period && w.f.periods.undated == 0 {
        values - 1
    } else {
        values
    };
    let mut groups: Vec<(String, GroupId)> = (0..last)
        .map(|v| (value_label(w, dim, v), GroupId::Value(d, v)))
        .collect();
    if w.f.plan.size_shown(GroupId::Merged(d)) {
        groups.push((w.t("group.merged").to_string(), GroupId::Merged(d)));
    }
    for (label, g) in groups {
        let mut cells = vec![label];
        match w.f.group(g) {
            Some(cell) => cells.push(cell.n.to_string()),
            None => cells.push(w.t("not_shown").to_string()),
        }
        cells.extend(cols.iter().map(|&qi| figure(w, qi, g)));
        hidden |= cells.iter().any(|c| c == w.t("not_shown"));
        w.line(&row(&cells));
    }
    w.line("");
    if hidden {
        w.para(&w.tf("note.not_shown", &[("k", w.f.k.to_string())]));
    }
}

/// The section of a segment question: the sizes of its groups.
pub fn segment_question(w: &mut Writer, q: &Question, si: usize) {
    let d = si;
    let na = w.f.segment_values[si].len();
    let answered = w.f.group(GroupId::Value(d, na)).map(|c| (w.f.n - c.n, c.n));
    match answered {
        Some((a, skipped)) => w.para(&w.tf(
            "q.segment_answered",
            &[
                ("answered", a.to_string()),
                ("skipped", skipped.to_string()),
            ],
        )),
        None => w.para(w.t("q.segment_no_total")),
    }
    match answered {
        Some(_) => w.line(&format!("| {} | n | % |", w.t("col.answer"))),
        None => w.line(&format!("| {} | n |", w.t("col.answer"))),
    }
    w.line(if answered.is_some() {
        "| --- | ---: | ---: |"
    } else {
        "| --- | ---: |"
    });
    let mut hidden = false;
    let mut rows: Vec<(String, GroupId)> = (0..na)
        .map(|v| {
            let label = option_label(w.lang, q, &w.f.segment_values[si][v]);
            (label, GroupId::Value(d, v))
        })
        .collect();
    // The combined row holds "not answered" too when that is hidden, and
    // then is no share of those who answered.
    let merged_na = w.f.plan.merged.get(&d).is_some_and(|vs| vs.contains(&na));
    if w.f.plan.size_shown(GroupId::Merged(d)) {
        rows.push((w.t("group.merged").to_string(), GroupId::Merged(d)));
    }
    for (label, g) in rows {
        let n = w.f.group(g).map(|c| c.n);
        hidden |= n.is_none();
        let shown = n.map_or_else(|| w.t("not_shown").to_string(), |n| n.to_string());
        match answered {
            Some((a, _)) => {
                let share = match n {
                    Some(n) if !(merged_na && g == GroupId::Merged(d)) => pct(n, a),
                    _ => "—".to_string(),
                };
                w.line(&format!("| {label} | {shown} | {share} |"));
            }
            None => w.line(&format!("| {label} | {shown} |")),
        }
    }
    w.line("");
    if hidden {
        w.para(&w.tf("note.not_shown", &[("k", w.f.k.to_string())]));
    }
}
