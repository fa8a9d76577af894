//! The validated survey model: what every later stage (form, responses,
//! report) works from. Built by [`crate::survey::load_survey`] from a file
//! that has already passed validation, so its invariants hold: ids are
//! unique slugs, every string has every language, ranges are sane and every
//! condition refers to an earlier question of a fitting type.

use std::collections::BTreeMap;
use std::path::PathBuf;

use indexmap::IndexMap;

use crate::survey::expr::Expr;

/// A user-facing string: one text for a one-language survey, or one per
/// language. After validation a `Map` holds every language of the survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Plain(String),
    Map(BTreeMap<String, String>),
}

impl Text {
    /// The text in `lang`. A plain text is the same in every language; a map
    /// missing `lang` (impossible after validation) yields the empty string.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Map(m) => m.get(lang).map(String::as_str).unwrap_or(""),
        }
    }

    /// Every translation of this text (one element for a plain text).
    pub fn all(&self) -> Vec<&str> {
        match self {
            Text::Plain(s) => vec![s.as_str()],
            Text::Map(m) => m.values().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Survey {
    /// The survey id (a slug); defaults to the file stem.
    pub id: String,
    /// The file it was loaded from.
    pub path: PathBuf,
    /// Languages, the first being the default page language.
    pub languages: Vec<String>,
    /// IANA time zone used to place submissions in periods.
    pub timezone: chrono_tz::Tz,
    pub title: Text,
    pub intro: Option<Text>,
    pub thanks: Option<Text>,
    pub custodian: Option<Text>,
    pub endpoint: Endpoint,
    pub anonymity: Anonymity,
    /// Export header → question id (or `question__row`, `question_other`).
    pub columns: BTreeMap<String, String>,
    /// Per language: UI string key → text, overriding or adding to the
    /// strings farvel ships.
    pub ui: BTreeMap<String, BTreeMap<String, String>>,
    pub collection: Collection,
    /// The custodian's public key (sealed collection), as written in the file.
    pub public_key: Option<String>,
    /// Fingerprints (lowercase hex, 12 to 64 digits) of earlier versions of
    /// the survey whose answers are read as this version's.
    pub accept_fingerprints: Vec<String>,
    pub sections: Vec<Section>,
    /// sha256 over the canonical structure (see [`crate::survey::fingerprint`]), hex.
    pub fingerprint: String,
}

impl Survey {
    /// Every question in survey order, sections flattened.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The first 12 hex digits of the fingerprint, as the page sends it in `_survey`.
    pub fn short_fingerprint(&self) -> &str {
        &self.fingerprint[..12.min(self.fingerprint.len())]
    }

    pub fn default_language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("en")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Collection {
    #[default]
    Plain,
    Sealed,
}

#[derive(Debug, Clone)]
pub struct Anonymity {
    /// k: the smallest group any report figure may describe (≥ 5).
    pub min_group: u32,
    pub expected_respondents: Option<u32>,
    /// Segment question id → option value → the share of respondents
    /// expected to give it (`farvel plan`); each in (0, 1], at most 1 in
    /// all, the rest "not answered".
    pub expected: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Default for Anonymity {
    fn default() -> Self {
        Anonymity {
            min_group: 5,
            expected_respondents: None,
            expected: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub title: Option<Text>,
    pub intro: Option<Text>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub text: Text,
    pub hint: Option<Text>,
    pub required: bool,
    pub show_if: Option<Condition>,
    pub segment: bool,
    pub key: bool,
    pub kind: Kind,
}

impl Question {
    /// Whether this question collects an answer (everything but `info`).
    pub fn is_answerable(&self) -> bool {
        !matches!(self.kind, Kind::Info)
    }
}

/// A parsed and type-checked `show_if`.
#[derive(Debug, Clone)]
pub struct Condition {
    pub source: String,
    pub expr: Expr,
}

/// An option of a choice, multi or ranking question.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Polarity {
    #[default]
    Positive,
    Negative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatePrecision {
    #[default]
    Day,
    Month,
}

/// A rating scale shared by `scale` and `matrix`.
#[derive(Debug, Clone)]
pub struct Scale {
    /// Lowest and highest point, inclusive.
    pub min: i64,
    pub max: i64,
    /// Labels by point (end points or every point).
    pub labels: BTreeMap<i64, Text>,
    /// The preset it came from, if any (`agree5`, …); its labels are then
    /// the UI strings `scale.<preset>.<point>` of the page's language.
    pub preset: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        multiline: bool,
        min_length: Option<u32>,
        max_length: Option<u32>,
        pattern: Option<String>,
        pattern_message: Option<Text>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        step: Option<f64>,
        integer: bool,
    },
    Date {
        precision: DatePrecision,
    },
    Choice {
        options: Vec<Choice>,
        dropdown: bool,
        other: bool,
        shuffle: bool,
        pin: Vec<String>,
    },
    Multi {
        options: Vec<Choice>,
        min: Option<u32>,
        max: Option<u32>,
        other: bool,
        none: bool,
        shuffle: bool,
        pin: Vec<String>,
    },
    YesNo,
    Scale {
        scale: Scale,
        polarity: Polarity,
    },
    Nps,
    Matrix {
        rows: IndexMap<String, Text>,
        scale: Scale,
        polarity: Polarity,
    },
    Ranking {
        options: Vec<Choice>,
    },
    Info,
}

impl Kind {
    /// The type name as written in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text { .. } => "text",
            Kind::Number { .. } => "number",
            Kind::Date { .. } => "date",
            Kind::Choice { .. } => "choice",
            Kind::Multi { .. } => "multi",
            Kind::YesNo => "yesno",
            Kind::Scale { .. } => "scale",
            Kind::Nps => "nps",
            Kind::Matrix { .. } => "matrix",
            Kind::Ranking { .. } => "ranking",
            Kind::Info => "info",
        }
    }

    /// The declared options (choice, multi, ranking), without the implied
    /// `other` and `none`.
    pub fn options(&self) -> &[Choice] {
        match self {
            Kind::Choice { options, .. }
            | Kind::Multi { options, .. }
            | Kind::Ranking { options } => options,
            _ => &[],
        }
    }

    /// Every value an answer may take for choice/multi: declared options,
    /// then `other` and `none` where allowed.
    pub fn option_values(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.options().iter().map(|c| c.value.as_str()).collect();
        match self {
            Kind::Choice { other: true, .. } => v.push("other"),
            Kind::Multi { other, none, .. } => {
                if *other {
                    v.push("other");
                }
                if *none {
                    v.push("none");
                }
            }
            _ => {}
        }
        v
    }

    pub fn allows_other(&self) -> bool {
        matches!(
            self,
            Kind::Choice { other: true, .. } | Kind::Multi { other: true, .. }
        )
    }
}

/// The endpoint block.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub service: Service,
    pub url: Option<String>,
    pub form_name: Option<String>,
    pub access_key: Option<String>,
    /// google-forms: question id → `entry.N`, or for a matrix row id → `entry.N`.
    pub entries: BTreeMap<String, EntryRef>,
    pub labels_language: Option<String>,
    /// url: how multi answers are sent.
    pub multi: Option<MultiEncoding>,
    pub thanks_url: Option<String>,
    pub honeypot: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryRef {
    Entry(String),
    Rows(BTreeMap<String, String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Formspree,
    Netlify,
    Getform,
    Basin,
    Web3forms,
    Formsubmit,
    GoogleForms,
    Url,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::Formspree,
        Service::Netlify,
        Service::Getform,
        Service::Basin,
        Service::Web3forms,
        Service::Formsubmit,
        Service::GoogleForms,
        Service::Url,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Formspree => "formspree",
            Service::Netlify => "netlify",
            Service::Getform => "getform",
            Service::Basin => "basin",
            Service::Web3forms => "web3forms",
            Service::Formsubmit => "formsubmit",
            Service::GoogleForms => "google-forms",
            Service::Url => "url",
        }
    }

    pub fn from_name(s: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|x| x.name() == s)
    }
}

/// How a multi-choice answer travels in the POST body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultiEncoding {
    /// The same name repeated once per ticked option.
    Repeat,
    /// `name[]` repeated.
    Brackets,
    /// One field per option: `q__value=1`.
    Split,
    /// One field, values joined with `,` by the page's script.
    Comma,
}
