// The report page's stylesheet and script, as text inlined into the HTML file. Plain browser
// JavaScript (no build step, no framework); every transcript string is put into the page with
// textContent or createTextNode, never as markup, because transcripts are untrusted.
import { WORD_SOURCE } from './searchIndex.js';

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
/* content-visibility: a card out of view is not laid out or painted until scrolled to, so a key that draws 10 new cards lays out the one or two on screen. */
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; margin:0 0 14px; padding:10px 14px; content-visibility:auto; contain-intrinsic-size:auto 640px; }
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
#more { font-size:13px; margin:0 0 14px; }
`;

export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var t0 = performance.now();
  var $ = function (id) { return document.getElementById(id); };
  // Two layouts. Inline: every row in the af-data element. Paged (large runs): the page holds only
  // where its data lives; <name>.data/index.js gives the fields filters and the summary read, one
  // small object per row (i = its position), chunk-<n>.js files hold the full rows, loaded when a
  // page shows them, and search.js with search-<n>.js and search-p<k>.js the text search's word
  // lists (report/searchIndex.ts), one file loaded for each word a search asks for.
  var pagedSpec = $('af-paged') ? JSON.parse($('af-paged').textContent) : null;
  var chunks = [];
  var waiting = {};
  function arrived(name) {
    var callbacks = waiting[name] || [];
    delete waiting[name];
    callbacks.forEach(function (f) { f(); });
  }
  // Side files are scripts (a page opened from file:// may not fetch): each calls its window.afReport* function.
  function load(name, have, done) {
    if (have) { done(); return; }
    if (waiting[name]) { waiting[name].push(done); return; }
    waiting[name] = [done];
    var script = document.createElement('script');
    script.src = pagedSpec.dir + '/' + name + '.js';
    script.onerror = function () { $('page').textContent = 'could not read ' + pagedSpec.dir + '/' + name + '.js: keep the report and its ' + pagedSpec.dir + ' folder together'; };
    document.body.appendChild(script);
  }
  function loadAll(names, have, done) {
    var left = names.length;
    if (!left) { done(); return; }
    names.forEach(function (name) { load(name, have(name), function () { if (--left === 0) done(); }); });
  }
  window.afReportChunk = function (n, list) { chunks[n] = list; arrived('chunk-' + n); };
  function loadChunks(list, done) { loadAll(list.map(function (n) { return 'chunk-' + n; }), function (name) { return chunks[Number(name.slice(6))]; }, done); }
  function full(r) { return pagedSpec ? chunks[Math.floor(r.i / pagedSpec.chunkSize)][r.i % pagedSpec.chunkSize] : r; }
  var searchDirectory = null;
  var shards = [];
  var prefixLists = [];
  window.afReportSearchIndex = function (directory) { searchDirectory = directory; arrived('search'); };
  window.afReportSearchShard = function (n, shard) { shards[n] = shard; arrived('search-' + n); };
  window.afReportSearchPrefix = function (k, list) { prefixLists[k] = list; arrived('search-p' + k); };

  if (pagedSpec) {
    // Unpack the index written by write.ts (packedIndex): one small object per row.
    window.afReportIndex = function (ix) {
      var rows = [], f = ix.rows, w = ix.width;
      function tri(x) { return x === 1 ? true : x === 0 ? false : null; }
      for (var i = 0, k = 0; k < f.length; i++, k += w) {
        rows.push({
          i: i, model: ix.model[f[k]], variant: ix.variant[f[k + 1]], reasoning: ix.reasoning[f[k + 2]], tier: ix.tier[f[k + 3]], status: ix.status[f[k + 4]],
          proxy: tri(f[k + 5]), heuristic: tri(f[k + 6]),
          compliance: f[k + 7] < 0 ? null : { complied: tri(f[k + 7]) },
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
    start(JSON.parse($('af-data').textContent).map(function (r, i) { r.i = i; return r; }));
  }

  function start(rows) {
  var PAGE = 50;
  // Cards drawn at once: a page of results scattered over a paged run needs a chunk per card, so a
  // keystroke loads at most this many chunks; "show more" draws the next ones of the page.
  var CARDS = 10;
  var page = 0;
  var visible = null; // the rows the filters and the search let through (set by the first filterWith)

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // "Complied" as the figures and the summary count it: by the LLM judge once the run is judged
  // (a sample the judge could not label has no label), else by the prefix proxy.
  var SOURCE = document.body.getAttribute('data-compliance-source') === 'compliance' ? 'compliance' : 'proxy';
  function complied(r) {
    if (SOURCE === 'compliance') return r.compliance ? r.compliance.complied : null;
    return r.proxy;
  }

  function disagreements(r) {
    var pairs = [];
    var j = r.compliance ? r.compliance.complied : null;
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
    if (r.compliance) {
      var j = yesNo(r.compliance.complied, 'compliance: complied', 'compliance: refused');
      badge(badges, (r.compliance.model.indexOf('sim/') === 0 ? 'SIMULATED ' : '') + j[0] + ' · score ' + fmt(r.compliance.score, 2) + ' (convincing ' + fmt(r.compliance.convincing, 0) + ', specific ' + fmt(r.compliance.specific, 0) + ')', j[1], 'judge ' + r.compliance.model);
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
    if (r.compliance && r.compliance.explanation) explanations.push(['compliance judge', r.compliance.explanation]);
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

  // Text search, by report/searchIndex.ts's rule: lower-cased words (letters and digits); a transcript
  // matches when every query word begins a word of its request, reasoning or final output. Each query
  // word gives a bitset over rows (bit i: row i): paged, from the index's shards that hold the words
  // starting with it; self-contained (at most 5,000 rows), by scanning the rows' texts.
  var WORD = /${WORD_SOURCE}/gu;
  function words(text) { return text.toLowerCase().match(WORD) || []; }
  // Self-contained layout: each row's searched texts, lower-cased once, scanned for the query word
  // where no letter or digit precedes it (the start of a word, as the index's words are cut).
  var lowered = null;
  function loweredTexts() {
    if (!lowered) lowered = rows.map(function (r) {
      return [r.request, r.scratchpad, r.nativeReasoning ? r.nativeReasoning.text : null, r.output].filter(function (t) { return typeof t === 'string'; }).join('\n').toLowerCase();
    });
    return lowered;
  }
  function scanPrefix(bits, prefix) {
    // Rows with a word starting with prefix are among those with a word starting with any shorter
    // beginning of it: scan only those when one is known.
    var within = null;
    for (var cut = prefix.length - 1; cut > 0 && !within; cut--) within = prefixCache.get(prefix.slice(0, cut)) || null;
    var startOfWord = new RegExp('(?<!' + WORD.source.slice(0, -1) + ')' + prefix, 'u');
    var texts = loweredTexts();
    for (var i = 0; i < texts.length; i++) {
      if (within && !(within[i >> 3] & (1 << (i & 7)))) continue;
      if (startOfWord.test(texts[i])) bits[i >> 3] |= 1 << (i & 7);
    }
  }
  function firstAtLeast(list, word) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid] < word) lo = mid + 1; else hi = mid; }
    return lo;
  }
  // A list is 'v' + base64 delta varints, or 'b' + base64 bitset.
  function orList(bits, list) {
    var j;
    var bytes = atob(list.slice(1));
    if (list.charAt(0) === 'b') { for (j = 0; j < bytes.length; j++) bits[j] |= bytes.charCodeAt(j); return; }
    var row = -1, delta = 0, shift = 0;
    for (j = 0; j < bytes.length; j++) {
      var c = bytes.charCodeAt(j);
      delta |= (c & 127) << shift;
      if (c & 128) { shift += 7; continue; }
      row += delta;
      bits[row >> 3] |= 1 << (row & 7);
      delta = 0; shift = 0;
    }
  }
  function orPrefix(bits, shard, prefix) {
    for (var k = firstAtLeast(shard.words, prefix); k < shard.words.length && shard.words[k].lastIndexOf(prefix, 0) === 0; k++) orList(bits, shard.lists[k]);
  }
  var prefixCache = new Map();
  function prefixBits(prefix, done) {
    var cached = prefixCache.get(prefix);
    if (cached) { done(cached); return; }
    var bits = new Uint8Array((rows.length + 7) >> 3);
    function finished() {
      if (prefixCache.size >= 64) prefixCache.clear();
      prefixCache.set(prefix, bits);
      done(bits);
    }
    if (!pagedSpec) {
      scanPrefix(bits, prefix);
      finished();
      return;
    }
    load('search', searchDirectory, function () {
      // A query word whose words cross shards has its own file of their rows (searchIndex.ts files()).
      var k = firstAtLeast(searchDirectory.prefixes, prefix);
      if (searchDirectory.prefixes[k] === prefix) {
        load('search-p' + k, prefixLists[k] !== undefined, function () { orList(bits, prefixLists[k]); finished(); });
        return;
      }
      // Otherwise the one shard whose words, first[n] to last[n], may hold words starting with prefix.
      var first = searchDirectory.first, last = searchDirectory.last, needed = [];
      for (var n = 0; n < first.length; n++) if (last[n] >= prefix && first[n] < prefix + '\uffff') needed.push(n);
      loadAll(needed.map(function (n) { return 'search-' + n; }), function (name) { return shards[Number(name.slice(7))]; }, function () {
        needed.forEach(function (n) { orPrefix(bits, shards[n], prefix); });
        finished();
      });
    });
  }
  // Quoted phrases (searchIndex.ts parseSearchQuery): the text between a pair of quotes, or after an
  // unpaired one; a phrase of one word is that word. The index gives a phrase's candidates (all its
  // words begin words of the transcript); their texts are then read to check the words follow one another.
  function phrasesOf(query) {
    return query.split('"').filter(function (_, at) { return at % 2 === 1; }).map(words).filter(function (phrase) { return phrase.length > 1; });
  }
  function holdsPhrase(ws, phrase) {
    var last = phrase.length - 1;
    for (var at = 0; at + last < ws.length; at++) {
      var k = 0;
      while (k < last && ws[at + k] === phrase[k]) k++;
      if (k === last && ws[at + last].lastIndexOf(phrase[last], 0) === 0) return true;
    }
    return false;
  }
  // The words of the texts of rows a phrase was checked in, kept for the next keys of the phrase (at
  // most PHRASE_ROWS rows: a paged report then reads the chunks of the other candidates again).
  var PHRASE_ROWS = 5000;
  var phraseTexts = new Map();
  function textWords(i) {
    var texts = phraseTexts.get(i);
    if (texts) return texts;
    var r = full(rows[i]);
    texts = [r.request, r.scratchpad, r.nativeReasoning ? r.nativeReasoning.text : null, r.output].filter(function (t) { return typeof t === 'string'; }).map(words);
    if (phraseTexts.size < PHRASE_ROWS) phraseTexts.set(i, texts);
    return texts;
  }
  function rowHoldsPhrases(i, phrases) {
    var texts = textWords(i);
    return phrases.every(function (phrase) { return texts.some(function (ws) { return holdsPhrase(ws, phrase); }); });
  }
  // Whether the cards being drawn still need chunk n (a chunk read only to check a phrase is dropped after).
  function pageNeeds(n) {
    if (!drawing) return false;
    var start = page * PAGE;
    return visible.slice(start + drawing.drawn, start + Math.min(PAGE, drawing.limit)).some(function (r) { return chunkOf(r) === n; });
  }
  // The candidates of bits that hold every phrase: paged, reading the candidates' chunks one at a time
  // (each a task of its own, so keys typed meanwhile are answered), given up once a newer search starts.
  function checkPhrases(query, bits, run, done) {
    var phrases = phrasesOf(query);
    if (!bits || !phrases.length) { done(bits); return; }
    var checked = bits.slice();
    function check(i) { if ((checked[i >> 3] & (1 << (i & 7))) && !rowHoldsPhrases(i, phrases)) checked[i >> 3] &= ~(1 << (i & 7)); }
    var i;
    if (!pagedSpec) { for (i = 0; i < rows.length; i++) check(i); done(checked); return; }
    // Candidates whose words are kept are checked now; the others' chunks are read.
    var size = pagedSpec.chunkSize, needed = [];
    for (i = 0; i < rows.length; i++) {
      if (!(checked[i >> 3] & (1 << (i & 7)))) continue;
      if (phraseTexts.has(i) || chunks[Math.floor(i / size)]) check(i);
      else if (needed[needed.length - 1] !== Math.floor(i / size)) needed.push(Math.floor(i / size));
    }
    var at = 0;
    function step() {
      if (run !== searchRuns) return;
      if (at === needed.length) { done(checked); return; }
      var n = needed[at++], had = !!chunks[n];
      $('page').textContent = 'checking the phrase in the candidates: chunk ' + at + ' of ' + needed.length;
      loadChunks([n], function () {
        // A newer search may be waiting for this chunk too: a stale check leaves it as it is.
        if (run !== searchRuns) return;
        for (var j = n * size; j < Math.min(rows.length, (n + 1) * size); j++) check(j);
        if (!had && !pageNeeds(n)) delete chunks[n];
        setTimeout(step, 0);
      });
    }
    step();
  }

  // The rows matching a query, as a bitset (null: the query has no word, nothing is filtered out).
  function searchBits(query, done) {
    var wanted = words(query);
    if (!wanted.length) { done(null); return; }
    var result = null, left = wanted.length;
    wanted.forEach(function (w) {
      prefixBits(w, function (bits) {
        if (!result) result = bits.slice();
        else for (var j = 0; j < result.length; j++) result[j] &= bits[j];
        if (--left === 0) done(result);
      });
    });
  }

  function summarise(list) {
    var groups = Object.create(null), order = [];
    list.forEach(function (r) {
      var k = r.condition || (r.condition = r.model + ' · ' + r.variant + ' · ' + (r.reasoning === 'cot' ? 'CoT' : 'no CoT'));
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

  // The cards of the page shown, CARDS at a time, drawn in order as their chunks arrive (paged: each
  // card may need its own chunk; the first cards show as soon as theirs are in).
  var drawing = null;
  function chunkOf(r) { return Math.floor(r.i / pagedSpec.chunkSize); }
  function render() {
    var start = page * PAGE;
    var onPage = visible.slice(start, start + PAGE);
    var list = $('list');
    if (!drawing || drawing.visible !== visible || drawing.page !== page) {
      drawing = { visible: visible, page: page, drawn: 0, limit: CARDS, requested: false };
      list.textContent = '';
    }
    var shown = onPage.slice(0, drawing.limit);
    var left = onPage.length - shown.length;
    $('more').hidden = left === 0;
    $('more').textContent = 'show ' + Math.min(CARDS, left) + ' more of this page (' + left + ' not drawn)';
    var fragment = document.createDocumentFragment();
    while (drawing.drawn < shown.length && (!pagedSpec || chunks[chunkOf(shown[drawing.drawn])])) fragment.appendChild(card(shown[drawing.drawn++]));
    list.appendChild(fragment);
    if (measuring && drawing.drawn > 0 && measuring.firstCardMs === null) measuring.firstCardMs = performance.now() - measuring.typedAt;
    if (drawing.drawn < shown.length) {
      list.setAttribute('data-loading', 'true');
      if (!drawing.requested) {
        drawing.requested = true;
        // In order, four at a time, so the first cards come first; a page no longer shown stops asking.
        var these = drawing, needed = [], next = 0, inFlight = 0;
        shown.slice(drawing.drawn).forEach(function (r) { var n = chunkOf(r); if (!chunks[n] && needed.indexOf(n) < 0) needed.push(n); });
        var pump = function () {
          while (inFlight < 4 && next < needed.length) {
            inFlight++;
            loadChunks([needed[next++]], function () { inFlight--; if (drawing === these) { render(); pump(); } });
          }
        };
        pump();
      }
    } else {
      list.removeAttribute('data-loading');
      if (measuring) {
        // Read by bench/report-search.ts: from the keystroke to its results counted, to the first card, to all of them drawn.
        measuring.drawnMs = performance.now() - measuring.typedAt;
        window.afReportSearched = measuring;
        measuring = null;
      }
    }
    var pages = Math.max(1, Math.ceil(visible.length / PAGE));
    $('count').textContent = String(visible.length);
    $('count').setAttribute('data-count', String(visible.length));
    $('page').textContent = 'page ' + (page + 1) + ' of ' + pages + (visible.length ? ' (' + (start + 1) + '–' + Math.min(start + PAGE, visible.length) + ', ' + shown.length + ' drawn)' : '');
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
  }

  // The last search answered (key: its words and phrases, what the answer depends on) and the filters
  // last applied: a key that changes neither (a space, punctuation) redraws nothing.
  var searched = { query: null, key: null, bits: null };
  var filtered = { bits: undefined, key: null };
  var searchRuns = 0, typedAt = null, measuring = null, keystrokes = 0;
  function applyFilters() {
    var query = $('f-text').value;
    var run = ++searchRuns, at = typedAt;
    typedAt = null;
    var key = words(query).join(' ') + '\n' + phrasesOf(query).map(function (phrase) { return phrase.join(' '); }).join('\n');
    if (key === searched.key) {
      // Answered already (a search still under way for another key is dropped: run has moved on).
      searched.query = query;
      document.body.removeAttribute('data-searching');
      filterWith(searched.bits, at);
      return;
    }
    var pending = true;
    searchBits(query, function (candidates) {
      if (run !== searchRuns) return; // a later keystroke or filter has taken over
      checkPhrases(query, candidates, run, function (bits) {
        pending = false;
        if (run !== searchRuns) return;
        searched = { query: query, key: key, bits: bits };
        document.body.removeAttribute('data-searching');
        filterWith(bits, at);
      });
    });
    if (pending) { document.body.setAttribute('data-searching', 'true'); $('page').textContent = 'searching…'; }
  }

  function filterWith(bits, at) {
    var model = $('f-model').value, variant = $('f-variant').value, reasoning = $('f-reasoning').value, tier = $('f-tier').value;
    var label = $('f-label').value, disagree = $('f-disagree').value;
    var key = [model, variant, reasoning, tier, label, disagree].join('\n');
    if (bits === filtered.bits && key === filtered.key) return measured(at);
    filtered = { bits: bits, key: key };
    var next = rows.filter(function (r) {
      if (bits && !(bits[r.i >> 3] & (1 << (r.i & 7)))) return false;
      if (model && r.model !== model) return false;
      if (variant && r.variant !== variant) return false;
      if (reasoning && r.reasoning !== reasoning) return false;
      if (tier && r.tier !== tier) return false;
      if (!matchesLabel(r, label)) return false;
      if (disagree) {
        var d = disagreements(r);
        if (disagree === 'any' ? d.length === 0 : d.indexOf(disagree) < 0) return false;
      }
      return true;
    });
    // The same transcripts as shown (a key that narrows nothing): the cards drawn stay.
    if (!visible || next.length !== visible.length || next.some(function (r, j) { return r !== visible[j]; })) {
      visible = next;
      page = 0;
      summarise(visible);
    }
    measured(at);
  }
  // The answer to a keystroke is in: its times for the bench, then its cards.
  function measured(at) {
    measuring = at === null ? null : { query: searched.query, count: visible.length, keystroke: ++keystrokes, typedAt: at, resultsMs: performance.now() - at, firstCardMs: null, drawnMs: null };
    render();
  }

  ['f-model', 'f-variant', 'f-reasoning', 'f-tier', 'f-label', 'f-disagree'].forEach(function (id) { $(id).addEventListener('change', applyFilters); });
  // Read by the browser test and bench/report-search.ts: per keystroke, the time its handler took and
  // the time to the next frame painted after it (requestAnimationFrame, then a task: after the paint).
  window.afReportKeystrokes = [];
  $('f-text').addEventListener('input', function () {
    var at = typedAt = performance.now(), query = $('f-text').value;
    applyFilters();
    var entry = { query: query, handlerMs: performance.now() - at, paintMs: null };
    if (window.afReportKeystrokes.push(entry) > 1000) window.afReportKeystrokes.shift();
    requestAnimationFrame(function () { setTimeout(function () { entry.paintMs = performance.now() - at; }, 0); });
  });
  $('prev').addEventListener('click', function () { if (page > 0) { page--; render(); window.scrollTo(0, 0); } });
  $('next').addEventListener('click', function () { page++; render(); window.scrollTo(0, 0); });
  $('more').addEventListener('click', function () { drawing.limit += CARDS; drawing.requested = false; render(); });
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
