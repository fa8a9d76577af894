//! The one place survey Markdown becomes HTML (intro, hints, info, thanks).
//!
//! Takes Markdown text, returns HTML that is safe to put in the page as is:
//! raw HTML in the source is shown as text, images are dropped (their alt
//! text stays; a survey page loads nothing from elsewhere), links keep only
//! `http:`, `https:` and `mailto:` targets (others become plain text), and
//! headings are demoted by two levels (the page owns `h1` and `h2`).

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Maps an image destination to the trusted text that replaces it.
pub type ImageHook<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What one kind of Markdown may turn into. Raw HTML is always shown as
/// text; everything else is decided here.
pub struct Profile<'a> {
    /// GFM tables (the report's own tables).
    pub tables: bool,
    /// `~~strike~~`.
    pub strikethrough: bool,
    /// Keep links whose target is `http:`, `https:` or `mailto:`; when
    /// false every link becomes its plain text.
    pub links: bool,
    /// Keep an image's alt text as text (otherwise the image vanishes whole).
    pub image_alt: bool,
    /// Move headings down two levels (the survey page owns `h1` and `h2`).
    pub demote_headings: bool,
    /// A trusted hook: an image whose destination it maps to `Some(text)`
    /// is replaced by that text (the report's chart placeholders).
    pub image_hook: Option<ImageHook<'a>>,
}

/// Survey text: intro, hints, info blocks, thanks.
pub const SURVEY: Profile<'static> = Profile {
    tables: false,
    strikethrough: true,
    links: true,
    image_alt: true,
    demote_headings: true,
    image_hook: None,
};

/// Render survey Markdown to safe HTML.
pub fn render(markdown: &str) -> String {
    render_with(markdown, &SURVEY).trim_end().to_string()
}

/// Render Markdown to HTML under a [`Profile`].
pub fn render_with(markdown: &str, p: &Profile) -> String {
    let mut opts = Options::empty();
    if p.tables {
        opts.insert(Options::ENABLE_TABLES);
    }
    if p.strikethrough {
        opts.insert(Options::ENABLE_STRIKETHROUGH);
    }
    let mut in_image = 0usize;
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    for ev in Parser::new_ext(markdown, opts) {
        match ev {
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image += 1;
                if let Some(text) = p.image_hook.and_then(|hook| hook(&dest_url)) {
                    events.push(Event::Text(text.into()));
                }
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            _ if in_image > 0 && !p.image_alt => {}
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = p.links && safe_url(&dest_url);
                dropped_links.push(!ok);
                if ok && in_image == 0 {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(false) && in_image == 0 {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) if p.demote_headings => events.push(Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) if p.demote_headings => {
                events.push(Event::End(TagEnd::Heading(demote(level))))
            }
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn safe_url(url: &CowStr) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_safely() {
        let cases: &[(&str, &str)] = &[
            (
                "Your answers are **anonymous**.",
                "<p>Your answers are <strong>anonymous</strong>.</p>",
            ),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            (
                "a <b onclick=x>b</b>",
                "<p>a &lt;b onclick=x&gt;b&lt;/b&gt;</p>",
            ),
            ("![tracker](https://evil.example/x.png)", "<p>tracker</p>"),
            ("[x](javascript:alert(1))", "<p>x</p>"),
            ("[x](data:text/html,hi)", "<p>x</p>"),
            (
                "[channel](https://example.no/varsling)",
                "<p><a href=\"https://example.no/varsling\">channel</a></p>",
            ),
            (
                "[mail](mailto:vo@example.no)",
                "<p><a href=\"mailto:vo@example.no\">mail</a></p>",
            ),
            ("# Big", "<h3>Big</h3>"),
            ("#### Small", "<h6>Small</h6>"),
            ("{{ name }}", "<p>{{ name }}</p>"),
        ];
        for (md, want) in cases {
            assert_eq!(render(md), *want, "markdown: {md}");
        }
    }
}
