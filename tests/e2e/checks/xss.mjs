// Check 10, XSS: the fixture survey carries 109 injection vectors in every
// text field. Loading it, clicking through, answering and submitting must
// trigger no dialog and no script (alert/confirm/prompt/__xss are trapped),
// add no element (every executable script and style is one the CSP hashes;
// no iframe, img, svg, on* attribute or javascript: URL), and show the
// vectors as literal text.
import crypto from 'node:crypto';
import { open, fileUrl, cspViolations } from '../lib/browser.mjs';
import { VECTORS } from '../fixtures/xss-vectors.mjs';

const TRAP = () => {
  window.__xssHits = [];
  for (const f of ['alert', 'confirm', 'prompt', 'print', '__xss']) {
    window[f] = function trap() { window.__xssHits.push(f); };
  }
};

const norm = (s) => s.replace(/\s+/g, ' ').trim();
const plain = norm(VECTORS.map((v) => v.replace(/\n+/g, ' ')).join(' '));
const mdLiteral = VECTORS.filter((v) => !/[*_`[\]\\&!~#|]/.test(v) && !/^\s*([-+>]|\d+[.)])/.test(v) && !/<[a-z]+:/i.test(v) && !v.includes('\n') && !/ {2,}/.test(v)).map(norm);
const LABELS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'low', 'high', 'g1', 'g2', 'g3', 'R1', 'R2'];
const MD_FIELDS = 1 + 1 + 8 + 1; // intro, section intro, hints, info

export async function injected(page) {
  const facts = await page.evaluate(() => {
    const out = [];
    const bad = 'iframe,object,embed,img,svg,math,video,audio,source,link,base,frame,frameset,applet,marquee,keygen,picture,meta[http-equiv="refresh" i]';
    for (const e of document.querySelectorAll(bad)) out.push(`injected <${e.tagName.toLowerCase()}>`);
    for (const f of document.querySelectorAll('form')) if (f.id !== 'farvel-form') out.push('a second <form>');
    for (const e of document.querySelectorAll('*')) {
      for (const a of e.attributes) {
        if (/^on/i.test(a.name)) out.push(`<${e.tagName.toLowerCase()} ${a.name}>`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'style'].includes(a.name.toLowerCase())) {
          const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
          if (a.name === 'style' || /^(javascript|data|vbscript):/.test(v)) out.push(`<${e.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`);
        }
      }
    }
    const code = [...document.querySelectorAll('script, style')].map((e) => ({ tag: e.tagName.toLowerCase(), type: e.type || '', src: e.getAttribute('src'), text: e.textContent }));
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content || '';
    return { out, code, csp };
  });
  const problems = facts.out;
  for (const c of facts.code) {
    if (c.src !== null) { problems.push(`a <script src>`); continue; }
    if (c.tag === 'script' && /json/i.test(c.type)) {
      try { JSON.parse(c.text); } catch { problems.push('a JSON data script that does not parse'); }
      continue;
    }
    const h = `'sha256-${crypto.createHash('sha256').update(c.text, 'utf8').digest('base64')}'`;
    if (!facts.csp.includes(h)) problems.push(`a <${c.tag}> the CSP does not hash (${norm(c.text).slice(0, 50)})`);
  }
  return [...new Set(problems)];
}

export async function literal(page, survey) {
  const fields = await page.evaluate(({ ids }) => {
    const t = (e) => (e ? e.textContent : null);
    const all = (sel) => [...document.querySelectorAll(sel)].map(t);
    return {
      title: t(document.querySelector('h1')),
      doctitle: document.title,
      sections: all('section.section > h2'),
      questions: ids.map((id) => [id, t(document.querySelector(`#q-${id} legend, #q-${id} .ql`))]),
      labels: all('#farvel-form label, #farvel-form legend, #farvel-form option, #farvel-form small, #farvel-form span'),
      markdown: all('.intro, .s-intro, .q-hint[id], .info'),
    };
  }, { ids: survey.questions.filter((q) => q.type !== 'info').map((q) => q.id) });
  const out = [];
  const has = (s, what) => { if (s == null || !norm(s).includes(plain)) out.push(`${what} does not show the vectors literally`); };
  has(fields.title, 'the <h1> title');
  has(fields.doctitle, 'the <title>');
  if (fields.sections.length !== survey.sections.length) out.push(`${fields.sections.length} section headings, expected ${survey.sections.length}`);
  fields.sections.forEach((s, i) => has(s, `section ${i + 1}'s title`));
  for (const [id, s] of fields.questions) has(s, `question ${id}'s text`);
  const labels = fields.labels.map(norm);
  for (const l of LABELS) if (!labels.some((x) => x.includes(`${l} ${plain}`))) out.push(`label ${l} does not show the vectors literally`);
  if (fields.markdown.length < MD_FIELDS) out.push(`${fields.markdown.length} Markdown blocks (intro, section intro, hints, info) found, expected ${MD_FIELDS}`);
  fields.markdown.forEach((m, i) => {
    const miss = mdLiteral.filter((v) => !norm(m).includes(v));
    if (miss.length) out.push(`Markdown block ${i + 1} does not show ${miss.length} vectors literally, e.g. ${JSON.stringify(miss[0])}`);
  });
  return out;
}

export default async function xss(env) {
  const { runner, capture } = env;
  const { survey, pages } = env.xss;
  const p = pages[0];
  await runner.check(`xss: the fixture has ${VECTORS.length} vectors (≥100) in every text field`, () => (VECTORS.length >= 100 ? [] : ['fewer than 100 vectors']));
  await runner.check('xss: with JavaScript off, no injected element and the vectors shown as text', async () => {
    const { page, seen } = await open(await env.browser('nojs'), fileUrl(p.file));
    const out = [...await injected(page), ...await literal(page, survey), ...seen.dialogs.map((d) => `dialog ${d}`),
      ...(await cspViolations(page, seen)).map((v) => `CSP blocked something (an injection?): ${v}`)];
    await page.close();
    return out;
  });
  await runner.check('xss: loading, clicking through, answering and submitting runs nothing injected', async () => {
    const { page, seen } = await open(await env.browser('js'), fileUrl(p.file), { init: TRAP });
    const out = [];
    const stage = async (name) => {
      const hits = await page.evaluate(() => window.__xssHits);
      if (hits.length) out.push(`${name}: trapped ${[...new Set(hits)].join(', ')}`);
      out.push(...(await injected(page)).map((x) => `${name}: ${x}`));
    };
    await page.waitForTimeout(200);
    await stage('after load');
    out.push(...await literal(page, survey));
    const sec = (i) => page.locator('section.section').nth(i);
    await sec(0).locator('#q-pick input[type=radio]').first().check();
    await sec(0).locator('#q-ticks input[type=checkbox]').first().check();
    await sec(0).locator('#q-pick_list select').selectOption({ index: 1 });
    await page.locator('#q-pick').hover();
    await page.click('[data-action=next]');
    await sec(1).locator('#q-rate input[type=radio]').nth(3).check();
    await sec(1).locator('#q-grid input[type=radio]').first().check();
    await sec(1).locator('#q-words textarea').fill('{{ 7*7 }} <script>__xss()</script>');
    await stage('after answering');
    const mark = capture.mark();
    await page.click('[data-action=submit]');
    const recs = await capture.waitFor(mark, 1, 5000);
    if (!recs.length) out.push('the submission did not arrive');
    await page.locator('.thanks').waitFor({ state: 'visible', timeout: 3000 }).catch(() => out.push('no thank-you text'));
    await page.waitForTimeout(200);
    await stage('after submitting');
    const thanks = norm(await page.locator('.thanks').innerText().catch(() => ''));
    const missing = mdLiteral.filter((v) => !thanks.includes(v));
    if (missing.length) out.push(`the thank-you text does not show ${missing.length} vectors literally, e.g. ${JSON.stringify(missing[0])}`);
    out.push(...seen.dialogs.map((d) => `dialog ${d}`));
    out.push(...(await cspViolations(page, seen)).map((v) => `CSP blocked something (an injection?): ${v}`));
    await page.close();
    return out;
  });
}
