//! farvel's interface strings (buttons, errors, condition notes, notices,
//! scale preset labels) in the languages it ships, plus a survey's own `ui:`
//! block, which adds a language or overrides single strings.
//!
//! Takes a language code and the survey's `ui:` map; returns [`Strings`]
//! that look up a key and fill `{name}` placeholders. The data lives in
//! `src/i18n/<lang>.yaml`, read by serde_yaml at build time (`build.rs`)
//! into key-sorted tables in the binary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

/// Every UI string key. A language the survey uses must have each of them,
/// shipped here or in its `ui:` block.
const UI_KEYS: [&str; 105] = [
    "lang.name",
    "nav.languages",
    "button.back",
    "button.next",
    "button.submit",
    "button.resend",
    "button.move_up",
    "button.move_down",
    "progress",
    "required",
    "choose",
    "option.other",
    "option.other_text",
    "option.none",
    "yesno.yes",
    "yesno.no",
    "nps.low",
    "nps.high",
    "date.year",
    "date.month",
    "month.1",
    "month.2",
    "month.3",
    "month.4",
    "month.5",
    "month.6",
    "month.7",
    "month.8",
    "month.9",
    "month.10",
    "month.11",
    "month.12",
    "ranking.hint",
    "ranking.rank",
    "error.summary",
    "error.required",
    "error.matrix",
    "error.min_choices",
    "error.max_choices",
    "error.other",
    "error.number",
    "error.integer",
    "error.min_value",
    "error.max_value",
    "error.min_length",
    "error.max_length",
    "error.pattern",
    "error.date",
    "error.month",
    "error.ranking",
    "note.if",
    "note.generic",
    "note.or",
    "note.and",
    "note.chose",
    "note.not_chose",
    "note.ticked",
    "note.answered",
    "note.yesno",
    "note.compare",
    "cmp.eq",
    "cmp.ne",
    "cmp.lt",
    "cmp.le",
    "cmp.gt",
    "cmp.ge",
    "notice.title",
    "notice.answers",
    "notice.sealed",
    "notice.time",
    "notice.ip",
    "notice.ip_maybe",
    "notice.email_always",
    "notice.email_default",
    "notice.email_maybe",
    "notice.custodian",
    "notice.min_group",
    "notice.no_tracking",
    "notice.free_text",
    "service.url",
    "noscript.sealed",
    "send.error",
    "send.sending",
    "thanks.default",
    "thanks.title",
    "scale.agree5.1",
    "scale.agree5.2",
    "scale.agree5.3",
    "scale.agree5.4",
    "scale.agree5.5",
    "scale.satisfied5.1",
    "scale.satisfied5.2",
    "scale.satisfied5.3",
    "scale.satisfied5.4",
    "scale.satisfied5.5",
    "scale.likely5.1",
    "scale.likely5.2",
    "scale.likely5.3",
    "scale.likely5.4",
    "scale.likely5.5",
    "scale.quality5.1",
    "scale.quality5.2",
    "scale.quality5.3",
    "scale.quality5.4",
    "scale.quality5.5",
];

// SHIPPED_LANGUAGES and SHIPPED: the strings of `src/i18n/<lang>.yaml`,
// read by serde_yaml at build time (build.rs).
include!(concat!(env!("OUT_DIR"), "/i18n_tables.rs"));

/// Every UI string key, in a stable order.
pub fn ui_keys() -> &'static [&'static str] {
    &UI_KEYS
}

/// The languages farvel ships every UI string for.
pub fn shipped_languages() -> &'static [&'static str] {
    &SHIPPED_LANGUAGES
}

type Table = BTreeMap<String, String>;

/// A shipped language's strings, sorted by key.
type Shipped = &'static [(&'static str, &'static str)];

/// One shipped language's table.
fn shipped_table(lang: &str) -> Option<Shipped> {
    SHIPPED.iter().find(|(l, _)| *l == lang).map(|(_, t)| *t)
}

fn lookup(table: Shipped, key: &str) -> Option<&'static str> {
    let i = table.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
    Some(table[i].1)
}

/// A shipped UI string (`None` for a language or key farvel doesn't ship).
pub fn shipped_text(lang: &str, key: &str) -> Option<&'static str> {
    lookup(shipped_table(lang)?, key)
}

/// The labels of a built-in scale preset's point in every shipped
/// language (what an export may hold instead of the number).
pub fn preset_labels(preset: &str, point: i64) -> impl Iterator<Item = &'static str> {
    let key = format!("scale.{preset}.{point}");
    shipped_languages()
        .iter()
        .filter_map(move |lang| shipped_text(lang, &key))
}

/// The keys a language lacks: those neither shipped nor in the survey's
/// `ui:` block for that language (what `check` reports).
pub fn missing_keys(lang: &str, survey_ui: &BTreeMap<String, Table>) -> Vec<&'static str> {
    let shipped = shipped_table(lang);
    let own = survey_ui.get(lang);
    UI_KEYS
        .iter()
        .copied()
        .filter(|k| {
            let shipped_has = shipped.and_then(|t| lookup(t, k)).is_some();
            !shipped_has && !own.is_some_and(|t| t.contains_key(*k))
        })
        .collect()
}

/// One UI string of `lang` without building its whole [`Strings`]: the
/// survey's `ui:` entry, else the shipped one, else English, else the key.
pub fn text<'a>(lang: &str, survey_ui: &'a BTreeMap<String, Table>, key: &'a str) -> &'a str {
    survey_ui
        .get(lang)
        .and_then(|t| t.get(key))
        .map(String::as_str)
        .or_else(|| shipped_text(lang, key))
        .or_else(|| shipped_text("en", key))
        .unwrap_or(key)
}

/// A language's shipped strings over English's (for a language farvel
/// doesn't ship: English's), merged once per process.
fn base_table(lang: &str) -> &'static BTreeMap<&'static str, &'static str> {
    type Merged = BTreeMap<&'static str, &'static str>;
    static MERGED: [OnceLock<Merged>; SHIPPED.len()] = [const { OnceLock::new() }; SHIPPED.len()];
    let position = |code: &str| SHIPPED.iter().position(|(l, _)| *l == code);
    let i = position(lang).or_else(|| position("en")).unwrap_or(0);
    MERGED[i].get_or_init(|| {
        let mut merged = Merged::new();
        for t in [shipped_table("en"), shipped_table(SHIPPED[i].0)]
            .into_iter()
            .flatten()
        {
            merged.extend(t.iter().copied());
        }
        merged
    })
}

/// The UI strings of one page language: the survey's `ui:` entries for it
/// over the shipped ones (borrowed, nothing copied).
#[derive(Debug, Clone)]
pub struct Strings<'a> {
    base: &'static BTreeMap<&'static str, &'static str>,
    own: Option<&'a Table>,
}

impl<'a> Strings<'a> {
    /// The strings for `lang`: the survey's `ui:` entries first, then the
    /// shipped ones, then English for anything still missing (which `check`
    /// reports as an error before a build).
    pub fn new(lang: &str, survey_ui: &'a BTreeMap<String, Table>) -> Strings<'a> {
        Strings {
            base: base_table(lang),
            own: survey_ui.get(lang),
        }
    }

    /// The string for `key` (the key itself if unknown).
    pub fn get<'k>(&'k self, key: &'k str) -> &'k str {
        self.own
            .and_then(|t| t.get(key))
            .map(String::as_str)
            .or_else(|| self.base.get(key).copied())
            .unwrap_or(key)
    }

    /// The string for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// Like [`Strings::fill`] for HTML: the string is escaped, the values
    /// are HTML already (escaped by the caller).
    pub fn fill_html(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(&crate::form::escape(self.get(key)), args)
    }

    /// Every string by key (copied only when the survey overrides some).
    pub fn table(&self) -> Cow<'_, BTreeMap<&'a str, &'a str>> {
        match self.own {
            None => Cow::Borrowed(self.base),
            Some(own) => {
                let mut t = self.base.clone();
                t.extend(own.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                Cow::Owned(t)
            }
        }
    }
}

/// The strings as a map (what a theme's template sees as `ui`).
impl Serialize for Strings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.table().serialize(serializer)
    }
}

/// Replace `{name}` placeholders in one pass (inserted text is not
/// scanned again, so a label containing `{n}` stays as typed).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if args.iter().any(|(k, _)| *k == &after[..end]) => {
                let name = &after[..end];
                if let Some((_, v)) = args.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables build.rs wrote hold what serde_yaml reads from each file,
    /// in key order.
    #[test]
    fn built_tables_are_the_shipped_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("src/i18n")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut langs: Vec<String> = SHIPPED_LANGUAGES
            .iter()
            .map(|l| format!("{l}.yaml"))
            .collect();
        langs.sort();
        assert_eq!(files, langs);
        for (lang, table) in SHIPPED {
            let text = std::fs::read_to_string(dir.join(format!("{lang}.yaml"))).expect("read");
            let want: Table = serde_yaml::from_str(&text).expect("shipped strings parse");
            let got: Vec<(String, String)> = table
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{lang}");
        }
        assert_eq!(shipped_text("nb", "button.next"), Some("Neste"));
        assert_eq!(shipped_text("nb", "no.such.key"), None);
        assert_eq!(shipped_text("xx", "button.next"), None);
    }

    #[test]
    fn every_shipped_language_has_exactly_the_keys() {
        for (lang, table) in SHIPPED {
            let t: BTreeMap<&str, &str> = table.iter().copied().collect();
            let missing: Vec<_> = UI_KEYS.iter().filter(|k| !t.contains_key(**k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<_> = t.keys().filter(|k| !UI_KEYS.contains(k)).collect();
            assert!(extra.is_empty(), "{lang} has unknown keys {extra:?}");
            assert!(
                t.values().all(|v| !v.is_empty()),
                "{lang} has an empty string"
            );
        }
    }

    #[test]
    fn survey_ui_overrides_and_adds_languages() {
        let mut ui = BTreeMap::new();
        ui.insert(
            "fi".to_string(),
            Table::from([("button.next".to_string(), "Seuraava".to_string())]),
        );
        let fi = Strings::new("fi", &ui);
        assert_eq!(fi.get("button.next"), "Seuraava");
        assert_eq!(fi.get("button.back"), "Back");
        let missing = missing_keys("fi", &ui);
        assert!(missing.contains(&"button.back") && !missing.contains(&"button.next"));
        assert!(missing_keys("nb", &BTreeMap::new()).is_empty());
    }

    #[test]
    fn fill_replaces_known_placeholders_once() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case] = &[
            (
                "Part {n} of {total}",
                &[("n", "2"), ("total", "5")],
                "Part 2 of 5",
            ),
            ("{v} here", &[("v", "{v}")], "{v} here"),
            ("{unknown} stays", &[("n", "1")], "{unknown} stays"),
            ("a { b", &[], "a { b"),
        ];
        for (t, args, want) in cases {
            assert_eq!(fill(t, args), *want);
        }
    }
}
