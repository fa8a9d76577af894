//! Random surveys and microdata for the property tests, drawn from one
//! seed: segment questions (optional, 3–6 values), 1–6 quarters, a few
//! questions of the types the report counts (some optional, some shown
//! only under a condition on an earlier answer, sometimes on a segment),
//! and skewed data with at most 20 non-empty atoms, small ones included.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use farvel::answers::Answer;
use farvel::survey::expr::visible_questions;
use farvel::survey::{Kind, Survey};

/// splitmix64: small, seedable, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.range(0, xs.len() - 1)]
    }

    /// An index drawn with these weights.
    pub fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| u64::from(x)).sum();
        let mut r = self.next() % total.max(1);
        for (i, &x) in w.iter().enumerate() {
            if r < u64::from(x) {
                return i;
            }
            r -= u64::from(x);
        }
        w.len() - 1
    }
}

#[derive(Clone, Debug)]
pub enum Type {
    Choice(usize),
    YesNo,
    Scale,
    Nps,
    /// options, with `none`
    Multi(usize, bool),
    /// rows
    Matrix(usize),
}

#[derive(Clone, Debug)]
pub struct GenQ {
    pub id: String,
    pub ty: Type,
    pub required: bool,
    pub show_if: Option<String>,
}

#[derive(Clone, Debug)]
pub struct GenSeg {
    pub id: String,
    pub values: Vec<String>,
    pub required: bool,
    /// `other: true`: a write-in, which the report counts as not answered.
    pub other: bool,
}

/// A generated survey: its YAML and what it was made of.
pub struct GenSurvey {
    pub yaml: String,
    pub k: u32,
    pub segs: Vec<GenSeg>,
    pub qs: Vec<GenQ>,
}

/// The answer classes of a question (matrix: of each row; multi: options).
fn classes(ty: &Type) -> Vec<String> {
    match ty {
        Type::Choice(n) | Type::Multi(n, _) => (0..*n).map(|i| format!("o{i}")).collect(),
        Type::YesNo => vec!["yes".into(), "no".into()],
        Type::Scale | Type::Matrix(_) => (1..=5).map(|p| p.to_string()).collect(),
        Type::Nps => (0..=10).map(|p| p.to_string()).collect(),
    }
}

/// A condition on an earlier question `q` (a class-membership test, or
/// `answered`).
fn condition_on(rng: &mut Rng, q: &GenQ) -> String {
    let id = &q.id;
    if rng.chance(0.15) {
        return if rng.chance(0.5) {
            format!("answered({id})")
        } else {
            format!("not answered({id})")
        };
    }
    match &q.ty {
        Type::Choice(n) => {
            let o = rng.range(0, n - 1);
            match rng.range(0, 3) {
                0 => format!("{id} == 'o{o}'"),
                1 => format!("{id} != 'o{o}'"),
                2 => format!("not {id} == 'o{o}'"),
                _ => format!("{id} in ['o{o}', 'o{}']", (o + 1) % n),
            }
        }
        Type::YesNo => format!("{id} == '{}'", if rng.chance(0.5) { "yes" } else { "no" }),
        Type::Scale => format!("{id} {} {}", rng.pick(&[">=", "<="]), rng.range(2, 4)),
        Type::Nps => rng
            .pick(&[format!("{id} <= 6"), format!("{id} >= 9")])
            .clone(),
        Type::Multi(n, _) => format!("'o{}' in {id}", rng.range(0, n - 1)),
        Type::Matrix(_) => format!("{id}.r0 {} {}", rng.pick(&[">=", "<="]), rng.range(2, 4)),
    }
}

pub fn survey(rng: &mut Rng, nsegs: usize, nq: usize, k: u32) -> GenSurvey {
    let segs: Vec<GenSeg> = (0..nsegs)
        .map(|i| GenSeg {
            id: format!("seg{i}"),
            values: (0..rng.range(3, 6)).map(|v| format!("s{v}")).collect(),
            required: false,
            other: rng.chance(0.3),
        })
        .collect();
    let mut qs: Vec<GenQ> = Vec::new();
    let mut seg_condition_used = false;
    for i in 0..nq {
        let ty = match rng.range(0, 5) {
            0 => Type::Choice(rng.range(2, 4)),
            1 => Type::YesNo,
            2 => Type::Scale,
            3 => Type::Nps,
            4 => Type::Multi(rng.range(2, 4), rng.chance(0.3)),
            _ => Type::Matrix(rng.range(1, 3)),
        };
        let mut show_if = None;
        if !qs.is_empty() && rng.chance(0.35) {
            let a = rng.pick(&qs).clone();
            let mut c = condition_on(rng, &a);
            if rng.chance(0.15) {
                let b = rng.pick(&qs).clone();
                c = format!("{c} {} {}", rng.pick(&["or", "and"]), condition_on(rng, &b));
            }
            show_if = Some(c);
        } else if !segs.is_empty() && !seg_condition_used && rng.chance(0.2) {
            seg_condition_used = true;
            let s = rng.pick(&segs).clone();
            let v = rng.range(0, s.values.len() - 1);
            show_if = Some(match rng.range(0, 2) {
                0 => format!("{} == 's{v}'", s.id),
                1 => format!("{} != 's{v}'", s.id),
                _ => format!("{} in ['s{v}', 's{}']", s.id, (v + 1) % s.values.len()),
            });
        }
        qs.push(GenQ {
            id: format!("q{i}"),
            ty,
            required: rng.chance(0.4),
            show_if,
        });
    }
    let yaml = yaml(&segs, &qs, k);
    GenSurvey { yaml, k, segs, qs }
}

pub fn yaml(segs: &[GenSeg], qs: &[GenQ], k: u32) -> String {
    let mut y = format!(
        "id: gen\ntitle: Generated exit survey\ncustodian: the committee\n\
         endpoint:\n  service: netlify\nanonymity:\n  min_group: {k}\nsections:\n  - questions:\n"
    );
    for s in segs {
        let _ = writeln!(
            y,
            "      - id: {}\n        type: choice\n        segment: true\n        required: {}\n        text: Segment {}\n        options:",
            s.id, s.required, s.id
        );
        for v in &s.values {
            let _ = writeln!(y, "          {v}: Value {v}");
        }
        if s.other {
            y.push_str("        other: true\n");
        }
    }
    for q in qs {
        let _ = writeln!(y, "      - id: {}\n        text: Question {}", q.id, q.id);
        if q.required {
            y.push_str("        required: true\n");
        }
        if let Some(c) = &q.show_if {
            let _ = writeln!(y, "        show_if: \"{c}\"");
        }
        match &q.ty {
            Type::Choice(_) | Type::Multi(..) => {
                let kind = if matches!(q.ty, Type::Choice(_)) {
                    "choice"
                } else {
                    "multi"
                };
                let _ = writeln!(y, "        type: {kind}\n        options:");
                for o in classes(&q.ty) {
                    let _ = writeln!(y, "          {o}: Option {o}");
                }
                if let Type::Multi(_, true) = q.ty {
                    y.push_str("        none: true\n");
                }
            }
            Type::YesNo => y.push_str("        type: yesno\n"),
            Type::Scale => y.push_str("        type: scale\n        range: [1, 5]\n"),
            Type::Nps => y.push_str("        type: nps\n"),
            Type::Matrix(n) => {
                y.push_str("        type: matrix\n        range: [1, 5]\n        rows:\n");
                for r in 0..*n {
                    let _ = writeln!(y, "          r{r}: Row {r}");
                }
            }
        }
    }
    y
}

/// One atom of generated data: segment values (None = not answered),
/// period (None = no time), size.
#[derive(Clone, Debug)]
pub struct GenAtom {
    pub segs: Vec<Option<String>>,
    pub period: Option<String>,
    pub n: usize,
}

/// How answers are drawn within an atom.
#[derive(Clone, Copy, Debug)]
pub enum Spread {
    /// Skewed: some atoms answer a question unanimously, skips happen.
    Skewed,
    /// Every class grouping has at least two answerers outside it in
    /// every atom; nobody skips.
    Safe,
}

/// Quarter labels.
pub fn quarters(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}-Q{}", 2024 + i / 4, i % 4 + 1))
        .collect()
}

/// Skewed atoms: at most `max_atoms` non-empty combinations, sizes mixing
/// small (1..k−1) and larger ones, 20–300 rows in all.
pub fn skewed_atoms(
    rng: &mut Rng,
    g: &GenSurvey,
    nperiods: usize,
    max_atoms: usize,
) -> Vec<GenAtom> {
    let k = g.k as usize;
    let periods = quarters(nperiods);
    let mut domain: Vec<Vec<Option<String>>> = vec![Vec::new()];
    for s in &g.segs {
        let mut vals: Vec<Option<String>> = s.values.iter().cloned().map(Some).collect();
        if !s.required {
            vals.push(None);
        }
        domain = domain
            .into_iter()
            .flat_map(|d| {
                vals.iter().map(move |v| {
                    let mut d = d.clone();
                    d.push(v.clone());
                    d
                })
            })
            .collect();
    }
    let mut all: Vec<(Vec<Option<String>>, Option<String>)> = Vec::new();
    for d in &domain {
        for p in &periods {
            all.push((d.clone(), Some(p.clone())));
        }
        if rng.chance(0.05) {
            all.push((d.clone(), None));
        }
    }
    let m = rng.range(1, max_atoms.min(all.len()));
    // Partial shuffle: the first m are the non-empty atoms.
    for i in 0..m {
        let j = rng.range(i, all.len() - 1);
        all.swap(i, j);
    }
    let mut atoms: Vec<GenAtom> = all[..m]
        .iter()
        .map(|(segs, period)| GenAtom {
            segs: segs.clone(),
            period: period.clone(),
            n: if rng.chance(0.45) {
                rng.range(1, k - 1)
            } else {
                rng.range(k, 3 * k)
            },
        })
        .collect();
    let mut total: usize = atoms.iter().map(|a| a.n).sum();
    while total < 20 {
        let i = rng.range(0, m - 1);
        let add = rng.range(1, k);
        atoms[i].n += add;
        total += add;
    }
    while total > 300 {
        let i = rng.range(0, m - 1);
        if atoms[i].n > 1 {
            atoms[i].n -= 1;
            total -= 1;
        }
    }
    atoms
}

/// Draw one respondent's answers in an atom; `style[q]` holds the atom's
/// leanings for question q (class weights, skip chance).
struct Style {
    weights: Vec<u32>,
    skip: f64,
}

fn style(rng: &mut Rng, q: &GenQ, spread: Spread) -> Style {
    let n = classes(&q.ty).len();
    match spread {
        Spread::Safe => Style {
            weights: vec![1; n],
            skip: 0.0,
        },
        Spread::Skewed => {
            let mut weights: Vec<u32> = (0..n).map(|_| rng.range(0, 6) as u32).collect();
            if rng.chance(0.35) {
                // Unanimous, or all in the top two.
                weights = vec![0; n];
                let c = rng.range(0, n - 1);
                weights[c] = 1;
                if n > 2 && rng.chance(0.4) {
                    weights[(c + 1) % n] = 1;
                }
            }
            if weights.iter().all(|&w| w == 0) {
                weights[0] = 1;
            }
            Style {
                weights,
                skip: if q.required {
                    0.0
                } else {
                    *rng.pick(&[0.0, 0.0, 0.1, 0.3])
                },
            }
        }
    }
}

fn answer(rng: &mut Rng, q: &GenQ, st: &Style, forced: Option<usize>) -> Option<Answer> {
    if !q.required && rng.chance(st.skip) {
        return None;
    }
    let cs = classes(&q.ty);
    let pick = |rng: &mut Rng| forced.unwrap_or_else(|| rng.weighted(&st.weights));
    Some(match &q.ty {
        Type::Choice(_) => Answer::Choice(cs[pick(rng)].clone()),
        Type::YesNo => Answer::YesNo(pick(rng) == 0),
        Type::Scale | Type::Nps => Answer::Point(cs[pick(rng)].parse().unwrap()),
        Type::Multi(n, none) => {
            if *none && forced.is_none() && rng.chance(0.1) {
                Answer::Multi(vec!["none".into()])
            } else {
                let first = pick(rng);
                let mut ticked = vec![first];
                if forced.is_none() {
                    for o in 0..*n {
                        if o != first && rng.chance(0.3) {
                            ticked.push(o);
                        }
                    }
                }
                ticked.sort_unstable();
                Answer::Multi(ticked.into_iter().map(|o| cs[o].clone()).collect())
            }
        }
        Type::Matrix(rows) => {
            let mut m = BTreeMap::new();
            for r in 0..*rows {
                if !q.required && forced.is_none() && rng.chance(st.skip / 2.0) {
                    continue;
                }
                m.insert(format!("r{r}"), cs[pick(rng)].parse().unwrap());
            }
            if m.is_empty() {
                return None;
            }
            Answer::Matrix(m)
        }
    })
}

/// The respondents of the atoms, as CSV rows of the normalised format.
pub fn write_csv(
    rng: &mut Rng,
    survey: &Survey,
    g: &GenSurvey,
    atoms: &[GenAtom],
    spread: Spread,
    path: &Path,
) {
    let mut header = vec!["_period".to_string()];
    for q in survey.questions() {
        match &q.kind {
            Kind::Matrix { rows, .. } => {
                header.extend(rows.keys().map(|r| format!("{}__{r}", q.id)));
            }
            Kind::Info => {}
            _ => header.push(q.id.clone()),
        }
        if q.kind.allows_other() {
            header.push(format!("{}_other", q.id));
        }
    }
    let mut out = header.join(",");
    out.push_str("\r\n");
    for atom in atoms {
        let styles: Vec<Style> = g.qs.iter().map(|q| style(rng, q, spread)).collect();
        for i in 0..atom.n {
            let mut answers: BTreeMap<String, Answer> = BTreeMap::new();
            for (s, v) in g.segs.iter().zip(&atom.segs) {
                match v {
                    Some(v) => {
                        answers.insert(s.id.clone(), Answer::Choice(v.clone()));
                    }
                    // Not answered: skipped, or (half the time, when the
                    // segment has one) a write-in.
                    None if s.other && rng.chance(0.5) => {
                        answers.insert(s.id.clone(), Answer::Choice("other".into()));
                    }
                    None => {}
                }
            }
            for (q, st) in g.qs.iter().zip(&styles) {
                // Safe data: the first two respondents of an atom take the
                // lowest class, the next two the highest, so that every
                // grouping has two answerers outside it.
                let forced = match spread {
                    Spread::Safe if i < 4 => {
                        let n = classes(&q.ty).len();
                        Some(if i < 2 { 0 } else { n - 1 })
                    }
                    _ => None,
                };
                if let Some(a) = answer(rng, q, st, forced) {
                    answers.insert(q.id.clone(), a);
                }
            }
            let visible = visible_questions(survey, &answers);
            answers.retain(|q, _| visible.contains(q));
            if answers.is_empty() {
                // An empty submission is no response (ingest drops it).
                continue;
            }
            let mut cells = vec![atom.period.clone().unwrap_or_default()];
            for q in survey.questions() {
                let a = answers.get(&q.id);
                match (&q.kind, a) {
                    (Kind::Matrix { rows, .. }, a) => {
                        for r in rows.keys() {
                            cells.push(match a {
                                Some(Answer::Matrix(m)) => {
                                    m.get(r).map(|p| p.to_string()).unwrap_or_default()
                                }
                                _ => String::new(),
                            });
                        }
                    }
                    (Kind::Info, _) => {}
                    (_, None) if q.kind.allows_other() => {
                        cells.push(String::new());
                        cells.push(String::new());
                    }
                    (_, None) => cells.push(String::new()),
                    (_, Some(Answer::Choice(v))) if q.kind.allows_other() => {
                        cells.push(v.clone());
                        cells.push(if v == "other" {
                            "Elsewhere".into()
                        } else {
                            String::new()
                        });
                    }
                    (_, Some(a)) => cells.push(match a {
                        Answer::Choice(v) => v.clone(),
                        Answer::YesNo(b) => if *b { "yes" } else { "no" }.into(),
                        Answer::Point(p) => p.to_string(),
                        Answer::Multi(vs) => vs.join("|"),
                        other => panic!("the generator does not write {other:?}"),
                    }),
                }
            }
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    std::fs::write(path, out).unwrap();
}
