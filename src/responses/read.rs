//! The ONE csv configuration of the project: every CSV farvel reads or
//! writes goes through [`reader`] and [`writer`], so quoting, record
//! terminators and flexibility are the same everywhere. Also the delimiter
//! sniffer: the header line's bytes in, `,` or `;` out.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::rc::Rc;

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

/// Line numbers of records. The csv crate counts only `\n` and counts it
/// late after a `\r`, so a [`LineTracking`] reader notes where every line
/// break (`\r\n`, `\r` or `\n`) ends and [`Lines::line_at`] turns a
/// record's start byte into its 1-based line. Only the breaks of the bytes
/// read ahead are kept.
#[derive(Debug, Default)]
pub struct Lines {
    breaks: VecDeque<u64>,
    passed: u64,
    pos: u64,
    last_cr: bool,
}

impl Lines {
    fn scan(&mut self, bytes: &[u8]) {
        for j in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let after_cr = match j {
                0 => self.last_cr,
                _ => bytes[j - 1] == b'\r',
            };
            // A `\n` right after a `\r` ends the same break.
            if bytes[j] == b'\r' || !after_cr {
                self.breaks.push_back(self.pos + j as u64 + 1);
            }
        }
        if let Some(&last) = bytes.last() {
            self.last_cr = last == b'\r';
        }
        self.pos += bytes.len() as u64;
    }

    /// The line on which the byte at `offset` lies (offsets only grow).
    pub fn line_at(&mut self, offset: u64) -> u64 {
        while self.breaks.front().is_some_and(|&b| b <= offset) {
            self.breaks.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// A reader that feeds [`Lines`].
pub struct LineTracking<R> {
    pub inner: R,
    pub lines: Rc<RefCell<Lines>>,
}

impl<R: Read> Read for LineTracking<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines.borrow_mut().scan(&buf[..n]);
        Ok(n)
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

    #[test]
    fn line_numbers_for_every_terminator() {
        for data in [
            &b"h\r\na\r\n\"x\r\ny\"\r\nb\r\n"[..],
            b"h\na\n\"x\ny\"\nb\n",
            b"h\ra\r\"x\ry\"\rb\r",
        ] {
            let lines = Rc::new(RefCell::new(Lines::default()));
            let input = LineTracking {
                inner: data,
                lines: lines.clone(),
            };
            let mut r = reader(input, b',');
            let mut rec = csv::ByteRecord::new();
            let mut got = Vec::new();
            while r.read_byte_record(&mut rec).unwrap_or(false) {
                let at = rec.position().map_or(0, |p| p.byte());
                got.push(lines.borrow_mut().line_at(at));
            }
            assert_eq!(got, [1, 2, 3, 5], "{}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn line_breaks_split_between_reads_count_once() {
        let data = b"a\r\nb\rc\n\r\nd";
        for chunk in 1..data.len() {
            let mut lines = Lines::default();
            for part in data.chunks(chunk) {
                lines.scan(part);
            }
            let got: Vec<u64> = lines.breaks.iter().copied().collect();
            assert_eq!(got, [2, 5, 7, 8], "chunks of {chunk}");
        }
    }
}
