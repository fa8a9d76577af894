// Runs the condition corpus (written as JSON by tests/conditions_js.rs)
// through themes/default/conditions.js. Usage: node conditions.test.js FILE
// Each case: { expr, ast, conditions: [{id, ast|null}], table, visible, expected }
// where table maps "q" or "q.row" to the value lookup() returns.
'use strict';
const fs = require('fs');
const path = require('path');
const { evaluate } = require(path.join(__dirname, '..', '..', 'themes', 'default', 'conditions.js'));

const file = process.argv[2];
if (!file) {
  console.error('usage: node conditions.test.js CORPUS.json');
  process.exit(2);
}
const corpus = JSON.parse(fs.readFileSync(file, 'utf8'));

function lookupIn(table, shown) {
  return function (q, row) {
    if (!shown.has(q)) return undefined;
    const key = row === undefined ? q : q + '.' + row;
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  };
}

let passed = 0;
let failed = 0;
for (const c of corpus.cases) {
  const shown = new Set();
  let probe;
  for (const { id, ast } of c.conditions) {
    const visible = ast === null || evaluate(ast, lookupIn(c.table, shown));
    if (id === 'probe') probe = visible;
    if (visible) shown.add(id);
  }
  const direct = evaluate(c.ast, lookupIn(c.table, new Set([...shown].filter((q) => q !== 'probe'))));
  const got = [...shown].sort().join(',');
  const want = [...c.visible].sort().join(',');
  const problems = [];
  if (direct !== c.expected) problems.push(`evaluate gave ${direct}, expected ${c.expected}`);
  if (probe !== c.expected) problems.push(`probe shown: ${probe}, expected ${c.expected}`);
  if (got !== want) problems.push(`visible [${got}], Rust says [${want}]`);
  if (problems.length === 0) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL ${c.expr} with ${JSON.stringify(c.table)}: ${problems.join('; ')}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
