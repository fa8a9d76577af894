// Check 3, validity: one call of the Nu HTML Checker (npm vnu-jar on the
// installed Java) over every built page; 0 errors each.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function htmlFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(p) : e.name.endsWith('.html') ? [p] : [];
  }).sort();
}

export default async function validity(env) {
  const { runner, work } = env;
  const dist = work;
  const files = [env.dist, env.adaptersDist].flatMap(htmlFiles);
  const jar = String(createRequire(import.meta.url)('vnu-jar'));
  let messages = null;
  await runner.check(`validity: vnu ran once over ${files.length} pages`, () => {
    const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 180000 });
    if (r.error) return [`could not run java: ${r.error.message}`];
    try { messages = JSON.parse(r.stderr || r.stdout || '{"messages":[]}').messages; } catch { return [`vnu printed no JSON: ${(r.stderr || '').slice(0, 200)}`]; }
    return files.length ? [] : ['no pages to check'];
  });
  if (!messages) return;
  for (const f of files) {
    const rel = path.relative(dist, f);
    await runner.check(`validity ${rel}: vnu reports 0 errors`, () => messages
      .filter((m) => m.url && decodeURIComponent(m.url).endsWith(f) && m.type === 'error')
      .map((m) => `line ${m.lastLine}: ${m.message}`));
  }
  const stray = messages.filter((m) => m.type !== 'error' || !m.url);
  if (stray.length) await runner.check('validity: vnu reported no fatal problem', () => stray.filter((m) => m.type === 'non-document-error').map((m) => m.message));
}
