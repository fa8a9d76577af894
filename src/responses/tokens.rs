//! Matching cell text against a question's options: a question's options
//! (values, labels in every language, the built-in `other`/`none` words)
//! in, option indexes out. Case and runs of white space are ignored; multi
//! answers are split by finding known options longest-first between the
//! separators `,` `;` `|` (or reading a JSON array), never by naive comma
//! splitting, so labels that contain commas survive.

use super::cells::trim;
use super::coded::Coded;
use crate::survey::Kind;

const SEPARATORS: [char; 3] = [',', ';', '|'];

/// Built-in words for the implied options, in the survey's likely languages.
const OTHER_WORDS: [&str; 4] = ["other", "annet", "andre", "anna"];
const NONE_WORDS: [&str; 5] = ["none", "none of these", "ingen av disse", "ingen", "inga"];

fn fold_char(c: char) -> char {
    if c.is_whitespace() {
        ' '
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// `s` lowercased with runs of white space made one space, trimmed.
pub fn fold(s: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.trim().chars().map(fold_char) {
        if !(c == ' ' && out.last() == Some(&' ')) {
            out.push(c);
        }
    }
    out
}

/// The options of one choice, multi or ranking question.
#[derive(Debug, Clone, Default)]
pub struct OptionSet {
    /// Every value an answer may take, in option order (then `other`, `none`).
    pub values: Vec<String>,
    /// Folded token → index into `values`, longest first.
    tokens: Vec<(Vec<char>, usize)>,
    /// No token holds a separator, so a cell whose pieces are all option
    /// values splits at its separators alone.
    plain: bool,
}

impl OptionSet {
    pub fn new(kind: &Kind) -> Self {
        let values: Vec<String> = kind.option_values().into_iter().map(String::from).collect();
        let mut tokens: Vec<(Vec<char>, usize)> = Vec::new();
        let mut add = |t: &str, i: usize| {
            let f = fold(t);
            if !f.is_empty() && !tokens.iter().any(|(x, _)| *x == f) {
                tokens.push((f, i));
            }
        };
        for (i, v) in values.iter().enumerate() {
            add(v, i);
        }
        for (i, o) in kind.options().iter().enumerate() {
            for l in o.label.all() {
                add(l, i);
            }
        }
        for (i, v) in values.iter().enumerate() {
            let words: &[&str] = match v.as_str() {
                "other" => &OTHER_WORDS,
                "none" => &NONE_WORDS,
                _ => &[],
            };
            for w in words {
                add(w, i);
            }
        }
        tokens.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
        let plain = !tokens
            .iter()
            .any(|(t, _)| t.iter().any(|c| SEPARATORS.contains(c)));
        OptionSet {
            values,
            tokens,
            plain,
        }
    }

    pub fn index_of(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }

    /// The option a whole cell names.
    pub fn find(&self, s: &str) -> Option<usize> {
        // An option value as written (what the forms post) is its own
        // token: values come first and tokens are distinct.
        if let Some(i) = self.index_of(trim(s)) {
            return Some(i);
        }
        let f = fold(s);
        self.tokens.iter().find(|(t, _)| *t == f).map(|(_, i)| *i)
    }

    /// Split a multi cell whose pieces between separators are all option
    /// values as written, pushing their indexes in order of appearance;
    /// `false` (and nothing pushed) for any other cell. Gives what
    /// [`OptionSet::split`] gives whenever no option's text holds a
    /// separator.
    pub fn split_exact(&self, s: &str, c: &mut Coded) -> bool {
        if !self.plain || s.trim_start().starts_with('[') {
            return false;
        }
        let mark = c.idx_mark();
        for piece in s.split(SEPARATORS) {
            let p = trim(piece);
            if p.is_empty() && piece.chars().all(|ch| ch == ' ') {
                continue;
            }
            match self.index_of(p) {
                Some(i) => c.push_one_idx(i as u32),
                None => {
                    c.idx_truncate(mark);
                    return false;
                }
            }
        }
        true
    }

    /// Split a multi cell: option indexes in order of appearance, and the
    /// pieces that matched no option.
    pub fn split(&self, s: &str) -> (Vec<usize>, Vec<String>) {
        let t = s.trim();
        if t.starts_with('[')
            && let Ok(items) = serde_json::from_str::<Vec<String>>(t)
        {
            let mut found = Vec::new();
            let mut rest = Vec::new();
            for it in items {
                match self.find(&it) {
                    Some(i) => found.push(i),
                    None if it.trim().is_empty() => {}
                    None => rest.push(it.trim().to_string()),
                }
            }
            return (found, rest);
        }
        let orig: Vec<char> = s.chars().collect();
        let f: Vec<char> = orig.iter().map(|&c| fold_char(c)).collect();
        let (mut found, mut rest) = (Vec::new(), Vec::new());
        let mut i = 0;
        loop {
            while i < f.len() && (f[i] == ' ' || SEPARATORS.contains(&f[i])) {
                i += 1;
            }
            if i >= f.len() {
                break;
            }
            if let Some((end, idx)) = self.longest_at(&f, i) {
                found.push(idx);
                i = end;
                continue;
            }
            let stop = self.next_boundary(&f, i);
            let piece: String = orig[i..stop].iter().collect();
            let piece =
                piece.trim_end_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
            rest.push(piece.to_string());
            i = stop;
        }
        (found, rest)
    }

    fn longest_at(&self, f: &[char], i: usize) -> Option<(usize, usize)> {
        self.tokens.iter().find_map(|(tok, idx)| {
            let end = match_at(f, i, tok)?;
            let mut k = end;
            while k < f.len() && f[k] == ' ' {
                k += 1;
            }
            (k == f.len() || SEPARATORS.contains(&f[k])).then_some((end, *idx))
        })
    }

    fn next_boundary(&self, f: &[char], i: usize) -> usize {
        for k in i + 1..f.len() {
            if SEPARATORS.contains(&f[k]) {
                let mut m = k + 1;
                while m < f.len() && f[m] == ' ' {
                    m += 1;
                }
                if m < f.len() && self.longest_at(f, m).is_some() {
                    return k;
                }
            }
        }
        f.len()
    }
}

/// Where `tok` (folded) ends when it matches `f` at `i`; a space in the
/// token matches one or more spaces in the cell.
fn match_at(f: &[char], i: usize, tok: &[char]) -> Option<usize> {
    let mut j = i;
    for &tc in tok {
        if j >= f.len() || f[j] != tc {
            return None;
        }
        j += 1;
        if tc == ' ' {
            while j < f.len() && f[j] == ' ' {
                j += 1;
            }
        }
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Choice, Text};

    fn set(other: bool) -> OptionSet {
        let c = |v: &str, l: &str| Choice {
            value: v.into(),
            label: Text::Plain(l.into()),
        };
        OptionSet::new(&Kind::Multi {
            options: vec![
                c("pay", "Pay"),
                c("pay_benefits", "Pay, benefits"),
                c("work", "Workload"),
                c("team", "Team  spirit"),
            ],
            min: None,
            max: None,
            other,
            none: true,
            shuffle: false,
            pin: vec![],
        })
    }

    #[test]
    fn splits_by_known_options_longest_first() {
        let s = set(true);
        let v = |ix: Vec<usize>| {
            ix.into_iter()
                .map(|i| s.values[i].clone())
                .collect::<Vec<_>>()
        };
        let table: [(&str, &[&str], &[&str]); 9] = [
            ("Workload, Pay", &["work", "pay"], &[]),
            ("Pay, benefits, Workload", &["pay_benefits", "work"], &[]),
            ("pay|work", &["pay", "work"], &[]),
            ("pay;work", &["pay", "work"], &[]),
            ("PAY,team spirit", &["pay", "team"], &[]),
            ("[\"Workload\",\"pay\"]", &["work", "pay"], &[]),
            (
                "Workload, Lang vei, og pay less",
                &["work"],
                &["Lang vei, og pay less"],
            ),
            ("Bad coffee, Pay", &["pay"], &["Bad coffee"]),
            ("None of these", &["none"], &[]),
        ];
        for (cell, want, rest) in table {
            let (found, r) = s.split(cell);
            assert_eq!(v(found), want, "{cell}");
            assert_eq!(r, rest, "{cell}");
        }
        assert_eq!(s.find(" pay, BENEFITS "), Some(1));
        assert_eq!(s.find("Other"), s.index_of("other"));
        assert_eq!(s.find("Salary"), None);
    }
}
