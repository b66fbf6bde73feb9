// The page's inline style and scripts. Kept free of "</script" and "<!--", which would end or change
// their element (ReportTests checks), and of any reference to a resource outside the page.
enum ReportAssets {
    static let style = #"""
:root{--fg:#1d2125;--mute:#68717a;--line:#d8dde2;--bg:#fff;--soft:#f4f6f8;--pass:#2e7d32;--fail:#c62828;--warn:#e65100}
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{padding:12px 18px 40px}
h1{font-size:18px;margin:4px 0}
h2{font-size:15px;margin:18px 0 4px}
h2.part{border-top:2px solid var(--line);padding-top:10px}
code,.cid,.mono,pre,.ev td{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
a{color:#0b5cad;text-decoration:none}
a:hover{text-decoration:underline}
.meta{color:var(--mute);margin:2px 0 6px}
.meta b{color:var(--fg);font-weight:600}
.doc{margin-bottom:28px}
.toc li{margin:2px 0}
.filters{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0;position:sticky;top:0;background:var(--bg);z-index:3;padding:6px 0;border-bottom:1px solid var(--line)}
.filters .fl{color:var(--mute);margin-left:8px}
.fb{font:inherit;border:1px solid var(--line);border-radius:12px;padding:1px 9px;background:var(--soft);cursor:pointer}
.fb[aria-pressed=false]{opacity:.4;text-decoration:line-through}
.fb b{font-weight:700}
.fb.v-pass{border-color:var(--pass)}.fb.v-fail{border-color:var(--fail)}.fb.v-warn{border-color:var(--warn)}
select{font:inherit}
.shown{color:var(--mute);margin-left:auto}
.matrix-wrap{overflow:auto;max-height:70vh;border:1px solid var(--line)}
table.matrix{border-collapse:separate;border-spacing:0}
.matrix th,.matrix td{border-right:1px solid #fff;border-bottom:1px solid #fff}
.matrix thead th{position:sticky;top:0;background:var(--soft);z-index:2;vertical-align:bottom;padding:4px 2px}
.matrix th.case{position:sticky;left:0;background:var(--soft);z-index:1;text-align:left;font-weight:400;padding:1px 8px 1px 4px;white-space:nowrap;max-width:460px;overflow:hidden;text-overflow:ellipsis}
.matrix thead th.corner{left:0;z-index:4;text-align:left;color:var(--mute);font-weight:400}
.matrix th.tgt a{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:150px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:var(--fg)}
.matrix td{width:24px;min-width:24px;height:20px;text-align:center;padding:0}
.matrix td a{display:block;color:#fff;font-weight:700;text-decoration:none;line-height:20px}
.matrix td.nocell{background:repeating-linear-gradient(45deg,#fafafa,#fafafa 3px,#f0f0f0 3px,#f0f0f0 6px)}
.matrix td.dim{opacity:.12}
.matrix tr[hidden]{display:none}
.matrix tfoot th{position:sticky;bottom:0;background:var(--soft);font-weight:400;font-size:11px;padding:2px;vertical-align:top}
.matrix tfoot th.case{z-index:3}
.matrix .sec{color:var(--mute);margin-left:6px}
.cnt{display:block;white-space:nowrap}
.v-pass.l-must{background:#2e7d32}.v-pass.l-should{background:#5a9e5e}.v-pass.l-info{background:#8fbf91}
.v-fail.l-must{background:#c62828}.v-fail.l-should{background:#e35d5b}.v-fail.l-info{background:#ee9a99}
.v-warn.l-must{background:#e65100}.v-warn.l-should{background:#f08a24}.v-warn.l-info{background:#f7b36b}
.v-notApplicable{background:#cfd4d9}.matrix td.v-notApplicable a{color:#555}
.v-unsupported{background:repeating-linear-gradient(45deg,#90a4ae,#90a4ae 4px,#b0bec5 4px,#b0bec5 8px)}
.v-unknown{background:#fff;outline:1px solid #999}.matrix td.v-unknown a{color:#333}
.badge{display:inline-block;min-width:52px;text-align:center;border-radius:3px;color:#fff;font-weight:600;padding:0 5px;font-size:11px}
.badge.v-notApplicable{color:#333}
.legend{display:flex;flex-wrap:wrap;gap:10px;color:var(--mute);margin:4px 0 8px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:3px;vertical-align:-1px;border-radius:2px}
.target{border-top:1px solid var(--line);margin-top:14px}
.timeline{margin:4px 0;border:1px solid var(--line);background:#fcfdfe;position:relative}
.timeline svg{display:block;width:100%;height:auto}
.tlbar{display:flex;gap:10px;align-items:center;color:var(--mute);font-size:12px;padding:2px 6px;border-bottom:1px solid var(--line)}
.tlbar button{font:inherit;font-size:11px}
svg text{font:10px system-ui,sans-serif;fill:#5b646c}
svg .lane{fill:#f3f5f7}
svg .grid{stroke:#e3e7eb;stroke-width:1}
svg .mk{cursor:pointer;stroke:none}
svg .mk.bad{stroke:#b71c1c;stroke-width:1.5}
svg .mk.hl{stroke:#000;stroke-width:2.5}
svg .w{opacity:.22}
svg .w.hl{opacity:.5}
svg .w-case{fill:#7e57c2;opacity:.3}
.k-sent{fill:#3949ab;background:#3949ab}.k-query{fill:#f9a825;background:#f9a825}.k-legacy-query{fill:#ef6c00;background:#ef6c00}
.k-probe{fill:#1e88e5;background:#1e88e5}.k-announcement{fill:#43a047;background:#43a047}.k-answer{fill:#00897b;background:#00897b}
.k-unicast-reply{fill:#26a69a;background:#26a69a}.k-legacy-reply{fill:#4dd0e1;background:#4dd0e1}.k-defence{fill:#fb8c00;background:#fb8c00}
.k-conflict{fill:#e53935;background:#e53935}.k-rename{fill:#8e24aa;background:#8e24aa}.k-goodbye{fill:#616161;background:#616161}
.k-other{fill:#9e9e9e;background:#9e9e9e}
ol.cases{list-style:none;padding:0;margin:6px 0}
li.case{border-left:4px solid var(--line);padding:2px 8px;margin:2px 0}
li.case.v-pass{border-color:#8fbf91;background:none}li.case.v-fail{border-color:var(--fail);background:#fff6f6}
li.case.v-warn{border-color:var(--warn);background:#fff9f2}li.case.v-unsupported,li.case.v-notApplicable{border-color:#b0bec5;background:none}
li.case[hidden]{display:none}
li.case:target,li.case.hl{outline:2px solid #0b5cad;outline-offset:1px}
.ch{display:flex;flex-wrap:wrap;gap:6px;align-items:baseline}
.ch .lvl{color:var(--mute);font-size:11px;text-transform:uppercase}
.ch .up{margin-left:auto;font-size:11px}
.detail{margin:4px 0 6px 4px}
.detail blockquote{margin:3px 0;padding:2px 8px;border-left:3px solid #cfd8dc;color:#37474f;font-style:italic}
.detail ul{margin:2px 0;padding-left:18px}
.sum{color:#37474f}
table.ev{border-collapse:collapse;margin:4px 0;width:100%}
table.ev th{text-align:left;color:var(--mute);font-weight:400;border-bottom:1px solid var(--line);padding:1px 6px}
table.ev td{vertical-align:top;border-bottom:1px solid #eef0f2;padding:2px 6px}
.rr{white-space:pre-wrap;word-break:break-all}
.sn{display:inline-block;width:22px;color:var(--mute)}
.err{color:var(--fail)}
#tip{position:fixed;z-index:10;max-width:640px;background:#fff;border:1px solid #90a4ae;box-shadow:0 2px 10px rgba(0,0,0,.18);padding:6px 8px;font-size:12px;pointer-events:none}
#tip .rr{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:11px}
#errors{color:var(--fail);white-space:pre-wrap;padding:8px 18px}
.empty{color:var(--mute);padding:6px;margin:0}
"""#

    static let errorHook = #"""
// Every script error and console.error lands in data-errors (a count) and #errors, so a headless
// browser's DOM dump shows them.
(function () {
  var list = [];
  function record(msg) {
    list.push(String(msg));
    document.body.setAttribute('data-errors', String(list.length));
    var p = document.getElementById('errors');
    if (p) { p.hidden = false; p.textContent = list.join('\n'); }
  }
  window.addEventListener('error', function (e) {
    record((e.message || 'error') + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    record(Array.prototype.map.call(arguments, String).join(' '));
    original.apply(console, arguments);
  };
})();
"""#

    static let script = #"""
(function () {
'use strict';
const t0 = performance.now();
const docs = JSON.parse(document.getElementById('results').textContent);
const VERDICTS = ['fail', 'warn', 'unsupported', 'notApplicable', 'pass'];
const VLABEL = {pass: 'pass', warn: 'warn', fail: 'fail', notApplicable: 'n/a', unsupported: 'unsupported'};
const VSYM = {pass: '\u2713', warn: '!', fail: '\u2717', notApplicable: '\u2013', unsupported: '?'};
const LEVELS = ['must', 'should', 'info'];
const KINDS = ['sent', 'query', 'legacy-query', 'probe', 'announcement', 'answer', 'unicast-reply',
  'legacy-reply', 'defence', 'conflict', 'rename', 'goodbye'];
// The RFC windows drawn after a mark of a kind: [from, to] seconds after it, label.
const RULES = {
  probe: [0, 0.25, '250 ms probe spacing (RFC 6762 \u00a78.1)'],
  announcement: [0, 1, '\u2265 1 s to the second announcement (RFC 6762 \u00a78.3)'],
  conflict: [0, 1, '1 s wait after a lost tiebreak (RFC 6762 \u00a78.2)'],
};
const SHARED = [0.02, 0.12, '20\u2013120 ms shared-answer window after the query (RFC 6762 \u00a76)'];
const ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
const esc = s => s == null ? '' : String(s).replace(/[&<>"']/g, c => ESC[c]);
const secs = x => typeof x === 'number' ? x.toFixed(3) + ' s' : '';
const known = (v, list) => list.indexOf(v) >= 0;
const vclass = v => known(v, VERDICTS) ? v : 'unknown';
const lclass = l => known(l, LEVELS) ? l : 'info';
const kclass = k => known(k, KINDS) ? k : 'other';
const state = [];

function prepare(doc, k) {
  const targets = (doc.targets || []).slice();
  const tIndex = new Map();
  targets.forEach((t, i) => tIndex.set(t.id, i));
  const cases = doc.cases || [];
  for (const c of cases) {
    if (!tIndex.has(c.target)) { tIndex.set(c.target, targets.length); targets.push({id: c.target, name: c.target, timeline: []}); }
  }
  const frames = new Map();
  (doc.frames || []).forEach((f, i) => frames.set(f.index != null ? f.index : i, f));
  const st = {doc, k, p: 'd' + k + '-', targets, tIndex, cases, frames,
    caseTarget: cases.map(c => tIndex.get(c.target)), caseMarks: cases.map(() => []), markCases: []};
  targets.forEach((t, ti) => {
    const byId = new Map(), byFrame = new Map();
    cases.forEach((c, ci) => {
      if (st.caseTarget[ci] !== ti) return;
      byId.set(c.id, ci);
      for (const f of c.evidence || []) { if (!byFrame.has(f)) byFrame.set(f, []); byFrame.get(f).push(ci); }
    });
    st.markCases.push((t.timeline || []).map((m, mi) => {
      const linked = [];
      if (m.case != null && byId.has(m.case)) linked.push(byId.get(m.case));
      for (const ci of (m.frame != null && byFrame.get(m.frame)) || []) if (linked.indexOf(ci) < 0) linked.push(ci);
      for (const ci of linked) st.caseMarks[ci].push(mi);
      return linked;
    }));
  });
  return st;
}

function counts(list, key, order) {
  const n = new Map();
  for (const c of list) n.set(c[key], (n.get(c[key]) || 0) + 1);
  const keys = order.filter(v => n.has(v)).concat([...n.keys()].filter(v => !known(v, order)));
  return keys.map(v => [v, n.get(v)]);
}

function header(st) {
  const d = st.doc;
  let h = `<header><h1>mdns ${esc(d.kind)}: ${esc(d.source)}</h1><p class="meta">`;
  const bits = [`<b>${st.cases.length}</b> cases`, `<b>${st.targets.length}</b> ${d.kind === 'capture' ? 'devices' : 'targets'}`,
    `<b>${(d.frames || []).length}</b> frames`];
  if (typeof d.runSeconds === 'number') bits.push(`run ${secs(d.runSeconds)}`);
  if (d.seed != null) bits.push(`seed ${esc(d.seed)}`);
  bits.push(esc(d.schema));
  h += bits.join(' \u00b7 ') + '</p>';
  if (d.capture && typeof d.capture === 'object') {
    const kv = Object.keys(d.capture).filter(key => d.capture[key] !== null && typeof d.capture[key] !== 'object');
    if (kv.length) h += '<p class="meta">capture: ' + kv.map(key => `${esc(key)} <b>${esc(d.capture[key])}</b>`).join(' \u00b7 ') + '</p>';
  }
  return h + '</header>';
}

function filters(st) {
  let h = `<div class="filters" data-doc="${st.k}"><span class="fl">verdict</span>`;
  for (const [v, n] of counts(st.cases, 'verdict', VERDICTS)) {
    h += `<button type="button" class="fb v-${vclass(v)}" data-fv="${esc(v)}" aria-pressed="true">${VSYM[v] || ''} ${esc(VLABEL[v] || v)} <b data-count="${esc(v)}">${n}</b></button>`;
  }
  h += '<span class="fl">level</span>';
  for (const [l, n] of counts(st.cases, 'level', LEVELS)) {
    h += `<button type="button" class="fb" data-fl="${esc(l)}" aria-pressed="true">${esc(l)} <b>${n}</b></button>`;
  }
  h += `<span class="fl">section</span><select data-fs="${st.k}"><option value="">all (${st.cases.length})</option>`;
  const sections = counts(st.cases, 'section', []).sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en', {numeric: true}));
  for (const [s, n] of sections) h += `<option value="${esc(s)}">${esc(s)} (${n})</option>`;
  return h + `</select><span class="shown" id="${st.p}shown"></span></div>`;
}

function matrix(st) {
  const rows = new Map();
  st.cases.forEach((c, ci) => {
    if (!rows.has(c.id)) rows.set(c.id, {c, cells: new Array(st.targets.length).fill(-1)});
    rows.get(c.id).cells[st.caseTarget[ci]] = ci;
  });
  let h = `<div class="matrix-wrap"><table class="matrix" id="${st.p}matrix"><thead><tr><th class="case corner">case \u2193 \u00b7 ${st.doc.kind === 'capture' ? 'device' : 'target'} \u2192</th>`;
  st.targets.forEach((t, ti) => {
    h += `<th class="tgt"><a href="#${st.p}t${ti}" title="${esc(t.name)}${t.implementation ? ' (' + esc(t.implementation) + ')' : ''}">${esc(t.name || t.id)}</a></th>`;
  });
  h += '</tr></thead><tbody>';
  for (const [id, row] of rows) {
    h += `<tr data-section="${esc(row.c.section)}"><th class="case" title="${esc(row.c.title)}"><span class="cid">${esc(id)}</span><span class="sec">${esc(row.c.section)}</span></th>`;
    for (const ci of row.cells) {
      if (ci < 0) { h += '<td class="nocell"></td>'; continue; }
      const c = st.cases[ci];
      h += `<td class="cell v-${vclass(c.verdict)} l-${lclass(c.level)}" data-verdict="${esc(c.verdict)}" data-level="${esc(c.level)}" data-ci="${ci}" title="${esc(VLABEL[c.verdict] || c.verdict)} (${esc(c.level)}): ${esc(c.summary)}"><a href="#${st.p}c${ci}">${VSYM[c.verdict] || '\u00b7'}</a></td>`;
    }
    h += '</tr>';
  }
  h += '</tbody><tfoot><tr><th class="case">counts</th>';
  st.targets.forEach((t, ti) => {
    const mine = st.cases.filter((c, ci) => st.caseTarget[ci] === ti);
    h += '<th>' + counts(mine, 'verdict', VERDICTS).filter(([v]) => v !== 'pass' && v !== 'notApplicable')
      .map(([v, n]) => `<span class="cnt" title="${esc(v)}">${n}${VSYM[v] || esc(v)}</span>`).join('') + `<span class="cnt" title="cases">${mine.length}</span></th>`;
  });
  return h + '</tr></tfoot></table></div>';
}

function legend() {
  let h = '<div class="legend">';
  for (const k of KINDS) h += `<span><i class="k-${k}"></i>${k}</span>`;
  h += '<span><i style="background:#1e88e5;opacity:.3"></i>RFC window</span><span><i class="w-case" style="background:#7e57c2;opacity:.4"></i>window a case checked</span>';
  return h + '<span>outlined: evidence of a non-pass case</span></div>';
}

function niceStep(span) {
  const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}

// The marks of target ti from lo to hi seconds as one SVG: a lane per mark kind, the RFC windows behind.
function timelineSVG(st, ti, range) {
  const t = st.targets[ti], marks = t.timeline || [];
  const mine = st.cases.map((c, ci) => ci).filter(ci => st.caseTarget[ci] === ti);
  const caseWindows = [];
  for (const ci of mine) for (const w of st.cases[ci].windows || []) caseWindows.push([ci, w]);
  let lo = Infinity, hi = -Infinity;
  for (const m of marks) { if (m.t < lo) lo = m.t; if (m.t > hi) hi = m.t; }
  for (const [, w] of caseWindows) { lo = Math.min(lo, w.start); hi = Math.max(hi, w.end); }
  if (range) { lo = range[0]; hi = range[1]; }
  if (!(hi >= lo)) { lo = 0; hi = 1; }
  const span = Math.max(hi - lo, 0.5), pad = span * 0.02;
  lo -= pad; hi = lo + span + 2 * pad;
  const kinds = KINDS.filter(k => marks.some(m => m.kind === k)).concat([...new Set(marks.map(m => m.kind))].filter(k => !known(k, KINDS)));
  const L = 104, W = 1180, LH = 15, top = 16, wl = caseWindows.length ? 1 : 0;
  const H = top + (kinds.length + wl) * LH + 4, x = v => L + (v - lo) / (hi - lo) * (W - L - 6);
  const lane = new Map(kinds.map((k, i) => [k, top + (i + wl) * LH]));
  const out = [`<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" data-lo="${lo}" data-hi="${hi}">`];
  kinds.forEach((k, i) => {
    const y = lane.get(k);
    if (i % 2 === 0) out.push(`<rect class="lane" x="${L}" y="${y}" width="${W - L}" height="${LH}"/>`);
    out.push(`<text x="4" y="${y + 11}">${esc(k)}</text>`);
  });
  if (wl) out.push(`<text x="4" y="${top + 11}">case windows</text>`);
  const step = niceStep(hi - lo);
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    const xv = x(v).toFixed(1);
    out.push(`<line class="grid" x1="${xv}" x2="${xv}" y1="${top - 3}" y2="${H}"/><text x="${xv}" y="11" text-anchor="middle">${+v.toFixed(6)} s</text>`);
  }
  const band = (a, b, y, h, cls, label, extra) => {
    if (b < lo || a > hi) return;
    const xa = x(Math.max(a, lo)), xb = x(Math.min(b, hi));
    out.push(`<rect class="w ${cls}" x="${xa.toFixed(1)}" y="${y}" width="${Math.max(xb - xa, 1).toFixed(1)}" height="${h}" data-wl="${esc(label)}"${extra || ''}/>`);
  };
  for (const [ci, w] of caseWindows) {
    band(w.start, w.end, top + 1, LH - 2, 'w-case', `${w.label || 'window'}: ${st.cases[ci].id}`, ` data-ci="${ci}"`);
  }
  const announced = new Set();
  marks.forEach(m => {
    const y = lane.get(m.kind);
    let rule = RULES[m.kind];
    if (m.kind === 'announcement') { if (announced.has(m.name)) rule = null; announced.add(m.name); }
    if (rule) band(m.t + rule[0], m.t + rule[1], y + 1, LH - 2, 'k-' + m.kind, rule[2]);
    const cause = m.cause != null && st.frames.get(m.cause);
    if (m.kind === 'answer' && cause && typeof cause.t === 'number') band(cause.t + SHARED[0], cause.t + SHARED[1], y + 1, LH - 2, 'k-answer', SHARED[2]);
  });
  marks.forEach((m, mi) => {
    if (m.t < lo || m.t > hi) return;
    const linked = st.markCases[ti][mi];
    const bad = linked.some(ci => st.cases[ci].verdict !== 'pass' && st.cases[ci].verdict !== 'notApplicable');
    out.push(`<rect class="mk k-${kclass(m.kind)}${bad ? ' bad' : ''}" id="${st.p}m${ti}-${mi}" data-ti="${ti}" data-mi="${mi}" x="${(x(m.t) - 1.5).toFixed(1)}" y="${lane.get(m.kind) + 2}" width="3" height="${LH - 4}"/>`);
  });
  out.push('</svg>');
  return out.join('');
}

function timelineBox(st, ti, range) {
  const n = (st.targets[ti].timeline || []).length;
  let h = `<div class="tlbar"><span>${n} marks</span>`;
  if (range) h += `<span>zoomed to ${secs(range[0])} \u2013 ${secs(range[1])}</span><button type="button" data-unzoom="${ti}">whole timeline</button>`;
  h += '</div>';
  return h + (n ? timelineSVG(st, ti, range) : '<p class="empty">no timeline marks</p>');
}

function frameLabel(f, index) {
  return f && f.number != null ? '#' + f.number : '[' + index + ']';
}

function records(f) {
  if (f.error) return `<div class="rr err">${esc(f.error)}</div>`;
  let h = '';
  for (const [s, key] of [['Q', 'questions'], ['AN', 'answers'], ['NS', 'authority'], ['AR', 'additional']]) {
    for (const r of f[key] || []) h += `<div class="rr"><span class="sn">${s}</span>${esc(r)}</div>`;
  }
  return h;
}

function frameHead(f) {
  return `${esc(f.kind)} id ${esc(f.id)} <span class="mono">${esc(f.flags)}</span>`;
}

function evidence(st, ci) {
  const c = st.cases[ci], ti = st.caseTarget[ci];
  if (!(c.evidence || []).length) return '';
  let h = '<table class="ev"><thead><tr><th>frame</th><th>t</th><th>from \u2192 to</th><th>message</th><th>records</th></tr></thead><tbody>';
  for (const i of c.evidence) {
    const f = st.frames.get(i);
    if (!f) { h += `<tr><td>[${esc(i)}]</td><td colspan="4" class="err">frame ${esc(i)} is not in the document</td></tr>`; continue; }
    h += `<tr><td><a href="#" data-frame="${esc(i)}" data-ti="${ti}" title="show on the timeline">${frameLabel(f, i)}</a></td><td>${secs(f.t)}</td>`;
    h += `<td>${esc(f.source)} \u2192 ${esc(f.destination)}${f.interface ? ' (' + esc(f.interface) + ')' : ''}</td><td>${frameHead(f)}</td><td>${records(f)}</td></tr>`;
  }
  return h + '</tbody></table>';
}

function caseEntry(st, ci) {
  const c = st.cases[ci], v = vclass(c.verdict);
  const nm = st.caseMarks[ci].length;
  let h = `<li class="case v-${v}" id="${st.p}c${ci}" data-ci="${ci}" data-verdict="${esc(c.verdict)}" data-level="${esc(c.level)}" data-section="${esc(c.section)}">`;
  h += `<div class="ch"><span class="badge v-${v} l-${lclass(c.level)}">${esc(VLABEL[c.verdict] || c.verdict)}</span><span class="lvl">${esc(c.level)}</span>`;
  h += `<span class="cid">${esc(c.id)}</span><span class="sec">${esc(c.section)}</span><span>${esc(c.title)}</span>`;
  if (nm) h += `<a href="#" data-marks="${ci}">${nm} mark${nm > 1 ? 's' : ''}</a>`;
  h += `<a class="up" href="#${st.p}matrix">matrix</a></div>`;
  if (c.verdict === 'pass') return h + `<div class="sum">${esc(c.summary)}</div></li>`;
  h += `<div class="detail"><div class="sum">${esc(c.summary)}${typeof c.targetSeconds === 'number' ? ' \u00b7 ' + secs(c.targetSeconds) : ''}</div>`;
  if (c.citation) h += `<blockquote>${esc(c.citation)}</blockquote>`;
  if ((c.catalogue || []).length) h += `<div class="meta">catalogue: ${c.catalogue.map(esc).join(', ')}</div>`;
  if ((c.notes || []).length) h += '<ul>' + c.notes.map(n => `<li>${esc(n)}</li>`).join('') + '</ul>';
  if ((c.windows || []).length) {
    h += '<div class="meta">windows: ' + c.windows.map(w => `${esc(w.label)} ${secs(w.start)} \u2013 ${secs(w.end)}`).join(' \u00b7 ') + '</div>';
  }
  return h + evidence(st, ci) + '</div></li>';
}

function targetSection(st, ti) {
  const t = st.targets[ti];
  let h = `<section class="target" id="${st.p}t${ti}" data-target="${esc(t.id)}"><h2>${esc(t.name || t.id)}`;
  if (t.implementation) h += ` <small class="meta">${esc(t.implementation)}</small>`;
  h += '</h2><p class="meta">';
  const bits = [];
  if ((t.roles || []).length) bits.push('roles ' + t.roles.map(esc).join(', '));
  if ((t.addresses || []).length) bits.push(t.addresses.map(esc).join(', '));
  if ((t.hostNames || []).length) bits.push('host names ' + t.hostNames.map(esc).join(', '));
  if (t.packets != null) bits.push(`<b>${esc(t.packets)}</b> packets`);
  const mine = st.cases.map((c, ci) => ci).filter(ci => st.caseTarget[ci] === ti);
  bits.push(counts(mine.map(ci => st.cases[ci]), 'verdict', VERDICTS).map(([v, n]) => `${n} ${esc(VLABEL[v] || v)}`).join(', '));
  h += bits.join(' \u00b7 ') + '</p>';
  h += `<div class="timeline" id="${st.p}tl${ti}" data-ti="${ti}" data-marks="${(t.timeline || []).length}">${timelineBox(st, ti, null)}</div>`;
  return h + '<ol class="cases">' + mine.map(ci => caseEntry(st, ci)).join('') + '</ol></section>';
}

function renderDoc(doc, k) {
  const st = prepare(doc, k);
  state.push(st);
  let h = `<section class="doc" id="${st.p}doc" data-doc="${k}" data-kind="${esc(doc.kind)}" data-cases="${st.cases.length}" data-targets="${st.targets.length}">`;
  h += header(st) + filters(st) + matrix(st);
  h += `<h2 class="part">${st.doc.kind === 'capture' ? 'Devices' : 'Targets'}: timelines and evidence</h2>` + legend();
  for (let ti = 0; ti < st.targets.length; ti++) h += targetSection(st, ti);
  return h + '</section>';
}

// Interaction: filters, tooltips, the links between verdicts and marks.
function applyFilters(st) {
  const root = document.getElementById(st.p + 'doc');
  const on = attr => new Set([...root.querySelectorAll(`.filters [${attr}][aria-pressed="true"]`)].map(b => b.getAttribute(attr)));
  const vs = on('data-fv'), ls = on('data-fl'), sec = root.querySelector('.filters select').value;
  const match = c => vs.has(String(c.verdict)) && ls.has(String(c.level)) && (sec === '' || c.section === sec);
  let shown = 0;
  for (const tr of root.querySelectorAll('table.matrix tbody tr')) {
    let any = false;
    for (const td of tr.querySelectorAll('td.cell')) {
      const m = match(st.cases[+td.dataset.ci]);
      td.classList.toggle('dim', !m);
      any = any || m;
    }
    tr.hidden = !any;
  }
  for (const li of root.querySelectorAll('li.case')) {
    const m = match(st.cases[+li.dataset.ci]);
    li.hidden = !m;
    if (m) shown++;
  }
  document.getElementById(st.p + 'shown').textContent = shown === st.cases.length ? '' : `showing ${shown} of ${st.cases.length} cases`;
}

let lit = [];
function highlight(els) {
  for (const e of lit) e.classList.remove('hl');
  lit = els.filter(Boolean);
  for (const e of lit) e.classList.add('hl');
}

function zoom(st, ti, range) {
  document.getElementById(`${st.p}tl${ti}`).innerHTML = timelineBox(st, ti, range);
}

function showMarks(st, ci) {
  const ti = st.caseTarget[ci], marks = st.targets[ti].timeline || [];
  const times = st.caseMarks[ci].map(mi => marks[mi].t);
  for (const w of st.cases[ci].windows || []) times.push(w.start, w.end);
  if (times.length) zoom(st, ti, [Math.min(...times), Math.max(...times)]);
  highlight(st.caseMarks[ci].map(mi => document.getElementById(`${st.p}m${ti}-${mi}`))
    .concat([...document.querySelectorAll(`#${st.p}tl${ti} .w-case[data-ci="${ci}"]`)], [document.getElementById(st.p + 'c' + ci)]));
  document.getElementById(`${st.p}t${ti}`).scrollIntoView({block: 'start'});
}

function showFrame(st, ti, frame) {
  const marks = st.targets[ti].timeline || [];
  const els = [];
  marks.forEach((m, mi) => { if (String(m.frame) === String(frame)) els.push(document.getElementById(`${st.p}m${ti}-${mi}`)); });
  highlight(els);
  document.getElementById(`${st.p}tl${ti}`).scrollIntoView({block: 'center'});
}

function markTip(st, ti, mi) {
  const m = st.targets[ti].timeline[mi];
  let h = `<div><b>${esc(m.kind)}</b> at ${secs(m.t)}${m.name ? ' \u00b7 ' + esc(m.name) : ''}</div>`;
  for (const ci of st.markCases[ti][mi]) {
    const c = st.cases[ci];
    h += `<div><span class="badge v-${vclass(c.verdict)} l-${lclass(c.level)}">${esc(VLABEL[c.verdict] || c.verdict)}</span> <span class="cid">${esc(c.id)}</span></div>`;
  }
  const f = m.frame != null ? st.frames.get(m.frame) : null;
  if (f) {
    h += `<div>frame ${frameLabel(f, m.frame)} \u00b7 ${esc(f.source)} \u2192 ${esc(f.destination)} \u00b7 ${frameHead(f)}</div>` + records(f);
  } else if (m.frame != null) {
    h += `<div class="err">frame ${esc(m.frame)} is not in the document</div>`;
  }
  const cause = m.cause != null ? st.frames.get(m.cause) : null;
  if (cause) h += `<div class="meta">answers frame ${frameLabel(cause, m.cause)} at ${secs(cause.t)}</div>`;
  return h;
}

function wire() {
  const root = document.getElementById('report'), tip = document.getElementById('tip');
  const docOf = el => state[+el.closest('.doc').dataset.doc];
  root.addEventListener('click', e => {
    const el = e.target.closest('[data-fv],[data-fl],[data-marks],[data-frame],[data-unzoom],.mk');
    if (!el) return;
    const st = docOf(el);
    if (el.matches('.mk')) {
      const linked = st.markCases[+el.dataset.ti][+el.dataset.mi];
      if (linked.length) {
        location.hash = st.p + 'c' + linked[0];
        highlight([el].concat(linked.map(ci => document.getElementById(st.p + 'c' + ci))));
      }
      return;
    }
    e.preventDefault();
    if (el.dataset.fv != null || el.dataset.fl != null) {
      el.setAttribute('aria-pressed', el.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
      applyFilters(st);
    } else if (el.dataset.marks != null) {
      showMarks(st, +el.dataset.marks);
    } else if (el.dataset.frame != null) {
      showFrame(st, +el.dataset.ti, el.dataset.frame);
    } else {
      zoom(st, +el.dataset.unzoom, null);
    }
  });
  root.addEventListener('change', e => { if (e.target.matches('select[data-fs]')) applyFilters(docOf(e.target)); });
  root.addEventListener('mouseover', e => {
    const el = e.target.closest('.mk, .w');
    if (!el) { tip.hidden = true; return; }
    tip.innerHTML = el.matches('.mk') ? markTip(docOf(el), +el.dataset.ti, +el.dataset.mi) : esc(el.dataset.wl);
    tip.hidden = false;
  });
  root.addEventListener('mousemove', e => {
    if (tip.hidden) return;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(0, Math.min(e.clientX + 14, innerWidth - w - 4)) + 'px';
    tip.style.top = (e.clientY + 16 + h > innerHeight ? Math.max(0, e.clientY - h - 10) : e.clientY + 16) + 'px';
  });
  root.addEventListener('mouseleave', () => { tip.hidden = true; });
}

const parts = docs.map(renderDoc);
let toc = '';
if (docs.length > 1) {
  toc = '<nav class="toc"><b>' + docs.length + ' documents</b><ol>' + state.map(st =>
    `<li><a href="#${st.p}doc">${esc(st.doc.kind)}: ${esc(st.doc.source)}</a> \u2014 ` +
    counts(st.cases, 'verdict', VERDICTS).map(([v, n]) => `${n} ${esc(VLABEL[v] || v)}`).join(', ') + '</li>').join('') + '</ol></nav>';
}
const main = document.getElementById('report');
main.innerHTML = toc + parts.join('');
wire();
void main.offsetHeight; // the layout belongs to the render time
document.body.setAttribute('data-render-ms', (performance.now() - t0).toFixed(1));
document.body.setAttribute('data-ready-ms', performance.now().toFixed(1));
document.body.setAttribute('data-rendered', String(docs.length));
})();
"""#
}
