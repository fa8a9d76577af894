//! The attack: the published facts, the identities, one linear system over
//! every question at once, and the two searches (small sets, unanimity).
//!
//! Coordinates: per atom, the identities are solved once (exactly), which
//! leaves a set of free cells; every cell is a combination of them. A
//! published fact is then a vector over (atom, free cell) columns, and a
//! functional is derivable "beyond the identities" exactly when its image
//! lies in the span D of the facts (the quotient by the identities is
//! built in, since identities are per atom). Columns no fact touches are
//! dropped: a functional with a part there is never derivable.
//!
//! Rule 1 (small sets): columns are ordered with the atoms of at least k
//! respondents first, so the rows of the echelon form whose pivot lies in
//! the atoms below k span K = D ∩ (functionals on atoms below k). Every
//! leaking union lies in the support of K; for a union S, dim(D ∩ V_S) =
//! the number of independent combinations of K's reduced rows that
//! vanish outside S.
//!
//! Rule 2 (unanimity): for a grouping, Σ_{a∈S} (answered − in grouping)
//! is derivable iff the residues (modulo D) of the atoms' terms sum to
//! zero; only atoms whose true value is 0 or 1 can take part.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use crate::data::Data;
use crate::exact::{Echelon, Q, SVec, axpy, dependencies, modp, normalise, rref};
use crate::figures::{Fact, truth};
use crate::model::{Func, Model};
use crate::search::{Budget, Mode, Search, run};
use crate::{Finding, Rule};

/// Every cell of an atom as a combination of the atom's free cells.
struct Param {
    expr: Vec<Vec<(usize, Q)>>,
}

fn parametrise(model: &Model, ids: &[Func]) -> Param {
    let nv = model.nvars();
    let mut order: Vec<usize> = (0..nv).collect();
    order.sort_by_key(|&v| (model.pref[v], v));
    let mut pos = vec![0u32; nv];
    for (p, &v) in order.iter().enumerate() {
        pos[v] = p as u32;
    }
    let rows: Vec<SVec> = ids
        .iter()
        .map(|f| normalise(f.iter().map(|&(v, c)| (pos[v], c)).collect()))
        .filter(|r| !r.is_empty())
        .collect();
    let mut expr: Vec<Vec<(usize, Q)>> = (0..nv).map(|v| vec![(v, Q::ONE)]).collect();
    for r in rref(&rows) {
        let p = order[r[0].0 as usize];
        expr[p] = r[1..]
            .iter()
            .map(|&(c, x)| (order[c as usize], x.neg()))
            .collect();
    }
    Param { expr }
}

fn lift(p: &Param, f: &Func) -> Vec<(usize, Q)> {
    let mut out = Vec::new();
    for &(v, c) in f {
        for &(w, x) in &p.expr[v] {
            out.push((w, c.mul(x)));
        }
    }
    let v: Vec<(u32, Q)> = normalise(out.into_iter().map(|(w, x)| (w as u32, x)).collect());
    v.into_iter().map(|(w, x)| (w as usize, x)).collect()
}

pub struct System<'a> {
    model: &'a Model,
    data: &'a Data,
    facts: &'a [Fact],
    params: Vec<Rc<Param>>,
    col_of: HashMap<(usize, usize), u32>,
    col_key: Vec<(usize, usize)>,
    small_start: u32,
    rows: Vec<SVec>,
    ech: Echelon,
    tracked: Option<Echelon>,
}

impl<'a> System<'a> {
    pub fn new(model: &'a Model, data: &'a Data, facts: &'a [Fact]) -> System<'a> {
        let mut cache: HashMap<Vec<Option<String>>, Rc<Param>> = HashMap::new();
        let nseg = model.segs.len();
        let params: Vec<Rc<Param>> = data
            .atoms
            .iter()
            .map(|a| {
                let seg = a.key[..nseg].to_vec();
                cache
                    .entry(seg.clone())
                    .or_insert_with(|| Rc::new(parametrise(model, &model.identities(&seg))))
                    .clone()
            })
            .collect();
        // Facts over (atom, free cell).
        let keyed: Vec<Vec<((usize, usize), Q)>> = facts
            .iter()
            .map(|f| {
                let mut row = Vec::new();
                for &a in &f.atoms {
                    for (v, c) in lift(&params[a], &f.func) {
                        row.push(((a, v), c));
                    }
                }
                row
            })
            .collect();
        let k = model.k;
        let small = |a: usize| data.atoms[a].n < k;
        let mut keys: Vec<(usize, usize)> = keyed
            .iter()
            .flatten()
            .map(|(key, _)| *key)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        keys.sort_by_key(|&(a, v)| (small(a), v, a));
        let col_of: HashMap<(usize, usize), u32> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        let small_start = keys.iter().take_while(|&&(a, _)| !small(a)).count() as u32;
        let rows: Vec<SVec> = keyed
            .into_iter()
            .map(|r| normalise(r.into_iter().map(|(key, c)| (col_of[&key], c)).collect()))
            .collect();
        let mut ech = Echelon::new(false);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows[i].len());
        for i in order {
            let _ = ech.insert(rows[i].clone(), i as u32);
        }
        System {
            model,
            data,
            facts,
            params,
            col_of,
            col_key: keys,
            small_start,
            rows,
            ech,
            tracked: None,
        }
    }

    pub fn rank(&self) -> usize {
        self.ech.rank()
    }

    pub fn columns(&self) -> usize {
        self.col_key.len()
    }

    /// A local functional at atom `a` over the columns, or `None` when it
    /// has a part no fact touches (then nothing that includes it is
    /// derivable).
    fn at_atom(&self, a: usize, f: &Func) -> Option<SVec> {
        let v: Option<Vec<(u32, Q)>> = lift(&self.params[a], f)
            .into_iter()
            .map(|(w, c)| self.col_of.get(&(a, w)).map(|&col| (col, c)))
            .collect();
        v.map(normalise)
    }

    fn value_of(&self, d: &SVec) -> Q {
        let mut t = Q::ZERO;
        for &(col, c) in d {
            let (a, v) = self.col_key[col as usize];
            t = t.add(c.mul(Q::int(i128::from(self.data.cells[a][v]))));
        }
        t
    }

    fn atoms_of(&self, d: &SVec) -> Vec<usize> {
        d.iter()
            .map(|&(c, _)| self.col_key[c as usize].0)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The functional in cells, and the published facts it is derived
    /// from.
    fn explain(&mut self, d: &SVec) -> String {
        let cells: Vec<String> = d
            .iter()
            .take(12)
            .map(|&(col, c)| {
                let (a, v) = self.col_key[col as usize];
                format!(
                    "{} × {}[{}]",
                    signed(c),
                    self.model.names[v],
                    self.data.label(a)
                )
            })
            .collect();
        let more = if d.len() > 12 {
            format!(" … ({} more terms)", d.len() - 12)
        } else {
            String::new()
        };
        let value = self.value_of(d);
        if self.tracked.is_none() {
            let mut t = Echelon::new(true);
            for (i, r) in self.rows.iter().enumerate() {
                let _ = t.insert(r.clone(), i as u32);
            }
            self.tracked = Some(t);
        }
        let combo = self.tracked.as_ref().unwrap().express(d.clone());
        let show = if std::env::var_os("FARVEL_ATTACK_VERBOSE").is_some() {
            usize::MAX
        } else {
            16
        };
        let derivation = match combo {
            None => "NOT DERIVABLE (attacker bug)".to_string(),
            Some(c) => {
                // The same arithmetic on the published values: a check of
                // the derivation itself.
                let mut published = Q::ZERO;
                for &(i, x) in &c {
                    let f = &self.facts[i as usize];
                    published = published.add(x.mul(truth(self.data, &f.atoms, &f.func)));
                }
                let mut lines: Vec<String> = c
                    .iter()
                    .take(show)
                    .map(|&(i, x)| format!("      {} × {}", signed(x), self.facts[i as usize].desc))
                    .collect();
                if c.len() > show {
                    lines.push(format!(
                        "      … and {} more figures (FARVEL_ATTACK_VERBOSE=1 lists all)",
                        c.len() - show
                    ));
                }
                lines.push(format!(
                    "      = {published} from the published values{}",
                    if published == value {
                        ""
                    } else {
                        " (≠ the cells: ATTACKER BUG)"
                    }
                ));
                lines.join("\n")
            }
        };
        format!(
            "{}{more} = {value}\n    (identities of each atom applied) derived from:\n{derivation}",
            cells.join(" ")
        )
    }

    /// Rule 1.
    pub fn small_sets(&mut self, budget: Budget) -> (Vec<Finding>, Mode) {
        let k_rows: Vec<SVec> = self
            .ech
            .rows()
            .iter()
            .filter(|r| r[0].0 >= self.small_start)
            .cloned()
            .collect();
        if k_rows.is_empty() {
            return (Vec::new(), Mode::Exact { nodes: 0 });
        }
        let reduced = rref(&k_rows);
        let col_atom: Vec<usize> = self.col_key.iter().map(|k| k.0).collect();
        let mut pool: Vec<usize> = reduced
            .iter()
            .flatten()
            .map(|&(c, _)| col_atom[c as usize])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        pool.sort_by_key(|&a| (self.data.atoms[a].n, a));
        let keys: Vec<Vec<Option<String>>> =
            self.data.atoms.iter().map(|a| a.key.clone()).collect();
        let mut by_atom: Vec<Vec<usize>> = vec![Vec::new(); self.data.atoms.len()];
        for (i, r) in reduced.iter().enumerate() {
            by_atom[col_atom[r[0].0 as usize]].push(i);
        }
        let reduced_p: Option<Vec<Vec<(u32, u64)>>> = reduced
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&(c, x)| modp::of(x).map(|y| (c, y)))
                    .collect()
            })
            .collect();
        let mut s = SmallSets {
            sizes: pool.iter().map(|&a| self.data.atoms[a].n).collect(),
            pool,
            k: self.model.k,
            reduced,
            reduced_p,
            by_atom,
            inside: vec![false; self.data.atoms.len()],
            col_atom,
            known: Echelon::new(false),
            found: Vec::new(),
        };
        let mode = run(&mut s, &keys, budget);
        let mut out = Vec::new();
        for ds in s.found {
            let atoms: Vec<usize> = ds
                .iter()
                .flat_map(|d| self.atoms_of(d))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let n: u64 = atoms.iter().map(|&a| self.data.atoms[a].n).sum();
            let detail = format!(
                "a union of {n} respondents (below k = {}) has {} independent derivable \
                 function(s) of its cells beyond the identities, e.g.\n    {}",
                self.model.k,
                ds.len(),
                self.explain(&ds[0])
            );
            out.push(Finding {
                rule: Rule::SmallSet,
                set: atoms.iter().map(|&a| self.data.label(a)).collect(),
                question: None,
                detail,
            });
        }
        (out, mode)
    }

    /// Rule 2.
    pub fn unanimity(&mut self, budget: Budget) -> (Vec<Finding>, Vec<(String, Mode)>) {
        let keys: Vec<Vec<Option<String>>> =
            self.data.atoms.iter().map(|a| a.key.clone()).collect();
        let k = self.model.k;
        let mut findings = Vec::new();
        let mut modes = Vec::new();
        for g in self.model.groupings() {
            let answered = self.model.answered(g.q, g.sub);
            let mut h = answered.clone();
            h.extend(g.vars.iter().map(|&v| (v, Q::ONE.neg())));
            let mut cands: Vec<(usize, i128, i128, SVec, SVec)> = Vec::new();
            for a in 0..self.data.atoms.len() {
                let ans = truth(self.data, &[a], &answered).numer();
                let inside: i128 = g
                    .vars
                    .iter()
                    .map(|&v| i128::from(self.data.cells[a][v]))
                    .sum();
                let val = ans - inside;
                if val > 1 {
                    continue;
                }
                let Some(ha) = self.at_atom(a, &h) else {
                    continue;
                };
                let res = self.ech.residue(ha.clone());
                if ans == 0 && res.is_empty() {
                    continue;
                }
                cands.push((a, ans, val, ha, res));
            }
            // An atom whose residue has a coordinate no other candidate's
            // residue has can never be part of a zero sum.
            loop {
                let mut count: HashMap<u32, usize> = HashMap::new();
                for c in &cands {
                    for &(col, _) in &c.4 {
                        *count.entry(col).or_default() += 1;
                    }
                }
                let before = cands.len();
                cands.retain(|c| c.4.iter().all(|(col, _)| count[col] > 1));
                if cands.len() == before {
                    break;
                }
            }
            if cands.iter().all(|c| c.1 == 0) {
                continue;
            }
            cands.sort_by_key(|c| (std::cmp::Reverse(c.1), c.0));
            let mut last: HashMap<u32, usize> = HashMap::new();
            for (i, c) in cands.iter().enumerate() {
                for &(col, _) in &c.4 {
                    last.insert(col, i);
                }
            }
            let mut s = Unanimous {
                pool: cands.iter().map(|c| c.0).collect(),
                ans: cands.iter().map(|c| c.1).collect(),
                val: cands.iter().map(|c| c.2).collect(),
                res: cands.iter().map(|c| c.4.clone()).collect(),
                limit: 2 * i128::from(k) - 1,
                found: Vec::new(),
                last,
                sums: Vec::new(),
            };
            let mode = run(&mut s, &keys, budget);
            modes.push((g.label.clone(), mode));
            // Only the minimal unions (a union found first may hold one
            // found later).
            let found: Vec<Vec<usize>> = s
                .found
                .iter()
                .filter(|f| {
                    !s.found
                        .iter()
                        .any(|g| g.len() < f.len() && g.iter().all(|x| f.contains(x)))
                })
                .cloned()
                .collect();
            for set in found {
                let atoms: Vec<usize> = set.iter().map(|&i| s.pool[i]).collect();
                let mut d: SVec = Vec::new();
                for &i in &set {
                    d = axpy(&d, Q::ONE, &cands[i].3);
                }
                let ans: i128 = set.iter().map(|&i| s.ans[i]).sum();
                let val: i128 = set.iter().map(|&i| s.val[i]).sum();
                let how = if val == 0 { "all" } else { "all but one" };
                let detail = format!(
                    "{how} of {ans} answerers (below 2k = {}) fall in '{}', derivably: \
                     answered − in grouping =\n    {}",
                    2 * k,
                    g.label,
                    self.explain(&d)
                );
                findings.push(Finding {
                    rule: Rule::Unanimity,
                    set: atoms.iter().map(|&a| self.data.label(a)).collect(),
                    question: Some(g.label.clone()),
                    detail,
                });
            }
        }
        (findings, modes)
    }
}

fn signed(x: Q) -> String {
    if x < Q::ZERO {
        format!("{x}")
    } else {
        format!("+{x}")
    }
}

struct SmallSets {
    pool: Vec<usize>,
    sizes: Vec<u64>,
    k: u64,
    reduced: Vec<SVec>,
    /// The same rows modulo p (`None` if a denominator is a multiple of p).
    reduced_p: Option<Vec<Vec<(u32, u64)>>>,
    /// Per atom: the reduced rows whose pivot lies in it.
    by_atom: Vec<Vec<usize>>,
    /// Scratch: the atoms of the union under test.
    inside: Vec<bool>,
    col_atom: Vec<usize>,
    known: Echelon,
    /// Per union found: the functionals it newly made derivable.
    found: Vec<Vec<SVec>>,
}

impl Search for SmallSets {
    fn pool(&self) -> &[usize] {
        &self.pool
    }

    fn within(&self, set: &[usize]) -> bool {
        set.iter().map(|&i| self.sizes[i]).sum::<u64>() < self.k
    }

    fn test(&mut self, set: &[usize]) {
        let rows: Vec<usize> = set
            .iter()
            .flat_map(|&i| self.by_atom[self.pool[i]].iter().copied())
            .collect();
        if rows.is_empty() {
            return;
        }
        for &i in set {
            self.inside[self.pool[i]] = true;
        }
        // Fast filter: rows whose parts outside the union are independent
        // modulo p are independent exactly, and then nothing leaks.
        let independent = self.reduced_p.as_ref().is_some_and(|rp| {
            let outside: Vec<Vec<(u32, u64)>> = rows
                .iter()
                .map(|&r| {
                    rp[r]
                        .iter()
                        .copied()
                        .filter(|&(c, _)| !self.inside[self.col_atom[c as usize]])
                        .collect()
                })
                .collect();
            modp::independent(&outside)
        });
        for &i in set {
            self.inside[self.pool[i]] = false;
        }
        if independent {
            return;
        }
        let atoms: BTreeSet<usize> = set.iter().map(|&i| self.pool[i]).collect();
        let inside: Vec<&SVec> = rows.iter().map(|&r| &self.reduced[r]).collect();
        let outside: Vec<SVec> = inside
            .iter()
            .map(|r| {
                r.iter()
                    .copied()
                    .filter(|&(c, _)| !atoms.contains(&self.col_atom[c as usize]))
                    .collect()
            })
            .collect();
        let mut new = Vec::new();
        for y in dependencies(&outside) {
            let mut d: SVec = Vec::new();
            for &(i, c) in &y {
                d = axpy(&d, c, inside[i as usize]);
            }
            debug_assert!(
                d.iter()
                    .all(|&(c, _)| atoms.contains(&self.col_atom[c as usize]))
            );
            if !d.is_empty() && self.known.insert(d.clone(), 0).is_ok() {
                new.push(d);
            }
        }
        if !new.is_empty() {
            self.found.push(new);
        }
    }
}

struct Unanimous {
    pool: Vec<usize>,
    ans: Vec<i128>,
    val: Vec<i128>,
    res: Vec<SVec>,
    limit: i128,
    found: Vec<Vec<usize>>,
    /// Per residue coordinate: the last candidate (position) that has it.
    last: HashMap<u32, usize>,
    /// The depth-first search's residue sums, by depth.
    sums: Vec<SVec>,
}

impl Unanimous {
    fn check(&mut self, set: &[usize], sum: &SVec) {
        if sum.is_empty()
            && set.iter().map(|&i| self.ans[i]).sum::<i128>() >= 1
            && !self.found.iter().any(|f| f.iter().all(|x| set.contains(x)))
        {
            self.found.push(set.to_vec());
        }
    }
}

impl Search for Unanimous {
    fn pool(&self) -> &[usize] {
        &self.pool
    }

    fn within(&self, set: &[usize]) -> bool {
        set.iter().map(|&i| self.ans[i]).sum::<i128>() <= self.limit
            && set.iter().map(|&i| self.val[i]).sum::<i128>() <= 1
    }

    fn test(&mut self, set: &[usize]) {
        let mut sum: SVec = Vec::new();
        for &i in set {
            sum = axpy(&sum, Q::ONE, &self.res[i]);
        }
        self.check(set, &sum);
    }

    fn visit(&mut self, set: &[usize]) -> bool {
        let depth = set.len();
        let i = set[depth - 1];
        let sum = match depth {
            1 => self.res[i].clone(),
            _ => axpy(&self.sums[depth - 2], Q::ONE, &self.res[i]),
        };
        self.check(set, &sum);
        // A coordinate no later candidate has can never cancel.
        let hopeless = sum.iter().any(|(c, _)| self.last[c] <= i);
        self.sums.truncate(depth - 1);
        self.sums.push(sum);
        !hopeless
    }
}
