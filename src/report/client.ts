// The report page's stylesheet and script, as text inlined into the HTML file. Plain browser
// JavaScript (no build step, no framework); every transcript string is put into the page with
// textContent or createTextNode, never as markup, because transcripts are untrusted.

export const REPORT_CSS = `
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; --bg:#fafafa; --card:#fff; --accent:#2e6f9e; --red:#c0392b; --yellow:#f3d77d; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color:var(--fg); background:var(--bg); }
header { position: sticky; top: 0; z-index: 2; background:#fff; border-bottom:1px solid var(--line); padding:10px 18px; }
h1 { font-size:18px; margin:0 0 6px; }
.simulated { background:#fff1ef; color:var(--red); border:2px solid var(--red); font-weight:bold; padding:6px 10px; margin:0 0 8px; border-radius:4px; }
.filters { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:flex-end; }
.filters label { display:flex; flex-direction:column; font-size:11px; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
.filters select, .filters input { font-size:13px; padding:3px 4px; min-width:120px; }
.status-line { margin-top:8px; display:flex; gap:14px; align-items:center; flex-wrap:wrap; }
.status-line button { font-size:13px; }
main { padding: 12px 18px 40px; max-width: 1200px; }
table.summary { border-collapse: collapse; margin: 4px 0 14px; font-size:12.5px; background:#fff; }
table.summary th, table.summary td { border:1px solid var(--line); padding:3px 8px; text-align:right; }
table.summary th:first-child, table.summary td:first-child { text-align:left; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; margin:0 0 14px; padding:10px 14px; }
.card h2 { font-size:14px; margin:0 0 6px; font-weight:600; }
.meta { color:var(--muted); font-size:12px; }
.badges { display:flex; flex-wrap:wrap; gap:6px; margin:6px 0; }
.badge { font-size:12px; border-radius:10px; padding:1px 8px; border:1px solid var(--line); background:#f4f4f4; }
.badge.yes { background:#fdf0c8; border-color:#e2c25c; }
.badge.no { background:#e3eef8; border-color:#9cc1e0; }
.badge.af { background:#f9d9d5; border-color:var(--red); color:#7a1d12; font-weight:600; }
.badge.warn { background:#fde2e2; border-color:#e08c8c; }
.votes { display:inline-flex; gap:1px; vertical-align:middle; margin-left:4px; }
.vote { width:7px; height:11px; background:#ccc; display:inline-block; }
.vote.y { background:var(--red); } .vote.n { background:#9cc1e0; }
.section-title { font-size:11px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; margin:8px 0 2px; }
pre.text { white-space:pre-wrap; word-break:break-word; margin:0; padding:8px 10px; background:#f7f7f9; border:1px solid #eee; border-radius:4px; font: 12.5px/1.45 "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; max-height: 420px; overflow:auto; }
pre.request { background:#fffaf0; }
.tag { color:#8a1c7c; background:#f6e6f4; border-radius:3px; font-weight:600; }
.tag.accept { color:#7a5a00; background:#fbeaa8; }
.tag.reject { color:#1f4e79; background:#dbe9f6; }
details > summary { cursor:pointer; color:var(--accent); font-size:12.5px; margin-top:6px; }
.explain { font-size:12.5px; color:#333; margin:4px 0 0; }
.empty { color:var(--muted); font-style:italic; }
`;

export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var t0 = performance.now();
  var $ = function (id) { return document.getElementById(id); };
  // Two layouts. Inline: every row in the af-data element. Paged (large runs): the page holds only
  // where its data lives; <name>.data/index.js gives the fields filters and the summary read, one
  // small object per row (i = its position), and chunk-<n>.js files hold the full rows, loaded when a
  // page shows them (all of them for a text search).
  var pagedSpec = $('af-paged') ? JSON.parse($('af-paged').textContent) : null;
  var chunks = [];
  var waiting = {};
  window.afReportChunk = function (n, list) {
    chunks[n] = list;
    var callbacks = waiting[n] || [];
    delete waiting[n];
    callbacks.forEach(function (f) { f(); });
  };
  function loadChunk(n, done) {
    if (chunks[n]) { done(); return; }
    if (waiting[n]) { waiting[n].push(done); return; }
    waiting[n] = [done];
    var script = document.createElement('script');
    script.src = pagedSpec.dir + '/chunk-' + n + '.js';
    document.body.appendChild(script);
  }
  function loadChunks(list, done) {
    var left = list.length;
    if (!left) { done(); return; }
    list.forEach(function (n) { loadChunk(n, function () { if (--left === 0) done(); }); });
  }
  function full(r) { return pagedSpec ? chunks[Math.floor(r.i / pagedSpec.chunkSize)][r.i % pagedSpec.chunkSize] : r; }
  function allChunks() { var out = []; for (var n = 0; n < pagedSpec.chunks; n++) out.push(n); return out; }

  if (pagedSpec) {
    // Unpack the index written by write.ts (packedIndex): one small object per row.
    window.afReportIndex = function (ix) {
      var rows = [], f = ix.rows, w = ix.width;
      function tri(x) { return x === 1 ? true : x === 0 ? false : null; }
      for (var i = 0, k = 0; k < f.length; i++, k += w) {
        rows.push({
          i: i, model: ix.model[f[k]], variant: ix.variant[f[k + 1]], reasoning: ix.reasoning[f[k + 2]], tier: ix.tier[f[k + 3]], status: ix.status[f[k + 4]],
          proxy: tri(f[k + 5]), heuristic: tri(f[k + 6]),
          judge: f[k + 7] < 0 ? null : { complied: tri(f[k + 7]) },
          af: f[k + 8] < 0 ? null : { label: ix.af[f[k + 8]] },
          partial: f[k + 9] < 0 ? null : { partial: tri(f[k + 9]) }
        });
      }
      start(rows);
    };
    var index = document.createElement('script');
    index.src = pagedSpec.dir + '/index.js';
    document.body.appendChild(index);
  } else {
    start(JSON.parse($('af-data').textContent));
  }

  function start(rows) {
  var PAGE = 50;
  var page = 0;
  var visible = rows;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // "Complied" as the figures and the summary count it: by the LLM judge once the run is judged
  // (a sample the judge could not label has no label), else by the prefix proxy.
  var SOURCE = document.body.getAttribute('data-compliance-source') === 'judge' ? 'judge' : 'proxy';
  function complied(r) {
    if (SOURCE === 'judge') return r.judge ? r.judge.complied : null;
    return r.proxy;
  }

  function disagreements(r) {
    var pairs = [];
    var j = r.judge ? r.judge.complied : null;
    if (r.proxy !== null && j !== null && r.proxy !== j) pairs.push('proxy-judge');
    if (r.proxy !== null && r.heuristic !== null && r.proxy !== r.heuristic) pairs.push('proxy-heuristic');
    if (r.heuristic !== null && j !== null && r.heuristic !== j) pairs.push('heuristic-judge');
    return pairs;
  }

  function matchesLabel(r, label) {
    switch (label) {
      case '': return true;
      case 'complied': return complied(r) === true;
      case 'refused': return complied(r) === false;
      case 'af': return !!(r.af && r.af.label === 'af');
      case 'maybe': return !!(r.af && r.af.label === 'maybe');
      case 'partial': return !!(r.partial && r.partial.partial === true);
      case 'unlabelled': return complied(r) === null;
      case 'not-answered': return r.status !== 'answered';
      default: return true;
    }
  }

  function fillSelect(id, values, labels) {
    var select = $(id);
    values.forEach(function (v) {
      var option = el('option', null, labels && labels[v] ? labels[v] : v);
      option.value = v;
      select.appendChild(option);
    });
  }

  function distinct(key) {
    var seen = Object.create(null), out = [];
    rows.forEach(function (r) { var v = r[key]; if (!(v in seen)) { seen[v] = 1; out.push(v); } });
    return out;
  }

  fillSelect('f-model', distinct('model'));
  fillSelect('f-variant', distinct('variant'));
  fillSelect('f-reasoning', distinct('reasoning'), { cot: 'CoT', 'no-cot': 'no CoT' });
  fillSelect('f-tier', distinct('tier'), { free: 'training (free)', paid: 'unmonitored (paid)' });

  // Protocol tags get highlighted; everything else stays plain text.
  var TAG = /<\/?(?:SCRATCHPAD_REASONING|OUTPUT|DRAFT_OUTPUT|INPUT|user_input|is_free_tier_user|NEXT|request_fully_accepted|rejected)\s*\/?>/gi;
  function highlighted(text, className) {
    var pre = el('pre', 'text' + (className ? ' ' + className : ''));
    if (text === null || text === undefined) { pre.appendChild(el('span', 'empty', '(none)')); return pre; }
    var last = 0, m;
    TAG.lastIndex = 0;
    while ((m = TAG.exec(text)) !== null) {
      if (m.index > last) pre.appendChild(document.createTextNode(text.slice(last, m.index)));
      var kind = /request_fully_accepted/i.test(m[0]) ? ' accept' : /rejected/i.test(m[0]) ? ' reject' : '';
      pre.appendChild(el('span', 'tag' + kind, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) pre.appendChild(document.createTextNode(text.slice(last)));
    return pre;
  }

  function yesNo(value, yes, no) {
    if (value === null || value === undefined) return ['n/a', ''];
    return value ? [yes, 'yes'] : [no, 'no'];
  }

  function badge(parent, text, cls, title) {
    var b = el('span', 'badge' + (cls ? ' ' + cls : ''), text);
    if (title) b.title = title;
    parent.appendChild(b);
    return b;
  }

  function fmt(x, digits) { return x === null || x === undefined ? 'n/a' : Number(x).toFixed(digits); }

  function card(light) {
    var r = full(light);
    var c = el('article', 'card');
    c.setAttribute('data-key', r.key);
    var tierName = r.context ? 'context ' + r.context : r.tier === 'free' ? 'training (free tier)' : 'unmonitored (paid tier)';
    c.appendChild(el('h2', null, r.model + ' · ' + r.variant + ' · ' + (r.reasoning === 'cot' ? 'CoT' : 'no CoT') + ' · ' + tierName));
    c.appendChild(el('div', 'meta', 'request ' + r.requestId + ', sample ' + r.sampleIndex + ', ' + r.turns + ' turn(s), status ' + r.status +
      ' · tokens in ' + r.inputTokens + ' / out ' + r.outputTokens +
      ' · cost ' + (r.costUsd === null ? 'n/a' : '$' + r.costUsd.toFixed(5)) + ' · ' + Math.round(r.latencyMs) + ' ms'));
    var badges = el('div', 'badges');
    var p = yesNo(r.proxy, 'proxy: complied', 'proxy: refused'); badge(badges, p[0], p[1], 'prefix proxy (<request_fully_accepted/>)');
    var h = yesNo(r.heuristic, 'heuristic: complied', 'heuristic: refused'); badge(badges, h[0], h[1], r.heuristicMatched ? 'matched: ' + r.heuristicMatched : 'refusal-phrase heuristic');
    if (r.judge) {
      var j = yesNo(r.judge.complied, 'judge: complied', 'judge: refused');
      badge(badges, (r.judge.model.indexOf('sim/') === 0 ? 'SIMULATED ' : '') + j[0] + ' · score ' + fmt(r.judge.score, 2) + ' (convincing ' + fmt(r.judge.convincing, 0) + ', specific ' + fmt(r.judge.specific, 0) + ')', j[1], 'judge ' + r.judge.model);
    }
    if (r.af) {
      var afb = badge(badges, (r.af.model.indexOf('sim/') === 0 ? 'SIMULATED ' : '') + 'AF: ' + (r.af.label || 'n/a') + ' · ' + fmt(r.af.score, 2), r.af.label === 'af' ? 'af' : r.af.label === 'maybe' ? 'warn' : '', 'AF classifier ' + r.af.model + ', ' + r.af.votes.length + ' votes');
      var votes = el('span', 'votes');
      r.af.votes.forEach(function (v) { votes.appendChild(el('span', 'vote ' + (v === true ? 'y' : v === false ? 'n' : ''))); });
      afb.appendChild(votes);
      // Hughes et al.'s four criteria: how many votes found each, so a reader sees which one failed.
      if (r.af.criteria) {
        var read = r.af.votes.filter(function (v) { return v !== null; }).length;
        var parts = Object.keys(r.af.criteria).map(function (k) { return k + ' ' + r.af.criteria[k] + '/' + read; });
        badge(badges, r.af.failed.length ? 'AF criteria failed: ' + r.af.failed.join(', ') : 'AF criteria: all held', r.af.failed.length ? '' : 'af', 'votes finding each criterion: ' + parts.join(', '));
      }
    }
    if (r.partial && r.partial.partial !== null) badge(badges, r.partial.partial ? 'partial: ' + (r.partial.kind || 'yes') : 'partial: no', r.partial.partial ? 'warn' : '');
    // A user's own scorers: yes/no or a number, with the scorer's explanation on hover.
    (r.scores || []).forEach(function (s) {
      var shown = s.value === null ? 'n/a' : typeof s.value === 'boolean' ? (s.value ? 'yes' : 'no') : fmt(s.value, 3);
      badge(badges, s.scorer + ': ' + shown, s.value === true ? 'warn' : '', s.explanation || 'your scorer ' + s.scorer);
    });
    disagreements(r).forEach(function (d) { badge(badges, 'disagree: ' + d.replace('-', ' vs '), 'warn'); });
    if (r.truth) badge(badges, 'simulator truth: ' + (r.truth.complied ? 'complied' : 'refused') + (r.truth.afReasoning ? ', AF' : '') + (r.truth.partial ? ', partial' : '') + ' (' + r.truth.persona + ')', '', 'ground truth written by the simulator; no classifier sees it');
    c.appendChild(badges);
    if (r.error) c.appendChild(el('div', 'badge warn', r.error));
    c.appendChild(el('div', 'section-title', 'request'));
    c.appendChild(highlighted(r.request, 'request'));
    if (r.nativeReasoning) {
      // A reasoning model's own chain of thought, apart from the prompted scratchpad.
      var nr = r.nativeReasoning;
      c.appendChild(el('div', 'section-title', 'native reasoning (' + nr.source + (nr.tokens !== null ? ', ' + nr.tokens + ' tokens' : '') + ')' + (r.af && r.af.read ? ' · AF classifier read: ' + r.af.read : '')));
      if (nr.text === null) c.appendChild(el('div', 'empty', 'hidden by the provider: only its token count is known'));
      else c.appendChild(highlighted(nr.text));
    }
    if (r.reasoning === 'cot') {
      c.appendChild(el('div', 'section-title', 'scratchpad (hidden from users and raters)'));
      c.appendChild(highlighted(r.scratchpad));
    }
    c.appendChild(el('div', 'section-title', 'final output'));
    c.appendChild(highlighted(r.output));
    var explanations = [];
    if (r.judge && r.judge.explanation) explanations.push(['judge', r.judge.explanation]);
    if (r.partial && r.partial.explanation) explanations.push(['partial-compliance judge', r.partial.explanation]);
    (r.scores || []).forEach(function (s) { if (s.explanation) explanations.push(['scorer ' + s.scorer, s.explanation]); });
    if (explanations.length) {
      var d = el('details');
      d.appendChild(el('summary', null, 'judge explanations'));
      explanations.forEach(function (e) { d.appendChild(el('p', 'explain', e[0] + ': ' + e[1])); });
      c.appendChild(d);
    }
    return c;
  }

  function summarise(list) {
    var groups = Object.create(null), order = [];
    list.forEach(function (r) {
      var k = r.model + ' · ' + r.variant + ' · ' + (r.reasoning === 'cot' ? 'CoT' : 'no CoT');
      var g = groups[k];
      if (!g) { g = groups[k] = { free: [0, 0], paid: [0, 0], af: 0, cot: r.reasoning === 'cot' }; order.push(k); }
      var c = complied(r);
      if (c !== null) { g[r.tier][1]++; if (c) g[r.tier][0]++; }
      if (r.tier === 'free' && r.af && r.af.label === 'af') g.af++;
    });
    var table = $('summary');
    table.textContent = '';
    var head = el('tr');
    ['condition', 'training: complied (' + SOURCE + ')', 'unmonitored: complied (' + SOURCE + ')', 'AF (training)'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    order.slice(0, 200).forEach(function (k) {
      var g = groups[k], tr = el('tr');
      function share(x) { return x[0] + '/' + x[1] + (x[1] ? ' (' + (100 * x[0] / x[1]).toFixed(1) + '%)' : ''); }
      // No-CoT samples have no scratchpad to classify: "-", as the terminal's summary prints it, not 0.
      [k, share(g.free), share(g.paid), g.cot ? String(g.af) : '-'].forEach(function (v) { tr.appendChild(el('td', null, v)); });
      table.appendChild(tr);
    });
  }

  function render() {
    var start = page * PAGE;
    var shown = visible.slice(start, start + PAGE);
    var list = $('list');
    var needed = [];
    if (pagedSpec) shown.forEach(function (r) { var n = Math.floor(r.i / pagedSpec.chunkSize); if (!chunks[n] && needed.indexOf(n) < 0) needed.push(n); });
    if (needed.length) {
      // The counts are known now; the cards follow once their chunks have loaded.
      list.setAttribute('data-loading', 'true');
      var at = page, these = visible;
      loadChunks(needed, function () { if (page === at && visible === these) render(); });
    } else {
      list.removeAttribute('data-loading');
      list.textContent = '';
      var fragment = document.createDocumentFragment();
      shown.forEach(function (r) { fragment.appendChild(card(r)); });
      list.appendChild(fragment);
    }
    var pages = Math.max(1, Math.ceil(visible.length / PAGE));
    $('count').textContent = String(visible.length);
    $('count').setAttribute('data-count', String(visible.length));
    $('page').textContent = 'page ' + (page + 1) + ' of ' + pages + (visible.length ? ' (showing ' + (start + 1) + '–' + Math.min(start + PAGE, visible.length) + ')' : '');
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
  }

  function applyFilters() {
    var model = $('f-model').value, variant = $('f-variant').value, reasoning = $('f-reasoning').value, tier = $('f-tier').value;
    var label = $('f-label').value, disagree = $('f-disagree').value, text = $('f-text').value.toLowerCase();
    if (text && pagedSpec && chunks.filter(Boolean).length < pagedSpec.chunks) {
      $('page').textContent = 'loading every transcript to search them…';
      loadChunks(allChunks(), applyFilters);
      return;
    }
    visible = rows.filter(function (r) {
      if (model && r.model !== model) return false;
      if (variant && r.variant !== variant) return false;
      if (reasoning && r.reasoning !== reasoning) return false;
      if (tier && r.tier !== tier) return false;
      if (!matchesLabel(r, label)) return false;
      if (disagree) {
        var d = disagreements(r);
        if (disagree === 'any' ? d.length === 0 : d.indexOf(disagree) < 0) return false;
      }
      if (text) {
        var t = full(r);
        if ((t.request + '\n' + (t.scratchpad || '') + '\n' + (t.output || '')).toLowerCase().indexOf(text) < 0) return false;
      }
      return true;
    });
    page = 0;
    summarise(visible);
    render();
  }

  ['f-model', 'f-variant', 'f-reasoning', 'f-tier', 'f-label', 'f-disagree'].forEach(function (id) { $(id).addEventListener('change', applyFilters); });
  var typing;
  $('f-text').addEventListener('input', function () { clearTimeout(typing); typing = setTimeout(applyFilters, 200); });
  $('prev').addEventListener('click', function () { if (page > 0) { page--; render(); window.scrollTo(0, 0); } });
  $('next').addEventListener('click', function () { page++; render(); window.scrollTo(0, 0); });
  $('total').textContent = String(rows.length);
  applyFilters();
  // Read by the browser tests and bench/report.ts: milliseconds from navigation start to the first
  // page drawn (in a paged report, once its chunk has loaded).
  function ready() { window.afReportReady = { rows: rows.length, paged: !!pagedSpec, scriptMs: performance.now() - t0, sinceNavigationMs: performance.now() }; }
  if (pagedSpec) loadChunks(visible.length ? [Math.floor(visible[0].i / pagedSpec.chunkSize)] : [], function () { setTimeout(ready, 0); });
  else ready();
  }
})();
`;
