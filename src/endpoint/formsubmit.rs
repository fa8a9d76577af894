//! FormSubmit: posts to `https://formsubmit.co/{address or alias}` with a
//! plain post; honeypot `_honey`; `_captcha=false` so people without
//! JavaScript are not stopped by its captcha page; redirect `_next`; one
//! field per option for multi answers (its backend keeps only the last of
//! a repeated name). E-mails every submission.

use super::*;

pub struct Formsubmit;

impl Adapter for Formsubmit {
    fn service(&self) -> Service {
        Service::Formsubmit
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "FormSubmit",
            records: Records::TimeMaybeIp,
            emails: Emails::Always,
        }
    }
    fn multi(&self, _: &Endpoint) -> MultiEncoding {
        MultiEncoding::Split
    }
    fn transport(&self) -> Transport {
        Transport::Native
    }
    fn honeypot(&self) -> Option<Honeypot> {
        Some(Honeypot {
            name: "_honey",
            kind: HoneypotKind::Text,
        })
    }
    fn redirect_field(&self) -> Option<&'static str> {
        Some("_next")
    }
    fn hidden_fields(&self, _: &Endpoint, _: &str) -> Vec<(String, String)> {
        vec![("_captcha".into(), "false".into())]
    }
}
