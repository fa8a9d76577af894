//! Web3Forms: posts to `https://api.web3forms.com/submit` with the public
//! `access_key`; honeypot `botcheck` (a checkbox); redirect `redirect`
//! (absolute URL). The page's script sends JSON with multi answers joined
//! by commas, as a native post arrives too. E-mails every submission and
//! keeps server logs with the IP address.

use super::*;

pub struct Web3forms;

/// The one submit URL of the service.
pub const SUBMIT_URL: &str = "https://api.web3forms.com/submit";

impl Adapter for Web3forms {
    fn service(&self) -> Service {
        Service::Web3forms
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Web3Forms",
            records: Records::TimeAndIp,
            emails: Emails::Always,
        }
    }
    fn multi(&self, _: &Endpoint) -> MultiEncoding {
        MultiEncoding::Comma
    }
    fn transport(&self) -> Transport {
        Transport::AjaxJson
    }
    fn honeypot(&self) -> Option<Honeypot> {
        Some(Honeypot {
            name: "botcheck",
            kind: HoneypotKind::Checkbox,
        })
    }
    fn redirect_field(&self) -> Option<&'static str> {
        Some("redirect")
    }
    fn action(&self, ep: &Endpoint, url_override: Option<&str>) -> String {
        url_override
            .or(ep.url.as_deref())
            .unwrap_or(SUBMIT_URL)
            .to_string()
    }
    fn hidden_fields(&self, ep: &Endpoint, _: &str) -> Vec<(String, String)> {
        vec![(
            "access_key".into(),
            ep.access_key.clone().unwrap_or_default(),
        )]
    }
}
