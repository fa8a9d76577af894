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

/** The total, and every choice and multi question's option counts, must be in the report. */
function reportProblems(survey, md, plans) {
  const problems = [];
  const n = plans.length;
  const lang = survey.languages.includes('en') ? 'en' : survey.languages[0];
  const head = md.split('\n').slice(0, 20).join('\n');
  if (!new RegExp(`\\b${n}\\b[^\\n]*(answer|respon|svar)`, 'i').test(head)) problems.push(`the report's opening does not say ${n} people answered`);
  const min = survey.raw.anonymity?.min_group ?? 5;
  // table rows under each heading, so that one question's labels are not read in another's table
  const blocks = [];
  for (const l of md.split('\n')) {
    if (/^#+ /.test(l)) blocks.push({ head: l, rows: [] });
    else if (l.trim().startsWith('|') && blocks.length) blocks[blocks.length - 1].rows.push(l.split('|').map((x) => x.trim()));
  }
  let compared = 0;
  for (const q of survey.questions.filter((x) => ['choice', 'multi'].includes(x.type))) {
    const title = survey.text(q.raw.text, lang);
    const rows = blocks.filter((b) => b.head.includes(title)).flatMap((b) => b.rows);
    if (!rows.length) { problems.push(`${q.id}: no table under a heading "${title}"`); continue; }
    const counts = {};
    for (const p of plans) {
      const a = expected(survey, p).answers[q.id];
      for (const v of a === undefined ? [] : [].concat(a)) counts[v] = (counts[v] || 0) + 1;
    }
    for (const o of q.options) {
      if (o.label == null) continue;
      const label = survey.text(o.label, lang);
      const c = counts[o.value] || 0;
      // a row that starts with the label: its n is the count, or "not shown" by the anonymity rules
      const mine = rows.filter((r) => r[1] === label);
      for (const r of mine) {
        if (/^\d+$/.test(r[2]) && Number(r[2]) !== c) problems.push(`${q.id}: "${label}" counted ${r[2]}, sent ${c}`);
      }
      if (c >= min) {
        compared++;
        const shown = mine.some((r) => r[2] === String(c) || (q.raw.segment && /not shown|vises ikke/i.test(r[2])));
        if (!shown) problems.push(`${q.id}: no table row with "${label}" and count ${c}`);
      }
    }
  }
  if (!compared) problems.push('no option was chosen by at least min_group respondents: nothing to compare');
  return problems;
}
