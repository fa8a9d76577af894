//! Fixed-size records sorted in bounded memory: records in, the same
//! records in ascending byte order out. Up to `limit` records are held in
//! memory; beyond that, sorted runs are spilled to anonymous temporary
//! files (deleted when closed) and merged on the way out. Memory is
//! `limit × N` bytes plus one small read buffer per run, whatever the
//! number of records.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

/// Read buffer per spilled run while merging.
const RUN_BUFFER: usize = 16 * 1024;

/// Collects records; [`Sorter::finish`] hands them back sorted.
pub struct Sorter<const N: usize> {
    buf: Vec<[u8; N]>,
    limit: usize,
    runs: Vec<File>,
}

impl<const N: usize> Sorter<N> {
    /// Hold at most `limit` records (at least 1) in memory.
    pub fn new(limit: usize) -> Self {
        Sorter {
            buf: Vec::new(),
            limit: limit.max(1),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, record: [u8; N]) -> io::Result<()> {
        self.buf.push(record);
        if self.buf.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// How many runs were spilled to disk so far.
    #[cfg(test)]
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buf.sort_unstable_by(order);
        let mut file = tempfile::tempfile()?;
        {
            let mut w = BufWriter::new(&mut file);
            for r in &self.buf {
                w.write_all(r)?;
            }
            w.flush()?;
        }
        file.rewind()?;
        self.runs.push(file);
        self.buf.clear();
        Ok(())
    }

    /// Every record pushed, in ascending order.
    pub fn finish(mut self) -> io::Result<Sorted<N>> {
        if self.runs.is_empty() {
            self.buf.sort_unstable_by(order);
            return Ok(Sorted::Memory(self.buf.into_iter()));
        }
        // The last run stays in memory, sorted: no need to write it out.
        self.buf.sort_unstable_by(order);
        let mut runs: Vec<Run<N>> = self
            .runs
            .into_iter()
            .map(|f| Run::File(BufReader::with_capacity(RUN_BUFFER, f)))
            .collect();
        runs.push(Run::Memory(self.buf.into_iter()));
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (i, r) in runs.iter_mut().enumerate() {
            if let Some(rec) = r.next()? {
                heap.push(Reverse((Rec(rec), i)));
            }
        }
        Ok(Sorted::Merge { runs, heap })
    }
}

/// One sorted run being merged.
pub enum Run<const N: usize> {
    File(BufReader<File>),
    Memory(std::vec::IntoIter<[u8; N]>),
}

impl<const N: usize> Run<N> {
    fn next(&mut self) -> io::Result<Option<[u8; N]>> {
        match self {
            Run::File(r) => read_record::<N>(r),
            Run::Memory(it) => Ok(it.next()),
        }
    }
}

/// The order of `[u8; N]` (bytes compared in turn), taken 8 bytes at a
/// time rather than by a call to `memcmp` per comparison.
fn order<const N: usize>(a: &[u8; N], b: &[u8; N]) -> Ordering {
    let word = |r: &[u8; N], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&r[i..i + 8]);
        u64::from_be_bytes(w)
    };
    let mut i = 0;
    while i + 8 <= N {
        match word(a, i).cmp(&word(b, i)) {
            Ordering::Equal => i += 8,
            o => return o,
        }
    }
    a[i..].cmp(&b[i..])
}

/// A record ordered by [`order`], for the merge's heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rec<const N: usize>([u8; N]);

impl<const N: usize> Ord for Rec<N> {
    fn cmp(&self, o: &Self) -> Ordering {
        order(&self.0, &o.0)
    }
}

impl<const N: usize> PartialOrd for Rec<N> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

fn read_record<const N: usize>(r: &mut impl Read) -> io::Result<Option<[u8; N]>> {
    let mut rec = [0u8; N];
    match r.read_exact(&mut rec) {
        Ok(()) => Ok(Some(rec)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// The sorted records: from memory, or merged from the spilled runs.
pub enum Sorted<const N: usize> {
    Memory(std::vec::IntoIter<[u8; N]>),
    Merge {
        runs: Vec<Run<N>>,
        heap: BinaryHeap<Reverse<(Rec<N>, usize)>>,
    },
}

impl<const N: usize> Iterator for Sorted<N> {
    type Item = io::Result<[u8; N]>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Sorted::Memory(it) => it.next().map(Ok),
            Sorted::Merge { runs, heap } => {
                // The smallest record makes way for the next of its run in
                // place: one sift instead of a pop and a push.
                let mut top = heap.peek_mut()?;
                let Reverse((Rec(rec), i)) = *top;
                match runs[i].next() {
                    Ok(Some(next)) => *top = Reverse((Rec(next), i)),
                    Ok(None) => {
                        std::collections::binary_heap::PeekMut::pop(top);
                    }
                    Err(e) => return Some(Err(e)),
                }
                Some(Ok(rec))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_order_is_byte_order() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Few distinct bytes, so records often share long prefixes.
            (x % 3) as u8
        };
        for _ in 0..5000 {
            let a: [u8; 25] = std::array::from_fn(|_| next());
            let b: [u8; 25] = std::array::from_fn(|_| next());
            assert_eq!(order(&a, &b), a.cmp(&b));
            assert_eq!(order(&a, &a), std::cmp::Ordering::Equal);
        }
    }

    fn sorted(limit: usize, input: &[[u8; 3]]) -> (Vec<[u8; 3]>, usize) {
        let mut s = Sorter::<3>::new(limit);
        for r in input {
            s.push(*r).unwrap_or_else(|e| panic!("{e}"));
        }
        let runs = s.runs();
        let out = s
            .finish()
            .unwrap_or_else(|e| panic!("{e}"))
            .collect::<io::Result<Vec<_>>>()
            .unwrap_or_else(|e| panic!("{e}"));
        (out, runs)
    }

    #[test]
    fn spilled_runs_merge_to_the_same_order_as_memory() {
        // A fixed pseudo-random sequence with repeats.
        let input: Vec<[u8; 3]> = (0u32..1000)
            .map(|i| {
                let x = i.wrapping_mul(2_654_435_761) >> 7;
                [(x % 7) as u8, (x >> 8) as u8, (x % 251) as u8]
            })
            .collect();
        let mut want = input.clone();
        want.sort();
        let (mem, runs) = sorted(10_000, &input);
        assert_eq!((mem.as_slice(), runs), (want.as_slice(), 0));
        let (disk, runs) = sorted(64, &input);
        assert_eq!(disk, want);
        assert_eq!(runs, 1000 / 64);
        let (none, _) = sorted(4, &[]);
        assert!(none.is_empty());
    }
}
