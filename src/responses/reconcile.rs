//! The reconciliation: what happened to every row and every answer.

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
