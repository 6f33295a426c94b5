"""Colour of a recording: its range and matrix as FFmpeg's scaler names them, and the
tone mapping of 10-bit HDR (HLG or PQ) to the SDR BT.709 picture a browser shows.

PyAV's bundled FFmpeg has ``tonemap`` and ``lut3d`` but not ``zscale``, and ``tonemap``
needs linear light that only ``zscale`` makes. So the whole HDR-to-SDR conversion is
computed here once, in NumPy, as a 3D lookup table (``.cube``) that FFmpeg's ``lut3d``
applies to the scaled RGB pictures. The curve is the one of the usual FFmpeg recipe
``zscale=t=linear:npl=100, zscale=p=bt709, tonemap=hable, zscale=t=bt709``:

1. the signal becomes display light (HLG: inverse OETF and the BT.2100 OOTF for a
   1000 cd/m2 display, system gamma 1.2; PQ: its EOTF), 1.0 = 100 cd/m2;
2. BT.2020 primaries become BT.709 (in linear light; colours outside are clipped);
3. Hable's filmic curve maps the brightest channel from the 1000 cd/m2 peak into SDR,
   scaling the three channels together so hues stay;
4. the BT.709 OETF makes the SDR signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# FFmpeg's AVColorSpace, AVColorTransferCharacteristic and AVColorRange numbers.
_MATRIX_NAMES = {1: "bt709", 4: "fcc", 5: "bt601", 6: "bt601", 7: "smpte240m",
                 9: "bt2020", 10: "bt2020"}
TRC_PQ = 16
TRC_HLG = 18
RANGE_TV, RANGE_PC = 1, 2
#: HLG's nominal peak (cd/m2) and the light that is 1.0 in the linear signal.
HLG_PEAK_NITS = 1000.0
LINEAR_ONE_NITS = 100.0
CUBE_SIZE = 33

_BT2020_TO_BT709 = np.array([
    [1.6605, -0.5876, -0.0728],
    [-0.1246, 1.1329, -0.0083],
    [-0.0182, -0.1006, 1.1187],
])
_BT2020_LUMA = np.array([0.2627, 0.6780, 0.0593])


@dataclass(frozen=True)
class Colour:
    """How a decoded picture's numbers are to be read."""

    full_range: bool
    matrix_name: str  # as FFmpeg's scale filter names it (in_color_matrix)
    transfer: int  # AVColorTransferCharacteristic

    @property
    def range_name(self) -> str:
        return "pc" if self.full_range else "tv"

    @property
    def is_hdr(self) -> bool:
        return self.transfer in (TRC_PQ, TRC_HLG)

    @classmethod
    def of(cls, frame: Any) -> Colour:
        """From a decoded frame's tags; an untagged matrix is guessed from the size as
        players do (BT.709 for HD, BT.601 below)."""
        full = frame.format.name.startswith("yuvj") or frame.color_range == RANGE_PC
        matrix = _MATRIX_NAMES.get(int(frame.colorspace))
        if matrix is None:
            matrix = "bt709" if frame.width >= 1280 or frame.height >= 720 else "bt601"
        return cls(full, matrix, int(frame.color_trc))


def tag_bt709(codec_context: Any) -> None:
    """Label an encoder's pictures as what :class:`~attune.media.ingest` makes: BT.709,
    limited range (so browsers and FFmpeg read them back as written)."""
    codec_context.color_range = RANGE_TV
    codec_context.colorspace = 1
    codec_context.color_primaries = 1
    codec_context.color_trc = 1


def hdr_to_display_light(signal: np.ndarray, transfer: int) -> np.ndarray:
    """Nonlinear BT.2020 R'G'B' (0..1, shape (..., 3)) to display light, 1.0 = 100 cd/m2."""
    e = np.clip(signal, 0.0, 1.0)
    if transfer == TRC_PQ:
        m1, m2 = 2610 / 16384, 2523 / 4096 * 128
        c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
        p = e ** (1 / m2)
        nits = 10000 * (np.maximum(p - c1, 0) / (c2 - c3 * p)) ** (1 / m1)
        return nits / LINEAR_ONE_NITS  # type: ignore[no-any-return]
    if transfer != TRC_HLG:
        raise ValueError(f"not an HDR transfer: {transfer}")
    a, b, c = 0.17883277, 0.28466892, 0.55991073
    scene = np.where(e <= 0.5, e * e / 3, (np.exp((e - c) / a) + b) / 12)
    gamma = 1.2  # BT.2100 system gamma at a 1000 cd/m2 display
    luma = np.maximum(scene @ _BT2020_LUMA, 1e-9)[..., None]
    display = HLG_PEAK_NITS * luma ** (gamma - 1) * scene
    return display / LINEAR_ONE_NITS  # type: ignore[no-any-return]


def _hable(x: np.ndarray | float) -> Any:
    a, b, c, d, e, f = 0.15, 0.50, 0.10, 0.20, 0.02, 0.30
    return (x * (a * x + c * b) + d * e) / (x * (a * x + b) + d * f) - e / f


def hdr_to_sdr(signal: np.ndarray, transfer: int) -> np.ndarray:
    """Nonlinear BT.2020 HDR R'G'B' (0..1) to nonlinear BT.709 SDR R'G'B' (0..1)."""
    light = hdr_to_display_light(signal, transfer) @ _BT2020_TO_BT709.T
    light = np.maximum(light, 0.0)
    peak = HLG_PEAK_NITS / LINEAR_ONE_NITS
    if transfer == TRC_PQ:
        peak = max(peak, float(light.max()))
    brightest = np.maximum(light.max(axis=-1, keepdims=True), 1e-9)
    mapped = _hable(brightest) / _hable(peak)
    sdr = np.clip(light * (mapped / brightest), 0.0, 1.0)
    return np.where(sdr < 0.018, 4.5 * sdr, 1.099 * sdr ** 0.45 - 0.099)  # BT.709 OETF


def write_cube(folder: Path, colour: Colour) -> Path:
    """Write the HDR-to-SDR table for ``colour`` as a ``.cube`` file in ``folder``."""
    grid = np.linspace(0.0, 1.0, CUBE_SIZE)
    # .cube order: red changes fastest, then green, then blue.
    b, g, r = np.meshgrid(grid, grid, grid, indexing="ij")
    rgb = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    out = hdr_to_sdr(rgb, colour.transfer)
    path = folder / f"hdr_to_sdr_{colour.transfer}.cube"
    lines = [f"LUT_3D_SIZE {CUBE_SIZE}"]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in out.tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path
