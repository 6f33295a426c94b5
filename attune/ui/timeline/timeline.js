// attune timeline: player, lanes and keyboard coding.
//
// This body runs again on every data change (each Streamlit rerun), so the DOM is built
// once and all state lives on the root node (`root.__s`); handlers are assigned
// (`el.onx = ...`), never stacked.
//
// Message protocol (see attune/ui/workspace.py and attune/ui/outbox.py): every change is
// a message {cid, page, seq, op, ...}, op in create|move|recode|note|delete|undo|redo
// (and accept|reject of a suggested mark, with its `sid`),
// kept in an outbox (also in localStorage) until Python acknowledges its cid. The whole
// outbox is POSTed (JSON, same origin, with the sign-in cookie) to `data.outbox_url`
// after each change and again every few seconds while anything is unacknowledged; the
// answer carries the acknowledgements, notices and the events changed since our
// revision, as a rerun's data does. When that route cannot be reached, the outbox goes
// through Streamlit instead (setStateValue("outbox", ...), a rerun answers in `data`).
// So a dropped send, an answer racing a key press, a refresh or a lost connection loses
// nothing; Python applies each cid once.

const FILM_RECHECK_MS = 5000, FILM_RECHECKS = 120;  // a coarse filmstrip: looked at again for 10 min
const LANE_H_FULL = 26, LANE_H_TIGHT = 21, RULER_H = 18, FILM_H = 44, ENV_H = 30, LABEL_W = 138;
const HOLD_MS = 300;
const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const VALENCE_COLOUR = { E: "#2f7ed8", D: "#d98a00", X: "#d0343c" };
const KIND_COLOUR = { cue: "#2f7ed8", response: "#7b4fd6", reaction: "#159a7a", moment: "#8a6d3b", suggested: "#6f7786" };

function fmt(ms) {
  const neg = ms < 0; ms = Math.abs(Math.round(ms));
  const m = Math.floor(ms / 60000), s = Math.floor((ms % 60000) / 1000), r = ms % 1000;
  return (neg ? "-" : "") + m + ":" + String(s).padStart(2, "0") + "." + String(r).padStart(3, "0");
}
function uid() {
  if (crypto && crypto.randomUUID) return crypto.randomUUID();
  return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
}
function h(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}
function isTyping(e) {
  const t = e.composedPath ? e.composedPath()[0] : e.target;
  if (!t || !t.tagName) return false;
  const tag = t.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable;
}

function build(parent) {
  const tl = h("div", "tl");
  tl.tabIndex = 0;
  tl.setAttribute("role", "application");
  tl.setAttribute("aria-label", "Timeline: keyboard coding");
  tl.innerHTML = `
    <div class="focushint">Click here or press Tab to code with keys</div>
    <div class="banner" role="alert"><span class="msg"></span><button class="dismiss" type="button">OK</button></div>
    <div class="top">
      <div class="left">
        <div class="player"><video playsinline preload="auto"></video><div class="novideo"></div></div>
        <div class="row clockrow"><span class="clock">0:00.000</span><span class="frame">frame 0 / 0</span><span class="ro"></span></div>
        <div class="row">
          <button type="button" class="b-back" title="One frame back (,)">&#9664;|</button>
          <button type="button" class="b-play" title="Play / pause (space)">&#9654; Play</button>
          <button type="button" class="b-fwd" title="One frame forward (.)">|&#9654;</button>
          <select class="speed" title="Speed"></select>
          <button type="button" class="b-zout" title="Zoom out (-)">&minus;</button>
          <button type="button" class="b-zin" title="Zoom in (+)">+</button>
          <button type="button" class="b-fit" title="Whole clip (ctrl+0)">Fit</button>
          <button type="button" class="b-undo" title="Undo (ctrl+z)">Undo</button>
          <button type="button" class="b-redo" title="Redo (ctrl+shift+z)">Redo</button>
        </div>
      </div>
      <div class="keys"></div>
    </div>
    <div class="selrow"><div class="selbox"></div><div class="status" aria-live="polite"></div></div>
    <div class="tlwrap"><canvas></canvas><div class="playhead"></div></div>
    <div class="help"></div>`;
  parent.appendChild(tl);
  const speed = tl.querySelector(".speed");
  for (const s of SPEEDS) {
    const o = h("option", "", s + "x"); o.value = String(s); if (s === 1) o.selected = true;
    speed.appendChild(o);
  }
  return tl;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let tl = parentElement.querySelector(".tl");
  if (!tl) tl = build(parentElement);
  const first = !tl.__s;
  const S = tl.__s || (tl.__s = {
    page: uid(), seq: 0, outbox: [], refIds: {}, events: [], view: { startMs: 0, pxPerMs: 0 },
    selected: null, open: null, hold: null, dirty: true, clipId: null, lastSend: 0,
    shownErrors: {}, metrics: { marks: [], redraws: [] }, pendingMarks: {}, film: null,
    env: null, sprite: null, drag: null, lastFrame: -1, lastRev: null, storeKey: null,
  });
  S.setStateValue = setStateValue;
  if (!S.tab) {  // this browser tab, across reloads: the server keeps its undo stack by it
    try {
      S.tab = sessionStorage.getItem("attune-tab");
      if (!S.tab) { S.tab = uid(); sessionStorage.setItem("attune-tab", S.tab); }
    } catch (err) { S.tab = S.page; }
  }
  S.data = data || {};
  const D = S.data;
  const clip = D.clip || { id: 0, fps_num: 25, fps_den: 1, frame_count: 0, duration_ms: 0 };
  const readOnly = !!D.read_only;
  const codes = (D.scheme && D.scheme.codes) || [];
  const codeById = {}; const codeByKey = {};
  for (const c of codes) { codeById[c.id] = c; if (c.key) codeByKey[c.key.toLowerCase()] = c; }
  const lanes = D.lanes || [];
  const LANE_H = lanes.length > 5 ? LANE_H_TIGHT : LANE_H_FULL;  // many coders side by side
  const el = {
    video: tl.querySelector("video"), novideo: tl.querySelector(".novideo"),
    clock: tl.querySelector(".clock"), frame: tl.querySelector(".frame"),
    canvas: tl.querySelector("canvas"), playhead: tl.querySelector(".playhead"),
    selbox: tl.querySelector(".selbox"), status: tl.querySelector(".status"),
    keys: tl.querySelector(".keys"), help: tl.querySelector(".help"),
    banner: tl.querySelector(".banner"), speed: tl.querySelector(".speed"),
    play: tl.querySelector(".b-play"), ro: tl.querySelector(".ro"),
  };
  window.__attuneTimeline = tl;  // for the benchmark and the browser tests
  tl.classList.toggle("ro", readOnly);

  // ------------------------------------------------------------------ time and frames
  const num = clip.fps_num || 25, den = clip.fps_den || 1;
  const frameCount = Math.max(1, clip.frame_count || 1);
  const durationMs = Math.max(1, clip.duration_ms || Math.round(frameCount * 1000 * den / num));
  const grid = attuneFrameGrid(num, den);  // timebase.js: the one time base
  const msOfFrame = grid.startMs;
  const frameOfMs = grid.frameAt;
  const clampFrame = (n) => Math.max(0, Math.min(frameCount - 1, n));
  const curFrame = () => clampFrame(Math.floor(el.video.currentTime * num / den + 1e-6));
  const curMs = () => msOfFrame(curFrame());
  function seekFrame(n) {
    n = clampFrame(n);
    el.video.currentTime = (n + 0.5) * den / num;  // the frame's centre: one ms, one frame
    S.lastFrame = -1;
  }
  function seekMs(ms) { seekFrame(frameOfMs(ms)); }

  // ------------------------------------------------------------------ clip and media
  if (S.clipId !== clip.id) {
    S.clipId = clip.id;
    S.view = { startMs: 0, pxPerMs: 0 };
    S.film = null; S.env = null; S.sprite = null; S.selected = null; S.open = null;
    S.srcUrl = null;
    S.storeKey = "attune-outbox:" + clip.id + ":" + (D.coder || "");
    if (!readOnly) {
      try {  // un-acknowledged changes of an earlier page (refresh, restart, lost link)
        const saved = JSON.parse(localStorage.getItem(S.storeKey) || "[]");
        for (const m of saved) if (m && m.cid && !S.outbox.some((x) => x.cid === m.cid)) {
          m.replay = true; S.outbox.push(m);
        }
      } catch (err) { /* storage unavailable: the database still has every acked mark */ }
    }
  }
  const urls = D.urls || {};
  if (urls.proxy && !S.srcUrl) {
    S.srcUrl = urls.proxy; el.video.src = urls.proxy;
  }
  S.latestProxy = urls.proxy || null;
  el.novideo.textContent = urls.proxy ? "" : "The video is not available here yet.";
  el.novideo.classList.toggle("show", !urls.proxy);
  el.video.onerror = () => {  // a token may have expired: resume from the newest URL
    if (S.latestProxy && S.latestProxy !== el.video.src) {
      const t = el.video.currentTime, paused = el.video.paused;
      S.srcUrl = S.latestProxy; el.video.src = S.latestProxy;
      el.video.onloadedmetadata = () => { el.video.currentTime = t; if (!paused) el.video.play(); };
    }
  };
  // A long copied clip opens with a coarse filmstrip (few keyframes, the full strip's
  // layout: attune/media/overview.py) that the worker soon replaces: while it is coarse,
  // look again every few seconds and swap in the new one once its picture has loaded.
  S.filmUrls = urls;
  function loadFilm(clipId, tries) {
    const u = S.filmUrls, first = tries === 0;
    if (S.clipId !== clipId || !u.filmstrip_index || !u.filmstrip) return;
    const again = () => { if (tries < FILM_RECHECKS) setTimeout(() => loadFilm(clipId, tries + 1), FILM_RECHECK_MS); };
    fetch(u.filmstrip_index).then((r) => r.json()).then((idx) => {
      if (S.clipId !== clipId) return;
      if (!first && idx.coarse) { again(); return; }
      const img = new Image();
      img.onload = () => {
        if (S.clipId !== clipId) return;
        S.film = { idx, img }; S.dirty = true;
        if (idx.coarse) again();
      };
      img.onerror = () => { if (first) S.film = { failed: true }; else again(); };
      img.src = u.filmstrip;
    }).catch(() => { if (first) S.film = { failed: true }; else again(); });
  }
  if (!S.film && urls.filmstrip_index && urls.filmstrip) {
    S.film = { loading: true };
    loadFilm(clip.id, 0);
  }
  if (!S.env && urls.envelope) {
    S.env = { loading: true };
    fetch(urls.envelope).then((r) => r.json()).then((env) => { S.env = env; S.dirty = true; })
      .catch(() => { S.env = { failed: true }; });
  }

  // ------------------------------------------------------------------ acknowledgements
  function takeAcks(acks, notices) {
  const now = performance.now();
  let ackedAny = false;
  S.outbox = S.outbox.filter((m) => {
    const r = acks[m.cid];
    if (!r) return true;
    ackedAny = true;
    if ((m.op === "create" || m.op === "accept") && r.ok && r.event_id != null) S.refIds[m.cid] = r.event_id;
    suggestionAcked(m, r);
    if (!r.ok && !r.empty && !S.shownErrors[m.cid]) {
      S.shownErrors[m.cid] = true;
      showBanner((r.conflict ? "Not saved: " : "Could not save: ") + r.error +
        (r.conflict ? " The timeline now shows the stored version." : ""));
    }
    const pm = S.pendingMarks[m.cid];
    if (pm) { pm.stored = now; S.metrics.marks.push(pm); delete S.pendingMarks[m.cid]; }
    return false;
  });
  if (ackedAny) persistOutbox();
  if (S.selected && S.selected.ref && S.refIds[S.selected.ref] != null) {
    S.selected = { id: S.refIds[S.selected.ref] };
  }
  if (S.open && S.open.ref && S.refIds[S.open.ref] != null) {
    S.open.id = S.refIds[S.open.ref];
  }
  for (const n of notices || []) {
    if (!S.shownErrors[n.cid]) { S.shownErrors[n.cid] = true; showBanner(n.text); }
  }
  }
  takeAcks(D.acks || {}, D.notices);

  // ------------------------------------------------------------------ events model
  // The server sends all events (`events`, with `events_rev`) or only those changed since
  // the revision this page said it has (`events_delta`); `S.base` keeps them by id.
  // An answer older than what we have (a rerun's data and a route's answer that crossed)
  // is left alone.
  function takeEvents(P) {
  if (P.events) {
    const epoch = P.events_rev ? P.events_rev.epoch : null, rev = P.events_rev ? P.events_rev.rev : -1;
    if (epoch !== null && S.base && S.base.epoch === epoch && S.base.rev > rev && !S.needFull) return;
    const rows = new Map(); for (const e of P.events) rows.set(e.id, e);
    S.base = { epoch, rev, rows };
    S.needFull = false;
  } else if (P.events_delta) {
    const d = P.events_delta;
    if (S.base && S.base.epoch === d.epoch && S.base.rev >= d.from) {
      if (d.rev <= S.base.rev) return;
      for (const r of d.rows) S.base.rows.set(r.id, r);
      for (const id of d.removed) S.base.rows.delete(id);
      if (d.rev > S.base.rev) S.base.rev = d.rev;
    } else if (!S.needFull) {  // a gap: ask for everything
      S.needFull = true; S.base = S.base || { epoch: null, rev: -1, rows: new Map() };
      setTimeout(() => send(), 0);
    }
  }
  }
  takeEvents(D);
  if (!S.base) S.base = { epoch: null, rev: -1, rows: new Map() };
  function rebuildEvents() {
    // the server's events, then the changes still in the outbox on top (optimistic)
    // rows are shared with S.base; one an outbox change touches is copied first
    const evs = Array.from(S.base.rows.values());
    const byId = {};
    if (S.outbox.length) for (let i = 0; i < evs.length; i++) byId[evs[i].id] = i;
    for (const m of S.outbox) {
      if (m.op === "create" || (m.op === "accept" && m.start_ms != null)) {
        const id = S.refIds[m.cid];
        if (id != null && byId[id] !== undefined) continue;
        const c = codeById[m.code];
        const e = { ref: m.cid, k: c ? c.kind : (m.kind || "cue"), c: m.code, s: m.start_ms, e: m.end_ms,
                    o: D.coder, v: 0, pending: true };
        evs.push(e); byId["r:" + m.cid] = e;
      } else if (m.op === "move" || m.op === "recode" || m.op === "note" || m.op === "modifiers" || m.op === "delete") {
        const id = m.id != null ? m.id : S.refIds[m.ref];
        let e = id != null && byId[id] !== undefined ? evs[byId[id]] : byId["r:" + m.ref];
        if (!e) continue;
        if (!e.pending) {  // copy on first write: the server's row stays as it is
          e = Object.assign({}, e);
          if (id != null && byId[id] !== undefined) evs[byId[id]] = e; else byId["r:" + m.ref] = e;
        }
        e.pending = true;
        if (m.op === "move") { e.s = m.start_ms; e.e = m.end_ms; }
        if (m.op === "recode") e.c = m.code;
        if (m.op === "note") e.n = m.note;
        if (m.op === "modifiers") e.m = m.modifiers;
        if (m.op === "delete") e.gone = true;
      }
    }
    S.events = evs.filter((e) => !e.gone);
    S.byLane = {};
    for (const e of S.events) {
      const key = e.k + ":" + (e.o || "");
      (S.byLane[key] || (S.byLane[key] = [])).push(e);
    }
    for (const k in S.byLane) S.byLane[k].sort((a, b) => a.s - b.s);
    S.dirty = true;
  }
  function findEvent(sel) {
    if (!sel) return null;
    const id = sel.id != null ? sel.id : (sel.ref ? S.refIds[sel.ref] : null);
    for (const e of S.events) {
      if (id != null && e.id === id) return e;
      if (sel.ref && e.ref === sel.ref) return e;
    }
    return null;
  }
  const target = (e) => (e.id != null ? { id: e.id, version: e.v } : { ref: e.ref });
  rebuildEvents();

  // ------------------------------------------------------------------ outbox
  function persistOutbox() {
    if (readOnly || !S.storeKey) return;
    try {
      if (S.outbox.length) localStorage.setItem(S.storeKey, JSON.stringify(S.outbox));
      else localStorage.removeItem(S.storeKey);
    } catch (err) { /* quota or private mode: the send below still happens */ }
  }
  const haveNow = () => (S.needFull || !S.base ? null : { epoch: S.base.epoch, rev: S.base.rev });
  S.outboxUrl = readOnly ? null : D.outbox_url || null;
  function sendState(items) {  // through Streamlit: a rerun applies them and answers in data
    S.setStateValue("outbox", { page: S.page, tab: S.tab, sent: S.lastSend, items, have: haveNow() });
    if (items.length) markSent();
  }
  // A message sent once may have been stored by a server that then died before it
  // answered: sent again, it says so (`replay`), and a server that does not know its cid
  // looks for the stored mark before storing another.
  function markSent() {
    let changed = false;
    for (const m of S.outbox) if (!m.replay) { m.replay = true; changed = true; }
    if (changed) persistOutbox();
  }
  function send() {
    S.lastSend = Date.now();
    if (S.outboxUrl) S.postOutbox(); else sendState(S.outbox.slice());
  }
  function receive(answer) {  // the route's answer: what a rerun's data would carry
    takeEvents(answer);
    takeAcks(answer.acks || {}, answer.notices);
    rebuildEvents(); syncSelection(); draw(); updateStatus();
  }
  S.receive = receive;
  // One request at a time; changes made meanwhile go in the next one (the whole outbox).
  S.postOutbox = () => {
    if (S.inFlight) { S.again = true; return; }
    S.inFlight = true; S.again = false;
    const body = JSON.stringify({ page: S.page, tab: S.tab, items: S.outbox.slice(), have: haveNow() });
    markSent();
    const opts = { method: "POST", credentials: "same-origin", cache: "no-store",
                   headers: { "Content-Type": "application/json" }, body };
    if (window.AbortSignal && AbortSignal.timeout) opts.signal = AbortSignal.timeout(15000);
    fetch(S.outboxUrl, opts)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
      .then((answer) => { S.inFlight = false; S.receive(answer); if (S.again) send(); })
      .catch(() => { S.inFlight = false; S.again = false; sendState(S.outbox.slice()); });
  };
  function post(msg) {
    if (readOnly) return null;
    msg.cid = uid(); msg.page = S.page; msg.seq = ++S.seq;
    S.outbox.push(msg);
    persistOutbox();
    send();  // on its way first: the lanes are rebuilt while the server stores it
    rebuildEvents();
    return msg.cid;
  }
  if (!S.retryTimer) {
    S.retryTimer = setInterval(() => {
      if (!tl.isConnected) { clearInterval(S.retryTimer); S.retryTimer = null; return; }
      if (S.outbox.length && Date.now() - S.lastSend > 2500) send();
      updateStatus();
    }, 1000);
  }
  if (first && !readOnly) {
    sendState([]);  // say which tab this is: the page's reruns then use our workspace
    if (S.outbox.length) send();  // replay what an earlier page left unsaved
  }

  // ------------------------------------------------------------------ banner and status
  function showBanner(text) {
    el.banner.querySelector(".msg").textContent = text;
    el.banner.classList.add("show");
  }
  el.banner.querySelector(".dismiss").onclick = () => { el.banner.classList.remove("show"); tl.focus(); };
  function updateStatus() {
    const n = S.outbox.length;
    if (readOnly) { el.status.textContent = "Read-only: nothing here can be changed."; return; }
    const oldest = n ? Date.now() - (S.outbox[0].t || Date.now()) : 0;
    const cls = "status" + (n ? (oldest > 5000 ? " bad" : " pending") : "");
    const text = n ? (oldest > 5000
      ? `${n} change(s) not yet saved: reconnecting… (kept in this browser)`
      : `Saving ${n} change(s)…`) : "All changes saved.";
    if (el.status.className !== cls) el.status.className = cls;
    if (el.status.textContent !== text) el.status.textContent = text;
  }

  // ------------------------------------------------------------------ key list and help
  if (S.keysFor !== (D.scheme && D.scheme.name + D.scheme.version) + readOnly) {
    S.keysFor = (D.scheme && D.scheme.name + D.scheme.version) + readOnly;
    el.keys.innerHTML = "";
    el.keys.classList.toggle("ro", readOnly);
    for (const [kind, title] of [["cue", "Infant cues"], ["response", "Parent responses"],
                                 ["reaction", "Infant reactions"]]) {
      const col = h("div", "col");
      col.appendChild(h("h4", "", title));
      for (const c of codes.filter((x) => x.kind === kind)) {
        const row = h("div", "k" + (c.po ? " po" : ""));
        row.title = c.id + " " + c.label + (c.po ? " (practitioner only)" : "") +
          (c.valence ? " · valence " + c.valence : "") + (c.potency ? " · " + (c.potency === "S" ? "subtle" : "potent") : "");
        row.appendChild(h("kbd", "", c.key || "·"));
        row.appendChild(h("span", "lbl", c.id + " " + c.label + (c.po ? " ◆" : "")));
        col.appendChild(row);
      }
      el.keys.appendChild(col);
    }
    el.help.innerHTML = readOnly
      ? "<kbd>space</kbd> play/pause · <kbd>,</kbd> <kbd>.</kbd> frame · <kbd>←</kbd> <kbd>→</kbd> 1 s (shift: 5 s) · <kbd>+</kbd> <kbd>-</kbd> zoom · <kbd>Tab</kbd> next mark"
      : "Code key: mark at this frame (hold while playing, or press again, for an interval) · " +
        "<kbd>space</kbd> play · <kbd>,</kbd> <kbd>.</kbd> frame · <kbd>←</kbd> <kbd>→</kbd> 1 s (shift 5 s) · " +
        "<kbd>+</kbd> <kbd>-</kbd> zoom · <kbd>Tab</kbd> select next · <kbd>Del</kbd> delete · " +
        "<kbd>Enter</kbd> note · <kbd>Esc</kbd> deselect · <kbd>ctrl+z</kbd> undo · <kbd>ctrl+shift+z</kbd> redo · ◆ practitioner only" +
        suggestionHelp();
    el.ro.innerHTML = readOnly ? '<span class="ro-badge">read-only</span>' : "";
  }
  tl.querySelector(".b-undo").disabled = readOnly;
  tl.querySelector(".b-redo").disabled = readOnly;

  // ------------------------------------------------------------------ selection panel
  function renderSelection() {
    if (S.sugSel != null && selectedSuggestion()) { renderSuggestion(); return; }
    const e = findEvent(S.selected);
    const box = el.selbox;
    box.innerHTML = "";
    if (!e) {
      box.appendChild(h("div", "empty", readOnly ? "Click a mark to see it." :
        "Click a mark (or Tab) to select it: drag its edges, change its code, add a note."));
      return;
    }
    const c = codeById[e.c];
    const head = h("div", "head", "");
    head.appendChild(h("b", "", e.c + " "));
    head.appendChild(document.createTextNode((c ? c.label : "") + (e.pending ? " (saving…)" : "")));
    head.title = head.textContent;
    box.appendChild(head);
    box.appendChild(h("div", "frame", fmt(e.s) + (e.e > e.s ? " – " + fmt(e.e) : "") +
      "  ·  frame " + frameOfMs(e.s) + (e.o && e.o !== D.coder ? "  ·  " + e.o : "")));
    if (e.k === "response") {
      box.appendChild(h("div", "lat", e.lat != null
        ? `answers ${e.a ? "cue" : "-"} after ${(e.lat / 1000).toFixed(2)} s · ${e.band}` + (e.att ? " · attuned" : " · not attuned")
        : "answers no cue within the window"));
    }
    renderModifiers(box, e);
    if (readOnly) { if (e.n) box.appendChild(h("div", "", "Note: " + e.n)); return; }
    const sel = h("select", "codesel"); sel.title = "Change the code";
    for (const x of codes.filter((x) => x.kind === e.k)) {
      const o = h("option", "", x.id + " " + x.label); o.value = x.id; if (x.id === e.c) o.selected = true;
      sel.appendChild(o);
    }
    sel.onchange = () => { post(Object.assign({ op: "recode", code: sel.value, t: Date.now() }, target(e))); tl.focus(); };
    box.appendChild(sel);
    const note = h("input", "note"); note.placeholder = "Note (Enter to save)"; note.value = e.n || "";
    note.onkeydown = (ev) => {
      ev.stopPropagation();
      if (ev.key === "Enter") { ev.preventDefault(); saveNote(); tl.focus(); }
      if (ev.key === "Escape") { ev.preventDefault(); note.value = e.n || ""; tl.focus(); }
    };
    note.onkeyup = (ev) => ev.stopPropagation();
    const saveNote = () => {
      const cur = findEvent(S.selected);
      if (cur && note.value !== (cur.n || "")) post(Object.assign({ op: "note", note: note.value, t: Date.now() }, target(cur)));
    };
    note.onblur = saveNote;
    box.appendChild(note);
  }
  S.renderSelection = renderSelection;
  function syncSelection() {  // redrawn when it changed, never under the coder's typing
    const selKey = JSON.stringify(S.selected) + "|" + JSON.stringify(findEvent(S.selected));
    const typing = el.selbox.contains(tl.getRootNode().activeElement);
    if (selKey !== S.lastSelKey && !typing) { S.lastSelKey = selKey; renderSelection(); }
  }
  syncSelection();

  // ------------------------------------------------------------------ geometry
  const canvas = el.canvas;
  const lanesTop = RULER_H + FILM_H + ENV_H;
  const cssH = lanesTop + lanes.length * LANE_H + 4;
  function widthPx() { return Math.max(200, canvas.clientWidth || tl.clientWidth - 16); }
  function plotW() { return widthPx() - LABEL_W; }
  function fitZoom() { return plotW() / durationMs; }
  if (!S.view.pxPerMs) S.view.pxPerMs = fitZoom();
  function clampView() {
    const minZ = fitZoom(), maxZ = 40 * num / (1000 * den);  // at most 40 px a frame
    S.view.pxPerMs = Math.max(minZ, Math.min(maxZ, S.view.pxPerMs));
    const span = plotW() / S.view.pxPerMs;
    S.view.startMs = Math.max(0, Math.min(Math.max(0, durationMs - span), S.view.startMs));
  }
  const xOf = (ms) => LABEL_W + (ms - S.view.startMs) * S.view.pxPerMs;
  const msOfX = (x) => S.view.startMs + (x - LABEL_W) / S.view.pxPerMs;

  function zoom(factor, anchorMs) {
    const t0 = performance.now();
    const ax = xOf(anchorMs);
    S.view.pxPerMs *= factor;
    clampView();
    S.view.startMs = anchorMs - (ax - LABEL_W) / S.view.pxPerMs;
    clampView();
    draw();
    const drawn = performance.now();
    requestAnimationFrame(() => S.metrics.redraws.push({ t0, drawn, painted: performance.now(), n: S.events.length }));
  }

  // ------------------------------------------------------------------ drawing
  function draw() {
    S.dirty = false;
    const dpr = window.devicePixelRatio || 1;
    const w = widthPx();
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(cssH * dpr);
      canvas.style.height = cssH + "px";
    }
    clampView();
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, cssH);
    g.font = "11px system-ui, sans-serif";
    g.textBaseline = "middle";
    const t0 = S.view.startMs, t1 = msOfX(w);
    // ruler
    g.fillStyle = "#f3f4f7"; g.fillRect(0, 0, w, RULER_H);
    const spanMs = t1 - t0;
    const steps = [40, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000];
    let step = steps[steps.length - 1];
    for (const s of steps) if (s * S.view.pxPerMs >= 70) { step = s; break; }
    g.fillStyle = "#5c6370"; g.strokeStyle = "#c4c8d0"; g.beginPath();
    for (let t = Math.floor(t0 / step) * step; t <= t1; t += step) {
      const x = Math.round(xOf(t)) + 0.5; if (x < LABEL_W) continue;
      g.moveTo(x, RULER_H - 6); g.lineTo(x, RULER_H);
      g.fillText(fmt(t).replace(/\.000$/, ""), x + 3, RULER_H / 2 - 1);
    }
    g.stroke();
    // filmstrip
    const fy = RULER_H;
    g.fillStyle = "#20232a"; g.fillRect(LABEL_W, fy, w - LABEL_W, FILM_H);
    if (S.film && S.film.img) {
      const idx = S.film.idx, img = S.film.img;
      const tw = idx.tile_width * FILM_H / idx.tile_height;
      const msPerTile = tw / S.view.pxPerMs;
      const every = Math.max(1, Math.ceil(msPerTile / idx.interval_ms));
      for (let x = LABEL_W; x < w; x += tw) {
        const ms = msOfX(x);
        let i = Math.floor(ms / idx.interval_ms); i -= i % 1; if (i >= idx.count) break;
        if (i < 0) continue;
        const col = i % idx.columns, row = Math.floor(i / idx.columns);
        g.drawImage(img, col * idx.tile_width, row * idx.tile_height, idx.tile_width, idx.tile_height,
          x, fy, tw, FILM_H);
        void every;
      }
    }
    // envelope
    const ey = fy + FILM_H;
    g.fillStyle = "#fafbfc"; g.fillRect(LABEL_W, ey, w - LABEL_W, ENV_H);
    if (S.env && S.env.peaks) {
      const peaks = S.env.peaks, bin = S.env.bin_ms || 50;
      g.fillStyle = "#6b8fc7";
      const mid = ey + ENV_H / 2;
      for (let x = LABEL_W; x < w; x++) {
        const a = Math.max(0, Math.floor(msOfX(x) / bin)), b = Math.max(a + 1, Math.floor(msOfX(x + 1) / bin));
        if (a >= peaks.length) break;
        let p = 0; for (let i = a; i < b && i < peaks.length; i++) if (peaks[i] > p) p = peaks[i];
        const hh = Math.max(0.5, p * (ENV_H / 2 - 1));
        g.fillRect(x, mid - hh, 1, hh * 2);
      }
    }
    // lanes (clipped to the plot; the labels column is drawn over it afterwards)
    g.save(); g.beginPath(); g.rect(LABEL_W, lanesTop, w - LABEL_W, cssH - lanesTop); g.clip();
    const sel = findEvent(S.selected);
    const open = S.open ? findEvent(S.open.id != null ? { id: S.open.id } : { ref: S.open.ref }) : null;
    lanes.forEach((lane, i) => {
      const y = lanesTop + i * LANE_H;
      g.fillStyle = i % 2 ? "#fbfbfd" : "#ffffff"; g.fillRect(LABEL_W, y, w - LABEL_W, LANE_H);
      g.strokeStyle = "#e6e8ed"; g.beginPath(); g.moveTo(LABEL_W, y + 0.5); g.lineTo(w, y + 0.5); g.stroke();
      if (lane.kind === "suggested") { drawSuggestions(g, y, t0, t1, w); return; }
      if (lane.kind === "moment") {
        for (const m of D.moments || []) {
          if (m.e < t0 || m.s > t1) continue;
          const x0 = Math.max(LABEL_W, xOf(m.s)), x1 = Math.min(w, Math.max(xOf(m.e), x0 + 2));
          g.fillStyle = "rgba(138,109,59,.25)"; g.fillRect(x0, y + 4, x1 - x0, LANE_H - 8);
          g.fillStyle = "#5a4520"; if (x1 - x0 > 30) g.fillText(m.cap || "moment", x0 + 3, y + LANE_H / 2);
        }
        return;
      }
      const list = S.byLane[lane.kind + ":" + lane.coder] || [];
      // first visible by binary search (sorted by start; intervals may start before t0)
      let lo = 0, hi = list.length;
      const from = t0 - 60000;
      while (lo < hi) { const m = (lo + hi) >> 1; if (list[m].s < from) lo = m + 1; else hi = m; }
      let lastLabelX = -1e9;
      // intervals first, then points over them (a point inside an interval stays visible)
      const visible = [];
      for (let j = lo; j < list.length; j++) {
        const e = list[j];
        if (e.s > t1) break;
        if (e.e < t0) continue;
        visible.push(e);
      }
      const ordered = visible.filter((e) => e.e > e.s).concat(visible.filter((e) => e.e <= e.s));
      if (ordered.length > 1) ordered.sort((a, b) => ((a.e > a.s) === (b.e > b.s) ? a.s - b.s : (a.e > a.s ? -1 : 1)));
      for (const e of ordered) {
        const c = codeById[e.c];
        let col = lane.kind === "cue" && c && c.valence ? VALENCE_COLOUR[c.valence] : KIND_COLOUR[lane.kind];
        if (lane.kind === "response" && e.att === false) col = "#b07a00";
        const x0 = xOf(e.s), x1 = xOf(e.e);
        const isSel = sel && e === sel;
        g.globalAlpha = e.pending ? 0.55 : 1;
        if (e.e > e.s) {
          g.fillStyle = col; g.globalAlpha = e.pending ? 0.35 : 0.7;
          g.fillRect(x0, y + 6, Math.max(2, x1 - x0), LANE_H - 12);
          g.globalAlpha = e.pending ? 0.55 : 1;
          g.fillRect(x0, y + 3, 2, LANE_H - 6); g.fillRect(Math.max(x0, x1 - 2), y + 3, 2, LANE_H - 6);
        } else {
          g.fillStyle = col; g.strokeStyle = "#fff"; g.lineWidth = 1.5; g.beginPath();
          g.moveTo(x0, y + 3); g.lineTo(x0 + 6, y + LANE_H / 2); g.lineTo(x0, y + LANE_H - 3); g.lineTo(x0 - 6, y + LANE_H / 2);
          g.closePath(); g.fill(); g.stroke(); g.lineWidth = 1;
        }
        if (e === open) {
          g.strokeStyle = col; g.setLineDash([3, 3]); g.beginPath();
          g.moveTo(x0, y + LANE_H / 2); g.lineTo(Math.max(x0, xOf(curMs())), y + LANE_H / 2); g.stroke(); g.setLineDash([]);
        }
        if (isSel) {
          g.globalAlpha = 1; g.strokeStyle = "#f0a020"; g.lineWidth = 2.5;
          g.strokeRect(Math.min(x0, x1) - 6, y + 2, Math.max(12, x1 - x0 + 12), LANE_H - 4); g.lineWidth = 1;
        }
        g.globalAlpha = 1;
      }
      // labels, left to right, skipping one that would overlap the previous one
      g.lineWidth = 3; g.strokeStyle = "rgba(255,255,255,.85)"; g.lineJoin = "round";
      for (const e of visible) {
        const x0 = xOf(e.s), x1 = xOf(e.e);
        if (Math.max(x0 + 4, LABEL_W + 2) <= lastLabelX + 4 && (e.e <= e.s || x1 + 4 <= lastLabelX + 4)) continue;
        let label = e.c;
        if (e.lat != null) label += " " + (e.lat / 1000).toFixed(1) + "s " + e.band;
        label += modifierLabel(e);
        if (e.n) label += " ✎";
        const tw = g.measureText(label).width;
        const inside = e.e > e.s && x1 - x0 >= tw + 8;
        const lx = Math.max(inside ? x0 + 4 : (e.e > e.s ? x1 + 4 : x0 + 8), LABEL_W + 2);
        if (lx > lastLabelX + 4 && lx < w) {
          if (inside) { g.fillStyle = "#fff"; } else { g.strokeText(label, lx, y + LANE_H / 2); g.fillStyle = "#1f2430"; }
          g.fillText(label, lx, y + LANE_H / 2);
          lastLabelX = lx + tw;
        }
      }
      g.lineWidth = 1;
    });
    g.restore();
    // labels column
    g.fillStyle = "#f3f4f7"; g.fillRect(0, RULER_H, LABEL_W, cssH - RULER_H);
    g.fillStyle = "#5c6370"; g.font = "11px system-ui, sans-serif";
    g.fillText("Filmstrip", 6, fy + FILM_H / 2); g.fillText("Sound", 6, ey + ENV_H / 2);
    lanes.forEach((lane, i) => {
      const y = lanesTop + i * LANE_H;
      g.strokeStyle = "#e6e8ed"; g.beginPath(); g.moveTo(0, y + 0.5); g.lineTo(LABEL_W, y + 0.5); g.stroke();
      g.fillStyle = KIND_COLOUR[lane.kind] || "#333"; g.fillRect(0, y + 3, 4, LANE_H - 6);
      g.fillStyle = "#1f2430"; g.font = "600 11.5px system-ui, sans-serif";
      g.fillText(lane.title.length > 22 ? lane.title.slice(0, 21) + "…" : lane.title, 8, y + LANE_H / 2);
    });
    g.font = "11px system-ui, sans-serif";
    // links from a selected response to its cue
    if (sel && sel.k === "response" && sel.a != null) {
      const cue = S.events.find((x) => x.id === sel.a);
      const ci = lanes.findIndex((l) => l.kind === "cue" && l.coder === cue?.o);
      const ri = lanes.findIndex((l) => l.kind === "response" && l.coder === sel.o);
      if (cue && ci >= 0 && ri >= 0) {
        g.strokeStyle = "#7b4fd6"; g.setLineDash([4, 3]); g.beginPath();
        g.moveTo(xOf(cue.s), lanesTop + ci * LANE_H + LANE_H / 2);
        g.lineTo(xOf(sel.s), lanesTop + ri * LANE_H + LANE_H / 2); g.stroke(); g.setLineDash([]);
      }
    }
    positionPlayhead(true);
  }
  S.draw = draw;

  function positionPlayhead(force) {
    const f = curFrame();
    if (!force && f === S.lastFrame) return;
    S.lastFrame = f;
    const ms = msOfFrame(f);
    el.clock.textContent = fmt(ms);
    el.frame.textContent = "frame " + f + " / " + (frameCount - 1) + " · " + (num / den).toFixed(3).replace(/\.?0+$/, "") + " fps";
    const x = xOf(ms);
    el.playhead.style.transform = "translateX(" + x + "px)";
    el.playhead.style.display = x < LABEL_W || x > widthPx() ? "none" : "block";
  }

  S.positionPlayhead = positionPlayhead;

  // ------------------------------------------------------------------ animation loop
  if (!S.loop) {
    S.loop = true;
    const tick = () => {
      if (!tl.isConnected) { S.loop = false; return; }
      const v = el.video;
      if (!v.paused) {  // keep the playhead in view while playing
        const x = xOf(curMs());
        if (x > widthPx() - 20 || x < LABEL_W) { S.view.startMs = curMs() - 0.1 * plotW() / S.view.pxPerMs; S.dirty = true; }
      }
      if (S.dirty) S.draw(); else S.positionPlayhead(false);
      if (S.open && !v.paused) S.dirty = true;
      if (S.shownPaused !== v.paused) {  // touch the DOM only on a change
        S.shownPaused = v.paused;
        el.play.innerHTML = v.paused ? "&#9654; Play" : "&#10073;&#10073; Pause";
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  if (!S.resizeObs && window.ResizeObserver) {
    S.resizeObs = new ResizeObserver(() => { S.dirty = true; });
    S.resizeObs.observe(tl);
  }
  draw();
  updateStatus();

  // ------------------------------------------------------------------ coding
  function mark(code) {
    const t0 = performance.now();
    const c = codeById[code];
    const ms = curMs();
    const cid = post({ op: "create", code, start_ms: ms, end_ms: ms, t: Date.now() });
    if (!cid) return;
    S.open = { ref: cid, code, start: ms };
    S.hold = { code, cid, t0, playing: !el.video.paused, start: ms };
    draw();
    S.pendingMarks[cid] = { t0, drawn: performance.now(), code: c ? c.id : code };
    startModifiers({ ref: cid }, code);
  }
  function stretch(ev, endMs) {
    if (endMs <= ev.s) return false;
    post(Object.assign({ op: "move", start_ms: ev.s, end_ms: endMs, t: Date.now() }, target(ev)));
    return true;
  }
  function codeKey(c) {
    const sel = findEvent(S.selected);
    if (sel && sel.k === c.kind && sel.o === D.coder) {
      if (sel.c === c.id) { stretch(sel, curMs()); }
      else post(Object.assign({ op: "recode", code: c.id, t: Date.now() }, target(sel)));
      return;
    }
    if (S.open && S.open.code === c.id) {
      const ev = findEvent(S.open.id != null ? { id: S.open.id } : { ref: S.open.ref });
      S.open = null;
      if (ev && stretch(ev, curMs())) { draw(); return; }
    }
    S.selected = null;
    mark(c.id);
  }
  function ownEvents() { return S.events.filter((e) => e.o === D.coder || readOnly).sort((a, b) => a.s - b.s); }
  function selectNext(dir) {
    const list = ownEvents(); if (!list.length) return;
    const cur = findEvent(S.selected);
    let i;
    if (cur) i = list.indexOf(cur) + dir;
    else { const ms = curMs(); i = dir > 0 ? list.findIndex((e) => e.s >= ms) : list.length - 1 - [...list].reverse().findIndex((e) => e.s <= ms); }
    if (i < 0 || i >= list.length || Number.isNaN(i)) i = dir > 0 ? 0 : list.length - 1;
    select(list[i], true);
  }
  function select(e, seek) {
    if (e) S.sugSel = null;  // a mark selected: keys act on it, not on a suggestion
    S.selected = e ? (e.id != null ? { id: e.id } : { ref: e.ref }) : null;
    S.open = null;
    if (e && seek) {
      seekMs(e.s);
      const x = xOf(e.s);
      if (x < LABEL_W || x > widthPx()) S.view.startMs = e.s - 0.3 * plotW() / S.view.pxPerMs;
    }
    S.lastSelKey = null; renderSelection(); draw();
  }

  function onKeyDown(e) {
    if (isTyping(e)) return;
    if (suggestionKey(e)) { e.preventDefault(); e.stopPropagation(); e.stopImmediatePropagation(); return; }
    const k = e.key;
    const ctrl = e.ctrlKey || e.metaKey;
    let handled = true;
    if (!ctrl && !e.altKey && !e.repeat && modifierKey(k)) { /* a modifier of the mark just made */ }
    else if (ctrl && (k === "z" || k === "Z")) { if (!readOnly) post({ op: e.shiftKey ? "redo" : "undo", t: Date.now() }); }
    else if (ctrl && (k === "y" || k === "Y")) { if (!readOnly) post({ op: "redo", t: Date.now() }); }
    else if (ctrl && (k === "0")) { S.view.pxPerMs = fitZoom(); draw(); }
    else if (ctrl || e.altKey) handled = false;  // leave the browser's own shortcuts alone
    else if (k === " ") { if (e.repeat) {} else if (el.video.paused) el.video.play(); else el.video.pause(); }
    else if (k === "," || k === "<") { el.video.pause(); seekFrame(curFrame() - 1); }
    else if (k === "." || k === ">") { el.video.pause(); seekFrame(curFrame() + 1); }
    else if (k === "ArrowLeft") seekMs(curMs() - (e.shiftKey ? 5000 : 1000));
    else if (k === "ArrowRight") seekMs(curMs() + (e.shiftKey ? 5000 : 1000));
    else if (k === "Home") seekFrame(0);
    else if (k === "End") seekFrame(frameCount - 1);
    else if (k === "+" || k === "=") zoom(1.5, curMs());
    else if (k === "-" || k === "_") zoom(1 / 1.5, curMs());
    else if (k === "Escape") { S.selected = null; S.open = null; el.banner.classList.remove("show"); renderSelection(); draw(); }
    else if (k === "Tab") selectNext(e.shiftKey ? -1 : 1);
    else if (k === "Delete" || k === "Backspace") {
      const sel = findEvent(S.selected);
      if (sel && !readOnly && sel.o === D.coder) { post(Object.assign({ op: "delete", t: Date.now() }, target(sel))); S.selected = null; renderSelection(); }
    }
    else if (k === "Enter") {
      const input = el.selbox.querySelector("input.note");
      if (input) input.focus();
    }
    else if (!e.repeat && codeByKey[k.toLowerCase()] && k.length === 1) {
      if (!readOnly) codeKey(codeByKey[k.toLowerCase()]);
    }
    else if (e.repeat && codeByKey[k.toLowerCase()]) { /* held key: the keyup decides */ }
    else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); e.stopImmediatePropagation(); }
  }
  function onKeyUp(e) {
    if (isTyping(e)) return;
    const c = codeByKey[(e.key || "").toLowerCase()];
    if (S.hold && c && c.id === S.hold.code) {
      const held = performance.now() - S.hold.t0;
      const hold = S.hold; S.hold = null;
      if (held > HOLD_MS && hold.playing) {
        const ev = findEvent(S.open && S.open.ref === hold.cid ? { ref: hold.cid } : { ref: hold.cid });
        if (ev && stretch(ev, curMs())) S.open = null;
        draw();
      }
    }
    if (c || e.key === " ") { e.preventDefault(); e.stopPropagation(); }
  }
  tl.onkeydown = onKeyDown;
  tl.onkeyup = onKeyUp;
  // Keys typed while nothing has the focus (after the page loads, or after clicking the
  // video) still code; keys meant for Streamlit's own inputs are left alone.
  window.__attuneKeyHandlers = { down: onKeyDown, up: onKeyUp, tl };
  if (!window.__attuneDocKeys) {
    window.__attuneDocKeys = true;
    const route = (which) => (e) => {
      const hnd = window.__attuneKeyHandlers;
      if (!hnd || !hnd.tl.isConnected) return;
      const a = document.activeElement;
      if (a && a !== document.body && a !== document.documentElement) return;
      hnd[which](e);
    };
    document.addEventListener("keydown", route("down"), true);
    document.addEventListener("keyup", route("up"), true);
  }
  if (first) setTimeout(() => tl.focus({ preventScroll: true }), 50);

  // ------------------------------------------------------------------ modifiers
  // After a code key, the keys of that code's modifiers (scheme-defined: how, how
  // strongly, who started) choose their values for the mark just made; any other key
  // ends the choice and does what it always does.
  function modifiersOf(codeId) {
    return ((D.scheme && D.scheme.modifiers) || []).filter((m) => m.codes.indexOf(codeId) >= 0);
  }
  function modifierWords(list) {
    const out = [];
    for (const t of list || []) {
      const i = t.indexOf("=");
      const m = i > 0 ? ((D.scheme && D.scheme.modifiers) || []).find((x) => x.id === t.slice(0, i)) : null;
      const v = m ? m.values.find((x) => x.id === t.slice(i + 1)) : null;
      out.push(v ? v.label : (i > 0 ? t.slice(i + 1) : t));
    }
    return out;
  }
  function modifierLabel(e) {
    const words = modifierWords(e.m);
    return words.length ? " · " + words.join(" · ") : "";
  }
  function modBar() {
    let bar = tl.querySelector(".modbar");
    if (!bar) { bar = h("div", "modbar"); bar.setAttribute("aria-live", "polite"); el.status.parentNode.after(bar); }
    return bar;
  }
  function showModifierPrompt() {
    const bar = modBar();
    bar.innerHTML = "";
    const f = S.modFor;
    if (!f) { bar.classList.remove("show"); return; }
    const ev = findEvent(f.sel);
    const chosen = {};
    for (const t of (ev && ev.m) || []) { const i = t.indexOf("="); if (i > 0) chosen[t.slice(0, i)] = t.slice(i + 1); }
    bar.appendChild(h("b", "", f.code + ": "));
    for (const m of modifiersOf(f.code)) {
      const grp = h("span", "grp", m.label + " ");
      for (const v of m.values) {
        const s = h("span", "mv" + (chosen[m.id] === v.id ? " on" : ""), "");
        if (v.key) s.appendChild(h("kbd", "", v.key));
        s.appendChild(document.createTextNode(" " + v.label));
        grp.appendChild(s);
      }
      bar.appendChild(grp);
    }
    bar.appendChild(h("span", "hint", "or carry on coding"));
    bar.classList.add("show");
  }
  function startModifiers(sel, codeId) {
    S.modFor = !readOnly && modifiersOf(codeId).length ? { sel, code: codeId } : null;
    showModifierPrompt();
  }
  function endModifiers() {
    if (!S.modFor) return;
    S.modFor = null; showModifierPrompt();
  }
  function setModifier(ev, modId, valueId) {
    const rest = (ev.m || []).filter((t) => t.indexOf(modId + "=") !== 0);
    const list = valueId ? rest.concat([modId + "=" + valueId]) : rest;
    post(Object.assign({ op: "modifiers", modifiers: list, t: Date.now() }, target(ev)));
    return list;
  }
  function modifierKey(k) {  // true when k chose a modifier of the mark just made
    const f = S.modFor;
    if (!f || k.length !== 1) { if (f && k !== "Shift") endModifiers(); return false; }
    const own = codeById[f.code];  // the code's own key again: it ends an interval, as always
    if (own && own.key && own.key.toLowerCase() === k.toLowerCase()) { endModifiers(); return false; }
    const ev = findEvent(f.sel);
    const mods = modifiersOf(f.code);
    for (const m of mods) {
      const v = m.values.find((x) => x.key && x.key.toLowerCase() === k.toLowerCase());
      if (!v || !ev) continue;
      const list = setModifier(ev, m.id, v.id);
      const done = mods.every((x) => list.some((t) => t.indexOf(x.id + "=") === 0));
      if (done) endModifiers(); else showModifierPrompt();
      draw();
      return true;
    }
    endModifiers();
    return false;
  }
  function renderModifiers(box, e) {  // the selected mark's modifiers, changeable by the coder
    const mods = modifiersOf(e.c);
    const free = (e.m || []).filter((t) => t.indexOf("=") <= 0);
    if (readOnly || e.o !== D.coder) {
      const words = modifierWords(e.m);
      if (words.length) box.appendChild(h("div", "mods", words.join(" · ")));
      return;
    }
    for (const m of mods) {
      const sel = h("select", "modsel"); sel.title = m.label; sel.dataset.modifier = m.id;
      const cur = (e.m || []).find((t) => t.indexOf(m.id + "=") === 0);
      const none = h("option", "", m.label + ": –"); none.value = ""; sel.appendChild(none);
      for (const v of m.values) {
        const o = h("option", "", m.label + ": " + v.label); o.value = v.id;
        if (cur === m.id + "=" + v.id) o.selected = true;
        sel.appendChild(o);
      }
      sel.onchange = () => { const cur2 = findEvent(S.selected); if (cur2) setModifier(cur2, m.id, sel.value); tl.focus(); };
      box.appendChild(sel);
    }
    if (free.length) box.appendChild(h("div", "mods", free.join(" · ")));
  }

  // ------------------------------------------------------------------ buttons
  tl.querySelector(".b-back").onclick = () => { el.video.pause(); seekFrame(curFrame() - 1); tl.focus(); };
  tl.querySelector(".b-fwd").onclick = () => { el.video.pause(); seekFrame(curFrame() + 1); tl.focus(); };
  el.play.onclick = () => { if (el.video.paused) el.video.play(); else el.video.pause(); tl.focus(); };
  el.speed.onchange = () => { el.video.playbackRate = parseFloat(el.speed.value); tl.focus(); };
  tl.querySelector(".b-zin").onclick = () => { zoom(1.5, curMs()); tl.focus(); };
  tl.querySelector(".b-zout").onclick = () => { zoom(1 / 1.5, curMs()); tl.focus(); };
  tl.querySelector(".b-fit").onclick = () => { S.view.pxPerMs = fitZoom(); S.view.startMs = 0; draw(); tl.focus(); };
  tl.querySelector(".b-undo").onclick = () => { post({ op: "undo", t: Date.now() }); tl.focus(); };
  tl.querySelector(".b-redo").onclick = () => { post({ op: "redo", t: Date.now() }); tl.focus(); };
  el.video.onclick = () => { tl.focus(); };

  // ------------------------------------------------------------------ mouse
  function hit(x, y) {
    const li = Math.floor((y - lanesTop) / LANE_H);
    if (y < lanesTop || li < 0 || li >= lanes.length) return { lane: null };
    const lane = lanes[li];
    if (lane.kind === "moment" || lane.kind === "suggested") return { lane };
    const list = S.byLane[lane.kind + ":" + lane.coder] || [];
    let best = null, bestD = 7, edge = null;
    for (const e of list) {
      const x0 = xOf(e.s), x1 = xOf(e.e);
      if (x1 < x - 10 || x0 > x + 10) continue;
      if (e.e > e.s) {
        const dl = Math.abs(x - x0), dr = Math.abs(x - x1);
        if (dl <= 5 && dl < bestD) { best = e; bestD = dl; edge = "start"; continue; }
        if (dr <= 5 && dr < bestD) { best = e; bestD = dr; edge = "end"; continue; }
        if (x > x0 && x < x1 && !best) { best = e; edge = "body"; bestD = 6; }
      } else {
        const d = Math.abs(x - x0);
        if (d < bestD) { best = e; bestD = d; edge = "point"; }
      }
    }
    return { lane, event: best, edge };
  }
  const snapMs = (ms) => msOfFrame(clampFrame(grid.snap(Math.max(0, ms))));
  canvas.onmousedown = (ev) => {
    tl.focus({ preventScroll: true });
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    if (x < LABEL_W) return;
    const h0 = hit(x, y);
    if (h0.lane && h0.lane.kind === "suggested" && pickSuggestionAt(x)) return;
    if (!h0.event) {
      seekMs(msOfX(x));
      if (S.selected) { S.selected = null; renderSelection(); draw(); }
      S.drag = { scrub: true };
      return;
    }
    select(h0.event, false);
    if (readOnly || h0.event.o !== D.coder) return;
    // drag a copy: the server's row stays as it is until the move is stored
    const copy = Object.assign({}, h0.event);
    const i = S.events.indexOf(h0.event); if (i >= 0) S.events[i] = copy;
    const lane = S.byLane[copy.k + ":" + (copy.o || "")] || [];
    const j = lane.indexOf(h0.event); if (j >= 0) lane[j] = copy;
    S.drag = { ev: copy, edge: h0.edge, x0: x, s: copy.s, e: copy.e, moved: false };
    ev.preventDefault();
  };
  canvas.onmousemove = (ev) => {
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    const d = S.drag;
    if (!d) {
      const hh = hit(x, y);
      canvas.style.cursor = hh.event ? (hh.edge === "start" || hh.edge === "end" ? "ew-resize" : "pointer") : (y < lanesTop ? "text" : "default");
      return;
    }
    if (d.scrub) { seekMs(msOfX(x)); return; }
    const dms = (x - d.x0) / S.view.pxPerMs;
    const e = d.ev;
    if (d.edge === "start") { e.s = Math.min(snapMs(d.s + dms), d.e); }
    else if (d.edge === "end") { e.e = Math.max(snapMs(d.e + dms), d.s); }
    else { const s = snapMs(d.s + dms); e.e = s + (d.e - d.s); e.s = s; }
    d.moved = e.s !== d.s || e.e !== d.e;
    draw();
  };
  const endDrag = () => {
    const d = S.drag; S.drag = null;
    if (!d || d.scrub || !d.moved) return;
    const e = d.ev;
    post(Object.assign({ op: "move", start_ms: e.s, end_ms: e.e, t: Date.now() }, target(Object.assign({}, e, { s: d.s }))));
    renderSelection();
  };
  canvas.onmouseup = endDrag;
  canvas.onmouseleave = endDrag;
  canvas.onwheel = (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left;
    if (ev.ctrlKey || ev.metaKey) { zoom(ev.deltaY < 0 ? 1.25 : 0.8, msOfX(Math.max(LABEL_W, x))); return; }
    const d = Math.abs(ev.deltaX) > Math.abs(ev.deltaY) ? ev.deltaX : ev.deltaY;
    S.view.startMs += d / S.view.pxPerMs; draw();
  };

  // a link can open the clip at a moment (`?t=` ms, e.g. a supervisor's disagreement):
  // seek there and show about ten seconds around it, once per link (`seek.key`)
  if (D.seek && D.seek.key !== S.seekKey) {
    S.seekKey = D.seek.key;
    const at = D.seek.ms;
    const go = () => {
      el.video.pause(); seekMs(at);
      S.view.pxPerMs = plotW() / Math.min(durationMs, 10000); clampView();
      S.view.startMs = at - 5000; clampView(); draw(); positionPlayhead(true);
    };
    requestAnimationFrame(go);
    if (el.video.readyState < 1) el.video.addEventListener("loadedmetadata", go, { once: true });
  }

  // ------------------------------------------------------------------ suggested marks
  // The Suggested lane: what attune heard, for the coder to accept (Enter, or a code key
  // to accept as that code) or reject (Backspace). ↓/↑ go to the next/previous one and
  // play from a second before it; n/N do too unless the scheme codes with n (the default
  // scheme's N03 is on n, and a code key always codes). Decisions are outbox messages,
  // so none is lost; a suggestion decided here is hidden at once.
  function suggestionsOn() { return !readOnly && lanes.some((l) => l.kind === "suggested"); }
  function pendingSuggestions() {
    if (!suggestionsOn()) return [];
    const gone = new Set(Object.keys(S.sugDecided || {}).map(Number));
    for (const m of S.outbox) if (m.sid != null) gone.add(m.sid);
    const min = S.sugMin || 0;
    return (D.suggestions || []).filter((x) => !gone.has(x.id) && x.p >= min).sort((a, b) => a.s - b.s);
  }
  function selectedSuggestion() {
    if (S.sugSel == null) return null;
    return pendingSuggestions().find((x) => x.id === S.sugSel) || null;
  }
  function showSuggestion(x, play) {
    S.sugSel = x ? x.id : null;
    if (x) {
      S.selected = null; S.open = null;
      seekMs(Math.max(0, x.s - 1000));
      const xx = xOf(x.s);
      if (xx < LABEL_W || xx > widthPx()) S.view.startMs = x.s - 0.3 * plotW() / S.view.pxPerMs;
      if (play) el.video.play();
    }
    renderSuggestion(); draw();
  }
  function stepSuggestion(dir) {
    const list = pendingSuggestions(); if (!list.length) { showSuggestion(null); return; }
    const cur = selectedSuggestion();
    let i;
    if (cur) i = list.indexOf(cur) + dir;
    else { const ms = curMs(); i = dir > 0 ? list.findIndex((x) => x.s > ms) : list.map((x) => x.s < ms).lastIndexOf(true); }
    if (i < 0 || i >= list.length) i = dir > 0 ? 0 : list.length - 1;
    showSuggestion(list[i], true);
  }
  function decideSuggestion(op, code) {
    const x = selectedSuggestion(); if (!x) return;
    const list = pendingSuggestions(); const next = list[list.indexOf(x) + 1] || null;
    const msg = { op, sid: x.id, t: Date.now() };
    if (op === "accept") {
      const c = code || x.c;
      if (!c) { showBanner("This suggestion has no code yet: press the code key to accept it as that code."); return; }
      const cc = codeById[c];
      if (cc && cc.kind !== x.k) { showBanner(`This suggestion is a ${x.k}: press a ${x.k} code key to accept it as that code.`); return; }
      Object.assign(msg, { code: c, kind: x.k, start_ms: x.s, end_ms: x.e });
    }
    post(msg);
    S.sugSel = null;
    if (next) showSuggestion(next, false); else { renderSuggestion(); draw(); }
  }
  function suggestionAcked(m, r) {
    if (m.sid == null) return;
    S.sugDecided = S.sugDecided || {};
    if (r.ok) S.sugDecided[m.sid] = true; else delete S.sugDecided[m.sid];
  }
  function suggestionKey(e) {
    if (!suggestionsOn() || e.ctrlKey || e.metaKey || e.altKey) return false;
    const k = e.key;
    const nKeys = !codeByKey["n"];
    if (k === "ArrowDown" || (nKeys && k === "n")) { stepSuggestion(1); return true; }
    if (k === "ArrowUp" || (nKeys && k === "N")) { stepSuggestion(-1); return true; }
    if (!selectedSuggestion()) return false;
    if (k === "Enter") { decideSuggestion("accept"); return true; }
    if (k === "Backspace" || k === "Delete") { decideSuggestion("reject"); return true; }
    if (k === "Escape") { showSuggestion(null); return false; }
    const c = k.length === 1 && !e.repeat ? codeByKey[k.toLowerCase()] : null;
    if (c) { decideSuggestion("accept", c.id); return true; }
    return false;
  }
  function pickSuggestionAt(x) {
    let best = null, bestD = 8;
    for (const s of pendingSuggestions()) {
      const x0 = xOf(s.s), x1 = Math.max(xOf(s.e), x0 + 4);
      const d = x >= x0 && x <= x1 ? 0 : Math.min(Math.abs(x - x0), Math.abs(x - x1));
      if (d < bestD) { best = s; bestD = d; }
    }
    if (best) { el.video.pause(); showSuggestion(best, false); }
    return !!best;
  }
  function drawSuggestions(g, y, t0, t1, w) {
    const selId = S.sugSel;
    for (const x of pendingSuggestions()) {
      if (x.e < t0 || x.s > t1) continue;
      const x0 = Math.max(LABEL_W, xOf(x.s)), x1 = Math.min(w, Math.max(xOf(x.e), x0 + 4));
      const col = KIND_COLOUR[x.k] || KIND_COLOUR.suggested;
      g.globalAlpha = 0.25 + 0.5 * (x.p / 100);
      g.fillStyle = col; g.setLineDash([3, 2]); g.strokeStyle = col;
      g.fillRect(x0, y + 6, x1 - x0, LANE_H - 12); g.strokeRect(x0 + 0.5, y + 4.5, x1 - x0 - 1, LANE_H - 9);
      g.setLineDash([]); g.globalAlpha = 1;
      if (x.id === selId) { g.strokeStyle = "#f0a020"; g.lineWidth = 2.5; g.strokeRect(x0 - 3, y + 2, x1 - x0 + 6, LANE_H - 4); g.lineWidth = 1; }
      const label = (x.c || "?") + (x.g ? "?" : "");  // "?": the code is a guess
      if (x1 - x0 > g.measureText(label).width + 6) { g.fillStyle = "#1f2430"; g.fillText(label, x0 + 3, y + LANE_H / 2); }
    }
  }
  function renderSuggestion() {
    const x = selectedSuggestion();
    if (!x) { if (S.sugShown) { S.sugShown = false; S.lastSelKey = null; renderSelection(); } return; }
    S.sugShown = true;
    const box = el.selbox; box.innerHTML = "";
    const c = codeById[x.c];
    const head = h("div", "head sug", "");
    head.appendChild(h("b", "", "Suggested " + (x.c || "") + " "));
    head.appendChild(document.createTextNode((c ? c.label : "choose a code") + (x.g ? " (a guess)" : "")));
    box.appendChild(head);
    box.appendChild(h("div", "frame", fmt(x.s) + (x.e > x.s ? " – " + fmt(x.e) : "") + "  ·  " + x.p + "% sure  ·  " + (x.b || "")));
    box.appendChild(h("div", "", "Enter accepts · a code key accepts as that code · Backspace rejects"));
  }
  function suggestionHelp() {
    if (!suggestionsOn()) return "";
    return " · Suggested: <kbd>↓</kbd> <kbd>↑</kbd>" + (codeByKey["n"] ? "" : " (or <kbd>n</kbd> <kbd>N</kbd>)") +
      " next/previous · <kbd>Enter</kbd> accept · <kbd>Backspace</kbd> reject";
  }
  if (suggestionsOn() && !S.sugFilter) {  // filter by confidence, beside the speed
    S.sugFilter = h("select", "sugmin"); S.sugFilter.title = "Which suggestions to show";
    for (const [v, t] of [[0, "All suggestions"], [50, "Suggestions 50%+ sure"], [80, "Suggestions 80%+ sure"]]) {
      const o = h("option", "", t); o.value = String(v); S.sugFilter.appendChild(o);
    }
    S.sugFilter.onchange = () => { S.sugMin = parseInt(S.sugFilter.value, 10) || 0; S.sugSel = null; renderSuggestion(); draw(); tl.focus(); };
    el.speed.parentElement.appendChild(S.sugFilter);
  }
  renderSuggestion();

  // handy for tests and the benchmark
  tl.__api = { post, select, curMs, curFrame, seekFrame, seekMs, zoom, draw, state: S, msOfFrame, frameOfMs, xOf, lanesTop, LANE_H, pendingSuggestions };
  attuneZoom(tl, el.video, tl.__api);  // zoom.js: zoom and pan on the player, moments' crops
}
