//! What each column of one export file holds, worked out once from its
//! header: the question, option, matrix row or metadata each column maps
//! to, how its time stamps are read, and which questions sit in one column
//! of their own (read straight from that cell by [`super::row`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::escape_controls;
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
    /// Per column: whether its cells may hold line breaks (text, "other"
    /// text, and columns that are not read); see [`Columns::joined`].
    pub breaks_ok: Vec<bool>,
    /// The file's field delimiter (set by the reader of the file).
    pub delimiter: u8,
    /// Whether the file is a normalised CSV (its first header cell is
    /// `_period`), whose text cells were neutralised on writing
    /// ([`super::normal::neutralise`]).
    pub normalised: bool,
}

/// A record that holds a line break where none belongs: a stray quote
/// opened a quoted cell that ran on over the lines (and records) after
/// it, up to the next quote.
pub const BREAK_IN_CELL: &str = "a line break in a cell that cannot hold one (a stray quote?)";
/// A text cell whose lines after the first read as whole records of the
/// file: the same.
pub const ROWS_IN_CELL: &str = "a text cell holding what look like whole rows (a stray quote?)";

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

    /// Why a record of at most the header's width reads as several
    /// records joined by a stray quote, and the column where it shows:
    /// a cell with a line break in a column that cannot hold one, or a
    /// text cell one of whose later lines has the file's full width of
    /// cells (and, when the file has a time column, a time stamp in its
    /// place). `spans`: whether the record may span several lines of the
    /// file ([`super::read::Row::spans`]); most do not, and hold no line
    /// break at all, so they are not looked into.
    #[inline]
    pub fn joined(&self, cells: Cells, spans: bool) -> Option<(&'static str, usize)> {
        if !spans {
            return None;
        }
        self.joined_slowly(cells)
    }

    #[cold]
    fn joined_slowly(&self, cells: Cells) -> Option<(&'static str, usize)> {
        let Cells::Packed { ends, all } = cells else {
            return None;
        };
        // Each line break's cell, in one pass over the record; a cell
        // judged once is passed over.
        let (mut c, mut past) = (0, 0);
        for at in memchr::memchr2_iter(b'\n', b'\r', all.as_bytes()) {
            if at < past {
                continue;
            }
            while ends.get(c).is_some_and(|&e| e <= at) {
                c += 1;
            }
            if !self.breaks_ok.get(c).copied().unwrap_or(true) {
                return Some((BREAK_IN_CELL, c));
            }
            if self.holds_rows(cells.get(c)) {
                return Some((ROWS_IN_CELL, c));
            }
            past = ends.get(c).copied().unwrap_or(usize::MAX);
        }
        None
    }

    /// Whether a line of `v` after its first has as many cells as the
    /// header (of three columns or more), with a time stamp in the time
    /// column's place when the file has one.
    fn holds_rows(&self, v: &str) -> bool {
        let width = self.targets.len();
        let d = self.delimiter as char;
        // A cell of fewer delimiters than one row has holds no row.
        width >= 3
            && memchr::memchr_iter(self.delimiter, v.as_bytes()).count() + 1 >= width
            && v.split(['\n', '\r']).skip(1).any(|line| {
                memchr::memchr_iter(self.delimiter, line.as_bytes()).count() + 1 >= width
                    && self.time_column.is_none_or(|t| {
                        line.split(d)
                            .nth(t)
                            .is_some_and(|f| super::time::parse_stamp(f).is_some())
                    })
            })
    }
}

/// How many lines of the file a record's text spans: one, plus its line
/// breaks (`\r\n` once).
pub fn lines_spanned(text: &str) -> u64 {
    let b = text.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let lone_cr = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) != Some(&b'\n'))
        .count();
    1 + (lf + lone_cr) as u64
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
        // How the name is shown: never a control character, which could
        // steer the terminal (respondents can add fields, and so names).
        let shown = || escape_controls(h.trim()).into_owned();
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
                rec.dropped_columns.insert(shown());
                targets.push(None);
                continue;
            }
            if let Some(first) = taken.get(&tt) {
                rec.messages.push(format!(
                    "{}: warning: column '{}' holds the same as column '{}' and is ignored",
                    path.display(),
                    shown(),
                    escape_controls(first.trim())
                ));
                rec.unmapped_columns.insert(shown());
                targets.push(None);
                continue;
            }
            taken.insert(tt, h);
        }
        match t {
            Some(Target::Meta(Meta::Period)) => {}
            Some(Target::Meta(Meta::Sealed)) => sealed = Some(c),
            Some(Target::Meta(m)) => {
                rec.dropped_columns.insert(shown());
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
                        shown()
                    ));
                    rec.unmapped_columns.insert(shown());
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
    // Free text may hold line breaks; so may Google's choice cells, which
    // hold the "Other" text in place of the option, and columns not read.
    let breaks_ok = targets
        .iter()
        .map(|t| match t {
            None | Some(Target::Meta(Meta::Dropped) | Target::Other(_)) => true,
            Some(Target::Main(i)) => {
                let k = &cat.questions[*i].q.kind;
                matches!(k, Kind::Text { .. }) || k.allows_other()
            }
            Some(_) => false,
        })
        .collect();
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
        breaks_ok,
        delimiter: b',',
        normalised: headers.first().is_some_and(|h| h.trim() == "_period"),
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn lines_spanned_counts_every_terminator_once() {
        for (text, want) in [
            ("", 1),
            ("a", 1),
            ("a\nb", 2),
            ("a\r\nb", 2),
            ("a\rb\r", 3),
            ("\r\n\r\n", 3),
        ] {
            assert_eq!(lines_spanned(text), want, "{text:?}");
        }
    }

    /// Line breaks where none belongs, or a text cell holding whole rows,
    /// read as records joined by a stray quote; a text cell of several
    /// lines, an "other" text and an unread column do not.
    #[test]
    fn joined_records_are_told_from_text_of_several_lines() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/full.yaml");
        let s = crate::survey::load_survey(&p).unwrap_or_else(|e| panic!("{e}"));
        let cat = Catalog::new(&s, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
        let csv = "Timestamp,team,enps,why_not,reasons_other,notes\n\
            2025-03-01 10:00:00,red,7,\"two\nlines, one comma\",\"x\ny\",\"a\nb\"\n\
            2025-03-01 10:00:00,red,\"7\n\",,,\n\
            2025-03-01 10:00:00,red,7,\"x\n2025-03-02 10:00:00,blue,8,y,,\",,\n\
            2025-03-01 10:00:00,red,7,\"x\nsome, three, commas, here\",,\n";
        let batch = crate::responses::read::packed_all(csv.as_bytes());
        let headers: Vec<String> = Cells::packed(batch.row(0))
            .map(|c| c.iter().map(String::from).collect())
            .unwrap_or_default();
        let (mut rec, mut mapped) = (Reconciliation::default(), BTreeSet::new());
        let cols = plan_columns(&cat, &headers, Path::new("x.csv"), &mut rec, &mut mapped);
        let got: Vec<Option<(&str, usize)>> = (1..batch.len())
            .map(|i| Cells::packed(batch.row(i)).and_then(|c| cols.joined(c, batch.row(i).spans)))
            .collect();
        // A record on one line is not looked into.
        let first = Cells::packed(batch.row(2)).and_then(|c| cols.joined(c, false));
        assert_eq!(first, None);
        assert_eq!(
            got,
            [
                None,
                Some((BREAK_IN_CELL, 2)),
                Some((ROWS_IN_CELL, 3)),
                // No time stamp where the time column is: a comment.
                None,
            ]
        );
        let header = Cells::packed(batch.row(0)).map(|c| cols.is_header(c));
        assert_eq!(header, Some(true));
    }
}
