//! Rows read on one thread, interpreted on all cores, used in reading
//! order: records in (from a `next` function on this thread), `work` run
//! on worker threads over batches of records, and `take` called on this
//! thread with each result in exactly the order the records were read. So
//! everything order-dependent (duplicates, messages, counts) stays as if
//! one thread had done it all, and memory is bounded by the batches in
//! flight.

use std::collections::BTreeMap;
use std::sync::{Mutex, mpsc};

use crate::error::{Error, Result};

use super::read::{Batch, Row};

/// Records per batch handed to a worker.
const BATCH: usize = 256;
/// Batches read ahead of the one being taken, per worker.
const AHEAD_PER_WORKER: u64 = 32;

type Job<M> = (u64, Batch, Vec<M>);
/// Records, their notes and their results.
type Worked<M, T> = (Batch, Vec<M>, Vec<T>);
type Done<M, T> = (u64, Worked<M, T>);

fn stopped() -> Error {
    Error::msg("the threads reading rows stopped")
}

/// Run `next` until it returns `None` (it reads one record onto the end
/// of the batch and returns what `take` and `work` need to know about it,
/// such as its line), `work` on every record on one worker thread per
/// state in `states`, and `take` with each record's note and result in
/// reading order. Returns the states; the first error stops everything.
pub fn in_order<M: Send, S: Send, T: Send>(
    next: &mut dyn FnMut(&mut Batch) -> Result<Option<M>>,
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
        loop {
            while !eof && sent - taken < AHEAD_PER_WORKER * workers {
                let mut batch = spare.pop().unwrap_or_default();
                batch.clear();
                let mut notes = Vec::with_capacity(BATCH);
                while notes.len() < BATCH {
                    match next(&mut batch)? {
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
    use crate::responses::read::Packed;

    /// `next` over the lines of `text`, each noted by its number from 1.
    fn lines(text: &str) -> impl FnMut(&mut Batch) -> Result<Option<u64>> + '_ {
        let mut rdr = Packed::new(text.as_bytes(), b',');
        let mut i = 0u64;
        move |batch| {
            let got = rdr.read(batch).map_err(|e| Error::msg(e.to_string()))?;
            Ok(got.map(|_| {
                i += 1;
                i
            }))
        }
    }

    #[test]
    fn results_come_back_in_reading_order() {
        let n = 5 * BATCH + 17;
        let text: String = (0..n).map(|i| format!("{i}\n")).collect();
        let mut next = lines(&text);
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
    fn the_first_error_stops_the_run() {
        let text = "x\n".repeat(10_000);
        let mut next = lines(&text);
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
