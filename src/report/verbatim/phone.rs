//! Phone numbers in (NFKC-normalised) free text; the rule is in the doc of
//! [`super::Scrubber`]. The text is read as *runs*: digit groups joined by
//! separators. A run is then judged as a whole: its look-alike parts
//! (dates, year spans, clock-time spans, round amounts) are set aside, and
//! what is left between them is a phone number when it has 8 digits or
//! more.

use std::ops::Range;

/// What joins two digit groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Only spaces, or nothing (beside a parenthesis).
    Space,
    Dot,
    Dash,
    Slash,
    /// Holds a line break.
    Break,
}

#[derive(Debug, Clone, Copy)]
struct Sep {
    kind: Kind,
    /// Spaces beside the punctuation (`12. 03`, `22 - 47`).
    spaced: bool,
}

#[derive(Debug, Clone)]
struct Group {
    /// Byte range of the group in the text, parentheses included.
    at: Range<usize>,
    digits: String,
}

impl Group {
    fn len(&self) -> usize {
        self.digits.len()
    }

    fn value(&self) -> u32 {
        self.digits
            .get(..self.digits.len().min(9))
            .and_then(|d| d.parse().ok())
            .unwrap_or(u32::MAX)
    }
}

/// Digit groups and the separators between them (`seps[i]` joins
/// `groups[i]` and `groups[i + 1]`).
#[derive(Debug)]
struct Run {
    /// Byte where the run starts (a `+` or `(+` prefix included).
    start: usize,
    /// Written with `+`, `(+…)` or `00` in front: an international number.
    international: bool,
    groups: Vec<Group>,
    seps: Vec<Sep>,
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2009}' | '\u{200a}' | '\u{2002}'
            ..='\u{2006}'
    )
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

/// The text as chars with their byte offsets, and the text's length.
struct Chars<'t> {
    text: &'t str,
    cs: Vec<(usize, char)>,
}

impl Chars<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.cs.get(i).map(|&(_, c)| c)
    }

    fn byte(&self, i: usize) -> usize {
        self.cs.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    /// A group at `i`: digits, or `(digits)`. Returns (group, next index).
    fn group(&self, i: usize) -> Option<(Group, usize)> {
        let paren = self.at(i) == Some('(');
        let mut j = if paren { i + 1 } else { i };
        let from = j;
        while self.digit(j) {
            j += 1;
        }
        if j == from {
            return None;
        }
        let digits: String = self.cs[from..j].iter().map(|&(_, c)| c).collect();
        if paren {
            if self.at(j) != Some(')') {
                return None;
            }
            j += 1;
        }
        let at = self.byte(i)..self.byte(j);
        Some((Group { at, digits }, j))
    }

    /// A separator at `i` followed by a group. Returns (separator, index
    /// of the group). `after_paren`: the group before ends with `)`.
    fn sep(&self, i: usize, after_paren: bool) -> Option<(Sep, usize)> {
        let mut j = i;
        let mut punct: Option<Kind> = None;
        let mut newline = false;
        let mut spaces = false;
        while j - i < 8 {
            match self.at(j) {
                Some(c) if is_space(c) => spaces = true,
                Some('\r') if self.at(j + 1) == Some('\n') => {}
                Some('\n') if !newline => newline = true,
                Some(c @ ('.' | '/')) if punct.is_none() => {
                    // `.` then a space ends a sentence, not a number.
                    if c == '.' && self.at(j + 1).is_some_and(|n| is_space(n) || n == '\n') {
                        return None;
                    }
                    punct = Some(if c == '.' { Kind::Dot } else { Kind::Slash });
                }
                Some(c) if is_dash(c) && punct.is_none() => punct = Some(Kind::Dash),
                _ => break,
            }
            j += 1;
        }
        let next_paren = self.at(j) == Some('(');
        if !(self.digit(j) || next_paren && self.digit(j + 1)) {
            return None;
        }
        if j == i && !(after_paren || next_paren) {
            return None;
        }
        let kind = if newline {
            Kind::Break
        } else {
            punct.unwrap_or(Kind::Space)
        };
        Some((
            Sep {
                kind,
                spaced: spaces && punct.is_some(),
            },
            j,
        ))
    }

    /// The run starting at char `i` (a digit, `+` or `(`), and the index
    /// after it.
    fn run(&self, i: usize) -> Option<(Run, usize)> {
        let start = self.byte(i);
        let mut j = i;
        let mut international = false;
        let mut groups = Vec::new();
        if self.at(j) == Some('(') && self.at(j + 1) == Some('+') {
            // `(+47)`: the country code as a group of its own.
            let mut k = j + 2;
            let from = k;
            while self.digit(k) && k - from < 4 {
                k += 1;
            }
            if k == from || self.at(k) != Some(')') {
                return None;
            }
            let digits: String = self.cs[from..k].iter().map(|&(_, c)| c).collect();
            groups.push(Group {
                at: self.byte(j)..self.byte(k + 1),
                digits,
            });
            international = true;
            j = k + 1;
        } else if self.at(j) == Some('+') {
            if !self.digit(j + 1) {
                return None;
            }
            international = true;
            j += 1;
        }
        let mut seps = Vec::new();
        if groups.is_empty() {
            let (g, next) = self.group(j)?;
            groups.push(g);
            j = next;
        } else {
            // After `(+47)` comes a separator like after any group.
            let (s, at) = self.sep(j, true)?;
            let (g, next) = self.group(at)?;
            seps.push(s);
            groups.push(g);
            j = next;
        }
        loop {
            let after_paren = j > 0 && self.at(j - 1) == Some(')');
            let Some((s, at)) = self.sep(j, after_paren) else {
                break;
            };
            let Some((g, next)) = self.group(at) else {
                break;
            };
            seps.push(s);
            groups.push(g);
            j = next;
        }
        if !international && groups[0].digits.starts_with("00") {
            let digits: usize = groups.iter().map(Group::len).sum();
            international = digits >= 10;
        }
        Some((
            Run {
                start,
                international,
                groups,
                seps,
            },
            j,
        ))
    }
}

/// Words that say a number is a phone number: a word starting with one
/// of these (lower-case) …
const PHONE_STEMS: &[&str] = &[
    "tlf",
    "telefon",
    "mobil",
    "ring",
    "phone",
    "call",
    "sms",
    "whatsapp",
    "cellphone",
    "mobile",
    "telephone",
];
/// … or one of these whole words.
const PHONE_WORDS: &[&str] = &["tel", "mob", "cell", "faks", "fax"];

/// Currency and unit words: the number beside them is an amount or a share.
const BEFORE_AMOUNT: &[&str] = &[
    "kr", "kr.", "nok", "sek", "dkk", "eur", "usd", "gbp", "$", "€", "£", "¥",
];
const AFTER_AMOUNT: &[&str] = &[
    "kr",
    "kroner",
    "krone",
    "nok",
    "sek",
    "dkk",
    ",-",
    "mill",
    "millioner",
    "million",
    "millions",
    "mrd",
    "milliarder",
    "billion",
    "eur",
    "euro",
    "usd",
    "dollar",
    "dollars",
    "$",
    "€",
    "£",
    "%",
    "prosent",
    "percent",
    "pst",
];
/// Words before a version number.
const VERSION_WORDS: &[&str] = &["v", "ver", "versjon", "version", "build", "release"];

fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Up to `n` letter words in the 48 characters before byte `at` (nearest
/// first), lower-case.
fn words_before(text: &str, at: usize, n: usize) -> Vec<String> {
    let before = text.get(..at).unwrap_or("");
    let from = before.char_indices().rev().nth(47).map_or(0, |(i, _)| i);
    before[from..]
        .split(|c: char| !word_char(c))
        .rev()
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphabetic))
        .take(n)
        .map(str::to_lowercase)
        .collect()
}

/// Up to `n` letter words in the 32 characters after byte `at`.
fn words_after(text: &str, at: usize, n: usize) -> Vec<String> {
    let after = text.get(at..).unwrap_or("");
    let to = after.char_indices().nth(32).map_or(after.len(), |(i, _)| i);
    after[..to]
        .split(|c: char| !word_char(c))
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphabetic))
        .take(n)
        .map(str::to_lowercase)
        .collect()
}

/// The word that ends `before` when only spaces and punctuation follow
/// it, lower-case.
fn last_word(before: &str) -> Option<String> {
    let t = before.trim_end_matches(|c: char| !word_char(c));
    let start = t
        .char_indices()
        .rev()
        .take_while(|&(_, c)| word_char(c))
        .last()
        .map(|(i, _)| i)?;
    let w = &t[start..];
    w.chars().any(char::is_alphabetic).then(|| w.to_lowercase())
}

fn phone_word<S: AsRef<str>>(w: S) -> bool {
    let w = w.as_ref();
    PHONE_STEMS.iter().any(|s| w.starts_with(s)) || PHONE_WORDS.contains(&w)
}

/// `word` (lower-case) ends `s` (lower-case), as a word of its own.
fn ends_with_word(s: &str, word: &str) -> bool {
    let Some(rest) = s.strip_suffix(word) else {
        return false;
    };
    let first = word.chars().next().is_some_and(word_char);
    !first || !rest.chars().next_back().is_some_and(word_char)
}

/// `word` (lower-case) starts `s` (lower-case), as a word of its own.
fn starts_with_word(s: &str, word: &str) -> bool {
    let Some(rest) = s.strip_prefix(word) else {
        return false;
    };
    let last = word.chars().next_back().is_some_and(word_char);
    !last || !rest.chars().next().is_some_and(word_char)
}

/// The last few characters of `s` (enough for any word looked for).
fn tail(s: &str) -> &str {
    let at = s.char_indices().rev().nth(15).map_or(0, |(i, _)| i);
    &s[at..]
}

/// The first few characters of `s`.
fn head(s: &str) -> &str {
    let at = s.char_indices().nth(16).map_or(s.len(), |(i, _)| i);
    &s[..at]
}

/// The run stands beside a currency or unit: an amount or a share.
fn amount_beside(text: &str, start: usize, end: usize) -> bool {
    let before = tail(text.get(..start).unwrap_or("").trim_end_matches(is_space)).to_lowercase();
    let after = head(text.get(end..).unwrap_or("").trim_start_matches(is_space)).to_lowercase();
    BEFORE_AMOUNT.iter().any(|w| ends_with_word(&before, w))
        || AFTER_AMOUNT.iter().any(|w| starts_with_word(&after, w))
}

fn year(g: &Group) -> bool {
    g.len() == 4 && (1900..=2099).contains(&g.value())
}

/// Which look-alike starts at group `i`, as its number of groups. `near`:
/// a phone word within three words before or two after the run;
/// `right_before`: a phone word is the word just before the run.
fn lookalike(run: &Run, i: usize, near: bool, right_before: bool) -> Option<usize> {
    let g = &run.groups;
    let s = &run.seps;
    let kind = |k: usize| s.get(k).map(|s| s.kind);
    // Date: d.m.yyyy, d/m/yyyy, m/d/yyyy, yyyy-mm-dd (one separator kind).
    if i + 2 < g.len() && kind(i) == kind(i + 1) {
        let date_sep = matches!(kind(i), Some(Kind::Dot | Kind::Dash | Kind::Slash));
        let (a, b, c) = (&g[i], &g[i + 1], &g[i + 2]);
        let small = |g: &Group, max: u32| g.len() <= 2 && (1..=max).contains(&g.value());
        let dmy = small(a, 31) && small(b, 31) && a.value().min(b.value()) <= 12 && year(c);
        let ymd = year(a) && small(b, 12) && small(c, 31);
        if date_sep && (dmy || ymd) && delimited(run, i, 3) {
            return Some(3);
        }
    }
    // Clock-time span: 08.00-16.00.
    if i + 3 < g.len()
        && kind(i) == Some(Kind::Dot)
        && kind(i + 1) == Some(Kind::Dash)
        && kind(i + 2) == Some(Kind::Dot)
        && !s[i].spaced
        && !s[i + 2].spaced
    {
        let hour = |g: &Group| g.len() <= 2 && g.value() <= 24;
        let minute = |g: &Group| g.len() == 2 && g.value() <= 59;
        if hour(&g[i])
            && minute(&g[i + 1])
            && hour(&g[i + 2])
            && minute(&g[i + 3])
            && delimited(run, i, 4)
        {
            return Some(4);
        }
    }
    // Year span or pair: 2019-2023, 2019–2023, 2019/2020, 2019 2020.
    if !right_before
        && i + 1 < g.len()
        && year(&g[i])
        && year(&g[i + 1])
        && matches!(
            kind(i),
            Some(Kind::Dash | Kind::Slash | Kind::Space | Kind::Break)
        )
        && delimited(run, i, 2)
    {
        return Some(2);
    }
    if near {
        return None;
    }
    // A round amount in thousands: 45 000 000, 45.000.000. It runs to the
    // last group of 3 joined by the same kind (a shorter one would be
    // followed by that kind, so not set off).
    let k = kind(i);
    if g[i].len() <= 3
        && !(g[i].len() > 1 && g[i].digits.starts_with('0'))
        && matches!(k, Some(Kind::Space | Kind::Dot))
        && (i == 0 || strong(run, i - 1))
    {
        let mut n = 1;
        while i + n < g.len() && g[i + n].len() == 3 && kind(i + n - 1) == k {
            n += 1;
        }
        if n > 1 && g[i + n - 1].digits == "000" && set_off(run, i, n) {
            return Some(n);
        }
    }
    None
}

/// Groups `i..i + n` stand apart from their neighbours in the run: the
/// separators on either side are of another kind than those inside.
fn delimited(run: &Run, i: usize, n: usize) -> bool {
    let inside: Vec<Kind> = run.seps[i..i + n - 1].iter().map(|s| s.kind).collect();
    let apart = |k: usize| run.seps.get(k).is_none_or(|s| !inside.contains(&s.kind));
    (i == 0 || apart(i - 1)) && apart(i + n - 1)
}

/// Groups `i..i + n` are the whole run, or set off from the rest by a line
/// break or a spaced dash or slash (`45 000 000 - 50 000 000`), so that
/// they are not the tail of a phone number (`412 34 000`).
fn set_off(run: &Run, i: usize, n: usize) -> bool {
    (i == 0 || strong(run, i - 1)) && strong(run, i + n - 1)
}

/// Separator `k` is a line break or a spaced dash or slash (or there is
/// none: the run ends).
fn strong(run: &Run, k: usize) -> bool {
    run.seps.get(k).is_none_or(|s| {
        s.kind == Kind::Break || (matches!(s.kind, Kind::Dash | Kind::Slash) && s.spaced)
    })
}

/// Groups of a run that are too version-like or list-like to be a phone
/// number (judged without a phone word).
fn not_a_number(run: &Run, from: usize, to: usize, text: &str) -> bool {
    let groups = &run.groups[from..to];
    let singles = groups.iter().filter(|g| g.len() == 1).count();
    let dotted = run.seps[from..to - 1].iter().any(|s| s.kind == Kind::Dot);
    if (dotted && singles > 0) || singles > 2 {
        return true;
    }
    // `v12.4.2` or `versjon 10.0.19045`.
    let at = groups[0].at.start;
    let before = tail(text.get(..at).unwrap_or("").trim_end_matches(is_space)).to_lowercase();
    dotted && VERSION_WORDS.iter().any(|w| ends_with_word(&before, w))
}

/// Byte ranges of the phone numbers in `text`.
pub fn spans(text: &str) -> Vec<Range<usize>> {
    let chars = Chars {
        text,
        cs: text.char_indices().collect(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.cs.len() {
        let c = chars.cs[i].1;
        let starts = c.is_ascii_digit()
            || (c == '+' && chars.digit(i + 1))
            || (c == '(' && (chars.digit(i + 1) || chars.at(i + 1) == Some('+')));
        let Some((run, next)) = starts.then(|| chars.run(i)).flatten() else {
            i += 1;
            continue;
        };
        judge(&run, text, &mut out);
        // A run never starts right after a digit.
        i = next.max(i + 1);
    }
    out
}

fn digits(groups: &[Group]) -> usize {
    groups.iter().map(Group::len).sum()
}

/// Add the run's phone numbers to `out`.
fn judge(run: &Run, text: &str, out: &mut Vec<Range<usize>>) {
    let Some(last) = run.groups.last() else {
        return;
    };
    let end = last.at.end;
    if digits(&run.groups) < 8 || amount_beside(text, run.start, end) {
        return;
    }
    if run.international {
        if digits(&run.groups) >= 8 {
            out.push(run.start..end);
        }
        return;
    }
    let near = words_before(text, run.start, 3)
        .iter()
        .chain(words_after(text, end, 2).iter())
        .any(phone_word);
    let right_before = last_word(tail(text.get(..run.start).unwrap_or(""))).is_some_and(phone_word);
    // A list of years: 2019 2020 2021.
    let years = run.groups.len() > 1
        && run.groups.iter().all(year)
        && run.seps.iter().all(|s| s.kind != Kind::Dot);
    if years && !right_before {
        return;
    }
    // Set the look-alikes aside; judge what lies between them.
    let n = run.groups.len();
    let mut from = 0;
    let mut i = 0;
    let mut segment = |from: usize, to: usize| {
        if to > from
            && digits(&run.groups[from..to]) >= 8
            && (near || !not_a_number(run, from, to, text))
        {
            out.push(run.groups[from].at.start..run.groups[to - 1].at.end);
        }
    };
    while i < n {
        match lookalike(run, i, near, right_before) {
            Some(len) => {
                segment(from, i);
                i += len;
                from = i;
            }
            None => i += 1,
        }
    }
    segment(from, n);
}
