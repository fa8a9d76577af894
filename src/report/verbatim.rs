//! Respondent free text on its way into the report: contact data replaced
//! visibly ([`Scrubber`]), then made inert Markdown ([`defuse`]): URL-like
//! text defanged (`https[:]//`, `www[.]`, `example[.]no`) so that no
//! autolinker — GitHub's included — finds a link, and every character that
//! Markdown or HTML could act on backslash-escaped, so no renderer shows a
//! link, image, heading, list, table, math or HTML from a respondent.
//!
//! # Scrubbing rules
//!
//! The text is first brought to NFKC (full-width `２２４７` and `＠` become
//! `2247` and `@`, no-break spaces become spaces); the result is that text
//! with replacements. E-mail addresses go first, then phone numbers, then
//! names; replacement texts already in the text are left alone, and the
//! three steps repeat until they find nothing more, so scrubbing scrubbed
//! text changes nothing.
//!
//! **E-mail addresses.** A local part (letters of any script, digits,
//! `_`, `%`, `+`, `-`, dots inside) and a domain of one or more labels,
//! joined by:
//!
//! - `@` with no spaces (`kari@firma.no`, `ørjan@blåbær.no`; the domain
//!   needs no dot: `kari@firma`);
//! - a bracketed at: `[at]`, `(at)`, `{at}`, `<at>`, `(@)`, also
//!   `krøllalfa` in brackets (domain dot optional);
//! - `@` with spaces on one or both sides (`kari @ firma . no`): then the
//!   domain needs at least one dot;
//! - the plain words `at`, `krøllalfa` or `alfakrøll`: then the domain
//!   needs a spelled dot (`dot`, `punktum`, `punkt`, `prikk`, or one in
//!   brackets) and must end in a known top-level domain (`no`, `com`,
//!   `se`, `uk`, …), and neither the local part nor the first domain label
//!   may be a common word (`look at this dot no` stays);
//! - `(a)` with no spaces and a dotted domain (`kari(a)firma.no`).
//!
//! Dots in the domain are `.`, ` . `, the words `dot`, `punktum`, `punkt`
//! or `prikk`, or any of these in brackets. A match is widened to the
//! whole word it starts in.
//!
//! **Phone numbers.** Digits are read in *runs*: digit groups (a group may
//! be in parentheses, `(415)`, `(0)`) joined by separators of up to eight
//! characters made of spaces (any kind), at most one of `.` `-` `–` `—`
//! `/`, and at most one line break; `.` followed by a space or line break
//! ends a sentence and so ends the run. A run may start with `+`, `(+47)`
//! or `00` (then with 10 digits or more): an *international* run.
//!
//! 1. A run right beside a currency or unit (`kr`, `NOK`, `kroner`, `mill`,
//!    `,-`, `%`, `prosent`, `€`, `$`, …) is an amount: kept.
//! 2. An international run with 8 digits or more is a phone number.
//! 3. A run made only of years (1900–2099, not joined by dots) is kept
//!    (`2019 2020 2021`).
//! 4. Otherwise look-alikes inside the run are set aside, each only where
//!    the separators on either side of it differ from its own:
//!    dates (`12.03.2024`, `12/03/2024`, `2024-03-12`: day ≤ 31, month
//!    ≤ 12, year 1900–2099, one separator kind), clock-time spans
//!    (`08.00-16.00`), year spans (`2019-2023`, `2019–2023`, `2019/2020`,
//!    `2019 2020`), and round amounts in thousands (`45 000 000`,
//!    `45.000.000`: 1–3 digits, then groups of 3, one separator kind, the
//!    last group `000`, and the whole run or set off by a line break or a
//!    spaced dash or slash).
//! 5. Each stretch of the run between look-alikes with **8 digits or
//!    more** is a phone number (more than 15 means several numbers, or an
//!    account or card number: removed as one), unless it looks like a
//!    version or a list: a dot separator with a one-digit group
//!    (`10.0.19045`), a dotted run after `v`/`versjon`/`version`/`build`,
//!    or more than two one-digit groups (`1 2 3 4 5 6 7 8`).
//!
//! A phone word (`tlf`, `telefon…`, `mobil…`, `ring…`, `phone…`,
//! `call…`, `sms`, `tel`, `mob`, `cell`, `fax`, `faks`, …) among the three
//! words before or the two after a run widens rule 5: amounts ending in
//! `000` and version or list shapes count as phone numbers then. When the
//! phone word is the word just before the run, year spans and lists of
//! years do too (`Telefon: 2019 2023`). Dates and clock-time spans are
//! never phone numbers. Shorter runs (`450 ansatte`, `3 av 12`, `1 000
//! kunder`, `12,5 %`) are never touched.
//!
//! **Names** (from the `--names` list). Each entry is NFKC-normalised, a
//! leading byte-order mark dropped; entries with fewer than 2 letters or
//! digits are ignored. Entries are matched as whole words (no letter, digit
//! or mark on either side, so `Ola` leaves `Olaf` and `Olav` alone),
//! case-blind, the whole entry only (`Kari Nordmann` does not remove a lone
//! `Kari`), with any run of whitespace, line breaks included, where the
//! entry has a space. Other characters between words must be as written
//! (`Anne-Marie`; `'` and `’` count as one). Also removed with the name:
//! a genitive `s` on its last word (`Olas`, `Kari Nordmanns`), `'s`/`’s`
//! (`Ola's`), an apostrophe after a genitive `s` or after a name ending in
//! `s`, `x` or `z` (`Olas'`, `Lars'`), and a following possessive `sin`,
//! `si`, `sitt` or `sine` (`Ola sin bil` → `[name removed] bil`). Names are
//! looked up word by word in a hash map, so a list of any length works.

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

mod email;
mod names;
mod phone;

/// The replacement texts, in the report's language.
pub struct Removed {
    pub email: &'static str,
    pub phone: &'static str,
    pub name: &'static str,
}

/// Replaces contact details and listed names in free text; see the module
/// doc for the rules.
pub struct Scrubber {
    emails: email::Emails,
    names: names::Names,
    removed: Removed,
}

/// A stretch of scrubbed text: still to read, or already replaced.
enum Piece {
    Text(String),
    Gone(&'static str),
}

impl Scrubber {
    /// `names`: people's names to remove (one per entry; see the module
    /// doc). Fails when a replacement text is empty or not in NFKC (it
    /// could not be told apart from respondent text on a second pass), or
    /// when a pattern does not build.
    pub fn new(names: &[String], removed: Removed) -> Result<Scrubber> {
        for r in [removed.email, removed.phone, removed.name] {
            if r.trim().is_empty() || r.nfkc().ne(r.chars()) {
                return Err(Error::msg(format!(
                    "the replacement text `{r}` must be non-empty and in NFKC"
                )));
            }
        }
        Ok(Scrubber {
            emails: email::Emails::new()?,
            names: names::Names::new(names),
            removed,
        })
    }

    /// Whether listed names are removed (a name list with at least one
    /// usable name was given).
    pub fn removes_names(&self) -> bool {
        !self.names.is_empty()
    }

    /// The text in NFKC with e-mail addresses, phone numbers and listed
    /// names replaced. Idempotent: scrubbing the result changes nothing.
    pub fn scrub(&self, text: &str) -> String {
        let text: String = text.nfkc().collect();
        let mut pieces = self.split_removed(text);
        // Until nothing more is found: a replacement can split a run of
        // text so that what is left reads differently.
        loop {
            let mut found = false;
            pieces = replace(pieces, self.removed.email, &mut found, |t| {
                self.emails.spans(t)
            });
            pieces = replace(pieces, self.removed.phone, &mut found, phone::spans);
            pieces = replace(pieces, self.removed.name, &mut found, |t| {
                self.names.spans(t)
            });
            if !found {
                break;
            }
        }
        let mut out = String::new();
        for p in &pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Gone(r) => out.push_str(r),
            }
        }
        out
    }

    /// The text cut at replacement texts already in it (a second pass
    /// leaves them alone).
    fn split_removed(&self, text: String) -> Vec<Piece> {
        let marks = [self.removed.email, self.removed.phone, self.removed.name];
        // Where each mark is next found, from `done` on (each searched
        // once per occurrence, so long texts stay linear).
        let find = |m: &str, from: usize| text[from..].find(m).map(|at| from + at);
        let mut next: Vec<Option<usize>> = marks.iter().map(|m| find(m, 0)).collect();
        let mut pieces = Vec::new();
        let mut done = 0;
        while let Some((k, at)) = next
            .iter()
            .enumerate()
            .filter_map(|(k, at)| at.map(|at| (k, at)))
            .min_by_key(|&(k, at)| (at, usize::MAX - marks[k].len()))
        {
            if at > done {
                pieces.push(Piece::Text(text[done..at].to_string()));
            }
            pieces.push(Piece::Gone(marks[k]));
            done = at + marks[k].len();
            for (j, m) in marks.iter().enumerate() {
                if next[j].is_some_and(|p| p < done) {
                    next[j] = find(m, done);
                }
            }
        }
        if done < text.len() {
            pieces.push(Piece::Text(text[done..].to_string()));
        }
        pieces
    }
}

/// Replace what `find` finds in the pieces still to read; set `found`
/// when it finds anything. `find` returns sorted, non-overlapping byte
/// ranges.
fn replace(
    pieces: Vec<Piece>,
    with: &'static str,
    found: &mut bool,
    find: impl Fn(&str) -> Vec<std::ops::Range<usize>>,
) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len());
    for p in pieces {
        let Piece::Text(t) = p else {
            out.push(p);
            continue;
        };
        let mut last = 0;
        for r in find(&t) {
            if r.start < last || r.end <= r.start || t.get(r.clone()).is_none() {
                continue;
            }
            if r.start > last {
                out.push(Piece::Text(t[last..r.start].to_string()));
            }
            out.push(Piece::Gone(with));
            *found = true;
            last = r.end;
        }
        if last == 0 {
            out.push(Piece::Text(t));
        } else if last < t.len() {
            out.push(Piece::Text(t[last..].to_string()));
        }
    }
    out
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
mod tests;
