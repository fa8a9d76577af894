//! farvel's own writer of the default theme's two templates
//! (`themes/default/form.html` and `thanks.html`): takes a [`FormPage`] or
//! [`ThanksPage`] and returns exactly the bytes tera renders from those
//! templates, without parsing them at every start or turning the page's
//! data into JSON first. A theme that overrides a template goes through
//! tera instead (`Theme::uses_tera`).
//!
//! Keep this in step with the templates: the tests below render every
//! build fixture both ways and compare the bytes.

use super::view::{OptionView, QuestionView};
use super::{Base, FormPage, ThanksPage};
use crate::error::{Error, Result};

/// An HTML buffer: `raw` text as is, `esc` text escaped as tera's
/// autoescape does (`crate::form::escape`), without a String per value.
struct W(String);

impl W {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    fn esc(&mut self, s: &str) -> &mut Self {
        html_escape::encode_quoted_attribute_to_string(s, &mut self.0);
        self
    }

    fn num(&mut self, n: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.0, "{n}");
        self
    }

    /// ` name="value"` (escaped), when `value` is not empty.
    fn attr_if(&mut self, name: &str, value: &str) -> &mut Self {
        if !value.is_empty() {
            self.raw(" ").raw(name).raw("=\"").esc(value).raw("\"");
        }
        self
    }

    fn flag(&mut self, on: bool, text: &str) -> &mut Self {
        if on {
            self.raw(text);
        }
        self
    }
}

/// `<!DOCTYPE html>` up to `<title>`, shared by both pages.
fn head(w: &mut W, b: &Base) {
    // The templates start with a comment; tera keeps the newline after it.
    w.raw("\n<!DOCTYPE html>\n<html lang=\"").esc(b.lang);
    w.raw("\">\n<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .esc(b.csp)
        .raw("\">\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
}

/// From `</title>` to `</header>\n<main>`.
fn header(w: &mut W, b: &Base) {
    w.raw("</title>\n<style>")
        .raw(b.css)
        .raw("</style>\n</head>\n<body>\n<header>");
    if b.languages.len() > 1 {
        w.raw("\n<nav class=\"langs\" aria-label=\"")
            .esc(b.ui("nav.languages"))
            .raw("\"><ul>");
        for l in &b.languages {
            w.raw("<li>");
            if l.current {
                w.raw("<span aria-current=\"page\">")
                    .esc(&l.name)
                    .raw("</span>");
            } else {
                w.raw("<a href=\"")
                    .esc(&l.href)
                    .raw("\" lang=\"")
                    .esc(&l.code);
                w.raw("\" hreflang=\"").esc(&l.code).raw("\">").esc(&l.name);
                w.raw("</a>");
            }
            w.raw("</li>");
        }
        w.raw("</ul></nav>");
    }
    w.raw("\n<h1>").esc(b.title).raw("</h1>\n</header>\n<main>");
}

/// The thank-you page (`thanks.html`).
pub fn thanks(p: &ThanksPage) -> String {
    let b = &p.base;
    let mut w = W(String::with_capacity(8192));
    head(&mut w, b);
    w.esc(b.ui("thanks.title")).raw(" – ").esc(b.title);
    header(&mut w, b);
    w.raw("\n<div class=\"thanks\" role=\"status\">")
        .raw(&b.thanks);
    w.raw("</div>\n</main>\n</body>\n</html>\n");
    w.0
}

/// The survey page (`form.html`).
pub fn form(p: &FormPage) -> Result<String> {
    let b = &p.base;
    let mut w = W(String::with_capacity(48 * 1024));
    head(&mut w, b);
    w.esc(b.title);
    header(&mut w, b);
    if let Some(intro) = p.intro.as_deref().filter(|i| !i.is_empty()) {
        w.raw("\n<div class=\"intro\">").raw(intro).raw("</div>");
    }
    w.raw("\n<section class=\"notice\" aria-labelledby=\"notice-h\"><h2 id=\"notice-h\">")
        .esc(b.ui("notice.title"))
        .raw("</h2><ul>");
    for n in &p.notice {
        w.raw("<li>").esc(n).raw("</li>");
    }
    w.raw("</ul></section>");
    if p.sealed {
        w.raw("\n<noscript><p class=\"noscript\">")
            .esc(b.ui("noscript.sealed"))
            .raw("</p></noscript>");
    }
    w.raw("\n<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" hidden><h2>")
        .esc(b.ui("error.summary"))
        .raw("</h2><ul></ul></div>");
    form_open(&mut w, p);
    for s in &p.sections {
        w.raw("\n<section class=\"section\" id=\"s-").num(s.n);
        w.raw("\" aria-labelledby=\"s-")
            .num(s.n)
            .raw("-h\">\n<h2 id=\"s-");
        w.num(s.n).raw("-h\">").esc(&s.title).raw("</h2>");
        if !s.intro.is_empty() {
            w.raw("\n<div class=\"s-intro\">")
                .raw(&s.intro)
                .raw("</div>");
        }
        for q in &s.questions {
            question(&mut w, b, q)?;
        }
        w.raw("\n</section>");
    }
    w.raw("\n<div class=\"nav\"><button type=\"button\" data-action=\"back\" hidden>")
        .esc(b.ui("button.back"))
        .raw("</button> <button type=\"button\" data-action=\"next\" hidden>")
        .esc(b.ui("button.next"))
        .raw("</button> <button type=\"submit\" data-action=\"submit\"")
        .flag(p.sealed, " disabled")
        .raw(">")
        .esc(b.ui("button.submit"))
        .raw("</button></div>\n</form>\n<div class=\"send-error\" role=\"alert\" hidden><p>")
        .esc(b.ui("send.error"))
        .raw("</p><button type=\"button\" data-action=\"resend\">")
        .esc(b.ui("button.resend"))
        .raw("</button></div>\n<div class=\"thanks\" role=\"status\" tabindex=\"-1\" hidden>")
        .raw(&b.thanks)
        .raw("</div>\n</main>\n<script type=\"application/json\" id=\"farvel-config\">")
        .raw(&p.config)
        .raw("</script>");
    for s in &p.scripts {
        w.raw("\n<script>").raw(s).raw("</script>");
    }
    w.raw("\n</body>\n</html>\n");
    Ok(w.0)
}

/// `<form …>`, its hidden fields, honeypot and progress bar.
fn form_open(w: &mut W, p: &FormPage) {
    let f = &p.form;
    w.raw("\n<form id=\"farvel-form\" method=\"post\" action=\"")
        .esc(&f.action)
        .raw("\" accept-charset=\"UTF-8\" data-service=\"")
        .esc(&f.service)
        .raw("\"");
    for a in &f.attrs {
        w.raw(" ").esc(&a.k).raw("=\"").esc(&a.v).raw("\"");
    }
    w.raw(">");
    for h in &f.hidden {
        w.raw("\n<input type=\"hidden\" name=\"").esc(&h.k);
        w.raw("\" value=\"").esc(&h.v).raw("\"");
        w.flag(h.keep, " data-keep").raw(">");
    }
    if p.sealed {
        w.raw("\n<input type=\"hidden\" name=\"sealed\" value=\"\" disabled>");
    }
    if let Some(h) = &f.honeypot {
        let kind = if h.checkbox { "checkbox" } else { "text" };
        w.raw("\n<div class=\"hp\" aria-hidden=\"true\"><input type=\"")
            .raw(kind)
            .raw("\" name=\"")
            .esc(&h.name)
            .raw("\" tabindex=\"-1\"")
            .flag(!h.checkbox, " autocomplete=\"off\"")
            .raw(" aria-hidden=\"true\" data-keep></div>");
    }
    w.raw("\n<div class=\"progress\" hidden><progress max=\"")
        .num(p.sections.len())
        .raw("\" value=\"1\" aria-labelledby=\"progress-t\"></progress> <span id=\"progress-t\"></span></div>");
}

/// ` <span class="req">…</span>` after a required question's text.
fn required(w: &mut W, b: &Base, q: &QuestionView) {
    if q.required {
        w.raw(" <span class=\"req\">")
            .esc(b.ui("required"))
            .raw("</span>");
    }
}

/// One question's `<div class="q">`.
fn question(w: &mut W, b: &Base, q: &QuestionView) -> Result<()> {
    let layout = q.layout.as_str();
    let fs = matches!(
        layout,
        "radio" | "checkbox" | "matrix" | "ranking" | "month"
    );
    w.raw("\n<div class=\"q\" id=\"q-").esc(&q.id);
    w.raw("\" data-q=\"")
        .esc(&q.id)
        .raw("\" data-type=\"")
        .esc(&q.qtype);
    w.raw("\"").flag(q.required, " data-required");
    w.attr_if("data-show-if", &q.show_if);
    for a in &q.data {
        w.raw(" ").esc(&a.k).raw("=\"").esc(&a.v).raw("\"");
    }
    w.raw(">");
    if layout == "info" {
        w.raw("\n<div class=\"info\">")
            .raw(&q.body)
            .raw("</div>\n</div>");
        return Ok(());
    }
    if fs {
        w.raw("\n<fieldset")
            .attr_if("aria-describedby", &q.describedby);
        w.raw("><legend>").esc(&q.text);
        required(w, b, q);
        w.raw("</legend>");
    } else {
        w.raw("\n<label class=\"ql\" for=\"")
            .esc(&q.fid)
            .raw("\">")
            .esc(&q.text);
        required(w, b, q);
        w.raw("</label>");
    }
    if !q.hint.is_empty() {
        w.raw("\n<div class=\"q-hint\" id=\"h-").esc(&q.id);
        w.raw("\">").raw(&q.hint).raw("</div>");
    }
    if !q.note.is_empty() {
        w.raw("\n<p class=\"q-note\" id=\"n-").esc(&q.id);
        w.raw("\">").raw(&q.note).raw("</p>");
    }
    w.raw("\n<p class=\"q-error\" id=\"err-")
        .esc(&q.id)
        .raw("\" hidden></p>");
    controls(w, b, q)?;
    if let Some(o) = &q.other {
        w.raw("\n<div class=\"other\"><label for=\"o-")
            .esc(&q.id)
            .raw("\">");
        w.esc(b.ui("option.other_text"))
            .raw("</label> <input type=\"text\" name=\"")
            .esc(&o.name);
        w.raw("\" id=\"o-").esc(&q.id).raw("\"></div>");
    }
    if fs {
        w.raw("\n</fieldset>");
    }
    w.raw("\n</div>");
    Ok(())
}

/// A value the template reads that this layout must have.
fn need<'a, T>(v: Option<&'a T>, q: &QuestionView, what: &str) -> Result<&'a T> {
    v.ok_or_else(|| {
        Error::msg(format!(
            "rendering form.html: question '{}' has no {what}",
            q.id
        ))
    })
}

/// The question's controls, by layout.
fn controls(w: &mut W, b: &Base, q: &QuestionView) -> Result<()> {
    match q.layout.as_str() {
        "radio" | "checkbox" => {
            let scale = q.data.iter().any(|a| a.k == "data-scale");
            w.raw("\n<div class=\"opts")
                .flag(scale, " scale")
                .raw("\">");
            for (i, o) in q.options.iter().enumerate() {
                w.raw("\n<label><input type=\"").esc(&q.layout);
                option_input(w, o);
                w.flag(o.pin, " data-pin").flag(o.excl, " data-excl");
                w.flag(o.other, " data-other");
                w.flag(q.native_required && i == 0, " required");
                option_label(w, o);
            }
            w.raw("\n</div>");
        }
        "select" => {
            let first = need(q.options.first(), q, "options")?;
            w.raw("\n<select name=\"").esc(&first.name);
            w.raw("\" id=\"").esc(&q.fid).raw("\"");
            w.attr_if("aria-describedby", &q.describedby);
            w.flag(q.native_required, " required")
                .raw("><option value=\"\">");
            w.esc(b.ui("choose")).raw("</option>");
            for o in &q.options {
                w.raw("<option value=\"").esc(&o.value).raw("\"");
                w.attr_if("data-v", &o.v).flag(o.other, " data-other");
                w.raw(">").esc(&o.label).raw("</option>");
            }
            w.raw("</select>");
        }
        "matrix" => {
            for r in &q.rows {
                w.raw("\n<fieldset class=\"row\" data-row=\"").esc(&r.id);
                w.raw("\"><legend>").esc(&r.label);
                w.raw("</legend><div class=\"opts scale\">");
                for o in &r.options {
                    w.raw("<label><input type=\"radio");
                    option_input(w, o);
                    option_label(w, o);
                }
                w.raw("</div></fieldset>");
            }
        }
        "ranking" => ranking(w, b, q),
        "month" => month(w, b, q)?,
        "textarea" => {
            let input = need(q.input.as_ref(), q, "input")?;
            w.raw("\n<textarea name=\"").esc(&input.name);
            w.raw("\" id=\"").esc(&q.fid).raw("\" rows=\"5\"");
            for a in input.attrs.iter().filter(|a| a.k != "pattern") {
                w.raw(" ").esc(&a.k).raw("=\"").esc(&a.v).raw("\"");
            }
            w.attr_if("aria-describedby", &q.describedby);
            w.flag(q.native_required, " required").raw("></textarea>");
        }
        "input" => {
            let input = need(q.input.as_ref(), q, "input")?;
            w.raw("\n<input type=\"").esc(&input.itype);
            w.raw("\" name=\"").esc(&input.name);
            w.raw("\" id=\"").esc(&q.fid).raw("\"");
            for a in &input.attrs {
                w.raw(" ").esc(&a.k).raw("=\"").esc(&a.v).raw("\"");
            }
            w.attr_if("aria-describedby", &q.describedby);
            w.flag(q.native_required, " required").raw(">");
        }
        _ => {}
    }
    Ok(())
}

/// `" name="…" value="…" id="…" data-v="…"` of a radio or checkbox (after
/// its type).
fn option_input(w: &mut W, o: &OptionView) {
    w.raw("\" name=\"")
        .esc(&o.name)
        .raw("\" value=\"")
        .esc(&o.value);
    w.raw("\"").attr_if("id", &o.id).attr_if("data-v", &o.v);
}

/// `> label <small>sub</small></label>`.
fn option_label(w: &mut W, o: &OptionView) {
    w.raw("> ").esc(&o.label);
    if !o.sub.is_empty() {
        w.raw(" <small>").esc(&o.sub).raw("</small>");
    }
    w.raw("</label>");
}

fn ranking(w: &mut W, b: &Base, q: &QuestionView) {
    w.raw("\n<p class=\"q-hint\">").esc(b.ui("ranking.hint"));
    w.raw("</p>\n<div class=\"ranks\">");
    for r in &q.ranks {
        w.raw("\n<div class=\"rank\" data-v=\"").esc(&r.v);
        w.raw("\"><label for=\"")
            .esc(&r.id)
            .raw("\">")
            .esc(&r.label);
        w.raw("</label> <select name=\"").esc(&r.name);
        w.raw("\" id=\"")
            .esc(&r.id)
            .raw("\"><option value=\"\">–</option>");
        for n in &q.rank_values {
            w.raw("<option>").num(n).raw("</option>");
        }
        w.raw("</select></div>");
    }
    w.raw("\n</div>");
}

fn month(w: &mut W, b: &Base, q: &QuestionView) -> Result<()> {
    let m = need(q.month.as_ref(), q, "month")?;
    w.raw("\n<div class=\"month\"><label for=\"")
        .esc(&q.fid)
        .raw("\">");
    w.esc(b.ui("date.month")).raw("</label> <select name=\"");
    w.esc(&m.month_name).raw("\" id=\"").esc(&q.fid);
    w.raw("\"><option value=\"\">–</option>");
    for o in &m.months {
        w.raw("<option value=\"").esc(&o.k).raw("\">").esc(&o.v);
        w.raw("</option>");
    }
    w.raw("</select>\n<label for=\"y-").esc(&q.id).raw("\">");
    w.esc(b.ui("date.year")).raw("</label> <select name=\"");
    w.esc(&m.year_name).raw("\" id=\"y-").esc(&q.id);
    w.raw("\"><option value=\"\">–</option>");
    for y in &m.years {
        w.raw("<option>").num(y).raw("</option>");
    }
    w.raw("</select></div>");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::form::{RenderOptions, render_survey};
    use crate::theme::Theme;

    /// Every survey the build tests use, and the shipped examples.
    fn surveys() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root.join("tests/fixtures/build"))
            .sort_by_file_name()
            .into_iter()
            .chain(walkdir::WalkDir::new(root.join("surveys")).sort_by_file_name())
            .filter_map(|e| e.ok())
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn writes_the_bytes_tera_renders_from_the_default_templates() {
        let own = Theme::default_theme().expect("default theme");
        let tera = Theme::default_through_tera().expect("default theme through tera");
        assert!(!own.uses_tera() && tera.uses_tera());
        let options = [
            RenderOptions::default(),
            RenderOptions {
                endpoint_url: Some("http://127.0.0.1:9/c?a=1&b=<2>".into()),
            },
        ];
        let mut pages = 0;
        for path in surveys() {
            let Ok(survey) = crate::survey::load_survey(&path) else {
                continue;
            };
            for opts in &options {
                let a = render_survey(&survey, &own, opts).expect("own writer");
                let b = render_survey(&survey, &tera, opts).expect("tera");
                assert_eq!(a.len(), b.len(), "{}", path.display());
                for (x, y) in a.iter().zip(&b) {
                    assert_eq!(x.path, y.path);
                    let at = x.html.bytes().zip(y.html.bytes()).position(|(p, q)| p != q);
                    let at = at.unwrap_or(x.html.len().min(y.html.len()));
                    let near = |h: &str| {
                        h.get(at.saturating_sub(60)..(at + 60).min(h.len()))
                            .map(str::to_string)
                    };
                    assert!(
                        x.html == y.html,
                        "{} {} differ at byte {at}:\nown:  {:?}\ntera: {:?}",
                        path.display(),
                        x.path.display(),
                        near(&x.html),
                        near(&y.html)
                    );
                    pages += 1;
                }
            }
        }
        assert!(pages >= 30, "only {pages} pages compared");
    }
}
