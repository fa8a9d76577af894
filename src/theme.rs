//! Themes: the default theme embedded in the binary, and user themes in
//! `themes/<name>/` that override it file by file.
//!
//! Takes a theme name (or none) and the project folder; returns a [`Theme`]
//! holding every file, its scripts compacted once, and a tera instance
//! (with `.html` autoescaping) for the templates the theme overrides. The
//! default templates are rendered by `crate::form::html`, which writes the
//! same bytes as tera would (a test compares the two), without parsing
//! templates at every start.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The default theme's files, embedded. `conditions.js` (the `show_if`
/// evaluator) and `seal.js` (sealed responses) come from their own modules'
/// work and are included as they are.
const DEFAULT: [(&str, &str); 6] = [
    ("form.html", include_str!("../themes/default/form.html")),
    ("thanks.html", include_str!("../themes/default/thanks.html")),
    ("form.css", include_str!("../themes/default/form.css")),
    ("form.js", include_str!("../themes/default/form.js")),
    (
        "conditions.js",
        include_str!("../themes/default/conditions.js"),
    ),
    ("seal.js", include_str!("../themes/default/seal.js")),
];

/// The templates rendered by tera.
const TEMPLATES: [&str; 2] = ["form.html", "thanks.html"];

/// The scripts a page inlines, compacted once per build.
const SCRIPTS: [&str; 3] = ["conditions.js", "seal.js", "form.js"];

#[derive(Debug)]
pub struct Theme {
    files: BTreeMap<String, String>,
    /// [`compact_js`] of each of [`SCRIPTS`] the theme has.
    scripts: BTreeMap<&'static str, String>,
    /// The templates that differ from the default's, compiled; `None` when
    /// every template is the default's.
    tera: Option<tera::Tera>,
}

/// Escape for tera's autoescape: the five HTML-significant characters only
/// (tera's default also escapes `/`, which makes URLs unreadable).
fn escape_html(s: &str) -> String {
    crate::form::escape(s)
}

impl Theme {
    /// The embedded default theme.
    pub fn default_theme() -> Result<Theme> {
        Theme::from_files(default_files())
    }

    /// The theme `name` from `root/themes/<name>/` over the default, or the
    /// default alone.
    pub fn load(name: Option<&str>, root: &Path) -> Result<Theme> {
        let mut files = default_files();
        if let Some(name) = name {
            let dir = root.join("themes").join(name);
            if !dir.is_dir() {
                return Err(Error::msg(format!(
                    "theme '{name}': no folder {}",
                    dir.display()
                )));
            }
            let names = DEFAULT.iter().map(|(n, _)| *n);
            for file in names {
                let path = dir.join(file);
                if path.is_file() {
                    files.insert(file.to_string(), crate::fsutil::read_to_string(&path)?);
                }
            }
        }
        Theme::from_files(files)
    }

    fn from_files(files: BTreeMap<String, String>) -> Result<Theme> {
        Theme::compile(files, false)
    }

    /// Tera compiles the templates when the theme overrides any of them
    /// (they may include one another), or with `all_tera` (tests compare
    /// tera's output with farvel's own writer of the default).
    fn compile(files: BTreeMap<String, String>, all_tera: bool) -> Result<Theme> {
        let own = all_tera || TEMPLATES.iter().any(|name| !is_default(&files, name));
        let tera = match own {
            true => Some(tera_for(&files)?),
            false => None,
        };
        let scripts = SCRIPTS
            .into_iter()
            .filter_map(|name| Some((name, compact_js(files.get(name)?))))
            .collect();
        Ok(Theme {
            files,
            scripts,
            tera,
        })
    }

    /// The default theme with every template rendered by tera.
    #[cfg(test)]
    pub fn default_through_tera() -> Result<Theme> {
        Theme::compile(default_files(), true)
    }

    /// A theme file's text.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// A script of the theme, compacted ([`compact_js`]).
    pub fn script(&self, name: &str) -> Option<&str> {
        self.scripts.get(name).map(String::as_str)
    }

    /// Whether the templates are rendered by tera (the theme overrides
    /// one); otherwise they are the default's, written by `crate::form::html`.
    pub fn uses_tera(&self) -> bool {
        self.tera.is_some()
    }

    /// sha256 over every file (name and text), hex: part of the build stamp.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for (name, body) in &self.files {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(body.len().to_le_bytes());
            h.update(body.as_bytes());
        }
        hex(&h.finalize())
    }

    /// Render a template with tera ([`Theme::uses_tera`]).
    pub fn render(&self, template: &str, cx: &tera::Context) -> Result<String> {
        let tera = self
            .tera
            .as_ref()
            .ok_or_else(|| Error::msg(format!("rendering {template}: not a theme template")))?;
        tera.render(template, cx)
            .map_err(|e| Error::msg(format!("rendering {template}: {}", chain(&e))))
    }
}

/// Whether the theme's `name` is the embedded default's text.
fn is_default(files: &BTreeMap<String, String>, name: &str) -> bool {
    let default = DEFAULT.iter().find(|(n, _)| *n == name).map(|(_, b)| *b);
    files.get(name).map(String::as_str) == default
}

fn tera_for(files: &BTreeMap<String, String>) -> Result<tera::Tera> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    for name in TEMPLATES {
        let body = files.get(name).map(String::as_str).unwrap_or("");
        tera.add_raw_template(name, body)
            .map_err(|e| Error::msg(format!("theme template {name}: {}", chain(&e))))?;
    }
    Ok(tera)
}

fn default_files() -> BTreeMap<String, String> {
    DEFAULT
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_string()))
        .collect()
}

/// Write the default theme's files into `dir`.
pub fn export_default(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    for (name, body) in default_files() {
        let path = dir.join(&name);
        crate::fsutil::write_atomic(&path, body.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Shrink a script without changing what it does: drop leading
/// indentation, blank lines and comment-only lines. Scripts containing a
/// backtick outside comments (template literals may span lines) are left
/// as they are.
pub fn compact_js(src: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut in_comment = false;
    for line in src.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            if !in_comment && !t.ends_with("*/") {
                out.push(t);
            }
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push(t);
    }
    if out.iter().any(|l| l.contains('`')) {
        return src.to_string();
    }
    out.join("\n")
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A tera error with its causes (tera puts the useful part in `source`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_theme_overrides_file_by_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = dir.path().join("themes").join("mine");
        std::fs::create_dir_all(&t).expect("mkdir");
        std::fs::write(t.join("form.css"), "body{color:red}").expect("write");
        let theme = Theme::load(Some("mine"), dir.path()).expect("load");
        assert_eq!(theme.file("form.css"), Some("body{color:red}"));
        assert_eq!(theme.file("form.js"), Some(DEFAULT[3].1));
        assert_ne!(
            theme.hash(),
            Theme::default_theme().expect("default").hash()
        );
        assert!(Theme::load(Some("missing"), dir.path()).is_err());
    }

    #[test]
    fn only_a_theme_s_own_template_goes_through_tera() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = dir.path().join("themes").join("mine");
        std::fs::create_dir_all(&t).expect("mkdir");
        std::fs::write(t.join("form.css"), "p{}").expect("write");
        let css_only = Theme::load(Some("mine"), dir.path()).expect("load");
        assert!(!css_only.uses_tera() && !Theme::default_theme().expect("d").uses_tera());
        let form = "<html><head><meta content=\"{{ csp }}\"></head><p>{{ title }}|{{ ui['button.next'] }}|{{ sections | length }}</p></html>";
        std::fs::write(t.join("form.html"), form).expect("write");
        let theme = Theme::load(Some("mine"), dir.path()).expect("load");
        assert!(theme.uses_tera());
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let survey =
            crate::survey::load_survey(&root.join("tests/fixtures/build/broken/b-fine.yaml"))
                .expect("fixture");
        let pages =
            crate::form::render_survey(&survey, &theme, &Default::default()).expect("render");
        assert!(
            pages[0].html.contains("<p>Fine|Next|1</p>"),
            "{}",
            pages[0].html
        );
        assert!(
            pages[0].html.contains("style-src 'none'"),
            "{}",
            pages[0].html
        );
        std::fs::write(t.join("form.html"), "{% if %}").expect("write");
        let err = Theme::load(Some("mine"), dir.path()).expect_err("bad template");
        assert!(
            err.to_string().contains("theme template form.html"),
            "{err}"
        );
    }

    #[test]
    fn compact_js_drops_only_indentation_and_comments() {
        let cases: &[(&str, &str)] = &[
            ("  var a = 1;\n\n  // note\n  a++;", "var a = 1;\na++;"),
            ("/* one\n   two */\nf();", "f();"),
            ("/* x */ f();", "/* x */ f();"),
            (
                "var s = '  // not a comment';",
                "var s = '  // not a comment';",
            ),
            ("var t = `a\n  b`;", "var t = `a\n  b`;"),
            ("/* `code` in a comment */\n  f();", "f();"),
        ];
        for (src, want) in cases {
            assert_eq!(compact_js(src), *want, "{src}");
        }
    }

    #[test]
    fn autoescape_keeps_urls_readable() {
        assert_eq!(escape_html("a/b&<\"'>"), "a/b&amp;&lt;&quot;&#x27;&gt;");
    }
}
