//! Re-validation against the definition: a row's answers in, the answers
//! the form should have prevented set aside (each with its rule) out.
//! Checks what the no-JS form cannot enforce: tick counts, `none` with
//! other options, and answers to questions the conditions hid.

use std::collections::BTreeMap;

use crate::answers::Answer;
use crate::survey::Kind;

use super::headers::Catalog;

use super::values::rule;

/// A dropped answer: question id, rule.
pub type Dropped = (Option<String>, &'static str);

/// Check a row's answers in place, pushing every answer set aside.
pub fn check_row(
    cat: &Catalog,
    answers: &mut BTreeMap<String, Answer>,
    other: &mut BTreeMap<String, String>,
    dropped: &mut Vec<Dropped>,
) {
    let mut bad: Vec<(String, &'static str)> = Vec::new();
    for (id, a) in answers.iter() {
        let (Some(info), Answer::Multi(vals)) = (cat.info(id), a) else {
            continue;
        };
        if let Kind::Multi { min, max, .. } = &info.q.kind {
            let n = vals.len() as u32;
            let none_alone = n == 1 && vals[0] == "none";
            if n > 1 && vals.iter().any(|v| v == "none") {
                bad.push((id.clone(), rule::NONE_WITH));
            } else if max.is_some_and(|m| n > m) {
                bad.push((id.clone(), rule::TOO_MANY));
            } else if !none_alone && min.is_some_and(|m| n < m) {
                bad.push((id.clone(), rule::TOO_FEW));
            }
        }
    }
    for (id, why) in bad {
        answers.remove(&id);
        other.remove(&id);
        dropped.push((Some(id), why));
    }
    let vis = &cat.visibility;
    if !vis.conditional() {
        return;
    }
    let mut shown = Vec::new();
    vis.mask(answers, &mut shown);
    let hidden: Vec<String> = answers
        .keys()
        .filter(|id| !vis.position(id).is_some_and(|p| shown[p]))
        .cloned()
        .collect();
    for id in hidden {
        answers.remove(&id);
        other.remove(&id);
        dropped.push((Some(id), rule::HIDDEN));
    }
}
