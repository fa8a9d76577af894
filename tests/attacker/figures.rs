//! The report's JSON (docs/report-json.md) read as the reader reads it:
//! every figure shown becomes a published linear fact over the cells of
//! the atoms of its group (or, for medians, quantiles and "most common",
//! only a base to check); the marker, base and format rules are checked on
//! the way.

use serde_json::{Map, Value as Json};

use crate::data::Data;
use crate::exact::Q;
use crate::model::{Func, Model, Sub, var};
use crate::{Finding, Rule};

/// Treat a `mean` shown with its `base` as the sum it implies
/// (`mean × base`): a reader who does exact arithmetic gets the sum of
/// points back from them, so it is a linear figure like `sum`.
pub const MEAN_TIMES_BASE_IS_A_SUM: bool = true;

/// A linear function of the cells whose value the reader knows.
pub struct Fact {
    /// What it is, for explanations (`#12 {…} enps count [9,10] = 4`).
    pub desc: String,
    /// Atoms (indexes into `Data::atoms`) it sums over.
    pub atoms: Vec<usize>,
    pub func: Func,
}

pub struct Parsed {
    pub facts: Vec<Fact>,
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

const DESCRIPTIVE: [&str; 8] = [
    "group", "question", "row", "measure", "classes", "weights", "p", "status",
];

fn describe(i: usize, f: &Map<String, Json>) -> String {
    let g = f.get("group").map(|g| g.to_string()).unwrap_or_default();
    let q = f.get("question").and_then(Json::as_str).unwrap_or("·");
    let row = f
        .get("row")
        .and_then(Json::as_str)
        .map(|r| format!(".{r}"))
        .unwrap_or_default();
    let m = f.get("measure").and_then(Json::as_str).unwrap_or("?");
    let c = f
        .get("classes")
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let w = f
        .get("weights")
        .map(|c| format!(" weights {c}"))
        .unwrap_or_default();
    let v = f
        .get("value")
        .map(|v| format!(" = {v}"))
        .unwrap_or_default();
    let b = f
        .get("base")
        .map(|v| format!(" (base {v})"))
        .unwrap_or_default();
    format!("figure #{i} {g} {q}{row} {m}{c}{w}{v}{b}")
}

/// Whether an atom's period `p` lies in a group's period value `g`
/// (equal, or `g` a coarser period holding it).
fn period_in(p: Option<&str>, g: Option<&str>) -> bool {
    use farvel::answers::Period;
    match (p, g) {
        (None, None) => true,
        (Some(p), Some(g)) if p == g => true,
        (Some(p), Some(g)) => match (Period::parse(p), Period::parse(g)) {
            (Some(p), Some(g)) => p.coarsen(g.granularity()) == Some(g),
            _ => false,
        },
        _ => false,
    }
}

/// The atoms of a group, or why the group cannot be read.
pub fn group_atoms(data: &Data, group: &Json) -> Result<Vec<usize>, String> {
    let Some(obj) = group.as_object() else {
        return Err(format!("group {group} is not an object"));
    };
    let mut keep: Vec<bool> = vec![true; data.atoms.len()];
    for (dim, values) in obj {
        let Some(d) = data.dims.iter().position(|x| &x.id == dim) else {
            return Err(format!("group {group}: '{dim}' is not a dimension"));
        };
        let Some(values) = values.as_array() else {
            return Err(format!("group {group}: '{dim}' does not list values"));
        };
        let mut vs: Vec<Option<&str>> = Vec::new();
        for v in values {
            match v {
                Json::Null => vs.push(None),
                Json::String(s) => {
                    let known = dim == "period"
                        || data.dims[d].domain.iter().any(|x| x.as_deref() == Some(s));
                    if !known {
                        return Err(format!("group {group}: '{s}' is not a value of '{dim}'"));
                    }
                    vs.push(Some(s));
                }
                _ => return Err(format!("group {group}: {v} is not a value")),
            }
        }
        for (a, k) in keep.iter_mut().enumerate() {
            let av = data.atoms[a].key[d].as_deref();
            let inside = if dim == "period" {
                vs.iter().any(|g| period_in(av, *g))
            } else {
                vs.contains(&av)
            };
            *k &= inside;
        }
    }
    Ok((0..data.atoms.len()).filter(|&a| keep[a]).collect())
}

/// The true value of a local functional summed over atoms.
pub fn truth(data: &Data, atoms: &[usize], f: &Func) -> Q {
    let mut t = Q::ZERO;
    for &a in atoms {
        for &(v, c) in f {
            t = t.add(c.mul(Q::int(i128::from(data.cells[a][v]))));
        }
    }
    t
}

fn json_q(v: &Json) -> Option<Q> {
    match v {
        Json::Number(n) => Q::parse_decimal(&n.to_string()),
        _ => None,
    }
}

pub fn parse(model: &Model, data: &Data, doc: &Json) -> Parsed {
    let mut out = Parsed {
        facts: Vec::new(),
        findings: Vec::new(),
        notes: Vec::new(),
    };
    let k = model.k;
    let format = |detail: String, out: &mut Parsed| {
        out.findings.push(Finding {
            rule: Rule::Format,
            set: Vec::new(),
            question: None,
            detail,
        })
    };
    if doc.get("format").and_then(Json::as_str) != Some("farvel-report/1") {
        format("\"format\" is not \"farvel-report/1\"".into(), &mut out);
    }
    if doc.get("k").and_then(Json::as_u64) != Some(k) {
        format(format!("\"k\" is not the survey's min_group {k}"), &mut out);
    }
    // The dimensions: segments in survey order, then the period (absent
    // with --period all).
    let listed: Vec<&str> = doc
        .get("dimensions")
        .and_then(Json::as_array)
        .map(|ds| {
            ds.iter()
                .filter_map(|d| d.get("id").and_then(Json::as_str))
                .collect()
        })
        .unwrap_or_default();
    let mine: Vec<&str> = data.dims.iter().map(|d| d.id.as_str()).collect();
    if listed != mine && listed != mine[..mine.len() - 1] {
        format(
            format!("dimensions {listed:?} are not the segments and the period {mine:?}"),
            &mut out,
        );
    }

    let figures = doc
        .get("figures")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, fig) in figures.iter().enumerate() {
        let Some(f) = fig.as_object() else {
            format(format!("figure #{i} is not an object"), &mut out);
            continue;
        };
        let desc = describe(i, f);
        let marker = |detail: String, out: &mut Parsed| {
            out.findings.push(Finding {
                rule: Rule::Marker,
                set: Vec::new(),
                question: f.get("question").and_then(Json::as_str).map(str::to_string),
                detail: format!("{desc}: {detail}"),
            })
        };
        // Rule 4: one marker.
        let status = f.get("status").and_then(Json::as_str);
        let shown = match status {
            Some("shown") => true,
            Some("not shown") => false,
            _ => {
                marker(
                    format!(
                        "status {:?} is neither \"shown\" nor \"not shown\"",
                        f.get("status")
                    ),
                    &mut out,
                );
                continue;
            }
        };
        let extra: Vec<&String> = f
            .keys()
            .filter(|key| {
                let figure = shown && matches!(key.as_str(), "value" | "base");
                !(DESCRIPTIVE.contains(&key.as_str()) || figure)
            })
            .collect();
        if !extra.is_empty() {
            marker(
                format!("carries {extra:?}, which is neither a figure nor its description"),
                &mut out,
            );
        }
        if !shown {
            continue;
        }
        let measure = f.get("measure").and_then(Json::as_str).unwrap_or("");
        // A value: a number, or for "most common" the class it names.
        let Some(value) = f.get("value").filter(|v| !v.is_null()) else {
            marker("is shown without a value".into(), &mut out);
            continue;
        };
        if !value.is_number() && measure != "most_common" {
            format(format!("{desc}: the value is not a number"), &mut out);
            continue;
        }
        let atoms = match group_atoms(data, f.get("group").unwrap_or(&Json::Null)) {
            Ok(a) => a,
            Err(e) => {
                format(format!("{desc}: {e}"), &mut out);
                continue;
            }
        };
        let qid = f.get("question").and_then(Json::as_str);
        let q = match qid {
            None => None,
            Some(id) => match model.question(id) {
                Some(q) => Some(q),
                None => {
                    format(format!("{desc}: no question '{id}'"), &mut out);
                    continue;
                }
            },
        };
        let row = f.get("row").and_then(Json::as_str);
        let sub = match q.map(|q| model.sub_of_row(q, row)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                format(format!("{desc}: {e}"), &mut out);
                continue;
            }
            None => Sub::Whole,
        };
        let classes: Vec<&str> = f
            .get("classes")
            .and_then(Json::as_array)
            .map(|c| c.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        // The custodian's theme counts (docs/report-json.md) count tags on
        // texts, not answer classes: outside the linear system of cells.
        if measure == "count"
            && !classes.is_empty()
            && classes.iter().all(|c| c.starts_with("theme:"))
        {
            out.notes
                .push(format!("{desc}: a theme count, not in the linear system"));
            continue;
        }
        let class_cells = |q: usize| -> Result<Vec<usize>, String> {
            if classes.is_empty() {
                return Err("no classes".into());
            }
            classes.iter().map(|c| model.class_var(q, sub, c)).collect()
        };
        let base = f.get("base");
        let need_q = |out: &mut Parsed| {
            out.findings.push(Finding {
                rule: Rule::Format,
                set: Vec::new(),
                question: None,
                detail: format!("{desc}: a '{measure}' figure needs a question"),
            })
        };
        // The linear function it publishes, and the base rule it obeys.
        let (func, base_rule): (Option<Func>, u64) = match (measure, q) {
            ("respondents", None) => (Some(var(model.n)), 0),
            ("shown", Some(q)) => (Some(model.shown(q)), 0),
            ("answered", Some(q)) => (Some(model.answered(q, sub)), 0),
            ("skipped", Some(q)) => (Some(model.skipped(q, sub)), 0),
            ("count", Some(q)) => match class_cells(q) {
                Ok(cs) => (Some(cs.into_iter().map(|c| (c, Q::ONE)).collect()), k),
                Err(e) => {
                    format(format!("{desc}: {e}"), &mut out);
                    continue;
                }
            },
            ("sum", Some(q)) => {
                let ws: Vec<Option<Q>> = f
                    .get("weights")
                    .and_then(Json::as_array)
                    .map(|w| w.iter().map(json_q).collect())
                    .unwrap_or_default();
                match class_cells(q) {
                    Ok(cs) if ws.len() == cs.len() && ws.iter().all(Option::is_some) => (
                        Some(
                            cs.into_iter()
                                .zip(ws)
                                .map(|(c, w)| (c, w.unwrap()))
                                .collect(),
                        ),
                        k,
                    ),
                    Ok(_) => {
                        format(
                            format!("{desc}: weights do not match the classes"),
                            &mut out,
                        );
                        continue;
                    }
                    Err(e) => {
                        format(format!("{desc}: {e}"), &mut out);
                        continue;
                    }
                }
            }
            ("mean", Some(_)) => (None, k),
            ("median" | "quantile" | "most_common", Some(_)) => (None, 2 * k),
            ("respondents", Some(_)) => {
                format(format!("{desc}: respondents of a question"), &mut out);
                continue;
            }
            (
                "shown" | "answered" | "skipped" | "count" | "sum" | "mean" | "median" | "quantile"
                | "most_common",
                None,
            ) => {
                need_q(&mut out);
                continue;
            }
            _ => {
                format(format!("{desc}: unknown measure '{measure}'"), &mut out);
                continue;
            }
        };
        let qname = q.map(|q| model.qs[q].id.clone());
        let mismatch = |detail: String, out: &mut Parsed| {
            out.findings.push(Finding {
                rule: Rule::Mismatch,
                set: Vec::new(),
                question: qname.clone(),
                detail: format!("{desc}: {detail}"),
            })
        };
        if let Some(func) = func {
            let t = truth(data, &atoms, &func);
            match json_q(value) {
                Some(v) if v == t => {}
                _ => mismatch(format!("the data give {t}"), &mut out),
            }
            out.facts.push(Fact {
                desc: desc.clone(),
                atoms: atoms.clone(),
                func,
            });
        }
        // The base: the answerers of the (sub)question in the group.
        if base_rule > 0 {
            let ans = model.answered(q.unwrap(), sub);
            let t = truth(data, &atoms, &ans);
            if t < Q::int(i128::from(base_rule)) {
                out.findings.push(Finding {
                    rule: Rule::Base,
                    set: atoms.iter().map(|&a| data.label(a)).collect(),
                    question: qname.clone(),
                    detail: format!(
                        "{desc}: a '{measure}' over {t} answerers (the rule: at least {base_rule})"
                    ),
                });
            }
            if let Some(b) = base {
                if json_q(b) != Some(t) {
                    mismatch(
                        format!("base {b}, but the data give {t} answerers"),
                        &mut out,
                    );
                }
                out.facts.push(Fact {
                    desc: format!("base of {desc}"),
                    atoms: atoms.clone(),
                    func: ans.clone(),
                });
            }
            if measure == "mean" {
                let q = q.unwrap();
                match model.points(q, sub) {
                    None => format(
                        format!("{desc}: a mean of a question without points"),
                        &mut out,
                    ),
                    Some(points) => {
                        let sum: Func = points.iter().map(|&(w, c)| (c, w)).collect();
                        let s = truth(data, &atoms, &sum);
                        let m = value.as_f64().unwrap_or(f64::NAN);
                        let exact = if t.is_zero() {
                            0.0
                        } else {
                            s.to_f64() / t.to_f64()
                        };
                        if (m - exact).abs() > 1e-6 * exact.abs().max(1.0) {
                            mismatch(format!("the data give a mean of {exact}"), &mut out);
                        } else if MEAN_TIMES_BASE_IS_A_SUM && base.is_some() {
                            out.facts.push(Fact {
                                desc: format!("mean × base of {desc}"),
                                atoms: atoms.clone(),
                                func: sum,
                            });
                        }
                    }
                }
            }
        } else if let Some(b) = base {
            // A base on a size figure: the respondents of the group for
            // "respondents" and "shown", those shown it for "answered" and
            // "skipped" (the docs leave this open; see the report).
            let bf = match (measure, q) {
                ("respondents" | "shown", _) => var(model.n),
                (_, Some(q)) => model.shown(q),
                _ => var(model.n),
            };
            let t = truth(data, &atoms, &bf);
            if json_q(b) != Some(t) {
                mismatch(
                    format!("base {b}: neither respondents nor shown fits (the data give {t})"),
                    &mut out,
                );
            } else {
                out.facts.push(Fact {
                    desc: format!("base of {desc}"),
                    atoms: atoms.clone(),
                    func: bf,
                });
            }
        }
    }

    // Verbatims: `answers` is a figure over everyone.
    let everyone: Vec<usize> = (0..data.atoms.len()).collect();
    let verbatims = doc
        .get("verbatims")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for v in &verbatims {
        let (Some(qid), Some(kind)) = (
            v.get("question").and_then(Json::as_str),
            v.get("kind").and_then(Json::as_str),
        ) else {
            format(format!("verbatim {v} lacks question or kind"), &mut out);
            continue;
        };
        let Some(q) = model.question(qid) else {
            format(format!("verbatim of unknown question '{qid}'"), &mut out);
            continue;
        };
        let n = v.get("answers").and_then(json_q);
        let shown = truth(data, &everyone, &model.shown(q));
        let floor = k.max(10);
        if shown < Q::int(i128::from(floor)) {
            out.findings.push(Finding {
                rule: Rule::Base,
                set: Vec::new(),
                question: Some(qid.into()),
                detail: format!(
                    "verbatims of '{qid}' shown to {shown} (the rule: at least {floor})"
                ),
            });
        }
        let func = match kind {
            "text" => model.answered(q, Sub::Whole),
            "other" => match model.class_var(q, Sub::Whole, "other") {
                Ok(c) => var(c),
                Err(e) => {
                    format(format!("verbatim: {e}"), &mut out);
                    continue;
                }
            },
            _ => {
                format(
                    format!("verbatim of '{qid}': unknown kind '{kind}'"),
                    &mut out,
                );
                continue;
            }
        };
        let t = truth(data, &everyone, &func);
        if n == Some(t) {
            out.facts.push(Fact {
                desc: format!("verbatims of {qid} ({kind}): answers = {t}"),
                atoms: everyone.clone(),
                func,
            });
        } else {
            out.notes.push(format!(
                "verbatims of '{qid}' ({kind}) count {:?} texts, not {t} cells: not in the linear system",
                v.get("answers")
            ));
        }
    }
    out
}
