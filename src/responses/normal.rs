//! The normalised CSV (documented in `docs/normalised-csv.md`): responses
//! in, one canonical file out — `_period`, then per question `q` (matrix:
//! `q__row` per row) and `q_other` where "other" is allowed; values in
//! canonical form; rows sorted by their bytes so arrival order is gone.
//! Sorting uses bounded memory: beyond `limit` rows, sorted runs are
//! spilled to temporary files and merged. The file is written owner-only
//! (0600) through a temporary file and a rename.
//! [`super::read_responses`] reads the format back like any export.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::answers::{Answer, Response};
use crate::error::{Error, Result};
use crate::survey::{Kind, Survey};

use super::read;

/// Rows kept in memory before a sorted run is spilled.
pub const DEFAULT_LIMIT: usize = 100_000;

/// The header of the normalised CSV for `survey`.
pub fn header(survey: &Survey) -> Vec<String> {
    let mut h = vec!["_period".to_string()];
    for q in survey.questions().filter(|q| q.is_answerable()) {
        match &q.kind {
            Kind::Matrix { rows, .. } => {
                h.extend(rows.keys().map(|r| format!("{}__{r}", q.id)));
            }
            k => {
                h.push(q.id.clone());
                if k.allows_other() {
                    h.push(format!("{}_other", q.id));
                }
            }
        }
    }
    h
}

/// A number as written in the normalised file: integers without a point,
/// others in the shortest form that reads back exactly.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Whether a spreadsheet would read a text cell starting this way as a
/// formula (`=`, `+`, `-`, `@`, and tab or carriage return before one),
/// or the cell starts with the `'` that neutralises one.
fn formula_like(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    )
}

/// A text as the normalised CSV writes it: with a leading `'` when it
/// starts with `=`, `+`, `-`, `@`, tab, carriage return or `'`, so that a
/// spreadsheet opening the file shows it as text and never runs it.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A text cell of a normalised CSV as it was before [`neutralise`]:
/// exactly one leading `'` removed when what follows it is formula-like
/// (or another `'`).
pub fn unneutralise(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => s,
    }
}

fn cell(a: &Answer) -> String {
    match a {
        Answer::Choice(v) => v.clone(),
        Answer::Text(v) => neutralise(v).into_owned(),
        Answer::Multi(vs) | Answer::Ranking(vs) => vs.join("|"),
        Answer::YesNo(b) => if *b { "yes" } else { "no" }.into(),
        Answer::Number(x) => format_number(*x),
        Answer::Month { year, month } => format!("{year:04}-{month:02}"),
        Answer::Point(p) => p.to_string(),
        Answer::Matrix(_) => String::new(),
    }
}

/// The cells of one response, in [`header`] order.
pub fn record(survey: &Survey, r: &Response) -> Vec<String> {
    let mut out = vec![r.period.map(|p| p.to_string()).unwrap_or_default()];
    for q in survey.questions().filter(|q| q.is_answerable()) {
        let a = r.answers.get(&q.id);
        match &q.kind {
            Kind::Matrix { rows, .. } => {
                for row in rows.keys() {
                    let p = match a {
                        Some(Answer::Matrix(m)) => m.get(row).map(|p| p.to_string()),
                        _ => None,
                    };
                    out.push(p.unwrap_or_default());
                }
            }
            k => {
                out.push(a.map(cell).unwrap_or_default());
                if k.allows_other() {
                    let other = r.other.get(&q.id).map(|t| neutralise(t).into_owned());
                    out.push(other.unwrap_or_default());
                }
            }
        }
    }
    out
}

fn csv_line(cells: &[String]) -> Result<Vec<u8>> {
    let mut w = read::writer(Vec::new());
    w.write_record(cells)
        .map_err(|e| Error::msg(format!("cannot write a CSV record: {e}")))?;
    w.into_inner()
        .map_err(|e| Error::msg(format!("cannot write a CSV record: {}", e.error())))
}

/// A byte buffer the row writer fills and `push` empties.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Shared {
    fn take(&self) -> std::io::Result<Vec<u8>> {
        let mut b = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("row buffer"))?;
        Ok(std::mem::take(&mut *b))
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut b = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("row buffer"))?;
        b.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Collects responses and writes them sorted.
pub struct NormalWriter<'s> {
    survey: &'s Survey,
    /// One CSV writer reused for every row, writing into `bytes`.
    line: csv::Writer<Shared>,
    bytes: Shared,
    out: PathBuf,
    limit: usize,
    buf: Vec<Vec<u8>>,
    runs: Vec<File>,
    rows: u64,
}

impl<'s> NormalWriter<'s> {
    pub fn new(survey: &'s Survey, out: &Path) -> Self {
        let bytes = Shared::default();
        NormalWriter {
            survey,
            line: read::writer(bytes.clone()),
            bytes,
            out: out.to_path_buf(),
            limit: DEFAULT_LIMIT,
            buf: Vec::new(),
            runs: Vec::new(),
            rows: 0,
        }
    }

    /// Spill sorted runs beyond `limit` rows in memory (at least 1).
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    fn dir(&self) -> PathBuf {
        match self.out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    pub fn push(&mut self, r: &Response) -> Result<()> {
        let fail =
            |e: &dyn std::fmt::Display| Error::msg(format!("cannot write a CSV record: {e}"));
        self.line
            .write_record(record(self.survey, r))
            .map_err(|e| fail(&e))?;
        self.line.flush().map_err(|e| fail(&e))?;
        let bytes = self.bytes.take().map_err(|e| fail(&e))?;
        self.buf.push(bytes);
        self.rows += 1;
        if self.buf.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// How many temporary runs were written (for tests).
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    fn spill(&mut self) -> Result<()> {
        let dir = self.dir();
        crate::fsutil::create_dir_all(&dir)?;
        self.buf.sort_unstable();
        let file = tempfile::tempfile_in(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut w = BufWriter::new(file);
        for line in self.buf.drain(..) {
            w.write_all(&(line.len() as u64).to_le_bytes())
                .and_then(|_| w.write_all(&line))
                .map_err(|e| Error::io(&dir, e))?;
        }
        let mut file = w
            .into_inner()
            .map_err(|e| Error::io(&dir, e.into_error()))?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(&dir, e))?;
        self.runs.push(file);
        Ok(())
    }

    /// Write the file (mode 0600, atomically) and return the row count.
    pub fn finish(mut self) -> Result<u64> {
        let dir = self.dir();
        crate::fsutil::create_dir_all(&dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| Error::io(&dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::io(&self.out, e))?;
        }
        let out = self.out.clone();
        let io = |e: std::io::Error| Error::io(&out, e);
        {
            let mut w = BufWriter::new(tmp.as_file_mut());
            w.write_all(&csv_line(&header(self.survey))?).map_err(io)?;
            if self.runs.is_empty() {
                self.buf.sort_unstable();
                for line in &self.buf {
                    w.write_all(line).map_err(io)?;
                }
            } else {
                if !self.buf.is_empty() {
                    self.spill()?;
                }
                merge(std::mem::take(&mut self.runs), &mut w, &out)?;
            }
            w.flush().map_err(io)?;
        }
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&self.out)
            .map_err(|e| Error::io(&self.out, e.error))?;
        Ok(self.rows)
    }
}

fn next_line(r: &mut BufReader<File>) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut line = vec![0u8; u64::from_le_bytes(len) as usize];
    r.read_exact(&mut line)?;
    Ok(Some(line))
}

fn merge(runs: Vec<File>, w: &mut impl Write, out: &Path) -> Result<()> {
    let io = |e: std::io::Error| Error::io(out, e);
    let mut readers: Vec<BufReader<File>> = runs.into_iter().map(BufReader::new).collect();
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(line) = next_line(r).map_err(io)? {
            heap.push(Reverse((line, i)));
        }
    }
    while let Some(Reverse((line, i))) = heap.pop() {
        w.write_all(&line).map_err(io)?;
        if let Some(next) = next_line(&mut readers[i]).map_err(io)? {
            heap.push(Reverse((next, i)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Period;

    fn survey() -> Survey {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini.yaml");
        crate::survey::load_survey(&path).unwrap_or_else(|e| panic!("mini.yaml: {e}"))
    }

    fn resp(i: u32) -> Response {
        let mut r = Response {
            period: Some(Period::Quarter {
                year: 2025,
                quarter: (i % 4 + 1) as u8,
            }),
            ..Response::default()
        };
        r.answers
            .insert("enps".into(), Answer::Point(i64::from(i % 11)));
        r.answers.insert(
            "factors".into(),
            Answer::Multi(vec!["workload".into(), "culture".into()]),
        );
        r.answers.insert(
            "improve".into(),
            Answer::Text(format!("line {i}\nnext, \"q\"")),
        );
        r
    }

    fn write(limit: usize, n: u32) -> (Vec<u8>, usize) {
        let s = survey();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join("sub/normal.csv");
        let mut w = NormalWriter::new(&s, &out).with_limit(limit);
        for i in (0..n).rev() {
            w.push(&resp(i * 7 % n)).unwrap_or_else(|e| panic!("{e}"));
        }
        let runs = w.runs();
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out)
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            assert_eq!(mode & 0o777, 0o600);
        }
        (std::fs::read(&out).unwrap_or_default(), runs)
    }

    #[test]
    fn formula_like_texts_are_neutralised_and_back() {
        let table = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'quoted'", "''quoted'"),
            ("''", "'''"),
            ("plain", "plain"),
            (" =spaced", " =spaced"),
            ("a=b", "a=b"),
            ("", ""),
        ];
        for (text, written) in table {
            assert_eq!(neutralise(text), written, "{text:?}");
            assert_eq!(unneutralise(written), text, "{written:?}");
        }
        // A cell that was never neutralised keeps its `'`.
        assert_eq!(unneutralise("'plain"), "'plain");
        // Numbers are not text: -3 stays.
        assert_eq!(cell(&Answer::Number(-3.0)), "-3");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Text answers and "other" texts, however they start, are written
        /// neutralised and read back exactly.
        #[test]
        fn any_text_survives_write_and_read(
            texts in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", " =", "-3"]),
                    proptest::prelude::any::<String>(),
                    proptest::sample::select(vec!["", "=", "@", "'", "-", "''+"]),
                    "[a-z =+@'\t\n,\"|;-]{0,12}",
                ),
                1..12,
            )
        ) {
            use crate::answers::Granularity;
            let s = survey();
            // As ingest keeps them: line ends `\n`; "other" trimmed; never blank.
            let canonical = |t: String| t.replace("\r\n", "\n").replace('\r', "\n");
            let people: Vec<(String, String)> = texts
                .into_iter()
                .map(|(a, b, c, d)| (canonical(format!("{a}{b}")), canonical(format!("{c}{d}")).trim().to_string()))
                .filter(|(t, o)| !t.trim().is_empty() && !o.is_empty())
                .collect();
            proptest::prop_assume!(!people.is_empty());
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let out = dir.path().join("normal.csv");
            let mut w = NormalWriter::new(&s, &out);
            for (text, other) in &people {
                let mut r = Response {
                    period: Some(Period::Quarter { year: 2025, quarter: 1 }),
                    ..Response::default()
                };
                r.answers.insert("reason".into(), Answer::Choice("other".into()));
                r.other.insert("reason".into(), other.clone());
                r.answers.insert("workload".into(), Answer::Point(4));
                r.answers.insert("improve".into(), Answer::Text(text.clone()));
                w.push(&r).unwrap_or_else(|e| panic!("{e}"));
            }
            w.finish().unwrap_or_else(|e| panic!("{e}"));
            let opts = super::super::ReadOptions {
                map: None,
                encoding: None,
                delimiter: None,
                date_order: None,
                granularity: Granularity::Quarter,
                progress: false,
                key: None,
                key_source: Default::default(),
                accept_fingerprints: Vec::new(),
            };
            let (rec, sinks) = super::super::read_responses(&s, &[out], &opts, vec![Vec::<Response>::new()])
                .unwrap_or_else(|e| panic!("{e}"));
            proptest::prop_assert_eq!(rec.used(), people.len() as u64);
            proptest::prop_assert!(rec.dropped_answers.is_empty(), "{:?}", rec.dropped_answers);
            let mut got: Vec<(String, String)> = sinks
                .into_iter()
                .flatten()
                .map(|r| {
                    let t = match r.answers.get("improve") {
                        Some(Answer::Text(t)) => t.clone(),
                        other => format!("{other:?}"),
                    };
                    (t, r.other.get("reason").cloned().unwrap_or_default())
                })
                .collect();
            let mut want = people;
            got.sort();
            want.sort();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn header_follows_the_naming_table() {
        assert_eq!(
            header(&survey()).join(","),
            "_period,reason,reason_other,factors,workload,enps,improve"
        );
    }

    #[test]
    fn external_sort_gives_the_same_bytes_as_in_memory() {
        let (small, runs) = write(7, 50);
        assert!(runs >= 6, "{runs} runs");
        let (big, none) = write(1000, 50);
        assert_eq!(none, 0);
        assert_eq!(small, big);
        let text = String::from_utf8(big).unwrap_or_default();
        assert!(text.starts_with("_period,"));
        assert!(text.contains("workload|culture"));
        let lines: Vec<&str> = text
            .split("\r\n")
            .skip(1)
            .filter(|l| l.starts_with("20"))
            .collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
    }
}
