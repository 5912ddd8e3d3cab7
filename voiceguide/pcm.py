"""The sample format every stage shares: the rate, int16 full scale and array types.

Everything voiceguide mixes is mono at ``SAMPLE_RATE`` Hz (eSpeak NG's native rate), so
speech clips need no resampling in the common case.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 22050
"""Hz, mono, for every rendered stream and exported file."""

FULL_SCALE = 32768.0
"""int16 full scale: float samples in [-1, 1) times this are int16 samples."""

Pcm = npt.NDArray[np.int16]
"""Mono 16-bit samples: speech clips, rendered chunks, what is played and written."""
Samples = npt.NDArray[np.float32]
"""Mono float samples in [-1, 1): beeps and clips while they are mixed."""
