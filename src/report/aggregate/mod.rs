//! Streaming aggregation: [`Aggregator`] takes one coded response at a
//! time and keeps only counts per *atom* (segment values, "not answered"
//! included, × period), plus a bounded set of verbatims per text question
//! and of "other" texts per choice or multi question; [`Aggregated`] is
//! the same counts keyed by values, for the findings.
//! Memory is bounded by the number of atoms and distinct answer values, not
//! by the number of responses.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::answers::Period;
use crate::responses::{Code, Coded};

use super::review::Decisions;
use super::tally::{Counts, Layout};
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

pub(super) fn add_map<K: Ord + Clone>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
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
}

/// Respondents and per-question figures of one atom or group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub n: u64,
    /// Indexed like [`Aggregated::questions`].
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
/// With the custodian's review ([`Decisions`]), a text set to
/// `publish: no` is counted in `withheld` and never kept, a kept text is
/// the review's version of it, and a text question's themes are counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verbatims {
    /// Every answer with a text, withheld ones included.
    pub total: u64,
    /// hash → (text, how many gave exactly this text), at most `limit` entries.
    pub kept: BTreeMap<[u8; 32], (String, u64)>,
    /// Answers whose text the custodian withheld.
    pub withheld: u64,
    /// Theme → answers the custodian tagged with it (text questions only).
    pub themes: BTreeMap<String, u64>,
}

impl Verbatims {
    fn push(&mut self, key: [u8; 32], text: &str, limit: u64) {
        self.total += 1;
        // Full, and this text would be the first to go: nothing to keep.
        if self.kept.len() as u64 >= limit
            && self
                .kept
                .last_key_value()
                .is_some_and(|(last, _)| after(&key, last))
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
        self.withheld += other.withheld;
        add_map(&mut self.themes, &other.themes);
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

/// Whether hash `a` sorts after hash `b`: by their first eight bytes,
/// which almost always differ, and only then by the rest.
#[inline]
fn after(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let head = |h: &[u8; 32]| u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    match head(a).cmp(&head(b)) {
        std::cmp::Ordering::Equal => a > b,
        o => o.is_gt(),
    }
}

/// The hash state after sha256(fingerprint, `id` + `tag`, …): what every
/// verbatim of one question (or its "other" texts) is hashed after.
fn verbatim_prefix(fingerprint: &str, id: &str, tag: &str) -> Sha256 {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    h.update(tag.as_bytes());
    h.update([0u8]);
    h
}

/// Offer a free text to a question's verbatims, ordered by
/// sha256(fingerprint, `id` + `tag`, text), the first part in `prefix`.
/// With a review, the text's decision applies (`themes`: whether its
/// themes are counted); returns whether the text had no decision.
fn keep(
    into: &mut Verbatims,
    prefix: &Sha256,
    text: &str,
    limit: u64,
    review: Option<&Decisions>,
    themes: bool,
) -> bool {
    let mut h = prefix.clone();
    h.update(text.as_bytes());
    h.update([0u8]);
    let key: [u8; 32] = h.finalize().into();
    let Some(d) = review.and_then(|r| r.get(&key)) else {
        into.push(key, text, limit);
        return true;
    };
    if themes {
        for t in &d.themes {
            match into.themes.get_mut(t) {
                Some(n) => *n += 1,
                None => {
                    into.themes.insert(t.clone(), 1);
                }
            }
        }
    }
    if d.publish {
        into.push(key, &d.text, limit);
    } else {
        into.total += 1;
        into.withheld += 1;
    }
    false
}

/// The values a question's answers are counted by, in option order: its
/// option values (`other`, `none` included), or `yes` and `no`. A segment's
/// value index is an index into these, one past the end meaning "not
/// answered".
fn answer_values(q: &Question) -> Vec<String> {
    match &q.kind {
        Kind::YesNo => vec!["yes".into(), "no".into()],
        k => k.option_values().iter().map(|s| s.to_string()).collect(),
    }
}

/// A segment's values: its answer values without `other`.
fn segment_values(values: &[String]) -> &[String] {
    match values.split_last() {
        Some((last, rest)) if last == "other" => rest,
        _ => values,
    }
}

/// Respondents and per-question counts of one atom.
#[derive(Debug, Clone)]
struct Atom {
    /// Its segment values (as [`Aggregator::push`] numbers them).
    key: Vec<usize>,
    n: u64,
    counts: Counts,
}

/// The atoms of period `p` (made on first need); `last`: where the last
/// period asked for was found, looked at first.
fn period<'m>(
    atoms: &'m mut Vec<(Option<Period>, foldhash::HashMap<u64, Atom>)>,
    last: &mut usize,
    p: Option<Period>,
) -> &'m mut foldhash::HashMap<u64, Atom> {
    if atoms.get(*last).is_none_or(|a| a.0 != p) {
        *last = match atoms.iter().position(|a| a.0 == p) {
            Some(i) => i,
            None => {
                atoms.push((p, Default::default()));
                atoms.len() - 1
            }
        };
    }
    &mut atoms[*last].1
}

/// An atom's segment values as one number: in mixed radix when every
/// combination fits in a `u64` (any survey with a sane number of
/// segments), else numbered in the order met.
enum Codes {
    Radix(Vec<u64>),
    Met(foldhash::HashMap<Vec<usize>, u64>),
}

impl Codes {
    /// For segments with these numbers of values ("not answered" counted).
    fn new(radices: &[usize]) -> Codes {
        let fits = radices
            .iter()
            .try_fold(1u64, |p, &r| p.checked_mul(r as u64))
            .is_some();
        match fits {
            true => Codes::Radix(radices.iter().map(|&r| r as u64).collect()),
            false => Codes::Met(Default::default()),
        }
    }

    /// The code of the values `value(0)`, …, `value(n - 1)`.
    fn code_with(&mut self, n: usize, value: impl Fn(usize) -> usize) -> u64 {
        match self {
            Codes::Radix(radices) => radices
                .iter()
                .enumerate()
                .fold(0, |c, (j, &r)| c * r + value(j) as u64),
            Codes::Met(met) => {
                let key: Vec<usize> = (0..n).map(value).collect();
                let next = met.len() as u64;
                *met.entry(key).or_insert(next)
            }
        }
    }

    fn code(&mut self, key: &[usize]) -> u64 {
        self.code_with(key.len(), |j| key[j])
    }
}

/// Feeds on coded responses; see the module doc.
pub struct Aggregator<'a> {
    pub survey: &'a Survey,
    /// The answerable questions, survey order (as [`Catalog::questions`]).
    ///
    /// [`Catalog::questions`]: crate::responses::Catalog
    questions: Vec<&'a Question>,
    /// Segment questions (choice or yesno with `segment: true`): their
    /// indexes into `questions`.
    segments: Vec<usize>,
    layout: Layout,
    /// Each question's values (option values, or yes and no).
    values: Vec<Vec<String>>,
    /// Per period met: the atoms by their code (see [`Codes`]).
    atoms: Vec<(Option<Period>, foldhash::HashMap<u64, Atom>)>,
    /// The index in `atoms` of the last row's period (rows come mostly
    /// in time order).
    last: usize,
    codes: Codes,
    verbatims: Vec<Verbatims>,
    others: Vec<Verbatims>,
    limit: u64,
    /// Index into `questions` → position in `survey.questions()`.
    position: Vec<usize>,
    /// Per question, the verbatims' and the "other" texts' hash prefixes.
    prefixes: Vec<[Sha256; 2]>,
    /// The questions whose answers can hold free text of either kind.
    with_text: Vec<usize>,
    /// The custodian's review of free text, when there is one.
    review: Option<&'a Decisions>,
    /// Free-text answers with no review decision.
    unreviewed: u64,
}

impl<'a> Aggregator<'a> {
    /// `limit`: verbatims kept per text question.
    pub fn new(survey: &'a Survey, limit: u64) -> Aggregator<'a> {
        let questions: Vec<&Question> = survey.questions().filter(|q| q.is_answerable()).collect();
        let segments: Vec<usize> = (0..questions.len())
            .filter(|&i| {
                let q = questions[i];
                q.segment && matches!(q.kind, Kind::Choice { .. } | Kind::YesNo)
            })
            .collect();
        let position = survey
            .questions()
            .enumerate()
            .filter(|(_, q)| q.is_answerable())
            .map(|(p, _)| p)
            .collect();
        let values: Vec<Vec<String>> = questions.iter().map(|q| answer_values(q)).collect();
        let radices: Vec<usize> = segments
            .iter()
            .map(|&q| segment_values(&values[q]).len() + 1)
            .collect();
        let fp = survey.fingerprint.as_str();
        let prefixes = questions
            .iter()
            .map(|q| {
                [
                    verbatim_prefix(fp, &q.id, ""),
                    verbatim_prefix(fp, &q.id, "_other"),
                ]
            })
            .collect();
        // Free text comes only from text questions, "other" texts only
        // beside a choice or multi answer.
        // A segment's write-in is never quoted.
        let with_text = questions
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                matches!(
                    q.kind,
                    Kind::Text { .. } | Kind::Choice { .. } | Kind::Multi { .. }
                ) && !segments.contains(i)
            })
            .map(|(i, _)| i)
            .collect();
        Aggregator {
            survey,
            prefixes,
            with_text,
            layout: Layout::new(&questions),
            values,
            verbatims: vec![Verbatims::default(); questions.len()],
            others: vec![Verbatims::default(); questions.len()],
            questions,
            segments,
            atoms: Vec::new(),
            last: 0,
            codes: Codes::new(&radices),
            limit,
            position,
            review: None,
            unreviewed: 0,
        }
    }

    /// Apply the custodian's review to the free text (see [`Verbatims`]).
    pub fn with_review(mut self, review: Option<&'a Decisions>) -> Aggregator<'a> {
        self.review = review;
        self
    }

    /// The review this aggregation applies.
    pub fn review(&self) -> Option<&'a Decisions> {
        self.review
    }

    /// How many free-text answers (texts and write-ins under "other") had
    /// no review decision: all of them without a review.
    pub fn unreviewed(&self) -> u64 {
        self.unreviewed
    }

    /// Add another aggregation of the same survey: the figures are sums,
    /// so the order of merging does not matter.
    pub fn merge(&mut self, other: Aggregator<'a>) {
        for (p, cells) in other.atoms {
            for (_, a) in cells {
                let code = self.codes.code(&a.key);
                let mine = period(&mut self.atoms, &mut self.last, p);
                match mine.get_mut(&code) {
                    Some(m) => {
                        m.n += a.n;
                        m.counts.add(&a.counts);
                    }
                    None => {
                        mine.insert(code, a);
                    }
                }
            }
        }
        let limit = self.limit;
        self.unreviewed += other.unreviewed;
        for (mine, theirs) in [
            (&mut self.verbatims, other.verbatims),
            (&mut self.others, other.others),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.merge(t, limit);
            }
        }
    }

    pub fn push(&mut self, row: &Coded) {
        let (segments, values) = (&self.segments, &self.values);
        // Segment `j`'s value: its index, or one past the last for "not
        // answered".
        let value = |j: usize| {
            let q = segments[j];
            // A write-in under "other" (always the last value) reads as
            // not answered: it is no group a report may describe.
            let len = segment_values(&values[q]).len();
            match row.answer(q) {
                Some(Code::Opt(i)) => (i as usize).min(len),
                Some(Code::YesNo(b)) => usize::from(!b),
                _ => len,
            }
        };
        let code = self.codes.code_with(segments.len(), value);
        let layout = &self.layout;
        let n = segments.len();
        let atom = period(&mut self.atoms, &mut self.last, row.period)
            .entry(code)
            .or_insert_with(|| Atom {
                key: (0..n).map(value).collect(),
                n: 0,
                counts: layout.counts(),
            });
        atom.n += 1;
        let position = &self.position;
        atom.counts.count_row(&layout.places, row, |i| {
            position
                .get(i)
                .and_then(|&at| row.shown.get(at))
                .copied()
                .unwrap_or(false)
        });
        let review = self.review;
        for &i in &self.with_text {
            let Some(a) = row.answer(i) else { continue };
            let [text, other] = &self.prefixes[i];
            if let Code::Text(s) = a {
                let v = &mut self.verbatims[i];
                let new = keep(v, text, row.text(s), self.limit, review, true);
                self.unreviewed += u64::from(new);
            }
            if let Some(o) = row.other(i) {
                let new = keep(&mut self.others[i], other, o, self.limit, review, false);
                self.unreviewed += u64::from(new);
            }
        }
    }

    /// Number atoms as met, as when the segments' combinations would not
    /// fit in a `u64` (for tests).
    #[cfg(test)]
    pub fn number_atoms_as_met(&mut self) {
        self.codes = Codes::Met(Default::default());
    }

    /// The counts in their published form.
    pub fn finish(self) -> Aggregated<'a> {
        let Aggregator {
            survey,
            questions,
            segments,
            layout,
            values,
            atoms: dense,
            verbatims,
            others,
            ..
        } = self;
        let mut atoms: BTreeMap<Option<Period>, BTreeMap<Vec<usize>, Cell>> = BTreeMap::new();
        for (p, m) in &dense {
            let into = atoms.entry(*p).or_default();
            for a in m.values() {
                let q = (layout.places.iter().enumerate())
                    .map(|(i, p)| a.counts.to_qagg(p, questions[i], &values[i]))
                    .collect();
                into.insert(a.key.clone(), Cell { n: a.n, q });
            }
        }
        let by_id = |v: Vec<Verbatims>| -> BTreeMap<String, Verbatims> {
            v.into_iter()
                .enumerate()
                .filter(|(_, v)| v.total > 0)
                .map(|(i, v)| (questions[i].id.clone(), v))
                .collect()
        };
        Aggregated {
            survey,
            segments: segments.iter().map(|&i| questions[i]).collect(),
            seg_values: segments
                .iter()
                .map(|&i| segment_values(&values[i]).to_vec())
                .collect(),
            verbatims: by_id(verbatims),
            others: by_id(others),
            questions,
            atoms,
        }
    }
}

/// Everything counted, keyed by values: what the findings are built from.
pub struct Aggregated<'a> {
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
}

impl Aggregated<'_> {
    /// Every atom: its segment values, its period and its figures.
    pub fn atoms(&self) -> impl Iterator<Item = (&[usize], Option<Period>, &Cell)> {
        self.atoms
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(k, c)| (k.as_slice(), *p, c)))
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
mod tests;
