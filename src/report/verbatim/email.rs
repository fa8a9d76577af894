//! E-mail addresses in (NFKC-normalised) free text, written plainly,
//! spaced, bracketed or spelled out; the rule is in the doc of
//! [`super::Scrubber`].

use std::ops::Range;

use regex::Regex;

use crate::error::{Error, Result};

/// A letter, digit or mark: part of a word.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Top-level domains that end a spelled-out address (`kari at firma dot
/// no`): with plain `at` and `dot` words, only these make an address.
const TLDS: &[&str] = &[
    "no", "com", "net", "org", "se", "dk", "fi", "is", "uk", "de", "eu", "io", "info", "biz", "us",
    "nu", "co", "me", "app", "dev", "edu", "gov", "fr", "es", "it", "nl", "pl", "ch", "be", "at",
    "online", "email", "mail",
];

/// Words that are not the local part or domain of a spelled-out address:
/// `look at this dot no more`, `I was at home dot com`, `sa at alt prikk no`.
const NOT_SPELLED: &[&str] = &[
    "a", "an", "the", "i", "me", "my", "you", "your", "he", "him", "his", "she", "her", "it",
    "its", "we", "us", "our", "they", "them", "their", "this", "that", "these", "those", "there",
    "here", "what", "which", "who", "was", "were", "is", "are", "be", "been", "am", "look",
    "looked", "looking", "arrive", "arrived", "good", "bad", "best", "worst", "home", "work",
    "all", "not", "no", "yes", "and", "or", "but", "so", "very", "at", "in", "on", "of", "to",
    "for", "with", "by", "from", "as", "job", "office", "school", "least", "first", "last", "once",
    "jeg", "du", "han", "hun", "det", "den", "vi", "de", "meg", "deg", "seg", "oss", "dem", "er",
    "var", "har", "hadde", "sa", "mener", "synes", "tror", "vet", "og", "men", "så", "som", "på",
    "til", "med", "av", "om", "ikke", "alt", "alle", "noe",
];

pub struct Emails {
    re: Regex,
}

impl Emails {
    pub fn new() -> Result<Emails> {
        // A local part: starts with a letter or digit; dots only inside.
        let lc = r"[\p{L}\p{N}\p{M}_%+\-]";
        let local = format!(r"[\p{{L}}\p{{N}}]{lc}*(?:\.{lc}+)*");
        let label = r"[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M}_\-]*";
        let sp = r"[ \t]";
        let open = r"[\[\(\{<]";
        let close = r"[\]\)\}>]";
        let at_word = "(?:at|krøllalfa|alfakrøll)";
        let dot_word = "(?:dot|punktum|punkt|prikk)";
        // `[at]`, `(at)`, `{at}`, `<at>`, `(@)`.
        let at_bracket = format!(r"{sp}*{open}{sp}*(?:{at_word}|@){sp}*{close}{sp}*");
        let dot_bracket = format!(r"{sp}*{open}{sp}*(?:{dot_word}|\.){sp}*{close}{sp}*");
        let dot_spelled = format!(r"(?:{dot_bracket}|{sp}+{dot_word}{sp}+)");
        // `.`, ` . `, `[dot]`, ` dot `.
        let dot = format!(r"(?:\.|{sp}+\.{sp}+|{dot_spelled})");
        let tld = TLDS.join("|");
        let forms = [
            // kari@firma.no, kari@firma, kari [at] firma [dot] no, kari (at) firma
            format!(r"{local}(?:@|{at_bracket}){label}(?:{dot}{label})*"),
            // kari @ firma . no, kari @firma.no: a spaced @ needs a dot after
            format!(r"{local}(?:{sp}+@{sp}*|@{sp}+){label}(?:{dot}{label})+"),
            // kari at firma dot no: plain words need a spelled dot and a known TLD
            format!(
                r"(?P<local>{local}){sp}+{at_word}{sp}+(?P<domain>{label})(?:{dot_spelled}{label})*{dot_spelled}(?:{tld})\b"
            ),
            // kari(a)firma.no
            format!(r"{local}\(a\){label}(?:\.{label})+"),
        ];
        let pattern = format!("(?i)(?:{})", forms.join("|"));
        let re = Regex::new(&pattern)
            .map_err(|e| Error::msg(format!("the e-mail pattern does not build: {e}")))?;
        Ok(Emails { re })
    }

    /// Byte ranges of the addresses in `text`.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut from = 0;
        while let Some(c) = self.re.captures_at(text, from) {
            let Some(m) = c.get(0) else {
                break;
            };
            let ordinary = |name: &str| {
                c.name(name)
                    .is_some_and(|w| NOT_SPELLED.contains(&w.as_str().to_lowercase().as_str()))
            };
            let next_char = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            if ordinary("local") || ordinary("domain") {
                // Plain words after all; look again after the first word.
                from = c.name("local").map_or(next_char, |l| l.end());
                continue;
            }
            from = m.end().max(next_char);
            // A match never starts inside a word: take the whole word.
            let mut start = m.start();
            while let Some(w) = text[..start].chars().next_back().filter(|&w| word_char(w)) {
                start -= w.len_utf8();
            }
            match out.last_mut() {
                Some(last) if last.end >= start => last.end = m.end(),
                _ => out.push(start..m.end()),
            }
        }
        out
    }
}
