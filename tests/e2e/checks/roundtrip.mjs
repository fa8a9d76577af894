// Check 9, round trip: 30 scripted respondents with varied answers send the
// first example survey through the browser; their captured bodies, written
// as that service's export, go through `farvel ingest --out` (the rows must
// equal what was sent) and `farvel report` (its counts must equal them).
import fs from 'node:fs';
import path from 'node:path';
import { open, fileUrl } from '../lib/browser.mjs';
import { fillAll, formFacts } from '../lib/fill.mjs';
import { makePlan, expected } from '../lib/plans.mjs';
import { bodyProblems } from '../lib/expect.mjs';
import { decodeBody } from '../lib/body.mjs';
import { writeExport, readNormalised } from '../lib/export.mjs';
import { farvel, commandProblem } from '../lib/farvel.mjs';
import { compareRows } from './adapters.mjs';

const N = 30;

export default async function roundtrip(env) {
  const { runner, capture } = env;
  const target = env.examples.find((e) => e.survey.id === 'exit-interview') || env.examples[0];
  if (!target) return;
  const { survey, pages } = target;
  const plans = []; const bodies = [];
  await runner.check(`round trip ${survey.id}: ${N} respondents answer and send (all languages in turn)`, async () => {
    const problems = [];
    for (let i = 0; i < N; i++) {
      const p = pages[i % pages.length];
      const plan = makePlan(survey, 5000 + i * 37, { skip: 0.2 });
      const { page } = await open(await env.browser('js'), fileUrl(p.file));
      const fill = await fillAll(page, survey, plan, 'pointer');
      const facts = await formFacts(page);
      const mark = capture.mark();
      await page.click('[data-action=submit]');
      const recs = await capture.waitFor(mark, 1, 5000);
      await page.close();
      problems.push(...fill.map((x) => `respondent ${i + 1}: ${x}`));
      if (!recs.length) { problems.push(`respondent ${i + 1}: nothing sent`); continue; }
      problems.push(...bodyProblems(survey, recs[0], plan, facts).map((x) => `respondent ${i + 1}: ${x}`));
      plans.push(plan); bodies.push(decodeBody(recs[0]).pairs);
    }
    return problems;
  });
  const dir = path.join(env.work, 'roundtrip');
  fs.mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, `${survey.endpoint.service}-export.csv`);
  fs.writeFileSync(csv, writeExport(survey, survey.endpoint.service, bodies));
  await runner.check(`round trip ${survey.id}: farvel ingest reads back the ${bodies.length} responses exactly`, () => {
    const out = path.join(dir, 'normalised.csv');
    const r = farvel(['ingest', survey.file, csv, '--out', out]);
    const err = commandProblem(r, 'ingest');
    if (err) return [err];
    const rows = readNormalised(survey, fs.readFileSync(out, 'utf8'));
    const problems = compareRows(survey, rows, plans);
    if (rows.some((x) => x.period !== '2025-Q1')) problems.push('a row is not in period 2025-Q1');
    const extra = rows[0] ? rows[0].columns.filter((c) => !/^_period$/.test(c) && !survey.questions.some((q) => c === q.id || c === `${q.id}_other` || c.startsWith(`${q.id}__`))) : [];
    if (extra.length) problems.push(`normalised CSV has columns beyond the naming table: ${extra.join(', ')}`);
    return problems;
  });
  await runner.check(`round trip ${survey.id}: farvel report counts equal what was sent`, () => {
    const out = path.join(dir, 'report.md');
    const r = farvel(['report', survey.file, csv, '--out', out, '--lang', survey.languages.includes('en') ? 'en' : survey.languages[0]]);
    const err = commandProblem(r, 'report');
    if (err) return [err];
    return reportProblems(survey, fs.readFileSync(out, 'utf8'), plans);
  });
}

/** The total and the key choice question's counts must be in the report. */
function reportProblems(survey, md, plans) {
  const problems = [];
  const n = plans.length;
  const lang = survey.languages.includes('en') ? 'en' : survey.languages[0];
  const head = md.split('\n').slice(0, 20).join('\n');
  if (!new RegExp(`\\b${n}\\b[^\\n]*(answer|respon|svar)`, 'i').test(head)) problems.push(`the report's opening does not say ${n} people answered`);
  const min = survey.raw.anonymity?.min_group ?? 5;
  const key = survey.questions.find((q) => q.type === 'choice' && q.raw.key) || survey.questions.find((q) => q.type === 'choice');
  if (!key) return problems;
  const counts = {};
  for (const p of plans) { const a = expected(survey, p).answers[key.id]; if (a !== undefined) counts[a] = (counts[a] || 0) + 1; }
  const lines = md.split('\n').filter((l) => l.trim().startsWith('|'));
  for (const [value, c] of Object.entries(counts)) {
    if (c < min || value === 'other') continue;
    const o = key.options.find((x) => x.value === value);
    const label = survey.text(o.label, lang);
    const row = lines.find((l) => l.includes(label) && l.split('|').map((x) => x.trim()).includes(String(c)));
    if (!row) problems.push(`${key.id}: no table row with "${label}" and count ${c}`);
  }
  return problems;
}
