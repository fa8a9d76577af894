//! The survey page: takes a [`Survey`], a [`Theme`] and build options;
//! returns every page of that survey (one per language, plus thank-you
//! pages when `thanks_url` is set) as relative path + HTML bytes.
//!
//! The page is one self-contained file: CSS and JS inline, a CSP that
//! allows only those blocks (by hash) and the endpoint, and a plain
//! `<form>` that works without JavaScript.

pub mod csp;
pub mod notes;
pub mod view;

use std::path::PathBuf;

use serde::Serialize;
use serde_json::json;

use crate::endpoint::{self, Adapter, Emails, HoneypotKind, Records, Transport};
use crate::error::{Error, Result};
use crate::i18n::Strings;
use crate::markdown;
use crate::survey::{Collection, Kind, Survey};
use crate::theme::{Theme, compact_js};
use view::{Attr, Ctx, QuestionView};

/// Options that change what a page posts to.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Send to this URL instead of the endpoint's (the adapter stays).
    pub endpoint_url: Option<String>,
}

/// One output file, relative to `dist/<id>/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: PathBuf,
    pub html: String,
}

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct LangLink {
    code: String,
    name: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Hidden {
    k: String,
    v: String,
    keep: bool,
}

#[derive(Serialize)]
struct HoneypotView {
    name: String,
    checkbox: bool,
}

#[derive(Serialize)]
struct FormView {
    action: String,
    service: String,
    transport: String,
    attrs: Vec<Attr>,
    hidden: Vec<Hidden>,
    honeypot: Option<HoneypotView>,
}

#[derive(Serialize)]
struct SectionView {
    n: usize,
    title: String,
    intro: String,
    questions: Vec<QuestionView>,
}

/// Render every page of a survey.
pub fn render_survey(survey: &Survey, theme: &Theme, opts: &RenderOptions) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    for lang in &survey.languages {
        let dir = lang_dir(survey, lang);
        pages.push(Page {
            path: dir.join("index.html"),
            html: render_form(survey, lang, theme, opts)?,
        });
        if survey.endpoint.thanks_url.is_some() {
            pages.push(Page {
                path: dir.join("thanks").join("index.html"),
                html: render_thanks(survey, lang, theme)?,
            });
        }
    }
    Ok(pages)
}

/// The pages [`render_survey`] writes, relative to `dist/<id>/`, without
/// rendering them (the build stamp check needs only their names).
pub fn page_paths(survey: &Survey) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lang in &survey.languages {
        let dir = lang_dir(survey, lang);
        out.push(dir.join("index.html"));
        if survey.endpoint.thanks_url.is_some() {
            out.push(dir.join("thanks").join("index.html"));
        }
    }
    out
}

fn lang_dir(survey: &Survey, lang: &str) -> PathBuf {
    if lang == survey.default_language() {
        PathBuf::new()
    } else {
        PathBuf::from(lang)
    }
}

/// Links to every language version, relative to a page of `lang` at `depth`
/// folders below its language folder (0 for the form, 1 for thanks).
fn language_links(survey: &Survey, lang: &str, depth: usize) -> Vec<LangLink> {
    let mut up = "../".repeat(depth);
    if lang != survey.default_language() {
        up.push_str("../");
    }
    let tail = if depth > 0 {
        "thanks/index.html"
    } else {
        "index.html"
    };
    survey
        .languages
        .iter()
        .map(|l| {
            let dir = if l == survey.default_language() {
                String::new()
            } else {
                format!("{l}/")
            };
            LangLink {
                code: l.clone(),
                name: Strings::new(l, &survey.ui).get("lang.name").to_string(),
                href: format!("{up}{dir}{tail}"),
                current: l == lang,
            }
        })
        .collect()
}

fn thanks_html(survey: &Survey, lang: &str, s: &Strings) -> String {
    match &survey.thanks {
        Some(t) => markdown::render(t.get(lang)),
        None => format!("<p>{}</p>", escape(s.get("thanks.default"))),
    }
}

fn base_context(
    survey: &Survey,
    lang: &str,
    theme: &Theme,
    s: &Strings,
    depth: usize,
) -> tera::Context {
    let mut cx = tera::Context::new();
    cx.insert("lang", lang);
    cx.insert("title", survey.title.get(lang));
    cx.insert("ui", s.table());
    cx.insert("languages", &language_links(survey, lang, depth));
    cx.insert("css", theme.file("form.css").unwrap_or(""));
    cx.insert("csp", csp::PLACEHOLDER);
    cx.insert("thanks", &thanks_html(survey, lang, s));
    cx
}

fn render_thanks(survey: &Survey, lang: &str, theme: &Theme) -> Result<String> {
    let s = Strings::new(lang, &survey.ui);
    let cx = base_context(survey, lang, theme, &s, 1);
    let html = theme.render("thanks.html", &cx)?;
    Ok(csp::apply(&html, &csp::Targets::default()))
}

/// The service's name in the notice.
fn service_name(survey: &Survey, adapter: &dyn Adapter, s: &Strings) -> String {
    let display = adapter.facts().display;
    if !display.is_empty() {
        return display.to_string();
    }
    match survey.endpoint.url.as_deref().and_then(endpoint::origin) {
        Some(o) => o.split("://").nth(1).unwrap_or(&o).to_string(),
        None => s.get("service.url").to_string(),
    }
}

/// The sentences of "What this form sends".
fn notice(survey: &Survey, lang: &str, adapter: &dyn Adapter, s: &Strings) -> Vec<String> {
    let service = service_name(survey, adapter, s);
    let sv = [("service", service.as_str())];
    let custodian = survey.custodian.as_ref().map(|c| c.get(lang).to_string());
    let mut out = Vec::new();
    if survey.collection == Collection::Sealed {
        let who = custodian.clone().unwrap_or_else(|| "—".into());
        out.push(s.fill(
            "notice.sealed",
            &[("service", &service), ("custodian", &who)],
        ));
    } else {
        out.push(s.fill("notice.answers", &sv));
    }
    let facts = adapter.facts();
    out.push(s.fill("notice.time", &sv));
    match facts.records {
        Records::Time => {}
        Records::TimeMaybeIp => out.push(s.fill("notice.ip_maybe", &sv)),
        Records::TimeAndIp => out.push(s.fill("notice.ip", &sv)),
    }
    out.push(match facts.emails {
        Emails::Always => s.fill("notice.email_always", &sv),
        Emails::ByDefault => s.fill("notice.email_default", &sv),
        Emails::IfEnabled | Emails::Unknown => s.fill("notice.email_maybe", &sv),
    });
    if let Some(c) = &custodian {
        out.push(s.fill("notice.custodian", &[("custodian", c)]));
    }
    let k = survey.anonymity.min_group.to_string();
    out.push(s.fill("notice.min_group", &[("n", &k)]));
    if survey
        .questions()
        .any(|q| matches!(q.kind, Kind::Text { .. }))
    {
        out.push(s.get("notice.free_text").to_string());
    }
    out.push(s.get("notice.no_tracking").to_string());
    out
}

fn form_view(survey: &Survey, adapter: &dyn Adapter, opts: &RenderOptions) -> FormView {
    let ep = &survey.endpoint;
    let url = opts.endpoint_url.as_deref();
    let mut hidden: Vec<Hidden> = adapter
        .hidden_fields(ep, &survey.id)
        .into_iter()
        .map(|(k, v)| Hidden { k, v, keep: true })
        .collect();
    if let (Some(field), Some(t)) = (adapter.redirect_field(), &ep.thanks_url) {
        hidden.push(Hidden {
            k: field.to_string(),
            v: t.clone(),
            keep: true,
        });
    }
    hidden.push(Hidden {
        k: "_nonce".into(),
        v: String::new(),
        keep: false,
    });
    hidden.push(Hidden {
        k: "_survey".into(),
        v: survey.short_fingerprint().to_string(),
        keep: false,
    });
    let honeypot = adapter
        .honeypot()
        .filter(|_| ep.honeypot)
        .map(|h| HoneypotView {
            name: h.name.to_string(),
            checkbox: h.kind == HoneypotKind::Checkbox,
        });
    FormView {
        action: adapter.action(ep, url),
        service: adapter.service().name().to_string(),
        transport: adapter.transport().name().to_string(),
        attrs: adapter
            .form_attrs(ep, &survey.id, ep.honeypot)
            .into_iter()
            .map(|(k, v)| Attr { k, v })
            .collect(),
        hidden,
        honeypot,
    }
}

/// The form and fetch targets the CSP allows.
fn targets(
    survey: &Survey,
    adapter: &dyn Adapter,
    action: &str,
    opts: &RenderOptions,
) -> csp::Targets {
    let mut t = csp::Targets::default();
    let add = |list: &mut Vec<String>, src: String| {
        if !list.contains(&src) {
            list.push(src);
        }
    };
    if adapter.same_site(opts.endpoint_url.as_deref()) {
        add(&mut t.form_action, "'self'".into());
    } else if let Some(o) = endpoint::origin(action) {
        add(&mut t.form_action, o.clone());
        if adapter.transport() != Transport::Native {
            add(&mut t.connect, o);
        }
    }
    if let Some(o) = survey
        .endpoint
        .thanks_url
        .as_deref()
        .and_then(endpoint::origin)
    {
        add(&mut t.form_action, o);
    }
    t
}

/// The JSON the page's script reads (`<` escaped so it cannot end the block).
fn config_json(survey: &Survey, adapter: &dyn Adapter, s: &Strings) -> String {
    let ui: serde_json::Map<String, serde_json::Value> = s
        .table()
        .iter()
        .filter(|(k, _)| {
            k.starts_with("error.") || k.starts_with("button.move") || *k == "progress"
        })
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let sealed = survey.collection == Collection::Sealed;
    let cfg = json!({
        "service": adapter.service().name(),
        "transport": adapter.transport().name(),
        "sealed": sealed,
        "key": if sealed { survey.public_key.clone() } else { None },
        "fp": survey.short_fingerprint(),
        "ui": ui,
    });
    cfg.to_string().replace('<', "\\u003c")
}

fn render_form(survey: &Survey, lang: &str, theme: &Theme, opts: &RenderOptions) -> Result<String> {
    let s = Strings::new(lang, &survey.ui);
    let adapter = endpoint::adapter(survey.endpoint.service);
    let labels_lang = survey
        .endpoint
        .labels_language
        .clone()
        .unwrap_or_else(|| survey.default_language().to_string());
    let labels_strings = Strings::new(&labels_lang, &survey.ui);
    let qcx = Ctx {
        survey,
        lang,
        strings: &s,
        adapter,
        labels_lang: &labels_lang,
        labels_strings: &labels_strings,
    };
    let total = survey.sections.len().to_string();
    let sections: Vec<SectionView> = survey
        .sections
        .iter()
        .enumerate()
        .map(|(i, sec)| SectionView {
            n: i + 1,
            title: match &sec.title {
                Some(t) => t.get(lang).to_string(),
                None => s.fill(
                    "progress",
                    &[("n", &(i + 1).to_string()), ("total", &total)],
                ),
            },
            intro: sec
                .intro
                .as_ref()
                .map(|t| markdown::render(t.get(lang)))
                .unwrap_or_default(),
            questions: sec
                .questions
                .iter()
                .map(|q| view::question_view(q, &qcx))
                .collect(),
        })
        .collect();
    let form = form_view(survey, adapter, opts);
    let sealed = survey.collection == Collection::Sealed;
    let mut scripts: Vec<String> = Vec::new();
    if let Some(c) = theme.file("conditions.js") {
        scripts.push(compact_js(c));
    }
    if sealed {
        let seal = theme.file("seal.js").ok_or_else(|| {
            Error::msg(
                "this farvel has no seal.js in its theme, so it cannot build a sealed survey",
            )
        })?;
        scripts.push(compact_js(seal));
    }
    scripts.extend(theme.file("form.js").map(compact_js));
    let mut cx = base_context(survey, lang, theme, &s, 0);
    cx.insert(
        "intro",
        &survey.intro.as_ref().map(|t| markdown::render(t.get(lang))),
    );
    cx.insert("notice", &notice(survey, lang, adapter, &s));
    cx.insert("sealed", &sealed);
    cx.insert("sections", &sections);
    cx.insert("scripts", &scripts);
    cx.insert("config", &config_json(survey, adapter, &s));
    let t = targets(survey, adapter, &form.action, opts);
    cx.insert("form", &form);
    let html = theme.render("form.html", &cx)?;
    Ok(csp::apply(&html, &t))
}
