// Reading survey YAML for the tests: the questions in order with their
// options, rows and ranges, text in each language, and the endpoint block.
// Takes: a survey file path. Returns: { id, languages, sections, questions,
// byId, endpoint, raw, text(value, lang) }. Independent of farvel's own code.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseCondition } from './oracle.mjs';

const PRESETS = { agree5: 5, satisfied5: 5, likely5: 5, quality5: 5 };

export function slugify(s) {
  const map = { æ: 'ae', ø: 'o', å: 'aa', Æ: 'ae', Ø: 'o', Å: 'aa', ß: 'ss' };
  const base = [...s].map((c) => map[c] ?? c).join('').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

function options(raw) {
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.map((l) => ({ value: slugify(String(l)), label: String(l) }));
  return Object.entries(raw).map(([value, label]) => ({ value: String(value), label }));
}

function range(q) {
  if (q.type === 'nps') return [0, 10];
  if (q.range) return q.range.map(Number);
  if (q.scale && PRESETS[q.scale]) return [1, PRESETS[q.scale]];
  return [1, 5];
}

export function loadSurvey(file) {
  const raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  const languages = raw.languages || ['en'];
  const text = (v, lang) => (v == null ? '' : typeof v === 'object' ? String(v[lang] ?? '') : String(v));
  const sections = (raw.sections || []).map((s, si) => ({
    index: si,
    title: s.title,
    intro: s.intro,
    questions: (s.questions || []).map((q) => {
      const opts = options(q.options);
      if (q.other) opts.push({ value: 'other', label: null, other: true });
      if (q.none) opts.push({ value: 'none', label: null, none: true });
      const out = {
        id: String(q.id),
        type: q.type,
        raw: q,
        section: si,
        required: !!q.required,
        showIf: q.show_if ? String(q.show_if) : null,
        options: ['choice', 'multi', 'ranking'].includes(q.type) ? opts : [],
        rows: q.rows ? Object.keys(q.rows) : [],
        range: ['scale', 'nps', 'matrix'].includes(q.type) ? range(q) : null,
        min: q.min, max: q.max,
        multiline: !!q.multiline,
        dropdown: q.display === 'dropdown',
        precision: q.precision || 'day',
        integer: !!q.integer,
      };
      if (out.showIf) out.cond = parseCondition(out.showIf);
      return out;
    }),
  }));
  const questions = sections.flatMap((s) => s.questions);
  const byId = Object.fromEntries(questions.map((q) => [q.id, q]));
  return {
    file, raw, id: raw.id || path.basename(file).replace(/\.ya?ml$/, ''),
    languages, sections, questions, byId,
    endpoint: raw.endpoint || {}, text,
  };
}

/** Questions that take an answer (everything but info). */
export const answerable = (s) => s.questions.filter((q) => q.type !== 'info');
