"""The music bed: the tracks laid end to end on the session's clock, with crossfades,
looped until the session is covered, mixed into a chunk on demand from any sample.

The layout is fixed before the first sample: a track starts ``CROSSFADE_MS`` before
the one before it ends (less for a track too short to fade that long), and the list
starts over until the session is covered. So the bed at any session time is a pure
function of the tracks and that time: play after pause, skip, back or ``--resume``
hears the music that an export has there, and the same session and music give the same
samples. Only the tracks under the chunk are decoded, each by its own ffmpeg pipe
(``decode.py``), kept open while the next chunk continues it.

A track that fails while playing (deleted, damaged) is dropped from there on with a
warning: the next track fades in where it stopped, and the rest of the layout follows
from there (the session goes on; only its music changes).

With a ``HeadCache``, the bed's first ``HEAD_MS`` come from disk once any session has
played or exported them (``heads.py``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from voiceguide.render import decode, limiter
from voiceguide.render.decode import SKIP_LIMIT_S, TrackFailed, TrackReader
from voiceguide.render.heads import HEAD_MS, HeadCache, head_key
from voiceguide.render.tracks import Track

MAX_TRACK_GAIN_DB = 15.0
"""The most a quiet track is raised to the bed's level (dB): a near-silent track is left
quiet rather than its noise brought up."""
CROSSFADE_MS = 3_000
"""How long one track fades into the next (ms): short, so neither is heard at half level
for long."""

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Placement:
    """One track on the session clock: from sample ``start``, ``length`` samples long,
    fading in over its first ``fade_in`` and out over its last ``fade_out`` samples."""

    track: int
    start: int
    length: int
    fade_in: int
    fade_out: int

    @property
    def end(self) -> int:
        return self.start + self.length


def lay_out(lengths: Sequence[int], total: int, crossfade: int, *, start: int = 0,
            first: int = 0, fade_in: int = 0, skip: frozenset[int] = frozenset()
            ) -> list[Placement]:
    """Tracks of ``lengths`` samples (index order from ``first``, looping, passing over
    ``skip``) placed from sample ``start`` until ``total`` is covered."""
    order = [i for i in range(len(lengths)) if i not in skip and lengths[i] > 0]
    if not order:
        return []
    at = min(range(len(order)), key=lambda k: (order[k] - first) % len(lengths))
    placements: list[Placement] = []
    while start < total:
        track, following = order[at % len(order)], order[(at + 1) % len(order)]
        length = lengths[track]
        fade_out = min(crossfade, length // 2, lengths[following] // 2)
        placements.append(Placement(track, start, length, min(fade_in, length // 2), fade_out))
        start += max(1, length - fade_out)
        fade_in = fade_out
        at += 1
    return placements


def fade_curve(count: int, offset: int, length: int, *, rising: bool) -> np.ndarray:
    """Equal-power fade gains for ``count`` samples from ``offset`` in a fade of
    ``length`` samples (sine rising, cosine falling), so a crossfade of two unrelated
    tracks keeps its loudness."""
    phase = (np.arange(offset, offset + count, dtype=np.float32) + 0.5) / np.float32(length)
    angle = np.float32(np.pi / 2) * np.clip(phase, 0.0, 1.0)
    return np.sin(angle) if rising else np.cos(angle)


class MusicBed:
    """The tracks laid out over ``total`` samples at ``rate`` Hz, ``channels`` channels,
    each brought to ``level_lufs`` by its measured loudness."""

    def __init__(self, tracks: Sequence[Track], *, rate: int, channels: int, total: int,
                 level_lufs: float, ffmpeg: str, warn: Warn,
                 crossfade_ms: int = CROSSFADE_MS, heads: HeadCache | None = None) -> None:
        self.tracks = list(tracks)
        self.rate = rate
        self.channels = channels
        self.total = total
        self.ffmpeg = ffmpeg
        self.warn = warn
        self._crossfade = crossfade_ms * rate // 1000
        self._lengths = [int(t.seconds * rate) for t in self.tracks]
        self._gains = [np.float32(10 ** (min(MAX_TRACK_GAIN_DB, level_lufs - t.lufs) / 20))
                       for t in self.tracks]
        self._failed: set[int] = set()
        self.placements = lay_out(self._lengths, total, self._crossfade)
        self._index()
        self._readers: dict[int, TrackReader] = {}
        self._work = np.empty((0, channels), np.float32)
        self._last: tuple[int, np.ndarray] = (0, self._work)
        """The span returned last (its first sample, its samples)."""
        self._heads = heads
        # the limiter looks AHEAD samples past what is rendered: the head holds them too
        self._head_shape = (min(total, HEAD_MS * rate // 1000 + limiter.AHEAD), channels)
        self._head: np.ndarray | None = None
        if heads is not None:
            self._head_key = head_key(self.tracks, rate=rate, channels=channels,
                                      crossfade=self._crossfade, level=level_lufs,
                                      code=[Path(__file__), Path(decode.__file__)])
            self._head = heads.load(self._head_key, self._head_shape)

    def _index(self) -> None:
        """Where the placements start and end, for bisecting (after any change)."""
        self._starts = [p.start for p in self.placements]
        self._ends = [p.end for p in self.placements]

    def track_at(self, sample: int) -> Track | None:
        """The track heard at ``sample`` (the newer one during a crossfade)."""
        i = bisect.bisect_right(self._starts, sample) - 1
        if i < 0 or sample >= self.placements[i].end:
            return None
        return self.tracks[self.placements[i].track]

    def add_to(self, out: np.ndarray, first: int, gains: np.ndarray) -> None:
        """Add the bed from sample ``first`` into ``out`` (``(n, channels)`` float32),
        each sample times ``gains`` (``(n,)``)."""
        out += self.samples(first, len(out)) * gains[:, None]

    def samples(self, first: int, count: int) -> np.ndarray:
        """The bed's ``count`` samples from sample ``first``, ``(count, channels)``; valid
        until the next call."""
        head = self._head
        if head is not None and first + count <= len(head):
            self._last = (first, head[first: first + count])
            return self._last[1]
        bed = self._continued(first, count)
        if self._heads is not None and head is None and first == 0 and (
                count >= self._head_shape[0]):
            self._head = bed[: self._head_shape[0]].copy()
            self._heads.store(self._head_key, self._head)
        return bed

    def _continued(self, first: int, count: int) -> np.ndarray:
        """The span decoded, its start taken from the previous span where they overlap:
        the mixer asks for each chunk with the limiter's margins either side, so each
        span starts a little before the last one ended, and decoding that again would
        restart every decoder at every chunk."""
        start, before = self._last
        end = start + len(before)
        out = np.empty((count, self.channels), np.float32)
        if start <= first < end <= first + count:
            kept = end - first
            out[:kept] = before[first - start:]
            out[kept:] = self._decode(end, count - kept)
        else:
            out[:] = self._decode(first, count)
        self._last = (first, out)
        return out

    def _decode(self, first: int, count: int) -> np.ndarray:
        """The bed decoded into the work buffer (reused, so valid until the next call)."""
        if len(self._work) < count:
            self._work = np.empty((count, self.channels), np.float32)
        out = self._work[:count]
        out.fill(0.0)
        last = first + count
        i = 0
        while True:
            i = max(i, bisect.bisect_right(self._ends, first))
            if i >= len(self.placements) or self.placements[i].start >= last:
                break
            placement = self.placements[i]
            begin, end = max(first, placement.start), min(last, placement.end)
            if begin < end:
                try:
                    samples = self._read(i, begin - placement.start, end - begin)
                except TrackFailed as exc:
                    self._drop(i, begin, str(exc))
                    continue
                fades = self._fades(placement, begin, end) * self._gains[placement.track]
                out[begin - first: end - first] += samples * fades[:, None]
            if placement.end <= last:
                self._close(i)
            i += 1
        for index in [k for k in self._readers if self.placements[k].end <= first]:
            self._close(index)
        return out

    def _fades(self, placement: Placement, begin: int, end: int) -> np.ndarray:
        gain = np.ones(end - begin, np.float32)
        offset = begin - placement.start
        if placement.fade_in and offset < placement.fade_in:
            n = min(end - begin, placement.fade_in - offset)
            gain[:n] = fade_curve(n, offset, placement.fade_in, rising=True)
        tail = placement.length - placement.fade_out
        if placement.fade_out and end - placement.start > tail:
            skip = max(0, tail - offset)
            n = end - begin - skip
            gain[skip:] *= fade_curve(n, offset + skip - tail, placement.fade_out,
                                      rising=False)
        return gain

    def _read(self, index: int, offset: int, count: int) -> np.ndarray:
        """``count`` samples of placement ``index`` from ``offset`` into its track."""
        reader = self._readers.get(index)
        if reader is not None and not reader.position <= offset <= (
                reader.position + SKIP_LIMIT_S * self.rate):
            self._close(index)
            reader = None
        if reader is None:
            track = self.tracks[self.placements[index].track]
            reader = TrackReader(track.path, rate=self.rate, channels=self.channels,
                                 start=offset, ffmpeg=self.ffmpeg)
            self._readers[index] = reader
        reader.skip(offset - reader.position)
        return reader.read(count)

    def _drop(self, index: int, at: int, reason: str) -> None:
        """Placement ``index`` failed at sample ``at``: cut it there, lay the rest of the
        bed out again without its track, and warn."""
        self._close(index)
        placement = self.placements[index]
        self._failed.add(placement.track)
        self.warn(f"music: skipping {self.tracks[placement.track].path}: {reason}")
        cut = replace(placement, length=max(0, at - placement.start), fade_out=0)
        following = self.placements[index + 1: index + 2]
        if following and following[0].start <= at:
            self.placements[index] = cut
            self._index()
            return
        for k in [k for k in self._readers if k > index]:
            self._close(k)
        self.placements[index:] = [cut, *lay_out(
            self._lengths, self.total, self._crossfade, start=at,
            first=(placement.track + 1) % len(self.tracks), fade_in=self._crossfade,
            skip=frozenset(self._failed))]
        self._index()

    def _close(self, index: int) -> None:
        reader = self._readers.pop(index, None)
        if reader is not None:
            reader.close()

    def close(self) -> None:
        for index in list(self._readers):
            self._close(index)
