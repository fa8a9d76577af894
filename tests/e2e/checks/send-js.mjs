// Check 4 (filling and sending with JavaScript) and check 7 (languages).
// all-types is answered by keyboard only, the examples by pointer. Next must
// refuse an incomplete section and focus the error summary; conditions show
// and hide as the oracle says; the posted body holds exactly the answers,
// the adapter's fields, _nonce and _survey; a double click sends once; the
// thank-you text appears. The same answers in every language must post the
// same bytes (nonce and multipart boundary aside).
import { open, cspViolations, fileUrl } from '../lib/browser.mjs';
import { fillAll, submit, formFacts } from '../lib/fill.mjs';
import { makePlan } from '../lib/plans.mjs';
import { bodyProblems } from '../lib/expect.mjs';
import { normalisedBody, decodeBody } from '../lib/body.mjs';
import { provokeErrors } from '../lib/errors.mjs';
import { strayRequests } from './isolation.mjs';
import { checkCorpus } from '../lib/corpus.mjs';

export function snippet(markdown) {
  const runs = String(markdown).split(/[*_`[\]()#>\n<]+/).map((s) => s.trim()).filter((s) => s.length >= 8);
  return runs.sort((a, b) => b.length - a.length)[0] || '';
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

/** Submit the plan on page; returns { problems, rec }. */
export async function sendPlan(env, page, seen, survey, plan, mode, lang, pageUrl, seenConditions) {
  const { capture, endpointUrl } = env;
  const problems = await fillAll(page, survey, plan, mode, seenConditions);
  const facts = await formFacts(page);
  const mark = capture.mark();
  if (mode === 'keyboard') {
    await submit(page, mode);
    await page.keyboard.press('Enter').catch(() => {});
  } else {
    await page.locator('[data-action=submit]').dblclick().catch(() => page.click('[data-action=submit]'));
  }
  const got = await capture.waitFor(mark, 1, 5000);
  await page.waitForTimeout(600);
  const recs = capture.since(mark);
  if (!got.length) return { problems: [...problems, 'nothing reached the capture server'], rec: null };
  if (recs.length > 1) problems.push(`sent ${recs.length} times after a double ${mode === 'keyboard' ? 'Enter' : 'click'}`);
  const rec = recs[0];
  if (rec.method !== 'POST') problems.push(`sent with ${rec.method}`);
  problems.push(...bodyProblems(survey, rec, plan, facts));
  if (rec.ajax) {
    const thanks = page.locator('.thanks');
    await thanks.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
    const text = (await thanks.isVisible()) ? norm(await thanks.innerText()) : null;
    const want = survey.raw.thanks ? snippet(survey.text(survey.raw.thanks, lang)) : '';
    if (text === null) problems.push('the thank-you text did not appear');
    else if (want && !text.includes(norm(want))) problems.push(`the thank-you box does not say "${want}"`);
  } else if (!page.url().startsWith(endpointUrl)) problems.push(`native post: the page did not navigate to the endpoint (at ${page.url().slice(0, 80)})`);
  problems.push(...strayRequests(seen, pageUrl, endpointUrl));
  problems.push(...(await cspViolations(page, seen)).map((v) => `CSP: ${v}`));
  problems.push(...seen.errors.map((e) => `page error: ${e}`));
  const cookies = await page.context().cookies();
  if (cookies.length) problems.push(`cookies set: ${cookies.map((c) => c.name).join(', ')}`);
  return { problems, rec };
}

export default async function sendJs(env) {
  const { runner, all, capture } = env;
  const bodies = {};
  await runner.check('conditions: the suite\'s condition oracle agrees with the shared condition corpus', () => checkCorpus());
  for (const { survey, pages } of all) {
    const mode = survey.id === 'all-types' ? 'keyboard' : 'pointer';
    const plan = makePlan(survey, 7 + survey.id.length, { full: true, skip: 0 });
    for (const [i, p] of pages.entries()) {
      const url = i % 2 === 0 ? fileUrl(p.file) : capture.url(`/site/${p.rel}`);
      const name = `send ${survey.id}/${p.lang}`;
      await runner.check(`${name}: Next refuses an incomplete section and focuses the error summary`, async () => {
        const { page } = await open(await env.browser('js'), url);
        const err = await provokeErrors(page, survey);
        if (!err) { await page.close(); return ['no question whose error could be shown']; }
        await page.waitForTimeout(200);
        const r = await page.evaluate(([n, q]) => {
          const out = [];
          const sec = document.querySelectorAll('section.section')[n];
          if (!sec || sec.hidden || !sec.getClientRects().length) out.push('the section was left despite the error');
          const sum = document.querySelector('.error-summary');
          if (!sum || !sum.getClientRects().length) return [...out, 'no visible error summary'];
          if (document.activeElement !== sum) out.push(`focus is on <${document.activeElement.tagName.toLowerCase()}>, not the error summary`);
          const links = [...sum.querySelectorAll('a[href^="#"]')];
          const target = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1)))).find((t) => t && t.closest(`#q-${q}`));
          if (!target) out.push(`the summary has no link to a field of ${q}`);
          const e = document.getElementById(`err-${q}`);
          if (!e || !e.textContent.trim() || !e.getClientRects().length) out.push(`no visible message in #err-${q}`);
          return out;
        }, [err.section, err.q.id]);
        await page.close();
        return r;
      });
      await runner.check(`${name}: answered by ${mode}, sent once, body holds exactly the answers`, async () => {
        const { page, seen } = await open(await env.browser('js'), url);
        const { problems, rec } = await sendPlan(env, page, seen, survey, plan, mode, p.lang, url, null);
        if (rec) bodies[`${survey.id}/${p.lang}`] = rec;
        await page.close();
        return problems;
      });
    }
    if (pages.length > 1) {
      await runner.check(`languages ${survey.id}: the same answers post byte-identical bodies in ${pages.map((p) => p.lang).join(', ')}`, () => {
        const recs = pages.map((p) => bodies[`${survey.id}/${p.lang}`]);
        if (recs.some((r) => !r)) return ['a language version did not send'];
        const first = normalisedBody(recs[0]);
        const out = [];
        for (const [i, r] of recs.entries()) {
          if (i === 0) continue;
          if (normalisedBody(r) !== first) {
            const a = decodeBody(recs[0]).pairs.map((x) => x.join('=')); const b = decodeBody(r).pairs.map((x) => x.join('='));
            const diff = a.filter((x) => !b.includes(x)).concat(b.filter((x) => !a.includes(x))).map((x) => x.split('=')[0]);
            out.push(`${pages[i].lang} differs from ${pages[0].lang}${diff.length ? ` in ${[...new Set(diff)].join(', ')}` : ' (order or encoding)'}`);
          }
          if (r.headers['content-type']?.split(';')[0] !== recs[0].headers['content-type']?.split(';')[0]) out.push(`${pages[i].lang}: another content type`);
        }
        const nonces = recs.map((r) => decodeBody(r).pairs.find(([k]) => k === '_nonce')?.[1]);
        if (new Set(nonces).size !== nonces.length) out.push('two page loads drew the same _nonce');
        return out;
      });
    }
    await conditionsCheck(env, survey, pages[0]);
  }
}

const RESPONDENTS = 6;

async function conditionsCheck(env, survey, p) {
  const conditional = survey.questions.filter((q) => q.cond);
  if (!conditional.length) return;
  await env.runner.check(`conditions ${survey.id}: ${conditional.length} conditional questions show and hide as their show_if says (${RESPONDENTS} respondents)`, async () => {
    const seenConditions = {};
    const problems = [];
    for (let seed = 1; seed <= RESPONDENTS; seed++) {
      const { page } = await open(await env.browser('js'), fileUrl(p.file));
      const plan = makePlan(survey, seed * 7919 + survey.id.length, { skip: 0.2 });
      problems.push(...(await fillAll(page, survey, plan, 'pointer', seenConditions)).map((x) => `respondent ${seed}: ${x}`));
      await page.close();
    }
    for (const q of conditional) {
      const s = seenConditions[q.id] || {};
      if (!s.shown || !s.hidden) problems.push(`${q.id}: never ${s.shown ? 'hidden' : 'shown'} on the page in ${RESPONDENTS} respondents`);
    }
    return problems;
  });
}
