// Answering a built page the way a person does: by keyboard only (Tab,
// Space, arrows, Enter, typing) or by pointer (clicks, selects, typing),
// section by section, checking after each answer that every conditional
// question of the section is shown or hidden as the oracle says.
// Takes: page, survey, plan, mode. Returns: a list of problems.
import { visible } from './oracle.mjs';

const css = (s) => s.replace(/["\\]/g, '\\$&');

/** The field name farvel gives one part of a question (the service's naming). */
export function fieldName(survey, q, part = 'main', sub = null) {
  const ep = survey.endpoint;
  if (ep.service === 'google-forms' && ep.entries && ep.entries[q.id]) {
    const e = ep.entries[q.id];
    if (typeof e === 'object') return e[sub];
    return { main: e, other: `${e}.other_option_response`, year: `${e}_year`, month: `${e}_month` }[part];
  }
  return { main: q.id, other: `${q.id}_other`, row: `${q.id}__${sub}`, rank: `${q.id}__${sub}`,
    year: `${q.id}__year`, month: `${q.id}__month` }[part];
}

/** The value a control carries for option `v` (Google Forms: its label). */
export function optionValue(survey, q, v) {
  if (survey.endpoint.service !== 'google-forms') return String(v);
  if (v === 'other') return '__other_option__';
  const o = q.options.find((x) => x.value === v);
  if (!o || o.label == null) return String(v);
  return survey.text(o.label, survey.endpoint.labels_language || survey.languages[0]);
}

function radioSel(survey, q, v, row) {
  const name = q.type === 'matrix' ? fieldName(survey, q, 'row', row) : fieldName(survey, q);
  const val = ['choice'].includes(q.type) ? optionValue(survey, q, v) : String(v);
  const base = `#q-${q.id} input[type=radio][name="${css(name)}"]`;
  // a service that posts labels (Google Forms) keeps the option's own value in data-v
  return `${base}[value="${css(val)}"], ${base}[data-v="${css(String(v))}"]`;
}

async function checkboxSel(page, survey, q, v) {
  const want = optionValue(survey, q, v);
  const idx = await page.$$eval(`#q-${q.id} input[type=checkbox]`, (els, [w, v]) => {
    const i = els.findIndex((e) => e.value === w || e.name.endsWith(`__${v}`));
    return i >= 0 ? i : els.findIndex((e) => e.getAttribute('data-v') === v);
  }, [want, v]);
  if (idx < 0) throw new Error(`${q.id}: no checkbox for option ${v}`);
  return `#q-${q.id} input[type=checkbox] >> nth=${idx}`;
}

/** Press Tab until the focused element matches selector (or is in radio group `group`). */
export async function tabTo(page, selector, what, selName = null) {
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(([s, n]) => {
      const a = document.activeElement;
      return !!a && a.matches(s) && (n === null || (a.sel && a.sel.name === n));
    }, [selector, selName]);
    if (hit) return;
  }
  throw new Error(`could not reach ${what} with the Tab key`);
}

async function radioKeyboard(page, survey, q, v, row) {
  const name = q.type === 'matrix' ? fieldName(survey, q, 'row', row) : fieldName(survey, q);
  await tabTo(page, `input[type=radio][name="${css(name)}"]`, `${q.id}${row ? '.' + row : ''}`);
  const target = radioSel(survey, q, v, row);
  for (let i = 0; i < 15; i++) {
    const state = await page.evaluate((t) => {
      const want = document.querySelector(t);
      if (!want) return 'missing';
      const radios = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(want.name)}"]`)];
      const at = radios.indexOf(document.activeElement); const to = radios.indexOf(want);
      if (at === to) return want.checked ? 'done' : 'space';
      return to > at ? 'down' : 'up';
    }, target);
    if (state === 'done') return;
    if (state === 'missing') throw new Error(`${q.id}: no radio for ${v}`);
    await page.keyboard.press(state === 'space' ? 'Space' : state === 'down' ? 'ArrowDown' : 'ArrowUp');
  }
  throw new Error(`${q.id}: arrow keys did not reach ${v}`);
}

async function selectKeyboard(page, sel, value, what) {
  await tabTo(page, sel, what);
  for (let i = 0; i < 80; i++) {
    const cur = await page.$eval(sel, (e) => e.value);
    if (cur === value) return;
    const dir = await page.$eval(sel, (e, v) => {
      const vals = [...e.options].map((o) => o.value);
      return vals.indexOf(v) > vals.indexOf(e.value) ? 'ArrowDown' : 'ArrowUp';
    }, value);
    await page.keyboard.press(dir);
  }
  throw new Error(`${what}: arrow keys did not select ${value}`);
}

async function monthValue(page, sel, n) {
  return page.$eval(sel, (e, n) => [...e.options].map((o) => o.value).find((v) => v !== '' && Number(v) === n) ?? String(n), n);
}

/** Answer one question. */
async function answer(page, survey, q, a, other, mode) {
  const kb = mode === 'keyboard';
  const text = async (sel, s) => {
    if (!(await page.$(sel))) throw new Error(`${q.id}: no field ${sel.replace(/^#q-\S+ /, '')}`);
    if (kb) { await tabTo(page, sel, q.id); await page.keyboard.type(s); } else await page.locator(sel).fill(s);
  };
  switch (q.type) {
    case 'choice': case 'yesno': case 'scale': case 'nps': {
      const v = a;
      const sel = `#q-${q.id} select[name="${css(fieldName(survey, q))}"]`;
      if (await page.$(sel)) {
        const val = optionValue(survey, q, v);
        if (kb) await selectKeyboard(page, sel, val, q.id); else await page.selectOption(sel, val);
      } else if (kb) await radioKeyboard(page, survey, q, v);
      else {
        if (!(await page.$(radioSel(survey, q, v)))) throw new Error(`${q.id}: no radio button for ${v}`);
        await page.locator(radioSel(survey, q, v)).first().check();
      }
      if (v === 'other' && other[q.id] !== undefined) await text(`[name="${css(fieldName(survey, q, 'other'))}"]`, other[q.id]);
      return;
    }
    case 'multi': {
      const idx = [];
      for (const v of a) idx.push([v, await checkboxSel(page, survey, q, v)]);
      for (const [v, sel] of idx) {
        if (kb) { await tabTo(page, `${sel.split(' >> ')[0]}`, `${q.id}=${v}`); await focusFix(page, sel); await page.keyboard.press('Space'); } else await page.locator(sel).check();
        if (v === 'other' && other[q.id] !== undefined) await text(`[name="${css(fieldName(survey, q, 'other'))}"]`, other[q.id]);
      }
      return;
    }
    case 'text': case 'number': {
      const sel = `#q-${q.id} [name="${css(fieldName(survey, q))}"]`;
      return text(sel, String(a));
    }
    case 'date': {
      if (q.precision === 'month') {
        const [y, m] = a.split('-');
        const ys = `#q-${q.id} select[name="${css(fieldName(survey, q, 'year'))}"]`;
        const ms = `#q-${q.id} select[name="${css(fieldName(survey, q, 'month'))}"]`;
        const mv = await monthValue(page, ms, Number(m));
        // the month select comes first in the page's reading order when it does
        const order = await page.$$eval(`#q-${q.id} select`, (els) => els.map((e) => e.name));
        const steps = [[ys, y], [ms, mv]].sort((p1, p2) => order.indexOf(p1[0].match(/name="(.*)"/)[1]) - order.indexOf(p2[0].match(/name="(.*)"/)[1]));
        for (const [sel, val] of steps) {
          if (kb) await selectKeyboard(page, sel, val, q.id); else await page.selectOption(sel, val);
        }
        return;
      }
      const sel = `#q-${q.id} input[name="${css(fieldName(survey, q))}"]`;
      if (kb) {
        const [y, m, d] = a.split('-');
        await tabTo(page, sel, q.id);
        await page.keyboard.type(`${m}${d}${y}`);
      } else await page.locator(sel).fill(a);
      return;
    }
    case 'matrix': {
      for (const row of q.rows) {
        if (a[row] === undefined) continue;
        if (kb) await radioKeyboard(page, survey, q, a[row], row);
        else await page.locator(radioSel(survey, q, a[row], row)).first().check();
      }
      return;
    }
    case 'ranking': return rank(page, survey, q, a, kb);
    default: throw new Error(`${q.id}: cannot answer type ${q.type}`);
  }
}

async function focusFix(page, sel) {
  // tabTo matched the first checkbox of the list; move on to the wanted one
  for (let i = 0; i < 30; i++) {
    const ok = await page.evaluate((s) => {
      const [base, nth] = s.split(' >> nth=');
      return document.querySelectorAll(base)[Number(nth)] === document.activeElement;
    }, sel);
    if (ok) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${sel} with the Tab key`);
}

/** Ranking: the script's reorderable list (keys or move buttons), else one rank select per option. */
async function rank(page, survey, q, order, kb) {
  const names = order.map((v) => fieldName(survey, q, 'rank', v));
  if (await page.$(`#q-${q.id} ol.rank-list li`)) {
    const current = () => page.$$eval(`#q-${q.id} ol.rank-list li`, (lis) => lis.map((li) => li.sel.name));
    for (let k = 0; k < names.length; k++) {
      const j = (await current()).indexOf(names[k]);
      if (j < 0) throw new Error(`${q.id}: no list item for ${order[k]}`);
      if (j === k) continue;
      if (kb) {
        await tabTo(page, `#q-${q.id} ol.rank-list li`, `${q.id}.${order[k]}`, names[k]);
        for (let m = 0; m < j - k; m++) await page.keyboard.press('ArrowUp');
      } else {
        for (let m = 0; m < j - k; m++) await page.locator(`#q-${q.id} ol.rank-list li`).nth(j - m).locator('button').first().click();
      }
    }
    const now = await current();
    if (now.join() !== names.join()) throw new Error(`${q.id}: the list is ${now.join(',')} after reordering, wanted ${names.join(',')}`);
    return;
  }
  for (const o of q.options) {
    const r = order.indexOf(o.value) + 1;
    const sel = `#q-${q.id} [name="${css(fieldName(survey, q, 'rank', o.value))}"]`;
    const tag = await page.$eval(sel, (e) => e.tagName).catch(() => null);
    if (!tag) throw new Error(`${q.id}: no rank control for ${o.value}`);
    if (tag === 'SELECT') {
      if (kb) await selectKeyboard(page, sel, String(r), `${q.id}.${o.value}`); else await page.selectOption(sel, String(r));
    } else if (kb) { await tabTo(page, sel, q.id); await page.keyboard.press('Control+A'); await page.keyboard.type(String(r)); } else await page.locator(sel).fill(String(r));
  }
}

/** Which questions of the page are shown right now. */
export async function shownQuestions(page) {
  return page.$$eval('.q[data-q]', (els) => els.filter((e) => e.getClientRects().length > 0 && !e.closest('[hidden]')).map((e) => e.dataset.q));
}

async function conditionsNow(page, survey, section, answered) {
  const want = visible(survey, answered);
  const shown = new Set(await shownQuestions(page));
  const out = [];
  for (const q of section.questions) {
    if (!q.cond) continue;
    if (want.has(q.id) !== shown.has(q.id)) out.push(`${q.id}: ${shown.has(q.id) ? 'shown' : 'hidden'}, but its condition "${q.showIf}" says ${want.has(q.id) ? 'show' : 'hide'}`);
  }
  return out;
}

/** Fill every section and press Next; stops before submitting. */
export async function fillAll(page, survey, plan, mode, seenConditions = null, { nojs = false } = {}) {
  const problems = [];
  const conditionProblems = nojs ? async () => [] : conditionsNow;
  const answered = {};
  const kb = mode === 'keyboard';
  const hasVisible = (sec) => sec.questions.some((q) => visible(survey, answered).has(q.id));
  for (const section of survey.sections) {
    if (!nojs && !hasVisible(section)) continue;
    problems.push(...await conditionProblems(page, survey, section, answered));
    for (const q of section.questions) {
      if (q.type === 'info' || plan.answers[q.id] === undefined) continue;
      if (!visible(survey, answered).has(q.id)) continue;
      await answer(page, survey, q, plan.answers[q.id], plan.other, mode);
      answered[q.id] = plan.answers[q.id];
      problems.push(...await conditionProblems(page, survey, section, answered));
    }
    if (seenConditions) {
      const shown = new Set(await shownQuestions(page));
      for (const q of section.questions) if (q.cond) seenConditions[q.id] = { ...seenConditions[q.id], [shown.has(q.id) ? 'shown' : 'hidden']: true };
    }
    const later = survey.sections.slice(section.index + 1).find(hasVisible);
    if (!nojs && later) {
      if (kb) { await tabTo(page, '[data-action=next]', 'Next'); await page.keyboard.press('Enter'); } else await page.click('[data-action=next]');
      await page.locator('section.section').nth(later.index).waitFor({ state: 'visible', timeout: 3000 }).catch(() => problems.push(`Next did not open section ${later.index + 1}`));
    }
  }
  return problems;
}

/** Press the submit button (by keyboard or pointer). */
export async function submit(page, mode) {
  if (mode === 'keyboard') { await tabTo(page, '[data-action=submit]', 'Submit'); await page.keyboard.press('Enter'); } else await page.click('[data-action=submit]');
}

/** Facts about the form the body check needs. */
export async function formFacts(page) {
  return page.evaluate(() => {
    const f = document.getElementById('farvel-form');
    const s = f && f.querySelector('input[name=_survey]');
    const values = {};
    for (const e of f ? f.querySelectorAll('[data-v]') : []) {
      const name = e.name || (e.closest('select') && e.closest('select').name);
      if (name) (values[name] ||= {})[e.value] = e.getAttribute('data-v');
    }
    return { survey: s ? s.value : undefined, netlifyHoneypot: f ? f.getAttribute('data-netlify-honeypot') : null, service: f ? f.dataset.service : null, values };
  });
}
