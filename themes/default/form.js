/* farvel default theme: progressive enhancement for the survey page.
   Without this script the form still works: every section is shown and a
   plain post sends it. With it: live show_if, one section at a time,
   validation with an error summary, shuffling, ranking by keyboard or
   pointer, sealing, and sending without leaving the page where the service
   allows it. No cookies, no storage, no timestamps. */
(function () {
  'use strict';
  var d = document, form = d.getElementById('farvel-form');
  if (!form || !d.querySelector || !window.JSON || !window.crypto || !crypto.getRandomValues) return;
  var cfg = {};
  try { cfg = JSON.parse(d.getElementById('farvel-config').textContent); } catch (e) { cfg = {}; }
  var ui = cfg.ui || {};
  d.documentElement.classList.add('js');
  form.noValidate = true;

  function t(key, n) { var s = ui[key] || key; return n == null ? s : s.split('{n}').join(String(n)); }
  function all(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }
  function btn(action, root) { return (root || d).querySelector('[data-action="' + action + '"]'); }
  function rand(n) { return crypto.getRandomValues(new Uint32Array(1))[0] % n; }

  var nonce = form.querySelector('input[name="_nonce"]');
  if (nonce) {
    nonce.value = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (x) {
      return (x < 16 ? '0' : '') + x.toString(16);
    }).join('');
  }

  var sections = all('.section', form), questions = all('.q', form);
  var summary = d.querySelector('.error-summary'), sendError = d.querySelector('.send-error');
  var thanks = d.querySelector('.thanks'), progress = form.querySelector('.progress');
  var back = btn('back', form), next = btn('next', form), submit = btn('submit', form);
  // Sealed pages ship the button disabled: no post in clear without JS.
  if (cfg.sealed) submit.disabled = false;
  var conds = questions.filter(function (q) { return q.hasAttribute('data-show-if'); }).map(function (q) {
    var ast = null;
    try { ast = JSON.parse(q.getAttribute('data-show-if')); } catch (e) { ast = null; }
    return { q: q, ast: ast };
  });

  function qOf(id) { return d.getElementById('q-' + id); }
  function type(q) { return q.getAttribute('data-type'); }
  function logical(el) { return el.getAttribute('data-v') || el.value; }
  function controls(q) { return all('input,select,textarea', q); }
  function otherText(q) { var o = q.querySelector('.other input'); return o ? o.value.trim() : ''; }

  /* The value conditions see: a string (choice, yesno), a number (scale,
     nps, number, matrix row), an array (multi), true (answered, not
     comparable), or null (not answered, or hidden). */
  function value(id, row) {
    var q = qOf(id);
    if (!q || q.hidden) return null;
    var ty = type(q), c;
    if (ty === 'matrix') {
      if (row == null) return q.querySelector('input:checked') ? true : null;
      var r = q.querySelector('.row[data-row="' + row + '"]');
      c = r && r.querySelector('input:checked');
      return c ? Number(logical(c)) : null;
    }
    if (row != null) return null;
    if (ty === 'multi') {
      var vs = all('input[type=checkbox]:checked', q).map(logical);
      return vs.length ? vs : null;
    }
    if (ty === 'choice' || ty === 'yesno' || ty === 'scale' || ty === 'nps') {
      c = q.querySelector('input[type=radio]:checked');
      var v = c ? logical(c) : null;
      var sel = q.querySelector('select');
      if (!c && sel && sel.value) v = logical(sel.options[sel.selectedIndex]);
      if (v == null) return null;
      return ty === 'scale' || ty === 'nps' ? Number(v) : v;
    }
    if (ty === 'number') {
      var n = q.querySelector('input');
      return n && n.value !== '' && !isNaN(Number(n.value)) ? Number(n.value) : null;
    }
    var filled = controls(q).some(function (el) {
      return el.type !== 'checkbox' && el.type !== 'radio' && el.value.trim() !== '' && !el.closest('.other');
    });
    return filled ? true : null;
  }

  function applyConditions() {
    var ev = window.farvelConditions;
    if (!ev) return;
    conds.forEach(function (c) {
      var show = true;
      try { show = !!ev.evaluate(c.ast, value); } catch (e) { show = true; }
      if (show === !c.q.hidden) return;
      c.q.hidden = !show;
      controls(c.q).forEach(function (el) { el.disabled = !show; });
      if (!show) clearError(c.q);
    });
  }

  function shuffle() {
    all('.q[data-shuffle] .opts', form).forEach(function (box) {
      var items = Array.prototype.slice.call(box.children);
      var free = items.filter(function (it) { return !it.querySelector('[data-pin]'); });
      for (var i = free.length - 1; i > 0; i--) {
        var j = rand(i + 1), tmp = free[i];
        free[i] = free[j]; free[j] = tmp;
      }
      var k = 0;
      items.forEach(function (it) { box.appendChild(it.querySelector('[data-pin]') ? it : free[k++]); });
    });
  }

  function ranking(q) {
    var box = q.querySelector('.ranks'), rows = all('.rank', box);
    var ol = d.createElement('ol'), dragging = null;
    ol.className = 'rank-list';
    ol.id = 'rl-' + q.getAttribute('data-q');
    ol.tabIndex = -1;
    function sync() {
      all('li', ol).forEach(function (li, i) { li.sel.value = String(i + 1); });
      check(q, true);
    }
    function move(li, dir, keep) {
      var sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (sib) ol.insertBefore(dir < 0 ? li : sib, dir < 0 ? sib : li);
      sync();
      (keep || li).focus();
    }
    var ranked = rows.every(function (r) { return r.querySelector('select').value; });
    if (ranked) rows.sort(function (a, b) { return a.querySelector('select').value - b.querySelector('select').value; });
    rows.forEach(function (r) {
      var li = d.createElement('li'), span = d.createElement('span');
      var label = r.querySelector('label').textContent;
      li.tabIndex = 0;
      li.sel = r.querySelector('select');
      span.textContent = label;
      li.appendChild(span);
      [['button.move_up', -1], ['button.move_down', 1]].forEach(function (m) {
        var b = d.createElement('button');
        b.type = 'button';
        b.textContent = t(m[0]);
        b.setAttribute('aria-label', t(m[0]) + ': ' + label);
        b.addEventListener('click', function () { move(li, m[1], b); });
        li.appendChild(b);
      });
      li.addEventListener('keydown', function (e) {
        if (e.target !== li) return;
        if (e.key === 'ArrowUp' || e.key === 'ArrowDown') { e.preventDefault(); move(li, e.key === 'ArrowUp' ? -1 : 1); }
      });
      li.addEventListener('pointerdown', function (e) {
        if (e.target.tagName === 'BUTTON') return;
        dragging = li;
        li.classList.add('dragging');
        if (li.setPointerCapture) li.setPointerCapture(e.pointerId);
      });
      li.addEventListener('pointermove', function (e) {
        if (dragging !== li) return;
        var over = d.elementFromPoint(e.clientX, e.clientY);
        over = over && over.closest ? over.closest('li') : null;
        if (!over || over === li || over.parentNode !== ol) return;
        var rect = over.getBoundingClientRect();
        ol.insertBefore(li, e.clientY > rect.top + rect.height / 2 ? over.nextSibling : over);
      });
      function drop() {
        if (dragging !== li) return;
        dragging = null;
        li.classList.remove('dragging');
        sync();
      }
      li.addEventListener('pointerup', drop);
      li.addEventListener('pointercancel', drop);
      ol.appendChild(li);
    });
    box.parentNode.insertBefore(ol, box);
  }

  /* Validation: the message for a question, or '' when it is fine. */
  function problem(q) {
    if (q.hidden) return '';
    var ty = type(q), req = q.hasAttribute('data-required'), v, n;
    if (ty === 'info') return '';
    if (ty === 'multi') {
      v = all('input[type=checkbox]:checked', q);
      n = v.length;
      var min = Number(q.getAttribute('data-min') || 0), max = Number(q.getAttribute('data-max') || 0);
      if (!n) return req ? t('error.required') : '';
      if (min && n < min) return t('error.min_choices', min);
      if (max && n > max) return t('error.max_choices', max);
      if (q.querySelector('[data-other]:checked') && !otherText(q)) return t('error.other');
      return '';
    }
    if (ty === 'matrix') {
      var rows = all('.row', q), done = rows.filter(function (r) { return r.querySelector('input:checked'); });
      return req && done.length < rows.length ? (done.length ? t('error.matrix') : t('error.required')) : '';
    }
    if (ty === 'ranking') {
      var vals = all('select', q).map(function (s) { return s.value; }).filter(Boolean);
      if (!vals.length) return req ? t('error.required') : '';
      var dup = vals.some(function (x, i) { return vals.indexOf(x) !== i; });
      return dup || vals.length < all('select', q).length ? t('error.ranking') : '';
    }
    if (ty === 'date' && q.querySelectorAll('select').length === 2) {
      n = all('select', q).filter(function (s) { return s.value; }).length;
      if (n === 1) return t('error.month');
      return !n && req ? t('error.required') : '';
    }
    var input = q.querySelector('input:not([type=radio]):not([type=checkbox]),textarea');
    if (ty === 'choice' || ty === 'yesno' || ty === 'scale' || ty === 'nps') {
      if (value(q.getAttribute('data-q')) == null) return req ? t('error.required') : '';
      var chosenOther = q.querySelector('[data-other]:checked') ||
        (q.querySelector('select') && q.querySelector('select').selectedOptions[0].hasAttribute('data-other'));
      return chosenOther && !otherText(q) ? t('error.other') : '';
    }
    if (!input) return '';
    var val = input.value, vs = input.validity || {};
    if (vs.badInput) return ty === 'date' ? t('error.date') : t('error.number');
    if (val.trim() === '') return req ? t('error.required') : '';
    if (ty === 'number') {
      if (vs.rangeUnderflow) return t('error.min_value', input.min);
      if (vs.rangeOverflow) return t('error.max_value', input.max);
      if (vs.stepMismatch) return input.step === '1' ? t('error.integer') : t('error.number');
      return '';
    }
    var minl = Number(input.getAttribute('minlength') || 0), maxl = Number(input.getAttribute('maxlength') || 0);
    if (minl && val.length < minl) return t('error.min_length', minl);
    if (maxl && val.length > maxl) return t('error.max_length', maxl);
    if (vs.patternMismatch) return input.getAttribute('data-pattern-message') || t('error.pattern');
    return '';
  }

  function describe(el, id, on) {
    var ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' ')); else el.removeAttribute('aria-describedby');
  }
  function targets(q) { return all('fieldset,input,select,textarea', q); }
  function setError(q, msg) {
    var id = 'err-' + q.getAttribute('data-q'), p = d.getElementById(id);
    if (p) { p.textContent = msg; p.hidden = !msg; }
    if (msg) q.setAttribute('data-invalid', ''); else q.removeAttribute('data-invalid');
    targets(q).forEach(function (el) {
      if (el.tagName === 'FIELDSET' || !el.closest('fieldset')) describe(el, id, !!msg);
      if (msg) el.setAttribute('aria-invalid', 'true'); else el.removeAttribute('aria-invalid');
    });
  }
  function clearError(q) { setError(q, ''); }
  function check(q, quiet) {
    var msg = problem(q);
    if (!quiet || !msg) setError(q, msg);
    return msg;
  }
  function title(q) {
    var l = q.querySelector('legend,.ql');
    if (!l) return '';
    var c = l.cloneNode(true), r = c.querySelector('.req');
    if (r) c.removeChild(r);
    return c.textContent.trim();
  }
  function validate(list) {
    var bad = [];
    list.forEach(function (q) { var m = check(q); if (m) bad.push({ q: q, m: m }); });
    var ul = summary.querySelector('ul');
    ul.textContent = '';
    bad.forEach(function (b) {
      var li = d.createElement('li'), a = d.createElement('a');
      var first = b.q.querySelector('.rank-list,input[id],select[id],textarea[id]');
      a.href = '#' + (first ? first.id : b.q.id);
      a.textContent = title(b.q) + ': ' + b.m;
      li.appendChild(a);
      ul.appendChild(li);
    });
    summary.hidden = !bad.length;
    if (bad.length) summary.focus();
    return bad;
  }

  /* One section at a time. */
  var current = 0;
  function visible(s) { return all('.q', s).some(function (q) { return !q.hidden; }); }
  function show(i, focus) {
    current = i;
    sections.forEach(function (s, k) { s.classList.toggle('off', k !== i); });
    var later = sections.slice(i + 1).some(visible);
    back.hidden = !sections.slice(0, i).some(visible);
    next.hidden = !later;
    submit.hidden = later;
    if (progress) {
      progress.hidden = sections.length < 2;
      progress.querySelector('progress').value = i + 1;
      progress.querySelector('span').textContent = t('progress').replace('{n}', i + 1).replace('{total}', sections.length);
    }
    if (focus) {
      var h = sections[i].querySelector('h2');
      h.tabIndex = -1;
      h.focus();
      if (sections[i].scrollIntoView) sections[i].scrollIntoView();
    }
  }
  function step(dir) {
    for (var i = current + dir; i >= 0 && i < sections.length; i += dir) {
      if (visible(sections[i])) return show(i, true);
    }
  }

  /* Sending. */
  function pairs() {
    var out = [];
    new FormData(form).forEach(function (v, k) { out.push([k, String(v)]); });
    return out;
  }
  function payload() {
    var list = pairs();
    if (!cfg.sealed) return Promise.resolve(list);
    var keep = all('[data-keep]', form).map(function (el) { return el.name; });
    var clear = list.filter(function (p) { return keep.indexOf(p[0]) >= 0; });
    var secret = list.filter(function (p) { return keep.indexOf(p[0]) < 0; });
    if (!window.farvelSeal) return Promise.reject(new Error('seal'));
    return Promise.resolve(window.farvelSeal.seal(secret, cfg.key, cfg.fp)).then(function (s) {
      return clear.concat([['sealed', s]]);
    });
  }
  function nativePost(list) {
    var f = d.createElement('form');
    f.method = 'post';
    f.action = form.getAttribute('action');
    f.acceptCharset = 'UTF-8';
    f.hidden = true;
    list.forEach(function (p) {
      var i = d.createElement('input');
      i.type = 'hidden'; i.name = p[0]; i.value = p[1];
      f.appendChild(i);
    });
    d.body.appendChild(f);
    f.submit();
  }
  function done() {
    form.hidden = true;
    summary.hidden = true;
    sendError.hidden = true;
    thanks.hidden = false;
    thanks.focus();
  }
  function failed() {
    sendError.hidden = false;
    var r = btn('resend', sendError);
    r.disabled = false;
    r.focus();
  }
  function request(list) {
    var body, headers = { Accept: 'application/json' };
    if (cfg.transport === 'json') {
      var obj = {};
      list.forEach(function (p) { obj[p[0]] = Object.prototype.hasOwnProperty.call(obj, p[0]) ? obj[p[0]] + ',' + p[1] : p[1]; });
      body = JSON.stringify(obj);
      headers['Content-Type'] = 'application/json';
    } else {
      body = new FormData();
      list.forEach(function (p) { body.append(p[0], p[1]); });
    }
    return window.fetch(form.getAttribute('action'), { method: 'POST', body: body, headers: headers, credentials: 'omit', referrerPolicy: 'no-referrer' });
  }
  function send() {
    payload().then(function (list) {
      if (cfg.transport === 'native' || !window.fetch) return nativePost(list);
      var pending;
      try { pending = request(list); } catch (e) { return nativePost(list); }
      pending.then(function (res) { if (res.ok) done(); else failed(); }, failed);
    }, failed);
  }

  form.addEventListener('submit', function (e) {
    if (validate(questions).length) {
      e.preventDefault();
      var first = form.querySelector('.q[data-invalid]');
      var s = first && first.closest('.section');
      if (s) show(sections.indexOf(s), false);
      summary.focus();
      return;
    }
    if (submit.disabled) { e.preventDefault(); return; }
    submit.disabled = true;
    if (cfg.sealed || cfg.transport !== 'native') { e.preventDefault(); send(); }
  });
  btn('resend', sendError).addEventListener('click', function () { this.disabled = true; send(); });
  back.addEventListener('click', function () { summary.hidden = true; step(-1); });
  next.addEventListener('click', function () {
    if (!validate(all('.q', sections[current])).length) step(1);
  });

  form.addEventListener('change', function (e) {
    var el = e.target, q = el.closest('.q');
    if (q && el.type === 'checkbox' && el.checked) {
      all('input[type=checkbox]', q).forEach(function (o) {
        if (o !== el && (el.hasAttribute('data-excl') || o.hasAttribute('data-excl'))) o.checked = false;
      });
    }
    applyConditions();
    if (q && q.hasAttribute('data-invalid')) check(q);
    show(current, false);
  });
  form.addEventListener('input', function (e) {
    var el = e.target, q = el.closest('.q');
    if (q && el.closest('.other') && el.value.trim()) {
      var o = q.querySelector('input[data-other]');
      if (o && !o.checked) { o.checked = true; }
      var sel = q.querySelector('select');
      if (sel && !o) {
        for (var i = 0; i < sel.options.length; i++) if (sel.options[i].hasAttribute('data-other')) sel.selectedIndex = i;
      }
    }
    applyConditions();
    if (q && q.hasAttribute('data-invalid')) check(q);
  });

  shuffle();
  all('.q[data-type=ranking]', form).forEach(ranking);
  applyConditions();
  if (sections.length) show(0, false);
})();
