"""The first seconds of a music bed kept on disk, so a warm ``play --music`` starts its
sound without waiting for ffmpeg.

Starting an ffmpeg decoder costs 60-100 ms on a busy 2-core machine, all of it before
the first chunk can be mixed; with the bed's first ``HEAD_MS`` (what play renders first)
on disk, the first chunk is mixed from the file and the decoders start while it plays.
A head is the bed itself (tracks, fades and crossfades; no gains), so it gives the same
samples as decoding. The key covers the tracks (real path, size, mtime, in order), the
rate, channels, crossfade and level, and this code (the bed and decoder modules by size and
mtime); the file ends with the SHA-256 of its samples, checked when read. At most
``MAX_HEADS`` are kept, least recently written first out. Best effort throughout: a
folder that cannot be read or written only costs the decoder's start.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import numpy as np

from voiceguide.atomic import atomic_path
from voiceguide.errors import OutputError
from voiceguide.render.tracks import Track

HEAD_MS = 2_000
"""The bed's start kept (ms): play's first chunk (``play.player.CHUNK_MS``)."""
MAX_HEADS = 32
"""Heads kept (each about 0.7 MB at 44.1 kHz stereo)."""
DIGEST = 32


def head_key(tracks: Sequence[Track], *, rate: int, channels: int, crossfade: int,
             level: float, code: Sequence[Path]) -> str:
    """What decides a bed's first samples."""
    stamp: list[object] = [rate, channels, crossfade, level, HEAD_MS]
    for path in [*(t.path for t in tracks), *code]:
        real = os.path.realpath(path)
        info = os.stat(real)
        stamp.append([real, info.st_size, info.st_mtime_ns])
    return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()


class HeadCache:
    """Bed heads as ``KEY.f32`` files (float32 samples, then their SHA-256) in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str, shape: tuple[int, int]) -> np.ndarray | None:
        """The head stored under ``key`` if it is whole and intact."""
        size = shape[0] * shape[1] * 4
        try:
            data = (self.folder / f"{key}.f32").read_bytes()
        except OSError:
            return None
        body, digest = data[:-DIGEST], data[-DIGEST:]
        if len(body) != size or hashlib.sha256(body).digest() != digest:
            return None
        return np.frombuffer(body, "<f4").reshape(shape)

    def store(self, key: str, head: np.ndarray) -> None:
        body = np.ascontiguousarray(head, "<f4").tobytes()
        with suppress(OSError, OutputError):
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(self.folder / f"{key}.f32") as temp:
                temp.write_bytes(body + hashlib.sha256(body).digest())
            heads = sorted(self.folder.glob("*.f32"), key=lambda p: p.stat().st_mtime_ns)
            for old in heads[:-MAX_HEADS]:
                old.unlink(missing_ok=True)
