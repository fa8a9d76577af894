// The tests' own reading of `show_if` (grammar and semantics from the survey
// format brief), used as the oracle for what the page must show or hide.
// Takes: an expression string, answers { id: value }. Returns: parse tree,
// evaluate(tree, answers) -> boolean, visible(survey, answers) -> Set of ids.
// Checked against the shared condition corpus when the repository has one.

function tokenize(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let s = ''; i++;
      while (i < src.length && src[i] !== "'") {
        if (src[i] === '\\' && src[i + 1] === "'") { s += "'"; i += 2; } else s += src[i++];
      }
      if (src[i] !== "'") throw new Error(`unterminated string in ${src}`);
      i++; toks.push({ t: 'str', v: s }); continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' || !toks.length || toks[toks.length - 1].t === 'op' || toks[toks.length - 1].t === '(' || toks[toks.length - 1].t === ',' || toks[toks.length - 1].t === '[')) {
      toks.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue;
    }
    const op = /^(==|!=|<=|>=|<|>)/.exec(src.slice(i));
    if (op) { toks.push({ t: 'op', v: op[0] }); i += op[0].length; continue; }
    if ('()[],'.includes(c)) { toks.push({ t: c }); i++; continue; }
    const id = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      if (['and', 'or', 'not', 'in', 'answered'].includes(w)) toks.push({ t: w });
      else if (w === 'true' || w === 'false') toks.push({ t: 'bool', v: w === 'true' });
      else toks.push({ t: 'id', v: w });
      i += w.length; continue;
    }
    throw new Error(`cannot read ${JSON.stringify(src.slice(i))} in ${src}`);
  }
  return toks;
}

export function parseCondition(src) {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p] || { t: 'eof' };
  const eat = (t) => { if (peek().t !== t) throw new Error(`expected ${t} in ${src}`); return toks[p++]; };
  const lit = () => { const k = toks[p++]; if (!k || !['str', 'num', 'bool'].includes(k.t)) throw new Error(`literal expected in ${src}`); return k.v; };
  const ref = (w) => { const [q, row] = w.split('.'); return { q, row: row ?? null }; };
  function or() { let a = and(); while (peek().t === 'or') { p++; a = { or: [a, and()] }; } return a; }
  function and() { let a = unary(); while (peek().t === 'and') { p++; a = { and: [a, unary()] }; } return a; }
  function unary() { if (peek().t === 'not') { p++; return { not: unary() }; } return primary(); }
  function primary() {
    const k = peek();
    if (k.t === '(') { p++; const e = or(); eat(')'); return e; }
    if (k.t === 'answered') { p++; eat('('); const r = ref(eat('id').v); eat(')'); return { answered: r }; }
    if (k.t === 'id') {
      p++;
      const r = ref(k.v);
      if (peek().t === 'op') { const op = toks[p++].v; return { cmp: { ...r, op, v: lit() } }; }
      eat('in'); eat('[');
      const vs = [lit()];
      while (peek().t === ',') { p++; vs.push(lit()); }
      eat(']');
      return { in: { ...r, vs } };
    }
    const v = lit(); eat('in');
    return { has: { q: eat('id').v, v } };
  }
  const tree = or();
  if (p !== toks.length) throw new Error(`trailing input in ${src}`);
  return tree;
}

function empty(a) {
  return a == null || (typeof a === 'string' && !a.trim()) || (Array.isArray(a) && !a.length)
    || (typeof a === 'object' && !Array.isArray(a) && !Object.keys(a).length);
}

function valueOf(answers, q, row) {
  const a = answers[q];
  if (empty(a)) return undefined;
  if (row != null) return typeof a === 'object' && !Array.isArray(a) ? a[row] : undefined;
  return a;
}

function compare(a, op, v) {
  switch (op) {
    case '==': return a === v || (typeof v === 'boolean' && (a === 'yes') === v);
    case '!=': return !(a === v || (typeof v === 'boolean' && (a === 'yes') === v));
    case '<': return a < v;
    case '<=': return a <= v;
    case '>': return a > v;
    case '>=': return a >= v;
    default: throw new Error(`bad op ${op}`);
  }
}

export function evaluate(e, answers) {
  if (e.or) return evaluate(e.or[0], answers) || evaluate(e.or[1], answers);
  if (e.and) return evaluate(e.and[0], answers) && evaluate(e.and[1], answers);
  if (e.not) return !evaluate(e.not, answers);
  if (e.answered) return valueOf(answers, e.answered.q, e.answered.row) !== undefined;
  if (e.cmp) {
    const a = valueOf(answers, e.cmp.q, e.cmp.row);
    return a !== undefined && !Array.isArray(a) && compare(a, e.cmp.op, e.cmp.v);
  }
  if (e.in) {
    const a = valueOf(answers, e.in.q, e.in.row);
    return a !== undefined && e.in.vs.includes(a);
  }
  if (e.has) {
    const a = valueOf(answers, e.has.q, null);
    return Array.isArray(a) && a.includes(e.has.v);
  }
  throw new Error(`bad tree ${JSON.stringify(e)}`);
}

/** Ids of the questions shown for these answers (hidden ones count as unanswered). */
export function visible(survey, answers) {
  const shown = new Set();
  const effective = {};
  for (const q of survey.questions) {
    if (!q.cond || evaluate(q.cond, effective)) {
      shown.add(q.id);
      if (!empty(answers[q.id])) effective[q.id] = answers[q.id];
    }
  }
  return shown;
}
