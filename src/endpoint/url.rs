//! Any URL, your own collector included: a plain post (no script-driven
//! sending, since its CORS answers are unknown), honeypot `_gotcha`, and the
//! multi-choice encoding chosen with `multi:` (default one field per option).

use super::*;

pub struct Url;

impl Adapter for Url {
    fn service(&self) -> Service {
        Service::Url
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "",
            records: Records::TimeMaybeIp,
            emails: Emails::Unknown,
        }
    }
    fn multi(&self, ep: &Endpoint) -> MultiEncoding {
        ep.multi.unwrap_or(MultiEncoding::Split)
    }
    fn transport(&self) -> Transport {
        Transport::Native
    }
    fn honeypot(&self) -> Option<Honeypot> {
        Some(GOTCHA)
    }
}
