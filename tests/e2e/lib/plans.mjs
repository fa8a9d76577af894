// Scripted respondents: answers a person might give, drawn from a seeded
// random source so every run is the same. Takes: a survey, a seed. Returns:
// { answers: {id: value}, other: {id: text} } answering only questions that
// the respondent would see; expected(survey, plan) keeps the visible ones.
import { visible } from './oracle.mjs';

export function rng(seed) {
  let a = (seed * 2654435761) >>> 0;
  return () => { // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  'Mer fleksibilitet, og en leder som lytter.',
  'Better "career" paths; less context switching.',
  'Æ ø å ÆØÅ – lønna var for lav!',
  'Tydeligere prioriteringer\nog færre møter.',
  'Nothing, really. It was time.',
  'Hjemmekontor to dager i uka, takk.',
];

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));

function answerFor(q, r, other) {
  switch (q.type) {
    case 'choice': {
      const v = pick(r, q.options).value;
      if (v === 'other') other[q.id] = 'Lang pendlevei, og ingen hjemmekontor';
      return v;
    }
    case 'multi': {
      const plain = q.options.filter((o) => !o.none && !o.other);
      if (q.options.some((o) => o.none) && r() < 0.15) return ['none'];
      const max = Math.min(q.max ?? plain.length, plain.length);
      const n = Math.max(q.min ?? 1, int(r, 1, max));
      const chosen = new Set();
      while (chosen.size < n) chosen.add(pick(r, plain).value);
      const order = q.options.map((o) => o.value);
      const out = [...chosen].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      if (q.options.some((o) => o.other) && out.length < (q.max ?? 99) && r() < 0.2) {
        out.push('other');
        other[q.id] = 'Parkering';
      }
      return out.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    }
    case 'yesno': return r() < 0.5 ? 'yes' : 'no';
    case 'scale': case 'nps': return int(r, q.range[0], q.range[1]);
    case 'number': {
      const lo = q.raw.min ?? 0; const hi = q.raw.max ?? lo + 40;
      return int(r, Math.ceil(lo), Math.floor(hi));
    }
    case 'text': {
      const t = pick(r, TEXTS);
      const s = q.multiline ? t : t.replace(/\n/g, ' ');
      return q.raw.max_length ? s.slice(0, q.raw.max_length) : s;
    }
    case 'date': {
      const y = int(r, 2019, 2025); const m = String(int(r, 1, 12)).padStart(2, '0');
      return q.precision === 'month' ? `${y}-${m}` : `${y}-${m}-${String(int(r, 1, 28)).padStart(2, '0')}`;
    }
    case 'matrix': {
      const out = {};
      for (const row of q.rows) if (r() < 0.9) out[row] = int(r, q.range[0], q.range[1]);
      return out;
    }
    case 'ranking': {
      const vs = q.options.map((o) => o.value);
      for (let i = vs.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [vs[i], vs[j]] = [vs[j], vs[i]]; }
      return vs;
    }
    default: return undefined;
  }
}

/** A respondent: answers what they see; skips optional questions now and then. */
export function makePlan(survey, seed, { skip = 0.15, full = false } = {}) {
  const r = rng(seed);
  const answers = {}; const other = {};
  for (const q of survey.questions) {
    if (q.type === 'info') continue;
    if (!visible(survey, answers).has(q.id)) continue;
    if (!full && !q.required && r() < skip) continue;
    const a = answerFor(q, r, other);
    if (a !== undefined) answers[q.id] = a;
  }
  return { answers, other };
}

/** What the posted body must hold: the answers of visible questions. */
export function expected(survey, plan) {
  const shown = visible(survey, plan.answers);
  const answers = {}; const other = {};
  for (const [k, v] of Object.entries(plan.answers)) if (shown.has(k)) answers[k] = v;
  for (const [k, v] of Object.entries(plan.other)) if (shown.has(k)) other[k] = v;
  return { answers, other };
}
