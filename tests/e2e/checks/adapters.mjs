// Check 6, every service adapter: per-service variants of one example survey
// (its endpoint block rewritten), built with --endpoint-url. For each: the
// form's attributes, hidden fields, honeypot and field names are what the
// service expects (endpoints.md); a JS send and a no-JS send post exactly
// the answers; and both bodies, written as that service's export, read back
// through `farvel ingest --out` to the same answers.
import fs from 'node:fs';
import path from 'node:path';
import { variant, build, pagesOf, farvel, commandProblem } from '../lib/farvel.mjs';
import { loadSurvey } from '../lib/survey.mjs';
import { open, fileUrl } from '../lib/browser.mjs';
import { fieldName, optionValue } from '../lib/fill.mjs';
import { makePlan, expected } from '../lib/plans.mjs';
import { multiMode, honeypotName } from '../lib/decode.mjs';
import { decodeBody } from '../lib/body.mjs';
import { writeExport, readNormalised } from '../lib/export.mjs';
import { sendPlan } from './send-js.mjs';
import { nojsSend } from './send-nojs.mjs';

const THANKS = 'https://survey.example.no/exit/thanks/';

function endpoints(survey) {
  const entries = {};
  let n = 1000;
  for (const q of survey.questions) {
    if (q.type === 'info') continue;
    entries[q.id] = q.type === 'matrix' || q.type === 'ranking'
      ? Object.fromEntries((q.type === 'matrix' ? q.rows : q.options.map((o) => o.value)).map((r) => [r, `entry.${n++}`]))
      : `entry.${n++}`;
  }
  return {
    formspree: { service: 'formspree', url: 'https://formspree.io/f/xyzexmpl' },
    'formspree-thanks': { service: 'formspree', url: 'https://formspree.io/f/xyzexmpl', thanks_url: THANKS },
    netlify: { service: 'netlify', form_name: 'exit-form' },
    getform: { service: 'getform', url: 'https://getform.io/f/abcdwxyz' },
    basin: { service: 'basin', url: 'https://usebasin.com/f/abcdwxyz' },
    web3forms: { service: 'web3forms', access_key: '0c6f5d2e-1111-4222-8333-444455556666' },
    formsubmit: { service: 'formsubmit', url: 'https://formsubmit.co/4f1e0c7a9b2d3e5f6a7b8c9d0e1f2a3b' },
    'formsubmit-thanks': { service: 'formsubmit', url: 'https://formsubmit.co/4f1e0c7a9b2d3e5f6a7b8c9d0e1f2a3b', thanks_url: THANKS },
    'google-forms': { service: 'google-forms', url: 'https://docs.google.com/forms/d/e/1FAIpQLSexample/formResponse', entries, labels_language: survey.languages.includes('en') ? 'en' : survey.languages[0] },
    url: { service: 'url', url: 'https://collect.example.org/exit' },
    'url-repeat': { service: 'url', url: 'https://collect.example.org/exit', multi: 'repeat' },
    'url-brackets': { service: 'url', url: 'https://collect.example.org/exit', multi: 'brackets' },
  };
}

/** Write and build the variants (before the vnu check, so it sees them). */
export function buildVariants(env) {
  const base = env.exampleFiles.find((f) => /exit-interview\.ya?ml$/.test(f)) || env.exampleFiles[0];
  if (!base) return [];
  const dir = path.join(env.work, 'variants');
  fs.mkdirSync(dir, { recursive: true });
  const survey = loadSurvey(base);
  const files = Object.entries(endpoints(survey)).map(([key, ep]) => ({ key, file: variant(base, dir, `ad-${key}`, ep) }));
  env.adaptersDist = path.join(env.work, 'adapters');
  env.adapterUrl = env.capture.url('/svc');
  const r = build(files.map((f) => f.file), env.adaptersDist, env.adapterUrl);
  env.variantBuild = r;
  return files.map(({ key, file }) => ({ key, file, survey: loadSurvey(file) }));
}

async function staticProblems(page, survey, key, action) {
  const ep = survey.endpoint;
  const hp = honeypotName(survey);
  const mode = multiMode(ep);
  const want = [];
  for (const q of survey.questions) {
    if (['choice', 'yesno', 'scale', 'nps', 'text'].includes(q.type)) want.push({ q: q.id, name: fieldName(survey, q) });
    if (q.options.some((o) => o.other)) want.push({ q: q.id, name: fieldName(survey, q, 'other') });
    if (q.type === 'matrix') for (const r of q.rows) want.push({ q: q.id, name: fieldName(survey, q, 'row', r), type: 'radio' });
    if (q.type === 'multi') {
      for (const o of q.options) {
        if (mode === 'split' && ep.service !== 'google-forms') want.push({ q: q.id, name: `${q.id}__${o.value}`, value: '1', type: 'checkbox' });
        else if (mode === 'brackets') want.push({ q: q.id, name: `${q.id}[]`, value: o.value, type: 'checkbox' });
        else want.push({ q: q.id, name: fieldName(survey, q), value: optionValue(survey, q, o.value), v: o.value, type: 'checkbox' });
      }
    }
  }
  const origin = new URL(action).origin;
  return page.evaluate(({ ep, hp, want, action, origin }) => {
    const out = [];
    const f = document.getElementById('farvel-form');
    if (!f) return ['no #farvel-form'];
    if (f.getAttribute('action') !== action) out.push(`form action is ${f.getAttribute('action')}, not the --endpoint-url`);
    if (f.dataset.service !== ep.service) out.push(`data-service is ${f.dataset.service}`);
    const field = (n) => f.querySelectorAll(`[name="${CSS.escape(n)}"]`);
    const hidden = (n, v) => {
      const e = f.querySelector(`input[type=hidden][name="${CSS.escape(n)}"]`);
      if (!e) out.push(`no hidden field ${n}`); else if (v !== undefined && e.value !== v) out.push(`hidden ${n} is ${JSON.stringify(e.value)}, expected ${JSON.stringify(v)}`);
    };
    if (hp) {
      const e = field(hp)[0];
      if (!e) out.push(`no honeypot ${hp}`);
      else {
        const r = e.getBoundingClientRect();
        const seen = e.getClientRects().length && r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && getComputedStyle(e).visibility !== 'hidden';
        if (seen) out.push(`honeypot ${hp} is visible`);
        if (e.hasAttribute('style') || (e.parentElement && e.parentElement.hasAttribute('style'))) out.push('honeypot hidden by an inline style');
        if (e.getAttribute('tabindex') !== '-1') out.push('honeypot without tabindex="-1"');
        if (e.type === 'text' && e.getAttribute('autocomplete') !== 'off') out.push('honeypot without autocomplete="off"');
        if (!e.closest('[aria-hidden="true"]')) out.push('honeypot not aria-hidden');
        if (ep.service === 'web3forms' && e.type !== 'checkbox') out.push('web3forms botcheck is not a checkbox');
      }
    }
    if (ep.service === 'netlify') {
      if (f.getAttribute('data-netlify') !== 'true') out.push('no data-netlify="true"');
      if (f.getAttribute('name') !== ep.form_name) out.push(`form name is ${f.getAttribute('name')}`);
      if (f.getAttribute('data-netlify-honeypot') !== 'bot-field') out.push('no data-netlify-honeypot="bot-field"');
      hidden('form-name', ep.form_name);
    }
    if (ep.service === 'formsubmit') hidden('_captcha', 'false');
    if (ep.service === 'web3forms') hidden('access_key', ep.access_key);
    if (ep.thanks_url) {
      if (['formspree', 'formsubmit'].includes(ep.service)) hidden('_next', ep.thanks_url);
      const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content || '';
      if (!/form-action[^;]*https:\/\/survey\.example\.no/.test(csp)) out.push("the CSP's form-action lacks the thanks_url origin");
    }
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content || '';
    const fa = (csp.match(/form-action([^;]*)/) || ['', ''])[1].trim().split(/\s+/);
    if (!fa.includes(origin) && !fa.includes(action)) out.push(`the CSP's form-action (${fa.join(' ')}) lacks ${origin}`);
    for (const w of want) {
      const els = [...field(w.name)].filter((e) => (w.value === undefined || e.value === w.value || (w.v && e.getAttribute('data-v') === w.v)) && (!w.type || e.type === w.type));
      if (!els.length) out.push(`${w.q}: no ${w.type || 'field'} named ${w.name}${w.value !== undefined ? ` with value ${w.value}` : ''}`);
    }
    for (const bad of ['email', 'name', '_replyto', '_subject', ...(ep.thanks_url ? [] : ['_next', 'redirect'])]) if (field(bad).length) out.push(`a field named ${bad}`);
    const names = [...f.elements].map((e) => e.name).filter(Boolean);
    if (names.some((n) => /time|date|stamp|_id$|^id$/i.test(n) && !want.some((w) => w.name === n))) out.push(`a field that looks like a time or id: ${names.filter((n) => /time|date|stamp|_id$|^id$/i.test(n)).join(', ')}`);
    return out;
  }, { ep, hp, want, action, origin });
}

export default async function adapters(env) {
  const { runner, capture } = env;
  const variants = env.variants || [];
  await runner.check(`adapters: built ${variants.length} per-service variants of one example survey`, () => {
    if (!variants.length) return ['no example survey to make variants of'];
    const r = env.variantBuild;
    return r.code === 0 ? [] : [`farvel build exited ${r.code}`, ...`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-5)];
  });
  if (!variants.length || env.variantBuild.code !== 0) return;
  for (const v of variants) {
    const { survey } = v;
    const p = pagesOf(env.adaptersDist, survey)[0];
    const bodies = [];
    const plans = [];
    await runner.check(`adapter ${v.key}: form attributes, hidden fields, honeypot and field names`, async () => {
      const { page } = await open(await env.browser('nojs'), fileUrl(p.file));
      const out = await staticProblems(page, survey, v.key, env.adapterUrl).catch((e) => [e.message]);
      await page.close();
      return out;
    });
    await runner.check(`adapter ${v.key}: a JavaScript send posts exactly the answers, named for ${survey.endpoint.service}`, async () => {
      const plan = makePlan(survey, 101, { full: true, skip: 0 });
      forceOther(survey, plan);
      const url = fileUrl(p.file);
      const { page, seen } = await open(await env.browser('js'), url);
      const { problems, rec } = await sendPlan({ ...env, endpointUrl: env.adapterUrl }, page, seen, survey, plan, 'pointer', survey.languages[0], url, null);
      await page.close();
      if (rec) { bodies.push(decodeBody(rec).pairs); plans.push(plan); }
      if (rec && survey.endpoint.service === 'web3forms' && !rec.ajax) problems.push('web3forms was not sent by AJAX');
      return problems;
    });
    await runner.check(`adapter ${v.key}: a no-JavaScript post carries the answers`, async () => {
      const plan = makePlan(survey, 202, { full: true, skip: 0 });
      const mark = capture.mark();
      const problems = await nojsSend({ ...env, endpointUrl: env.adapterUrl }, survey, fileUrl(p.file), plan);
      const rec = capture.since(mark)[0];
      if (rec) { bodies.push(decodeBody(rec).pairs); plans.push(plan); }
      return problems;
    });
    await runner.check(`adapter ${v.key}: the captured bodies, as a ${survey.endpoint.service} export, read back through farvel ingest`, () => {
      if (bodies.length < 2) return ['fewer than two bodies were captured'];
      const dir = path.join(env.work, 'exports', v.key);
      fs.mkdirSync(dir, { recursive: true });
      const csv = path.join(dir, 'export.csv');
      fs.writeFileSync(csv, writeExport(survey, survey.endpoint.service, bodies));
      const out = path.join(dir, 'normalised.csv');
      const r = farvel(['ingest', v.file, csv, '--out', out]);
      const err = commandProblem(r, 'ingest');
      if (err) return [err];
      const rows = readNormalised(survey, fs.readFileSync(out, 'utf8'));
      return compareRows(survey, rows, plans);
    });
  }
}

function forceOther(survey, plan) {
  const q = survey.questions.find((x) => x.type === 'choice' && x.options.some((o) => o.other));
  if (q) { plan.answers[q.id] = 'other'; plan.other[q.id] = 'Lang pendlevei, og ingen hjemmekontor'; }
}

/** The normalised rows must be exactly the plans' visible answers (any order). */
export function compareRows(survey, rows, plans) {
  const flat = (e) => ({ ...Object.fromEntries(Object.entries(e.answers).map(([k, v]) => [k, JSON.stringify(monthOf(survey, k, v))])),
    ...Object.fromEntries(Object.entries(e.other).map(([k, v]) => [`${k}_other`, JSON.stringify(v)])) });
  const key = (x) => JSON.stringify(Object.keys(x).sort().map((k) => [k, x[k]]));
  const want = plans.map((p) => flat(expected(survey, p)));
  const got = rows.map(flat);
  const out = [];
  if (got.length !== want.length) out.push(`${got.length} rows read back, ${want.length} sent`);
  const left = [...got];
  for (const w of want) {
    const i = left.findIndex((g) => key(g) === key(w));
    if (i >= 0) { left.splice(i, 1); continue; }
    // name the questions that differ from the closest row read back
    const score = (g) => Object.keys({ ...g, ...w }).filter((k) => g[k] === w[k]).length;
    const near = left.reduce((a, g) => (a === null || score(g) > score(a) ? g : a), null);
    const diff = near ? Object.keys({ ...near, ...w }).filter((k) => near[k] !== w[k]).map((k) => `${k}: sent ${w[k] ?? 'nothing'}, read ${near[k] ?? 'nothing'}`) : ['no row left'];
    out.push(`a sent response does not read back the same: ${diff.join('; ')}`);
    if (near) left.splice(left.indexOf(near), 1);
  }
  return out;
}

function monthOf(survey, id, v) {
  const q = survey.byId[id];
  return q && q.type === 'date' && typeof v === 'string' ? v.slice(0, 7) : v;
}
