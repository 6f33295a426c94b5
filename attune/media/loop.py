"""A recording played over and over into a longer one, without re-encoding (the packets
are copied with their times moved on): a long clip made in a second from a short one, for
the caseload generator (:mod:`attune.services.caseload`)."""

from __future__ import annotations

from pathlib import Path

import av

from attune.errors import MediaError


def loop_recording(source: Path, dest: Path, times: int) -> Path:
    """Write ``source`` ``times`` times in a row into ``dest`` (an MP4); return ``dest``."""
    if times < 1:
        raise ValueError("times must be at least 1")
    try:
        with av.open(str(source)) as inp, av.open(str(dest), "w", format="mp4") as out:
            wanted = [s for s in inp.streams if s.type in ("video", "audio")]
            outs = {s.index: out.add_stream_from_template(s) for s in wanted}
            firsts: dict[int, int] = {}
            ends = {s.index: 0 for s in wanted}
            offsets = {s.index: 0 for s in wanted}
            for _ in range(times):
                inp.seek(0)
                for packet in inp.demux(*wanted):
                    if packet.dts is None or packet.pts is None:
                        continue  # the demuxer's flush packet
                    index = packet.stream.index
                    firsts.setdefault(index, packet.dts)
                    packet.pts += offsets[index]
                    packet.dts += offsets[index]
                    # the next round starts one packet after this round's last decode time
                    ends[index] = max(ends[index], packet.dts + (packet.duration or 1)
                                      - firsts[index])
                    packet.stream = outs[index]
                    out.mux(packet)
                offsets = dict(ends)
    except (av.FFmpegError, OSError) as err:
        raise MediaError(f"Could not repeat {source.name} into a longer recording "
                         f"({type(err).__name__}: {err}).") from err
    return dest
