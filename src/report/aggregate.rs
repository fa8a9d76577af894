//! Streaming aggregation: [`Aggregator`] takes one [`Response`] at a time
//! and keeps only counts per *atom* (segment values, "not answered"
//! included, × period), plus a bounded set of verbatims per text question
//! and of "other" texts per choice or multi question.
//! Memory is bounded by the number of atoms and distinct answer values, not
//! by the number of responses.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::answers::{Answer, Period, Response};
use crate::survey::expr::Visibility;
use crate::survey::model::{Kind, Question, Survey};

/// An f64 with a total order, for value → count maps of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrdF64(pub f64);

impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
impl From<OrdF64> for f64 {
    fn from(v: OrdF64) -> f64 {
        v.0
    }
}

/// Additive figures of one question in one atom or group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QAgg {
    /// Respondents who were shown the question.
    pub shown: u64,
    /// Respondents who answered it.
    pub answered: u64,
    /// choice, multi, yesno, ranking (ranked first), date (`YYYY-MM`): value → count.
    pub counts: BTreeMap<String, u64>,
    /// scale, nps: point → count.
    pub points: BTreeMap<i64, u64>,
    /// number: value → count.
    pub numbers: BTreeMap<OrdF64, u64>,
    /// matrix: row → point → count.
    pub rows: BTreeMap<String, BTreeMap<i64, u64>>,
    /// ranking: option → (sum of ranks, times ranked).
    pub ranks: BTreeMap<String, (u64, u64)>,
}

fn add_map<K: Ord + Clone>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
    for (k, c) in from {
        *into.entry(k.clone()).or_default() += c;
    }
}

impl QAgg {
    pub fn add(&mut self, o: &QAgg) {
        self.shown += o.shown;
        self.answered += o.answered;
        add_map(&mut self.counts, &o.counts);
        add_map(&mut self.points, &o.points);
        add_map(&mut self.numbers, &o.numbers);
        for (r, m) in &o.rows {
            add_map(self.rows.entry(r.clone()).or_default(), m);
        }
        for (k, (s, c)) in &o.ranks {
            let e = self.ranks.entry(k.clone()).or_default();
            e.0 += s;
            e.1 += c;
        }
    }

    fn record(&mut self, a: &Answer) {
        self.answered += 1;
        let mut bump = |k: &str| match self.counts.get_mut(k) {
            Some(c) => *c += 1,
            None => {
                self.counts.insert(k.to_string(), 1);
            }
        };
        match a {
            Answer::Choice(v) => bump(v),
            Answer::Multi(vs) => vs.iter().for_each(|v| bump(v)),
            Answer::YesNo(b) => bump(if *b { "yes" } else { "no" }),
            Answer::Month { year, month } => bump(&format!("{year:04}-{month:02}")),
            Answer::Ranking(vs) => {
                if let Some(first) = vs.first() {
                    bump(first);
                }
                for (i, v) in vs.iter().enumerate() {
                    let e = self.ranks.entry(v.clone()).or_default();
                    e.0 += i as u64 + 1;
                    e.1 += 1;
                }
            }
            Answer::Point(p) => *self.points.entry(*p).or_default() += 1,
            Answer::Number(x) => *self.numbers.entry(OrdF64(*x)).or_default() += 1,
            Answer::Matrix(rows) => {
                for (r, p) in rows {
                    *self
                        .rows
                        .entry(r.clone())
                        .or_default()
                        .entry(*p)
                        .or_default() += 1;
                }
            }
            Answer::Text(_) => {}
        }
    }
}

/// Respondents and per-question figures of one atom or group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub n: u64,
    /// Indexed like [`Aggregator::questions`].
    pub q: Vec<QAgg>,
}

impl Cell {
    pub fn add(&mut self, o: &Cell) {
        self.n += o.n;
        if self.q.len() < o.q.len() {
            self.q.resize(o.q.len(), QAgg::default());
        }
        for (a, b) in self.q.iter_mut().zip(&o.q) {
            a.add(b);
        }
    }
}

/// The kept free-text answers of one question: the `limit` smallest by
/// sha256(fingerprint, question id, text) (identical texts share a hash,
/// so they are kept once with their count), and how many there were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verbatims {
    pub total: u64,
    /// hash → (text, how many gave exactly this text), at most `limit` entries.
    pub kept: BTreeMap<[u8; 32], (String, u64)>,
}

impl Verbatims {
    fn push(&mut self, key: [u8; 32], text: &str, limit: u64) {
        self.total += 1;
        // Full, and this text would be the first to go: nothing to keep.
        if self.kept.len() as u64 >= limit
            && self
                .kept
                .last_key_value()
                .is_some_and(|(last, _)| key > *last)
        {
            return;
        }
        self.kept
            .entry(key)
            .or_insert_with(|| (text.to_string(), 0))
            .1 += 1;
        if self.kept.len() as u64 > limit {
            self.kept.pop_last();
        }
    }

    /// Add another set of the same question's verbatims: the `limit`
    /// smallest of the union are the `limit` smallest of all the answers.
    fn merge(&mut self, other: Verbatims, limit: u64) {
        self.total += other.total;
        for (k, (text, n)) in other.kept {
            self.kept.entry(k).or_insert_with(|| (text, 0)).1 += n;
        }
        while self.kept.len() as u64 > limit {
            self.kept.pop_last();
        }
    }

    /// The kept distinct texts in order, with how many gave each.
    pub fn texts(&self) -> impl Iterator<Item = (&str, u64)> {
        self.kept.values().map(|(t, c)| (t.as_str(), *c))
    }

    /// How many answers the kept texts stand for.
    pub fn shown(&self) -> u64 {
        self.kept.values().map(|v| v.1).sum()
    }
}

/// Offer a free text to the verbatims of question `id`, ordered by
/// sha256(fingerprint, `id` + `tag`, text).
fn keep(
    into: &mut BTreeMap<String, Verbatims>,
    fingerprint: &str,
    id: &str,
    tag: &str,
    text: &str,
    limit: u64,
) {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    h.update(tag.as_bytes());
    h.update([0u8]);
    h.update(text.as_bytes());
    h.update([0u8]);
    let key: [u8; 32] = h.finalize().into();
    into.entry(id.to_string())
        .or_default()
        .push(key, text, limit);
}

/// The segment value of a response: an index into the question's values,
/// the last index meaning "not answered".
pub fn segment_values(q: &Question) -> Vec<String> {
    match &q.kind {
        Kind::YesNo => vec!["yes".into(), "no".into()],
        k => k.option_values().iter().map(|s| s.to_string()).collect(),
    }
}

/// Feeds on responses; see the module doc.
pub struct Aggregator<'a> {
    pub survey: &'a Survey,
    /// The answerable questions, survey order.
    pub questions: Vec<&'a Question>,
    /// Segment questions (choice or yesno with `segment: true`), survey order.
    pub segments: Vec<&'a Question>,
    seg_values: Vec<Vec<String>>,
    /// Period → segment values → figures.
    atoms: BTreeMap<Option<Period>, BTreeMap<Vec<usize>, Cell>>,
    pub verbatims: BTreeMap<String, Verbatims>,
    /// The "other" texts of choice and multi questions, by question id.
    pub others: BTreeMap<String, Verbatims>,
    limit: u64,
    visibility: Visibility<'a>,
    /// Question id → index into `questions`.
    index: foldhash::HashMap<&'a str, usize>,
    /// Index into `questions` → position in `survey.questions()`.
    position: Vec<usize>,
    /// Buffers reused from one response to the next.
    key: Vec<usize>,
    mask: Vec<bool>,
}

impl<'a> Aggregator<'a> {
    /// `limit`: verbatims kept per text question.
    pub fn new(survey: &'a Survey, limit: u64) -> Aggregator<'a> {
        let questions: Vec<&Question> = survey.questions().filter(|q| q.is_answerable()).collect();
        let segments: Vec<&Question> = questions
            .iter()
            .copied()
            .filter(|q| q.segment && matches!(q.kind, Kind::Choice { .. } | Kind::YesNo))
            .collect();
        let seg_values = segments.iter().map(|q| segment_values(q)).collect();
        let visibility = Visibility::new(survey);
        let position = questions
            .iter()
            .map(|q| visibility.position(&q.id).unwrap_or(usize::MAX))
            .collect();
        let index = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.as_str(), i))
            .collect();
        Aggregator {
            survey,
            questions,
            segments,
            seg_values,
            atoms: BTreeMap::new(),
            verbatims: BTreeMap::new(),
            others: BTreeMap::new(),
            limit,
            visibility,
            index,
            position,
            key: Vec::new(),
            mask: Vec::new(),
        }
    }

    /// Add another aggregation of the same survey: the figures are sums,
    /// so the order of merging does not matter.
    pub fn merge(&mut self, other: Aggregator<'a>) {
        for (p, cells) in other.atoms {
            let mine = self.atoms.entry(p).or_default();
            for (key, c) in cells {
                mine.entry(key).or_default().add(&c);
            }
        }
        for (q, v) in other.verbatims {
            self.verbatims.entry(q).or_default().merge(v, self.limit);
        }
        for (q, v) in other.others {
            self.others.entry(q).or_default().merge(v, self.limit);
        }
    }

    /// Every atom: its segment values, its period and its figures.
    pub fn atoms(&self) -> impl Iterator<Item = (&[usize], Option<Period>, &Cell)> {
        self.atoms
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(k, c)| (k.as_slice(), *p, c)))
    }

    /// The value index of `resp` for segment `i` (last = not answered).
    fn segment_of(&self, i: usize, resp: &Response) -> usize {
        let values = &self.seg_values[i];
        let v = match resp.answers.get(&self.segments[i].id) {
            Some(Answer::Choice(v)) => Some(v.as_str()),
            Some(Answer::YesNo(b)) => Some(if *b { "yes" } else { "no" }),
            _ => None,
        };
        v.and_then(|v| values.iter().position(|x| x == v))
            .unwrap_or(values.len())
    }

    pub fn push(&mut self, resp: &Response) {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.extend((0..self.segments.len()).map(|i| self.segment_of(i, resp)));
        self.visibility.mask(&resp.answers, &mut self.mask);
        let nq = self.questions.len();
        let by_period = self.atoms.entry(resp.period).or_default();
        let cell = match by_period.get_mut(key.as_slice()) {
            Some(c) => c,
            None => by_period.entry(key.clone()).or_default(),
        };
        self.key = key;
        cell.n += 1;
        cell.q.resize(nq, QAgg::default());
        for (i, &p) in self.position.iter().enumerate() {
            if self.mask.get(p).copied().unwrap_or(false) {
                cell.q[i].shown += 1;
            }
        }
        for (id, a) in &resp.answers {
            let Some(&i) = self.index.get(id.as_str()) else {
                continue;
            };
            let q = self.questions[i];
            let qa = &mut cell.q[i];
            if !self.mask.get(self.position[i]).copied().unwrap_or(false) {
                // Answered, so it was shown.
                qa.shown += 1;
            }
            qa.record(a);
            if let Answer::Text(t) = a {
                let fp = self.survey.fingerprint.as_str();
                keep(&mut self.verbatims, fp, &q.id, "", t, self.limit);
            }
        }
        for (id, t) in &resp.other {
            let fp = self.survey.fingerprint.as_str();
            keep(&mut self.others, fp, id, "_other", t, self.limit);
        }
    }

    /// How many values segment `i` has, "not answered" included.
    pub fn segment_len(&self, i: usize) -> usize {
        self.seg_values[i].len() + 1
    }

    /// The value (option value) of segment `i` at index `v`; `None` = not answered.
    pub fn segment_value(&self, i: usize, v: usize) -> Option<&str> {
        self.seg_values[i].get(v).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u32) -> [u8; 32] {
        let d: [u8; 32] = Sha256::digest(i.to_le_bytes()).into();
        d
    }

    #[test]
    fn verbatims_keep_the_smallest_keys_however_they_are_split() {
        let texts: Vec<(u32, String)> = (0..100)
            .map(|i| (i % 60, format!("text {}", i % 60)))
            .collect();
        let mut one = Verbatims::default();
        for (i, t) in &texts {
            one.push(key(*i), t, 5);
        }
        let mut want: Vec<[u8; 32]> = (0..60).map(key).collect();
        want.sort();
        want.truncate(5);
        assert_eq!(one.total, 100);
        assert_eq!(one.kept.keys().copied().collect::<Vec<_>>(), want);
        // Identical texts are kept once with their count.
        let counts: u64 = one.kept.values().map(|(_, n)| n).sum();
        assert!((5..=10).contains(&counts), "{counts}");
        // Two halves merged give the same as one pass.
        let (mut a, mut b) = (Verbatims::default(), Verbatims::default());
        for (n, (i, t)) in texts.iter().enumerate() {
            let half = if n % 3 == 0 { &mut a } else { &mut b };
            half.push(key(*i), t, 5);
        }
        a.merge(b, 5);
        assert_eq!(a, one);
    }
}
