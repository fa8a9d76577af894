//! Rows read on one thread, interpreted on all cores, used in reading
//! order: records in (from a `next` function on this thread), `work` run
//! on worker threads over batches of records, and `take` called on this
//! thread with each result in exactly the order the records were read. So
//! everything order-dependent (duplicates, messages, counts) stays as if
//! one thread had done it all, and memory is bounded by the batches in
//! flight.

use std::collections::BTreeMap;
use std::sync::{Mutex, mpsc};

use csv::ByteRecord;

use crate::error::{Error, Result};

/// Records per batch handed to a worker.
const BATCH: usize = 256;
/// Batches read ahead of the one being taken, per worker.
const AHEAD_PER_WORKER: u64 = 32;

type Job<M> = (u64, Batch, Vec<M>);
/// Records, their notes and their results.
type Worked<M, T> = (Batch, Vec<M>, Vec<T>);
type Done<M, T> = (u64, Worked<M, T>);

/// Records packed end to end in one buffer, so that a worker reads a
/// batch as one run of memory (a record of its own is three allocations,
/// each a cache miss on the core that did not write it).
#[derive(Default)]
pub struct Batch {
    bytes: Vec<u8>,
    /// Every record's cell ends, relative to the record's first byte.
    ends: Vec<usize>,
    /// Per record: where its bytes and its ends start.
    rows: Vec<(usize, usize)>,
}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.rows.clear();
    }

    fn push(&mut self, rec: &ByteRecord) {
        self.rows.push((self.bytes.len(), self.ends.len()));
        self.bytes.extend_from_slice(rec.as_slice());
        let mut end = 0;
        self.ends.extend(rec.iter().map(|cell| {
            end += cell.len();
            end
        }));
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn row(&self, i: usize) -> Row<'_> {
        let (b, e) = self.rows[i];
        let (b_end, e_end) = self
            .rows
            .get(i + 1)
            .copied()
            .unwrap_or((self.bytes.len(), self.ends.len()));
        Row {
            bytes: &self.bytes[b..b_end],
            ends: &self.ends[e..e_end],
        }
    }
}

/// One record of a [`Batch`]: its bytes and where each cell ends.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [usize],
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
}

fn stopped() -> Error {
    Error::msg("the threads reading rows stopped")
}

/// Run `next` until it returns `None` (it fills the record and returns
/// what `take` and `work` need to know about it, such as its line), `work`
/// on every record on one worker thread per state in `states`, and `take`
/// with each record's note and result in reading order. Returns the
/// states; the first error stops everything.
pub fn in_order<M: Send, S: Send, T: Send>(
    next: &mut dyn FnMut(&mut ByteRecord) -> Result<Option<M>>,
    states: Vec<S>,
    work: &(dyn Fn(&mut S, Row<'_>, &M) -> T + Sync),
    take: &mut dyn FnMut(M, T) -> Result<()>,
) -> Result<Vec<S>> {
    let workers = states.len().max(1) as u64;
    let (job_tx, job_rx) = mpsc::channel::<Job<M>>();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        // Owned here, so the workers stop when this closure ends, even early.
        let job_tx = job_tx;
        let (done_tx, done_rx) = mpsc::channel::<Done<M, T>>();
        let mut handles = Vec::with_capacity(states.len());
        for mut state in states {
            let (job_rx, done_tx) = (&job_rx, done_tx.clone());
            handles.push(s.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((no, batch, notes)) = job else { break };
                    let out: Vec<T> = (0..batch.len())
                        .zip(&notes)
                        .map(|(i, m)| work(&mut state, batch.row(i), m))
                        .collect();
                    if done_tx.send((no, (batch, notes, out))).is_err() {
                        break;
                    }
                }
                state
            }));
        }
        drop(done_tx);
        let (mut sent, mut taken, mut eof) = (0u64, 0u64, false);
        let mut spare: Vec<Batch> = Vec::new();
        let mut pending: BTreeMap<u64, Worked<M, T>> = BTreeMap::new();
        // Every record is read into this one, then packed into its batch.
        let mut rec = ByteRecord::new();
        loop {
            while !eof && sent - taken < AHEAD_PER_WORKER * workers {
                let mut batch = spare.pop().unwrap_or_default();
                batch.clear();
                let mut notes = Vec::with_capacity(BATCH);
                while notes.len() < BATCH {
                    match next(&mut rec)? {
                        Some(m) => {
                            batch.push(&rec);
                            notes.push(m);
                        }
                        None => {
                            eof = true;
                            break;
                        }
                    }
                }
                if notes.is_empty() {
                    break;
                }
                job_tx.send((sent, batch, notes)).map_err(|_| stopped())?;
                sent += 1;
            }
            if taken == sent {
                break;
            }
            let (batch, notes, out) = loop {
                if let Some(done) = pending.remove(&taken) {
                    break done;
                }
                let (no, worked) = done_rx.recv().map_err(|_| stopped())?;
                pending.insert(no, worked);
            };
            for (m, t) in notes.into_iter().zip(out) {
                take(m, t)?;
            }
            spare.push(batch);
            taken += 1;
        }
        drop(job_tx);
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| stopped()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_reading_order() {
        let n = 5 * BATCH + 17;
        let mut i = 0usize;
        let mut next = |r: &mut ByteRecord| -> Result<Option<u64>> {
            if i == n {
                return Ok(None);
            }
            r.clear();
            r.push_field(i.to_string().as_bytes());
            i += 1;
            Ok(Some(i as u64))
        };
        // Uneven work, so batches finish out of order.
        let work = |seen: &mut usize, r: Row, _: &u64| -> usize {
            *seen += 1;
            let v: usize = std::str::from_utf8(r.cell(0).unwrap_or_default())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(usize::MAX);
            if v % 700 < 3 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            v
        };
        let mut got = Vec::new();
        let states = in_order(&mut next, vec![0usize; 3], &work, &mut |line, v| {
            got.push((line, v));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<(u64, usize)> = (0..n).map(|v| (v as u64 + 1, v)).collect();
        assert_eq!(got, want);
        // Every record was worked on by exactly one worker.
        assert_eq!(states.iter().sum::<usize>(), n);
    }

    #[test]
    fn packed_records_read_as_the_records() {
        use crate::responses::values::Cells;
        let recs: Vec<ByteRecord> = [
            vec![&b"a"[..], b"", "\u{f8}l".as_bytes(), b"c,d"],
            vec![],
            vec![b""],
            vec!["bl\u{e5}".as_bytes(), b"x"],
            // UTF-8 as a whole, but a cell ends inside the character.
            vec![&b"a\xc3"[..], b"\xa9b"],
            vec![&b"ok"[..], b"\xff"],
        ]
        .into_iter()
        .map(ByteRecord::from)
        .collect();
        let mut batch = Batch::default();
        for r in &recs {
            batch.push(r);
        }
        assert_eq!(batch.len(), recs.len());
        let texts = |c: Option<Cells>| c.map(|c| c.iter().map(String::from).collect::<Vec<_>>());
        for (i, r) in recs.iter().enumerate() {
            let row = batch.row(i);
            assert_eq!(row.bytes, r.as_slice());
            assert_eq!(row.cell(r.len()), None);
            for (j, cell) in r.iter().enumerate() {
                assert_eq!(row.cell(j), Some(cell));
            }
            assert_eq!(
                texts(Cells::packed(row)),
                texts(Cells::record(r)),
                "record {i}"
            );
        }
        assert_eq!(texts(Cells::packed(batch.row(4))), None);
        assert_eq!(
            texts(Cells::packed(batch.row(0))),
            Some(vec!["a".into(), "".into(), "\u{f8}l".into(), "c,d".into()])
        );
    }

    #[test]
    fn the_first_error_stops_the_run() {
        let mut i = 0u64;
        let mut next = |r: &mut ByteRecord| -> Result<Option<u64>> {
            i += 1;
            r.clear();
            Ok((i <= 10_000).then_some(i))
        };
        let mut taken = 0;
        let r = in_order(&mut next, vec![(); 2], &|_, _, _| (), &mut |line, ()| {
            taken += 1;
            if line == 700 {
                return Err(Error::msg("stop"));
            }
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(taken, 700);
    }
}
