//! Breakdown tables (key figures per segment group and per period) and the
//! section of a segment question itself. Groups the audit did not publish
//! are printed as "fewer than k" or "withheld", never with a figure; the
//! merged "other groups (combined)" row is printed where it was published.

use super::aggregate::Cell;
use super::findings::Dim;
use super::fmt::{self, option_label, pct};
use super::markdown::Writer;
use super::questions::{problem_is_top, top2};
use super::stats::enps;
use super::suppress::Decision;
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
    cols
}

/// A table row from its cells.
fn row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

fn column_head(w: &Writer, qi: usize) -> String {
    let q = w.f.questions[qi];
    let text = fmt::md_escape(q.text.get(w.lang.code()));
    match &q.kind {
        Kind::Nps => format!("eNPS ({text})"),
        Kind::Scale { scale, polarity } => {
            let pts = fmt::box_label(scale, true);
            let what = if problem_is_top(*polarity) {
                w.t("col.problem")
            } else {
                w.t("col.top2")
            };
            format!("{text}: {what} ({pts})")
        }
        _ => format!("{text}: {}", w.t("col.most_common")),
    }
}

/// The key figure of question `qi` in a group, or "—" when none may be shown.
fn figure(w: &mut Writer, qi: usize, cell: &Cell) -> String {
    let q = w.f.questions[qi];
    let Some(a) = cell.q.get(qi).filter(|a| a.answered > 0) else {
        return "—".into();
    };
    match &q.kind {
        Kind::Nps => {
            let sum = |lo: i64, hi: i64| a.points.range(lo..=hi).map(|(_, c)| c).sum::<u64>();
            let (d, p) = (sum(0, 6), sum(9, 10));
            let groups =
                std::collections::BTreeMap::from([(0, d), (1, a.answered - d - p), (2, p)]);
            if w.guard(cell.n, &groups, a.answered) {
                return "—†".into();
            }
            format!(
                "{} (n {})",
                fmt::signed(enps(p, d, a.answered).score),
                a.answered
            )
        }
        Kind::Scale { scale, .. } => {
            if w.guard(cell.n, &a.points, a.answered) {
                return "—†".into();
            }
            let (x, n) = top2(scale, &a.points, true);
            format!("{} (n {n})", pct(x, n))
        }
        _ => {
            if w.guard(cell.n, &a.counts, a.answered) {
                return "—†".into();
            }
            let top = fmt::option_values(q)
                .into_iter()
                .map(|v| (a.counts.get(&v).copied().unwrap_or(0), v))
                .fold(None::<(u64, String)>, |best, (c, v)| match best {
                    Some((bc, _)) if bc >= c => best,
                    _ => Some((c, v)),
                });
            match top {
                Some((c, v)) => format!("{} ({})", option_label(w.lang, q, &v), pct(c, a.answered)),
                None => "—".into(),
            }
        }
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

fn status(w: &Writer, d: Decision) -> String {
    match d {
        Decision::Small => w.tf("group.small", &[("k", w.f.k.to_string())]),
        _ => w.t("group.withheld").to_string(),
    }
}

/// The breakdown table for dimension `d`.
pub fn table(w: &mut Writer, d: usize, dim: Dim) {
    let values = match dim {
        Dim::Segment(si) => w.f.segment_values[si].len() + 1,
        Dim::Period => w.f.periods.len(),
    };
    let present = (0..values)
        .filter(|&v| w.f.plan.groups.get(&(d, v)).is_some_and(|g| g.1 > 0))
        .count();
    if present < 2 {
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
    let guarded_before = w.guarded;
    let mut seen = [false; 3];
    for v in 0..values {
        let (decision, n) =
            w.f.plan
                .groups
                .get(&(d, v))
                .copied()
                .unwrap_or((Decision::Small, 0));
        if n == 0 && (dim == Dim::Period && v + 1 == values) {
            continue;
        }
        let label = value_label(w, dim, v);
        let mut cells = vec![label];
        match (decision, w.f.groups.get(&(d, v))) {
            (Decision::Published, Some(cell)) => {
                cells.push(n.to_string());
                cells.extend(cols.iter().map(|&qi| figure(w, qi, cell)));
            }
            (dec, _) => {
                seen[if dec == Decision::Small { 0 } else { 1 }] = true;
                cells.push(status(w, dec));
                cells.extend(cols.iter().map(|_| "—".to_string()));
            }
        }
        w.line(&row(&cells));
    }
    if let (Some(cell), Some((vals, n))) = (w.f.merged.get(&d), w.f.plan.merged.get(&d)) {
        seen[2] = true;
        let mut cells = vec![w.t("group.merged").to_string(), n.to_string()];
        cells.extend(cols.iter().map(|&qi| figure(w, qi, cell)));
        w.line(&row(&cells));
        let labels: Vec<String> = vals.iter().map(|&v| value_label(w, dim, v)).collect();
        let note = w.tf("note.merged", &[("groups", labels.join(", "))]);
        w.line("");
        w.line(&note);
    }
    w.line("");
    notes(w, seen, w.guarded > guarded_before);
}

fn notes(w: &mut Writer, seen: [bool; 3], guarded: bool) {
    let k = w.f.k.to_string();
    if seen[0] {
        w.para(&w.tf("note.small", &[("k", k.clone())]));
    }
    if seen[1] {
        w.para(w.t("note.withheld"));
    }
    if guarded {
        w.para(&w.tf("note.guard", &[("k2", (2 * w.f.k).to_string())]));
    }
}

/// The section of a segment question: its published groups only.
pub fn segment_question(w: &mut Writer, q: &Question, si: usize) {
    let d = si;
    let na = w.f.segment_values[si].len();
    let (na_dec, na_n) =
        w.f.plan
            .groups
            .get(&(d, na))
            .copied()
            .unwrap_or((Decision::Small, 0));
    let answered = (na_dec == Decision::Published).then(|| w.f.n - na_n);
    match answered {
        Some(a) => w.para(&w.tf(
            "q.segment_answered",
            &[("answered", a.to_string()), ("skipped", na_n.to_string())],
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
    let mut seen = [false; 3];
    for v in 0..na {
        let (dec, n) =
            w.f.plan
                .groups
                .get(&(d, v))
                .copied()
                .unwrap_or((Decision::Small, 0));
        let label = option_label(w.lang, q, &w.f.segment_values[si][v]);
        match (dec, answered) {
            (Decision::Published, Some(a)) => w.line(&format!("| {label} | {n} | {} |", pct(n, a))),
            (Decision::Published, None) => w.line(&format!("| {label} | {n} |")),
            (dec, a) => {
                seen[if dec == Decision::Small { 0 } else { 1 }] = true;
                let tail = if a.is_some() { " — |" } else { "" };
                w.line(&format!("| {label} | {} |{tail}", status(w, dec)));
            }
        }
    }
    if let Some((vals, n)) = w.f.plan.merged.get(&d).cloned() {
        let share = answered
            .filter(|_| !vals.contains(&na))
            .map(|a| format!(" {} |", pct(n, a)));
        let share = share.unwrap_or_else(|| {
            if answered.is_some() {
                " — |".into()
            } else {
                String::new()
            }
        });
        w.line(&format!("| {} | {n} |{share}", w.t("group.merged")));
    }
    w.line("");
    notes(w, seen, false);
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_keys_exist() {
        use super::super::text::Lang;
        for l in [Lang::En, Lang::Nb] {
            for k in [
                "group.small",
                "group.withheld",
                "group.merged",
                "note.small",
                "note.withheld",
            ] {
                assert!(!l.t(k).is_empty(), "{k}");
            }
        }
    }
}
