//! The custodian's review of free text (`docs/custodians.md`, "Reviewing
//! free text").
//!
//! `farvel review` writes every free-text answer (text questions, and the
//! write-ins under "Other" of choice and multi questions that are not
//! segments), scrubbed as the report scrubs it, into a YAML file
//! ([`ReviewFile`]) keyed by the hash the report orders verbatims by:
//! sha256(fingerprint, question id, text) of the original text. The
//! custodian sets `publish: no`, edits `text:` or adds `themes:`; running
//! `review` again keeps those decisions ([`merge`]) and adds new texts.
//!
//! `farvel report` reads the file into [`Decisions`]; the aggregation
//! applies them (see [`super::aggregate::Verbatims`]): a withheld text is
//! counted and never kept, a kept text is the file's version, and the
//! themes of a text question's answers are counted. Theme counts are
//! figures: [`theme_count_shown`] says when one may be printed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

use super::aggregate::{Aggregated, Aggregator};
use super::text::Lang;
use super::verbatim::{Removed, Scrubber};
use crate::error::{Error, Result};
use crate::responses::{Catalog, Coded};
use crate::survey::model::{Kind, Survey};

/// The `format` of a review file.
pub const FORMAT: &str = "farvel-review/1";

/// Where `review` writes and `report` looks when no path is given.
pub fn default_path(survey_id: &str) -> PathBuf {
    Path::new("reports").join(format!("{survey_id}.review.yaml"))
}

/// A review file, as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewFile {
    pub format: String,
    /// The survey id.
    pub survey: String,
    /// The survey's fingerprint when the file was last written: the
    /// hashes of texts read then are over it.
    pub fingerprint: String,
    /// The language of the replacement texts (`[e-mail removed]`).
    pub lang: String,
    #[serde(default)]
    pub questions: Vec<QuestionTexts>,
}

/// One question's free texts of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionTexts {
    pub question: String,
    pub kind: TextKind,
    /// The question's text, for orientation only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub asked: String,
    #[serde(default)]
    pub texts: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    /// The answer to a text question.
    Text,
    /// A write-in under "Other" of a choice or multi question.
    Other,
}

/// One distinct text and the custodian's decision about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// sha256(fingerprint, question id, original text), hex.
    pub hash: String,
    /// How many gave exactly this text (in the exports last reviewed).
    #[serde(default)]
    pub count: u64,
    pub publish: Publish,
    #[serde(default, deserialize_with = "one_or_many")]
    pub themes: Vec<String>,
    /// The text as the report quotes it (scrubbed; the custodian may edit it).
    pub text: String,
}

/// `publish: yes` or `publish: no` (also `true`/`false`, `ja`/`nei`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Publish {
    Yes,
    No,
}

impl<'de> Deserialize<'de> for Publish {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Publish;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("yes or no")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Publish, E> {
                Ok(if b { Publish::Yes } else { Publish::No })
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Publish, E> {
                match s.trim().to_ascii_lowercase().as_str() {
                    "yes" | "true" | "ja" => Ok(Publish::Yes),
                    "no" | "false" | "nei" => Ok(Publish::No),
                    _ => Err(E::invalid_value(Unexpected::Str(s), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `themes:` as a list, one name, or nothing.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Themes {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Themes>::deserialize(d)? {
        None => Vec::new(),
        Some(Themes::One(s)) => vec![s],
        Some(Themes::Many(v)) => v,
    })
}

/// A hash in its file form.
fn hex(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash from its file form (64 hex digits, either case).
fn unhex(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The theme names of an entry: trimmed, empty ones dropped, each once.
fn clean_themes(themes: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    themes
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect()
}

/// Parse and check a review file's text (`path` for messages): the
/// format, the survey id, every hash, no hash twice, no empty text to
/// publish.
pub fn parse(text: &str, path: &Path, survey: &Survey) -> Result<ReviewFile> {
    let at = |m: String| Error::msg(format!("{}: {m}", path.display()));
    let file: ReviewFile = serde_yaml::from_str(text).map_err(|e| {
        at(format!(
            "not a review file farvel can read: {e}\n  = hint: `publish:` takes yes or no, \
             `themes:` a list of names, `text:` the text; keep the other fields as written"
        ))
    })?;
    if file.format != FORMAT {
        return Err(at(format!(
            "format `{}` is not `{FORMAT}`: made by another version of farvel?",
            file.format
        )));
    }
    if file.survey != survey.id {
        return Err(at(format!(
            "this is the review of survey `{}`, not of `{}`",
            file.survey, survey.id
        )));
    }
    let mut seen = BTreeSet::new();
    for q in &file.questions {
        for e in &q.texts {
            let Some(h) = unhex(&e.hash) else {
                return Err(at(format!(
                    "question `{}`: `{}` is not a hash farvel wrote (64 hex digits)",
                    q.question, e.hash
                )));
            };
            if !seen.insert(h) {
                return Err(at(format!(
                    "question `{}`: hash {} is there twice; keep one",
                    q.question, e.hash
                )));
            }
            if e.publish == Publish::Yes && e.text.trim().is_empty() {
                return Err(at(format!(
                    "question `{}`: the text of {} is empty; to withhold it, set `publish: no`",
                    q.question, e.hash
                )));
            }
        }
    }
    Ok(file)
}

/// Read and check a review file.
pub fn load(path: &Path, survey: &Survey) -> Result<ReviewFile> {
    let text = crate::fsutil::read_to_string(path)?;
    parse(text.trim_start_matches('\u{feff}'), path, survey)
}

/// One text's decision, as the report applies it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub publish: bool,
    /// What the report quotes (scrubbed again when printed).
    pub text: String,
    /// Theme names, each once.
    pub themes: Vec<String>,
}

/// Every decision of a review file, by the hash of the original text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decisions {
    by_hash: HashMap<[u8; 32], Decision>,
    /// Write-ins under "Other" that were given themes (which only text
    /// questions count).
    pub themed_others: usize,
}

impl Decisions {
    pub fn from_file(file: &ReviewFile) -> Decisions {
        let mut d = Decisions::default();
        for q in &file.questions {
            for e in &q.texts {
                let Some(h) = unhex(&e.hash) else { continue };
                let themes = clean_themes(&e.themes);
                if q.kind == TextKind::Other && !themes.is_empty() {
                    d.themed_others += 1;
                }
                d.by_hash.insert(
                    h,
                    Decision {
                        publish: e.publish == Publish::Yes,
                        text: e.text.clone(),
                        themes,
                    },
                );
            }
        }
        d
    }

    pub fn get(&self, hash: &[u8; 32]) -> Option<&Decision> {
        self.by_hash.get(hash)
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

/// A text as read from the exports now: its hash, scrubbed text and count.
#[derive(Debug, Clone, PartialEq)]
pub struct FreshText {
    pub hash: [u8; 32],
    pub text: String,
    pub count: u64,
}

/// One question's texts of one kind as read now.
#[derive(Debug, Clone, PartialEq)]
pub struct FreshQuestion {
    pub question: String,
    pub kind: TextKind,
    pub asked: String,
    pub texts: Vec<FreshText>,
}

/// What [`merge`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Texts not in the old file, added with `publish: yes`.
    pub added: usize,
    /// Texts in both: the old decision kept, the count updated.
    pub kept: usize,
    /// Texts of the old file not in the exports now: kept as they were.
    pub absent: usize,
    /// Of all texts in the new file, how many are withheld.
    pub withheld: usize,
}

/// The header of a review file about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub survey: String,
    pub fingerprint: String,
    pub lang: String,
    /// The survey's question ids in survey order: the file's order.
    pub order: Vec<String>,
}

impl Header {
    pub fn of(survey: &Survey, lang: Lang) -> Header {
        Header {
            survey: survey.id.clone(),
            fingerprint: survey.fingerprint.clone(),
            lang: lang.code().to_string(),
            order: survey.questions().map(|q| q.id.clone()).collect(),
        }
    }
}

/// The new review file: the header's fields, then per question (in
/// survey order; a question the survey no longer has after the others,
/// in the old file's order) the union of the old entries and the fresh
/// texts, in hash order (the report's order). An old entry keeps its
/// `publish`, `text` and `themes`; its count is updated when the text
/// was read now and left alone when it was not.
pub fn merge(
    old: Option<ReviewFile>,
    header: &Header,
    fresh: Vec<FreshQuestion>,
) -> (ReviewFile, MergeStats) {
    let mut stats = MergeStats::default();
    let mut old_qs: Vec<QuestionTexts> = old.map(|f| f.questions).unwrap_or_default();
    let mut questions = Vec::new();
    for fq in fresh {
        let before = old_qs
            .iter()
            .position(|q| q.question == fq.question && q.kind == fq.kind)
            .map(|i| old_qs.remove(i));
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for e in before.map(|q| q.texts).unwrap_or_default() {
            let key = e.hash.trim().to_ascii_lowercase();
            entries.insert(key.clone(), Entry { hash: key, ..e });
        }
        let mut now = BTreeSet::new();
        for t in fq.texts {
            let key = hex(&t.hash);
            now.insert(key.clone());
            match entries.get_mut(&key) {
                Some(e) => {
                    e.count = t.count;
                    stats.kept += 1;
                }
                None => {
                    stats.added += 1;
                    entries.insert(
                        key.clone(),
                        Entry {
                            hash: key,
                            count: t.count,
                            publish: Publish::Yes,
                            themes: Vec::new(),
                            text: t.text,
                        },
                    );
                }
            }
        }
        stats.absent += entries.keys().filter(|k| !now.contains(*k)).count();
        questions.push(QuestionTexts {
            question: fq.question,
            kind: fq.kind,
            asked: fq.asked,
            texts: entries.into_values().collect(),
        });
    }
    for q in old_qs {
        stats.absent += q.texts.len();
        questions.push(q);
    }
    // Stable: a question's texts before its write-ins (never both), and
    // unknown questions in their old order.
    questions.sort_by_key(|q| {
        let at = header.order.iter().position(|id| *id == q.question);
        (at.unwrap_or(usize::MAX), at.map(|_| q.kind))
    });
    stats.withheld = questions
        .iter()
        .flat_map(|q| &q.texts)
        .filter(|e| e.publish == Publish::No)
        .count();
    let file = ReviewFile {
        format: FORMAT.to_string(),
        survey: header.survey.clone(),
        fingerprint: header.fingerprint.clone(),
        lang: header.lang.clone(),
        questions,
    };
    (file, stats)
}

/// The file's text: a header comment on how to use it, then the YAML.
pub fn render(file: &ReviewFile, names_removed: bool) -> Result<String> {
    let yaml = serde_yaml::to_string(file)
        .map_err(|e| Error::msg(format!("could not write the review file: {e}")))?;
    let names = if names_removed {
        "those on the --names list are removed"
    } else {
        "NOT removed (no --names list was given)"
    };
    let path = default_path(&file.survey);
    let mut s = format!(
        "\
# farvel: the custodian's review of free text, survey `{survey}`.
#
# CONFIDENTIAL, as confidential as the exports: it holds every free-text
# answer. Keep it owner-only (farvel writes it so), out of git, e-mail and
# shared folders, and delete it with the exports. A `hash` lets anyone
# check a guess of an original answer, removed contact details included.
#
# Texts are scrubbed of e-mail addresses and phone numbers;
# names: {names}.
# `farvel report` applies this file when it is at
# {path}, or when given with --review FILE.
# For each text:
#   publish: no       withhold it: it is not quoted, and the report says
#                     how many answers were withheld
#   text: ...         edit it: the report quotes your version (scrubbed
#                     again and made inert)
#   themes: [A, B]    tag it: the report counts the answers per theme,
#                     for text questions (not for kind: other)
# Leave `hash` as it is: it ties your decision to the original answer.
# `count` is how many gave exactly this text.
#
# After new exports, run `farvel review` again: decisions are kept, new
# texts are added with publish: yes, and texts no longer in the exports
# stay. Comments you add to this file are not kept.
",
        survey = file.survey,
        path = path.display(),
    );
    s.push('\n');
    s.push_str(&yaml);
    Ok(s)
}

/// The report's scrubber in `lang`.
pub fn scrubber(lang: Lang, names: &[String]) -> Result<Scrubber> {
    let removed = Removed {
        email: lang.t("removed.email"),
        phone: lang.t("removed.phone"),
        name: lang.t("removed.name"),
    };
    Scrubber::new(names, removed)
}

/// Collects every free text, for `farvel review`: the report's
/// aggregation with no limit on the texts kept, so the hashes and the
/// questions are exactly the report's.
pub struct Collector<'a> {
    agg: Aggregator<'a>,
}

impl<'a> Collector<'a> {
    pub fn new(survey: &'a Survey) -> Self {
        Collector {
            agg: Aggregator::new(survey, u64::MAX),
        }
    }

    /// Add another collector's texts (of the same survey).
    pub fn merge(&mut self, other: Collector<'a>) {
        self.agg.merge(other.agg);
    }

    /// The texts, scrubbed, per question in survey order (texts before
    /// write-ins of the same question, which cannot both exist).
    pub fn finish(self, scrubber: &Scrubber, lang: Lang) -> Vec<FreshQuestion> {
        let agg: Aggregated = self.agg.finish();
        let mut out = Vec::new();
        for q in &agg.questions {
            for (kind, texts) in [
                (TextKind::Text, &agg.verbatims),
                (TextKind::Other, &agg.others),
            ] {
                let Some(v) = texts.get(&q.id) else { continue };
                let texts: Vec<FreshText> = v
                    .kept
                    .iter()
                    .map(|(h, (t, c))| FreshText {
                        hash: *h,
                        text: scrubber.scrub(t),
                        count: *c,
                    })
                    .collect();
                if texts.is_empty() {
                    continue;
                }
                out.push(FreshQuestion {
                    question: q.id.clone(),
                    kind,
                    asked: q.text.get(lang.code()).trim().to_string(),
                    texts,
                });
            }
        }
        out
    }
}

impl crate::responses::Sink for Collector<'_> {
    fn push(&mut self, row: &Coded, _: &Catalog) {
        self.agg.push(row);
    }

    fn fresh(&self) -> Option<Self> {
        Some(Collector::new(self.agg.survey))
    }
}

/// Whether a theme's count may be printed: it is a count over the
/// question's `answered` answerers (everyone together). Only where at
/// least 2k answered, whatever the count: with fewer, leaving out just the
/// theme that all, or all but one, share would say so by its absence.
pub fn theme_count_shown(k: u64, answered: u64, _count: u64) -> bool {
    answered >= 2 * k
}

/// A theme and its count, when that may be printed.
pub type ThemeRow = (String, Option<u64>);

/// The theme counts of text question `q` in the whole population, when its
/// verbatims may be shown: (theme, count when it may be printed), the
/// printed ones by count (largest first), then the others, each by name;
/// and the base (the question's answered count).
pub fn theme_rows(f: &super::findings::Findings, qi: usize) -> Option<(Vec<ThemeRow>, u64)> {
    let q = f.questions.get(qi)?;
    if !matches!(q.kind, Kind::Text { .. }) {
        return None;
    }
    let v = f.verbatims.get(&q.id)?;
    if v.themes.is_empty() {
        return None;
    }
    let answered = f.overall.as_ref()?.q.get(qi)?.answered;
    let mut rows: Vec<ThemeRow> = v
        .themes
        .iter()
        .map(|(t, &c)| (t.clone(), theme_count_shown(f.k, answered, c).then_some(c)))
        .collect();
    rows.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    Some((rows, answered))
}

/// The theme table of text question `qi`, ahead of its quotes.
pub(super) fn theme_table(w: &mut super::markdown::Writer, qi: usize) {
    let Some((rows, _)) = theme_rows(w.f, qi) else {
        return;
    };
    w.para(w.t("verbatims.themes"));
    w.line(&format!("| {} | n |", w.t("col.theme")));
    w.line("| --- | ---: |");
    for (theme, c) in rows {
        let n = c.map_or_else(|| w.t("not_shown").to_string(), |c| c.to_string());
        w.line(&format!("| {} | {n} |", super::fmt::md_escape(&theme)));
    }
    w.line("");
}

#[cfg(test)]
mod tests;
