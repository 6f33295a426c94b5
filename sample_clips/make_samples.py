"""Make attune's synthetic sample clips and their true events.

Run ``python sample_clips/make_samples.py`` (or with ``--out DIR``). It draws three
cartoon clips of a baby (left) and a parent (right) with OpenCV, adds their sounds, and
encodes them with PyAV as 640x360, 25 fps, H.264 + AAC MP4. Next to each clip it writes
``<name>.events.json`` (coder "truth"), valid against ``schemas/events.v1.schema.json``;
for the first clip also ``<name>.coder2.events.json``, a second coder who differs in a
realistic way. The output is byte-identical on every run (one encoder thread, fixed
seeds, no time stamps in the files).

Every picture carries its frame number twice: as large text ("#0123") at the top left,
and as 16 black/white blocks along the bottom edge (most significant bit first, white =
1) that :func:`read_frame_number` decodes exactly even after scaling and compression.
A short 1 kHz beep at known times (``BEEPS_MS``) marks the sound for sync checks.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT, FPS = 640, 360, 25
SAMPLE_RATE = 48_000
SCHEME = {"name": "attuned-moments", "version": 2}  # v1 with modifiers
#: Frame-number code at the bottom edge: 16 blocks of 40 x 16 pixels.
CODE_BITS, CODE_BLOCK_H = 16, 16
#: Beeps (1 kHz, 120 ms) at these times in every clip, for sync tests.
BEEPS_MS = (500, 15_000)
BEEP_MS, BEEP_HZ = 120, 1000


@dataclass(frozen=True)
class Ev:
    """One true event: id, kind, code, span [start_ms, end_ms), the id it answers, and
    its modifiers (``name=value`` of the scheme's)."""

    id: str
    kind: str
    code: str
    start_ms: int
    end_ms: int
    answers: str | None = None
    note: str = ""
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clip:
    name: str
    title: str
    duration_ms: int
    events: tuple[Ev, ...]


def _e(id_: str, kind: str, code: str, start: int, end: int, answers: str | None = None,
       note: str = "") -> Ev:
    return Ev(id_, kind, code, start, end, answers, note)


CLIPS: tuple[Clip, ...] = (
    Clip("sample_a_gaze_and_smiles", "Looks, smiles, a coo conversation and a break", 30_000, (
        _e("c1", "cue", "C01", 1000, 2500, note="baby looks at parent"),
        _e("r1", "response", "R04", 1600, 3000, "c1", "parent returns gaze and smiles"),
        _e("a1", "reaction", "A01", 3000, 4000, "r1", "baby smiles back"),
        _e("c2", "cue", "C03", 5000, 5600, note="baby coos"),
        _e("r2", "response", "R05", 5900, 6700, "c2", "parent imitates the coo"),
        _e("c3", "cue", "C03", 7400, 8000, note="baby coos again"),
        _e("r3", "response", "R08", 8300, 9000, "c3", "parent takes a short turn, waits"),
        _e("a2", "reaction", "A02", 9400, 10000, "r3", "baby takes another turn"),
        _e("c4", "cue", "C07", 12000, 12800, note="baby's brows lift (subtle)"),
        _e("r4", "response", "R03", 13000, 14500, "c4", "parent: 'oh, you like that!'"),
        _e("a3", "reaction", "A01", 14800, 15800, "r4", "baby smiles"),
        _e("c5", "cue", "C10", 18000, 21000, note="baby looks away"),
        _e("r5", "response", "R10", 18700, 21000, "c5", "parent goes quiet and still"),
        _e("a4", "reaction", "A03", 21000, 22000, "r5", "baby settles"),
        _e("c6", "cue", "C01", 23000, 24000, note="baby looks back"),
        _e("r6", "response", "R04", 24300, 25500, "c6", "parent smiles and nods"),
        _e("a5", "reaction", "A01", 25600, 26600, "r6", "baby smiles"),
    )),
    Clip("sample_b_turns", "Back-and-forth turns: coos answered with talk", 25_000, (
        _e("c1", "cue", "C05", 1000, 1800, note="baby turns toward parent"),
        _e("r1", "response", "R01", 1500, 2400, "c1", "parent turns to look"),
        _e("c2", "cue", "C03", 3000, 3600, note="baby coos"),
        _e("r2", "response", "R07", 3900, 5000, "c2", "parent: 'you're telling me!'"),
        _e("c3", "cue", "C03", 5600, 6200, note="baby coos"),
        _e("r3", "response", "R08", 6500, 7200, "c3", "parent takes a short turn, waits"),
        _e("c4", "cue", "C03", 7900, 8500, note="baby coos"),
        _e("r4", "response", "R05", 8800, 9600, "c4", "parent imitates the sound"),
        _e("a1", "reaction", "A02", 10000, 10600, "r4", "baby coos again"),
        _e("c5", "cue", "C04", 13000, 14000, note="baby reaches toward the toy"),
        _e("r5", "response", "R06", 14300, 16000, "c5", "parent follows baby's lead"),
        _e("a2", "reaction", "A01", 16200, 17200, "r5", "baby smiles"),
        _e("c6", "cue", "C02", 19000, 20000, note="baby smiles"),
        _e("r6", "response", "R04", 20400, 21500, "c6", "parent smiles back"),
        _e("a3", "reaction", "A02", 21800, 22400, "r6", "baby coos"),
    )),
    Clip("sample_c_fuss_and_soothe", "Fussing soothed, a turn-away given a break", 35_000, (
        _e("c1", "cue", "C15", 2000, 5000, note="baby fusses"),
        _e("r1", "response", "R11", 3500, 8000, "c1", "parent soothes with touch and voice"),
        _e("a1", "reaction", "A03", 8000, 9500, "r1", "baby calms"),
        _e("c2", "cue", "C13", 12000, 14000, note="baby turns well away"),
        _e("r2", "response", "R10", 12800, 16000, "c2", "parent gives a break"),
        _e("a2", "reaction", "A03", 16000, 17000, "r2", "baby settles"),
        _e("c3", "cue", "C12", 19000, 19800, note="baby grimaces (subtle)"),
        _e("r3", "response", "R02", 19900, 22000, "c3", "parent waits"),
        _e("c4", "cue", "C01", 24000, 25000, note="baby looks at parent"),
        _e("r4", "response", "R03", 25300, 26800, "c4", "parent: 'there you are'"),
        _e("c5", "cue", "C02", 27500, 28500, note="baby smiles"),
        _e("r5", "response", "R04", 28800, 30000, "c5", "parent smiles back"),
        _e("a3", "reaction", "A01", 30200, 31200, "r5", "baby smiles"),
    )),
)

#: The modifiers the true events carry where what is drawn and heard shows them: how a
#: response is made (a smile is the face, talk and imitation the voice, soothing the
#: touch), how strongly a cue shows (a subtle cue a little, turning well away strongly),
#: and who started (the baby, for a cue that opens an exchange). Other events carry none.
MODIFIERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("sample_a_gaze_and_smiles", "c1"): ("initiated=baby",),
    ("sample_a_gaze_and_smiles", "r1"): ("modality=face",),
    ("sample_a_gaze_and_smiles", "r2"): ("modality=voice",),
    ("sample_a_gaze_and_smiles", "c4"): ("intensity=1",),
    ("sample_a_gaze_and_smiles", "r4"): ("modality=voice",),
    ("sample_a_gaze_and_smiles", "r6"): ("modality=face",),
    ("sample_b_turns", "c1"): ("initiated=baby",),
    ("sample_b_turns", "r2"): ("modality=voice",),
    ("sample_b_turns", "r6"): ("modality=face",),
    ("sample_c_fuss_and_soothe", "c1"): ("intensity=2",),
    ("sample_c_fuss_and_soothe", "r1"): ("modality=touch",),
    ("sample_c_fuss_and_soothe", "c2"): ("intensity=3",),
    ("sample_c_fuss_and_soothe", "c3"): ("intensity=1",),
}

#: The second coder of the first clip: onsets 200-900 ms away from the truth, the subtle
#: cue c4 not seen (its response then answers nothing), and r2 coded R04 not R05.
CODER2_SHIFT_MS = {"c1": 300, "r1": 400, "a1": 250, "c2": -200, "r2": 500, "c3": 350,
                   "r3": 600, "a2": 200, "r4": 700, "a3": -300, "c5": 900, "r5": 450,
                   "a4": 300, "c6": -250, "r6": 800, "a5": 350}
CODER2_MISSED = "c4"
CODER2_RECODE = {"r2": "R04"}


# ---------------------------------------------------------------- events documents

def events_document(clip: Clip, coder: str = "truth") -> dict[str, Any]:
    events = [_event_dict(_with_modifiers(clip, ev), coder) for ev in clip.events]
    return _document(clip, events)


def _with_modifiers(clip: Clip, ev: Ev) -> Ev:
    mods = MODIFIERS.get((clip.name, ev.id), ())
    return Ev(ev.id, ev.kind, ev.code, ev.start_ms, ev.end_ms, ev.answers, ev.note, mods)


def coder2_document(clip: Clip) -> dict[str, Any]:
    events = []
    for ev in clip.events:
        if ev.id == CODER2_MISSED:
            continue
        shift = CODER2_SHIFT_MS[ev.id]
        answers = None if ev.answers == CODER2_MISSED else ev.answers
        moved = Ev(ev.id, ev.kind, CODER2_RECODE.get(ev.id, ev.code), ev.start_ms + shift,
                   ev.end_ms + shift, answers, "", _with_modifiers(clip, ev).modifiers)
        events.append(_event_dict(moved, "coder2"))
    return _document(clip, events)


def _event_dict(ev: Ev, coder: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ev.id, "coder": coder, "kind": ev.kind, "code": ev.code,
                           "start_ms": ev.start_ms, "end_ms": ev.end_ms,
                           "answers": ev.answers}
    if ev.note:
        out["note"] = ev.note
    if ev.modifiers:
        out["modifiers"] = list(ev.modifiers)
    return out


def _document(clip: Clip, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": 1,
            "clip": {"name": f"{clip.name}.mp4", "duration_ms": clip.duration_ms,
                     "sha256": None, "fps": f"{FPS}/1"},
            "scheme": dict(SCHEME), "events": events}


# ---------------------------------------------------------------- what happens when

def _active(clip: Clip, t_ms: int, *codes: str) -> Ev | None:
    for ev in clip.events:
        if ev.code in codes and ev.start_ms <= t_ms < ev.end_ms:
            return ev
    return None


@dataclass(frozen=True)
class Pose:
    baby_gaze: int  # +1 toward parent, -1 away, 0 ahead
    baby_mouth: str  # smile, coo, fuss, frown, neutral
    baby_brows_up: bool
    baby_reach: bool
    baby_tears: bool
    parent_gaze: int  # -1 toward baby, +1 away
    parent_mouth: str  # smile, talk, neutral
    parent_soothe: bool
    label: str


def pose_at(clip: Clip, t_ms: int) -> Pose:
    fuss = _active(clip, t_ms, "C15", "C16")
    away = _active(clip, t_ms, "C10", "C13")
    coo = _active(clip, t_ms, "C03") or _active(clip, t_ms, "A02")
    smile = _active(clip, t_ms, "C02", "A01")
    frown = _active(clip, t_ms, "C12")
    looks = _active(clip, t_ms, "C01", "C05", "C04", "C07")
    talk = _active(clip, t_ms, "R03", "R05", "R07", "R08")
    psmile = _active(clip, t_ms, "R04", "R06")
    soothe = _active(clip, t_ms, "R11")
    pbreak = _active(clip, t_ms, "R10", "R02")
    baby_mouth = ("fuss" if fuss else "coo" if coo else "smile" if smile else
                  "frown" if frown else "neutral")
    labels = [ev.note for ev in clip.events if ev.start_ms <= t_ms < ev.end_ms and ev.note]
    return Pose(
        baby_gaze=-1 if away else 1 if (looks or smile or coo) else 0,
        baby_mouth=baby_mouth,
        baby_brows_up=_active(clip, t_ms, "C07") is not None,
        baby_reach=_active(clip, t_ms, "C04") is not None,
        baby_tears=fuss is not None,
        parent_gaze=1 if pbreak and not soothe else -1,
        parent_mouth="talk" if talk or soothe else "smile" if psmile else "neutral",
        parent_soothe=soothe is not None,
        label=" / ".join(labels[:2]),
    )


# ---------------------------------------------------------------- pictures

def draw_frame(clip: Clip, index: int) -> np.ndarray:
    t_ms = index * 1000 // FPS
    pose = pose_at(clip, t_ms)
    img = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    img[:] = (225, 235, 245)  # wall
    img[250:HEIGHT - CODE_BLOCK_H] = (160, 190, 210)  # floor
    _draw_baby(img, pose, t_ms)
    _draw_parent(img, pose, t_ms)
    cv2.putText(img, f"#{index:04d}", (10, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 4,
                cv2.LINE_AA)
    cv2.putText(img, f"{t_ms / 1000:5.2f} s", (WIDTH - 150, 34), cv2.FONT_HERSHEY_SIMPLEX,
                0.8, (40, 40, 40), 2, cv2.LINE_AA)
    if pose.label:
        cv2.putText(img, pose.label[:60], (10, 325), cv2.FONT_HERSHEY_SIMPLEX, 0.6,
                    (30, 30, 30), 1, cv2.LINE_AA)
    draw_frame_code(img, index)
    return img


def draw_frame_code(img: np.ndarray, number: int) -> None:
    block_w = img.shape[1] // CODE_BITS
    top = img.shape[0] - CODE_BLOCK_H
    for bit in range(CODE_BITS):
        on = (number >> (CODE_BITS - 1 - bit)) & 1
        img[top:, bit * block_w:(bit + 1) * block_w] = 255 if on else 0


def read_frame_number(bgr: np.ndarray) -> int:
    """Decode the block code at the bottom of a (possibly scaled, compressed) picture."""
    height, width = bgr.shape[:2]
    band = round(height * CODE_BLOCK_H / HEIGHT)
    row = bgr[height - band + band // 4: height - band // 4].mean(axis=(0, 2))
    value = 0
    for bit in range(CODE_BITS):
        lo, hi = bit * width / CODE_BITS, (bit + 1) * width / CODE_BITS
        middle = row[int(lo + (hi - lo) / 4): int(hi - (hi - lo) / 4) + 1]
        value = (value << 1) | int(middle.mean() > 127)
    return value


def _draw_baby(img: np.ndarray, pose: Pose, t_ms: int) -> None:
    cx, cy, r = 190, 170, 62
    skin, ink = (170, 205, 240), (40, 40, 60)
    cv2.ellipse(img, (cx, cy + 120), (70, 60), 0, 180, 360, (200, 170, 120), -1)  # body
    cv2.circle(img, (cx, cy), r, skin, -1, cv2.LINE_AA)
    cv2.circle(img, (cx, cy), r, ink, 2, cv2.LINE_AA)
    look = pose.baby_gaze * 8
    for ex in (cx - 22, cx + 22):
        cv2.circle(img, (ex, cy - 12), 11, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(img, (ex + look, cy - 12), 5, ink, -1, cv2.LINE_AA)
        brow = cy - 34 if pose.baby_brows_up else cy - 27
        cv2.line(img, (ex - 10, brow), (ex + 10, brow), ink, 2, cv2.LINE_AA)
    mouth = (cx + look // 2, cy + 25)
    if pose.baby_mouth == "smile":
        cv2.ellipse(img, mouth, (18, 11), 0, 0, 180, ink, 3, cv2.LINE_AA)
    elif pose.baby_mouth == "coo":
        cv2.circle(img, mouth, 7 + (t_ms // 80) % 3, (60, 60, 160), -1, cv2.LINE_AA)
    elif pose.baby_mouth in ("fuss", "frown"):
        cv2.ellipse(img, (mouth[0], mouth[1] + 8), (16, 9), 0, 180, 360, ink, 3, cv2.LINE_AA)
    else:
        cv2.line(img, (mouth[0] - 10, mouth[1]), (mouth[0] + 10, mouth[1]), ink, 2)
    if pose.baby_tears:
        drop = (t_ms // 40) % 20
        cv2.circle(img, (cx - 26, cy + 4 + drop), 4, (230, 150, 60), -1, cv2.LINE_AA)
    if pose.baby_reach:
        cv2.line(img, (cx + 40, cy + 90), (cx + 120, cy + 40), skin, 14, cv2.LINE_AA)
    cv2.circle(img, (cx + 140, 280), 16, (60, 160, 60), -1, cv2.LINE_AA)  # a toy


def _draw_parent(img: np.ndarray, pose: Pose, t_ms: int) -> None:
    cx, cy, r = 460, 130, 80
    skin, ink = (150, 180, 215), (30, 30, 50)
    cv2.rectangle(img, (cx - 85, cy + 85), (cx + 85, 344), (120, 80, 160), -1)  # body
    cv2.circle(img, (cx, cy - 20), r + 8, (40, 60, 90), -1, cv2.LINE_AA)  # hair
    cv2.circle(img, (cx, cy), r, skin, -1, cv2.LINE_AA)
    look = pose.parent_gaze * 10
    for ex in (cx - 28, cx + 28):
        cv2.circle(img, (ex, cy - 15), 13, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(img, (ex + look, cy - 15), 6, ink, -1, cv2.LINE_AA)
    mouth = (cx + look // 2, cy + 35)
    if pose.parent_mouth == "talk":
        opening = 4 + 8 * ((t_ms // 120) % 2)
        cv2.ellipse(img, mouth, (20, opening), 0, 0, 360, (50, 50, 140), -1, cv2.LINE_AA)
    elif pose.parent_mouth == "smile":
        cv2.ellipse(img, mouth, (26, 14), 0, 0, 180, ink, 3, cv2.LINE_AA)
    else:
        cv2.line(img, (mouth[0] - 16, mouth[1]), (mouth[0] + 16, mouth[1]), ink, 2)
    if pose.parent_soothe:
        pat = int(10 * math.sin(t_ms / 1000 * 2 * math.pi))
        cv2.line(img, (cx - 80, cy + 120), (270, 230 + pat), skin, 18, cv2.LINE_AA)
        cv2.circle(img, (262, 230 + pat), 14, skin, -1, cv2.LINE_AA)


# ---------------------------------------------------------------- sound

def make_sound(clip: Clip, seed: int) -> np.ndarray:
    """Stereo float32 (2, n): room noise, coos (high chirps), parent talk (lower tones),
    fussing (rough mid tones), and the sync beeps."""
    n = clip.duration_ms * SAMPLE_RATE // 1000
    rng = np.random.default_rng(seed)
    mono = (rng.standard_normal(n) * 0.004).astype(np.float64)
    for ev in clip.events:
        a, b = ev.start_ms * SAMPLE_RATE // 1000, ev.end_ms * SAMPLE_RATE // 1000
        t = np.arange(b - a) / SAMPLE_RATE
        if ev.code == "C03" or (ev.kind == "reaction" and ev.code == "A02"):
            freq = 600 + 700 * t / max(t[-1], 1e-3)  # rising chirp 600 -> 1300 Hz
            tone = np.sin(2 * np.pi * np.cumsum(freq) / SAMPLE_RATE) * 0.35
        elif ev.code in ("R03", "R05", "R07", "R08", "R11"):
            syll = (np.sin(2 * np.pi * 4 * t) > -0.2).astype(np.float64)  # ~4 syllables/s
            pitch = 190 + 40 * np.sin(2 * np.pi * 0.7 * t)
            tone = np.sin(2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE) * 0.3 * syll
        elif ev.code in ("C15", "C16"):
            rough = 420 + 60 * np.sin(2 * np.pi * 9 * t)
            tone = np.sign(np.sin(2 * np.pi * np.cumsum(rough) / SAMPLE_RATE)) * 0.12
            tone *= (np.sin(2 * np.pi * 1.5 * t) > 0)
        else:
            continue
        fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
        mono[a:b] += tone * fade
    for beep_ms in BEEPS_MS:
        a = beep_ms * SAMPLE_RATE // 1000
        t = np.arange(BEEP_MS * SAMPLE_RATE // 1000) / SAMPLE_RATE
        mono[a:a + t.size] += np.sin(2 * np.pi * BEEP_HZ * t) * 0.6
    mono = np.clip(mono, -1, 1).astype(np.float32)
    return np.stack([mono, mono])


# ---------------------------------------------------------------- encoding

def encode_clip(clip: Clip, path: Path, seed: int) -> None:
    frames = clip.duration_ms * FPS // 1000
    sound = make_sound(clip, seed)
    tmp = path.with_name(path.name + ".part")
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        out.metadata.clear()
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.codec_context.time_base = Fraction(1, FPS)
        video.codec_context.thread_count = 1
        video.codec_context.options = {"preset": "medium", "crf": "27", "threads": "1",
                                       "profile": "high",
                                       "x264-params": f"keyint={FPS}:min-keyint={FPS}"
                                                      ":scenecut=0"}
        audio = out.add_stream("aac", rate=SAMPLE_RATE)
        audio.layout, audio.format, audio.bit_rate = "stereo", "fltp", 64_000
        pos = 0
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(draw_frame(clip, index), format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            out.mux(video.encode(frame))
            until = (index + 1) * SAMPLE_RATE // FPS
            for chunk in _audio_frames(sound, pos, until):
                out.mux(audio.encode(chunk))
            pos = until // 1024 * 1024
        for chunk in _audio_frames(sound, pos, sound.shape[1], final=True):
            out.mux(audio.encode(chunk))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    tmp.replace(path)


def _audio_frames(sound: np.ndarray, start: int, until: int,
                  final: bool = False) -> Iterator[av.AudioFrame]:
    pos = start
    while pos + 1024 <= until or (final and pos < until):
        chunk = np.ascontiguousarray(sound[:, pos:min(pos + 1024, until)])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate, frame.pts = SAMPLE_RATE, pos
        frame.time_base = Fraction(1, SAMPLE_RATE)
        yield frame
        pos += chunk.shape[1]


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def make_all(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for seed, clip in enumerate(CLIPS, start=1):
        video = out_dir / f"{clip.name}.mp4"
        encode_clip(clip, video, seed)
        write_json(out_dir / f"{clip.name}.events.json", events_document(clip))
        made += [video, out_dir / f"{clip.name}.events.json"]
        if seed == 1:
            write_json(out_dir / f"{clip.name}.coder2.events.json", coder2_document(clip))
            made.append(out_dir / f"{clip.name}.coder2.events.json")
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder (default: here)")
    args = parser.parse_args(argv)
    for path in make_all(args.out):
        print(f"{path}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    sys.exit(main())
