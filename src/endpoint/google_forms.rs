//! Google Forms: a native post to `…/formResponse` (no CORS), fields named
//! by `entries` (`entry.N`; a matrix or ranking maps each row or option to
//! its own entry), values being the Google form's option labels (the labels
//! of `labels_language`), "other" sent as `__other_option__` with
//! `entry.N.other_option_response`, multi answers as repeated names. No
//! honeypot. Google keeps the time only.

use super::*;
use crate::survey::EntryRef;

pub struct GoogleForms;

impl Adapter for GoogleForms {
    fn service(&self) -> Service {
        Service::GoogleForms
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Google Forms",
            records: Records::Time,
            emails: Emails::IfEnabled,
        }
    }
    fn multi(&self, _: &Endpoint) -> MultiEncoding {
        MultiEncoding::Repeat
    }
    fn transport(&self) -> Transport {
        Transport::Native
    }
    fn honeypot(&self) -> Option<Honeypot> {
        None
    }
    fn field_name(&self, ep: &Endpoint, q: &Question, part: Part) -> String {
        let found = match (ep.entries.get(&q.id), part) {
            (Some(EntryRef::Entry(e)), Part::Main) => Some(e.clone()),
            (Some(EntryRef::Entry(e)), Part::Other) => Some(format!("{e}.other_option_response")),
            (Some(EntryRef::Entry(e)), Part::Year) => Some(format!("{e}_year")),
            (Some(EntryRef::Entry(e)), Part::Month) => Some(format!("{e}_month")),
            (Some(EntryRef::Rows(rows)), Part::Row(r) | Part::Rank(r)) => rows.get(r).cloned(),
            _ => None,
        };
        found.unwrap_or_else(|| default_name(&q.id, part))
    }
    fn option_value(&self, value: &str, label: &str) -> String {
        if value == "other" {
            "__other_option__".to_string()
        } else {
            label.to_string()
        }
    }
}
