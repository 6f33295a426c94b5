// attune timeline: zoom and pan on the player, and each moment's crop (issue 17).
//
// Kept apart from timeline.js (its own file and state, `S.zoom`), called once per run by
// `attuneZoom(tl, video, api)`. The wheel over the picture zooms around the pointer, a
// drag pans, a double-click shows the whole picture again; the buttons do the same. Over a
// moment with a crop the player shows that crop; "Keep for this moment" stores the framing
// as the moment's crop (message op "crop", through the outbox like every change) and
// "Whole picture" clears it. A crop is the part of the picture shown, as fractions of its
// width and height, the same share of both (attune/core/crop.py), so the handout's still
// and the reel's film-stop show what the player showed.

const ZOOM_MAX = 8;

function attuneZoom(tl, video, api) {
  const S = api.state;
  const Z = S.zoom || (S.zoom = { x: 0, y: 0, w: 1, momentId: null, local: {}, drag: null });
  const player = tl.querySelector(".player");
  let bar = player.querySelector(".zoombar");
  if (!bar) {
    bar = h("div", "zoombar");
    bar.innerHTML = `
      <button type="button" class="z-in" title="Closer (or the mouse wheel over the picture)">Closer</button>
      <button type="button" class="z-out" title="Less close">Wider</button>
      <button type="button" class="z-whole" title="The whole picture (double-click)">Whole</button>
      <button type="button" class="z-keep" title="Show this part of the picture in the moment's still and film-stop">Keep for this moment</button>
      <span class="z-say"></span>`;
    player.appendChild(bar);
  }
  const readOnly = !!(S.data && S.data.read_only);
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  const round6 = (v) => Math.round(v * 1e6) / 1e6;

  function box() {  // where the picture is drawn inside the player (letterboxed)
    const ew = video.clientWidth || 1, eh = video.clientHeight || 1;
    const vw = video.videoWidth || ew, vh = video.videoHeight || eh;
    const s = Math.min(ew / vw, eh / vh);
    const cw = vw * s, ch = vh * s;
    return { ox: (ew - cw) / 2, oy: (eh - ch) / 2, cw, ch };
  }
  function show() {
    const z = 1 / Z.w;
    if (z <= 1.0001) { video.style.transform = ""; }
    else {
      const b = box();
      const tx = b.ox - z * (b.ox + Z.x * b.cw), ty = b.oy - z * (b.oy + Z.y * b.ch);
      video.style.transformOrigin = "0 0";
      video.style.transform = `translate(${tx}px, ${ty}px) scale(${z})`;
    }
    tl.dataset.crop = JSON.stringify(current());
    say();
  }
  function set(x, y, w) {
    Z.w = clamp(w, 1 / ZOOM_MAX, 1);
    Z.x = clamp(x, 0, 1 - Z.w); Z.y = clamp(y, 0, 1 - Z.w);
    show();
  }
  function current() {
    return Z.w >= 0.9999 ? null : { x: round6(Z.x), y: round6(Z.y), w: round6(Z.w), h: round6(Z.w) };
  }
  function zoomAt(factor, fx, fy) {  // (fx, fy): the picture's point that stays put
    const w = clamp(Z.w / factor, 1 / ZOOM_MAX, 1);
    const px = Z.x + fx * Z.w, py = Z.y + fy * Z.w;  // in the whole picture
    set(px - fx * w, py - fy * w, w);
  }
  function moments() { return (S.data && S.data.moments) || []; }
  function momentAt(ms) { return moments().find((m) => ms >= m.s && ms < m.e) || null; }
  function cropOf(m) { return m.id in Z.local ? Z.local[m.id] : (m.crop || null); }
  function say() {
    const m = Z.momentId != null ? moments().find((x) => x.id === Z.momentId) : null;
    const c = current(), kept = m ? cropOf(m) : null;
    const same = !!c && !!kept && ["x", "y", "w"].every((k) => Math.abs(c[k] - kept[k]) < 1e-4);
    bar.querySelector(".z-keep").disabled = readOnly || !m || (!c && !kept) || same;
    bar.querySelector(".z-keep").textContent = m && !c && kept ? "Whole picture for this moment" : "Keep for this moment";
    bar.querySelector(".z-say").textContent = (c ? (1 / Z.w).toFixed(1).replace(/\.0$/, "") + "× closer" : "") +
      (same ? " · kept for this moment" : "");
  }
  function follow() {  // entering a moment shows its crop; leaving it, the whole picture
    const m = momentAt(api.curMs());
    const id = m ? m.id : null;
    if (id === Z.momentId) { say(); return; }
    Z.momentId = id;
    const c = m ? cropOf(m) : null;
    if (c) set(c.x, c.y, c.w); else set(0, 0, 1);
  }
  function keep() {
    const m = Z.momentId != null ? moments().find((x) => x.id === Z.momentId) : null;
    if (!m || readOnly) return;
    const c = current();
    Z.local[m.id] = c;
    tl.__api.post({ op: "crop", moment_id: m.id, crop: c, t: Date.now() });
    say();
  }
  bar.querySelector(".z-in").onclick = () => { zoomAt(1.5, 0.5, 0.5); tl.focus(); };
  bar.querySelector(".z-out").onclick = () => { zoomAt(1 / 1.5, 0.5, 0.5); tl.focus(); };
  bar.querySelector(".z-whole").onclick = () => { set(0, 0, 1); tl.focus(); };
  bar.querySelector(".z-keep").onclick = () => { keep(); tl.focus(); };
  function pointer(ev) {  // the pointer as a fraction of what the player shows
    const r = video.parentElement.getBoundingClientRect(), b = box();
    return { fx: clamp((ev.clientX - r.left - b.ox) / b.cw, 0, 1),
             fy: clamp((ev.clientY - r.top - b.oy) / b.ch, 0, 1) };
  }
  if (!Z.bound) {  // once per player: the handlers read the newest data through S
    Z.bound = true;
    player.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const p = pointer(ev);
      Z.api.zoomAt(ev.deltaY < 0 ? 1.25 : 0.8, p.fx, p.fy);
    }, { passive: false });
    player.addEventListener("mousedown", (ev) => {
      if (ev.target.closest(".zoombar") || Z.w >= 0.9999) return;
      Z.drag = { x0: ev.clientX, y0: ev.clientY, x: Z.x, y: Z.y };
      ev.preventDefault();
    });
    window.addEventListener("mousemove", (ev) => {
      if (!Z.drag) return;
      const b = box();
      Z.api.set(Z.drag.x - (ev.clientX - Z.drag.x0) / b.cw * Z.w,
                Z.drag.y - (ev.clientY - Z.drag.y0) / b.ch * Z.w, Z.w);
    });
    window.addEventListener("mouseup", () => { Z.drag = null; });
    player.addEventListener("dblclick", () => Z.api.set(0, 0, 1));
    video.addEventListener("timeupdate", () => Z.api.follow());
    video.addEventListener("seeked", () => Z.api.follow());
    video.addEventListener("loadedmetadata", () => Z.api.show());
  }
  Z.api = { set, show, follow, zoomAt, keep, current };
  follow();
  show();
}
