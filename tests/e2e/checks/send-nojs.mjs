// Check 5, JavaScript off: every section and question is on the page, each
// conditional question carries its note, and a native post of a person's
// answers reaches the capture server with exactly those answers.
import { open, fileUrl, cspViolations } from '../lib/browser.mjs';
import { fillAll, formFacts } from '../lib/fill.mjs';
import { makePlan } from '../lib/plans.mjs';
import { bodyProblems } from '../lib/expect.mjs';
import { strayRequests } from './isolation.mjs';

export async function nojsSend(env, survey, url, plan) {
  const { capture, endpointUrl } = env;
  const { page, seen } = await open(await env.browser('nojs'), url);
  const problems = await fillAll(page, survey, plan, 'pointer', null, { nojs: true });
  const facts = await formFacts(page);
  const mark = capture.mark();
  await Promise.all([page.waitForNavigation({ timeout: 5000 }).catch(() => {}), page.click('[data-action=submit]')]);
  const recs = await capture.waitFor(mark, 1, 5000);
  if (!recs.length) problems.push('the native post did not reach the capture server');
  else {
    if (recs.length > 1) problems.push(`${recs.length} posts`);
    if (recs[0].ajax) problems.push('sent by script with JavaScript off?');
    problems.push(...bodyProblems(survey, recs[0], plan, { ...facts, nojs: true }));
  }
  if (!page.url().startsWith(endpointUrl)) problems.push(`the page did not navigate to the endpoint (at ${page.url().slice(0, 80)})`);
  problems.push(...strayRequests(seen, url, endpointUrl));
  problems.push(...(await cspViolations(page, seen)).map((v) => `CSP: ${v}`));
  await page.close();
  return problems;
}

/** Labels a note must name: the options its condition compares with, in the page's language. */
function labelsIn(survey, tree, lang, out = []) {
  for (const part of tree.or || tree.and || (tree.not ? [tree.not] : [])) labelsIn(survey, part, lang, out);
  const leaf = tree.cmp || tree.has || tree.in;
  const q = leaf && survey.byId[leaf.q];
  if (q && q.options.length) {
    for (const v of tree.in ? tree.in.vs : [leaf.v]) {
      const o = q.options.find((x) => x.value === v);
      if (o && o.label != null) out.push(survey.text(o.label, lang));
    }
  }
  return out;
}

async function noteLanguage(page, survey, lang) {
  const out = [];
  for (const q of survey.questions.filter((x) => x.cond)) {
    const note = await page.$eval(`#q-${q.id} .q-note`, (e) => e.textContent.replace(/\s+/g, ' ')).catch(() => '');
    for (const label of labelsIn(survey, q.cond, lang)) {
      if (!note.includes(label)) out.push(`${q.id}: the note does not name "${label}" (the ${lang} label its condition uses)`);
    }
  }
  return out;
}

export default async function sendNoJs(env) {
  const { runner, all } = env;
  for (const { survey, pages } of all) {
    for (const p of pages) {
      const name = `no-JS ${survey.id}/${p.lang}`;
      await runner.check(`${name}: every question visible, conditional ones with their note`, async () => {
        const { page } = await open(await env.browser('nojs'), fileUrl(p.file));
        const r = await page.evaluate((conds) => {
          const out = [];
          const shown = (e) => e && e.getClientRects().length > 0 && !e.closest('[hidden]');
          for (const s of document.querySelectorAll('section.section')) if (!shown(s)) out.push(`section ${s.id} hidden`);
          for (const q of document.querySelectorAll('.q[data-q]')) if (!shown(q)) out.push(`${q.dataset.q} hidden`);
          for (const id of conds) {
            const q = document.getElementById(`q-${id}`);
            if (!q) { out.push(`no #q-${id}`); continue; }
            if (!q.hasAttribute('data-show-if')) out.push(`${id}: no data-show-if`);
            const note = q.querySelector('.q-note');
            if (!shown(note) || note.textContent.trim().length < 8) out.push(`${id}: no visible condition note`);
          }
          const sub = document.querySelector('[data-action=submit]');
          if (!shown(sub)) out.push('no visible submit button');
          if (!document.querySelector('form#farvel-form[method=post i]')) out.push('no <form id="farvel-form" method="post">');
          return out;
        }, survey.questions.filter((q) => q.cond).map((q) => q.id));
        r.push(...await noteLanguage(page, survey, p.lang));
        await page.close();
        return r;
      });
      await runner.check(`${name}: a native post carries the answers`, () =>
        nojsSend(env, survey, fileUrl(p.file), makePlan(survey, 31 + p.lang.length, { skip: 0.1 })));
    }
  }
}
