//! Netlify Forms: the form posts to the page's own site (`action="/"`, or
//! the path of `thanks_url`), carries `data-netlify="true"`, a `name` and a
//! hidden `form-name` (the same for every language), and the honeypot
//! `bot-field` named by `data-netlify-honeypot`. One field per option for
//! multi answers. Netlify keeps the time, IP address and browser.

use super::*;

pub struct Netlify;

impl Netlify {
    fn form_name(ep: &Endpoint, survey_id: &str) -> String {
        ep.form_name
            .clone()
            .unwrap_or_else(|| survey_id.to_string())
    }
}

impl Adapter for Netlify {
    fn service(&self) -> Service {
        Service::Netlify
    }
    fn facts(&self) -> Facts {
        Facts {
            display: "Netlify",
            records: Records::TimeAndIp,
            emails: Emails::IfEnabled,
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
            name: "bot-field",
            kind: HoneypotKind::Text,
        })
    }
    fn action(&self, ep: &Endpoint, url_override: Option<&str>) -> String {
        match (url_override, &ep.thanks_url) {
            (Some(u), _) => u.to_string(),
            (None, Some(t)) => path_of(t),
            (None, None) => "/".to_string(),
        }
    }
    fn same_site(&self, url_override: Option<&str>) -> bool {
        url_override.is_none()
    }
    fn form_attrs(&self, ep: &Endpoint, survey_id: &str, honeypot: bool) -> Vec<(String, String)> {
        let mut v = vec![
            ("name".to_string(), Self::form_name(ep, survey_id)),
            ("data-netlify".to_string(), "true".to_string()),
        ];
        if honeypot {
            v.push(("data-netlify-honeypot".into(), "bot-field".into()));
        }
        v
    }
    fn hidden_fields(&self, ep: &Endpoint, survey_id: &str) -> Vec<(String, String)> {
        vec![("form-name".into(), Self::form_name(ep, survey_id))]
    }
}
