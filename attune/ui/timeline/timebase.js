// attune time base, the browser's copy of attune/core/timebase.py (FrameGrid): the same
// rules in exact integer arithmetic, checked against Python by tests/ui/test_timebase_js.py.
// Prepended to timeline.js when the component is registered (attune/ui/timeline/__init__.py).
//
//   startMs(n)  = ceil(n * 1000 / fps)         first whole ms of frame n
//   frameAt(ms) = floor(ms * fps / 1000)       the frame on screen at ms
//   snap(ms)    = floor(ms * fps / 1000 + 1/2) nearest frame edge
//   sampleAt(n) = floor(n / fps * rate + 1/2)  first audio sample of frame n
// (fps = num / den; every product stays below 2^53 for clips of days.)

function attuneFloorDiv(a, b) {  // exact floor(a / b) for integers, b > 0
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

function attuneFrameGrid(num, den) {
  num = Math.round(num) || 25; den = Math.round(den) || 1;
  return {
    num, den,
    startMs: (n) => -attuneFloorDiv(-n * 1000 * den, num),
    frameAt: (ms) => attuneFloorDiv(Math.round(ms) * num, 1000 * den),
    snap: (ms) => attuneFloorDiv(2 * Math.round(ms) * num + 1000 * den, 2000 * den),
    sampleAt: (n, rate = 48000) => attuneFloorDiv(2 * n * rate * den + num, 2 * num),
  };
}
