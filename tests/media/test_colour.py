"""Faithful pictures: the proxy keeps the source's tones (full range read as full range,
the matrix converted to BT.709) and 10-bit HDR is tone-mapped to a natural SDR picture.

The reference for each source frame is computed here from its raw Y'CbCr planes with the
textbook formulas (not through FFmpeg's scaler, which is what is under test)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.media import colour
from attune.media.ingest import ingest_media
from tests.media.synth import VIDEOS

_KR_KB = {"bt709": (0.2126, 0.0722), "bt601": (0.299, 0.114), "bt2020": (0.2627, 0.0593)}


def _ycbcr(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Y', Cb, Cr of a 4:2:0 frame, normalised (Y' 0..1, Cb/Cr -0.5..0.5), at chroma size."""
    deep = frame.format.name.endswith(("10le", "p10"))
    dtype, top = (np.uint16, 1023.0) if deep else (np.uint8, 255.0)
    planes = []
    for i, plane in enumerate(frame.planes):
        width = frame.width if i == 0 else (frame.width + 1) // 2
        row = plane.line_size // np.dtype(dtype).itemsize
        data = np.frombuffer(memoryview(plane), dtype).reshape(plane.height, row)[:, :width]
        planes.append(data.astype(np.float64))
    y = planes[0][: planes[1].shape[0] * 2: 2, : planes[1].shape[1] * 2: 2]
    y = y[: planes[1].shape[0], : planes[1].shape[1]]
    cb, cr = planes[1][: y.shape[0], : y.shape[1]], planes[2][: y.shape[0], : y.shape[1]]
    scale = top / 255.0
    if colour.Colour.of(frame).full_range:
        return y / top, (cb - 128 * scale) / top, (cr - 128 * scale) / top
    return ((y - 16 * scale) / (219 * scale), (cb - 128 * scale) / (224 * scale),
            (cr - 128 * scale) / (224 * scale))


def _rgb(frame: av.VideoFrame) -> np.ndarray:
    """Nonlinear R'G'B' (0..1) of a frame, read with its own range and matrix."""
    y, cb, cr = _ycbcr(frame)
    kr, kb = _KR_KB[colour.Colour.of(frame).matrix_name]
    kg = 1 - kr - kb
    r = y + 2 * (1 - kr) * cr
    b = y + 2 * (1 - kb) * cb
    g = (y - kr * r - kb * b) / kg
    return np.clip(np.stack([r, g, b], axis=-1), 0.0, 1.0)


def _luma709(rgb: np.ndarray) -> float:
    """Mean BT.709 luma of R'G'B' in 0..255 units."""
    return float((rgb @ np.array([0.2126, 0.7152, 0.0722])).mean() * 255)


def _proxy_lumas(proxy: Path, limit: int) -> list[float]:
    out = []
    with av.open(str(proxy)) as c:
        for frame in c.decode(video=0):
            assert frame.format.name == "yuv420p" and frame.color_range == colour.RANGE_TV
            out.append(_luma709(_rgb(frame)))
            if len(out) >= limit:
                break
    return out


def _source_frames(source: Path, limit_s: float) -> list[tuple[Fraction, float]]:
    """(time, BT.709 luma) of each source frame in its first ``limit_s`` seconds."""
    out: list[tuple[Fraction, float]] = []
    with av.open(str(source)) as c:
        for frame in c.decode(video=0):
            assert frame.pts is not None and frame.time_base is not None
            when = Fraction(frame.pts) * frame.time_base
            if out and when - out[0][0] > limit_s:
                break
            out.append((when, _luma709(_rgb(frame))))
    return sorted(out)


def _make_full_range_clip(path: Path) -> Path:
    """A 25 fps full-range (yuvj420p) H.264 clip with deep shadows and bright highlights."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuvj420p"
        stream.codec_context.color_range = colour.RANGE_PC
        stream.codec_context.options = {"preset": "ultrafast", "crf": "12"}
        ramp = np.linspace(0, 255, 320, dtype=np.float64)
        for i in range(20):
            img = np.empty((240, 320, 3), np.uint8)
            img[:120] = np.clip(ramp * 0.12 + i, 0, 255).astype(np.uint8)[None, :, None]
            img[120:] = np.clip(ramp * (0.5 + i / 40), 0, 255).astype(np.uint8)[None, :, None]
            img[120:, :, 0] //= 2  # some colour too
            frame = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(
                format="yuvj420p", dst_colorspace="itu709")
            frame.color_range = colour.RANGE_PC
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.mark.parametrize("name", ["pixel7_h264_1080p_noaudio_rot180.mp4",
                                  "android12_portrait_4k60_rot90.mp4", "generated"])
def test_full_range_sources_keep_their_tones(name: str, tmp_path: Path) -> None:
    source = (_make_full_range_clip(tmp_path / "full.mp4") if name == "generated"
              else VIDEOS / name)
    with av.open(str(source)) as c:
        first = next(c.decode(video=0))
        assert colour.Colour.of(first).full_range  # the point of the test
    # The transcode is under test (a copy keeps the source's own full-range pictures).
    result = ingest_media(source, tmp_path / "out", allow_copy=False)
    proxy = _proxy_lumas(result.proxy_path, limit=40)
    seconds = len(proxy) / float(result.proxy_fps) + 0.5
    src = _source_frames(source, seconds)
    origin = src[0][0]
    slots = [round((t - origin) * result.proxy_fps) for t, _ in src]
    for i, got in enumerate(proxy):
        shown = max(k for k, slot in enumerate(slots) if slot <= i)
        assert abs(got - src[shown][1]) <= 2, f"proxy picture {i}: {got:.1f} vs {src[shown][1]:.1f}"
    if name.startswith("pixel7"):  # the very dark clip whose shadows were crushed to 0
        assert min(proxy) > 3


def test_hdr_is_tone_mapped_to_natural_sdr(tmp_path: Path) -> None:
    """The iPhone's 10-bit HLG (Dolby Vision) clip: the proxy is SDR BT.709 whose
    brightness matches the tone curve applied by hand to the source's own pixels, and
    which is neither washed out nor clipped (and saved as a PNG to look at)."""
    source = VIDEOS / "iphone14pro_hevc10_hdr_rot90.MOV"
    with av.open(str(source)) as c:
        frame = next(c.decode(video=0))
        tone = colour.Colour.of(frame)
        assert tone.transfer == colour.TRC_HLG and tone.matrix_name == "bt2020"
        expected = _luma709(colour.hdr_to_sdr(_rgb(frame), tone.transfer))
        naive = _luma709(_rgb(frame))  # HLG shown as if it were SDR
    result = ingest_media(source, tmp_path / "out")
    with av.open(str(result.proxy_path)) as c:
        picture = next(c.decode(video=0))
        bgr = picture.to_ndarray(format="bgr24")
        luma = _luma709(_rgb(picture))
    assert abs(luma - expected) <= 3
    assert 60 < luma < 200
    grey = bgr.mean(axis=-1)
    assert (grey >= 254).mean() < 0.02 and (grey <= 1).mean() < 0.02  # not clipped
    assert bgr.astype(int).std() > 25  # not a flat, washed-out picture
    assert abs(luma - naive) > 3  # the tone mapping did something
    import cv2

    cv2.imwrite(str(tmp_path / "hdr_proxy.png"), bgr)


def test_tone_curve_keeps_black_and_orders_greys() -> None:
    greys = np.linspace(0, 1, 11)[:, None].repeat(3, axis=1)
    for transfer in (colour.TRC_HLG, colour.TRC_PQ):
        sdr = colour.hdr_to_sdr(greys, transfer)
        assert sdr[0].max() < 1e-6
        assert np.all(np.diff(sdr[:, 1]) > 0)  # brighter in, brighter out
        assert np.allclose(sdr[:, 0], sdr[:, 1], atol=1e-3)  # greys stay grey
    # HLG's reference white (75% signal, 203 cd/m2) lands in the upper mid-tones of SDR.
    white = colour.hdr_to_sdr(np.array([[0.75, 0.75, 0.75]]), colour.TRC_HLG)[0, 1]
    assert 0.6 < white < 0.85
