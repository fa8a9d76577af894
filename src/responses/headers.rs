//! Header mapping: a survey (plus an optional `--map` file) and a file's
//! header cells in, what each column holds out ([`Target`]). The order is:
//! the explicit `columns:` map; the exact field name (`q`, `q[]`, `q__value`,
//! `q__row`, `q_other`, `q__year`/`q__month`), also ignoring case; service
//! metadata (dropped); the question text in any language (ignoring case,
//! white space, trailing punctuation, then a trailing parenthetical when
//! that gives one question), and Google's grid columns `Title [Row]`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::{Error, Result};
use crate::survey::{Kind, Question, Survey};

use super::tokens::fold;
use super::values::QInfo;

/// What a column (or a posted field) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The question's value(s); index into [`Catalog::questions`].
    Main(usize),
    /// One field per option (multi tick or ranking place).
    Option(usize, usize),
    Other(usize),
    Row(usize, usize),
    Year(usize),
    Month(usize),
    Meta(Meta),
}

/// Service metadata, used (time, id, nonce, fingerprint, period) or not, and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Meta {
    Time,
    Id,
    Nonce,
    Fingerprint,
    Period,
    /// A sealed response (issue 7): one envelope holding every field.
    Sealed,
    Dropped,
}

/// The survey's questions prepared for reading, and the lookups from
/// field names and texts to them.
pub struct Catalog<'s> {
    pub survey: &'s Survey,
    pub questions: Vec<QInfo<'s>>,
    /// Which questions a respondent was shown, compiled once.
    pub conditions: super::conditions::Conditions<'s>,
    /// Position in `survey.questions()` → index into `questions`.
    pub at_position: Vec<Option<usize>>,
    /// Index into `questions` → position in `survey.questions()`.
    pub position: Vec<usize>,
    /// Indexes into `questions`, sorted by question id: of the multi
    /// questions, and of the questions with a condition.
    pub multi_by_name: Vec<usize>,
    pub conditional_by_name: Vec<usize>,
    by_id: foldhash::HashMap<&'s str, usize>,
    /// Fingerprints of earlier versions read as this one's (lowercase):
    /// the survey's `accept_fingerprints`, then `--accept-fingerprint`.
    accepted: Vec<String>,
    explicit: BTreeMap<String, Target>,
    titles: HashMap<Vec<char>, BTreeSet<usize>>,
    stripped: HashMap<Vec<char>, BTreeSet<usize>>,
}

/// A title compared loosely: folded, trailing punctuation removed.
fn loose(s: &str) -> Vec<char> {
    let mut f = fold(s);
    while f.last().is_some_and(|c| "?:.!*…？：。 ".contains(*c)) {
        f.pop();
    }
    f
}

/// A title without a trailing parenthetical such as "(1–5)".
fn without_parenthetical(s: &str) -> Option<&str> {
    let t = s.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let open = t.rfind('(')?;
    Some(&t[..open])
}

impl<'s> Catalog<'s> {
    /// The prepared question with this id.
    pub fn info(&self, id: &str) -> Option<&QInfo<'s>> {
        self.by_id.get(id).map(|&i| &self.questions[i])
    }

    /// Prepare `survey`; `extra` is the `--map` file's header → target map.
    pub fn new(survey: &'s Survey, extra: &BTreeMap<String, String>) -> Result<Self> {
        let questions: Vec<QInfo> = survey
            .questions()
            .filter(|q| q.is_answerable())
            .map(QInfo::new)
            .collect();
        let by_id = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.q.id.as_str(), i))
            .collect();
        let at_position: Vec<Option<usize>> = survey
            .questions()
            .scan(0, |n, q| {
                Some(q.is_answerable().then(|| {
                    *n += 1;
                    *n - 1
                }))
            })
            .collect();
        let position = (0..at_position.len())
            .filter(|&p| at_position[p].is_some())
            .collect();
        let mut by_name: Vec<usize> = (0..questions.len()).collect();
        by_name.sort_by(|&a, &b| questions[a].q.id.cmp(&questions[b].q.id));
        let having = |f: &dyn Fn(&Question) -> bool| -> Vec<usize> {
            by_name
                .iter()
                .copied()
                .filter(|&i| f(questions[i].q))
                .collect()
        };
        let multi_by_name = having(&|q| matches!(q.kind, Kind::Multi { .. }));
        let conditional_by_name = having(&|q| q.show_if.is_some());
        let mut c = Catalog {
            survey,
            questions,
            conditions: Default::default(),
            at_position,
            position,
            multi_by_name,
            conditional_by_name,
            by_id,
            accepted: survey.accept_fingerprints.clone(),
            explicit: BTreeMap::new(),
            titles: HashMap::new(),
            stripped: HashMap::new(),
        };
        for (i, info) in c.questions.iter().enumerate() {
            for t in info.q.text.all() {
                c.titles.entry(loose(t)).or_default().insert(i);
                let s = without_parenthetical(t).map_or_else(|| loose(t), loose);
                c.stripped.entry(s).or_default().insert(i);
            }
        }
        for (header, target) in survey.columns.iter().chain(extra) {
            let t = c.resolve_field(target).ok_or_else(|| {
                Error::msg(format!(
                    "the column map sends '{}' to '{}', but {} has no such question, matrix row (q__row) or other-text (q_other)",
                    crate::diag::escape_controls(header),
                    crate::diag::escape_controls(target),
                    survey.path.display()
                ))
            })?;
            c.explicit.insert(header.trim().to_string(), t);
        }
        c.conditions = super::conditions::Conditions::new(&c);
        Ok(c)
    }

    /// Accept these fingerprints (12 to 64 hex digits) too.
    pub fn accept(&mut self, fingerprints: &[String]) {
        self.accepted
            .extend(fingerprints.iter().map(|f| f.to_ascii_lowercase()));
    }

    /// The accepted fingerprints of earlier versions (lowercase).
    pub fn accepted(&self) -> &[String] {
        &self.accepted
    }

    /// Which version of the survey a row's `_survey` cell `f` (trimmed,
    /// not blank) names: this one when it is a prefix of the fingerprint
    /// of at least 12 digits, in either case; an accepted one when it and
    /// an accepted fingerprint agree on their first 12 digits or more;
    /// `None` for any other version.
    pub fn version_of(&self, f: &str) -> Option<super::row::Version> {
        use super::row::Version;
        let fp = self.survey.fingerprint.as_bytes();
        let f = f.as_bytes();
        // Written as drawn (lowercase) most often: compared byte for byte first.
        let agree = |a: &[u8], b: &[u8]| a == b || a.eq_ignore_ascii_case(b);
        if f.len() >= 12 && fp.get(..f.len()).is_some_and(|p| agree(p, f)) {
            return Some(Version::This);
        }
        self.accepted
            .iter()
            .any(|a| {
                let n = a.len().min(f.len());
                n >= 12 && agree(&a.as_bytes()[..n], &f[..n])
            })
            .then_some(Version::Accepted)
    }

    fn question(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The target of a form field name: `q`, `q[]`, `q__value`, `q__row`,
    /// `q_other`, `q__year`, `q__month`, or a metadata name.
    pub fn resolve_field(&self, name: &str) -> Option<Target> {
        let name = name.trim();
        if let Some(i) = self.question(name.strip_suffix("[]").unwrap_or(name)) {
            return Some(Target::Main(i));
        }
        if let Some((id, rest)) = name.split_once("__")
            && let Some(i) = self.question(id)
        {
            let kind = &self.questions[i].q.kind;
            let rest = rest.strip_suffix("[]").unwrap_or(rest);
            return match kind {
                Kind::Multi { .. } | Kind::Ranking { .. } => self.questions[i]
                    .opts
                    .index_of(rest)
                    .map(|o| Target::Option(i, o)),
                Kind::Matrix { rows, .. } => rows.get_index_of(rest).map(|r| Target::Row(i, r)),
                Kind::Date { .. } if rest == "year" => Some(Target::Year(i)),
                Kind::Date { .. } if rest == "month" => Some(Target::Month(i)),
                _ => None,
            };
        }
        if let Some(id) = name.strip_suffix("_other")
            && let Some(i) = self.question(id)
            && self.questions[i].q.kind.allows_other()
        {
            return Some(Target::Other(i));
        }
        None
    }

    /// The target of an export's header cell (see the module doc for the order).
    pub fn map_header(&self, header: &str) -> Option<Target> {
        let h = header.trim();
        if let Some(t) = self.explicit.get(h) {
            return Some(*t);
        }
        if let Some(t) = self.resolve_field(h) {
            return Some(t);
        }
        if let Some(m) = meta_of(h) {
            return Some(Target::Meta(m));
        }
        if let Some(t) = self.resolve_field(&h.to_lowercase()) {
            return Some(t);
        }
        self.by_title(h)
    }

    fn unique(map: &HashMap<Vec<char>, BTreeSet<usize>>, key: &[char]) -> Option<usize> {
        match map.get(key) {
            Some(set) if set.len() == 1 => set.first().copied(),
            _ => None,
        }
    }

    fn by_title(&self, h: &str) -> Option<Target> {
        if let Some(i) = Self::unique(&self.titles, &loose(h)) {
            return Some(Target::Main(i));
        }
        let s = without_parenthetical(h).map_or_else(|| loose(h), loose);
        if let Some(i) = Self::unique(&self.stripped, &s) {
            return Some(Target::Main(i));
        }
        // Google Sheets grids: `Title [Row]`.
        let inner = h.strip_suffix(']')?;
        let open = inner.rfind('[')?;
        let (title, row) = (&inner[..open], loose(&inner[open + 1..]));
        let t = loose(title);
        let candidates: Vec<usize> = [&self.titles, &self.stripped]
            .iter()
            .filter_map(|m| m.get(&t))
            .flatten()
            .copied()
            .filter(|i| matches!(self.questions[*i].q.kind, Kind::Matrix { .. }))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let [i] = candidates[..] else { return None };
        let Kind::Matrix { rows, .. } = &self.questions[i].q.kind else {
            return None;
        };
        rows.iter()
            .position(|(id, text)| loose(id) == row || text.all().iter().any(|l| loose(l) == row))
            .map(|r| Target::Row(i, r))
    }
}

/// Service metadata column names (compared ignoring case).
pub fn meta_of(name: &str) -> Option<Meta> {
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "date" | "_date" | "created_at" | "timestamp" | "tidsmerke" | "tidsstempel"
        | "submitted_at" | "submitted_on" | "submission date" | "submitted" | "time" => Meta::Time,
        "id" | "_id" | "submission_id" | "uuid" => Meta::Id,
        "_nonce" => Meta::Nonce,
        "_survey" => Meta::Fingerprint,
        "_period" => Meta::Period,
        "sealed" => Meta::Sealed,
        "ip"
        | "ip_address"
        | "ip address"
        | "user_agent"
        | "user-agent"
        | "user agent"
        | "referrer"
        | "referer"
        | "form-name"
        | "form_name"
        | "_subject"
        | "_next"
        | "_cc"
        | "_replyto"
        | "_gotcha"
        | "bot-field"
        | "botcheck"
        | "_honey"
        | "_captcha"
        | "_format"
        | "_language"
        | "_template"
        | "_autoresponse"
        | "_url"
        | "access_key"
        | "redirect"
        | "email"
        | "e-mail"
        | "email address"
        | "e-postadresse"
        | "g-recaptcha-response"
        | "h-captcha-response"
        | "cf-turnstile-response"
        | "pagehistory"
        | "fvv" => Meta::Dropped,
        _ if n.contains("honeypot") => Meta::Dropped,
        _ => return None,
    })
}

/// Read a `--map` file: a YAML map of header → target, either at the top
/// level or under `columns:`.
pub fn load_map(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = crate::fsutil::read_to_string(path)?;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum MapFile {
        Wrapped { columns: BTreeMap<String, String> },
        Flat(BTreeMap<String, String>),
    }
    let parsed: MapFile =
        serde_yaml::from_str(&text).map_err(|e| Error::msg(format!("{}: {e}", path.display())))?;
    Ok(match parsed {
        MapFile::Wrapped { columns } => columns,
        MapFile::Flat(m) => m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/full.yaml");
        crate::survey::load_survey(&p).unwrap_or_else(|e| panic!("full.yaml: {e}"))
    }

    #[test]
    fn headers_map_in_the_documented_order() {
        let s = survey();
        let extra: BTreeMap<String, String> = [("Stay?".to_string(), "stay".to_string())]
            .into_iter()
            .collect();
        let c = Catalog::new(&s, &extra).unwrap_or_else(|e| panic!("{e}"));
        let id = |q: &str| c.question(q).unwrap_or(usize::MAX);
        let table: Vec<(&str, Option<Target>)> = vec![
            ("Legacy team column", Some(Target::Main(id("team")))),
            ("Stay?", Some(Target::Main(id("stay")))),
            ("reasons", Some(Target::Main(id("reasons")))),
            ("reasons[]", Some(Target::Main(id("reasons")))),
            ("reasons__hours", Some(Target::Option(id("reasons"), 1))),
            ("reasons_other", Some(Target::Other(id("reasons")))),
            ("grid__training", Some(Target::Row(id("grid"), 1))),
            ("order__c", Some(Target::Option(id("order"), 2))),
            ("start__month", Some(Target::Month(id("start")))),
            ("TEAM", Some(Target::Main(id("team")))),
            ("Timestamp", Some(Target::Meta(Meta::Time))),
            ("created_at", Some(Target::Meta(Meta::Time))),
            ("_nonce", Some(Target::Meta(Meta::Nonce))),
            ("E-postadresse", Some(Target::Meta(Meta::Dropped))),
            ("my_honeypot", Some(Target::Meta(Meta::Dropped))),
            ("  why did YOU leave  ", Some(Target::Main(id("reasons")))),
            ("Hvorfor sluttet du?", Some(Target::Main(id("reasons")))),
            ("Anbefale oss? (0–10)", Some(Target::Main(id("enps")))),
            ("Rate these [Training]", Some(Target::Row(id("grid"), 1))),
            ("Vurder disse [verktøy]", Some(Target::Row(id("grid"), 0))),
            ("Rate these [Coffee]", None),
            ("team__red", None),
            ("favourite colour", None),
        ];
        for (h, want) in table {
            assert_eq!(c.map_header(h), want, "{h}");
        }
    }

    #[test]
    fn fingerprints_name_this_version_an_accepted_one_or_another() {
        use crate::responses::row::Version;
        let s = survey();
        let mut c = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        c.accept(&["AAAAAAAAAAAA".to_string(), "b".repeat(64)]);
        let fp = s.fingerprint.clone();
        let table: Vec<(String, Option<Version>)> = vec![
            (fp[..12].to_string(), Some(Version::This)),
            (fp[..12].to_uppercase(), Some(Version::This)),
            (fp.clone(), Some(Version::This)),
            (fp[..11].to_string(), None),
            (format!("{fp}0"), None),
            ("aaaaaaaaaaaa".into(), Some(Version::Accepted)),
            ("aaaaaaaaaaaa0123".into(), Some(Version::Accepted)),
            ("aaaaaaaaaaa".into(), None),
            ("bbbbbbbbbbbb".into(), Some(Version::Accepted)),
            ("cccccccccccc".into(), None),
            ("not hex at all".into(), None),
        ];
        for (f, want) in table {
            assert_eq!(c.version_of(&f), want, "{f}");
        }
    }

    #[test]
    fn a_map_to_nothing_is_an_error() {
        let s = survey();
        let extra: BTreeMap<String, String> = [("X".to_string(), "nosuch".to_string())]
            .into_iter()
            .collect();
        let e = Catalog::new(&s, &extra)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("'X' to 'nosuch'"), "{e}");
    }
}
