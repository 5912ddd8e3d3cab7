"""Mix a timeline's speech clips and cue sounds into one sample-accurate stream, in chunks.

Each event starts at the sample ``ms_to_samples(event.at_ms)``. A chunk is mixed in
float32 from only the events that overlap it (found by bisecting the sorted start
samples, reaching back by the longest event), so memory is one chunk plus the clips in
use, however long the session; ``play`` pulls chunks from any offset, ``export`` pipes
them to an encoder.

Gain structure (fixed, so loudness is consistent and nothing clips):

- speech: each clip's peak set to ``SPEECH_PEAK`` (-4 dBFS), times the voice volume;
- beeps: the cue sound as made (peak -1 dBFS; the tick -6 dBFS) times the beep volume
  times ``BEEP_GAIN`` (-8 dB), so at the default volume 0.6 a beep peaks near -13 dBFS
  and its loudness sits with the voice (speech RMS is far below its peak);
- speech never overlaps speech, so one clip plus one beep peaks at most at
  0.631 + 0.355 = 0.986 (-0.1 dBFS); only beeps stacked on each other could pass full
  scale, and a hard limiter there is the safety net (``limited_samples`` counts how
  often it acted).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import numpy as np

from voiceguide.render.beeps import CueSounds, load_cue_sounds
from voiceguide.render.samples import SAMPLE_RATE, ms_to_samples, resample, to_float
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Event, Timeline

__all__ = ["SAMPLE_RATE", "Renderer"]

SPEECH_PEAK = 10 ** (-4 / 20)
"""-4 dBFS: every speech clip's peak at voice volume 1."""
BEEP_GAIN = 10 ** (-8 / 20)
"""-8 dB applied to the cue sounds (on top of the beep volume)."""
FULL_SCALE = 32767 / 32768
"""The largest float that maps to an int16 sample without overflow."""


class Renderer:
    """A timeline as 22050 Hz mono int16 audio, rendered on demand for any span."""

    def __init__(self, timeline: Timeline, speech: SpeechSource, *,
                 cues: CueSounds | None = None) -> None:
        self.timeline = timeline
        self.speech = speech
        self.sample_rate = SAMPLE_RATE
        self.total_samples = ms_to_samples(timeline.total_ms)
        self.limited_samples = 0
        """Samples the limiter had to clip so far (0 in a well-formed session)."""
        self._events = sorted(timeline.events, key=lambda e: e.at_ms)
        self._starts = [ms_to_samples(e.at_ms) for e in self._events]
        self._lengths = [-(-e.duration_ms * SAMPLE_RATE // 1000) for e in self._events]
        self._reach = max(self._lengths, default=0)
        cues = cues or load_cue_sounds(timeline.beeps)
        gain = np.float32(timeline.beeps.volume * BEEP_GAIN)
        self._beeps = {name: sound * gain for name, sound in cues.sounds.items()}
        self._last_use: dict[str, int] = {}
        for event, start, length in zip(self._events, self._starts, self._lengths,
                                        strict=True):
            if event.kind == "speech":
                self._last_use[event.text] = start + length
        self._clips: dict[str, np.ndarray] = {}

    def render(self, start_ms: int = 0, end_ms: int | None = None) -> np.ndarray:
        """The samples from ``start_ms`` to ``end_ms`` (default: the end), int16 mono."""
        first, last = self._span(start_ms, end_ms)
        out = np.empty(last - first, np.int16)
        for offset, chunk in self._chunk_spans(first, last, ms_to_samples(10_000)):
            out[offset - first: offset - first + len(chunk)] = chunk
        return out

    def chunks(self, start_ms: int = 0, end_ms: int | None = None, *,
               chunk_ms: int = 10_000) -> Iterator[np.ndarray]:
        """The same samples as ``render(start_ms, end_ms)``, as consecutive int16 chunks
        of ``chunk_ms`` (the last one shorter)."""
        first, last = self._span(start_ms, end_ms)
        for _, chunk in self._chunk_spans(first, last, max(1, ms_to_samples(chunk_ms))):
            yield chunk

    def _span(self, start_ms: int, end_ms: int | None) -> tuple[int, int]:
        last = self.total_samples if end_ms is None else ms_to_samples(end_ms)
        first = ms_to_samples(start_ms)
        if not 0 <= first <= last:
            raise ValueError(f"bad span: {start_ms} ms to {end_ms} ms")
        return first, last

    def _chunk_spans(self, first: int, last: int, size: int) -> Iterator[tuple[int, np.ndarray]]:
        for begin in range(first, last, size):
            end = min(last, begin + size)
            yield begin, self._mix(begin, end)
            self._evict(end)

    def _mix(self, first: int, last: int) -> np.ndarray:
        """Samples ``first`` to ``last`` (sample indices) mixed, limited and as int16."""
        buf = np.zeros(last - first, np.float32)
        lo = bisect.bisect_right(self._starts, first - self._reach)
        hi = bisect.bisect_left(self._starts, last)
        for i in range(lo, hi):
            start = self._starts[i]
            sound = self._sound(self._events[i])[: self._lengths[i]]
            begin, end = max(first, start), min(last, start + len(sound))
            if begin < end:
                buf[begin - first: end - first] += sound[begin - start: end - start]
        over = np.count_nonzero((buf > FULL_SCALE) | (buf < -1.0))
        if over:
            self.limited_samples += over
            np.clip(buf, -1.0, FULL_SCALE, out=buf)
        buf *= 32768.0
        return np.rint(buf).astype(np.int16)

    def _sound(self, event: Event) -> np.ndarray:
        """An event's samples, gain applied (speech fetched once while still needed)."""
        if event.kind == "beep":
            return self._beeps[str(event.sound)]
        clip = self._clips.get(event.text)
        if clip is None:
            clip = self._speech_samples(event.text)
            self._clips[event.text] = clip
        return clip

    def _speech_samples(self, text: str) -> np.ndarray:
        voice = self.timeline.voice
        clip = self.speech.clip(text, voice)
        samples = resample(to_float(clip.samples), clip.sample_rate)
        peak = float(np.max(np.abs(samples), initial=0.0))
        gain = SPEECH_PEAK * voice.volume / peak if peak > 0 else 0.0
        return samples * np.float32(gain)

    def _evict(self, done: int) -> None:
        """Forget clips no event after sample ``done`` uses (a later seek back refetches)."""
        for text in [t for t in self._clips if self._last_use.get(t, 0) <= done]:
            del self._clips[text]
