//! Getform: posts to `https://getform.io/f/{id}`; honeypot `_gotcha`; the
//! redirect is a dashboard setting; one field per option for multi answers;
//! AJAX with `Accept: application/json`.

use super::*;

pub struct Getform;

impl Adapter for Getform {
    fn service(&self) -> Service {
        Service::Getform
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Getform",
            records: Records::TimeMaybeIp,
            emails: Emails::Unknown,
        }
    }
    fn multi(&self, _: &Endpoint) -> MultiEncoding {
        MultiEncoding::Split
    }
    fn transport(&self) -> Transport {
        Transport::AjaxForm
    }
    fn honeypot(&self) -> Option<Honeypot> {
        Some(GOTCHA)
    }
}
