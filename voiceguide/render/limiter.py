"""A true-peak limiter: look-ahead, deterministic, and the same on any span of the mix.

- **True peak** is estimated as BS.1770-4 (Annex 2) does: 4x oversampling by a
  windowed-sinc polyphase interpolator, so the peaks between samples count. Only
  blocks whose sample peak comes within ``SCREEN`` of the ceiling are oversampled (the
  rest cannot reach it, short of pathological signals), which keeps the cost to the
  loud moments. A sound limited on its own at several gains (:class:`Alone`) is
  oversampled once.
- **Gain** at each sample is at most ``ceiling / true peak`` of every sample within
  ``HOLD_MS`` before it and ``ATTACK_MS`` after it (a sliding minimum), then averaged
  over ``ATTACK_MS``: it glides down over the 5 ms before a peak (look-ahead: nothing
  overshoots), holds, and glides back up.
- **Times** are in samples at 22.05 kHz, the voice's rate (at a music bed's 44.1 or 48
  kHz they are half as long).
- **Deterministic and chunked**: the gain at sample ``n`` depends only on the mix in
  ``n - BACK .. n + AHEAD``, so the renderer mixes each chunk with those margins and the
  output is identical however the session is cut into chunks, and from any seek
  position. Gains are integers in units of ``2**-24`` (``UNIT``), so the sliding sums
  are exact, whatever the span they start from.

Hand-written rather than taken from a library: the audio libraries' limiters (pedalboard,
ffmpeg's alimiter) are stateful streams that cannot start at an arbitrary sample and
give the same result, and they do not oversample.
"""

from __future__ import annotations

import numpy as np

from voiceguide.pcm import SAMPLE_RATE

CEILING_DBTP = -2.5
"""The true-peak ceiling of the mix: 1.5 dB under the -1 dBTP promised, for the 4x
estimate's under-read and some of a lossy encoder's overshoot (the encoders' settings
in ``export.sinks`` keep the rest in bounds): MP3 at 64 kb/s added up to 1.2 dB to
eSpeak NG's limited speech (hip-thrust measured -0.8 dBTP with a -2 dBTP
ceiling, -1.2 with this one). A lower ceiling costs loudness: -3 dBTP left Piper's
short sessions 1.2 LU under the target."""
CEILING = 10 ** (CEILING_DBTP / 20)
ALONE = CEILING * 10 ** (0.05 / 20)
"""How far a sound playing alone may peak before the mix's limiter watches it: the clip
limiter's gain ramps overshoot the ceiling by about 0.001 dB."""
OVERSAMPLE = 4
TAPS = 12
"""Input samples per interpolated value: the BS.1770-4 interpolator's length."""
SCREEN = 10 ** (-6 / 20)
"""Blocks whose sample peak stays under this fraction of the ceiling are not oversampled."""
BLOCK = 64
"""Samples per screening block, counted from the session's first sample."""
ATTACK_MS = 5
HOLD_MS = 30
ATTACK = ATTACK_MS * SAMPLE_RATE // 1000
HOLD = HOLD_MS * SAMPLE_RATE // 1000
UNIT = 1 << 24
"""Gain 1.0 in the integer gain arithmetic."""
REACH = 3 * BLOCK
"""How far screening and interpolation look around a sample (two blocks plus the taps)."""
BACK = ATTACK + HOLD + REACH
"""Samples of mix before a span that its gains depend on."""
AHEAD = ATTACK + REACH
"""Samples of mix after a span that its gains depend on."""


def _phases() -> np.ndarray:
    """Interpolation coefficients, shape (OVERSAMPLE - 1, TAPS): row ``p - 1`` gives the
    value ``p / OVERSAMPLE`` of the way from sample ``i`` to ``i + 1`` from samples
    ``i - TAPS/2 + 1 .. i + TAPS/2`` (Kaiser-windowed sinc, unit gain at DC)."""
    offsets = np.arange(-TAPS // 2 + 1, TAPS // 2 + 1)
    rows = []
    for p in range(1, OVERSAMPLE):
        t = p / OVERSAMPLE - offsets
        window = np.i0(8.0 * np.sqrt(np.clip(1 - (t / (TAPS / 2)) ** 2, 0, None))) / np.i0(8.0)
        row = np.sinc(t) * window
        rows.append(row / row.sum())
    return np.asarray(rows, np.float32)


PHASES = _phases()


def true_peaks(mix: np.ndarray, first: int, last: int) -> np.ndarray:
    """The largest |value| of the 4x-oversampled mix in each interval ``[i, i + 1)`` for
    ``i`` in ``first..last`` (indices into ``mix``; needs ``TAPS / 2`` samples around)."""
    peaks = np.abs(mix[first:last])
    for row in PHASES:
        value = np.zeros(last - first, np.float32)
        for tap, coefficient in enumerate(row):
            shift = tap - TAPS // 2 + 1
            value += coefficient * mix[first + shift: last + shift]
        np.maximum(peaks, np.abs(value), out=peaks)
    return peaks


def peak(samples: np.ndarray) -> float:
    """The true peak of a sound on its own (linear, full scale 1)."""
    padded = np.concatenate([np.zeros(TAPS, np.float32), samples.astype(np.float32),
                             np.zeros(TAPS, np.float32)])
    return float(true_peaks(padded, TAPS // 2, len(padded) - TAPS // 2).max(initial=0.0))


def _screened(block_peaks: np.ndarray) -> np.ndarray:
    """Which screening blocks to oversample, from their sample peaks: those within
    ``SCREEN`` of the ceiling and their neighbours (the taps reach them)."""
    loud = block_peaks > CEILING * SCREEN
    loud[1:] |= loud[:-1].copy()
    loud[:-1] |= loud[1:].copy()
    return loud


def _over(peaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where true ``peaks`` pass the ceiling, and ``UNIT * CEILING / peak`` there (int64)."""
    over = peaks > CEILING
    ratio = CEILING / peaks[over]
    return over, np.floor(ratio.astype(np.float64) * UNIT).astype(np.int64)


def required_gain(mix: np.ndarray, offset: int,
                  watch: np.ndarray | None = None) -> np.ndarray | None:
    """Per sample, ``UNIT * min(1, CEILING / true peak)`` (int64), or None where no
    sample needs less than unit gain. ``offset``: the session sample of ``mix[0]``, so
    screening blocks fall on the same samples whatever the span. ``watch``: where to
    look (a block is examined only if it holds a watched sample); default everywhere."""
    n = len(mix)
    if not n:
        return None
    head = (-offset) % BLOCK
    edges = np.concatenate([[0], np.arange(head or BLOCK, n, BLOCK)])
    peaks = np.maximum.reduceat(np.abs(mix), edges)
    if watch is not None:
        peaks[~np.logical_or.reduceat(watch, edges)] = 0
    edges = np.concatenate([edges, [n]])
    loud = _screened(peaks)
    if not loud.any():
        return None
    padded = np.concatenate([np.zeros(TAPS, np.float32), mix, np.zeros(TAPS, np.float32)])
    gain = np.full(n, UNIT, np.int64)
    changes = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    for start_block, end_block in zip(changes[::2], changes[1::2], strict=True):
        first, last = int(edges[start_block]), int(edges[end_block])
        over, ratio = _over(true_peaks(padded, first + TAPS, last + TAPS))
        gain[first:last][over] = ratio
    return gain if (gain < UNIT).any() else None


class Alone:
    """One sound on its own through the limiter (silence around it), at any gain.

    Its true peaks are found once: those of the sound times ``g`` are ``g`` times them,
    so trying gains (``levels.bring_to`` tries several per clip) costs no oversampling.
    """

    def __init__(self, samples: np.ndarray) -> None:
        self.length = len(samples)
        self.padded = np.concatenate([np.zeros(BACK, np.float32), samples.astype(np.float32),
                                      np.zeros(AHEAD, np.float32)])
        n = len(self.padded)
        wide = np.concatenate([np.zeros(TAPS, np.float32), self.padded,
                               np.zeros(TAPS, np.float32)])
        self.peaks = true_peaks(wide, TAPS, TAPS + n)
        self.blocks = np.maximum.reduceat(np.abs(self.padded), np.arange(0, n, BLOCK))
        self.top = float(self.peaks.max(initial=0.0))
        """The sound's true peak: at gains up to ``CEILING / top`` nothing is limited."""

    def limit(self, gain: float) -> np.ndarray:
        """The sound times ``gain`` through the limiter (float32, the sound's length)."""
        factor = np.float32(gain)
        scaled = self.padded * factor
        first, last = BACK, BACK + self.length
        if self.top * factor <= CEILING:
            return scaled[first:last]
        loud = np.repeat(_screened(self.blocks * factor), BLOCK)[: len(scaled)]
        over, ratio = _over(np.where(loud, self.peaks * factor, 0))
        required = np.full(len(scaled), UNIT, np.int64)
        required[over] = ratio
        return scaled[first:last] * smooth(required)[first:last]


def sliding_min(values: np.ndarray, width: int) -> np.ndarray:
    """``out[k] = min(values[k : k + width])`` for every k (past the end counts as
    ``UNIT``), in O(n) (van Herk / Gil-Werman)."""
    n = len(values)
    padded = np.concatenate([values, np.full((-n) % width + width, UNIT, values.dtype)])
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[width - 1: width - 1 + n])


def smooth(required: np.ndarray) -> np.ndarray:
    """The gain (float32, 1.0 = ``UNIT``) from the required gain: each sample's minimum
    over ``HOLD`` before to ``ATTACK`` after, averaged over ``ATTACK``. Computed only
    around the samples that need less than unit gain (elsewhere it is exactly 1)."""
    gain = np.ones(len(required), np.float32)
    low = np.flatnonzero(required < UNIT)
    if not len(low):
        return gain
    reach = HOLD + 2 * ATTACK
    splits = np.flatnonzero(np.diff(low) > 2 * reach) + 1
    for group in np.split(low, splits):
        first, last = max(0, int(group[0]) - reach), min(len(required), int(group[-1]) + reach)
        # held[j]: the minimum for sample first - ATTACK + 1 + j (before the span: silence)
        part = np.concatenate([np.full(HOLD + ATTACK - 1, UNIT, np.int64), required[first:last]])
        held = sliding_min(part, HOLD + ATTACK)[: ATTACK - 1 + last - first]
        sums = np.concatenate([[0], np.cumsum(held)])
        gain[first:last] = (sums[ATTACK:] - sums[:-ATTACK]) / (ATTACK * UNIT)
    return gain


def limit(mix: np.ndarray, offset: int, first: int, last: int, *,
          watch: np.ndarray | None = None) -> np.ndarray:
    """``mix[first:last]`` with the limiter's gain applied (float32); ``mix`` is mono, or
    frames by channels (one gain for all channels, from the loudest).

    ``mix`` holds the session's samples from ``offset`` on and reaches ``BACK`` samples
    before ``first`` and ``AHEAD`` after ``last`` (or the session's ends, where the mix
    is silence anyway). ``watch``: as for :func:`required_gain`.
    """
    channels = mix if mix.ndim == 2 else mix[:, None]
    required = None
    for channel in range(channels.shape[1]):
        need = required_gain(np.ascontiguousarray(channels[:, channel]), offset, watch)
        if need is not None:
            required = need if required is None else np.minimum(required, need)
    if required is None:
        return mix[first:last]
    gain = smooth(required)[first:last]
    return mix[first:last] * (gain if mix.ndim == 1 else gain[:, None])
