// Turning posted [name, value] pairs back into answers, per service, and
// naming everything that is not an answer. Takes: survey, pairs, the service
// (and the url `multi` mode). Returns: { answers, other, extras, problems }.
// Also: the adapter's own fields each service must (and may) send.

export const MULTI = {
  formspree: 'repeat', netlify: 'split', getform: 'split', basin: 'split',
  web3forms: 'comma', formsubmit: 'split', 'google-forms': 'repeat', url: 'split',
};

export function multiMode(endpoint) {
  return endpoint.service === 'url' && endpoint.multi ? endpoint.multi : MULTI[endpoint.service];
}

function googleNames(survey) {
  const names = {};
  for (const [id, ref] of Object.entries(survey.endpoint.entries || {})) {
    if (typeof ref === 'string') names[ref] = { q: id };
    else for (const [row, e] of Object.entries(ref)) names[e] = { q: id, sub: row };
  }
  return names;
}

function labelToValue(survey, q, label) {
  const lang = survey.endpoint.labels_language || survey.languages[0];
  const o = q.options.find((x) => x.label != null && survey.text(x.label, lang) === label);
  if (o) return o.value;
  return label;
}

function resolve(survey, name, mode, google) {
  if (google) {
    const m = /^(.*?)(\.other_option_response|_year|_month)?$/.exec(name);
    const hit = google[m[1]];
    if (!hit) return null;
    const q = survey.byId[hit.q];
    if (m[2] === '.other_option_response') return { q, role: 'other' };
    if (m[2]) return { q, role: 'sub', sub: m[2].slice(1) };
    return { q, role: hit.sub ? 'sub' : 'main', sub: hit.sub };
  }
  for (const q of survey.questions) {
    if (name === q.id) return { q, role: 'main' };
    if (name === `${q.id}_other`) return { q, role: 'other' };
    if (name === `${q.id}[]` && mode === 'brackets') return { q, role: 'main' };
    if (name.startsWith(`${q.id}__`)) return { q, role: 'sub', sub: name.slice(q.id.length + 2) };
  }
  return null;
}

export function decodeAnswers(survey, pairs, values = {}) {
  const mode = multiMode(survey.endpoint);
  const google = survey.endpoint.service === 'google-forms' ? googleNames(survey) : null;
  const answers = {}; const other = {}; const extras = []; const problems = [];
  const seen = {};
  for (const [name, value] of pairs) {
    const hit = resolve(survey, name, mode, google);
    if (!hit) { extras.push([name, value]); continue; }
    const { q } = hit;
    if (hit.role === 'other') { if (value !== '') other[q.id] = value.replace(/\r\n/g, '\n'); continue; }
    // the page's own record of an option's value, where it posts something else (labels)
    const logical = values[name] && values[name][value] !== undefined ? values[name][value] : null;
    (seen[q.id] ||= []).push({ role: hit.role, sub: hit.sub, value, name, logical });
  }
  for (const [id, parts] of Object.entries(seen)) {
    const q = survey.byId[id];
    const filled = parts.filter((p) => p.value !== '');
    if (!filled.length) continue;
    const one = () => {
      if (filled.length > 1) problems.push(`${id}: sent ${filled.length} times`);
      return filled[0].value;
    };
    switch (q.type) {
      case 'choice': {
        let v = one();
        if (google) v = v === '__other_option__' ? 'other' : filled[0].logical ?? labelToValue(survey, q, v);
        answers[id] = v; break;
      }
      case 'yesno': { const v = one(); answers[id] = google ? filled[0].logical ?? labelToValue(survey, q, v) : v; break; }
      case 'text': answers[id] = one().replace(/\r\n/g, '\n'); break;
      case 'scale': case 'nps': case 'number': { const v = one(); answers[id] = Number(filled[0].logical ?? v); break; }
      case 'multi': {
        let vs;
        if (mode === 'split' && !google) {
          vs = filled.map((p) => {
            if (p.role !== 'sub' || p.value !== '1') problems.push(`${id}: field ${p.name} is not a split checkbox (${p.role}=${p.value === '1' ? '1' : 'other value'})`);
            return p.sub;
          });
        } else if (mode === 'comma' && filled.length === 1) vs = filled[0].value.split(',');
        else vs = filled.map((p) => (google ? (p.value === '__other_option__' ? 'other' : p.logical ?? labelToValue(survey, q, p.value)) : p.value));
        const order = q.options.map((o) => o.value);
        answers[id] = vs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        break;
      }
      case 'matrix': {
        const out = {};
        for (const p of filled) {
          if (p.role !== 'sub' || !q.rows.includes(p.sub)) { problems.push(`${id}: unexpected field ${p.name}`); continue; }
          out[p.sub] = Number(p.logical ?? p.value);
        }
        answers[id] = out; break;
      }
      case 'ranking': {
        const ranked = filled.map((p) => [p.sub, Number(p.value)]);
        if (ranked.some(([s]) => !q.options.some((o) => o.value === s))) problems.push(`${id}: unexpected ranking field`);
        answers[id] = ranked.sort((a, b) => a[1] - b[1]).map(([s]) => s);
        break;
      }
      case 'date': {
        const main = filled.find((p) => p.role === 'main');
        if (main) { answers[id] = main.value; break; }
        const y = filled.find((p) => p.sub === 'year'); const m = filled.find((p) => p.sub === 'month');
        if (y && m) answers[id] = `${y.value}-${String(m.value).padStart(2, '0')}`;
        else problems.push(`${id}: month date without both year and month`);
        break;
      }
      default: problems.push(`${id}: a ${q.type} question sent a value`);
    }
  }
  return { answers, other, extras, problems };
}

/** The fields each service's adapter adds: name -> expected value (or a test). */
export function adapterFields(survey, form) {
  const ep = survey.endpoint;
  const hp = ep.honeypot !== false;
  const f = {};
  const empty = (v) => v === '' || v === undefined;
  switch (ep.service) {
    case 'formspree': case 'getform': case 'basin': if (hp) f._gotcha = empty; break;
    case 'netlify':
      f['form-name'] = (v) => v === (ep.form_name || survey.id);
      if (hp) f[form.netlifyHoneypot || 'bot-field'] = empty;
      break;
    case 'web3forms':
      f.access_key = (v) => v === String(ep.access_key);
      if (hp) f.botcheck = (v) => empty(v) || v === 'false';
      break;
    case 'formsubmit':
      f._captcha = (v) => v === 'false';
      if (hp) f._honey = empty;
      break;
    case 'url': if (hp) f._gotcha = empty; break;
    default: break;
  }
  if (ep.thanks_url) {
    if (['formspree', 'formsubmit'].includes(ep.service)) f._next = (v) => v === ep.thanks_url;
    if (ep.service === 'web3forms') f.redirect = (v) => v === ep.thanks_url;
  }
  return f;
}

/** Honeypot field name each service expects (null: none). */
export function honeypotName(survey) {
  const ep = survey.endpoint;
  if (ep.honeypot === false) return null;
  return { formspree: '_gotcha', getform: '_gotcha', basin: '_gotcha', web3forms: 'botcheck', formsubmit: '_honey', netlify: 'bot-field', url: '_gotcha' }[ep.service] ?? null;
}
