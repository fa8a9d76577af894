// Running the farvel binary. Takes: FARVEL_BIN (default <repo>/target/release/farvel).
// Returns: run(args) -> { code, stdout, stderr }, and helpers to build surveys
// (with --endpoint-url) and to write per-service variants of a survey.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const BIN = process.env.FARVEL_BIN || path.join(REPO, 'target/release/farvel');

/** Run farvel; FARVEL_BIN_<VERB> (e.g. FARVEL_BIN_INGEST) may point one verb elsewhere. */
export function farvel(args, opts = {}) {
  const bin = process.env[`FARVEL_BIN_${String(args[0]).toUpperCase()}`] || BIN;
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd: opts.cwd || REPO, timeout: 120000 });
  if (r.error) return { code: -1, stdout: '', stderr: String(r.error.message) };
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Is this farvel command implemented? (placeholders say so and exit 2) */
export function commandProblem(res, verb) {
  if (res.code === 0) return null;
  const text = `${res.stdout}\n${res.stderr}`.trim().split('\n').slice(0, 4).join(' | ');
  return `farvel ${verb} exited ${res.code}: ${text || '(no output)'}`;
}

export function build(files, out, endpointUrl) {
  const args = ['build', ...files, '--out', out, '--force'];
  if (endpointUrl) args.push('--endpoint-url', endpointUrl);
  return farvel(args);
}

/** Write `file` with its endpoint block replaced, as <dir>/<id>.yaml (id changed too). */
export function variant(file, dir, id, endpoint) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  doc.set('id', id);
  doc.set('endpoint', doc.createNode(endpoint));
  const out = path.join(dir, `${id}.yaml`);
  fs.writeFileSync(out, doc.toString({ lineWidth: 0 }));
  return out;
}

/** The pages a survey builds to: [{ lang, file, rel }] (default language at the root). */
export function pagesOf(dist, survey) {
  return survey.languages.map((lang, i) => {
    const rel = i === 0 ? `${survey.id}/index.html` : `${survey.id}/${lang}/index.html`;
    return { lang, rel, file: path.join(dist, rel) };
  });
}
