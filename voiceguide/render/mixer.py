"""Mix a timeline's speech clips and beeps into one sample-accurate stream, in chunks.

Each event starts at the sample ``ms_to_samples(event.at_ms)``. A chunk is mixed in
float32 from only the events that overlap it (found by bisecting the sorted start
samples, reaching back by the longest event), so memory is one chunk plus the clips in
use, however long the session; ``play`` pulls chunks from any offset, ``export`` pipes
them to an encoder.

Levels (``gains.py``): each speech clip brought to its planned loudness with its peaks
limited on its own (``peaks.py``), beeps at fixed levels relative to speech, the
planned loudness chosen so the loudness predicted from the timeline lands on the target
(``loudness.py``); then the true-peak limiter (``limiter.py``) on the mix, for which
each chunk is mixed with a margin either side. It watches where sounds overlap (and,
with music, everywhere). A hard clip at full scale stays as the last safety net
(``limited_samples`` counts what it caught; 0 unless the limiter failed). Levels are
measured at 22.05 kHz, the voice's rate, whatever the output rate. The music's level
counts from the voice's planned loudness.

With music (``Music``) the stream is stereo at the music's rate (``music_rate``:
44.1 kHz, or 48 kHz when every track is), voice and beeps centred (the same samples in
both channels) and the bed mixed under them at the level ``ducking.py`` sets; without
it, mono at 22.05 kHz as the voice needs (half the samples to render and encode).
Samples are interleaved: ``render`` returns ``frames * channels`` int16 values.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE, Pcm, Samples
from voiceguide.render import limiter, peaks
from voiceguide.render.bed import MusicBed, Warn
from voiceguide.render.beeps import BeepSounds, load_beeps
from voiceguide.render.ducking import bed_level
from voiceguide.render.gains import ROTATE_OVER_LUFS, GainPlan, plan_gains
from voiceguide.render.heads import HeadCache
from voiceguide.render.levels import BIN_MS, Level, LevelCache, Sound
from voiceguide.render.loudness import TARGET_LUFS, Placement
from voiceguide.render.samples import ms_to_samples, resample, to_float
from voiceguide.render.tracks import Track
from voiceguide.speech.protocol import SpeechSource
from voiceguide.timeline.events import Event, Timeline

__all__ = ["Music", "Renderer", "music_rate"]

CEILING = (FULL_SCALE - 1) / FULL_SCALE
"""The largest float that maps to an int16 sample without overflow."""
CENTRED_DB = 10 * math.log10(2)
"""How much louder a mono sound measures played in both channels (BS.1770 adds the
channels' energies): the stereo mix's voice is planned this much under the target."""


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


def bed_placement(timeline: Timeline, music: Music) -> Placement:
    """The music bed as the loudness prediction sees it: every track at ``volume_db`` LU
    from a speech clip (in the mono terms of the plan: the stereo bed against the
    centred voice), times the bed's fades and ducking, per ``BIN_MS``."""
    bins = -(-timeline.total_ms // BIN_MS)
    envelope = bed_level(timeline, rate=1000 // BIN_MS, duck_db=music.duck_db).gains(0, bins)
    energy = 10 ** ((music.volume_db + 0.691) / 10)
    profile = energy * envelope.astype(np.float64) ** 2
    return Placement(0, Level(loudness=music.volume_db, profile=profile), 1.0)


class Renderer:
    """A timeline as int16 audio (22050 Hz mono, or with music stereo at the music's
    rate), rendered on demand for any span."""

    def __init__(self, timeline: Timeline, speech: SpeechSource, *,
                 beeps: BeepSounds | None = None, music: Music | None = None,
                 loudness: float | None = None, levels: LevelCache | None = None) -> None:
        self.timeline = timeline
        self.speech = speech
        self.music = music
        self.sample_rate = music_rate(music.tracks) if music else SAMPLE_RATE
        self.channels = 2 if music else 1
        rate = self.sample_rate
        self.total_samples = ms_to_samples(timeline.total_ms, rate)
        self.limited_samples = 0
        """Samples the hard clip after the limiter caught so far (0 unless the limiter
        failed)."""
        self._events = sorted(timeline.events, key=lambda e: e.at_ms)
        self._starts = [ms_to_samples(e.at_ms, rate) for e in self._events]
        self._lengths = [-(-e.duration_ms * rate // 1000) for e in self._events]
        self._reach = max(self._lengths, default=0)
        beeps = beeps or load_beeps(timeline.beeps)
        target = TARGET_LUFS if loudness is None else loudness
        self.gains = self._plan(beeps, target - (CENTRED_DB if music else 0.0),
                                levels or LevelCache(), rotated=target > ROTATE_OVER_LUFS)
        self._beeps = {name: self._hot(resample(beeps[name], beeps.rate, rate) * np.float32(gain))
                       for name, gain in self.gains.beeps.items()}
        self.bed = None if music is None else MusicBed(
            music.tracks, rate=rate, channels=self.channels, total=self.total_samples,
            level_lufs=self.gains.offset_lu + CENTRED_DB + music.volume_db,
            ffmpeg=music.ffmpeg,
            warn=music.warn, heads=music.heads)
        self._level = None if music is None else bed_level(
            timeline, rate=rate, duck_db=music.duck_db)
        self._last_use: dict[str, int] = {}
        for event, start, length in zip(self._events, self._starts, self._lengths,
                                        strict=True):
            if event.kind == "speech":
                self._last_use[event.text] = start + length
        self._clips: dict[str, tuple[Samples, bool]] = {}

    def _plan(self, sounds: BeepSounds, loudness: float, levels: LevelCache, *,
              rotated: bool) -> GainPlan:
        """Measure every clip and beep (or find it measured) and decide the gains
        (``rotated``: for a target over ``ROTATE_OVER_LUFS``). The clips are held while
        planning, each fetched and hashed once."""
        said = {text: Sound(self._clip_samples(text)) for text in self.timeline.speech_texts()}
        clips = {text: levels.speech(sound) for text, sound in said.items()}
        used = {e.sound for e in self.timeline.events if e.sound is not None}
        beeps = {name: levels.beep(Sound(resample(sounds[name], sounds.rate)))
                 for name in sorted(used)}

        def speech_at(text: str, lufs: float, near: Level | None, rotated: bool) -> Level:
            return levels.speech_at(said[text], clips[text], lufs, near, rotated=rotated)

        layers = [] if self.music is None else [bed_placement(self.timeline, self.music)]
        return plan_gains(self.timeline, clips, beeps, speech_at, target_lufs=loudness,
                          layers=layers, rotated=rotated)

    @staticmethod
    def _hot(samples: Samples) -> tuple[Samples, bool]:
        """A sound and whether its own true peak passes the ceiling."""
        return samples, limiter.peak(samples) > limiter.ALONE

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
        begin, end = max(0, first - limiter.BACK), min(self.total_samples, last + limiter.AHEAD)
        voice, watch = self._sum(begin, end)
        mix = voice if self.bed is None else self._with_bed(voice, begin)
        buf = limiter.limit(mix, begin, first - begin, last - begin,
                            watch=watch if self.bed is None else None)
        over = np.count_nonzero((buf > CEILING) | (buf < -1.0))
        if over:
            self.limited_samples += over
            np.clip(buf, -1.0, CEILING, out=buf)
        buf *= FULL_SCALE
        return np.rint(buf).astype(np.int16).reshape(-1)

    def _sum(self, first: int, last: int) -> tuple[Samples, np.ndarray]:
        """Voice and beeps from sample ``first`` to ``last`` added up (float32, gains
        applied), and where the limiter must look: where sounds overlap, or one sound
        whose own true peak passes the ceiling plays (elsewhere a sound plays alone and
        its peak is known)."""
        voice = np.zeros(last - first, np.float32)
        cover = np.zeros(last - first, np.int8)
        lo = bisect.bisect_right(self._starts, first - self._reach)
        hi = bisect.bisect_left(self._starts, last)
        for i in range(lo, hi):
            start = self._starts[i]
            sound, hot = self._sound(self._events[i])
            sound = sound[: self._lengths[i]]
            begin, end = max(first, start), min(last, start + len(sound))
            if begin < end:
                voice[begin - first: end - first] += sound[begin - start: end - start]
                cover[begin - first: end - first] += 2 if hot else 1
        return voice, cover >= 2

    def _with_bed(self, voice: Samples, first: int) -> Samples:
        """The voice centred in stereo with the bed under it."""
        assert self.bed is not None and self._level is not None
        out = np.empty((len(voice), self.channels), np.float32)
        out[:] = voice[:, None]
        self.bed.add_to(out, first, self._level.gains(first, len(voice)))
        return out

    def _sound(self, event: Event) -> tuple[Samples, bool]:
        """An event's samples, gain applied (speech fetched once while still needed), and
        whether its own true peak passes the limiter's ceiling."""
        if event.kind == "beep":
            return self._beeps[str(event.sound)]
        clip = self._clips.get(event.text)
        if clip is None:
            level = self.gains.speech.get(event.text)
            source = peaks.source(self._clip_samples(event.text), rotated=self.gains.rotated)
            samples = peaks.control(source, level.gain if level else 0.0)
            clip = self._clips[event.text] = self._hot(
                resample(samples, SAMPLE_RATE, self.sample_rate))
        return clip

    def _clip_samples(self, text: str) -> Samples:
        """A speech clip as float32 at ``SAMPLE_RATE`` (where levels are measured)."""
        clip = self.speech.clip(text, self.timeline.voice)
        return resample(to_float(clip.samples), clip.sample_rate)

    def _evict(self, done: int) -> None:
        """Forget clips no chunk after sample ``done`` uses, its limiter margin included
        (a later seek back refetches)."""
        needed = done - limiter.BACK
        for text in [t for t in self._clips if self._last_use.get(t, 0) <= needed]:
            del self._clips[text]
