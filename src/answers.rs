//! One respondent's answers, as every stage after ingest sees them.
//!
//! Values are already normalised: option *values* (never labels), dates
//! cut to the month, text with `\n` line ends. The submission time is only
//! ever present as a [`Period`].

use std::collections::BTreeMap;
use std::fmt;

/// One answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// choice: an option value, `other`.
    Choice(String),
    /// multi: option values in option order (`none` alone when chosen).
    Multi(Vec<String>),
    YesNo(bool),
    Number(f64),
    /// date: `YYYY-MM` (dates are never kept finer than the month).
    Month {
        year: i32,
        month: u32,
    },
    Text(String),
    /// scale and nps: the point chosen.
    Point(i64),
    /// matrix: row id → point, only answered rows.
    Matrix(BTreeMap<String, i64>),
    /// ranking: option values, first = rank 1.
    Ranking(Vec<String>),
}

/// A reporting period: a quarter, a half-year or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Quarter { year: i32, quarter: u8 },
    Half { year: i32, half: u8 },
    Year { year: i32 },
}

/// How fine periods are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    Quarter,
    Half,
    Year,
}

impl Period {
    /// The period of this granularity containing the given month (1–12).
    pub fn of_month(year: i32, month: u32, g: Granularity) -> Period {
        match g {
            Granularity::Quarter => Period::Quarter {
                year,
                quarter: ((month.clamp(1, 12) - 1) / 3 + 1) as u8,
            },
            Granularity::Half => Period::Half {
                year,
                half: if month <= 6 { 1 } else { 2 },
            },
            Granularity::Year => Period::Year { year },
        }
    }

    pub fn granularity(self) -> Granularity {
        match self {
            Period::Quarter { .. } => Granularity::Quarter,
            Period::Half { .. } => Granularity::Half,
            Period::Year { .. } => Granularity::Year,
        }
    }

    /// This period expressed at a coarser (or equal) granularity; `None`
    /// when `g` is finer than the period (periods are never refined).
    pub fn coarsen(self, g: Granularity) -> Option<Period> {
        if g < self.granularity() {
            return None;
        }
        let (year, month) = match self {
            Period::Quarter { year, quarter } => (year, u32::from(quarter) * 3),
            Period::Half { year, half } => (year, u32::from(half) * 6),
            Period::Year { year } => (year, 12),
        };
        Some(Period::of_month(year, month, g))
    }

    /// Parse `2025-Q1`, `2025-H1` or `2025`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((y, rest)) = s.split_once('-') {
            let year: i32 = y.parse().ok()?;
            let (tag, n) = rest.split_at(1.min(rest.len()));
            let n: u8 = n.parse().ok()?;
            match (tag, n) {
                ("Q", 1..=4) => Some(Period::Quarter { year, quarter: n }),
                ("H", 1..=2) => Some(Period::Half { year, half: n }),
                _ => None,
            }
        } else {
            s.parse().ok().map(|year| Period::Year { year })
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year}-H{half}"),
            Period::Year { year } => write!(f, "{year}"),
        }
    }
}

/// One respondent: the answers kept, the other-texts, and the period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    /// The period the submission arrived in, when the export had a time.
    pub period: Option<Period>,
    /// Question id → answer; a question absent here was not answered (or
    /// not shown, or its answer was set aside).
    pub answers: BTreeMap<String, Answer>,
    /// Question id → the text typed into "Other".
    pub other: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_round_trip_and_coarsen() {
        let q = Period::of_month(2025, 5, Granularity::Quarter);
        assert_eq!(q.to_string(), "2025-Q2");
        assert_eq!(Period::parse("2025-Q2"), Some(q));
        assert_eq!(q.coarsen(Granularity::Half).unwrap().to_string(), "2025-H1");
        assert_eq!(q.coarsen(Granularity::Year).unwrap().to_string(), "2025");
        let y = Period::parse("2025").unwrap();
        assert_eq!(y.coarsen(Granularity::Quarter), None);
        assert_eq!(Period::parse("2025-Q5"), None);
    }
}
