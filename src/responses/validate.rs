//! Re-validation against the definition: a row's coded answers in, the
//! answers the form should have prevented set aside (each with its rule)
//! out. Checks what the no-JS form cannot enforce: tick counts, `none`
//! with other options, and answers to questions the conditions hid. Also
//! leaves in the row which questions its respondent was shown.

use crate::survey::Kind;

use super::coded::{Code, Coded};
use super::headers::Catalog;
use super::values::rule;

/// Check a row's answers in place, pushing every answer set aside (by
/// question id within each check, as before the row was coded).
pub fn check_row(cat: &Catalog, c: &mut Coded) {
    for &q in &cat.multi_by_name {
        let (Some(Code::Multi(s)), info) = (c.answer(q), &cat.questions[q]) else {
            continue;
        };
        let Kind::Multi { min, max, .. } = &info.q.kind else {
            continue;
        };
        let vals = c.idx(s);
        let n = vals.len() as u32;
        let with_none = info.none.is_some_and(|x| vals.contains(&x));
        let why = if n > 1 && with_none {
            rule::NONE_WITH
        } else if max.is_some_and(|m| n > m) {
            rule::TOO_MANY
        } else if !(n == 1 && with_none) && min.is_some_and(|m| n < m) {
            rule::TOO_FEW
        } else {
            continue;
        };
        set_aside(c, q, why);
    }
    let mut shown = std::mem::take(&mut c.shown);
    cat.conditions.mask(cat, c, &mut shown);
    // Only a question with a condition can be hidden.
    for &q in &cat.conditional_by_name {
        if c.answer(q).is_some() && !shown[cat.position[q]] {
            set_aside(c, q, rule::HIDDEN);
        }
    }
    c.shown = shown;
}

fn set_aside(c: &mut Coded, q: usize, why: &'static str) {
    c.set(q, None);
    c.set_other(q, None);
    c.dropped.push((Some(q as u32), why));
}
