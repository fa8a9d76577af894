//! Formspree: posts to `https://formspree.io/f/{id}`; honeypot `_gotcha`;
//! redirect `_next`; repeated names for multi answers; AJAX with
//! `Accept: application/json`. Keeps the time; IP not documented; e-mails
//! each submission by default.

use super::*;

pub struct Formspree;

impl Adapter for Formspree {
    fn service(&self) -> Service {
        Service::Formspree
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Formspree",
            records: Records::TimeMaybeIp,
            emails: Emails::ByDefault,
        }
    }
    fn multi(&self, _: &Endpoint) -> MultiEncoding {
        MultiEncoding::Repeat
    }
    fn transport(&self) -> Transport {
        Transport::AjaxForm
    }
    fn honeypot(&self) -> Option<Honeypot> {
        Some(GOTCHA)
    }
    fn redirect_field(&self) -> Option<&'static str> {
        Some("_next")
    }
}
