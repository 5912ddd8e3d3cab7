"""How loud each sound is, measured once: its BS.1770 loudness and a 10 ms energy profile.

Speech is measured twice: as synthesized (to plan the session), then as it enters the
mix, brought to its planned loudness with its peaks limited (``peaks.py``), with the
gain that does it kept beside the measurement.

The measurement is pyloudnorm's ITU-R BS.1770-4 K-weighting, gated as pyloudnorm gates
but on all blocks at once (``tests/test_render_loudness.py`` holds the two together):
pyloudnorm's Python loop over the blocks made a cold plan of a session's clips take
seconds. pyloudnorm imports scipy.signal, which costs about 0.9 s, so every measurement
is kept on disk under a digest of the samples it was made from: a warm ``play``
imports neither, and a clip synthesized again (even slightly differently) is measured
again. A cold one starts the import while its clips are synthesized (:func:`preload`).

A :class:`Level` is that of the sound at gain 1; at gain ``g`` the loudness is
``loudness + 20 log10 g`` and the profile ``profile * g**2`` (the renderer's gains are
plain factors).
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.atomic import atomic_path
from voiceguide.errors import OutputError
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.render import limiter, peaks, rotator

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
    """The samples, at least one ``BIN_MS`` long (pyloudnorm's minimum is a block)."""
    short = math.ceil(BIN_MS * SAMPLE_RATE / 1000) - len(samples)
    return np.concatenate([samples, np.zeros(short, samples.dtype)]) if short > 0 else samples


def energy(samples: np.ndarray) -> np.ndarray:
    """The running sum of the K-weighted samples' squares (float64, from 0): the energy
    of any span is a difference of two values."""
    import scipy.signal  # imported by pyloudnorm for its filters anyway

    weighted = scipy.signal.sosfilt(_k_weighting(), _padded(samples))  # float64, a copy
    summed = np.zeros(len(weighted) + 1)
    np.cumsum(np.square(weighted, out=weighted), out=summed[1:])
    return summed


@functools.cache
def preload() -> None:
    """Start importing what measuring needs (pyloudnorm and scipy.signal, about 0.9 s)
    on a thread of its own, for a caller about to do other work (synthesize the clips
    it will measure); once per process."""
    threading.Thread(target=_k_weighting, name="preload levels", daemon=True).start()


@functools.lru_cache(maxsize=1)
def _k_weighting() -> np.ndarray:
    """pyloudnorm's BS.1770 K-weighting at ``SAMPLE_RATE`` (its meter builds the two
    stages) as second-order sections, for one ``sosfilt`` call: pyloudnorm's own
    ``apply_filter`` computes the coefficients again on every call."""
    import pyloudnorm

    stages = pyloudnorm.Meter(SAMPLE_RATE)._filters.values()
    return np.array([np.concatenate([stage.passband_gain * stage.b, stage.a])
                     for stage in stages])


def integrated(summed: np.ndarray, *, gated: bool) -> float:
    """The loudness in LUFS of the sound whose :func:`energy` is ``summed``, gated as
    pyloudnorm's ``integrated_loudness`` does, its blocks summed at once (pyloudnorm
    loops over them in Python).

    ``gated``: BS.1770 integrated loudness (400 ms blocks, 75 % overlap, gated), for
    speech; a clip shorter than one block, like a single "one", is one block as long as
    the clip. Not gated: the mean-square loudness over the whole sound, for beeps
    (their level over the time the timeline gives them). As in pyloudnorm, a block as
    long as the sound leaves out its last sample.
    """
    from voiceguide.render.loudness import HOP_MS, gated_loudness

    n = len(summed) - 1
    block = int(GATE_BLOCK_MS * SAMPLE_RATE / 1000)
    if not gated or n < block:
        return gated_loudness(np.array([summed[n - 1] / (n - 0.5)]))
    hop = HOP_MS * SAMPLE_RATE / 1000
    starts = (np.arange(round((n - block) / hop) + 1) * hop).astype(np.int64)
    ends = np.minimum(starts + block, n)  # as pyloudnorm: the last block may be short
    return gated_loudness((summed[ends] - summed[starts]) / block)


def loudness(samples: np.ndarray, *, gated: bool) -> float:
    """The loudness in LUFS of mono float samples at ``SAMPLE_RATE`` (as pyloudnorm
    measures it; ``gated``: see :func:`integrated`)."""
    return integrated(energy(samples), gated=gated)


def measure(samples: np.ndarray, *, gated: bool) -> Level:
    """The :func:`loudness` of the samples and their profile: the K-weighted mean square
    of each ``BIN_MS`` bin (bins cut at the samples pyloudnorm's blocks would use)."""
    summed = energy(samples)
    width = BIN_MS * SAMPLE_RATE / 1000
    edges = (np.arange(int((len(summed) - 1) // width) + 1) * width).astype(np.int64)
    profile = np.diff(summed[edges]) / width
    return Level(loudness=integrated(summed, gated=gated), profile=profile)


def bring_to(samples: np.ndarray, raw_lufs: float, lufs: float, near: Level | None = None,
             tried: dict[float, Level] | None = None) -> Level:
    """The level of speech ``samples`` (``raw_lufs`` as they are) brought to ``lufs``
    after limiting (``peaks.control``), with the gain that does it: secant steps on the
    gain in dB, to within ``TOLERANCE_LU``. Limiting gives ever less loudness for more
    gain, so the gain stops ``MAX_PUSH_DB`` over plain normalisation: a target a voice
    cannot reach under the ceiling leaves it as loud as it gets, not distorted.

    The steps start from what is known of the samples: ``tried``, their level at each
    gain in dB tried before (the session's second plan brings every clip a fraction of
    a LU further; the levels this search measures are added to it), ``near`` (the same
    clip at another loudness, kept on disk), and their headroom, up to which they are
    only scaled (their loudness there is ``raw_lufs`` plus the gain).
    """
    if raw_lufs == SILENT:
        return Level(loudness=SILENT, profile=np.zeros(1), gain=0.0)
    tried = {} if tried is None else tried
    low = lufs - raw_lufs
    bounds = (low, low + MAX_PUSH_DB)
    controlled = functools.cache(lambda: peaks.Controlled(samples))
    known = {db: level.loudness for db, level in tried.items()}
    if near is not None and near.gain > 0:
        known.setdefault(20 * math.log10(near.gain), near.loudness)
    bend = None
    if not known:
        bend = 20 * math.log10(controlled().headroom)
        known[bend] = raw_lufs + bend
    for _ in range(MAX_STEPS):
        gain_db = min(max(_guess(known, lufs, bend), bounds[0]), bounds[1])
        if gain_db in tried:
            break
        level = measure(controlled().at(10 ** (gain_db / 20)), gated=True)
        tried[gain_db] = Level(loudness=level.loudness, profile=level.profile,
                               gain=10 ** (gain_db / 20))
        known[gain_db] = level.loudness
        if abs(lufs - level.loudness) <= TOLERANCE_LU or math.isinf(level.loudness):
            break
    return min((level for db, level in tried.items() if bounds[0] <= db <= bounds[1]),
               key=lambda level: abs(lufs - level.loudness))


def _guess(known: dict[float, float], lufs: float, bend: float | None) -> float:
    """The gain in dB that the loudness at the ``known`` gains points to for ``lufs``:
    between the nearest gains either side of it, else on from the two nearest (slope
    clamped: loudness grows with gain, at most 1 LU per dB), or from one at 1 LU per dB.
    ``bend``: a known gain where limiting starts (slope 1 there); on from it, the slope
    is taken to fall evenly, to twice the secant's less 1 at the other point (the
    secant alone undershot: a third step for most clips)."""
    points = sorted(known.items())
    under = [point for point in points if point[1] < lufs]
    over = [point for point in points if point[1] >= lufs]
    if under and over:
        (g0, l0), (g1, l1) = under[-1], over[0]
        return g0 + (lufs - l0) * (g1 - g0) / (l1 - l0)
    side = under[-2:] if under else over[:2]
    (g0, l0), (g1, l1) = side[0], side[-1]
    slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
    if bend is not None and g0 == bend < g1:
        slope = 2 * slope - 1
    return g1 + (lufs - l1) / min(1.0, max(slope, 0.1))


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
        self._tried: dict[str, dict[float, Level]] = {}
        """Per speech clip (by digest, rotated or not), its level at each gain tried
        (``bring_to``)."""

    def speech(self, sound: Sound) -> Level:
        """A speech clip's gated loudness as synthesized."""
        return self._level(sound, "speech", lambda: measure(sound.samples, gated=True))

    def speech_at(self, sound: Sound, raw: Level, lufs: float,
                  near: Level | None = None, *, rotated: bool = False) -> Level:
        """A speech clip brought to ``lufs`` (to 0.1 LU) with its peaks limited
        (:func:`bring_to`, starting from ``near``, its level at another loudness, and
        from the gains tried for it in this cache's earlier searches), ``rotated``
        first or not (``peaks.source``); ``raw`` is :meth:`speech` of it."""
        lufs = round(lufs, 1)
        kind = f"speech at {lufs:.1f} ceiling {limiter.CEILING_DBTP}"
        if rotated:
            kind += f" rotated {rotator.SECTIONS} {rotator.TAPS}"
        tried = self._tried.setdefault(f"{sound.digest} {rotated}", {})
        return self._level(sound, kind, lambda: bring_to(
            peaks.source(sound.samples, rotated=rotated), raw.loudness, lufs, near, tried))

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
            # untidied, as the speech cache: a cold plan writes hundreds, and listing a
            # folder that keeps every clip at every loudness for each grew with it
            with atomic_path(path, tidy=False) as temp, open(temp, "wb") as f:
                np.save(f, values, allow_pickle=False)
        except (OSError, OutputError):
            pass
