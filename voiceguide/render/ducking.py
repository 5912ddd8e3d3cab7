"""The bed's level over the session: its volume, a fade in at the start and out under the
closing words, and look-ahead ducking under every line.

The whole timeline is known before the first sample, so the bed starts to dip
``LEAD_MS`` before a line and is fully down when the line starts (a live ducker hears
the voice first and clips its onset). It stays down ``HOLD_MS`` after the line, then
comes back over ``RELEASE_MS``. Beeps duck the bed as lines do, so a tempo tick (made at
-6 dBFS) stays 10 dB or more above music mastered to full scale at the default volume.
Cues closer together than ``BRIDGE_MS`` are one stretch: counts, ticks and countdowns
hold the music down instead of making it pump.

The curve is a list of breakpoints interpolated per sample (``np.interp``), so any span
of the session is computed on its own and the same session gives the same gains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voiceguide.timeline.events import Timeline

LEAD_MS = 300
"""How long before a line the bed starts to dip (ms); it is fully down at the line."""
HOLD_MS = 250
"""How long after a line the bed stays down (ms)."""
RELEASE_MS = 700
"""How long the bed takes to come back up (ms)."""
BRIDGE_MS = 1_500
"""Lines closer than this (ms, end to start) keep the bed down between them."""
FADE_IN_MS = 3_000
"""The bed's fade in at the start of the session (ms)."""
MIN_FADE_OUT_MS = 4_000
"""The shortest fade out (ms); it starts at the closing words or this long before the end."""


@dataclass(frozen=True)
class BedLevel:
    """The bed's gain curve over a session (its fades and its dips of ``duck_db`` dB);
    the bed's level itself is set per track (``bed.py``)."""

    rate: int
    duck_db: float
    fade_x: np.ndarray
    fade_y: np.ndarray
    duck_x: np.ndarray
    duck_y: np.ndarray

    def gains(self, first: int, count: int) -> np.ndarray:
        """Linear gains (float32) of samples ``first`` .. ``first + count``.

        Computed per sample only on the ramps; between breakpoints where neither curve
        moves (most of a session), one value fills the span.
        """
        last = first + count
        inside = [x for xs in (self.fade_x, self.duck_x)
                  for x in xs[(xs > first) & (xs < last)]]
        edges = sorted({first, last, *(int(np.ceil(x)) for x in inside)})
        out = np.empty(count, np.float32)
        for begin, end in zip(edges, edges[1:], strict=False):
            if begin >= end:
                continue
            ends = np.array([begin, end - 1], np.float64)
            if np.ptp(self._curves(ends)[0]) == 0 and np.ptp(self._curves(ends)[1]) == 0:
                out[begin - first: end - first] = self._gain(ends[:1])[0]
            else:
                at = np.arange(begin, end, dtype=np.float64)
                out[begin - first: end - first] = self._gain(at)
        return out

    def _curves(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fade = np.interp(at, self.fade_x, self.fade_y)
        depth = (np.interp(at, self.duck_x, self.duck_y) if len(self.duck_x)
                 else np.zeros_like(at))
        return fade, depth

    def _gain(self, at: np.ndarray) -> np.ndarray:
        fade, depth = self._curves(at)
        return fade * np.power(10.0, -self.duck_db * depth / 20.0)


def ducked_spans(timeline: Timeline) -> list[tuple[int, int]]:
    """(start, end) ms of each stretch the bed is down for, bridged and merged."""
    spans: list[tuple[int, int]] = []
    for event in sorted(timeline.events, key=lambda e: e.at_ms):
        if spans and event.at_ms - spans[-1][1] < BRIDGE_MS:
            spans[-1] = (spans[-1][0], max(spans[-1][1], event.end_ms))
        else:
            spans.append((event.at_ms, event.end_ms))
    return spans


def bed_level(timeline: Timeline, *, rate: int, duck_db: float) -> BedLevel:
    """The bed's gain curve for ``timeline`` at ``rate`` Hz."""
    ms = rate / 1000
    duck_x: list[float] = []
    duck_y: list[float] = []
    for start, end in ducked_spans(timeline):
        duck_x += [(start - LEAD_MS) * ms, start * ms, (end + HOLD_MS) * ms,
                   (end + HOLD_MS + RELEASE_MS) * ms]
        duck_y += [0.0, 1.0, 1.0, 0.0]
    total = timeline.total_ms
    speech = [e.at_ms for e in timeline.events if e.kind == "speech"]
    fade_out = min([total - MIN_FADE_OUT_MS, *speech[-1:]])
    fade_x = [0.0, min(FADE_IN_MS, total / 2) * ms, max(fade_out, total / 2) * ms, total * ms]
    return BedLevel(rate=rate, duck_db=duck_db,
                    fade_x=np.array(fade_x), fade_y=np.array([0.0, 1.0, 1.0, 0.0]),
                    duck_x=np.array(duck_x), duck_y=np.array(duck_y))
