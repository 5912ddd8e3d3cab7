"""A fast stand-in for the speech engine: fixed lengths, synthetic samples.

Only for unit tests of compile and render; the end-to-end tests use the real engine.
"""

from __future__ import annotations

import zlib

import numpy as np

from voiceguide.script.model import VoiceSettings
from voiceguide.speech.protocol import Clip

FAKE_RATE = 22050


class FakeSpeech:
    """Each text lasts ``ms_per_char`` per character (at least ``min_ms``)."""

    def __init__(self, ms_per_char: int = 50, min_ms: int = 300) -> None:
        self.ms_per_char = ms_per_char
        self.min_ms = min_ms

    def duration_ms(self, text: str, voice: VoiceSettings) -> int:
        return max(self.min_ms, self.ms_per_char * len(text))

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        n = self.duration_ms(text, voice) * FAKE_RATE // 1000
        rng = np.random.default_rng(zlib.crc32(text.encode()))
        samples = (rng.standard_normal(n) * 3000).clip(-32767, 32767).astype(np.int16)
        return Clip(samples=samples, sample_rate=FAKE_RATE)
