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
const AHEAD_PER_WORKER: u64 = 16;

type Job<M> = (u64, Vec<ByteRecord>, Vec<M>);
/// Records, their notes and their results.
type Worked<M, T> = (Vec<ByteRecord>, Vec<M>, Vec<T>);
type Done<M, T> = (u64, Worked<M, T>);

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
    work: &(dyn Fn(&mut S, &ByteRecord, &M) -> T + Sync),
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
                    let Ok((no, recs, notes)) = job else { break };
                    let out: Vec<T> = recs
                        .iter()
                        .zip(&notes)
                        .map(|(r, m)| work(&mut state, r, m))
                        .collect();
                    if done_tx.send((no, (recs, notes, out))).is_err() {
                        break;
                    }
                }
                state
            }));
        }
        drop(done_tx);
        let (mut sent, mut taken, mut eof) = (0u64, 0u64, false);
        let mut spare: Vec<Vec<ByteRecord>> = Vec::new();
        let mut pending: BTreeMap<u64, Worked<M, T>> = BTreeMap::new();
        loop {
            while !eof && sent - taken < AHEAD_PER_WORKER * workers {
                let mut recs = spare.pop().unwrap_or_default();
                let mut notes = Vec::with_capacity(BATCH);
                while notes.len() < BATCH {
                    if recs.len() <= notes.len() {
                        recs.push(ByteRecord::new());
                    }
                    match next(&mut recs[notes.len()])? {
                        Some(m) => notes.push(m),
                        None => {
                            eof = true;
                            break;
                        }
                    }
                }
                if notes.is_empty() {
                    break;
                }
                recs.truncate(notes.len());
                job_tx.send((sent, recs, notes)).map_err(|_| stopped())?;
                sent += 1;
            }
            if taken == sent {
                break;
            }
            let (recs, notes, out) = loop {
                if let Some(done) = pending.remove(&taken) {
                    break done;
                }
                let (no, worked) = done_rx.recv().map_err(|_| stopped())?;
                pending.insert(no, worked);
            };
            for (m, t) in notes.into_iter().zip(out) {
                take(m, t)?;
            }
            spare.push(recs);
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
        let work = |seen: &mut usize, r: &ByteRecord, _: &u64| -> usize {
            *seen += 1;
            let v: usize = std::str::from_utf8(&r[0])
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
