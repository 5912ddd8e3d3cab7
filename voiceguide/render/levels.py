"""How loud each sound is, measured once: its BS.1770 loudness and a 10 ms energy profile.

Speech is measured twice: as synthesized (to plan the session), then as it enters the
mix, brought to its planned loudness with its peaks limited (``peaks.py``), with the
gain that does it kept beside the measurement.

The measurement is pyloudnorm's (ITU-R BS.1770-4 K-weighting and gating). pyloudnorm
imports scipy.signal, which costs about 0.9 s, so every measurement is kept on disk
under a digest of the samples it was made from: a warm ``play`` imports neither, and a
clip synthesized again (even slightly differently) is measured again.

A :class:`Level` is that of the sound at gain 1; at gain ``g`` the loudness is
``loudness + 20 log10 g`` and the profile ``profile * g**2`` (the renderer's gains are
plain factors).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.atomic import atomic_path
from voiceguide.errors import OutputError
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render import limiter, peaks

BIN_MS = 10
"""Width of one profile bin in ms: session loudness is predicted on this grid."""
GATE_BLOCK_MS = 400
"""BS.1770's gating block: a speech clip at least this long gets the gated loudness."""
TOLERANCE_LU = 0.05
"""How close to its planned loudness a limited speech clip is brought."""
MAX_STEPS = 8
MAX_PUSH_DB = 12.0
"""Most gain a speech clip gets beyond plain loudness normalisation (the rest of its
peaks are limited)."""
MEASURE_FORMAT = 1
"""Bump when a measurement changes, to orphan the kept ones."""
SILENT = -math.inf


@dataclass(frozen=True)
class Level:
    """A sound's loudness in LUFS (``SILENT`` if it is silence) and its K-weighted mean
    square per ``BIN_MS`` bin from its first sample (the last bin may be partial)."""

    loudness: float
    profile: np.ndarray
    gain: float = 1.0
    """For speech brought to a loudness: the gain before its peaks were limited
    (``peaks.control``); else 1."""

    def at_gain(self, gain: float) -> float:
        """The loudness in LUFS of the sound scaled by ``gain`` (a factor)."""
        return self.loudness + 20 * math.log10(gain) if gain > 0 else SILENT


def _padded(samples: np.ndarray) -> np.ndarray:
    """float64 samples, at least one ``BIN_MS`` long (pyloudnorm's minimum is a block)."""
    data = samples.astype(np.float64)
    short = math.ceil(BIN_MS * SAMPLE_RATE / 1000) - len(data)
    return np.concatenate([data, np.zeros(short)]) if short > 0 else data


def loudness(samples: np.ndarray, *, gated: bool) -> float:
    """The loudness in LUFS of mono float samples at ``SAMPLE_RATE`` (pyloudnorm).

    ``gated``: BS.1770 integrated loudness (400 ms blocks, 75 % overlap, gated), for
    speech; a clip shorter than one block, like a single "one", is one block as long as
    the clip. Not gated: the mean-square loudness over the whole sound, for beeps
    (their level over the time the timeline gives them).
    """
    import pyloudnorm

    data = _padded(samples)
    if gated and len(data) >= GATE_BLOCK_MS * SAMPLE_RATE / 1000:
        return float(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(data))
    whole = (len(data) - 0.5) / SAMPLE_RATE  # one block: pyloudnorm wants more samples
    return float(pyloudnorm.Meter(SAMPLE_RATE, block_size=whole).integrated_loudness(data))


@functools.lru_cache(maxsize=1)
def _k_weighting() -> tuple[Any, ...]:  # pyloudnorm's untyped filter stages
    """pyloudnorm's BS.1770 K-weighting stages at ``SAMPLE_RATE`` (its meter builds them)."""
    import pyloudnorm

    return tuple(pyloudnorm.Meter(SAMPLE_RATE)._filters.values())


def k_weighted(samples: np.ndarray) -> np.ndarray:
    """The samples (float64, at least one bin long) through pyloudnorm's K-weighting."""
    data = _padded(samples)
    for stage in _k_weighting():
        data = stage.apply_filter(data)
    return data


def quick_loudness(samples: np.ndarray) -> float:
    """:func:`loudness` (gated) in a few vector operations: pyloudnorm's K-weighting, the
    gating blocks summed at once (pyloudnorm loops over them in Python, which made
    bringing a clip to its loudness cost 50 ms). Used while searching a gain; the
    result is measured by :func:`measure`."""
    from voiceguide.render.loudness import HOP_MS, gated_loudness, loudness_of

    data = k_weighted(samples)
    block = int(GATE_BLOCK_MS * SAMPLE_RATE / 1000)
    if len(data) < block:
        return loudness_of(float(np.mean(data[:-1] ** 2)))
    summed = np.concatenate([[0.0], np.cumsum(data ** 2)])
    hop = HOP_MS * SAMPLE_RATE / 1000
    starts = (np.arange(round((len(data) - block) / hop) + 1) * hop).astype(np.int64)
    ends = np.minimum(starts + block, len(data))  # as pyloudnorm: the last block may be short
    return gated_loudness((summed[ends] - summed[starts]) / block)


def measure(samples: np.ndarray, *, gated: bool) -> Level:
    """The :func:`loudness` of the samples and their profile: the K-weighted mean square
    of each ``BIN_MS`` bin (bins cut at the samples pyloudnorm's blocks would use)."""
    squares = np.concatenate([[0.0], np.cumsum(k_weighted(samples) ** 2)])
    width = BIN_MS * SAMPLE_RATE / 1000
    edges = (np.arange(int((len(squares) - 1) // width) + 1) * width).astype(np.int64)
    profile = np.diff(squares[edges]) / width
    return Level(loudness=loudness(samples, gated=gated), profile=profile)


def bring_to(samples: np.ndarray, raw_lufs: float, lufs: float,
             near: Level | None = None) -> Level:
    """The level of speech ``samples`` (``raw_lufs`` as they are) brought to ``lufs``
    after limiting (``peaks.control``), with the gain that does it: secant steps on the
    gain in dB, to within ``TOLERANCE_LU``. Limiting gives ever less loudness for more
    gain, so the gain stops ``MAX_PUSH_DB`` over plain normalisation: a target a voice
    cannot reach under the ceiling leaves it as loud as it gets, not distorted."""
    if raw_lufs == SILENT:
        return Level(loudness=SILENT, profile=np.zeros(1), gain=0.0)
    tried = [(0.0, raw_lufs)]  # as synthesized: nearly unlimited, a start for the secant
    gain_db = low = lufs - raw_lufs
    if near is not None and near.gain > 0:  # the same clip at another loudness: start there
        tried = [(20 * math.log10(near.gain), near.loudness)]
        gain_db = min(max(tried[0][0] + lufs - near.loudness, low), low + MAX_PUSH_DB)
    for _ in range(MAX_STEPS):
        measured = quick_loudness(peaks.control(samples, 10 ** (gain_db / 20)))
        tried.append((gain_db, measured))
        miss = lufs - measured
        if abs(miss) <= TOLERANCE_LU or math.isinf(miss):
            break
        (g0, l0), (g1, l1) = tried[-2:]
        slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
        step = gain_db + miss / min(1.0, max(slope, 0.1))
        gain_db = min(max(step, low), low + MAX_PUSH_DB)
        if gain_db == tried[-1][0]:
            break
    gain = 10 ** (tried[-1][0] / 20)
    level = measure(peaks.control(samples, gain), gated=True)
    return Level(loudness=level.loudness, profile=level.profile, gain=gain)


@dataclass
class Sound:
    """Mono float32 samples at ``SAMPLE_RATE`` to measure, hashed at most once (hashing
    every clip was most of a warm start's planning)."""

    samples: np.ndarray

    @functools.cached_property
    def digest(self) -> str:
        blob = hashlib.blake2b(digest_size=20)
        blob.update(np.ascontiguousarray(self.samples, np.float32).tobytes())
        return blob.hexdigest()


def digest(sound: Sound, kind: str) -> str:
    """What identifies a measurement: the samples, the rate and the kind."""
    fields = (MEASURE_FORMAT, SAMPLE_RATE, kind, sound.digest)
    return hashlib.blake2b(repr(fields).encode(), digest_size=20).hexdigest()


class LevelCache:
    """Measurements by digest, in memory and (with a ``directory``) on disk as ``.npy``
    files of ``[gain, loudness, *profile]``; a missing or damaged file is measured again, and
    a cache that cannot be written is no error (the level is only measured again)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.measured = 0
        """Sounds this cache had to measure (misses)."""
        self._memo: dict[str, Level] = {}

    def speech(self, sound: Sound) -> Level:
        """A speech clip's gated loudness as synthesized."""
        return self._level(sound, "speech", lambda: measure(sound.samples, gated=True))

    def speech_at(self, sound: Sound, raw: Level, lufs: float,
                  near: Level | None = None) -> Level:
        """A speech clip brought to ``lufs`` (to 0.1 LU) with its peaks limited
        (:func:`bring_to`, starting from ``near``, its level at another loudness);
        ``raw`` is :meth:`speech` of it."""
        lufs = round(lufs, 1)
        kind = f"speech at {lufs:.1f} ceiling {limiter.CEILING_DBTP}"
        return self._level(sound, kind,
                           lambda: bring_to(sound.samples, raw.loudness, lufs, near))

    def beep(self, sound: Sound) -> Level:
        """A beep's loudness over its whole length (not gated)."""
        return self._level(sound, "beep", lambda: measure(sound.samples, gated=False))

    def _level(self, sound: Sound, kind: str, compute: Callable[[], Level]) -> Level:
        key = digest(sound, kind)
        found = self._memo.get(key) or self._load(key)
        if found is None:
            found = compute()
            self.measured += 1
            self._store(key, found)
        self._memo[key] = found
        return found

    def _path(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{key}.npy"

    def _load(self, key: str) -> Level | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            values = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if values.dtype != np.float64 or values.ndim != 1 or len(values) < 3:
            return None
        return Level(loudness=float(values[1]), profile=values[2:], gain=float(values[0]))

    def _store(self, key: str, level: Level) -> None:
        path = self._path(key)
        if path is None:
            return
        values = np.concatenate([[level.gain, level.loudness], level.profile])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as temp, open(temp, "wb") as f:
                np.save(f, values, allow_pickle=False)
        except (OSError, OutputError):
            pass
