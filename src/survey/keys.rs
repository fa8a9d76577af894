//! The survey format's keys, in one place: which keys each level of a
//! survey file takes (top level, endpoint, anonymity, section, question by
//! type), what kind of value each holds, which are required, and which
//! endpoint keys each service takes. [`crate::survey::schema`] generates the
//! JSON Schema from these tables; validation and the docs can use the same.

/// The kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A user-facing string: plain, or a map language → string.
    Text,
    /// A plain string.
    Str,
    /// A URL (`https://…`).
    Url,
    /// One of these words.
    Enum(&'static [&'static str]),
    Bool,
    /// A whole number at least this.
    Int(i64),
    /// Any number.
    Num,
    /// An identifier (question id, option value, row id): the slug rule.
    Id,
    /// A `show_if` expression.
    Condition,
    /// `[nb, en]`: language codes, at least one, no repeats.
    Languages,
    /// An IANA time zone name.
    TimeZone,
    /// `[min, max]`: two whole numbers.
    Range,
    /// Scale labels: point → text.
    Labels,
    /// Options: a map value → text, or a list of plain labels.
    Options,
    /// Matrix rows: a map row id → text.
    Rows,
    /// A list of option values.
    IdList,
    /// Export header → question id.
    Columns,
    /// Per language: UI string key → text.
    Ui,
    /// Google Forms entries: question id → `entry.N`, or row id → `entry.N`.
    Entries,
    /// The list of sections.
    Sections,
    /// The list of a section's questions.
    Questions,
    /// The endpoint block.
    Endpoint,
    /// The anonymity block.
    Anonymity,
    /// A list of survey fingerprints: 12 to 64 hex digits each.
    Fingerprints,
    /// Expected shares: segment question id → (option value → share in (0, 1]).
    Expected,
}

/// One key of one level.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        required: true,
        doc,
    }
}

const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        required: false,
        doc,
    }
}

/// The scale presets a matrix may name (their labels ship in every language).
pub const SCALE_PRESET_NAMES: &[&str] = &["agree5", "satisfied5", "likely5", "quality5"];

/// The question types, in the order the docs list them.
pub const QUESTION_TYPES: &[&str] = &[
    "text", "number", "date", "choice", "multi", "yesno", "scale", "nps", "matrix", "ranking",
    "info",
];

/// The services an endpoint may post to.
pub const SERVICES: &[&str] = &[
    "formspree",
    "netlify",
    "getform",
    "basin",
    "web3forms",
    "formsubmit",
    "google-forms",
    "url",
];

/// Question ids that form services or farvel treat specially.
pub const RESERVED_IDS: &[&str] = &[
    "email",
    "name",
    "_replyto",
    "_subject",
    "_next",
    "redirect",
    "form-name",
    "access_key",
    "botcheck",
    "id",
    "date",
    "sealed",
];

/// The slug rule for ids, option values and row ids.
pub const ID_PATTERN: &str = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$";

/// A survey fingerprint as `accept_fingerprints` and
/// `--accept-fingerprint` take it: the short form (12 hex digits, as the
/// page posts it in `_survey`) up to the whole (64).
pub const FINGERPRINT_PATTERN: &str = "^[0-9a-fA-F]{12,64}$";

/// Whether `s` is a fingerprint by [`FINGERPRINT_PATTERN`].
pub fn is_fingerprint(s: &str) -> bool {
    (12..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub const TOP_KEYS: &[Key] = &[
    opt("id", Ty::Str, "The survey id; defaults to the file name."),
    opt(
        "languages",
        Ty::Languages,
        "Page languages, the first being the default (default [en]).",
    ),
    opt(
        "timezone",
        Ty::TimeZone,
        "IANA time zone used to place submissions in periods (default UTC).",
    ),
    req("title", Ty::Text, "The survey's title."),
    opt(
        "intro",
        Ty::Text,
        "Markdown shown above the first question.",
    ),
    opt("thanks", Ty::Text, "Markdown shown after submitting."),
    opt(
        "custodian",
        Ty::Text,
        "Who receives the raw answers (not HR, not the manager).",
    ),
    req("endpoint", Ty::Endpoint, "Where the form posts."),
    opt(
        "anonymity",
        Ty::Anonymity,
        "Thresholds that keep report figures anonymous.",
    ),
    opt(
        "columns",
        Ty::Columns,
        "Export header → question id, for headers that match nothing else.",
    ),
    opt(
        "ui",
        Ty::Ui,
        "Per language: UI strings farvel doesn't ship, or overrides.",
    ),
    opt(
        "collection",
        Ty::Enum(&["plain", "sealed"]),
        "plain (default) or sealed responses.",
    ),
    opt(
        "public_key",
        Ty::Str,
        "The custodian's public key, for sealed responses.",
    ),
    opt(
        "accept_fingerprints",
        Ty::Fingerprints,
        "Fingerprints of earlier versions whose answers are read as this version's.",
    ),
    req("sections", Ty::Sections, "The survey's sections, in order."),
];

pub const ENDPOINT_KEYS: &[Key] = &[
    req("service", Ty::Enum(SERVICES), "The form service."),
    opt("url", Ty::Url, "The address the form posts to."),
    opt(
        "form_name",
        Ty::Str,
        "netlify: the form's name (default: the survey id).",
    ),
    opt("access_key", Ty::Str, "web3forms: the access key."),
    opt(
        "entries",
        Ty::Entries,
        "google-forms: question id → entry.N (a matrix: row → entry.N).",
    ),
    opt(
        "labels_language",
        Ty::Str,
        "google-forms: the language whose labels the Google form uses.",
    ),
    opt(
        "multi",
        Ty::Enum(&["repeat", "brackets", "split"]),
        "url: how multi answers are sent (default split).",
    ),
    opt(
        "thanks_url",
        Ty::Url,
        "Our own thank-you page to go to after submitting.",
    ),
    opt(
        "honeypot",
        Ty::Bool,
        "false turns off the spam honeypot field.",
    ),
];

/// Per service: the endpoint keys it requires, and the ones it also takes
/// (beyond `service`, `thanks_url` and `honeypot`, which every service takes).
pub const SERVICE_KEYS: &[(&str, &[&str], &[&str])] = &[
    ("formspree", &["url"], &[]),
    ("netlify", &[], &["form_name"]),
    ("getform", &["url"], &[]),
    ("basin", &["url"], &[]),
    ("web3forms", &["access_key"], &[]),
    ("formsubmit", &["url"], &[]),
    ("google-forms", &["url", "entries"], &["labels_language"]),
    ("url", &["url"], &["multi"]),
];

/// Endpoint keys every service takes.
pub const ENDPOINT_COMMON: &[&str] = &["service", "thanks_url", "honeypot"];

pub const ANONYMITY_KEYS: &[Key] = &[
    opt(
        "min_group",
        Ty::Int(5),
        "The smallest group any report figure may describe (default 5, at least 5).",
    ),
    opt(
        "expected_respondents",
        Ty::Int(1),
        "How many answers you expect, to warn about small segments.",
    ),
    opt(
        "expected",
        Ty::Expected,
        "Per segment question: option value → expected share of respondents (for `farvel plan`).",
    ),
];

pub const SECTION_KEYS: &[Key] = &[
    opt("title", Ty::Text, "The section's heading."),
    opt("intro", Ty::Text, "Markdown shown under the heading."),
    req(
        "questions",
        Ty::Questions,
        "The section's questions, in order.",
    ),
];

/// Keys every question type but `info` takes.
pub const QUESTION_COMMON: &[Key] = &[
    req(
        "id",
        Ty::Id,
        "The question's id: the field name in the export.",
    ),
    req("type", Ty::Enum(QUESTION_TYPES), "The question type."),
    req("text", Ty::Text, "The question as the respondent reads it."),
    opt("hint", Ty::Text, "Markdown shown under the question."),
    opt(
        "required",
        Ty::Bool,
        "An answer is needed (only when the question is shown).",
    ),
    opt(
        "show_if",
        Ty::Condition,
        "Show the question only when this condition holds.",
    ),
    opt(
        "key",
        Ty::Bool,
        "A headline question for the report's summary.",
    ),
];

/// The keys an `info` block takes.
pub const INFO_KEYS: &[Key] = &[
    opt("id", Ty::Id, "The block's id (optional)."),
    req("type", Ty::Enum(QUESTION_TYPES), "The question type."),
    req("text", Ty::Text, "The Markdown shown to the respondent."),
    opt(
        "show_if",
        Ty::Condition,
        "Show the block only when this condition holds.",
    ),
];

const SEGMENT: Key = opt(
    "segment",
    Ty::Bool,
    "Results may be broken down by this question.",
);
const OPTIONS: Key = req(
    "options",
    Ty::Options,
    "value: label, or a list of labels (one-language surveys).",
);
const OTHER: Key = opt("other", Ty::Bool, "Adds an option `other` with a text box.");
const SHUFFLE: Key = opt("shuffle", Ty::Bool, "Shows the options in random order.");
const PIN: Key = opt(
    "pin",
    Ty::IdList,
    "Option values that keep their place when shuffled.",
);
const POLARITY: Key = opt(
    "polarity",
    Ty::Enum(&["positive", "negative"]),
    "negative: a high value is bad news.",
);
const RANGE: Key = opt(
    "range",
    Ty::Range,
    "[lowest, highest] point (default [1, 5]).",
);
const LABELS: Key = opt(
    "labels",
    Ty::Labels,
    "Labels of the end points, or of every point.",
);

/// Per question type: the keys it takes beyond [`QUESTION_COMMON`].
pub const TYPE_KEYS: &[(&str, &[Key])] = &[
    (
        "text",
        &[
            opt("multiline", Ty::Bool, "A text area instead of one line."),
            opt("min_length", Ty::Int(0), "The fewest characters allowed."),
            opt("max_length", Ty::Int(1), "The most characters allowed."),
            opt(
                "pattern",
                Ty::Str,
                "A regular expression the whole answer must match.",
            ),
            opt(
                "pattern_message",
                Ty::Text,
                "What to tell the respondent when the pattern fails.",
            ),
        ],
    ),
    (
        "number",
        &[
            opt("min", Ty::Num, "The lowest number allowed."),
            opt("max", Ty::Num, "The highest number allowed."),
            opt("step", Ty::Num, "The step between allowed numbers."),
            opt("integer", Ty::Bool, "Whole numbers only."),
        ],
    ),
    (
        "date",
        &[opt(
            "precision",
            Ty::Enum(&["day", "month"]),
            "day (default) or month (month and year only).",
        )],
    ),
    (
        "choice",
        &[
            OPTIONS,
            opt(
                "display",
                Ty::Enum(&["dropdown"]),
                "dropdown: a select instead of radio buttons.",
            ),
            OTHER,
            SHUFFLE,
            PIN,
            SEGMENT,
        ],
    ),
    (
        "multi",
        &[
            OPTIONS,
            opt("min", Ty::Int(0), "The fewest options to tick."),
            opt("max", Ty::Int(1), "The most options to tick."),
            OTHER,
            opt("none", Ty::Bool, "Adds an exclusive option `none`."),
            SHUFFLE,
            PIN,
        ],
    ),
    ("yesno", &[SEGMENT]),
    ("scale", &[RANGE, LABELS, POLARITY]),
    ("nps", &[]),
    (
        "matrix",
        &[
            req(
                "rows",
                Ty::Rows,
                "row id: statement, each rated on the shared scale.",
            ),
            opt(
                "scale",
                Ty::Enum(SCALE_PRESET_NAMES),
                "A built-in scale with labels in every shipped language.",
            ),
            RANGE,
            LABELS,
            POLARITY,
        ],
    ),
    ("ranking", &[OPTIONS]),
    ("info", &[]),
];

/// Every key a question of this type takes (common keys first); `None` for
/// an unknown type.
pub fn question_keys(ty: &str) -> Option<Vec<Key>> {
    if ty == "info" {
        return Some(INFO_KEYS.to_vec());
    }
    let (_, extra) = TYPE_KEYS.iter().find(|(t, _)| *t == ty)?;
    Some(
        QUESTION_COMMON
            .iter()
            .chain(extra.iter())
            .copied()
            .collect(),
    )
}

/// The endpoint keys `service` takes, and those it requires.
pub fn service_keys(service: &str) -> Option<(Vec<&'static str>, &'static [&'static str])> {
    let (_, required, optional) = SERVICE_KEYS.iter().find(|(s, _, _)| *s == service)?;
    let mut all: Vec<&'static str> = ENDPOINT_COMMON.to_vec();
    all.extend(required.iter().chain(optional.iter()));
    Some((all, required))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_agree_with_each_other() {
        let typed: Vec<&str> = TYPE_KEYS.iter().map(|(t, _)| *t).collect();
        assert_eq!(typed, QUESTION_TYPES);
        let services: Vec<&str> = SERVICE_KEYS.iter().map(|(s, _, _)| *s).collect();
        assert_eq!(services, SERVICES);
        for (s, req, opt) in SERVICE_KEYS {
            for k in req.iter().chain(opt.iter()) {
                assert!(ENDPOINT_KEYS.iter().any(|e| e.name == *k), "{s}: {k}");
            }
        }
        let presets: Vec<&str> = crate::survey::SCALE_PRESETS.iter().map(|p| p.0).collect();
        assert_eq!(presets, SCALE_PRESET_NAMES);
        let model: Vec<&str> = crate::survey::Service::ALL
            .iter()
            .map(|s| s.name())
            .collect();
        assert_eq!(model, SERVICES);
    }

    #[test]
    fn lookups() {
        let choice = question_keys("choice").unwrap_or_default();
        assert!(choice.iter().any(|k| k.name == "segment"));
        assert!(
            !question_keys("scale")
                .unwrap_or_default()
                .iter()
                .any(|k| k.name == "segment")
        );
        assert!(question_keys("slider").is_none());
        let (all, req) = service_keys("google-forms").unwrap_or_default();
        assert_eq!(req, ["url", "entries"]);
        assert!(all.contains(&"labels_language") && !all.contains(&"access_key"));
    }
}
