//! Enumerating unions of atoms: exactly (depth-first over the atoms that
//! can matter, pruned by the size limits) while a node budget lasts, and
//! otherwise a documented bounded search.

/// How the unions of a search were enumerated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every union within the limits was tried.
    Exact { nodes: usize },
    /// The budget ran out (or the pool was too large): only the unions of
    /// [`bounded`] were tried.
    Bounded { tried: usize, reason: String },
}

/// Limits of an exact enumeration.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Most atoms in a pool enumerated exactly.
    pub max_pool: usize,
    /// Most unions (nodes) an exact enumeration may visit.
    pub nodes: usize,
    /// Random unions tried by a bounded search.
    pub random: usize,
    pub seed: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_pool: 64,
            nodes: 200_000,
            random: 2_000,
            seed: 0x5eed_a77a_c4e5,
        }
    }
}

/// What a search needs to know of a pool of atoms.
pub trait Search {
    /// Atoms of the pool (indexes into the data's atoms), in the order the
    /// depth-first search takes them.
    fn pool(&self) -> &[usize];
    /// Whether the union `set` (positions into the pool, increasing) is
    /// within the limits; `false` also for every superset (the limits only
    /// grow with the union).
    fn within(&self, set: &[usize]) -> bool;
    /// Test one union (positions into the pool), from scratch.
    fn test(&mut self, set: &[usize]);
    /// Test a union met by the depth-first search, whose parent (the union
    /// without its last atom) was the last union visited at its depth.
    /// Returns whether a union extending it with later atoms can still be
    /// a finding.
    fn visit(&mut self, set: &[usize]) -> bool {
        self.test(set);
        true
    }
}

/// Run a search: exact while the budget lasts, else bounded (what the
/// exact part found stays found).
pub fn run<S: Search>(s: &mut S, keys: &[Vec<Option<String>>], budget: Budget) -> Mode {
    let n = s.pool().len();
    if n > budget.max_pool {
        let tried = bounded(s, keys, budget);
        return Mode::Bounded {
            tried,
            reason: format!("{n} atoms in the pool (exact up to {})", budget.max_pool),
        };
    }
    let mut nodes = 0usize;
    let mut set = Vec::new();
    if !dfs(s, &mut set, 0, &mut nodes, budget.nodes) {
        let tried = bounded(s, keys, budget);
        return Mode::Bounded {
            tried: tried + nodes,
            reason: format!(
                "more than {} unions within the limits; {nodes} tried exactly first",
                budget.nodes
            ),
        };
    }
    Mode::Exact { nodes }
}

/// Depth-first over subsets in increasing position order. Returns false
/// when the node budget ran out.
fn dfs<S: Search>(
    s: &mut S,
    set: &mut Vec<usize>,
    from: usize,
    nodes: &mut usize,
    limit: usize,
) -> bool {
    for i in from..s.pool().len() {
        set.push(i);
        if s.within(set) {
            *nodes += 1;
            if *nodes > limit {
                set.pop();
                return false;
            }
            if s.visit(set) && !dfs(s, set, i + 1, nodes, limit) {
                set.pop();
                return false;
            }
        }
        set.pop();
    }
    true
}

/// The bounded search: every union of up to three atoms of the pool (of
/// up to two when the pool has more than 60); every union of the pool's
/// atoms that share a value pattern (one value of one dimension, or one
/// value of each of two dimensions), with and without each single atom
/// of the pool added; and random unions (atoms added in a random order
/// while the limits hold, every prefix tested). Returns how many unions
/// were tried.
pub fn bounded<S: Search>(s: &mut S, keys: &[Vec<Option<String>>], budget: Budget) -> usize {
    let n = s.pool().len();
    let mut tried = 0usize;
    let try_set = |s: &mut S, set: &mut Vec<usize>, tried: &mut usize| {
        set.sort_unstable();
        set.dedup();
        if !set.is_empty() && s.within(set) {
            *tried += 1;
            s.test(set);
        }
    };
    let triples = n <= 60;
    for a in 0..n {
        try_set(s, &mut vec![a], &mut tried);
        for b in a + 1..n {
            try_set(s, &mut vec![a, b], &mut tried);
            if triples {
                for c in b + 1..n {
                    try_set(s, &mut vec![a, b, c], &mut tried);
                }
            }
        }
    }
    // Value patterns.
    let pool: Vec<usize> = s.pool().to_vec();
    let ndims = keys.first().map_or(0, Vec::len);
    let mut patterns: Vec<Vec<usize>> = Vec::new();
    for d in 0..ndims {
        let mut values: Vec<&Option<String>> = pool.iter().map(|&a| &keys[a][d]).collect();
        values.sort();
        values.dedup();
        for v in &values {
            patterns.push((0..n).filter(|&i| &&keys[pool[i]][d] == v).collect());
            for e in d + 1..ndims {
                let mut ws: Vec<&Option<String>> = pool.iter().map(|&a| &keys[a][e]).collect();
                ws.sort();
                ws.dedup();
                for w in &ws {
                    patterns.push(
                        (0..n)
                            .filter(|&i| &&keys[pool[i]][d] == v && &&keys[pool[i]][e] == w)
                            .collect(),
                    );
                }
            }
        }
    }
    patterns.push((0..n).collect());
    for p in &patterns {
        try_set(s, &mut p.clone(), &mut tried);
        for a in 0..n {
            let mut with = p.clone();
            with.push(a);
            try_set(s, &mut with, &mut tried);
            let mut without: Vec<usize> = p.iter().copied().filter(|&x| x != a).collect();
            try_set(s, &mut without, &mut tried);
        }
    }
    // Random unions (a fixed seed: the same case tries the same unions).
    let mut rng = budget.seed ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..budget.random {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        let mut set: Vec<usize> = Vec::new();
        for a in order {
            set.push(a);
            let mut sorted = set.clone();
            sorted.sort_unstable();
            if !s.within(&sorted) {
                set.pop();
                continue;
            }
            tried += 1;
            s.test(&sorted);
        }
    }
    tried
}
