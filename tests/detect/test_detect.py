"""attune.detect on known sounds: pure tones, real phone cries, synthetic adult speech
(espeak-ng, also high-pitched), a mix with known truth, and bad input (silence,
clipping, 8 kHz)."""

from __future__ import annotations

import numpy as np
import pytest

from attune.detect.segments import Voice, turn_count, voices
from attune.detect.voice import RATE, frame_features
from attune.media.sound import read_mono
from tests.detect_mixes import CRIES, SPEECH, load_sounds, make_mix, seconds_of
from tests.paths import SAMPLE_VIDEO

BABY = {Voice.INFANT, Voice.CRY}


@pytest.mark.parametrize("f0", [110.0, 220.0, 450.0, 800.0])
def test_pitch_of_a_tone_with_a_harmonic(f0: float) -> None:
    t = np.arange(RATE) / RATE
    x = 0.3 * np.sin(2 * np.pi * f0 * t) + 0.1 * np.sin(2 * np.pi * 2 * f0 * t)
    fr = frame_features(x)
    assert abs(float(np.median(fr.f0_hz)) - f0) < 0.04 * f0
    assert float(np.median(fr.harmonicity)) > 0.9


def test_noise_is_not_voiced() -> None:
    x = np.random.default_rng(1).standard_normal(RATE).astype(np.float32) * 0.1
    assert float(np.median(frame_features(x).harmonicity)) < 0.5
    assert voices(frame_features(x)) == []


def test_silence_and_no_sound_give_no_segments() -> None:
    assert voices(frame_features(np.zeros(RATE * 3, np.float32))) == []
    assert voices(frame_features(np.zeros(10, np.float32))) == []


def test_a_loud_real_cry_is_the_babys_and_high_adult_speech_is_not() -> None:
    cry = CRIES / "92d08bbe-553f-4844-85b1-15d572f06ea2-1436873123434-1.7-m-04-hu.3gp"
    x, has_sound = read_mono(cry, RATE)  # AMR-NB, 8 kHz on the phone
    assert has_sound
    segs = voices(frame_features(x))
    assert sum(s.end_ms - s.start_ms for s in segs if s.voice in BABY) >= 1000
    taken = []
    for p in sorted(SPEECH.glob("*.wav")):
        y, _ = read_mono(p, RATE)
        if any(s.voice is not Voice.ADULT for s in voices(frame_features(y))):
            taken.append(p.name)
    # Every phrase at ordinary pitch is an adult's; of the 8 highest (espeak -p 99, F0
    # 300-360 Hz, like infant-directed speech) 2 are taken for a cry today: a known
    # limit of the pitch-and-length rule, in the README's figures.
    assert all("_p99" in name for name in taken), taken
    assert len(taken) <= 2, taken


def test_clipped_cry_is_still_found() -> None:
    cry = CRIES / "92d08bbe-553f-4844-85b1-15d572f06ea2-1436873123434-1.7-m-04-hu.3gp"
    x, _ = read_mono(cry, RATE)
    clipped = np.clip(x * 8, -1, 1)
    fr = frame_features(clipped)
    assert fr.clipped.any()
    assert sum(s.end_ms - s.start_ms for s in voices(fr) if s.voice in BABY) >= 1000


def test_a_clip_without_a_sound_track_says_so() -> None:
    x, has_sound = read_mono(SAMPLE_VIDEO.parent / "h264_1080x720_video_only.mp4", RATE)
    assert not has_sound and len(x) == 0
    y, has_sound = read_mono(SAMPLE_VIDEO, RATE)
    assert has_sound and len(y) > RATE // 2


def test_a_mix_with_known_truth() -> None:
    """One 60 s mix: the baby's seconds are found with the bench's rule; the figures of
    20 mixes are the bench's (bench/detect.py), this guards against a collapse."""
    cries, speech = load_sounds()
    mix = make_mix(3, cries, speech)
    segs = voices(frame_features(mix.samples))
    d = mix.duration_ms
    truth = seconds_of(mix.truth, BABY, d)
    found = seconds_of(segs, BABY, d)
    tp = int((truth & found).sum())
    assert tp / max(1, int(found.sum())) >= 0.7
    assert tp / max(1, int(truth.sum())) >= 0.4
    assert turn_count(mix.truth) > 0
