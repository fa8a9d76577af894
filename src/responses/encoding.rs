//! Text encodings of exports: a file path and an optional encoding in, a
//! byte stream of UTF-8 out (BOM removed). UTF-8 is passed through as is
//! (and checked later, record by record); a UTF-16 BOM switches to UTF-16
//! by itself; any other encoding (`--encoding windows-1252`, the usual
//! "CSV" of Excel in Western European locales) is transcoded on the fly.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Decoder, Encoding, UTF_8};

use crate::diag::{Diagnostic, Pos};
use crate::error::{Error, Result};

/// Bytes read from a file at a time.
pub const BUF: usize = 64 * 1024;

/// The encoding named by a label such as `utf-8`, `windows-1252`, `cp1252`
/// or `latin1` (WHATWG labels).
pub fn parse_label(label: &str) -> Result<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "cp1252" | "win1252" | "windows1252" => "windows-1252",
        "utf8" => "utf-8",
        other => other,
    };
    Encoding::for_label(l.as_bytes()).ok_or_else(|| {
        Error::msg(format!(
            "unknown encoding '{}' (use utf-8 or windows-1252)",
            crate::diag::escape_controls(label)
        ))
    })
}

/// Open `path` as a stream of UTF-8 bytes. `on_read` is told how many raw
/// bytes were read (for the progress bar).
pub fn open(
    path: &Path,
    encoding: Option<&'static Encoding>,
    on_read: Box<dyn FnMut(u64) + Send>,
) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut raw = BufReader::with_capacity(
        BUF,
        Counted {
            inner: file,
            on_read,
        },
    );
    let head = raw.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            diagnostics: vec![
                Diagnostic::error(path, None, "this is a spreadsheet workbook, not a CSV file")
                    .with_hint("open it and save or download it as \"CSV UTF-8\""),
            ],
        });
    }
    let bom = Encoding::for_bom(head);
    let chosen = match (bom, encoding) {
        (Some((enc, _)), _) => enc,
        (None, Some(enc)) => enc,
        (None, None) => UTF_8,
    };
    if chosen == UTF_8 {
        if let Some((_, len)) = bom {
            raw.consume(len);
        }
        return Ok(Box::new(raw));
    }
    Ok(Box::new(Transcode::new(raw, chosen.new_decoder())))
}

/// The error for bytes that are not UTF-8, naming the likely encoding.
pub fn not_utf8(path: &Path, line: u64) -> Error {
    let d = Diagnostic::error(
        path,
        Some(Pos {
            line: line as usize,
            col: 1,
        }),
        "the file is not UTF-8; it looks like Windows-1252 (what Excel saves as \"CSV\" in Western European locales)",
    )
    .with_hint("pass --encoding windows-1252, or save the file as \"CSV UTF-8\"");
    Error::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![d],
    }
}

/// Whether decoded text shows the marks of UTF-8 decoded as Windows-1252
/// ("Ã¸" for "ø", "â€“" for "–").
pub fn looks_like_mojibake(s: &str) -> bool {
    let mut prev = ' ';
    for c in s.chars() {
        if (prev == 'Ã' && ('\u{80}'..='\u{bf}').contains(&c)) || (prev == 'â' && c == '€') {
            return true;
        }
        prev = c;
    }
    // Windows-1252 maps some continuation bytes to other characters.
    s.contains("Ã¸") || s.contains("Ã˜") || s.contains("Ã…") || s.contains("â€")
}

/// Counts the raw bytes read.
struct Counted<R> {
    inner: R,
    on_read: Box<dyn FnMut(u64) + Send>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// Decodes another encoding to UTF-8 as it is read.
pub struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Transcode<R> {
    pub fn new(inner: R, decoder: Decoder) -> Self {
        Transcode {
            inner,
            decoder,
            input: vec![0; BUF],
            in_start: 0,
            in_end: 0,
            output: Vec::new(),
            out_start: 0,
            out_end: 0,
            eof: false,
            done: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let pending = self.in_end - self.in_start;
            let need = self
                .decoder
                .max_utf8_buffer_length(pending)
                .unwrap_or(pending * 3 + 16)
                .max(16);
            if self.output.len() < need {
                self.output.resize(need, 0);
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refill()?;
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], enc: &'static Encoding) -> String {
        let mut out = String::new();
        let mut t = Transcode::new(bytes, enc.new_decoder());
        t.read_to_string(&mut out).unwrap_or_default();
        out
    }

    fn open_bytes(bytes: &[u8], enc: Option<&'static Encoding>) -> Result<String> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tmp", e))?;
        let p = dir.path().join("x.csv");
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
        let mut out = Vec::new();
        open(&p, enc, Box::new(|_| {}))?
            .read_to_end(&mut out)
            .map_err(|e| Error::io(&p, e))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn open_strips_boms_follows_utf16_and_refuses_workbooks() {
        let ok = |b: &[u8], e| open_bytes(b, e).unwrap_or_else(|e| e.to_string());
        assert_eq!(ok(b"\xef\xbb\xbfa,b", None), "a,b");
        assert_eq!(ok(b"a,\xc3\xb8", None), "a,ø");
        assert_eq!(ok(b"\xff\xfea\x00,\x00\xf8\x00", None), "a,ø");
        assert_eq!(ok(b"a,\xf8", Some(encoding_rs::WINDOWS_1252)), "a,ø");
        let err = open_bytes(b"PK\x03\x04rest", None)
            .err()
            .map(|e| format!("{e:?}"));
        assert!(err.is_some_and(|e| e.contains("spreadsheet workbook")));
    }

    #[test]
    fn spots_utf8_read_as_windows_1252() {
        let w = encoding_rs::WINDOWS_1252;
        assert!(looks_like_mojibake(&decode("Tromsø – å".as_bytes(), w)));
        assert!(looks_like_mojibake(&decode("ÆØÅ".as_bytes(), w)));
        assert!(!looks_like_mojibake("Tromsø – åÆØÅ"));
        assert!(!looks_like_mojibake(&decode(b"Troms\xf8", w)));
    }

    #[test]
    fn labels() {
        for (label, want) in [
            ("windows-1252", "windows-1252"),
            ("CP1252", "windows-1252"),
            ("latin1", "windows-1252"),
            ("utf8", "UTF-8"),
            ("UTF-8", "UTF-8"),
        ] {
            assert_eq!(parse_label(label).map(|e| e.name()).ok(), Some(want));
        }
        assert!(parse_label("klingon").is_err());
    }

    #[test]
    fn transcodes_windows_1252_and_utf16() {
        let w = encoding_rs::WINDOWS_1252;
        assert_eq!(decode(b"Troms\xf8 \x96 \xc6\xd8\xc5", w), "Tromsø – ÆØÅ");
        // A UTF-8 BOM wins over the label.
        assert_eq!(decode(b"\xef\xbb\xbf\xc3\xb8", w), "ø");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,ø".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16, encoding_rs::UTF_16LE), "a,ø");
        let long = vec![0xe6u8; BUF * 2 + 7];
        assert_eq!(decode(&long, w).chars().count(), BUF * 2 + 7);
    }
}
