//! Listed people's names in (NFKC-normalised) free text: a lookup of
//! lower-cased words, so that a list of any length costs one hash lookup
//! per word of text. The rule is in the doc of [`super::Scrubber`].

use std::collections::HashMap;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// Ignore names with fewer letters or digits than this: too short to
/// match safely as words.
const MIN_NAME: usize = 2;

/// Norwegian possessive words that go with the name before them
/// (`Ola sin bil`).
const POSSESSIVES: &[&str] = &["sin", "si", "sitt", "sine"];

/// A letter, digit or mark: part of a word.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

fn apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '´')
}

/// What lies between two words of a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Gap {
    /// Any run of whitespace.
    Space,
    /// These characters (apostrophes read alike), e.g. `-` in `Anne-Marie`.
    Exact(String),
}

impl Gap {
    fn of(s: &str) -> Gap {
        if s.chars().all(char::is_whitespace) {
            Gap::Space
        } else {
            Gap::Exact(same_apostrophes(s))
        }
    }

    fn fits(&self, s: &str) -> bool {
        match self {
            Gap::Space => !s.is_empty() && s.chars().all(char::is_whitespace),
            Gap::Exact(e) => *e == same_apostrophes(s),
        }
    }
}

fn same_apostrophes(s: &str) -> String {
    s.chars()
        .map(|c| if apostrophe(c) { '\'' } else { c })
        .collect()
}

#[derive(Debug)]
struct Name {
    /// Lower-case words.
    words: Vec<String>,
    /// `gaps[i]` lies between `words[i]` and `words[i + 1]`.
    gaps: Vec<Gap>,
}

/// A word of a text: byte range and lower-case form.
struct Word {
    at: Range<usize>,
    lower: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, word_char(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(Word {
                    at: s..i,
                    lower: text[s..i].to_lowercase(),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, Default)]
pub struct Names {
    names: Vec<Name>,
    /// Names by their first word.
    by_first: HashMap<String, Vec<usize>>,
}

impl Names {
    pub fn new(list: &[String]) -> Names {
        let mut names = Names::default();
        let mut seen = std::collections::HashSet::new();
        for entry in list {
            let entry: String = entry.trim_start_matches('\u{feff}').nfkc().collect();
            let ws = words(&entry);
            let letters: usize = ws.iter().map(|w| entry[w.at.clone()].chars().count()).sum();
            if ws.is_empty() || letters < MIN_NAME {
                continue;
            }
            let gaps = ws
                .windows(2)
                .map(|p| Gap::of(&entry[p[0].at.end..p[1].at.start]))
                .collect();
            let name = Name {
                words: ws.into_iter().map(|w| w.lower).collect(),
                gaps,
            };
            if !seen.insert((name.words.clone(), name.gaps.clone())) {
                continue;
            }
            let first = name.words[0].clone();
            names
                .by_first
                .entry(first)
                .or_default()
                .push(names.names.len());
            names.names.push(name);
        }
        names
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Byte ranges of the listed names in `text`, with their genitive or
    /// possessive.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if self.names.is_empty() {
            return out;
        }
        let ws = words(text);
        let mut i = 0;
        while i < ws.len() {
            match self.longest_at(text, &ws, i) {
                Some(end) => {
                    let end = possessive(text, &ws, end);
                    out.push(ws[i].at.start..end);
                    while i < ws.len() && ws[i].at.start < end {
                        i += 1;
                    }
                }
                None => i += 1,
            }
        }
        out
    }

    /// The end (byte) of the longest listed name starting at word `i`,
    /// genitive included.
    fn longest_at(&self, text: &str, ws: &[Word], i: usize) -> Option<usize> {
        let first = &ws[i].lower;
        let exact = self.by_first.get(first).into_iter().flatten();
        // A one-word name with a genitive s: `Olas`.
        let genitive = first
            .strip_suffix('s')
            .and_then(|bare| self.by_first.get(bare))
            .into_iter()
            .flatten()
            .filter(|&&n| self.names[n].words.len() == 1);
        exact
            .chain(genitive)
            .filter_map(|&n| matches(&self.names[n], text, ws, i))
            .max()
    }
}

/// Where `name` ends when it starts at word `i` of `text` (genitive
/// included), if it does.
fn matches(name: &Name, text: &str, ws: &[Word], i: usize) -> Option<usize> {
    let last = name.words.len() - 1;
    let mut genitive_s = false;
    for (k, want) in name.words.iter().enumerate() {
        let w = ws.get(i + k)?;
        if k > 0 && !name.gaps[k - 1].fits(&text[ws[i + k - 1].at.end..w.at.start]) {
            return None;
        }
        if w.lower != *want {
            // Only the last word may carry a genitive s.
            if k == last && w.lower.strip_suffix('s') == Some(want.as_str()) {
                genitive_s = true;
            } else {
                return None;
            }
        }
    }
    let end = ws[i + last].at.end;
    let rest = &text[end..];
    let mut cs = rest.chars();
    let first = cs.next();
    let second = cs.next();
    let third = cs.next();
    let boundary = |c: Option<char>| !c.is_some_and(word_char);
    let ends_in_s = name.words[last].ends_with(['s', 'x', 'z']);
    let extra = match (first, second) {
        // Ola's
        (Some(a), Some('s' | 'S')) if !genitive_s && apostrophe(a) && boundary(third) => {
            a.len_utf8() + 1
        }
        // Olas', Lars'
        (Some(a), _) if apostrophe(a) && (genitive_s || ends_in_s) && boundary(second) => {
            a.len_utf8()
        }
        _ => 0,
    };
    Some(end + extra)
}

/// `end` moved past a possessive word that follows the name (`Ola sin`).
fn possessive(text: &str, ws: &[Word], end: usize) -> usize {
    let Some(next) = ws.get(ws.partition_point(|w| w.at.start < end)) else {
        return end;
    };
    let gap = &text[end..next.at.start];
    if Gap::Space.fits(gap) && POSSESSIVES.contains(&next.lower.as_str()) {
        next.at.end
    } else {
        end
    }
}
