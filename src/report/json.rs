//! `farvel report --json`: every figure the report may publish, and every
//! figure it considered and does not show (marked "not shown", with no
//! value and no reason), in the form `docs/report-json.md` documents.
//! Built from the same [`Findings`] gates as the Markdown, so it holds
//! nothing the audit did not allow.

use serde_json::{Map, Value, json};

use super::aggregate::QAgg;
use super::audit::GroupId;
use super::findings::{Dim, Findings};
use super::stats::{mean_ci, quantile};
use crate::survey::model::{Kind, Question};

/// One figure's description, before its status is known.
struct Fig {
    question: Option<String>,
    row: Option<String>,
    measure: &'static str,
    classes: Option<Vec<String>>,
    weights: Option<Vec<i64>>,
    p: Option<f64>,
}

impl Fig {
    fn new(q: &Question, measure: &'static str) -> Fig {
        Fig {
            question: Some(q.id.clone()),
            row: None,
            measure,
            classes: None,
            weights: None,
            p: None,
        }
    }

    fn classes(mut self, c: Vec<String>) -> Fig {
        self.classes = Some(c);
        self
    }

    fn row(mut self, r: Option<&str>) -> Fig {
        self.row = r.map(str::to_string);
        self
    }

    /// The JSON object: `value` and `base` when shown, else "not shown".
    fn to_json(&self, group: &Value, shown: Option<(Value, Option<u64>)>) -> Value {
        let mut m = Map::new();
        m.insert("group".into(), group.clone());
        m.insert("question".into(), json!(self.question));
        if let Some(r) = &self.row {
            m.insert("row".into(), json!(r));
        }
        m.insert("measure".into(), json!(self.measure));
        if let Some(c) = &self.classes {
            m.insert("classes".into(), json!(c));
        }
        if let Some(w) = &self.weights {
            m.insert("weights".into(), json!(w));
        }
        if let Some(p) = self.p {
            m.insert("p".into(), json!(p));
        }
        match shown {
            Some((value, base)) => {
                m.insert("status".into(), json!("shown"));
                m.insert("value".into(), value);
                if let Some(b) = base {
                    m.insert("base".into(), json!(b));
                }
            }
            None => {
                m.insert("status".into(), json!("not shown"));
            }
        }
        Value::Object(m)
    }
}

/// The document (pretty-printed, with a final newline). `scrub` turns a
/// free text into what the report quotes.
pub fn document(f: &Findings, scrub: &dyn Fn(&str) -> String) -> String {
    let mut dims = Vec::new();
    for dim in &f.dims {
        dims.push(match dim {
            Dim::Segment(si) => {
                let mut vals: Vec<Value> = f.segment_values[*si].iter().map(|v| json!(v)).collect();
                vals.push(Value::Null);
                json!({ "id": f.segments[*si].id, "values": vals })
            }
            Dim::Period => {
                let mut vals: Vec<Value> = (0..f.periods.spans.len())
                    .flat_map(|s| f.periods.members(s))
                    .map(|p| json!(p.to_string()))
                    .collect();
                if f.periods.undated > 0 {
                    vals.push(Value::Null);
                }
                json!({ "id": "period", "values": vals })
            }
        });
    }
    let mut figures = Vec::new();
    for g in candidates(f) {
        let group = group_json(f, g);
        let size = Fig {
            question: None,
            row: None,
            measure: "respondents",
            classes: None,
            weights: None,
            p: None,
        };
        figures.push(size.to_json(&group, f.group(g).map(|c| (json!(c.n), None))));
        for (qi, q) in f.questions.iter().enumerate() {
            if q.segment && f.segments.iter().any(|s| s.id == q.id) {
                continue;
            }
            let counts = f
                .group(g)
                .filter(|_| f.plan.counts_shown(qi, g))
                .and_then(|c| c.q.get(qi));
            for (measure, v) in [
                ("shown", counts.map(|a| a.shown)),
                ("answered", counts.map(|a| a.answered)),
                (
                    "skipped",
                    counts.map(|a| a.shown.saturating_sub(a.answered)),
                ),
            ] {
                figures.push(Fig::new(q, measure).to_json(&group, v.map(|v| (json!(v), None))));
            }
            question_figures(f, q, f.figures(qi, g), &group, &mut figures);
        }
    }
    theme_figures(f, &mut figures);
    let mut verbatims = Vec::new();
    for (kind, texts) in [("text", &f.verbatims), ("other", &f.others)] {
        for q in &f.questions {
            let Some(v) = texts.get(&q.id) else { continue };
            let quoted: Vec<Value> = v
                .texts()
                .map(|(t, c)| json!({ "text": scrub(t), "count": c }))
                .collect();
            verbatims.push(json!({
                "question": q.id,
                "kind": kind,
                "answers": v.total,
                "withheld": v.withheld,
                "texts": quoted,
            }));
        }
    }
    let doc = json!({
        "format": "farvel-report/1",
        "survey": f.survey.id,
        "fingerprint": f.survey.fingerprint,
        "k": f.k,
        "dimensions": dims,
        "figures": figures,
        "verbatims": verbatims,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The custodian's theme counts of text questions whose verbatims may be
/// shown: everyone together, by theme name.
fn theme_figures(f: &Findings, out: &mut Vec<Value>) {
    let group = json!({});
    for qi in 0..f.questions.len() {
        let Some((mut rows, answered)) = super::review::theme_rows(f, qi) else {
            continue;
        };
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (theme, c) in rows {
            let fig = Fig::new(f.questions[qi], "count").classes(vec![format!("theme:{theme}")]);
            out.push(fig.to_json(&group, c.map(|c| (json!(c), Some(answered)))));
        }
    }
}

/// Every group a figure could be about: everyone, each value of each
/// dimension, and each dimension's combined group where there is one.
fn candidates(f: &Findings) -> Vec<GroupId> {
    let mut out = vec![GroupId::Overall];
    for (d, dim) in f.dims.iter().enumerate() {
        let values = match dim {
            Dim::Segment(si) => f.segment_values[*si].len() + 1,
            Dim::Period if f.periods.undated > 0 => f.periods.len(),
            Dim::Period => f.periods.spans.len(),
        };
        out.extend((0..values).map(|v| GroupId::Value(d, v)));
        if f.plan.merged.contains_key(&d) {
            out.push(GroupId::Merged(d));
        }
    }
    out
}

fn group_json(f: &Findings, g: GroupId) -> Value {
    let (d, values): (usize, Vec<usize>) = match g {
        GroupId::Overall => return json!({}),
        GroupId::Value(d, v) => (d, vec![v]),
        GroupId::Merged(d) => (d, f.plan.merged.get(&d).cloned().unwrap_or_default()),
    };
    let vals: Vec<Value> = match f.dims[d] {
        Dim::Segment(si) => values
            .iter()
            .map(|&v| json!(f.segment_values[si].get(v)))
            .collect(),
        Dim::Period => values
            .iter()
            .flat_map(|&v| match v < f.periods.spans.len() {
                true => f
                    .periods
                    .members(v)
                    .into_iter()
                    .map(|p| json!(p.to_string()))
                    .collect(),
                false => vec![Value::Null],
            })
            .collect(),
    };
    let id = match f.dims[d] {
        Dim::Segment(si) => f.segments[si].id.clone(),
        Dim::Period => "period".to_string(),
    };
    let mut m = Map::new();
    m.insert(id, Value::Array(vals));
    Value::Object(m)
}

/// The answer figures of one question in one group (`a`: `None` when
/// they may not be shown).
fn question_figures(
    f: &Findings,
    q: &Question,
    a: Option<&QAgg>,
    group: &Value,
    out: &mut Vec<Value>,
) {
    let k = f.k;
    // A count over `base` answerers: shown only over k or more.
    let count = |fig: Fig, x: Option<(u64, u64)>| {
        fig.to_json(
            group,
            x.filter(|&(_, n)| n >= k).map(|(x, n)| (json!(x), Some(n))),
        )
    };
    let nonlinear = |fig: Fig, v: Option<(Value, u64)>| {
        fig.to_json(
            group,
            v.filter(|(_, n)| f.nonlinear_ok(*n))
                .map(|(v, n)| (v, Some(n))),
        )
    };
    match &q.kind {
        Kind::Choice { .. } | Kind::Multi { .. } | Kind::YesNo => {
            let values: Vec<String> = match &q.kind {
                Kind::YesNo => vec!["yes".into(), "no".into()],
                kind => kind.option_values().iter().map(|s| s.to_string()).collect(),
            };
            for v in &values {
                let x = a.map(|a| (a.counts.get(v).copied().unwrap_or(0), a.answered));
                out.push(count(Fig::new(q, "count").classes(vec![v.clone()]), x));
            }
            if !matches!(q.kind, Kind::Multi { .. }) {
                let top = a.and_then(|a| {
                    let best = values
                        .iter()
                        .map(|v| (a.counts.get(v).copied().unwrap_or(0), v))
                        .fold(None::<(u64, &String)>, |b, (c, v)| match b {
                            Some((bc, _)) if bc >= c => b,
                            _ => Some((c, v)),
                        })?;
                    Some((best.1.clone(), a.answered))
                });
                let fig =
                    Fig::new(q, "most_common").classes(top.iter().map(|t| t.0.clone()).collect());
                let fig = match top {
                    Some(_) if a.is_some_and(|a| f.nonlinear_ok(a.answered)) => fig,
                    _ => Fig {
                        classes: None,
                        ..fig
                    },
                };
                out.push(nonlinear(fig, top.map(|(v, n)| (json!(v), n))));
            }
        }
        Kind::Scale { scale, .. } => {
            points(
                f,
                q,
                None,
                scale.min,
                scale.max,
                a.map(|a| &a.points),
                group,
                out,
            );
        }
        Kind::Nps => points(f, q, None, 0, 10, a.map(|a| &a.points), group, out),
        Kind::Matrix { rows, scale, .. } => {
            for r in rows.keys() {
                let row = a.map(|a| a.rows.get(r).cloned().unwrap_or_default());
                let n = row.as_ref().map(|p| p.values().sum::<u64>());
                out.push(
                    Fig::new(q, "answered")
                        .row(Some(r))
                        .to_json(group, n.map(|n| (json!(n), None))),
                );
                points(
                    f,
                    q,
                    Some(r),
                    scale.min,
                    scale.max,
                    row.as_ref(),
                    group,
                    out,
                );
            }
        }
        Kind::Ranking { .. } => {
            let opts = q.kind.option_values();
            let m = opts.len();
            for o in opts {
                let first = a.map(|a| (a.counts.get(o).copied().unwrap_or(0), a.answered));
                out.push(count(
                    Fig::new(q, "count").classes(vec![format!("{o}@1")]),
                    first,
                ));
                let all: Vec<String> = (1..=m).map(|p| format!("{o}@{p}")).collect();
                let ranks = a.map(|a| a.ranks.get(o).copied().unwrap_or((0, 0)));
                out.push(count(
                    Fig::new(q, "count").classes(all.clone()),
                    ranks.zip(a).map(|((_, times), a)| (times, a.answered)),
                ));
                let sum = Fig {
                    weights: Some((1..=m as i64).collect()),
                    ..Fig::new(q, "sum").classes(all)
                };
                out.push(count(sum, ranks.zip(a).map(|((s, _), a)| (s, a.answered))));
            }
        }
        Kind::Date { .. } => {
            // Only months someone gave: a month nobody gave is a zero no
            // printed table shows.
            if let Some(a) = a {
                for (m, c) in &a.counts {
                    out.push(count(
                        Fig::new(q, "count").classes(vec![m.clone()]),
                        Some((*c, a.answered)),
                    ));
                }
            }
        }
        Kind::Number { .. } => {
            for p in [0.25, 0.5, 0.75] {
                let v = a.and_then(|a| Some((quantile(&a.numbers, p)?, a.answered)));
                let fig = Fig {
                    p: Some(p),
                    ..Fig::new(q, "quantile")
                };
                out.push(nonlinear(fig, v.map(|(v, n)| (json!(v), n))));
            }
        }
        Kind::Text { .. } | Kind::Info => {}
    }
}

/// Counts per point, the mean and the median of a scale, NPS or matrix row.
#[allow(clippy::too_many_arguments)]
fn points(
    f: &Findings,
    q: &Question,
    row: Option<&str>,
    min: i64,
    max: i64,
    pts: Option<&std::collections::BTreeMap<i64, u64>>,
    group: &Value,
    out: &mut Vec<Value>,
) {
    let n = pts.map(|p| p.values().sum::<u64>());
    let ok = |n: Option<u64>| n.filter(|&n| n >= f.k);
    for p in min..=max {
        let x = pts.map(|m| m.get(&p).copied().unwrap_or(0));
        let fig = Fig::new(q, "count").row(row).classes(vec![p.to_string()]);
        out.push(fig.to_json(group, x.zip(ok(n)).map(|(x, n)| (json!(x), Some(n)))));
    }
    if matches!(q.kind, Kind::Nps) {
        return;
    }
    let mean = pts.and_then(mean_ci).map(|m| m.mean);
    let fig = Fig::new(q, "mean").row(row);
    out.push(fig.to_json(group, mean.zip(ok(n)).map(|(m, n)| (json!(m), Some(n)))));
    let median = pts.and_then(|m| quantile(&m.iter().map(|(p, c)| (*p as i32, *c)).collect(), 0.5));
    let fig = Fig::new(q, "median").row(row);
    let shown = median.zip(n.filter(|&n| f.nonlinear_ok(n)));
    out.push(fig.to_json(group, shown.map(|(m, n)| (json!(m), Some(n)))));
}
