//! Form services: one module per service behind the [`Adapter`] trait.
//!
//! Takes the survey's endpoint block and returns what the page must carry
//! for that service: where the form posts, the attributes and hidden fields
//! it requires, its honeypot, the field that names the thank-you page, how
//! multi-choice answers travel, whether the page's script may send by AJAX,
//! and what the service is known to record (for the page's notice). Adding a
//! service is one new module and one line in [`adapter`].

mod basin;
mod formspree;
mod formsubmit;
mod getform;
mod google_forms;
mod netlify;
mod url;
mod web3forms;

use crate::survey::{Endpoint, MultiEncoding, Question, Service};

/// How the page's script sends the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A plain form post (the script only validates).
    Native,
    /// `fetch` with the form data and `Accept: application/json`.
    AjaxForm,
    /// `fetch` with a JSON object body (multi answers joined by commas).
    AjaxJson,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Native => "native",
            Transport::AjaxForm => "form",
            Transport::AjaxJson => "json",
        }
    }
}

/// What a service keeps beside the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// The time of each submission.
    Time,
    /// The time, and perhaps the IP address (not documented either way).
    TimeMaybeIp,
    /// The time and the IP address.
    TimeAndIp,
}

/// Whether a service e-mails each submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emails {
    Always,
    ByDefault,
    IfEnabled,
    Unknown,
}

/// Facts about a service that the page's notice states.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// The service's name as people know it.
    pub display: &'static str,
    pub records: Records,
    pub emails: Emails,
}

/// The control a honeypot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoneypotKind {
    Text,
    Checkbox,
}

#[derive(Debug, Clone, Copy)]
pub struct Honeypot {
    pub name: &'static str,
    pub kind: HoneypotKind,
}

/// The text honeypot most services filter on.
pub const GOTCHA: Honeypot = Honeypot {
    name: "_gotcha",
    kind: HoneypotKind::Text,
};

/// Which field of a question a name is asked for.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// The question's own field (choice, scale, text, …; multi before encoding).
    Main,
    /// The free text of "other".
    Other,
    /// A matrix row.
    Row(&'a str),
    /// A ranking option's rank.
    Rank(&'a str),
    /// Month precision dates: the year and the month.
    Year,
    Month,
}

/// Everything farvel needs to know about one form service.
pub trait Adapter: Sync {
    fn service(&self) -> Service;
    fn facts(&self) -> Facts;
    fn multi(&self, ep: &Endpoint) -> MultiEncoding;
    fn transport(&self) -> Transport;
    fn honeypot(&self) -> Option<Honeypot>;
    /// The hidden field naming the thank-you page after a native post.
    fn redirect_field(&self) -> Option<&'static str> {
        None
    }
    /// The form's `action`: the `--endpoint-url` override, else the endpoint's URL.
    fn action(&self, ep: &Endpoint, url_override: Option<&str>) -> String {
        url_override.or(ep.url.as_deref()).unwrap_or("").to_string()
    }
    /// Whether the form posts to the page's own site (CSP `form-action 'self'`).
    fn same_site(&self, url_override: Option<&str>) -> bool {
        let _ = url_override;
        false
    }
    /// Extra attributes on `<form>`.
    fn form_attrs(&self, ep: &Endpoint, survey_id: &str, honeypot: bool) -> Vec<(String, String)> {
        let _ = (ep, survey_id, honeypot);
        Vec::new()
    }
    /// Hidden fields the service requires (besides honeypot and redirect).
    fn hidden_fields(&self, ep: &Endpoint, survey_id: &str) -> Vec<(String, String)> {
        let _ = (ep, survey_id);
        Vec::new()
    }
    /// The name of one field of a question.
    fn field_name(&self, ep: &Endpoint, q: &Question, part: Part) -> String {
        let _ = ep;
        default_name(&q.id, part)
    }
    /// The value sent for an option; `label` is its label in the labels language.
    fn option_value(&self, value: &str, label: &str) -> String {
        let _ = label;
        value.to_string()
    }
}

/// farvel's own field names: `q`, `q_other`, `q__row`, `q__value`, `q__year`.
pub fn default_name(id: &str, part: Part) -> String {
    match part {
        Part::Main => id.to_string(),
        Part::Other => format!("{id}_other"),
        Part::Row(r) | Part::Rank(r) => format!("{id}__{r}"),
        Part::Year => format!("{id}__year"),
        Part::Month => format!("{id}__month"),
    }
}

/// The adapter of a service.
pub fn adapter(service: Service) -> &'static dyn Adapter {
    match service {
        Service::Formspree => &formspree::Formspree,
        Service::Netlify => &netlify::Netlify,
        Service::Getform => &getform::Getform,
        Service::Basin => &basin::Basin,
        Service::Web3forms => &web3forms::Web3forms,
        Service::Formsubmit => &formsubmit::Formsubmit,
        Service::GoogleForms => &google_forms::GoogleForms,
        Service::Url => &url::Url,
    }
}

/// `scheme://host[:port]` of an absolute http(s) URL, lower-cased.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains(['\'', ';', ',']) {
        return None;
    }
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// The path (with query) of an absolute URL, or `/`.
pub fn path_of(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".to_string(),
        },
        None if url.starts_with('/') => url.to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://formspree.io/f/abc", Some("https://formspree.io")),
            (
                "http://127.0.0.1:8080/capture?x=1",
                Some("http://127.0.0.1:8080"),
            ),
            ("HTTPS://Example.NO", Some("https://example.no")),
            ("javascript:alert(1)", None),
            ("ftp://x.example/", None),
            ("https:///nohost", None),
            ("https://a b/", None),
        ];
        for (url, want) in cases {
            assert_eq!(origin(url).as_deref(), *want, "{url}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(
            path_of("https://site.example/exit/thanks/"),
            "/exit/thanks/"
        );
        assert_eq!(path_of("https://site.example"), "/");
        assert_eq!(path_of("/done"), "/done");
    }

    #[test]
    fn every_service_has_an_adapter() {
        for s in Service::ALL {
            assert_eq!(adapter(s).service(), s);
        }
    }
}
