"""Synthesized clips on disk, one canonical WAV per (text, voice, rate, language, engine).

Entries are written whole or not at all (temp file + ``os.replace``), so concurrent runs
can share a cache. A length lookup reads only the 44-byte header and checks it against
the file size, which catches truncated entries without reading the samples; loading a
clip also checks a digest of its samples, kept in a ``vgck`` chunk after them (WAV
readers skip chunks they do not know), so samples garbled behind an intact header are
synthesized again instead of being played as noise. The caller re-synthesizes whatever
this module reports as missing; an entry that is not a regular file (a folder, say) is
removed when its clip is stored again.

The folder is kept within ``max_bytes`` (``disklru``): when a run first synthesizes a
clip, the clips least recently played go first, never one this run has looked up (a
timeline being compiled or played may still need it). Playing a clip marks it used.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import numpy as np

from voiceguide import disklru
from voiceguide.atomic import atomic_path, discard
from voiceguide.errors import OutputError
from voiceguide.inputs import UnreadableInput, is_regular_file, open_regular, read_limited
from voiceguide.speech.protocol import Clip

CACHE_FORMAT = 2
"""Bump when the stored layout changes, to orphan old entries."""

_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
_SAMPLE_BYTES = 2
_CHECK_ID = b"vgck"
_DIGEST_BYTES = 16
_CHECK_BYTES = 8 + _DIGEST_BYTES
"""The chunk after the samples: id, size, blake2b digest of the sample bytes."""
MAX_BYTES = 512 << 20
"""Default bound on the clips kept: 512 MiB, some 6,000 spoken lines at 22.05 kHz."""
MAX_ENTRY_BYTES = 64 << 20
"""Largest entry read (about 25 minutes of speech: far more than any one cue)."""
MAX_SAMPLE_RATE = 384_000
"""Highest rate a header may announce; past it the header is damaged (and its byte
rate would not fit the header's 32 bits)."""


def cache_key(*, text: str, voice: str, rate: int, language: str, engine: str) -> str:
    """A file-name-safe digest of everything that changes the samples (not volume: the
    renderer scales). ``voice`` is the voice as the script names it ("" for the best
    voice of ``language``): resolving it would start the engine."""
    fields = [CACHE_FORMAT, text, voice, rate, language, engine]
    blob = json.dumps(fields).encode()
    return hashlib.sha256(blob).hexdigest()[:40]


def _header(frames: int, sample_rate: int) -> bytes:
    data_bytes = frames * _SAMPLE_BYTES
    return _HEADER.pack(
        b"RIFF", 36 + data_bytes + _CHECK_BYTES, b"WAVE", b"fmt ", 16, 1, 1,
        sample_rate, sample_rate * _SAMPLE_BYTES, _SAMPLE_BYTES, 16, b"data", data_bytes,
    )


class SpeechCache:
    """Clips stored as mono 16-bit WAV files named by :func:`cache_key` in ``directory``."""

    def __init__(self, directory: Path, *, max_bytes: int = MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._used: set[str] = set()
        self._pruned = False

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.wav"

    def frames(self, key: str) -> tuple[int, int] | None:
        """(sample count, sample rate in Hz) of a complete entry; None if missing or damaged."""
        self._used.add(key)
        try:
            with open_regular(self.path(key), MAX_ENTRY_BYTES) as f:
                head = f.read(_HEADER.size)
                size = os.fstat(f.fileno()).st_size
        except (OSError, UnreadableInput):
            return None
        return _check_header(head, size)

    def load(self, key: str) -> Clip | None:
        """The stored clip; None if missing or damaged."""
        self._used.add(key)
        try:
            blob = read_limited(self.path(key), MAX_ENTRY_BYTES)
        except UnreadableInput:
            return None
        checked = _check_header(blob[:_HEADER.size], len(blob))
        if checked is None:
            return None
        data = memoryview(blob)[_HEADER.size:len(blob) - _CHECK_BYTES]
        if blob[len(blob) - _CHECK_BYTES:] != _check_chunk(data):
            return None
        samples = np.frombuffer(data, dtype="<i2").astype(np.int16)
        disklru.touch(self.path(key))
        return Clip(samples=samples, sample_rate=checked[1])

    def store(self, key: str, clip: Clip) -> None:
        """Write atomically: readers see no entry or the whole new one."""
        samples = np.ascontiguousarray(clip.samples, dtype="<i2")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the speech cache {self.directory}: {exc}") from exc
        if self.path(key).exists() and not is_regular_file(self.path(key)):
            discard(self.path(key))
        data = samples.tobytes()
        with atomic_path(self.path(key), tidy=False) as temp, open(temp, "wb") as f:
            f.write(_header(len(samples), clip.sample_rate))
            f.write(data)
            f.write(_check_chunk(data))
        self._used.add(key)
        if not self._pruned:
            self._pruned = True
            disklru.prune(self.directory, max_bytes=self.max_bytes, key=_clip_key,
                          keep=self._used.__contains__)


def _clip_key(path: Path) -> str | None:
    """Clips are ``KEY.wav``; temp files and the voice digests are no entry."""
    return path.stem if path.suffix == ".wav" and not path.name.startswith(".") else None


def _check_chunk(data: bytes | memoryview) -> bytes:
    digest = hashlib.blake2b(data, digest_size=_DIGEST_BYTES).digest()
    return _CHECK_ID + struct.pack("<I", _DIGEST_BYTES) + digest


def _check_header(head: bytes, size: int) -> tuple[int, int] | None:
    """(frames, rate) if ``head`` is exactly the header this module writes and the file
    holds all the samples it announces."""
    if len(head) != _HEADER.size:
        return None
    fields = _HEADER.unpack(head)
    rate, data_bytes = fields[7], fields[12]
    if (not 0 < rate <= MAX_SAMPLE_RATE or data_bytes % _SAMPLE_BYTES
            or _HEADER.size + data_bytes + _CHECK_BYTES != size):
        return None
    frames = data_bytes // _SAMPLE_BYTES
    return (frames, rate) if head == _header(frames, rate) else None
