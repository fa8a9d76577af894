//! What each column of one export file holds, worked out once from its
//! header: the question, option, matrix row or metadata each column maps
//! to, how its time stamps are read, and which questions sit in one column
//! of their own (read straight from that cell by [`super::row`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::survey::{Kind, Service};

use super::Reconciliation;
use super::cells::{Cells, Slot};
use super::headers::{Catalog, Meta, Target};
use super::time::NaiveZone;

/// What each column of one file holds.
#[derive(Debug, Clone)]
pub struct Columns {
    pub targets: Vec<Option<Target>>,
    /// How to read time stamps without an offset.
    pub zone: NaiveZone,
    /// Columns whose dates tell the file's day/month order.
    pub date_columns: Vec<usize>,
    /// Whether a column holds the submission time (or the period).
    pub has_time: bool,
    /// The submission time column (the first, if several).
    pub time_column: Option<usize>,
    /// The column of sealed envelopes, in an export of a sealed survey.
    pub sealed: Option<usize>,
    /// Per question: when one column alone holds it (as `q` or `q[]`), a
    /// slot naming that column, and when a grid is held by its row columns
    /// alone, a slot naming those; read without gathering. Else `None`.
    pub direct: Vec<Option<Slot>>,
    /// [`Columns::direct`]'s cells alone, compact, for the loop over a
    /// row's questions.
    pub direct_cells: Vec<Option<u32>>,
    /// The (column, target) pairs gathered per row into slots and
    /// stamps: metadata, and questions spread over several columns.
    pub gathered: Vec<(u32, Target)>,
    /// The header's cells as read, to know the header when it comes again.
    pub header: Vec<String>,
}

/// The reason a record that repeats the header is rejected for.
pub const REPEATED_HEADER: &str = "a repeated header row";

impl Columns {
    /// Whether `cells` repeat the header (of two columns or more): two
    /// exports joined with `cat`, say. A byte order mark before the first
    /// cell, as each export's first line may carry, is not looked at. Most
    /// rows differ from the header in their first cell's first bytes.
    #[inline]
    pub fn is_header(&self, cells: Cells) -> bool {
        let h = &self.header;
        if h.len() < 2 || cells.len() != h.len() {
            return false;
        }
        let first = cells.get(0);
        let first = first.strip_prefix('\u{feff}').unwrap_or(first);
        first == h[0] && (1..h.len()).all(|i| cells.get(i) == h[i])
    }
}

/// Map a file's header; warnings and dropped columns go to `rec`, mapped
/// questions to `mapped`.
pub fn plan_columns(
    cat: &Catalog,
    headers: &[String],
    path: &Path,
    rec: &mut Reconciliation,
    mapped: &mut BTreeSet<usize>,
) -> Columns {
    let mut targets = Vec::with_capacity(headers.len());
    let mut taken: BTreeMap<Target, &str> = BTreeMap::new();
    let mut date_columns = Vec::new();
    let mut time_column = None;
    let mut sealed = None;
    let mut warned = BTreeSet::new();
    for (c, h) in headers.iter().enumerate() {
        let mut t = cat.map_header(h);
        let repeatable = match t {
            Some(Target::Main(i)) => matches!(cat.questions[i].q.kind, Kind::Multi { .. }),
            Some(Target::Meta(Meta::Dropped)) | None => true,
            _ => false,
        };
        if let Some(tt) = t
            && !repeatable
        {
            if let Target::Meta(_) = tt
                && taken.contains_key(&tt)
            {
                // A second time stamp or id: metadata all the same, dropped.
                rec.dropped_columns.insert(h.trim().to_string());
                targets.push(None);
                continue;
            }
            if let Some(first) = taken.get(&tt) {
                rec.messages.push(format!(
                    "{}: warning: column '{h}' holds the same as column '{first}' and is ignored",
                    path.display()
                ));
                rec.unmapped_columns.insert(h.clone());
                targets.push(None);
                continue;
            }
            taken.insert(tt, h);
        }
        match t {
            Some(Target::Meta(Meta::Period)) => {}
            Some(Target::Meta(Meta::Sealed)) => sealed = Some(c),
            Some(Target::Meta(m)) => {
                rec.dropped_columns.insert(h.trim().to_string());
                if m == Meta::Time {
                    date_columns.push(c);
                    time_column.get_or_insert(c);
                }
            }
            Some(Target::Main(i) | Target::Option(i, _) | Target::Other(i) | Target::Row(i, _))
            | Some(Target::Year(i) | Target::Month(i)) => {
                mapped.insert(i);
                if matches!(cat.questions[i].q.kind, Kind::Date { .. }) {
                    date_columns.push(c);
                }
            }
            None => {
                // Once per name and file.
                if !h.trim().is_empty() && warned.insert(h.trim()) {
                    rec.messages.push(format!(
                        "{}: warning: column '{}' matches no question and is ignored",
                        path.display(),
                        h.trim()
                    ));
                    rec.unmapped_columns.insert(h.trim().to_string());
                }
                t = None;
            }
        }
        targets.push(t);
    }
    let lower: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    let formspree = lower.len() >= 2 && lower[0] == "id" && lower[1] == "date";
    let netlify = lower.iter().any(|h| h == "created_at");
    // A survey sent to Formspree or Netlify: their own time columns are UTC.
    let utc_service = matches!(
        cat.survey.endpoint.service,
        Service::Formspree | Service::Netlify
    ) && time_column
        .is_some_and(|c: usize| matches!(lower[c].as_str(), "date" | "_date" | "created_at"));
    let has_time = time_column.is_some() || targets.contains(&Some(Target::Meta(Meta::Period)));
    let (direct, gathered) = plan_gathering(cat.questions.len(), &targets);
    Columns {
        targets,
        zone: if formspree || netlify || utc_service {
            NaiveZone::Utc
        } else {
            NaiveZone::Local
        },
        date_columns,
        has_time: has_time || sealed.is_some() && time_column.is_some(),
        time_column,
        sealed,
        direct_cells: direct
            .iter()
            .map(|s| s.as_ref().and_then(|s| s.values.first().copied()))
            .collect(),
        direct,
        gathered,
        header: headers.to_vec(),
    }
}

/// Which questions a file holds in columns of their own (one column, or
/// a grid's row columns and nothing else), and what the rest of its
/// columns go to.
fn plan_gathering(n: usize, targets: &[Option<Target>]) -> (Vec<Option<Slot>>, Vec<(u32, Target)>) {
    // Per question: its own columns, its grid rows' columns, and whether
    // any other column holds it.
    let mut own: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut rows: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    let mut spread = vec![false; n];
    for (c, t) in targets.iter().enumerate() {
        match t {
            Some(Target::Main(i)) => own[*i].push(c as u32),
            Some(Target::Row(i, r)) => rows[*i].push((*r as u32, c as u32)),
            Some(Target::Option(i, _) | Target::Other(i) | Target::Year(i) | Target::Month(i)) => {
                spread[*i] = true
            }
            _ => {}
        }
    }
    let direct: Vec<Option<Slot>> = own
        .iter()
        .zip(rows)
        .zip(spread)
        .map(
            |((cs, rows), spread)| match (cs.as_slice(), rows.is_empty(), spread) {
                ([c], true, false) => Some(Slot::single(*c)),
                ([], false, false) => Some(Slot {
                    rows,
                    ..Slot::default()
                }),
                _ => None,
            },
        )
        .collect();
    let gathered = targets
        .iter()
        .enumerate()
        .filter_map(|(c, t)| {
            let t = (*t)?;
            let keep = match t {
                Target::Meta(Meta::Dropped | Meta::Sealed) => false,
                Target::Main(i) | Target::Row(i, _) => direct[i].is_none(),
                _ => true,
            };
            keep.then_some((c as u32, t))
        })
        .collect();
    (direct, gathered)
}
