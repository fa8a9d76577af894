// Comparing one captured submission with what a respondent answered.
// Takes: survey, capture record, plan, form facts ({netlifyHoneypot,
// honeypotName, survey}). Returns: a list of problems (empty = as expected):
// answers exactly those of visible questions, the adapter's own fields, a
// random `_nonce`, the `_survey` fingerprint, and nothing else.
import { decodeBody } from './body.mjs';
import { decodeAnswers, adapterFields } from './decode.mjs';
import { expected } from './plans.mjs';

const stable = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort()) : x));

export function looksLikeTime(v) {
  if (/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return true;
  const n = Number(v);
  const now = Date.now();
  return Number.isFinite(n) && (Math.abs(n - now) < 864e5 * 30 || Math.abs(n - now / 1000) < 864e2 * 30);
}

export function bodyProblems(survey, rec, plan, form = {}) {
  const problems = [];
  const { pairs, format } = decodeBody(rec);
  const got = decodeAnswers(survey, pairs, form.values || {});
  problems.push(...got.problems);
  const want = expected(survey, plan);
  for (const id of new Set([...Object.keys(want.answers), ...Object.keys(got.answers)])) {
    if (!(id in got.answers)) problems.push(`${id}: answered but not sent`);
    else if (!(id in want.answers)) problems.push(`${id}: sent but not answered or hidden`);
    else if (stable(got.answers[id]) !== stable(want.answers[id])) {
      problems.push(`${id}: sent ${stable(got.answers[id])}, answered ${stable(want.answers[id])}`);
    }
  }
  for (const id of new Set([...Object.keys(want.other), ...Object.keys(got.other)])) {
    if (got.other[id] !== want.other[id]) problems.push(`${id}_other: sent ${JSON.stringify(got.other[id])}, typed ${JSON.stringify(want.other[id])}`);
  }
  const own = adapterFields(survey, form);
  const google = survey.endpoint.service === 'google-forms';
  const counts = {};
  for (const [name, value] of got.extras) {
    counts[name] = (counts[name] || 0) + 1;
    if (name === '_nonce' && form.nojs) {
      // without a script nothing can draw it: a value baked into the page would be everyone's
      if (value !== '') problems.push('_nonce: the same fixed value for every respondent without JavaScript');
    } else if (name === '_nonce') {
      if (!/^[A-Za-z0-9_-]{12,}$/.test(value)) problems.push('_nonce: not a random token of 12+ url-safe characters');
      if (looksLikeTime(value)) problems.push('_nonce: looks like a timestamp');
    } else if (name === '_survey') {
      if (form.survey !== undefined && value !== form.survey) problems.push('_survey: differs from the page\'s hidden _survey field');
      if (!value) problems.push('_survey: empty');
    } else if (name in own) {
      if (!own[name](value)) problems.push(`${name}: unexpected value for the ${survey.endpoint.service} adapter`);
    } else {
      problems.push(`unexpected field ${JSON.stringify(name)}${looksLikeTime(value) ? ' (a timestamp?)' : ''}`);
    }
  }
  for (const [name, n] of Object.entries(counts)) if (n > 1) problems.push(`${name}: sent ${n} times`);
  for (const name of Object.keys(own)) {
    const optional = (name === 'botcheck');
    if (!(name in counts) && !optional) problems.push(`missing adapter field ${name} (${survey.endpoint.service})`);
  }
  if (!google) {
    if (!counts._nonce) problems.push('missing _nonce');
    if (!counts._survey) problems.push('missing _survey');
  }
  if (survey.endpoint.service === 'web3forms' && format !== 'json' && rec.ajax) problems.push(`web3forms AJAX body is ${format}, not JSON`);
  return problems;
}
