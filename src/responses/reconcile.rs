//! The reconciliation: what happened to every row and every answer, and
//! its rendering for stderr ([`Reconciliation::render`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub use super::file::NOT_A_FINGERPRINT;

/// At most this many other versions' fingerprints are listed.
pub const LISTED: usize = 5;

/// Per input file: rows read = used + rejected + duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTally {
    pub path: PathBuf,
    pub read: u64,
    pub used: u64,
    /// Reason (a fixed phrase, never a value) → rows rejected whole.
    pub rejected: BTreeMap<String, u64>,
    pub duplicates: u64,
    /// Rows shorter than the header, used with empty cells.
    pub short_rows: u64,
    /// Rejected records that spanned several lines of the file (a stray
    /// quote joins the lines up to the next quote into one record), and
    /// how many lines they spanned together.
    pub joined: u64,
    pub joined_lines: u64,
}

/// Totals for a whole run, handed to the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    pub files: Vec<FileTally>,
    /// Rule (a fixed phrase such as "value outside the scale") → answers
    /// set aside while the rest of the row was used.
    pub dropped_answers: BTreeMap<String, u64>,
    /// Service metadata columns dropped on read (names only).
    pub dropped_columns: BTreeSet<String>,
    /// Columns that mapped to nothing (a warning each).
    pub unmapped_columns: BTreeSet<String>,
    /// Questions that no column of any file mapped to.
    pub questions_without_column: Vec<String>,
    /// Rows used whose `_survey` fingerprint is an accepted earlier
    /// version's (`accept_fingerprints`, `--accept-fingerprint`).
    pub fingerprint_mismatches: u64,
    /// Rows whose `_survey` fingerprint names this version of the survey
    /// or an accepted one.
    pub named_this_version: u64,
    /// Rows rejected as from another version of the survey, by the first
    /// 12 digits of the fingerprint they name (or
    /// `"(not a fingerprint)"`).
    pub other_versions: BTreeMap<String, u64>,
    /// Warnings about single rows and columns (`file:line: …`), a bounded
    /// number per file; never an answer's value.
    pub messages: Vec<String>,
}

impl Reconciliation {
    pub fn read(&self) -> u64 {
        self.files.iter().map(|f| f.read).sum()
    }
    pub fn used(&self) -> u64 {
        self.files.iter().map(|f| f.used).sum()
    }
    pub fn duplicates(&self) -> u64 {
        self.files.iter().map(|f| f.duplicates).sum()
    }
    pub fn rejected(&self) -> u64 {
        self.files.iter().flat_map(|f| f.rejected.values()).sum()
    }
    /// Whether rows name other versions of the survey and none names this
    /// one or an accepted one: then the exports are most likely of another
    /// version, and the run stops short of its output (exit 1).
    pub fn no_version_matches(&self) -> bool {
        !self.other_versions.is_empty() && self.named_this_version == 0
    }

    /// The error for [`Reconciliation::no_version_matches`]: the
    /// fingerprints found (at most `LISTED`, most rows first) and how to
    /// accept one. `short` is the survey's short fingerprint.
    pub fn other_versions_error(&self, survey: &std::path::Path, short: &str) -> String {
        let rows: u64 = self.other_versions.values().sum();
        let mut out = format!(
            "error: no row is from this version of {} (fingerprint {short}): {rows} row(s) name other versions and were rejected\n",
            survey.display()
        );
        out.push_str(&self.other_versions_list());
        let accept = self
            .by_rows()
            .into_iter()
            .map(|(fp, _)| fp)
            .find(|fp| fp.as_str() != NOT_A_FINGERPRINT);
        match accept {
            Some(fp) => out.push_str(&format!(
                "  = hint: if these answers were given to an earlier version of this survey and still fit it, accept that version: pass --accept-fingerprint {fp}, or add `accept_fingerprints: ['{fp}']` to the survey; if they are another survey's, ingest them with that survey\n"
            )),
            None => out.push_str(
                "  = hint: the `_survey` column holds no fingerprint farvel can accept (12 to 64 hex digits); is it an export of this survey?\n",
            ),
        }
        out
    }

    /// The other versions, most rows first (then by name).
    fn by_rows(&self) -> Vec<(&String, u64)> {
        let mut v: Vec<(&String, u64)> = self.other_versions.iter().map(|(f, n)| (f, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v
    }

    /// One line per other version (at most [`LISTED`]), indented.
    fn other_versions_list(&self) -> String {
        let v = self.by_rows();
        let mut out = String::new();
        for (fp, n) in v.iter().take(LISTED) {
            out.push_str(&format!("  {fp}: {n} row(s)\n"));
        }
        if v.len() > LISTED {
            let rest: u64 = v[LISTED..].iter().map(|(_, n)| n).sum();
            out.push_str(&format!(
                "  … and {} more fingerprint(s): {rest} row(s)\n",
                v.len() - LISTED
            ));
        }
        out
    }

    /// Whether read = used + rejected + duplicates holds for every file.
    pub fn adds_up(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.read == f.used + f.duplicates + f.rejected.values().sum::<u64>())
    }
}

fn counts(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn names(s: &BTreeSet<String>) -> String {
    s.iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Reconciliation {
    /// The summary printed on stderr: messages first, then per file
    /// read = used + rejected + duplicates, then the totals.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for m in &self.messages {
            out.push_str(m);
            out.push('\n');
        }
        for f in &self.files {
            let rejected: u64 = f.rejected.values().sum();
            out.push_str(&format!(
                "{}: {} row(s) read = {} used + {} rejected + {} duplicate(s)\n",
                f.path.display(),
                f.read,
                f.used,
                rejected,
                f.duplicates
            ));
            if rejected > 0 {
                out.push_str(&format!("  rejected: {}\n", counts(&f.rejected)));
            }
            if f.joined > 0 {
                out.push_str(&format!(
                    "  {} rejected record(s) spanned {} line(s) of the file: a stray quote reads every line up to the next quote as one record, so one such record may hold several respondents\n",
                    f.joined, f.joined_lines
                ));
            }
            if f.short_rows > 0 {
                out.push_str(&format!(
                    "  {} short row(s) read with empty cells\n",
                    f.short_rows
                ));
            }
        }
        out.push_str(&format!(
            "total: {} row(s) read = {} used + {} rejected + {} duplicate(s)\n",
            self.read(),
            self.used(),
            self.rejected(),
            self.duplicates()
        ));
        let set_aside: u64 = self.dropped_answers.values().sum();
        if set_aside > 0 {
            out.push_str(&format!(
                "answers set aside: {set_aside} ({})\n",
                counts(&self.dropped_answers)
            ));
        } else {
            out.push_str("answers set aside: none\n");
        }
        if !self.dropped_columns.is_empty() {
            out.push_str(&format!(
                "dropped columns (metadata, never kept): {}\n",
                names(&self.dropped_columns)
            ));
        }
        if !self.unmapped_columns.is_empty() {
            out.push_str(&format!(
                "ignored columns (match no question): {}\n",
                names(&self.unmapped_columns)
            ));
        }
        if !self.questions_without_column.is_empty() {
            out.push_str(&format!(
                "questions without a column: {}\n",
                self.questions_without_column.join(", ")
            ));
        }
        if self.fingerprint_mismatches > 0 {
            out.push_str(&format!(
                "note: {} row(s) were posted by an earlier version of the survey whose fingerprint is accepted\n",
                self.fingerprint_mismatches
            ));
        }
        if !self.other_versions.is_empty() && !self.no_version_matches() {
            out.push_str(&format!(
                "warning: rows from other versions of the survey were rejected; the fingerprints they name:\n{}",
                self.other_versions_list()
            ));
            out.push_str("  = hint: to read one version's answers as this version's, pass --accept-fingerprint HEX or list it in the survey's `accept_fingerprints`\n");
        }
        out
    }

    /// Whether anything was set aside, rejected or left without a column
    /// (what `--strict` turns into exit code 1).
    pub fn has_losses(&self) -> bool {
        self.rejected() > 0
            || !self.dropped_answers.is_empty()
            || !self.questions_without_column.is_empty()
    }
}
