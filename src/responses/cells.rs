//! A row's text and where it holds each question: its [`Cells`] (a
//! record's, checked to be UTF-8, or a submission's fields), the
//! [`Slot`]s that name the cells of one question, and the blank and trim
//! rules every reader shares.

/// The text of one row: a record's cells (checked to be UTF-8 at every
/// cell boundary) or a submission's fields.
#[derive(Clone, Copy)]
pub enum Cells<'a> {
    Packed { ends: &'a [usize], all: &'a str },
    Fields(&'a [(String, String)]),
}

/// A record's bytes as text when they are UTF-8 and every cell end falls
/// between characters, so each cell is text too.
fn cells_text<'a>(row: super::read::Row<'a>) -> Option<&'a str> {
    let (bytes, ends) = (row.bytes, row.ends);
    let all = match row.text {
        Some(t) => t,
        None => simdutf8::basic::from_utf8(bytes).ok()?,
    };
    // As `str::is_char_boundary` for each end, every end looked at: no
    // byte that continues a character (0x80 to 0xbf) at an end.
    let between = ends.iter().fold(true, |ok, &e| {
        ok & bytes
            .get(e)
            .map_or(e == bytes.len(), |&b| (b as i8) >= -0x40)
    });
    between.then_some(all)
}

/// Where cell `i` lies in a record whose cells end at `ends`.
#[inline]
fn span(ends: &[usize], i: usize) -> Option<std::ops::Range<usize>> {
    let end = *ends.get(i)?;
    let start = match i {
        0 => 0,
        _ => ends[i - 1],
    };
    Some(start..end)
}

impl<'a> Cells<'a> {
    /// A record's cells as text, or `None` when it is not UTF-8 (a cell
    /// boundary inside a character fails too).
    pub fn packed(row: super::read::Row<'a>) -> Option<Cells<'a>> {
        let all = cells_text(row)?;
        Some(Cells::Packed {
            ends: row.ends,
            all,
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Cells::Packed { ends, .. } => ends.len(),
            Cells::Fields(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell (or field value) `i`; `""` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> &'a str {
        match self {
            Cells::Packed { ends, all } => span(ends, i).and_then(|r| all.get(r)).unwrap_or(""),
            Cells::Fields(f) => f.get(i).map_or("", |(_, v)| v.as_str()),
        }
    }

    /// Cell (or field value) `i` as bytes when it is not [`blank`]: the
    /// bytes of [`Cells::get`], without the checks that cutting a `&str`
    /// makes (a record's cell ends were checked in [`Cells::packed`]).
    #[inline]
    pub fn filled(&self, i: usize) -> Option<&'a [u8]> {
        let b = match self {
            Cells::Packed { ends, all } => all.as_bytes().get(span(ends, i)?)?,
            Cells::Fields(f) => f.get(i)?.1.as_bytes(),
        };
        match b.first() {
            Some(f) if f.is_ascii_graphic() => Some(b),
            None => None,
            _ => self.filled_slowly(i, b),
        }
    }

    /// [`Cells::filled`] for a cell that starts with white space or a
    /// letter beyond ASCII.
    #[cold]
    fn filled_slowly(&self, i: usize, b: &'a [u8]) -> Option<&'a [u8]> {
        (!blank(self.get(i))).then_some(b)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// `v` without white space at either end; the usual cell, which starts
/// and ends with a visible ASCII character, is returned as it is at once.
pub fn trim(v: &str) -> &str {
    let b = v.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => v,
        _ => v.trim(),
    }
}

/// Whether a cell holds nothing but white space.
pub fn blank(v: &str) -> bool {
    match v.as_bytes().first() {
        None => true,
        Some(f) if f.is_ascii_graphic() => false,
        _ => v.trim().is_empty(),
    }
}

/// Where one row holds what for one question: indexes into its [`Cells`].
#[derive(Debug, Clone, Default)]
pub struct Slot {
    /// The question's own cells / repeated fields.
    pub values: Vec<u32>,
    /// One field per option (`q__value`): (option index, cell).
    pub flags: Vec<(u32, u32)>,
    /// Matrix rows (`q__row`): (row index, cell).
    pub rows: Vec<(u32, u32)>,
    pub other: Option<u32>,
    pub year: Option<u32>,
    pub month: Option<u32>,
}

impl Slot {
    /// The slot of a question held by cell `c` alone.
    pub fn single(c: u32) -> Slot {
        Slot {
            values: vec![c],
            ..Slot::default()
        }
    }

    /// Whether the slot names no cell besides its own `values`.
    fn values_alone(&self) -> bool {
        self.flags.is_empty()
            && self.rows.is_empty()
            && self.other.is_none()
            && self.year.is_none()
            && self.month.is_none()
    }

    /// The one cell of a slot that holds nothing else.
    pub fn single_cell(&self) -> Option<u32> {
        match self.values.as_slice() {
            [c] if self.values_alone() => Some(*c),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.values_alone()
    }

    /// Empty again, keeping the buffers.
    pub fn clear(&mut self) {
        self.values.clear();
        self.flags.clear();
        self.rows.clear();
        self.other = None;
        self.year = None;
        self.month = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells of the first record of `csv`, if they are text.
    fn first(csv: &[u8]) -> Option<Vec<String>> {
        let batch = crate::responses::read::packed_all(csv);
        Cells::packed(batch.row(0)).map(|c| c.iter().map(String::from).collect())
    }

    #[test]
    fn a_record_is_text_only_when_every_cell_is() {
        assert_eq!(
            first("å,x,\"ø,\"\n".as_bytes()),
            Some(vec!["å".into(), "x".into(), "ø,".into()])
        );
        // The two halves of "å" in two cells: the cells side by side are
        // UTF-8, each cell alone is not.
        assert_eq!(first(b"\xc3,\xa5\n"), None);
        assert_eq!(first(b"a,\xc3\n"), None);
        assert_eq!(first(b"\xa5,a\n"), None);
    }

    proptest::proptest! {
        /// A batch checked as a whole gives every record the text, or
        /// the "not UTF-8", that checking it alone gives: also when a
        /// character's bytes are split between two records, so that the
        /// batch is UTF-8 and neither record is.
        #[test]
        fn a_batch_checked_whole_reads_as_its_records_checked_alone(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", ",", "\"", "\n", "\r\n", "é", "€",
                // A character cut by a delimiter or a record's end.
                "\u{1}\u{3}", "\u{1}\n\u{3}", "\u{2}\u{4}\n\u{5}",
                // Not UTF-8 anywhere.
                "\u{6}",
            ]), 0..80),
        ) {
            let data: Vec<u8> = pieces
                .concat()
                .bytes()
                .map(|b| match b {
                    1 => 0xc3,
                    3 => 0xa9,
                    2 => 0xe2,
                    4 => 0x82,
                    5 => 0xac,
                    6 => 0xff,
                    b => b,
                })
                .collect();
            let batch = crate::responses::read::packed_all(&data);
            let texts = |c: Cells| c.iter().map(String::from).collect::<Vec<_>>();
            let whole: Vec<_> = batch.rows().map(|r| Cells::packed(r).map(texts)).collect();
            let alone: Vec<_> = (0..batch.len())
                .map(|i| Cells::packed(batch.row(i)).map(texts))
                .collect();
            proptest::prop_assert_eq!(whole, alone);
        }
    }
}
