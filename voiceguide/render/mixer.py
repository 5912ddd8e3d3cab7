"""Mix a timeline's speech clips and beeps into one sample-accurate stream, in chunks.

Each event starts at the sample ``ms_to_samples(event.at_ms)``. A chunk is mixed in
float32 from only the events that overlap it (found by bisecting the sorted start
samples, reaching back by the longest event), so memory is one chunk plus the clips in
use, however long the session; ``play`` pulls chunks from any offset, ``export`` pipes
them to an encoder.

Gain structure (fixed, so loudness is consistent and nothing clips):

- speech: each clip's peak set to ``SPEECH_PEAK`` (-4 dBFS), times the voice volume;
- beeps: the beep as made (peak -1 dBFS; the tick -6 dBFS) times the beep volume
  times ``BEEP_GAIN`` (-8 dB), so at the default volume 0.6 a beep peaks near -13 dBFS
  and its loudness sits with the voice (speech RMS is far below its peak);
- speech never overlaps speech, so one clip plus one beep peaks at most at
  0.631 + 0.355 = 0.986 (-0.1 dBFS); only beeps stacked on each other could pass full
  scale, and a hard limiter there is the safety net (``limited_samples`` counts how
  often it acted).

With music (``Music``) the stream is stereo at the music's rate (``music_rate``:
44.1 kHz, or 48 kHz when every track is), voice and beeps centred (the same samples in
both channels) and the bed mixed under them at the level ``ducking.py`` sets; without
it, mono at 22.05 kHz as the voice needs (half the samples to render and encode).
Samples are interleaved: ``render`` returns ``frames * channels`` int16 values.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE, Pcm, Samples
from voiceguide.render.bed import MusicBed, Warn
from voiceguide.render.beeps import BeepSounds, load_beeps
from voiceguide.render.ducking import bed_level
from voiceguide.render.heads import HeadCache
from voiceguide.render.samples import ms_to_samples, resample, to_float
from voiceguide.render.tracks import Track
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Event, Timeline

__all__ = ["Music", "Renderer", "music_rate"]

SPEECH_PEAK = 10 ** (-4 / 20)
"""-4 dBFS: every speech clip's peak at voice volume 1."""
BEEP_GAIN = 10 ** (-8 / 20)
"""-8 dB applied to the beeps (on top of the beep volume)."""
CEILING = (FULL_SCALE - 1) / FULL_SCALE
"""The largest float that maps to an int16 sample without overflow."""
MUSIC_REFERENCE_LUFS = -16.0
"""The loudness the music's ``volume`` counts from: the voice's (the session's target)."""


def music_rate(tracks: list[Track]) -> int:
    """The rate a session with these tracks renders at: 48 kHz if every track is at 48
    kHz (or 96, 192), so nothing is resampled; else 44.1 kHz, the rate of most music."""
    return 48000 if tracks and all(t.rate % 48000 == 0 for t in tracks) else 44100


@dataclass(frozen=True)
class Music:
    """The bed asked for: its tracks; ``volume_db``, its loudness relative to the voice's
    between lines (each track brought there by its measured loudness), and
    ``duck_db``, its dip under every cue, in dB; the ffmpeg decoding it; where a warning
    goes (a track failing while it plays)."""

    tracks: list[Track]
    volume_db: float
    duck_db: float
    ffmpeg: str
    warn: Warn
    heads: HeadCache | None = None
    """Where the bed's first seconds are kept (None: decoded every time)."""


class Renderer:
    """A timeline as int16 audio (22050 Hz mono, or with music stereo at the music's
    rate), rendered on demand for any span."""

    def __init__(self, timeline: Timeline, speech: SpeechSource, *,
                 beeps: BeepSounds | None = None, music: Music | None = None) -> None:
        self.timeline = timeline
        self.speech = speech
        self.music = music
        self.sample_rate = music_rate(music.tracks) if music else SAMPLE_RATE
        self.channels = 2 if music else 1
        rate = self.sample_rate
        self.total_samples = ms_to_samples(timeline.total_ms, rate)
        self.limited_samples = 0
        """Samples the limiter had to clip so far (0 in a well-formed session)."""
        self._events = sorted(timeline.events, key=lambda e: e.at_ms)
        self._starts = [ms_to_samples(e.at_ms, rate) for e in self._events]
        self._lengths = [-(-e.duration_ms * rate // 1000) for e in self._events]
        self._reach = max(self._lengths, default=0)
        beeps = beeps or load_beeps(timeline.beeps)
        gain = np.float32(timeline.beeps.volume * BEEP_GAIN)
        self._beeps = {name: resample(sound, beeps.rate, rate) * gain
                       for name, sound in beeps.sounds.items()}
        self.bed = None if music is None else MusicBed(
            music.tracks, rate=rate, channels=self.channels, total=self.total_samples,
            level_lufs=MUSIC_REFERENCE_LUFS + music.volume_db, ffmpeg=music.ffmpeg,
            warn=music.warn, heads=music.heads)
        self._level = None if music is None else bed_level(
            timeline, rate=rate, duck_db=music.duck_db)
        self._last_use: dict[str, int] = {}
        for event, start, length in zip(self._events, self._starts, self._lengths,
                                        strict=True):
            if event.kind == "speech":
                self._last_use[event.text] = start + length
        self._clips: dict[str, Samples] = {}

    def render(self, start_ms: int = 0, end_ms: int | None = None) -> Pcm:
        """The samples from ``start_ms`` to ``end_ms`` (default: the end), int16,
        ``channels`` interleaved."""
        first, last = self._span(start_ms, end_ms)
        ch = self.channels
        out = np.empty((last - first) * ch, np.int16)
        for offset, chunk in self._chunk_spans(first, last,
                                               ms_to_samples(10_000, self.sample_rate)):
            out[(offset - first) * ch: (offset - first) * ch + len(chunk)] = chunk
        return out

    def track_at(self, at_ms: int) -> Track | None:
        """The music track heard at ``at_ms`` (None: no music there)."""
        if self.bed is None:
            return None
        return self.bed.track_at(ms_to_samples(at_ms, self.sample_rate))

    def track_name(self, at_ms: int) -> str | None:
        """The file name of the music track heard at ``at_ms`` (None: no music there)."""
        track = self.track_at(at_ms)
        return track.path.name if track else None

    def close(self) -> None:
        """Stop the music's decoders (the renderer can still render: they start again)."""
        if self.bed is not None:
            self.bed.close()

    def chunks(self, start_ms: int = 0, end_ms: int | None = None, *,
               chunk_ms: int = 10_000) -> Iterator[Pcm]:
        """The same samples as ``render(start_ms, end_ms)``, as consecutive int16 chunks
        of ``chunk_ms`` (the last one shorter)."""
        first, last = self._span(start_ms, end_ms)
        size = max(1, ms_to_samples(chunk_ms, self.sample_rate))
        for _, chunk in self._chunk_spans(first, last, size):
            yield chunk

    def _span(self, start_ms: int, end_ms: int | None) -> tuple[int, int]:
        rate = self.sample_rate
        last = self.total_samples if end_ms is None else ms_to_samples(end_ms, rate)
        first = ms_to_samples(start_ms, rate)
        if not 0 <= first <= last:
            raise ValueError(f"bad span: {start_ms} ms to {end_ms} ms")
        return first, last

    def _chunk_spans(self, first: int, last: int, size: int) -> Iterator[tuple[int, Pcm]]:
        for begin in range(first, last, size):
            end = min(last, begin + size)
            yield begin, self._mix(begin, end)
            self._evict(end)

    def _mix(self, first: int, last: int) -> Pcm:
        """Samples ``first`` to ``last`` (sample indices) mixed, limited and as int16."""
        voice = np.zeros(last - first, np.float32)
        lo = bisect.bisect_right(self._starts, first - self._reach)
        hi = bisect.bisect_left(self._starts, last)
        for i in range(lo, hi):
            start = self._starts[i]
            sound = self._sound(self._events[i])[: self._lengths[i]]
            begin, end = max(first, start), min(last, start + len(sound))
            if begin < end:
                voice[begin - first: end - first] += sound[begin - start: end - start]
        buf = voice if self.bed is None else self._with_bed(voice, first)
        over = np.count_nonzero((buf > CEILING) | (buf < -1.0))
        if over:
            self.limited_samples += over
            np.clip(buf, -1.0, CEILING, out=buf)
        buf *= FULL_SCALE
        return np.rint(buf).astype(np.int16).reshape(-1)

    def _with_bed(self, voice: Samples, first: int) -> Samples:
        """The voice centred in stereo with the bed under it."""
        assert self.bed is not None and self._level is not None
        out = np.empty((len(voice), self.channels), np.float32)
        out[:] = voice[:, None]
        self.bed.add_to(out, first, self._level.gains(first, len(voice)))
        return out

    def _sound(self, event: Event) -> Samples:
        """An event's samples, gain applied (speech fetched once while still needed)."""
        if event.kind == "beep":
            return self._beeps[str(event.sound)]
        clip = self._clips.get(event.text)
        if clip is None:
            clip = self._speech_samples(event.text)
            self._clips[event.text] = clip
        return clip

    def _speech_samples(self, text: str) -> Samples:
        voice = self.timeline.voice
        clip = self.speech.clip(text, voice)
        samples = resample(to_float(clip.samples), clip.sample_rate, self.sample_rate)
        peak = float(np.max(np.abs(samples), initial=0.0))
        gain = SPEECH_PEAK * voice.volume / peak if peak > 0 else 0.0
        return samples * np.float32(gain)

    def _evict(self, done: int) -> None:
        """Forget clips no event after sample ``done`` uses (a later seek back refetches)."""
        for text in [t for t in self._clips if self._last_use.get(t, 0) <= done]:
            del self._clips[text]
