//! The reconciliation: what happened to every row and every answer, and
//! its rendering for stderr ([`Reconciliation::render`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

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
    /// Rows whose `_survey` fingerprint differs from the survey's.
    pub fingerprint_mismatches: u64,
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
                "warning: {} row(s) were posted by another version of the survey (their fingerprint differs)\n",
                self.fingerprint_mismatches
            ));
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
