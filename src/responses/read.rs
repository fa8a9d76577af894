//! The ONE csv configuration of the project: every CSV farvel reads or
//! writes goes through [`reader`], [`Packed`] (the same parser and settings,
//! reading records straight into [`Batch`]es for the ingest workers) and
//! [`writer`], so quoting, record terminators and flexibility are the same
//! everywhere. Also the delimiter sniffer: the header line's bytes in, `,`
//! or `;` out, and the line numbers of records.

use std::io::{BufRead, Read, Write};

/// A reader over `input`: RFC 4180 quoting with doubled quotes, CRLF, LF or
/// a lone CR ending records, rows of any length (the caller compares each
/// with the header), no header handling (the caller reads the first record
/// itself so that it knows its line).
pub fn reader<R: Read>(input: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(true)
        .double_quote(true)
        .terminator(csv::Terminator::CRLF)
        // As large as the file reader's buffer, which then hands its reads
        // straight through instead of copying them once more.
        .buffer_capacity(super::encoding::BUF)
        .from_reader(input)
}

/// The parser under [`reader`], with the same settings, for [`Packed`].
fn core_reader(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(true)
        .double_quote(true)
        .terminator(csv_core::Terminator::CRLF)
        .build()
}

/// Records read straight into [`Batch`]es: the [`reader`]'s parser (the
/// same records, from the same byte offsets) without a record of its own
/// to copy them out of.
pub struct Packed<R> {
    core: csv_core::Reader,
    input: std::io::BufReader<R>,
    /// Bytes consumed so far: where the next record starts.
    pos: u64,
    /// The `\r` line breaks among them (the parser counts the `\n`s).
    crs: Crs,
    /// The line on which the last record read starts.
    line: u64,
    done: bool,
}

impl<R: Read> Packed<R> {
    pub fn new(input: R, delimiter: u8) -> Self {
        Packed {
            core: core_reader(delimiter),
            input: std::io::BufReader::with_capacity(super::encoding::BUF, input),
            pos: 0,
            crs: Crs::default(),
            line: 1,
            done: false,
        }
    }

    /// The line on which the last record read starts (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Read the next record onto the end of `batch`: the byte offset at
    /// which it starts, or `None` at the end of the input.
    pub fn read(&mut self, batch: &mut Batch) -> std::io::Result<Option<u64>> {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return Ok(None);
        }
        let start = self.pos;
        // The parser's line: 1 + the `\n`s it has consumed.
        let line = self.core.line() + self.crs.lone;
        let (b0, e0) = (batch.used, batch.nends);
        let (mut out, mut ends) = (0, 0);
        loop {
            let input = self.input.fill_buf()?;
            // At the end of the input, the last record has no terminator.
            let end_of_input = input.is_empty();
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                &mut batch.bytes[b0 + out..],
                &mut batch.ends[e0 + ends..],
            );
            self.crs.scan(&input[..nin]);
            self.input.consume(nin);
            self.pos += nin as u64;
            out += nout;
            ends += nend;
            match res {
                R::InputEmpty => {}
                R::OutputFull => grow(&mut batch.bytes),
                R::OutputEndsFull => grow(&mut batch.ends),
                R::Record => {
                    self.line = line;
                    // The line the reader is on now: one past the record's
                    // first line (the same line, for a last record without
                    // a terminator), unless line breaks lie inside its cells.
                    let now = self.core.line() + self.crs.lone;
                    let next = line + u64::from(!end_of_input);
                    batch.rows.push((b0, e0));
                    batch.spans.push(now > next);
                    batch.used += out;
                    batch.nends += ends;
                    return Ok(Some(start));
                }
                R::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

/// Every record of `data` (comma-separated), for tests.
#[cfg(test)]
pub fn packed_all(data: &[u8]) -> Batch {
    let mut p = Packed::new(data, b',');
    let mut batch = Batch::default();
    while let Ok(Some(_)) = p.read(&mut batch) {}
    batch
}

/// Double `v`'s length (at least 1024), filling with zeros.
fn grow<T: Clone + Default>(v: &mut Vec<T>) {
    let n = (v.len() * 2).max(1024);
    v.resize(n, T::default());
}

/// Records packed end to end in one buffer, so that a worker reads a
/// batch as one run of memory. Filled by [`Packed::read`].
#[derive(Default)]
pub struct Batch {
    /// The records' bytes in `..used`; beyond, room for the next.
    bytes: Vec<u8>,
    used: usize,
    /// Every record's cell ends, relative to the record's first byte, in
    /// `..nends`; beyond, room for the next.
    ends: Vec<usize>,
    nends: usize,
    /// Per record: where its bytes and its ends start.
    rows: Vec<(usize, usize)>,
    /// Per record: whether it may span several lines of the input (line
    /// breaks inside quoted cells, or blank lines skipped before it).
    spans: Vec<bool>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.used = 0;
        self.nends = 0;
        self.rows.clear();
        self.spans.clear();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Record `i` (below [`Batch::len`]).
    pub fn row(&self, i: usize) -> Row<'_> {
        self.row_in(i, None)
    }

    /// Record `i`, its text cut from `all` (the whole batch's text, if
    /// it is UTF-8).
    fn row_in<'a>(&'a self, i: usize, all: Option<&'a str>) -> Row<'a> {
        let (b, e) = self.rows[i];
        let (b_end, e_end) = self
            .rows
            .get(i + 1)
            .copied()
            .unwrap_or((self.used, self.nends));
        Row {
            bytes: &self.bytes[b..b_end],
            ends: &self.ends[e..e_end],
            spans: self.spans.get(i).copied().unwrap_or(true),
            // `None` when the record starts or ends inside a character.
            text: all.and_then(|t| t.get(b..b_end)),
        }
    }

    /// Every record in order. The batch's bytes are checked to be UTF-8
    /// once, as a whole, which is quicker than record by record; then
    /// each record that starts and ends between characters is text
    /// already ([`Row::text`]).
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        let all = simdutf8::basic::from_utf8(&self.bytes[..self.used]).ok();
        (0..self.len()).map(move |i| self.row_in(i, all))
    }
}

/// One record of a [`Batch`]: its bytes and where each cell ends.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [usize],
    /// Whether the record may span several lines of the input: only then
    /// may its cells hold line breaks (blank lines skipped before it set
    /// it too).
    pub spans: bool,
    /// The bytes as text, when known to be UTF-8 already; `None` says
    /// only that they have not been checked.
    pub text: Option<&'a str>,
}

impl<'a> Row<'a> {
    /// Cell `i`'s bytes, if there is such a cell.
    pub fn cell(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        self.bytes.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// A writer: `,`, quotes only where needed, `""` escaping, CRLF records.
pub fn writer<W: Write>(output: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b',')
        .quote_style(csv::QuoteStyle::Necessary)
        .double_quote(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(output)
}

/// Guess the delimiter from the start of a file: count `,` and `;` outside
/// quotes on the first line; `;` wins only when it is the more frequent.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let (mut commas, mut semis, mut quoted) = (0usize, 0usize, false);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
    }
    if semis > commas { b';' } else { b',' }
}

/// The line breaks (`\r\n`, `\r` or `\n`) that the parser's line count
/// misses, counted in bytes given in turn: it counts every `\n`, so a
/// record starts on its line plus the `\r`s not followed by a `\n`. (The
/// csv crate's records count only `\n`, and count it late after a `\r`.)
#[derive(Debug, Default)]
struct Crs {
    /// The lone `\r`s, a `\r` at the end of the bytes so far included.
    lone: u64,
    last_cr: bool,
}

impl Crs {
    fn scan(&mut self, bytes: &[u8]) {
        // The `\r` that ended the last bytes was half of a `\r\n`.
        if self.last_cr && bytes.first() == Some(&b'\n') {
            self.lone -= 1;
        }
        for j in memchr::memchr_iter(b'\r', bytes) {
            if bytes.get(j + 1) != Some(&b'\n') {
                self.lone += 1;
            }
        }
        if let Some(&last) = bytes.last() {
            self.last_cr = last == b'\r';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_header_line() {
        let table: [(&[u8], u8); 6] = [
            (b"a,b,c\r\n1;2;3", b','),
            (b"a;b;c\n1,2,3", b';'),
            (b"\"x;y;z\",b\n", b','),
            (b"a;\"b,c,d\";e\n", b';'),
            (b"single\n", b','),
            (b"", b','),
        ];
        for (head, want) in table {
            assert_eq!(
                sniff_delimiter(head),
                want,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn reads_every_record_terminator_and_quoting() {
        let data = b"a,b\r\n1,\"x\r\ny\"\n2,\"say \"\"hi\"\"\"\r3,4";
        let mut r = reader(&data[..], b',');
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|r| r.map(|r| r.iter().map(String::from).collect()))
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1][1], "x\r\ny");
        assert_eq!(rows[2][1], "say \"hi\"");
        assert_eq!(rows[3], ["3", "4"]);
    }

    /// 1 + the line breaks before byte `at`: a `\r` or a `\n` each, but
    /// a `\r\n` once.
    fn line_of(data: &[u8], at: u64) -> u64 {
        let before = &data[..at as usize];
        let crlf = before.windows(2).filter(|w| w == b"\r\n").count();
        let breaks = before.iter().filter(|&&b| b == b'\r' || b == b'\n').count();
        (1 + breaks - crlf) as u64
    }

    /// A record read: its offset, its line and its cells.
    type Read1 = (u64, u64, Vec<Vec<u8>>);

    /// Whether a record's cells hold a line break.
    fn has_break(cells: &[Vec<u8>]) -> bool {
        cells.iter().flatten().any(|&b| b == b'\n' || b == b'\r')
    }

    /// Records as the csv reader reads them, and as [`Packed`] does from
    /// input arriving in pieces of `chunk` bytes.
    fn both(data: &[u8], chunk: usize) -> [Vec<Read1>; 2] {
        let mut r = reader(data, b',');
        let mut rec = csv::ByteRecord::new();
        let mut want = Vec::new();
        while r.read_byte_record(&mut rec).unwrap_or(false) {
            let at = rec.position().map_or(0, |p| p.byte());
            let cells = rec.iter().map(<[u8]>::to_vec).collect();
            want.push((at, line_of(data, at), cells));
        }
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut p = Packed::new(Chunks(data, chunk.max(1)), b',');
        let mut batch = Batch::default();
        let mut got = Vec::new();
        while let Ok(Some(at)) = p.read(&mut batch) {
            let row = batch.row(batch.len() - 1);
            let cells: Vec<Vec<u8>> = (0..row.len())
                .filter_map(|i| row.cell(i))
                .map(<[u8]>::to_vec)
                .collect();
            // Blank lines skipped before a record may flag it too.
            assert!(row.spans || !has_break(&cells), "{cells:?}");
            got.push((
                at,
                p.line(),
                (0..row.len())
                    .filter_map(|i| row.cell(i))
                    .map(<[u8]>::to_vec)
                    .collect(),
            ));
        }
        [want, got]
    }

    proptest::proptest! {
        /// Packed reading is the csv reader's reading: the same records
        /// from the same offsets, on the same lines, however the input
        /// arrives.
        #[test]
        fn packed_reads_what_the_reader_reads(
            data in proptest::collection::vec(proptest::sample::select(
                vec![b'a', b'b', b',', b'"', b'\r', b'\n', 0xc3, 0xb8, b' ']), 0..300),
            chunk in 1usize..70,
        ) {
            let [want, got] = both(&data, chunk);
            proptest::prop_assert_eq!(want, got);
        }
    }

    #[test]
    fn packed_records_read_as_their_cells() {
        use crate::responses::cells::Cells;
        // Long enough that the batch's buffers grow while a record is read.
        let long = "x".repeat(5000);
        let data = format!("a,,\u{f8}l,\"c,d\"\r\n\n\"\"\nbl\u{e5},x\n{long},\"{long}\r\n\"\n");
        let mut bytes = data.into_bytes();
        // UTF-8 as a whole, but a cell ends inside the character; not UTF-8.
        bytes.extend_from_slice(b"a\xc3,\xa9b\nok,\xff\n");
        let [want, got] = both(&bytes, 7);
        assert_eq!(want, got);
        let batch = packed_all(&bytes);
        let texts = |c: Option<Cells>| c.map(|c| c.iter().map(String::from).collect::<Vec<_>>());
        let rows: Vec<Option<Vec<String>>> = (0..batch.len())
            .map(|i| texts(Cells::packed(batch.row(i))))
            .collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(
            rows[0],
            Some(vec!["a".into(), "".into(), "\u{f8}l".into(), "c,d".into()])
        );
        assert_eq!(rows[1], Some(vec!["".into()]));
        assert_eq!(rows[3].as_ref().map(|r| r[1].len()), Some(5002));
        assert_eq!(rows[4], None);
        assert_eq!(rows[5], None);
    }

    #[test]
    fn line_numbers_for_every_terminator() {
        for data in [
            &b"h\r\na\r\n\"x\r\ny\"\r\nb\r\n"[..],
            b"h\na\n\"x\ny\"\nb\n",
            b"h\ra\r\"x\ry\"\rb\r",
        ] {
            // Every split of the input, so that a `\r\n` falls between reads.
            for chunk in 1..=data.len() {
                let [_, got] = both(data, chunk);
                let lines: Vec<u64> = got.iter().map(|r| r.1).collect();
                assert_eq!(lines, [1, 2, 3, 5], "{}", String::from_utf8_lossy(data));
            }
        }
    }
}
