"""Where a session is at any play-head time, worked out from the timeline alone.

``SessionView.status`` answers what the live display shows: the current part with its
time left and counts ("set 2 of 3", "rep 7 of 12", "move 2 of 5"), what is being said,
what comes next, and the session's own clock. The displays only draw a ``Status``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from voiceguide.timeline.events import Event, Section, Timeline

Phase = Literal["ready", "work", "rest", "talk"]
"""How a part is shown: a get-ready, a set or move, a rest (a transition, the time to set
up), or speech (welcome, a ``say`` block, the end)."""


@dataclass(frozen=True)
class NextUp:
    """The part after this one (a get-ready leads into its set, so it is passed over)."""

    name: str
    counts: tuple[str, ...]
    length_ms: int
    setup: str
    """The block's setup line (a warm-up move: its ``say``), shown during a rest."""


@dataclass(frozen=True)
class Status:
    """The session at one moment; times in ms from the session's start."""

    title: str
    week: int | None
    label: str
    """The section's label, as the line-per-section output and the history name it."""
    name: str
    phase: Phase
    counts: tuple[str, ...]
    part_ms: int
    part_left_ms: int
    saying: str
    """The line being spoken now, else the last one said in this part."""
    speaking: bool
    next_up: NextUp | None
    elapsed_ms: int
    total_ms: int
    paused: bool
    section_index: int
    music: str = ""
    """The music track playing (its file name), "" without music."""

    @property
    def remaining_ms(self) -> int:
        return max(0, self.total_ms - self.elapsed_ms)


def _phase(section: Section) -> Phase:
    if section.work:
        return "work"
    if section.kind in ("rest", "setup"):
        return "rest"
    return "ready" if section.kind == "intro" and section.block >= 0 else "talk"


class SessionView:
    """Looks up the part, its counts, the speech, what comes next and the music for a
    play-head time; ``music`` names the track heard at a time (None: no music)."""

    def __init__(self, timeline: Timeline, *,
                 music: Callable[[int], str | None] | None = None) -> None:
        self.timeline = timeline
        self.music = music
        self.title = timeline.title + (f" (week {timeline.week})" if timeline.week else "")
        self.sections = sorted(timeline.sections, key=lambda s: s.start_ms)
        self._starts = [s.start_ms for s in self.sections]
        self.events = timeline.events
        self._event_starts = [e.at_ms for e in self.events]

    def status(self, at_ms: int, *, paused: bool = False) -> Status:
        index = max(0, bisect.bisect_right(self._starts, at_ms) - 1)
        section = self.sections[index]
        saying, speaking = self._saying(at_ms, section)
        return Status(
            title=self.timeline.title, week=self.timeline.week, label=section.label,
            name=section.name or section.label, phase=_phase(section),
            counts=self._counts(index, at_ms),
            part_ms=section.end_ms - section.start_ms,
            part_left_ms=max(0, section.end_ms - at_ms),
            saying=saying, speaking=speaking,
            next_up=self._next_up(index), elapsed_ms=at_ms, total_ms=self.timeline.total_ms,
            paused=paused, section_index=index,
            music=(self.music(at_ms) or "") if self.music else "",
        )

    def _work_kind(self, index: int) -> str:
        """``set`` or ``move``: what a section is, or (a get-ready) what it leads into."""
        section = self.sections[index]
        if section.kind == "intro" and index + 1 < len(self.sections):
            return self.sections[index + 1].kind
        return section.kind

    def _set_count(self, index: int) -> list[str]:
        """``set 2 of 3`` (``move 2 of 5``); none for a block of one set, or a rest."""
        section = self.sections[index]
        if section.kind in ("set", "move", "intro") and section.set and (section.of or 0) > 1:
            return [f"{self._work_kind(index)} {section.set} of {section.of}"]
        return []

    def _counts(self, index: int, at_ms: int) -> tuple[str, ...]:
        """The set count, then ``rep 7 of 12`` or ``step 5 of 16``, or ``side 1 of 2``."""
        section = self.sections[index]
        counts = self._set_count(index)
        into = at_ms - section.start_ms
        if section.reps and section.rep_ms:
            counts.append(f"{section.unit} {min(section.reps, into // section.rep_ms + 1)} "
                          f"of {section.reps}")
        if section.sides:
            half = (section.end_ms - section.start_ms) // 2
            counts.append(f"side {1 if into < half else 2} of 2")
        return tuple(counts)

    def _saying(self, at_ms: int, section: Section) -> tuple[str, bool]:
        """The speech playing at ``at_ms`` (True), else the last said in the section."""
        end = bisect.bisect_right(self._event_starts, at_ms)
        begin = bisect.bisect_left(self._event_starts, section.start_ms)
        spoken: Event | None = None
        for event in reversed(self.events[begin:end]):
            if event.kind == "speech":
                if event.end_ms > at_ms:
                    return event.text, True
                spoken = spoken or event
        return (spoken.text, False) if spoken else ("", False)

    def _next_up(self, index: int) -> NextUp | None:
        following = index + 1
        while (following < len(self.sections)
               and _phase(self.sections[following]) == "ready"):
            following += 1
        if following >= len(self.sections):
            return None
        section = self.sections[following]
        return NextUp(section.name or section.label, tuple(self._set_count(following)),
                      section.end_ms - section.start_ms, section.setup)
