//! Respondent free text on its way into the report: contact data replaced
//! visibly ([`Scrubber`]), then made inert Markdown ([`defuse`]): URL-like
//! text defanged (`https[:]//`, `www[.]`, `example[.]no`) so that no
//! autolinker — GitHub's included — finds a link, and every character that
//! Markdown or HTML could act on backslash-escaped, so no renderer shows a
//! link, image, heading, list, table, math or HTML from a respondent.

use regex::Regex;

/// The replacement texts, in the report's language.
pub struct Removed {
    pub email: &'static str,
    pub phone: &'static str,
    pub name: &'static str,
}

pub struct Scrubber {
    email: Regex,
    phone: Regex,
    year_span: Regex,
    names: Option<Regex>,
    removed: Removed,
}

/// Ignore this many-letter names: too short to match safely as words.
const MIN_NAME: usize = 2;

impl Scrubber {
    /// `names`: people's names to remove (one per entry, matched as whole
    /// words, case-insensitively).
    pub fn new(names: &[String], removed: Removed) -> Scrubber {
        let mut alts: Vec<String> = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| n.chars().count() >= MIN_NAME)
            .map(|n| regex::escape(n).replace(' ', r"\s+"))
            .collect();
        alts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        alts.dedup();
        let names = (!alts.is_empty())
            .then(|| Regex::new(&format!(r"(?i)\b(?:{})\b", alts.join("|"))).ok())
            .flatten();
        Scrubber {
            email: Regex::new(
                r"(?i)[a-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\])\s*[a-z0-9\-]+(?:\.[a-z0-9\-]+)+",
            )
            .unwrap_or_else(|_| unreachable!()),
            phone: Regex::new(r"(?:\+|\b00)?\d[\d \-().]{6,}\d").unwrap_or_else(|_| unreachable!()),
            year_span: Regex::new(r"^\d{4}\s*[-–]\s*\d{4}$").unwrap_or_else(|_| unreachable!()),
            names,
            removed,
        }
    }

    /// Replace e-mail addresses, phone numbers and listed names.
    pub fn scrub(&self, text: &str) -> String {
        let t = self.email.replace_all(text, self.removed.email);
        let t = self.phone.replace_all(&t, |c: &regex::Captures| {
            let m = &c[0];
            let digits = m.chars().filter(char::is_ascii_digit).count();
            if digits >= 8 && !self.year_span.is_match(m) {
                self.removed.phone.to_string()
            } else {
                m.to_string()
            }
        });
        match &self.names {
            Some(re) => re.replace_all(&t, self.removed.name).into_owned(),
            None => t.into_owned(),
        }
    }
}

/// A fixed pattern, compiled once per process.
macro_rules! pattern {
    ($re:literal) => {{
        static RE: std::sync::LazyLock<Regex> =
            std::sync::LazyLock::new(|| Regex::new($re).unwrap_or_else(|_| unreachable!()));
        &*RE
    }};
}

fn defang(line: &str) -> String {
    let scheme = pattern!(r"(?i)([a-z][a-z0-9+.\-]*):(//)?");
    let www = pattern!(r"(?i)\bwww\.");
    let domain = pattern!(r"(?i)\b([a-z0-9\-]+)\.([a-z]{2,})\b");
    let t = scheme.replace_all(line, |c: &regex::Captures| match c.get(2) {
        Some(_) => format!("{}[:]//", &c[1]),
        None if matches!(
            c[1].to_ascii_lowercase().as_str(),
            "mailto" | "xmpp" | "javascript" | "data" | "tel"
        ) =>
        {
            format!("{}[:]", &c[1])
        }
        None => c[0].to_string(),
    });
    let t = www.replace_all(&t, |c: &regex::Captures| format!("{}[.]", &c[0][..3]));
    let mut t = t.into_owned();
    // Repeat: `a.b.no` needs two passes since matches do not overlap.
    for _ in 0..4 {
        let next = domain.replace_all(&t, "$1[.]$2").into_owned();
        if next == t {
            break;
        }
        t = next;
    }
    t
}

/// Backslash-escape what Markdown, GFM or HTML could act on.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut at_start = true;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '<' | '>' | '~' | '&' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                out.push(c);
                while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    out.push(d);
                    chars.next();
                }
                if let Some(&p) = chars.peek().filter(|p| **p == '.' || **p == ')') {
                    out.push('\\');
                    out.push(p);
                    chars.next();
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

/// Make scrubbed respondent text safe Markdown inline text, lines kept:
/// returns one escaped line per non-empty input line (blank lines become
/// empty strings, runs of them collapsed).
pub fn defuse(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line: String = line.trim().chars().filter(|c| !c.is_control()).collect();
        if line.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        out.push(escape_line(&defang(&line)));
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// A verbatim as a Markdown block quote.
pub fn blockquote(text: &str) -> String {
    let mut s = String::new();
    for line in defuse(text) {
        if line.is_empty() {
            s.push_str(">\n");
        } else {
            s.push_str("> ");
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber() -> Scrubber {
        Scrubber::new(
            &["Kari Nordmann".into(), "Ola".into()],
            Removed {
                email: "[e-mail removed]",
                phone: "[phone number removed]",
                name: "[name removed]",
            },
        )
    }

    #[test]
    fn contact_data_is_replaced_visibly() {
        let s = scrubber();
        let table = [
            ("mail kari@firma.no now", "mail [e-mail removed] now"),
            ("ring +47 912 34 567", "ring [phone number removed]"),
            ("ring 91234567!", "ring [phone number removed]!"),
            ("from 2019-2023 here", "from 2019-2023 here"),
            (
                "ask kari  nordmann or OLA",
                "ask [name removed] or [name removed]",
            ),
            ("Olav stays", "Olav stays"),
        ];
        for (input, want) in table {
            assert_eq!(s.scrub(input), want, "{input}");
        }
    }

    #[test]
    fn urls_are_defanged_and_markup_escaped() {
        assert_eq!(
            defuse("see https://evil.example/x"),
            [r"see https\[:\]//evil\[.\]example/x"]
        );
        assert_eq!(defuse("- a-b"), [r"\- a-b"]);
        assert_eq!(defuse("www.x.no"), [r"www\[.\]x\[.\]no"]);
        assert_eq!(defuse("# heading"), [r"\# heading"]);
        assert_eq!(defuse("1. item"), [r"1\. item"]);
        assert_eq!(defuse("<script>"), [r"\<script\>"]);
        assert_eq!(defuse("a\n\n\n b"), ["a", "", "b"]);
    }
}
