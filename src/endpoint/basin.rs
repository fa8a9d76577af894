//! Basin: posts to `https://usebasin.com/f/{id}`; honeypot `_gotcha`; the
//! redirect is a form setting; one field per option for multi answers;
//! cross-origin AJAX with `Accept: application/json`.

use super::*;

pub struct Basin;

impl Adapter for Basin {
    fn service(&self) -> Service {
        Service::Basin
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Basin",
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
