//! The HTML report: the report's Markdown rendered into one self-contained
//! file (inline CSS for screen and A4 print, inline SVG charts, a
//! Content-Security-Policy that forbids scripts and outside requests).
//!
//! Raw HTML never passes: every HTML event from the Markdown is turned into
//! text (escaped on output), links lose their target, and images vanish —
//! except the report's own chart references, which a trusted hook replaces
//! by a placeholder that no Markdown text can produce (it holds control
//! characters, which respondent and survey text never carry) and, after
//! rendering, by the chart's SVG.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::svg::xml;

const CSS: &str = "\
:root{color-scheme:light}\
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f;margin:0;background:#fff}\
main{max-width:52rem;margin:0 auto;padding:2rem 1.25rem 4rem}\
h1{font-size:1.8rem;line-height:1.2;margin:0 0 1rem}\
h2{font-size:1.35rem;margin:2.2rem 0 .6rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}\
h3{font-size:1.15rem;margin:1.6rem 0 .4rem}h4{font-size:1rem;margin:1.4rem 0 .3rem}\
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}\
th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;vertical-align:top}\
th{background:#f5f5f7;text-align:left}\
blockquote{margin:.6rem 0;padding:.4rem .9rem;border-left:4px solid #b8c7dc;background:#f7f9fc}\
blockquote p{margin:.2rem 0}\
figure{margin:.6rem 0 1.2rem}svg{max-width:100%;height:auto}\
@page{size:A4;margin:16mm 15mm}\
@media print{body{font-size:10.5pt}main{max-width:none;padding:0}\
h2,h3,h4{break-after:avoid}table,figure,blockquote{break-inside:avoid}}";

/// Marks the chart placeholders: the start and end of a token.
const MARK_OPEN: char = '\u{2}';
const MARK_CLOSE: char = '\u{3}';

fn token(i: usize) -> String {
    format!("{MARK_OPEN}farvel-chart-{i}{MARK_CLOSE}")
}

/// Render Markdown to HTML body text: no raw HTML, no links, no images
/// but the charts (`(reference in the Markdown, SVG)`).
///
/// SWITCH: renders with pulldown-cmark here until the project's one
/// Markdown entry point (`crate::markdown`) is merged; then call that with
/// the same event filter.
pub fn render_markdown(markdown: &str, charts: &[(String, String)]) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    let mut events: Vec<Event> = Vec::new();
    let mut skip_image = 0usize;
    for ev in Parser::new_ext(markdown, opts) {
        match ev {
            Event::Start(Tag::Image { dest_url, .. }) => {
                skip_image += 1;
                if let Some(i) = charts.iter().position(|(r, _)| **r == *dest_url) {
                    events.push(Event::Text(token(i).into()));
                }
            }
            Event::End(TagEnd::Image) => skip_image = skip_image.saturating_sub(1),
            _ if skip_image > 0 => {}
            Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => {}
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            ev => events.push(ev),
        }
    }
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events.into_iter());
    for (i, (_, svg)) in charts.iter().enumerate() {
        let t = token(i);
        let para = format!("<p>{t}</p>");
        // Several SVGs share one document: make their pattern ids unique.
        let svg = svg
            .trim_end()
            .replace("id=\"hatch\"", &format!("id=\"hatch{i}\""))
            .replace("url(#hatch)", &format!("url(#hatch{i})"));
        let fig = format!("<figure>{svg}</figure>");
        body = if body.contains(&para) {
            body.replacen(&para, &fig, 1)
        } else {
            body.replacen(&t, &fig, 1)
        };
    }
    body.retain(|c| c != MARK_OPEN && c != MARK_CLOSE);
    body
}

/// The whole HTML document.
pub fn document(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        xml(lang),
        xml(title),
        body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_links_and_images_do_not_pass() {
        let md = "<script>x</script>\n\n[a](http://e.x) ![i](http://e.x/i.png) <b>b</b>\n\n![c](c_files/q.svg)\n";
        let html = render_markdown(md, &[("c_files/q.svg".into(), "<svg></svg>".into())]);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("<figure><svg></svg></figure>"), "{html}");
    }
}
