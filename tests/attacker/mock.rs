//! A reckless report for stress tests: every figure of every group shown
//! (everyone, each value of each dimension, each segment value × each
//! period), written in the JSON format with values from the attacker's own
//! tabulation. It needs no `--json` in the binary, so the attacker's
//! searches run on report-sized inputs today, and it must be caught.

use serde_json::{Value as Json, json};

use crate::data::Data;
use crate::figures::truth;
use crate::model::{Body, Func, Model, Sub, var};

/// A (sub)question's row, part, and classes with their cells.
type SubClasses = (Option<String>, Sub, Vec<(String, usize)>);

fn groups(data: &Data) -> Vec<(Json, Vec<usize>)> {
    let mut out = vec![(json!({}), (0..data.atoms.len()).collect())];
    let nd = data.dims.len();
    for (d, dim) in data.dims.iter().enumerate() {
        for v in &dim.domain {
            let atoms: Vec<usize> = (0..data.atoms.len())
                .filter(|&a| &data.atoms[a].key[d] == v)
                .collect();
            if !atoms.is_empty() {
                out.push((json!({ dim.id.clone(): [v] }), atoms));
            }
        }
    }
    let p = nd - 1;
    for (d, dim) in data.dims[..p].iter().enumerate() {
        for v in &dim.domain {
            for w in &data.dims[p].domain {
                let atoms: Vec<usize> = (0..data.atoms.len())
                    .filter(|&a| &data.atoms[a].key[d] == v && &data.atoms[a].key[p] == w)
                    .collect();
                if !atoms.is_empty() {
                    out.push((json!({ dim.id.clone(): [v], "period": [w] }), atoms));
                }
            }
        }
    }
    out
}

pub fn full_disclosure(model: &Model, data: &Data) -> Json {
    let mut figs: Vec<Json> = Vec::new();
    let val = |atoms: &[usize], f: &Func| truth(data, atoms, f).numer() as i64;
    for (g, atoms) in groups(data) {
        figs.push(
            json!({"group": g, "question": null, "measure": "respondents",
                         "status": "shown", "value": val(&atoms, &var(model.n))}),
        );
        for (qi, qm) in model.qs.iter().enumerate() {
            if qm.segment {
                continue;
            }
            figs.push(json!({"group": g, "question": qm.id, "measure": "shown",
                             "status": "shown", "value": val(&atoms, &model.shown(qi))}));
            let subs: Vec<SubClasses> = match &qm.body {
                Body::Single { classes, .. } => vec![(None, Sub::Whole, classes.clone())],
                Body::Multi { opts, .. } => vec![(
                    None,
                    Sub::Whole,
                    opts.iter().map(|(o, t, _)| (o.clone(), *t)).collect(),
                )],
                Body::Matrix { rows, .. } => rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (Some(r.id.clone()), Sub::Row(i), r.points.clone()))
                    .collect(),
                Body::Ranking { .. } => Vec::new(),
            };
            for (row, sub, classes) in subs {
                let base = val(&atoms, &model.answered(qi, sub));
                let mut push = |measure: &str, cs: Vec<&(String, usize)>| {
                    let f: Func = cs.iter().map(|c| (c.1, crate::exact::Q::ONE)).collect();
                    let names: Vec<&str> = cs.iter().map(|c| c.0.as_str()).collect();
                    figs.push(json!({"group": g, "question": qm.id, "row": row, "measure": measure,
                        "classes": names, "status": "shown", "value": val(&atoms, &f), "base": base}));
                };
                for c in &classes {
                    push("count", vec![c]);
                }
                if matches!(qm.kind, "scale" | "matrix") && classes.len() > 2 {
                    let m = classes.len();
                    push("count", vec![&classes[m - 2], &classes[m - 1]]);
                    push("count", vec![&classes[0], &classes[1]]);
                }
                if qm.kind == "nps" {
                    push("count", classes[0..=6].iter().collect());
                    push("count", classes[9..=10].iter().collect());
                }
                figs.push(
                    json!({"group": g, "question": qm.id, "row": row, "measure": "answered",
                                 "status": "shown", "value": base}),
                );
                figs.push(
                    json!({"group": g, "question": qm.id, "row": row, "measure": "skipped",
                                 "status": "shown", "value": val(&atoms, &model.skipped(qi, sub))}),
                );
            }
        }
    }
    // Drop `row: null` of non-matrix figures.
    for f in &mut figs {
        if let Some(o) = f.as_object_mut()
            && o.get("row") == Some(&Json::Null)
        {
            o.remove("row");
        }
    }
    let dims: Vec<Json> = data
        .dims
        .iter()
        .map(|d| json!({"id": d.id, "values": d.domain}))
        .collect();
    json!({"format": "farvel-report/1", "survey": "gen", "fingerprint": "", "k": model.k,
           "dimensions": dims, "figures": figs, "verbatims": []})
}
