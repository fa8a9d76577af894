// The shared condition corpus (issue 2: expressions + answers + expected
// results, run against the Rust evaluator and the page's script). The suite
// checks its own oracle against it, so "shown as the oracle says" means
// "shown as the corpus says". Takes: FARVEL_CONDITIONS or
// <repo>/tests/fixtures/conditions.yaml. Returns: a list of problems.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO } from './farvel.mjs';
import { parseCondition, evaluate } from './oracle.mjs';

const pickKey = (o, keys) => keys.find((k) => o && Object.prototype.hasOwnProperty.call(o, k));

function answersOf(raw, hidden) {
  const out = {};
  for (const [k, v] of Object.entries(raw || {})) {
    if (hidden.includes(k.split('.')[0])) continue;
    if (k.includes('.')) { const [q, row] = k.split('.'); (out[q] ||= {})[row] = v; } else out[k] = v;
  }
  return out;
}

export function checkCorpus() {
  const file = process.env.FARVEL_CONDITIONS || path.join(REPO, 'tests/fixtures/conditions.yaml');
  if (!fs.existsSync(file)) return [`no shared condition corpus at ${path.relative(REPO, file)} (issue 2 ships it)`];
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const cases = Array.isArray(doc) ? doc : doc.cases || doc.corpus || doc.tests || [];
  if (!cases.length) return [`${file}: no cases found (expected a list, or a 'cases' list)`];
  const problems = [];
  let n = 0;
  for (const [i, c] of cases.entries()) {
    const ek = pickKey(c, ['expr', 'expression', 'show_if', 'condition', 'if']);
    const rk = pickKey(c, ['expected', 'expect', 'result', 'want', 'shown']);
    if (!ek || !rk) { problems.push(`case ${i + 1}: cannot tell its expression and expected result`); continue; }
    if (c.error || c.invalid) continue;
    const ak = pickKey(c, ['answers', 'given', 'with', 'values']);
    const hidden = c.hidden || [];
    try {
      const got = evaluate(parseCondition(String(c[ek])), answersOf(ak ? c[ak] : {}, hidden));
      if (got !== Boolean(c[rk])) problems.push(`case ${i + 1} "${c[ek]}": oracle says ${got}, corpus says ${c[rk]}`);
      n++;
    } catch (e) { problems.push(`case ${i + 1} "${c[ek]}": ${e.message}`); }
  }
  if (!n && !problems.length) problems.push('no case could be evaluated');
  return problems;
}
