//! Duplicate detection: rows in, "seen before" out. A nonce drops a
//! re-posted submission wherever it appears again. Without a nonce, rows
//! are compared across files only: per distinct row (answers + the
//! service's id or time stamp) the largest count found in any single file
//! is kept, so monthly "download all" exports overlap safely while two
//! people who gave the same answers in one file are both kept. Only
//! 16-byte hashes are stored, never rows.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::answers::Response;

type Key = [u8; 16];

fn key(parts: &[&[u8]]) -> Key {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

#[derive(Debug, Default)]
pub struct Dedup {
    nonces: HashSet<Key>,
    /// Row key → the largest count seen in one earlier file.
    best: HashMap<Key, u32>,
    /// Row key → count in the file being read.
    current: HashMap<Key, u32>,
}

impl Dedup {
    /// Whether this row was seen before (and must not be used again).
    pub fn is_duplicate(&mut self, nonce: Option<&str>, stamp: &str, r: &Response) -> bool {
        if let Some(n) = nonce {
            return !self.nonces.insert(key(&[b"nonce", n.as_bytes()]));
        }
        let form = format!("{:?}|{:?}|{:?}", r.period, r.answers, r.other);
        let k = key(&[b"row", stamp.as_bytes(), form.as_bytes()]);
        let c = self.current.entry(k).or_insert(0);
        *c += 1;
        *c <= self.best.get(&k).copied().unwrap_or(0)
    }

    /// Close the current file: its counts join the best-of-any-file counts.
    pub fn end_file(&mut self) {
        for (k, c) in self.current.drain() {
            let b = self.best.entry(k).or_insert(0);
            *b = (*b).max(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Answer;

    fn resp(v: &str) -> Response {
        let mut r = Response::default();
        r.answers.insert("q".into(), Answer::Choice(v.into()));
        r
    }

    #[test]
    fn keeps_the_largest_count_of_any_single_file() {
        let mut d = Dedup::default();
        let a = resp("a");
        // File 1: the same answers twice (two people), one other row.
        assert!(!d.is_duplicate(None, "", &a));
        assert!(!d.is_duplicate(None, "", &a));
        assert!(!d.is_duplicate(None, "", &resp("b")));
        d.end_file();
        // File 2 repeats everything and adds a third identical row.
        assert!(d.is_duplicate(None, "", &a));
        assert!(d.is_duplicate(None, "", &a));
        assert!(!d.is_duplicate(None, "", &a));
        assert!(d.is_duplicate(None, "", &resp("b")));
        // A different stamp is a different row.
        assert!(!d.is_duplicate(None, "17", &resp("b")));
        d.end_file();
    }

    #[test]
    fn nonces_drop_reposts_anywhere() {
        let mut d = Dedup::default();
        assert!(!d.is_duplicate(Some("n1"), "", &resp("a")));
        assert!(d.is_duplicate(Some("n1"), "", &resp("b")));
        d.end_file();
        assert!(d.is_duplicate(Some("n1"), "", &resp("a")));
        assert!(!d.is_duplicate(Some("n2"), "", &resp("a")));
    }
}
