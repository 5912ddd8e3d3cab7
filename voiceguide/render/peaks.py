"""Speech at its planned loudness with its peaks limited, clip by clip, before mixing.

eSpeak NG's clips peak 15-20 dB over their loudness (glottal pulses), so at -16 LUFS
their peaks pass full scale. Leaving them to the mix's limiter took 0.9-1.7 LU off the
session after its loudness was planned (measured -16.9 and -17.8 LUFS). Instead each
clip goes through the same limiter on its own, at the gain that makes it measure its
planned loudness *after* limiting: the clips stay equally loud, the session lands on
its prediction, and the mix's limiter is left with the rare overlaps. ``levels.bring_to``
finds that gain. Speech never
overlaps speech, so a clip limited alone is limited as it will sound in the mix.

For a session louder than -16 LUFS the clip goes through the phase rotator first
(``rotator.py``), which lowers its peaks so the limiter can reach the target
(``gains.ROTATE_OVER_LUFS``).
"""

from __future__ import annotations

import math

import numpy as np

from voiceguide.pcm import Samples
from voiceguide.render import limiter, rotator


def source(samples: Samples, *, rotated: bool) -> Samples:
    """A clip as it enters :func:`control`: rotated (``rotator.py``) or as synthesized."""
    return rotator.rotate(samples) if rotated else samples


class Controlled:
    """A speech clip whose peaks are controlled at whatever gain is asked: the limiter's
    analysis of it is made once, as ``levels.bring_to`` tries several gains per clip."""

    def __init__(self, samples: np.ndarray) -> None:
        self._alone = limiter.Alone(samples)
        self.headroom = limiter.CEILING / self._alone.top if self._alone.top > 0 else math.inf
        """The largest gain that leaves the clip as it is (only scaled)."""

    def at(self, gain: float) -> np.ndarray:
        """The clip times ``gain``, its true peaks limited to the limiter's ceiling."""
        return self._alone.limit(gain)


def control(samples: np.ndarray, gain: float) -> np.ndarray:
    """``samples`` times ``gain``, their true peaks limited to the limiter's ceiling."""
    return Controlled(samples).at(gain)
