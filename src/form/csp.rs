//! The page's Content-Security-Policy: finds every inline `<script>` and
//! `<style>` block in the rendered page, hashes each (sha256, base64), and
//! writes the policy into the `<meta>` placeholder that the template puts
//! first in `<head>`.
//!
//! Takes the rendered HTML and the allowed form and fetch targets; returns
//! the HTML with the policy filled in.

use base64::Engine;
use sha2::{Digest, Sha256};

/// What the template writes where the policy goes.
pub const PLACEHOLDER: &str = "farvel-csp-placeholder";

/// Targets the page may post or send to.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// `form-action` sources (`'self'` or origins); empty means `'none'`.
    pub form_action: Vec<String>,
    /// `connect-src` sources; empty leaves it to `default-src 'none'`.
    pub connect: Vec<String>,
}

/// The contents of every inline block of tag `tag` (`script` or `style`).
pub fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let mut scan = Scan::new(tag);
    for at in memchr::memchr_iter(b'<', html.as_bytes()) {
        scan.at_lt(html, at);
    }
    scan.blocks
}

/// The inline `<script>` and `<style>` blocks, found in one pass over the
/// page's `<`s (each tag is looked for as if alone: a `<style>` inside a
/// script counts, as it does for [`inline_blocks`]).
fn script_and_style_blocks(html: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut scripts, mut styles) = (Scan::new("script"), Scan::new("style"));
    for at in memchr::memchr_iter(b'<', html.as_bytes()) {
        scripts.at_lt(html, at);
        styles.at_lt(html, at);
    }
    (scripts.blocks, styles.blocks)
}

/// The search for one tag's blocks, fed the position of every `<` in turn
/// (a memchr scan: cheaper than substring searches over the page's long
/// scripts).
struct Scan<'a> {
    open: String,
    close: String,
    /// `<`s before this are inside a tag already seen.
    from: usize,
    /// Where the current block's content starts, while inside one.
    body: Option<usize>,
    /// An opening tag without `>`: nothing more to find.
    done: bool,
    blocks: Vec<&'a str>,
}

impl<'a> Scan<'a> {
    fn new(tag: &str) -> Self {
        Scan {
            open: format!("<{tag}"),
            close: format!("</{tag}>"),
            from: 0,
            body: None,
            done: false,
            blocks: Vec::new(),
        }
    }

    /// `html[at]` is a `<`.
    fn at_lt(&mut self, html: &'a str, at: usize) {
        if self.done || at < self.from {
            return;
        }
        let rest = &html[at..];
        match self.body {
            Some(start) if rest.starts_with(&self.close) => {
                self.blocks.push(&html[start..at]);
                self.body = None;
                self.from = at + self.close.len();
            }
            Some(_) => {}
            None if rest.starts_with(&self.open) => {
                let after = at + self.open.len();
                self.from = after;
                if !html[after..].starts_with(['>', ' ']) {
                    return;
                }
                match html[after..].find('>') {
                    Some(gt) => {
                        self.body = Some(after + gt + 1);
                        self.from = after + gt + 1;
                    }
                    None => self.done = true,
                }
            }
            None => {}
        }
    }
}

/// `'sha256-…'` of a block's exact text.
pub fn hash_source(block: &str) -> String {
    let digest = Sha256::digest(block.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn sources(blocks: &[&str]) -> String {
    let mut hashes: Vec<String> = blocks.iter().map(|b| hash_source(b)).collect();
    hashes.dedup();
    if hashes.is_empty() {
        "'none'".to_string()
    } else {
        hashes.join(" ")
    }
}

/// The policy for a page.
pub fn policy(html: &str, targets: &Targets) -> String {
    let (scripts, styles) = script_and_style_blocks(html);
    let mut p = vec![
        "default-src 'none'".to_string(),
        format!("script-src {}", sources(&scripts)),
        format!("style-src {}", sources(&styles)),
    ];
    if targets.form_action.is_empty() {
        p.push("form-action 'none'".into());
    } else {
        p.push(format!("form-action {}", targets.form_action.join(" ")));
    }
    if !targets.connect.is_empty() {
        p.push(format!("connect-src {}", targets.connect.join(" ")));
    }
    p.push("base-uri 'none'".into());
    p.join("; ")
}

/// Fill the (first) placeholder with the page's policy, in place.
pub fn apply(mut html: String, targets: &Targets) -> String {
    let p = policy(&html, targets);
    if let Some(at) = memchr::memmem::find(html.as_bytes(), PLACEHOLDER.as_bytes()) {
        html.replace_range(at..at + PLACEHOLDER.len(), &p);
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks as a substring search finds them, one tag at a time.
    fn reference_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
        let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            if !after.starts_with(['>', ' ']) {
                rest = after;
                continue;
            }
            let Some(gt) = after.find('>') else { break };
            let body = &after[gt + 1..];
            let Some(end) = body.find(&close) else { break };
            out.push(&body[..end]);
            rest = &body[end + close.len()..];
        }
        out
    }

    #[test]
    fn one_pass_finds_what_a_search_per_tag_finds() {
        let tricky = "<p><script data-x=\"<style>\">if (a<b) s='<style>x</style>'</script>\
                      <scripts></scripts><style>b{}</style><style >c</style><<script>y<\\/script>\
                      </script><style\n>d</style><script src=\"x\"></script><script src";
        let mut cases = 0;
        for end in 0..=tricky.len() {
            let html = &tricky[..end];
            let (scripts, styles) = script_and_style_blocks(html);
            assert_eq!(scripts, reference_blocks(html, "script"), "{html:?}");
            assert_eq!(styles, reference_blocks(html, "style"), "{html:?}");
            cases += usize::from(!scripts.is_empty() && !styles.is_empty());
        }
        assert!(cases > 50, "{cases}");
        let (scripts, styles) = script_and_style_blocks(tricky);
        assert_eq!(scripts.len(), 3, "{scripts:?}");
        assert_eq!(styles.len(), 3, "{styles:?}");
    }

    #[test]
    fn finds_blocks_and_hashes_them() {
        let html = "<head><meta content=\"farvel-csp-placeholder\"><style>a{}</style></head>\
                    <script type=\"application/json\">{}</script><scripts></scripts><script>x()</script>";
        assert_eq!(inline_blocks(html, "script"), vec!["{}", "x()"]);
        assert_eq!(inline_blocks(html, "style"), vec!["a{}"]);
        // sha256("") is well known.
        assert_eq!(
            hash_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        let t = Targets {
            form_action: vec!["https://formspree.io".into()],
            connect: vec!["https://formspree.io".into()],
        };
        let out = apply(html.to_string(), &t);
        assert!(out.starts_with("<head><meta content=\"default-src 'none'; script-src 'sha256-"));
        assert!(out.contains("; form-action https://formspree.io; connect-src https://formspree.io; base-uri 'none'\""));
        let none = policy("<p></p>", &Targets::default());
        assert_eq!(
            none,
            "default-src 'none'; script-src 'none'; style-src 'none'; form-action 'none'; base-uri 'none'"
        );
    }
}
