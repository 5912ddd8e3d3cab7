"""Parts onto the session clock: measured speech, exact timed parts, sections.

Rules, in the order they are applied:
- a timed part lasts exactly its duration; its lead-in and countdown come before it;
- a rest (or transition) lasts from the end of what came before to the go of the next
  timed part, so its tail holds that part's lead-in and countdown;
- anchored speech sits at its time or is left out (with a warning) if it would overlap
  earlier speech; flexible speech takes the first free gap of its part or is dropped;
- flowing speech (welcome, ``say`` blocks, lead-ins) follows what came before after a
  short pause.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Literal

from voiceguide.compile.parts import Line, Mark, Part, Pause, Talk, Work
from voiceguide.compile.placement import SpeechTrack
from voiceguide.compile.timed import TIME_LEFT_MS
from voiceguide.errors import ScriptError
from voiceguide.problems import Loc, Problem
from voiceguide.script.model import VoiceSettings
from voiceguide.speech.protocol import SpeechLengths
from voiceguide.timefmt import seconds
from voiceguide.timeline.events import BEEP_MS, Event, Section

PAUSE_MS = 300
"""Silence between consecutive spoken lines (and after a beep before speech)."""
CUE_MARGIN_MS = 200
"""Silence a flexible cue keeps from other speech, so it never runs into a count."""
QUIET_MS = 30_000
"""A rest's time calls are spaced so that the silences between them stay near this."""
INTERIM_MIN_MS = 45_000
"""Rests this long get time calls between the start and the ten-second call."""
MAX_SESSION_MS = 6 * 3600 * 1000
MAX_EVENTS = 20_000

SectionKind = Literal["intro", "setup", "set", "rest", "move", "say", "outro"]


class Layout:
    """Lays parts end to end; ``events``, ``sections`` and ``warnings`` are the result."""

    def __init__(self, speech: SpeechLengths, voice: VoiceSettings, path: str) -> None:
        self.speech = speech
        self.voice = voice
        self.path = path
        self.events: list[Event] = []
        self.sections: list[Section] = []
        self.warnings: list[Problem] = []
        self.t = 0
        """End of what is laid out so far (ms)."""
        self.quiet_ms = -PAUSE_MS
        """When the last sound so far ends: flowing speech starts a pause after it."""
        self._track = SpeechTrack()
        self._section_start = 0
        self._go_at: int | None = None
        """Start of the next timed part when a pause already placed its lead-in."""
        self._lengths: dict[str, int] = {}
        self._warned: set[tuple[Loc, str, str]] = set()
        self.dropped = 0
        """Cues left out so far (they count toward ``MAX_EVENTS`` too)."""

    def run(self, parts: Iterable[Part]) -> None:
        parts = iter(parts)
        part = next(parts, None)
        for nxt in chain(parts, [None]):
            if isinstance(part, Talk):
                self._talk(part)
            elif isinstance(part, Pause):
                self._pause(part, nxt if isinstance(nxt, Work) and part.kind != "setup"
                            else None)
            elif isinstance(part, Work):
                self._work(part)
            if self.t > MAX_SESSION_MS:
                self._fail(f"the session lasts over {MAX_SESSION_MS // 3_600_000} hours")
            part = nxt

    # -- events ---------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        raise ScriptError([Problem(self.path, Loc(), "error", message,
                                   "split it into several scripts")])

    def _add(self, event: Event) -> None:
        self.events.append(event)
        self.quiet_ms = max(self.quiet_ms, event.end_ms)
        self._count()

    def _count(self, dropped: int = 0) -> None:
        """Fail past ``MAX_EVENTS`` cues placed or dropped: a dropped cue cost as much
        work to try, so dropping cannot hide a script that asks for millions."""
        self.dropped += dropped
        if len(self.events) + self.dropped > MAX_EVENTS:
            self._fail(f"the session has over {MAX_EVENTS} events (counting cues left out)")

    def _warn(self, loc: Loc, key: str, tag: str, message: str) -> None:
        """One warning per script node and kind, however often it happens."""
        if (loc, key, tag) not in self._warned:
            self._warned.add((loc, key, tag))
            self.warnings.append(Problem(self.path, loc, "warning", message))

    def length(self, text: str) -> int:
        if text not in self._lengths:
            self._lengths[text] = self.speech.duration_ms(text, self.voice)
        return self._lengths[text]

    def _beep(self, at: int, sound: str, block: int, set_: int | None,
              rep: int | None = None) -> None:
        self._add(Event(at_ms=at, duration_ms=BEEP_MS[sound], kind="beep", tag=sound,
                        sound=sound, block=block, set=set_, rep=rep))

    def _speak(self, at: int, line: Line, block: int, set_: int | None,
               rep: int | None = None) -> None:
        length = self.length(line.text)
        self._track.claim(at, at + length)
        self._add(Event(at_ms=at, duration_ms=length, kind="speech", tag=line.tag,
                        text=line.text, block=block, set=set_, rep=rep))

    def _flow(self, line: Line, block: int, set_: int | None) -> None:
        at = max(self.t, self.quiet_ms + PAUSE_MS)
        self._speak(at, line, block, set_)
        self.t = at + self.length(line.text)

    def _anchor(self, at: int, mark: Mark, block: int, set_: int | None) -> None:
        if mark.sound is not None:
            self._beep(at, mark.sound, block, set_, mark.rep)
        line = mark.line
        if line is None:
            return
        length = self.length(line.text)
        if mark.fallback is not None and mark.room_ms is not None and length > mark.room_ms:
            stand_in = mark.fallback.line
            self._warn(line.loc, "fallback", line.tag,
                       f"'{line.text}' takes {seconds(length)}, longer than the "
                       f"{seconds(mark.room_ms)} it has, so "
                       f"{'the tick' if stand_in is None else repr(stand_in.text)} stands "
                       "in for it")
            self._anchor(at, mark.fallback, block, set_)
            return
        if mark.room_ms is not None and length > mark.room_ms:
            self._warn(line.loc, "room", line.tag,
                       f"'{line.text}' takes {seconds(length)}, longer than the "
                       f"{seconds(mark.room_ms)} it has: the timing is too fast for this "
                       "voice and rate")
        if self._track.is_free(at, at + length):
            self._speak(at, line, block, set_, mark.rep)
        else:
            self._count(dropped=1)
            self._warn(line.loc, "overlap", line.tag,
                       f"'{line.text}' at {seconds(at)} would overlap other speech and is "
                       "left out: the timing is too tight for this voice and rate")

    def _cue(self, line: Line, earliest: int, latest_end: int, block: int, set_: int | None,
             rep: int | None, where: str | None) -> None:
        """A flexible line in the first gap after ``earliest``; one that finds none is
        dropped, with a warning naming ``where`` (None: a repeat, dropped silently)."""
        length = self.length(line.text)
        at = self._track.first_free(earliest, length, latest_end, CUE_MARGIN_MS)
        if at is None:
            self._count(dropped=1)
            if where is None:
                return
            self._warn(line.loc, "drop", line.tag,
                       f"'{line.text}' is dropped: no gap of {seconds(length)} left for it "
                       f"in {where}")
        else:
            self._speak(at, line, block, set_, rep)

    def _section(self, end: int, block: int, label: str, kind: SectionKind,
                 set_: int | None = None, work: bool = False, *, name: str = "",
                 part: Work | None = None) -> None:
        """A section up to ``end``; a timed ``part`` (and its get-ready) brings its totals,
        its count only to the work itself."""
        if end <= self._section_start:
            return
        counted = part if work else None
        self.sections.append(Section(
            self._section_start, end, block, label, kind, set_, work, name or label,
            of=part.of if part else None, reps=counted.reps if counted else None,
            rep_ms=counted.rep_ms if counted else None, unit=counted.unit if counted else None,
            sides=bool(counted and counted.sides), setup=counted.setup if counted else ""))
        self._section_start = end

    # -- parts ----------------------------------------------------------------------------

    def _talk(self, part: Talk) -> None:
        for line in part.lines:
            self._flow(line, part.block, None)
        if part.kind == "outro":
            at = max(self.t, self.quiet_ms + PAUSE_MS)
            self._beep(at, "finish", part.block, None)
            self.t = at + BEEP_MS["finish"]
        self._section(self.t, part.block, part.label, part.kind)

    def _flow_end(self, lines: tuple[Line, ...]) -> int:
        """When the next flowing line could start after ``lines`` were said from now."""
        t, quiet = self.t, self.quiet_ms
        for line in lines:
            t = quiet = max(t, quiet + PAUSE_MS) + self.length(line.text)
        return max(t, quiet + PAUSE_MS)

    def _tail_ms(self, work: Work) -> int:
        """How long before its start a timed part's lead-in begins."""
        lead = sum(self.length(line.text) + PAUSE_MS for line in work.lead_in)
        return lead + 1000 * len(work.countdown)

    def _pause(self, part: Pause, nxt: Work | None) -> None:
        """A rest ending at the go of ``nxt`` (its lead-in and countdown in the tail); it
        grows when its own speech leaves no room for them.

        Its time calls: "Ten seconds left" 10 s before the go, with the lead-in after it,
        or before it when the lead-in is longer than those seconds (between blocks); in
        a rest of 45 s or more, calls of the time left between the head and that, so
        no stretch is silent for much over ``QUIET_MS``."""
        end = self.t + part.duration_ms
        tail = 0 if nxt is None else self._tail_ms(nxt)
        slack = PAUSE_MS if nxt is None else 0
        head = part.head
        if part.preview is not None:
            with_preview = head + (part.preview,)
            if self._flow_end(with_preview) - slack <= end - tail:
                head = with_preview
        lead_start = max(end - tail, self._flow_end(head) - slack)
        if lead_start > end - tail:
            if part.strict:
                self._warn(part.loc, "short", part.kind,
                           f"a rest of {seconds(part.duration_ms)} is too short for its "
                           f"announcements; it lasts {seconds(lead_start + tail - self.t)}")
            end = lead_start + tail
        for line in head:
            self._flow(line, part.block, part.set)
        said = self.quiet_ms
        gap = 0 if nxt is None else PAUSE_MS
        calls = dict(part.calls)
        ten, late = calls.get(TIME_LEFT_MS), None
        if ten is not None:
            at, length = end - TIME_LEFT_MS, self.length(ten.text)
            if at >= self.quiet_ms + PAUSE_MS and at + length <= lead_start - gap:
                self._speak(at, ten, part.block, part.set)
            elif nxt is not None and at + length + PAUSE_MS <= end - 1000 * len(nxt.countdown):
                early = at - PAUSE_MS - (tail - 1000 * len(nxt.countdown))
                if early >= self.quiet_ms + PAUSE_MS:
                    lead_start, late = early, ten
        self._interim_calls(part, calls, said, end, lead_start - gap)
        free_until = lead_start - gap
        if part.say is not None:
            self._cue(part.say, self.t, free_until, part.block, part.set, None, "the rest")
        if part.form is not None:
            self._cue(part.form, (self.t + free_until) // 2, free_until, part.block,
                      part.set, None, None)
        self._section(lead_start, part.block, part.label,
                      "setup" if part.kind == "setup" else "rest", part.set)
        self.t = lead_start
        if nxt is None:
            self.t = end
            return
        for line in nxt.lead_in:
            self._flow(line, nxt.block, nxt.set)
        if late is not None and self._track.is_free(end - TIME_LEFT_MS, end, PAUSE_MS):
            self._speak(end - TIME_LEFT_MS, late, nxt.block, nxt.set)
        self._go_at = end

    def _interim_calls(self, part: Pause, calls: dict[int, Line], start: int, end: int,
                       until: int) -> None:
        """Calls of the time left between ``start`` (the head said) and ``until`` (or the
        ten-second call), each placed to halve what silence is left, at a time that leaves
        a round number of seconds."""
        if part.duration_ms < INTERIM_MIN_MS or not calls:
            return
        stop = min(until, end - TIME_LEFT_MS) if TIME_LEFT_MS in calls else until
        count = max(1, -(-(stop - start) // QUIET_MS) - 1)
        for left_to_place in range(count, 0, -1):
            wanted = start + (stop - start) // (left_to_place + 1)
            left = min(calls, key=lambda ms: abs(end - ms - wanted))
            line, at = calls[left], end - left
            length = self.length(line.text)
            if left > TIME_LEFT_MS and at >= start + PAUSE_MS and \
                    self._track.is_free(at, at + length, CUE_MARGIN_MS) and \
                    at + length <= stop - PAUSE_MS:
                self._speak(at, line, part.block, part.set)
                start = at + length

    def _work(self, part: Work) -> None:
        if self._go_at is None:
            for line in part.lead_in:
                self._flow(line, part.block, part.set)
            start = max(self.t, self.quiet_ms + PAUSE_MS) + 1000 * len(part.countdown)
        else:
            start, self._go_at = self._go_at, None
        block, set_ = part.block, part.set
        for n, line in enumerate(part.countdown):
            at = start - 1000 * (len(part.countdown) - n)
            self._anchor(at, Mark(0, "countdown", line, room_ms=1000), block, set_)
        self._section(start, block, f"{part.label} (get ready)", "intro", set_,
                      name=part.name, part=part)
        self._anchor(start, Mark(0, "go", part.go), block, set_)
        for mark in sorted(part.marks, key=lambda m: m.offset_ms):
            self._anchor(start + mark.offset_ms, mark, block, set_)
        end = start + part.duration_ms
        where = f"{part.label} ({seconds(part.duration_ms)})"
        for cue in sorted(part.cues, key=lambda c: c.offset_ms):
            self._cue(cue.line, start + cue.offset_ms, end, block, set_, cue.rep, where)
        for cue in part.again:
            self._cue(cue.line, start + cue.offset_ms, end, block, set_, cue.rep, None)
        self._beep(end, "end", block, set_)
        self._section(end, block, part.label, part.kind, set_, work=True, name=part.name,
                      part=part)
        self.t = end
