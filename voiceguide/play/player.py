"""The play session: one pre-rendered stream, a play head, and the controls a person uses.

The whole session lives in one preallocated int16 buffer (``np.zeros`` pages are only
committed as they are written). A render thread fills it in chunks, always the first
missing chunk at or after the play head, so playback starts after one chunk and a seek
far ahead is filled before it is heard. The position is the wall-clock time since the
stream was (re)started plus where it started; pause, skip and back stop the stream and
start a new one at a sample offset, so each costs one device start, never one per cue.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

import numpy as np

from voiceguide.errors import AudioDeviceError
from voiceguide.pcm import Pcm
from voiceguide.play.device import EXPORT_HINT, AudioOutput
from voiceguide.play.view import SessionView, Status
from voiceguide.render.samples import ms_to_samples
from voiceguide.timeline.events import Section, Timeline

CHUNK_MS = 2_000
"""Render unit in ms: a whole number of seconds, so chunk starts are exact sample indices."""
BACK_AGAIN_MS = 3_000
"""``back`` within this many ms of a section's start goes to the previous section."""
END_SLACK_MS = 1_000
"""A stream that stops this close (ms) to the end has finished; earlier is a device fault."""
MUTE_MS = 1_000
"""On stop, this much (ms) after the play head is silenced: simpleaudio finishes its
current device write and drains it, which would otherwise play on for 0.2-0.3 s."""


class ChunkRenderer(Protocol):
    """What the player needs from ``voiceguide.render.mixer.Renderer``."""

    sample_rate: int
    channels: int
    total_samples: int

    def render(self, start_ms: int = 0, end_ms: int | None = None) -> Pcm: ...
    def track_name(self, at_ms: int) -> str | None: ...
    def close(self) -> None: ...


class Output(Protocol):
    def start(self, offset: int) -> None: ...
    def stop(self) -> None: ...
    def is_playing(self) -> bool: ...
    def wait_stopped(self) -> None: ...


class Filler:
    """Renders the session into ``samples`` on a thread, nearest the play head first."""

    def __init__(self, renderer: ChunkRenderer, samples: Pcm, total_ms: int) -> None:
        self.renderer = renderer
        self.samples = samples
        self.total_ms = total_ms
        self.done = [False] * max(1, -(-total_ms // CHUNK_MS))
        self.error: BaseException | None = None
        self._scan = 0
        self._muted: set[int] = set()
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="voiceguide-render", daemon=True)
        self._thread.start()

    def focus(self, ms: int) -> None:
        """Render from ``ms`` on next (the play head moved there)."""
        with self._cond:
            self._scan = min(max(0, ms) // CHUNK_MS, len(self.done) - 1)
            self._cond.notify_all()

    def wait_ready(self, ms: int) -> None:
        """Block until the chunk holding ``ms`` is rendered; re-raises a render failure."""
        index = min(max(0, ms) // CHUNK_MS, len(self.done) - 1)
        with self._cond:
            self._cond.wait_for(lambda: self.done[index] or self.error is not None)
            if self.error is not None:
                raise self.error

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def _next(self) -> int | None:
        """The first missing chunk from the focus on, then from the session's start."""
        for _ in range(2):
            while self._scan < len(self.done) and self.done[self._scan]:
                self._scan += 1
            if self._scan < len(self.done):
                return self._scan
            self._scan = 0
        return None

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._closed or self._next() is not None)
                    index = self._next()
                    if self._closed or index is None:
                        return
                offset, chunk = self._render(index)
                with self._cond:
                    self.samples[offset : offset + len(chunk)] = chunk
                    self.done[index] = True
                    self._cond.notify_all()
        except BaseException as exc:  # handed to the main thread by wait_ready / check
            with self._cond:
                self.error = exc
                self._cond.notify_all()

    def _render(self, index: int) -> tuple[int, Pcm]:
        """Chunk ``index`` and its sample offset, cut to the buffer (outside the lock)."""
        start_ms = index * CHUNK_MS
        chunk = self.renderer.render(start_ms, min(start_ms + CHUNK_MS, self.total_ms))
        offset = ms_to_samples(start_ms, self.renderer.sample_rate)
        frames = chunk.reshape(-1, *self.samples.shape[1:])
        return offset, frames[: max(0, len(self.samples) - offset)]

    def mute(self, start_ms: int, end_ms: int) -> None:
        """Silence a span of the buffer now (a stopping stream may still read it)."""
        rate = self.renderer.sample_rate
        with self._cond:
            self.samples[ms_to_samples(start_ms, rate) : ms_to_samples(end_ms, rate)] = 0
            first, last = start_ms // CHUNK_MS, min(end_ms // CHUNK_MS, len(self.done) - 1)
            self._muted.update(range(first, last + 1))

    def unmute(self) -> None:
        """Render the muted chunks again (once no stream reads them)."""
        with self._cond:
            for index in self._muted:
                self.done[index] = False
            if self._muted:
                self._scan = min(self._scan, min(self._muted))
            self._muted.clear()
            self._cond.notify_all()


class Player:
    """Plays a timeline's stream and keeps the play head: pause, resume, skip, back, seek.

    Times are ms from the session's start. Use as a context manager: leaving it stops
    the sound at once (Ctrl-C, quit, failure) and ends the render thread.
    """

    def __init__(
        self,
        timeline: Timeline,
        renderer: ChunkRenderer,
        *,
        output_factory: Callable[[Pcm, int], Output] = AudioOutput,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeline = timeline
        self.rate = renderer.sample_rate
        self.total_ms = timeline.total_ms
        frames = (renderer.total_samples,) + ((renderer.channels,) if renderer.channels > 1
                                               else ())
        self.samples = np.zeros(frames, dtype=np.int16)
        """The session's frames: 1-D mono, or (frames, channels) interleaved."""
        self.sections = sorted(timeline.sections, key=lambda s: s.start_ms)
        self._starts = [s.start_ms for s in self.sections]
        self.filler = Filler(renderer, self.samples, self.total_ms)
        self.output = output_factory(self.samples, self.rate)
        self.clock = clock
        self._at_ms = 0
        self.skipped: list[str] = []
        """Labels of the sections skipped with ``skip``, in order (for the history)."""
        self._since: float | None = None
        self._closed = False

    def __enter__(self) -> Player:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def paused(self) -> bool:
        return self._since is None

    def position_ms(self) -> int:
        """Where the play head is now (frozen while paused)."""
        if self._since is None:
            return self._at_ms
        return min(self.total_ms, self._at_ms + int((self.clock() - self._since) * 1000))

    def play(self, at_ms: int = 0) -> None:
        """Start (or restart) the sound at ``at_ms`` once that part is rendered."""
        at_ms = min(max(0, at_ms), self.total_ms)
        self._silence()
        self.output.wait_stopped()
        self.filler.unmute()
        self.filler.focus(at_ms)
        self.filler.wait_ready(at_ms)
        self._at_ms = at_ms
        self.output.start(ms_to_samples(at_ms, self.rate))
        self._since = self.clock()

    def pause(self) -> None:
        """Silence at once; the play head stays where the sound stopped."""
        self._silence()

    def _silence(self) -> None:
        """Stop the sound now: mute what the stream may still read, then stop it."""
        if self._since is not None:
            self._at_ms = self.position_ms()
            self._since = None
            self.filler.mute(self._at_ms, self._at_ms + MUTE_MS)
            self.output.stop()

    def toggle(self) -> None:
        if self.paused:
            self.play(self._at_ms)
        else:
            self.pause()

    def seek(self, at_ms: int) -> None:
        """Move the play head; keeps playing if it was, stays paused if it was."""
        if self.paused:
            self._at_ms = min(max(0, at_ms), self.total_ms)
            self.filler.focus(self._at_ms)
        else:
            self.play(at_ms)

    def section_index(self, at_ms: int | None = None) -> int:
        """Index of the section holding ``at_ms`` (default: now); -1 before the first."""
        at = self.position_ms() if at_ms is None else at_ms
        return bisect.bisect_right(self._starts, at) - 1

    def section(self, at_ms: int | None = None) -> Section | None:
        index = self.section_index(at_ms)
        return self.sections[index] if index >= 0 else None

    def skip(self) -> None:
        """To the start of the next section (the end, after the last)."""
        index = self.section_index()
        if index >= 0:
            self.skipped.append(self.sections[index].label)
        following = self._starts[index + 1] if index + 1 < len(self._starts) else self.total_ms
        self.seek(following)

    def back(self) -> None:
        """To the start of this section, or of the previous one when just past its start."""
        at = self.position_ms()
        index = self.section_index(at)
        if index < 0:
            self.seek(0)
            return
        if at - self._starts[index] < BACK_AGAIN_MS and index > 0:
            index -= 1
        self.seek(self._starts[index])

    def section_start(self, at_ms: int) -> int:
        """Start (ms) of the section holding ``at_ms``; 0 before the first."""
        index = self.section_index(min(max(0, at_ms), self.total_ms))
        return self._starts[index] if index >= 0 else 0

    def resume_ms(self) -> int:
        """Where ``--resume`` should start: the beginning of the section playing now."""
        return self.section_start(self.position_ms())

    def finished(self) -> bool:
        """True once the stream played out; raises if the device died or render failed.

        A stream that stops on its own before the end means the sound server or device
        went away: that is an ``AudioDeviceError``.
        """
        if self.filler.error is not None:
            raise self.filler.error
        if self._since is None or self.output.is_playing():
            return self._since is None and self._at_ms >= self.total_ms
        at = self.position_ms()
        self.output.stop()
        self._at_ms, self._since = at, None
        if at >= self.total_ms - END_SLACK_MS:
            self._at_ms = self.total_ms
            return True
        raise AudioDeviceError(
            "the audio output stopped in the middle of the session (did the sound server "
            f"stop?); start again with --resume, or {EXPORT_HINT}"
        )

    def close(self) -> None:
        """Stop the sound at once, let the device let go of the buffer, end the render
        thread; once (closing again does nothing)."""
        if self._closed:
            return
        self._closed = True
        self._silence()
        self.output.wait_stopped()
        self.filler.close()


TICK_S = 0.1
"""Display refresh and key poll interval in seconds (keys are handled as they arrive)."""

KEY_ACTIONS: dict[str, Callable[[Player], None]] = {
    "space": Player.toggle,
    "n": Player.skip,
    "right": Player.skip,
    "b": Player.back,
    "left": Player.back,
}


class Keys(Protocol):
    def read(self, timeout_s: float) -> str | None: ...


class StatusSink(Protocol):
    def update(self, status: Status) -> None: ...


def play_session(
    player: Player,
    view: SessionView,
    display: StatusSink,
    keys: Keys,
    *,
    on_section: Callable[[int], None] | None = None,
) -> bool:
    """Follow a started ``player`` until the end (True) or ``q`` (False), handling keys.

    The caller starts the sound (``player.play``) before building the display, so the
    display's start-up does not delay the first cue. ``on_section`` gets the start (ms)
    of each section as it is entered, for resume.
    """
    section = None
    while not player.finished():
        status = view.status(player.position_ms(), paused=player.paused)
        display.update(status)
        if on_section is not None and status.section_index != section:
            section = status.section_index
            on_section(player.resume_ms())
        key = keys.read(TICK_S)
        if key == "q":
            return False
        if key in KEY_ACTIONS:
            KEY_ACTIONS[key](player)
    display.update(view.status(player.total_ms))
    return True
