//! Diagnostics: a problem found in an input file, with its position, and
//! their rustc-style rendering (`path:line:col: error: message`, the source
//! line, a caret under the culprit, and a hint).

use std::fmt;
use std::path::{Path, PathBuf};

/// `s` safe to print on a terminal: every control character (C0, DEL,
/// C1) written as `\u{1b}`, so text from a file (a header name, a cell)
/// cannot move the cursor, recolour or retitle the terminal. Borrowed
/// when there is none, as almost always.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A 1-based line and column in a file (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    /// Where the culprit starts; `None` for problems about the whole file.
    pub pos: Option<Pos>,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            pos,
            width: 1,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(path: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, pos, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render with the source line and caret, taking the line from `source`
    /// (the file's text).
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = String::new();
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = self.path.display();
        match self.pos {
            Some(p) => out.push_str(&format!(
                "{path}:{}:{}: {sev}: {}\n",
                p.line, p.col, self.message
            )),
            None => out.push_str(&format!("{path}: {sev}: {}\n", self.message)),
        }
        if let (Some(p), Some(src)) = (self.pos, source)
            && let Some(line) = src.lines().nth(p.line.saturating_sub(1))
        {
            let num = p.line.to_string();
            let pad = " ".repeat(num.len());
            out.push_str(&format!("{pad} |\n{num} | {line}\n"));
            let indent: String = line
                .chars()
                .take(p.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("{pad} | {indent}{}\n", "^".repeat(self.width)));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("  = hint: {h}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(None).trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_out() {
        let table = [
            ("plain, ÆØÅ – “quoted”", "plain, ÆØÅ – “quoted”"),
            ("\u{1b}[31mred\u{1b}[0m", "\\u{1b}[31mred\\u{1b}[0m"),
            ("\u{1b}]0;title\u{7}", "\\u{1b}]0;title\\u{7}"),
            ("a\u{7f}b", "a\\u{7f}b"),
            ("\u{9b}2J", "\\u{9b}2J"),
            ("tab\there\r\n", "tab\\u{9}here\\u{d}\\u{a}"),
            ("\u{0}", "\\u{0}"),
        ];
        for (raw, shown) in table {
            assert_eq!(escape_controls(raw), shown, "{raw:?}");
        }
        assert!(matches!(
            escape_controls("nothing to do"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
