//! The survey fingerprint: sha256 over a versioned canonical form of the
//! survey's *structure* (question ids, types, option values, ranges,
//! conditions, matrix rows). Texts and translations are left out, so fixing
//! a typo does not orphan answers already collected.

use sha2::{Digest, Sha256};

use super::model::*;

/// Version tag of the canonical form; bump it only if the form changes.
const VERSION: &str = "farvel-fingerprint-v1";

/// The canonical form, one line per fact (exposed for tests and docs).
pub fn canonical(survey: &Survey) -> String {
    let mut out = String::new();
    out.push_str(VERSION);
    out.push('\n');
    for q in survey.questions() {
        if !q.is_answerable() {
            continue;
        }
        out.push_str(&format!("q {} {}", q.id, q.kind.name()));
        match &q.kind {
            Kind::Text { .. } | Kind::Date { .. } | Kind::YesNo | Kind::Nps | Kind::Info => {}
            Kind::Number {
                min, max, integer, ..
            } => {
                out.push_str(&format!(
                    " min={} max={} int={}",
                    num(*min),
                    num(*max),
                    integer
                ));
            }
            Kind::Choice { other, .. } | Kind::Multi { other, .. } => {
                let none = matches!(q.kind, Kind::Multi { none: true, .. });
                out.push_str(&format!(" other={other} none={none}"));
            }
            Kind::Ranking { .. } => {}
            Kind::Scale { scale, .. } => {
                out.push_str(&format!(" range={}..{}", scale.min, scale.max))
            }
            Kind::Matrix { rows, scale, .. } => {
                out.push_str(&format!(" range={}..{}", scale.min, scale.max));
                for r in rows.keys() {
                    out.push_str(&format!(" row={r}"));
                }
            }
        }
        for o in q.kind.options() {
            out.push_str(&format!(" opt={}", o.value));
        }
        if let Some(c) = &q.show_if {
            out.push_str(&format!(
                " if={}",
                c.source.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        out.push('\n');
    }
    out
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

/// The fingerprint as 64 hex digits.
pub fn fingerprint(survey: &Survey) -> String {
    let digest = Sha256::digest(canonical(survey).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
