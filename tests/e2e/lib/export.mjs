// Writing captured submissions as each service's export, and reading back
// farvel's normalised CSV. Takes: survey, decoded bodies. Returns: CSV text
// in the service's shape (formspree legacy, netlify, Google Sheets, or the
// dated field table the other services' dashboards give), and rows of
// answers from `farvel ingest --out` (issue 4's naming table).

const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const line = (cells) => cells.map((c) => q(String(c ?? ''))).join(',');

/** A fixed March 2025 time for row i (every row falls in 2025-Q1). */
const when = (i) => new Date(Date.UTC(2025, 2, 13 + (i % 15), 8, i % 60, 7)); // days > 12: M/D is unambiguous

function joined(pairs, sep) {
  const out = new Map();
  for (const [k, v] of pairs) out.set(k, out.has(k) ? `${out.get(k)}${sep}${v}` : v);
  return out;
}

const HONEYPOTS = new Set(['_gotcha', '_honey', 'botcheck', 'bot-field']);

/** The export of `service` for these bodies (each a list of [name, value]). */
export function writeExport(survey, service, bodies) {
  if (service === 'google-forms') return googleSheet(survey, bodies);
  const rows = bodies.map((pairs) => joined(pairs.filter(([k]) => !HONEYPOTS.has(k)), ', '));
  const names = [];
  for (const r of rows) for (const k of r.keys()) if (!names.includes(k)) names.push(k);
  if (service === 'formspree') {
    const cols = [...names].sort();
    const out = [line(['id', 'date', ...cols])];
    rows.forEach((r, i) => out.push(line([1000 + i, when(i).toISOString().replace('Z', '').replace('.000', '.412093'), ...cols.map((c) => r.get(c))])));
    return `${out.join('\r\n')}\r\n`;
  }
  if (service === 'netlify') {
    const cols = names.filter((k) => k !== 'form-name');
    const out = [line([...cols, 'ip', 'user_agent', 'referrer', 'created_at'])];
    rows.forEach((r, i) => out.push(line([...cols.map((c) => r.get(c)), '192.0.2.1', 'Mozilla/5.0', 'https://survey.example.no/', when(i).toISOString()])));
    return `\ufeff${out.join('\r\n')}\r\n`;
  }
  const cols = names.filter((k) => !['access_key', '_captcha', 'form-name'].includes(k));
  const out = [line(['created_at', ...cols])];
  rows.forEach((r, i) => out.push(line([when(i).toISOString(), ...cols.map((c) => r.get(c))])));
  return `${out.join('\r\n')}\r\n`;
}

/** Google Sheets: Timestamp + question titles; cells hold what was posted (labels). */
function googleSheet(survey, bodies) {
  const lang = survey.endpoint.labels_language || survey.languages[0];
  const entries = survey.endpoint.entries || {};
  const cols = [];
  for (const qq of survey.questions) {
    if (qq.type === 'info' || !entries[qq.id]) continue;
    const title = survey.text(qq.raw.text, lang);
    const e = entries[qq.id];
    if (typeof e === 'object') for (const row of qq.rows) cols.push({ name: e[row], title: `${title} [${survey.text(qq.raw.rows[row], lang)}]` });
    else cols.push({ name: e, title });
  }
  const out = [line(['Timestamp', ...cols.map((c) => c.title)])];
  bodies.forEach((pairs, i) => {
    const t = when(i);
    const stamp = `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()} ${t.getUTCHours() + 1}:${String(t.getUTCMinutes()).padStart(2, '0')}:07`;
    out.push(line([stamp, ...cols.map((c) => {
      const other = pairs.find(([k]) => k === `${c.name}.other_option_response`)?.[1] ?? '';
      // Sheets shows the typed text in place of "Other", and joins ticks with ", "
      return pairs.filter(([k]) => k === c.name).map(([, v]) => (v === '__other_option__' ? other : v)).filter((v) => v !== '').join(', ');
    })]));
  });
  return `${out.join('\r\n')}\r\n`;
}

/** Parse a CSV text (RFC 4180) into rows of cells. */
export function parseCsv(text) {
  const rows = []; let row = []; let cell = ''; let i = 0; let quoted = false;
  text = text.replace(/^\ufeff/, '');
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1; continue;
    }
    cell += c; i++;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Normalised CSV → [{ answers, other, period }] in the tests' answer shapes. */
export function readNormalised(survey, text) {
  const [head, ...rows] = parseCsv(text);
  return rows.filter((r) => r.length > 1 || r[0]).map((r) => {
    const cell = Object.fromEntries(head.map((h, i) => [h, r[i] ?? '']));
    const answers = {}; const other = {};
    for (const qq of survey.questions) {
      const v = cell[qq.id];
      if (qq.type === 'matrix') {
        const m = {};
        for (const row of qq.rows) if (cell[`${qq.id}__${row}`]) m[row] = Number(cell[`${qq.id}__${row}`]);
        if (Object.keys(m).length) answers[qq.id] = m;
      } else if (v !== undefined && v !== '') {
        if (['multi', 'ranking'].includes(qq.type)) answers[qq.id] = v.split('|');
        else if (['scale', 'nps', 'number'].includes(qq.type)) answers[qq.id] = Number(v);
        else answers[qq.id] = v;
      }
      if (cell[`${qq.id}_other`]) other[qq.id] = cell[`${qq.id}_other`];
    }
    return { answers, other, period: cell._period, columns: head };
  });
}
