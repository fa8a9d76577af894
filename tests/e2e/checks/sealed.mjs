// Issue 7, sealed round trip: the sealed fixture survey
// (tests/fixtures/sealed/survey.yaml, DEMO key) and its plain twin (the same
// YAML without `collection`/`public_key`) are built against the capture
// server and served from http://127.0.0.1 (WebCrypto needs a secure
// context). Scripted respondents answer both pages the same way. Every
// sealed body must hold `sealed` plus only the service's own fields, with no
// question id and no answer in clear; envelopes of short and long answers in
// one 1 KiB bucket have the same length. The sealed bodies, written as a
// Formspree export (id,date,sealed), go through `farvel ingest --key` and
// must normalise byte for byte as the plain export does; `farvel report
// --key` must count every response and say what the plain report says.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { open } from '../lib/browser.mjs';
import { fillAll, formFacts } from '../lib/fill.mjs';
import { expected } from '../lib/plans.mjs';
import { bodyProblems } from '../lib/expect.mjs';
import { decodeBody } from '../lib/body.mjs';
import { adapterFields } from '../lib/decode.mjs';
import { writeExport, readNormalised } from '../lib/export.mjs';
import { REPO, build, farvel, commandProblem, pagesOf } from '../lib/farvel.mjs';
import { loadSurvey } from '../lib/survey.mjs';
import { compareRows } from './adapters.mjs';

const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'sealed');
const SEALED_YAML = path.join(FIXTURES, 'survey.yaml');
const KEY = path.join(FIXTURES, 'DEMO-custodian-key.txt');
const BUCKET = 1024;
// 0x01 | 8-byte fingerprint tag | 65-byte ephemeral key | 12-byte IV | padded plaintext | 16-byte tag
const envelopeBytes = (buckets) => 1 + 8 + 65 + 12 + buckets * BUCKET + 16;
const b64Len = (n) => Math.ceil((n * 4) / 3); // base64url without padding

const LONG = ('Jeg ville ha ønsket tydeligere forventninger fra første dag, en fast ukentlig samtale med lederen min, '
  + 'og en plan for hvordan arbeidsmengden skulle fordeles når noen var borte. Det var for mange møter uten agenda, '
  + 'for lite tid til fagutvikling, og beslutninger ble tatt uten at de som gjorde jobben ble spurt. '
  + 'Lønnsoppgjøret kom alltid sent og uten begrunnelse, og ingen visste hvem som bestemte hva. '
  + 'Med litt mer åpenhet og en leder som fulgte opp, hadde jeg nok blitt værende! Takk for alt, og lykke til videre.').slice(0, 500); // 500 characters
const OVER_A_BUCKET = `${'Oversized answer that spills into a second padding bucket. '.repeat(20)}END`; // ~1.2 KB

// Respondents: every option, "other", "none", the condition shown and hidden,
// text with quotes, a line break, æøå, a short, a ~500-char and a >1 KiB answer.
const PLANS = [
  { answers: { reason: 'pay', factors: ['workload', 'culture'], workload: 4, enps: 6, improve: 'Kortere møter.' }, other: {} },
  { answers: { reason: 'manager', factors: ['culture'], workload: 2, enps: 2, improve: LONG }, other: {} },
  { answers: { reason: 'other', factors: ['none'], workload: 3, enps: 9 }, other: { reason: 'Lang pendlevei, og ingen hjemmekontor' } },
  { answers: { reason: 'growth', factors: ['workload'], workload: 5, enps: 0, improve: 'Æ ø å – "bonusen" var uklar,\nog færre møter, takk.' }, other: {} },
  { answers: { reason: 'manager', workload: 1, enps: 10 }, other: {} },
  { answers: { reason: 'pay', factors: ['culture'], workload: 2, enps: 7 }, other: {} },
  { answers: { reason: 'growth', factors: ['workload', 'culture'], workload: 4, enps: 8, improve: 'Better "career" paths; less context switching.' }, other: {} },
  { answers: { reason: 'manager', factors: ['workload'], workload: 3, enps: 5, improve: OVER_A_BUCKET }, other: {} },
];
const SHORT = 0; const LONGER = 1; const OVERSIZED = 7;

export default async function sealed(env) {
  const { runner, capture } = env;
  const dir = path.join(env.work, 'sealed');
  const site = path.join(dir, 'site');
  fs.mkdirSync(site, { recursive: true });

  // the plain twin: the same YAML without collection and public_key
  const plainYaml = path.join(dir, 'plain.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(SEALED_YAML, 'utf8'));
  doc.delete('collection');
  doc.delete('public_key');
  fs.writeFileSync(plainYaml, doc.toString({ lineWidth: 0 }));
  const variants = {
    sealed: { survey: loadSurvey(SEALED_YAML), out: path.join(site, 'sealed') },
    plain: { survey: loadSurvey(plainYaml), out: path.join(site, 'plain') },
  };
  for (const v of Object.values(variants)) v.page = pagesOf(v.out, v.survey).find((p) => p.lang === 'en') || pagesOf(v.out, v.survey)[0];
  const { survey } = variants.sealed;
  const ids = survey.questions.filter((q) => q.type !== 'info').map((q) => q.id);

  let built = false;
  await runner.check('sealed: farvel build of the sealed fixture and its plain twin with --endpoint-url', () => {
    const problems = [];
    if (variants.sealed.survey.raw.collection !== 'sealed') problems.push(`${SEALED_YAML} is not collection: sealed`);
    for (const [name, v] of Object.entries(variants)) {
      const r = build([v.survey.file], v.out, env.endpointUrl);
      if (r.code !== 0) problems.push(`${name}: build exited ${r.code}: ${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-4).join(' | ')}`);
      else if (!fs.existsSync(v.page.file)) problems.push(`${name}: no page at ${v.page.file}`);
    }
    const html = fs.existsSync(variants.sealed.page.file) ? fs.readFileSync(variants.sealed.page.file, 'utf8') : '';
    if (html && !html.includes('farvel-sealed-v1')) problems.push('the sealed page does not include seal.js');
    const plain = fs.existsSync(variants.plain.page.file) ? fs.readFileSync(variants.plain.page.file, 'utf8') : '';
    if (plain.includes('farvel-sealed-v1')) problems.push('the plain twin includes seal.js');
    built = problems.length === 0;
    return problems;
  });
  if (!built) return;

  // served from http://127.0.0.1 (a secure context), restored for anything after
  env.setSiteRoot(site);
  try {
    await runner.check('sealed: with JavaScript off the page says why it cannot send, and nothing can be posted in clear', async () => {
      const problems = [];
      const v = variants.sealed;
      const { page } = await open(await env.browser('nojs'), capture.url(`/site/sealed/${v.page.rel}`));
      try {
        const note = page.locator('p.noscript');
        if (!(await note.isVisible())) problems.push('no visible <noscript> message');
        else if ((await note.innerText()).trim().length < 20) problems.push('the <noscript> message is empty');
        const lang = await page.evaluate(() => document.documentElement.lang);
        if (lang !== v.page.lang) problems.push(`the page says lang=${lang}, not ${v.page.lang}`);
        if (!(await page.locator('[data-action=submit]').isDisabled())) problems.push('the submit button is enabled without JavaScript');
        // Answer everything (so native validation would let a post through),
        // then try the button and Enter in a text field (implicit
        // submission, which a disabled default button must block).
        problems.push(...(await fillAll(page, v.survey, PLANS[0], 'pointer', null, { nojs: true })));
        const mark = capture.mark();
        await page.locator('[data-action=submit]').click({ force: true, timeout: 1000 }).catch(() => {});
        const text = page.locator('.q input[type=text]:visible, .q input[type=number]:visible').first();
        if (await text.count()) { await text.fill('7'); await text.press('Enter'); } else problems.push('no text or number field to press Enter in');
        await page.waitForTimeout(800);
        const sent = capture.since(mark);
        if (sent.length) problems.push(`the page posted ${sent.length} time(s) without JavaScript (answers in clear)`);
      } finally {
        await page.close();
      }
      return problems;
    });
  } finally {
    env.setSiteRoot(env.dist);
  }
  env.setSiteRoot(site);
  const recs = { sealed: [], plain: [] };
  try {
    for (const [name, v] of Object.entries(variants)) {
      await runner.check(`sealed: ${PLANS.length} respondents answer the ${name} page in Chromium and send`, async () => {
        const problems = [];
        const url = capture.url(`/site/${name}/${v.page.rel}`);
        for (let i = 0; i < PLANS.length; i++) {
          const plan = PLANS[i];
          const who = `${name} respondent ${i + 1}`;
          const { page, seen } = await open(await env.browser('js'), url);
          try {
            if (name === 'sealed' && !(await page.evaluate(() => window.isSecureContext && !!(window.crypto && window.crypto.subtle)))) {
              problems.push(`${who}: ${url} is not a secure context with WebCrypto`);
            }
            problems.push(...(await fillAll(page, v.survey, plan, 'pointer')).map((x) => `${who}: ${x}`));
            const facts = await formFacts(page);
            const mark = capture.mark();
            await page.click('[data-action=submit]');
            const got = await capture.waitFor(mark, 1, 8000);
            await page.waitForTimeout(200);
            const all = capture.since(mark);
            problems.push(...seen.errors.map((e) => `${who}: page error: ${e}`));
            if (!got.length) { problems.push(`${who}: nothing reached the capture server`); recs[name].push(null); continue; }
            if (all.length > 1) problems.push(`${who}: sent ${all.length} times`);
            if (!(await page.locator('.thanks').first().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) problems.push(`${who}: no thank-you after sending`);
            recs[name].push({ rec: got[0], facts });
            if (name === 'plain') problems.push(...bodyProblems(v.survey, got[0], plan, facts).map((x) => `${who}: ${x}`));
          } finally {
            await page.close();
          }
        }
        return problems;
      });
    }
  } finally {
    env.setSiteRoot(env.dist);
  }

  const sealedRecs = recs.sealed.filter(Boolean);
  const envelopes = recs.sealed.map((x) => (x ? decodeBody(x.rec).pairs.find(([k]) => k === 'sealed')?.[1] ?? null : null));

  await runner.check('sealed: each sealed body holds one `sealed` field and otherwise only the service\'s own fields', () => {
    const problems = [];
    if (sealedRecs.length !== PLANS.length) problems.push(`${sealedRecs.length} sealed bodies captured, ${PLANS.length} sent`);
    const own = adapterFields(survey, {});
    recs.sealed.forEach((x, i) => {
      if (!x) return;
      const who = `respondent ${i + 1}`;
      const { pairs } = decodeBody(x.rec);
      const seals = pairs.filter(([k]) => k === 'sealed');
      if (seals.length !== 1) problems.push(`${who}: ${seals.length} sealed fields`);
      for (const [k, val] of pairs) {
        if (k === 'sealed') continue;
        if (!(k in own)) problems.push(`${who}: field ${JSON.stringify(k)} beside sealed (only ${Object.keys(own).join(', ') || 'nothing'} allowed)`);
        else if (!own[k](val)) problems.push(`${who}: ${k} has an unexpected value`);
      }
      for (const k of Object.keys(own)) if (!pairs.some(([n]) => n === k)) problems.push(`${who}: missing the service's field ${k}`);
      const env1 = envelopes[i];
      if (env1 == null) return;
      if (!/^[A-Za-z0-9_-]+$/.test(env1)) problems.push(`${who}: the envelope is not base64url`);
      const raw = Buffer.from(env1, 'base64url');
      if (raw[0] !== 1) problems.push(`${who}: envelope version byte ${raw[0]}, not 1`);
      const body = raw.length - envelopeBytes(0);
      if (body <= 0 || body % BUCKET) problems.push(`${who}: envelope of ${raw.length} bytes is not a whole number of ${BUCKET}-byte buckets`);
    });
    const distinct = new Set(envelopes.filter(Boolean));
    if (distinct.size !== envelopes.filter(Boolean).length) problems.push('two respondents posted the same envelope (no fresh key or IV)');
    return problems;
  });

  await runner.check('sealed: no question id and no answer appears in the raw or URL-decoded sealed bodies', () => {
    const problems = [];
    recs.sealed.forEach((x, i) => {
      if (!x) return;
      const who = `respondent ${i + 1}`;
      const rawText = x.rec.body.toString('latin1');
      const utf = x.rec.body.toString('utf8');
      let decoded = utf;
      try { decoded = decodeURIComponent(utf.replace(/\+/g, ' ')); } catch { /* not URL-encoded */ }
      // the fields beside the envelope must hold none of the answers, however short
      const outside = decodeBody(x.rec).pairs.filter(([k]) => k !== 'sealed').map(([k, v]) => `${k}=${v}`);
      const plan = expected(survey, PLANS[i]);
      const secrets = new Set([...ids, '_survey', '_nonce', String(x.facts.survey || '')]);
      for (const [id, a] of Object.entries(plan.answers)) {
        const q = survey.byId[id];
        for (const v of [].concat(a)) {
          secrets.add(String(v));
          const o = q.options.find((opt) => opt.value === v);
          if (o && o.label != null) for (const lang of survey.languages) secrets.add(survey.text(o.label, lang));
        }
      }
      for (const t of Object.values(plan.other)) secrets.add(t);
      for (const s of [...secrets].filter(Boolean)) {
        const forms = new Set([s, encodeURIComponent(s), Buffer.from(s, 'utf8').toString('latin1')]);
        if (s.length >= 12) for (const part of s.split(/\n/)) if (part.length >= 12) forms.add(part.slice(0, 12)); // a piece of a long text
        for (const f of forms) {
          // the envelope and the multipart boundary are random: a short string can match there by
          // chance, so the whole body is searched for 5+ characters, the other fields for anything
          const where = f.length >= 5 ? [rawText, utf, decoded, ...outside] : outside;
          if (where.some((t) => t.includes(f))) problems.push(`${who}: ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)} appears in the body`);
        }
      }
    });
    return problems;
  });

  await runner.check('sealed: envelopes of a short and a ~500-character answer (one 1 KiB bucket) have the same length; >1 KiB is one bucket longer', () => {
    const problems = [];
    const [s, l, o] = [envelopes[SHORT], envelopes[LONGER], envelopes[OVERSIZED]];
    if (!s || !l || !o) return ['a respondent of the length comparison sent nothing'];
    const textLen = (k) => Buffer.byteLength(PLANS[k].answers.improve, 'utf8');
    if (textLen(LONGER) - textLen(SHORT) < 400) problems.push('the long answer is not ~500 bytes longer than the short one');
    if (s.length !== l.length) problems.push(`short answer: envelope of ${s.length} characters, ~500-character answer: ${l.length}`);
    if (s.length !== b64Len(envelopeBytes(1))) problems.push(`a one-bucket envelope is ${s.length} characters, not ${b64Len(envelopeBytes(1))}`);
    const oneBucket = envelopes.filter((e, i) => e && i !== OVERSIZED && e.length !== s.length);
    if (oneBucket.length) problems.push(`${oneBucket.length} other answers under 1 KiB have envelopes of another length`);
    if (o.length !== b64Len(envelopeBytes(2))) problems.push(`the >1 KiB answer's envelope is ${o.length} characters, not two buckets (${b64Len(envelopeBytes(2))})`);
    return problems;
  });

  // exports as Formspree gives them: id,date,<fields sorted A–Z>; honeypot dropped
  const sealedCsv = path.join(dir, 'formspree-sealed.csv');
  const plainCsv = path.join(dir, 'formspree-plain.csv');
  const complete = recs.sealed.every(Boolean) && recs.plain.every(Boolean);
  fs.writeFileSync(sealedCsv, writeExport(survey, 'formspree', recs.sealed.filter(Boolean).map((x) => decodeBody(x.rec).pairs)));
  fs.writeFileSync(plainCsv, writeExport(variants.plain.survey, 'formspree', recs.plain.filter(Boolean).map((x) => decodeBody(x.rec).pairs)));

  await runner.check('sealed: farvel ingest --key normalises the sealed export byte-identically to the plain export', () => {
    const problems = [];
    if (!complete) problems.push('not every respondent was captured on both pages: the exports are incomplete');
    const head = fs.readFileSync(sealedCsv, 'utf8').split(/\r?\n/)[0];
    if (head !== 'id,date,sealed') problems.push(`the sealed export's header is ${JSON.stringify(head)}, not id,date,sealed`);
    const outS = path.join(dir, 'normalised-sealed.csv');
    const outP = path.join(dir, 'normalised-plain.csv');
    const rs = farvel(['ingest', SEALED_YAML, sealedCsv, '--key', KEY, '--out', outS]);
    const rp = farvel(['ingest', plainYaml, plainCsv, '--out', outP]);
    for (const [r, what] of [[rs, 'ingest (sealed)'], [rp, 'ingest (plain)']]) {
      const err = commandProblem(r, what);
      if (err) problems.push(err);
    }
    if (problems.some((p) => p.startsWith('farvel'))) return problems;
    const a = fs.readFileSync(outS); const b = fs.readFileSync(outP);
    if (!a.equals(b)) {
      const la = a.toString('utf8').split('\n'); const lb = b.toString('utf8').split('\n');
      const k = la.findIndex((x, j) => x !== lb[j]);
      problems.push(`normalised CSVs differ (${a.length} vs ${b.length} bytes); first at line ${k + 1}: sealed ${JSON.stringify((la[k] ?? '').slice(0, 160))} / plain ${JSON.stringify((lb[k] ?? '').slice(0, 160))}`);
    }
    const rows = readNormalised(survey, a.toString('utf8'));
    problems.push(...compareRows(survey, rows, PLANS).map((x) => `sealed rows vs answers: ${x}`));
    if (/rejected/i.test(`${rs.stdout}\n${rs.stderr}`) && !/\b0 rejected/i.test(`${rs.stdout}\n${rs.stderr}`)) {
      problems.push(`ingest reports rejected rows: ${`${rs.stdout}\n${rs.stderr}`.trim().split('\n').filter((x) => /reject/i.test(x)).slice(0, 2).join(' | ')}`);
    }
    return problems;
  });

  await runner.check(`sealed: farvel report --key exits 0, counts ${PLANS.length} responses, and matches the plain report`, () => {
    const problems = [];
    const outS = path.join(dir, 'report-sealed', 'report.md');
    const outP = path.join(dir, 'report-plain', 'report.md');
    fs.mkdirSync(path.dirname(outS), { recursive: true });
    fs.mkdirSync(path.dirname(outP), { recursive: true });
    const rs = farvel(['report', SEALED_YAML, sealedCsv, '--key', KEY, '--out', outS, '--lang', 'en']);
    const err = commandProblem(rs, 'report --key');
    if (err) return [err];
    const md = fs.readFileSync(outS, 'utf8');
    const n = PLANS.length;
    const opening = md.split('\n').slice(0, 20).join('\n');
    const said = [...opening.matchAll(/\b(\d+)\b[^\n]*?(answer|respon|svar)/gi)].map((m) => Number(m[1]));
    if (!said.includes(n)) problems.push(`the report's opening does not say ${n} people answered (numbers before "answer/response": ${said.join(', ') || 'none'})`);
    const rp = farvel(['report', plainYaml, plainCsv, '--out', outP, '--lang', 'en']);
    const errP = commandProblem(rp, 'report (plain)');
    if (errP) problems.push(errP);
    else {
      // the plain export has _nonce and _survey columns, the sealed one keeps them inside the envelope
      const dropped = md.split('\n').find((x) => /^- Columns dropped on reading/.test(x));
      if (dropped && dropped.replace(/`(id|date)`/g, '').includes('`')) problems.push(`the sealed report names dropped columns beyond id and date: ${dropped}`);
      const strip = (t) => t.split('\n').filter((x) => !/^- Columns dropped on reading/.test(x)).join('\n');
      const pm = fs.readFileSync(outP, 'utf8');
      if (strip(md) !== strip(pm)) {
        const la = strip(md).split('\n'); const lb = strip(pm).split('\n');
        const k = la.findIndex((x, j) => x !== lb[j]);
        problems.push(`the sealed report differs from the plain one at line ${k + 1}: ${JSON.stringify(la[k])} / ${JSON.stringify(lb[k])}`);
      }
    }
    return problems;
  });
}
