/*
 * farvel: the page's show_if evaluator.
 *
 * Evaluates the JSON form of a condition (Expr::to_json in the Rust crate):
 *   {"or":[a,b]}  {"and":[a,b]}  {"not":a}
 *   {"answered":{"q":id,"row":row|null}}
 *   {"cmp":{"q":id,"row":row|null,"op":"==","v":literal}}
 *   {"has":{"q":id,"v":literal}}                       ('v' in q)
 *   {"in":{"q":id,"row":row|null,"vs":[literal, ...]}}
 *
 * lookup(q, row) returns undefined when the question was not answered or is
 * hidden; a string for choice and yesno ('yes'/'no'); a number for scale,
 * nps, number and matrix rows; an array of strings for multi; any other
 * defined value (e.g. true) for an answered text, date or ranking.
 *
 * The semantics are those of the Rust evaluator: a comparison on an
 * unanswered or hidden question is false, and so is answered(); `not`
 * negates as usual. Values are never coerced: '5' is not 5.
 *
 * Plain ES2017, no dependencies; works as a browser script
 * (window.farvelConditions) and as a Node module.
 */
(function () {
  'use strict';

  function answer(lookup, ref) {
    var row = typeof ref.row === 'string' ? ref.row : undefined;
    var v = lookup(ref.q, row);
    return v === null ? undefined : v;
  }

  function compare(v, op, lit) {
    if (typeof v === 'string') {
      var s = v;
      if (typeof lit === 'boolean') {
        s = v === 'yes';
      } else if (typeof lit !== 'string') {
        return false;
      }
      if (op === '==') return s === lit;
      if (op === '!=') return s !== lit;
      return false;
    }
    if (typeof v === 'number' && typeof lit === 'number') {
      switch (op) {
        case '==': return v === lit;
        case '!=': return v !== lit;
        case '<': return v < lit;
        case '<=': return v <= lit;
        case '>': return v > lit;
        case '>=': return v >= lit;
        default: return false;
      }
    }
    return false;
  }

  function evaluate(ast, lookup) {
    if (!ast || typeof ast !== 'object') return false;
    if (Array.isArray(ast.or)) {
      return ast.or.some(function (e) { return evaluate(e, lookup); });
    }
    if (Array.isArray(ast.and)) {
      return ast.and.every(function (e) { return evaluate(e, lookup); });
    }
    if ('not' in ast) return !evaluate(ast.not, lookup);
    if (ast.answered) return answer(lookup, ast.answered) !== undefined;
    if (ast.cmp) {
      var c = ast.cmp;
      var v = answer(lookup, c);
      return v !== undefined && compare(v, c.op, c.v);
    }
    if (ast.has) {
      var set = answer(lookup, { q: ast.has.q, row: null });
      return Array.isArray(set) && typeof ast.has.v === 'string' &&
        set.indexOf(ast.has.v) !== -1;
    }
    if (ast.in) {
      var x = answer(lookup, ast.in);
      return x !== undefined && Array.isArray(ast.in.vs) &&
        ast.in.vs.some(function (lit) { return compare(x, '==', lit); });
    }
    return false;
  }

  var api = { evaluate: evaluate };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window !== 'undefined') window.farvelConditions = api;
})();
