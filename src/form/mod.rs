//! The survey page: takes a [`Survey`], a [`Theme`] and build options;
//! returns every page of that survey (one per language, plus thank-you
//! pages when `thanks_url` is set) as relative path + HTML bytes.
//!
//! The page is one self-contained file: CSS and JS inline, a CSP that
//! allows only those blocks (by hash) and the endpoint, and a plain
//! `<form>` that works without JavaScript.

pub mod csp;
pub mod html;
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
use crate::theme::Theme;
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

/// Escape text for HTML content and attribute values (`& < > " '`, by the
/// html-escape crate; the same escaping tera's autoescape is set to).
pub fn escape(s: &str) -> String {
    html_escape::encode_quoted_attribute(s).into_owned()
}

/// What both pages show: the template's variables of the same names.
#[derive(Serialize)]
pub struct Base<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub ui: &'a Strings<'a>,
    pub languages: Vec<LangLink>,
    pub css: &'a str,
    pub csp: &'static str,
    pub thanks: String,
}

/// The thank-you page's variables.
#[derive(Serialize)]
pub struct ThanksPage<'a> {
    #[serde(flatten)]
    pub base: Base<'a>,
}

/// The form page's variables.
#[derive(Serialize)]
pub struct FormPage<'a> {
    #[serde(flatten)]
    pub base: Base<'a>,
    pub intro: Option<String>,
    pub notice: Vec<String>,
    pub sealed: bool,
    pub sections: Vec<SectionView>,
    pub scripts: Vec<&'a str>,
    pub config: String,
    pub form: FormView,
}

impl Base<'_> {
    /// A UI string (the key itself if unknown, which `check` rules out).
    pub fn ui<'k>(&'k self, key: &'k str) -> &'k str {
        self.ui.get(key)
    }
}

#[derive(Serialize)]
pub struct LangLink {
    pub code: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct Hidden {
    pub k: String,
    pub v: String,
    pub keep: bool,
}

#[derive(Serialize)]
pub struct HoneypotView {
    pub name: String,
    pub checkbox: bool,
}

#[derive(Serialize)]
pub struct FormView {
    pub action: String,
    pub service: String,
    pub transport: String,
    pub attrs: Vec<Attr>,
    pub hidden: Vec<Hidden>,
    pub honeypot: Option<HoneypotView>,
}

#[derive(Serialize)]
pub struct SectionView {
    pub n: usize,
    pub title: String,
    pub intro: String,
    pub questions: Vec<QuestionView>,
}

/// Render every page of a survey.
pub fn render_survey(survey: &Survey, theme: &Theme, opts: &RenderOptions) -> Result<Vec<Page>> {
    let labels_lang = survey
        .endpoint
        .labels_language
        .as_deref()
        .unwrap_or(survey.default_language());
    let labels = Strings::new(labels_lang, &survey.ui);
    let mut pages = Vec::new();
    for lang in &survey.languages {
        let dir = lang_dir(survey, lang);
        let s = Strings::new(lang, &survey.ui);
        let texts = Texts {
            lang,
            s: &s,
            labels_lang,
            labels: &labels,
        };
        pages.push(Page {
            path: dir.join("index.html"),
            html: render_form(survey, &texts, theme, opts)?,
        });
        if survey.endpoint.thanks_url.is_some() {
            pages.push(Page {
                path: dir.join("thanks").join("index.html"),
                html: render_thanks(survey, lang, &s, theme)?,
            });
        }
    }
    Ok(pages)
}

/// A page's language and UI strings, and those of the language whose
/// labels the service expects (Google Forms).
struct Texts<'a> {
    lang: &'a str,
    s: &'a Strings<'a>,
    labels_lang: &'a str,
    labels: &'a Strings<'a>,
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
                name: crate::i18n::text(l, &survey.ui, "lang.name").to_string(),
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

fn base<'a>(
    survey: &'a Survey,
    lang: &'a str,
    theme: &'a Theme,
    s: &'a Strings,
    depth: usize,
) -> Base<'a> {
    Base {
        lang,
        title: survey.title.get(lang),
        ui: s,
        languages: language_links(survey, lang, depth),
        css: theme.file("form.css").unwrap_or(""),
        csp: csp::PLACEHOLDER,
        thanks: thanks_html(survey, lang, s),
    }
}

/// A page through the theme's tera templates, or farvel's own writer of
/// the default ones.
fn render_page<P: Serialize>(
    theme: &Theme,
    template: &str,
    page: &P,
    own: impl FnOnce(&P) -> Result<String>,
) -> Result<String> {
    if !theme.uses_tera() {
        return own(page);
    }
    let cx = tera::Context::from_serialize(page)
        .map_err(|e| Error::msg(format!("rendering {template}: {e}")))?;
    theme.render(template, &cx)
}

fn render_thanks(survey: &Survey, lang: &str, s: &Strings, theme: &Theme) -> Result<String> {
    let page = ThanksPage {
        base: base(survey, lang, theme, s, 1),
    };
    let html = render_page(theme, "thanks.html", &page, |p| Ok(html::thanks(p)))?;
    Ok(csp::apply(html, &csp::Targets::default()))
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
            k.starts_with("error.") || k.starts_with("button.move") || **k == "progress"
        })
        .map(|(k, v)| (k.to_string(), json!(v)))
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

/// The sections with their questions' views.
fn section_views(cx: &Ctx) -> Vec<SectionView> {
    let (survey, lang, s) = (cx.survey, cx.lang, cx.strings);
    let total = survey.sections.len().to_string();
    survey
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
                .map(|q| view::question_view(q, cx))
                .collect(),
        })
        .collect()
}

fn render_form(survey: &Survey, t: &Texts, theme: &Theme, opts: &RenderOptions) -> Result<String> {
    let (lang, s) = (t.lang, t.s);
    let adapter = endpoint::adapter(survey.endpoint.service);
    let qcx = Ctx {
        survey,
        lang,
        strings: s,
        adapter,
        labels_lang: t.labels_lang,
        labels_strings: t.labels,
    };
    let sections = section_views(&qcx);
    let form = form_view(survey, adapter, opts);
    let sealed = survey.collection == Collection::Sealed;
    let mut scripts: Vec<&str> = Vec::new();
    scripts.extend(theme.script("conditions.js"));
    if sealed {
        let seal = theme.script("seal.js").ok_or_else(|| {
            Error::msg(
                "this farvel has no seal.js in its theme, so it cannot build a sealed survey",
            )
        })?;
        scripts.push(seal);
    }
    scripts.extend(theme.script("form.js"));
    let allowed = targets(survey, adapter, &form.action, opts);
    let page = FormPage {
        base: base(survey, lang, theme, s, 0),
        intro: survey.intro.as_ref().map(|t| markdown::render(t.get(lang))),
        notice: notice(survey, lang, adapter, s),
        sealed,
        sections,
        scripts,
        config: config_json(survey, adapter, s),
        form,
    };
    let html = render_page(theme, "form.html", &page, html::form)?;
    Ok(csp::apply(html, &allowed))
}
