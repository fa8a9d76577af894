// The shared condition corpus (issue 2: expressions + answers + expected
// results, run against the Rust evaluator and the page's script). The suite
// checks its own oracle against it, so "shown as the oracle says" means
// "shown as the corpus says". Takes: FARVEL_CONDITIONS or
// <repo>/tests/fixtures/conditions.yaml. Returns: a list of problems.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO } from './farvel.mjs';
import { parseCondition, evaluate, visible } from './oracle.mjs';

/** Every case: the probe's condition over the corpus questions' visible answers. */
export function checkCorpus() {
  const file = process.env.FARVEL_CONDITIONS || path.join(REPO, 'tests/fixtures/conditions.yaml');
  if (!fs.existsSync(file)) return [`no shared condition corpus at ${path.relative(REPO, file)} (issue 2 ships it)`];
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const survey = {
    questions: (doc.questions || []).map((q) => ({ id: String(q.id), cond: q.show_if ? parseCondition(String(q.show_if)) : null })),
  };
  const cases = doc.cases || [];
  if (!cases.length) return [`${file}: no cases`];
  const problems = [];
  for (const [i, c] of cases.entries()) {
    try {
      const answers = c.answers || {};
      const shown = visible(survey, answers);
      const effective = Object.fromEntries(Object.entries(answers).filter(([k]) => shown.has(k)));
      const got = evaluate(parseCondition(String(c.expr)), effective);
      if (got !== c.expected) problems.push(`case ${i + 1} "${c.expr}" with ${JSON.stringify(answers)}: oracle says ${got}, corpus says ${c.expected}`);
    } catch (e) { problems.push(`case ${i + 1} "${c.expr}": ${e.message}`); }
  }
  return problems;
}
