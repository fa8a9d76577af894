//! Rows read, interpreted and used in reading order on every core, with
//! no thread that only reads: each worker thread in turn takes the reader
//! (a `next` function) to read a batch of records, runs `work` over the
//! batch while it is still in its core's cache, and hands the results in;
//! `take` is called with each result in exactly the order the records were
//! read, by one thread at a time: the one that hands in the batch next in
//! that order, or, if another is taking already, that one. So everything
//! order-dependent (duplicates, messages, counts) stays as if one thread
//! had done it all, the cores share the reading and the work evenly, and
//! memory is bounded by the batches in flight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

use crate::error::{Error, Result};

use super::read::{Batch, Row};

/// Records per batch: read and worked on by one thread at a time. Fewer
/// would hand the reader over more often, more would keep less of a batch
/// in the core's cache (timings in BENCHMARKS.md).
const BATCH: usize = 512;
/// Batches read ahead of the one being taken, per worker.
const AHEAD_PER_WORKER: u64 = 4;
/// How long a thread tries for the reader before it sleeps.
const SPIN: std::time::Duration = std::time::Duration::from_micros(200);

/// Records, their notes and their results.
type Worked<M, T> = (Batch, Vec<M>, Vec<T>);

fn stopped() -> Error {
    Error::msg("the threads reading rows stopped")
}

/// What the threads share: the reader, the results waiting to be taken in
/// order, and what stops them all.
struct Shared<'f, M, T> {
    next: Mutex<Reader<'f, M>>,
    taking: Mutex<Taker<'f, M, T>>,
    /// Batches worked on, by number, waiting for those before them.
    pending: Mutex<BTreeMap<u64, Worked<M, T>>>,
    /// Batches taken so far (a copy of the taker's count, read without its
    /// lock by a reader waiting to read further ahead).
    taken: AtomicU64,
    /// Batches read ahead of the next to be taken, at most.
    ahead: u64,
    /// With `advanced`: a reader too far ahead waits until a batch is
    /// taken or the run stops.
    gate: Mutex<()>,
    advanced: Condvar,
    /// Readers waiting at the gate.
    waiting: AtomicUsize,
    /// Emptied batches, for the next reads.
    spare: Mutex<Vec<Batch>>,
    stop: AtomicBool,
    /// The first error.
    error: Mutex<Option<Error>>,
}

type Next<'f, M> = &'f mut (dyn FnMut(&mut Batch) -> Result<Option<M>> + Send);
type Take<'f, M, T> = &'f mut (dyn FnMut(M, T) -> Result<()> + Send);

struct Reader<'f, M> {
    next: Next<'f, M>,
    /// Batches read so far.
    sent: u64,
    eof: bool,
}

struct Taker<'f, M, T> {
    take: Take<'f, M, T>,
    taken: u64,
}

/// A poisoned lock means a thread panicked holding it: the run stops.
fn lock<X>(m: &Mutex<X>) -> Result<MutexGuard<'_, X>> {
    m.lock().map_err(|_| stopped())
}

impl<'f, M, T> Shared<'f, M, T> {
    /// Stop every thread; the first error is the one returned.
    fn fail(&self, e: Error) {
        if let Ok(mut first) = self.error.lock() {
            first.get_or_insert(e);
        }
        self.halt();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Wake a reader waiting at the gate, if one is. The gate is taken
    /// first, so the wake cannot fall between its look at the counts and
    /// its wait. A reader counts itself in `waiting` before it looks
    /// again, so either this sees it or it sees what changed.
    fn wake(&self) {
        if self.waiting.load(Ordering::SeqCst) > 0 {
            drop(self.gate.lock());
            self.advanced.notify_all();
        }
    }

    /// The reader, once the thread that holds it lets go. A thread that
    /// finds it held has nothing else to do: for up to [`SPIN`] (longer
    /// than reading a batch takes) it tries again, giving up its core
    /// between tries to any thread that wants it, before it sleeps; so the
    /// reader usually changes hands without a sleep and a wake-up in the
    /// kernel, and a busy machine loses nothing to the tries.
    fn reader(&self) -> Result<MutexGuard<'_, Reader<'f, M>>> {
        let start = std::time::Instant::now();
        loop {
            for _ in 0..8 {
                match self.next.try_lock() {
                    Ok(r) => return Ok(r),
                    Err(TryLockError::WouldBlock) => std::thread::yield_now(),
                    Err(TryLockError::Poisoned(_)) => return Err(stopped()),
                }
            }
            if start.elapsed() > SPIN {
                return lock(&self.next);
            }
        }
    }

    /// The next batch of records, with its number; `None` at the end of
    /// the input or when the run stops.
    fn read(&self) -> Result<Option<(u64, Batch, Vec<M>)>> {
        let mut r = self.reader()?;
        if r.eof {
            return Ok(None);
        }
        // The oldest batch in flight is another thread's, which hands it in.
        let too_far = || {
            !self.stop.load(Ordering::SeqCst)
                && r.sent - self.taken.load(Ordering::SeqCst) >= self.ahead
        };
        if too_far() {
            let mut gate = lock(&self.gate)?;
            self.waiting.fetch_add(1, Ordering::SeqCst);
            let waited = loop {
                if !too_far() {
                    break Ok(());
                }
                match self.advanced.wait(gate) {
                    Ok(g) => gate = g,
                    Err(_) => break Err(stopped()),
                }
            };
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            waited?;
        }
        if self.stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let mut batch = lock(&self.spare)?.pop().unwrap_or_default();
        batch.clear();
        let mut notes = Vec::with_capacity(BATCH);
        while notes.len() < BATCH {
            match (r.next)(&mut batch) {
                Ok(Some(m)) => notes.push(m),
                Ok(None) => {
                    r.eof = true;
                    break;
                }
                // Read no further, whoever holds the reader next.
                Err(e) => {
                    r.eof = true;
                    return Err(e);
                }
            }
        }
        if notes.is_empty() {
            return Ok(None);
        }
        let no = r.sent;
        r.sent += 1;
        Ok(Some((no, batch, notes)))
    }

    /// Hand in batch `no` worked on, and take every batch that is now
    /// next in reading order, unless another thread is taking: then that
    /// thread takes it, as it looks again once it lets go.
    fn hand_in(&self, no: u64, worked: Worked<M, T>) -> Result<()> {
        lock(&self.pending)?.insert(no, worked);
        loop {
            let mut t = match self.taking.try_lock() {
                Ok(t) => t,
                Err(TryLockError::WouldBlock) => return Ok(()),
                Err(TryLockError::Poisoned(_)) => return Err(stopped()),
            };
            let mut freed = Vec::new();
            loop {
                let at = t.taken;
                let next = lock(&self.pending)?.remove(&at);
                let Some((batch, notes, out)) = next else {
                    break;
                };
                for (m, r) in notes.into_iter().zip(out) {
                    (t.take)(m, r)?;
                }
                freed.push(batch);
                t.taken += 1;
                self.taken.store(t.taken, Ordering::SeqCst);
            }
            let taken = t.taken;
            drop(t);
            if !freed.is_empty() {
                lock(&self.spare)?.append(&mut freed);
                self.wake();
            }
            // A batch handed in while this thread was taking.
            if !lock(&self.pending)?.contains_key(&taken) {
                return Ok(());
            }
        }
    }
}

/// Stops the run if its thread unwinds, so no other thread waits for a
/// batch it held.
struct Halt<'s, 'f, M, T>(&'s Shared<'f, M, T>);

impl<M, T> Drop for Halt<'_, '_, M, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.halt();
        }
    }
}

/// One thread's part: read a batch, work on it, hand it in, until the
/// input ends or the run stops.
fn run<M, S, T>(
    sh: &Shared<'_, M, T>,
    mut state: S,
    work: &(dyn Fn(&mut S, Row<'_>, &M) -> T + Sync),
) -> S {
    let _halt = Halt(sh);
    loop {
        let (no, batch, notes) = match sh.read() {
            Ok(Some(job)) => job,
            Ok(None) => break,
            Err(e) => {
                sh.fail(e);
                break;
            }
        };
        let out: Vec<T> = batch
            .rows()
            .zip(&notes)
            .map(|(row, m)| work(&mut state, row, m))
            .collect();
        if let Err(e) = sh.hand_in(no, (batch, notes, out)) {
            sh.fail(e);
            break;
        }
    }
    state
}

/// Run `next` until it returns `None` (it reads one record onto the end
/// of the batch and returns what `take` and `work` need to know about it,
/// such as its line), `work` on every record, one thread per state in
/// `states`, and `take` with each record's note and result in reading
/// order. Returns the states in their order; the first error stops
/// everything.
pub fn in_order<M: Send, S: Send, T: Send>(
    next: &mut (dyn FnMut(&mut Batch) -> Result<Option<M>> + Send),
    states: Vec<S>,
    work: &(dyn Fn(&mut S, Row<'_>, &M) -> T + Sync),
    take: &mut (dyn FnMut(M, T) -> Result<()> + Send),
) -> Result<Vec<S>> {
    if states.is_empty() {
        return Err(stopped());
    }
    let sh = Shared {
        next: Mutex::new(Reader {
            next,
            sent: 0,
            eof: false,
        }),
        taking: Mutex::new(Taker { take, taken: 0 }),
        pending: Mutex::new(BTreeMap::new()),
        taken: AtomicU64::new(0),
        ahead: AHEAD_PER_WORKER * states.len() as u64,
        gate: Mutex::new(()),
        advanced: Condvar::new(),
        waiting: AtomicUsize::new(0),
        spare: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
    };
    // Every state on a thread of its own, so that a thread that panics
    // stops the run with an error instead of taking this thread down.
    let states = std::thread::scope(|s| {
        let threads: Vec<_> = states
            .into_iter()
            .map(|st| {
                let sh = &sh;
                s.spawn(move || run(sh, st, work))
            })
            .collect();
        threads
            .into_iter()
            .map(|h| h.join().map_err(|_| stopped()))
            .collect::<Result<Vec<S>>>()
    });
    if let Some(e) = sh.error.into_inner().map_err(|_| stopped())? {
        return Err(e);
    }
    let states = states?;
    // Every batch read was handed in and taken, or the run stopped.
    let t = sh.taking.into_inner().map_err(|_| stopped())?;
    let r = sh.next.into_inner().map_err(|_| stopped())?;
    let pending = sh.pending.into_inner().map_err(|_| stopped())?;
    if t.taken != r.sent || !pending.is_empty() {
        return Err(stopped());
    }
    Ok(states)
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

    #[test]
    fn a_reader_waits_while_the_oldest_batch_is_worked_on() {
        let n = 200 * BATCH;
        let text = "x\n".repeat(n);
        let mut rdr = lines(&text);
        let read = std::sync::atomic::AtomicUsize::new(0);
        let mut next = |b: &mut Batch| {
            let got = rdr(b)?;
            read.fetch_add(usize::from(got.is_some()), Ordering::SeqCst);
            Ok(got)
        };
        // The first record is slow: the other thread reads on meanwhile.
        let work = |_: &mut (), _: Row, &line: &u64| {
            if line == 1 {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
        };
        let mut at_first = None;
        let mut taken = 0;
        in_order(&mut next, vec![(); 2], &work, &mut |_, ()| {
            at_first.get_or_insert(read.load(Ordering::SeqCst));
            taken += 1;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(taken, n);
        // At most the batches allowed ahead for two threads were read
        // before the first was taken.
        let ahead = at_first.unwrap_or(0);
        assert!(ahead > BATCH, "{ahead}");
        assert!(ahead <= 2 * AHEAD_PER_WORKER as usize * BATCH, "{ahead}");
    }

    #[test]
    fn a_thread_that_panics_stops_the_run_with_an_error() {
        let text = "x\n".repeat(50 * BATCH);
        let mut next = lines(&text);
        let work = |_: &mut (), _: Row, &line: &u64| {
            if line == 3 * BATCH as u64 + 5 {
                panic!("work failed");
            }
        };
        let r = in_order(&mut next, vec![(); 2], &work, &mut |_, ()| Ok(()));
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("stopped"), "{e}");
    }

    #[test]
    fn a_read_error_is_the_error_returned() {
        let text = "x\n".repeat(10 * BATCH);
        let mut rdr = lines(&text);
        let mut next = |b: &mut Batch| match rdr(b)? {
            Some(1000) => Err(Error::msg("cannot read the file")),
            got => Ok(got),
        };
        let mut taken = 0u64;
        let r = in_order(&mut next, vec![(); 2], &|_, _, _| (), &mut |_, ()| {
            taken += 1;
            Ok(())
        });
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, "cannot read the file");
        // No record at or after the one that failed is taken.
        assert!(taken < 1000, "{taken}");
    }
}
