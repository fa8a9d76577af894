//! The survey-level blocks besides sections: `endpoint` (each service's
//! keys, URLs, Google Forms entries), `timezone`, `anonymity`,
//! `collection` + `public_key`, `columns` and `ui`.

use super::keys::*;
use super::questions::Q;
use super::tree::Node;
use super::{Ctx, is_language_code};
use crate::survey::keys::{ENDPOINT_COMMON, SERVICE_KEYS};
use crate::survey::model::{Kind, Service};

/// The keys a service takes beyond the common ones, and which are
/// required (from the format's one key table, [`crate::survey::keys`]).
fn service_keys(s: Service) -> (Vec<&'static str>, &'static [&'static str]) {
    let (required, optional): (&'static [&'static str], &'static [&'static str]) = SERVICE_KEYS
        .iter()
        .find(|(name, _, _)| *name == s.name())
        .map_or((&[], &[]), |(_, r, o)| (*r, *o));
    (required.iter().chain(optional).copied().collect(), required)
}

pub fn endpoint(ctx: &mut Ctx, root: &Node, qs: &[Q]) {
    let Some(e) = required(
        ctx,
        root,
        "endpoint",
        root,
        ": where should answers be sent?",
    ) else {
        return;
    };
    if map_of(ctx, e, "endpoint").is_none() {
        return;
    }
    // Missing keys are reported at `endpoint:` itself.
    let at = root.entry("endpoint").map_or(e, |(k, _)| k);
    let names: Vec<&str> = Service::ALL.iter().map(|s| s.name()).collect();
    let service = required(ctx, e, "service", at, " in the endpoint").and_then(|v| {
        let name = str_of(ctx, v, "service")?;
        let s = Service::from_name(name);
        if s.is_none() {
            let tail = did_you_mean(name, names.iter().copied());
            ctx.error(v, format!("unknown service '{name}'{tail}"));
            ctx.hint(format!("the services are: {}", names.join(", ")));
        }
        s
    });
    let Some(service) = service else {
        unknown_keys(ctx, e, &all_endpoint_keys(), &|_| None);
        return;
    };
    let (own, needed) = service_keys(service);
    let known: Vec<&str> = ENDPOINT_COMMON.iter().chain(&own).copied().collect();
    let sname = service.name();
    unknown_keys(ctx, e, &known, &|k| {
        all_endpoint_keys()
            .contains(&k)
            .then(|| format!("'{k}' does not apply to service '{sname}'"))
    });
    for key in needed {
        required(ctx, e, key, at, &format!(": service '{sname}' needs it"));
    }
    for key in ["url", "thanks_url"] {
        if let Some(v) = e.get(key)
            && let Some(u) = str_of(ctx, v, key)
            && let Err(why) = check_url(u)
        {
            ctx.error(v, format!("'{key}' {why}"));
        }
    }
    for key in ["form_name", "access_key"] {
        if let Some(v) = e.get(key) {
            str_of(ctx, v, key);
        }
    }
    bool_of(ctx, e, "honeypot");
    word_of(ctx, e, "multi", &["repeat", "brackets", "split"]);
    if service == Service::GoogleForms {
        google(ctx, e, at, qs);
    }
}

fn all_endpoint_keys() -> Vec<&'static str> {
    let mut all = ENDPOINT_COMMON.to_vec();
    for s in Service::ALL {
        for k in service_keys(s).0 {
            if !all.contains(&k) {
                all.push(k);
            }
        }
    }
    all
}

/// An https URL (http only for 127.0.0.1 and localhost) that parses.
pub fn check_url(u: &str) -> Result<(), String> {
    let (rest, local_ok) = if let Some(r) = u.strip_prefix("https://") {
        (r, true)
    } else if let Some(r) = u.strip_prefix("http://") {
        (r, false)
    } else {
        return Err(format!("must be an https:// address, found '{u}'"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, ""));
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !host_ok || !port.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("is not a valid address: '{u}'"));
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("must not contain spaces: '{u}'"));
    }
    if !local_ok && host != "127.0.0.1" && host != "localhost" {
        return Err(format!(
            "must use https:// (http only for localhost), found '{u}'"
        ));
    }
    Ok(())
}

fn google(ctx: &mut Ctx, e: &Node, at: &Node, qs: &[Q]) {
    if let Some(v) = e.get("labels_language")
        && let Some(l) = str_of(ctx, v, "labels_language")
        && !ctx.languages.iter().any(|x| x == l)
    {
        let msg = format!(
            "'{l}' is not a language of this survey ({})",
            ctx.languages.join(", ")
        );
        ctx.error(v, msg);
    } else if e.get("labels_language").is_none() && ctx.multilingual() {
        ctx.error(
            at,
            "service 'google-forms' needs 'labels_language' in a survey with several languages",
        );
        ctx.hint("the Google form's option labels are in one language; name it");
    }
    let Some(entries_node) = e.get("entries") else {
        return;
    };
    let Some(entries) = map_of(ctx, entries_node, "entries") else {
        return;
    };
    for (k, v) in entries {
        let id = k.text().unwrap_or("");
        let Some(q) = qs.iter().find(|q| q.id.as_deref() == Some(id)) else {
            let ids = qs.iter().filter_map(|q| q.id.as_deref());
            ctx.error(
                k,
                format!("unknown question '{id}'{}", did_you_mean(id, ids)),
            );
            continue;
        };
        match (q.model.as_ref().map(|m| &m.kind), v.entries()) {
            (Some(Kind::Matrix { rows, .. }), Some(row_map)) => {
                for (rk, rv) in row_map {
                    let r = rk.text().unwrap_or("");
                    if !rows.contains_key(r) {
                        ctx.error(rk, format!("'{r}' is not a row of '{id}'"));
                    }
                    entry_name(ctx, rv);
                }
                for r in rows.keys() {
                    if v.entry(r).is_none() {
                        ctx.error(v, format!("no entry for row '{r}' of '{id}'"));
                    }
                }
            }
            (Some(Kind::Matrix { .. }), None) => {
                ctx.error(v, format!("'{id}' is a matrix: give a map row → entry.N"));
            }
            _ => entry_name(ctx, v),
        }
    }
    for q in qs {
        if let (Some(id), Some(m)) = (&q.id, &q.model)
            && m.is_answerable()
            && entries_node.entry(id).is_none()
        {
            ctx.error(entries_node, format!("no entry for question '{id}'"));
            ctx.hint("every answerable question needs its entry.N from the Google form");
        }
    }
}

fn entry_name(ctx: &mut Ctx, v: &Node) {
    let Some(t) = str_of(ctx, v, "an entry") else {
        return;
    };
    let ok = t
        .strip_prefix("entry.")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        ctx.error(v, format!("'{t}' is not an entry name like entry.123456"));
    }
}

pub fn timezone(ctx: &mut Ctx, root: &Node) {
    let Some(v) = root.get("timezone") else {
        return;
    };
    let Some(tz) = str_of(ctx, v, "timezone") else {
        return;
    };
    if tz.parse::<chrono_tz::Tz>().is_err() {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
        let close = names
            .map(|n| {
                (
                    strsim::jaro_winkler(&tz.to_lowercase(), &n.to_lowercase()),
                    n,
                )
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(s, _)| *s > 0.85);
        let tail = close.map_or_else(String::new, |(_, n)| format!(" — did you mean '{n}'?"));
        ctx.error(v, format!("unknown time zone '{tz}'{tail}"));
        ctx.hint("use an IANA zone name such as Europe/Oslo or UTC");
    }
}

pub fn anonymity(ctx: &mut Ctx, root: &Node) {
    let Some(a) = root.get("anonymity") else {
        return;
    };
    if map_of(ctx, a, "anonymity").is_none() {
        return;
    }
    unknown_keys(ctx, a, &names(crate::survey::keys::ANONYMITY_KEYS), &|_| {
        None
    });
    if let (Some(k), Some(v)) = (count_of(ctx, a, "min_group"), a.get("min_group"))
        && k < 5
    {
        ctx.error(v, format!("'min_group' is {k}, but it is never below 5"));
        ctx.hint("smaller groups let readers of the report recognise individuals");
    }
    if let (Some(0), Some(v)) = (
        count_of(ctx, a, "expected_respondents"),
        a.get("expected_respondents"),
    ) {
        ctx.error(v, "'expected_respondents' must be at least 1");
    }
}

pub fn collection(ctx: &mut Ctx, root: &Node) {
    let sealed = word_of(ctx, root, "collection", &["plain", "sealed"]) == Some("sealed");
    match (root.get("public_key"), sealed) {
        (None, true) => {
            if let Some((k, _)) = root.entry("collection") {
                ctx.error(k, "'collection: sealed' needs 'public_key'");
                ctx.hint(
                    "create the custodian's keys with `farvel keys new` and paste the public key",
                );
            }
        }
        (Some(v), _) => {
            let Some(t) = str_of(ctx, v, "public_key") else {
                return;
            };
            if let Err(why) = crate::seal::parse_public_key(t) {
                ctx.error(v, format!("'public_key' is not a farvel public key: {why}"));
                ctx.hint("paste the line from survey.pub exactly as `farvel keys new` printed it");
            }
        }
        _ => {}
    }
}

/// `accept_fingerprints`: fingerprints of earlier versions, 12 to 64 hex
/// digits each, written as text (an unquoted `123456789012` is a number to
/// YAML, and to every other reader of the file).
pub fn accept_fingerprints(ctx: &mut Ctx, root: &Node) {
    let Some(v) = root.get("accept_fingerprints") else {
        return;
    };
    let Some(items) = seq_of(ctx, v, "accept_fingerprints") else {
        return;
    };
    for item in items {
        let Some(t) = str_of(ctx, item, "a fingerprint") else {
            continue;
        };
        if !crate::survey::keys::is_fingerprint(t.trim()) {
            ctx.error(
                item,
                format!("'{t}' is not a survey fingerprint: give 12 to 64 hex digits (0-9, a-f)"),
            );
            ctx.hint("the rows' `_survey` column holds the short fingerprint (12 hex digits); `farvel ingest` lists those it finds");
        } else if item.style() == Some(super::tree::Style::Plain) && t.parse::<f64>().is_ok() {
            ctx.error(
                item,
                format!(
                    "write the fingerprint in quotes, '{t}': unquoted, YAML reads it as a number"
                ),
            );
        }
    }
}

/// `columns`: export header → question id (or `q_other`, `q__row`, `q__option`).
pub fn columns(ctx: &mut Ctx, root: &Node, qs: &[Q]) {
    let Some(c) = root.get("columns") else {
        return;
    };
    for (_, v) in map_of(ctx, c, "columns").unwrap_or(&[]) {
        let Some(target) = str_of(ctx, v, "a column's question") else {
            continue;
        };
        let base = target.split("__").next().unwrap_or(target);
        let base = if qs.iter().any(|q| q.id.as_deref() == Some(base)) {
            base
        } else {
            base.strip_suffix("_other").unwrap_or(base)
        };
        if !qs.iter().any(|q| q.id.as_deref() == Some(base)) {
            let ids = qs.iter().filter_map(|q| q.id.as_deref());
            ctx.error(
                v,
                format!("unknown question '{base}'{}", did_you_mean(base, ids)),
            );
        }
    }
}

/// `ui`: per language, UI string key → text.
pub fn ui(ctx: &mut Ctx, root: &Node) {
    let Some(u) = root.get("ui") else {
        missing_ui_strings(ctx, root, &Default::default());
        return;
    };
    let mut given: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
        Default::default();
    for (k, v) in map_of(ctx, u, "ui").unwrap_or(&[]) {
        if let Some(lang) = k.text() {
            let keys = v
                .entries()
                .unwrap_or(&[])
                .iter()
                .filter_map(|(key, _)| key.text())
                .map(|key| (key.to_string(), String::new()));
            given.entry(lang.to_string()).or_default().extend(keys);
        }
        let lang = k.text().unwrap_or("");
        if !is_language_code(lang) || !ctx.languages.iter().any(|l| l == lang) {
            let msg = format!(
                "'{lang}' is not a language of this survey ({})",
                ctx.languages.join(", ")
            );
            ctx.error(k, msg);
            continue;
        }
        for (_, s) in map_of(ctx, v, "ui strings").unwrap_or(&[]) {
            if !is_text_scalar(s) {
                ctx.error(
                    s,
                    format!("a UI string must be text, found {}", s.describe()),
                );
            }
        }
    }
    missing_ui_strings(ctx, root, &given);
}

/// A language farvel doesn't ship must bring every UI string in `ui:`.
fn missing_ui_strings(
    ctx: &mut Ctx,
    root: &Node,
    given: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
) {
    let Some(at) = root.get("languages") else {
        return;
    };
    for lang in ctx.languages.clone() {
        let missing = crate::i18n::missing_keys(&lang, given);
        if missing.is_empty() {
            continue;
        }
        let node = root.get("ui").and_then(|u| u.get(&lang)).unwrap_or(at);
        let shown: Vec<&str> = missing.iter().take(8).copied().collect();
        let more = missing.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        ctx.error(
            node,
            format!(
                "farvel has no UI strings for '{lang}': the ui block lacks {}{tail}",
                shown.join(", ")
            ),
        );
        ctx.hint(format!(
            "farvel ships {}; add `ui: {{ {lang}: {{ key: text, … }} }}` with every key (see docs/survey-format.md)",
            crate::i18n::shipped_languages().join(", ")
        ));
    }
}
